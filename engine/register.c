/* register.c — the four register descriptors: columns, header aliases and value rules
 * (with the status words they accept).
 * Reading and writing the rows is the storage layer's (store/register_store.c). */
#include <stdio.h>
#include <string.h>

#include "register.h"
#include "error.h"

#define ALIASES(...) (const char *const[]){ __VA_ARGS__, NULL }
#define COLUMN(name, aliases, required, rule_text, rule) \
	{ { name, aliases, required, rule_text }, NULL, "", rule }

static const yh_column_desc entity_columns[YH_E_COLUMNS] = {
	[YH_E_ID] = COLUMN("id", ALIASES("统一社会信用代码", "社会信用代码", "信用代码", "uscc", "id", "entity_id"), 1,
	       "18-character credit code (GB 32100) with a valid check character", yh_rule_uscc),
	[YH_E_NAME] = COLUMN("name", ALIASES("企业名称", "市场主体名称", "主体名称", "名称", "name"), 1,
	       "text", yh_rule_text),
	[YH_E_TYPE] = COLUMN("type", ALIASES("市场主体类型", "企业类型", "主体类型", "类型", "type"), 0,
	       "text, e.g. 有限责任公司, 个体工商户", yh_rule_text),
	[YH_E_REGION] = { { "region", ALIASES("区划代码", "行政区划代码", "登记机关代码", "region"), 0,
	    "6-digit division code (GB/T 2260); empty: positions 3-8 of the credit code; "
	    "a 登记机关 column holding names instead of codes is accepted the same way" },
	  ALIASES("登记机关"), "", yh_rule_region },
	[YH_E_INDUSTRY] = COLUMN("industry", ALIASES("行业代码", "国民经济行业代码", "行业", "industry"), 0,
	       "GB/T 4754 code: section letter A-T and 0, 2, 3 or 4 digits, e.g. F52", yh_rule_industry),
	[YH_E_RISK] = COLUMN("risk", ALIASES("风险等级", "信用风险分类", "风险分类", "risk"), 0,
	       "A, B, C, D (低, 一般, 较高, 高) or empty for unclassified", yh_rule_risk),
	[YH_E_STATUS] = { { "status", ALIASES("登记状态", "经营状态", "状态", "status"), 0,
	    "存续/在业/开业/在营 (active), 注销 (deregistered), 吊销 (revoked), 撤销 (cancelled), "
	    "迁出 (moved_out), 停业/歇业 (suspended), 清算 (liquidating) and more (docs/formats.md); "
	    "the store's status map; absent column: active" },
	  NULL, "active", yh_rule_entity_status },
	[YH_E_ABNORMAL] = { { "abnormal", ALIASES("经营异常名录", "列入经营异常名录", "经营异常", "abnormal"), 0,
	    "是/否, Y/N, yes/no, true/false, 1/0; empty: 否" },
	  NULL, "0", yh_rule_flag },
};

static const yh_column_desc inspector_columns[YH_I_COLUMNS] = {
	[YH_I_ID] = COLUMN("id", ALIASES("执法证号", "执法证件号", "执法证编号", "证件号", "id", "inspector_id"), 1,
	       "certificate number: 1-32 letters, digits, '-', '_' or '.'", yh_rule_code),
	[YH_I_NAME] = COLUMN("name", ALIASES("姓名", "name"), 1, "text", yh_rule_text),
	[YH_I_DEPARTMENT] = COLUMN("department", ALIASES("部门代码", "部门", "所属部门", "department"), 1,
	       "department code, e.g. 330100-SCJG", yh_rule_department),
	[YH_I_CERT] = COLUMN("cert_valid_until", ALIASES("执法证有效期至", "证件有效期至", "有效期至", "证件有效期",
	                                   "cert_valid_until", "valid_until"), 1,
	       "date YYYY-MM-DD", yh_rule_date),
	[YH_I_SPECIALTIES] = COLUMN("specialties", ALIASES("专业领域", "专业", "业务专长", "specialties"), 0,
	       "list separated by ';' (also '；', '、', '|'), stored sorted", yh_rule_specialties),
	[YH_I_STATUS] = { { "status", ALIASES("在岗状态", "状态", "status"), 0,
	    "在岗/在职/正常 (active); 休假/请假/病假/事假/产假/病休/离岗/借调/挂职/培训/学习/进修, on leave, "
	    "seconded, training (on_leave); 停职/暂停执法/停止执法, suspended, inactive (suspended); "
	    "离职/调离/调出/辞职/退休/离退休, left, retired, resigned (left); the store's status map; "
	    "letter case, spaces and '_' do not matter; absent column: active" },
	  NULL, "active", yh_rule_inspector_status },
};

