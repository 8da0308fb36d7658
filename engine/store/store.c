/* store/store.c — the store's connection: creating, opening and migrating an SQLite file or a
 * PostgreSQL database, transactions, and adopting the department's signing key. */
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

int yh_store_prepare(yh_store *store, yh_stmt **st, const char *sql, const char *what)
{
	return yh_db_prepare(st, store, sql, what);
}

int yh_store_step_done(yh_store *store, yh_stmt *st, int *constraint, const char *what)
{
	int r = yh_db_step(st);

	yh_db_reset(st);
	if (r == YH_DB_DONE)
		return YH_OK;
	if (constraint && r == YH_DB_CONSTRAINT) {
		*constraint = 1;
		return YH_OK;
	}
	return yh_store_fail(store, what);
}

const char *yh_store_text(yh_stmt *st, int col)
{
	const char *s = yh_db_text(st, col);

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
	if (yh_db_kind(store) == YH_DB_SQLITE)
		yh_db_exec(store, on ? "PRAGMA cache_size = -262144" : "PRAGMA cache_size = -2000");
}

/* One writer at a time, readers never blocked: SQLite's write lock taken at BEGIN; on
 * PostgreSQL an advisory lock of the store's schema, held to the end of the transaction (the
 * ledger's next sequence is read, then written, under it). */
int yh_store_begin(yh_store *store)
{
	if (yh_db_exec(store, YH_DB_SQL(store, "BEGIN IMMEDIATE", "BEGIN; SELECT pg_advisory_xact_lock("
	                                "hashtext('yaohao ' || current_schema()))")) < 0) {
		int rc = yh_store_fail(store, "cannot start a transaction (is another yaohao writing?)");

		yh_store_rollback(store);
		return rc;
	}
	return YH_OK;
}

int yh_store_commit(yh_store *store)
{
	if (yh_db_exec(store, "COMMIT") < 0) {
		int rc = yh_store_fail(store, "cannot commit");

		yh_store_rollback(store);
		return rc;
	}
	return YH_OK;
}

void yh_store_rollback(yh_store *store)
{
	if (yh_db_in_transaction(store))
		yh_db_exec(store, "ROLLBACK");
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
	yh_stmt *st = NULL;
	int rc = YH_OK;

	if (yh_db_prepare(&st, store, sql, NULL) < 0 ||
	    yh_db_step(st) != YH_DB_ROW)
		rc = yh_store_fail(store, "cannot read the store header");
	else
		*out = yh_db_int(st, 0);
	yh_db_finalize(st);
	return rc;
}

static int load_department(yh_store *store)
{
	yh_stmt *st = NULL;
	int rc = YH_OK;

	if (yh_db_prepare(&st, store, "SELECT value FROM meta WHERE key = 'department'", NULL) < 0) {
		rc = yh_store_fail(store, "cannot read the department");
		goto done;
	}
	if (yh_db_step(st) != YH_DB_ROW) {
		rc = yh_error_set(YH_ESTORE, "store has no department: '%s'", store->path);
		goto done;
	}
	store->department = strdup(yh_db_text(st, 0));
	if (!store->department)
		rc = yh_error_set(YH_ENOMEM, "out of memory");
done:
	yh_db_finalize(st);
	return rc;
}

/* WAL keeps readers (a verify, a stats) going during an import;
 * synchronous=NORMAL in WAL mode is still crash-consistent.  The journal
 * mode is stored in the file, so it is set only on a file known to be ours. */
static const char wal_sql[] = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";

