/* store/draw_store.c — what a draw leaves in the store: the commitment (the secret until
 * the draw, the announcement), the transcript, and the drawn entities and pairs that later
 * tasks' exclusion windows read. */
#include <stdlib.h>
#include <string.h>

#include "sqlite.h"
#include "store.h"
#include "seal.h"
#include "error.h"

/*
 * task_commit.secret holds the secret sealed (YH_SEALED_SECRET_BYTES, seal.c) until the draw,
 * then NULL.  A 32-byte value is the plain secret of a store from before sealing: sealed by
 * yh_draw_store_seal_plain as soon as the store has its key, never read as it is.
 */
#define IS_PLAIN "length(secret) = 32"

int yh_draw_store_commit(yh_store *store, const char *task_id, uint64_t seq,
                         const unsigned char *sealed, const char *announcement)
{
	yh_stmt *st = NULL;
	int rc;

	if ((rc = yh_store_prepare(store, &st, "INSERT INTO task_commit (task_id, seq, secret, "
	                           "announcement) VALUES (?1, ?2, ?3, ?4)",
	                           "cannot record the commitment")) < 0)
		return rc;
	yh_db_bind_text(st, 1, task_id, -1);
	yh_db_bind_int64(st, 2, (int64_t)seq);
	yh_db_bind_blob(st, 3, sealed, YH_SEALED_SECRET_BYTES);
	yh_db_bind_text(st, 4, announcement, -1);
	rc = yh_store_step_done(store, st, NULL, "cannot record the commitment");
	yh_db_finalize(st);
	return rc;
}

int yh_draw_store_load_commit(char **announcement, unsigned char *sealed, yh_store *store,
                              const char *task_id)
{
	yh_stmt *st = NULL;
	int rc;

	*announcement = NULL;
	if ((rc = yh_store_prepare(store, &st, "SELECT secret, announcement FROM task_commit "
	                           "WHERE task_id = ?1", "cannot read the commitment")) < 0)
		return rc;
	yh_db_bind_text(st, 1, task_id, -1);
	if (yh_db_step(st) != YH_DB_ROW) {
		rc = yh_error_set_hint(YH_ENOTFOUND, YH_HINT_NEEDS_COMMIT, task_id,
		                       "task is not committed: '%s'", task_id);
		goto done;
	}
	if (sealed) {
		if (yh_db_bytes(st, 0) != YH_SEALED_SECRET_BYTES) {
			rc = yh_error_set(YH_ESTORE, "the committed secret is missing or damaged: task '%s'",
			                  task_id);
			goto done;
		}
		memcpy(sealed, yh_db_blob(st, 0), YH_SEALED_SECRET_BYTES);
	}
	if (!(*announcement = strdup(yh_store_text(st, 1))))
		rc = yh_error_set(YH_ENOMEM, "out of memory");
done:
	yh_db_finalize(st);
	return rc;
}

static int seal_each(yh_store *store, const yh_key *key)
{
	yh_stmt *sel = NULL, *upd = NULL;
	unsigned char sealed[YH_SEALED_SECRET_BYTES];
	int rc, step;

	if ((rc = yh_store_prepare(store, &sel, "SELECT task_id, secret FROM task_commit WHERE "
	                           IS_PLAIN, "cannot seal the commit secrets")) < 0 ||
	    (rc = yh_store_prepare(store, &upd, "UPDATE task_commit SET secret = ?1 WHERE task_id = ?2",
	                           "cannot seal the commit secrets")) < 0)
		goto done;
	while ((step = yh_db_step(sel)) == YH_DB_ROW) {
		if ((rc = yh_seal_secret(sealed, yh_db_blob(sel, 1), key)) < 0)
			goto done;
		yh_db_bind_blob_copy(upd, 1, sealed, sizeof(sealed));
		yh_db_bind_text_copy(upd, 2, yh_store_text(sel, 0), -1);
		if ((rc = yh_store_step_done(store, upd, NULL, "cannot seal the commit secrets")) < 0)
			goto done;
	}
	if (step != YH_DB_DONE)
		rc = yh_store_fail(store, "cannot seal the commit secrets");
done:
	yh_db_finalize(sel);
	yh_db_finalize(upd);
	return rc;
}

