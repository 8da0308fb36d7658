/* cmd_calendar.c — yaohao calendar import|list|show|deadline|remaining: the working-day
 * calendar (holidays and 调休 working days of each year) and the deadlines counted on it. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "cli.h"

static const char usage[] =
	"usage: yaohao calendar import [--db FILE] [--key FILE] [--encoding ENC] [--dry-run]\n"
	"                              [--max-errors N] [--json] FILE\n"
	"       yaohao calendar list [--db FILE] [--json]\n"
	"       yaohao calendar show [--db FILE] [--json] YEAR\n"
	"       yaohao calendar deadline [--db FILE] [--days N] [--json] [DATE]\n"
	"       yaohao calendar remaining [--db FILE] [--from DATE] [--json] DEADLINE\n"
	"\n"
	"Working days are not weekdays: each year the State Council's notice on the\n"
	"holidays makes some weekdays holidays and some weekends working days (调休).\n"
	"The store keeps those special days for each year imported; any other\n"
	"Monday to Friday is a working day.\n"
	"\n"
	"  import FILE   a CSV file with the columns date, kind, note (or 日期, 类型,\n"
	"                说明), one special day per line; kind is holiday (假日, 休 …)\n"
	"                or workday (班, 上班 …).  All or nothing, every bad line\n"
	"                reported as FILE:LINE: COLUMN: reason.  The days of the years\n"
	"                the file covers are replaced; other years stay.  One signed\n"
	"                ledger entry of kind \"calendar\".  fixtures/calendar.csv holds\n"
	"                the official arrangements of 2024 to 2026.\n"
	"  list          the years loaded, with their counts\n"
	"  show YEAR     the special days of a year\n"
	"  deadline      the Nth working day after DATE (default: today), the date\n"
	"                itself not counted (民法典 art. 201); every year the count\n"
	"                passes through must be loaded\n"
	"  remaining     the working days from today (or --from) to DEADLINE; negative\n"
	"                when the deadline has passed\n"
	"\n"
	"  --db FILE       the store (default: $YAOHAO_DB, then ./yaohao.db)\n"
	"  --key FILE      the secret signing key (default: the store's path + .key)\n"
	"  --encoding ENC  utf-8, gb18030 or gbk; by default UTF-8, or GB18030 (with a\n"
	"                  notice) when the file is not UTF-8 but is GB18030\n"
	"  --dry-run       import: validate and count, change nothing\n"
	"  --max-errors N  import: report at most N errors (default 100)\n"
	"  --days N        deadline: the working days to count (default 20, the\n"
	"                  disclosure period of 企业信息公示暂行条例 art. 6)\n"
	"  --from DATE     remaining: count from DATE instead of today\n"
	"  --json          machine-readable output\n"
	"\n"
	"Today is the date in China Standard Time (北京时间, UTC+8) of the system clock,\n"
	"or of $SOURCE_DATE_EPOCH when set.\n";

typedef struct {
	const char *db, *key, *encoding, *from;
	int dry_run, json;
	unsigned max_errors;
	uint64_t days;        /* --days: 20 unless given */
	cli_args args;        /* the action and its arguments */
} calendar_args;

/* --max-errors: 1 to 1000000 */
static int parse_max_errors(void *out, const char *text)
{
	uint64_t max;

	if (cli_parse_u64(&max, text) != 0 || max == 0 || max > 1000000)
		return -1;
	*(unsigned *)out = (unsigned)max;
	return 0;
}

/* --days: 0 to 10000 */
static int parse_days(void *out, const char *text)
{
	uint64_t n;

	if (cli_parse_u64(&n, text) != 0 || n > 10000)
		return -1;
	*(uint64_t *)out = n;
	return 0;
}

static const cli_opt_spec options[] = {
	CLI_VALUE(calendar_args, db, "db", 0),
	CLI_VALUE(calendar_args, key, "key", 0),
	CLI_VALUE(calendar_args, encoding, "encoding", 0),
	CLI_FLAG(calendar_args, dry_run, "dry-run", 0),
	CLI_PARSE(calendar_args, max_errors, "max-errors", 0, parse_max_errors,
	          "needs a number from 1 to 1000000"),
	CLI_PARSE(calendar_args, days, "days", 0, parse_days, "needs a number from 0 to 10000"),
	CLI_VALUE(calendar_args, from, "from", 0),
	CLI_FLAG(calendar_args, json, "json", 0),
	CLI_REST(calendar_args, args),
	CLI_END
};

static void on_diagnostic(void *ctx, const yh_diagnostic *d)
{
	const char *column = d->column ? d->column : d->line <= 1 ? "header" : "row";

	(void)ctx;
	fprintf(stderr, "%s:%llu: %s: %s%s%s\n", d->file, (unsigned long long)d->line, column,
	        d->warning ? "warning: " : "", d->message, cli_hint_words(d->hint));
}

