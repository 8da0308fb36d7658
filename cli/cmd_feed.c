/* cmd_feed.c — yaohao feed: every announcement of the store, in chain order, signed. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

static const char usage[] =
	"usage: yaohao feed [--db FILE] [--key FILE] -o FILE\n"
	"\n"
	"Writes the feed: every announcement this store has made, in order, each\n"
	"carrying the digest of the one before it, signed with the department's key.\n"
	"Publish it with the draw documents: with it, 'yaohao verify DOC --feed FILE'\n"
	"shows that the document's announcement is one of an unbroken chain, so that\n"
	"no announcement (and no draw the department did not like) was kept hidden.\n"
	"\n"
	"  -o, --output FILE  where to write the feed (required)\n"
	"  --db FILE          the store (default: $YAOHAO_DB, then ./yaohao.db)\n"
	"  --key FILE         the secret signing key (default: the store's path + .key)\n";

typedef struct {
	const char *db, *key, *output;
} feed_args;

static const cli_opt_spec options[] = {
	CLI_VALUE(feed_args, db, "db", 0),
	CLI_VALUE(feed_args, key, "key", 0),
	CLI_VALUE(feed_args, output, "output", 'o'),
	CLI_END
};

int cli_feed_run(yh_store *store, const char *output)
{
	char *feed = NULL;
	int rc, err;

	if ((rc = yh_feed_publish(&feed, store)) < 0)
		return cli_fail(rc);
	err = cli_output_text(output, feed, 0);
	free(feed);
	if (err)
		return cli_output_failed(output, err);
	printf("wrote the feed of announcements to %s\n", output);
	return CLI_OK;
}

int cmd_feed(int argc, char **argv)
{
	feed_args a = { 0 };
	yh_store *store = NULL;
	yh_key *key = NULL;
	int rc;

	if ((rc = cli_opt_parse(&a, options, "feed", usage, argc, argv)) != CLI_PARSED)
		return rc;
	if (!a.output)
		return cli_usage_error("feed", "-o FILE is required");
	if ((rc = cli_open_store_signing(&store, &key, a.db, a.key)) != CLI_OK)
		return rc;
	rc = cli_feed_run(store, a.output);
	yh_store_close(store);
	yh_key_free(key);
	return rc;
}
