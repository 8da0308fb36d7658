/* document_verify.c — the verifying side of the public draw document: the checks a reader makes
 * with no store, from the document alone (docs/spec.md §13), and the report.  The document is
 * parsed once (draw_doc.h); the register files are document_replay.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "yaohao/document.h"
#include "yaohao/draw.h"
#include "yaohao/key.h"
#include "yaohao/register.h"
#include "yaohao/task.h"
#include "draw.h"
#include "draw_doc.h"
#include "verify.h"
#include "error.h"

/* ---- signature, task, commitment, seed ------------------------------------------------- */

/* Ed25519 over the JCS bytes of the document without its signature (parsed with it). */
static void check_signature(yh_report *r, const yh_draw_doc *doc)
{
	char id[YH_KEY_ID_CHARS + 1];

	if (!doc->public_key.ok || !doc->signature_ok) {
		yh_report_check(r, "signature", "failed", "the public key or the signature is not lower-case hex "
		                "of the right length");
	} else if (doc->signed_error) {
		yh_report_check(r, "signature", "failed", "the document cannot be put in canonical form: %s",
		                doc->signed_error);
	} else if (!yh_draw_doc_signature_valid(doc)) {
		yh_report_check(r, "signature", "failed", "the Ed25519 signature does not match the document: it "
		                "was changed after signing, or signed by another key");
	} else {
		yh_key_id_of(id, doc->public_key.bytes);
		if (strcmp(id, doc->key_id) != 0)
			yh_report_check(r, "signature", "failed", "signer.key_id is not the id of signer.public_key "
			                "(%s)", id);
		else
			yh_report_check(r, "signature", "passed", "Ed25519 over the canonical (JCS) document, key %s",
			                id);
	}
}

void yh_document_check_signer(yh_report *r, const yh_draw_doc *doc, const yh_verify_inputs *in)
{
	unsigned char pin[32];

	if (!in->public_key)
		yh_report_skip(r, "signer key", YH_HINT_GIVE_PUBLIC_KEY, "no public key given: the signature "
		               "shows the document is intact, not whose key signed it");
	else if (yh_key_read_public(pin, in->public_key) < 0)
		yh_report_check(r, "signer key", "failed", "%s", yh_error_message());
	else if (!doc->public_key.ok || sodium_memcmp(pin, doc->public_key.bytes, 32) != 0)
		yh_report_check(r, "signer key", "failed", "the document is signed by key %s, not by the key "
		                "given", doc->key_id);
	else
		yh_report_check(r, "signer key", "passed", "signed by the key given");
}

/* The task and its digest; -1 when there is no valid task to go on with. */
static int check_task(yh_report *r, const yh_draw_doc *doc)
{
	unsigned char digest[32];

	if (!doc->task) {
		yh_report_check(r, "task digest", "failed", "the task is not a valid task: %s", doc->task_error);
		return -1;
	}
	yh_task_digest(digest, doc->task);
	if (strcmp(yh_task_canonical(doc->task), doc->task_text) != 0)
		yh_report_check(r, "task digest", "failed", "the task is not in its normalised form");
	else if (!doc->task_digest.ok || memcmp(doc->task_digest.bytes, digest, 32) != 0)
		yh_report_check(r, "task digest", "failed", "task_digest is not the digest of the task");
	else if (strcmp(yh_task_id(doc->task), doc->task_id) != 0)
		yh_report_check(r, "task digest", "failed", "task_id is not the task's id");
	else
		yh_report_check(r, "task digest", "passed", "the task '%s' hashes to task_digest",
		                yh_task_id(doc->task));
	return 0;
}

/* The revealed secret opens the commitment (§6); -1 when they are not even hex. */
static int check_commitment(yh_report *r, const yh_draw_doc *doc)
{
	unsigned char digest[32];
	char hex[65];

	if (!doc->secret.ok || !doc->commitment.ok) {
		yh_report_check(r, "commitment", "failed", "the secret or the commitment is not 32 bytes of hex");
		return -1;
	}
	yh_commitment(digest, doc->secret.bytes);
	yh_hex(hex, doc->commitment.bytes, 32);
	if (memcmp(digest, doc->commitment.bytes, 32) != 0)
		yh_report_check(r, "commitment", "failed", "the revealed secret does not open the commitment");
	else
		yh_report_check(r, "commitment", "passed", "the revealed secret opens the commitment %.16s…", hex);
	return 0;
}

