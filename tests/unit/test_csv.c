/* test_csv.c — the streaming RFC 4180 reader (yaohao/csv.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <sodium.h>

#include "testutil.h"

/* ---- helpers ---------------------------------------------------------- */

static yh_csv *open_mem(const void *data, size_t len, const char *encoding)
{
	yh_csv *c = NULL;
	int rc = yh_csv_open_buffer(&c, data, len, "test.csv", encoding);

	ck_assert_msg(rc == YH_OK, "yh_csv_open_buffer: %d %s", rc, yh_error_message());
	ck_assert_ptr_nonnull(c);
	return c;
}

static yh_csv *open_str(const char *s)
{
	return open_mem(s, strlen(s), NULL);
}

/* Reads the next record and checks its line and fields (n NUL-terminated strings). */
static void expect_record(yh_csv *c, uint64_t line, size_t n, ...)
{
	va_list ap;
	size_t i;
	int r = yh_csv_next(c);

	ck_assert_msg(r == 1, "expected a record on line %llu, got %d (%s)",
	              (unsigned long long)line, r, yh_error_message());
	ck_assert_uint_eq(yh_csv_line(c), line);
	ck_assert_uint_eq(yh_csv_nfields(c), n);
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		const char *want = va_arg(ap, const char *);
		size_t len = 12345;
		const char *got = yh_csv_field(c, i, &len);

		ck_assert_ptr_nonnull(got);
		ck_assert_msg(len == strlen(want) && memcmp(got, want, len) == 0,
		              "line %llu field %zu: got '%.*s' (%zu bytes), want '%s'",
		              (unsigned long long)line, i + 1, (int)len, got, len, want);
		ck_assert_int_eq(got[len], '\0');
	}
	va_end(ap);
}

/* Reads the next record and checks that it fails with a reason containing `why`. */
static void expect_error(yh_csv *c, uint64_t line, size_t field, const char *why)
{
	int r = yh_csv_next(c);
	char where[64];

	ck_assert_msg(r == YH_EDATA, "expected YH_EDATA on line %llu, got %d",
	              (unsigned long long)line, r);
	ck_assert_int_eq(yh_error_code(), YH_EDATA);
	ck_assert_uint_eq(yh_csv_error_line(c), line);
	ck_assert_uint_eq(yh_csv_error_field(c), field);
	ck_assert_msg(strstr(yh_csv_error_reason(c), why) != NULL, "reason '%s' lacks '%s'",
	              yh_csv_error_reason(c), why);
	/* the thread's message names the file, the line and the field */
	snprintf(where, sizeof(where), "test.csv:%llu: field %zu: ", (unsigned long long)line, field);
	ck_assert_msg(strstr(yh_error_message(), where) != NULL, "message '%s' lacks '%s'",
	              yh_error_message(), where);
}

static void expect_end(yh_csv *c)
{
	ck_assert_int_eq(yh_csv_next(c), 0);
	ck_assert_int_eq(yh_csv_next(c), 0); /* and it stays at the end */
}

static char *repeat(char ch, size_t n)
{
	char *s = malloc(n + 1);

	ck_assert_ptr_nonnull(s);
	memset(s, ch, n);
	s[n] = '\0';
	return s;
}

/* ---- RFC 4180 ----------------------------------------------------------- */

START_TEST(test_simple_lf)
{
	yh_csv *c = open_str("a,b,c\n1,2,3\n");

	expect_record(c, 1, 3, "a", "b", "c");
	expect_record(c, 2, 3, "1", "2", "3");
	expect_end(c);
	yh_csv_free(c);
}
END_TEST

START_TEST(test_crlf)
{
	yh_csv *c = open_str("a,b\r\n1,2\r\n\"q\"\r\nx,\"\"\r\n");

	expect_record(c, 1, 2, "a", "b");
	expect_record(c, 2, 2, "1", "2");
	expect_record(c, 3, 1, "q");
	expect_record(c, 4, 2, "x", "");
	expect_end(c);
	yh_csv_free(c);
}
END_TEST

START_TEST(test_mixed_line_ends)
{
	yh_csv *c = open_str("a\r\nb\nc\r\nd");

	expect_record(c, 1, 1, "a");
	expect_record(c, 2, 1, "b");
	expect_record(c, 3, 1, "c");
	expect_record(c, 4, 1, "d");
	expect_end(c);
	yh_csv_free(c);
}
END_TEST

START_TEST(test_quoted_comma)
{
	yh_csv *c = open_str("\"a,b\",c,\",\"\n\"杭州拱墅鲜,活水产食品有限公司\",1\n");

	expect_record(c, 1, 3, "a,b", "c", ",");
	expect_record(c, 2, 2, "杭州拱墅鲜,活水产食品有限公司", "1");
	expect_end(c);
	yh_csv_free(c);
}
END_TEST

START_TEST(test_doubled_quotes)
{
	yh_csv *c = open_str("\"say \"\"hi\"\"\",x\n\"\"\"\"\n\"杭州滨江\"\"好味道\"\"餐饮有限公司\"\n"
	                     "\"a\"\"\",\"\"\"b\"\n");

	expect_record(c, 1, 2, "say \"hi\"", "x");
	expect_record(c, 2, 1, "\"");
	expect_record(c, 3, 1, "杭州滨江\"好味道\"餐饮有限公司");
	expect_record(c, 4, 2, "a\"", "\"b");
	expect_end(c);
	yh_csv_free(c);
}
END_TEST

