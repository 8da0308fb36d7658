/* test_store.c — creating and opening the store, and the hash-chained ledger
 * (yaohao/store.h, yaohao/ledger.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "testutil.h"
#include "store.h" /* private: the store's sqlite3 handle */

/* ---- helpers ---------------------------------------------------------------- */

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

/* ---- create ------------------------------------------------------------------- */

START_TEST(test_create)
{
	yh_store *store = NULL;
	const char *path = tu_path("yaohao.db");
	char *payload, *kind;
	json_t *j;
	json_error_t jerr;

	ck_assert_int_eq(yh_store_create(&store, path, "330100-SCJG"), YH_OK);
	ck_assert_ptr_nonnull(store);
	ck_assert_str_eq(yh_store_department(store), "330100-SCJG");
	ck_assert_str_eq(yh_store_path(store), path);
	ck_assert(tu_file_exists(path));
	/* the first ledger entry records the creation */
	ck_assert_uint_eq(tu_ledger_head(store), 1);
	payload = tu_ledger_payload(store, 1, &kind);
	ck_assert_str_eq(kind, "init");
	j = json_loads(payload, 0, &jerr);
	ck_assert_msg(j != NULL, "payload is not JSON: %s", payload);
	ck_assert_str_eq(json_string_value(json_object_get(j, "department")), "330100-SCJG");
	ck_assert_int_eq(json_integer_value(json_object_get(j, "schema_version")),
	                 YH_STORE_SCHEMA_VERSION);
	/* every register starts empty */
	ck_assert_uint_eq(tu_register_count(store, YH_REGISTER_ENTITIES, 0), 0);
	ck_assert_uint_eq(tu_register_count(store, YH_REGISTER_INSPECTORS, 0), 0);
	ck_assert_uint_eq(tu_register_count(store, YH_REGISTER_CONFLICTS, 0), 0);
	ck_assert_uint_eq(tu_register_count(store, YH_REGISTER_ITEMS, 0), 0);
	json_decref(j);
	free(payload);
	free(kind);
	yh_store_close(store);

	/* it opens again with its department */
	store = NULL;
	ck_assert_int_eq(yh_store_open(&store, path), YH_OK);
	ck_assert_str_eq(yh_store_department(store), "330100-SCJG");
	ck_assert_uint_eq(tu_ledger_head(store), 1);
	yh_store_close(store);
	yh_store_close(NULL);
}
END_TEST

START_TEST(test_department_validation)
{
	static const char *const good[] = {
		"330100-SCJG", "A", "9", "X-", "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", "0-0-0",
	};
	static const char *const bad[] = {
		"", "-SCJG", "330100-scjg", "330100 SCJG", "330100_SCJG", "市场监管",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", "A\tB", "A.B", "A/B",
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(yh_store_department_valid(good[i]) == 1, "'%s' should be valid", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		yh_store *store = (yh_store *)1;
		const char *path = tu_path("bad.db");

		ck_assert_msg(yh_store_department_valid(bad[i]) == 0, "'%s' should be invalid", bad[i]);
		ck_assert_int_eq(yh_store_create(&store, path, bad[i]), YH_EINVAL);
		ck_assert_ptr_null(store);
		ck_assert_msg(!tu_file_exists(path), "a file was left for '%s'", bad[i]);
		ck_assert_ptr_nonnull(strstr(yh_error_message(), "invalid department code"));
	}
	ck_assert_int_eq(yh_store_department_valid(NULL), 0);
	{
		yh_store *store = (yh_store *)1;

		ck_assert_int_eq(yh_store_create(&store, tu_path("null.db"), NULL), YH_EINVAL);
		ck_assert_ptr_null(store);
	}
	/* the longest valid code works end to end */
	{
		yh_store *store = NULL;

		ck_assert_int_eq(yh_store_create(&store, tu_path("long.db"), good[4]), YH_OK);
		ck_assert_str_eq(yh_store_department(store), good[4]);
		yh_store_close(store);
	}
}
END_TEST

/* An existing file, of any kind, is never overwritten. */
START_TEST(test_create_refuses_existing)
{
	const char *path = tu_path("yaohao.db"), *txt = tu_path("notes.txt");
	yh_store *store = tu_store_new(), *again = (yh_store *)1;
	char *before = tu_store_fingerprint(store), *after, *content;

	ck_assert_int_eq(yh_store_create(&again, path, "OTHER"), YH_EEXIST);
	ck_assert_ptr_null(again);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), path));
	after = tu_store_fingerprint(store);
	ck_assert_str_eq(before, after);
	ck_assert_str_eq(yh_store_department(store), TU_DEPARTMENT);
	yh_store_close(store);

	tu_write_str(txt, "keep me\n");
	again = (yh_store *)1;
	ck_assert_int_eq(yh_store_create(&again, txt, "X"), YH_EEXIST);
	ck_assert_ptr_null(again);
	content = tu_read(txt, NULL);
	ck_assert_str_eq(content, "keep me\n");
	free(content);
	free(before);
	free(after);
}
END_TEST

