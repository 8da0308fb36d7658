/* text.c — UTF-8 and control-character rules, trimming, date syntax. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "text.h"

/* Bidirectional controls and invisible format characters: they make text display
 * differently from its bytes (a name reversed by U+202E, a word split by U+200B). */
static const char *format_character(unsigned cp)
{
	if (cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069))
		return "bidirectional control character";
	if ((cp >= 0x200b && cp <= 0x200d) || (cp >= 0x2060 && cp <= 0x2064) || cp == 0xfeff)
		return "invisible format character";
	return NULL;
}

int yh_text_check(const char *str, size_t len, char *why, size_t whysize)
{
	const unsigned char *s = (const unsigned char *)str;
	const char *kind;
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i], cp, need, k;

		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f) {
				snprintf(why, whysize, "control character 0x%02x at byte %zu", c, i + 1);
				return -1;
			}
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1; cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2; cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3; cp = c & 0x07;
		} else {
			goto bad;
		}
		if (len - i <= need)
			goto bad;
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				goto bad;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			goto bad;
		if (cp >= 0x80 && cp <= 0x9f) {
			snprintf(why, whysize, "control character U+%04X at byte %zu", cp, i + 1);
			return -1;
		}
		if ((kind = format_character(cp)) != NULL) {
			snprintf(why, whysize, "%s U+%04X at byte %zu (text would read differently from "
			         "its bytes)", kind, cp, i + 1);
			return YH_TEXT_FORMAT;
		}
		i += need + 1;
	}
	return 0;
bad:
	snprintf(why, whysize, "invalid UTF-8 at byte %zu (0x%02x); is the file in another "
	         "encoding?", i + 1, s[i]);
	return YH_TEXT_NOT_UTF8;
}

void yh_text_trim(const char **sp, size_t *lenp)
{
	const char *s = *sp;
	size_t len = *lenp;

	for (;;) {
		if (len && (s[0] == ' ' || s[0] == '\t')) {
			s++, len--;
		} else if (len >= 3 && memcmp(s, "\xE3\x80\x80", 3) == 0) {
			s += 3, len -= 3;
		} else {
			break;
		}
	}
	for (;;) {
		if (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) {
			len--;
		} else if (len >= 3 && memcmp(s + len - 3, "\xE3\x80\x80", 3) == 0) {
			len -= 3;
		} else {
			break;
		}
	}
	*sp = s;
	*lenp = len;
}

int yh_text_is_date(const char *s, size_t len)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d, i, leap;

	if (len != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1900 || m < 1 || m > 12 || d < 1)
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

/* Reads 1..max digits at *s; -1 if there are none or more. */
static int read_number(const char **s, const char *end, int max)
{
	int v = 0, n = 0;

	while (*s < end && **s >= '0' && **s <= '9') {
		if (++n > max)
			return -1;
		v = v * 10 + (**s - '0');
		(*s)++;
	}
	return n ? v : -1;
}

/* Consumes sep at *s; 0 if it is not there. */
static int read_sep(const char **s, const char *end, const char *sep)
{
	size_t n = strlen(sep);

	if ((size_t)(end - *s) < n || memcmp(*s, sep, n) != 0)
		return 0;
	*s += n;
	return 1;
}

int yh_text_date_normalise(char out[11], const char *s, size_t len)
{
	static const char *const forms[][3] = {
		{ "-", "-", "" }, { "/", "/", "" }, { "\xe5\xb9\xb4", "\xe6\x9c\x88", "\xe6\x97\xa5" },
	};
	const char *end = s + len;
	size_t f;

	for (f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
		const char *p = s;
		int y, m, d;

		if ((size_t)(end - p) < 4 || (y = read_number(&p, p + 4, 4)) < 0 || p != s + 4 ||
		    !read_sep(&p, end, forms[f][0]) || (m = read_number(&p, end, 2)) < 0 ||
		    !read_sep(&p, end, forms[f][1]) || (d = read_number(&p, end, 2)) < 0 ||
		    (*forms[f][2] && !read_sep(&p, end, forms[f][2])) || p != end)
			continue;
		memcpy(out, s, 4);   /* four digits, as read */
		out[4] = out[7] = '-';
		out[5] = (char)('0' + m / 10);
		out[6] = (char)('0' + m % 10);
		out[8] = (char)('0' + d / 10);
		out[9] = (char)('0' + d % 10);
		out[10] = '\0';
		return yh_text_is_date(out, 10);
	}
	return 0;
}

int yh_text_equals(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && strncasecmp(s, word, len) == 0;
}
