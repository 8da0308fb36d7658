/* document_replay.c — the checks of a draw document against the published register files
 * (docs/spec.md §13): their roots and counts against the commitment, and the selection (with the
 * teams when the officer files match) replayed and compared with the document, in any row order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "yaohao/csv.h"
#include "yaohao/merkle.h"
#include "yaohao/register.h"
#include "draw.h"
#include "draw_doc.h"
#include "csv_private.h"
#include "keyed_root.h"
#include "merkle_private.h"
#include "row_hasher.h"
#include "verify.h"
#include "error.h"

/* ---- reading canonical register files --------------------------------------------------- */

/* A register given as a file or as bytes held in memory; name NULL when not given. */
typedef struct {
	const char *name, *path, *data;
	size_t len;
} input;

static input input_of(const yh_verify_inputs *in, yh_register_kind kind)
{
	input i = { NULL, in->conflicts, in->conflicts_data, in->conflicts_len };

	if (kind == YH_REGISTER_ENTITIES)
		i = (input){ NULL, in->entities, in->entities_data, in->entities_len };
	else if (kind == YH_REGISTER_INSPECTORS)
		i = (input){ NULL, in->inspectors, in->inspectors_data, in->inspectors_len };
	i.name = i.path ? i.path : i.data ? yh_register_name(kind) : NULL;
	return i;
}

const char *yh_verify_input_name(const yh_verify_inputs *in, yh_register_kind kind)
{
	return input_of(in, kind).name;
}

/* A row's fields and their lengths (the CSV reader's: no NUL inside a field, so each is also
 * strlen of the field). */
typedef int (*row_fn)(void *ctx, const char *const *row, const size_t *lens);

/* Reads a canonical register file (a register export): header exactly the column names.  fn
 * returns <0 on a fault (reported in err), >0 to stop reading (returned as it is), 0 to go on. */
static int read_register(const yh_verify_inputs *in, yh_register_kind kind, row_fn fn, void *ctx,
                         char *err, size_t errsize)
{
	input src = input_of(in, kind);
	const char *name = src.name, *row[16];
	size_t lens[16];
	const yh_register_column *cols;
	size_t n = yh_register_columns(&cols, kind), i;
	yh_csv *csv = NULL;
	int r, rc;

	rc = src.path ? yh_csv_open(&csv, src.path, NULL)
	              : yh_csv_open_buffer(&csv, src.data, src.len, src.name, NULL);
	if (rc < 0) {
		snprintf(err, errsize, "%s", yh_error_message());
		return rc;
	}
	yh_csv_no_digest(csv); /* the roots are over the rows; the file's own hash is not used */
	r = yh_csv_next(csv);
	if (r <= 0 || yh_csv_nfields(csv) != n) {
		snprintf(err, errsize, "%s:1: the header is not that of the canonical %s file (the "
		         "register as exported)", name, yh_register_name(kind));
		rc = YH_EDATA;
		goto done;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(yh_csv_field(csv, i, NULL), cols[i].name) != 0) {
			snprintf(err, errsize, "%s:1: column %zu is '%s', the canonical %s file has '%s'", name,
			         i + 1, yh_csv_field(csv, i, NULL), yh_register_name(kind), cols[i].name);
			rc = YH_EDATA;
			goto done;
		}
	}
	while ((r = yh_csv_next(csv)) > 0) {
		if (yh_csv_nfields(csv) != n) {
			snprintf(err, errsize, "%s:%llu: %zu fields, the header has %zu", name,
			         (unsigned long long)yh_csv_line(csv), yh_csv_nfields(csv), n);
			rc = YH_EDATA;
			goto done;
		}
		for (i = 0; i < n; i++)
			row[i] = yh_csv_field(csv, i, &lens[i]);
		if ((rc = fn(ctx, row, lens)) < 0) {
			snprintf(err, errsize, "%s:%llu: %s", name, (unsigned long long)yh_csv_line(csv),
			         yh_error_message());
			goto done;
		}
		if (rc > 0)
			goto done; /* the row function asks to stop here (and says why by the code) */
	}
	if (r < 0) {
		snprintf(err, errsize, "%s", yh_error_message());
		rc = r;
	}
done:
	yh_csv_free(csv);
	return rc;
}

static int officer_row(void *ctx, const char *const *row, const size_t *lens)
{
	(void)lens;
	return yh_frozen_add_officer(ctx, row);
}

