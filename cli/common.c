/* common.c — error reporting, store opening and number parsing for the commands. */
#include <errno.h>
#include <string.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

int cli_fail(int code)
{
	fprintf(stderr, "yaohao: %s%s\n", yh_error_message(), cli_hint_words(yh_error_hint()));
	switch (code) {
	case YH_EDATA:
	case YH_EIO:
		return CLI_BAD_DATA;
	case YH_ESTORE:
	case YH_ESTALE:
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

const char *cli_key_path(char *buf, size_t size, const char *key_option, const char *db_path)
{
	if (key_option)
		return key_option;
	snprintf(buf, size, "%s.key", db_path);
	return buf;
}

int cli_open_store_signing(yh_store **out, yh_key **key, const char *db_option,
                           const char *key_option)
{
	char buf[4096];
	const char *path;
	unsigned char pk[32];
	int rc;

	*key = NULL;
	if ((rc = cli_open_store(out, db_option)) != CLI_OK)
		return rc;
	if (yh_store_public_key(pk, *out) != YH_OK) {
		rc = cli_error(CLI_STORE, "the store has no signing key: '%s' (run 'yaohao key new "
		               "--db %s' once; it signs the existing ledger entries)", yh_store_path(*out),
		               yh_store_path(*out));
		goto fail;
	}
	path = cli_key_path(buf, sizeof(buf), key_option, yh_store_path(*out));
	if ((rc = yh_key_load(key, path)) == YH_ENOTFOUND) {
		rc = cli_error(CLI_STORE, "the store's secret key is not at '%s' (give --key FILE)", path);
		goto fail;
	}
	if (rc < 0 || (rc = yh_store_set_key(*out, *key)) < 0) {
		rc = cli_fail(rc);
		goto fail;
	}
	return CLI_OK;
fail:
	yh_store_close(*out);
	yh_key_free(*key);
	*out = NULL;
	*key = NULL;
	return rc;
}
