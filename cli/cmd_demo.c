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
/* The demo draws the food test vector (fixtures/vectors/food): its pinned secret, named source
 * and public value, so that its draw is that vector's and fixtures/results.csv fits it.  A real
 * commit takes its secret from the CSPRNG and names a public value not yet known (a future
 * drand round); the verifier says this one guarantees nothing. */
#define DEMO_SOURCE "test vector: a fixed public value"
#define DEMO_VECTOR "vectors/food"
/* The days the demo plays, as $SOURCE_DATE_EPOCH: the draw on 2026-12-01 (00:00 UTC), the
 * results, the reassignment, the substitution and the disclosure on 2026-12-10 (10:00 CST). */
#define DEMO_DRAW_TIME "1796083200"
#define DEMO_AFTER_TIME "1796868000"
#define DEMO_REASSIGN_ENTITY "93330108MA2U4EA524"
#define DEMO_REASSIGN_OFFICER "33010020190003"
#define DEMO_GONE_ENTITY "91330102756340419F"

static const char usage[] =
	"usage: yaohao demo [--dir DIR] [--db DB] [--key FILE | --signing-key FILE]\n"
	"                   [--fixtures DIR] [--draw-only]\n"
	"\n"
	"Runs the whole cycle on the bundled fixtures: creates a store in DIR (or\n"
	"--db) for department " DEMO_DEPARTMENT ", imports the entity, inspector,\n"
	"conflict and check-item registers, prints the register statistics, adds\n"
	"the task fixtures/" DEMO_TASK_FILE ", commits it and draws it (the drawn\n"
	"entities with their teams), publishes the signed draw document with the\n"
	"frozen registers and the public key, and verifies it as the public would,\n"
	"with no store.\n"
	"Then, nine days later: imports the working-day calendar and the results\n"
	"(fixtures/results.csv), reassigns one officer, substitutes one entity\n"
	"deregistered since the draw, discloses the signed results document and its\n"
	"CSV, verifies them with no store, and shows the dashboard.  Everything but\n"
	"a store --db names is written into DIR.\n"
	"\n"
	"The demo draws the food test vector (fixtures/vectors/food: its secret and\n"
	"public value are published, so the verifier guarantees nothing about it) and\n"
	"plays its days on the clock ($SOURCE_DATE_EPOCH): the draw on 2026-12-01,\n"
	"the rest on 2026-12-10.\n"
	"\n"
	"  --dir DIR       where to work (created if missing; must not hold a store);\n"
	"                  default: a new temporary folder, whose path is printed\n"
	"  --db DB         the store to create (default: DIR/yaohao.db); a postgresql://\n"
	"                  URI makes it in that database, which must hold no store (the\n"
	"                  public files still go into DIR; the draw is the same, byte for\n"
	"                  byte)\n"
	"  --key FILE      the new secret key file (default: DB.key; for a URI,\n"
	"                  DIR/<database name>.key); refused when it exists\n"
	"  --signing-key FILE\n"
	"                  sign with the existing key in FILE instead of a new one: the\n"
	"                  same key gives the same files, byte for byte (a demo on SQLite\n"
	"                  and one on PostgreSQL compare with cmp)\n"
	"  --fixtures DIR  the fixture files (default: $YAOHAO_FIXTURES, the source\n"
	"                  tree's fixtures/, then the installed copy)\n"
	"  --draw-only     stop once the draw is published and verified\n";

typedef struct {
	const char *dir, *db, *key, *signing_key, *fixtures;
	int draw_only;
} demo_args;

