/* commit.c — freezing a planned task and committing to a secret (docs/spec.md §4–§6): the
 * eligible registers and their roots, the strata, the team pre-check, the announcement. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "yaohao/jcs.h"
#include "yaohao/merkle.h"
#include "store/store.h"
#include "draw.h"
#include "report.h"
#include "seal.h"
#include "text.h"
#include "error.h"

typedef struct {
	yh_frozen *f;
	yh_merkle *m;                /* over every entity row */
	size_t cap;
	uint64_t rows, eligible;
	yh_scan_progress_fn progress;
	void *progress_ctx;
} census;

/* What the announcement says besides the frozen inputs. */
typedef struct {
	uint64_t entities, eligible;
	unsigned char entity_root[32], commitment[32];
	json_t *chain, *earlier;     /* taken */
	const char *source;
} announced;

/* Keeps f->strata sorted by key as new strata turn up. */
static yh_stratum *add_stratum(census *c, const char *key)
{
	yh_frozen *f = c->f;
	size_t pos = 0;

	if (f->nstrata == c->cap) {
		yh_stratum *p;

		c->cap = c->cap ? c->cap * 2 : 16;
		if (!(p = realloc(f->strata, c->cap * sizeof(*p)))) {
			yh_error_set(YH_ENOMEM, "out of memory");
			return NULL;
		}
		f->strata = p;
	}
	while (pos < f->nstrata && strcmp(f->strata[pos].key, key) < 0)
		pos++;
	memmove(f->strata + pos + 1, f->strata + pos, (f->nstrata - pos) * sizeof(*f->strata));
	memset(&f->strata[pos], 0, sizeof(*f->strata));
	snprintf(f->strata[pos].key, sizeof(f->strata[pos].key), "%s", key);
	f->nstrata++;
	return &f->strata[pos];
}

static int root_entity(void *ctx, const char *const *row)
{
	census *c = ctx;

	if (++c->rows % 65536 == 0 && c->progress)
		c->progress(c->progress_ctx, c->rows);
	return yh_merkle_add_row(c->m, row, YH_E_COLUMNS);
}

static int count_entity(void *ctx, const char *const *row)
{
	census *c = ctx;
	char key[YH_STRATUM_KEY_MAX];
	yh_stratum *s;
	int rc;

	if ((rc = yh_task_stratum_key(key, sizeof(key), c->f->task, row)) < 0)
		return rc;
	if (!(s = yh_frozen_stratum(c->f, key)) && !(s = add_stratum(c, key)))
		return YH_ENOMEM;
	s->population++;
	c->eligible++;
	return 0;
}

/* Freezes the registers as of the ledger head: officers, recusals, exclusions, then one
 * pass over the entities for their root and the strata; sizes, load cap, pre-check. */
static int freeze(yh_frozen *f, census *c, announced *a, yh_store *store,
                  const yh_commit_options *opt)
{
	uint64_t total_k = 0;
	size_t i;
	int rc;

	c->f = f;
	c->progress = opt->on_progress;
	c->progress_ctx = opt->progress_ctx;
	if ((rc = yh_frozen_load_officers(f, store)) < 0 ||
	    (rc = yh_frozen_load_recusals(f, store, NULL)) < 0 ||
	    (rc = yh_frozen_load_excluded(f, store, NULL)) < 0 ||
	    (rc = yh_merkle_new(&c->m)) < 0 || (rc = yh_frozen_scan(store, f, root_entity, count_entity, c)) < 0)
		return rc;
	yh_merkle_root(a->entity_root, c->m);
	a->entities = c->rows;
	a->eligible = c->eligible;
	for (i = 0; i < f->nstrata; i++) {
		yh_stratum *s = &f->strata[i];

		if ((rc = yh_task_stratum_size(&s->k, &s->reserves, f->task, s->key, s->population)) < 0)
			return rc;
		total_k += s->k;
	}
	f->load_cap = f->task->load_cap ? f->task->load_cap : yh_team_default_cap(f, total_k);
	return yh_team_precheck(f, total_k);
}

/* The earlier draws that fed the exclusions and recent pairs, named (docs/spec.md §6). */
static int add_earlier(void *ctx, const char *task_id, const char *draw_date, const char *sha)
{
	return json_array_append_new(ctx, json_pack("{s:s, s:s, s:s}", "task_id", task_id,
	                             "draw_date", draw_date, "transcript_sha256", sha)) ? YH_ENOMEM : 0;
}

