/*
 * store/db_pg.h — private to db.c: the SQL driver over libpq (db_pg.c).  In a build without
 * PostgreSQL (YAOHAO_POSTGRESQL off) the connection is refused, saying so, and nothing else is
 * ever reached.
 */
#ifndef YH_ENGINE_STORE_DB_PG_H
#define YH_ENGINE_STORE_DB_PG_H

#include <stddef.h>
#include <stdint.h>

#include "yaohao/store.h"

typedef struct yh_pg_stmt yh_pg_stmt;

typedef enum { YH_PG_NULL = 0, YH_PG_INT8, YH_PG_TEXT, YH_PG_BLOB } yh_pg_type;

#ifdef YH_WITH_POSTGRESQL

/* YH_OK; or YH_DB_ERROR with what failed in *what and the server's message kept on the store
 * (db.c reports it); or another failure, already reported. */
int yh_pg_connect(yh_store *store, const char **what);
void yh_pg_disconnect(yh_store *store);
int yh_pg_prepare(yh_pg_stmt **out, yh_store *store, const char *sql, int scan);
void yh_pg_finalize(yh_pg_stmt *st);
void yh_pg_reset(yh_pg_stmt *st);
void yh_pg_bind(yh_pg_stmt *st, int i, yh_pg_type type, const void *p, size_t len, int copy);
void yh_pg_bind_int64(yh_pg_stmt *st, int i, int64_t v);
int yh_pg_step(yh_pg_stmt *st);
int64_t yh_pg_int64(yh_pg_stmt *st, int col);
const void *yh_pg_value(yh_pg_stmt *st, int col); /* NULL for NULL; NUL-terminated */
size_t yh_pg_bytes(yh_pg_stmt *st, int col);
int yh_pg_exec(yh_store *store, const char *sql);
int yh_pg_in_transaction(yh_store *store);
int yh_pg_copy_begin(yh_store *store, const char *sql);
int yh_pg_copy_field(yh_store *store, const char *value, size_t len, int last);
int yh_pg_copy_end(yh_store *store, int abort);
int yh_pg_copy_flush(yh_store *store, const char *sql);
void yh_pg_copy_discard(yh_store *store);

#else

#include "error.h"

static inline int yh_pg_connect(yh_store *store, const char **what)
{
	(void)store;
	(void)what;
	return yh_error_set(YH_ESTORE, "this yaohao was built without PostgreSQL (YAOHAO_POSTGRESQL): "
	                    "it opens SQLite files only");
}
static inline void yh_pg_disconnect(yh_store *store) { (void)store; }
static inline int yh_pg_prepare(yh_pg_stmt **out, yh_store *store, const char *sql, int scan)
{
	(void)out; (void)store; (void)sql; (void)scan;
	return -1;
}
static inline void yh_pg_finalize(yh_pg_stmt *st) { (void)st; }
static inline void yh_pg_reset(yh_pg_stmt *st) { (void)st; }
static inline void yh_pg_bind(yh_pg_stmt *st, int i, yh_pg_type type, const void *p, size_t len,
                              int copy)
{
	(void)st; (void)i; (void)type; (void)p; (void)len; (void)copy;
}
static inline void yh_pg_bind_int64(yh_pg_stmt *st, int i, int64_t v) { (void)st; (void)i; (void)v; }
static inline int yh_pg_step(yh_pg_stmt *st) { (void)st; return -1; }
static inline int64_t yh_pg_int64(yh_pg_stmt *st, int col) { (void)st; (void)col; return 0; }
static inline const void *yh_pg_value(yh_pg_stmt *st, int col) { (void)st; (void)col; return NULL; }
static inline size_t yh_pg_bytes(yh_pg_stmt *st, int col) { (void)st; (void)col; return 0; }
static inline int yh_pg_exec(yh_store *store, const char *sql) { (void)store; (void)sql; return -1; }
static inline int yh_pg_in_transaction(yh_store *store) { (void)store; return 0; }
static inline int yh_pg_copy_begin(yh_store *store, const char *sql)
{
	(void)store; (void)sql;
	return -1;
}
static inline int yh_pg_copy_field(yh_store *store, const char *value, size_t len, int last)
{
	(void)store; (void)value; (void)len; (void)last;
	return -1;
}
static inline int yh_pg_copy_end(yh_store *store, int abort) { (void)store; (void)abort; return -1; }
static inline int yh_pg_copy_flush(yh_store *store, const char *sql)
{
	(void)store; (void)sql;
	return -1;
}
static inline void yh_pg_copy_discard(yh_store *store) { (void)store; }

#endif

#endif
