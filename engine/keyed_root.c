/* keyed_root.c — a register's Merkle root in key order from rows in any order: folded as the
 * rows arrive when they come sorted, else through the import's external merge sort
 * (row_sort.c) in bounded memory. */
#include <stdlib.h>
#include <string.h>

#include "yaohao/merkle.h"
#include "keyed_root.h"
#include "row_sort.h"
#include "error.h"

struct yh_keyed_root {
	yh_keyed_mode mode;
	yh_merkle *m;
	uint64_t count, added;
	char prev[YH_KEY_MAX], dup[YH_KEY_MAX];
	yh_row_sort *sort;           /* sorting mode: (key, leaf) records */
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
	int rc;

	*out = NULL;
	if (!k || yh_merkle_new(&k->m) < 0) {
		free(k);
		return yh_error_set(YH_ENOMEM, "out of memory");
	}
	k->mode = mode;
	/* records of two values, the key and the leaf, ordered by the key (budget 0: the sort's) */
	if (mode == YH_KEYED_SORT && (rc = yh_row_sort_new(&k->sort, 2, 1, budget)) < 0) {
		yh_keyed_root_free(k);
		return rc;
	}
	*out = k;
	return YH_OK;
}

void yh_keyed_root_free(yh_keyed_root *k)
{
	if (!k)
		return;
	yh_merkle_free(k->m);
	yh_row_sort_free(k->sort);
	free(k);
}

uint64_t yh_keyed_root_runs(const yh_keyed_root *k)
{
	return k->sort ? yh_row_sort_runs(k->sort) : 0;
}

/* Folds the next (key, leaf) in key order into the root, noting the first key seen twice. */
static void fold(yh_keyed_root *k, const char *key, const unsigned char *leaf)
{
	if (k->count && !*k->dup && strcmp(key, k->prev) == 0)
		strcpy(k->dup, key);
	strcpy(k->prev, key);
	yh_merkle_add_hash(k->m, leaf);
	k->count++;
}

int yh_keyed_root_add(yh_keyed_root *k, const char *key, const unsigned char leaf[32])
{
	size_t len = strlen(key);

	if (len >= YH_KEY_MAX)
		return yh_error_set(YH_EINVAL, "key is too long: '%s'", key);
	if (k->mode == YH_KEYED_STREAM) {
		if (k->count && strcmp(key, k->prev) < 0)
			return YH_KEYED_DISORDER;
		fold(k, key, leaf);
		return YH_OK;
	}
	{
		const char *values[2] = { key, (const char *)leaf };
		const size_t lens[2] = { len, 32 };

		return yh_row_sort_add(k->sort, ++k->added, values, lens);
	}
}

int yh_keyed_root_finish(yh_keyed_root *k, unsigned char root[32], uint64_t *count,
                         char dup[YH_KEY_MAX])
{
	yh_sorted_row row;
	char key[YH_KEY_MAX];
	int rc;

	if (k->mode == YH_KEYED_SORT) {
		if ((rc = yh_row_sort_finish(k->sort)) < 0)
			return rc;
		while ((rc = yh_row_sort_next(k->sort, &row)) > 0) {
			/* the sort gives back what was added: a key shorter than YH_KEY_MAX, 32 bytes */
			memcpy(key, row.values[0], row.lens[0]);
			key[row.lens[0]] = '\0';
			fold(k, key, (const unsigned char *)row.values[1]);
		}
		if (rc < 0)
			return rc;
	}
	yh_merkle_root(root, k->m);
	*count = k->count;
	memcpy(dup, k->dup, YH_KEY_MAX);
	return YH_OK;
}