/* The seed follows from the announcement, the secret and the value (§7); -1 when it does not,
 * as nothing drawn from it can be checked then. */
static int check_seed(yh_report *r, const yh_draw_doc *doc, unsigned char seed[32])
{
	char hex[65];

	if (!doc->entities.root.ok || !doc->inspectors.root.ok || !doc->conflicts.root.ok || !doc->seed.ok) {
		yh_report_check(r, "seed", "failed", "a root or the seed is not 32 bytes of hex");
		return -1;
	}
	yh_seed_derive(seed, doc->announcement_digest, doc->secret.bytes, doc->entropy_value);
	if (memcmp(seed, doc->seed.bytes, 32) != 0) {
		yh_report_check(r, "seed", "failed", "the seed is not SHA-256 of the announcement's digest, the "
		                "secret and the entropy value");
		return -1;
	}
	yh_hex(hex, doc->announcement_digest, 32);
	yh_report_check(r, "seed", "passed", "derived from the announcement (digest %.16s…: task, register "
	                "roots, exclusions, strata, load cap, commitment, chain), the secret and the entropy "
	                "value \"%s\"", hex, doc->entropy_value);
	return 0;
}

/* ---- tickets and the rules the document states about itself ---------------------------- */

static int cmp_ticket_id(const unsigned char *ta, const char *ia, const unsigned char *tb, const char *ib)
{
	int c = memcmp(ta, tb, 32);

	return c ? c : strcmp(ia, ib);
}

/* The sizes the task's rules give each stratum of the stated population, the rate text they
 * name, and the load cap the task fixes (docs/spec.md §5); 0, or -1 with why filled in. */
static int check_sizes(char *why, size_t size, const yh_frozen *f, uint64_t doc_eligible)
{
	size_t i;

	for (i = 0; i < f->nstrata; i++) {
		const yh_stratum *st = &f->strata[i];
		uint64_t k = 0, res = 0;

		if (yh_task_stratum_size(&k, &res, f->task, st->key, st->population) < 0) {
			snprintf(why, size, "%s", yh_error_message());
			return -1;
		}
		if (k != st->k || res != st->reserves) {
			snprintf(why, size, "stratum '%.200s' of %llu entities states %llu selected and %llu reserves; "
			         "the task's rules give %llu and %llu", st->key, (unsigned long long)st->population,
			         (unsigned long long)st->k, (unsigned long long)st->reserves, (unsigned long long)k,
			         (unsigned long long)res);
			return -1;
		}
		if (strcmp(st->rate, yh_task_stratum_rate(f->task, st->key)) != 0) {
			snprintf(why, size, "stratum '%.200s' names the rate \"%.31s\"; the task's rule is \"%.31s\"", st->key,
			         st->rate, yh_task_stratum_rate(f->task, st->key));
			return -1;
		}
	}
	{
		uint64_t total = 0;

		for (i = 0; i < f->nstrata; i++)
			total += f->strata[i].population;
		if (total != doc_eligible) {
			snprintf(why, size, "entities.eligible is %llu; the strata's populations add up to %llu",
			         (unsigned long long)doc_eligible, (unsigned long long)total);
			return -1;
		}
	}
	if (f->task->load_cap && f->load_cap != f->task->load_cap) {
		snprintf(why, size, "the load cap is %llu; the task fixes it at %llu",
		         (unsigned long long)f->load_cap, (unsigned long long)f->task->load_cap);
		return -1;
	}
	return 0;
}

/* What the rules take for granted, in document order: ranks 1, 2, …, strata the document
 * lists, teams of the task's size.  0, or -1 with why filled in. */
static int check_structure(char *why, size_t size, const yh_draw_doc *doc, const yh_frozen *f)
{
	size_t i;

	for (i = 0; i < doc->nselected; i++) {
		const yh_doc_selected *e = &doc->selected[i];

		if (!yh_frozen_stratum(f, e->stratum) || e->rank != i + 1) {
			snprintf(why, size, "selected #%zu is malformed (id, stratum, ticket or rank)", i + 1);
			return -1;
		}
		if (e->nteam != f->task->team_size) {
			snprintf(why, size, "the team of '%s' does not have %u members", e->id, f->task->team_size);
			return -1;
		}
	}
	for (i = 0; i < doc->nreserves; i++) {
		if (!yh_frozen_stratum(f, doc->reserves[i].stratum)) {
			snprintf(why, size, "reserve #%zu is malformed", i + 1);
			return -1;
		}
	}
	return 0;
}

