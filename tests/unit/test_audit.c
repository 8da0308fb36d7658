/* test_audit.c — walking the whole ledger of a store: chain, signatures, imports, commits and a
 * replay of every draw (yaohao/audit.h, docs/spec.md §11).  The store is tampered with through
 * SQLite directly, as someone with the file but without the key could. */
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "testutil.h"

/* yh_draw_run's result, where a test does not look at it */
static yh_draw_result tu_draw_result;

#define FOOD "T-2026-12-FOOD"
#define REPEAT "T-2027-01-FOOD"

/* The ledger of the audited store:
 *  1 init, 2 key, 3-6 imports (entities, inspectors, conflicts, items),
 *  7 task FOOD, 8 commit FOOD, 9 draw FOOD, 10 task REPEAT, 11 commit REPEAT, 12 draw REPEAT. */
enum { SEQ_ENTITIES = 3, SEQ_INSPECTORS = 4, SEQ_CONFLICTS = 5, SEQ_ITEMS = 6, SEQ_TASK = 7,
       SEQ_COMMIT = 8, SEQ_DRAW = 9, SEQ_DRAW2 = 12, SEQ_HEAD = 12 };

/* A later food task that excludes the entities drawn within 365 days and avoids the pairs
 * teamed within 730 (as fixtures/vectors/repeat/task.json). */
static const char repeat_task[] =
	"{\"id\": \"" REPEAT "\", \"title\": \"2027年1月食品经营者双随机抽查（排除近期已抽）\","
	" \"departments\": [\"330100-SCJG\"], \"items\": [\"SP-01\"], \"draw_date\": \"2027-01-15\","
	" \"population\": {\"status\": [\"active\"], \"regions\": [\"3301\"], \"industries\": [\"F52\", \"H62\", \"C14\"]},"
	" \"strata\": {\"by\": [\"risk\"], \"rates\": {\"A\": \"5%\", \"B\": \"10%\", \"C\": \"20%\", \"D\": \"50%\", \"*\": \"10%\"}, \"min\": 1},"
	" \"reserve_rate\": \"20%\", \"exclude_drawn_within_days\": 365,"
	" \"team\": {\"size\": 2, \"specialties\": [\"食品\"], \"load_cap\": 4},"
	" \"avoid_repeat_pair_within_days\": 730}";

/* Adds the task of a fixture file, or the task given as JSON text. */
static void add_task(yh_store *store, const char *file_or_json)
{
	yh_task *task = NULL;
	uint64_t seq;
	int rc = file_or_json[0] == '{' ? yh_task_parse(&task, file_or_json, strlen(file_or_json), "task")
	                                : yh_task_load_file(&task, tu_fixture(file_or_json));

	ck_assert_msg(rc == YH_OK, "%s", yh_error_message());
	ck_assert_msg(yh_task_add(&seq, store, task) == YH_OK, "%s", yh_error_message());
	yh_task_free(task);
}

static void commit_and_draw(yh_store *store, const char *task_id, const char *label)
{
	unsigned char secret[32];
	yh_commit_options opt = YH_COMMIT_OPTIONS_INIT;
	uint64_t seq;
	int rc;

	crypto_hash_sha256(secret, (const unsigned char *)label, strlen(label));
	opt = (yh_commit_options)YH_COMMIT_OPTIONS_INIT;
	opt.entropy_source = "drand quicknet, the first round after the commit";
	opt.secret = secret;
	rc = yh_draw_commit(NULL, &seq, store, task_id, &opt);
	ck_assert_msg(rc == YH_OK, "commit %s: %s", task_id, yh_error_message());
	rc = yh_draw_run(NULL, &tu_draw_result, store, task_id, label, NULL);
	ck_assert_msg(rc == YH_OK, "draw %s: %s", task_id, yh_error_message());
}

static void build_second(const yh_key *key);

/* The store in tu_dir/yaohao.db with its ledger as listed above; with key NULL it is never
 * given one.  The store is closed: tests tamper with the file, then open it. */
static void build_first(const yh_key *key);

/* Copies a closed store file (a closed store has no -wal or -shm file). */
static void copy_file(const char *from, const char *to)
{
	size_t len;
	char *data = tu_read(from, &len);

	unlink(to);
	unlink(tu_path("yaohao.db-wal"));
	unlink(tu_path("yaohao.db-shm"));
	tu_write(to, data, len);
	ck_assert_int_eq(chmod(to, 0600), 0); /* a store others may read is refused */
	free(data);
}

/* Tests that tamper with several stores build each state once and copy it. */
static void build_store(const yh_key *key)
{
	const char *snap = tu_path(key ? "full-signed.snap" : "full-unsigned.snap");

	if (tu_file_exists(snap)) {
		copy_file(snap, tu_path("yaohao.db"));
		return;
	}
	build_first(key);
	build_second(key);
	copy_file(tu_path("yaohao.db"), snap);
}

/* Entries 1-9: the registers and the first draw. */
static void build_first(const yh_key *key)
{
	static const struct { yh_register_kind kind; const char *file; } regs[] = {
		{ YH_REGISTER_ENTITIES, "entities.csv" }, { YH_REGISTER_INSPECTORS, "inspectors.csv" },
		{ YH_REGISTER_CONFLICTS, "conflicts.csv" }, { YH_REGISTER_ITEMS, "items.csv" },
	};
	const char *snap = tu_path(key ? "first-signed.snap" : "first-unsigned.snap");
	yh_store *store;
	yh_import_report rep;
	size_t i;

	if (tu_file_exists(snap)) {
		copy_file(snap, tu_path("yaohao.db"));
		return;
	}
	unlink(tu_path("yaohao.db"));
	unlink(tu_path("yaohao.db-wal"));
	unlink(tu_path("yaohao.db-shm"));
	store = tu_store_new();
	if (key)
		ck_assert_int_eq(yh_store_set_key(store, key), YH_OK);
	for (i = 0; i < 4; i++)
		tu_import_ok(&rep, store, regs[i].kind, tu_fixture(regs[i].file), NULL);
	add_task(store, "task-food.json");
	commit_and_draw(store, FOOD, "audit food");
	ck_assert_uint_eq(tu_ledger_head(store), key ? SEQ_DRAW : SEQ_DRAW - 1);
	yh_store_close(store);
	ck_assert(!tu_file_exists(tu_path("yaohao.db-wal")));
	copy_file(tu_path("yaohao.db"), snap);
}

/* Entries 10-12: a later task that excludes the entities of the first draw and avoids its
 * pairs (vectors/repeat/task.json: 365 and 730 days). */
