/* test_status_map.c — the words departments use for statuses: the built-in words (rules.c)
 * and the store's status map, kept as "config" ledger entries (yaohao/status_map.h,
 * engine/status_map.c; docs/formats.md, "Statuses"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "testutil.h"
#include "status_map.h" /* private: the map replayed, one entry applied (the audit's check) */

#define OFFICER_HEADER "执法证号,姓名,部门,执法证有效期至,状态\n"

/* Imports officers O1..On whose statuses are words[0..n), into tu_dir/name. */
static int import_statuses(yh_store *store, const char *const *words, size_t n, tu_diags *ds)
{
	tu_buf b = { 0 };
	yh_import_report rep;
	size_t i;
	int rc;

	tu_buf_str(&b, OFFICER_HEADER);
	for (i = 0; i < n; i++)
		tu_buf_fmt(&b, "O%zu,某人,330100-SCJG,2030-01-01,%s\n", i + 1, words[i]);
	tu_write_str(tu_path("officers.csv"), b.s);
	free(b.s);
	rc = tu_import(&rep, store, YH_REGISTER_INSPECTORS, tu_path("officers.csv"), NULL, ds);
	return rc;
}

/* The stored status of officer O<n>. */
static char *status_of(yh_store *store, size_t n)
{
	char id[16], *row, *bar;

	snprintf(id, sizeof(id), "O%zu", n);
	row = tu_register_row(store, YH_REGISTER_INSPECTORS, 0, id);
	ck_assert_ptr_nonnull(row);
	bar = strrchr(row, '|');
	memmove(row, bar + 1, strlen(bar));
	return row;
}

/* The officer words departments use, Chinese and English in any case and spacing, map onto
 * the four stored classes; only active officers are drawn. */
START_TEST(test_builtin_officer_words)
{
	static const struct {
		const char *word, *cls;
	} cases[] = {
		{ "在岗", "active" }, { "Active", "active" },
		{ "离岗", "on_leave" }, { "借调", "on_leave" }, { "挂职", "on_leave" }, { "培训", "on_leave" },
		{ "学习", "on_leave" }, { "进修", "on_leave" }, { "事假", "on_leave" }, { "产假", "on_leave" },
		{ "病休", "on_leave" }, { "休假", "on_leave" }, { "on leave", "on_leave" },
		{ "On Leave", "on_leave" }, { "ON_LEAVE", "on_leave" }, { "on-leave", "on_leave" },
		{ "on  _ leave", "on_leave" }, { "Leave", "on_leave" }, { "seconded", "on_leave" },
		{ "Training", "on_leave" },
		{ "停职", "suspended" }, { "停止执法", "suspended" }, { "Suspended", "suspended" },
		{ "INACTIVE", "suspended" }, { "inactive", "suspended" },
		{ "退休", "left" }, { "辞职", "left" }, { "调出", "left" }, { "离退休", "left" },
		{ "retired", "left" }, { "Retired", "left" }, { "resigned", "left" }, { "LEFT", "left" },
	};
	const char *words[sizeof(cases) / sizeof(cases[0])];
	yh_store *store = tu_store_new();
	tu_diags ds;
	size_t i, n = sizeof(cases) / sizeof(cases[0]);

	for (i = 0; i < n; i++)
		words[i] = cases[i].word;
	ck_assert_msg(import_statuses(store, words, n, &ds) == YH_OK, "%s: %s", yh_error_message(),
	              ds.n ? ds.d[0].message : "");
	for (i = 0; i < n; i++) {
		char *got = status_of(store, i + 1);

		ck_assert_msg(strcmp(got, cases[i].cls) == 0, "'%s' gave '%s', expected '%s'", cases[i].word,
		              got, cases[i].cls);
		free(got);
	}
	yh_store_close(store);
}
END_TEST

