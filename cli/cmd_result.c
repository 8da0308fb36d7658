/* cmd_result.c — yaohao result add|import|list: the results of a drawn task's inspections. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: yaohao result add [--db FILE] [--key FILE] TASK-ID ENTITY-ID --result CODE\n"
	"                         --date YYYY-MM-DD --officer CERT --officer CERT [...]\n"
	"                         [--item CODE ...] [--method M] [--follow-up F] [--note TEXT]\n"
	"                         [--replaces ENTRY --reason TEXT]\n"
	"       yaohao result import [--db FILE] [--key FILE] [--encoding ENC] [--dry-run]\n"
	"                            [--json] TASK-ID FILE\n"
	"       yaohao result list [--db FILE] [--json] TASK-ID\n"
	"\n"
	"Records the result of an inspection (检查结果) as a signed ledger entry, or a\n"
	"whole file of them (all or nothing: every bad line is named), or lists the\n"
	"task's inspections as they stand.  A result is refused when the entity was\n"
	"not selected (a reserve only after a recorded substitution), when fewer than\n"
	"two officers are named or one is not on the entity's team (or its recorded\n"
	"replacement), when the date is before the draw or in the future, or when a\n"
	"word is unknown.  A result is never overwritten: a correction (更正) names\n"
	"the entry it replaces and why.\n"
	"\n"
	"A results file is CSV (UTF-8 or GB18030) with a header row, Chinese or\n"
	"English, in any order: 统一社会信用代码/entity_id, 检查结果/result,\n"
	"检查日期/date, 检查人员/officers (separated by ; ； 、 or |), and optionally\n"
	"企业名称/name, 检查事项/items (empty: all the task's items), 检查方式/method,\n"
	"后续处置/follow_up, 备注/note, 更正条目/replaces and 更正原因/reason.  Dates\n"
	"may be written 2026-12-05, 2026/12/5 or 2026年12月5日.  Every bad line is\n"
	"reported as FILE:LINE: COLUMN: reason (docs/formats.md, \"Results\").\n"
	"\n"
	"  --result CODE      1, A, B, C, E, F, 6, 7, 8, 9, 10, 11, 12 or the name\n"
	"                     (未发现问题, 发现问题待后续处理, ...; docs/formats.md)\n"
	"  --date DATE        the inspection date (检查日期)\n"
	"  --officer CERT     an inspecting officer's certificate number (repeat)\n"
	"  --item CODE        a check item of the task (repeat; default: all of them)\n"
	"  --method M         实地检查 (default), 书面检查, 网络监测, 检验检测,\n"
	"                     专业机构协助, 其他部门结果\n"
	"  --follow-up F      无需后续处置 (default), 停止检查, 责令改正, 发现案件线索,\n"
	"                     抄告相关部门, 其他\n"
	"  --note TEXT        备注\n"
	"  --replaces ENTRY   a correction: the ledger entry of the result in force\n"
	"  --reason TEXT      why the correction is made (required with --replaces)\n"
	"  --encoding ENC     result import: utf-8, gb18030 or gbk; by default UTF-8,\n"
	"                     or GB18030 (with a notice) when the file is not UTF-8\n"
	"                     but is GB18030\n"
	"  --dry-run          result import: check every line, record nothing\n"
	"  --json             machine-readable output\n"
	"  --db FILE          the store (default: $YAOHAO_DB, then ./yaohao.db)\n"
	"  --key FILE         the secret signing key (default: the store's path + .key)\n";

typedef struct {
	const char *db, *key, *result, *date, *method, *follow_up, *note, *reason, *encoding;
	uint64_t replaces;
	cli_list officers, items;
	int json, dry_run;
	cli_args args;
} result_args;

static int parse_seq(void *out, const char *text)
{
	return cli_parse_u64(out, text) == 0 && *(uint64_t *)out > 0 ? 0 : -1;
}

static const cli_opt_spec options[] = {
	CLI_VALUE(result_args, db, "db", 0),
	CLI_VALUE(result_args, key, "key", 0),
	CLI_VALUE(result_args, result, "result", 0),
	CLI_VALUE(result_args, date, "date", 0),
	CLI_LIST(result_args, officers, "officer", 0),
	CLI_LIST(result_args, items, "item", 0),
	CLI_VALUE(result_args, method, "method", 0),
	CLI_VALUE(result_args, follow_up, "follow-up", 0),
	CLI_VALUE(result_args, note, "note", 0),
	CLI_PARSE(result_args, replaces, "replaces", 0, parse_seq, "a ledger entry number"),
	CLI_VALUE(result_args, reason, "reason", 0),
	CLI_VALUE(result_args, encoding, "encoding", 0),
	CLI_FLAG(result_args, dry_run, "dry-run", 0),
	CLI_FLAG(result_args, json, "json", 0),
	CLI_REST(result_args, args),
	CLI_END
};

static void refused(void *ctx, size_t index, const char *member, const char *message)
{
	(void)ctx;
	(void)index;
	(void)member;
	fprintf(stderr, "yaohao: %s\n", message);
}

static int result_add(yh_store *store, const result_args *a)
{
	yh_result r = YH_RESULT_INIT;
	uint64_t seq;
	int rc;

	if (!a->result || !a->date)
		return cli_usage_error("result", "'result add' needs --result and --date");
	if (a->replaces && !a->reason)
		return cli_usage_error("result", "a correction (--replaces) needs --reason");
	r.entity_id = a->args.v[2];
	r.result = a->result;
	r.date = a->date;
	r.officers = a->officers.v;
	r.nofficers = a->officers.n;
	r.items = a->items.v;
	r.nitems = a->items.n;
	r.method = a->method;
	r.follow_up = a->follow_up;
	r.note = a->note;
	r.replaces = a->replaces;
	r.reason = a->reason;
	if ((rc = yh_results_record(&seq, store, a->args.v[1], &r, 1, refused, NULL)) < 0)
		return rc == YH_EDATA ? CLI_BAD_DATA : cli_fail(rc);
	printf("recorded the %s of %s in task %s as ledger entry %llu\n",
	       a->replaces ? "correction" : "result", r.entity_id, a->args.v[1],
	       (unsigned long long)seq);
	return CLI_OK;
}

static int print_team(json_t *team)
{
	size_t i;

	for (i = 0; i < json_array_size(team); i++)
		printf("%s%s", i ? "," : "", json_string_value(json_object_get(json_array_get(team, i), "id")));
	return 0;
}

static int result_list(yh_store *store, const result_args *a)
{
	json_t *state = NULL, *v, *s;
	size_t i;
	int rc;

	if ((rc = yh_results_state(&state, store, a->args.v[1], 1)) < 0)
		return cli_fail(rc);
	if (a->json)
		return cli_print_json(state);
	s = json_object_get(state, "summary");
	printf("task %s: %lld inspections, %lld results, %lld pending, %lld corrections, "
	       "%lld reassignments, %lld substitutions\n", a->args.v[1],
	       json_integer_value(json_object_get(s, "inspections")),
	       json_integer_value(json_object_get(s, "results")),
	       json_integer_value(json_object_get(s, "pending")),
	       json_integer_value(json_object_get(s, "corrections")),
	       json_integer_value(json_object_get(s, "reassignments")),
	       json_integer_value(json_object_get(s, "substitutions")));
	json_array_foreach(json_object_get(state, "inspections"), i, v) {
		json_t *r = json_object_get(v, "result");

		printf("%s  %-24s  ", json_string_value(json_object_get(v, "id")),
		       json_string_value(json_object_get(v, "stratum")));
		if (json_object_get(v, "substituted_by"))
			printf("substituted by %s", json_string_value(json_object_get(v, "substituted_by")));
		else if (json_is_object(r))
			printf("%s %s %s", json_string_value(json_object_get(r, "date")),
			       json_string_value(json_object_get(r, "code")),
			       json_string_value(json_object_get(r, "name")));
		else
			printf("pending");
		printf("  team ");
		print_team(json_object_get(v, "team"));
		printf("\n");
	}
	json_decref(state);
	return CLI_OK;
}

static int result_import(yh_store *store, const result_args *a)
{
	cli_result_import_args args = { a->encoding, a->dry_run, a->json };

	return cli_result_import(store, a->args.v[1], a->args.v[2], &args);
}

int cmd_result(int argc, char **argv)
{
	result_args a = { 0 };
	yh_store *store = NULL;
	yh_key *key = NULL;
	const char *sub;
	int rc, writes;

	if ((rc = cli_opt_parse(&a, options, "result", usage, argc, argv)) != CLI_PARSED)
		return rc;
	if (a.args.count < 1)
		return cli_usage_error("result", "a subcommand is required (add, import or list)");
	sub = a.args.v[0];
	if (strcmp(sub, "add") == 0 || strcmp(sub, "import") == 0) {
		if (a.args.count != 3)
			return cli_usage_error("result", "'result %s' takes TASK-ID and %s", sub,
			                       strcmp(sub, "add") == 0 ? "ENTITY-ID" : "FILE");
	} else if (strcmp(sub, "list") == 0) {
		if (a.args.count != 2)
			return cli_usage_error("result", "'result list' takes TASK-ID");
	} else {
		return cli_usage_error("result", "unknown subcommand: '%s' (use add, import or list)", sub);
	}
	writes = strcmp(sub, "list") != 0;
	rc = writes ? cli_open_store_signing(&store, &key, a.db, a.key) : cli_open_store(&store, a.db);
	if (rc != CLI_OK)
		return rc;
	if (strcmp(sub, "add") == 0)
		rc = result_add(store, &a);
	else if (strcmp(sub, "import") == 0)
		rc = result_import(store, &a);
	else
		rc = result_list(store, &a);
	yh_store_close(store);
	yh_key_free(key);
	return rc;
}
