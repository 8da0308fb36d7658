/* results_doc.c — a drawn task's state after its draw as JSON (the dashboard's view), and its
 * disclosure: the signed results document "yaohao-results/1" and the CSV for the enterprise
 * credit disclosure system (docs/spec.md §18, docs/formats.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaohao/results.h"
#include "yaohao/key.h"
#include "store/store.h"
#include "clock.h"
#include "inspection.h"
#include "report.h"
#include "results_load.h"
#include "signed.h"
#include "error.h"

/* ---- the state as JSON ----------------------------------------------------------------- */

static json_t *team_json(const yh_insp_entity *e)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < e->nteam; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s}", "id", e->team[i].id,
		                                   "name", e->team[i].name ? e->team[i].name : "",
		                                   "department", e->team[i].department ?
		                                   e->team[i].department : "",
		                                   "role", i == 0 ? "leader" : "member"));
	return a;
}

static json_t *result_json(const yh_insp_entity *e)
{
	json_t *r, *p = e->result;

	if (!p)
		return json_null();
	r = json_pack("{s:s, s:s, s:s, s:O, s:O, s:s, s:s, s:I, s:I}",
	              "code", json_string_value(json_object_get(p, "result")),
	              "name", yh_insp_result_name(json_string_value(json_object_get(p, "result"))),
	              "date", json_string_value(json_object_get(p, "date")),
	              "officers", json_object_get(p, "officers"), "items", json_object_get(p, "items"),
	              "method", json_string_value(json_object_get(p, "method")),
	              "follow_up", json_string_value(json_object_get(p, "follow_up")),
	              "entry", (json_int_t)e->result_seq, "corrections", (json_int_t)(e->nresults - 1));
	if (r && json_object_get(p, "note"))
		json_object_set(r, "note", json_object_get(p, "note"));
	return r;
}

static json_t *entity_json(const yh_insp_entity *e)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:o}", "id", e->id, "name", e->name,
	                      "stratum", e->stratum, "team", team_json(e), "result", result_json(e));

	if (!o)
		return NULL;
	json_object_set_new(o, "rank", e->rank ? json_integer((json_int_t)e->rank) : json_null());
	if (e->substitutes_for) {
		json_object_set_new(o, "substitutes_for", json_string(e->substitutes_for));
		json_object_set_new(o, "reserve_order", json_integer((json_int_t)e->reserve_order));
	}
	if (e->substituted_by)
		json_object_set_new(o, "substituted_by", json_string(e->substituted_by));
	return o;
}

/* Counts and dates over the entities in force. */
json_t *yh_results_summary_json(const yh_inspections *s)
{
	const char *first = NULL, *last = NULL;
	uint64_t in_force = 0, done = 0;
	size_t i;

	for (i = 0; i < s->n; i++) {
		const yh_insp_entity *e = &s->v[i];
		const char *d;

		if (e->substituted_by)
			continue;
		in_force++;
		if (!e->result)
			continue;
		done++;
		d = json_string_value(json_object_get(e->result, "date"));
		if (!first || strcmp(d, first) < 0)
			first = d;
		if (!last || strcmp(d, last) > 0)
			last = d;
	}
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s?, s:s?}",
	                 "inspections", (json_int_t)in_force, "results", (json_int_t)done,
	                 "pending", (json_int_t)(in_force - done),
	                 "corrections", (json_int_t)s->corrections,
	                 "reassignments", (json_int_t)s->reassignments,
	                 "substitutions", (json_int_t)s->substitutions,
	                 "disclosures", (json_int_t)s->disclosures,
	                 "first_result_date", first, "last_result_date", last);
}

