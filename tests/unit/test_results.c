/* test_results.c — after the draw (yaohao/results.h, docs/spec.md §17): recording results and
 * corrections with every rule, reassigning an officer, substituting an entity, and importing
 * a file of results. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>
#include <sodium.h>

#include "testutil.h"
#include "results_load.h"

#define FOOD "T-2026-12-FOOD"
#define DRAW_EPOCH "1796083200"      /* 2026-12-01, the food task's draw date (mkvectors.c's) */
#define TODAY_EPOCH "1796860800"     /* 2026-12-10 */

/* ---- a drawn store --------------------------------------------------------------------- */

typedef struct {
	yh_key *key;
	yh_store *store;
	json_t *doc;       /* the published draw document */
} fixture;

/* The draw of fixtures/vectors/food, which fixtures/results.csv fits; today 2026-12-10. */
static void fixture_open(fixture *fx)
{
	char *text = NULL;
	int rc;

	fx->store = tu_food_store(&fx->key);
	rc = yh_document_publish(&text, fx->store, FOOD);
	ck_assert_msg(rc == YH_OK, "publish: %s", yh_error_message());
	fx->doc = tu_json(text);
	free(text);
	setenv("SOURCE_DATE_EPOCH", TODAY_EPOCH, 1);
}

static void fixture_close(fixture *fx)
{
	json_decref(fx->doc);
	yh_store_close(fx->store);
	yh_key_free(fx->key);
}

static json_t *selected(const fixture *fx, size_t i)
{
	json_t *v = json_array_get(json_object_get(fx->doc, "selected"), i);

	ck_assert_ptr_nonnull(v);
	return v;
}

static const char *entity(const fixture *fx, size_t i)
{
	return tu_jstr(selected(fx, i), "id");
}

static const char *member(const fixture *fx, size_t i, size_t m)
{
	return tu_jstr(json_array_get(json_object_get(selected(fx, i), "team"), m), "id");
}

/* An officer on entity j's team who is not on entity i's. */
static const char *stranger(const fixture *fx, size_t i)
{
	size_t j, m;

	for (j = 0; j < json_array_size(json_object_get(fx->doc, "selected")); j++)
		for (m = 0; m < 2; m++) {
			const char *o = member(fx, j, m);

			if (strcmp(o, member(fx, i, 0)) != 0 && strcmp(o, member(fx, i, 1)) != 0)
				return o;
		}
	ck_abort_msg("every officer is on entity %zu's team", i);
	return NULL;
}

/* ---- recording ------------------------------------------------------------------------- */

typedef struct {
	size_t n;
	size_t index[32];
	const char *member[32];
	char message[32][512];
} refusals;

static void collect(void *ctx, size_t index, const char *member, const char *message)
{
	refusals *r = ctx;

	if (r->n < 32) {
		r->index[r->n] = index;
		r->member[r->n] = member;
		snprintf(r->message[r->n], sizeof(r->message[0]), "%s", message);
		r->n++;
	}
}

/* The result of entity i by its team on date, with code. */
static yh_result result_of(const fixture *fx, size_t i, const char *code, const char *date,
                           const char **officers)
{
	yh_result r = YH_RESULT_INIT;

	officers[0] = member(fx, i, 0);
	officers[1] = member(fx, i, 1);
	r.entity_id = entity(fx, i);
	r.result = code;
	r.date = date;
	r.officers = officers;
	r.nofficers = 2;
	return r;
}

/* Records r alone; on a refusal, the rule must concern member and its message contain want
 * (and nothing is recorded). */
static void refused_with(fixture *fx, const yh_result *r, const char *member, const char *want)
{
	refusals ref = { 0 };
	uint64_t head = tu_ledger_head(fx->store), seq = 99;
	int rc = yh_results_record(&seq, fx->store, FOOD, r, 1, collect, &ref);

	ck_assert_msg(rc == YH_EDATA, "'%s': recorded (rc %d)", want, rc);
	ck_assert_uint_eq(seq, 0);
	ck_assert_uint_eq(ref.n, 1);
	ck_assert_uint_eq(ref.index[0], 0);
	ck_assert_msg(strstr(ref.message[0], want), "'%s' lacks '%s'", ref.message[0], want);
	ck_assert_str_eq(ref.member[0], member);
	ck_assert_uint_eq(tu_ledger_head(fx->store), head);
}