/* Every ticket and pair ticket from the seed (§8, §9).  The one named first: a selected
 * entity's, else a reserve's, else a pair ticket. */
static void check_tickets(yh_report *r, const yh_draw_doc *doc, const unsigned char seed[32])
{
	char first[3][160] = { "", "", "" };
	size_t bad[3] = { 0, 0, 0 }, i, j;
	unsigned char t[32];
	yh_ticketer tk;

	yh_ticketer_init(&tk, seed);
	for (i = 0; i < doc->nselected; i++) {
		const yh_doc_selected *e = &doc->selected[i];

		yh_ticket(t, &tk, e->id);
		if (memcmp(t, e->ticket, 32) != 0 && !bad[0]++)
			snprintf(first[0], sizeof(first[0]), "selected '%s'", e->id);
		for (j = 0; j < e->nteam; j++) {
			yh_pair_ticket(t, &tk, e->id, e->team[j].id);
			if (memcmp(t, e->team[j].pair_ticket, 32) != 0 && !bad[2]++)
				snprintf(first[2], sizeof(first[2]), "the pair ticket of '%s' with '%s'", e->id,
				         e->team[j].id);
		}
	}
	for (i = 0; i < doc->nreserves; i++) {
		yh_ticket(t, &tk, doc->reserves[i].id);
		if (memcmp(t, doc->reserves[i].ticket, 32) != 0 && !bad[1]++)
			snprintf(first[1], sizeof(first[1]), "reserve '%s'", doc->reserves[i].id);
	}
	if (bad[0] || bad[1] || bad[2])
		yh_report_check(r, "tickets", "failed", "%zu ticket(s) and %zu pair ticket(s) do not follow from "
		                "the seed; the first: %s", bad[0] + bad[1], bad[2],
		                first[bad[0] ? 0 : bad[1] ? 1 : 2]);
	else
		yh_report_check(r, "tickets", "passed", "all %zu tickets of selected entities and reserves, and "
		                "the pair tickets of all %zu teams, follow from the seed",
		                doc->nselected + doc->nreserves, doc->nselected);
}

typedef struct {
	const char *id, *name, *department;
	size_t at;               /* the seat's place among all team seats, in document order */
} seat;

static int cmp_seat(const void *a, const void *b)
{
	const seat *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	return c ? c : (x->at > y->at) - (x->at < y->at);
}

/* The first seat, in document order, that takes an officer above the load cap (SIZE_MAX when
 * none does): the (cap + 1)-th seat of an officer; *renamed is 1 when an officer is named or
 * placed differently in two teams (one register row gives every seat of his). */
static int load_fault_at(size_t *out, int *renamed, const yh_draw_doc *doc, uint64_t cap)
{
	seat *s;
	size_t n = 0, i, j;

	*out = SIZE_MAX;
	for (i = 0; i < doc->nselected; i++)
		n += doc->selected[i].nteam;
	if (!(s = malloc((n + 1) * sizeof(*s))))
		return yh_error_set(YH_ENOMEM, "out of memory");
	for (i = 0, n = 0; i < doc->nselected; i++)
		for (j = 0; j < doc->selected[i].nteam; j++, n++)
			s[n] = (seat){ doc->selected[i].team[j].id, doc->selected[i].team[j].name,
			               doc->selected[i].team[j].department, n };
	if (n)
		qsort(s, n, sizeof(*s), cmp_seat);
	*renamed = 0;
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && strcmp(s[j].id, s[i].id) == 0; j++)
			*renamed |= strcmp(s[j].name, s[i].name) != 0 ||
			            strcmp(s[j].department, s[i].department) != 0;
		if (j - i > cap && s[i + cap].at < *out)
			*out = s[i + cap].at;
	}
	free(s);
	return YH_OK;
}

