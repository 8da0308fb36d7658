/* rules.c — the value rules of register columns: validate and normalise one field. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaohao/uscc.h"
#include "register.h"
#include "status_map.h"
#include "text.h"

typedef struct {
	const char *word;
	const char *value;
} mapping;

static int is_digits(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* Shows a value inside a message, shortened and only when it is clean text. */
static const char *show(const yh_value *v, char *tmp, size_t size)
{
	char why[8];
	size_t n = v->len < size - 4 ? v->len : size - 4;

	if (yh_text_check(v->s, v->len, why, sizeof(why)) != 0)
		return "(unprintable)";
	while (n > 0 && n < v->len && ((unsigned char)v->s[n] & 0xc0) == 0x80)
		n--; /* do not cut a character in half */
	memcpy(tmp, v->s, n);
	strcpy(tmp + n, n < v->len ? "..." : "");
	return tmp;
}

static int map_value(yh_value *v, const mapping *table, const char *accepted,
                     char *why, size_t whysize)
{
	char tmp[64];

	for (; table->word; table++) {
		if (yh_text_equals(v->s, v->len, table->word)) {
			v->s = table->value;
			v->len = strlen(table->value);
			return 0;
		}
	}
	snprintf(why, whysize, "'%s' is not one of %s", show(v, tmp, sizeof(tmp)), accepted);
	return -1;
}

/*
 * A status word as it is compared: ASCII letters in lower case, and each run of spaces,
 * '_' and '-' one '_' ("On Leave", "on-leave" and "ON_LEAVE" are "on_leave").  0 when it
 * does not fit in out.
 */
static size_t status_key(char *out, size_t size, const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == ' ' || c == '_' || c == '-') {
			while (i + 1 < len && (s[i + 1] == ' ' || s[i + 1] == '_' || s[i + 1] == '-'))
				i++;
			c = '_';
		} else if (c >= 'A' && c <= 'Z') {
			c = (char)(c - 'A' + 'a');
		}
		if (n + 1 >= size)
			return 0;
		out[n++] = c;
	}
	out[n] = '\0';
	return n;
}

/* Maps a status word through the built-in table, then the store's status map. */
static int map_status(yh_value *v, const mapping *table, yh_rule_ctx *ctx, yh_register_kind kind,
                      const char *accepted, char *why, size_t whysize)
{
	char key[128], tmp[64];
	const char *cls;
	size_t n = status_key(key, sizeof(key), v->s, v->len);

	for (; n && table->word; table++) {
		if (strcmp(key, table->word) == 0) {
			v->s = table->value;
			v->len = strlen(table->value);
			return 0;
		}
	}
	if (n && ctx->status_map && (cls = yh_status_map_lookup(ctx->status_map, kind, key))) {
		v->s = cls;
		v->len = strlen(cls);
		return 0;
	}
	snprintf(why, whysize, "'%s' is not one of %s, nor in the store's status map",
	         show(v, tmp, sizeof(tmp)), accepted);
	ctx->hint = YH_HINT_ADD_STATUS_WORD;
	return -1;
}

int yh_rule_text(yh_value *v, yh_rule_ctx *ctx, char *why, size_t whysize)
{
	int r;

	if (v->len > YH_FIELD_MAX) {
		snprintf(why, whysize, "is %zu bytes long, the limit is %d", v->len, YH_FIELD_MAX);
		return -1;
	}
	if ((r = yh_text_check(v->s, v->len, why, whysize)) == YH_TEXT_NOT_UTF8)
		ctx->hint = YH_HINT_TRY_GB18030;
	return r ? -1 : 0;
}

