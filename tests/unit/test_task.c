/* test_task.c — inspection tasks: parsing, validation, normalisation, the digest, storage,
 * strata keys, population matching and stratum sizes (yaohao/task.h, docs/spec.md §3-§5). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>
#include <sodium.h>

#include "testutil.h"
#include "task.h" /* private: the parsed task, stratum keys and sizes */

#define SRC "test.json"

/* A valid task's head; cases append the rest. */
#define HEAD "{\"id\":\"T1\",\"title\":\"t\",\"departments\":[\"330100-SCJG\"],\"draw_date\":\"2026-12-01\","
#define RATES "\"strata\":{\"rates\":{\"*\":\"5%\"}}"
#define TEAM "\"team\":{\"size\":2}"
#define MINIMAL HEAD RATES "," TEAM "}"

/* The parse fails with YH_EDATA; the message holds every NULL-terminated `want`. */
static void parse_bad(const char *json, const char *want, const char *want2)
{
	yh_task *t = (yh_task *)0x1;
	int rc = yh_task_parse(&t, json, strlen(json), SRC);
	const char *msg = yh_error_message();

	ck_assert_msg(rc == YH_EDATA, "expected YH_EDATA, got %d for\n%s", rc, json);
	ck_assert_ptr_null(t);
	ck_assert_msg(strncmp(msg, SRC ":", strlen(SRC) + 1) == 0, "message '%s' does not start with the source",
	              msg);
	ck_assert_msg(strstr(msg, want) != NULL, "message '%s' lacks '%s'\n%s", msg, want, json);
	if (want2)
		ck_assert_msg(strstr(msg, want2) != NULL, "message '%s' lacks '%s'\n%s", msg, want2, json);
}

/* ---- parsing, normalisation, digest ------------------------------------------------------ */

START_TEST(test_example_task)
{
	yh_task *t = NULL;
	unsigned char d[32], want[32];

	ck_assert_int_eq(yh_task_load_file(&t, tu_fixture("task-food.json")), YH_OK);
	ck_assert_str_eq(yh_task_id(t), "T-2026-12-FOOD");
	ck_assert_str_eq(yh_task_title(t), "2026年12月食品经营者双随机抽查");
	ck_assert_str_eq(yh_task_draw_date(t), "2026-12-01");
	yh_task_digest(d, t);
	/* docs/spec.md §12 */
	ck_assert_str_eq(tu_hex(d, 32), "1ca5b1d476b64276c3260683c564c07f81005fbaadcd163d4115e2554ec69f17");
	tu_spec_task_digest(want, yh_task_canonical(t));
	ck_assert_str_eq(tu_hex(d, 32), tu_hex(want, 32));
	/* the parsed rules */
	ck_assert_uint_eq(t->departments.n, 1);
	ck_assert_uint_eq(t->nby, 1);
	ck_assert_int_eq(t->by[0], YH_BY_RISK);
	ck_assert_int_eq(t->rounding, YH_ROUND_CEIL);
	ck_assert_uint_eq(t->reserve_rate.num, 20);
	ck_assert_uint_eq(t->reserve_rate.den, 100);
	ck_assert_int_eq(t->exclude_days, 365);
	ck_assert_int_eq(t->pair_days, 730);
	ck_assert_uint_eq(t->team_size, 2);
	ck_assert_uint_eq(t->load_cap, 4);
	ck_assert_uint_eq(t->quota_departments.n, 1);
	ck_assert_uint_eq(t->quota_counts[0], 2);
	ck_assert_uint_eq(t->specialties.n, 1);
	ck_assert_str_eq(t->specialties.v[0], "食品");
	ck_assert_int_eq(t->abnormal, -1);
	/* "min": 1 became {"*": 1} */
	ck_assert_ptr_nonnull(strstr(yh_task_canonical(t), "\"min\":{\"*\":1}"));
	yh_task_free(t);
	yh_task_free(NULL);
}
END_TEST

START_TEST(test_normalised_defaults)
{
	yh_task *t = tu_task(MINIMAL);
	unsigned char d[32], want[32];

	ck_assert_str_eq(yh_task_canonical(t),
		"{\"avoid_repeat_pair_within_days\":0,\"departments\":[\"330100-SCJG\"],"
		"\"draw_date\":\"2026-12-01\",\"exclude_drawn_within_days\":0,\"id\":\"T1\",\"items\":[],"
		"\"population\":{\"abnormal\":null,\"industries\":[],\"regions\":[],\"risk\":[],"
		"\"status\":[\"active\"],\"types\":[]},\"reserve_rate\":\"0\","
		"\"strata\":{\"by\":[],\"counts\":{},\"max\":{},\"min\":{},\"rates\":{\"*\":\"5%\"},"
		"\"rounding\":\"ceil\"},"
		"\"team\":{\"load_cap\":null,\"per_department\":{},\"size\":2,\"specialties\":[]},"
		"\"title\":\"t\"}");
	yh_task_digest(d, t);
	tu_spec_task_digest(want, yh_task_canonical(t));
	ck_assert_str_eq(tu_hex(d, 32), tu_hex(want, 32));
	ck_assert_uint_eq(t->status.n, 1);
	ck_assert_str_eq(t->status.v[0], "active");
	ck_assert_uint_eq(t->load_cap, 0);
	ck_assert_uint_eq(t->reserve_rate.num, 0);
	yh_task_free(t);
}
END_TEST

START_TEST(test_canonical_stable)
{
	/* the same task written differently: other key order, whitespace, explicit defaults */
	const char *a = HEAD "\"strata\":{\"by\":[\"risk\"],\"rates\":{\"A\":\"5%\",\"*\":\"10%\"},\"min\":1},"
	                "\"team\":{\"size\":2,\"specialties\":[\"食品\"]},\"note\":\"备注 / \\\"引号\\\" \\\\\"}";
	const char *b =
		"{\n  \"note\" : \"备注 / \\\"引号\\\" \\\\\",\n  \"team\": {\"specialties\": [\"食品\"], "
		"\"per_department\": {}, \"load_cap\": null, \"size\": 2},\n"
		"  \"strata\": {\"min\": {\"*\": 1}, \"rates\": {\"*\": \"10%\", \"A\": \"5%\"}, \"by\": [\"risk\"],"
		" \"rounding\": \"ceil\", \"counts\": {}},\n"
		"  \"reserve_rate\": \"0\", \"exclude_drawn_within_days\": 0,\n"
		"  \"population\": {\"status\": [\"active\"], \"abnormal\": null},\n"
		"  \"draw_date\": \"2026-12-01\", \"departments\": [\"330100-SCJG\"], \"items\": [],\n"
		"  \"title\": \"t\", \"id\": \"T1\"\n}\n";
	yh_task *ta = tu_task(a), *tb = tu_task(b), *tc;
	unsigned char da[32], db[32], dc[32];
	const char *canon = yh_task_canonical(ta);

	ck_assert_str_eq(canon, yh_task_canonical(tb));
	yh_task_digest(da, ta);
	yh_task_digest(db, tb);
	ck_assert_str_eq(tu_hex(da, 32), tu_hex(db, 32));
	/* parsing the canonical form gives it back */
	tc = tu_task(canon);
	ck_assert_str_eq(yh_task_canonical(tc), canon);
	yh_task_digest(dc, tc);
	ck_assert_str_eq(tu_hex(dc, 32), tu_hex(da, 32));
	/* only '"' and '\' are escaped; '/' and CJK are written as they are; no whitespace */
	ck_assert_ptr_nonnull(strstr(canon, "\"note\":\"备注 / \\\"引号\\\" \\\\\""));
	ck_assert_ptr_null(strstr(canon, "\\u"));
	ck_assert_ptr_null(strchr(canon, '\n'));
	ck_assert_ptr_null(strstr(canon, ": "));
	ck_assert_ptr_null(strstr(canon, ", "));
	ck_assert_ptr_nonnull(strstr(canon, "\"rates\":{\"*\":\"10%\",\"A\":\"5%\"}")); /* sorted keys */
	yh_task_free(ta);
	yh_task_free(tb);
	yh_task_free(tc);
}
END_TEST

