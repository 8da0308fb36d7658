/* draw.c — commit (freeze, secret, announcement) and draw (seed, tickets, selection, teams). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "yaohao/jcs.h"
#include "yaohao/ledger.h"
#include "yaohao/merkle.h"
#include "draw.h"
#include "report.h"
#include "store.h"
#include "text.h"
#include "error.h"


static json_t *hex_json(const unsigned char *b, size_t n)
{
	char h[129];

	yh_hex(h, b, n);
	return json_string(h);
}

/* ---- commit ---------------------------------------------------------------------------- */

typedef struct {
	yh_frozen *f;
	yh_merkle *m;
	size_t cap;
	uint64_t rows;
	yh_scan_progress_fn progress;
	void *progress_ctx;
} census;

static int count_entity(void *ctx, const char *const *row)
{
	census *c = ctx;
	yh_frozen *f = c->f;
	char key[YH_STRATUM_KEY_MAX];
	yh_stratum *s;
	int rc;

	if ((rc = yh_merkle_add_row(c->m, row, YH_E_COLUMNS)) < 0 ||
	    (rc = yh_task_stratum_key(key, sizeof(key), f->task, row)) < 0)
		return rc;
	s = yh_frozen_stratum(f, key);
	if (!s) {
		size_t pos = 0;

		if (f->nstrata == c->cap) {
			yh_stratum *p;

			c->cap = c->cap ? c->cap * 2 : 16;
			if (!(p = realloc(f->strata, c->cap * sizeof(*p))))
				return yh_error_set(YH_ENOMEM, "out of memory");
			f->strata = p;
		}
		while (pos < f->nstrata && strcmp(f->strata[pos].key, key) < 0)
			pos++;
		memmove(f->strata + pos + 1, f->strata + pos, (f->nstrata - pos) * sizeof(*f->strata));
		memset(&f->strata[pos], 0, sizeof(*f->strata));
		snprintf(f->strata[pos].key, sizeof(f->strata[pos].key), "%s", key);
		f->nstrata++;
		s = &f->strata[pos];
	}
	s->population++;
	if (++c->rows % 65536 == 0 && c->progress)
		c->progress(c->progress_ctx, c->rows);
	return 0;
}

