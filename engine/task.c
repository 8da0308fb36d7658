/* task.c — parsing, validating and normalising inspection tasks; the stratum and population
 * rules the draw reads from them.  Recording them is task_record.c's. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "yaohao/jcs.h"
#include "digest.h"
#include "civil.h"
#include "task.h"
#include "report.h"
#include "register.h"
#include "text.h"
#include "error.h"


static const char *const by_names[YH_BY_COUNT] = {
	"risk", "province", "city", "industry_section", "type"
};

static const char *const entity_statuses[] = {
	"active", "deregistered", "revoked", "cancelled", "moved_out", "suspended", "liquidating", NULL
};

typedef struct {
	const char *source;
	int failed;
} parser;

static int fail(parser *p, const char *path, const char *fmt, ...) YH_PRINTF(3, 4);

static int fail(parser *p, const char *path, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->failed = 1;
	return yh_error_set(YH_EDATA, "%s: %s: %s", p->source, path, msg);
}

int64_t yh_days_from_date(const char *d)
{
	return yh_civil_days(d);
}

/* Checks a text member against the one text rule (text.h): 0, or fails naming `path`. */
static int check_text(parser *p, const char *path, const char *s)
{
	char why[160];
	size_t len = strlen(s);
	int r;

	if (len > YH_TEXT_MAX)
		return fail(p, path, "is %zu bytes long, the limit is %d", len, YH_TEXT_MAX);
	if ((r = yh_text_check(s, len, why, sizeof(why))) == YH_TEXT_FORMAT)
		return fail(p, path, "%s", why);
	if (r != 0)
		return fail(p, path, "holds control characters or invalid UTF-8 (%s)", why);
	return YH_OK;
}

static int is_code(const char *s, size_t max)
{
	size_t i, n = strlen(s);

	if (n < 1 || n > max)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      c == '-' || c == '_' || c == '.'))
			return 0;
	}
	return 1;
}

static int check_keys(parser *p, json_t *obj, const char *path, const char *const *allowed)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		const char *const *a;

		for (a = allowed; *a; a++)
			if (strcmp(*a, key) == 0)
				break;
		if (!*a) {
			char full[256];

			snprintf(full, sizeof(full), "%s%s%s", path, *path ? "." : "", key);
			return fail(p, full, "unknown member");
		}
	}
	return YH_OK;
}

static int get_string(parser *p, const char **out, json_t *obj, const char *key,
                      const char *path, int required)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v) {
		if (required)
			return fail(p, path, "is required");
		return YH_OK;
	}
	if (!json_is_string(v))
		return fail(p, path, "must be a string");
	if (check_text(p, path, json_string_value(v)) < 0)
		return YH_EDATA;
	*out = json_string_value(v);
	return YH_OK;
}

static int get_int(parser *p, json_int_t *out, json_t *obj, const char *key, const char *path,
                   json_int_t lo, json_int_t hi, json_int_t dflt)
{
	json_t *v = json_object_get(obj, key);

	*out = dflt;
	if (!v || json_is_null(v))
		return YH_OK;
	if (json_is_real(v))
		return fail(p, path, "must be a whole number, not %g", json_real_value(v));
	if (!json_is_integer(v))
		return fail(p, path, "must be a whole number");
	if (json_integer_value(v) < lo || json_integer_value(v) > hi)
		return fail(p, path, "%lld is out of range (%lld to %lld)",
		            (long long)json_integer_value(v), (long long)lo, (long long)hi);
	*out = json_integer_value(v);
	return YH_OK;
}

typedef struct {
	const char *s;
	size_t i;
} indexed;

