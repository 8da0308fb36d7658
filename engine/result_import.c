/* result_import.c — a file of inspection results into a drawn task (docs/formats.md,
 * "Results"): every line read and parsed, then checked in file order by the rules of
 * yh_results_record, all or nothing, with every bad line named. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaohao/csv.h"
#include "yaohao/results.h"
#include "results_load.h"
#include "inspection.h"
#include "text.h"
#include "importer.h"
#include "error.h"

enum {
	C_ENTITY, C_NAME, C_RESULT, C_DATE, C_OFFICERS, C_ITEMS, C_METHOD, C_FOLLOW_UP, C_NOTE,
	C_REPLACES, C_REASON, NCOLUMNS
};

#define ALIASES(...) (const char *const[]){ __VA_ARGS__, NULL }

/* The columns of a results file: the first alias is the Chinese header, the last English. */
static const struct {
	const char *name;
	const char *const *aliases;
	int required;
} columns[NCOLUMNS] = {
	[C_ENTITY] = { "entity_id", ALIASES("统一社会信用代码", "社会信用代码", "信用代码", "uscc",
	                                    "entity_id"), 1 },
	[C_NAME] = { "name", ALIASES("企业名称", "市场主体名称", "主体名称", "name"), 0 },
	[C_RESULT] = { "result", ALIASES("检查结果", "抽查结果", "result"), 1 },
	[C_DATE] = { "date", ALIASES("检查日期", "抽查日期", "date"), 1 },
	[C_OFFICERS] = { "officers", ALIASES("检查人员", "执法人员", "officers"), 1 },
	[C_ITEMS] = { "items", ALIASES("检查事项", "抽查事项", "items"), 0 },
	[C_METHOD] = { "method", ALIASES("检查方式", "method"), 0 },
	[C_FOLLOW_UP] = { "follow_up", ALIASES("后续处置", "follow_up"), 0 },
	[C_NOTE] = { "note", ALIASES("备注", "note"), 0 },
	[C_REPLACES] = { "replaces", ALIASES("更正条目", "replaces"), 0 },
	[C_REASON] = { "reason", ALIASES("更正原因", "reason"), 0 },
};

/* One data line as read: trimmed values (NULL: absent or empty) and the lists split. */
typedef struct {
	uint64_t line;
	char *value[NCOLUMNS];
	const char **officers, **items;  /* point into value[] */
	size_t nofficers, nitems;
	char date[11];
	uint64_t replaces;
} line_row;

typedef struct {
	uint64_t line;
	size_t order;
	int column, warning;
	yh_hint hint;
	char *message;
} kept_diag;

typedef struct {
	const yh_results_import_options *opt;
	yh_results_import_report *rep;
	const char *path;
	unsigned max_errors;
	kept_diag *diags;                  /* reported, passed on at the end in line order */
	size_t ndiags, capdiags;
	int oom;
	yh_hint hint;                      /* given with the next diagnostic */
	size_t nheader;
	int column_of[YH_CSV_MAX_FIELDS];  /* file field -> column, or -1 */
	int field_of[NCOLUMNS];            /* column -> file field, or -1 */
	char *header[NCOLUMNS];            /* the column's header as written, for messages */
	line_row *rows;                    /* the good lines, in file order */
	size_t nrows, cap;
	yh_inspections *state;             /* the task as it stands: the names of the draw */
} importer;

static void report(importer *im, uint64_t line, int column, int warning, const char *fmt, ...)
	YH_PRINTF(5, 6);

/* Diagnostics are kept and passed on at the end in line order: the lines are parsed first and
 * checked by the rules after, and the reader wants them as the file runs. */
