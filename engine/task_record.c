/* task_record.c — recording a task in the ledger and reading it back parsed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "report.h"
#include "task.h"
#include "error.h"

const char *yh_task_state_name(yh_task_state state)
{
	switch (state) {
	case YH_TASK_PLANNED: return "planned";
	case YH_TASK_COMMITTED: return "committed";
	case YH_TASK_DRAWN: return "drawn";
	}
	return "?";
}

int yh_task_add(uint64_t *seq, yh_store *store, const yh_task *t)
{
	json_t *payload;
	char digest[65];
	int rc;

	*seq = 0;
	if ((rc = yh_store_begin(store)) < 0)
		return rc;
	if ((rc = yh_ledger_next_seq(seq, store)) < 0 ||
	    (rc = yh_task_store_insert(store, t->id, t->canonical, t->draw_date, *seq)) < 0)
		goto done;
	yh_hex(digest, t->digest, 32);
	payload = json_pack("{s:s, s:s, s:O}", "task_id", t->id, "task_digest", digest, "task", t->doc);
	if ((rc = yh_ledger_append(store, *seq, "task", payload)) == YH_OK)
		rc = yh_store_commit(store);
done:
	if (rc < 0) {
		yh_store_rollback(store);
		*seq = 0;
	}
	return rc;
}

int yh_task_get(yh_task **out, yh_store *store, const char *id)
{
	char *text = NULL, source[160];
	int rc;

	*out = NULL;
	if ((rc = yh_task_store_get(&text, store, id)) < 0)
		return rc;
	snprintf(source, sizeof(source), "task '%s' in the store", id);
	rc = yh_task_parse(out, text, strlen(text), source);
	free(text);
	return rc;
}
