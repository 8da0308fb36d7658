/* document_verify.c — the verifying side of the public draw document: every check a reader
 * makes with no store, from the document alone and from the published register files
 * (docs/spec.md §13). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "yaohao/csv.h"
#include "yaohao/document.h"
#include "yaohao/draw.h"
#include "yaohao/jcs.h"
#include "yaohao/key.h"
#include "yaohao/merkle.h"
#include "yaohao/register.h"
#include "yaohao/task.h"
#include "draw.h"
#include "report.h"
#include "error.h"

/* The member names and where they must be: a document missing any is not checked further. */
static int shape(yh_report *r, json_t *doc)
{
	static const struct { const char *a, *b; int type; } need[] = {
		{ "task", NULL, JSON_OBJECT }, { "task_id", NULL, JSON_STRING },
		{ "task_digest", NULL, JSON_STRING }, { "department", NULL, JSON_STRING },
		{ "freeze_seq", NULL, JSON_INTEGER },
		{ "entities", "count", JSON_INTEGER }, { "entities", "root", JSON_STRING },
		{ "entities", "excluded", JSON_ARRAY },
		{ "inspectors", "count", JSON_INTEGER }, { "inspectors", "root", JSON_STRING },
		{ "recusals", "count", JSON_INTEGER }, { "recusals", "root", JSON_STRING },
		{ "recusals", "recent_pairs", JSON_ARRAY },
		{ "strata", NULL, JSON_ARRAY }, { "load_cap", NULL, JSON_INTEGER },
		{ "commitment", NULL, JSON_STRING }, { "entropy_source", NULL, JSON_STRING },
		{ "entropy_value", NULL, JSON_STRING }, { "secret", NULL, JSON_STRING },
		{ "seed", NULL, JSON_STRING }, { "selected", NULL, JSON_ARRAY },
		{ "reserves", NULL, JSON_ARRAY },
		{ "ledger", "commit_seq", JSON_INTEGER }, { "ledger", "draw_seq", JSON_INTEGER },
		{ "ledger", "draw_entry_hash", JSON_STRING }, { "signer", "public_key", JSON_STRING },
		{ "signer", "key_id", JSON_STRING }, { "signature", NULL, JSON_STRING },
	};
	size_t i;

	if (!json_is_object(doc)) {
		yh_report_check(r, "document", "failed", "not a JSON object");
		return -1;
	}
	if (!json_is_string(json_object_get(doc, "format")) ||
	    strcmp(json_string_value(json_object_get(doc, "format")), YH_DOCUMENT_FORMAT) != 0) {
		yh_report_check(r, "document", "failed", "format is not \"%s\"", YH_DOCUMENT_FORMAT);
		return -1;
	}
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		json_t *v = yh_json_path(doc, need[i].a, need[i].b);

		if (!v || (int)json_typeof(v) != need[i].type) {
			yh_report_check(r, "document", "failed", "member %s%s%s is missing or of the wrong type", need[i].a,
			      need[i].b ? "." : "", need[i].b ? need[i].b : "");
			return -1;
		}
	}
	yh_report_check(r, "document", "passed", "%s for task '%s' of %s", YH_DOCUMENT_FORMAT,
	      json_string_value(json_object_get(doc, "task_id")),
	      json_string_value(json_object_get(doc, "department")));
	return 0;
}

/* The first place two arrays of results differ, described by the entity id there. */
static void describe_difference(char *buf, size_t size, json_t *want, json_t *got, const char *what)
{
	size_t i, n = json_array_size(want) > json_array_size(got) ? json_array_size(want)
	                                                            : json_array_size(got);

	for (i = 0; i < n; i++) {
		json_t *a = json_array_get(want, i), *b = json_array_get(got, i);

		if (!a || !b || !json_equal(a, b)) {
			const char *ida = json_string_value(json_object_get(a, "id"));
			const char *idb = json_string_value(json_object_get(b, "id"));
			const char *key = json_string_value(json_object_get(a, "key"));

			if (key)
				snprintf(buf, size, "%s: stratum '%s' differs from the replay", what, key);
			else if (ida && idb && strcmp(ida, idb) == 0)
				snprintf(buf, size, "%s #%zu ('%s') differs from the replay (ticket, team or name)",
				         what, i + 1, ida);
			else
				snprintf(buf, size, "%s #%zu: the document has '%s', the replay gives '%s'", what,
				         i + 1, idb ? idb : "(none)", ida ? ida : "(none)");
			return;
		}
	}
	snprintf(buf, size, "%s differ", what);
}

