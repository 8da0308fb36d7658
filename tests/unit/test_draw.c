/* test_draw.c — commit, reveal and draw through the public API (yaohao/draw.h, docs/spec.md §4-§10). */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "testutil.h"

/* yh_draw_run's result, where a test does not look at it */
static yh_draw_result tu_draw_result;
#include "store/sqlite.h" /* private: struct yh_store, to fingerprint the task tables */
#include "windows.h"      /* private: the windows a commit fixes, as the audit recomputes them */
#include "store/store.h"  /* private: the drawn rows (yh_check_drawn) */
#include "frozen.h"       /* private: the scan (yh_frozen_scan) */
#include "draw_scan.h"    /* private: the scan from both ends (yh_draw_scan_both) */

#define FOOD "T-2026-12-FOOD"
#define FOOD_VALUE "public value for food"
#define SCJG "330100-SCJG"
#define STHJ "330100-STHJ"
/* as tests/vectors/mkvectors.c names it, so that the food vector comes out byte for byte */
#define SOURCE "test vector: a fixed public value"

/* ---- small helpers ------------------------------------------------------------------------ */

/* A new store with the vectors' key (committing seals the secret with the store's key). */
static yh_store *store_named(const char *name)
{
	yh_store *store = NULL;
	yh_key *key = tu_key_from_label(TU_VECTOR_KEY);
	int rc = yh_store_create(&store, tu_path(name), TU_DEPARTMENT);

	ck_assert_msg(rc == YH_OK, "yh_store_create(%s): %d %s", name, rc, yh_error_message());
	ck_assert_msg(yh_store_set_key(store, key) == YH_OK, "%s", yh_error_message());
	yh_key_free(key);
	return store;
}

static void import_set(yh_store *store, const char *entities, const char *inspectors, const char *conflicts)
{
	yh_import_report rep;

	tu_import_ok(&rep, store, YH_REGISTER_ENTITIES, entities, NULL);
	tu_import_ok(&rep, store, YH_REGISTER_INSPECTORS, inspectors, NULL);
	tu_import_ok(&rep, store, YH_REGISTER_CONFLICTS, conflicts, NULL);
	tu_import_ok(&rep, store, YH_REGISTER_ITEMS, tu_fixture("items.csv"), NULL);
}

/* A store holding the four fixture registers (ledger entries 1-5). */
static yh_store *fixture_store(const char *name)
{
	yh_store *store = store_named(name);

	import_set(store, tu_fixture("entities.csv"), tu_fixture("inspectors.csv"), tu_fixture("conflicts.csv"));
	ck_assert_uint_eq(tu_ledger_head(store), 6); /* init, key, four imports */
	return store;
}

/* The store tests/vectors/mkvectors.c draws the vectors in: signed with a key from a fixed
 * seed, then the four fixture registers.  *key must outlive the store. */
static yh_store *vector_store(const char *name, yh_key **key)
{
	yh_store *store = store_named(name);

	*key = tu_key_from_label(TU_VECTOR_KEY);
	import_set(store, tu_fixture("entities.csv"), tu_fixture("inspectors.csv"), tu_fixture("conflicts.csv"));
	return store;
}

static void add_task_file(yh_store *store, const char *path)
{
	yh_task *t = NULL;
	uint64_t seq;

	ck_assert_msg(yh_task_load_file(&t, path) == YH_OK, "%s: %s", path, yh_error_message());
	ck_assert_msg(yh_task_add(&seq, store, t) == YH_OK, "%s", yh_error_message());
	yh_task_free(t);
}

static void add_task(yh_store *store, const char *json)
{
	yh_task *t = NULL;
	uint64_t seq;

	ck_assert_msg(yh_task_parse(&t, json, strlen(json), "task") == YH_OK, "%s\n%s", yh_error_message(), json);
	ck_assert_msg(yh_task_add(&seq, store, t) == YH_OK, "%s", yh_error_message());
	yh_task_free(t);
}

static char *commit_ok(yh_store *store, const char *task_id, const char *secret_label)
{
	unsigned char secret[32];
	yh_commit_options opt = YH_COMMIT_OPTIONS_INIT;
	char *ann = NULL;
	uint64_t seq = 0;
	int rc;

	tu_sha256_label(secret, secret_label);
	opt = (yh_commit_options)YH_COMMIT_OPTIONS_INIT;
	opt.entropy_source = SOURCE;
	opt.secret = secret;
	rc = yh_draw_commit(&ann, &seq, store, task_id, &opt);
	ck_assert_msg(rc == YH_OK, "commit %s: %d %s", task_id, rc, yh_error_message());
	ck_assert_ptr_nonnull(ann);
	ck_assert_uint_eq(seq, tu_ledger_head(store));
	return ann;
}

static int commit_rc(yh_store *store, const char *task_id)
{
	unsigned char secret[32];
	yh_commit_options opt = YH_COMMIT_OPTIONS_INIT;
	char *ann = (char *)0x1;
	uint64_t seq = 99;
	int rc;

	tu_sha256_label(secret, "commit_rc");
	opt = (yh_commit_options)YH_COMMIT_OPTIONS_INIT;
	opt.entropy_source = SOURCE;
	opt.secret = secret;
	rc = yh_draw_commit(&ann, &seq, store, task_id, &opt);
	if (rc != YH_OK) {
		ck_assert_ptr_null(ann);
		ck_assert_uint_eq(seq, 0);
	} else {
		free(ann);
	}
	return rc;
}

static char *draw_ok(yh_store *store, const char *task_id, const char *value)
{
	char *tr = NULL;
	yh_draw_result dr;
	int rc = yh_draw_run(&tr, &dr, store, task_id, value, NULL);

	ck_assert_msg(rc == YH_OK, "draw %s: %d %s", task_id, rc, yh_error_message());
	ck_assert_ptr_nonnull(tr);
	ck_assert_uint_eq(dr.seq, tu_ledger_head(store));
	return tr;
}

/* The selected ids of a transcript in rank order, joined by ','. */
static char *selected_ids(const char *transcript)
{
	json_t *t = tu_json(transcript), *e;
	tu_buf b = { 0 };
	size_t i;

	json_array_foreach(json_object_get(t, "selected"), i, e)
		tu_buf_fmt(&b, "%s%s", i ? "," : "", tu_jstr(e, "id"));
	json_decref(t);
	return tu_buf_take(&b);
}

static int id_listed(const char *list, const char *id)
{
	const char *p = list;
	size_t n = strlen(id);

	while ((p = strstr(p, id)) != NULL) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

static void dump_sql(tu_buf *b, yh_store *store, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int i, step;

	ck_assert_int_eq(sqlite3_prepare_v2(store->db, sql, -1, &st, NULL), SQLITE_OK);
	tu_buf_fmt(b, "== %s\n", sql);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < sqlite3_column_count(st); i++) {
			if (i)
				tu_buf_add(b, "|", 1);
			if (sqlite3_column_type(st, i) == SQLITE_BLOB && sqlite3_column_bytes(st, i) > 256)
				/* a transcript: its bytes, as text */
				tu_buf_add(b, sqlite3_column_blob(st, i), (size_t)sqlite3_column_bytes(st, i));
			else if (sqlite3_column_type(st, i) == SQLITE_BLOB)
				tu_buf_fmt(b, "%s", tu_hex(sqlite3_column_blob(st, i), (size_t)sqlite3_column_bytes(st, i)));
			else if (sqlite3_column_type(st, i) == SQLITE_NULL)
				tu_buf_add(b, "NULL", 4);
			else
				tu_buf_add(b, (const char *)sqlite3_column_text(st, i), (size_t)sqlite3_column_bytes(st, i));
		}
		tu_buf_add(b, "\n", 1);
	}
	ck_assert_int_eq(step, SQLITE_DONE);
	sqlite3_finalize(st);
}

/* Everything in the store, the task tables included. */
static char *fingerprint(yh_store *store)
{
	char *base = tu_store_fingerprint(store);
	tu_buf b = { 0 };

	tu_buf_add(&b, base, strlen(base));
	free(base);
	dump_sql(&b, store, "SELECT * FROM task ORDER BY id");
	dump_sql(&b, store, "SELECT * FROM task_commit ORDER BY task_id");
	dump_sql(&b, store, "SELECT * FROM task_draw ORDER BY task_id");
	dump_sql(&b, store, "SELECT * FROM drawn_entity ORDER BY task_id, entity_id");
	dump_sql(&b, store, "SELECT * FROM drawn_pair ORDER BY task_id, entity_id, inspector_id");
	return tu_buf_take(&b);
}

