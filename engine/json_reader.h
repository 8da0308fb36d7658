/* Private: reading the members of a JSON value into C values while keeping the path of the
 * member being read ("selected[12].team[0].pair_ticket"), so that a parser of a published
 * format (draw_doc_parse.c, proof_parse.c) names exactly what is malformed.  Every failure
 * sets the error (YH_EDATA) as "<path>: <what is wrong>", or for a member that is missing or of
 * the wrong type "member <path> is missing or of the wrong type". */
#ifndef YH_ENGINE_JSON_READER_H
#define YH_ENGINE_JSON_READER_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "error.h"

#define YH_JR_INT_MAX 9007199254740991LL     /* 2^53 - 1: integers every JSON reader agrees on */

/* Where the texts read are copied so that they outlive the JSON value (see yh_jr.arena): blocks
 * that are only ever appended to, released together. */
typedef struct yh_jr_arena yh_jr_arena;

int yh_jr_arena_new(yh_jr_arena **out);
void yh_jr_arena_free(yh_jr_arena *a);                  /* NULL-safe */

/* A copy of s[0..n) and a NUL in the arena, or NULL when out of memory. */
char *yh_jr_arena_copy(yh_jr_arena *a, const char *s, size_t n);

/* n zeroed bytes, aligned for any member type, or NULL when out of memory. */
void *yh_jr_arena_alloc(yh_jr_arena *a, size_t n);

typedef struct {
	char path[256];
	size_t len;
	yh_jr_arena *arena;          /* NULL: texts point into the JSON value; else copied here */
} yh_jr;

/* Starts at `path` ("" for the top), with no arena. */
void yh_jr_init(yh_jr *jr, const char *path);

/* Appends ".key" or "[i]" to the path; returns what yh_jr_leave takes to undo it. */
size_t yh_jr_enter(yh_jr *jr, const char *key);
size_t yh_jr_index(yh_jr *jr, size_t i);
void yh_jr_leave(yh_jr *jr, size_t was);

/* Sets the error "<path>: <fmt...>" and returns YH_EDATA. */
int yh_jr_fail(yh_jr *jr, const char *fmt, ...) YH_PRINTF(2, 3);

/* obj[key] when it has JSON type `type`; NULL with the error set otherwise. */
json_t *yh_jr_member(yh_jr *jr, json_t *obj, const char *key, json_type type);

/* Refuses an object that is not one, or has members other than `names` (NULL-terminated). */
int yh_jr_object(yh_jr *jr, json_t *obj, const char *const *names);

/* Text of at most max bytes with no NUL inside (v itself, or obj[key]); in jr's arena when it
 * has one. */
int yh_jr_text_value(yh_jr *jr, const char **out, json_t *v, size_t max);
int yh_jr_text(yh_jr *jr, const char **out, json_t *obj, const char *key, size_t max);

/* A whole number from 0 to YH_JR_INT_MAX. */
int yh_jr_uint(yh_jr *jr, uint64_t *out, json_t *obj, const char *key);

/* 32 bytes as 64 lower-case hex digits (v itself, or obj[key]). */
int yh_jr_hash_value(yh_jr *jr, unsigned char out[32], json_t *v);
int yh_jr_hash(yh_jr *jr, unsigned char out[32], json_t *obj, const char *key);

/* An array (obj[key], or obj itself when key is NULL) whose elements fn reads into a new
 * array of elements of `size` bytes (*out, free() it; zeroed; *n the elements read). */
typedef int (*yh_jr_element_fn)(yh_jr *jr, void *out, json_t *v);
int yh_jr_array(yh_jr *jr, void **out, size_t *n, size_t size, json_t *obj, const char *key,
                yh_jr_element_fn fn);

#endif
