/* audit_events.c — the audit of a drawn task's entries after its draw (docs/spec.md §18). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_events.h"
#include "inspection.h"
#include "results_load.h"
#include "store/store.h"
#include "error.h"

typedef struct {
	char *task_id;
	yh_inspections *s;
	yh_frozen f;
} task_replay;

struct yh_event_audit {
	yh_store *store;
	task_replay *tasks;
	size_t ntasks;
	json_t *expected;            /* seq (text) -> "kind\x1ftask\x1fentity" of each entry checked */
	uint64_t count;
};

int yh_event_audit_kind(const char *kind)
{
	return strcmp(kind, "result") == 0 || strcmp(kind, "reassign") == 0 ||
	       strcmp(kind, "substitute") == 0 || strcmp(kind, "disclose") == 0;
}

int yh_event_audit_new(yh_event_audit **out, yh_store *store)
{
	yh_event_audit *ea = calloc(1, sizeof(*ea));

	*out = NULL;
	if (!ea || !(ea->expected = json_object())) {
		free(ea);
		return yh_error_set(YH_ENOMEM, "out of memory");
	}
	ea->store = store;
	*out = ea;
	return YH_OK;
}

void yh_event_audit_free(yh_event_audit *ea)
{
	size_t i;

	if (!ea)
		return;
	for (i = 0; i < ea->ntasks; i++) {
		yh_frozen_clear(&ea->tasks[i].f);
		yh_insp_free(ea->tasks[i].s);
		free(ea->tasks[i].task_id);
	}
	free(ea->tasks);
	json_decref(ea->expected);
	free(ea);
}

uint64_t yh_event_audit_count(const yh_event_audit *ea)
{
	return ea->count;
}

/* The task's replay from its draw with no event applied yet, made on its first event. */
static int replay_of(task_replay **out, yh_event_audit *ea, const char *task_id)
{
	task_replay *t;
	size_t i;
	int rc;

	for (i = 0; i < ea->ntasks; i++)
		if (strcmp(ea->tasks[i].task_id, task_id) == 0) {
			*out = &ea->tasks[i];
			return YH_OK;
		}
	t = realloc(ea->tasks, (ea->ntasks + 1) * sizeof(*t));
	if (!t)
		return yh_error_set(YH_ENOMEM, "out of memory");
	ea->tasks = t;
	t = &t[ea->ntasks];
	memset(t, 0, sizeof(*t));
	if (!(t->task_id = strdup(task_id)))
		return yh_error_set(YH_ENOMEM, "out of memory");
	ea->ntasks++;
	/* the state as the draw left it: its events are replayed here one by one */
	if ((rc = yh_results_load_draw(&t->s, &t->f, ea->store, task_id)) < 0)
		return rc;
	*out = t;
	return YH_OK;
}

/* A substitution's stated register status is the register's as of the entry before it, and one
 * of the statuses of an entity gone (docs/spec.md §18.3). */
static int check_register(yh_event_audit *ea, const yh_ledger_entry *e, json_t *payload)
{
	json_t *reg = json_object_get(payload, "register");
	const char *id = json_string_value(json_object_get(payload, "entity_id"));
	const char *stated = json_string_value(json_object_get(reg, "status"));
	json_int_t as_of = json_integer_value(json_object_get(reg, "as_of"));
	char status[YH_STATUS_MAX];
	int rc;

	if (!id || !stated || as_of != (json_int_t)e->seq - 1)
		return yh_error_set(YH_EDATA, "substitute: register must state the status read at entry "
		                    "%llu", (unsigned long long)(e->seq - 1));
	rc = yh_results_entity_gone(status, ea->store, (uint64_t)as_of, id);
	if (rc != YH_OK && rc != YH_EDATA)
		return rc;
	if (strcmp(status, stated) != 0)
		return yh_error_set(YH_EDATA, "substitute: entity '%s' is '%s' in the register as of entry "
		                    "%lld, the entry states '%s'", id, status, (long long)as_of, stated);
	return rc == YH_OK ? YH_OK : yh_error_set(YH_EDATA, "substitute: entity '%s' is '%s': only an "
	                                          "entity gone from the register is substituted", id,
	                                          stated);
}

typedef struct {
	const char *reason;
	uint64_t since;
	int found;
} cited;

static int cited_row(void *ctx, const char *reason, uint64_t since)
{
	cited *c = ctx;

	c->found = strcmp(reason, c->reason) == 0 && since == c->since;
	return YH_OK;
}

