/* chain.c — the feed of announcements: publishing it, and reading it back as a checked chain. */
#include <stdlib.h>
#include <string.h>

#include "yaohao/feed.h"
#include "yaohao/jcs.h"
#include "store/store.h"
#include "announcement.h"
#include "chain.h"
#include "report.h"
#include "signed.h"
#include "error.h"

static int add_announcement(void *ctx, const char *text)
{
	json_t *ann = json_loads(text, 0, NULL);

	if (!ann)
		return yh_error_set(YH_ESTORE, "a stored announcement is damaged");
	return json_array_append_new(ctx, ann) ? yh_error_set(YH_ENOMEM, "out of memory") : 0;
}

int yh_feed_publish(char **out, yh_store *store)
{
	const yh_key *key = yh_store_signing_key(store);
	json_t *feed, *list = json_array();
	int rc;

	*out = NULL;
	if (!key) {
		json_decref(list);
		return yh_error_set_hint(YH_ESTORE, YH_HINT_NEEDS_KEY, yh_store_path(store), "publishing "
		                         "signs the feed: the store's secret key is needed: '%s'",
		                         yh_store_path(store));
	}
	if (!list || !(feed = json_pack("{s:s, s:s, s:o}", "format", YH_FEED_FORMAT, "department",
	                                yh_store_department(store), "announcements", list)))
		return yh_error_set(YH_ENOMEM, "out of memory");
	if ((rc = yh_draw_store_announcements(store, add_announcement, list)) == YH_OK)
		rc = yh_signed_write(out, feed, key);
	json_decref(feed);
	return rc;
}

int yh_chain_read(yh_chain *c, const json_t *feed)
{
	json_t *list = json_object_get(feed, "announcements"), *ann;
	const char *dep = json_string_value(json_object_get(feed, "department"));
	size_t i;
	int rc;

	memset(c, 0, sizeof(*c));
	if (!json_is_string(json_object_get(feed, "format")) ||
	    strcmp(json_string_value(json_object_get(feed, "format")), YH_FEED_FORMAT) != 0)
		return yh_error_set(YH_EDATA, "format: not \"%s\"", YH_FEED_FORMAT);
	if (!dep || !json_is_array(list))
		return yh_error_set(YH_EDATA, "%s: missing", dep ? "announcements" : "department");
	if ((rc = yh_signed_check(feed, NULL)) < 0)
		return rc;
	yh_get_hex(c->public_key, 32, yh_json_path((json_t *)feed, "signer", "public_key"));
	if (!(c->department = strdup(dep)) ||
	    !(c->digests = calloc(json_array_size(list) + 1, 32)))
		return yh_error_set(YH_ENOMEM, "out of memory");
	json_array_foreach(list, i, ann) {
		yh_announcement a;
		const char *d = json_string_value(json_object_get(ann, "department"));

		if (yh_announcement_read(&a, ann) < 0)
			return yh_error_set(YH_EDATA, "announcements[%zu]: %s", i, yh_error_message());
		if (!d || strcmp(d, dep) != 0)
			return yh_error_set(YH_EDATA, "announcements[%zu]: of another department", i);
		if (a.chain_seq != i + 1)
			return yh_error_set(YH_EDATA, "announcements[%zu]: chain.seq is %llu, expected %zu: an "
			                    "announcement is missing or out of place", i,
			                    (unsigned long long)a.chain_seq, i + 1);
		if (i > 0 && memcmp(a.prev, c->digests[i - 1], 32) != 0)
			return yh_error_set(YH_EDATA, "announcements[%zu]: chain.prev is not the digest of "
			                    "announcement %zu: the chain is broken", i, i);
		memcpy(c->digests[i], a.digest, 32);
		c->n = i + 1;
	}
	return YH_OK;
}

int yh_chain_has(const yh_chain *c, uint64_t seq, const unsigned char digest[32])
{
	return seq >= 1 && seq <= c->n && memcmp(c->digests[seq - 1], digest, 32) == 0;
}

void yh_chain_clear(yh_chain *c)
{
	free(c->department);
	free(c->digests);
	memset(c, 0, sizeof(*c));
}
