/* test_seal.c — seal.c: the commit secret at rest (docs/spec.md §11).  Sealing and opening,
 * the documented subkey recomputed from the key's seed, refusals of another key and of any
 * changed byte; commit and draw refuse a store handle without its key; an older store's plain
 * secret is sealed when the store is given its key. */
#include <string.h>

#include <sodium.h>

#include "testutil.h"
#include "seal.h"

#define FOOD "T-2026-12-FOOD"
#define KEY_LABEL "seal test key"

static const unsigned char zero[32];

static void secret_of(unsigned char out[32], const char *label)
{
	tu_sha256_label(out, label);
}

START_TEST(test_round_trip)
{
	yh_key *key = tu_key_from_label(KEY_LABEL);
	unsigned char secret[32], opened[32], a[YH_SEALED_SECRET_BYTES], b[YH_SEALED_SECRET_BYTES];

	secret_of(secret, "round trip");
	ck_assert_int_eq(yh_seal_secret(a, secret, key), YH_OK);
	ck_assert_int_eq(yh_seal_secret(b, secret, key), YH_OK);
	ck_assert_msg(memcmp(a, b, sizeof(a)) != 0, "each sealing takes a fresh nonce");
	ck_assert_ptr_null(memmem(a, sizeof(a), secret, 32));
	ck_assert_int_eq(yh_unseal_secret(opened, a, key, FOOD), YH_OK);
	ck_assert_mem_eq(opened, secret, 32);
	ck_assert_int_eq(yh_unseal_secret(opened, b, key, FOOD), YH_OK);
	ck_assert_mem_eq(opened, secret, 32);
	yh_key_free(key);
}
END_TEST

/* §11 from its text: subkey = BLAKE2b-256(key = seed, salt = u64le(1) ‖ 0^8,
 * personal = "yhcommit" ‖ 0^8); sealed = nonce ‖ secretbox(secret, nonce, subkey). */
START_TEST(test_spec_subkey)
{
	yh_key *key = tu_key_from_label(KEY_LABEL);
	unsigned char seed[32], sub[32], salt[16] = { 1 }, personal[16] = "yhcommit";
	unsigned char secret[32], opened[32], sealed[YH_SEALED_SECRET_BYTES];

	tu_sha256_label(seed, KEY_LABEL);
	ck_assert_int_eq(crypto_generichash_blake2b_salt_personal(sub, 32, NULL, 0, seed, 32, salt,
	                                                          personal), 0);
	secret_of(secret, "spec");
	ck_assert_int_eq(yh_seal_secret(sealed, secret, key), YH_OK);
	ck_assert_int_eq(crypto_secretbox_open_easy(opened, sealed + 24, sizeof(sealed) - 24, sealed, sub), 0);
	ck_assert_mem_eq(opened, secret, 32);
	yh_key_free(key);
}
END_TEST

START_TEST(test_refusals)
{
	yh_key *key = tu_key_from_label(KEY_LABEL), *other = tu_key_from_label("another key");
	unsigned char secret[32], opened[32], sealed[YH_SEALED_SECRET_BYTES], bad[YH_SEALED_SECRET_BYTES];
	size_t i;

	secret_of(secret, "refusals");
	ck_assert_int_eq(yh_seal_secret(sealed, secret, key), YH_OK);
	memset(opened, 0xAA, sizeof(opened));
	ck_assert_int_eq(yh_unseal_secret(opened, sealed, other, FOOD), YH_ESTORE);
	ck_assert_mem_eq(opened, zero, 32);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "does not open with the store's key"));
	ck_assert_ptr_nonnull(strstr(yh_error_message(), FOOD));
	for (i = 0; i < sizeof(sealed); i += 7) {   /* nonce, tag and box */
		memcpy(bad, sealed, sizeof(bad));
		bad[i] ^= 0x01;
		TU_REQUIRE(yh_unseal_secret(opened, bad, key, FOOD) == YH_ESTORE, "byte %zu changed opens", i);
	}
	yh_key_free(key);
	yh_key_free(other);
}
END_TEST

/* A store with the fixture registers and the food task; with key unless key is NULL. */
static yh_store *food_store(const yh_key *key)
{
	static const struct { yh_register_kind kind; const char *file; } regs[] = {
		{ YH_REGISTER_ENTITIES, "entities.csv" }, { YH_REGISTER_INSPECTORS, "inspectors.csv" },
		{ YH_REGISTER_CONFLICTS, "conflicts.csv" }, { YH_REGISTER_ITEMS, "items.csv" },
	};
	yh_store *store = tu_store_new();
	yh_import_report rep;
	yh_task *task = NULL;
	uint64_t seq;
	size_t i;

	if (key)
		ck_assert_int_eq(yh_store_set_key(store, key), YH_OK);
	for (i = 0; i < 4; i++)
		tu_import_ok(&rep, store, regs[i].kind, tu_fixture(regs[i].file), NULL);
	ck_assert_int_eq(yh_task_load_file(&task, tu_fixture("task-food.json")), YH_OK);
	ck_assert_int_eq(yh_task_add(&seq, store, task), YH_OK);
	yh_task_free(task);
	return store;
}