static int cmp_indexed(const void *a, const void *b)
{
	const indexed *x = a, *y = b;
	int c = strcmp(x->s, y->s);

	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* The index of the first of v[0..n) that repeats an earlier one, n when none does:
 * sorted by (text, index), a repeat is the second of a run; O(n log n). */
static int first_repeat(size_t *out, char *const *v, size_t n)
{
	indexed *a;
	size_t k;

	*out = n;
	if (n < 2)
		return YH_OK;
	if (!(a = malloc(n * sizeof(*a))))
		return yh_error_set(YH_ENOMEM, "out of memory");
	for (k = 0; k < n; k++) {
		a[k].s = v[k];
		a[k].i = k;
	}
	qsort(a, n, sizeof(*a), cmp_indexed);
	for (k = 1; k < n; k++)
		if (a[k].i < *out && strcmp(a[k].s, a[k - 1].s) == 0)
			*out = a[k].i;
	free(a);
	return YH_OK;
}

/* Reads an array of strings, each checked by `valid` (NULL: clean text).  The first fault
 * in list order is reported: a bad element, or one listed twice. */
static int get_strings(parser *p, yh_strings *out, json_t *obj, const char *key, const char *path,
                       int (*valid)(const char *), const char *what)
{
	json_t *v = json_object_get(obj, key), *e;
	size_t i, bad, repeat;
	char ep[256];
	int rc;

	out->v = NULL;
	out->n = 0;
	if (!v)
		return YH_OK;
	if (!json_is_array(v))
		return fail(p, path, "must be a list of strings");
	out->v = calloc(json_array_size(v) + 1, sizeof(char *));
	if (!out->v)
		return yh_error_set(YH_ENOMEM, "out of memory");
	json_array_foreach(v, i, e) {
		if (!json_is_string(e) || !*json_string_value(e))
			break;
		out->v[out->n++] = (char *)json_string_value(e);
	}
	bad = out->n;
	for (i = 0; i < out->n; i++) {
		char why[8];
		const char *s = out->v[i];

		if (strlen(s) > YH_TEXT_MAX || yh_text_check(s, strlen(s), why, sizeof(why)) != 0 ||
		    (valid && !valid(s))) {
			bad = i;
			break;
		}
	}
	if ((rc = first_repeat(&repeat, out->v, bad)) < 0)
		return rc;
	if (repeat < bad) {
		snprintf(ep, sizeof(ep), "%s[%zu]", path, repeat);
		return fail(p, ep, "\"%s\" is listed twice", out->v[repeat]);
	}
	if (bad == json_array_size(v))
		return YH_OK;
	snprintf(ep, sizeof(ep), "%s[%zu]", path, bad);
	if (bad == out->n)
		return fail(p, ep, "must be a non-empty string");
	if ((rc = check_text(p, ep, out->v[bad])) < 0)
		return rc;
	return fail(p, ep, "\"%s\" is not %s", out->v[bad], what);
}

static int valid_department(const char *s) { return yh_store_department_valid(s); }
static int valid_code(const char *s) { return is_code(s, 32); }
static int valid_risk(const char *s) { return strlen(s) == 1 && *s >= 'A' && *s <= 'D'; }
static int valid_status(const char *s)
{
	const char *const *a;

	for (a = entity_statuses; *a; a++)
		if (strcmp(*a, s) == 0)
			return 1;
	return 0;
}
static int valid_region_prefix(const char *s)
{
	size_t i, n = strlen(s);

	if (n < 2 || n > 6 || n % 2)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}
static int valid_industry_prefix(const char *s)
{
	size_t i, n = strlen(s);

	if (n < 1 || n > 5 || s[0] < 'A' || s[0] > 'T')
		return 0;
	for (i = 1; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static json_t *strings_json(const yh_strings *s)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < s->n; i++)
		json_array_append_new(a, json_string(s->v[i]));
	return a;
}

/* rates/counts/min/max: an object keyed by stratum (or "*"), or for min/max a plain number. */
static int get_stratum_map(parser *p, json_t **out, json_t *strata, const char *key, int rates)
{
	json_t *v = json_object_get(strata, key), *e;
	const char *k;
	char path[256];

	*out = json_object();
	if (!*out)
		return yh_error_set(YH_ENOMEM, "out of memory");
	if (!v)
		return YH_OK;
	snprintf(path, sizeof(path), "strata.%s", key);
	if (!rates && json_is_integer(v)) {
		json_object_set(*out, "*", v);
		v = *out;
	} else if (!json_is_object(v)) {
		return fail(p, path, rates ? "must be an object of rates by stratum"
		                           : "must be a number or an object of numbers by stratum");
	}
	json_object_foreach(v, k, e) {
		snprintf(path, sizeof(path), "strata.%s.%s", key, k);
		if (!*k)
			return fail(p, path, "stratum names must be clean, non-empty text");
		if (check_text(p, path, k) < 0)
			return YH_EDATA;
		if (rates) {
			yh_rate r;

			if (!json_is_string(e))
				return fail(p, path, "must be a string such as \"5%%\" (no floats)");
			if (yh_rate_parse(&r, json_string_value(e)) < 0)
				return fail(p, path, "%s", yh_error_message());
		} else {
			if (!json_is_integer(e) || json_integer_value(e) < 0 ||
			    (unsigned long long)json_integer_value(e) > YH_RATE_MAX_POPULATION)
				return fail(p, path, "must be a whole number from 0 to %llu",
				            (unsigned long long)YH_RATE_MAX_POPULATION);
		}
		if (v != *out)
			json_object_set(*out, k, e);
	}
	return YH_OK;
}

static const char *const top_keys[] = {
	"id", "title", "departments", "items", "draw_date", "population", "strata", "reserve_rate",
	"exclude_drawn_within_days", "team", "avoid_repeat_pair_within_days", "note", NULL
};
static const char *const population_keys[] = {
	"status", "regions", "industries", "types", "risk", "abnormal", NULL
};
static const char *const strata_keys[] = { "by", "rates", "counts", "min", "max", "rounding", NULL };
static const char *const team_keys[] = { "size", "per_department", "specialties", "load_cap", NULL };

/* Validates `in` into t (whose strings point into `in`) and builds the normalised document. */
/* The texts a task's normalised form needs besides what yh_task holds. */
typedef struct {
	const char *note, *rounding, *reserve;
	json_t *quota;               /* team.per_department, borrowed, or NULL */
} extras;

static int parse_head(parser *p, yh_task *t, json_t *in, extras *x)
{
	int rc;

	if (!json_is_object(in))
		return fail(p, "(document)", "must be a JSON object");
	if ((rc = check_keys(p, in, "", top_keys)) < 0)
		return rc;
	if ((rc = get_string(p, &t->id, in, "id", "id", 1)) < 0)
		return rc;
	if (!is_code(t->id, 64))
		return fail(p, "id", "\"%s\" is not a task id (1-64 letters, digits, '-', '_', '.')", t->id);
	if ((rc = get_string(p, &t->title, in, "title", "title", 1)) < 0 ||
	    (rc = get_string(p, &x->note, in, "note", "note", 0)) < 0 ||
	    (rc = get_string(p, &t->draw_date, in, "draw_date", "draw_date", 1)) < 0)
		return rc;
	if (!yh_text_is_date(t->draw_date, strlen(t->draw_date)))
		return fail(p, "draw_date", "\"%s\" is not a date YYYY-MM-DD", t->draw_date);
	t->draw_day = yh_days_from_date(t->draw_date);
	if ((rc = get_strings(p, &t->departments, in, "departments", "departments", valid_department,
	                      "a department code")) < 0 ||
	    (rc = get_strings(p, &t->items, in, "items", "items", valid_code, "an item code")) < 0)
		return rc;
	if (t->departments.n == 0)
		return fail(p, "departments", "at least one department is required");
	return YH_OK;
}

static int parse_population(parser *p, yh_task *t, json_t *in)
{
	json_t *pop = json_object_get(in, "population"), *v;
	int rc;

	if (pop && !json_is_object(pop))
		return fail(p, "population", "must be an object");
	if (!pop)
		pop = json_object();
	else
		json_incref(pop);
	rc = check_keys(p, pop, "population", population_keys);
	if (rc == YH_OK)
		rc = get_strings(p, &t->status, pop, "status", "population.status", valid_status,
		                 "a status (active, deregistered, revoked, cancelled, moved_out, "
		                 "suspended, liquidating)");
	if (rc == YH_OK)
		rc = get_strings(p, &t->regions, pop, "regions", "population.regions", valid_region_prefix,
		                 "a region prefix of 2, 4 or 6 digits");
	if (rc == YH_OK)
		rc = get_strings(p, &t->industries, pop, "industries", "population.industries",
		                 valid_industry_prefix, "an industry code prefix such as F or F52");
	if (rc == YH_OK)
		rc = get_strings(p, &t->types, pop, "types", "population.types", NULL, NULL);
	if (rc == YH_OK)
		rc = get_strings(p, &t->risks, pop, "risk", "population.risk", valid_risk, "A, B, C or D");
	t->abnormal = -1;
	v = json_object_get(pop, "abnormal");
	if (rc == YH_OK && v && !json_is_null(v)) {
		if (!json_is_boolean(v))
			rc = fail(p, "population.abnormal", "must be true, false or null");
		else
			t->abnormal = json_is_true(v);
	}
	json_decref(pop);
	if (rc < 0)
		return rc;
	if (t->status.n == 0) {
		static char *active[] = { "active", NULL };

		free(t->status.v);
		t->status.v = calloc(2, sizeof(char *));
		if (!t->status.v)
			return yh_error_set(YH_ENOMEM, "out of memory");
		t->status.v[0] = active[0];
		t->status.n = 1;
	}
	return YH_OK;
}

static int parse_by(parser *p, yh_task *t, json_t *by)
{
	json_t *v;
	size_t i;

	if (!json_is_array(by) || json_array_size(by) > YH_BY_COUNT)
		return fail(p, "strata.by", "must be a list of risk, province, city, industry_section, type");
	json_array_foreach(by, i, v) {
		char path[64];
		size_t k, j;

		snprintf(path, sizeof(path), "strata.by[%zu]", i);
		for (k = 0; k < YH_BY_COUNT; k++)
			if (json_is_string(v) && strcmp(json_string_value(v), by_names[k]) == 0)
				break;
		if (k == YH_BY_COUNT)
			return fail(p, path, "must be one of risk, province, city, industry_section, type");
		for (j = 0; j < t->nby; j++)
			if (t->by[j] == (yh_stratum_by)k)
				return fail(p, path, "\"%s\" is listed twice", by_names[k]);
		t->by[t->nby++] = (yh_stratum_by)k;
	}
	return YH_OK;
}

/* strata, reserve_rate and the two windows */
static int parse_strata(parser *p, yh_task *t, json_t *in, extras *x)
{
	json_t *strata = json_object_get(in, "strata");
	json_int_t days, ex_days;
	const char *s;
	int rc;

	if (!strata || !json_is_object(strata))
		return fail(p, "strata", strata ? "must be an object" : "is required (at least \"rates\")");
	if ((rc = check_keys(p, strata, "strata", strata_keys)) < 0)
		return rc;
	if (json_object_get(strata, "by") && (rc = parse_by(p, t, json_object_get(strata, "by"))) < 0)
		return rc;
	if ((rc = get_stratum_map(p, &t->rates, strata, "rates", 1)) < 0 ||
	    (rc = get_stratum_map(p, &t->counts, strata, "counts", 0)) < 0 ||
	    (rc = get_stratum_map(p, &t->mins, strata, "min", 0)) < 0 ||
	    (rc = get_stratum_map(p, &t->maxs, strata, "max", 0)) < 0)
		return rc;
	if (json_object_size(t->rates) == 0 && json_object_size(t->counts) == 0)
		return fail(p, "strata", "needs \"rates\" or \"counts\"");
	if ((rc = get_string(p, &s, strata, "rounding", "strata.rounding", 0)) < 0)
		return rc;
	if (s) {
		x->rounding = s;
		if (yh_rounding_parse(&t->rounding, s) < 0)
			return fail(p, "strata.rounding", "%s", yh_error_message());
	}
	if ((rc = get_string(p, &s, in, "reserve_rate", "reserve_rate", 0)) < 0)
		return rc;
	if (s)
		x->reserve = s;
	if (yh_rate_parse(&t->reserve_rate, x->reserve) < 0)
		return fail(p, "reserve_rate", "%s", yh_error_message());
	if ((rc = get_int(p, &ex_days, in, "exclude_drawn_within_days", "exclude_drawn_within_days",
	                  0, 36600, 0)) < 0 ||
	    (rc = get_int(p, &days, in, "avoid_repeat_pair_within_days",
	                  "avoid_repeat_pair_within_days", 0, 36600, 0)) < 0)
		return rc;
	t->exclude_days = ex_days;
	t->pair_days = days;
	return YH_OK;
}

static int parse_quota(parser *p, yh_task *t, json_t *quota)
{
	const char *dep;
	unsigned sum = 0;
	json_t *v;

	if (!json_is_object(quota))
		return fail(p, "team.per_department", "must be an object of counts by department");
	t->quota_departments.v = calloc(json_object_size(quota) + 1, sizeof(char *));
	t->quota_counts = calloc(json_object_size(quota) + 1, sizeof(unsigned));
	if (!t->quota_departments.v || !t->quota_counts)
		return yh_error_set(YH_ENOMEM, "out of memory");
	json_object_foreach(quota, dep, v) {
		char path[128];
		size_t k;

		snprintf(path, sizeof(path), "team.per_department.%s", dep);
		for (k = 0; k < t->departments.n; k++)
			if (strcmp(t->departments.v[k], dep) == 0)
				break;
		if (k == t->departments.n)
			return fail(p, path, "is not one of the task's departments");
		if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 20)
			return fail(p, path, "must be a whole number from 1 to 20");
		t->quota_departments.v[t->quota_departments.n] = (char *)dep;
		t->quota_counts[t->quota_departments.n++] = (unsigned)json_integer_value(v);
		sum += (unsigned)json_integer_value(v);
	}
	if (sum != t->team_size)
		return fail(p, "team.per_department", "counts add up to %u, team.size is %u: every "
		            "seat must belong to a department", sum, t->team_size);
	return YH_OK;
}

