/*
 * store/store.h — the storage layer: everything the engine keeps, behind one
 * interface.  Only the files in engine/store/ speak SQL; every other module
 * reads and writes through these functions and never sees a database handle.
 * A second backend (PostgreSQL) implements this header (docs/internals.md).
 *
 * Nouns: the connection and its transactions (store.c), the ledger
 * (ledger_store.c), the registers with their history (register_store.c,
 * register_writer.c), register statistics (stats_store.c), tasks
 * (task_store.c), draws — commitments, transcripts, drawn entities and
 * pairs (draw_store.c) — and the working-day calendar (calendar_store.c).
 */
#ifndef YH_ENGINE_STORE_STORE_H
#define YH_ENGINE_STORE_STORE_H

#include <stdint.h>
#include <jansson.h>

#include "yaohao/key.h"
#include "yaohao/ledger.h"
#include "yaohao/register.h"
#include "yaohao/store.h"
#include "yaohao/task.h"

/* ---- connection and transactions (store.c) ---- */

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK.  rollback is safe to call twice. */
int yh_store_begin(yh_store *store);
int yh_store_commit(yh_store *store);
void yh_store_rollback(yh_store *store);

/* The store's signing key (its own copy), or NULL before yh_store_set_key. */
const yh_key *yh_store_signing_key(const yh_store *store);

/* 1 when the store's ledger is signed (it has a public key). */
int yh_store_signs(const yh_store *store);

/* 1 when the store is a PostgreSQL database (many departments; shared registers). */
int yh_store_on_postgresql(const yh_store *store);

/* A hint for a big batch of writes (an import): a large page cache, or back to normal. */
void yh_store_bulk(yh_store *store, int on);

/* ---- ledger (ledger_store.c) ---- */

/* Inside a transaction: the sequence the next entry will take. */
int yh_ledger_next_seq(uint64_t *seq, yh_store *store);

/*
 * Appends the entry `seq` of `kind` (payload serialised canonically; "time" is
 * added from the clock, or from $SOURCE_DATE_EPOCH when set, so that tests can
 * pin it), chained to the previous entry and signed with the store's key.
 * Takes ownership of payload (a NULL payload is an out-of-memory failure),
 * whatever it returns.
 */
int yh_ledger_append(yh_store *store, uint64_t seq, const char *kind, json_t *payload);

/* ---- registers (register_store.c, register_writer.c) ---- */

/* yh_register_foreach reading only the key and the columns in `columns` (bit i: column i);
 * the others are passed as "" (a scan that needs few columns reads them only). */
int yh_register_foreach_columns(yh_store *store, yh_register_kind kind, uint64_t as_of,
                                uint32_t columns, yh_register_row_fn fn, void *ctx);
/* The same in descending key order (the draw's second scan, from the other end). */
int yh_register_foreach_columns_desc(yh_store *store, yh_register_kind kind, uint64_t as_of,
                                     uint32_t columns, yh_register_row_fn fn, void *ctx);

/* Calls fn with the row of a single-key register whose key is `key`, as of
 * as_of (0: current), if there is one; YH_OK either way. */
int yh_register_find(yh_store *store, yh_register_kind kind, uint64_t as_of, const char *key,
                     yh_register_row_fn fn, void *ctx);

/* Calls fn with the reason and valid_from of the conflict row (inspector, entity) as of as_of
 * (0: current), if there is one; YH_OK either way. */
typedef int (*yh_conflict_fn)(void *ctx, const char *reason, uint64_t since);
int yh_conflict_find(yh_store *store, uint64_t as_of, const char *inspector_id,
                     const char *entity_id, yh_conflict_fn fn, void *ctx);

/* ---- shared registers (shared_store.c) ---- */

/* The view through which a department reads the shared entity register (PostgreSQL). */
#define YH_SHARED_ENTITY_VIEW "shared_entity"

/*
 * Where to read a register as of `as_of` (0: current): its table and as_of itself, except for
 * the entity register of a department that adopted a shared one: the view, as of the shared
 * register's sequence that the department's latest `adopt` entry at or before as_of names
 * (with none, UINT64_MAX: no row is valid then).  *at may be as_of itself.
 */
int yh_register_source(const char **relation, uint64_t *at, yh_store *store,
                       yh_register_kind kind, uint64_t as_of);

/* 1 in *out when the department's entity register is a shared one (it has an adopt entry). */
int yh_shared_adopted(int *out, yh_store *store);

/* The department the latest adopt entry names (NULL: none; free()). */
int yh_shared_adopted_from(char **department, yh_store *store);

/* Forgets what yh_register_source learnt (after an adopt entry is written or rolled back). */
void yh_shared_forget(yh_store *store);

/* The department whose entity register the owner shares with this one (yh_share), or NULL. */
int yh_shared_register(char **department, yh_store *store);

