/*
 * mkvectors — produces the draw test vectors under fixtures/vectors/ from the
 * fixtures, through the public API with pinned secrets:
 *
 *   mkvectors FIXTURES_DIR OUT_DIR
 *
 * For each case (food, joint, edge, repeat, nocap, bind, in this order, in one store) it
 * reads FIXTURES_DIR/vectors/CASE/task.json and writes into OUT_DIR/CASE/:
 * secret.hex, entropy.txt, the canonical registers as of the freeze
 * (entities.csv, inspectors.csv, conflicts.csv), announcement.json,
 * transcript.json and draw.json (the published document, signed with a test
 * key derived from a fixed seed; its public key is OUT_DIR/test-key.pub), and after the last
 * case OUT_DIR/feed.json, the store's feed of announcements.  Then, with today pinned to
 * 2027-03-15, what happens after two of the draws (docs/spec.md §18): for `bind` results, a
 * correction, a reassignment for recusal and one for an officer unavailable (on many teams:
 * without that cause he, least loaded then, would be the pick of the reassignment after it); for `joint` (a seat per
 * department, reserves) an entity deregistered in a new entities register and substituted,
 * a reassignment, results, a correction; each disclosed as OUT_DIR/CASE/results.json and
 * results.csv.  The test suite runs it and compares with the committed files; regenerate
 * them with `build/tests/mkvectors fixtures fixtures/vectors`.  $YAOHAO_VECTORS_DB names another
 * store to make them in (tests/pg runs them on PostgreSQL: the same bytes).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <yaohao/yaohao.h>

/* yh_draw_run's result, where a test does not look at it */
static yh_draw_result tu_draw_result;

static const char *const cases[] = { "food", "joint", "edge", "repeat", "nocap", "bind" };
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static int fail(const char *what)
{
	fprintf(stderr, "mkvectors: %s: %s\n", what, yh_error_message());
	return 1;
}

static int write_text(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	if (!fp || fputs(text, fp) < 0 || fputc('\n', fp) < 0 || fclose(fp) != 0) {
		fprintf(stderr, "mkvectors: cannot write '%s'\n", path);
		return 1;
	}
	return 0;
}

static int write_raw(const char *dir, const char *name, const char *text)
{
	char path[8192];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	if (!fp || fputs(text, fp) < 0 || fclose(fp) != 0) {
		fprintf(stderr, "mkvectors: cannot write '%s'\n", path);
		return 1;
	}
	return 0;
}

static int export(const char *dir, const char *name, yh_store *s, yh_register_kind k, uint64_t seq)
{
	char path[4096];
	FILE *fp;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(fp = fopen(path, "wb")))
		return 1;
	rc = yh_register_export(fp, s, k, seq);
	return (fclose(fp) != 0 || rc < 0) ? fail(path) : 0;
}

/* ---- after the draw (docs/spec.md §18) ------------------------------------------------- */

/* The id of the entity of rank `rank` in transcript tr, and of its team member `m`. */
static const char *ent(json_t *tr, size_t rank)
{
	return json_string_value(json_object_get(json_array_get(json_object_get(tr, "selected"),
	                                                        rank - 1), "id"));
}

static const char *member(json_t *tr, size_t rank, size_t m)
{
	json_t *team = json_object_get(json_array_get(json_object_get(tr, "selected"), rank - 1),
	                               "team");

	return json_string_value(json_object_get(json_array_get(team, m), "id"));
}

static void refused(void *ctx, size_t index, const char *member, const char *message)
{
	fprintf(stderr, "mkvectors: %s: result %zu refused (%s): %s\n", (const char *)ctx, index,
	        member, message);
}

static int record_results(yh_store *s, json_t *tr, yh_result *r, size_t n, uint64_t *first)
{
	const char *task = json_string_value(json_object_get(tr, "task_id"));
	uint64_t seq;

	if (yh_results_record(&seq, s, task, r, n, refused, (void *)task) < 0)
		return fail("result");
	if (first)
		*first = seq;
	return 0;
}

