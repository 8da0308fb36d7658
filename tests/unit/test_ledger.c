/* test_ledger.c — the hash-chained, append-only, signed ledger (engine/ledger.c through
 * yaohao/ledger.h and the private yh_ledger_append; docs/spec.md §11).  Hashes and signature
 * messages are recomputed here from the spec (tu_spec_ledger_hash, tu_ledger_check). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "testutil.h"
#include "store/store.h" /* private: yh_ledger_append, transactions */
#include "store/sqlite.h" /* private: the SQLite handle */

/* A store with a few ledger entries: init and three imports. */
static yh_store *store_with_history(void)
{
	yh_store *store = tu_store_new();
	yh_import_report rep;

	tu_import_ok(&rep, store, YH_REGISTER_ENTITIES, tu_fixture("entities.csv"), NULL);
	tu_import_ok(&rep, store, YH_REGISTER_INSPECTORS, tu_fixture("inspectors.csv"), NULL);
	tu_import_ok(&rep, store, YH_REGISTER_ITEMS, tu_fixture("items.csv"), NULL);
	ck_assert_uint_eq(tu_ledger_head(store), 4);
	return store;
}

/* Appends one entry at `seq` (0: the next) in a transaction of its own; the engine's result. */
static int append_at(yh_store *store, uint64_t seq, const char *kind, const char *payload_json)
{
	int rc;

	ck_assert_int_eq(yh_store_begin(store), YH_OK);
	if (seq == 0)
		ck_assert_int_eq(yh_ledger_next_seq(&seq, store), YH_OK);
	rc = yh_ledger_append(store, seq, kind, tu_json(payload_json));
	if (rc == YH_OK)
		ck_assert_int_eq(yh_store_commit(store), YH_OK);
	else
		yh_store_rollback(store);
	return rc;
}

static void append_ok(yh_store *store, const char *kind, const char *payload_json)
{
	int rc = append_at(store, 0, kind, payload_json);

	ck_assert_msg(rc == YH_OK, "append %s: %d %s", kind, rc, yh_error_message());
}

/* ---- the chain ---------------------------------------------------------------------------------- */

typedef struct {
	char kinds[16][16];
	size_t n;
} kind_walk;

/* yh_ledger_hash recomputes the stored hash of every entry. */
static int check_engine_hash(void *ctx, const yh_ledger_entry *e)
{
	kind_walk *w = ctx;
	unsigned char h[YH_LEDGER_HASH_BYTES];

	yh_ledger_hash(h, e);
	ck_assert_msg(memcmp(h, e->hash, YH_LEDGER_HASH_BYTES) == 0, "entry %llu: hash %s stored %s",
	              (unsigned long long)e->seq, tu_hex(h, 32), tu_hex(e->hash, 32));
	if (w->n < 16)
		snprintf(w->kinds[w->n++], sizeof(w->kinds[0]), "%s", e->kind);
	return 0;
}

/* Entries from imports and direct appends chain prev_hash to hash from entry 1 on, and the
 * chain is the same after closing and opening the store. */
START_TEST(test_chain)
{
	static const char *const kinds[] = { "init", "import", "import", "import", "note", "note" };
	yh_store *store = store_with_history();
	kind_walk w;
	size_t i;

	append_ok(store, "note", "{\"n\":1}");
	append_ok(store, "note", "{\"n\":2}");
	ck_assert_uint_eq(tu_ledger_check(store, NULL), 6);
	memset(&w, 0, sizeof(w));
	ck_assert_int_eq(yh_ledger_foreach(store, 1, check_engine_hash, &w), YH_OK);
	ck_assert_uint_eq(w.n, 6);
	for (i = 0; i < 6; i++)
		ck_assert_str_eq(w.kinds[i], kinds[i]);
	yh_store_close(store);

	ck_assert_int_eq(yh_store_open(&store, tu_path("yaohao.db")), YH_OK);
	ck_assert_uint_eq(tu_ledger_check(store, NULL), 6);
	append_ok(store, "note", "{\"n\":3}");
	ck_assert_uint_eq(tu_ledger_check(store, NULL), 7);
	yh_store_close(store);
}
END_TEST

