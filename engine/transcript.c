/* transcript.c — typed draw results as the transcript's JSON (docs/spec.md §10). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaohao/jcs.h"
#include "jcs_write.h"
#include "text.h"
#include "report.h"
#include "transcript.h"
#include "error.h"

json_t *yh_selected_json(const yh_selected *e)
{
	char hex[65];
	json_t *entry, *team;
	size_t i;

	yh_hex(hex, e->ticket, 32);
	entry = json_pack("{s:I, s:s, s:s, s:s, s:s}", "rank", (json_int_t)e->rank, "id", e->id,
	                  "name", e->name, "stratum", e->stratum->key, "ticket", hex);
	if (!entry || !e->has_team)
		return entry;
	if (json_object_set_new(entry, "team", team = json_array()) < 0) {
		json_decref(entry);
		return NULL;
	}
	for (i = 0; i < e->team.n; i++) {
		const yh_officer *o = e->team.members[i].officer;

		yh_hex(hex, e->team.members[i].pair_ticket, 32);
		if (json_array_append_new(team, json_pack("{s:s, s:s, s:s, s:s, s:s}",
		                          "id", o->row[YH_I_ID], "name", o->row[YH_I_NAME],
		                          "department", o->row[YH_I_DEPARTMENT],
		                          "role", i == 0 ? "leader" : "member", "pair_ticket", hex)) < 0) {
			json_decref(entry);
			return NULL;
		}
	}
	return entry;
}

json_t *yh_selection_strata_json(const yh_selection *sel)
{
	const yh_frozen *f = sel->frozen;
	json_t *strata = json_array();
	char hex[65];
	size_t i;

	for (i = 0; strata && i < f->nstrata; i++) {
		const yh_stratum *st = &f->strata[i];

		if (sel->has_cutoff[i])
			yh_hex(hex, sel->cutoffs[i], 32);
		if (json_array_append_new(strata, json_pack("{s:s, s:I, s:I, s:I, s:s, s:o}",
		                          "key", st->key, "population", (json_int_t)st->population,
		                          "selected", (json_int_t)st->k, "reserves", (json_int_t)st->reserves,
		                          "rate", st->rate,
		                          "cutoff", sel->has_cutoff[i] ? json_string(hex) : json_null())) < 0) {
			json_decref(strata);
			return NULL;
		}
	}
	return strata;
}

json_t *yh_selection_reserves_json(const yh_selection *sel)
{
	json_t *reserves = json_array();
	char hex[65];
	size_t i;

	for (i = 0; reserves && i < sel->nreserves; i++) {
		const yh_reserve *r = &sel->reserves[i];

		yh_hex(hex, r->ticket, 32);
		if (json_array_append_new(reserves, json_pack("{s:s, s:I, s:s, s:s, s:s}",
		                          "stratum", r->stratum->key, "order", (json_int_t)r->order,
		                          "id", r->id, "name", r->name, "ticket", hex)) < 0) {
			json_decref(reserves);
			return NULL;
		}
	}
	return reserves;
}

/*
 * The transcript written piece by piece.  The document without its entries is serialised
 * once with "reserves" and "selected" empty, and cut where they are: what comes before
 * "reserves", the reserves, what lies between, each selected entry as it is drawn, and the
 * rest.  The entries are written here in their canonical form directly (members in JCS
 * order, strings escaped by jcs.c): the same bytes as serialising the whole document, which
 * test_select checks against yh_jcs_dump.
 */
#define FLUSH_AT (1u << 16)

struct yh_transcript_writer {
	yh_textbuf b;
	char *skeleton;
	size_t cut[4];               /* "reserves":[ | ] ... "selected":[ | ]... */
	uint64_t nselected;
	yh_transcript_write_fn write;
	void *ctx;
	int rc;
};

static void flush(yh_transcript_writer *w, int always)
{
	if (w->rc || (!always && w->b.len < FLUSH_AT))
		return;
	if (w->b.failed)
		w->rc = yh_error_set(YH_ENOMEM, "out of memory writing the transcript");
	else if (w->b.len && (w->rc = w->write(w->ctx, w->b.p, w->b.len)) > 0)
		w->rc = yh_error_set(YH_EIO, "the transcript could not be written");
	w->b.len = 0;
}

static void put(yh_transcript_writer *w, const char *s, size_t n)
{
	yh_textbuf_put(&w->b, s, n);
	flush(w, 0);
}

static void put_key_string(yh_transcript_writer *w, const char *key, const char *v)
{
	char why[128];
	size_t n = strlen(v);

	yh_textbuf_puts(&w->b, key);
	if (!w->rc && yh_text_check(v, n, why, sizeof(why)) == YH_TEXT_NOT_UTF8)
		w->rc = yh_error_set(YH_EDATA, "a value of the transcript is not UTF-8: '%s'", why);
	yh_jcs_put_string(&w->b, v, n);
}

static void put_hex(yh_transcript_writer *w, const char *key, const unsigned char bytes[32])
{
	char hex[65];

	yh_hex(hex, bytes, 32);
	yh_textbuf_puts(&w->b, key);
	yh_textbuf_put(&w->b, "\"", 1);
	yh_textbuf_put(&w->b, hex, 64);
	yh_textbuf_put(&w->b, "\"", 1);
}

static void put_int(yh_transcript_writer *w, const char *key, uint64_t v)
{
	char num[32];

	yh_textbuf_puts(&w->b, key);
	yh_textbuf_put(&w->b, num, (size_t)snprintf(num, sizeof(num), "%llu", (unsigned long long)v));
}

