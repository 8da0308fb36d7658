/*
 * bench.c — yaohao-bench: the reference loops the benchmark compares yaohao with,
 * and a process timer.  Not installed.
 *
 *   yaohao-bench measure OUT -- CMD [ARGS...]   run CMD; write "seconds peak_rss_kb" to OUT
 *   yaohao-bench bare-insert [--sorted] CSV DB the import limits: read the same CSV with the same
 *                                              reader, insert the raw fields with one prepared
 *                                              statement into a table of the register's shape
 *                                              (same keys and index), one transaction; in file
 *                                              (random key) order, or with --sorted in key
 *                                              order: every row read into memory and sorted by
 *                                              id first (the phases' times on stderr)
 *   yaohao-bench limit DB SEQ                  the draw limit: scan the ids of the entity register
 *                                              as of SEQ and hash each once (SHA-256 as a ticket,
 *                                              through the engine's own hardware path)
 *   yaohao-bench hash [N]                      SHA-256 rates of each candidate API (libsodium,
 *                                              OpenSSL's EVP and low-level calls) on the shapes the
 *                                              spec hashes, N hashes each (2,000,000)
 *   yaohao-bench sha-backend                   names the SHA-256 the engine runs on (for the JSON)
 *   yaohao-bench random DB SEQ TRANSCRIPT      the naive peer: per stratum of the transcript,
 *                                              SELECT ... ORDER BY random() LIMIT k (not verifiable)
 *   yaohao-bench pg-copy [--keyed] URI CSV     PostgreSQL's import limit: read the same CSV with the
 *                                              same reader, send the raw fields through one
 *                                              COPY ... FROM STDIN (text) into a plain table of
 *                                              text columns, one transaction; with --keyed the
 *                                              table has the register's keys and index
 *   yaohao-bench pg-limit URI SEQ              PostgreSQL's draw limit: the ids of the entity
 *                                              register as of SEQ through COPY ... TO STDOUT, each
 *                                              hashed once as bench limit does
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
/* the deprecated SHA256_* calls are measured against EVP on purpose (bench hash) */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/sha.h>
#include <sodium.h>
#include <sqlite3.h>
#include <yaohao/yaohao.h>
#ifdef YH_WITH_POSTGRESQL
#include <libpq-fe.h>
#endif

