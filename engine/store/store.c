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

/* One writer at a time per department, readers never blocked: SQLite's write lock taken at
 * BEGIN; on PostgreSQL an advisory lock of the store's schema and department, held to the end of
 * the transaction (the ledger's next sequence is read, then written, under it), so that two
 * departments of one database never wait for each other. */
int yh_store_begin(yh_store *store)
{
	char pg[160];

	/* the code is checked (letters, digits, '-'), so it stands in the SQL as it is */
	snprintf(pg, sizeof(pg), "BEGIN; SELECT pg_advisory_xact_lock(hashtext('yaohao ' || "
	         "current_schema()), hashtext('%s'))", store->department ? store->department : "");
	if (yh_db_exec(store, YH_DB_SQL(store, "BEGIN IMMEDIATE", pg)) < 0) {
		int rc = yh_store_fail(store, "cannot start a transaction (is another yaohao writing?)");

		yh_store_rollback(store);
		return rc;
	}
	/* another session may have adopted since: the writer reads the register's source afresh */
	yh_shared_forget(store);
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
	free(store->department);
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

/* Inside a transaction: records the public key and takes the key for the entries to come. */
static int record_key(yh_store *s, const yh_key *key, char hex[65])
{
	unsigned char pk[32];
	yh_stmt *st = NULL;
	int rc = YH_OK;

	yh_key_public(pk, key);
	sodium_bin2hex(hex, 65, pk, 32);
	if (yh_db_prepare(&st, s, "INSERT INTO meta (key, value) VALUES ('public_key', ?1)", NULL) < 0) {
		rc = yh_store_fail(s, "cannot record the key");
		goto done;
	}
	yh_db_bind_text(st, 1, hex, -1);
	if (yh_db_step(st) != YH_DB_DONE) {
		rc = yh_store_fail(s, "cannot record the key");
		goto done;
	}
	memcpy(s->public_key, pk, 32);
	s->has_public_key = 1;
	rc = yh_key_copy(&s->key, key);
done:
	yh_db_finalize(st);
	return rc;
}

/* The "key" entry: the key adopted, signed_count entries before it signed by it. */
static int key_entry(yh_store *s, const yh_key *key, const char *hex, uint64_t signed_count)
{
	uint64_t seq;
	int rc;

	if ((rc = yh_ledger_next_seq(&seq, s)) < 0)
		return rc;
	return yh_ledger_append(s, seq, "key", json_pack("{s:s, s:s, s:I}", "public_key", hex,
	                                                 "key_id", yh_key_id(key),
	                                                 "signed_existing", (json_int_t)signed_count));
}

/* Inside a transaction: records the public key, signs the entries written so far and appends
 * the "key" entry.  On failure the caller rolls back and calls forget_key. */
static int adopt_key(yh_store *s, const yh_key *key)
{
	char hex[65];
	uint64_t signed_count = 0;
	int rc;

	if ((rc = record_key(s, key, hex)) < 0)
		return rc;
	if ((rc = sign_existing(s, key, &signed_count)) < 0)
		return rc;
	return key_entry(s, key, hex, signed_count);
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

/* ---- PostgreSQL: the department a session acts for (docs/operations.md) ---- */

int yh_store_query_text(char **out, yh_store *s, const char *sql, const char *param,
                        const char *what)
{
	yh_stmt *st = NULL;
	int rc, r;

	*out = NULL;
	if ((rc = yh_store_prepare(s, &st, sql, what)) < 0)
		return rc;
	if (param)
		yh_db_bind_text(st, 1, param, -1);
	if ((r = yh_db_step(st)) == YH_DB_ROW) {
		if (!(*out = strdup(yh_store_text(st, 0))))
			rc = yh_error_set(YH_ENOMEM, "out of memory");
	} else if (r != YH_DB_DONE) {
		rc = yh_store_fail(s, what);
	}
	yh_db_finalize(st);
	return rc;
}

/* 1 in *out when the database holds yaohao's schema (its meta table). */
static int pg_has_store(int *out, yh_store *s)
{
	char *v = NULL;
	int rc = yh_store_query_text(&v, s, "SELECT CASE WHEN to_regclass('meta') IS NULL THEN 0 "
	                             "ELSE 1 END", NULL, "cannot read the database");

	*out = v && strcmp(v, "1") == 0;
	free(v);
	return rc;
}

/* No department named: the one the connecting role may act for (the departments of the roles
 * it is a member of). */
static int pg_default_department(char **out, yh_store *s)
{
	yh_stmt *st = NULL;
	int rc;

	*out = NULL;
	if ((rc = yh_store_prepare(s, &st, "SELECT count(*), coalesce(string_agg(y.department, ', ' "
	                           "ORDER BY y.department), ''), current_user FROM yh_role y JOIN "
	                           "pg_roles r ON r.rolname = y.role "
	                           "WHERE pg_has_role(current_user, r.oid, 'MEMBER')",
	                           "cannot read the departments' roles")) < 0)
		return rc;
	if (yh_db_step(st) != YH_DB_ROW)
		rc = yh_store_fail(s, "cannot read the departments' roles");
	else if (yh_db_int64(st, 0) == 0)
		rc = yh_error_set_hint(YH_ENOTFOUND, YH_HINT_CREATE_STORE, s->path, "the role '%s' acts "
		                       "for no department in the database '%s'", yh_store_text(st, 2),
		                       s->path);
	else if (yh_db_int64(st, 0) > 1)
		rc = yh_error_set(YH_EINVAL, "the role '%s' may act for several departments (%s): name "
		                  "the one to act for: '%s'", yh_store_text(st, 2), yh_store_text(st, 1),
		                  s->path);
	else if (!(*out = strdup(yh_store_text(st, 1))))
		rc = yh_error_set(YH_ENOMEM, "out of memory");
	yh_db_finalize(st);
	return rc;
}

/* A department with no role yet takes the connecting role, if that role may write the mapping
 * (the schema's owner: the single-department database). */
static int pg_map_self(yh_store *s, const char *dept, const char *user)
{
	yh_stmt *st = NULL;
	char *other = NULL;
	int rc, taken = 0;

	if ((rc = yh_store_prepare(s, &st, "INSERT INTO yh_role (role, department) "
	                           "VALUES (current_user, ?1)", "cannot map a role")) < 0)
		return rc;
	yh_db_bind_text(st, 1, dept, -1);
	if (yh_store_step_done(s, st, &taken, "cannot map a role") < 0)
		rc = yh_error_set(YH_ESTORE, "department %s has no role in the database, and the role "
		                  "'%s' may not give it one (the owner maps a role to each department, "
		                  "docs/operations.md): %s: '%s'", dept, user, yh_db_message(s), s->path);
	yh_db_finalize(st);
	if (rc == YH_OK && taken) {
		yh_store_rollback(s);
		if (yh_store_query_text(&other, s, "SELECT department FROM yh_role WHERE role = "
		                        "current_user", NULL,
		                        "cannot read the departments' roles") == YH_OK && other)
			rc = yh_error_set(YH_EEXIST, "store exists already: '%s' (its role '%s' acts for "
			                  "department %s)", s->path, user, other);
		else
			rc = yh_error_set(YH_EEXIST, "store exists already: '%s'", s->path);
		free(other);
	}
	return rc;
}

/*
 * The session acts for `dept`: it takes the role the database maps to the department (SET ROLE,
 * which only the role's members may; creating, a department with no role takes the connecting
 * one), then the department is set as the rows' default.  The database's policies, not this
 * function, keep the role to its department's rows; this one refuses early, and refuses a role
 * that row-level security does not hold (a superuser, BYPASSRLS) in a database of several
 * departments, whose rows it would all see.
 */
static int pg_act_for(yh_store *s, const char *dept, int creating)
{
	char *user = NULL, *role = NULL, *mine = NULL, *n = NULL, *tmp = NULL;
	int rc;

	if ((rc = yh_store_query_text(&user, s, "SELECT current_user", NULL,
	                              "cannot read the session's role")) < 0 ||
	    (rc = yh_store_query_text(&role, s, "SELECT role FROM yh_role WHERE department = ?1", dept,
	                              "cannot read the departments' roles")) < 0)
		goto done;
	if (!role && !creating) {
		rc = yh_error_set_hint(YH_ENOTFOUND, YH_HINT_CREATE_STORE, s->path, "no department %s in "
		                       "the database: '%s'", dept, s->path);
		goto done;
	}
	if (!role)
		rc = pg_map_self(s, dept, user);
	else if (strcmp(role, user) != 0 &&
	         yh_store_query_text(&tmp, s, "SELECT set_config('role', ?1, false)", role, "") < 0)
		rc = yh_error_set(YH_ESTORE, "the role '%s' may not act for department %s (its role is "
		                  "'%s'): %s: '%s'", user, dept, role, yh_db_message(s), s->path);
	if (rc < 0 ||
	    (rc = yh_store_query_text(&mine, s, "SELECT department FROM yh_role WHERE role = "
	                              "current_user", NULL, "cannot read the departments' roles")) < 0)
		goto done;
	if (!mine || strcmp(mine, dept) != 0) {
		rc = yh_error_set(YH_ESTORE, "the session does not act for department %s: '%s'", dept,
		                  s->path);
		goto done;
	}
	if ((rc = yh_store_query_text(&n, s, "SELECT CASE WHEN rolsuper OR rolbypassrls THEN "
	                              "(SELECT count(*) FROM yh_role) ELSE 0 END FROM pg_roles WHERE "
	                              "rolname = current_user", NULL,
	                              "cannot read the session's role")) < 0)
		goto done;
	if (n && atoll(n) > 1) {
		rc = yh_error_set(YH_ESTORE, "the role '%s' bypasses row-level security: it may act only "
		                  "in a database of one department, and this one has %s (give each "
		                  "department a role of its own, docs/operations.md): '%s'", user, n, s->path);
		goto done;
	}
	s->rls = !n || atoll(n) == 0;
	free(tmp);
	if ((rc = yh_store_query_text(&tmp, s, "SELECT set_config('yaohao.department', ?1, false)",
	                              dept, "cannot set the session's department")) < 0)
		goto done;
	free(s->department);
	if (!(s->department = strdup(dept)))
		rc = yh_error_set(YH_ENOMEM, "out of memory");
done:
	free(user);
	free(role);
	free(mine);
	free(n);
	free(tmp);
	return rc;
}

/* PostgreSQL, inside the creation's transaction: the schema when the database has none, the
 * department's role taken, and its space not there yet. */
static int pg_new_space(yh_store *s, const char *department)
{
	char *have = NULL;
	int rc, exists = 0;

	if ((rc = pg_has_store(&exists, s)) < 0 || (!exists && (rc = yh_schema_pg_create(s)) < 0) ||
	    (rc = pg_act_for(s, department, 1)) < 0 ||
	    (rc = yh_store_query_text(&have, s, "SELECT value FROM meta WHERE key = 'department'", NULL,
	                              "cannot read the department")) < 0)
		return rc;
	if (have)
		rc = yh_error_set(YH_EEXIST, "store exists already: '%s'", s->path);
	free(have);
	return rc;
}

/* The new store's schema, department and first ledger entry — and, when key is not NULL, the
 * key adopted — in one transaction.  On PostgreSQL the key is taken before the first entry: a
 * department's role may not rewrite its ledger, so the entries are signed as they are appended
 * (the same entries, bytes and "key" entry as signing them afterwards). */
static int make_store(yh_store *s, const char *department, const yh_key *key)
{
	yh_stmt *st = NULL;
	uint64_t seq;
	char hex[65];
	int rc, pg = yh_db_kind(s) == YH_DB_POSTGRESQL;

	if ((rc = yh_store_begin(s)) < 0)
		return rc;
	if ((pg && (rc = pg_new_space(s, department)) < 0) ||
	    (rc = yh_schema_migrate(s, 0)) < 0 ||
	    (rc = yh_store_prepare(s, &st, "INSERT INTO meta(key, value) VALUES ('department', ?1)",
	                           "cannot record the department")) < 0)
		goto done;
	yh_db_bind_text(st, 1, department, -1);
	if ((rc = yh_store_step_done(s, st, NULL, "cannot record the department")) < 0 ||
	    (pg && key && (rc = record_key(s, key, hex)) < 0) ||
	    (rc = yh_ledger_next_seq(&seq, s)) < 0)
		goto done;
	rc = yh_ledger_append(s, seq, "init", json_pack("{s:s, s:i}", "department", department,
	                                                "schema_version", YH_STORE_SCHEMA_VERSION));
	if (rc == YH_OK && key)
		rc = pg ? key_entry(s, key, hex, seq) : adopt_key(s, key);
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

/* PostgreSQL: the department's space is made in the database the URI names, in one transaction
 * (the schema too when there is none), so that it appears whole or not at all, signed from the
 * start when there is a key. */
static int create_pg(yh_store **out, const char *path, const char *department, const yh_key *key)
{
	yh_store *s = NULL;
	int rc;

	if ((rc = connect(&s, path, 0)) < 0)
		return rc;
	if (!(s->department = strdup(department)))
		rc = yh_error_set(YH_ENOMEM, "out of memory");
	if (rc == YH_OK)
		rc = make_store(s, department, key);
	yh_store_close(s);
	if (rc == YH_OK && (rc = yh_store_open_as(out, path, department)) == YH_OK && key &&
	    (rc = yh_store_set_key(*out, key)) < 0) {
		yh_store_close(*out);
		*out = NULL;
	}
	return rc;
}

int yh_store_create_schema(const char *path)
{
	yh_store *s = NULL;
	int rc, exists = 0;

	if (!yh_db_is_uri(path))
		return yh_error_set(YH_EINVAL, "only a PostgreSQL database has a schema shared by "
		                    "departments: '%s'", path);
	if ((rc = connect(&s, path, 0)) < 0)
		return rc;
	if ((rc = yh_store_begin(s)) == YH_OK) {
		if ((rc = pg_has_store(&exists, s)) == YH_OK && exists)
			rc = yh_error_set(YH_EEXIST, "the database has the store schema already: '%s'",
			                  s->path);
		if (rc == YH_OK && (rc = yh_schema_pg_create(s)) == YH_OK)
			rc = yh_store_commit(s);
		yh_store_rollback(s);
	}
	yh_store_close(s);
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

/* PostgreSQL: the database holds the schema; the session acts for the department (named, or
 * the one its role may act for), which has its space, and its schema version (a meta row). */
/* 1 in *out when a reader acts as an auditor for `dept`: the session's role may not take the
 * department's role (not a member) but is a member of yaohao_auditor. */
static int pg_reads_as_auditor(int *out, yh_store *s, const char *dept)
{
	char *v = NULL;
	int rc = yh_store_query_text(&v, s, "SELECT CASE WHEN coalesce((SELECT pg_has_role("
	                             "current_user, r.oid, 'MEMBER') FROM yh_role y JOIN pg_roles r ON "
	                             "r.rolname = y.role WHERE y.department = ?1), false) THEN 0 WHEN "
	                             "coalesce((SELECT pg_has_role(current_user, a.oid, 'MEMBER') FROM "
	                             "pg_roles a WHERE a.rolname = 'yaohao_auditor'), false) THEN 1 "
	                             "ELSE 0 END", dept, "cannot read the session's role");

	*out = v && strcmp(v, "1") == 0;
	free(v);
	return rc;
}

/*
 * An auditor reads one department: every transaction read-only (the database refuses any
 * write), and the auditor's policy narrowed to the department's rows by the setting
 * yaohao.audit, which only that policy (and the shared register's views) read, so no other role
 * gains anything by setting it.
 */
static int pg_audit_for(yh_store *s, const char *dept)
{
	char *tmp = NULL, *have = NULL;
	int rc;

	if ((rc = yh_store_query_text(&tmp, s, "SELECT set_config('default_transaction_read_only', "
	                              "'on', false)", NULL, "cannot make the session read-only")) < 0)
		goto done;
	free(tmp);
	tmp = NULL;
	if ((rc = yh_store_query_text(&tmp, s, "SELECT set_config('yaohao.audit', ?1, false)", dept,
	                              "cannot set the department audited")) < 0)
		goto done;
	free(tmp);
	tmp = NULL;
	/* the department the store's reads name (shared_store.c); it gives the auditor no row */
	if ((rc = yh_store_query_text(&tmp, s, "SELECT set_config('yaohao.department', ?1, false)",
	                              dept, "cannot set the session's department")) < 0 ||
	    (rc = yh_store_query_text(&have, s, "SELECT value FROM meta WHERE key = 'department'", NULL,
	                              "cannot read the department")) < 0)
		goto done;
	if (!have || strcmp(have, dept) != 0) {
		rc = yh_error_set_hint(YH_ENOTFOUND, YH_HINT_CREATE_STORE, s->path, "no department %s "
		                       "in the database: '%s'", dept, s->path);
		goto done;
	}
	s->auditor = 1;
	s->rls = 1;
	free(s->department);
	if (!(s->department = strdup(dept)))
		rc = yh_error_set(YH_ENOMEM, "out of memory");
done:
	free(tmp);
	free(have);
	return rc;
}

static int open_pg(yh_store *s, const char *department, int *version)
{
	char *dept = NULL, *v = NULL;
	int rc, exists = 0, auditor = 0;

	if ((rc = pg_has_store(&exists, s)) < 0)
		return rc;
	if (!exists)
		return yh_error_set_hint(YH_ENOTFOUND, YH_HINT_CREATE_STORE, s->path,
		                         "no store in the database '%s'", s->path);
	if (s->reader && department && (rc = pg_reads_as_auditor(&auditor, s, department)) < 0)
		return rc;
	if (auditor) {
		rc = pg_audit_for(s, department);
	} else if (!department && (rc = pg_default_department(&dept, s)) < 0) {
		if (s->reader && rc == YH_ENOTFOUND && pg_reads_as_auditor(&auditor, s, "") == YH_OK &&
		    auditor)
			rc = yh_error_set(YH_EINVAL, "an auditor reads one department at a time: name it "
			                  "(--department D): '%s'", s->path);
		return rc;
	} else {
		rc = pg_act_for(s, department ? department : dept, 0);
	}
	if (rc < 0 ||
	    (rc = yh_store_query_text(&v, s, "SELECT value FROM meta WHERE key = 'schema_version'",
	                              NULL, "cannot read the store's schema version")) < 0)
		goto done;
	if (!v)
		rc = yh_error_set_hint(YH_ENOTFOUND, YH_HINT_CREATE_STORE, s->path, "no store for "
		                       "department %s in the database '%s'", s->department, s->path);
	else
		*version = atoi(v);
done:
	free(dept);
	free(v);
	return rc;
}

static int open_store(yh_store **out, const char *path, const char *department, int reader)
{
	yh_store *s = NULL;
	struct stat sb;
	int rc, version = 0;

	*out = NULL;
	if (department && !yh_store_department_valid(department))
		return yh_error_set(YH_EINVAL, "invalid department code '%s' (use upper-case letters, "
		                    "digits and '-', e.g. 330100-SCJG)", department);
	if (!yh_db_is_uri(path) && stat(path, &sb) != 0)
		return yh_error_set_hint(errno == ENOENT ? YH_ENOTFOUND : YH_ESTORE, YH_HINT_CREATE_STORE,
		                         path, "no store at '%s'", path);
	if ((rc = connect(&s, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX)) < 0)
		return rc;
	s->reader = reader;
	if ((rc = yh_db_kind(s) == YH_DB_POSTGRESQL ? open_pg(s, department, &version)
	                                             : open_sqlite(s, &version)) < 0)
		goto done;
	if (version > YH_STORE_SCHEMA_VERSION) {
		rc = yh_error_set(YH_ESTORE, "store has schema version %d, newer than this yaohao "
		                  "(%d); upgrade yaohao: '%s'", version, YH_STORE_SCHEMA_VERSION, s->path);
		goto done;
	}
	if (version < YH_STORE_SCHEMA_VERSION && s->auditor) {
		rc = yh_error_set(YH_ESTORE, "department %s's space has schema version %d: the "
		                  "department opens it first, to bring it to version %d: '%s'",
		                  s->department, version, YH_STORE_SCHEMA_VERSION, s->path);
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
	/* a file holds one department: acting for another is refused */
	if (rc == YH_OK && department && strcmp(department, s->department) != 0)
		rc = yh_error_set(YH_ESTORE, "the store is department %s's, not %s's: '%s'",
		                  s->department, department, s->path);
done:
	if (rc < 0) {
		yh_store_close(s);
		return rc;
	}
	*out = s;
	return YH_OK;
}

int yh_store_open_as(yh_store **out, const char *path, const char *department)
{
	return open_store(out, path, department, 0);
}

int yh_store_open_reader(yh_store **out, const char *path, const char *department)
{
	return open_store(out, path, department, 1);
}

int yh_store_open_again(yh_store **out, const yh_store *store)
{
	return open_store(out, store->path, store->department, store->reader);
}

int yh_store_open(yh_store **out, const char *path)
{
	return yh_store_open_as(out, path, NULL);
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

int yh_store_on_postgresql(const yh_store *store)
{
	return yh_db_kind(store) == YH_DB_POSTGRESQL;
}