json_t *yh_results_inspections_json(const yh_inspections *s)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < s->n; i++)
		if (json_array_append_new(a, entity_json(&s->v[i])) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* The dates of the results in force that no disclosure has carried yet, oldest first. */
static json_t *undisclosed_json(const yh_inspections *s)
{
	json_t *a = json_array();
	size_t i, j;

	for (i = 0; a && i < s->n; i++) {
		const yh_insp_entity *e = &s->v[i];
		const char *d;

		if (e->substituted_by || !e->result || e->disclosed)
			continue;
		d = json_string_value(json_object_get(e->result, "date"));
		for (j = json_array_size(a); j > 0; j--)
			if (strcmp(json_string_value(json_array_get(a, j - 1)), d) <= 0)
				break;
		json_array_insert_new(a, j, json_string(d));
	}
	return a;
}

int yh_results_state(json_t **out, yh_store *store, const char *task_id, int entities)
{
	yh_inspections *s = NULL;
	json_t *o;
	int rc;

	*out = NULL;
	if ((rc = yh_results_load(&s, NULL, store, task_id)) < 0)
		return rc;
	o = json_pack("{s:s, s:s, s:o, s:o}", "task_id", task_id, "draw_date", s->doc->task->draw_date,
	              "summary", yh_results_summary_json(s), "undisclosed", undisclosed_json(s));
	if (o && entities)
		json_object_set_new(o, "inspections", yh_results_inspections_json(s));
	yh_insp_free(s);
	if (!o)
		return yh_error_set(YH_ENOMEM, "out of memory");
	*out = o;
	return YH_OK;
}

/* ---- the results document -------------------------------------------------------------- */

static int collect_entry(void *ctx, const yh_event *ev)
{
	json_t *p = json_loads(ev->payload, 0, NULL);

	if (!p)
		return yh_error_set(YH_ESTORE, "ledger entry %llu: the payload is not JSON",
		                    (unsigned long long)ev->seq);
	return json_array_append_new(ctx, json_pack("{s:I, s:s, s:o, s:o, s:o, s:o}",
	                                            "seq", (json_int_t)ev->seq, "kind", ev->kind,
	                                            "payload", p, "prev_hash", yh_hex_json(ev->prev_hash, 32),
	                                            "hash", yh_hex_json(ev->hash, 32), "signature",
	                                            ev->signed_ ? yh_hex_json(ev->signature, 64)
	                                                        : json_null())) < 0
	       ? yh_error_set(YH_ENOMEM, "out of memory") : YH_OK;
}

static int targeted(const yh_task *t)
{
	return t->regions.n || t->industries.n || t->types.n || t->risks.n || t->abnormal != -1;
}

static int csv_put(char **buf, size_t *len, size_t *cap, const char *v, int last)
{
	size_t need = 2 * strlen(v) + 4;
	int quote = strpbrk(v, ",\"\r\n") != NULL;

	if (*len + need >= *cap) {
		size_t c = (*cap + need) * 2;
		char *p = realloc(*buf, c);

		if (!p)
			return yh_error_set(YH_ENOMEM, "out of memory");
		*buf = p;
		*cap = c;
	}
	if (quote)
		(*buf)[(*len)++] = '"';
	for (; *v; v++) {
		if (*v == '"')
			(*buf)[(*len)++] = '"';
		(*buf)[(*len)++] = *v;
	}
	if (quote)
		(*buf)[(*len)++] = '"';
	(*buf)[(*len)++] = last ? '\n' : ',';
	(*buf)[*len] = '\0';
	return YH_OK;
}

/* One line per entity with a result, in the order of the document. */
static int disclosure_csv(char **out, const yh_inspections *s, const char *date)
{
	static const char *const header[] = { "统一社会信用代码", "企业名称", "抽查任务编号", "抽查类型",
	                                      "抽查机关", "检查日期", "检查结果", "后续处置", "公示日期" };
	const yh_task *t = s->doc->task;
	char *buf = NULL, agencies[1024] = "";
	size_t len = 0, cap = 0, i, j;
	int rc = YH_OK;

	for (i = 0; i < t->departments.n; i++)
		snprintf(agencies + strlen(agencies), sizeof(agencies) - strlen(agencies), "%s%s",
		         i ? "、" : "", t->departments.v[i]);
	for (j = 0; j < 9 && rc == YH_OK; j++)
		rc = csv_put(&buf, &len, &cap, header[j], j == 8);
	for (i = 0; i < s->n && rc == YH_OK; i++) {
		const yh_insp_entity *e = &s->v[i];
		const char *v[9];

		if (e->substituted_by || !e->result)
			continue;
		v[0] = e->id;
		v[1] = e->name;
		v[2] = t->id;
		v[3] = targeted(t) ? "定向抽查" : "不定向抽查";
		v[4] = agencies;
		v[5] = json_string_value(json_object_get(e->result, "date"));
		v[6] = yh_insp_result_name(json_string_value(json_object_get(e->result, "result")));
		v[7] = json_string_value(json_object_get(e->result, "follow_up"));
		v[8] = date;
		for (j = 0; j < 9 && rc == YH_OK; j++)
			rc = csv_put(&buf, &len, &cap, v[j] ? v[j] : "", j == 8);
	}
	if (rc < 0) {
		free(buf);
		return rc;
	}
	*out = buf;
	return YH_OK;
}

static json_t *results_document(yh_inspections *s, json_t *entries, uint64_t draw_seq,
                                const unsigned char draw_hash[32], const char *date,
                                const char *department)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:{s:I, s:o, s:o}, s:O, s:o, s:o}",
	                 "format", "yaohao-results/1", "department", department,
	                 "task_id", s->doc->task_id, "title", s->doc->task->title ? s->doc->task->title : "",
	                 "edition", (json_int_t)(s->disclosures + 1), "disclosed", date,
	                 "draw", "draw_seq", (json_int_t)draw_seq,
	                 "draw_entry_hash", yh_hex_json(draw_hash, 32),
	                 "transcript_sha256", yh_hex_json(s->doc->transcript_sha256, 32),
	                 "entries", entries, "inspections", yh_results_inspections_json(s),
	                 "summary", yh_results_summary_json(s));
}

