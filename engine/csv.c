/* csv.c — streaming RFC 4180 reader with iconv transcoding, GB18030 detection and raw-byte
 * hashing. */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <sodium.h>

#include "yaohao/csv.h"
#include "csv_private.h"
#include "digest.h"
#include "error.h"

#define CHUNK (256u * 1024u)
#define END_OF_INPUT (-1)
#define INPUT_FAULT (-2)

struct yh_csv {
	FILE *fp;
	char *name;
	iconv_t cd;                 /* (iconv_t)-1 when the input is UTF-8 */
	char *raw;                  /* undecoded bytes waiting for iconv */
	size_t raw_len;
	char *buf;                  /* UTF-8 bytes ready to parse */
	size_t buf_len, buf_pos, buf_cap;
	int input_done;             /* fp is exhausted */
	int detected;               /* "auto" found the file not UTF-8 but GB18030 */
	int bom_checked;
	int fatal;                  /* unrecoverable fault reported */
	int input_rc;               /* the code of the last input fault */
	int resync;                 /* skip to the next line before parsing */
	uint64_t line;              /* line of buf[buf_pos] */
	uint64_t bytes_read, bytes_total;
	yh_digest_file sha;
	unsigned char digest[32];
	int digest_done;
	int no_digest;              /* the caller never asks for the file's hash (csv_private.h) */
	char *rec;                  /* fields of the current record, NUL-separated */
	size_t rec_len, rec_cap;
	size_t starts[YH_CSV_MAX_FIELDS], lens[YH_CSV_MAX_FIELDS];
	size_t nfields;
	uint64_t rec_line;
	uint64_t err_line;
	size_t err_field;
	char err_reason[160];
};

static int fault_at(yh_csv *c, uint64_t line, int fatal, const char *reason)
{
	c->err_line = line;
	c->err_field = c->nfields + 1;
	snprintf(c->err_reason, sizeof(c->err_reason), "%s", reason);
	if (fatal)
		c->fatal = 1;
	else
		c->resync = 1;
	return yh_error_set(YH_EDATA, "%s:%llu: field %zu: %s", c->name,
	                    (unsigned long long)c->err_line, c->err_field, reason);
}

static int fault(yh_csv *c, int fatal, const char *reason)
{
	return fault_at(c, c->line, fatal, reason);
}

/* Reads more input into buf; returns bytes added, 0 at the end, <0 on fault. */
static int refill(yh_csv *c)
{
	size_t n, before;

	if (c->buf_pos > 0) {
		memmove(c->buf, c->buf + c->buf_pos, c->buf_len - c->buf_pos);
		c->buf_len -= c->buf_pos;
		c->buf_pos = 0;
	}
	before = c->buf_len;
	while (c->buf_len == before) {
		char *in, *out;
		size_t inleft, outleft;

		if (c->input_done && c->raw_len == 0)
			return 0;
		if (c->cd == (iconv_t)-1) {
			n = fread(c->buf + c->buf_len, 1, c->buf_cap - c->buf_len, c->fp);
			if (n == 0) {
				if (ferror(c->fp))
					return fault(c, 1, strerror(errno));
				c->input_done = 1;
				return 0;
			}
			if (!c->no_digest)
				yh_digest_file_update(&c->sha, (unsigned char *)c->buf + c->buf_len, n);
			c->bytes_read += n;
			c->buf_len += n;
			break;
		}
		if (!c->input_done && c->raw_len < CHUNK) {
			n = fread(c->raw + c->raw_len, 1, CHUNK - c->raw_len, c->fp);
			if (n == 0) {
				if (ferror(c->fp))
					return fault(c, 1, strerror(errno));
				c->input_done = 1;
			}
			if (!c->no_digest)
				yh_digest_file_update(&c->sha, (unsigned char *)c->raw + c->raw_len, n);
			c->bytes_read += n;
			c->raw_len += n;
		}
		in = c->raw;
		inleft = c->raw_len;
		out = c->buf + c->buf_len;
		outleft = c->buf_cap - c->buf_len;
		if (iconv(c->cd, &in, &inleft, &out, &outleft) == (size_t)-1) {
			if (errno == EILSEQ)
				c->fatal = 2; /* report once the good bytes before it are parsed */
			else if (errno == EINVAL && c->input_done)
				c->fatal = 3;
		}
		c->buf_len = (size_t)(out - c->buf);
		memmove(c->raw, in, inleft);
		c->raw_len = inleft;
		if (c->buf_len == before && c->fatal >= 2)
			return fault(c, 1, c->fatal == 2 ? "bytes that are not valid in the given encoding"
			                                 : "file ends inside a multi-byte character");
		if (c->buf_len == before && c->input_done && c->raw_len == 0)
			return 0;
	}
	return (int)(c->buf_len - before);
}

