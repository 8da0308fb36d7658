/*
 * test_db_pg.c — the libpq driver (engine/store/db_pg.c) against a throwaway PostgreSQL
 * database (tests/pg/db_pg.sh starts it and passes its URI in YAOHAO_TEST_PG; without it the
 * program exits 77, skipped).  The driver's failure paths: a COMMIT the server answers with
 * ROLLBACK, a held cursor reset inside a failed transaction, a result whose arrays cannot be
 * allocated (calloc is wrapped at link time, -Wl,--wrap=calloc, to fail on demand).
 */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "store/sqlite.h"
#include "store/store.h"

/* ---- calloc failing on demand ---- */

void *__real_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size);

static int calloc_fails_in; /* > 0: the calloc this many calls from now returns NULL */

void *__wrap_calloc(size_t n, size_t size)
{
	if (calloc_fails_in > 0 && --calloc_fails_in == 0)
		return NULL;
	return __real_calloc(n, size);
}

/* ---- a connection ---- */

static yh_store *connect_pg(void)
{
	yh_store *store = __real_calloc(1, sizeof(*store));
	const char *uri = getenv("YAOHAO_TEST_PG");

	ck_assert_ptr_nonnull(store);
	ck_assert_ptr_nonnull(uri);
	store->path = strdup(uri);
	ck_assert_int_eq(yh_db_connect(store, 0), YH_OK);
	ck_assert_int_eq(yh_db_kind(store), YH_DB_POSTGRESQL);
	return store;
}

static void disconnect(yh_store *store)
{
	yh_db_disconnect(store);
	free(store->path);
	free(store);
}

static int64_t count(yh_store *store, const char *sql)
{
	yh_stmt *st = NULL;
	int64_t n;

	ck_assert_int_eq(yh_db_prepare(&st, store, sql, "count"), YH_OK);
	ck_assert_int_eq(yh_db_step(st), YH_DB_ROW);
	n = yh_db_int64(st, 0);
	yh_db_finalize(st);
	return n;
}

/* ---- COMMIT in a failed transaction ---- */

START_TEST(test_commit_after_failure)
{
	yh_store *store = connect_pg();

	ck_assert_int_eq(yh_db_exec(store, "CREATE TABLE c1 (x bigint)"), YH_OK);
	/* the control: a transaction without a failure commits */
	ck_assert_int_eq(yh_db_exec(store, "BEGIN"), YH_OK);
	ck_assert_int_eq(yh_db_exec(store, "INSERT INTO c1 VALUES (1)"), YH_OK);
	ck_assert_int_eq(yh_db_exec(store, "COMMIT"), YH_OK);
	/* a statement fails: the server answers the COMMIT with ROLLBACK, which is a failure */
	ck_assert_int_eq(yh_db_exec(store, "BEGIN"), YH_OK);
	ck_assert_int_eq(yh_db_exec(store, "INSERT INTO c1 VALUES (2)"), YH_OK);
	ck_assert_int_lt(yh_db_exec(store, "SELECT 1 / 0"), 0);
	ck_assert_int_eq(yh_db_exec(store, "COMMIT"), YH_DB_ERROR);
	ck_assert_ptr_nonnull(strstr(yh_db_message(store), "rolled back"));
	ck_assert_int_eq(yh_db_in_transaction(store), 0);
	ck_assert_int_eq(count(store, "SELECT count(*) FROM c1"), 1);
	/* and through the store's own commit, which the writers call */
	ck_assert_int_eq(yh_store_begin(store), YH_OK);
	ck_assert_int_lt(yh_db_exec(store, "INSERT INTO c1 VALUES ('not a number')"), 0);
	ck_assert_int_eq(yh_store_commit(store), YH_ESTORE);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "cannot commit"));
	ck_assert_int_eq(count(store, "SELECT count(*) FROM c1"), 1);
	disconnect(store);
}
END_TEST

/* ---- a held cursor reset in a failed transaction ---- */

