/* audit.c — walking the ledger: chain, signatures, imports, commits, and a replay of every draw. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "yaohao/audit.h"
#include "yaohao/jcs.h"
#include "yaohao/ledger.h"
#include "calendar.h"
#include "digest.h"
#include "draw.h"
#include "task.h"
#include "status_map.h"
#include "windows.h"
#include "register.h"
#include "report.h"
#include "store/store.h"
#include "audit_events.h"
#include "error.h"

typedef struct {
	yh_store *store;
	yh_report *r;
	uint64_t expected;
	unsigned char prev[32];
	int has_key;
	unsigned char pk[32];
	char key_id[YH_KEY_ID_CHARS + 1];
	json_t *from_counts[YH_REGISTER_COUNT], *to_counts[YH_REGISTER_COUNT];
	uint64_t imports[YH_REGISTER_COUNT]; /* imports of each register checked so far */
	int rooted[YH_REGISTER_COUNT];       /* the last of them recorded a root, and it held */
	uint64_t roots, unrooted;            /* import entries whose root held; entries without one */
	uint64_t adoptions;                  /* adopt entries that held (a shared entity register) */
	uint64_t ntasks, ncommits;           /* task entries that held; commits of a planned task */
	json_t *announcements;       /* task id -> announcement text, from the commit entries */
	json_t *tasks;               /* task id -> task_digest (hex), from the task entries */
	json_t *records;             /* "kind\x1ftask id" -> seq of the task, commit and draw entries */
	json_t *kinds;               /* the kind of each entry walked, by seq - 1 */
	json_t *history;             /* the transcripts of the draws checked so far */
	yh_past_draw *past;          /* the same, as the windows read them */
	yh_status_map *status_map;   /* the config entries so far */
	yh_calendar_check *calendar; /* the calendar entries so far */
	size_t npast;
	uint64_t announced;          /* commits seen so far */
	unsigned char last_announcement[32];
	uint64_t draws;
	yh_scan_progress_fn progress;
	void *progress_ctx;
	char reason[1024];
	uint64_t fail_seq;
	char fail_kind[32];
	yh_hint fail_hint;           /* what the user could do about the failure */
	yh_event_audit *events;      /* the entries of drawn tasks after their draws */
} auditor;

static int fail(auditor *a, const yh_ledger_entry *e, const char *fmt, ...) YH_PRINTF(3, 4);

static int fail(auditor *a, const yh_ledger_entry *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->reason, sizeof(a->reason), fmt, ap);
	va_end(ap);
	a->fail_seq = e ? e->seq : a->expected;
	snprintf(a->fail_kind, sizeof(a->fail_kind), "%s", e ? e->kind : "?");
	return 1; /* stops the walk */
}

static int add_count(void *ctx, uint64_t seq, uint64_t rows)
{
	char key[32];

	snprintf(key, sizeof(key), "%llu", (unsigned long long)seq);
	return json_object_set_new(ctx, key, json_integer((json_int_t)rows)) ? YH_ENOMEM : 0;
}

/* register -> {seq: rows} for valid_from and valid_to, in one pass each */
static int count_versions(auditor *a)
{
	int k, w, rc;

	for (k = 0; k < YH_REGISTER_COUNT; k++) {
		for (w = 0; w < 2; w++) {
			json_t *map = json_object();

			if (!map)
				return yh_error_set(YH_ENOMEM, "out of memory");
			if (w)
				a->to_counts[k] = map;
			else
				a->from_counts[k] = map;
			if ((rc = yh_register_version_counts(a->store, (yh_register_kind)k, w, add_count, map)) != 0)
				return rc < 0 ? rc : yh_error_set(YH_ENOMEM, "out of memory");
		}
	}
	return YH_OK;
}

/* The rows of a register carrying seq; the entry is then taken off the map, so that
 * whatever is left at the end carries a sequence that wrote nothing to that register. */
static json_int_t counted(json_t *map, uint64_t seq)
{
	char key[32];
	json_int_t n;

	snprintf(key, sizeof(key), "%llu", (unsigned long long)seq);
	n = json_integer_value(json_object_get(map, key));
	json_object_del(map, key);
	return n;
}

/* After the walk: register rows whose valid_from or valid_to names no import of that register. */
static int stray_versions(auditor *a)
{
	int k, w;

	for (k = 0; k < YH_REGISTER_COUNT; k++) {
		for (w = 0; w < 2; w++) {
			json_t *map = w ? a->to_counts[k] : a->from_counts[k];
			const char *key;
			json_t *v;

			json_object_foreach(map, key, v) {
				yh_ledger_entry e = { 0 };

				e.seq = strtoull(key, NULL, 10);
				e.kind = "register";
				return fail(a, &e, "%lld %s row version(s) %s at entry %s, which is not an import of "
				            "that register: register rows were changed around the ledger",
				            (long long)json_integer_value(v), yh_register_name((yh_register_kind)k),
				            w ? "were closed" : "begin", key);
			}
		}
	}
	return 0;
}

/* Register rows carrying this entry's sequence that it did not write (an entry writes rows
 * only when it imports that register): found at the entry, before any replay reads them. */
static int stray_at(auditor *a, const yh_ledger_entry *e, json_t *payload)
{
	const char *imported = strcmp(e->kind, "import") == 0 ?
	                       json_string_value(json_object_get(payload, "register")) : NULL;
	char key[32];
	int k, w;

	snprintf(key, sizeof(key), "%llu", (unsigned long long)e->seq);
	for (k = 0; k < YH_REGISTER_COUNT; k++) {
		if (imported && strcmp(imported, yh_register_name((yh_register_kind)k)) == 0)
			continue;
		for (w = 0; w < 2; w++) {
			json_t *v = json_object_get(w ? a->to_counts[k] : a->from_counts[k], key);

			if (v)
				return fail(a, e, "%lld %s row version(s) %s at this entry, which is not an import "
				            "of that register: register rows were changed around the ledger",
				            (long long)json_integer_value(v), yh_register_name((yh_register_kind)k),
				            w ? "were closed" : "begin");
		}
	}
	return 0;
}