/* One import entry of the shared register's ledger, read through the view shared_ledger. */
typedef struct {
	uint64_t seq;
	unsigned char hash[32];
	char *payload;                /* canonical JSON; free() */
} yh_shared_entry;

/* The shared register's import entry `seq`, or (seq 0) its latest import of entities; *found
 * is 0 when there is none. */
int yh_shared_entry_get(yh_shared_entry *out, int *found, yh_store *store, uint64_t seq);

/* The root and count of the shared entity register as of its own sequence register_seq. */
int yh_shared_root(unsigned char root[32], uint64_t *count, yh_store *store, uint64_t register_seq);

/* 1 in *out when the session's role owns the tables: the owner's policies would show it the
 * shared rows in its own tables, so it may not act for a department that adopts. */
int yh_shared_role_is_owner(int *out, yh_store *store);

/* For the audit: how many row versions of a register begin (closing = 0) or end
 * (closing = 1) at each ledger sequence; fn(ctx, seq, rows) in sequence order. */
typedef int (*yh_version_count_fn)(void *ctx, uint64_t seq, uint64_t rows);
int yh_register_version_counts(yh_store *store, yh_register_kind kind, int closing,
                               yh_version_count_fn fn, void *ctx);

/* 1 if the register has current rows. */
int yh_register_has_current(int *out, yh_store *store, yh_register_kind kind);

/* PostgreSQL: renews the planner's statistics of the register's table (after a big import;
 * skipped, best effort, for a role that does not own it).  Nothing on SQLite. */
void yh_register_analyze(yh_store *store, yh_register_kind kind);

/* 1 in *out when the store's own table of the register holds any row version (not the shared
 * register a department adopted: shared_store.c). */
int yh_register_has_own_rows(int *out, yh_store *store, yh_register_kind kind);

/*
 * Writing one import into a register, inside the caller's transaction.  The rows are put in
 * strictly increasing key order (SQLite's BINARY order of the key columns, as row_sort.h
 * gives them; the importer has removed duplicates), each with its values in column order, and
 * the writer decides whether each is added, changed (its current version closed, a new one
 * added) or unchanged.  A full import walks the register's current rows in the same order
 * beside the rows put, in one linear pass with no lookup per row, and closes those the import
 * does not hold; a partial import looks each row's key up (its rows are few beside the
 * register's) and closes nothing.  Every row version written starts at `seq`.
 */
typedef enum {
	YH_PUT_ADDED = 0, YH_PUT_CHANGED, YH_PUT_UNCHANGED
} yh_put_outcome;

typedef struct yh_register_writer yh_register_writer;

enum {
	YH_WRITE_FULL = 1,   /* the register becomes the rows put: current rows not put are closed */
	YH_WRITE_EMPTY = 2,  /* the register has no current rows: every row is new, nothing is read */
	YH_WRITE_DRY = 4     /* decide every outcome and count, write nothing (a dry run) */
};

int yh_register_writer_open(yh_register_writer **out, yh_store *store, yh_register_kind kind,
                            uint64_t seq, int flags);
/* values[i] with lens[i] bytes, in column order; YH_EINVAL when the key is not greater than the
 * last one put. */
int yh_register_writer_put(yh_put_outcome *outcome, yh_register_writer *w,
                           const char *const *values, const size_t *lens);
/* After the last put: writes what is pending and, for a full import, closes the current rows
 * after the last key put; *closed is the number of rows the import closed (0 for a partial
 * import). */
int yh_register_writer_finish(uint64_t *closed, yh_register_writer *w);
void yh_register_writer_free(yh_register_writer *w);

/* ---- statistics (stats_store.c) ---- */

typedef enum {
	YH_GROUP_ENTITY_STATUS = 0,
	YH_GROUP_ENTITY_PROVINCE,      /* the first two digits of the region */
	YH_GROUP_ENTITY_SECTION,       /* the industry's section letter */
	YH_GROUP_ENTITY_RISK,
	YH_GROUP_INSPECTOR_DEPARTMENT,
	YH_GROUP_INSPECTOR_STATUS,
	YH_GROUP_ITEM_DEPARTMENT
} yh_group;

/* fn(ctx, key, rows) per value of the grouping, in key order ("" for none). */
typedef int (*yh_group_fn)(void *ctx, const char *key, uint64_t rows);
int yh_stats_group(yh_store *store, uint64_t as_of, yh_group group, yh_group_fn fn, void *ctx);

/* Entities as of as_of that are on the abnormal-operations list. */
int yh_stats_abnormal(uint64_t *out, yh_store *store, uint64_t as_of);

/* ---- tasks (task_store.c) ---- */

/* Records a task's canonical text (YH_EEXIST if the id is taken), in the caller's transaction. */
int yh_task_store_insert(yh_store *store, const char *id, const char *canonical,
                         const char *draw_date, uint64_t seq);