/* Reassigns; team (may be NULL) receives the new team's ids from the recorded entry. */
static int reassign(yh_store *s, json_t *tr, const char *entity, const char *officer,
                    const char *cause, const char *reason, char team[][32])
{
	char *entry = NULL;
	json_t *p;
	uint64_t seq;
	size_t i;

	if (yh_results_reassign(&entry, &seq, s, json_string_value(json_object_get(tr, "task_id")),
	                        entity, officer, cause, reason) < 0)
		return fail("reassign");
	if (team && (p = json_loads(entry, 0, NULL))) {
		for (i = 0; i < json_array_size(json_object_get(p, "team")) && i < 4; i++)
			snprintf(team[i], 32, "%s",
			         json_string_value(json_array_get(json_object_get(p, "team"), i)));
		json_decref(p);
	}
	free(entry);
	return 0;
}

static int story_bind(yh_store *s, json_t *tr)
{
	const char *o[5][2], *items_all[] = { "SP-01" };
	char t6[4][32] = { "" }, t7[4][32] = { "" };
	uint64_t first;
	size_t i;

	for (i = 0; i < 5; i++) {
		o[i][0] = member(tr, i + 1, 0);
		o[i][1] = member(tr, i + 1, 1);
	}
	{
		yh_result r[5] = { YH_RESULT_INIT, YH_RESULT_INIT, YH_RESULT_INIT, YH_RESULT_INIT,
		                   YH_RESULT_INIT };
		static const char *const codes[] = { "1", "发现问题待后续处理", "not_disclosed", "6", "F" };
		static const char *const dates[] = { "2027-02-08", "2027-02-09", "2027-02-09",
		                                     "2027-02-10", "2027-02-12" };
		static const char *const methods[] = { "实地检查", "on_site", "书面检查", "实地检查",
		                                       "网络监测" };
		static const char *const follows[] = { "无需后续处置", "责令改正", "order_correction",
		                                       "停止检查", NULL };

		for (i = 0; i < 5; i++) {
			r[i].entity_id = ent(tr, i + 1);
			r[i].result = codes[i];
			r[i].date = dates[i];
			r[i].officers = o[i];
			r[i].nofficers = 2;
			r[i].method = methods[i];
			r[i].follow_up = follows[i];
		}
		r[1].note = "后厨未按规定留样，已当场责令改正";
		r[2].items = items_all;
		r[2].nitems = 1;
		if (record_results(s, tr, r, 5, &first))
			return 1;
	}
	{
		/* the second result corrected after the enterprise's objection (art. 12) */
		yh_result c = YH_RESULT_INIT;

		c.entity_id = ent(tr, 2);
		c.result = "E";
		c.date = "2027-02-20";
		c.officers = o[1];
		c.nofficers = 2;
		c.follow_up = "无需后续处置";
		c.replaces = first + 1;
		c.reason = "企业提出异议，复查确认已于2027年2月20日前整改完毕，更正检查结果";
		if (record_results(s, tr, &c, 1, NULL))
			return 1;
	}
	if (reassign(s, tr, ent(tr, 6), member(tr, 6, 0), "recusal",
	             "检查对象负责人系该检查人员近亲属，本人申请回避", t6) ||
	    reassign(s, tr, ent(tr, 7), member(tr, 7, 0), "unavailable",
	             "病假（2027年2月15日至3月31日）", t7) ||
	    reassign(s, tr, ent(tr, 8), member(tr, 8, 0), "recusal",
	             "检查人员曾为该企业提供咨询服务", NULL))
		return 1;
	{
		const char *o6[2] = { t6[0], t6[1] }, *o7[2] = { t7[0], t7[1] };
		yh_result r[2] = { YH_RESULT_INIT, YH_RESULT_INIT };

		r[0].entity_id = ent(tr, 6);
		r[0].result = "1";
		r[0].date = "2027-03-01";
		r[0].officers = o6;
		r[0].nofficers = 2;
		r[1].entity_id = ent(tr, 7);
		r[1].result = "7";
		r[1].date = "2027-03-02";
		r[1].officers = o7;
		r[1].nofficers = 2;
		r[1].follow_up = "其他";
		r[1].note = "门店已停业装修，待恢复经营后纳入日常监管";
		if (record_results(s, tr, r, 2, NULL))
			return 1;
	}
	return 0;
}

