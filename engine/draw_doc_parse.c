/* draw_doc_parse.c — reading a draw document or transcript into typed values, once, with every
 * member checked and named by its path when it is malformed (see draw_doc.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaohao/document.h"
#include "yaohao/jcs.h"
#include "digest.h"
#include "draw_doc.h"
#include "json_reader.h"
#include "transcript.h"
#include "report.h"
#include "error.h"

/* A value with a check of its own: a string, whose hex the check judges (ok). */
static int get_checked_hex(yh_jr *jr, unsigned char *out, size_t n, int *ok, json_t *obj, const char *key)
{
	json_t *v = yh_jr_member(jr, obj, key, JSON_STRING);

	if (!v)
		return YH_EDATA;
	*ok = yh_unhex(out, n, json_string_value(v)) == 0;
	return YH_OK;
}

static int get_checked_hash(yh_jr *jr, yh_doc_hash *out, json_t *obj, const char *key)
{
	return get_checked_hex(jr, out->bytes, 32, &out->ok, obj, key);
}

/* ---- the parts ------------------------------------------------------------------------- */

int yh_doc_member_read(yh_jr *jr, void *out, json_t *v)
{
	static const char *const names[] = { "id", "name", "department", "role", "pair_ticket", NULL };
	yh_doc_member *m = out;
	int rc;

	if ((rc = yh_jr_object(jr, v, names)) < 0 ||
	    (rc = yh_jr_text(jr, &m->id, v, "id", YH_DOC_TEXT_MAX)) < 0 ||
	    (rc = yh_jr_text(jr, &m->name, v, "name", YH_DOC_TEXT_MAX)) < 0 ||
	    (rc = yh_jr_text(jr, &m->department, v, "department", YH_DOC_TEXT_MAX)) < 0 ||
	    (rc = yh_jr_text(jr, &m->role, v, "role", YH_DOC_TEXT_MAX)) < 0)
		return rc;
	return yh_jr_hash(jr, m->pair_ticket, v, "pair_ticket");
}

static void clear_selected(yh_doc_selected *e)
{
	free(e->team);
	e->team = NULL;
	e->nteam = 0;
}

static int read_selected(yh_jr *jr, void *out, json_t *v)
{
	static const char *const names[] = { "rank", "id", "name", "stratum", "ticket", "team", NULL };
	yh_doc_selected *e = out;
	int rc;

	if ((rc = yh_jr_object(jr, v, names)) < 0 ||
	    (rc = yh_jr_uint(jr, &e->rank, v, "rank")) < 0 ||
	    (rc = yh_jr_text(jr, &e->id, v, "id", YH_DOC_TEXT_MAX)) < 0 ||
	    (rc = yh_jr_text(jr, &e->name, v, "name", YH_DOC_TEXT_MAX)) < 0 ||
	    (rc = yh_jr_text(jr, &e->stratum, v, "stratum", YH_STRATUM_KEY_MAX - 1)) < 0 ||
	    (rc = yh_jr_hash(jr, e->ticket, v, "ticket")) < 0)
		return rc;
	rc = yh_jr_array(jr, (void **)&e->team, &e->nteam, sizeof(*e->team), v, "team", yh_doc_member_read);
	if (rc < 0)
		clear_selected(e); /* the caller counts only the entries that were read */
	return rc;
}

static int read_reserve(yh_jr *jr, void *out, json_t *v)
{
	static const char *const names[] = { "stratum", "order", "id", "name", "ticket", NULL };
	yh_doc_reserve *r = out;
	int rc;

	if ((rc = yh_jr_object(jr, v, names)) < 0 ||
	    (rc = yh_jr_text(jr, &r->stratum, v, "stratum", YH_STRATUM_KEY_MAX - 1)) < 0 ||
	    (rc = yh_jr_uint(jr, &r->order, v, "order")) < 0 ||
	    (rc = yh_jr_text(jr, &r->id, v, "id", YH_DOC_TEXT_MAX)) < 0 ||
	    (rc = yh_jr_text(jr, &r->name, v, "name", YH_DOC_TEXT_MAX)) < 0)
		return rc;
	return yh_jr_hash(jr, r->ticket, v, "ticket");
}

