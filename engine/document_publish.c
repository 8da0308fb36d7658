/* document_publish.c — the store side of the public draw document: building it from a drawn
 * task's transcript and ledger entries, and signing it with the store's key (docs/spec.md §13). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaohao/document.h"
#include "yaohao/draw.h"
#include "yaohao/jcs.h"
#include "yaohao/key.h"
#include "yaohao/task.h"
#include "report.h"
#include "store/store.h"
#include "error.h"

/* ---- publish --------------------------------------------------------------------------- */

static int query_ledger_link(json_t *link, yh_store *store, const char *task_id)
{
	uint64_t commit_seq, draw_seq;
	unsigned char hash[32];
	char hex[65];
	int rc;

	if ((rc = yh_draw_store_refs(&commit_seq, &draw_seq, hash, store, task_id)) < 0)
		return rc;
	yh_hex(hex, hash, 32);
	json_object_set_new(link, "commit_seq", json_integer((json_int_t)commit_seq));
	json_object_set_new(link, "draw_seq", json_integer((json_int_t)draw_seq));
	json_object_set_new(link, "draw_entry_hash", json_string(hex));
	return YH_OK;
}

int yh_document_publish(char **out, yh_store *store, const char *task_id)
{
	json_t *doc = NULL, *link = NULL;
	unsigned char pk[32], sig[YH_SIGNATURE_BYTES];
	char *transcript = NULL, *canonical = NULL, *pretty = NULL, hex[129];
	const yh_key *key = yh_store_signing_key(store);
	yh_task_state state;
	size_t n;
	int rc;

	*out = NULL;
	if (!key)
		return yh_error_set_hint(YH_ESTORE, YH_HINT_NEEDS_KEY, yh_store_path(store), "publishing "
		                         "signs the document: the store's secret key is needed: '%s'",
		                         yh_store_path(store));
	if (!(link = json_object()))
		return yh_error_set(YH_ENOMEM, "out of memory");
	if ((rc = yh_task_state_get(&state, store, task_id)) < 0)
		goto done;
	if (state != YH_TASK_DRAWN) {
		rc = yh_error_set_hint(YH_ENOTFOUND, state == YH_TASK_PLANNED ? YH_HINT_NEEDS_COMMIT :
		                       YH_HINT_NEEDS_DRAW, task_id, "task is %s, not drawn: '%s'",
		                       yh_task_state_name(state), task_id);
		goto done;
	}
	if ((rc = yh_draw_transcript(&transcript, store, task_id)) < 0 ||
	    (rc = query_ledger_link(link, store, task_id)) < 0)
		goto done;
	if (!(doc = json_loads(transcript, 0, NULL))) {
		rc = yh_error_set(YH_ESTORE, "the transcript of task '%s' is damaged", task_id);
		goto done;
	}
	yh_key_public(pk, key);
	yh_hex(hex, pk, 32);
	json_object_set_new(doc, "format", json_string(YH_DOCUMENT_FORMAT));
	json_object_set(doc, "ledger", link);
	json_object_set_new(doc, "signer", json_pack("{s:s, s:s}", "public_key", hex,
	                                             "key_id", yh_key_id(key)));
	if ((rc = yh_jcs_dump(&canonical, doc)) < 0)
		goto done;
	yh_key_sign(sig, key, canonical, strlen(canonical));
	yh_hex(hex, sig, sizeof(sig));
	json_object_set_new(doc, "signature", json_string(hex));
	if (!(pretty = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS))) {
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		goto done;
	}
	n = strlen(pretty);
	if (!(*out = malloc(n + 2))) {
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		goto done;
	}
	memcpy(*out, pretty, n);
	(*out)[n] = '\n';
	(*out)[n + 1] = '\0';
done:
	free(transcript);
	free(canonical);
	free(pretty);
	json_decref(doc);
	json_decref(link);
	return rc;
}
