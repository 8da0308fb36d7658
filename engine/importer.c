/* importer.c — what the file importers share (importer.h). */
#include <stdio.h>

#include "importer.h"
#include "error.h"

void yh_diag_vemit(yh_diag_sink *sink, uint64_t line, const char *column, int warning,
                   yh_hint hint, const char *fmt, va_list ap)
{
	char msg[1024];
	yh_diagnostic d;

	if (!sink->fn || sink->reported >= sink->max)
		return;
	sink->reported++;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	d.file = sink->path;
	d.line = line;
	d.column = column;
	d.message = msg;
	d.warning = warning;
	d.hint = hint;
	sink->fn(sink->ctx, &d);
}

int yh_import_rows(yh_csv *csv, const int *column_of, size_t nheader, uint64_t *rows,
                   yh_import_row_fn row, yh_import_unparsed_fn unparsed, void *ctx)
{
	int r;

	while ((r = yh_csv_next(csv)) != 0) {
		if (r < 0) {
			size_t f = yh_csv_error_field(csv);
			int column = f >= 1 && f <= nheader ? column_of[f - 1] : -1;
			char msg[600];

			if (r != YH_EDATA)
				return r;
			if (column >= 0)
				snprintf(msg, sizeof(msg), "%s", yh_csv_error_reason(csv));
			else
				snprintf(msg, sizeof(msg), "field %zu: %s", f, yh_csv_error_reason(csv));
			unparsed(ctx, yh_csv_error_line(csv), column, msg);
			continue;
		}
		(*rows)++;
		if ((r = row(ctx, csv)) < 0)
			return r;
	}
	return YH_OK;
}