static uint64_t recorded(fixture *fx, const yh_result *r)
{
	refusals ref = { 0 };
	uint64_t seq = 0;
	int rc = yh_results_record(&seq, fx->store, FOOD, r, 1, collect, &ref);

	ck_assert_msg(rc == YH_OK, "refused: %s", ref.n ? ref.message[0] : yh_error_message());
	ck_assert_uint_eq(seq, tu_ledger_head(fx->store));
	return seq;
}

START_TEST(test_record_rules)
{
	fixture fx;
	const char *o[3];
	yh_result r;
	json_t *reserve, *p;
	char *kind = NULL, *payload;
	uint64_t seq, fix;

	fixture_open(&fx);
	/* a good result: recorded with its words as codes and every item of the task */
	r = result_of(&fx, 0, "未发现问题", "2026-12-03", o);
	seq = recorded(&fx, &r);
	payload = tu_ledger_payload(fx.store, seq, &kind);
	ck_assert_str_eq(kind, "result");
	p = tu_json(payload);
	ck_assert_str_eq(tu_jstr(p, "result"), "1");
	ck_assert_str_eq(tu_jstr(p, "method"), "实地检查");
	ck_assert_uint_eq(json_array_size(json_object_get(p, "items")), 2);
	json_decref(p);
	free(payload);
	free(kind);

	/* an entity that was not selected */
	r = result_of(&fx, 1, "1", "2026-12-03", o);
	r.entity_id = "91330100MA00000000";
	refused_with(&fx, &r, "entity_id", "was not selected in task 'T-2026-12-FOOD'");
	/* a reserve, before any substitution */
	reserve = json_array_get(json_object_get(fx.doc, "reserves"), 0);
	r.entity_id = tu_jstr(reserve, "id");
	refused_with(&fx, &r, "entity_id", "a reserve is inspected only after a recorded substitution");
	/* an officer not on the team */
	r = result_of(&fx, 1, "1", "2026-12-03", o);
	o[1] = stranger(&fx, 1);
	refused_with(&fx, &r, "officers", "is not on the team of entity");
	/* one officer */
	r = result_of(&fx, 1, "1", "2026-12-03", o);
	r.nofficers = 1;
	refused_with(&fx, &r, "officers", "needs at least two certified officers");
	/* dates */
	r = result_of(&fx, 1, "1", "2026-11-30", o);
	refused_with(&fx, &r, "date", "date 2026-11-30 is before the draw (2026-12-01)");
	r = result_of(&fx, 1, "1", "2026-12-11", o);
	refused_with(&fx, &r, "date", "date 2026-12-11 is in the future (today is 2026-12-10)");
	/* a code */
	r = result_of(&fx, 1, "Z", "2026-12-03", o);
	refused_with(&fx, &r, "result", "unknown result code 'Z'");
	/* a second result without a correction */
	r = result_of(&fx, 0, "A", "2026-12-04", o);
	refused_with(&fx, &r, "replaces", "has a result already");
	/* a correction naming another entry, and one without its reason */
	r.replaces = seq - 1;
	r.reason = "复核后更正";
	refused_with(&fx, &r, "replaces", "the correction names entry");
	r.replaces = seq;
	r.reason = NULL;
	refused_with(&fx, &r, "reason", "the correction's reason is missing");
	/* a correction naming the result in force, with its reason */
	r.reason = "企业异议，复核后更正 (art. 12)";
	r.follow_up = "责令改正";
	fix = recorded(&fx, &r);
	payload = tu_ledger_payload(fx.store, fix, &kind);
	p = tu_json(payload);
	ck_assert_int_eq(tu_jint(p, "replaces"), (json_int_t)seq);
	ck_assert_str_eq(tu_jstr(p, "result"), "A");
	ck_assert_str_eq(tu_jstr(p, "follow_up"), "责令改正");
	json_decref(p);
	free(payload);
	free(kind);
	fixture_close(&fx);
}
END_TEST

