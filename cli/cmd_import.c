/* cmd_import.c — yaohao import: load a register file, all or nothing. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"

static const char usage[] =
	"usage: yaohao import [options] REGISTER FILE\n"
	"\n"
	"Imports a CSV file into a register: entities (检查对象名录库), inspectors\n"
	"(执法检查人员名录库), conflicts (回避关系) or items (抽查事项清单).\n"
	"The import is all or nothing: with any error, nothing from the file is\n"
	"applied, and every error is reported as FILE:LINE: COLUMN: reason.\n"
	"Old versions of changed rows are kept (see 'yaohao stats --as-of').\n"
	"\n"
	"  --db FILE            the store (default: $YAOHAO_DB, then ./yaohao.db)\n"
	"  --key FILE           the secret signing key (default: the store's path + .key)\n"
	"  --encoding ENC       utf-8, gb18030 or gbk; by default UTF-8, or GB18030\n"
	"                       (with a notice) when the file is not UTF-8 but is GB18030\n"
	"  --partial            add and change the rows in FILE only; by default the\n"
	"                       register becomes the file and absent rows are closed\n"
	"  --accept-bad-check   accept credit codes whose check character fails\n"
	"                       (some genuine early codes do); recorded in the ledger\n"
	"  --dry-run            validate and count, change nothing\n"
	"  --max-errors N       report at most N errors (default 100)\n"
	"  --json               print the summary as JSON\n"
	"\n"
	"Columns are matched by header, Chinese or English, in any order; unknown\n"
	"columns are ignored with a warning.  'yaohao import --columns REGISTER'\n"
	"lists the headers accepted; docs/formats.md has the rules.\n";

typedef struct {
	const char *db, *key;
	yh_import_options opt;
	int json, columns;
	cli_args args;        /* REGISTER FILE, or REGISTER with --columns */
} import_args;

/* --max-errors: 1 to 1000000 */
static int parse_max_errors(void *out, const char *text)
{
	uint64_t max;

	if (cli_parse_u64(&max, text) != 0 || max == 0 || max > 1000000)
		return -1;
	*(unsigned *)out = (unsigned)max;
	return 0;
}

static const cli_opt_spec options[] = {
	CLI_VALUE(import_args, db, "db", 0),
	CLI_VALUE(import_args, key, "key", 0),
	CLI_VALUE(import_args, opt.encoding, "encoding", 0),
	CLI_FLAG(import_args, opt.partial, "partial", 0),
	CLI_FLAG(import_args, opt.accept_bad_check, "accept-bad-check", 0),
	CLI_FLAG(import_args, opt.dry_run, "dry-run", 0),
	CLI_PARSE(import_args, opt.max_errors, "max-errors", 0, parse_max_errors,
	          "needs a number from 1 to 1000000"),
	CLI_FLAG(import_args, json, "json", 0),
	CLI_FLAG(import_args, columns, "columns", 0),
	CLI_REST(import_args, args),
	CLI_END
};

typedef struct {
	int tty;
	int shown;
	const char *path;
} progress_state;

static void on_diagnostic(void *ctx, const yh_diagnostic *d)
{
	const char *column = d->column ? d->column : d->line <= 1 ? "header" : "row";

	(void)ctx;
	fprintf(stderr, "%s:%llu: %s: %s%s%s\n", d->file, (unsigned long long)d->line, column,
	        d->warning ? "warning: " : "", d->message, cli_hint_words(d->hint));
}

static void on_progress(void *ctx, uint64_t done, uint64_t total, uint64_t rows)
{
	progress_state *p = ctx;

	if (!p->tty)
		return;
	if (total)
		fprintf(stderr, "\rimporting %s: %3llu%% (%llu rows)", p->path,
		        (unsigned long long)(done * 100 / total), (unsigned long long)rows);
	else
		fprintf(stderr, "\rimporting %s: %llu rows", p->path, (unsigned long long)rows);
	p->shown = 1;
}

