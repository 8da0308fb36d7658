/* cmd_plan.c — yaohao plan add|list|show: the inspection tasks (抽查任务). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: yaohao plan add [--db FILE] TASK.json\n"
	"       yaohao plan list [--db FILE] [--json]\n"
	"       yaohao plan show [--db FILE] TASK-ID\n"
	"\n"
	"Records an inspection task (抽查任务) from a JSON file, lists the tasks with\n"
	"their state (planned, committed, drawn), or prints one task in its\n"
	"normalised form, every default written out.  The task format is in\n"
	"docs/tasks.md; errors name the JSON path, e.g.\n"
	"  strata.rates.D: \"120%\" is over 100%\n"
	"\n"
	"  --db FILE  the store (default: $YAOHAO_DB, then ./yaohao.db)\n"
	"  --key FILE the secret signing key (default: the store's path + .key)\n"
	"  --json     machine-readable list\n";

static int print_info(void *ctx, const yh_task_info *info)
{
	json_t *list = ctx;

	if (list)
		return json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:I}", "id", info->id,
		                             "title", info->title, "draw_date", info->draw_date,
		                             "state", yh_task_state_name(info->state), "added_seq", (json_int_t)info->added_seq));
	printf("%-24s %-10s %-10s %s\n", info->id, info->draw_date, yh_task_state_name(info->state), info->title);
	return 0;
}

int cli_plan_add(yh_store *store, const char *path)
{
	yh_task *task = NULL;
	uint64_t seq;
	int rc;

	if ((rc = yh_task_load_file(&task, path)) < 0)
		return cli_fail(rc);
	rc = yh_task_add(&seq, store, task);
	if (rc < 0) {
		yh_task_free(task);
		return cli_fail(rc);
	}
	printf("added task %s (%s, draw date %s) as ledger entry %llu\n", yh_task_id(task),
	       yh_task_title(task), yh_task_draw_date(task), (unsigned long long)seq);
	yh_task_free(task);
	return CLI_OK;
}

int cmd_plan(int argc, char **argv)
{
	enum { OPT_KEY = 250, OPT_DB = 256, OPT_JSON };
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, OPT_DB },
		{ "key", required_argument, NULL, OPT_KEY },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = NULL, *keyopt = NULL, *sub;
	yh_store *store = NULL;
	yh_key *key = NULL;
	yh_task *task = NULL;
	json_t *list = NULL;
	int c, rc, json = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DB: db = optarg; break;
		case OPT_KEY: keyopt = optarg; break;
		case OPT_JSON: json = 1; break;
		case 'h': fputs(usage, stdout); return CLI_OK;
		default: return cli_bad_option("plan", argv);
		}
	}
	if (optind >= argc)
		return cli_usage_error("plan", "expected add, list or show");
	sub = argv[optind++];
	if (strcmp(sub, "add") == 0 || strcmp(sub, "show") == 0) {
		if (argc - optind != 1)
			return cli_usage_error("plan", "'plan %s' takes one argument", sub);
	} else if (strcmp(sub, "list") == 0) {
		if (argc != optind)
			return cli_usage_error("plan", "'plan list' takes no argument");
	} else {
		return cli_usage_error("plan", "unknown subcommand: '%s' (use add, list or show)", sub);
	}
	rc = strcmp(sub, "add") == 0 ? cli_open_store_signing(&store, &key, db, keyopt)
	                             : cli_open_store(&store, db);
	if (rc != CLI_OK)
		return rc;
	if (strcmp(sub, "add") == 0) {
		rc = cli_plan_add(store, argv[optind]);
	} else if (strcmp(sub, "show") == 0) {
		yh_task_state state;

		if ((rc = yh_task_get(&task, store, argv[optind])) < 0 ||
		    (rc = yh_task_state_get(&state, store, argv[optind])) < 0) {
			rc = cli_fail(rc);
		} else {
			json_error_t err;
			json_t *doc = json_loads(yh_task_canonical(task), 0, &err);

			json_object_set_new(doc, "state", json_string(yh_task_state_name(state)));
			rc = cli_print_json(doc);
		}
	} else {
		if (json && !(list = json_array()))
			rc = cli_error(CLI_INTERNAL, "out of memory");
		else if ((rc = yh_task_foreach(store, print_info, list)) < 0)
			rc = cli_fail(rc);
		else
			rc = json ? cli_print_json(list) : CLI_OK;
		list = NULL;
	}
	yh_task_free(task);
	json_decref(list);
	yh_store_close(store);
	yh_key_free(key);
	return rc;
}
