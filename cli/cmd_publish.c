/* cmd_publish.c — yaohao publish: the signed public draw document. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

static const char usage[] =
	"usage: yaohao publish [--db FILE] [--key FILE] TASK-ID [-o FILE] [--html FILE]\n"
	"\n"
	"Writes the public document of a drawn task: the task, the announcement and\n"
	"register digests, every stratum with its cutoff, the entropy source and value,\n"
	"the revealed secret and the seed, every selected entity with its ticket, rank\n"
	"and team, the reserves in order, and the department's Ed25519 signature over\n"
	"the canonical (JCS) bytes.  Anyone can check it with 'yaohao verify FILE',\n"
	"without a store; publish the register files ('yaohao export ... --as-of\n"
	"FREEZE') and the public key ('yaohao key show -o') beside it.\n"
	"\n"
	"  -o, --output FILE  where to write the document\n"
	"  --html FILE        also (or only) the public page: one self-contained HTML\n"
	"                     file that shows the draw and checks it in the reader's\n"
	"                     browser (no network, no install; docs/public-check.md)\n"
	"  --db FILE          the store (default: $YAOHAO_DB, then ./yaohao.db)\n"
	"  --key FILE         the secret signing key (default: the store's path + .key)\n";

typedef struct {
	const char *db, *key, *output, *html, *task_id;
} publish_args;

static const cli_opt_spec options[] = {
	CLI_VALUE(publish_args, db, "db", 0),
	CLI_VALUE(publish_args, key, "key", 0),
	CLI_VALUE(publish_args, output, "output", 'o'),
	CLI_VALUE(publish_args, html, "html", 0),
	CLI_ARG(publish_args, task_id, "TASK-ID"),
	CLI_END
};

int cli_publish_run(yh_store *store, const char *task_id, const char *output)
{
	char *doc = NULL;
	int rc, err;

	if ((rc = yh_document_publish(&doc, store, task_id)) < 0)
		return cli_fail(rc);
	err = cli_output_text(output, doc, 0);
	free(doc);
	if (err)
		return cli_output_failed(output, err);
	printf("published the draw of %s to %s\n", task_id, output);
	return CLI_OK;
}

int cli_page_run(yh_store *store, const char *task_id, const char *results, const char *const *proofs,
                 size_t nproofs, const char *html)
{
	yh_page_inputs in = YH_PAGE_INPUTS_INIT;
	char *doc = NULL, *page = NULL;
	int rc, err;

	if ((rc = yh_document_publish(&doc, store, task_id)) < 0)
		return cli_fail(rc);
	in.draw = doc;
	in.results = results;
	in.proofs = proofs;
	in.nproofs = nproofs;
	rc = yh_page_html(&page, &in);
	free(doc);
	if (rc < 0)
		return cli_fail(rc);
	err = cli_output_text(html, page, 0);
	free(page);
	if (err)
		return cli_output_failed(html, err);
	printf("wrote the public page of %s%s%s to %s\n", task_id, results ? " and its results" : "",
	       nproofs == 1 ? " with the entity's proof" : nproofs ? " with the entities' proofs" : "", html);
	return CLI_OK;
}

int cmd_publish(int argc, char **argv)
{
	publish_args a = { 0 };
	yh_store *store = NULL;
	yh_key *key = NULL;
	int rc;

	if ((rc = cli_opt_parse(&a, options, "publish", usage, argc, argv)) != CLI_PARSED)
		return rc;
	if (!a.output && !a.html)
		return cli_usage_error("publish", "-o FILE is required (or --html FILE for the public page)");
	if ((rc = cli_open_store_signing(&store, &key, a.db, a.key)) != CLI_OK)
		return rc;
	rc = a.output ? cli_publish_run(store, a.task_id, a.output) : CLI_OK;
	if (rc == CLI_OK && a.html)
		rc = cli_page_run(store, a.task_id, NULL, NULL, 0, a.html);
	yh_store_close(store);
	yh_key_free(key);
	return rc;
}