static const cli_opt_spec options[] = {
	CLI_VALUE(demo_args, dir, "dir", 0),
	CLI_VALUE(demo_args, db, "db", 0),
	CLI_VALUE(demo_args, key, "key", 0),
	CLI_VALUE(demo_args, signing_key, "signing-key", 0),
	CLI_VALUE(demo_args, fixtures, "fixtures", 0),
	CLI_FLAG(demo_args, draw_only, "draw-only", 0),
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
	snprintf(pub, sizeof(pub), "%s/draw.html", dir);
	printf("$ yaohao publish %s --html %s    (the public page: open it in a browser)\n", DEMO_TASK, pub);
	fflush(stdout);
	if ((rc = cli_page_run(store, DEMO_TASK, NULL, NULL, 0, pub)) != CLI_OK)
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

/* The food vector's secret and public value. */
static int read_vector(unsigned char secret[YH_SECRET_BYTES], char *value, size_t size,
                       const char *fixtures)
{
	char path[PATH_MAX * 2], hex[2 * YH_SECRET_BYTES + 8] = "";
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/" DEMO_VECTOR "/secret.hex", fixtures);
	if (!(f = fopen(path, "r")) || !fgets(hex, sizeof(hex), f) ||
	    sodium_hex2bin(secret, YH_SECRET_BYTES, hex, strcspn(hex, "\n"), NULL, &n, NULL) != 0 ||
	    n != YH_SECRET_BYTES) {
		if (f)
			fclose(f);
		return cli_error(CLI_BAD_DATA, "cannot read the vector's secret (64 hex digits): '%s'", path);
	}
	fclose(f);
	snprintf(path, sizeof(path), "%s/" DEMO_VECTOR "/entropy.txt", fixtures);
	if (!(f = fopen(path, "r")) || !fgets(value, (int)size, f)) {
		if (f)
			fclose(f);
		return cli_error(CLI_BAD_DATA, "cannot read the vector's public value: '%s'", path);
	}
	fclose(f);
	value[strcspn(value, "\r\n")] = '\0';
	return CLI_OK;
}

/* One step after the draw: the command line it stands for, then the engine call's outcome. */
static int step_failed(int rc)
{
	return rc < 0 ? cli_fail(rc) : CLI_OK;
}

static int after_results(yh_store *store, const char *fixtures)
{
	char file[PATH_MAX * 2], *entry = NULL;
	json_t *e = NULL, *team;
	uint64_t seq;
	yh_result r = YH_RESULT_INIT;
	const char *officers[2];
	int rc;

	printf("\n$ yaohao reassign %s %s %s --reason '回避：当事人申请，经审查属实'\n", DEMO_TASK,
	       DEMO_REASSIGN_ENTITY, DEMO_REASSIGN_OFFICER);
	fflush(stdout);
	if ((rc = step_failed(yh_results_reassign(&entry, &seq, store, DEMO_TASK, DEMO_REASSIGN_ENTITY,
	                                          DEMO_REASSIGN_OFFICER, "recusal",
	                                          "回避：当事人申请，经审查属实"))) != CLI_OK)
		return rc;
	e = json_loads(entry, 0, NULL);
	printf("%s replaces %s by the draw's rule (ledger entry %llu)\n",
	       json_string_value(json_object_get(json_object_get(e, "replacement"), "id")),
	       DEMO_REASSIGN_OFFICER, (unsigned long long)seq);
	json_decref(e);
	free(entry);
	snprintf(file, sizeof(file), "%s/entities-2026-12-08.csv", fixtures);
	printf("\n$ yaohao import entities %s    (%s deregistered since the draw)\n", file,
	       DEMO_GONE_ENTITY);
	fflush(stdout);
	{
		yh_import_options opt = YH_IMPORT_OPTIONS_INIT;

		if ((rc = cli_import_run(store, YH_REGISTER_ENTITIES, file, &opt, 0)) != CLI_OK)
			return rc;
	}
	printf("\n$ yaohao substitute %s %s --reason '已于2026-12-08办理注销登记'\n", DEMO_TASK,
	       DEMO_GONE_ENTITY);
	fflush(stdout);
	if ((rc = step_failed(yh_results_substitute(&entry, &seq, store, DEMO_TASK, DEMO_GONE_ENTITY,
	                                            "已于2026-12-08办理注销登记"))) != CLI_OK)
		return rc;
	e = json_loads(entry, 0, NULL);
	free(entry);
	team = json_object_get(e, "team");
	printf("reserve %lld of stratum %s, %s, takes its place (ledger entry %llu)\n",
	       json_integer_value(json_object_get(e, "reserve_order")),
	       json_string_value(json_object_get(e, "stratum")),
	       json_string_value(json_object_get(json_object_get(e, "substitute"), "id")),
	       (unsigned long long)seq);
	officers[0] = json_string_value(json_object_get(json_array_get(team, 0), "id"));
	officers[1] = json_string_value(json_object_get(json_array_get(team, 1), "id"));
	r.entity_id = json_string_value(json_object_get(json_object_get(e, "substitute"), "id"));
	r.result = "未发现问题";
	r.date = "2026-12-09";
	r.officers = officers;
	r.nofficers = 2;
	printf("\n$ yaohao result add %s %s --result 未发现问题 --date 2026-12-09 --officer %s "
	       "--officer %s\n", DEMO_TASK, r.entity_id, officers[0], officers[1]);
	fflush(stdout);
	rc = step_failed(yh_results_record(&seq, store, DEMO_TASK, &r, 1, NULL, NULL));
	if (rc == CLI_OK)
		printf("recorded as ledger entry %llu\n", (unsigned long long)seq);
	json_decref(e);
	return rc;
}

/* Disclosure, its check with no store, and the dashboard. */
static int disclose_and_verify(yh_store *store, const char *dir)
{
	char doc[PATH_MAX * 2], csv[PATH_MAX * 2], draw[PATH_MAX * 2], ins[PATH_MAX * 2],
	     con[PATH_MAX * 2];
	yh_verify_inputs in = YH_VERIFY_INPUTS_INIT;
	json_t *report = NULL, *status = NULL, *t;
	size_t i;
	int rc;

	snprintf(doc, sizeof(doc), "%s/results.json", dir);
	snprintf(csv, sizeof(csv), "%s/results-disclosure.csv", dir);
	snprintf(draw, sizeof(draw), "%s/results.html", dir);
	printf("\n$ yaohao disclose %s -o %s --csv %s --html %s\n", DEMO_TASK, doc, csv, draw);
	fflush(stdout);
	if ((rc = cli_disclose_run(store, DEMO_TASK, doc, csv, draw)) != CLI_OK)
		return rc;
	snprintf(draw, sizeof(draw), "%s/draw.json", dir);
	snprintf(ins, sizeof(ins), "%s/inspectors.frozen.csv", dir);
	snprintf(con, sizeof(con), "%s/conflicts.frozen.csv", dir);
	printf("\n$ yaohao verify %s --draw %s --inspectors %s --conflicts %s\n", doc, draw, ins, con);
	fflush(stdout);
	in.inspectors = ins;
	in.conflicts = con;
	if ((rc = step_failed(yh_results_verify(&report, doc, draw, &in))) != CLI_OK)
		return rc;
	if ((rc = cli_report_exit(report, 0)) != CLI_OK)
		return rc;
	printf("\n$ yaohao status\n");
	if ((rc = step_failed(yh_dashboard_status(&status, store))) != CLI_OK)
		return rc;
	json_array_foreach(json_object_get(status, "tasks"), i, t)
		printf("%s: %s, %lld of %lld results, %lld disclosure(s)\n",
		       json_string_value(json_object_get(t, "task_id")),
		       json_string_value(json_object_get(t, "stage")),
		       json_integer_value(json_object_get(t, "results")),
		       json_integer_value(json_object_get(t, "inspections")),
		       json_integer_value(json_object_get(t, "disclosures")));
	json_decref(status);
	return CLI_OK;
}

/* 一公开: what happens after the draw, nine days later. */
static int after_the_draw(yh_store *store, const char *dir, const char *fixtures)
{
	char file[PATH_MAX * 2];
	yh_calendar_report cal;
	cli_result_import_args args = { 0 };
	int rc;

	setenv("SOURCE_DATE_EPOCH", DEMO_AFTER_TIME, 1);
	printf("\n--- 2026-12-10: the results, and what changed since the draw ---\n");
	snprintf(file, sizeof(file), "%s/calendar.csv", fixtures);
	printf("\n$ yaohao calendar import %s\n", file);
	if ((rc = step_failed(yh_calendar_import(&cal, store, file, NULL))) != CLI_OK)
		return rc;
	printf("imported %llu holidays and %llu working weekend days (调休) of %u years\n",
	       (unsigned long long)cal.holidays, (unsigned long long)cal.workdays, cal.nyears);
	snprintf(file, sizeof(file), "%s/results.csv", fixtures);
	printf("\n$ yaohao result import %s %s\n", DEMO_TASK, file);
	fflush(stdout);
	if ((rc = cli_result_import(store, DEMO_TASK, file, &args)) != CLI_OK)
		return rc;
	if ((rc = after_results(store, fixtures)) != CLI_OK)
		return rc;
	return disclose_and_verify(store, dir);
}

/* The draw day: the registers imported, the task planned, committed and drawn. */
static int draw_day(yh_store *store, const char *dir, const char *fixtures)
{
	static const struct { yh_register_kind kind; const char *file; } steps[] = {
		{ YH_REGISTER_ENTITIES, "entities.csv" },
		{ YH_REGISTER_INSPECTORS, "inspectors.csv" },
		{ YH_REGISTER_CONFLICTS, "conflicts.csv" },
		{ YH_REGISTER_ITEMS, "items.csv" },
	};
	char file[PATH_MAX * 2], value[256];
	unsigned char secret[YH_SECRET_BYTES];
	size_t i;
	int rc;

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
	if ((rc = read_vector(secret, value, sizeof(value), fixtures)) != CLI_OK)
		goto done;
	snprintf(file, sizeof(file), "%s/announcement.json", dir);
	printf("\n$ yaohao commit %s --entropy-source '%s' -o %s\n"
	       "  (the demo pins the secret of the food test vector, fixtures/" DEMO_VECTOR
	       "/secret.hex;\n   a real commit takes it from the operating system's CSPRNG)\n",
	       DEMO_TASK, DEMO_SOURCE, file);
	fflush(stdout);
	if ((rc = cli_commit_run(store, &(cli_commit_args){ .task_id = DEMO_TASK, .source = DEMO_SOURCE,
	                         .secret = secret, .output = file })) != CLI_OK)
		goto done;
	snprintf(file, sizeof(file), "%s/transcript.json", dir);
	printf("\n$ yaohao draw %s --entropy '%s' -o %s\n", DEMO_TASK, value, file);
	fflush(stdout);
	if ((rc = cli_draw_run(store, &(cli_draw_args){ .task_id = DEMO_TASK,
	                       .value = value, .output = file })) != CLI_OK)
		goto done;
done:
	sodium_memzero(secret, sizeof(secret));
	return rc;
}

/* The store, made signed by its key at once (as 'yaohao init' makes it: one transaction on
 * PostgreSQL).  A new key is written to its file first and removed if the store cannot be made:
 * no store is left without its key, nor a new key file without its store. */
static int create_store(yh_store **store, yh_key **key, const char *db, const char *key_path,
                        int existing)
{
	int rc;

	if (existing)
		rc = yh_key_load(key, key_path);
	else if ((rc = yh_key_generate(key)) == YH_OK)
		rc = yh_key_save(*key, key_path);
	if (rc < 0)
		return cli_fail(rc);
	if ((rc = yh_store_create_signed(store, db, DEMO_DEPARTMENT, *key)) < 0) {
		rc = cli_fail(rc);
		if (!existing)
			unlink(key_path);
		return rc;
	}
	printf("$ yaohao init --department %s --db %s\n", DEMO_DEPARTMENT, yh_store_path(*store));
	if (existing)
		printf("signing with key %s from '%s'\n", yh_key_id(*key), key_path);
	else
		printf("created signing key %s in '%s' (mode 0600; keep a copy offline)\n",
		       yh_key_id(*key), key_path);
	return CLI_OK;
}

/* The new key's default file: DB.key beside a store file; for a URI "<database name>.key" in
 * DIR, where the demo writes everything (the other commands look in the working folder). */
static const char *default_key(char *buf, size_t size, const char *dir, const char *db)
{
	char name[PATH_MAX];

	if (strncmp(db, "postgresql://", 13) != 0 && strncmp(db, "postgres://", 11) != 0)
		snprintf(buf, size, "%s.key", db);
	else
		snprintf(buf, size, "%s/%s", dir, cli_key_path(name, sizeof(name), NULL, db));
	return buf;
}

int cmd_demo(int argc, char **argv)
{
	char dirbuf[PATH_MAX], dbbuf[PATH_MAX + 16], keybuf[PATH_MAX * 2];
	demo_args a = { 0 };
	const char *dir, *fixtures, *db, *key_path;
	yh_store *store = NULL;
	yh_key *key = NULL;
	struct stat st;
	int rc;

	if ((rc = cli_opt_parse(&a, options, "demo", usage, argc, argv)) != CLI_PARSED)
		return rc;
	if (a.key && a.signing_key)
		return cli_usage_error("demo", "--key and --signing-key exclude each other");
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
	fflush(stdout);
	if (!getenv("SOURCE_DATE_EPOCH") || !*getenv("SOURCE_DATE_EPOCH"))
		setenv("SOURCE_DATE_EPOCH", DEMO_DRAW_TIME, 1);
	snprintf(dbbuf, sizeof(dbbuf), "%s/yaohao.db", dir);
	db = a.db ? a.db : dbbuf;
	key_path = a.signing_key ? a.signing_key
	         : a.key         ? a.key
	                         : default_key(keybuf, sizeof(keybuf), dir, db);
	if (!a.signing_key && lstat(key_path, &st) == 0)
		return cli_error(CLI_STORE, "key file exists already: '%s' (demo needs a fresh folder)",
		                 key_path);
	if ((rc = create_store(&store, &key, db, key_path, a.signing_key != NULL)) != CLI_OK)
		goto done;
	if ((rc = draw_day(store, dir, fixtures)) != CLI_OK ||
	    (rc = publish_and_verify(store, dir)) != CLI_OK)
		goto done;
	if (!a.draw_only && (rc = after_the_draw(store, dir, fixtures)) != CLI_OK)
		goto done;
	printf("\nthe store is %s; try: yaohao log --db %s; yaohao audit --db %s\n", yh_store_path(store),
	       yh_store_path(store), yh_store_path(store));
done:
	yh_store_close(store);
	yh_key_free(key);
	return rc;
}