static int commit_record(yh_store *store, const char *task_id, uint64_t seq, const unsigned char *secret,
                         const char *text, json_t *announcement)
{
	sqlite3_stmt *st = NULL;
	json_t *payload;
	int rc = YH_OK;

	if (sqlite3_prepare_v2(store->db, "INSERT INTO task_commit (task_id, seq, secret, announcement) "
	                       "VALUES (?1, ?2, ?3, ?4)", -1, &st, NULL) != SQLITE_OK)
		return yh_store_fail(store, "cannot record the commitment");
	sqlite3_bind_text(st, 1, task_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
	sqlite3_bind_blob(st, 3, secret, YH_SECRET_BYTES, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = yh_store_fail(store, "cannot record the commitment");
	sqlite3_finalize(st);
	if (rc < 0)
		return rc;
	payload = json_pack("{s:s, s:O}", "task_id", task_id, "announcement", announcement);
	return yh_ledger_append(store, seq, "commit", payload);
}

int yh_draw_commit(char **out, uint64_t *seq_out, yh_store *store, const char *task_id,
                   const yh_commit_options *opt)
{
	yh_task *task = NULL;
	yh_frozen f;
	census c;
	unsigned char secret[YH_SECRET_BYTES], commitment[32], entity_root[32], digest[32];
	json_t *ann = NULL, *strata = NULL, *excluded = NULL, *recent = NULL;
	const char *state;
	char *text = NULL, why[160];
	uint64_t head, seq, total_k = 0;
	size_t i;
	int rc, in_tx = 0;

	memset(&f, 0, sizeof(f));
	memset(&c, 0, sizeof(c));
	if (out)
		*out = NULL;
	if (seq_out)
		*seq_out = 0;
	if (!opt || !opt->entropy_source || !*opt->entropy_source)
		return yh_error_set(YH_EINVAL, "an entropy source must be named (e.g. \"drand quicknet "
		                    "round 24000000\"): task '%s'", task_id);
	if (strlen(opt->entropy_source) > 1024 ||
	    yh_text_check(opt->entropy_source, strlen(opt->entropy_source), why, sizeof(why)) != 0)
		return yh_error_set(YH_EINVAL, "the entropy source must be clean text of at most 1024 "
		                    "bytes: task '%s'", task_id);
	if ((rc = yh_task_get(&task, store, task_id)) < 0)
		return rc;
	if ((rc = yh_store_begin(store)) < 0)
		goto done;
	in_tx = 1;
	if ((rc = yh_task_state(&state, store, task_id)) < 0)
		goto done;
	if (strcmp(state, "planned") != 0) {
		rc = yh_error_set(YH_EEXIST, "task is %s already: '%s'", state, task_id);
		goto done;
	}
	if ((rc = yh_ledger_head(&head, store)) < 0)
		goto done;
	seq = head + 1;
	f.task = task;
	f.freeze_seq = head;
	if ((rc = yh_frozen_load_officers(&f, store)) < 0 ||
	    (rc = yh_frozen_load_recusals(&f, store, NULL)) < 0 ||
	    (rc = yh_frozen_load_excluded(&f, store, NULL)) < 0)
		goto done;
	c.f = &f;
	c.progress = opt->on_progress;
	c.progress_ctx = opt->progress_ctx;
	if ((rc = yh_merkle_new(&c.m)) < 0 || (rc = yh_frozen_scan(store, &f, count_entity, &c)) < 0)
		goto done;
	yh_merkle_root(entity_root, c.m);

	strata = json_array();
	for (i = 0; i < f.nstrata; i++) {
		yh_stratum *s = &f.strata[i];

		if ((rc = yh_task_stratum_size(&s->k, &s->reserves, task, s->key, s->population)) < 0)
			goto done;
		total_k += s->k;
		json_array_append_new(strata, json_pack("{s:s, s:I, s:I, s:I, s:s}", "key", s->key,
		                      "population", (json_int_t)s->population, "selected", (json_int_t)s->k,
		                      "reserves", (json_int_t)s->reserves,
		                      "rate", yh_task_stratum_rate(task, s->key)));
	}
	f.load_cap = task->load_cap ? task->load_cap : yh_team_default_cap(&f, total_k);
	if ((rc = yh_team_precheck(&f, total_k)) < 0)
		goto done;

	if (opt->secret)
		memcpy(secret, opt->secret, YH_SECRET_BYTES);
	else
		randombytes_buf(secret, YH_SECRET_BYTES);
	yh_commitment(commitment, secret);

	excluded = json_array();
	for (i = 0; i < f.nexcluded; i++)
		json_array_append_new(excluded, json_string(f.excluded[i]));
	recent = json_array();
	for (i = 0; i < f.nrecusals; i++)
		if (strncmp(f.recusals[i].reason, "recent:", 7) == 0)
			json_array_append_new(recent, json_pack("{s:s, s:s, s:s}",
			                      "entity_id", f.recusals[i].entity_id,
			                      "inspector_id", f.recusals[i].inspector_id,
			                      "task_id", f.recusals[i].reason + 7));
	yh_task_digest(digest, task);
	ann = json_pack("{s:s, s:s, s:s, s:o, s:O, s:I, s:{s:I, s:o, s:o}, s:o, s:{s:I, s:o}, "
	                "s:{s:I, s:o, s:o}, s:I, s:o, s:s}",
	                "format", YH_ANNOUNCEMENT_FORMAT,
	                "department", yh_store_department(store),
	                "task_id", task_id,
	                "task_digest", hex_json(digest, 32),
	                "task", task->doc,
	                "freeze_seq", (json_int_t)head,
	                "entities", "count", (json_int_t)yh_merkle_count(c.m),
	                "root", hex_json(entity_root, 32), "excluded", excluded,
	                "strata", strata,
	                "inspectors", "count", (json_int_t)f.nofficers, "root", hex_json(f.officer_root, 32),
	                "recusals", "count", (json_int_t)f.nrecusals, "root", hex_json(f.recusal_root, 32),
	                "recent_pairs", recent,
	                "load_cap", (json_int_t)f.load_cap,
	                "commitment", hex_json(commitment, 32),
	                "entropy_source", opt->entropy_source);
	strata = excluded = recent = NULL;
	if ((rc = yh_jcs_dump(&text, ann)) < 0)
		goto done;
	if ((rc = commit_record(store, task_id, seq, secret, text, ann)) < 0 ||
	    (rc = yh_store_commit(store)) < 0)
		goto done;
	in_tx = 0;
	if (seq_out)
		*seq_out = seq;
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
	json_decref(strata);
	json_decref(excluded);
	json_decref(recent);
	yh_merkle_free(c.m);
	yh_frozen_clear(&f);
	yh_task_free(task);
	return rc;
}

/* ---- draw ------------------------------------------------------------------------------ */

static int load_commit(json_t **ann, unsigned char secret[YH_SECRET_BYTES], yh_store *store,
                       const char *task_id, int need_secret)
{
	sqlite3_stmt *st = NULL;
	json_error_t jerr;
	int rc = YH_OK;

	*ann = NULL;
	if (sqlite3_prepare_v2(store->db, "SELECT secret, announcement FROM task_commit WHERE task_id = ?1",
	                       -1, &st, NULL) != SQLITE_OK)
		return yh_store_fail(store, "cannot read the commitment");
	sqlite3_bind_text(st, 1, task_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = yh_error_set(YH_ENOTFOUND, "task is not committed: '%s' (run 'yaohao commit' first)",
		                  task_id);
		goto done;
	}
	if (need_secret) {
		if (sqlite3_column_bytes(st, 0) != YH_SECRET_BYTES) {
			rc = yh_error_set(YH_ESTORE, "the committed secret is missing or damaged: task '%s'",
			                  task_id);
			goto done;
		}
		memcpy(secret, sqlite3_column_blob(st, 0), YH_SECRET_BYTES);
	}
	*ann = json_loads((const char *)sqlite3_column_text(st, 1), 0, &jerr);
	if (!*ann)
		rc = yh_error_set(YH_ESTORE, "the announcement of task '%s' is damaged: %s", task_id, jerr.text);
done:
	sqlite3_finalize(st);
	return rc;
}

static int check_root(json_t *obj, const unsigned char root[32], const char *what, const char *task_id)
{
	unsigned char want[32];

	if (yh_get_hex(want, 32, json_object_get(obj, "root")) != 0 ||
	    memcmp(want, root, 32) != 0)
		return yh_error_set(YH_ESTORE, "the %s as of the commitment no longer give the committed "
		                    "root: task '%s'", what, task_id);
	return YH_OK;
}

typedef struct {
	yh_selector *sel;
	yh_merkle *m;
} rooted;

/* The selected entities' canonical texts, joined by ',' as they are drawn. */
typedef struct {
	char *text;
	size_t len, cap;
	yh_selected_emit emit;   /* also passed each entry (recording, printing), or NULL */
	void *emit_ctx;
} streamed;

static int stream_entry(void *ctx, json_t *entry)
{
	streamed *s = ctx;
	char *one = NULL;
	size_t n;
	int rc;

	if ((rc = yh_jcs_dump(&one, entry)) < 0)
		return rc;
	n = strlen(one);
	if (s->len + n + 2 > s->cap) {
		size_t cap = s->cap ? s->cap + s->cap / 2 : 1u << 16; /* x1.5: less slack at the end */
		char *p;

		while (cap < s->len + n + 2)
			cap += cap / 2;
		if (!(p = realloc(s->text, cap))) {
			free(one);
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
	return s->emit ? s->emit(s->emit_ctx, entry) : 0;
}

/* Feeds the selector and, for the audit, rebuilds the entity root in the same pass. */
static int select_and_hash(void *ctx, const char *const *row)
{
	rooted *r = ctx;
	int rc;

	if (r->m && (rc = yh_merkle_add_row(r->m, row, YH_E_COLUMNS)) < 0)
		return rc;
	return yh_selector_add(r->sel, row);
}

/*
 * Computes the transcript of a committed task from the store's registers as
 * of the freeze, without recording anything: the draw records it, the audit
 * compares it with what was recorded (and, with check_root, also rebuilds the
 * entity root; the draw relies on the commit's).
 */
static int compute(char **text, unsigned char seed[32], yh_store *store, const yh_task *task,
                   json_t *ann, const unsigned char secret[32], const char *value, int check_entities,
                   yh_selected_emit emit, void *emit_ctx, int threads,
                   yh_scan_progress_fn on_progress, void *progress_ctx)
{
	rooted feed = { NULL, NULL };
	streamed out = { NULL, 0, 0, emit, emit_ctx };
	yh_frozen f;
	yh_selector *sel = NULL;
	json_t *strata = NULL, *reserves = NULL;
	unsigned char digest[32], entity_root[32];
	const char *task_id = task->id;
	int rc;

	memset(&f, 0, sizeof(f));
	*text = NULL;
	f.task = task;
	f.freeze_seq = (uint64_t)json_integer_value(json_object_get(ann, "freeze_seq"));
	f.load_cap = (uint64_t)json_integer_value(json_object_get(ann, "load_cap"));
	if (!json_is_array(json_object_get(json_object_get(ann, "recusals"), "recent_pairs")) ||
	    !json_is_array(json_object_get(json_object_get(ann, "entities"), "excluded")) ||
	    yh_get_hex(entity_root, 32, json_object_get(json_object_get(ann, "entities"), "root")) != 0) {
		rc = yh_error_set(YH_ESTORE, "the announcement of task '%s' is damaged", task_id);
		goto done;
	}
	if ((rc = yh_frozen_load_officers(&f, store)) < 0 ||
	    (rc = yh_frozen_load_recusals(&f, store, json_object_get(json_object_get(ann, "recusals"),
	                                                             "recent_pairs"))) < 0 ||
	    (rc = yh_frozen_load_excluded(&f, store, json_object_get(json_object_get(ann, "entities"),
	                                                              "excluded"))) < 0 ||
	    (rc = check_root(json_object_get(ann, "inspectors"), f.officer_root, "officers", task_id)) < 0 ||
	    (rc = check_root(json_object_get(ann, "recusals"), f.recusal_root, "recusals", task_id)) < 0 ||
	    (rc = yh_frozen_strata_from_json(&f, json_object_get(ann, "strata"))) < 0)
		goto done;
	yh_task_digest(digest, task);
	yh_seed_derive(seed, digest, entity_root, f.officer_root, f.recusal_root, secret, value);
	if ((rc = yh_selector_new(&sel, &f, seed, threads, on_progress, progress_ctx)) < 0 ||
	    (check_entities && (rc = yh_merkle_new(&feed.m)) < 0))
		goto done;
	feed.sel = sel;
	if ((rc = yh_frozen_scan(store, &f, select_and_hash, &feed)) < 0)
		goto done;
	if (feed.m) {
		unsigned char root[32];

		yh_merkle_root(root, feed.m);
		if (memcmp(root, entity_root, 32) != 0) {
			rc = yh_error_set(YH_ESTORE, "the entities as of the commitment no longer give the "
			                  "committed root: task '%s'", task_id);
			goto done;
		}
	}
	if ((rc = yh_selector_finish(sel, &strata, &reserves, 1, stream_entry, &out)) < 0) {
		if (rc == YH_EDATA && strncmp(yh_error_message(), "stratum", 7) == 0)
			rc = yh_error_set(YH_ESTORE, "%s: the store changed since the commit of task '%s'",
			                  yh_error_message(), task_id);
		goto done;
	}
	rc = yh_transcript_text(text, ann, secret, value, seed, strata, reserves, &out.text, out.len);
done:
	yh_selector_free(sel);
	yh_merkle_free(feed.m);
	free(out.text);
	json_decref(strata);
	json_decref(reserves);
	yh_frozen_clear(&f);
	return rc;
}

/* Records each selected entity and its team as it is drawn (inside the draw's transaction):
 * later tasks read them for their exclusion windows. */
typedef struct {
	sqlite3_stmt *ins_e, *ins_p;
	const char *task_id, *draw_date;
	yh_store *store;
	uint64_t count;
	yh_draw_selected_fn user;
	void *user_ctx;
} recorder;

static int record_entry(void *ctx, json_t *e)
{
	recorder *r = ctx;
	const char *id = json_string_value(json_object_get(e, "id"));
	json_t *m;
	size_t j;

	sqlite3_bind_text(r->ins_e, 1, r->task_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(r->ins_e, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(r->ins_e, 3, r->draw_date, -1, SQLITE_STATIC);
	if (sqlite3_step(r->ins_e) != SQLITE_DONE)
		return yh_store_fail(r->store, "cannot record the drawn entities");
	sqlite3_reset(r->ins_e);
	json_array_foreach(json_object_get(e, "team"), j, m) {
		sqlite3_bind_text(r->ins_p, 1, r->task_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(r->ins_p, 2, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(r->ins_p, 3, json_string_value(json_object_get(m, "id")), -1, SQLITE_STATIC);
		sqlite3_bind_text(r->ins_p, 4, r->draw_date, -1, SQLITE_STATIC);
		if (sqlite3_step(r->ins_p) != SQLITE_DONE)
			return yh_store_fail(r->store, "cannot record the teams");
		sqlite3_reset(r->ins_p);
	}
	r->count++;
	return r->user ? r->user(r->user_ctx, e) : 0;
}

static int record_draw(yh_store *store, const char *task_id, uint64_t seq, const char *text,
                       uint64_t selected, const unsigned char seed[32])
{
	sqlite3_stmt *st = NULL;
	unsigned char digest[32];
	json_t *payload;
	int rc = YH_OK;

	size_t len = strlen(text), off;
	sqlite3_blob *blob = NULL;

	if (sqlite3_prepare_v2(store->db, "INSERT INTO task_draw (task_id, seq, transcript) "
	                       "VALUES (?1, ?2, zeroblob(?3))", -1, &st, NULL) != SQLITE_OK) {
		st = NULL;
		rc = yh_store_fail(store, "cannot record the draw");
		goto done;
	}
	sqlite3_bind_text(st, 1, task_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)len);
	if (sqlite3_step(st) != SQLITE_DONE ||
	    sqlite3_blob_open(store->db, "main", "task_draw", "transcript",
	                      sqlite3_last_insert_rowid(store->db), 1, &blob) != SQLITE_OK) {
		rc = yh_store_fail(store, "cannot record the draw");
		goto done;
	}
	/* in pieces: a single bind would copy the whole transcript into one record */
	for (off = 0; off < len && rc == YH_OK; off += 1u << 20) {
		int n = (int)(len - off < (1u << 20) ? len - off : (1u << 20));

		if (sqlite3_blob_write(blob, text + off, n, (int)off) != SQLITE_OK)
			rc = yh_store_fail(store, "cannot record the transcript");
	}
	sqlite3_blob_close(blob);
	if (rc < 0)
		goto done;
	sqlite3_finalize(st);
	/* the secret is public in the transcript now; the store need not hold it twice */
	if (sqlite3_prepare_v2(store->db, "UPDATE task_commit SET secret = NULL WHERE task_id = ?1",
	                       -1, &st, NULL) != SQLITE_OK) {
		st = NULL;
		rc = yh_store_fail(store, "cannot close the commitment");
		goto done;
	}
	sqlite3_bind_text(st, 1, task_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = yh_store_fail(store, "cannot close the commitment");
		goto done;
	}
	crypto_hash_sha256(digest, (const unsigned char *)text, strlen(text));
	payload = json_pack("{s:s, s:o, s:o, s:I}", "task_id", task_id,
	                    "transcript_sha256", hex_json(digest, 32), "seed", hex_json(seed, 32),
	                    "selected", (json_int_t)selected);
	rc = yh_ledger_append(store, seq, "draw", payload);
done:
	sqlite3_finalize(st);
	return rc;
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

/* Hands the reserves to the caller; they are few, so parsing just that member is cheap:
 * it follows "reserves": in the canonical text. */
static void pass_reserves(const char *text, const yh_draw_options *opt)
{
	const char *at = strstr(text, "\"reserves\":[");
	json_error_t err;
	json_t *list, *e;
	size_t i;

	if (!at)
		return;
	list = json_loads(at + strlen("\"reserves\":"), JSON_DISABLE_EOF_CHECK, &err);
	json_array_foreach(list, i, e)
		if (opt->on_reserve(opt->reserve_ctx, e) != 0)
			break;
	json_decref(list);
}

int yh_draw_run(char **out, uint64_t *seq_out, yh_store *store, const char *task_id,
                const char *value, const yh_draw_options *options)
{
	static const yh_draw_options defaults;
	const yh_draw_options *opt = options ? options : &defaults;
	yh_task *task = NULL;
	json_t *ann = NULL;
	unsigned char secret[YH_SECRET_BYTES], seed[32];
	recorder rec;
	uint64_t head;
	const char *state;
	char *text = NULL;
	int rc, in_tx = 0;

	memset(&rec, 0, sizeof(rec));
	sodium_memzero(secret, sizeof(secret));
	if (out)
		*out = NULL;
	if (seq_out)
		*seq_out = 0;
	if ((rc = check_value(value, task_id)) < 0 || (rc = yh_task_get(&task, store, task_id)) < 0)
		return rc;
	if ((rc = yh_store_begin(store)) < 0)
		goto done;
	in_tx = 1;
	if ((rc = yh_task_state(&state, store, task_id)) < 0)
		goto done;
	if (strcmp(state, "drawn") == 0) {
		rc = yh_error_set(YH_EEXIST, "task is drawn already: '%s' (a draw is never repeated)", task_id);
		goto done;
	}
	if (sqlite3_prepare_v2(store->db, "INSERT INTO drawn_entity (task_id, entity_id, draw_date) "
	                       "VALUES (?1, ?2, ?3)", -1, &rec.ins_e, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(store->db, "INSERT INTO drawn_pair (task_id, entity_id, inspector_id, "
	                       "draw_date) VALUES (?1, ?2, ?3, ?4)", -1, &rec.ins_p, NULL) != SQLITE_OK) {
		rc = yh_store_fail(store, "cannot record the draw");
		goto done;
	}
	rec.task_id = task_id;
	rec.draw_date = task->draw_date;
	rec.store = store;
	rec.user = opt->on_selected;
	rec.user_ctx = opt->selected_ctx;
	if ((rc = load_commit(&ann, secret, store, task_id, 1)) < 0 ||
	    (rc = compute(&text, seed, store, task, ann, secret, value, 0, record_entry, &rec,
	                  opt->threads, opt->on_progress, opt->progress_ctx)) < 0 ||
	    (rc = yh_ledger_head(&head, store)) < 0 ||
	    (rc = record_draw(store, task_id, head + 1, text, rec.count, seed)) < 0 ||
	    (rc = yh_store_commit(store)) < 0)
		goto done;
	if (opt->on_reserve)
		pass_reserves(text, opt);
	in_tx = 0;
	if (seq_out)
		*seq_out = head + 1;
	if (out) {
		*out = text;
		text = NULL;
	}
done:
	sodium_memzero(secret, sizeof(secret));
	sqlite3_finalize(rec.ins_e);
	sqlite3_finalize(rec.ins_p);
	if (in_tx)
		yh_store_rollback(store);
	free(text);
	json_decref(ann);
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

		rc = compute(out, seed, store, task, ann, secret, value, 1, NULL, NULL, 0, NULL, NULL);
	}
done:
	sodium_memzero(secret, sizeof(secret));
	json_decref(ann);
	json_decref(tr);
	yh_task_free(task);
	return rc;
}

static int read_text(char **out, yh_store *store, const char *sql, const char *task_id,
                     const char *what)
{
	sqlite3_stmt *st = NULL;
	const char *state;
	int rc = YH_OK;

	*out = NULL;
	if ((rc = yh_task_state(&state, store, task_id)) < 0)
		return rc; /* "no such task" */
	if (sqlite3_prepare_v2(store->db, sql, -1, &st, NULL) != SQLITE_OK)
		return yh_store_fail(store, "cannot read the task");
	sqlite3_bind_text(st, 1, task_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		rc = yh_error_set(YH_ENOTFOUND, "task has no %s: '%s'", what, task_id);
	else if (!(*out = strdup((const char *)sqlite3_column_text(st, 0))))
		rc = yh_error_set(YH_ENOMEM, "out of memory");
	sqlite3_finalize(st);
	return rc;
}

int yh_draw_announcement(char **out, yh_store *store, const char *task_id)
{
	return read_text(out, store, "SELECT announcement FROM task_commit WHERE task_id = ?1",
	                 task_id, "commitment (run 'yaohao commit')");
}

int yh_draw_transcript(char **out, yh_store *store, const char *task_id)
{
	return read_text(out, store, "SELECT transcript FROM task_draw WHERE task_id = ?1",
	                 task_id, "draw yet (run 'yaohao draw')");
}
