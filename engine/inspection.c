/* inspection.c — the inspections of a drawn task as they stand after the draw (docs/spec.md
 * §18): the state replayed from the draw and the task's events, and the rules each event
 * must meet, the picking rules of reassignment and substitution among them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "inspection.h"
#include "report.h"
#include "text.h"
#include "error.h"

/* ---- the words of §18 ------------------------------------------------------------------ */

typedef struct {
	const char *code, *name, *alias;
} word;

static const word result_codes[] = {
	{ "1", "未发现问题", "no_problem" },
	{ "A", "发现问题待后续处理", "problem_pending" },
	{ "B", "未按规定公示应当公示的信息", "not_disclosed" },
	{ "C", "公示信息隐瞒真实情况弄虚作假", "false_disclosure" },
	{ "E", "发现问题经责令已改正", "corrected" },
	{ "F", "未发现开展本次抽查涉及的经营活动", "no_activity" },
	{ "6", "通过登记的住所(经营场所)无法联系", "unreachable" },
	{ "7", "已关闭停业或正在组织清算", "closed" },
	{ "8", "不配合检查情节严重", "obstruction" },
	{ "9", "注销", "deregistered" },
	{ "10", "被吊销", "revoked" },
	{ "11", "被撤销", "cancelled" },
	{ "12", "迁出", "moved_out" },
};

static const word methods[] = {
	{ "实地检查", "实地检查", "on_site" },
	{ "书面检查", "书面检查", "documents" },
	{ "网络监测", "网络监测", "online" },
	{ "检验检测", "检验检测", "testing" },
	{ "专业机构协助", "专业机构协助", "expert" },
	{ "其他部门结果", "其他部门结果/专业意见", "other_department" },
};

static const word follow_ups[] = {
	{ "无需后续处置", "无需后续处置", "none" },
	{ "停止检查", "停止检查", "stopped" },
	{ "责令改正", "责令改正", "order_correction" },
	{ "发现案件线索", "发现案件线索", "case_lead" },
	{ "抄告相关部门", "抄告相关部门", "referred" },
	{ "其他", "其他", "other" },
};

/* The half-width form of full-width brackets, so that 通过登记的住所（经营场所）无法联系 matches. */
static int same_word(const char *a, const char *b)
{
	static const char open_fw[] = "\xef\xbc\x88", close_fw[] = "\xef\xbc\x89";

	while (*a && *b) {
		if (*a == *b) {
			a++, b++;
		} else if ((strncmp(a, open_fw, 3) == 0 && *b == '(') ||
		           (strncmp(a, close_fw, 3) == 0 && *b == ')')) {
			a += 3, b++;
		} else if ((strncmp(b, open_fw, 3) == 0 && *a == '(') ||
		           (strncmp(b, close_fw, 3) == 0 && *a == ')')) {
			b += 3, a++;
		} else {
			return 0;
		}
	}
	return *a == *b;
}

static const char *lookup(const word *w, size_t n, const char *text)
{
	size_t i;

	if (!text)
		return NULL;
	for (i = 0; i < n; i++)
		if (strcmp(text, w[i].code) == 0 || same_word(text, w[i].name) ||
		    strcmp(text, w[i].alias) == 0)
			return w[i].code;
	return NULL;
}

#define NWORDS(a) (sizeof(a) / sizeof((a)[0]))

const char *yh_insp_result_code(const char *text)
{
	return lookup(result_codes, NWORDS(result_codes), text);
}

const char *yh_insp_result_name(const char *code)
{
	size_t i;

	for (i = 0; code && i < NWORDS(result_codes); i++)
		if (strcmp(code, result_codes[i].code) == 0)
			return result_codes[i].name;
	return NULL;
}

const char *yh_insp_method(const char *text)
{
	return lookup(methods, NWORDS(methods), text);
}

const char *yh_insp_follow_up(const char *text)
{
	return lookup(follow_ups, NWORDS(follow_ups), text);
}

/* ---- the state ------------------------------------------------------------------------- */

