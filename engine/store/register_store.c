/* store/register_store.c — reading the registers as of a ledger sequence, their roots, and
 * the row version counts the audit compares with the imports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaohao/merkle.h"
#include "register.h"
#include "sqlite.h"
#include "store.h"
#include "error.h"

static const char *const tables[YH_REGISTER_COUNT] = { "entity", "inspector", "conflict", "item" };

const char *yh_register_table(yh_register_kind kind)
{
	return kind < YH_REGISTER_COUNT ? tables[kind] : NULL;
}

int yh_register_count(uint64_t *out, yh_store *store, yh_register_kind kind, uint64_t as_of)
{
	const yh_register_desc *d = yh_register_desc_get(kind);
	yh_stmt *st = NULL;
	char sql[512];
	int rc = YH_OK;

	const char *rel;

	*out = 0;
	if (!d)
		return yh_error_set(YH_EINVAL, "unknown register %d", (int)kind);
	if ((rc = yh_register_source(&rel, &as_of, store, kind, as_of)) < 0)
		return rc;
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE %s", rel, YH_SQL_AS_OF);
	if (yh_db_prepare(&st, store, sql, NULL) < 0) {
		rc = yh_store_fail(store, "cannot count the register");
		goto done;
	}
	yh_db_bind_int64(st, 1, (int64_t)as_of);
	if (yh_db_step(st) != YH_DB_ROW) {
		rc = yh_store_fail(store, "cannot count the register");
		goto done;
	}
	*out = (uint64_t)yh_db_int64(st, 0);
done:
	yh_db_finalize(st);
	return rc;
}

/* The rows of a register valid as of ?1 (bound here), in key order: the one scan behind
 * yh_register_foreach and yh_register_root.  It selects the key columns and those in
 * `columns` (bit i: column i), in column order: each column read costs about as much as the
 * whole row's step, so a scan that needs few columns reads only those.  `rel` is the
 * register's table or, for a shared register, its view (yh_register_source). */
static int prepare_scan_of(yh_stmt **st, yh_store *store, const yh_register_desc *d,
                           const char *rel, uint64_t as_of, uint32_t columns, int desc)
{
	char sql[1024], cols[512] = "", keys[256] = "";
	size_t i;

	for (i = 0; i < d->ncolumns; i++) {
		if (i < d->nkey || (columns >> i & 1)) {
			strcat(cols, *cols ? ", " : "");
			strcat(cols, d->columns[i].pub.name);
		}
		if (i < d->nkey) {
			strcat(keys, i ? ", " : "");
			strcat(keys, d->columns[i].pub.name);
			if (desc)
				strcat(keys, " DESC");
		}
	}
	/* as of a sequence, the plain form: SQLite evaluates the CASE for every row */
	snprintf(sql, sizeof(sql), "SELECT %s FROM %s WHERE %s ORDER BY %s", cols, rel,
	         as_of ? YH_SQL_AS_OF_SEQ : YH_SQL_AS_OF, keys);
	if (yh_db_prepare_scan(st, store, sql, NULL) < 0)
		return yh_store_fail(store, "cannot read the register");
	yh_db_bind_int64(*st, 1, (int64_t)as_of);
	return YH_OK;
}

static int prepare_scan(yh_stmt **st, yh_store *store, const yh_register_desc *d,
                        yh_register_kind kind, uint64_t as_of, uint32_t columns, int desc)
{
	const char *rel;
	int rc = yh_register_source(&rel, &as_of, store, kind, as_of);

	return rc < 0 ? rc : prepare_scan_of(st, store, d, rel, as_of, columns, desc);
}

int yh_register_foreach(yh_store *store, yh_register_kind kind, uint64_t as_of,
                        yh_register_row_fn fn, void *ctx)
{
	return yh_register_foreach_columns(store, kind, as_of, UINT32_MAX, fn, ctx);
}

static int foreach_columns(yh_store *store, yh_register_kind kind, uint64_t as_of,
                           uint32_t columns, int desc, yh_register_row_fn fn, void *ctx)
{
	const yh_register_desc *d = yh_register_desc_get(kind);
	const char *values[YH_REGISTER_MAX_COLUMNS];
	yh_stmt *st = NULL;
	size_t i;
	int rc, step;

	if (!d)
		return yh_error_set(YH_EINVAL, "unknown register %d", (int)kind);
	if ((rc = prepare_scan(&st, store, d, kind, as_of, columns, desc)) < 0)
		return rc;
	while ((step = yh_db_step(st)) == YH_DB_ROW) {
		int k = 0;

		for (i = 0; i < d->ncolumns; i++)
			values[i] = i < d->nkey || (columns >> i & 1) ? yh_store_text(st, k++) : "";
		if ((rc = fn(ctx, values, d->ncolumns)) != 0)
			goto done;
	}
	if (step != YH_DB_DONE)
		rc = yh_store_fail(store, "cannot read the register");
done:
	yh_db_finalize(st);
	return rc;
}