/* A batch is checked in order, each against what the earlier ones leave; all or nothing. */
START_TEST(test_record_batch)
{
	fixture fx;
	const char *o[3][3];
	yh_result r[3];
	refusals ref = { 0 };
	uint64_t head, seq;

	fixture_open(&fx);
	head = tu_ledger_head(fx.store);
	r[0] = result_of(&fx, 2, "1", "2026-12-05", o[0]);
	r[1] = result_of(&fx, 2, "E", "2026-12-06", o[1]);   /* the same entity: refused */
	r[2] = result_of(&fx, 3, "1", "2026-12-05", o[2]);
	ck_assert_int_eq(yh_results_record(&seq, fx.store, FOOD, r, 3, collect, &ref), YH_EDATA);
	ck_assert_uint_eq(ref.n, 1);
	ck_assert_uint_eq(ref.index[0], 1);
	/* the entry the first would have had is named */
	ck_assert_msg(strstr(ref.message[0], "(entry ") && strstr(ref.message[0], "has a result already"),
	              "%s", ref.message[0]);
	ck_assert_uint_eq(tu_ledger_head(fx.store), head);
	/* the second a correction of the first, named by the entry it gets: all three recorded */
	r[1].replaces = head + 1;
	r[1].reason = "整改完成后更正";
	ref.n = 0;
	ck_assert_msg(yh_results_record(&seq, fx.store, FOOD, r, 3, collect, &ref) == YH_OK, "%s",
	              ref.n ? ref.message[0] : yh_error_message());
	ck_assert_uint_eq(seq, head + 1);
	ck_assert_uint_eq(tu_ledger_head(fx.store), head + 3);
	fixture_close(&fx);
}
END_TEST

/* ---- reassignment and substitution ----------------------------------------------------- */

static int conflicted(const char *entity_id, const char *officer)
{
	char *text = tu_read(tu_fixture("conflicts.csv"), NULL), line[128];
	int found;

	snprintf(line, sizeof(line), "%s,%s,", entity_id, officer);
	found = strstr(text, line) != NULL;
	free(text);
	return found;
}

START_TEST(test_reassign)
{
	fixture fx;
	char *entry = NULL, *kind = NULL, *payload;
	const char *id, *out, *keep, *in;
	json_t *e, *team;
	uint64_t seq = 0, head;
	size_t i;
	int rc;

	fixture_open(&fx);
	id = entity(&fx, 4);
	out = member(&fx, 4, 0);
	keep = member(&fx, 4, 1);
	rc = yh_results_reassign(&entry, &seq, fx.store, FOOD, id, out, "recusal", "当事人提出回避申请");
	ck_assert_msg(rc == YH_OK, "%s", yh_error_message());
	ck_assert_uint_eq(seq, tu_ledger_head(fx.store));
	e = tu_json(entry);
	in = tu_jstr(json_object_get(e, "replacement"), "id");
	ck_assert_str_ne(in, out);
	ck_assert_str_ne(in, keep);
	ck_assert_msg(!conflicted(id, in), "the replacement %s has a conflict with %s", in, id);
	team = json_object_get(e, "team");
	ck_assert_uint_eq(json_array_size(team), 2);
	for (i = 0; i < 2; i++)
		ck_assert_str_ne(json_string_value(json_array_get(team, i)), out);
	payload = tu_ledger_payload(fx.store, seq, &kind);
	ck_assert_str_eq(kind, "reassign");
	ck_assert_ptr_nonnull(strstr(payload, "当事人提出回避申请"));
	free(payload);
	free(kind);
	/* the officer has left the team: a second reassignment of him fails */
	head = tu_ledger_head(fx.store);
	free(entry);
	entry = NULL;
	rc = yh_results_reassign(&entry, &seq, fx.store, FOOD, id, out, "recusal", "again");
	ck_assert_int_eq(rc, YH_EDATA);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "not on the team"));
	ck_assert_uint_eq(tu_ledger_head(fx.store), head);
	json_decref(e);
	free(entry);
	fixture_close(&fx);
}
END_TEST

/* A copy of the entities register with entity id's status (the 7th column) set to status. */
static void entities_with_status(const char *path, const char *id, const char *status)
{
	char *text = tu_read(tu_fixture("entities.csv"), NULL), *line, *end, *p;
	tu_buf b = { 0 };
	size_t field;

	line = strstr(text, id);
	ck_assert_ptr_nonnull(line);
	end = strchr(line, '\r');
	ck_assert_ptr_nonnull(end);
	for (p = line, field = 0; field < 6; p++) {
		ck_assert_msg(p < end && *p != '"', "line of %s is quoted", id);
		if (*p == ',')
			field++;
	}
	tu_buf_add(&b, text, (size_t)(p - text));
	tu_buf_str(&b, status);
	tu_buf_str(&b, strchr(p, ','));
	tu_write_str(path, b.s);
	free(b.s);
	free(text);
}

