/*
 * keyed_root.h — private: the Merkle root of a register's rows sorted by key (docs/spec.md §2)
 * when the rows may come in any order, in bounded memory.  The caller hashes each row's leaf
 * and passes it with the row's key.
 *
 * Streaming (YH_KEYED_STREAM): the rows must come in ascending key order, as `yaohao export`
 * writes them; each leaf is folded into the root as it arrives (O(log n) memory).  A key that
 * sorts before the previous one is refused with YH_KEYED_DISORDER: the caller starts again in
 * sorting mode (it must be able to read its input twice).
 *
 * Sorting (YH_KEYED_SORT): (key, leaf) records go through the import's external merge sort
 * (row_sort.h): sorted in memory up to a budget, past it spilled in sorted runs to a temporary
 * file in $TMPDIR (unlinked as soon as it is made, so it goes away however the process ends),
 * merged at the end.
 *
 * Either way a key given twice is reported by finish (the smallest such key), not refused.
 */
#ifndef YH_ENGINE_KEYED_ROOT_H
#define YH_ENGINE_KEYED_ROOT_H

#include <stddef.h>
#include <stdint.h>

#define YH_KEY_MAX 24            /* a key is at most 23 bytes and its NUL */
#define YH_KEYED_DISORDER 1      /* yh_keyed_root_add: the key sorts before the previous one */

typedef enum { YH_KEYED_STREAM, YH_KEYED_SORT } yh_keyed_mode;

typedef struct yh_keyed_root yh_keyed_root;

int yh_keyed_root_new(yh_keyed_root **out, yh_keyed_mode mode);

/* key: shorter than YH_KEY_MAX (YH_EINVAL otherwise).  YH_OK, YH_KEYED_DISORDER (streaming
 * only; nothing added), or a negative code (memory, the temporary file). */
int yh_keyed_root_add(yh_keyed_root *k, const char *key, const unsigned char leaf[32]);

/* The root over every pair in key order and their count; dup gets the smallest key given more
 * than once, or "" when none was. */
int yh_keyed_root_finish(yh_keyed_root *k, unsigned char root[32], uint64_t *count,
                         char dup[YH_KEY_MAX]);

/* Sorted runs spilled to the temporary file so far (0: everything fitted in memory). */
uint64_t yh_keyed_root_runs(const yh_keyed_root *k);

void yh_keyed_root_free(yh_keyed_root *k);

/* For tests: the sort's memory budget in bytes (row_sort.h counts a record as its values, 20
 * bytes of header and 16 of index) for roots made from now on (0: the sort's default, 64 MiB);
 * returns the previous value.  Not thread-safe: set it before any work starts. */
size_t yh_keyed_root_set_budget(size_t bytes);

#endif