/* A recusal's cited conflict row is in the conflicts register as of the entry before it. */
static int check_conflict(yh_event_audit *ea, const yh_ledger_entry *e, json_t *payload)
{
	json_t *c = json_object_get(payload, "conflict");
	cited want = { json_string_value(json_object_get(c, "reason")),
	               (uint64_t)json_integer_value(json_object_get(c, "since")), 0 };
	int rc;

	if (!c)
		return YH_OK;
	if (!want.reason || (rc = yh_conflict_find(ea->store, e->seq - 1,
	                                           json_string_value(json_object_get(payload, "officer")),
	                                           json_string_value(json_object_get(payload, "entity_id")),
	                                           cited_row, &want)) < 0)
		return want.reason ? rc : yh_error_set(YH_EDATA, "reassign: conflict without a reason");
	if (!want.found)
		return yh_error_set(YH_EDATA, "reassign: the conflict cited (since entry %llu) is not a row "
		                    "of the conflicts register as of entry %llu",
		                    (unsigned long long)want.since, (unsigned long long)(e->seq - 1));
	return YH_OK;
}

int yh_event_audit_entry(yh_event_audit *ea, const yh_ledger_entry *e, json_t *payload)
{
	const char *task_id = json_string_value(json_object_get(payload, "task_id"));
	const char *entity = json_string_value(json_object_get(payload, "entity_id"));
	task_replay *t = NULL;
	yh_insp_rules rules;
	char key[32], *what = NULL;
	int rc;

	if (!task_id)
		return yh_error_set(YH_EDATA, "a %s entry without task_id", e->kind);
	if ((rc = replay_of(&t, ea, task_id)) < 0)
		return rc == YH_ENOTFOUND ? yh_error_set(YH_EDATA, "a %s entry of task '%s', which has no "
		                                         "draw before it", e->kind, task_id) : rc;
	rules.frozen = &t->f;
	if (strcmp(e->kind, "substitute") == 0 && (rc = check_register(ea, e, payload)) < 0)
		return rc;
	if (strcmp(e->kind, "reassign") == 0 && (rc = check_conflict(ea, e, payload)) < 0)
		return rc;
	if ((rc = yh_insp_apply(t->s, e->seq, e->kind, payload, e->hash, &rules)) < 0)
		return rc;
	snprintf(key, sizeof(key), "%llu", (unsigned long long)e->seq);
	if (asprintf(&what, "%s\x1f%s\x1f%s", e->kind, task_id, entity ? entity : "") < 0)
		return yh_error_set(YH_ENOMEM, "out of memory");
	rc = json_object_set_new(ea->expected, key, json_string(what)) < 0 ?
	     yh_error_set(YH_ENOMEM, "out of memory") : YH_OK;
	free(what);
	ea->count++;
	return rc;
}

typedef struct {
	yh_event_audit *ea;
	uint64_t bad;
} finishing;

static int check_row(void *ctx, uint64_t seq, const char *task_id, const char *kind,
                     const char *entity_id)
{
	finishing *fin = ctx;
	char key[32], *what = NULL;
	const char *want;
	int same;

	snprintf(key, sizeof(key), "%llu", (unsigned long long)seq);
	want = json_string_value(json_object_get(fin->ea->expected, key));
	if (asprintf(&what, "%s\x1f%s\x1f%s", kind, task_id, entity_id) < 0)
		return yh_error_set(YH_ENOMEM, "out of memory");
	same = want && strcmp(want, what) == 0;
	free(what);
	if (!same) {
		fin->bad = seq;
		return yh_error_set(YH_EDATA, "the store's index of task entries names entry %llu as "
		                    "a '%s' entry of task '%s', which the ledger does not hold: it was "
		                    "written around the ledger", (unsigned long long)seq, kind, task_id);
	}
	json_object_del(fin->ea->expected, key);
	return 0;
}

int yh_event_audit_finish(yh_event_audit *ea, uint64_t *seq)
{
	finishing fin = { ea, 0 };
	const char *key;
	json_t *v;
	int rc;

	*seq = 0;
	if ((rc = yh_check_events(ea->store, check_row, &fin)) != 0) {
		*seq = fin.bad;
		return rc;
	}
	json_object_foreach(ea->expected, key, v) {
		const char *task = strchr(json_string_value(v), '\x1f') + 1;

		*seq = strtoull(key, NULL, 10);
		return yh_error_set(YH_EDATA, "entry %s of task '%.*s' is missing from the store's index "
		                    "of task entries", key, (int)strcspn(task, "\x1f"), task);
	}
	return YH_OK;
}
