/* select.c — tickets, the bounded per-stratum heaps, selection, reserves and cutoffs
 * (docs/spec.md §8): shared by the draw, its audit replay and the store-free verifier. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "digest.h"
#include "select.h"
#include "error.h"

/* A heap entry: the ticket's first 8 bytes and the id, 36 bytes, so that at 100M entities with
 * 1 % drawn and 10 % reserves the heaps hold 1.1M of them in 40 MB.  The whole ticket is
 * computed again from the id where it is written out or two first halves tie; the names are
 * looked up by id once the selection is known (yh_selector_lookup_names), or kept beside the
 * heap by slot. */
typedef struct {
	uint32_t key[2];   /* the ticket's first 8 bytes, big-endian, in two halves: 4-byte aligned */
	char id[24];
	uint32_t slot;     /* the entry's name in heap.names, when names are kept */
} drawn;

typedef struct {
	drawn *v;          /* a max-heap by (ticket, id) of the cap lowest tickets seen */
	size_t n, cap;
	uint64_t seen;
	char **names;      /* by slot, when names are kept */
	const yh_ticketer *tk;
} heap;

/*
 * With two threads, the thread that reads the rows (SQLite or a CSV file) only
 * finds each row's stratum and queues (id, name, stratum) in batches; a worker
 * hashes the tickets and keeps the heaps.  The heaps end up the same whatever
 * the order or the split: each keeps the lowest (ticket, id) pairs it is shown.
 */
#define BATCH_ROWS 1024
#define BATCHES 4

/* Selected entities go out in chunks of this many, each chunk's names looked up at once. */
#define NAME_CHUNK 4096

typedef struct {
	struct { char id[24]; uint32_t stratum, name; } row[BATCH_ROWS];
	size_t n;
	char *names;
	size_t names_len, names_cap;
} batch;

struct yh_selector {
	yh_frozen *f;
	heap *heaps;       /* parallel to f->strata */
	yh_ticketer tk;
	uint64_t rows;
	yh_scan_progress_fn progress;
	void *progress_ctx;
	yh_names_fn lookup;          /* names by id after the scan; NULL: kept in the heaps */
	void *lookup_ctx;
	yh_names_fn ahead;           /* the same from another thread, ahead of the emit; or NULL */
	void *ahead_ctx;
	size_t chunk_rows;           /* NAME_CHUNK */
	/* the pipeline (threads > 1) */
	int threaded;
	pthread_t worker;
	pthread_mutex_t lock;
	pthread_cond_t filled, emptied;
	batch *batches[BATCHES];
	size_t head, tail, queued;   /* ring of filled batches; the producer fills batches[head] */
	int done, worker_rc;
	char worker_error[512];
	/* the results, kept until the selector is freed */
	unsigned char (*cutoffs)[32];
	int *has_cutoff;
	yh_reserve *reserves;
	size_t nreserves;
	char *reserve_names;         /* looked-up names of the reserves */
	int closed;
	/* shared by several feeds (yh_selector_share) */
	int shared;
	pthread_mutex_t heap_lock;
	_Atomic uint64_t *bound;     /* per stratum: the largest ticket prefix that may enter */
	yh_selection selection;
};

static int push(yh_selector *s, const char *id, const char *name, size_t stratum);

static void *work(void *arg)
{
	yh_selector *s = arg;

	for (;;) {
		batch *b;
		size_t i;

		pthread_mutex_lock(&s->lock);
		while (s->queued == 0 && !s->done)
			pthread_cond_wait(&s->filled, &s->lock);
		if (s->queued == 0 && s->done) {
			pthread_mutex_unlock(&s->lock);
			return NULL;
		}
		b = s->batches[s->tail];
		pthread_mutex_unlock(&s->lock);
		for (i = 0; i < b->n && s->worker_rc == 0; i++)
			if (push(s, b->row[i].id, s->lookup ? "" : b->names + b->row[i].name,
			         b->row[i].stratum) < 0) {
				s->worker_rc = yh_error_code();
				snprintf(s->worker_error, sizeof(s->worker_error), "%s", yh_error_message());
			}
		b->n = 0;
		b->names_len = 0;
		pthread_mutex_lock(&s->lock);
		s->tail = (s->tail + 1) % BATCHES;
		s->queued--;
		pthread_cond_signal(&s->emptied);
		pthread_mutex_unlock(&s->lock);
	}
}

