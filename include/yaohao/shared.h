/*
 * yaohao/shared.h — drawing from a shared entity register.
 *
 * On PostgreSQL the owner may let a department draw from another department's entity register
 * (a province's one register, kept by its register office: docs/operations.md).  The department
 * never imports that register: it adopts it.  An adoption appends an `adopt` entry to the
 * department's own ledger naming the shared register's latest import of entities (its
 * sequence, entry hash, root and count, docs/spec.md §11); from then on the department's entity
 * register as of any point of its ledger is the shared register as of the import its latest
 * adoption before that point names.  Later imports of the shared register change nothing the
 * department froze until it adopts again.
 */
#ifndef YAOHAO_SHARED_H
#define YAOHAO_SHARED_H

#include <stdint.h>

#include "common.h"
#include "error.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	uint64_t seq;                 /* the adopt entry in this department's ledger; 0: unchanged
	                                 (the latest import was adopted already) */
	uint64_t register_seq;        /* the shared register's import entry adopted */
	unsigned char entry_hash[32]; /* that entry's hash */
	unsigned char root[32];       /* the entity register as of that entry (§2) */
	uint64_t count;               /* its rows */
	char department[64];          /* the department whose register it is */
} yh_adopt_report;

/*
 * Adopts the latest import of the entity register the owner shares with the store's
 * department.  `department`, when not NULL, must name that register's department.  The
 * register's rows are read and their root checked against the import's entry before anything
 * is written.  YH_EINVAL when the store is not on PostgreSQL, nothing is shared with the
 * department, the department has an entity register of its own, or the session's role owns
 * the tables; YH_ENOTFOUND when the shared register has no import yet; YH_ESTORE when its rows
 * do not give its entry's root.
 */
YH_EXTERN int yh_shared_adopt(yh_adopt_report *report, yh_store *store,
                              const char *department) YH_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
