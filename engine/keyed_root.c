/* keyed_root.c — a register's Merkle root in key order from rows in any order: folded as the
 * rows arrive when they come sorted, else an external merge sort in bounded memory. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "yaohao/merkle.h"
#include "keyed_root.h"
#include "error.h"

#define DEFAULT_BUDGET ((size_t)64 << 20)

typedef struct {
	char key[YH_KEY_MAX];
	unsigned char leaf[32];
} pair;

/* One sorted run in the temporary file, while merging: the part of it read into memory. */
typedef struct {
	off_t next;                  /* file offset of its next unread pair */
	uint64_t left;               /* pairs not yet read from the file */
	pair *buf;                   /* its share of the sort buffer */
	size_t len, pos, cap;
} run;

struct yh_keyed_root {
	yh_keyed_mode mode;
	yh_merkle *m;
	uint64_t count;
	char prev[YH_KEY_MAX], dup[YH_KEY_MAX];
	/* sorting */
	pair *buf;
	size_t n, cap, max;          /* max: pairs the budget allows */
	int fd;                      /* the temporary file, -1 until the first spill */
	uint64_t *runs;              /* pairs in each run, in file order */
	size_t nruns, runs_cap;
};

static size_t budget;

size_t yh_keyed_root_set_budget(size_t bytes)
{
	size_t old = budget;

	budget = bytes;
	return old;
}

int yh_keyed_root_new(yh_keyed_root **out, yh_keyed_mode mode)
{
	yh_keyed_root *k = calloc(1, sizeof(*k));
	size_t b = budget ? budget : DEFAULT_BUDGET;

	*out = NULL;
	if (!k || yh_merkle_new(&k->m) < 0) {
		free(k);
		return yh_error_set(YH_ENOMEM, "out of memory");
	}
	k->mode = mode;
	k->fd = -1;
	/* two pairs at least, so that a run holds something and merging can make progress */
	k->max = b / sizeof(pair) < 2 ? 2 : b / sizeof(pair);
	*out = k;
	return YH_OK;
}

void yh_keyed_root_free(yh_keyed_root *k)
{
	if (!k)
		return;
	yh_merkle_free(k->m);
	free(k->buf);
	free(k->runs);
	if (k->fd >= 0)
		close(k->fd);
	free(k);
}

uint64_t yh_keyed_root_runs(const yh_keyed_root *k)
{
	return k->nruns;
}

/* Folds the next pair in key order into the root, noting the first key seen twice. */
static void fold(yh_keyed_root *k, const pair *p)
{
	if (k->count && !*k->dup && strcmp(p->key, k->prev) == 0)
		strcpy(k->dup, p->key);
	strcpy(k->prev, p->key);
	yh_merkle_add_hash(k->m, p->leaf);
	k->count++;
}

static int cmp_pair(const void *a, const void *b)
{
	return strcmp(((const pair *)a)->key, ((const pair *)b)->key);
}

/* The temporary file: unlinked at once, so nothing is left behind on any exit path. */
static int open_spill(yh_keyed_root *k)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];

	if (!dir || !*dir)
		dir = "/tmp";
	if ((size_t)snprintf(path, sizeof(path), "%s/yaohao-sort-XXXXXX", dir) >= sizeof(path))
		return yh_error_set(YH_EIO, "the temporary folder's name is too long: '%s'", dir);
	if ((k->fd = mkstemp(path)) < 0)
		return yh_error_set(YH_EIO, "cannot make a temporary file in '%s' to sort the rows: %s", dir,
		                    strerror(errno));
	unlink(path);
	return YH_OK;
}

/* Sorts the buffer and appends it to the temporary file as one more run. */
static int spill(yh_keyed_root *k)
{
	const char *p = (const char *)k->buf;
	size_t left = k->n * sizeof(pair);
	int rc;

	if (k->fd < 0 && (rc = open_spill(k)) < 0)
		return rc;
	if (k->nruns == k->runs_cap) {
		size_t cap = k->runs_cap ? k->runs_cap * 2 : 16;
		uint64_t *r = realloc(k->runs, cap * sizeof(*r));

		if (!r)
			return yh_error_set(YH_ENOMEM, "out of memory");
		k->runs = r;
		k->runs_cap = cap;
	}
	qsort(k->buf, k->n, sizeof(pair), cmp_pair);
	while (left > 0) {
		ssize_t w = write(k->fd, p, left);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return yh_error_set(YH_EIO, "cannot write the rows being sorted to the temporary file: %s",
			                    w < 0 ? strerror(errno) : "no space written");
		p += w;
		left -= (size_t)w;
	}
	k->runs[k->nruns++] = k->n;
	k->n = 0;
	return YH_OK;
}

