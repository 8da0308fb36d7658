/* store/check_store.c — the store's own soundness for the audit: its pages and indexes (SQLite's
 * integrity_check; amcheck on PostgreSQL when the database has it) and foreign keys, the stored records (tasks, commitments, transcripts, drawn rows) with
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

static int sqlite_integrity(char **problems, yh_store *store, unsigned max_lines)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA integrity_check(%u)", max_lines);
	return collect(problems, store, sql, 0, 1);
}

static int sqlite_foreign_keys(char **problems, yh_store *store, unsigned max_lines)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "SELECT fk.\"table\", l.\"from\", fk.parent, count(*) "
	         "FROM pragma_foreign_key_check AS fk "
	         "JOIN pragma_foreign_key_list(fk.\"table\") AS l ON l.id = fk.fkid "
	         "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 LIMIT %u", max_lines);
	return collect(problems, store, sql, 1, 0);
}

/* The checks PostgreSQL's catalog gives: a name, the query that checks, and a parent table. */
typedef struct {
	char **name, **sql, **parent;
	size_t n;
} pg_checks;

static void pg_checks_free(pg_checks *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->name[i]);
		free(c->sql[i]);
		free(c->parent[i]);
	}
	free(c->name);
	free(c->sql);
	free(c->parent);
	memset(c, 0, sizeof(*c));
}

/* Reads every (name, query, parent) row of sql (?1 bound to param when not NULL) before any
 * of the queries runs. */
static int pg_checks_read(pg_checks *c, yh_store *store, const char *sql, const char *param)
{
	yh_stmt *st = NULL;
	int rc, step;

	memset(c, 0, sizeof(*c));
	if ((rc = yh_store_prepare(store, &st, sql, "cannot read the catalog of the store's tables")) < 0)
		return rc;
	if (param)
		yh_db_bind_text(st, 1, param, -1);
	while ((step = yh_db_step(st)) == YH_DB_ROW) {
		char **name = realloc(c->name, (c->n + 1) * sizeof(*name)), **q = NULL, **parent = NULL;

		if (name && (c->name = name) && (q = realloc(c->sql, (c->n + 1) * sizeof(*q))))
			c->sql = q;
		if (q && (parent = realloc(c->parent, (c->n + 1) * sizeof(*parent))))
			c->parent = parent;
		if (!parent) {
			rc = yh_error_set(YH_ENOMEM, "out of memory");
			goto done;
		}
		c->name[c->n] = strdup(yh_store_text(st, 0));
		c->sql[c->n] = strdup(yh_store_text(st, 1));
		c->parent[c->n] = strdup(yh_db_is_null(st, 2) ? "" : yh_store_text(st, 2));
		c->n++;
		if (!c->name[c->n - 1] || !c->sql[c->n - 1] || !c->parent[c->n - 1]) {
			rc = yh_error_set(YH_ENOMEM, "out of memory");
			goto done;
		}
	}
	if (step != YH_DB_DONE)
		rc = yh_store_fail(store, "cannot read the catalog of the store's tables");
done:
	yh_db_finalize(st);
	if (rc < 0)
		pg_checks_free(c);
	return rc;
}

/*
 * PostgreSQL's foreign keys, row by row: the constraints hold while they are enforced, but a
 * superuser's session (session_replication_role = replica, a trigger disabled) writes around
 * them, as SQLite's foreign_keys = OFF does.  One query per constraint of the store's schema,
 * rows with a NULL in the key exempt (MATCH SIMPLE); a key's `dept` column, which every
 * key of a database shared by departments carries, is not named.
 */
