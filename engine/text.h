/* Private: text rules shared by the importers (UTF-8, control characters, dates). */
#ifndef YH_ENGINE_TEXT_H
#define YH_ENGINE_TEXT_H

#include <stddef.h>

/* The most bytes of one text value: a register field, a task's title or note, a word. */
#define YH_TEXT_MAX 4096

/*
 * Checks that s[0..len) is well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF) without control characters (C0, DEL,
 * C1) and without bidirectional controls or invisible format characters
 * (U+061C, U+200B-U+200F, U+202A-U+202E, U+2060-U+2064, U+2066-U+2069,
 * U+FEFF: anywhere, a byte-order mark inside text included; a file's leading
 * BOM is the CSV reader's to strip).  Returns 0 when it is, else
 * YH_TEXT_NOT_UTF8 (the bytes may be in another encoding), YH_TEXT_CONTROL or
 * YH_TEXT_FORMAT, with a reason in why.  The length is not checked here.
 */
enum { YH_TEXT_FORMAT = -3, YH_TEXT_NOT_UTF8 = -2, YH_TEXT_CONTROL = -1 };
int yh_text_check(const char *s, size_t len, char *why, size_t whysize);

/* Trims ASCII spaces, tabs and U+3000 (ideographic space) at both ends. */
void yh_text_trim(const char **s, size_t *len);

/* 1 if s[0..len) is a real calendar date written YYYY-MM-DD, else 0. */
int yh_text_is_date(const char *s, size_t len);

/* Normalises a date written 2026-12-05, 2026-12-5, 2026/12/5 or 2026年12月5日 (one form
 * throughout; month and day of one or two digits) to YYYY-MM-DD in out; 1 if it is a real
 * calendar date so written, else 0. */
int yh_text_date_normalise(char out[11], const char *s, size_t len);

/* 1 if s[0..len) equals the NUL-terminated word, comparing ASCII letters
 * without regard to case. */
int yh_text_equals(const char *s, size_t len, const char *word);

#endif