/* A record spanning lines has the line it starts on; the next record's line is right. */
START_TEST(test_line_breaks_in_quotes)
{
	yh_csv *c = open_str("h1,h2\n\"line1\nline2\",x\n\"a\r\nb\",\"c\n\nd\"\nlast,z\n");

	expect_record(c, 1, 2, "h1", "h2");
	expect_record(c, 2, 2, "line1\nline2", "x");
	expect_record(c, 4, 2, "a\r\nb", "c\n\nd");
	expect_record(c, 8, 2, "last", "z");
	expect_end(c);
	yh_csv_free(c);
}
END_TEST

START_TEST(test_bom_stripped)
{
	yh_csv *c = open_str("\xEF\xBB\xBFid,name\n1,x\n");

	expect_record(c, 1, 2, "id", "name");
	expect_record(c, 2, 2, "1", "x");
	expect_end(c);
	yh_csv_free(c);

	/* only a leading BOM is a BOM: later it is data */
	c = open_str("a\n\xEF\xBB\xBF" "b\n");
	expect_record(c, 1, 1, "a");
	expect_record(c, 2, 1, "\xEF\xBB\xBF" "b");
	expect_end(c);
	yh_csv_free(c);

	/* a BOM alone is an empty file; a quoted first field after a BOM works */
	c = open_str("\xEF\xBB\xBF");
	expect_end(c);
	yh_csv_free(c);
	c = open_str("\xEF\xBB\xBF\"a,b\",c\r\n");
	expect_record(c, 1, 2, "a,b", "c");
	expect_end(c);
	yh_csv_free(c);

	/* a file shorter than a BOM is read as it is */
	c = open_str("\xEF\xBB");
	expect_record(c, 1, 1, "\xEF\xBB");
	expect_end(c);
	yh_csv_free(c);
}
END_TEST

START_TEST(test_blank_lines_skipped)
{
	yh_csv *c = open_str("\n\na,b\n\n\r\n1,2\n\n");

	expect_record(c, 3, 2, "a", "b");
	expect_record(c, 6, 2, "1", "2");
	expect_end(c);
	yh_csv_free(c);

	c = open_str("");
	expect_end(c);
	yh_csv_free(c);

	c = open_str("\r\n\n\r\n");
	expect_end(c);
	yh_csv_free(c);
}
END_TEST

START_TEST(test_last_line_without_newline)
{
	yh_csv *c = open_str("a,b\n1,2");

	expect_record(c, 1, 2, "a", "b");
	expect_record(c, 2, 2, "1", "2");
	expect_end(c);
	yh_csv_free(c);

	c = open_str("a,b\n1,\"x,y\"");
	expect_record(c, 1, 2, "a", "b");
	expect_record(c, 2, 2, "1", "x,y");
	expect_end(c);
	yh_csv_free(c);

	c = open_str("a,");
	expect_record(c, 1, 2, "a", "");
	expect_end(c);
	yh_csv_free(c);
}
END_TEST

START_TEST(test_empty_fields)
{
	yh_csv *c = open_str(",\n,,\na,,b\na,\n,a\n");

	expect_record(c, 1, 2, "", "");
	expect_record(c, 2, 3, "", "", "");
	expect_record(c, 3, 3, "a", "", "b");
	expect_record(c, 4, 2, "a", "");
	expect_record(c, 5, 2, "", "a");
	expect_end(c);
	yh_csv_free(c);
}
END_TEST

/* A quoted empty field is a record with one empty field, not a blank line. */
START_TEST(test_quoted_empty_field)
{
	yh_csv *c = open_str("\"\"\n\"\",\"\"\nx,\"\",y\n");

	expect_record(c, 1, 1, "");
	expect_record(c, 2, 2, "", "");
	expect_record(c, 3, 3, "x", "", "y");
	expect_end(c);
	yh_csv_free(c);
}
END_TEST

/* Field bytes come back as they are: spaces kept, lengths as read. */
START_TEST(test_field_bytes_as_they_are)
{
	static const char data[] = " a , b \n\t\"x\"\t\nc\001d,e\n";
	yh_csv *c = open_mem(data, sizeof(data) - 1, NULL);
	const char *f;
	size_t len;

	expect_record(c, 1, 2, " a ", " b ");
	/* a tab before a quote makes the quote a stray one */
	ck_assert_int_eq(yh_csv_next(c), YH_EDATA);
	ck_assert_uint_eq(yh_csv_error_line(c), 2);
	ck_assert_int_eq(yh_csv_next(c), 1);
	ck_assert_uint_eq(yh_csv_line(c), 3);
	ck_assert_uint_eq(yh_csv_nfields(c), 2);
	f = yh_csv_field(c, 0, &len);
	ck_assert_uint_eq(len, 3);
	ck_assert(memcmp(f, "c\001d", 4) == 0);
	/* out of range */
	len = 99;
	ck_assert_ptr_null(yh_csv_field(c, 2, &len));
	ck_assert_uint_eq(len, 0);
	ck_assert_ptr_null(yh_csv_field(c, 2, NULL));
	expect_end(c);
	yh_csv_free(c);
}
END_TEST

/* A NUL byte anywhere in a field, quoted or not, first, inside or last, is an error naming the
 * file, the line and the field (fields are C strings: the bytes after it would be lost to
 * some readers and not others); the next line is read as usual. */
