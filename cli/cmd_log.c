/* cmd_log.c — yaohao log: list the ledger entries. */
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

typedef struct {
	const char *db;
	int json;
} log_args;

static const cli_opt_spec options[] = {
	CLI_VALUE(log_args, db, "db", 0),
	CLI_FLAG(log_args, json, "json", 0),
	CLI_END
};

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
	log_args a = { 0 };
	yh_store *store = NULL;
	int rc;

	if ((rc = cli_opt_parse(&a, options, "log", usage, argc, argv)) != CLI_PARSED)
		return rc;
	if ((rc = cli_open_store_reader(&store, a.db)) != CLI_OK)
		return rc;
	rc = yh_ledger_foreach(store, 1, print_entry, &a.json);
	yh_store_close(store);
	return rc < 0 ? cli_fail(rc) : CLI_OK;
}