/* Hands the batch being filled to the worker and waits for a free one. */
static void hand_over(yh_selector *s)
{
	pthread_mutex_lock(&s->lock);
	s->queued++;
	s->head = (s->head + 1) % BATCHES;
	pthread_cond_signal(&s->filled);
	while (s->queued == BATCHES - 1)
		pthread_cond_wait(&s->emptied, &s->lock);
	pthread_mutex_unlock(&s->lock);
}

static int queue_row(yh_selector *s, const char *id, const char *name, size_t stratum)
{
	batch *b = s->batches[s->head];
	size_t n = s->lookup ? 0 : strlen(name) + 1;   /* looked up later: not carried */

	if (b->names_len + n > b->names_cap) {
		size_t cap = b->names_cap ? b->names_cap * 2 : 1u << 18;
		char *p;

		while (cap < b->names_len + n)
			cap *= 2;
		if (!(p = realloc(b->names, cap)))
			return yh_error_set(YH_ENOMEM, "out of memory");
		b->names = p;
		b->names_cap = cap;
	}
	strcpy(b->row[b->n].id, id);
	if (n)
		memcpy(b->names + b->names_len, name, n);
	b->row[b->n].name = (uint32_t)b->names_len;
	b->row[b->n].stratum = (uint32_t)stratum;
	b->names_len += n;
	if (++b->n == BATCH_ROWS)
		hand_over(s);
	return YH_OK;
}

/* Ends the pipeline: the last batch, then the worker's end; its error, if any. */
static int drain(yh_selector *s)
{
	if (!s->threaded)
		return YH_OK;
	if (s->batches[s->head]->n)
		hand_over(s);
	pthread_mutex_lock(&s->lock);
	s->done = 1;
	pthread_cond_signal(&s->filled);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->worker, NULL);
	s->threaded = 0;
	if (s->worker_rc)
		return yh_error_set(s->worker_rc, "%s", s->worker_error);
	return YH_OK;
}

static uint64_t prefix(const unsigned char t[32])
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | t[i];
	return v;
}

static void set_key(drawn *e, const unsigned char ticket[32])
{
	uint64_t v = prefix(ticket);

	e->key[0] = (uint32_t)(v >> 32);
	e->key[1] = (uint32_t)v;
}

static uint64_t key_of(const drawn *e)
{
	return (uint64_t)e->key[0] << 32 | e->key[1];
}

/* By ticket, then id.  Two first halves that tie (about never) are settled by the whole
 * tickets, computed again. */
static int cmp_drawn(const yh_ticketer *tk, const drawn *a, const drawn *b)
{
	unsigned char ta[32], tb[32];
	int c;

	if (a->key[0] != b->key[0])
		return a->key[0] < b->key[0] ? -1 : 1;
	if (a->key[1] != b->key[1])
		return a->key[1] < b->key[1] ? -1 : 1;
	yh_ticket(ta, tk, a->id);
	yh_ticket(tb, tk, b->id);
	c = memcmp(ta, tb, 32);
	return c ? c : strcmp(a->id, b->id);
}

static void sift_down(heap *h, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		drawn tmp;

		if (l < h->n && cmp_drawn(h->tk, &h->v[l], &h->v[m]) > 0)
			m = l;
		if (r < h->n && cmp_drawn(h->tk, &h->v[r], &h->v[m]) > 0)
			m = r;
		if (m == i)
			return;
		tmp = h->v[i];
		h->v[i] = h->v[m];
		h->v[m] = tmp;
		i = m;
	}
}

static void sift_up(heap *h, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;
		drawn tmp;

		if (cmp_drawn(h->tk, &h->v[p], &h->v[i]) >= 0)
			return;
		tmp = h->v[i];
		h->v[i] = h->v[p];
		h->v[p] = tmp;
		i = p;
	}
}

