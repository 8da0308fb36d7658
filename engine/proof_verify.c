/* proof_verify.c — the verifying side of entity proofs: a proof checked against a draw
 * document alone, no register and no store (docs/spec.md §14).  The document and the proof are
 * each parsed once (draw_doc.h, proof_doc.h); the checks read the typed values. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaohao/draw.h"
#include "yaohao/merkle.h"
#include "yaohao/proof.h"
#include "yaohao/task.h"
#include "draw.h"
#include "draw_doc.h"
#include "proof_doc.h"
#include "verify.h"
#include "error.h"

/* The proof names the document's task, root, tree size and seed. */
static int same_draw(const yh_proof_doc *p, const yh_draw_doc *doc)
{
	return p->task_id && strcmp(p->task_id, doc->task_id) == 0 &&
	       p->entities_root.ok && memcmp(p->entities_root.bytes, doc->entities.root.bytes, 32) == 0 &&
	       p->tree_size_state == YH_PART_GIVEN && p->tree_size == doc->entities.count &&
	       p->seed.ok && memcmp(p->seed.bytes, doc->seed.bytes, 32) == 0;
}

/* The rank, team and reserve order a proof states are the document's (null where it has none;
 * no team where the entity was not selected). */
static int results_agree(const yh_proof_doc *p, const yh_draw_doc *doc)
{
	const yh_doc_selected *sel = yh_draw_doc_selected(doc, p->entity_id);
	const yh_doc_reserve *res = yh_draw_doc_reserve(doc, p->entity_id);

	if (sel ? p->rank_state != YH_PART_GIVEN || p->rank != sel->rank || p->team_state != YH_PART_GIVEN ||
	          !yh_doc_team_equal(p->team, p->nteam, sel->team, sel->nteam)
	        : p->rank_state != YH_PART_NULL || p->team_state != YH_PART_ABSENT)
		return 0;
	return res ? p->reserve_order_state == YH_PART_GIVEN && p->reserve_order == res->order
	           : p->reserve_order_state == YH_PART_NULL;
}

/* A leaf of the proof and its path lead to the document's entity root; -1 with the error set. */
static int leaf_included(const yh_proof_leaf *leaf, const yh_draw_doc *doc)
{
	if (leaf->state != YH_PART_GIVEN)
		return yh_error_set(YH_EDATA, "%s", leaf->why);
	return yh_merkle_verify_path(doc->entities.root.bytes, leaf->leaf, leaf->index, doc->entities.count,
	                             leaf->path, leaf->npath);
}

/* The entity's stratum and ticket (§8) and, from its stratum's cutoff, whether it was
 * selected; -1 when the ticket cannot be checked or does not follow. */
static int check_ticket(yh_report *r, const yh_proof_doc *p, const yh_draw_doc *doc)
{
	char key[YH_STRATUM_KEY_MAX], hex[65], cut[65] = "(none: all selected)";
	const yh_doc_stratum *st = NULL;
	unsigned char t[32];
	yh_ticketer tk;
	int selected;

	if (yh_task_stratum_key(key, sizeof(key), doc->task, p->leaf.row) < 0 ||
	    !(st = yh_draw_doc_stratum(doc, key))) {
		yh_report_check(r, "ticket", "failed", "the row's stratum is not in the document");
		return -1;
	}
	if (!p->stratum || strcmp(p->stratum, key) != 0) {
		yh_report_check(r, "ticket", "failed", "the proof names stratum '%s'; the row is in '%s'",
		                p->stratum ? p->stratum : "(none)", key);
		return -1;
	}
	if (!p->cutoff.ok || p->has_cutoff != st->has_cutoff ||
	    (st->has_cutoff && memcmp(p->cutoff.bytes, st->cutoff, 32) != 0)) {
		yh_report_check(r, "ticket", "failed", "the proof's cutoff is not the document's cutoff of "
		                "stratum '%s'", key);
		return -1;
	}
	yh_ticketer_init(&tk, doc->seed.bytes);
	yh_ticket(t, &tk, p->entity_id);
	if (!p->ticket.ok || memcmp(p->ticket.bytes, t, 32) != 0) {
		yh_report_check(r, "ticket", "failed", "the proof's ticket is not SHA-256 of the seed, the tag and "
		                "the id");
		return -1;
	}
	selected = !st->has_cutoff || memcmp(t, st->cutoff, 32) < 0;
	yh_hex(hex, t, 32);
	if (st->has_cutoff)
		yh_hex(cut, st->cutoff, 32);
	yh_report_check(r, "ticket", "passed", "stratum '%s', ticket %.16s… %s the cutoff %.16s…", key, hex,
	                selected ? "below" : "not below", cut);
	return selected;
}

