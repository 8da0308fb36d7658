/* store/register_writer.c — writing one import into a register: the import's rows, in key
 * order, merged with the register's current rows; new versions added, changed and absent rows
 * closed at the import's sequence.  Rows are never overwritten: history is what makes a freeze
 * free.  Inserting in key order keeps the B-trees' writes on the pages just written, so the
 * page cache holds them whatever the register's size.  On PostgreSQL a register with no current
 * rows (nothing to read or close) takes its rows through one COPY; a register with rows takes
 * them through a COPY of every COPY_CHUNK bytes of them, run between the scan's fetches, after
 * the closes of their keys' current versions, which go CLOSE_BATCH keys to an UPDATE.  A role
 * that row-level security holds may not COPY into the register: its rows go by chunks through
 * a temporary table of the import's, each chunk then moved by one INSERT ... SELECT, and its
 * closes go one key to an UPDATE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "register.h"
#include "sqlite.h"
#include "store.h"
#include "error.h"

/* Rows per INSERT statement: one VDBE program run per BATCH rows instead of per row. */
#define BATCH 64
/* PostgreSQL, a register with rows: keys per closing UPDATE, bytes of rows per COPY. */
#define CLOSE_BATCH 64
#define COPY_CHUNK (1 << 20)

struct yh_register_writer {
	yh_store *store;
	const yh_register_desc *reg;
	const char *table;
	uint64_t seq;
	int flags;
	yh_stmt *ins, *ins_batch, *cur, *close_one, *scan;
	char *batch;                       /* BATCH rows' values, back to back, not yet inserted */
	size_t batch_len, batch_cap, nbatch;
	size_t batch_lens[BATCH][YH_REGISTER_MAX_COLUMNS];
	int scan_state;                    /* full import: -1 not started, 1 on a row, 0 done */
	uint64_t closed;
	char last[2 * (YH_FIELD_MAX + 8)]; /* the last key put, its values back to back */
	size_t last_lens[YH_REGISTER_MAX_COLUMNS];
	int has_last;
	int copying;                       /* PostgreSQL, an empty register: rows go through COPY */
	char *copy_sql;                    /* "COPY table (columns, valid_from) FROM STDIN" */
	int chunked;                       /* PostgreSQL, a register with rows or a stage: by chunks */
	char *stage;                       /* row-level security: the temporary table COPY fills */
	char *stage_sql;                   /* its rows into the register, then it emptied */
	yh_stmt *close_batch;              /* CLOSE_BATCH keys closed by one UPDATE */
	size_t nclose;                     /* keys bound to it, not closed yet */
};

/* PostgreSQL: the department named in every statement that finds rows by key (sqlite.h). */
static const char *own_rows(const yh_register_writer *w)
{
	return yh_db_kind(w->store) == YH_DB_POSTGRESQL ? " AND " YH_SQL_PG_OWN_ROWS : "";
}

/* "UPDATE table SET valid_to = ?1 WHERE valid_to IS NULL AND (keys) IN ((?2, ...), ...)": the
 * slots not used bound to NULL, which matches no key. */
static int prepare_close_batch(yh_register_writer *w)
{
	const yh_register_desc *d = w->reg;
	char *sql = malloc(CLOSE_BATCH * d->nkey * 12 + 1024);
	size_t n, r, c, k = 2;
	int rc;

	if (!sql)
		return yh_error_set(YH_ENOMEM, "out of memory");
	n = (size_t)sprintf(sql, "UPDATE %s SET valid_to = ?1 WHERE valid_to IS NULL%s AND (", w->table,
	                    own_rows(w));
	for (c = 0; c < d->nkey; c++)
		n += (size_t)sprintf(sql + n, "%s%s", c ? ", " : "", d->columns[c].pub.name);
	n += (size_t)sprintf(sql + n, ") IN (");
	for (r = 0; r < CLOSE_BATCH; r++) {
		n += (size_t)sprintf(sql + n, "%s(", r ? ", " : "");
		for (c = 0; c < d->nkey; c++)
			n += (size_t)sprintf(sql + n, "%s?%zu", c ? ", " : "", k++);
		n += (size_t)sprintf(sql + n, ")");
	}
	sprintf(sql + n, ")");
	rc = yh_store_prepare(w->store, &w->close_batch, sql, "cannot prepare the import");
	free(sql);
	return rc;
}

