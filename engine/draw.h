/* Private: the frozen inputs of a draw, shared by commit, draw and team assignment. */
#ifndef YH_ENGINE_DRAW_H
#define YH_ENGINE_DRAW_H

#include <stdint.h>
#include <jansson.h>

#include "yaohao/draw.h"
#include "digest.h"
#include "register.h"
#include "task.h"


typedef struct {
	char *row[YH_I_COLUMNS];
	char **specs;                /* specialties split at ';' */
	size_t nspecs;
	uint64_t load;               /* seats taken in this draw */
} yh_officer;

typedef struct {
	char *entity_id, *inspector_id, *reason;
} yh_recusal;

#define YH_STRATUM_KEY_MAX 512

typedef struct {
	char key[YH_STRATUM_KEY_MAX];
	uint64_t population, k, reserves;
	char rate[32];               /* the rate text used, "" when a count was */
} yh_stratum;

#define YH_ANNOUNCEMENT_FORMAT "yaohao-announcement/1"
#define YH_TRANSCRIPT_FORMAT "yaohao-transcript/1"

typedef struct {
	const yh_task *task;
	uint64_t freeze_seq;
	yh_officer *officers;        /* eligible, by id */
	size_t nofficers, officers_cap;
	unsigned char officer_root[32];
	yh_recusal *recusals;        /* by (entity, inspector, reason) */
	size_t nrecusals, nrecent, recusals_cap;
	unsigned char recusal_root[32];
	char **excluded;             /* entity ids drawn recently, sorted */
	size_t nexcluded;
	yh_stratum *strata;          /* by key */
	size_t nstrata;
	uint64_t load_cap;
} yh_frozen;

/* Eligible officers as of freeze_seq: active, certificate valid on the draw
 * date, in one of the task's departments. */
int yh_frozen_load_officers(yh_frozen *f, yh_store *store);

/* The same from any source: offer each inspector row (register column order;
 * ineligible rows are skipped), then finish: sorted by id, the root computed. */
int yh_frozen_add_officer(yh_frozen *f, const char *const *row);
int yh_frozen_finish_officers(yh_frozen *f);

/* Recusals from any source: each conflict, the recent pairs (the
 * announcement's list), then finish: sorted, the root computed. */
int yh_frozen_add_recusal(yh_frozen *f, const char *entity_id, const char *inspector_id,
                          const char *reason);
int yh_frozen_add_recent(yh_frozen *f, json_t *recent_pairs);
int yh_frozen_finish_recusals(yh_frozen *f);

/* 1 if an entity row is in the task's population and not excluded. */
int yh_frozen_entity_eligible(const yh_frozen *f, const char *const *row);

/* Conflicts as of freeze_seq plus the recent pairs (from the store at commit
 * time, or from the announcement's list at draw time when recent != NULL). */
int yh_frozen_load_recusals(yh_frozen *f, yh_store *store, json_t *recent);

/* Entities drawn recently (from the store, or from the announcement's list). */
int yh_frozen_load_excluded(yh_frozen *f, yh_store *store, json_t *list);

/* Calls fn for each eligible entity row as of freeze_seq, in id order. */
typedef int (*yh_entity_fn)(void *ctx, const char *const *row);
int yh_frozen_scan(yh_store *store, const yh_frozen *f, yh_entity_fn fn, void *ctx);

/* The stratum with this key, or NULL. */
yh_stratum *yh_frozen_stratum(const yh_frozen *f, const char *key);

/* 1 if the pair must not meet. */
int yh_frozen_recused(const yh_frozen *f, const char *entity_id, const char *inspector_id);

void yh_frozen_clear(yh_frozen *f);

/* The smallest load cap the counts allow: the largest of ceil(seats / officers),
 * for each department with seats ceil(k * seats / its officers), and for each
 * required specialty ceil(k / its holders); 0 when there are no officers. */
uint64_t yh_team_default_cap(const yh_frozen *f, uint64_t selected);

/* Checks the team rules can be met at all (commit-time pre-check). */
int yh_team_precheck(const yh_frozen *f, uint64_t selected);

/* Assigns the team of one selected entity; on success appends the members
 * (with roles and pair tickets) to `team` and charges their load. */
int yh_team_assign(json_t *team, yh_frozen *f, const unsigned char seed[32],
                   const char *entity_id, uint64_t rank);

/* The strata as an announcement lists them (sorted by key). */
int yh_frozen_strata_from_json(yh_frozen *f, json_t *strata);

/* Selection (select.c): feed every eligible entity row, in any order, to
 * yh_selector_add (a yh_entity_fn), then finish: the strata with cutoffs and
 * the reserves are returned, and each selected entity, in rank order (with its
 * team when `teams`), is passed to emit and then freed. */
typedef int (*yh_selected_emit)(void *ctx, json_t *entry);
typedef struct yh_selector yh_selector;
/* threads: 1 hashes on the calling thread, 2 on a worker beside it, 0 picks by
 * the number of processors. */
int yh_selector_new(yh_selector **out, yh_frozen *f, const unsigned char seed[32], int threads,
                    yh_scan_progress_fn progress, void *progress_ctx);
int yh_selector_add(void *selector, const char *const *row);
int yh_selector_finish(yh_selector *s, json_t **strata, json_t **reserves, int teams,
                       yh_selected_emit emit, void *emit_ctx);
void yh_selector_free(yh_selector *s);

/* The transcript's canonical text: the announcement plus the reveal and the
 * results, "selected" given as the canonical texts of its entries joined by ','
 * in a malloc'd buffer that becomes the transcript (*selected is taken). */
int yh_transcript_text(char **out, json_t *announcement, const unsigned char secret[32],
                       const char *value, const unsigned char seed[32], json_t *strata,
                       json_t *reserves, char **selected, size_t selected_len);

#include "report.h" /* yh_hex */

#endif
