/* store/schema.c — the store's schema: SQLite's as an ordered list of migrations, and
 * PostgreSQL's as one script for the current version (the same tables, in its dialect). */
#include <stdio.h>

#include "sqlite.h"
#include "error.h"

#define REGISTER_HISTORY \
	"  valid_from INTEGER NOT NULL REFERENCES ledger(seq) DEFERRABLE INITIALLY DEFERRED,\n" \
	"  valid_to   INTEGER REFERENCES ledger(seq) DEFERRABLE INITIALLY DEFERRED,\n"

/*
 * migrations[i] takes a store from version i to version i + 1.  Never edit a
 * migration that has shipped: add the next one and raise
 * YH_STORE_SCHEMA_VERSION.
 */
const char yh_schema_ledger_no_update[] =
	"CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger "
	"BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END";

static const char *const migrations[] = {
	/* 0 -> 1: meta, ledger, the four registers with history. */
	"PRAGMA application_id = 1497907535;\n"
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;\n"
	"CREATE TABLE ledger (\n"
	"  seq       INTEGER PRIMARY KEY,\n"
	"  prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),\n"
	"  kind      TEXT NOT NULL,\n"
	"  payload   TEXT NOT NULL,\n"
	"  hash      BLOB NOT NULL CHECK (length(hash) = 32),\n"
	"  signature BLOB,\n"
	"  key_id    TEXT\n"
	");\n"
	"CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger\n"
	"  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;\n"
	"CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger\n"
	"  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;\n"
	"CREATE TABLE entity (\n"
	"  id TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL, region TEXT NOT NULL,\n"
	"  industry TEXT NOT NULL, risk TEXT NOT NULL, status TEXT NOT NULL,\n"
	"  abnormal INTEGER NOT NULL CHECK (abnormal IN (0, 1)),\n"
	REGISTER_HISTORY
	"  PRIMARY KEY (id, valid_from)\n"
	") WITHOUT ROWID;\n"
	"CREATE UNIQUE INDEX entity_current ON entity (id) WHERE valid_to IS NULL;\n"
	"CREATE TABLE inspector (\n"
	"  id TEXT NOT NULL, name TEXT NOT NULL, department TEXT NOT NULL,\n"
	"  cert_valid_until TEXT NOT NULL, specialties TEXT NOT NULL, status TEXT NOT NULL,\n"
	REGISTER_HISTORY
	"  PRIMARY KEY (id, valid_from)\n"
	") WITHOUT ROWID;\n"
	"CREATE UNIQUE INDEX inspector_current ON inspector (id) WHERE valid_to IS NULL;\n"
	"CREATE TABLE conflict (\n"
	"  inspector_id TEXT NOT NULL, entity_id TEXT NOT NULL, reason TEXT NOT NULL,\n"
	REGISTER_HISTORY
	"  PRIMARY KEY (inspector_id, entity_id, valid_from)\n"
	") WITHOUT ROWID;\n"
	"CREATE UNIQUE INDEX conflict_current ON conflict (inspector_id, entity_id) WHERE valid_to IS NULL;\n"
	"CREATE TABLE item (\n"
	"  code TEXT NOT NULL, name TEXT NOT NULL, legal_basis TEXT NOT NULL,\n"
	"  department TEXT NOT NULL, specialty TEXT NOT NULL,\n"
	REGISTER_HISTORY
	"  PRIMARY KEY (code, valid_from)\n"
	") WITHOUT ROWID;\n"
	"CREATE UNIQUE INDEX item_current ON item (code) WHERE valid_to IS NULL;\n",

	/* 1 -> 2: tasks, their commitments and draws, and what each draw picked. */
	"CREATE TABLE task (\n"
	"  id TEXT PRIMARY KEY, doc TEXT NOT NULL, draw_date TEXT NOT NULL,\n"
	"  added_seq INTEGER NOT NULL REFERENCES ledger(seq) DEFERRABLE INITIALLY DEFERRED\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE task_commit (\n"
	"  task_id TEXT PRIMARY KEY REFERENCES task(id),\n"
	"  seq INTEGER NOT NULL REFERENCES ledger(seq) DEFERRABLE INITIALLY DEFERRED,\n"
	"  secret BLOB,\n"
	"  announcement TEXT NOT NULL\n"
	") WITHOUT ROWID;\n"
	/* a rowid table: the transcript, tens of MB for a large draw, is written in
	 * pieces through incremental blob I/O rather than as one record in memory */
	"CREATE TABLE task_draw (\n"
	"  task_id TEXT PRIMARY KEY REFERENCES task(id),\n"
	"  seq INTEGER NOT NULL REFERENCES ledger(seq) DEFERRABLE INITIALLY DEFERRED,\n"
	"  transcript BLOB NOT NULL\n"
	");\n"
	"CREATE TABLE drawn_entity (\n"
	"  task_id TEXT NOT NULL REFERENCES task(id), entity_id TEXT NOT NULL, draw_date TEXT NOT NULL,\n"
	"  PRIMARY KEY (task_id, entity_id)\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX drawn_entity_date ON drawn_entity (draw_date);\n"
	"CREATE TABLE drawn_pair (\n"
	"  task_id TEXT NOT NULL REFERENCES task(id), entity_id TEXT NOT NULL,\n"
	"  inspector_id TEXT NOT NULL, draw_date TEXT NOT NULL,\n"
	"  PRIMARY KEY (task_id, entity_id, inspector_id)\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX drawn_pair_date ON drawn_pair (draw_date);\n"
	"CREATE TRIGGER task_draw_no_update BEFORE UPDATE ON task_draw\n"
	"  BEGIN SELECT RAISE(ABORT, 'draws are append-only'); END;\n"
	"CREATE TRIGGER task_draw_no_delete BEFORE DELETE ON task_draw\n"
	"  BEGIN SELECT RAISE(ABORT, 'draws are append-only'); END;\n"
	"CREATE TRIGGER task_no_update BEFORE UPDATE ON task\n"
	"  BEGIN SELECT RAISE(ABORT, 'tasks are append-only'); END;\n",

	/* 2 -> 3: the working-day calendar, the special days of each loaded year
	 * (calendar_store.c; docs/spec.md §17). */
	"CREATE TABLE calendar_day (\n"
	"  date TEXT PRIMARY KEY,\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),\n"
	"  note TEXT NOT NULL,\n"
	"  seq INTEGER NOT NULL REFERENCES ledger(seq) DEFERRABLE INITIALLY DEFERRED\n"
	") WITHOUT ROWID;\n",

	/* 3 -> 4: what happens to a drawn task after its draw (results, reassignments,
	 * substitutions, disclosures): an index of ledger entries, whose payloads hold the rest. */
	"CREATE TABLE task_event (\n"
	"  seq INTEGER PRIMARY KEY REFERENCES ledger(seq) DEFERRABLE INITIALLY DEFERRED,\n"
	"  task_id TEXT NOT NULL REFERENCES task(id),\n"
	"  kind TEXT NOT NULL,\n"
	"  entity_id TEXT NOT NULL\n"
	");\n"
	"CREATE INDEX task_event_task ON task_event (task_id, seq);\n"
	"CREATE TRIGGER task_event_no_update BEFORE UPDATE ON task_event\n"
	"  BEGIN SELECT RAISE(ABORT, 'task events are append-only'); END;\n"
	"CREATE TRIGGER task_event_no_delete BEFORE DELETE ON task_event\n"
	"  BEGIN SELECT RAISE(ABORT, 'task events are append-only'); END;\n",
};

