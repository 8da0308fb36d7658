/* cmd_reassign.c — yaohao reassign: an officer steps aside after the draw; the rule picks who
 * replaces him. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: yaohao reassign [--db FILE] [--key FILE] [--cause recusal|unavailable]\n"
	"                       TASK-ID ENTITY-ID OFFICER-ID --reason TEXT\n"
	"\n"
	"Takes an officer off the team of one entity after the draw (回避 raised after\n"
	"the draw, leave, illness, transfer) and records who replaces him.  Nobody\n"
	"chooses the replacement: it is the next officer in the draw's own order for\n"
	"that entity (the rules of the draw: recusals, department seats, specialties,\n"
	"the load cap, with loads as they stand after the reassignments so far;\n"
	"docs/spec.md §18), so anyone can recompute it from the published documents\n"
	"and registers.  Recorded as a signed ledger entry with the reason.\n"
	"\n"
	"  --reason TEXT   why (required; published)\n"
	"  --cause C       recusal (default): a conflict with this entity only;\n"
	"                  unavailable: leave, illness or transfer, so the officer\n"
	"                  replaces nobody else in this task either (his other\n"
	"                  teams are named: reassign him on each)\n"
	"  --db FILE       the store (default: $YAOHAO_DB, then ./yaohao.db)\n"
	"  --key FILE      the secret signing key (default: the store's path + .key)\n";

typedef struct {
	const char *db, *key, *reason, *cause, *task_id, *entity_id, *officer_id;
} reassign_args;

static const cli_opt_spec options[] = {
	CLI_VALUE(reassign_args, db, "db", 0),
	CLI_VALUE(reassign_args, key, "key", 0),
	CLI_VALUE(reassign_args, reason, "reason", 0),
	CLI_VALUE(reassign_args, cause, "cause", 0),
	CLI_ARG(reassign_args, task_id, "TASK-ID"),
	CLI_ARG(reassign_args, entity_id, "ENTITY-ID"),
	CLI_ARG(reassign_args, officer_id, "OFFICER-ID"),
	CLI_END
};

/* An unavailable officer serves none of his teams: name the ones he is still on. */
static void note_other_teams(yh_store *store, const char *task_id, const char *officer_id)
{
	json_t *state = NULL, *v, *m;
	size_t i, j, n = 0;

	if (yh_results_state(&state, store, task_id, 1) < 0)
		return;
	json_array_foreach(json_object_get(state, "inspections"), i, v) {
		if (json_object_get(v, "substituted_by") || json_is_object(json_object_get(v, "result")))
			continue;
		json_array_foreach(json_object_get(v, "team"), j, m)
			if (strcmp(json_string_value(json_object_get(m, "id")), officer_id) == 0) {
				if (n++ == 0)
					printf("note: %s is unavailable but still on the team of:", officer_id);
				printf(" %s", json_string_value(json_object_get(v, "id")));
			}
	}
	if (n)
		printf("\n      reassign him on each (yaohao reassign %s ENTITY %s --cause unavailable)\n",
		       task_id, officer_id);
	json_decref(state);
}

int cmd_reassign(int argc, char **argv)
{
	reassign_args a = { 0 };
	yh_store *store = NULL;
	yh_key *key = NULL;
	char *entry = NULL;
	json_t *e;
	uint64_t seq;
	int rc;

	if ((rc = cli_opt_parse(&a, options, "reassign", usage, argc, argv)) != CLI_PARSED)
		return rc;
	if (!a.reason)
		return cli_usage_error("reassign", "--reason TEXT is required");
	if (a.cause && strcmp(a.cause, "recusal") != 0 && strcmp(a.cause, "unavailable") != 0)
		return cli_usage_error("reassign", "--cause is recusal or unavailable, not '%s'", a.cause);
	if ((rc = cli_open_store_signing(&store, &key, a.db, a.key)) != CLI_OK)
		return rc;
	if ((rc = yh_results_reassign(&entry, &seq, store, a.task_id, a.entity_id, a.officer_id,
	                              a.cause ? a.cause : "recusal", a.reason)) < 0) {
		rc = cli_fail(rc);
		goto done;
	}
	e = json_loads(entry, 0, NULL);
	printf("reassigned %s: %s replaces %s on the team of %s (ledger entry %llu)\n", a.task_id,
	       json_string_value(json_object_get(json_object_get(e, "replacement"), "id")),
	       a.officer_id, a.entity_id, (unsigned long long)seq);
	json_decref(e);
	if (strcmp(a.cause ? a.cause : "recusal", "unavailable") == 0)
		note_other_teams(store, a.task_id, a.officer_id);
	rc = CLI_OK;
done:
	free(entry);
	yh_store_close(store);
	yh_key_free(key);
	return rc;
}