START_TEST(test_nul_in_field)
{
	static const char data[] = "id,name\n"
	                           "a,b\0c\n"
	                           "ok,1\n"
	                           "\0x,y\n"
	                           "q,\"in \0 quotes\"\n"
	                           "a,b\0\n"
	                           "\"x\",\"\0\",z\n"
	                           "last,2\n";
	yh_csv *c = open_mem(data, sizeof(data) - 1, NULL);

	expect_record(c, 1, 2, "id", "name");
	expect_error(c, 2, 2, "NUL byte inside a field");
	expect_record(c, 3, 2, "ok", "1");
	expect_error(c, 4, 1, "NUL byte inside a field");
	expect_error(c, 5, 2, "NUL byte inside a field");
	expect_error(c, 6, 2, "NUL byte inside a field");
	expect_error(c, 7, 2, "NUL byte inside a field");
	expect_record(c, 8, 2, "last", "2");
	expect_end(c);
	yh_csv_free(c);

	/* the same past the first buffer, and as the very last byte of the file */
	{
		size_t n = 300000, i, len = 0;
		char *big = malloc(n * 10 + 16);

		ck_assert_ptr_nonnull(big);
		for (i = 0; i < n; i++)
			len += (size_t)sprintf(big + len, "r%05zu,v\n", i % 100000);
		big[len++] = 'x';
		big[len++] = '\0';
		c = open_mem(big, len, NULL);
		for (i = 0; i < n; i++)
			ck_assert_int_eq(yh_csv_next(c), 1);
		expect_error(c, n + 1, 1, "NUL byte inside a field");
		expect_end(c);
		yh_csv_free(c);
		free(big);
	}
}
END_TEST

/* Each byte that ends or breaks an unquoted field, at every offset of a long field (the reader
 * scans sixteen bytes at a time where it can): found where it is, as the byte-by-byte reading
 * would.  Then random records of fields from 0 to 70 bytes, some quoted, against the fields
 * they were made of. */