START_TEST(test_create_in_missing_directory)
{
	yh_store *store = (yh_store *)1;

	ck_assert_int_eq(yh_store_create(&store, tu_path("no/such/dir/y.db"), "X"), YH_ESTORE);
	ck_assert_ptr_null(store);
}
END_TEST

/* WAL, user_version and application_id are in the file; foreign keys in the connection. */
START_TEST(test_file_format)
{
	yh_store *store = tu_store_new();
	sqlite3 *db;
	char *mode;

	ck_assert_int_eq(tu_sql_int(store->db, "PRAGMA foreign_keys"), 1);
	mode = tu_sql_text(store->db, "PRAGMA journal_mode");
	ck_assert_str_eq(mode, "wal");
	free(mode);
	yh_store_close(store);

	db = tu_sql_open(tu_path("yaohao.db"));
	mode = tu_sql_text(db, "PRAGMA journal_mode");
	ck_assert_str_eq(mode, "wal");
	ck_assert_int_eq(tu_sql_int(db, "PRAGMA user_version"), YH_STORE_SCHEMA_VERSION);
	ck_assert_int_eq(tu_sql_int(db, "PRAGMA application_id"), 0x5948414F);
	ck_assert_int_eq(tu_sql_int(db, "SELECT count(*) FROM meta WHERE key = 'department' "
	                             "AND value = '330100-SCJG'"), 1);
	free(mode);
	mode = tu_sql_text(db, "PRAGMA integrity_check");
	ck_assert_str_eq(mode, "ok");
	free(mode);
	sqlite3_close(db);

	/* reopening keeps foreign keys on for the new connection */
	ck_assert_int_eq(yh_store_open(&store, tu_path("yaohao.db")), YH_OK);
	ck_assert_int_eq(tu_sql_int(store->db, "PRAGMA foreign_keys"), 1);
	yh_store_close(store);
}
END_TEST

/* Foreign keys are enforced: a register row must name an existing ledger entry. */
START_TEST(test_foreign_keys_enforced)
{
	yh_store *store = tu_store_new();
	int rc;

	rc = sqlite3_exec(store->db,
	                  "INSERT INTO item (code, name, legal_basis, department, specialty, valid_from) "
	                  "VALUES ('X', 'x', '', 'D', '', 99)", NULL, NULL, NULL);
	ck_assert_int_eq(rc & 0xff, SQLITE_CONSTRAINT);
	ck_assert_uint_eq(tu_register_count(store, YH_REGISTER_ITEMS, 0), 0);
	yh_store_close(store);
}
END_TEST

