/* store/store.c — the SQLite connection: creating, opening and migrating the file,
 * transactions, and adopting the department's signing key. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "digest.h"
#include "sqlite.h"
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

int yh_store_prepare(yh_store *store, sqlite3_stmt **st, const char *sql, const char *what)
{
	if (sqlite3_prepare_v2(store->db, sql, -1, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return yh_store_fail(store, what);
	}
	return YH_OK;
}

int yh_store_step_done(yh_store *store, sqlite3_stmt *st, int *constraint, const char *what)
{
	int r = sqlite3_step(st);

	sqlite3_reset(st);
	if (r == SQLITE_DONE)
		return YH_OK;
	if (constraint && (r & 0xff) == SQLITE_CONSTRAINT) {
		*constraint = 1;
		return YH_OK;
	}
	return yh_store_fail(store, what);
}

const char *yh_store_text(sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);

	return s ? s : "";
}

const yh_key *yh_store_signing_key(const yh_store *store)
{
	return store->key;
}

int yh_store_signs(const yh_store *store)
{
	return store->has_public_key;
}

void yh_store_bulk(yh_store *store, int on)
{
	/* A large register touches pages all over two B-trees; without a big cache
	 * every row costs a read from the WAL. */
	sqlite3_exec(store->db, on ? "PRAGMA cache_size = -262144" : "PRAGMA cache_size = -2000",
	             NULL, NULL, NULL);
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

static int load_public_key(yh_store *store)
{
	sqlite3_stmt *st = NULL;
	size_t len = 0;
	int rc = YH_OK;

	if (sqlite3_prepare_v2(store->db, "SELECT value FROM meta WHERE key = 'public_key'", -1, &st, NULL)
	    != SQLITE_OK)
		return yh_store_fail(store, "cannot read the store's key");
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *hex = (const char *)sqlite3_column_text(st, 0);

		if (!hex || sodium_hex2bin(store->public_key, 32, hex, strlen(hex), NULL, &len, NULL) != 0 ||
		    len != 32)
			rc = yh_error_set(YH_ESTORE, "the store's public key is damaged: '%s'", store->path);
		else
			store->has_public_key = 1;
	}
	sqlite3_finalize(st);
	return rc;
}

int yh_store_public_key(unsigned char out[32], const yh_store *store)
{
	if (!store->has_public_key)
		return yh_error_set_hint(YH_ENOTFOUND, YH_HINT_NEEDS_NEW_KEY, store->path,
		                         "the store has no signing key yet: '%s'", store->path);
	memcpy(out, store->public_key, 32);
	return YH_OK;
}

/* Signs every unsigned entry with the adopted key.  The ledger refuses
 * UPDATE, so the trigger is lifted for this one statement inside the
 * migration's transaction and restored before it commits. */
static int sign_existing(yh_store *s, const yh_key *key, uint64_t *count)
{
	sqlite3_stmt *sel = NULL, *upd = NULL;
	unsigned char msg[64], sig[YH_SIGNATURE_BYTES];
	int rc = YH_OK, step;

	*count = 0;
	if ((rc = yh_store_exec(s, "DROP TRIGGER ledger_no_update")) < 0)
		return rc;
	if (sqlite3_prepare_v2(s->db, "SELECT seq, hash FROM ledger WHERE signature IS NULL ORDER BY seq",
	                       -1, &sel, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "UPDATE ledger SET signature = ?1, key_id = ?2 WHERE seq = ?3",
	                       -1, &upd, NULL) != SQLITE_OK) {
		rc = yh_store_fail(s, "cannot sign the ledger");
		goto done;
	}
	while ((step = sqlite3_step(sel)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(sel, 1) != 32) {
			rc = yh_error_set(YH_ESTORE, "ledger entry %lld has a malformed hash: '%s'",
			                  sqlite3_column_int64(sel, 0), s->path);
			goto done;
		}
		yh_ledger_signed_message(msg, sqlite3_column_blob(sel, 1));
		yh_key_sign(sig, key, msg, yh_ledger_signed_message_len());
		sqlite3_bind_blob(upd, 1, sig, sizeof(sig), SQLITE_TRANSIENT);
		sqlite3_bind_text(upd, 2, yh_key_id(key), -1, SQLITE_STATIC);
		sqlite3_bind_int64(upd, 3, sqlite3_column_int64(sel, 0));
		if (sqlite3_step(upd) != SQLITE_DONE) {
			rc = yh_store_fail(s, "cannot sign the ledger");
			goto done;
		}
		sqlite3_reset(upd);
		(*count)++;
	}
	if (step != SQLITE_DONE)
		rc = yh_store_fail(s, "cannot sign the ledger");
done:
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	if (yh_store_exec(s, yh_schema_ledger_no_update) < 0 && rc == YH_OK)
		rc = YH_ESTORE;
	return rc;
}

