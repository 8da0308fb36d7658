/* importer.h — private: what the file importers share (import.c: the registers,
 * calendar_import.c: the working-day calendar, result_import.c: results): passing one problem
 * on as a yh_diagnostic, and the walk over the data rows that names a row the CSV reader cannot
 * parse under the column of its field. */
#ifndef YH_ENGINE_IMPORTER_H
#define YH_ENGINE_IMPORTER_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "yaohao/csv.h"
#include "yaohao/import.h"

/* Where an importer's diagnostics go: fn(ctx, …) for at most max of them (*reported counts). */
typedef struct {
	yh_diagnostic_fn fn;
	void *ctx;
	const char *path;
	unsigned max, reported;
} yh_diag_sink;

/* Passes "fmt…" at (line, column header or NULL) on, unless max were passed already. */
void yh_diag_vemit(yh_diag_sink *sink, uint64_t line, const char *column, int warning,
                   yh_hint hint, const char *fmt, va_list ap);

/* Every data row after the header: row(ctx, csv) for each one the reader parses; for one it
 * cannot, unparsed(ctx, line, column, message) with column the importer's column of the faulty
 * field (column_of[field - 1]; -1 when the field is past the header, and the message then names
 * the field) and the walk goes on.  *rows counts the rows parsed.  A failure other than bad
 * data, or row's, stops it. */
typedef int (*yh_import_row_fn)(void *ctx, yh_csv *csv);
typedef void (*yh_import_unparsed_fn)(void *ctx, uint64_t line, int column, const char *message);
int yh_import_rows(yh_csv *csv, const int *column_of, size_t nheader, uint64_t *rows,
                   yh_import_row_fn row, yh_import_unparsed_fn unparsed, void *ctx);

#endif
