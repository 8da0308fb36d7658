/* merkle.c — streaming RFC 6962 Merkle roots. */
#include <stdlib.h>
#include <string.h>

#include "yaohao/merkle.h"
#include "merkle_private.h"
#include "digest.h"
#include "error.h"

/* One perfect subtree per set bit of the leaf count: 64 levels suffice. */
struct yh_merkle {
	unsigned char stack[64][YH_HASH_BYTES];
	unsigned levels[64];
	size_t depth;
	uint64_t count;
	unsigned char *row;
	size_t row_cap;
};

int yh_merkle_new(yh_merkle **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? YH_OK : yh_error_set(YH_ENOMEM, "out of memory");
}

void yh_merkle_free(yh_merkle *m)
{
	if (!m)
		return;
	free(m->row);
	free(m);
}

void yh_merkle_leaf_hash(unsigned char out[YH_HASH_BYTES], const void *data, size_t len)
{
	yh_digest_leaf(out, data, len);
}

void yh_merkle_add(yh_merkle *m, const void *data, size_t len)
{
	unsigned char h[YH_HASH_BYTES];

	yh_merkle_leaf_hash(h, data, len);
	yh_merkle_add_hash(m, h);
}

void yh_merkle_add_hash(yh_merkle *m, const unsigned char leaf_hash[YH_HASH_BYTES])
{
	unsigned level = 0;

	memcpy(m->stack[m->depth], leaf_hash, YH_HASH_BYTES);
	/* merge equal-sized subtrees, like a binary counter */
	while (m->depth > 0 && m->levels[m->depth - 1] == level) {
		yh_digest_node(m->stack[m->depth - 1], m->stack[m->depth - 1], m->stack[m->depth]);
		m->depth--;
		level++;
	}
	m->levels[m->depth] = level;
	m->depth++;
	m->count++;
}

size_t yh_merkle_encoded_len(const size_t *lens, size_t n)
{
	size_t i, need = 4 * n;

	for (i = 0; i < n; i++)
		need += lens[i];
	return need;
}

size_t yh_merkle_encode_fields(unsigned char *buf, const char *const *fields, const size_t *lens,
                               size_t n)
{
	size_t i, off = 0;

	for (i = 0; i < n; i++) {
		size_t len = lens[i];

		buf[off++] = (unsigned char)(len >> 24);
		buf[off++] = (unsigned char)(len >> 16);
		buf[off++] = (unsigned char)(len >> 8);
		buf[off++] = (unsigned char)len;
		memcpy(buf + off, fields[i], len);
		off += len;
	}
	return off;
}

size_t yh_merkle_encode_row(unsigned char *buf, size_t size, const char *const *fields, size_t n)
{
	size_t i, off = 0;

	for (i = 0; i < n; i++) {
		size_t len = strlen(fields[i]);

		if (off + 4 + len > size || len > 0xffffffffu)
			return 0;
		off += yh_merkle_encode_fields(buf + off, fields + i, &len, 1);
	}
	return off;
}

int yh_merkle_add_row(yh_merkle *m, const char *const *fields, size_t n)
{
	size_t need = 0, i, len;

	for (i = 0; i < n; i++)
		need += 4 + strlen(fields[i]);
	if (need > m->row_cap) {
		unsigned char *p = realloc(m->row, need);

		if (!p)
			return yh_error_set(YH_ENOMEM, "out of memory");
		m->row = p;
		m->row_cap = need;
	}
	len = yh_merkle_encode_row(m->row, m->row_cap, fields, n);
	yh_merkle_add(m, m->row, len);
	return YH_OK;
}

void yh_merkle_root(unsigned char out[YH_HASH_BYTES], const yh_merkle *m)
{
	unsigned char acc[32];
	size_t i;

	if (m->depth == 0) {
		yh_digest_empty(out);
		return;
	}
	/* fold the subtrees from the smallest (rightmost) to the largest */
	memcpy(acc, m->stack[m->depth - 1], 32);
	for (i = m->depth - 1; i > 0; i--)
		yh_digest_node(acc, m->stack[i - 1], acc);
	memcpy(out, acc, 32);
}

uint64_t yh_merkle_count(const yh_merkle *m)
{
	return m->count;
}

/* MTH of leaves[lo, hi) */
static void subtree(unsigned char out[32], const unsigned char *leaves, uint64_t lo, uint64_t hi)
{
	uint64_t n = hi - lo, k = 1;
	unsigned char l[32], r[32];

	if (n == 1) {
		memcpy(out, leaves + lo * 32, 32);
		return;
	}
	while (k * 2 < n)
		k *= 2;
	subtree(l, leaves, lo, lo + k);
	subtree(r, leaves, lo + k, hi);
	yh_digest_node(out, l, r);
}

int yh_merkle_path(unsigned char **out, size_t *npath, const unsigned char *leaves, uint64_t n,
                   uint64_t index)
{
	unsigned char *path = malloc(64 * 32), tmp[64][32];
	uint64_t lo = 0, hi = n;
	size_t depth = 0, i;

	*out = NULL;
	*npath = 0;
	if (!path)
		return yh_error_set(YH_ENOMEM, "out of memory");
	if (index >= n) {
		free(path);
		return yh_error_set(YH_EINVAL, "leaf %llu is outside a tree of %llu",
		                    (unsigned long long)index, (unsigned long long)n);
	}
	/* walk down from the root; the sibling subtrees are collected top-down */
	while (hi - lo > 1) {
		uint64_t k = 1;

		while (k * 2 < hi - lo)
			k *= 2;
		if (index < lo + k) {
			subtree(tmp[depth++], leaves, lo + k, hi);
			hi = lo + k;
		} else {
			subtree(tmp[depth++], leaves, lo, lo + k);
			lo += k;
		}
	}
	/* the audit path lists them bottom-up */
	for (i = 0; i < depth; i++)
		memcpy(path + i * 32, tmp[depth - 1 - i], 32);
	*out = path;
	*npath = depth;
	return YH_OK;
}

int yh_merkle_verify_path(const unsigned char root[YH_HASH_BYTES],
                          const unsigned char leaf_hash[YH_HASH_BYTES], uint64_t index, uint64_t size,
                          const unsigned char *path, size_t npath)
{
	uint64_t fn = index, sn;
	unsigned char r[32];
	size_t i;

	if (index >= size)
		return yh_error_set(YH_EDATA, "leaf %llu is outside a tree of %llu",
		                    (unsigned long long)index, (unsigned long long)size);
	sn = size - 1;
	memcpy(r, leaf_hash, 32);
	for (i = 0; i < npath; i++) {
		const unsigned char *p = path + i * 32;

		if (sn == 0)
			return yh_error_set(YH_EDATA, "the audit path is too long");
		if ((fn & 1) || fn == sn) {
			yh_digest_node(r, p, r);
			if (!(fn & 1))
				while (!(fn & 1) && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
		} else {
			yh_digest_node(r, r, p);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0 || memcmp(r, root, 32) != 0)
		return yh_error_set(YH_EDATA, "the audit path does not lead to the committed root");
	return YH_OK;
}