int yh_draw_store_seal_plain(yh_store *store, const yh_key *key)
{
	yh_stmt *st = NULL;
	int rc, plain, lite = 0;

	if ((rc = yh_store_prepare(store, &st, "SELECT count(*) FROM task_commit WHERE " IS_PLAIN,
	                           "cannot read the commitments")) < 0)
		return rc;
	plain = yh_db_step(st) == YH_DB_ROW ? yh_db_int(st, 0) : -1;
	yh_db_finalize(st);
	if (plain < 0)
		return yh_store_fail(store, "cannot read the commitments");
	if (plain == 0)
		return YH_OK;
	/* SQLite (the only backend with stores from before sealing): secure_delete zeroes the space
	 * the plain bytes leave; the checkpoint puts the zeroed pages in the file and truncates the
	 * log that held copies of them */
	lite = yh_db_kind(store) == YH_DB_SQLITE;
	if ((lite && (rc = yh_store_exec(store, "PRAGMA secure_delete = ON")) < 0) ||
	    (rc = yh_store_begin(store)) < 0)
		goto done;
	if ((rc = seal_each(store, key)) < 0 || (rc = yh_store_commit(store)) < 0) {
		yh_store_rollback(store);
		goto done;
	}
	if (lite)
		rc = yh_store_exec(store, "PRAGMA wal_checkpoint(TRUNCATE)");
done:
	if (lite)
		yh_db_exec(store, "PRAGMA secure_delete = OFF");
	return rc;
}

/* SQLite: in pieces, through incremental blob I/O: a single bind would copy the whole
 * transcript into one record. */
#define PIECE ((size_t)1 << 20)

static int write_blob(yh_store *store, sqlite3_int64 rowid, uint64_t len, yh_read_fn read, void *ctx)
{
	sqlite3_blob *blob = NULL;
	char *buf = malloc(PIECE);
	uint64_t off;
	int rc = YH_OK;

	if (!buf)
		return yh_error_set(YH_ENOMEM, "out of memory");
	if (sqlite3_blob_open(store->db, "main", "task_draw", "transcript", rowid, 1, &blob) != SQLITE_OK) {
		free(buf);
		return yh_store_fail(store, "cannot record the draw");
	}
	for (off = 0; off < len && rc == YH_OK; off += PIECE) {
		size_t n = len - off < PIECE ? (size_t)(len - off) : PIECE;

		if ((rc = read(ctx, buf, n)) == YH_OK &&
		    sqlite3_blob_write(blob, buf, (int)n, (int)off) != SQLITE_OK)
			rc = yh_store_fail(store, "cannot record the transcript");
	}
	sqlite3_blob_close(blob);
	free(buf);
	return rc;
}

int yh_draw_store_transcript(yh_store *store, const char *task_id, uint64_t seq, uint64_t len,
                             yh_read_fn read, void *ctx)
{
	yh_stmt *st = NULL;
	char *whole = NULL;
	int rc;

	int lite = yh_db_kind(store) == YH_DB_SQLITE;

	if (len > 1000000000u) /* SQLite's and this store's largest value */
		return yh_error_set(YH_EINVAL, "the transcript of task '%s' is too large to record (%llu "
		                    "bytes)", task_id, (unsigned long long)len);
	/* PostgreSQL takes the transcript as one parameter (sent as it is, not escaped) */
	if (!lite && (!(whole = malloc(len ? (size_t)len : 1)) || (rc = read(ctx, whole, (size_t)len)) < 0)) {
		if (!whole)
			rc = yh_error_set(YH_ENOMEM, "out of memory recording the transcript");
		goto done;
	}
	if ((rc = yh_store_prepare(store, &st, lite ? "INSERT INTO task_draw (task_id, seq, transcript) "
	                           "VALUES (?1, ?2, zeroblob(?3))" : "INSERT INTO task_draw (task_id, "
	                           "seq, transcript) VALUES (?1, ?2, ?3)", "cannot record the draw")) < 0)
		goto done;
	yh_db_bind_text(st, 1, task_id, -1);
	yh_db_bind_int64(st, 2, (int64_t)seq);
	if (lite)
		yh_db_bind_int64(st, 3, (int64_t)len);
	else
		yh_db_bind_blob(st, 3, whole, (size_t)len);
	if ((rc = yh_store_step_done(store, st, NULL, "cannot record the draw")) < 0 ||
	    (lite && (rc = write_blob(store, sqlite3_last_insert_rowid(store->db), len, read, ctx)) < 0))
		goto done;
	yh_db_finalize(st);
	st = NULL;
	free(whole);
	whole = NULL;
	/* the secret is public in the transcript now; the store need not hold it sealed */
	if ((rc = yh_store_prepare(store, &st, "UPDATE task_commit SET secret = NULL WHERE task_id = ?1",
	                           "cannot close the commitment")) < 0)
		return rc;
	yh_db_bind_text(st, 1, task_id, -1);
	rc = yh_store_step_done(store, st, NULL, "cannot close the commitment");
done:
	yh_db_finalize(st);
	free(whole);
	return rc;
}

