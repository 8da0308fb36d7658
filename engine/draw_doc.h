/*
 * Private: a published draw (docs/spec.md §10, §13) as typed C values.
 *
 * This module owns reading a draw document ("yaohao-draw/2") or a transcript
 * ("yaohao-transcript/2"): yh_draw_doc_parse checks every member of the JSON
 * value once — presence, type, range, length, hex, unknown members — and
 * gives a yh_draw_doc of plain C values, or YH_EDATA with a message that names
 * the member by its path ("selected[12].team[0].pair_ticket: not 64 hex
 * digits").  The checks of the verifier (document_verify.c,
 * document_replay.c) and of the proof check (proof_verify.c) read the draw
 * through these structs only; the audit's replay and a results module are
 * meant to as well.
 *
 * What the parser leaves to the checks: the values that have a check of their
 * own — the signature and the signer's key, the secret, the commitment, the
 * task digest, the three roots, the seed — are kept with ok = 0 when they are
 * not lower-case hex of the right length, and the task with task = NULL and
 * task_error when it is not a valid task, so that the check names what is
 * wrong.  The rules between members (ranks, order, cutoffs, sizes, sorting)
 * are the verifier's.  The parser also rebuilds the announcement and the
 * transcript (docs/spec.md §10) for their digests: the seed and the chain
 * read the one, the next draw's list of earlier draws names the other.
 *
 * Memory: the strings are copied into one arena of the document's and its
 * arrays and texts are its own, so nothing points into the JSON value.
 * yh_draw_doc_parse keeps a reference to the value it was given (json);
 * yh_draw_doc_load reads a document's text without ever holding the whole
 * tree: "selected" and "reserves" are converted element by element as the text
 * goes by, each element's JSON released at once (draw_doc_stream.c), and json
 * is then the rest of the document, with those two as empty arrays.  A text
 * that the streaming reader does not take is parsed whole, as before, so that
 * the messages stay jansson's.  yh_draw_doc_free (NULL-safe) releases it all.
 */
#ifndef YH_ENGINE_DRAW_DOC_H
#define YH_ENGINE_DRAW_DOC_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "yaohao/task.h"
#include "draw.h"
#include "json_reader.h"

#define YH_DOC_TEXT_MAX 4096                 /* bytes of a text member: a register field at most */
#define YH_DOC_ENTROPY_MAX 1024              /* the entropy source and value, as commit and draw take them */

typedef struct {
	unsigned char bytes[32];
	int ok;                          /* 0: not lower-case hex of 32 bytes */
} yh_doc_hash;

typedef struct {
	const char *id, *name, *department, *role;
	unsigned char pair_ticket[32];
} yh_doc_member;

typedef struct {
	uint64_t rank;
	const char *id, *name, *stratum;
	unsigned char ticket[32];
	yh_doc_member *team;
	size_t nteam;
} yh_doc_selected;

typedef struct {
	const char *stratum, *id, *name;
	uint64_t order;
	unsigned char ticket[32];
} yh_doc_reserve;

typedef struct {
	const char *key, *rate;          /* key < YH_STRATUM_KEY_MAX bytes, rate < 32 */
	uint64_t population, selected, reserves;
	int has_cutoff;                  /* 0: null, every entity of the stratum is selected */
	unsigned char cutoff[32];
} yh_doc_stratum;

typedef struct {
	const char *entity_id, *inspector_id, *task_id;
} yh_doc_pair;

typedef struct {
	uint64_t count;                  /* every row as of the freeze */
	uint64_t eligible;               /* entities and inspectors: the eligible rows */
	yh_doc_hash root;
} yh_doc_register;

/* An earlier draw the announcement names (docs/spec.md §4, §6). */
typedef struct {
	const char *task_id, *draw_date;
	unsigned char transcript_sha256[32];
} yh_doc_earlier;

typedef enum { YH_DRAW_DOCUMENT, YH_DRAW_TRANSCRIPT } yh_draw_doc_kind;

