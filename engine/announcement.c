/* announcement.c — reading a commit's announcement into typed fields (docs/spec.md §6). */
#include <stdlib.h>
#include <string.h>

#include "yaohao/jcs.h"
#include "announcement.h"
#include "digest.h"
#include "report.h"
#include "error.h"

static int get_hash(unsigned char out[32], json_t *ann, const char *a, const char *b)
{
	if (yh_get_hex(out, 32, yh_json_path(ann, a, b)) != 0)
		return yh_error_set(YH_EDATA, "%s%s%s: not 64 lower-case hex digits", a, b ? "." : "",
		                    b ? b : "");
	return YH_OK;
}

static int get_count(uint64_t *out, json_t *ann, const char *a, const char *b)
{
	json_t *v = yh_json_path(ann, a, b);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return yh_error_set(YH_EDATA, "%s%s%s: not a count", a, b ? "." : "", b ? b : "");
	*out = (uint64_t)json_integer_value(v);
	return YH_OK;
}

static int get_array(json_t **out, json_t *ann, const char *a, const char *b)
{
	if (!json_is_array(*out = yh_json_path(ann, a, b)))
		return yh_error_set(YH_EDATA, "%s%s%s: not a list", a, b ? "." : "", b ? b : "");
	return YH_OK;
}

int yh_announcement_read(yh_announcement *out, json_t *ann)
{
	char *text;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(ann))
		return yh_error_set(YH_EDATA, "the announcement is not a JSON object");
	out->task_id = json_string_value(json_object_get(ann, "task_id"));
	out->entropy_source = json_string_value(json_object_get(ann, "entropy_source"));
	if (!out->task_id || !out->entropy_source)
		return yh_error_set(YH_EDATA, "%s: missing", out->task_id ? "entropy_source" : "task_id");
	if ((rc = get_hash(out->task_digest, ann, "task_digest", NULL)) < 0 ||
	    (rc = get_hash(out->commitment, ann, "commitment", NULL)) < 0 ||
	    (rc = get_count(&out->freeze_seq, ann, "freeze_seq", NULL)) < 0 ||
	    (rc = get_count(&out->load_cap, ann, "load_cap", NULL)) < 0 ||
	    (rc = get_count(&out->chain_seq, ann, "chain", "seq")) < 0 ||
	    (rc = get_array(&out->earlier, ann, "earlier", NULL)) < 0 ||
	    (rc = get_count(&out->entities, ann, "entities", "count")) < 0 ||
	    (rc = get_count(&out->eligible_entities, ann, "entities", "eligible")) < 0 ||
	    (rc = get_hash(out->entity_root, ann, "entities", "root")) < 0 ||
	    (rc = get_array(&out->excluded, ann, "entities", "excluded")) < 0 ||
	    (rc = get_count(&out->officers, ann, "inspectors", "count")) < 0 ||
	    (rc = get_count(&out->eligible_officers, ann, "inspectors", "eligible")) < 0 ||
	    (rc = get_hash(out->officer_root, ann, "inspectors", "root")) < 0 ||
	    (rc = get_count(&out->conflicts, ann, "conflicts", "count")) < 0 ||
	    (rc = get_hash(out->conflict_root, ann, "conflicts", "root")) < 0 ||
	    (rc = get_array(&out->recent_pairs, ann, "recent_pairs", NULL)) < 0 ||
	    (rc = get_array(&out->strata, ann, "strata", NULL)) < 0)
		return rc;
	if (out->chain_seq < 1)
		return yh_error_set(YH_EDATA, "chain.seq: must be 1 or more");
	if (json_is_null(yh_json_path(ann, "chain", "prev")) != (out->chain_seq == 1))
		return yh_error_set(YH_EDATA, "chain.prev: must be null for the first announcement only");
	if (out->chain_seq > 1 && (rc = get_hash(out->prev, ann, "chain", "prev")) < 0)
		return rc;
	out->has_prev = out->chain_seq > 1;
	if (yh_jcs_dump(&text, ann) < 0)
		return yh_error_set(YH_ENOMEM, "out of memory");
	yh_digest_announcement(out->digest, text);
	free(text);
	return YH_OK;
}