static int earlier_draws(json_t **out, const yh_task *t, yh_store *store)
{
	int64_t days = t->exclude_days > t->pair_days ? t->exclude_days : t->pair_days;
	int rc = YH_OK;

	if (!(*out = json_array()))
		return yh_error_set(YH_ENOMEM, "out of memory");
	if (days > 0 && (rc = yh_draw_store_earlier(store, t->draw_date, days, add_earlier, *out)) > 0)
		rc = yh_error_set(YH_ENOMEM, "out of memory");
	return rc;
}

/* The link to the store's previous announcement: {seq, prev}. */
static int chain_link(json_t **out, yh_store *store)
{
	unsigned char digest[32];
	char *prev = NULL;
	uint64_t count;
	int rc;

	if ((rc = yh_draw_store_chain_head(&prev, &count, store)) < 0)
		return rc;
	if (prev)
		yh_digest_announcement(digest, prev);
	*out = json_pack("{s:I, s:o}", "seq", (json_int_t)(count + 1),
	                 "prev", prev ? yh_hex_json(digest, 32) : json_null());
	free(prev);
	return *out ? YH_OK : yh_error_set(YH_ENOMEM, "out of memory");
}

/* The announcement (docs/spec.md §6): everything the draw will be bound to. */
static json_t *announce(const yh_frozen *f, announced *a, yh_store *store)
{
	json_t *strata = json_array(), *excluded = json_array(), *recent = json_array();
	unsigned char digest[32];
	size_t i;

	for (i = 0; i < f->nstrata; i++) {
		const yh_stratum *s = &f->strata[i];

		json_array_append_new(strata, json_pack("{s:s, s:I, s:I, s:I, s:s}", "key", s->key,
		                      "population", (json_int_t)s->population, "selected", (json_int_t)s->k,
		                      "reserves", (json_int_t)s->reserves,
		                      "rate", yh_task_stratum_rate(f->task, s->key)));
	}
	for (i = 0; i < f->nexcluded; i++)
		json_array_append_new(excluded, json_string(f->excluded[i]));
	for (i = 0; i < f->nrecusals; i++)
		if (f->recusals[i].recent)
			json_array_append_new(recent, json_pack("{s:s, s:s, s:s}",
			                      "entity_id", f->recusals[i].entity_id,
			                      "inspector_id", f->recusals[i].inspector_id,
			                      "task_id", f->recusals[i].reason + 7));
	yh_task_digest(digest, f->task);
	return json_pack("{s:s, s:s, s:s, s:o, s:O, s:I, s:o, s:o, s:{s:I, s:I, s:o, s:o}, s:o, "
	                 "s:{s:I, s:I, s:o}, s:{s:I, s:o}, s:o, s:I, s:o, s:s}",
	                 "format", YH_ANNOUNCEMENT_FORMAT,
	                 "department", yh_store_department(store),
	                 "task_id", f->task->id,
	                 "task_digest", yh_hex_json(digest, 32),
	                 "task", f->task->doc,
	                 "freeze_seq", (json_int_t)f->freeze_seq,
	                 "chain", a->chain,
	                 "earlier", a->earlier,
	                 "entities", "count", (json_int_t)a->entities, "eligible", (json_int_t)a->eligible,
	                 "root", yh_hex_json(a->entity_root, 32), "excluded", excluded,
	                 "strata", strata,
	                 "inspectors", "count", (json_int_t)f->nofficer_rows,
	                 "eligible", (json_int_t)f->nofficers, "root", yh_hex_json(f->officer_root, 32),
	                 "conflicts", "count", (json_int_t)f->nconflict_rows,
	                 "root", yh_hex_json(f->conflict_root, 32),
	                 "recent_pairs", recent,
	                 "load_cap", (json_int_t)f->load_cap,
	                 "commitment", yh_hex_json(a->commitment, 32),
	                 "entropy_source", a->source);
}

static int commit_record(yh_store *store, const char *task_id, uint64_t seq, const unsigned char *sealed,
                         const char *text, json_t *announcement)
{
	int rc = yh_draw_store_commit(store, task_id, seq, sealed, text);

	if (rc < 0)
		return rc;
	return yh_ledger_append(store, seq, "commit",
	                        json_pack("{s:s, s:O}", "task_id", task_id, "announcement", announcement));
}

