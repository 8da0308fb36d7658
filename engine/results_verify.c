/* results_verify.c — the store-free check of a results document (docs/spec.md §18): its
 * signature and link to the draw document, every entry it carries (hash, signature, the task's
 * chain), every rule replayed from the draw, the reassignments and substitutions recomputed
 * from the officer register and conflicts, and the listed inspections against the replay. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaohao/jcs.h"
#include "yaohao/ledger.h"
#include "yaohao/results.h"
#include "inspection.h"
#include "results_load.h"
#include "signed.h"
#include "verify.h"
#include "error.h"

#define YH_RESULTS_FORMAT "yaohao-results/1"

typedef struct {
	yh_report r;
	json_t *results;                 /* the results document */
	yh_draw_doc *doc;                /* the draw document (until the state takes it) */
	yh_inspections *s;
	yh_frozen f;
	int rules_given;                 /* the officer register and conflicts matched */
	const yh_verify_inputs *in;
} checking;

static int load(json_t **out, const char *path, const char *what)
{
	char *text = NULL;
	size_t len;
	int rc;

	*out = NULL;
	if ((rc = yh_read_file(&text, &len, path, YH_DOCUMENT_MAX)) == YH_OK)
		rc = yh_verify_load_json(out, text, len, path, what);
	free(text);
	return rc;
}

static const char *text_at(json_t *v, const char *a, const char *b)
{
	return json_string_value(yh_json_path(v, a, b));
}

/* The document's kind and task, the draw's signature, and the link between them. */
static int check_link(checking *c, const yh_verify_inputs *in)
{
	json_t *res = c->results;
	const yh_draw_doc *d = c->doc;
	unsigned char hash[32];
	const char *format = text_at(res, "format", NULL), *task = text_at(res, "task_id", NULL);

	if (!format || strcmp(format, YH_RESULTS_FORMAT) != 0) {
		yh_report_check(&c->r, "document", "failed", "format is '%s', not %s", format ? format : "",
		                YH_RESULTS_FORMAT);
		return -1;
	}
	if (!task || strcmp(task, d->task_id) != 0 || !text_at(res, "department", NULL) ||
	    strcmp(text_at(res, "department", NULL), d->department) != 0) {
		yh_report_check(&c->r, "document", "failed", "the results of task '%s' of %s, the draw of "
		                "task '%s' of %s", task ? task : "", text_at(res, "department", NULL) ?
		                text_at(res, "department", NULL) : "", d->task_id, d->department);
		return -1;
	}
	yh_report_check(&c->r, "document", "passed", "%s, edition %lld, for task '%s' of %s",
	                YH_RESULTS_FORMAT, json_integer_value(json_object_get(res, "edition")), task,
	                d->department);
	if (yh_signed_check(d->json, NULL) < 0)
		yh_report_check(&c->r, "draw signature", "failed", "the draw document: %s", yh_error_message());
	else
		yh_report_check(&c->r, "draw signature", "passed", "the draw document is signed by key %s "
		                "(check the draw itself with verify)", d->key_id);
	if (yh_signed_check(res, d->public_key.bytes) < 0)
		yh_report_check(&c->r, "signature", "failed", "%s", yh_error_message());
	else
		yh_report_check(&c->r, "signature", "passed", "signed by the key that signed the draw (%s)",
		                d->key_id);
	yh_document_check_signer(&c->r, d, in);
	if (yh_get_hex(hash, 32, yh_json_path(res, "draw", "transcript_sha256")) != 0 ||
	    memcmp(hash, d->transcript_sha256, 32) != 0 ||
	    yh_get_hex(hash, 32, yh_json_path(res, "draw", "draw_entry_hash")) != 0 ||
	    memcmp(hash, d->draw_entry_hash, 32) != 0 ||
	    json_integer_value(yh_json_path(res, "draw", "draw_seq")) != (json_int_t)d->draw_seq) {
		yh_report_check(&c->r, "draw link", "failed", "draw.transcript_sha256, draw_entry_hash or "
		                "draw_seq is not that of the draw document given");
		return -1;
	}
	yh_report_check(&c->r, "draw link", "passed", "names this draw (entry %llu, transcript %.16s…)",
	                (unsigned long long)d->draw_seq, text_at(res, "draw", "transcript_sha256"));
	return 0;
}

