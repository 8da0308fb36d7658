/* store/db.c — the SQL driver's SQLite implementation, and the dispatch to PostgreSQL's
 * (db_pg.c) for a store opened from a URI. */
#include <stdlib.h>
#include <string.h>

#include "sqlite.h"
#include "db_pg.h"
#include "error.h"

struct yh_stmt {
	yh_store *store;
	sqlite3_stmt *lite;
	yh_pg_stmt *pg;
};

yh_db_backend yh_db_kind(const yh_store *store)
{
	return store->backend;
}

int yh_store_fail(yh_store *store, const char *what)
{
	return yh_error_set(YH_ESTORE, "%s: %s: '%s'", what, yh_db_message(store), store->path);
}

int yh_store_exec(yh_store *store, const char *sql)
{
	if (yh_db_exec(store, sql) < 0)
		return yh_store_fail(store, "store statement failed");
	return YH_OK;
}

int yh_db_is_uri(const char *path)
{
	return path && (strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0);
}

int yh_db_connect(yh_store *store, int sqlite_flags)
{
	if (yh_db_is_uri(store->path)) {
		const char *what = NULL;
		int rc;

		store->backend = YH_DB_POSTGRESQL;
		if ((rc = yh_pg_connect(store, &what)) == YH_DB_ERROR && what)
			return yh_store_fail(store, what);
		return rc;
	}
	store->backend = YH_DB_SQLITE;
	if (sqlite3_open_v2(store->path, &store->db, sqlite_flags, NULL) != SQLITE_OK)
		return yh_store_fail(store, "cannot open the store");
	sqlite3_busy_timeout(store->db, 10000);
	sqlite3_extended_result_codes(store->db, 1);
	return YH_OK;
}

void yh_db_disconnect(yh_store *store)
{
	if (store->backend == YH_DB_POSTGRESQL)
		yh_pg_disconnect(store);
	else
		sqlite3_close_v2(store->db);
	store->db = NULL;
	free(store->message);
	store->message = NULL;
}

const char *yh_db_message(yh_store *store)
{
	if (store->backend == YH_DB_POSTGRESQL)
		return store->message ? store->message : "unknown error";
	return sqlite3_errmsg(store->db);
}

static int prepare(yh_stmt **out, yh_store *store, const char *sql, const char *what, int scan);

int yh_db_prepare(yh_stmt **out, yh_store *store, const char *sql, const char *what)
{
	return prepare(out, store, sql, what, 0);
}

int yh_db_prepare_scan(yh_stmt **out, yh_store *store, const char *sql, const char *what)
{
	return prepare(out, store, sql, what, 1);
}

static int prepare(yh_stmt **out, yh_store *store, const char *sql, const char *what, int scan)
{
	yh_stmt *st = calloc(1, sizeof(*st));

	*out = NULL;
	if (!st)
		return yh_error_set(YH_ENOMEM, "out of memory");
	st->store = store;
	if (store->backend == YH_DB_POSTGRESQL) {
		if (yh_pg_prepare(&st->pg, store, sql, scan) < 0) {
			free(st);
			return what ? yh_store_fail(store, what) : YH_ESTORE;
		}
	} else if (sqlite3_prepare_v2(store->db, sql, -1, &st->lite, NULL) != SQLITE_OK) {
		free(st);
		return what ? yh_store_fail(store, what) : YH_ESTORE;
	}
	*out = st;
	return YH_OK;
}

void yh_db_finalize(yh_stmt *st)
{
	if (!st)
		return;
	if (st->pg)
		yh_pg_finalize(st->pg);
	else
		sqlite3_finalize(st->lite);
	free(st);
}

void yh_db_reset(yh_stmt *st)
{
	if (st->pg)
		yh_pg_reset(st->pg);
	else
		sqlite3_reset(st->lite);
}

void yh_db_bind_int64(yh_stmt *st, int i, int64_t v)
{
	if (st->pg)
		yh_pg_bind_int64(st->pg, i, v);
	else
		sqlite3_bind_int64(st->lite, i, (sqlite3_int64)v);
}

void yh_db_bind_null(yh_stmt *st, int i)
{
	if (st->pg)
		yh_pg_bind(st->pg, i, YH_PG_NULL, NULL, 0, 0);
	else
		sqlite3_bind_null(st->lite, i);
}

void yh_db_bind_text(yh_stmt *st, int i, const char *text, int len)
{
	if (st->pg)
		yh_pg_bind(st->pg, i, YH_PG_TEXT, text, len < 0 ? strlen(text) : (size_t)len, 0);
	else
		sqlite3_bind_text(st->lite, i, text, len, SQLITE_STATIC);
}

