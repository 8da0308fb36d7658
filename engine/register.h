/* Private: register descriptors — storage table, columns and value rules. */
#ifndef YH_ENGINE_REGISTER_H
#define YH_ENGINE_REGISTER_H

#include <stddef.h>

#include "yaohao/error.h"
#include "yaohao/register.h"
#include "text.h"

/* The most bytes of a register field: the one text limit. */
#define YH_FIELD_MAX YH_TEXT_MAX

/* Column indices of the entity and inspector registers: the order of the one
 * column list in register.c (storage order, canonical file order, Merkle row order). */
enum { YH_E_ID, YH_E_NAME, YH_E_TYPE, YH_E_REGION, YH_E_INDUSTRY, YH_E_RISK, YH_E_STATUS,
       YH_E_ABNORMAL, YH_E_COLUMNS };
enum { YH_I_ID, YH_I_NAME, YH_I_DEPARTMENT, YH_I_CERT, YH_I_SPECIALTIES, YH_I_STATUS, YH_I_COLUMNS };
/* Conflict register columns. */
enum { YH_C_INSPECTOR, YH_C_ENTITY, YH_C_REASON, YH_C_COLUMNS };

/* The most columns a register has. */
#define YH_REGISTER_MAX_COLUMNS 16

/* A value being normalised: starts as the trimmed field, may be pointed at
 * a constant or at buf. */
typedef struct {
	const char *s;
	size_t len;
	char buf[YH_FIELD_MAX + 8];
} yh_value;

struct yh_status_map;

typedef struct {
	int accept_bad_check;
	int bad_check;      /* set by a rule when it accepted a bad check character */
	int loose;          /* the column was read through a loose alias */
	yh_hint hint;       /* set by a rule that fails: what the user could do */
	const struct yh_status_map *status_map; /* the store's local status words, or NULL */
} yh_rule_ctx;

/* Normalises v in place; 0 ok, -1 with a reason in why. */
typedef int (*yh_rule_fn)(yh_value *v, yh_rule_ctx *ctx, char *why, size_t whysize);

typedef struct {
	yh_register_column pub;
	const char *const *loose_aliases; /* headers whose non-conforming values count as empty */
	const char *absent;               /* value when the column is not in the file */
	yh_rule_fn rule;
} yh_column_desc;

/* Completes a row after its columns are normalised; returns the index of the
 * column at fault, or -1 when the row is fine. */
typedef int (*yh_row_finish_fn)(yh_value *values, char *why, size_t whysize);

typedef struct {
	const char *name;
	const char *singular;
	const yh_column_desc *columns;
	size_t ncolumns;
	size_t nkey;
	yh_row_finish_fn finish;
	const yh_register_column *pub;    /* the public view of columns */
} yh_register_desc;

const yh_register_desc *yh_register_desc_get(yh_register_kind kind);

/* Value rules (rules.c). */
int yh_rule_uscc(yh_value *v, yh_rule_ctx *ctx, char *why, size_t whysize);
int yh_rule_text(yh_value *v, yh_rule_ctx *ctx, char *why, size_t whysize);
int yh_rule_region(yh_value *v, yh_rule_ctx *ctx, char *why, size_t whysize);
int yh_rule_industry(yh_value *v, yh_rule_ctx *ctx, char *why, size_t whysize);
int yh_rule_risk(yh_value *v, yh_rule_ctx *ctx, char *why, size_t whysize);
int yh_rule_entity_status(yh_value *v, yh_rule_ctx *ctx, char *why, size_t whysize);
int yh_rule_flag(yh_value *v, yh_rule_ctx *ctx, char *why, size_t whysize);
int yh_rule_code(yh_value *v, yh_rule_ctx *ctx, char *why, size_t whysize);
int yh_rule_department(yh_value *v, yh_rule_ctx *ctx, char *why, size_t whysize);
int yh_rule_date(yh_value *v, yh_rule_ctx *ctx, char *why, size_t whysize);
int yh_rule_specialties(yh_value *v, yh_rule_ctx *ctx, char *why, size_t whysize);
int yh_rule_inspector_status(yh_value *v, yh_rule_ctx *ctx, char *why, size_t whysize);
int yh_rule_entity_finish(yh_value *values, char *why, size_t whysize);

#endif
