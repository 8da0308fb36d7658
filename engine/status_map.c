/* status_map.c — the store's local status words, kept as "config" ledger entries and replayed
 * from them: adding and removing a word, listing the map, checking an entry (the audit). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "yaohao/ledger.h"
#include "status_map.h"
#include "store/store.h"
#include "text.h"
#include "error.h"

#define SETTING "status_map"

typedef struct {
	yh_register_kind kind;
	char *word;            /* as given */
	char *key;             /* as compared (yh_rule_status_key) */
	const char *cls;       /* one of yh_status_classes(kind) */
	uint64_t seq;          /* the entry that added it */
} word_entry;

struct yh_status_map {
	word_entry *v;
	size_t n, cap;
};

static const char *const entity_classes[] = {
	"active", "deregistered", "revoked", "cancelled", "moved_out", "suspended", "liquidating", NULL
};
static const char *const inspector_classes[] = { "active", "on_leave", "suspended", "left", NULL };

const char *const *yh_status_classes(yh_register_kind kind)
{
	return kind == YH_REGISTER_ENTITIES ? entity_classes :
	       kind == YH_REGISTER_INSPECTORS ? inspector_classes : NULL;
}

int yh_status_map_new(yh_status_map **out)
{
	if (!(*out = calloc(1, sizeof(**out))))
		return yh_error_set(YH_ENOMEM, "out of memory");
	return YH_OK;
}

void yh_status_map_free(yh_status_map *map)
{
	size_t i;

	if (!map)
		return;
	for (i = 0; i < map->n; i++) {
		free(map->v[i].word);
		free(map->v[i].key);
	}
	free(map->v);
	free(map);
}

static word_entry *find(const yh_status_map *map, yh_register_kind kind, const char *key)
{
	size_t i;

	for (i = 0; map && i < map->n; i++)
		if (map->v[i].kind == kind && strcmp(map->v[i].key, key) == 0)
			return &map->v[i];
	return NULL;
}

const char *yh_status_map_lookup(const yh_status_map *map, yh_register_kind kind, const char *key)
{
	const word_entry *w = find(map, kind, key);

	return w ? w->cls : NULL;
}

static const char *class_of(yh_register_kind kind, const char *name)
{
	const char *const *c = yh_status_classes(kind);

	for (; c && *c; c++)
		if (strcmp(*c, name) == 0)
			return *c;
	return NULL;
}

/* The classes of a register, joined for a message. */
static const char *classes_text(yh_register_kind kind, char *buf, size_t size)
{
	const char *const *c = yh_status_classes(kind);
	size_t n = 0;

	buf[0] = '\0';
	for (; c && *c; c++)
		n += (size_t)snprintf(buf + (n < size ? n : size), n < size ? size - n : 0, "%s%s",
		                      n ? ", " : "", *c);
	return buf;
}

/* Checks a word; its compared form into key. */
static int check_word(const char *word, char *key, size_t keysize, char *why, size_t whysize)
{
	const char *s = word;
	size_t len = strlen(word), trimmed = len;
	char reason[160];

	yh_text_trim(&s, &trimmed);
	if (len == 0 || trimmed == 0) {
		snprintf(why, whysize, "the word is empty");
		return YH_EINVAL;
	}
	if (len > YH_STATUS_WORD_MAX) {
		snprintf(why, whysize, "the word is %zu bytes long, the limit is %d", len, YH_STATUS_WORD_MAX);
		return YH_EINVAL;
	}
	if (yh_text_check(word, len, reason, sizeof(reason)) != 0) {
		snprintf(why, whysize, "the word: %s", reason);
		return YH_EINVAL;
	}
	if (trimmed != len) {
		snprintf(why, whysize, "the word '%s' begins or ends with spaces", word);
		return YH_EINVAL;
	}
	if (yh_rule_status_key(key, keysize, word, len) == 0) {
		snprintf(why, whysize, "the word '%s' is too long", word);
		return YH_EINVAL;
	}
	return YH_OK;
}