/* The canonical text of a recorded task (free() it); YH_ENOTFOUND if none. */
int yh_task_store_get(char **canonical, yh_store *store, const char *id);

/* ---- draws (draw_store.c) ---- */

/* The commitment of a task: its secret, sealed (YH_SEALED_SECRET_BYTES, seal.h; kept until the
 * draw), and announcement.  The store keeps the sealed bytes as they are. */
int yh_draw_store_commit(yh_store *store, const char *task_id, uint64_t seq,
                         const unsigned char *sealed, const char *announcement);

/* Reads the commitment: the announcement (free() it) and, when sealed is not NULL, the
 * sealed secret (YH_SEALED_SECRET_BYTES; YH_ESTORE when it is gone, damaged or still in the
 * plain form of a store from before sealing).  YH_ENOTFOUND if not committed. */
int yh_draw_store_load_commit(char **announcement, unsigned char *sealed, yh_store *store,
                              const char *task_id);

/* Seals, with the store's key, the plain secrets a store from before sealing kept for its
 * undrawn commitments, overwriting the plain bytes in the file (secure_delete) and emptying the
 * write-ahead log; nothing to do (and no write) when there are none.  yh_store_set_key calls it. */
int yh_draw_store_seal_plain(yh_store *store, const yh_key *key);

/* Records the transcript of a draw, len bytes that read(ctx, buf, n) gives in order, n at a
 * time (SQLite takes them in pieces; PostgreSQL takes one parameter, so they are gathered in
 * memory first), and forgets the secret, which the transcript now reveals. */
typedef int (*yh_read_fn)(void *ctx, void *buf, size_t n);
int yh_draw_store_transcript(yh_store *store, const char *task_id, uint64_t seq, uint64_t len,
                             yh_read_fn read, void *ctx);

/* The names of the entities with the n ids given (ascending, strcmp) as of as_of, in that
 * order: fn(ctx, i, name) for ids[i]; an id with no row is skipped (the caller notices). */
typedef int (*yh_indexed_text_fn)(void *ctx, size_t i, const char *text);
int yh_draw_store_entity_names(yh_store *store, uint64_t as_of, const char *const *ids, size_t n,
                               yh_indexed_text_fn fn, void *ctx);

/* The recorded transcript (free() it); YH_ENOTFOUND if the task is not drawn. */
int yh_draw_store_load_transcript(char **transcript, yh_store *store, const char *task_id);

/* The ledger sequences of a task's commit and draw entries and the draw entry's hash. */
int yh_draw_store_refs(uint64_t *commit_seq, uint64_t *draw_seq, unsigned char draw_hash[32],
                       yh_store *store, const char *task_id);

/* Every announcement the store has made, in the order of their commit entries. */
typedef int (*yh_text_fn)(void *ctx, const char *text);
int yh_draw_store_announcements(yh_store *store, yh_text_fn fn, void *ctx);

/* The newest commitment's announcement (free() it; NULL when there is none yet) and how
 * many commitments the store holds: the chain the next announcement links to. */
int yh_draw_store_chain_head(char **announcement, uint64_t *count, yh_store *store);

/* The draws dated within `days` before `date` (inclusive), by task id: fn(ctx, task id,
 * draw date, the transcript's SHA-256 as the draw entry records it). */
typedef int (*yh_earlier_fn)(void *ctx, const char *task_id, const char *draw_date,
                             const char *transcript_sha256);
int yh_draw_store_earlier(yh_store *store, const char *date, int64_t days, yh_earlier_fn fn,
                          void *ctx);

/* Recording who was drawn and who inspects them, for later exclusion windows.  Rows are
 * inserted in batches: yh_draw_recorder_flush inserts what is pending (before the commit). */
typedef struct yh_draw_recorder yh_draw_recorder;
int yh_draw_recorder_open(yh_draw_recorder **out, yh_store *store, const char *task_id,
                          const char *draw_date);
int yh_draw_recorder_entity(yh_draw_recorder *r, const char *entity_id);
int yh_draw_recorder_pair(yh_draw_recorder *r, const char *entity_id, const char *inspector_id);
int yh_draw_recorder_flush(yh_draw_recorder *r);
void yh_draw_recorder_free(yh_draw_recorder *r);

/* Entities drawn by tasks dated within `days` before `date` (inclusive), each once,
 * in id order. */
typedef int (*yh_id_fn)(void *ctx, const char *id);
int yh_draw_store_recent_entities(yh_store *store, const char *date, int64_t days,
                                  yh_id_fn fn, void *ctx);

/* (entity, officer, task) pairs teamed by draws dated within `days` before `date`. */
typedef int (*yh_pair_fn)(void *ctx, const char *entity_id, const char *inspector_id,
                          const char *task_id);
