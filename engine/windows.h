/*
 * windows.h — private: what a commit fixes from the earlier draws (docs/spec.md
 * §4, §6): the `earlier` list naming them, `entities.excluded` and
 * `recent_pairs`, recomputed from their transcripts.  The audit checks each
 * commit with it; the verifier, given the earlier documents, too.
 */
#ifndef YH_ENGINE_WINDOWS_H
#define YH_ENGINE_WINDOWS_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

/* An earlier draw as its transcript gives it. */
typedef struct {
	const char *task_id, *draw_date;         /* borrowed */
	char transcript_sha256[65];              /* hex */
	json_t *selected;                        /* borrowed: the transcript's selected list */
} yh_past_draw;

/* Reads a past draw from its parsed transcript and canonical text; YH_EDATA if it lacks
 * what the windows need. */
int yh_past_draw_read(yh_past_draw *out, json_t *transcript, const char *canonical);

/* The three lists for a task dated draw_date with the two windows (days; 0: none), from the
 * draws before its commit (any order).  Each *out is a new JSON array. */
int yh_windows_compute(json_t **earlier, json_t **excluded, json_t **recent, const char *draw_date,
                       int64_t exclude_days, int64_t pair_days, const yh_past_draw *draws,
                       size_t n);

#endif