typedef struct {
	json_t *json;                    /* the document; streamed, "selected" and "reserves" are empty */
	yh_jr_arena *arena;              /* the strings */
	yh_draw_doc_kind kind;
	const char *department, *task_id;
	char *task_text;                 /* the task's canonical (JCS) text */
	yh_task *task;                   /* NULL when it is not a valid task: */
	char *task_error;                /* why */
	yh_doc_hash task_digest;
	uint64_t freeze_seq, load_cap;
	uint64_t chain_seq;              /* the announcement's place in the department's chain */
	int has_prev;
	unsigned char chain_prev[32];    /* the previous announcement's digest (has_prev) */
	yh_doc_earlier *earlier;         /* as listed */
	size_t nearlier;
	yh_doc_register entities, inspectors, conflicts;
	const char **excluded;           /* entities.excluded, as listed */
	size_t nexcluded;
	yh_doc_pair *recent_pairs;       /* recent_pairs, as listed */
	size_t nrecent_pairs;
	yh_doc_stratum *strata;
	size_t nstrata;
	yh_doc_hash commitment, secret, seed;
	const char *entropy_source, *entropy_value;
	yh_doc_selected *selected;       /* in the order listed (rank order when the rules hold) */
	size_t nselected;
	yh_doc_reserve *reserves;
	size_t nreserves;
	/* a document's only (zero in a transcript) */
	uint64_t commit_seq, draw_seq;
	unsigned char draw_entry_hash[32];
	yh_doc_hash public_key;
	const char *key_id;
	unsigned char signature[64];
	int signature_ok;                /* 0: not lower-case hex of 64 bytes */
	char *signed_text;               /* the canonical text the signature covers, or NULL: */
	char *signed_error;              /* why it has none */
	int signature_valid;             /* -1: not checked yet; else yh_draw_doc_signature_valid's
	                                  * answer, and signed_text released */
	/* rebuilt (docs/spec.md §10) */
	unsigned char announcement_digest[32];
	unsigned char transcript_sha256[32];
} yh_draw_doc;

/* Reads a document or a transcript from its JSON value (a reference is taken).
 * YH_EDATA with the member's path in the message when it is malformed. */
int yh_draw_doc_parse(yh_draw_doc **out, json_t *json, yh_draw_doc_kind kind);
void yh_draw_doc_free(yh_draw_doc *doc);

/* Reads a document or transcript from its text: a file (path, data NULL) or bytes in memory
 * (data, len), name as messages give it.  rc < 0 when it cannot be read or is not JSON (the
 * messages of yh_read_file and yh_verify_load_json); YH_OK with *out the document, or with
 * *out NULL and *malformed what yh_draw_doc_parse would have refused it for (free() it). */
int yh_draw_doc_load(yh_draw_doc **out, char **malformed, const char *path, const char *data, size_t len,
                     const char *name, yh_draw_doc_kind kind);

/* For tests: the window a file's text is read through, in bytes, for documents loaded from now
 * on (0: the default, 1 MiB); returns the previous value.  Set it before any work starts. */
size_t yh_draw_doc_set_window(size_t bytes);

/* 1 when the signature is valid Ed25519 by doc->public_key over doc->signed_text, else 0 (also
 * when either is not hex or there is no text). */
int yh_draw_doc_signature_valid(const yh_draw_doc *doc);

/* Checks the signature once and releases signed_text, which a large document would otherwise
 * keep through its whole replay; yh_draw_doc_signature_valid answers from then on. */
void yh_draw_doc_settle_signature(yh_draw_doc *doc);

/* A team member, as a yh_jr_array element (a proof states the entity's team too). */
int yh_doc_member_read(yh_jr *jr, void *out, json_t *v);

/* Equality of parts, member by member (teams too when `teams`). */
int yh_doc_selected_equal(const yh_doc_selected *a, const yh_doc_selected *b, int teams);
int yh_doc_team_equal(const yh_doc_member *a, size_t na, const yh_doc_member *b, size_t nb);
int yh_doc_stratum_equal(const yh_doc_stratum *a, const yh_doc_stratum *b);
int yh_doc_reserve_equal(const yh_doc_reserve *a, const yh_doc_reserve *b);

/* The entries with this key or id, or NULL. */
const yh_doc_stratum *yh_draw_doc_stratum(const yh_draw_doc *doc, const char *key);
const yh_doc_selected *yh_draw_doc_selected(const yh_draw_doc *doc, const char *id);
const yh_doc_reserve *yh_draw_doc_reserve(const yh_draw_doc *doc, const char *id);

/* The draw's frozen state as the document states it — task, load cap, freeze
 * sequence, strata, excluded ids — into an empty f (which borrows doc->task).
 * YH_EDATA when the strata are not sorted by key or select more than their
 * population, or the excluded ids are not sorted without repeats. */
int yh_draw_doc_frozen(yh_frozen *f, const yh_draw_doc *doc);

/* Adds the document's recent pairs to f's recusals (before yh_frozen_finish_recusals). */
int yh_draw_doc_add_recent(yh_frozen *f, const yh_draw_doc *doc);

#endif
