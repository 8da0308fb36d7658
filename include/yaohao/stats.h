/*
 * yaohao/stats.h — register statistics: counts by status, province, industry
 * section and risk class, officers by department and status.
 */
#ifndef YAOHAO_STATS_H
#define YAOHAO_STATS_H

#include <stdint.h>
#include <jansson.h>

#include "common.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Computes the statistics of the registers as of ledger sequence `as_of`
 * (0: current) into a new JSON object owned by the caller (json_decref).
 * The shape is documented in docs/formats.md ("stats").
 */
YH_EXTERN int yh_stats_compute(json_t **out, yh_store *store, uint64_t as_of) YH_WARN_UNUSED;

/* The name of a province-level division code ("33" -> "浙江省"), or NULL. */
YH_EXTERN const char *yh_stats_province_name(const char *code2);

/* The name of a GB/T 4754-2017 industry section ('F' -> "批发和零售业"), or NULL. */
YH_EXTERN const char *yh_stats_section_name(char section);

#ifdef __cplusplus
}
#endif
#endif
