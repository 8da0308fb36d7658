/* calendar_import.c — a calendar file (docs/formats.md) into the store, all or nothing: the
 * days of the years it covers replaced, one "calendar" ledger entry. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "yaohao/calendar.h"
#include "yaohao/csv.h"
#include "calendar.h"
#include "civil.h"
#include "report.h"
#include "store/store.h"
#include "text.h"
#include "importer.h"
#include "error.h"

enum { COL_DATE = 0, COL_KIND, COL_NOTE, NCOLS };

static const char *const date_headers[] = { "date", "日期", NULL };
static const char *const kind_headers[] = { "kind", "type", "类型", NULL };
static const char *const note_headers[] = { "note", "name", "说明", "备注", "名称", NULL };
static const char *const *const headers[NCOLS] = { date_headers, kind_headers, note_headers };
static const char *const column_names[NCOLS] = { "date", "kind", "note" };

/* The words of each kind: exact, ASCII letters in any case, after trimming. */
static const struct {
	const char *word, *kind;
} kind_words[] = {
	{ "holiday", "holiday" }, { "假日", "holiday" }, { "节假日", "holiday" }, { "休", "holiday" },
	{ "假", "holiday" }, { "放假", "holiday" }, { "休息", "holiday" },
	{ "workday", "workday" }, { "working day", "workday" }, { "班", "workday" },
	{ "上班", "workday" }, { "补班", "workday" }, { "工作日", "workday" },
};

typedef struct {
	char date[11];
	const char *kind;   /* "holiday" or "workday" */
	char *note;
	uint64_t line;
} day_row;

typedef struct {
	yh_store *store;
	const yh_import_options *opt;
	yh_calendar_report *rep;
	const char *path;
	unsigned max_errors;
	yh_diag_sink sink;
	size_t nheader;
	int field_of[NCOLS];       /* column -> file field, or -1 */
	int column_of[YH_CSV_MAX_FIELDS];
	char *header[NCOLS];       /* the column's header as written, for messages */
	yh_hint hint;
	day_row *rows;
	size_t nrows, cap;
} importer;

static void report(importer *im, uint64_t line, int column, int warning, const char *fmt, ...)
	YH_PRINTF(5, 6);

static void report(importer *im, uint64_t line, int column, int warning, const char *fmt, ...)
{
	va_list ap;

	if (warning)
		im->rep->warnings++;
	else
		im->rep->errors++;
	va_start(ap, fmt);
	yh_diag_vemit(&im->sink, line, column < 0 ? NULL : im->header[column], warning, im->hint,
	              fmt, ap);
	va_end(ap);
}
static int read_header(importer *im, yh_csv *csv)
{
	size_t f, len;
	int c, r;

	for (c = 0; c < NCOLS; c++) {
		im->field_of[c] = -1;
		if (!(im->header[c] = strdup(column_names[c])))
			return yh_error_set(YH_ENOMEM, "out of memory");
	}
	if ((r = yh_csv_next(csv)) == 0) {
		report(im, 1, -1, 0, "file is empty: a header row is needed");
		return yh_error_set(YH_EDATA, "no header in '%s', nothing imported", im->path);
	}
	if (r < 0) {
		if (r != YH_EDATA)
			return r;
		report(im, yh_csv_error_line(csv), -1, 0, "%s", yh_csv_error_reason(csv));
		return yh_error_set(YH_EDATA, "bad header in '%s', nothing imported", im->path);
	}
	im->nheader = yh_csv_nfields(csv);
	for (f = 0; f < im->nheader; f++) {
		const char *s = yh_csv_field(csv, f, &len);
		const char *const *a;
		char why[160];

		im->column_of[f] = -1;
		yh_text_trim(&s, &len);
		if ((r = yh_text_check(s, len, why, sizeof(why))) != 0) {
			im->hint = r == YH_TEXT_NOT_UTF8 ? YH_HINT_TRY_GB18030 : YH_HINT_NONE;
			report(im, 1, -1, 0, "header field %zu: %s", f + 1, why);
			im->hint = YH_HINT_NONE;
			continue;
		}
		for (c = 0; c < NCOLS; c++) {
			for (a = headers[c]; *a && !yh_text_equals(s, len, *a); a++)
				;
			if (*a)
				break;
		}
		if (c == NCOLS) {
			report(im, 1, -1, 1, "unknown column '%.*s' is ignored", (int)len, s);
			continue;
		}
		if (im->field_of[c] >= 0) {
			report(im, 1, -1, 0, "columns '%s' and '%.*s' both give %s", im->header[c], (int)len, s,
			       column_names[c]);
			continue;
		}
		im->field_of[c] = (int)f;
		im->column_of[f] = c;
		free(im->header[c]);
		if (!(im->header[c] = strndup(s, len)))
			return yh_error_set(YH_ENOMEM, "out of memory");
	}
	if (im->field_of[COL_DATE] < 0)
		report(im, 1, -1, 0, "missing required column 'date' (headers accepted: date, 日期)");
	if (im->field_of[COL_KIND] < 0)
		report(im, 1, -1, 0, "missing required column 'kind' (headers accepted: kind, type, 类型)");
	if (im->rep->errors)
		return yh_error_set(YH_EDATA, "bad header in '%s', nothing imported", im->path);
	return YH_OK;
}

