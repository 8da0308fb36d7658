/* draw.c — commit (freeze, secret, announcement) and draw (seed, tickets, selection, teams). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "yaohao/jcs.h"
#include "yaohao/ledger.h"
#include "yaohao/merkle.h"
#include "draw.h"
#include "store.h"
#include "text.h"
#include "error.h"

static const char commit_tag[] = "yaohao:commit:v1";
static const char seed_tag[] = "yaohao:seed:v1";

#define ANNOUNCEMENT_FORMAT "yaohao-announcement/1"
#define TRANSCRIPT_FORMAT "yaohao-transcript/1"

static json_t *hex_json(const unsigned char *b, size_t n)
{
	char h[129];

	yh_hex(h, b, n);
	return json_string(h);
}

static int unhex(unsigned char *out, size_t n, const char *hex)
{
	size_t len;

	return hex && strlen(hex) == 2 * n &&
	       sodium_hex2bin(out, n, hex, 2 * n, NULL, &len, NULL) == 0 && len == n ? 0 : -1;
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
	crypto_hash_sha256_state hs;
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
	crypto_hash_sha256_init(&hs);
	crypto_hash_sha256_update(&hs, (const unsigned char *)commit_tag, sizeof(commit_tag));
	crypto_hash_sha256_update(&hs, secret, YH_SECRET_BYTES);
	crypto_hash_sha256_final(&hs, commitment);

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
	                "format", ANNOUNCEMENT_FORMAT,
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

typedef struct {
	unsigned char ticket[32];
	char id[24];
	char *name;
	size_t stratum;
} drawn;

typedef struct {
	drawn *v;          /* a max-heap by (ticket, id) of the cap lowest tickets seen */
	size_t n, cap;
	uint64_t seen;
} heap;

typedef struct {
	yh_frozen *f;
	heap *heaps;       /* parallel to f->strata */
	unsigned char seed[32];
	uint64_t rows;
	yh_scan_progress_fn progress;
	void *progress_ctx;
} drawing;

static int cmp_drawn(const drawn *a, const drawn *b)
{
	int c = memcmp(a->ticket, b->ticket, 32);

	return c ? c : strcmp(a->id, b->id);
}

static int cmp_drawn_q(const void *a, const void *b)
{
	return cmp_drawn(a, b);
}

static void sift_down(heap *h, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		drawn tmp;

		if (l < h->n && cmp_drawn(&h->v[l], &h->v[m]) > 0)
			m = l;
		if (r < h->n && cmp_drawn(&h->v[r], &h->v[m]) > 0)
			m = r;
		if (m == i)
			return;
		tmp = h->v[i];
		h->v[i] = h->v[m];
		h->v[m] = tmp;
		i = m;
	}
}

static void sift_up(heap *h, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;
		drawn tmp;

		if (cmp_drawn(&h->v[p], &h->v[i]) >= 0)
			return;
		tmp = h->v[i];
		h->v[i] = h->v[p];
		h->v[p] = tmp;
		i = p;
	}
}

static int ticket_entity(void *ctx, const char *const *row)
{
	drawing *d = ctx;
	char key[YH_STRATUM_KEY_MAX];
	yh_stratum *s;
	heap *h;
	drawn e;
	int rc;

	if ((rc = yh_task_stratum_key(key, sizeof(key), d->f->task, row)) < 0)
		return rc;
	s = yh_frozen_stratum(d->f, key);
	if (!s)
		return yh_error_set(YH_ESTORE, "entity '%s' falls in stratum '%s', which the commitment "
		                    "does not have: the store changed since the commit", row[YH_E_ID], key);
	h = &d->heaps[s - d->f->strata];
	h->seen++;
	if (++d->rows % 65536 == 0 && d->progress)
		d->progress(d->progress_ctx, d->rows);
	if (h->cap == 0)
		return 0;
	if (strlen(row[YH_E_ID]) >= sizeof(e.id))
		return yh_error_set(YH_EDATA, "entity id is too long: '%s'", row[YH_E_ID]);
	yh_ticket(e.ticket, d->seed, row[YH_E_ID]);
	strcpy(e.id, row[YH_E_ID]);
	e.stratum = (size_t)(s - d->f->strata);
	if (h->n == h->cap && cmp_drawn(&e, &h->v[0]) >= 0)
		return 0;
	if (!(e.name = strdup(row[YH_E_NAME])))
		return yh_error_set(YH_ENOMEM, "out of memory");
	if (h->n < h->cap) {
		h->v[h->n++] = e;
		sift_up(h, h->n - 1);
	} else {
		free(h->v[0].name);
		h->v[0] = e;
		sift_down(h, 0);
	}
	return 0;
}