START_TEST(test_open_missing)
{
	yh_store *store = (yh_store *)1;
	const char *path = tu_path("nothing.db");

	ck_assert_int_eq(yh_store_open(&store, path), YH_ENOTFOUND);
	ck_assert_ptr_null(store);
	ck_assert_int_eq(yh_error_code(), YH_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), path));
	ck_assert(!tu_file_exists(path)); /* opening does not create */
}
END_TEST

/* Another application's SQLite file is refused and left as it was. */
START_TEST(test_open_foreign_sqlite)
{
	const char *path = tu_path("other.db");
	sqlite3 *db = tu_sql_open(path);
	yh_store *store = (yh_store *)1;
	size_t len_before, len_after;
	char *before, *after, *mode;

	tu_sql_exec(db, "CREATE TABLE t (x); INSERT INTO t VALUES (42);");
	sqlite3_close(db);
	before = tu_read(path, &len_before);

	ck_assert_int_eq(yh_store_open(&store, path), YH_ESTORE);
	ck_assert_ptr_null(store);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "not a yaohao store"));

	after = tu_read(path, &len_after);
	ck_assert_uint_eq(len_after, len_before);
	ck_assert_msg(memcmp(before, after, len_before) == 0, "the foreign file was modified");
	ck_assert_msg(!tu_file_exists(tu_path("other.db-wal")), "a WAL file was left behind");
	db = tu_sql_open(path);
	mode = tu_sql_text(db, "PRAGMA journal_mode");
	ck_assert_str_eq(mode, "delete");
	ck_assert_int_eq(tu_sql_int(db, "SELECT x FROM t"), 42);
	sqlite3_close(db);
	free(mode);
	free(before);
	free(after);
}
END_TEST

/* An empty file and a text file are not stores either. */
START_TEST(test_open_not_sqlite)
{
	yh_store *store = (yh_store *)1;
	char *content;
	size_t len;

	tu_write_str(tu_path("text.db"), "id,name\nthis is not a database\n");
	ck_assert_int_eq(yh_store_open(&store, tu_path("text.db")), YH_ESTORE);
	ck_assert_ptr_null(store);
	content = tu_read(tu_path("text.db"), NULL);
	ck_assert_str_eq(content, "id,name\nthis is not a database\n");
	free(content);

	/* SQLite takes an empty file for an empty database: still not a store, and left empty */
	store = (yh_store *)1;
	tu_write(tu_path("empty.db"), "", 0);
	ck_assert_int_eq(yh_store_open(&store, tu_path("empty.db")), YH_ESTORE);
	ck_assert_ptr_null(store);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "not a yaohao store"));
	free(tu_read(tu_path("empty.db"), &len));
	ck_assert_uint_eq(len, 0);

	/* a directory */
	store = (yh_store *)1;
	ck_assert_int_lt(yh_store_open(&store, tu_dir), 0);
	ck_assert_ptr_null(store);
}
END_TEST

/* A store written by a newer yaohao is refused, untouched. */
START_TEST(test_open_newer_schema)
{
	yh_store *store = tu_store_new();
	sqlite3 *db;
	char sql[64];

	yh_store_close(store);
	db = tu_sql_open(tu_path("yaohao.db"));
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", YH_STORE_SCHEMA_VERSION + 1);
	tu_sql_exec(db, sql);
	sqlite3_close(db);

	store = (yh_store *)1;
	ck_assert_int_eq(yh_store_open(&store, tu_path("yaohao.db")), YH_ESTORE);
	ck_assert_ptr_null(store);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "newer"));

	db = tu_sql_open(tu_path("yaohao.db"));
	ck_assert_int_eq(tu_sql_int(db, "PRAGMA user_version"), YH_STORE_SCHEMA_VERSION + 1);
	ck_assert_int_eq(tu_sql_int(db, "SELECT count(*) FROM ledger"), 1);
	sqlite3_close(db);
}
END_TEST

