/* cmd_verify.c — yaohao verify: check a published draw document, with no store. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: yaohao verify [--entities CSV] [--inspectors CSV] [--conflicts CSV]\n"
	"                     [--pubkey FILE] [--json] DOCUMENT\n"
	"\n"
	"Checks a published draw document without any store: the signature (and the\n"
	"signer, with --pubkey), the task digest, that the revealed secret opens the\n"
	"commitment, the seed, every published ticket and pair ticket, and the rules\n"
	"the document states about itself.  With the published register files it\n"
	"also recomputes the register digests and replays the whole selection (and,\n"
	"with all three files, the teams), whatever the order of the rows.\n"
	"Each check is printed on its own line, then what is and is not guaranteed.\n"
	"\n"
	"  --entities CSV    the entity register as of the freeze (yaohao export)\n"
	"  --inspectors CSV  the officer register as of the freeze\n"
	"  --conflicts CSV   the conflicts (回避) register as of the freeze\n"
	"  --pubkey FILE     the department's public key file (or its hex)\n"
	"  --json            the report as JSON\n"
	"\n"
	"exit status: 0 every check passed, 1 a check failed, 3 the document cannot be read\n";

void cli_print_report(json_t *report)
{
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(report, "checks"), i, c) {
		const char *status = json_string_value(json_object_get(c, "status"));

		printf("%-7s %-17s %s\n", strcmp(status, "passed") == 0 ? "ok" : strcmp(status, "failed") == 0 ?
		       "FAILED" : "skipped", json_string_value(json_object_get(c, "check")),
		       json_string_value(json_object_get(c, "detail")));
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
	enum { OPT_ENT = 256, OPT_INS, OPT_CON, OPT_PUB, OPT_JSON };
	static const struct option longopts[] = {
		{ "entities", required_argument, NULL, OPT_ENT },
		{ "inspectors", required_argument, NULL, OPT_INS },
		{ "conflicts", required_argument, NULL, OPT_CON },
		{ "pubkey", required_argument, NULL, OPT_PUB },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	yh_verify_inputs in;
	int c, json = 0;

	memset(&in, 0, sizeof(in));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_ENT: in.entities = optarg; break;
		case OPT_INS: in.inspectors = optarg; break;
		case OPT_CON: in.conflicts = optarg; break;
		case OPT_PUB: in.public_key = optarg; break;
		case OPT_JSON: json = 1; break;
		case 'h': fputs(usage, stdout); return CLI_OK;
		default: return cli_bad_option("verify", argv);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("verify", "expected one DOCUMENT");
	return cli_verify_run(argv[optind], &in, json);
}