/* ---- reading canonical register files --------------------------------------------------- */

typedef int (*row_fn)(void *ctx, const char *const *row, uint64_t line);

/* Reads a canonical register file (yaohao export): header exactly the column names. */
static int read_register(const char *path, yh_register_kind kind, row_fn fn, void *ctx,
                         char *err, size_t errsize)
{
	const yh_register_column *cols;
	const char *row[16];
	size_t n = yh_register_columns(&cols, kind), i;
	yh_csv *csv = NULL;
	int r, rc = YH_OK;

	if ((rc = yh_csv_open(&csv, path, NULL)) < 0) {
		snprintf(err, errsize, "%s", yh_error_message());
		return rc;
	}
	r = yh_csv_next(csv);
	if (r <= 0 || yh_csv_nfields(csv) != n) {
		snprintf(err, errsize, "%s:1: the header is not that of the canonical %s file (the "
		         "register as exported)", path, yh_register_name(kind));
		rc = YH_EDATA;
		goto done;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(yh_csv_field(csv, i, NULL), cols[i].name) != 0) {
			snprintf(err, errsize, "%s:1: column %zu is '%s', the canonical %s file has '%s'", path,
			         i + 1, yh_csv_field(csv, i, NULL), yh_register_name(kind), cols[i].name);
			rc = YH_EDATA;
			goto done;
		}
	}
	while ((r = yh_csv_next(csv)) > 0) {
		if (yh_csv_nfields(csv) != n) {
			snprintf(err, errsize, "%s:%llu: %zu fields, the header has %zu", path,
			         (unsigned long long)yh_csv_line(csv), yh_csv_nfields(csv), n);
			rc = YH_EDATA;
			goto done;
		}
		for (i = 0; i < n; i++)
			row[i] = yh_csv_field(csv, i, NULL);
		if ((rc = fn(ctx, row, yh_csv_line(csv))) < 0) {
			snprintf(err, errsize, "%s:%llu: %s", path, (unsigned long long)yh_csv_line(csv),
			         yh_error_message());
			goto done;
		}
	}
	if (r < 0) {
		snprintf(err, errsize, "%s", yh_error_message());
		rc = r;
	}
done:
	yh_csv_free(csv);
	return rc;
}

typedef struct {
	char id[24];
	unsigned char leaf[32];
} leaf_entry;

typedef struct {
	yh_frozen *f;
	yh_selector *sel;
	leaf_entry *leaves;
	size_t n, cap;
} entity_reader;

static int entity_row(void *ctx, const char *const *row, uint64_t line)
{
	entity_reader *er = ctx;
	unsigned char buf[8192];
	size_t len;

	(void)line;
	if (!yh_frozen_entity_eligible(er->f, row))
		return 0;
	if (strlen(row[YH_E_ID]) >= sizeof(er->leaves[0].id))
		return yh_error_set(YH_EDATA, "entity id is too long: '%s'", row[YH_E_ID]);
	if (!(len = yh_merkle_encode_row(buf, sizeof(buf), row, YH_E_COLUMNS)))
		return yh_error_set(YH_EDATA, "entity row is too long: '%s'", row[YH_E_ID]);
	if (er->n == er->cap) {
		size_t cap = er->cap ? er->cap * 2 : 4096;
		leaf_entry *p = realloc(er->leaves, cap * sizeof(*p));

		if (!p)
			return yh_error_set(YH_ENOMEM, "out of memory");
		er->leaves = p;
		er->cap = cap;
	}
	strcpy(er->leaves[er->n].id, row[YH_E_ID]);
	yh_merkle_leaf_hash(er->leaves[er->n].leaf, buf, len);
	er->n++;
	return yh_selector_add(er->sel, row);
}

static int cmp_leaf(const void *a, const void *b)
{
	return strcmp(((const leaf_entry *)a)->id, ((const leaf_entry *)b)->id);
}

static int officer_row(void *ctx, const char *const *row, uint64_t line)
{
	(void)line;
	return yh_frozen_add_officer(ctx, row);
}

