/* cmd_log.c — yaohao log: list the ledger entries. */
#include <getopt.h>
#include <stdio.h>

#include <sodium.h>

#include "cli.h"

static const char usage[] =
	"usage: yaohao log [--db FILE] [--json]\n"
	"\n"
	"Lists the ledger entries in order: sequence, kind, entry hash and payload.\n"
	"\n"
	"  --db FILE  the store (default: $YAOHAO_DB, then ./yaohao.db)\n"
	"  --json     one JSON object per line\n";

static int print_entry(void *ctx, const yh_ledger_entry *e)
{
	char hash[65];
	int json = *(int *)ctx;

	sodium_bin2hex(hash, sizeof(hash), e->hash, YH_LEDGER_HASH_BYTES);
	if (json)
		printf("{\"seq\":%llu,\"kind\":\"%s\",\"hash\":\"%s\",\"payload\":%s}\n",
		       (unsigned long long)e->seq, e->kind, hash, e->payload);
	else
		printf("%6llu  %-8s %.16s  %s\n", (unsigned long long)e->seq, e->kind, hash, e->payload);
	return 0;
}

int cmd_log(int argc, char **argv)
{
	enum { OPT_DB = 256, OPT_JSON };
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, OPT_DB },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = NULL;
	yh_store *store = NULL;
	int c, rc, json = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DB: db = optarg; break;
		case OPT_JSON: json = 1; break;
		case 'h': fputs(usage, stdout); return CLI_OK;
		default: return cli_bad_option("log", argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("log", "unexpected argument: '%s'", argv[optind]);
	if ((rc = cli_open_store(&store, db)) != CLI_OK)
		return rc;
	rc = yh_ledger_foreach(store, 1, print_entry, &json);
	yh_store_close(store);
	return rc < 0 ? cli_fail(rc) : CLI_OK;
}
