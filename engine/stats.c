/* stats.c — grouped counts over the registers as of a ledger sequence. */
#include <stdio.h>
#include <string.h>

#include "yaohao/stats.h"
#include "yaohao/ledger.h"
#include "yaohao/register.h"
#include "store/store.h"
#include "error.h"

static const struct { const char *code, *name; } provinces[] = {
	{ "11", "北京市" }, { "12", "天津市" }, { "13", "河北省" }, { "14", "山西省" },
	{ "15", "内蒙古自治区" }, { "21", "辽宁省" }, { "22", "吉林省" }, { "23", "黑龙江省" },
	{ "31", "上海市" }, { "32", "江苏省" }, { "33", "浙江省" }, { "34", "安徽省" },
	{ "35", "福建省" }, { "36", "江西省" }, { "37", "山东省" }, { "41", "河南省" },
	{ "42", "湖北省" }, { "43", "湖南省" }, { "44", "广东省" }, { "45", "广西壮族自治区" },
	{ "46", "海南省" }, { "50", "重庆市" }, { "51", "四川省" }, { "52", "贵州省" },
	{ "53", "云南省" }, { "54", "西藏自治区" }, { "61", "陕西省" }, { "62", "甘肃省" },
	{ "63", "青海省" }, { "64", "宁夏回族自治区" }, { "65", "新疆维吾尔自治区" },
	{ "71", "台湾省" }, { "81", "香港特别行政区" }, { "82", "澳门特别行政区" },
};

static const char *const sections[20] = {
	"农、林、牧、渔业", "采矿业", "制造业", "电力、热力、燃气及水生产和供应业", "建筑业",
	"批发和零售业", "交通运输、仓储和邮政业", "住宿和餐饮业", "信息传输、软件和信息技术服务业",
	"金融业", "房地产业", "租赁和商务服务业", "科学研究和技术服务业", "水利、环境和公共设施管理业",
	"居民服务、修理和其他服务业", "教育", "卫生和社会工作", "文化、体育和娱乐业",
	"公共管理、社会保障和社会组织", "国际组织",
};

const char *yh_stats_province_name(const char *code2)
{
	size_t i;

	for (i = 0; i < sizeof(provinces) / sizeof(provinces[0]); i++)
		if (strncmp(provinces[i].code, code2, 2) == 0)
			return provinces[i].name;
	return NULL;
}

const char *yh_stats_section_name(char section)
{
	return section >= 'A' && section <= 'T' ? sections[section - 'A'] : NULL;
}

typedef enum { AS_OBJECT, AS_PROVINCES, AS_SECTIONS } shape;

typedef struct {
	json_t *out;
	shape how;
} grouping;

static int add_group(void *ctx, const char *key, uint64_t rows)
{
	grouping *g = ctx;
	const char *label;

	if (g->how == AS_OBJECT)
		return json_object_set_new(g->out, *key ? key : "unclassified", json_integer((json_int_t)rows));
	label = g->how == AS_PROVINCES ? yh_stats_province_name(key) : yh_stats_section_name(*key);
	return json_array_append_new(g->out, json_pack("{s:s, s:s, s:I}",
	                             g->how == AS_PROVINCES ? "code" : "section", key,
	                             "name", label ? label : *key ? "(unknown)" : "(not given)",
	                             "count", (json_int_t)rows));
}

/* Adds the counts per value of a grouping to obj under name. */
static int group(json_t *obj, const char *name, yh_store *store, uint64_t as_of, yh_group which,
                 shape how)
{
	grouping g = { how == AS_OBJECT ? json_object() : json_array(), how };
	int rc;

	if (!g.out)
		return yh_error_set(YH_ENOMEM, "out of memory");
	if ((rc = yh_stats_group(store, as_of, which, add_group, &g)) == YH_OK)
		json_object_set(obj, name, g.out);
	else if (rc > 0)
		rc = yh_error_set(YH_ENOMEM, "out of memory");
	json_decref(g.out);
	return rc;
}

static int total(json_t *obj, yh_store *store, uint64_t as_of, yh_register_kind kind)
{
	uint64_t n;
	int rc = yh_register_count(&n, store, kind, as_of);

	if (rc == YH_OK)
		json_object_set_new(obj, "total", json_integer((json_int_t)n));
	return rc;
}

static int abnormal(json_t *obj, yh_store *store, uint64_t as_of)
{
	uint64_t n;
	int rc = yh_stats_abnormal(&n, store, as_of);

	if (rc == YH_OK)
		json_object_set_new(obj, "abnormal", json_integer((json_int_t)n));
	return rc;
}

int yh_stats_compute(json_t **out, yh_store *store, uint64_t as_of)
{
	json_t *root = json_object(), *ent = json_object(), *insp = json_object(),
	       *conf = json_object(), *items = json_object();
	uint64_t head = 0;
	int rc;

	*out = NULL;
	if (!root || !ent || !insp || !conf || !items) {
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = yh_ledger_head(&head, store)) < 0)
		goto done;
	if (as_of > head) {
		rc = yh_error_set(YH_EINVAL, "sequence %llu is past the ledger's head (%llu)",
		                  (unsigned long long)as_of, (unsigned long long)head);
		goto done;
	}
	if ((rc = total(ent, store, as_of, YH_REGISTER_ENTITIES)) < 0 ||
	    (rc = group(ent, "by_status", store, as_of, YH_GROUP_ENTITY_STATUS, AS_OBJECT)) < 0 ||
	    (rc = group(ent, "by_risk", store, as_of, YH_GROUP_ENTITY_RISK, AS_OBJECT)) < 0 ||
	    (rc = group(ent, "by_province", store, as_of, YH_GROUP_ENTITY_PROVINCE, AS_PROVINCES)) < 0 ||
	    (rc = group(ent, "by_industry_section", store, as_of, YH_GROUP_ENTITY_SECTION,
	                AS_SECTIONS)) < 0 ||
	    (rc = abnormal(ent, store, as_of)) < 0 ||
	    (rc = total(insp, store, as_of, YH_REGISTER_INSPECTORS)) < 0 ||
	    (rc = group(insp, "by_department", store, as_of, YH_GROUP_INSPECTOR_DEPARTMENT, AS_OBJECT)) < 0 ||
	    (rc = group(insp, "by_status", store, as_of, YH_GROUP_INSPECTOR_STATUS, AS_OBJECT)) < 0 ||
	    (rc = total(conf, store, as_of, YH_REGISTER_CONFLICTS)) < 0 ||
	    (rc = total(items, store, as_of, YH_REGISTER_ITEMS)) < 0 ||
	    (rc = group(items, "by_department", store, as_of, YH_GROUP_ITEM_DEPARTMENT, AS_OBJECT)) < 0)
		goto done;
	json_object_set_new(root, "department", json_string(yh_store_department(store)));
	json_object_set_new(root, "as_of", json_integer((json_int_t)(as_of ? as_of : head)));
	json_object_set(root, "entities", ent);
	json_object_set(root, "inspectors", insp);
	json_object_set(root, "conflicts", conf);
	json_object_set(root, "items", items);
	*out = root;
	root = NULL;
done:
	json_decref(root);
	json_decref(ent);
	json_decref(insp);
	json_decref(conf);
	json_decref(items);
	return rc;
}