START_TEST(test_canonical_member_order)
{
	/* RFC 8785: member names sorted as UTF-16 code units, so U+1F600 (D83D DE00) sorts before
	 * U+FF21 (FF21), although its UTF-8 bytes (F0 ...) sort after (EF ...) */
	yh_task *t = tu_task(HEAD "\"strata\":{\"rates\":{\"\xef\xbc\xa1\":\"3%\",\"\xf0\x9f\x98\x80\":\"2%\","
	                      "\"z\":\"1%\",\"Z\":\"4%\"}}," TEAM "}");

	ck_assert_ptr_nonnull(strstr(yh_task_canonical(t),
		"\"rates\":{\"Z\":\"4%\",\"z\":\"1%\",\"\xf0\x9f\x98\x80\":\"2%\",\"\xef\xbc\xa1\":\"3%\"}"));
	yh_task_free(t);
}
END_TEST

START_TEST(test_digest_changes)
{
	/* any rule changes the digest */
	const char *variants[] = {
		MINIMAL,
		HEAD "\"strata\":{\"rates\":{\"*\":\"5.0%\"}}," TEAM "}",
		HEAD RATES ",\"team\":{\"size\":3}}",
		HEAD RATES "," TEAM ",\"reserve_rate\":\"0%\"}",
		HEAD RATES "," TEAM ",\"exclude_drawn_within_days\":1}",
		"{\"id\":\"T2\",\"title\":\"t\",\"departments\":[\"330100-SCJG\"],\"draw_date\":\"2026-12-01\","
		RATES "," TEAM "}",
	};
	char seen[6][65];
	size_t i, j;

	for (i = 0; i < 6; i++) {
		yh_task *t = tu_task(variants[i]);
		unsigned char d[32];

		yh_task_digest(d, t);
		snprintf(seen[i], sizeof(seen[i]), "%s", tu_hex(d, 32));
		for (j = 0; j < i; j++)
			ck_assert_msg(strcmp(seen[i], seen[j]) != 0, "variants %zu and %zu share a digest", i, j);
		yh_task_free(t);
	}
}
END_TEST

START_TEST(test_full_task_accepted)
{
	yh_task *t = tu_task(
		"{\"id\":\"T-2027.01_a\",\"title\":\"联合\",\"note\":\"n\","
		"\"departments\":[\"330100-SCJG\",\"330100-STHJ\"],\"items\":[\"SP-01\",\"HB-01\"],"
		"\"draw_date\":\"2028-02-29\","
		"\"population\":{\"status\":[\"active\",\"suspended\"],\"regions\":[\"33\",\"3301\",\"330106\"],"
		"\"industries\":[\"F\",\"F52\",\"C1411\"],\"types\":[\"个体工商户\"],\"risk\":[\"A\",\"D\"],"
		"\"abnormal\":false},"
		"\"strata\":{\"by\":[\"province\",\"risk\",\"city\",\"industry_section\",\"type\"],"
		"\"rates\":{\"*\":\"1%\"},\"counts\":{\"33/A\":3},\"min\":{\"*\":0},\"max\":9,"
		"\"rounding\":\"half_up\"},"
		"\"reserve_rate\":\"100%\",\"exclude_drawn_within_days\":36600,"
		"\"avoid_repeat_pair_within_days\":1,"
		"\"team\":{\"size\":20,\"per_department\":{\"330100-SCJG\":19,\"330100-STHJ\":1},"
		"\"specialties\":[\"食品\",\"药品\"],\"load_cap\":1000000}}");

	ck_assert_int_eq(t->abnormal, 0);
	ck_assert_uint_eq(t->nby, 5);
	ck_assert_int_eq(t->rounding, YH_ROUND_HALF_UP);
	ck_assert_uint_eq(t->team_size, 20);
	ck_assert_uint_eq(t->load_cap, 1000000);
	ck_assert_ptr_nonnull(strstr(yh_task_canonical(t), "\"max\":{\"*\":9}"));
	ck_assert_ptr_nonnull(strstr(yh_task_canonical(t), "\"note\":\"n\""));
	yh_task_free(t);
}
END_TEST

/* ---- validation errors ------------------------------------------------------------------- */

START_TEST(test_rate_errors)
{
	parse_bad(HEAD "\"strata\":{\"rates\":{\"A\":\"5%\",\"D\":\"120%\"}}," TEAM "}",
	          SRC ": strata.rates.D: \"120%\" is over 100%", NULL);
	parse_bad(HEAD "\"strata\":{\"rates\":{\"A\":0.05}}," TEAM "}", "strata.rates.A: must be a string",
	          "no floats");
	parse_bad(HEAD "\"strata\":{\"rates\":{\"A\":5}}," TEAM "}", "strata.rates.A: must be a string", NULL);
	parse_bad(HEAD "\"strata\":{\"rates\":{\"A\":\"five\"}}," TEAM "}", "strata.rates.A: \"five\" is not a rate",
	          NULL);
	parse_bad(HEAD "\"strata\":{\"rates\":{\"A\":\"\"}}," TEAM "}", "strata.rates.A: is empty", NULL);
	parse_bad(HEAD "\"strata\":{\"rates\":{\"A\":\"0.123456789\"}}," TEAM "}",
	          "strata.rates.A: \"0.123456789\" has too many decimal places", NULL);
	parse_bad(HEAD "\"strata\":{\"rates\":[\"5%\"]}," TEAM "}", "strata.rates: must be an object", NULL);
	parse_bad(HEAD "\"strata\":{\"rates\":\"5%\"}," TEAM "}", "strata.rates: must be an object", NULL);
	parse_bad(HEAD "\"strata\":{\"rates\":{\"\":\"5%\"}}," TEAM "}", "strata.rates.: stratum names", NULL);
	parse_bad(HEAD RATES "," TEAM ",\"reserve_rate\":\"150%\"}", "reserve_rate: \"150%\" is over 100%", NULL);
	parse_bad(HEAD RATES "," TEAM ",\"reserve_rate\":0.2}", "reserve_rate: must be a string", NULL);
}
END_TEST