/* 1 in *may when the session's role may make temporary tables. */
static int may_make_temp(int *may, yh_store *store)
{
	yh_stmt *st = NULL;
	int rc;

	*may = 0;
	if ((rc = yh_store_prepare(store, &st, "SELECT has_database_privilege(current_database(), "
	                           "'TEMPORARY')", "cannot prepare the import")) < 0)
		return rc;
	rc = yh_db_step(st);
	if (rc == YH_DB_ROW)
		*may = (int)yh_db_int64(st, 0);
	rc = rc == YH_DB_ROW ? YH_OK : yh_store_fail(store, "cannot read the session's privileges");
	yh_db_finalize(st);
	return rc;
}

/* PostgreSQL: the rows to add go through COPY.  It is refused into a table whose row-level
 * security holds the role, so there it fills a temporary table of the session's (no policy,
 * gone at the commit or the rollback) holding just the copied columns, and after each COPY one
 * INSERT ... SELECT moves the rows into the register, where the policy's check and the dept
 * column's default apply.  By chunks then, even into an empty register: the temporary table
 * never holds more than one.  A role that may not make temporary tables keeps the INSERTs. */
static int prepare_copy(yh_register_writer *w, const char *cols)
{
	char sql[2048];
	int may;
	int rc;

	if (w->store->rls) {
		if ((rc = may_make_temp(&may, w->store)) < 0 || !may)
			return rc;
		snprintf(sql, sizeof(sql), "pg_temp.yh_stage_%s", w->table);
		if (!(w->stage = strdup(sql)))
			return yh_error_set(YH_ENOMEM, "out of memory");
		snprintf(sql, sizeof(sql), "CREATE TEMPORARY TABLE %s ON COMMIT DROP AS "
		         "SELECT %s, valid_from FROM %s WITH NO DATA", w->stage, cols, w->table);
		if (yh_db_exec(w->store, sql) < 0)
			return yh_store_fail(w->store, "cannot prepare the import");
		snprintf(sql, sizeof(sql), "INSERT INTO %s (%s, valid_from) SELECT %s, valid_from "
		         "FROM %s; TRUNCATE %s", w->table, cols, cols, w->stage, w->stage);
		if (!(w->stage_sql = strdup(sql)))
			return yh_error_set(YH_ENOMEM, "out of memory");
	}
	snprintf(sql, sizeof(sql), "COPY %s (%s, valid_from) FROM STDIN",
	         w->stage ? w->stage : w->table, cols);
	if (!(w->copy_sql = strdup(sql)))
		return yh_error_set(YH_ENOMEM, "out of memory");
	w->chunked = w->stage || !(w->flags & YH_WRITE_EMPTY);
	return YH_OK;
}