/* With department seats, a team holds exactly each department's seats (§9 step 2). */
static int seats_kept(const yh_doc_selected *e, const yh_task *t)
{
	size_t d, j;

	for (d = 0; d < t->quota_departments.n; d++) {
		unsigned held = 0;

		for (j = 0; j < e->nteam; j++)
			held += strcmp(e->team[j].department, t->quota_departments.v[d]) == 0;
		if (held != t->quota_counts[d])
			return 0;
	}
	return 1;
}

/* The first fault of a team whose seats start at `seat0`. */
static const char *team_fault(const yh_doc_selected *e, const yh_task *t, size_t seat0,
                              size_t load_fault)
{
	size_t j, q;

	if (!seats_kept(e, t))
		return "a team does not hold each department's seats";
	for (j = 0; j < e->nteam; j++) {
		if (strcmp(e->team[j].role, j == 0 ? "leader" : "member") != 0)
			return "a team's first member is not its only leader";
		if (j > 0 && memcmp(e->team[j - 1].pair_ticket, e->team[j].pair_ticket, 32) >= 0)
			return "a team's members are not in pair-ticket order";
		for (q = 0; q < j; q++)
			if (strcmp(e->team[q].id, e->team[j].id) == 0)
				return "an officer appears twice in one team";
		if (seat0 + j == load_fault)
			return "an officer's load exceeds the load cap";
	}
	return NULL;
}

static const yh_doc_stratum *stratum_of(const yh_draw_doc *doc, const yh_frozen *f, const char *key)
{
	return &doc->strata[yh_frozen_stratum(f, key) - f->strata];
}

/* The first fault of the selected entities: ticket order, cutoffs, teams. */
static const char *selected_fault(const yh_draw_doc *doc, const yh_frozen *f, size_t load_fault)
{
	size_t i, seat0 = 0;
	const char *fault;

	for (i = 0; i < doc->nselected; i++) {
		const yh_doc_selected *e = &doc->selected[i];
		const yh_doc_stratum *st = stratum_of(doc, f, e->stratum);

		if (i > 0 && cmp_ticket_id(e[-1].ticket, e[-1].id, e->ticket, e->id) >= 0)
			return "the selected entities are not in ticket order";
		if (st->has_cutoff && memcmp(e->ticket, st->cutoff, 32) >= 0)
			return "a selected ticket is not below its stratum's cutoff";
		if ((fault = team_fault(e, f->task, seat0, load_fault)))
			return fault;
		seat0 += e->nteam;
	}
	return NULL;
}

/* The first fault of the reserves (numbering, cutoffs), then of the counts per stratum;
 * count holds 2 × nstrata zeros. */
static const char *reserves_fault(const yh_draw_doc *doc, const yh_frozen *f, uint64_t *count)
{
	uint64_t *rcount = count + f->nstrata;
	size_t i;

	for (i = 0; i < doc->nselected; i++)
		count[yh_frozen_stratum(f, doc->selected[i].stratum) - f->strata]++;
	for (i = 0; i < doc->nreserves; i++) {
		const yh_doc_reserve *res = &doc->reserves[i];
		const yh_doc_stratum *st = stratum_of(doc, f, res->stratum);

		if (res->order != ++rcount[st - doc->strata])
			return "the reserves are not numbered 1, 2, … within their stratum";
		if (!st->has_cutoff || memcmp(res->ticket, st->cutoff, 32) < 0)
			return "a reserve's ticket is below its stratum's cutoff";
		/* the first reserve is the (k+1)-th entity, whose ticket is the cutoff (§8) */
		if (res->order == 1 && memcmp(res->ticket, st->cutoff, 32) != 0)
			return "a stratum's first reserve does not hold its cutoff ticket";
		if (res->order > 1 && cmp_ticket_id(res[-1].ticket, res[-1].id, res->ticket, res->id) >= 0)
			return "a stratum's reserves are not in ticket order";
	}
	for (i = 0; i < doc->nstrata; i++)
		if (doc->strata[i].has_cutoff != (doc->strata[i].selected < doc->strata[i].population))
			return "a stratum's cutoff is null but not every entity is selected, or the reverse";
	for (i = 0; i < f->nstrata; i++) {
		if (count[i] != f->strata[i].k)
			return "a stratum has a different number of selected entities than it states";
		if (rcount[i] != f->strata[i].reserves)
			return "a stratum has a different number of reserves than it states";
	}
	return NULL;
}