START_TEST(test_strata_errors)
{
	parse_bad(HEAD TEAM "}", "strata: is required", NULL);
	parse_bad(HEAD "\"strata\":[]," TEAM "}", "strata: must be an object", NULL);
	parse_bad(HEAD "\"strata\":{}," TEAM "}", "strata: needs \"rates\" or \"counts\"", NULL);
	parse_bad(HEAD "\"strata\":{\"by\":[\"county\"],\"rates\":{\"*\":\"5%\"}}," TEAM "}",
	          "strata.by[0]: must be one of risk, province, city, industry_section, type", NULL);
	parse_bad(HEAD "\"strata\":{\"by\":[\"risk\",\"city\",\"risk\"],\"rates\":{\"*\":\"5%\"}}," TEAM "}",
	          "strata.by[2]: \"risk\" is listed twice", NULL);
	parse_bad(HEAD "\"strata\":{\"by\":\"risk\",\"rates\":{\"*\":\"5%\"}}," TEAM "}", "strata.by: must be a list",
	          NULL);
	parse_bad(HEAD "\"strata\":{\"rates\":{\"*\":\"5%\"},\"rounding\":\"up\"}," TEAM "}",
	          "strata.rounding: \"up\" is not a rounding rule", NULL);
	parse_bad(HEAD "\"strata\":{\"rates\":{\"*\":\"5%\"},\"rounding\":1}," TEAM "}",
	          "strata.rounding: must be a string", NULL);
	parse_bad(HEAD "\"strata\":{\"counts\":{\"A\":-1}}," TEAM "}", "strata.counts.A: must be a whole number",
	          NULL);
	parse_bad(HEAD "\"strata\":{\"counts\":{\"A\":1.5}}," TEAM "}", "strata.counts.A: must be a whole number",
	          NULL);
	parse_bad(HEAD "\"strata\":{\"counts\":{\"A\":100000000001}}," TEAM "}",
	          "strata.counts.A: must be a whole number from 0 to 100000000000", NULL);
	parse_bad(HEAD "\"strata\":{\"rates\":{\"*\":\"5%\"},\"min\":\"1\"}," TEAM "}", "strata.min: must be a number",
	          NULL);
	parse_bad(HEAD "\"strata\":{\"rates\":{\"*\":\"5%\"},\"max\":{\"A\":\"3\"}}," TEAM "}",
	          "strata.max.A: must be a whole number", NULL);
	parse_bad(HEAD "\"strata\":{\"rates\":{\"*\":\"5%\"},\"weights\":{}}," TEAM "}", "strata.weights: unknown member",
	          NULL);
}
END_TEST

START_TEST(test_team_errors)
{
	parse_bad(HEAD RATES ",\"team\":{\"size\":1}}", "team.size: 1 is under 2", "行政处罚法");
	parse_bad(HEAD RATES ",\"team\":{\"size\":0}}", "team.size: 0 is under 2", "行政处罚法");
	parse_bad(HEAD RATES ",\"team\":{\"size\":-3}}", "team.size: -3 is under 2", NULL);
	parse_bad(HEAD RATES ",\"team\":{\"size\":21}}", "team.size: 21 is over 20", NULL);
	parse_bad(HEAD RATES ",\"team\":{\"size\":2.5}}", "team.size: must be a whole number", NULL);
	parse_bad(HEAD RATES ",\"team\":{\"size\":\"2\"}}", "team.size: must be a whole number", NULL);
	parse_bad(HEAD RATES ",\"team\":{}}", "team.size: is required", NULL);
	parse_bad(HEAD RATES "}", "team: is required", NULL);
	parse_bad(HEAD RATES ",\"team\":[2]}", "team: must be an object", NULL);
	parse_bad(HEAD RATES ",\"team\":{\"size\":2,\"leader\":\"x\"}}", "team.leader: unknown member", NULL);
	parse_bad(HEAD RATES ",\"team\":{\"size\":2,\"load_cap\":0}}", "team.load_cap: 0 is out of range", NULL);
	parse_bad(HEAD RATES ",\"team\":{\"size\":2,\"load_cap\":1.5}}", "team.load_cap: must be a whole number", NULL);
	parse_bad(HEAD RATES ",\"team\":{\"size\":2,\"specialties\":[\"食品\",\"食品\"]}}",
	          "team.specialties[1]: \"食品\" is listed twice", NULL);
	parse_bad(HEAD RATES ",\"team\":{\"size\":2,\"specialties\":[\"\"]}}",
	          "team.specialties[0]: must be a non-empty string", NULL);
	/* quotas: must add up to size, name task departments, be 1..20 */
	parse_bad(HEAD RATES ",\"team\":{\"size\":3,\"per_department\":{\"330100-SCJG\":2}}}",
	          "team.per_department: counts add up to 2, team.size is 3", NULL);
	parse_bad("{\"id\":\"T1\",\"title\":\"t\",\"departments\":[\"330100-SCJG\",\"330100-STHJ\"],"
	          "\"draw_date\":\"2026-12-01\"," RATES ",\"team\":{\"size\":3,\"per_department\":"
	          "{\"330100-SCJG\":1,\"330100-STHJ\":1}}}",
	          "team.per_department: counts add up to 2, team.size is 3", NULL);
	parse_bad(HEAD RATES ",\"team\":{\"size\":2,\"per_department\":{\"330100-SCJG\":1,\"330100-STHJ\":1}}}",
	          "team.per_department.330100-STHJ: is not one of the task's departments", NULL);
	parse_bad(HEAD RATES ",\"team\":{\"size\":2,\"per_department\":{\"330100-SCJG\":0}}}",
	          "team.per_department.330100-SCJG: must be a whole number from 1 to 20", NULL);
	parse_bad(HEAD RATES ",\"team\":{\"size\":2,\"per_department\":{\"330100-SCJG\":\"2\"}}}",
	          "team.per_department.330100-SCJG: must be a whole number", NULL);
	parse_bad(HEAD RATES ",\"team\":{\"size\":2,\"per_department\":[\"330100-SCJG\"]}}",
	          "team.per_department: must be an object", NULL);
}
END_TEST

