/* cmd_commit.c — yaohao commit: freeze a task and commit to a secret. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
	"usage: yaohao commit [--db FILE] [-o FILE] TASK-ID --entropy-source TEXT\n"
	"\n"
	"Freezes a planned task at the current ledger entry: computes the eligible\n"
	"entities and officers and their Merkle roots, the size of every stratum,\n"
	"checks that the team rules can be met, makes a secret with the system's\n"
	"CSPRNG and records the announcement: the commitment to the secret and the\n"
	"public entropy source that the draw will use.  The secret is not shown.\n"
	"\n"
	"  --entropy-source TEXT  the public value the draw will use and when it\n"
	"                         becomes known, e.g. \"drand quicknet round 24000000\"\n"
	"                         or \"福利彩票双色球 2026-12-01 开奖号码\" (required)\n"
	"  -o, --output FILE      write the announcement JSON to FILE (default: stdout\n"
	"                         with --json, else a summary only)\n"
	"  --json                 print the announcement JSON\n"
	"  --db FILE              the store (default: $YAOHAO_DB, then ./yaohao.db)\n"
	"  --key FILE             the secret signing key (default: the store's path + .key)\n";

static const cli_opt_spec options[] = {
	CLI_VALUE(cli_commit_args, db, "db", 0),
	CLI_VALUE(cli_commit_args, key, "key", 0),
	CLI_VALUE(cli_commit_args, source, "entropy-source", 0),
	CLI_VALUE(cli_commit_args, output, "output", 'o'),
	CLI_FLAG(cli_commit_args, json, "json", 0),
	CLI_ARG(cli_commit_args, task_id, "TASK-ID"),
	CLI_END
};

void cli_scan_progress(void *ctx, uint64_t rows)
{
	const char *what = ctx;

	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\r%s: %llu entities", what, (unsigned long long)rows);
}

void cli_scan_progress_done(void)
{
	if (isatty(STDERR_FILENO))
		fputs("\r\033[K", stderr);
}

int cli_commit_run(yh_store *store, const cli_commit_args *args)
{
	yh_commit_options opt = YH_COMMIT_OPTIONS_INIT;
	char *ann = NULL;
	uint64_t seq;
	int rc;

	opt = (yh_commit_options)YH_COMMIT_OPTIONS_INIT;
	opt.entropy_source = args->source;
	opt.secret = args->secret;
	opt.on_progress = cli_scan_progress;
	opt.progress_ctx = "freezing";
	rc = yh_draw_commit(&ann, &seq, store, args->task_id, &opt);
	cli_scan_progress_done();
	if (rc < 0)
		return cli_fail(rc);
	if (args->output && (rc = cli_output_text(args->output, ann, 1)) != 0) {
		cli_recorded r = { "commit", args->task_id, seq, "announcement", args->output, args->db,
		                   "--announcement " };

		rc = cli_output_recorded(&r, rc);
		goto done;
	}
	if (args->json) {
		rc = cli_print_json(json_loads(ann, 0, NULL));
	} else {
		json_t *a = json_loads(ann, 0, NULL), *s;
		size_t i;

		printf("committed task %s as ledger entry %llu (registers frozen at entry %lld)\n",
		       args->task_id, (unsigned long long)seq, (long long)json_integer_value(json_object_get(a, "freeze_seq")));
		printf("  eligible entities %lld of %lld, officers %lld of %lld, conflicts %lld, recent pairs "
		       "%zu, load cap %lld\n",
		       (long long)json_integer_value(json_object_get(json_object_get(a, "entities"), "eligible")),
		       (long long)json_integer_value(json_object_get(json_object_get(a, "entities"), "count")),
		       (long long)json_integer_value(json_object_get(json_object_get(a, "inspectors"), "eligible")),
		       (long long)json_integer_value(json_object_get(json_object_get(a, "inspectors"), "count")),
		       (long long)json_integer_value(json_object_get(json_object_get(a, "conflicts"), "count")),
		       json_array_size(json_object_get(a, "recent_pairs")),
		       (long long)json_integer_value(json_object_get(a, "load_cap")));
		printf("  announcement %lld of this store's chain\n",
		       (long long)json_integer_value(json_object_get(json_object_get(a, "chain"), "seq")));
		json_array_foreach(json_object_get(a, "strata"), i, s)
			printf("  stratum %-12s %8lld entities, %6lld to draw, %5lld reserves\n",
			       json_string_value(json_object_get(s, "key")),
			       (long long)json_integer_value(json_object_get(s, "population")),
			       (long long)json_integer_value(json_object_get(s, "selected")),
			       (long long)json_integer_value(json_object_get(s, "reserves")));
		printf("  commitment %s\n  entropy source: %s\n",
		       json_string_value(json_object_get(a, "commitment")), args->source);
		if (args->output)
			printf("  announcement written to %s\n", args->output);
		json_decref(a);
	}
done:
	free(ann);
	return rc;
}

int cmd_commit(int argc, char **argv)
{
	cli_commit_args a = { 0 };
	yh_store *store = NULL;
	yh_key *key = NULL;
	int rc;

	if ((rc = cli_opt_parse(&a, options, "commit", usage, argc, argv)) != CLI_PARSED)
		return rc;
	if (!a.source || !*a.source)
		return cli_usage_error("commit", "--entropy-source is required: name the public value the "
		                       "draw will use");
	if ((rc = cli_open_store_signing(&store, &key, a.db, a.key)) != CLI_OK)
		return rc;
	rc = cli_commit_run(store, &a);
	yh_store_close(store);
	yh_key_free(key);
	return rc;
}
