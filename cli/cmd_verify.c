/* cmd_verify.c — yaohao verify: check a published draw document, with no store. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: yaohao verify [--entities CSV] [--inspectors CSV] [--conflicts CSV]\n"
	"                     [--pubkey FILE] [--earlier DOC]... [--feed FILE] [--json] DOCUMENT\n"
	"       yaohao verify [--inspectors CSV --conflicts CSV] [--pubkey FILE] [--json]\n"
	"                     RESULTS --draw DOCUMENT\n"
	"\n"
	"Checks a published draw document without any store: the signature (and the\n"
	"signer, with --pubkey), the task digest, that the revealed secret opens the\n"
	"commitment, the seed, every published ticket and pair ticket, and the rules\n"
	"the document states about itself.  With the published register files it\n"
	"also recomputes the register digests, the eligible sets (and how many rows\n"
	"each rule left out), the load cap, and replays the whole selection (and,\n"
	"with all three files, the teams), whatever the order of the rows.  With the\n"
	"documents of the earlier draws the announcement names it recomputes the\n"
	"exclusions and recent pairs; with the department's feed it checks that the\n"
	"announcement is in an unbroken chain, so that none was kept hidden.\n"
	"Each check is printed on its own line, then what is and is not guaranteed.\n"
	"\n"
	"With --draw, checks a results document (yaohao disclose) against the draw\n"
	"document it names: the signatures, every ledger entry it carries (hash,\n"
	"signature, one chain from the draw), every rule (results of entities in force\n"
	"by officers of their teams, dates, corrections), the listed inspections, and\n"
	"with the officer register and conflicts every reassignment and substitution\n"
	"recomputed.\n"
	"\n"
	"  --entities CSV    the entity register as of the freeze (yaohao export)\n"
	"  --inspectors CSV  the officer register as of the freeze\n"
	"  --conflicts CSV   the conflicts (回避) register as of the freeze\n"
	"  --pubkey FILE     the department's public key file (or its hex)\n"
	"  --earlier DOC     the published document of an earlier draw the announcement\n"
	"                    names (repeat for each)\n"
	"  --feed FILE       the department's feed of announcements (yaohao feed)\n"
	"  --draw DOCUMENT   the draw document a results document belongs to\n"
	"  --json            the report as JSON\n"
	"\n"
	"exit status: 0 every check passed, 1 a check failed, 3 the document cannot be read\n";

typedef struct {
	yh_verify_inputs in;
	cli_list earlier;
	const char *document, *draw;
	int json;
} verify_args;

static const cli_opt_spec options[] = {
	CLI_VALUE(verify_args, in.entities, "entities", 0),
	CLI_VALUE(verify_args, in.inspectors, "inspectors", 0),
	CLI_VALUE(verify_args, in.conflicts, "conflicts", 0),
	CLI_VALUE(verify_args, in.public_key, "pubkey", 0),
	CLI_LIST(verify_args, earlier, "earlier", 0),
	CLI_VALUE(verify_args, in.feed, "feed", 0),
	CLI_VALUE(verify_args, draw, "draw", 0),
	CLI_FLAG(verify_args, json, "json", 0),
	CLI_ARG(verify_args, document, "DOCUMENT"),
	CLI_END
};

void cli_print_report(json_t *report)
{
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(report, "checks"), i, c) {
		const char *status = json_string_value(json_object_get(c, "status"));

		printf("%-7s %-17s %s%s\n", strcmp(status, "passed") == 0 ? "ok" : strcmp(status, "failed") == 0 ?
		       "FAILED" : "skipped", json_string_value(json_object_get(c, "check")),
		       json_string_value(json_object_get(c, "detail")),
		       cli_hint_words_named(json_string_value(json_object_get(c, "hint"))));
	}
	printf("\n");
	json_array_foreach(json_object_get(report, "guarantees"), i, c)
		printf("- %s\n", json_string_value(c));
	printf("\n%s\n", json_is_true(json_object_get(report, "ok")) ? "verified: every check passed"
	                                                          : "NOT VERIFIED: a check failed");
}

int cli_report_exit(json_t *report, int json)
{
	int ok = json_is_true(json_object_get(report, "ok"));

	if (json) {
		cli_print_json(report);
	} else {
		cli_print_report(report);
		json_decref(report);
	}
	return ok ? CLI_OK : CLI_CHECK_FAILED;
}

int cli_verify_run(const char *document, const yh_verify_inputs *in, int json)
{
	json_t *report = NULL;
	int rc;

	if ((rc = yh_document_verify(&report, document, in)) < 0)
		return cli_fail(rc);
	return cli_report_exit(report, json);
}

int cmd_verify(int argc, char **argv)
{
	verify_args a = { .in = YH_VERIFY_INPUTS_INIT };
	int rc;

	if ((rc = cli_opt_parse(&a, options, "verify", usage, argc, argv)) != CLI_PARSED)
		return rc;
	a.in.earlier = a.earlier.v;
	a.in.nearlier = a.earlier.n;
	if (a.draw) {
		json_t *report = NULL;

		if ((rc = yh_results_verify(&report, a.document, a.draw, &a.in)) < 0)
			return cli_fail(rc);
		return cli_report_exit(report, a.json);
	}
	return cli_verify_run(a.document, &a.in, a.json);
}
