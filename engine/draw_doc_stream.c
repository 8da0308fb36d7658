/* draw_doc_stream.c — reading a draw document's text without ever holding its whole JSON tree
 * (see draw_doc.h and draw_doc_private.h).
 *
 * The text is read through a window of a megabyte or so.  The top-level object is split into
 * its members here; each member's value is handed to jansson on its own, so jansson still
 * judges every value, byte for byte.  "selected" and "reserves" are split further into their
 * elements, which are converted and released one by one.  Anything this reader does not expect
 * — a text that is not an object, a key given twice, a value jansson refuses, bytes after the
 * object, nesting deeper than any document has — sends the whole text to jansson instead, which
 * either gives its own message (line and column) or a tree, parsed as before: the answer is
 * always the one jansson's parse of the whole text would give. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "yaohao/jcs.h"
#include "draw_doc.h"
#include "draw_doc_private.h"
#include "json_reader.h"
#include "report.h"
#include "verify.h"
#include "error.h"

#define WINDOW ((size_t)1 << 20)
#define MAX_DEPTH 256                  /* deeper than any document: left to jansson's own limit */
#define LOAD_FLAGS (JSON_DECODE_ANY | JSON_REJECT_DUPLICATES)

typedef struct {
	FILE *fp;                    /* NULL: the whole text is buf[0..end) */
	const char *path;
	const char *buf;             /* the window: [pos, end) not yet consumed */
	char *own;                   /* the window's buffer when reading a file */
	size_t pos, end, cap;
	uint64_t total, limit;       /* bytes read; a file of limit bytes or more is too large */
	int eof;
	int rc;                      /* < 0: reading failed (the error is set) */
} source;

static size_t window;

size_t yh_draw_doc_set_window(size_t bytes)
{
	size_t old = window;

	window = bytes;
	return old;
}

/* The size from which yh_read_file refuses a file: it doubles its buffer from 64 KiB up to
 * max + 1 bytes and needs room for one byte more than the file. */
static uint64_t too_large(size_t max)
{
	uint64_t cap = 65536;

	while (cap * 2 <= (uint64_t)max + 1)
		cap *= 2;
	return cap - 1;
}

/* Reads more of the file into the window, keeping what is not consumed; 0 at the end. */
static int more(source *s)
{
	size_t n;

	if (!s->fp || s->eof || s->rc < 0)
		return 0;
	if (s->pos > 0) {
		memmove(s->own, s->own + s->pos, s->end - s->pos);
		s->end -= s->pos;
		s->pos = 0;
	}
	if (s->end == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : window ? window : WINDOW;
		char *p = realloc(s->own, cap);

		if (!p) {
			s->rc = yh_error_set(YH_ENOMEM, "out of memory");
			return 0;
		}
		s->buf = s->own = p;
		s->cap = cap;
	}
	n = fread(s->own + s->end, 1, s->cap - s->end, s->fp);
	s->total += n;
	if (s->total >= s->limit) {
		s->rc = yh_error_set(YH_EDATA, "the file is too large: '%s'", s->path);
		return 0;
	}
	if (n == 0) {
		s->eof = 1;
		return 0;
	}
	s->end += n;
	return 1;
}

/* The byte k after the cursor, or -1 at the end of the text. */
static inline int at(source *s, size_t k)
{
	while (s->pos + k >= s->end)
		if (!more(s))
			return -1;
	return (unsigned char)s->buf[s->pos + k];
}