static int load_public_key(yh_store *store)
{
	yh_stmt *st = NULL;
	size_t len = 0;
	int rc = YH_OK;

	if (yh_db_prepare(&st, store, "SELECT value FROM meta WHERE key = 'public_key'", NULL) < 0)
		return yh_store_fail(store, "cannot read the store's key");
	if (yh_db_step(st) == YH_DB_ROW) {
		const char *hex = yh_db_text(st, 0);

		if (!hex || sodium_hex2bin(store->public_key, 32, hex, strlen(hex), NULL, &len, NULL) != 0 ||
		    len != 32)
			rc = yh_error_set(YH_ESTORE, "the store's public key is damaged: '%s'", store->path);
		else
			store->has_public_key = 1;
	}
	yh_db_finalize(st);
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
	yh_stmt *sel = NULL, *upd = NULL;
	unsigned char msg[64], sig[YH_SIGNATURE_BYTES];
	int rc = YH_OK, step;

	*count = 0;
	if ((rc = yh_store_exec(s, yh_db_ledger_unlock_sql(s))) < 0)
		return rc;
	if (yh_db_prepare(&sel, s, "SELECT seq, hash FROM ledger WHERE signature IS NULL ORDER BY seq",
	                  NULL) < 0 ||
	    yh_db_prepare(&upd, s, "UPDATE ledger SET signature = ?1, key_id = ?2 WHERE seq = ?3",
	                  NULL) < 0) {
		rc = yh_store_fail(s, "cannot sign the ledger");
		goto done;
	}
	while ((step = yh_db_step(sel)) == YH_DB_ROW) {
		if (yh_db_bytes(sel, 1) != 32) {
			rc = yh_error_set(YH_ESTORE, "ledger entry %lld has a malformed hash: '%s'",
			                  (long long)yh_db_int64(sel, 0), s->path);
			goto done;
		}
		yh_ledger_signed_message(msg, yh_db_blob(sel, 1));
		yh_key_sign(sig, key, msg, yh_ledger_signed_message_len());
		yh_db_bind_blob_copy(upd, 1, sig, sizeof(sig));
		yh_db_bind_text(upd, 2, yh_key_id(key), -1);
		yh_db_bind_int64(upd, 3, yh_db_int64(sel, 0));
		if (yh_db_step(upd) != YH_DB_DONE) {
			rc = yh_store_fail(s, "cannot sign the ledger");
			goto done;
		}
		yh_db_reset(upd);
		(*count)++;
	}
	if (step != YH_DB_DONE)
		rc = yh_store_fail(s, "cannot sign the ledger");
done:
	yh_db_finalize(sel);
	yh_db_finalize(upd);
	if (yh_store_exec(s, yh_db_ledger_lock_sql(s)) < 0 && rc == YH_OK)
		rc = YH_ESTORE;
	return rc;
}

/* Inside a transaction: records the public key, signs the entries written so far and appends
 * the "key" entry.  On failure the caller rolls back and calls forget_key. */
