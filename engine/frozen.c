/* frozen.c — the frozen inputs of a draw: eligible officers, recusals, exclusions, entities. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "yaohao/merkle.h"
#include "store/store.h"
#include "digest.h"
#include "frozen.h"
#include "error.h"

static char *dup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d)
		yh_error_set(YH_ENOMEM, "out of memory");
	return d;
}

static int split_specs(yh_officer *o)
{
	const char *s = o->row[YH_I_SPECIALTIES];
	size_t n = *s ? 1 : 0, i;
	char *copy, *tok, *save = NULL;

	for (i = 0; s[i]; i++)
		n += s[i] == ';';
	o->specs = calloc(n + 1, sizeof(char *));
	copy = strdup(s);
	if (!o->specs || !copy) {
		free(copy);
		return yh_error_set(YH_ENOMEM, "out of memory");
	}
	for (tok = strtok_r(copy, ";", &save); tok; tok = strtok_r(NULL, ";", &save))
		o->specs[o->nspecs++] = tok;
	if (o->nspecs == 0)
		free(copy);
	return YH_OK;
}

/* Keeps a row's key and leaf hash for a root over every row. */
static int add_leaf(yh_leaf **v, size_t *n, size_t *cap, const char *key, const char *key2,
                    const char *const *row, size_t ncols)
{
	unsigned char buf[(YH_FIELD_MAX + 4) * YH_REGISTER_MAX_COLUMNS];
	size_t len = yh_merkle_encode_row(buf, sizeof(buf), row, ncols);
	yh_leaf *l;

	if (!len)
		return yh_error_set(YH_EDATA, "a row of '%s' is too long", key);
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;

		if (!(l = realloc(*v, c * sizeof(*l))))
			return yh_error_set(YH_ENOMEM, "out of memory");
		*v = l;
		*cap = c;
	}
	l = &(*v)[*n];
	yh_digest_leaf(l->leaf, buf, len);
	l->key = strdup(key);
	l->key2 = key2 ? strdup(key2) : NULL;
	(*n)++;
	if (!l->key || (key2 && !l->key2))
		return yh_error_set(YH_ENOMEM, "out of memory");
	return YH_OK;
}

static int cmp_leaf(const void *a, const void *b)
{
	const yh_leaf *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c || !x->key2 ? c : strcmp(x->key2, y->key2);
}

/* Sorts the leaves by key, refuses a repeated key, and computes their root. */
static int leaves_root(unsigned char root[32], yh_leaf *v, size_t n, const char *what)
{
	yh_merkle *m = NULL;
	size_t i;
	int rc;

	if (n)
		qsort(v, n, sizeof(*v), cmp_leaf);
	for (i = 1; i < n; i++)
		if (cmp_leaf(&v[i - 1], &v[i]) == 0)
			return yh_error_set(YH_EDATA, "%s '%s%s%s' appears twice", what, v[i].key,
			                    v[i].key2 ? "/" : "", v[i].key2 ? v[i].key2 : "");
	if ((rc = yh_merkle_new(&m)) < 0)
		return rc;
	for (i = 0; i < n; i++)
		yh_merkle_add_hash(m, v[i].leaf);
	yh_merkle_root(root, m);
	yh_merkle_free(m);
	return YH_OK;
}

yh_out_reason yh_frozen_officer_reason(const yh_frozen *f, const char *const *row)
{
	const yh_task *t = f->task;

	if (strcmp(row[YH_I_STATUS], "active") != 0)
		return YH_OUT_STATUS;
	if (strcmp(row[YH_I_CERT], t->draw_date) < 0)
		return YH_OUT_CERTIFICATE;
	return yh_task_has_department(t, row[YH_I_DEPARTMENT]) ? YH_ELIGIBLE : YH_OUT_DEPARTMENT;
}

