/* Private: text rules shared by the importers (UTF-8, control characters, dates). */
#ifndef YH_ENGINE_TEXT_H
#define YH_ENGINE_TEXT_H

#include <stddef.h>

/*
 * Checks that s[0..len) is well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF) without control characters (C0, DEL,
 * C1).  Returns 0 when it is, else YH_TEXT_NOT_UTF8 (the bytes may be in another
 * encoding) or YH_TEXT_CONTROL, with a reason in why.
 */
enum { YH_TEXT_NOT_UTF8 = -2, YH_TEXT_CONTROL = -1 };
int yh_text_check(const char *s, size_t len, char *why, size_t whysize);

/* Trims ASCII spaces, tabs and U+3000 (ideographic space) at both ends. */
void yh_text_trim(const char **s, size_t *len);

/* 1 if s[0..len) is a real calendar date written YYYY-MM-DD, else 0. */
int yh_text_is_date(const char *s, size_t len);

/* 1 if s[0..len) equals the NUL-terminated word, comparing ASCII letters
 * without regard to case. */
int yh_text_equals(const char *s, size_t len, const char *word);

#endif
