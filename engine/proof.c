/* proof.c — one entity's inclusion (or absence) proof, and its check against a draw document. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaohao/document.h"
#include "yaohao/draw.h"
#include "yaohao/jcs.h"
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
	unsigned char buf[8192];
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

typedef struct {
	char *buf;
	size_t size;
	const yh_frozen *f;
	const char *id;
} absence;

static int explain_row(void *ctx, const char *const *row, size_t n)
{
	absence *a = ctx;

	(void)n;
	if (!yh_task_population_match(a->f->task, row))
		snprintf(a->buf, a->size, "'%s' was in the register (status %s, region %s, industry %s, "
		         "risk %s) but outside the task's population", a->id, row[YH_E_STATUS],
		         row[YH_E_REGION], *row[YH_E_INDUSTRY] ? row[YH_E_INDUSTRY] : "-",
		         *row[YH_E_RISK] ? row[YH_E_RISK] : "-");
	else
		snprintf(a->buf, a->size, "'%s' was in the register but excluded: drawn by an earlier task "
		         "within the exclusion window", a->id);
	return 0;
}

/* Why an entity that is not in the eligible register is not, as of the freeze. */
static void explain_absence(char *buf, size_t size, yh_store *store, const yh_frozen *f,
                            const char *id)
{
	absence a = { buf, size, f, id };

	snprintf(buf, size, "'%s' was not in the entity register as of ledger entry %llu", id,
	         (unsigned long long)f->freeze_seq);
	if (yh_register_find(store, YH_REGISTER_ENTITIES, f->freeze_seq, id, explain_row, &a) < 0)
		snprintf(buf, size, "'%s' was not in the entity register as of ledger entry %llu", id,
		         (unsigned long long)f->freeze_seq);
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

int yh_proof_make(char **out, yh_store *store, const char *task_id, const char *entity_id)
{
	yh_task *task = NULL;
	yh_frozen f;
	collector c;
	json_t *tr = NULL, *proof = NULL, *sel, *res;
	char *text = NULL, note[512];
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
	    (rc = yh_frozen_scan(store, &f, collect, &c)) < 0)
		goto done;
	proof = json_pack("{s:s, s:s, s:s, s:O, s:O, s:O, s:b}", "format", YH_PROOF_FORMAT,
	                  "task_id", task_id, "entity_id", entity_id,
	                  "entities_root", yh_json_path(tr, "entities", "root"),
	                  "tree_size", yh_json_path(tr, "entities", "count"),
	                  "seed", json_object_get(tr, "seed"), "included", c.index >= 0);
	if (!proof) {
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		goto done;
	}
	if ((uint64_t)json_integer_value(yh_json_path(tr, "entities", "count")) != c.n) {
		rc = yh_error_set(YH_ESTORE, "the store's register as of the freeze has %zu eligible "
		                  "entities, the draw committed to %lld (run 'yaohao audit')", c.n,
		                  (long long)json_integer_value(yh_json_path(tr, "entities", "count")));
		goto done;
	}
	if (c.index >= 0) {
		char key[YH_STRATUM_KEY_MAX], hex[65];
		unsigned char t[32];
		const char *row[YH_E_COLUMNS];
		const yh_register_column *cols;
		yh_stratum *st;
		size_t i;

		yh_register_columns(&cols, YH_REGISTER_ENTITIES);
		for (i = 0; i < YH_E_COLUMNS; i++)
			row[i] = json_string_value(json_object_get(c.row, cols[i].name));
		if ((rc = yh_task_stratum_key(key, sizeof(key), task, row)) < 0 ||
		    (rc = yh_frozen_strata_from_json(&f, json_object_get(tr, "strata"))) < 0)
			goto done;
		st = yh_frozen_stratum(&f, key);
		{
			unsigned char seed[32];

			yh_get_hex(seed, 32, json_object_get(tr, "seed"));
			yh_ticket(t, seed, entity_id);
		}
		yh_hex(hex, t, 32);
		sel = find_result(json_object_get(tr, "selected"), entity_id);
		res = find_result(json_object_get(tr, "reserves"), entity_id);
		json_object_set_new(proof, "leaf_index", json_integer(c.index));
		json_object_set(proof, "row", c.row);
		json_object_set_new(proof, "path", path_json(c.leaves, c.n, (uint64_t)c.index));
		json_object_set_new(proof, "stratum", json_string(key));
		json_object_set_new(proof, "ticket", json_string(hex));
		json_object_set(proof, "cutoff", st ? json_object_get(json_array_get(json_object_get(tr, "strata"),
		                                      (size_t)(st - f.strata)), "cutoff") : json_null());
		json_object_set_new(proof, "selected", json_boolean(sel != NULL));
		json_object_set(proof, "rank", sel ? json_object_get(sel, "rank") : json_null());
		json_object_set(proof, "reserve_order", res ? json_object_get(res, "order") : json_null());
		if (sel)
			json_object_set(proof, "team", json_object_get(sel, "team"));
	} else {
		explain_absence(note, sizeof(note), store, &f, entity_id);
		json_object_set_new(proof, "before", neighbour(c.before, c.leaves, c.n, (uint64_t)c.before_index));
		json_object_set_new(proof, "after", neighbour(c.after, c.leaves, c.n,
		                    (uint64_t)(c.before ? c.before_index + 1 : 0)));
		json_object_set_new(proof, "note", json_string(note));
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

/* The rank, team and reserve order a proof states are the document's (null where it has none). */
static int results_agree(json_t *proof, json_t *doc, const char *id)
{
	json_t *sel = find_result(json_object_get(doc, "selected"), id);
	json_t *res = find_result(json_object_get(doc, "reserves"), id);
	json_t *rank = json_object_get(proof, "rank"), *order = json_object_get(proof, "reserve_order");

	if (sel ? !json_equal(rank, json_object_get(sel, "rank")) ||
	          !json_equal(json_object_get(proof, "team"), json_object_get(sel, "team"))
	        : (!json_is_null(rank) || json_object_get(proof, "team") != NULL))
		return 0;
	return res ? json_equal(order, json_object_get(res, "order")) : json_is_null(order);
}

/* The leaf hash of a row given as an object of the canonical columns; -1 if malformed. */
static int row_leaf(unsigned char out[32], json_t *obj, const char **row)
{
	const yh_register_column *cols;
	unsigned char buf[8192];
	size_t i, n = yh_register_columns(&cols, YH_REGISTER_ENTITIES), len;

	if (!json_is_object(obj) || json_object_size(obj) != n)
		return -1;
	for (i = 0; i < n; i++)
		if (!(row[i] = json_string_value(json_object_get(obj, cols[i].name))))
			return -1;
	if (!(len = yh_merkle_encode_row(buf, sizeof(buf), row, n)))
		return -1;
	yh_merkle_leaf_hash(out, buf, len);
	return 0;
}

static int path_bytes(unsigned char **out, size_t *n, json_t *path)
{
	json_t *h;
	size_t i;

	*out = NULL;
	*n = 0;
	if (!json_is_array(path) || json_array_size(path) > 64)
		return -1;
	if (!(*out = malloc(json_array_size(path) * 32 + 1)))
		return -1;
	json_array_foreach(path, i, h)
		if (yh_get_hex(*out + i * 32, 32, h) != 0)
			return -1;
	*n = json_array_size(path);
	return 0;
}

/* Verifies one inclusion: the row's leaf at leaf_index under root; fills row. */
static int leaf_included(json_t *item, const unsigned char root[32], uint64_t size, const char **row,
                         uint64_t *index)
{
	unsigned char leaf[32], *path = NULL;
	size_t np;
	int rc;

	if (!json_is_integer(json_object_get(item, "leaf_index")) ||
	    json_integer_value(json_object_get(item, "leaf_index")) < 0 ||
	    row_leaf(leaf, json_object_get(item, "row"), row) != 0 ||
	    path_bytes(&path, &np, json_object_get(item, "path")) != 0) {
		free(path);
		return yh_error_set(YH_EDATA, "the proof's row, leaf_index or path is malformed");
	}
	*index = (uint64_t)json_integer_value(json_object_get(item, "leaf_index"));
	rc = yh_merkle_verify_path(root, leaf, *index, size, path, np);
	free(path);
	return rc;
}

int yh_proof_verify(json_t **out, const char *proof_path, const char *document_path)
{
	yh_report r = { json_array(), json_array(), 0 };
	json_t *doc_report = NULL, *proof = NULL, *doc = NULL, *c;
	yh_task *task = NULL;
	yh_frozen f;
	json_error_t jerr;
	unsigned char root[32], seed[32], t[32], cut[32], have[32];
	const char *row[YH_E_COLUMNS], *id;
	char *text = NULL, key[YH_STRATUM_KEY_MAX];
	uint64_t size, index;
	size_t len, i;
	int rc, in_selected = 0, selected;

	*out = NULL;
	memset(&f, 0, sizeof(f));
	if ((rc = yh_document_verify(&doc_report, document_path, NULL)) < 0)
		goto done;
	json_array_foreach(json_object_get(doc_report, "checks"), i, c)
		json_array_append(r.checks, c);
	if (!json_is_true(json_object_get(doc_report, "ok"))) {
		r.failed++;
		yh_report_check(&r, "proof", "skipped", "the draw document itself does not verify");
		goto finish;
	}
	if ((rc = yh_read_file(&text, &len, proof_path, 1u << 24)) < 0)
		goto done;
	if (!(proof = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr)) ||
	    !(doc = json_load_file(document_path, 0, &jerr))) {
		rc = yh_error_set(YH_EDATA, "%s:%d:%d: not JSON: %s", proof ? document_path : proof_path,
		                  jerr.line, jerr.column, jerr.text);
		goto done;
	}
	rc = YH_OK;
	id = json_string_value(json_object_get(proof, "entity_id"));
	if (!json_is_string(json_object_get(proof, "format")) ||
	    strcmp(json_string_value(json_object_get(proof, "format")), YH_PROOF_FORMAT) != 0 || !id) {
		yh_report_check(&r, "proof", "failed", "not a %s proof", YH_PROOF_FORMAT);
		goto finish;
	}
	if (!json_equal(json_object_get(proof, "task_id"), json_object_get(doc, "task_id")) ||
	    !json_equal(json_object_get(proof, "entities_root"), yh_json_path(doc, "entities", "root")) ||
	    !json_equal(json_object_get(proof, "tree_size"), yh_json_path(doc, "entities", "count")) ||
	    !json_equal(json_object_get(proof, "seed"), json_object_get(doc, "seed"))) {
		yh_report_check(&r, "proof", "failed", "the proof is for another draw (task, root, size or "
		                "seed differ from the document)");
		goto finish;
	}
	yh_get_hex(root, 32, yh_json_path(doc, "entities", "root"));
	yh_get_hex(seed, 32, json_object_get(doc, "seed"));
	size = (uint64_t)json_integer_value(yh_json_path(doc, "entities", "count"));
	for (i = 0; i < json_array_size(json_object_get(doc, "selected")); i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(json_object_get(doc, "selected"), i),
		                                             "id")), id) == 0)
			in_selected = 1;

	if (json_is_true(json_object_get(proof, "included"))) {
		yh_stratum *st;
		json_t *cutoff;

		if (leaf_included(proof, root, size, row, &index) < 0) {
			yh_report_check(&r, "inclusion", "failed", "%s", yh_error_message());
			goto finish;
		}
		if (strcmp(row[YH_E_ID], id) != 0) {
			yh_report_check(&r, "inclusion", "failed", "the row is that of '%s', not '%s'", row[YH_E_ID], id);
			goto finish;
		}
		yh_report_check(&r, "inclusion", "passed", "'%s' is leaf %llu of the committed entity "
		                "register (%llu leaves)", id, (unsigned long long)index, (unsigned long long)size);
		{
			char *task_text = NULL;

			if (yh_jcs_dump(&task_text, json_object_get(doc, "task")) < 0 ||
			    yh_task_parse(&task, task_text, strlen(task_text), "task") < 0) {
				free(task_text);
				yh_report_check(&r, "ticket", "failed", "the document's task does not parse");
				goto finish;
			}
			free(task_text);
		}
		f.task = task;
		if (yh_task_stratum_key(key, sizeof(key), task, row) < 0 ||
		    yh_frozen_strata_from_json(&f, json_object_get(doc, "strata")) < 0 ||
		    !(st = yh_frozen_stratum(&f, key))) {
			yh_report_check(&r, "ticket", "failed", "the row's stratum is not in the document");
			goto finish;
		}
		yh_ticket(t, seed, id);
		cutoff = json_object_get(json_array_get(json_object_get(doc, "strata"), (size_t)(st - f.strata)),
		                         "cutoff");
		if (yh_get_hex(have, 32, json_object_get(proof, "ticket")) != 0 || memcmp(have, t, 32) != 0) {
			yh_report_check(&r, "ticket", "failed", "the proof's ticket is not SHA-256 of the seed, "
			                "the tag and the id");
			goto finish;
		}
		selected = json_is_null(cutoff) || (yh_get_hex(cut, 32, cutoff) == 0 && memcmp(t, cut, 32) < 0);
		yh_report_check(&r, "ticket", "passed", "stratum '%s', ticket %.16s… %s the cutoff %.16s…", key,
		                json_string_value(json_object_get(proof, "ticket")), selected ? "below" : "not below",
		                json_is_null(cutoff) ? "(none: all selected)" : json_string_value(cutoff));
		if (selected != in_selected || json_is_true(json_object_get(proof, "selected")) != selected)
			yh_report_check(&r, "selection", "failed", "the ticket says %s, the document's list says %s",
			                selected ? "selected" : "not selected", in_selected ? "selected" : "not selected");
		else if (!results_agree(proof, doc, id))
			yh_report_check(&r, "selection", "failed", "the proof's rank, team or reserve order is not "
			                "the document's");
		else
			yh_report_check(&r, "selection", "passed", "'%s' was %s", id,
			                selected ? "selected" : "not selected");
		if (r.failed == 0)
			yh_report_guarantee(&r, "'%s' was in the frozen register the draw committed to, and it "
			                    "was %s by its own ticket", id, selected ? "selected" : "not selected");
		goto finish_selected;
	} else {
		json_t *before = json_object_get(proof, "before"), *after = json_object_get(proof, "after");
		const char *brow[YH_E_COLUMNS], *arow[YH_E_COLUMNS];
		uint64_t bi = 0, ai = 0;

		if ((!json_is_null(before) && leaf_included(before, root, size, brow, &bi) < 0) ||
		    (!json_is_null(after) && leaf_included(after, root, size, arow, &ai) < 0)) {
			yh_report_check(&r, "absence", "failed", "a neighbour's path does not verify: %s",
			                yh_error_message());
			goto finish;
		}
		if ((json_is_null(before) && json_is_null(after) && size != 0) ||
		    (json_is_null(before) && ai != 0) || (json_is_null(after) && bi != size - 1) ||
		    (!json_is_null(before) && !json_is_null(after) && ai != bi + 1) ||
		    (!json_is_null(before) && strcmp(brow[YH_E_ID], id) >= 0) ||
		    (!json_is_null(after) && strcmp(arow[YH_E_ID], id) <= 0)) {
			yh_report_check(&r, "absence", "failed", "the neighbours are not adjacent leaves around '%s'", id);
			goto finish;
		}
		if (in_selected) {
			yh_report_check(&r, "absence", "failed", "the document lists '%s' as selected", id);
			goto finish;
		}
		yh_report_check(&r, "absence", "passed", "'%s' sorts between adjacent leaves %s and %s of the "
		                "committed register: it was not in it", id,
		                json_is_null(before) ? "(start)" : brow[YH_E_ID],
		                json_is_null(after) ? "(end)" : arow[YH_E_ID]);
		yh_report_guarantee(&r, "'%s' was not in the frozen register the draw committed to%s%s", id,
		                    json_is_string(json_object_get(proof, "note")) ? ": " : "",
		                    json_is_string(json_object_get(proof, "note")) ?
		                    json_string_value(json_object_get(proof, "note")) : "");
	}
finish:
	selected = -1;
finish_selected:
	*out = json_pack("{s:b, s:s, s:O, s:O}", "ok", r.failed == 0, "proof", proof_path,
	                 "checks", r.checks, "guarantees", r.guarantees);
	if (*out && selected >= 0)
		json_object_set_new(*out, "selected", json_boolean(selected));
	if (!*out)
		rc = yh_error_set(YH_ENOMEM, "out of memory");
done:
	json_decref(r.checks);
	json_decref(r.guarantees);
	json_decref(doc_report);
	json_decref(proof);
	json_decref(doc);
	yh_frozen_clear(&f);
	yh_task_free(task);
	free(text);
	return rc;
}