static void build_second(const yh_key *key)
{
	yh_store *store = NULL;

	ck_assert_int_eq(yh_store_open(&store, tu_path("yaohao.db")), YH_OK);
	if (key)
		ck_assert_int_eq(yh_store_set_key(store, key), YH_OK);
	add_task(store, repeat_task);
	commit_and_draw(store, REPEAT, "audit repeat");
	ck_assert_uint_eq(tu_ledger_head(store), key ? SEQ_HEAD : SEQ_HEAD - 1);
	yh_store_close(store);
}

static yh_store *open_store(void)
{
	yh_store *store = NULL;
	int rc = yh_store_open(&store, tu_path("yaohao.db"));

	ck_assert_msg(rc == YH_OK, "%s", yh_error_message());
	return store;
}

typedef struct {
	uint64_t seqs[16];
	size_t n;
} progress;

static void on_draw(void *ctx, uint64_t seq)
{
	progress *p = ctx;

	if (p->n < 16)
		p->seqs[p->n++] = seq;
}

/* Audits tu_dir/yaohao.db (optionally pinning a key) and returns the report. */
static json_t *audit(const char *public_key)
{
	yh_store *store = open_store();
	json_t *rep = NULL;
	int rc = yh_audit_run(&rep, store, public_key, NULL, NULL);

	ck_assert_msg(rc == YH_OK, "audit: %d %s", rc, yh_error_message());
	ck_assert_ptr_nonnull(rep);
	ck_assert(json_is_boolean(json_object_get(rep, "ok")));
	ck_assert(json_is_array(json_object_get(rep, "checks")));
	ck_assert(json_is_array(json_object_get(rep, "guarantees")));
	yh_store_close(store);
	return rep;
}

/* The audit fails at entry seq (of kind `kind`) for a reason containing `why`. */
static void expect_failure(json_t *rep, uint64_t seq, const char *kind, const char *why)
{
	json_t *ff = json_object_get(rep, "first_failure");
	const char *reason;

	ck_assert_msg(json_is_false(json_object_get(rep, "ok")), "the audit passed: %s", json_dumps(rep, 0));
	ck_assert_msg(json_is_object(ff), "no first_failure: %s", json_dumps(rep, 0));
	reason = json_string_value(json_object_get(ff, "reason"));
	ck_assert_msg(json_integer_value(json_object_get(ff, "seq")) == (json_int_t)seq,
	              "first failure at entry %lld, expected %llu: %s",
	              (long long)json_integer_value(json_object_get(ff, "seq")), (unsigned long long)seq, reason);
	ck_assert_msg(strcmp(json_string_value(json_object_get(ff, "kind")), kind) == 0,
	              "first failure at an entry of kind %s, expected %s: %s",
	              json_string_value(json_object_get(ff, "kind")), kind, reason);
	ck_assert_msg(strstr(reason, why) != NULL, "reason '%s' does not say '%s'", reason, why);
	ck_assert_str_eq(tu_check_status(rep, "ledger"), "failed");
	/* the entries before it were checked; rows outside any import are found after the walk */
	ck_assert_int_eq(json_integer_value(json_object_get(rep, "entries")),
	                 strcmp(kind, "register") == 0 ? SEQ_HEAD : (json_int_t)seq - 1);
	json_decref(rep);
}

/* ---- tampering through SQLite ------------------------------------------------------------- */

/* Runs sql (one statement with at most one text parameter ?1, or NULL). */
static int raw_changes(sqlite3 *db, const char *sql, const char *param)
{
	sqlite3_stmt *st = NULL;

	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(db));
	if (param)
		sqlite3_bind_text(st, 1, param, -1, SQLITE_TRANSIENT);
	ck_assert_msg(sqlite3_step(st) == SQLITE_DONE, "%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return sqlite3_changes(db);
}

static void entry_hash(sqlite3 *db, uint64_t seq, unsigned char out[32])
{
	sqlite3_stmt *st = NULL;

	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT hash FROM ledger WHERE seq = ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_bytes(st, 0), 32);
	memcpy(out, sqlite3_column_blob(st, 0), 32);
	sqlite3_finalize(st);
}

/* Signs entry seq with `key` as spec §11 says — TAG("yaohao:ledger-signature:v1") || hash —
 * and stores the signature with key_id (the signer's id when NULL). */
