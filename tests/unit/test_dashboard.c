/* test_dashboard.c — the department's dashboard (yaohao/dashboard.h): every task's stage and
 * disclosure deadline on the working-day calendar with today pinned by $SOURCE_DATE_EPOCH
 * (China Standard Time's date), overdue tasks first; and a year's coverage of the register
 * (shares in integer arithmetic, rounded down; the 3 % floor; strata; entities inspected by
 * more than one task; tasks of other years left out). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>
#include <sodium.h>

#include "testutil.h"

#define FOOD "T-2026-12-FOOD"

/* $SOURCE_DATE_EPOCH values (seconds since 1970-01-01T00:00:00Z) */
#define AT_DRAW "1796083200"       /* 2026-12-01T00:00:00Z: the food task's draw date */
#define AT_1210 "1796860800"       /* 2026-12-10T00:00:00Z (08:00 CST) */
#define AT_1220_2359_CST "1797782399"  /* 2026-12-20T15:59:59Z = 2026-12-20 23:59:59 CST */
#define AT_1220_17Z "1797786000"   /* 2026-12-20T17:00:00Z = 2026-12-21 01:00 CST */
#define AT_1229 "1798502400"       /* 2026-12-29T00:00:00Z */
#define AT_1230 "1798588800"       /* 2026-12-30T00:00:00Z */
#define AT_1231 "1798675200"       /* 2026-12-31T00:00:00Z */
#define AT_2027 "1799107200"       /* 2027-01-05T00:00:00Z: a year fixtures/calendar.csv lacks */

/*
 * The deadlines below, counted by hand on fixtures/calendar.csv (2026: 国办发明电〔2025〕7号).
 * The 2026 arrangement lists no special day after 2026-10-10 (国庆节调休上班), so December 2026
 * is plain: Monday to Friday work, Saturday and Sunday rest.  2026-12-02 is a Wednesday.  The
 * 20 working days after it, the date itself not counted (民法典 art. 201):
 *   Thu 12-03, Fri 12-04                          1–2
 *   Mon 12-07 … Fri 12-11                         3–7
 *   Mon 12-14 … Fri 12-18                         8–12
 *   Mon 12-21 … Fri 12-25                        13–17
 *   Mon 12-28, Tue 12-29, Wed 12-30              18–20   → deadline 2026-12-30
 * After Thursday 2026-12-03 the 20th is Thursday 2026-12-31; after Friday 2026-12-04 it is
 * 2027-01-01 or later, a year fixtures/calendar.csv does not cover: no deadline, an error.
 * Working days left on 2026-12-30 (deadline 12-30), counted from the day after today:
 *   today 12-10 (Thu): 12-11, 12-14…18, 12-21…25, 12-28…30      = 1 + 5 + 5 + 3 = 14
 *   today 12-20 (Sun): 12-21…25, 12-28…30                        = 5 + 3        = 8
 *   today 12-21 (Mon): 12-22…25, 12-28…30                        = 4 + 3        = 7
 *   today 12-30: 0; today 12-31: −1 (overdue by one working day, 12-31 itself).
 */
#define DEADLINE_1202 "2026-12-30"
#define DEADLINE_1203 "2026-12-31"

/* ---- a store with drawn tasks ---------------------------------------------------------- */

typedef struct {
	yh_key *key;
	yh_store *store;
} fixture;

/* A task like fixtures/task-food.json: id, draw date, an extra population filter (JSON members
 * after "industries", or ""), the strata rates, and the exclusion and pair windows. */
static yh_task *task_like_food(const char *id, const char *draw_date, const char *filter,
                               const char *rates, int exclude_days, int pair_days)
{
	char json[2048];

	snprintf(json, sizeof(json),
	         "{\"id\": \"%s\", \"title\": \"%s\", \"departments\": [\"330100-SCJG\"],"
	         " \"items\": [\"SP-01\", \"SP-02\"], \"draw_date\": \"%s\","
	         " \"population\": {\"status\": [\"active\"], \"regions\": [\"3301\"],"
	         " \"industries\": [\"F52\", \"H62\", \"C14\"]%s},"
	         " \"strata\": {\"by\": [\"risk\"], \"rates\": %s, \"min\": 1},"
	         " \"reserve_rate\": \"20%%\", \"exclude_drawn_within_days\": %d,"
	         " \"team\": {\"size\": 2, \"per_department\": {\"330100-SCJG\": 2},"
	         " \"specialties\": [\"食品\"], \"load_cap\": 4},"
	         " \"avoid_repeat_pair_within_days\": %d}",
	         id, id, draw_date, filter, rates, exclude_days, pair_days);
	return tu_task(json);
}

static void add_task(fixture *fx, yh_task *task)
{
	uint64_t seq;
	int rc = yh_task_add(&seq, fx->store, task);

	ck_assert_msg(rc == YH_OK, "task add: %s", yh_error_message());
	yh_task_free(task);
}