static int load_commit(json_t **ann, unsigned char secret[YH_SECRET_BYTES], yh_store *store,
                       const char *task_id)
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
	if (sqlite3_column_bytes(st, 0) != YH_SECRET_BYTES) {
		rc = yh_error_set(YH_ESTORE, "the committed secret is missing or damaged: task '%s'", task_id);
		goto done;
	}
	memcpy(secret, sqlite3_column_blob(st, 0), YH_SECRET_BYTES);
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

	if (unhex(want, 32, json_string_value(json_object_get(obj, "root"))) != 0 ||
	    memcmp(want, root, 32) != 0)
		return yh_error_set(YH_ESTORE, "the %s as of the commitment no longer give the committed "
		                    "root: task '%s'", what, task_id);
	return YH_OK;
}

static void derive_seed(unsigned char seed[32], const unsigned char task_digest[32],
                        const unsigned char entity_root[32], const unsigned char officer_root[32],
                        const unsigned char recusal_root[32], const unsigned char secret[32],
                        const char *value)
{
	crypto_hash_sha256_state st;
	unsigned char len[4];
	size_t n = strlen(value);

	len[0] = (unsigned char)(n >> 24);
	len[1] = (unsigned char)(n >> 16);
	len[2] = (unsigned char)(n >> 8);
	len[3] = (unsigned char)n;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)seed_tag, sizeof(seed_tag));
	crypto_hash_sha256_update(&st, task_digest, 32);
	crypto_hash_sha256_update(&st, entity_root, 32);
	crypto_hash_sha256_update(&st, officer_root, 32);
	crypto_hash_sha256_update(&st, recusal_root, 32);
	crypto_hash_sha256_update(&st, secret, 32);
	crypto_hash_sha256_update(&st, len, 4);
	crypto_hash_sha256_update(&st, (const unsigned char *)value, n);
	crypto_hash_sha256_final(&st, seed);
}