/* A yaohao file that lost its department row is reported, not crashed on. */
START_TEST(test_open_without_department)
{
	yh_store *store = tu_store_new();
	sqlite3 *db;

	yh_store_close(store);
	db = tu_sql_open(tu_path("yaohao.db"));
	tu_sql_exec(db, "DELETE FROM meta");
	sqlite3_close(db);
	store = (yh_store *)1;
	ck_assert_int_eq(yh_store_open(&store, tu_path("yaohao.db")), YH_ESTORE);
	ck_assert_ptr_null(store);
}
END_TEST

/* ---- ledger ---------------------------------------------------------------------- */

typedef struct {
	uint64_t n, last_seq;
	unsigned char last_hash[YH_LEDGER_HASH_BYTES];
	char kinds[16][16];
} chain_walk;

static int walk_chain(void *ctx, const yh_ledger_entry *e)
{
	chain_walk *w = ctx;
	unsigned char h[YH_LEDGER_HASH_BYTES];
	static const unsigned char zero[YH_LEDGER_HASH_BYTES];

	ck_assert_uint_eq(e->seq, w->last_seq + 1);
	if (e->seq == 1)
		ck_assert_mem_eq(e->prev_hash, zero, YH_LEDGER_HASH_BYTES);
	else
		ck_assert_mem_eq(e->prev_hash, w->last_hash, YH_LEDGER_HASH_BYTES);
	yh_ledger_hash(h, e);
	ck_assert_msg(memcmp(h, e->hash, YH_LEDGER_HASH_BYTES) == 0, "entry %llu: hash %s stored %s",
	              (unsigned long long)e->seq, tu_hex(h, 32), tu_hex(e->hash, 32));
	/* the payload is JSON */
	{
		json_error_t jerr;
		json_t *j = json_loads(e->payload, 0, &jerr);

		ck_assert_msg(j != NULL, "entry %llu payload: %s", (unsigned long long)e->seq, jerr.text);
		ck_assert(json_is_object(j));
		json_decref(j);
	}
	if (w->n < 16)
		snprintf(w->kinds[w->n], sizeof(w->kinds[0]), "%s", e->kind);
	memcpy(w->last_hash, e->hash, YH_LEDGER_HASH_BYTES);
	w->last_seq = e->seq;
	w->n++;
	return 0;
}

