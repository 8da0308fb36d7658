/* row_sort.c — an import's rows in key order, in bounded memory (row_sort.h).
 *
 * A row is kept as one record: u32 record length, u64 line, then per value u32 length and the
 * bytes.  Records are appended to an arena and sorted through an index of their offsets (a
 * stable merge sort: the comparison also takes the line, so equal keys stay in file order);
 * runs spilled to the temporary file are those records in sorted order, back to back, and are
 * merged through a binary heap with one read buffer per run. */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "row_sort.h"
#include "error.h"

#define HEADER (4 + 8)
#define IDX_BYTES (2 * sizeof(size_t)) /* per record in memory: the index and the sort's copy */
#define RUN_BUF_MIN ((size_t)4 << 10)
#define RUN_BUF_MAX ((size_t)1 << 20)
#define WRITE_BUF ((size_t)1 << 20)

static size_t budget_override;
static atomic_uint_fast64_t runs_total;

typedef struct {
	uint64_t pos, end;   /* the run's bytes not yet read from the file: [pos, end) */
	char *buf;
	size_t cap, at, len; /* buf[at, len): read, not yet taken */
	const char *rec;     /* the run's current record (inside buf), NULL once it is done */
} run;

struct yh_row_sort {
	size_t ncolumns, nkey, budget;
	char *arena;
	size_t used, arena_cap;
	size_t *idx, nidx, idx_cap, next;
	int fd;
	FILE *out;
	char *out_buf;
	uint64_t file_size;
	run *runs;
	size_t nruns, runs_cap;
	size_t *heap, nheap;  /* run numbers, the smallest current record on top */
	int finished, spilled, pending; /* pending: the top run's record was given, not yet passed */
};

void yh_row_sort_set_budget(size_t bytes)
{
	budget_override = bytes;
}

