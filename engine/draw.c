/* draw.c — the draw of a committed task (docs/spec.md §7–§10): the seed from the commitment
 * and the public value, the selection and the teams computed from the frozen registers, and
 * the transcript recorded; its replay for the audit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "yaohao/jcs.h"
#include "yaohao/ledger.h"
#include "yaohao/merkle.h"
#include "store/store.h"
#include "announcement.h"
#include "draw.h"
#include "report.h"
#include "row_sort.h"
#include "seal.h"
#include "text.h"
#include "error.h"

/* The announcement and the secret, unsealed with the store's key. */
/* The announcement and the secret, unsealed with the store's key; the secret must open the
 * announcement's commitment (a sealed secret moved from another task would not). */
static int load_commit(json_t **ann, unsigned char secret[YH_SECRET_BYTES], yh_store *store,
                       const yh_key *key, const char *task_id)
{
	unsigned char sealed[YH_SEALED_SECRET_BYTES], committed[32], opened[32];
	json_error_t jerr;
	char *text = NULL;
	int rc;

	*ann = NULL;
	if ((rc = yh_draw_store_load_commit(&text, sealed, store, task_id)) < 0 ||
	    (rc = yh_unseal_secret(secret, sealed, key, task_id)) < 0) {
		free(text);
		return rc;
	}
	if (!(*ann = json_loads(text, 0, &jerr)))
		rc = yh_error_set(YH_ESTORE, "the announcement of task '%s' is damaged: %s", task_id, jerr.text);
	else if (yh_get_hex(committed, 32, json_object_get(*ann, "commitment")) != 0 ||
	         (yh_commitment(opened, secret), sodium_memcmp(opened, committed, 32) != 0))
		rc = yh_error_set(YH_ESTORE, "the stored secret does not open the announced commitment: "
		                  "task '%s'", task_id);
	free(text);
	return rc;
}

static int check_root(const unsigned char want[32], const unsigned char root[32], const char *what,
                      const char *task_id)
{
	if (memcmp(want, root, 32) != 0)
		return yh_error_set(YH_ESTORE, "the %s as of the commitment no longer give the committed "
		                    "root: task '%s'", what, task_id);
	return YH_OK;
}

typedef struct {
	yh_selector *sel;
	yh_merkle *m;
} rooted;

/* Each drawn entry, typed and as the transcript writes it. */
typedef int (*entry_fn)(void *ctx, const yh_selected *e, const json_t *entry);

/* The selected entities' canonical texts, joined by ',' as they are drawn. */
typedef struct {
	char *text;
	size_t len, cap;
	entry_fn emit;           /* also passed each entry (recording, printing), or NULL */
	void *emit_ctx;
} streamed;

static int stream_entry(void *ctx, const yh_selected *e)
{
	streamed *s = ctx;
	json_t *entry = yh_selected_json(e);
	char *one = NULL;
	size_t n;
	int rc;

	if (!entry)
		return yh_error_set(YH_ENOMEM, "out of memory building the transcript");
	if ((rc = yh_jcs_dump(&one, entry)) < 0) {
		json_decref(entry);
		return rc;
	}
	n = strlen(one);
	if (s->len + n + 2 > s->cap) {
		size_t cap = s->cap ? s->cap + s->cap / 2 : 1u << 16; /* x1.5: less slack at the end */
		char *p;

		while (cap < s->len + n + 2)
			cap += cap / 2;
		if (!(p = realloc(s->text, cap))) {
			free(one);
			json_decref(entry);
			return yh_error_set(YH_ENOMEM, "out of memory building the transcript");
		}
		s->text = p;
		s->cap = cap;
	}
	if (s->len)
		s->text[s->len++] = ',';
	memcpy(s->text + s->len, one, n + 1);
	s->len += n;
	free(one);
	rc = s->emit ? s->emit(s->emit_ctx, e, entry) : 0;
	json_decref(entry);
	return rc;
}

/* For the audit, the entity root is rebuilt in the same pass as the selection. */
static int hash_row(void *ctx, const char *const *row)
{
	return yh_merkle_add_row(((rooted *)ctx)->m, row, YH_E_COLUMNS);
}

static int select_row(void *ctx, const char *const *row)
{
	return yh_selector_add(((rooted *)ctx)->sel, row);
}

/*
 * Computes the transcript of a committed task from the store's registers as
 * of the freeze, without recording anything: the draw records it, the audit
 * compares it with what was recorded (and, with check_root, also rebuilds the
 * entity root; the draw relies on the commit's).
 */
