/* cmd_export.c — yaohao export: a register in canonical CSV, as of any ledger entry. */
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

typedef struct {
	const char *db, *output, *register_name;
	uint64_t as_of;
} export_args;

static const cli_opt_spec options[] = {
	CLI_VALUE(export_args, db, "db", 0),
	CLI_PARSE(export_args, as_of, "as-of", 0, cli_opt_seq, "needs a ledger sequence number"),
	CLI_VALUE(export_args, output, "output", 'o'),
	CLI_ARG(export_args, register_name, "REGISTER"),
	CLI_END
};

int cli_export_file(const char *path, yh_store *store, yh_register_kind kind, uint64_t as_of)
{
	cli_output out;
	int rc, err;

	if ((err = cli_output_open(&out, path)) == 0 &&
	    (rc = yh_register_export(out.fp, store, kind, as_of)) < 0 && !ferror(out.fp)) {
		/* the engine's failure, not the file's: the previous file stays */
		cli_output_discard(&out);
		return cli_fail(rc);
	}
	return (err = cli_output_close(&out)) ? cli_output_failed(path, err) : CLI_OK;
}

int cmd_export(int argc, char **argv)
{
	export_args a = { 0 };
	yh_register_kind kind;
	yh_store *store = NULL;
	uint64_t head;
	int rc;

	if ((rc = cli_opt_parse(&a, options, "export", usage, argc, argv)) != CLI_PARSED)
		return rc;
	if (yh_register_lookup(&kind, a.register_name) < 0)
		return cli_usage_error("export", "%s", yh_error_message());
	if ((rc = cli_open_store_reader(&store, a.db)) != CLI_OK)
		return rc;
	if ((rc = yh_ledger_head(&head, store)) < 0) {
		rc = cli_fail(rc);
		goto done;
	}
	if (a.as_of > head) {
		rc = cli_error(CLI_USAGE, "sequence %llu is past the ledger's head (%llu)",
		               (unsigned long long)a.as_of, (unsigned long long)head);
		goto done;
	}
	if (!a.output) {
		rc = yh_register_export(stdout, store, kind, a.as_of);
		rc = rc < 0 ? cli_fail(rc) : CLI_OK;
	} else {
		rc = cli_export_file(a.output, store, kind, a.as_of);
	}
done:
	yh_store_close(store);
	return rc;
}