START_TEST(test_top_level_errors)
{
	parse_bad(MINIMAL "x", SRC ":1:", NULL);
	parse_bad("[]", "(document): must be a JSON object", NULL);
	parse_bad("{\"id\":\"T1\",\"title\":\"t\",\"departments\":[\"330100-SCJG\"],\"draw_date\":\"2026-12-01\","
	          RATES "," TEAM ",\"foo\":1}", SRC ": foo: unknown member", NULL);
	parse_bad("{\"title\":\"t\",\"departments\":[\"330100-SCJG\"],\"draw_date\":\"2026-12-01\"," RATES "," TEAM "}",
	          "id: is required", NULL);
	parse_bad("{\"id\":\"T 1\",\"title\":\"t\",\"departments\":[\"330100-SCJG\"],\"draw_date\":\"2026-12-01\","
	          RATES "," TEAM "}", "id: \"T 1\" is not a task id", NULL);
	parse_bad("{\"id\":7,\"title\":\"t\",\"departments\":[\"330100-SCJG\"],\"draw_date\":\"2026-12-01\","
	          RATES "," TEAM "}", "id: must be a string", NULL);
	parse_bad("{\"id\":\"T1\",\"departments\":[\"330100-SCJG\"],\"draw_date\":\"2026-12-01\"," RATES "," TEAM "}",
	          "title: is required", NULL);
	parse_bad("{\"id\":\"T1\",\"title\":\"a\\u0001b\",\"departments\":[\"330100-SCJG\"],"
	          "\"draw_date\":\"2026-12-01\"," RATES "," TEAM "}", "title: holds control characters", NULL);
	parse_bad("{\"id\":\"T1\",\"title\":\"t\",\"departments\":[],\"draw_date\":\"2026-12-01\"," RATES "," TEAM "}",
	          "departments: at least one department is required", NULL);
	parse_bad("{\"id\":\"T1\",\"title\":\"t\",\"draw_date\":\"2026-12-01\"," RATES "," TEAM "}",
	          "departments: at least one department is required", NULL);
	parse_bad("{\"id\":\"T1\",\"title\":\"t\",\"departments\":[\"330100-scjg\"],\"draw_date\":\"2026-12-01\","
	          RATES "," TEAM "}", "departments[0]: \"330100-scjg\" is not a department code", NULL);
	parse_bad("{\"id\":\"T1\",\"title\":\"t\",\"departments\":\"330100-SCJG\",\"draw_date\":\"2026-12-01\","
	          RATES "," TEAM "}", "departments: must be a list", NULL);
	parse_bad("{\"id\":\"T1\",\"title\":\"t\",\"departments\":[\"330100-SCJG\",\"330100-SCJG\"],"
	          "\"draw_date\":\"2026-12-01\"," RATES "," TEAM "}",
	          "departments[1]: \"330100-SCJG\" is listed twice", NULL);
	parse_bad(HEAD "\"items\":[\"SP-01\",\"SP-02\",\"SP-01\"]," RATES "," TEAM "}",
	          "items[2]: \"SP-01\" is listed twice", NULL);
	parse_bad(HEAD "\"items\":[\"SP 01\"]," RATES "," TEAM "}", "items[0]: \"SP 01\" is not an item code", NULL);
	parse_bad(HEAD RATES "," TEAM ",\"exclude_drawn_within_days\":-1}",
	          "exclude_drawn_within_days: -1 is out of range (0 to 36600)", NULL);
	parse_bad(HEAD RATES "," TEAM ",\"exclude_drawn_within_days\":36601}", "exclude_drawn_within_days: 36601", NULL);
	parse_bad(HEAD RATES "," TEAM ",\"avoid_repeat_pair_within_days\":1.5}",
	          "avoid_repeat_pair_within_days: must be a whole number", NULL);
	parse_bad(HEAD RATES "," TEAM ",\"note\":3}", "note: must be a string", NULL);
}
END_TEST

START_TEST(test_draw_date_errors)
{
	static const char *const bad[] = { "2026-02-30", "2026/12/01", "20261201", "2026-13-01", "2026-00-10",
	                                   "2026-12-1", "2025-02-29", "1899-12-31", " 2026-12-01", "" };
	char json[512], want[64];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(json, sizeof(json), "{\"id\":\"T1\",\"title\":\"t\",\"departments\":[\"330100-SCJG\"],"
		         "\"draw_date\":\"%s\",%s,%s}", bad[i], RATES, TEAM);
		snprintf(want, sizeof(want), "draw_date: \"%s\" is not a date YYYY-MM-DD", bad[i]);
		parse_bad(json, want, NULL);
	}
	parse_bad("{\"id\":\"T1\",\"title\":\"t\",\"departments\":[\"330100-SCJG\"],\"draw_date\":20261201,"
	          RATES "," TEAM "}", "draw_date: must be a string", NULL);
	parse_bad("{\"id\":\"T1\",\"title\":\"t\",\"departments\":[\"330100-SCJG\"]," RATES "," TEAM "}",
	          "draw_date: is required", NULL);
	/* leap days that exist */
	yh_task_free(tu_task("{\"id\":\"T1\",\"title\":\"t\",\"departments\":[\"330100-SCJG\"],"
	                      "\"draw_date\":\"2028-02-29\"," RATES "," TEAM "}"));
	yh_task_free(tu_task("{\"id\":\"T1\",\"title\":\"t\",\"departments\":[\"330100-SCJG\"],"
	                      "\"draw_date\":\"2000-02-29\"," RATES "," TEAM "}"));
}
END_TEST

START_TEST(test_population_errors)
{
	parse_bad(HEAD "\"population\":[]," RATES "," TEAM "}", "population: must be an object", NULL);
	parse_bad(HEAD "\"population\":{\"city\":[\"3301\"]}," RATES "," TEAM "}", "population.city: unknown member",
	          NULL);
	parse_bad(HEAD "\"population\":{\"status\":[\"open\"]}," RATES "," TEAM "}",
	          "population.status[0]: \"open\" is not a status", NULL);
	parse_bad(HEAD "\"population\":{\"status\":[\"active\",\"active\"]}," RATES "," TEAM "}",
	          "population.status[1]: \"active\" is listed twice", NULL);
	parse_bad(HEAD "\"population\":{\"regions\":[\"330\"]}," RATES "," TEAM "}",
	          "population.regions[0]: \"330\" is not a region prefix", NULL);
	parse_bad(HEAD "\"population\":{\"regions\":[\"3301001\"]}," RATES "," TEAM "}",
	          "population.regions[0]", NULL);
	parse_bad(HEAD "\"population\":{\"regions\":[33]}," RATES "," TEAM "}",
	          "population.regions[0]: must be a non-empty string", NULL);
	parse_bad(HEAD "\"population\":{\"industries\":[\"f52\"]}," RATES "," TEAM "}",
	          "population.industries[0]: \"f52\" is not an industry code prefix", NULL);
	parse_bad(HEAD "\"population\":{\"industries\":[\"U\"]}," RATES "," TEAM "}", "population.industries[0]", NULL);
	parse_bad(HEAD "\"population\":{\"risk\":[\"E\"]}," RATES "," TEAM "}", "population.risk[0]: \"E\" is not A, B",
	          NULL);
	parse_bad(HEAD "\"population\":{\"risk\":[\"A\",\"B\",\"A\"]}," RATES "," TEAM "}",
	          "population.risk[2]: \"A\" is listed twice", NULL);
	parse_bad(HEAD "\"population\":{\"types\":[\"\"]}," RATES "," TEAM "}",
	          "population.types[0]: must be a non-empty string", NULL);
	parse_bad(HEAD "\"population\":{\"abnormal\":\"yes\"}," RATES "," TEAM "}",
	          "population.abnormal: must be true, false or null", NULL);
	parse_bad(HEAD "\"population\":{\"abnormal\":1}," RATES "," TEAM "}",
	          "population.abnormal: must be true, false or null", NULL);
}
END_TEST