static void resign_entry(sqlite3 *db, uint64_t seq, const yh_key *key, const char *key_id)
{
	static const char tag[] = "yaohao:ledger-signature:v1"; /* sizeof includes the zero byte */
	unsigned char msg[sizeof(tag) + 32], sig[64];
	sqlite3_stmt *st = NULL;

	ck_assert_uint_eq(sizeof(msg), 27 + 32);
	memcpy(msg, tag, sizeof(tag));
	entry_hash(db, seq, msg + sizeof(tag));
	yh_key_sign(sig, key, msg, sizeof(msg));
	tu_sql_exec(db, "DROP TRIGGER IF EXISTS ledger_no_update");
	ck_assert_int_eq(sqlite3_prepare_v2(db, "UPDATE ledger SET signature = ?1, key_id = ?2 WHERE seq = ?3",
	                                    -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_blob(st, 1, sig, 64, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, key_id ? key_id : yh_key_id(key), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)seq);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	ck_assert_int_eq(sqlite3_changes(db), 1);
	sqlite3_finalize(st);
}

/* The id of the first entity selected by the first draw. */
static char *first_selected(void)
{
	yh_store *store = open_store();
	char *tr = NULL, *id;
	json_t *t;

	ck_assert_int_eq(yh_draw_transcript(&tr, store, FOOD), YH_OK);
	t = json_loads(tr, 0, NULL);
	ck_assert_ptr_nonnull(t);
	id = strdup(json_string_value(json_object_get(json_array_get(json_object_get(t, "selected"), 0), "id")));
	json_decref(t);
	free(tr);
	yh_store_close(store);
	return id;
}

/* ---- the good store ------------------------------------------------------------------------ */

START_TEST(test_audit_ok)
{
	yh_key *key = tu_key_from_label("audit key");
	yh_store *store;
	json_t *rep = NULL;
	progress p;

	build_store(key);
	store = open_store();
	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(yh_audit_run(&rep, store, NULL, on_draw, &p), YH_OK);
	ck_assert_msg(json_is_true(json_object_get(rep, "ok")), "%s", json_dumps(rep, 0));
	ck_assert_int_eq(json_integer_value(json_object_get(rep, "entries")), SEQ_HEAD);
	ck_assert_int_eq(json_integer_value(json_object_get(rep, "draws_replayed")), 2);
	ck_assert(json_is_null(json_object_get(rep, "first_failure")));
	ck_assert_str_eq(tu_check_status(rep, "signing key"), "skipped");
	ck_assert_str_eq(tu_check_status(rep, "ledger"), "passed");
	ck_assert_str_eq(tu_check_status(rep, "draws"), "passed");
	ck_assert_uint_gt(json_array_size(json_object_get(rep, "guarantees")), 0);
	/* each draw was announced to the progress callback with its entry */
	ck_assert_uint_eq(p.n, 2);
	ck_assert_uint_eq(p.seqs[0], SEQ_DRAW);
	ck_assert_uint_eq(p.seqs[1], SEQ_DRAW2);
	json_decref(rep);
	/* the audit records nothing */
	ck_assert_uint_eq(tu_ledger_head(store), SEQ_HEAD);
	yh_store_close(store);

	/* pinned to the store's key: as a hex string and as a public key file */
	{
		unsigned char pk[32];
		char text[128];

		yh_key_public(pk, key);
		snprintf(text, sizeof(text), "%s", tu_hex(pk, 32));
		rep = audit(text);
		ck_assert(json_is_true(json_object_get(rep, "ok")));
		ck_assert_str_eq(tu_check_status(rep, "signing key"), "passed");
		json_decref(rep);
		snprintf(text, sizeof(text), "yaohao-public-key-v1\n%s\n", tu_hex(pk, 32));
		tu_write_str(tu_path("dept.pub"), text);
		rep = audit(tu_path("dept.pub"));
		ck_assert(json_is_true(json_object_get(rep, "ok")));
		ck_assert_str_eq(tu_check_status(rep, "signing key"), "passed");
		json_decref(rep);
	}
	/* re-signing an entry with the store's own key, per spec §11, changes nothing */
	{
		sqlite3 *db = tu_sql_open(tu_path("yaohao.db"));

		resign_entry(db, SEQ_CONFLICTS, key, NULL);
		tu_sql_close(db);
		rep = audit(NULL);
		ck_assert_msg(json_is_true(json_object_get(rep, "ok")), "%s", json_dumps(rep, 0));
		json_decref(rep);
	}
	yh_key_free(key);
}
END_TEST

START_TEST(test_audit_counts_draws)
{
	yh_key *key = tu_key_from_label("audit key");
	yh_store *store = tu_store_new();
	yh_import_report rep;
	json_t *r = NULL;

	/* no draw yet */
	ck_assert_int_eq(yh_store_set_key(store, key), YH_OK);
	ck_assert_int_eq(yh_audit_run(&r, store, NULL, NULL, NULL), YH_OK);
	ck_assert(json_is_true(json_object_get(r, "ok")));
	ck_assert_int_eq(json_integer_value(json_object_get(r, "entries")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "draws_replayed")), 0);
	json_decref(r);
	tu_import_ok(&rep, store, YH_REGISTER_ENTITIES, tu_fixture("entities.csv"), NULL);
	tu_import_ok(&rep, store, YH_REGISTER_INSPECTORS, tu_fixture("inspectors.csv"), NULL);
	tu_import_ok(&rep, store, YH_REGISTER_CONFLICTS, tu_fixture("conflicts.csv"), NULL);
	/* an import that changes a row and drops another: its changed and closed counts are
	 * checked too */
	{
		char *text = tu_read(tu_fixture("entities.csv"), NULL), *line2, *line3, *end3, *risk;

		line2 = strchr(text, '\n') + 1;
		line3 = strchr(line2, '\n') + 1;
		end3 = strchr(line3, '\n') + 1;
		risk = strstr(line2, ",C,");
		ck_assert_msg(risk && risk < line3, "line 2 of the fixture has no risk C");
		risk[1] = 'B';
		memmove(line3, end3, strlen(end3) + 1);
		tu_write_str(tu_path("entities-update.csv"), text);
		free(text);
	}
	tu_import_ok(&rep, store, YH_REGISTER_ENTITIES, tu_path("entities-update.csv"), NULL);
	ck_assert_uint_eq(rep.changed, 1);
	ck_assert_uint_eq(rep.closed, 1);
	add_task(store, "task-food.json");
	ck_assert_int_eq(yh_audit_run(&r, store, NULL, NULL, NULL), YH_OK);
	ck_assert_msg(json_is_true(json_object_get(r, "ok")), "%s", json_dumps(r, 0));
	ck_assert_int_eq(json_integer_value(json_object_get(r, "draws_replayed")), 0);
	json_decref(r);
	commit_and_draw(store, FOOD, "count one");
	ck_assert_int_eq(yh_audit_run(&r, store, NULL, NULL, NULL), YH_OK);
	ck_assert_msg(json_is_true(json_object_get(r, "ok")), "%s", json_dumps(r, 0));
	ck_assert_int_eq(json_integer_value(json_object_get(r, "draws_replayed")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "entries")), (json_int_t)tu_ledger_head(store));
	json_decref(r);
	yh_store_close(store);
	yh_key_free(key);
}
END_TEST

/* ---- tampered stores --------------------------------------------------------------------- */

START_TEST(test_changed_payload)
{
	yh_key *key = tu_key_from_label("audit key");
	sqlite3 *db;

	build_store(key);
	db = tu_sql_open(tu_path("yaohao.db"));
	tu_sql_exec(db, "DROP TRIGGER ledger_no_update");
	ck_assert_int_eq(raw_changes(db, "UPDATE ledger SET payload = replace(payload, '\"rows\":300', "
	                             "'\"rows\":299') WHERE seq = 3", NULL), 1);
	tu_sql_close(db);
	expect_failure(audit(NULL), SEQ_ENTITIES, "import", "hash does not match");

	/* the kind, in a later entry */
	build_store(key);
	db = tu_sql_open(tu_path("yaohao.db"));
	tu_sql_exec(db, "DROP TRIGGER ledger_no_update");
	ck_assert_int_eq(raw_changes(db, "UPDATE ledger SET kind = 'import' WHERE seq = 7", NULL), 1);
	tu_sql_close(db);
	expect_failure(audit(NULL), SEQ_TASK, "import", "hash does not match");
	yh_key_free(key);
}
END_TEST

