/* test_shared.c — shared entity registers (yaohao/shared.h, store/shared_store.c) on SQLite, where
 * there are none: the adoption is refused with nothing written, and every register is read from
 * the store's own table as of the sequence asked.  The adoption itself needs PostgreSQL: the
 * test pg.shared (tests/pg/test_shared.sh) runs it against a real server. */
#include <string.h>

#include <check.h>

#include "store/store.h"
#include "testutil.h"

START_TEST(test_adopt_refused_on_sqlite)
{
	yh_store *store = tu_store_new();
	yh_import_report rep;
	yh_adopt_report ar;
	uint64_t head;

	tu_import_ok(&rep, store, YH_REGISTER_ENTITIES, tu_fixture("entities.csv"), NULL);
	head = tu_ledger_head(store);
	memset(&ar, 0xff, sizeof(ar));
	ck_assert_int_eq(yh_shared_adopt(&ar, store, NULL), YH_EINVAL);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "a shared register needs a PostgreSQL store"));
	ck_assert_uint_eq(ar.seq, 0);
	ck_assert_uint_eq(ar.count, 0);
	ck_assert_uint_eq(tu_ledger_head(store), head);
	yh_store_close(store);
}
END_TEST

START_TEST(test_source_is_own_table)
{
	static const char *const tables[] = { "entity", "inspector", "conflict", "item" };
	yh_store *store = tu_store_new();
	const char *rel = NULL;
	uint64_t at = 0;
	int k, shared = -1;
	char *from = (char *)"x";

	ck_assert_int_eq(yh_shared_adopted(&shared, store), YH_OK);
	ck_assert_int_eq(shared, 0);
	ck_assert_int_eq(yh_shared_register(&from, store), YH_OK);
	ck_assert_ptr_null(from);
	for (k = 0; k < YH_REGISTER_COUNT; k++) {
		ck_assert_int_eq(yh_register_source(&rel, &at, store, (yh_register_kind)k, 7), YH_OK);
		ck_assert_str_eq(rel, tables[k]);
		ck_assert_uint_eq(at, 7);
		ck_assert_int_eq(yh_register_source(&rel, &at, store, (yh_register_kind)k, 0), YH_OK);
		ck_assert_uint_eq(at, 0);
	}
	ck_assert_int_eq(yh_register_source(&rel, &at, store, YH_REGISTER_COUNT, 1), YH_EINVAL);
	yh_store_close(store);
}
END_TEST

static Suite *shared_suite(void)
{
	Suite *s = suite_create("shared");
	TCase *tc = tu_tcase(s, "shared", TU_TMPDIR, 60);

	tcase_add_test(tc, test_adopt_refused_on_sqlite);
	tcase_add_test(tc, test_source_is_own_table);
	return s;
}

TU_MAIN(shared_suite)