START_TEST(test_ledger_chain)
{
	yh_store *store = store_with_history();
	chain_walk w;

	memset(&w, 0, sizeof(w));
	ck_assert_int_eq(yh_ledger_foreach(store, 0, walk_chain, &w), 0);
	ck_assert_uint_eq(w.n, 4);
	ck_assert_str_eq(w.kinds[0], "init");
	ck_assert_str_eq(w.kinds[1], "import");
	ck_assert_str_eq(w.kinds[3], "import");
	ck_assert_uint_eq(w.last_seq, tu_ledger_head(store));

	/* the chain survives closing and opening */
	yh_store_close(store);
	ck_assert_int_eq(yh_store_open(&store, tu_path("yaohao.db")), YH_OK);
	memset(&w, 0, sizeof(w));
	ck_assert_int_eq(yh_ledger_foreach(store, 1, walk_chain, &w), 0);
	ck_assert_uint_eq(w.n, 4);
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
START_TEST(test_ledger_foreach_from_and_stop)
{
	yh_store *store = store_with_history();
	seq_walk w;

	memset(&w, 0, sizeof(w));
	ck_assert_int_eq(yh_ledger_foreach(store, 3, collect_seq, &w), 0);
	ck_assert_uint_eq(w.n, 2);
	ck_assert_uint_eq(w.seen[0], 3);
	ck_assert_uint_eq(w.seen[1], 4);

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

/* The hash covers every field: change one and it changes. */
START_TEST(test_ledger_hash_covers_fields)
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

/* docs/spec.md, "Ledger entries": SHA-256 over the tag and its NUL, u64 seq,
 * prev_hash, u32-prefixed kind and payload, all big-endian. */
static void spec_hash(unsigned char out[32], const yh_ledger_entry *e)
{
	static const char tag[] = "yaohao:ledger-entry:v1";
	size_t klen = strlen(e->kind), plen = strlen(e->payload), n = 0;
	unsigned char *buf = malloc(sizeof(tag) + 8 + 32 + 4 + klen + 4 + plen);
	int i;

	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(sizeof(tag), 23); /* 22 ASCII bytes and one zero byte */
	memcpy(buf, tag, sizeof(tag));
	n = sizeof(tag);
	for (i = 7; i >= 0; i--)
		buf[n++] = (unsigned char)(e->seq >> (8 * i));
	memcpy(buf + n, e->prev_hash, 32);
	n += 32;
	for (i = 3; i >= 0; i--)
		buf[n++] = (unsigned char)(klen >> (8 * i));
	memcpy(buf + n, e->kind, klen);
	n += klen;
	for (i = 3; i >= 0; i--)
		buf[n++] = (unsigned char)(plen >> (8 * i));
	memcpy(buf + n, e->payload, plen);
	n += plen;
	crypto_hash_sha256(out, buf, n);
	free(buf);
}

static int check_spec_hash(void *ctx, const yh_ledger_entry *e)
{
	unsigned char h[32];

	spec_hash(h, e);
	ck_assert_msg(memcmp(h, e->hash, 32) == 0, "entry %llu: stored %s, spec gives %s",
	              (unsigned long long)e->seq, tu_hex(e->hash, 32), tu_hex(h, 32));
	(*(int *)ctx)++;
	return 0;
}

START_TEST(test_ledger_hash_matches_spec)
{
	yh_store *store = store_with_history();
	unsigned char prev[32], h[32], s[32];
	yh_ledger_entry e = { .seq = 0x0102030405060708ULL, .kind = "k", .payload = "{\"x\":\"\u4e2d\"}", .prev_hash = prev };
	int n = 0;
	size_t i;

	ck_assert_int_eq(yh_ledger_foreach(store, 1, check_spec_hash, &n), 0);
	ck_assert_int_eq(n, 4);
	/* a synthetic entry with every byte of seq and prev_hash distinct */
	for (i = 0; i < 32; i++)
		prev[i] = (unsigned char)(0xA0 + i);
	yh_ledger_hash(h, &e);
	spec_hash(s, &e);
	ck_assert_mem_eq(h, s, 32);
	yh_store_close(store);
}
END_TEST

/* The ledger table refuses UPDATE and DELETE, whoever asks. */
START_TEST(test_ledger_append_only)
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
	sqlite3_close(db);

	ck_assert_int_eq(yh_store_open(&store, tu_path("yaohao.db")), YH_OK);
	after = tu_store_fingerprint(store);
	ck_assert_str_eq(before, after);
	yh_store_close(store);
	free(before);
	free(after);
}
END_TEST

/* $SOURCE_DATE_EPOCH pins the "time" of payloads, so identical histories hash alike. */
START_TEST(test_source_date_epoch)
{
	yh_store *a = NULL, *b = NULL;
	char *pa, *pb;
	json_t *j;
	chain_walk wa, wb;

	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	ck_assert_int_eq(yh_store_create(&a, tu_path("a.db"), "330100-SCJG"), YH_OK);
	ck_assert_int_eq(yh_store_create(&b, tu_path("b.db"), "330100-SCJG"), YH_OK);
	pa = tu_ledger_payload(a, 1, NULL);
	pb = tu_ledger_payload(b, 1, NULL);
	j = json_loads(pa, 0, NULL);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(json_string_value(json_object_get(j, "time")), "2023-11-14T22:13:20Z");
	json_decref(j);
	ck_assert_str_eq(pa, pb);
	memset(&wa, 0, sizeof(wa));
	memset(&wb, 0, sizeof(wb));
	ck_assert_int_eq(yh_ledger_foreach(a, 1, walk_chain, &wa), 0);
	ck_assert_int_eq(yh_ledger_foreach(b, 1, walk_chain, &wb), 0);
	ck_assert_mem_eq(wa.last_hash, wb.last_hash, 32);
	free(pa);
	free(pb);
	yh_store_close(b);

	/* another time gives another entry */
	setenv("SOURCE_DATE_EPOCH", "0", 1);
	ck_assert_int_eq(yh_store_create(&b, tu_path("c.db"), "330100-SCJG"), YH_OK);
	pb = tu_ledger_payload(b, 1, NULL);
	ck_assert_ptr_nonnull(strstr(pb, "\"time\":\"1970-01-01T00:00:00Z\""));
	memset(&wb, 0, sizeof(wb));
	ck_assert_int_eq(yh_ledger_foreach(b, 1, walk_chain, &wb), 0);
	ck_assert(memcmp(wa.last_hash, wb.last_hash, 32) != 0);
	free(pb);
	yh_store_close(a);
	yh_store_close(b);
}
END_TEST

/* Payloads are canonical: compact, keys sorted. */
START_TEST(test_payload_canonical)
{
	yh_store *store = store_with_history();
	char *p = tu_ledger_payload(store, 1, NULL), want[128];

	snprintf(want, sizeof(want), "{\"department\":\"330100-SCJG\",\"schema_version\":%d,"
	         "\"time\":\"2026-01-01T00:00:00Z\"}", YH_STORE_SCHEMA_VERSION);
	ck_assert_str_eq(p, want);
	free(p);
	p = tu_ledger_payload(store, 2, NULL);
	ck_assert_ptr_null(strstr(p, ", "));
	ck_assert_ptr_null(strstr(p, "\": "));
	{
		json_t *j = json_loads(p, 0, NULL);
		char *again = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);

		ck_assert_str_eq(p, again);
		free(again);
		json_decref(j);
	}
	free(p);
	yh_store_close(store);
}
END_TEST