static const char *reason_name(yh_out_reason why)
{
	switch (why) {
	case YH_OUT_STATUS: return "status";
	case YH_OUT_EXCLUDED: return "exclusion window";
	default: return "filter";
	}
}

/* Whether the row was eligible (§4), as the proof says; -1 when the proof says otherwise,
 * 0 for an ineligible row (checked: not drawn), 1 for an eligible one. */
static int check_eligible(yh_report *r, const yh_proof_doc *p, const yh_draw_doc *doc)
{
	yh_frozen f;
	yh_out_reason why;
	const char *id = p->entity_id;

	memset(&f, 0, sizeof(f));
	if (!doc->task || yh_draw_doc_frozen(&f, doc) < 0) {
		yh_frozen_clear(&f);
		yh_report_check(r, "eligibility", "failed", "the document's task or lists do not parse");
		return -1;
	}
	why = yh_frozen_entity_reason(&f, p->leaf.row);
	yh_frozen_clear(&f);
	if (p->eligible_state != YH_PART_GIVEN || p->eligible != (why == YH_ELIGIBLE) ||
	    (why != YH_ELIGIBLE && (!p->reason || strcmp(p->reason, reason_name(why)) != 0))) {
		yh_report_check(r, "eligibility", "failed", "the proof says '%s' was %s; by the row and the "
		                "task it was %s%s", id, p->eligible ? "eligible" : "not eligible",
		                why == YH_ELIGIBLE ? "eligible" : "not eligible: ",
		                why == YH_ELIGIBLE ? "" : reason_name(why));
		return -1;
	}
	if (why == YH_ELIGIBLE) {
		yh_report_check(r, "eligibility", "passed", "'%s' was eligible (docs/spec.md §4)", id);
		return 1;
	}
	if (yh_draw_doc_selected(doc, id) || yh_draw_doc_reserve(doc, id))
		yh_report_check(r, "eligibility", "failed", "'%s' was not eligible (%s), yet the document draws "
		                "it", id, reason_name(why));
	else
		yh_report_check(r, "eligibility", "passed", "'%s' was in the register but not eligible: %s", id,
		                reason_name(why));
	if (r->failed == 0)
		yh_report_guarantee(r, "'%s' was in the frozen register the draw committed to, not eligible "
		                    "(%s), and not drawn", id, reason_name(why));
	return 0;
}

/* An included entity: its leaf, its eligibility, its ticket, and its selection as the
 * document lists it.  Returns whether it was selected, -1 when that was not reached. */
