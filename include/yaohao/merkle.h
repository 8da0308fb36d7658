/*
 * yaohao/merkle.h — register digests as RFC 6962 Merkle tree roots.
 *
 * leaf hash = SHA-256(0x00 || row), node = SHA-256(0x01 || left || right);
 * for n > 1 leaves the left subtree holds the largest power of two below n;
 * the root of no leaves is SHA-256 of nothing.  Rows are fed in key order and
 * the root is built in one pass with O(log n) memory.
 *
 * A row is encoded canonically as its fields in column order, each as a
 * 4-byte big-endian length followed by the bytes (docs/spec.md).
 */
#ifndef YAOHAO_MERKLE_H
#define YAOHAO_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define YH_HASH_BYTES 32

typedef struct yh_merkle yh_merkle;

int yh_merkle_new(yh_merkle **out);
void yh_merkle_free(yh_merkle *m);

/* Adds one leaf whose data is `len` bytes at `data`. */
void yh_merkle_add(yh_merkle *m, const void *data, size_t len);

/* Adds one row given as n fields: the leaf data is the canonical row encoding. */
int yh_merkle_add_row(yh_merkle *m, const char *const *fields, size_t n);

/* The root of the leaves added so far (the tree stays usable). */
void yh_merkle_root(unsigned char out[YH_HASH_BYTES], const yh_merkle *m);

uint64_t yh_merkle_count(const yh_merkle *m);

/* The canonical encoding of a row into buf (size bytes); returns the length,
 * or 0 when it does not fit. */
size_t yh_merkle_encode_row(unsigned char *buf, size_t size, const char *const *fields, size_t n);

#ifdef __cplusplus
}
#endif
#endif
