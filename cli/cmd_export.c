/* cmd_export.c — yaohao export: a register in canonical CSV, as of any ledger entry. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: yaohao export [--db FILE] [--as-of SEQ] [-o FILE] REGISTER\n"
	"\n"
	"Writes a register (entities, inspectors, conflicts, items) as canonical CSV:\n"
	"English headers, stored (normalised) values, rows in key order, UTF-8, LF.\n"
	"This is the file a department publishes so that anyone can recompute the\n"
	"register digests of a draw (docs/spec.md, \"canonical register files\").\n"
	"\n"
	"  --as-of SEQ        the register as it was at ledger entry SEQ (a draw's\n"
	"                     freeze_seq); default: now\n"
	"  -o, --output FILE  write to FILE instead of stdout\n"
	"  --db FILE          the store (default: $YAOHAO_DB, then ./yaohao.db)\n";

int cmd_export(int argc, char **argv)
{
	enum { OPT_DB = 256, OPT_AS_OF };
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, OPT_DB },
		{ "as-of", required_argument, NULL, OPT_AS_OF },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = NULL, *output = NULL;
	yh_register_kind kind;
	yh_store *store = NULL;
	uint64_t as_of = 0, head;
	FILE *fp = stdout;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DB: db = optarg; break;
		case OPT_AS_OF:
			if (cli_parse_u64(&as_of, optarg) != 0 || as_of == 0)
				return cli_usage_error("export", "--as-of needs a ledger sequence number: '%s'",
				                       optarg);
			break;
		case 'o': output = optarg; break;
		case 'h': fputs(usage, stdout); return CLI_OK;
		default: return cli_bad_option("export", argv);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("export", "expected one REGISTER");
	if (yh_register_lookup(&kind, argv[optind]) < 0)
		return cli_usage_error("export", "%s", yh_error_message());
	if ((rc = cli_open_store(&store, db)) != CLI_OK)
		return rc;
	if ((rc = yh_ledger_head(&head, store)) < 0) {
		rc = cli_fail(rc);
		goto done;
	}
	if (as_of > head) {
		rc = cli_error(CLI_USAGE, "sequence %llu is past the ledger's head (%llu)",
		               (unsigned long long)as_of, (unsigned long long)head);
		goto done;
	}
	if (output && !(fp = fopen(output, "wb"))) {
		rc = cli_error(CLI_BAD_DATA, "cannot write the file: '%s'", output);
		goto done;
	}
	rc = yh_register_export(fp, store, kind, as_of);
	rc = rc < 0 ? cli_fail(rc) : CLI_OK;
	if (fp != stdout && fclose(fp) != 0 && rc == CLI_OK)
		rc = cli_error(CLI_BAD_DATA, "cannot write the file: '%s'", output);
done:
	yh_store_close(store);
	return rc;
}