static int conflict_row(void *ctx, const char *const *row, uint64_t line)
{
	(void)line;
	/* canonical conflicts: inspector_id, entity_id, reason */
	return yh_frozen_add_recusal(ctx, row[1], row[0], row[2]);
}

static void check_root(yh_report *r, const char *name, json_t *obj, const unsigned char root[32],
                       uint64_t count, const char *path)
{
	unsigned char want[32];
	char hex[65];

	yh_hex(hex, root, 32);
	if (yh_get_hex(want, 32, json_object_get(obj, "root")) != 0 || memcmp(want, root, 32) != 0)
		yh_report_check(r, name, "failed", "'%s' gives root %.16s…, the document commits to %.16s…", path, hex,
		      json_string_value(json_object_get(obj, "root")));
	else if ((uint64_t)json_integer_value(json_object_get(obj, "count")) != count)
		yh_report_check(r, name, "failed", "'%s' gives %llu rows, the document %lld", path,
		      (unsigned long long)count, (long long)json_integer_value(json_object_get(obj, "count")));
	else
		yh_report_check(r, name, "passed", "'%s' gives the committed root and count (%llu)", path,
		      (unsigned long long)count);
}

/* ---- the checks that need no register file --------------------------------------------- */

static int cmp_ticket_id(const unsigned char *ta, const char *ia, const unsigned char *tb, const char *ib)
{
	int c = memcmp(ta, tb, 32);

	return c ? c : strcmp(ia, ib);
}

/* The sizes the task's rules give each stratum of the stated population, the rate text they
 * name, and the load cap the task fixes (docs/spec.md §5); 0, or -1 with why filled in. */
static int check_sizes(char *why, size_t size, const yh_frozen *f)
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
	if (f->task->load_cap && f->load_cap != f->task->load_cap) {
		snprintf(why, size, "the load cap is %llu; the task fixes it at %llu",
		         (unsigned long long)f->load_cap, (unsigned long long)f->task->load_cap);
		return -1;
	}
	return 0;
}

