/* common.c — error reporting, store opening and number parsing for the commands. */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

int cli_fail(int code)
{
	fprintf(stderr, "yaohao: %s\n", yh_error_message());
	switch (code) {
	case YH_EDATA:
	case YH_EIO:
		return CLI_BAD_DATA;
	case YH_ESTORE:
	case YH_EEXIST:
	case YH_ENOTFOUND:
		return CLI_STORE;
	case YH_EINVAL:
		return CLI_USAGE;
	default:
		return CLI_INTERNAL;
	}
}

int cli_error(int exit_code, const char *fmt, ...)
{
	va_list ap;

	fputs("yaohao: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return exit_code;
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
	va_list ap;

	fputs("yaohao: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nrun 'yaohao %s --help' for usage\n", command);
	return CLI_USAGE;
}

const char *cli_db_path(const char *option)
{
	const char *env = getenv("YAOHAO_DB");

	if (option)
		return option;
	if (env && *env)
		return env;
	return YH_STORE_DEFAULT_PATH;
}

int cli_open_store(yh_store **out, const char *option)
{
	int rc = yh_store_open(out, cli_db_path(option));

	return rc < 0 ? cli_fail(rc) : CLI_OK;
}

int cli_parse_u64(uint64_t *out, const char *text)
{
	char *end;
	unsigned long long v;

	if (!text || *text < '0' || *text > '9')
		return -1;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int cli_print_json(json_t *value)
{
	int rc;

	if (!value)
		return cli_error(CLI_INTERNAL, "out of memory");
	rc = json_dumpf(value, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(value);
	fputc('\n', stdout);
	return rc == 0 ? CLI_OK : cli_error(CLI_INTERNAL, "cannot write the output");
}

int cli_bad_option(const char *command, char **argv)
{
	const char *opt = argv[optind - 1];

	if (optopt && optopt < 256 && strncmp(opt, "--", 2) != 0)
		return cli_usage_error(command, "unknown option or missing value: '-%c'", optopt);
	return cli_usage_error(command, "unknown option or missing value: '%s'", opt);
}