START_TEST(test_payload_not_canonical)
{
	/* rewritten with whitespace, rehashed and re-signed by the key holder: still refused */
	yh_key *key = tu_key_from_label("audit key");
	yh_store *store;
	sqlite3 *db;
	unsigned char h[32];
	yh_ledger_entry e;
	char *payload, *kind = NULL, *spaced;
	sqlite3_stmt *st = NULL;
	size_t i, n = 0;

	build_store(key);
	store = open_store();
	payload = tu_ledger_payload(store, SEQ_HEAD, &kind);
	yh_store_close(store);
	spaced = malloc(2 * strlen(payload) + 1);
	for (i = 0; payload[i]; i++) {
		spaced[n++] = payload[i];
		if (payload[i] == ',')
			spaced[n++] = ' ';
	}
	spaced[n] = '\0';
	ck_assert_str_ne(spaced, payload);
	db = tu_sql_open(tu_path("yaohao.db"));
	memset(&e, 0, sizeof(e));
	e.seq = SEQ_HEAD;
	e.kind = kind;
	e.payload = spaced;
	{
		unsigned char prev[32];

		entry_hash(db, SEQ_HEAD - 1, prev);
		e.prev_hash = prev;
		yh_ledger_hash(h, &e);
	}
	tu_sql_exec(db, "DROP TRIGGER ledger_no_update");
	ck_assert_int_eq(sqlite3_prepare_v2(db, "UPDATE ledger SET payload = ?1, hash = ?2 WHERE seq = ?3",
	                                    -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, spaced, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 2, h, 32, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, SEQ_HEAD);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	resign_entry(db, SEQ_HEAD, key, NULL);
	tu_sql_close(db);
	expect_failure(audit(NULL), SEQ_HEAD, "draw", "not canonical");
	free(payload);
	free(kind);
	free(spaced);
	yh_key_free(key);
}
END_TEST

START_TEST(test_deleted_entry)
{
	yh_key *key = tu_key_from_label("audit key");
	sqlite3 *db;

	/* a middle entry */
	build_store(key);
	db = tu_sql_open(tu_path("yaohao.db"));
	tu_sql_exec(db, "DROP TRIGGER ledger_no_delete");
	ck_assert_int_eq(raw_changes(db, "DELETE FROM ledger WHERE seq = 5", NULL), 1);
	tu_sql_close(db);
	expect_failure(audit(NULL), SEQ_CONFLICTS, "missing", "entry 5 is missing");

	/* the first entry */
	build_store(key);
	db = tu_sql_open(tu_path("yaohao.db"));
	tu_sql_exec(db, "DROP TRIGGER ledger_no_delete");
	ck_assert_int_eq(raw_changes(db, "DELETE FROM ledger WHERE seq = 1", NULL), 1);
	tu_sql_close(db);
	expect_failure(audit(NULL), 1, "missing", "entry 1 is missing");

	/* an entry deleted and the later ones renumbered: the chain breaks */
	build_store(key);
	db = tu_sql_open(tu_path("yaohao.db"));
	tu_sql_exec(db, "DROP TRIGGER ledger_no_delete; DROP TRIGGER ledger_no_update");
	ck_assert_int_eq(raw_changes(db, "DELETE FROM ledger WHERE seq = 6", NULL), 1);
	tu_sql_exec(db, "UPDATE ledger SET seq = -seq WHERE seq > 6");
	tu_sql_exec(db, "UPDATE ledger SET seq = -seq - 1 WHERE seq < 0");
	tu_sql_close(db);
	expect_failure(audit(NULL), SEQ_ITEMS, "task", "prev_hash");
	yh_key_free(key);
}
END_TEST

START_TEST(test_resigned_with_another_key)
{
	yh_key *key = tu_key_from_label("audit key"), *other = tu_key_from_label("another key");
	sqlite3 *db;

	ck_assert_str_ne(yh_key_id(key), yh_key_id(other));
	/* re-signed and named by the other key */
	build_store(key);
	db = tu_sql_open(tu_path("yaohao.db"));
	resign_entry(db, SEQ_INSPECTORS, other, NULL);
	tu_sql_close(db);
	expect_failure(audit(NULL), SEQ_INSPECTORS, "import", "signature does not verify");

	/* re-signed by the other key but naming the store's */
	build_store(key);
	db = tu_sql_open(tu_path("yaohao.db"));
	resign_entry(db, SEQ_DRAW, other, yh_key_id(key));
	tu_sql_close(db);
	expect_failure(audit(NULL), SEQ_DRAW, "draw", "signature does not verify");

	/* signed by the store's key but naming another */
	build_store(key);
	db = tu_sql_open(tu_path("yaohao.db"));
	resign_entry(db, SEQ_COMMIT, key, yh_key_id(other));
	tu_sql_close(db);
	expect_failure(audit(NULL), SEQ_COMMIT, "commit", "names signing key");

	/* the signature removed */
	build_store(key);
	db = tu_sql_open(tu_path("yaohao.db"));
	tu_sql_exec(db, "DROP TRIGGER ledger_no_update");
	ck_assert_int_eq(raw_changes(db, "UPDATE ledger SET signature = NULL WHERE seq = 10", NULL), 1);
	tu_sql_close(db);
	expect_failure(audit(NULL), 10, "task", "signature does not verify");

	/* the whole ledger re-signed with another key, and the store's key replaced by it: the
	 * ledger holds together, the recorded key entry does not (and a pinned key catches it) */
	build_store(key);
	db = tu_sql_open(tu_path("yaohao.db"));
	{
		unsigned char pk[32];
		uint64_t s;

		for (s = 1; s <= SEQ_HEAD; s++)
			resign_entry(db, s, other, NULL);
		yh_key_public(pk, other);
		ck_assert_int_eq(raw_changes(db, "UPDATE meta SET value = ?1 WHERE key = 'public_key'",
		                             tu_hex(pk, 32)), 1);
	}
	tu_sql_close(db);
	expect_failure(audit(NULL), 2, "key", "key entry names another key");
	yh_key_free(key);
	yh_key_free(other);
}
END_TEST

START_TEST(test_pinned_wrong_key)
{
	yh_key *key = tu_key_from_label("audit key"), *other = tu_key_from_label("another key");
	unsigned char pk[32];
	json_t *rep;

	build_store(key);
	yh_key_public(pk, other);
	rep = audit(tu_hex(pk, 32));
	ck_assert(json_is_false(json_object_get(rep, "ok")));
	ck_assert_str_eq(tu_check_status(rep, "signing key"), "failed");
	/* the ledger itself is intact */
	ck_assert_str_eq(tu_check_status(rep, "ledger"), "passed");
	ck_assert(json_is_null(json_object_get(rep, "first_failure")));
	json_decref(rep);
	/* an unreadable pin is an error */
	{
		yh_store *store = open_store();
		json_t *r = (json_t *)0x1;

		ck_assert_int_lt(yh_audit_run(&r, store, tu_path("missing.pub"), NULL, NULL), 0);
		ck_assert_ptr_null(r);
		yh_store_close(store);
	}
	yh_key_free(key);
	yh_key_free(other);
}
END_TEST

START_TEST(test_unsigned_store)
{
	static const struct { yh_register_kind kind; const char *file; } regs[] = {
		{ YH_REGISTER_ENTITIES, "entities.csv" }, { YH_REGISTER_INSPECTORS, "inspectors.csv" },
		{ YH_REGISTER_CONFLICTS, "conflicts.csv" }, { YH_REGISTER_ITEMS, "items.csv" },
	};
	yh_key *key = tu_key_from_label("audit key");
	unsigned char pk[32];
	yh_import_report r;
	yh_store *store;
	json_t *rep;
	size_t i;

	/* a store made without a key (only imports: committing needs the key, spec §11) */
	unlink(tu_path("yaohao.db"));
	store = tu_store_new();
	for (i = 0; i < 4; i++)
		tu_import_ok(&r, store, regs[i].kind, tu_fixture(regs[i].file), NULL);
	yh_store_close(store);
	rep = audit(NULL);
	expect_failure(rep, 1, "init", "not signed");
	/* pinning a key to an unsigned store fails that check too */
	yh_key_public(pk, key);
	rep = audit(tu_hex(pk, 32));
	ck_assert_str_eq(tu_check_status(rep, "signing key"), "failed");
	json_decref(rep);
	/* adopting a key signs every entry and records it: then the audit passes */
	{
		char *payload, *kind = NULL;

		store = open_store();
		ck_assert_int_eq(yh_store_set_key(store, key), YH_OK);
		ck_assert_uint_eq(tu_ledger_head(store), 6);
		payload = tu_ledger_payload(store, 6, &kind);
		ck_assert_str_eq(kind, "key");
		ck_assert_ptr_nonnull(strstr(payload, "\"signed_existing\":5"));
		free(payload);
		free(kind);
		yh_store_close(store);
	}
	rep = audit(tu_hex(pk, 32));
	ck_assert_msg(json_is_true(json_object_get(rep, "ok")), "%s", json_dumps(rep, 0));
	ck_assert_int_eq(json_integer_value(json_object_get(rep, "entries")), 6);
	json_decref(rep);
	yh_key_free(key);
}
END_TEST

START_TEST(test_changed_register_row)
{
	yh_key *key = tu_key_from_label("audit key");
	char *id;
	sqlite3 *db;

	/* the name of an entity the first draw selected: the import that wrote it no longer gives
	 * its recorded root (found there, before the replay) */
	build_store(key);
	id = first_selected();
	db = tu_sql_open(tu_path("yaohao.db"));
	ck_assert_int_eq(raw_changes(db, "UPDATE entity SET name = name || '改' WHERE id = ?1", id), 1);
	tu_sql_close(db);
	expect_failure(audit(NULL), SEQ_ENTITIES, "import", "the entities register as of this entry gives root");

	/* its risk */
	build_store(key);
	db = tu_sql_open(tu_path("yaohao.db"));
	ck_assert_int_eq(raw_changes(db, "UPDATE entity SET risk = CASE risk WHEN 'D' THEN 'A' ELSE 'D' END "
	                             "WHERE id = ?1", id), 1);
	tu_sql_close(db);
	expect_failure(audit(NULL), SEQ_ENTITIES, "import", "the entities register as of this entry gives root");

	/* an officer of the first draw's teams made inactive */
	build_store(key);
	db = tu_sql_open(tu_path("yaohao.db"));
	ck_assert_int_eq(raw_changes(db, "UPDATE inspector SET status = 'left' WHERE id = (SELECT inspector_id "
	                             "FROM drawn_pair WHERE task_id = ?1 ORDER BY entity_id, inspector_id LIMIT 1)",
	                             FOOD), 1);
	tu_sql_close(db);
	expect_failure(audit(NULL), SEQ_INSPECTORS, "import", "the inspectors register as of this entry gives root");

	/* a conflict's reason */
	build_store(key);
	db = tu_sql_open(tu_path("yaohao.db"));
	ck_assert_int_eq(raw_changes(db, "UPDATE conflict SET reason = reason || '!' WHERE "
	                             "(inspector_id, entity_id) = (SELECT inspector_id, entity_id FROM conflict "
	                             "ORDER BY 1, 2 LIMIT 1)", NULL), 1);
	tu_sql_close(db);
	expect_failure(audit(NULL), SEQ_CONFLICTS, "import", "the conflicts register as of this entry gives root");
	free(id);
	yh_key_free(key);
}
END_TEST

START_TEST(test_extra_register_row)
{
	yh_key *key = tu_key_from_label("audit key");
	sqlite3 *db;

	/* a row version that claims to come from the entities import */
	build_store(key);
	db = tu_sql_open(tu_path("yaohao.db"));
	ck_assert_int_eq(raw_changes(db, "INSERT INTO entity (id, name, type, region, industry, risk, status, "
	                             "abnormal, valid_from, valid_to) VALUES ('91330100MA00000000', '幽灵公司', "
	                             "'有限责任公司', '330106', 'F521', 'A', 'active', 0, 3, NULL)", NULL), 1);
	tu_sql_close(db);
	expect_failure(audit(NULL), SEQ_ENTITIES, "import", "row versions from this import");

	/* one of the inspectors import, closed by the conflicts import */
	build_store(key);
	db = tu_sql_open(tu_path("yaohao.db"));
	ck_assert_int_eq(raw_changes(db, "INSERT INTO inspector (id, name, department, cert_valid_until, "
	                             "specialties, status, valid_from, valid_to) VALUES ('33010099999999', "
	                             "'某人', '330100-SCJG', '2030-12-31', '食品', 'active', 4, 5)", NULL), 1);
	tu_sql_close(db);
	expect_failure(audit(NULL), SEQ_INSPECTORS, "import", "row versions from this import");

	/* rows whose sequence is not an import of their register, found at the entry that carries it:
	 * from a draw entry after the last draw (so that no replay sees it), closed by a commit entry
	 * after the last freeze (10), closed by another register's import */
	build_store(key);
	db = tu_sql_open(tu_path("yaohao.db"));
	ck_assert_int_eq(raw_changes(db, "INSERT INTO entity (id, name, type, region, industry, risk, status, "
	                             "abnormal, valid_from, valid_to) VALUES ('91330100MA00000000', '幽灵公司', "
	                             "'有限责任公司', '330106', 'F521', 'A', 'active', 0, 12, NULL)", NULL), 1);
	tu_sql_close(db);
	expect_failure(audit(NULL), 12, "draw", "not an import of that register");
	build_store(key);
	db = tu_sql_open(tu_path("yaohao.db"));
	ck_assert_int_eq(raw_changes(db, "UPDATE inspector SET valid_to = 11 WHERE id = (SELECT min(id) FROM "
	                             "inspector WHERE department <> '330100-SCJG')", NULL), 1);
	tu_sql_close(db);
	expect_failure(audit(NULL), 11, "commit", "not an import of that register");
	build_store(key);
	db = tu_sql_open(tu_path("yaohao.db"));
	ck_assert_int_eq(raw_changes(db, "UPDATE inspector SET valid_to = 5 WHERE id = (SELECT min(id) FROM "
	                             "inspector WHERE department <> '330100-SCJG')", NULL), 1);
	tu_sql_close(db);
	expect_failure(audit(NULL), SEQ_CONFLICTS, "import", "inspectors row version(s) were closed at this entry");
	/* that officer, of a department the tasks do not draw from (never eligible), changed in place:
	 * the import's root covers every row (spec §2, §11), so its import entry fails */
	build_store(key);
	db = tu_sql_open(tu_path("yaohao.db"));
	ck_assert_int_eq(raw_changes(db, "UPDATE inspector SET status = CASE status WHEN 'active' THEN 'on_leave' "
	                             "ELSE 'active' END WHERE id = (SELECT min(id) FROM inspector WHERE department "
	                             "<> '330100-SCJG')", NULL), 1);
	tu_sql_close(db);
	expect_failure(audit(NULL), SEQ_INSPECTORS, "import", "a register row was changed around the ledger");
	/* an entity outside both tasks' populations (another city), renamed in place: the entities
	 * import's root covers it too */
	build_store(key);
	db = tu_sql_open(tu_path("yaohao.db"));
	ck_assert_int_eq(raw_changes(db, "UPDATE entity SET name = name || '改' WHERE id = (SELECT min(id) FROM "
	                             "entity WHERE region NOT LIKE '3301%')", NULL), 1);
	tu_sql_close(db);
	expect_failure(audit(NULL), SEQ_ENTITIES, "import", "a register row was changed around the ledger");
	build_store(key);
	db = tu_sql_open(tu_path("yaohao.db"));
	ck_assert_int_eq(raw_changes(db, "UPDATE conflict SET valid_from = 99 WHERE (inspector_id, entity_id) = "
	                             "(SELECT inspector_id, entity_id FROM conflict ORDER BY 1, 2 LIMIT 1)",
	                             NULL), 1);
	tu_sql_close(db);
	{
		json_t *rep = audit(NULL);

		/* the conflict left its import (5 has one row fewer) before it shows up at 99 */
		expect_failure(rep, SEQ_CONFLICTS, "import", "row versions from this import");
	}

	build_store(key);
	db = tu_sql_open(tu_path("yaohao.db"));
	ck_assert_int_eq(raw_changes(db, "INSERT INTO conflict (inspector_id, entity_id, reason, valid_from, "
	                             "valid_to) VALUES ('33010020200001', '91330100MA00000000', '亲属', 99, NULL)",
	                             NULL), 1);
	tu_sql_close(db);
	expect_failure(audit(NULL), 99, "register", "not an import of that register");

	/* a row removed */
	build_store(key);
	db = tu_sql_open(tu_path("yaohao.db"));
	ck_assert_int_eq(raw_changes(db, "DELETE FROM item WHERE code = (SELECT min(code) FROM item)", NULL), 1);
	tu_sql_close(db);
	expect_failure(audit(NULL), SEQ_ITEMS, "import", "row versions from this import");
	yh_key_free(key);
}
END_TEST

START_TEST(test_changed_transcript_and_announcement)
{
	yh_key *key = tu_key_from_label("audit key");
	sqlite3 *db;

	/* the stored transcript */
	build_store(key);
	db = tu_sql_open(tu_path("yaohao.db"));
	tu_sql_exec(db, "DROP TRIGGER task_draw_no_update");
	ck_assert_int_eq(raw_changes(db, "UPDATE task_draw SET transcript = replace(transcript, "
	                             "'\"rank\":1,', '\"rank\":1, ') WHERE task_id = ?1", FOOD), 1);
	tu_sql_close(db);
	expect_failure(audit(NULL), SEQ_DRAW, "draw", "stored transcript");

	/* in the second draw */
	build_store(key);
	db = tu_sql_open(tu_path("yaohao.db"));
	tu_sql_exec(db, "DROP TRIGGER task_draw_no_update");
	ck_assert_int_eq(raw_changes(db, "UPDATE task_draw SET transcript = replace(transcript, "
	                             "'\"leader\"', '\"member\"') WHERE task_id = ?1", REPEAT), 1);
	tu_sql_close(db);
	expect_failure(audit(NULL), SEQ_DRAW2, "draw", "stored transcript");

	/* the stored announcement */
	build_store(key);
	db = tu_sql_open(tu_path("yaohao.db"));
	ck_assert_int_eq(raw_changes(db, "UPDATE task_commit SET announcement = replace(announcement, "
	                             "'\"load_cap\":4', '\"load_cap\":5') WHERE task_id = ?1", FOOD), 1);
	tu_sql_close(db);
	expect_failure(audit(NULL), SEQ_COMMIT, "commit", "stored announcement");
	yh_key_free(key);
}
END_TEST

/* Rewrites the stored transcript of the last draw (entry SEQ_HEAD) with `edit` applied, and
 * makes its ledger entry agree — transcript_sha256, hash, signature — as only the key holder can. */
static void forge_last_draw(const yh_key *key, const char *from, const char *to)
{
	sqlite3 *db = tu_sql_open(tu_path("yaohao.db"));
	sqlite3_stmt *st = NULL;
	char *payload = NULL, *kind = NULL, *tr = NULL, *forged, *p, *newpayload;
	unsigned char digest[32], prev[32], h[32];
	yh_ledger_entry e;
	json_t *pl;

	{
		yh_store *store = open_store();

		payload = tu_ledger_payload(store, SEQ_HEAD, &kind);
		ck_assert_str_eq(kind, "draw");
		ck_assert_int_eq(yh_draw_transcript(&tr, store, REPEAT), YH_OK);
		yh_store_close(store);
	}
	p = strstr(tr, from);
	ck_assert_msg(p != NULL, "'%s' is not in the transcript", from);
	forged = malloc(strlen(tr) + strlen(to) + 1);
	memcpy(forged, tr, (size_t)(p - tr));
	strcpy(forged + (p - tr), to);
	strcat(forged, p + strlen(from));
	tu_sql_exec(db, "DROP TRIGGER task_draw_no_update; DROP TRIGGER ledger_no_update");
	ck_assert_int_eq(raw_changes(db, "UPDATE task_draw SET transcript = ?1 WHERE task_id = '" REPEAT "'",
	                             forged), 1);
	crypto_hash_sha256(digest, (const unsigned char *)forged, strlen(forged));
	pl = json_loads(payload, 0, NULL);
	json_object_set_new(pl, "transcript_sha256", json_string(tu_hex(digest, 32)));
	ck_assert_int_eq(yh_jcs_dump(&newpayload, pl), YH_OK);
	json_decref(pl);
	entry_hash(db, SEQ_HEAD - 1, prev);
	memset(&e, 0, sizeof(e));
	e.seq = SEQ_HEAD;
	e.kind = "draw";
	e.payload = newpayload;
	e.prev_hash = prev;
	yh_ledger_hash(h, &e);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "UPDATE ledger SET payload = ?1, hash = ?2 WHERE seq = ?3", -1,
	                                    &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, newpayload, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 2, h, 32, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, SEQ_HEAD);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	resign_entry(db, SEQ_HEAD, key, NULL);
	tu_sql_close(db);
	free(payload);
	free(kind);
	free(tr);
	free(forged);
	free(newpayload);
}