START_TEST(test_invalid_json)
{
	const char *text = "{\n  \"id\": \"T1\",\n  oops\n}\n";
	const char *dup = "{\"id\":\"T1\",\n\"id\":\"T2\"}";
	yh_task *t = NULL;

	ck_assert_int_eq(yh_task_parse(&t, text, strlen(text), SRC), YH_EDATA);
	ck_assert_ptr_null(t);
	ck_assert_msg(strncmp(yh_error_message(), SRC ":3:", strlen(SRC ":3:")) == 0,
	              "'%s' does not name line 3", yh_error_message());
	/* line:column: the parser's reason */
	ck_assert_msg(strchr(yh_error_message() + strlen(SRC ":3:"), ':') != NULL, "no column: '%s'",
	              yh_error_message());
	ck_assert_int_eq(yh_task_parse(&t, dup, strlen(dup), SRC), YH_EDATA);
	ck_assert_msg(strncmp(yh_error_message(), SRC ":2:", strlen(SRC ":2:")) == 0, "duplicate key: '%s'",
	              yh_error_message());
	ck_assert_int_eq(yh_task_parse(&t, "", 0, SRC), YH_EDATA);
	ck_assert_int_eq(yh_task_parse(&t, "{", 1, SRC), YH_EDATA);
	ck_assert_int_eq(yh_task_load_file(&t, tu_path("no-such-task.json")), YH_EIO);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "no-such-task.json"));
	ck_assert_ptr_null(t);
}
END_TEST

START_TEST(test_load_file_names_source)
{
	yh_task *t = NULL;
	const char *path = tu_path("bad-task.json");

	tu_write_str(path, HEAD "\"strata\":{\"rates\":{\"D\":\"120%\"}}," TEAM "}\n");
	ck_assert_int_eq(yh_task_load_file(&t, path), YH_EDATA);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), path));
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "strata.rates.D: \"120%\" is over 100%"));
}
END_TEST

/* ---- storage ----------------------------------------------------------------------------- */

typedef struct {
	int n;
	char ids[8][64], states[8][16];
} listing;

static int collect(void *ctx, const yh_task_info *info)
{
	listing *l = ctx;

	ck_assert_int_lt(l->n, 8);
	snprintf(l->ids[l->n], sizeof(l->ids[0]), "%s", info->id);
	snprintf(l->states[l->n], sizeof(l->states[0]), "%s", yh_task_state_name(info->state));
	l->n++;
	return 0;
}

START_TEST(test_store_tasks)
{
	yh_store *store = tu_store_new();
	yh_task *t = NULL, *got = NULL, *t2;
	uint64_t seq = 0, head;
	yh_task_state state;
	char *payload, *kind;
	unsigned char d1[32], d2[32];
	listing l;

	ck_assert_int_eq(yh_task_load_file(&t, tu_fixture("task-food.json")), YH_OK);
	ck_assert_int_eq(yh_task_add(&seq, store, t), YH_OK);
	ck_assert_uint_eq(seq, 2);
	ck_assert_uint_eq(tu_ledger_head(store), 2);
	payload = tu_ledger_payload(store, 2, &kind);
	ck_assert_str_eq(kind, "task");
	ck_assert_ptr_nonnull(strstr(payload, "\"task_id\":\"T-2026-12-FOOD\""));
	ck_assert_ptr_nonnull(strstr(payload, "\"task_digest\":\"1ca5b1d476b64276c3260683c564c07f81005fbaadcd163d4115e2554ec69f17\""));
	ck_assert_ptr_nonnull(strstr(payload, yh_task_canonical(t)));
	free(payload);
	free(kind);

	/* a second add of the same id: YH_EEXIST, nothing written */
	head = tu_ledger_head(store);
	ck_assert_int_eq(yh_task_add(&seq, store, t), YH_EEXIST);
	ck_assert_uint_eq(seq, 0);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "T-2026-12-FOOD"));
	ck_assert_uint_eq(tu_ledger_head(store), head);

	/* read back: the same canonical form and digest */
	ck_assert_int_eq(yh_task_get(&got, store, "T-2026-12-FOOD"), YH_OK);
	ck_assert_str_eq(yh_task_canonical(got), yh_task_canonical(t));
	yh_task_digest(d1, t);
	yh_task_digest(d2, got);
	ck_assert_str_eq(tu_hex(d1, 32), tu_hex(d2, 32));
	ck_assert_int_eq(yh_task_state_get(&state, store, "T-2026-12-FOOD"), YH_OK);
	ck_assert_str_eq(yh_task_state_name(state), "planned");

	/* unknown ids */
	yh_task_free(got);
	got = (yh_task *)0x1;
	ck_assert_int_eq(yh_task_get(&got, store, "T-NONE"), YH_ENOTFOUND);
	ck_assert_ptr_null(got);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "T-NONE"));
	ck_assert_int_eq(yh_task_state_get(&state, store, "T-NONE"), YH_ENOTFOUND);

	/* a second task; the list is by draw date, then id */
	t2 = tu_task("{\"id\":\"A-EARLY\",\"title\":\"早\",\"departments\":[\"330100-SCJG\"],"
	              "\"draw_date\":\"2026-06-01\"," RATES "," TEAM "}");
	ck_assert_int_eq(yh_task_add(&seq, store, t2), YH_OK);
	ck_assert_uint_eq(seq, 3);
	memset(&l, 0, sizeof(l));
	ck_assert_int_eq(yh_task_foreach(store, collect, &l), YH_OK);
	ck_assert_int_eq(l.n, 2);
	ck_assert_str_eq(l.ids[0], "A-EARLY");
	ck_assert_str_eq(l.ids[1], "T-2026-12-FOOD");
	ck_assert_str_eq(l.states[0], "planned");
	yh_task_free(t);
	yh_task_free(t2);
	yh_store_close(store);
}
END_TEST

/* ---- strata keys, population, sizes ------------------------------------------------------- */

/* Entity rows in register column order: id, name, type, region, industry, risk, status, abnormal. */
#define ROW(type, region, industry, risk, status, abnormal) \
	{ "92330109MA53QQ247E", "某店", type, region, industry, risk, status, abnormal }

static void key_is(const yh_task *t, const char *const *row, const char *want)
{
	char buf[512];

	ck_assert_int_eq(yh_task_stratum_key(buf, sizeof(buf), t, row), YH_OK);
	ck_assert_str_eq(buf, want);
}

