/* store/register_writer.c — writing one import into a register: rows compared with their
 * current version, new versions added, changed and absent rows closed at the import's
 * sequence.  Rows are never overwritten: history is what makes a freeze free. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "register.h"
#include "sqlite.h"
#include "store.h"
#include "error.h"

#define KEY_SEP '\x1f' /* control characters never occur in values, so keys join unambiguously */

struct yh_register_writer {
	yh_store *store;
	const yh_register_desc *reg;
	const char *table;
	uint64_t seq;
	int empty;                         /* no current rows: every row is new, no lookups */
	sqlite3_stmt *ins, *cur, *close_one, *seen;
};

static int prepare_all(yh_register_writer *w)
{
	const yh_register_desc *d = w->reg;
	char sql[2048], cols[512] = "", params[256] = "", keys[256] = "";
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
		}
	}
	snprintf(sql, sizeof(sql), "INSERT INTO %s (%s, valid_from) VALUES (%s, ?%zu)",
	         w->table, cols, params, d->ncolumns + 1);
	if ((rc = yh_store_prepare(w->store, &w->ins, sql, "cannot prepare the import")) < 0)
		return rc;
	if (w->empty)
		return YH_OK;
	/* ?1 is the sequence, keys follow from ?2 (both lookups share the numbering) */
	snprintf(sql, sizeof(sql), "SELECT %s FROM %s WHERE valid_to IS NULL%s AND ?1 IS NOT NULL",
	         cols, w->table, keys);
	if ((rc = yh_store_prepare(w->store, &w->cur, sql, "cannot prepare the import")) < 0)
		return rc;
	snprintf(sql, sizeof(sql), "UPDATE %s SET valid_to = ?1 WHERE valid_to IS NULL%s",
	         w->table, keys);
	if ((rc = yh_store_prepare(w->store, &w->close_one, sql, "cannot prepare the import")) < 0)
		return rc;
	if ((rc = yh_store_exec(w->store, "CREATE TEMP TABLE IF NOT EXISTS yh_seen "
	                        "(k TEXT PRIMARY KEY) WITHOUT ROWID; DELETE FROM temp.yh_seen;")) < 0)
		return rc;
	return yh_store_prepare(w->store, &w->seen, "INSERT INTO temp.yh_seen (k) VALUES (?1)",
	                        "cannot prepare the import");
}

int yh_register_writer_open(yh_register_writer **out, yh_store *store, yh_register_kind kind,
                            uint64_t seq, int empty)
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
	w->empty = empty;
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
	sqlite3_finalize(w->ins);
	sqlite3_finalize(w->cur);
	sqlite3_finalize(w->close_one);
	sqlite3_finalize(w->seen);
	free(w);
}

static void bind_values(sqlite3_stmt *st, int first, const char *const *values, const size_t *lens,
                        size_t n)
{
	size_t c;

	for (c = 0; c < n; c++)
		sqlite3_bind_text(st, first + (int)c, values[c], (int)lens[c], SQLITE_STATIC);
}

/* Notes the row's key as seen; *dup when it was seen before in this import. */
static int mark_seen(yh_register_writer *w, const char *const *values, const size_t *lens, int *dup)
{
	char key[(YH_FIELD_MAX + 1) * 2 + 1];
	size_t c, n = 0;

	for (c = 0; c < w->reg->nkey; c++) {
		if (n + lens[c] + 2 > sizeof(key))
			return yh_error_set(YH_EDATA, "a key is too long");
		if (c)
			key[n++] = KEY_SEP;
		memcpy(key + n, values[c], lens[c]);
		n += lens[c];
	}
	sqlite3_bind_text(w->seen, 1, key, (int)n, SQLITE_STATIC);
	return yh_store_step_done(w->store, w->seen, dup, "cannot write the register");
}

/* The current version of the row's key: *found, and *same when every column equals. */
static int compare_current(yh_register_writer *w, const char *const *values, const size_t *lens,
                           int *found, int *same)
{
	const yh_register_desc *d = w->reg;
	size_t c;
	int r;

	*found = *same = 0;
	sqlite3_bind_int64(w->cur, 1, (sqlite3_int64)w->seq);
	bind_values(w->cur, 2, values, lens, d->nkey);
	r = sqlite3_step(w->cur);
	if (r == SQLITE_ROW) {
		*found = 1;
		for (c = 0; c < d->ncolumns; c++) {
			const void *old = sqlite3_column_text(w->cur, (int)c);
			size_t olen = (size_t)sqlite3_column_bytes(w->cur, (int)c);

			if (olen != lens[c] || memcmp(old, values[c], olen) != 0)
				break;
		}
		*same = c == d->ncolumns;
	}
	sqlite3_reset(w->cur);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return yh_store_fail(w->store, "cannot read the register");
	return YH_OK;
}

int yh_register_writer_put(yh_put_outcome *outcome, yh_register_writer *w,
                           const char *const *values, const size_t *lens)
{
	const yh_register_desc *d = w->reg;
	int dup = 0, found, same, rc;

	*outcome = YH_PUT_ADDED;
	if (!w->empty) {
		if ((rc = mark_seen(w, values, lens, &dup)) < 0)
			return rc;
		if (dup) {
			*outcome = YH_PUT_DUPLICATE;
			return YH_OK;
		}
		if ((rc = compare_current(w, values, lens, &found, &same)) < 0)
			return rc;
		if (found && same) {
			*outcome = YH_PUT_UNCHANGED;
			return YH_OK;
		}
		if (found) {
			sqlite3_bind_int64(w->close_one, 1, (sqlite3_int64)w->seq);
			bind_values(w->close_one, 2, values, lens, d->nkey);
			if ((rc = yh_store_step_done(w->store, w->close_one, NULL, "cannot write the register")) < 0)
				return rc;
			*outcome = YH_PUT_CHANGED;
		}
	}
	bind_values(w->ins, 1, values, lens, d->ncolumns);
	sqlite3_bind_int64(w->ins, (int)d->ncolumns + 1, (sqlite3_int64)w->seq);
	if ((rc = yh_store_step_done(w->store, w->ins, &dup, "cannot write the register")) < 0)
		return rc;
	if (dup) /* only reachable on the empty-register path, where nothing was looked up */
		*outcome = YH_PUT_DUPLICATE;
	return YH_OK;
}

int yh_register_writer_close_absent(uint64_t *closed, yh_register_writer *w)
{
	const yh_register_desc *d = w->reg;
	char sql[1024], key[256] = "";
	sqlite3_stmt *st = NULL;
	size_t c;
	int rc;

	*closed = 0;
	if (w->empty)
		return YH_OK;
	for (c = 0; c < d->nkey; c++) {
		strcat(key, c ? " || char(31) || " : "");
		strcat(key, d->columns[c].pub.name);
	}
	snprintf(sql, sizeof(sql), "UPDATE %s SET valid_to = ?1 WHERE valid_to IS NULL AND "
	         "valid_from < ?1 AND %s NOT IN (SELECT k FROM temp.yh_seen)", w->table, key);
	if ((rc = yh_store_prepare(w->store, &st, sql, "cannot write the register")) < 0)
		return rc;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)w->seq);
	rc = yh_store_step_done(w->store, st, NULL, "cannot write the register");
	*closed = (uint64_t)sqlite3_changes(w->store->db);
	sqlite3_finalize(st);
	return rc;
}
