/* store/check_store.c — the store's own soundness for the audit: SQLite's integrity and
 * foreign-key checks, the stored records (tasks, commitments, transcripts, drawn rows) with
 * the ledger sequences they name, and the drawn rows of a task. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite.h"
#include "store.h"
#include "error.h"

/* Appends a line to *text ("; " between lines). */
static int add_line(char **text, size_t *len, const char *line)
{
	size_t n = strlen(line), sep = *len ? 2 : 0;
	char *p = realloc(*text, *len + sep + n + 1);

	if (!p)
		return yh_error_set(YH_ENOMEM, "out of memory");
	if (sep)
		memcpy(p + *len, "; ", 2);
	memcpy(p + *len + sep, line, n + 1);
	*text = p;
	*len += sep + n;
	return YH_OK;
}

/* Appends each line of text but SQLite's "*** in database main ***" headings. */
static int add_lines(char **text, size_t *len, char *lines)
{
	char *line, *save = NULL;
	int rc = YH_OK;

	for (line = strtok_r(lines, "\n", &save); line && rc == YH_OK; line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, "*** in database ", 16) != 0)
			rc = add_line(text, len, line);
	return rc;
}

/*
 * Runs a check whose rows are problems (lines from column 0, or "table.column -> parent:
 * N row(s)" when grouped).  A failure to run it on a damaged file is itself the problem.
 */
static int collect(char **problems, yh_store *store, const char *sql, int grouped, int ok_word)
{
	yh_stmt *st = NULL;
	size_t len = 0;
	int rc = YH_OK, step;

	*problems = NULL;
	if (yh_db_prepare(&st, store, sql, NULL) < 0)
		return add_line(problems, &len, yh_db_message(store));
	while ((step = yh_db_step(st)) == YH_DB_ROW) {
		char line[512];

		if (grouped)
			snprintf(line, sizeof(line), "%s.%s refers to no %s row in %lld row(s)",
			         yh_store_text(st, 0), yh_store_text(st, 1), yh_store_text(st, 2),
			         (long long)yh_db_int64(st, 3));
		else if (ok_word && strcmp(yh_store_text(st, 0), "ok") == 0)
			continue;
		else
			snprintf(line, sizeof(line), "%s", yh_store_text(st, 0));
		if ((rc = add_lines(problems, &len, line)) < 0)
			goto done;
	}
	if (step != YH_DB_DONE)
		rc = add_line(problems, &len, yh_db_message(store));
done:
	yh_db_finalize(st);
	if (rc < 0) {
		free(*problems);
		*problems = NULL;
	}
	return rc;
}

int yh_check_integrity(char **problems, yh_store *store, unsigned max_lines)
{
	char sql[64];

	/* PostgreSQL has no such check of its files (amcheck is an extension): nothing to report */
	if (yh_db_kind(store) == YH_DB_POSTGRESQL) {
		*problems = NULL;
		return YH_OK;
	}
	snprintf(sql, sizeof(sql), "PRAGMA integrity_check(%u)", max_lines ? max_lines : 1);
	return collect(problems, store, sql, 0, 1);
}

int yh_check_foreign_keys(char **problems, yh_store *store, unsigned max_lines)
{
	char sql[512];

	/* PostgreSQL enforces every foreign key, always: no row can refer to nothing */
	if (yh_db_kind(store) == YH_DB_POSTGRESQL) {
		*problems = NULL;
		return YH_OK;
	}
	snprintf(sql, sizeof(sql), "SELECT fk.\"table\", l.\"from\", fk.parent, count(*) "
	         "FROM pragma_foreign_key_check AS fk "
	         "JOIN pragma_foreign_key_list(fk.\"table\") AS l ON l.id = fk.fkid "
	         "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 LIMIT %u", max_lines ? max_lines : 1);
	return collect(problems, store, sql, 1, 0);
}

/* Where the rows of a listing go: one of the two callbacks. */
typedef struct {
	yh_record_fn record;
	yh_drawn_fn drawn;
	void *ctx;
} row_sink;

/* Steps sql (?1 bound to param when not NULL) and hands each row to the sink; the sink's
 * first non-zero return stops the walk and is returned. */
static int each_row(yh_store *store, const char *sql, const char *param, const row_sink *sink)
{
	yh_stmt *st = NULL;
	int rc, step;

	if ((rc = yh_store_prepare(store, &st, sql, "cannot read the stored draws")) < 0)
		return rc;
	if (param)
		yh_db_bind_text(st, 1, param, -1);
	while ((step = yh_db_step(st)) == YH_DB_ROW) {
		if (sink->record)
			rc = sink->record(sink->ctx, yh_store_text(st, 0), yh_store_text(st, 1),
			                  (uint64_t)yh_db_int64(st, 2));
		else
			rc = sink->drawn(sink->ctx, yh_store_text(st, 0),
			                 yh_db_is_null(st, 1) ? NULL : yh_store_text(st, 1), yh_store_text(st, 2));
		if (rc != 0)
			goto done;
	}
	if (step != YH_DB_DONE)
		rc = yh_store_fail(store, "cannot read the stored draws");
done:
	yh_db_finalize(st);
	return rc;
}

int yh_check_records(yh_store *store, yh_record_fn fn, void *ctx)
{
	const row_sink sink = { fn, NULL, ctx };

	/* PostgreSQL: ordered as SQLite's scans give them (tables in key order, transcripts in the
	 * order they were written), so that the audit names the same first problem on both */
	return each_row(store, YH_DB_SQL(store,
	                "SELECT 'task', id, added_seq FROM task "
	                "UNION ALL SELECT 'commit', task_id, seq FROM task_commit "
	                "UNION ALL SELECT 'draw', task_id, seq FROM task_draw "
	                "UNION ALL SELECT 'drawn', task_id, 0 FROM "
	                "(SELECT task_id FROM drawn_entity UNION SELECT task_id FROM drawn_pair) AS drawn",
	                "SELECT what, id, seq FROM ("
	                "SELECT 0 AS part, 'task' AS what, id, added_seq AS seq, 0 AS o FROM task "
	                "UNION ALL SELECT 1, 'commit', task_id, seq, 0 FROM task_commit "
	                "UNION ALL SELECT 2, 'draw', task_id, seq, seq FROM task_draw "
	                "UNION ALL SELECT 3, 'drawn', task_id, 0, 0 FROM "
	                "(SELECT task_id FROM drawn_entity UNION SELECT task_id FROM drawn_pair) AS drawn"
	                ") AS r ORDER BY part, o, id"), NULL, &sink);
}

int yh_check_drawn(yh_store *store, const char *task_id, yh_drawn_fn fn, void *ctx)
{
	const row_sink sink = { NULL, fn, ctx };

	return each_row(store, YH_DB_SQL(store,
	                "SELECT entity_id, NULL, draw_date FROM drawn_entity WHERE task_id = ?1 "
	                "UNION ALL SELECT entity_id, inspector_id, draw_date FROM drawn_pair "
	                "WHERE task_id = ?1",
	                "SELECT entity_id, inspector_id, draw_date FROM ("
	                "SELECT 0 AS part, entity_id, NULL AS inspector_id, draw_date FROM drawn_entity "
	                "WHERE task_id = ?1 UNION ALL SELECT 1, entity_id, inspector_id, draw_date "
	                "FROM drawn_pair WHERE task_id = ?1) AS r ORDER BY part, entity_id, inspector_id"),
	                task_id, &sink);
}
