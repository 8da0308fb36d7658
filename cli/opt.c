/* opt.c — one parser for every command's option table (opt.h), on top of getopt_long. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* More than any command has (import: 9); --help and the terminator come on top. */
#define MAX_OPTIONS 16
/* getopt_long returns a long option's index above every short option's character. */
#define LONG_BASE 256

static int bad_option(const char *command, char **argv)
{
	const char *opt = argv[optind - 1];

	if (optopt && optopt < LONG_BASE && strncmp(opt, "--", 2) != 0)
		return cli_usage_error(command, "unknown option or missing value: '-%c'", optopt);
	return cli_usage_error(command, "unknown option or missing value: '%s'", opt);
}

static int takes_value(const cli_opt_spec *s)
{
	return s->type == CLI_OPT_VALUE || s->type == CLI_OPT_PARSE || s->type == CLI_OPT_LIST;
}

static int is_option(const cli_opt_spec *s)
{
	return s->type != CLI_OPT_ARG && s->type != CLI_OPT_REST;
}

static int store(void *args, const cli_opt_spec *s, const char *command, const char *value)
{
	void *at = (char *)args + s->offset;

	switch (s->type) {
	case CLI_OPT_VALUE: *(const char **)at = value; break;
	case CLI_OPT_FLAG: *(int *)at = 1; break;
	case CLI_OPT_COUNT: (*(int *)at)++; break;
	case CLI_OPT_LIST:
		if (((cli_list *)at)->n == CLI_LIST_MAX)
			return cli_usage_error(command, "--%s is given more than %d times", s->name, CLI_LIST_MAX);
		((cli_list *)at)->v[((cli_list *)at)->n++] = value;
		break;
	case CLI_OPT_PARSE:
		if (s->parse(at, value) != 0)
			return cli_usage_error(command, "--%s %s: '%s'", s->name, s->expects, value);
		break;
	default: break;
	}
	return CLI_PARSED;
}

static const cli_opt_spec *find_alias(const cli_opt_spec *specs, int c)
{
	for (; specs->type != CLI_OPT_END; specs++)
		if (is_option(specs) && specs->alias == c)
			return specs;
	return NULL;
}

/* Fills the CLI_OPT_ARG members in order, or the CLI_OPT_REST one, from argv[first..argc). */
static int positionals(void *args, const cli_opt_spec *specs, const char *command, int argc,
                       char **argv, int first)
{
	const cli_opt_spec *s;
	char names[256] = "";
	size_t len = 0;
	int n = 0;

	for (s = specs; s->type != CLI_OPT_END; s++) {
		if (s->type == CLI_OPT_REST) {
			cli_args *rest = (cli_args *)((char *)args + s->offset);

			rest->v = argv + first;
			rest->count = argc - first;
			return CLI_PARSED;
		}
		if (s->type == CLI_OPT_ARG && len < sizeof(names))
			len += snprintf(names + len, sizeof(names) - len, "%s%s", n++ == 0 ? "" : " and ",
			                s->name);
	}
	if (n == 0 && first < argc)
		return cli_usage_error(command, "unexpected argument: '%s'", argv[first]);
	if (argc - first != n)
		return cli_usage_error(command, "expected %s%s", n == 1 ? "one " : "", names);
	for (s = specs; s->type != CLI_OPT_END; s++)
		if (s->type == CLI_OPT_ARG)
			*(const char **)((char *)args + s->offset) = argv[first++];
	return CLI_PARSED;
}

/* A command's own option named `name`, if it has one. */
static const cli_opt_spec *find_name(const cli_opt_spec *specs, const char *name)
{
	for (; specs->type != CLI_OPT_END; specs++)
		if (is_option(specs) && strcmp(specs->name, name) == 0)
			return specs;
	return NULL;
}

/* The department every store command acts for (--department CODE), kept for cli_department. */
const char *cli_department_option;

#define DEPARTMENT_OPT (LONG_BASE - 1)

int cli_opt_parse(void *args, const cli_opt_spec *specs, const char *command, const char *usage,
                  int argc, char **argv)
{
	struct option longopts[MAX_OPTIONS + 3];
	char shortopts[2 * MAX_OPTIONS + 2] = "h";
	size_t n = 0, k = 1;
	const cli_opt_spec *s;
	int c, rc;

	for (s = specs; s->type != CLI_OPT_END; s++) {
		if (!is_option(s))
			continue;
		if (n == MAX_OPTIONS)
			return cli_error(CLI_INTERNAL, "too many options for one command: '%s'", command);
		longopts[n++] = (struct option){ s->name, takes_value(s) ? required_argument : no_argument,
		                                 NULL, LONG_BASE + (int)(s - specs) };
		if (s->alias) {
			shortopts[k++] = s->alias;
			if (takes_value(s))
				shortopts[k++] = ':';
		}
	}
	/* every command on a store takes --department, unless it has one of its own (init) */
	if (find_name(specs, "db") && !find_name(specs, "department"))
		longopts[n++] = (struct option){ "department", required_argument, NULL, DEPARTMENT_OPT };
	longopts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };
	shortopts[k] = '\0';

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			return CLI_OK;
		}
		if (c == DEPARTMENT_OPT) {
			cli_department_option = optarg;
			continue;
		}
		if (c >= LONG_BASE)
			s = specs + (c - LONG_BASE);
		else if (!(s = find_alias(specs, c))) /* '?': unknown, or its value is missing */
			return bad_option(command, argv);
		if ((rc = store(args, s, command, optarg)) != CLI_PARSED)
			return rc;
	}
	return positionals(args, specs, command, argc, argv, optind);
}

int cli_opt_seq(void *out, const char *text)
{
	uint64_t v;

	if (cli_parse_u64(&v, text) != 0 || v == 0)
		return -1;
	*(uint64_t *)out = v;
	return 0;
}
