/* cmd_demo.c — yaohao demo: the main job on the bundled fixtures, end to end. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"

#define DEMO_DEPARTMENT "330100-SCJG"
#define DEMO_TASK "T-2026-12-FOOD"
#define DEMO_TASK_FILE "task-food.json"
/* A real draw names a public value that is not yet known at commit time. */
#define DEMO_SOURCE "demo: a fixed value; a real draw names e.g. a future drand round"
#define DEMO_VALUE "yaohao demo 2026-12-01"

static const char usage[] =
	"usage: yaohao demo [--dir DIR] [--fixtures DIR]\n"
	"\n"
	"Runs the main job on the bundled fixtures: creates a store in DIR for\n"
	"department " DEMO_DEPARTMENT ", imports the entity, inspector, conflict and\n"
	"check-item registers, prints the register statistics, adds the task\n"
	"fixtures/" DEMO_TASK_FILE ", commits it and draws it (the drawn entities with\n"
	"their teams), publishes the signed draw document with the frozen registers\n"
	"and the public key, and verifies it as the public would, with no store.\n"
	"Everything is written into DIR.\n"
	"\n"
	"  --dir DIR       where to work (created if missing; must not hold a store);\n"
	"                  default: a new temporary folder, whose path is printed\n"
	"  --fixtures DIR  the fixture files (default: $YAOHAO_FIXTURES, the source\n"
	"                  tree's fixtures/, then the installed copy)\n";

typedef struct {
	const char *dir, *fixtures;
} demo_args;

static const cli_opt_spec options[] = {
	CLI_VALUE(demo_args, dir, "dir", 0),
	CLI_VALUE(demo_args, fixtures, "fixtures", 0),
	CLI_END
};

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static const char *find_fixtures(const char *option)
{
	const char *env = getenv("YAOHAO_FIXTURES");

	if (option)
		return option;
	if (env && *env)
		return env;
	if (is_dir(YAOHAO_FIXTURES_DIR))
		return YAOHAO_FIXTURES_DIR;
	return YAOHAO_INSTALLED_FIXTURES_DIR;
}

/* The public side: the signed document, the frozen registers and the key beside it,
 * then the check anyone can run with no store. */
static int publish_and_verify(yh_store *store, const char *dir)
{
	static const struct { yh_register_kind kind; const char *file; } regs[] = {
		{ YH_REGISTER_ENTITIES, "entities.frozen.csv" },
		{ YH_REGISTER_INSPECTORS, "inspectors.frozen.csv" },
		{ YH_REGISTER_CONFLICTS, "conflicts.frozen.csv" },
	};
	char doc[PATH_MAX * 2], path[3][PATH_MAX * 2], pub[PATH_MAX * 2], feed[PATH_MAX * 2], *tr = NULL;
	unsigned char pk[32];
	yh_verify_inputs in = YH_VERIFY_INPUTS_INIT;
	json_t *t = NULL;
	uint64_t freeze;
	size_t i;
	int rc;

	snprintf(doc, sizeof(doc), "%s/draw.json", dir);
	printf("\n$ yaohao publish %s -o %s\n", DEMO_TASK, doc);
	fflush(stdout);
	if ((rc = cli_publish_run(store, DEMO_TASK, doc)) != CLI_OK)
		return rc;
	if ((rc = yh_draw_transcript(&tr, store, DEMO_TASK)) < 0 || !(t = json_loads(tr, 0, NULL))) {
		free(tr);
		return cli_fail(rc < 0 ? rc : YH_ESTORE);
	}
	freeze = (uint64_t)json_integer_value(json_object_get(t, "freeze_seq"));
	json_decref(t);
	free(tr);
	for (i = 0; i < 3; i++) {
		snprintf(path[i], sizeof(path[i]), "%s/%s", dir, regs[i].file);
		printf("$ yaohao export %s --as-of %llu -o %s\n", yh_register_name(regs[i].kind),
		       (unsigned long long)freeze, path[i]);
		fflush(stdout);
		if ((rc = cli_export_file(path[i], store, regs[i].kind, freeze)) != CLI_OK)
			return rc;
	}
	snprintf(pub, sizeof(pub), "%s/public-key.txt", dir);
	printf("$ yaohao key show -o %s\n", pub);
	if ((rc = yh_store_public_key(pk, store)) < 0)
		return cli_fail(rc);
	if ((rc = cli_public_key_file(pub, pk)) != CLI_OK)
		return rc;
	snprintf(feed, sizeof(feed), "%s/feed.json", dir);
	printf("$ yaohao feed -o %s\n", feed);
	fflush(stdout);
	if ((rc = cli_feed_run(store, feed)) != CLI_OK)
		return rc;
	printf("\n$ yaohao verify %s --entities %s --inspectors %s --conflicts %s --pubkey %s --feed %s\n",
	       doc, path[0], path[1], path[2], pub, feed);
	fflush(stdout);
	in = (yh_verify_inputs)YH_VERIFY_INPUTS_INIT;
	in.entities = path[0];
	in.inspectors = path[1];
	in.conflicts = path[2];
	in.public_key = pub;
	in.feed = feed;
	return cli_verify_run(doc, &in, 0);
}

