/* cmd_init.c — yaohao init: create a department's store. */
#include <getopt.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
	"usage: yaohao init --department CODE [--db FILE] [--key FILE]\n"
	"\n"
	"Creates a new store (an SQLite file) for one department, records its\n"
	"creation as the first ledger entry, and creates the department's Ed25519\n"
	"signing key, which signs every ledger entry from then on.\n"
	"\n"
	"  --department CODE  department code: upper-case letters, digits and '-',\n"
	"                     e.g. 330100-SCJG (required)\n"
	"  --db FILE          store to create (default: $YAOHAO_DB, then ./yaohao.db);\n"
	"                     an existing file is never overwritten\n"
	"  --key FILE         where to create the secret key (default: the store's path\n"
	"                     with .key appended, e.g. yaohao.db.key; mode 0600)\n";

int cmd_init(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "department", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'b' },
		{ "key", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *department = NULL, *db = NULL, *keyopt = NULL, *key_path;
	char buf[4096];
	struct stat st;
	yh_store *store = NULL;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': department = optarg; break;
		case 'b': db = optarg; break;
		case 'k': keyopt = optarg; break;
		case 'h': fputs(usage, stdout); return CLI_OK;
		default: return cli_bad_option("init", argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("init", "unexpected argument: '%s'", argv[optind]);
	if (!department)
		return cli_usage_error("init", "--department is required");
	key_path = cli_key_path(buf, sizeof(buf), keyopt, cli_db_path(db));
	if (stat(key_path, &st) == 0)
		return cli_error(CLI_STORE, "key file exists already: '%s' (give another --key, or "
		                 "remove it if it belongs to no store)", key_path);
	if ((rc = yh_store_create(&store, cli_db_path(db), department)) < 0)
		return cli_fail(rc);
	printf("created store '%s' for department %s\n", yh_store_path(store),
	       yh_store_department(store));
	rc = cli_key_create(store, key_path);
	yh_store_close(store);
	if (rc != CLI_OK)
		unlink(cli_db_path(db)); /* a store without its key would be unusable */
	return rc;
}
