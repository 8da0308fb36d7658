/* cmd_publish.c — yaohao publish: the signed public draw document. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

static const char usage[] =
	"usage: yaohao publish [--db FILE] [--key FILE] TASK-ID -o FILE\n"
	"\n"
	"Writes the public document of a drawn task: the task, the announcement and\n"
	"register digests, every stratum with its cutoff, the entropy source and value,\n"
	"the revealed secret and the seed, every selected entity with its ticket, rank\n"
	"and team, the reserves in order, and the department's Ed25519 signature over\n"
	"the canonical (JCS) bytes.  Anyone can check it with 'yaohao verify FILE',\n"
	"without a store; publish the register files ('yaohao export ... --as-of\n"
	"FREEZE') and the public key ('yaohao key show -o') beside it.\n"
	"\n"
	"  -o, --output FILE  where to write the document (required)\n"
	"  --db FILE          the store (default: $YAOHAO_DB, then ./yaohao.db)\n"
	"  --key FILE         the secret signing key (default: the store's path + .key)\n";

int cli_publish_run(yh_store *store, const char *task_id, const char *output)
{
	char *doc = NULL;
	FILE *fp;
	int rc;

	if ((rc = yh_document_publish(&doc, store, task_id)) < 0)
		return cli_fail(rc);
	fp = fopen(output, "wb");
	if (!fp || fputs(doc, fp) < 0 || fclose(fp) != 0) {
		free(doc);
		return cli_error(CLI_BAD_DATA, "cannot write the file: '%s'", output);
	}
	free(doc);
	printf("published the draw of %s to %s\n", task_id, output);
	return CLI_OK;
}

int cmd_publish(int argc, char **argv)
{
	enum { OPT_KEY = 250, OPT_DB = 256 };
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, OPT_DB },
		{ "key", required_argument, NULL, OPT_KEY },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = NULL, *keyopt = NULL, *output = NULL;
	yh_store *store = NULL;
	yh_key *key = NULL;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DB: db = optarg; break;
		case OPT_KEY: keyopt = optarg; break;
		case 'o': output = optarg; break;
		case 'h': fputs(usage, stdout); return CLI_OK;
		default: return cli_bad_option("publish", argv);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("publish", "expected one TASK-ID");
	if (!output)
		return cli_usage_error("publish", "-o FILE is required");
	if ((rc = cli_open_store_signing(&store, &key, db, keyopt)) != CLI_OK)
		return rc;
	rc = cli_publish_run(store, argv[optind], output);
	yh_store_close(store);
	yh_key_free(key);
	return rc;
}