static int parse_team(parser *p, yh_task *t, json_t *in, extras *x)
{
	json_t *team = json_object_get(in, "team");
	json_int_t size, cap;
	int rc;

	if (!team || !json_is_object(team))
		return fail(p, "team", team ? "must be an object" : "is required (at least \"size\")");
	if ((rc = check_keys(p, team, "team", team_keys)) < 0)
		return rc;
	if (!json_object_get(team, "size"))
		return fail(p, "team.size", "is required");
	if ((rc = get_int(p, &size, team, "size", "team.size", -1000, 1000, 2)) < 0)
		return rc;
	if (size < 2)
		return fail(p, "team.size", "%lld is under 2: enforcement needs at least two certified "
		            "officers (行政处罚法 art. 42)", (long long)size);
	if (size > 20)
		return fail(p, "team.size", "%lld is over 20", (long long)size);
	t->team_size = (unsigned)size;
	if ((rc = get_int(p, &cap, team, "load_cap", "team.load_cap", 1, 1000000, 0)) < 0)
		return rc;
	t->load_cap = (uint64_t)cap;
	if ((rc = get_strings(p, &t->specialties, team, "specialties", "team.specialties", NULL, NULL)) < 0)
		return rc;
	x->quota = json_object_get(team, "per_department");
	t->quota_departments.v = NULL;
	t->quota_departments.n = 0;
	if (x->quota && json_is_object(x->quota) && json_object_size(x->quota) == 0)
		x->quota = NULL; /* the normalised form writes "no quotas" as {} */
	return x->quota ? parse_quota(p, t, x->quota) : YH_OK;
}