#include "digest.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* This thread's CPU time: rates that other jobs on the machine do not halve by taking turns */
static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int measure(int argc, char **argv)
{
	struct rusage ru;
	double t0 = now(), t;
	int status;
	pid_t pid;
	FILE *fp;

	if (argc < 5 || strcmp(argv[3], "--") != 0)
		return 2;
	pid = fork();
	if (pid == 0) {
		execvp(argv[4], argv + 4);
		perror(argv[4]);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0)
		return 1;
	t = now() - t0;
	if (!(fp = fopen(argv[2], "w")))
		return 1;
	fprintf(fp, "%.3f %ld\n", t, ru.ru_maxrss);
	fclose(fp);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

#define BARE_FIELDS 8

/* The rows of the CSV, kept for --sorted: one allocation per row, its fields back to back. */
typedef struct {
	char *data;
	uint32_t len[BARE_FIELDS];
} bare_row;

static int cmp_bare_row(const void *a, const void *b)
{
	const bare_row *x = a, *y = b;
	size_t n = x->len[0] < y->len[0] ? x->len[0] : y->len[0];
	int c = memcmp(x->data, y->data, n);

	return c ? c : (x->len[0] > y->len[0]) - (x->len[0] < y->len[0]);
}

static int bare_insert(const char *csv_path, const char *db_path, int sorted)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	yh_csv *csv = NULL;
	bare_row *rows = NULL;
	size_t nrows = 0, caprows = 0, k;
	double t0 = now(), t1 = 0, t2 = 0;
	int r, i;

	if (yh_csv_open(&csv, csv_path, NULL) < 0 || sqlite3_open(db_path, &db) != SQLITE_OK)
		return 1;
	sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
	             "PRAGMA cache_size = -262144;"
	             "CREATE TABLE entity (id TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL, "
	             "region TEXT NOT NULL, industry TEXT NOT NULL, risk TEXT NOT NULL, status TEXT NOT NULL, "
	             "abnormal TEXT NOT NULL, valid_from INTEGER NOT NULL, valid_to INTEGER, "
	             "PRIMARY KEY (id, valid_from)) WITHOUT ROWID;"
	             "CREATE UNIQUE INDEX entity_current ON entity (id) WHERE valid_to IS NULL;"
	             "BEGIN", NULL, NULL, NULL);
	if (sqlite3_prepare_v2(db, "INSERT INTO entity VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, NULL)",
	                       -1, &st, NULL) != SQLITE_OK)
		return 1;
	if (yh_csv_next(csv) < 0) /* the header */
		return 1;
	while ((r = yh_csv_next(csv)) > 0) {
		if (sorted) { /* kept, inserted after the sort below */
			size_t total = 0;
			char *p;

			if (nrows == caprows) {
				caprows = caprows ? caprows * 2 : 65536;
				if (!(rows = realloc(rows, caprows * sizeof(*rows))))
					return 1;
			}
			for (i = 0; i < BARE_FIELDS; i++) {
				size_t len;

				yh_csv_field(csv, (size_t)i, &len);
				total += len;
			}
			if (!(p = rows[nrows].data = malloc(total ? total : 1)))
				return 1;
			for (i = 0; i < BARE_FIELDS; i++) {
				size_t len;
				const char *f = yh_csv_field(csv, (size_t)i, &len);

				rows[nrows].len[i] = f ? (uint32_t)len : 0;
				if (f && len)
					memcpy(p, f, len);
				p += rows[nrows].len[i];
			}
			nrows++;
			continue;
		}
		for (i = 0; i < BARE_FIELDS; i++) {
			size_t len;
			const char *f = yh_csv_field(csv, (size_t)i, &len);

			sqlite3_bind_text(st, i + 1, f ? f : "", f ? (int)len : 0, SQLITE_STATIC);
		}
		if (sqlite3_step(st) != SQLITE_DONE)
			return 1;
		sqlite3_reset(st);
	}
	if (sorted) {
		t1 = now();
		qsort(rows, nrows, sizeof(*rows), cmp_bare_row);
		t2 = now();
		for (k = 0; k < nrows; k++) {
			const char *p = rows[k].data;

			for (i = 0; i < BARE_FIELDS; i++) {
				sqlite3_bind_text(st, i + 1, p, (int)rows[k].len[i], SQLITE_STATIC);
				p += rows[k].len[i];
			}
			if (sqlite3_step(st) != SQLITE_DONE)
				return 1;
			sqlite3_reset(st);
		}
	}
	sqlite3_finalize(st);
	r = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
	yh_csv_free(csv);
	if (sorted)
		fprintf(stderr, "bare insert in key order: read %.2f s, sort %.2f s, insert %.2f s\n",
		        t1 - t0, t2 - t1, now() - t2);
	for (k = 0; k < nrows; k++)
		free(rows[k].data);
	free(rows);
	return r == SQLITE_OK ? 0 : 1;
}

static int limit(const char *db_path, long long seq)
{
	unsigned char seed[32] = { 1 }, t[32], acc = 0;
	yh_ticketer tk;
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	long long rows = 0;

	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT id FROM entity WHERE valid_from <= ?1 AND "
	                       "(valid_to IS NULL OR valid_to > ?1)", -1, &q, NULL) != SQLITE_OK)
		return 1;
	sqlite3_bind_int64(q, 1, seq);
	/* the engine's own ticket (digest.c): the first block hashed once, then one compression on
	 * the machine's fastest SHA-256, so the limit is what this machine can do */
	yh_ticketer_init(&tk, seed);
	while (sqlite3_step(q) == SQLITE_ROW) {
		yh_ticket(t, &tk, (const char *)sqlite3_column_text(q, 0));
		acc ^= t[0];
		rows++;
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
	fprintf(stderr, "limit: %lld ids hashed (%02x)\n", rows, acc);
	return 0;
}

/* bench hash: one shape of input per column, one API per row.  A ticket is the spec's: a
 * precomputed first block (seed || PAD32(tag)) and an 18-byte id; a node 65 bytes; a leaf
 * 0x00 and a 120-byte row; "32 B" one short message. */
enum { SHAPE_TICKET, SHAPE_32, SHAPE_NODE, SHAPE_LEAF, NSHAPES };
static const char *const shape_names[NSHAPES] = { "ticket", "32 B", "node 65 B", "leaf 121 B" };
static const size_t shape_len[NSHAPES] = { 18, 32, 65, 121 };

