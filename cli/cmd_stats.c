/* cmd_stats.c — yaohao stats: counts over the registers. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: yaohao stats [--db FILE] [--as-of SEQ] [--json]\n"
	"\n"
	"Counts entities by status, province (first two region digits), industry\n"
	"section (GB/T 4754) and risk class; officers by department and status;\n"
	"conflicts and check items.\n"
	"\n"
	"  --db FILE    the store (default: $YAOHAO_DB, then ./yaohao.db)\n"
	"  --as-of SEQ  the registers as they were at ledger entry SEQ (see 'yaohao log')\n"
	"  --json       machine-readable output\n";

typedef struct {
	const char *db;
	uint64_t as_of;
	int json;
} stats_args;

static const cli_opt_spec options[] = {
	CLI_VALUE(stats_args, db, "db", 0),
	CLI_PARSE(stats_args, as_of, "as-of", 0, cli_opt_seq, "needs a ledger sequence number"),
	CLI_FLAG(stats_args, json, "json", 0),
	CLI_END
};

static void print_object(const char *title, json_t *obj)
{
	const char *key;
	json_t *v;

	printf("  %s:\n", title);
	json_object_foreach(obj, key, v)
		printf("    %-14s %8lld\n", key, (long long)json_integer_value(v));
}

static void print_list(const char *title, json_t *arr, const char *key_name)
{
	size_t i;
	json_t *v;

	printf("  %s:\n", title);
	json_array_foreach(arr, i, v) {
		const char *code = json_string_value(json_object_get(v, key_name));

		printf("    %-4s %8lld  %s\n", *code ? code : "-",
		       (long long)json_integer_value(json_object_get(v, "count")),
		       json_string_value(json_object_get(v, "name")));
	}
}

int cli_stats_print(yh_store *store, uint64_t as_of, int json)
{
	json_t *st = NULL, *e, *i;
	int rc;

	if ((rc = yh_stats_compute(&st, store, as_of)) < 0)
		return cli_fail(rc);
	if (json)
		return cli_print_json(st);
	e = json_object_get(st, "entities");
	i = json_object_get(st, "inspectors");
	printf("department %s, registers as of ledger entry %lld\n",
	       json_string_value(json_object_get(st, "department")),
	       (long long)json_integer_value(json_object_get(st, "as_of")));
	printf("entities: %lld (on the abnormal-operations list: %lld)\n",
	       (long long)json_integer_value(json_object_get(e, "total")),
	       (long long)json_integer_value(json_object_get(e, "abnormal")));
	print_object("by status", json_object_get(e, "by_status"));
	print_object("by risk class", json_object_get(e, "by_risk"));
	print_list("by province", json_object_get(e, "by_province"), "code");
	print_list("by industry section", json_object_get(e, "by_industry_section"), "section");
	printf("inspectors: %lld\n", (long long)json_integer_value(json_object_get(i, "total")));
	print_object("by department", json_object_get(i, "by_department"));
	print_object("by status", json_object_get(i, "by_status"));
	printf("conflicts (回避): %lld\n", (long long)json_integer_value(
	       json_object_get(json_object_get(st, "conflicts"), "total")));
	printf("check items: %lld\n", (long long)json_integer_value(
	       json_object_get(json_object_get(st, "items"), "total")));
	json_decref(st);
	return CLI_OK;
}

int cmd_stats(int argc, char **argv)
{
	stats_args a = { 0 };
	yh_store *store = NULL;
	int rc;

	if ((rc = cli_opt_parse(&a, options, "stats", usage, argc, argv)) != CLI_PARSED)
		return rc;
	if ((rc = cli_open_store_reader(&store, a.db)) != CLI_OK)
		return rc;
	rc = cli_stats_print(store, a.as_of, a.json);
	yh_store_close(store);
	return rc;
}