/* Tickets, pair tickets and the selection rules the document states about itself. */
static void check_internal(yh_report *r, const yh_draw_doc *doc, const yh_frozen *f,
                           const unsigned char seed[32])
{
	char why[512], sizes[512];
	uint64_t *count = NULL;
	const char *fault = NULL;
	size_t load_fault;
	int renamed = 0;

	if (check_structure(why, sizeof(why), doc, f) < 0) {
		yh_report_check(r, "selection rules", "failed", "%s", why);
		return;
	}
	check_tickets(r, doc, seed);
	if (check_sizes(sizes, sizeof(sizes), f, doc->entities.eligible) < 0)
		fault = sizes;
	else if (load_fault_at(&load_fault, &renamed, doc, f->load_cap) < 0 ||
	         !(count = calloc(2 * f->nstrata + 1, sizeof(*count))))
		fault = "out of memory";
	else if (renamed)
		fault = "an officer is named, or placed in a department, differently in two teams";
	else if (!(fault = selected_fault(doc, f, load_fault)))
		fault = reserves_fault(doc, f, count);
	free(count);
	if (fault)
		yh_report_check(r, "selection rules", "failed", "%s", fault);
	else
		yh_report_check(r, "selection rules", "passed", "per stratum: k selected below the cutoff, r "
		                "reserves at or above it in order; teams of %u led by the lowest pair ticket; "
		                "load at most %llu", f->task->team_size, (unsigned long long)f->load_cap);
}

/* ---- the report ------------------------------------------------------------------------- */

static int is_placeholder_source(const char *source)
{
	static const char *const words[] = { "", "none", "demo", "test", "无", NULL };
	size_t i;

	for (i = 0; words[i]; i++)
		if (strncmp(source, words[i], strlen(words[i])) == 0 &&
		    (strlen(words[i]) > 0 || !*source))
			return 1;
	return 0;
}

/* Every check of a document that parsed; 1 when the checks that need no register passed. */
static int run_checks(yh_report *r, const yh_draw_doc *doc, const yh_verify_inputs *in)
{
	unsigned char seed[32];
	yh_frozen f;
	int core_ok = 0;

	memset(&f, 0, sizeof(f));
	yh_report_check(r, "document", "passed", "%s for task '%s' of %s", YH_DOCUMENT_FORMAT, doc->task_id,
	                doc->department);
	check_signature(r, doc);
	yh_document_check_signer(r, doc, in);
	if (check_task(r, doc) < 0 || check_commitment(r, doc) < 0 || check_seed(r, doc, seed) < 0)
		goto done;
	if (yh_draw_doc_frozen(&f, doc) < 0) {
		yh_report_check(r, "selection rules", "failed", "%s", yh_error_message());
		goto done;
	}
	core_ok = r->failed == 0;
	check_internal(r, doc, &f, seed);
	core_ok = core_ok && r->failed == 0;
	yh_document_replay(r, doc, &f, seed, in);
	yh_document_history(r, doc, in);
done:
	yh_frozen_clear(&f);
	return core_ok;
}

/* What holds when every check passed, and what was left unchecked. */
static void report_guarantees(yh_report *r, const yh_draw_doc *doc, const yh_verify_inputs *in)
{
	char commitment[65];

	yh_report_guarantee(r, "the published tickets, selection and teams follow from the seed, and the "
	                    "seed from the committed task and registers, the revealed secret and the public "
	                    "value");
	yh_hex(commitment, doc->commitment.bytes, 32);
	if (is_placeholder_source(doc->entropy_source))
		yh_report_guarantee(r, "NOT guaranteed: no external entropy source was named (\"%s\"): the "
		                    "department knew every input and could have retried the draw until it liked "
		                    "the result", doc->entropy_source);
	else
		yh_report_guarantee(r, "the department could not choose the outcome after committing, provided "
		                    "the announcement (commitment %.16s…) was public before \"%s\" was known and "
		                    "\"%s\" is what that source published: check both independently", commitment,
		                    doc->entropy_source, doc->entropy_value);
	if (!yh_verify_input_name(in, YH_REGISTER_ENTITIES))
		yh_report_guarantee(r, "not checked: that every eligible entity took part (the published entity "
		                    "register was not given)");
	if (!yh_verify_input_name(in, YH_REGISTER_INSPECTORS) || !yh_verify_input_name(in, YH_REGISTER_CONFLICTS))
		yh_report_guarantee(r, "not checked: the teams against the officer register and recusals (the "
		                    "published officer register and conflicts were not both given)");
	if (!in->public_key)
		yh_report_guarantee(r, "not checked: whose key signed (the department's published public key was "
		                    "not given)");
	if (in->feed)
		yh_report_guarantee(r, "no announcement of this department was kept hidden up to this one (the "
		                    "chain is unbroken); that it was public before the entropy value existed "
		                    "needs a timestamp by an outside party (a notary, an RFC 3161 time stamp "
		                    "authority, a transparency log)");
	else
		yh_report_guarantee(r, "not checked: that no other announcement was kept hidden (the department's "
		                    "feed was not given)");
	if (doc->nearlier > in->nearlier)
		yh_report_guarantee(r, "not checked: the exclusions and recent pairs against the earlier draws "
		                    "(their documents were not all given)");
	yh_report_guarantee(r, "not checked without the store: the ledger sequence numbers and the draw "
	                    "entry's hash (ledger); the audit of the store checks them");
}