static int read_stratum(yh_jr *jr, void *out, json_t *v)
{
	static const char *const names[] = { "key", "population", "selected", "reserves", "rate", "cutoff",
	                                     NULL };
	yh_doc_stratum *s = out;
	int rc;

	if ((rc = yh_jr_object(jr, v, names)) < 0 ||
	    (rc = yh_jr_text(jr, &s->key, v, "key", YH_STRATUM_KEY_MAX - 1)) < 0 ||
	    (rc = yh_jr_uint(jr, &s->population, v, "population")) < 0 ||
	    (rc = yh_jr_uint(jr, &s->selected, v, "selected")) < 0 ||
	    (rc = yh_jr_uint(jr, &s->reserves, v, "reserves")) < 0 ||
	    (rc = yh_jr_text(jr, &s->rate, v, "rate", sizeof(((yh_stratum *)0)->rate) - 1)) < 0)
		return rc;
	if (json_is_null(json_object_get(v, "cutoff")))
		return YH_OK;
	s->has_cutoff = 1;
	return yh_jr_hash(jr, s->cutoff, v, "cutoff");
}

static int read_pair(yh_jr *jr, void *out, json_t *v)
{
	static const char *const names[] = { "entity_id", "inspector_id", "task_id", NULL };
	yh_doc_pair *pair = out;
	int rc;

	if ((rc = yh_jr_object(jr, v, names)) < 0 ||
	    (rc = yh_jr_text(jr, &pair->entity_id, v, "entity_id", YH_DOC_TEXT_MAX)) < 0 ||
	    (rc = yh_jr_text(jr, &pair->inspector_id, v, "inspector_id", YH_DOC_TEXT_MAX)) < 0)
		return rc;
	return yh_jr_text(jr, &pair->task_id, v, "task_id", YH_DOC_TEXT_MAX);
}

static int read_id(yh_jr *jr, void *out, json_t *v)
{
	return yh_jr_text_value(jr, out, v, YH_DOC_TEXT_MAX);
}

/* ---- the document ---------------------------------------------------------------------- */

/* The members and where they must be, checked first and in this order, as the document check
 * always has; `document` marks those a transcript does not have. */
static const struct {
	const char *a, *b;
	json_type type;
	int document;
} shape[] = {
	{ "task", NULL, JSON_OBJECT, 0 }, { "task_id", NULL, JSON_STRING, 0 },
	{ "task_digest", NULL, JSON_STRING, 0 }, { "department", NULL, JSON_STRING, 0 },
	{ "freeze_seq", NULL, JSON_INTEGER, 0 },
	{ "chain", "seq", JSON_INTEGER, 0 }, { "earlier", NULL, JSON_ARRAY, 0 },
	{ "entities", "count", JSON_INTEGER, 0 }, { "entities", "eligible", JSON_INTEGER, 0 },
	{ "entities", "root", JSON_STRING, 0 }, { "entities", "excluded", JSON_ARRAY, 0 },
	{ "inspectors", "count", JSON_INTEGER, 0 }, { "inspectors", "eligible", JSON_INTEGER, 0 },
	{ "inspectors", "root", JSON_STRING, 0 },
	{ "conflicts", "count", JSON_INTEGER, 0 }, { "conflicts", "root", JSON_STRING, 0 },
	{ "recent_pairs", NULL, JSON_ARRAY, 0 },
	{ "strata", NULL, JSON_ARRAY, 0 }, { "load_cap", NULL, JSON_INTEGER, 0 },
	{ "commitment", NULL, JSON_STRING, 0 }, { "entropy_source", NULL, JSON_STRING, 0 },
	{ "entropy_value", NULL, JSON_STRING, 0 }, { "secret", NULL, JSON_STRING, 0 },
	{ "seed", NULL, JSON_STRING, 0 }, { "selected", NULL, JSON_ARRAY, 0 },
	{ "reserves", NULL, JSON_ARRAY, 0 },
	{ "ledger", "commit_seq", JSON_INTEGER, 1 }, { "ledger", "draw_seq", JSON_INTEGER, 1 },
	{ "ledger", "draw_entry_hash", JSON_STRING, 1 }, { "signer", "public_key", JSON_STRING, 1 },
	{ "signer", "key_id", JSON_STRING, 1 }, { "signature", NULL, JSON_STRING, 1 },
};

