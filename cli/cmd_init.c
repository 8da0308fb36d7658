/* cmd_init.c — yaohao init: create a department's store. */
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

typedef struct {
	const char *department, *db, *key;
} init_args;

static const cli_opt_spec options[] = {
	CLI_VALUE(init_args, department, "department", 0),
	CLI_VALUE(init_args, db, "db", 0),
	CLI_VALUE(init_args, key, "key", 0),
	CLI_END
};

int cmd_init(int argc, char **argv)
{
	init_args a = { 0 };
	const char *key_path;
	char buf[4096];
	struct stat st;
	yh_store *store = NULL;
	int rc;

	if ((rc = cli_opt_parse(&a, options, "init", usage, argc, argv)) != CLI_PARSED)
		return rc;
	if (!a.department)
		return cli_usage_error("init", "--department is required");
	key_path = cli_key_path(buf, sizeof(buf), a.key, cli_db_path(a.db));
	if (stat(key_path, &st) == 0)
		return cli_error(CLI_STORE, "key file exists already: '%s' (give another --key, or "
		                 "remove it if it belongs to no store)", key_path);
	if ((rc = yh_store_create(&store, cli_db_path(a.db), a.department)) < 0)
		return cli_fail(rc);
	printf("created store '%s' for department %s\n", yh_store_path(store),
	       yh_store_department(store));
	rc = cli_key_create(store, key_path);
	yh_store_close(store);
	if (rc != CLI_OK)
		unlink(cli_db_path(a.db)); /* a store without its key would be unusable */
	return rc;
}