static void commit(fixture *fx, const char *id, const char *label)
{
	yh_commit_options opt = YH_COMMIT_OPTIONS_INIT;
	unsigned char secret[32];
	uint64_t seq;
	int rc;

	tu_sha256_label(secret, label);
	opt.entropy_source = "test vector: a fixed public value";
	opt.secret = secret;
	rc = yh_draw_commit(NULL, &seq, fx->store, id, &opt);
	ck_assert_msg(rc == YH_OK, "commit %s: %s", id, yh_error_message());
}

static void draw(fixture *fx, const char *id, const char *value)
{
	yh_draw_result res;
	int rc = yh_draw_run(NULL, &res, fx->store, id, value, NULL);

	ck_assert_msg(rc == YH_OK, "draw %s: %s", id, yh_error_message());
}

/* The food task drawn as tests/vectors/mkvectors.c draws it (the draw of
 * fixtures/vectors/food), today 2026-12-10. */
static void fixture_open(fixture *fx)
{
	fx->store = tu_food_store(&fx->key);
	setenv("SOURCE_DATE_EPOCH", AT_1210, 1);
}

static void fixture_close(fixture *fx)
{
	yh_store_close(fx->store);
	yh_key_free(fx->key);
}

static void import_calendar(fixture *fx)
{
	yh_calendar_report rep;
	int rc = yh_calendar_import(&rep, fx->store, tu_fixture("calendar.csv"), NULL);

	ck_assert_msg(rc == YH_OK, "calendar import: %s", yh_error_message());
	ck_assert_uint_eq(rep.nyears, 3);
	ck_assert_int_eq(rep.years[2], 2026);
}

/* The inspections of a drawn task (yh_results_state's, with entities). */
static json_t *inspections(fixture *fx, const char *task_id)
{
	json_t *state = NULL, *v;
	int rc = yh_results_state(&state, fx->store, task_id, 1);

	ck_assert_msg(rc == YH_OK, "state of %s: %s", task_id, yh_error_message());
	v = json_incref(json_object_get(state, "inspections"));
	ck_assert_ptr_nonnull(v);
	json_decref(state);
	return v;
}

static void refused(void *ctx, size_t index, const char *member, const char *message)
{
	snprintf(ctx, 512, "result %zu, %s: %s", index, member, message);
}

/* Records the result `code` dated `date` of inspection i of a task, by its team; a correction
 * of the result in force when there is one. */
static void record(fixture *fx, const char *task_id, size_t i, const char *code, const char *date)
{
	json_t *all = inspections(fx, task_id), *e = json_array_get(all, i), *team, *prior;
	const char *officers[2];
	yh_result r = YH_RESULT_INIT;
	char why[512] = "";
	uint64_t seq;
	int rc;

	ck_assert_msg(e != NULL, "%s has no inspection %zu", task_id, i);
	team = json_object_get(e, "team");
	officers[0] = tu_jstr(json_array_get(team, 0), "id");
	officers[1] = tu_jstr(json_array_get(team, 1), "id");
	r.entity_id = tu_jstr(e, "id");
	r.result = code;
	r.date = date;
	r.officers = officers;
	r.nofficers = 2;
	prior = json_object_get(e, "result");
	if (json_is_object(prior)) {
		r.replaces = (uint64_t)tu_jint(prior, "entry");
		r.reason = "复核后更正";
	}
	rc = yh_results_record(&seq, fx->store, task_id, &r, 1, refused, why);
	ck_assert_msg(rc == YH_OK, "record %s #%zu: %s", task_id, i, *why ? why : yh_error_message());
	json_decref(all);
}

static int keep_document(void *ctx, const char *document, const char *csv)
{
	(void)csv;
	return !(*(char **)ctx = strdup(document));
}

static void disclose(fixture *fx, const char *task_id, json_int_t edition)
{
	char *doc = NULL;
	json_t *d;
	uint64_t seq = 0;
	int rc = yh_results_disclose(&seq, fx->store, task_id, keep_document, &doc);

	ck_assert_msg(rc == YH_OK, "disclose %s: %s", task_id, yh_error_message());
	ck_assert_uint_gt(seq, 0);
	d = tu_json(doc);
	ck_assert_int_eq(tu_jint(d, "edition"), edition);
	json_decref(d);
	free(doc);
}

/* ---- status ---------------------------------------------------------------------------- */

static json_t *status(fixture *fx, const char *epoch)
{
	json_t *s = NULL;
	int rc;

	setenv("SOURCE_DATE_EPOCH", epoch, 1);
	rc = yh_dashboard_status(&s, fx->store);
	ck_assert_msg(rc == YH_OK, "status: %s", yh_error_message());
	ck_assert_ptr_nonnull(s);
	return s;
}