void yh_db_bind_text_copy(yh_stmt *st, int i, const char *text, int len)
{
	if (st->pg)
		yh_pg_bind(st->pg, i, YH_PG_TEXT, text, len < 0 ? strlen(text) : (size_t)len, 1);
	else
		sqlite3_bind_text(st->lite, i, text, len, SQLITE_TRANSIENT);
}

void yh_db_bind_blob(yh_stmt *st, int i, const void *blob, size_t len)
{
	if (st->pg)
		yh_pg_bind(st->pg, i, YH_PG_BLOB, blob, len, 0);
	else
		sqlite3_bind_blob(st->lite, i, blob, (int)len, SQLITE_STATIC);
}

void yh_db_bind_blob_copy(yh_stmt *st, int i, const void *blob, size_t len)
{
	if (st->pg)
		yh_pg_bind(st->pg, i, YH_PG_BLOB, blob, len, 1);
	else
		sqlite3_bind_blob(st->lite, i, blob, (int)len, SQLITE_TRANSIENT);
}

int yh_db_step(yh_stmt *st)
{
	int r;

	if (st->pg)
		return yh_pg_step(st->pg);
	r = sqlite3_step(st->lite);
	if (r == SQLITE_ROW)
		return YH_DB_ROW;
	if (r == SQLITE_DONE)
		return YH_DB_DONE;
	return (r & 0xff) == SQLITE_CONSTRAINT ? YH_DB_CONSTRAINT : YH_DB_ERROR;
}

int64_t yh_db_int64(yh_stmt *st, int col)
{
	return st->pg ? yh_pg_int64(st->pg, col) : (int64_t)sqlite3_column_int64(st->lite, col);
}

int yh_db_int(yh_stmt *st, int col)
{
	return st->pg ? (int)yh_pg_int64(st->pg, col) : sqlite3_column_int(st->lite, col);
}

const char *yh_db_text(yh_stmt *st, int col)
{
	return st->pg ? (const char *)yh_pg_value(st->pg, col)
	              : (const char *)sqlite3_column_text(st->lite, col);
}

const void *yh_db_blob(yh_stmt *st, int col)
{
	return st->pg ? yh_pg_value(st->pg, col) : sqlite3_column_blob(st->lite, col);
}

size_t yh_db_bytes(yh_stmt *st, int col)
{
	return st->pg ? yh_pg_bytes(st->pg, col) : (size_t)sqlite3_column_bytes(st->lite, col);
}

int yh_db_is_null(yh_stmt *st, int col)
{
	if (st->pg)
		return yh_pg_value(st->pg, col) == NULL;
	return sqlite3_column_type(st->lite, col) == SQLITE_NULL;
}

int yh_db_copy_begin(yh_store *store, const char *sql)
{
	return store->backend == YH_DB_POSTGRESQL ? yh_pg_copy_begin(store, sql) : YH_DB_ERROR;
}

int yh_db_copy_field(yh_store *store, const char *value, size_t len, int last)
{
	return store->backend == YH_DB_POSTGRESQL ? yh_pg_copy_field(store, value, len, last)
	                                          : YH_DB_ERROR;
}

int yh_db_copy_end(yh_store *store, int abort)
{
	return store->backend == YH_DB_POSTGRESQL ? yh_pg_copy_end(store, abort) : YH_DB_ERROR;
}

int yh_db_copy_flush(yh_store *store, const char *sql)
{
	return store->backend == YH_DB_POSTGRESQL ? yh_pg_copy_flush(store, sql) : YH_DB_ERROR;
}

void yh_db_copy_discard(yh_store *store)
{
	if (store->backend == YH_DB_POSTGRESQL)
		yh_pg_copy_discard(store);
}

int yh_db_exec(yh_store *store, const char *sql)
{
	if (store->backend == YH_DB_POSTGRESQL)
		return yh_pg_exec(store, sql);
	return sqlite3_exec(store->db, sql, NULL, NULL, NULL) == SQLITE_OK ? YH_OK : YH_DB_ERROR;
}

uint64_t yh_db_changes(yh_store *store)
{
	return store->backend == YH_DB_POSTGRESQL ? store->changes : (uint64_t)sqlite3_changes(store->db);
}

int yh_db_in_transaction(yh_store *store)
{
	if (store->backend == YH_DB_POSTGRESQL)
		return yh_pg_in_transaction(store);
	return !sqlite3_get_autocommit(store->db);
}

const char *yh_db_ledger_unlock_sql(const yh_store *store)
{
	return YH_DB_SQL(store, "DROP TRIGGER ledger_no_update",
	                 "ALTER TABLE ledger DISABLE TRIGGER ledger_no_update");
}

const char *yh_db_ledger_lock_sql(const yh_store *store)
{
	return YH_DB_SQL(store, yh_schema_ledger_no_update,
	                 "ALTER TABLE ledger ENABLE TRIGGER ledger_no_update");
}
