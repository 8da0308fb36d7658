/*
 * yaohao/dashboard.h — the department's view of its cycle (一公开): where every task
 * stands and when its results must be disclosed, and how much of the register a year's
 * inspections covered.
 *
 * Results must be disclosed within 20 working days of being produced (企业信息公示暂行条例
 * art. 6), counted from the next day (民法典 art. 201) on the working-day calendar
 * (yaohao/calendar.h); a deadline that needs a year without a calendar is reported as an
 * error for that task, never guessed.  "Today" is China Standard Time's date, from the clock
 * or $SOURCE_DATE_EPOCH.
 */
#ifndef YAOHAO_DASHBOARD_H
#define YAOHAO_DASHBOARD_H

#include <jansson.h>

#include "common.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Working days within which results are disclosed. */
#define YH_DISCLOSURE_WORKING_DAYS 20

/*
 * Every task: {today, tasks: [{task_id, title, draw_date, stage ("planned", "committed",
 * "drawn", "results", "disclosed"), inspections, results, pending, disclosures, and while a
 * result waits for disclosure: oldest_undisclosed, deadline, working_days_left (negative:
 * overdue by that many), overdue; or deadline_error when the calendar lacks a year (with
 * deadline and overdue still when only today's year lacks one: the days left are unknown)}]},
 * overdue tasks first (most overdue first), then those with a deadline (nearest first),
 * then the others in draw-date order.
 */
YH_EXTERN int yh_dashboard_status(json_t **out, yh_store *store) YH_WARN_UNUSED;

/*
 * The inspections of a year — of the tasks drawn in `year` or with results dated in it: {year, active_entities (current register),
 * inspected (distinct entities with a result in force dated in the year), share (of active,
 * as a percentage with two decimals, rounded down), floor ("3%"), meets_floor (false with no
 * active entity), tasks:
 * [{task_id, draw_date, strata: [{stratum, population, selected, rate, inspected (results dated
 * in the year), share}]}],
 * repeated: [{entity_id, tasks: [...]}] (entities with results in more than one task)}.
 */
YH_EXTERN int yh_dashboard_coverage(json_t **out, yh_store *store, int year) YH_WARN_UNUSED;

#ifdef __cplusplus
}
#endif

#endif