static int prepare_all(yh_register_writer *w)
{
	const yh_register_desc *d = w->reg;
	char sql[2048], cols[512] = "", params[256] = "", keys[256] = "", order[256] = "";
	size_t c;
	int rc;

	for (c = 0; c < d->ncolumns; c++) {
		char p[48];

		strcat(cols, c ? ", " : "");
		strcat(cols, d->columns[c].pub.name);
		snprintf(p, sizeof(p), "%s?%zu", c ? ", " : "", c + 1);
		strcat(params, p);
		if (c < d->nkey) {
			snprintf(p, sizeof(p), " AND %s = ?%zu", d->columns[c].pub.name, c + 2);
			strcat(keys, p);
			strcat(order, c ? ", " : "");
			strcat(order, d->columns[c].pub.name);
		}
	}
	if (!(w->flags & YH_WRITE_DRY)) {
		snprintf(sql, sizeof(sql), "INSERT INTO %s (%s, valid_from) VALUES (%s, ?%zu)",
		         w->table, cols, params, d->ncolumns + 1);
		if ((rc = yh_store_prepare(w->store, &w->ins, sql, "cannot prepare the import")) < 0)
			return rc;
		{
			char *big = malloc(BATCH * (d->ncolumns + 1) * 8 + 1024);
			size_t n, r, k = 1;

			if (!big)
				return yh_error_set(YH_ENOMEM, "out of memory");
			n = (size_t)sprintf(big, "INSERT INTO %s (%s, valid_from) VALUES ", w->table, cols);
			for (r = 0; r < BATCH; r++) {
				big[n++] = r ? ',' : ' ';
				big[n++] = '(';
				for (c = 0; c < d->ncolumns; c++)
					n += (size_t)sprintf(big + n, "?%zu,", k++);
				n += (size_t)sprintf(big + n, "?%zu)", k++);
			}
			rc = yh_store_prepare(w->store, &w->ins_batch, big, "cannot prepare the import");
			free(big);
			if (rc < 0)
				return rc;
		}
		/* ?1 is the sequence, keys follow from ?2 (the lookup shares the numbering) */
		snprintf(sql, sizeof(sql), "UPDATE %s SET valid_to = ?1 WHERE valid_to IS NULL%s%s",
		         w->table, own_rows(w), keys);
		if ((rc = yh_store_prepare(w->store, &w->close_one, sql, "cannot prepare the import")) < 0)
			return rc;
		if (yh_db_kind(w->store) == YH_DB_POSTGRESQL && (rc = prepare_copy(w, cols)) < 0)
			return rc;
		if (w->chunked && !w->stage && (rc = prepare_close_batch(w)) < 0)
			return rc;
	}
	if (w->flags & YH_WRITE_EMPTY)
		return YH_OK;
	if (!(w->flags & YH_WRITE_FULL)) {
		snprintf(sql, sizeof(sql), "SELECT %s FROM %s WHERE valid_to IS NULL%s%s AND ?1 IS NOT "
		         "NULL", cols, w->table, own_rows(w), keys);
		return yh_store_prepare(w->store, &w->cur, sql, "cannot prepare the import");
	}
	/* The current rows in key order, read beside the writes of the same transaction: SQLite
	 * lets a statement go on while its table changes, but whether it sees a row written after
	 * it started is not defined.  So the scan never meets one of ours: the versions this import
	 * adds start at ?1 and are left out, and a row is closed only once the scan has moved past
	 * it (closing takes it out of the index the scan walks). */
	snprintf(sql, sizeof(sql), "SELECT %s FROM %s WHERE valid_to IS NULL AND valid_from < ?1%s "
	         "ORDER BY %s", cols, w->table, own_rows(w), order);
	if ((rc = yh_db_prepare_scan(&w->scan, w->store, sql, "cannot prepare the import")) < 0)
		return rc;
	yh_db_bind_int64(w->scan, 1, (int64_t)w->seq);
	w->scan_state = -1;
	return YH_OK;
}

int yh_register_writer_open(yh_register_writer **out, yh_store *store, yh_register_kind kind,
                            uint64_t seq, int flags)
{
	yh_register_writer *w;
	int rc;

	*out = NULL;
	if (!yh_register_desc_get(kind))
		return yh_error_set(YH_EINVAL, "unknown register %d", (int)kind);
	if (!(w = calloc(1, sizeof(*w))))
		return yh_error_set(YH_ENOMEM, "out of memory");
	w->store = store;
	w->reg = yh_register_desc_get(kind);
	w->table = yh_register_table(kind);
	w->seq = seq;
	w->flags = flags;
	if ((rc = prepare_all(w)) < 0) {
		yh_register_writer_free(w);
		return rc;
	}
	*out = w;
	return YH_OK;
}

void yh_register_writer_free(yh_register_writer *w)
{
	if (!w)
		return;
	yh_db_finalize(w->ins);
	yh_db_finalize(w->ins_batch);
	free(w->batch);
	yh_db_finalize(w->cur);
	yh_db_finalize(w->close_one);
	yh_db_finalize(w->scan);
	yh_db_finalize(w->close_batch);
	if (w->copying)
		yh_db_copy_end(w->store, 1);
	if (w->chunked) /* rows kept for a COPY that will not run */
		yh_db_copy_discard(w->store);
	free(w->copy_sql);
	free(w->stage);
	free(w->stage_sql);
	free(w);
}

static void bind_values(yh_stmt *st, int first, const char *const *values, const size_t *lens,
                        size_t n)
{
	size_t c;

	for (c = 0; c < n; c++)
		yh_db_bind_text(st, first + (int)c, values[c], (int)lens[c]);
}

/* SQLite's BINARY order of two keys: bytewise, then the shorter first. */
static int cmp_key(const char *const *av, const size_t *alen, const char *const *bv,
                   const size_t *blen, size_t nkey)
{
	size_t c;

	for (c = 0; c < nkey; c++) {
		size_t n = alen[c] < blen[c] ? alen[c] : blen[c];
		int r = n ? memcmp(av[c], bv[c], n) : 0;

		if (r)
			return r;
		if (alen[c] != blen[c])
			return alen[c] < blen[c] ? -1 : 1;
	}
	return 0;
}

