/* store/stats_store.c — grouped counts over the registers as of a ledger sequence. */
#include <stdio.h>

#include "sqlite.h"
#include "store.h"
#include "error.h"

static const struct {
	const char *expr;
	yh_register_kind kind;
} groups[] = {
	[YH_GROUP_ENTITY_STATUS] = { "status", YH_REGISTER_ENTITIES },
	[YH_GROUP_ENTITY_PROVINCE] = { "substr(region, 1, 2)", YH_REGISTER_ENTITIES },
	[YH_GROUP_ENTITY_SECTION] = { "substr(industry, 1, 1)", YH_REGISTER_ENTITIES },
	[YH_GROUP_ENTITY_RISK] = { "risk", YH_REGISTER_ENTITIES },
	[YH_GROUP_INSPECTOR_DEPARTMENT] = { "department", YH_REGISTER_INSPECTORS },
	[YH_GROUP_INSPECTOR_STATUS] = { "status", YH_REGISTER_INSPECTORS },
	[YH_GROUP_ITEM_DEPARTMENT] = { "department", YH_REGISTER_ITEMS },
};

int yh_stats_group(yh_store *store, uint64_t as_of, yh_group which, yh_group_fn fn, void *ctx)
{
	yh_stmt *st = NULL;
	const char *rel;
	char sql[512];
	int rc, step;

	if ((unsigned)which >= sizeof(groups) / sizeof(groups[0]))
		return yh_error_set(YH_EINVAL, "unknown grouping %d", (int)which);
	if ((rc = yh_register_source(&rel, &as_of, store, groups[which].kind, as_of)) < 0)
		return rc;
	snprintf(sql, sizeof(sql), "SELECT %s, count(*) FROM %s WHERE " YH_SQL_AS_OF
	         " GROUP BY 1 ORDER BY 1", groups[which].expr, rel);
	if ((rc = yh_store_prepare(store, &st, sql, "cannot compute statistics")) < 0)
		return rc;
	yh_db_bind_int64(st, 1, (int64_t)as_of);
	while ((step = yh_db_step(st)) == YH_DB_ROW)
		if ((rc = fn(ctx, yh_store_text(st, 0), (uint64_t)yh_db_int64(st, 1))) != 0)
			goto done;
	if (step != YH_DB_DONE)
		rc = yh_store_fail(store, "cannot compute statistics");
done:
	yh_db_finalize(st);
	return rc;
}

int yh_stats_abnormal(uint64_t *out, yh_store *store, uint64_t as_of)
{
	yh_stmt *st = NULL;
	const char *rel;
	char sql[256];
	int rc;

	*out = 0;
	if ((rc = yh_register_source(&rel, &as_of, store, YH_REGISTER_ENTITIES, as_of)) < 0)
		return rc;
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE " YH_SQL_AS_OF " AND abnormal = 1",
	         rel);
	if ((rc = yh_store_prepare(store, &st, sql, "cannot compute statistics")) < 0)
		return rc;
	yh_db_bind_int64(st, 1, (int64_t)as_of);
	if (yh_db_step(st) != YH_DB_ROW)
		rc = yh_store_fail(store, "cannot compute statistics");
	else
		*out = (uint64_t)yh_db_int64(st, 0);
	yh_db_finalize(st);
	return rc;
}
