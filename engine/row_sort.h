/* row_sort.h — private: the rows of an import put in key order in bounded memory (an external
 * merge sort).  Rows are added in file order; while they fit in the memory budget they are
 * sorted in memory, and past it each full buffer is sorted and spilled as a run to one
 * temporary file in $TMPDIR (else /tmp), which is unlinked as soon as it is made: it never
 * outlives the process, whatever way the import ends.  The runs are then merged as they are
 * read back.  import.c merges the result against the register in one linear pass. */
#ifndef YH_ENGINE_ROW_SORT_H
#define YH_ENGINE_ROW_SORT_H

#include <stddef.h>
#include <stdint.h>

#include "register.h"

/* The default memory budget: about 450,000 entity rows before the first spill. */
#define YH_ROW_SORT_BUDGET ((size_t)64 << 20)

typedef struct yh_row_sort yh_row_sort;

/* One row as the sort gives it back: its line in the file and its values (not NUL-terminated),
 * valid until the next yh_row_sort_next. */
typedef struct {
	uint64_t line;
	const char *values[YH_REGISTER_MAX_COLUMNS];
	size_t lens[YH_REGISTER_MAX_COLUMNS];
} yh_sorted_row;

/* Rows of ncolumns values ordered by their first nkey values (bytewise, a shorter value first
 * on a common prefix: SQLite's BINARY order, the order of the register's key index), then by
 * line.  budget: bytes of rows and their index held in memory; 0 means the default
 * (yh_row_sort_set_budget, else YH_ROW_SORT_BUDGET). */
int yh_row_sort_new(yh_row_sort **out, size_t ncolumns, size_t nkey, size_t budget);
/* Adds a row; its values are copied. */
int yh_row_sort_add(yh_row_sort *s, uint64_t line, const char *const *values, const size_t *lens);
/* After the last add: sorts what is in memory, or spills it and starts the merge of the runs. */
int yh_row_sort_finish(yh_row_sort *s);
/* The next row in order: 1 with *row filled, 0 after the last, < 0 on a failure. */
int yh_row_sort_next(yh_row_sort *s, yh_sorted_row *row);
/* How many runs went to the temporary file (0: everything stayed in memory). */
size_t yh_row_sort_runs(const yh_row_sort *s);
/* Frees the memory and closes (and so removes) the temporary file. */
void yh_row_sort_free(yh_row_sort *s);

/* Compares the first nkey values of two rows in the sort's order (lines aside). */
int yh_row_sort_cmp_key(const char *const *av, const size_t *alen, const char *const *bv,
                        const size_t *blen, size_t nkey);

/* For tests: how many runs every sort of this process has spilled. */
uint64_t yh_row_sort_runs_total(void);

/* For tests (not thread-safe): the budget of every sort made with budget 0 from now on; 0 goes
 * back to YH_ROW_SORT_BUDGET. */
void yh_row_sort_set_budget(size_t bytes);

#endif