/* The task of the status with that id (the test aborts when there is none). */
static json_t *task_of(json_t *s, const char *id)
{
	json_t *t;
	size_t i;

	json_array_foreach(json_object_get(s, "tasks"), i, t)
		if (strcmp(tu_jstr(t, "task_id"), id) == 0)
			return t;
	ck_abort_msg("no task %s in the status", id);
	return NULL;
}

static const char *task_at(json_t *s, size_t i)
{
	json_t *t = json_array_get(json_object_get(s, "tasks"), i);

	ck_assert_msg(t != NULL, "the status has no task %zu", i);
	return tu_jstr(t, "task_id");
}

/* A task waiting for disclosure with that deadline and working days left. */
static void assert_deadline(json_t *t, const char *oldest, const char *deadline, json_int_t left)
{
	ck_assert_str_eq(tu_jstr(t, "stage"), "results");
	ck_assert_str_eq(tu_jstr(t, "oldest_undisclosed"), oldest);
	ck_assert_str_eq(tu_jstr(t, "deadline"), deadline);
	ck_assert_int_eq(tu_jint(t, "working_days_left"), left);
	ck_assert_msg(json_is_boolean(json_object_get(t, "overdue")), "overdue is not a boolean");
	ck_assert_int_eq(json_is_true(json_object_get(t, "overdue")), left < 0);
	ck_assert_ptr_null(json_object_get(t, "deadline_error"));
}

/* No deadline: none guessed, an error naming the year without a calendar. */
static void assert_no_deadline(json_t *t, const char *year)
{
	const char *err = tu_jstr(t, "deadline_error");

	ck_assert_ptr_null(json_object_get(t, "deadline"));
	ck_assert_ptr_null(json_object_get(t, "working_days_left"));
	ck_assert_ptr_null(json_object_get(t, "overdue"));
	ck_assert_msg(strstr(err, "no working-day calendar for") && strstr(err, year),
	              "deadline_error '%s' does not name %s", err, year);
}

/* Nothing waits for disclosure: no deadline and no error. */
static void assert_nothing_due(json_t *t)
{
	ck_assert_ptr_null(json_object_get(t, "oldest_undisclosed"));
	ck_assert_ptr_null(json_object_get(t, "deadline"));
	ck_assert_ptr_null(json_object_get(t, "working_days_left"));
	ck_assert_ptr_null(json_object_get(t, "overdue"));
	ck_assert_ptr_null(json_object_get(t, "deadline_error"));
}