/* A result rewritten by the key holder, with its ledger entry made to agree: only the replay can
 * tell. */
START_TEST(test_forged_result_resigned)
{
	yh_key *key = tu_key_from_label("audit key");

	/* control: the forgery machinery itself, with no change, leaves a store that passes */
	build_store(key);
	forge_last_draw(key, "\"rank\":1,", "\"rank\":1,");
	{
		json_t *rep = audit(NULL);

		ck_assert_msg(json_is_true(json_object_get(rep, "ok")), "%s", json_dumps(rep, 0));
		json_decref(rep);
	}
	/* the first team's roles swapped */
	build_store(key);
	forge_last_draw(key, "\"role\":\"leader\"", "\"role\":\"member\"");
	expect_failure(audit(NULL), SEQ_HEAD, "draw", "gives another transcript");
	/* the seed of the record */
	build_store(key);
	{
		yh_store *store = open_store();
		char *tr = NULL, seed[80];
		json_t *t;

		ck_assert_int_eq(yh_draw_transcript(&tr, store, REPEAT), YH_OK);
		t = json_loads(tr, 0, NULL);
		snprintf(seed, sizeof(seed), "\"seed\":\"%s\"", json_string_value(json_object_get(t, "seed")));
		json_decref(t);
		free(tr);
		yh_store_close(store);
		forge_last_draw(key, seed, "\"seed\":\"0000000000000000000000000000000000000000000000000000000000000000\"");
	}
	expect_failure(audit(NULL), SEQ_HEAD, "draw", "gives another transcript");
	yh_key_free(key);
}
END_TEST