int yh_frozen_add_officer(yh_frozen *f, const char *const *row)
{
	yh_out_reason why;
	yh_officer *o;
	size_t i;
	int rc;

	if ((rc = add_leaf(&f->officer_rows, &f->nofficer_rows, &f->officer_rows_cap, row[YH_I_ID],
	                   NULL, row, YH_I_COLUMNS)) < 0)
		return rc;
	f->officers_out[why = yh_frozen_officer_reason(f, row)]++;
	if (why != YH_ELIGIBLE)
		return 0;
	if (f->nofficers == f->officers_cap) {
		size_t cap = f->officers_cap ? f->officers_cap * 2 : 64;
		yh_officer *p = realloc(f->officers, cap * sizeof(*p));

		if (!p)
			return yh_error_set(YH_ENOMEM, "out of memory");
		f->officers = p;
		f->officers_cap = cap;
	}
	o = &f->officers[f->nofficers];
	memset(o, 0, sizeof(*o));
	f->nofficers++;
	for (i = 0; i < YH_I_COLUMNS; i++)
		if (!(o->row[i] = dup(row[i])))
			return YH_ENOMEM;
	return split_specs(o);
}

static int cmp_officer(const void *a, const void *b)
{
	return strcmp(((const yh_officer *)a)->row[YH_I_ID], ((const yh_officer *)b)->row[YH_I_ID]);
}

int yh_frozen_finish_officers(yh_frozen *f)
{
	if (f->nofficers)
		qsort(f->officers, f->nofficers, sizeof(*f->officers), cmp_officer);
	return leaves_root(f->officer_root, f->officer_rows, f->nofficer_rows, "officer");
}

static int offer_officer(void *ctx, const char *const *row, size_t n)
{
	(void)n;
	return yh_frozen_add_officer(ctx, row);
}

int yh_frozen_load_officers(yh_frozen *f, yh_store *store)
{
	int rc = yh_register_foreach(store, YH_REGISTER_INSPECTORS, f->freeze_seq, offer_officer, f);

	return rc < 0 ? rc : yh_frozen_finish_officers(f);
}

static int cmp_recusal(const void *a, const void *b)
{
	const yh_recusal *x = a, *y = b;
	int c = strcmp(x->entity_id, y->entity_id);

	if (c == 0)
		c = strcmp(x->inspector_id, y->inspector_id);
	return c ? c : strcmp(x->reason, y->reason);
}

int yh_frozen_add_recusal(yh_frozen *f, const char *e, const char *i, const char *r)
{
	yh_recusal *p;

	if (!e || !i || !r)
		return yh_error_set(YH_EDATA, "a recusal pair is incomplete");
	if (f->nrecusals == f->recusals_cap) {
		size_t cap = f->recusals_cap ? f->recusals_cap * 2 : 64;

		if (!(p = realloc(f->recusals, cap * sizeof(*p))))
			return yh_error_set(YH_ENOMEM, "out of memory");
		f->recusals = p;
		f->recusals_cap = cap;
	}
	p = &f->recusals[f->nrecusals];
	p->entity_id = strdup(e);
	p->inspector_id = strdup(i);
	p->reason = strdup(r);
	p->recent = 0;
	f->nrecusals++;
	if (!p->entity_id || !p->inspector_id || !p->reason)
		return yh_error_set(YH_ENOMEM, "out of memory");
	return YH_OK;
}

int yh_frozen_add_conflict(yh_frozen *f, const char *const *row)
{
	int rc;

	if ((rc = add_leaf(&f->conflict_rows, &f->nconflict_rows, &f->conflict_rows_cap,
	                   row[YH_C_INSPECTOR], row[YH_C_ENTITY], row, YH_C_COLUMNS)) < 0)
		return rc;
	return yh_frozen_add_recusal(f, row[YH_C_ENTITY], row[YH_C_INSPECTOR], row[YH_C_REASON]);
}

int yh_frozen_add_recent_pair(yh_frozen *f, const char *entity_id, const char *inspector_id,
                              const char *task_id)
{
	char reason[YH_FIELD_MAX + 16];
	int rc;

	if (!task_id)
		return yh_error_set(YH_EDATA, "a recent pair names no task");
	snprintf(reason, sizeof(reason), "recent:%s", task_id);
	if ((rc = yh_frozen_add_recusal(f, entity_id, inspector_id, reason)) < 0)
		return rc;
	f->recusals[f->nrecusals - 1].recent = 1;
	f->nrecent++;
	return YH_OK;
}

