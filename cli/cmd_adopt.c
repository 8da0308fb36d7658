/* cmd_adopt.c — yaohao adopt: take the latest import of the shared entity register. */
#include <stdio.h>

#include <sodium.h>

#include "cli.h"

static const char usage[] =
	"usage: yaohao adopt [--db URI] [--key FILE] [--json] [REGISTER-DEPARTMENT]\n"
	"\n"
	"On PostgreSQL, a department may draw from another department's entity register\n"
	"(a province's one register, kept by its register office) when the owner shares\n"
	"it (docs/operations.md, \"Shared registers\").  Such a department imports no\n"
	"entity register of its own: it adopts the shared one.  Each adoption is a\n"
	"ledger entry of kind \"adopt\" naming the shared register's latest import (its\n"
	"sequence, entry hash, root and row count), checked against the register's rows\n"
	"first; commits and draws after it read the register as of that import, whatever\n"
	"the register office imports later, until the department adopts again.\n"
	"\n"
	"  REGISTER-DEPARTMENT  the department whose register it is (checked against the\n"
	"                       owner's share; default: the one shared)\n"
	"  --db URI     the store (default: $YAOHAO_DB)\n"
	"  --key FILE   the secret signing key (default: the store's path + .key)\n"
	"  --json       the adoption as JSON\n";

typedef struct {
	const char *db, *key;
	int json;
	cli_args args;
} adopt_args;

static const cli_opt_spec options[] = {
	CLI_VALUE(adopt_args, db, "db", 0),
	CLI_VALUE(adopt_args, key, "key", 0),
	CLI_FLAG(adopt_args, json, "json", 0),
	CLI_REST(adopt_args, args),
	CLI_END
};

static int print_report(const yh_adopt_report *r, int json)
{
	char root[65], hash[65];

	sodium_bin2hex(root, sizeof(root), r->root, 32);
	sodium_bin2hex(hash, sizeof(hash), r->entry_hash, 32);
	if (json)
		return cli_print_json(json_pack("{s:s, s:I, s:s, s:s, s:I, s:I}", "department",
		                                r->department, "register_seq", (json_int_t)r->register_seq,
		                                "entry_hash", hash, "root", root, "count",
		                                (json_int_t)r->count, "seq", (json_int_t)r->seq));
	if (r->seq)
		printf("adopted the entity register of %s as of its entry %llu: %llu rows, root %.16s… "
		       "(ledger entry %llu)\n", r->department, (unsigned long long)r->register_seq,
		       (unsigned long long)r->count, root, (unsigned long long)r->seq);
	else
		printf("unchanged: the entity register of %s as of its entry %llu (%llu rows) is adopted "
		       "already\n", r->department, (unsigned long long)r->register_seq,
		       (unsigned long long)r->count);
	return CLI_OK;
}

int cmd_adopt(int argc, char **argv)
{
	adopt_args a = { 0 };
	yh_adopt_report r;
	yh_store *store = NULL;
	yh_key *key = NULL;
	int rc;

	if ((rc = cli_opt_parse(&a, options, "adopt", usage, argc, argv)) != CLI_PARSED)
		return rc;
	if (a.args.count > 1)
		return cli_usage_error("adopt", "one register department at most, not %d arguments",
		                       a.args.count);
	if ((rc = cli_open_store_signing(&store, &key, a.db, a.key)) != CLI_OK)
		return rc;
	if ((rc = yh_shared_adopt(&r, store, a.args.count ? a.args.v[0] : NULL)) < 0)
		rc = cli_fail(rc);
	else
		rc = print_report(&r, a.json);
	yh_store_close(store);
	yh_key_free(key);
	return rc;
}