typedef struct {
	EVP_MD *md;
	EVP_MD_CTX *ctx, *mid;
	SHA256_CTX sha_mid;
	crypto_hash_sha256_state na_mid;
	unsigned char block[64], msg[128];
} hash_bench;

/* one hash of the shape, through one API; returns the digest's first byte */
typedef unsigned char (*hash_fn)(hash_bench *b, int shape);

static unsigned char h_sodium(hash_bench *b, int shape)
{
	unsigned char out[32];

	if (shape == SHAPE_TICKET) {
		crypto_hash_sha256_state st = b->na_mid;

		crypto_hash_sha256_update(&st, b->msg, 18);
		crypto_hash_sha256_final(&st, out);
	} else {
		crypto_hash_sha256(out, b->msg, shape_len[shape]);
	}
	return out[0];
}

static unsigned char h_sha256_ll(hash_bench *b, int shape)
{
	unsigned char out[32];
	SHA256_CTX c;

	if (shape == SHAPE_TICKET)
		c = b->sha_mid; /* a plain struct: the midstate costs a copy */
	else
		SHA256_Init(&c);
	SHA256_Update(&c, b->msg, shape_len[shape]);
	SHA256_Final(out, &c);
	return out[0];
}

static unsigned char h_sha256_oneshot(hash_bench *b, int shape)
{
	unsigned char buf[64 + 128], out[32];

	if (shape != SHAPE_TICKET) {
		SHA256(b->msg, shape_len[shape], out);
		return out[0];
	}
	memcpy(buf, b->block, 64);
	memcpy(buf + 64, b->msg, 18);
	SHA256(buf, 64 + 18, out);
	return out[0];
}

/* EVP with the fetched EVP_MD and one reused context: the ticket hashes both blocks */
static unsigned char h_evp_reuse(hash_bench *b, int shape)
{
	unsigned char out[32];

	EVP_DigestInit_ex2(b->ctx, b->md, NULL);
	if (shape == SHAPE_TICKET)
		EVP_DigestUpdate(b->ctx, b->block, 64);
	EVP_DigestUpdate(b->ctx, b->msg, shape_len[shape]);
	EVP_DigestFinal_ex(b->ctx, out, NULL);
	return out[0];
}

/* EVP, the ticket from the midstate context (EVP_MD_CTX_copy_ex); other shapes as evp_reuse */
static unsigned char h_evp_copy(hash_bench *b, int shape)
{
	unsigned char out[32];

	if (shape == SHAPE_TICKET)
		EVP_MD_CTX_copy_ex(b->ctx, b->mid);
	else
		EVP_DigestInit_ex2(b->ctx, b->md, NULL);
	EVP_DigestUpdate(b->ctx, b->msg, shape_len[shape]);
	EVP_DigestFinal_ex(b->ctx, out, NULL);
	return out[0];
}

static unsigned char h_evp_digest(hash_bench *b, int shape)
{
	unsigned char buf[64 + 128], out[32];

	if (shape != SHAPE_TICKET) {
		EVP_Digest(b->msg, shape_len[shape], out, NULL, b->md, NULL);
		return out[0];
	}
	memcpy(buf, b->block, 64);
	memcpy(buf + 64, b->msg, 18);
	EVP_Digest(buf, 64 + 18, out, NULL, b->md, NULL);
	return out[0];
}

/* FIPS 180-4 §5.1.1 padding appended to msg[0..len) (room for 72 bytes more); the blocks. */
static size_t pad_blocks(unsigned char *msg, size_t len)
{
	size_t total = (len + 9 + 63) / 64 * 64, i;

	msg[len] = 0x80;
	memset(msg + len + 1, 0, total - len - 9);
	for (i = 0; i < 8; i++)
		msg[total - 1 - i] = (unsigned char)(((uint64_t)len * 8) >> (8 * i));
	return total / 64;
}

/* The message padded by hand into whole blocks, then either one SHA256_Update of them all
 * with the digest read from the state, or one SHA256_Transform per block: what is left of a
 * hash with none of SHA256_Update/SHA256_Final's bookkeeping around the compressions (the
 * ticket's tail is padded as the second block after the midstate, its length counting the
 * first).  Measured against the plain calls before the engine took either: no faster. */