/* Tickets, pair tickets and the selection rules the document states about itself. */
static void check_internal(yh_report *r, json_t *doc, yh_frozen *f, const unsigned char seed[32])
{
	json_t *selected = json_object_get(doc, "selected"), *reserves = json_object_get(doc, "reserves");
	json_t *e, *m;
	size_t i, j, nteams = 0, bad_tickets = 0, bad_pairs = 0;
	unsigned char t[32], prev[32], cut[32];
	const char *prev_id = NULL, *fault = NULL;
	uint64_t *count = calloc(f->nstrata + 1, sizeof(uint64_t)), *rcount = calloc(f->nstrata + 1, sizeof(uint64_t));
	char why[512] = "", first_bad[160] = "", sizes[512];
	json_t *load = json_object();

	if (!count || !rcount || !load)
		goto done;
	if (check_sizes(sizes, sizeof(sizes), f) < 0)
		fault = sizes;
	json_array_foreach(selected, i, e) {
		const char *id = json_string_value(json_object_get(e, "id"));
		yh_stratum *st = id ? yh_frozen_stratum(f, json_string_value(json_object_get(e, "stratum")) ?
		                                        json_string_value(json_object_get(e, "stratum")) : "") : NULL;
		unsigned char have[32];

		if (!id || !st || yh_get_hex(have, 32, json_object_get(e, "ticket")) != 0 ||
		    json_integer_value(json_object_get(e, "rank")) != (json_int_t)(i + 1)) {
			snprintf(why, sizeof(why), "selected #%zu is malformed (id, stratum, ticket or rank)", i + 1);
			goto bad;
		}
		yh_ticket(t, seed, id);
		if (memcmp(t, have, 32) != 0 && !bad_tickets++)
			snprintf(first_bad, sizeof(first_bad), "selected '%s'", id);
		if (prev_id && cmp_ticket_id(prev, prev_id, have, id) >= 0 && !fault)
			fault = "the selected entities are not in ticket order";
		memcpy(prev, have, 32);
		prev_id = id;
		count[st - f->strata]++;
		{
			json_t *c = json_object_get(json_array_get(json_object_get(doc, "strata"),
			                                           (size_t)(st - f->strata)), "cutoff");

			if (!json_is_null(c) && (yh_get_hex(cut, 32, c) != 0 || memcmp(have, cut, 32) >= 0) && !fault)
				fault = "a selected ticket is not below its stratum's cutoff";
		}
		/* the team */
		{
			json_t *team = json_object_get(e, "team");
			unsigned char pprev[32];
			size_t q;

			if (!json_is_array(team) || json_array_size(team) != f->task->team_size) {
				snprintf(why, sizeof(why), "the team of '%s' does not have %u members", id,
				         f->task->team_size);
				goto bad;
			}
			nteams++;
			json_array_foreach(team, j, m) {
				const char *oid = json_string_value(json_object_get(m, "id"));
				const char *role = json_string_value(json_object_get(m, "role"));
				unsigned char pt[32];
				json_t *l;

				if (!oid || !role || yh_get_hex(have, 32, json_object_get(m, "pair_ticket")) != 0) {
					snprintf(why, sizeof(why), "a member of the team of '%s' is malformed", id);
					goto bad;
				}
				yh_pair_ticket(pt, seed, id, oid);
				if (memcmp(pt, have, 32) != 0 && !bad_pairs++ && !*first_bad)
					snprintf(first_bad, sizeof(first_bad), "the pair ticket of '%s' with '%s'", id, oid);
				if (strcmp(role, j == 0 ? "leader" : "member") != 0 && !fault)
					fault = "a team's first member is not its only leader";
				if (j > 0 && memcmp(pprev, have, 32) >= 0 && !fault)
					fault = "a team's members are not in pair-ticket order";
				memcpy(pprev, have, 32);
				for (q = 0; q < j; q++)
					if (strcmp(json_string_value(json_object_get(json_array_get(team, q), "id")), oid) == 0 && !fault)
						fault = "an officer appears twice in one team";
				l = json_object_get(load, oid);
				json_object_set_new(load, oid, json_integer(l ? json_integer_value(l) + 1 : 1));
				if ((uint64_t)json_integer_value(json_object_get(load, oid)) > f->load_cap && !fault)
					fault = "an officer's load exceeds the load cap";
			}
		}
	}
	json_array_foreach(reserves, i, e) {
		const char *id = json_string_value(json_object_get(e, "id"));
		const char *sk = json_string_value(json_object_get(e, "stratum"));
		yh_stratum *st = sk ? yh_frozen_stratum(f, sk) : NULL;
		unsigned char have[32];
		json_t *c;

		if (!id || !st || yh_get_hex(have, 32, json_object_get(e, "ticket")) != 0) {
			snprintf(why, sizeof(why), "reserve #%zu is malformed", i + 1);
			goto bad;
		}
		yh_ticket(t, seed, id);
		if (memcmp(t, have, 32) != 0 && !bad_tickets++)
			snprintf(first_bad, sizeof(first_bad), "reserve '%s'", id);
		rcount[st - f->strata]++;
		if (json_integer_value(json_object_get(e, "order")) != (json_int_t)rcount[st - f->strata] && !fault)
			fault = "the reserves are not numbered 1, 2, … within their stratum";
		c = json_object_get(json_array_get(json_object_get(doc, "strata"), (size_t)(st - f->strata)),
		                    "cutoff");
		if ((yh_get_hex(cut, 32, c) != 0 || memcmp(have, cut, 32) < 0) && !fault)
			fault = "a reserve's ticket is below its stratum's cutoff";
	}
	for (i = 0; i < f->nstrata && !fault; i++) {
		if (count[i] != f->strata[i].k)
			fault = "a stratum has a different number of selected entities than it states";
		else if (rcount[i] != f->strata[i].reserves)
			fault = "a stratum has a different number of reserves than it states";
	}
	if (bad_tickets || bad_pairs)
		yh_report_check(r, "tickets", "failed", "%zu ticket(s) and %zu pair ticket(s) do not follow from the "
		      "seed; the first: %s", bad_tickets, bad_pairs, first_bad);
	else
		yh_report_check(r, "tickets", "passed", "all %zu tickets of selected entities and reserves, and the "
		      "pair tickets of all %zu teams, follow from the seed", json_array_size(selected) +
		      json_array_size(reserves), nteams);
	if (fault)
		yh_report_check(r, "selection rules", "failed", "%s", fault);
	else
		yh_report_check(r, "selection rules", "passed", "per stratum: k selected below the cutoff, r reserves "
		      "at or above it in order; teams of %u led by the lowest pair ticket; load at most %llu",
		      f->task->team_size, (unsigned long long)f->load_cap);
	goto done;
bad:
	yh_report_check(r, "selection rules", "failed", "%s", why);
done:
	free(count);
	free(rcount);
	json_decref(load);
}

