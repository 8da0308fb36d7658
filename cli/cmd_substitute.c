/* cmd_substitute.c — yaohao substitute: an entity gone from the register after the freeze is
 * replaced by its stratum's next reserve. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

static const char usage[] =
	"usage: yaohao substitute [--db FILE] [--key FILE] TASK-ID ENTITY-ID --reason TEXT\n"
	"\n"
	"Replaces a selected entity that no longer exists to inspect — deregistered\n"
	"(注销), revoked (吊销), cancelled (撤销) or moved out (迁出) in the entity\n"
	"register since the freeze (import the register first) — by the next unused\n"
	"reserve of its stratum in published order, with a team formed by the draw's\n"
	"rule (docs/spec.md §18).  An entity that is closed or cannot be reached is not\n"
	"substituted: record result 6 or 7 for it.  Recorded as a signed ledger entry.\n"
	"\n"
	"  --reason TEXT   why (required; published)\n"
	"  --db FILE       the store (default: $YAOHAO_DB, then ./yaohao.db)\n"
	"  --key FILE      the secret signing key (default: the store's path + .key)\n";

typedef struct {
	const char *db, *key, *reason, *task_id, *entity_id;
} substitute_args;

static const cli_opt_spec options[] = {
	CLI_VALUE(substitute_args, db, "db", 0),
	CLI_VALUE(substitute_args, key, "key", 0),
	CLI_VALUE(substitute_args, reason, "reason", 0),
	CLI_ARG(substitute_args, task_id, "TASK-ID"),
	CLI_ARG(substitute_args, entity_id, "ENTITY-ID"),
	CLI_END
};

int cmd_substitute(int argc, char **argv)
{
	substitute_args a = { 0 };
	yh_store *store = NULL;
	yh_key *key = NULL;
	char *entry = NULL;
	json_t *e;
	uint64_t seq;
	int rc;

	if ((rc = cli_opt_parse(&a, options, "substitute", usage, argc, argv)) != CLI_PARSED)
		return rc;
	if (!a.reason)
		return cli_usage_error("substitute", "--reason TEXT is required");
	if ((rc = cli_open_store_signing(&store, &key, a.db, a.key)) != CLI_OK)
		return rc;
	if ((rc = yh_results_substitute(&entry, &seq, store, a.task_id, a.entity_id, a.reason)) < 0) {
		rc = cli_fail(rc);
		goto done;
	}
	e = json_loads(entry, 0, NULL);
	printf("substituted %s in %s by reserve %lld of stratum %s, %s (ledger entry %llu)\n",
	       a.entity_id, a.task_id, json_integer_value(json_object_get(e, "reserve_order")),
	       json_string_value(json_object_get(e, "stratum")),
	       json_string_value(json_object_get(json_object_get(e, "substitute"), "id")),
	       (unsigned long long)seq);
	json_decref(e);
	rc = CLI_OK;
done:
	free(entry);
	yh_store_close(store);
	yh_key_free(key);
	return rc;
}
