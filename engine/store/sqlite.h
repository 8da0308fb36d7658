/*
 * store/sqlite.h — private to the storage layer: the store's handle (an SQLite file or a
 * PostgreSQL database, db.h) and the helpers every file of engine/store/ uses.  Nothing outside
 * engine/store/ may include this header (unit tests excepted, to look at an SQLite store's rows
 * directly through store->db).
 */
#ifndef YH_ENGINE_STORE_SQLITE_H
#define YH_ENGINE_STORE_SQLITE_H

#include <stdint.h>
#include <sqlite3.h>

#include "db.h"
#include "yaohao/key.h"
#include "yaohao/register.h"
#include "yaohao/store.h"

struct yh_store {
	sqlite3 *db;                           /* the SQLite connection; NULL on PostgreSQL */
	void *pg;                              /* the PGconn (db_pg.c); NULL on SQLite */
	yh_db_backend backend;
	char *message;                         /* PostgreSQL: the last failure's message */
	uint64_t changes;                      /* PostgreSQL: rows the last statement changed */
	unsigned cursors;                      /* PostgreSQL: cursors named so far (db_pg.c) */
	char *stale;                           /* PostgreSQL: held cursors left to close (db_pg.c) */
	char *copy_buf;                        /* PostgreSQL: COPY data not sent yet */
	size_t copy_len, copy_cap;
	char *path;
	char *department;
	int reader;                            /* opened by yh_store_open_reader */
	int auditor;                           /* PostgreSQL: reading as yaohao_auditor, read-only */
	int rls;                               /* PostgreSQL: row-level security applies to the
	                                        * session's role (no COPY into its tables) */
	int entities_from;                     /* the entity register: 0 not read yet, 1 the
	                                        * department's own, 2 a shared one (shared_store.c) */
	uint64_t source_as_of, source_at;      /* the last as_of mapped to the shared register's */
	int source_known;
	int has_public_key;                    /* the ledger is signed */
	unsigned char public_key[32];
	yh_key *key;                           /* the store's copy; NULL until yh_store_set_key */
};

/* "valid as of ?1" for a register table's rows; ?1 = 0 means the current rows.
 * The one definition of "as of" in the project (docs/spec.md, registers). */
#define YH_SQL_AS_OF "(CASE WHEN ?1 = 0 THEN valid_to IS NULL ELSE " YH_SQL_AS_OF_SEQ " END)"
/* The same for a ?1 known to be a sequence (not 0). */
#define YH_SQL_AS_OF_SEQ "(valid_from <= ?1 AND (valid_to IS NULL OR valid_to > ?1))"

/* PostgreSQL: the session's department's rows (docs/operations.md), named in the reads by key so
 * that the indexes, which lead with dept, serve a role above row-level security too: the one
 * spelling for the register reads (shared_store.c) and the import's (register_writer.c). */
#define YH_SQL_PG_OWN_ROWS "dept = yh_department_default()"

/* Reports a database failure on the store as YH_ESTORE: "<what>: <db message>: '<path>'" (db.c). */
int yh_store_fail(yh_store *store, const char *what);

/* Runs SQL without results; YH_ESTORE with the message on failure. */
int yh_store_exec(yh_store *store, const char *sql);

/* Prepares a statement; YH_ESTORE naming `what` on failure. */
int yh_store_prepare(yh_store *store, yh_stmt **st, const char *sql, const char *what);

/* Steps a statement that returns no row and resets it: YH_OK when done; when
 * constraint is not NULL a constraint violation sets *constraint and is not an error. */
int yh_store_step_done(yh_store *store, yh_stmt *st, int *constraint, const char *what);

/* The first column of sql's first row (?1: param when not NULL), copied ("" for NULL); *out
 * NULL when there is no row.  YH_ESTORE naming `what` on failure. */
int yh_store_query_text(char **out, yh_store *store, const char *sql, const char *param,
                        const char *what);

/* A text column, "" for NULL. */
const char *yh_store_text(yh_stmt *st, int col);

/* The schema, as the list of migrations from version 0. */
/* The table that holds a register (register_store.c). */
const char *yh_register_table(yh_register_kind kind);

/* SQLite: the migrations from version `from`.  PostgreSQL: a new department's space of the
 * current version (its meta row), in a database whose schema exists (yh_schema_pg_create). */
int yh_schema_migrate(yh_store *store, int from);

/* PostgreSQL: the schema every department of the database shares (its tables, row-level
 * security and policies), in the caller's transaction. */
int yh_schema_pg_create(yh_store *store);

/* A store file being made (store_file.c): "<path>.creating", open and locked (flock) while it is
 * made, so that a later creation can tell a killed one's leftover from one under way. */
typedef struct {
	char *tmp;
	int fd;
} yh_store_making;

/* Claims the temporary file for a new store at path (mode 0600 whatever the umask), taking over
 * and removing a leftover no process holds; YH_EEXIST when path exists or another creation holds
 * it.  Release it with yh_store_file_release whatever happens. */
int yh_store_file_claim(yh_store_making *m, const char *path);

/* Syncs the complete temporary file and links it as path (never replacing a file there). */
int yh_store_file_finish(yh_store_making *m, const char *path);

/* Removes the temporary file (and its journals) unless it became the store; NULL-safe state. */
void yh_store_file_release(yh_store_making *m);

/* YH_ESTORE when the store file, its -wal or its -shm may be read by group or others. */
int yh_store_file_check_mode(const char *path);

/* The ledger's append-only triggers (schema.c): dropped and restored around the
 * one documented rewrite, the signing of existing entries when a key is adopted. */
extern const char yh_schema_ledger_no_update[];

#endif