START_TEST(test_substitute)
{
	fixture fx;
	yh_import_report rep;
	char *entry = NULL;
	const char *id, *stratum, *want = NULL;
	json_t *e, *reserves, *r;
	uint64_t seq = 0, head, best = 0;
	size_t i, k;
	int rc;

	fixture_open(&fx);
	/* an entity of a stratum that has a reserve, with its line unquoted */
	reserves = json_object_get(fx.doc, "reserves");
	for (k = 0, id = NULL; !id && k < json_array_size(json_object_get(fx.doc, "selected")); k++) {
		char *text = tu_read(tu_fixture("entities.csv"), NULL), *line = strstr(text, entity(&fx, k));
		int quoted = !line || (strchr(line, '"') && strchr(line, '"') < strchr(line, '\r'));

		free(text);
		stratum = tu_jstr(selected(&fx, k), "stratum");
		json_array_foreach(reserves, i, r)
			if (!quoted && strcmp(tu_jstr(r, "stratum"), stratum) == 0)
				id = entity(&fx, k);
	}
	ck_assert_ptr_nonnull(id);
	stratum = tu_jstr(selected(&fx, k - 1), "stratum");
	json_array_foreach(reserves, i, r)
		if (strcmp(tu_jstr(r, "stratum"), stratum) == 0 &&
		    (!want || (uint64_t)tu_jint(r, "order") < best)) {
			want = tu_jstr(r, "id");
			best = (uint64_t)tu_jint(r, "order");
		}
	/* active in the register: refused, saying a closed or unreachable entity gets 6 or 7 */
	head = tu_ledger_head(fx.store);
	rc = yh_results_substitute(&entry, &seq, fx.store, FOOD, id, "已注销");
	ck_assert_int_eq(rc, YH_EDATA);
	ck_assert_msg(strstr(yh_error_message(), "result 6 or 7"), "%s", yh_error_message());
	ck_assert_uint_eq(tu_ledger_head(fx.store), head);
	/* deregistered since the freeze: the stratum's first reserve takes its place */
	entities_with_status(tu_path("entities-gone.csv"), id, "注销");
	tu_import_ok(&rep, fx.store, YH_REGISTER_ENTITIES, tu_path("entities-gone.csv"), NULL);
	ck_assert_uint_eq(rep.changed, 1);
	/* the status as of a sequence, as the audit reads it: active before the import, gone after */
	{
		char status[YH_STATUS_MAX];
		uint64_t at = tu_ledger_head(fx.store);

		ck_assert_int_eq(yh_results_entity_gone(status, fx.store, at - 1, id), YH_EDATA);
		ck_assert_str_eq(status, "active");
		ck_assert_int_eq(yh_results_entity_gone(status, fx.store, at, id), YH_OK);
		ck_assert_str_eq(status, "deregistered");
		ck_assert_int_eq(yh_results_entity_gone(status, fx.store, 0, "91330100MA00000000"), YH_OK);
		ck_assert_str_eq(status, "absent");
	}
	rc = yh_results_substitute(&entry, &seq, fx.store, FOOD, id, "该企业已办理注销登记");
	ck_assert_msg(rc == YH_OK, "%s", yh_error_message());
	e = tu_json(entry);
	ck_assert_str_eq(tu_jstr(json_object_get(e, "substitute"), "id"), want);
	ck_assert_int_eq(tu_jint(e, "reserve_order"), (json_int_t)best);
	ck_assert_str_eq(tu_jstr(json_object_get(e, "register"), "status"), "deregistered");
	ck_assert_uint_eq(json_array_size(json_object_get(e, "team")), 2);
	json_decref(e);
	free(entry);
	fixture_close(&fx);
}
END_TEST

/* ---- importing a file ------------------------------------------------------------------ */

