/* import.c — reading a register file into the store, all or nothing, with history.
 *
 * Three passes, none of them a lookup per row: the file is read and every row checked
 * (diagnostics in line order); the good rows are sorted by key in bounded memory
 * (row_sort.c); the sorted rows then meet the register's current rows in the same order
 * (store/register_writer.c), where duplicates sit side by side and every row is added,
 * changed, unchanged or, for a full import, the register's rows the file lacks closed. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "yaohao/csv.h"
#include "yaohao/import.h"
#include "register.h"
#include "report.h"
#include "status_map.h"
#include "store/store.h"
#include "text.h"
#include "importer.h"
#include "row_sort.h"
#include "error.h"

#define MAX_COLUMNS YH_REGISTER_MAX_COLUMNS
#define PROGRESS_EVERY 8192
#define ANALYZE_AFTER 10000 /* rows an import writes before the register's statistics are renewed */
#define KEY_SEP "\x1f" /* control characters never occur in values, so keys join unambiguously */

typedef struct {
	char *key;
	uint64_t line, first_line;
} duplicate;

typedef struct {
	yh_store *store;
	yh_register_kind kind;
	const yh_register_desc *reg;
	const yh_import_options *opt;
	yh_import_report *rep;
	const char *path;
	const char *encoding;              /* as read: the option, else what the reader found */
	unsigned max_errors;
	yh_diag_sink sink;
	size_t nheader;
	int column_of[YH_CSV_MAX_FIELDS];  /* file field -> column, or -1 */
	int field_of[MAX_COLUMNS];         /* column -> file field, or -1 */
	int loose[MAX_COLUMNS];
	char *header[MAX_COLUMNS];         /* the column's header as written, for messages */
	yh_value values[MAX_COLUMNS];
	yh_rule_ctx rule;
	uint64_t seq;
	int fast;                          /* no current rows: every row is new, no lookups */
	yh_hint hint;                      /* given with the next diagnostic */
	yh_register_writer *writer;
	yh_status_map *status_map;         /* the store's local status words */
	yh_row_sort *sort;                 /* the good rows, on their way to key order */
	uint64_t sorted;                   /* how many went in */
	duplicate *dups;                   /* a max-heap by line: the first max_errors in the file */
	size_t ndups, capdups;
	json_t *bad_ids;
	yh_csv *csv;
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
static int matches(const char *const *aliases, const char *s, size_t len)
{
	for (; aliases && *aliases; aliases++)
		if (yh_text_equals(s, len, *aliases))
			return 1;
	return 0;
}

static int read_header(importer *im, yh_csv *csv)
{
	size_t f, c, len;
	int r;

	for (c = 0; c < im->reg->ncolumns; c++) {
		im->field_of[c] = -1;
		im->header[c] = strdup(im->reg->columns[c].pub.name);
		if (!im->header[c])
			return yh_error_set(YH_ENOMEM, "out of memory");
	}
	r = yh_csv_next(csv);
	if (r == 0) {
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
		char why[160];

		im->column_of[f] = -1;
		yh_text_trim(&s, &len);
		if ((r = yh_text_check(s, len, why, sizeof(why))) != 0) {
			im->hint = r == YH_TEXT_NOT_UTF8 ? YH_HINT_TRY_GB18030 : YH_HINT_NONE;
			report(im, 1, -1, 0, "header field %zu: %s", f + 1, why);
			im->hint = YH_HINT_NONE;
			continue;
		}
		for (c = 0; c < im->reg->ncolumns; c++) {
			const yh_column_desc *col = &im->reg->columns[c];
			int loose = matches(col->loose_aliases, s, len);

			if (!loose && !matches(col->pub.aliases, s, len))
				continue;
			if (im->field_of[c] >= 0) {
				report(im, 1, -1, 0, "columns '%s' and '%.*s' both give %s", im->header[c],
				       (int)len, s, col->pub.name);
				break;
			}
			im->field_of[c] = (int)f;
			im->column_of[f] = (int)c;
			im->loose[c] = loose;
			free(im->header[c]);
			if (!(im->header[c] = strndup(s, len)))
				return yh_error_set(YH_ENOMEM, "out of memory");
			break;
		}
		if (c == im->reg->ncolumns)
			report(im, 1, -1, 1, "unknown column '%.*s' is ignored", (int)len, s);
	}
	for (c = 0; c < im->reg->ncolumns; c++) {
		const yh_column_desc *col = &im->reg->columns[c];
		char names[256] = "";
		const char *const *a;

		if (!col->pub.required || im->field_of[c] >= 0)
			continue;
		for (a = col->pub.aliases; *a; a++) {
			if (strlen(names) + strlen(*a) + 3 >= sizeof(names))
				break;
			strcat(names, a == col->pub.aliases ? "" : ", ");
			strcat(names, *a);
		}
		report(im, 1, -1, 0, "missing required column '%s' (headers accepted: %s)",
		       col->pub.name, names);
	}
	if (im->rep->errors)
		return yh_error_set(YH_EDATA, "bad header in '%s', nothing imported", im->path);
	return YH_OK;
}

/* Normalises the current record into im->values; 0 if the row is good. */
static int read_row(importer *im, yh_csv *csv)
{
	uint64_t line = yh_csv_line(csv);
	char why[512];
	size_t c;
	int bad = 0, k;

	if (yh_csv_nfields(csv) != im->nheader) {
		report(im, line, -1, 0, "has %zu fields, the header has %zu", yh_csv_nfields(csv),
		       im->nheader);
		return -1;
	}
	for (c = 0; c < im->reg->ncolumns; c++) {
		const yh_column_desc *col = &im->reg->columns[c];
		yh_value *v = &im->values[c];

		if (im->field_of[c] < 0) {
			v->s = col->absent;
			v->len = strlen(col->absent);
			continue;
		}
		v->s = yh_csv_field(csv, (size_t)im->field_of[c], &v->len);
		yh_text_trim(&v->s, &v->len);
		if (v->len == 0 && col->pub.required) {
			report(im, line, (int)c, 0, "is empty");
			bad = 1;
			continue;
		}
		im->rule.loose = im->loose[c];
		im->rule.bad_check = 0;
		im->rule.hint = YH_HINT_NONE;
		if (col->rule(v, &im->rule, why, sizeof(why)) != 0) {
			im->hint = im->rule.hint;
			report(im, line, (int)c, 0, "%s", why);
			im->hint = YH_HINT_NONE;
			bad = 1;
			continue;
		}
		if (im->rule.bad_check) {
			json_t *entry = json_pack("{s:s%, s:I}", "id", v->s, v->len, "line", (json_int_t)line);

			im->rep->bad_check_accepted++;
			if (!entry || json_array_append_new(im->bad_ids, entry) < 0)
				return yh_error_set(YH_ENOMEM, "out of memory");
			report(im, line, (int)c, 1, "'%.*s': check character fails, accepted on record",
			       (int)v->len, v->s);
		}
	}
	if (!bad && im->reg->finish && (k = im->reg->finish(im->values, why, sizeof(why))) >= 0) {
		report(im, line, k, 0, "%s", why);
		bad = 1;
	}
	return bad ? -1 : 0;
}

/* The key of a sorted row, its values joined by KEY_SEP ("" when it does not fit). */
static void row_key(const importer *im, const yh_sorted_row *row, char *out, size_t size)
{
	size_t c, n = 0;

	for (c = 0; c < im->reg->nkey; c++) {
		if (n + row->lens[c] + 2 > size) {
			out[0] = '\0';
			return;
		}
		if (c)
			out[n++] = KEY_SEP[0];
		memcpy(out + n, row->values[c], row->lens[c]);
		n += row->lens[c];
	}
	out[n] = '\0';
}

static void dup_sift_down(duplicate *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		duplicate t;

		if (l < n && h[l].line > h[m].line)
			m = l;
		if (r < n && h[r].line > h[m].line)
			m = r;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/* A row whose key an earlier line has.  Duplicates are found in key order, but the ones shown
 * are, as they always were, the first max_errors in the file: a max-heap by line keeps them. */
static int note_duplicate(importer *im, const yh_sorted_row *row, uint64_t first_line)
{
	char key[YH_FIELD_MAX * 2];
	size_t i;

	im->rep->errors++;
	if (im->max_errors == 0)
		return YH_OK;
	if (im->ndups == im->max_errors) {
		if (row->line > im->dups[0].line)
			return YH_OK;
		free(im->dups[0].key);
		im->dups[0] = im->dups[--im->ndups];
		dup_sift_down(im->dups, im->ndups, 0);
	}
	if (im->ndups == im->capdups) {
		size_t cap = im->capdups ? im->capdups * 2 : 16;
		duplicate *p = realloc(im->dups, cap * sizeof(*p));

		if (!p)
			return yh_error_set(YH_ENOMEM, "out of memory");
		im->dups = p;
		im->capdups = cap;
	}
	row_key(im, row, key, sizeof(key));
	i = im->ndups++;
	if (!(im->dups[i].key = strdup(key))) {
		im->ndups--;
		return yh_error_set(YH_ENOMEM, "out of memory");
	}
	im->dups[i].line = row->line;
	im->dups[i].first_line = first_line;
	while (i > 0 && im->dups[(i - 1) / 2].line < im->dups[i].line) {
		duplicate t = im->dups[i];

		im->dups[i] = im->dups[(i - 1) / 2];
		im->dups[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
	return YH_OK;
}

static int write_row(importer *im, const yh_sorted_row *row)
{
	yh_put_outcome outcome;
	int rc;

	if ((rc = yh_register_writer_put(&outcome, im->writer, row->values, row->lens)) < 0)
		return rc;
	switch (outcome) {
	case YH_PUT_ADDED: im->rep->added++; break;
	case YH_PUT_CHANGED: im->rep->changed++; break;
	case YH_PUT_UNCHANGED: im->rep->unchanged++; break;
	}
	return YH_OK;
}

static int cmp_dup(const void *a, const void *b)
{
	const duplicate *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* The duplicates kept, by key and line, each naming the first line of its key. */
static void report_duplicates(importer *im)
{
	size_t i;

	if (im->ndups)
		qsort(im->dups, im->ndups, sizeof(im->dups[0]), cmp_dup);
	for (i = 0; i < im->ndups; i++) {
		char shown[YH_FIELD_MAX * 2], *p;

		snprintf(shown, sizeof(shown), "%s", im->dups[i].key);
		for (p = shown; *p; p++)
			if (*p == KEY_SEP[0])
				*p = '/';
		im->rep->errors--; /* counted when found; report() counts it again */
		report(im, im->dups[i].line, 0, 0, "duplicate %s '%s', first on line %llu",
		       im->reg->nkey > 1 ? "pair" : "key", shown,
		       (unsigned long long)im->dups[i].first_line);
	}
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* The entry, with the register's root and row count as of it (docs/spec.md §11): the rows
 * are written, so one streaming pass over the register as of the new sequence gives them. */
static int record(importer *im)
{
	const yh_import_options *o = im->opt;
	unsigned char root[32];
	char sha[65], root_hex[65];
	uint64_t count;
	json_t *payload;
	int rc;

	if ((rc = yh_register_root(root, &count, im->store, im->kind, im->seq)) < 0)
		return rc;
	yh_hex(sha, im->rep->sha256, 32);
	yh_hex(root_hex, root, 32);
	payload = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:I, s:I, s:I, s:I, s:I}",
	                    "root", root_hex,
	                    "count", (json_int_t)count,
	                    "register", im->reg->name,
	                    "file", base_name(im->path),
	                    "sha256", sha,
	                    "encoding", im->encoding,
	                    "mode", o->partial ? "partial" : "full",
	                    "accept_bad_check", o->accept_bad_check,
	                    "rows", (json_int_t)im->rep->rows,
	                    "added", (json_int_t)im->rep->added,
	                    "changed", (json_int_t)im->rep->changed,
	                    "unchanged", (json_int_t)im->rep->unchanged,
	                    "closed", (json_int_t)im->rep->closed);
	if (payload && o->accept_bad_check)
		json_object_set(payload, "bad_check_accepted", im->bad_ids);
	return yh_ledger_append(im->store, im->seq, "import", payload);
}

/* Progress in bytes of the file: reading it is the first half, writing its rows in key order
 * the second (done rows of the sorted ones). */
static void progress(importer *im, uint64_t half, uint64_t done, uint64_t of)
{
	uint64_t total = yh_csv_bytes_total(im->csv), at;

	if (!im->opt->on_progress)
		return;
	if (total == 0) /* a size not known beforehand (a pipe): the bytes read, in both halves */
		at = yh_csv_bytes_read(im->csv);
	else if (half == 0)
		at = yh_csv_bytes_read(im->csv) / 2;
	else
		at = total / 2 + (of ? (uint64_t)((double)(total - total / 2) * ((double)done / (double)of))
		                     : total - total / 2);
	im->opt->on_progress(im->opt->progress_ctx, at, total, im->rep->rows);
}

static void unparsed(void *ctx, uint64_t line, int column, const char *message)
{
	report(ctx, line, column, 0, "%s", message);
}
/* One data row: read, normalised, handed to the sort; a bad row is reported and the walk goes
 * on. */
static int take_row(void *ctx, yh_csv *csv)
{
	importer *im = ctx;
	const char *values[MAX_COLUMNS];
	size_t lens[MAX_COLUMNS], c;
	int r;

	if (im->rep->rows % PROGRESS_EVERY == 0)
		progress(im, 0, 0, 0);
	if ((r = read_row(im, csv)) != 0)
		return r == -1 ? YH_OK : r;
	for (c = 0; c < im->reg->ncolumns; c++) {
		values[c] = im->values[c].s;
		lens[c] = im->values[c].len;
	}
	im->sorted++;
	return yh_row_sort_add(im->sort, yh_csv_line(csv), values, lens);
}

static int read_rows(importer *im, yh_csv *csv)
{
	int rc = yh_import_rows(csv, im->column_of, im->nheader, &im->rep->rows, take_row, unparsed, im);

	progress(im, 0, 0, 0);
	return rc;
}

/* The rows in key order: a key met again is a duplicate (the sort keeps equal keys in line
 * order, so the first of them is the first line); the others go to the writer, which merges
 * them with the register.  Once the file is known to be bad nothing more is written, but every
 * duplicate is still counted. */
static int merge_rows(importer *im)
{
	char last[2 * (YH_FIELD_MAX + 8)];
	const char *last_v[MAX_COLUMNS];
	size_t last_lens[MAX_COLUMNS], c, n;
	uint64_t first_line = 0, done = 0;
	yh_sorted_row row;
	int r, rc, has_last = 0;

	if ((rc = yh_row_sort_finish(im->sort)) < 0)
		return rc;
	while ((r = yh_row_sort_next(im->sort, &row)) > 0) {
		if (++done % PROGRESS_EVERY == 0)
			progress(im, 1, done, im->sorted);
		if (has_last &&
		    yh_row_sort_cmp_key(last_v, last_lens, row.values, row.lens, im->reg->nkey) == 0) {
			if ((rc = note_duplicate(im, &row, first_line)) < 0)
				return rc;
			continue;
		}
		for (c = 0, n = 0; c < im->reg->nkey; c++) {
			if (n + row.lens[c] > sizeof(last))
				return yh_error_set(YH_EDATA, "a key is too long");
			memcpy(last + n, row.values[c], row.lens[c]);
			last_v[c] = last + n;
			last_lens[c] = row.lens[c];
			n += row.lens[c];
		}
		has_last = 1;
		first_line = row.line;
		if (!im->rep->errors && (rc = write_row(im, &row)) < 0)
			return rc;
	}
	if (r < 0)
		return r;
	progress(im, 1, done, im->sorted);
	return YH_OK;
}

/* A department that adopted a shared entity register imports no entity register of its own:
 * its draws would read the shared one, and its own rows would lie unread. */
static int refuse_shared(yh_store *store)
{
	char *from = NULL;
	int rc, shared = 0;

	if ((rc = yh_shared_adopted(&shared, store)) < 0 || !shared)
		return rc;
	if ((rc = yh_shared_register(&from, store)) < 0)
		return rc;
	rc = yh_error_set(YH_EINVAL, "department %s draws from the shared entity register of %s: "
	                  "%s imports it, and `yaohao adopt` takes its new rows: '%s'",
	                  yh_store_department(store), from ? from : "another department",
	                  from ? from : "that department", yh_store_path(store));
	free(from);
	return rc;
}

int yh_import_file(yh_import_report *rep, yh_store *store, yh_register_kind kind,
                   const char *path, const yh_import_options *opt)
{
	static const yh_import_options defaults = YH_IMPORT_OPTIONS_INIT;
	importer im;
	yh_csv *csv = NULL;
	int rc, current = 0, in_tx = 0;
	size_t i;

	memset(rep, 0, sizeof(*rep));
	memset(&im, 0, sizeof(im));
	im.store = store;
	im.kind = kind;
	im.reg = yh_register_desc_get(kind);
	im.opt = opt ? opt : &defaults;
	im.rep = rep;
	im.path = path;
	im.max_errors = im.opt->max_errors ? im.opt->max_errors : 100;
	im.sink = (yh_diag_sink){ im.opt->on_diagnostic, im.opt->diagnostic_ctx, path, im.max_errors, 0 };
	im.rule.accept_bad_check = im.opt->accept_bad_check;
	if (!im.reg)
		return yh_error_set(YH_EINVAL, "unknown register %d", (int)kind);
	if (im.opt->version != YH_IMPORT_OPTIONS_VERSION)
		return yh_error_set(YH_EINVAL, "import options of version %u: this library reads version "
		                    "%u (initialise them with YH_IMPORT_OPTIONS_INIT)", im.opt->version,
		                    YH_IMPORT_OPTIONS_VERSION);
	if (!(im.bad_ids = json_array())) {
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		goto done;
	}
	/* no encoding given: UTF-8, or GB18030 when the file is not UTF-8 but is GB18030 */
	if ((rc = yh_csv_open(&csv, path, im.opt->encoding ? im.opt->encoding : "auto")) < 0)
		goto done;
	im.encoding = im.opt->encoding ? im.opt->encoding : yh_csv_encoding(csv);
	if (yh_csv_encoding_detected(csv))
		report(&im, 1, -1, 1, "the file is not UTF-8; read as GB18030");
	im.csv = csv;
	if ((rc = read_header(&im, csv)) < 0)
		goto done;
	yh_store_bulk(store, 1);
	if ((rc = yh_store_begin(store)) < 0)
		goto done;
	in_tx = 1;
	if ((rc = yh_ledger_next_seq(&im.seq, store)) < 0 ||
	    (kind == YH_REGISTER_ENTITIES && (rc = refuse_shared(store)) < 0) ||
	    (rc = yh_register_has_current(&current, store, kind)) < 0)
		goto done;
	im.fast = !current;
	if ((rc = yh_status_map_load(&im.status_map, store, 0)) < 0)
		goto done;
	im.rule.status_map = im.status_map;
	if ((rc = yh_register_writer_open(&im.writer, store, kind, im.seq,
	                                  (im.opt->partial ? 0 : YH_WRITE_FULL) |
	                                  (im.fast ? YH_WRITE_EMPTY : 0) |
	                                  (im.opt->dry_run ? YH_WRITE_DRY : 0))) < 0 ||
	    (rc = yh_row_sort_new(&im.sort, im.reg->ncolumns, im.reg->nkey, 0)) < 0)
		goto done;
	if ((rc = read_rows(&im, csv)) < 0 || (rc = merge_rows(&im)) < 0)
		goto done;
	yh_row_sort_free(im.sort); /* the temporary file and the memory go before the commit */
	im.sort = NULL;
	report_duplicates(&im);
	if (rep->errors) {
		rc = yh_error_set(YH_EDATA, "%llu error%s in '%s', nothing imported",
		                  (unsigned long long)rep->errors, rep->errors == 1 ? "" : "s", path);
		goto done;
	}
	if (rep->rows == 0 && !im.opt->partial && !im.fast) {
		im.hint = YH_HINT_PARTIAL_IMPORT;
		report(&im, 2, -1, 0, "file has no data rows: a full import would close every current "
		       "row of %s", im.reg->name);
		im.hint = YH_HINT_NONE;
		rc = yh_error_set(YH_EDATA, "no rows in '%s', nothing imported", path);
		goto done;
	}
	if ((rc = yh_csv_sha256(rep->sha256, csv)) < 0)
		goto done;
	if ((rc = yh_register_writer_finish(&rep->closed, im.writer)) < 0)
		goto done;
	if (im.opt->dry_run) {
		rc = YH_OK;
		goto done;
	}
	if ((rc = record(&im)) < 0 || (rc = yh_store_commit(store)) < 0)
		goto done;
	in_tx = 0;
	rep->seq = im.seq;
	/* the planner's statistics after a big change, not when autovacuum gets to them: the
	 * draw's lookups by key right after an import depend on them (PostgreSQL) */
	if (rep->added + rep->changed + rep->closed >= ANALYZE_AFTER)
		yh_register_analyze(store, kind);
done:
	yh_row_sort_free(im.sort);
	yh_register_writer_free(im.writer);
	yh_status_map_free(im.status_map);
	if (in_tx)
		yh_store_rollback(store);
	yh_store_bulk(store, 0);
	yh_csv_free(csv);
	for (i = 0; i < MAX_COLUMNS; i++)
		free(im.header[i]);
	for (i = 0; i < im.ndups; i++)
		free(im.dups[i].key);
	free(im.dups);
	json_decref(im.bad_ids);
	return rc;
}
