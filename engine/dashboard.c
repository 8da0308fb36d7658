/* dashboard.c — the department's view: every task's stage and disclosure deadline, and a
 * year's coverage of the register (yaohao/dashboard.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaohao/calendar.h"
#include "yaohao/dashboard.h"
#include "yaohao/results.h"
#include "yaohao/task.h"
#include "clock.h"
#include "inspection.h"
#include "results_load.h"
#include "store/store.h"
#include "error.h"

/* ---- status ---------------------------------------------------------------------------- */

typedef struct {
	yh_store *store;
	json_t *tasks;
	const char *today;
	int rc;
} status_walk;

static const char *stage_of(const yh_task_info *info, json_t *summary, json_t *undisclosed)
{
	json_int_t results = json_integer_value(json_object_get(summary, "results"));
	json_int_t pending = json_integer_value(json_object_get(summary, "pending"));
	json_int_t disclosures = json_integer_value(json_object_get(summary, "disclosures"));

	if (info->state != YH_TASK_DRAWN)
		return yh_task_state_name(info->state);
	if (disclosures > 0 && pending == 0 && json_array_size(undisclosed) == 0)
		return "disclosed";
	return results > 0 || disclosures > 0 ? "results" : "drawn";
}

/* The deadline of the oldest result not yet disclosed, and the working days left to it. */
static int add_deadline(json_t *t, yh_store *store, const char *oldest, const char *today)
{
	char deadline[11];
	int64_t left;
	int rc;

	json_object_set_new(t, "oldest_undisclosed", json_string(oldest));
	if ((rc = yh_calendar_deadline(deadline, store, oldest, YH_DISCLOSURE_WORKING_DAYS)) < 0) {
		if (rc != YH_ENOTFOUND && rc != YH_EINVAL)
			return rc;
		json_object_set_new(t, "deadline_error", json_string(yh_error_message()));
		return YH_OK;
	}
	/* the deadline is known; whether it has passed is a comparison of dates, even when the
	 * working days up to today cannot be counted (today in a year without a calendar) */
	json_object_set_new(t, "deadline", json_string(deadline));
	json_object_set_new(t, "overdue", json_boolean(strcmp(today, deadline) > 0));
	if ((rc = yh_calendar_working_days_between(&left, store, today, deadline)) < 0) {
		if (rc != YH_ENOTFOUND && rc != YH_EINVAL)
			return rc;
		json_object_set_new(t, "deadline_error", json_string(yh_error_message()));
		return YH_OK;
	}
	json_object_set_new(t, "working_days_left", json_integer(left));
	return YH_OK;
}

static int status_task(void *ctx, const yh_task_info *info)
{
	status_walk *w = ctx;
	json_t *t, *state = NULL, *summary, *undisclosed;
	int rc = YH_OK;

	if (!(t = json_pack("{s:s, s:s, s:s}", "task_id", info->id, "title", info->title ?
	                    info->title : "", "draw_date", info->draw_date)))
		return w->rc = yh_error_set(YH_ENOMEM, "out of memory");
	if (info->state == YH_TASK_DRAWN) {
		if ((rc = yh_results_state(&state, w->store, info->id, 0)) < 0) {
			json_decref(t);
			return w->rc = rc;
		}
		summary = json_object_get(state, "summary");
		undisclosed = json_object_get(state, "undisclosed");
		json_object_set_new(t, "stage", json_string(stage_of(info, summary, undisclosed)));
		json_object_set(t, "inspections", json_object_get(summary, "inspections"));
		json_object_set(t, "results", json_object_get(summary, "results"));
		json_object_set(t, "pending", json_object_get(summary, "pending"));
		json_object_set(t, "disclosures", json_object_get(summary, "disclosures"));
		if (json_array_size(undisclosed))
			rc = add_deadline(t, w->store, json_string_value(json_array_get(undisclosed, 0)),
			                  w->today);
		json_decref(state);
	} else {
		json_object_set_new(t, "stage", json_string(yh_task_state_name(info->state)));
	}
	if (rc < 0 || json_array_append_new(w->tasks, t) < 0)
		return w->rc = rc < 0 ? rc : yh_error_set(YH_ENOMEM, "out of memory");
	return 0;
}

/* Overdue first (most overdue first), then with a deadline (nearest first), then the rest. */
static int urgency(json_t *t, json_int_t *left)
{
	json_t *l = json_object_get(t, "working_days_left");

	*left = json_integer_value(l);
	if (json_is_true(json_object_get(t, "overdue")))
		return 0;
	if (l || json_object_get(t, "deadline_error"))
		return 1;
	return 2;
}

static int before(json_t *a, json_t *b)
{
	json_int_t la, lb;
	int ua = urgency(a, &la), ub = urgency(b, &lb);

	return ua != ub ? ua < ub : ua < 2 && la != lb ? la < lb : 0;
}

int yh_dashboard_status(json_t **out, yh_store *store)
{
	status_walk w = { store, json_array(), NULL, YH_OK };
	char today[11];
	size_t i, j;
	int rc;

	*out = NULL;
	if (!w.tasks)
		return yh_error_set(YH_ENOMEM, "out of memory");
	yh_clock_today(today);
	w.today = today;
	if ((rc = yh_task_foreach(store, status_task, &w)) < 0 || (rc = w.rc) < 0) {
		json_decref(w.tasks);
		return rc;
	}
	/* a stable insertion sort: tasks keep their draw-date order within a class */
	for (i = 1; i < json_array_size(w.tasks); i++) {
		json_t *t = json_incref(json_array_get(w.tasks, i));

		for (j = i; j > 0 && before(t, json_array_get(w.tasks, j - 1)); j--)
			;
		json_array_remove(w.tasks, i);
		json_array_insert_new(w.tasks, j, t);
	}
	if (!(*out = json_pack("{s:s, s:o}", "today", today, "tasks", w.tasks)))
		return yh_error_set(YH_ENOMEM, "out of memory");
	return YH_OK;
}

