/* store/event_store.c — what happens to a drawn task after its draw: the index of its
 * result, reassign, substitute and disclose ledger entries (the payloads stay in the ledger). */
#include <stdio.h>
#include <string.h>

#include "sqlite.h"
#include "store.h"
#include "error.h"

int yh_event_store_add(yh_store *store, uint64_t seq, const char *task_id, const char *kind,
                       const char *entity_id)
{
	yh_stmt *st = NULL;
	int rc;

	if ((rc = yh_store_prepare(store, &st, "INSERT INTO task_event (seq, task_id, kind, entity_id) "
	                           "VALUES (?1, ?2, ?3, ?4)", "cannot record the task's event")) < 0)
		return rc;
	yh_db_bind_int64(st, 1, (int64_t)seq);
	yh_db_bind_text(st, 2, task_id, -1);
	yh_db_bind_text(st, 3, kind, -1);
	yh_db_bind_text(st, 4, entity_id ? entity_id : "", -1);
	rc = yh_store_step_done(store, st, NULL, "cannot record the task's event");
	yh_db_finalize(st);
	return rc;
}

int yh_event_store_foreach(yh_store *store, const char *task_id, yh_event_fn fn, void *ctx)
{
	yh_stmt *st = NULL;
	int rc, r;

	if ((rc = yh_store_prepare(store, &st, "SELECT e.seq, e.kind, l.payload, l.prev_hash, l.hash, "
	                           "l.signature FROM task_event e JOIN ledger l ON l.seq = e.seq "
	                           "WHERE e.task_id = ?1 ORDER BY e.seq",
	                           "cannot read the task's events")) < 0)
		return rc;
	yh_db_bind_text(st, 1, task_id, -1);
	while ((r = yh_db_step(st)) == YH_DB_ROW) {
		yh_event ev;

		memset(&ev, 0, sizeof(ev));
		ev.seq = (uint64_t)yh_db_int64(st, 0);
		ev.kind = yh_store_text(st, 1);
		ev.payload = yh_store_text(st, 2);
		if (yh_db_bytes(st, 3) == 32)
			memcpy(ev.prev_hash, yh_db_blob(st, 3), 32);
		if (yh_db_bytes(st, 4) == 32)
			memcpy(ev.hash, yh_db_blob(st, 4), 32);
		if (yh_db_bytes(st, 5) == YH_SIGNATURE_BYTES) {
			memcpy(ev.signature, yh_db_blob(st, 5), YH_SIGNATURE_BYTES);
			ev.signed_ = 1;
		}
		if ((rc = fn(ctx, &ev)) != 0)
			break;
	}
	if (rc == YH_OK && r != YH_DB_DONE)
		rc = yh_store_fail(store, "cannot read the task's events");
	yh_db_finalize(st);
	return rc;
}

int yh_check_events(yh_store *store, yh_event_row_fn fn, void *ctx)
{
	yh_stmt *st = NULL;
	int rc, r;

	if ((rc = yh_store_prepare(store, &st, "SELECT seq, task_id, kind, entity_id FROM task_event "
	                           "ORDER BY seq", "cannot read the task events")) < 0)
		return rc;
	while ((r = yh_db_step(st)) == YH_DB_ROW)
		if ((rc = fn(ctx, (uint64_t)yh_db_int64(st, 0), yh_store_text(st, 1),
		             yh_store_text(st, 2), yh_store_text(st, 3))) != 0)
			break;
	if (rc == YH_OK && r != YH_DB_DONE)
		rc = yh_store_fail(store, "cannot read the task events");
	yh_db_finalize(st);
	return rc;
}
