/*
 * Private to draw_doc_parse.c and draw_doc_stream.c: what the streaming reader of a document's
 * text hands to the common part of the parser.
 *
 * The two arrays that grow with the register, "selected" and "reserves", are read element by
 * element as the text goes by (draw_doc_stream.c): each element is parsed, checked and
 * converted at once, its canonical text appended to the array's, and its JSON released.  The
 * rest of the document stays a JSON value (the skeleton), with an empty array in place of each
 * streamed one, and is read as before; the first malformed element is reported only when the
 * member checks reach that array, so that messages come in the order they always have.
 */
#ifndef YH_ENGINE_DRAW_DOC_PRIVATE_H
#define YH_ENGINE_DRAW_DOC_PRIVATE_H

#include <stddef.h>
#include <jansson.h>

#include "draw_doc.h"
#include "json_reader.h"

enum { YH_STREAM_SELECTED, YH_STREAM_RESERVES, YH_STREAMS };

typedef struct {
	int present;                 /* the member was streamed (its skeleton entry is a placeholder) */
	void *items;                 /* yh_doc_selected or yh_doc_reserve, malloc()ed */
	size_t n, cap;               /* the elements converted (up to the first malformed one) */
	int rc;                      /* < 0: the first malformed element's failure: */
	char *error;                 /* its message */
	char *text;                  /* the array's canonical (JCS) text, "[...]" */
	size_t len, text_cap;
} yh_doc_streamed;

/* The streamed members' names, by index. */
extern const char *const yh_doc_stream_names[YH_STREAMS];

/* Element readers, as yh_jr_array takes them. */
int yh_doc_selected_read(yh_jr *jr, void *out, json_t *v);
int yh_doc_reserve_read(yh_jr *jr, void *out, json_t *v);
void yh_doc_selected_clear(yh_doc_selected *e);

/* The common part of both parsers: json is the whole document or the skeleton; streamed NULL or
 * YH_STREAMS entries, whose items, texts and errors are taken over (and cleared) either way;
 * arena: where the texts of streamed elements were copied, taken over too (NULL: a new one). */
int yh_draw_doc_build(yh_draw_doc **out, json_t *json, yh_draw_doc_kind kind, yh_doc_streamed *streamed,
                      yh_jr_arena *arena);

/* Releases what a yh_doc_streamed holds (items, text, error). */
void yh_doc_streamed_clear(yh_doc_streamed *s, size_t index);

#endif
