/* cmd_draw.c — yaohao draw: reveal, draw, assign teams; and yaohao transcript. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: yaohao draw [--db FILE] [-o FILE] [--json] [--threads N] TASK-ID --entropy VALUE\n"
	"\n"
	"Draws a committed task: reveals the secret, derives the seed from the\n"
	"commitment, the frozen registers, the secret and the public entropy VALUE,\n"
	"computes every eligible entity's ticket, selects the lowest tickets per\n"
	"stratum (and the reserves), assigns each selected entity a team of officers\n"
	"by pair tickets, and records the transcript in the ledger.  If the team\n"
	"rules cannot be met, nothing is recorded and the message names the entity\n"
	"and the rule.  A task is drawn once.\n"
	"\n"
	"  --entropy VALUE    the public value named at commit (required)\n"
	"  -o, --output FILE  write the transcript JSON to FILE\n"
	"  --json             print the transcript JSON instead of the list\n"
	"  --threads N        1 to hash on one core, 2 to hash beside the scan (default:\n"
	"                     2 when there are two cores; the result is the same bytes)\n"
	"  --db FILE          the store (default: $YAOHAO_DB, then ./yaohao.db)\n"
	"  --key FILE         the secret signing key (default: the store's path + .key)\n";

static const char transcript_usage[] =
	"usage: yaohao transcript [--db FILE] [-o FILE] [--announcement] TASK-ID\n"
	"\n"
	"Prints the recorded transcript of a drawn task (canonical JSON, the exact\n"
	"bytes recorded), or with --announcement the announcement of a committed one.\n"
	"\n"
	"  --announcement     the commit's announcement instead of the transcript\n"
	"  -o, --output FILE  write it to FILE instead of stdout\n"
	"  --db FILE          the store (default: $YAOHAO_DB, then ./yaohao.db)\n";

/* --threads: the scan and the hashing on one core or side by side */
static int parse_threads(void *out, const char *text)
{
	if (strcmp(text, "1") != 0 && strcmp(text, "2") != 0)
		return -1;
	*(int *)out = text[0] - '0';
	return 0;
}

static const cli_opt_spec draw_options[] = {
	CLI_VALUE(cli_draw_args, db, "db", 0),
	CLI_VALUE(cli_draw_args, key, "key", 0),
	CLI_VALUE(cli_draw_args, value, "entropy", 0),
	CLI_VALUE(cli_draw_args, output, "output", 'o'),
	CLI_FLAG(cli_draw_args, json, "json", 0),
	CLI_PARSE(cli_draw_args, threads, "threads", 0, parse_threads, "takes 1 or 2"),
	CLI_ARG(cli_draw_args, task_id, "TASK-ID"),
	CLI_END
};

typedef struct {
	const char *db, *output, *task_id;
	int announcement;
} transcript_args;

static const cli_opt_spec transcript_options[] = {
	CLI_VALUE(transcript_args, db, "db", 0),
	CLI_FLAG(transcript_args, announcement, "announcement", 0),
	CLI_VALUE(transcript_args, output, "output", 'o'),
	CLI_ARG(transcript_args, task_id, "TASK-ID"),
	CLI_END
};

#define SHOWN 30

typedef struct {
	json_t *first;      /* the first SHOWN selected entities */
	uint64_t count;
} shown;

static int keep_reserve(void *ctx, const json_t *entry)
{
	shown *s = ctx;

	json_array_append_new(s->first, json_deep_copy(entry));
	return json_array_size(s->first) >= SHOWN; /* then no more */
}

static int keep_first(void *ctx, const json_t *entry)
{
	shown *s = ctx;

	json_array_append_new(s->first, json_deep_copy(entry));
	return json_array_size(s->first) >= SHOWN;
}

/* -o FILE: the transcript streamed to it as the draw writes it (an error is kept for after). */
static int write_out(void *ctx, const char *bytes, size_t len)
{
	cli_output_write(ctx, bytes, len);
	return 0;
}

static void print_entry(const json_t *e)
{
	json_t *m;
	size_t j;

	printf("%-5lld %-18s %-8s %s\n", (long long)json_integer_value(json_object_get(e, "rank")),
	       json_string_value(json_object_get(e, "id")), json_string_value(json_object_get(e, "stratum")),
	       json_string_value(json_object_get(e, "name")));
	printf("%34s", "");
	json_array_foreach(json_object_get(e, "team"), j, m)
		printf("%s%s %s (%s)", j ? ", " : "team: ", json_string_value(json_object_get(m, "name")),
		       json_string_value(json_object_get(m, "id")),
		       json_string_value(json_object_get(m, "department")));
	printf("\n");
}

