/* draw.c — the draw of a committed task (docs/spec.md §7–§10): the seed from the commitment
 * and the public value, the selection and the teams computed from the frozen registers, and
 * the transcript recorded; its replay for the audit. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "yaohao/jcs.h"
#include "yaohao/ledger.h"
#include "yaohao/merkle.h"
#include "store/store.h"
#include "announcement.h"
#include "draw.h"
#include "draw_scan.h"
#include "report.h"
#include "row_sort.h"
#include "seal.h"
#include "text.h"
#include "textbuf.h"
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

/* Each drawn entry (recording it, passing it on), beside the transcript writer. */
typedef int (*entry_fn)(void *ctx, const yh_selected *e);

typedef struct {
	yh_transcript_writer *w;
	entry_fn emit;           /* also passed each entry, or NULL */
	void *emit_ctx;
} streamed;

static int stream_entry(void *ctx, const yh_selected *e)
{
	streamed *s = ctx;
	int rc;

	if ((rc = yh_transcript_add(s->w, e)) < 0)
		return rc;
	return s->emit ? s->emit(s->emit_ctx, e) : 0;
}

/* The names of the selected entities and reserves, from the store by id as of the freeze
 * (the scan does not read them: the heaps keep no names). */
typedef struct {
	yh_store *store;
	uint64_t as_of;
} names_from;

static int store_names(void *ctx, const char *const *ids, size_t n, yh_name_found_fn found,
                       void *found_ctx)
{
	names_from *nf = ctx;

	return yh_draw_store_entity_names(nf->store, nf->as_of, ids, n, found, found_ctx);
}