START_TEST(test_field_ends_at_every_offset)
{
	char line[256];
	size_t pos, len;
	int k;

	for (pos = 0; pos < 40; pos++) {
		static const char breaks[] = { '\0', '"', '\r', ',', '\n' };

		for (k = 0; k < 5; k++) {
			yh_csv *c;
			char want[64];

			if (pos == 0 && breaks[k] == '"')
				continue; /* a quote first opens a quoted field */
			len = (size_t)sprintf(line, "h,");
			memset(line + len, 'a', 41);
			line[len + pos] = breaks[k];
			len += 41;
			line[len++] = '\n';
			memcpy(line + len, "ok,1\n", 5);
			len += 5;
			c = open_mem(line, len, NULL);
			memset(want, 'a', pos);
			want[pos] = '\0';
			switch (breaks[k]) {
			case '\0': expect_error(c, 1, 2, "NUL byte inside a field"); break;
			case '"': expect_error(c, 1, 2, "quote inside an unquoted field"); break;
			case '\r': expect_error(c, 1, 2, "carriage return"); break;
			case ',': expect_record(c, 1, 3, "h", want, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" + pos); break;
			default:
				expect_record(c, 1, 2, "h", want);
				if (pos < 40)
					expect_record(c, 2, 1, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" + pos);
				break;
			}
			expect_record(c, breaks[k] == '\n' ? 3 : 2, 2, "ok", "1");
			expect_end(c);
			yh_csv_free(c);
		}
	}
	for (k = 0; k < 300; k++) {
		static char text[64 * 1024];
		char fields[8][80];
		size_t nf = 1 + randombytes_uniform(8), f, off = 0, i;
		yh_csv *c;
		int r;

		for (f = 0; f < nf; f++) {
			size_t flen = randombytes_uniform(71);
			int quoted = randombytes_uniform(4) == 0;

			for (i = 0; i < flen; i++) {
				static const char plain[] = "abcXYZ019 -_.\xe4\xb8\xad";
				static const char any[] = "ab,\n\"x";

				fields[f][i] = quoted ? any[randombytes_uniform(sizeof(any) - 1)]
				                      : plain[randombytes_uniform(sizeof(plain) - 1)];
			}
			fields[f][flen] = '\0';
			if (f)
				text[off++] = ',';
			if (quoted) {
				text[off++] = '"';
				for (i = 0; i < flen; i++) {
					if (fields[f][i] == '"')
						text[off++] = '"';
					text[off++] = fields[f][i];
				}
				text[off++] = '"';
			} else {
				memcpy(text + off, fields[f], flen);
				off += flen;
			}
		}
		text[off++] = '\n';
		if (nf == 1 && fields[0][0] == '\0')
			continue; /* a blank line is skipped, not a record */
		c = open_mem(text, off, NULL);
		r = yh_csv_next(c);
		ck_assert_msg(r == 1, "record %d: %d (%s)", k, r, yh_error_message());
		ck_assert_uint_eq(yh_csv_nfields(c), nf);
		for (f = 0; f < nf; f++) {
			size_t got_len;
			const char *got = yh_csv_field(c, f, &got_len);

			ck_assert_msg(got_len == strlen(fields[f]) && memcmp(got, fields[f], got_len) == 0,
			              "record %d field %zu: '%s', want '%s'", k, f + 1, got, fields[f]);
		}
		expect_end(c);
		yh_csv_free(c);
	}
}
END_TEST

/* ---- errors ---------------------------------------------------------------- */

START_TEST(test_quote_inside_unquoted_field)
{
	yh_csv *c = open_str("h1,h2,h3\nab,c\"d,e\nx,y,z\n");

	expect_record(c, 1, 3, "h1", "h2", "h3");
	expect_error(c, 2, 2, "quote inside an unquoted field");
	expect_record(c, 3, 3, "x", "y", "z");
	expect_end(c);
	yh_csv_free(c);
}
END_TEST

START_TEST(test_text_after_closing_quote)
{
	yh_csv *c = open_str("a,\"b\"c,d\nok\n\"x\" ,y\nlast\n");

	expect_error(c, 1, 2, "after a closing quote");
	expect_record(c, 2, 1, "ok");
	expect_error(c, 3, 1, "after a closing quote");
	expect_record(c, 4, 1, "last");
	expect_end(c);
	yh_csv_free(c);
}
END_TEST

START_TEST(test_bare_cr)
{
	yh_csv *c = open_str("a,b\rc,d\ne,f\n\"q\"\rx\ng\n");

	expect_error(c, 1, 2, "carriage return");
	expect_record(c, 2, 2, "e", "f");
	expect_error(c, 3, 1, "carriage return");
	expect_record(c, 4, 1, "g");
	expect_end(c);
	yh_csv_free(c);

	/* a CR as the very last byte */
	c = open_str("a,b\r");
	expect_error(c, 1, 2, "carriage return");
	expect_end(c);
	yh_csv_free(c);
}
END_TEST

/* The error names the line where the quote opened; then the reader is done. */
START_TEST(test_unterminated_quote)
{
	yh_csv *c = open_str("h\nok\n\"abc\nmore\nstuff");

	expect_record(c, 1, 1, "h");
	expect_record(c, 2, 1, "ok");
	expect_error(c, 3, 1, "never closed");
	ck_assert_msg(strstr(yh_csv_error_reason(c), "line 5") != NULL, "%s", yh_csv_error_reason(c));
	expect_end(c);
	yh_csv_free(c);

	c = open_str("a,b,\"c\r\n1,2,3\r\n");
	expect_error(c, 1, 3, "never closed");
	expect_end(c);
	yh_csv_free(c);
}
END_TEST

/* The broken fixture: the quote opens on line 5 of 7. */
START_TEST(test_unterminated_quote_fixture)
{
	yh_csv *c = NULL;
	int r, records = 0;

	ck_assert_int_eq(yh_csv_open(&c, tu_fixture("broken/entities-unterminated-quote.csv"), NULL),
	                 YH_OK);
	while ((r = yh_csv_next(c)) == 1) {
		ck_assert_uint_eq(yh_csv_nfields(c), 8);
		records++;
	}
	ck_assert_int_eq(r, YH_EDATA);
	ck_assert_int_eq(records, 4); /* header and lines 2-4 */
	ck_assert_uint_eq(yh_csv_error_line(c), 5);
	ck_assert_uint_eq(yh_csv_error_field(c), 2);
	ck_assert_msg(strstr(yh_csv_error_reason(c), "line 7") != NULL, "%s", yh_csv_error_reason(c));
	expect_end(c);
	yh_csv_free(c);
}
END_TEST

/* YH_CSV_MAX_RECORD bytes are allowed; one more is an error, and the reader goes on. */
START_TEST(test_record_size_limit)
{
	size_t max = YH_CSV_MAX_RECORD;
	char *big = repeat('a', max + 1), *data = malloc(max + 64);
	yh_csv *c;
	size_t len;

	ck_assert_ptr_nonnull(data);
	/* one field of exactly the limit */
	len = (size_t)sprintf(data, "%.*s\nnext\n", (int)max, big);
	c = open_mem(data, len, NULL);
	ck_assert_int_eq(yh_csv_next(c), 1);
	ck_assert_uint_eq(yh_csv_nfields(c), 1);
	ck_assert_uint_eq(strlen(yh_csv_field(c, 0, NULL)), max);
	expect_record(c, 2, 1, "next");
	expect_end(c);
	yh_csv_free(c);

	/* two fields and a comma: exactly the limit */
	len = (size_t)sprintf(data, "x,%.*s\nnext\n", (int)(max - 2), big);
	c = open_mem(data, len, NULL);
	ck_assert_int_eq(yh_csv_next(c), 1);
	ck_assert_uint_eq(yh_csv_nfields(c), 2);
	expect_record(c, 2, 1, "next");
	yh_csv_free(c);

	/* one byte over, in the second field */
	len = (size_t)sprintf(data, "x,%.*s\nnext,1\n", (int)(max - 1), big);
	c = open_mem(data, len, NULL);
	expect_error(c, 1, 2, "longer than 1 MiB");
	expect_record(c, 2, 2, "next", "1");
	expect_end(c);
	yh_csv_free(c);

	/* well over, after a good record */
	len = (size_t)sprintf(data, "first\n%s\nnext\n", big);
	c = open_mem(data, len, NULL);
	expect_record(c, 1, 1, "first");
	expect_error(c, 2, 1, "longer than 1 MiB");
	expect_record(c, 3, 1, "next");
	expect_end(c);
	yh_csv_free(c);
	free(big);
	free(data);
}
END_TEST

/* YH_CSV_MAX_FIELDS fields are allowed; one more is an error naming field 1025. */
START_TEST(test_field_count_limit)
{
	size_t n = YH_CSV_MAX_FIELDS;
	char *data = malloc(5 * n + 64), *p;
	size_t i;
	yh_csv *c;

	ck_assert_ptr_nonnull(data);
	p = data;
	for (i = 0; i < n; i++)
		p += sprintf(p, "f%c", i < n - 1 ? ',' : '\n');
	for (i = 0; i < n + 1; i++)
		p += sprintf(p, "g%c", i < n ? ',' : '\n');
	p += sprintf(p, "ok,1\n");
	c = open_mem(data, (size_t)(p - data), NULL);
	ck_assert_int_eq(yh_csv_next(c), 1);
	ck_assert_uint_eq(yh_csv_nfields(c), n);
	ck_assert_str_eq(yh_csv_field(c, n - 1, NULL), "f");
	expect_error(c, 2, n + 1, "more than 1024 fields");
	expect_record(c, 3, 2, "ok", "1");
	expect_end(c);
	yh_csv_free(c);
	free(data);
}
END_TEST

/* Several recoverable faults in a row, each followed by good records. */
START_TEST(test_recovery_sequence)
{
	yh_csv *c = open_str("id,v\n1,a\"b\n2,ok\n3,\"x\"y\n\n4,\"multi\nline\"\n5,c\rd\n6,end");

	expect_record(c, 1, 2, "id", "v");
	expect_error(c, 2, 2, "quote inside");
	expect_record(c, 3, 2, "2", "ok");
	expect_error(c, 4, 2, "closing quote");
	expect_record(c, 6, 2, "4", "multi\nline");
	expect_error(c, 8, 2, "carriage return");
	expect_record(c, 9, 2, "6", "end");
	expect_end(c);
	yh_csv_free(c);
}
END_TEST

/* ---- large input: records across read buffers -------------------------------- */

START_TEST(test_large_input)
{
	size_t rows = 40000, i, cap = rows * 80, len = 0;
	char *data = malloc(cap);
	yh_csv *c;

	ck_assert_ptr_nonnull(data);
	for (i = 0; i < rows; i++)
		len += (size_t)snprintf(data + len, cap - len, "%zu,\"值%zu,\"\"q\"\"\",%.*s\r\n", i, i * 7,
		                        (int)(i % 23), "abcdefghijklmnopqrstuvwxyz");
	c = open_mem(data, len, NULL);
	ck_assert_uint_eq(yh_csv_bytes_total(c), len);
	for (i = 0; i < rows; i++) {
		char a[32], b[64];
		size_t flen;

		snprintf(a, sizeof(a), "%zu", i);
		snprintf(b, sizeof(b), "值%zu,\"q\"", i * 7);
		ck_assert_int_eq(yh_csv_next(c), 1);
		ck_assert_uint_eq(yh_csv_line(c), i + 1);
		ck_assert_uint_eq(yh_csv_nfields(c), 3);
		ck_assert_str_eq(yh_csv_field(c, 0, NULL), a);
		ck_assert_str_eq(yh_csv_field(c, 1, NULL), b);
		yh_csv_field(c, 2, &flen);
		ck_assert_uint_eq(flen, i % 23);
		ck_assert_uint_le(yh_csv_bytes_read(c), len);
	}
	expect_end(c);
	ck_assert_uint_eq(yh_csv_bytes_read(c), len);
	yh_csv_free(c);
	free(data);
}
END_TEST

/* ---- encodings ------------------------------------------------------------------ */

static const char gb_text[] =
	"统一社会信用代码,企业名称,备注\r\n"
	"91350100M000100Y43,\"福州,某某公司\",𠀀é€\r\n"
	"91110000101623741K,北京“老字号”,\"多\r\n行\"\r\n";

static void expect_gb_records(yh_csv *c)
{
	expect_record(c, 1, 3, "统一社会信用代码", "企业名称", "备注");
	expect_record(c, 2, 3, "91350100M000100Y43", "福州,某某公司", "𠀀é€");
	expect_record(c, 3, 3, "91110000101623741K", "北京“老字号”", "多\r\n行");
	expect_end(c);
}

START_TEST(test_gb18030_decoding)
{
	static const char *const names[] = { "gb18030", "GB18030", "gbk", "GBK", "Gb18030" };
	size_t len, i;
	char *gb = tu_iconv("GB18030", gb_text, &len);

	/* it is really another encoding: the bytes differ and are not UTF-8 */
	ck_assert(len != strlen(gb_text) || memcmp(gb, gb_text, len) != 0);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		yh_csv *c = open_mem(gb, len, names[i]);
		unsigned char want[32], got[32];

		expect_gb_records(c);
		/* the hash is of the raw (GB18030) bytes, not of the decoded text */
		crypto_hash_sha256(want, (const unsigned char *)gb, len);
		ck_assert_int_eq(yh_csv_sha256(got, c), YH_OK);
		ck_assert_mem_eq(got, want, 32);
		ck_assert_uint_eq(yh_csv_bytes_read(c), len);
		ck_assert_uint_eq(yh_csv_bytes_total(c), len);
		yh_csv_free(c);
	}
	free(gb);
}
END_TEST

/* UTF-8 input under its own names. */
START_TEST(test_utf8_names)
{
	static const char *const names[] = { "utf-8", "UTF-8", "utf8", "Utf8" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		yh_csv *c = open_mem(gb_text, strlen(gb_text), names[i]);

		expect_gb_records(c);
		yh_csv_free(c);
	}
}
END_TEST

/* A GB18030 byte-order mark (84 31 95 33) is stripped like the UTF-8 one. */
START_TEST(test_gb18030_bom)
{
	size_t len;
	char *gb = tu_iconv("GB18030", "\xEF\xBB\xBF" "名称,x\r\n", &len);
	yh_csv *c;

	ck_assert_uint_ge(len, 4);
	ck_assert(memcmp(gb, "\x84\x31\x95\x33", 4) == 0);
	c = open_mem(gb, len, "gb18030");
	expect_record(c, 1, 2, "名称", "x");
	expect_end(c);
	yh_csv_free(c);
	free(gb);
}
END_TEST

/* Multi-byte characters cut by the reader's 256 KiB input chunks decode whole. */
START_TEST(test_gb18030_chunk_boundaries)
{
	static const size_t offsets[] = { 0, 1, 2, 3 };
	const size_t chunk = 256 * 1024;
	size_t k;

	for (k = 0; k < sizeof(offsets) / sizeof(offsets[0]); k++) {
		/* ASCII up to just before the chunk end, then a 4-byte and 2-byte characters */
		size_t pad = chunk - 2 - offsets[k], len;
		char *a = repeat('a', pad), *utf8 = malloc(pad + 256), *gb, *want = malloc(pad + 256);
		yh_csv *c;
		const char *f;
		size_t flen;
		int i;

		ck_assert_ptr_nonnull(utf8);
		ck_assert_ptr_nonnull(want);
		sprintf(utf8, "%s𠀀中文,次\n", a);
		for (i = 0; i < 3; i++)
			strcat(utf8, "第二行,值\n");
		gb = tu_iconv("GB18030", utf8, &len);
		c = open_mem(gb, len, "gb18030");
		ck_assert_int_eq(yh_csv_next(c), 1);
		ck_assert_uint_eq(yh_csv_nfields(c), 2);
		sprintf(want, "%s𠀀中文", a);
		f = yh_csv_field(c, 0, &flen);
		ck_assert_uint_eq(flen, strlen(want));
		ck_assert(memcmp(f, want, flen) == 0);
		ck_assert_str_eq(yh_csv_field(c, 1, NULL), "次");
		for (i = 0; i < 3; i++)
			expect_record(c, (uint64_t)i + 2, 2, "第二行", "值");
		expect_end(c);
		yh_csv_free(c);
		free(a);
		free(utf8);
		free(want);
		free(gb);
	}
}
END_TEST

/* The committed GB18030 fixture decodes to 301 records of 8 fields. */
START_TEST(test_gb18030_fixture)
{
	yh_csv *c = NULL;
	int r, n = 0;

	ck_assert_int_eq(yh_csv_open(&c, tu_fixture("entities-gb18030.csv"), "gb18030"), YH_OK);
	ck_assert_int_eq(yh_csv_next(c), 1);
	ck_assert_str_eq(yh_csv_field(c, 0, NULL), "企业名称");
	ck_assert_str_eq(yh_csv_field(c, 2, NULL), "统一社会信用代码");
	n = 1;
	while ((r = yh_csv_next(c)) == 1) {
		ck_assert_uint_eq(yh_csv_nfields(c), 8);
		ck_assert_uint_eq(strlen(yh_csv_field(c, 2, NULL)), 18);
		n++;
	}
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(n, 301);
	yh_csv_free(c);
}
END_TEST

/* Bytes that are not GB18030: an error on their line, and the reader stops. */
START_TEST(test_gb18030_invalid_bytes)
{
	static const char bad[] = "x,\xFF\xFF\r\nlater,row\r\n";
	size_t len;
	char *gb = tu_iconv("GB18030", "名称,值\r\n中,文\r\n", &len), *data = malloc(len + 64);
	yh_csv *c;

	ck_assert_ptr_nonnull(data);
	memcpy(data, gb, len);
	memcpy(data + len, bad, sizeof(bad) - 1);
	c = open_mem(data, len + sizeof(bad) - 1, "gb18030");
	expect_record(c, 1, 2, "名称", "值");
	expect_record(c, 2, 2, "中", "文");
	expect_error(c, 3, 2, "not valid in the given encoding");
	expect_end(c);
	yh_csv_free(c);

	/* at the very start of the file */
	c = open_mem("\x80" "abc,d\n", 7, "gb18030");
	expect_error(c, 1, 1, "not valid in the given encoding");
	expect_end(c);
	yh_csv_free(c);
	free(gb);
	free(data);
}
END_TEST

START_TEST(test_gb18030_truncated_at_end)
{
	yh_csv *c = open_mem("a,b\n1,\xD6", 7, "gbk");

	expect_record(c, 1, 2, "a", "b");
	expect_error(c, 2, 2, "ends inside a multi-byte character");
	expect_end(c);
	yh_csv_free(c);
}
END_TEST

START_TEST(test_unsupported_encoding)
{
	static const char *const names[] = { "latin1", "utf-16", "big5", "", "gb2312x", "utf-8 " };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		yh_csv *c = (yh_csv *)1;

		ck_assert_int_eq(yh_csv_open_buffer(&c, "a\n", 2, "x.csv", names[i]), YH_EINVAL);
		ck_assert_ptr_null(c);
		ck_assert_int_eq(yh_error_code(), YH_EINVAL);
		ck_assert_msg(strstr(yh_error_message(), "unsupported encoding") != NULL, "%s",
		              yh_error_message());
		c = (yh_csv *)1;
		ck_assert_int_eq(yh_csv_open(&c, tu_fixture("items.csv"), names[i]), YH_EINVAL);
		ck_assert_ptr_null(c);
	}
}
END_TEST

