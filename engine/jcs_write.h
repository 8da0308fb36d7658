/*
 * jcs_write.h — private: canonical JSON written piece by piece, for a writer that knows its
 * members' order (transcript.c's entries) and need not build a jansson value first.
 */
#ifndef YH_ENGINE_JCS_WRITE_H
#define YH_ENGINE_JCS_WRITE_H

#include <stddef.h>

#include "textbuf.h"

/* Appends s (n bytes of valid UTF-8) as a JSON string, escaped as RFC 8785 says. */
void yh_jcs_put_string(yh_textbuf *b, const char *s, size_t n);

#endif