static int adopt_key(yh_store *s, const yh_key *key)
{
	unsigned char pk[32];
	char hex[65];
	yh_stmt *st = NULL;
	uint64_t signed_count = 0, seq;
	int rc;

	yh_key_public(pk, key);
	sodium_bin2hex(hex, sizeof(hex), pk, 32);
	if (yh_db_prepare(&st, s, "INSERT INTO meta (key, value) VALUES ('public_key', ?1)", NULL) < 0) {
		rc = yh_store_fail(s, "cannot record the key");
		goto done;
	}
	yh_db_bind_text(st, 1, hex, -1);
	if (yh_db_step(st) != YH_DB_DONE) {
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
done:
	yh_db_finalize(st);
	return rc;
}

static void forget_key(yh_store *s)
{
	s->has_public_key = 0;
	yh_key_free(s->key);
	s->key = NULL;
}

int yh_store_set_key(yh_store *s, const yh_key *key)
{
	unsigned char pk[32];
	char have_id[YH_KEY_ID_CHARS + 1];
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
	if ((rc = yh_store_begin(s)) < 0)
		return rc;
	if ((rc = adopt_key(s, key)) == YH_OK)
		rc = yh_store_commit(s);
	if (rc < 0) {
		yh_store_rollback(s);
		forget_key(s);
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
	if ((rc = yh_db_connect(s, flags)) < 0 ||
	    (yh_db_kind(s) == YH_DB_SQLITE &&
	     (rc = yh_store_exec(s, "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;")) < 0)) {
		yh_store_close(s);
		return rc;
	}
	*out = s;
	return YH_OK;
}

/* The new store's schema, department and first ledger entry — and, when key is not NULL, the
 * key adopted — in one transaction. */
static int make_store(yh_store *s, const char *department, const yh_key *key)
{
	yh_stmt *st = NULL;
	uint64_t seq;
	int rc;

	if ((rc = yh_store_begin(s)) < 0)
		return rc;
	if ((rc = yh_schema_migrate(s, 0)) < 0 ||
	    (rc = yh_store_prepare(s, &st, "INSERT INTO meta(key, value) VALUES ('department', ?1)",
	                           "cannot record the department")) < 0)
		goto done;
	yh_db_bind_text(st, 1, department, -1);
	if ((rc = yh_store_step_done(s, st, NULL, "cannot record the department")) < 0 ||
	    (rc = yh_ledger_next_seq(&seq, s)) < 0)
		goto done;
	rc = yh_ledger_append(s, seq, "init", json_pack("{s:s, s:i}", "department", department,
	                                                "schema_version", YH_STORE_SCHEMA_VERSION));
	if (rc == YH_OK && key)
		rc = adopt_key(s, key);
	if (rc == YH_OK)
		rc = yh_store_commit(s);
done:
	yh_db_finalize(st);
	if (rc < 0) {
		yh_store_rollback(s);
		forget_key(s);
	}
	return rc;
}

/* PostgreSQL: 1 in *out when the database holds a store (its meta table). */
static int pg_has_store(int *out, yh_store *s)
{
	yh_stmt *st = NULL;
	int rc;

	*out = 0;
	if ((rc = yh_store_prepare(s, &st, "SELECT to_regclass('meta') IS NOT NULL",
	                           "cannot read the database")) < 0)
		return rc;
	if (yh_db_step(st) != YH_DB_ROW)
		rc = yh_store_fail(s, "cannot read the database");
	else
		*out = yh_db_int(st, 0);
	yh_db_finalize(st);
	return rc;
}

/* PostgreSQL: the store is made in the database the URI names, in one transaction (its schema
 * too), so that it appears whole or not at all, signed from the start when there is a key. */
static int create_pg(yh_store **out, const char *path, const char *department, const yh_key *key)
{
	yh_store *s = NULL;
	int rc, exists = 0;

	if ((rc = connect(&s, path, 0)) < 0)
		return rc;
	if ((rc = pg_has_store(&exists, s)) == YH_OK && exists)
		rc = yh_error_set(YH_EEXIST, "store exists already: '%s'", s->path);
	if (rc == YH_OK)
		rc = make_store(s, department, key);
	yh_store_close(s);
	if (rc == YH_OK && (rc = yh_store_open(out, path)) == YH_OK && key &&
	    (rc = yh_store_set_key(*out, key)) < 0) {
		yh_store_close(*out);
		*out = NULL;
	}
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
	if (yh_db_is_uri(path))
		return create_pg(out, path, department, key);
	if ((rc = yh_store_file_claim(&m, path)) < 0)
		return rc;
	if ((rc = connect(&s, m.tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX)) < 0 ||
	    (rc = make_store(s, department, NULL)) < 0 || (key && (rc = yh_store_set_key(s, key)) < 0))
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

/* SQLite: the file's header says it is a store, and its schema version; its mode is checked and
 * WAL turned on. */
static int open_sqlite(yh_store *s, int *version)
{
	int rc, app = 0;

	if ((rc = int_pragma(s, "PRAGMA application_id", &app)) < 0 ||
	    (rc = int_pragma(s, "PRAGMA user_version", version)) < 0)
		return rc;
	if (app != APPLICATION_ID)
		return yh_error_set(YH_ESTORE, "not a yaohao store: '%s'", s->path);
	if ((rc = yh_store_file_check_mode(s->path)) < 0)
		return rc;
	if (*version > YH_STORE_SCHEMA_VERSION)
		return YH_OK; /* refused by the caller */
	return yh_store_exec(s, wal_sql);
}

/* PostgreSQL: the database holds a store (meta), and its schema version (a meta row). */
static int open_pg(yh_store *s, int *version)
{
	yh_stmt *st = NULL;
	int rc, exists = 0;

	if ((rc = pg_has_store(&exists, s)) < 0)
		return rc;
	if (!exists)
		return yh_error_set_hint(YH_ENOTFOUND, YH_HINT_CREATE_STORE, s->path,
		                         "no store in the database '%s'", s->path);
	if ((rc = yh_store_prepare(s, &st, "SELECT value FROM meta WHERE key = 'schema_version'",
	                           "cannot read the store's schema version")) < 0)
		return rc;
	if (yh_db_step(st) != YH_DB_ROW)
		rc = yh_error_set(YH_ESTORE, "not a yaohao store: '%s'", s->path);
	else
		*version = atoi(yh_store_text(st, 0));
	yh_db_finalize(st);
	return rc;
}

int yh_store_open(yh_store **out, const char *path)
{
	yh_store *s = NULL;
	struct stat sb;
	int rc, version = 0;

	*out = NULL;
	if (!yh_db_is_uri(path) && stat(path, &sb) != 0)
		return yh_error_set_hint(errno == ENOENT ? YH_ENOTFOUND : YH_ESTORE, YH_HINT_CREATE_STORE,
		                         path, "no store at '%s'", path);
	if ((rc = connect(&s, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX)) < 0)
		return rc;
	if ((rc = yh_db_kind(s) == YH_DB_POSTGRESQL ? open_pg(s, &version) : open_sqlite(s, &version)) < 0)
		goto done;
	if (version > YH_STORE_SCHEMA_VERSION) {
		rc = yh_error_set(YH_ESTORE, "store has schema version %d, newer than this yaohao "
		                  "(%d); upgrade yaohao: '%s'", version, YH_STORE_SCHEMA_VERSION, s->path);
		goto done;
	}
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
	yh_db_disconnect(store);
	yh_key_free(store->key);
	free(store->path);
	free(store->department);
	free(store);
}

const char *yh_store_department(const yh_store *store) { return store->department; }
const char *yh_store_path(const yh_store *store) { return store->path; }
