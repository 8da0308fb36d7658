/* draw_doc_parse.c — reading a draw document or transcript into typed values, once, with every
 * member checked and named by its path when it is malformed (see draw_doc.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaohao/document.h"
#include "yaohao/jcs.h"
#include "digest.h"
#include "draw_doc.h"
#include "draw_doc_private.h"
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

void yh_doc_selected_clear(yh_doc_selected *e)
{
	free(e->team);
	e->team = NULL;
	e->nteam = 0;
}

int yh_doc_selected_read(yh_jr *jr, void *out, json_t *v)
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
		yh_doc_selected_clear(e); /* the caller counts only the entries that were read */
	return rc;
}

int yh_doc_reserve_read(yh_jr *jr, void *out, json_t *v)
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

/* ---- canonical texts, member by member --------------------------------------------------
 *
 * The canonical (JCS) text of the whole document is that of its members, sorted by name (the
 * names are the format's, ASCII, so byte order is JCS's order), as "name":value.  Each member's
 * text is made on its own, or comes from the streaming reader for a streamed array, so that the
 * transcript's digest is hashed piece by piece and the signed text is put together in the
 * largest piece's own buffer, without a second copy of the document. */

typedef struct {
	const char *key;
	char *text;                  /* malloc()ed, NUL-terminated */
	size_t len;
} piece;

typedef struct {
	piece *p;
	size_t n;
	int rc;                      /* < 0: a member has no canonical text (the first such one's code) */
	char *error;                 /* and why */
} pieces;

static void pieces_clear(pieces *ps)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		free(ps->p[i].text);
	free(ps->p);
	free(ps->error);
	memset(ps, 0, sizeof(*ps));
}

static int cmp_piece(const void *a, const void *b)
{
	return strcmp(((const piece *)a)->key, ((const piece *)b)->key);
}

/* A member's canonical text as it is within the document: dumped inside an array, so that it
 * sits at the depth it has in the document and the depth limit falls where it always did. */
static int member_text(char **out, size_t *len, json_t *v)
{
	json_t *wrap = json_array();
	char *text = NULL;
	size_t n;
	int rc;

	*out = NULL;
	if (!wrap || json_array_append(wrap, v) < 0) {
		json_decref(wrap);
		return yh_error_set(YH_ENOMEM, "out of memory building a document");
	}
	rc = yh_jcs_dump(&text, wrap);
	json_decref(wrap);
	if (rc < 0)
		return rc;
	n = strlen(text);
	memmove(text, text + 1, n - 2);
	text[n - 2] = '\0';
	*out = text;
	*len = n - 2;
	return YH_OK;
}

/* The members' texts, the streamed ones taken over from the reader.  A member with no canonical
 * text is noted (ps->rc), not refused: which texts need it is the caller's to say. */
static int pieces_make(pieces *ps, json_t *doc, yh_doc_streamed *streamed)
{
	const char *key;
	json_t *v;
	size_t i;

	memset(ps, 0, sizeof(*ps));
	if (!(ps->p = calloc(json_object_size(doc) + 1, sizeof(*ps->p))))
		return yh_error_set(YH_ENOMEM, "out of memory");
	json_object_foreach(doc, key, v) {
		piece *p = &ps->p[ps->n++];
		int rc, which = -1;

		p->key = key;
		for (i = 0; streamed && i < YH_STREAMS; i++)
			if (streamed[i].present && strcmp(key, yh_doc_stream_names[i]) == 0)
				which = (int)i;
		if (which >= 0) {
			yh_doc_streamed *s = &streamed[which];

			p->text = s->text;
			p->len = s->len;
			s->text = NULL;
			continue;
		}
		if ((rc = member_text(&p->text, &p->len, v)) == YH_ENOMEM)
			return rc;
		if (rc < 0 && !ps->rc) {
			ps->rc = rc;
			if (!(ps->error = strdup(yh_error_message())))
				return yh_error_set(YH_ENOMEM, "out of memory");
		}
	}
	qsort(ps->p, ps->n, sizeof(*ps->p), cmp_piece);
	return YH_OK;
}

static int in_list(const char *key, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(key, *list) == 0)
			return 1;
	return 0;
}

/* The first member outside `skip` that has no canonical text, as its error; YH_OK if none. */
static int pieces_failure(const pieces *ps, const char *const *skip)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (!ps->p[i].text && !in_list(ps->p[i].key, skip))
			return yh_error_set(ps->rc, "%s", ps->error);
	return YH_OK;
}

/* The transcript's digest (docs/spec.md §10): the document without what publishing adds, its
 * format the transcript's, hashed as its canonical text goes by. */
