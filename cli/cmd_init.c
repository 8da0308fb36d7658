/* cmd_init.c — yaohao init: create a department's store. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

static const char usage[] =
	"usage: yaohao init --department CODE [--db FILE]\n"
	"\n"
	"Creates a new store (an SQLite file) for one department and records its\n"
	"creation as the first ledger entry.\n"
	"\n"
	"  --department CODE  department code: upper-case letters, digits and '-',\n"
	"                     e.g. 330100-SCJG (required)\n"
	"  --db FILE          store to create (default: $YAOHAO_DB, then ./yaohao.db);\n"
	"                     an existing file is never overwritten\n";

int cmd_init(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "department", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *department = NULL, *db = NULL;
	yh_store *store = NULL;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': department = optarg; break;
		case 'b': db = optarg; break;
		case 'h': fputs(usage, stdout); return CLI_OK;
		default: return cli_bad_option("init", argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("init", "unexpected argument: '%s'", argv[optind]);
	if (!department)
		return cli_usage_error("init", "--department is required");
	if ((rc = yh_store_create(&store, cli_db_path(db), department)) < 0)
		return cli_fail(rc);
	printf("created store '%s' for department %s\n", yh_store_path(store),
	       yh_store_department(store));
	yh_store_close(store);
	return CLI_OK;
}