/* ---- verify ---------------------------------------------------------------------------- */

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

/* Compares each replayed selected entity with the document's, as the replay makes them. */
typedef struct {
	json_t *doc_selected;
	int teams;
	size_t count;
	char diff[512];
} comparer;

static int compare_entry(void *ctx, json_t *entry)
{
	comparer *c = ctx;
	json_t *theirs = json_array_get(c->doc_selected, c->count), *copy = NULL;
	const char *mine = json_string_value(json_object_get(entry, "id"));

	c->count++;
	if (*c->diff)
		return 0;
	if (theirs && !c->teams) {
		copy = json_deep_copy(theirs);
		json_object_del(copy, "team");
		theirs = copy;
	}
	if (!theirs || !json_equal(theirs, entry)) {
		const char *other = json_string_value(json_object_get(theirs, "id"));

		if (other && strcmp(other, mine) == 0)
			snprintf(c->diff, sizeof(c->diff), "selected #%zu ('%s') differs from the replay "
			         "(ticket, team or name)", c->count, mine);
		else
			snprintf(c->diff, sizeof(c->diff), "selected #%zu: the document has '%s', the replay "
			         "gives '%s'", c->count, other ? other : "(none)", mine);
	}
	json_decref(copy);
	return 0;
}

static int compare_selected(void *ctx, const yh_selected *e)
{
	json_t *entry = yh_selected_json(e);
	int rc;

	if (!entry)
		return yh_error_set(YH_ENOMEM, "out of memory");
	rc = compare_entry(ctx, entry);
	json_decref(entry);
	return rc;
}