int yh_selector_new(yh_selector **out, yh_frozen *f, const unsigned char seed[32], int threads,
                    yh_scan_progress_fn progress, void *progress_ctx)
{
	yh_selector *s = calloc(1, sizeof(*s));
	size_t i;

	*out = NULL;
	if (!s || !(s->heaps = calloc(f->nstrata + 1, sizeof(*s->heaps)))) {
		free(s);
		return yh_error_set(YH_ENOMEM, "out of memory");
	}
	s->f = f;
	s->chunk_rows = NAME_CHUNK;
	yh_ticketer_init(&s->tk, seed);
	s->progress = progress;
	s->progress_ctx = progress_ctx;
	for (i = 0; i < f->nstrata; i++) {
		const yh_stratum *st = &f->strata[i];
		/* one more than selected + reserves when possible: its ticket is the cutoff */
		uint64_t room = st->k + (st->reserves ? st->reserves : 1);

		s->heaps[i].cap = (size_t)(room < st->population ? room : st->population);
		s->heaps[i].tk = &s->tk;
		if (s->heaps[i].cap && (!(s->heaps[i].v = calloc(s->heaps[i].cap, sizeof(drawn))) ||
		                        !(s->heaps[i].names = calloc(s->heaps[i].cap, sizeof(char *))))) {
			yh_selector_free(s);
			return yh_error_set(YH_ENOMEM, "out of memory");
		}
	}
	if (threads == 0)
		threads = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 2 : 1;
	if (threads > 1) {
		for (i = 0; i < BATCHES; i++)
			if (!(s->batches[i] = calloc(1, sizeof(batch)))) {
				yh_selector_free(s);
				return yh_error_set(YH_ENOMEM, "out of memory");
			}
		pthread_mutex_init(&s->lock, NULL);
		pthread_cond_init(&s->filled, NULL);
		pthread_cond_init(&s->emptied, NULL);
		if (pthread_create(&s->worker, NULL, work, s) == 0) {
			s->threaded = 1;
		} else {
			pthread_mutex_destroy(&s->lock);
			pthread_cond_destroy(&s->filled);
			pthread_cond_destroy(&s->emptied);
		}
	}
	*out = s;
	return YH_OK;
}

void yh_selector_free(yh_selector *s)
{
	size_t i, j;

	if (!s)
		return;
	if (s->threaded) {
		drain(s);
		pthread_mutex_destroy(&s->lock);
		pthread_cond_destroy(&s->filled);
		pthread_cond_destroy(&s->emptied);
	}
	for (i = 0; i < BATCHES; i++) {
		if (s->batches[i])
			free(s->batches[i]->names);
		free(s->batches[i]);
	}
	for (i = 0; i < s->f->nstrata; i++) {
		if (s->heaps[i].names)
			for (j = 0; j < s->heaps[i].n; j++)
				free(s->heaps[i].names[s->heaps[i].v[j].slot]);
		free(s->heaps[i].names);
		free(s->heaps[i].v);
	}
	free(s->heaps);
	free(s->cutoffs);
	free(s->has_cutoff);
	free(s->reserves);
	free(s->reserve_names);
	if (s->shared)
		pthread_mutex_destroy(&s->heap_lock);
	free((void *)s->bound);
	free(s);
}

void yh_selector_lookup_names(yh_selector *s, yh_names_fn fn, void *ctx)
{
	size_t i;

	s->lookup = fn;
	s->lookup_ctx = ctx;
	for (i = 0; i < s->f->nstrata; i++) {
		free(s->heaps[i].names);
		s->heaps[i].names = NULL;
	}
}

void yh_selector_lookup_ahead(yh_selector *s, yh_names_fn fn, void *ctx)
{
	s->ahead = fn;
	s->ahead_ctx = ctx;
}

void yh_selector_chunk_rows(yh_selector *s, size_t rows)
{
	s->chunk_rows = rows ? rows : 1;
}

/* The ticket and the heap: the part the worker does when there are two threads. */
static int push(yh_selector *s, const char *id, const char *name, size_t stratum)
{
	heap *h = &s->heaps[stratum];
	unsigned char ticket[32];
	char *kept = NULL;
	drawn e;

	yh_ticket(ticket, &s->tk, id);
	set_key(&e, ticket);
	strcpy(e.id, id);
	if (h->n == h->cap && cmp_drawn(h->tk, &e, &h->v[0]) >= 0)
		return 0;
	if (h->names && !(kept = strdup(name)))
		return yh_error_set(YH_ENOMEM, "out of memory");
	if (h->n < h->cap) {
		e.slot = (uint32_t)h->n;
		h->v[h->n++] = e;
		sift_up(h, h->n - 1);
	} else {
		e.slot = h->v[0].slot;
		h->v[0] = e;
		sift_down(h, 0);
	}
	if (h->names) {
		free(h->names[e.slot]);
		h->names[e.slot] = kept;
	}
	return 0;
}