int yh_store_set_key(yh_store *s, const yh_key *key)
{
	unsigned char pk[32];
	char hex[65], have_id[YH_KEY_ID_CHARS + 1];
	sqlite3_stmt *st = NULL;
	uint64_t signed_count = 0, seq;
	int rc;

	yh_key_public(pk, key);
	if (s->has_public_key) {
		if (sodium_memcmp(pk, s->public_key, 32) != 0) {
			yh_key_id_of(have_id, s->public_key);
			return yh_error_set(YH_ESTORE, "key %s is not the signing key of this store (%s): '%s'",
			                    yh_key_id(key), have_id, s->path);
		}
		yh_key_free(s->key);
		if ((rc = yh_key_copy(&s->key, key)) < 0)
			return rc;
		return yh_draw_store_seal_plain(s, s->key);
	}
	sodium_bin2hex(hex, sizeof(hex), pk, 32);
	if ((rc = yh_store_begin(s)) < 0)
		return rc;
	if (sqlite3_prepare_v2(s->db, "INSERT INTO meta (key, value) VALUES ('public_key', ?1)",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = yh_store_fail(s, "cannot record the key");
		goto done;
	}
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = yh_store_fail(s, "cannot record the key");
		goto done;
	}
	if ((rc = sign_existing(s, key, &signed_count)) < 0 || (rc = yh_ledger_next_seq(&seq, s)) < 0)
		goto done;
	memcpy(s->public_key, pk, 32);
	s->has_public_key = 1;
	if ((rc = yh_key_copy(&s->key, key)) < 0)
		goto done;
	rc = yh_ledger_append(s, seq, "key", json_pack("{s:s, s:s, s:I}", "public_key", hex,
	                                               "key_id", yh_key_id(key),
	                                               "signed_existing", (json_int_t)signed_count));
	if (rc == YH_OK)
		rc = yh_store_commit(s);
done:
	sqlite3_finalize(st);
	if (rc < 0) {
		yh_store_rollback(s);
		s->has_public_key = 0;
		yh_key_free(s->key);
		s->key = NULL;
		return rc;
	}
	return yh_draw_store_seal_plain(s, s->key);
}

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

/* The new store's schema, department and first ledger entry, in one transaction. */
static int make_store(yh_store *s, const char *department)
{
	sqlite3_stmt *st = NULL;
	uint64_t seq;
	int rc;

	if ((rc = yh_store_begin(s)) < 0)
		return rc;
	if ((rc = yh_schema_migrate(s, 0)) < 0 ||
	    (rc = yh_store_prepare(s, &st, "INSERT INTO meta(key, value) VALUES ('department', ?1)",
	                           "cannot record the department")) < 0)
		goto done;
	sqlite3_bind_text(st, 1, department, -1, SQLITE_STATIC);
	if ((rc = yh_store_step_done(s, st, NULL, "cannot record the department")) < 0 ||
	    (rc = yh_ledger_next_seq(&seq, s)) < 0)
		goto done;
	rc = yh_ledger_append(s, seq, "init", json_pack("{s:s, s:i}", "department", department,
	                                                "schema_version", YH_STORE_SCHEMA_VERSION));
	if (rc == YH_OK)
		rc = yh_store_commit(s);
done:
	sqlite3_finalize(st);
	if (rc < 0)
		yh_store_rollback(s);
	return rc;
}

/* Made under a temporary name and linked into place when complete (store_file.c) — with its
 * key adopted first when there is one, so that the store never appears unsigned.  The temporary
 * is written with a rollback journal; opening the linked store turns on WAL. */
static int create(yh_store **out, const char *path, const char *department, const yh_key *key)
{
	yh_store_making m;
	yh_store *s = NULL;
	int rc;

	*out = NULL;
	if (!yh_store_department_valid(department))
		return yh_error_set(YH_EINVAL, "invalid department code '%s' (use upper-case letters, "
		                    "digits and '-', e.g. 330100-SCJG)", department ? department : "");
	if ((rc = yh_store_file_claim(&m, path)) < 0)
		return rc;
	if ((rc = connect(&s, m.tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX)) < 0 ||
	    (rc = make_store(s, department)) < 0 || (key && (rc = yh_store_set_key(s, key)) < 0))
		goto done;
	yh_store_close(s);
	s = NULL;
	if ((rc = yh_store_file_finish(&m, path)) == YH_OK && (rc = yh_store_open(out, path)) == YH_OK &&
	    key && (rc = yh_store_set_key(*out, key)) < 0) {
		yh_store_close(*out);
		*out = NULL;
	}
done:
	yh_store_close(s);
	yh_store_file_release(&m);
	return rc;
}

int yh_store_create(yh_store **out, const char *path, const char *department)
{
	return create(out, path, department, NULL);
}

int yh_store_create_signed(yh_store **out, const char *path, const char *department,
                           const yh_key *key)
{
	if (!key) {
		*out = NULL;
		return yh_error_set(YH_EINVAL, "a signed store needs a key: '%s'", path);
	}
	return create(out, path, department, key);
}

int yh_store_open(yh_store **out, const char *path)
{
	yh_store *s = NULL;
	struct stat sb;
	int rc, app = 0, version = 0;

	*out = NULL;
	if (stat(path, &sb) != 0)
		return yh_error_set_hint(errno == ENOENT ? YH_ENOTFOUND : YH_ESTORE, YH_HINT_CREATE_STORE,
		                         path, "no store at '%s'", path);
	if ((rc = connect(&s, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX)) < 0)
		return rc;
	if ((rc = int_pragma(s, "PRAGMA application_id", &app)) < 0 ||
	    (rc = int_pragma(s, "PRAGMA user_version", &version)) < 0)
		goto done;
	if (app != APPLICATION_ID) {
		rc = yh_error_set(YH_ESTORE, "not a yaohao store: '%s'", path);
		goto done;
	}
	if ((rc = yh_store_file_check_mode(path)) < 0)
		goto done;
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
	if ((rc = load_department(s)) == YH_OK)
		rc = load_public_key(s);
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
	yh_key_free(store->key);
	free(store->path);
	free(store->department);
	free(store);
}

const char *yh_store_department(const yh_store *store) { return store->department; }
const char *yh_store_path(const yh_store *store) { return store->path; }