static int conflict_row(void *ctx, const char *const *row, const size_t *lens)
{
	(void)lens;
	return yh_frozen_add_conflict(ctx, row);
}

/* "; left out: 3 by status, 1 by certificate expired", or "" when none was. */
static void left_out(char *buf, size_t size, const uint64_t *out)
{
	static const char *const why[YH_OUT_COUNT] = { "", "status", "certificate expired", "department",
	                                               "population filter", "exclusion window" };
	size_t len = 0;
	int k;

	*buf = '\0';
	for (k = 1; k < YH_OUT_COUNT; k++)
		if (out[k] && len < size)
			len += (size_t)snprintf(buf + len, size - len, "%s%llu by %s", len ? ", " : "; left out: ",
			                        (unsigned long long)out[k], why[k]);
}

/* Reports whether a register file gives the root, the row count and the eligible count the
 * document committed to (eligible: (uint64_t)-1 when the register has none); 1 if it does. */
static int check_root(yh_report *r, const char *check, const yh_doc_register *reg,
                      const unsigned char root[32], uint64_t count, uint64_t eligible,
                      const uint64_t *out, const char *name)
{
	char hex[65], want[65], reasons[256] = "";

	yh_hex(hex, root, 32);
	yh_hex(want, reg->root.bytes, 32);
	if (out)
		left_out(reasons, sizeof(reasons), out);
	if (memcmp(reg->root.bytes, root, 32) != 0)
		yh_report_check(r, check, "failed", "'%s' gives root %.16s…, the document commits to %.16s…", name,
		                hex, want);
	else if (reg->count != count)
		yh_report_check(r, check, "failed", "'%s' gives %llu rows, the document %llu", name,
		                (unsigned long long)count, (unsigned long long)reg->count);
	else if (eligible != (uint64_t)-1 && reg->eligible != eligible)
		yh_report_check(r, check, "failed", "'%s' has %llu eligible rows by the task's rules, the "
		                "document states %llu%s", name, (unsigned long long)eligible,
		                (unsigned long long)reg->eligible, reasons);
	else if (eligible != (uint64_t)-1)
		yh_report_check(r, check, "passed", "'%s' gives the committed root and count (%llu rows, %llu "
		                "eligible%s)", name, (unsigned long long)count, (unsigned long long)eligible,
		                reasons);
	else
		yh_report_check(r, check, "passed", "'%s' gives the committed root and count (%llu)", name,
		                (unsigned long long)count);
	return memcmp(reg->root.bytes, root, 32) == 0 && reg->count == count &&
	       (eligible == (uint64_t)-1 || reg->eligible == eligible);
}

/* With the eligible officers known, the load cap the task left to the default (§5). */
static void check_load_cap(yh_report *r, const yh_draw_doc *doc, const yh_frozen *f)
{
	uint64_t k = 0, cap;
	size_t i;

	for (i = 0; i < f->nstrata; i++)
		k += f->strata[i].k;
	if (f->task->load_cap) {
		yh_report_check(r, "load cap", f->load_cap == f->task->load_cap ? "passed" : "failed",
		                "the task fixes it at %llu; the document states %llu",
		                (unsigned long long)f->task->load_cap, (unsigned long long)doc->load_cap);
		return;
	}
	cap = yh_team_default_cap(f, k);
	if (cap != doc->load_cap)
		yh_report_check(r, "load cap", "failed", "the default for %llu selected and %zu eligible officers "
		                "is %llu; the document states %llu", (unsigned long long)k, f->nofficers,
		                (unsigned long long)cap, (unsigned long long)doc->load_cap);
	else
		yh_report_check(r, "load cap", "passed", "%llu, the default for %llu selected and %zu eligible "
		                "officers (docs/spec.md §5)", (unsigned long long)cap, (unsigned long long)k,
		                f->nofficers);
}