/* An entry whose predecessor is missing, or whose seq is taken, is not appended. */
START_TEST(test_append_out_of_sequence)
{
	yh_store *store = store_with_history();
	char *before = tu_store_fingerprint(store), *after;

	ck_assert_int_eq(append_at(store, 6, "note", "{}"), YH_ESTORE);
	ck_assert_msg(strstr(yh_error_message(), "5") != NULL, "%s", yh_error_message());
	ck_assert_int_eq(append_at(store, 4, "note", "{}"), YH_ESTORE);
	after = tu_store_fingerprint(store);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	yh_store_close(store);
}
END_TEST

typedef struct {
	uint64_t seen[16];
	size_t n;
	uint64_t stop_at;
} seq_walk;

static int collect_seq(void *ctx, const yh_ledger_entry *e)
{
	seq_walk *w = ctx;

	w->seen[w->n++] = e->seq;
	return e->seq == w->stop_at ? 7 : 0;
}

/* foreach starts at `from` and a non-zero return stops the walk and is returned. */
START_TEST(test_foreach_from_and_stop)
{
	yh_store *store = store_with_history();
	seq_walk w;

	memset(&w, 0, sizeof(w));
	ck_assert_int_eq(yh_ledger_foreach(store, 3, collect_seq, &w), 0);
	ck_assert_uint_eq(w.n, 2);
	ck_assert_uint_eq(w.seen[0], 3);
	ck_assert_uint_eq(w.seen[1], 4);

	memset(&w, 0, sizeof(w));
	ck_assert_int_eq(yh_ledger_foreach(store, 0, collect_seq, &w), 0);
	ck_assert_uint_eq(w.n, 4);
	ck_assert_uint_eq(w.seen[0], 1);

	memset(&w, 0, sizeof(w));
	w.stop_at = 2;
	ck_assert_int_eq(yh_ledger_foreach(store, 1, collect_seq, &w), 7);
	ck_assert_uint_eq(w.n, 2);

	memset(&w, 0, sizeof(w));
	ck_assert_int_eq(yh_ledger_foreach(store, 5, collect_seq, &w), 0);
	ck_assert_uint_eq(w.n, 0);
	yh_store_close(store);
}
END_TEST

/* ---- the entry hash --------------------------------------------------------------------------- */

/* The hash covers every field: change one and it changes. */
START_TEST(test_hash_covers_fields)
{
	unsigned char prev[32] = { 0 }, prev2[32] = { 0 }, h0[32], h[32];
	yh_ledger_entry e = { .seq = 2, .kind = "import", .payload = "{\"a\":1}", .prev_hash = prev };

	prev2[31] = 1;
	yh_ledger_hash(h0, &e);
	yh_ledger_hash(h, &e);
	ck_assert_mem_eq(h, h0, 32);          /* deterministic */
	e.seq = 3;
	yh_ledger_hash(h, &e);
	ck_assert(memcmp(h, h0, 32) != 0);
	e.seq = 2 + (1ull << 32);             /* all eight bytes of seq count */
	yh_ledger_hash(h, &e);
	ck_assert(memcmp(h, h0, 32) != 0);
	e.seq = 2;
	e.kind = "importx";
	yh_ledger_hash(h, &e);
	ck_assert(memcmp(h, h0, 32) != 0);
	e.kind = "import";
	e.payload = "{\"a\":2}";
	yh_ledger_hash(h, &e);
	ck_assert(memcmp(h, h0, 32) != 0);
	e.payload = "{\"a\":1}";
	e.prev_hash = prev2;
	yh_ledger_hash(h, &e);
	ck_assert(memcmp(h, h0, 32) != 0);
	/* kind and payload are length-prefixed: moving bytes between them changes the hash */
	e.prev_hash = prev;
	e.kind = "import{";
	e.payload = "\"a\":1}";
	yh_ledger_hash(h, &e);
	ck_assert(memcmp(h, h0, 32) != 0);
}
END_TEST