START_TEST(test_status_stages)
{
	fixture fx;
	json_t *s, *t;
	size_t i;

	fixture_open(&fx);
	/* a planned task and a committed one, both dated before the food task */
	add_task(&fx, task_like_food("T-2026-11-PLAN", "2026-11-01", "", "{\"*\": \"10%\"}", 365, 730));
	add_task(&fx, task_like_food("T-2026-11-COMMIT", "2026-11-15", "", "{\"*\": \"10%\"}", 365, 730));
	commit(&fx, "T-2026-11-COMMIT", "dashboard committed");

	s = status(&fx, AT_1210);
	ck_assert_str_eq(tu_jstr(s, "today"), "2026-12-10");
	ck_assert_uint_eq(json_array_size(json_object_get(s, "tasks")), 3);
	/* nothing due: in draw-date order */
	ck_assert_str_eq(task_at(s, 0), "T-2026-11-PLAN");
	ck_assert_str_eq(task_at(s, 1), "T-2026-11-COMMIT");
	ck_assert_str_eq(task_at(s, 2), FOOD);
	t = task_of(s, "T-2026-11-PLAN");
	ck_assert_str_eq(tu_jstr(t, "stage"), "planned");
	ck_assert_str_eq(tu_jstr(t, "draw_date"), "2026-11-01");
	ck_assert_str_eq(tu_jstr(t, "title"), "T-2026-11-PLAN");
	ck_assert_ptr_null(json_object_get(t, "inspections"));
	assert_nothing_due(t);
	t = task_of(s, "T-2026-11-COMMIT");
	ck_assert_str_eq(tu_jstr(t, "stage"), "committed");
	ck_assert_ptr_null(json_object_get(t, "inspections"));
	assert_nothing_due(t);
	t = task_of(s, FOOD);
	ck_assert_str_eq(tu_jstr(t, "stage"), "drawn");
	ck_assert_str_eq(tu_jstr(t, "title"), "2026年12月食品经营者双随机抽查");
	ck_assert_str_eq(tu_jstr(t, "draw_date"), "2026-12-01");
	ck_assert_int_eq(tu_jint(t, "inspections"), 17);
	ck_assert_int_eq(tu_jint(t, "results"), 0);
	ck_assert_int_eq(tu_jint(t, "pending"), 17);
	ck_assert_int_eq(tu_jint(t, "disclosures"), 0);
	assert_nothing_due(t);
	json_decref(s);

	/* a result dated 2026-12-02, no calendar: no deadline guessed, the year named */
	record(&fx, FOOD, 0, "1", "2026-12-02");
	s = status(&fx, AT_1210);
	t = task_of(s, FOOD);
	ck_assert_str_eq(tu_jstr(t, "stage"), "results");
	ck_assert_int_eq(tu_jint(t, "results"), 1);
	ck_assert_int_eq(tu_jint(t, "pending"), 16);
	ck_assert_str_eq(tu_jstr(t, "oldest_undisclosed"), "2026-12-02");
	assert_no_deadline(t, "2026");
	/* a task with a deadline to watch (even an unknown one) comes before the others */
	ck_assert_str_eq(task_at(s, 0), FOOD);
	json_decref(s);

	/* with the calendar: the 20th working day after 2026-12-02 (see the top of the file) */
	import_calendar(&fx);
	s = status(&fx, AT_1210);
	assert_deadline(task_of(s, FOOD), "2026-12-02", DEADLINE_1202, 14);
	ck_assert_str_eq(task_at(s, 0), FOOD);
	json_decref(s);
	/* today is China Standard Time's date: 2026-12-20T15:59:59Z is still Sunday 12-20 there,
	 * 2026-12-20T17:00:00Z is already Monday 12-21 (the UTC date would be 12-20) */
	s = status(&fx, AT_1220_2359_CST);
	ck_assert_str_eq(tu_jstr(s, "today"), "2026-12-20");
	assert_deadline(task_of(s, FOOD), "2026-12-02", DEADLINE_1202, 8);
	json_decref(s);
	s = status(&fx, AT_1220_17Z);
	ck_assert_str_eq(tu_jstr(s, "today"), "2026-12-21");
	assert_deadline(task_of(s, FOOD), "2026-12-02", DEADLINE_1202, 7);
	json_decref(s);
	/* on the deadline: 0 left, not overdue; the day after: overdue by one working day */
	s = status(&fx, AT_1230);
	assert_deadline(task_of(s, FOOD), "2026-12-02", DEADLINE_1202, 0);
	json_decref(s);
	s = status(&fx, AT_1231);
	ck_assert_str_eq(tu_jstr(s, "today"), "2026-12-31");
	assert_deadline(task_of(s, FOOD), "2026-12-02", DEADLINE_1202, -1);
	ck_assert(json_is_true(json_object_get(task_of(s, FOOD), "overdue")));
	ck_assert_str_eq(task_at(s, 0), FOOD);
	json_decref(s);

	/* disclosed with results still pending: nothing waits, the task is not done */
	setenv("SOURCE_DATE_EPOCH", AT_1210, 1);
	disclose(&fx, FOOD, 1);
	s = status(&fx, AT_1231);
	t = task_of(s, FOOD);
	ck_assert_str_eq(tu_jstr(t, "stage"), "results");
	ck_assert_int_eq(tu_jint(t, "disclosures"), 1);
	assert_nothing_due(t);
	json_decref(s);

	/* the other 16 results (the oldest undisclosed, 12-03, gives the deadline), then disclosed:
	 * every inspection has its result and all are disclosed */
	setenv("SOURCE_DATE_EPOCH", AT_1210, 1);
	for (i = 1; i < 17; i++)
		record(&fx, FOOD, i, i % 3 ? "1" : "A", i < 8 ? "2026-12-04" : "2026-12-03");
	s = status(&fx, AT_1210);
	t = task_of(s, FOOD);
	ck_assert_int_eq(tu_jint(t, "results"), 17);
	ck_assert_int_eq(tu_jint(t, "pending"), 0);
	/* 12-03 to 12-31: 12-11, 12-14…18, 12-21…25, 12-28…31 = 15 left */
	assert_deadline(t, "2026-12-03", DEADLINE_1203, 15);
	json_decref(s);
	disclose(&fx, FOOD, 2);
	s = status(&fx, AT_1210);
	t = task_of(s, FOOD);
	ck_assert_str_eq(tu_jstr(t, "stage"), "disclosed");
	ck_assert_int_eq(tu_jint(t, "disclosures"), 2);
	assert_nothing_due(t);
	/* nothing due any more: back to draw-date order */
	ck_assert_str_eq(task_at(s, 2), FOOD);
	json_decref(s);

	/* a correction after the disclosure: results again, its deadline from its own date */
	record(&fx, FOOD, 5, "E", "2026-12-02");
	s = status(&fx, AT_1210);
	t = task_of(s, FOOD);
	ck_assert_int_eq(tu_jint(t, "pending"), 0);
	assert_deadline(t, "2026-12-02", DEADLINE_1202, 14);
	json_decref(s);
	disclose(&fx, FOOD, 3);
	s = status(&fx, AT_1210);
	ck_assert_str_eq(tu_jstr(task_of(s, FOOD), "stage"), "disclosed");
	json_decref(s);
	/* a correction dated late December: its deadline falls in 2027, which has no calendar */
	setenv("SOURCE_DATE_EPOCH", AT_1229, 1);
	record(&fx, FOOD, 6, "1", "2026-12-28");
	s = status(&fx, AT_1229);
	t = task_of(s, FOOD);
	ck_assert_str_eq(tu_jstr(t, "stage"), "results");
	ck_assert_str_eq(tu_jstr(t, "oldest_undisclosed"), "2026-12-28");
	assert_no_deadline(t, "2027");
	json_decref(s);
	fixture_close(&fx);
}
END_TEST