static int check_shape(json_t *json, yh_draw_doc_kind kind)
{
	const char *format = kind == YH_DRAW_DOCUMENT ? YH_DOCUMENT_FORMAT : YH_TRANSCRIPT_FORMAT;
	const char *retired = kind == YH_DRAW_DOCUMENT ? "yaohao-draw/1" : "yaohao-transcript/1";
	size_t i;

	if (!json_is_object(json))
		return yh_error_set(YH_EDATA, "not a JSON object");
	if (json_is_string(json_object_get(json, "format")) &&
	    strcmp(json_string_value(json_object_get(json, "format")), retired) == 0)
		return yh_error_set(YH_EDATA, "format \"%s\" is retired: it was never published outside "
		                    "yaohao's own tests; this verifier reads \"%s\"", retired, format);
	if (!json_is_string(json_object_get(json, "format")) ||
	    strcmp(json_string_value(json_object_get(json, "format")), format) != 0)
		return yh_error_set(YH_EDATA, "format is not \"%s\"", format);
	for (i = 0; i < sizeof(shape) / sizeof(shape[0]); i++) {
		json_t *v = yh_json_path(json, shape[i].a, shape[i].b);

		if (shape[i].document && kind != YH_DRAW_DOCUMENT)
			continue;
		if (!v || json_typeof(v) != shape[i].type)
			return yh_error_set(YH_EDATA, "member %s%s%s is missing or of the wrong type", shape[i].a,
			                    shape[i].b ? "." : "", shape[i].b ? shape[i].b : "");
	}
	return YH_OK;
}

static int read_register(yh_jr *jr, yh_doc_register *out, json_t *doc, const char *key,
                         const char *const *names)
{
	json_t *obj = json_object_get(doc, key);
	size_t was = yh_jr_enter(jr, key);
	int rc;

	if ((rc = yh_jr_object(jr, obj, names)) == YH_OK &&
	    (rc = yh_jr_uint(jr, &out->count, obj, "count")) == YH_OK &&
	    (!json_object_get(obj, "eligible") ||
	     (rc = yh_jr_uint(jr, &out->eligible, obj, "eligible")) == YH_OK))
		rc = get_checked_hash(jr, &out->root, obj, "root");
	yh_jr_leave(jr, was);
	return rc;
}

static int read_earlier(yh_jr *jr, void *out, json_t *v)
{
	static const char *const names[] = { "task_id", "draw_date", "transcript_sha256", NULL };
	yh_doc_earlier *e = out;
	int rc;

	if ((rc = yh_jr_object(jr, v, names)) < 0 ||
	    (rc = yh_jr_text(jr, &e->task_id, v, "task_id", YH_DOC_TEXT_MAX)) < 0 ||
	    (rc = yh_jr_text(jr, &e->draw_date, v, "draw_date", 10)) < 0)
		return rc;
	return yh_jr_hash(jr, e->transcript_sha256, v, "transcript_sha256");
}

/* chain: {seq, prev}; prev is null exactly for the first announcement. */
static int read_chain(yh_jr *jr, yh_draw_doc *d, json_t *doc)
{
	static const char *const names[] = { "seq", "prev", NULL };
	json_t *chain = json_object_get(doc, "chain");
	size_t was = yh_jr_enter(jr, "chain");
	int rc;

	if ((rc = yh_jr_object(jr, chain, names)) == YH_OK &&
	    (rc = yh_jr_uint(jr, &d->chain_seq, chain, "seq")) == YH_OK) {
		if (d->chain_seq < 1)
			rc = yh_error_set(YH_EDATA, "chain.seq: must be 1 or more");
		else if ((d->has_prev = d->chain_seq > 1))
			rc = yh_jr_hash(jr, d->chain_prev, chain, "prev");
		else if (!json_is_null(json_object_get(chain, "prev")))
			rc = yh_error_set(YH_EDATA, "chain.prev: must be null for the first announcement");
	}
	yh_jr_leave(jr, was);
	return rc;
}

static int read_registers(yh_jr *jr, yh_draw_doc *d, json_t *doc)
{
	static const char *const entities[] = { "count", "eligible", "root", "excluded", NULL };
	static const char *const inspectors[] = { "count", "eligible", "root", NULL };
	static const char *const conflicts[] = { "count", "root", NULL };
	size_t was;
	int rc;

	if ((rc = read_chain(jr, d, doc)) < 0 ||
	    (rc = yh_jr_array(jr, (void **)&d->earlier, &d->nearlier, sizeof(*d->earlier), doc, "earlier",
	                      read_earlier)) < 0 ||
	    (rc = read_register(jr, &d->entities, doc, "entities", entities)) < 0 ||
	    (rc = read_register(jr, &d->inspectors, doc, "inspectors", inspectors)) < 0 ||
	    (rc = read_register(jr, &d->conflicts, doc, "conflicts", conflicts)) < 0)
		return rc;
	was = yh_jr_enter(jr, "entities");
	rc = yh_jr_array(jr, (void **)&d->excluded, &d->nexcluded, sizeof(*d->excluded),
	               json_object_get(doc, "entities"), "excluded", read_id);
	yh_jr_leave(jr, was);
	if (rc < 0)
		return rc;
	return yh_jr_array(jr, (void **)&d->recent_pairs, &d->nrecent_pairs, sizeof(*d->recent_pairs),
	                   doc, "recent_pairs", read_pair);
}