static inline int get(yh_csv *c)
{
	if (c->buf_pos == c->buf_len) {
		int r = refill(c);
		if (r < 0) {
			c->input_rc = r;
			return INPUT_FAULT;
		}
		if (r == 0)
			return END_OF_INPUT;
	}
	return (unsigned char)c->buf[c->buf_pos++];
}

static inline int peek(yh_csv *c)
{
	int ch = get(c);

	if (ch >= 0)
		c->buf_pos--;
	return ch;
}

static int append_growing(yh_csv *c, int ch)
{
	if (c->rec_len + 1 >= c->rec_cap) {
		size_t cap = c->rec_cap * 2;
		char *p;

		/* rec holds each field and a NUL for the separator or line end after
		 * it, so YH_CSV_MAX_RECORD bytes of record take one byte more */
		if (c->rec_len > YH_CSV_MAX_RECORD)
			return fault(c, 0, "record is longer than 1 MiB");
		if (cap > YH_CSV_MAX_RECORD + 2)
			cap = YH_CSV_MAX_RECORD + 2;
		p = realloc(c->rec, cap);
		if (!p)
			return yh_error_set(YH_ENOMEM, "out of memory reading '%s'", c->name);
		c->rec = p;
		c->rec_cap = cap;
	}
	c->rec[c->rec_len++] = (char)ch;
	return 0;
}

/* One byte onto the record: the common case inline, growing out of line. */
static inline int append(yh_csv *c, int ch)
{
	if (c->rec_len + 1 >= c->rec_cap)
		return append_growing(c, ch);
	c->rec[c->rec_len++] = (char)ch;
	return 0;
}

/* The bytes that end or break an unquoted field (a NUL is refused: nul_in_field). */
static const unsigned char stops[256] = { [','] = 1, ['\n'] = 1, ['\r'] = 1, ['"'] = 1, ['\0'] = 1 };

/* Field text is handed out as C strings, and the roots hash the fields' bytes: a NUL would
 * let two different files read as the same rows to one reader and not to another. */
static int nul_in_field(yh_csv *c)
{
	return fault(c, 0, "NUL byte inside a field");
}

/* Copies the ordinary bytes that follow in the buffer into the record in one go: the same as
 * get() and append() byte by byte (which stay the path at a buffer's end and when the record
 * must grow), without their per-byte calls, which were a fifth of a verify's time. */
static void copy_plain(yh_csv *c)
{
	const char *p = c->buf + c->buf_pos, *q = p, *end = c->buf + c->buf_len, *tail;
	char *dst = c->rec + c->rec_len;
	size_t room = c->rec_cap - c->rec_len - 1;   /* append() grows at rec_len + 1 == rec_cap */

	if ((size_t)(end - p) > room)
		end = p + room;
#ifdef __SSE2__
	/* sixteen bytes at a time, each block stored whole (the record has room for it: end is
	 * within room; bytes past the field's end are overwritten later): a register field is
	 * mostly shorter, found and copied in one step */
	{
		const __m128i comma = _mm_set1_epi8(','), lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r'),
		              quote = _mm_set1_epi8('"'), nul = _mm_setzero_si128();

		while (end - q >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)q);
			__m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, lf)),
			                           _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, cr),
			                                                     _mm_cmpeq_epi8(v, quote)),
			                                        _mm_cmpeq_epi8(v, nul)));
			unsigned mask = (unsigned)_mm_movemask_epi8(hit);

			_mm_storeu_si128((__m128i *)(void *)(dst + (q - p)), v);
			if (mask) {
				q += __builtin_ctz(mask);
				goto copied;
			}
			q += 16;
		}
	}
#endif
	tail = q;
	while (q < end && !stops[(unsigned char)*q])
		q++;
	memcpy(dst + (tail - p), tail, (size_t)(q - tail));
#ifdef __SSE2__
copied:
#endif
	c->rec_len += (size_t)(q - p);
	c->buf_pos += (size_t)(q - p);
}

static int end_field(yh_csv *c, size_t start)
{
	int r;

	if (c->nfields == YH_CSV_MAX_FIELDS)
		return fault(c, 0, "record has more than 1024 fields");
	if ((r = append(c, '\0')) < 0)
		return r;
	c->starts[c->nfields] = start;
	c->lens[c->nfields] = c->rec_len - 1 - start;
	c->nfields++;
	return 0;
}