/* ---- hashing, progress, files ---------------------------------------------------- */

START_TEST(test_sha256_of_raw_bytes)
{
	static const char *const inputs[] = {
		"", "a", "\xEF\xBB\xBFid,name\r\n1,\"x\"\r\n", "a,b\n\n\n", "\"unterminated\n",
	};
	size_t i;

	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		unsigned char want[32], got[32];
		yh_csv *c = open_str(inputs[i]);

		while (yh_csv_next(c) != 0)
			;
		crypto_hash_sha256(want, (const unsigned char *)inputs[i], strlen(inputs[i]));
		ck_assert_int_eq(yh_csv_sha256(got, c), YH_OK);
		ck_assert_msg(memcmp(got, want, 32) == 0, "input %zu: %s", i, tu_hex(got, 32));
		/* asking twice gives the same */
		memset(got, 0, 32);
		ck_assert_int_eq(yh_csv_sha256(got, c), YH_OK);
		ck_assert_mem_eq(got, want, 32);
		yh_csv_free(c);
	}
}
END_TEST

START_TEST(test_sha256_large_and_before_end)
{
	size_t len = 3 * 1024 * 1024 + 17, i;
	char *data = malloc(len);
	unsigned char want[32], got[32];
	yh_csv *c;

	ck_assert_ptr_nonnull(data);
	for (i = 0; i < len; i++)
		data[i] = (i % 61 == 60) ? '\n' : (i % 7 == 3) ? ',' : (char)('a' + i % 26);
	c = open_mem(data, len, NULL);
	ck_assert_int_eq(yh_csv_next(c), 1);
	/* not read to the end yet */
	ck_assert_int_eq(yh_csv_sha256(got, c), YH_EINVAL);
	ck_assert_uint_gt(yh_csv_bytes_read(c), 0);
	ck_assert_uint_lt(yh_csv_bytes_read(c), len);
	while (yh_csv_next(c) == 1)
		;
	crypto_hash_sha256(want, (const unsigned char *)data, len);
	ck_assert_int_eq(yh_csv_sha256(got, c), YH_OK);
	ck_assert_mem_eq(got, want, 32);
	ck_assert_uint_eq(yh_csv_bytes_read(c), len);
	ck_assert_uint_eq(yh_csv_bytes_total(c), len);
	yh_csv_free(c);
	free(data);
}
END_TEST