/* The announcement and the transcript the document was made from (docs/spec.md §10), for
 * their digests. */
static int rebuild(yh_draw_doc *d, json_t *doc)
{
	static const char *const published[] = { "ledger", "signer", "signature", NULL };
	static const char *const drawn[] = { "entropy_value", "secret", "seed", "selected", "reserves", NULL };
	json_t *copy = json_copy(doc), *strata = NULL, *s;
	char *text = NULL;
	size_t i;
	int rc = YH_ENOMEM;

	for (i = 0; copy && published[i]; i++)
		json_object_del(copy, published[i]);
	if (!copy || json_object_set_new(copy, "format", json_string(YH_TRANSCRIPT_FORMAT)) < 0 ||
	    (rc = yh_jcs_dump(&text, copy)) < 0)
		goto done;
	yh_digest_transcript(d->transcript_sha256, text, strlen(text));
	free(text);
	text = NULL;
	rc = YH_ENOMEM;
	for (i = 0; drawn[i]; i++)
		json_object_del(copy, drawn[i]);
	if (!(strata = json_deep_copy(json_object_get(doc, "strata"))))
		goto done;
	json_array_foreach(strata, i, s)
		json_object_del(s, "cutoff");
	if (json_object_set(copy, "strata", strata) < 0 ||
	    json_object_set_new(copy, "format", json_string(YH_ANNOUNCEMENT_FORMAT)) < 0 ||
	    (rc = yh_jcs_dump(&text, copy)) < 0)
		goto done;
	yh_digest_announcement(d->announcement_digest, text);
done:
	free(text);
	json_decref(strata);
	json_decref(copy);
	return rc == YH_ENOMEM ? yh_error_set(YH_ENOMEM, "out of memory") : rc;
}

/* The task as its canonical text, parsed; a task that is not valid is the digest check's. */
static int read_task(yh_draw_doc *d, json_t *doc)
{
	int rc;

	if ((rc = yh_jcs_dump(&d->task_text, json_object_get(doc, "task"))) == YH_OK)
		rc = yh_task_parse(&d->task, d->task_text, strlen(d->task_text), "task");
	if (rc == YH_ENOMEM)
		return rc;
	if (rc < 0 && !(d->task_error = strdup(yh_error_message())))
		return yh_error_set(YH_ENOMEM, "out of memory");
	return YH_OK;
}

/* The signer and the bytes the signature covers: the canonical text without "signature". */
static int read_signature(yh_jr *jr, yh_draw_doc *d, json_t *doc)
{
	static const char *const ledger[] = { "commit_seq", "draw_seq", "draw_entry_hash", NULL };
	static const char *const signer[] = { "public_key", "key_id", NULL };
	json_t *l = json_object_get(doc, "ledger"), *s = json_object_get(doc, "signer"), *copy;
	size_t was = yh_jr_enter(jr, "ledger");
	int rc;

	if ((rc = yh_jr_object(jr, l, ledger)) == YH_OK &&
	    (rc = yh_jr_uint(jr, &d->commit_seq, l, "commit_seq")) == YH_OK &&
	    (rc = yh_jr_uint(jr, &d->draw_seq, l, "draw_seq")) == YH_OK)
		rc = yh_jr_hash(jr, d->draw_entry_hash, l, "draw_entry_hash");
	yh_jr_leave(jr, was);
	was = yh_jr_enter(jr, "signer");
	if (rc == YH_OK && (rc = yh_jr_object(jr, s, signer)) == YH_OK &&
	    (rc = get_checked_hash(jr, &d->public_key, s, "public_key")) == YH_OK)
		rc = yh_jr_text(jr, &d->key_id, s, "key_id", YH_DOC_TEXT_MAX);
	yh_jr_leave(jr, was);
	if (rc < 0 || (rc = get_checked_hex(jr, d->signature, 64, &d->signature_ok, doc, "signature")) < 0)
		return rc;
	/* a shallow copy: the members are shared, only the copy loses "signature" */
	if (!(copy = json_copy(doc)) || json_object_del(copy, "signature") != 0) {
		json_decref(copy);
		return yh_error_set(YH_ENOMEM, "out of memory");
	}
	rc = yh_jcs_dump(&d->signed_text, copy);
	json_decref(copy);
	if (rc == YH_ENOMEM)
		return rc;
	if (rc < 0 && !(d->signed_error = strdup(yh_error_message())))
		return yh_error_set(YH_ENOMEM, "out of memory");
	return YH_OK;
}

