/* test_stats.c — register statistics (yaohao/stats.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "testutil.h"

/* Expected counts, worked out from the fixtures with Python's csv module
 * (and fixtures/README.md), not with yaohao. */
static const struct { const char *code, *name; int count; } provinces[] = {
	{ "11", "北京市", 3 }, { "12", "天津市", 2 }, { "14", "山西省", 3 }, { "15", "内蒙古自治区", 3 },
	{ "21", "辽宁省", 4 }, { "22", "吉林省", 3 }, { "23", "黑龙江省", 2 }, { "31", "上海市", 1 },
	{ "32", "江苏省", 9 }, { "33", "浙江省", 217 }, { "34", "安徽省", 2 }, { "35", "福建省", 2 },
	{ "36", "江西省", 1 }, { "37", "山东省", 3 }, { "41", "河南省", 10 }, { "43", "湖南省", 1 },
	{ "44", "广东省", 12 }, { "45", "广西壮族自治区", 2 }, { "51", "四川省", 11 }, { "53", "云南省", 2 },
	{ "54", "西藏自治区", 1 }, { "61", "陕西省", 1 }, { "62", "甘肃省", 2 },
	{ "64", "宁夏回族自治区", 1 }, { "65", "新疆维吾尔自治区", 2 },
};

static const struct { const char *section, *name; int count; } sections[] = {
	{ "", "(not given)", 4 }, { "A", "农、林、牧、渔业", 6 }, { "C", "制造业", 60 },
	{ "E", "建筑业", 8 }, { "F", "批发和零售业", 83 }, { "G", "交通运输、仓储和邮政业", 9 },
	{ "H", "住宿和餐饮业", 86 }, { "I", "信息传输、软件和信息技术服务业", 12 }, { "K", "房地产业", 7 },
	{ "L", "租赁和商务服务业", 13 }, { "M", "科学研究和技术服务业", 12 },
};

static yh_store *store_with_fixtures(void)
{
	yh_store *store = tu_store_new();
	yh_import_report rep;

	tu_import_ok(&rep, store, YH_REGISTER_ENTITIES, tu_fixture("entities.csv"), NULL);    /* 2 */
	tu_import_ok(&rep, store, YH_REGISTER_INSPECTORS, tu_fixture("inspectors.csv"), NULL); /* 3 */
	tu_import_ok(&rep, store, YH_REGISTER_CONFLICTS, tu_fixture("conflicts.csv"), NULL);   /* 4 */
	tu_import_ok(&rep, store, YH_REGISTER_ITEMS, tu_fixture("items.csv"), NULL);           /* 5 */
	ck_assert_uint_eq(tu_ledger_head(store), 5);
	return store;
}

static json_t *stats(yh_store *store, uint64_t as_of)
{
	json_t *out = NULL;
	int rc = yh_stats_compute(&out, store, as_of);

	ck_assert_msg(rc == YH_OK, "yh_stats_compute(%llu): %d %s", (unsigned long long)as_of, rc,
	              yh_error_message());
	ck_assert(json_is_object(out));
	return out;
}

/* obj.path1.path2 as an integer, -1 when absent. */
static json_int_t get_int(json_t *root, const char *a, const char *b, const char *c)
{
	json_t *v = json_object_get(root, a);

	if (b)
		v = json_object_get(v, b);
	if (c)
		v = json_object_get(v, c);
	return json_is_integer(v) ? json_integer_value(v) : -1;
}

/* The sum of an object's integer values. */
static json_int_t sum_object(json_t *obj)
{
	const char *key;
	json_t *v;
	json_int_t n = 0;

	ck_assert(json_is_object(obj));
	json_object_foreach(obj, key, v) {
		ck_assert(json_is_integer(v));
		n += json_integer_value(v);
	}
	return n;
}

START_TEST(test_totals)
{
	yh_store *store = store_with_fixtures();
	json_t *s = stats(store, 0);

	ck_assert_str_eq(json_string_value(json_object_get(s, "department")), TU_DEPARTMENT);
	ck_assert_int_eq(get_int(s, "as_of", NULL, NULL), 5);
	ck_assert_int_eq(get_int(s, "entities", "total", NULL), 300);
	ck_assert_int_eq(get_int(s, "entities", "abnormal", NULL), 15);
	ck_assert_int_eq(get_int(s, "inspectors", "total", NULL), 40);
	ck_assert_int_eq(get_int(s, "conflicts", "total", NULL), 15);
	ck_assert_int_eq(get_int(s, "items", "total", NULL), 8);
	json_decref(s);
	yh_store_close(store);
}
END_TEST

