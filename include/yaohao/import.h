/*
 * yaohao/import.h — importing a register file (CSV) into the store.
 *
 * An import is all or nothing: the file is read once inside one
 * transaction; any bad row, and nothing from the file is applied.  Every
 * problem found is passed to the caller's diagnostic callback (up to
 * max_errors) with the file, line, column header and reason.  A successful
 * import appends one ledger entry (file SHA-256, counts, options) and tags
 * the row versions it wrote with that entry's sequence.
 *
 * A full import (the default) makes the register equal to the file: rows
 * absent from it are closed.  A partial import (partial = 1) only adds and
 * changes the rows it holds.
 */
#ifndef YAOHAO_IMPORT_H
#define YAOHAO_IMPORT_H

#include <stdint.h>

#include "common.h"
#include "error.h"
#include "register.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	const char *file;      /* the path as given */
	uint64_t line;         /* 1-based physical line; the header is line 1 */
	const char *column;    /* the column's header as written in the file, or NULL */
	const char *message;   /* lower case, no trailing period */
	int warning;           /* 1: reported but does not stop the import */
	yh_hint hint;          /* what the user could do about it, or YH_HINT_NONE */
} yh_diagnostic;

typedef void (*yh_diagnostic_fn)(void *ctx, const yh_diagnostic *diag);
typedef void (*yh_progress_fn)(void *ctx, uint64_t bytes_done, uint64_t bytes_total,
                               uint64_t rows);

#define YH_IMPORT_OPTIONS_VERSION 1
#define YH_IMPORT_OPTIONS_INIT { .version = YH_IMPORT_OPTIONS_VERSION }

typedef struct {
	unsigned int version;         /* YH_IMPORT_OPTIONS_VERSION: initialise with YH_IMPORT_OPTIONS_INIT */
	const char *encoding;         /* "utf-8", "gb18030" or "gbk"; NULL: UTF-8, or GB18030 when the
	                                 file is not UTF-8 but is GB18030 (a warning on line 1 says so) */
	int partial;                  /* 1: leave rows absent from the file as they are */
	int accept_bad_check;         /* 1: accept credit codes whose check character fails */
	int dry_run;                  /* 1: validate only, change nothing */
	unsigned max_errors;          /* diagnostics passed on; 0 means 100 */
	yh_diagnostic_fn on_diagnostic;
	void *diagnostic_ctx;
	yh_progress_fn on_progress;   /* bytes_done of bytes_total (the file's size; 0 when unknown):
	                                 reading the file counts for the first half, writing its
	                                 rows in key order for the second */
	void *progress_ctx;
} yh_import_options;

typedef struct {
	uint64_t seq;                 /* ledger sequence of the import; 0 if nothing was written */
	uint64_t rows;                /* data rows read */
	uint64_t added, changed, unchanged, closed;
	uint64_t errors, warnings;    /* all found, including those past max_errors */
	uint64_t bad_check_accepted;  /* credit codes accepted under accept_bad_check */
	unsigned char sha256[32];     /* of the file's bytes */
} yh_import_report;

/*
 * Imports `path` into register `kind`.  YH_OK when applied (or, on a dry
 * run, when valid); YH_EDATA when the file has errors (report->errors > 0);
 * YH_EIO when it cannot be read; YH_ESTORE on a store failure.  The report
 * is filled in every case.
 */
YH_EXTERN int yh_import_file(yh_import_report *report, yh_store *store, yh_register_kind kind,
                             const char *path, const yh_import_options *options) YH_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
