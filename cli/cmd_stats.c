/* cmd_stats.c — yaohao stats: counts over the registers. */
#include <getopt.h>
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
	enum { OPT_DB = 256, OPT_AS_OF, OPT_JSON };
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, OPT_DB },
		{ "as-of", required_argument, NULL, OPT_AS_OF },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = NULL;
	yh_store *store = NULL;
	uint64_t as_of = 0;
	int c, rc, json = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DB: db = optarg; break;
		case OPT_AS_OF:
			if (cli_parse_u64(&as_of, optarg) != 0 || as_of == 0)
				return cli_usage_error("stats", "--as-of needs a ledger sequence number: '%s'",
				                       optarg);
			break;
		case OPT_JSON: json = 1; break;
		case 'h': fputs(usage, stdout); return CLI_OK;
		default: return cli_bad_option("stats", argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("stats", "unexpected argument: '%s'", argv[optind]);
	if ((rc = cli_open_store(&store, db)) != CLI_OK)
		return rc;
	rc = cli_stats_print(store, as_of, json);
	yh_store_close(store);
	return rc;
}