static int secret_is_stored(yh_store *store, const char *task_id)
{
	sqlite3_stmt *st = NULL;
	int n;

	ck_assert_int_eq(sqlite3_prepare_v2(store->db, "SELECT secret IS NOT NULL FROM task_commit WHERE task_id = ?1",
	                                    -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, task_id, -1, SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

static const char *state_of(yh_store *store, const char *task_id)
{
	yh_task_state st;

	ck_assert_int_eq(yh_task_state_get(&st, store, task_id), YH_OK);
	return yh_task_state_name(st);
}

/* Lines of a file, each with its terminator. */
typedef struct {
	char *text;
	char **line;
	size_t *len;
	size_t n;
} lines;

static void lines_read(lines *l, const char *path)
{
	size_t total, cap = 0;
	char *p, *end;

	memset(l, 0, sizeof(*l));
	l->text = tu_read(path, &total);
	for (p = l->text, end = p + total; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);

		if (l->n == cap) {
			cap = cap ? cap * 2 : 512;
			l->line = realloc(l->line, cap * sizeof(char *));
			l->len = realloc(l->len, cap * sizeof(size_t));
			ck_assert(l->line && l->len);
		}
		l->line[l->n] = p;
		l->len[l->n++] = n;
		p += n;
	}
}

static void lines_free(lines *l)
{
	free(l->text);
	free(l->line);
	free(l->len);
}

/* Field number `field` (0-based) of an unquoted CSV line, into out. */
static void first_field(char *out, size_t size, const char *line, size_t len, unsigned field)
{
	size_t i = 0, o = 0;
	unsigned f = 0;

	for (i = 0; i < len && line[i] != '\n' && line[i] != '\r'; i++) {
		if (line[i] == ',') {
			f++;
			continue;
		}
		if (f == field && o + 1 < size)
			out[o++] = line[i];
	}
	out[o] = '\0';
}

static uint64_t rng_state;

#define rng() tu_rng(&rng_state)

/* Writes `path` as a copy of `src` with the data rows in a fixed shuffled order. */
static void write_shuffled(const char *path, const char *src, uint64_t seed)
{
	lines l;
	size_t i, *perm;
	FILE *fp;

	lines_read(&l, src);
	ck_assert_uint_gt(l.n, 3);
	perm = calloc(l.n, sizeof(size_t));
	for (i = 0; i < l.n; i++)
		perm[i] = i;
	rng_state = seed;
	for (i = l.n - 1; i > 1; i--) { /* Fisher-Yates over lines 1..n-1; the header stays */
		size_t j = 1 + (size_t)(rng() % i), tmp = perm[i];

		perm[i] = perm[j];
		perm[j] = tmp;
	}
	fp = fopen(path, "wb");
	ck_assert_ptr_nonnull(fp);
	for (i = 0; i < l.n; i++)
		ck_assert_uint_eq(fwrite(l.line[perm[i]], 1, l.len[perm[i]], fp), l.len[perm[i]]);
	ck_assert_int_eq(fclose(fp), 0);
	free(perm);
	lines_free(&l);
	{
		char *a = tu_read(src, NULL), *b = tu_read(path, NULL);

		ck_assert_msg(strcmp(a, b) != 0, "the shuffle left %s as it was", src);
		ck_assert_uint_eq(strlen(a), strlen(b));
		free(a);
		free(b);
	}
}

/* ---- the worked example and determinism --------------------------------------------------- */

START_TEST(test_food_vector)
{
	yh_key *key = NULL;
	yh_store *store = vector_store("food.db", &key);
	char *ann, *tr, *golden_ann, *golden_tr;
	json_t *t, *first, *leader;
	unsigned char secret[32], commitment[32], buf2[64];
	uint64_t freeze;

	add_task_file(store, tu_fixture("task-food.json"));
	freeze = tu_ledger_head(store);
	ck_assert_str_eq(state_of(store, FOOD), "planned");
	ann = commit_ok(store, FOOD, "yaohao test vector food");
	ck_assert_str_eq(state_of(store, FOOD), "committed");
	ck_assert_int_eq(secret_is_stored(store, FOOD), 1);
	ck_assert_ptr_null(strstr(ann, "\"secret\""));
	tr = draw_ok(store, FOOD, FOOD_VALUE);
	ck_assert_str_eq(state_of(store, FOOD), "drawn");
	/* the secret is public now and no longer kept in the commitment row */
	ck_assert_int_eq(secret_is_stored(store, FOOD), 0);

	/* the committed vectors (files end with one LF that is not part of the text) */
	golden_ann = tu_read(tu_fixture("vectors/food/announcement.json"), NULL);
	golden_tr = tu_read(tu_fixture("vectors/food/transcript.json"), NULL);
	ck_assert_uint_gt(strlen(golden_ann), 1);
	golden_ann[strlen(golden_ann) - 1] = '\0';
	golden_tr[strlen(golden_tr) - 1] = '\0';
	ck_assert_msg(strcmp(ann, golden_ann) == 0, "the announcement differs from fixtures/vectors/food");
	ck_assert_msg(strcmp(tr, golden_tr) == 0, "the transcript differs from fixtures/vectors/food");

	/* the recorded texts are the returned ones */
	{
		char *a2 = NULL, *t2 = NULL;

		ck_assert_int_eq(yh_draw_announcement(&a2, store, FOOD), YH_OK);
		ck_assert_int_eq(yh_draw_transcript(&t2, store, FOOD), YH_OK);
		ck_assert_str_eq(a2, ann);
		ck_assert_str_eq(t2, tr);
		free(a2);
		free(t2);
	}

	/* format /2, recomputed here from docs/spec.md over the registers as of the freeze */
	t = tu_json(tr);
	{
		json_t *a = tu_json(ann), *task = json_object_get(a, "task");
		unsigned char digest[32], seed[32], root[32];
		char *canonical = tu_spec_canonical(task), **rows;
		size_t nrows, i, eligible = 0;

		ck_assert_str_eq(tu_jstr(t, "format"), "yaohao-transcript/2");
		ck_assert_str_eq(tu_jstr(a, "format"), "yaohao-announcement/2");
		/* §3 the task digest */
		tu_spec_task_digest(digest, canonical);
		ck_assert_str_eq(tu_jstr(t, "task_digest"), tu_hex(digest, 32));
		free(canonical);
		/* §2 the three roots over every row, from the registers exported as of the freeze (which
		 * are the vector's files); §4 the eligible counts, by the food task's rules written out */
		tu_export_registers(store, freeze);
		tu_spec_file_root(root, tu_path("entities.csv"), 8, &nrows);
		ck_assert_str_eq(tu_jstr(json_object_get(t, "entities"), "root"), tu_hex(root, 32));
		ck_assert_int_eq(tu_jint(json_object_get(t, "entities"), "count"), (json_int_t)nrows);
		ck_assert_uint_eq(nrows, 300);
		rows = tu_csv_rows(tu_path("entities.csv"), 8, &nrows);
		for (i = 0; i < nrows; i++) {
			char *const *r = rows + 8 * i;

			eligible += strcmp(r[6], "active") == 0 && strncmp(r[3], "3301", 4) == 0 &&
			            (strncmp(r[4], "F52", 3) == 0 || strncmp(r[4], "H62", 3) == 0 ||
			             strncmp(r[4], "C14", 3) == 0);
		}
		tu_csv_free(rows, 8, nrows);
		ck_assert_int_eq(tu_jint(json_object_get(t, "entities"), "eligible"), (json_int_t)eligible);
		ck_assert_uint_eq(eligible, 136);
		tu_spec_file_root(root, tu_path("inspectors.csv"), 6, &nrows);
		ck_assert_str_eq(tu_jstr(json_object_get(t, "inspectors"), "root"), tu_hex(root, 32));
		ck_assert_int_eq(tu_jint(json_object_get(t, "inspectors"), "count"), (json_int_t)nrows);
		ck_assert_uint_eq(nrows, 40);
		rows = tu_csv_rows(tu_path("inspectors.csv"), 6, &nrows);
		for (eligible = 0, i = 0; i < nrows; i++) {
			char *const *r = rows + 6 * i;

			eligible += strcmp(r[5], "active") == 0 && strcmp(r[3], "2026-12-01") >= 0 && strcmp(r[2], SCJG) == 0;
		}
		tu_csv_free(rows, 6, nrows);
		ck_assert_int_eq(tu_jint(json_object_get(t, "inspectors"), "eligible"), (json_int_t)eligible);
		ck_assert_uint_eq(eligible, 18);
		tu_spec_file_root(root, tu_path("conflicts.csv"), 3, &nrows);
		ck_assert_str_eq(tu_jstr(json_object_get(t, "conflicts"), "root"), tu_hex(root, 32));
		ck_assert_int_eq(tu_jint(json_object_get(t, "conflicts"), "count"), 15);
		ck_assert_uint_eq(nrows, 15);
		{
			static const char *const names[] = { "entities.csv", "inspectors.csv", "conflicts.csv" };

			for (i = 0; i < 3; i++) {
				char path[64], *x, *y;

				snprintf(path, sizeof(path), "vectors/food/%s", names[i]);
				x = tu_read(tu_path(names[i]), NULL);
				y = tu_read(tu_fixture(path), NULL);
				ck_assert_msg(strcmp(x, y) == 0, "%s is not the vector's", names[i]);
				free(x);
				free(y);
			}
		}
		/* §6 the first announcement of its store; §7 the seed from the announcement's digest */
		ck_assert_int_eq(tu_jint(json_object_get(a, "chain"), "seq"), 1);
		ck_assert(json_is_null(json_object_get(json_object_get(a, "chain"), "prev")));
		ck_assert_uint_eq(json_array_size(json_object_get(a, "earlier")), 0);
		tu_spec_announcement_digest(digest, ann);
		tu_sha256_label(secret, "yaohao test vector food");
		tu_spec_seed(seed, digest, secret, FOOD_VALUE);
		ck_assert_str_eq(tu_jstr(t, "seed"), tu_hex(seed, 32));
		/* the transcript gives the announcement back (§10) */
		tu_spec_rebuilt_digest(root, t);
		ck_assert_mem_eq(root, digest, 32);
		/* §8 the rank-1 ticket and §9 its leader's pair ticket, the lowest of its team */
		first = json_array_get(json_object_get(t, "selected"), 0);
		tu_spec_ticket(digest, seed, tu_jstr(first, "id"));
		ck_assert_str_eq(tu_jstr(first, "ticket"), tu_hex(digest, 32));
		leader = json_array_get(json_object_get(first, "team"), 0);
		ck_assert_str_eq(tu_jstr(leader, "role"), "leader");
		tu_spec_pair_ticket(digest, seed, tu_jstr(first, "id"), tu_jstr(leader, "id"));
		ck_assert_str_eq(tu_jstr(leader, "pair_ticket"), tu_hex(digest, 32));
		ck_assert_int_lt(strcmp(tu_jstr(leader, "pair_ticket"),
		                        tu_jstr(json_array_get(json_object_get(first, "team"), 1), "pair_ticket")), 0);
		json_decref(a);
	}
	ck_assert_str_eq(tu_jstr(t, "entropy_value"), FOOD_VALUE);
	ck_assert_int_eq(tu_jint(t, "freeze_seq"), (json_int_t)freeze);
	ck_assert_uint_eq(json_array_size(json_object_get(t, "selected")), 17);
	/* the commitment opens */
	tu_sha256_label(secret, "yaohao test vector food");
	memcpy(buf2, "yaohao:commit:v1", 17);
	memcpy(buf2 + 17, secret, 32);
	crypto_hash_sha256(commitment, buf2, 49);
	ck_assert_str_eq(tu_hex(commitment, 32), tu_jstr(t, "commitment"));
	json_decref(t);
	free(golden_ann);
	free(golden_tr);
	free(ann);
	free(tr);
	yh_store_close(store);
	yh_key_free(key);
}
END_TEST

START_TEST(test_two_stores_identical)
{
	yh_store *a = fixture_store("a.db"), *b = fixture_store("b.db");
	char *ann_a, *ann_b, *tr_a, *tr_b;

	add_task_file(a, tu_fixture("task-food.json"));
	add_task_file(b, tu_fixture("task-food.json"));
	ann_a = commit_ok(a, FOOD, "two stores");
	ann_b = commit_ok(b, FOOD, "two stores");
	ck_assert_str_eq(ann_a, ann_b);
	tr_a = draw_ok(a, FOOD, "2026-12-01 的公开值");
	tr_b = draw_ok(b, FOOD, "2026-12-01 的公开值");
	ck_assert_msg(strcmp(tr_a, tr_b) == 0, "two stores drew different transcripts");
	/* and the ledger records the same transcript digest */
	{
		char *pa = tu_ledger_payload(a, tu_ledger_head(a), NULL), *pb = tu_ledger_payload(b, tu_ledger_head(b), NULL);
		unsigned char d[32];

		ck_assert_str_eq(pa, pb);
		crypto_hash_sha256(d, (const unsigned char *)tr_a, strlen(tr_a));
		ck_assert_ptr_nonnull(strstr(pa, tu_hex(d, 32)));
		free(pa);
		free(pb);
	}
	free(ann_a);
	free(ann_b);
	free(tr_a);
	free(tr_b);
	yh_store_close(a);
	yh_store_close(b);
}
END_TEST

/* The transcript streamed to on_transcript (what the CLI's -o writes) is the recorded one, byte
 * for byte, in pieces; the callbacks that say "enough" are not called again; a failing
 * on_transcript stops the draw, which records nothing; and a version 1 options struct, which has
 * no on_transcript, is still read (its missing members are not). */
typedef struct {
	tu_buf b;
	size_t pieces;
	int fail;
} streamed_out;

static int take_bytes(void *ctx, const char *bytes, size_t n)
{
	streamed_out *o = ctx;
	char *t;

	if (o->fail)
		return YH_EIO;
	o->pieces++;
	t = malloc(n + 1);
	ck_assert_ptr_nonnull(t);
	memcpy(t, bytes, n);
	t[n] = '\0';
	tu_buf_str(&o->b, t);
	free(t);
	return 0;
}

static int enough_after_two(void *ctx, const json_t *entry)
{
	size_t *n = ctx;

	ck_assert_ptr_nonnull(json_object_get(entry, "id"));
	return ++*n >= 2;
}

START_TEST(test_draw_streams_transcript)
{
	yh_store *store = fixture_store("stream.db");
	yh_draw_options opt = YH_DRAW_OPTIONS_INIT;
	streamed_out o = { { 0 }, 0, 1 };
	yh_draw_result dr;
	size_t selected = 0, reserves = 0;
	char *tr = NULL, *stored = NULL, *fp;
	uint64_t head;
	unsigned char d[32];

	add_task_file(store, tu_fixture("task-food.json"));
	free(commit_ok(store, FOOD, "streamed"));
	head = tu_ledger_head(store);
	fp = fingerprint(store);
	opt.on_transcript = take_bytes;
	opt.transcript_ctx = &o;
	ck_assert_int_eq(yh_draw_run(&tr, &dr, store, FOOD, FOOD_VALUE, &opt), YH_EIO);
	ck_assert_ptr_null(tr);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "transcript"));
	ck_assert_uint_eq(tu_ledger_head(store), head);
	{
		char *after = fingerprint(store);

		ck_assert_str_eq(after, fp);
		free(after);
	}
	o.fail = 0;
	opt.on_selected = enough_after_two;
	opt.selected_ctx = &selected;
	opt.on_reserve = enough_after_two;
	opt.reserve_ctx = &reserves;
	ck_assert_msg(yh_draw_run(&tr, &dr, store, FOOD, FOOD_VALUE, &opt) == YH_OK, "%s", yh_error_message());
	ck_assert_uint_ge(o.pieces, 1); /* in pieces of 64 KiB: test_select writes many */
	ck_assert_str_eq(o.b.s, tr);
	ck_assert_int_eq(yh_draw_transcript(&stored, store, FOOD), YH_OK);
	ck_assert_str_eq(stored, tr);
	crypto_hash_sha256(d, (const unsigned char *)tr, strlen(tr));
	ck_assert_mem_eq(d, dr.transcript_sha256, 32);
	ck_assert_uint_gt(dr.selected, 2);
	ck_assert_uint_gt(dr.reserves, 2);
	ck_assert_uint_eq(selected, 2);
	ck_assert_uint_eq(reserves, 2);
	free(tr);
	free(stored);
	free(o.b.s);
	free(fp);
	yh_store_close(store);

	/* version 1: on_transcript lies past its end and must not be read */
	store = fixture_store("stream-v1.db");
	add_task_file(store, tu_fixture("task-food.json"));
	free(commit_ok(store, FOOD, "streamed"));
	{
		union { yh_draw_options o; unsigned char bytes[sizeof(yh_draw_options)]; } v1;

		memset(v1.bytes, 0xa5, sizeof(v1.bytes)); /* garbage where version 2's members are */
		memset(&v1.o, 0, offsetof(yh_draw_options, on_transcript));
		v1.o.version = 1;
		v1.o.threads = 1;
		ck_assert_msg(yh_draw_run(&tr, &dr, store, FOOD, FOOD_VALUE, &v1.o) == YH_OK, "%s", yh_error_message());
		ck_assert_int_eq(yh_draw_transcript(&stored, store, FOOD), YH_OK);
		ck_assert_str_eq(stored, tr);
		free(tr);
		free(stored);
	}
	yh_store_close(store);
}
END_TEST

START_TEST(test_shuffled_files_identical)
{
	yh_store *a = fixture_store("plain.db"), *b = store_named("shuffled.db");
	char *ann_a, *ann_b, *tr_a, *tr_b;

	write_shuffled(tu_path("entities.csv"), tu_fixture("entities.csv"), 0x9e3779b97f4a7c15ull);
	write_shuffled(tu_path("inspectors.csv"), tu_fixture("inspectors.csv"), 0x1234567887654321ull);
	write_shuffled(tu_path("conflicts.csv"), tu_fixture("conflicts.csv"), 0x0badc0ffee0ddf00ull);
	import_set(b, tu_path("entities.csv"), tu_path("inspectors.csv"), tu_path("conflicts.csv"));
	add_task_file(a, tu_fixture("task-food.json"));
	add_task_file(b, tu_fixture("task-food.json"));
	ann_a = commit_ok(a, FOOD, "shuffle");
	ann_b = commit_ok(b, FOOD, "shuffle");
	ck_assert_msg(strcmp(ann_a, ann_b) == 0, "row order changed the announcement");
	tr_a = draw_ok(a, FOOD, FOOD_VALUE);
	tr_b = draw_ok(b, FOOD, FOOD_VALUE);
	ck_assert_msg(strcmp(tr_a, tr_b) == 0, "row order changed the transcript");
	free(ann_a);
	free(ann_b);
	free(tr_a);
	free(tr_b);
	yh_store_close(a);
	yh_store_close(b);
}
END_TEST

START_TEST(test_entropy_changes_selection)
{
	yh_store *a = fixture_store("a.db"), *b = fixture_store("b.db");
	char *ann_a, *ann_b, *tr_a, *tr_b, *ids_a, *ids_b;
	json_t *ja, *jb;

	add_task_file(a, tu_fixture("task-food.json"));
	add_task_file(b, tu_fixture("task-food.json"));
	ann_a = commit_ok(a, FOOD, "entropy");
	ann_b = commit_ok(b, FOOD, "entropy");
	ck_assert_str_eq(ann_a, ann_b);
	tr_a = draw_ok(a, FOOD, "drand quicknet round 24000000");
	tr_b = draw_ok(b, FOOD, "drand quicknet round 24000001");
	ids_a = selected_ids(tr_a);
	ids_b = selected_ids(tr_b);
	ck_assert_msg(strcmp(ids_a, ids_b) != 0, "one character of entropy left the selection as it was");
	ja = tu_json(tr_a);
	jb = tu_json(tr_b);
	ck_assert_str_ne(tu_jstr(ja, "seed"), tu_jstr(jb, "seed"));
	ck_assert_str_eq(tu_jstr(ja, "secret"), tu_jstr(jb, "secret"));
	/* the same number drawn either way */
	ck_assert_uint_eq(json_array_size(json_object_get(ja, "selected")), json_array_size(json_object_get(jb, "selected")));
	json_decref(ja);
	json_decref(jb);
	free(ids_a);
	free(ids_b);
	free(ann_a);
	free(ann_b);
	free(tr_a);
	free(tr_b);
	yh_store_close(a);
	yh_store_close(b);
}
END_TEST

/* ---- the order of operations --------------------------------------------------------------- */