static int transcript_digest(unsigned char out[32], const pieces *ps)
{
	static const char *const published[] = { "ledger", "signer", "signature", NULL };
	static const char format[] = "\"" YH_TRANSCRIPT_FORMAT "\"";
	yh_digest_file h;
	size_t i;
	int rc, first = 1;

	if ((rc = pieces_failure(ps, published)) < 0)
		return rc;
	yh_digest_file_init(&h);
	yh_digest_file_update(&h, "{", 1);
	for (i = 0; i < ps->n; i++) {
		const piece *p = &ps->p[i];

		if (in_list(p->key, published))
			continue;
		yh_digest_file_update(&h, first ? "\"" : ",\"", first ? 1 : 2);
		yh_digest_file_update(&h, p->key, strlen(p->key));
		yh_digest_file_update(&h, "\":", 2);
		if (strcmp(p->key, "format") == 0)
			yh_digest_file_update(&h, format, sizeof(format) - 1);
		else
			yh_digest_file_update(&h, p->text, p->len);
		first = 0;
	}
	yh_digest_file_update(&h, "}", 1);
	yh_digest_file_final(&h, out);
	return YH_OK;
}

/* The canonical text of the members but `skip` (signed: all but the signature), built in the
 * largest member's buffer, which is taken from ps (with the others' texts copied in). */
static int pieces_join(char **out, pieces *ps, const char *skip)
{
	size_t i, total = 2, big = SIZE_MAX, at = 1, big_at = 0;
	char *text;
	int first = 1;

	*out = NULL;
	for (i = 0; i < ps->n; i++) {
		if (strcmp(ps->p[i].key, skip) == 0)
			continue;
		total += (first ? 0 : 1) + strlen(ps->p[i].key) + 3 + ps->p[i].len;
		if (big == SIZE_MAX || ps->p[i].len > ps->p[big].len)
			big = i;
		first = 0;
	}
	if (big == SIZE_MAX) {
		if (!(*out = strdup("{}")))
			return yh_error_set(YH_ENOMEM, "out of memory");
		return YH_OK;
	}
	/* where the largest member's value starts: each member before it is {"key":value or
	 * ,"key":value */
	for (i = 0; i <= big; i++)
		if (strcmp(ps->p[i].key, skip) != 0)
			big_at += 2 + strlen(ps->p[i].key) + 2 + (i < big ? ps->p[i].len : 0);
	if (!(text = realloc(ps->p[big].text, total + 1)))
		return yh_error_set(YH_ENOMEM, "out of memory");
	ps->p[big].text = NULL;
	memmove(text + big_at, text, ps->p[big].len);
	text[0] = '{';
	for (i = 0, first = 1; i < ps->n; i++) {
		const piece *p = &ps->p[i];
		size_t klen = strlen(p->key);

		if (strcmp(p->key, skip) == 0)
			continue;
		if (!first)
			text[at++] = ',';
		text[at++] = '"';
		memcpy(text + at, p->key, klen);
		at += klen;
		memcpy(text + at, "\":", 2);
		at += 2;
		if (i != big)
			memcpy(text + at, p->text, p->len);
		at += p->len;
		first = 0;
	}
	text[at++] = '}';
	text[at] = '\0';
	*out = text;
	return YH_OK;
}

/* The announcement the document was made from (docs/spec.md §10), for its digest. */
static int rebuild_announcement(yh_draw_doc *d, json_t *doc)
{
	static const char *const dropped[] = { "ledger", "signer", "signature", "entropy_value", "secret",
	                                       "seed", "selected", "reserves", NULL };
	json_t *copy = json_copy(doc), *strata = NULL, *s;
	char *text = NULL;
	size_t i;
	int rc = YH_ENOMEM;

	for (i = 0; copy && dropped[i]; i++)
		json_object_del(copy, dropped[i]);
	if (!copy || !(strata = json_deep_copy(json_object_get(doc, "strata"))))
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
static int read_signature(yh_jr *jr, yh_draw_doc *d, json_t *doc, pieces *ps)
{
	static const char *const ledger[] = { "commit_seq", "draw_seq", "draw_entry_hash", NULL };
	static const char *const signer[] = { "public_key", "key_id", NULL };
	static const char *const unsigned_members[] = { "signature", NULL };
	json_t *l = json_object_get(doc, "ledger"), *s = json_object_get(doc, "signer");
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
	if ((rc = pieces_failure(ps, unsigned_members)) == YH_OK)
		rc = pieces_join(&d->signed_text, ps, "signature");
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

/* One of the arrays that may have been streamed: its elements were read as the text went by
 * (and are d's already); the first malformed one is reported here, in its turn. */
static int read_array(yh_jr *jr, void **out, size_t *n, size_t size, json_t *doc, int which,
                      yh_jr_element_fn fn, yh_doc_streamed *streamed)
{
	yh_doc_streamed *s = streamed ? &streamed[which] : NULL;

	if (!s || !s->present)
		return yh_jr_array(jr, out, n, size, doc, yh_doc_stream_names[which], fn);
	if (s->rc < 0)
		return yh_error_set(s->rc, "%s", s->error);
	return YH_OK;
}

static int read_draw(yh_jr *jr, yh_draw_doc *d, json_t *doc, yh_doc_streamed *streamed)
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
	    (rc = read_array(jr, (void **)&d->selected, &d->nselected, sizeof(*d->selected), doc,
	                     YH_STREAM_SELECTED, yh_doc_selected_read, streamed)) < 0)
		return rc;
	return read_array(jr, (void **)&d->reserves, &d->nreserves, sizeof(*d->reserves), doc,
	                  YH_STREAM_RESERVES, yh_doc_reserve_read, streamed);
}

