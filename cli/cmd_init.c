/* cmd_init.c — yaohao init: create a department's store. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
	"usage: yaohao init --department CODE [--db FILE] [--key FILE]\n"
	"       yaohao init --schema-only --db postgresql://...\n"
	"\n"
	"Creates a new store (an SQLite file) for one department, records its\n"
	"creation as the first ledger entry, and creates the department's Ed25519\n"
	"signing key, which signs every ledger entry from then on.  The store appears\n"
	"whole or not at all; an init that was interrupted is finished by running it\n"
	"again.\n"
	"\n"
	"On PostgreSQL (--db postgresql://...) one database holds many departments:\n"
	"init makes the department's space in it, connected as the role the database\n"
	"maps to the department (or a member of it); the schema is made first when the\n"
	"database has none (docs/operations.md).\n"
	"\n"
	"  --department CODE  department code: upper-case letters, digits and '-',\n"
	"                     e.g. 330100-SCJG (default: $YAOHAO_DEPARTMENT; required)\n"
	"  --db FILE          store to create (default: $YAOHAO_DB, then ./yaohao.db);\n"
	"                     an existing file is never overwritten\n"
	"  --key FILE         where to create the secret key (default: the store's path\n"
	"                     with .key appended, e.g. yaohao.db.key; mode 0600)\n"
	"  --schema-only      PostgreSQL: make only the schema the departments share,\n"
	"                     owned by the connecting role (the database's owner)\n";

typedef struct {
	const char *department, *db, *key;
	int schema_only;
} init_args;

static const cli_opt_spec options[] = {
	CLI_VALUE(init_args, department, "department", 0),
	CLI_VALUE(init_args, db, "db", 0),
	CLI_VALUE(init_args, key, "key", 0),
	CLI_FLAG(init_args, schema_only, "schema-only", 0),
	CLI_END
};

/*
 * The order that lets a kill land anywhere: the key is written as KEY.creating, then the store is
 * made signed by it (yh_store_create_signed: it appears whole or not at all), then the key file
 * is linked into its place.  A re-run finds either no store — and takes up a KEY.creating left
 * behind, a key no store uses — or the store whose key waits in KEY.creating, and links it.
 */

/* The key an interrupted init wrote (path.creating), if it is a key; a leftover that is not one
 * (killed while it was written) is removed. */
static yh_key *pending_key(const char *pending)
{
	yh_key *key = NULL;
	struct stat st;

	if (lstat(pending, &st) != 0)
		return NULL;
	if (yh_key_load(&key, pending) != YH_OK) {
		unlink(pending);
		return NULL;
	}
	return key;
}

/* Puts the key file in its place (never over another file). */
static int place_key(const char *pending, const char *key_path)
{
	if (link(pending, key_path) != 0)
		return cli_error(CLI_STORE, "cannot put the key file in place: %s: '%s' (the store's key "
		                 "is in '%s': rename it to '%s')", strerror(errno), key_path, pending,
		                 key_path);
	unlink(pending);
	return CLI_OK;
}

/* The store exists: the key file of an init killed after the store appeared is put in place;
 * any other store exists already. */
static int finish_existing(const char *db, const char *key_path, const char *pending)
{
	unsigned char have[YH_PUBLIC_KEY_BYTES], pk[YH_PUBLIC_KEY_BYTES];
	yh_store *store = NULL;
	yh_key *key = NULL;
	struct stat st;
	int rc = -1;

	if (lstat(key_path, &st) != 0 && (key = pending_key(pending)) && yh_store_open(&store, db) == YH_OK &&
	    yh_store_public_key(have, store) == YH_OK) {
		yh_key_public(pk, key);
		if (memcmp(have, pk, sizeof(pk)) == 0 && (rc = place_key(pending, key_path)) == CLI_OK)
			printf("finished store '%s': its signing key %s is in '%s' (an earlier init was "
			       "interrupted)\n", db, yh_key_id(key), key_path);
	}
	yh_store_close(store);
	yh_key_free(key);
	return rc < 0 ? cli_error(CLI_STORE, "store exists already: '%s'", db) : rc;
}

int cmd_init(int argc, char **argv)
{
	init_args a = { 0 };
	const char *key_path, *db;
	char buf[4096], pending[4200];
	struct stat st;
	yh_store *store = NULL;
	yh_key *key = NULL;
	int rc;

	if ((rc = cli_opt_parse(&a, options, "init", usage, argc, argv)) != CLI_PARSED)
		return rc;
	db = cli_db_path(a.db);
	if (a.schema_only) {
		if (a.department || a.key)
			return cli_usage_error("init", "--schema-only makes no department's store: give "
			                       "no --department or --key");
		if ((rc = yh_store_create_schema(db)) < 0)
			return cli_fail(rc);
		printf("created the store schema (no department in it yet)\n");
		return CLI_OK;
	}
	if (!a.department) {
		const char *env = getenv("YAOHAO_DEPARTMENT");

		a.department = env && *env ? env : NULL;
	}
	if (!a.department)
		return cli_usage_error("init", "--department is required");
	key_path = cli_key_path(buf, sizeof(buf), a.key, db);
	snprintf(pending, sizeof(pending), "%s.creating", key_path);
	if (lstat(db, &st) == 0)
		return finish_existing(db, key_path, pending);
	if (lstat(key_path, &st) == 0)
		return cli_error(CLI_STORE, "key file exists already: '%s' (give another --key, or "
		                 "remove it if it belongs to no store)", key_path);
	if (!(key = pending_key(pending)) &&
	    ((rc = yh_key_generate(&key)) < 0 || (rc = yh_key_save(key, pending)) < 0)) {
		yh_key_free(key);
		return cli_fail(rc);
	}
	if ((rc = yh_store_create_signed(&store, db, a.department, key)) < 0) {
		rc = cli_fail(rc);
		if (rc != CLI_STORE || lstat(db, &st) != 0)
			unlink(pending); /* no store uses it */
	} else if ((rc = place_key(pending, key_path)) == CLI_OK) {
		printf("created store '%s' for department %s\n", yh_store_path(store), yh_store_department(store));
		printf("created signing key %s in '%s' (mode 0600; keep a copy offline)\n", yh_key_id(key),
		       key_path);
	}
	yh_store_close(store);
	yh_key_free(key);
	return rc;
}