/* Names by id as of a sequence, NAMES_AT_ONCE ids to a statement (one round trip to PostgreSQL;
 * for SQLite, one seek of the primary key per id, in key order). */
#define NAMES_AT_ONCE 256

static int prepare_names(yh_stmt **st, yh_store *store, const char *rel, size_t n)
{
	char sql[64 + NAMES_AT_ONCE * 8 + 256];
	size_t len, i;

	len = (size_t)snprintf(sql, sizeof(sql), "SELECT id, name FROM %s WHERE "
	                       YH_SQL_AS_OF_SEQ " AND id IN (", rel);
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s?%zu", i ? ", " : "", i + 2);
	snprintf(sql + len, sizeof(sql) - len, ") ORDER BY id");
	return yh_store_prepare(store, st, sql, "cannot read the entities' names");
}

int yh_draw_store_entity_names(yh_store *store, uint64_t as_of, const char *const *ids, size_t n,
                               yh_indexed_text_fn fn, void *ctx)
{
	yh_stmt *full = NULL, *tail = NULL;
	const char *rel;
	size_t at, i;
	int rc, step;

	if ((rc = yh_register_source(&rel, &as_of, store, YH_REGISTER_ENTITIES, as_of)) < 0)
		return rc;
	for (at = 0; at < n && rc == YH_OK; at += NAMES_AT_ONCE) {
		size_t m = n - at < NAMES_AT_ONCE ? n - at : NAMES_AT_ONCE, next = at;
		yh_stmt *st;

		if (m == NAMES_AT_ONCE) {
			if (!full && (rc = prepare_names(&full, store, rel, m)) < 0)
				break;
			st = full;
		} else {
			if ((rc = prepare_names(&tail, store, rel, m)) < 0)
				break;
			st = tail;
		}
		yh_db_reset(st);
		yh_db_bind_int64(st, 1, (int64_t)as_of);
		for (i = 0; i < m; i++)
			yh_db_bind_text(st, (int)i + 2, ids[at + i], -1);
		while ((step = yh_db_step(st)) == YH_DB_ROW) {
			const char *id = yh_store_text(st, 0);

			/* rows in id order, each one of ids[next..]: an id with no row is left out */
			while (next < at + m && strcmp(ids[next], id) < 0)
				next++;
			if (next < at + m && strcmp(ids[next], id) == 0 &&
			    (rc = fn(ctx, next++, yh_store_text(st, 1))) != 0)
				break;
		}
		if (rc == YH_OK && step != YH_DB_DONE)
			rc = yh_store_fail(store, "cannot read the entities' names");
	}
	yh_db_finalize(full);
	yh_db_finalize(tail);
	return rc;
}

int yh_draw_store_load_transcript(char **transcript, yh_store *store, const char *task_id)
{
	yh_stmt *st = NULL;
	int rc;

	*transcript = NULL;
	if ((rc = yh_store_prepare(store, &st, "SELECT transcript FROM task_draw WHERE task_id = ?1",
	                           "cannot read the task")) < 0)
		return rc;
	yh_db_bind_text(st, 1, task_id, -1);
	if (yh_db_step(st) != YH_DB_ROW)
		rc = yh_error_set_hint(YH_ENOTFOUND, YH_HINT_NEEDS_DRAW, task_id,
		                       "task has no draw yet: '%s'", task_id);
	else if (!(*transcript = strdup(yh_store_text(st, 0))))
		rc = yh_error_set(YH_ENOMEM, "out of memory");
	yh_db_finalize(st);
	return rc;
}