static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return YH_OK;
	{
		size_t c = *cap ? *cap * 2 : 16;
		void *p = realloc(*v, c * size);

		if (!p)
			return yh_error_set(YH_ENOMEM, "out of memory");
		memset((char *)p + *cap * size, 0, (c - *cap) * size);
		*v = p;
		*cap = c;
	}
	return YH_OK;
}

static int push_text(const char ***v, size_t *n, const char *text)
{
	const char **p = realloc(*v, (*n + 1) * sizeof(*p));

	if (!p)
		return yh_error_set(YH_ENOMEM, "out of memory");
	p[(*n)++] = text;
	*v = p;
	return YH_OK;
}

int yh_insp_new(yh_inspections **out, yh_draw_doc *doc, const unsigned char draw_hash[32])
{
	yh_inspections *s = calloc(1, sizeof(*s));
	size_t i, j;

	*out = NULL;
	if (!s || !(s->payloads = json_array())) {
		free(s);
		yh_draw_doc_free(doc);
		return yh_error_set(YH_ENOMEM, "out of memory");
	}
	s->doc = doc;
	s->recomputed = 1;
	memcpy(s->last_hash, draw_hash, 32);
	yh_ticketer_init(&s->tk, doc->seed.bytes);
	for (i = 0; i < doc->nselected; i++) {
		const yh_doc_selected *d = &doc->selected[i];
		yh_insp_entity *e;

		if (grow((void **)&s->v, &s->cap, s->n, sizeof(*s->v)) < 0) {
			yh_insp_free(s);
			return YH_ENOMEM;
		}
		e = &s->v[s->n++];
		e->id = d->id;
		e->name = d->name;
		e->stratum = d->stratum;
		e->rank = d->rank;
		for (j = 0; j < d->nteam && j < YH_TEAM_MAX; j++) {
			e->team[j].id = d->team[j].id;
			e->team[j].name = d->team[j].name;
			e->team[j].department = d->team[j].department;
			memcpy(e->team[j].pair_ticket, d->team[j].pair_ticket, 32);
		}
		e->nteam = j;
	}
	*out = s;
	return YH_OK;
}

void yh_insp_free(yh_inspections *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++)
		free(s->v[i].removed);
	free(s->v);
	free(s->unavailable);
	json_decref(s->payloads);
	yh_draw_doc_free(s->doc);
	free(s);
}

yh_insp_entity *yh_insp_find(yh_inspections *s, const char *id)
{
	size_t i;

	for (i = s->n; i-- > 0;)
		if (strcmp(s->v[i].id, id) == 0)
			return &s->v[i];
	return NULL;
}

yh_insp_entity *yh_insp_active(yh_inspections *s, const char *id)
{
	yh_insp_entity *e = yh_insp_find(s, id);

	return e && !e->substituted_by ? e : NULL;
}

static int on_team(const yh_insp_entity *e, const char *officer)
{
	size_t i;

	for (i = 0; i < e->nteam; i++)
		if (strcmp(e->team[i].id, officer) == 0)
			return 1;
	return 0;
}

static int listed(const char *const *v, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], id) == 0)
			return 1;
	return 0;
}

/* ---- reading a payload ----------------------------------------------------------------- */