START_TEST(test_open_file)
{
	const char *path = tu_path("in.csv");
	unsigned char want[32], got[32];
	static const char text[] = "a,b\r\n\"c\nd\",e\r\n";
	yh_csv *c = (yh_csv *)1;

	tu_write_str(path, text);
	ck_assert_int_eq(yh_csv_open(&c, path, NULL), YH_OK);
	ck_assert_str_eq(yh_csv_name(c), path);
	ck_assert_uint_eq(yh_csv_bytes_total(c), strlen(text));
	ck_assert_uint_eq(yh_csv_bytes_read(c), 0);
	expect_record(c, 1, 2, "a", "b");
	expect_record(c, 2, 2, "c\nd", "e");
	expect_end(c);
	crypto_hash_sha256(want, (const unsigned char *)text, strlen(text));
	ck_assert_int_eq(yh_csv_sha256(got, c), YH_OK);
	ck_assert_mem_eq(got, want, 32);
	yh_csv_free(c);

	c = (yh_csv *)1;
	ck_assert_int_eq(yh_csv_open(&c, tu_path("missing.csv"), NULL), YH_EIO);
	ck_assert_ptr_null(c);
	ck_assert_ptr_nonnull(strstr(yh_error_message(), "missing.csv"));
	yh_csv_free(NULL);
}
END_TEST

