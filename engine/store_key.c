/* store_key.c — a store's signing key file, made crash-safely: written whole as FILE.pending,
 * adopted by the store, then renamed to FILE; a run cut short at any point is finished by
 * the next one.  Through the public API only (key.h, store.h): no SQL here. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "yaohao/key.h"
#include "yaohao/store.h"
#include "key_file.h"
#include "error.h"

static int exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* Loads the pending key file; its public key into pk. */
static int load_pending(yh_key **key, unsigned char pk[YH_PUBLIC_KEY_BYTES], const char *pending)
{
	int rc = yh_key_load(key, pending);

	if (rc == YH_OK)
		yh_key_public(pk, *key);
	return rc;
}

/* The store has a key: a pending file holding it is an earlier run that stopped between
 * the store's adopting it and the rename; anything else is a store that has its key. */
static int finish(yh_key_outcome *outcome, char id[YH_KEY_ID_CHARS + 1], yh_store *store,
                  const char *path, const char *pending)
{
	unsigned char have[YH_PUBLIC_KEY_BYTES], pk[YH_PUBLIC_KEY_BYTES];
	char pending_id[YH_KEY_ID_CHARS + 1];
	yh_key *key = NULL;
	int rc;

	if ((rc = yh_store_public_key(have, store)) < 0)
		return rc;
	yh_key_id_of(id, have);
	if (exists(path) || !exists(pending))
		return yh_error_set(YH_ESTORE, "the store has a signing key already (%s): '%s'", id,
		                    yh_store_path(store));
	if ((rc = load_pending(&key, pk, pending)) < 0)
		return rc;
	yh_key_free(key);
	if (sodium_memcmp(pk, have, YH_PUBLIC_KEY_BYTES) != 0) {
		yh_key_id_of(pending_id, pk);
		return yh_error_set(YH_ESTORE, "the store has a signing key already (%s), and '%s' holds "
		                    "another one (%s), not this store's: '%s'", id, pending, pending_id,
		                    yh_store_path(store));
	}
	if ((rc = yh_key_file_move(pending, path)) < 0)
		return rc;
	*outcome = YH_KEY_FINISHED;
	return YH_OK;
}

int yh_key_create_for_store(yh_key_outcome *outcome, char id[YH_KEY_ID_CHARS + 1],
                            struct yh_store *store, const char *path)
{
	unsigned char pk[YH_PUBLIC_KEY_BYTES];
	char pending[4096];
	yh_key *key = NULL;
	int rc;

	*outcome = YH_KEY_CREATED;
	id[0] = '\0';
	if ((size_t)snprintf(pending, sizeof(pending), "%s.pending", path) >= sizeof(pending))
		return yh_error_set(YH_EINVAL, "the key file's path is too long: '%s'", path);
	if (yh_store_public_key(pk, store) == YH_OK)
		return finish(outcome, id, store, path, pending);
	if (exists(path))
		return yh_error_set(YH_EEXIST, "key file exists already, but the store has no key: '%s' "
		                    "(a key made for this store by an older yaohao that was stopped before "
		                    "the store took it: rename it to '%s' and create the key again to adopt "
		                    "it; otherwise move it away)", path, pending);
	if (exists(pending)) {
		/* a run stopped before the store took its key: take that key now */
		if ((rc = load_pending(&key, pk, pending)) < 0)
			return rc;
		*outcome = YH_KEY_ADOPTED;
	} else if ((rc = yh_key_generate(&key)) < 0 || (rc = yh_key_save(key, pending)) < 0) {
		yh_key_free(key);
		return rc;
	}
	snprintf(id, YH_KEY_ID_CHARS + 1, "%s", yh_key_id(key));
	if ((rc = yh_store_set_key(store, key)) < 0) {
		if (*outcome == YH_KEY_CREATED)
			unlink(pending); /* the store did not take it: nobody knows this key */
		yh_key_free(key);
		return rc;
	}
	yh_key_free(key);
	if ((rc = yh_key_file_move(pending, path)) < 0)
		return yh_error_set(rc, "the store took signing key %s, kept in '%s', but it could not be "
		                    "renamed to '%s': %s (create the key again to finish)", id, pending,
		                    path, yh_error_message());
	return YH_OK;
}