static const char *text_of(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* A clean text of 1..max bytes: what every free-text member must be. */
static int clean_text(const char *what, const char *v, size_t max)
{
	char why[128];

	if (!v || !*v)
		return yh_error_set(YH_EDATA, "%s is missing", what);
	if (strlen(v) > max)
		return yh_error_set(YH_EDATA, "%s: longer than %zu bytes", what, max);
	if (yh_text_check(v, strlen(v), why, sizeof(why)) != 0)
		return yh_error_set(YH_EDATA, "%s: %s", what, why);
	return YH_OK;
}

/* Why an entity cannot take an event: not selected, a reserve, or substituted out. */
int yh_insp_not_in_force(yh_inspections *s, const char *id, const char *what)
{
	yh_insp_entity *e = yh_insp_find(s, id);
	const yh_doc_reserve *r = yh_draw_doc_reserve(s->doc, id);

	if (e && e->substituted_by)
		return yh_error_set(YH_EDATA, "%s: entity '%s' was substituted by '%s' in task '%s'",
		                    what, id, e->substituted_by, s->doc->task_id);
	if (r)
		return yh_error_set(YH_EDATA, "%s: entity '%s' is reserve %llu of stratum '%s' in task "
		                    "'%s', not selected: a reserve is inspected only after a recorded "
		                    "substitution", what, id, (unsigned long long)r->order, r->stratum,
		                    s->doc->task_id);
	return yh_error_set(YH_EDATA, "%s: entity '%s' was not selected in task '%s'", what, id,
	                    s->doc->task_id);
}

static int check_chain(yh_inspections *s, json_t *p, const char *kind)
{
	char hex[65];
	const char *task = text_of(p, "task_id"), *prev = text_of(p, "prev");

	if (!task || strcmp(task, s->doc->task_id) != 0)
		return yh_error_set(YH_EDATA, "%s entry: task_id is not '%s'", kind, s->doc->task_id);
	yh_hex(hex, s->last_hash, 32);
	if (!prev || strcmp(prev, hex) != 0)
		return yh_error_set(YH_EDATA, "%s entry: prev is not the hash of the task's previous "
		                    "entry (%s): an entry of the task is missing or out of order", kind, hex);
	return YH_OK;
}

/* The inspection date: YYYY-MM-DD, not before the draw, not after the day of the entry. */
static int check_date(yh_inspections *s, json_t *p)
{
	const char *date = text_of(p, "date"), *time = text_of(p, "time");
	char today[11];

	if (!date || strlen(date) != 10 || !yh_text_is_date(date, 10))
		return yh_error_set(YH_EDATA, "result: date '%s' is not a date (YYYY-MM-DD)",
		                    date ? date : "");
	if (strcmp(date, s->doc->task->draw_date) < 0)
		return yh_error_set(YH_EDATA, "result: date %s is before the draw (%s)", date,
		                    s->doc->task->draw_date);
	if (!time || yh_clock_stamp_date(today, time) < 0)
		return yh_error_set(YH_EDATA, "result: the entry's time '%s' is not a ledger time stamp",
		                    time ? time : "");
	if (strcmp(date, today) > 0)
		return yh_error_set(YH_EDATA, "result: date %s is in the future (today is %s)", date, today);
	return YH_OK;
}

static int check_officers(yh_insp_entity *e, json_t *list)
{
	size_t i, j;

	if (!json_is_array(list) || json_array_size(list) < 2)
		return yh_error_set(YH_EDATA, "result: %zu officer(s) for entity '%s': an inspection "
		                    "needs at least two certified officers (行政处罚法 art. 42)",
		                    json_is_array(list) ? json_array_size(list) : 0, e->id);
	for (i = 0; i < json_array_size(list); i++) {
		const char *o = json_string_value(json_array_get(list, i));

		if (!o)
			return yh_error_set(YH_EDATA, "result: officers[%zu] is not a text", i);
		for (j = 0; j < i; j++)
			if (strcmp(o, json_string_value(json_array_get(list, j))) == 0)
				return yh_error_set(YH_EDATA, "result: officer '%s' is named twice", o);
		if (!on_team(e, o))
			return yh_error_set(YH_EDATA, "result: officer '%s' is not on the team of entity "
			                    "'%s' (nor its recorded replacement)", o, e->id);
	}
	return YH_OK;
}

static int check_items(yh_inspections *s, json_t *list)
{
	const yh_task *t = s->doc->task;
	size_t i, j;

	if (!json_is_array(list) || json_array_size(list) == 0)
		return yh_error_set(YH_EDATA, "result: items must list at least one check item");
	for (i = 0; i < json_array_size(list); i++) {
		const char *c = json_string_value(json_array_get(list, i));

		for (j = 0; c && j < t->items.n && strcmp(c, t->items.v[j]) != 0; j++)
			;
		if (!c || j == t->items.n)
			return yh_error_set(YH_EDATA, "result: item '%s' is not a check item of task '%s'",
			                    c ? c : "", t->id);
	}
	return YH_OK;
}

/* Names the payload member a refusal concerns (s->field), for a reader that reports it. */
#define CONCERNING(member, check) \
	do { s->field = (member); if ((rc = (check)) < 0) return rc; } while (0)

/* "1, A, B, …" or "实地检查, 书面检查, …": what a word may be. */
static void list_words(char *buf, size_t size, const word *w, size_t n, int codes)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < n && len + 1 < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "",
		                        codes ? w[i].code : w[i].name);
}