static int compute(char **text, unsigned char seed[32], yh_store *store, const yh_task *task,
                   json_t *ann, const unsigned char secret[32], const char *value, int check_entities,
                   entry_fn emit, void *emit_ctx, int threads,
                   yh_scan_progress_fn on_progress, void *progress_ctx, json_t **reserves_out)
{
	rooted feed = { NULL, NULL };
	streamed out = { NULL, 0, 0, emit, emit_ctx };
	yh_frozen f;
	yh_selector *sel = NULL;
	const yh_selection *selection;
	json_t *strata = NULL, *reserves = NULL;
	yh_announcement a;
	const char *task_id = task->id;
	int rc;

	memset(&f, 0, sizeof(f));
	*text = NULL;
	if (yh_announcement_read(&a, ann) < 0) {
		rc = yh_error_set(YH_ESTORE, "the announcement of task '%s' is damaged: %s", task_id,
		                  yh_error_message());
		goto done;
	}
	{
		unsigned char digest[32];

		yh_task_digest(digest, task);
		if (memcmp(digest, a.task_digest, 32) != 0) {
			rc = yh_error_set_hint(YH_ESTORE, YH_HINT_RUN_AUDIT, task_id, "the stored task is not the "
			                       "one committed to (its digest differs): task '%s'", task_id);
			goto done;
		}
	}
	f.task = task;
	f.freeze_seq = a.freeze_seq;
	f.load_cap = a.load_cap;
	if ((rc = yh_frozen_load_officers(&f, store)) < 0 ||
	    (rc = yh_frozen_load_recusals(&f, store, a.recent_pairs)) < 0 ||
	    (rc = yh_frozen_load_excluded(&f, store, a.excluded)) < 0 ||
	    (rc = check_root(a.officer_root, f.officer_root, "officers", task_id)) < 0 ||
	    (rc = check_root(a.conflict_root, f.conflict_root, "conflicts", task_id)) < 0 ||
	    (rc = yh_frozen_strata_from_json(&f, a.strata)) < 0)
		goto done;
	yh_seed_derive(seed, a.digest, secret, value);
	if ((rc = yh_selector_new(&sel, &f, seed, threads, on_progress, progress_ctx)) < 0 ||
	    (check_entities && (rc = yh_merkle_new(&feed.m)) < 0))
		goto done;
	feed.sel = sel;
	if ((rc = yh_frozen_scan(store, &f, feed.m ? hash_row : NULL, select_row, &feed)) < 0)
		goto done;
	if (feed.m) {
		unsigned char root[32];

		yh_merkle_root(root, feed.m);
		if (memcmp(root, a.entity_root, 32) != 0) {
			rc = yh_error_set(YH_ESTORE, "the entities as of the commitment no longer give the "
			                  "committed root: task '%s'", task_id);
			goto done;
		}
	}
	if ((rc = yh_selector_finish(&selection, sel, 1, stream_entry, &out)) < 0) {
		if (rc == YH_ESTALE)
			rc = yh_error_set(YH_ESTORE, "%s: the store changed since the commit of task '%s'",
			                  yh_error_message(), task_id);
		goto done;
	}
	if (!(strata = yh_selection_strata_json(selection)) ||
	    !(reserves = yh_selection_reserves_json(selection))) {
		rc = yh_error_set(YH_ENOMEM, "out of memory building the transcript");
		goto done;
	}
	if ((rc = yh_transcript_text(text, ann, secret, value, seed, strata, reserves, &out.text,
	                             out.len)) == YH_OK && reserves_out) {
		*reserves_out = reserves;
		reserves = NULL;
	}
done:
	yh_selector_free(sel);
	yh_merkle_free(feed.m);
	free(out.text);
	json_decref(strata);
	json_decref(reserves);
	yh_frozen_clear(&f);
	return rc;
}

/*
 * Records each selected entity and its team (inside the draw's transaction): later tasks read
 * them for their exclusion windows.  The rows come in rank order, which is random in the
 * tables' keys: inserted as they come, every insert lands on another page of drawn_pair's and
 * drawn_entity's B-trees and SQLite's page cache thrashes (at 10M, 90,010 teams, recording
 * took as long as the whole scan).  So they are gathered in bounded memory (row_sort.c: past
 * the budget, sorted runs in a temporary file) and inserted in key order after the teams.
 */
#define RECORD_SORT_BUDGET ((size_t)2 << 20)   /* per table: 10M spills a few runs, merged cheaply */

typedef struct {
	yh_draw_recorder *rec;
	yh_row_sort *entities, *pairs;   /* (entity id), (entity id, inspector id) */
	uint64_t count;
	yh_draw_selected_fn user;
	void *user_ctx;
} recorder;

static int start_recording(recorder *r, yh_store *store, const char *task_id, const char *date)
{
	int rc;

	if ((rc = yh_draw_recorder_open(&r->rec, store, task_id, date)) < 0 ||
	    (rc = yh_row_sort_new(&r->entities, 1, 1, RECORD_SORT_BUDGET)) < 0 ||
	    (rc = yh_row_sort_new(&r->pairs, 2, 2, RECORD_SORT_BUDGET)) < 0)
		return rc;
	return YH_OK;
}