/* Refuses a key not after the last one put (the merge depends on it), then keeps it. */
static int check_order(yh_register_writer *w, const char *const *values, const size_t *lens)
{
	const char *last[YH_REGISTER_MAX_COLUMNS] = { 0 };
	size_t c, n = 0;

	for (c = 0; c < w->reg->nkey; c++) {
		last[c] = w->last + n;
		n += w->last_lens[c];
	}
	if (w->has_last && cmp_key(last, w->last_lens, values, lens, w->reg->nkey) >= 0)
		return yh_error_set(YH_EINVAL, "rows put out of key order");
	for (c = 0, n = 0; c < w->reg->nkey; c++) {
		if (n + lens[c] > sizeof(w->last))
			return yh_error_set(YH_EDATA, "a key is too long");
		memcpy(w->last + n, values[c], lens[c]);
		w->last_lens[c] = lens[c];
		n += lens[c];
	}
	w->has_last = 1;
	return YH_OK;
}

static int step_scan(yh_register_writer *w)
{
	int r = yh_db_step(w->scan);

	if (r == YH_DB_ROW) {
		w->scan_state = 1;
		return YH_OK;
	}
	w->scan_state = 0;
	if (r != YH_DB_DONE)
		return yh_store_fail(w->store, "cannot read the register");
	return YH_OK;
}

static void scan_key(yh_register_writer *w, const char **values, size_t *lens)
{
	size_t c;

	for (c = 0; c < w->reg->nkey; c++) {
		values[c] = yh_db_text(w->scan, (int)c);
		lens[c] = (size_t)yh_db_bytes(w->scan, (int)c);
		if (!values[c])
			values[c] = "";
	}
}

/* 1 when the scan's row holds exactly these values. */
static int scan_same(yh_register_writer *w, const char *const *values, const size_t *lens)
{
	size_t c;

	for (c = 0; c < w->reg->ncolumns; c++) {
		const void *old = (const unsigned char *)yh_db_text(w->scan, (int)c);
		size_t olen = (size_t)yh_db_bytes(w->scan, (int)c);

		if (olen != lens[c] || (olen && memcmp(old, values[c], olen) != 0))
			return 0;
	}
	return 1;
}

/* The keys gathered for the closing UPDATE closed. */
static int flush_closes(yh_register_writer *w)
{
	size_t k;

	if (!w->nclose)
		return YH_OK;
	for (k = 1 + w->nclose * w->reg->nkey; k < 1 + CLOSE_BATCH * w->reg->nkey; k++)
		yh_db_bind_null(w->close_batch, 1 + (int)k);
	yh_db_bind_int64(w->close_batch, 1, (int64_t)w->seq);
	w->nclose = 0;
	return yh_store_step_done(w->store, w->close_batch, NULL, "cannot write the register");
}

/* Closes the current version of a key: at once, or with the next closing UPDATE (before the
 * next COPY, which may add the key's new version: one current version at a time). */
static int close_key(yh_register_writer *w, const char *const *key, const size_t *lens)
{
	size_t c;

	if (w->flags & YH_WRITE_DRY)
		return YH_OK;
	/* (not under row-level security: there the policy's dept condition takes the index, and
	 * the UPDATE reads every current row of the department's, the key list a filter) */
	if (w->close_batch) {
		for (c = 0; c < w->reg->nkey; c++)
			yh_db_bind_text_copy(w->close_batch, 2 + (int)(w->nclose * w->reg->nkey + c), key[c],
			                     (int)lens[c]);
		return ++w->nclose == CLOSE_BATCH ? flush_closes(w) : YH_OK;
	}
	/* copied: a scan's values go when it steps, which it may do before the write */
	for (c = 0; c < w->reg->nkey; c++)
		yh_db_bind_text_copy(w->close_one, 2 + (int)c, key[c], (int)lens[c]);
	yh_db_bind_int64(w->close_one, 1, (int64_t)w->seq);
	return yh_store_step_done(w->store, w->close_one, NULL, "cannot write the register");
}

/* The rows kept for the next COPY go in, after the closes of their keys' current versions. */
static int flush_copy(yh_register_writer *w)
{
	int rc;

	if ((rc = flush_closes(w)) < 0)
		return rc;
	if (w->stage && !w->store->copy_len) /* nothing to copy, nothing to move */
		return YH_OK;
	if (yh_db_copy_flush(w->store, w->copy_sql) < 0 ||
	    (w->stage && yh_db_exec(w->store, w->stage_sql) < 0))
		return yh_store_fail(w->store, "cannot write the register");
	return YH_OK;
}

