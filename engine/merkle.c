/* merkle.c — streaming RFC 6962 Merkle roots. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "yaohao/merkle.h"
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

static void node(unsigned char out[32], const unsigned char *l, const unsigned char *r)
{
	crypto_hash_sha256_state st;
	const unsigned char one = 0x01;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &one, 1);
	crypto_hash_sha256_update(&st, l, 32);
	crypto_hash_sha256_update(&st, r, 32);
	crypto_hash_sha256_final(&st, out);
}

void yh_merkle_add(yh_merkle *m, const void *data, size_t len)
{
	crypto_hash_sha256_state st;
	const unsigned char zero = 0x00;
	unsigned level = 0;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &zero, 1);
	crypto_hash_sha256_update(&st, data, len);
	crypto_hash_sha256_final(&st, m->stack[m->depth]);
	/* merge equal-sized subtrees, like a binary counter */
	while (m->depth > 0 && m->levels[m->depth - 1] == level) {
		node(m->stack[m->depth - 1], m->stack[m->depth - 1], m->stack[m->depth]);
		m->depth--;
		level++;
	}
	m->levels[m->depth] = level;
	m->depth++;
	m->count++;
}

size_t yh_merkle_encode_row(unsigned char *buf, size_t size, const char *const *fields, size_t n)
{
	size_t i, off = 0;

	for (i = 0; i < n; i++) {
		size_t len = strlen(fields[i]);

		if (off + 4 + len > size || len > 0xffffffffu)
			return 0;
		buf[off++] = (unsigned char)(len >> 24);
		buf[off++] = (unsigned char)(len >> 16);
		buf[off++] = (unsigned char)(len >> 8);
		buf[off++] = (unsigned char)len;
		memcpy(buf + off, fields[i], len);
		off += len;
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
		crypto_hash_sha256(out, NULL, 0);
		return;
	}
	/* fold the subtrees from the smallest (rightmost) to the largest */
	memcpy(acc, m->stack[m->depth - 1], 32);
	for (i = m->depth - 1; i > 0; i--)
		node(acc, m->stack[i - 1], acc);
	memcpy(out, acc, 32);
}

uint64_t yh_merkle_count(const yh_merkle *m)
{
	return m->count;
}
