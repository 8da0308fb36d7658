/*
 * yaohao/store.h — the department's store: one SQLite file holding the
 * registers (with their history), the tasks and the append-only ledger.
 *
 * A yh_store is an opaque handle owned by the caller; close it with
 * yh_store_close().  One handle is used by one thread at a time (the SQLite
 * connection is opened without its own mutex); open one per thread.  The file uses WAL, foreign keys, application_id
 * 0x5948414F ("YHAO") and PRAGMA user_version for the schema version; an
 * older schema is migrated on open (the migration is itself a ledger entry),
 * a newer one is refused.
 */
#ifndef YAOHAO_STORE_H
#define YAOHAO_STORE_H

#include "common.h"
#include "key.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct yh_store yh_store;

/* The schema version this library writes. */
#define YH_STORE_SCHEMA_VERSION 4

/* The store's file name when the caller names none (the CLI: $YAOHAO_DB, then this). */
#define YH_STORE_DEFAULT_PATH "yaohao.db"

/*
 * Creates a new store at `path` for the department `department` (a code
 * such as "330100-SCJG": upper-case letters, digits and '-', 1-32 long).
 * YH_EEXIST if the file exists.  The first ledger entry records the creation.
 * On PostgreSQL (`path` a postgresql:// URI) the store is the department's space in the
 * database: YH_EEXIST if the department has one; the connecting role must be the role the
 * database maps to the department, or a member of it; a department with no role yet takes the
 * connecting role, if that role may write the mapping (the schema's owner: a database of one
 * department).
 */
YH_EXTERN int yh_store_create(yh_store **out, const char *path,
                              const char *department) YH_WARN_UNUSED;

/*
 * The store is made under the name "<path>.creating" (mode 0600, locked while it is made; the
 * leftover of a killed creation is removed) and appears at `path` only when complete, so that a
 * kill at any moment leaves no store or a whole one.
 *
 * yh_store_create_signed makes it and adopts `key` (yh_store_set_key) before it appears: its
 * ledger is the init entry and the key entry, both signed, and no one ever sees it unsigned.
 * The caller keeps the key file; write it before (a store whose key is lost cannot be written).
 */
YH_EXTERN int yh_store_create_signed(yh_store **out, const char *path, const char *department,
                                     const yh_key *key) YH_WARN_UNUSED;

/* Opens an existing store; YH_ENOTFOUND if there is no file at `path`; YH_ESTORE (saying how
 * to fix it) when group or others may read the store, its -wal or its -shm. */
YH_EXTERN int yh_store_open(yh_store **out, const char *path) YH_WARN_UNUSED;

/*
 * Opens the store for `department` (NULL: the one the connection may act for).  An SQLite file
 * holds one department: another is refused (YH_ESTORE).  A PostgreSQL database may hold many
 * (docs/operations.md): each is acted for through the role the database maps to it, which the
 * connection takes (SET ROLE: only its members may); the database refuses what that role may
 * not do, whatever SQL is sent.  With no department named, the one department the connecting
 * role may act for; several: YH_EINVAL, naming them.
 */
YH_EXTERN int yh_store_open_as(yh_store **out, const char *path,
                               const char *department) YH_WARN_UNUSED;

/*
 * Opens the store for reading `department`'s data (an audit, the ledger, an export).  As
 * yh_store_open_as, except on PostgreSQL for a role that may not act for the department but is
 * a member of yaohao_auditor: the session then reads that department's rows only (the auditor's
 * policy narrowed by the setting yaohao.audit), in read-only transactions, so the database
 * refuses every write.  An auditor names the department (none: YH_EINVAL).
 */
YH_EXTERN int yh_store_open_reader(yh_store **out, const char *path,
                                   const char *department) YH_WARN_UNUSED;

/* Opens the same store again, for the same department and in the same mode (a second
 * connection, as the draw's scan from the other end takes). */
YH_EXTERN int yh_store_open_again(yh_store **out, const yh_store *store) YH_WARN_UNUSED;

/*
 * PostgreSQL only: makes the schema that the departments of the database share (tables,
 * row-level security), owned by the connecting role, with no department in it yet; YH_EEXIST if
 * the database has it.  Each department's space is then made by yh_store_create_signed, by a
 * role that acts for it (docs/operations.md).  A store created in a database with no schema
 * makes the schema first, owned by the role that created it.
 */
YH_EXTERN int yh_store_create_schema(const char *path) YH_WARN_UNUSED;

/* NULL-safe. */
YH_EXTERN void yh_store_close(yh_store *store);

/* The department code given at creation.  Owned by the store. */
YH_EXTERN const char *yh_store_department(const yh_store *store);

/* The path given at open.  Owned by the store. */
YH_EXTERN const char *yh_store_path(const yh_store *store);

/* 1 if `code` is a well-formed department code, else 0. */
YH_EXTERN int yh_store_department_valid(const char *code);

/*
 * Gives the store the department's signing key (the store keeps its own
 * copy, wiped when the store is closed).  Every ledger entry appended afterwards is
 * signed.  A store that has no key yet adopts this one: it records the public
 * key, signs every entry written so far and appends a "key" entry saying so,
 * in one transaction (the documented migration of unsigned stores).  A store
 * that has a key refuses another (YH_ESTORE).  Once a store has a key, an
 * append without it fails, naming the key needed.  A store from before the commit
 * secret was sealed has its undrawn commitments' secrets sealed with the key here.
 */
YH_EXTERN int yh_store_set_key(yh_store *store, const yh_key *key) YH_WARN_UNUSED;

/* The store's public key; YH_ENOTFOUND if the store has none yet. */
YH_EXTERN int yh_store_public_key(unsigned char out[32], const yh_store *store) YH_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