/*
 * PostgreSQL: the schema of YH_STORE_SCHEMA_VERSION at once (there are no older PostgreSQL
 * stores to migrate); the next version adds its migration here and to the list above.  The
 * dialect: TEXT compared and ordered bytewise (COLLATE "C", SQLite's BINARY), BYTEA for BLOB,
 * BIGINT for INTEGER, the append-only rules as triggers calling one function (and refusing
 * TRUNCATE too), the schema version as a meta row instead of PRAGMA user_version.
 *
 * One database holds many departments (docs/operations.md).  Every table of a department's
 * data has a `dept` column (the name `department` is taken: the inspectors' and items' own
 * column), last, part of every primary, unique and foreign key, and row-level security enabled
 * and forced on it: a role sees and writes the rows of the department yh_role maps it to
 * (PG_DEPT, parsed when the policy is made, so no table of the session's can stand in for
 * yh_role), and a member of yaohao_auditor reads every row (in a yaohao session, only the
 * rows of the department it audits: PG_AUDITED, which narrows, never widens).  Inserts never
 * name the column: they take the default, the department the store chose for the session,
 * which the policy checks against the role's.  Reads of the registers name it (dept =
 * yh_department_default(): shared_store.c, register_writer.c) only so that the indexes, which
 * lead with it, serve a role above the policies too; the policies decide what a role sees.  A superuser or a
 * BYPASSRLS role sees every row, so the store lets such a role act only where the database
 * holds one department (store.c).  No table grants anything to anyone: the grants are the
 * owner's (docs/operations.md).
 */