static unsigned char h_padded(hash_bench *b, int shape, int transform)
{
	unsigned char buf[128 + 72];
	size_t len = shape_len[shape], n, i;
	SHA256_CTX c;

	if (shape == SHAPE_TICKET) {
		/* one block either way: the tail, padded for a message of 64 + len bytes */
		memcpy(buf, b->msg, len);
		c = b->sha_mid;
		buf[len] = 0x80;
		memset(buf + len + 1, 0, 64 - len - 9);
		for (i = 0; i < 8; i++)
			buf[56 + i] = (unsigned char)(((uint64_t)(64 + len) * 8) >> (56 - 8 * i));
		SHA256_Transform(&c, buf);
		return (unsigned char)(c.h[0] >> 24);
	}
	memcpy(buf, b->msg, len);
	n = pad_blocks(buf, len);
	SHA256_Init(&c);
	if (!transform)
		SHA256_Update(&c, buf, n * 64);
	else
		for (i = 0; i < n; i++)
			SHA256_Transform(&c, buf + 64 * i);
	return (unsigned char)(c.h[0] >> 24);
}

static unsigned char h_one_update(hash_bench *b, int shape) { return h_padded(b, shape, 0); }
static unsigned char h_transform(hash_bench *b, int shape) { return h_padded(b, shape, 1); }

/* the engine's seam (digest.c), which the draw and verify call */
static unsigned char h_engine(hash_bench *b, int shape)
{
	static yh_ticketer tk;
	static int ready;
	unsigned char out[32];
	char id[19];

	if (!ready) {
		yh_ticketer_init(&tk, b->block);
		ready = 1;
	}
	switch (shape) {
	case SHAPE_TICKET:
		memcpy(id, b->msg, 18);
		id[0] = (char)('A' + (b->msg[0] & 15)); /* a C string of 18 characters */
		id[18] = '\0';
		yh_ticket(out, &tk, id);
		break;
	case SHAPE_NODE: yh_digest_node(out, b->msg, b->msg + 32); break;
	case SHAPE_LEAF: yh_digest_leaf(out, b->msg, 120); break;
	default: yh_digest_transcript(out, (const char *)b->msg, 32); break;
	}
	return out[0];
}

static int hash_rates(long n)
{
	static const struct { const char *name; hash_fn fn; } apis[] = {
		{ "libsodium crypto_hash_sha256 (midstate copy)", h_sodium },
		{ "OpenSSL SHA256_Init/Update/Final (CTX copy)", h_sha256_ll },
		{ "OpenSSL SHA256() one-shot", h_sha256_oneshot },
		{ "OpenSSL EVP fetched MD, reused ctx, Init", h_evp_reuse },
		{ "OpenSSL EVP_MD_CTX_copy_ex from midstate", h_evp_copy },
		{ "OpenSSL EVP_Digest one-shot (fetched MD)", h_evp_digest },
		{ "OpenSSL padded by hand, one SHA256_Update", h_one_update },
		{ "OpenSSL padded by hand, SHA256_Transform", h_transform },
		{ "yaohao digest.c (the engine)", h_engine },
	};
	hash_bench b;
	unsigned char acc = 0;
	size_t a;
	int shape, rc = 1;

	memset(&b, 0, sizeof(b));
	randombytes_buf(b.block, 32);
	memcpy(b.block + 32, "yaohao:ticket:v2", 16);
	memcpy(b.msg, "92330109MA53QQ247E", 18);
	randombytes_buf(b.msg + 18, sizeof(b.msg) - 18);
	if (!(b.md = EVP_MD_fetch(NULL, "SHA256", NULL)) || !(b.ctx = EVP_MD_CTX_new()) ||
	    !(b.mid = EVP_MD_CTX_new()) || !EVP_DigestInit_ex2(b.mid, b.md, NULL) ||
	    !EVP_DigestUpdate(b.mid, b.block, 64))
		goto done;
	SHA256_Init(&b.sha_mid);
	SHA256_Update(&b.sha_mid, b.block, 64);
	crypto_hash_sha256_init(&b.na_mid);
	crypto_hash_sha256_update(&b.na_mid, b.block, 64);
	printf("SHA-256, million hashes per second of CPU time, one core; %ld hashes each; %s\n", n,
	       OpenSSL_version(OPENSSL_VERSION));
	printf("%-46s", "API");
	for (shape = 0; shape < NSHAPES; shape++)
		printf(" %10s", shape_names[shape]);
	printf("\n");
	for (a = 0; a < sizeof(apis) / sizeof(apis[0]); a++) {
		printf("%-46s", apis[a].name);
		for (shape = 0; shape < NSHAPES; shape++) {
			double t0 = cpu_now(), t;
			long i;

			for (i = 0; i < n; i++) {
				b.msg[0] ^= acc; /* each input depends on the last digest */
				acc ^= apis[a].fn(&b, shape);
			}
			t = cpu_now() - t0;
			printf(" %10.2f", (double)n / t / 1e6);
			fflush(stdout);
		}
		printf("\n");
	}
	fprintf(stderr, "(%02x)\n", acc);
	rc = 0;
done:
	EVP_MD_CTX_free(b.ctx);
	EVP_MD_CTX_free(b.mid);
	EVP_MD_free(b.md);
	return rc;
}