/* The lists a commit fixes from earlier draws (spec §4) come from tables the ledger does not
 * cover: the audit checks those tables against each draw's transcript at its entry, and
 * recomputes the lists from the transcripts at each commit. */
START_TEST(test_exclusions_follow_from_earlier_draws)
{
	yh_key *key = tu_key_from_label("audit key");
	char *id;
	sqlite3 *db;
	json_t *rep;

	/* untouched, the second task excludes the first draw's entities and avoids its pairs */
	build_store(key);
	{
		yh_store *store = open_store();
		char *ann = NULL;
		json_t *a;

		ck_assert_int_eq(yh_draw_announcement(&ann, store, REPEAT), YH_OK);
		a = json_loads(ann, 0, NULL);
		ck_assert_uint_gt(json_array_size(json_object_get(json_object_get(a, "entities"), "excluded")), 0);
		ck_assert_uint_gt(json_array_size(json_object_get(a, "recent_pairs")), 0);
		/* and names the first draw among its earlier draws */
		ck_assert_uint_eq(json_array_size(json_object_get(a, "earlier")), 1);
		ck_assert_str_eq(tu_jstr(json_array_get(json_object_get(a, "earlier"), 0), "task_id"), FOOD);
		json_decref(a);
		free(ann);
		yh_store_close(store);
	}
	rep = audit(NULL);
	ck_assert_msg(json_is_true(json_object_get(rep, "ok")), "%s", json_dumps(rep, 0));
	json_decref(rep);

	/* an entity of the first draw taken off the record before the second commit: the record
	 * is checked against the first draw's transcript at its entry */
	build_first(key);
	id = first_selected();
	db = tu_sql_open(tu_path("yaohao.db"));
	ck_assert_int_eq(raw_changes(db, "DELETE FROM drawn_entity WHERE entity_id = ?1", id), 1);
	tu_sql_close(db);
	build_second(key);
	expect_failure(audit(NULL), SEQ_DRAW, "draw", "is missing from the record of draws");

	/* an entity that was not drawn put on the record: it is excluded */
	build_first(key);
	db = tu_sql_open(tu_path("yaohao.db"));
	ck_assert_int_eq(raw_changes(db, "INSERT INTO drawn_entity (task_id, entity_id, draw_date) SELECT task_id, "
	                             "'91330109MA2CEQ3H3Y', draw_date FROM drawn_entity LIMIT 1", NULL), 1);
	tu_sql_close(db);
	build_second(key);
	expect_failure(audit(NULL), SEQ_DRAW, "draw", "is not in its transcript");

	/* a pair of the first draw's teams taken off the record */
	build_first(key);
	db = tu_sql_open(tu_path("yaohao.db"));
	ck_assert_int_eq(raw_changes(db, "DELETE FROM drawn_pair WHERE entity_id = ?1", id), 2);
	tu_sql_close(db);
	build_second(key);
	expect_failure(audit(NULL), SEQ_DRAW, "draw", "is missing from the record of draws");

	/* the first draw's date moved back out of the window */
	build_first(key);
	db = tu_sql_open(tu_path("yaohao.db"));
	ck_assert_int_eq(raw_changes(db, "UPDATE drawn_entity SET draw_date = '2020-01-01'", NULL) > 0, 1);
	tu_sql_close(db);
	build_second(key);
	expect_failure(audit(NULL), SEQ_DRAW, "draw", "is recorded on 2020-01-01");
	free(id);
	yh_key_free(key);
}
END_TEST

