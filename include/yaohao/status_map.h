/*
 * yaohao/status_map.h — the store's status map: local words for the status
 * columns of the entity and officer registers.
 *
 * An import maps a status word through the built-in words first
 * (docs/formats.md: 在岗, 休假, 借调, 停职, 退休, on leave, retired, …), then
 * through this map.  Words are compared with ASCII letters in any case and a
 * run of spaces, '_' and '-' as one '_' ("On Leave" is "on_leave").  A word
 * maps onto one of the register's stored classes (yh_status_classes), so the
 * stored values — and the register roots — are the same whatever words a
 * department uses.
 *
 * The map lives in the ledger: each change is one "config" entry (payload in
 * docs/spec.md §11), and the map as of an entry is the "config" entries before
 * it, replayed in order.  Nothing outside the ledger holds it.
 */
#ifndef YAOHAO_STATUS_MAP_H
#define YAOHAO_STATUS_MAP_H

#include <stdint.h>

#include "common.h"
#include "register.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The most bytes of a status word. */
#define YH_STATUS_WORD_MAX 64

/* The stored status classes of a register, NULL-terminated (entities: active, deregistered,
 * revoked, cancelled, moved_out, suspended, liquidating; inspectors: active, on_leave,
 * suspended, left); NULL for a register without a status column. */
YH_EXTERN const char *const *yh_status_classes(yh_register_kind kind);

/*
 * Maps `word` to `status_class` for the register's status column, recorded as one "config"
 * ledger entry (signed: the store's key must be given).  *seq is the entry's sequence.
 * YH_EINVAL for a register without a status, a class it does not have, or a word that is
 * empty, longer than YH_STATUS_WORD_MAX bytes, padded with spaces or not clean text;
 * YH_EEXIST when the word is a built-in one or mapped already.
 */
YH_EXTERN int yh_status_map_add(uint64_t *seq, yh_store *store, yh_register_kind kind,
                                const char *word, const char *status_class) YH_WARN_UNUSED;

/* Removes a word added before (a "config" entry too); YH_ENOTFOUND if it is not in the map. */
YH_EXTERN int yh_status_map_remove(uint64_t *seq, yh_store *store, yh_register_kind kind,
                                   const char *word) YH_WARN_UNUSED;

/* Calls fn for each word of the map as of now, by register, then in the order added: the
 * word as given, its class and the sequence of the entry that added it.  A non-zero return
 * from fn stops the walk and is returned. */
typedef int (*yh_status_word_fn)(void *ctx, yh_register_kind kind, const char *word,
                                 const char *status_class, uint64_t seq);
YH_EXTERN int yh_status_map_foreach(yh_store *store, yh_status_word_fn fn,
                                    void *ctx) YH_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
