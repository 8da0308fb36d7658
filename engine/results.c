/* results.c — recording what happens after a draw (docs/spec.md §18): results and
 * corrections, reassignments and substitutions, each checked by inspection.c against the
 * task's state as the store holds it, then appended to the ledger and indexed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaohao/results.h"
#include "yaohao/ledger.h"
#include "store/store.h"
#include "clock.h"
#include "inspection.h"
#include "results_load.h"
#include "report.h"
#include "error.h"

const char *yh_result_code(const char *word)
{
	return yh_insp_result_code(word);
}

const char *yh_result_name(const char *code)
{
	return yh_insp_result_name(code);
}

/* ---- the state from the store ---------------------------------------------------------- */

static int apply_event(void *ctx, const yh_event *ev)
{
	yh_inspections *s = ctx;
	json_t *p = json_loads(ev->payload, 0, NULL);
	int rc;

	if (!p)
		return yh_error_set(YH_ESTORE, "ledger entry %llu: the payload is not JSON",
		                    (unsigned long long)ev->seq);
	rc = yh_insp_apply(s, ev->seq, ev->kind, p, ev->hash, NULL);
	json_decref(p);
	return rc;
}

static int load(yh_inspections **out, yh_frozen *f, yh_store *store, const char *task_id,
                int events)
{
	yh_inspections *s = NULL;
	yh_draw_doc *doc = NULL;
	unsigned char draw_hash[32];
	uint64_t commit_seq, draw_seq;
	yh_task_state state;
	char *text = NULL;
	json_t *j = NULL;
	int rc;

	*out = NULL;
	if ((rc = yh_task_state_get(&state, store, task_id)) < 0)
		return rc;   /* no such task, with the hint to list them */
	if ((rc = yh_draw_store_load_transcript(&text, store, task_id)) < 0) {
		if (rc == YH_ENOTFOUND)
			rc = yh_error_set(YH_ENOTFOUND, "task '%s' is %s, not drawn: results, reassignments, "
			                  "substitutions and disclosures come after its draw", task_id,
			                  yh_task_state_name(state));
		return rc;
	}
	if (!(j = json_loads(text, 0, NULL))) {
		rc = yh_error_set(YH_ESTORE, "the stored transcript of task '%s' is not JSON", task_id);
		goto done;
	}
	if ((rc = yh_draw_doc_parse(&doc, j, YH_DRAW_TRANSCRIPT)) < 0 ||
	    (rc = yh_draw_store_refs(&commit_seq, &draw_seq, draw_hash, store, task_id)) < 0)
		goto done;
	if (!doc->task) {
		rc = yh_error_set(YH_ESTORE, "the stored transcript of task '%s': %s", task_id,
		                  doc->task_error ? doc->task_error : "no valid task");
		goto done;
	}
	rc = yh_insp_new(&s, doc, draw_hash);
	doc = NULL;
	if (rc < 0)
		goto done;
	if (f) {
		memset(f, 0, sizeof(*f));
		if ((rc = yh_draw_doc_frozen(f, s->doc)) < 0 || (rc = yh_frozen_load_officers(f, store)) < 0 ||
		    (rc = yh_frozen_load_recusals(f, store, json_object_get(s->doc->json, "recent_pairs"))) < 0)
			goto done;
	}
	if (events && (rc = yh_event_store_foreach(store, task_id, apply_event, s)) < 0)
		goto done;
	*out = s;
	s = NULL;
done:
	yh_insp_free(s);
	yh_draw_doc_free(doc);
	json_decref(j);
	free(text);
	return rc;
}

int yh_results_load(yh_inspections **out, yh_frozen *f, yh_store *store, const char *task_id)
{
	return load(out, f, store, task_id, 1);
}

int yh_results_load_draw(yh_inspections **out, yh_frozen *f, yh_store *store, const char *task_id)
{
	return load(out, f, store, task_id, 0);
}

/* ---- appending ------------------------------------------------------------------------- */

static int hash_of(void *ctx, const yh_ledger_entry *e)
{
	memcpy(ctx, e->hash, 32);
	return 1;
}

/* Appends the event, indexes it, and applies it to s with the entry's real hash. */
static int append_event(uint64_t *seq, yh_store *store, yh_inspections *s, const char *kind,
                        json_t *payload, const char *entity_id)
{
	unsigned char hash[32];
	uint64_t head;
	int rc;

	if ((rc = yh_ledger_head(&head, store)) < 0)
		return rc;
	*seq = head + 1;
	json_incref(payload);
	if ((rc = yh_ledger_append(store, *seq, kind, payload)) < 0 ||
	    (rc = yh_event_store_add(store, *seq, s->doc->task_id, kind, entity_id)) < 0)
		return rc;
	if ((rc = yh_ledger_foreach(store, *seq, hash_of, hash)) < 0)
		return rc;
	memcpy(s->last_hash, hash, 32);
	s->last_seq = *seq;
	return YH_OK;
}