static int record_draw(yh_store *store, const char *task_id, const char *draw_date, uint64_t seq,
                       const char *text, json_t *selected, const unsigned char seed[32])
{
	sqlite3_stmt *st = NULL, *ins_e = NULL, *ins_p = NULL;
	unsigned char digest[32];
	json_t *e, *m, *payload;
	size_t i, j;
	int rc = YH_OK;

	if (sqlite3_prepare_v2(store->db, "INSERT INTO task_draw (task_id, seq, transcript) "
	                       "VALUES (?1, ?2, ?3)", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(store->db, "INSERT INTO drawn_entity (task_id, entity_id, draw_date) "
	                       "VALUES (?1, ?2, ?3)", -1, &ins_e, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(store->db, "INSERT INTO drawn_pair (task_id, entity_id, inspector_id, "
	                       "draw_date) VALUES (?1, ?2, ?3, ?4)", -1, &ins_p, NULL) != SQLITE_OK) {
		rc = yh_store_fail(store, "cannot record the draw");
		goto done;
	}
	sqlite3_bind_text(st, 1, task_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
	sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = yh_store_fail(store, "cannot record the draw");
		goto done;
	}
	json_array_foreach(selected, i, e) {
		const char *id = json_string_value(json_object_get(e, "id"));

		sqlite3_bind_text(ins_e, 1, task_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_e, 2, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_e, 3, draw_date, -1, SQLITE_STATIC);
		if (sqlite3_step(ins_e) != SQLITE_DONE) {
			rc = yh_store_fail(store, "cannot record the drawn entities");
			goto done;
		}
		sqlite3_reset(ins_e);
		json_array_foreach(json_object_get(e, "team"), j, m) {
			sqlite3_bind_text(ins_p, 1, task_id, -1, SQLITE_STATIC);
			sqlite3_bind_text(ins_p, 2, id, -1, SQLITE_STATIC);
			sqlite3_bind_text(ins_p, 3, json_string_value(json_object_get(m, "id")), -1,
			                  SQLITE_STATIC);
			sqlite3_bind_text(ins_p, 4, draw_date, -1, SQLITE_STATIC);
			if (sqlite3_step(ins_p) != SQLITE_DONE) {
				rc = yh_store_fail(store, "cannot record the teams");
				goto done;
			}
			sqlite3_reset(ins_p);
		}
	}
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
	                    "selected", (json_int_t)json_array_size(selected));
	rc = yh_ledger_append(store, seq, "draw", payload);
done:
	sqlite3_finalize(st);
	sqlite3_finalize(ins_e);
	sqlite3_finalize(ins_p);
	return rc;
}

int yh_draw_run(char **out, uint64_t *seq_out, yh_store *store, const char *task_id,
                const char *value, yh_scan_progress_fn on_progress, void *progress_ctx)
{
	yh_task *task = NULL;
	yh_frozen f;
	drawing d;
	json_t *ann = NULL, *tr = NULL, *strata_out = NULL, *selected = NULL, *reserves = NULL, *s;
	unsigned char secret[YH_SECRET_BYTES], digest[32], entity_root[32];
	drawn *all = NULL;
	size_t nall = 0, i, j;
	uint64_t head, seq;
	const char *state;
	char *text = NULL, why[160], hex[65];
	int rc, in_tx = 0;

	memset(&f, 0, sizeof(f));
	memset(&d, 0, sizeof(d));
	sodium_memzero(secret, sizeof(secret));
	if (out)
		*out = NULL;
	if (seq_out)
		*seq_out = 0;
	if (!value || !*value || strlen(value) > 1024 ||
	    yh_text_check(value, strlen(value), why, sizeof(why)) != 0)
		return yh_error_set(YH_EINVAL, "the entropy value must be non-empty clean text of at most "
		                    "1024 bytes: task '%s'", task_id);
	if ((rc = yh_task_get(&task, store, task_id)) < 0)
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
	if ((rc = load_commit(&ann, secret, store, task_id)) < 0)
		goto done;
	f.task = task;
	f.freeze_seq = (uint64_t)json_integer_value(json_object_get(ann, "freeze_seq"));
	f.load_cap = (uint64_t)json_integer_value(json_object_get(ann, "load_cap"));
	if (!json_is_array(json_object_get(json_object_get(ann, "recusals"), "recent_pairs")) ||
	    !json_is_array(json_object_get(json_object_get(ann, "entities"), "excluded"))) {
		rc = yh_error_set(YH_ESTORE, "the announcement of task '%s' is damaged", task_id);
		goto done;
	}
	if ((rc = yh_frozen_load_officers(&f, store)) < 0 ||
	    (rc = yh_frozen_load_recusals(&f, store, json_object_get(json_object_get(ann, "recusals"),
	                                                             "recent_pairs"))) < 0 ||
	    (rc = yh_frozen_load_excluded(&f, store, json_object_get(json_object_get(ann, "entities"),
	                                                              "excluded"))) < 0 ||
	    (rc = check_root(json_object_get(ann, "inspectors"), f.officer_root, "officers", task_id)) < 0 ||
	    (rc = check_root(json_object_get(ann, "recusals"), f.recusal_root, "recusals", task_id)) < 0)
		goto done;
	yh_task_digest(digest, task);
	if (unhex(entity_root, 32, json_string_value(json_object_get(json_object_get(ann, "entities"),
	                                                             "root"))) != 0) {
		rc = yh_error_set(YH_ESTORE, "the announcement of task '%s' is damaged", task_id);
		goto done;
	}
	/* strata as committed, already sorted by key */
	f.nstrata = json_array_size(json_object_get(ann, "strata"));
	f.strata = calloc(f.nstrata + 1, sizeof(*f.strata));
	d.heaps = calloc(f.nstrata + 1, sizeof(*d.heaps));
	if (!f.strata || !d.heaps) {
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		goto done;
	}
	json_array_foreach(json_object_get(ann, "strata"), i, s) {
		yh_stratum *st = &f.strata[i];
		uint64_t room;

		snprintf(st->key, sizeof(st->key), "%s", json_string_value(json_object_get(s, "key")));
		st->population = (uint64_t)json_integer_value(json_object_get(s, "population"));
		st->k = (uint64_t)json_integer_value(json_object_get(s, "selected"));
		st->reserves = (uint64_t)json_integer_value(json_object_get(s, "reserves"));
		/* one more than selected + reserves when possible: its ticket is the cutoff */
		room = st->k + (st->reserves ? st->reserves : 1);
		d.heaps[i].cap = (size_t)(room < st->population ? room : st->population);
		if (d.heaps[i].cap && !(d.heaps[i].v = calloc(d.heaps[i].cap, sizeof(drawn)))) {
			rc = yh_error_set(YH_ENOMEM, "out of memory");
			goto done;
		}
	}
	derive_seed(d.seed, digest, entity_root, f.officer_root, f.recusal_root, secret, value);
	d.f = &f;
	d.progress = on_progress;
	d.progress_ctx = progress_ctx;
	if ((rc = yh_frozen_scan(store, &f, ticket_entity, &d)) < 0)
		goto done;

	/* per stratum: the k lowest tickets are selected, the next r are reserves */
	strata_out = json_array();
	reserves = json_array();
	selected = json_array();
	for (i = 0; i < f.nstrata; i++) {
		heap *h = &d.heaps[i];
		yh_stratum *st = &f.strata[i];
		drawn *p;

		if (h->seen != st->population) {
			rc = yh_error_set(YH_ESTORE, "stratum '%s' has %llu entities now, %llu at the commit: "
			                  "the store changed since the commit of task '%s'", st->key,
			                  (unsigned long long)h->seen, (unsigned long long)st->population, task_id);
			goto done;
		}
		qsort(h->v, h->n, sizeof(drawn), cmp_drawn_q);
		if (h->n > st->k)
			yh_hex(hex, h->v[st->k].ticket, 32);
		json_array_append_new(strata_out, json_pack("{s:s, s:I, s:I, s:I, s:s, s:o}",
		                      "key", st->key, "population", (json_int_t)st->population,
		                      "selected", (json_int_t)st->k, "reserves", (json_int_t)st->reserves,
		                      "rate", json_string_value(json_object_get(
		                          json_array_get(json_object_get(ann, "strata"), i), "rate")),
		                      "cutoff", h->n > st->k ? json_string(hex) : json_null()));
		for (j = st->k; j < st->k + st->reserves && j < h->n; j++) {
			yh_hex(hex, h->v[j].ticket, 32);
			json_array_append_new(reserves, json_pack("{s:s, s:I, s:s, s:s, s:s}",
			                      "stratum", st->key, "order", (json_int_t)(j - st->k + 1),
			                      "id", h->v[j].id, "name", h->v[j].name, "ticket", hex));
		}
		if (!(p = realloc(all, (nall + st->k + 1) * sizeof(*all)))) {
			rc = yh_error_set(YH_ENOMEM, "out of memory");
			goto done;
		}
		all = p;
		memcpy(all + nall, h->v, (size_t)st->k * sizeof(*all));
		nall += (size_t)st->k;
	}
	/* teams, in global ticket order */
	qsort(all, nall, sizeof(*all), cmp_drawn_q);
	for (i = 0; i < nall; i++) {
		json_t *team = json_array();

		if ((rc = yh_team_assign(team, &f, d.seed, all[i].id, i + 1)) < 0) {
			json_decref(team);
			goto done;
		}
		yh_hex(hex, all[i].ticket, 32);
		json_array_append_new(selected, json_pack("{s:I, s:s, s:s, s:s, s:s, s:o}",
		                      "rank", (json_int_t)(i + 1), "id", all[i].id, "name", all[i].name,
		                      "stratum", f.strata[all[i].stratum].key, "ticket", hex, "team", team));
	}

	if ((rc = yh_ledger_head(&head, store)) < 0)
		goto done;
	seq = head + 1;
	tr = json_deep_copy(ann);
	json_object_set_new(tr, "format", json_string(TRANSCRIPT_FORMAT));
	json_object_set_new(tr, "entropy_value", json_string(value));
	json_object_set_new(tr, "secret", hex_json(secret, 32));
	json_object_set_new(tr, "seed", hex_json(d.seed, 32));
	json_object_set(tr, "strata", strata_out);
	json_object_set(tr, "selected", selected);
	json_object_set(tr, "reserves", reserves);
	if ((rc = yh_jcs_dump(&text, tr)) < 0)
		goto done;
	if ((rc = record_draw(store, task_id, task->draw_date, seq, text, selected, d.seed)) < 0 ||
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
	for (i = 0; d.heaps && i < f.nstrata; i++) {
		for (j = 0; j < d.heaps[i].n; j++)
			free(d.heaps[i].v[j].name);
		free(d.heaps[i].v);
	}
	free(d.heaps);
	free(all);
	free(text);
	json_decref(ann);
	json_decref(tr);
	json_decref(strata_out);
	json_decref(selected);
	json_decref(reserves);
	yh_frozen_clear(&f);
	yh_task_free(task);
	return rc;
}

static int read_text(char **out, yh_store *store, const char *sql, const char *task_id,
                     const char *what)
{
	sqlite3_stmt *st = NULL;
	int rc = YH_OK;

	*out = NULL;
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