static int commit(yh_store *store, const unsigned char *secret)
{
	yh_commit_options opt = YH_COMMIT_OPTIONS_INIT;
	uint64_t seq;

	opt.entropy_source = "seal test source";
	opt.secret = secret;
	return yh_draw_commit(NULL, &seq, store, FOOD, &opt);
}

static yh_store *reopen(yh_store *store)
{
	yh_store *again = NULL;

	yh_store_close(store);
	ck_assert_int_eq(yh_store_open(&again, tu_path("yaohao.db")), YH_OK);
	return again;
}

START_TEST(test_needs_key)
{
	yh_key *key = tu_key_from_label(KEY_LABEL);
	yh_store *store = food_store(NULL);
	uint64_t head = tu_ledger_head(store);
	char *tr = NULL;

	/* a store that has no key at all */
	ck_assert_int_eq(commit(store, NULL), YH_ESTORE);
	ck_assert_int_eq(yh_error_hint(), YH_HINT_NEEDS_NEW_KEY);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "has no signing key yet"));
	ck_assert_uint_eq(tu_ledger_head(store), head);
	/* a store that has one, opened without it: neither commit nor draw */
	ck_assert_int_eq(yh_store_set_key(store, key), YH_OK);
	store = reopen(store);
	ck_assert_int_eq(commit(store, NULL), YH_ESTORE);
	ck_assert_int_eq(yh_error_hint(), YH_HINT_NEEDS_KEY);
	ck_assert_int_eq(yh_store_set_key(store, key), YH_OK);
	ck_assert_int_eq(commit(store, NULL), YH_OK);
	store = reopen(store);
	ck_assert_int_eq(yh_draw_run(&tr, NULL, store, FOOD, "seal test value", NULL), YH_ESTORE);
	ck_assert_int_eq(yh_error_hint(), YH_HINT_NEEDS_KEY);
	ck_assert_ptr_null(tr);
	ck_assert_int_eq(yh_store_set_key(store, key), YH_OK);
	ck_assert_int_eq(yh_draw_run(&tr, NULL, store, FOOD, "seal test value", NULL), YH_OK);
	free(tr);
	yh_store_close(store);
	yh_key_free(key);
}
END_TEST

/* A store from before sealing kept the 32 bytes themselves: given its key, it seals them. */
START_TEST(test_plain_secret_sealed)
{
	yh_key *key = tu_key_from_label(KEY_LABEL);
	yh_store *store = food_store(key);
	unsigned char secret[32], opened[32], sealed[YH_SEALED_SECRET_BYTES];
	char sql[256], *tr = NULL, *hex;
	sqlite3 *db;
	json_t *t;

	secret_of(secret, "plain");
	ck_assert_int_eq(commit(store, secret), YH_OK);
	yh_store_close(store);
	db = tu_sql_open(tu_path("yaohao.db"));
	snprintf(sql, sizeof(sql), "UPDATE task_commit SET secret = X'%s'", tu_hex(secret, 32));
	tu_sql_exec(db, sql);
	tu_sql_close(db);
	ck_assert_int_eq(yh_store_open(&store, tu_path("yaohao.db")), YH_OK);
	ck_assert_int_eq(yh_store_set_key(store, key), YH_OK);
	db = tu_sql_open(tu_path("yaohao.db"));
	ck_assert_int_eq(tu_sql_int(db, "SELECT length(secret) FROM task_commit"), YH_SEALED_SECRET_BYTES);
	hex = tu_sql_text(db, "SELECT hex(secret) FROM task_commit");
	tu_sql_close(db);
	ck_assert_int_eq(sodium_hex2bin(sealed, sizeof(sealed), hex, strlen(hex), NULL, NULL, NULL), 0);
	free(hex);
	ck_assert_int_eq(yh_unseal_secret(opened, sealed, key, FOOD), YH_OK);
	ck_assert_mem_eq(opened, secret, 32);
	ck_assert_int_eq(yh_draw_run(&tr, NULL, store, FOOD, "seal test value", NULL), YH_OK);
	t = tu_json(tr);
	ck_assert_str_eq(tu_jstr(t, "secret"), tu_hex(secret, 32));
	json_decref(t);
	free(tr);
	yh_store_close(store);
	yh_key_free(key);
}
END_TEST

static Suite *seal_suite(void)
{
	Suite *s = suite_create("seal");
	TCase *tc = tu_tcase(s, "seal", TU_TMPDIR, 0);

	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_spec_subkey);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_needs_key);
	tcase_add_test(tc, test_plain_secret_sealed);
	return s;
}

TU_MAIN(seal_suite)
