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
	uint64_t chain_seq;                      /* its place in the store's chain, from 1 */
	int has_prev;
	unsigned char prev[32];                  /* the previous announcement's digest */
	uint64_t entities, officers, conflicts;  /* every row of the frozen registers */
	uint64_t eligible_entities, eligible_officers;
	unsigned char entity_root[32], officer_root[32], conflict_root[32];
	json_t *earlier;                         /* borrowed: [{task_id, draw_date, transcript_sha256}] */
	json_t *excluded;                        /* borrowed: sorted entity ids */
	json_t *recent_pairs;                    /* borrowed: [{entity_id, inspector_id, task_id}] */
	json_t *strata;                          /* borrowed: [{key, population, selected, reserves, rate}] */
	unsigned char digest[32];                /* of the canonical announcement (§6) */
} yh_announcement;

/* Reads ann (which must outlive *out), a "yaohao-announcement/2" or a transcript or
 * document made from one; YH_EDATA naming the member at fault.  The digest is taken
 * over ann as it is: give the announcement itself for it to mean anything. */
int yh_announcement_read(yh_announcement *out, json_t *ann);

#endif