static const yh_column_desc conflict_columns[] = {
	COLUMN("inspector_id", ALIASES("执法证号", "执法证件号", "检查人员", "inspector_id", "inspector"), 1,
	       "an officer's certificate number", yh_rule_code),
	COLUMN("entity_id", ALIASES("统一社会信用代码", "社会信用代码", "entity_id", "entity"), 1,
	       "an entity's credit code", yh_rule_uscc),
	COLUMN("reason", ALIASES("回避原因", "原因", "reason"), 0, "text", yh_rule_text),
};

static const yh_column_desc item_columns[] = {
	COLUMN("code", ALIASES("事项编码", "抽查事项编码", "编码", "code"), 1,
	       "1-32 letters, digits, '-', '_' or '.'", yh_rule_code),
	COLUMN("name", ALIASES("事项名称", "抽查事项", "名称", "name"), 1, "text", yh_rule_text),
	COLUMN("legal_basis", ALIASES("检查依据", "法律依据", "依据", "legal_basis"), 0, "text", yh_rule_text),
	COLUMN("department", ALIASES("部门代码", "实施部门", "部门", "department"), 1,
	       "department code, e.g. 330100-SCJG", yh_rule_department),
	COLUMN("specialty", ALIASES("专业要求", "所需专业", "专业", "specialty"), 0, "text", yh_rule_text),
};

#define NCOL(a) (sizeof(a) / sizeof((a)[0]))

static yh_register_column pub_entities[NCOL(entity_columns)];
static yh_register_column pub_inspectors[NCOL(inspector_columns)];
static yh_register_column pub_conflicts[NCOL(conflict_columns)];
static yh_register_column pub_items[NCOL(item_columns)];

static const yh_register_desc registers[YH_REGISTER_COUNT] = {
	{ "entities", "entity", entity_columns, NCOL(entity_columns), 1,
	  yh_rule_entity_finish, pub_entities },
	{ "inspectors", "inspector", inspector_columns, NCOL(inspector_columns), 1,
	  NULL, pub_inspectors },
	{ "conflicts", "conflict", conflict_columns, NCOL(conflict_columns), 2,
	  NULL, pub_conflicts },
	{ "items", "item", item_columns, NCOL(item_columns), 1, NULL, pub_items },
};

const yh_register_desc *yh_register_desc_get(yh_register_kind kind)
{
	return kind < YH_REGISTER_COUNT ? &registers[kind] : NULL;
}

const char *yh_register_name(yh_register_kind kind)
{
	return kind < YH_REGISTER_COUNT ? registers[kind].name : "?";
}

int yh_register_lookup(yh_register_kind *out, const char *name)
{
	int k;

	for (k = 0; k < YH_REGISTER_COUNT; k++) {
		if (strcmp(name, registers[k].name) == 0 || strcmp(name, registers[k].singular) == 0) {
			*out = (yh_register_kind)k;
			return YH_OK;
		}
	}
	return yh_error_set(YH_EINVAL, "unknown register '%s' (use entities, inspectors, conflicts "
	                    "or items)", name);
}

size_t yh_register_columns(const yh_register_column **out, yh_register_kind kind)
{
	const yh_register_desc *d = yh_register_desc_get(kind);
	size_t i;

	if (!d) {
		*out = NULL;
		return 0;
	}
	/* the public view is a plain copy of the descriptors' first member */
	for (i = 0; i < d->ncolumns; i++)
		((yh_register_column *)d->pub)[i] = d->columns[i].pub;
	*out = d->pub;
	return d->ncolumns;
}

size_t yh_register_key_count(yh_register_kind kind)
{
	const yh_register_desc *d = yh_register_desc_get(kind);

	return d ? d->nkey : 0;
}