int yh_selector_stratum(size_t *stratum, yh_selector *s, const char *const *row)
{
	char key[YH_STRATUM_KEY_MAX];
	yh_stratum *st;
	int rc;

	if ((rc = yh_task_stratum_key(key, sizeof(key), s->f->task, row)) < 0)
		return rc;
	st = yh_frozen_stratum(s->f, key);
	if (!st)
		return yh_error_set(YH_EDATA, "entity '%s' falls in stratum '%s', which the commitment "
		                    "does not have", row[YH_E_ID], key);
	if (strlen(row[YH_E_ID]) >= sizeof(((drawn *)0)->id))
		return yh_error_set(YH_EDATA, "entity id is too long: '%s'", row[YH_E_ID]);
	*stratum = (size_t)(st - s->f->strata);
	return YH_OK;
}

static int add_at(yh_selector *s, const char *id, const char *name, size_t stratum)
{
	heap *h = &s->heaps[stratum];

	h->seen++;
	if (++s->rows % 65536 == 0 && s->progress)
		s->progress(s->progress_ctx, s->rows);
	if (h->cap == 0)
		return 0;
	if (s->threaded)
		return queue_row(s, id, name, stratum);
	return push(s, id, name, stratum);
}

int yh_selector_add(void *ctx, const char *const *row)
{
	yh_selector *s = ctx;
	size_t stratum;
	int rc;

	if ((rc = yh_selector_stratum(&stratum, s, row)) < 0)
		return rc;
	return add_at(s, row[YH_E_ID], row[YH_E_NAME], stratum);
}

/*
 * Shared: several feeds on their own threads (draw_scan.c), one set of heaps.  Each feed hashes
 * its rows itself; a row whose ticket cannot enter its stratum's heap (its first 8 bytes above
 * those of the heap's largest, once the heap is full) is dropped without the lock, and only
 * the few that may enter (about 6 % of the rows at 1 %) take it.  The bound only falls, so a
 * stale one lets a row through to the full comparison, never drops one that belongs.
 */
int yh_selector_share(yh_selector *s)
{
	size_t i;

	if (!s->lookup || s->threaded || s->rows)
		return yh_error_set(YH_ERROR, "only a fresh one-thread selection that looks names up "
		                    "can be shared");
	if (!(s->bound = calloc(s->f->nstrata + 1, sizeof(*s->bound))))
		return yh_error_set(YH_ENOMEM, "out of memory");
	for (i = 0; i < s->f->nstrata; i++)
		atomic_init(&s->bound[i], UINT64_MAX);
	pthread_mutex_init(&s->heap_lock, NULL);
	s->shared = 1;
	return YH_OK;
}

int yh_selector_offer(yh_selector *s, const char *id, size_t stratum)
{
	heap *h = &s->heaps[stratum];
	unsigned char ticket[32];
	drawn e;

	if (h->cap == 0)
		return 0;
	yh_ticket(ticket, &s->tk, id);
	set_key(&e, ticket);
	if (key_of(&e) > atomic_load_explicit(&s->bound[stratum], memory_order_relaxed))
		return 0;
	strcpy(e.id, id);
	pthread_mutex_lock(&s->heap_lock);
	if (h->n < h->cap) {
		e.slot = (uint32_t)h->n;
		h->v[h->n++] = e;
		sift_up(h, h->n - 1);
	} else if (cmp_drawn(h->tk, &e, &h->v[0]) < 0) {
		e.slot = h->v[0].slot;
		h->v[0] = e;
		sift_down(h, 0);
	}
	if (h->n == h->cap)
		atomic_store_explicit(&s->bound[stratum], key_of(&h->v[0]), memory_order_relaxed);
	pthread_mutex_unlock(&s->heap_lock);
	return 0;
}

void yh_selector_progress(yh_selector *s, uint64_t rows)
{
	if (s->progress)
		s->progress(s->progress_ctx, rows);
}

void yh_selector_count(yh_selector *s, size_t stratum, uint64_t rows)
{
	pthread_mutex_lock(&s->heap_lock);
	s->heaps[stratum].seen += rows;
	s->rows += rows;
	pthread_mutex_unlock(&s->heap_lock);
}