/* The current entities register with one row's status changed, imported (all rows given). */
static int deregister(yh_store *s, const char *outdir, const char *entity, const char *status)
{
	char path[4096], line[4096], want[64];
	yh_import_report rep;
	FILE *in, *out;
	char *text = NULL;
	size_t len = 0;
	int rc;

	/* a fixed name: the import entry records it */
	snprintf(path, sizeof(path), "%s/entities-2027-01.csv", outdir);
	if (!(in = open_memstream(&text, &len)) || yh_register_export(in, s, YH_REGISTER_ENTITIES, 0) < 0 ||
	    fclose(in) != 0)
		return fail("export entities");
	if (!(out = fopen(path, "wb")) || !(in = fmemopen(text, len, "rb")))
		return fail(path);
	snprintf(want, sizeof(want), "%s,", entity);
	while (fgets(line, sizeof(line), in)) {
		if (strncmp(line, want, strlen(want)) == 0) {
			/* id,name,type,region,industry,risk,status,abnormal: the 7th field */
			char *f = line, *end;
			int k;

			for (k = 0; k < 6 && f; k++)
				f = strchr(f, ',') ? strchr(f, ',') + 1 : NULL;
			if (!f || !(end = strchr(f, ',')))
				return fail("the entity's row");
			fprintf(out, "%.*s%s%s", (int)(f - line), line, status, end);
		} else {
			fputs(line, out);
		}
	}
	fclose(in);
	free(text);
	if (fclose(out) != 0)
		return fail(path);
	rc = yh_import_file(&rep, s, YH_REGISTER_ENTITIES, path, NULL);
	unlink(path);
	if (rc < 0 || rep.changed != 1)
		return fail("import the entities register");
	return 0;
}

static int story_joint(yh_store *s, json_t *tr, const char *outdir)
{
	const char *task = json_string_value(json_object_get(tr, "task_id"));
	const char *o[4][2];
	char t4[4][32] = { "" };
	uint64_t first, seq;
	char *entry = NULL;
	json_t *p;
	size_t i;

	for (i = 0; i < 4; i++) {
		o[i][0] = member(tr, i + 1, 0);
		o[i][1] = member(tr, i + 1, 1);
	}
	{
		yh_result r[3] = { YH_RESULT_INIT, YH_RESULT_INIT, YH_RESULT_INIT };
		static const char *const items1[] = { "SP-01" }, *const items2[] = { "HB-01" };

		for (i = 0; i < 3; i++) {
			r[i].entity_id = ent(tr, i + 1);
			r[i].date = "2026-12-15";
			r[i].officers = o[i];
			r[i].nofficers = 2;
		}
		r[0].result = "未发现问题";
		r[1].result = "B";
		r[1].follow_up = "责令改正";
		r[1].items = items1;
		r[1].nitems = 1;
		r[2].result = "problem_pending";
		r[2].method = "检验检测";
		r[2].follow_up = "发现案件线索";
		r[2].items = items2;
		r[2].nitems = 1;
		r[2].note = "废水排放口采样送检，结果待出";
		if (record_results(s, tr, r, 3, &first))
			return 1;
	}
	/* a seat per department: the replacement comes from the department of who steps aside */
	if (reassign(s, tr, ent(tr, 4), member(tr, 4, 1), "recusal",
	             "该检查人员与企业存在利害关系（企业于抽取后提出）", t4))
		return 1;
	{
		const char *o4[2] = { t4[0], t4[1] };
		yh_result r = YH_RESULT_INIT;

		r.entity_id = ent(tr, 4);
		r.result = "1";
		r.date = "2026-12-20";
		r.officers = o4;
		r.nofficers = 2;
		r.method = "专业机构协助";
		if (record_results(s, tr, &r, 1, NULL))
			return 1;
	}
	/* rank 12 deregistered (注销) after the freeze: substituted by its stratum's reserve 1 */
	if (deregister(s, outdir, ent(tr, 12), "deregistered"))
		return 1;
	if (yh_results_substitute(&entry, &seq, s, task, ent(tr, 12),
	                          "企业已于2027年1月办理注销登记，依抽查规则以备选名单递补") < 0)
		return fail("substitute");
	if (!(p = json_loads(entry, 0, NULL)))
		return fail("substitute entry");
	{
		const char *ot[2];
		yh_result r = YH_RESULT_INIT;

		ot[0] = json_string_value(json_object_get(json_array_get(json_object_get(p, "team"), 0), "id"));
		ot[1] = json_string_value(json_object_get(json_array_get(json_object_get(p, "team"), 1), "id"));
		r.entity_id = json_string_value(json_object_get(json_object_get(p, "substitute"), "id"));
		r.result = "E";
		r.date = "2027-02-25";
		r.officers = ot;
		r.nofficers = 2;
		r.follow_up = "责令改正";
		if (record_results(s, tr, &r, 1, NULL))
			return 1;
	}
	json_decref(p);
	free(entry);
	{
		/* the first result corrected: an item had been left out */
		yh_result c = YH_RESULT_INIT;

		c.entity_id = ent(tr, 1);
		c.result = "1";
		c.date = "2026-12-15";
		c.officers = o[0];
		c.nofficers = 2;
		c.method = "实地检查";
		c.note = "补录生态环境检查事项";
		c.replaces = first;
		c.reason = "原记录漏填检查事项HB-01";
		if (record_results(s, tr, &c, 1, NULL))
			return 1;
	}
	return 0;
}