#define T "TEXT COLLATE \"C\""
#define PG_DEPT "(SELECT r.department FROM yh_role r WHERE r.role = current_user)"
#define PG_AUDITOR \
	"(SELECT pg_has_role(current_user, a.oid, 'MEMBER') FROM pg_roles a " \
	"WHERE a.rolname = 'yaohao_auditor')"
/* the department an auditor's yaohao session reads (yh_store_open_reader), NULL in plain SQL */
#define PG_AUDITED "nullif(current_setting('yaohao.audit', true), '')"
/* the register the owner shares with the role's department (yh_share), or NULL */
#define PG_SHARED "(SELECT s.register FROM yh_share s WHERE s.department = coalesce(" PG_DEPT \
	", CASE WHEN " PG_AUDITOR " THEN " PG_AUDITED " END))"
#define PG_DEPT_COL "  dept " T " NOT NULL DEFAULT yh_department_default(),\n"
#define PG_SEQ_FK(col) \
	"  FOREIGN KEY (dept, " col ") REFERENCES ledger (dept, seq) DEFERRABLE INITIALLY DEFERRED,\n"
#define PG_TASK_FK "  FOREIGN KEY (dept, task_id) REFERENCES task (dept, id),\n"
#define PG_HISTORY \
	"  valid_from BIGINT NOT NULL,\n" \
	"  valid_to   BIGINT,\n" \
	PG_DEPT_COL PG_SEQ_FK("valid_from") PG_SEQ_FK("valid_to")
#define PG_APPEND_ONLY(table, message) \
	"CREATE TRIGGER " table "_no_update BEFORE UPDATE ON " table \
	" FOR EACH ROW EXECUTE FUNCTION yh_append_only('" message "');\n" \
	"CREATE TRIGGER " table "_no_delete BEFORE DELETE ON " table \
	" FOR EACH ROW EXECUTE FUNCTION yh_append_only('" message "');\n" \
	"CREATE TRIGGER " table "_no_truncate BEFORE TRUNCATE ON " table \
	" FOR EACH STATEMENT EXECUTE FUNCTION yh_append_only('" message "');\n"
#define PG_ISOLATED(table) \
	"ALTER TABLE " table " ENABLE ROW LEVEL SECURITY;\n" \
	"ALTER TABLE " table " FORCE ROW LEVEL SECURITY;\n" \
	"CREATE POLICY " table "_department ON " table " USING (dept = " PG_DEPT ")" \
	" WITH CHECK (dept = " PG_DEPT ");\n" \
	"CREATE POLICY " table "_auditor ON " table " FOR SELECT USING (" PG_AUDITOR \
	" AND dept = coalesce(" PG_AUDITED ", dept));\n"