static int add_word(yh_status_map *map, yh_register_kind kind, const char *word, const char *key,
                    const char *cls, uint64_t seq)
{
	word_entry *w;

	if (map->n == map->cap) {
		size_t cap = map->cap ? map->cap * 2 : 8;
		word_entry *v = realloc(map->v, cap * sizeof(*v));

		if (!v)
			return yh_error_set(YH_ENOMEM, "out of memory");
		map->v = v;
		map->cap = cap;
	}
	w = &map->v[map->n];
	w->kind = kind;
	w->cls = cls;
	w->seq = seq;
	w->word = strdup(word);
	w->key = strdup(key);
	if (!w->word || !w->key) {
		free(w->word);
		free(w->key);
		return yh_error_set(YH_ENOMEM, "out of memory");
	}
	map->n++;
	return YH_OK;
}

int yh_status_map_apply(yh_status_map *map, uint64_t seq, const char *payload, char *why,
                        size_t whysize)
{
	static const char *const members[] = { "setting", "action", "register", "word", "class", "time",
	                                       NULL };
	char key[YH_STATUS_WORD_MAX * 2 + 8], list[128];
	const char *setting, *action, *reg, *word, *cls_name, *name, *builtin;
	yh_register_kind kind;
	json_error_t jerr;
	json_t *p, *v;
	word_entry *w;
	int rc = YH_EINVAL, add;

	if (!(p = json_loads(payload, JSON_REJECT_DUPLICATES, &jerr)) || !json_is_object(p)) {
		snprintf(why, whysize, "the payload is not a JSON object");
		goto done;
	}
	json_object_foreach(p, name, v) {
		const char *const *m;

		for (m = members; *m && strcmp(*m, name) != 0; m++)
			;
		if (!*m) {
			snprintf(why, whysize, "unknown member '%s'", name);
			goto done;
		}
	}
	setting = json_string_value(json_object_get(p, "setting"));
	action = json_string_value(json_object_get(p, "action"));
	reg = json_string_value(json_object_get(p, "register"));
	word = json_string_value(json_object_get(p, "word"));
	cls_name = json_string_value(json_object_get(p, "class"));
	if (!setting || strcmp(setting, SETTING) != 0) {
		snprintf(why, whysize, "the setting is not \"" SETTING "\"");
		goto done;
	}
	if (!action || (strcmp(action, "add") != 0 && strcmp(action, "remove") != 0)) {
		snprintf(why, whysize, "the action is neither \"add\" nor \"remove\"");
		goto done;
	}
	add = strcmp(action, "add") == 0;
	if (!reg || yh_register_lookup(&kind, reg) < 0 || !yh_status_classes(kind) ||
	    strcmp(reg, yh_register_name(kind)) != 0) {
		snprintf(why, whysize, "the register is not entities or inspectors");
		goto done;
	}
	if (!word) {
		snprintf(why, whysize, "the word is missing");
		goto done;
	}
	if ((rc = check_word(word, key, sizeof(key), why, whysize)) < 0)
		goto done;
	rc = YH_EINVAL;
	if (add != (json_object_get(p, "class") != NULL) || (add && !class_of(kind, cls_name ? cls_name : ""))) {
		if (add)
			snprintf(why, whysize, "'%s' is not a status of %s (use %s)", cls_name ? cls_name : "?",
			         reg, classes_text(kind, list, sizeof(list)));
		else
			snprintf(why, whysize, "a removal names no class");
		goto done;
	}
	w = find(map, kind, key);
	if (add && yh_rule_status_builtin(kind, key, &builtin)) {
		rc = YH_EEXIST;
		snprintf(why, whysize, "'%s' is a built-in word of %s (%s)", word, reg, builtin);
	} else if (add && w) {
		rc = YH_EEXIST;
		snprintf(why, whysize, "'%s' is in the status map of %s already (%s, entry %llu)", word, reg,
		         w->cls, (unsigned long long)w->seq);
	} else if (add) {
		rc = add_word(map, kind, word, key, class_of(kind, cls_name), seq);
		if (rc < 0)
			snprintf(why, whysize, "%s", yh_error_message());
	} else if (!w) {
		rc = YH_ENOTFOUND;
		snprintf(why, whysize, "'%s' is not in the status map of %s", word, reg);
	} else {
		free(w->word);
		free(w->key);
		memmove(w, w + 1, (size_t)(map->v + map->n - (w + 1)) * sizeof(*w));
		map->n--;
		rc = YH_OK;
	}
done:
	json_decref(p);
	return rc;
}

