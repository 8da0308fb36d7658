/*
 * yaohao/results.h — after the draw (一公开; docs/spec.md §18): the results of the
 * inspections, the reassignment of an officer, the substitution of an entity, and the
 * signed results document that discloses them.
 *
 * Each is a signed ledger entry of the task that names the hash of the task's previous
 * entry (the draw entry for the first), so that a task's story after its draw is a chain of
 * its own.  Nothing is ever overwritten: a correction is a new result naming the one it
 * replaces and why.  Nobody picks a replacement: a reassignment takes the next officer of
 * the draw's own order for that entity, with loads as they stand; a substitution takes the
 * stratum's next unused reserve in published order and gives it a team by the draw's rule —
 * so anyone can recompute both from the published documents and registers.
 *
 * Every function that records needs the store's key (yh_store_set_key).
 */
#ifndef YAOHAO_RESULTS_H
#define YAOHAO_RESULTS_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "common.h"
#include "document.h"
#include "import.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

#define YH_RESULT_VERSION 1
#define YH_RESULT_INIT { .version = YH_RESULT_VERSION }

/* One inspection result.  Words (result, method, follow_up) are accepted by code, Chinese
 * name or English alias (docs/formats.md, "Results"). */
typedef struct {
	unsigned int version;            /* YH_RESULT_VERSION */
	const char *entity_id;
	const char *result;              /* 1, A, B, C, E, F, 6..12, or the name */
	const char *date;                /* YYYY-MM-DD: not before the draw, not after today */
	const char *const *officers;     /* certificate numbers: two or more, all on the team */
	size_t nofficers;
	const char *const *items;        /* codes of the task's items; nitems 0: all of them */
	size_t nitems;
	const char *method;              /* 实地检查 … ; NULL: 实地检查 */
	const char *follow_up;           /* 无需后续处置 … ; NULL: 无需后续处置 */
	const char *note;                /* NULL or "": none */
	uint64_t replaces;               /* a correction: the entry of the result in force */
	const char *reason;              /* a correction's reason */
} yh_result;

/* Records results in one transaction, all or nothing.  On a rule broken, calls
 * on_refused(ctx, i, member, message) for every refused results[i] (checked in order, each
 * against the state the earlier ones leave), member naming what the rule concerns ("entity_id",
 * "result", "date", "officers", "items", "method", "follow_up", "note", "replaces" or
 * "reason"), and records nothing: YH_EDATA.  *first_seq is the entry of the first result
 * recorded. */
typedef void (*yh_result_refused_fn)(void *ctx, size_t index, const char *member,
                                     const char *message);
YH_EXTERN int yh_results_record(uint64_t *first_seq, yh_store *store, const char *task_id,
                                const yh_result *results, size_t n,
                                yh_result_refused_fn on_refused, void *ctx) YH_WARN_UNUSED;

/* ---- a file of results ------------------------------------------------------------------
 * CSV as the registers (UTF-8 or GB18030, Chinese or English headers in any order; columns in
 * docs/formats.md, "Results"): every line parsed, then the results checked in file order as
 * yh_results_record checks them, all or nothing.  Every bad line is passed to on_diagnostic
 * (file, line, the column's header as written, reason); a rule refused names the column it
 * concerns (officers, date, result, ...), else the entity's. */

#define YH_RESULTS_IMPORT_OPTIONS_VERSION 1
#define YH_RESULTS_IMPORT_OPTIONS_INIT { .version = YH_RESULTS_IMPORT_OPTIONS_VERSION }

typedef struct {
	unsigned int version;         /* YH_RESULTS_IMPORT_OPTIONS_VERSION */
	const char *encoding;         /* "utf-8", "gb18030" or "gbk"; NULL: UTF-8, or GB18030 when the
	                                 file is not UTF-8 but is GB18030 (a warning on line 1) */
	int dry_run;                  /* 1: check only, record nothing */
	unsigned max_errors;          /* diagnostics passed on; 0 means 100 */
	yh_diagnostic_fn on_diagnostic;
	void *diagnostic_ctx;
} yh_results_import_options;

typedef struct {
	uint64_t first_seq, last_seq; /* the entries recorded; 0 when nothing was */
	uint64_t rows;                /* data lines read */
	uint64_t results, corrections;/* recorded (on a dry run: that would be) */
	uint64_t errors, warnings;    /* all found, including those past max_errors */
	char encoding[8];             /* as read: "utf-8" or "gb18030" */
	unsigned char sha256[32];     /* of the file's bytes */
} yh_results_import_report;

/* YH_OK when recorded (or, on a dry run, when every line passes); YH_EDATA when a line is bad
 * (report->errors > 0, nothing recorded); YH_EIO when the file cannot be read; YH_ENOTFOUND
 * when the task is not drawn.  The report is filled in every case. */
YH_EXTERN int yh_results_import(yh_results_import_report *report, yh_store *store,
                                const char *task_id, const char *path,
                                const yh_results_import_options *options) YH_WARN_UNUSED;

/* Reassigns officer_id away from entity_id's team; cause is "recusal" (this entity only: 回避)
 * or "unavailable" (leave, illness, transfer: the officer takes no later replacement in the
 * task).  *entry is the recorded payload (canonical JSON, free() it; may be NULL). */
YH_EXTERN int yh_results_reassign(char **entry, uint64_t *seq, yh_store *store,
                                  const char *task_id, const char *entity_id,
                                  const char *officer_id, const char *cause,
                                  const char *reason) YH_WARN_UNUSED;

/* Substitutes entity_id, deregistered, revoked, cancelled or moved out in the register since
 * the freeze, by its stratum's next unused reserve with a team by the draw's rule. */
YH_EXTERN int yh_results_substitute(char **entry, uint64_t *seq, yh_store *store,
                                    const char *task_id, const char *entity_id,
                                    const char *reason) YH_WARN_UNUSED;

/* Makes the signed results document ("yaohao-results/1") of a drawn task and the CSV for the
 * disclosure system, calls write_files(ctx, document, csv) and, when it returns 0, records the
 * disclosure: a document that could not be written is never recorded as disclosed.  A
 * non-zero return from write_files is returned and nothing is recorded.  *seq is the disclose
 * entry. */
typedef int (*yh_results_write_fn)(void *ctx, const char *document, const char *csv);
YH_EXTERN int yh_results_disclose(uint64_t *seq, yh_store *store, const char *task_id,
                                  yh_results_write_fn write_files, void *ctx) YH_WARN_UNUSED;

/* A task's state after its draw, for the dashboard: {task_id, selected, results, pending,
 * corrections, reassignments, substitutions, disclosures, last_result_date,
 * first_result_date, entities: [{id, name, stratum, rank, team, result, date, ...}]}
 * (entities only when `entities`).  YH_ENOTFOUND when the task is not drawn. */
YH_EXTERN int yh_results_state(json_t **out, yh_store *store, const char *task_id,
                               int entities) YH_WARN_UNUSED;

/* Checks a results document against the draw document it names, with no store: the
 * signatures, every entry's hash, the task's chain of entries, every rule, and — with the
 * inspectors and conflicts files of inputs — every reassignment and substitution recomputed.
 * The report is that of yh_document_verify. */
YH_EXTERN int yh_results_verify(json_t **report, const char *results_path, const char *draw_path,
                                const yh_verify_inputs *inputs) YH_WARN_UNUSED;

/* The code of a result word, or NULL; the Chinese name of a code, or NULL. */
YH_EXTERN const char *yh_result_code(const char *word);
YH_EXTERN const char *yh_result_name(const char *code);

#ifdef __cplusplus
}
#endif

#endif