int yh_document_replay_officers(yh_report *r, const yh_draw_doc *doc, yh_frozen *f, const yh_verify_inputs *in)
{
	const char *inspectors = yh_verify_input_name(in, YH_REGISTER_INSPECTORS);
	const char *conflicts = yh_verify_input_name(in, YH_REGISTER_CONFLICTS);
	char err[1024] = "";
	int ok = 0;

	if (!inspectors)
		yh_report_skip(r, "officer register", YH_HINT_GIVE_INSPECTORS, "no officer register file given");
	else if (read_register(in, YH_REGISTER_INSPECTORS, officer_row, f, err, sizeof(err)) < 0 ||
	         yh_frozen_finish_officers(f) < 0)
		yh_report_check(r, "officer register", "failed", "%s", *err ? err : yh_error_message());
	else if ((ok = check_root(r, "officer register", &doc->inspectors, f->officer_root,
	                          f->nofficer_rows, f->nofficers, f->officers_out, inspectors)))
		check_load_cap(r, doc, f);
	*err = '\0';
	if (!conflicts) {
		yh_report_skip(r, "conflicts", YH_HINT_GIVE_CONFLICTS, "no conflicts file given");
		return 0;
	}
	if (read_register(in, YH_REGISTER_CONFLICTS, conflict_row, f, err, sizeof(err)) < 0 ||
	    yh_draw_doc_add_recent(f, doc) < 0 || yh_frozen_finish_recusals(f) < 0) {
		yh_report_check(r, "conflicts", "failed", "%s", *err ? err : yh_error_message());
		return 0;
	}
	return check_root(r, "conflicts", &doc->conflicts, f->conflict_root, f->nconflict_rows,
	                  (uint64_t)-1, NULL, conflicts) && ok;
}

/* ---- the entity register ---------------------------------------------------------------- */

/* The entity register is the one that grows to millions of rows: its root is folded as the
 * rows arrive (keyed_root.c), so memory stays O(log n) for a file in id order and bounded for
 * one in any other order; the selection keeps only its per-stratum heaps (select.c). */
typedef struct {
	yh_frozen *f;
	const unsigned char *seed;
	yh_selector *sel;            /* tickets and heaps, on a worker of its own */
	yh_keyed_root *root;
	yh_row_hasher *hasher;       /* leaves and nodes, on another worker */
	yh_keyed_mode mode;
	char prev[YH_KEY_MAX];       /* streaming: the id before, to stop at once on disorder */
	uint64_t rows, eligible, out[YH_OUT_COUNT];
} entity_reader;

/* Each row: its leaf for the root; each eligible one into the selection.  A row out of id order
 * while streaming stops the read (YH_KEYED_DISORDER) so that it can start again sorting. */
static int entity_row(void *ctx, const char *const *row, const size_t *lens)
{
	entity_reader *er = ctx;
	yh_out_reason why;
	size_t idlen = lens[YH_E_ID];
	int rc;

	if (idlen >= YH_KEY_MAX)
		return yh_error_set(YH_EDATA, "entity id is too long: '%s'", row[YH_E_ID]);
	if (yh_merkle_encoded_len(lens, YH_E_COLUMNS) > (YH_FIELD_MAX + 4) * YH_E_COLUMNS)
		return yh_error_set(YH_EDATA, "entity row is too long: '%s'", row[YH_E_ID]);
	if (er->mode == YH_KEYED_STREAM) {
		if (er->rows && strcmp(row[YH_E_ID], er->prev) < 0)
			return YH_KEYED_DISORDER;
		memcpy(er->prev, row[YH_E_ID], idlen + 1);
	}
	er->rows++;
	if ((rc = yh_row_hasher_add_fields(er->hasher, row[YH_E_ID], idlen, row, lens, YH_E_COLUMNS)) != YH_OK)
		return rc;
	er->out[why = yh_frozen_entity_reason(er->f, row)]++;
	if (why != YH_ELIGIBLE)
		return 0;
	er->eligible++;
	return yh_selector_add(er->sel, row);
}

/* A fresh root and selector for one pass over the file. */
static int start_pass(entity_reader *er, yh_keyed_mode mode)
{
	yh_row_hasher_free(er->hasher);
	yh_keyed_root_free(er->root);
	yh_selector_free(er->sel);
	er->hasher = NULL;
	er->root = NULL;
	er->sel = NULL;
	er->mode = mode;
	er->rows = er->eligible = 0;
	memset(er->out, 0, sizeof(er->out));
	if (yh_keyed_root_new(&er->root, mode) < 0 || yh_row_hasher_new(&er->hasher, er->root, 0) < 0)
		return YH_ENOMEM;
	return yh_selector_new(&er->sel, er->f, er->seed, 0, NULL, NULL);
}

/* Whether the entity file can be read a second time (a regular file or bytes in memory, not a
 * pipe): only then may the first pass stream and start again sorting if the order breaks. */
static int rereadable(const yh_verify_inputs *in)
{
	struct stat st;

	if (!in->entities)
		return 1;
	return stat(in->entities, &st) == 0 && S_ISREG(st.st_mode);
}

/* Reads the entities into er (the eligible ones into its selector) and checks the root over
 * every row and the counts; 1 when they are what the document committed to. */