static int import_file(yh_results_import_report *rep, fixture *fx, const char *path, tu_diags *ds)
{
	yh_results_import_options opt = YH_RESULTS_IMPORT_OPTIONS_INIT;

	memset(ds, 0, sizeof(*ds));
	opt.on_diagnostic = tu_collect;
	opt.diagnostic_ctx = ds;
	return yh_results_import(rep, fx->store, FOOD, path, &opt);
}

static void assert_diag(const tu_diags *ds, uint64_t line, const char *column, const char *text)
{
	const tu_diag *d = tu_diag_find(ds, line, column);

	ck_assert_msg(d, "no diagnostic on line %llu, column %s", (unsigned long long)line, column);
	ck_assert_msg(strstr(d->message, text), "line %llu: '%s' lacks '%s'", (unsigned long long)line,
	              d->message, text);
}

START_TEST(test_import_good)
{
	fixture fx;
	yh_results_import_report rep;
	tu_diags ds;
	tu_buf b = { 0 };
	char *gb, *kind = NULL, *payload;
	json_t *p;
	size_t len;
	int rc;

	fixture_open(&fx);
	/* English headers in another order, three date forms, every separator */
	tu_buf_str(&b, "officers,date,entity_id,result,items,method,follow_up,note\n");
	tu_buf_fmt(&b, "%s；%s,2026/12/5,%s,no_problem,,,,\n", member(&fx, 0, 0), member(&fx, 0, 1),
	           entity(&fx, 0));
	tu_buf_fmt(&b, "%s、%s,2026年12月6日,%s,发现问题待后续处理,SP-01|SP-02,书面检查,责令改正,\"备注,含逗号\"\n",
	           member(&fx, 1, 0), member(&fx, 1, 1), entity(&fx, 1));
	tu_buf_fmt(&b, "%s|%s,2026-12-07,%s,通过登记的住所（经营场所）无法联系,,,抄告相关部门,\n",
	           member(&fx, 2, 0), member(&fx, 2, 1), entity(&fx, 2));
	gb = tu_iconv("GB18030", b.s, &len);
	tu_write(tu_path("results-gb.csv"), gb, len);
	rc = import_file(&rep, &fx, tu_path("results-gb.csv"), &ds);
	ck_assert_msg(rc == YH_OK, "%s (%s)", yh_error_message(), ds.n ? ds.d[0].message : "");
	ck_assert_uint_eq(rep.rows, 3);
	ck_assert_uint_eq(rep.results, 3);
	ck_assert_str_eq(rep.encoding, "gb18030");
	ck_assert_uint_eq(rep.warnings, 1);    /* read as GB18030 */
	ck_assert_uint_eq(rep.last_seq, tu_ledger_head(fx.store));
	ck_assert_uint_eq(rep.first_seq + 2, rep.last_seq);
	payload = tu_ledger_payload(fx.store, rep.first_seq + 1, &kind);
	p = tu_json(payload);
	ck_assert_str_eq(tu_jstr(p, "date"), "2026-12-06");
	ck_assert_str_eq(tu_jstr(p, "result"), "A");
	ck_assert_str_eq(tu_jstr(p, "method"), "书面检查");
	ck_assert_str_eq(tu_jstr(p, "note"), "备注,含逗号");
	ck_assert_uint_eq(json_array_size(json_object_get(p, "items")), 2);
	json_decref(p);
	free(payload);
	free(kind);
	payload = tu_ledger_payload(fx.store, rep.last_seq, &kind);
	p = tu_json(payload);
	ck_assert_str_eq(tu_jstr(p, "result"), "6");
	json_decref(p);
	free(payload);
	free(kind);
	free(gb);
	free(b.s);
	fixture_close(&fx);
}
END_TEST