START_TEST(test_cursor_closed_after_failure)
{
	yh_store *store = connect_pg();
	yh_stmt *scan = NULL;
	int64_t n = 0;
	int r;

	/* more rows than one fetch, so that the cursor stays open after the first row */
	ck_assert_int_eq(yh_db_exec(store, "CREATE TABLE c2 AS SELECT g AS x FROM "
	                            "generate_series(1, 20000) g"), YH_OK);
	ck_assert_int_eq(yh_db_prepare_scan(&scan, store, "SELECT x FROM c2 ORDER BY x", "scan"),
	                 YH_OK);
	ck_assert_int_eq(yh_db_step(scan), YH_DB_ROW);
	ck_assert_int_eq(count(store, "SELECT count(*) FROM pg_cursors WHERE name LIKE 'yh_scan_%'"), 1);
	/* a transaction fails while the scan is open; the scan is given up inside it */
	ck_assert_int_eq(yh_db_exec(store, "BEGIN"), YH_OK);
	ck_assert_int_lt(yh_db_exec(store, "SELECT 1 / 0"), 0);
	yh_db_finalize(scan);
	ck_assert_int_eq(yh_db_exec(store, "ROLLBACK"), YH_OK);
	/* the held cursor, declared before the transaction, outlived its rollback: closed now */
	ck_assert_int_eq(count(store, "SELECT count(*) FROM pg_cursors WHERE name LIKE 'yh_scan_%'"), 0);

	/* a scan failing mid-way, inside a transaction: the failure stands until the reset */
	ck_assert_int_eq(yh_db_exec(store, "BEGIN"), YH_OK);
	ck_assert_int_eq(yh_db_prepare_scan(&scan, store, "SELECT 1 / (x - 15000) FROM c2",
	                                    "scan"), YH_OK);
	while ((r = yh_db_step(scan)) == YH_DB_ROW)
		n++;
	ck_assert_int_eq(r, YH_DB_ERROR);
	ck_assert_int_eq(n, 8192); /* the first fetch's rows */
	ck_assert_int_eq(yh_db_step(scan), YH_DB_ERROR);
	yh_db_finalize(scan);
	yh_store_rollback(store);
	ck_assert_int_eq(count(store, "SELECT count(*) FROM pg_cursors WHERE name LIKE 'yh_scan_%'"), 0);

	/* and the next scan reads every row, its cursor closed at the end */
	ck_assert_int_eq(yh_db_prepare_scan(&scan, store, "SELECT x FROM c2 ORDER BY x", "scan"),
	                 YH_OK);
	n = 0;
	while ((r = yh_db_step(scan)) == YH_DB_ROW)
		TU_REQUIRE_INT(yh_db_int64(scan, 0), ++n);
	ck_assert_int_eq(r, YH_DB_DONE);
	ck_assert_int_eq(n, 20000);
	yh_db_finalize(scan);
	ck_assert_int_eq(count(store, "SELECT count(*) FROM pg_cursors WHERE name LIKE 'yh_scan_%'"), 0);
	disconnect(store);
}
END_TEST

/* ---- a result whose arrays cannot be allocated ---- */

static void check_alloc_failure(int which)
{
	yh_store *store = connect_pg();
	yh_stmt *st = NULL;
	const unsigned char *b;

	ck_assert_int_eq(yh_db_prepare(&st, store, "SELECT CAST('\\x0102' AS bytea), 'text'", "q"),
	                 YH_OK);
	calloc_fails_in = which; /* the first or the second of the result's two arrays */
	ck_assert_int_eq(yh_db_step(st), YH_DB_ERROR);
	calloc_fails_in = 0;
	ck_assert_str_eq(yh_db_message(store), "out of memory");
	/* stepped again, it fails again: no row to read without its arrays */
	ck_assert_int_eq(yh_db_step(st), YH_DB_ERROR);
	ck_assert_ptr_null(yh_db_blob(st, 0));
	ck_assert_uint_eq(yh_db_bytes(st, 0), 0);
	ck_assert_ptr_null(yh_db_text(st, 1));
	/* reset, it runs */
	yh_db_reset(st);
	ck_assert_int_eq(yh_db_step(st), YH_DB_ROW);
	b = yh_db_blob(st, 0);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(yh_db_bytes(st, 0), 2);
	ck_assert_int_eq(b[0], 1);
	ck_assert_int_eq(b[1], 2);
	ck_assert_str_eq(yh_db_text(st, 1), "text");
	ck_assert_int_eq(yh_db_step(st), YH_DB_DONE);
	yh_db_finalize(st);
	disconnect(store);
}

START_TEST(test_result_alloc_failure)
{
	check_alloc_failure(1);
	check_alloc_failure(2);
}
END_TEST