static int check_included(yh_report *r, const yh_proof_doc *p, const yh_draw_doc *doc, int in_selected)
{
	const char *id = p->entity_id;
	int selected, eligible;

	if (leaf_included(&p->leaf, doc) < 0) {
		yh_report_check(r, "inclusion", "failed", "%s", yh_error_message());
		return -1;
	}
	if (strcmp(p->leaf.row[YH_E_ID], id) != 0) {
		yh_report_check(r, "inclusion", "failed", "the row is that of '%s', not '%s'", p->leaf.row[YH_E_ID],
		                id);
		return -1;
	}
	yh_report_check(r, "inclusion", "passed", "'%s' is leaf %llu of the committed entity register (%llu "
	                "leaves)", id, (unsigned long long)p->leaf.index, (unsigned long long)doc->entities.count);
	if ((eligible = check_eligible(r, p, doc)) <= 0)
		return eligible < 0 ? -1 : 0;
	if ((selected = check_ticket(r, p, doc)) < 0)
		return -1;
	if (selected != in_selected)
		yh_report_check(r, "selection", "failed", "the ticket says %s, the document's list says %s",
		                selected ? "selected" : "not selected", in_selected ? "selected" : "not selected");
	else if (p->selected_state != YH_PART_GIVEN || p->selected != selected)
		yh_report_check(r, "selection", "failed", "the ticket says %s; the proof's 'selected' is not %s",
		                selected ? "selected" : "not selected", selected ? "true" : "false");
	else if (!results_agree(p, doc))
		yh_report_check(r, "selection", "failed", "the proof's rank, team or reserve order is not the "
		                "document's");
	else
		yh_report_check(r, "selection", "passed", "'%s' was %s", id, selected ? "selected" : "not selected");
	if (r->failed == 0)
		yh_report_guarantee(r, "'%s' was in the frozen register the draw committed to, eligible, and it "
		                    "was %s by its own ticket", id, selected ? "selected" : "not selected");
	return selected;
}

/* An absent entity: its neighbours are adjacent leaves that sort around it, and the document
 * draws it neither as selected nor as a reserve. */
static void check_absent(yh_report *r, const yh_proof_doc *p, const yh_draw_doc *doc, int in_selected)
{
	const yh_proof_leaf *b = &p->before, *a = &p->after;
	int bnull = b->state == YH_PART_NULL, anull = a->state == YH_PART_NULL;
	uint64_t size = doc->entities.count, bi = bnull ? 0 : b->index, ai = anull ? 0 : a->index;
	const char *id = p->entity_id;

	if ((!bnull && leaf_included(b, doc) < 0) || (!anull && leaf_included(a, doc) < 0)) {
		yh_report_check(r, "absence", "failed", "a neighbour's path does not verify: %s", yh_error_message());
		return;
	}
	if ((bnull && anull && size != 0) || (bnull && ai != 0) || (anull && size && bi != size - 1) ||
	    (!bnull && !anull && ai != bi + 1) || (!bnull && strcmp(b->row[YH_E_ID], id) >= 0) ||
	    (!anull && strcmp(a->row[YH_E_ID], id) <= 0)) {
		yh_report_check(r, "absence", "failed", "the neighbours are not adjacent leaves around '%s'", id);
		return;
	}
	if (in_selected || yh_draw_doc_reserve(doc, id)) {
		yh_report_check(r, "absence", "failed", "the document lists '%s' as %s", id,
		                in_selected ? "selected" : "a reserve");
		return;
	}
	yh_report_check(r, "absence", "passed", "'%s' sorts between adjacent leaves %s and %s of the committed "
	                "register: it was not in it", id, bnull ? "(start)" : b->row[YH_E_ID],
	                anull ? "(end)" : a->row[YH_E_ID]);
	/* the proof's note is not signed: it is never shown as verified */
	yh_report_guarantee(r, "'%s' was not in the frozen register the draw committed to", id);
}

/* The checks of a parsed proof against a document that verified; whether the entity was
 * selected, -1 when that was not established. */
static int check_proof(yh_report *r, const yh_proof_doc *p, const yh_draw_doc *doc)
{
	int in_selected = yh_draw_doc_selected(doc, p->entity_id) != NULL;

	if (!same_draw(p, doc)) {
		yh_report_check(r, "proof", "failed", "the proof is for another draw (task, root, size or seed "
		                "differ from the document)");
		return -1;
	}
	if (p->included)
		return check_included(r, p, doc, in_selected);
	check_absent(r, p, doc, in_selected);
	return -1;
}

/* A file to read, or bytes given. */
typedef struct {
	const char *path;
	const char *data;
	size_t len;
} source;

