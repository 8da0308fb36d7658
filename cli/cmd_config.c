/* cmd_config.c — yaohao config status-map add|remove|list: the store's own settings, each
 * change a ledger entry. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: yaohao config status-map add [--register REGISTER] [--db FILE] [--key FILE] WORD CLASS\n"
	"       yaohao config status-map remove [--register REGISTER] [--db FILE] [--key FILE] WORD\n"
	"       yaohao config status-map list [--db FILE] [--json]\n"
	"\n"
	"The status map holds the department's own words for the status column of the\n"
	"officer register (inspectors, the default) or of the entity register\n"
	"(entities), beside the built-in words ('yaohao import --columns inspectors'\n"
	"lists them).  Each word maps onto one of the register's stored classes, so\n"
	"the registers keep the same values whatever words a department uses:\n"
	"  inspectors  active, on_leave, suspended, left (only active officers are drawn)\n"
	"  entities    active, deregistered, revoked, cancelled, moved_out, suspended,\n"
	"              liquidating\n"
	"Words are compared with ASCII letters in any case and spaces, '_' and '-'\n"
	"alike.  Each change is a ledger entry of kind \"config\", signed like every\n"
	"other; an import reads the map as it is when the import runs, e.g.\n"
	"  yaohao config status-map add 驻村 on_leave\n"
	"\n"
	"  --register R   inspectors (default) or entities\n"
	"  --db FILE      the store (default: $YAOHAO_DB, then ./yaohao.db)\n"
	"  --key FILE     the secret signing key (default: the store's path + .key)\n"
	"  --json         list: machine-readable\n";

typedef struct {
	const char *db, *key, *reg;
	int json;
	cli_args args;        /* status-map, the action and its arguments */
} config_args;

static const cli_opt_spec options[] = {
	CLI_VALUE(config_args, db, "db", 0),
	CLI_VALUE(config_args, key, "key", 0),
	CLI_VALUE(config_args, reg, "register", 0),
	CLI_FLAG(config_args, json, "json", 0),
	CLI_REST(config_args, args),
	CLI_END
};

typedef struct {
	json_t *list;         /* --json: the words as objects; NULL: printed */
	unsigned n;
} word_list;

static int print_word(void *ctx, yh_register_kind kind, const char *word, const char *cls,
                      uint64_t seq)
{
	word_list *l = ctx;

	l->n++;
	if (l->list)
		return json_array_append_new(l->list, json_pack("{s:s, s:s, s:s, s:I}", "register",
		                             yh_register_name(kind), "word", word, "class", cls,
		                             "seq", (json_int_t)seq));
	printf("%s: '%s' -> %s (ledger entry %llu)\n", yh_register_name(kind), word, cls,
	       (unsigned long long)seq);
	return 0;
}

static int list_map(const config_args *a)
{
	word_list l = { a->json ? json_array() : NULL, 0 };
	yh_store *store = NULL;
	int rc;

	if (a->json && !l.list)
		return cli_error(CLI_INTERNAL, "out of memory");
	if ((rc = cli_open_store(&store, a->db)) != CLI_OK) {
		json_decref(l.list);
		return rc;
	}
	rc = yh_status_map_foreach(store, print_word, &l);
	yh_store_close(store);
	if (rc < 0) {
		json_decref(l.list);
		return cli_fail(rc);
	}
	if (l.list)
		return cli_print_json(l.list);
	if (l.n == 0)
		printf("the status map is empty: only the built-in words are read (see 'yaohao import "
		       "--columns inspectors')\n");
	return CLI_OK;
}

static int change_map(const config_args *a, const char *action)
{
	yh_register_kind kind = YH_REGISTER_INSPECTORS;
	int add = strcmp(action, "add") == 0;
	yh_store *store = NULL;
	yh_key *key = NULL;
	uint64_t seq = 0;
	int rc;

	if (a->args.count != (add ? 4 : 3))
		return cli_usage_error("config", add ? "status-map add takes WORD and CLASS"
		                                     : "status-map remove takes WORD");
	if (a->reg && (yh_register_lookup(&kind, a->reg) < 0 ||
	               (kind != YH_REGISTER_INSPECTORS && kind != YH_REGISTER_ENTITIES)))
		return cli_usage_error("config", "--register must be inspectors or entities, not '%s'", a->reg);
	if ((rc = cli_open_store_signing(&store, &key, a->db, a->key)) != CLI_OK)
		return rc;
	rc = add ? yh_status_map_add(&seq, store, kind, a->args.v[2], a->args.v[3])
	         : yh_status_map_remove(&seq, store, kind, a->args.v[2]);
	if (rc < 0)
		rc = cli_fail(rc);
	else if (add)
		printf("%s: '%s' is now read as %s (ledger entry %llu)\n", yh_register_name(kind),
		       a->args.v[2], a->args.v[3], (unsigned long long)seq);
	else
		printf("%s: '%s' is no longer in the status map (ledger entry %llu)\n",
		       yh_register_name(kind), a->args.v[2], (unsigned long long)seq);
	yh_store_close(store);
	yh_key_free(key);
	return rc;
}

int cmd_config(int argc, char **argv)
{
	config_args a = { 0 };
	const char *action;
	int rc;

	if ((rc = cli_opt_parse(&a, options, "config", usage, argc, argv)) != CLI_PARSED)
		return rc;
	if (a.args.count < 1 || strcmp(a.args.v[0], "status-map") != 0)
		return cli_usage_error("config", a.args.count ? "unknown setting: '%s' (use status-map)"
		                                              : "expected a setting: status-map%s",
		                       a.args.count ? a.args.v[0] : "");
	if (a.args.count < 2)
		return cli_usage_error("config", "expected add, remove or list after status-map");
	action = a.args.v[1];
	if (strcmp(action, "list") == 0) {
		if (a.args.count != 2)
			return cli_usage_error("config", "status-map list takes no argument");
		return list_map(&a);
	}
	if (strcmp(action, "add") == 0 || strcmp(action, "remove") == 0)
		return change_map(&a, action);
	return cli_usage_error("config", "unknown action: '%s' (use add, remove or list)", action);
}
