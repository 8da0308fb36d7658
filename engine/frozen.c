/* frozen.c — the frozen inputs of a draw: eligible officers, recusals, exclusions, entities. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "yaohao/merkle.h"
#include "draw.h"
#include "store.h"
#include "error.h"

#define AS_OF "valid_from <= ?1 AND (valid_to IS NULL OR valid_to > ?1)"

void yh_hex(char *out, const unsigned char *in, size_t n)
{
	sodium_bin2hex(out, n * 2 + 1, in, n);
}

static char *dup(const unsigned char *s)
{
	char *d = strdup(s ? (const char *)s : "");

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

int yh_frozen_load_officers(yh_frozen *f, yh_store *store)
{
	const yh_task *t = f->task;
	sqlite3_stmt *st = NULL;
	yh_merkle *m = NULL;
	size_t cap = 0, i, d;
	int rc = YH_OK, step;

	if ((rc = yh_merkle_new(&m)) < 0)
		return rc;
	if (sqlite3_prepare_v2(store->db, "SELECT id, name, department, cert_valid_until, specialties, "
	                       "status FROM inspector WHERE " AS_OF " AND status = 'active' AND "
	                       "cert_valid_until >= ?2 ORDER BY id", -1, &st, NULL) != SQLITE_OK) {
		rc = yh_store_fail(store, "cannot read the officers");
		goto done;
	}
	sqlite3_bind_int64(st, 1, (sqlite3_int64)f->freeze_seq);
	sqlite3_bind_text(st, 2, t->draw_date, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *dep = (const char *)sqlite3_column_text(st, 2);
		yh_officer *o;

		for (d = 0; d < t->departments.n; d++)
			if (strcmp(t->departments.v[d], dep) == 0)
				break;
		if (d == t->departments.n)
			continue;
		if (f->nofficers == cap) {
			yh_officer *p;

			cap = cap ? cap * 2 : 64;
			if (!(p = realloc(f->officers, cap * sizeof(*p)))) {
				rc = yh_error_set(YH_ENOMEM, "out of memory");
				goto done;
			}
			f->officers = p;
		}
		o = &f->officers[f->nofficers];
		memset(o, 0, sizeof(*o));
		f->nofficers++;
		for (i = 0; i < YH_I_COLUMNS; i++)
			if (!(o->row[i] = dup(sqlite3_column_text(st, (int)i)))) {
				rc = YH_ENOMEM;
				goto done;
			}
		if ((rc = split_specs(o)) < 0 ||
		    (rc = yh_merkle_add_row(m, (const char *const *)o->row, YH_I_COLUMNS)) < 0)
			goto done;
	}
	if (step != SQLITE_DONE)
		rc = yh_store_fail(store, "cannot read the officers");
	yh_merkle_root(f->officer_root, m);
done:
	sqlite3_finalize(st);
	yh_merkle_free(m);
	return rc;
}

static int cmp_recusal(const void *a, const void *b)
{
	const yh_recusal *x = a, *y = b;
	int c = strcmp(x->entity_id, y->entity_id);

	if (c == 0)
		c = strcmp(x->inspector_id, y->inspector_id);
	return c ? c : strcmp(x->reason, y->reason);
}

static int add_recusal(yh_frozen *f, size_t *cap, const char *e, const char *i, const char *r)
{
	yh_recusal *p;

	if (f->nrecusals == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		if (!(p = realloc(f->recusals, *cap * sizeof(*p))))
			return yh_error_set(YH_ENOMEM, "out of memory");
		f->recusals = p;
	}
	p = &f->recusals[f->nrecusals];
	p->entity_id = strdup(e);
	p->inspector_id = strdup(i);
	p->reason = strdup(r);
	f->nrecusals++;
	if (!p->entity_id || !p->inspector_id || !p->reason)
		return yh_error_set(YH_ENOMEM, "out of memory");
	return YH_OK;
}

int yh_frozen_load_recusals(yh_frozen *f, yh_store *store, json_t *recent)
{
	sqlite3_stmt *st = NULL;
	yh_merkle *m = NULL;
	size_t cap = 0, i;
	int rc = YH_OK, step;
	char reason[160];

	if (sqlite3_prepare_v2(store->db, "SELECT entity_id, inspector_id, reason FROM conflict WHERE "
	                       AS_OF, -1, &st, NULL) != SQLITE_OK)
		return yh_store_fail(store, "cannot read the conflicts");
	sqlite3_bind_int64(st, 1, (sqlite3_int64)f->freeze_seq);
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if ((rc = add_recusal(f, &cap, (const char *)sqlite3_column_text(st, 0),
		                      (const char *)sqlite3_column_text(st, 1),
		                      (const char *)sqlite3_column_text(st, 2))) < 0)
			goto done;
	if (step != SQLITE_DONE) {
		rc = yh_store_fail(store, "cannot read the conflicts");
		goto done;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (recent) {
		json_t *p;

		json_array_foreach(recent, i, p) {
			snprintf(reason, sizeof(reason), "recent:%s",
			         json_string_value(json_object_get(p, "task_id")));
			if ((rc = add_recusal(f, &cap, json_string_value(json_object_get(p, "entity_id")),
			                      json_string_value(json_object_get(p, "inspector_id")), reason)) < 0)
				goto done;
			f->nrecent++;
		}
	} else if (f->task->pair_days > 0) {
		/* pairs teamed by draws whose date lies within the window before this one */
		if (sqlite3_prepare_v2(store->db, "SELECT entity_id, inspector_id, task_id FROM drawn_pair "
		                       "WHERE draw_date <= ?1 AND julianday(?1) - julianday(draw_date) <= ?2",
		                       -1, &st, NULL) != SQLITE_OK) {
			rc = yh_store_fail(store, "cannot read earlier draws");
			goto done;
		}
		sqlite3_bind_text(st, 1, f->task->draw_date, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, f->task->pair_days);
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			snprintf(reason, sizeof(reason), "recent:%s", sqlite3_column_text(st, 2));
			if ((rc = add_recusal(f, &cap, (const char *)sqlite3_column_text(st, 0),
			                      (const char *)sqlite3_column_text(st, 1), reason)) < 0)
				goto done;
			f->nrecent++;
		}
		if (step != SQLITE_DONE) {
			rc = yh_store_fail(store, "cannot read earlier draws");
			goto done;
		}
	}
	qsort(f->recusals, f->nrecusals, sizeof(*f->recusals), cmp_recusal);
	if ((rc = yh_merkle_new(&m)) < 0)
		goto done;
	for (i = 0; i < f->nrecusals; i++) {
		const char *row[3] = { f->recusals[i].entity_id, f->recusals[i].inspector_id,
		                       f->recusals[i].reason };

		if ((rc = yh_merkle_add_row(m, row, 3)) < 0)
			goto done;
	}
	yh_merkle_root(f->recusal_root, m);