static int read_entities(yh_report *r, entity_reader *er, const yh_draw_doc *doc,
                         const yh_verify_inputs *in)
{
	const char *name = yh_verify_input_name(in, YH_REGISTER_ENTITIES);
	yh_keyed_mode mode = rereadable(in) ? YH_KEYED_STREAM : YH_KEYED_SORT;
	unsigned char root[32];
	char err[1024] = "", dup[YH_KEY_MAX];
	uint64_t count;
	int rc, ok;

	for (;;) {
		if ((rc = start_pass(er, mode)) == YH_OK)
			rc = read_register(in, YH_REGISTER_ENTITIES, entity_row, er, err, sizeof(err));
		/* a file in id order is read once; any other order once more, sorting in bounded memory */
		if (rc != YH_KEYED_DISORDER)
			break;
		mode = YH_KEYED_SORT;
		*err = '\0';
	}
	if (rc < 0 || yh_row_hasher_finish(er->hasher) != YH_OK ||
	    yh_keyed_root_finish(er->root, root, &count, dup) < 0) {
		yh_report_check(r, "entity register", "failed", "%s", *err ? err : yh_error_message());
		return 0;
	}
	if (*dup) {
		yh_report_check(r, "entity register", "failed", "'%s': entity '%s' appears twice", name, dup);
		return 0;
	}
	ok = check_root(r, "entity register", &doc->entities, root, count, er->eligible, er->out, name);
	if (!ok)
		yh_report_skip(r, "selection replay", YH_HINT_NONE, "the entity register does not match the "
		               "commitment");
	return ok;
}

/* ---- comparing the replay with the document --------------------------------------------- */

/* A replayed entry is the document's, member by member (the team too when it was replayed). */
static int same_selected(const yh_doc_selected *d, const yh_selected *e, int teams)
{
	size_t i;

	if (d->rank != e->rank || strcmp(d->id, e->id) != 0 || strcmp(d->name, e->name) != 0 ||
	    strcmp(d->stratum, e->stratum->key) != 0 || memcmp(d->ticket, e->ticket, 32) != 0)
		return 0;
	if (!teams)
		return 1;
	if (!e->has_team || d->nteam != e->team.n)
		return 0;
	for (i = 0; i < d->nteam; i++) {
		const yh_doc_member *m = &d->team[i];
		const yh_officer *o = e->team.members[i].officer;

		if (strcmp(m->id, o->row[YH_I_ID]) != 0 || strcmp(m->name, o->row[YH_I_NAME]) != 0 ||
		    strcmp(m->department, o->row[YH_I_DEPARTMENT]) != 0 ||
		    strcmp(m->role, i == 0 ? "leader" : "member") != 0 ||
		    memcmp(m->pair_ticket, e->team.members[i].pair_ticket, 32) != 0)
			return 0;
	}
	return 1;
}

static int same_stratum(const yh_doc_stratum *d, const yh_selection *sel, size_t i)
{
	const yh_stratum *st = &sel->frozen->strata[i];

	return strcmp(d->key, st->key) == 0 && strcmp(d->rate, st->rate) == 0 &&
	       d->population == st->population && d->selected == st->k && d->reserves == st->reserves &&
	       d->has_cutoff == sel->has_cutoff[i] &&
	       (!d->has_cutoff || memcmp(d->cutoff, sel->cutoffs[i], 32) == 0);
}

static int same_reserve(const yh_doc_reserve *d, const yh_reserve *r)
{
	return strcmp(d->stratum, r->stratum->key) == 0 && d->order == r->order &&
	       strcmp(d->id, r->id) == 0 && strcmp(d->name, r->name) == 0 && memcmp(d->ticket, r->ticket, 32) == 0;
}

/* Compares each replayed selected entity with the document's, as the replay makes them. */
typedef struct {
	const yh_draw_doc *doc;
	int teams;
	size_t count;
	char diff[512];
} comparer;

static int compare_selected(void *ctx, const yh_selected *e)
{
	comparer *c = ctx;
	const yh_doc_selected *theirs = c->count < c->doc->nselected ? &c->doc->selected[c->count] : NULL;

	c->count++;
	if (*c->diff || (theirs && same_selected(theirs, e, c->teams)))
		return 0;
	if (theirs && strcmp(theirs->id, e->id) == 0)
		snprintf(c->diff, sizeof(c->diff), "selected #%zu ('%s') differs from the replay (ticket, team "
		         "or name)", c->count, e->id);
	else
		snprintf(c->diff, sizeof(c->diff), "selected #%zu: the document has '%s', the replay gives '%s'",
		         c->count, theirs ? theirs->id : "(none)", e->id);
	return 0;
}