/* ---- signing ---------------------------------------------------------------------- */

typedef struct {
	const unsigned char *public_key;
	const char *key_id;
	uint64_t n, unsigned_n;
} sig_walk;

/* Every entry is signed by the key: the engine's check and libsodium's on the
 * message of docs/spec.md, the tag and its NUL then the entry hash. */
static int check_signed(void *ctx, const yh_ledger_entry *e)
{
	static const char tag[] = "yaohao:ledger-signature:v1";
	sig_walk *w = ctx;
	unsigned char msg[sizeof(tag) + YH_LEDGER_HASH_BYTES];

	ck_assert_msg(e->signature != NULL, "entry %llu (%s) is not signed", (unsigned long long)e->seq,
	              e->kind);
	ck_assert_msg(e->key_id != NULL, "entry %llu has no key id", (unsigned long long)e->seq);
	ck_assert_str_eq(e->key_id, w->key_id);
	ck_assert_msg(yh_ledger_verify_signature(e, w->public_key) == YH_OK, "entry %llu: %s",
	              (unsigned long long)e->seq, yh_error_message());
	memcpy(msg, tag, sizeof(tag));
	memcpy(msg + sizeof(tag), e->hash, YH_LEDGER_HASH_BYTES);
	ck_assert_msg(crypto_sign_verify_detached(e->signature, msg, sizeof(msg), w->public_key) == 0,
	              "entry %llu: libsodium rejects the signature", (unsigned long long)e->seq);
	w->n++;
	return 0;
}

static int count_unsigned(void *ctx, const yh_ledger_entry *e)
{
	sig_walk *w = ctx;

	if (!e->signature && !e->key_id)
		w->unsigned_n++;
	w->n++;
	return 0;
}

static int check_not_signed_by(void *ctx, const yh_ledger_entry *e)
{
	ck_assert_int_eq(yh_ledger_verify_signature(e, ctx), YH_EDATA);
	return 0;
}

/* The migration of an unsigned store (yh_store_set_key on a store without a
 * key): every entry signed, a "key" entry saying how many, one key only, and
 * no unsigned append afterwards. */
