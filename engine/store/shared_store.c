/* store/shared_store.c — a department's view of a shared entity register (PostgreSQL).
 *
 * The owner lets a department draw from another department's (a register office's) entity
 * register (yh_share).  The department reads that register through the owner's views
 * shared_entity and shared_ledger only, and fixes the point of the register's history it draws
 * from with `adopt` entries in its own ledger: the register as of its own sequence X is the
 * shared register as of the sequence the latest adopt entry at or before X names.  This file
 * owns that mapping; register_store.c, stats_store.c and draw_store.c read through it. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sqlite.h"
#include "store.h"
#include "error.h"

static const char *const own_tables[YH_REGISTER_COUNT] = { "entity", "inspector", "conflict",
	                                                       "item" };

/* PostgreSQL: the department's rows named (sqlite.h, YH_SQL_PG_OWN_ROWS); the planner
 * flattens the subquery. */
#define OWN_PG(table) "(SELECT * FROM " table " WHERE " YH_SQL_PG_OWN_ROWS ") AS " table
static const char *const own_pg[YH_REGISTER_COUNT] = { OWN_PG("entity"), OWN_PG("inspector"),
	                                                   OWN_PG("conflict"), OWN_PG("item") };

/* the register's sequence the latest adopt entry at or before as_of (0: any) names, 0: none;
 * and when `from` is not NULL, the department it names (NULL: none; free()) */
static int adopted_at(uint64_t *out, char **from, yh_store *store, uint64_t as_of)
{
	yh_stmt *st = NULL;
	json_t *p = NULL, *v;
	int rc = YH_OK, step;

	*out = 0;
	if (from)
		*from = NULL;
	if ((rc = yh_store_prepare(store, &st, "SELECT seq, payload FROM ledger WHERE kind = 'adopt' "
	                           "AND (?1 = 0 OR seq <= ?1) ORDER BY seq DESC LIMIT 1",
	                           "cannot read the ledger")) < 0)
		return rc;
	yh_db_bind_int64(st, 1, (int64_t)as_of);
	if ((step = yh_db_step(st)) == YH_DB_ROW) {
		p = json_loads(yh_store_text(st, 1), 0, NULL);
		v = json_object_get(p, "seq");
		if (!json_is_integer(v) || json_integer_value(v) < 1)
			rc = yh_error_set(YH_ESTORE, "ledger entry %lld (adopt) names no sequence of the "
			                  "shared register: '%s'", (long long)yh_db_int64(st, 0), store->path);
		else
			*out = (uint64_t)json_integer_value(v);
		if (rc == YH_OK && from &&
		    !(*from = strdup(json_string_value(json_object_get(p, "department")) ?
		                     json_string_value(json_object_get(p, "department")) : "")))
			rc = yh_error_set(YH_ENOMEM, "out of memory");
	} else if (step != YH_DB_DONE) {
		rc = yh_store_fail(store, "cannot read the ledger");
	}
	json_decref(p);
	yh_db_finalize(st);
	return rc;
}

int yh_shared_adopted(int *out, yh_store *store)
{
	yh_stmt *st = NULL;
	int rc = YH_OK;

	*out = 0;
	if (yh_db_kind(store) != YH_DB_POSTGRESQL)
		return YH_OK;
	if (!store->entities_from) {
		if ((rc = yh_store_prepare(store, &st, "SELECT EXISTS (SELECT 1 FROM ledger WHERE kind = "
		                           "'adopt')", "cannot read the ledger")) < 0)
			return rc;
		if (yh_db_step(st) != YH_DB_ROW)
			rc = yh_store_fail(store, "cannot read the ledger");
		else
			store->entities_from = yh_db_int(st, 0) ? 2 : 1;
		yh_db_finalize(st);
	}
	*out = store->entities_from == 2;
	return rc;
}

int yh_shared_adopted_from(char **department, yh_store *store)
{
	uint64_t seq;

	*department = NULL;
	if (yh_db_kind(store) != YH_DB_POSTGRESQL)
		return YH_OK;
	return adopted_at(&seq, department, store, 0);
}