/* The first place the replay's strata or reserves differ from the document's, or "". */
static void results_difference(char *buf, size_t size, const yh_selection *sel, const yh_draw_doc *doc)
{
	size_t i, nstrata = sel->frozen->nstrata, n = nstrata > doc->nstrata ? nstrata : doc->nstrata;

	*buf = '\0';
	for (i = 0; i < n; i++) {
		if (i < nstrata && i < doc->nstrata && same_stratum(&doc->strata[i], sel, i))
			continue;
		if (i < nstrata)
			snprintf(buf, size, "strata: stratum '%.400s' differs from the replay",
			         sel->frozen->strata[i].key);
		else
			snprintf(buf, size, "strata #%zu: the document has '(none)', the replay gives '(none)'", i + 1);
		return;
	}
	n = sel->nreserves > doc->nreserves ? sel->nreserves : doc->nreserves;
	for (i = 0; i < n; i++) {
		const yh_reserve *a = i < sel->nreserves ? &sel->reserves[i] : NULL;
		const yh_doc_reserve *b = i < doc->nreserves ? &doc->reserves[i] : NULL;

		if (a && b && same_reserve(b, a))
			continue;
		if (a && b && strcmp(a->id, b->id) == 0)
			snprintf(buf, size, "reserves #%zu ('%s') differs from the replay (ticket, team or name)",
			         i + 1, a->id);
		else
			snprintf(buf, size, "reserves #%zu: the document has '%s', the replay gives '%s'", i + 1,
			         b ? b->id : "(none)", a ? a->id : "(none)");
		return;
	}
}

/* Finishes the replay of the entities read and compares it with the document; -1 when the
 * replay itself failed. */
static int compare_replay(yh_report *r, entity_reader *er, const yh_draw_doc *doc, int teams)
{
	comparer cmp = { doc, teams, 0, "" };
	const yh_selection *sel;

	if (yh_selector_finish(&sel, er->sel, teams, compare_selected, &cmp) < 0) {
		yh_report_check(r, "selection replay", "failed", "%s", yh_error_message());
		return -1;
	}
	if (!*cmp.diff && cmp.count != doc->nselected)
		snprintf(cmp.diff, sizeof(cmp.diff), "the replay selects %zu entities, the document lists %zu",
		         cmp.count, doc->nselected);
	if (!*cmp.diff)
		results_difference(cmp.diff, sizeof(cmp.diff), sel, doc);
	if (*cmp.diff)
		yh_report_check(r, "selection replay", "failed", "%s", cmp.diff);
	else
		yh_report_check(r, "selection replay", "passed", "the %zu selected entities%s, the cutoffs and "
		                "the %zu reserves are exactly what the register%s give%s, in any row order",
		                cmp.count, teams ? " with their teams" : "", sel->nreserves, teams ? "s" : "",
		                teams ? "" : "s");
	return 0;
}

void yh_document_replay(yh_report *r, const yh_draw_doc *doc, yh_frozen *f,
                        const unsigned char seed[32], const yh_verify_inputs *in)
{
	int teams = yh_document_replay_officers(r, doc, f, in);
	entity_reader er;

	if (!yh_verify_input_name(in, YH_REGISTER_ENTITIES)) {
		yh_report_skip(r, "entity register", YH_HINT_GIVE_ENTITIES, "no entity register file given");
		yh_report_skip(r, "selection replay", YH_HINT_GIVE_ENTITIES, "needs the entity register file");
		return;
	}
	memset(&er, 0, sizeof(er));
	er.f = f;
	er.seed = seed;
	if (!read_entities(r, &er, doc, in) || compare_replay(r, &er, doc, teams) < 0)
		goto done;
	if (!teams)
		yh_report_skip(r, "team replay", !yh_verify_input_name(in, YH_REGISTER_INSPECTORS) ?
		               YH_HINT_GIVE_INSPECTORS : !yh_verify_input_name(in, YH_REGISTER_CONFLICTS) ?
		               YH_HINT_GIVE_CONFLICTS : YH_HINT_NONE,
		               "needs the officer register and conflicts files that match the document");
done:
	yh_row_hasher_free(er.hasher);
	yh_selector_free(er.sel);
	yh_keyed_root_free(er.root);
}