int yh_keyed_root_add(yh_keyed_root *k, const char *key, const unsigned char leaf[32])
{
	size_t len = strlen(key);
	pair *p;
	int rc;

	if (len >= YH_KEY_MAX)
		return yh_error_set(YH_EINVAL, "key is too long: '%s'", key);
	if (k->mode == YH_KEYED_STREAM) {
		pair one;

		if (k->count && strcmp(key, k->prev) < 0)
			return YH_KEYED_DISORDER;
		memcpy(one.key, key, len + 1);
		memcpy(one.leaf, leaf, 32);
		fold(k, &one);
		return YH_OK;
	}
	if (k->n == k->cap) {
		/* grow toward the budget, so that a small register takes little memory */
		size_t cap = k->cap ? k->cap * 2 : 4096;

		if (cap > k->max)
			cap = k->max;
		if (k->n == cap) {
			if ((rc = spill(k)) < 0)
				return rc;
		} else {
			if (!(p = realloc(k->buf, cap * sizeof(pair))))
				return yh_error_set(YH_ENOMEM, "out of memory");
			k->buf = p;
			k->cap = cap;
		}
	}
	p = &k->buf[k->n++];
	memset(p->key, 0, YH_KEY_MAX); /* the run is written whole: no uninitialised bytes */
	memcpy(p->key, key, len);
	memcpy(p->leaf, leaf, 32);
	return YH_OK;
}

/* Reads the run's next pairs into its buffer; 0 when the run is exhausted. */
static int refill(run *r, int fd)
{
	size_t want = r->left < r->cap ? (size_t)r->left : r->cap, got = 0;
	char *p = (char *)r->buf;

	while (got < want * sizeof(pair)) {
		ssize_t n = pread(fd, p + got, want * sizeof(pair) - got, r->next + (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return yh_error_set(YH_EIO, "cannot read back the rows being sorted: %s",
			                    n < 0 ? strerror(errno) : "the temporary file is short");
		got += (size_t)n;
	}
	r->next += (off_t)got;
	r->left -= want;
	r->len = want;
	r->pos = 0;
	return want > 0;
}

/* heap of run indices, smallest current key on top */
static int run_less(const run *runs, size_t a, size_t b)
{
	int c = strcmp(runs[a].buf[runs[a].pos].key, runs[b].buf[runs[b].pos].key);

	return c < 0 || (c == 0 && a < b);
}

static void sift_down(size_t *h, size_t n, const run *runs, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i, t;

		if (l < n && run_less(runs, h[l], h[m]))
			m = l;
		if (r < n && run_less(runs, h[r], h[m]))
			m = r;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/* Merges the spilled runs into the root.  The sort buffer is shared among the runs as their
 * read buffers (one pair each at least), so the memory stays the budget plus a small index. */
static int merge(yh_keyed_root *k)
{
	size_t nr = k->nruns, share, i, nh = 0;
	run *runs = calloc(nr, sizeof(*runs));
	size_t *h = calloc(nr, sizeof(*h));
	pair *area = NULL;
	off_t off = 0;
	int rc;

	if (!runs || !h) {
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		goto done;
	}
	share = k->cap / nr ? k->cap / nr : 1;
	if (share * nr > k->cap) {
		if (!(area = malloc(share * nr * sizeof(pair)))) {
			rc = yh_error_set(YH_ENOMEM, "out of memory");
			goto done;
		}
	}
	for (i = 0; i < nr; i++) {
		runs[i].next = off;
		runs[i].left = k->runs[i];
		runs[i].buf = (area ? area : k->buf) + i * share;
		runs[i].cap = share;
		off += (off_t)(k->runs[i] * sizeof(pair));
		if ((rc = refill(&runs[i], k->fd)) < 0)
			goto done;
		if (rc)
			h[nh++] = i;
	}
	for (i = nh / 2; i-- > 0;)
		sift_down(h, nh, runs, i);
	while (nh > 0) {
		run *r = &runs[h[0]];

		fold(k, &r->buf[r->pos]);
		if (++r->pos == r->len) {
			if ((rc = refill(r, k->fd)) < 0)
				goto done;
			if (rc == 0)
				h[0] = h[--nh];
		}
		sift_down(h, nh, runs, 0);
	}
	rc = YH_OK;
done:
	free(area);
	free(runs);
	free(h);
	return rc;
}

int yh_keyed_root_finish(yh_keyed_root *k, unsigned char root[32], uint64_t *count,
                         char dup[YH_KEY_MAX])
{
	size_t i;
	int rc;

	if (k->mode == YH_KEYED_SORT) {
		if (k->nruns == 0) {
			/* everything fitted in memory: one sort, no file (qsort must not be given NULL) */
			if (k->n)
				qsort(k->buf, k->n, sizeof(pair), cmp_pair);
			for (i = 0; i < k->n; i++)
				fold(k, &k->buf[i]);
		} else if ((k->n && (rc = spill(k)) < 0) || (rc = merge(k)) < 0) {
			return rc;
		}
	}
	yh_merkle_root(root, k->m);
	*count = k->count;
	memcpy(dup, k->dup, YH_KEY_MAX);
	return YH_OK;
}
