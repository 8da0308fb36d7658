/* cmd_init.c — yaohao init: create a department's store. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
	"usage: yaohao init --department CODE [--db FILE] [--key FILE]\n"
	"\n"
	"Creates a new store (an SQLite file) for one department, records its\n"
	"creation as the first ledger entry, and creates the department's Ed25519\n"
	"signing key, which signs every ledger entry from then on.\n"
	"\n"
	"  --department CODE  department code: upper-case letters, digits and '-',\n"
	"                     e.g. 330100-SCJG (required)\n"
	"  --db FILE          store to create (default: $YAOHAO_DB, then ./yaohao.db);\n"
	"                     an existing file is never overwritten\n"
	"  --key FILE         where to create the secret key (default: the store's path\n"
	"                     with .key appended, e.g. yaohao.db.key; mode 0600)\n";

typedef struct {
	const char *department, *db, *key;
} init_args;

static const cli_opt_spec options[] = {
	CLI_VALUE(init_args, department, "department", 0),
	CLI_VALUE(init_args, db, "db", 0),
	CLI_VALUE(init_args, key, "key", 0),
	CLI_END
};

/*
 * A store that an interrupted init left behind: the department asked for, no signing key and
 * nothing in its ledger but the init entry.  1 when `path` holds one (opened in *out), 0 when it
 * holds anything else (or nothing usable).
 */
static int interrupted_init(yh_store **out, const char *path, const char *department)
{
	unsigned char pk[YH_PUBLIC_KEY_BYTES];
	uint64_t head = 0;

	*out = NULL;
	if (yh_store_open(out, path) != YH_OK)
		return 0;
	if (strcmp(yh_store_department(*out), department) == 0 && yh_store_public_key(pk, *out) != YH_OK &&
	    yh_ledger_head(&head, *out) == YH_OK && head == 1)
		return 1;
	yh_store_close(*out);
	*out = NULL;
	return 0;
}

/* Gives a store finished after an interrupt the key file that init wrote before the interrupt. */
static int adopt_key_file(yh_store *store, const char *key_path)
{
	yh_key *key = NULL;
	int rc;

	if ((rc = yh_key_load(&key, key_path)) < 0 || (rc = yh_store_set_key(store, key)) < 0) {
		rc = cli_fail(rc);
		fprintf(stderr, "yaohao: the store '%s' was left without its key by an interrupted init; "
		        "if '%s' is not its key, move it away and run 'yaohao init' again\n",
		        yh_store_path(store), key_path);
	} else {
		printf("adopted signing key %s from '%s'\n", yh_key_id(key), key_path);
	}
	yh_key_free(key);
	return rc;
}

/* A kill at any moment leaves no store, or one with only its init entry that a re-run finishes:
 * the store is linked into place complete (yh_store_create), then the key file is written, then
 * the store adopts the key in one transaction. */
int cmd_init(int argc, char **argv)
{
	init_args a = { 0 };
	const char *key_path, *db;
	char buf[4096];
	struct stat st;
	yh_store *store = NULL;
	int rc, resumed, key_exists;

	if ((rc = cli_opt_parse(&a, options, "init", usage, argc, argv)) != CLI_PARSED)
		return rc;
	if (!a.department)
		return cli_usage_error("init", "--department is required");
	db = cli_db_path(a.db);
	key_path = cli_key_path(buf, sizeof(buf), a.key, db);
	key_exists = stat(key_path, &st) == 0;
	if ((resumed = lstat(db, &st) == 0 && interrupted_init(&store, db, a.department)))
		printf("finishing store '%s' for department %s (an earlier init was interrupted)\n", db,
		       a.department);
	else if (key_exists)
		return cli_error(CLI_STORE, "key file exists already: '%s' (give another --key, or "
		                 "remove it if it belongs to no store)", key_path);
	else if ((rc = yh_store_create(&store, db, a.department)) < 0)
		return cli_fail(rc);
	else
		printf("created store '%s' for department %s\n", yh_store_path(store),
		       yh_store_department(store));
	rc = resumed && key_exists ? adopt_key_file(store, key_path) : cli_key_create(store, key_path);
	yh_store_close(store);
	if (rc != CLI_OK && !resumed)
		unlink(db); /* a store without its key would be unusable */
	return rc;
}
