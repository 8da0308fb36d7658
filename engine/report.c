/* report.c — verification reports and the readers the verifiers share. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "report.h"

/* Length of the valid UTF-8 sequence at s (as jansson accepts it), or 0. */
static size_t utf8_sequence(const unsigned char *s)
{
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
		return 0;
	return n;
}

/* Makes a formatted text valid UTF-8, so that JSON can hold it: vsnprintf may have cut a
 * character in two, and a path or a value quoted from a file may hold any bytes.  Each byte
 * that is not part of a valid sequence becomes '?'. */
static void utf8_clean(char *text)
{
	unsigned char *s = (unsigned char *)text;

	while (*s) {
		size_t n = utf8_sequence(s);

		if (n == 0)
			*s++ = '?';
		else
			s += n;
	}
}

/* Appends one check; the hint, when there is one, says what the reader could give to have it
 * run (a front end puts it in its own words). */
static void add_check(yh_report *r, const char *name, const char *status, yh_hint hint,
                      const char *fmt, va_list ap)
{
	char detail[1024];
	json_t *c;

	vsnprintf(detail, sizeof(detail), fmt, ap);
	utf8_clean(detail);
	if (strcmp(status, "failed") == 0)
		r->failed++;
	c = json_pack("{s:s, s:s, s:s}", "check", name, "status", status, "detail", detail);
	if (c && hint != YH_HINT_NONE)
		json_object_set_new(c, "hint", json_string(yh_hint_name(hint)));
	json_array_append_new(r->checks, c);
}

void yh_report_check(yh_report *r, const char *name, const char *status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_check(r, name, status, YH_HINT_NONE, fmt, ap);
	va_end(ap);
}

void yh_report_skip(yh_report *r, const char *name, yh_hint hint, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_check(r, name, "skipped", hint, fmt, ap);
	va_end(ap);
}

void yh_report_guarantee(yh_report *r, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	utf8_clean(text);
	json_array_append_new(r->guarantees, json_string(text));
}

int yh_read_file(char **out, size_t *len, const char *path, size_t max)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL, *p;
	size_t cap = 0, n;

	*out = NULL;
	*len = 0;
	if (!fp)
		return yh_error_set(YH_EIO, "cannot open the file: '%s'", path);
	do {
		if (*len + 1 >= cap) {
			cap = cap ? cap * 2 : 65536;
			if (cap > max + 1 || !(p = realloc(buf, cap))) {
				free(buf);
				fclose(fp);
				return yh_error_set(cap > max + 1 ? YH_EDATA : YH_ENOMEM,
				                    "the file is too large: '%s'", path);
			}
			buf = p;
		}
		n = fread(buf + *len, 1, cap - *len - 1, fp);
		*len += n;
	} while (n > 0);
	fclose(fp);
	buf[*len] = '\0';
	*out = buf;
	return YH_OK;
}

int yh_get_hex(unsigned char *out, size_t n, json_t *v)
{
	return yh_unhex(out, n, json_string_value(v));
}

int yh_unhex(unsigned char *out, size_t n, const char *s)
{
	size_t len = 0;

	if (!s || strlen(s) != 2 * n)
		return -1;
	for (len = 0; len < 2 * n; len++)
		if (!((s[len] >= '0' && s[len] <= '9') || (s[len] >= 'a' && s[len] <= 'f')))
			return -1; /* lower case only: the hex in documents is canonical */
	return sodium_hex2bin(out, n, s, 2 * n, NULL, &len, NULL) == 0 && len == n ? 0 : -1;
}

json_t *yh_json_path(json_t *v, const char *a, const char *b)
{
	v = json_object_get(v, a);
	return b ? json_object_get(v, b) : v;
}

void yh_hex(char *out, const unsigned char *in, size_t n)
{
	sodium_bin2hex(out, n * 2 + 1, in, n);
}

/* (verify.h) the one JSON reader of the store-free verifiers: no duplicate members */
int yh_verify_load_json(json_t **out, const char *data, size_t len, const char *name,
                        const char *what)
{
	json_error_t err;

	if (!(*out = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err)))
		return yh_error_set(YH_EDATA, "%s:%d:%d: not %s: %s", name, err.line, err.column, what, err.text);
	return YH_OK;
}

json_t *yh_hex_json(const unsigned char *in, size_t n)
{
	char hex[129];

	yh_hex(hex, in, n > 64 ? 64 : n);
	return json_string(hex);
}
