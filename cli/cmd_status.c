/* cmd_status.c — yaohao status: every task's stage and disclosure deadline, overdue first. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: yaohao status [--db FILE] [--json]\n"
	"\n"
	"Lists every task with its stage (planned, committed, drawn, results k/n,\n"
	"disclosed) and, while results wait for disclosure, the deadline: the 20th\n"
	"working day after the oldest of them (企业信息公示暂行条例 art. 6, counted from\n"
	"the next day) on the working-day calendar, and the working days left.\n"
	"Overdue tasks come first and are marked OVERDUE.  A deadline that needs a\n"
	"year the calendar lacks is shown as an error (import the calendar).\n"
	"Today is the date in China Standard Time ($SOURCE_DATE_EPOCH pins it).\n"
	"\n"
	"  --json      machine-readable output\n"
	"  --db FILE   the store (default: $YAOHAO_DB, then ./yaohao.db)\n";

typedef struct {
	const char *db;
	int json;
} status_args;

static const cli_opt_spec options[] = {
	CLI_VALUE(status_args, db, "db", 0),
	CLI_FLAG(status_args, json, "json", 0),
	CLI_END
};

static void print_task(json_t *t)
{
	const char *stage = json_string_value(json_object_get(t, "stage"));
	char what[64];

	if (strcmp(stage, "results") == 0)
		snprintf(what, sizeof(what), "results %lld/%lld",
		         json_integer_value(json_object_get(t, "results")),
		         json_integer_value(json_object_get(t, "inspections")));
	else
		snprintf(what, sizeof(what), "%s", stage);
	if (json_integer_value(json_object_get(t, "disclosures")) > 0)
		snprintf(what + strlen(what), sizeof(what) - strlen(what), " (edition %lld disclosed)",
		         json_integer_value(json_object_get(t, "disclosures")));
	printf("%-8s %-20s %-10s %-34s", json_is_true(json_object_get(t, "overdue")) ? "OVERDUE" : "",
	       json_string_value(json_object_get(t, "task_id")),
	       json_string_value(json_object_get(t, "draw_date")), what);
	if (json_object_get(t, "working_days_left"))
		printf(" disclose by %s (%lld working day(s) %s)",
		       json_string_value(json_object_get(t, "deadline")),
		       json_integer_value(json_object_get(t, "working_days_left")) < 0
		           ? -json_integer_value(json_object_get(t, "working_days_left"))
		           : json_integer_value(json_object_get(t, "working_days_left")),
		       json_integer_value(json_object_get(t, "working_days_left")) < 0 ? "ago" : "left");
	else if (json_object_get(t, "deadline"))
		printf(" disclose by %s (working days %s unknown: %s%s)",
		       json_string_value(json_object_get(t, "deadline")),
		       json_is_true(json_object_get(t, "overdue")) ? "since" : "left",
		       json_string_value(json_object_get(t, "deadline_error")),
		       cli_hint_words(YH_HINT_IMPORT_CALENDAR));
	else if (json_object_get(t, "deadline_error"))
		printf(" deadline unknown: %s%s", json_string_value(json_object_get(t, "deadline_error")),
		       cli_hint_words(YH_HINT_IMPORT_CALENDAR));
	printf("\n");
}

int cmd_status(int argc, char **argv)
{
	status_args a = { 0 };
	yh_store *store = NULL;
	json_t *status = NULL, *t;
	size_t i;
	int rc;

	if ((rc = cli_opt_parse(&a, options, "status", usage, argc, argv)) != CLI_PARSED)
		return rc;
	if ((rc = cli_open_store(&store, a.db)) != CLI_OK)
		return rc;
	rc = yh_dashboard_status(&status, store);
	yh_store_close(store);
	if (rc < 0)
		return cli_fail(rc);
	if (a.json)
		return cli_print_json(status);
	printf("today %s, %zu task(s)\n", json_string_value(json_object_get(status, "today")),
	       json_array_size(json_object_get(status, "tasks")));
	json_array_foreach(json_object_get(status, "tasks"), i, t)
		print_task(t);
	json_decref(status);
	return CLI_OK;
}
