/*
 * opt.h — a command's options and arguments as one table, parsed in one place
 * (the idea of libgit2's cli_opt_spec, on top of getopt_long).
 *
 * A command keeps what it is given in a struct of its own; the table says, for
 * each option, its long and short name and which member of that struct it
 * fills.  The table is static: it holds offsets, not pointers, so the values
 * live in the command's local struct and nothing is global.
 *
 *	typedef struct { const char *db; int json; const char *task_id; } log_args;
 *	static const cli_opt_spec options[] = {
 *		CLI_VALUE(log_args, db, "db", 0),
 *		CLI_FLAG(log_args, json, "json", 0),
 *		CLI_ARG(log_args, task_id, "TASK-ID"),
 *		CLI_END
 *	};
 *	log_args a = { 0 };
 *	if ((rc = cli_opt_parse(&a, options, "log", usage, argc, argv)) != CLI_PARSED)
 *		return rc;
 */
#ifndef YH_CLI_OPT_H
#define YH_CLI_OPT_H

#include <stddef.h>

typedef enum {
	CLI_OPT_END = 0,
	CLI_OPT_VALUE,   /* --name VALUE: a const char * */
	CLI_OPT_FLAG,    /* --name: an int set to 1 */
	CLI_OPT_COUNT,   /* --name, repeatable: an int counted up */
	CLI_OPT_PARSE,   /* --name VALUE: converted and checked by the spec's parse() */
	CLI_OPT_LIST,    /* --name VALUE, repeatable: appended to a cli_list */
	CLI_OPT_ARG,     /* a positional argument, required, in table order: a const char * */
	CLI_OPT_REST     /* all the positional arguments, unchecked: a cli_args */
} cli_opt_type;

/* The values of a repeatable option. */
#define CLI_LIST_MAX 64
typedef struct {
	const char *v[CLI_LIST_MAX];
	size_t n;
} cli_list;

/* The positional arguments of a command that checks them itself. */
typedef struct {
	char **v;
	int count;
} cli_args;

typedef struct {
	cli_opt_type type;
	const char *name;  /* long name without "--"; for CLI_OPT_ARG, its name in messages */
	char alias;        /* the short name, or 0 */
	size_t offset;     /* of the member filled, in the command's struct */
	/* CLI_OPT_PARSE: stores the value at out and returns 0, or returns -1; the
	 * usage error is then "--NAME EXPECTS: 'VALUE'" */
	int (*parse)(void *out, const char *text);
	const char *expects;
} cli_opt_spec;

/* The member's offset, when it has the type wanted (a compile error otherwise). */
#define CLI_OPT_AT(T, member, type) _Generic(((T *)0)->member, type: offsetof(T, member))

#define CLI_VALUE(T, member, name, alias) \
	{ CLI_OPT_VALUE, name, alias, CLI_OPT_AT(T, member, const char *), NULL, NULL }
#define CLI_FLAG(T, member, name, alias) \
	{ CLI_OPT_FLAG, name, alias, CLI_OPT_AT(T, member, int), NULL, NULL }
#define CLI_COUNT(T, member, name, alias) \
	{ CLI_OPT_COUNT, name, alias, CLI_OPT_AT(T, member, int), NULL, NULL }
#define CLI_PARSE(T, member, name, alias, parse, expects) \
	{ CLI_OPT_PARSE, name, alias, offsetof(T, member), parse, expects }
#define CLI_LIST(T, member, name, alias) \
	{ CLI_OPT_LIST, name, alias, CLI_OPT_AT(T, member, cli_list), NULL, NULL }
#define CLI_ARG(T, member, name) \
	{ CLI_OPT_ARG, name, 0, CLI_OPT_AT(T, member, const char *), NULL, NULL }
#define CLI_REST(T, member) \
	{ CLI_OPT_REST, NULL, 0, CLI_OPT_AT(T, member, cli_args), NULL, NULL }
#define CLI_END { CLI_OPT_END, NULL, 0, 0, NULL, NULL }

/* Not an exit code: cli_opt_parse's "go on". */
enum { CLI_PARSED = -1 };

/*
 * Parses argv (argv[0] is the command's name) into args by the table specs.
 * -h and --help print usage on stdout and give CLI_OK.  An unknown option, a
 * missing or bad value, or the wrong number of arguments prints
 * "yaohao: <what>" and "run 'yaohao COMMAND --help' for usage" on stderr and
 * gives CLI_USAGE.  Otherwise it gives CLI_PARSED and the command goes on.
 */
int cli_opt_parse(void *args, const cli_opt_spec *specs, const char *command, const char *usage,
                  int argc, char **argv);

/* A ledger sequence number, 1 or more, into a uint64_t (for --as-of). */
int cli_opt_seq(void *out, const char *text);

#endif
