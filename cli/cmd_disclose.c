/* cmd_disclose.c — yaohao disclose: the signed results document (一公开) and its CSV. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

static const char usage[] =
	"usage: yaohao disclose [--db FILE] [--key FILE] TASK-ID -o FILE [--csv FILE] [--html FILE]\n"
	"\n"
	"Writes the signed results document of a drawn task (yaohao-results/1): it\n"
	"names the draw document by its digests, lists every inspection with its\n"
	"team and result (or pending), and carries every result, correction,\n"
	"reassignment and substitution as the signed ledger entry that recorded it,\n"
	"so that 'yaohao verify RESULTS --draw DRAW' can check each against the draw\n"
	"and recompute the reassignments and substitutions.  The disclosure is\n"
	"recorded in the ledger once the files are written (a file that cannot be\n"
	"written records nothing); disclosing again writes the next edition.\n"
	"\n"
	"  -o, --output FILE  where to write the results document (required)\n"
	"  --csv FILE         also the results as CSV for the enterprise credit\n"
	"                     disclosure system (统一社会信用代码, 企业名称, 抽查任务编号,\n"
	"                     抽查类型, 抽查机关, 检查日期, 检查结果, 后续处置, 公示日期)\n"
	"  --html FILE        also the public page with the draw and these results: one\n"
	"                     self-contained HTML file that checks both in the reader's\n"
	"                     browser (docs/public-check.md)\n"
	"  --db FILE          the store (default: $YAOHAO_DB, then ./yaohao.db)\n"
	"  --key FILE         the secret signing key (default: the store's path + .key)\n";

typedef struct {
	const char *db, *key, *output, *csv, *html, *task_id;
} disclose_args;

static const cli_opt_spec options[] = {
	CLI_VALUE(disclose_args, db, "db", 0),
	CLI_VALUE(disclose_args, key, "key", 0),
	CLI_VALUE(disclose_args, output, "output", 'o'),
	CLI_VALUE(disclose_args, csv, "csv", 0),
	CLI_VALUE(disclose_args, html, "html", 0),
	CLI_ARG(disclose_args, task_id, "TASK-ID"),
	CLI_END
};

typedef struct {
	yh_store *store;
	const char *task_id, *output, *csv, *html;
	int exit_code;
} disclose_files;

/* Every file before the disclosure is recorded: one that cannot be written records nothing. */
static int write_files(void *ctx, const char *document, const char *csv)
{
	disclose_files *f = ctx;
	int err;

	if ((err = cli_output_text(f->output, document, 0)) != 0) {
		f->exit_code = cli_output_failed(f->output, err);
		return 1;
	}
	if (f->csv && (err = cli_output_text(f->csv, csv, 0)) != 0) {
		f->exit_code = cli_output_failed(f->csv, err);
		return 1;
	}
	if (f->html && (f->exit_code = cli_page_run(f->store, f->task_id, document, NULL, 0, f->html)) != CLI_OK)
		return 1;
	return 0;
}

int cli_disclose_run(yh_store *store, const char *task_id, const char *output, const char *csv,
                     const char *html)
{
	disclose_files f = { store, task_id, output, csv, html, CLI_OK };
	uint64_t seq;
	int rc;

	if ((rc = yh_results_disclose(&seq, store, task_id, write_files, &f)) != 0) {
		if (f.exit_code != CLI_OK)
			return f.exit_code;  /* said already; nothing recorded */
		return cli_fail(rc);
	}
	printf("disclosed the results of %s to %s%s%s (ledger entry %llu)\n", task_id, output,
	       csv ? " and " : "", csv ? csv : "", (unsigned long long)seq);
	return CLI_OK;
}

int cmd_disclose(int argc, char **argv)
{
	disclose_args a = { 0 };
	yh_store *store = NULL;
	yh_key *key = NULL;
	int rc;

	if ((rc = cli_opt_parse(&a, options, "disclose", usage, argc, argv)) != CLI_PARSED)
		return rc;
	if (!a.output)
		return cli_usage_error("disclose", "-o FILE is required");
	if ((rc = cli_open_store_signing(&store, &key, a.db, a.key)) != CLI_OK)
		return rc;
	rc = cli_disclose_run(store, a.task_id, a.output, a.csv, a.html);
	yh_store_close(store);
	yh_key_free(key);
	return rc;
}