/* After a recoverable fault, drop the rest of the physical line. */
static int skip_line(yh_csv *c)
{
	int ch;

	while ((ch = get(c)) >= 0) {
		if (ch == '\n') {
			c->line++;
			return 1;
		}
	}
	return ch == INPUT_FAULT ? c->input_rc : 0;
}

/* Parses one record; 1 read, 0 end of input, <0 fault. */
static int parse_record(yh_csv *c)
{
	int ch, r;
	size_t start;
	int quoted;

again:
	c->rec_len = 0;
	c->nfields = 0;
	c->rec_line = c->line;
	for (;;) {
		start = c->rec_len;
		quoted = 0;
		ch = get(c);
		if (ch == INPUT_FAULT)
			return c->input_rc;
		if (ch == END_OF_INPUT && c->nfields == 0)
			return 0;
		if (ch == '"') {
			uint64_t opened = c->line;
			int last = ch;

			quoted = 1;
			for (;;) {
				ch = get(c);
				if (ch == INPUT_FAULT)
					return c->input_rc;
				if (ch == END_OF_INPUT) {
					char why[96];
					uint64_t end = c->line - (last == '\n' && c->line > opened);

					snprintf(why, sizeof(why), "quoted field opened here is never closed "
					         "(the file ends on line %llu)", (unsigned long long)end);
					return fault_at(c, opened, 1, why);
				}
				if (ch == '"') {
					if (peek(c) == '"') {
						c->buf_pos++;
					} else {
						break;
					}
				} else if (ch == '\n') {
					c->line++;
				} else if (ch == '\0') {
					return nul_in_field(c);
				}
				last = ch;
				if ((r = append(c, ch)) < 0)
					return r;
			}
			ch = get(c);
			if (ch == INPUT_FAULT)
				return c->input_rc;
			if (ch != ',' && ch != '\n' && ch != '\r' && ch != END_OF_INPUT)
				return fault(c, 0, "unexpected character after a closing quote");
		} else {
			/* the field's ordinary bytes still in the buffer in one go, then byte by byte */
			if (ch >= 0) {
				c->buf_pos--;
				copy_plain(c);
				ch = get(c);
			}
			while (ch != ',' && ch != '\n' && ch != '\r' && ch >= 0) {
				if (ch == '"')
					return fault(c, 0, "quote inside an unquoted field "
					             "(quote the whole field and double the inner quote)");
				if (ch == '\0')
					return nul_in_field(c);
				if ((r = append(c, ch)) < 0)
					return r;
				copy_plain(c);
				ch = get(c);
			}
			if (ch == INPUT_FAULT)
				return c->input_rc;
		}
		if (ch == '\r') {
			if (peek(c) != '\n')
				return fault(c, 0, "carriage return not followed by a line feed");
			ch = get(c);
		}
		if ((r = end_field(c, start)) < 0) {
			if (ch == '\n' && c->resync) {
				/* the line end is consumed already: resume right after it */
				c->resync = 0;
				c->line++;
			}
			return r;
		}
		if (ch == ',')
			continue;
		if (ch == '\n')
			c->line++;
		break;
	}
	if (c->nfields == 1 && c->lens[0] == 0 && !quoted)
		goto again; /* blank line */
	return 1;
}

int yh_csv_next(yh_csv *c)
{
	int r;

	if (c->fatal == 1)
		return 0;
	if (!c->bom_checked) {
		c->bom_checked = 1;
		while (c->buf_len - c->buf_pos < 3 && !(c->input_done && c->raw_len == 0)) {
			r = refill(c);
			if (r < 0)
				return r;
			if (r == 0)
				break;
		}
		if (c->buf_len - c->buf_pos >= 3 && memcmp(c->buf + c->buf_pos, "\xEF\xBB\xBF", 3) == 0)
			c->buf_pos += 3;
	}
	if (c->resync) {
		c->resync = 0;
		r = skip_line(c);
		if (r <= 0)
			return r;
	}
	return parse_record(c);
}