START_TEST(test_lifecycle_errors)
{
	yh_store *store = fixture_store("life.db");
	yh_commit_options opt = YH_COMMIT_OPTIONS_INIT;
	char *out = (char *)0x1, *tr, *again, *fp_before;
	uint64_t seq = 7, head;

	add_task_file(store, tu_fixture("task-food.json"));
	/* draw before commit */
	head = tu_ledger_head(store);
	tu_draw_result.seq = 7;
	ck_assert_int_eq(yh_draw_run(&out, &tu_draw_result, store, FOOD, FOOD_VALUE, NULL), YH_ENOTFOUND);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(tu_draw_result.seq, 0);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "not committed"));
	ck_assert_uint_eq(tu_ledger_head(store), head);
	ck_assert_int_eq(yh_draw_transcript(&out, store, FOOD), YH_ENOTFOUND);
	ck_assert_int_eq(yh_draw_announcement(&out, store, FOOD), YH_ENOTFOUND);
	/* unknown tasks */
	ck_assert_int_eq(commit_rc(store, "T-NONE"), YH_ENOTFOUND);
	ck_assert_int_eq(yh_draw_run(&out, &tu_draw_result, store, "T-NONE", FOOD_VALUE, NULL), YH_ENOTFOUND);
	/* options of another version are refused, not misread */
	opt = (yh_commit_options)YH_COMMIT_OPTIONS_INIT;
	opt.version = 0;
	opt.entropy_source = "drand quicknet round 24000000";
	ck_assert_int_eq(yh_draw_commit(&out, &seq, store, FOOD, &opt), YH_EINVAL);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "YH_COMMIT_OPTIONS_INIT"));
	{
		yh_draw_options dopt = YH_DRAW_OPTIONS_INIT;

		dopt.version = YH_DRAW_OPTIONS_VERSION + 1;
		ck_assert_int_eq(yh_draw_run(&out, &tu_draw_result, store, FOOD, FOOD_VALUE, &dopt), YH_EINVAL);
		ck_assert_ptr_nonnull(strstr(yh_error_message(), "YH_DRAW_OPTIONS_INIT"));
		dopt.version = 0;
		ck_assert_int_eq(yh_draw_run(&out, &tu_draw_result, store, FOOD, FOOD_VALUE, &dopt), YH_EINVAL);
	}
	ck_assert_uint_eq(tu_ledger_head(store), head);
	/* a commit must name its entropy source */
	opt = (yh_commit_options)YH_COMMIT_OPTIONS_INIT;
	ck_assert_int_eq(yh_draw_commit(&out, &seq, store, FOOD, &opt), YH_EINVAL);
	ck_assert_int_eq(yh_draw_commit(&out, &seq, store, FOOD, NULL), YH_EINVAL);
	opt.entropy_source = "";
	ck_assert_int_eq(yh_draw_commit(&out, &seq, store, FOOD, &opt), YH_EINVAL);
	opt.entropy_source = "bad\ncontrol";
	ck_assert_int_eq(yh_draw_commit(&out, &seq, store, FOOD, &opt), YH_EINVAL);
	ck_assert_uint_eq(tu_ledger_head(store), head);
	ck_assert_str_eq(state_of(store, FOOD), "planned");

	free(commit_ok(store, FOOD, "life"));
	ck_assert_uint_eq(tu_ledger_head(store), head + 1);
	/* commit twice: refused, nothing written */
	fp_before = fingerprint(store);
	ck_assert_int_eq(commit_rc(store, FOOD), YH_EEXIST);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "committed already"));
	/* entropy values must be non-empty clean text of at most 1024 bytes */
	ck_assert_int_eq(yh_draw_run(&out, &tu_draw_result, store, FOOD, "", NULL), YH_EINVAL);
	ck_assert_int_eq(yh_draw_run(&out, &tu_draw_result, store, FOOD, NULL, NULL), YH_EINVAL);
	ck_assert_int_eq(yh_draw_run(&out, &tu_draw_result, store, FOOD, "tab\there", NULL), YH_EINVAL);
	ck_assert_int_eq(yh_draw_run(&out, &tu_draw_result, store, FOOD, "\xff\xfe", NULL), YH_EINVAL);
	{
		char big[1026];

		memset(big, 'v', 1025);
		big[1025] = '\0';
		ck_assert_int_eq(yh_draw_run(&out, &tu_draw_result, store, FOOD, big, NULL), YH_EINVAL);
	}
	{
		char *fp_after = fingerprint(store);

		ck_assert_str_eq(fp_before, fp_after);
		free(fp_after);
	}
	free(fp_before);

	tr = draw_ok(store, FOOD, FOOD_VALUE);
	head = tu_ledger_head(store);
	fp_before = fingerprint(store);
	/* drawing twice: YH_EEXIST, the ledger head and the transcript unchanged */
	out = (char *)0x1;
	ck_assert_int_eq(yh_draw_run(&out, &tu_draw_result, store, FOOD, FOOD_VALUE, NULL), YH_EEXIST);
	ck_assert_ptr_null(out);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "drawn already"));
	ck_assert_int_eq(yh_draw_run(&out, &tu_draw_result, store, FOOD, "another value", NULL), YH_EEXIST);
	ck_assert_int_eq(commit_rc(store, FOOD), YH_EEXIST);
	ck_assert_uint_eq(tu_ledger_head(store), head);
	ck_assert_int_eq(yh_draw_transcript(&again, store, FOOD), YH_OK);
	ck_assert_str_eq(again, tr);
	{
		char *fp_after = fingerprint(store);

		ck_assert_str_eq(fp_before, fp_after);
		free(fp_after);
	}
	free(fp_before);
	free(again);
	free(tr);
	yh_store_close(store);
}
END_TEST

START_TEST(test_commit_random_secret)
{
	/* without a pinned secret: a fresh one each time, never in the announcement */
	yh_store *a = fixture_store("a.db"), *b = fixture_store("b.db");
	yh_commit_options opt = YH_COMMIT_OPTIONS_INIT;
	char *ann_a = NULL, *ann_b = NULL, *tr;
	uint64_t seq;
	json_t *ja, *jb, *jt;
	unsigned char secret[32], digest[32], buf2[49];
	size_t len;

	add_task_file(a, tu_fixture("task-food.json"));
	add_task_file(b, tu_fixture("task-food.json"));
	opt = (yh_commit_options)YH_COMMIT_OPTIONS_INIT;
	opt.entropy_source = "drand quicknet round 24000000";
	ck_assert_int_eq(yh_draw_commit(&ann_a, &seq, a, FOOD, &opt), YH_OK);
	ck_assert_int_eq(yh_draw_commit(&ann_b, &seq, b, FOOD, &opt), YH_OK);
	ja = tu_json(ann_a);
	jb = tu_json(ann_b);
	ck_assert_str_ne(tu_jstr(ja, "commitment"), tu_jstr(jb, "commitment"));
	ck_assert_str_eq(tu_jstr(ja, "entropy_source"), "drand quicknet round 24000000");
	ck_assert_str_eq(tu_jstr(ja, "format"), "yaohao-announcement/2");
	ck_assert_str_eq(tu_jstr(ja, "department"), TU_DEPARTMENT);
	ck_assert_ptr_null(json_object_get(ja, "secret"));
	{
		char value[1025]; /* the longest value allowed: 1024 bytes */

		memset(value, 'v', 1024);
		value[1024] = '\0';
		tr = draw_ok(a, FOOD, value);
	}
	jt = tu_json(tr);
	ck_assert_str_eq(tu_jstr(jt, "format"), "yaohao-transcript/2");
	ck_assert_int_eq(sodium_hex2bin(secret, 32, tu_jstr(jt, "secret"), 64, NULL, &len, NULL), 0);
	ck_assert_uint_eq(len, 32);
	memcpy(buf2, "yaohao:commit:v1", 17);
	memcpy(buf2 + 17, secret, 32);
	crypto_hash_sha256(digest, buf2, 49);
	ck_assert_str_eq(tu_hex(digest, 32), tu_jstr(ja, "commitment"));
	ck_assert_str_eq(tu_jstr(jt, "commitment"), tu_jstr(ja, "commitment"));
	json_decref(ja);
	json_decref(jb);
	json_decref(jt);
	free(ann_a);
	free(ann_b);
	free(tr);
	yh_store_close(a);
	yh_store_close(b);
}
END_TEST

/* ---- frozen registers ---------------------------------------------------------------------- */

START_TEST(test_import_after_commit)
{
	/* store b draws as committed; store a gets, between commit and draw, registers that drop
	 * every entity b drew, put every officer b teamed on leave, and make every pair b formed a
	 * conflict.  a must still draw exactly what b drew. */
	yh_store *a = fixture_store("a.db"), *b = fixture_store("b.db");
	char *ann_a, *ann_b, *tr_a, *tr_b, id[64], *reg_before, *reg_after;
	tu_buf officers = { 0 };
	json_t *t, *e, *m;
	yh_import_report rep;
	lines l;
	size_t i, j;
	FILE *ent, *insp, *conf;

	add_task_file(a, tu_fixture("task-food.json"));
	add_task_file(b, tu_fixture("task-food.json"));
	ann_a = commit_ok(a, FOOD, "frozen");
	ann_b = commit_ok(b, FOOD, "frozen");
	tr_b = draw_ok(b, FOOD, FOOD_VALUE);
	t = tu_json(tr_b);

	ent = fopen(tu_path("entities-after.csv"), "wb");
	conf = fopen(tu_path("conflicts-after.csv"), "wb");
	ck_assert(ent && conf);
	fputs("entity_id,inspector_id,reason\n", conf);
	json_array_foreach(json_object_get(t, "selected"), i, e)
		json_array_foreach(json_object_get(e, "team"), j, m) {
			fprintf(conf, "%s,%s,后来发现的利害关系\n", tu_jstr(e, "id"), tu_jstr(m, "id"));
			tu_buf_fmt(&officers, ",%s,", tu_jstr(m, "id"));
		}
	ck_assert_int_eq(fclose(conf), 0);
	/* drop the selected entities and the reserves */
	lines_read(&l, tu_fixture("entities.csv"));
	for (i = 0; i < l.n; i++) {
		first_field(id, sizeof(id), l.line[i], l.len[i], 0);
		if (!strstr(tr_b, id) || i == 0)
			fwrite(l.line[i], 1, l.len[i], ent);
	}
	lines_free(&l);
	ck_assert_int_eq(fclose(ent), 0);
	insp = fopen(tu_path("inspectors-after.csv"), "wb");
	ck_assert_ptr_nonnull(insp);
	lines_read(&l, tu_fixture("inspectors.csv"));
	for (i = 0; i < l.n; i++) {
		char probe[80];

		first_field(id, sizeof(id), l.line[i], l.len[i], 1);
		snprintf(probe, sizeof(probe), ",%s,", id);
		if (i > 0 && strstr(officers.s, probe)) {
			/* the status is the last column: replace it */
			const char *last = memrchr(l.line[i], ',', l.len[i]);

			fwrite(l.line[i], 1, (size_t)(last - l.line[i]), insp);
			fputs(",休假\n", insp);
		} else {
			fwrite(l.line[i], 1, l.len[i], insp);
		}
	}
	lines_free(&l);
	ck_assert_int_eq(fclose(insp), 0);

	reg_before = tu_register_dump(a, YH_REGISTER_ENTITIES, 0);
	tu_import_ok(&rep, a, YH_REGISTER_ENTITIES, tu_path("entities-after.csv"), NULL);
	ck_assert_uint_eq(rep.closed, 17 + json_array_size(json_object_get(t, "reserves")));
	tu_import_ok(&rep, a, YH_REGISTER_INSPECTORS, tu_path("inspectors-after.csv"), NULL);
	ck_assert_uint_gt(rep.changed, 0);
	tu_import_ok(&rep, a, YH_REGISTER_CONFLICTS, tu_path("conflicts-after.csv"), NULL);
	ck_assert_uint_eq(rep.added, 34);
	reg_after = tu_register_dump(a, YH_REGISTER_ENTITIES, 0);
	ck_assert_str_ne(reg_before, reg_after);

	tr_a = draw_ok(a, FOOD, FOOD_VALUE);
	ck_assert_msg(strcmp(tr_a, tr_b) == 0, "imports after the commit changed the draw");
	ck_assert_str_eq(ann_a, ann_b);
	json_decref(t);
	free(officers.s);
	free(reg_before);
	free(reg_after);
	free(ann_a);
	free(ann_b);
	free(tr_a);
	free(tr_b);
	yh_store_close(a);
	yh_store_close(b);
}
END_TEST

/* ---- exclusion of recently drawn entities and recent pairs --------------------------------- */

/* A task over the food population that draws all of it. */
static void add_all_task(yh_store *store, const char *id, const char *date, int exclude_days, int pair_days)
{
	char json[1024];

	snprintf(json, sizeof(json),
	         "{\"id\":\"%s\",\"title\":\"全部\",\"departments\":[\"" SCJG "\"],\"draw_date\":\"%s\","
	         "\"population\":{\"regions\":[\"3301\"],\"industries\":[\"F52\",\"H62\",\"C14\"]},"
	         "\"strata\":{\"rates\":{\"*\":\"100%%\"}},\"exclude_drawn_within_days\":%d,"
	         "\"avoid_repeat_pair_within_days\":%d,\"team\":{\"size\":2}}",
	         id, date, exclude_days, pair_days);
	add_task(store, json);
}

START_TEST(test_exclusion_window)
{
	yh_store *store = fixture_store("x.db");
	char *ann, *tr, *food_ids, *ids, *food_tr;
	json_t *a, *ex, *e, *m, *food, *recent;
	size_t i, j, k;
	static const struct { const char *id, *date; int exclude, pairs, excluded; } x[] = {
		{ "X1", "2027-06-01", 365, 0, 1 },    /* inside the window */
		{ "X2", "2027-12-01", 365, 0, 1 },    /* exactly 365 days later: still inside */
		{ "X3", "2027-12-02", 365, 730, 0 },  /* 366 days: outside; pairs still avoided */
		{ "X4", "2026-11-30", 365, 0, 0 },    /* a task dated before the earlier draw */
		{ "X5", "2027-06-01", 0, 0, 0 },      /* no exclusion asked for */
	};

	add_task_file(store, tu_fixture("task-food.json"));
	free(commit_ok(store, FOOD, "exclusion"));
	food_tr = draw_ok(store, FOOD, FOOD_VALUE);
	food_ids = selected_ids(food_tr);
	food = tu_json(food_tr);
	ck_assert_uint_eq(json_array_size(json_object_get(food, "selected")), 17);

	/* commit all five after the food draw, before drawing any of them */
	for (i = 0; i < 5; i++) {
		add_all_task(store, x[i].id, x[i].date, x[i].exclude, x[i].pairs);
		ann = commit_ok(store, x[i].id, x[i].id);
		a = tu_json(ann);
		ex = json_object_get(json_object_get(a, "entities"), "excluded");
		if (x[i].excluded) {
			/* the food draw's selection, sorted, and nothing else (not its reserves) */
			tu_buf b = { 0 };
			const char *prev = "";

			ck_assert_uint_eq(json_array_size(ex), 17);
			json_array_foreach(ex, j, e) {
				ck_assert_msg(id_listed(food_ids, json_string_value(e)), "%s excludes %s", x[i].id,
				              json_string_value(e));
				ck_assert_int_lt(strcmp(prev, json_string_value(e)), 0);
				prev = json_string_value(e);
				tu_buf_fmt(&b, "%s ", prev);
			}
			free(b.s);
			ck_assert_int_eq(tu_jint(json_object_get(a, "entities"), "eligible"), 136 - 17);
		} else {
			ck_assert_uint_eq(json_array_size(ex), 0);
			ck_assert_int_eq(tu_jint(json_object_get(a, "entities"), "eligible"), 136);
		}
		/* the root covers every row, excluded or not */
		ck_assert_int_eq(tu_jint(json_object_get(a, "entities"), "count"), 300);
		recent = json_object_get(a, "recent_pairs");
		ck_assert_uint_eq(json_array_size(recent), x[i].pairs ? 34 : 0);
		ck_assert_int_eq(tu_jint(json_object_get(a, "conflicts"), "count"), 15);
		/* the earlier draw is named when it is within the larger window (§4, §6) */
		{
			json_t *earlier = json_object_get(a, "earlier");
			unsigned char sha[32];

			ck_assert_uint_eq(json_array_size(earlier), x[i].excluded || x[i].pairs ? 1 : 0);
			if (json_array_size(earlier)) {
				crypto_hash_sha256(sha, (const unsigned char *)food_tr, strlen(food_tr));
				ck_assert_str_eq(tu_jstr(json_array_get(earlier, 0), "task_id"), FOOD);
				ck_assert_str_eq(tu_jstr(json_array_get(earlier, 0), "draw_date"), "2026-12-01");
				ck_assert_str_eq(tu_jstr(json_array_get(earlier, 0), "transcript_sha256"), tu_hex(sha, 32));
			}
		}
		/* the chain: the food announcement is number 1, these 2 to 6 */
		ck_assert_int_eq(tu_jint(json_object_get(a, "chain"), "seq"), (json_int_t)i + 2);
		json_decref(a);
		free(ann);
	}
	for (i = 0; i < 5; i++) {
		json_t *t;

		tr = draw_ok(store, x[i].id, "exclusion value");
		ids = selected_ids(tr);
		t = tu_json(tr);
		ck_assert_uint_eq(json_array_size(json_object_get(t, "selected")), x[i].excluded ? 119 : 136);
		json_array_foreach(json_object_get(food, "selected"), j, e) {
			int in = id_listed(ids, tu_jstr(e, "id"));

			ck_assert_msg(in == !x[i].excluded, "%s: food's %s is %sselected", x[i].id, tu_jstr(e, "id"),
			              in ? "" : "not ");
		}
		/* reserves of the earlier draw are not excluded */
		json_array_foreach(json_object_get(food, "reserves"), j, e)
			ck_assert_msg(id_listed(ids, tu_jstr(e, "id")), "%s: food reserve %s not drawn", x[i].id,
			              tu_jstr(e, "id"));
		if (x[i].pairs) {
			/* no team repeats a pair teamed by the food draw */
			json_t *se;

			json_array_foreach(json_object_get(t, "selected"), j, se) {
				json_t *fe;
				size_t fi;

				json_array_foreach(json_object_get(food, "selected"), fi, fe) {
					json_t *fm;
					size_t fmi;

					if (strcmp(tu_jstr(se, "id"), tu_jstr(fe, "id")) != 0)
						continue;
					json_array_foreach(json_object_get(fe, "team"), fmi, fm)
						json_array_foreach(json_object_get(se, "team"), k, m)
							ck_assert_msg(strcmp(tu_jstr(m, "id"), tu_jstr(fm, "id")) != 0,
							              "%s: pair %s/%s repeated", x[i].id, tu_jstr(se, "id"), tu_jstr(m, "id"));
				}
			}
		}
		json_decref(t);
		free(ids);
		free(tr);
	}
	json_decref(food);
	free(food_ids);
	free(food_tr);
	yh_store_close(store);
}
END_TEST