START_TEST(test_stratum_keys)
{
	const char *r1[] = ROW("有限责任公司", "330106", "F5211", "A", "active", "0");
	const char *r2[] = ROW("", "440305", "", "", "active", "0");
	yh_task *all = tu_task(MINIMAL);
	yh_task *risk = tu_task(HEAD "\"strata\":{\"by\":[\"risk\"],\"rates\":{\"*\":\"5%\"}}," TEAM "}");
	yh_task *five = tu_task(HEAD "\"strata\":{\"by\":[\"risk\",\"province\",\"city\",\"industry_section\","
	                         "\"type\"],\"rates\":{\"*\":\"5%\"}}," TEAM "}");
	yh_task *rev = tu_task(HEAD "\"strata\":{\"by\":[\"type\",\"city\",\"risk\"],\"rates\":{\"*\":\"5%\"}},"
	                        TEAM "}");

	key_is(all, r1, "all");
	key_is(all, r2, "all");
	key_is(risk, r1, "A");
	key_is(risk, r2, "-");
	key_is(five, r1, "A/33/3301/F/有限责任公司");
	key_is(five, r2, "-/44/4403/-/-");
	key_is(rev, r1, "有限责任公司/3301/A");
	key_is(rev, r2, "-/4403/-");
	{
		/* '%', '/' and a lone '-' inside a value are escaped: distinct values, distinct keys */
		const char *slash[] = ROW("a/b", "330106", "F5211", "A", "active", "0");
		const char *pct[] = ROW("100%", "330106", "F5211", "A", "active", "0");
		const char *dash[] = ROW("-", "330106", "F5211", "A", "active", "0");
		const char *dashes[] = ROW("a-b", "330106", "F5211", "A", "active", "0");
		const char *esc[] = ROW("%2F", "330106", "F5211", "A", "active", "0");
		char big[700], small[8];

		key_is(rev, slash, "a%2Fb/3301/A");
		key_is(rev, pct, "100%25/3301/A");
		key_is(rev, dash, "%2D/3301/A");
		key_is(rev, dashes, "a-b/3301/A");
		key_is(rev, esc, "%252F/3301/A");
		/* a key that does not fit is an error, not a truncated key */
		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		{
			const char *huge[] = ROW(big, "330106", "F5211", "A", "active", "0");
			char buf[512];

			ck_assert_int_eq(yh_task_stratum_key(buf, sizeof(buf), rev, huge), YH_EDATA);
			ck_assert_ptr_nonnull(strstr(yh_error_message(), "92330109MA53QQ247E"));
		}
		ck_assert_int_eq(yh_task_stratum_key(small, sizeof(small), five, r1), YH_EDATA);
		ck_assert_int_eq(yh_task_stratum_key(small, 4, all, r1), YH_OK);
		ck_assert_str_eq(small, "all");
	}
	yh_task_free(all);
	yh_task_free(risk);
	yh_task_free(five);
	yh_task_free(rev);
}
END_TEST

START_TEST(test_population_match)
{
	const char *active[] = ROW("个体工商户", "330106", "F5211", "A", "active", "0");
	const char *susp[] = ROW("个体工商户", "330106", "F5211", "A", "suspended", "0");
	const char *other_city[] = ROW("个体工商户", "330206", "F5211", "A", "active", "0");
	const char *other_ind[] = ROW("个体工商户", "330106", "F5311", "A", "active", "0");
	const char *no_ind[] = ROW("个体工商户", "330106", "", "A", "active", "0");
	const char *company[] = ROW("有限责任公司", "330106", "F52", "A", "active", "0");
	const char *risk_c[] = ROW("个体工商户", "330106", "F5211", "C", "active", "0");
	const char *risk_none[] = ROW("个体工商户", "330106", "F5211", "", "active", "0");
	const char *abn[] = ROW("个体工商户", "330106", "F5211", "A", "active", "1");
	yh_task *dflt = tu_task(MINIMAL);
	yh_task *t = tu_task(HEAD "\"population\":{\"status\":[\"active\",\"suspended\"],"
	                      "\"regions\":[\"3301\",\"44\"],\"industries\":[\"F52\",\"H\"],"
	                      "\"types\":[\"个体工商户\"],\"risk\":[\"A\",\"B\"],\"abnormal\":false},"
	                      RATES "," TEAM "}");
	yh_task *abn_only = tu_task(HEAD "\"population\":{\"abnormal\":true}," RATES "," TEAM "}");

	/* default: status active, anything else goes */
	ck_assert_int_eq(yh_task_population_match(dflt, active), 1);
	ck_assert_int_eq(yh_task_population_match(dflt, susp), 0);
	ck_assert_int_eq(yh_task_population_match(dflt, other_city), 1);
	ck_assert_int_eq(yh_task_population_match(dflt, no_ind), 1);
	ck_assert_int_eq(yh_task_population_match(dflt, risk_none), 1);
	ck_assert_int_eq(yh_task_population_match(dflt, abn), 1);
	/* every filter */
	ck_assert_int_eq(yh_task_population_match(t, active), 1);
	ck_assert_int_eq(yh_task_population_match(t, susp), 1);
	ck_assert_int_eq(yh_task_population_match(t, other_city), 0);
	ck_assert_int_eq(yh_task_population_match(t, other_ind), 0);
	ck_assert_int_eq(yh_task_population_match(t, no_ind), 0);
	ck_assert_int_eq(yh_task_population_match(t, company), 0);
	ck_assert_int_eq(yh_task_population_match(t, risk_c), 0);
	ck_assert_int_eq(yh_task_population_match(t, risk_none), 0);
	ck_assert_int_eq(yh_task_population_match(t, abn), 0);
	ck_assert_int_eq(yh_task_population_match(abn_only, abn), 1);
	ck_assert_int_eq(yh_task_population_match(abn_only, active), 0);
	{
		const char *gd[] = ROW("个体工商户", "440305", "H6210", "B", "active", "0");

		ck_assert_int_eq(yh_task_population_match(t, gd), 1);
	}
	yh_task_free(dflt);
	yh_task_free(t);
	yh_task_free(abn_only);
}
END_TEST

static void size_is(const yh_task *t, const char *key, uint64_t n, uint64_t want_k, uint64_t want_r)
{
	uint64_t k = 99, r = 99;
	int rc = yh_task_stratum_size(&k, &r, t, key, n);

	ck_assert_msg(rc == YH_OK, "stratum %s n=%llu: %d %s", key, (unsigned long long)n, rc, yh_error_message());
	ck_assert_msg(k == want_k && r == want_r, "stratum %s n=%llu: k=%llu r=%llu, expected k=%llu r=%llu", key,
	              (unsigned long long)n, (unsigned long long)k, (unsigned long long)r,
	              (unsigned long long)want_k, (unsigned long long)want_r);
}

START_TEST(test_stratum_sizes)
{
	yh_task *t = tu_task(HEAD "\"strata\":{\"by\":[\"risk\"],\"rates\":{\"A\":\"5%\",\"B\":\"10%\",\"*\":\"10%\","
	                      "\"H\":\"100%\",\"Z\":\"0%\"},\"counts\":{\"C\":7},\"min\":1,\"max\":{\"B\":3}},"
	                      "\"reserve_rate\":\"20%\"," TEAM "}");
	uint64_t k, r;

	size_is(t, "A", 66, 4, 1);     /* ceil 3.3 = 4, reserves ceil 0.8 = 1 */
	size_is(t, "A", 0, 0, 0);      /* empty stratum: min 1 is capped at n = 0 */
	size_is(t, "A", 1, 1, 0);      /* tiny: 0.05 rounds up to 1; no room for reserves */
	size_is(t, "A", 2, 1, 1);
	size_is(t, "B", 100, 3, 1);    /* 10 capped by max 3; reserves ceil 0.6 */
	size_is(t, "B", 20, 2, 1);
	size_is(t, "C", 100, 7, 2);    /* a count; reserves ceil 1.4 */
	size_is(t, "C", 5, 5, 0);      /* a count above n gives n */
	size_is(t, "C", 0, 0, 0);
	size_is(t, "-", 2, 1, 1);      /* "*": ceil 0.2 */
	size_is(t, "H", 7, 7, 0);      /* 100% */
	size_is(t, "Z", 50, 1, 1);     /* 0% is raised to min 1 */
	size_is(t, "D", YH_RATE_MAX_POPULATION, 10000000000ull, 2000000000ull);
	ck_assert_str_eq(yh_task_stratum_rate(t, "A"), "5%");
	ck_assert_str_eq(yh_task_stratum_rate(t, "D"), "10%");
	ck_assert_str_eq(yh_task_stratum_rate(t, "C"), "");
	ck_assert_int_eq(yh_task_stratum_size(&k, &r, t, "A", YH_RATE_MAX_POPULATION + 1), YH_EDATA);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "over the limit"));
	yh_task_free(t);
}
END_TEST

