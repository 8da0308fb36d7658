/*
 * textbuf.h — a growing NUL-terminated text, for the writers that build a document piece by piece
 * (jcs.c, page.c, document_publish.c).  Appending never reports: the first allocation that fails
 * frees the text and sets `failed` to YH_ENOMEM, later appends do nothing, and the writer looks
 * at `failed` once at the end.  A writer may set `failed` to its own code to stop appending.
 */
#ifndef YH_ENGINE_TEXTBUF_H
#define YH_ENGINE_TEXTBUF_H

#include <stddef.h>

typedef struct {
	char *p;                     /* NULL until the first append, and after a failure */
	size_t len, cap;
	int failed;
} yh_textbuf;

void yh_textbuf_put(yh_textbuf *b, const char *s, size_t n);
void yh_textbuf_puts(yh_textbuf *b, const char *s);

#endif