/* Entity words of registration systems beside the ones the fixtures use. */
START_TEST(test_builtin_entity_words)
{
	static const struct {
		const char *word, *cls;
	} cases[] = {
		{ "在营（开业）企业", "active" }, { "在营（开业）", "active" }, { "存续(在营、开业、在册)", "active" },
		{ "吊销，已注销", "deregistered" }, { "吊销已注销", "deregistered" },
		{ "canceled", "cancelled" }, { "Moved Out", "moved_out" }, { "moved-out", "moved_out" },
		{ "In Liquidation", "liquidating" }, { "SUSPENDED", "suspended" },
	};
	yh_store *store = tu_store_new();
	yh_import_report rep;
	tu_buf b = { 0 };
	tu_diags ds;
	size_t i, n = sizeof(cases) / sizeof(cases[0]);

	tu_buf_str(&b, "统一社会信用代码,企业名称,登记状态\n");
	for (i = 0; i < n; i++) {
		char id[19];

		snprintf(id, sizeof(id), "91330106MA%07zu", i + 1);
		id[17] = yh_uscc_check_char(id);
		id[18] = '\0';
		tu_buf_fmt(&b, "%s,某公司,%s\n", id, cases[i].word);
	}
	tu_write_str(tu_path("e.csv"), b.s);
	free(b.s);
	ck_assert_msg(tu_import(&rep, store, YH_REGISTER_ENTITIES, tu_path("e.csv"), NULL, &ds) == YH_OK,
	              "%s: %s", yh_error_message(), ds.n ? ds.d[0].message : "");
	for (i = 0; i < n; i++) {
		char id[19], *row;

		snprintf(id, sizeof(id), "91330106MA%07zu", i + 1);
		id[17] = yh_uscc_check_char(id);
		id[18] = '\0';
		row = tu_register_row(store, YH_REGISTER_ENTITIES, 0, id);
		ck_assert_ptr_nonnull(row);
		ck_assert_msg(strstr(row, cases[i].cls) != NULL, "'%s' gave %s", cases[i].word, row);
		free(row);
	}
	yh_store_close(store);
}
END_TEST

/* A local word is refused, naming the column and with the hint; mapped in the store's status
 * map it is read as its class, and the register holds what the class itself gives. */
START_TEST(test_local_word)
{
	const char *words[] = { "驻村", "在岗", "On Duty" }, *plain[] = { "on_leave", "在岗", "active" };
	yh_store *store = tu_store_new(), *other;
	uint64_t seq = 0, head;
	tu_diags ds;
	char *a, *b;

	head = tu_ledger_head(store);
	ck_assert_int_eq(import_statuses(store, words, 3, &ds), YH_EDATA);
	ck_assert_ptr_nonnull(tu_diag_find(&ds, 2, "状态"));
	ck_assert_msg(strstr(tu_diag_find(&ds, 2, "状态")->message, "'驻村' is not one of"),
	              "%s", tu_diag_find(&ds, 2, "状态")->message);
	ck_assert_int_eq(tu_diag_find(&ds, 2, "状态")->hint, YH_HINT_ADD_STATUS_WORD);
	ck_assert_ptr_nonnull(tu_diag_find(&ds, 4, "状态"));
	ck_assert_uint_eq(tu_ledger_head(store), head);

	ck_assert_msg(yh_status_map_add(&seq, store, YH_REGISTER_INSPECTORS, "驻村", "on_leave") == YH_OK,
	              "%s", yh_error_message());
	ck_assert_uint_eq(seq, head + 1);
	ck_assert_int_eq(yh_status_map_add(&seq, store, YH_REGISTER_INSPECTORS, "on duty", "active"), YH_OK);
	ck_assert_msg(import_statuses(store, words, 3, &ds) == YH_OK, "%s", yh_error_message());
	a = tu_register_dump(store, YH_REGISTER_INSPECTORS, 0);
	/* the same officers with the class names: the same register, byte for byte */
	ck_assert_int_eq(yh_store_create(&other, tu_path("other.db"), TU_DEPARTMENT), YH_OK);
	ck_assert_int_eq(import_statuses(other, plain, 3, &ds), YH_OK);
	b = tu_register_dump(other, YH_REGISTER_INSPECTORS, 0);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	yh_store_close(other);

	/* the entry: kind "config", the payload documented in docs/spec.md §11 */
	{
		char *kind, *payload = tu_ledger_payload(store, head + 1, &kind);
		json_t *j = tu_json(payload);

		ck_assert_str_eq(kind, "config");
		ck_assert_str_eq(tu_jstr(j, "setting"), "status_map");
		ck_assert_str_eq(tu_jstr(j, "action"), "add");
		ck_assert_str_eq(tu_jstr(j, "register"), "inspectors");
		ck_assert_str_eq(tu_jstr(j, "word"), "驻村");
		ck_assert_str_eq(tu_jstr(j, "class"), "on_leave");
		ck_assert_uint_eq(json_object_size(j), 6); /* and "time" */
		json_decref(j);
		free(kind);
		free(payload);
	}
	/* removed, the word is refused again */
	ck_assert_int_eq(yh_status_map_remove(&seq, store, YH_REGISTER_INSPECTORS, "驻村"), YH_OK);
	ck_assert_int_eq(import_statuses(store, words, 3, &ds), YH_EDATA);
	ck_assert_ptr_nonnull(tu_diag_find(&ds, 2, "状态"));
	ck_assert_ptr_null(tu_diag_find(&ds, 4, "状态"));
	yh_store_close(store);
}
END_TEST