/* ---- coverage -------------------------------------------------------------------------- */

/* part / whole as a percentage with two decimals, rounded down ("0.00%" for whole 0). */
static json_t *share(uint64_t part, uint64_t whole)
{
	char buf[48];
	uint64_t hundredths = whole ? part * 10000 / whole : 0;

	snprintf(buf, sizeof(buf), "%llu.%02llu%%", (unsigned long long)(hundredths / 100),
	         (unsigned long long)(hundredths % 100));
	return json_string(buf);
}

typedef struct {
	yh_store *store;
	int year;
	json_t *tasks, *seen;        /* seen: entity id -> list of task ids with a result in the year */
	int rc;
} coverage_walk;

static int in_year(const char *date, int year)
{
	return date && atoi(date) == year && strlen(date) == 10;
}

static json_t *strata_of(yh_inspections *s, coverage_walk *w)
{
	json_t *a = json_array();
	size_t i, j;

	for (i = 0; a && i < s->doc->nstrata; i++) {
		const yh_doc_stratum *st = &s->doc->strata[i];
		uint64_t inspected = 0;

		for (j = 0; j < s->n; j++)
			inspected += !s->v[j].substituted_by && s->v[j].result &&
			             strcmp(s->v[j].stratum, st->key) == 0 &&
			             in_year(json_string_value(json_object_get(s->v[j].result, "date")), w->year);
		json_array_append_new(a, json_pack("{s:s, s:I, s:I, s:s, s:I, s:o}", "stratum", st->key,
		                                   "population", (json_int_t)st->population,
		                                   "selected", (json_int_t)st->selected,
		                                   "rate", st->rate ? st->rate : "",
		                                   "inspected", (json_int_t)inspected,
		                                   "share", share(inspected, st->population)));
	}
	return a;
}

static int note_inspected(coverage_walk *w, yh_inspections *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		const yh_insp_entity *e = &s->v[i];
		json_t *list;

		if (e->substituted_by || !e->result ||
		    !in_year(json_string_value(json_object_get(e->result, "date")), w->year))
			continue;
		if (!(list = json_object_get(w->seen, e->id))) {
			if (json_object_set_new(w->seen, e->id, list = json_array()) < 0 || !list)
				return yh_error_set(YH_ENOMEM, "out of memory");
		}
		if (json_array_append_new(list, json_string(s->doc->task_id)) < 0)
			return yh_error_set(YH_ENOMEM, "out of memory");
	}
	return YH_OK;
}

static int results_in_year(const yh_inspections *s, int year)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!s->v[i].substituted_by && s->v[i].result &&
		    in_year(json_string_value(json_object_get(s->v[i].result, "date")), year))
			return 1;
	return 0;
}

static int coverage_task(void *ctx, const yh_task_info *info)
{
	coverage_walk *w = ctx;
	yh_inspections *s = NULL;
	int rc;

	if (info->state != YH_TASK_DRAWN)
		return 0;
	if ((rc = yh_results_load(&s, NULL, w->store, info->id)) < 0)
		return w->rc = rc;
	/* a task counts in the year it was drawn, and in any year its results are dated in (a
	 * December draw inspected in January counts in both) */
	if (in_year(info->draw_date, w->year) || results_in_year(s, w->year)) {
		if ((rc = note_inspected(w, s)) < 0 ||
		    json_array_append_new(w->tasks, json_pack("{s:s, s:s, s:o}", "task_id", info->id,
		                                              "draw_date", info->draw_date,
		                                              "strata", strata_of(s, w))) < 0) {
			yh_insp_free(s);
			return w->rc = rc < 0 ? rc : yh_error_set(YH_ENOMEM, "out of memory");
		}
	}
	yh_insp_free(s);
	return 0;
}

static int count_active(void *ctx, const char *key, uint64_t rows)
{
	if (strcmp(key, "active") == 0)
		*(uint64_t *)ctx = rows;
	return 0;
}

int yh_dashboard_coverage(json_t **out, yh_store *store, int year)
{
	coverage_walk w = { store, year, json_array(), json_object(), YH_OK };
	json_t *repeated = json_array(), *v;
	uint64_t active = 0, inspected;
	const char *id;
	int rc;

	*out = NULL;
	if (!w.tasks || !w.seen || !repeated) {
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		goto done;
	}
	if (year < 1000 || year > 9999) {
		rc = yh_error_set(YH_EINVAL, "not a year: %d", year);
		goto done;
	}
	if ((rc = yh_task_foreach(store, coverage_task, &w)) < 0 || (rc = w.rc) < 0 ||
	    (rc = yh_stats_group(store, 0, YH_GROUP_ENTITY_STATUS, count_active, &active)) < 0)
		goto done;
	inspected = json_object_size(w.seen);
	json_object_foreach(w.seen, id, v)
		if (json_array_size(v) > 1)
			json_array_append_new(repeated, json_pack("{s:s, s:O}", "entity_id", id, "tasks", v));
	if (!(*out = json_pack("{s:i, s:I, s:I, s:o, s:s, s:b, s:O, s:O}", "year", year,
	                       "active_entities", (json_int_t)active, "inspected", (json_int_t)inspected,
	                       "share", share(inspected, active), "floor", "3%",
	                       "meets_floor", active > 0 && inspected * 100 >= 3 * active, "tasks", w.tasks,
	                       "repeated", repeated)))
		rc = yh_error_set(YH_ENOMEM, "out of memory");
done:
	json_decref(w.tasks);
	json_decref(w.seen);
	json_decref(repeated);
	return rc;
}