/* The normalised document: every default written out. */
static json_t *normalise(const yh_task *t, const extras *x)
{
	json_t *npop, *by, *nstrata, *nteam, *norm;
	size_t i;

	npop = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}",
	                 "status", strings_json(&t->status), "regions", strings_json(&t->regions),
	                 "industries", strings_json(&t->industries), "types", strings_json(&t->types),
	                 "risk", strings_json(&t->risks),
	                 "abnormal", t->abnormal < 0 ? json_null() : json_boolean(t->abnormal));
	by = json_array();
	for (i = 0; by && i < t->nby; i++)
		json_array_append_new(by, json_string(by_names[t->by[i]]));
	nstrata = json_pack("{s:o, s:O, s:O, s:O, s:O, s:s}", "by", by, "rates", t->rates,
	                    "counts", t->counts, "min", t->mins, "max", t->maxs, "rounding", x->rounding);
	nteam = json_pack("{s:i, s:o, s:o, s:o}", "size", (int)t->team_size,
	                  "per_department", x->quota ? json_incref(x->quota) : json_object(),
	                  "specialties", strings_json(&t->specialties),
	                  "load_cap", t->load_cap ? json_integer((json_int_t)t->load_cap) : json_null());
	norm = json_pack("{s:s, s:s, s:o, s:o, s:s, s:o, s:o, s:s, s:I, s:o, s:I}",
	                 "id", t->id, "title", t->title,
	                 "departments", strings_json(&t->departments), "items", strings_json(&t->items),
	                 "draw_date", t->draw_date, "population", npop, "strata", nstrata,
	                 "reserve_rate", x->reserve, "exclude_drawn_within_days", (json_int_t)t->exclude_days,
	                 "team", nteam, "avoid_repeat_pair_within_days", (json_int_t)t->pair_days);
	if (norm && x->note)
		json_object_set_new(norm, "note", json_string(x->note));
	return norm;
}

