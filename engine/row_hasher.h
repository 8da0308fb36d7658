/*
 * row_hasher.h — private: the leaves of a register's rows (docs/spec.md §2) hashed and folded
 * into a keyed root (keyed_root.h) on a second thread, so that the thread reading the file
 * only parses and encodes.  Rows reach the root in the order they were added; the result is
 * the same with one thread or two.
 */
#ifndef YH_ENGINE_ROW_HASHER_H
#define YH_ENGINE_ROW_HASHER_H

#include <stddef.h>

#include "keyed_root.h"

typedef struct yh_row_hasher yh_row_hasher;

/* root: owned by the caller, used by the hasher until finish; threads: 1 hashes on the calling
 * thread, 2 on a worker, 0 picks by the number of processors. */
int yh_row_hasher_new(yh_row_hasher **out, yh_keyed_root *root, int threads);

/* One row: its key and its encoded leaf data (yh_merkle_encode_row), copied.  YH_OK, or what
 * yh_keyed_root_add returned for this row or, with a worker, for an earlier one (an error, or
 * YH_KEYED_DISORDER): the caller stops adding then. */
int yh_row_hasher_add(yh_row_hasher *h, const char *key, const unsigned char *row, size_t len);

/* The same for a row given as its fields and their lengths (key: a C string of klen bytes;
 * lens[i] the bytes of fields[i]), encoded (§2) straight into the hasher's batch. */
int yh_row_hasher_add_fields(yh_row_hasher *h, const char *key, size_t klen,
                             const char *const *fields, const size_t *lens, size_t n);

/* Waits for every row added to be in the root; the first failure, as add. */
int yh_row_hasher_finish(yh_row_hasher *h);

void yh_row_hasher_free(yh_row_hasher *h);

#endif