static uint32_t get32(const char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t get64(const char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static void unpack(const yh_row_sort *s, const char *rec, yh_sorted_row *row)
{
	const char *p = rec + HEADER;
	size_t c;

	row->line = get64(rec + 4);
	for (c = 0; c < s->ncolumns; c++) {
		row->lens[c] = get32(p);
		row->values[c] = p + 4;
		p += 4 + row->lens[c];
	}
}

int yh_row_sort_cmp_key(const char *const *av, const size_t *alen, const char *const *bv,
                        const size_t *blen, size_t nkey)
{
	size_t c;

	for (c = 0; c < nkey; c++) {
		size_t n = alen[c] < blen[c] ? alen[c] : blen[c];
		int r = memcmp(av[c], bv[c], n);

		if (r)
			return r;
		if (alen[c] != blen[c])
			return alen[c] < blen[c] ? -1 : 1;
	}
	return 0;
}

/* Key, then line: the records' order.  Only the key values are walked. */
static int rec_cmp(const yh_row_sort *s, const char *a, const char *b)
{
	const char *pa = a + HEADER, *pb = b + HEADER;
	uint64_t la, lb;
	size_t c;

	for (c = 0; c < s->nkey; c++) {
		size_t na = get32(pa), nb = get32(pb);
		int r = memcmp(pa + 4, pb + 4, na < nb ? na : nb);

		if (r)
			return r;
		if (na != nb)
			return na < nb ? -1 : 1;
		pa += 4 + na;
		pb += 4 + nb;
	}
	la = get64(a + 4);
	lb = get64(b + 4);
	return (la > lb) - (la < lb);
}

int yh_row_sort_new(yh_row_sort **out, size_t ncolumns, size_t nkey, size_t budget)
{
	yh_row_sort *s;

	*out = NULL;
	if (ncolumns == 0 || ncolumns > YH_REGISTER_MAX_COLUMNS || nkey == 0 || nkey > ncolumns)
		return yh_error_set(YH_EINVAL, "a sort of %zu columns by %zu", ncolumns, nkey);
	if (!(s = calloc(1, sizeof(*s))))
		return yh_error_set(YH_ENOMEM, "out of memory");
	s->ncolumns = ncolumns;
	s->nkey = nkey;
	s->budget = budget ? budget : budget_override ? budget_override : YH_ROW_SORT_BUDGET;
	s->fd = -1;
	*out = s;
	return YH_OK;
}

/* Bottom-up merge sort of the index, by rec_cmp. */
static int sort_index(yh_row_sort *s)
{
	size_t *a = s->idx, *b, width, i, n = s->nidx;

	if (n < 2)
		return YH_OK;
	if (!(b = malloc(s->idx_cap * sizeof(*b)))) /* it may become the index: same capacity */
		return yh_error_set(YH_ENOMEM, "out of memory");
	for (width = 1; width < n; width *= 2) {
		for (i = 0; i < n; i += 2 * width) {
			size_t lo = i, mid = i + width < n ? i + width : n;
			size_t hi = i + 2 * width < n ? i + 2 * width : n, x = lo, y = mid, k = lo;

			while (x < mid && y < hi)
				b[k++] = rec_cmp(s, s->arena + a[y], s->arena + a[x]) < 0 ? a[y++] : a[x++];
			while (x < mid)
				b[k++] = a[x++];
			while (y < hi)
				b[k++] = a[y++];
		}
		{
			size_t *t = a;

			a = b;
			b = t;
		}
	}
	if (a != s->idx) { /* the sorted order ended in the copy: keep that one */
		free(s->idx);
		s->idx = a;
	} else {
		free(b);
	}
	return YH_OK;
}

static int open_file(yh_row_sort *s)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int n;

	if (!dir || !*dir)
		dir = "/tmp";
	n = snprintf(path, sizeof(path), "%s/yaohao-sort-XXXXXX", dir);
	if (n < 0 || (size_t)n >= sizeof(path))
		return yh_error_set(YH_EIO, "the temporary folder's name is too long: '%s'", dir);
	if ((s->fd = mkstemp(path)) < 0)
		return yh_error_set(YH_EIO, "cannot make a temporary file in '%s': %s", dir,
		                    strerror(errno));
	/* gone from the folder at once: the file lives while it is open, and no way the import
	 * ends (an error, a signal, a crash) can leave it behind */
	unlink(path);
	if (!(s->out = fdopen(s->fd, "w+")) || !(s->out_buf = malloc(WRITE_BUF)))
		return yh_error_set(YH_ENOMEM, "out of memory");
	setvbuf(s->out, s->out_buf, _IOFBF, WRITE_BUF);
	return YH_OK;
}

/* The records in memory, sorted, as the next run of the temporary file. */
static int spill(yh_row_sort *s)
{
	size_t i;
	int rc;

	if (s->fd < 0 && (rc = open_file(s)) < 0)
		return rc;
	if ((rc = sort_index(s)) < 0)
		return rc;
	if (s->nruns == s->runs_cap) {
		size_t cap = s->runs_cap ? s->runs_cap * 2 : 16;
		run *p = realloc(s->runs, cap * sizeof(*p));

		if (!p)
			return yh_error_set(YH_ENOMEM, "out of memory");
		s->runs = p;
		s->runs_cap = cap;
	}
	memset(&s->runs[s->nruns], 0, sizeof(run));
	s->runs[s->nruns].pos = s->file_size;
	for (i = 0; i < s->nidx; i++) {
		const char *rec = s->arena + s->idx[i];
		size_t len = get32(rec);

		if (fwrite(rec, 1, len, s->out) != len)
			return yh_error_set(YH_EIO, "cannot write the import's temporary file: %s",
			                    strerror(errno));
		s->file_size += len;
	}
	s->runs[s->nruns++].end = s->file_size;
	atomic_fetch_add(&runs_total, 1);
	s->used = 0;
	s->nidx = 0;
	s->spilled = 1;
	return YH_OK;
}

int yh_row_sort_add(yh_row_sort *s, uint64_t line, const char *const *values, const size_t *lens)
{
	size_t c, len = HEADER;
	uint32_t n32;
	char *p;
	int rc;

	if (s->finished)
		return yh_error_set(YH_ERROR, "a row added to a finished sort");
	for (c = 0; c < s->ncolumns; c++) {
		if (lens[c] > UINT32_MAX - 4)
			return yh_error_set(YH_EINVAL, "a value is too long");
		len += 4 + lens[c];
	}
	if (len > UINT32_MAX)
		return yh_error_set(YH_EINVAL, "a row is too long");
	if (s->nidx && s->used + len + (s->nidx + 1) * IDX_BYTES > s->budget &&
	    (rc = spill(s)) < 0)
		return rc;
	if (s->used + len > s->arena_cap) {
		/* a budget's worth at once: malloc maps it, and only the pages written count */
		size_t cap = s->arena_cap ? s->arena_cap * 2 : s->budget;

		if (cap < s->used + len)
			cap = s->used + len;
		if (!(p = realloc(s->arena, cap)))
			return yh_error_set(YH_ENOMEM, "out of memory");
		s->arena = p;
		s->arena_cap = cap;
	}
	if (s->nidx == s->idx_cap) {
		size_t cap = s->idx_cap ? s->idx_cap * 2 : 1024, *q = realloc(s->idx, cap * sizeof(*q));

		if (!q)
			return yh_error_set(YH_ENOMEM, "out of memory");
		s->idx = q;
		s->idx_cap = cap;
	}
	s->idx[s->nidx++] = s->used;
	p = s->arena + s->used;
	n32 = (uint32_t)len;
	memcpy(p, &n32, 4);
	memcpy(p + 4, &line, 8);
	p += HEADER;
	for (c = 0; c < s->ncolumns; c++) {
		n32 = (uint32_t)lens[c];
		memcpy(p, &n32, 4);
		if (lens[c])
			memcpy(p + 4, values[c], lens[c]);
		p += 4 + lens[c];
	}
	s->used += len;
	return YH_OK;
}

/* Makes r->rec the run's next record, or NULL when it has none left. */
static int run_advance(yh_row_sort *s, run *r)
{
	for (;;) {
		size_t avail = r->len - r->at, need = HEADER;

		if (avail >= 4) {
			need = get32(r->buf + r->at);
			if (need < HEADER)
				return yh_error_set(YH_EIO, "the import's temporary file is damaged");
			if (avail >= need) {
				r->rec = r->buf + r->at;
				r->at += need;
				return YH_OK;
			}
		}
		if (r->pos == r->end) {
			r->rec = NULL;
			if (avail)
				return yh_error_set(YH_EIO, "the import's temporary file is damaged");
			return YH_OK;
		}
		/* keep the partial record at the front and read more behind it */
		memmove(r->buf, r->buf + r->at, r->len - r->at);
		r->len -= r->at;
		r->at = 0;
		if (need > r->cap) {
			char *p = realloc(r->buf, need);

			if (!p)
				return yh_error_set(YH_ENOMEM, "out of memory");
			r->buf = p;
			r->cap = need;
		}
		while (r->len < r->cap && r->pos < r->end) {
			size_t want = r->cap - r->len;
			ssize_t got;

			if (want > r->end - r->pos)
				want = (size_t)(r->end - r->pos);
			got = pread(s->fd, r->buf + r->len, want, (off_t)r->pos);
			if (got <= 0) {
				if (got < 0 && errno == EINTR)
					continue;
				return yh_error_set(YH_EIO, "cannot read the import's temporary file: %s",
				                    got < 0 ? strerror(errno) : "it is shorter than written");
			}
			r->len += (size_t)got;
			r->pos += (uint64_t)got;
		}
	}
}

static int heap_less(const yh_row_sort *s, size_t i, size_t j)
{
	return rec_cmp(s, s->runs[s->heap[i]].rec, s->runs[s->heap[j]].rec) < 0;
}

static void sift_down(yh_row_sort *s, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i, t;

		if (l < s->nheap && heap_less(s, l, m))
			m = l;
		if (r < s->nheap && heap_less(s, r, m))
			m = r;
		if (m == i)
			return;
		t = s->heap[i];
		s->heap[i] = s->heap[m];
		s->heap[m] = t;
		i = m;
	}
}