/* ---- the registers as of each import (docs/spec.md §11) --------------------------------- */

/*
 * The register as of the import's sequence must give the root and count the entry records:
 * every stored byte of every row valid then.  An entry written before imports recorded a
 * root is counted, not checked.  Once the previous import of the register held, a row that
 * differs is one this import wrote (the rows valid at both were checked then, and rows of
 * other sequences were caught by the counts): the message says how many that leaves.
 */
static int check_root(auditor *a, const yh_ledger_entry *e, json_t *payload, yh_register_kind k,
                      json_int_t written)
{
	json_t *jroot = json_object_get(payload, "root"), *jcount = json_object_get(payload, "count");
	unsigned char want[32], got[32];
	char want_hex[65], got_hex[65], where[160] = "";
	uint64_t n;
	int rc;

	if (!jroot && !jcount) {
		a->unrooted++;
		a->imports[k]++;
		a->rooted[k] = 0;
		return 0;
	}
	if (yh_get_hex(want, 32, jroot) != 0 || !json_is_integer(jcount))
		return fail(a, e, "the import's root or count is malformed");
	if ((rc = yh_register_root(got, &n, a->store, k, e->seq)) < 0)
		return fail(a, e, "the %s register as of this entry cannot be read: %s",
		            yh_register_name(k), yh_error_message());
	yh_hex(want_hex, want, 32);
	yh_hex(got_hex, got, 32);
	if (written > 0 && (a->rooted[k] || a->imports[k] == 0))
		snprintf(where, sizeof(where), " (the row that differs is one of the %lld this import "
		         "added or changed)", (long long)written);
	a->imports[k]++;
	if (n != (uint64_t)json_integer_value(jcount))
		return fail(a, e, "the %s register has %llu rows as of this entry, the entry records "
		            "%lld: register rows were changed around the ledger", yh_register_name(k),
		            (unsigned long long)n, (long long)json_integer_value(jcount));
	if (memcmp(got, want, 32) != 0)
		return fail(a, e, "the %s register as of this entry gives root %.16s…, the entry records "
		            "%.16s… (%llu rows): a register row was changed around the ledger%s",
		            yh_register_name(k), got_hex, want_hex, (unsigned long long)n, where);
	a->rooted[k] = 1;
	a->roots++;
	return 0;
}

/* ---- the lists a commit fixes from earlier draws (docs/spec.md §4) ---------------------- */

/* Remembers a draw that passed, for the commits after it: its date, what it selected and
 * the digest of its transcript. */
static int remember_draw(auditor *a, const char *transcript)
{
	json_t *tr = json_loads(transcript, 0, NULL);
	yh_past_draw *p;

	if (!tr || json_array_append_new(a->history, tr) < 0)
		return -1;
	if (!(p = realloc(a->past, (a->npast + 1) * sizeof(*p))))
		return -1;
	a->past = p;
	if (yh_past_draw_read(&a->past[a->npast], tr, transcript) < 0)
		return -1;
	a->npast++;
	return 0;
}

/* The drawn rows of a draw being checked: every key the transcript gives ("\x1fentity" and
 * "\x1fentity\x1fofficer"), each taken off when its row is found. */
typedef struct {
	auditor *a;
	const yh_ledger_entry *e;
	const char *task_id, *date;
	json_t *want;
} drawn_check;

static int check_drawn_row(void *ctx, const char *entity_id, const char *inspector_id,
                           const char *draw_date)
{
	drawn_check *d = ctx;
	char key[256];

	snprintf(key, sizeof(key), "\x1f%s%s%s", entity_id, inspector_id ? "\x1f" : "",
	         inspector_id ? inspector_id : "");
	if (!json_object_get(d->want, key))
		return fail(d->a, d->e, "the drawn %s (%s%s%s) recorded for task '%s' is not in its "
		            "transcript: the record of draws was changed around the ledger",
		            inspector_id ? "pair" : "entity", entity_id, inspector_id ? ", " : "",
		            inspector_id ? inspector_id : "", d->task_id);
	if (strcmp(draw_date, d->date) != 0)
		return fail(d->a, d->e, "the drawn %s (%s%s%s) of task '%s' is recorded on %s, the draw "
		            "is dated %s: the record of draws was changed around the ledger",
		            inspector_id ? "pair" : "entity", entity_id, inspector_id ? ", " : "",
		            inspector_id ? inspector_id : "", d->task_id, draw_date, d->date);
	json_object_del(d->want, key);
	return 0;
}

/*
 * The entities and pairs a draw recorded for later windows (drawn_entity, drawn_pair: the
 * next commits read them) are exactly its transcript's selection and teams, on its date.
 */