static int random_peer(const char *db_path, long long seq, const char *transcript)
{
	json_t *tr = json_load_file(transcript, 0, NULL), *s;
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	long long got = 0;
	size_t i;

	if (!tr || sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT id FROM entity WHERE valid_from <= ?1 AND (valid_to IS NULL "
	                       "OR valid_to > ?1) AND status = 'active' AND risk = ?2 "
	                       "ORDER BY random() LIMIT ?3", -1, &q, NULL) != SQLITE_OK)
		return 1;
	json_array_foreach(json_object_get(tr, "strata"), i, s) {
		const char *key = json_string_value(json_object_get(s, "key"));

		sqlite3_bind_int64(q, 1, seq);
		sqlite3_bind_text(q, 2, strcmp(key, "-") == 0 ? "" : key, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(q, 3, json_integer_value(json_object_get(s, "selected")));
		while (sqlite3_step(q) == SQLITE_ROW)
			got++;
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
	json_decref(tr);
	fprintf(stderr, "random: %lld ids picked\n", got);
	return 0;
}

#ifdef YH_WITH_POSTGRESQL
static int pg_fail(PGconn *c, PGresult *r, const char *what)
{
	fprintf(stderr, "%s: %s", what, r ? PQresultErrorMessage(r) : PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return 1;
}

static int pg_ok(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;

	if (!ok)
		fprintf(stderr, "%s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
	return ok;
}

/* COPY's text format: backslash, newline, carriage return and tab escaped. */
static char *copy_escape(char *w, const char *f, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char c = f[i], e = c == '\\' ? '\\' : c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : 0;

		if (e) {
			*w++ = '\\';
			*w++ = e;
		} else {
			*w++ = c;
		}
	}
	return w;
}

static int pg_copy(const char *uri, const char *csv_path, int keyed)
{
	PGconn *c = PQconnectdb(uri);
	PGresult *r;
	yh_csv *csv = NULL;
	size_t cap = 1 << 20, len = 0;
	char *buf = malloc(cap);
	long long rows = 0;
	int i, n;

	if (!buf || PQstatus(c) != CONNECTION_OK)
		return pg_fail(c, NULL, "connect");
	if (yh_csv_open(&csv, csv_path, NULL) < 0 || yh_csv_next(csv) < 0) /* the header */
		return pg_fail(c, NULL, csv_path);
	if (!pg_ok(c, "DROP TABLE IF EXISTS bare_entity") ||
	    !pg_ok(c, keyed ? "CREATE TABLE bare_entity (id text NOT NULL, name text NOT NULL, "
	                      "type text NOT NULL, region text NOT NULL, industry text NOT NULL, "
	                      "risk text NOT NULL, status text NOT NULL, abnormal text NOT NULL, "
	                      "valid_from bigint NOT NULL, valid_to bigint, PRIMARY KEY (id, valid_from)); "
	                      "CREATE UNIQUE INDEX bare_entity_current ON bare_entity (id) "
	                      "WHERE valid_to IS NULL"
	                    : "CREATE TABLE bare_entity (id text, name text, type text, region text, "
	                      "industry text, risk text, status text, abnormal text, valid_from bigint, "
	                      "valid_to bigint)") ||
	    !pg_ok(c, "BEGIN"))
		return pg_fail(c, NULL, "create");
	r = PQexec(c, "COPY bare_entity (id, name, type, region, industry, risk, status, abnormal, "
	           "valid_from) FROM STDIN");
	if (PQresultStatus(r) != PGRES_COPY_IN)
		return pg_fail(c, r, "copy");
	PQclear(r);
	while ((n = yh_csv_next(csv)) > 0) {
		for (i = 0; i < BARE_FIELDS; i++) {
			size_t flen;
			const char *f = yh_csv_field(csv, (size_t)i, &flen);

			if (!f)
				flen = 0;
			if (len + 2 * flen + 32 > cap) {
				if (PQputCopyData(c, buf, (int)len) != 1)
					return pg_fail(c, NULL, "copy data");
				len = 0;
				if (2 * flen + 32 > cap && !(buf = realloc(buf, cap = 2 * flen + 32)))
					return 1;
			}
			len = (size_t)(copy_escape(buf + len, f ? f : "", flen) - buf);
			buf[len++] = '\t';
		}
		len += (size_t)sprintf(buf + len, "1\n");
		rows++;
	}
	if (n < 0 || (len && PQputCopyData(c, buf, (int)len) != 1) || PQputCopyEnd(c, NULL) != 1)
		return pg_fail(c, NULL, "copy end");
	while ((r = PQgetResult(c))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			return pg_fail(c, r, "copy");
		PQclear(r);
	}
	if (!pg_ok(c, "COMMIT"))
		return pg_fail(c, NULL, "commit");
	fprintf(stderr, "pg-copy: %lld rows%s\n", rows, keyed ? " (keyed)" : "");
	free(buf);
	yh_csv_free(csv);
	PQfinish(c);
	return 0;
}

static int pg_limit(const char *uri, long long seq)
{
	unsigned char seed[32] = { 1 }, t[32], acc = 0;
	yh_ticketer tk;
	PGconn *c = PQconnectdb(uri);
	PGresult *r;
	char sql[256], *line;
	long long rows = 0;
	int n;

	if (PQstatus(c) != CONNECTION_OK)
		return pg_fail(c, NULL, "connect");
	snprintf(sql, sizeof(sql), "COPY (SELECT id FROM entity WHERE valid_from <= %lld AND "
	         "(valid_to IS NULL OR valid_to > %lld)) TO STDOUT", seq, seq);
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COPY_OUT)
		return pg_fail(c, r, "copy");
	PQclear(r);
	yh_ticketer_init(&tk, seed);
	/* one row a message; an id holds none of COPY's escaped bytes (its rule: digits, letters) */
	while ((n = PQgetCopyData(c, &line, 0)) > 0) {
		line[n - 1] = '\0';
		yh_ticket(t, &tk, line);
		acc ^= t[0];
		rows++;
		PQfreemem(line);
	}
	r = PQgetResult(c);
	if (n != -1 || PQresultStatus(r) != PGRES_COMMAND_OK)
		return pg_fail(c, r, "copy out");
	PQclear(r);
	PQfinish(c);
	fprintf(stderr, "pg-limit: %lld ids hashed (%02x)\n", rows, acc);
	return 0;
}
#endif

int main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return 1;
	if (argc >= 2 && strcmp(argv[1], "measure") == 0)
		return measure(argc, argv);
	if (argc == 4 && strcmp(argv[1], "bare-insert") == 0)
		return bare_insert(argv[2], argv[3], 0);
	if (argc == 5 && strcmp(argv[1], "bare-insert") == 0 && strcmp(argv[2], "--sorted") == 0)
		return bare_insert(argv[3], argv[4], 1);
	if (argc == 4 && strcmp(argv[1], "limit") == 0)
		return limit(argv[2], atoll(argv[3]));
	if (argc == 2 && strcmp(argv[1], "sha-backend") == 0) {
		/* digest.c's calls; the library is the one this program loads, as the engine does */
		printf("libcrypto SHA256_* (%s)\n", OpenSSL_version(OPENSSL_VERSION));
		return 0;
	}
	if ((argc == 2 || argc == 3) && strcmp(argv[1], "hash") == 0)
		return hash_rates(argc == 3 ? atol(argv[2]) : 2000000);
	if (argc == 5 && strcmp(argv[1], "random") == 0)
		return random_peer(argv[2], atoll(argv[3]), argv[4]);
#ifdef YH_WITH_POSTGRESQL
	if (argc == 4 && strcmp(argv[1], "pg-copy") == 0)
		return pg_copy(argv[2], argv[3], 0);
	if (argc == 5 && strcmp(argv[1], "pg-copy") == 0 && strcmp(argv[2], "--keyed") == 0)
		return pg_copy(argv[3], argv[4], 1);
	if (argc == 4 && strcmp(argv[1], "pg-limit") == 0)
		return pg_limit(argv[2], atoll(argv[3]));
#endif
	fprintf(stderr, "usage: see the comment at the top of bench/bench.c\n");
	return 2;
}