/* The entry's time as the ledger will stamp it, for the rules that read it (the date). */
static json_t *now_stamp(void)
{
	char stamp[21];

	yh_clock_stamp(stamp);
	return json_string(stamp);
}

static json_t *text_list(const char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_string(v[i] ? v[i] : "")) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* The payload of a result (its words as codes, defaults filled in; a word that is none is kept
 * as given, for the rules to name), or NULL when out of memory. */
static json_t *result_payload(yh_inspections *s, const yh_result *r)
{
	const yh_task *t = s->doc->task;
	const char *word = r->result ? r->result : "";
	const char *method = r->method ? r->method : "实地检查";
	const char *follow = r->follow_up ? r->follow_up : "无需后续处置";
	const char *code = yh_insp_result_code(word);
	json_t *p;

	method = yh_insp_method(method) ? yh_insp_method(method) : method;
	follow = yh_insp_follow_up(follow) ? yh_insp_follow_up(follow) : follow;
	p = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:o, s:o}", "task_id", t->id,
	              "entity_id", r->entity_id ? r->entity_id : "", "result", code ? code : word,
	              "date", r->date ? r->date : "", "officers", text_list(r->officers, r->nofficers),
	              "items", r->nitems ? text_list(r->items, r->nitems)
	                                 : text_list((const char *const *)t->items.v, t->items.n),
	              "method", method, "follow_up", follow, "prev", yh_hex_json(s->last_hash, 32),
	              "time", now_stamp());
	if (p && r->note && *r->note && json_object_set_new(p, "note", json_string(r->note)) < 0)
		goto oom;
	if (p && r->replaces &&
	    (json_object_set_new(p, "replaces", json_integer((json_int_t)r->replaces)) < 0 ||
	     json_object_set_new(p, "reason", json_string(r->reason ? r->reason : "")) < 0))
		goto oom;
	if (p)
		return p;
oom:
	json_decref(p);
	yh_error_set(YH_ENOMEM, "out of memory");
	return NULL;
}

static int begin_signed(yh_store *store)
{
	if (!yh_store_signing_key(store))
		return yh_error_set_hint(YH_ESTORE, YH_HINT_NEEDS_KEY, NULL, "recording after the draw "
		                         "needs the store's secret key");
	return yh_store_begin(store);
}

/* Checks results in order, each against the state the earlier ones leave, and records them
 * all (keep) or none; with a rule broken, nothing (YH_EDATA after on_refused for each). */
int yh_results_check(uint64_t *first_seq, yh_store *store, const char *task_id,
                     const yh_result *results, size_t n, yh_result_refused_fn on_refused,
                     void *ctx, int keep)
{
	yh_inspections *s = NULL;
	static const unsigned char zero[32];
	size_t i, refused = 0;
	uint64_t seq, next;
	int rc, in_tx = 0;

	*first_seq = 0;
	for (i = 0; i < n; i++)
		if (results[i].version != YH_RESULT_VERSION)
			return yh_error_set(YH_EINVAL, "a result of version %u: this library reads version %u "
			                    "(initialise it with YH_RESULT_INIT)", results[i].version,
			                    YH_RESULT_VERSION);
	if ((rc = begin_signed(store)) < 0)
		return rc;
	in_tx = 1;
	if ((rc = yh_results_load(&s, NULL, store, task_id)) < 0 ||
	    (rc = yh_ledger_head(&next, store)) < 0)
		goto done;
	next++;
	for (i = 0; i < n; i++) {
		json_t *p = result_payload(s, &results[i]);

		/* checked with a stand-in hash and the entry it would get (a later correction in the
		 * same batch names it); the real hash is set once the entry is appended */
		rc = p ? yh_insp_apply(s, next, "result", p, zero, NULL) : YH_ENOMEM;
		if (rc == YH_OK && !refused && keep) {
			rc = append_event(&seq, store, s, "result", p, results[i].entity_id);
			if (rc == YH_OK && !*first_seq)
				*first_seq = seq;
		}
		if (rc == YH_OK)
			next++;
		json_decref(p);
		if (rc == YH_EDATA) {
			refused++;
			if (on_refused)
				on_refused(ctx, i, s->field ? s->field : "entity_id", yh_error_message());
		} else if (rc < 0) {
			goto done;
		}
	}
	if (refused) {
		rc = yh_error_set(YH_EDATA, "%zu of %zu result(s) refused; nothing recorded", refused, n);
		*first_seq = 0;
		goto done;
	}
	if (keep && (rc = yh_store_commit(store)) == YH_OK)
		in_tx = 0;
done:
	if (in_tx)
		yh_store_rollback(store);
	yh_insp_free(s);
	return rc;
}