static int known(const char *value, const char *code, const word *w, size_t n, const char *what)
{
	char valid[512];

	if (!value || !code || strcmp(code, value) != 0) {
		list_words(valid, sizeof(valid), w, n, w == result_codes);
		return yh_error_set(YH_EDATA, "result: unknown %s '%s' (one of: %s)", what,
		                    value ? value : "", valid);
	}
	return YH_OK;
}

static int check_correction(yh_inspections *s, const yh_insp_entity *e, json_t *p)
{
	json_t *replaces = json_object_get(p, "replaces");
	int rc;

	s->field = "replaces";
	if (!replaces && json_object_get(p, "reason"))
		return yh_error_set(YH_EDATA, "result: a reason without an entry it corrects: only a "
		                    "correction carries one");
	if (e->result && !replaces)
		return yh_error_set(YH_EDATA, "result: entity '%s' has a result already (entry %llu): "
		                    "a result is never overwritten; record a correction that names it",
		                    e->id, (unsigned long long)e->result_seq);
	if (!replaces)
		return YH_OK;
	if (!e->result)
		return yh_error_set(YH_EDATA, "result: a correction of entity '%s', which has no result "
		                    "to correct", e->id);
	if (!json_is_integer(replaces) || (uint64_t)json_integer_value(replaces) != e->result_seq)
		return yh_error_set(YH_EDATA, "result: the correction names entry %lld; the result in "
		                    "force for entity '%s' is entry %llu",
		                    (long long)json_integer_value(replaces), e->id,
		                    (unsigned long long)e->result_seq);
	CONCERNING("reason", clean_text("result: the correction's reason", text_of(p, "reason"), 1024));
	return YH_OK;
}

static int apply_result(yh_inspections *s, uint64_t seq, json_t *p)
{
	const char *id = text_of(p, "entity_id"), *code = text_of(p, "result");
	const char *method = text_of(p, "method"), *follow = text_of(p, "follow_up");
	yh_insp_entity *e;
	int rc;

	s->field = "entity_id";
	if (!id || !(e = yh_insp_active(s, id)))
		return yh_insp_not_in_force(s, id ? id : "", "result");
	CONCERNING("result", known(code, yh_insp_result_code(code), result_codes, NWORDS(result_codes),
	                           "result code"));
	CONCERNING("method", known(method, yh_insp_method(method), methods, NWORDS(methods),
	                           "check method"));
	CONCERNING("follow_up", known(follow, yh_insp_follow_up(follow), follow_ups,
	                              NWORDS(follow_ups), "follow-up"));
	CONCERNING("date", check_date(s, p));
	CONCERNING("officers", check_officers(e, json_object_get(p, "officers")));
	CONCERNING("items", check_items(s, json_object_get(p, "items")));
	if (text_of(p, "note"))
		CONCERNING("note", clean_text("result: note", text_of(p, "note"), 4096));
	if ((rc = check_correction(s, e, p)) < 0)
		return rc;
	if (json_object_get(p, "replaces"))
		s->corrections++;
	else
		s->results++;
	e->result = p;
	e->result_seq = seq;
	e->nresults++;
	e->disclosed = 0;
	return YH_OK;
}

/* ---- the picking rules ----------------------------------------------------------------- */