/* An id and where its name goes: a chunk's ids are sorted for the lookup. */
typedef struct {
	const char *id;
	size_t at;
} id_ref;

static int cmp_id_ref(const void *a, const void *b)
{
	return strcmp(((const id_ref *)a)->id, ((const id_ref *)b)->id);
}

typedef struct {
	const id_ref *refs;
	size_t n, next;
	size_t *off;                 /* per `at`: the name's offset in text */
	char *text;
	size_t len, cap;
} name_sink;

static int name_found(void *ctx, size_t i, const char *name)
{
	name_sink *k = ctx;
	size_t n = strlen(name) + 1;

	if (i >= k->n || i < k->next)
		return yh_error_set(YH_ERROR, "the names of the selection came out of order");
	if (i > k->next) /* the ids before it were not found */
		return yh_error_set(YH_ESTALE, "entity '%s' is not in the register any more",
		                    k->refs[k->next].id);
	k->next++;
	if (k->len + n > k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 1u << 16;
		char *p;

		while (cap < k->len + n)
			cap *= 2;
		if (!(p = realloc(k->text, cap)))
			return yh_error_set(YH_ENOMEM, "out of memory");
		k->text = p;
		k->cap = cap;
	}
	memcpy(k->text + k->len, name, n);
	k->off[k->refs[i].at] = k->len;
	k->len += n;
	return YH_OK;
}

/* Looks up the names of refs (sorted here) through fn into k: k->off[ref.at] is each one's
 * offset in k->text.  k keeps its buffer from one call to the next. */
static int lookup_names(yh_names_fn fn, void *ctx, name_sink *k, id_ref *refs, size_t n)
{
	const char **ids = NULL;
	size_t i;
	int rc;

	if (!n)
		return YH_OK;
	qsort(refs, n, sizeof(*refs), cmp_id_ref);
	if (!(ids = malloc(n * sizeof(*ids))))
		return yh_error_set(YH_ENOMEM, "out of memory");
	for (i = 0; i < n; i++)
		ids[i] = refs[i].id;
	k->refs = refs;
	k->n = n;
	k->next = 0;
	k->len = 0;
	rc = fn(ctx, ids, n, name_found, k);
	free(ids);
	if (rc == YH_OK && k->next != n)
		rc = yh_error_set(YH_ESTALE, "entity '%s' is not in the register any more",
		                  refs[k->next].id);
	return rc < 0 ? rc : YH_OK;
}

/* The reserves' names, looked up into one buffer. */
static int reserve_names(yh_selector *s)
{
	name_sink k = { 0 };
	id_ref *refs = NULL;
	size_t i;
	int rc = YH_ENOMEM;

	if (!s->nreserves)
		return YH_OK;
	if (!(refs = malloc(s->nreserves * sizeof(*refs))) ||
	    !(k.off = malloc(s->nreserves * sizeof(*k.off)))) {
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < s->nreserves; i++)
		refs[i] = (id_ref){ s->reserves[i].id, i };
	if ((rc = lookup_names(s->lookup, s->lookup_ctx, &k, refs, s->nreserves)) < 0)
		goto done;
	s->reserve_names = k.text;
	k.text = NULL;
	for (i = 0; i < s->nreserves; i++)
		s->reserves[i].name = s->reserve_names + k.off[i];
done:
	free(refs);
	free(k.off);
	free(k.text);
	return rc;
}

/* The max-heap sorted ascending in place: its largest to the end, one at a time.  Not qsort():
 * glibc's sorts through a copy as large as the array (at 100M, another 66 MB). */
static void heap_sort(heap *h)
{
	size_t n = h->n;

	while (h->n > 1) {
		drawn top = h->v[0];

		h->v[0] = h->v[--h->n];
		h->v[h->n] = top;
		sift_down(h, 0);
	}
	h->n = n;
}

