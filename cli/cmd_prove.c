/* cmd_prove.c — yaohao prove and verify-proof: one entity's proof about a draw. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char prove_usage[] =
	"usage: yaohao prove [--db FILE] [-o FILE] TASK-ID ENTITY-ID\n"
	"       yaohao prove [--db FILE] [--key FILE] --html FILE [-o FILE] TASK-ID ENTITY-ID...\n"
	"\n"
	"Writes a small JSON proof for one entity of a drawn task: its row in the\n"
	"frozen register, the Merkle path from its leaf to the committed root, its\n"
	"ticket, its stratum's cutoff and whether it was selected.  For an id that\n"
	"was not in the frozen eligible register, the proof holds the paths of its\n"
	"two neighbours in id order (adjacent leaves: nothing lies between them) and\n"
	"a note saying why it was not eligible.  Check it with 'yaohao verify-proof'.\n"
	"\n"
	"With --html, writes the draw's public page (as 'yaohao publish --html') with\n"
	"the proof embedded instead of printing it (-o still writes it): the page\n"
	"checks the draw and the proof in the reader's browser and opens at the\n"
	"entity's search result, so that an inspected enterprise gets one file about\n"
	"its own entity (docs/public-check.md).  Several ENTITY-IDs put several\n"
	"proofs in the page; it opens at the first.\n"
	"\n"
	"  -o, --output FILE  write the proof to FILE instead of stdout (one ENTITY-ID)\n"
	"  --html FILE        write the public page with the proofs embedded to FILE\n"
	"  --db FILE          the store (default: $YAOHAO_DB, then ./yaohao.db)\n"
	"  --key FILE         with --html: the secret signing key that signs the page's\n"
	"                     draw document (default: the store's path + .key)\n";

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
	const char *db, *key, *output, *html;
	cli_args args;                   /* TASK-ID ENTITY-ID... */
} prove_args;

static const cli_opt_spec prove_options[] = {
	CLI_VALUE(prove_args, db, "db", 0),
	CLI_VALUE(prove_args, key, "key", 0),
	CLI_VALUE(prove_args, output, "output", 'o'),
	CLI_VALUE(prove_args, html, "html", 0),
	CLI_REST(prove_args, args),
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

/* The proofs of ids[0..n), into proofs (each freed by the caller, NULL when not made). */
static int make_proofs(char **proofs, yh_store *store, const char *task_id, char **ids, size_t n)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		if ((rc = yh_proof_make(&proofs[i], store, task_id, ids[i])) < 0)
			return cli_fail(rc);
	return CLI_OK;
}

int cmd_prove(int argc, char **argv)
{
	prove_args a = { 0 };
	yh_store *store = NULL;
	yh_key *key = NULL;
	char **proofs = NULL, **ids;
	const char *task_id;
	size_t n = 0, i;
	int rc;

	if ((rc = cli_opt_parse(&a, prove_options, "prove", prove_usage, argc, argv)) != CLI_PARSED)
		return rc;
	if (a.args.count < 2 || (a.args.count > 2 && !a.html))
		return cli_usage_error("prove", a.args.count < 2 ? "expected TASK-ID and ENTITY-ID" :
		                       "more than one ENTITY-ID needs --html FILE (a proof file holds one)");
	if (a.args.count > 2 && a.output)
		return cli_usage_error("prove", "-o FILE writes one entity's proof: give one ENTITY-ID");
	if (a.key && !a.html)
		return cli_usage_error("prove", "--key signs the page's draw document: it needs --html FILE");
	task_id = a.args.v[0];
	ids = a.args.v + 1;
	n = (size_t)a.args.count - 1;
	/* the page holds the signed draw document: the store is opened with the signing key */
	rc = a.html ? cli_open_store_signing(&store, &key, a.db, a.key) : cli_open_store(&store, a.db);
	if (rc != CLI_OK)
		return rc;
	if (!(proofs = calloc(n, sizeof(*proofs))))
		rc = cli_error(CLI_INTERNAL, "out of memory");
	else
		rc = make_proofs(proofs, store, task_id, ids, n);
	if (rc == CLI_OK && a.output && (rc = cli_write_text(a.output, proofs[0])) == CLI_OK)
		printf("wrote the proof for %s to %s\n", ids[0], a.output);
	else if (rc == CLI_OK && !a.output && !a.html)
		rc = printf("%s\n", proofs[0]) < 0 ? CLI_INTERNAL : CLI_OK;
	if (rc == CLI_OK && a.html)
		rc = cli_page_run(store, task_id, NULL, (const char *const *)proofs, n, a.html);
	for (i = 0; proofs && i < n; i++)
		free(proofs[i]);
	free(proofs);
	yh_store_close(store);
	yh_key_free(key);
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