static int parse_doc(parser *p, yh_task *t, json_t *in, json_t **normalised)
{
	extras x = { NULL, "ceil", "0", NULL };
	int rc;

	if ((rc = parse_head(p, t, in, &x)) < 0 || (rc = parse_population(p, t, in)) < 0 ||
	    (rc = parse_strata(p, t, in, &x)) < 0 || (rc = parse_team(p, t, in, &x)) < 0)
		return rc;
	if (!(*normalised = normalise(t, &x)))
		return yh_error_set(YH_ENOMEM, "out of memory normalising the task");
	return YH_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted copy a long list is looked up in (short ones are scanned). */
#define SCAN_MAX 8
static int sort_list(yh_strings *l)
{
	if (l->n <= SCAN_MAX)
		return YH_OK;
	if (!(l->sorted = malloc(l->n * sizeof(char *))))
		return yh_error_set(YH_ENOMEM, "out of memory");
	memcpy(l->sorted, l->v, l->n * sizeof(char *));
	qsort(l->sorted, l->n, sizeof(char *), cmp_str);
	return YH_OK;
}

static void free_parsed(yh_task *t)
{
	yh_strings *lists[] = { &t->departments, &t->status, &t->regions, &t->industries,
	                        &t->types, &t->risks };
	size_t i;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		free(lists[i]->sorted);
	free(t->departments.v);
	free(t->items.v);
	free(t->status.v);
	free(t->regions.v);
	free(t->industries.v);
	free(t->types.v);
	free(t->risks.v);
	free(t->specialties.v);
	free(t->quota_departments.v);
	free(t->quota_counts);
	json_decref(t->rates);
	json_decref(t->counts);
	json_decref(t->mins);
	json_decref(t->maxs);
	memset(t, 0, sizeof(*t));
}

void yh_task_free(yh_task *t)
{
	json_t *doc;

	if (!t)
		return;
	doc = t->doc;
	free(t->canonical);
	free_parsed(t);
	json_decref(doc);
	free(t);
}

int yh_task_parse(yh_task **out, const char *text, size_t len, const char *source)
{
	parser p = { source, 0 };
	yh_task *t = calloc(1, sizeof(*t));
	json_t *in = NULL, *norm = NULL, *again = NULL;
	json_error_t jerr;
	int rc;

	*out = NULL;
	if (!t)
		return yh_error_set(YH_ENOMEM, "out of memory");
	in = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!in) {
		rc = yh_error_set(YH_EDATA, "%s:%d:%d: %s", source, jerr.line, jerr.column, jerr.text);
		goto done;
	}
	/* first pass validates the input; the task then lives on the normalised copy */
	if ((rc = parse_doc(&p, t, in, &norm)) < 0)
		goto done;
	free_parsed(t);
	if ((rc = parse_doc(&p, t, norm, &again)) < 0 || (rc = sort_list(&t->departments)) < 0 ||
	    (rc = sort_list(&t->status)) < 0 || (rc = sort_list(&t->regions)) < 0 ||
	    (rc = sort_list(&t->industries)) < 0 || (rc = sort_list(&t->types)) < 0 ||
	    (rc = sort_list(&t->risks)) < 0)
		goto done;
	t->doc = norm;
	norm = NULL;
	if ((rc = yh_jcs_dump(&t->canonical, t->doc)) < 0)
		goto done;
	yh_digest_task(t->digest, t->canonical);
	*out = t;
	t = NULL;
done:
	json_decref(in);
	json_decref(norm);
	json_decref(again);
	yh_task_free(t);
	return rc;
}