/* ---- the announcement /2: the chain, the earlier draws, exclusions and recent pairs ---------- */

/* A draw recorded in the store, as the test keeps it. */
typedef struct {
	char task_id[32], date[11];
	char *transcript;
} past;

/* docs/spec.md §4, §6 written out (testutil): from the transcripts of the draws before a commit. */
static void expected_windows(json_t **earlier, json_t **excluded, json_t **recent, const char *date, int64_t x,
                             int64_t p, const past *draws, size_t n)
{
	json_t **trs = calloc(n + 1, sizeof(*trs));
	size_t i;

	ck_assert_ptr_nonnull(trs);
	for (i = 0; i < n; i++)
		trs[i] = tu_json(draws[i].transcript);
	tu_spec_windows(earlier, excluded, recent, date, x, p, trs, n);
	for (i = 0; i < n; i++)
		json_decref(trs[i]);
	free(trs);
}

/* The same lists as engine/windows.c computes them (the audit's and the verifier's code). */
static void engine_windows(json_t **earlier, json_t **excluded, json_t **recent, const char *date, int64_t x,
                           int64_t p, const past *draws, size_t n)
{
	yh_past_draw *pd = calloc(n + 1, sizeof(*pd));
	json_t **trs = calloc(n + 1, sizeof(*trs));
	size_t i;

	ck_assert(pd && trs);
	for (i = 0; i < n; i++) {
		trs[i] = tu_json(draws[i].transcript);
		ck_assert_msg(yh_past_draw_read(&pd[i], trs[i], draws[i].transcript) == YH_OK, "%s", yh_error_message());
	}
	ck_assert_msg(yh_windows_compute(earlier, excluded, recent, date, x, p, pd, n) == YH_OK, "%s",
	              yh_error_message());
	for (i = 0; i < n; i++)
		json_decref(trs[i]);
	free(trs);
	free(pd);
}

#define ASSERT_JSON_EQ(got, want, what) do { \
	char *g_ = json_dumps((got), JSON_COMPACT), *w_ = json_dumps((want), JSON_COMPACT); \
	ck_assert_msg(json_equal((got), (want)), "%s:\n got %.600s\nwant %.600s", (what), g_, w_); \
	free(g_); \
	free(w_); \
} while (0)

/* A food-population task at 20% with the two windows. */
static void add_window_task(yh_store *store, const char *id, const char *date, int exclude_days, int pair_days)
{
	char json[1024];

	snprintf(json, sizeof(json),
	         "{\"id\":\"%s\",\"title\":\"窗口\",\"departments\":[\"" SCJG "\"],\"draw_date\":\"%s\","
	         "\"population\":{\"regions\":[\"3301\"],\"industries\":[\"F52\",\"H62\",\"C14\"]},"
	         "\"strata\":{\"rates\":{\"*\":\"20%%\"}},\"exclude_drawn_within_days\":%d,"
	         "\"avoid_repeat_pair_within_days\":%d,\"team\":{\"size\":2}}",
	         id, date, exclude_days, pair_days);
	add_task(store, json);
}

/*
 * Several commits in one store, some drawn, some not, dated out of order: each announcement is
 * the next in the chain (seq 1, 2, …; prev null, then the digest of the one before, §6), names
 * the draws recorded before its commit within the larger window with their transcript SHA-256
 * (§4), and lists the exclusions and recent pairs those draws give — recomputed here from the
 * transcripts, and by engine/windows.c from the same transcripts.
 */
START_TEST(test_announcement_chain)
{
	static const struct { const char *id, *date; int x, p, drawn; } t[] = {
		{ "W1", "2026-12-01", 365, 730, 1 },
		{ "W2", "2027-03-01", 0, 0, 0 },         /* committed, never drawn: no earlier draw */
		{ "W3", "2027-02-01", 90, 0, 1 },        /* W1 62 days before */
		{ "W4", "2027-06-01", 200, 400, 1 },     /* W1 182, W3 120 days before */
		{ "W5", "2027-06-01", 150, 0, 1 },       /* W3 120 days, W4 the same day; not W1 (182) */
		{ "W6", "2026-11-01", 365, 365, 1 },     /* every draw is dated after it */
		{ "W7", "2027-12-01", 0, 183, 1 },       /* pairs only: W4 and W5 exactly 183 days before */
		{ "W8", "2027-12-02", 183, 0, 0 },       /* W4, W5 184 days: outside; W7 the day before */
	};
	enum { N = sizeof(t) / sizeof(t[0]) };
	yh_store *store = fixture_store("chain.db");
	yh_key *key = tu_key_from_label(TU_VECTOR_KEY) /* the store's own (store_named) */;
	past draws[N];
	size_t ndraws = 0, i, named = 0, excl = 0, pairs = 0;
	unsigned char prev[32];

	for (i = 0; i < N; i++) {
		char *ann;
		json_t *a, *chain, *we, *wx, *wr, *ee, *ex, *er;

		add_window_task(store, t[i].id, t[i].date, t[i].x, t[i].p);
		ann = commit_ok(store, t[i].id, t[i].id);
		a = tu_json(ann);
		chain = json_object_get(a, "chain");
		ck_assert_int_eq(tu_jint(chain, "seq"), (json_int_t)i + 1);
		if (i == 0)
			ck_assert(json_is_null(json_object_get(chain, "prev")));
		else
			ck_assert_str_eq(tu_jstr(chain, "prev"), tu_hex(prev, 32));
		tu_spec_announcement_digest(prev, ann);
		expected_windows(&we, &wx, &wr, t[i].date, t[i].x, t[i].p, draws, ndraws);
		ASSERT_JSON_EQ(json_object_get(a, "earlier"), we, t[i].id);
		ASSERT_JSON_EQ(json_object_get(json_object_get(a, "entities"), "excluded"), wx, t[i].id);
		ASSERT_JSON_EQ(json_object_get(a, "recent_pairs"), wr, t[i].id);
		engine_windows(&ee, &ex, &er, t[i].date, t[i].x, t[i].p, draws, ndraws);
		ASSERT_JSON_EQ(ee, we, t[i].id);
		ASSERT_JSON_EQ(ex, wx, t[i].id);
		ASSERT_JSON_EQ(er, wr, t[i].id);
		named += json_array_size(we);
		excl += json_array_size(wx);
		pairs += json_array_size(wr);
		json_decref(we);
		json_decref(wx);
		json_decref(wr);
		json_decref(ee);
		json_decref(ex);
		json_decref(er);
		json_decref(a);
		free(ann);
		if (t[i].drawn) {
			snprintf(draws[ndraws].task_id, sizeof(draws[ndraws].task_id), "%s", t[i].id);
			snprintf(draws[ndraws].date, sizeof(draws[ndraws].date), "%s", t[i].date);
			draws[ndraws++].transcript = draw_ok(store, t[i].id, "window value");
		}
	}
	/* the cases are not empty: W3 names W1; W4 W1, W3; W5 W3, W4; W7 W4, W5; W8 W7 */
	ck_assert_uint_eq(named, 1 + 2 + 2 + 2 + 1);
	ck_assert_uint_gt(excl, 0);
	ck_assert_uint_gt(pairs, 0);
	/* the store's announcements in order are the same chain (the feed publishes them) */
	{
		char *feed = NULL;
		json_t *f, *x;
		unsigned char d[32];

		ck_assert_int_eq(yh_store_set_key(store, key), YH_OK);
		ck_assert_msg(yh_feed_publish(&feed, store) == YH_OK, "%s", yh_error_message());
		f = tu_json(feed);
		ck_assert_str_eq(tu_jstr(f, "format"), "yaohao-feed/2");
		ck_assert_str_eq(tu_jstr(f, "department"), TU_DEPARTMENT);
		ck_assert_uint_eq(json_array_size(json_object_get(f, "announcements")), N);
		json_array_foreach(json_object_get(f, "announcements"), i, x) {
			char *text = tu_spec_canonical(x), *stored = NULL;

			ck_assert_int_eq(yh_draw_announcement(&stored, store, t[i].id), YH_OK);
			ck_assert_str_eq(text, stored);
			if (i > 0)
				ck_assert_str_eq(tu_jstr(json_object_get(x, "chain"), "prev"), tu_hex(d, 32));
			tu_spec_announcement_digest(d, text);
			free(text);
			free(stored);
		}
		ck_assert_mem_eq(d, prev, 32);
		json_decref(f);
		free(feed);
	}
	for (i = 0; i < ndraws; i++)
		free(draws[i].transcript);
	yh_store_close(store);
	yh_key_free(key);
}
END_TEST

/* engine/windows.c on hand-made draws: the edges of both windows, a draw dated after the task, a
 * pair teamed by two draws (listed twice), and the order of every list — against the lists
 * written out here. */
START_TEST(test_windows_edges)
{
	static const struct { const char *id, *date, *selected; } d[] = {
		/* selected: "entity:officer+officer;..." */
		{ "T-B", "2027-01-01", "E2:P1+P2;E1:P3+P1" },
		{ "T-A", "2026-12-31", "E1:P3+P2;E9:P1+P4" },   /* 1 day before T-B */
		{ "T-C", "2026-01-01", "E5:P5+P6" },            /* 365 days before 2027-01-01 */
		{ "T-D", "2027-01-02", "E7:P7+P8" },            /* after the task */
		{ "T-E", "2026-12-31", "" },                    /* nothing selected */
	};
	static const struct { const char *date; int64_t x, p; size_t named; } cases[] = {
		{ "2027-01-01", 0, 0, 0 },
		{ "2027-01-01", 1, 0, 3 },           /* T-B (0 days), T-A, T-E (1 day) */
		{ "2027-01-01", 0, 1, 3 },
		{ "2027-01-01", 365, 0, 4 },         /* T-C exactly 365 days: inside */
		{ "2027-01-01", 364, 0, 3 },         /* ... and outside */
		{ "2027-01-01", 0, 365, 4 },
		{ "2027-01-01", 2, 365, 4 },         /* named within the larger window, excluded within 2 */
		{ "2027-01-01", 364, 365, 4 },
		{ "2026-12-31", 10, 10, 2 },         /* T-B is after it */
	};
	past draws[5];
	size_t i, c;

	for (i = 0; i < 5; i++) {
		tu_buf b = { 0 };
		char *spec = strdup(d[i].selected), *e, *save = NULL;
		size_t rank = 0;

		tu_buf_fmt(&b, "{\"task_id\":\"%s\",\"task\":{\"draw_date\":\"%s\"},\"selected\":[", d[i].id, d[i].date);
		for (e = strtok_r(spec, ";", &save); e; e = strtok_r(NULL, ";", &save)) {
			char *colon = strchr(e, ':'), *plus;

			*colon = '\0';
			plus = strchr(colon + 1, '+');
			*plus = '\0';
			tu_buf_fmt(&b, "%s{\"rank\":%zu,\"id\":\"%s\",\"team\":[{\"id\":\"%s\"},{\"id\":\"%s\"}]}", rank ? "," : "",
			           rank + 1, e, colon + 1, plus + 1);
			rank++;
		}
		tu_buf_str(&b, "],\"format\":\"yaohao-transcript/2\"}");
		free(spec);
		snprintf(draws[i].task_id, sizeof(draws[i].task_id), "%s", d[i].id);
		snprintf(draws[i].date, sizeof(draws[i].date), "%s", d[i].date);
		{
			/* in canonical form, as a store records a transcript */
			json_t *j = tu_json(b.s);

			draws[i].transcript = tu_spec_canonical(j);
			json_decref(j);
			free(b.s);
		}
	}
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		json_t *we, *wx, *wr, *ee, *ex, *er;
		char what[64];

		snprintf(what, sizeof(what), "case %zu", c);
		expected_windows(&we, &wx, &wr, cases[c].date, cases[c].x, cases[c].p, draws, 5);
		engine_windows(&ee, &ex, &er, cases[c].date, cases[c].x, cases[c].p, draws, 5);
		ck_assert_msg(json_array_size(we) == cases[c].named, "case %zu: %zu named", c, json_array_size(we));
		ASSERT_JSON_EQ(ee, we, what);
		ASSERT_JSON_EQ(ex, wx, what);
		ASSERT_JSON_EQ(er, wr, what);
		json_decref(we);
		json_decref(wx);
		json_decref(wr);
		json_decref(ee);
		json_decref(ex);
		json_decref(er);
	}
	/* the pair E1/P3 teamed by T-A and T-B: twice, T-A first */
	{
		json_t *ee, *ex, *er, *p;
		size_t k, n = 0;

		engine_windows(&ee, &ex, &er, "2027-01-01", 0, 5, draws, 5);
		json_array_foreach(er, k, p)
			if (!strcmp(tu_jstr(p, "entity_id"), "E1") && !strcmp(tu_jstr(p, "inspector_id"), "P3"))
				ck_assert_str_eq(tu_jstr(p, "task_id"), n++ ? "T-B" : "T-A");
		ck_assert_uint_eq(n, 2);
		ck_assert_uint_eq(json_array_size(ex), 0);
		json_decref(ee);
		json_decref(ex);
		json_decref(er);
	}
	for (i = 0; i < 5; i++)
		free(draws[i].transcript);
}
END_TEST

/* A conflict row whose reason starts with "recent:" is a conflict like any other (spec §4): the
 * commit counts it among the conflicts and does not list it among the recent pairs. */