START_TEST(test_set_key_migrates_unsigned_store)
{
	yh_store *store = tu_store_new();
	yh_key *key = NULL, *other = NULL;
	yh_import_report rep;
	unsigned char pk[YH_PUBLIC_KEY_BYTES], other_pk[YH_PUBLIC_KEY_BYTES], got[YH_PUBLIC_KEY_BYTES];
	char id[YH_KEY_ID_CHARS + 1], *payload, *kind, *before, *after;
	uint64_t earlier, head;
	sig_walk w;
	chain_walk cw;
	json_t *j;

	/* yh_store_create makes an unsigned ledger */
	tu_import_ok(&rep, store, YH_REGISTER_ENTITIES, tu_fixture("entities.csv"), NULL);
	earlier = tu_ledger_head(store);
	ck_assert_uint_eq(earlier, 2);
	memset(&w, 0, sizeof(w));
	ck_assert_int_eq(yh_ledger_foreach(store, 1, count_unsigned, &w), 0);
	ck_assert_uint_eq(w.n, earlier);
	ck_assert_uint_eq(w.unsigned_n, earlier);
	ck_assert_int_eq(yh_store_public_key(got, store), YH_ENOTFOUND);

	/* adopting a key */
	ck_assert_int_eq(yh_key_generate(&key), YH_OK);
	yh_key_public(pk, key);
	yh_key_id_of(id, pk);
	ck_assert_str_eq(id, yh_key_id(key));
	ck_assert_msg(yh_store_set_key(store, key) == YH_OK, "%s", yh_error_message());
	head = tu_ledger_head(store);
	ck_assert_uint_eq(head, earlier + 1);
	ck_assert_int_eq(yh_store_public_key(got, store), YH_OK);
	ck_assert_mem_eq(got, pk, YH_PUBLIC_KEY_BYTES);

	/* every entry is signed, the earlier ones and the key entry */
	memset(&w, 0, sizeof(w));
	w.public_key = pk;
	w.key_id = yh_key_id(key);
	ck_assert_int_eq(yh_ledger_foreach(store, 1, check_signed, &w), 0);
	ck_assert_uint_eq(w.n, head);
	/* signing changed no hash: the chain still holds */
	memset(&cw, 0, sizeof(cw));
	ck_assert_int_eq(yh_ledger_foreach(store, 1, walk_chain, &cw), 0);
	ck_assert_uint_eq(cw.n, head);

	/* the last entry says so */
	payload = tu_ledger_payload(store, head, &kind);
	ck_assert_str_eq(kind, "key");
	j = json_loads(payload, 0, NULL);
	ck_assert_msg(j != NULL, "payload is not JSON: %s", payload);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "signed_existing")), (json_int_t)earlier);
	ck_assert_str_eq(json_string_value(json_object_get(j, "key_id")), yh_key_id(key));
	ck_assert_str_eq(json_string_value(json_object_get(j, "public_key")), tu_hex(pk, 32));
	json_decref(j);
	free(payload);
	free(kind);

	/* appends are signed from now on */
	tu_import_ok(&rep, store, YH_REGISTER_ITEMS, tu_fixture("items.csv"), NULL);
	ck_assert_uint_eq(tu_ledger_head(store), head + 1);
	memset(&w, 0, sizeof(w));
	w.public_key = pk;
	w.key_id = yh_key_id(key);
	ck_assert_int_eq(yh_ledger_foreach(store, 1, check_signed, &w), 0);
	ck_assert_uint_eq(w.n, head + 1);
	head++;

	/* a second, different key is refused, and changes nothing */
	ck_assert_int_eq(yh_key_generate(&other), YH_OK);
	yh_key_public(other_pk, other);
	ck_assert(memcmp(pk, other_pk, YH_PUBLIC_KEY_BYTES) != 0);
	before = tu_store_fingerprint(store);
	ck_assert_int_eq(yh_store_set_key(store, other), YH_ESTORE);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), yh_key_id(other)));
	after = tu_store_fingerprint(store);
	ck_assert_str_eq(before, after);
	free(after);
	/* the signatures are the store key's, not any key's */
	ck_assert_int_eq(yh_ledger_foreach(store, 1, check_not_signed_by, other_pk), 0);
	/* the store still signs with its own key */
	tu_import_ok(&rep, store, YH_REGISTER_INSPECTORS, tu_fixture("inspectors.csv"), NULL);
	head++;
	ck_assert_uint_eq(tu_ledger_head(store), head);
	yh_store_close(store);

	/* reopened without a key: reading works, appending fails and names the key */
	ck_assert_int_eq(yh_store_open(&store, tu_path("yaohao.db")), YH_OK);
	ck_assert_int_eq(yh_store_public_key(got, store), YH_OK);
	ck_assert_mem_eq(got, pk, YH_PUBLIC_KEY_BYTES);
	free(before);
	before = tu_store_fingerprint(store);
	ck_assert_int_eq(tu_import(&rep, store, YH_REGISTER_CONFLICTS, tu_fixture("conflicts.csv"), NULL, NULL),
	                 YH_ESTORE);
	ck_assert_msg(strstr(yh_error_message(), "key") != NULL, "%s", yh_error_message());
	ck_assert_msg(strstr(yh_error_message(), yh_key_id(key)) != NULL, "%s", yh_error_message());
	after = tu_store_fingerprint(store);
	ck_assert_str_eq(before, after);
	ck_assert_uint_eq(tu_ledger_head(store), head);
	/* nor does the other key open it for writing */
	ck_assert_int_eq(yh_store_set_key(store, other), YH_ESTORE);
	/* with its own key the store is written again, signed */
	ck_assert_int_eq(yh_store_set_key(store, key), YH_OK);
	ck_assert_uint_eq(tu_ledger_head(store), head); /* no second key entry */
	tu_import_ok(&rep, store, YH_REGISTER_CONFLICTS, tu_fixture("conflicts.csv"), NULL);
	memset(&w, 0, sizeof(w));
	w.public_key = pk;
	w.key_id = yh_key_id(key);
	ck_assert_int_eq(yh_ledger_foreach(store, 1, check_signed, &w), 0);
	ck_assert_uint_eq(w.n, head + 1);
	yh_store_close(store);
	yh_key_free(other);
	yh_key_free(key);
	free(before);
	free(after);
}
END_TEST

