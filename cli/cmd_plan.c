/* cmd_plan.c — yaohao plan add|list|show: the inspection tasks (抽查任务). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: yaohao plan add [--db FILE] TASK.json\n"
	"       yaohao plan list [--db FILE] [--json]\n"
	"       yaohao plan show [--db FILE] [--canonical] TASK-ID\n"
	"\n"
	"Records an inspection task (抽查任务) from a JSON file, lists the tasks with\n"
	"their state (planned, committed, drawn), or shows one task: its state, its\n"
	"normalised form (every default written out) and its digest.  The task format\n"
	"is in docs/tasks.md; errors name the JSON path, e.g.\n"
	"  strata.rates.D: \"120%\" is over 100%\n"
	"\n"
	"  --db FILE    the store (default: $YAOHAO_DB, then ./yaohao.db)\n"
	"  --key FILE   the secret signing key (default: the store's path + .key)\n"
	"  --json       machine-readable list\n"
	"  --canonical  show: print only the normalised task's canonical text, the\n"
	"               bytes its digest is taken over (docs/spec.md §3), and a line end\n";

typedef struct {
	const char *db, *key;
	int json, canonical;
	cli_args args;        /* the subcommand and its argument */
} plan_args;

static const cli_opt_spec options[] = {
	CLI_VALUE(plan_args, db, "db", 0),
	CLI_VALUE(plan_args, key, "key", 0),
	CLI_FLAG(plan_args, canonical, "canonical", 0),
	CLI_FLAG(plan_args, json, "json", 0),
	CLI_REST(plan_args, args),
	CLI_END
};

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
	plan_args a = { 0 };
	const char *sub, *arg;
	yh_store *store = NULL;
	yh_key *key = NULL;
	yh_task *task = NULL;
	json_t *list = NULL;
	int rc;

	if ((rc = cli_opt_parse(&a, options, "plan", usage, argc, argv)) != CLI_PARSED)
		return rc;
	if (a.args.count == 0)
		return cli_usage_error("plan", "expected add, list or show");
	sub = a.args.v[0];
	arg = a.args.v[1];
	if (strcmp(sub, "add") == 0 || strcmp(sub, "show") == 0) {
		if (a.args.count != 2)
			return cli_usage_error("plan", "'plan %s' takes one argument", sub);
	} else if (strcmp(sub, "list") == 0) {
		if (a.args.count != 1)
			return cli_usage_error("plan", "'plan list' takes no argument");
	} else {
		return cli_usage_error("plan", "unknown subcommand: '%s' (use add, list or show)", sub);
	}
	rc = strcmp(sub, "add") == 0 ? cli_open_store_signing(&store, &key, a.db, a.key)
	                             : cli_open_store(&store, a.db);
	if (rc != CLI_OK)
		return rc;
	if (strcmp(sub, "add") == 0) {
		rc = cli_plan_add(store, arg);
	} else if (strcmp(sub, "show") == 0) {
		yh_task_state state;

		if ((rc = yh_task_get(&task, store, arg)) < 0 ||
		    (rc = yh_task_state_get(&state, store, arg)) < 0) {
			rc = cli_fail(rc);
		} else if (a.canonical) {
			printf("%s\n", yh_task_canonical(task));
			rc = CLI_OK;
		} else {
			unsigned char digest[32];
			char hex[65];
			size_t i;

			yh_task_digest(digest, task);
			for (i = 0; i < sizeof(digest); i++)
				snprintf(hex + 2 * i, 3, "%02x", digest[i]);
			rc = cli_print_json(json_pack("{s:s, s:o, s:s}", "state", yh_task_state_name(state),
			                              "task", json_loads(yh_task_canonical(task), 0, NULL),
			                              "task_digest", hex));
		}
	} else {
		if (a.json && !(list = json_array()))
			rc = cli_error(CLI_INTERNAL, "out of memory");
		else if ((rc = yh_task_foreach(store, print_info, list)) < 0)
			rc = cli_fail(rc);
		else
			rc = a.json ? cli_print_json(list) : CLI_OK;
		list = NULL;
	}
	yh_task_free(task);
	json_decref(list);
	yh_store_close(store);
	yh_key_free(key);
	return rc;
}
