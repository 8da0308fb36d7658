/* testutil.c — helpers shared by the Check unit suites (see testutil.h). */
#include <dirent.h>
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

/* ---- running a suite ---------------------------------------------------------------------- */

int tu_run(Suite *suite)
{
	SRunner *sr;
	int failed;

	if (sodium_init() < 0) {
		fprintf(stderr, "sodium_init failed\n");
		return EXIT_FAILURE;
	}
	sr = srunner_create(suite);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

TCase *tu_tcase(Suite *s, const char *name, unsigned flags, unsigned timeout)
{
	TCase *tc = tcase_create(name);

	if (flags & TU_TMPDIR)
		tcase_add_checked_fixture(tc, tu_setup, tu_teardown);
	if (timeout)
		tcase_set_timeout(tc, timeout);
	suite_add_tcase(s, tc);
	return tc;
}

char *tu_dir;

void tu_buf_add(tu_buf *b, const void *data, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->s = realloc(b->s, cap);
		ck_assert_msg(b->s != NULL, "out of memory");
		b->cap = cap;
	}
	if (n)
		memcpy(b->s + b->len, data, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void tu_buf_str(tu_buf *b, const char *s)
{
	tu_buf_add(b, s, strlen(s));
}

void tu_buf_fmt(tu_buf *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	ck_assert_msg(n >= 0 && (size_t)n < sizeof(tmp), "tu_buf_fmt overflow");
	tu_buf_add(b, tmp, (size_t)n);
}

char *tu_buf_take(tu_buf *b)
{
	if (!b->s)
		tu_buf_add(b, "", 0);
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

size_t tu_dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	ck_assert_msg(d != NULL, "cannot open '%s'", dir);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

char *tu_read(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	tu_buf b = { 0 };
	char tmp[65536];
	size_t n;

	ck_assert_msg(fp != NULL, "cannot read %s: %s", path, strerror(errno));
	while ((n = fread(tmp, 1, sizeof(tmp), fp)) > 0)
		tu_buf_add(&b, tmp, n);
	ck_assert_msg(!ferror(fp), "read error on %s", path);
	fclose(fp);
	if (len)
		*len = b.len;
	return tu_buf_take(&b);
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

yh_task *tu_task(const char *json)
{
	yh_task *t = NULL;
	int rc = yh_task_parse(&t, json, strlen(json), "test.json");

	ck_assert_msg(rc == YH_OK, "yh_task_parse failed: %d %s\n%s", rc, yh_error_message(), json);
	ck_assert_ptr_nonnull(t);
	return t;
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
	yh_import_options o = YH_IMPORT_OPTIONS_INIT;

	if (opt)
		o = *opt;
	else
		o = (yh_import_options)YH_IMPORT_OPTIONS_INIT;
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
	tu_buf *b = ctx;
	size_t i;

	for (i = 0; i < n; i++) {
		ck_assert_ptr_nonnull(values[i]);
		if (i)
			tu_buf_str(b, "|");
		tu_buf_str(b, values[i]);
	}
	tu_buf_str(b, "\n");
	return 0;
}

char *tu_register_dump(yh_store *store, yh_register_kind kind, uint64_t as_of)
{
	tu_buf b = { 0 };
	int rc = yh_register_foreach(store, kind, as_of, dump_row, &b);

	ck_assert_msg(rc == YH_OK, "yh_register_foreach: %d %s", rc, yh_error_message());
	return tu_buf_take(&b);
}

uint64_t tu_register_count(yh_store *store, yh_register_kind kind, uint64_t as_of)
{
	uint64_t n = 0;
	int rc = yh_register_count(&n, store, kind, as_of);

	ck_assert_msg(rc == YH_OK, "yh_register_count: %d %s", rc, yh_error_message());
	return n;
}

void tu_export_registers(yh_store *store, uint64_t as_of)
{
	static const struct { yh_register_kind kind; const char *file; } regs[] = {
		{ YH_REGISTER_ENTITIES, "entities.csv" }, { YH_REGISTER_INSPECTORS, "inspectors.csv" },
		{ YH_REGISTER_CONFLICTS, "conflicts.csv" },
	};
	size_t i;

	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		FILE *fp = fopen(tu_path(regs[i].file), "wb");

		ck_assert_ptr_nonnull(fp);
		ck_assert_int_eq(yh_register_export(fp, store, regs[i].kind, as_of), YH_OK);
		ck_assert_int_eq(fclose(fp), 0);
	}
}

typedef struct {
	const char *key;
	char *found;
} row_search;

static int find_row(void *ctx, const char *const *values, size_t n)
{
	row_search *s = ctx;
	tu_buf b = { 0 };

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
	tu_buf b = { 0 };
	size_t t;

	for (t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		sqlite3_stmt *st = NULL;
		int step, i;

		ck_assert_int_eq(sqlite3_prepare_v2(store->db, tables[t], -1, &st, NULL), SQLITE_OK);
		tu_buf_fmt(&b, "== %s\n", tables[t]);
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			for (i = 0; i < sqlite3_column_count(st); i++) {
				if (i)
					tu_buf_str(&b, "|");
				if (sqlite3_column_type(st, i) == SQLITE_BLOB &&
				    sqlite3_column_bytes(st, i) > 256) { /* a transcript: its digest stands for it */
					unsigned char h[32];

					crypto_hash_sha256(h, sqlite3_column_blob(st, i),
					                   (unsigned long long)sqlite3_column_bytes(st, i));
					tu_buf_str(&b, "sha256:");
					tu_buf_str(&b, tu_hex(h, 32));
				} else if (sqlite3_column_type(st, i) == SQLITE_BLOB)
					tu_buf_str(&b, tu_hex(sqlite3_column_blob(st, i),
					                  (size_t)sqlite3_column_bytes(st, i)));
				else if (sqlite3_column_type(st, i) == SQLITE_NULL)
					tu_buf_str(&b, "NULL");
				else
					tu_buf_str(&b, (const char *)sqlite3_column_text(st, i));
			}
			tu_buf_str(&b, "\n");
		}
		ck_assert_int_eq(step, SQLITE_DONE);
		sqlite3_finalize(st);
	}
	return tu_buf_take(&b);
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

void tu_unhex(unsigned char *out, size_t n, const char *hex)
{
	size_t len = 0;

	ck_assert_msg(strlen(hex) == 2 * n, "tu_unhex: '%s' is not %zu bytes", hex, n);
	ck_assert_int_eq(sodium_hex2bin(out, n, hex, 2 * n, NULL, &len, NULL), 0);
	ck_assert_uint_eq(len, n);
}

/* ---- JSON ------------------------------------------------------------------------------------ */

json_t *tu_json(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, 0, &err);

	ck_assert_msg(j != NULL, "bad JSON (%s): %.200s", err.text, text);
	return j;
}

const char *tu_jstr(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	TU_REQUIRE(json_is_string(v), "member '%s' is not a string", key);
	return json_string_value(v);
}

json_int_t tu_jint(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	TU_REQUIRE(json_is_integer(v), "member '%s' is not an integer", key);
	return json_integer_value(v);
}

static json_t *find_check(json_t *rep, const char *name)
{
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(rep, "checks"), i, c)
		if (strcmp(json_string_value(json_object_get(c, "check")), name) == 0)
			return c;
	return NULL;
}

const char *tu_check_status(json_t *rep, const char *name)
{
	json_t *c = find_check(rep, name);

	return c ? json_string_value(json_object_get(c, "status")) : "absent";
}

const char *tu_check_detail(json_t *rep, const char *name)
{
	json_t *c = find_check(rep, name);

	return c ? json_string_value(json_object_get(c, "detail")) : "";
}

/* ---- numbers and keys ------------------------------------------------------------------------ */

uint64_t tu_rng(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 2685821657736338717ull;
}

void tu_sha256_label(unsigned char out[32], const char *label)
{
	crypto_hash_sha256(out, (const unsigned char *)label, strlen(label));
}

yh_key *tu_key_from_label(const char *label)
{
	unsigned char seed[32];
	yh_key *key = NULL;

	tu_sha256_label(seed, label);
	ck_assert_msg(yh_key_from_seed(&key, seed) == YH_OK, "yh_key_from_seed: %s", yh_error_message());
	ck_assert_ptr_nonnull(key);
	return key;
}

void tu_resign(json_t *doc, const yh_key *key)
{
	unsigned char sig[64];
	char *canonical;

	json_object_del(doc, "signature");
	canonical = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	ck_assert_ptr_nonnull(canonical);
	yh_key_sign(sig, key, canonical, strlen(canonical));
	json_object_set_new(doc, "signature", json_string(tu_hex(sig, 64)));
	free(canonical);
}

/* ---- docs/spec.md ------------------------------------------------------------------------------ */

static void put_tag(tu_buf *b, const char *tag)
{
	tu_buf_add(b, tag, strlen(tag) + 1); /* the ASCII and one zero byte */
}

static void put_u32(tu_buf *b, size_t n)
{
	unsigned char be[4] = { (unsigned char)(n >> 24), (unsigned char)(n >> 16),
	                        (unsigned char)(n >> 8), (unsigned char)n };

	ck_assert_uint_lt(n, 1ull << 32);
	tu_buf_add(b, be, 4);
}

static void hash_buf(unsigned char out[32], tu_buf *b)
{
	crypto_hash_sha256(out, (const unsigned char *)tu_buf_take(b), b->len);
	free(b->s);
}

void tu_spec_task_digest(unsigned char out[32], const char *canonical)
{
	tu_buf b = { 0 };

	put_tag(&b, "yaohao:task:v1");
	tu_buf_str(&b, canonical);
	hash_buf(out, &b);
}

void tu_spec_commitment(unsigned char out[32], const unsigned char secret[32])
{
	tu_buf b = { 0 };

	put_tag(&b, "yaohao:commit:v1");
	tu_buf_add(&b, secret, 32);
	hash_buf(out, &b);
}

void tu_spec_announcement_digest(unsigned char out[32], const char *canonical)
{
	tu_buf b = { 0 };

	put_tag(&b, "yaohao:announcement:v2");
	tu_buf_str(&b, canonical);
	hash_buf(out, &b);
}

void tu_spec_seed(unsigned char out[32], const unsigned char announcement_digest[32],
                  const unsigned char secret[32], const char *value)
{
	tu_buf b = { 0 };

	put_tag(&b, "yaohao:seed:v2");
	tu_buf_add(&b, announcement_digest, 32);
	tu_buf_add(&b, secret, 32);
	put_u32(&b, strlen(value));
	tu_buf_str(&b, value);
	hash_buf(out, &b);
}

/* PAD32(x): the ASCII of x, then zero bytes up to 32 in all (x is shorter than 32). */
static void put_pad32(tu_buf *b, const char *tag)
{
	unsigned char pad[32] = { 0 };

	ck_assert_uint_lt(strlen(tag), 32);
	memcpy(pad, tag, strlen(tag));
	tu_buf_add(b, pad, 32);
}

void tu_spec_ticket(unsigned char out[32], const unsigned char seed[32], const char *id)
{
	tu_buf b = { 0 };

	tu_buf_add(&b, seed, 32);
	put_pad32(&b, "yaohao:ticket:v2");
	tu_buf_str(&b, id);
	hash_buf(out, &b);
}

void tu_spec_officer_ticket(unsigned char out[32], const unsigned char seed[32], uint32_t level,
                            const char *officer_id)
{
	tu_buf b = { 0 };

	tu_buf_add(&b, seed, 32);
	put_pad32(&b, "yaohao:officer:v2");
	put_u32(&b, level);
	tu_buf_str(&b, officer_id);
	hash_buf(out, &b);
}

void tu_spec_pair_ticket(unsigned char out[32], const unsigned char seed[32], const char *entity_id,
                         const char *officer_id)
{
	tu_buf b = { 0 };

	tu_buf_add(&b, seed, 32);
	put_pad32(&b, "yaohao:pair:v2");
	tu_buf_str(&b, entity_id);
	tu_buf_str(&b, officer_id);
	hash_buf(out, &b);
}

/* ---- canonical JSON (§3), written from the spec -------------------------------------------- */

/* The UTF-16 code units of UTF-8 text (at most max; the count). */
static size_t utf16_units(uint16_t *out, size_t max, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	while (*p) {
		uint32_t c;
		int more;

		if (*p < 0x80) {
			c = *p;
			more = 0;
		} else if ((*p & 0xe0) == 0xc0) {
			c = *p & 0x1f;
			more = 1;
		} else if ((*p & 0xf0) == 0xe0) {
			c = *p & 0x0f;
			more = 2;
		} else {
			c = *p & 0x07;
			more = 3;
		}
		for (p++; more > 0; more--, p++) {
			TU_REQUIRE((*p & 0xc0) == 0x80, "not UTF-8: %s", s);
			c = (c << 6) | (*p & 0x3f);
		}
		TU_REQUIRE(n + 2 < max, "a member name too long");
		if (c >= 0x10000) {     /* two surrogates, which sort below U+E000..U+FFFF */
			c -= 0x10000;
			out[n++] = (uint16_t)(0xd800 + (c >> 10));
			out[n++] = (uint16_t)(0xdc00 + (c & 0x3ff));
		} else {
			out[n++] = (uint16_t)c;
		}
	}
	return n;
}

static int cmp_utf16(const void *a, const void *b)
{
	static uint16_t x[4096], y[4096];
	size_t nx = utf16_units(x, 4096, *(const char *const *)a);
	size_t ny = utf16_units(y, 4096, *(const char *const *)b), i;

	for (i = 0; i < nx && i < ny; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return nx < ny ? -1 : nx > ny;
}

static void put_string(tu_buf *b, const char *s)
{
	tu_buf_str(b, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"')
			tu_buf_str(b, "\\\"");
		else if (c == '\\')
			tu_buf_str(b, "\\\\");
		else if (c == '\b')
			tu_buf_str(b, "\\b");
		else if (c == '\f')
			tu_buf_str(b, "\\f");
		else if (c == '\n')
			tu_buf_str(b, "\\n");
		else if (c == '\r')
			tu_buf_str(b, "\\r");
		else if (c == '\t')
			tu_buf_str(b, "\\t");
		else if (c < 0x20)
			tu_buf_fmt(b, "\\u%04x", c);
		else
			tu_buf_add(b, s, 1);
	}
	tu_buf_str(b, "\"");
}

static void put_value(tu_buf *b, json_t *v)
{
	size_t i, n;

	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char **keys, *key;
		json_t *m;

		n = json_object_size(v);
		keys = calloc(n + 1, sizeof(*keys));
		ck_assert_ptr_nonnull(keys);
		i = 0;
		json_object_foreach(v, key, m)
			keys[i++] = key;
		if (n)
			qsort(keys, n, sizeof(*keys), cmp_utf16);
		tu_buf_str(b, "{");
		for (i = 0; i < n; i++) {
			if (i)
				tu_buf_str(b, ",");
			put_string(b, keys[i]);
			tu_buf_str(b, ":");
			put_value(b, json_object_get(v, keys[i]));
		}
		tu_buf_str(b, "}");
		free(keys);
		break;
	}
	case JSON_ARRAY:
		tu_buf_str(b, "[");
		for (i = 0; i < json_array_size(v); i++) {
			if (i)
				tu_buf_str(b, ",");
			put_value(b, json_array_get(v, i));
		}
		tu_buf_str(b, "]");
		break;
	case JSON_STRING:
		put_string(b, json_string_value(v));
		break;
	case JSON_INTEGER:
		tu_buf_fmt(b, "%lld", (long long)json_integer_value(v));
		break;
	case JSON_TRUE:
		tu_buf_str(b, "true");
		break;
	case JSON_FALSE:
		tu_buf_str(b, "false");
		break;
	case JSON_NULL:
		tu_buf_str(b, "null");
		break;
	default:
		ck_abort_msg("tu_spec_canonical: a real number");
	}
}