/* Overdue first, then the nearest deadline, then the rest in draw-date order. */
START_TEST(test_status_order)
{
	fixture fx;
	json_t *s, *t;

	fixture_open(&fx);
	import_calendar(&fx);
	add_task(&fx, task_like_food("T-2026-11-PLAN", "2026-11-01", "", "{\"*\": \"10%\"}", 365, 730));
	/* drawn after the food task, with the same population, dated a day later */
	add_task(&fx, task_like_food("T-2026-12-FOOD2", "2026-12-02", "",
	                             "{\"*\": \"5%\"}", 0, 0));
	setenv("SOURCE_DATE_EPOCH", AT_DRAW, 1);
	commit(&fx, "T-2026-12-FOOD2", "dashboard food 2");
	draw(&fx, "T-2026-12-FOOD2", "public value for food 2");
	setenv("SOURCE_DATE_EPOCH", AT_1210, 1);
	/* the food task's oldest result 12-03 (deadline 12-31), the second task's 12-02 (12-30) */
	record(&fx, FOOD, 0, "1", "2026-12-03");
	record(&fx, FOOD, 1, "1", "2026-12-09");
	record(&fx, "T-2026-12-FOOD2", 0, "1", "2026-12-02");

	s = status(&fx, AT_1210);
	ck_assert_uint_eq(json_array_size(json_object_get(s, "tasks")), 3);
	/* nearest deadline first: FOOD2 (14 left) before FOOD (15 left), then the planned task */
	ck_assert_str_eq(task_at(s, 0), "T-2026-12-FOOD2");
	ck_assert_str_eq(task_at(s, 1), FOOD);
	ck_assert_str_eq(task_at(s, 2), "T-2026-11-PLAN");
	assert_deadline(task_of(s, "T-2026-12-FOOD2"), "2026-12-02", DEADLINE_1202, 14);
	assert_deadline(task_of(s, FOOD), "2026-12-03", DEADLINE_1203, 15);
	json_decref(s);

	/* 2026-12-31: FOOD2 overdue (−1), FOOD due today (0): the overdue one first */
	s = status(&fx, AT_1231);
	ck_assert_str_eq(task_at(s, 0), "T-2026-12-FOOD2");
	ck_assert(json_is_true(json_object_get(task_of(s, "T-2026-12-FOOD2"), "overdue")));
	ck_assert_int_eq(tu_jint(task_of(s, "T-2026-12-FOOD2"), "working_days_left"), -1);
	ck_assert_str_eq(task_at(s, 1), FOOD);
	ck_assert(json_is_false(json_object_get(task_of(s, FOOD), "overdue")));
	ck_assert_int_eq(tu_jint(task_of(s, FOOD), "working_days_left"), 0);
	ck_assert_str_eq(task_at(s, 2), "T-2026-11-PLAN");
	json_decref(s);

	/* FOOD2 disclosed (with results pending, so still "results"): FOOD, due today, is the only
	 * one due; the others in draw-date order */
	setenv("SOURCE_DATE_EPOCH", AT_1210, 1);
	disclose(&fx, "T-2026-12-FOOD2", 1);
	s = status(&fx, AT_1231);
	ck_assert_str_eq(task_at(s, 0), FOOD);
	ck_assert_str_eq(task_at(s, 1), "T-2026-11-PLAN");
	ck_assert_str_eq(task_at(s, 2), "T-2026-12-FOOD2");
	ck_assert_str_eq(tu_jstr(task_of(s, "T-2026-12-FOOD2"), "stage"), "results");
	json_decref(s);

	/* today in 2027, a year without a calendar: the deadline (counted in 2026) is known and
	 * passed, so the task is overdue and first; only the working days since are unknown */
	s = status(&fx, AT_2027);
	ck_assert_str_eq(tu_jstr(s, "today"), "2027-01-05");
	ck_assert_str_eq(task_at(s, 0), FOOD);
	t = task_of(s, FOOD);
	ck_assert_str_eq(tu_jstr(t, "deadline"), DEADLINE_1203);
	ck_assert(json_is_true(json_object_get(t, "overdue")));
	ck_assert_ptr_null(json_object_get(t, "working_days_left"));
	ck_assert_ptr_nonnull(strstr(tu_jstr(t, "deadline_error"), "no working-day calendar for 2027"));
	json_decref(s);
	fixture_close(&fx);
}
END_TEST

