/*
 * yaohao/csv.h — a streaming RFC 4180 reader for register files.
 *
 * Accepts quoted fields holding commas, quotes ("") and line breaks, CRLF or
 * LF line ends, an optional UTF-8 byte-order mark, and other encodings
 * (GB18030, GBK) converted to UTF-8 through iconv, or detected ("auto": a
 * file that is not UTF-8 but is GB18030).  Blank lines are skipped.
 * It is strict where leniency would be ambiguous: a quote inside an unquoted
 * field, text after a closing quote, a bare CR, an unterminated quote, a NUL
 * byte inside a field (field text is handed out as C strings), and a
 * record over YH_CSV_MAX_RECORD bytes or YH_CSV_MAX_FIELDS fields are errors
 * that name the line.  Field bytes are returned as they are: validating text
 * (UTF-8, control characters) is the caller's job.
 *
 * The reader also hashes the raw bytes of the file (SHA-256) as it reads.
 */
#ifndef YAOHAO_CSV_H
#define YAOHAO_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define YH_CSV_MAX_RECORD (1u << 20)
#define YH_CSV_MAX_FIELDS 1024

typedef struct yh_csv yh_csv;

/* Opens `path`.  `encoding` is NULL or "utf-8" for UTF-8, "gb18030"/"gbk", or "auto":
 * GB18030 when the whole file is not well-formed UTF-8 but decodes as GB18030, else
 * UTF-8 (the file is read through once more to decide; a file that cannot be read
 * twice, such as a pipe, is UTF-8).  Any case; anything else is YH_EINVAL. */
YH_EXTERN int yh_csv_open(yh_csv **out, const char *path, const char *encoding) YH_WARN_UNUSED;

/* Reads from memory; `name` is used in messages.  The data is copied. */
YH_EXTERN int yh_csv_open_buffer(yh_csv **out, const void *data, size_t len,
                                 const char *name, const char *encoding) YH_WARN_UNUSED;

/* Reads the next record: 1 when one was read, 0 at the end of the file,
 * a negative code on error (the message names the file and line). */
YH_EXTERN int yh_csv_next(yh_csv *csv) YH_WARN_UNUSED;

/* The fields of the current record.  Field text is NUL-terminated and stays
 * valid until the next call to yh_csv_next(). */
YH_EXTERN size_t yh_csv_nfields(const yh_csv *csv);
YH_EXTERN const char *yh_csv_field(const yh_csv *csv, size_t i, size_t *len);

/*
 * After yh_csv_next() failed: the line and 1-based field number where the
 * fault was found and the bare reason ("unterminated quoted field ...").
 * The reader then resumes at the next line when the fault allows it (a stray
 * quote, a bare CR, an over-long record); after a fault it cannot recover
 * from (an unterminated quote, undecodable bytes, a read error) the next call
 * returns 0.
 */
YH_EXTERN uint64_t yh_csv_error_line(const yh_csv *csv);
YH_EXTERN size_t yh_csv_error_field(const yh_csv *csv);
YH_EXTERN const char *yh_csv_error_reason(const yh_csv *csv);

/* The encoding the file is read in: "utf-8" or "gb18030" (for "gbk" too). */
YH_EXTERN const char *yh_csv_encoding(const yh_csv *csv);

/* 1 when "auto" chose GB18030 (the file is not UTF-8), 0 otherwise. */
YH_EXTERN int yh_csv_encoding_detected(const yh_csv *csv);

/* 1-based physical line on which the current record starts. */
YH_EXTERN uint64_t yh_csv_line(const yh_csv *csv);

/* The name given at open (the path). */
YH_EXTERN const char *yh_csv_name(const yh_csv *csv);

/* Raw bytes consumed so far and the file size (0 if unknown): for progress. */
YH_EXTERN uint64_t yh_csv_bytes_read(const yh_csv *csv);
YH_EXTERN uint64_t yh_csv_bytes_total(const yh_csv *csv);

/* After yh_csv_next() returned 0: the SHA-256 of every raw byte of the file. */
YH_EXTERN int yh_csv_sha256(unsigned char out[32], const yh_csv *csv) YH_WARN_UNUSED;

/* NULL-safe. */
YH_EXTERN void yh_csv_free(yh_csv *csv);

#ifdef __cplusplus
}
#endif
#endif