/* docs/spec.md §11, on a synthetic entry with every byte of seq and prev_hash distinct. */
START_TEST(test_hash_matches_spec)
{
	unsigned char prev[32], h[32], s[32];
	yh_ledger_entry e = { .seq = 0x0102030405060708ULL, .kind = "k", .payload = "{\"x\":\"\u4e2d\"}",
	                      .prev_hash = prev };
	size_t i;

	for (i = 0; i < 32; i++)
		prev[i] = (unsigned char)(0xA0 + i);
	yh_ledger_hash(h, &e);
	tu_spec_ledger_hash(s, &e);
	ck_assert_mem_eq(h, s, 32);
	/* the tag is 22 ASCII bytes and one zero byte */
	{
		unsigned char buf[23 + 8 + 32 + 4 + 1 + 4 + 11], want[32];
		size_t n = 0;

		memcpy(buf, "yaohao:ledger-entry:v1", 23); /* with its NUL */
		n = 23;
		for (i = 0; i < 8; i++)
			buf[n++] = (unsigned char)(i + 1);
		memcpy(buf + n, prev, 32);
		n += 32;
		memcpy(buf + n, "\0\0\0\1k\0\0\0\x0b{\"x\":\"\xe4\xb8\xad\"}", 4 + 1 + 4 + 11);
		n += 4 + 1 + 4 + 11;
		ck_assert_uint_eq(n, sizeof(buf));
		crypto_hash_sha256(want, buf, n);
		ck_assert_mem_eq(h, want, 32);
	}
}
END_TEST

/* ---- payloads ------------------------------------------------------------------------------------- */

/* Payloads are stored canonical (docs/spec.md §3: keys sorted, no whitespace) with "time" added. */
START_TEST(test_payload_canonical)
{
	yh_store *store = store_with_history();
	char *p = tu_ledger_payload(store, 1, NULL), want[128], *kind;

	snprintf(want, sizeof(want), "{\"department\":\"330100-SCJG\",\"schema_version\":%d,"
	         "\"time\":\"2026-01-01T00:00:00Z\"}", YH_STORE_SCHEMA_VERSION);
	ck_assert_str_eq(p, want);
	free(p);
	/* a payload given out of order, with spaces, another "time" and a name past 't' */
	append_ok(store, "note", "{ \"中\": [true, null], \"b\": 1, \"time\": \"then\", \"a\": \"x y\" }");
	p = tu_ledger_payload(store, 5, &kind);
	ck_assert_str_eq(kind, "note");
	ck_assert_str_eq(p, "{\"a\":\"x y\",\"b\":1,\"time\":\"2026-01-01T00:00:00Z\",\"中\":[true,null]}");
	free(p);
	free(kind);
	yh_store_close(store);
}
END_TEST

static void head_hash(yh_store *store, unsigned char out[32]);

/* $SOURCE_DATE_EPOCH pins the "time" of payloads, so identical histories hash alike. */
START_TEST(test_source_date_epoch)
{
	yh_store *a = NULL, *b = NULL;
	unsigned char ha[32], hb[32];
	char *pa, *pb;
	json_t *j;

	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	ck_assert_int_eq(yh_store_create(&a, tu_path("a.db"), "330100-SCJG"), YH_OK);
	ck_assert_int_eq(yh_store_create(&b, tu_path("b.db"), "330100-SCJG"), YH_OK);
	pa = tu_ledger_payload(a, 1, NULL);
	pb = tu_ledger_payload(b, 1, NULL);
	j = tu_json(pa);
	ck_assert_str_eq(tu_jstr(j, "time"), "2023-11-14T22:13:20Z");
	json_decref(j);
	ck_assert_str_eq(pa, pb);
	head_hash(a, ha);
	head_hash(b, hb);
	ck_assert_mem_eq(ha, hb, 32);
	free(pa);
	free(pb);
	yh_store_close(b);

	/* another time gives another entry */
	setenv("SOURCE_DATE_EPOCH", "0", 1);
	ck_assert_int_eq(yh_store_create(&b, tu_path("c.db"), "330100-SCJG"), YH_OK);
	pb = tu_ledger_payload(b, 1, NULL);
	ck_assert_ptr_nonnull(strstr(pb, "\"time\":\"1970-01-01T00:00:00Z\""));
	head_hash(b, hb);
	ck_assert(memcmp(ha, hb, 32) != 0);
	free(pb);
	yh_store_close(a);
	yh_store_close(b);
}
END_TEST

