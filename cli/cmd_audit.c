/* cmd_audit.c — yaohao audit: replay the whole ledger. */
#include <stdio.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
	"usage: yaohao audit [--db FILE] [--pubkey FILE] [--json]\n"
	"\n"
	"Walks the ledger from its first entry: no gap in the sequence, the hash\n"
	"chain, every hash against its entry's content, every signature, every import\n"
	"against the register rows it wrote, every commit against its stored\n"
	"announcement; and replays every draw from the registers as of its freeze,\n"
	"which must give the recorded transcript byte for byte.  It names the first\n"
	"entry that fails and why.\n"
	"\n"
	"On PostgreSQL an auditor (a member of yaohao_auditor, docs/operations.md)\n"
	"audits any department: --department D names it, and the session reads\n"
	"only D's rows and can write nothing.\n"
	"\n"
	"  --pubkey FILE  the department's public key: the ledger must be signed by it\n"
	"  --json         the report as JSON\n"
	"  --db FILE      the store (default: $YAOHAO_DB, then ./yaohao.db)\n"
	"\n"
	"exit status: 0 the ledger holds, 1 an entry fails, 4 the store cannot be read\n";

typedef struct {
	const char *db, *pubkey;
	int json;
} audit_args;

static const cli_opt_spec options[] = {
	CLI_VALUE(audit_args, db, "db", 0),
	CLI_VALUE(audit_args, pubkey, "pubkey", 0),
	CLI_FLAG(audit_args, json, "json", 0),
	CLI_END
};

static void on_draw(void *ctx, uint64_t seq)
{
	(void)ctx;
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\rreplaying the draw of entry %llu", (unsigned long long)seq);
}

int cmd_audit(int argc, char **argv)
{
	audit_args a = { 0 };
	yh_store *store = NULL;
	json_t *report = NULL;
	int rc;

	if ((rc = cli_opt_parse(&a, options, "audit", usage, argc, argv)) != CLI_PARSED)
		return rc;
	if ((rc = cli_open_store_reader(&store, a.db)) != CLI_OK)
		return rc;
	rc = yh_audit_run(&report, store, a.pubkey, on_draw, NULL);
	cli_scan_progress_done();
	yh_store_close(store);
	if (rc < 0)
		return cli_fail(rc);
	return cli_report_exit(report, a.json);
}