/* Up to `max` ASCII digits at *p into *v; the number of digits read. */
static int digits(const char **p, const char *end, int max, int *v)
{
	int n = 0;

	*v = 0;
	while (*p < end && n < max && **p >= '0' && **p <= '9') {
		*v = *v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n;
}

/* A separator of the date's parts: '-', '/' or '.', the same both times, or the Chinese
 * words (年, 月); *sep is the one the date uses (0 before the first). */
static int separator(const char **p, const char *end, const char *word, char *sep)
{
	size_t wl = strlen(word);

	if (*p < end && (**p == '-' || **p == '/' || **p == '.') && (!*sep || *sep == **p)) {
		*sep = **p;
		(*p)++;
		return 1;
	}
	if ((size_t)(end - *p) >= wl && memcmp(*p, word, wl) == 0 && (!*sep || *sep == 'C')) {
		*p += wl;
		*sep = 'C';
		return 1;
	}
	return 0;
}

/*
 * A date as departments write it: 2025-01-01, 2025-1-1, 2025/1/1, 2025.1.1, 20250101 or
 * 2025年1月1日,
 * normalised to YYYY-MM-DD into out; 0 when it is one (a real date from 1900 on).
 */
static int parse_date(char out[11], const char *s, size_t len)
{
	const char *p = s, *end = s + len;
	int y, m, d;
	char sep = 0;

	if (len == 8 && digits(&p, end, 8, &y) == 8) {
		memcpy(out, s, 4);
		out[4] = '-';
		memcpy(out + 5, s + 4, 2);
		out[7] = '-';
		memcpy(out + 8, s + 6, 2);
		out[10] = '\0';
		return yh_text_is_date(out, 10) ? 0 : -1;
	}
	p = s;
	if (digits(&p, end, 4, &y) != 4 || !separator(&p, end, "年", &sep) ||
	    digits(&p, end, 2, &m) < 1 || !separator(&p, end, "月", &sep) ||
	    digits(&p, end, 2, &d) < 1)
		return -1;
	if (sep == 'C' && (size_t)(end - p) >= strlen("日") && memcmp(p, "日", strlen("日")) == 0)
		p += strlen("日");
	if (p != end)
		return -1;
	{
		char tmp[40];   /* wide enough for any int: the compiler cannot see y < 10000 */

		if (snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", y, m, d) != 10)
			return -1;
		memcpy(out, tmp, 11);
	}
	return yh_text_is_date(out, 10) ? 0 : -1;
}

static const char *kind_of(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(kind_words) / sizeof(kind_words[0]); i++)
		if (yh_text_equals(s, len, kind_words[i].word))
			return kind_words[i].kind;
	return NULL;
}

static int add_row(importer *im, const char *date, const char *kind, const char *note,
                   size_t note_len, uint64_t line)
{
	day_row *r;

	if (im->nrows == im->cap) {
		size_t cap = im->cap ? im->cap * 2 : 64;
		day_row *v = realloc(im->rows, cap * sizeof(*v));

		if (!v)
			return yh_error_set(YH_ENOMEM, "out of memory");
		im->rows = v;
		im->cap = cap;
	}
	r = &im->rows[im->nrows];
	memcpy(r->date, date, 11);
	r->kind = kind;
	r->line = line;
	if (!(r->note = strndup(note, note_len)))
		return yh_error_set(YH_ENOMEM, "out of memory");
	im->nrows++;
	return YH_OK;
}

static const char *const weekday_names[8] = {
	"", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"
};

/* One data row: checked, and kept when good; bad fields are reported. */
static int read_row(importer *im, yh_csv *csv)
{
	uint64_t line = yh_csv_line(csv);
	const char *v[NCOLS], *kind = NULL;
	size_t len[NCOLS];
	char date[11], why[160];
	int c, bad = 0, r, wd;

	if (yh_csv_nfields(csv) != im->nheader) {
		report(im, line, -1, 0, "has %zu fields, the header has %zu", yh_csv_nfields(csv),
		       im->nheader);
		return YH_OK;
	}
	for (c = 0; c < NCOLS; c++) {
		if (im->field_of[c] < 0) {
			v[c] = "";
			len[c] = 0;
			continue;
		}
		v[c] = yh_csv_field(csv, (size_t)im->field_of[c], &len[c]);
		yh_text_trim(&v[c], &len[c]);
		if ((r = yh_text_check(v[c], len[c], why, sizeof(why))) != 0) {
			im->hint = r == YH_TEXT_NOT_UTF8 ? YH_HINT_TRY_GB18030 : YH_HINT_NONE;
			report(im, line, c, 0, "%s", why);
			im->hint = YH_HINT_NONE;
			bad = 1;
		} else if (len[c] > YH_TEXT_MAX) {
			report(im, line, c, 0, "is %zu bytes long, the limit is %d", len[c], YH_TEXT_MAX);
			bad = 1;
		} else if (len[c] == 0 && c != COL_NOTE) {
			report(im, line, c, 0, "is empty");
			bad = 1;
		}
	}
	if (bad)
		return YH_OK;
	if (parse_date(date, v[COL_DATE], len[COL_DATE]) != 0) {
		report(im, line, COL_DATE, 0, "'%.*s' is not a date (YYYY-MM-DD, from 1900)",
		       (int)len[COL_DATE], v[COL_DATE]);
		bad = 1;
	}
	if (!(kind = kind_of(v[COL_KIND], len[COL_KIND]))) {
		report(im, line, COL_KIND, 0, "'%.*s' is not a kind of day (holiday, 假日, 休 …; "
		       "workday, 班, 上班 …)", (int)len[COL_KIND], v[COL_KIND]);
		bad = 1;
	}
	if (bad)
		return YH_OK;
	wd = yh_civil_weekday(yh_civil_days(date));
	if (strcmp(kind, "workday") == 0 && wd <= 5) {
		report(im, line, COL_KIND, 0, "%s is a %s: only a Saturday or Sunday can be made a "
		       "working day", date, weekday_names[wd]);
		return YH_OK;
	}
	return add_row(im, date, kind, v[COL_NOTE], len[COL_NOTE], line);
}

static void unparsed(void *ctx, uint64_t line, int column, const char *message)
{
	report(ctx, line, column, 0, "%s", message);
}
static int take_row(void *ctx, yh_csv *csv)
{
	return read_row(ctx, csv);
}

static int read_rows(importer *im, yh_csv *csv)
{
	return yh_import_rows(csv, im->column_of, im->nheader, &im->rep->rows, take_row, unparsed, im);
}
static int cmp_row(const void *a, const void *b)
{
	const day_row *x = a, *y = b;
	int c = strcmp(x->date, y->date);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Sorted by date: duplicates named with their first line, the years covered counted. */
static void check_rows(importer *im)
{
	yh_calendar_report *rep = im->rep;
	size_t i, first = 0;

	if (im->nrows)
		qsort(im->rows, im->nrows, sizeof(im->rows[0]), cmp_row);
	for (i = 0; i < im->nrows; i++) {
		int year = atoi(im->rows[i].date);

		if (i > 0 && strcmp(im->rows[i].date, im->rows[first].date) == 0) {
			report(im, im->rows[i].line, COL_DATE, 0, "duplicate date %s, first on line %llu",
			       im->rows[i].date, (unsigned long long)im->rows[first].line);
			continue;
		}
		first = i;
		if (strcmp(im->rows[i].kind, "workday") == 0)
			rep->workdays++;
		else
			rep->holidays++;
		if (rep->nyears && rep->years[rep->nyears - 1] == year)
			continue;
		if (rep->nyears == YH_CALENDAR_MAX_YEARS) {
			report(im, im->rows[i].line, COL_DATE, 0, "the file covers more than %d years "
			       "(%s is in the %dth)", YH_CALENDAR_MAX_YEARS, im->rows[i].date,
			       YH_CALENDAR_MAX_YEARS + 1);
			return;
		}
		rep->years[rep->nyears++] = year;
	}
}

static int count_day(void *ctx, const char *date, const char *kind, const char *note, uint64_t seq)
{
	(void)date;
	(void)kind;
	(void)note;
	(void)seq;
	++*(uint64_t *)ctx;
	return 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Inside the transaction: the covered years replaced by the file's days, and the entry with
 * the days' digest of each year (the rows are in date order, so each year's are together). */
static int record(importer *im)
{
	yh_calendar_report *rep = im->rep;
	yh_calendar_digest digest;
	unsigned char days_sha[32];
	char sha[65], days_hex[65];
	json_t *payload = NULL, *years = json_array(), *digests = json_array();
	uint64_t removed;
	unsigned i;
	size_t k;
	int rc = YH_OK;

	if (!years || !digests) {
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = yh_ledger_next_seq(&rep->seq, im->store)) < 0)
		goto done;
	for (i = 0; i < rep->nyears; i++) {
		if ((rc = yh_calendar_store_clear_year(&removed, im->store, rep->years[i])) < 0)
			goto done;
		rep->replaced += removed;
	}
	for (k = 0, i = 0; i < rep->nyears; i++) {
		yh_calendar_digest_init(&digest);
		for (; k < im->nrows && atoi(im->rows[k].date) == rep->years[i]; k++) {
			const day_row *r = &im->rows[k];

			yh_calendar_digest_add(&digest, r->date, r->kind, r->note);
			if ((rc = yh_calendar_store_put(im->store, r->date, r->kind, r->note, rep->seq)) < 0)
				goto done;
		}
		yh_calendar_digest_final(&digest, days_sha);
		yh_hex(days_hex, days_sha, 32);
		if (json_array_append_new(years, json_integer(rep->years[i])) < 0 ||
		    json_array_append_new(digests, json_string(days_hex)) < 0) {
			rc = yh_error_set(YH_ENOMEM, "out of memory");
			goto done;
		}
	}
	yh_hex(sha, rep->sha256, 32);
	payload = json_pack("{s:s, s:s, s:O, s:I, s:O}", "file", base_name(im->path), "sha256", sha,
	                    "years", years, "days", (json_int_t)im->nrows, "days_sha256", digests);
	rc = yh_ledger_append(im->store, rep->seq, "calendar", payload);
done:
	json_decref(years);
	json_decref(digests);
	return rc;
}

int yh_calendar_import(yh_calendar_report *rep, yh_store *store, const char *path,
                       const yh_import_options *opt)
{
	static const yh_import_options defaults = YH_IMPORT_OPTIONS_INIT;
	importer im;
	yh_csv *csv = NULL;
	unsigned i;
	size_t k;
	int rc, in_tx = 0;

	memset(rep, 0, sizeof(*rep));
	memset(&im, 0, sizeof(im));
	im.store = store;
	im.opt = opt ? opt : &defaults;
	im.rep = rep;
	im.path = path;
	im.max_errors = im.opt->max_errors ? im.opt->max_errors : 100;
	im.sink = (yh_diag_sink){ im.opt->on_diagnostic, im.opt->diagnostic_ctx, path, im.max_errors, 0 };
	if (im.opt->version != YH_IMPORT_OPTIONS_VERSION)
		return yh_error_set(YH_EINVAL, "import options of version %u: this library reads version "
		                    "%u (initialise them with YH_IMPORT_OPTIONS_INIT)", im.opt->version,
		                    YH_IMPORT_OPTIONS_VERSION);
	if (im.opt->partial || im.opt->accept_bad_check)
		return yh_error_set(YH_EINVAL, "a calendar import has no partial mode and no credit "
		                    "codes: '%s'", path);
	if ((rc = yh_csv_open(&csv, path, im.opt->encoding ? im.opt->encoding : "auto")) < 0)
		goto done;
	if (yh_csv_encoding_detected(csv))
		report(&im, 1, -1, 1, "the file is not UTF-8; read as GB18030");
	if ((rc = read_header(&im, csv)) < 0 || (rc = read_rows(&im, csv)) < 0)
		goto done;
	check_rows(&im);
	if (rep->errors) {
		rc = yh_error_set(YH_EDATA, "%llu error%s in '%s', nothing imported",
		                  (unsigned long long)rep->errors, rep->errors == 1 ? "" : "s", path);
		goto done;
	}
	if (im.nrows == 0) {
		report(&im, 2, -1, 0, "file has no data rows: a calendar lists at least one day");
		rc = yh_error_set(YH_EDATA, "no rows in '%s', nothing imported", path);
		goto done;
	}
	if ((rc = yh_csv_sha256(rep->sha256, csv)) < 0)
		goto done;
	if (im.opt->dry_run) {
		for (i = 0; i < rep->nyears && rc == YH_OK; i++)
			rc = yh_calendar_store_foreach(store, rep->years[i], count_day, &rep->replaced);
		goto done;
	}
	if ((rc = yh_store_begin(store)) < 0)
		goto done;
	in_tx = 1;
	if ((rc = record(&im)) < 0 || (rc = yh_store_commit(store)) < 0)
		goto done;
	in_tx = 0;
done:
	if (in_tx) {
		yh_store_rollback(store);
		rep->seq = 0;
	}
	if (rc < 0)
		rep->seq = 0;
	yh_csv_free(csv);
	for (i = 0; i < NCOLS; i++)
		free(im.header[i]);
	for (k = 0; k < im.nrows; k++)
		free(im.rows[k].note);
	free(im.rows);
	return rc;
}
