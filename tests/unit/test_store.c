/* test_store.c — creating and opening the store, and adopting a signing key (yaohao/store.h);
 * the ledger itself is test_ledger.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>
#include <sqlite3.h>

#include "testutil.h"
#include "store/sqlite.h" /* private: the store's sqlite3 handle */

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

	/* a creation killed after linking the store into place leaves the same file under its
	 * temporary name: the next creation's refusal drops that name, and only when it is the same
	 * file as the store */
	ck_assert_int_eq(link(path, tu_path("yaohao.db.creating")), 0);
	again = (yh_store *)1;
	ck_assert_int_eq(yh_store_create(&again, path, "OTHER"), YH_EEXIST);
	ck_assert(!tu_file_exists(tu_path("yaohao.db.creating")));
	ck_assert(tu_file_exists(path));
	tu_write_str(tu_path("yaohao.db.creating"), "not the store\n");
	ck_assert_int_eq(yh_store_create(&again, path, "OTHER"), YH_EEXIST);
	ck_assert(tu_file_exists(tu_path("yaohao.db.creating")));
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

/* ---- signing ---------------------------------------------------------------------- */

typedef struct {
	uint64_t n, unsigned_n;
} sig_walk;

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

	/* every entry is signed, the earlier ones and the key entry; signing changed no hash:
	 * the chain still holds */
	ck_assert_uint_eq(tu_ledger_check(store, pk), head);

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
	ck_assert_uint_eq(tu_ledger_check(store, pk), head + 1);
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
	ck_assert_uint_eq(tu_ledger_check(store, pk), head + 1);
	yh_store_close(store);
	yh_key_free(other);
	yh_key_free(key);
	free(before);
	free(after);
}
END_TEST

/* The reader and a second connection: on SQLite, the department's file as yh_store_open_as
 * opens it (an auditor's mode is PostgreSQL's: pg.rls). */
START_TEST(test_open_reader_and_again)
{
	yh_store *store = NULL, *again = NULL;
	const char *path = tu_path("yaohao.db");

	ck_assert_int_eq(yh_store_create(&store, path, "330100-SCJG"), YH_OK);
	yh_store_close(store);
	store = NULL;
	ck_assert_int_eq(yh_store_open_reader(&store, path, "330200-SCJG"), YH_ESTORE);
	ck_assert_ptr_null(store);
	ck_assert_int_eq(yh_store_open_reader(&store, path, NULL), YH_OK);
	ck_assert_str_eq(yh_store_department(store), "330100-SCJG");
	ck_assert_int_eq(yh_store_open_again(&again, store), YH_OK);
	ck_assert_str_eq(yh_store_department(again), "330100-SCJG");
	ck_assert_str_eq(yh_store_path(again), path);
	ck_assert_ptr_ne(again, store);
	ck_assert_uint_eq(tu_ledger_head(again), tu_ledger_head(store));
	yh_store_close(again);
	yh_store_close(store);
	ck_assert_int_eq(yh_store_open_reader(&store, tu_path("none.db"), NULL), YH_ENOTFOUND);
}
END_TEST

static Suite *store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tu_tcase(s, "store", TU_TMPDIR, 60);
	TCase *key = tu_tcase(s, "key", TU_TMPDIR, 60);

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
	tcase_add_test(tc, test_open_reader_and_again);

	tcase_add_test(key, test_set_key_migrates_unsigned_store);
	return s;
}

TU_MAIN(store_suite)
