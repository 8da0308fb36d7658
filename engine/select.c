/* select.c — tickets, the bounded per-stratum heaps, selection, reserves and cutoffs
 * (docs/spec.md §8): shared by the draw, its audit replay and the store-free verifier. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "digest.h"
#include "select.h"
#include "error.h"

typedef struct {
	unsigned char ticket[32];
	char id[24];
	char *name;
	size_t stratum;
} drawn;

typedef struct {
	drawn *v;          /* a max-heap by (ticket, id) of the cap lowest tickets seen */
	size_t n, cap;
	uint64_t seen;
} heap;

/*
 * With two threads, the thread that reads the rows (SQLite or a CSV file) only
 * finds each row's stratum and queues (id, name, stratum) in batches; a worker
 * hashes the tickets and keeps the heaps.  The heaps end up the same whatever
 * the order or the split: each keeps the lowest (ticket, id) pairs it is shown.
 */
#define BATCH_ROWS 1024
#define BATCHES 4

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
			if (push(s, b->row[i].id, b->names + b->row[i].name, b->row[i].stratum) < 0) {
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
	size_t n = strlen(name) + 1;

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

static int cmp_drawn(const drawn *a, const drawn *b)
{
	int c = memcmp(a->ticket, b->ticket, 32);

	return c ? c : strcmp(a->id, b->id);
}

static int cmp_drawn_q(const void *a, const void *b)
{
	return cmp_drawn(a, b);
}

static void sift_down(heap *h, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		drawn tmp;

		if (l < h->n && cmp_drawn(&h->v[l], &h->v[m]) > 0)
			m = l;
		if (r < h->n && cmp_drawn(&h->v[r], &h->v[m]) > 0)
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

		if (cmp_drawn(&h->v[p], &h->v[i]) >= 0)
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
	yh_ticketer_init(&s->tk, seed);
	s->progress = progress;
	s->progress_ctx = progress_ctx;
	for (i = 0; i < f->nstrata; i++) {
		const yh_stratum *st = &f->strata[i];
		/* one more than selected + reserves when possible: its ticket is the cutoff */
		uint64_t room = st->k + (st->reserves ? st->reserves : 1);

		s->heaps[i].cap = (size_t)(room < st->population ? room : st->population);
		if (s->heaps[i].cap && !(s->heaps[i].v = calloc(s->heaps[i].cap, sizeof(drawn)))) {
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
		for (j = 0; j < s->heaps[i].n; j++)
			free(s->heaps[i].v[j].name);
		free(s->heaps[i].v);
	}
	free(s->heaps);
	free(s->cutoffs);
	free(s->has_cutoff);
	free(s->reserves);
	free(s);
}

/* The ticket and the heap: the part the worker does when there are two threads. */
static int push(yh_selector *s, const char *id, const char *name, size_t stratum)
{
	heap *h = &s->heaps[stratum];
	drawn e;

	yh_ticket(e.ticket, &s->tk, id);
	strcpy(e.id, id);
	e.stratum = stratum;
	if (h->n == h->cap && cmp_drawn(&e, &h->v[0]) >= 0)
		return 0;
	if (!(e.name = strdup(name)))
		return yh_error_set(YH_ENOMEM, "out of memory");
	if (h->n < h->cap) {
		h->v[h->n++] = e;
		sift_up(h, h->n - 1);
	} else {
		free(h->v[0].name);
		h->v[0] = e;
		sift_down(h, 0);
	}
	return 0;
}

int yh_selector_add(void *ctx, const char *const *row)
{
	yh_selector *s = ctx;
	char key[YH_STRATUM_KEY_MAX];
	yh_stratum *st;
	heap *h;
	int rc;

	if ((rc = yh_task_stratum_key(key, sizeof(key), s->f->task, row)) < 0)
		return rc;
	st = yh_frozen_stratum(s->f, key);
	if (!st)
		return yh_error_set(YH_EDATA, "entity '%s' falls in stratum '%s', which the commitment "
		                    "does not have", row[YH_E_ID], key);
	h = &s->heaps[st - s->f->strata];
	h->seen++;
	if (++s->rows % 65536 == 0 && s->progress)
		s->progress(s->progress_ctx, s->rows);
	if (h->cap == 0)
		return 0;
	if (strlen(row[YH_E_ID]) >= sizeof(((drawn *)0)->id))
		return yh_error_set(YH_EDATA, "entity id is too long: '%s'", row[YH_E_ID]);
	if (s->threaded)
		return queue_row(s, row[YH_E_ID], row[YH_E_NAME], (size_t)(st - s->f->strata));
	return push(s, row[YH_E_ID], row[YH_E_NAME], (size_t)(st - s->f->strata));
}

/* Sorts each stratum's heap, checks its count, and keeps its cutoff and reserves;
 * the selected entities of every stratum are gathered into *all. */
static int close_strata(yh_selector *s, drawn **all, size_t *nall)
{
	yh_frozen *f = s->f;
	size_t i, j;

	if (!(s->cutoffs = calloc(f->nstrata + 1, 32)) ||
	    !(s->has_cutoff = calloc(f->nstrata + 1, sizeof(int))))
		return yh_error_set(YH_ENOMEM, "out of memory");
	for (i = 0; i < f->nstrata; i++) {
		heap *h = &s->heaps[i];
		const yh_stratum *st = &f->strata[i];
		drawn *p;
		yh_reserve *r;

		if (h->seen != st->population)
			return yh_error_set(YH_ESTALE, "stratum '%s' has %llu eligible entities, the commitment "
			                    "says %llu", st->key, (unsigned long long)h->seen,
			                    (unsigned long long)st->population);
		if (h->n)
			qsort(h->v, h->n, sizeof(drawn), cmp_drawn_q);
		if ((s->has_cutoff[i] = h->n > st->k))
			memcpy(s->cutoffs[i], h->v[st->k].ticket, 32);
		for (j = st->k; j < st->k + st->reserves && j < h->n; j++) {
			if (!(r = realloc(s->reserves, (s->nreserves + 1) * sizeof(*r))))
				return yh_error_set(YH_ENOMEM, "out of memory");
			s->reserves = r;
			r = &s->reserves[s->nreserves++];
			r->stratum = st;
			r->order = j - st->k + 1;
			r->id = h->v[j].id;
			r->name = h->v[j].name;
			memcpy(r->ticket, h->v[j].ticket, 32);
		}
		if (!(p = realloc(*all, (*nall + st->k + 1) * sizeof(**all))))
			return yh_error_set(YH_ENOMEM, "out of memory");
		*all = p;
		memcpy(*all + *nall, h->v, (size_t)st->k * sizeof(**all));
		*nall += (size_t)st->k;
	}
	return YH_OK;
}

int yh_selector_finish(const yh_selection **selection, yh_selector *s, int teams,
                       yh_selected_fn emit, void *emit_ctx)
{
	yh_frozen *f = s->f;
	yh_teamer *teamer = NULL;
	drawn *all = NULL;
	size_t nall = 0, i;
	int rc;

	*selection = NULL;
	if ((rc = drain(s)) < 0 || (rc = close_strata(s, &all, &nall)) < 0 ||
	    (teams && (rc = yh_teamer_new(&teamer, f, &s->tk)) < 0))
		goto done;
	/* ranks and teams, in global ticket order; each entry goes out as it is made, so that
	 * memory stays small however many are selected */
	if (nall)
		qsort(all, nall, sizeof(*all), cmp_drawn_q);
	for (i = 0; i < nall; i++) {
		yh_selected e;

		e.rank = i + 1;
		e.id = all[i].id;
		e.name = all[i].name;
		e.stratum = &f->strata[all[i].stratum];
		memcpy(e.ticket, all[i].ticket, 32);
		e.has_team = teams;
		e.team.n = 0;
		if (teams && (rc = yh_team_assign(&e.team, teamer, e.id, e.rank)) < 0)
			goto done;
		if ((rc = emit(emit_ctx, &e)) < 0)
			goto done;
	}
	s->selection.frozen = f;
	s->selection.cutoffs = (const unsigned char (*)[32])s->cutoffs;
	s->selection.has_cutoff = s->has_cutoff;
	s->selection.reserves = s->reserves;
	s->selection.nreserves = s->nreserves;
	*selection = &s->selection;
	rc = YH_OK;
done:
	yh_teamer_free(teamer);
	free(all);
	return rc;
}

