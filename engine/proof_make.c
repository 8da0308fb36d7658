/* proof_make.c — the store side of entity proofs: one entity's inclusion (or absence) proof,
 * made from the store's register as of the draw's freeze (docs/spec.md §14). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaohao/draw.h"
#include "yaohao/merkle.h"
#include "yaohao/proof.h"
#include "yaohao/register.h"
#include "draw.h"
#include "report.h"
#include "store/store.h"
#include "error.h"

typedef struct {
	const char *target;
	unsigned char *leaves;          /* n * 32 */
	size_t n, cap;
	int64_t index;                  /* of the target, -1 if absent */
	json_t *row, *before, *after;   /* rows as objects */
	int64_t before_index;
} collector;

static json_t *row_object(const char *const *row)
{
	const yh_register_column *cols;
	size_t n = yh_register_columns(&cols, YH_REGISTER_ENTITIES), i;
	json_t *o = json_object();

	for (i = 0; o && i < n; i++)
		json_object_set_new(o, cols[i].name, json_string(row[i]));
	return o;
}

static int collect(void *ctx, const char *const *row)
{
	collector *c = ctx;
	unsigned char buf[(YH_FIELD_MAX + 4) * YH_E_COLUMNS];
	size_t len;
	int cmp;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 4096;
		unsigned char *p = realloc(c->leaves, cap * 32);

		if (!p)
			return yh_error_set(YH_ENOMEM, "out of memory");
		c->leaves = p;
		c->cap = cap;
	}
	if (!(len = yh_merkle_encode_row(buf, sizeof(buf), row, YH_E_COLUMNS)))
		return yh_error_set(YH_EDATA, "entity row is too long: '%s'", row[YH_E_ID]);
	yh_merkle_leaf_hash(c->leaves + c->n * 32, buf, len);
	cmp = strcmp(row[YH_E_ID], c->target);
	if (cmp == 0) {
		c->index = (int64_t)c->n;
		c->row = row_object(row);
	} else if (cmp < 0) {
		json_decref(c->before);
		c->before = row_object(row);
		c->before_index = (int64_t)c->n;
	} else if (!c->after) {
		c->after = row_object(row);
	}
	c->n++;
	return 0;
}

static json_t *path_json(const unsigned char *leaves, size_t n, uint64_t index)
{
	unsigned char *path = NULL;
	size_t np = 0, i;
	json_t *a;
	char hex[65];

	if (yh_merkle_path(&path, &np, leaves, n, index) < 0)
		return NULL;
	a = json_array();
	for (i = 0; a && i < np; i++) {
		yh_hex(hex, path + i * 32, 32);
		json_array_append_new(a, json_string(hex));
	}
	free(path);
	return a;
}

static json_t *neighbour(json_t *row, const unsigned char *leaves, size_t n, uint64_t index)
{
	if (!row)
		return json_null();
	return json_pack("{s:I, s:O, s:o}", "leaf_index", (json_int_t)index, "row", row,
	                 "path", path_json(leaves, n, index));
}

static json_t *find_result(json_t *list, const char *id)
{
	json_t *e;
	size_t i;

	json_array_foreach(list, i, e)
		if (strcmp(json_string_value(json_object_get(e, "id")), id) == 0)
			return e;
	return NULL;
}

static int ignore(void *ctx, const char *const *row)
{
	(void)ctx;
	(void)row;
	return 0;
}

static const char *reason_name(yh_out_reason why)
{
	switch (why) {
	case YH_OUT_STATUS: return "status";
	case YH_OUT_EXCLUDED: return "exclusion window";
	default: return "filter";
	}
}

/* What the draw did with an eligible entity: stratum, ticket against the cutoff, rank or
 * reserve order, team (docs/spec.md §14). */
static int draw_facts(json_t *proof, json_t *tr, yh_frozen *f, const char *const *row,
                      const char *entity_id)
{
	char key[YH_STRATUM_KEY_MAX], hex[65];
	unsigned char t[32], seed[32];
	yh_ticketer tk;
	yh_stratum *st;
	json_t *sel, *res;
	int rc;

	if ((rc = yh_task_stratum_key(key, sizeof(key), f->task, row)) < 0 ||
	    (rc = yh_frozen_strata_from_json(f, json_object_get(tr, "strata"))) < 0)
		return rc;
	st = yh_frozen_stratum(f, key);
	yh_get_hex(seed, 32, json_object_get(tr, "seed"));
	yh_ticketer_init(&tk, seed);
	yh_ticket(t, &tk, entity_id);
	yh_hex(hex, t, 32);
	sel = find_result(json_object_get(tr, "selected"), entity_id);
	res = find_result(json_object_get(tr, "reserves"), entity_id);
	json_object_set_new(proof, "stratum", json_string(key));
	json_object_set_new(proof, "ticket", json_string(hex));
	json_object_set(proof, "cutoff", st ? json_object_get(json_array_get(json_object_get(tr, "strata"),
	                                      (size_t)(st - f->strata)), "cutoff") : json_null());
	json_object_set_new(proof, "selected", json_boolean(sel != NULL));
	json_object_set(proof, "rank", sel ? json_object_get(sel, "rank") : json_null());
	json_object_set(proof, "reserve_order", res ? json_object_get(res, "order") : json_null());
	if (sel)
		json_object_set(proof, "team", json_object_get(sel, "team"));
	return YH_OK;
}

