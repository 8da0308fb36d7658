/* results_load.h — private: a drawn task's state after its draw, read from the store
 * (results.c), for the modules that record, disclose and report it. */
#ifndef YH_ENGINE_RESULTS_LOAD_H
#define YH_ENGINE_RESULTS_LOAD_H

#include <stdint.h>

#include "yaohao/results.h"
#include "yaohao/store.h"
#include "frozen.h"
#include "inspection.h"

/* The task's state: its transcript and every event in ledger order (each applied without
 * recomputing the picking rules: the audit does).  With f, the officers and recusals the
 * draw froze are loaded into it (yh_frozen_clear it). */
int yh_results_load(yh_inspections **out, yh_frozen *f, yh_store *store, const char *task_id);

/* The same as the draw left it, before any event. */
int yh_results_load_draw(yh_inspections **out, yh_frozen *f, yh_store *store, const char *task_id);

/* The listing a results document carries (results_doc.c): every entity that had a team, with
 * its team and result in force, and the counts. */
json_t *yh_results_inspections_json(const yh_inspections *s);
json_t *yh_results_summary_json(const yh_inspections *s);

/* Whether an entity no longer exists to inspect (docs/spec.md §18.3): its status in the entity
 * register as of as_of (0: current) into status, "absent" when it has no row; YH_OK when it is
 * deregistered, revoked, cancelled, moved out or absent, else YH_EDATA saying it keeps its
 * place. */
#define YH_STATUS_MAX 32
int yh_results_entity_gone(char status[YH_STATUS_MAX], yh_store *store, uint64_t as_of,
                           const char *entity_id);

/* yh_results_record's checks; with keep 0 nothing is recorded even when every result
 * passes (a dry run, or a file with lines that never became results). */
int yh_results_check(uint64_t *first_seq, yh_store *store, const char *task_id,
                     const yh_result *results, size_t n, yh_result_refused_fn on_refused,
                     void *ctx, int keep);

#endif