const char *const yh_doc_stream_names[YH_STREAMS] = { "selected", "reserves" };

void yh_doc_streamed_clear(yh_doc_streamed *s, size_t index)
{
	size_t i;

	if (index == YH_STREAM_SELECTED)
		for (i = 0; i < s->n; i++)
			yh_doc_selected_clear(&((yh_doc_selected *)s->items)[i]);
	free(s->items);
	free(s->text);
	free(s->error);
	memset(s, 0, sizeof(*s));
}

int yh_draw_doc_build(yh_draw_doc **out, json_t *json, yh_draw_doc_kind kind, yh_doc_streamed *streamed,
                      yh_jr_arena *arena)
{
	/* a transcript has all but the last three */
	static const char *const members[] = {
		"format", "department", "task_id", "task", "task_digest", "freeze_seq", "chain", "earlier",
		"entities", "inspectors", "conflicts", "recent_pairs", "strata", "load_cap", "commitment",
		"entropy_source", "entropy_value", "secret", "seed", "selected", "reserves", "ledger",
		"signer", "signature", NULL
	};
	yh_draw_doc *d;
	pieces ps = { NULL, 0, 0, NULL };
	yh_jr jr;
	size_t i;
	int rc;

	*out = NULL;
	yh_jr_init(&jr, "");
	if (!(d = calloc(1, sizeof(*d))) || (!arena && yh_jr_arena_new(&arena) < 0)) {
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		free(d);
		yh_jr_arena_free(arena);
		for (i = 0; streamed && i < YH_STREAMS; i++)
			yh_doc_streamed_clear(&streamed[i], i);
		return rc;
	}
	d->arena = jr.arena = arena;
	d->signature_valid = -1;
	d->json = json_incref(json);
	d->kind = kind;
	if (streamed) {
		/* the elements read so far are the document's to free from here on */
		d->selected = streamed[YH_STREAM_SELECTED].items;
		d->nselected = streamed[YH_STREAM_SELECTED].n;
		d->reserves = streamed[YH_STREAM_RESERVES].items;
		d->nreserves = streamed[YH_STREAM_RESERVES].n;
		for (i = 0; i < YH_STREAMS; i++) {
			streamed[i].items = NULL;
			streamed[i].n = 0;
		}
	}
	if ((rc = check_shape(json, kind)) < 0 || (rc = yh_jr_object(&jr, json, members)) < 0 ||
	    (kind == YH_DRAW_TRANSCRIPT && (rc = no_signature(json)) < 0) ||
	    (rc = read_draw(&jr, d, json, streamed)) < 0 || (rc = read_task(d, json)) < 0 ||
	    (rc = pieces_make(&ps, json, streamed)) < 0 ||
	    (rc = transcript_digest(d->transcript_sha256, &ps)) < 0 ||
	    (rc = rebuild_announcement(d, json)) < 0 ||
	    (kind == YH_DRAW_DOCUMENT && (rc = read_signature(&jr, d, json, &ps)) < 0)) {
		pieces_clear(&ps);
		for (i = 0; streamed && i < YH_STREAMS; i++)
			yh_doc_streamed_clear(&streamed[i], i);
		yh_draw_doc_free(d);
		return rc;
	}
	pieces_clear(&ps);
	for (i = 0; streamed && i < YH_STREAMS; i++)
		yh_doc_streamed_clear(&streamed[i], i);
	*out = d;
	return YH_OK;
}

int yh_draw_doc_parse(yh_draw_doc **out, json_t *json, yh_draw_doc_kind kind)
{
	return yh_draw_doc_build(out, json, kind, NULL, NULL);
}

void yh_draw_doc_free(yh_draw_doc *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->nselected; i++)
		yh_doc_selected_clear(&d->selected[i]);
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
	yh_jr_arena_free(d->arena);
	free(d);
}