START_TEST(test_conflict_reason_recent)
{
	yh_store *store = fixture_store("recent.db");
	yh_import_report rep;
	char *text = tu_read(tu_fixture("conflicts.csv"), NULL), *ann;
	json_t *a;
	tu_buf b = { 0 };

	tu_buf_str(&b, text);
	tu_buf_str(&b, "92330109MA53QQ247E,33010020210001,recent:T-2026-01-OLD\n");
	tu_write_str(tu_path("conflicts-recent.csv"), b.s);
	tu_import_ok(&rep, store, YH_REGISTER_CONFLICTS, tu_path("conflicts-recent.csv"), NULL);
	ck_assert_uint_eq(rep.added, 1);
	add_task_file(store, tu_fixture("task-food.json"));
	ann = commit_ok(store, FOOD, "recent reason");
	a = tu_json(ann);
	ck_assert_int_eq(tu_jint(json_object_get(a, "conflicts"), "count"), 16);
	ck_assert_uint_eq(json_array_size(json_object_get(a, "recent_pairs")), 0);
	{
		/* the root over the sixteen rows, from the register exported as of the freeze */
		unsigned char root[32];
		size_t n;

		tu_export_registers(store, (uint64_t)tu_jint(a, "freeze_seq"));
		tu_spec_file_root(root, tu_path("conflicts.csv"), 3, &n);
		ck_assert_uint_eq(n, 16);
		ck_assert_str_eq(tu_jstr(json_object_get(a, "conflicts"), "root"), tu_hex(root, 32));
	}
	json_decref(a);
	free(ann);
	free(text);
	free(b.s);
	yh_store_close(store);
}
END_TEST

/* ---- rules that cannot be met ---------------------------------------------------------------- */

/* The food task with `team` and `departments` replaced, under a new id. */
static void add_food_variant(yh_store *store, const char *id, const char *departments, const char *strata,
                             const char *team)
{
	char json[2048];

	snprintf(json, sizeof(json),
	         "{\"id\":\"%s\",\"title\":\"不可行\",\"departments\":%s,\"draw_date\":\"2026-12-01\","
	         "\"population\":{\"regions\":[\"3301\"],\"industries\":[\"F52\",\"H62\",\"C14\"]},"
	         "\"strata\":%s,\"reserve_rate\":\"20%%\",\"team\":%s}",
	         id, departments, strata, team);
	add_task(store, json);
}

#define FOOD_STRATA "{\"by\":[\"risk\"],\"rates\":{\"A\":\"5%\",\"B\":\"10%\",\"C\":\"20%\",\"D\":\"50%\"," \
                    "\"*\":\"10%\"},\"min\":1}"

START_TEST(test_infeasible_commit)
{
	static const struct { const char *id, *departments, *strata, *team, *want, *want2; } cases[] = {
		{ "I-SPECIALTY", "[\"" SCJG "\"]", FOOD_STRATA,
		  "{\"size\":2,\"specialties\":[\"不存在的专业\"]}",
		  "specialty '不存在的专业' is held by 0 eligible officers", NULL },
		{ "I-QUOTA", "[\"" SCJG "\",\"330100-XXXX\"]", FOOD_STRATA,
		  "{\"size\":2,\"per_department\":{\"" SCJG "\":1,\"330100-XXXX\":1}}",
		  "department '330100-XXXX' has 0 eligible officers", NULL },
		{ "I-QUOTA2", "[\"" SCJG "\",\"" STHJ "\"]", FOOD_STRATA,
		  "{\"size\":13,\"per_department\":{\"" SCJG "\":1,\"" STHJ "\":12}}",
		  "department '" STHJ "' has 11 eligible officers", NULL },
		{ "I-CAP", "[\"" SCJG "\"]", FOOD_STRATA, "{\"size\":2,\"load_cap\":1}",
		  "load cap 1: 18 officers can fill 18 seats, 34 are needed", "raise team.load_cap" },
		{ "I-SIZE", "[\"" SCJG "\"]", FOOD_STRATA, "{\"size\":20}",
		  "team size 20 needs 20 officers, only 18 are eligible", NULL },
		{ "I-RATE", "[\"" SCJG "\"]", "{\"by\":[\"risk\"],\"rates\":{\"A\":\"5%\"}}", "{\"size\":2}",
		  "no rate or count for stratum '-'", NULL },
		{ "I-SPECCAP", "[\"" SCJG "\"]", FOOD_STRATA,
		  "{\"size\":2,\"specialties\":[\"价格\"],\"load_cap\":2}",
		  "specialty '价格' is held by", "raise team.load_cap" },
	};
	yh_store *store = fixture_store("inf.db");
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *before, *after, *out = NULL;
		uint64_t head;

		add_food_variant(store, cases[i].id, cases[i].departments, cases[i].strata, cases[i].team);
		head = tu_ledger_head(store);
		before = fingerprint(store);
		ck_assert_msg(commit_rc(store, cases[i].id) == YH_EDATA, "%s committed", cases[i].id);
		ck_assert_msg(strstr(yh_error_message(), cases[i].want) != NULL, "%s: '%s' lacks '%s'", cases[i].id,
		              yh_error_message(), cases[i].want);
		if (cases[i].want2)
			ck_assert_msg(strstr(yh_error_message(), cases[i].want2) != NULL, "%s: '%s' lacks '%s'",
			              cases[i].id, yh_error_message(), cases[i].want2);
		ck_assert_ptr_nonnull(strstr(yh_error_message(), cases[i].id));
		ck_assert_uint_eq(tu_ledger_head(store), head);
		after = fingerprint(store);
		ck_assert_msg(strcmp(before, after) == 0, "%s: a failed commit changed the store", cases[i].id);
		ck_assert_str_eq(state_of(store, cases[i].id), "planned");
		ck_assert_int_eq(yh_draw_announcement(&out, store, cases[i].id), YH_ENOTFOUND);
		free(before);
		free(after);
	}
	yh_store_close(store);
}
END_TEST

typedef struct {
	tu_buf ids;            /* ",id," for each row that passes */
	const char *date;
	int which;           /* 0: SCJG officers eligible on date; 1: the same holding 食品 */
	const char *region, *industry;
} row_filter;

static int pick_officer(void *ctx, const char *const *v, size_t n)
{
	row_filter *f = ctx;

	ck_assert_uint_eq(n, 6);
	if (strcmp(v[2], SCJG) == 0 && strcmp(v[5], "active") == 0 && strcmp(v[3], f->date) >= 0 &&
	    (f->which == 0 || strstr(v[4], "食品")))
		tu_buf_fmt(&f->ids, "%s,", v[0]);
	return 0;
}

static int pick_entity(void *ctx, const char *const *v, size_t n)
{
	row_filter *f = ctx;

	ck_assert_uint_eq(n, 8);
	if (strcmp(v[6], "active") == 0 && strncmp(v[3], f->region, strlen(f->region)) == 0 &&
	    strncmp(v[4], f->industry, strlen(f->industry)) == 0)
		tu_buf_fmt(&f->ids, "%s,", v[0]);
	return 0;
}

START_TEST(test_draw_time_team_failure)
{
	/* The pre-check counts officers but not recusals: conflicts that cover every officer for
	 * one entity (and, for a second task, every holder of the required specialty for another)
	 * pass the commit and stop the draw, which must then record nothing. */
	yh_store *store = fixture_store("dt.db");
	row_filter off = { { 0 }, "2026-12-01", 0, NULL, NULL }, food_off = { { 0 }, "2026-12-01", 1, NULL, NULL };
	row_filter c14 = { { 0 }, NULL, 0, "3301", "C14" }, f52 = { { 0 }, NULL, 0, "3301", "F52" };
	char e1[32], e2[32], *p, *q, *before, *after, *out = (char *)0x1;
	yh_import_report rep;
	uint64_t head;
	FILE *fp;
	int n1 = 0, n2 = 0;

	ck_assert_int_eq(yh_register_foreach(store, YH_REGISTER_INSPECTORS, 0, pick_officer, &off), YH_OK);
	ck_assert_int_eq(yh_register_foreach(store, YH_REGISTER_INSPECTORS, 0, pick_officer, &food_off), YH_OK);
	ck_assert_int_eq(yh_register_foreach(store, YH_REGISTER_ENTITIES, 0, pick_entity, &c14), YH_OK);
	ck_assert_int_eq(yh_register_foreach(store, YH_REGISTER_ENTITIES, 0, pick_entity, &f52), YH_OK);
	ck_assert_ptr_nonnull(c14.ids.s);
	ck_assert_ptr_nonnull(f52.ids.s);
	snprintf(e1, sizeof(e1), "%.*s", (int)(strchr(c14.ids.s, ',') - c14.ids.s), c14.ids.s);
	snprintf(e2, sizeof(e2), "%.*s", (int)(strchr(f52.ids.s, ',') - f52.ids.s), f52.ids.s);

	fp = fopen(tu_path("conflicts-all.csv"), "wb");
	ck_assert_ptr_nonnull(fp);
	fputs("entity_id,inspector_id,reason\n", fp);
	for (p = off.ids.s; (q = strchr(p, ',')) != NULL; p = q + 1, n1++)
		fprintf(fp, "%s,%.*s,全员回避\n", e1, (int)(q - p), p);
	for (p = food_off.ids.s; (q = strchr(p, ',')) != NULL; p = q + 1, n2++)
		fprintf(fp, "%s,%.*s,食品专业回避\n", e2, (int)(q - p), p);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_int_eq(n1, 18);
	ck_assert_int_gt(n2, 2);
	tu_import_ok(&rep, store, YH_REGISTER_CONFLICTS, tu_path("conflicts-all.csv"), NULL);

	add_task(store, "{\"id\":\"DT-ALL\",\"title\":\"全员回避\",\"departments\":[\"" SCJG "\"],"
	                "\"draw_date\":\"2026-12-01\",\"population\":{\"regions\":[\"3301\"],\"industries\":[\"C14\"]},"
	                "\"strata\":{\"rates\":{\"*\":\"100%\"}},\"team\":{\"size\":2,\"load_cap\":1000}}");
	add_task(store, "{\"id\":\"DT-SPEC\",\"title\":\"专业回避\",\"departments\":[\"" SCJG "\"],"
	                "\"draw_date\":\"2026-12-01\",\"population\":{\"regions\":[\"3301\"],\"industries\":[\"F52\"]},"
	                "\"strata\":{\"rates\":{\"*\":\"100%\"}},"
	                "\"team\":{\"size\":2,\"specialties\":[\"食品\"],\"load_cap\":1000}}");
	free(commit_ok(store, "DT-ALL", "dt"));
	free(commit_ok(store, "DT-SPEC", "dt"));

	head = tu_ledger_head(store);
	before = fingerprint(store);
	tu_draw_result.seq = 7;
	ck_assert_int_eq(yh_draw_run(&out, &tu_draw_result, store, "DT-ALL", "value", NULL), YH_EDATA);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(tu_draw_result.seq, 0);
	ck_assert_msg(strstr(yh_error_message(), e1) && strstr(yh_error_message(), "(rank ") &&
	              strstr(yh_error_message(), "cannot form a team") &&
	              strstr(yh_error_message(), "recusals"), "DT-ALL: %s", yh_error_message());
	ck_assert_int_eq(yh_draw_run(&out, &tu_draw_result, store, "DT-SPEC", "value", NULL), YH_EDATA);
	ck_assert_msg(strstr(yh_error_message(), e2) && strstr(yh_error_message(), "(rank ") &&
	              strstr(yh_error_message(), "specialty '食品'"), "DT-SPEC: %s", yh_error_message());
	ck_assert_uint_eq(tu_ledger_head(store), head);
	after = fingerprint(store);
	ck_assert_msg(strcmp(before, after) == 0, "a failed draw changed the store");
	ck_assert_str_eq(state_of(store, "DT-ALL"), "committed");
	ck_assert_str_eq(state_of(store, "DT-SPEC"), "committed");
	ck_assert_int_eq(secret_is_stored(store, "DT-ALL"), 1);
	ck_assert_int_eq(yh_draw_transcript(&out, store, "DT-ALL"), YH_ENOTFOUND);
	free(before);
	free(after);
	free(off.ids.s);
	free(food_off.ids.s);
	free(c14.ids.s);
	free(f52.ids.s);
	yh_store_close(store);
}
END_TEST

/* ---- the default load cap and the stratum key limit ---------------------------------------- */

typedef struct {
	uint64_t n, scjg, sthj, food;
} officer_counts;

static int count_officer(void *ctx, const char *const *v, size_t n)
{
	officer_counts *c = ctx;
	int dep_scjg = strcmp(v[2], SCJG) == 0, dep_sthj = strcmp(v[2], STHJ) == 0;

	(void)n;
	if (strcmp(v[5], "active") != 0 || strcmp(v[3], "2026-12-01") < 0 || !(dep_scjg || dep_sthj))
		return 0;
	c->n++;
	c->scjg += dep_scjg;
	c->sthj += dep_sthj;
	c->food += strstr(v[4], "食品") != NULL;
	return 0;
}