int yh_task_load_file(yh_task **out, const char *path)
{
	char *buf = NULL;
	size_t len;
	int rc;

	*out = NULL;
	if ((rc = yh_read_file(&buf, &len, path, 1u << 24)) < 0)
		return rc;
	rc = yh_task_parse(out, buf, len, path);
	free(buf);
	return rc;
}

const char *yh_task_id(const yh_task *t) { return t->id; }
const char *yh_task_title(const yh_task *t) { return t->title; }
const char *yh_task_draw_date(const yh_task *t) { return t->draw_date; }
const char *yh_task_canonical(const yh_task *t) { return t->canonical; }
void yh_task_digest(unsigned char out[32], const yh_task *t) { memcpy(out, t->digest, 32); }

/* 1 if s is in the list (prefix_of: if an element is a prefix of s; elements are at most
 * PREFIX_MAX bytes then, region and industry prefixes). */
#define PREFIX_MAX 6
static int list_has(const yh_strings *l, const char *s, size_t prefix_of)
{
	char head[PREFIX_MAX + 1];
	const char *key = head;
	size_t i, len;

	if (!l->sorted) {
		for (i = 0; i < l->n; i++) {
			size_t n = strlen(l->v[i]);

			if (prefix_of ? strncmp(l->v[i], s, n) == 0 : strcmp(l->v[i], s) == 0)
				return 1;
		}
		return 0;
	}
	if (!prefix_of)
		return bsearch(&s, l->sorted, l->n, sizeof(char *), cmp_str) != NULL;
	len = strlen(s);
	for (i = 1; i <= len && i <= PREFIX_MAX; i++) {
		memcpy(head, s, i);
		head[i] = '\0';
		if (bsearch(&key, l->sorted, l->n, sizeof(char *), cmp_str))
			return 1;
	}
	return 0;
}