/* ---- coverage -------------------------------------------------------------------------- */

static json_t *coverage(fixture *fx, int year)
{
	json_t *c = NULL;
	int rc = yh_dashboard_coverage(&c, fx->store, year);

	ck_assert_msg(rc == YH_OK, "coverage %d: %s", year, yh_error_message());
	ck_assert_ptr_nonnull(c);
	return c;
}

static json_t *stratum_of(json_t *c, const char *task_id, const char *key)
{
	json_t *t, *st;
	size_t i, j;

	json_array_foreach(json_object_get(c, "tasks"), i, t)
		if (strcmp(tu_jstr(t, "task_id"), task_id) == 0)
			json_array_foreach(json_object_get(t, "strata"), j, st)
				if (strcmp(tu_jstr(st, "stratum"), key) == 0)
					return st;
	ck_abort_msg("no stratum %s of %s in the coverage", key, task_id);
	return NULL;
}

static void assert_stratum(json_t *c, const char *task_id, const char *key, json_int_t population,
                           json_int_t selected, const char *rate, json_int_t inspected,
                           const char *share)
{
	json_t *st = stratum_of(c, task_id, key);

	ck_assert_int_eq(tu_jint(st, "population"), population);
	ck_assert_int_eq(tu_jint(st, "selected"), selected);
	ck_assert_str_eq(tu_jstr(st, "rate"), rate);
	ck_assert_int_eq(tu_jint(st, "inspected"), inspected);
	ck_assert_str_eq(tu_jstr(st, "share"), share);
}

/* The number of inspections of the food draw in stratum key among the first n. */
static json_int_t food_in_stratum(fixture *fx, const char *key, size_t n)
{
	json_t *all = inspections(fx, FOOD), *e;
	json_int_t k = 0;
	size_t i;

	json_array_foreach(all, i, e)
		k += i < n && strcmp(tu_jstr(e, "stratum"), key) == 0;
	json_decref(all);
	return k;
}

