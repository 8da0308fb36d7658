/* store.c — opening, creating and migrating the SQLite store. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "store.h"
#include "error.h"

#define APPLICATION_ID 0x5948414F /* "YHAO" */

int yh_store_fail(yh_store *store, const char *what)
{
	return yh_error_set(YH_ESTORE, "%s: %s: '%s'", what, sqlite3_errmsg(store->db), store->path);
}

int yh_store_exec(yh_store *store, const char *sql)
{
	if (sqlite3_exec(store->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return yh_store_fail(store, "store statement failed");
	return YH_OK;
}

int yh_store_begin(yh_store *store)
{
	if (sqlite3_exec(store->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return yh_store_fail(store, "cannot start a transaction (is another yaohao writing?)");
	return YH_OK;
}

int yh_store_commit(yh_store *store)
{
	if (sqlite3_exec(store->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		int rc = yh_store_fail(store, "cannot commit");

		yh_store_rollback(store);
		return rc;
	}
	return YH_OK;
}

void yh_store_rollback(yh_store *store)
{
	if (!sqlite3_get_autocommit(store->db))
		sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
}

int yh_store_department_valid(const char *code)
{
	size_t i, n = code ? strlen(code) : 0;

	if (n < 1 || n > 32 || code[0] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		char c = code[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '-'))
			return 0;
	}
	return 1;
}

static int int_pragma(yh_store *store, const char *sql, int *out)
{
	sqlite3_stmt *st = NULL;
	int rc = YH_OK;

	if (sqlite3_prepare_v2(store->db, sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		rc = yh_store_fail(store, "cannot read the store header");
	else
		*out = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc;
}

static int load_department(yh_store *store)
{
	sqlite3_stmt *st = NULL;
	int rc = YH_OK;

	if (sqlite3_prepare_v2(store->db, "SELECT value FROM meta WHERE key = 'department'",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = yh_store_fail(store, "cannot read the department");
		goto done;
	}
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = yh_error_set(YH_ESTORE, "store has no department: '%s'", store->path);
		goto done;
	}
	store->department = strdup((const char *)sqlite3_column_text(st, 0));
	if (!store->department)
		rc = yh_error_set(YH_ENOMEM, "out of memory");
done:
	sqlite3_finalize(st);
	return rc;
}

/* WAL keeps readers (a verify, a stats) going during an import;
 * synchronous=NORMAL in WAL mode is still crash-consistent.  The journal
 * mode is stored in the file, so it is set only on a file known to be ours. */
static const char wal_sql[] = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";

static int connect(yh_store **out, const char *path, int flags)
{
	yh_store *s;
	int rc;

	*out = NULL;
	if (sodium_init() < 0)
		return yh_error_set(YH_ERROR, "libsodium failed to initialise");
	s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return yh_error_set(YH_ENOMEM, "out of memory");
	}
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		rc = yh_store_fail(s, "cannot open the store");
		yh_store_close(s);
		return rc;
	}
	sqlite3_busy_timeout(s->db, 10000);
	sqlite3_extended_result_codes(s->db, 1);
	if ((rc = yh_store_exec(s, "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;")) < 0) {
		yh_store_close(s);
		return rc;
	}
	*out = s;
	return YH_OK;
}

int yh_store_create(yh_store **out, const char *path, const char *department)
{
	yh_store *s = NULL;
	sqlite3_stmt *st = NULL;
	struct stat sb;
	uint64_t seq;
	int rc;

	*out = NULL;
	if (!yh_store_department_valid(department))
		return yh_error_set(YH_EINVAL, "invalid department code '%s' (use upper-case letters, "
		                    "digits and '-', e.g. 330100-SCJG)", department ? department : "");
	if (stat(path, &sb) == 0)
		return yh_error_set(YH_EEXIST, "store exists already: '%s'", path);
	if ((rc = connect(&s, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) < 0)
		return rc;
	if ((rc = yh_store_exec(s, wal_sql)) < 0 || (rc = yh_store_begin(s)) < 0)
		goto done;
	if ((rc = yh_schema_migrate(s, 0)) < 0)
		goto done;
	if (sqlite3_prepare_v2(s->db, "INSERT INTO meta(key, value) VALUES ('department', ?1)",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = yh_store_fail(s, "cannot record the department");
		goto done;
	}
	sqlite3_bind_text(st, 1, department, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = yh_store_fail(s, "cannot record the department");
		goto done;
	}
	if ((rc = yh_ledger_next_seq(&seq, s)) < 0)
		goto done;
	rc = yh_ledger_append(s, seq, "init", json_pack("{s:s, s:i}", "department", department,
	                                                "schema_version", YH_STORE_SCHEMA_VERSION));
	if (rc < 0 || (rc = yh_store_commit(s)) < 0)
		goto done;
	if (!(s->department = strdup(department))) {
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		goto done;
	}
	*out = s;
	s = NULL;
done:
	sqlite3_finalize(st);
	if (s) {
		yh_store_rollback(s);
		yh_store_close(s);
		unlink(path);
	}
	return rc;
}

int yh_store_open(yh_store **out, const char *path)
{
	yh_store *s = NULL;
	struct stat sb;
	int rc, app = 0, version = 0;

	*out = NULL;
	if (stat(path, &sb) != 0)
		return yh_error_set(errno == ENOENT ? YH_ENOTFOUND : YH_ESTORE,
		                    "no store at '%s' (create one with 'yaohao init', or give --db)", path);
	if ((rc = connect(&s, path, SQLITE_OPEN_READWRITE)) < 0)
		return rc;
	if ((rc = int_pragma(s, "PRAGMA application_id", &app)) < 0 ||
	    (rc = int_pragma(s, "PRAGMA user_version", &version)) < 0)
		goto done;
	if (app != APPLICATION_ID) {
		rc = yh_error_set(YH_ESTORE, "not a yaohao store: '%s'", path);
		goto done;
	}
	if (version > YH_STORE_SCHEMA_VERSION) {
		rc = yh_error_set(YH_ESTORE, "store has schema version %d, newer than this yaohao "
		                  "(%d); upgrade yaohao: '%s'", version, YH_STORE_SCHEMA_VERSION, path);
		goto done;
	}
	if ((rc = yh_store_exec(s, wal_sql)) < 0)
		goto done;
	if (version < YH_STORE_SCHEMA_VERSION) {
		uint64_t seq;

		if ((rc = yh_store_begin(s)) < 0 || (rc = yh_schema_migrate(s, version)) < 0 ||
		    (rc = yh_ledger_next_seq(&seq, s)) < 0 ||
		    (rc = yh_ledger_append(s, seq, "migrate", json_pack("{s:i, s:i}", "from", version,
		                                                        "to", YH_STORE_SCHEMA_VERSION))) < 0 ||
		    (rc = yh_store_commit(s)) < 0) {
			yh_store_rollback(s);
			goto done;
		}
	}
	rc = load_department(s);
done:
	if (rc < 0) {
		yh_store_close(s);
		return rc;
	}
	*out = s;
	return YH_OK;
}

void yh_store_close(yh_store *store)
{
	if (!store)
		return;
	sqlite3_close_v2(store->db);
	free(store->path);
	free(store->department);
	free(store);
}

const char *yh_store_department(const yh_store *store) { return store->department; }
const char *yh_store_path(const yh_store *store) { return store->path; }