static int officer_of(const yh_officer **out, yh_frozen *f, const char *id)
{
	if (!(*out = yh_frozen_officer(f, id)))
		return yh_error_set(YH_EDATA, "officer '%s' is not an eligible officer of the register "
		                    "frozen by the draw", id);
	return YH_OK;
}

/* Loads as they stand: the seats every entity in force holds, skip's excepted. */
static int set_loads(yh_inspections *s, yh_frozen *f, const yh_insp_entity *skip)
{
	const yh_officer *o;
	size_t i, j;
	int rc;

	for (i = 0; i < f->nofficers; i++) {
		f->officers[i].load = 0;
		f->officers[i].unavailable = 0;
	}
	for (i = 0; i < s->n; i++) {
		if (s->v[i].substituted_by || &s->v[i] == skip)
			continue;
		for (j = 0; j < s->v[i].nteam; j++) {
			if ((rc = officer_of(&o, f, s->v[i].team[j].id)) < 0)
				return rc;
			((yh_officer *)o)->load++;
		}
	}
	for (i = 0; i < s->nunavailable; i++)
		if ((o = yh_frozen_officer(f, s->unavailable[i])))
			((yh_officer *)o)->unavailable = 1;
	return YH_OK;
}

int yh_insp_pick_officer(const yh_officer **out, yh_team *team, yh_inspections *s,
                         const yh_insp_rules *rules, const char *entity_id, const char *officer_id)
{
	yh_frozen *f = rules->frozen;
	yh_insp_entity *e = yh_insp_active(s, entity_id);
	const yh_officer *keep[YH_TEAM_MAX], *leaving = NULL, **barred = NULL;
	yh_teamer *t = NULL;
	size_t i, nkeep = 0;
	int rc;

	*out = NULL;
	if (!e)
		return yh_insp_not_in_force(s, entity_id, "reassign");
	if (!on_team(e, officer_id))
		return yh_error_set(YH_EDATA, "reassign: officer '%s' is not on the team of entity '%s'",
		                    officer_id, entity_id);
	if ((rc = set_loads(s, f, NULL)) < 0 || (rc = officer_of(&leaving, f, officer_id)) < 0)
		return rc;
	for (i = 0; i < e->nteam; i++)
		if (strcmp(e->team[i].id, officer_id) != 0 &&
		    (rc = officer_of(&keep[nkeep++], f, e->team[i].id)) < 0)
			return rc;
	if (!(barred = calloc(e->nremoved + 1, sizeof(*barred))))
		return yh_error_set(YH_ENOMEM, "out of memory");
	for (i = 0; i < e->nremoved; i++)
		if ((rc = officer_of(&barred[i], f, e->removed[i])) < 0)
			goto done;
	if ((rc = yh_teamer_new(&t, f, &s->tk)) < 0)
		goto done;
	rc = yh_team_replace(team, out, t, entity_id, keep, nkeep, leaving, barred, e->nremoved);
done:
	yh_teamer_free(t);
	free(barred);
	return rc;
}

const yh_doc_reserve *yh_insp_next_reserve(yh_inspections *s, const char *entity_id)
{
	yh_insp_entity *e = yh_insp_find(s, entity_id);
	size_t i;

	if (!e)
		return NULL;
	for (i = 0; i < s->doc->nreserves; i++) {
		const yh_doc_reserve *r = &s->doc->reserves[i];

		if (strcmp(r->stratum, e->stratum) == 0 && !yh_insp_find(s, r->id))
			return r;
	}
	return NULL;
}

int yh_insp_pick_team(yh_team *team, yh_inspections *s, const yh_insp_rules *rules,
                      const char *entity_id, const char *substitute_id)
{
	yh_teamer *t = NULL;
	int rc;

	if ((rc = set_loads(s, rules->frozen, yh_insp_active(s, entity_id))) < 0 ||
	    (rc = yh_teamer_new(&t, rules->frozen, &s->tk)) < 0)
		return rc;
	rc = yh_team_assign(team, t, substitute_id, 0);
	yh_teamer_free(t);
	return rc;
}