static void replay_registers(yh_report *r, json_t *doc, yh_frozen *f, const unsigned char seed[32],
                             const yh_verify_inputs *in)
{
	entity_reader er;
	comparer cmp;
	yh_merkle *m = NULL;
	json_t *strata = NULL, *reserves = NULL;
	const yh_selection *selection;
	char err[1024] = "", diff[512];
	unsigned char root[32];
	int teams = 0, officers_ok = 0;
	size_t i;

	memset(&er, 0, sizeof(er));
	memset(&cmp, 0, sizeof(cmp));
	if (in->inspectors) {
		if (read_register(in->inspectors, YH_REGISTER_INSPECTORS, officer_row, f, err, sizeof(err)) < 0 ||
		    yh_frozen_finish_officers(f) < 0) {
			yh_report_check(r, "officer register", "failed", "%s", *err ? err : yh_error_message());
		} else {
			size_t before = (size_t)r->failed;

			check_root(r, "officer register", json_object_get(doc, "inspectors"), f->officer_root,
			           f->nofficers, in->inspectors);
			officers_ok = (size_t)r->failed == before;
		}
	} else {
		yh_report_skip(r, "officer register", YH_HINT_GIVE_INSPECTORS, "no officer register file given");
	}
	*err = '\0';
	if (in->conflicts) {
		if (read_register(in->conflicts, YH_REGISTER_CONFLICTS, conflict_row, f, err, sizeof(err)) < 0 ||
		    yh_frozen_add_recent(f, yh_json_path(doc, "recusals", "recent_pairs")) < 0 ||
		    yh_frozen_finish_recusals(f) < 0) {
			yh_report_check(r, "recusals", "failed", "%s", *err ? err : yh_error_message());
			officers_ok = 0;
		} else {
			size_t before = (size_t)r->failed;

			check_root(r, "recusals", json_object_get(doc, "recusals"), f->recusal_root, f->nrecusals,
			           in->conflicts);
			officers_ok = officers_ok && (size_t)r->failed == before;
		}
	} else {
		yh_report_skip(r, "recusals", YH_HINT_GIVE_CONFLICTS, "no conflicts file given");
		officers_ok = 0;
	}
	if (!in->entities) {
		yh_report_skip(r, "entity register", YH_HINT_GIVE_ENTITIES, "no entity register file given");
		yh_report_skip(r, "selection replay", YH_HINT_GIVE_ENTITIES, "needs the entity register file");
		return;
	}
	teams = officers_ok;
	*err = '\0';
	er.f = f;
	if (yh_selector_new(&er.sel, f, seed, 0, NULL, NULL) < 0 ||
	    read_register(in->entities, YH_REGISTER_ENTITIES, entity_row, &er, err, sizeof(err)) < 0) {
		yh_report_check(r, "entity register", "failed", "%s", *err ? err : yh_error_message());
		goto done;
	}
	/* a canonical file is in id order already; only a reordered one needs sorting */
	for (i = 1; i < er.n && strcmp(er.leaves[i - 1].id, er.leaves[i].id) < 0; i++)
		;
	if (i < er.n)
		qsort(er.leaves, er.n, sizeof(*er.leaves), cmp_leaf);
	for (i = 1; i < er.n; i++) {
		if (strcmp(er.leaves[i - 1].id, er.leaves[i].id) == 0) {
			yh_report_check(r, "entity register", "failed", "'%s': entity '%s' appears twice", in->entities,
			      er.leaves[i].id);
			goto done;
		}
	}
	if (yh_merkle_new(&m) < 0)
		goto done;
	for (i = 0; i < er.n; i++)
		yh_merkle_add_hash(m, er.leaves[i].leaf);
	yh_merkle_root(root, m);
	{
		size_t before = (size_t)r->failed;

		check_root(r, "entity register", json_object_get(doc, "entities"), root, er.n, in->entities);
		if ((size_t)r->failed != before) {
			yh_report_skip(r, "selection replay", YH_HINT_NONE, "the entity register does not match the commitment");
			goto done;
		}
	}
	cmp.doc_selected = json_object_get(doc, "selected");
	cmp.teams = teams;
	if (yh_selector_finish(&selection, er.sel, teams, compare_selected, &cmp) < 0) {
		yh_report_check(r, "selection replay", "failed", "%s", yh_error_message());
		goto done;
	}
	strata = yh_selection_strata_json(selection);
	reserves = yh_selection_reserves_json(selection);
	if (!*cmp.diff && cmp.count != json_array_size(cmp.doc_selected))
		snprintf(cmp.diff, sizeof(cmp.diff), "the replay selects %zu entities, the document lists %zu",
		         cmp.count, json_array_size(cmp.doc_selected));
	if (*cmp.diff) {
		yh_report_check(r, "selection replay", "failed", "%s", cmp.diff);
	} else if (!json_equal(strata, json_object_get(doc, "strata"))) {
		describe_difference(diff, sizeof(diff), strata, json_object_get(doc, "strata"), "strata");
		yh_report_check(r, "selection replay", "failed", "%s", diff);
	} else if (!json_equal(reserves, json_object_get(doc, "reserves"))) {
		describe_difference(diff, sizeof(diff), reserves, json_object_get(doc, "reserves"), "reserves");
		yh_report_check(r, "selection replay", "failed", "%s", diff);
	} else {
		yh_report_check(r, "selection replay", "passed", "the %zu selected entities%s, the cutoffs and "
		                "the %zu reserves are exactly what the register%s give%s, in any row order",
		                cmp.count, teams ? " with their teams" : "", json_array_size(reserves),
		                teams ? "s" : "", teams ? "" : "s");
	}
	if (!teams)
		yh_report_skip(r, "team replay", !in->inspectors ? YH_HINT_GIVE_INSPECTORS : !in->conflicts ?
		               YH_HINT_GIVE_CONFLICTS : YH_HINT_NONE,
		               "needs the officer register and conflicts files that match the document");
done:
	yh_selector_free(er.sel);
	yh_merkle_free(m);
	free(er.leaves);
	json_decref(strata);
	json_decref(reserves);
}