char *tu_spec_canonical(json_t *value)
{
	tu_buf b = { 0 };

	put_value(&b, value);
	return tu_buf_take(&b);
}

json_t *tu_spec_announcement_of(json_t *doc)
{
	static const char *const drawn[] = { "entropy_value", "secret", "seed", "selected", "reserves",
	                                     "ledger", "signer", "signature" };
	json_t *a = json_deep_copy(doc), *st;
	size_t i;

	ck_assert_ptr_nonnull(a);
	for (i = 0; i < sizeof(drawn) / sizeof(drawn[0]); i++)
		json_object_del(a, drawn[i]);
	json_array_foreach(json_object_get(a, "strata"), i, st)
		json_object_del(st, "cutoff");
	json_object_set_new(a, "format", json_string("yaohao-announcement/2"));
	return a;
}

void tu_spec_rebuilt_digest(unsigned char out[32], json_t *doc)
{
	json_t *a = tu_spec_announcement_of(doc);
	char *text = tu_spec_canonical(a);

	tu_spec_announcement_digest(out, text);
	free(text);
	json_decref(a);
}

void tu_spec_ledger_hash(unsigned char out[32], const yh_ledger_entry *e)
{
	tu_buf b = { 0 };
	unsigned char seq[8];
	int i;

	for (i = 0; i < 8; i++)
		seq[i] = (unsigned char)(e->seq >> (56 - 8 * i));
	put_tag(&b, "yaohao:ledger-entry:v1");
	tu_buf_add(&b, seq, 8);
	tu_buf_add(&b, e->prev_hash, 32);
	put_u32(&b, strlen(e->kind));
	tu_buf_str(&b, e->kind);
	put_u32(&b, strlen(e->payload));
	tu_buf_str(&b, e->payload);
	hash_buf(out, &b);
}