static const char pg_schema[] =
	"CREATE FUNCTION yh_append_only() RETURNS trigger LANGUAGE plpgsql AS\n"
	"  $$ BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$;\n"
	/* which department each role acts for: written by the owner only */
	"CREATE TABLE yh_role (\n"
	"  role       " T " PRIMARY KEY,\n"
	"  department " T " NOT NULL UNIQUE\n"
	");\n"
	/* the new rows' department: the one the store chose for the session (checked by the
	 * policies against the role's), else the role's */
	"CREATE FUNCTION yh_department_default() RETURNS text LANGUAGE sql STABLE AS\n"
	"  $$ SELECT coalesce(nullif(current_setting('yaohao.department', true), ''),\n"
	"                     (SELECT department FROM yh_role WHERE role = current_user)) $$;\n"
	"CREATE TABLE meta (key " T " NOT NULL, value " T " NOT NULL,\n"
	PG_DEPT_COL
	"  PRIMARY KEY (dept, key)\n"
	");\n"
	"CREATE TABLE ledger (\n"
	"  seq       BIGINT NOT NULL,\n"
	"  prev_hash BYTEA NOT NULL CHECK (length(prev_hash) = 32),\n"
	"  kind      " T " NOT NULL,\n"
	"  payload   " T " NOT NULL,\n"
	"  hash      BYTEA NOT NULL CHECK (length(hash) = 32),\n"
	"  signature BYTEA,\n"
	"  key_id    " T ",\n"
	PG_DEPT_COL
	"  PRIMARY KEY (dept, seq)\n"
	");\n"
	PG_APPEND_ONLY("ledger", "the ledger is append-only")
	"CREATE TABLE entity (\n"
	"  id " T " NOT NULL, name " T " NOT NULL, type " T " NOT NULL, region " T " NOT NULL,\n"
	"  industry " T " NOT NULL, risk " T " NOT NULL, status " T " NOT NULL,\n"
	"  abnormal BIGINT NOT NULL CHECK (abnormal IN (0, 1)),\n"
	PG_HISTORY
	"  PRIMARY KEY (dept, id, valid_from)\n"
	");\n"
	"CREATE UNIQUE INDEX entity_current ON entity (dept, id) WHERE valid_to IS NULL;\n"
	"CREATE TABLE inspector (\n"
	"  id " T " NOT NULL, name " T " NOT NULL, department " T " NOT NULL,\n"
	"  cert_valid_until " T " NOT NULL, specialties " T " NOT NULL, status " T " NOT NULL,\n"
	PG_HISTORY
	"  PRIMARY KEY (dept, id, valid_from)\n"
	");\n"
	"CREATE UNIQUE INDEX inspector_current ON inspector (dept, id) WHERE valid_to IS NULL;\n"
	"CREATE TABLE conflict (\n"
	"  inspector_id " T " NOT NULL, entity_id " T " NOT NULL, reason " T " NOT NULL,\n"
	PG_HISTORY
	"  PRIMARY KEY (dept, inspector_id, entity_id, valid_from)\n"
	");\n"
	"CREATE UNIQUE INDEX conflict_current ON conflict (dept, inspector_id, entity_id) "
	"WHERE valid_to IS NULL;\n"
	"CREATE TABLE item (\n"
	"  code " T " NOT NULL, name " T " NOT NULL, legal_basis " T " NOT NULL,\n"
	"  department " T " NOT NULL, specialty " T " NOT NULL,\n"
	PG_HISTORY
	"  PRIMARY KEY (dept, code, valid_from)\n"
	");\n"
	"CREATE UNIQUE INDEX item_current ON item (dept, code) WHERE valid_to IS NULL;\n"
	"CREATE TABLE task (\n"
	"  id " T " NOT NULL, doc " T " NOT NULL, draw_date " T " NOT NULL,\n"
	"  added_seq BIGINT NOT NULL,\n"
	PG_DEPT_COL PG_SEQ_FK("added_seq")
	"  PRIMARY KEY (dept, id)\n"
	");\n"
	"CREATE TABLE task_commit (\n"
	"  task_id " T " NOT NULL,\n"
	"  seq BIGINT NOT NULL,\n"
	"  secret BYTEA,\n"
	"  announcement " T " NOT NULL,\n"
	PG_DEPT_COL PG_TASK_FK PG_SEQ_FK("seq")
	"  PRIMARY KEY (dept, task_id)\n"
	");\n"
	"CREATE TABLE task_draw (\n"
	"  task_id " T " NOT NULL,\n"
	"  seq BIGINT NOT NULL,\n"
	"  transcript BYTEA NOT NULL,\n"
	PG_DEPT_COL PG_TASK_FK PG_SEQ_FK("seq")
	"  PRIMARY KEY (dept, task_id)\n"
	");\n"
	"CREATE TABLE drawn_entity (\n"
	"  task_id " T " NOT NULL, entity_id " T " NOT NULL,\n"
	"  draw_date " T " NOT NULL,\n"
	PG_DEPT_COL PG_TASK_FK
	"  PRIMARY KEY (dept, task_id, entity_id)\n"
	");\n"
	"CREATE INDEX drawn_entity_date ON drawn_entity (dept, draw_date);\n"
	"CREATE TABLE drawn_pair (\n"
	"  task_id " T " NOT NULL, entity_id " T " NOT NULL,\n"
	"  inspector_id " T " NOT NULL, draw_date " T " NOT NULL,\n"
	PG_DEPT_COL PG_TASK_FK
	"  PRIMARY KEY (dept, task_id, entity_id, inspector_id)\n"
	");\n"
	"CREATE INDEX drawn_pair_date ON drawn_pair (dept, draw_date);\n"
	PG_APPEND_ONLY("task_draw", "draws are append-only")
	"CREATE TRIGGER task_no_update BEFORE UPDATE ON task\n"
	"  FOR EACH ROW EXECUTE FUNCTION yh_append_only('tasks are append-only');\n"
	"CREATE TABLE calendar_day (\n"
	"  date " T " NOT NULL,\n"
	"  kind " T " NOT NULL CHECK (kind IN ('holiday', 'workday')),\n"
	"  note " T " NOT NULL,\n"
	"  seq BIGINT NOT NULL,\n"
	PG_DEPT_COL PG_SEQ_FK("seq")
	"  PRIMARY KEY (dept, date)\n"
	");\n"
	"CREATE TABLE task_event (\n"
	"  seq BIGINT NOT NULL,\n"
	"  task_id " T " NOT NULL,\n"
	"  kind " T " NOT NULL,\n"
	"  entity_id " T " NOT NULL,\n"
	PG_DEPT_COL PG_TASK_FK PG_SEQ_FK("seq")
	"  PRIMARY KEY (dept, seq)\n"
	");\n"
	"CREATE INDEX task_event_task ON task_event (dept, task_id, seq);\n"
	PG_APPEND_ONLY("task_event", "task events are append-only")
	PG_ISOLATED("meta") PG_ISOLATED("ledger") PG_ISOLATED("entity") PG_ISOLATED("inspector")
	PG_ISOLATED("conflict") PG_ISOLATED("item") PG_ISOLATED("task") PG_ISOLATED("task_commit")
	PG_ISOLATED("task_draw") PG_ISOLATED("drawn_entity") PG_ISOLATED("drawn_pair")
	PG_ISOLATED("calendar_day") PG_ISOLATED("task_event")
	/* a shared entity register: the owner lets a department draw from another's (a register
	 * office's) entity register.  The department reads it through the two views only: they are
	 * the owner's, so the policies for the owner (TO CURRENT_USER, the schema's maker) apply
	 * inside them and nowhere else, and the department's own reads of entity and ledger stay
	 * its own rows (docs/operations.md, "Shared registers") */
	"CREATE TABLE yh_share (\n"
	"  department " T " PRIMARY KEY,\n"
	"  register   " T " NOT NULL CHECK (register <> department)\n"
	");\n"
	"CREATE POLICY entity_shared ON entity FOR SELECT TO CURRENT_USER USING (dept = " PG_SHARED ");\n"
	"CREATE POLICY ledger_shared ON ledger FOR SELECT TO CURRENT_USER\n"
	"  USING (dept = " PG_SHARED " AND kind = 'import');\n"
	"CREATE VIEW shared_entity AS SELECT id, name, type, region, industry, risk, status, abnormal,\n"
	"  valid_from, valid_to FROM entity WHERE dept = " PG_SHARED ";\n"
	"CREATE VIEW shared_ledger AS SELECT seq, prev_hash, kind, payload, hash, signature, key_id\n"
	"  FROM ledger WHERE dept = " PG_SHARED " AND kind = 'import';\n";