static Suite *store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tu_tcase(s, "store", TU_TMPDIR, 60);
	TCase *lg = tu_tcase(s, "ledger", TU_TMPDIR, 60);

	tcase_add_test(tc, test_create);
	tcase_add_test(tc, test_department_validation);
	tcase_add_test(tc, test_create_refuses_existing);
	tcase_add_test(tc, test_create_in_missing_directory);
	tcase_add_test(tc, test_file_format);
	tcase_add_test(tc, test_foreign_keys_enforced);
	tcase_add_test(tc, test_open_missing);
	tcase_add_test(tc, test_open_foreign_sqlite);
	tcase_add_test(tc, test_open_not_sqlite);
	tcase_add_test(tc, test_open_newer_schema);
	tcase_add_test(tc, test_open_without_department);

	tcase_add_test(lg, test_ledger_chain);
	tcase_add_test(lg, test_ledger_foreach_from_and_stop);
	tcase_add_test(lg, test_ledger_hash_covers_fields);
	tcase_add_test(lg, test_ledger_hash_matches_spec);
	tcase_add_test(lg, test_ledger_append_only);
	tcase_add_test(lg, test_source_date_epoch);
	tcase_add_test(lg, test_payload_canonical);
	tcase_add_test(lg, test_set_key_migrates_unsigned_store);
	return s;
}

TU_MAIN(store_suite)