START_TEST(test_buffer_name)
{
	yh_csv *c = NULL;

	ck_assert_int_eq(yh_csv_open_buffer(&c, "x", 1, "memory:1", NULL), YH_OK);
	ck_assert_str_eq(yh_csv_name(c), "memory:1");
	ck_assert_uint_eq(yh_csv_bytes_total(c), 1);
	yh_csv_free(c);
}
END_TEST

/* ---- detecting GB18030 ("auto") -------------------------------------------------- */

/* Opens data with "auto" and checks the encoding chosen. */
static yh_csv *open_auto(const void *data, size_t len, const char *want, int detected)
{
	yh_csv *c = open_mem(data, len, "auto");

	ck_assert_str_eq(yh_csv_encoding(c), want);
	ck_assert_int_eq(yh_csv_encoding_detected(c), detected);
	return c;
}

/* A file that is not UTF-8 but is GB18030 is read as GB18030; anything else as UTF-8. The
 * whole file decides, across read boundaries; the hash is of the raw bytes either way. */
START_TEST(test_auto_detection)
{
	const char *utf8 = "名称,值\n中,文\n";
	size_t len, big = 256 * 1024 + 37, n;
	char *gb = tu_iconv("GB18030", utf8, &len), *data;
	unsigned char sha[32], want[32];
	yh_csv *c;

	c = open_auto(utf8, strlen(utf8), "utf-8", 0);
	expect_record(c, 1, 2, "名称", "值");
	expect_record(c, 2, 2, "中", "文");
	expect_end(c);
	yh_csv_free(c);
	c = open_auto(gb, len, "gb18030", 1);
	expect_record(c, 1, 2, "名称", "值");
	expect_record(c, 2, 2, "中", "文");
	expect_end(c);
	ck_assert_int_eq(yh_csv_sha256(sha, c), YH_OK);
	crypto_hash_sha256(want, (const unsigned char *)gb, len);
	ck_assert_mem_eq(sha, want, 32);
	yh_csv_free(c);
	/* given, an encoding is not second-guessed */
	c = open_mem(gb, len, "utf-8");
	ck_assert_str_eq(yh_csv_encoding(c), "utf-8");
	ck_assert_int_eq(yh_csv_encoding_detected(c), 0);
	yh_csv_free(c);
	c = open_mem(gb, len, "GBK");
	ck_assert_str_eq(yh_csv_encoding(c), "gb18030");
	ck_assert_int_eq(yh_csv_encoding_detected(c), 0);
	yh_csv_free(c);
	c = open_mem(gb, len, "Auto");
	ck_assert_int_eq(yh_csv_encoding_detected(c), 1);
	yh_csv_free(c);
	/* ASCII and empty files are UTF-8 */
	yh_csv_free(open_auto("a,b\n", 4, "utf-8", 0));
	yh_csv_free(open_auto("", 0, "utf-8", 0));
	/* neither UTF-8 nor GB18030 (0xFF is neither; a lead byte at the end is cut short):
	 * UTF-8, whose text rule then names the bytes */
	yh_csv_free(open_auto("a,\xFF\n", 4, "utf-8", 0));
	data = malloc(len + 1);
	memcpy(data, gb, len);
	data[len] = '\xD6';
	yh_csv_free(open_auto(data, len + 1, "utf-8", 0));
	free(data);
	free(gb);

	/* the first non-ASCII bytes far into the file, and characters across the reader's
	 * 256 KiB reads: a 3-byte UTF-8 one, a 2-byte and a 4-byte GB18030 one (U+1F600) */
	data = malloc(big);
#define ASCII_LINES() for (n = 0; n < big; n++) data[n] = n % 16 == 15 ? '\n' : 'x'
	ASCII_LINES();
	memcpy(data + 256 * 1024 - 1, "中", 3);
	yh_csv_free(open_auto(data, big, "utf-8", 0));
	ASCII_LINES();
	gb = tu_iconv("GB18030", "中", &len);
	ck_assert_uint_eq(len, 2);
	memcpy(data + 256 * 1024 - 1, gb, 2);
	free(gb);
	c = open_auto(data, big, "gb18030", 1);
	while (yh_csv_next(c) == 1 && !strstr(yh_csv_field(c, 0, NULL), "中"))
		;
	ck_assert_ptr_nonnull(strstr(yh_csv_field(c, 0, NULL), "中"));
	yh_csv_free(c);
	ASCII_LINES();
	gb = tu_iconv("GB18030", "\xF0\x9F\x98\x80", &len);
	ck_assert_uint_eq(len, 4);
	memcpy(data + 256 * 1024 - 2, gb, 4);
	free(gb);
	yh_csv_free(open_auto(data, big, "gb18030", 1));
	ASCII_LINES();
	memcpy(data + big - 2, "\xD6\xD0", 2); /* the last two bytes only */
	yh_csv_free(open_auto(data, big, "gb18030", 1));
#undef ASCII_LINES
	free(data);
}
END_TEST