START_TEST(test_stratum_size_rules)
{
	/* a rule named for the stratum beats a "*" default; at the same level a count beats a rate */
	yh_task *a = tu_task(HEAD "\"strata\":{\"rates\":{\"A\":\"50%\",\"B\":\"10%\",\"*\":\"20%\"},"
	                      "\"counts\":{\"*\":2,\"B\":4}}," TEAM "}");
	/* no rule for a key: an error naming the stratum */
	yh_task *b = tu_task(HEAD "\"strata\":{\"rates\":{\"A\":\"50%\"}}," TEAM "}");
	/* min above max: min first, then max, then n */
	yh_task *c = tu_task(HEAD "\"strata\":{\"rates\":{\"*\":\"1%\"},\"min\":5,\"max\":3}," TEAM "}");
	/* floor and half_up apply to the size and to the reserves */
	yh_task *d = tu_task(HEAD "\"strata\":{\"rates\":{\"*\":\"12.5%\"},\"rounding\":\"floor\"},"
	                      "\"reserve_rate\":\"20%\"," TEAM "}");
	yh_task *e = tu_task(HEAD "\"strata\":{\"rates\":{\"*\":\"12.5%\"},\"rounding\":\"half_up\"},"
	                      "\"reserve_rate\":\"50%\"," TEAM "}");
	/* max 0 and reserves 100% */
	yh_task *f = tu_task(HEAD "\"strata\":{\"rates\":{\"*\":\"50%\"},\"max\":{\"*\":0,\"A\":2}},"
	                      "\"reserve_rate\":\"100%\"," TEAM "}");
	uint64_t k, r;

	size_is(a, "A", 100, 50, 0);   /* rates[A] before counts["*"] */
	size_is(a, "B", 100, 4, 0);    /* counts[B] before rates[B] */
	size_is(a, "B", 1, 1, 0);
	size_is(a, "C", 100, 2, 0);    /* counts["*"] before rates["*"] */
	ck_assert_str_eq(yh_task_stratum_rate(a, "A"), "50%");
	ck_assert_str_eq(yh_task_stratum_rate(a, "B"), "");
	ck_assert_str_eq(yh_task_stratum_rate(a, "C"), "");
	size_is(b, "A", 10, 5, 0);
	ck_assert_int_eq(yh_task_stratum_size(&k, &r, b, "B", 10), YH_EDATA);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "no rate or count for stratum 'B'"));
	ck_assert_uint_eq(k, 0);
	ck_assert_str_eq(yh_task_stratum_rate(b, "B"), "");
	size_is(c, "x", 100, 3, 0);
	size_is(c, "x", 2, 2, 0);
	size_is(c, "x", 1000, 3, 0);
	size_is(d, "x", 19, 2, 0);     /* floor 2.375 = 2; reserves floor 0.4 = 0 */
	size_is(d, "x", 40, 5, 1);
	size_is(d, "x", 7, 0, 0);      /* floor 0.875 = 0 */
	size_is(e, "x", 20, 3, 2);     /* half_up 2.5 = 3; reserves half_up 1.5 = 2 */
	size_is(e, "x", 19, 2, 1);     /* half_up 2.375 = 2; reserves 1 */
	size_is(e, "x", 3, 0, 0);      /* half_up 0.375 = 0 */
	size_is(f, "x", 10, 0, 0);     /* max 0: nothing drawn, so no reserves */
	size_is(f, "A", 10, 2, 2);     /* reserves 100% of k */
	size_is(f, "A", 3, 2, 1);      /* ... at most n - k */
	yh_task_free(a);
	yh_task_free(b);
	yh_task_free(c);
	yh_task_free(d);
	yh_task_free(e);
	yh_task_free(f);
}
END_TEST

START_TEST(test_days_from_date)
{
	ck_assert_int_eq(yh_days_from_date("1970-01-01"), 0);
	ck_assert_int_eq(yh_days_from_date("1970-01-02"), 1);
	ck_assert_int_eq(yh_days_from_date("1969-12-31"), -1);
	ck_assert_int_eq(yh_days_from_date("2000-03-01"), 11017);
	ck_assert_int_eq(yh_days_from_date("2027-12-01") - yh_days_from_date("2026-12-01"), 365);
	ck_assert_int_eq(yh_days_from_date("2029-03-01") - yh_days_from_date("2028-02-28"), 367);
}
END_TEST

/* ---- lists and texts of any size ------------------------------------------------------- */

static double seconds_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A task whose departments and items are n codes each; `repeat` >= 0 makes the last
 * department a copy of department `repeat`. */
static char *long_task(size_t n, long repeat)
{
	tu_buf b = { 0 };
	size_t i;

	tu_buf_str(&b, "{\"id\":\"T1\",\"title\":\"t\",\"draw_date\":\"2026-12-01\",\"departments\":[");
	for (i = 0; i < n; i++)
		tu_buf_fmt(&b, "%s\"D%06zu\"", i ? "," : "", repeat >= 0 && i == n - 1 ? (size_t)repeat : i);
	tu_buf_str(&b, "],\"items\":[");
	for (i = 0; i < n; i++)
		tu_buf_fmt(&b, "%s\"SP-%06zu\"", i ? "," : "", n - i);
	tu_buf_str(&b, "]," RATES "," TEAM "}");
	return tu_buf_take(&b);
}

/* Repeats are found by sorting: 100,000 departments and 100,000 items parse in far less than
 * the bound (31 s with the pairwise check), and a repeat is still named at its index. */
START_TEST(test_long_lists_linear)
{
	char *json = long_task(100000, -1);
	yh_task *t = NULL;
	double t0 = seconds_now(), took;

	ck_assert_msg(yh_task_parse(&t, json, strlen(json), SRC) == YH_OK, "%s", yh_error_message());
	took = seconds_now() - t0;
	ck_assert_msg(took < 5.0, "a task of 2 x 100,000 codes took %.1f s to parse", took);
	ck_assert_uint_eq(t->departments.n, 100000);
	ck_assert_str_eq(t->departments.v[99999], "D099999");
	ck_assert_str_eq(t->items.v[0], "SP-100000"); /* the order given is kept */
	yh_task_free(t);
	free(json);
	json = long_task(100000, 5);
	t0 = seconds_now();
	parse_bad(json, "departments[99999]: \"D000005\" is listed twice", NULL);
	ck_assert_msg(seconds_now() - t0 < 5.0, "refusing took %.1f s", seconds_now() - t0);
	free(json);
	/* the first fault in list order: a repeat before a bad code, a bad code before a repeat */
	parse_bad(HEAD "\"items\":[\"A\",\"B\",\"A\",\"b d\",\"B\"]," RATES "," TEAM "}",
	          "items[2]: \"A\" is listed twice", NULL);
	parse_bad(HEAD "\"items\":[\"A\",\"b d\",\"A\"]," RATES "," TEAM "}",
	          "items[1]: \"b d\" is not an item code", NULL);
	parse_bad(HEAD "\"items\":[\"A\",\"A\",7]," RATES "," TEAM "}", "items[1]: \"A\" is listed twice", NULL);
	parse_bad(HEAD "\"items\":[\"A\",7,\"A\"]," RATES "," TEAM "}", "items[1]: must be a non-empty string", NULL);
}
END_TEST