/* Sorts each stratum's heap, checks its count, and keeps its cutoff and reserves. */
static int close_strata(yh_selector *s)
{
	yh_frozen *f = s->f;
	size_t i, j, total = 0;

	if (!(s->cutoffs = calloc(f->nstrata + 1, 32)) ||
	    !(s->has_cutoff = calloc(f->nstrata + 1, sizeof(int))))
		return yh_error_set(YH_ENOMEM, "out of memory");
	for (i = 0; i < f->nstrata; i++) {
		heap *h = &s->heaps[i];
		const yh_stratum *st = &f->strata[i];

		if (h->seen != st->population)
			return yh_error_set(YH_ESTALE, "stratum '%s' has %llu eligible entities, the commitment "
			                    "says %llu", st->key, (unsigned long long)h->seen,
			                    (unsigned long long)st->population);
		heap_sort(h);
		if ((s->has_cutoff[i] = h->n > st->k))
			yh_ticket(s->cutoffs[i], &s->tk, h->v[st->k].id);
		for (j = st->k; j < st->k + st->reserves && j < h->n; j++)
			total++;
	}
	if (total && !(s->reserves = calloc(total, sizeof(*s->reserves))))
		return yh_error_set(YH_ENOMEM, "out of memory");
	for (i = 0; i < f->nstrata; i++) {
		heap *h = &s->heaps[i];
		const yh_stratum *st = &f->strata[i];

		for (j = st->k; j < st->k + st->reserves && j < h->n; j++) {
			yh_reserve *r = &s->reserves[s->nreserves++];

			r->stratum = st;
			r->order = j - st->k + 1;
			r->id = h->v[j].id;
			r->name = h->names ? h->names[h->v[j].slot] : NULL;
			yh_ticket(r->ticket, &s->tk, h->v[j].id);
		}
	}
	return s->lookup ? reserve_names(s) : YH_OK;
}

int yh_selector_close(const yh_selection **selection, yh_selector *s)
{
	int rc;

	*selection = NULL;
	if (s->closed)
		return yh_error_set(YH_ERROR, "the selection is closed already");
	s->closed = 1;
	if ((rc = drain(s)) < 0 || (rc = close_strata(s)) < 0)
		return rc;
	s->selection.frozen = s->f;
	s->selection.cutoffs = (const unsigned char (*)[32])s->cutoffs;
	s->selection.has_cutoff = s->has_cutoff;
	s->selection.reserves = s->reserves;
	s->selection.nreserves = s->nreserves;
	*selection = &s->selection;
	return YH_OK;
}

/*
 * The selected entities in global ticket order: each stratum's heap is sorted, so its first k
 * are merged through a small min-heap of the strata by their next entry (nothing is copied:
 * at 100M a copy of the selected would be another 60 MB).
 */
typedef struct {
	const heap *heaps;
	size_t *strata;              /* a min-heap of stratum indexes, by their next entry */
	size_t *pos, n;
} merge;

static const drawn *merge_head(const merge *m, size_t at)
{
	size_t i = m->strata[at];

	return &m->heaps[i].v[m->pos[i]];
}

static void merge_down(merge *m, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, least = i, tmp;

		if (l < m->n && cmp_drawn(m->heaps[0].tk, merge_head(m, l), merge_head(m, least)) < 0)
			least = l;
		if (r < m->n && cmp_drawn(m->heaps[0].tk, merge_head(m, r), merge_head(m, least)) < 0)
			least = r;
		if (least == i)
			return;
		tmp = m->strata[i];
		m->strata[i] = m->strata[least];
		m->strata[least] = tmp;
		i = least;
	}
}

/* The next selected entry and its stratum; NULL at the end. */
static const drawn *merge_next(merge *m, const yh_frozen *f, size_t *stratum)
{
	const drawn *d;
	size_t i;

	if (!m->n)
		return NULL;
	i = m->strata[0];
	d = &m->heaps[i].v[m->pos[i]];
	*stratum = i;
	if (++m->pos[i] == f->strata[i].k)
		m->strata[0] = m->strata[--m->n];
	merge_down(m, 0);
	return d;
}

typedef struct {
	const drawn *d;
	size_t stratum;
} chunk_entry;

/* The next chunk of the selected in rank order, with their names when they are looked up. */
typedef struct {
	chunk_entry *e;
	id_ref *refs;
	name_sink k;
	size_t n;
} chunk;

static int chunk_alloc(chunk *c, size_t rows, int names)
{
	memset(c, 0, sizeof(*c));
	if (!(c->e = malloc(rows * sizeof(*c->e))) ||
	    (names && (!(c->refs = malloc(rows * sizeof(*c->refs))) ||
	               !(c->k.off = malloc(rows * sizeof(*c->k.off))))))
		return yh_error_set(YH_ENOMEM, "out of memory");
	return YH_OK;
}

