/* export.c — a register as canonical CSV, the file verifiers recompute digests from. */
#include <stdio.h>
#include <string.h>

#include "yaohao/register.h"
#include "error.h"

static void put_field(FILE *fp, const char *v)
{
	const char *p;

	if (!strpbrk(v, ",\"")) {
		fputs(v, fp);
		return;
	}
	fputc('"', fp);
	for (p = v; *p; p++) {
		if (*p == '"')
			fputc('"', fp);
		fputc(*p, fp);
	}
	fputc('"', fp);
}

static int put_row(void *ctx, const char *const *values, size_t n)
{
	FILE *fp = ctx;
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			fputc(',', fp);
		put_field(fp, values[i]);
	}
	fputc('\n', fp);
	return ferror(fp) ? yh_error_set(YH_EIO, "cannot write the export") : 0;
}

int yh_register_export(FILE *fp, yh_store *store, yh_register_kind kind, uint64_t as_of)
{
	const yh_register_column *cols;
	const char *names[16];
	size_t n, i;
	int rc;

	n = yh_register_columns(&cols, kind);
	if (n == 0 || n > 16)
		return yh_error_set(YH_EINVAL, "unknown register %d", (int)kind);
	for (i = 0; i < n; i++)
		names[i] = cols[i].name;
	if ((rc = put_row(fp, names, n)) < 0)
		return rc;
	return yh_register_foreach(store, kind, as_of, put_row, fp);
}