static int check_drawn(auditor *a, const yh_ledger_entry *e, const char *task_id, json_t *tr)
{
	drawn_check d = { a, e, task_id, json_string_value(yh_json_path(tr, "task", "draw_date")),
	                  json_object() };
	json_t *s, *m;
	size_t i, j;
	char key[256];
	int rc = 0;

	if (!d.want || !d.date)
		rc = fail(a, e, "the transcript of task '%s' lacks its draw date", task_id);
	json_array_foreach(json_object_get(tr, "selected"), i, s) {
		const char *id = json_string_value(json_object_get(s, "id"));

		snprintf(key, sizeof(key), "\x1f%s", id ? id : "");
		json_object_set_new(d.want, key, json_true());
		json_array_foreach(json_object_get(s, "team"), j, m) {
			const char *officer = json_string_value(json_object_get(m, "id"));

			snprintf(key, sizeof(key), "\x1f%s\x1f%s", id ? id : "", officer ? officer : "");
			json_object_set_new(d.want, key, json_true());
		}
	}
	if (!rc && (rc = yh_check_drawn(a->store, task_id, check_drawn_row, &d)) < 0)
		rc = fail(a, e, "%s", yh_error_message());
	if (!rc && json_object_size(d.want)) {
		const char *k = json_object_iter_key(json_object_iter(d.want));
		const char *officer = strchr(k + 1, '\x1f');

		rc = fail(a, e, "the %s %.*s%s%s of task '%s' is missing from the record of draws (later "
		          "windows would not see it): it was removed around the ledger", officer ? "pair" :
		          "drawn entity", officer ? (int)(officer - k - 1) : (int)strlen(k + 1), k + 1,
		          officer ? ", " : "", officer ? officer + 1 : "", task_id);
	}
	json_decref(d.want);
	return rc;
}

/*
 * The earlier draws, entities.excluded and recent_pairs are fixed at the commit from the draws
 * recorded before it, through tables the ledger does not cover: recompute them from the
 * earlier draws' transcripts (already checked) and compare.  1 (the walk stops) when they differ.
 */
static int check_windows(auditor *a, const yh_ledger_entry *e, const char *task_id, json_t *ann)
{
	json_t *task = json_object_get(ann, "task"), *earlier = NULL, *excluded = NULL, *recent = NULL;
	const char *date = json_string_value(json_object_get(task, "draw_date"));
	json_int_t xw = json_integer_value(json_object_get(task, "exclude_drawn_within_days"));
	json_int_t pw = json_integer_value(json_object_get(task, "avoid_repeat_pair_within_days"));
	int stop = 0;

	if (!date || strlen(date) != 10)
		return fail(a, e, "the announcement of task '%s' has no draw date", task_id);
	if (yh_windows_compute(&earlier, &excluded, &recent, date, xw, pw, a->past, a->npast) < 0)
		stop = fail(a, e, "%s", yh_error_message());
	else if (!json_equal(earlier, json_object_get(ann, "earlier")))
		stop = fail(a, e, "task '%s' names other earlier draws (earlier: %zu) than the draws before "
		            "its commit within %lld days (%zu): the record of earlier draws was changed "
		            "around the ledger", task_id, json_array_size(json_object_get(ann, "earlier")),
		            (long long)(xw > pw ? xw : pw), json_array_size(earlier));
	else if (!json_equal(excluded, yh_json_path(ann, "entities", "excluded")))
		stop = fail(a, e, "task '%s' excludes other entities (entities.excluded: %zu) than those the "
		            "draws before its commit selected within %lld days (%zu): the record of earlier "
		            "draws was changed around the ledger", task_id,
		            json_array_size(yh_json_path(ann, "entities", "excluded")), (long long)xw,
		            json_array_size(excluded));
	else if (!json_equal(recent, json_object_get(ann, "recent_pairs")))
		stop = fail(a, e, "task '%s' avoids other pairs (recent_pairs: %zu) than the teams of "
		            "the draws before its commit within %lld days (%zu): the record of earlier draws "
		            "was changed around the ledger", task_id,
		            json_array_size(json_object_get(ann, "recent_pairs")), (long long)pw,
		            json_array_size(recent));
	json_decref(earlier);
	json_decref(excluded);
	json_decref(recent);
	return stop;
}

/* Each announcement links to the one before it (docs/spec.md §6). */
static int check_chain(auditor *a, const yh_ledger_entry *e, const char *task_id, json_t *ann,
                       const char *text)
{
	json_t *seq = yh_json_path(ann, "chain", "seq"), *prev = yh_json_path(ann, "chain", "prev");
	char hex[65];

	yh_hex(hex, a->last_announcement, 32);
	if (!json_is_integer(seq) || (uint64_t)json_integer_value(seq) != a->announced + 1)
		return fail(a, e, "the announcement of task '%s' is not number %llu of the chain: an "
		            "announcement is missing", task_id, (unsigned long long)(a->announced + 1));
	if (a->announced ? !json_is_string(prev) || strcmp(json_string_value(prev), hex) != 0
	                 : !json_is_null(prev))
		return fail(a, e, "the announcement of task '%s' does not link to the one before it",
		            task_id);
	yh_digest_announcement(a->last_announcement, text);
	a->announced++;
	return 0;
}

/* ---- what the store holds beside the ledger: meta and the records of draws ----------------- */

/* Notes the entry that accounts for a task, commitment or transcript of task_id. */
static int note_record(auditor *a, const yh_ledger_entry *e, const char *task_id)
{
	char key[512];

	snprintf(key, sizeof(key), "%s\x1f%s", e->kind, task_id);
	return json_object_set_new(a->records, key, json_integer((json_int_t)e->seq)) < 0 ? -1 : 0;
}