int yh_frozen_add_recent(yh_frozen *f, json_t *recent)
{
	json_t *p;
	size_t i;
	int rc;

	if (!json_is_array(recent))
		return yh_error_set(YH_EDATA, "the list of recent pairs is missing");
	json_array_foreach(recent, i, p)
		if ((rc = yh_frozen_add_recent_pair(f, json_string_value(json_object_get(p, "entity_id")),
		                                    json_string_value(json_object_get(p, "inspector_id")),
		                                    json_string_value(json_object_get(p, "task_id")))) < 0)
			return rc;
	return YH_OK;
}

int yh_frozen_finish_recusals(yh_frozen *f)
{
	if (f->nrecusals)
		qsort(f->recusals, f->nrecusals, sizeof(*f->recusals), cmp_recusal);
	return leaves_root(f->conflict_root, f->conflict_rows, f->nconflict_rows, "conflict");
}

static int offer_conflict(void *ctx, const char *const *row, size_t n)
{
	(void)n;
	return yh_frozen_add_conflict(ctx, row);
}

static int offer_recent(void *ctx, const char *entity_id, const char *inspector_id,
                        const char *task_id)
{
	return yh_frozen_add_recent_pair(ctx, entity_id, inspector_id, task_id);
}

int yh_frozen_load_recusals(yh_frozen *f, yh_store *store, json_t *recent)
{
	int rc;

	if ((rc = yh_register_foreach(store, YH_REGISTER_CONFLICTS, f->freeze_seq, offer_conflict, f)) < 0)
		return rc;
	if (recent)
		rc = yh_frozen_add_recent(f, recent);
	else if (f->task->pair_days > 0) /* pairs teamed by draws dated within the window before this one */
		rc = yh_draw_store_recent_pairs(store, f->task->draw_date, f->task->pair_days,
		                                offer_recent, f);
	return rc < 0 ? rc : yh_frozen_finish_recusals(f);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct {
	yh_frozen *f;
	size_t cap;
} id_list;

static int offer_excluded(void *ctx, const char *id)
{
	id_list *l = ctx;
	yh_frozen *f = l->f;

	if (f->nexcluded == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		char **p = realloc(f->excluded, cap * sizeof(*p));

		if (!p)
			return yh_error_set(YH_ENOMEM, "out of memory");
		f->excluded = p;
		l->cap = cap;
	}
	if (!(f->excluded[f->nexcluded] = dup(id)))
		return YH_ENOMEM;
	f->nexcluded++;
	return 0;
}

static int excluded_from_list(yh_frozen *f, json_t *list)
{
	json_t *v;
	size_t i;

	f->excluded = calloc(json_array_size(list) + 1, sizeof(char *));
	if (!f->excluded)
		return yh_error_set(YH_ENOMEM, "out of memory");
	json_array_foreach(list, i, v) {
		if (!json_is_string(v))
			return yh_error_set(YH_EDATA, "entities.excluded holds something else than an id");
		/* the lookup bisects: the list must be as the commit writes it (docs/spec.md §4) */
		if (i > 0 && strcmp(f->excluded[i - 1], json_string_value(v)) >= 0)
			return yh_error_set(YH_EDATA, "entities.excluded is not sorted without repeats at "
			                    "'%s'", json_string_value(v));
		if (!(f->excluded[f->nexcluded++] = strdup(json_string_value(v))))
			return yh_error_set(YH_ENOMEM, "out of memory");
	}
	return YH_OK;
}

int yh_frozen_load_excluded(yh_frozen *f, yh_store *store, json_t *list)
{
	id_list l = { f, 0 };
	int rc;

	if (list)
		return excluded_from_list(f, list);
	if (f->task->exclude_days <= 0)
		return YH_OK;
	rc = yh_draw_store_recent_entities(store, f->task->draw_date, f->task->exclude_days,
	                                   offer_excluded, &l);
	if (rc == YH_OK && f->nexcluded) /* qsort() must not be given NULL, even for 0 items */
		qsort(f->excluded, f->nexcluded, sizeof(char *), cmp_str);
	return rc;
}

yh_out_reason yh_frozen_entity_reason(const yh_frozen *f, const char *const *row)
{
	size_t i;

	for (i = 0; i < f->task->status.n; i++)
		if (strcmp(f->task->status.v[i], row[YH_E_STATUS]) == 0)
			break;
	if (i == f->task->status.n)
		return YH_OUT_STATUS;
	if (!yh_task_population_match(f->task, row))
		return YH_OUT_FILTER;
	/* bsearch() must not be given NULL, even for 0 items */
	if (f->nexcluded && bsearch(&row[YH_E_ID], f->excluded, f->nexcluded, sizeof(char *), cmp_str))
		return YH_OUT_EXCLUDED;
	return YH_ELIGIBLE;
}

int yh_frozen_entity_eligible(const yh_frozen *f, const char *const *row)
{
	if (!yh_task_population_match(f->task, row))
		return 0;
	/* bsearch() must not be given NULL, even for 0 items */
	return !(f->nexcluded && bsearch(&row[YH_E_ID], f->excluded, f->nexcluded, sizeof(char *), cmp_str));
}

typedef struct {
	const yh_frozen *f;
	yh_entity_fn every_row, eligible;
	void *ctx;
} scan;

static int offer_entity(void *ctx, const char *const *row, size_t n)
{
	scan *sc = ctx;
	int rc;

	(void)n;
	if (sc->every_row && (rc = sc->every_row(sc->ctx, row)) != 0)
		return rc;
	return yh_frozen_entity_eligible(sc->f, row) ? sc->eligible(sc->ctx, row) : 0;
}

/* The entity columns eligibility and the stratum key read: a scan that needs no whole rows
 * reads only these (each column read costs about as much as the id).  Not the name: the draw
 * looks up the names of the few it selects afterwards, by id (select.c). */
static uint32_t entity_columns(const yh_task *t)
{
	uint32_t c = 1u << YH_E_ID | 1u << YH_E_STATUS;
	size_t i;

	if (t->regions.n)
		c |= 1u << YH_E_REGION;
	if (t->industries.n)
		c |= 1u << YH_E_INDUSTRY;
	if (t->types.n)
		c |= 1u << YH_E_TYPE;
	if (t->risks.n)
		c |= 1u << YH_E_RISK;
	if (t->abnormal >= 0)
		c |= 1u << YH_E_ABNORMAL;
	for (i = 0; i < t->nby; i++)
		switch (t->by[i]) {
		case YH_BY_RISK: c |= 1u << YH_E_RISK; break;
		case YH_BY_PROVINCE: case YH_BY_CITY: c |= 1u << YH_E_REGION; break;
		case YH_BY_INDUSTRY_SECTION: c |= 1u << YH_E_INDUSTRY; break;
		case YH_BY_TYPE: c |= 1u << YH_E_TYPE; break;
		default: return UINT32_MAX;
		}
	return c;
}

int yh_frozen_scan(yh_store *store, const yh_frozen *f, yh_entity_fn every_row,
                   yh_entity_fn eligible, void *ctx)
{
	scan sc = { f, every_row, eligible, ctx };

	return yh_register_foreach_columns(store, YH_REGISTER_ENTITIES, f->freeze_seq,
	                                   every_row ? UINT32_MAX : entity_columns(f->task),
	                                   offer_entity, &sc);
}

int yh_frozen_scan_desc(yh_store *store, const yh_frozen *f, yh_entity_fn eligible, void *ctx)
{
	scan sc = { f, NULL, eligible, ctx };

	return yh_register_foreach_columns_desc(store, YH_REGISTER_ENTITIES, f->freeze_seq,
	                                        entity_columns(f->task), offer_entity, &sc);
}

static int cmp_stratum_key(const void *key, const void *s)
{
	return strcmp(key, ((const yh_stratum *)s)->key);
}

yh_stratum *yh_frozen_stratum(const yh_frozen *f, const char *key)
{
	if (!f->nstrata) /* bsearch() must not be given NULL, even for 0 items */
		return NULL;
	return bsearch(key, f->strata, f->nstrata, sizeof(*f->strata), cmp_stratum_key);
}

static int cmp_officer_id(const void *key, const void *o)
{
	return strcmp(key, ((const yh_officer *)o)->row[YH_I_ID]);
}

yh_officer *yh_frozen_officer(const yh_frozen *f, const char *id)
{
	if (!f->nofficers) /* bsearch() must not be given NULL, even for 0 items */
		return NULL;
	return bsearch(id, f->officers, f->nofficers, sizeof(*f->officers), cmp_officer_id);
}

int yh_frozen_recused(const yh_frozen *f, const char *entity_id, const char *inspector_id)
{
	size_t lo = 0, hi = f->nrecusals;

	/* lower bound on (entity, inspector), ignoring the reason */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(f->recusals[mid].entity_id, entity_id);

		if (c == 0)
			c = strcmp(f->recusals[mid].inspector_id, inspector_id);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < f->nrecusals && strcmp(f->recusals[lo].entity_id, entity_id) == 0 &&
	       strcmp(f->recusals[lo].inspector_id, inspector_id) == 0;
}

void yh_frozen_clear(yh_frozen *f)
{
	size_t i, j;

	for (i = 0; i < f->nofficers; i++) {
		for (j = 0; j < YH_I_COLUMNS; j++)
			free(f->officers[i].row[j]);
		if (f->officers[i].nspecs)
			free(f->officers[i].specs[0]);
		free(f->officers[i].specs);
	}
	free(f->officers);
	for (i = 0; i < f->nofficer_rows; i++)
		free(f->officer_rows[i].key);
	free(f->officer_rows);
	for (i = 0; i < f->nconflict_rows; i++) {
		free(f->conflict_rows[i].key);
		free(f->conflict_rows[i].key2);
	}
	free(f->conflict_rows);
	for (i = 0; i < f->nrecusals; i++) {
		free(f->recusals[i].entity_id);
		free(f->recusals[i].inspector_id);
		free(f->recusals[i].reason);
	}
	free(f->recusals);
	for (i = 0; i < f->nexcluded; i++)
		free(f->excluded[i]);
	free(f->excluded);
	free(f->strata);
	memset(f, 0, sizeof(*f));
}

int yh_frozen_strata_from_json(yh_frozen *f, json_t *strata)
{
	json_t *s;
	size_t i;

	if (!json_is_array(strata))
		return yh_error_set(YH_EDATA, "the strata are missing");
	free(f->strata);
	f->nstrata = json_array_size(strata);
	if (!(f->strata = calloc(f->nstrata + 1, sizeof(*f->strata))))
		return yh_error_set(YH_ENOMEM, "out of memory");
	json_array_foreach(strata, i, s) {
		yh_stratum *st = &f->strata[i];
		json_t *key = json_object_get(s, "key"), *rate = json_object_get(s, "rate");

		if (!json_is_string(key) || json_string_length(key) >= sizeof(st->key) ||
		    !json_is_integer(json_object_get(s, "population")) ||
		    !json_is_integer(json_object_get(s, "selected")) ||
		    !json_is_integer(json_object_get(s, "reserves")) ||
		    !json_is_string(rate) || json_string_length(rate) >= sizeof(st->rate))
			return yh_error_set(YH_EDATA, "stratum %zu is malformed", i + 1);
		strcpy(st->key, json_string_value(key));
		strcpy(st->rate, json_string_value(rate));
		st->population = (uint64_t)json_integer_value(json_object_get(s, "population"));
		st->k = (uint64_t)json_integer_value(json_object_get(s, "selected"));
		st->reserves = (uint64_t)json_integer_value(json_object_get(s, "reserves"));
		if (i > 0 && strcmp(f->strata[i - 1].key, st->key) >= 0)
			return yh_error_set(YH_EDATA, "the strata are not sorted by key at '%s'", st->key);
		if (json_integer_value(json_object_get(s, "population")) < 0 ||
		    json_integer_value(json_object_get(s, "selected")) < 0 ||
		    json_integer_value(json_object_get(s, "reserves")) < 0)
			return yh_error_set(YH_EDATA, "stratum '%s' has a negative size", st->key);
		if (st->k > st->population || st->reserves > st->population - st->k)
			return yh_error_set(YH_EDATA, "stratum '%s' selects more than its population", st->key);
	}
	return YH_OK;
}