int yh_draw_store_refs(uint64_t *commit_seq, uint64_t *draw_seq, unsigned char draw_hash[32],
                       yh_store *store, const char *task_id)
{
	yh_stmt *st = NULL;
	int rc;

	if ((rc = yh_store_prepare(store, &st, "SELECT c.seq, d.seq, l.hash FROM task_commit c "
	                           "JOIN task_draw d ON d.task_id = c.task_id JOIN ledger l ON l.seq = d.seq "
	                           "WHERE c.task_id = ?1", "cannot read the draw's ledger entries")) < 0)
		return rc;
	yh_db_bind_text(st, 1, task_id, -1);
	if (yh_db_step(st) != YH_DB_ROW || yh_db_bytes(st, 2) != 32) {
		rc = yh_error_set(YH_ENOTFOUND, "task is not drawn: '%s'", task_id);
	} else {
		*commit_seq = (uint64_t)yh_db_int64(st, 0);
		*draw_seq = (uint64_t)yh_db_int64(st, 1);
		memcpy(draw_hash, yh_db_blob(st, 2), 32);
	}
	yh_db_finalize(st);
	return rc;
}

/* Drawn rows go in RECORD_ROWS-row INSERT statements (one step of the VM per 64 rows, as the
 * import's register_writer.c does): each table keeps its pending ids, inserted when full and
 * by yh_draw_recorder_flush.  The caller gives the rows in key order (draw.c sorts them). */
#define RECORD_ROWS 64

typedef struct {
	yh_stmt *full;          /* RECORD_ROWS rows */
	const char *table, *what;
	int ncols;                   /* ids per row: 1 (entity) or 2 (entity, inspector) */
	char *ids;                   /* pending ids, each NUL-terminated */
	size_t len, cap, off[RECORD_ROWS * 2];
	int n;                       /* pending rows */
} pending;

struct yh_draw_recorder {
	yh_store *store;
	pending entity, pair;
	char *task_id, *draw_date;
};

/* INSERT INTO table (...) VALUES (?1, ?3, ?2), (?1, ?4, ?2)... for n rows. */
static int prepare_rows(yh_stmt **st, yh_draw_recorder *r, const pending *p, int n)
{
	size_t cap = 128 + (size_t)n * 24, len;
	char *sql = malloc(cap);
	int i, rc;

	if (!sql)
		return yh_error_set(YH_ENOMEM, "out of memory");
	len = (size_t)snprintf(sql, cap, "INSERT INTO %s (task_id, entity_id, %sdraw_date) VALUES ",
	                       p->table, p->ncols == 2 ? "inspector_id, " : "");
	for (i = 0; i < n; i++) {
		int k = 3 + i * p->ncols;

		len += (size_t)(p->ncols == 2 ? snprintf(sql + len, cap - len, "%s(?1, ?%d, ?%d, ?2)",
		                                         i ? ", " : "", k, k + 1)
		                              : snprintf(sql + len, cap - len, "%s(?1, ?%d, ?2)",
		                                         i ? ", " : "", k));
	}
	rc = yh_store_prepare(r->store, st, sql, "cannot record the draw");
	free(sql);
	return rc;
}

/* Inserts the pending rows of one table. */
static int flush_rows(yh_draw_recorder *r, pending *p)
{
	yh_stmt *st = p->full, *tail = NULL;
	int i, rc;

	if (!p->n)
		return YH_OK;
	if (p->n < RECORD_ROWS && (rc = prepare_rows(&tail, r, p, p->n)) < 0)
		return rc;
	if (tail)
		st = tail;
	yh_db_bind_text(st, 1, r->task_id, -1);
	yh_db_bind_text(st, 2, r->draw_date, -1);
	for (i = 0; i < p->n * p->ncols; i++)
		yh_db_bind_text(st, 3 + i, p->ids + p->off[i], -1);
	rc = yh_store_step_done(r->store, st, NULL, p->what);
	yh_db_finalize(tail);
	p->n = 0;
	p->len = 0;
	return rc;
}

