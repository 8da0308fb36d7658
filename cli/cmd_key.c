/* cmd_key.c — yaohao key new|show: the department's Ed25519 signing key. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cli.h"

static const char usage[] =
	"usage: yaohao key new [--db FILE] [--key FILE]\n"
	"       yaohao key show [--db FILE] [-o FILE]\n"
	"\n"
	"The department signs every ledger entry and every published document with an\n"
	"Ed25519 key.  'yaohao init' creates it; 'key new' creates one for a store that\n"
	"has none yet (a store made before signing existed): it signs every existing\n"
	"ledger entry and records that as a ledger entry of its own.\n"
	"'key show' prints the public key and its id, or writes the public key file\n"
	"that verifiers pass to 'yaohao verify --pubkey'.\n"
	"\n"
	"The secret key file is DB.key beside the store unless --key names another;\n"
	"it is created with mode 0600 and refused when group or others can read it,\n"
	"when another user owns it, or when it is not a regular file.  It is written\n"
	"first as FILE.pending: after a crash, run 'key new' again to finish.\n"
	"Keep a copy offline: without it the store can no longer be written.\n"
	"\n"
	"  --db FILE        the store (default: $YAOHAO_DB, then ./yaohao.db)\n"
	"  --key FILE       the secret key file (default: DB.key)\n"
	"  -o, --output F   'key show': write the public key file F\n";

typedef struct {
	const char *db, *key, *output;
	cli_args args;        /* new or show */
} key_args;

static const cli_opt_spec options[] = {
	CLI_VALUE(key_args, db, "db", 0),
	CLI_VALUE(key_args, key, "key", 0),
	CLI_VALUE(key_args, output, "output", 'o'),
	CLI_REST(key_args, args),
	CLI_END
};

/* Creates a key file and gives the key to the store (used by init and key new); finishes
 * what a run stopped by a crash left. */
int cli_key_create(yh_store *store, const char *key_path)
{
	char id[YH_KEY_ID_CHARS + 1];
	yh_key_outcome how;
	int rc;

	if ((rc = yh_key_create_for_store(&how, id, store, key_path)) < 0)
		return cli_fail(rc);
	if (how == YH_KEY_ADOPTED)
		printf("adopted signing key %s that an interrupted run left in '%s.pending'; it is now in "
		       "'%s' (mode 0600; keep a copy offline)\n", id, key_path, key_path);
	else if (how == YH_KEY_FINISHED)
		printf("finished an interrupted run: the store's signing key %s is now in '%s' "
		       "(mode 0600; keep a copy offline)\n", id, key_path);
	else
		printf("created signing key %s in '%s' (mode 0600; keep a copy offline)\n", id, key_path);
	return CLI_OK;
}

int cli_public_key_file(const char *path, const unsigned char public_key[YH_PUBLIC_KEY_BYTES])
{
	char text[sizeof("yaohao-public-key-v1\n") + 64];
	int err;

	memcpy(text, "yaohao-public-key-v1\n", sizeof("yaohao-public-key-v1\n") - 1);
	sodium_bin2hex(text + sizeof("yaohao-public-key-v1\n") - 1, 65, public_key, YH_PUBLIC_KEY_BYTES);
	return (err = cli_output_text(path, text, 1)) ? cli_output_failed(path, err) : CLI_OK;
}

int cmd_key(int argc, char **argv)
{
	key_args a = { 0 };
	const char *sub;
	char buf[4096], hex[65], id[YH_KEY_ID_CHARS + 1];
	unsigned char pk[32];
	yh_store *store = NULL;
	int rc;

	if ((rc = cli_opt_parse(&a, options, "key", usage, argc, argv)) != CLI_PARSED)
		return rc;
	if (a.args.count != 1)
		return cli_usage_error("key", "expected 'new' or 'show'");
	sub = a.args.v[0];
	if (strcmp(sub, "new") != 0 && strcmp(sub, "show") != 0)
		return cli_usage_error("key", "unknown subcommand: '%s' (use new or show)", sub);
	if ((rc = cli_open_store(&store, a.db)) != CLI_OK)
		return rc;
	if (strcmp(sub, "new") == 0) {
		rc = cli_key_create(store, cli_key_path(buf, sizeof(buf), a.key, yh_store_path(store)));
	} else if ((rc = yh_store_public_key(pk, store)) < 0) {
		rc = cli_fail(rc);
	} else {
		sodium_bin2hex(hex, sizeof(hex), pk, 32);
		yh_key_id_of(id, pk);
		if (a.output) {
			if ((rc = cli_public_key_file(a.output, pk)) == CLI_OK)
				printf("wrote public key %s to '%s'\n", id, a.output);
		} else {
			printf("public key %s\nkey id     %s\n", hex, id);
			rc = CLI_OK;
		}
	}
	yh_store_close(store);
	return rc;
}
