/*
 * Private: an entity proof (docs/spec.md §14) as typed C values.
 *
 * This module owns reading a "yaohao-proof/2" proof: yh_proof_doc_parse reads
 * the JSON value once into a yh_proof_doc, which proof_verify.c checks against
 * a parsed draw (draw_doc.h).  A proof is judged part by part — the check that
 * fails names the part: "inclusion", "absence", "ticket", "selection" — so a
 * part that is malformed does not fail the parse: it is kept as such, with a
 * message naming the member by its path, for its check to report.  Only what
 * makes the value no proof at all (not an object, another format, no entity
 * id, a member the format does not have) fails the parse.
 *
 * Ownership: a yh_proof_doc holds a reference to the JSON value it was parsed
 * from, and its strings point into that value; its arrays are its own.
 * yh_proof_doc_free (NULL-safe) releases all of it.
 */
#ifndef YH_ENGINE_PROOF_DOC_H
#define YH_ENGINE_PROOF_DOC_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "draw.h"
#include "draw_doc.h"

typedef enum {
	YH_PART_ABSENT,          /* the member is not there */
	YH_PART_NULL,            /* it is null */
	YH_PART_GIVEN,           /* it is there, as the format says */
	YH_PART_MALFORMED        /* it is there, but not as the format says */
} yh_part_state;

/* A leaf of the entity tree with its audit path: the proof's own (leaf_index, row, path) or a
 * neighbour's ({leaf_index, row, path}). */
typedef struct {
	yh_part_state state;
	char why[512];           /* when not given: "the proof is malformed: <path>: <what>" */
	uint64_t index;
	const char *row[YH_E_COLUMNS];   /* in register column order */
	unsigned char leaf[32];          /* the row's leaf hash (§2) */
	unsigned char *path;             /* npath hashes of 32 bytes, from the leaf up */
	size_t npath;
} yh_proof_leaf;

typedef struct {
	json_t *json;                    /* what the strings point into */
	const char *entity_id;
	const char *task_id;             /* NULL when not a string */
	yh_part_state tree_size_state;
	uint64_t tree_size;
	yh_doc_hash entities_root, seed;
	int included;                    /* "included" is true */
	yh_proof_leaf leaf;              /* an included entity's */
	yh_proof_leaf before, after;     /* an absent one's neighbours */
	yh_part_state eligible_state;
	int eligible;                    /* "eligible" is true */
	const char *reason;              /* why not, or NULL */
	const char *stratum;             /* NULL when not a string */
	int has_cutoff;                  /* "cutoff" is not null */
	yh_doc_hash cutoff;              /* ok: well formed (hex, or null) */
	yh_doc_hash ticket;
	int selected;                    /* "selected" is true */
	yh_part_state selected_state;    /* given: a boolean */
	yh_part_state rank_state, reserve_order_state, team_state;
	uint64_t rank, reserve_order;
	yh_doc_member *team;
	size_t nteam;
	const char *note;                /* NULL when not a string */
} yh_proof_doc;

/* Reads a proof from its JSON value (a reference is taken); YH_EDATA when it is no proof. */
int yh_proof_doc_parse(yh_proof_doc **out, json_t *json);
void yh_proof_doc_free(yh_proof_doc *proof);

#endif
