/* transcript.c — typed draw results as the transcript's JSON (docs/spec.md §10). */
#include <stdlib.h>
#include <string.h>

#include "yaohao/jcs.h"
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

int yh_transcript_text(char **out, json_t *ann, const unsigned char secret[32], const char *value,
                       const unsigned char seed[32], json_t *strata, json_t *reserves,
                       char **selected, size_t selected_len)
{
	static const char slot[] = "\"selected\":[]";
	json_t *tr = json_deep_copy(ann), *none = json_array();
	char hex[65], *text = NULL, *at, *p;
	size_t head, len;
	int rc;

	*out = NULL;
	if (!tr || !none) {
		json_decref(tr);
		json_decref(none);
		return yh_error_set(YH_ENOMEM, "out of memory building the transcript");
	}
	json_object_set_new(tr, "format", json_string(YH_TRANSCRIPT_FORMAT));
	json_object_set_new(tr, "entropy_value", json_string(value));
	yh_hex(hex, secret, 32);
	json_object_set_new(tr, "secret", json_string(hex));
	yh_hex(hex, seed, 32);
	json_object_set_new(tr, "seed", json_string(hex));
	json_object_set(tr, "strata", strata);
	json_object_set(tr, "reserves", reserves);
	json_object_set_new(tr, "selected", none);
	rc = yh_jcs_dump(&text, tr);
	json_decref(tr);
	if (rc < 0)
		return rc;
	/* the one top-level "selected" member is written empty, then the streamed
	 * entries are put in its place: same bytes as serialising it whole.  The
	 * entries' buffer grows into the transcript, so it is never held twice. */
	if (!(at = strstr(text, slot))) {
		free(text);
		return yh_error_set(YH_ERROR, "the transcript has no place for its selected entities");
	}
	head = (size_t)(at - text) + sizeof(slot) - 2;
	len = strlen(text);
	if (!(p = realloc(*selected, len + selected_len + 1))) {
		free(text);
		return yh_error_set(YH_ENOMEM, "out of memory building the transcript");
	}
	*selected = NULL;
	memmove(p + head, p, selected_len);
	memcpy(p, text, head);
	memcpy(p + head + selected_len, text + head, len - head + 1);
	free(text);
	*out = p;
	return YH_OK;
}
