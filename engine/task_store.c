/* task_store.c — recording tasks in the store and reading them back. */
#include <stdio.h>
#include <string.h>

#include "task.h"
#include "store.h"
#include "error.h"

int yh_task_add(uint64_t *seq, yh_store *store, const yh_task *t)
{
	sqlite3_stmt *st = NULL;
	json_t *payload = NULL;
	char digest[65];
	int rc, step;

	*seq = 0;
	if ((rc = yh_store_begin(store)) < 0)
		return rc;
	if ((rc = yh_ledger_next_seq(seq, store)) < 0)
		goto done;
	if (sqlite3_prepare_v2(store->db, "INSERT INTO task (id, doc, draw_date, added_seq) "
	                       "VALUES (?1, ?2, ?3, ?4)", -1, &st, NULL) != SQLITE_OK) {
		rc = yh_store_fail(store, "cannot record the task");
		goto done;
	}
	sqlite3_bind_text(st, 1, t->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, t->canonical, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, t->draw_date, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)*seq);
	step = sqlite3_step(st);
	if ((step & 0xff) == SQLITE_CONSTRAINT) {
		rc = yh_error_set(YH_EEXIST, "a task with this id exists already: '%s'", t->id);
		goto done;
	}
	if (step != SQLITE_DONE) {
		rc = yh_store_fail(store, "cannot record the task");
		goto done;
	}
	for (rc = 0; rc < 32; rc++)
		snprintf(digest + 2 * rc, 3, "%02x", t->digest[rc]);
	payload = json_pack("{s:s, s:s, s:O}", "task_id", t->id, "task_digest", digest, "task", t->doc);
	rc = yh_ledger_append(store, *seq, "task", payload);
	payload = NULL;
	if (rc == YH_OK)
		rc = yh_store_commit(store);
done:
	sqlite3_finalize(st);
	json_decref(payload);
	if (rc < 0) {
		yh_store_rollback(store);
		*seq = 0;
	}
	return rc;
}

int yh_task_get(yh_task **out, yh_store *store, const char *id)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	if (sqlite3_prepare_v2(store->db, "SELECT doc FROM task WHERE id = ?1", -1, &st, NULL)
	    != SQLITE_OK)
		return yh_store_fail(store, "cannot read the task");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = yh_error_set(YH_ENOTFOUND, "no such task: '%s' (see 'yaohao plan list')", id);
	} else {
		char source[160];

		snprintf(source, sizeof(source), "task '%s' in the store", id);
		rc = yh_task_parse(out, (const char *)sqlite3_column_text(st, 0),
		                   (size_t)sqlite3_column_bytes(st, 0), source);
	}
	sqlite3_finalize(st);
	return rc;
}

static const char state_sql[] =
	"CASE WHEN EXISTS (SELECT 1 FROM task_draw d WHERE d.task_id = t.id) THEN 'drawn' "
	"WHEN EXISTS (SELECT 1 FROM task_commit c WHERE c.task_id = t.id) THEN 'committed' "
	"ELSE 'planned' END";

int yh_task_foreach(yh_store *store, yh_task_fn fn, void *ctx)
{
	sqlite3_stmt *st = NULL;
	yh_task_info info;
	char sql[512];
	int rc = YH_OK, step;

	snprintf(sql, sizeof(sql), "SELECT t.id, json_extract(t.doc, '$.title'), t.draw_date, %s, "
	         "t.added_seq FROM task t ORDER BY t.draw_date, t.id", state_sql);
	if (sqlite3_prepare_v2(store->db, sql, -1, &st, NULL) != SQLITE_OK)
		return yh_store_fail(store, "cannot list the tasks");
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		info.id = (const char *)sqlite3_column_text(st, 0);
		info.title = (const char *)sqlite3_column_text(st, 1);
		info.draw_date = (const char *)sqlite3_column_text(st, 2);
		info.state = (const char *)sqlite3_column_text(st, 3);
		info.added_seq = (uint64_t)sqlite3_column_int64(st, 4);
		if ((rc = fn(ctx, &info)) != 0)
			break;
	}
	if (rc == YH_OK && step != SQLITE_DONE)
		rc = yh_store_fail(store, "cannot list the tasks");
	sqlite3_finalize(st);
	return rc;
}

int yh_task_state(const char **state, yh_store *store, const char *id)
{
	sqlite3_stmt *st = NULL;
	char sql[512];
	int rc = YH_OK;

	*state = NULL;
	snprintf(sql, sizeof(sql), "SELECT %s FROM task t WHERE t.id = ?1", state_sql);
	if (sqlite3_prepare_v2(store->db, sql, -1, &st, NULL) != SQLITE_OK)
		return yh_store_fail(store, "cannot read the task");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		rc = yh_error_set(YH_ENOTFOUND, "no such task: '%s' (see 'yaohao plan list')", id);
	else
		*state = sqlite3_column_text(st, 0)[0] == 'd' ? "drawn"
		       : sqlite3_column_text(st, 0)[0] == 'c' ? "committed" : "planned";
	sqlite3_finalize(st);
	return rc;
}