static int load(json_t **out, const source *s, size_t max, const char *name, const char *what)
{
	char *text = NULL;
	size_t len = s->len;
	int rc;

	if (s->path && (rc = yh_read_file(&text, &len, s->path, max)) < 0)
		return rc;
	if (!s->path && len > max)
		return yh_error_set(YH_EDATA, "the %s is too large", name);
	rc = yh_verify_load_json(out, s->path ? text : s->data, len, s->path ? s->path : name, what);
	free(text);
	return rc;
}

/* The document is read, parsed and verified first: a proof against a document that does not
 * verify is not read at all. */
static int verify_proof(json_t **out, const source *proof_src, const source *doc_src, const char *public_key)
{
	yh_verify_inputs in = YH_VERIFY_INPUTS_INIT;
	yh_report r = { NULL, json_array(), 0 };
	json_t *doc_json = NULL, *proof_json = NULL, *doc_report = NULL;
	yh_draw_doc *doc = NULL;
	yh_proof_doc *proof = NULL;
	char *malformed = NULL;
	int rc, selected = -1;

	*out = NULL;
	in.public_key = public_key;
	if ((rc = load(&doc_json, doc_src, YH_DOCUMENT_MAX, "document", "a JSON document")) < 0)
		goto done;
	if ((rc = yh_draw_doc_parse(&doc, doc_json, YH_DRAW_DOCUMENT)) == YH_EDATA &&
	    !(malformed = strdup(yh_error_message())))
		rc = yh_error_set(YH_ENOMEM, "out of memory");
	if ((rc < 0 && !malformed) || (rc = yh_document_report(&doc_report, doc, malformed, &in, NULL)) < 0)
		goto done;
	r.checks = json_copy(json_object_get(doc_report, "checks")); /* the checks are shared */
	if (!r.checks || !r.guarantees) {
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		goto done;
	}
	if (!json_is_true(json_object_get(doc_report, "ok"))) {
		r.failed++;
		yh_report_skip(&r, "proof", YH_HINT_NONE, "the draw document itself does not verify");
	} else if ((rc = load(&proof_json, proof_src, YH_PROOF_MAX, "proof", "JSON")) < 0) {
		goto done;
	} else if ((rc = yh_proof_doc_parse(&proof, proof_json)) == YH_EDATA) {
		yh_report_check(&r, "proof", "failed", "%s", yh_error_message());
	} else if (rc < 0) {
		goto done;
	} else {
		selected = check_proof(&r, proof, doc);
	}
	/* members in this order: the report is printed as it is built */
	if (!(*out = json_object()) || json_object_set_new(*out, "ok", json_boolean(r.failed == 0)) != 0 ||
	    (proof_src->path && json_object_set_new(*out, "proof", json_string(proof_src->path)) != 0) ||
	    json_object_set(*out, "checks", r.checks) != 0 ||
	    json_object_set(*out, "guarantees", r.guarantees) != 0 ||
	    (selected >= 0 && json_object_set_new(*out, "selected", json_boolean(selected)) != 0)) {
		json_decref(*out);
		*out = NULL;
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		goto done;
	}
	rc = YH_OK;
done:
	json_decref(r.checks);
	json_decref(r.guarantees);
	json_decref(doc_report);
	json_decref(doc_json);
	json_decref(proof_json);
	yh_draw_doc_free(doc);
	yh_proof_doc_free(proof);
	free(malformed);
	return rc;
}

int yh_proof_verify(json_t **out, const char *proof_path, const char *document_path, const char *public_key)
{
	source proof = { proof_path, NULL, 0 }, doc = { document_path, NULL, 0 };

	return verify_proof(out, &proof, &doc, public_key);
}

int yh_proof_verify_buffer(json_t **out, const char *proof_data, size_t proof_len, const char *document,
                           size_t document_len, const char *public_key)
{
	source proof = { NULL, proof_data, proof_len }, doc = { NULL, document, document_len };

	return verify_proof(out, &proof, &doc, public_key);
}
