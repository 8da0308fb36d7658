/* cmd_prove.c — yaohao prove and verify-proof: one entity's proof about a draw. */
#include <getopt.h>
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
	"usage: yaohao verify-proof [--json] PROOF DOCUMENT\n"
	"\n"
	"Checks an entity's proof against the published draw document, with no\n"
	"register and no store: the document itself (signature, commitment, seed,\n"
	"tickets), the Merkle path to the committed root, the entity's ticket and its\n"
	"stratum's cutoff, and whether it was selected.\n"
	"\n"
	"  --json  the report as JSON\n"
	"\n"
	"exit status: 0 the proof holds, 1 it does not, 3 a file cannot be read\n";

int cmd_prove(int argc, char **argv)
{
	enum { OPT_DB = 256 };
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, OPT_DB },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = NULL, *output = NULL;
	yh_store *store = NULL;
	char *proof = NULL;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DB: db = optarg; break;
		case 'o': output = optarg; break;
		case 'h': fputs(prove_usage, stdout); return CLI_OK;
		default: return cli_bad_option("prove", argv);
		}
	}
	if (argc - optind != 2)
		return cli_usage_error("prove", "expected TASK-ID and ENTITY-ID");
	if ((rc = cli_open_store(&store, db)) != CLI_OK)
		return rc;
	if ((rc = yh_proof_make(&proof, store, argv[optind], argv[optind + 1])) < 0)
		rc = cli_fail(rc);
	else if (output)
		rc = cli_write_text(output, proof);
	else
		rc = printf("%s\n", proof) < 0 ? CLI_INTERNAL : CLI_OK;
	if (rc == CLI_OK && output)
		printf("wrote the proof for %s to %s\n", argv[optind + 1], output);
	free(proof);
	yh_store_close(store);
	return rc;
}

int cmd_verify_proof(int argc, char **argv)
{
	enum { OPT_JSON = 256 };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	json_t *report = NULL;
	int c, rc, json = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON: json = 1; break;
		case 'h': fputs(verify_usage, stdout); return CLI_OK;
		default: return cli_bad_option("verify-proof", argv);
		}
	}
	if (argc - optind != 2)
		return cli_usage_error("verify-proof", "expected PROOF and DOCUMENT");
	if ((rc = yh_proof_verify(&report, argv[optind], argv[optind + 1])) < 0)
		return cli_fail(rc);
	return cli_report_exit(report, json);
}
