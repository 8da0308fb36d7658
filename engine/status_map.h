/* Private: the store's status map replayed from the ledger (status_map.c), for the importer's
 * value rules (rules.c) and for the audit, which checks each "config" entry as it comes. */
#ifndef YH_ENGINE_STATUS_MAP_H
#define YH_ENGINE_STATUS_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "yaohao/status_map.h"

typedef struct yh_status_map yh_status_map;

/* An empty map (what a store without "config" entries has). */
int yh_status_map_new(yh_status_map **out);

/* The map as of ledger entry as_of (0: all of the ledger).  YH_ESTORE, naming the entry, when
 * a "config" entry does not apply (it could only have been written around the engine). */
int yh_status_map_load(yh_status_map **out, yh_store *store, uint64_t as_of);

/*
 * Applies the payload of "config" entry `seq` to the map.  0, or YH_EINVAL (malformed: members,
 * setting, action, register, word, class), YH_EEXIST (adds a built-in or mapped word) or
 * YH_ENOTFOUND (removes a word not in the map), with the reason in why.  The audit calls it
 * for every "config" entry in ledger order, on a map from yh_status_map_new.
 */
int yh_status_map_apply(yh_status_map *map, uint64_t seq, const char *payload, char *why,
                        size_t whysize);

/* The class of a word already in status_key form (rules.c), or NULL. */
const char *yh_status_map_lookup(const yh_status_map *map, yh_register_kind kind, const char *key);

/* NULL-safe. */
void yh_status_map_free(yh_status_map *map);

/* rules.c: a word in the form it is compared in; 0 when it does not fit in size. */
size_t yh_rule_status_key(char *out, size_t size, const char *s, size_t len);

/* rules.c: 1 with its class when `key` (in status_key form) is a built-in word. */
int yh_rule_status_builtin(yh_register_kind kind, const char *key, const char **status_class);

#endif