/* A stored record must name the entry of its kind and task that wrote it; 1 stops the walk. */
static int check_record(void *ctx, const char *what, const char *task_id, uint64_t seq)
{
	static const struct { const char *what, *kind, *name; } names[] = {
		{ "task", "task", "the stored task" }, { "commit", "commit", "the commitment of task" },
		{ "draw", "draw", "the transcript of task" },
		{ "drawn", "draw", "the drawn entities and pairs of task" },
	};
	auditor *a = ctx;
	uint64_t last = a->expected - 1;
	yh_ledger_entry at = { 0 };
	char key[512];
	json_t *v;
	size_t i;

	for (i = 0; i + 1 < sizeof(names) / sizeof(names[0]) && strcmp(names[i].what, what) != 0; i++)
		;
	snprintf(key, sizeof(key), "%s\x1f%s", names[i].kind, task_id);
	v = json_object_get(a->records, key);
	if (v && (seq == 0 || (uint64_t)json_integer_value(v) == seq))
		return 0;
	at.seq = seq ? seq : last + 1;
	at.kind = seq && seq <= last ? json_string_value(json_array_get(a->kinds, seq - 1)) : "missing";
	if (!at.kind)
		at.kind = "missing";
	if (seq == 0)
		return fail(a, &at, "%s '%s' belong to no draw entry in the ledger (it ends at "
		            "entry %llu): they were written around the ledger, or the draw entry was cut "
		            "off the end", names[i].name, task_id, (unsigned long long)last);
	if (seq > last)
		return fail(a, &at, "%s '%s' names entry %llu, which the ledger does not have (it "
		            "ends at entry %llu): the entry was cut off the end, or the record was written "
		            "around the ledger", names[i].name, task_id, (unsigned long long)seq,
		            (unsigned long long)last);
	return fail(a, &at, "%s '%s' names this entry, which is not the %s entry of that task: "
	            "it was written around the ledger", names[i].name, task_id, names[i].kind);
}

/* The department in the store's meta table is the one its init entry records. */
static int check_init(auditor *a, const yh_ledger_entry *e, json_t *payload)
{
	const char *recorded = json_string_value(json_object_get(payload, "department"));
	const char *meta = yh_store_department(a->store);

	if (!recorded || !meta || strcmp(recorded, meta) != 0)
		return fail(a, e, "the store's department (meta) is '%s', the init entry records '%s': the "
		            "meta table was changed around the ledger", meta ? meta : "(none)",
		            recorded ? recorded : "(none)");
	return 0;
}

/* ---- tasks (docs/spec.md §3, §11) ---------------------------------------------------------- */

/* The path of the first member where x and y differ, e.g. "strata.rates.D", with the two
 * values there (*xv or *yv NULL where one lacks the member); 0 when they are equal. */
static int first_difference(char *path, size_t size, json_t *x, json_t *y, json_t **xv,
                            json_t **yv)
{
	size_t used = strlen(path), i;

	*xv = x;
	*yv = y;
	if (json_is_object(x) && json_is_object(y)) {
		const char *key;
		json_t *v;
		int pass;

		for (pass = 0; pass < 2; pass++) {
			json_object_foreach(pass ? y : x, key, v) {
				json_t *other = json_object_get(pass ? x : y, key);

				if (pass && other)
					continue;
				snprintf(path + used, size - used, "%s%s", used ? "." : "", key);
				if (!other) {
					*xv = pass ? NULL : v;
					*yv = pass ? v : NULL;
					return 1;
				}
				if (first_difference(path, size, v, other, xv, yv))
					return 1;
				path[used] = '\0';
			}
		}
		return 0;
	}
	if (json_is_array(x) && json_is_array(y) && json_array_size(x) == json_array_size(y)) {
		for (i = 0; i < json_array_size(x); i++) {
			snprintf(path + used, size - used, "[%zu]", i);
			if (first_difference(path, size, json_array_get(x, i), json_array_get(y, i), xv, yv))
				return 1;
			path[used] = '\0';
		}
		return 0;
	}
	return !json_equal(x, y);
}

/* A value for a message: compact JSON, cut short, "(absent)" when there is none. */
static void shown(char *out, size_t size, json_t *v)
{
	char *text = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;

	snprintf(out, size, "%.60s%s", text ? text : "(absent)", text && strlen(text) > 60 ? "…" : "");
	free(text);
}

/* A task entry: its digest is its task's, and the task table holds that task (the commit and
 * the draw read their rules from there).  The first member that differs is named. */
static int check_task(auditor *a, const yh_ledger_entry *e, json_t *payload, const char *task_id)
{
	json_t *task = json_object_get(payload, "task"), *in_store, *in_entry;
	const char *digest = json_string_value(json_object_get(payload, "task_digest"));
	unsigned char d[32];
	char hex[65], *canonical = NULL, path[512] = "", here[96], there[96];
	yh_task *stored = NULL;
	int rc, stop = 0;

	if (!task_id || !digest || !json_is_object(task) || yh_jcs_dump(&canonical, task) < 0)
		return fail(a, e, "the task entry lacks its task_id, task_digest or task");
	yh_digest_task(d, canonical);
	free(canonical);
	yh_hex(hex, d, 32);
	if (strcmp(hex, digest) != 0)
		return fail(a, e, "the entry's task_digest is not the digest of its task '%s'", task_id);
	if ((rc = yh_task_get(&stored, a->store, task_id)) == YH_ENOTFOUND)
		return fail(a, e, "task '%s' is not in the store's task table: it was removed around the "
		            "ledger", task_id);
	if (rc < 0)
		return fail(a, e, "the stored task '%s' no longer reads as a task: %s", task_id,
		            yh_error_message());
	yh_task_digest(d, stored);
	yh_hex(hex, d, 32);
	if (strcmp(hex, digest) != 0) {
		first_difference(path, sizeof(path), stored->doc, task, &in_store, &in_entry);
		shown(here, sizeof(here), in_store);
		shown(there, sizeof(there), in_entry);
		stop = fail(a, e, "the stored task '%s' is not the one this entry recorded (%s: %s in the "
		            "store, %s here): the task table was changed around the ledger", task_id,
		            *path ? path : "(the whole task)", here, there);
	} else if (json_object_set_new(a->tasks, task_id, json_string(digest)) < 0) {
		stop = fail(a, e, "out of memory");
	} else {
		a->ntasks++;
	}
	yh_task_free(stored);
	return stop;
}

/* A commit commits to the task its task entry recorded: the announcement's task hashes to its
 * task_digest, which is the task entry's. */
