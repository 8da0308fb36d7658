/* signed.c — signing a published JSON document and checking its signature (docs/spec.md §13). */
#include <stdlib.h>
#include <string.h>

#include "yaohao/jcs.h"
#include "report.h"
#include "signed.h"
#include "error.h"

int yh_signed_write(char **out, json_t *doc, const yh_key *key)
{
	unsigned char pk[YH_PUBLIC_KEY_BYTES], sig[YH_SIGNATURE_BYTES];
	char hex[2 * YH_SIGNATURE_BYTES + 1], *canonical = NULL, *pretty = NULL;
	size_t n;
	int rc;

	*out = NULL;
	yh_key_public(pk, key);
	yh_hex(hex, pk, sizeof(pk));
	json_object_del(doc, "signature");
	if (json_object_set_new(doc, "signer", json_pack("{s:s, s:s}", "public_key", hex,
	                                                 "key_id", yh_key_id(key))) < 0)
		return yh_error_set(YH_ENOMEM, "out of memory");
	if ((rc = yh_jcs_dump(&canonical, doc)) < 0)
		return rc;
	yh_key_sign(sig, key, canonical, strlen(canonical));
	free(canonical);
	yh_hex(hex, sig, sizeof(sig));
	if (json_object_set_new(doc, "signature", json_string(hex)) < 0 ||
	    !(pretty = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS)))
		return yh_error_set(YH_ENOMEM, "out of memory");
	n = strlen(pretty);
	if (!(*out = malloc(n + 2))) {
		free(pretty);
		return yh_error_set(YH_ENOMEM, "out of memory");
	}
	memcpy(*out, pretty, n);
	(*out)[n] = '\n';
	(*out)[n + 1] = '\0';
	free(pretty);
	return YH_OK;
}

int yh_signed_check(const json_t *doc, const unsigned char *pin)
{
	unsigned char pk[YH_PUBLIC_KEY_BYTES], sig[YH_SIGNATURE_BYTES];
	json_t *copy = NULL;
	char *canonical = NULL;
	int rc;

	if (yh_get_hex(sig, sizeof(sig), json_object_get(doc, "signature")) != 0)
		return yh_error_set(YH_EDATA, "signature: not 128 hex digits");
	if (yh_get_hex(pk, sizeof(pk), yh_json_path((json_t *)doc, "signer", "public_key")) != 0)
		return yh_error_set(YH_EDATA, "signer.public_key: not 64 hex digits");
	if (pin && memcmp(pin, pk, sizeof(pk)) != 0)
		return yh_error_set(YH_EDATA, "signed by another key than the one given");
	if (!(copy = json_copy((json_t *)doc)))
		return yh_error_set(YH_ENOMEM, "out of memory");
	json_object_del(copy, "signature");
	if ((rc = yh_jcs_dump(&canonical, copy)) == YH_OK &&
	    yh_key_verify(sig, pk, canonical, strlen(canonical)) != YH_OK)
		rc = yh_error_set(YH_EDATA, "the signature does not verify with the signer's key");
	free(canonical);
	json_decref(copy);
	return rc;
}