void yh_shared_forget(yh_store *store)
{
	store->entities_from = 0;
	store->source_known = 0;
}

int yh_register_source(const char **relation, uint64_t *at, yh_store *store,
                       yh_register_kind kind, uint64_t as_of)
{
	uint64_t seq;
	int rc, shared = 0;

	*relation = NULL;
	*at = as_of;
	if (kind >= YH_REGISTER_COUNT)
		return yh_error_set(YH_EINVAL, "unknown register %d", (int)kind);
	if (yh_db_kind(store) != YH_DB_POSTGRESQL) {
		*relation = own_tables[kind];
		return YH_OK;
	}
	if (kind == YH_REGISTER_ENTITIES && (rc = yh_shared_adopted(&shared, store)) < 0)
		return rc;
	if (!shared) {
		*relation = own_pg[kind];
		return YH_OK;
	}
	if (!store->source_known || store->source_as_of != as_of) {
		if ((rc = adopted_at(&seq, NULL, store, as_of)) < 0)
			return rc;
		store->source_as_of = as_of;
		store->source_at = seq ? seq : UINT64_MAX;
		store->source_known = 1;
	}
	*relation = YH_SHARED_ENTITY_VIEW;
	*at = store->source_at;
	return YH_OK;
}

int yh_shared_register(char **department, yh_store *store)
{
	*department = NULL;
	if (yh_db_kind(store) != YH_DB_POSTGRESQL)
		return YH_OK;
	return yh_store_query_text(department, store, "SELECT register FROM yh_share WHERE "
	                           "department = ?1", store->department,
	                           "cannot read the shared registers");
}

int yh_shared_entry_get(yh_shared_entry *out, int *found, yh_store *store, uint64_t seq)
{
	yh_stmt *st = NULL;
	int rc, step;

	memset(out, 0, sizeof(*out));
	*found = 0;
	if ((rc = yh_store_prepare(store, &st, seq ?
	                           "SELECT seq, hash, payload FROM shared_ledger WHERE seq = ?1" :
	                           "SELECT seq, hash, payload FROM shared_ledger WHERE "
	                           YH_DB_JSON_PG("payload", "register") " = 'entities' "
	                           "ORDER BY seq DESC LIMIT 1",
	                           "cannot read the shared register's ledger")) < 0)
		return rc;
	if (seq)
		yh_db_bind_int64(st, 1, (int64_t)seq);
	if ((step = yh_db_step(st)) == YH_DB_ROW) {
		if (yh_db_bytes(st, 1) != 32) {
			rc = yh_error_set(YH_ESTORE, "the shared register's entry %lld has no hash: '%s'",
			                  (long long)yh_db_int64(st, 0), store->path);
		} else if (!(out->payload = strdup(yh_store_text(st, 2)))) {
			rc = yh_error_set(YH_ENOMEM, "out of memory");
		} else {
			out->seq = (uint64_t)yh_db_int64(st, 0);
			memcpy(out->hash, yh_db_blob(st, 1), 32);
			*found = 1;
		}
	} else if (step != YH_DB_DONE) {
		rc = yh_store_fail(store, "cannot read the shared register's ledger");
	}
	yh_db_finalize(st);
	return rc;
}

int yh_shared_role_is_owner(int *out, yh_store *store)
{
	char *v = NULL;
	int rc;

	*out = 0;
	if (yh_db_kind(store) != YH_DB_POSTGRESQL)
		return YH_OK;
	rc = yh_store_query_text(&v, store, "SELECT CASE WHEN pg_has_role(current_user, c.relowner, "
	                         "'USAGE') THEN 1 ELSE 0 END FROM pg_class c WHERE c.oid = "
	                         "'entity'::regclass", NULL, "cannot read the session's role");
	*out = v && strcmp(v, "1") == 0;
	free(v);
	return rc;
}