/* A transcript is what the store keeps; what publishing adds is no part of it. */
static int no_signature(json_t *json)
{
	static const char *const published[] = { "ledger", "signer", "signature" };
	size_t i;

	for (i = 0; i < 3; i++)
		if (json_object_get(json, published[i]))
			return yh_error_set(YH_EDATA, "%s: not a member of a transcript", published[i]);
	return YH_OK;
}

static int read_draw(yh_jr *jr, yh_draw_doc *d, json_t *doc)
{
	int rc;

	if ((rc = yh_jr_text(jr, &d->department, doc, "department", YH_DOC_TEXT_MAX)) < 0 ||
	    (rc = yh_jr_text(jr, &d->task_id, doc, "task_id", YH_DOC_TEXT_MAX)) < 0 ||
	    (rc = get_checked_hash(jr, &d->task_digest, doc, "task_digest")) < 0 ||
	    (rc = yh_jr_uint(jr, &d->freeze_seq, doc, "freeze_seq")) < 0 ||
	    (rc = yh_jr_uint(jr, &d->load_cap, doc, "load_cap")) < 0 ||
	    (rc = read_registers(jr, d, doc)) < 0 ||
	    (rc = yh_jr_array(jr, (void **)&d->strata, &d->nstrata, sizeof(*d->strata), doc, "strata",
	                    read_stratum)) < 0 ||
	    (rc = get_checked_hash(jr, &d->commitment, doc, "commitment")) < 0 ||
	    (rc = yh_jr_text(jr, &d->entropy_source, doc, "entropy_source", YH_DOC_ENTROPY_MAX)) < 0 ||
	    (rc = yh_jr_text(jr, &d->entropy_value, doc, "entropy_value", YH_DOC_ENTROPY_MAX)) < 0 ||
	    (rc = get_checked_hash(jr, &d->secret, doc, "secret")) < 0 ||
	    (rc = get_checked_hash(jr, &d->seed, doc, "seed")) < 0 ||
	    (rc = yh_jr_array(jr, (void **)&d->selected, &d->nselected, sizeof(*d->selected), doc,
	                    "selected", read_selected)) < 0)
		return rc;
	return yh_jr_array(jr, (void **)&d->reserves, &d->nreserves, sizeof(*d->reserves), doc, "reserves",
	                 read_reserve);
}

int yh_draw_doc_parse(yh_draw_doc **out, json_t *json, yh_draw_doc_kind kind)
{
	/* a transcript has all but the last three */
	static const char *const members[] = {
		"format", "department", "task_id", "task", "task_digest", "freeze_seq", "chain", "earlier",
		"entities", "inspectors", "conflicts", "recent_pairs", "strata", "load_cap", "commitment",
		"entropy_source", "entropy_value", "secret", "seed", "selected", "reserves", "ledger",
		"signer", "signature", NULL
	};
	yh_draw_doc *d;
	yh_jr jr;
	int rc;

	*out = NULL;
	yh_jr_init(&jr, "");
	if ((rc = check_shape(json, kind)) < 0)
		return rc;
	if (!(d = calloc(1, sizeof(*d))))
		return yh_error_set(YH_ENOMEM, "out of memory");
	d->json = json_incref(json);
	d->kind = kind;
	if ((rc = yh_jr_object(&jr, json, members)) < 0 ||
	    (kind == YH_DRAW_TRANSCRIPT && (rc = no_signature(json)) < 0) ||
	    (rc = read_draw(&jr, d, json)) < 0 || (rc = read_task(d, json)) < 0 ||
	    (rc = rebuild(d, json)) < 0 ||
	    (kind == YH_DRAW_DOCUMENT && (rc = read_signature(&jr, d, json)) < 0)) {
		yh_draw_doc_free(d);
		return rc;
	}
	*out = d;
	return YH_OK;
}

void yh_draw_doc_free(yh_draw_doc *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->nselected; i++)
		clear_selected(&d->selected[i]);
	free(d->selected);
	free(d->reserves);
	free(d->strata);
	free(d->excluded);
	free(d->earlier);
	free(d->recent_pairs);
	free(d->task_text);
	free(d->task_error);
	free(d->signed_text);
	free(d->signed_error);
	yh_task_free(d->task);
	json_decref(d->json);
	free(d);
}
