/*
 * transcript.h — private: the edge where typed draw results become the
 * announcement's and transcript's JSON (docs/spec.md §5, §10).  The only
 * place that knows their member names.
 */
#ifndef YH_ENGINE_TRANSCRIPT_H
#define YH_ENGINE_TRANSCRIPT_H

#include <stddef.h>
#include <jansson.h>

#include "select.h"

#define YH_ANNOUNCEMENT_FORMAT "yaohao-announcement/2"
#define YH_TRANSCRIPT_FORMAT "yaohao-transcript/2"

/* {rank, id, name, stratum, ticket[, team: [{id, name, department, role, pair_ticket}]]}. */
json_t *yh_selected_json(const yh_selected *e);

/* The transcript's "strata" (with cutoffs) and "reserves" members. */
json_t *yh_selection_strata_json(const yh_selection *sel);
json_t *yh_selection_reserves_json(const yh_selection *sel);

/* The transcript's canonical text: the announcement plus the reveal and the
 * results, "selected" given as the canonical texts of its entries joined by ','
 * in a malloc'd buffer that becomes the transcript (*selected is taken). */
int yh_transcript_text(char **out, json_t *announcement, const unsigned char secret[32],
                       const char *value, const unsigned char seed[32], json_t *strata,
                       json_t *reserves, char **selected, size_t selected_len);

#endif