/* 1 if the rest of fp is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF, nothing cut short at the end), 0 if not, -1 on a read error. */
static int all_utf8(FILE *fp, unsigned char *buf, size_t size)
{
	unsigned need = 0;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	while ((n = fread(buf, 1, size, fp)) > 0) {
		for (i = 0; i < n; i++) {
			unsigned b = buf[i];

			if (need == 0) {
				/* ASCII runs, eight bytes at a time */
				while (i + 8 <= n) {
					uint64_t w;

					memcpy(&w, buf + i, 8);
					if (w & UINT64_C(0x8080808080808080))
						break;
					i += 8;
				}
				if (i == n)
					break;
				b = buf[i];
				if (b < 0x80)
					continue;
				lo = 0x80, hi = 0xbf;
				if (b >= 0xc2 && b <= 0xdf)
					need = 1;
				else if (b == 0xe0)
					need = 2, lo = 0xa0;
				else if ((b >= 0xe1 && b <= 0xec) || b == 0xee || b == 0xef)
					need = 2;
				else if (b == 0xed)
					need = 2, hi = 0x9f;
				else if (b == 0xf0)
					need = 3, lo = 0x90;
				else if (b >= 0xf1 && b <= 0xf3)
					need = 3;
				else if (b == 0xf4)
					need = 3, hi = 0x8f;
				else
					return 0;
			} else {
				if (b < lo || b > hi)
					return 0;
				lo = 0x80, hi = 0xbf;
				need--;
			}
		}
	}
	if (ferror(fp))
		return -1;
	return need == 0;
}

/* 1 if the rest of fp decodes as GB18030 to the end, 0 if not, -1 on a read error. */
static int all_gb18030(FILE *fp, char *buf, size_t size)
{
	char out[4 * 4096];
	size_t have = 0, n;
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	int ok = 1;

	if (cd == (iconv_t)-1)
		return 0;
	while (ok && (n = fread(buf + have, 1, size - have, fp)) > 0) {
		char *in = buf;
		size_t inleft = have + n;

		while (inleft > 0) {
			char *o = out;
			size_t oleft = sizeof(out);

			if (iconv(cd, &in, &inleft, &o, &oleft) != (size_t)-1 || errno == E2BIG)
				continue;
			if (errno != EINVAL)
				ok = 0; /* EILSEQ: not GB18030 */
			break;      /* EINVAL: a character goes on in the next read */
		}
		memmove(buf, in, inleft);
		have = inleft;
	}
	if (ferror(fp))
		ok = -1;
	else if (have > 0)
		ok = 0; /* the file ends inside a character */
	iconv_close(cd);
	return ok;
}

/* "auto": the file is read as GB18030 when it is not UTF-8 but is GB18030, else as UTF-8.
 * Both checks read the whole file (from the start, then back to it); a file that cannot be
 * read twice (a pipe) is UTF-8. */
static int detect_gb18030(int *gb, FILE *fp, const char *name)
{
	char *buf = malloc(CHUNK);
	int r;

	*gb = 0;
	if (!buf)
		return yh_error_set(YH_ENOMEM, "out of memory reading '%s'", name);
	if (fseeko(fp, 0, SEEK_SET) != 0) {
		free(buf);
		clearerr(fp);
		return YH_OK;
	}
	r = all_utf8(fp, (unsigned char *)buf, CHUNK);
	if (r == 0 && fseeko(fp, 0, SEEK_SET) == 0)
		r = all_gb18030(fp, buf, CHUNK) == 1 ? (*gb = 1, 1) : 0;
	free(buf);
	if (r < 0 || fseeko(fp, 0, SEEK_SET) != 0)
		return yh_error_set(YH_EIO, "cannot read '%s': %s", name, strerror(errno));
	return YH_OK;
}