static int import_calendar(const calendar_args *a)
{
	yh_import_options opt = YH_IMPORT_OPTIONS_INIT;
	yh_calendar_report rep;
	yh_store *store = NULL;
	yh_key *key = NULL;
	const char *enc = a->encoding, *path;
	char sha[65];
	unsigned i;
	int rc;

	if (a->args.count != 2)
		return cli_usage_error("calendar", "import takes one FILE");
	path = a->args.v[1];
	if (enc && strcasecmp(enc, "utf-8") != 0 && strcasecmp(enc, "utf8") != 0 &&
	    strcasecmp(enc, "gb18030") != 0 && strcasecmp(enc, "gbk") != 0)
		return cli_usage_error("calendar", "unsupported encoding: '%s' (use utf-8, gb18030 or gbk)",
		                       enc);
	opt.encoding = enc;
	opt.dry_run = a->dry_run;
	opt.max_errors = a->max_errors;
	opt.on_diagnostic = on_diagnostic;
	/* a dry run writes nothing, so it needs no key */
	rc = a->dry_run ? cli_open_store(&store, a->db) : cli_open_store_signing(&store, &key, a->db, a->key);
	if (rc != CLI_OK)
		return rc;
	rc = yh_calendar_import(&rep, store, path, &opt);
	yh_store_close(store);
	yh_key_free(key);
	if (rc < 0) {
		if (rc == YH_EDATA && rep.errors > (a->max_errors ? a->max_errors : 100))
			fprintf(stderr, "yaohao: only the first %u errors are shown\n",
			        a->max_errors ? a->max_errors : 100);
		return cli_fail(rc);
	}
	sodium_bin2hex(sha, sizeof(sha), rep.sha256, 32);
	if (a->json) {
		json_t *years = json_array();

		for (i = 0; years && i < rep.nyears; i++)
			json_array_append_new(years, json_integer(rep.years[i]));
		return cli_print_json(json_pack("{s:s, s:s, s:b, s:I, s:o*, s:I, s:I, s:I, s:I, s:I}",
		                                "file", path, "sha256", sha, "dry_run", a->dry_run,
		                                "seq", (json_int_t)rep.seq, "years", years,
		                                "rows", (json_int_t)rep.rows,
		                                "holidays", (json_int_t)rep.holidays,
		                                "workdays", (json_int_t)rep.workdays,
		                                "replaced", (json_int_t)rep.replaced,
		                                "warnings", (json_int_t)rep.warnings));
	}
	if (a->dry_run)
		printf("%s is valid (dry run, nothing changed): years", path);
	else
		printf("imported %s into the calendar as ledger entry %llu: years", path,
		       (unsigned long long)rep.seq);
	for (i = 0; i < rep.nyears; i++)
		printf("%s %d", i ? "," : "", rep.years[i]);
	printf("; %llu holidays, %llu working days; %llu day(s) of those years %s\n",
	       (unsigned long long)rep.holidays, (unsigned long long)rep.workdays,
	       (unsigned long long)rep.replaced, a->dry_run ? "would be replaced" : "replaced");
	printf("  sha256 %s\n", sha);
	return CLI_OK;
}

/* ---- list and show ---- */

typedef struct {
	json_t *out;          /* --json: the days (show) or the years (list); NULL: printed */
	int year;             /* list: the year being counted */
	uint64_t holidays, workdays, seq, n;
} day_walk;

static int show_day(void *ctx, const char *date, const char *kind, const char *note, uint64_t seq)
{
	day_walk *w = ctx;

	w->n++;
	if (w->out)
		return json_array_append_new(w->out, json_pack("{s:s, s:s, s:s, s:I}", "date", date,
		                             "kind", kind, "note", note, "seq", (json_int_t)seq)) ? -1 : 0;
	printf("%s  %-7s  %s\n", date, kind, note);
	return 0;
}

static void list_flush(day_walk *w)
{
	if (!w->year)
		return;
	if (w->out)
		json_array_append_new(w->out, json_pack("{s:i, s:I, s:I, s:I}", "year", w->year,
		                      "holidays", (json_int_t)w->holidays,
		                      "workdays", (json_int_t)w->workdays, "seq", (json_int_t)w->seq));
	else
		printf("%d  %3llu holidays, %2llu working days  (ledger entry %llu)\n", w->year,
		       (unsigned long long)w->holidays, (unsigned long long)w->workdays,
		       (unsigned long long)w->seq);
}

static int list_day(void *ctx, const char *date, const char *kind, const char *note, uint64_t seq)
{
	day_walk *w = ctx;
	int year = 0, i;

	(void)note;
	for (i = 0; i < 4; i++)
		year = year * 10 + (date[i] - '0');
	if (year != w->year) {
		list_flush(w);
		w->year = year;
		w->holidays = w->workdays = 0;
		w->n++;
	}
	w->seq = seq;
	if (strcmp(kind, "workday") == 0)
		w->workdays++;
	else
		w->holidays++;
	return 0;
}

