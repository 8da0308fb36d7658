/* shared.c — adopting a shared entity register (include/yaohao/shared.h).
 *
 * The adoption checks before it writes: the shared register's rows as of the import it adopts
 * must give the root and count that import's entry records, so that the department's later
 * commits freeze exactly what the register office imported.  The audit checks the same again
 * from the department's ledger (audit.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "yaohao/shared.h"
#include "report.h"
#include "store/store.h"
#include "error.h"

/* The root and count an import entry's payload records; -1 when it records none. */
static int entry_root(unsigned char root[32], uint64_t *count, const char *payload)
{
	json_t *p = json_loads(payload, 0, NULL), *c = json_object_get(p, "count");
	int rc = -1;

	if (json_is_integer(c) && json_integer_value(c) >= 0 &&
	    yh_get_hex(root, 32, json_object_get(p, "root")) == 0) {
		*count = (uint64_t)json_integer_value(c);
		rc = 0;
	}
	json_decref(p);
	return rc;
}

static int check_preconditions(yh_store *store, const char *from, const char *department)
{
	const char *self = yh_store_department(store);
	char *before = NULL;
	int owner = 0, own = 0, rc;

	if (!from)
		return yh_error_set(YH_EINVAL, "no entity register is shared with department %s (the "
		                    "owner shares one in the table yh_share, docs/operations.md): '%s'",
		                    self, yh_store_path(store));
	if (department && strcmp(department, from) != 0)
		return yh_error_set(YH_EINVAL, "department %s may draw from the entity register of %s, "
		                    "not of %s: '%s'", self, from, department, yh_store_path(store));
	if ((rc = yh_shared_role_is_owner(&owner, store)) < 0 ||
	    (rc = yh_register_has_own_rows(&own, store, YH_REGISTER_ENTITIES)) < 0)
		return rc;
	if (owner)
		return yh_error_set(YH_EINVAL, "the session's role owns the tables: a department that "
		                    "draws from a shared register needs a role of its own "
		                    "(docs/operations.md): '%s'", yh_store_path(store));
	if (own)
		return yh_error_set(YH_EINVAL, "department %s has an entity register of its own: a "
		                    "department draws from its own entity register or from a shared one, "
		                    "not both: '%s'", self, yh_store_path(store));
	/* the frozen points of earlier adoptions read the share's register: it may not change */
	if ((rc = yh_shared_adopted_from(&before, store)) < 0)
		return rc;
	if (before && strcmp(before, from) != 0)
		rc = yh_error_set(YH_EINVAL, "department %s adopted the entity register of %s before, "
		                  "and the owner now shares that of %s: its earlier draws read the first "
		                  "one, so the share of a department may not change (docs/operations.md): "
		                  "'%s'", self, before, from, yh_store_path(store));
	free(before);
	return rc;
}

int yh_shared_adopt(yh_adopt_report *rep, yh_store *store, const char *department)
{
	yh_shared_entry e = { 0 };
	unsigned char want[32];
	uint64_t want_count = 0, seq = 0, at = 0;
	char *from = NULL, hex[65];
	const char *rel;
	json_t *payload = NULL;
	int rc, found = 0, in_tx = 0;

	memset(rep, 0, sizeof(*rep));
	if (!yh_store_on_postgresql(store))
		return yh_error_set(YH_EINVAL, "a shared register needs a PostgreSQL store (one database "
		                    "of many departments): '%s'", yh_store_path(store));
	if ((rc = yh_store_begin(store)) < 0)
		goto done;
	in_tx = 1;
	if ((rc = yh_shared_register(&from, store)) < 0 ||
	    (rc = check_preconditions(store, from, department)) < 0 ||
	    (rc = yh_shared_entry_get(&e, &found, store, 0)) < 0)
		goto done;
	snprintf(rep->department, sizeof(rep->department), "%s", from);
	if (!found) {
		rc = yh_error_set(YH_ENOTFOUND, "department %s has imported no entity register yet: "
		                  "'%s'", from, yh_store_path(store));
		goto done;
	}
	rep->register_seq = e.seq;
	memcpy(rep->entry_hash, e.hash, 32);
	if (entry_root(want, &want_count, e.payload) < 0) {
		rc = yh_error_set(YH_ESTORE, "the import entry %llu of %s records no root (an import "
		                  "of an older yaohao): import the register again: '%s'",
		                  (unsigned long long)e.seq, from, yh_store_path(store));
		goto done;
	}
	if ((rc = yh_shared_root(rep->root, &rep->count, store, e.seq)) < 0)
		goto done;
	if (rep->count != want_count || memcmp(rep->root, want, 32) != 0) {
		yh_hex(hex, rep->root, 32);
		rc = yh_error_set(YH_ESTORE, "the entity register of %s as of its entry %llu gives root "
		                  "%.16s… (%llu rows), the entry records %llu rows: its rows were changed "
		                  "around its ledger (run its audit): '%s'", from,
		                  (unsigned long long)e.seq, hex, (unsigned long long)rep->count,
		                  (unsigned long long)want_count, yh_store_path(store));
		goto done;
	}
	/* adopted already: nothing to write */
	if ((rc = yh_register_source(&rel, &at, store, YH_REGISTER_ENTITIES, 0)) < 0)
		goto done;
	if (at == e.seq)
		goto done;
	if ((rc = yh_ledger_next_seq(&seq, store)) < 0)
		goto done;
	payload = json_pack("{s:s, s:s, s:I, s:o, s:o, s:I}", "register", "entities",
	                    "department", from, "seq", (json_int_t)e.seq,
	                    "entry_hash", yh_hex_json(e.hash, 32), "root", yh_hex_json(rep->root, 32),
	                    "count", (json_int_t)rep->count);
	rc = yh_ledger_append(store, seq, "adopt", payload);
	payload = NULL;
	if (rc < 0 || (rc = yh_store_commit(store)) < 0)
		goto done;
	in_tx = 0;
	rep->seq = seq;
done:
	if (in_tx)
		yh_store_rollback(store);
	yh_shared_forget(store);
	free(e.payload);
	free(from);
	return rc;
}