typedef struct {
	const unsigned char *public_key;
	char key_id[YH_KEY_ID_CHARS + 1];
	uint64_t n;
	unsigned char last[32];
} ledger_walk;

static int check_entry(void *ctx, const yh_ledger_entry *e)
{
	ledger_walk *w = ctx;
	unsigned char h[32];
	tu_buf msg = { 0 };

	TU_REQUIRE(e->seq == w->n + 1, "entry %llu after entry %llu", (unsigned long long)e->seq,
	           (unsigned long long)w->n);
	TU_REQUIRE(memcmp(e->prev_hash, w->last, 32) == 0, "entry %llu: prev_hash %s, the entry before "
	           "has %s", (unsigned long long)e->seq, tu_hex(e->prev_hash, 32), tu_hex(w->last, 32));
	tu_spec_ledger_hash(h, e);
	TU_REQUIRE(memcmp(h, e->hash, 32) == 0, "entry %llu: hash %s, the spec gives %s",
	           (unsigned long long)e->seq, tu_hex(e->hash, 32), tu_hex(h, 32));
	if (w->public_key) {
		TU_REQUIRE(e->signature != NULL, "entry %llu (%s) is not signed", (unsigned long long)e->seq,
		           e->kind);
		TU_REQUIRE_STR(e->key_id, w->key_id);
		put_tag(&msg, "yaohao:ledger-signature:v1");
		tu_buf_add(&msg, e->hash, 32);
		TU_REQUIRE(crypto_sign_verify_detached(e->signature, (const unsigned char *)msg.s, msg.len,
		                                       w->public_key) == 0,
		           "entry %llu: the signature does not verify", (unsigned long long)e->seq);
		free(msg.s);
	}
	memcpy(w->last, e->hash, 32);
	w->n++;
	return 0;
}