int yh_task_has_department(const yh_task *t, const char *department)
{
	return list_has(&t->departments, department, 0);
}

int yh_task_population_match(const yh_task *t, const char *const *e)
{
	if (!list_has(&t->status, e[YH_E_STATUS], 0))
		return 0;
	if (t->regions.n && !list_has(&t->regions, e[YH_E_REGION], 1))
		return 0;
	if (t->industries.n && !list_has(&t->industries, e[YH_E_INDUSTRY], 1))
		return 0;
	if (t->types.n && !list_has(&t->types, e[YH_E_TYPE], 0))
		return 0;
	if (t->risks.n && !list_has(&t->risks, e[YH_E_RISK], 0))
		return 0;
	if (t->abnormal >= 0 && (e[YH_E_ABNORMAL][0] == '1') != t->abnormal)
		return 0;
	return 1;
}

/* Appends n bytes, escaping what would make keys ambiguous (docs/spec.md §5). */
static size_t key_append(char *buf, size_t off, size_t size, const char *v, size_t n)
{
	size_t k;

	if (n == 0) {
		if (off + 1 < size)
			buf[off] = '-';
		return off + 1;
	}
	if (!memchr(v, '%', n) && !memchr(v, '/', n) && !(n == 1 && v[0] == '-')) {
		if (off + n < size)
			memcpy(buf + off, v, n);
		return off + n;
	}
	for (k = 0; k < n; k++) {
		const char *esc = v[k] == '%' ? "%25" : v[k] == '/' ? "%2F" : (v[k] == '-' && n == 1) ? "%2D" : NULL;
		size_t len = esc ? 3 : 1;

		if (off + len < size)
			memcpy(buf + off, esc ? esc : v + k, len);
		off += len;
	}
	return off;
}

