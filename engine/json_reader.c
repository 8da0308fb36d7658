/* json_reader.c — reading JSON members into C values with the member's path kept for messages
 * (see json_reader.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_reader.h"
#include "report.h"

/* ---- the arena ---------------------------------------------------------------------- */

#define ARENA_BLOCK ((size_t)256 * 1024)

typedef struct block {
	struct block *next;
	size_t used, cap;
	max_align_t data[];
} block;

struct yh_jr_arena {
	block *head;                 /* the block being filled; the others follow */
};

int yh_jr_arena_new(yh_jr_arena **out)
{
	if (!(*out = calloc(1, sizeof(**out))))
		return yh_error_set(YH_ENOMEM, "out of memory");
	return YH_OK;
}

void yh_jr_arena_free(yh_jr_arena *a)
{
	block *b, *next;

	if (!a)
		return;
	for (b = a->head; b; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

void *yh_jr_arena_alloc(yh_jr_arena *a, size_t n)
{
	size_t align = sizeof(max_align_t);
	block *b = a->head;
	size_t at = b ? (b->used + align - 1) / align * align : 0;
	void *p;

	if (!b || at > b->cap || b->cap - at < n) {
		/* a request larger than a quarter block gets a block of its own, behind the one
		 * being filled, which goes on being filled */
		size_t cap = n > ARENA_BLOCK / 4 ? n : ARENA_BLOCK;

		if (!(b = malloc(sizeof(*b) + cap)))
			return NULL;
		b->cap = cap;
		if (cap == n && cap != ARENA_BLOCK && a->head) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
		at = 0;
	}
	p = (char *)b->data + at;
	b->used = at + n;
	memset(p, 0, n);
	return p;
}

char *yh_jr_arena_copy(yh_jr_arena *a, const char *s, size_t n)
{
	block *b = a->head;
	char *p;

	/* texts are packed byte by byte, not aligned */
	if (b && b->cap - b->used >= n + 1) {
		p = (char *)b->data + b->used;
		b->used += n + 1;
	} else if (!(p = yh_jr_arena_alloc(a, n + 1))) {
		return NULL;
	}
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* ---- the path ----------------------------------------------------------------------- */

void yh_jr_init(yh_jr *jr, const char *path)
{
	jr->arena = NULL;
	jr->len = 0;
	jr->path[0] = '\0';
	if (*path)
		yh_jr_enter(jr, path);
}

/* After n bytes were written at `was`: a path too long for the buffer is cut, so that
 * messages stay bounded. */
static size_t grown(yh_jr *jr, size_t was, int n)
{
	jr->len = n < 0 || (size_t)n >= sizeof(jr->path) - was ? sizeof(jr->path) - 1 : was + (size_t)n;
	return was;
}

size_t yh_jr_enter(yh_jr *jr, const char *key)
{
	size_t was = jr->len;

	return grown(jr, was, snprintf(jr->path + was, sizeof(jr->path) - was, "%s%s", was ? "." : "", key));
}

size_t yh_jr_index(yh_jr *jr, size_t i)
{
	size_t was = jr->len;

	return grown(jr, was, snprintf(jr->path + was, sizeof(jr->path) - was, "[%zu]", i));
}

void yh_jr_leave(yh_jr *jr, size_t was)
{
	jr->len = was;
	jr->path[was] = '\0';
}

int yh_jr_fail(yh_jr *jr, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return yh_error_set(YH_EDATA, "%s: %s", jr->path, msg);
}

json_t *yh_jr_member(yh_jr *jr, json_t *obj, const char *key, json_type type)
{
	json_t *v = json_object_get(obj, key);
	size_t was;

	if (v && json_typeof(v) == type)
		return v;
	was = yh_jr_enter(jr, key);
	yh_error_set(YH_EDATA, "member %s is missing or of the wrong type", jr->path);
	yh_jr_leave(jr, was);
	return NULL;
}

/* A member the format does not define would be signed, but checked by nobody. */
int yh_jr_object(yh_jr *jr, json_t *obj, const char *const *names)
{
	const char *key;
	json_t *v;

	if (!json_is_object(obj))
		return yh_jr_fail(jr, "not an object");
	json_object_foreach(obj, key, v) {
		size_t i, was;
		int rc;

		for (i = 0; names[i] && strcmp(names[i], key) != 0; i++)
			;
		if (names[i])
			continue;
		was = yh_jr_enter(jr, key);
		rc = yh_jr_fail(jr, "not a member of the format");
		yh_jr_leave(jr, was);
		return rc;
	}
	return YH_OK;
}

/* A NUL inside would make C and JSON see two different strings. */
int yh_jr_text_value(yh_jr *jr, const char **out, json_t *v, size_t max)
{
	if (!json_is_string(v))
		return yh_jr_fail(jr, "not a string");
	if (json_string_length(v) > max)
		return yh_jr_fail(jr, "longer than %zu bytes", max);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return yh_jr_fail(jr, "holds a NUL character");
	if (!jr->arena)
		*out = json_string_value(v);
	else if (!(*out = yh_jr_arena_copy(jr->arena, json_string_value(v), json_string_length(v))))
		return yh_error_set(YH_ENOMEM, "out of memory");
	return YH_OK;
}

int yh_jr_text(yh_jr *jr, const char **out, json_t *obj, const char *key, size_t max)
{
	json_t *v = yh_jr_member(jr, obj, key, JSON_STRING);
	size_t was;
	int rc;

	if (!v)
		return YH_EDATA;
	was = yh_jr_enter(jr, key);
	rc = yh_jr_text_value(jr, out, v, max);
	yh_jr_leave(jr, was);
	return rc;
}

int yh_jr_uint(yh_jr *jr, uint64_t *out, json_t *obj, const char *key)
{
	json_t *v = yh_jr_member(jr, obj, key, JSON_INTEGER);
	size_t was;
	int rc;

	if (!v)
		return YH_EDATA;
	if (json_integer_value(v) >= 0 && json_integer_value(v) <= YH_JR_INT_MAX) {
		*out = (uint64_t)json_integer_value(v);
		return YH_OK;
	}
	was = yh_jr_enter(jr, key);
	rc = yh_jr_fail(jr, "%lld is out of range (0 to %lld)", (long long)json_integer_value(v),
	                YH_JR_INT_MAX);
	yh_jr_leave(jr, was);
	return rc;
}

int yh_jr_hash_value(yh_jr *jr, unsigned char out[32], json_t *v)
{
	if (!json_is_string(v))
		return yh_jr_fail(jr, "not a string");
	if (yh_unhex(out, 32, json_string_value(v)) != 0)
		return yh_jr_fail(jr, "not 64 hex digits");
	return YH_OK;
}

int yh_jr_hash(yh_jr *jr, unsigned char out[32], json_t *obj, const char *key)
{
	json_t *v = yh_jr_member(jr, obj, key, JSON_STRING);
	size_t was;
	int rc;

	if (!v)
		return YH_EDATA;
	was = yh_jr_enter(jr, key);
	rc = yh_jr_hash_value(jr, out, v);
	yh_jr_leave(jr, was);
	return rc;
}

int yh_jr_array(yh_jr *jr, void **out, size_t *n, size_t size, json_t *obj, const char *key,
                yh_jr_element_fn fn)
{
	json_t *a = key ? yh_jr_member(jr, obj, key, JSON_ARRAY) : obj, *v;
	size_t was = key ? yh_jr_enter(jr, key) : jr->len, i;
	int rc = YH_OK;

	*out = NULL;
	*n = 0;
	if (!a)
		rc = YH_EDATA;
	else if (!json_is_array(a))
		rc = yh_jr_fail(jr, "not an array");
	else if (!(*out = calloc(json_array_size(a) + 1, size)))
		rc = yh_error_set(YH_ENOMEM, "out of memory");
	if (rc == YH_OK) {
		json_array_foreach(a, i, v) {
			size_t at = yh_jr_index(jr, i);

			rc = fn(jr, (char *)*out + i * size, v);
			yh_jr_leave(jr, at);
			if (rc < 0)
				break;
			(*n)++;
		}
	}
	yh_jr_leave(jr, was);
	return rc;
}