/* The included entity: its row and path, whether it was eligible, and what the draw did. */
static int included(json_t *proof, json_t *tr, yh_frozen *f, const collector *c,
                    const char *entity_id)
{
	const char *row[YH_E_COLUMNS];
	const yh_register_column *cols;
	yh_out_reason why;
	size_t i;

	yh_register_columns(&cols, YH_REGISTER_ENTITIES);
	for (i = 0; i < YH_E_COLUMNS; i++)
		row[i] = json_string_value(json_object_get(c->row, cols[i].name));
	json_object_set_new(proof, "leaf_index", json_integer(c->index));
	json_object_set(proof, "row", c->row);
	json_object_set_new(proof, "path", path_json(c->leaves, c->n, (uint64_t)c->index));
	why = yh_frozen_entity_reason(f, row);
	json_object_set_new(proof, "eligible", json_boolean(why == YH_ELIGIBLE));
	if (why != YH_ELIGIBLE)
		return json_object_set_new(proof, "reason", json_string(reason_name(why))) ? YH_ENOMEM : YH_OK;
	return draw_facts(proof, tr, f, row, entity_id);
}

int yh_proof_make(char **out, yh_store *store, const char *task_id, const char *entity_id)
{
	yh_task *task = NULL;
	yh_frozen f;
	collector c;
	json_t *tr = NULL, *proof = NULL;
	char *text = NULL;
	int rc;

	*out = NULL;
	memset(&f, 0, sizeof(f));
	memset(&c, 0, sizeof(c));
	c.target = entity_id;
	c.index = -1;
	if ((rc = yh_draw_transcript(&text, store, task_id)) < 0 || (rc = yh_task_get(&task, store, task_id)) < 0)
		goto done;
	if (!(tr = json_loads(text, 0, NULL))) {
		rc = yh_error_set(YH_ESTORE, "the transcript of task '%s' is damaged", task_id);
		goto done;
	}
	f.task = task;
	f.freeze_seq = (uint64_t)json_integer_value(json_object_get(tr, "freeze_seq"));
	if ((rc = yh_frozen_load_excluded(&f, NULL, yh_json_path(tr, "entities", "excluded"))) < 0 ||
	    (rc = yh_frozen_scan(store, &f, collect, ignore, &c)) < 0)
		goto done;
	if ((uint64_t)json_integer_value(yh_json_path(tr, "entities", "count")) != c.n) {
		rc = yh_error_set_hint(YH_ESTORE, YH_HINT_RUN_AUDIT, task_id, "the store's register as of "
		                       "the freeze has %zu entities, the draw committed to %lld", c.n,
		                       (long long)json_integer_value(yh_json_path(tr, "entities", "count")));
		goto done;
	}
	if (!(proof = json_pack("{s:s, s:s, s:s, s:O, s:O, s:O, s:b}", "format", YH_PROOF_FORMAT,
	                        "task_id", task_id, "entity_id", entity_id,
	                        "entities_root", yh_json_path(tr, "entities", "root"),
	                        "tree_size", yh_json_path(tr, "entities", "count"),
	                        "seed", json_object_get(tr, "seed"), "included", c.index >= 0))) {
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		goto done;
	}
	if (c.index >= 0) {
		if ((rc = included(proof, tr, &f, &c, entity_id)) < 0)
			goto done;
	} else {
		json_object_set_new(proof, "before", neighbour(c.before, c.leaves, c.n, (uint64_t)c.before_index));
		json_object_set_new(proof, "after", neighbour(c.after, c.leaves, c.n,
		                    (uint64_t)(c.before ? c.before_index + 1 : 0)));
		json_object_set_new(proof, "note", json_pack("s++", "'", entity_id, "' was not in the entity "
		                                             "register as of the freeze"));
	}
	if (!(text = (free(text), json_dumps(proof, JSON_INDENT(2) | JSON_SORT_KEYS)))) {
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		goto done;
	}
	*out = text;
	text = NULL;
done:
	free(text);
	free(c.leaves);
	json_decref(c.row);
	json_decref(c.before);
	json_decref(c.after);
	json_decref(tr);
	json_decref(proof);
	yh_frozen_clear(&f);
	yh_task_free(task);
	return rc;
}