/* fixtures/results.csv and its GB18030 copy fit the food vector's draw */
START_TEST(test_import_fixtures)
{
	static const char *const files[] = { "results.csv", "results-gb18030.csv" };
	yh_results_import_report rep;
	tu_diags ds;
	json_t *state;
	fixture fx;
	char *vector = tu_read(tu_fixture("vectors/food/draw.json"), NULL);
	json_t *v = tu_json(vector);
	int rc;

	fixture_open(&fx);
	ck_assert_msg(json_equal(json_object_get(v, "selected"), json_object_get(fx.doc, "selected")),
	              "the store's draw is not the food vector's");
	rc = import_file(&rep, &fx, tu_fixture(files[_i]), &ds);
	ck_assert_msg(rc == YH_OK, "%s: %s (%s)", files[_i], yh_error_message(),
	              ds.n ? ds.d[0].message : "");
	ck_assert_uint_eq(rep.results, 14);
	ck_assert_uint_eq(rep.warnings, (unsigned)_i);   /* the GB18030 copy: read as GB18030 */
	ck_assert_int_eq(yh_results_state(&state, fx.store, FOOD, 0), YH_OK);
	ck_assert_int_eq(tu_jint(json_object_get(state, "summary"), "pending"), 3);
	json_decref(state);
	json_decref(v);
	free(vector);
	fixture_close(&fx);
}
END_TEST

START_TEST(test_import_bad_lines)
{
	fixture fx;
	yh_results_import_report rep;
	tu_diags ds;
	tu_buf b = { 0 };
	char *before, *after;
	int rc;

	fixture_open(&fx);
	tu_buf_str(&b, "统一社会信用代码,检查结果,检查日期,检查人员,更正条目,更正原因\n");
	/* 2: good */
	tu_buf_fmt(&b, "%s,1,2026-12-03,%s;%s,,\n", entity(&fx, 0), member(&fx, 0, 0), member(&fx, 0, 1));
	/* 3: an officer not on the team */
	tu_buf_fmt(&b, "%s,1,2026-12-03,%s;%s,,\n", entity(&fx, 1), member(&fx, 1, 0), stranger(&fx, 1));
	/* 4: a date that is no date */
	tu_buf_fmt(&b, "%s,1,2026-02-30,%s;%s,,\n", entity(&fx, 2), member(&fx, 2, 0), member(&fx, 2, 1));
	/* 5: not selected */
	tu_buf_fmt(&b, "91330100MA00000000,1,2026-12-03,%s;%s,,\n", member(&fx, 3, 0), member(&fx, 3, 1));
	/* 6: an unknown code */
	tu_buf_fmt(&b, "%s,拒绝检查,2026-12-03,%s;%s,,\n", entity(&fx, 3), member(&fx, 3, 0), member(&fx, 3, 1));
	/* 7: a second result of line 2's entity without a correction */
	tu_buf_fmt(&b, "%s,E,2026-12-04,%s;%s,,\n", entity(&fx, 0), member(&fx, 0, 0), member(&fx, 0, 1));
	/* 8: a reason without an entry to correct */
	tu_buf_fmt(&b, "%s,1,2026-12-04,%s;%s,,更正\n", entity(&fx, 4), member(&fx, 4, 0), member(&fx, 4, 1));
	/* 9: a date in the future */
	tu_buf_fmt(&b, "%s,1,2026-12-31,%s;%s,,\n", entity(&fx, 5), member(&fx, 5, 0), member(&fx, 5, 1));
	tu_write_str(tu_path("bad.csv"), b.s);
	before = tu_store_fingerprint(fx.store);
	rc = import_file(&rep, &fx, tu_path("bad.csv"), &ds);
	ck_assert_int_eq(rc, YH_EDATA);
	ck_assert_uint_eq(rep.errors, 7);
	ck_assert_uint_eq(tu_diag_errors(&ds), 7);
	ck_assert_ptr_null(tu_diag_find(&ds, 2, NULL));
	assert_diag(&ds, 3, "检查人员", "is not on the team of entity");
	assert_diag(&ds, 4, "检查日期", "'2026-02-30' is not a date");
	assert_diag(&ds, 5, "统一社会信用代码", "was not selected");
	assert_diag(&ds, 6, "检查结果", "unknown result code '拒绝检查'");
	assert_diag(&ds, 7, "更正条目", "has a result already");
	assert_diag(&ds, 8, "更正原因", "no entry to correct (更正条目)");
	assert_diag(&ds, 9, "检查日期", "is in the future");
	/* in line order */
	ck_assert_uint_eq(ds.d[0].line, 3);
	ck_assert_uint_eq(ds.d[6].line, 9);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "7 errors"));
	ck_assert_uint_eq(rep.first_seq, 0);
	after = tu_store_fingerprint(fx.store);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	free(b.s);
	fixture_close(&fx);
}
END_TEST