int yh_document_verify(json_t **out, const char *path, const yh_verify_inputs *inputs)
{
	static const yh_verify_inputs none;
	const yh_verify_inputs *in = inputs ? inputs : &none;
	yh_report r = { json_array(), json_array(), 0 };
	json_t *doc = NULL, *unsigned_doc = NULL;
	yh_task *task = NULL;
	yh_frozen f;
	json_error_t jerr;
	unsigned char pk[32], pin[32], sig[64], digest[32], want[32], secret[32], seed[32],
	              eroot[32], oroot[32], rroot[32];
	char *text = NULL, *canonical = NULL, *task_text = NULL, id[YH_KEY_ID_CHARS + 1];
	const char *value;
	size_t len;
	int rc, core_ok = 0;

	*out = NULL;
	memset(&f, 0, sizeof(f));
	if (!r.checks || !r.guarantees) {
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = yh_read_file(&text, &len, path, 1u << 30)) < 0)
		goto done;
	if (!(doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr))) {
		rc = yh_error_set(YH_EDATA, "%s:%d:%d: not a JSON document: %s", path, jerr.line,
		                  jerr.column, jerr.text);
		goto done;
	}
	rc = YH_OK;
	if (shape(&r, doc) < 0)
		goto finish;

	/* signature over the JCS bytes of the document without its signature */
	unsigned_doc = json_deep_copy(doc);
	json_object_del(unsigned_doc, "signature");
	if (yh_get_hex(pk, 32, yh_json_path(doc, "signer", "public_key")) != 0 ||
	    yh_get_hex(sig, 64, json_object_get(doc, "signature")) != 0) {
		yh_report_check(&r, "signature", "failed", "the public key or the signature is not lower-case hex of "
		      "the right length");
	} else if (yh_jcs_dump(&canonical, unsigned_doc) < 0) {
		yh_report_check(&r, "signature", "failed", "the document cannot be put in canonical form: %s",
		      yh_error_message());
	} else if (yh_key_verify(sig, pk, canonical, strlen(canonical)) != YH_OK) {
		yh_report_check(&r, "signature", "failed", "the Ed25519 signature does not match the document: it "
		      "was changed after signing, or signed by another key");
	} else {
		yh_key_id_of(id, pk);
		if (strcmp(id, json_string_value(yh_json_path(doc, "signer", "key_id"))) != 0)
			yh_report_check(&r, "signature", "failed", "signer.key_id is not the id of signer.public_key (%s)", id);
		else
			yh_report_check(&r, "signature", "passed", "Ed25519 over the canonical (JCS) document, key %s", id);
	}
	if (in->public_key) {
		if (yh_key_read_public(pin, in->public_key) < 0)
			yh_report_check(&r, "signer key", "failed", "%s", yh_error_message());
		else if (sodium_memcmp(pin, pk, 32) != 0)
			yh_report_check(&r, "signer key", "failed", "the document is signed by key %s, not by the key given",
			      json_string_value(yh_json_path(doc, "signer", "key_id")));
		else
			yh_report_check(&r, "signer key", "passed", "signed by the key given");
	} else {
		yh_report_skip(&r, "signer key", YH_HINT_GIVE_PUBLIC_KEY, "no public key given: the signature shows the document is "
		      "intact, not whose key signed it");
	}

	/* the task and its digest */
	if (yh_jcs_dump(&task_text, json_object_get(doc, "task")) < 0 ||
	    yh_task_parse(&task, task_text, strlen(task_text), "task") < 0) {
		yh_report_check(&r, "task digest", "failed", "the task is not a valid task: %s", yh_error_message());
		goto finish;
	}
	yh_task_digest(digest, task);
	if (strcmp(yh_task_canonical(task), task_text) != 0)
		yh_report_check(&r, "task digest", "failed", "the task is not in its normalised form");
	else if (yh_get_hex(want, 32, json_object_get(doc, "task_digest")) != 0 || memcmp(want, digest, 32) != 0)
		yh_report_check(&r, "task digest", "failed", "task_digest is not the digest of the task");
	else if (strcmp(yh_task_id(task), json_string_value(json_object_get(doc, "task_id"))) != 0)
		yh_report_check(&r, "task digest", "failed", "task_id is not the task's id");
	else
		yh_report_check(&r, "task digest", "passed", "the task '%s' hashes to task_digest", yh_task_id(task));

	/* commitment and seed */
	value = json_string_value(json_object_get(doc, "entropy_value"));
	if (yh_get_hex(secret, 32, json_object_get(doc, "secret")) != 0 ||
	    yh_get_hex(want, 32, json_object_get(doc, "commitment")) != 0) {
		yh_report_check(&r, "commitment", "failed", "the secret or the commitment is not 32 bytes of hex");
		goto finish;
	}
	yh_commitment(digest, secret);
	if (memcmp(digest, want, 32) != 0)
		yh_report_check(&r, "commitment", "failed", "the revealed secret does not open the commitment");
	else
		yh_report_check(&r, "commitment", "passed", "the revealed secret opens the commitment %.16s…",
		      json_string_value(json_object_get(doc, "commitment")));
	yh_task_digest(digest, task);
	if (yh_get_hex(eroot, 32, yh_json_path(doc, "entities", "root")) != 0 ||
	    yh_get_hex(oroot, 32, yh_json_path(doc, "inspectors", "root")) != 0 ||
	    yh_get_hex(rroot, 32, yh_json_path(doc, "recusals", "root")) != 0 ||
	    yh_get_hex(want, 32, json_object_get(doc, "seed")) != 0) {
		yh_report_check(&r, "seed", "failed", "a root or the seed is not 32 bytes of hex");
		goto finish;
	}
	yh_seed_derive(seed, digest, eroot, oroot, rroot, secret, value);
	if (memcmp(seed, want, 32) != 0) {
		yh_report_check(&r, "seed", "failed", "the seed is not SHA-256 of the task digest, the three roots, "
		      "the secret and the entropy value");
		goto finish;
	}
	yh_report_check(&r, "seed", "passed", "derived from the task digest, the three register roots, the "
	      "secret and the entropy value \"%s\"", value);

	/* tickets and the rules the document states */
	f.task = task;
	f.load_cap = (uint64_t)json_integer_value(json_object_get(doc, "load_cap"));
	if (yh_frozen_strata_from_json(&f, json_object_get(doc, "strata")) < 0 ||
	    yh_frozen_load_excluded(&f, NULL, yh_json_path(doc, "entities", "excluded")) < 0) {
		yh_report_check(&r, "selection rules", "failed", "%s", yh_error_message());
		goto finish;
	}
	core_ok = r.failed == 0;
	check_internal(&r, doc, &f, seed);
	core_ok = core_ok && r.failed == 0;
	replay_registers(&r, doc, &f, seed, in);