static void report(importer *im, uint64_t line, int column, int warning, const char *fmt, ...)
{
	char msg[1024];
	kept_diag *d;
	va_list ap;

	if (warning)
		im->rep->warnings++;
	else
		im->rep->errors++;
	if (im->ndiags >= im->max_errors + 16 || im->oom)
		return;   /* enough to show the first max_errors errors and the warnings among them */
	if (im->ndiags == im->capdiags) {
		size_t cap = im->capdiags ? im->capdiags * 2 : 32;
		kept_diag *p = realloc(im->diags, cap * sizeof(*p));

		if (!p) {
			im->oom = 1;
			return;
		}
		im->diags = p;
		im->capdiags = cap;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d = &im->diags[im->ndiags];
	if (!(d->message = strdup(msg))) {
		im->oom = 1;
		return;
	}
	d->line = line;
	d->order = im->ndiags++;
	d->column = column;
	d->warning = warning;
	d->hint = im->hint;
}

static int cmp_diag(const void *a, const void *b)
{
	const kept_diag *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

static void pass_on(importer *im)
{
	unsigned errors = 0;
	size_t i;

	if (im->ndiags)
		qsort(im->diags, im->ndiags, sizeof(*im->diags), cmp_diag);
	for (i = 0; i < im->ndiags; i++) {
		const kept_diag *k = &im->diags[i];
		yh_diagnostic d;

		if (!k->warning && errors++ >= im->max_errors)
			continue;
		d.file = im->path;
		d.line = k->line;
		d.column = k->column < 0 ? NULL : im->header[k->column];
		d.message = k->message;
		d.warning = k->warning;
		d.hint = k->hint;
		if (im->opt->on_diagnostic)
			im->opt->on_diagnostic(im->opt->diagnostic_ctx, &d);
	}
}

static void free_row(line_row *r)
{
	size_t c;

	for (c = 0; c < NCOLUMNS; c++)
		free(r->value[c]);
	free(r->officers);
	free(r->items);
}

/* ---- the header ------------------------------------------------------------------------ */

static int column_named(const char *s, size_t len)
{
	const char *const *a;
	int c;

	for (c = 0; c < NCOLUMNS; c++)
		for (a = columns[c].aliases; *a; a++)
			if (yh_text_equals(s, len, *a))
				return c;
	return -1;
}

static void accepted_headers(char *out, size_t size)
{
	size_t n = 0;
	int c;

	out[0] = '\0';
	for (c = 0; c < NCOLUMNS && n < size; c++) {
		const char *const *a = columns[c].aliases;

		while (a[1])
			a++;
		n += (size_t)snprintf(out + n, size - n, "%s%s/%s", c ? ", " : "", columns[c].aliases[0], *a);
	}
}

static int read_header(importer *im, yh_csv *csv)
{
	char why[160], names[512];
	size_t f, len;
	int c, r;

	for (c = 0; c < NCOLUMNS; c++) {
		im->field_of[c] = -1;
		if (!(im->header[c] = strdup(columns[c].name)))
			return yh_error_set(YH_ENOMEM, "out of memory");
	}
	if ((r = yh_csv_next(csv)) == 0) {
		report(im, 1, -1, 0, "file is empty: a header row is needed");
		return YH_EDATA;
	}
	if (r < 0) {
		if (r != YH_EDATA)
			return r;
		report(im, yh_csv_error_line(csv), -1, 0, "%s", yh_csv_error_reason(csv));
		return YH_EDATA;
	}
	im->nheader = yh_csv_nfields(csv);
	accepted_headers(names, sizeof(names));
	for (f = 0; f < im->nheader; f++) {
		const char *s = yh_csv_field(csv, f, &len);

		im->column_of[f] = -1;
		yh_text_trim(&s, &len);
		if ((r = yh_text_check(s, len, why, sizeof(why))) != 0) {
			im->hint = r == YH_TEXT_NOT_UTF8 ? YH_HINT_TRY_GB18030 : YH_HINT_NONE;
			report(im, 1, -1, 0, "header field %zu: %s", f + 1, why);
			im->hint = YH_HINT_NONE;
			continue;
		}
		if ((c = column_named(s, len)) < 0) {
			report(im, 1, -1, 0, "unknown column '%.*s' (headers accepted: %s)", (int)len, s, names);
			continue;
		}
		if (im->field_of[c] >= 0) {
			report(im, 1, -1, 0, "columns '%s' and '%.*s' both give %s", im->header[c], (int)len, s,
			       columns[c].name);
			continue;
		}
		im->field_of[c] = (int)f;
		im->column_of[f] = c;
		free(im->header[c]);
		if (!(im->header[c] = strndup(s, len)))
			return yh_error_set(YH_ENOMEM, "out of memory");
	}
	for (c = 0; c < NCOLUMNS; c++)
		if (columns[c].required && im->field_of[c] < 0)
			report(im, 1, -1, 0, "missing required column '%s' (%s)", columns[c].name,
			       columns[c].aliases[0]);
	return im->rep->errors ? YH_EDATA : YH_OK;
}

/* ---- a line ---------------------------------------------------------------------------- */

/* The separators of a list: ';', '；', '、', '|'. */
static size_t separator_at(const char *s)
{
	if (*s == ';' || *s == '|')
		return 1;
	if (strncmp(s, "\xEF\xBC\x9B", 3) == 0 || strncmp(s, "\xE3\x80\x81", 3) == 0)
		return 3;
	return 0;
}

/* Splits text (modified in place) into its trimmed, non-empty parts. */
static int split_list(const char ***out, size_t *n, char *text)
{
	char *p = text, *start = text;
	const char **v = NULL;

	*out = NULL;
	*n = 0;
	for (;;) {
		size_t sep = *p ? separator_at(p) : 1;

		if (sep) {
			const char *s = start;
			size_t len = (size_t)(p - start);
			const char **grown;
			int end = *p == '\0';

			*p = '\0';
			yh_text_trim(&s, &len);
			if (len) {
				if (!(grown = realloc(v, (*n + 1) * sizeof(*v)))) {
					free(v);
					return yh_error_set(YH_ENOMEM, "out of memory");
				}
				v = grown;
				((char *)s)[len] = '\0';
				v[(*n)++] = s;
			}
			if (end)
				break;
			p += sep;
			start = p;
		} else {
			p++;
		}
	}
	*out = v;
	return YH_OK;
}

/* A ledger entry number: 1 to 2^63 - 1 in decimal. */
static int entry_number(uint64_t *out, const char *s)
{
	uint64_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (UINT64_C(0x7fffffffffffffff) - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return v ? 0 : -1;
}

/* The name of an entity or reserve in the draw, or NULL. */
static const char *draw_name(importer *im, const char *id)
{
	yh_insp_entity *e = yh_insp_find(im->state, id);
	const yh_doc_reserve *r = e ? NULL : yh_draw_doc_reserve(im->state->doc, id);

	return e ? e->name : r ? r->name : NULL;
}

/* Checks and keeps the values of the current line in r; 0 when every value is good, 1 when
 * one is bad (reported), or a negative code. */
static int parse_values(importer *im, line_row *r)
{
	const char *name;
	char *v;
	int bad = 0;

	if ((v = r->value[C_ENTITY]))
		for (; *v; v++)
			if (*v >= 'a' && *v <= 'z')
				*v = (char)(*v - 'a' + 'A');
	if (r->value[C_DATE] && !yh_text_date_normalise(r->date, r->value[C_DATE],
	                                                strlen(r->value[C_DATE]))) {
		report(im, r->line, C_DATE, 0, "'%s' is not a date (2026-12-05, 2026/12/5 or "
		       "2026年12月5日)", r->value[C_DATE]);
		bad = 1;
	}
	if (r->value[C_OFFICERS]) {
		if (split_list(&r->officers, &r->nofficers, r->value[C_OFFICERS]) < 0)
			return YH_ENOMEM;
		if (!r->nofficers) {
			report(im, r->line, C_OFFICERS, 0, "names no officer");
			bad = 1;
		}
	}
	if (r->value[C_ITEMS] && split_list(&r->items, &r->nitems, r->value[C_ITEMS]) < 0)
		return YH_ENOMEM;
	if (r->value[C_REPLACES] && entry_number(&r->replaces, r->value[C_REPLACES]) < 0) {
		report(im, r->line, C_REPLACES, 0, "'%s' is not a ledger entry number",
		       r->value[C_REPLACES]);
		bad = 1;
	}
	if (r->value[C_REASON] && !r->value[C_REPLACES]) {
		report(im, r->line, C_REASON, 0, "a correction's reason, but no entry to correct (%s)",
		       im->header[C_REPLACES]);
		bad = 1;
	}
	if (r->value[C_NAME] && r->value[C_ENTITY] && (name = draw_name(im, r->value[C_ENTITY])) &&
	    strcmp(name, r->value[C_NAME]) != 0)
		report(im, r->line, C_NAME, 1, "'%s' is not the name the draw gives entity '%s' ('%s')",
		       r->value[C_NAME], r->value[C_ENTITY], name);
	return bad;
}

/* Reads the current record into a new row; 0 when it is good (kept), 1 when bad (reported),
 * or a negative code. */
static int read_line(importer *im, yh_csv *csv)
{
	line_row r;
	char why[160];
	size_t len;
	int c, bad = 0, t;

	memset(&r, 0, sizeof(r));
	r.line = yh_csv_line(csv);
	if (yh_csv_nfields(csv) != im->nheader) {
		report(im, r.line, -1, 0, "has %zu fields, the header has %zu", yh_csv_nfields(csv),
		       im->nheader);
		return 1;
	}
	for (c = 0; c < NCOLUMNS; c++) {
		const char *s;

		if (im->field_of[c] < 0)
			continue;
		s = yh_csv_field(csv, (size_t)im->field_of[c], &len);
		yh_text_trim(&s, &len);
		if (len == 0) {
			if (columns[c].required) {
				report(im, r.line, c, 0, "is empty");
				bad = 1;
			}
			continue;
		}
		if ((t = yh_text_check(s, len, why, sizeof(why))) != 0 || len > YH_TEXT_MAX) {
			im->hint = t == YH_TEXT_NOT_UTF8 ? YH_HINT_TRY_GB18030 : YH_HINT_NONE;
			if (t)
				report(im, r.line, c, 0, "%s", why);
			else
				report(im, r.line, c, 0, "is %zu bytes long, the limit is %d", len, YH_TEXT_MAX);
			im->hint = YH_HINT_NONE;
			bad = 1;
			continue;
		}
		if (!(r.value[c] = strndup(s, len))) {
			free_row(&r);
			return yh_error_set(YH_ENOMEM, "out of memory");
		}
	}
	if (!bad && (t = parse_values(im, &r)) != 0) {
		if (t < 0) {
			free_row(&r);
			return t;
		}
		bad = 1;
	}
	if (bad) {
		free_row(&r);
		return 1;
	}
	if (im->nrows == im->cap) {
		size_t cap = im->cap ? im->cap * 2 : 64;
		line_row *p = realloc(im->rows, cap * sizeof(*p));

		if (!p) {
			free_row(&r);
			return yh_error_set(YH_ENOMEM, "out of memory");
		}
		im->rows = p;
		im->cap = cap;
	}
	im->rows[im->nrows++] = r;
	return 0;
}

static void unparsed(void *ctx, uint64_t line, int column, const char *message)
{
	report(ctx, line, column, 0, "%s", message);
}
static int take_line(void *ctx, yh_csv *csv)
{
	return read_line(ctx, csv);
}

static int read_lines(importer *im, yh_csv *csv)
{
	return yh_import_rows(csv, im->column_of, im->nheader, &im->rep->rows, take_line, unparsed, im);
}
/* ---- the rules ------------------------------------------------------------------------- */

/* The column of a payload member a refusal concerns. */
static int concerned_column(const char *member)
{
	static const struct {
		const char *member;
		int column;
	} members[] = {
		{ "result", C_RESULT }, { "method", C_METHOD }, { "follow_up", C_FOLLOW_UP },
		{ "date", C_DATE }, { "officers", C_OFFICERS }, { "items", C_ITEMS }, { "note", C_NOTE },
		{ "reason", C_REASON }, { "replaces", C_REPLACES },
	};
	size_t i;

	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++)
		if (strcmp(member, members[i].member) == 0)
			return members[i].column;
	return C_ENTITY;
}

static void refused(void *ctx, size_t index, const char *member, const char *message)
{
	importer *im = ctx;
	int c = concerned_column(member);

	if (im->field_of[c] < 0)
		c = C_ENTITY;
	report(im, im->rows[index].line, c, 0, "%s",
	       strncmp(message, "result: ", 8) == 0 ? message + 8 : message);
}

/* Checks the good lines as results, in file order; records them when keep. */
static int check_rows(importer *im, yh_store *store, const char *task_id, int keep)
{
	yh_result *v = calloc(im->nrows ? im->nrows : 1, sizeof(*v));
	uint64_t first = 0;
	size_t i;
	int rc;

	if (!v)
		return yh_error_set(YH_ENOMEM, "out of memory");
	for (i = 0; i < im->nrows; i++) {
		const line_row *r = &im->rows[i];
		yh_result x = YH_RESULT_INIT;

		x.entity_id = r->value[C_ENTITY];
		x.result = r->value[C_RESULT];
		x.date = r->date;
		x.officers = r->officers;
		x.nofficers = r->nofficers;
		x.items = r->items;
		x.nitems = r->nitems;
		x.method = r->value[C_METHOD];
		x.follow_up = r->value[C_FOLLOW_UP];
		x.note = r->value[C_NOTE];
		x.replaces = r->replaces;
		x.reason = r->value[C_REASON];
		v[i] = x;
		if (r->replaces)
			im->rep->corrections++;
		else
			im->rep->results++;
	}
	rc = yh_results_check(&first, store, task_id, v, im->nrows, refused, im, keep);
	if (rc == YH_OK && keep && im->nrows) {
		im->rep->first_seq = first;
		im->rep->last_seq = first + im->nrows - 1;
	}
	free(v);
	return rc;
}

int yh_results_import(yh_results_import_report *rep, yh_store *store, const char *task_id,
                      const char *path, const yh_results_import_options *opt)
{
	static const yh_results_import_options defaults = YH_RESULTS_IMPORT_OPTIONS_INIT;
	importer im;
	yh_csv *csv = NULL;
	size_t i;
	int rc, c;

	memset(rep, 0, sizeof(*rep));
	memset(&im, 0, sizeof(im));
	im.opt = opt ? opt : &defaults;
	im.rep = rep;
	im.path = path;
	im.max_errors = im.opt->max_errors ? im.opt->max_errors : 100;
	if (im.opt->version != YH_RESULTS_IMPORT_OPTIONS_VERSION)
		return yh_error_set(YH_EINVAL, "results import options of version %u: this library reads "
		                    "version %u (initialise them with YH_RESULTS_IMPORT_OPTIONS_INIT)",
		                    im.opt->version, YH_RESULTS_IMPORT_OPTIONS_VERSION);
	if ((rc = yh_results_load(&im.state, NULL, store, task_id)) < 0)
		goto done;
	/* no encoding given: UTF-8, or GB18030 when the file is not UTF-8 but is GB18030 */
	if ((rc = yh_csv_open(&csv, path, im.opt->encoding ? im.opt->encoding : "auto")) < 0)
		goto done;
	snprintf(rep->encoding, sizeof(rep->encoding), "%s", yh_csv_encoding(csv));
	if (yh_csv_encoding_detected(csv))
		report(&im, 1, -1, 1, "the file is not UTF-8; read as GB18030");
	if ((rc = read_header(&im, csv)) == YH_OK && (rc = read_lines(&im, csv)) == YH_OK &&
	    rep->rows == 0 && !rep->errors)
		report(&im, 2, -1, 0, "file has no data rows");
	if (rc < 0 && rc != YH_EDATA)
		goto done;
	if (rc == YH_OK && yh_csv_sha256(rep->sha256, csv) < 0)
		yh_error_clear();
	/* the good lines are checked even when others are bad, so that every bad line is named */
	if (rc == YH_OK && im.nrows &&
	    (rc = check_rows(&im, store, task_id, !rep->errors && !im.opt->dry_run)) < 0 &&
	    rc != YH_EDATA)
		goto done;
	if (rep->errors) {
		rc = yh_error_set(YH_EDATA, "%llu error%s in '%s', nothing recorded",
		                  (unsigned long long)rep->errors, rep->errors == 1 ? "" : "s", path);
		rep->first_seq = rep->last_seq = 0;
	}
done:
	pass_on(&im);
	for (i = 0; i < im.ndiags; i++)
		free(im.diags[i].message);
	free(im.diags);
	yh_csv_free(csv);
	yh_insp_free(im.state);
	for (i = 0; i < im.nrows; i++)
		free_row(&im.rows[i]);
	free(im.rows);
	for (c = 0; c < NCOLUMNS; c++)
		free(im.header[c]);
	return rc;
}
