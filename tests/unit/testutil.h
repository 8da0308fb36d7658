/*
 * testutil.h — helpers shared by the Check unit suites.
 *
 * Every test that touches the file system gets a fresh directory from
 * tu_setup() (a Check checked fixture: it runs in the test's own process)
 * and loses it in tu_teardown().  Helpers that cannot go on abort the test
 * with ck_abort_msg(), so callers need not check their results.
 */
#ifndef YAOHAO_TESTUTIL_H
#define YAOHAO_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include <check.h>

#include "yaohao/yaohao.h"

#ifndef YAOHAO_FIXTURES_DIR
#error "YAOHAO_FIXTURES_DIR must be defined by the build"
#endif
#ifndef YAOHAO_TEST_DATA_DIR
#error "YAOHAO_TEST_DATA_DIR must be defined by the build"
#endif

/* The department code used for test stores. */
#define TU_DEPARTMENT "330100-SCJG"

/* The per-test temporary directory (valid between tu_setup and tu_teardown). */
extern char *tu_dir;

/* Checked fixture: makes tu_dir and pins SOURCE_DATE_EPOCH; tu_teardown
 * removes tu_dir with everything in it.  Test directories are made inside one
 * directory per test program ($TMPDIR or /tmp, "yaohao-unit-XXXXXX"), which
 * is removed when the program exits, with whatever failed tests left there. */
void tu_setup(void);
void tu_teardown(void);

/* A new temporary directory (inside the program's) and a recursive removal. */
char *tu_mkdtemp(void);
void tu_rmtree(const char *dir);

/* Paths, returned in a static ring of buffers (valid for the next 16 calls). */
const char *tu_path(const char *name);            /* tu_dir/name */
const char *tu_fixture(const char *name);         /* YAOHAO_FIXTURES_DIR/name */
const char *tu_data(const char *name);            /* YAOHAO_TEST_DATA_DIR/name */

/* Writing and reading whole files. */
void tu_write(const char *path, const void *data, size_t len);
void tu_write_str(const char *path, const char *s);
char *tu_read(const char *path, size_t *len);     /* malloc'd, NUL-terminated */
int tu_file_exists(const char *path);

/* The text of 1-based physical line `n` of a file (malloc'd, without EOL), or NULL. */
char *tu_file_line(const char *path, unsigned n);

/* Converts UTF-8 text to `encoding` with iconv (malloc'd; *len is set). */
char *tu_iconv(const char *to_encoding, const char *utf8, size_t *len);

/* A new store in tu_dir (file "yaohao.db", department TU_DEPARTMENT). */
yh_store *tu_store_new(void);

/* Diagnostics collected from an import. */
typedef struct {
	uint64_t line;
	char column[128];    /* "" for NULL */
	int has_column;
	char message[512];
	int warning;
	yh_hint hint;
} tu_diag;

typedef struct {
	size_t n;
	tu_diag d[256];
} tu_diags;

/* The callback to put in yh_import_options.on_diagnostic (ctx: tu_diags *). */
void tu_collect(void *ctx, const yh_diagnostic *diag);

/* The first diagnostic on `line` (and, if column is not NULL, with that column), or NULL. */
const tu_diag *tu_diag_find(const tu_diags *ds, uint64_t line, const char *column);

/* Number of non-warning diagnostics. */
size_t tu_diag_errors(const tu_diags *ds);

/* Imports `path` with options (NULL: defaults plus the collector) into `ds`
 * (may be NULL); returns the engine's result code. */
int tu_import(yh_import_report *rep, yh_store *store, yh_register_kind kind, const char *path,
              const yh_import_options *opt, tu_diags *ds);

/* Imports and asserts success. */
void tu_import_ok(yh_import_report *rep, yh_store *store, yh_register_kind kind,
                  const char *path, const yh_import_options *opt);

/* A register as text: one line per row, values joined by '|' (malloc'd). */
char *tu_register_dump(yh_store *store, yh_register_kind kind, uint64_t as_of);

/* The number of rows of a register as of a sequence. */
uint64_t tu_register_count(yh_store *store, yh_register_kind kind, uint64_t as_of);

/* The row whose first value is `key` (values joined by '|', malloc'd), or NULL. */
char *tu_register_row(yh_store *store, yh_register_kind kind, uint64_t as_of, const char *key);

/* The ledger head, and the kind and payload of entry `seq` (malloc'd). */
uint64_t tu_ledger_head(yh_store *store);
char *tu_ledger_payload(yh_store *store, uint64_t seq, char **kind);

/* A fingerprint of the whole store's content: ledger head and hash, and every
 * register's current dump (malloc'd).  Equal fingerprints: nothing changed. */
char *tu_store_fingerprint(yh_store *store);

/* Lowercase hex of n bytes (static ring buffer). */
const char *tu_hex(const unsigned char *p, size_t n);

#endif