static int check_committed_task(auditor *a, const yh_ledger_entry *e, const char *task_id,
                                json_t *ann)
{
	const char *planned = json_string_value(json_object_get(a->tasks, task_id));
	const char *committed = json_string_value(json_object_get(ann, "task_digest"));
	unsigned char d[32];
	char hex[65], *canonical = NULL;

	if (!planned)
		return fail(a, e, "a commit of task '%s' with no task entry before it", task_id);
	if (!committed || yh_jcs_dump(&canonical, json_object_get(ann, "task")) < 0)
		return fail(a, e, "the announcement of task '%s' lacks its task or task_digest", task_id);
	yh_digest_task(d, canonical);
	free(canonical);
	yh_hex(hex, d, 32);
	if (strcmp(hex, committed) != 0)
		return fail(a, e, "the announcement's task_digest is not the digest of its task '%s'",
		            task_id);
	if (strcmp(committed, planned) != 0)
		return fail(a, e, "the announcement of task '%s' commits to task digest %.16s…, its task "
		            "entry records %.16s…: the commit used other rules than the task planned",
		            task_id, committed, planned);
	a->ncommits++;
	return 0;
}

/* An import: its row versions and its register's root (docs/spec.md §11). */
static int check_import(auditor *a, const yh_ledger_entry *e, json_t *payload)
{
	yh_register_kind k;
	json_int_t added = json_integer_value(json_object_get(payload, "added")),
	           changed = json_integer_value(json_object_get(payload, "changed")),
	           closed = json_integer_value(json_object_get(payload, "closed")), from, to;

	if (yh_register_lookup(&k, json_string_value(json_object_get(payload, "register")) ?
	                       json_string_value(json_object_get(payload, "register")) : "") < 0)
		return fail(a, e, "the import names no known register");
	from = counted(a->from_counts[k], e->seq);
	to = counted(a->to_counts[k], e->seq);
	if (from != added + changed)
		return fail(a, e, "the %s register has %lld row versions from this import, the entry "
		            "records %lld added + %lld changed: register rows were changed around the ledger",
		            yh_register_name(k), (long long)from, (long long)added, (long long)changed);
	if (to != changed + closed)
		return fail(a, e, "the %s register has %lld row versions closed by this import, the "
		            "entry records %lld changed + %lld closed: register rows were changed around "
		            "the ledger", yh_register_name(k), (long long)to, (long long)changed,
		            (long long)closed);
	return check_root(a, e, payload, k, from);
}

static int is_text(const char *v, const char *want)
{
	return v && strcmp(v, want) == 0;
}

/*
 * An adoption of the shared entity register (docs/spec.md §11): the shared register's ledger
 * holds the import it names, with that hash and an import of entities recording the same root
 * and count; and the register as of this entry, which reads the shared register as of that
 * import, gives them.  The shared register's own audit checks its chain and signatures.
 */
static int check_adopt(auditor *a, const yh_ledger_entry *e, json_t *payload)
{
	json_t *seq = json_object_get(payload, "seq"), *count = json_object_get(payload, "count"), *p;
	const char *from = json_string_value(json_object_get(payload, "department"));
	unsigned char hash[32], root[32], got[32];
	yh_shared_entry x;
	char *shared = NULL;
	uint64_t n;
	int found = 0, same;

	if (!from || !json_is_integer(seq) || json_integer_value(seq) < 1 || !json_is_integer(count) ||
	    yh_get_hex(hash, 32, json_object_get(payload, "entry_hash")) != 0 ||
	    yh_get_hex(root, 32, json_object_get(payload, "root")) != 0 ||
	    !is_text(json_string_value(json_object_get(payload, "register")), "entities"))
		return fail(a, e, "the adopt entry is malformed");
	if (yh_shared_register(&shared, a->store) < 0)
		return fail(a, e, "the shared registers cannot be read: %s", yh_error_message());
	same = shared && strcmp(shared, from) == 0;
	free(shared);
	if (!same)
		return fail(a, e, "the adoption names the entity register of %s, which the owner no "
		            "longer shares with this department: its draws cannot be replayed", from);
	if (yh_shared_entry_get(&x, &found, a->store, (uint64_t)json_integer_value(seq)) < 0)
		return fail(a, e, "the shared register's ledger cannot be read: %s", yh_error_message());
	if (!found)
		return fail(a, e, "the entity register of %s has no import entry %lld to read (is it "
		            "still shared with this department?)", from, (long long)json_integer_value(seq));
	p = json_loads(x.payload, 0, NULL);
	same = memcmp(x.hash, hash, 32) == 0 &&
	       is_text(json_string_value(json_object_get(p, "register")), "entities") &&
	       json_equal(json_object_get(p, "root"), json_object_get(payload, "root")) &&
	       json_equal(json_object_get(p, "count"), count);
	json_decref(p);
	free(x.payload);
	if (!same)
		return fail(a, e, "the entry %lld of %s's ledger is not the import of entities this "
		            "adoption records (its hash, root or count differs)",
		            (long long)json_integer_value(seq), from);
	if (yh_register_root(got, &n, a->store, YH_REGISTER_ENTITIES, e->seq) < 0)
		return fail(a, e, "the shared entity register cannot be read: %s", yh_error_message());
	if (n != (uint64_t)json_integer_value(count) || memcmp(got, root, 32) != 0)
		return fail(a, e, "the entity register of %s as of its entry %lld gives %llu rows and "
		            "another root than this adoption records: its rows were changed around its "
		            "ledger", from, (long long)json_integer_value(seq), (unsigned long long)n);
	a->adoptions++;
	return 0;
}

static int check_config(auditor *a, const yh_ledger_entry *e)
{
	char why[512];

	/* the status map is nothing but these entries, replayed in order */
	if (yh_status_map_apply(a->status_map, e->seq, e->payload, why, sizeof(why)) < 0)
		return fail(a, e, "the config entry does not apply: %s", why);
	return 0;
}