START_TEST(test_import_header)
{
	fixture fx;
	yh_results_import_report rep;
	tu_diags ds;
	uint64_t head;

	fixture_open(&fx);
	head = tu_ledger_head(fx.store);
	tu_write_str(tu_path("h.csv"), "entity_id,检查结果,检查日期,企业地址,结果\n");
	ck_assert_int_eq(import_file(&rep, &fx, tu_path("h.csv"), &ds), YH_EDATA);
	ck_assert_uint_eq(rep.errors, 3);
	ck_assert_ptr_nonnull(strstr(ds.d[0].message, "unknown column '企业地址'"));
	ck_assert_ptr_nonnull(strstr(ds.d[1].message, "unknown column '结果'"));
	ck_assert_ptr_nonnull(strstr(ds.d[2].message, "missing required column 'officers' (检查人员)"));
	/* no data rows */
	tu_write_str(tu_path("empty.csv"), "entity_id,result,date,officers\n");
	ck_assert_int_eq(import_file(&rep, &fx, tu_path("empty.csv"), &ds), YH_EDATA);
	ck_assert_ptr_nonnull(strstr(ds.d[0].message, "no data rows"));
	/* a task that is not drawn */
	tu_write_str(tu_path("one.csv"), "entity_id,result,date,officers\nX,1,2026-12-03,a;b\n");
	ck_assert_int_eq(yh_results_import(&rep, fx.store, "T-NONE", tu_path("one.csv"), NULL),
	                 YH_ENOTFOUND);
	ck_assert_uint_eq(tu_ledger_head(fx.store), head);
	fixture_close(&fx);
}
END_TEST

/* ---- verifying a results document (results_verify.c) ---------------------------------- */

/* yh_results_verify on the vector's results document, its draw document and (when registers)
 * the frozen officer register and conflicts; the report (json_decref it). */
static json_t *verify_vector(const char *vector, const char *results, int registers)
{
	yh_verify_inputs in = YH_VERIFY_INPUTS_INIT;
	char draw[512], ins[512], con[512];
	json_t *rep = NULL;

	snprintf(draw, sizeof(draw), "%s", tu_fixture(vector));
	strcat(draw, "/draw.json");
	snprintf(ins, sizeof(ins), "%s/inspectors.csv", tu_fixture(vector));
	snprintf(con, sizeof(con), "%s/conflicts.csv", tu_fixture(vector));
	if (registers) {
		in.inspectors = ins;
		in.conflicts = con;
	}
	ck_assert_int_eq(yh_results_verify(&rep, results, draw, &in), YH_OK);
	return rep;
}

/* The results document with one change, written to name: the payload member `member` of the
 * first entry of `kind` set to `value` (the entry's hash and signatures left as they were). */
static const char *tampered(const char *vector, const char *kind, const char *member,
                            json_t *value, const char *name)
{
	char path[512];
	json_t *doc, *e;
	size_t i;

	snprintf(path, sizeof(path), "%s/results.json", tu_fixture(vector));
	doc = json_load_file(path, 0, NULL);
	ck_assert_ptr_nonnull(doc);
	json_array_foreach(json_object_get(doc, "entries"), i, e)
		if (strcmp(tu_jstr(e, "kind"), kind) == 0) {
			json_object_set_new(json_object_get(e, "payload"), member, value);
			break;
		}
	ck_assert_uint_lt(i, json_array_size(json_object_get(doc, "entries")));
	ck_assert_int_eq(json_dump_file(doc, tu_path(name), JSON_INDENT(2) | JSON_SORT_KEYS), 0);
	json_decref(doc);
	return tu_path(name);
}

START_TEST(test_verify_vectors)
{
	static const char *const vectors[] = { "vectors/bind", "vectors/joint" };
	char path[512];
	size_t i;

	for (i = 0; i < 2; i++) {
		json_t *rep;

		snprintf(path, sizeof(path), "%s/results.json", tu_fixture(vectors[i]));
		rep = verify_vector(vectors[i], path, 1);
		ck_assert_msg(json_is_true(json_object_get(rep, "ok")), "%s: not verified", vectors[i]);
		ck_assert_str_eq(tu_check_status(rep, "replacements"), "passed");
		ck_assert_str_eq(tu_check_status(rep, "inspections"), "passed");
		json_decref(rep);
		/* without the registers the picks are not recomputed, and the report says so */
		rep = verify_vector(vectors[i], path, 0);
		ck_assert(json_is_true(json_object_get(rep, "ok")));
		ck_assert_str_eq(tu_check_status(rep, "replacements"), "skipped");
		json_decref(rep);
	}
}
END_TEST