START_TEST(test_coverage)
{
	fixture fx;
	json_t *c, *tasks, *rep, *all, *e;
	size_t i, n;

	fixture_open(&fx);
	/* nothing inspected yet; the register has 270 active entities (fixtures/entities.csv) */
	c = coverage(&fx, 2026);
	ck_assert_int_eq(tu_jint(c, "year"), 2026);
	ck_assert_int_eq(tu_jint(c, "active_entities"), 270);
	ck_assert_int_eq(tu_jint(c, "inspected"), 0);
	ck_assert_str_eq(tu_jstr(c, "share"), "0.00%");
	ck_assert_str_eq(tu_jstr(c, "floor"), "3%");
	ck_assert(json_is_false(json_object_get(c, "meets_floor")));
	ck_assert_uint_eq(json_array_size(json_object_get(c, "tasks")), 1);
	ck_assert_uint_eq(json_array_size(json_object_get(c, "repeated")), 0);
	/* the food vector's strata (fixtures/vectors/food/draw.json) */
	assert_stratum(c, FOOD, "A", 66, 4, "5%", 0, "0.00%");
	assert_stratum(c, FOOD, "D", 6, 3, "50%", 0, "0.00%");
	json_decref(c);

	/* 8 of 270 = 2.962…%: below the floor (8 × 100 < 3 × 270) */
	for (i = 0; i < 8; i++)
		record(&fx, FOOD, i, "1", "2026-12-02");
	c = coverage(&fx, 2026);
	ck_assert_int_eq(tu_jint(c, "inspected"), 8);
	ck_assert_str_eq(tu_jstr(c, "share"), "2.96%");
	ck_assert(json_is_false(json_object_get(c, "meets_floor")));
	/* per stratum: the first 8 of the food draw are 4 of A, 3 of B, 1 of C (3/66 … rounded
	 * down: 4/66 = 6.0606…% → 6.06%, 3/43 = 6.976…% → 6.97%, 1/19 = 5.263…% → 5.26%) */
	ck_assert_int_eq(food_in_stratum(&fx, "A", 8), 4);
	ck_assert_int_eq(food_in_stratum(&fx, "B", 8), 3);
	ck_assert_int_eq(food_in_stratum(&fx, "C", 8), 1);
	assert_stratum(c, FOOD, "A", 66, 4, "5%", 4, "6.06%");
	assert_stratum(c, FOOD, "B", 43, 5, "10%", 3, "6.97%");
	assert_stratum(c, FOOD, "C", 19, 4, "20%", 1, "5.26%");
	assert_stratum(c, FOOD, "D", 6, 3, "50%", 0, "0.00%");
	assert_stratum(c, FOOD, "-", 2, 1, "10%", 0, "0.00%");
	json_decref(c);

	/* 9 of 270 = 3.333…%: meets the floor */
	record(&fx, FOOD, 8, "1", "2026-12-02");
	c = coverage(&fx, 2026);
	ck_assert_int_eq(tu_jint(c, "inspected"), 9);
	ck_assert_str_eq(tu_jstr(c, "share"), "3.33%");
	ck_assert(json_is_true(json_object_get(c, "meets_floor")));
	json_decref(c);

	/* a correction is still one entity inspected */
	record(&fx, FOOD, 0, "E", "2026-12-03");
	c = coverage(&fx, 2026);
	ck_assert_int_eq(tu_jint(c, "inspected"), 9);
	json_decref(c);

	/* all 17 of the food draw: 17 of 270 = 6.296…% → 6.29% (rounded down) */
	for (i = 9; i < 17; i++)
		record(&fx, FOOD, i, "1", "2026-12-04");
	c = coverage(&fx, 2026);
	ck_assert_int_eq(tu_jint(c, "inspected"), 17);
	ck_assert_str_eq(tu_jstr(c, "share"), "6.29%");
	assert_stratum(c, FOOD, "D", 6, 3, "50%", 3, "50.00%");
	json_decref(c);

	/* a second task drawn in 2026 of the population's risk-D entities, all of them: the three of
	 * the food draw's stratum D are drawn again (no exclusion window) */
	add_task(&fx, task_like_food("T-2026-12-RISKD", "2026-12-02", ", \"risk\": [\"D\"]",
	                             "{\"*\": \"100%\"}", 0, 0));
	/* and a task drawn in 2025 */
	add_task(&fx, task_like_food("T-2025-06-FOOD", "2025-06-01", "", "{\"*\": \"5%\"}", 0, 0));
	commit(&fx, "T-2026-12-RISKD", "dashboard risk D");
	draw(&fx, "T-2026-12-RISKD", "public value for risk D");
	commit(&fx, "T-2025-06-FOOD", "dashboard 2025");
	draw(&fx, "T-2025-06-FOOD", "public value for 2025");
	all = inspections(&fx, "T-2026-12-RISKD");
	ck_assert_uint_eq(json_array_size(all), 6);
	json_decref(all);
	/* results for the 2025 task, dated in 2025: not in 2026's coverage */
	all = inspections(&fx, "T-2025-06-FOOD");
	n = json_array_size(all);
	ck_assert_uint_ge(n, 2);
	json_decref(all);
	for (i = 0; i < n; i++)
		record(&fx, "T-2025-06-FOOD", i, "1", "2025-06-10");
	c = coverage(&fx, 2026);
	tasks = json_object_get(c, "tasks");
	ck_assert_uint_eq(json_array_size(tasks), 2);
	ck_assert_str_eq(tu_jstr(json_array_get(tasks, 0), "task_id"), FOOD);
	ck_assert_str_eq(tu_jstr(json_array_get(tasks, 1), "task_id"), "T-2026-12-RISKD");
	ck_assert_int_eq(tu_jint(c, "inspected"), 17);
	ck_assert_uint_eq(json_array_size(json_object_get(c, "repeated")), 0);
	assert_stratum(c, "T-2026-12-RISKD", "D", 6, 6, "100%", 0, "0.00%");
	json_decref(c);
	/* 2025: that task alone, with its results */
	c = coverage(&fx, 2025);
	tasks = json_object_get(c, "tasks");
	ck_assert_uint_eq(json_array_size(tasks), 1);
	ck_assert_str_eq(tu_jstr(json_array_get(tasks, 0), "task_id"), "T-2025-06-FOOD");
	ck_assert_int_eq(tu_jint(c, "inspected"), (json_int_t)n);
	ck_assert_uint_eq(json_array_size(json_object_get(c, "repeated")), 0);
	json_decref(c);

	/* results for the risk-D task's entities: the three also inspected by the food task are
	 * repeated; the other three are new */
	all = inspections(&fx, "T-2026-12-RISKD");
	json_array_foreach(all, i, e)
		record(&fx, "T-2026-12-RISKD", i, "1", "2026-12-05");
	c = coverage(&fx, 2026);
	ck_assert_int_eq(tu_jint(c, "inspected"), 20);
	/* 20 of 270 = 7.407…% → 7.40% */
	ck_assert_str_eq(tu_jstr(c, "share"), "7.40%");
	assert_stratum(c, "T-2026-12-RISKD", "D", 6, 6, "100%", 6, "100.00%");
	rep = json_object_get(c, "repeated");
	ck_assert_uint_eq(json_array_size(rep), 3);
	json_array_foreach(rep, i, e) {
		json_t *in = json_object_get(e, "tasks");
		const char *who = tu_jstr(e, "entity_id");
		json_t *food = inspections(&fx, FOOD), *f;
		size_t j;
		int found = 0;

		ck_assert_uint_eq(json_array_size(in), 2);
		ck_assert_str_eq(json_string_value(json_array_get(in, 0)), FOOD);
		ck_assert_str_eq(json_string_value(json_array_get(in, 1)), "T-2026-12-RISKD");
		json_array_foreach(food, j, f)
			found |= strcmp(tu_jstr(f, "id"), who) == 0 &&
			         strcmp(tu_jstr(f, "stratum"), "D") == 0;
		ck_assert_msg(found, "%s is repeated but not in the food draw's stratum D", who);
		json_decref(food);
	}
	json_decref(c);
	json_decref(all);

	/* the year must be a year */
	c = (json_t *)1;
	ck_assert_int_eq(yh_dashboard_coverage(&c, fx.store, 99), YH_EINVAL);
	ck_assert_ptr_null(c);
	fixture_close(&fx);
}
END_TEST