uint64_t tu_ledger_check(yh_store *store, const unsigned char *public_key)
{
	ledger_walk w;
	int rc;

	memset(&w, 0, sizeof(w));
	w.public_key = public_key;
	if (public_key)
		yh_key_id_of(w.key_id, public_key);
	rc = yh_ledger_foreach(store, 1, check_entry, &w);
	ck_assert_msg(rc == YH_OK, "yh_ledger_foreach: %d %s", rc, yh_error_message());
	ck_assert_uint_eq(w.n, tu_ledger_head(store));
	return w.n;
}

/* MTH(D[lo, hi)) of RFC 6962 over the rows' leaf data. */
static void mth(unsigned char out[32], const char *const *rows, size_t nfields, size_t lo, size_t hi)
{
	tu_buf b = { 0 };
	size_t k = 1, f;

	if (hi - lo == 1) {
		tu_buf_add(&b, "\0", 1);
		for (f = 0; f < nfields; f++) {
			put_u32(&b, strlen(rows[lo * nfields + f]));
			tu_buf_str(&b, rows[lo * nfields + f]);
		}
	} else {
		unsigned char l[32], r[32];

		while (2 * k < hi - lo)   /* the largest power of two smaller than the count */
			k *= 2;
		mth(l, rows, nfields, lo, lo + k);
		mth(r, rows, nfields, lo + k, hi);
		tu_buf_add(&b, "\1", 1);
		tu_buf_add(&b, l, 32);
		tu_buf_add(&b, r, 32);
	}
	hash_buf(out, &b);
}

