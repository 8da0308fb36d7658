/*
 * yaohao/draw.h — commit, reveal and draw (docs/spec.md has every byte).
 *
 * yh_draw_commit() freezes a planned task at the current ledger head:
 * it computes the eligible entity set, the eligible officer set and the
 * recusal set with their Merkle roots, the size of every stratum, checks that
 * the team rules can be met, makes a 32-byte secret (libsodium's CSPRNG) and
 * records the announcement with the commitment SHA-256(tag || secret) and
 * the named public entropy source.  The secret stays in the store until the
 * draw, sealed under a key derived from the department's signing key (docs/spec.md
 * §11), and is never returned before it; both calls therefore need the store's key
 * (yh_store_set_key): without it they fail with YH_ESTORE and the hint
 * YH_HINT_NEEDS_KEY, or YH_HINT_NEEDS_NEW_KEY when the store has no key at all.
 *
 * yh_draw_run() takes the public entropy value, derives the seed, computes
 * every eligible entity's ticket in one streaming pass (memory O(k)), selects
 * the k lowest tickets per stratum and the next r as reserves, assigns teams
 * by pair tickets, and records the transcript — every input and output — in
 * one transaction.  A draw that cannot meet the rules records nothing.
 * The same store, task, secret and entropy give the same transcript bytes.
 */
#ifndef YAOHAO_DRAW_H
#define YAOHAO_DRAW_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "common.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

#define YH_SECRET_BYTES 32

typedef void (*yh_scan_progress_fn)(void *ctx, uint64_t rows);

/* Options structs carry their version first, so that a library built with more members
 * still reads an older caller's struct right: initialise with the _INIT macro. */
#define YH_COMMIT_OPTIONS_VERSION 1
#define YH_COMMIT_OPTIONS_INIT { .version = YH_COMMIT_OPTIONS_VERSION }

typedef struct {
	unsigned int version;            /* YH_COMMIT_OPTIONS_VERSION */
	const char *entropy_source;      /* required: what public value will be used, and when */
	const unsigned char *secret;     /* NULL: from the CSPRNG; tests may pin YH_SECRET_BYTES */
	yh_scan_progress_fn on_progress;
	void *progress_ctx;
} yh_commit_options;

/* Commits a planned task.  *announcement (canonical JSON, free() it) may be NULL. */
YH_EXTERN int yh_draw_commit(char **announcement, uint64_t *seq, yh_store *store,
                             const char *task_id, const yh_commit_options *options) YH_WARN_UNUSED;

/* Each selected entity, in rank order, as it is drawn: {rank, id, name,
 * stratum, ticket, team: [{id, name, department, role, pair_ticket}]}.  A
 * positive return means "no more, thanks": the draw goes on without passing
 * further entries (a caller that shows the first few need not take them all);
 * a negative one stops the draw, which then records nothing. */
typedef int (*yh_draw_selected_fn)(void *ctx, const json_t *entry);

/* The transcript's bytes, piece by piece, as the draw writes them (before it
 * records them: a draw that fails afterwards has passed bytes it does not
 * record).  A non-zero return stops the draw, which then records nothing. */
typedef int (*yh_draw_bytes_fn)(void *ctx, const char *bytes, size_t len);

/* Version 2 adds on_transcript; a version 1 struct (without it) is still read. */
#define YH_DRAW_OPTIONS_VERSION 2
#define YH_DRAW_OPTIONS_INIT { .version = YH_DRAW_OPTIONS_VERSION }

typedef struct {
	unsigned int version;              /* YH_DRAW_OPTIONS_VERSION */
	yh_scan_progress_fn on_progress;   /* entities scanned, now and then */
	void *progress_ctx;
	yh_draw_selected_fn on_selected;   /* may be NULL */
	void *selected_ctx;
	yh_draw_selected_fn on_reserve;    /* each reserve {stratum, order, id, name, ticket}, before
	                                    * the selected; may be NULL */
	void *reserve_ctx;
	int threads;                       /* 0: two when the machine has them; 1: one (same bytes) */
	/* version 2 */
	yh_draw_bytes_fn on_transcript;    /* may be NULL */
	void *transcript_ctx;
} yh_draw_options;

/* What a draw recorded. */
typedef struct {
	uint64_t seq;                         /* the ledger entry of the draw */
	uint64_t selected, reserves;          /* how many */
	unsigned char seed[32];
	unsigned char transcript_sha256[32];  /* of the transcript's bytes, as the ledger entry says */
} yh_draw_result;

/* Draws a committed task with the public entropy value.  *transcript
 * (canonical JSON, free() it) and result may be NULL; options may be NULL.
 * Drawing twice is YH_EEXIST.  Memory stays O(selected + reserves) for the
 * heaps' (ticket, id) pairs: entries are passed on and the transcript is
 * written out (to a temporary file, then the store) as they are drawn, not
 * kept; only *transcript, when asked for, holds the whole text. */
YH_EXTERN int yh_draw_run(char **transcript, yh_draw_result *result, yh_store *store,
                          const char *task_id, const char *entropy_value,
                          const yh_draw_options *options) YH_WARN_UNUSED;

/* Recomputes a drawn task's transcript from the store's registers as of its
 * freeze, the recorded announcement and the transcript's secret and entropy
 * value, recording nothing (the audit compares it with the recorded bytes). */
YH_EXTERN int yh_draw_replay(char **transcript, yh_store *store, const char *task_id,
                             const char *announcement,
                             const char *recorded_transcript) YH_WARN_UNUSED;

/* The recorded announcement / transcript of a task (free() the result). */
YH_EXTERN int yh_draw_announcement(char **out, yh_store *store, const char *task_id) YH_WARN_UNUSED;
YH_EXTERN int yh_draw_transcript(char **out, yh_store *store, const char *task_id) YH_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