int yh_draw_store_recent_pairs(yh_store *store, const char *date, int64_t days,
                               yh_pair_fn fn, void *ctx);

/* ---- after the draw (event_store.c) ---- */

/* A ledger entry of a drawn task after its draw ("result", "reassign", "substitute",
 * "disclose"), as the ledger holds it; the strings live until the callback returns. */
typedef struct {
	uint64_t seq;
	const char *kind, *payload;
	unsigned char prev_hash[32], hash[32];
	unsigned char signature[YH_SIGNATURE_BYTES];
	int signed_;
} yh_event;

/* Indexes the entry `seq` (appended in the same transaction) under its task and entity
 * ("" or NULL for none). */
int yh_event_store_add(yh_store *store, uint64_t seq, const char *task_id, const char *kind,
                       const char *entity_id);

/* The task's events in ledger order; a non-zero return from fn stops and is returned. */
typedef int (*yh_event_fn)(void *ctx, const yh_event *event);
int yh_event_store_foreach(yh_store *store, const char *task_id, yh_event_fn fn, void *ctx);

/* For the audit: every indexed event, in sequence order. */
typedef int (*yh_event_row_fn)(void *ctx, uint64_t seq, const char *task_id, const char *kind,
                               const char *entity_id);
int yh_check_events(yh_store *store, yh_event_row_fn fn, void *ctx);
/* ---- the working-day calendar (calendar_store.c) ---- */

/* Inside a transaction: removes every day of `year`; *removed is their number. */
int yh_calendar_store_clear_year(uint64_t *removed, yh_store *store, int year);

/* Inside a transaction: records one special day ("YYYY-MM-DD", kind "holiday" or "workday")
 * written by the "calendar" entry `seq`. */
int yh_calendar_store_put(yh_store *store, const char *date, const char *kind, const char *note,
                          uint64_t seq);

/* fn(ctx, date, kind, note, seq) for each day of `year` (0: of every year), in date order.  A
 * non-zero return from fn stops the walk and is returned. */
typedef int (*yh_calendar_row_fn)(void *ctx, const char *date, const char *kind,
                                  const char *note, uint64_t seq);
int yh_calendar_store_foreach(yh_store *store, int year, yh_calendar_row_fn fn, void *ctx);

/* ---- the audit's view of the store (register_store.c, check_store.c) ---- */

/*
 * The register's Merkle root (docs/spec.md §2: every row, all columns in
 * column order, rows in key order) and row count as of `as_of` (0: current),
 * in one streaming pass over the stored bytes: a value is hashed with the
 * length SQLite holds, so bytes after an embedded NUL count too.  An import
 * records it in its entry; the audit recomputes it.
 */
int yh_register_root(unsigned char root[32], uint64_t *count, yh_store *store,
                     yh_register_kind kind, uint64_t as_of);

/*
 * The store's pages and indexes (SQLite's integrity_check; on PostgreSQL amcheck, when the
 * database has it and the role may run it, else *unchecked says why nothing was checked) and
 * its foreign keys (SQLite's foreign_key_check; a query per constraint on PostgreSQL), at most
 * max_lines problems: *problems is NULL when the store is sound, else the first lines joined
 * with "; " (free() it).  A store too damaged to run the check gives the database's message as
 * the problem, not an error.  yh_check_names: what ran, for the report (0: the pages, 1: the
 * foreign keys, 2: both).
 */
int yh_check_integrity(char **problems, const char **unchecked, yh_store *store, unsigned max_lines);
int yh_check_foreign_keys(char **problems, yh_store *store, unsigned max_lines);
const char *yh_check_names(yh_store *store, int which);

/*
 * Every stored record a ledger entry must account for, with the sequence it
 * names: fn(ctx, what, task_id, seq) for "task" (a task row and its
 * added_seq), "commit" (a commitment and its seq), "draw" (a transcript and
 * its seq) and "drawn" (a task with rows in drawn_entity or drawn_pair; seq
 * 0), in that order.  A non-zero return from fn stops the walk and is returned.
 */
typedef int (*yh_record_fn)(void *ctx, const char *what, const char *task_id, uint64_t seq);
int yh_check_records(yh_store *store, yh_record_fn fn, void *ctx);

/*
 * The rows a draw recorded for later exclusion windows: fn(ctx, entity_id,
 * NULL, draw_date) per drawn_entity row and fn(ctx, entity_id, inspector_id,
 * draw_date) per drawn_pair row of the task.  A non-zero return from fn stops
 * the walk and is returned.
 */
typedef int (*yh_drawn_fn)(void *ctx, const char *entity_id, const char *inspector_id,
                           const char *draw_date);
int yh_check_drawn(yh_store *store, const char *task_id, yh_drawn_fn fn, void *ctx);

#endif