static int collect(void *ctx, yh_register_kind kind, const char *word, const char *cls, uint64_t seq)
{
	tu_buf_fmt(ctx, "%s:%s:%s:%llu;", yh_register_name(kind), word, cls, (unsigned long long)seq);
	return 0;
}

/* What the map refuses, each leaving the ledger as it was; the map as of an entry. */
START_TEST(test_map_refusals_and_history)
{
	yh_store *store = tu_store_new();
	yh_status_map *map = NULL;
	uint64_t seq = 7, head, first;
	char long_word[80];
	tu_buf b = { 0 };

	ck_assert_int_eq(yh_status_map_add(&first, store, YH_REGISTER_INSPECTORS, "驻村", "on_leave"), YH_OK);
	ck_assert_int_eq(yh_status_map_add(&seq, store, YH_REGISTER_ENTITIES, "停业整顿", "suspended"), YH_OK);
	head = tu_ledger_head(store);
#define REFUSED(call, code, want) do { \
		ck_assert_int_eq((call), (code)); \
		ck_assert_msg(strstr(yh_error_message(), (want)) != NULL, "'%s' lacks '%s'", \
		              yh_error_message(), (want)); \
		ck_assert_uint_eq(seq, 0); \
		ck_assert_uint_eq(tu_ledger_head(store), head); \
	} while (0)
	REFUSED(yh_status_map_add(&seq, store, YH_REGISTER_INSPECTORS, "休假", "active"), YH_EEXIST,
	        "'休假' is a built-in word of inspectors (on_leave)");
	REFUSED(yh_status_map_add(&seq, store, YH_REGISTER_INSPECTORS, "On Leave", "active"), YH_EEXIST,
	        "built-in");
	REFUSED(yh_status_map_add(&seq, store, YH_REGISTER_INSPECTORS, "驻村", "left"), YH_EEXIST,
	        "in the status map of inspectors already (on_leave, entry");
	REFUSED(yh_status_map_add(&seq, store, YH_REGISTER_INSPECTORS, "x", "deregistered"), YH_EINVAL,
	        "'deregistered' is not a status of inspectors (use active, on_leave, suspended, left)");
	REFUSED(yh_status_map_add(&seq, store, YH_REGISTER_CONFLICTS, "x", "active"), YH_EINVAL,
	        "no status column");
	REFUSED(yh_status_map_add(&seq, store, YH_REGISTER_INSPECTORS, "", "active"), YH_EINVAL, "empty");
	REFUSED(yh_status_map_add(&seq, store, YH_REGISTER_INSPECTORS, " x", "active"), YH_EINVAL,
	        "spaces");
	REFUSED(yh_status_map_add(&seq, store, YH_REGISTER_INSPECTORS, "驻\xE2\x80\xAE村", "active"),
	        YH_EINVAL, "bidirectional control character U+202E");
	memset(long_word, 'x', 65);
	long_word[65] = '\0';
	REFUSED(yh_status_map_add(&seq, store, YH_REGISTER_INSPECTORS, long_word, "active"), YH_EINVAL,
	        "65 bytes long, the limit is 64");
	REFUSED(yh_status_map_remove(&seq, store, YH_REGISTER_INSPECTORS, "停业整顿"), YH_ENOTFOUND,
	        "not in the status map of inspectors");
#undef REFUSED
	/* the entity word is the entity register's only */
	ck_assert_int_eq(yh_status_map_foreach(store, collect, &b), YH_OK);
	ck_assert_str_eq(b.s, "entities:停业整顿:suspended:3;inspectors:驻村:on_leave:2;");
	free(b.s);
	/* the map as of an entry holds the entries up to it */
	ck_assert_int_eq(yh_status_map_load(&map, store, first - 1), YH_OK);
	ck_assert_ptr_null(yh_status_map_lookup(map, YH_REGISTER_INSPECTORS, "驻村"));
	yh_status_map_free(map);
	ck_assert_int_eq(yh_status_map_load(&map, store, first), YH_OK);
	ck_assert_str_eq(yh_status_map_lookup(map, YH_REGISTER_INSPECTORS, "驻村"), "on_leave");
	ck_assert_ptr_null(yh_status_map_lookup(map, YH_REGISTER_ENTITIES, "停业整顿"));
	ck_assert_ptr_null(yh_status_map_lookup(map, YH_REGISTER_ENTITIES, "驻村"));
	yh_status_map_free(map);
	yh_store_close(store);
}
END_TEST