int cli_draw_run(yh_store *store, const cli_draw_args *args)
{
	shown s = { json_array(), 0 }, res = { json_array(), 0 };
	yh_draw_options opt = YH_DRAW_OPTIONS_INIT;
	cli_output o;
	char *tr = NULL;
	yh_draw_result dr;
	json_t *e;
	size_t i;
	int rc, err = 0;

	opt.on_progress = cli_scan_progress;
	opt.progress_ctx = "drawing";
	opt.on_selected = keep_first;
	opt.selected_ctx = &s;
	opt.on_reserve = keep_reserve;
	opt.reserve_ctx = &res;
	opt.threads = args->threads;
	if (args->output) {
		/* a file that cannot be opened does not stop the draw: it is said after */
		if ((err = cli_output_open(&o, args->output)) == 0) {
			opt.on_transcript = write_out;
			opt.transcript_ctx = &o;
		} else {
			cli_output_close(&o); /* releases what open kept; err stays */
		}
	}
	rc = yh_draw_run(args->json ? &tr : NULL, &dr, store, args->task_id, args->value, &opt);
	cli_scan_progress_done();
	if (rc < 0) {
		if (args->output && !err)
			cli_output_discard(&o);
		json_decref(s.first);
		json_decref(res.first);
		return cli_fail(rc);
	}
	if (args->output && !err) {
		cli_output_write(&o, "\n", 1);
		err = cli_output_close(&o);
	}
	if (args->output && err) {
		cli_recorded r = { "draw", args->task_id, dr.seq, "transcript", args->output, args->db, "" };

		rc = cli_output_recorded(&r, err);
		goto done;
	}
	s.count = dr.selected;
	res.count = dr.reserves;
	if (args->json) {
		printf("%s\n", tr);
		goto done;
	}
	printf("drew task %s as ledger entry %llu: %llu selected\n", args->task_id,
	       (unsigned long long)dr.seq, (unsigned long long)s.count);
	printf("%-5s %-18s %-8s %s\n", "rank", "entity", "stratum", "name / team (leader first)");
	json_array_foreach(s.first, i, e)
		print_entry(e);
	if (s.count > SHOWN)
		printf("… and %llu more: see the transcript (yaohao transcript %s)\n",
		       (unsigned long long)(s.count - SHOWN), args->task_id);
	printf("reserves (备选), in order within each stratum:\n");
	json_array_foreach(res.first, i, e)
		printf("  %-8s %2lld. %s %s\n", json_string_value(json_object_get(e, "stratum")),
		       (long long)json_integer_value(json_object_get(e, "order")),
		       json_string_value(json_object_get(e, "id")), json_string_value(json_object_get(e, "name")));
	if (res.count > SHOWN)
		printf("  … and %llu more\n", (unsigned long long)(res.count - SHOWN));
	printf("seed ");
	for (i = 0; i < sizeof(dr.seed); i++)
		printf("%02x", dr.seed[i]);
	printf("\n");
	if (args->output)
		printf("transcript written to %s\n", args->output);
done:
	json_decref(s.first);
	json_decref(res.first);
	free(tr);
	return rc;
}

int cmd_draw(int argc, char **argv)
{
	cli_draw_args a = { 0 };
	yh_store *store = NULL;
	yh_key *key = NULL;
	int rc;

	if ((rc = cli_opt_parse(&a, draw_options, "draw", usage, argc, argv)) != CLI_PARSED)
		return rc;
	if (!a.value || !*a.value)
		return cli_usage_error("draw", "--entropy is required: the public value named at commit");
	if ((rc = cli_open_store_signing(&store, &key, a.db, a.key)) != CLI_OK)
		return rc;
	rc = cli_draw_run(store, &a);
	yh_store_close(store);
	yh_key_free(key);
	return rc;
}

int cmd_transcript(int argc, char **argv)
{
	transcript_args a = { 0 };
	yh_store *store = NULL;
	char *text = NULL;
	int rc;

	rc = cli_opt_parse(&a, transcript_options, "transcript", transcript_usage, argc, argv);
	if (rc != CLI_PARSED)
		return rc;
	if ((rc = cli_open_store(&store, a.db)) != CLI_OK)
		return rc;
	rc = a.announcement ? yh_draw_announcement(&text, store, a.task_id)
	                    : yh_draw_transcript(&text, store, a.task_id);
	if (rc < 0)
		rc = cli_fail(rc);
	else if (a.output)
		rc = cli_write_text(a.output, text);
	else
		rc = printf("%s\n", text) < 0 ? CLI_INTERNAL : CLI_OK;
	free(text);
	yh_store_close(store);
	return rc;
}