int cmd_demo(int argc, char **argv)
{
	static const struct { yh_register_kind kind; const char *file; } steps[] = {
		{ YH_REGISTER_ENTITIES, "entities.csv" },
		{ YH_REGISTER_INSPECTORS, "inspectors.csv" },
		{ YH_REGISTER_CONFLICTS, "conflicts.csv" },
		{ YH_REGISTER_ITEMS, "items.csv" },
	};
	char dirbuf[PATH_MAX], db[PATH_MAX + 16], file[PATH_MAX * 2];
	demo_args a = { 0 };
	const char *dir, *fixtures;
	yh_store *store = NULL;
	yh_key *key = NULL;
	struct stat st;
	size_t i;
	int rc;

	if ((rc = cli_opt_parse(&a, options, "demo", usage, argc, argv)) != CLI_PARSED)
		return rc;
	fixtures = find_fixtures(a.fixtures);
	dir = a.dir;
	if (!is_dir(fixtures))
		return cli_error(CLI_BAD_DATA, "fixtures not found: '%s' (give --fixtures DIR)", fixtures);
	if (!dir) {
		const char *tmp = getenv("TMPDIR");

		snprintf(dirbuf, sizeof(dirbuf), "%s/yaohao-demo-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(dirbuf))
			return cli_error(CLI_BAD_DATA, "cannot create a temporary folder: %s: '%s'",
			                 strerror(errno), dirbuf);
		dir = dirbuf;
	} else if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		return cli_error(CLI_BAD_DATA, "cannot create the folder: %s: '%s'", strerror(errno), dir);
	}
	printf("demo folder: %s\n", dir);
	printf("fixtures:    %s\n\n", fixtures);
	snprintf(db, sizeof(db), "%s/yaohao.db", dir);
	snprintf(file, sizeof(file), "%s.key", db);
	if (stat(file, &st) == 0)
		return cli_error(CLI_STORE, "key file exists already: '%s' (demo needs a fresh folder)", file);
	printf("$ yaohao init --department %s --db %s\n", DEMO_DEPARTMENT, db);
	if ((rc = yh_store_create(&store, db, DEMO_DEPARTMENT)) < 0)
		return cli_fail(rc);
	snprintf(file, sizeof(file), "%s.key", db);
	if ((rc = cli_key_create(store, file)) != CLI_OK)
		goto done;
	/* cli_key_create frees its copy of the key, which the store only borrows: give the store
	 * one that lives until it is closed, to sign the demo's entries */
	if ((rc = yh_key_load(&key, file)) < 0 || (rc = yh_store_set_key(store, key)) < 0) {
		rc = cli_fail(rc);
		goto done;
	}
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		yh_import_options opt = YH_IMPORT_OPTIONS_INIT;

		opt = (yh_import_options)YH_IMPORT_OPTIONS_INIT;
		snprintf(file, sizeof(file), "%s/%s", fixtures, steps[i].file);
		printf("$ yaohao import %s %s\n", yh_register_name(steps[i].kind), file);
		fflush(stdout);
		if ((rc = cli_import_run(store, steps[i].kind, file, &opt, 0)) != CLI_OK)
			goto done;
	}
	printf("\n$ yaohao stats\n");
	if ((rc = cli_stats_print(store, 0, 0)) != CLI_OK)
		goto done;
	snprintf(file, sizeof(file), "%s/" DEMO_TASK_FILE, fixtures);
	printf("\n$ yaohao plan add %s\n", file);
	fflush(stdout);
	if ((rc = cli_plan_add(store, file)) != CLI_OK)
		goto done;
	snprintf(file, sizeof(file), "%s/announcement.json", dir);
	printf("\n$ yaohao commit %s --entropy-source '%s' -o %s\n", DEMO_TASK, DEMO_SOURCE, file);
	fflush(stdout);
	if ((rc = cli_commit_run(store, &(cli_commit_args){ .task_id = DEMO_TASK,
	                         .source = DEMO_SOURCE, .output = file })) != CLI_OK)
		goto done;
	snprintf(file, sizeof(file), "%s/transcript.json", dir);
	printf("\n$ yaohao draw %s --entropy '%s' -o %s\n", DEMO_TASK, DEMO_VALUE, file);
	fflush(stdout);
	if ((rc = cli_draw_run(store, &(cli_draw_args){ .task_id = DEMO_TASK,
	                       .value = DEMO_VALUE, .output = file })) != CLI_OK)
		goto done;
	if ((rc = publish_and_verify(store, dir)) != CLI_OK)
		goto done;
	printf("\nthe store is %s; try: yaohao log --db %s; yaohao audit --db %s\n", db, db, db);
done:
	yh_store_close(store);
	yh_key_free(key);
	return rc;
}