_Static_assert(YH_STORE_SCHEMA_VERSION == 4, "PostgreSQL's schema is version 4: add the migration");

int yh_schema_pg_create(yh_store *store)
{
	return yh_db_exec(store, pg_schema) < 0 ? yh_store_fail(store, "cannot make the store schema")
	                                         : YH_OK;
}

/* PostgreSQL: a new department's space is of the current version (its own meta row). */
static int migrate_pg(yh_store *store, int from)
{
	char sql[96];

	if (from != 0)
		return yh_error_set(YH_ESTORE, "cannot migrate the store schema from version %d: '%s'", from,
		                    store->path);
	snprintf(sql, sizeof(sql), "INSERT INTO meta (key, value) VALUES ('schema_version', '%d')",
	         YH_STORE_SCHEMA_VERSION);
	return yh_store_exec(store, sql);
}

int yh_schema_migrate(yh_store *store, int from)
{
	char sql[64];
	int v;

	if (yh_db_kind(store) == YH_DB_POSTGRESQL)
		return migrate_pg(store, from);
	for (v = from; v < YH_STORE_SCHEMA_VERSION; v++) {
		if (yh_db_exec(store, migrations[v]) < 0)
			return yh_store_fail(store, "cannot migrate the store schema");
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if (yh_store_exec(store, sql) < 0)
			return YH_ESTORE;
	}
	return YH_OK;
}