/* ---- reassignment ---------------------------------------------------------------------- */

/* Sets e's team to members (ids with their names) in step 5's order. */
static void order_team(yh_inspections *s, yh_insp_entity *e)
{
	size_t i, j;

	for (i = 0; i < e->nteam; i++)
		yh_pair_ticket(e->team[i].pair_ticket, &s->tk, e->id, e->team[i].id);
	for (i = 1; i < e->nteam; i++) {
		yh_insp_member m = e->team[i];

		for (j = i; j > 0; j--) {
			int c = memcmp(e->team[j - 1].pair_ticket, m.pair_ticket, 32);

			if (c < 0 || (c == 0 && strcmp(e->team[j - 1].id, m.id) < 0))
				break;
			e->team[j] = e->team[j - 1];
		}
		e->team[j] = m;
	}
}

/* payload's "team" (a list of ids) is e's team in order. */
static int check_team_order(const yh_insp_entity *e, json_t *team, const char *kind)
{
	size_t i;

	if (!json_is_array(team) || json_array_size(team) != e->nteam)
		return yh_error_set(YH_EDATA, "%s: team does not list the %zu members of entity '%s''s "
		                    "new team", kind, e->nteam, e->id);
	for (i = 0; i < e->nteam; i++) {
		json_t *m = json_array_get(team, i);
		const char *id = json_is_object(m) ? text_of(m, "id") : json_string_value(m);

		if (!id || strcmp(id, e->team[i].id) != 0)
			return yh_error_set(YH_EDATA, "%s: team[%zu] is '%s'; by pair ticket it is '%s'",
			                    kind, i, id ? id : "", e->team[i].id);
	}
	return YH_OK;
}

/* The officer payload member {id, name, department} is that register row. */
static int check_officer_row(json_t *o, const yh_officer *row, const char *what)
{
	const char *name = text_of(o, "name"), *dep = text_of(o, "department");

	if (!name || !dep || strcmp(name, row->row[YH_I_NAME]) != 0 ||
	    strcmp(dep, row->row[YH_I_DEPARTMENT]) != 0)
		return yh_error_set(YH_EDATA, "%s: officer '%s' is not named as the frozen register "
		                    "names him ('%s', '%s')", what, row->row[YH_I_ID], row->row[YH_I_NAME],
		                    row->row[YH_I_DEPARTMENT]);
	return YH_OK;
}

