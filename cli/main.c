/* main.c — the yaohao command table and dispatch (as git.c does). */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const cli_command commands[] = {
	{ "init", cmd_init, "create a store for a department" },
	{ "key", cmd_key, "create or show the department's signing key" },
	{ "import", cmd_import, "import a register file (entities, inspectors, conflicts, items)" },
	{ "adopt", cmd_adopt, "take the latest import of a shared entity register (PostgreSQL)" },
	{ "stats", cmd_stats, "show register statistics" },
	{ "config", cmd_config, "the store's status map: local words for register statuses" },
	{ "calendar", cmd_calendar, "the working-day calendar (holidays, 调休) and deadlines" },
	{ "plan", cmd_plan, "add, list and show inspection tasks" },
	{ "commit", cmd_commit, "freeze a task and commit to a secret" },
	{ "draw", cmd_draw, "draw a committed task: selection and teams" },
	{ "publish", cmd_publish, "write the signed public document of a draw" },
	{ "feed", cmd_feed, "write the signed chain of every announcement, for publication" },
	{ "verify", cmd_verify, "check a published draw document, with no store" },
	{ "prove", cmd_prove, "write one entity's proof about a draw" },
	{ "verify-proof", cmd_verify_proof, "check an entity's proof against a draw document" },
	{ "result", cmd_result, "record and list the results of a drawn task's inspections" },
	{ "reassign", cmd_reassign, "replace an officer who steps aside after the draw, by the rule" },
	{ "substitute", cmd_substitute, "replace a deregistered entity by its stratum's next reserve" },
	{ "disclose", cmd_disclose, "write the signed results document (一公开) and its CSV" },
	{ "status", cmd_status, "every task's stage and disclosure deadline, overdue first" },
	{ "coverage", cmd_coverage, "how much of the register a year's inspections covered" },
	{ "audit", cmd_audit, "replay the whole ledger and every draw" },
	{ "transcript", cmd_transcript, "print a task's recorded announcement or transcript" },
	{ "export", cmd_export, "write a register as canonical CSV, as of any ledger entry" },
	{ "log", cmd_log, "list the ledger entries" },
	{ "demo", cmd_demo, "run the whole job on the bundled fixtures" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	size_t i;

	fprintf(out,
	        "usage: yaohao <command> [options] [arguments]\n"
	        "       yaohao <command> --help\n"
	        "\n"
	        "Verifiable random draws for 双随机、一公开 supervision.\n"
	        "\n"
	        "commands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
	        "\n"
	        "Every command that uses a store takes --db FILE (default: $YAOHAO_DB, then ./yaohao.db)\n"
	        "and --department CODE, the department it acts for (default: $YAOHAO_DEPARTMENT, then\n"
	        "the store's one; a PostgreSQL database may hold many: docs/operations.md).\n"
	        "exit codes: 0 ok, 1 a check failed, 2 usage, 3 bad input data,\n"
	        "            4 store or key problem, 5 internal error,\n"
	        "            6 recorded in the store, but the output file (-o) not written\n");
}

int main(int argc, char **argv)
{
	size_t i;

	/* Nothing locale-dependent may leak into results; only messages are printed as UTF-8. */
	setlocale(LC_ALL, "C");
	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		if (argc > 2 && strcmp(argv[1], "help") == 0) {
			char *help_argv[] = { argv[2], "--help", NULL };

			for (i = 0; i < NCOMMANDS; i++)
				if (strcmp(argv[2], commands[i].name) == 0)
					return commands[i].run(2, help_argv);
			fprintf(stderr, "yaohao: unknown command: '%s'\n\n", argv[2]);
			usage(stderr);
			return CLI_USAGE;
		}
		usage(stdout);
		return CLI_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("yaohao %s\n", YH_VERSION);
		return CLI_OK;
	}
	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "yaohao: unknown command: '%s'\n\n", argv[1]);
	usage(stderr);
	return CLI_USAGE;
}
