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
#include <string.h>

#include <check.h>
#include <jansson.h>
#include <sqlite3.h>

#include "yaohao/yaohao.h"

#ifndef YAOHAO_FIXTURES_DIR
#error "YAOHAO_FIXTURES_DIR must be defined by the build"
#endif
#ifndef YAOHAO_TEST_DATA_DIR
#error "YAOHAO_TEST_DATA_DIR must be defined by the build"
#endif

/* ---- running a suite ------------------------------------------------------------------- */

/* Runs every test of the suite (after sodium_init()) and returns the exit
 * status of the program: EXIT_SUCCESS when none failed. */
int tu_run(Suite *suite);

/* The whole main() of a suite's program. */
#define TU_MAIN(suite_fn) \
	int main(void) \
	{ \
		return tu_run(suite_fn()); \
	}

/* A test case named `name`, added to s: with flags TU_TMPDIR it runs each test
 * between tu_setup() and tu_teardown(); timeout in seconds, 0 for Check's. */
#define TU_TMPDIR 1
TCase *tu_tcase(Suite *s, const char *name, unsigned flags, unsigned timeout);

/* Check marks every passing ck_assert with a write(2); loops over thousands of
 * rows use these instead, which only act on a failure. */
#define TU_REQUIRE(cond, ...) do { if (!(cond)) ck_abort_msg(__VA_ARGS__); } while (0)
#define TU_REQUIRE_STR(a, b) do { \
	const char *a_ = (a), *b_ = (b); \
	if (!a_ || !b_ || strcmp(a_, b_) != 0) \
		ck_abort_msg("%s == %s: '%s' != '%s'", #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
} while (0)
#define TU_REQUIRE_INT(a, b) do { \
	long long a_ = (long long)(a), b_ = (long long)(b); \
	if (a_ != b_) \
		ck_abort_msg("%s == %s: %lld != %lld", #a, #b, a_, b_); \
} while (0)

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
size_t tu_dir_entries(const char *dir);           /* entries other than . and .. */
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

/* The three registers as of a sequence, as yaohao export writes them, into tu_dir's
 * entities.csv, inspectors.csv and conflicts.csv. */
void tu_export_registers(yh_store *store, uint64_t as_of);

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

/* The n bytes written in `hex` (exactly 2n hex digits, or the test aborts). */
void tu_unhex(unsigned char *out, size_t n, const char *hex);

/* A task parsed from JSON text (source "test.json"); the test aborts if it is refused. */
yh_task *tu_task(const char *json);

/* ---- text, JSON and numbers ------------------------------------------------------------- */

/* A growable NUL-terminated string; start from { 0 }, free(b.s) when done. */
typedef struct {
	char *s;
	size_t len, cap;
} tu_buf;

