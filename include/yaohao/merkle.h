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

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define YH_HASH_BYTES 32

typedef struct yh_merkle yh_merkle;

YH_EXTERN int yh_merkle_new(yh_merkle **out) YH_WARN_UNUSED;
YH_EXTERN void yh_merkle_free(yh_merkle *m);

/* Adds one leaf whose data is `len` bytes at `data`. */
YH_EXTERN void yh_merkle_add(yh_merkle *m, const void *data, size_t len);

/* Adds one row given as n fields: the leaf data is the canonical row encoding. */
YH_EXTERN int yh_merkle_add_row(yh_merkle *m, const char *const *fields, size_t n) YH_WARN_UNUSED;

/* The root of the leaves added so far (the tree stays usable). */
YH_EXTERN void yh_merkle_root(unsigned char out[YH_HASH_BYTES], const yh_merkle *m);

YH_EXTERN uint64_t yh_merkle_count(const yh_merkle *m);

/* Adds one leaf given by its leaf hash (SHA-256(0x00 || data)). */
YH_EXTERN void yh_merkle_add_hash(yh_merkle *m, const unsigned char leaf_hash[YH_HASH_BYTES]);

/* The leaf hash of data. */
YH_EXTERN void yh_merkle_leaf_hash(unsigned char out[YH_HASH_BYTES], const void *data, size_t len);

/*
 * The RFC 6962 audit path of leaf `index` in the tree of n leaf hashes
 * (leaves[i * 32 ...]): *out gets *npath hashes of 32 bytes (free() it).
 */
YH_EXTERN int yh_merkle_path(unsigned char **out, size_t *npath, const unsigned char *leaves,
                             uint64_t n, uint64_t index) YH_WARN_UNUSED;

/* RFC 9162 §2.1.3.2: YH_OK if path proves leaf_hash at index in a tree of
 * size leaves with the given root, else YH_EDATA. */
YH_EXTERN int yh_merkle_verify_path(const unsigned char root[YH_HASH_BYTES],
                                    const unsigned char leaf_hash[YH_HASH_BYTES], uint64_t index,
                                    uint64_t size, const unsigned char *path,
                                    size_t npath) YH_WARN_UNUSED;

/* The canonical encoding of a row into buf (size bytes); returns the length,
 * or 0 when it does not fit. */
YH_EXTERN size_t yh_merkle_encode_row(unsigned char *buf, size_t size, const char *const *fields,
                                      size_t n) YH_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