/* The scan's row is absent from the import: the scan moves past it, then it is closed. */
static int close_scan_row(yh_register_writer *w)
{
	const char *key[YH_REGISTER_MAX_COLUMNS];
	size_t lens[YH_REGISTER_MAX_COLUMNS], c;
	int rc;

	w->closed++;
	if (w->flags & YH_WRITE_DRY)
		return step_scan(w);
	scan_key(w, key, lens);
	if (w->chunked)
		return (rc = close_key(w, key, lens)) < 0 ? rc : step_scan(w);
	/* SQLite: the key copied, the scan moved past the row, then the row closed */
	for (c = 0; c < w->reg->nkey; c++)
		yh_db_bind_text_copy(w->close_one, 2 + (int)c, key[c], (int)lens[c]);
	if ((rc = step_scan(w)) < 0)
		return rc;
	yh_db_bind_int64(w->close_one, 1, (int64_t)w->seq);
	return yh_store_step_done(w->store, w->close_one, NULL, "cannot write the register");
}

/* Full import: the scan advanced to the row's key.  *found when the register holds the key,
 * *same when its current version equals the row; the scan is left past the key. */
static int merge_to(yh_register_writer *w, const char *const *values, const size_t *lens,
                    int *found, int *same)
{
	const char *key[YH_REGISTER_MAX_COLUMNS];
	size_t klens[YH_REGISTER_MAX_COLUMNS];
	int rc, c;

	*found = *same = 0;
	if (w->scan_state < 0 && (rc = step_scan(w)) < 0)
		return rc;
	while (w->scan_state == 1) {
		scan_key(w, key, klens);
		c = cmp_key(key, klens, values, lens, w->reg->nkey);
		if (c > 0)
			return YH_OK;
		if (c == 0) {
			*found = 1;
			*same = scan_same(w, values, lens);
			return step_scan(w);
		}
		if (!(w->flags & YH_WRITE_FULL)) /* not reached: a partial import does not scan */
			return yh_error_set(YH_ERROR, "a partial import scanned the register");
		if ((rc = close_scan_row(w)) < 0)
			return rc;
	}
	return YH_OK;
}

/* Partial import: the current version of the row's key, looked up. */
static int lookup(yh_register_writer *w, const char *const *values, const size_t *lens,
                  int *found, int *same)
{
	const yh_register_desc *d = w->reg;
	size_t c;
	int r;

	*found = *same = 0;
	yh_db_bind_int64(w->cur, 1, (int64_t)w->seq);
	bind_values(w->cur, 2, values, lens, d->nkey);
	r = yh_db_step(w->cur);
	if (r == YH_DB_ROW) {
		*found = 1;
		for (c = 0; c < d->ncolumns; c++) {
			const void *old = (const unsigned char *)yh_db_text(w->cur, (int)c);
			size_t olen = (size_t)yh_db_bytes(w->cur, (int)c);

			if (olen != lens[c] || (olen && memcmp(old, values[c], olen) != 0))
				break;
		}
		*same = c == d->ncolumns;
	}
	yh_db_reset(w->cur);
	if (r != YH_DB_ROW && r != YH_DB_DONE)
		return yh_store_fail(w->store, "cannot read the register");
	return YH_OK;
}

/* The rows kept for the next multi-row INSERT go in (their current versions, if any, are closed
 * already: the unique index of current rows allows one at a time). */
static int flush(yh_register_writer *w)
{
	const yh_register_desc *d = w->reg;
	yh_stmt *st = w->nbatch == BATCH ? w->ins_batch : w->ins;
	const char *p = w->batch;
	size_t r, c;
	int rc, k = 1;

	for (r = 0; r < w->nbatch; r++) {
		for (c = 0; c < d->ncolumns; c++) {
			yh_db_bind_text(st, k++, p, (int)w->batch_lens[r][c]);
			p += w->batch_lens[r][c];
		}
		yh_db_bind_int64(st, k++, (int64_t)w->seq);
		if (st == w->ins) { /* the tail: one row at a time */
			if ((rc = yh_store_step_done(w->store, st, NULL, "cannot write the register")) < 0)
				return rc;
			k = 1;
		}
	}
	if (st == w->ins_batch &&
	    (rc = yh_store_step_done(w->store, st, NULL, "cannot write the register")) < 0)
		return rc;
	w->nbatch = 0;
	w->batch_len = 0;
	return YH_OK;
}