int yh_row_sort_finish(yh_row_sort *s)
{
	size_t i, bufsize;
	int rc;

	if (s->finished)
		return YH_OK;
	s->finished = 1;
	if (!s->spilled)
		return sort_index(s);
	if (s->nidx && (rc = spill(s)) < 0)
		return rc;
	if (fflush(s->out) != 0)
		return yh_error_set(YH_EIO, "cannot write the import's temporary file: %s",
		                    strerror(errno));
	/* the rows are on disk now: give the memory back before the merge */
	free(s->arena);
	free(s->idx);
	s->arena = NULL;
	s->idx = NULL;
	s->arena_cap = s->idx_cap = 0;
	bufsize = s->budget / s->nruns;
	bufsize = bufsize < RUN_BUF_MIN ? RUN_BUF_MIN : bufsize > RUN_BUF_MAX ? RUN_BUF_MAX : bufsize;
	if (!(s->heap = malloc(s->nruns * sizeof(*s->heap))))
		return yh_error_set(YH_ENOMEM, "out of memory");
	for (i = 0; i < s->nruns; i++) {
		run *r = &s->runs[i];

		if (!(r->buf = malloc(bufsize)))
			return yh_error_set(YH_ENOMEM, "out of memory");
		r->cap = bufsize;
		if ((rc = run_advance(s, r)) < 0)
			return rc;
		if (r->rec)
			s->heap[s->nheap++] = i;
	}
	for (i = s->nheap / 2; i-- > 0;)
		sift_down(s, i);
	return YH_OK;
}

int yh_row_sort_next(yh_row_sort *s, yh_sorted_row *row)
{
	int rc;

	if (!s->finished)
		return yh_error_set(YH_ERROR, "a sort read before it is finished");
	if (!s->spilled) {
		if (s->next == s->nidx)
			return 0;
		unpack(s, s->arena + s->idx[s->next++], row);
		return 1;
	}
	if (s->pending && s->nheap) {
		run *r = &s->runs[s->heap[0]];

		if ((rc = run_advance(s, r)) < 0)
			return rc;
		if (!r->rec)
			s->heap[0] = s->heap[--s->nheap];
		sift_down(s, 0);
	}
	s->pending = 0;
	if (!s->nheap)
		return 0;
	unpack(s, s->runs[s->heap[0]].rec, row);
	s->pending = 1;
	return 1;
}

uint64_t yh_row_sort_runs_total(void)
{
	return atomic_load(&runs_total);
}

size_t yh_row_sort_runs(const yh_row_sort *s)
{
	return s->nruns;
}

void yh_row_sort_free(yh_row_sort *s)
{
	size_t i;

	if (!s)
		return;
	if (s->out)
		fclose(s->out); /* closes fd too */
	else if (s->fd >= 0)
		close(s->fd);
	free(s->out_buf);
	for (i = 0; i < s->nruns; i++)
		free(s->runs[i].buf);
	free(s->runs);
	free(s->heap);
	free(s->arena);
	free(s->idx);
	free(s);
}