/* Where the top-level member `name` holds "[]": the offset of its '[', or 0 (the text is
 * canonical: no whitespace, strings escaped, so a top-level name is found by depth alone). */
static size_t find_member(const char *t, const char *name)
{
	size_t i, n = strlen(name);
	int depth = 0, in_string = 0;

	for (i = 0; t[i]; i++) {
		if (in_string) {
			if (t[i] == '\\')
				i++;
			else if (t[i] == '"')
				in_string = 0;
			continue;
		}
		switch (t[i]) {
		case '"':
			if (depth == 1 && (t[i - 1] == '{' || t[i - 1] == ',') && strncmp(t + i + 1, name, n) == 0 &&
			    strncmp(t + i + 1 + n, "\":[]", 4) == 0)
				return i + n + 3;
			in_string = 1;
			break;
		case '{': case '[': depth++; break;
		case '}': case ']': depth--; break;
		}
	}
	return 0;
}

int yh_transcript_begin(yh_transcript_writer **out, json_t *ann, const unsigned char secret[32],
                        const char *value, const unsigned char seed[32], const yh_selection *sel,
                        yh_transcript_write_fn write, void *ctx)
{
	yh_transcript_writer *w = calloc(1, sizeof(*w));
	json_t *tr = json_deep_copy(ann), *strata = yh_selection_strata_json(sel);
	char hex[65];
	size_t i;
	int rc;

	*out = NULL;
	if (!w || !tr || !strata) {
		rc = yh_error_set(YH_ENOMEM, "out of memory building the transcript");
		goto done;
	}
	w->write = write;
	w->ctx = ctx;
	json_object_set_new(tr, "format", json_string(YH_TRANSCRIPT_FORMAT));
	json_object_set_new(tr, "entropy_value", json_string(value));
	yh_hex(hex, secret, 32);
	json_object_set_new(tr, "secret", json_string(hex));
	yh_hex(hex, seed, 32);
	json_object_set_new(tr, "seed", json_string(hex));
	json_object_set(tr, "strata", strata);
	json_object_set_new(tr, "reserves", json_array());
	json_object_set_new(tr, "selected", json_array());
	if ((rc = yh_jcs_dump(&w->skeleton, tr)) < 0)
		goto done;
	/* "reserves" sorts before "selected" */
	if (!(w->cut[0] = find_member(w->skeleton, "reserves")) ||
	    !(w->cut[2] = find_member(w->skeleton, "selected")) || w->cut[2] < w->cut[0]) {
		rc = yh_error_set(YH_ERROR, "the transcript has no place for its reserves and selected "
		                  "entities");
		goto done;
	}
	w->cut[0]++;
	w->cut[1] = w->cut[0];
	w->cut[3] = ++w->cut[2];
	put(w, w->skeleton, w->cut[0]);
	for (i = 0; i < sel->nreserves && !w->rc; i++) {
		const yh_reserve *r = &sel->reserves[i];

		yh_textbuf_put(&w->b, i ? ",{" : "{", i ? 2 : 1);
		put_key_string(w, "\"id\":", r->id);
		put_key_string(w, ",\"name\":", r->name);
		put_int(w, ",\"order\":", r->order);
		put_key_string(w, ",\"stratum\":", r->stratum->key);
		put_hex(w, ",\"ticket\":", r->ticket);
		put(w, "}", 1);
	}
	put(w, w->skeleton + w->cut[1], w->cut[2] - w->cut[1]);
	if ((rc = w->rc) < 0)
		goto done;
	*out = w;
	w = NULL;
done:
	yh_transcript_writer_free(w);
	json_decref(tr);
	json_decref(strata);
	return rc;
}

int yh_transcript_add(yh_transcript_writer *w, const yh_selected *e)
{
	size_t i;

	if (w->nselected++)
		yh_textbuf_put(&w->b, ",", 1);
	yh_textbuf_put(&w->b, "{", 1);
	put_key_string(w, "\"id\":", e->id);
	put_key_string(w, ",\"name\":", e->name);
	put_int(w, ",\"rank\":", e->rank);
	put_key_string(w, ",\"stratum\":", e->stratum->key);
	if (e->has_team) {
		yh_textbuf_puts(&w->b, ",\"team\":[");
		for (i = 0; i < e->team.n; i++) {
			const yh_officer *o = e->team.members[i].officer;

			yh_textbuf_put(&w->b, i ? ",{" : "{", i ? 2 : 1);
			put_key_string(w, "\"department\":", o->row[YH_I_DEPARTMENT]);
			put_key_string(w, ",\"id\":", o->row[YH_I_ID]);
			put_key_string(w, ",\"name\":", o->row[YH_I_NAME]);
			put_hex(w, ",\"pair_ticket\":", e->team.members[i].pair_ticket);
			put_key_string(w, ",\"role\":", i == 0 ? "leader" : "member");
			yh_textbuf_put(&w->b, "}", 1);
		}
		yh_textbuf_put(&w->b, "]", 1);
	}
	put_hex(w, ",\"ticket\":", e->ticket);
	put(w, "}", 1);
	return w->rc;
}

int yh_transcript_end(yh_transcript_writer *w)
{
	put(w, w->skeleton + w->cut[3], strlen(w->skeleton + w->cut[3]));
	flush(w, 1);
	return w->rc;
}

void yh_transcript_writer_free(yh_transcript_writer *w)
{
	if (!w)
		return;
	free(w->b.p);
	free(w->skeleton);
	free(w);
}