static void chunk_free(chunk *c)
{
	free(c->e);
	free(c->refs);
	free(c->k.off);
	free(c->k.text);
}

/* Takes the next `rows` selected from m into c (c->n is 0 at the end) and, with fn, asks
 * fn for their names. */
static int chunk_fill(chunk *c, merge *m, const yh_frozen *f, size_t rows, yh_names_fn fn,
                      void *ctx)
{
	for (c->n = 0; c->n < rows && (c->e[c->n].d = merge_next(m, f, &c->e[c->n].stratum)); c->n++)
		if (fn)
			c->refs[c->n] = (id_ref){ c->e[c->n].d->id, c->n };
	return fn ? lookup_names(fn, ctx, &c->k, c->refs, c->n) : YH_OK;
}

/* Ranks, tickets and teams of a chunk's entries, each passed to emit as it is made. */
static int chunk_emit(yh_selector *s, const chunk *c, yh_teamer *teamer, uint64_t *rank,
                      yh_selected_fn emit, void *emit_ctx)
{
	size_t i;
	int rc;

	for (i = 0; i < c->n; i++) {
		const drawn *d = c->e[i].d;
		yh_selected e;

		e.rank = ++*rank;
		e.id = d->id;
		e.name = s->lookup ? c->k.text + c->k.off[i] : s->heaps[c->e[i].stratum].names[d->slot];
		e.stratum = &s->f->strata[c->e[i].stratum];
		yh_ticket(e.ticket, &s->tk, d->id);
		e.has_team = teamer != NULL;
		e.team.n = 0;
		if (teamer && (rc = yh_team_assign(&e.team, teamer, e.id, e.rank)) < 0)
			return rc;
		if ((rc = emit(emit_ctx, &e)) < 0)
			return rc;
	}
	return YH_OK;
}

/*
 * The names looked up ahead (yh_selector_lookup_ahead): a thread takes the chunks from the
 * merge and asks for their names (the draw: on its second connection) while this one forms
 * the teams of the chunk before and passes its entries on.  AHEAD chunks go round: the one
 * being emitted and up to AHEAD - 1 looked up ahead.  The chunks and their order are those
 * of the one-thread emit, so the output is too.
 */
#define AHEAD 3

typedef struct {
	yh_selector *s;
	merge *m;
	chunk c[AHEAD];
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint64_t filled, used;       /* chunks filled by the thread ahead, emitted by this one */
	int end, stop, rc;           /* end: no more chunks (rc < 0: the lookup failed) */
	char error[512];
} ahead;

static void *look_ahead(void *arg)
{
	ahead *a = arg;
	yh_selector *s = a->s;

	for (;;) {
		chunk *c;
		int rc, stop;

		pthread_mutex_lock(&a->lock);
		while (a->filled - a->used == AHEAD && !a->stop)
			pthread_cond_wait(&a->cond, &a->lock);
		c = &a->c[a->filled % AHEAD];
		stop = a->stop;
		pthread_mutex_unlock(&a->lock);
		if (stop)
			break;
		rc = chunk_fill(c, a->m, s->f, s->chunk_rows, s->ahead, s->ahead_ctx);
		pthread_mutex_lock(&a->lock);
		if (rc < 0) {
			a->rc = rc;
			snprintf(a->error, sizeof(a->error), "%s", yh_error_message());
		}
		if (rc < 0 || c->n == 0)
			a->end = 1;
		else
			a->filled++;
		pthread_cond_broadcast(&a->cond);
		rc = a->end || a->stop;
		pthread_mutex_unlock(&a->lock);
		if (rc)
			break;
	}
	return NULL;
}

