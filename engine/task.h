/* Private: the parsed form of a task, as the draw reads it. */
#ifndef YH_ENGINE_TASK_H
#define YH_ENGINE_TASK_H

#include <jansson.h>

#include "yaohao/rate.h"
#include "yaohao/task.h"

/* What a stratum is made of: fields of an entity row. */
typedef enum {
	YH_BY_RISK = 0,          /* A-D, "-" when unclassified */
	YH_BY_PROVINCE,          /* region[0..2) */
	YH_BY_CITY,              /* region[0..4) */
	YH_BY_INDUSTRY_SECTION,  /* industry[0], "-" when empty */
	YH_BY_TYPE,              /* type, "-" when empty */
	YH_BY_COUNT
} yh_stratum_by;

typedef struct {
	char **v;
	size_t n;
	char **sorted;               /* v sorted by bytes, for lookups in long lists (or NULL) */
} yh_strings;

struct yh_task {
	json_t *doc;                 /* normalised document */
	char *canonical;
	unsigned char digest[32];
	const char *id, *title, *draw_date;
	int64_t draw_day;            /* days since 1970-01-01 */
	yh_strings departments, items;
	/* population */
	yh_strings status, regions, industries, types, risks;
	int abnormal;                /* -1 any, 0 only not listed, 1 only listed */
	/* strata */
	yh_stratum_by by[YH_BY_COUNT];
	size_t nby;
	json_t *rates, *counts, *mins, *maxs; /* objects keyed by stratum or "*" (borrowed from doc) */
	yh_rounding rounding;
	yh_rate reserve_rate;
	int64_t exclude_days, pair_days;
	/* team */
	unsigned team_size;
	yh_strings quota_departments;
	unsigned *quota_counts;      /* parallel to quota_departments; empty: any task department */
	yh_strings specialties;
	uint64_t load_cap;           /* 0: ceil(seats / eligible officers) */
};

/* Days since 1970-01-01 of a valid YYYY-MM-DD. */
int64_t yh_days_from_date(const char *date);

/* The stratum key of an entity row (fields in register column order) into
 * buf: the task's "by" values joined with '/', or "all" when there are none.
 * YH_EDATA when it does not fit in size bytes. */
int yh_task_stratum_key(char *buf, size_t size, const yh_task *task, const char *const *entity);

/* 1 if the entity row belongs to the task's population.  O(log n) in the lists' lengths. */
int yh_task_population_match(const yh_task *task, const char *const *entity);

/* 1 if `department` is one of the task's departments.  O(log n). */
int yh_task_has_department(const yh_task *task, const char *department);

/* The per-stratum rule: k and reserves for a stratum of n entities.
 * YH_EDATA when no rate or count covers the stratum. */
int yh_task_stratum_size(uint64_t *k, uint64_t *reserves, const yh_task *task,
                         const char *key, uint64_t n);

/* The rate text that applies to a stratum ("" when a count applies). */
const char *yh_task_stratum_rate(const yh_task *task, const char *key);

#endif