int yh_results_record(uint64_t *first_seq, yh_store *store, const char *task_id,
                      const yh_result *results, size_t n, yh_result_refused_fn on_refused, void *ctx)
{
	return yh_results_check(first_seq, store, task_id, results, n, on_refused, ctx, 1);
}

/* ---- reassignment and substitution ----------------------------------------------------- */

static json_t *officer_json(const yh_officer *o)
{
	return json_pack("{s:s, s:s, s:s}", "id", o->row[YH_I_ID], "name", o->row[YH_I_NAME],
	                 "department", o->row[YH_I_DEPARTMENT]);
}

/* Applies the built payload with the rules (the same check a verifier makes), then records it. */
static int record(char **entry, uint64_t *seq, yh_store *store, yh_inspections *s, yh_frozen *f,
                  const char *kind, json_t *p, const char *entity_id)
{
	static const unsigned char zero[32];
	yh_insp_rules rules = { f };
	int rc;

	if (!p)
		return yh_error_set(YH_ENOMEM, "out of memory");
	if ((rc = yh_insp_apply(s, 0, kind, p, zero, &rules)) < 0 ||
	    (rc = append_event(seq, store, s, kind, p, entity_id)) < 0)
		return rc;
	if (entry) {
		json_object_del(p, "time");
		*entry = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
	}
	return YH_OK;
}

/* The conflict row a recusal cites: one imported since the draw, naming the officer and entity. */
static int cite_conflict(void *ctx, const char *reason, uint64_t since)
{
	return json_object_set_new(ctx, "conflict", json_pack("{s:s, s:I}", "reason", reason,
	                                                     "since", (json_int_t)since)) < 0
	       ? yh_error_set(YH_ENOMEM, "out of memory") : YH_OK;
}

/* A pick after the draw (a reassignment or a substitution): its payload built from the task's
 * state and the frozen registers, then checked and recorded as record() does. */
typedef int (*pick_fn)(json_t **payload, yh_inspections *s, const yh_insp_rules *rules,
                       yh_store *store, void *ctx);

static int record_pick(char **entry, uint64_t *seq, yh_store *store, const char *task_id,
                       const char *kind, const char *entity_id, pick_fn build, void *ctx)
{
	yh_inspections *s = NULL;
	yh_frozen f;
	yh_insp_rules rules = { &f };
	json_t *p = NULL;
	int rc, in_tx = 0;

	memset(&f, 0, sizeof(f));
	if (entry)
		*entry = NULL;
	*seq = 0;
	if ((rc = begin_signed(store)) < 0)
		return rc;
	in_tx = 1;
	if ((rc = yh_results_load(&s, &f, store, task_id)) < 0 ||
	    (rc = build(&p, s, &rules, store, ctx)) < 0 ||
	    (rc = record(entry, seq, store, s, &f, kind, p, entity_id)) < 0 ||
	    (rc = yh_store_commit(store)) < 0)
		goto done;
	in_tx = 0;
done:
	if (in_tx) {
		yh_store_rollback(store);
		*seq = 0;
	}
	json_decref(p);
	yh_insp_free(s);
	yh_frozen_clear(&f);
	return rc;
}

typedef struct {
	const char *task_id, *entity_id, *officer_id, *cause, *reason;
} reassigning;

static int reassign_payload(json_t **out, yh_inspections *s, const yh_insp_rules *rules,
                            yh_store *store, void *ctx)
{
	const reassigning *a = ctx;
	const yh_officer *pick;
	yh_team team;
	json_t *ids;
	size_t i;
	int rc;

	if ((rc = yh_insp_pick_officer(&pick, &team, s, rules, a->entity_id, a->officer_id)) < 0)
		return rc;
	if (!(ids = json_array()))
		return yh_error_set(YH_ENOMEM, "out of memory");
	for (i = 0; i < team.n; i++)
		json_array_append_new(ids, json_string(team.members[i].officer->row[YH_I_ID]));
	*out = json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:o, s:o, s:o}", "task_id", a->task_id,
	                 "entity_id", a->entity_id, "officer", a->officer_id,
	                 "replacement", officer_json(pick), "cause", a->cause ? a->cause : "",
	                 "reason", a->reason ? a->reason : "", "team", ids,
	                 "prev", yh_hex_json(s->last_hash, 32), "time", now_stamp());
	if (!*out)
		return yh_error_set(YH_ENOMEM, "out of memory");
	if (strcmp(a->cause ? a->cause : "", "recusal") == 0)
		return yh_conflict_find(store, 0, a->officer_id, a->entity_id, cite_conflict, *out);
	return YH_OK;
}

