/* store/ledger_store.c — appending entries to the ledger table and reading them back. */
#include <stdlib.h>
#include <string.h>

#include "yaohao/jcs.h"
#include "clock.h"
#include "digest.h"
#include "sqlite.h"
#include "store.h"
#include "error.h"

int yh_ledger_next_seq(uint64_t *seq, yh_store *store)
{
	uint64_t head = 0;
	int rc = yh_ledger_head(&head, store);

	*seq = head + 1;
	return rc;
}

int yh_ledger_head(uint64_t *seq, yh_store *store)
{
	yh_stmt *st = NULL;
	int rc = YH_OK;

	*seq = 0;
	if (yh_db_prepare(&st, store, "SELECT coalesce(max(seq), 0) FROM ledger", NULL) < 0 ||
	    yh_db_step(st) != YH_DB_ROW)
		rc = yh_store_fail(store, "cannot read the ledger");
	else
		*seq = (uint64_t)yh_db_int64(st, 0);
	yh_db_finalize(st);
	return rc;
}

int yh_ledger_append(yh_store *store, uint64_t seq, const char *kind, json_t *payload)
{
	yh_stmt *st = NULL;
	unsigned char prev[32] = { 0 }, hash[32], sig[YH_SIGNATURE_BYTES];
	char stamp[21], *text = NULL;
	yh_ledger_entry e;
	int rc = YH_OK;

	if (!payload)
		return yh_error_set(YH_ENOMEM, "out of memory building the ledger entry");
	if (store->has_public_key && !store->key) {
		char id[YH_KEY_ID_CHARS + 1];

		json_decref(payload);
		yh_key_id_of(id, store->public_key);
		return yh_error_set_hint(YH_ESTORE, YH_HINT_NEEDS_KEY, store->path, "this store signs its "
		                         "ledger: its secret key %s is needed: '%s'", id, store->path);
	}
	yh_clock_stamp(stamp);
	if (json_object_set_new(payload, "time", json_string(stamp)) < 0) {
		rc = yh_error_set(YH_ENOMEM, "out of memory building the ledger entry");
		goto done;
	}
	if ((rc = yh_jcs_dump(&text, payload)) < 0)
		goto done;
	if (seq > 1) {
		if (yh_db_prepare(&st, store, "SELECT hash FROM ledger WHERE seq = ?1", NULL) < 0) {
			rc = yh_store_fail(store, "cannot read the ledger");
			goto done;
		}
		yh_db_bind_int64(st, 1, (int64_t)(seq - 1));
		if (yh_db_step(st) != YH_DB_ROW || yh_db_bytes(st, 0) != 32) {
			rc = yh_error_set(YH_ESTORE, "ledger entry %llu is missing: '%s'",
			                  (unsigned long long)(seq - 1), store->path);
			goto done;
		}
		memcpy(prev, yh_db_blob(st, 0), 32);
		yh_db_finalize(st);
		st = NULL;
	}
	e.seq = seq;
	e.kind = kind;
	e.payload = text;
	e.prev_hash = prev;
	e.hash = NULL;
	e.signature = NULL;
	e.key_id = NULL;
	yh_ledger_hash(hash, &e);
	if (yh_db_prepare(&st, store, "INSERT INTO ledger (seq, prev_hash, kind, payload, hash, "
	                  "signature, key_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", NULL) < 0) {
		rc = yh_store_fail(store, "cannot append to the ledger");
		goto done;
	}
	if (store->key) {
		unsigned char msg[64];

		yh_ledger_signed_message(msg, hash);
		yh_key_sign(sig, store->key, msg, yh_ledger_signed_message_len());
		yh_db_bind_blob(st, 6, sig, sizeof(sig));
		yh_db_bind_text(st, 7, yh_key_id(store->key), -1);
	}
	yh_db_bind_int64(st, 1, (int64_t)seq);
	yh_db_bind_blob(st, 2, prev, 32);
	yh_db_bind_text(st, 3, kind, -1);
	yh_db_bind_text(st, 4, text, -1);
	yh_db_bind_blob(st, 5, hash, 32);
	if (yh_db_step(st) != YH_DB_DONE)
		rc = yh_store_fail(store, "cannot append to the ledger");
done:
	yh_db_finalize(st);
	free(text);
	json_decref(payload);
	return rc;
}

int yh_ledger_foreach(yh_store *store, uint64_t from, yh_ledger_entry_fn fn, void *ctx)
{
	yh_stmt *st = NULL;
	yh_ledger_entry e;
	int rc = YH_OK, step;

	if (yh_db_prepare(&st, store, "SELECT seq, kind, payload, prev_hash, hash, signature, key_id "
	                  "FROM ledger WHERE seq >= ?1 ORDER BY seq", NULL) < 0)
		return yh_store_fail(store, "cannot read the ledger");
	yh_db_bind_int64(st, 1, (int64_t)from);
	while ((step = yh_db_step(st)) == YH_DB_ROW) {
		if (yh_db_bytes(st, 3) != 32 || yh_db_bytes(st, 4) != 32) {
			rc = yh_error_set(YH_ESTORE, "ledger entry %lld has a malformed hash: '%s'",
			                  (long long)yh_db_int64(st, 0), store->path);
			goto done;
		}
		e.seq = (uint64_t)yh_db_int64(st, 0);
		e.kind = yh_db_text(st, 1);
		e.payload = yh_db_text(st, 2);
		e.prev_hash = yh_db_blob(st, 3);
		e.hash = yh_db_blob(st, 4);
		e.signature = yh_db_bytes(st, 5) == YH_SIGNATURE_BYTES ? yh_db_blob(st, 5) : NULL;
		e.key_id = yh_db_text(st, 6);
		if ((rc = fn(ctx, &e)) != 0)
			goto done;
	}
	if (step != YH_DB_DONE)
		rc = yh_store_fail(store, "cannot read the ledger");
done:
	yh_db_finalize(st);
	return rc;
}