static int open_common(yh_csv **out, FILE *fp, const char *name, const char *encoding)
{
	yh_csv *c = NULL;
	struct stat st;
	int rc = YH_ENOMEM, detected = 0;

	*out = NULL;
	if (sodium_init() < 0) {
		rc = yh_error_set(YH_ERROR, "libsodium failed to initialise");
		goto done;
	}
	if (encoding && strcasecmp(encoding, "utf-8") != 0 && strcasecmp(encoding, "utf8") != 0 &&
	    strcasecmp(encoding, "gb18030") != 0 && strcasecmp(encoding, "gbk") != 0 &&
	    strcasecmp(encoding, "auto") != 0) {
		rc = yh_error_set(YH_EINVAL, "unsupported encoding '%s' (use utf-8, gb18030 or gbk)", encoding);
		goto done;
	}
	if (encoding && strcasecmp(encoding, "auto") == 0) {
		int gb;

		if ((rc = detect_gb18030(&gb, fp, name)) < 0)
			goto done;
		rc = YH_ENOMEM;
		encoding = gb ? "gb18030" : NULL;
		detected = gb;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		goto done;
	c->cd = (iconv_t)-1;
	c->fp = fp;
	c->name = strdup(name);
	c->buf_cap = CHUNK * 4;
	c->buf = malloc(c->buf_cap);
	c->rec_cap = 256;
	c->rec = malloc(c->rec_cap);
	if (!c->name || !c->buf || !c->rec)
		goto done;
	if (encoding && (strcasecmp(encoding, "gb18030") == 0 || strcasecmp(encoding, "gbk") == 0)) {
		/* GB18030 is a superset of GBK, so one decoder serves both names. */
		c->cd = iconv_open("UTF-8", "GB18030");
		c->raw = malloc(CHUNK);
		if (c->cd == (iconv_t)-1 || !c->raw) {
			rc = yh_error_set(YH_ERROR, "cannot convert from '%s': iconv has no GB18030", encoding);
			goto done;
		}
	}
	c->detected = detected;
	c->line = 1;
	if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode))
		c->bytes_total = (uint64_t)st.st_size;
	yh_digest_file_init(&c->sha);
	*out = c;
	c = NULL;
	fp = NULL;
	rc = YH_OK;
done:
	if (rc == YH_ENOMEM)
		yh_error_set(rc, "out of memory opening '%s'", name);
	if (c)
		c->fp = NULL;
	yh_csv_free(c);
	if (fp)
		fclose(fp);
	return rc;
}

int yh_csv_open(yh_csv **out, const char *path, const char *encoding)
{
	FILE *fp = fopen(path, "rb");

	*out = NULL;
	if (!fp)
		return yh_error_set(YH_EIO, "cannot open '%s': %s", path, strerror(errno));
	return open_common(out, fp, path, encoding);
}

int yh_csv_open_buffer(yh_csv **out, const void *data, size_t len,
                       const char *name, const char *encoding)
{
	FILE *fp = tmpfile();

	*out = NULL;
	if (!fp || (len && fwrite(data, 1, len, fp) != len) || fseek(fp, 0, SEEK_SET) != 0) {
		if (fp)
			fclose(fp);
		return yh_error_set(YH_EIO, "cannot buffer '%s': %s", name, strerror(errno));
	}
	return open_common(out, fp, name, encoding);
}

size_t yh_csv_nfields(const yh_csv *c) { return c->nfields; }

const char *yh_csv_field(const yh_csv *c, size_t i, size_t *len)
{
	if (i >= c->nfields) {
		if (len)
			*len = 0;
		return NULL;
	}
	if (len)
		*len = c->lens[i];
	return c->rec + c->starts[i];
}

const char *yh_csv_encoding(const yh_csv *c) { return c->cd == (iconv_t)-1 ? "utf-8" : "gb18030"; }
int yh_csv_encoding_detected(const yh_csv *c) { return c->detected; }
uint64_t yh_csv_line(const yh_csv *c) { return c->rec_line; }
uint64_t yh_csv_error_line(const yh_csv *c) { return c->err_line; }
size_t yh_csv_error_field(const yh_csv *c) { return c->err_field; }
const char *yh_csv_error_reason(const yh_csv *c) { return c->err_reason; }
const char *yh_csv_name(const yh_csv *c) { return c->name; }
uint64_t yh_csv_bytes_read(const yh_csv *c) { return c->bytes_read; }
uint64_t yh_csv_bytes_total(const yh_csv *c) { return c->bytes_total; }

void yh_csv_no_digest(yh_csv *c)
{
	c->no_digest = 1;
}

int yh_csv_sha256(unsigned char out[32], const yh_csv *c)
{
	yh_csv *m = (yh_csv *)c; /* finalising once is an internal detail */

	if (c->no_digest)
		return yh_error_set(YH_ERROR, "'%s' was read without its hash", c->name);
	if (!m->input_done || m->raw_len)
		return yh_error_set(YH_EINVAL, "'%s' has not been read to the end", c->name);
	if (!m->digest_done) {
		yh_digest_file_final(&m->sha, m->digest);
		m->digest_done = 1;
	}
	memcpy(out, m->digest, 32);
	return YH_OK;
}

void yh_csv_free(yh_csv *c)
{
	if (!c)
		return;
	if (c->fp)
		fclose(c->fp);
	if (c->cd != (iconv_t)-1)
		iconv_close(c->cd);
	free(c->raw);
	free(c->buf);
	free(c->rec);
	free(c->name);
	free(c);
}