int yh_results_reassign(char **entry, uint64_t *seq, yh_store *store, const char *task_id,
                        const char *entity_id, const char *officer_id, const char *cause,
                        const char *reason)
{
	reassigning a = { task_id, entity_id, officer_id, cause, reason };

	return record_pick(entry, seq, store, task_id, "reassign", entity_id, reassign_payload, &a);
}

typedef struct {
	char *status;
	int found;
} register_status;

static int status_row(void *ctx, const char *const *values, size_t n)
{
	register_status *r = ctx;

	if (n > YH_E_STATUS)
		snprintf(r->status, YH_STATUS_MAX, "%s", values[YH_E_STATUS]);
	r->found = 1;
	return YH_OK;
}

int yh_results_entity_gone(char status[YH_STATUS_MAX], yh_store *store, uint64_t as_of,
                           const char *entity_id)
{
	static const char *const gone[] = { "deregistered", "revoked", "cancelled", "moved_out" };
	register_status st = { status, 0 };
	size_t i;
	int rc;

	*status = '\0';
	if ((rc = yh_register_find(store, YH_REGISTER_ENTITIES, as_of, entity_id, status_row, &st)) < 0)
		return rc;
	if (!st.found) {
		snprintf(status, YH_STATUS_MAX, "absent");
		return YH_OK;
	}
	for (i = 0; i < sizeof(gone) / sizeof(gone[0]); i++)
		if (strcmp(status, gone[i]) == 0)
			return YH_OK;
	return yh_error_set(YH_EDATA, "entity '%s' is '%s' in the register: only an entity "
	                    "deregistered (注销), revoked (吊销), cancelled (撤销) or moved out (迁出) "
	                    "since the freeze is substituted; one that is closed or cannot be reached "
	                    "keeps its place and is given result 6 or 7", entity_id, status);
}

typedef struct {
	const char *task_id, *entity_id, *reason;
} substituting;

static int substitute_payload(json_t **out, yh_inspections *s, const yh_insp_rules *rules,
                              yh_store *store, void *ctx)
{
	const substituting *a = ctx;
	const yh_doc_reserve *r;
	char status[YH_STATUS_MAX];
	yh_team team;
	json_t *members;
	uint64_t head;
	size_t i;
	int rc;

	if (!yh_insp_active(s, a->entity_id))
		return yh_insp_not_in_force(s, a->entity_id, "substitute");
	if ((rc = yh_results_entity_gone(status, store, 0, a->entity_id)) < 0 ||
	    (rc = yh_ledger_head(&head, store)) < 0)
		return rc;
	if (!(r = yh_insp_next_reserve(s, a->entity_id)))
		return yh_error_set(YH_EDATA, "substitute: stratum '%s' has no unused reserve left for "
		                    "entity '%s'", yh_insp_active(s, a->entity_id)->stratum, a->entity_id);
	if ((rc = yh_insp_pick_team(&team, s, rules, a->entity_id, r->id)) < 0)
		return rc;
	if (!(members = json_array()))
		return yh_error_set(YH_ENOMEM, "out of memory");
	for (i = 0; i < team.n; i++)
		json_array_append_new(members, officer_json(team.members[i].officer));
	*out = json_pack("{s:s, s:s, s:{s:s, s:I}, s:{s:s, s:s}, s:s, s:I, s:o, s:s, s:o, s:o}",
	                 "task_id", a->task_id, "entity_id", a->entity_id,
	                 "register", "status", status, "as_of", (json_int_t)head,
	                 "substitute", "id", r->id, "name", r->name, "stratum", r->stratum,
	                 "reserve_order", (json_int_t)r->order, "team", members,
	                 "reason", a->reason ? a->reason : "", "prev", yh_hex_json(s->last_hash, 32),
	                 "time", now_stamp());
	return *out ? YH_OK : yh_error_set(YH_ENOMEM, "out of memory");
}

int yh_results_substitute(char **entry, uint64_t *seq, yh_store *store, const char *task_id,
                          const char *entity_id, const char *reason)
{
	substituting a = { task_id, entity_id, reason };

	return record_pick(entry, seq, store, task_id, "substitute", entity_id, substitute_payload, &a);
}
