/* cmd_coverage.c — yaohao coverage: how much of the register a year's inspections covered. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

static const char usage[] =
	"usage: yaohao coverage [--db FILE] [--json] --year YYYY\n"
	"\n"
	"Shows, for the tasks drawn in a year, each stratum's population, selected\n"
	"count, rate and the entities inspected (a result dated in the year), and\n"
	"overall the share of the register's active entities inspected against the\n"
	"national floor for enterprise-disclosure checks (at least 3 % a year, 企业\n"
	"公示信息抽查办法 art. 4), and the entities inspected by more than one task.\n"
	"\n"
	"  --year YYYY  the year (required)\n"
	"  --json       machine-readable output\n"
	"  --db FILE    the store (default: $YAOHAO_DB, then ./yaohao.db)\n";

typedef struct {
	const char *db;
	uint64_t year;
	int json;
} coverage_args;

static int parse_year(void *out, const char *text)
{
	return cli_parse_u64(out, text) == 0 && *(uint64_t *)out >= 1000 && *(uint64_t *)out <= 9999
	       ? 0 : -1;
}

static const cli_opt_spec options[] = {
	CLI_VALUE(coverage_args, db, "db", 0),
	CLI_PARSE(coverage_args, year, "year", 0, parse_year, "a year (YYYY)"),
	CLI_FLAG(coverage_args, json, "json", 0),
	CLI_END
};

int cmd_coverage(int argc, char **argv)
{
	coverage_args a = { 0 };
	yh_store *store = NULL;
	json_t *c = NULL, *t, *s;
	size_t i, j;
	int rc;

	if ((rc = cli_opt_parse(&a, options, "coverage", usage, argc, argv)) != CLI_PARSED)
		return rc;
	if (!a.year)
		return cli_usage_error("coverage", "--year YYYY is required");
	if ((rc = cli_open_store(&store, a.db)) != CLI_OK)
		return rc;
	rc = yh_dashboard_coverage(&c, store, (int)a.year);
	yh_store_close(store);
	if (rc < 0)
		return cli_fail(rc);
	if (a.json)
		return cli_print_json(c);
	printf("%llu: %lld of %lld active entities inspected (%s; floor %s: %s)\n",
	       (unsigned long long)a.year, json_integer_value(json_object_get(c, "inspected")),
	       json_integer_value(json_object_get(c, "active_entities")),
	       json_string_value(json_object_get(c, "share")),
	       json_string_value(json_object_get(c, "floor")),
	       json_is_true(json_object_get(c, "meets_floor")) ? "met" : "NOT MET");
	json_array_foreach(json_object_get(c, "tasks"), i, t) {
		printf("task %s\n", json_string_value(json_object_get(t, "task_id")));
		json_array_foreach(json_object_get(t, "strata"), j, s)
			printf("  %-24s population %6lld  selected %5lld  rate %-6s  inspected %5lld (%s)\n",
			       json_string_value(json_object_get(s, "stratum")),
			       json_integer_value(json_object_get(s, "population")),
			       json_integer_value(json_object_get(s, "selected")),
			       json_string_value(json_object_get(s, "rate")),
			       json_integer_value(json_object_get(s, "inspected")),
			       json_string_value(json_object_get(s, "share")));
	}
	json_array_foreach(json_object_get(c, "repeated"), i, t)
		printf("inspected more than once: %s (%zu tasks)\n",
		       json_string_value(json_object_get(t, "entity_id")),
		       json_array_size(json_object_get(t, "tasks")));
	json_decref(c);
	return CLI_OK;
}
