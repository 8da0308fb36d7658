/* row_hasher.c — register rows' leaves hashed and folded into their root on a worker thread,
 * fed in batches through a small ring (the same shape as select.c's ticket pipeline). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "yaohao/merkle.h"
#include "merkle_private.h"
#include "row_hasher.h"
#include "error.h"

/*
 * Verifying a register file costs, per row, parsing it and about four SHA-256 compressions
 * (two for the leaf, two for about one node).  The reader parses and encodes; the worker
 * hashes.  Memory: BATCHES batches of at most BATCH_BYTES of encoded rows, whatever the size
 * of the register.
 */
#define BATCH_ROWS 2048
#define BATCH_BYTES ((size_t)512 * 1024)
#define BATCHES 4

typedef struct {
	struct { char key[YH_KEY_MAX]; uint32_t off, len; } row[BATCH_ROWS];
	size_t n, used;
	unsigned char *bytes;        /* the encoded rows, back to back */
	size_t cap;
} batch;

struct yh_row_hasher {
	yh_keyed_root *root;
	int threaded;
	pthread_t worker;
	pthread_mutex_t lock;
	pthread_cond_t filled, emptied;
	batch *batches[BATCHES];
	size_t head, tail, queued;   /* ring of filled batches; the reader fills batches[head] */
	int done;
	int rc;                      /* the first failure (or YH_KEYED_DISORDER) the reader has seen */
	int wrc;                     /* the hashing side's own copy, published to rc under the lock */
	unsigned char *scratch;      /* one thread: the row being encoded */
	size_t scratch_cap;
	char error[512];
};

/* Hashes one row's leaf into the root; the first failure is kept and the rest skipped. */
static void hash_row(yh_row_hasher *h, const char *key, const unsigned char *row, size_t len)
{
	unsigned char leaf[32];
	int rc;

	if (h->wrc)
		return;
	yh_merkle_leaf_hash(leaf, row, len);
	if ((rc = yh_keyed_root_add(h->root, key, leaf)) != YH_OK) {
		if (rc < 0)
			snprintf(h->error, sizeof(h->error), "%s", yh_error_message());
		h->wrc = rc;
	}
}

static void *work(void *arg)
{
	yh_row_hasher *h = arg;

	for (;;) {
		batch *b;
		size_t i;

		pthread_mutex_lock(&h->lock);
		while (h->queued == 0 && !h->done)
			pthread_cond_wait(&h->filled, &h->lock);
		if (h->queued == 0 && h->done) {
			pthread_mutex_unlock(&h->lock);
			return NULL;
		}
		b = h->batches[h->tail];
		pthread_mutex_unlock(&h->lock);
		for (i = 0; i < b->n; i++)
			hash_row(h, b->row[i].key, b->bytes + b->row[i].off, b->row[i].len);
		b->n = 0;
		b->used = 0;
		pthread_mutex_lock(&h->lock);
		h->rc = h->wrc;
		h->tail = (h->tail + 1) % BATCHES;
		h->queued--;
		pthread_cond_signal(&h->emptied);
		pthread_mutex_unlock(&h->lock);
	}
}

/* Hands the batch being filled to the worker, waits for a free one; the worker's failure. */
static int hand_over(yh_row_hasher *h)
{
	int rc;

	pthread_mutex_lock(&h->lock);
	h->queued++;
	h->head = (h->head + 1) % BATCHES;
	pthread_cond_signal(&h->filled);
	while (h->queued == BATCHES - 1)
		pthread_cond_wait(&h->emptied, &h->lock);
	rc = h->rc;
	pthread_mutex_unlock(&h->lock);
	return rc;
}

/* The worker's failure as this thread's error. */
static int failure(yh_row_hasher *h, int rc)
{
	return rc < 0 ? yh_error_set(rc, "%s", h->error) : rc;
}

int yh_row_hasher_new(yh_row_hasher **out, yh_keyed_root *root, int threads)
{
	yh_row_hasher *h = calloc(1, sizeof(*h));
	size_t i;

	*out = NULL;
	if (!h)
		return yh_error_set(YH_ENOMEM, "out of memory");
	h->root = root;
	if (threads == 0)
		threads = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 2 : 1;
	if (threads > 1) {
		for (i = 0; i < BATCHES; i++) {
			if (!(h->batches[i] = calloc(1, sizeof(batch))) ||
			    !(h->batches[i]->bytes = malloc(BATCH_BYTES))) {
				yh_row_hasher_free(h);
				return yh_error_set(YH_ENOMEM, "out of memory");
			}
			h->batches[i]->cap = BATCH_BYTES;
		}
		pthread_mutex_init(&h->lock, NULL);
		pthread_cond_init(&h->filled, NULL);
		pthread_cond_init(&h->emptied, NULL);
		if (pthread_create(&h->worker, NULL, work, h) == 0) {
			h->threaded = 1;
		} else {
			/* no thread: hash on the caller's, as with threads = 1 */
			pthread_mutex_destroy(&h->lock);
			pthread_cond_destroy(&h->filled);
			pthread_cond_destroy(&h->emptied);
		}
	}
	*out = h;
	return YH_OK;
}

