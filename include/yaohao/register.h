/*
 * yaohao/register.h — the registers (一单两库): market entities, enforcement
 * officers, conflicts of interest (回避) and check items.
 *
 * Each register keeps its history: a row version is valid from the ledger
 * sequence of the import that wrote it until the sequence of the import that
 * changed or removed it.  "As of S" selects the versions with
 * valid_from <= S < valid_to, so any frozen point can be read back.
 * Values are stored normalised (docs/formats.md): entity status is one of
 * active, deregistered, revoked, cancelled, moved_out, suspended,
 * liquidating; risk is A-D or empty; abnormal is 0 or 1; specialties are
 * sorted and joined with ';'.
 */
#ifndef YAOHAO_REGISTER_H
#define YAOHAO_REGISTER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	YH_REGISTER_ENTITIES = 0,
	YH_REGISTER_INSPECTORS,
	YH_REGISTER_CONFLICTS,
	YH_REGISTER_ITEMS,
	YH_REGISTER_COUNT
} yh_register_kind;

typedef struct {
	const char *name;               /* canonical (English) column name */
	const char *const *aliases;     /* accepted headers, NULL-terminated */
	int required;                   /* the column must be present and non-empty */
	const char *rule;               /* one line: what a value must look like */
} yh_register_column;

/* "entities", "inspectors", "conflicts", "items". */
YH_EXTERN const char *yh_register_name(yh_register_kind kind);

/* Accepts the names above and their singular forms; YH_EINVAL otherwise. */
YH_EXTERN int yh_register_lookup(yh_register_kind *out, const char *name) YH_WARN_UNUSED;

/* The columns of a register in storage order; the first
 * yh_register_key_count() of them form the key. */
YH_EXTERN size_t yh_register_columns(const yh_register_column **out, yh_register_kind kind);
YH_EXTERN size_t yh_register_key_count(yh_register_kind kind);

/* Rows valid as of ledger sequence `as_of` (0: the current rows). */
YH_EXTERN int yh_register_count(uint64_t *out, yh_store *store, yh_register_kind kind,
                                uint64_t as_of) YH_WARN_UNUSED;

/* Calls fn for each row valid as of `as_of` (0: current), in key order, with
 * the values in column order.  A non-zero return from fn stops the walk and
 * is returned. */
typedef int (*yh_register_row_fn)(void *ctx, const char *const *values, size_t n);
YH_EXTERN int yh_register_foreach(yh_store *store, yh_register_kind kind, uint64_t as_of,
                                  yh_register_row_fn fn, void *ctx) YH_WARN_UNUSED;

/*
 * Writes the register as of `as_of` (0: current) as canonical CSV to fp:
 * a header of the canonical column names, then the rows in key order; a
 * field holding ',' or '"' is quoted with '"' doubled; UTF-8, LF line ends
 * (docs/spec.md, "canonical register files").
 */
YH_EXTERN int yh_register_export(FILE *fp, yh_store *store, yh_register_kind kind,
                                 uint64_t as_of) YH_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