static int add_row(yh_draw_recorder *r, pending *p, const char *const *ids)
{
	int i, rc;

	for (i = 0; i < p->ncols; i++) {
		size_t n = strlen(ids[i]) + 1;

		if (p->len + n > p->cap) {
			size_t cap = p->cap ? p->cap * 2 : 4096;
			char *q;

			while (cap < p->len + n)
				cap *= 2;
			if (!(q = realloc(p->ids, cap)))
				return yh_error_set(YH_ENOMEM, "out of memory");
			p->ids = q;
			p->cap = cap;
		}
		memcpy(p->ids + p->len, ids[i], n);
		p->off[p->n * p->ncols + i] = p->len;
		p->len += n;
	}
	if (++p->n == RECORD_ROWS && (rc = flush_rows(r, p)) < 0)
		return rc;
	return YH_OK;
}

int yh_draw_recorder_open(yh_draw_recorder **out, yh_store *store, const char *task_id,
                          const char *draw_date)
{
	yh_draw_recorder *r = calloc(1, sizeof(*r));
	int rc;

	*out = NULL;
	if (!r || !(r->task_id = strdup(task_id)) || !(r->draw_date = strdup(draw_date))) {
		yh_draw_recorder_free(r);
		return yh_error_set(YH_ENOMEM, "out of memory");
	}
	r->store = store;
	r->entity.table = "drawn_entity";
	r->entity.what = "cannot record the drawn entities";
	r->entity.ncols = 1;
	r->pair.table = "drawn_pair";
	r->pair.what = "cannot record the teams";
	r->pair.ncols = 2;
	if ((rc = prepare_rows(&r->entity.full, r, &r->entity, RECORD_ROWS)) < 0 ||
	    (rc = prepare_rows(&r->pair.full, r, &r->pair, RECORD_ROWS)) < 0) {
		yh_draw_recorder_free(r);
		return rc;
	}
	*out = r;
	return YH_OK;
}

int yh_draw_recorder_entity(yh_draw_recorder *r, const char *entity_id)
{
	const char *ids[1] = { entity_id };

	return add_row(r, &r->entity, ids);
}

int yh_draw_recorder_pair(yh_draw_recorder *r, const char *entity_id, const char *inspector_id)
{
	const char *ids[2] = { entity_id, inspector_id };

	return add_row(r, &r->pair, ids);
}

int yh_draw_recorder_flush(yh_draw_recorder *r)
{
	int rc;

	if ((rc = flush_rows(r, &r->entity)) < 0)
		return rc;
	return flush_rows(r, &r->pair);
}

void yh_draw_recorder_free(yh_draw_recorder *r)
{
	if (!r)
		return;
	yh_db_finalize(r->entity.full);
	yh_db_finalize(r->pair.full);
	free(r->entity.ids);
	free(r->pair.ids);
	free(r->task_id);
	free(r->draw_date);
	free(r);
}

/* The window every exclusion query shares: dated on or before ?1, at most ?2 days before it. */
#define WITHIN_LITE(date_column) YH_DB_WITHIN_LITE(date_column)
#define WITHIN_PG(date_column) YH_DB_WITHIN_PG(date_column)

typedef int (*text3_fn)(void *ctx, const char *a, const char *b, const char *c);

/* Runs `sql` (selecting three text columns, bound to the window) and hands each row to fn. */
static int each_in_window(yh_store *store, const char *sql, const char *date, int64_t days,
                          text3_fn fn, void *ctx)
{
	yh_stmt *st = NULL;
	int rc, step;

	if ((rc = yh_store_prepare(store, &st, sql, "cannot read earlier draws")) < 0)
		return rc;
	yh_db_bind_text(st, 1, date, -1);
	yh_db_bind_int64(st, 2, days);
	while ((step = yh_db_step(st)) == YH_DB_ROW)
		if ((rc = fn(ctx, yh_store_text(st, 0), yh_store_text(st, 1), yh_store_text(st, 2))) != 0)
			goto done;
	if (step != YH_DB_DONE)
		rc = yh_store_fail(store, "cannot read earlier draws");
done:
	yh_db_finalize(st);
	return rc;
}

