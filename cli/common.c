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

const char *cli_department(void)
{
	const char *env = getenv("YAOHAO_DEPARTMENT");

	if (cli_department_option)
		return cli_department_option;
	return env && *env ? env : NULL;
}

int cli_open_store(yh_store **out, const char *option)
{
	int rc = yh_store_open_as(out, cli_db_path(option), cli_department());

	return rc < 0 ? cli_fail(rc) : CLI_OK;
}

int cli_open_store_reader(yh_store **out, const char *option)
{
	int rc = yh_store_open_reader(out, cli_db_path(option), cli_department());

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

/* 1 for a PostgreSQL connection URI (the store is a database, not a file). */
static int is_uri(const char *db)
{
	return strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0;
}

const char *cli_key_path(char *buf, size_t size, const char *key_option, const char *db_path)
{
	if (key_option)
		return key_option;
	if (is_uri(db_path)) {
		/* beside no file: "<database name>.key" in the working directory ("yaohao.key" when
		 * the URI names none), any character but letters, digits, '.', '_' and '-' as '_' */
		const char *p = strstr(db_path, "://") + 3, *name;
		size_t n, i;

		p += strcspn(p, "/?");
		name = *p == '/' ? p + 1 : p + strlen(p);
		n = strcspn(name, "?");
		if (n == 0) {
			name = "yaohao";
			n = 6;
		}
		if (n + 5 > size)
			n = size > 5 ? size - 5 : 0;
		for (i = 0; i < n; i++) {
			char c = name[i];

			buf[i] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			         (c == '.' && i > 0) || c == '_' || c == '-' ? c : '_';
		}
		snprintf(buf + n, size - n, ".key");
		return buf;
	}
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