static const char pg_foreign_keys_sql[] =
	"SELECT t.relname || '.' || (SELECT string_agg(a.attname, ',' ORDER BY k.i) "
	"  FROM unnest(c.conkey) WITH ORDINALITY AS k(num, i) "
	"  JOIN pg_attribute AS a ON a.attrelid = c.conrelid AND a.attnum = k.num "
	"  WHERE a.attname <> 'dept' OR cardinality(c.conkey) = 1), "
	"format('SELECT count(*) FROM %I.%I AS c WHERE %s AND NOT EXISTS "
	"(SELECT 1 FROM %I.%I AS p WHERE %s)', tn.nspname, t.relname, "
	"  (SELECT string_agg(format('c.%I IS NOT NULL', a.attname), ' AND ') "
	"   FROM unnest(c.conkey) AS k(num) "
	"   JOIN pg_attribute AS a ON a.attrelid = c.conrelid AND a.attnum = k.num), "
	"  pn.nspname, p.relname, "
	"  (SELECT string_agg(format('p.%I = c.%I', pa.attname, ca.attname), ' AND ') "
	"   FROM unnest(c.conkey, c.confkey) AS k(cnum, pnum) "
	"   JOIN pg_attribute AS ca ON ca.attrelid = c.conrelid AND ca.attnum = k.cnum "
	"   JOIN pg_attribute AS pa ON pa.attrelid = c.confrelid AND pa.attnum = k.pnum)), "
	"p.relname "
	"FROM pg_constraint AS c "
	"JOIN pg_class AS t ON t.oid = c.conrelid JOIN pg_namespace AS tn ON tn.oid = t.relnamespace "
	"JOIN pg_class AS p ON p.oid = c.confrelid JOIN pg_namespace AS pn ON pn.oid = p.relnamespace "
	"WHERE c.contype = 'f' AND tn.nspname = current_schema() ORDER BY 1, 3";

static int pg_foreign_keys(char **problems, yh_store *store, unsigned max_lines)
{
	pg_checks c;
	size_t i, len = 0, lines = 0;
	int rc;

	*problems = NULL;
	if ((rc = pg_checks_read(&c, store, pg_foreign_keys_sql, NULL)) < 0)
		return rc;
	for (i = 0; i < c.n && lines < max_lines && rc == YH_OK; i++) {
		yh_stmt *st = NULL;
		char line[512] = "";
		long long n;

		if (yh_db_prepare(&st, store, c.sql[i], NULL) < 0 || yh_db_step(st) != YH_DB_ROW)
			snprintf(line, sizeof(line), "%s: %s", c.name[i], yh_db_message(store));
		else if ((n = yh_db_int64(st, 0)) > 0)
			snprintf(line, sizeof(line), "%s refers to no %s row in %lld row(s)", c.name[i],
			         c.parent[i], n);
		yh_db_finalize(st);
		if (line[0]) {
			rc = add_line(problems, &len, line);
			lines++;
		}
	}
	pg_checks_free(&c);
	if (rc < 0) {
		free(*problems);
		*problems = NULL;
	}
	return rc;
}

/* amcheck's schema in this database, whether this role may run its two checks, and whether it
 * has verify_heapam (1.3, PostgreSQL 14). */
static const char pg_amcheck_sql[] =
	"SELECT n.nspname, "
	"coalesce(has_function_privilege(to_regprocedure(format("
	"  '%I.verify_heapam(regclass, boolean, boolean, text, bigint, bigint)', n.nspname)), "
	"  'EXECUTE'), false) "
	"AND coalesce(has_function_privilege(to_regprocedure(format("
	"  '%I.bt_index_check(regclass, boolean)', n.nspname)), 'EXECUTE'), false), "
	"to_regprocedure(format('%I.verify_heapam(regclass, boolean, boolean, text, bigint, bigint)', "
	"  n.nspname)) IS NOT NULL "
	"FROM pg_extension AS e JOIN pg_namespace AS n ON n.oid = e.extnamespace "
	"WHERE e.extname = 'amcheck'";

/* One check per table of the store's schema (verify_heapam, its TOAST too: a line per damaged
 * tuple) and per B-tree index of them (bt_index_check with every table row looked up in it:
 * an error when damaged), tables first. */
static const char pg_relations_sql[] =
	"SELECT c.relname, CASE c.relkind "
	"WHEN 'r' THEN format('SELECT ''block '' || blkno || coalesce('', offset '' || offnum, '''') "
	"  || '': '' || msg FROM %I.verify_heapam(%s, false, true) ORDER BY blkno, offnum', "
	"  CAST(?1 AS text), c.oid) "
	"ELSE format('SELECT CAST(%I.bt_index_check(%s, true) AS text) WHERE false', "
	"  CAST(?1 AS text), c.oid) END, NULL "
	"FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace "
	"LEFT JOIN pg_am AS am ON am.oid = c.relam "
	"WHERE n.nspname = current_schema() "
	"AND (c.relkind = 'r' OR (c.relkind = 'i' AND am.amname = 'btree')) "
	"ORDER BY c.relkind DESC, c.relname";

