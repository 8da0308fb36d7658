/* textbuf.c — a growing NUL-terminated text (textbuf.h). */
#include <stdlib.h>
#include <string.h>

#include "textbuf.h"
#include "error.h"

void yh_textbuf_put(yh_textbuf *b, const char *s, size_t n)
{
	if (b->failed || n == 0)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		if (!(p = realloc(b->p, cap))) {
			free(b->p);
			*b = (yh_textbuf){ .failed = YH_ENOMEM };
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void yh_textbuf_puts(yh_textbuf *b, const char *s)
{
	yh_textbuf_put(b, s, strlen(s));
}