static int parse_year(int *year, const char *text)
{
	uint64_t y;

	if (cli_parse_u64(&y, text) != 0 || strlen(text) != 4 || y < 1900)
		return -1;
	*year = (int)y;
	return 0;
}

static int list_or_show(const calendar_args *a, int show)
{
	day_walk w = { a->json ? json_array() : NULL, 0, 0, 0, 0, 0 };
	yh_store *store = NULL;
	int rc, year = 0;

	if (a->args.count != (show ? 2 : 1))
		return cli_usage_error("calendar", show ? "show takes one YEAR" : "list takes no argument");
	if (show && parse_year(&year, a->args.v[1]) != 0)
		return cli_usage_error("calendar", "not a year: '%s'", a->args.v[1]);
	if (a->json && !w.out)
		return cli_error(CLI_INTERNAL, "out of memory");
	if ((rc = cli_open_store(&store, a->db)) != CLI_OK) {
		json_decref(w.out);
		return rc;
	}
	rc = yh_calendar_foreach(store, year, show ? show_day : list_day, &w);
	yh_store_close(store);
	if (rc < 0) {
		json_decref(w.out);
		return cli_fail(rc);
	}
	if (!show)
		list_flush(&w);
	if (show && w.n == 0) {
		json_decref(w.out);
		return cli_error(CLI_STORE, "no working-day calendar for %d%s", year,
		                 cli_hint_words(YH_HINT_IMPORT_CALENDAR));
	}
	if (w.out)
		return cli_print_json(w.out);
	if (!show && w.n == 0)
		printf("no working-day calendar is loaded%s\n", cli_hint_words(YH_HINT_IMPORT_CALENDAR));
	return CLI_OK;
}

/* ---- deadline and remaining ---- */

static int deadline(const calendar_args *a)
{
	unsigned days = (unsigned)a->days;
	char today[11], out[11];
	const char *date;
	yh_store *store = NULL;
	int rc;

	if (a->args.count > 2)
		return cli_usage_error("calendar", "deadline takes at most one DATE");
	yh_calendar_today(today);
	date = a->args.count == 2 ? a->args.v[1] : today;
	if ((rc = cli_open_store(&store, a->db)) != CLI_OK)
		return rc;
	rc = yh_calendar_deadline(out, store, date, days);
	yh_store_close(store);
	if (rc < 0)
		return cli_fail(rc);
	if (a->json)
		return cli_print_json(json_pack("{s:s, s:I, s:s}", "date", date, "working_days",
		                                (json_int_t)days, "deadline", out));
	printf("%s: %u working day%s after %s%s (counted from the next day)\n", out, days,
	       days == 1 ? "" : "s", date, date == today ? ", today" : "");
	return CLI_OK;
}

static int remaining(const calendar_args *a)
{
	char today[11];
	const char *from, *to;
	yh_store *store = NULL;
	int64_t n = 0;
	int rc;

	if (a->args.count != 2)
		return cli_usage_error("calendar", "remaining takes one DEADLINE");
	yh_calendar_today(today);
	from = a->from ? a->from : today;
	to = a->args.v[1];
	if ((rc = cli_open_store(&store, a->db)) != CLI_OK)
		return rc;
	rc = yh_calendar_working_days_between(&n, store, from, to);
	yh_store_close(store);
	if (rc < 0)
		return cli_fail(rc);
	if (a->json)
		return cli_print_json(json_pack("{s:s, s:s, s:I}", "from", from, "deadline", to,
		                                "working_days", (json_int_t)n));
	if (n >= 0)
		printf("%lld working day%s from %s%s to the deadline %s\n", (long long)n,
		       n == 1 ? "" : "s", from, from == today ? " (today)" : "", to);
	else
		printf("%lld: the deadline %s passed %lld working day%s before %s%s\n", (long long)n, to,
		       (long long)-n, n == -1 ? "" : "s", from, from == today ? " (today)" : "");
	return CLI_OK;
}

int cmd_calendar(int argc, char **argv)
{
	calendar_args a = { .days = 20 };
	const char *action;
	int rc;

	if ((rc = cli_opt_parse(&a, options, "calendar", usage, argc, argv)) != CLI_PARSED)
		return rc;
	if (a.args.count < 1)
		return cli_usage_error("calendar", "expected import, list, show, deadline or remaining");
	action = a.args.v[0];
	if (strcmp(action, "import") == 0)
		return import_calendar(&a);
	if (strcmp(action, "list") == 0 || strcmp(action, "show") == 0)
		return list_or_show(&a, strcmp(action, "show") == 0);
	if (strcmp(action, "deadline") == 0)
		return deadline(&a);
	if (strcmp(action, "remaining") == 0)
		return remaining(&a);
	return cli_usage_error("calendar", "unknown action: '%s' (use import, list, show, deadline "
	                       "or remaining)", action);
}