/* Appends "name: text" (or "name, text") as one problem line. */
static int add_named(char **problems, size_t *len, size_t *lines, const char *name,
                     const char *sep, const char *text)
{
	char line[1024];

	snprintf(line, sizeof(line), "%s%s%s", name, sep, text);
	(*lines)++;
	return add_line(problems, len, line);
}

static int pg_integrity(char **problems, const char **unchecked, yh_store *store, unsigned max_lines)
{
	yh_stmt *st = NULL;
	pg_checks c = { 0 };
	char *schema = NULL;
	size_t i, len = 0, lines = 0;
	int rc, step, allowed = 0, recent = 0;

	*problems = NULL;
	if ((rc = yh_store_prepare(store, &st, pg_amcheck_sql, "cannot look for amcheck")) < 0)
		return rc;
	if ((step = yh_db_step(st)) == YH_DB_ROW) {
		schema = strdup(yh_store_text(st, 0));
		allowed = yh_db_int(st, 1);
		recent = yh_db_int(st, 2);
	}
	yh_db_finalize(st);
	if (step == YH_DB_DONE) {
		*unchecked = "the amcheck extension is not installed in this database (CREATE EXTENSION "
		             "amcheck, as its owner or a superuser)";
		return YH_OK;
	}
	if (step != YH_DB_ROW)
		return yh_store_fail(store, "cannot look for amcheck");
	if (!schema)
		return yh_error_set(YH_ENOMEM, "out of memory");
	if (!recent)
		*unchecked = "the amcheck extension of this database is older than 1.3 (no verify_heapam: "
		             "ALTER EXTENSION amcheck UPDATE)";
	else if (!allowed)
		*unchecked = "this role may not run amcheck's verify_heapam and bt_index_check (GRANT "
		             "EXECUTE on them to it)";
	if (*unchecked || (rc = pg_checks_read(&c, store, pg_relations_sql, schema)) < 0)
		goto done;
	for (i = 0; i < c.n && lines < max_lines && rc == YH_OK; i++) {
		if (yh_db_prepare(&st, store, c.sql[i], NULL) < 0) {
			rc = add_named(problems, &len, &lines, c.name[i], ": ", yh_db_message(store));
			continue;
		}
		while (lines < max_lines && rc == YH_OK && (step = yh_db_step(st)) == YH_DB_ROW)
			rc = add_named(problems, &len, &lines, c.name[i], ", ", yh_store_text(st, 0));
		if (rc == YH_OK && lines < max_lines && step == YH_DB_ERROR)
			rc = add_named(problems, &len, &lines, c.name[i], ": ", yh_db_message(store));
		yh_db_finalize(st);
		st = NULL;
	}
done:
	pg_checks_free(&c);
	free(schema);
	if (rc < 0) {
		free(*problems);
		*problems = NULL;
	}
	return rc;
}

int yh_check_integrity(char **problems, const char **unchecked, yh_store *store, unsigned max_lines)
{
	*unchecked = NULL;
	if (yh_db_kind(store) == YH_DB_POSTGRESQL)
		return pg_integrity(problems, unchecked, store, max_lines ? max_lines : 1);
	return sqlite_integrity(problems, store, max_lines ? max_lines : 1);
}

int yh_check_foreign_keys(char **problems, yh_store *store, unsigned max_lines)
{
	if (yh_db_kind(store) == YH_DB_POSTGRESQL)
		return pg_foreign_keys(problems, store, max_lines ? max_lines : 1);
	return sqlite_foreign_keys(problems, store, max_lines ? max_lines : 1);
}

const char *yh_check_names(yh_store *store, int which)
{
	static const char *const lite[] = { "SQLite's integrity_check", "SQLite's foreign_key_check",
	                                    "SQLite's integrity_check and foreign_key_check" };
	static const char *const pg[] = {
		"amcheck", "the foreign-key check",
		"amcheck (verify_heapam, bt_index_check) and the foreign-key check"
	};

	return (yh_db_kind(store) == YH_DB_POSTGRESQL ? pg : lite)[which < 0 || which > 2 ? 2 : which];
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