static int check_key(auditor *a, const yh_ledger_entry *e, json_t *payload)
{
	char hex[65];

	sodium_bin2hex(hex, sizeof(hex), a->pk, 32);
	if (!a->has_key || !json_is_string(json_object_get(payload, "public_key")) ||
	    strcmp(json_string_value(json_object_get(payload, "public_key")), hex) != 0)
		return fail(a, e, "the key entry names another key than the store's");
	return 0;
}

/* A commit: the stored announcement, its task, its chain link and its windows. */
static int check_commit(auditor *a, const yh_ledger_entry *e, json_t *payload, const char *task_id)
{
	json_t *ann = json_object_get(payload, "announcement");
	char *text = NULL, *stored = NULL;
	int stop;

	if (!task_id || yh_jcs_dump(&text, ann) < 0)
		return fail(a, e, "the commit entry has no announcement");
	if (note_record(a, e, task_id) < 0)
		stop = fail(a, e, "out of memory");
	else if (json_object_set_new(a->announcements, task_id, json_string(text)),
	         yh_draw_store_load_commit(&stored, NULL, a->store, task_id) < 0 || strcmp(stored, text) != 0)
		stop = fail(a, e, "the stored announcement of task '%s' differs from the one in the ledger",
		            task_id);
	else
		stop = check_committed_task(a, e, task_id, ann) || check_chain(a, e, task_id, ann, text) ||
		       check_windows(a, e, task_id, ann);
	free(text);
	free(stored);
	return stop;
}

/* A draw: the stored transcript is the recorded one, and the registers as of its freeze give it
 * again, byte for byte, with the drawn rows later windows read. */
static int check_draw(auditor *a, const yh_ledger_entry *e, json_t *payload, const char *task_id)
{
	const char *ann = task_id ? json_string_value(json_object_get(a->announcements, task_id)) : NULL;
	char *stored = NULL, *replayed = NULL, hex[65];
	unsigned char digest[32];
	int stop = 0;

	if (!ann)
		return fail(a, e, "a draw of task '%s' with no commit entry before it", task_id ? task_id : "?");
	if (note_record(a, e, task_id) < 0)
		return fail(a, e, "out of memory");
	if (yh_draw_store_load_transcript(&stored, a->store, task_id) < 0)
		return fail(a, e, "the transcript of task '%s' is missing", task_id);
	yh_digest_transcript(digest, stored, strlen(stored));
	sodium_bin2hex(hex, sizeof(hex), digest, 32);
	if (a->progress)
		a->progress(a->progress_ctx, e->seq);
	if (!json_is_string(json_object_get(payload, "transcript_sha256")) ||
	    strcmp(hex, json_string_value(json_object_get(payload, "transcript_sha256"))) != 0)
		stop = fail(a, e, "the stored transcript of task '%s' is not the one the ledger recorded "
		            "(its SHA-256 differs)", task_id);
	else if (yh_draw_replay(&replayed, a->store, task_id, ann, stored) < 0)
		stop = fail(a, e, "replaying the draw of task '%s' fails: %s", task_id, yh_error_message());
	else if (strcmp(replayed, stored) != 0)
		stop = fail(a, e, "replaying the draw of task '%s' from the registers as of its freeze "
		            "gives another transcript than the recorded one", task_id);
	else if (remember_draw(a, stored) < 0)
		stop = fail(a, e, "the transcript of task '%s' lacks its task or selection", task_id);
	else if (!(stop = check_drawn(a, e, task_id, json_array_get(a->history,
	                                                             json_array_size(a->history) - 1))))
		a->draws++;
	free(stored);
	free(replayed);
	return stop;
}

/* A calendar import: its payload now, its days once the walk is over (calendar_days). */
static int check_calendar(auditor *a, const yh_ledger_entry *e, json_t *payload)
{
	char why[512];
	int rc = yh_calendar_check_entry(a->calendar, e->seq, payload, why, sizeof(why));

	if (rc == YH_EDATA)
		return fail(a, e, "the calendar entry is malformed: %s", why);
	return rc < 0 ? fail(a, e, "%s", yh_error_message()) : 0;
}

/* After the walk: the stored calendar days are those of the entries that cover their years;
 * 1 when they are not (a->reason says why), a negative code when the store cannot be read. */
static int calendar_days(auditor *a)
{
	yh_ledger_entry e = { 0 };
	char why[512];
	int rc = yh_calendar_check_store(a->calendar, a->store, &e.seq, why, sizeof(why));

	e.kind = "calendar";
	if (rc == YH_EDATA)
		return fail(a, &e, "%s", why);
	return rc;
}

static void report_calendar(auditor *a)
{
	yh_report_check(a->r, "calendar", "passed", "%llu calendar import(s): the stored working-day "
	                "calendar of each of the %u year(s) they cover is the one the last import "
	                "covering the year recorded",
	                (unsigned long long)yh_calendar_check_entries(a->calendar),
	                yh_calendar_check_years(a->calendar));
}

static int check_kind(auditor *a, const yh_ledger_entry *e, json_t *payload)
{
	const char *task_id = json_string_value(json_object_get(payload, "task_id"));

	if (strcmp(e->kind, "import") == 0)
		return check_import(a, e, payload);
	if (strcmp(e->kind, "adopt") == 0)
		return check_adopt(a, e, payload);
	if (strcmp(e->kind, "init") == 0)
		return check_init(a, e, payload);
	if (strcmp(e->kind, "task") == 0)
		return check_task(a, e, payload, task_id) ||
		       (note_record(a, e, task_id) < 0 && fail(a, e, "out of memory"));
	if (strcmp(e->kind, "config") == 0)
		return check_config(a, e);
	if (strcmp(e->kind, "key") == 0)
		return check_key(a, e, payload);
	if (strcmp(e->kind, "commit") == 0)
		return check_commit(a, e, payload, task_id);
	if (strcmp(e->kind, "draw") == 0)
		return check_draw(a, e, payload, task_id);
	if (yh_event_audit_kind(e->kind) && yh_event_audit_entry(a->events, e, payload) < 0)
		return fail(a, e, "%s", yh_error_message());
	if (strcmp(e->kind, "calendar") == 0)
		return check_calendar(a, e, payload);
	return 0;
}