/* before ‖ text ‖ after (malloc'd). */
static char *with_text(const char *before, const char *text, const char *after)
{
	tu_buf b = { 0 };

	tu_buf_str(&b, before);
	tu_buf_str(&b, text);
	tu_buf_str(&b, after);
	return tu_buf_take(&b);
}

/* Every text of a task meets the text rule: 4096 bytes at most, and no bidirectional controls
 * or invisible format characters; the member is named. */
START_TEST(test_text_members)
{
	yh_task *t = NULL;
	char *json, *note = malloc(10 * 1024 * 1024 + 1);

	memset(note, 'x', 10 * 1024 * 1024);
	note[10 * 1024 * 1024] = '\0';
	json = with_text(HEAD RATES "," TEAM ",\"note\":\"", note, "\"}");
	parse_bad(json, "note: is 10485760 bytes long, the limit is 4096", NULL);
	free(json);
	/* 4096 bytes are accepted, 4097 are not */
	note[4096] = '\0';
	json = with_text(HEAD RATES "," TEAM ",\"note\":\"", note, "\"}");
	ck_assert_msg(yh_task_parse(&t, json, strlen(json), SRC) == YH_OK, "%s", yh_error_message());
	yh_task_free(t);
	free(json);
	note[4096] = 'x';
	note[4097] = '\0';
	json = with_text(HEAD RATES "," TEAM ",\"note\":\"", note, "\"}");
	parse_bad(json, "note: is 4097 bytes long, the limit is 4096", NULL);
	free(json);
	json = with_text(HEAD "\"population\":{\"types\":[\"", note, "\"]}," RATES "," TEAM "}");
	parse_bad(json, "population.types[0]: is 4097 bytes long, the limit is 4096", NULL);
	free(json);
	free(note);

	parse_bad("{\"id\":\"T1\",\"title\":\"抽查\\u202e计划\",\"departments\":[\"330100-SCJG\"],"
	          "\"draw_date\":\"2026-12-01\"," RATES "," TEAM "}",
	          "title: bidirectional control character U+202E at byte 7", NULL);
	parse_bad(HEAD RATES "," TEAM ",\"note\":\"a\\ufeffb\"}", "note: invisible format character U+FEFF", NULL);
	parse_bad(HEAD "\"population\":{\"types\":[\"个体\\u200b工商户\"]}," RATES "," TEAM "}",
	          "population.types[0]: invisible format character U+200B", NULL);
	parse_bad(HEAD RATES ",\"team\":{\"size\":2,\"specialties\":[\"\\u2066食品\"]}}",
	          "team.specialties[0]: bidirectional control character U+2066", NULL);
	parse_bad(HEAD "\"strata\":{\"by\":[\"type\"],\"rates\":{\"个体\\u200d\":\"5%\"}}," TEAM "}",
	          "strata.rates.个体\xE2\x80\x8D: invisible format character U+200D", NULL);
	/* control characters keep their message */
	parse_bad(HEAD RATES "," TEAM ",\"note\":\"a\\u0001b\"}", "note: holds control characters", NULL);
}
END_TEST

/* Long population lists are looked up, not scanned: the same answers as short ones, and
 * 100,000 departments answer at once. */
START_TEST(test_long_lists_lookup)
{
	const char *in_city[] = ROW("个体工商户", "330106", "F5211", "A", "active", "0");
	const char *province[] = ROW("有限责任公司", "440305", "H6210", "B", "active", "0");
	const char *out[] = ROW("农民专业合作社", "110105", "C1411", "A", "active", "0");
	char *json = long_task(100000, -1);
	yh_task *t = tu_task(HEAD "\"population\":{\"regions\":[\"11\",\"12\",\"13\",\"3301\",\"35\",\"36\",\"37\","
	                      "\"41\",\"42\",\"440305\",\"50\"],\"industries\":[\"A\",\"B\",\"C13\",\"D\",\"E\",\"F52\",\"G\","
	                      "\"H62\",\"I\",\"J\"],\"types\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\","
	                      "\"个体工商户\",\"有限责任公司\",\"农民专业合作社\"]}," RATES "," TEAM "}"), *many = NULL;
	double t0;
	size_t i;

	ck_assert_int_eq(yh_task_population_match(t, in_city), 1);     /* 3301 of 330106, F52 of F5211 */
	ck_assert_int_eq(yh_task_population_match(t, province), 1);    /* 440305 exactly, H62 */
	ck_assert_int_eq(yh_task_population_match(t, out), 0);         /* 11 matches, C1411 is not C13 */
	ck_assert_int_eq(yh_task_has_department(t, "330100-SCJG"), 1);
	ck_assert_int_eq(yh_task_has_department(t, "330100-STHJ"), 0);
	ck_assert_int_eq(yh_task_parse(&many, json, strlen(json), SRC), YH_OK);
	t0 = seconds_now();
	for (i = 0; i < 100000; i++) {
		char dep[16];

		snprintf(dep, sizeof(dep), "D%06zu", (i * 7919) % 100000);
		TU_REQUIRE(yh_task_has_department(many, dep) == 1, "%s not found", dep);
		dep[0] = 'E';
		TU_REQUIRE(yh_task_has_department(many, dep) == 0, "%s found", dep);
	}
	ck_assert_msg(seconds_now() - t0 < 5.0, "200,000 lookups took %.1f s", seconds_now() - t0);
	yh_task_free(t);
	yh_task_free(many);
	free(json);
}
END_TEST

static Suite *task_suite(void)
{
	Suite *s = suite_create("task");
	TCase *tc = tu_tcase(s, "task", TU_TMPDIR, 60);

	tcase_add_test(tc, test_example_task);
	tcase_add_test(tc, test_normalised_defaults);
	tcase_add_test(tc, test_canonical_stable);
	tcase_add_test(tc, test_canonical_member_order);
	tcase_add_test(tc, test_digest_changes);
	tcase_add_test(tc, test_full_task_accepted);
	tcase_add_test(tc, test_rate_errors);
	tcase_add_test(tc, test_strata_errors);
	tcase_add_test(tc, test_team_errors);
	tcase_add_test(tc, test_top_level_errors);
	tcase_add_test(tc, test_draw_date_errors);
	tcase_add_test(tc, test_population_errors);
	tcase_add_test(tc, test_invalid_json);
	tcase_add_test(tc, test_load_file_names_source);
	tcase_add_test(tc, test_store_tasks);
	tcase_add_test(tc, test_stratum_keys);
	tcase_add_test(tc, test_population_match);
	tcase_add_test(tc, test_stratum_sizes);
	tcase_add_test(tc, test_stratum_size_rules);
	tcase_add_test(tc, test_days_from_date);
	tcase_add_test(tc, test_long_lists_linear);
	tcase_add_test(tc, test_text_members);
	tcase_add_test(tc, test_long_lists_lookup);
	return s;
}

TU_MAIN(task_suite)