static int apply_reassign(yh_inspections *s, json_t *p, const yh_insp_rules *rules)
{
	const char *id = text_of(p, "entity_id"), *out_id = text_of(p, "officer");
	const char *cause = text_of(p, "cause");
	json_t *repl = json_object_get(p, "replacement");
	const char *in_id = text_of(repl, "id");
	yh_insp_entity *e;
	size_t i;
	int rc;

	if (!id || !(e = yh_insp_active(s, id)))
		return yh_insp_not_in_force(s, id ? id : "", "reassign");
	if (e->result)
		return yh_error_set(YH_EDATA, "reassign: entity '%s' has a result already (entry %llu); "
		                    "its team is final", id, (unsigned long long)e->result_seq);
	if (!out_id || !on_team(e, out_id))
		return yh_error_set(YH_EDATA, "reassign: officer '%s' is not on the team of entity '%s'",
		                    out_id ? out_id : "", id);
	if (!cause || (strcmp(cause, "recusal") != 0 && strcmp(cause, "unavailable") != 0))
		return yh_error_set(YH_EDATA, "reassign: cause '%s' is neither 'recusal' (this entity "
		                    "only) nor 'unavailable' (leave, illness, transfer)", cause ? cause : "");
	if ((rc = clean_text("reassign: reason", text_of(p, "reason"), 1024)) < 0)
		return rc;
	if (!in_id || !text_of(repl, "name") || !text_of(repl, "department"))
		return yh_error_set(YH_EDATA, "reassign: replacement must give id, name and department");
	if (on_team(e, in_id) || listed(e->removed, e->nremoved, in_id) || strcmp(in_id, out_id) == 0 ||
	    listed(s->unavailable, s->nunavailable, in_id))
		return yh_error_set(YH_EDATA, "reassign: officer '%s' cannot replace '%s' on entity '%s' "
		                    "(on the team, or reassigned away before)", in_id, out_id, id);
	if (rules && rules->frozen) {
		const yh_officer *pick;
		yh_team team;

		if ((rc = yh_insp_pick_officer(&pick, &team, s, rules, id, out_id)) < 0)
			return rc;
		if (strcmp(pick->row[YH_I_ID], in_id) != 0)
			return yh_error_set(YH_EDATA, "reassign: the replacement of '%s' on entity '%s' is "
			                    "'%s' by the rule, not '%s'", out_id, id, pick->row[YH_I_ID], in_id);
		if ((rc = check_officer_row(repl, pick, "reassign")) < 0)
			return rc;
	} else {
		s->recomputed = 0;
	}
	if ((rc = push_text(&e->removed, &e->nremoved, out_id)) < 0)
		return rc;
	for (i = 0; i < e->nteam && strcmp(e->team[i].id, out_id) != 0; i++)
		;
	e->team[i].id = in_id;
	e->team[i].name = text_of(repl, "name");
	e->team[i].department = text_of(repl, "department");
	order_team(s, e);
	if ((rc = check_team_order(e, json_object_get(p, "team"), "reassign")) < 0)
		return rc;   /* the caller drops the state: it was checked before recording */
	if (strcmp(cause, "unavailable") == 0 && !listed(s->unavailable, s->nunavailable, out_id) &&
	    (rc = push_text(&s->unavailable, &s->nunavailable, out_id)) < 0)
		return rc;
	s->reassignments++;
	return YH_OK;
}

/* ---- substitution ---------------------------------------------------------------------- */

static int check_substitute_team(yh_inspections *s, const yh_insp_rules *rules, json_t *team,
                                 const char *id, const char *sub)
{
	size_t i;
	int rc;

	if (!json_is_array(team) || json_array_size(team) != s->doc->task->team_size)
		return yh_error_set(YH_EDATA, "substitute: the team of '%s' must have %u members", sub,
		                    s->doc->task->team_size);
	if (rules && rules->frozen) {
		yh_team want;

		if ((rc = yh_insp_pick_team(&want, s, rules, id, sub)) < 0)
			return rc;
		for (i = 0; i < want.n; i++) {
			json_t *m = json_array_get(team, i);
			const char *got = text_of(m, "id");

			if (!got || strcmp(got, want.members[i].officer->row[YH_I_ID]) != 0)
				return yh_error_set(YH_EDATA, "substitute: team[%zu] of '%s' is '%s'; by the rule "
				                    "it is '%s'", i, sub, got ? got : "",
				                    want.members[i].officer->row[YH_I_ID]);
			if ((rc = check_officer_row(m, want.members[i].officer, "substitute")) < 0)
				return rc;
		}
	} else {
		s->recomputed = 0;
		for (i = 0; i < json_array_size(team); i++) {
			const char *got = text_of(json_array_get(team, i), "id");

			if (!got || listed(s->unavailable, s->nunavailable, got))
				return yh_error_set(YH_EDATA, "substitute: team[%zu] of '%s' is not an officer "
				                    "who may serve", i, sub);
		}
	}
	return YH_OK;
}