START_TEST(test_by_status_and_risk)
{
	yh_store *store = store_with_fixtures();
	json_t *s = stats(store, 0), *ent = json_object_get(s, "entities");
	json_t *st = json_object_get(ent, "by_status"), *risk = json_object_get(ent, "by_risk");

	ck_assert_int_eq(get_int(ent, "by_status", "active", NULL), 270);
	ck_assert_int_eq(get_int(ent, "by_status", "deregistered", NULL), 10);
	ck_assert_int_eq(get_int(ent, "by_status", "revoked", NULL), 8);
	ck_assert_int_eq(get_int(ent, "by_status", "moved_out", NULL), 5);
	ck_assert_int_eq(get_int(ent, "by_status", "suspended", NULL), 4);
	ck_assert_int_eq(get_int(ent, "by_status", "cancelled", NULL), 3);
	ck_assert_uint_eq(json_object_size(st), 6);
	ck_assert_int_eq(sum_object(st), 300);

	/* 147 A + 低, 88 B + 一般, 44 C + 较高, 15 D + 高, 2 empty */
	ck_assert_int_eq(get_int(ent, "by_risk", "A", NULL), 148);
	ck_assert_int_eq(get_int(ent, "by_risk", "B", NULL), 89);
	ck_assert_int_eq(get_int(ent, "by_risk", "C", NULL), 45);
	ck_assert_int_eq(get_int(ent, "by_risk", "D", NULL), 16);
	ck_assert_int_eq(get_int(ent, "by_risk", "unclassified", NULL), 2);
	ck_assert_uint_eq(json_object_size(risk), 5);

	ck_assert_int_eq(get_int(s, "inspectors", "by_status", "active"), 33);
	ck_assert_int_eq(get_int(s, "inspectors", "by_status", "on_leave"), 3);
	ck_assert_int_eq(get_int(s, "inspectors", "by_status", "suspended"), 2);
	ck_assert_int_eq(get_int(s, "inspectors", "by_status", "left"), 2);
	ck_assert_int_eq(get_int(s, "inspectors", "by_department", "330100-SCJG"), 26);
	ck_assert_int_eq(get_int(s, "inspectors", "by_department", "330100-STHJ"), 14);
	ck_assert_int_eq(get_int(s, "items", "by_department", "330100-SCJG"), 6);
	ck_assert_int_eq(get_int(s, "items", "by_department", "330100-STHJ"), 2);
	json_decref(s);
	yh_store_close(store);
}
END_TEST

START_TEST(test_by_province)
{
	yh_store *store = store_with_fixtures();
	json_t *s = stats(store, 0);
	json_t *arr = json_object_get(json_object_get(s, "entities"), "by_province");
	size_t i, n = sizeof(provinces) / sizeof(provinces[0]);
	json_int_t total = 0;

	ck_assert(json_is_array(arr));
	ck_assert_uint_eq(json_array_size(arr), n);
	for (i = 0; i < n; i++) {
		json_t *e = json_array_get(arr, i);

		ck_assert_str_eq(json_string_value(json_object_get(e, "code")), provinces[i].code);
		ck_assert_str_eq(json_string_value(json_object_get(e, "name")), provinces[i].name);
		ck_assert_int_eq(json_integer_value(json_object_get(e, "count")), provinces[i].count);
		total += json_integer_value(json_object_get(e, "count"));
	}
	ck_assert_int_eq(total, 300);
	json_decref(s);
	yh_store_close(store);
}
END_TEST

START_TEST(test_by_industry_section)
{
	yh_store *store = store_with_fixtures();
	json_t *s = stats(store, 0);
	json_t *arr = json_object_get(json_object_get(s, "entities"), "by_industry_section");
	size_t i, n = sizeof(sections) / sizeof(sections[0]);

	ck_assert(json_is_array(arr));
	ck_assert_uint_eq(json_array_size(arr), n);
	for (i = 0; i < n; i++) {
		json_t *e = json_array_get(arr, i);

		ck_assert_str_eq(json_string_value(json_object_get(e, "section")), sections[i].section);
		ck_assert_str_eq(json_string_value(json_object_get(e, "name")), sections[i].name);
		ck_assert_int_eq(json_integer_value(json_object_get(e, "count")), sections[i].count);
	}
	json_decref(s);
	yh_store_close(store);
}
END_TEST