void tu_spec_root(unsigned char out[32], const char *const *rows, size_t nfields, size_t nrows)
{
	if (nrows == 0)
		crypto_hash_sha256(out, (const unsigned char *)"", 0);
	else
		mth(out, rows, nfields, 0, nrows);
}

/* ---- SQLite ------------------------------------------------------------------------------------ */

sqlite3 *tu_sql_open(const char *path)
{
	sqlite3 *db = NULL;

	ck_assert_msg(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) ==
	              SQLITE_OK, "sqlite3_open_v2(%s): %s", path, db ? sqlite3_errmsg(db) : "?");
	return db;
}

void tu_sql_exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		ck_abort_msg("%s: %s", sql, err ? err : "?");
}

static sqlite3_stmt *one_row(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
	              sqlite3_errmsg(db));
	ck_assert_msg(sqlite3_step(st) == SQLITE_ROW, "%s: no row (%s)", sql, sqlite3_errmsg(db));
	return st;
}

long long tu_sql_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = one_row(db, sql);
	long long v = sqlite3_column_int64(st, 0);

	sqlite3_finalize(st);
	return v;
}

char *tu_sql_text(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = one_row(db, sql);
	const unsigned char *t = sqlite3_column_text(st, 0);
	char *v = strdup(t ? (const char *)t : "");

	sqlite3_finalize(st);
	ck_assert_ptr_nonnull(v);
	return v;
}