int cli_import_run(yh_store *store, yh_register_kind kind, const char *path,
                   yh_import_options *opt, int json)
{
	progress_state prog = { isatty(STDERR_FILENO), 0, path };
	yh_import_report rep;
	char sha[65];
	int rc;

	opt->on_diagnostic = on_diagnostic;
	opt->on_progress = on_progress;
	opt->progress_ctx = &prog;
	rc = yh_import_file(&rep, store, kind, path, opt);
	if (prog.shown)
		fputs("\r\033[K", stderr);
	if (rc < 0) {
		if (rc == YH_EDATA && rep.errors > (opt->max_errors ? opt->max_errors : 100))
			fprintf(stderr, "yaohao: only the first %u errors are shown\n",
			        opt->max_errors ? opt->max_errors : 100);
		return cli_fail(rc);
	}
	sodium_bin2hex(sha, sizeof(sha), rep.sha256, 32);
	if (json) {
		json_t *out = json_pack("{s:s, s:s, s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
		                        "register", yh_register_name(kind), "file", path, "sha256", sha,
		                        "dry_run", opt->dry_run, "seq", (json_int_t)rep.seq,
		                        "rows", (json_int_t)rep.rows, "added", (json_int_t)rep.added,
		                        "changed", (json_int_t)rep.changed,
		                        "unchanged", (json_int_t)rep.unchanged,
		                        "closed", (json_int_t)rep.closed,
		                        "warnings", (json_int_t)rep.warnings,
		                        "bad_check_accepted", (json_int_t)rep.bad_check_accepted);

		return cli_print_json(out);
	}
	if (opt->dry_run)
		printf("%s is valid (dry run, nothing changed): %llu rows would give "
		       "%llu added, %llu changed, %llu unchanged, %llu closed\n", path,
		       (unsigned long long)rep.rows, (unsigned long long)rep.added,
		       (unsigned long long)rep.changed, (unsigned long long)rep.unchanged,
		       (unsigned long long)rep.closed);
	else
		printf("imported %s into %s as ledger entry %llu: %llu rows, %llu added, "
		       "%llu changed, %llu unchanged, %llu closed\n", path, yh_register_name(kind),
		       (unsigned long long)rep.seq, (unsigned long long)rep.rows,
		       (unsigned long long)rep.added, (unsigned long long)rep.changed,
		       (unsigned long long)rep.unchanged, (unsigned long long)rep.closed);
	printf("  sha256 %s\n", sha);
	if (rep.bad_check_accepted)
		printf("  %llu credit code(s) with a failing check character accepted on record\n",
		       (unsigned long long)rep.bad_check_accepted);
	return CLI_OK;
}

static int list_columns(const char *name)
{
	const yh_register_column *cols;
	yh_register_kind kind;
	size_t n, i;
	int rc;

	if ((rc = yh_register_lookup(&kind, name)) < 0)
		return cli_fail(rc);
	n = yh_register_columns(&cols, kind);
	printf("columns of %s (key: first %zu):\n", yh_register_name(kind), yh_register_key_count(kind));
	for (i = 0; i < n; i++) {
		const char *const *a;

		printf("  %-16s %s\n", cols[i].name, cols[i].required ? "required" : "optional");
		printf("    headers:");
		for (a = cols[i].aliases; *a; a++)
			printf(" %s", *a);
		printf("\n    values:  %s\n", cols[i].rule);
	}
	return CLI_OK;
}

int cmd_import(int argc, char **argv)
{
	import_args a = { .opt = YH_IMPORT_OPTIONS_INIT };
	const char *enc;
	yh_register_kind kind;
	yh_store *store = NULL;
	yh_key *key = NULL;
	int rc;

	if ((rc = cli_opt_parse(&a, options, "import", usage, argc, argv)) != CLI_PARSED)
		return rc;
	if (a.columns) {
		if (a.args.count != 1)
			return cli_usage_error("import", "--columns takes one register name");
		return list_columns(a.args.v[0]);
	}
	if (a.args.count != 2)
		return cli_usage_error("import", "expected REGISTER and FILE");
	if ((rc = yh_register_lookup(&kind, a.args.v[0])) < 0)
		return cli_usage_error("import", "%s", yh_error_message());
	enc = a.opt.encoding;
	if (enc && strcasecmp(enc, "utf-8") != 0 && strcasecmp(enc, "utf8") != 0 &&
	    strcasecmp(enc, "gb18030") != 0 && strcasecmp(enc, "gbk") != 0)
		return cli_usage_error("import", "unsupported encoding: '%s' (use utf-8, gb18030 or gbk)",
		                       enc);
	/* a dry run writes nothing, so it needs no key */
	rc = a.opt.dry_run ? cli_open_store(&store, a.db)
	                   : cli_open_store_signing(&store, &key, a.db, a.key);
	if (rc != CLI_OK)
		return rc;
	rc = cli_import_run(store, kind, a.args.v[1], &a.opt, a.json);
	yh_store_close(store);
	yh_key_free(key);
	return rc;
}
