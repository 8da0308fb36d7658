/*
 * yaohao/task.h — inspection tasks (抽查任务): what is drawn, from which
 * population, at which rates, with which team rules, on which date.
 *
 * A task is a JSON document (schema in docs/tasks.md).  Parsing validates it
 * strictly — unknown members, floats and out-of-range values are refused with
 * the JSON path of the fault ("strata.rates.D: \"120%\" is over 100%") — and
 * normalises it: defaults are written out, so that the canonical form (keys
 * sorted, no whitespace) states every rule the draw follows.  The task digest
 * is SHA-256("yaohao:task:v1" 0x00 || canonical form).
 */
#ifndef YAOHAO_TASK_H
#define YAOHAO_TASK_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct yh_task yh_task;

/* Parses and validates a task document; `source` names it in messages. */
YH_EXTERN int yh_task_parse(yh_task **out, const char *text, size_t len,
                            const char *source) YH_WARN_UNUSED;

/* Reads and parses a task file. */
YH_EXTERN int yh_task_load_file(yh_task **out, const char *path) YH_WARN_UNUSED;

/* NULL-safe. */
YH_EXTERN void yh_task_free(yh_task *task);

YH_EXTERN const char *yh_task_id(const yh_task *task);
YH_EXTERN const char *yh_task_title(const yh_task *task);
YH_EXTERN const char *yh_task_draw_date(const yh_task *task);

/* The canonical JSON (owned by the task). */
YH_EXTERN const char *yh_task_canonical(const yh_task *task);

/* SHA-256 of the tag and the canonical form. */
YH_EXTERN void yh_task_digest(unsigned char out[32], const yh_task *task);

/* Records the task in the store (a ledger entry "task"); YH_EEXIST if a
 * task with this id exists. */
YH_EXTERN int yh_task_add(uint64_t *seq, yh_store *store, const yh_task *task) YH_WARN_UNUSED;

/* Loads a recorded task; YH_ENOTFOUND if there is none. */
YH_EXTERN int yh_task_get(yh_task **out, yh_store *store, const char *id) YH_WARN_UNUSED;

/* Where a task stands in its cycle. */
typedef enum {
	YH_TASK_PLANNED = 0,
	YH_TASK_COMMITTED,
	YH_TASK_DRAWN
} yh_task_state;

/* "planned", "committed", "drawn". */
YH_EXTERN const char *yh_task_state_name(yh_task_state state);

typedef struct {
	const char *id;
	const char *title;
	const char *draw_date;
	yh_task_state state;
	uint64_t added_seq;
} yh_task_info;

/* Calls fn for each recorded task, by draw date and id; a non-zero return stops
 * the walk and is returned. */
typedef int (*yh_task_fn)(void *ctx, const yh_task_info *info);
YH_EXTERN int yh_task_foreach(yh_store *store, yh_task_fn fn, void *ctx) YH_WARN_UNUSED;

/* The state of one task; YH_ENOTFOUND if there is none. */
YH_EXTERN int yh_task_state_get(yh_task_state *out, yh_store *store, const char *id) YH_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