void tu_sql_close(sqlite3 *db)
{
	ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
}

void tu_spec_transcript_sha256(unsigned char out[32], json_t *doc)
{
	json_t *t = json_deep_copy(doc);
	char *text;

	ck_assert_ptr_nonnull(t);
	json_object_del(t, "ledger");
	json_object_del(t, "signer");
	json_object_del(t, "signature");
	json_object_set_new(t, "format", json_string("yaohao-transcript/2"));
	text = tu_spec_canonical(t);
	crypto_hash_sha256(out, (const unsigned char *)text, strlen(text));
	free(text);
	json_decref(t);
}

int64_t tu_day_number(const char *date)
{
	int64_t y = strtol(date, NULL, 10), m = strtol(date + 5, NULL, 10), d = strtol(date + 8, NULL, 10);
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void tu_spec_windows(json_t **earlier, json_t **excluded, json_t **recent, const char *date, int64_t x,
                     int64_t p, json_t *const *draws, size_t n)
{
	int64_t wide = x > p ? x : p;
	char **ids = NULL, **pairs = NULL, **named = NULL;
	size_t nids = 0, npairs = 0, nnamed = 0, i, j, k;

	*earlier = json_array();
	*excluded = json_array();
	*recent = json_array();
	for (i = 0; i < n; i++) {
		const char *task_id = tu_jstr(draws[i], "task_id");
		const char *when = tu_jstr(json_object_get(draws[i], "task"), "draw_date");
		int64_t age = tu_day_number(date) - tu_day_number(when);
		unsigned char sha[32];
		json_t *e, *m;
		tu_buf b = { 0 };

		/* an earlier draw: dated on or before the task, within the larger window */
		if (age < 0 || wide <= 0 || age > wide)
			continue;
		tu_spec_transcript_sha256(sha, draws[i]);
		tu_buf_fmt(&b, "%s\x01%s\x01%s", task_id, when, tu_hex(sha, 32));
		named = realloc(named, (nnamed + 1) * sizeof(*named));
		named[nnamed++] = tu_buf_take(&b);
		json_array_foreach(json_object_get(draws[i], "selected"), j, e) {
			if (x > 0 && age <= x) {
				ids = realloc(ids, (nids + 1) * sizeof(*ids));
				ids[nids++] = strdup(tu_jstr(e, "id"));
			}
			if (p > 0 && age <= p)
				json_array_foreach(json_object_get(e, "team"), k, m) {
					/* sorted as the rows (entity, officer, "recent:" task) */
					tu_buf r = { 0 };

					tu_buf_fmt(&r, "%s\x01%s\x01recent:%s", tu_jstr(e, "id"), tu_jstr(m, "id"), task_id);
					pairs = realloc(pairs, (npairs + 1) * sizeof(*pairs));
					pairs[npairs++] = tu_buf_take(&r);
				}
		}
	}
	if (nnamed)
		qsort(named, nnamed, sizeof(*named), cmp_cstr);
	if (nids)
		qsort(ids, nids, sizeof(*ids), cmp_cstr);
	if (npairs)
		qsort(pairs, npairs, sizeof(*pairs), cmp_cstr);
	for (i = 0; i < nnamed; i++) {
		char *a = named[i], *b = strchr(a, '\x01'), *c;

		*b++ = '\0';
		c = strchr(b, '\x01');
		*c++ = '\0';
		json_array_append_new(*earlier, json_pack("{s:s, s:s, s:s}", "task_id", a, "draw_date", b,
		                                          "transcript_sha256", c));
		free(a);
	}
	for (i = 0; i < nids; i++) {
		if (i == 0 || strcmp(ids[i - 1], ids[i]) != 0)
			json_array_append_new(*excluded, json_string(ids[i]));
	}
	for (i = 0; i < nids; i++)
		free(ids[i]);
	for (i = 0; i < npairs; i++) {
		char *a = pairs[i], *b = strchr(a, '\x01'), *c;

		*b++ = '\0';
		c = strchr(b, '\x01');
		*c++ = '\0';
		json_array_append_new(*recent, json_pack("{s:s, s:s, s:s}", "entity_id", a, "inspector_id", b,
		                                         "task_id", c + 7));
		free(a);
	}
	free(ids);
	free(pairs);
	free(named);
}

/* ---- canonical register files (§1), read here ------------------------------------------------ */

/* One line's fields (RFC 4180); *p is moved past the line end.  0 at the end of the text. */
static size_t csv_line(char **fields, size_t max, const char **p)
{
	const char *s = *p;
	size_t n = 0;

	if (!*s)
		return 0;
	for (;;) {
		tu_buf f = { 0 };

		if (*s == '"') {
			for (s++;; s++) {
				TU_REQUIRE(*s, "an unclosed quote");
				if (*s == '"' && s[1] == '"')
					tu_buf_add(&f, s++, 1);
				else if (*s == '"')
					break;
				else
					tu_buf_add(&f, s, 1);
			}
			s++;
		} else {
			while (*s && *s != ',' && *s != '\n' && *s != '\r')
				tu_buf_add(&f, s++, 1);
		}
		TU_REQUIRE(n < max, "a line with more than %zu fields", max);
		fields[n++] = tu_buf_take(&f);
		if (*s == ',') {
			s++;
			continue;
		}
		if (*s == '\r')
			s++;
		TU_REQUIRE(*s == '\n', "a line does not end with LF");
		*p = s + 1;
		return n;
	}
}

char **tu_csv_rows(const char *path, size_t nfields, size_t *nrows)
{
	char *text = tu_read(path, NULL), **rows = NULL, *f[64];
	const char *p = text;
	size_t n, cap = 0, i;

	if (strncmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	n = csv_line(f, 64, &p);
	TU_REQUIRE(n == nfields, "%s: a header of %zu columns, expected %zu", path, n, nfields);
	for (i = 0; i < n; i++)
		free(f[i]);
	*nrows = 0;
	while ((n = csv_line(f, 64, &p)) > 0) {
		TU_REQUIRE(n == nfields, "%s: row %zu has %zu fields", path, *nrows + 1, n);
		if ((*nrows + 1) * nfields > cap) {
			cap = cap ? cap * 2 : 64 * nfields;
			rows = realloc(rows, cap * sizeof(char *));
			ck_assert_ptr_nonnull(rows);
		}
		memcpy(rows + *nrows * nfields, f, nfields * sizeof(char *));
		(*nrows)++;
	}
	free(text);
	return rows;
}

void tu_csv_free(char **rows, size_t nfields, size_t nrows)
{
	size_t i;

	for (i = 0; i < nfields * nrows; i++)
		free(rows[i]);
	free(rows);
}

void tu_spec_file_root(unsigned char out[32], const char *path, size_t nfields, size_t *nrows)
{
	size_t n;
	char **rows = tu_csv_rows(path, nfields, &n);

	tu_spec_root(out, (const char *const *)rows, nfields, n);
	tu_csv_free(rows, nfields, n);
	if (nrows)
		*nrows = n;
}

yh_store *tu_food_store(yh_key **key)
{
	static const struct { yh_register_kind kind; const char *file; } regs[] = {
		{ YH_REGISTER_ENTITIES, "entities.csv" }, { YH_REGISTER_INSPECTORS, "inspectors.csv" },
		{ YH_REGISTER_CONFLICTS, "conflicts.csv" }, { YH_REGISTER_ITEMS, "items.csv" },
	};
	yh_commit_options opt = YH_COMMIT_OPTIONS_INIT;
	yh_draw_result res;
	yh_import_report rep;
	yh_task *task = NULL;
	yh_store *store;
	unsigned char secret[32];
	uint64_t seq;
	size_t i;
	int rc;

	setenv("SOURCE_DATE_EPOCH", TU_FOOD_DRAW_EPOCH, 1);
	*key = tu_key_from_label(TU_VECTOR_KEY);
	store = tu_store_new();
	ck_assert_msg(yh_store_set_key(store, *key) == YH_OK, "%s", yh_error_message());
	for (i = 0; i < 4; i++)
		tu_import_ok(&rep, store, regs[i].kind, tu_fixture(regs[i].file), NULL);
	ck_assert_int_eq(yh_task_load_file(&task, tu_fixture("task-food.json")), YH_OK);
	ck_assert_int_eq(yh_task_add(&seq, store, task), YH_OK);
	yh_task_free(task);
	crypto_hash_sha256(secret, (const unsigned char *)"yaohao test vector food", 23);
	opt.entropy_source = "test vector: a fixed public value";
	opt.secret = secret;
	rc = yh_draw_commit(NULL, &seq, store, TU_FOOD_TASK, &opt);
	ck_assert_msg(rc == YH_OK, "commit: %s", yh_error_message());
	rc = yh_draw_run(NULL, &res, store, TU_FOOD_TASK, "public value for food", NULL);
	ck_assert_msg(rc == YH_OK, "draw: %s", yh_error_message());
	return store;
}
