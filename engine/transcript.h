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

/*
 * The transcript's canonical text, written as it is made: begin writes the announcement's
 * members with the reveal, the strata and the reserves, up to the selected entries; add
 * writes one selected entry; end writes the rest.  The bytes are those of the whole document
 * serialised at once (docs/spec.md §10); each piece goes to write (a non-zero return stops
 * the writing with that code).  Memory stays O(1) in the number of entries.
 */
typedef int (*yh_transcript_write_fn)(void *ctx, const char *bytes, size_t len);
typedef struct yh_transcript_writer yh_transcript_writer;

int yh_transcript_begin(yh_transcript_writer **out, json_t *announcement,
                        const unsigned char secret[32], const char *value,
                        const unsigned char seed[32], const yh_selection *sel,
                        yh_transcript_write_fn write, void *ctx);
int yh_transcript_add(yh_transcript_writer *w, const yh_selected *e);
int yh_transcript_end(yh_transcript_writer *w);
void yh_transcript_writer_free(yh_transcript_writer *w);

#endif
