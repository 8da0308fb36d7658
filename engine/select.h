/*
 * select.h — private: the selection (docs/spec.md §8): every eligible entity's
 * ticket, the k lowest per stratum in bounded heaps (memory O(k), rows in any
 * order), the reserves and cutoffs, then ranks and teams in global ticket
 * order.  Shared by the draw, its audit replay and the store-free verifier;
 * the results are typed here and turned into JSON only by transcript.c.
 */
#ifndef YH_ENGINE_SELECT_H
#define YH_ENGINE_SELECT_H

#include <stdint.h>

#include "yaohao/draw.h"
#include "frozen.h"
#include "team.h"

/* One selected entity, valid during the emit call only. */
typedef struct {
	uint64_t rank;
	const char *id, *name;
	const yh_stratum *stratum;
	unsigned char ticket[32];
	int has_team;
	yh_team team;
} yh_selected;

/* A reserve (备选): the next in ticket order after a stratum's selected ones. */
typedef struct {
	const yh_stratum *stratum;
	uint64_t order;              /* 1-based within the stratum */
	const char *id, *name;
	unsigned char ticket[32];
} yh_reserve;

/* What the selection leaves besides the selected entities, owned by the selector. */
typedef struct {
	const yh_frozen *frozen;
	const unsigned char (*cutoffs)[32];  /* per stratum: the (k+1)-th ticket */
	const int *has_cutoff;               /* 0 when the stratum has no (k+1)-th entity */
	const yh_reserve *reserves;          /* by stratum key, then order */
	size_t nreserves;
} yh_selection;

typedef int (*yh_selected_fn)(void *ctx, const yh_selected *entry);
typedef struct yh_selector yh_selector;

/* Names looked up by id after the scan: the n ids come in ascending order (strcmp), and
 * found(found_ctx, i, name) is called for each, in that order; an id not found is an error. */
typedef int (*yh_name_found_fn)(void *ctx, size_t i, const char *name);
typedef int (*yh_names_fn)(void *ctx, const char *const *ids, size_t n, yh_name_found_fn found,
                           void *found_ctx);

/* threads: 1 hashes on the calling thread, 2 on a worker beside it, 0 picks by
 * the number of processors (the result is the same). */
int yh_selector_new(yh_selector **out, yh_frozen *f, const unsigned char seed[32], int threads,
                    yh_scan_progress_fn progress, void *progress_ctx);

/* The heaps keep (ticket, id) only and the names of the selected entities and reserves are
 * asked of fn when they are needed, in chunks (the draw reads them from the store by key):
 * the rows fed may then have "" as their name.  Without it each heap entry keeps its name,
 * for a feed that cannot be asked again (a verifier's file).  Call before the first add. */
void yh_selector_lookup_names(yh_selector *s, yh_names_fn fn, void *ctx);

/* With names looked up, the selected entities' names asked of fn on a thread of its own, a
 * few chunks ahead of the emit (the draw: on its second connection, while this thread forms
 * the teams and writes the entries); fn must not share what the emit's callbacks use.  The
 * reserves' names are still asked of the lookup, and so are the selected's when no thread
 * can be started.  The output is the same. */
void yh_selector_lookup_ahead(yh_selector *s, yh_names_fn fn, void *ctx);

/* The selected entities go out in chunks of this many, each chunk's names looked up at once
 * (4,096; smaller in tests, so that a small selection crosses several). */
void yh_selector_chunk_rows(yh_selector *s, size_t rows);

/* Feeds one eligible entity row (a yh_entity_fn). */
int yh_selector_add(void *selector, const char *const *row);

/* The row's stratum, for a feed that decides whether to take the row (draw_scan.c): an error
 * when the commitment lacks it or the id is too long. */
int yh_selector_stratum(size_t *stratum, yh_selector *s, const char *const *row);

/* One set of heaps fed from several threads at once (draw_scan.c): after yh_selector_share
 * (a fresh selector of one thread that looks names up), each thread offers its rows with
 * yh_selector_offer (it hashes them itself; the heaps are behind a lock that only a row that
 * may enter takes) and adds how many rows of each stratum it offered with yh_selector_count. */
int yh_selector_share(yh_selector *s);
int yh_selector_offer(yh_selector *s, const char *id, size_t stratum);
void yh_selector_count(yh_selector *s, size_t stratum, uint64_t rows);

/* Passes the number of rows read so far to the selector's progress function, if any (called
 * from the thread that created it). */
void yh_selector_progress(yh_selector *s, uint64_t rows);

/* Ends the feed: YH_ESTALE when a stratum's count differs from the commitment.
 * Each selected entity, in rank order (with its team when `teams`), is passed to
 * emit; *selection then stays valid until the selector is freed. */
int yh_selector_finish(const yh_selection **selection, yh_selector *s, int teams,
                       yh_selected_fn emit, void *emit_ctx);

/* yh_selector_finish in two steps, for a writer that needs the cutoffs and the reserves
 * before the selected entities: close ends the feed and gives *selection; emit then passes
 * each selected entity in rank order.  A positive return from emit stops nothing (it is
 * passed back only when negative). */
int yh_selector_close(const yh_selection **selection, yh_selector *s);
int yh_selector_emit(yh_selector *s, int teams, yh_selected_fn emit, void *emit_ctx);

/* Frees the reserves once they are written (the selection then has none): at 100M entities
 * with 10 % reserves, 11 MB that need not stay through the ranks. */
void yh_selector_forget_reserves(yh_selector *s);

void yh_selector_free(yh_selector *s);

#endif
