/* proof_verify.c — the verifying side of entity proofs: a proof checked against a draw
 * document alone, no register and no store (docs/spec.md §14). */
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
#include "error.h"

static json_t *find_result(json_t *list, const char *id)
{
	json_t *e;
	size_t i;

	json_array_foreach(list, i, e)
		if (strcmp(json_string_value(json_object_get(e, "id")), id) == 0)
			return e;
	return NULL;
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
		yh_report_skip(&r, "proof", YH_HINT_NONE, "the draw document itself does not verify");
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
