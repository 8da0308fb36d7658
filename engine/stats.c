/* stats.c — grouped counts over the registers as of a ledger sequence. */
#include <stdio.h>
#include <string.h>

#include "yaohao/stats.h"
#include "yaohao/ledger.h"
#include "store.h"
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

#define AS_OF "(CASE WHEN ?1 = 0 THEN valid_to IS NULL " \
	"ELSE valid_from <= ?1 AND (valid_to IS NULL OR valid_to > ?1) END)"

typedef enum { AS_OBJECT, AS_PROVINCES, AS_SECTIONS } shape;

/* Runs "SELECT key, count(*) ... GROUP BY key" and adds the result to obj under name. */
static int group(json_t *obj, const char *name, yh_store *store, uint64_t as_of,
                 const char *expr, const char *table, shape how)
{
	json_t *out = how == AS_OBJECT ? json_object() : json_array();
	sqlite3_stmt *st = NULL;
	char sql[512];
	int rc = YH_OK, step;

	snprintf(sql, sizeof(sql), "SELECT %s, count(*) FROM %s WHERE " AS_OF " GROUP BY 1 ORDER BY 1",
	         expr, table);
	if (!out)
		return yh_error_set(YH_ENOMEM, "out of memory");
	if (sqlite3_prepare_v2(store->db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = yh_store_fail(store, "cannot compute statistics");
		goto done;
	}
	sqlite3_bind_int64(st, 1, (sqlite3_int64)as_of);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(st, 0);
		json_int_t n = sqlite3_column_int64(st, 1);
		const char *label;

		key = key ? key : "";
		if (how == AS_OBJECT) {
			json_object_set_new(out, *key ? key : "unclassified", json_integer(n));
			continue;
		}
		label = how == AS_PROVINCES ? yh_stats_province_name(key) : yh_stats_section_name(*key);
		json_array_append_new(out, json_pack("{s:s, s:s, s:I}", how == AS_PROVINCES ? "code" : "section",
		                                     key, "name", label ? label : *key ? "(unknown)" : "(not given)", "count", n));
	}
	if (step != SQLITE_DONE)
		rc = yh_store_fail(store, "cannot compute statistics");
done:
	sqlite3_finalize(st);
	if (rc == YH_OK)
		json_object_set(obj, name, out);
	json_decref(out);
	return rc;
}

static int total(json_t *obj, yh_store *store, uint64_t as_of, const char *table, const char *where)
{
	sqlite3_stmt *st = NULL;
	char sql[256];
	int rc = YH_OK;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE " AS_OF "%s", table, where);
	if (sqlite3_prepare_v2(store->db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = yh_store_fail(store, "cannot compute statistics");
		goto done;
	}
	sqlite3_bind_int64(st, 1, (sqlite3_int64)as_of);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = yh_store_fail(store, "cannot compute statistics");
		goto done;
	}
	json_object_set_new(obj, *where ? "abnormal" : "total", json_integer(sqlite3_column_int64(st, 0)));
done:
	sqlite3_finalize(st);
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
	if ((rc = total(ent, store, as_of, "entity", "")) < 0 ||
	    (rc = group(ent, "by_status", store, as_of, "status", "entity", AS_OBJECT)) < 0 ||
	    (rc = group(ent, "by_risk", store, as_of, "risk", "entity", AS_OBJECT)) < 0 ||
	    (rc = group(ent, "by_province", store, as_of, "substr(region, 1, 2)", "entity", AS_PROVINCES)) < 0 ||
	    (rc = group(ent, "by_industry_section", store, as_of, "substr(industry, 1, 1)", "entity",
	                AS_SECTIONS)) < 0 ||
	    (rc = total(ent, store, as_of, "entity", " AND abnormal = 1")) < 0 ||
	    (rc = total(insp, store, as_of, "inspector", "")) < 0 ||
	    (rc = group(insp, "by_department", store, as_of, "department", "inspector", AS_OBJECT)) < 0 ||
	    (rc = group(insp, "by_status", store, as_of, "status", "inspector", AS_OBJECT)) < 0 ||
	    (rc = total(conf, store, as_of, "conflict", "")) < 0 ||
	    (rc = total(items, store, as_of, "item", "")) < 0 ||
	    (rc = group(items, "by_department", store, as_of, "department", "item", AS_OBJECT)) < 0)
		goto done;
	json_object_set_new(root, "department", json_string(store->department));
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