START_TEST(test_verify_tampered)
{
	json_t *rep;

	/* a result code changed: the entry's hash no longer matches */
	rep = verify_vector("vectors/bind", tampered("vectors/bind", "result", "result",
	                                             json_string("B"), "code.json"), 1);
	ck_assert(!json_is_true(json_object_get(rep, "ok")));
	ck_assert_str_eq(tu_check_status(rep, "entries"), "failed");
	ck_assert_msg(strstr(tu_check_detail(rep, "entries"), "hash is not the hash of its fields"),
	              "%s", tu_check_detail(rep, "entries"));
	json_decref(rep);
	/* a reassignment's replacement changed: the same, before any rule */
	rep = verify_vector("vectors/joint", tampered("vectors/joint", "reassign", "cause",
	                                              json_string("unavailable"), "cause.json"), 1);
	ck_assert(!json_is_true(json_object_get(rep, "ok")));
	ck_assert_str_eq(tu_check_status(rep, "entries"), "failed");
	json_decref(rep);
}
END_TEST

/* ---- the audit of what follows a draw (audit_events.c) ---------------------------------- */

START_TEST(test_audit_events)
{
	fixture fx;
	yh_result r;
	const char *o[2];
	json_t *rep = NULL;
	sqlite3 *db;
	char *entry = NULL;
	uint64_t seq, res;

	fixture_open(&fx);
	r = result_of(&fx, 0, "1", "2026-12-03", o);
	res = recorded(&fx, &r);
	ck_assert_int_eq(yh_results_reassign(&entry, &seq, fx.store, FOOD, entity(&fx, 1),
	                                     member(&fx, 1, 0), "recusal", "当事人申请回避"), YH_OK);
	free(entry);
	ck_assert_int_eq(yh_audit_run(&rep, fx.store, NULL, NULL, NULL), YH_OK);
	ck_assert_msg(json_is_true(json_object_get(rep, "ok")), "%s", tu_check_detail(rep, "ledger"));
	ck_assert_str_eq(tu_check_status(rep, "after draws"), "passed");
	json_decref(rep);
	/* the index of the task's entries loses a row, written around the ledger */
	yh_store_close(fx.store);
	db = tu_sql_open(tu_path("yaohao.db"));
	tu_sql_exec(db, "DROP TRIGGER task_event_no_delete");
	tu_sql_exec(db, "DELETE FROM task_event WHERE kind = 'result'");
	tu_sql_close(db);
	ck_assert_int_eq(yh_store_open(&fx.store, tu_path("yaohao.db")), YH_OK);
	ck_assert_int_eq(yh_audit_run(&rep, fx.store, NULL, NULL, NULL), YH_OK);
	ck_assert(!json_is_true(json_object_get(rep, "ok")));
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(rep, "first_failure"),
	                                                    "seq")), (json_int_t)res);
	ck_assert_msg(strstr(tu_check_detail(rep, "ledger"), "missing from the store's index"), "%s",
	              tu_check_detail(rep, "ledger"));
	json_decref(rep);
	fixture_close(&fx);
}
END_TEST

static Suite *results_suite(void)
{
	Suite *s = suite_create("results");
	TCase *tc = tu_tcase(s, "results", TU_TMPDIR, 60);

	tcase_add_test(tc, test_record_rules);
	tcase_add_test(tc, test_record_batch);
	tcase_add_test(tc, test_reassign);
	tcase_add_test(tc, test_substitute);
	tcase_add_test(tc, test_import_good);
	tcase_add_loop_test(tc, test_import_fixtures, 0, 2);
	tcase_add_test(tc, test_import_bad_lines);
	tcase_add_test(tc, test_import_header);
	tcase_add_test(tc, test_verify_vectors);
	tcase_add_test(tc, test_verify_tampered);
	tcase_add_test(tc, test_audit_events);
	return s;
}

TU_MAIN(results_suite)
