/*
 * frozen.h — private: the frozen inputs of a draw (docs/spec.md §4–§5): the
 * eligible officers and their root, the recusals (conflicts and recent pairs)
 * and their root, the entities excluded by earlier draws, the strata with
 * their sizes, and the load cap.  Filled from the store at commit and draw
 * time, or from a published document and register files by a verifier: the
 * add/finish functions take rows from any source.
 */
#ifndef YH_ENGINE_FROZEN_H
#define YH_ENGINE_FROZEN_H

#include <stdint.h>
#include <jansson.h>

#include "yaohao/store.h"
#include "register.h"
#include "task.h"

typedef struct {
	char *row[YH_I_COLUMNS];
	char **specs;                /* specialties split at ';' */
	size_t nspecs;
	uint64_t load;               /* seats taken in this draw */
	int unavailable;             /* after the draw: reassigned away for good (§17) */
} yh_officer;

typedef struct {
	char *entity_id, *inspector_id, *reason;
	int recent;                  /* from recent_pairs, not a conflict row */
} yh_recusal;

#define YH_STRATUM_KEY_MAX 512

typedef struct {
	char key[YH_STRATUM_KEY_MAX];
	uint64_t population, k, reserves;
	char rate[32];               /* the rate text used, "" when a count was */
} yh_stratum;

/* A register row as its id(s) and leaf hash: the roots cover every row (docs/spec.md §2). */
typedef struct {
	char *key, *key2;            /* officer id; conflict (inspector_id, entity_id) */
	unsigned char leaf[32];
} yh_leaf;

/* Why an officer or entity row is not eligible (docs/spec.md §4), for the counts a
 * verifier reports. */
typedef enum {
	YH_ELIGIBLE = 0,
	YH_OUT_STATUS,               /* status not active / not in population.status */
	YH_OUT_CERTIFICATE,          /* certificate expired before the draw date */
	YH_OUT_DEPARTMENT,           /* not in one of the task's departments */
	YH_OUT_FILTER,               /* outside the population's region, industry, type, risk, list */
	YH_OUT_EXCLUDED,             /* drawn by an earlier task within the exclusion window */
	YH_OUT_COUNT
} yh_out_reason;

typedef struct {
	const yh_task *task;
	uint64_t freeze_seq;
	yh_officer *officers;        /* eligible, by id */
	size_t nofficers, officers_cap;
	yh_leaf *officer_rows;       /* every inspector row offered, by id at finish */
	size_t nofficer_rows, officer_rows_cap;
	uint64_t officers_out[YH_OUT_COUNT];
	unsigned char officer_root[32];   /* over every inspector row */
	yh_recusal *recusals;        /* by (entity, inspector, reason) */
	size_t nrecusals, nrecent, recusals_cap;
	yh_leaf *conflict_rows;      /* every conflict row offered, by (inspector, entity) at finish */
	size_t nconflict_rows, conflict_rows_cap;
	unsigned char conflict_root[32];  /* over every conflict row */
	char **excluded;             /* entity ids drawn recently, sorted */
	size_t nexcluded;
	yh_stratum *strata;          /* by key */
	size_t nstrata;
	uint64_t load_cap;
} yh_frozen;

/* Eligible officers as of freeze_seq: active, certificate valid on the draw
 * date, in one of the task's departments. */
int yh_frozen_load_officers(yh_frozen *f, yh_store *store);

/* The same from any source: offer each inspector row (register column order; every row
 * enters the root, the eligible ones the draw), then finish: sorted by id, the root
 * computed over every row. */
int yh_frozen_add_officer(yh_frozen *f, const char *const *row);
int yh_frozen_finish_officers(yh_frozen *f);

/* Recusals from any source: each conflict row (register column order: inspector_id,
 * entity_id, reason; it enters the conflict root), the recent pairs (the announcement's
 * list), then finish: sorted, the conflict root computed.  add_recusal adds a recusal
 * that is not a conflict row. */
int yh_frozen_add_conflict(yh_frozen *f, const char *const *row);
int yh_frozen_add_recusal(yh_frozen *f, const char *entity_id, const char *inspector_id,
                          const char *reason);
int yh_frozen_add_recent(yh_frozen *f, json_t *recent_pairs);
/* One recent pair: the recusal (entity, inspector, "recent:" || task_id) of docs/spec.md §4. */
int yh_frozen_add_recent_pair(yh_frozen *f, const char *entity_id, const char *inspector_id,
                              const char *task_id);
int yh_frozen_finish_recusals(yh_frozen *f);

/* 1 if an entity row is in the task's population and not excluded. */
int yh_frozen_entity_eligible(const yh_frozen *f, const char *const *row);

/* Why an entity row is or is not eligible. */
yh_out_reason yh_frozen_entity_reason(const yh_frozen *f, const char *const *row);

/* Why an inspector row is or is not eligible. */
yh_out_reason yh_frozen_officer_reason(const yh_frozen *f, const char *const *row);

/* Conflicts as of freeze_seq plus the recent pairs (from the store at commit
 * time, or from the announcement's list at draw time when recent != NULL). */
int yh_frozen_load_recusals(yh_frozen *f, yh_store *store, json_t *recent);

/* Entities drawn recently (from the store, or from the announcement's list). */
int yh_frozen_load_excluded(yh_frozen *f, yh_store *store, json_t *list);

/* Calls every_row for each entity row as of freeze_seq (may be NULL) and eligible for
 * each eligible one, in id order.  Without every_row the rows hold only the id and the
 * columns that eligibility and the task's stratum key read; the others (the name too) are "". */
typedef int (*yh_entity_fn)(void *ctx, const char *const *row);
int yh_frozen_scan(yh_store *store, const yh_frozen *f, yh_entity_fn every_row,
                   yh_entity_fn eligible, void *ctx);

/* The eligible rows in descending id order (the draw's second scan, from the other end). */
int yh_frozen_scan_desc(yh_store *store, const yh_frozen *f, yh_entity_fn eligible, void *ctx);

/* The stratum with this key, or NULL. */
yh_stratum *yh_frozen_stratum(const yh_frozen *f, const char *key);

/* The eligible officer with this id, or NULL. */
yh_officer *yh_frozen_officer(const yh_frozen *f, const char *id);

/* 1 if the pair must not meet. */
int yh_frozen_recused(const yh_frozen *f, const char *entity_id, const char *inspector_id);

/* The strata as an announcement lists them (sorted by key). */
int yh_frozen_strata_from_json(yh_frozen *f, json_t *strata);

void yh_frozen_clear(yh_frozen *f);

#endif