int yh_results_disclose(uint64_t *seq, yh_store *store, const char *task_id,
                        yh_results_write_fn write_files, void *ctx)
{
	yh_inspections *s = NULL;
	const yh_key *key = yh_store_signing_key(store);
	json_t *entries = NULL, *doc = NULL, *p = NULL;
	unsigned char draw_hash[32], digest[32];
	uint64_t commit_seq, draw_seq, head;
	char *text = NULL, *sheet = NULL, date[11], hex[65];
	int rc, in_tx = 0;

	*seq = 0;
	if (!key)
		return yh_error_set_hint(YH_ESTORE, YH_HINT_NEEDS_KEY, yh_store_path(store), "disclosing "
		                         "signs the results document: the store's secret key is needed: "
		                         "'%s'", yh_store_path(store));
	yh_clock_today(date);
	if ((rc = yh_store_begin(store)) < 0)
		return rc;
	in_tx = 1;
	if ((rc = yh_results_load(&s, NULL, store, task_id)) < 0 ||
	    (rc = yh_draw_store_refs(&commit_seq, &draw_seq, draw_hash, store, task_id)) < 0)
		goto done;
	if (!(entries = json_array()) ||
	    (rc = yh_event_store_foreach(store, task_id, collect_entry, entries)) < 0)
		goto oom_or_done;
	if (!(doc = results_document(s, entries, draw_seq, draw_hash, date,
	                             yh_store_department(store))))
		goto oom_or_done;
	if ((rc = yh_signed_write(&text, doc, key)) < 0 || (rc = disclosure_csv(&sheet, s, date)) < 0)
		goto done;
	yh_digest_transcript(digest, text, strlen(text));
	yh_hex(hex, digest, 32);
	if ((rc = yh_ledger_head(&head, store)) < 0)
		goto done;
	p = json_pack("{s:s, s:I, s:s, s:I, s:I, s:o}", "task_id", task_id,
	              "edition", (json_int_t)(s->disclosures + 1), "document_sha256", hex,
	              "results", json_integer_value(json_object_get(json_object_get(doc, "summary"),
	                                                            "results")),
	              "pending", json_integer_value(json_object_get(json_object_get(doc, "summary"),
	                                                            "pending")),
	              "prev", yh_hex_json(s->last_hash, 32));
	*seq = head + 1;
	if (!p) {
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = yh_ledger_append(store, *seq, "disclose", p)) < 0 ||
	    (rc = yh_event_store_add(store, *seq, task_id, "disclose", NULL)) < 0)
		goto done;
	/* the files first, inside the transaction: a disclosure is recorded only once written */
	if ((rc = write_files(ctx, text, sheet)) != 0 || (rc = yh_store_commit(store)) < 0)
		goto done;
	in_tx = 0;
	goto done;
oom_or_done:
	if (rc == YH_OK)
		rc = yh_error_set(YH_ENOMEM, "out of memory");
done:
	if (in_tx) {
		yh_store_rollback(store);
		*seq = 0;
	}
	json_decref(doc);
	json_decref(entries);
	free(text);
	free(sheet);
	yh_insp_free(s);
	return rc;
}