static int keep_hash(void *ctx, const yh_ledger_entry *e)
{
	memcpy(ctx, e->hash, 32);
	return 0;
}

static void head_hash(yh_store *store, unsigned char out[32])
{
	ck_assert_int_eq(yh_ledger_foreach(store, 1, keep_hash, out), YH_OK);
}

/* ---- signatures ------------------------------------------------------------------------------------ */

typedef struct {
	const unsigned char *pk, *other_pk;
	uint64_t n;
} sig_walk;

/* Each entry verifies with the store's key and not with another; a signature with one bit
 * changed, or none, does not verify. */
static int check_signature(void *ctx, const yh_ledger_entry *e)
{
	sig_walk *w = ctx;
	yh_ledger_entry copy = *e;
	unsigned char sig[YH_SIGNATURE_BYTES];

	ck_assert_msg(yh_ledger_verify_signature(e, w->pk) == YH_OK, "entry %llu: %s", (unsigned long long)e->seq,
	              yh_error_message());
	ck_assert_int_eq(yh_ledger_verify_signature(e, w->other_pk), YH_EDATA);
	memcpy(sig, e->signature, sizeof(sig));
	sig[w->n % sizeof(sig)] ^= 0x10;
	copy.signature = sig;
	ck_assert_int_eq(yh_ledger_verify_signature(&copy, w->pk), YH_EDATA);
	copy.signature = NULL;
	ck_assert_int_eq(yh_ledger_verify_signature(&copy, w->pk), YH_EDATA);
	/* the signature covers the hash */
	copy.signature = e->signature;
	copy.hash = e->prev_hash;
	ck_assert_int_eq(yh_ledger_verify_signature(&copy, w->pk), YH_EDATA);
	w->n++;
	return 0;
}

START_TEST(test_signatures)
{
	yh_store *store = store_with_history();
	yh_key *key = tu_key_from_label("ledger key"), *other = tu_key_from_label("another key");
	unsigned char pk[YH_PUBLIC_KEY_BYTES], other_pk[YH_PUBLIC_KEY_BYTES];
	sig_walk w = { pk, other_pk, 0 };

	yh_key_public(pk, key);
	yh_key_public(other_pk, other);
	ck_assert_msg(yh_store_set_key(store, key) == YH_OK, "%s", yh_error_message());
	append_ok(store, "note", "{\"n\":1}");
	/* the four earlier entries, the key entry and the note: signed by the key, as §11 says */
	ck_assert_uint_eq(tu_ledger_check(store, pk), 6);
	ck_assert_int_eq(yh_ledger_foreach(store, 1, check_signature, &w), YH_OK);
	ck_assert_uint_eq(w.n, 6);
	yh_store_close(store);
	yh_key_free(key);
	yh_key_free(other);
}
END_TEST