static int check_source(const yh_commit_options *opt, const char *task_id)
{
	char why[160];

	if (opt && opt->version != YH_COMMIT_OPTIONS_VERSION)
		return yh_error_set(YH_EINVAL, "commit options of version %u: this library reads version "
		                    "%u (initialise them with YH_COMMIT_OPTIONS_INIT)", opt->version,
		                    YH_COMMIT_OPTIONS_VERSION);
	if (!opt || !opt->entropy_source || !*opt->entropy_source)
		return yh_error_set(YH_EINVAL, "an entropy source must be named (e.g. \"drand quicknet "
		                    "round 24000000\"): task '%s'", task_id);
	if (strlen(opt->entropy_source) > 1024 ||
	    yh_text_check(opt->entropy_source, strlen(opt->entropy_source), why, sizeof(why)) != 0)
		return yh_error_set(YH_EINVAL, "the entropy source must be clean text of at most 1024 "
		                    "bytes: task '%s'", task_id);
	return YH_OK;
}

int yh_draw_commit(char **out, uint64_t *seq_out, yh_store *store, const char *task_id,
                   const yh_commit_options *opt)
{
	yh_task *task = NULL;
	yh_frozen f;
	census c;
	unsigned char secret[YH_SECRET_BYTES], sealed[YH_SEALED_SECRET_BYTES];
	const yh_key *key;
	announced a = { 0 };
	json_t *ann = NULL;
	yh_task_state state;
	char *text = NULL;
	uint64_t head;
	int rc, in_tx = 0;

	memset(&f, 0, sizeof(f));
	memset(&c, 0, sizeof(c));
	sodium_memzero(secret, sizeof(secret));
	if (out)
		*out = NULL;
	if (seq_out)
		*seq_out = 0;
	if ((rc = check_source(opt, task_id)) < 0 || (rc = yh_seal_key(&key, store, "committing")) < 0 ||
	    (rc = yh_task_get(&task, store, task_id)) < 0)
		return rc;
	if ((rc = yh_store_begin(store)) < 0)
		goto done;
	in_tx = 1;
	if ((rc = yh_task_state_get(&state, store, task_id)) < 0)
		goto done;
	if (state != YH_TASK_PLANNED) {
		rc = yh_error_set(YH_EEXIST, "task is %s already: '%s'", yh_task_state_name(state), task_id);
		goto done;
	}
	if ((rc = yh_ledger_head(&head, store)) < 0)
		goto done;
	f.task = task;
	f.freeze_seq = head;
	a.source = opt->entropy_source;
	if ((rc = freeze(&f, &c, &a, store, opt)) < 0 || (rc = chain_link(&a.chain, store)) < 0 ||
	    (rc = earlier_draws(&a.earlier, task, store)) < 0)
		goto done;
	if (opt->secret)
		memcpy(secret, opt->secret, YH_SECRET_BYTES);
	else
		randombytes_buf(secret, YH_SECRET_BYTES);
	yh_commitment(a.commitment, secret);
	if ((rc = yh_seal_secret(sealed, secret, key)) < 0)
		goto done;
	sodium_memzero(secret, sizeof(secret));
	ann = announce(&f, &a, store);
	a.chain = a.earlier = NULL;
	if (!ann) {
		rc = yh_error_set(YH_ENOMEM, "out of memory building the announcement");
		goto done;
	}
	if ((rc = yh_jcs_dump(&text, ann)) < 0 ||
	    (rc = commit_record(store, task_id, head + 1, sealed, text, ann)) < 0 ||
	    (rc = yh_store_commit(store)) < 0)
		goto done;
	in_tx = 0;
	if (seq_out)
		*seq_out = head + 1;
	if (out) {
		*out = text;
		text = NULL;
	}
done:
	sodium_memzero(secret, sizeof(secret));
	if (in_tx)
		yh_store_rollback(store);
	free(text);
	json_decref(ann);
	json_decref(a.chain);
	json_decref(a.earlier);
	yh_merkle_free(c.m);
	yh_frozen_clear(&f);
	yh_task_free(task);
	return rc;
}