int yh_rule_uscc(yh_value *v, yh_rule_ctx *ctx, char *why, size_t whysize)
{
	yh_uscc_result res;
	char tmp[256];
	size_t i;

	if (v->len > YH_USCC_LEN + 8 || yh_rule_text(v, ctx, why, whysize) != 0) {
		if (v->len > YH_USCC_LEN + 8)
			snprintf(why, whysize, "'%s' is not a credit code", show(v, tmp, sizeof(tmp)));
		return -1;
	}
	/* exports sometimes carry lower case; the code itself is upper case */
	for (i = 0; i < v->len; i++)
		v->buf[i] = (v->s[i] >= 'a' && v->s[i] <= 'z') ? (char)(v->s[i] - 32) : v->s[i];
	v->buf[v->len] = '\0';
	v->s = v->buf;
	if (yh_uscc_check(&res, v->s, v->len) == YH_USCC_OK)
		return 0;
	if (res.status == YH_USCC_BAD_CHECK && ctx->accept_bad_check) {
		ctx->bad_check = 1;
		return 0;
	}
	yh_uscc_explain(tmp, sizeof(tmp), &res);
	snprintf(why, whysize, "'%.*s': %s", (int)v->len, v->s, tmp);
	if (res.status == YH_USCC_BAD_CHECK)
		ctx->hint = YH_HINT_ACCEPT_BAD_CHECK;
	return -1;
}

int yh_rule_region(yh_value *v, yh_rule_ctx *ctx, char *why, size_t whysize)
{
	char tmp[64];

	if (v->len == 0 || (v->len == 6 && is_digits(v->s, 6)))
		return 0;
	if (ctx->loose) {
		v->len = 0; /* an authority's name: the region comes from the credit code */
		return 0;
	}
	snprintf(why, whysize, "'%s' is not a 6-digit division code (GB/T 2260); leave it empty "
	         "to take it from the credit code", show(v, tmp, sizeof(tmp)));
	return -1;
}

int yh_rule_industry(yh_value *v, yh_rule_ctx *ctx, char *why, size_t whysize)
{
	char tmp[64];
	size_t digits = v->len ? v->len - 1 : 0;

	(void)ctx;
	if (v->len == 0)
		return 0;
	if (v->len <= 5) {
		char c = v->s[0];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 32);
		if (c >= 'A' && c <= 'T' && digits != 1 && is_digits(v->s + 1, digits)) {
			v->buf[0] = c;
			memcpy(v->buf + 1, v->s + 1, digits);
			v->s = v->buf;
			return 0;
		}
	}
	snprintf(why, whysize, "'%s' is not a GB/T 4754 industry code (a section letter A-T "
	         "with 0, 2, 3 or 4 digits, e.g. F52)", show(v, tmp, sizeof(tmp)));
	return -1;
}

int yh_rule_risk(yh_value *v, yh_rule_ctx *ctx, char *why, size_t whysize)
{
	static const mapping risks[] = {
		{ "A", "A" }, { "B", "B" }, { "C", "C" }, { "D", "D" },
		{ "A类", "A" }, { "B类", "B" }, { "C类", "C" }, { "D类", "D" },
		{ "低", "A" }, { "一般", "B" }, { "较高", "C" }, { "高", "D" },
		{ "低风险", "A" }, { "一般风险", "B" }, { "较高风险", "C" }, { "高风险", "D" },
		{ NULL, NULL }
	};

	(void)ctx;
	if (v->len == 0)
		return 0;
	return map_value(v, risks, "A, B, C, D (低, 一般, 较高, 高)", why, whysize);
}

/* Entity statuses (docs/formats.md): the words of registration systems, and the stored
 * values themselves.  Words are compared as status_key() writes them. */
static const mapping entity_statuses[] = {
	{ "存续", "active" }, { "在业", "active" }, { "开业", "active" }, { "在营", "active" },
	{ "正常", "active" }, { "在册", "active" }, { "存续（在营、开业、在册）", "active" },
	{ "存续(在营、开业、在册)", "active" }, { "在营（开业）", "active" },
	{ "在营（开业）企业", "active" }, { "active", "active" },
	{ "注销", "deregistered" }, { "已注销", "deregistered" }, { "吊销，已注销", "deregistered" },
	{ "吊销已注销", "deregistered" }, { "deregistered", "deregistered" },
	{ "吊销", "revoked" }, { "已吊销", "revoked" }, { "吊销，未注销", "revoked" },
	{ "吊销未注销", "revoked" }, { "revoked", "revoked" },
	{ "撤销", "cancelled" }, { "已撤销", "cancelled" }, { "撤销登记", "cancelled" },
	{ "cancelled", "cancelled" }, { "canceled", "cancelled" },
	{ "迁出", "moved_out" }, { "已迁出", "moved_out" }, { "moved_out", "moved_out" },
	{ "停业", "suspended" }, { "歇业", "suspended" }, { "suspended", "suspended" },
	{ "清算", "liquidating" }, { "清算中", "liquidating" }, { "liquidating", "liquidating" },
	{ "in_liquidation", "liquidating" },
	{ NULL, NULL }
};