done:
	sqlite3_finalize(st);
	yh_merkle_free(m);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int yh_frozen_load_excluded(yh_frozen *f, yh_store *store, json_t *list)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0, i;
	int rc = YH_OK, step;

	if (list) {
		json_t *v;

		f->excluded = calloc(json_array_size(list) + 1, sizeof(char *));
		if (!f->excluded)
			return yh_error_set(YH_ENOMEM, "out of memory");
		json_array_foreach(list, i, v)
			if (!(f->excluded[f->nexcluded++] = strdup(json_string_value(v))))
				return yh_error_set(YH_ENOMEM, "out of memory");
		return YH_OK;
	}
	if (f->task->exclude_days <= 0)
		return YH_OK;
	if (sqlite3_prepare_v2(store->db, "SELECT DISTINCT entity_id FROM drawn_entity WHERE "
	                       "draw_date <= ?1 AND julianday(?1) - julianday(draw_date) <= ?2 "
	                       "ORDER BY entity_id", -1, &st, NULL) != SQLITE_OK)
		return yh_store_fail(store, "cannot read earlier draws");
	sqlite3_bind_text(st, 1, f->task->draw_date, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, f->task->exclude_days);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (f->nexcluded == cap) {
			char **p;

			cap = cap ? cap * 2 : 64;
			if (!(p = realloc(f->excluded, cap * sizeof(*p)))) {
				rc = yh_error_set(YH_ENOMEM, "out of memory");
				goto done;
			}
			f->excluded = p;
		}
		if (!(f->excluded[f->nexcluded++] = dup(sqlite3_column_text(st, 0)))) {
			rc = YH_ENOMEM;
			goto done;
		}
	}
	if (step != SQLITE_DONE)
		rc = yh_store_fail(store, "cannot read earlier draws");
done:
	sqlite3_finalize(st);
	if (rc == YH_OK && f->nexcluded) /* qsort() must not be given NULL, even for 0 items */
		qsort(f->excluded, f->nexcluded, sizeof(char *), cmp_str);
	return rc;
}

int yh_frozen_scan(yh_store *store, const yh_frozen *f, yh_entity_fn fn, void *ctx)
{
	const char *row[YH_E_COLUMNS];
	sqlite3_stmt *st = NULL;
	int rc = YH_OK, step, i;

	if (sqlite3_prepare_v2(store->db, "SELECT id, name, type, region, industry, risk, status, "
	                       "abnormal FROM entity WHERE " AS_OF " ORDER BY id", -1, &st, NULL)
	    != SQLITE_OK)
		return yh_store_fail(store, "cannot read the entities");
	sqlite3_bind_int64(st, 1, (sqlite3_int64)f->freeze_seq);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < YH_E_COLUMNS; i++) {
			row[i] = (const char *)sqlite3_column_text(st, i);
			if (!row[i])
				row[i] = "";
		}
		if (!yh_task_population_match(f->task, row))
			continue;
		if (f->nexcluded && bsearch(&row[YH_E_ID], f->excluded, f->nexcluded, sizeof(char *), cmp_str))
			continue;
		if ((rc = fn(ctx, row)) != 0)
			break;
	}
	if (rc == YH_OK && step != SQLITE_DONE)
		rc = yh_store_fail(store, "cannot read the entities");
	sqlite3_finalize(st);
	return rc;
}

static int cmp_stratum_key(const void *key, const void *s)
{
	return strcmp(key, ((const yh_stratum *)s)->key);
}

yh_stratum *yh_frozen_stratum(const yh_frozen *f, const char *key)
{
	return bsearch(key, f->strata, f->nstrata, sizeof(*f->strata), cmp_stratum_key);
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
