/* proof_parse.c — reading an entity proof into typed values, once, each part kept with its state
 * and, when malformed, the path of the member at fault (see proof_doc.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaohao/merkle.h"
#include "yaohao/proof.h"
#include "yaohao/register.h"
#include "json_reader.h"
#include "proof_doc.h"
#include "report.h"
#include "error.h"

#define PATH_MAX_HASHES 64       /* a tree of 2^64 leaves at most */

static int read_path_hash(yh_jr *jr, void *out, json_t *v)
{
	return yh_jr_hash_value(jr, out, v);
}

/* The row as an object of the canonical columns, and its leaf hash. */
static int read_row(yh_jr *jr, yh_proof_leaf *leaf, json_t *obj)
{
	const yh_register_column *cols;
	size_t n = yh_register_columns(&cols, YH_REGISTER_ENTITIES), i, len;
	const char *names[YH_E_COLUMNS + 1];
	unsigned char buf[8192];
	json_t *row = yh_jr_member(jr, obj, "row", JSON_OBJECT);
	size_t was;
	int rc = YH_OK;

	if (!row)
		return YH_EDATA;
	for (i = 0; i < n; i++)
		names[i] = cols[i].name;
	names[n] = NULL;
	was = yh_jr_enter(jr, "row");
	if ((rc = yh_jr_object(jr, row, names)) == YH_OK) {
		for (i = 0; i < n && rc == YH_OK; i++)
			rc = yh_jr_text(jr, &leaf->row[i], row, cols[i].name, YH_DOC_TEXT_MAX);
		if (rc == YH_OK && !(len = yh_merkle_encode_row(buf, sizeof(buf), leaf->row, n)))
			rc = yh_jr_fail(jr, "too long for a register row");
		if (rc == YH_OK)
			yh_merkle_leaf_hash(leaf->leaf, buf, len);
	}
	yh_jr_leave(jr, was);
	return rc;
}

/* leaf_index, row and path of obj. */
static int read_leaf(yh_jr *jr, yh_proof_leaf *leaf, json_t *obj)
{
	json_t *index = yh_jr_member(jr, obj, "leaf_index", JSON_INTEGER);
	size_t was;
	int rc;

	if (!index)
		return YH_EDATA;
	if (json_integer_value(index) < 0) {
		was = yh_jr_enter(jr, "leaf_index");
		rc = yh_jr_fail(jr, "%lld is below 0", (long long)json_integer_value(index));
		yh_jr_leave(jr, was);
		return rc;
	}
	leaf->index = (uint64_t)json_integer_value(index);
	if ((rc = read_row(jr, leaf, obj)) < 0 ||
	    (rc = yh_jr_array(jr, (void **)&leaf->path, &leaf->npath, 32, obj, "path", read_path_hash)) < 0)
		return rc;
	if (leaf->npath <= PATH_MAX_HASHES)
		return YH_OK;
	was = yh_jr_enter(jr, "path");
	rc = yh_jr_fail(jr, "more than %d hashes", PATH_MAX_HASHES);
	yh_jr_leave(jr, was);
	return rc;
}

/* Keeps how reading a leaf went: given, or malformed with the message for its check. */
static int keep(yh_proof_leaf *leaf, int rc)
{
	if (rc == YH_ENOMEM)
		return rc;
	leaf->state = rc == YH_OK ? YH_PART_GIVEN : YH_PART_MALFORMED;
	if (rc < 0)
		snprintf(leaf->why, sizeof(leaf->why), "the proof is malformed: %s", yh_error_message());
	return YH_OK;
}

/* A neighbour: null at either end of the tree, else {leaf_index, row, path}. */
static int read_neighbour(yh_jr *jr, yh_proof_leaf *leaf, json_t *proof, const char *key)
{
	static const char *const names[] = { "leaf_index", "row", "path", NULL };
	json_t *v = json_object_get(proof, key);
	size_t was;
	int rc;

	if (json_is_null(v)) {
		leaf->state = YH_PART_NULL;
		return YH_OK;
	}
	if (!yh_jr_member(jr, proof, key, JSON_OBJECT))
		return keep(leaf, YH_EDATA);
	was = yh_jr_enter(jr, key);
	if ((rc = yh_jr_object(jr, v, names)) == YH_OK)
		rc = read_leaf(jr, leaf, v);
	yh_jr_leave(jr, was);
	return keep(leaf, rc);
}

/* A whole number, null or absent (what the document's is compared with). */
static yh_part_state number(uint64_t *out, json_t *v)
{
	if (!v)
		return YH_PART_ABSENT;
	if (json_is_null(v))
		return YH_PART_NULL;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > YH_JR_INT_MAX)
		return YH_PART_MALFORMED;
	*out = (uint64_t)json_integer_value(v);
	return YH_PART_GIVEN;
}