/* Each reserve to the caller's on_reserve, as JSON, until it says it has enough. */
static void pass_reserves(const yh_selection *sel, const yh_draw_options *opt)
{
	size_t i;

	for (i = 0; opt && opt->on_reserve && i < sel->nreserves; i++) {
		const yh_reserve *r = &sel->reserves[i];
		char hex[65];
		json_t *e;
		int stop;

		yh_hex(hex, r->ticket, 32);
		if (!(e = json_pack("{s:s, s:I, s:s, s:s, s:s}", "stratum", r->stratum->key, "order",
		                    (json_int_t)r->order, "id", r->id, "name", r->name, "ticket", hex)))
			return;
		stop = opt->on_reserve(opt->reserve_ctx, e);
		json_decref(e);
		if (stop)
			return;
	}
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

/* threads: 1 one core, 2 both, 0 both when the machine has two. */
static int both_cores(int threads)
{
	return threads == 2 || (threads == 0 && sysconf(_SC_NPROCESSORS_ONLN) > 1);
}

/*
 * Computes the transcript of a committed task from the store's registers as
 * of the freeze, without recording anything, and writes it piece by piece to
 * write: the draw records it, the audit compares it with what was recorded
 * (and, with check_entities, also rebuilds the entity root; the draw relies
 * on the commit's).  *nreserves: how many reserves.
 */
static int compute(unsigned char seed[32], uint64_t *nreserves, yh_store *store, const yh_task *task,
                   json_t *ann, const unsigned char secret[32], const char *value, int check_entities,
                   yh_transcript_write_fn write, void *write_ctx, entry_fn emit, void *emit_ctx,
                   const yh_draw_options *opt)
{
	rooted feed = { NULL, NULL };
	streamed out = { NULL, emit, emit_ctx };
	names_from nf = { store, 0 }, nf2 = { NULL, 0 };
	yh_frozen f;
	yh_store *second = NULL;
	yh_selector *sel = NULL;
	const yh_selection *selection;
	yh_announcement a;
	const char *task_id = task->id;
	int rc;

	memset(&f, 0, sizeof(f));
	*nreserves = 0;
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
	nf.as_of = nf2.as_of = f.freeze_seq;
	/* the draw on two cores reads from both ends at once, on a second connection (when the
	 * store opens again: not a temporary one); the audit rebuilds the root from one ordered
	 * scan */
	if (!check_entities && both_cores(opt ? opt->threads : 0) &&
	    yh_store_open_again(&second, store) == YH_OK) {
		if ((rc = yh_selector_new(&sel, &f, seed, 1, opt ? opt->on_progress : NULL,
		                          opt ? opt->progress_ctx : NULL)) < 0)
			goto done;
		yh_selector_lookup_names(sel, store_names, &nf);
		/* after the scan, the selected's names are read on the second connection while
		 * this thread forms the teams and writes the transcript */
		nf2.store = second;
		yh_selector_lookup_ahead(sel, store_names, &nf2);
		if ((rc = yh_draw_scan_both(store, second, &f, sel)) < 0)
			goto done;
	} else {
		if ((rc = yh_selector_new(&sel, &f, seed, opt ? opt->threads : 0,
		                          opt ? opt->on_progress : NULL, opt ? opt->progress_ctx : NULL)) < 0 ||
		    (check_entities && (rc = yh_merkle_new(&feed.m)) < 0))
			goto done;
		yh_selector_lookup_names(sel, store_names, &nf);
		feed.sel = sel;
		if ((rc = yh_frozen_scan(store, &f, feed.m ? hash_row : NULL, select_row, &feed)) < 0)
			goto done;
	}
	if (feed.m) {
		unsigned char root[32];

		yh_merkle_root(root, feed.m);
		if (memcmp(root, a.entity_root, 32) != 0) {
			rc = yh_error_set(YH_ESTORE, "the entities as of the commitment no longer give the "
			                  "committed root: task '%s'", task_id);
			goto done;
		}
	}
	if ((rc = yh_selector_close(&selection, sel)) < 0) {
		if (rc == YH_ESTALE)
			rc = yh_error_set(YH_ESTORE, "%s: the store changed since the commit of task '%s'",
			                  yh_error_message(), task_id);
		goto done;
	}
	*nreserves = selection->nreserves;
	pass_reserves(selection, opt);
	if ((rc = yh_transcript_begin(&out.w, ann, secret, value, seed, selection, write, write_ctx)) < 0)
		goto done;
	yh_selector_forget_reserves(sel); /* written; passed on */
	if ((rc = yh_selector_emit(sel, 1, stream_entry, &out)) < 0 ||
	    (rc = yh_transcript_end(out.w)) < 0)
		goto done;
done:
	yh_transcript_writer_free(out.w);
	yh_selector_free(sel);
	yh_store_close(second);
	yh_merkle_free(feed.m);
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

static int record_entry(void *ctx, const yh_selected *e)
{
	recorder *r = ctx;
	const char *v[2] = { e->id, NULL };
	size_t len[2] = { strlen(e->id), 0 }, j;
	json_t *entry;
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
	if (!r->user)
		return 0;
	/* the caller's entries as JSON, until it says it has enough */
	if (!(entry = yh_selected_json(e)))
		return yh_error_set(YH_ENOMEM, "out of memory passing on the selected entities");
	if ((rc = r->user(r->user_ctx, entry)) > 0)
		r->user = NULL;
	json_decref(entry);
	return rc > 0 ? 0 : rc;
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

/*
 * The transcript as it is written: hashed, spooled to an unlinked temporary file (the store
 * needs its length before it takes the bytes: SQLite's blob is made at its full size), and
 * passed to the caller's on_transcript.  Memory stays at the spool's buffer whatever the size.
 */
#define SPOOL_BUF ((size_t)1 << 20)

typedef struct {
	FILE *fp;
	char *buf;
	yh_digest_file sha;
	uint64_t len;
	yh_draw_bytes_fn user;
	void *user_ctx;
} spool;

static int spool_open(spool *sp)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd, n;

	if (!dir || !*dir)
		dir = "/tmp";
	n = snprintf(path, sizeof(path), "%s/yaohao-transcript-XXXXXX", dir);
	if (n < 0 || (size_t)n >= sizeof(path))
		return yh_error_set(YH_EIO, "the temporary folder's name is too long: '%s'", dir);
	if ((fd = mkstemp(path)) < 0)
		return yh_error_set(YH_EIO, "cannot make a temporary file in '%s': %s", dir, strerror(errno));
	unlink(path); /* gone at once: nothing is left behind however the draw ends */
	if (!(sp->fp = fdopen(fd, "w+b"))) {
		close(fd);
		return yh_error_set(YH_ENOMEM, "out of memory");
	}
	if ((sp->buf = malloc(SPOOL_BUF)))
		setvbuf(sp->fp, sp->buf, _IOFBF, SPOOL_BUF);
	yh_digest_file_init(&sp->sha);
	return YH_OK;
}

static int spool_write(void *ctx, const char *bytes, size_t n)
{
	spool *sp = ctx;
	int rc;

	if (fwrite(bytes, 1, n, sp->fp) != n)
		return yh_error_set(YH_EIO, "cannot write the transcript to a temporary file: %s",
		                    strerror(errno));
	yh_digest_file_update(&sp->sha, bytes, n);
	sp->len += n;
	if (sp->user && (rc = sp->user(sp->user_ctx, bytes, n)) != 0)
		return yh_error_set(rc < 0 ? rc : YH_ERROR, "the caller's transcript writer stopped the "
		                    "draw (%d)", rc);
	return YH_OK;
}

/* Back to the start, for reading. */
static int spool_rewind(spool *sp)
{
	if (fflush(sp->fp) != 0 || fseek(sp->fp, 0, SEEK_SET) != 0)
		return yh_error_set(YH_EIO, "cannot read the transcript back from a temporary file: %s",
		                    strerror(errno));
	return YH_OK;
}

static int spool_read(void *ctx, void *buf, size_t n)
{
	spool *sp = ctx;

	if (fread(buf, 1, n, sp->fp) != n)
		return yh_error_set(YH_EIO, "cannot read the transcript back from a temporary file");
	return YH_OK;
}

static void spool_close(spool *sp)
{
	if (sp->fp)
		fclose(sp->fp);
	free(sp->buf);
}

static int record_draw(yh_draw_result *res, yh_store *store, const char *task_id, uint64_t seq,
                       spool *sp, uint64_t selected, const unsigned char seed[32])
{
	int rc;

	if ((rc = spool_rewind(sp)) < 0 ||
	    (rc = yh_draw_store_transcript(store, task_id, seq, sp->len, spool_read, sp)) < 0)
		return rc;
	memset(res, 0, sizeof(*res));
	res->seq = seq;
	res->selected = selected;
	memcpy(res->seed, seed, 32);
	yh_digest_file_final(&sp->sha, res->transcript_sha256);
	return yh_ledger_append(store, seq, "draw",
	                        json_pack("{s:s, s:o, s:o, s:I}", "task_id", task_id,
	                                  "transcript_sha256", yh_hex_json(res->transcript_sha256, 32),
	                                  "seed", yh_hex_json(seed, 32), "selected", (json_int_t)selected));
}

/* The whole transcript read back into memory, for a caller that asked for it. */
static int spool_text(char **out, spool *sp)
{
	char *t;

	if (sp->len >= SIZE_MAX || !(t = malloc((size_t)sp->len + 1)))
		return yh_error_set(YH_ENOMEM, "out of memory reading the transcript");
	if (spool_rewind(sp) < 0 || spool_read(sp, t, (size_t)sp->len) < 0) {
		free(t);
		return yh_error_code();
	}
	t[sp->len] = '\0';
	*out = t;
	return YH_OK;
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

/* The options as this library reads them: version 1's members, and version 2's when given. */
static int read_options(yh_draw_options *o, const yh_draw_options *given)
{
	static const yh_draw_options defaults = YH_DRAW_OPTIONS_INIT;

	*o = defaults;
	if (!given)
		return YH_OK;
	if (given->version == 1) {
		memcpy(o, given, offsetof(yh_draw_options, on_transcript));
		o->version = YH_DRAW_OPTIONS_VERSION;
		return YH_OK;
	}
	if (given->version != YH_DRAW_OPTIONS_VERSION)
		return yh_error_set(YH_EINVAL, "draw options of version %u: this library reads versions 1 "
		                    "to %u (initialise them with YH_DRAW_OPTIONS_INIT)", given->version,
		                    YH_DRAW_OPTIONS_VERSION);
	*o = *given;
	return YH_OK;
}

int yh_draw_run(char **out, yh_draw_result *result, yh_store *store, const char *task_id,
                const char *value, const yh_draw_options *options)
{
	yh_draw_options opt;
	yh_task *task = NULL;
	json_t *ann = NULL;
	unsigned char secret[YH_SECRET_BYTES], seed[32];
	const yh_key *key;
	recorder rec;
	spool sp;
	yh_draw_result res;
	yh_task_state state;
	uint64_t head, nreserves = 0;
	char *text = NULL;
	int rc, in_tx = 0;

	memset(&res, 0, sizeof(res));
	memset(&rec, 0, sizeof(rec));
	memset(&sp, 0, sizeof(sp));
	sodium_memzero(secret, sizeof(secret));
	if (out)
		*out = NULL;
	if (result)
		memset(result, 0, sizeof(*result));
	if ((rc = read_options(&opt, options)) < 0)
		return rc;
	rec.user = opt.on_selected;
	rec.user_ctx = opt.selected_ctx;
	sp.user = opt.on_transcript;
	sp.user_ctx = opt.transcript_ctx;
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
	    (rc = spool_open(&sp)) < 0 ||
	    (rc = compute(seed, &nreserves, store, task, ann, secret, value, 0, spool_write, &sp,
	                  record_entry, &rec, &opt)) < 0 ||
	    (rc = end_recording(&rec)) < 0 ||
	    (rc = yh_ledger_head(&head, store)) < 0 ||
	    (rc = record_draw(&res, store, task_id, head + 1, &sp, rec.count, seed)) < 0 ||
	    (out && (rc = spool_text(&text, &sp)) < 0) ||
	    (rc = yh_store_commit(store)) < 0)
		goto done;
	in_tx = 0;
	res.reserves = nreserves;
	if (result)
		*result = res;
	if (out) {
		*out = text;
		text = NULL;
	}
done:
	sodium_memzero(secret, sizeof(secret));
	recorder_free(&rec);
	spool_close(&sp);
	if (in_tx)
		yh_store_rollback(store);
	free(text);
	json_decref(ann);
	yh_task_free(task);
	return rc;
}

/* The audit's replay: the transcript gathered in memory, to compare with the recorded bytes. */
static int gather(void *ctx, const char *bytes, size_t n)
{
	yh_textbuf *b = ctx;

	yh_textbuf_put(b, bytes, n);
	return b->failed ? yh_error_set(YH_ENOMEM, "out of memory building the transcript") : YH_OK;
}

int yh_draw_replay(char **out, yh_store *store, const char *task_id, const char *announcement,
                   const char *transcript)
{
	yh_task *task = NULL;
	json_t *ann = NULL, *tr = NULL;
	unsigned char secret[YH_SECRET_BYTES];
	yh_textbuf b = { 0 };
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
		uint64_t nreserves;

		if ((rc = compute(seed, &nreserves, store, task, ann, secret, value, 1, gather, &b, NULL,
		                  NULL, NULL)) == YH_OK) {
			*out = b.p;
			b.p = NULL;
		}
	}
done:
	sodium_memzero(secret, sizeof(secret));
	free(b.p);
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