int yh_register_foreach_columns(yh_store *store, yh_register_kind kind, uint64_t as_of,
                                uint32_t columns, yh_register_row_fn fn, void *ctx)
{
	return foreach_columns(store, kind, as_of, columns, 0, fn, ctx);
}

int yh_register_foreach_columns_desc(yh_store *store, yh_register_kind kind, uint64_t as_of,
                                     uint32_t columns, yh_register_row_fn fn, void *ctx)
{
	return foreach_columns(store, kind, as_of, columns, 1, fn, ctx);
}

static int root_of(unsigned char root[32], uint64_t *count, yh_store *store,
                   const yh_register_desc *d, const char *rel, uint64_t as_of)
{
	yh_merkle *m = NULL;
	yh_stmt *st = NULL;
	unsigned char *row = NULL;
	size_t cap = 0, i;
	int rc, step;

	*count = 0;
	if ((rc = yh_merkle_new(&m)) < 0 ||
	    (rc = prepare_scan_of(&st, store, d, rel, as_of, UINT32_MAX, 0)) < 0)
		goto done;
	while ((step = yh_db_step(st)) == YH_DB_ROW) {
		size_t len = 0;

		/* docs/spec.md §2: u32(length) || bytes per field, with the length SQLite holds */
		for (i = 0; i < d->ncolumns; i++) {
			const unsigned char *v = (const unsigned char *)yh_db_text(st, (int)i);
			size_t n = (size_t)yh_db_bytes(st, (int)i);

			if (len + 4 + n > cap) {
				size_t want = (len + 4 + n) * 2;
				unsigned char *p = realloc(row, want);

				if (!p) {
					rc = yh_error_set(YH_ENOMEM, "out of memory");
					goto done;
				}
				row = p;
				cap = want;
			}
			row[len++] = (unsigned char)(n >> 24);
			row[len++] = (unsigned char)(n >> 16);
			row[len++] = (unsigned char)(n >> 8);
			row[len++] = (unsigned char)n;
			if (n)
				memcpy(row + len, v, n);
			len += n;
		}
		yh_merkle_add(m, row, len);
	}
	if (step != YH_DB_DONE) {
		rc = yh_store_fail(store, "cannot read the register");
		goto done;
	}
	yh_merkle_root(root, m);
	*count = yh_merkle_count(m);
done:
	yh_db_finalize(st);
	yh_merkle_free(m);
	free(row);
	return rc;
}

int yh_register_root(unsigned char root[32], uint64_t *count, yh_store *store,
                     yh_register_kind kind, uint64_t as_of)
{
	const yh_register_desc *d = yh_register_desc_get(kind);
	const char *rel;
	int rc;

	*count = 0;
	if (!d)
		return yh_error_set(YH_EINVAL, "unknown register %d", (int)kind);
	if ((rc = yh_register_source(&rel, &as_of, store, kind, as_of)) < 0)
		return rc;
	return root_of(root, count, store, d, rel, as_of);
}

int yh_shared_root(unsigned char root[32], uint64_t *count, yh_store *store, uint64_t register_seq)
{
	*count = 0;
	return root_of(root, count, store, yh_register_desc_get(YH_REGISTER_ENTITIES),
	               YH_SHARED_ENTITY_VIEW, register_seq);
}

int yh_register_version_counts(yh_store *store, yh_register_kind kind, int closing,
                               yh_version_count_fn fn, void *ctx)
{
	const char *col = closing ? "valid_to" : "valid_from";
	yh_stmt *st = NULL;
	char sql[256];
	int rc = YH_OK, step;

	if (kind >= YH_REGISTER_COUNT)
		return yh_error_set(YH_EINVAL, "unknown register %d", (int)kind);
	snprintf(sql, sizeof(sql), "SELECT %s, count(*) FROM %s WHERE %s IS NOT NULL GROUP BY 1 ORDER BY 1",
	         col, tables[kind], col);
	if ((rc = yh_store_prepare(store, &st, sql, "cannot read the registers")) < 0)
		return rc;
	while ((step = yh_db_step(st)) == YH_DB_ROW)
		if ((rc = fn(ctx, (uint64_t)yh_db_int64(st, 0),
		             (uint64_t)yh_db_int64(st, 1))) != 0)
			goto done;
	if (step != YH_DB_DONE)
		rc = yh_store_fail(store, "cannot read the registers");
done:
	yh_db_finalize(st);
	return rc;
}

