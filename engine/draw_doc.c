/* draw_doc.c — working with a parsed draw (see draw_doc.h): comparing its parts, finding its
 * entries, and the frozen state it states, as a replay needs it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaohao/key.h"
#include "draw_doc.h"
#include "error.h"

int yh_doc_team_equal(const yh_doc_member *a, size_t na, const yh_doc_member *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (strcmp(a[i].id, b[i].id) != 0 || strcmp(a[i].name, b[i].name) != 0 ||
		    strcmp(a[i].department, b[i].department) != 0 || strcmp(a[i].role, b[i].role) != 0 ||
		    memcmp(a[i].pair_ticket, b[i].pair_ticket, 32) != 0)
			return 0;
	return 1;
}

int yh_doc_selected_equal(const yh_doc_selected *a, const yh_doc_selected *b, int teams)
{
	if (a->rank != b->rank || strcmp(a->id, b->id) != 0 || strcmp(a->name, b->name) != 0 ||
	    strcmp(a->stratum, b->stratum) != 0 || memcmp(a->ticket, b->ticket, 32) != 0)
		return 0;
	return !teams || yh_doc_team_equal(a->team, a->nteam, b->team, b->nteam);
}

int yh_doc_stratum_equal(const yh_doc_stratum *a, const yh_doc_stratum *b)
{
	return strcmp(a->key, b->key) == 0 && strcmp(a->rate, b->rate) == 0 &&
	       a->population == b->population && a->selected == b->selected &&
	       a->reserves == b->reserves && a->has_cutoff == b->has_cutoff &&
	       (!a->has_cutoff || memcmp(a->cutoff, b->cutoff, 32) == 0);
}

int yh_doc_reserve_equal(const yh_doc_reserve *a, const yh_doc_reserve *b)
{
	return strcmp(a->stratum, b->stratum) == 0 && a->order == b->order && strcmp(a->id, b->id) == 0 &&
	       strcmp(a->name, b->name) == 0 && memcmp(a->ticket, b->ticket, 32) == 0;
}

const yh_doc_stratum *yh_draw_doc_stratum(const yh_draw_doc *doc, const char *key)
{
	size_t i;

	for (i = 0; i < doc->nstrata; i++)
		if (strcmp(doc->strata[i].key, key) == 0)
			return &doc->strata[i];
	return NULL;
}

const yh_doc_selected *yh_draw_doc_selected(const yh_draw_doc *doc, const char *id)
{
	size_t i;

	for (i = 0; i < doc->nselected; i++)
		if (strcmp(doc->selected[i].id, id) == 0)
			return &doc->selected[i];
	return NULL;
}

const yh_doc_reserve *yh_draw_doc_reserve(const yh_draw_doc *doc, const char *id)
{
	size_t i;

	for (i = 0; i < doc->nreserves; i++)
		if (strcmp(doc->reserves[i].id, id) == 0)
			return &doc->reserves[i];
	return NULL;
}

/* The strata as the draw sized them; yh_frozen_stratum bisects, so they must be sorted. */
static int frozen_strata(yh_frozen *f, const yh_draw_doc *doc)
{
	size_t i;

	if (!(f->strata = calloc(doc->nstrata + 1, sizeof(*f->strata))))
		return yh_error_set(YH_ENOMEM, "out of memory");
	f->nstrata = doc->nstrata;
	for (i = 0; i < doc->nstrata; i++) {
		const yh_doc_stratum *s = &doc->strata[i];
		yh_stratum *st = &f->strata[i];

		/* the parser bounds both texts to their fields */
		snprintf(st->key, sizeof(st->key), "%s", s->key);
		snprintf(st->rate, sizeof(st->rate), "%s", s->rate);
		st->population = s->population;
		st->k = s->selected;
		st->reserves = s->reserves;
		if (i > 0 && strcmp(f->strata[i - 1].key, st->key) >= 0)
			return yh_error_set(YH_EDATA, "the strata are not sorted by key at '%s'", st->key);
		if (st->k > st->population || st->reserves > st->population - st->k)
			return yh_error_set(YH_EDATA, "stratum '%s' selects more than its population", st->key);
	}
	return YH_OK;
}

/* The excluded ids; the eligibility lookup bisects, so they must be as the commit wrote them
 * (docs/spec.md §4). */
static int frozen_excluded(yh_frozen *f, const yh_draw_doc *doc)
{
	size_t i;

	if (!(f->excluded = calloc(doc->nexcluded + 1, sizeof(char *))))
		return yh_error_set(YH_ENOMEM, "out of memory");
	for (i = 0; i < doc->nexcluded; i++) {
		if (i > 0 && strcmp(doc->excluded[i - 1], doc->excluded[i]) >= 0)
			return yh_error_set(YH_EDATA, "entities.excluded is not sorted without repeats at '%s'",
			                    doc->excluded[i]);
		if (!(f->excluded[f->nexcluded++] = strdup(doc->excluded[i])))
			return yh_error_set(YH_ENOMEM, "out of memory");
	}
	return YH_OK;
}

int yh_draw_doc_frozen(yh_frozen *f, const yh_draw_doc *doc)
{
	int rc;

	f->task = doc->task;
	f->freeze_seq = doc->freeze_seq;
	f->load_cap = doc->load_cap;
	if ((rc = frozen_strata(f, doc)) < 0)
		return rc;
	return frozen_excluded(f, doc);
}

int yh_draw_doc_add_recent(yh_frozen *f, const yh_draw_doc *doc)
{
	size_t i;
	int rc;

	for (i = 0; i < doc->nrecent_pairs; i++)
		if ((rc = yh_frozen_add_recent_pair(f, doc->recent_pairs[i].entity_id,
		                                    doc->recent_pairs[i].inspector_id,
		                                    doc->recent_pairs[i].task_id)) < 0)
			return rc;
	return YH_OK;
}

int yh_draw_doc_signature_valid(const yh_draw_doc *doc)
{
	if (doc->signature_valid >= 0)
		return doc->signature_valid;
	return doc->public_key.ok && doc->signature_ok && doc->signed_text &&
	       yh_key_verify(doc->signature, doc->public_key.bytes, doc->signed_text,
	                     strlen(doc->signed_text)) == YH_OK;
}

void yh_draw_doc_settle_signature(yh_draw_doc *doc)
{
	if (doc->signature_valid >= 0)
		return;
	doc->signature_valid = yh_draw_doc_signature_valid(doc);
	free(doc->signed_text);
	doc->signed_text = NULL;
}