/* A row to add through COPY (the first one starts it). */
static int copy_row(yh_register_writer *w, const char *const *values, const size_t *lens)
{
	char seq[24];
	size_t c;
	int n;

	if (!w->copying && !w->chunked) {
		if (yh_db_copy_begin(w->store, w->copy_sql) < 0)
			return yh_store_fail(w->store, "cannot write the register");
		w->copying = 1;
	}
	for (c = 0; c < w->reg->ncolumns; c++)
		if (yh_db_copy_field(w->store, values[c], lens[c], 0) < 0)
			return yh_store_fail(w->store, "cannot write the register");
	n = snprintf(seq, sizeof(seq), "%llu", (unsigned long long)w->seq);
	if (yh_db_copy_field(w->store, seq, (size_t)n, 1) < 0)
		return yh_store_fail(w->store, "cannot write the register");
	if (w->chunked && w->store->copy_len >= COPY_CHUNK)
		return flush_copy(w);
	return YH_OK;
}

/* A row to add: copied into the batch, which goes in when it is full. */
static int insert(yh_register_writer *w, const char *const *values, const size_t *lens)
{
	const yh_register_desc *d = w->reg;
	size_t c, len = 0;

	if (w->copy_sql)
		return copy_row(w, values, lens);
	for (c = 0; c < d->ncolumns; c++)
		len += lens[c];
	if (w->batch_len + len > w->batch_cap) {
		size_t cap = (w->batch_cap ? w->batch_cap * 2 : 64 << 10) + len;
		char *p = realloc(w->batch, cap);

		if (!p)
			return yh_error_set(YH_ENOMEM, "out of memory");
		w->batch = p;
		w->batch_cap = cap;
	}
	for (c = 0; c < d->ncolumns; c++) {
		if (lens[c])
			memcpy(w->batch + w->batch_len, values[c], lens[c]);
		w->batch_len += lens[c];
		w->batch_lens[w->nbatch][c] = lens[c];
	}
	if (++w->nbatch == BATCH)
		return flush(w);
	return YH_OK;
}

int yh_register_writer_put(yh_put_outcome *outcome, yh_register_writer *w,
                           const char *const *values, const size_t *lens)
{
	int found = 0, same = 0, rc;

	*outcome = YH_PUT_ADDED;
	if ((rc = check_order(w, values, lens)) < 0)
		return rc;
	if (!(w->flags & YH_WRITE_EMPTY)) {
		rc = w->flags & YH_WRITE_FULL ? merge_to(w, values, lens, &found, &same)
		                              : lookup(w, values, lens, &found, &same);
		if (rc < 0)
			return rc;
		if (found && same) {
			*outcome = YH_PUT_UNCHANGED;
			return YH_OK;
		}
		if (found) {
			*outcome = YH_PUT_CHANGED;
			if ((rc = close_key(w, values, lens)) < 0)
				return rc;
		}
	}
	if (w->flags & YH_WRITE_DRY)
		return YH_OK;
	return insert(w, values, lens);
}

int yh_register_writer_finish(uint64_t *closed, yh_register_writer *w)
{
	int rc;

	*closed = 0;
	if (w->nbatch && (rc = flush(w)) < 0)
		return rc;
	if (w->copying) {
		w->copying = 0;
		if (yh_db_copy_end(w->store, 0) < 0)
			return yh_store_fail(w->store, "cannot write the register");
	}
	if ((w->flags & YH_WRITE_FULL) && !(w->flags & YH_WRITE_EMPTY)) {
		if (w->scan_state < 0 && (rc = step_scan(w)) < 0)
			return rc;
		while (w->scan_state == 1)
			if ((rc = close_scan_row(w)) < 0)
				return rc;
		yh_db_reset(w->scan);
	}
	if (w->chunked && (rc = flush_copy(w)) < 0)
		return rc;
	if (w->stage) { /* gone now, not at the commit: the transaction may open another writer */
		char sql[128];

		snprintf(sql, sizeof(sql), "DROP TABLE %s", w->stage);
		free(w->stage);
		w->stage = NULL;
		if (yh_db_exec(w->store, sql) < 0)
			return yh_store_fail(w->store, "cannot write the register");
	}
	*closed = w->closed;
	return YH_OK;
}
