/* cmd_prove.c — yaohao prove and verify-proof: one entity's proof about a draw. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char prove_usage[] =
	"usage: yaohao prove [--db FILE] [-o FILE] TASK-ID ENTITY-ID\n"
	"\n"
	"Writes a small JSON proof for one entity of a drawn task: its row in the\n"
	"frozen register, the Merkle path from its leaf to the committed root, its\n"
	"ticket, its stratum's cutoff and whether it was selected.  For an id that\n"
	"was not in the frozen eligible register, the proof holds the paths of its\n"
	"two neighbours in id order (adjacent leaves: nothing lies between them) and\n"
	"a note saying why it was not eligible.  Check it with 'yaohao verify-proof'.\n"
	"\n"
	"  -o, --output FILE  write the proof to FILE instead of stdout\n"
	"  --db FILE          the store (default: $YAOHAO_DB, then ./yaohao.db)\n";

static const char verify_usage[] =
	"usage: yaohao verify-proof [--pubkey FILE] [--json] PROOF DOCUMENT\n"
	"\n"
	"Checks an entity's proof against the published draw document, with no\n"
	"register and no store: the document itself (signature, commitment, seed,\n"
	"tickets), the Merkle path to the committed root, the entity's ticket and its\n"
	"stratum's cutoff, and whether it was selected.  With --pubkey, also that the\n"
	"document was signed by the department's published key.\n"
	"\n"
	"  --pubkey FILE  the department's public key file (or its hex)\n"
	"  --json         the report as JSON\n"
	"\n"
	"exit status: 0 the proof holds, 1 it does not, 3 a file cannot be read\n";

typedef struct {
	const char *db, *output, *task_id, *entity_id;
} prove_args;

static const cli_opt_spec prove_options[] = {
	CLI_VALUE(prove_args, db, "db", 0),
	CLI_VALUE(prove_args, output, "output", 'o'),
	CLI_ARG(prove_args, task_id, "TASK-ID"),
	CLI_ARG(prove_args, entity_id, "ENTITY-ID"),
	CLI_END
};

typedef struct {
	const char *proof, *document, *public_key;
	int json;
} verify_proof_args;

static const cli_opt_spec verify_options[] = {
	CLI_VALUE(verify_proof_args, public_key, "pubkey", 0),
	CLI_FLAG(verify_proof_args, json, "json", 0),
	CLI_ARG(verify_proof_args, proof, "PROOF"),
	CLI_ARG(verify_proof_args, document, "DOCUMENT"),
	CLI_END
};

int cmd_prove(int argc, char **argv)
{
	prove_args a = { 0 };
	yh_store *store = NULL;
	char *proof = NULL;
	int rc;

	if ((rc = cli_opt_parse(&a, prove_options, "prove", prove_usage, argc, argv)) != CLI_PARSED)
		return rc;
	if ((rc = cli_open_store(&store, a.db)) != CLI_OK)
		return rc;
	if ((rc = yh_proof_make(&proof, store, a.task_id, a.entity_id)) < 0)
		rc = cli_fail(rc);
	else if (a.output)
		rc = cli_write_text(a.output, proof);
	else
		rc = printf("%s\n", proof) < 0 ? CLI_INTERNAL : CLI_OK;
	if (rc == CLI_OK && a.output)
		printf("wrote the proof for %s to %s\n", a.entity_id, a.output);
	free(proof);
	yh_store_close(store);
	return rc;
}

int cmd_verify_proof(int argc, char **argv)
{
	verify_proof_args a = { 0 };
	json_t *report = NULL;
	int rc;

	rc = cli_opt_parse(&a, verify_options, "verify-proof", verify_usage, argc, argv);
	if (rc != CLI_PARSED)
		return rc;
	if ((rc = yh_proof_verify(&report, a.proof, a.document, a.public_key)) < 0)
		return cli_fail(rc);
	return cli_report_exit(report, a.json);
}