static uint64_t ceil_div(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

static uint64_t max3(uint64_t a, uint64_t b, uint64_t c)
{
	return a > b ? (a > c ? a : c) : (b > c ? b : c);
}

START_TEST(test_default_load_cap)
{
	/* docs/spec.md §5: without team.load_cap the cap is the largest of ceil(K * size / N), per
	 * department ceil(K * seats / N_d), per specialty ceil(K / H_s); and it can be met. */
	static const char *const teams[] = {
		"{\"size\":2}",
		"{\"size\":2,\"per_department\":{\"" SCJG "\":1,\"" STHJ "\":1}}",
		"{\"size\":2,\"per_department\":{\"" SCJG "\":1,\"" STHJ "\":1},\"specialties\":[\"食品\"]}",
	};
	yh_store *store = fixture_store("cap.db");
	officer_counts c = { 0, 0, 0, 0 };
	uint64_t k = 136, want[3];
	size_t i;

	ck_assert_int_eq(yh_register_foreach(store, YH_REGISTER_INSPECTORS, 0, count_officer, &c), YH_OK);
	ck_assert_uint_eq(c.n, c.scjg + c.sthj);
	want[0] = ceil_div(k * 2, c.n);
	want[1] = max3(want[0], ceil_div(k, c.scjg), ceil_div(k, c.sthj));
	want[2] = max3(want[1], ceil_div(k, c.food), 0);
	/* the three rules each decide one case */
	ck_assert_uint_lt(want[0], want[1]);
	ck_assert_uint_lt(want[1], want[2]);
	for (i = 0; i < 3; i++) {
		char id[16], json[1024], *ann, *tr;
		json_t *a, *t, *e, *m;
		size_t j, l, loads[64] = { 0 }, nloads = 0;
		char seen[64][16];

		snprintf(id, sizeof(id), "CAP-%zu", i);
		snprintf(json, sizeof(json),
		         "{\"id\":\"%s\",\"title\":\"默认上限\",\"departments\":[\"" SCJG "\",\"" STHJ "\"],"
		         "\"draw_date\":\"2026-12-01\",\"population\":{\"regions\":[\"3301\"],"
		         "\"industries\":[\"F52\",\"H62\",\"C14\"]},\"strata\":{\"rates\":{\"*\":\"100%%\"}},"
		         "\"team\":%s}", id, teams[i]);
		add_task(store, json);
		ann = commit_ok(store, id, id);
		a = tu_json(ann);
		ck_assert_int_eq(tu_jint(json_object_get(a, "inspectors"), "eligible"), (json_int_t)c.n);
		ck_assert_int_eq(tu_jint(json_object_get(a, "inspectors"), "count"), 40);
		ck_assert_msg(tu_jint(a, "load_cap") == (json_int_t)want[i], "%s: load cap %lld, expected %llu", id,
		              (long long)tu_jint(a, "load_cap"), (unsigned long long)want[i]);
		/* the balanced order meets it: the draw succeeds and nobody goes over */
		tr = draw_ok(store, id, "cap value");
		t = tu_json(tr);
		ck_assert_uint_eq(json_array_size(json_object_get(t, "selected")), k);
		json_array_foreach(json_object_get(t, "selected"), j, e)
			json_array_foreach(json_object_get(e, "team"), l, m) {
				size_t x;

				for (x = 0; x < nloads && strcmp(seen[x], tu_jstr(m, "id")) != 0; x++)
					;
				if (x == nloads) {
					ck_assert_uint_lt(nloads, 64);
					snprintf(seen[nloads++], sizeof(seen[0]), "%s", tu_jstr(m, "id"));
				}
				loads[x]++;
				ck_assert_msg(loads[x] <= want[i], "%s: officer %s over the cap", id, tu_jstr(m, "id"));
			}
		json_decref(a);
		json_decref(t);
		free(ann);
		free(tr);
	}
	yh_store_close(store);
}
END_TEST

START_TEST(test_long_stratum_key)
{
	/* docs/spec.md §5: a stratum key longer than 511 bytes stops the commit */
	yh_store *store = fixture_store("long.db");
	yh_import_report rep;
	char type[601], line[1024], *before, *after;
	lines l;
	FILE *fp;
	size_t i;

	memset(type, 'x', 600);
	type[600] = '\0';
	lines_read(&l, tu_fixture("entities.csv"));
	fp = fopen(tu_path("long.csv"), "wb");
	ck_assert_ptr_nonnull(fp);
	fputs("id,name,type,region,industry,risk,status,abnormal\n", fp);
	for (i = 1; i < 4; i++) {
		char id[32];

		first_field(id, sizeof(id), l.line[i], l.len[i], 0);
		snprintf(line, sizeof(line), "%s,长类型%zu,%s,330106,F52,A,active,0\n", id, i, i == 2 ? type : "短");
		fputs(line, fp);
	}
	ck_assert_int_eq(fclose(fp), 0);
	lines_free(&l);
	tu_import_ok(&rep, store, YH_REGISTER_ENTITIES, tu_path("long.csv"), NULL);
	add_task(store, "{\"id\":\"LONG\",\"title\":\"长键\",\"departments\":[\"" SCJG "\"],"
	                "\"draw_date\":\"2026-12-01\",\"strata\":{\"by\":[\"type\"],\"rates\":{\"*\":\"100%\"}},"
	                "\"team\":{\"size\":2}}");
	before = fingerprint(store);
	ck_assert_int_eq(commit_rc(store, "LONG"), YH_EDATA);
	ck_assert_msg(strstr(yh_error_message(), "longer than 511 bytes") != NULL, "%s", yh_error_message());
	after = fingerprint(store);
	ck_assert_str_eq(before, after);
	ck_assert_str_eq(state_of(store, "LONG"), "planned");
	free(before);
	free(after);
	yh_store_close(store);
}
END_TEST

/* ---- a large generated draw, checked against docs/spec.md ---------------------------------- */

#define NENT 6000
#define NOFF 210          /* 120 SCJG, 80 STHJ, 10 in a department the task does not use */
#define NCONF 500
#define DRAW_DATE "2026-12-01"
#define LOAD_CAP 40
#define BIG_VALUE "drand quicknet round 24000000: 8a6f…"

typedef struct {
	char id[19], name[40], type[32], region[7], industry[8], risk[2], status[16], abnormal[2];
	int eligible;
	unsigned char ticket[32];
} g_entity;

typedef struct {
	char id[16], name[32], department[16], cert[11], specs[64], status[16];
	int eligible, food, drug;
	uint64_t load, seen_load;
} g_officer;

typedef struct {
	char entity[19], officer[16], reason[32];
} g_conflict;

static g_entity *ge;
static g_officer go[NOFF];
static g_conflict gc[NCONF];

static int cmp_conflict(const void *a, const void *b)
{
	const g_conflict *x = a, *y = b;
	int c = strcmp(x->entity, y->entity);

	return c ? c : strcmp(x->officer, y->officer);
}

static int cmp_conflict_by_officer(const void *a, const void *b)
{
	const g_conflict *x = a, *y = b;
	int c = strcmp(x->officer, y->officer);

	return c ? c : strcmp(x->entity, y->entity);
}

static int recused(const char *entity, const char *officer)
{
	g_conflict key;

	snprintf(key.entity, sizeof(key.entity), "%s", entity);
	snprintf(key.officer, sizeof(key.officer), "%s", officer);
	return bsearch(&key, gc, NCONF, sizeof(gc[0]), cmp_conflict) != NULL;
}

static g_officer *officer_by_id(const char *id)
{
	size_t i;

	for (i = 0; i < NOFF; i++)
		if (strcmp(go[i].id, id) == 0)
			return &go[i];
	return NULL;
}

static void generate_registers(void)
{
	static const char *const regions[] = { "330102", "330105", "330106", "330108", "330109", "330110",
	                                       "330111", "330112", "320102", "440305" };
	static const char *const industries[] = { "F5211", "H6210", "C1411", "I6510", "", "F52" };
	static const char *const types[] = { "有限责任公司", "个体工商户", "股份有限公司" };
	static const char *const other_status[] = { "deregistered", "suspended", "revoked" };
	FILE *fp;
	size_t i, j;

	ge = calloc(NENT, sizeof(*ge));
	ck_assert_ptr_nonnull(ge);
	rng_state = 0x5eed5eed5eed5eedull;
	fp = fopen(tu_path("big-entities.csv"), "wb");
	ck_assert_ptr_nonnull(fp);
	fputs("id,name,type,region,industry,risk,status,abnormal\n", fp);
	for (i = 0; i < NENT; i++) {
		g_entity *e = &ge[i];
		char first17[18];
		unsigned r = (unsigned)(rng() % 100);

		snprintf(e->region, sizeof(e->region), "%s", regions[rng() % 10]);
		snprintf(first17, sizeof(first17), "91%sMA%07zu", e->region, (i * 7919) % 10000000);
		snprintf(e->id, sizeof(e->id), "%s%c", first17, yh_uscc_check_char(first17));
		TU_REQUIRE_INT(yh_uscc_check(NULL, e->id, 18), YH_USCC_OK);
		snprintf(e->name, sizeof(e->name), "测试企业%05zu号", i);
		snprintf(e->type, sizeof(e->type), "%s", types[rng() % 3]);
		snprintf(e->industry, sizeof(e->industry), "%s", industries[rng() % 6]);
		snprintf(e->risk, sizeof(e->risk), "%s", r < 40 ? "A" : r < 70 ? "B" : r < 90 ? "C" : r < 95 ? "D" : "");
		r = (unsigned)(rng() % 100);
		snprintf(e->status, sizeof(e->status), "%s", r < 90 ? "active" : other_status[r % 3]);
		snprintf(e->abnormal, sizeof(e->abnormal), "%s", rng() % 20 == 0 ? "1" : "0");
		e->eligible = strcmp(e->status, "active") == 0;
		fprintf(fp, "%s,%s,%s,%s,%s,%s,%s,%s\n", e->id, e->name, e->type, e->region, e->industry, e->risk,
		        e->status, e->abnormal);
	}
	ck_assert_int_eq(fclose(fp), 0);

	fp = fopen(tu_path("big-inspectors.csv"), "wb");
	ck_assert_ptr_nonnull(fp);
	fputs("id,name,department,cert_valid_until,specialties,status\n", fp);
	for (i = 0; i < NOFF; i++) {
		g_officer *o = &go[i];
		unsigned r = (unsigned)(rng() % 100), s = (unsigned)(rng() % 100);

		snprintf(o->id, sizeof(o->id), "3301%010zu", 2025000000 + i * 37);
		snprintf(o->name, sizeof(o->name), "检查员%03zu", i);
		snprintf(o->department, sizeof(o->department), "%s", i < 120 ? SCJG : i < 200 ? STHJ : "330100-WSJK");
		/* certificates: mostly valid; some expired; two on the edge of the draw date */
		snprintf(o->cert, sizeof(o->cert), "%s", i == 7 ? DRAW_DATE : i == 8 ? "2026-11-30"
		         : r < 10 ? "2026-06-30" : "2028-12-31");
		r = (unsigned)(rng() % 100);
		snprintf(o->status, sizeof(o->status), "%s", r < 8 ? "on_leave" : r < 11 ? "suspended"
		         : r < 13 ? "left" : "active");
		/* specialties, sorted by UTF-8 bytes as stored: 产品质量 < 广告 < 药品 < 食品 */
		o->food = s < 60;
		o->drug = (s >= 35 && s < 95) || s % 7 == 0;
		snprintf(o->specs, sizeof(o->specs), "%s%s%s%s", s % 3 == 0 ? "广告" : "",
		         (s % 3 == 0 && (o->drug || o->food)) ? ";" : "", o->drug ? "药品" : "",
		         o->drug && o->food ? ";食品" : o->food ? "食品" : "");
		o->eligible = strcmp(o->status, "active") == 0 && strcmp(o->cert, DRAW_DATE) >= 0 &&
		              (strcmp(o->department, SCJG) == 0 || strcmp(o->department, STHJ) == 0);
		fprintf(fp, "%s,%s,%s,%s,%s,%s\n", o->id, o->name, o->department, o->cert, o->specs, o->status);
	}
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_int_eq(go[7].eligible, strcmp(go[7].status, "active") == 0);

	/* conflicts: unique random pairs over a pool of 400 entities and all officers */
	fp = fopen(tu_path("big-conflicts.csv"), "wb");
	ck_assert_ptr_nonnull(fp);
	fputs("entity_id,inspector_id,reason\n", fp);
	for (i = 0; i < NCONF;) {
		g_entity *e = &ge[(rng() % 400) * 15];
		g_officer *o = &go[rng() % NOFF];

		for (j = 0; j < i; j++)
			if (strcmp(gc[j].entity, e->id) == 0 && strcmp(gc[j].officer, o->id) == 0)
				break;
		if (j < i)
			continue;
		snprintf(gc[i].entity, sizeof(gc[i].entity), "%s", e->id);
		snprintf(gc[i].officer, sizeof(gc[i].officer), "%s", o->id);
		snprintf(gc[i].reason, sizeof(gc[i].reason), "随机回避%zu", i);
		fprintf(fp, "%s,%s,%s\n", e->id, o->id, gc[i].reason);
		i++;
	}
	ck_assert_int_eq(fclose(fp), 0);
	qsort(gc, NCONF, sizeof(gc[0]), cmp_conflict);
}

static const char big_task[] =
	"{\"id\":\"T-BIG\",\"title\":\"大规模联合抽查\",\"departments\":[\"" SCJG "\",\"" STHJ "\"],"
	"\"items\":[\"SP-01\"],\"draw_date\":\"" DRAW_DATE "\","
	"\"strata\":{\"by\":[\"risk\"],\"rates\":{\"A\":\"30%\",\"B\":\"40%\",\"C\":\"60%\",\"D\":\"100%\","
	"\"*\":\"20%\"}},\"reserve_rate\":\"10%\","
	"\"team\":{\"size\":2,\"per_department\":{\"" SCJG "\":1,\"" STHJ "\":1},"
	"\"specialties\":[\"食品\",\"药品\"],\"load_cap\":40}}";

/* k for a stratum of the big task: ceil(n * rate), written out here from the task. */
static void big_sizes(const char *key, uint64_t n, uint64_t *k, uint64_t *r, const char **rate)
{
	uint64_t pct = !strcmp(key, "A") ? 30 : !strcmp(key, "B") ? 40 : !strcmp(key, "C") ? 60
	             : !strcmp(key, "D") ? 100 : 20;

	*rate = !strcmp(key, "A") ? "30%" : !strcmp(key, "B") ? "40%" : !strcmp(key, "C") ? "60%"
	      : !strcmp(key, "D") ? "100%" : "20%";
	*k = (n * pct + 99) / 100;
	*r = (*k * 10 + 99) / 100;
	if (*r > n - *k)
		*r = n - *k;
}

static int cmp_entity_id(const void *a, const void *b)
{
	return strcmp(((const g_entity *)a)->id, ((const g_entity *)b)->id);
}

static int cmp_entity_ptr_ticket(const void *a, const void *b)
{
	const g_entity *x = *(g_entity *const *)a, *y = *(g_entity *const *)b;
	int c = memcmp(x->ticket, y->ticket, 32);

	return c ? c : strcmp(x->id, y->id);
}

typedef struct {
	g_officer *o;
	unsigned char ot[32], pt[32];   /* officer ticket at its load, pair ticket */
	uint64_t load;
	int specialist, member;
} g_cand;

static int cmp_cand(const void *a, const void *b)      /* candidate order: load, officer ticket, id */
{
	const g_cand *x = a, *y = b;
	int c;

	if (x->load != y->load)
		return x->load < y->load ? -1 : 1;
	c = memcmp(x->ot, y->ot, 32);
	return c ? c : strcmp(x->o->id, y->o->id);
}

static int cmp_fill(const void *a, const void *b)      /* filling order: load, non-specialists first */
{
	const g_cand *x = *(g_cand *const *)a, *y = *(g_cand *const *)b;
	int c;

	if (x->load != y->load)
		return x->load < y->load ? -1 : 1;
	if (x->specialist != y->specialist)
		return x->specialist - y->specialist;
	c = memcmp(x->ot, y->ot, 32);
	return c ? c : strcmp(x->o->id, y->o->id);
}

static int cmp_member_pt(const void *a, const void *b)  /* team order: pair ticket, id */
{
	const g_cand *x = *(g_cand *const *)a, *y = *(g_cand *const *)b;
	int c = memcmp(x->pt, y->pt, 32);

	return c ? c : strcmp(x->o->id, y->o->id);
}

static int seat_open(const g_officer *o, const int seats[2])
{
	return strcmp(o->department, SCJG) == 0 ? seats[0] > 0 : strcmp(o->department, STHJ) == 0 ? seats[1] > 0 : 0;
}

static void take_seat(const g_officer *o, int seats[2])
{
	seats[strcmp(o->department, SCJG) == 0 ? 0 : 1]--;
}

static int holds(const g_officer *o, const char *s)
{
	return strcmp(s, "食品") == 0 ? o->food : o->drug;
}

/* docs/spec.md §9, written out again: the expected team of one entity, members in team order. */
static size_t expected_team(g_cand **team, g_cand *c, g_cand **fill, const unsigned char seed[32],
                            const g_entity *e, uint64_t cap)
{
	static const char *const specialties[] = { "食品", "药品" };
	int seats[2] = { 1, 1 };
	size_t n = 0, i, s, nteam = 0;

	for (i = 0; i < NOFF; i++) {
		g_officer *o = &go[i];

		if (!o->eligible || o->load >= cap || recused(e->id, o->id))
			continue;
		c[n].o = o;
		c[n].load = o->load;
		c[n].specialist = o->food || o->drug;
		c[n].member = 0;
		tu_spec_officer_ticket(c[n].ot, seed, (uint32_t)o->load, o->id);
		tu_spec_pair_ticket(c[n].pt, seed, e->id, o->id);
		n++;
	}
	qsort(c, n, sizeof(*c), cmp_cand);
	for (i = 0; i < n; i++)
		fill[i] = &c[i];
	qsort(fill, n, sizeof(*fill), cmp_fill);
	for (s = 0; s < 2; s++) {
		for (i = 0; i < nteam; i++)
			if (holds(team[i]->o, specialties[s]))
				break;
		if (i < nteam)
			continue;
		for (i = 0; i < n; i++)
			if (!c[i].member && holds(c[i].o, specialties[s]) && seat_open(c[i].o, seats))
				break;
		TU_REQUIRE(i < n, "the spec's algorithm finds no %s holder for %s", specialties[s], e->id);
		c[i].member = 1;
		take_seat(c[i].o, seats);
		team[nteam++] = &c[i];
	}
	for (i = 0; i < n && nteam < 2; i++)
		if (!fill[i]->member && seat_open(fill[i]->o, seats)) {
			fill[i]->member = 1;
			take_seat(fill[i]->o, seats);
			team[nteam++] = fill[i];
		}
	TU_REQUIRE(nteam == 2, "the spec's algorithm cannot fill the team of %s", e->id);
	qsort(team, nteam, sizeof(*team), cmp_member_pt);
	for (i = 0; i < nteam; i++)
		team[i]->o->load++;
	return nteam;
}

typedef struct {
	char **v;
	size_t n;
} drawn_rows;

static int collect_drawn(void *ctx, const char *entity_id, const char *inspector_id,
                         const char *draw_date)
{
	drawn_rows *r = ctx;
	char line[256];

	snprintf(line, sizeof(line), "%s|%s|%s", entity_id, inspector_id ? inspector_id : "-", draw_date);
	r->v = realloc(r->v, (r->n + 1) * sizeof(char *));
	TU_REQUIRE(r->v && (r->v[r->n++] = strdup(line)), "out of memory");
	return 0;
}

static void drawn_rows_free(drawn_rows *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->v[i]);
	free(r->v);
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Two threads (the scan beside a hashing worker) give the same bytes and the same recorded
 * rows as one. */
START_TEST(test_threads_identical)
{
	yh_store *one = store_named("one.db"), *two = store_named("two.db");
	yh_draw_options opt = YH_DRAW_OPTIONS_INIT;
	yh_import_report rep;
	char *a = NULL, *b = NULL, *ann;

	generate_registers();
	tu_import_ok(&rep, one, YH_REGISTER_ENTITIES, tu_path("big-entities.csv"), NULL);
	tu_import_ok(&rep, two, YH_REGISTER_ENTITIES, tu_path("big-entities.csv"), NULL);
	tu_import_ok(&rep, one, YH_REGISTER_INSPECTORS, tu_path("big-inspectors.csv"), NULL);
	tu_import_ok(&rep, two, YH_REGISTER_INSPECTORS, tu_path("big-inspectors.csv"), NULL);
	tu_import_ok(&rep, one, YH_REGISTER_CONFLICTS, tu_path("big-conflicts.csv"), NULL);
	tu_import_ok(&rep, two, YH_REGISTER_CONFLICTS, tu_path("big-conflicts.csv"), NULL);
	add_task(one, big_task);
	add_task(two, big_task);
	ann = commit_ok(one, "T-BIG", "threads");
	free(ann);
	ann = commit_ok(two, "T-BIG", "threads");
	free(ann);
	opt = (yh_draw_options)YH_DRAW_OPTIONS_INIT;
	opt.threads = 1;
	ck_assert_int_eq(yh_draw_run(&a, &tu_draw_result, one, "T-BIG", BIG_VALUE, &opt), YH_OK);
	opt.threads = 2;
	ck_assert_int_eq(yh_draw_run(&b, &tu_draw_result, two, "T-BIG", BIG_VALUE, &opt), YH_OK);
	ck_assert_uint_gt(strlen(a), 100000); /* thousands selected: many batches crossed */
	ck_assert_str_eq(a, b);
	{
		/* the rows recorded for later windows too (sorted by key, then inserted in multi-row
		 * statements: more rows than a statement holds, and a tail) */
		drawn_rows ra = { 0 }, rb = { 0 };
		json_t *tr = tu_json(a);
		size_t nsel = json_array_size(json_object_get(tr, "selected"));

		ck_assert_int_eq(yh_check_drawn(one, "T-BIG", collect_drawn, &ra), YH_OK);
		ck_assert_int_eq(yh_check_drawn(two, "T-BIG", collect_drawn, &rb), YH_OK);
		ck_assert_uint_gt(nsel, 64);
		ck_assert_uint_ne(nsel % 64, 0);
		ck_assert_uint_eq(ra.n, nsel * 3); /* an entity row and a team of two */
		ck_assert_uint_eq(rb.n, ra.n);
		qsort(ra.v, ra.n, sizeof(char *), cmp_strp);
		qsort(rb.v, rb.n, sizeof(char *), cmp_strp);
		for (size_t i = 0; i < ra.n; i++)
			ck_assert_str_eq(ra.v[i], rb.v[i]);
		drawn_rows_free(&ra);
		drawn_rows_free(&rb);
		json_decref(tr);
	}
	free(a);
	free(b);
	yh_store_close(one);
	yh_store_close(two);
}
END_TEST

/* A scan without whole rows reads only the columns the task needs (frozen.c, store
 * projection): for a task filtering or stratifying on each column it offers the same eligible
 * rows and stratum keys as a scan of whole rows, and no names. */
typedef struct {
	const yh_task *task;
	char **v;
	size_t n;
} offered;

static int offer_eligible(void *ctx, const char *const *row)
{
	offered *o = ctx;
	char key[YH_STRATUM_KEY_MAX], line[1024];

	TU_REQUIRE_INT(yh_task_stratum_key(key, sizeof(key), o->task, row), YH_OK);
	snprintf(line, sizeof(line), "%s|%s", row[YH_E_ID], key);
	o->v = realloc(o->v, (o->n + 1) * sizeof(char *));
	TU_REQUIRE(o->v && (o->v[o->n++] = strdup(line)), "out of memory");
	return 0;
}

/* The draw's scan does not read the names: it looks up the few it selects afterwards. */
static int no_name(void *ctx, const char *const *row)
{
	(void)ctx;
	TU_REQUIRE(*row[YH_E_NAME] == '\0', "the scan read the name of %s", row[YH_E_ID]);
	return 0;
}

static int whole_row(void *ctx, const char *const *row)
{
	(void)ctx;
	TU_REQUIRE(*row[YH_E_TYPE] || *row[YH_E_REGION], "a whole row has its columns");
	return 0;
}

START_TEST(test_scan_columns)
{
	static const char *const tasks[] = {
		"\"population\":{\"regions\":[\"3301\"]},\"strata\":{\"rates\":{\"*\":\"5%\"}}",
		"\"population\":{\"industries\":[\"F\"]},\"strata\":{\"rates\":{\"*\":\"5%\"}}",
		"\"population\":{\"types\":[\"个体工商户\"]},\"strata\":{\"rates\":{\"*\":\"5%\"}}",
		"\"population\":{\"risk\":[\"A\",\"C\"]},\"strata\":{\"rates\":{\"*\":\"5%\"}}",
		"\"population\":{\"abnormal\":true},\"strata\":{\"rates\":{\"*\":\"5%\"}}",
		"\"population\":{\"abnormal\":false},\"strata\":{\"rates\":{\"*\":\"5%\"}}",
		"\"strata\":{\"by\":[\"province\",\"risk\"],\"rates\":{\"*\":\"5%\"}}",
		"\"strata\":{\"by\":[\"city\"],\"rates\":{\"*\":\"5%\"}}",
		"\"strata\":{\"by\":[\"industry_section\",\"type\"],\"rates\":{\"*\":\"5%\"}}",
	};
	yh_store *store = store_named("columns.db");
	yh_import_report rep;
	uint64_t head;
	size_t t, i;

	generate_registers();
	tu_import_ok(&rep, store, YH_REGISTER_ENTITIES, tu_path("big-entities.csv"), NULL);
	ck_assert_int_eq(yh_ledger_head(&head, store), YH_OK);
	for (t = 0; t < sizeof(tasks) / sizeof(tasks[0]); t++) {
		char json[1024];
		yh_frozen f;
		offered part = { 0 }, whole = { 0 };

		snprintf(json, sizeof(json), "{\"id\":\"T-C\",\"title\":\"t\",\"departments\":[\"" SCJG "\"],"
		         "\"draw_date\":\"" DRAW_DATE "\",\"team\":{\"size\":2},%s}", tasks[t]);
		memset(&f, 0, sizeof(f));
		f.task = tu_task(json);
		f.freeze_seq = head;
		part.task = whole.task = f.task;
		ck_assert_int_eq(yh_frozen_scan(store, &f, NULL, offer_eligible, &part), YH_OK);
		ck_assert_int_eq(yh_frozen_scan(store, &f, NULL, no_name, NULL), YH_OK);
		ck_assert_int_eq(yh_frozen_scan(store, &f, whole_row, offer_eligible, &whole), YH_OK);
		ck_assert_msg(whole.n > 0 && whole.n < NENT, "task %zu: the filter or strata keep some rows", t);
		ck_assert_uint_eq(part.n, whole.n);
		for (i = 0; i < whole.n; i++) {
			ck_assert_str_eq(part.v[i], whole.v[i]);
			free(part.v[i]);
			free(whole.v[i]);
		}
		free(part.v);
		free(whole.v);
		{
			yh_task *task = (yh_task *)f.task; /* yh_frozen_clear forgets it */

			yh_frozen_clear(&f);
			yh_task_free(task);
		}
	}
	yh_store_close(store);
}
END_TEST

/* The scan from both ends on two connections (draw_scan.c) takes every eligible row exactly
 * once, however the two threads meet: the strata's counts match the commitment (close checks
 * them) and the cutoffs, reserves and ranked entities equal those of one ordered scan. */
static int any_name(void *ctx, const char *const *ids, size_t n, yh_name_found_fn found,
                    void *found_ctx)
{
	size_t i;
	int rc;

	(void)ctx;
	(void)ids;
	for (i = 0; i < n; i++)
		if ((rc = found(found_ctx, i, "n")) != 0)
			return rc;
	return 0;
}

static int ranked(void *ctx, const yh_selected *e)
{
	tu_buf_fmt(ctx, "%llu %s %s %s\n", (unsigned long long)e->rank, e->id, e->stratum->key,
	           tu_hex(e->ticket, 32));
	return 0;
}

/* The selection as text: cutoffs, reserves, then the ranked entities. */
static char *selection_text(yh_selector *sel)
{
	const yh_selection *s;
	tu_buf b = { 0 };
	size_t i;

	ck_assert_msg(yh_selector_close(&s, sel) == YH_OK, "%s", yh_error_message());
	for (i = 0; i < s->frozen->nstrata; i++)
		tu_buf_fmt(&b, "cutoff %s %s\n", s->frozen->strata[i].key,
		           s->has_cutoff[i] ? tu_hex(s->cutoffs[i], 32) : "-");
	for (i = 0; i < s->nreserves; i++)
		tu_buf_fmt(&b, "reserve %s %llu %s\n", s->reserves[i].stratum->key,
		           (unsigned long long)s->reserves[i].order, s->reserves[i].id);
	ck_assert_int_eq(yh_selector_emit(sel, 0, ranked, &b), YH_OK);
	return tu_buf_take(&b);
}

START_TEST(test_scan_both_ends)
{
	yh_store *store = store_named("ends.db"), *second = NULL;
	yh_import_report rep;
	yh_frozen f;
	json_t *ann;
	unsigned char seed[32];
	char *text, *one;
	int round;

	generate_registers();
	tu_import_ok(&rep, store, YH_REGISTER_ENTITIES, tu_path("big-entities.csv"), NULL);
	tu_import_ok(&rep, store, YH_REGISTER_INSPECTORS, tu_path("big-inspectors.csv"), NULL);
	tu_import_ok(&rep, store, YH_REGISTER_CONFLICTS, tu_path("big-conflicts.csv"), NULL);
	add_task(store, big_task);
	text = commit_ok(store, "T-BIG", "both ends");
	ann = tu_json(text);
	free(text);
	memset(&f, 0, sizeof(f));
	{
		yh_task *task = NULL;

		ck_assert_int_eq(yh_task_get(&task, store, "T-BIG"), YH_OK);
		f.task = task;
	}
	f.freeze_seq = (uint64_t)tu_jint(ann, "freeze_seq");
	ck_assert_int_eq(yh_frozen_strata_from_json(&f, json_object_get(ann, "strata")), YH_OK);
	tu_sha256_label(seed, "test_scan_both_ends");
	{
		yh_selector *sel = NULL;

		ck_assert_int_eq(yh_selector_new(&sel, &f, seed, 1, NULL, NULL), YH_OK);
		yh_selector_lookup_names(sel, any_name, NULL);
		ck_assert_int_eq(yh_frozen_scan(store, &f, NULL, yh_selector_add, sel), YH_OK);
		one = selection_text(sel);
		yh_selector_free(sel);
	}
	ck_assert_int_eq(yh_store_open(&second, yh_store_path(store)), YH_OK);
	for (round = 0; round < 8; round++) { /* the threads meet somewhere else each time */
		yh_selector *both = NULL;

		ck_assert_int_eq(yh_selector_new(&both, &f, seed, 1, NULL, NULL), YH_OK);
		yh_selector_lookup_names(both, any_name, NULL);
		ck_assert_msg(yh_draw_scan_both(store, second, &f, both) == YH_OK, "%s", yh_error_message());
		text = selection_text(both);
		ck_assert_str_eq(text, one);
		free(text);
		yh_selector_free(both);
	}
	free(one);
	yh_store_close(second);
	{
		yh_task *task = (yh_task *)f.task;

		yh_frozen_clear(&f);
		yh_task_free(task);
	}
	json_decref(ann);
	yh_store_close(store);
}
END_TEST

START_TEST(test_large_generated_draw)
{
	yh_store *store = store_named("big.db");
	yh_import_report rep;
	char *ann_text, *tr_text;
	json_t *ann, *tr, *ann_strata, *tr_strata, *selected, *reserves, *e, *m;
	unsigned char seed[32], secret[32], want[32], root[32];
	const char **rows;
	g_entity **eligible, **by_rank, **group;
	g_cand *cands = calloc(NOFF, sizeof(g_cand)), **fill = calloc(NOFF, sizeof(g_cand *)), *team[4];
	size_t neligible = 0, noff = 0, i, j, nstrata = 0, nreserves = 0, total_k = 0, ngroup;
	uint64_t cap, max_load = 0;
	static const char *const keys[] = { "-", "A", "B", "C", "D" }; /* sorted by bytes */

	ck_assert(cands && fill);
	generate_registers();
	tu_import_ok(&rep, store, YH_REGISTER_ENTITIES, tu_path("big-entities.csv"), NULL);
	TU_REQUIRE_INT(rep.added, NENT);
	tu_import_ok(&rep, store, YH_REGISTER_INSPECTORS, tu_path("big-inspectors.csv"), NULL);
	TU_REQUIRE_INT(rep.added, NOFF);
	tu_import_ok(&rep, store, YH_REGISTER_CONFLICTS, tu_path("big-conflicts.csv"), NULL);
	TU_REQUIRE_INT(rep.added, NCONF);
	add_task(store, big_task);
	ann_text = commit_ok(store, "T-BIG", "a large draw");
	tr_text = draw_ok(store, "T-BIG", BIG_VALUE);
	ann = tu_json(ann_text);
	tr = tu_json(tr_text);

	/* §2, §4: counts and roots over every row, from the generated rows */
	qsort(ge, NENT, sizeof(*ge), cmp_entity_id);
	eligible = calloc(NENT, sizeof(*eligible));
	by_rank = calloc(NENT, sizeof(*by_rank));
	group = calloc(NENT, sizeof(*group));
	rows = calloc(8 * NENT, sizeof(*rows));
	ck_assert(eligible && by_rank && group && rows);
	for (i = 0; i < NENT; i++) {
		const char *f[8] = { ge[i].id, ge[i].name, ge[i].type, ge[i].region, ge[i].industry, ge[i].risk,
		                     ge[i].status, ge[i].abnormal };

		memcpy(rows + 8 * i, f, sizeof(f));
		if (ge[i].eligible)
			eligible[neligible++] = &ge[i];
	}
	tu_spec_root(root, rows, 8, NENT);
	TU_REQUIRE_INT(tu_jint(json_object_get(ann, "entities"), "count"), NENT);
	TU_REQUIRE_INT(tu_jint(json_object_get(ann, "entities"), "eligible"), (json_int_t)neligible);
	TU_REQUIRE(neligible < NENT, "every generated entity is eligible");
	TU_REQUIRE_STR(tu_jstr(json_object_get(ann, "entities"), "root"), tu_hex(root, 32));
	TU_REQUIRE_INT(json_array_size(json_object_get(json_object_get(ann, "entities"), "excluded")), 0);
	for (i = 0; i < NOFF; i++) { /* generated in id order */
		const char *f[6] = { go[i].id, go[i].name, go[i].department, go[i].cert, go[i].specs, go[i].status };

		TU_REQUIRE(i == 0 || strcmp(go[i - 1].id, go[i].id) < 0, "officers out of order");
		memcpy(rows + 6 * i, f, sizeof(f));
		noff += go[i].eligible;
	}
	tu_spec_root(root, rows, 6, NOFF);
	TU_REQUIRE_INT(tu_jint(json_object_get(ann, "inspectors"), "count"), NOFF);
	TU_REQUIRE_INT(tu_jint(json_object_get(ann, "inspectors"), "eligible"), (json_int_t)noff);
	TU_REQUIRE(noff < NOFF, "every generated officer is eligible");
	TU_REQUIRE_STR(tu_jstr(json_object_get(ann, "inspectors"), "root"), tu_hex(root, 32));
	{
		/* the conflict rows in column order (inspector_id, entity_id, reason), by that key */
		g_conflict *byo = calloc(NCONF, sizeof(*byo));

		ck_assert_ptr_nonnull(byo);
		memcpy(byo, gc, NCONF * sizeof(*gc));
		qsort(byo, NCONF, sizeof(*byo), cmp_conflict_by_officer);
		for (i = 0; i < NCONF; i++) {
			const char *f[3] = { byo[i].officer, byo[i].entity, byo[i].reason };

			memcpy(rows + 3 * i, f, sizeof(f));
		}
		tu_spec_root(root, rows, 3, NCONF);
		free(byo);
	}
	TU_REQUIRE_INT(tu_jint(json_object_get(ann, "conflicts"), "count"), NCONF);
	TU_REQUIRE_STR(tu_jstr(json_object_get(ann, "conflicts"), "root"), tu_hex(root, 32));
	TU_REQUIRE_INT(json_array_size(json_object_get(ann, "recent_pairs")), 0);
	TU_REQUIRE_INT(json_array_size(json_object_get(ann, "earlier")), 0);
	TU_REQUIRE_INT(tu_jint(json_object_get(ann, "chain"), "seq"), 1);
	cap = (uint64_t)tu_jint(ann, "load_cap");
	TU_REQUIRE_INT(cap, LOAD_CAP);

	/* §6: the commitment opens; §7: the seed */
	tu_sha256_label(secret, "a large draw");
	TU_REQUIRE_STR(tu_jstr(tr, "secret"), tu_hex(secret, 32));
	tu_spec_commitment(want, secret);
	TU_REQUIRE_STR(tu_jstr(ann, "commitment"), tu_hex(want, 32));
	{
		yh_task *t = NULL;

		TU_REQUIRE_INT(yh_task_get(&t, store, "T-BIG"), YH_OK);
		yh_task_digest(want, t);
		TU_REQUIRE_STR(tu_hex(want, 32), tu_jstr(ann, "task_digest"));
		tu_spec_task_digest(want, yh_task_canonical(t));
		TU_REQUIRE_STR(tu_hex(want, 32), tu_jstr(ann, "task_digest"));
		yh_task_free(t);
	}
	tu_spec_announcement_digest(want, ann_text);
	tu_spec_seed(seed, want, secret, BIG_VALUE);
	TU_REQUIRE_STR(tu_jstr(tr, "seed"), tu_hex(seed, 32));
	TU_REQUIRE_STR(tu_jstr(tr, "entropy_value"), BIG_VALUE);

	/* §5, §8: strata, tickets, selection, reserves, cutoffs */
	for (i = 0; i < neligible; i++)
		tu_spec_ticket(eligible[i]->ticket, seed, eligible[i]->id);
	ann_strata = json_object_get(ann, "strata");
	tr_strata = json_object_get(tr, "strata");
	reserves = json_object_get(tr, "reserves");
	for (j = 0; j < 5; j++) {
		uint64_t k, r;
		const char *rate;
		json_t *as = json_array_get(ann_strata, nstrata), *ts = json_array_get(tr_strata, nstrata);

		for (ngroup = 0, i = 0; i < neligible; i++)
			if (strcmp(eligible[i]->risk[0] ? eligible[i]->risk : "-", keys[j]) == 0)
				group[ngroup++] = eligible[i];
		TU_REQUIRE(ngroup > 0, "stratum %s is empty", keys[j]);
		qsort(group, ngroup, sizeof(*group), cmp_entity_ptr_ticket);
		big_sizes(keys[j], ngroup, &k, &r, &rate);
		TU_REQUIRE(as != NULL, "stratum %s missing", keys[j]);
		TU_REQUIRE_STR(tu_jstr(as, "key"), keys[j]);
		TU_REQUIRE_INT(tu_jint(as, "population"), (json_int_t)ngroup);
		TU_REQUIRE_INT(tu_jint(as, "selected"), (json_int_t)k);
		TU_REQUIRE_INT(tu_jint(as, "reserves"), (json_int_t)r);
		TU_REQUIRE_STR(tu_jstr(as, "rate"), rate);
		TU_REQUIRE_STR(tu_jstr(ts, "key"), keys[j]);
		TU_REQUIRE_INT(tu_jint(ts, "selected"), (json_int_t)k);
		TU_REQUIRE_INT(tu_jint(ts, "reserves"), (json_int_t)r);
		if (k < ngroup) {
			unsigned char cut[32];

			TU_REQUIRE_STR(tu_jstr(ts, "cutoff"), tu_hex(group[k]->ticket, 32));
			tu_unhex(cut, 32, tu_jstr(ts, "cutoff"));
			for (i = 0; i < ngroup; i++)
				TU_REQUIRE_INT(memcmp(group[i]->ticket, cut, 32) < 0, i < k);
		} else {
			TU_REQUIRE(json_is_null(json_object_get(ts, "cutoff")), "stratum %s: k = n needs a null cutoff",
			              keys[j]);
		}
		for (i = 0; i < k; i++)
			by_rank[total_k + i] = group[i];
		total_k += k;
		for (i = 0; i < r; i++) {
			json_t *rv = json_array_get(reserves, nreserves + i);

			TU_REQUIRE(rv != NULL, "reserve missing");
			TU_REQUIRE_STR(tu_jstr(rv, "stratum"), keys[j]);
			TU_REQUIRE_INT(tu_jint(rv, "order"), (json_int_t)(i + 1));
			TU_REQUIRE_STR(tu_jstr(rv, "id"), group[k + i]->id);
			TU_REQUIRE_STR(tu_jstr(rv, "name"), group[k + i]->name);
			TU_REQUIRE_STR(tu_jstr(rv, "ticket"), tu_hex(group[k + i]->ticket, 32));
			TU_REQUIRE(strcmp(tu_jstr(rv, "ticket"), tu_jstr(ts, "cutoff")) >= 0, "reserve %s is below the cutoff", tu_jstr(rv, "id"));
		}
		nreserves += r;
		nstrata++;
	}
	TU_REQUIRE_INT(json_array_size(ann_strata), nstrata);
	TU_REQUIRE_INT(json_array_size(tr_strata), nstrata);
	TU_REQUIRE_INT(json_array_size(reserves), nreserves);
	ck_assert_uint_gt(total_k, 1500); /* a few thousand teams */

	/* ranks: all selected in ticket order */
	qsort(by_rank, total_k, sizeof(*by_rank), cmp_entity_ptr_ticket);
	selected = json_object_get(tr, "selected");
	TU_REQUIRE_INT(json_array_size(selected), total_k);
	json_array_foreach(selected, i, e) {
		const g_entity *g = by_rank[i];
		unsigned char t[32];

		TU_REQUIRE_INT(tu_jint(e, "rank"), (json_int_t)(i + 1));
		TU_REQUIRE_STR(tu_jstr(e, "id"), g->id);
		TU_REQUIRE_STR(tu_jstr(e, "name"), g->name);
		TU_REQUIRE_STR(tu_jstr(e, "stratum"), g->risk[0] ? g->risk : "-");
		tu_spec_ticket(t, seed, tu_jstr(e, "id"));
		TU_REQUIRE_STR(tu_jstr(e, "ticket"), tu_hex(t, 32));
		{
			/* below its stratum's cutoff */
			json_t *ts;
			size_t si;

			json_array_foreach(tr_strata, si, ts)
				if (strcmp(tu_jstr(ts, "key"), tu_jstr(e, "stratum")) == 0 && !json_is_null(json_object_get(ts, "cutoff")))
					TU_REQUIRE(strcmp(tu_jstr(e, "ticket"), tu_jstr(ts, "cutoff")) < 0, "selected %s is not below the cutoff",
					        tu_jstr(e, "id"));
		}
	}

	/* §9: every team, as the spec's algorithm forms it, and its properties */
	json_array_foreach(selected, i, e) {
		json_t *tm = json_object_get(e, "team");
		size_t nteam = expected_team(team, cands, fill, seed, by_rank[i], cap), nscjg = 0, nsthj = 0;
		int food = 0, drug = 0;
		unsigned char prev[32];

		TU_REQUIRE(json_array_size(tm) >= 2, "rank %zu: a team of fewer than 2", i + 1);
		TU_REQUIRE(json_array_size(tm) == nteam, "rank %zu: team of %zu, expected %zu", i + 1,
		              json_array_size(tm), nteam);
		json_array_foreach(tm, j, m) {
			g_officer *o = officer_by_id(tu_jstr(m, "id"));
			unsigned char pt[32];

			TU_REQUIRE(strcmp(tu_jstr(m, "id"), team[j]->o->id) == 0, "rank %zu (%s) member %zu: %s, the spec gives %s",
			              i + 1, tu_jstr(e, "id"), j, tu_jstr(m, "id"), team[j]->o->id);
			TU_REQUIRE(o != NULL, "unknown officer %s", tu_jstr(m, "id"));
			/* eligible: active, certificate valid on the draw date, a task department */
			TU_REQUIRE(o->eligible && strcmp(o->status, "active") == 0 && strcmp(o->cert, DRAW_DATE) >= 0,
			              "officer %s is not eligible", o->id);
			TU_REQUIRE(!recused(tu_jstr(e, "id"), o->id), "conflict pair %s/%s teamed", tu_jstr(e, "id"), o->id);
			TU_REQUIRE_STR(tu_jstr(m, "name"), o->name);
			TU_REQUIRE_STR(tu_jstr(m, "department"), o->department);
			nscjg += strcmp(o->department, SCJG) == 0;
			nsthj += strcmp(o->department, STHJ) == 0;
			food |= o->food;
			drug |= o->drug;
			tu_spec_pair_ticket(pt, seed, tu_jstr(e, "id"), o->id);
			TU_REQUIRE_STR(tu_jstr(m, "pair_ticket"), tu_hex(pt, 32));
			/* team order: pair ticket; the first leads */
			TU_REQUIRE_STR(tu_jstr(m, "role"), j == 0 ? "leader" : "member");
			if (j > 0)
				TU_REQUIRE(memcmp(prev, pt, 32) < 0, "rank %zu: members not in pair-ticket order", i + 1);
			memcpy(prev, pt, 32);
			o->seen_load++;
		}
		TU_REQUIRE(nscjg == 1 && nsthj == 1, "rank %zu: seats %zu/%zu", i + 1, nscjg, nsthj);
		TU_REQUIRE(food && drug, "rank %zu: a required specialty is missing", i + 1);
	}
	for (i = 0; i < NOFF; i++) {
		TU_REQUIRE(go[i].seen_load <= cap, "officer %s has %llu teams, cap %llu", go[i].id,
		              (unsigned long long)go[i].seen_load, (unsigned long long)cap);
		TU_REQUIRE_INT(go[i].seen_load, go[i].load);
		if (!go[i].eligible)
			TU_REQUIRE_INT(go[i].seen_load, 0);
		if (go[i].seen_load > max_load)
			max_load = go[i].seen_load;
	}
	/* the cap binds: some officer reaches it */
	TU_REQUIRE_INT(max_load, cap);

	free(eligible);
	free(by_rank);
	free(group);
	free(rows);
	free(cands);
	free(fill);
	free(ge);
	json_decref(ann);
	json_decref(tr);
	free(ann_text);
	free(tr_text);
	yh_store_close(store);
}
END_TEST

static Suite *draw_suite(void)
{
	Suite *s = suite_create("draw");
	TCase *tc = tu_tcase(s, "draw", TU_TMPDIR, 120), *big = tu_tcase(s, "large", TU_TMPDIR, 300);

	tcase_add_test(tc, test_food_vector);
	tcase_add_test(tc, test_two_stores_identical);
	tcase_add_test(tc, test_draw_streams_transcript);
	tcase_add_test(tc, test_shuffled_files_identical);
	tcase_add_test(tc, test_entropy_changes_selection);
	tcase_add_test(tc, test_lifecycle_errors);
	tcase_add_test(tc, test_commit_random_secret);
	tcase_add_test(tc, test_import_after_commit);
	tcase_add_test(tc, test_exclusion_window);
	tcase_add_test(tc, test_announcement_chain);
	tcase_add_test(tc, test_windows_edges);
	tcase_add_test(tc, test_conflict_reason_recent);
	tcase_add_test(tc, test_infeasible_commit);
	tcase_add_test(tc, test_draw_time_team_failure);
	tcase_add_test(tc, test_default_load_cap);
	tcase_add_test(tc, test_long_stratum_key);
	tcase_add_test(big, test_large_generated_draw);
	tcase_add_test(big, test_threads_identical);
	tcase_add_test(big, test_scan_columns);
	tcase_add_test(big, test_scan_both_ends);
	return s;
}

TU_MAIN(draw_suite)
