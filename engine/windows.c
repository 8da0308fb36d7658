/* windows.c — the earlier draws, exclusions and recent pairs a commit fixes (docs/spec.md §4). */
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "report.h"
#include "task.h"
#include "windows.h"
#include "error.h"

int yh_past_draw_read(yh_past_draw *out, json_t *tr, const char *canonical)
{
	unsigned char sha[32];

	memset(out, 0, sizeof(*out));
	out->task_id = json_string_value(json_object_get(tr, "task_id"));
	out->draw_date = json_string_value(yh_json_path(tr, "task", "draw_date"));
	out->selected = json_object_get(tr, "selected");
	if (!out->task_id || !out->draw_date || strlen(out->draw_date) != 10 ||
	    !json_is_array(out->selected))
		return yh_error_set(YH_EDATA, "an earlier transcript lacks its task, date or selection");
	yh_digest_transcript(sha, canonical, strlen(canonical));
	yh_hex(out->transcript_sha256, sha, 32);
	return YH_OK;
}

typedef struct {
	const char *entity, *inspector, *task;
} pair;

static int cmp_text(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int cmp_pair(const void *x, const void *y)
{
	const pair *p = x, *q = y;
	int c = strcmp(p->entity, q->entity);

	if (c == 0)
		c = strcmp(p->inspector, q->inspector);
	return c ? c : strcmp(p->task, q->task); /* as the reasons "recent:" || task_id */
}

static int cmp_draw(const void *x, const void *y)
{
	return strcmp((*(const yh_past_draw *const *)x)->task_id, (*(const yh_past_draw *const *)y)->task_id);
}

/* Grows *v to hold n more items of size sz. */
static int grow(void **v, size_t *cap, size_t used, size_t more, size_t sz)
{
	void *p;

	if (used + more <= *cap)
		return YH_OK;
	*cap = (used + more) * 2;
	if (!(p = realloc(*v, *cap * sz)))
		return yh_error_set(YH_ENOMEM, "out of memory");
	*v = p;
	return YH_OK;
}

/* Collects the selected ids (exclusion window) and team pairs (pair window) of one draw. */
static int collect(const yh_past_draw *d, int in_x, int in_p, const char ***ids, size_t *nids,
                   size_t *capids, pair **pairs, size_t *npairs, size_t *cappairs)
{
	json_t *s, *m;
	size_t j, k;
	int rc;

	if (in_x && (rc = grow((void **)ids, capids, *nids, json_array_size(d->selected), sizeof(**ids))) < 0)
		return rc;
	json_array_foreach(d->selected, j, s) {
		const char *id = json_string_value(json_object_get(s, "id"));

		if (!id)
			continue;
		if (in_x)
			(*ids)[(*nids)++] = id;
		if (!in_p)
			continue;
		if ((rc = grow((void **)pairs, cappairs, *npairs, json_array_size(json_object_get(s, "team")),
		               sizeof(**pairs))) < 0)
			return rc;
		json_array_foreach(json_object_get(s, "team"), k, m) {
			if (!json_is_string(json_object_get(m, "id")))
				continue;
			(*pairs)[*npairs].entity = id;
			(*pairs)[*npairs].inspector = json_string_value(json_object_get(m, "id"));
			(*pairs)[(*npairs)++].task = d->task_id;
		}
	}
	return YH_OK;
}

int yh_windows_compute(json_t **earlier, json_t **excluded, json_t **recent, const char *draw_date,
                       int64_t xw, int64_t pw, const yh_past_draw *draws, size_t n)
{
	const yh_past_draw **in = calloc(n + 1, sizeof(*in));
	const char **ids = NULL;
	pair *pairs = NULL;
	size_t nin = 0, nids = 0, capids = 0, npairs = 0, cappairs = 0, i;
	int64_t day = yh_days_from_date(draw_date), wide = xw > pw ? xw : pw;
	int rc = YH_OK;

	*earlier = json_array();
	*excluded = json_array();
	*recent = json_array();
	if (!in || !*earlier || !*excluded || !*recent) {
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++) {
		int64_t age = day - yh_days_from_date(draws[i].draw_date);

		if (wide <= 0 || age < 0 || age > wide)
			continue;
		in[nin++] = &draws[i];
		if ((rc = collect(&draws[i], xw > 0 && age <= xw, pw > 0 && age <= pw, &ids, &nids, &capids,
		                  &pairs, &npairs, &cappairs)) < 0)
			goto done;
	}
	if (nin)
		qsort(in, nin, sizeof(*in), cmp_draw);
	for (i = 0; i < nin; i++)
		json_array_append_new(*earlier, json_pack("{s:s, s:s, s:s}", "task_id", in[i]->task_id,
		                      "draw_date", in[i]->draw_date,
		                      "transcript_sha256", in[i]->transcript_sha256));
	if (nids)
		qsort(ids, nids, sizeof(*ids), cmp_text);
	for (i = 0; i < nids; i++)
		if (i == 0 || strcmp(ids[i - 1], ids[i]) != 0)
			json_array_append_new(*excluded, json_string(ids[i]));
	if (npairs)
		qsort(pairs, npairs, sizeof(*pairs), cmp_pair);
	for (i = 0; i < npairs; i++)
		json_array_append_new(*recent, json_pack("{s:s, s:s, s:s}", "entity_id", pairs[i].entity,
		                                         "inspector_id", pairs[i].inspector,
		                                         "task_id", pairs[i].task));
done:
	free(in);
	free(ids);
	free(pairs);
	return rc;
}