static int emit_ahead(yh_selector *s, merge *m, yh_teamer *teamer, yh_selected_fn emit,
                      void *emit_ctx)
{
	ahead *a = calloc(1, sizeof(*a));
	pthread_t t;
	uint64_t rank = 0;
	size_t i;
	int rc = YH_OK;

	if (!a)
		return yh_error_set(YH_ENOMEM, "out of memory");
	a->s = s;
	a->m = m;
	for (i = 0; i < AHEAD && rc == YH_OK; i++)
		rc = chunk_alloc(&a->c[i], s->chunk_rows, 1);
	if (rc < 0)
		goto done;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->cond, NULL);
	if (pthread_create(&t, NULL, look_ahead, a) != 0) {
		/* no thread: the names on this one, through the lookup given for it */
		chunk *c = &a->c[0];

		while ((rc = chunk_fill(c, m, s->f, s->chunk_rows, s->lookup, s->lookup_ctx)) == YH_OK &&
		       c->n && (rc = chunk_emit(s, c, teamer, &rank, emit, emit_ctx)) == YH_OK)
			;
	} else {
		for (;;) {
			chunk *c;

			pthread_mutex_lock(&a->lock);
			while (a->filled == a->used && !a->end)
				pthread_cond_wait(&a->cond, &a->lock);
			if (a->filled == a->used) { /* the end, or the lookup failed */
				if (a->rc < 0)
					rc = yh_error_set(a->rc, "%s", a->error);
				pthread_mutex_unlock(&a->lock);
				break;
			}
			c = &a->c[a->used % AHEAD];
			pthread_mutex_unlock(&a->lock);
			rc = chunk_emit(s, c, teamer, &rank, emit, emit_ctx);
			pthread_mutex_lock(&a->lock);
			a->used++;
			pthread_cond_broadcast(&a->cond);
			pthread_mutex_unlock(&a->lock);
			if (rc < 0)
				break;
		}
		pthread_mutex_lock(&a->lock);
		a->stop = 1;
		pthread_cond_broadcast(&a->cond);
		pthread_mutex_unlock(&a->lock);
		pthread_join(t, NULL);
	}
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->cond);
done:
	for (i = 0; i < AHEAD; i++)
		chunk_free(&a->c[i]);
	free(a);
	return rc;
}

void yh_selector_forget_reserves(yh_selector *s)
{
	free(s->reserves);
	free(s->reserve_names);
	s->reserves = NULL;
	s->reserve_names = NULL;
	s->nreserves = 0;
	s->selection.reserves = NULL;
	s->selection.nreserves = 0;
}

int yh_selector_emit(yh_selector *s, int teams, yh_selected_fn emit, void *emit_ctx)
{
	yh_frozen *f = s->f;
	yh_teamer *teamer = NULL;
	merge m = { s->heaps, NULL, NULL, 0 };
	chunk c = { 0 };
	uint64_t rank = 0;
	size_t i;
	int rc;

	if (!s->closed || !s->cutoffs)
		return yh_error_set(YH_ERROR, "the selection is not closed");
	if ((teams && (rc = yh_teamer_new(&teamer, f, &s->tk)) < 0))
		goto done;
	if (!(m.strata = calloc(f->nstrata + 1, sizeof(*m.strata))) ||
	    !(m.pos = calloc(f->nstrata + 1, sizeof(*m.pos)))) {
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < f->nstrata; i++)
		if (f->strata[i].k)
			m.strata[m.n++] = i;
	for (i = m.n / 2; i-- > 0;)
		merge_down(&m, i);
	/* ranks and teams, in global ticket order; each entry goes out as it is made, so that
	 * memory stays small however many are selected */
	if (s->lookup && s->ahead) {
		rc = emit_ahead(s, &m, teamer, emit, emit_ctx);
		goto done;
	}
	if ((rc = chunk_alloc(&c, s->chunk_rows, s->lookup != NULL)) < 0)
		goto done;
	while ((rc = chunk_fill(&c, &m, f, s->chunk_rows, s->lookup, s->lookup_ctx)) == YH_OK && c.n &&
	       (rc = chunk_emit(s, &c, teamer, &rank, emit, emit_ctx)) == YH_OK)
		;
done:
	yh_teamer_free(teamer);
	free(m.strata);
	free(m.pos);
	chunk_free(&c);
	return rc;
}

int yh_selector_finish(const yh_selection **selection, yh_selector *s, int teams,
                       yh_selected_fn emit, void *emit_ctx)
{
	const yh_selection *sel;
	int rc;

	*selection = NULL;
	if ((rc = yh_selector_close(&sel, s)) < 0 || (rc = yh_selector_emit(s, teams, emit, emit_ctx)) < 0)
		return rc;
	*selection = sel;
	return YH_OK;
}