int yh_rule_entity_status(yh_value *v, yh_rule_ctx *ctx, char *why, size_t whysize)
{
	if (v->len == 0) {
		snprintf(why, whysize, "is empty (leave the column out if every row is active)");
		return -1;
	}
	return map_status(v, entity_statuses, ctx, YH_REGISTER_ENTITIES,
	                  "存续/在业/开业 (active), 注销, 吊销, 撤销, 迁出, 停业/歇业, 清算", why, whysize);
}

int yh_rule_flag(yh_value *v, yh_rule_ctx *ctx, char *why, size_t whysize)
{
	static const mapping flags[] = {
		{ "是", "1" }, { "列入", "1" }, { "Y", "1" }, { "yes", "1" }, { "true", "1" }, { "1", "1" },
		{ "否", "0" }, { "未列入", "0" }, { "N", "0" }, { "no", "0" }, { "false", "0" }, { "0", "0" },
		{ NULL, NULL }
	};

	(void)ctx;
	if (v->len == 0) {
		v->s = "0";
		v->len = 1;
		return 0;
	}
	return map_value(v, flags, "是/否, Y/N, yes/no, true/false, 1/0", why, whysize);
}

int yh_rule_code(yh_value *v, yh_rule_ctx *ctx, char *why, size_t whysize)
{
	char tmp[64];
	size_t i;

	(void)ctx;
	if (v->len == 0 || v->len > 32)
		goto bad;
	for (i = 0; i < v->len; i++) {
		char c = v->s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      c == '-' || c == '_' || c == '.'))
			goto bad;
	}
	return 0;
bad:
	snprintf(why, whysize, "'%s' is not a code (1-32 letters, digits, '-', '_' or '.')",
	         show(v, tmp, sizeof(tmp)));
	return -1;
}

int yh_rule_department(yh_value *v, yh_rule_ctx *ctx, char *why, size_t whysize)
{
	char tmp[64];

	(void)ctx;
	if (v->len <= 32) {
		memcpy(v->buf, v->s, v->len);
		v->buf[v->len] = '\0';
		if (yh_store_department_valid(v->buf)) {
			v->s = v->buf;
			return 0;
		}
	}
	snprintf(why, whysize, "'%s' is not a department code (upper-case letters, digits and '-', "
	         "e.g. 330100-SCJG)", show(v, tmp, sizeof(tmp)));
	return -1;
}