/* As of an earlier sequence, only what was imported by then counts. */
START_TEST(test_as_of_earlier)
{
	yh_store *store = store_with_fixtures();
	json_t *s;

	s = stats(store, 2);
	ck_assert_int_eq(get_int(s, "as_of", NULL, NULL), 2);
	ck_assert_int_eq(get_int(s, "entities", "total", NULL), 300);
	ck_assert_int_eq(get_int(s, "inspectors", "total", NULL), 0);
	ck_assert_uint_eq(json_object_size(json_object_get(json_object_get(s, "inspectors"), "by_status")), 0);
	ck_assert_int_eq(get_int(s, "conflicts", "total", NULL), 0);
	ck_assert_int_eq(get_int(s, "items", "total", NULL), 0);
	json_decref(s);

	s = stats(store, 4);
	ck_assert_int_eq(get_int(s, "inspectors", "total", NULL), 40);
	ck_assert_int_eq(get_int(s, "conflicts", "total", NULL), 15);
	ck_assert_int_eq(get_int(s, "items", "total", NULL), 0);
	json_decref(s);

	/* the creation entry: everything empty */
	s = stats(store, 1);
	ck_assert_int_eq(get_int(s, "as_of", NULL, NULL), 1);
	ck_assert_int_eq(get_int(s, "entities", "total", NULL), 0);
	ck_assert_int_eq(get_int(s, "entities", "abnormal", NULL), 0);
	ck_assert_uint_eq(json_array_size(json_object_get(json_object_get(s, "entities"), "by_province")), 0);
	ck_assert_uint_eq(json_object_size(json_object_get(json_object_get(s, "entities"), "by_risk")), 0);
	json_decref(s);

	/* the head, given explicitly, is the same as 0 */
	{
		json_t *a = stats(store, 5), *b = stats(store, 0);

		ck_assert(json_equal(a, b));
		json_decref(a);
		json_decref(b);
	}
	yh_store_close(store);
}
END_TEST

/* After a change, the old figures are still there as of the old sequence. */
START_TEST(test_as_of_after_change)
{
	yh_store *store = store_with_fixtures();
	yh_import_report rep;
	json_t *before = stats(store, 0), *old, *now;
	char *text, *p;
	size_t len;

	/* line 10 (risk 高) becomes 低 and deregistered 注销, and the file is re-imported */
	text = tu_read(tu_fixture("entities.csv"), &len);
	{
		char *line = text;
		int i;

		for (i = 1; i < 10; i++)
			line = strchr(line, '\n') + 1;
		p = strstr(line, ",高,");
		ck_assert_ptr_nonnull(p);
		ck_assert(p < strchr(line, '\n'));
		/* ",高,存续," or similar: rewrite risk and status in place with same-length words */
		memcpy(p, ",低,", strlen(",低,"));
		p += strlen(",低,");
		ck_assert(strncmp(p, "存续", 6) == 0 || strncmp(p, "在业", 6) == 0 || strncmp(p, "开业", 6) == 0);
		memcpy(p, "注销", 6);
	}
	tu_write(tu_path("e2.csv"), text, len);
	free(text);
	tu_import_ok(&rep, store, YH_REGISTER_ENTITIES, tu_path("e2.csv"), NULL);
	ck_assert_uint_eq(rep.seq, 6);
	ck_assert_uint_eq(rep.changed, 1);

	now = stats(store, 0);
	ck_assert_int_eq(get_int(now, "entities", "by_risk", "D"), 15);
	ck_assert_int_eq(get_int(now, "entities", "by_risk", "A"), 149);
	ck_assert_int_eq(get_int(now, "entities", "by_status", "deregistered"), 11);
	ck_assert_int_eq(get_int(now, "entities", "by_status", "active"), 269);
	ck_assert_int_eq(get_int(now, "entities", "total", NULL), 300);
	ck_assert_int_eq(get_int(now, "as_of", NULL, NULL), 6);

	old = stats(store, 5);
	json_object_del(old, "as_of");
	json_object_del(before, "as_of");
	ck_assert(json_equal(old, before));
	json_decref(before);
	json_decref(old);
	json_decref(now);
	yh_store_close(store);
}
END_TEST

START_TEST(test_as_of_past_head)
{
	yh_store *store = store_with_fixtures();
	json_t *out = (json_t *)1;

	ck_assert_int_eq(yh_stats_compute(&out, store, 6), YH_EINVAL);
	ck_assert_ptr_null(out);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "past the ledger's head"));
	out = (json_t *)1;
	ck_assert_int_eq(yh_stats_compute(&out, store, UINT64_MAX), YH_EINVAL);
	ck_assert_ptr_null(out);
	yh_store_close(store);
}
END_TEST

