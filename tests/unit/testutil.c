/* testutil.c — helpers shared by the Check unit suites (see testutil.h). */
#include <errno.h>
#include <ftw.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "testutil.h"
#include "store/sqlite.h" /* private: struct yh_store, for the fingerprint */

char *tu_dir;

/* A growable string. */
typedef struct {
	char *s;
	size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->s = realloc(b->s, cap);
		ck_assert_msg(b->s != NULL, "out of memory");
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_str(sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void sb_fmt(sbuf *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	ck_assert_msg(n >= 0 && (size_t)n < sizeof(tmp), "sb_fmt overflow");
	sb_add(b, tmp, (size_t)n);
}

static char *sb_take(sbuf *b)
{
	if (!b->s)
		sb_add(b, "", 0);
	return b->s;
}

/*
 * Every test directory lives inside one directory per test program, made
 * before the first test runs and removed when the program exits.  A failed
 * assertion ends a forked test with _exit(), skipping its teardown; what it
 * leaves behind goes with the program's directory.
 */
static char session_dir[4096];
static pid_t session_pid;

static void session_end(void)
{
	if (session_dir[0] && getpid() == session_pid) /* not in forked tests */
		tu_rmtree(session_dir);
}

__attribute__((constructor)) static void session_begin(void)
{
	const char *base = getenv("TMPDIR");

	if (!base || !*base)
		base = "/tmp";
	snprintf(session_dir, sizeof(session_dir), "%s/yaohao-unit-XXXXXX", base);
	if (!mkdtemp(session_dir)) {
		fprintf(stderr, "mkdtemp(%s): %s\n", session_dir, strerror(errno));
		exit(EXIT_FAILURE);
	}
	session_pid = getpid();
	atexit(session_end);
}

char *tu_mkdtemp(void)
{
	char tmpl[4096 + 32];

	snprintf(tmpl, sizeof(tmpl), "%s/test-XXXXXX", session_dir);
	ck_assert_msg(mkdtemp(tmpl) != NULL, "mkdtemp(%s): %s", tmpl, strerror(errno));
	return strdup(tmpl);
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void tu_rmtree(const char *dir)
{
	if (dir)
		nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void tu_setup(void)
{
	tu_dir = tu_mkdtemp();
	/* ledger payloads carry a time: pin it so that runs are reproducible */
	setenv("SOURCE_DATE_EPOCH", "1767225600", 1); /* 2026-01-01T00:00:00Z */
}

void tu_teardown(void)
{
	tu_rmtree(tu_dir);
	free(tu_dir);
	tu_dir = NULL;
}

static char *ring(void)
{
	static char bufs[16][4096];
	static unsigned next;

	return bufs[next++ % 16];
}

const char *tu_path(const char *name)
{
	char *p = ring();

	ck_assert_msg(tu_dir != NULL, "tu_path() outside a test with tu_setup()");
	snprintf(p, 4096, "%s/%s", tu_dir, name);
	return p;
}

const char *tu_fixture(const char *name)
{
	char *p = ring();

	snprintf(p, 4096, "%s/%s", YAOHAO_FIXTURES_DIR, name);
	return p;
}

const char *tu_data(const char *name)
{
	char *p = ring();

	snprintf(p, 4096, "%s/%s", YAOHAO_TEST_DATA_DIR, name);
	return p;
}

void tu_write(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	ck_assert_msg(fp != NULL, "cannot write %s: %s", path, strerror(errno));
	ck_assert_msg(len == 0 || fwrite(data, 1, len, fp) == len, "short write to %s", path);
	ck_assert_int_eq(fclose(fp), 0);
}

void tu_write_str(const char *path, const char *s)
{
	tu_write(path, s, strlen(s));
}

char *tu_read(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	sbuf b = { 0 };
	char tmp[65536];
	size_t n;

	ck_assert_msg(fp != NULL, "cannot read %s: %s", path, strerror(errno));
	while ((n = fread(tmp, 1, sizeof(tmp), fp)) > 0)
		sb_add(&b, tmp, n);
	ck_assert_msg(!ferror(fp), "read error on %s", path);
	fclose(fp);
	if (len)
		*len = b.len;
	return sb_take(&b);
}

int tu_file_exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

char *tu_file_line(const char *path, unsigned n)
{
	size_t len;
	char *all = tu_read(path, &len), *p = all, *end, *out = NULL;
	unsigned i;

	for (i = 1; i < n && p; i++) {
		p = memchr(p, '\n', len - (size_t)(p - all));
		if (p)
			p++;
	}
	if (p && p < all + len) {
		end = memchr(p, '\n', len - (size_t)(p - all));
		if (!end)
			end = all + len;
		if (end > p && end[-1] == '\r')
			end--;
		out = strndup(p, (size_t)(end - p));
	}
	free(all);
	return out;
}

char *tu_iconv(const char *to_encoding, const char *utf8, size_t *len)
{
	iconv_t cd = iconv_open(to_encoding, "UTF-8");
	size_t inleft = strlen(utf8), cap = inleft * 2 + 16, outleft = cap;
	char *out = malloc(cap), *in = (char *)utf8, *o = out;

	ck_assert_msg(cd != (iconv_t)-1, "iconv cannot convert to %s", to_encoding);
	ck_assert_msg(out != NULL, "out of memory");
	ck_assert_msg(iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1,
	              "iconv to %s failed: %s", to_encoding, strerror(errno));
	iconv_close(cd);
	*len = (size_t)(o - out);
	out[*len] = '\0';
	return out;
}

yh_store *tu_store_new(void)
{
	yh_store *store = NULL;
	int rc = yh_store_create(&store, tu_path("yaohao.db"), TU_DEPARTMENT);

	ck_assert_msg(rc == YH_OK, "yh_store_create: %d %s", rc, yh_error_message());
	ck_assert_ptr_nonnull(store);
	return store;
}

void tu_collect(void *ctx, const yh_diagnostic *diag)
{
	tu_diags *ds = ctx;
	tu_diag *d;

	ck_assert_ptr_nonnull(diag);
	ck_assert_ptr_nonnull(diag->message);
	ck_assert_ptr_nonnull(diag->file);
	if (ds->n == sizeof(ds->d) / sizeof(ds->d[0]))
		return;
	d = &ds->d[ds->n++];
	d->line = diag->line;
	d->has_column = diag->column != NULL;
	snprintf(d->column, sizeof(d->column), "%s", diag->column ? diag->column : "");
	snprintf(d->message, sizeof(d->message), "%s", diag->message);
	d->hint = diag->hint;
	d->warning = diag->warning;
}

const tu_diag *tu_diag_find(const tu_diags *ds, uint64_t line, const char *column)
{
	size_t i;

	for (i = 0; i < ds->n; i++)
		if (ds->d[i].line == line && (!column || strcmp(ds->d[i].column, column) == 0))
			return &ds->d[i];
	return NULL;
}

size_t tu_diag_errors(const tu_diags *ds)
{
	size_t i, n = 0;

	for (i = 0; i < ds->n; i++)
		n += !ds->d[i].warning;
	return n;
}

int tu_import(yh_import_report *rep, yh_store *store, yh_register_kind kind, const char *path,
              const yh_import_options *opt, tu_diags *ds)
{
	yh_import_options o;

	if (opt)
		o = *opt;
	else
		memset(&o, 0, sizeof(o));
	if (ds) {
		memset(ds, 0, sizeof(*ds));
		o.on_diagnostic = tu_collect;
		o.diagnostic_ctx = ds;
	}
	return yh_import_file(rep, store, kind, path, &o);
}

void tu_import_ok(yh_import_report *rep, yh_store *store, yh_register_kind kind,
                  const char *path, const yh_import_options *opt)
{
	static tu_diags ds;
	int rc = tu_import(rep, store, kind, path, opt, &ds);

	ck_assert_msg(rc == YH_OK, "import of %s failed: %d %s (first diagnostic: line %llu %s: %s)",
	              path, rc, yh_error_message(),
	              ds.n ? (unsigned long long)ds.d[0].line : 0ULL,
	              ds.n ? ds.d[0].column : "", ds.n ? ds.d[0].message : "");
	ck_assert_uint_eq(rep->errors, 0);
}

static int dump_row(void *ctx, const char *const *values, size_t n)
{
	sbuf *b = ctx;
	size_t i;

	for (i = 0; i < n; i++) {
		ck_assert_ptr_nonnull(values[i]);
		if (i)
			sb_str(b, "|");
		sb_str(b, values[i]);
	}
	sb_str(b, "\n");
	return 0;
}

char *tu_register_dump(yh_store *store, yh_register_kind kind, uint64_t as_of)
{
	sbuf b = { 0 };
	int rc = yh_register_foreach(store, kind, as_of, dump_row, &b);

	ck_assert_msg(rc == YH_OK, "yh_register_foreach: %d %s", rc, yh_error_message());
	return sb_take(&b);
}

uint64_t tu_register_count(yh_store *store, yh_register_kind kind, uint64_t as_of)
{
	uint64_t n = 0;
	int rc = yh_register_count(&n, store, kind, as_of);

	ck_assert_msg(rc == YH_OK, "yh_register_count: %d %s", rc, yh_error_message());
	return n;
}

typedef struct {
	const char *key;
	char *found;
} row_search;

static int find_row(void *ctx, const char *const *values, size_t n)
{
	row_search *s = ctx;
	sbuf b = { 0 };

	if (strcmp(values[0], s->key) != 0)
		return 0;
	ck_assert_msg(s->found == NULL, "two current rows for key %s", s->key);
	dump_row(&b, values, n);
	b.s[b.len - 1] = '\0'; /* drop the newline */
	s->found = b.s;
	return 0;
}

char *tu_register_row(yh_store *store, yh_register_kind kind, uint64_t as_of, const char *key)
{
	row_search s = { key, NULL };
	int rc = yh_register_foreach(store, kind, as_of, find_row, &s);

	ck_assert_msg(rc == YH_OK, "yh_register_foreach: %d %s", rc, yh_error_message());
	return s.found;
}

uint64_t tu_ledger_head(yh_store *store)
{
	uint64_t head = 0;
	int rc = yh_ledger_head(&head, store);

	ck_assert_msg(rc == YH_OK, "yh_ledger_head: %d %s", rc, yh_error_message());
	return head;
}

typedef struct {
	uint64_t seq;
	char *payload, *kind;
} entry_search;

static int find_entry(void *ctx, const yh_ledger_entry *e)
{
	entry_search *s = ctx;

	if (e->seq != s->seq)
		return 0;
	s->payload = strdup(e->payload);
	s->kind = strdup(e->kind);
	return 1;
}

char *tu_ledger_payload(yh_store *store, uint64_t seq, char **kind)
{
	entry_search s = { seq, NULL, NULL };
	int rc = yh_ledger_foreach(store, seq, find_entry, &s);

	ck_assert_msg(rc == 1, "ledger entry %llu not found (%d %s)", (unsigned long long)seq, rc,
	              yh_error_message());
	if (kind)
		*kind = s.kind;
	else
		free(s.kind);
	return s.payload;
}

char *tu_store_fingerprint(yh_store *store)
{
	static const char *const tables[] = {
		"SELECT * FROM meta ORDER BY key",
		"SELECT * FROM ledger ORDER BY seq",
		"SELECT * FROM entity ORDER BY id, valid_from",
		"SELECT * FROM inspector ORDER BY id, valid_from",
		"SELECT * FROM conflict ORDER BY inspector_id, entity_id, valid_from",
		"SELECT * FROM item ORDER BY code, valid_from",
	};
	sbuf b = { 0 };
	size_t t;

	for (t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		sqlite3_stmt *st = NULL;
		int step, i;

		ck_assert_int_eq(sqlite3_prepare_v2(store->db, tables[t], -1, &st, NULL), SQLITE_OK);
		sb_fmt(&b, "== %s\n", tables[t]);
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			for (i = 0; i < sqlite3_column_count(st); i++) {
				if (i)
					sb_str(&b, "|");
				if (sqlite3_column_type(st, i) == SQLITE_BLOB &&
				    sqlite3_column_bytes(st, i) > 256) { /* a transcript: its digest stands for it */
					unsigned char h[32];

					crypto_hash_sha256(h, sqlite3_column_blob(st, i),
					                   (unsigned long long)sqlite3_column_bytes(st, i));
					sb_str(&b, "sha256:");
					sb_str(&b, tu_hex(h, 32));
				} else if (sqlite3_column_type(st, i) == SQLITE_BLOB)
					sb_str(&b, tu_hex(sqlite3_column_blob(st, i),
					                  (size_t)sqlite3_column_bytes(st, i)));
				else if (sqlite3_column_type(st, i) == SQLITE_NULL)
					sb_str(&b, "NULL");
				else
					sb_str(&b, (const char *)sqlite3_column_text(st, i));
			}
			sb_str(&b, "\n");
		}
		ck_assert_int_eq(step, SQLITE_DONE);
		sqlite3_finalize(st);
	}
	return sb_take(&b);
}

const char *tu_hex(const unsigned char *p, size_t n)
{
	static char bufs[4][2 * 256 + 1];
	static unsigned next;
	char *out = bufs[next++ % 4];
	size_t i;

	ck_assert_msg(n <= 256, "tu_hex: too long");
	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * n] = '\0';
	return out;
}