/* ---- the chain of announcements (spec §6) ------------------------------------------------------ */

typedef void (*announcement_edit)(json_t *announcement);

/* The store with the second task committed, its announcement changed by `edit` in the store and
 * in its ledger entry (11), which is re-hashed and re-signed as only the key holder can; then the
 * second task is drawn from that announcement, so that everything after it agrees. */
static void forge_second_commit(const yh_key *key, announcement_edit edit)
{
	yh_store *store;
	sqlite3 *db;
	sqlite3_stmt *st = NULL;
	char *text, *payload, *kind = NULL, *new_ann, *new_payload;
	json_t *a, *p;
	unsigned char prev[32], h[32];
	yh_ledger_entry e;
	int rc;

	build_first(key);
	store = open_store();
	ck_assert_int_eq(yh_store_set_key(store, key), YH_OK);
	add_task(store, repeat_task);
	{
		unsigned char secret[32];
		yh_commit_options opt = YH_COMMIT_OPTIONS_INIT;
		uint64_t seq;

		crypto_hash_sha256(secret, (const unsigned char *)"audit repeat", 12);
		opt = (yh_commit_options)YH_COMMIT_OPTIONS_INIT;
		opt.entropy_source = "drand quicknet, the first round after the commit";
		opt.secret = secret;
		ck_assert_msg(yh_draw_commit(NULL, &seq, store, REPEAT, &opt) == YH_OK, "%s", yh_error_message());
		ck_assert_uint_eq(seq, 11);
	}
	payload = tu_ledger_payload(store, 11, &kind);
	ck_assert_str_eq(kind, "commit");
	yh_store_close(store);

	db = tu_sql_open(tu_path("yaohao.db"));
	text = tu_sql_text(db, "SELECT announcement FROM task_commit WHERE task_id = '" REPEAT "'");
	a = tu_json(text);
	edit(a);
	new_ann = tu_spec_canonical(a);
	ck_assert_int_eq(raw_changes(db, "UPDATE task_commit SET announcement = ?1 WHERE task_id = '" REPEAT "'",
	                             new_ann), 1);
	p = tu_json(payload);
	json_object_set(p, "announcement", a);
	new_payload = tu_spec_canonical(p);
	entry_hash(db, 10, prev);
	memset(&e, 0, sizeof(e));
	e.seq = 11;
	e.kind = "commit";
	e.payload = new_payload;
	e.prev_hash = prev;
	tu_spec_ledger_hash(h, &e);
	tu_sql_exec(db, "DROP TRIGGER ledger_no_update");
	ck_assert_int_eq(sqlite3_prepare_v2(db, "UPDATE ledger SET payload = ?1, hash = ?2 WHERE seq = 11", -1, &st,
	                                    NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, new_payload, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 2, h, 32, SQLITE_TRANSIENT);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	ck_assert_int_eq(sqlite3_changes(db), 1);
	sqlite3_finalize(st);
	resign_entry(db, 11, key, NULL);
	tu_sql_close(db);

	store = open_store();
	ck_assert_int_eq(yh_store_set_key(store, key), YH_OK);
	rc = yh_draw_run(NULL, &tu_draw_result, store, REPEAT, "audit repeat", NULL);
	ck_assert_msg(rc == YH_OK, "draw: %s", yh_error_message());
	ck_assert_uint_eq(tu_ledger_head(store), SEQ_HEAD);
	yh_store_close(store);
	json_decref(a);
	json_decref(p);
	free(text);
	free(payload);
	free(kind);
	free(new_ann);
	free(new_payload);
}

static void no_change(json_t *a)
{
	(void)a;
}

static void prev_of_another(json_t *a)
{
	/* a digest that is not that of the announcement before it (one digit changed), as if another
	 * announcement had been committed and kept hidden in between */
	json_t *chain = json_object_get(a, "chain");
	const char *prev = json_string_value(json_object_get(chain, "prev"));
	char other[65];

	ck_assert_ptr_nonnull(prev);
	snprintf(other, sizeof(other), "%s", prev);
	other[0] = other[0] == '0' ? '1' : '0';
	json_object_set_new(chain, "prev", json_string(other));
}

static void chain_restarted(json_t *a)
{
	/* a second "first" announcement: seq 1, prev null (a chain started over) */
	json_object_set_new(json_object_get(a, "chain"), "seq", json_integer(1));
	json_object_set_new(json_object_get(a, "chain"), "prev", json_null());
}

static void seq_skipped(json_t *a)
{
	json_object_set_new(json_object_get(a, "chain"), "seq", json_integer(3));
}

/* Each announcement links to the one before it; a link stored wrong — in the store and its ledger
 * entry, re-hashed and re-signed, the draw made from it — is caught at that commit. */
START_TEST(test_broken_chain_link)
{
	yh_key *key = tu_key_from_label("audit key");
	json_t *rep;

	/* control: the forgery machinery with no change leaves a store that passes */
	forge_second_commit(key, no_change);
	rep = audit(NULL);
	ck_assert_msg(json_is_true(json_object_get(rep, "ok")), "%s", json_dumps(rep, 0));
	json_decref(rep);
	{
		/* the link as stored: the digest of the first announcement (spec §6) */
		yh_store *store = open_store();
		char *first = NULL, *second = NULL;
		unsigned char d[32];
		json_t *a;

		ck_assert_int_eq(yh_draw_announcement(&first, store, FOOD), YH_OK);
		ck_assert_int_eq(yh_draw_announcement(&second, store, REPEAT), YH_OK);
		tu_spec_announcement_digest(d, first);
		a = tu_json(second);
		ck_assert_str_eq(tu_jstr(json_object_get(a, "chain"), "prev"), tu_hex(d, 32));
		ck_assert_int_eq(tu_jint(json_object_get(a, "chain"), "seq"), 2);
		json_decref(a);
		free(first);
		free(second);
		yh_store_close(store);
	}
	forge_second_commit(key, prev_of_another);
	expect_failure(audit(NULL), 11, "commit", "does not link to the one before it");
	forge_second_commit(key, chain_restarted);
	expect_failure(audit(NULL), 11, "commit", "is not number 2 of the chain");
	forge_second_commit(key, seq_skipped);
	expect_failure(audit(NULL), 11, "commit", "is not number 2 of the chain");
	yh_key_free(key);
}
END_TEST

static Suite *audit_suite(void)
{
	Suite *s = suite_create("audit");
	TCase *tc = tu_tcase(s, "audit", TU_TMPDIR, 60);

	tcase_add_test(tc, test_audit_ok);
	tcase_add_test(tc, test_audit_counts_draws);
	tcase_add_test(tc, test_changed_payload);
	tcase_add_test(tc, test_payload_not_canonical);
	tcase_add_test(tc, test_deleted_entry);
	tcase_add_test(tc, test_resigned_with_another_key);
	tcase_add_test(tc, test_pinned_wrong_key);
	tcase_add_test(tc, test_unsigned_store);
	tcase_add_test(tc, test_changed_register_row);
	tcase_add_test(tc, test_extra_register_row);
	tcase_add_test(tc, test_changed_transcript_and_announcement);
	tcase_add_test(tc, test_exclusions_follow_from_earlier_draws);
	tcase_add_test(tc, test_forged_result_resigned);
	tcase_add_test(tc, test_broken_chain_link);
	return s;
}

TU_MAIN(audit_suite)
