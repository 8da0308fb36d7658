/*
 * cli.h — what the yaohao commands share: the command table entry, exit
 * codes, error reporting and the helpers that turn engine results into
 * output.  Commands use only the public libyaohao API.
 */
#ifndef YH_CLI_H
#define YH_CLI_H

#include <stdint.h>
#include <jansson.h>
#include <yaohao/yaohao.h>

#include "opt.h"

/* Exit codes (docs/formats.md, "exit codes"). */
enum {
	CLI_OK = 0,
	CLI_CHECK_FAILED = 1,
	CLI_USAGE = 2,
	CLI_BAD_DATA = 3,
	CLI_STORE = 4,
	CLI_INTERNAL = 5,
	CLI_RECORDED = 6     /* the store change is recorded, but its output file was not written */
};

typedef struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} cli_command;

/* Prints "yaohao: <message> (<hint>)" to stderr; returns the exit code for an engine code. */
int cli_fail(int engine_code);

/* What the user could do about an engine failure, as " (...)" naming our commands
 * and flags; "" when the hint has no words here. */
const char *cli_hint_words(yh_hint hint);

/* The same for a hint given by its yh_hint_name(), as in a report's "hint"; "" for NULL. */
const char *cli_hint_words_named(const char *name);

/* Prints "yaohao: <formatted>" to stderr and returns exit_code. */
int cli_error(int exit_code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints a usage error and the hint to run --help; returns CLI_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The store path: --db, else $YAOHAO_DB, else ./yaohao.db (a file, or a postgresql:// URI). */
const char *cli_db_path(const char *option);

/* The department the command acts for: --department (every command on a store takes it; opt.c
 * keeps it in cli_department_option), else $YAOHAO_DEPARTMENT, else NULL (the store's one). */
extern const char *cli_department_option;
const char *cli_department(void);

/* Opens the store at cli_db_path(option) for cli_department(); prints the error and returns an
 * exit code on failure. */
int cli_open_store(yh_store **out, const char *option);

/* The same for a command that only reads (audit, log, export, stats): on PostgreSQL a member of
 * yaohao_auditor may read a department it does not act for (yh_store_open_reader). */
int cli_open_store_reader(yh_store **out, const char *option);

/* The secret key path: --key, else the store's path with ".key" appended (for a postgresql://
 * URI: the database's name with ".key", in the working directory). */
const char *cli_key_path(char *buf, size_t size, const char *key_option, const char *db_path);

/* Opens the store for writing: loads the secret key (--key, or DB.key) and
 * gives it to the store; *key must be freed after the store is closed. */
int cli_open_store_signing(yh_store **out, yh_key **key, const char *db_option,
                           const char *key_option);

/* Parses a non-negative decimal; 0 on success. */
int cli_parse_u64(uint64_t *out, const char *text);

/* Prints a JSON value (pretty, keys sorted) to stdout and releases it. */
int cli_print_json(json_t *value);

/* Runs an import and prints its diagnostics, progress and summary. */
int cli_import_run(yh_store *store, yh_register_kind kind, const char *path,
                   yh_import_options *options, int json);

/* Writes a register as canonical CSV to path (an output, as above); prints any failure. */
int cli_export_file(const char *path, yh_store *store, yh_register_kind kind, uint64_t as_of);

/* Prints the register statistics as a table or as JSON. */
int cli_stats_print(yh_store *store, uint64_t as_of, int json);

/* Progress of a scan over the entities (on a terminal only); ctx is a const char * label. */
void cli_scan_progress(void *ctx, uint64_t rows);
void cli_scan_progress_done(void);

/*
 * An output file (-o FILE, output.c): written to a temporary file beside it, synced and renamed
 * over it on close, so that on any failure the previous file stays whole.  Each call returns 0 or
 * the errno of the first failure; close always releases the output.
 */
typedef struct {
	const char *path;  /* as given */
	char *dest;        /* where it lands: the path, or the file a symbolic link there names */
	char *tmp;         /* the temporary file; NULL when written in place (not a regular file) */
	FILE *fp;          /* write here between open and close */
	int err;
} cli_output;

int cli_output_open(cli_output *o, const char *path);
int cli_output_put(cli_output *o, const char *text, int newline);
int cli_output_write(cli_output *o, const char *bytes, size_t len);
int cli_output_close(cli_output *o);

/* Closes an output whose content is not to be kept: the previous file stays as it was. */
void cli_output_discard(cli_output *o);

/* The whole text (and a newline when asked) to path, as above; 0 or an errno. */
int cli_output_text(const char *path, const char *text, int newline);

/* Prints "cannot write the file: <cause>: 'path'"; returns CLI_BAD_DATA. */
int cli_output_failed(const char *path, int err);

/* Writes text and a newline to path (cli_output_text); prints the failure, CLI_BAD_DATA. */
int cli_write_text(const char *path, const char *text);

/* A store change that succeeded while its output file failed: what to say and how to get the
 * output again ('yaohao transcript [--db DB] FLAGS TASK -o PATH'). */
typedef struct {
	const char *action;       /* "commit", "draw" */
	const char *task_id;
	uint64_t seq;             /* its ledger entry */
	const char *output_name;  /* "announcement", "transcript" */
	const char *path;
	const char *db;           /* --db as given, or NULL */
	const char *flags;        /* "--announcement " or "" */
} cli_recorded;

/* Prints that the change is recorded but the output not written, with the cause and the command
 * that writes it again; returns CLI_RECORDED. */
int cli_output_recorded(const cli_recorded *r, int err);

/* Writes the public key file (docs/spec.md §15: the header line, 64 hex digits, a line break)
 * to path, as every output is written; prints any failure. */
int cli_public_key_file(const char *path, const unsigned char public_key[YH_PUBLIC_KEY_BYTES]);

/* Creates a secret key file at key_path (0600) and gives the key to the store. */
int cli_key_create(yh_store *store, const char *key_path);

/* What 'yaohao commit' is given; the demo fills one in too. */
typedef struct {
	const char *db, *key;
	const char *task_id;
	const char *source;   /* --entropy-source */
	const unsigned char *secret;  /* the demo's pinned secret (YH_SECRET_BYTES); NULL: the CSPRNG */
	const char *output;   /* -o: the announcement is written there too */
	int json;
} cli_commit_args;

/* What 'yaohao draw' is given; the demo fills one in too. */
typedef struct {
	const char *db, *key;
	const char *task_id;
	const char *value;    /* --entropy */
	const char *output;   /* -o: the transcript is written there too */
	int json;
	int threads;          /* --threads; 0: automatic */
} cli_draw_args;

/* The steps the demo shares with the commands. */
int cli_plan_add(yh_store *store, const char *path);
int cli_commit_run(yh_store *store, const cli_commit_args *args);
int cli_draw_run(yh_store *store, const cli_draw_args *args);

int cmd_init(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_commit(int argc, char **argv);
int cmd_draw(int argc, char **argv);
int cmd_transcript(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_calendar(int argc, char **argv);
int cmd_publish(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_prove(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_verify_proof(int argc, char **argv);

int cli_publish_run(yh_store *store, const char *task_id, const char *output);
/* The public page (yh_page_html) of a drawn task, with a results document's text or NULL and
 * nproofs entity proofs' text (the page opens at the first one's entity), written to html
 * (cmd_publish.c). */
int cli_page_run(yh_store *store, const char *task_id, const char *results, const char *const *proofs,
                 size_t nproofs, const char *html);
int cli_feed_run(yh_store *store, const char *output);
int cmd_feed(int argc, char **argv);
int cli_verify_run(const char *document, const yh_verify_inputs *inputs, int json);
void cli_print_report(json_t *report);

/* Prints a verification report (as text or JSON), releases it, and returns
 * CLI_OK when it holds, CLI_CHECK_FAILED when not. */
int cli_report_exit(json_t *report, int json);
int cmd_import(int argc, char **argv);
int cmd_adopt(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_result(int argc, char **argv);
int cmd_reassign(int argc, char **argv);
int cmd_substitute(int argc, char **argv);
int cmd_disclose(int argc, char **argv);

/* Writes the results document, its CSV and its public page (csv, html may be NULL), then
 * records the disclosure. */
int cli_disclose_run(yh_store *store, const char *task_id, const char *output, const char *csv,
                     const char *html);
int cmd_status(int argc, char **argv);
int cmd_coverage(int argc, char **argv);

/* yaohao result import: reads a results file into the task, all or nothing, printing every
 * refused line (cmd_result_import.c). */
typedef struct {
	const char *encoding;  /* --encoding, or NULL */
	int dry_run, json;
} cli_result_import_args;

int cli_result_import(yh_store *store, const char *task_id, const char *path,
                      const cli_result_import_args *args);

#endif