static int apply_substitute(yh_inspections *s, json_t *p, const yh_insp_rules *rules)
{
	const char *id = text_of(p, "entity_id");
	json_t *sub = json_object_get(p, "substitute"), *team = json_object_get(p, "team");
	const char *sub_id = text_of(sub, "id");
	const yh_doc_reserve *r;
	yh_insp_entity *e, *n;
	size_t i;
	int rc;

	if (!id || !(e = yh_insp_active(s, id)))
		return yh_insp_not_in_force(s, id ? id : "", "substitute");
	if (e->result)
		return yh_error_set(YH_EDATA, "substitute: entity '%s' has a result already (entry %llu)",
		                    id, (unsigned long long)e->result_seq);
	if ((rc = clean_text("substitute: reason", text_of(p, "reason"), 1024)) < 0)
		return rc;
	if (!(r = yh_insp_next_reserve(s, id)))
		return yh_error_set(YH_EDATA, "substitute: stratum '%s' has no unused reserve left for "
		                    "entity '%s'", e->stratum, id);
	if (!sub_id || strcmp(sub_id, r->id) != 0 || !text_of(sub, "name") ||
	    strcmp(text_of(sub, "name"), r->name) != 0 ||
	    json_integer_value(json_object_get(p, "reserve_order")) != (json_int_t)r->order)
		return yh_error_set(YH_EDATA, "substitute: the substitute of '%s' is reserve %llu of "
		                    "stratum '%s', '%s' ('%s')", id, (unsigned long long)r->order,
		                    r->stratum, r->id, r->name);
	if ((rc = check_substitute_team(s, rules, team, id, sub_id)) < 0)
		return rc;
	if ((rc = grow((void **)&s->v, &s->cap, s->n, sizeof(*s->v))) < 0)
		return rc;
	e = yh_insp_find(s, id);     /* s->v may have moved */
	n = &s->v[s->n++];
	memset(n, 0, sizeof(*n));
	n->id = r->id;
	n->name = r->name;
	n->stratum = r->stratum;
	n->reserve_order = r->order;
	n->substitutes_for = e->id;
	for (i = 0; i < json_array_size(team) && i < YH_TEAM_MAX; i++) {
		json_t *m = json_array_get(team, i);

		n->team[i].id = text_of(m, "id");
		n->team[i].name = text_of(m, "name");
		n->team[i].department = text_of(m, "department");
	}
	n->nteam = i;
	order_team(s, n);
	if ((rc = check_team_order(n, team, "substitute")) < 0)
		return rc;
	e->substituted_by = n->id;
	s->substitutions++;
	return YH_OK;
}

static int apply_disclose(yh_inspections *s, json_t *p)
{
	size_t i;

	if (json_integer_value(json_object_get(p, "edition")) != (json_int_t)(s->disclosures + 1))
		return yh_error_set(YH_EDATA, "disclose: edition %lld; the task's entries make it %llu",
		                    json_integer_value(json_object_get(p, "edition")),
		                    (unsigned long long)(s->disclosures + 1));
	for (i = 0; i < s->n; i++)
		if (s->v[i].result)
			s->v[i].disclosed = 1;
	s->disclosures++;
	return YH_OK;
}

int yh_insp_apply(yh_inspections *s, uint64_t seq, const char *kind, json_t *payload,
                  const unsigned char hash[32], const yh_insp_rules *rules)
{
	int rc;

	if (!json_is_object(payload))
		return yh_error_set(YH_EDATA, "entry %llu: the payload is not an object",
		                    (unsigned long long)seq);
	if ((rc = json_array_append(s->payloads, payload)) < 0)
		return yh_error_set(YH_ENOMEM, "out of memory");
	if ((rc = check_chain(s, payload, kind)) < 0)
		return rc;
	if (strcmp(kind, "result") == 0)
		rc = apply_result(s, seq, payload);
	else if (strcmp(kind, "reassign") == 0)
		rc = apply_reassign(s, payload, rules);
	else if (strcmp(kind, "substitute") == 0)
		rc = apply_substitute(s, payload, rules);
	else if (strcmp(kind, "disclose") == 0)
		rc = apply_disclose(s, payload);
	else
		rc = yh_error_set(YH_EDATA, "entry %llu: '%s' is not an event of a drawn task",
		                  (unsigned long long)seq, kind);
	if (rc < 0)
		return rc;
	memcpy(s->last_hash, hash, 32);
	s->last_seq = seq;
	return YH_OK;
}