void tu_buf_add(tu_buf *b, const void *data, size_t n);
void tu_buf_str(tu_buf *b, const char *s);
void tu_buf_fmt(tu_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *tu_buf_take(tu_buf *b);                     /* b->s, never NULL ("" when empty) */

/* Parses JSON text (the test aborts if it is not JSON). */
json_t *tu_json(const char *text);

/* A member that must be a string / an integer (the test aborts if it is not). */
const char *tu_jstr(json_t *obj, const char *key);
json_int_t tu_jint(json_t *obj, const char *key);

/* The status of the check named `name` in a verification report ({"checks":
 * [{"check", "status", "detail"}…]}), "absent" if there is none; its detail, or "". */
const char *tu_check_status(json_t *rep, const char *name);
const char *tu_check_detail(json_t *rep, const char *name);

/* xorshift64*: the next number of a fixed sequence for a fixed (non-zero) seed. */
uint64_t tu_rng(uint64_t *state);

/* SHA-256 of a label's bytes: pinned secrets and key seeds. */
void tu_sha256_label(unsigned char out[32], const char *label);

/* The Ed25519 key whose seed is SHA-256(label); "yaohao test vector key" is the
 * key tests/vectors/mkvectors.c signs the vectors with. */
#define TU_VECTOR_KEY "yaohao test vector key"
yh_key *tu_key_from_label(const char *label);

/* Signs doc anew with key, as publish would (spec §13): Ed25519 over its canonical text without
 * "signature" (jansson's sorted compact dump: the keys the tests change are ASCII). */
void tu_resign(json_t *doc, const yh_key *key);

/* A new store (tu_store_new) signed with the vectors' key (*key: free it after the store is
 * closed), the four fixture registers imported and task-food.json drawn as
 * tests/vectors/mkvectors.c draws it: the draw of fixtures/vectors/food, which
 * fixtures/results.csv fits.  $SOURCE_DATE_EPOCH is left at the draw, 2026-12-01T00:00:00Z. */
#define TU_FOOD_DRAW_EPOCH "1796083200"
#define TU_FOOD_TASK "T-2026-12-FOOD"
yh_store *tu_food_store(yh_key **key);

/* ---- docs/spec.md (format /2), recomputed here ------------------------------------------
 * Independent of the engine's code: each lays out the bytes the spec names
 * (TAG(x) = the ASCII of x and one zero byte, PAD32(x) = the ASCII of x and zero bytes up
 * to 32 in all, u32 = 4 bytes big-endian) and hashes them with one crypto_hash_sha256 call. */

void tu_spec_task_digest(unsigned char out[32], const char *canonical);              /* §3 */
void tu_spec_commitment(unsigned char out[32], const unsigned char secret[32]);      /* §6 */
/* TAG("yaohao:announcement:v2") ‖ canonical announcement */
void tu_spec_announcement_digest(unsigned char out[32], const char *canonical);      /* §6 */
/* TAG("yaohao:seed:v2") ‖ announcement digest ‖ secret ‖ u32(len value) ‖ value */
void tu_spec_seed(unsigned char out[32], const unsigned char announcement_digest[32],
                  const unsigned char secret[32], const char *value);                /* §7 */
/* seed ‖ PAD32("yaohao:ticket:v2") ‖ id */
void tu_spec_ticket(unsigned char out[32], const unsigned char seed[32], const char *id); /* §8 */
/* seed ‖ PAD32("yaohao:officer:v2") ‖ u32(level) ‖ officer id */
void tu_spec_officer_ticket(unsigned char out[32], const unsigned char seed[32], uint32_t level,
                            const char *officer_id);                                 /* §9 */
/* seed ‖ PAD32("yaohao:pair:v2") ‖ entity id ‖ officer id */
void tu_spec_pair_ticket(unsigned char out[32], const unsigned char seed[32], const char *entity_id,
                         const char *officer_id);                                   /* §9 */

/* The canonical text of §3 (RFC 8785 for yaohao's documents: members sorted by UTF-16 code
 * units, no whitespace, the spec's string escapes, integers only), written here from the spec
 * (malloc'd). */
char *tu_spec_canonical(json_t *value);

/* §10: the announcement rebuilt from a transcript or a draw document (a new value): the draw's
 * members removed, cutoff removed from each stratum, format "yaohao-announcement/2". */
json_t *tu_spec_announcement_of(json_t *transcript_or_document);

/* The announcement digest of a transcript or document, rebuilt as above (§6, §10). */
void tu_spec_rebuilt_digest(unsigned char out[32], json_t *transcript_or_document);

/* The hash of a ledger entry (§11). */
void tu_spec_ledger_hash(unsigned char out[32], const yh_ledger_entry *e);

/* Walks the whole ledger checking §11: seq from 1 without a gap, prev_hash the hash before
 * (32 zero bytes for entry 1), hash recomputed with tu_spec_ledger_hash; with public_key, each
 * entry signed by it (libsodium on TAG("yaohao:ledger-signature:v1") ‖ hash) under its key id.
 * Returns the number of entries. */
uint64_t tu_ledger_check(yh_store *store, const unsigned char *public_key);

/* The Merkle root (§2, RFC 6962) over rows[0..nrows) of nfields fields each
 * (row-major), each row's leaf data u32(len) ‖ bytes per field. */
void tu_spec_root(unsigned char out[32], const char *const *rows, size_t nfields, size_t nrows);

/* §10: the SHA-256 of the canonical transcript a transcript or a draw document gives (the
 * document's ledger, signer and signature removed, format "yaohao-transcript/2"). */
void tu_spec_transcript_sha256(unsigned char out[32], json_t *transcript_or_document);

/* Days since 1970-01-01 of a YYYY-MM-DD date, in the civil calendar. */
int64_t tu_day_number(const char *date);

/* §4, §6: the `earlier` list, entities.excluded and recent_pairs of a task dated `date` with the
 * exclusion and pair windows x and p (days, 0: none), from the draws recorded before its commit
 * given as transcripts or documents, in any order.  Each *out is a new JSON array. */
void tu_spec_windows(json_t **earlier, json_t **excluded, json_t **recent, const char *date, int64_t x,
                     int64_t p, json_t *const *draws, size_t n);

/* A canonical register file (§1: a header line, then one line per row, fields separated by
 * ',', a field holding ',' or '"' quoted with '"' doubled; LF or CRLF), read here without the
 * engine: the data rows, nfields each, row-major (*nrows rows; free with tu_csv_free).  The
 * header must have nfields columns. */
char **tu_csv_rows(const char *path, size_t nfields, size_t *nrows);
void tu_csv_free(char **rows, size_t nfields, size_t nrows);

/* The root over every row of a canonical register file, in its row order (§2). */
void tu_spec_file_root(unsigned char out[32], const char *path, size_t nfields, size_t *nrows);

/* ---- SQLite, bypassing the engine ------------------------------------------------------- */

sqlite3 *tu_sql_open(const char *path);           /* read-write */
void tu_sql_exec(sqlite3 *db, const char *sql);   /* aborts with SQLite's message on failure */
long long tu_sql_int(sqlite3 *db, const char *sql);  /* the first column of the one row */
char *tu_sql_text(sqlite3 *db, const char *sql);     /* the same as text (malloc'd) */
void tu_sql_close(sqlite3 *db);

#endif