static int record_entry(void *ctx, const yh_selected *e, const json_t *entry)
{
	recorder *r = ctx;
	const char *v[2] = { e->id, NULL };
	size_t len[2] = { strlen(e->id), 0 }, j;
	int rc;

	if ((rc = yh_row_sort_add(r->entities, r->count, v, len)) < 0)
		return rc;
	for (j = 0; j < e->team.n; j++) {
		v[1] = e->team.members[j].officer->row[YH_I_ID];
		len[1] = strlen(v[1]);
		if ((rc = yh_row_sort_add(r->pairs, r->count, v, len)) < 0)
			return rc;
	}
	r->count++;
	return r->user ? r->user(r->user_ctx, entry) : 0;
}

/* A sorted value as a C string (the sort gives lengths), in *buf. */
static int c_string(char **buf, size_t *cap, const char *v, size_t n)
{
	if (n + 1 > *cap) {
		char *p = realloc(*buf, n + 1);

		if (!p)
			return yh_error_set(YH_ENOMEM, "out of memory recording the draw");
		*buf = p;
		*cap = n + 1;
	}
	memcpy(*buf, v, n);
	(*buf)[n] = '\0';
	return YH_OK;
}

/* Inserts the gathered rows, each table in key order. */
static int end_recording(recorder *r)
{
	yh_sorted_row row;
	char *a = NULL, *b = NULL;
	size_t acap = 0, bcap = 0;
	int rc, more;

	if ((rc = yh_row_sort_finish(r->entities)) < 0 || (rc = yh_row_sort_finish(r->pairs)) < 0)
		goto done;
	while ((more = yh_row_sort_next(r->entities, &row)) > 0)
		if ((rc = c_string(&a, &acap, row.values[0], row.lens[0])) < 0 ||
		    (rc = yh_draw_recorder_entity(r->rec, a)) < 0)
			goto done;
	if ((rc = more) < 0)
		goto done;
	while ((more = yh_row_sort_next(r->pairs, &row)) > 0)
		if ((rc = c_string(&a, &acap, row.values[0], row.lens[0])) < 0 ||
		    (rc = c_string(&b, &bcap, row.values[1], row.lens[1])) < 0 ||
		    (rc = yh_draw_recorder_pair(r->rec, a, b)) < 0)
			goto done;
	rc = more < 0 ? more : yh_draw_recorder_flush(r->rec);
done:
	free(a);
	free(b);
	return rc;
}

static void recorder_free(recorder *r)
{
	yh_draw_recorder_free(r->rec);
	yh_row_sort_free(r->entities);
	yh_row_sort_free(r->pairs);
}

static int record_draw(yh_draw_result *res, yh_store *store, const char *task_id, uint64_t seq,
                       const char *text, uint64_t selected, const unsigned char seed[32])
{
	size_t len = strlen(text);
	int rc;

	if ((rc = yh_draw_store_transcript(store, task_id, seq, text, len)) < 0)
		return rc;
	memset(res, 0, sizeof(*res));
	res->seq = seq;
	res->selected = selected;
	memcpy(res->seed, seed, 32);
	yh_digest_transcript(res->transcript_sha256, text, len);
	return yh_ledger_append(store, seq, "draw",
	                        json_pack("{s:s, s:o, s:o, s:I}", "task_id", task_id,
	                                  "transcript_sha256", yh_hex_json(res->transcript_sha256, 32),
	                                  "seed", yh_hex_json(seed, 32), "selected", (json_int_t)selected));
}

static int check_value(const char *value, const char *task_id)
{
	char why[160];

	if (!value || !*value || strlen(value) > 1024 ||
	    yh_text_check(value, strlen(value), why, sizeof(why)) != 0)
		return yh_error_set(YH_EINVAL, "the entropy value must be non-empty clean text of at most "
		                    "1024 bytes: task '%s'", task_id);
	return YH_OK;
}

static int pass_reserves(json_t *reserves, const yh_draw_options *opt, yh_draw_result *res)
{
	json_t *e;
	size_t i;

	res->reserves = json_array_size(reserves);
	if (!opt->on_reserve)
		return YH_OK;
	json_array_foreach(reserves, i, e)
		if (opt->on_reserve(opt->reserve_ctx, e) != 0)
			break;
	return YH_OK;
}

