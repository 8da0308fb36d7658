/*
 * announcement.h — private: a commit's announcement (docs/spec.md §6) read
 * once into typed fields, with the path of the first malformed member in the
 * error.  The lists the frozen inputs are rebuilt from stay JSON, borrowed
 * from the parsed document and checked for shape here.
 */
#ifndef YH_ENGINE_ANNOUNCEMENT_H
#define YH_ENGINE_ANNOUNCEMENT_H

#include <stdint.h>
#include <jansson.h>

typedef struct {
	const char *task_id, *entropy_source;    /* borrowed */
	unsigned char task_digest[32], commitment[32];
	uint64_t freeze_seq, load_cap;
	uint64_t entities, officers, recusals;   /* the frozen registers' counts */
	unsigned char entity_root[32], officer_root[32], recusal_root[32];
	json_t *excluded;                        /* borrowed: sorted entity ids */
	json_t *recent_pairs;                    /* borrowed: [{entity_id, inspector_id, task_id}] */
	json_t *strata;                          /* borrowed: [{key, population, selected, reserves, rate}] */
} yh_announcement;

/* Reads ann (which must outlive *out); YH_EDATA naming the member at fault. */
int yh_announcement_read(yh_announcement *out, json_t *ann);

#endif