int yh_task_stratum_key(char *buf, size_t size, const yh_task *t, const char *const *e)
{
	size_t i, off = 0;

	if (t->nby == 0) {
		snprintf(buf, size, "all");
		return YH_OK;
	}
	for (i = 0; i < t->nby; i++) {
		const char *v = "";
		size_t n = 0;

		switch (t->by[i]) {
		case YH_BY_RISK: v = e[YH_E_RISK]; n = strlen(v); break;
		case YH_BY_PROVINCE: v = e[YH_E_REGION]; n = strlen(v) < 2 ? strlen(v) : 2; break;
		case YH_BY_CITY: v = e[YH_E_REGION]; n = strlen(v) < 4 ? strlen(v) : 4; break;
		case YH_BY_INDUSTRY_SECTION: v = e[YH_E_INDUSTRY]; n = *v ? 1 : 0; break;
		case YH_BY_TYPE: v = e[YH_E_TYPE]; n = strlen(v); break;
		default: break;
		}
		if (i) {
			if (off + 1 < size)
				buf[off] = '/';
			off++;
		}
		off = key_append(buf, off, size, v, n);
	}
	if (off >= size)
		return yh_error_set(YH_EDATA, "entity '%s': its stratum key is longer than %zu bytes",
		                    e[0], size - 1);
	buf[off] = '\0';
	return YH_OK;
}

static json_t *rule_for(json_t *map, const char *key)
{
	json_t *v = json_object_get(map, key);

	return v ? v : json_object_get(map, "*");
}

/* The rule that sizes a stratum: a count or a rate named for it, else a
 * count under "*", else a rate under "*".  *is_count tells which. */
static json_t *size_rule(const yh_task *t, const char *key, int *is_count)
{
	json_t *v;

	if ((v = json_object_get(t->counts, key)) && (*is_count = 1))
		return v;
	if ((v = json_object_get(t->rates, key)) && !(*is_count = 0))
		return v;
	if ((v = json_object_get(t->counts, "*")) && (*is_count = 1))
		return v;
	*is_count = 0;
	return json_object_get(t->rates, "*");
}

const char *yh_task_stratum_rate(const yh_task *t, const char *key)
{
	int is_count;
	json_t *r = size_rule(t, key, &is_count);

	return r && !is_count ? json_string_value(r) : "";
}

int yh_task_stratum_size(uint64_t *k, uint64_t *reserves, const yh_task *t, const char *key,
                         uint64_t n)
{
	int is_count;
	json_t *rule = size_rule(t, key, &is_count),
	       *min = rule_for(t->mins, key), *max = rule_for(t->maxs, key);
	uint64_t base;
	yh_rate r;

	*k = *reserves = 0;
	if (n > YH_RATE_MAX_POPULATION)
		return yh_error_set(YH_EDATA, "stratum '%s' has %llu entities, over the limit of %llu",
		                    key, (unsigned long long)n, (unsigned long long)YH_RATE_MAX_POPULATION);
	if (rule && is_count) {
		base = (uint64_t)json_integer_value(rule);
	} else if (rule) {
		int rc = yh_rate_parse(&r, json_string_value(rule)); /* checked at parse, cannot fail */

		if (rc != YH_OK)
			return rc;
		base = yh_rate_apply(r, n, t->rounding);
	} else {
		return yh_error_set(YH_EDATA, "task '%s': no rate or count for stratum '%s' (add it to "
		                    "strata.rates, or give a default under \"*\")", t->id, key);
	}
	if (min && base < (uint64_t)json_integer_value(min))
		base = (uint64_t)json_integer_value(min);
	if (max && base > (uint64_t)json_integer_value(max))
		base = (uint64_t)json_integer_value(max);
	if (base > n)
		base = n;
	*k = base;
	*reserves = yh_rate_apply(t->reserve_rate, base, t->rounding);
	if (*reserves > n - base)
		*reserves = n - base;
	return YH_OK;
}