/* A store that signs its ledger appends nothing without its key (and says which key). */
START_TEST(test_append_needs_key)
{
	yh_store *store = tu_store_new();
	yh_key *key = tu_key_from_label("ledger key");
	char *before, *after;

	ck_assert_int_eq(yh_store_set_key(store, key), YH_OK);
	yh_store_close(store);
	ck_assert_int_eq(yh_store_open(&store, tu_path("yaohao.db")), YH_OK);
	before = tu_store_fingerprint(store);
	ck_assert_int_eq(append_at(store, 0, "note", "{\"n\":1}"), YH_ESTORE);
	ck_assert_msg(strstr(yh_error_message(), yh_key_id(key)) != NULL, "%s", yh_error_message());
	after = tu_store_fingerprint(store);
	ck_assert_str_eq(before, after);
	/* with it, the same append goes through, signed */
	ck_assert_int_eq(yh_store_set_key(store, key), YH_OK);
	append_ok(store, "note", "{\"n\":1}");
	{
		unsigned char pk[YH_PUBLIC_KEY_BYTES];

		yh_key_public(pk, key);
		ck_assert_uint_eq(tu_ledger_check(store, pk), 3);
	}
	free(before);
	free(after);
	yh_store_close(store);
	yh_key_free(key);
}
END_TEST

/* ---- append-only --------------------------------------------------------------------------------- */

/* The ledger table refuses UPDATE and DELETE, whoever asks. */
START_TEST(test_append_only)
{
	yh_store *store = store_with_history();
	char *before = tu_store_fingerprint(store), *after;
	sqlite3 *db;
	char *err = NULL;
	int rc;

	yh_store_close(store);
	db = tu_sql_open(tu_path("yaohao.db"));
	rc = sqlite3_exec(db, "UPDATE ledger SET payload = '{}' WHERE seq = 2", NULL, NULL, &err);
	ck_assert_int_eq(rc & 0xff, SQLITE_CONSTRAINT);
	ck_assert_msg(err && strstr(err, "append-only"), "%s", err ? err : "(none)");
	sqlite3_free(err);
	err = NULL;
	rc = sqlite3_exec(db, "DELETE FROM ledger WHERE seq = 4", NULL, NULL, &err);
	ck_assert_int_eq(rc & 0xff, SQLITE_CONSTRAINT);
	ck_assert_msg(err && strstr(err, "append-only"), "%s", err ? err : "(none)");
	sqlite3_free(err);
	rc = sqlite3_exec(db, "DELETE FROM ledger", NULL, NULL, NULL);
	ck_assert_int_eq(rc & 0xff, SQLITE_CONSTRAINT);
	rc = sqlite3_exec(db, "UPDATE ledger SET hash = hash", NULL, NULL, NULL);
	ck_assert_int_eq(rc & 0xff, SQLITE_CONSTRAINT);
	/* hashes must be 32 bytes */
	rc = sqlite3_exec(db, "INSERT INTO ledger (seq, prev_hash, kind, payload, hash) "
	                      "VALUES (5, zeroblob(32), 'x', '{}', zeroblob(31))", NULL, NULL, NULL);
	ck_assert_int_eq(rc & 0xff, SQLITE_CONSTRAINT);
	ck_assert_int_eq(tu_sql_int(db, "SELECT count(*) FROM ledger"), 4);
	tu_sql_close(db);

	ck_assert_int_eq(yh_store_open(&store, tu_path("yaohao.db")), YH_OK);
	after = tu_store_fingerprint(store);
	ck_assert_str_eq(before, after);
	yh_store_close(store);
	free(before);
	free(after);
}
END_TEST

static Suite *ledger_suite(void)
{
	Suite *s = suite_create("ledger");
	TCase *tc = tu_tcase(s, "ledger", TU_TMPDIR, 60);

	tcase_add_test(tc, test_chain);
	tcase_add_test(tc, test_append_out_of_sequence);
	tcase_add_test(tc, test_foreach_from_and_stop);
	tcase_add_test(tc, test_hash_covers_fields);
	tcase_add_test(tc, test_hash_matches_spec);
	tcase_add_test(tc, test_payload_canonical);
	tcase_add_test(tc, test_source_date_epoch);
	tcase_add_test(tc, test_signatures);
	tcase_add_test(tc, test_append_needs_key);
	tcase_add_test(tc, test_append_only);
	return s;
}

TU_MAIN(ledger_suite)
