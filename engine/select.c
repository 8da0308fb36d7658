/* select.c — tickets, the bounded per-stratum heaps, selection, reserves, cutoffs, and the
 * transcript they make up: shared by the draw, its audit replay and the store-free verifier. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "yaohao/jcs.h"
#include "draw.h"
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
	unsigned char seed[32];
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
	memcpy(s->seed, seed, 32);
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
	free(s);
}

/* The ticket and the heap: the part the worker does when there are two threads. */
static int push(yh_selector *s, const char *id, const char *name, size_t stratum)
{
	heap *h = &s->heaps[stratum];
	drawn e;

	yh_ticket(e.ticket, s->seed, id);
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

int yh_selector_finish(yh_selector *s, json_t **strata_out, json_t **reserves_out, int teams,
                       yh_selected_emit emit, void *emit_ctx)
{
	yh_frozen *f = s->f;
	json_t *strata = json_array(), *reserves = json_array();
	drawn *all = NULL;
	size_t nall = 0, i, j;
	char hex[65];
	int rc = YH_OK;

	*strata_out = *reserves_out = NULL;
	if ((rc = drain(s)) < 0)
		goto done;
	if (!strata || !reserves) {
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < f->nstrata; i++) {
		heap *h = &s->heaps[i];
		yh_stratum *st = &f->strata[i];
		drawn *p;

		if (h->seen != st->population) {
			rc = yh_error_set(YH_ESTALE, "stratum '%s' has %llu eligible entities, the commitment "
			                  "says %llu", st->key, (unsigned long long)h->seen,
			                  (unsigned long long)st->population);
			goto done;
		}
		if (h->n)
			qsort(h->v, h->n, sizeof(drawn), cmp_drawn_q);
		if (h->n > st->k)
			yh_hex(hex, h->v[st->k].ticket, 32);
		json_array_append_new(strata, json_pack("{s:s, s:I, s:I, s:I, s:s, s:o}",
		                      "key", st->key, "population", (json_int_t)st->population,
		                      "selected", (json_int_t)st->k, "reserves", (json_int_t)st->reserves,
		                      "rate", st->rate, "cutoff", h->n > st->k ? json_string(hex) : json_null()));
		for (j = st->k; j < st->k + st->reserves && j < h->n; j++) {
			yh_hex(hex, h->v[j].ticket, 32);
			json_array_append_new(reserves, json_pack("{s:s, s:I, s:s, s:s, s:s}",
			                      "stratum", st->key, "order", (json_int_t)(j - st->k + 1),
			                      "id", h->v[j].id, "name", h->v[j].name, "ticket", hex));
		}
		if (!(p = realloc(all, (nall + st->k + 1) * sizeof(*all)))) {
			rc = yh_error_set(YH_ENOMEM, "out of memory");
			goto done;
		}
		all = p;
		memcpy(all + nall, h->v, (size_t)st->k * sizeof(*all));
		nall += (size_t)st->k;
	}
	/* ranks and teams, in global ticket order; each entry goes out as it is made, so that
	 * memory stays small however many are selected */
	if (nall)
		qsort(all, nall, sizeof(*all), cmp_drawn_q);
	for (i = 0; i < nall; i++) {
		json_t *entry;

		yh_hex(hex, all[i].ticket, 32);
		entry = json_pack("{s:I, s:s, s:s, s:s, s:s}", "rank", (json_int_t)(i + 1), "id", all[i].id,
		                  "name", all[i].name, "stratum", f->strata[all[i].stratum].key, "ticket", hex);
		if (!entry) {
			rc = yh_error_set(YH_ENOMEM, "out of memory");
			goto done;
		}
		if (teams) {
			json_t *team = json_array();

			json_object_set_new(entry, "team", team);
			if ((rc = yh_team_assign(team, f, s->seed, all[i].id, i + 1)) < 0) {
				json_decref(entry);
				goto done;
			}
		}
		rc = emit(emit_ctx, entry);
		json_decref(entry);
		if (rc < 0)
			goto done;
	}
	*strata_out = strata;
	*reserves_out = reserves;
	strata = reserves = NULL;
done:
	free(all);
	json_decref(strata);
	json_decref(reserves);
	return rc;
}

int yh_transcript_text(char **out, json_t *ann, const unsigned char secret[32], const char *value,
                       const unsigned char seed[32], json_t *strata, json_t *reserves,
                       char **selected, size_t selected_len)
{
	static const char slot[] = "\"selected\":[]";
	json_t *tr = json_deep_copy(ann), *none = json_array();
	char hex[65], *text = NULL, *at, *p;
	size_t head, len;
	int rc;

	*out = NULL;
	if (!tr || !none) {
		json_decref(tr);
		json_decref(none);
		return yh_error_set(YH_ENOMEM, "out of memory building the transcript");
	}
	json_object_set_new(tr, "format", json_string(YH_TRANSCRIPT_FORMAT));
	json_object_set_new(tr, "entropy_value", json_string(value));
	yh_hex(hex, secret, 32);
	json_object_set_new(tr, "secret", json_string(hex));
	yh_hex(hex, seed, 32);
	json_object_set_new(tr, "seed", json_string(hex));
	json_object_set(tr, "strata", strata);
	json_object_set(tr, "reserves", reserves);
	json_object_set_new(tr, "selected", none);
	rc = yh_jcs_dump(&text, tr);
	json_decref(tr);
	if (rc < 0)
		return rc;
	/* the one top-level "selected" member is written empty, then the streamed
	 * entries are put in its place: same bytes as serialising it whole.  The
	 * entries' buffer grows into the transcript, so it is never held twice. */
	if (!(at = strstr(text, slot))) {
		free(text);
		return yh_error_set(YH_ERROR, "the transcript has no place for its selected entities");
	}
	head = (size_t)(at - text) + sizeof(slot) - 2;
	len = strlen(text);
	if (!(p = realloc(*selected, len + selected_len + 1))) {
		free(text);
		return yh_error_set(YH_ENOMEM, "out of memory building the transcript");
	}
	*selected = NULL;
	memmove(p + head, p, selected_len);
	memcpy(p, text, head);
	memcpy(p + head + selected_len, text + head, len - head + 1);
	free(text);
	*out = p;
	return YH_OK;
}