/* The audit's check of one entry: every malformed payload is named. */
START_TEST(test_apply_checks_payloads)
{
	static const struct {
		const char *payload;
		int code;
		const char *want;
	} cases[] = {
		{ "[]", YH_EINVAL, "not a JSON object" },
		{ "{\"setting\":\"status_map\",\"action\":\"add\",\"register\":\"inspectors\",\"word\":\"w\","
		  "\"class\":\"active\",\"extra\":1}", YH_EINVAL, "unknown member 'extra'" },
		{ "{\"setting\":\"other\",\"action\":\"add\",\"register\":\"inspectors\",\"word\":\"w\","
		  "\"class\":\"active\"}", YH_EINVAL, "setting" },
		{ "{\"setting\":\"status_map\",\"action\":\"set\",\"register\":\"inspectors\",\"word\":\"w\","
		  "\"class\":\"active\"}", YH_EINVAL, "action" },
		{ "{\"setting\":\"status_map\",\"action\":\"add\",\"register\":\"inspector\",\"word\":\"w\","
		  "\"class\":\"active\"}", YH_EINVAL, "register" },
		{ "{\"setting\":\"status_map\",\"action\":\"add\",\"register\":\"inspectors\",\"word\":\"w\"}",
		  YH_EINVAL, "not a status of inspectors" },
		{ "{\"setting\":\"status_map\",\"action\":\"remove\",\"register\":\"inspectors\",\"word\":\"w\","
		  "\"class\":\"active\"}", YH_EINVAL, "a removal names no class" },
		{ "{\"setting\":\"status_map\",\"action\":\"add\",\"register\":\"inspectors\",\"class\":\"active\"}",
		  YH_EINVAL, "word is missing" },
		{ "{\"setting\":\"status_map\",\"action\":\"add\",\"register\":\"inspectors\",\"word\":\"在岗\","
		  "\"class\":\"left\"}", YH_EEXIST, "built-in" },
		{ "{\"setting\":\"status_map\",\"action\":\"remove\",\"register\":\"inspectors\",\"word\":\"w\"}",
		  YH_ENOTFOUND, "not in the status map" },
	};
	yh_status_map *map = NULL;
	char why[256];
	size_t i;

	ck_assert_int_eq(yh_status_map_new(&map), YH_OK);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		why[0] = '\0';
		ck_assert_int_eq(yh_status_map_apply(map, 5, cases[i].payload, why, sizeof(why)), cases[i].code);
		ck_assert_msg(strstr(why, cases[i].want), "case %zu: '%s' lacks '%s'", i, why, cases[i].want);
	}
	ck_assert_int_eq(yh_status_map_apply(map, 5, "{\"setting\":\"status_map\",\"action\":\"add\","
	                 "\"register\":\"inspectors\",\"word\":\"W\",\"class\":\"left\",\"time\":\"x\"}",
	                 why, sizeof(why)), YH_OK);
	ck_assert_str_eq(yh_status_map_lookup(map, YH_REGISTER_INSPECTORS, "w"), "left");
	yh_status_map_free(map);
}
END_TEST

/* A "config" entry rewritten around the engine (its hash no longer matches: the audit says so)
 * stops the import rather than give another reading. */
START_TEST(test_damaged_entry_stops_import)
{
	const char *words[] = { "驻村" };
	yh_store *store = tu_store_new();
	uint64_t seq;
	sqlite3 *db;
	tu_diags ds;

	ck_assert_int_eq(yh_status_map_add(&seq, store, YH_REGISTER_INSPECTORS, "驻村", "on_leave"), YH_OK);
	yh_store_close(store);
	db = tu_sql_open(tu_path("yaohao.db"));
	tu_sql_exec(db, "DROP TRIGGER ledger_no_update");
	tu_sql_exec(db, "UPDATE ledger SET payload = replace(payload, 'on_leave', 'holiday') WHERE kind = 'config'");
	tu_sql_close(db);
	ck_assert_int_eq(yh_store_open(&store, tu_path("yaohao.db")), YH_OK);
	ck_assert_int_eq(import_statuses(store, words, 1, &ds), YH_ESTORE);
	ck_assert_msg(strstr(yh_error_message(), "(config) does not apply: 'holiday' is not a status"),
	              "%s", yh_error_message());
	yh_store_close(store);
}
END_TEST

static Suite *status_map_suite(void)
{
	Suite *s = suite_create("status_map");
	TCase *tc = tu_tcase(s, "status_map", TU_TMPDIR, 0);

	tcase_add_test(tc, test_builtin_officer_words);
	tcase_add_test(tc, test_builtin_entity_words);
	tcase_add_test(tc, test_local_word);
	tcase_add_test(tc, test_map_refusals_and_history);
	tcase_add_test(tc, test_apply_checks_payloads);
	tcase_add_test(tc, test_damaged_entry_stops_import);
	return s;
}

TU_MAIN(status_map_suite)