static void skip_ws(source *s)
{
	int c;

	while ((c = at(s, 0)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		s->pos++;
}

/* Past the string that starts at *k (a quote); 0 when the text ends first. */
static int skip_string(source *s, size_t *k)
{
	size_t i = *k + 1;

	for (;;) {
		int c = at(s, i);

		if (c < 0)
			return 0;
		if (c == '"') {
			*k = i + 1;
			return 1;
		}
		i += c == '\\' ? 2 : 1;
	}
}

/* The length of the value at the cursor as far as its brackets and quotes tell; 0 when they do
 * not close, or nest too deep.  What the value holds is jansson's to judge. */
static size_t extent(source *s)
{
	size_t k = 0;
	int depth = 0, c = at(s, 0);

	if (c == '"')
		return skip_string(s, &k) ? k : 0;
	if (c != '{' && c != '[') {
		while ((c = at(s, k)) >= 0 && c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != ',' &&
		       c != ']' && c != '}')
			k++;
		return k;
	}
	for (;;) {
		if ((c = at(s, k)) < 0)
			return 0;
		if (c == '"') {
			if (!skip_string(s, &k))
				return 0;
			continue;
		}
		k++;
		if ((c == '{' || c == '[') && ++depth > MAX_DEPTH)
			return 0;
		if ((c == '}' || c == ']') && --depth == 0)
			return k;
	}
}

/* The value at the cursor, parsed by jansson and consumed; NULL when it is not one. */
static json_t *take_value(source *s)
{
	size_t len = extent(s);
	json_error_t err;
	json_t *v;

	if (!len || s->rc < 0)
		return NULL;
	v = json_loadb(s->buf + s->pos, len, LOAD_FLAGS, &err);
	s->pos += len;
	return v;
}

static int text_put(yh_doc_streamed *st, const char *p, size_t n)
{
	if (st->len + n + 1 > st->text_cap) {
		size_t cap = st->text_cap ? st->text_cap : 4096;
		char *t;

		while (cap < st->len + n + 1)
			cap *= 2;
		if (!(t = realloc(st->text, cap)))
			return yh_error_set(YH_ENOMEM, "out of memory");
		st->text = t;
		st->text_cap = cap;
	}
	memcpy(st->text + st->len, p, n);
	st->len += n;
	st->text[st->len] = '\0';
	return YH_OK;
}

/* Room for one more item of `size` bytes. */
static int room(yh_doc_streamed *st, size_t size)
{
	size_t cap = st->cap ? st->cap * 2 : 256;
	void *p;

	if (st->n < st->cap)
		return YH_OK;
	if (!(p = realloc(st->items, cap * size)))
		return yh_error_set(YH_ENOMEM, "out of memory");
	st->items = p;
	st->cap = cap;
	return YH_OK;
}

/* One element: converted into the next item, its canonical text appended.  After the first
 * malformed element the rest are only parsed (a JSON error further on still comes first). */
static int convert(yh_doc_streamed *st, int which, yh_jr *jr, size_t i, json_t *v)
{
	size_t size = which == YH_STREAM_SELECTED ? sizeof(yh_doc_selected) : sizeof(yh_doc_reserve), at;
	yh_jr_element_fn fn = which == YH_STREAM_SELECTED ? yh_doc_selected_read : yh_doc_reserve_read;
	char *text = NULL;
	int rc;

	if (st->rc < 0)
		return YH_OK;
	if ((rc = room(st, size)) < 0)
		return rc;
	memset((char *)st->items + st->n * size, 0, size);
	at = yh_jr_index(jr, i);
	rc = fn(jr, (char *)st->items + st->n * size, v);
	yh_jr_leave(jr, at);
	if (rc == YH_ENOMEM)
		return rc;
	if (rc < 0) {
		st->rc = rc;
		return (st->error = strdup(yh_error_message())) ? YH_OK : yh_error_set(YH_ENOMEM, "out of memory");
	}
	st->n++;
	/* a converted element is shallow and holds texts and whole numbers only: it has a text */
	if ((rc = yh_jcs_dump(&text, v)) == YH_OK && (rc = text_put(st, i ? "," : "", i ? 1 : 0)) == YH_OK)
		rc = text_put(st, text, strlen(text));
	free(text);
	return rc;
}

/* ---- the fast path: an element exactly of the format's shape ------------------------------
 *
 * Nearly every element of a real document is a plain one: the format's members, each once,
 * strings with no escape and no control character, whole numbers in range, lower-case hex.
 * Such an element is read here straight from the text, and its canonical text is written as it
 * goes (JCS of it is its values in sorted member order, strings as they stand).  Anything else
 * — an escape, a member twice or missing, a number jansson would read otherwise — is left to
 * jansson and the element readers, which give what they always gave. */

typedef struct {
	const char *p;
	size_t n, i;                 /* the element's text, and the cursor */
	yh_jr_arena *arena;
	yh_doc_streamed *st;         /* the canonical text is appended to st->text */
} fast;

static void f_ws(fast *f)
{
	while (f->i < f->n && (f->p[f->i] == ' ' || f->p[f->i] == '\t' || f->p[f->i] == '\n' ||
	                       f->p[f->i] == '\r'))
		f->i++;
}

static int f_char(fast *f, char c)
{
	f_ws(f);
	if (f->i >= f->n || f->p[f->i] != c)
		return 0;
	f->i++;
	f_ws(f);
	return 1;
}

/* The length of the UTF-8 sequence at p as jansson accepts it (no overlong form, no surrogate,
 * nothing above U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		cp = p[0] & 0x1fu;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		cp = p[0] & 0x0fu;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		cp = p[0] & 0x07u;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3fu);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || (cp >= 0xd800 && cp <= 0xdfff) ||
	    cp > 0x10ffff)
		return 0;
	return len;
}

/* A plain string of at most max bytes: *s its bytes (not NUL-terminated), *len their count. */
static int f_string(fast *f, const char **s, size_t *len, size_t max)
{
	size_t j = f->i + 1;

	if (f->i >= f->n || f->p[f->i] != '"')
		return 0;
	while (j < f->n && f->p[j] != '"') {
		unsigned char c = (unsigned char)f->p[j];
		size_t k;

		if (c < 0x20 || c == '\\')
			return 0;
		if (c < 0x80) {
			j++;
			continue;
		}
		if (!(k = utf8_len((const unsigned char *)f->p + j, f->n - j)))
			return 0;
		j += k;
	}
	if (j >= f->n || j - f->i - 1 > max)
		return 0;
	*s = f->p + f->i + 1;
	*len = j - f->i - 1;
	f->i = j + 1;
	return 1;
}

static int f_put(fast *f, const char *p, size_t n)
{
	return text_put(f->st, p, n) == YH_OK;
}

/* "key": and the string, copied into the arena; 0 when it is not plain. */
static int f_text(fast *f, const char **out, size_t max, const char *key, int comma)
{
	const char *s;
	size_t len;

	if (!f_string(f, &s, &len, max) || !(*out = yh_jr_arena_copy(f->arena, s, len)))
		return 0;
	return f_put(f, comma ? ",\"" : "\"", comma ? 2 : 1) && f_put(f, key, strlen(key)) &&
	       f_put(f, "\":\"", 3) && f_put(f, s, len) && f_put(f, "\"", 1);
}

static int f_hash(fast *f, unsigned char out[32], const char *key, int comma)
{
	const char *s;
	size_t len, k;

	if (!f_string(f, &s, &len, 64) || len != 64)
		return 0;
	for (k = 0; k < 64; k++)
		if (!((s[k] >= '0' && s[k] <= '9') || (s[k] >= 'a' && s[k] <= 'f')))
			return 0;
	for (k = 0; k < 32; k++) {
		int hi = s[2 * k] <= '9' ? s[2 * k] - '0' : s[2 * k] - 'a' + 10;
		int lo = s[2 * k + 1] <= '9' ? s[2 * k + 1] - '0' : s[2 * k + 1] - 'a' + 10;

		out[k] = (unsigned char)(hi << 4 | lo);
	}
	return f_put(f, comma ? ",\"" : "\"", comma ? 2 : 1) && f_put(f, key, strlen(key)) &&
	       f_put(f, "\":\"", 3) && f_put(f, s, 64) && f_put(f, "\"", 1);
}

/* A whole number from 0 to YH_JR_INT_MAX as jansson reads it (no leading zero, no fraction or
 * exponent after it). */
static int f_uint(fast *f, uint64_t *out)
{
	size_t j = f->i;
	uint64_t v = 0;

	while (j < f->n && f->p[j] >= '0' && f->p[j] <= '9' && j - f->i < 16)
		v = v * 10 + (uint64_t)(f->p[j++] - '0');
	if (j == f->i || (f->p[f->i] == '0' && j - f->i > 1) || v > (uint64_t)YH_JR_INT_MAX ||
	    (j < f->n && ((f->p[j] >= '0' && f->p[j] <= '9') || f->p[j] == '.' || f->p[j] == 'e' ||
	                  f->p[j] == 'E')))
		return 0;
	f->i = j;
	*out = v;
	return 1;
}

static int f_number(fast *f, uint64_t v, const char *key, int comma)
{
	char num[24];

	snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
	return f_put(f, comma ? ",\"" : "\"", comma ? 2 : 1) && f_put(f, key, strlen(key)) &&
	       f_put(f, "\":", 2) && f_put(f, num, strlen(num));
}

/* The members of an object, each once, whatever their order: fn reads the value of member
 * `which` (an index into names) and marks it; 0 unless all are there exactly once. */
typedef int (*f_member_fn)(fast *f, int which, void *ctx);

static int f_object(fast *f, const char *const *names, int count, f_member_fn fn, void *ctx)
{
	unsigned seen = 0;

	if (!f_char(f, '{'))
		return 0;
	for (;;) {
		const char *key;
		size_t len;
		int k;

		if (!f_string(f, &key, &len, 16))
			return 0;
		for (k = 0; k < count && !(strlen(names[k]) == len && memcmp(names[k], key, len) == 0); k++)
			;
		if (k == count || (seen & (1u << k)) || !f_char(f, ':') || !fn(f, k, ctx))
			return 0;
		seen |= 1u << k;
		f_ws(f);
		if (f_char(f, '}'))
			break;
		if (!f_char(f, ','))
			return 0;
	}
	return seen == (1u << count) - 1;
}

/* The members' values are read first, then written in canonical (sorted) order; names are
 * listed in that order. */
static const char *const member_names[] = { "department", "id", "name", "pair_ticket", "role" };
static const char *const selected_names[] = { "id", "name", "rank", "stratum", "team", "ticket" };
static const char *const reserve_names[] = { "id", "name", "order", "stratum", "ticket" };

/* Values are kept as spans of the element's text until the whole object is read. */
typedef struct {
	size_t at[8], end[8];        /* each member's value in f->p */
} spans;

static int f_skip_value(fast *f, int which, void *ctx)
{
	spans *sp = ctx;
	size_t depth = 0;

	sp->at[which] = f->i;
	/* a plain value: a string, a number, or (team) an array of objects of those */
	for (;;) {
		char c;

		if (f->i >= f->n)
			return 0;
		c = f->p[f->i];
		if (c == '"') {
			const char *s;
			size_t len;

			if (!f_string(f, &s, &len, YH_DOC_TEXT_MAX))
				return 0;
		} else if (c == '[' || c == '{') {
			depth++;
			f->i++;
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
			f->i++;
		} else if (depth == 0 && (c == ',' || c == '}' || c == ' ' || c == '\t' || c == '\n' ||
		                          c == '\r')) {
			break;
		} else {
			f->i++;
		}
		if (depth == 0 && (c == '"' || c == ']' || c == '}'))
			break;
	}
	sp->end[which] = f->i;
	return 1;
}

/* Reads the value of member k of a spans-read object at its place. */
static void f_at(fast *f, const spans *sp, int k)
{
	f->i = sp->at[k];
}

static int f_member(fast *f, yh_doc_member *m)
{
	spans sp;
	size_t end;

	if (!f_object(f, member_names, 5, f_skip_value, &sp))
		return 0;
	end = f->i;
	if (!(f_put(f, "{", 1) &&
	      (f_at(f, &sp, 0), f_text(f, &m->department, YH_DOC_TEXT_MAX, "department", 0)) &&
	      (f_at(f, &sp, 1), f_text(f, &m->id, YH_DOC_TEXT_MAX, "id", 1)) &&
	      (f_at(f, &sp, 2), f_text(f, &m->name, YH_DOC_TEXT_MAX, "name", 1)) &&
	      (f_at(f, &sp, 3), f_hash(f, m->pair_ticket, "pair_ticket", 1)) &&
	      (f_at(f, &sp, 4), f_text(f, &m->role, YH_DOC_TEXT_MAX, "role", 1)) && f_put(f, "}", 1)))
		return 0;
	f->i = end;
	return 1;
}

#define FAST_TEAM_MAX 64

static int f_team(fast *f, yh_doc_selected *e, const spans *sp)
{
	yh_doc_member team[FAST_TEAM_MAX];
	size_t n = 0, end;

	f_at(f, sp, 4);
	end = sp->end[4];
	if (!f_char(f, '[') || !f_put(f, ",\"team\":[", 9))
		return 0;
	if (!f_char(f, ']')) {
		for (;;) {
			if (n == FAST_TEAM_MAX)
				return 0; /* a longer team is the element readers' */
			memset(&team[n], 0, sizeof(team[n]));
			if ((n && !f_put(f, ",", 1)) || !f_member(f, &team[n]))
				return 0;
			n++;
			if (f_char(f, ']'))
				break;
			if (!f_char(f, ','))
				return 0;
		}
	}
	f_ws(f);
	{
		size_t stop = end;

		while (stop < f->n && (f->p[stop] == ' ' || f->p[stop] == '\t' || f->p[stop] == '\n' ||
		                       f->p[stop] == '\r'))
			stop++;
		if (f->i != stop)
			return 0; /* the array is not what was skipped over */
	}
	if (!(e->team = calloc(n + 1, sizeof(*e->team))))
		return 0;
	memcpy(e->team, team, n * sizeof(*team));
	e->nteam = n;
	return f_put(f, "]", 1);
}

static int f_selected(fast *f, yh_doc_selected *e)
{
	spans sp;
	size_t end;

	if (!f_object(f, selected_names, 6, f_skip_value, &sp))
		return 0;
	end = f->i;
	if (!(f_put(f, "{", 1) && (f_at(f, &sp, 0), f_text(f, &e->id, YH_DOC_TEXT_MAX, "id", 0)) &&
	      (f_at(f, &sp, 1), f_text(f, &e->name, YH_DOC_TEXT_MAX, "name", 1)) &&
	      (f_at(f, &sp, 2), f_uint(f, &e->rank)) && f->i == sp.end[2] && f_number(f, e->rank, "rank", 1) &&
	      (f_at(f, &sp, 3), f_text(f, &e->stratum, YH_STRATUM_KEY_MAX - 1, "stratum", 1)) &&
	      f_team(f, e, &sp) && (f_at(f, &sp, 5), f_hash(f, e->ticket, "ticket", 1)) && f_put(f, "}", 1)))
		return 0;
	f->i = end;
	return 1;
}

static int f_reserve(fast *f, yh_doc_reserve *r)
{
	spans sp;
	size_t end;

	if (!f_object(f, reserve_names, 5, f_skip_value, &sp))
		return 0;
	end = f->i;
	if (!(f_put(f, "{", 1) && (f_at(f, &sp, 0), f_text(f, &r->id, YH_DOC_TEXT_MAX, "id", 0)) &&
	      (f_at(f, &sp, 1), f_text(f, &r->name, YH_DOC_TEXT_MAX, "name", 1)) &&
	      (f_at(f, &sp, 2), f_uint(f, &r->order)) && f->i == sp.end[2] &&
	      f_number(f, r->order, "order", 1) &&
	      (f_at(f, &sp, 3), f_text(f, &r->stratum, YH_STRATUM_KEY_MAX - 1, "stratum", 1)) &&
	      (f_at(f, &sp, 4), f_hash(f, r->ticket, "ticket", 1)) && f_put(f, "}", 1)))
		return 0;
	f->i = end;
	return 1;
}

/* The element in p[0..n) read the fast way into st's next item: 1, 0 with nothing kept (the
 * slow way then reads it), or < 0 when out of memory. */
static int fast_element(yh_doc_streamed *st, int which, yh_jr_arena *arena, const char *p, size_t n,
                        size_t index)
{
	fast f = { p, n, 0, arena, st };
	size_t size = which == YH_STREAM_SELECTED ? sizeof(yh_doc_selected) : sizeof(yh_doc_reserve);
	size_t len = st->len;
	void *item;
	int ok;

	if ((ok = room(st, size)) < 0)
		return ok;
	item = (char *)st->items + st->n * size;
	memset(item, 0, size);
	ok = (!index || f_put(&f, ",", 1)) &&
	     (which == YH_STREAM_SELECTED ? f_selected(&f, item) : f_reserve(&f, item)) && f.i == n;
	if (!ok) {
		if (which == YH_STREAM_SELECTED)
			yh_doc_selected_clear(item);
		st->len = len;
		if (st->text)
			st->text[len] = '\0';
		return 0;
	}
	st->n++;
	return 1;
}

/* "selected" or "reserves" at the cursor (a '['), element by element; *fallback when the text
 * is for jansson to parse whole. */
static int stream_array(source *s, yh_doc_streamed *st, int which, yh_jr_arena *arena, int *fallback)
{
	yh_jr jr;
	size_t i;
	int rc, c;

	yh_jr_init(&jr, yh_doc_stream_names[which]);
	jr.arena = arena;
	st->present = 1;
	if ((rc = text_put(st, "[", 1)) < 0)
		return rc;
	s->pos++;
	for (i = 0;; i++) {
		json_t *v;

		size_t len;

		skip_ws(s);
		if (i == 0 && at(s, 0) == ']')
			break;
		if (!(len = extent(s)) || s->rc < 0) {
			*fallback = 1;
			return YH_OK;
		}
		if (st->rc == YH_OK && (rc = fast_element(st, which, arena, s->buf + s->pos, len, i)) != 0) {
			if (rc < 0)
				return rc;
			s->pos += len;
		} else {
			if (!(v = take_value(s))) {
				*fallback = 1;
				return YH_OK;
			}
			rc = convert(st, which, &jr, i, v);
			json_decref(v);
			if (rc < 0)
				return rc;
		}
		skip_ws(s);
		if ((c = at(s, 0)) == ']')
			break;
		if (c != ',') {
			*fallback = 1;
			return YH_OK;
		}
		s->pos++;
	}
	s->pos++;
	return text_put(st, "]", 1);
}

static int stream_index(const char *key)
{
	int i;

	for (i = 0; i < YH_STREAMS; i++)
		if (strcmp(key, yh_doc_stream_names[i]) == 0)
			return i;
	return -1;
}

/* The top-level object into skel and st; *fallback when the text is for jansson whole. */
static int scan(source *s, json_t *skel, yh_doc_streamed *st, yh_jr_arena *arena, int *fallback)
{
	int rc, c;

	*fallback = 1;
	skip_ws(s);
	if (at(s, 0) != '{')
		return YH_OK;
	s->pos++;
	for (;;) {
		json_t *k, *v = NULL;
		char *key;
		int which, bad = 0;

		skip_ws(s);
		if (at(s, 0) == '}' && json_object_size(skel) == 0)
			break;
		if (at(s, 0) != '"' || !(k = take_value(s)))
			return YH_OK;
		key = strlen(json_string_value(k)) == json_string_length(k) ? strdup(json_string_value(k)) : NULL;
		json_decref(k);
		/* a key given twice (JSON_REJECT_DUPLICATES) or holding a NUL: jansson's to say */
		if (!key || json_object_get(skel, key)) {
			free(key);
			return YH_OK;
		}
		skip_ws(s);
		if (at(s, 0) != ':') {
			free(key);
			return YH_OK;
		}
		s->pos++;
		skip_ws(s);
		which = stream_index(key);
		if (which >= 0 && at(s, 0) == '[') {
			if ((rc = stream_array(s, &st[which], which, arena, &bad)) < 0) {
				free(key);
				return rc;
			}
			if (!bad)
				v = json_array();
		} else if (!(v = take_value(s))) {
			bad = 1;
		}
		if (bad) {
			free(key);
			return YH_OK;
		}
		rc = v ? json_object_set_new(skel, key, v) : -1;
		free(key);
		if (rc < 0)
			return yh_error_set(YH_ENOMEM, "out of memory");
		skip_ws(s);
		if ((c = at(s, 0)) == '}')
			break;
		if (c != ',')
			return YH_OK;
		s->pos++;
	}
	s->pos++;
	skip_ws(s);
	if (at(s, 0) < 0)
		*fallback = 0;
	return YH_OK;
}

/* rc of a parse as yh_draw_doc_load gives it: a malformed document is an answer, not a failure. */
static int outcome(int rc, char **malformed)
{
	if (rc != YH_EDATA)
		return rc;
	if (!(*malformed = strdup(yh_error_message())))
		return yh_error_set(YH_ENOMEM, "out of memory");
	return YH_OK;
}

/* The whole text through jansson, and the tree parsed as yh_draw_doc_parse does. */
static int load_whole(yh_draw_doc **out, char **malformed, const char *path, const char *data,
                      size_t len, const char *name, yh_draw_doc_kind kind)
{
	char *text = NULL;
	json_t *json = NULL;
	int rc;

	if (path) {
		if ((rc = yh_read_file(&text, &len, path, YH_DOCUMENT_MAX)) < 0)
			return rc;
		data = text;
	}
	rc = yh_verify_load_json(&json, data, len, name, "a JSON document");
	free(text);
	if (rc < 0)
		return rc;
	rc = yh_draw_doc_parse(out, json, kind);
	json_decref(json);
	return outcome(rc, malformed);
}

int yh_draw_doc_load(yh_draw_doc **out, char **malformed, const char *path, const char *data, size_t len,
                     const char *name, yh_draw_doc_kind kind)
{
	yh_doc_streamed st[YH_STREAMS];
	struct stat info;
	yh_jr_arena *arena = NULL;
	json_t *skel = NULL;
	source s;
	size_t i;
	int rc, fallback = 1;

	*out = NULL;
	*malformed = NULL;
	if (path && (stat(path, &info) != 0 || !S_ISREG(info.st_mode))) {
		/* a pipe cannot be read a second time, should jansson have to parse it whole: its
		 * text is read first, as a file's always was */
		char *text = NULL;

		if ((rc = yh_read_file(&text, &len, path, YH_DOCUMENT_MAX)) == YH_OK)
			rc = yh_draw_doc_load(out, malformed, NULL, text, len, name, kind);
		free(text);
		return rc;
	}
	memset(st, 0, sizeof(st));
	memset(&s, 0, sizeof(s));
	s.path = path;
	s.limit = too_large(YH_DOCUMENT_MAX);
	if (path) {
		if (!(s.fp = fopen(path, "rb")))
			return yh_error_set(YH_EIO, "cannot open the file: '%s'", path);
	} else {
		s.buf = data;
		s.end = len;
	}
	if (!(skel = json_object()) || yh_jr_arena_new(&arena) < 0)
		rc = yh_error_set(YH_ENOMEM, "out of memory");
	else
		rc = scan(&s, skel, st, arena, &fallback);
	if (s.fp)
		fclose(s.fp);
	free(s.own);
	if (rc == YH_OK && s.rc < 0)
		rc = s.rc; /* the file could not be read (or is too large): as yh_read_file says */
	if (rc == YH_OK && !fallback) {
		rc = yh_draw_doc_build(out, skel, kind, st, arena);
		json_decref(skel);
		return outcome(rc, malformed);
	}
	for (i = 0; i < YH_STREAMS; i++)
		yh_doc_streamed_clear(&st[i], i);
	yh_jr_arena_free(arena);
	json_decref(skel);
	if (rc < 0)
		return rc;
	return load_whole(out, malformed, path, data, len, name, kind);
}