/* One carried entry: its hash from its fields, its signature by the signer. */
static const char *entry_fault(json_t *e, const unsigned char pk[32], uint64_t after)
{
	static char why[160];
	unsigned char prev[32], hash[32], want[32], sig[YH_SIGNATURE_BYTES];
	json_t *seq = json_object_get(e, "seq");
	const char *kind = json_string_value(json_object_get(e, "kind"));
	yh_ledger_entry le;
	char *canonical = NULL;
	int ok;

	if (!json_is_integer(seq) || json_integer_value(seq) <= (json_int_t)after || !kind ||
	    !json_is_object(json_object_get(e, "payload")) ||
	    yh_get_hex(prev, 32, json_object_get(e, "prev_hash")) != 0 ||
	    yh_get_hex(hash, 32, json_object_get(e, "hash")) != 0 ||
	    yh_get_hex(sig, sizeof(sig), json_object_get(e, "signature")) != 0)
		return "not an entry {seq (rising), kind, payload, prev_hash, hash, signature}";
	if (yh_jcs_dump(&canonical, json_object_get(e, "payload")) < 0)
		return "its payload has no canonical form";
	memset(&le, 0, sizeof(le));
	le.seq = (uint64_t)json_integer_value(seq);
	le.kind = kind;
	le.payload = canonical;
	le.prev_hash = prev;
	yh_ledger_hash(want, &le);
	le.hash = want;
	le.signature = sig;
	ok = memcmp(want, hash, 32) == 0;
	if (!ok)
		snprintf(why, sizeof(why), "its hash is not the hash of its fields: the entry was changed");
	else if (!(ok = yh_ledger_verify_signature(&le, pk) == YH_OK))
		snprintf(why, sizeof(why), "its signature does not verify with the department's key");
	free(canonical);
	return ok ? NULL : why;
}

static int check_entries(checking *c)
{
	json_t *entries = json_object_get(c->results, "entries"), *e;
	uint64_t after = c->doc->draw_seq;
	const char *why;
	char last[65];
	size_t i;

	if (!json_is_array(entries)) {
		yh_report_check(&c->r, "entries", "failed", "entries is not a list");
		return -1;
	}
	yh_hex(last, c->doc->draw_entry_hash, 32);
	json_array_foreach(entries, i, e) {
		uint64_t seq = (uint64_t)json_integer_value(json_object_get(e, "seq"));
		const char *prev = json_string_value(json_object_get(e, "prev_hash"));

		if (!(why = entry_fault(e, c->doc->public_key.bytes, after)) && seq == after + 1 &&
		    (!prev || strcmp(prev, last) != 0))
			why = "its prev_hash is not the hash of the entry before it";
		if (why) {
			yh_report_check(&c->r, "entries", "failed", "entries[%zu] (ledger entry %lld): %s", i,
			                json_integer_value(json_object_get(e, "seq")), why);
			return -1;
		}
		after = seq;
		snprintf(last, sizeof(last), "%s", json_string_value(json_object_get(e, "hash")));
	}
	yh_report_check(&c->r, "entries", "passed", "%zu ledger entries, each hashed and signed by the "
	                "department's key", json_array_size(entries));
	return 0;
}

/* Every entry replayed from the draw, in order, against the rules. */
static int replay(checking *c)
{
	yh_insp_rules rules = { c->rules_given ? &c->f : NULL };
	json_t *entries = json_object_get(c->results, "entries"), *e;
	unsigned char hash[32];
	size_t i;
	int rc;

	rc = yh_insp_new(&c->s, c->doc, c->doc->draw_entry_hash);
	c->doc = NULL;
	if (rc < 0) {
		yh_report_check(&c->r, "rules", "failed", "%s", yh_error_message());
		return -1;
	}
	json_array_foreach(entries, i, e) {
		yh_get_hex(hash, 32, json_object_get(e, "hash"));
		if (yh_insp_apply(c->s, (uint64_t)json_integer_value(json_object_get(e, "seq")),
		                  json_string_value(json_object_get(e, "kind")), json_object_get(e, "payload"),
		                  hash, &rules) < 0) {
			yh_report_check(&c->r, "rules", "failed", "entries[%zu] (ledger entry %lld): %s", i,
			                json_integer_value(json_object_get(e, "seq")), yh_error_message());
			return -1;
		}
	}
	yh_report_check(&c->r, "rules", "passed", "%llu result(s), %llu correction(s), %llu "
	                "reassignment(s), %llu substitution(s): each for an entity in force, by officers "
	                "of its team, dated from the draw to its entry, in one chain from the draw",
	                (unsigned long long)c->s->results, (unsigned long long)c->s->corrections,
	                (unsigned long long)c->s->reassignments, (unsigned long long)c->s->substitutions);
	if (c->rules_given)
		yh_report_check(&c->r, "replacements", "passed", "every reassignment and substitution is "
		                "the one the rules give, recomputed from the officer register and conflicts");
	else if (c->s->reassignments || c->s->substitutions)
		yh_report_skip(&c->r, "replacements", YH_HINT_GIVE_INSPECTORS, "the picks of %llu "
		               "reassignment(s) and %llu substitution(s) need the officer register and "
		               "conflicts files", (unsigned long long)c->s->reassignments,
		               (unsigned long long)c->s->substitutions);
	return 0;
}

