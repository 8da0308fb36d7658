/* hint.c — the engine's hints (yaohao/error.h) in the command line's words: the
 * engine says what could be done, only the CLI knows its commands and flags. */
#include <string.h>

#include "cli.h"

static const char *const words[YH_HINT_COUNT] = {
	[YH_HINT_CREATE_STORE] = " (create one with 'yaohao init', or give --db)",
	[YH_HINT_NEEDS_KEY] = " (give --key FILE)",
	[YH_HINT_NEEDS_NEW_KEY] = " (run 'yaohao key new')",
	[YH_HINT_NEEDS_COMMIT] = " (run 'yaohao commit' first)",
	[YH_HINT_NEEDS_DRAW] = " (run 'yaohao draw' first)",
	[YH_HINT_LIST_TASKS] = " (see 'yaohao plan list')",
	[YH_HINT_RUN_AUDIT] = " (run 'yaohao audit')",
	[YH_HINT_PARTIAL_IMPORT] = " (use --partial to import nothing)",
	[YH_HINT_ACCEPT_BAD_CHECK] = " (use --accept-bad-check to accept it on record)",
	[YH_HINT_TRY_GB18030] = " (try --encoding gb18030)",
	[YH_HINT_GIVE_PUBLIC_KEY] = " (give --pubkey FILE)",
	[YH_HINT_GIVE_ENTITIES] = " (give --entities FILE)",
	[YH_HINT_GIVE_INSPECTORS] = " (give --inspectors FILE)",
	[YH_HINT_GIVE_CONFLICTS] = " (give --conflicts FILE)",
	[YH_HINT_GIVE_EARLIER] = " (give --earlier FILE for each)",
	[YH_HINT_GIVE_FEED] = " (give --feed FILE)",
	[YH_HINT_ADD_STATUS_WORD] = " (a local word: 'yaohao config status-map add WORD CLASS')",
	[YH_HINT_IMPORT_CALENDAR] = " (run 'yaohao calendar import FILE')",
};

const char *cli_hint_words(yh_hint hint)
{
	return (unsigned)hint < YH_HINT_COUNT && words[hint] ? words[hint] : "";
}

const char *cli_hint_words_named(const char *name)
{
	int h;

	for (h = YH_HINT_NONE + 1; name && h < YH_HINT_COUNT; h++)
		if (strcmp(yh_hint_name((yh_hint)h), name) == 0)
			return cli_hint_words((yh_hint)h);
	return "";
}