/* A fresh store: zeros and empty groups, as of its creation. */
START_TEST(test_empty_store)
{
	yh_store *store = tu_store_new();
	json_t *s = stats(store, 0);

	ck_assert_int_eq(get_int(s, "as_of", NULL, NULL), 1);
	ck_assert_int_eq(get_int(s, "entities", "total", NULL), 0);
	ck_assert_int_eq(get_int(s, "inspectors", "total", NULL), 0);
	ck_assert(json_is_array(json_object_get(json_object_get(s, "entities"), "by_industry_section")));
	ck_assert(json_is_object(json_object_get(json_object_get(s, "items"), "by_department")));
	json_decref(s);
	yh_store_close(store);
}
END_TEST

/* Division codes outside the province list are counted as "(unknown)". */
START_TEST(test_unknown_province)
{
	yh_store *store = tu_store_new();
	yh_import_report rep;
	json_t *s, *arr, *e;

	tu_write_str(tu_path("e.csv"), "统一社会信用代码,企业名称,区划代码\n"
	                               "91350100M000100Y43,甲,990101\n"
	                               "91110000101623741K,乙,330106\n");
	tu_import_ok(&rep, store, YH_REGISTER_ENTITIES, tu_path("e.csv"), NULL);
	s = stats(store, 0);
	arr = json_object_get(json_object_get(s, "entities"), "by_province");
	ck_assert_uint_eq(json_array_size(arr), 2);
	e = json_array_get(arr, 0);
	ck_assert_str_eq(json_string_value(json_object_get(e, "code")), "33");
	ck_assert_str_eq(json_string_value(json_object_get(e, "name")), "浙江省");
	e = json_array_get(arr, 1);
	ck_assert_str_eq(json_string_value(json_object_get(e, "code")), "99");
	ck_assert_str_eq(json_string_value(json_object_get(e, "name")), "(unknown)");
	ck_assert_int_eq(json_integer_value(json_object_get(e, "count")), 1);
	/* no risk given: unclassified; no status column: active */
	ck_assert_int_eq(get_int(s, "entities", "by_risk", "unclassified"), 2);
	ck_assert_int_eq(get_int(s, "entities", "by_status", "active"), 2);
	json_decref(s);
	yh_store_close(store);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(yh_stats_province_name("33"), "浙江省");
	ck_assert_str_eq(yh_stats_province_name("330106"), "浙江省");
	ck_assert_str_eq(yh_stats_province_name("11"), "北京市");
	ck_assert_str_eq(yh_stats_province_name("65"), "新疆维吾尔自治区");
	ck_assert_str_eq(yh_stats_province_name("82"), "澳门特别行政区");
	ck_assert_ptr_null(yh_stats_province_name("99"));
	ck_assert_ptr_null(yh_stats_province_name("10"));
	ck_assert_ptr_null(yh_stats_province_name("3"));
	ck_assert_ptr_null(yh_stats_province_name(""));

	ck_assert_str_eq(yh_stats_section_name('A'), "农、林、牧、渔业");
	ck_assert_str_eq(yh_stats_section_name('F'), "批发和零售业");
	ck_assert_str_eq(yh_stats_section_name('H'), "住宿和餐饮业");
	ck_assert_str_eq(yh_stats_section_name('T'), "国际组织");
	ck_assert_ptr_null(yh_stats_section_name('U'));
	ck_assert_ptr_null(yh_stats_section_name('f'));
	ck_assert_ptr_null(yh_stats_section_name('\0'));
	ck_assert_ptr_null(yh_stats_section_name('@'));
}
END_TEST

static Suite *stats_suite(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tu_tcase(s, "stats", TU_TMPDIR, 60);

	tcase_add_test(tc, test_totals);
	tcase_add_test(tc, test_by_status_and_risk);
	tcase_add_test(tc, test_by_province);
	tcase_add_test(tc, test_by_industry_section);
	tcase_add_test(tc, test_as_of_earlier);
	tcase_add_test(tc, test_as_of_after_change);
	tcase_add_test(tc, test_as_of_past_head);
	tcase_add_test(tc, test_empty_store);
	tcase_add_test(tc, test_unknown_province);
	tcase_add_test(tc, test_names);
	return s;
}

TU_MAIN(stats_suite)
