/* store/task_store.c — the task table: recorded tasks and the state each has reached. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite.h"
#include "store.h"
#include "error.h"

int yh_task_store_insert(yh_store *store, const char *id, const char *canonical,
                         const char *draw_date, uint64_t seq)
{
	yh_stmt *st = NULL;
	int rc, taken = 0;

	if ((rc = yh_store_prepare(store, &st, "INSERT INTO task (id, doc, draw_date, added_seq) "
	                           "VALUES (?1, ?2, ?3, ?4)", "cannot record the task")) < 0)
		return rc;
	yh_db_bind_text(st, 1, id, -1);
	yh_db_bind_text(st, 2, canonical, -1);
	yh_db_bind_text(st, 3, draw_date, -1);
	yh_db_bind_int64(st, 4, (int64_t)seq);
	rc = yh_store_step_done(store, st, &taken, "cannot record the task");
	yh_db_finalize(st);
	if (rc == YH_OK && taken)
		rc = yh_error_set(YH_EEXIST, "a task with this id exists already: '%s'", id);
	return rc;
}

static int no_such_task(const char *id)
{
	return yh_error_set_hint(YH_ENOTFOUND, YH_HINT_LIST_TASKS, id, "no such task: '%s'", id);
}

int yh_task_store_get(char **canonical, yh_store *store, const char *id)
{
	yh_stmt *st = NULL;
	int rc;

	*canonical = NULL;
	if ((rc = yh_store_prepare(store, &st, "SELECT doc FROM task WHERE id = ?1",
	                           "cannot read the task")) < 0)
		return rc;
	yh_db_bind_text(st, 1, id, -1);
	if (yh_db_step(st) != YH_DB_ROW)
		rc = no_such_task(id);
	else if (!(*canonical = strdup(yh_store_text(st, 0))))
		rc = yh_error_set(YH_ENOMEM, "out of memory");
	yh_db_finalize(st);
	return rc;
}

/* The state as a number: the furthest step recorded. */
static const char state_sql[] =
	"CASE WHEN EXISTS (SELECT 1 FROM task_draw d WHERE d.task_id = t.id) THEN 2 "
	"WHEN EXISTS (SELECT 1 FROM task_commit c WHERE c.task_id = t.id) THEN 1 "
	"ELSE 0 END";

int yh_task_foreach(yh_store *store, yh_task_fn fn, void *ctx)
{
	yh_stmt *st = NULL;
	yh_task_info info;
	char sql[512];
	int rc, step;

	snprintf(sql, sizeof(sql), "SELECT t.id, %s, t.draw_date, %s, t.added_seq FROM task t "
	         "ORDER BY t.draw_date, t.id", YH_DB_SQL(store, YH_DB_JSON_LITE("t.doc", "title"),
	                                                 YH_DB_JSON_PG("t.doc", "title")), state_sql);
	if ((rc = yh_store_prepare(store, &st, sql, "cannot list the tasks")) < 0)
		return rc;
	while ((step = yh_db_step(st)) == YH_DB_ROW) {
		info.id = yh_store_text(st, 0);
		info.title = yh_store_text(st, 1);
		info.draw_date = yh_store_text(st, 2);
		info.state = (yh_task_state)yh_db_int(st, 3);
		info.added_seq = (uint64_t)yh_db_int64(st, 4);
		if ((rc = fn(ctx, &info)) != 0)
			break;
	}
	if (rc == YH_OK && step != YH_DB_DONE)
		rc = yh_store_fail(store, "cannot list the tasks");
	yh_db_finalize(st);
	return rc;
}

int yh_task_state_get(yh_task_state *out, yh_store *store, const char *id)
{
	yh_stmt *st = NULL;
	char sql[512];
	int rc;

	*out = YH_TASK_PLANNED;
	snprintf(sql, sizeof(sql), "SELECT %s FROM task t WHERE t.id = ?1", state_sql);
	if ((rc = yh_store_prepare(store, &st, sql, "cannot read the task")) < 0)
		return rc;
	yh_db_bind_text(st, 1, id, -1);
	if (yh_db_step(st) != YH_DB_ROW)
		rc = no_such_task(id);
	else
		*out = (yh_task_state)yh_db_int(st, 0);
	yh_db_finalize(st);
	return rc;
}
