/* cmd_audit.c — yaohao audit: replay the whole ledger. */
#include <getopt.h>
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
	"  --pubkey FILE  the department's public key: the ledger must be signed by it\n"
	"  --json         the report as JSON\n"
	"  --db FILE      the store (default: $YAOHAO_DB, then ./yaohao.db)\n"
	"\n"
	"exit status: 0 the ledger holds, 1 an entry fails, 4 the store cannot be read\n";

static void on_draw(void *ctx, uint64_t seq)
{
	(void)ctx;
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\rreplaying the draw of entry %llu", (unsigned long long)seq);
}

int cmd_audit(int argc, char **argv)
{
	enum { OPT_DB = 256, OPT_PUB, OPT_JSON };
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, OPT_DB },
		{ "pubkey", required_argument, NULL, OPT_PUB },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = NULL, *pubkey = NULL;
	yh_store *store = NULL;
	json_t *report = NULL;
	int c, rc, json = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DB: db = optarg; break;
		case OPT_PUB: pubkey = optarg; break;
		case OPT_JSON: json = 1; break;
		case 'h': fputs(usage, stdout); return CLI_OK;
		default: return cli_bad_option("audit", argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("audit", "unexpected argument: '%s'", argv[optind]);
	if ((rc = cli_open_store(&store, db)) != CLI_OK)
		return rc;
	rc = yh_audit_run(&report, store, pubkey, on_draw, NULL);
	cli_scan_progress_done();
	yh_store_close(store);
	if (rc < 0)
		return cli_fail(rc);
	return cli_report_exit(report, json);
}