START_TEST(test_scan_alloc_failure)
{
	yh_store *store = connect_pg();
	yh_stmt *scan = NULL;
	int64_t n = 0;
	int r;

	ck_assert_int_eq(yh_db_exec(store, "CREATE TABLE c3 AS SELECT g AS x, "
	                            "CAST(to_hex(g) AS bytea) AS b FROM generate_series(1, 10000) g"),
	                 YH_OK);
	ck_assert_int_eq(yh_db_prepare_scan(&scan, store, "SELECT x, b FROM c3 ORDER BY x", "scan"),
	                 YH_OK);
	while ((r = yh_db_step(scan)) == YH_DB_ROW) {
		TU_REQUIRE(yh_db_blob(scan, 1) != NULL, "row %lld: no blob", (long long)n);
		n++;
		if (n == 8192)
			calloc_fails_in = 1; /* the next fetch's arrays */
	}
	calloc_fails_in = 0;
	ck_assert_int_eq(r, YH_DB_ERROR);
	ck_assert_int_eq(n, 8192);
	ck_assert_int_eq(yh_db_step(scan), YH_DB_ERROR);
	ck_assert_ptr_null(yh_db_blob(scan, 1));
	yh_db_finalize(scan);
	ck_assert_int_eq(count(store, "SELECT count(*) FROM pg_cursors WHERE name LIKE 'yh_scan_%'"), 0);
	disconnect(store);
}
END_TEST

/* ---- a register read through its key, whoever reads ---- */

/* The plan of a register read by key, seq scans priced out (a table this small is otherwise
 * read whole whatever the indexes). */
static char *plan_of(yh_store *store, const char *rel)
{
	char sql[512], *plan = calloc(1, 4096);
	yh_stmt *st = NULL;

	ck_assert_ptr_nonnull(plan);
	snprintf(sql, sizeof(sql), "EXPLAIN SELECT id, name FROM %s WHERE " YH_SQL_AS_OF_SEQ
	         " AND id IN ('x', 'y')", rel);
	ck_assert_int_eq(yh_db_exec(store, "SET enable_seqscan = off"), YH_OK);
	ck_assert_int_eq(yh_db_prepare(&st, store, sql, "plan"), YH_OK);
	yh_db_bind_int64(st, 1, 3);
	while (yh_db_step(st) == YH_DB_ROW)
		strncat(plan, yh_db_text(st, 0), 4095 - strlen(plan));
	yh_db_finalize(st);
	return plan;
}

/* A superuser (here the cluster's) is above row-level security, which adds the department to a
 * role's reads; the primary key leads with it, so a read that does not name it scans every
 * department's rows.  The store's source of a register names it (shared_store.c). */
START_TEST(test_register_read_names_department)
{
	yh_store *store = NULL;
	const char *rel = NULL;
	uint64_t at = 0;
	char *plan;

	ck_assert_int_eq(yh_store_create(&store, getenv("YAOHAO_TEST_PG"), "330100-SCJG"), YH_OK);
	ck_assert_int_eq(yh_register_source(&rel, &at, store, YH_REGISTER_ENTITIES, 3), YH_OK);
	plan = plan_of(store, rel);
	ck_assert_msg(strstr(plan, "Index Cond: ((dept = "), "the department not in the index: %s", plan);
	free(plan);
	/* the control: the bare table is read without it */
	plan = plan_of(store, "entity");
	ck_assert_msg(!strstr(plan, "Index Cond: ((dept = "), "the control named the department: %s", plan);
	free(plan);
	yh_store_close(store);
}
END_TEST

static Suite *db_pg_suite(void)
{
	Suite *s = suite_create("db_pg");
	TCase *tc = tu_tcase(s, "driver", 0, 60);

	tcase_add_test(tc, test_commit_after_failure);
	tcase_add_test(tc, test_cursor_closed_after_failure);
	tcase_add_test(tc, test_result_alloc_failure);
	tcase_add_test(tc, test_scan_alloc_failure);
	tcase_add_test(tc, test_register_read_names_department);
	return s;
}

int main(void)
{
	if (!getenv("YAOHAO_TEST_PG")) {
		puts("YAOHAO_TEST_PG not set (tests/pg/db_pg.sh sets it): skipped");
		return 77;
	}
	return tu_run(db_pg_suite());
}
