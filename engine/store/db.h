/*
 * store/db.h — the thin SQL driver under the storage layer: statements with ?N parameters,
 * stepped row by row, over SQLite (db.c) or PostgreSQL through libpq (db_pg.c).  The store files
 * keep one copy of their SQL; the few places where the two dialects differ are the fragments
 * below and the schema (schema.c), so that adding a backend means one driver file, one schema
 * and these fragments (docs/internals.md, the storage layer).
 *
 * The SQL is written in the common subset of the two, with ?N parameters (numbered from 1, each
 * may appear several times); the PostgreSQL driver turns them into $N.  Bound values are not
 * copied (the _copy variants excepted): they must live until the statement is stepped.
 */
#ifndef YH_ENGINE_STORE_DB_H
#define YH_ENGINE_STORE_DB_H

#include <stddef.h>
#include <stdint.h>

#include "yaohao/store.h"

typedef struct yh_stmt yh_stmt;

/* What yh_db_step returns. */
enum {
	YH_DB_ERROR = -1,     /* the message is the store's (yh_store_fail) */
	YH_DB_DONE = 0,
	YH_DB_ROW = 1,
	YH_DB_CONSTRAINT = 2  /* a constraint refused the statement (a duplicate key, ...) */
};

/* The backends. */
typedef enum { YH_DB_SQLITE = 0, YH_DB_POSTGRESQL = 1 } yh_db_backend;

yh_db_backend yh_db_kind(const yh_store *store);

/* 1 when `path` names a PostgreSQL database (a postgresql:// or postgres:// URI). */
int yh_db_is_uri(const char *path);

/* Prepares sql; YH_ESTORE naming `what` (and the database's message) on failure, *st NULL (what
 * NULL: the caller reports it, with yh_store_fail). */
int yh_db_prepare(yh_stmt **st, yh_store *store, const char *sql, const char *what);
/* A query over many rows (a register's scan): on PostgreSQL read through a cursor in batches,
 * in bounded memory; on SQLite the same as yh_db_prepare. */
int yh_db_prepare_scan(yh_stmt **st, yh_store *store, const char *sql, const char *what);
void yh_db_finalize(yh_stmt *st); /* NULL-safe */
/* Ready to step again from the start; the bindings stay. */
void yh_db_reset(yh_stmt *st);

void yh_db_bind_int64(yh_stmt *st, int i, int64_t v);
void yh_db_bind_null(yh_stmt *st, int i);
/* len < 0: up to the NUL. */
void yh_db_bind_text(yh_stmt *st, int i, const char *text, int len);
void yh_db_bind_text_copy(yh_stmt *st, int i, const char *text, int len);
void yh_db_bind_blob(yh_stmt *st, int i, const void *blob, size_t len);
void yh_db_bind_blob_copy(yh_stmt *st, int i, const void *blob, size_t len);

/* YH_DB_ROW, YH_DB_DONE, YH_DB_CONSTRAINT or YH_DB_ERROR. */
int yh_db_step(yh_stmt *st);

/* The current row's columns; valid until the next step, reset or finalize.  A text or blob
 * column that is NULL gives NULL and 0 bytes. */
int64_t yh_db_int64(yh_stmt *st, int col);
int yh_db_int(yh_stmt *st, int col);
const char *yh_db_text(yh_stmt *st, int col);
const void *yh_db_blob(yh_stmt *st, int col);
size_t yh_db_bytes(yh_stmt *st, int col);
int yh_db_is_null(yh_stmt *st, int col);

/* PostgreSQL only: rows into a table through COPY (`sql`: "COPY t (cols) FROM STDIN"), field
 * by field (last: the row's last field), in text form; nothing else may run on the connection
 * until yh_db_copy_end.  abort: give the rows up (the transaction fails).  A failure (a
 * duplicate key, ...) may show only at the end. */
int yh_db_copy_begin(yh_store *store, const char *sql);
int yh_db_copy_field(yh_store *store, const char *value, size_t len, int last);
int yh_db_copy_end(yh_store *store, int abort);
/* Fields given to yh_db_copy_field outside a COPY are kept (in memory: the caller bounds them,
 * with store->copy_len); yh_db_copy_flush sends them through one COPY `sql`, while the connection
 * is free (between a cursor's fetches), and yh_db_copy_discard gives them up. */
int yh_db_copy_flush(yh_store *store, const char *sql);
void yh_db_copy_discard(yh_store *store);

/* Runs SQL without parameters or results (several statements allowed): YH_OK, or YH_DB_ERROR
 * with the message kept for yh_store_fail. */
int yh_db_exec(yh_store *store, const char *sql);

/* Rows changed by the last INSERT, UPDATE or DELETE stepped. */
uint64_t yh_db_changes(yh_store *store);

/* 1 inside a transaction. */
int yh_db_in_transaction(yh_store *store);

/* The database's message for the last failure. */
const char *yh_db_message(yh_store *store);

/* Opens the connection (store->path): SQLite with sqlite_flags, or PostgreSQL for a URI. */
int yh_db_connect(yh_store *store, int sqlite_flags);
void yh_db_disconnect(yh_store *store);

/* ---- the dialects: where the same meaning needs different SQL ---- */

/* Picks the SQLite or the PostgreSQL text. */
#define YH_DB_SQL(store, lite, pg) (yh_db_kind(store) == YH_DB_POSTGRESQL ? (pg) : (lite))

/* A date column dated on or before ?1 (a date, text) and at most ?2 days before it. */
#define YH_DB_WITHIN_LITE(col) col " <= ?1 AND julianday(?1) - julianday(" col ") <= ?2"
#define YH_DB_WITHIN_PG(col) col " <= ?1 AND CAST(?1 AS date) - CAST(" col " AS date) <= ?2"

/* A top-level string member of a JSON text column, as text. */
#define YH_DB_JSON_LITE(col, member) "json_extract(" col ", '$." member "')"
#define YH_DB_JSON_PG(col, member) "(CAST(" col " AS jsonb) ->> '" member "')"

/* The ledger's append-only trigger lifted and restored around the one rewrite (signing the
 * existing entries when a key is adopted). */
const char *yh_db_ledger_unlock_sql(const yh_store *store);
const char *yh_db_ledger_lock_sql(const yh_store *store);

#endif
