/* ledger.c — checking a ledger entry's signature (docs/spec.md §11); the entry hash is in
 * digest.c and the entries themselves are kept by the storage layer (store/ledger_store.c). */

#include "yaohao/ledger.h"
#include "digest.h"
#include "error.h"

int yh_ledger_verify_signature(const yh_ledger_entry *e, const unsigned char public_key[32])
{
	unsigned char msg[64];

	if (!e->signature)
		return yh_error_set(YH_EDATA, "entry %llu is not signed", (unsigned long long)e->seq);
	yh_ledger_signed_message(msg, e->hash);
	if (yh_key_verify(e->signature, public_key, msg, yh_ledger_signed_message_len()) != YH_OK)
		return yh_error_set(YH_EDATA, "entry %llu: the signature does not verify with the store's "
		                    "key", (unsigned long long)e->seq);
	return YH_OK;
}
