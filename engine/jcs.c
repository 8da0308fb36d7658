/* jcs.c — RFC 8785 canonical JSON serialisation for yaohao's integer-only documents. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaohao/jcs.h"
#include "error.h"
#include "jcs_write.h"
#include "textbuf.h"

typedef yh_textbuf buffer;

static void put(buffer *b, const char *s, size_t n)
{
	yh_textbuf_put(b, s, n);
}

static void put_string(buffer *b, const char *s, size_t n)
{
	size_t i, start = 0;

	put(b, "\"", 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];
		const char *e = NULL;

		switch (c) {
		case '"': e = "\\\""; break;
		case '\\': e = "\\\\"; break;
		case '\b': e = "\\b"; break;
		case '\f': e = "\\f"; break;
		case '\n': e = "\\n"; break;
		case '\r': e = "\\r"; break;
		case '\t': e = "\\t"; break;
		default:
			if (c < 0x20) {
				snprintf(esc, sizeof(esc), "\\u%04x", c);
				e = esc;
			}
		}
		if (e) {
			put(b, s + start, i - start);
			put(b, e, strlen(e));
			start = i + 1;
		}
	}
	put(b, s + start, n - start);
	put(b, "\"", 1);
}

void yh_jcs_put_string(yh_textbuf *b, const char *s, size_t n)
{
	put_string(b, s, n);
}

/* Next UTF-16 code unit of a UTF-8 string (jansson has validated it). */
static unsigned utf16_unit(const unsigned char **sp, unsigned *pending)
{
	const unsigned char *s = *sp;
	unsigned cp;

	if (*pending) {
		unsigned u = *pending;

		*pending = 0;
		return u;
	}
	if (s[0] < 0x80) {
		cp = s[0];
		*sp = s + 1;
	} else if (s[0] < 0xe0) {
		cp = ((s[0] & 0x1fu) << 6) | (s[1] & 0x3fu);
		*sp = s + 2;
	} else if (s[0] < 0xf0) {
		cp = ((s[0] & 0x0fu) << 12) | ((s[1] & 0x3fu) << 6) | (s[2] & 0x3fu);
		*sp = s + 3;
	} else {
		cp = ((s[0] & 0x07u) << 18) | ((s[1] & 0x3fu) << 12) | ((s[2] & 0x3fu) << 6) | (s[3] & 0x3fu);
		*sp = s + 4;
		cp -= 0x10000;
		*pending = 0xdc00 + (cp & 0x3ff);
		return 0xd800 + (cp >> 10);
	}
	return cp;
}

static int cmp_utf16(const void *a, const void *b)
{
	const unsigned char *x = *(const unsigned char *const *)a, *y = *(const unsigned char *const *)b;
	unsigned px = 0, py = 0;

	for (;;) {
		unsigned ux, uy;

		if ((!*x && !px) || (!*y && !py))
			return (*x || px) - (*y || py);
		ux = utf16_unit(&x, &px);
		uy = utf16_unit(&y, &py);
		if (ux != uy)
			return ux < uy ? -1 : 1;
	}
}

static void put_value(buffer *b, const json_t *v, int depth)
{
	char num[32];
	size_t i, n;

	if (b->failed)
		return;
	if (depth > 64) {
		b->failed = YH_EINVAL;
		return;
	}
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char **keys;
		const char *key;
		json_t *child;

		n = json_object_size(v);
		if (!(keys = malloc((n + 1) * sizeof(*keys)))) {
			b->failed = YH_ENOMEM;
			return;
		}
		i = 0;
		json_object_foreach((json_t *)v, key, child)
			keys[i++] = key;
		qsort(keys, n, sizeof(*keys), cmp_utf16);
		put(b, "{", 1);
		for (i = 0; i < n; i++) {
			if (i)
				put(b, ",", 1);
			put_string(b, keys[i], strlen(keys[i]));
			put(b, ":", 1);
			put_value(b, json_object_get(v, keys[i]), depth + 1);
		}
		put(b, "}", 1);
		free(keys);
		break;
	}
	case JSON_ARRAY:
		put(b, "[", 1);
		for (i = 0; i < json_array_size(v); i++) {
			if (i)
				put(b, ",", 1);
			put_value(b, json_array_get(v, i), depth + 1);
		}
		put(b, "]", 1);
		break;
	case JSON_STRING:
		put_string(b, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		if (json_integer_value(v) > 9007199254740992LL || json_integer_value(v) < -9007199254740992LL) {
			b->failed = YH_EINVAL;
			return;
		}
		n = (size_t)snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		put(b, num, n);
		break;
	case JSON_TRUE: put(b, "true", 4); break;
	case JSON_FALSE: put(b, "false", 5); break;
	case JSON_NULL: put(b, "null", 4); break;
	default:
		b->failed = YH_EINVAL; /* reals: yaohao's documents hold none */
	}
}

int yh_jcs_dump(char **out, const json_t *value)
{
	buffer b = { 0 };

	*out = NULL;
	if (!value)
		return yh_error_set(YH_ENOMEM, "out of memory building a document");
	put_value(&b, value, 0);
	if (b.failed) {
		free(b.p);
		return b.failed == YH_ENOMEM ? yh_error_set(YH_ENOMEM, "out of memory building a document")
		                             : yh_error_set(YH_EINVAL, "a document holds a real number, a "
		                                            "huge integer or is nested too deep");
	}
	*out = b.p;
	return YH_OK;
}