typedef struct {
	yh_id_fn fn;
	void *ctx;
} id_adapter;

static int id_row(void *ctx, const char *id, const char *unused_b, const char *unused_c)
{
	const id_adapter *a = ctx;

	(void)unused_b;
	(void)unused_c;
	return a->fn(a->ctx, id);
}

int yh_draw_store_recent_entities(yh_store *store, const char *date, int64_t days,
                                  yh_id_fn fn, void *ctx)
{
	id_adapter a = { fn, ctx };

	return each_in_window(store, YH_DB_SQL(store,
	                      "SELECT DISTINCT entity_id, NULL, NULL FROM drawn_entity WHERE "
	                      WITHIN_LITE("draw_date") " ORDER BY entity_id",
	                      "SELECT DISTINCT entity_id, NULL, NULL FROM drawn_entity WHERE "
	                      WITHIN_PG("draw_date") " ORDER BY entity_id"), date, days, id_row, &a);
}

int yh_draw_store_recent_pairs(yh_store *store, const char *date, int64_t days,
                               yh_pair_fn fn, void *ctx)
{
	return each_in_window(store, YH_DB_SQL(store,
	                      "SELECT entity_id, inspector_id, task_id FROM drawn_pair WHERE "
	                      WITHIN_LITE("draw_date"),
	                      "SELECT entity_id, inspector_id, task_id FROM drawn_pair WHERE "
	                      WITHIN_PG("draw_date") " ORDER BY task_id, entity_id, inspector_id"),
	                      date, days, fn, ctx);
}

int yh_draw_store_earlier(yh_store *store, const char *date, int64_t days, yh_earlier_fn fn,
                          void *ctx)
{
	return each_in_window(store, YH_DB_SQL(store,
	                      "SELECT d.task_id, t.draw_date, "
	                      YH_DB_JSON_LITE("l.payload", "transcript_sha256") " FROM task_draw d "
	                      "JOIN task t ON t.id = d.task_id JOIN ledger l ON l.seq = d.seq "
	                      "WHERE " WITHIN_LITE("t.draw_date") " ORDER BY d.task_id",
	                      "SELECT d.task_id, t.draw_date, "
	                      YH_DB_JSON_PG("l.payload", "transcript_sha256") " FROM task_draw d "
	                      "JOIN task t ON t.id = d.task_id JOIN ledger l ON l.seq = d.seq "
	                      "WHERE " WITHIN_PG("t.draw_date") " ORDER BY d.task_id"),
	                      date, days, fn, ctx);
}

int yh_draw_store_chain_head(char **announcement, uint64_t *count, yh_store *store)
{
	yh_stmt *st = NULL;
	int rc;

	*announcement = NULL;
	*count = 0;
	if ((rc = yh_store_prepare(store, &st, "SELECT announcement, (SELECT count(*) FROM task_commit) "
	                           "FROM task_commit ORDER BY seq DESC LIMIT 1",
	                           "cannot read the announcements")) < 0)
		return rc;
	if (yh_db_step(st) == YH_DB_ROW) {
		*count = (uint64_t)yh_db_int64(st, 1);
		if (!(*announcement = strdup(yh_store_text(st, 0))))
			rc = yh_error_set(YH_ENOMEM, "out of memory");
	}
	yh_db_finalize(st);
	return rc;
}

int yh_draw_store_announcements(yh_store *store, yh_text_fn fn, void *ctx)
{
	yh_stmt *st = NULL;
	int rc, step;

	if ((rc = yh_store_prepare(store, &st, "SELECT announcement FROM task_commit ORDER BY seq",
	                           "cannot read the announcements")) < 0)
		return rc;
	while ((step = yh_db_step(st)) == YH_DB_ROW)
		if ((rc = fn(ctx, yh_store_text(st, 0))) != 0)
			goto done;
	if (step != YH_DB_DONE)
		rc = yh_store_fail(store, "cannot read the announcements");
done:
	yh_db_finalize(st);
	return rc;
}