static void check_listing(checking *c)
{
	json_t *want = yh_results_inspections_json(c->s), *sum = yh_results_summary_json(c->s);
	json_t *edition = json_object_get(c->results, "edition");

	if (!json_equal(want, json_object_get(c->results, "inspections")))
		yh_report_check(&c->r, "inspections", "failed", "the listed inspections (teams, results, "
		                "substitutions) are not what the entries give");
	else if (!json_equal(sum, json_object_get(c->results, "summary")))
		yh_report_check(&c->r, "inspections", "failed", "the summary is not what the entries give");
	else if (json_integer_value(edition) != (json_int_t)(c->s->disclosures + 1))
		yh_report_check(&c->r, "inspections", "failed", "edition %lld, the entries give edition %llu",
		                json_integer_value(edition), (unsigned long long)(c->s->disclosures + 1));
	else
		yh_report_check(&c->r, "inspections", "passed", "the %zu listed inspections and the summary "
		                "are exactly what the entries give", json_array_size(want));
	json_decref(want);
	json_decref(sum);
}

static void guarantees(checking *c, int ok)
{
	if (!ok) {
		yh_report_guarantee(&c->r, "nothing is guaranteed: %d check(s) failed",
		                    c->r.failed ? c->r.failed : 1);
		return;
	}
	yh_report_guarantee(&c->r, "every result, correction, reassignment and substitution listed is a "
	                    "signed ledger entry of the department, chained from the draw; none listed "
	                    "breaks a rule");
	if (!c->in->public_key)
		yh_report_guarantee(&c->r, "not checked: whose key signed (the department's published "
		                    "public key was not given)");
	if (!c->rules_given)
		yh_report_guarantee(&c->r, "not checked: who replaced whom against the officer register "
		                    "and recusals (the published officer register and conflicts were not "
		                    "both given)");
	yh_report_guarantee(&c->r, "not checked here: the draw itself (verify the draw document) and "
	                    "entries recorded after this edition (a later edition or the audit shows "
	                    "them)");
}

int yh_results_verify(json_t **out, const char *results_path, const char *draw_path,
                      const yh_verify_inputs *inputs)
{
	static const yh_verify_inputs none = YH_VERIFY_INPUTS_INIT;
	const yh_verify_inputs *in = inputs ? inputs : &none;
	checking c;
	json_t *draw = NULL;
	int rc, ok = 0;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	c.in = in;
	if (in->version != YH_VERIFY_INPUTS_VERSION)
		return yh_error_set(YH_EINVAL, "verify inputs of version %u: this library reads version %u",
		                    in->version, YH_VERIFY_INPUTS_VERSION);
	c.r.checks = json_array();
	c.r.guarantees = json_array();
	if (!c.r.checks || !c.r.guarantees) {
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = load(&c.results, results_path, "a JSON document")) < 0 ||
	    (rc = load(&draw, draw_path, "a JSON document")) < 0)
		goto done;
	if (yh_draw_doc_parse(&c.doc, draw, YH_DRAW_DOCUMENT) < 0 || !c.doc->task) {
		yh_report_check(&c.r, "draw document", "failed", "'%s': %s", draw_path,
		                c.doc ? c.doc->task_error : yh_error_message());
		goto report;
	}
	if (check_link(&c, in) < 0 || check_entries(&c) < 0)
		goto report;
	if (yh_draw_doc_frozen(&c.f, c.doc) < 0) {
		yh_report_check(&c.r, "draw document", "failed", "%s", yh_error_message());
		goto report;
	}
	if (yh_verify_input_name(in, YH_REGISTER_INSPECTORS) || yh_verify_input_name(in, YH_REGISTER_CONFLICTS))
		c.rules_given = yh_document_replay_officers(&c.r, c.doc, &c.f, in);
	if (replay(&c) < 0)
		goto report;
	check_listing(&c);
report:
	rc = YH_OK;
	ok = c.r.failed == 0;
	guarantees(&c, ok);
	if (!(*out = json_pack("{s:b, s:s, s:O, s:O}", "ok", ok, "document", results_path,
	                       "checks", c.r.checks, "guarantees", c.r.guarantees)))
		rc = yh_error_set(YH_ENOMEM, "out of memory");
done:
	json_decref(c.r.checks);
	json_decref(c.r.guarantees);
	json_decref(c.results);
	json_decref(draw);
	yh_frozen_clear(&c.f);
	yh_draw_doc_free(c.doc);
	yh_insp_free(c.s);
	return rc;
}