typedef struct {
	yh_status_map *map;
	uint64_t as_of;
	int rc;
} loader;

static int load_entry(void *ctx, const yh_ledger_entry *e)
{
	loader *l = ctx;
	char why[256];

	if (l->as_of && e->seq > l->as_of)
		return 1;
	if (strcmp(e->kind, "config") != 0)
		return 0;
	if (yh_status_map_apply(l->map, e->seq, e->payload, why, sizeof(why)) < 0) {
		l->rc = yh_error_set(YH_ESTORE, "ledger entry %llu (config) does not apply: %s",
		                     (unsigned long long)e->seq, why);
		return 1;
	}
	return 0;
}

int yh_status_map_load(yh_status_map **out, yh_store *store, uint64_t as_of)
{
	loader l = { NULL, as_of, YH_OK };
	int rc;

	*out = NULL;
	if ((rc = yh_status_map_new(&l.map)) < 0)
		return rc;
	rc = yh_ledger_foreach(store, 1, load_entry, &l);
	if (rc < 0 || l.rc < 0) {
		yh_status_map_free(l.map);
		return rc < 0 ? rc : l.rc;
	}
	*out = l.map;
	return YH_OK;
}

/* One change of the map: checked against the map as of now, then appended, in one
 * transaction. */
static int change(uint64_t *seq, yh_store *store, yh_register_kind kind, const char *word,
                  const char *cls)
{
	yh_status_map *map = NULL;
	json_t *payload = NULL;
	char *text = NULL, why[256];
	int rc;

	*seq = 0;
	if (!yh_status_classes(kind))
		return yh_error_set(YH_EINVAL, "the %s register has no status column", yh_register_name(kind));
	if (!word)
		return yh_error_set(YH_EINVAL, "no word given");
	payload = cls ? json_pack("{s:s, s:s, s:s, s:s, s:s}", "setting", SETTING, "action", "add",
	                          "register", yh_register_name(kind), "word", word, "class", cls)
	              : json_pack("{s:s, s:s, s:s, s:s}", "setting", SETTING, "action", "remove",
	                          "register", yh_register_name(kind), "word", word);
	if (!payload || !(text = json_dumps(payload, JSON_COMPACT))) {
		json_decref(payload);
		return yh_error_set(YH_ENOMEM, "out of memory");
	}
	if ((rc = yh_store_begin(store)) < 0)
		goto done;
	if ((rc = yh_status_map_load(&map, store, 0)) < 0 || (rc = yh_ledger_next_seq(seq, store)) < 0)
		goto done;
	if ((rc = yh_status_map_apply(map, *seq, text, why, sizeof(why))) < 0) {
		rc = yh_error_set(rc, "%s", why);
		goto done;
	}
	rc = yh_ledger_append(store, *seq, "config", payload);
	payload = NULL;
	if (rc == YH_OK)
		rc = yh_store_commit(store);
done:
	if (rc < 0) {
		yh_store_rollback(store);
		*seq = 0;
	}
	json_decref(payload);
	free(text);
	yh_status_map_free(map);
	return rc;
}

int yh_status_map_add(uint64_t *seq, yh_store *store, yh_register_kind kind, const char *word,
                      const char *status_class)
{
	if (!status_class) {
		*seq = 0;
		return yh_error_set(YH_EINVAL, "no status class given");
	}
	return change(seq, store, kind, word, status_class);
}

int yh_status_map_remove(uint64_t *seq, yh_store *store, yh_register_kind kind, const char *word)
{
	return change(seq, store, kind, word, NULL);
}

int yh_status_map_foreach(yh_store *store, yh_status_word_fn fn, void *ctx)
{
	yh_status_map *map = NULL;
	size_t i;
	int rc, k;

	if ((rc = yh_status_map_load(&map, store, 0)) < 0)
		return rc;
	for (k = 0; rc == 0 && k < YH_REGISTER_COUNT; k++)
		for (i = 0; rc == 0 && i < map->n; i++)
			if (map->v[i].kind == (yh_register_kind)k)
				rc = fn(ctx, map->v[i].kind, map->v[i].word, map->v[i].cls, map->v[i].seq);
	yh_status_map_free(map);
	return rc;
}
