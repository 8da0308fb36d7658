/* cmd_result_import.c — yaohao result import: a file of results, all or nothing. */
#include <stdio.h>

#include <sodium.h>

#include "cli.h"

static void on_diagnostic(void *ctx, const yh_diagnostic *d)
{
	const char *column = d->column ? d->column : d->line <= 1 ? "header" : "row";

	(void)ctx;
	fprintf(stderr, "%s:%llu: %s: %s%s%s\n", d->file, (unsigned long long)d->line, column,
	        d->warning ? "warning: " : "", d->message, cli_hint_words(d->hint));
}

int cli_result_import(yh_store *store, const char *task_id, const char *path,
                      const cli_result_import_args *args)
{
	yh_results_import_options opt = YH_RESULTS_IMPORT_OPTIONS_INIT;
	yh_results_import_report rep;
	char sha[65];
	int rc;

	opt.encoding = args->encoding;
	opt.dry_run = args->dry_run;
	opt.on_diagnostic = on_diagnostic;
	rc = yh_results_import(&rep, store, task_id, path, &opt);
	if (rc < 0) {
		if (rc == YH_EDATA && rep.errors > 100)
			fprintf(stderr, "yaohao: only the first 100 errors are shown\n");
		return cli_fail(rc);
	}
	sodium_bin2hex(sha, sizeof(sha), rep.sha256, 32);
	if (args->json)
		return cli_print_json(json_pack("{s:s, s:s, s:s, s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I}",
		                                "task_id", task_id, "file", path, "sha256", sha,
		                                "encoding", rep.encoding, "dry_run", args->dry_run,
		                                "rows", (json_int_t)rep.rows,
		                                "results", (json_int_t)rep.results,
		                                "corrections", (json_int_t)rep.corrections,
		                                "first_seq", (json_int_t)rep.first_seq,
		                                "last_seq", (json_int_t)rep.last_seq,
		                                "warnings", (json_int_t)rep.warnings));
	if (args->dry_run)
		printf("%s is valid (dry run, nothing recorded): %llu results and %llu corrections "
		       "for task %s\n", path, (unsigned long long)rep.results,
		       (unsigned long long)rep.corrections, task_id);
	else
		printf("recorded %llu results and %llu corrections from %s in task %s as ledger "
		       "entries %llu-%llu\n", (unsigned long long)rep.results,
		       (unsigned long long)rep.corrections, path, task_id,
		       (unsigned long long)rep.first_seq, (unsigned long long)rep.last_seq);
	printf("  sha256 %s (%s)\n", sha, rep.encoding);
	return CLI_OK;
}