/* 1 in *out when the store's own table of the register has a row (current: a current one) */
static int has_rows(int *out, yh_store *store, yh_register_kind kind, int current)
{
	yh_stmt *st = NULL;
	char sql[256];
	int rc;

	*out = 0;
	if (kind >= YH_REGISTER_COUNT)
		return yh_error_set(YH_EINVAL, "unknown register %d", (int)kind);
	snprintf(sql, sizeof(sql), "SELECT EXISTS (SELECT 1 FROM %s%s)", tables[kind],
	         current ? " WHERE valid_to IS NULL" : "");
	if ((rc = yh_store_prepare(store, &st, sql, "cannot read the register")) < 0)
		return rc;
	if (yh_db_step(st) != YH_DB_ROW)
		rc = yh_store_fail(store, "cannot read the register");
	else
		*out = yh_db_int(st, 0);
	yh_db_finalize(st);
	return rc;
}

int yh_register_has_current(int *out, yh_store *store, yh_register_kind kind)
{
	return has_rows(out, store, kind, 1);
}

void yh_register_analyze(yh_store *store, yh_register_kind kind)
{
	char sql[64];

	if (yh_db_kind(store) != YH_DB_POSTGRESQL || kind >= YH_REGISTER_COUNT)
		return;
	/* a role that does not own the table is skipped with a warning, not an error; a failure
	 * here costs only a plan until autovacuum analyzes the table */
	snprintf(sql, sizeof(sql), "ANALYZE %s", tables[kind]);
	if (yh_db_exec(store, sql) < 0)
		yh_error_clear();
}

int yh_register_has_own_rows(int *out, yh_store *store, yh_register_kind kind)
{
	return has_rows(out, store, kind, 0);
}

int yh_register_find(yh_store *store, yh_register_kind kind, uint64_t as_of, const char *key,
                     yh_register_row_fn fn, void *ctx)
{
	const yh_register_desc *d = yh_register_desc_get(kind);
	const char *values[YH_REGISTER_MAX_COLUMNS];
	yh_stmt *st = NULL;
	char sql[1024], cols[512] = "";
	const char *rel;
	size_t i;
	int rc;

	if (!d || d->nkey != 1)
		return yh_error_set(YH_EINVAL, "register %d has no single key", (int)kind);
	for (i = 0; i < d->ncolumns; i++) {
		strcat(cols, i ? ", " : "");
		strcat(cols, d->columns[i].pub.name);
	}
	if ((rc = yh_register_source(&rel, &as_of, store, kind, as_of)) < 0)
		return rc;
	snprintf(sql, sizeof(sql), "SELECT %s FROM %s WHERE %s AND %s = ?2", cols, rel,
	         YH_SQL_AS_OF, d->columns[0].pub.name);
	if ((rc = yh_store_prepare(store, &st, sql, "cannot read the register")) < 0)
		return rc;
	yh_db_bind_int64(st, 1, (int64_t)as_of);
	yh_db_bind_text(st, 2, key, -1);
	if (yh_db_step(st) == YH_DB_ROW) {
		for (i = 0; i < d->ncolumns; i++)
			values[i] = yh_store_text(st, (int)i);
		rc = fn(ctx, values, d->ncolumns);
	}
	yh_db_finalize(st);
	return rc;
}

int yh_conflict_find(yh_store *store, uint64_t as_of, const char *inspector_id,
                     const char *entity_id, yh_conflict_fn fn, void *ctx)
{
	yh_stmt *st = NULL;
	int rc;

	if ((rc = yh_store_prepare(store, &st, "SELECT reason, valid_from FROM conflict WHERE "
	                           YH_SQL_AS_OF " AND inspector_id = ?2 AND entity_id = ?3",
	                           "cannot read the conflicts")) < 0)
		return rc;
	yh_db_bind_int64(st, 1, (int64_t)as_of);
	yh_db_bind_text(st, 2, inspector_id, -1);
	yh_db_bind_text(st, 3, entity_id, -1);
	if (yh_db_step(st) == YH_DB_ROW)
		rc = fn(ctx, yh_store_text(st, 0), (uint64_t)yh_db_int64(st, 1));
	yh_db_finalize(st);
	return rc;
}