static int write_disclosure(void *ctx, const char *document, const char *csv)
{
	const char *dir = ctx;

	return write_raw(dir, "results.json", document) || write_raw(dir, "results.csv", csv);
}

static int disclose(yh_store *s, json_t *tr, const char *dir)
{
	uint64_t seq;

	if (yh_results_disclose(&seq, s, json_string_value(json_object_get(tr, "task_id")),
	                        write_disclosure, (void *)dir) != 0)
		return fail("disclose");
	return 0;
}

int main(int argc, char **argv)
{
	static const struct { yh_register_kind kind; const char *file; } regs[] = {
		{ YH_REGISTER_ENTITIES, "entities.csv" }, { YH_REGISTER_INSPECTORS, "inspectors.csv" },
		{ YH_REGISTER_CONFLICTS, "conflicts.csv" }, { YH_REGISTER_ITEMS, "items.csv" },
	};
	char db[4000], path[4096], dir[4096], secret_hex[65], entropy[64], label[64];
	json_t *drawn[NCASES] = { 0 };
	unsigned char secret[YH_SECRET_BYTES];
	yh_store *store = NULL;
	yh_key *key = NULL;
	size_t i;

	if (argc != 3) {
		fprintf(stderr, "usage: mkvectors FIXTURES_DIR OUT_DIR\n");
		return 2;
	}
	setenv("SOURCE_DATE_EPOCH", "1796083200", 1); /* 2026-12-01T00:00:00Z, for the ledger only */
	mkdir(argv[2], 0755);
	/* $YAOHAO_VECTORS_DB: the same vectors made in another store (tests/pg: a PostgreSQL URI) */
	if (getenv("YAOHAO_VECTORS_DB") && *getenv("YAOHAO_VECTORS_DB"))
		snprintf(db, sizeof(db), "%s", getenv("YAOHAO_VECTORS_DB"));
	else
		snprintf(db, sizeof(db), "%s/vectors-%d.db", argv[2], (int)getpid());
	unlink(db);
	if (yh_store_create(&store, db, "330100-SCJG") < 0)
		return fail("create");
	/* Ed25519 signatures are deterministic: a fixed key gives fixed documents */
	crypto_hash_sha256(secret, (const unsigned char *)"yaohao test vector key", 22);
	if (yh_key_from_seed(&key, secret) < 0 || yh_store_set_key(store, key) < 0)
		return fail("key");
	{
		unsigned char pk[32];
		char text[100];

		yh_key_public(pk, key);
		sodium_bin2hex(secret_hex, sizeof(secret_hex), pk, sizeof(pk));
		snprintf(text, sizeof(text), "yaohao-public-key-v1\n%s", secret_hex);
		if (write_text(argv[2], "test-key.pub", text))
			return 1;
	}
	for (i = 0; i < 4; i++) {
		yh_import_report rep;

		snprintf(path, sizeof(path), "%s/%s", argv[1], regs[i].file);
		if (yh_import_file(&rep, store, regs[i].kind, path, NULL) < 0)
			return fail(path);
	}
	for (i = 0; i < NCASES; i++) {
		yh_commit_options opt = YH_COMMIT_OPTIONS_INIT;
		yh_task *task = NULL;
		char *ann = NULL, *tr = NULL, *doc = NULL;
		uint64_t seq, freeze;

		snprintf(dir, sizeof(dir), "%s/%s", argv[2], cases[i]);
		if (mkdir(dir, 0755) != 0 && errno != EEXIST)
			return fail(dir);
		snprintf(path, sizeof(path), "%s/vectors/%s/task.json", argv[1], cases[i]);
		if (yh_task_load_file(&task, path) < 0 || yh_task_add(&seq, store, task) < 0)
			return fail(path);
		freeze = seq;
		snprintf(label, sizeof(label), "yaohao test vector %s", cases[i]);
		crypto_hash_sha256(secret, (const unsigned char *)label, strlen(label));
		sodium_bin2hex(secret_hex, sizeof(secret_hex), secret, sizeof(secret));
		snprintf(entropy, sizeof(entropy), "public value for %s", cases[i]);
		opt = (yh_commit_options)YH_COMMIT_OPTIONS_INIT;
		opt.entropy_source = "test vector: a fixed public value";
		opt.secret = secret;
		if (yh_draw_commit(&ann, &seq, store, yh_task_id(task), &opt) < 0)
			return fail("commit");
		if (yh_draw_run(&tr, &tu_draw_result, store, yh_task_id(task), entropy, NULL) < 0)
			return fail("draw");
		if (yh_document_publish(&doc, store, yh_task_id(task)) < 0)
			return fail("publish");
		if (write_text(dir, "secret.hex", secret_hex) || write_text(dir, "entropy.txt", entropy) ||
		    write_text(dir, "announcement.json", ann) || write_text(dir, "transcript.json", tr) ||
		    write_raw(dir, "draw.json", doc) ||
		    export(dir, "entities.csv", store, YH_REGISTER_ENTITIES, freeze) ||
		    export(dir, "inspectors.csv", store, YH_REGISTER_INSPECTORS, freeze) ||
		    export(dir, "conflicts.csv", store, YH_REGISTER_CONFLICTS, freeze))
			return 1;
		if (!(drawn[i] = json_loads(tr, 0, NULL)))
			return fail("transcript");
		free(ann);
		free(tr);
		free(doc);
		yh_task_free(task);
	}
	{
		char *feed = NULL;

		if (yh_feed_publish(&feed, store) < 0)
			return fail("feed");
		if (write_raw(argv[2], "feed.json", feed))
			return 1;
		free(feed);
	}
	/* after the draws: today is 2027-03-15, after every draw date */
	setenv("SOURCE_DATE_EPOCH", "1805068800", 1);
	for (i = 0; i < NCASES; i++) {
		int rc = 0;

		if (strcmp(cases[i], "bind") == 0)
			rc = story_bind(store, drawn[i]);
		else if (strcmp(cases[i], "joint") == 0)
			rc = story_joint(store, drawn[i], argv[2]);
		else
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", argv[2], cases[i]);
		if (rc || disclose(store, drawn[i], dir))
			return 1;
	}
	for (i = 0; i < NCASES; i++)
		json_decref(drawn[i]);
	yh_store_close(store);
	yh_key_free(key);
	unlink(db);
	snprintf(path, sizeof(path), "%s-wal", db);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", db);
	unlink(path);
	return 0;
}