/* What the proof says of the entity's ticket and results: compared with the document's. */
static int read_results(yh_jr *jr, yh_proof_doc *p, json_t *json)
{
	json_t *team = json_object_get(json, "team");
	int rc;

	p->stratum = json_string_value(json_object_get(json, "stratum"));
	p->has_cutoff = !json_is_null(json_object_get(json, "cutoff"));
	p->cutoff.ok = p->has_cutoff ?
	               yh_unhex(p->cutoff.bytes, 32, json_string_value(json_object_get(json, "cutoff"))) == 0 :
	               json_object_get(json, "cutoff") != NULL;
	p->ticket.ok = yh_unhex(p->ticket.bytes, 32, json_string_value(json_object_get(json, "ticket"))) == 0;
	p->selected = json_is_true(json_object_get(json, "selected"));
	p->selected_state = json_is_boolean(json_object_get(json, "selected")) ? YH_PART_GIVEN :
	                    json_object_get(json, "selected") ? YH_PART_MALFORMED : YH_PART_ABSENT;
	p->rank_state = number(&p->rank, json_object_get(json, "rank"));
	p->reserve_order_state = number(&p->reserve_order, json_object_get(json, "reserve_order"));
	if (!team) {
		p->team_state = YH_PART_ABSENT;
		return YH_OK;
	}
	rc = yh_jr_array(jr, (void **)&p->team, &p->nteam, sizeof(*p->team), json, "team", yh_doc_member_read);
	if (rc == YH_ENOMEM)
		return rc;
	p->team_state = rc == YH_OK ? YH_PART_GIVEN : YH_PART_MALFORMED;
	return YH_OK;
}

/* The members that make it a proof: its format, the entity, no member the format lacks. */
static int read_proof(yh_jr *jr, yh_proof_doc *p, json_t *json)
{
	static const char *const names[] = {
		"format", "task_id", "entity_id", "entities_root", "tree_size", "seed", "included",
		"leaf_index", "row", "path", "eligible", "reason", "stratum", "ticket", "cutoff", "selected",
		"rank", "reserve_order", "team", "before", "after", "note", NULL
	};
	json_t *format = json_object_get(json, "format");
	int rc;

	if (!json_is_string(format) || strcmp(json_string_value(format), YH_PROOF_FORMAT) != 0)
		return yh_error_set(YH_EDATA, "not a %s proof", YH_PROOF_FORMAT);
	if ((rc = yh_jr_object(jr, json, names)) < 0 ||
	    (rc = yh_jr_text(jr, &p->entity_id, json, "entity_id", YH_DOC_TEXT_MAX)) < 0)
		return yh_error_set(rc, "not a %s proof: %s", YH_PROOF_FORMAT, yh_error_message());
	p->task_id = json_string_value(json_object_get(json, "task_id"));
	p->tree_size_state = number(&p->tree_size, json_object_get(json, "tree_size"));
	p->entities_root.ok = yh_unhex(p->entities_root.bytes, 32,
	                               json_string_value(json_object_get(json, "entities_root"))) == 0;
	p->seed.ok = yh_unhex(p->seed.bytes, 32, json_string_value(json_object_get(json, "seed"))) == 0;
	p->included = json_is_true(json_object_get(json, "included"));
	p->note = json_string_value(json_object_get(json, "note"));
	p->eligible_state = json_is_boolean(json_object_get(json, "eligible")) ? YH_PART_GIVEN :
	                    json_object_get(json, "eligible") ? YH_PART_MALFORMED : YH_PART_ABSENT;
	p->eligible = json_is_true(json_object_get(json, "eligible"));
	p->reason = json_string_value(json_object_get(json, "reason"));
	if (p->included)
		return keep(&p->leaf, read_leaf(jr, &p->leaf, json));
	if ((rc = read_neighbour(jr, &p->before, json, "before")) < 0)
		return rc;
	return read_neighbour(jr, &p->after, json, "after");
}

int yh_proof_doc_parse(yh_proof_doc **out, json_t *json)
{
	yh_proof_doc *p;
	yh_jr jr;
	int rc;

	*out = NULL;
	if (!json_is_object(json))
		return yh_error_set(YH_EDATA, "not a %s proof", YH_PROOF_FORMAT);
	if (!(p = calloc(1, sizeof(*p))))
		return yh_error_set(YH_ENOMEM, "out of memory");
	p->json = json_incref(json);
	yh_jr_init(&jr, "");
	if ((rc = read_proof(&jr, p, json)) < 0 || (rc = read_results(&jr, p, json)) < 0) {
		yh_proof_doc_free(p);
		return rc;
	}
	*out = p;
	return YH_OK;
}

void yh_proof_doc_free(yh_proof_doc *p)
{
	if (!p)
		return;
	free(p->leaf.path);
	free(p->before.path);
	free(p->after.path);
	free(p->team);
	json_decref(p->json);
	free(p);
}