/* A slot of len bytes for the next row in the batch being filled, its key copied; NULL with
 * *rc set when the worker has failed or memory ran out. */
static unsigned char *reserve(yh_row_hasher *h, const char *key, size_t klen, size_t len, int *rc)
{
	batch *b = h->batches[h->head];
	unsigned char *slot;

	if (b->n == BATCH_ROWS || b->cap - b->used < len) {
		if ((*rc = hand_over(h)) != 0) {
			*rc = failure(h, *rc);
			return NULL;
		}
		b = h->batches[h->head];
	}
	if (b->cap - b->used < len) {
		/* one row larger than a batch (rows are bounded by the field limit): grow this one */
		unsigned char *p = realloc(b->bytes, b->used + len);

		if (!p) {
			*rc = yh_error_set(YH_ENOMEM, "out of memory");
			return NULL;
		}
		b->bytes = p;
		b->cap = b->used + len;
	}
	memcpy(b->row[b->n].key, key, klen);
	b->row[b->n].key[klen] = '\0';
	b->row[b->n].off = (uint32_t)b->used;
	b->row[b->n].len = (uint32_t)len;
	slot = b->bytes + b->used;
	b->used += len;
	b->n++;
	return slot;
}

int yh_row_hasher_add(yh_row_hasher *h, const char *key, const unsigned char *row, size_t len)
{
	size_t klen = strlen(key);
	unsigned char *slot;
	int rc;

	if (klen >= YH_KEY_MAX)
		return yh_error_set(YH_EINVAL, "key is too long: '%s'", key);
	if (!h->threaded) {
		hash_row(h, key, row, len);
		return failure(h, h->wrc);
	}
	if (!(slot = reserve(h, key, klen, len, &rc)))
		return rc;
	memcpy(slot, row, len);
	return YH_OK;
}

int yh_row_hasher_add_fields(yh_row_hasher *h, const char *key, size_t klen,
                             const char *const *fields, const size_t *lens, size_t n)
{
	size_t len = yh_merkle_encoded_len(lens, n);
	unsigned char *slot;
	int rc;

	if (klen >= YH_KEY_MAX)
		return yh_error_set(YH_EINVAL, "key is too long: '%.*s'", (int)klen, key);
	if (!h->threaded) {
		if (len > h->scratch_cap) {
			unsigned char *p = realloc(h->scratch, len);

			if (!p)
				return yh_error_set(YH_ENOMEM, "out of memory");
			h->scratch = p;
			h->scratch_cap = len;
		}
		yh_merkle_encode_fields(h->scratch, fields, lens, n);
		hash_row(h, key, h->scratch, len);
		return failure(h, h->wrc);
	}
	if (!(slot = reserve(h, key, klen, len, &rc)))
		return rc;
	/* encoded straight into the batch: no copy through a buffer of the reader's */
	yh_merkle_encode_fields(slot, fields, lens, n);
	return YH_OK;
}

int yh_row_hasher_finish(yh_row_hasher *h)
{
	int rc;

	if (!h->threaded)
		return failure(h, h->wrc);
	if (h->batches[h->head]->n)
		hand_over(h);
	pthread_mutex_lock(&h->lock);
	h->done = 1;
	pthread_cond_signal(&h->filled);
	pthread_mutex_unlock(&h->lock);
	pthread_join(h->worker, NULL);
	h->threaded = 0;
	pthread_mutex_destroy(&h->lock);
	pthread_cond_destroy(&h->filled);
	pthread_cond_destroy(&h->emptied);
	rc = h->wrc; /* the worker has ended: its own copy is the last word */
	return failure(h, rc);
}

void yh_row_hasher_free(yh_row_hasher *h)
{
	size_t i;

	if (!h)
		return;
	if (h->threaded)
		yh_row_hasher_finish(h);
	for (i = 0; i < BATCHES; i++) {
		if (h->batches[i])
			free(h->batches[i]->bytes);
		free(h->batches[i]);
	}
	free(h->scratch);
	free(h);
}