finish:
	if (r.failed == 0 && core_ok) {
		yh_report_guarantee(&r, "the published tickets, selection and teams follow from the seed, and the "
		          "seed from the committed task and registers, the revealed secret and the public "
		          "value");
		if (is_placeholder_source(json_string_value(json_object_get(doc, "entropy_source"))))
			yh_report_guarantee(&r, "NOT guaranteed: no external entropy source was named (\"%s\"): the "
			          "department knew every input and could have retried the draw until it liked "
			          "the result", json_string_value(json_object_get(doc, "entropy_source")));
		else
			yh_report_guarantee(&r, "the department could not choose the outcome after committing, provided "
			          "the announcement (commitment %.16s…) was public before \"%s\" was known and "
			          "\"%s\" is what that source published: check both independently",
			          json_string_value(json_object_get(doc, "commitment")),
			          json_string_value(json_object_get(doc, "entropy_source")),
			          json_string_value(json_object_get(doc, "entropy_value")));
		if (!in->entities)
			yh_report_guarantee(&r, "not checked: that every eligible entity took part (the published entity "
			          "register was not given)");
		if (!in->inspectors || !in->conflicts)
			yh_report_guarantee(&r, "not checked: the teams against the officer register and recusals (the "
			          "published officer register and conflicts were not both given)");
		if (!in->public_key)
			yh_report_guarantee(&r, "not checked: whose key signed (the department's published public key was "
			          "not given)");
	} else {
		yh_report_guarantee(&r, "nothing is guaranteed: %d check(s) failed", r.failed ? r.failed : 1);
	}
	*out = json_pack("{s:b, s:s, s:O, s:O}", "ok", r.failed == 0 && core_ok, "document", path,
	                 "checks", r.checks, "guarantees", r.guarantees);
	if (!*out)
		rc = yh_error_set(YH_ENOMEM, "out of memory");
done:
	json_decref(r.checks);
	json_decref(r.guarantees);
	json_decref(doc);
	json_decref(unsigned_doc);
	yh_frozen_clear(&f);
	yh_task_free(task);
	free(text);
	free(canonical);
	free(task_text);
	return rc;
}