int yh_draw_run(char **out, yh_draw_result *result, yh_store *store, const char *task_id,
                const char *value, const yh_draw_options *options)
{
	static const yh_draw_options defaults = YH_DRAW_OPTIONS_INIT;
	const yh_draw_options *opt = options ? options : &defaults;
	yh_task *task = NULL;
	json_t *ann = NULL, *reserves = NULL;
	unsigned char secret[YH_SECRET_BYTES], seed[32];
	const yh_key *key;
	recorder rec;
	yh_draw_result res;
	yh_task_state state;
	uint64_t head;
	char *text = NULL;
	int rc, in_tx = 0;

	memset(&res, 0, sizeof(res));
	memset(&rec, 0, sizeof(rec));
	rec.user = opt->on_selected;
	rec.user_ctx = opt->selected_ctx;
	sodium_memzero(secret, sizeof(secret));
	if (out)
		*out = NULL;
	if (result)
		memset(result, 0, sizeof(*result));
	if (opt->version != YH_DRAW_OPTIONS_VERSION)
		return yh_error_set(YH_EINVAL, "draw options of version %u: this library reads version %u "
		                    "(initialise them with YH_DRAW_OPTIONS_INIT)", opt->version,
		                    YH_DRAW_OPTIONS_VERSION);
	if ((rc = check_value(value, task_id)) < 0 || (rc = yh_task_get(&task, store, task_id)) < 0)
		return rc;
	if ((rc = yh_store_begin(store)) < 0)
		goto done;
	in_tx = 1;
	if ((rc = yh_task_state_get(&state, store, task_id)) < 0)
		goto done;
	if (state == YH_TASK_DRAWN) {
		rc = yh_error_set(YH_EEXIST, "task is drawn already: '%s' (a draw is never repeated)", task_id);
		goto done;
	}
	if ((rc = yh_seal_key(&key, store, "drawing")) < 0 ||
	    (rc = start_recording(&rec, store, task_id, task->draw_date)) < 0 ||
	    (rc = load_commit(&ann, secret, store, key, task_id)) < 0 ||
	    (rc = compute(&text, seed, store, task, ann, secret, value, 0, record_entry, &rec,
	                  opt->threads, opt->on_progress, opt->progress_ctx, &reserves)) < 0 ||
	    (rc = end_recording(&rec)) < 0 ||
	    (rc = yh_ledger_head(&head, store)) < 0 ||
	    (rc = record_draw(&res, store, task_id, head + 1, text, rec.count, seed)) < 0 ||
	    (rc = yh_store_commit(store)) < 0)
		goto done;
	in_tx = 0;
	pass_reserves(reserves, opt, &res);
	if (result)
		*result = res;
	if (out) {
		*out = text;
		text = NULL;
	}
done:
	sodium_memzero(secret, sizeof(secret));
	recorder_free(&rec);
	if (in_tx)
		yh_store_rollback(store);
	free(text);
	json_decref(ann);
	json_decref(reserves);
	yh_task_free(task);
	return rc;
}

int yh_draw_replay(char **out, yh_store *store, const char *task_id, const char *announcement,
                   const char *transcript)
{
	yh_task *task = NULL;
	json_t *ann = NULL, *tr = NULL;
	unsigned char secret[YH_SECRET_BYTES];
	const char *value;
	int rc;

	*out = NULL;
	if (!(ann = json_loads(announcement, 0, NULL)) || !(tr = json_loads(transcript, 0, NULL))) {
		rc = yh_error_set(YH_EDATA, "the recorded announcement or transcript of task '%s' is not "
		                  "JSON", task_id);
		goto done;
	}
	value = json_string_value(json_object_get(tr, "entropy_value"));
	if (yh_get_hex(secret, 32, json_object_get(tr, "secret")) != 0 || !value) {
		rc = yh_error_set(YH_EDATA, "the transcript of task '%s' lacks its secret or entropy value",
		                  task_id);
		goto done;
	}
	if ((rc = yh_task_get(&task, store, task_id)) < 0)
		goto done;
	{
		unsigned char seed[32];

		rc = compute(out, seed, store, task, ann, secret, value, 1, NULL, NULL, 0, NULL, NULL, NULL);
	}
done:
	sodium_memzero(secret, sizeof(secret));
	json_decref(ann);
	json_decref(tr);
	yh_task_free(task);
	return rc;
}

/* The task must exist: its absence is the first thing to say. */
static int known_task(yh_store *store, const char *task_id)
{
	yh_task_state state;

	return yh_task_state_get(&state, store, task_id);
}

int yh_draw_announcement(char **out, yh_store *store, const char *task_id)
{
	unsigned char *no_secret = NULL;
	int rc;

	*out = NULL;
	if ((rc = known_task(store, task_id)) < 0)
		return rc;
	return yh_draw_store_load_commit(out, no_secret, store, task_id);
}

int yh_draw_transcript(char **out, yh_store *store, const char *task_id)
{
	int rc;

	*out = NULL;
	if ((rc = known_task(store, task_id)) < 0)
		return rc;
	return yh_draw_store_load_transcript(out, store, task_id);
}