int yh_document_report(json_t **out, const yh_draw_doc *doc, const char *malformed,
                       const yh_verify_inputs *inputs, const char *name)
{
	static const yh_verify_inputs none = YH_VERIFY_INPUTS_INIT;
	const yh_verify_inputs *in = inputs ? inputs : &none;
	yh_report r = { json_array(), json_array(), 0 };
	int ok = 0, rc = YH_OK;

	*out = NULL;
	if (in->version != YH_VERIFY_INPUTS_VERSION) {
		rc = yh_error_set(YH_EINVAL, "verify inputs of version %u: this library reads version %u "
		                  "(initialise them with YH_VERIFY_INPUTS_INIT)", in->version,
		                  YH_VERIFY_INPUTS_VERSION);
		goto done;
	}
	if (!r.checks || !r.guarantees) {
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		goto done;
	}
	if (doc)
		ok = run_checks(&r, doc, in) && r.failed == 0;
	else
		yh_report_check(&r, "document", "failed", "%s", malformed);
	if (ok)
		report_guarantees(&r, doc, in);
	else
		yh_report_guarantee(&r, "nothing is guaranteed: %d check(s) failed", r.failed ? r.failed : 1);
	/* members in this order: the report is printed as it is built */
	if (!(*out = json_object()) || json_object_set_new(*out, "ok", json_boolean(ok)) != 0 ||
	    (name && json_object_set_new(*out, "document", json_string(name)) != 0) ||
	    json_object_set(*out, "checks", r.checks) != 0 ||
	    json_object_set(*out, "guarantees", r.guarantees) != 0) {
		json_decref(*out);
		*out = NULL;
		rc = yh_error_set(YH_ENOMEM, "out of memory");
	}
done:
	json_decref(r.checks);
	json_decref(r.guarantees);
	return rc;
}

/* Reads the document once — a file (path) or bytes in memory (data, len) — and reports on it;
 * `name` is the path, or NULL for a buffer.  The document is read without ever holding its
 * whole JSON tree, and its signature is checked before the replay so that the canonical text it
 * covers is released first (draw_doc.h): what stays through the replay is the typed document. */
static int verify_text(json_t **out, const char *path, const char *data, size_t len,
                       const yh_verify_inputs *in, const char *name)
{
	yh_draw_doc *doc = NULL;
	char *malformed = NULL;
	int rc;

	*out = NULL;
	if (!path && len > YH_DOCUMENT_MAX)
		return yh_error_set(YH_EDATA, "the document is too large: '%s'", name ? name : "document");
	rc = yh_draw_doc_load(&doc, &malformed, path, data, len, name ? name : "document", YH_DRAW_DOCUMENT);
	if (rc < 0)
		return rc;
	if (doc)
		yh_draw_doc_settle_signature(doc);
	rc = yh_document_report(out, doc, malformed, in, name);
	free(malformed);
	yh_draw_doc_free(doc);
	return rc;
}

int yh_document_verify_buffer(json_t **out, const char *data, size_t len, const yh_verify_inputs *in)
{
	return verify_text(out, NULL, data, len, in, NULL);
}

int yh_document_verify(json_t **out, const char *path, const yh_verify_inputs *in)
{
	return verify_text(out, path, NULL, 0, in, path);
}