static int visit(void *ctx, const yh_ledger_entry *e)
{
	auditor *a = ctx;
	unsigned char h[32];
	json_t *payload;
	char *canonical = NULL;
	int stop;

	if (json_array_append_new(a->kinds, json_string(e->kind)) < 0)
		return fail(a, e, "out of memory");
	if (e->seq != a->expected) {
		yh_ledger_entry gap = *e;

		gap.seq = a->expected;
		gap.kind = "missing";
		return fail(a, &gap, "entry %llu is missing: the ledger goes from %llu to %llu (an entry "
		            "was deleted)", (unsigned long long)a->expected,
		            (unsigned long long)(a->expected - 1), (unsigned long long)e->seq);
	}
	if (memcmp(e->prev_hash, a->prev, 32) != 0)
		return fail(a, e, "its prev_hash is not the hash of entry %llu (an entry before it was "
		            "removed or replaced)", (unsigned long long)(e->seq - 1));
	yh_ledger_hash(h, e);
	if (memcmp(h, e->hash, 32) != 0)
		return fail(a, e, "its hash does not match its content: it was changed after it was "
		            "written");
	if (!(payload = json_loads(e->payload, 0, NULL)) || yh_jcs_dump(&canonical, payload) < 0 ||
	    strcmp(canonical, e->payload) != 0) {
		json_decref(payload);
		free(canonical);
		return fail(a, e, "its payload is not canonical JSON");
	}
	free(canonical);
	if (!a->has_key) {
		json_decref(payload);
		a->fail_hint = YH_HINT_NEEDS_NEW_KEY;
		return fail(a, e, "it is not signed: the store has no signing key");
	}
	if (!e->signature || yh_ledger_verify_signature(e, a->pk) != YH_OK) {
		json_decref(payload);
		return fail(a, e, "its signature does not verify with the store's key %s (it was changed, "
		            "or re-signed with another key)", a->key_id);
	}
	if (!e->key_id || strcmp(e->key_id, a->key_id) != 0) {
		json_decref(payload);
		return fail(a, e, "it names signing key '%s', not the store's key %s",
		            e->key_id ? e->key_id : "(none)", a->key_id);
	}
	stop = stray_at(a, e, payload) || check_kind(a, e, payload);
	json_decref(payload);
	if (stop)
		return stop;
	memcpy(a->prev, e->hash, 32);
	a->expected++;
	return 0;
}

/*
 * The store's own checks, first: a store whose pages are damaged (*damaged: the walk is skipped,
 * nothing read from it can be trusted) or whose rows refer to rows that are not there.
 */
static int check_store(auditor *a, int *damaged)
{
	char *pages = NULL, *keys = NULL;
	const char *unchecked = NULL;
	int rc;

	*damaged = 0;
	if ((rc = yh_check_integrity(&pages, &unchecked, a->store, 5)) < 0)
		return rc;
	if (!pages && (rc = yh_check_foreign_keys(&keys, a->store, 5)) < 0)
		return rc;
	if (pages) {
		*damaged = 1;
		yh_report_check(a->r, "store integrity", "failed", "%s: %s", yh_check_names(a->store, 0),
		                pages);
	} else if (keys) {
		yh_report_check(a->r, "store integrity", "failed", "%s: %s", yh_check_names(a->store, 1),
		                keys);
	} else if (unchecked) {
		yh_report_check(a->r, "store integrity", "passed", "%s finds nothing wrong; the pages and "
		                "indexes are not checked: %s", yh_check_names(a->store, 1), unchecked);
	} else {
		yh_report_check(a->r, "store integrity", "passed", "%s find nothing wrong",
		                yh_check_names(a->store, 2));
	}
	free(pages);
	free(keys);
	return YH_OK;
}

/* Gives the last check a hint: what a front end could tell its user to do. */
static void hint_last(yh_report *r, yh_hint hint)
{
	json_t *check = json_array_get(r->checks, json_array_size(r->checks) - 1);

	if (hint != YH_HINT_NONE && check)
		json_object_set_new(check, "hint", json_string(yh_hint_name(hint)));
}

/* The "signing key" check: pinned to the key given (pin), or to the store's own. */
static void report_key(auditor *a, const unsigned char *pin)
{
	if (!pin) {
		yh_report_check(a->r, "signing key", "skipped", "no public key given: the ledger is checked "
		                "against the key the store holds");
		hint_last(a->r, YH_HINT_GIVE_PUBLIC_KEY);
	} else if (!a->has_key || sodium_memcmp(pin, a->pk, 32) != 0) {
		yh_report_check(a->r, "signing key", "failed", "the store's key %s is not the key given",
		                a->has_key ? a->key_id : "(none)");
	} else {
		yh_report_check(a->r, "signing key", "passed", "the store's key %s is the key given", a->key_id);
	}
}

