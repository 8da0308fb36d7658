/* audit_events.h — private: the audit of what happens to drawn tasks after their draws
 * (docs/spec.md §18): every result, reassign, substitute and disclose entry replayed against
 * the rules from its task's draw, with the picking rules recomputed from the registers as of
 * the freeze, and the store's index of those entries checked against the ledger. */
#ifndef YH_ENGINE_AUDIT_EVENTS_H
#define YH_ENGINE_AUDIT_EVENTS_H

#include <jansson.h>

#include "yaohao/ledger.h"
#include "yaohao/store.h"

typedef struct yh_event_audit yh_event_audit;

int yh_event_audit_new(yh_event_audit **out, yh_store *store);
void yh_event_audit_free(yh_event_audit *ea);

/* 1 when the kind is one of a drawn task's events. */
int yh_event_audit_kind(const char *kind);

/* Checks one entry in ledger order: YH_EDATA with the reason when it breaks a rule. */
int yh_event_audit_entry(yh_event_audit *ea, const yh_ledger_entry *e, json_t *payload);

/* After the walk: every index row names an entry the walk checked, with its task, kind and
 * entity, and every such entry has its row.  YH_EDATA with *seq the entry at fault. */
int yh_event_audit_finish(yh_event_audit *ea, uint64_t *seq);

/* How many entries were checked, and how many picks recomputed. */
uint64_t yh_event_audit_count(const yh_event_audit *ea);

#endif