/* A copy of fixtures/entities.csv with the first n active entities (status 存续, 在业 or 开业,
 * the next-to-last column) made 停业 (suspended). */
static void entities_suspending(const char *path, unsigned n)
{
	char *text = tu_read(tu_fixture("entities.csv"), NULL), *line = text, *end;
	tu_buf b = { 0 };
	unsigned done = 0;

	for (; *line; line = end) {
		char *last, *prev;

		end = strchr(line, '\n');
		end = end ? end + 1 : line + strlen(line);
		for (last = end - 1; last > line && *last != ','; last--)
			;
		for (prev = last - 1; prev > line && *prev != ','; prev--)
			;
		if (done < n && prev > line &&
		    ((last - prev - 1 == 6 && (strncmp(prev + 1, "存续", 6) == 0 ||
		                               strncmp(prev + 1, "在业", 6) == 0 ||
		                               strncmp(prev + 1, "开业", 6) == 0)))) {
			tu_buf_add(&b, line, (size_t)(prev + 1 - line));
			tu_buf_str(&b, "停业");
			tu_buf_add(&b, last, (size_t)(end - last));
			done++;
		} else {
			tu_buf_add(&b, line, (size_t)(end - line));
		}
	}
	ck_assert_uint_eq(done, n);
	tu_write_str(path, b.s);
	free(b.s);
	free(text);
}

/* The floor exactly: inspected × 100 ≥ 3 × active. */
START_TEST(test_coverage_floor)
{
	fixture fx;
	yh_import_report rep;
	json_t *c;
	size_t i;

	fixture_open(&fx);
	for (i = 0; i < 5; i++)
		record(&fx, FOOD, i, "1", "2026-12-02");
	/* 5 of 270 = 1.851…% */
	c = coverage(&fx, 2026);
	ck_assert_int_eq(tu_jint(c, "active_entities"), 270);
	ck_assert_str_eq(tu_jstr(c, "share"), "1.85%");
	ck_assert(json_is_false(json_object_get(c, "meets_floor")));
	json_decref(c);
	/* the register now: 200 active (the current register counts, not the draw's freeze) */
	entities_suspending(tu_path("entities-200.csv"), 70);
	tu_import_ok(&rep, fx.store, YH_REGISTER_ENTITIES, tu_path("entities-200.csv"), NULL);
	c = coverage(&fx, 2026);
	ck_assert_int_eq(tu_jint(c, "active_entities"), 200);
	ck_assert_int_eq(tu_jint(c, "inspected"), 5);
	ck_assert_str_eq(tu_jstr(c, "share"), "2.50%");
	ck_assert(json_is_false(json_object_get(c, "meets_floor")));
	json_decref(c);
	/* 6 of 200: exactly 3 % meets the floor */
	record(&fx, FOOD, 5, "1", "2026-12-02");
	c = coverage(&fx, 2026);
	ck_assert_int_eq(tu_jint(c, "inspected"), 6);
	ck_assert_str_eq(tu_jstr(c, "share"), "3.00%");
	ck_assert(json_is_true(json_object_get(c, "meets_floor")));
	json_decref(c);
	fixture_close(&fx);
}
END_TEST

static Suite *dashboard_suite(void)
{
	Suite *s = suite_create("dashboard");
	TCase *tc = tu_tcase(s, "dashboard", TU_TMPDIR, 120);

	tcase_add_test(tc, test_status_stages);
	tcase_add_test(tc, test_status_order);
	tcase_add_test(tc, test_coverage);
	tcase_add_test(tc, test_coverage_floor);
	return s;
}

TU_MAIN(dashboard_suite)