static Suite *csv_suite(void)
{
	Suite *s = suite_create("csv");
	TCase *rfc = tu_tcase(s, "rfc4180", 0, 60);
	TCase *err = tu_tcase(s, "errors", TU_TMPDIR, 60);
	TCase *enc = tu_tcase(s, "encodings", TU_TMPDIR, 60);
	TCase *io = tu_tcase(s, "io", TU_TMPDIR, 60);

	tcase_add_test(rfc, test_simple_lf);
	tcase_add_test(rfc, test_crlf);
	tcase_add_test(rfc, test_mixed_line_ends);
	tcase_add_test(rfc, test_quoted_comma);
	tcase_add_test(rfc, test_doubled_quotes);
	tcase_add_test(rfc, test_line_breaks_in_quotes);
	tcase_add_test(rfc, test_bom_stripped);
	tcase_add_test(rfc, test_blank_lines_skipped);
	tcase_add_test(rfc, test_last_line_without_newline);
	tcase_add_test(rfc, test_empty_fields);
	tcase_add_test(rfc, test_quoted_empty_field);
	tcase_add_test(rfc, test_field_bytes_as_they_are);
	tcase_add_test(rfc, test_nul_in_field);
	tcase_add_test(rfc, test_field_ends_at_every_offset);
	tcase_add_test(rfc, test_large_input);

	tcase_add_test(err, test_quote_inside_unquoted_field);
	tcase_add_test(err, test_text_after_closing_quote);
	tcase_add_test(err, test_bare_cr);
	tcase_add_test(err, test_unterminated_quote);
	tcase_add_test(err, test_unterminated_quote_fixture);
	tcase_add_test(err, test_record_size_limit);
	tcase_add_test(err, test_field_count_limit);
	tcase_add_test(err, test_recovery_sequence);

	tcase_add_test(enc, test_gb18030_decoding);
	tcase_add_test(enc, test_utf8_names);
	tcase_add_test(enc, test_gb18030_bom);
	tcase_add_test(enc, test_gb18030_chunk_boundaries);
	tcase_add_test(enc, test_gb18030_fixture);
	tcase_add_test(enc, test_gb18030_invalid_bytes);
	tcase_add_test(enc, test_gb18030_truncated_at_end);
	tcase_add_test(enc, test_unsupported_encoding);
	tcase_add_test(enc, test_auto_detection);

	tcase_add_test(io, test_sha256_of_raw_bytes);
	tcase_add_test(io, test_sha256_large_and_before_end);
	tcase_add_test(io, test_open_file);
	tcase_add_test(io, test_buffer_name);
	return s;
}

TU_MAIN(csv_suite)