int yh_rule_date(yh_value *v, yh_rule_ctx *ctx, char *why, size_t whysize)
{
	char tmp[64];

	(void)ctx;
	if (yh_text_is_date(v->s, v->len))
		return 0;
	if (v->len == 0)
		snprintf(why, whysize, "is empty, a date YYYY-MM-DD is needed");
	else
		snprintf(why, whysize, "'%s' is not a date YYYY-MM-DD", show(v, tmp, sizeof(tmp)));
	return -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Separators inside the specialties field: ';', '；', '、', '|'. */
static size_t separator_at(const char *s, size_t left)
{
	if (*s == ';' || *s == '|')
		return 1;
	if (left >= 3 && (memcmp(s, "\xEF\xBC\x9B", 3) == 0 || memcmp(s, "\xE3\x80\x81", 3) == 0))
		return 3;
	return 0;
}

int yh_rule_specialties(yh_value *v, yh_rule_ctx *ctx, char *why, size_t whysize)
{
	char copy[YH_FIELD_MAX + 8], *parts[128];
	size_t nparts = 0, i = 0, start = 0, out = 0, k;

	if (yh_rule_text(v, ctx, why, whysize) != 0)
		return -1;
	memcpy(copy, v->s, v->len);
	copy[v->len] = '\0';
	while (i <= v->len) {
		size_t sep = i < v->len ? separator_at(copy + i, v->len - i) : 1;
		const char *p;
		size_t n;

		if (!sep) {
			i++;
			continue;
		}
		copy[i] = '\0';
		p = copy + start;
		n = i - start;
		yh_text_trim(&p, &n);
		if (n > 0) {
			if (nparts == 128) {
				snprintf(why, whysize, "has more than 128 specialties");
				return -1;
			}
			((char *)p)[n] = '\0';
			parts[nparts++] = (char *)p;
		}
		i += sep;
		start = i;
	}
	qsort(parts, nparts, sizeof(parts[0]), cmp_str);
	for (k = 0; k < nparts; k++) {
		size_t n = strlen(parts[k]);

		if (k > 0 && strcmp(parts[k], parts[k - 1]) == 0)
			continue;
		if (out)
			v->buf[out++] = ';';
		memcpy(v->buf + out, parts[k], n);
		out += n;
	}
	v->buf[out] = '\0';
	v->s = v->buf;
	v->len = out;
	return 0;
}

/* Officer statuses (docs/formats.md): active, or one of three classes that are not drawn:
 * on_leave (away for a time: leave, illness, secondment, training), suspended (may not
 * enforce until reinstated), left (no longer in the department). */
static const mapping inspector_statuses[] = {
	{ "在岗", "active" }, { "在职", "active" }, { "正常", "active" }, { "active", "active" },
	{ "休假", "on_leave" }, { "请假", "on_leave" }, { "病假", "on_leave" }, { "事假", "on_leave" },
	{ "产假", "on_leave" }, { "病休", "on_leave" }, { "离岗", "on_leave" }, { "借调", "on_leave" },
	{ "挂职", "on_leave" }, { "培训", "on_leave" }, { "学习", "on_leave" }, { "进修", "on_leave" },
	{ "on_leave", "on_leave" }, { "leave", "on_leave" }, { "seconded", "on_leave" },
	{ "training", "on_leave" },
	{ "停职", "suspended" }, { "暂停执法", "suspended" }, { "停止执法", "suspended" },
	{ "suspended", "suspended" }, { "inactive", "suspended" },
	{ "离职", "left" }, { "调离", "left" }, { "调出", "left" }, { "辞职", "left" }, { "退休", "left" },
	{ "离退休", "left" }, { "left", "left" }, { "retired", "left" }, { "resigned", "left" },
	{ NULL, NULL }
};

int yh_rule_inspector_status(yh_value *v, yh_rule_ctx *ctx, char *why, size_t whysize)
{
	if (v->len == 0) {
		snprintf(why, whysize, "is empty (leave the column out if every officer is active)");
		return -1;
	}
	return map_status(v, inspector_statuses, ctx, YH_REGISTER_INSPECTORS,
	                  "在岗/在职 (active), 休假/离岗/借调/挂职/培训/学习 (on_leave), 停职 (suspended), "
	                  "离职/调离/退休 (left)", why, whysize);
}

int yh_rule_status_builtin(yh_register_kind kind, const char *key, const char **cls)
{
	const mapping *m = kind == YH_REGISTER_ENTITIES ? entity_statuses :
	                   kind == YH_REGISTER_INSPECTORS ? inspector_statuses : NULL;

	for (; m && m->word; m++) {
		if (strcmp(m->word, key) == 0) {
			*cls = m->value;
			return 1;
		}
	}
	return 0;
}

size_t yh_rule_status_key(char *out, size_t size, const char *s, size_t len)
{
	return status_key(out, size, s, len);
}

int yh_rule_entity_finish(yh_value *values, char *why, size_t whysize)
{
	yh_value *id = &values[0], *region = &values[3];

	if (region->len)
		return -1;
	if (id->len == YH_USCC_LEN && is_digits(id->s + 2, 6)) {
		memcpy(region->buf, id->s + 2, 6);
		region->buf[6] = '\0';
		region->s = region->buf;
		region->len = 6;
		return -1;
	}
	snprintf(why, whysize, "is empty and the credit code carries no region code");
	return 3;
}