/* What the walk found: the first failure, or every check that passed and what they guarantee. */
static void report_walk(auditor *a)
{
	yh_report *r = a->r;

	if (a->fail_seq) {
		yh_report_check(r, "ledger", "failed", "entry %llu (%s): %s", (unsigned long long)a->fail_seq,
		                a->fail_kind, a->reason);
		hint_last(r, a->fail_hint);
		return;
	}
	yh_report_check(r, "ledger", "passed", "%llu entries: no gap, hash chain intact, every hash "
	                "matches its content, every entry signed by key %s",
	                (unsigned long long)(a->expected - 1), a->key_id);
	if (a->unrooted)
		yh_report_check(r, "registers", "passed", "%llu import(s): every register as of its import "
		                "gives the root and row count the entry records; %llu import(s) recorded no "
		                "root (written by an older yaohao) and are checked by their row versions only",
		                (unsigned long long)a->roots, (unsigned long long)a->unrooted);
	else
		yh_report_check(r, "registers", "passed", "%llu import(s): every register as of its import "
		                "gives the root and row count the entry records", (unsigned long long)a->roots);
	if (a->adoptions)
		yh_report_check(r, "shared register", "passed", "%llu adoption(s) of a shared entity "
		                "register: each names an import of entities in the shared register's "
		                "ledger, whose hash, root and count it records, and the register as of "
		                "that import gives them", (unsigned long long)a->adoptions);
	yh_report_check(r, "tasks", "passed", "%llu task(s): each stored task is the one its entry "
	                "recorded; %llu commit(s), each of the task its entry recorded",
	                (unsigned long long)a->ntasks, (unsigned long long)a->ncommits);
	yh_report_check(r, "draws", "passed", "%llu draw(s) replayed from the registers as of their "
	                "freeze: every transcript identical, and the entities and pairs recorded for "
	                "later windows are its selection and teams", (unsigned long long)a->draws);
	yh_report_check(r, "after draws", "passed", "%llu result, reassign, substitute and disclose "
	                "entries: each meets the rules against its task's state, every replacement and "
	                "substitute recomputed from the registers as of the freeze, each in the store's "
	                "index", (unsigned long long)yh_event_audit_count(a->events));
	yh_report_check(r, "store records", "passed", "every stored task, commitment, transcript and "
	                "drawn row belongs to the entry of its kind that wrote it; the department and key "
	                "in meta are the init and key entries'");
	yh_report_guarantee(r, "the ledger has not been changed since each entry was signed, except by "
	                    "someone holding the secret key; entries removed from the end leave no trace "
	                    "here: compare the last entry's hash with the published documents");
	yh_report_guarantee(r, "every register row, stored task, commitment, transcript and drawn row "
	                    "is the one a signed entry recorded: nothing a draw reads was changed around "
	                    "the ledger");
}

int yh_audit_run(json_t **out, yh_store *store, const char *public_key,
                 yh_scan_progress_fn on_draw, void *progress_ctx)
{
	yh_report r = { json_array(), json_array(), 0 };
	auditor a;
	unsigned char pin[32];
	int rc, k, damaged = 0;

	*out = NULL;
	memset(&a, 0, sizeof(a));
	a.store = store;
	a.r = &r;
	a.expected = 1;
	a.progress = on_draw;
	a.progress_ctx = progress_ctx;
	a.announcements = json_object();
	a.tasks = json_object();
	a.records = json_object();
	a.kinds = json_array();
	a.history = json_array();
	a.has_key = yh_store_public_key(a.pk, store) == YH_OK;
	if (a.has_key)
		yh_key_id_of(a.key_id, a.pk);
	if (!r.checks || !r.guarantees || !a.announcements || !a.tasks || !a.records || !a.kinds ||
	    !a.history || yh_status_map_new(&a.status_map) < 0 ||
	    yh_event_audit_new(&a.events, store) < 0 || yh_calendar_check_new(&a.calendar) < 0) {
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		goto done;
	}
	if (public_key && (rc = yh_key_read_public(pin, public_key)) < 0)
		goto done;
	if ((rc = check_store(&a, &damaged)) < 0)
		goto done;
	report_key(&a, public_key ? pin : NULL);
	if (damaged) {
		yh_report_check(&r, "ledger", "skipped", "the store is damaged: nothing read from it "
		                "can be trusted; restore it from a copy and audit that");
		goto report;
	}
	if ((rc = count_versions(&a)) < 0)
		goto done;
	rc = yh_ledger_foreach(store, 1, visit, &a);
	if (rc < 0)
		goto done;
	if (!a.fail_seq && !stray_versions(&a) && (rc = yh_check_records(store, check_record, &a)) < 0)
		goto done;
	if (!a.fail_seq) {
		uint64_t at;

		if (yh_event_audit_finish(a.events, &at) < 0) {
			yh_ledger_entry e = { 0 };

			e.seq = at;
			e.kind = "index";
			fail(&a, &e, "%s", yh_error_message());
		}
	}
	if (!a.fail_seq && (rc = calendar_days(&a)) < 0)
		goto done;
	report_walk(&a);
	if (!a.fail_seq)
		report_calendar(&a);
report:
	rc = YH_OK;
	*out = json_pack("{s:b, s:I, s:I, s:O, s:O, s:o}", "ok", r.failed == 0, "entries",
	                 (json_int_t)(a.expected - 1), "draws_replayed", (json_int_t)a.draws,
	                 "checks", r.checks, "guarantees", r.guarantees,
	                 "first_failure", a.fail_seq ? json_pack("{s:I, s:s, s:s, s:s*}", "seq",
	                 (json_int_t)a.fail_seq, "kind", a.fail_kind, "reason", a.reason, "hint",
	                 a.fail_hint ? yh_hint_name(a.fail_hint) : NULL) : json_null());
	if (!*out)
		rc = yh_error_set(YH_ENOMEM, "out of memory");
done:
	for (k = 0; k < YH_REGISTER_COUNT; k++) {
		json_decref(a.from_counts[k]);
		json_decref(a.to_counts[k]);
	}
	json_decref(a.announcements);
	json_decref(a.tasks);
	json_decref(a.records);
	json_decref(a.kinds);
	json_decref(a.history);
	free(a.past);
	yh_status_map_free(a.status_map);
	yh_event_audit_free(a.events);
	yh_calendar_check_free(a.calendar);
	json_decref(r.checks);
	json_decref(r.guarantees);
	return rc;
}
