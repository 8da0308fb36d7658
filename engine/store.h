/* Private: the store's internals, shared by the modules that read and write it. */
#ifndef YH_ENGINE_STORE_H
#define YH_ENGINE_STORE_H

#include <stdint.h>
#include <sqlite3.h>
#include <jansson.h>

#include "yaohao/key.h"
#include "yaohao/store.h"

struct yh_store {
	sqlite3 *db;
	char *path;
	char *department;
	int has_public_key;                    /* the ledger is signed */
	unsigned char public_key[32];
	yh_key *key;                           /* the store's copy; NULL until yh_store_set_key */
};

/* Reports an SQLite failure on the store as YH_ESTORE: "<what>: <sqlite msg>: '<path>'". */
int yh_store_fail(yh_store *store, const char *what);

/* Runs SQL without results; YH_ESTORE with the message on failure. */
int yh_store_exec(yh_store *store, const char *sql);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK.  rollback is safe to call twice. */
int yh_store_begin(yh_store *store);
int yh_store_commit(yh_store *store);
void yh_store_rollback(yh_store *store);

/*
 * Inside a transaction: the sequence the next ledger entry will take, and
 * appending that entry (kind, payload serialised canonically; "time" is added
 * from the clock, or from $SOURCE_DATE_EPOCH when set, so that tests can pin it).
 */
int yh_ledger_next_seq(uint64_t *seq, yh_store *store);
/* yh_ledger_append takes ownership of payload (a NULL payload is an out-of-memory
 * failure), whatever it returns. */
int yh_ledger_append(yh_store *store, uint64_t seq, const char *kind, json_t *payload);

/* The message an entry's signature covers: TAG("yaohao:ledger-signature:v1") || hash. */
void yh_ledger_signed_message(unsigned char out[64], const unsigned char hash[32]);
size_t yh_ledger_signed_message_len(void);

/* The schema, as the list of migrations from version 0. */
int yh_schema_migrate(yh_store *store, int from);

#endif
