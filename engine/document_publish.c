/* document_publish.c — the store side of the public draw document: building it from a drawn
 * task's transcript and ledger entries, and signing it with the store's key (docs/spec.md §13). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaohao/document.h"
#include "yaohao/draw.h"
#include "yaohao/jcs.h"
#include "yaohao/key.h"
#include "yaohao/task.h"
#include "report.h"
#include "store/store.h"
#include "error.h"
#include "textbuf.h"

/* ---- publish --------------------------------------------------------------------------- */

static int query_ledger_link(json_t *link, yh_store *store, const char *task_id)
{
	uint64_t commit_seq, draw_seq;
	unsigned char hash[32];
	char hex[65];
	int rc;

	if ((rc = yh_draw_store_refs(&commit_seq, &draw_seq, hash, store, task_id)) < 0)
		return rc;
	yh_hex(hex, hash, 32);
	json_object_set_new(link, "commit_seq", json_integer((json_int_t)commit_seq));
	json_object_set_new(link, "draw_seq", json_integer((json_int_t)draw_seq));
	json_object_set_new(link, "draw_entry_hash", json_string(hex));
	return YH_OK;
}

/*
 * Publishing without the transcript's JSON tree.  A national draw's transcript is hundreds of
 * megabytes, and a jansson tree of it takes about twelve times that.  The transcript is a
 * canonical (JCS) text the engine wrote, so its top-level members can be cut out of it as they
 * stand: the signed text is those members with the document's own ones put in their sorted
 * places, and the published text pretty-prints each member on its own (each element of an
 * array member on its own), exactly as json_dumps(JSON_INDENT(2) | JSON_SORT_KEYS) lays out
 * the whole.  Anything unexpected (a key with an escape or outside ASCII, a text that is not
 * one object) sends the transcript to the tree path instead, which gives the same bytes.
 */
typedef struct {
	const char *key, *value;     /* the key's characters (no quotes); the value's canonical text */
	size_t klen, vlen;
	json_t *own;                 /* a member the document adds (else NULL: cut from the transcript) */
} member;

/* The end of the canonical JSON value starting at p, or NULL when it does not end before end. */
static const char *value_end(const char *p, const char *end)
{
	int depth = 0;

	for (; p < end; p++) {
		switch (*p) {
		case '"':
			for (p++; p < end && *p != '"'; p++)
				if (*p == '\\')
					p++;
			if (p >= end)
				return NULL;
			if (depth == 0)
				return p + 1;
			break;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (depth == 0)
				return p;
			if (--depth == 0)
				return p + 1;
			break;
		case ',':
			if (depth == 0)
				return p;
			break;
		default:
			break;
		}
	}
	return depth == 0 ? p : NULL;
}

/* Cuts the members of the canonical object text into m (up to max); 0 when it is not one. */
static size_t cut_members(member *m, size_t max, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *q;
	size_t n = 0;

	if (len < 2 || *p != '{' || end[-1] != '}')
		return 0;
	if (len == 2)
		return 0;
	for (p++; p < end - 1; p++) {
		if (n == max || *p != '"')
			return 0;
		for (q = ++p; q < end && *q != '"'; q++)
			if (*q == '\\' || (unsigned char)*q < 0x20 || (unsigned char)*q >= 0x80)
				return 0;
		if (q + 1 >= end || q[1] != ':')
			return 0;
		m[n].key = p;
		m[n].klen = (size_t)(q - p);
		m[n].value = q + 2;
		m[n].own = NULL;
		if (!(p = value_end(q + 2, end - 1)) || p == q + 2)
			return 0;
		m[n].vlen = (size_t)(p - m[n].value);
		n++;
		if (p < end - 1 && *p != ',')
			return 0;
	}
	return n;
}

static int member_cmp(const void *a, const void *b)
{
	const member *x = a, *y = b;
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int c = memcmp(x->key, y->key, n);

	return c ? c : (x->klen > y->klen) - (x->klen < y->klen);
}

typedef yh_textbuf buf;

static void put(buf *b, const char *s, size_t n)
{
	yh_textbuf_put(b, s, n);
}

static void puts_(buf *b, const char *s)
{
	yh_textbuf_puts(b, s);
}

/* A value pretty-printed as json_dumps lays it out at `depth` (its lines indented 2·depth). */
static int put_pretty(buf *b, const json_t *v, int depth)
{
	char *t = json_dumps(v, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENCODE_ANY), *p, *nl;

	if (!t)
		return -1;
	for (p = t; (nl = strchr(p, '\n')); p = nl + 1) {
		put(b, p, (size_t)(nl + 1 - p));
		for (int i = 0; i < depth; i++)
			put(b, "  ", 2);
	}
	puts_(b, p);
	free(t);
	return 0;
}

/* One member's value in the published text, at depth 1: an array element by element. */
static int put_value(buf *b, const member *m)
{
	const char *p, *end, *e;
	json_t *v;
	int first = 1, rc;

	if (m->own)
		return put_pretty(b, m->own, 1);
	end = m->value + m->vlen;
	if (*m->value != '[' || m->vlen == 2) {
		if (!(v = json_loadb(m->value, m->vlen, JSON_DECODE_ANY, NULL)))
			return -1;
		rc = put_pretty(b, v, 1);
		json_decref(v);
		return rc;
	}
	puts_(b, "[");
	for (p = m->value + 1; p < end - 1; p = e + 1) {
		if (!(e = value_end(p, end - 1)) || e == p || (e < end - 1 && *e != ','))
			return -1;
		if (!(v = json_loadb(p, (size_t)(e - p), JSON_DECODE_ANY, NULL)))
			return -1;
		puts_(b, first ? "\n    " : ",\n    ");
		first = 0;
		rc = put_pretty(b, v, 2);
		json_decref(v);
		if (rc < 0)
			return -1;
	}
	puts_(b, "\n  ]");
	return 0;
}

/* The document from the transcript's text and the members it adds; 1 when the text is not cut
 * as expected (the caller takes the tree path), YH_ENOMEM, or 0 with *out set. */
static int publish_cut(char **out, const char *transcript, json_t *const *adds,
                       const char *const *add_keys, size_t nadds, const yh_key *key)
{
	member *m = NULL;
	buf sig = { 0 }, doc = { 0 };
	size_t n, i, j, max = 64;
	unsigned char sigbin[YH_SIGNATURE_BYTES];
	char hex[129], *canon = NULL;
	json_t *signature = NULL;
	int rc = 1;

	if (!(m = calloc(max + nadds + 1, sizeof(*m))))
		return yh_error_set(YH_ENOMEM, "out of memory");
	if (!(n = cut_members(m, max, transcript, strlen(transcript))))
		goto done;
	/* the document's own members replace the transcript's of the same name ("format") */
	for (j = 0; j < nadds; j++) {
		for (i = 0; i < n; i++)
			if (m[i].klen == strlen(add_keys[j]) && memcmp(m[i].key, add_keys[j], m[i].klen) == 0)
				break;
		if (i == n)
			n++;
		m[i].key = add_keys[j];
		m[i].klen = strlen(add_keys[j]);
		m[i].own = adds[j];
	}
	qsort(m, n, sizeof(*m), member_cmp);
	for (i = 1; i < n; i++)
		if (member_cmp(&m[i - 1], &m[i]) == 0)
			goto done; /* a key twice: the tree path says what jansson makes of it */
	puts_(&sig, "{");
	for (i = 0; i < n; i++) {
		if (i)
			puts_(&sig, ",");
		puts_(&sig, "\"");
		put(&sig, m[i].key, m[i].klen);
		puts_(&sig, "\":");
		if (m[i].own) {
			if ((rc = yh_jcs_dump(&canon, m[i].own)) < 0)
				goto done;
			puts_(&sig, canon);
			free(canon);
			canon = NULL;
		} else {
			put(&sig, m[i].value, m[i].vlen);
		}
	}
	puts_(&sig, "}");
	if (sig.failed) {
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		goto done;
	}
	yh_key_sign(sigbin, key, sig.p, sig.len);
	free(sig.p);
	sig.p = NULL;
	yh_hex(hex, sigbin, sizeof(sigbin));
	if (!(signature = json_string(hex))) {
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		goto done;
	}
	m[n].key = "signature";
	m[n].klen = strlen("signature");
	m[n].own = signature;
	n++;
	qsort(m, n, sizeof(*m), member_cmp);
	puts_(&doc, "{");
	for (i = 0; i < n; i++) {
		puts_(&doc, i ? ",\n  \"" : "\n  \"");
		put(&doc, m[i].key, m[i].klen);
		puts_(&doc, "\": ");
		if (put_value(&doc, &m[i]) < 0) {
			rc = 1;
			goto done;
		}
	}
	puts_(&doc, "\n}\n");
	if (doc.failed) {
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		goto done;
	}
	*out = doc.p;
	doc.p = NULL;
	rc = YH_OK;
done:
	free(m);
	free(sig.p);
	free(doc.p);
	free(canon);
	json_decref(signature);
	return rc;
}

int yh_document_publish(char **out, yh_store *store, const char *task_id)
{
	json_t *doc = NULL, *link = NULL;
	unsigned char pk[32], sig[YH_SIGNATURE_BYTES];
	char *transcript = NULL, *canonical = NULL, *pretty = NULL, hex[129];
	const yh_key *key = yh_store_signing_key(store);
	yh_task_state state;
	size_t n;
	int rc;

	*out = NULL;
	if (!key)
		return yh_error_set_hint(YH_ESTORE, YH_HINT_NEEDS_KEY, yh_store_path(store), "publishing "
		                         "signs the document: the store's secret key is needed: '%s'",
		                         yh_store_path(store));
	if (!(link = json_object()))
		return yh_error_set(YH_ENOMEM, "out of memory");
	if ((rc = yh_task_state_get(&state, store, task_id)) < 0)
		goto done;
	if (state != YH_TASK_DRAWN) {
		rc = yh_error_set_hint(YH_ENOTFOUND, state == YH_TASK_PLANNED ? YH_HINT_NEEDS_COMMIT :
		                       YH_HINT_NEEDS_DRAW, task_id, "task is %s, not drawn: '%s'",
		                       yh_task_state_name(state), task_id);
		goto done;
	}
	if ((rc = yh_draw_transcript(&transcript, store, task_id)) < 0 ||
	    (rc = query_ledger_link(link, store, task_id)) < 0)
		goto done;
	yh_key_public(pk, key);
	yh_hex(hex, pk, 32);
	{
		json_t *format = json_string(YH_DOCUMENT_FORMAT),
		       *signer = json_pack("{s:s, s:s}", "public_key", hex, "key_id", yh_key_id(key));
		json_t *const adds[] = { format, link, signer };
		static const char *const add_keys[] = { "format", "ledger", "signer" };

		rc = format && signer ? publish_cut(out, transcript, adds, add_keys, 3, key)
		                      : yh_error_set(YH_ENOMEM, "out of memory");
		json_decref(format);
		json_decref(signer);
		if (rc <= 0)
			goto done;
	}
	if (!(doc = json_loads(transcript, 0, NULL))) {
		rc = yh_error_set(YH_ESTORE, "the transcript of task '%s' is damaged", task_id);
		goto done;
	}
	json_object_set_new(doc, "format", json_string(YH_DOCUMENT_FORMAT));
	json_object_set(doc, "ledger", link);
	json_object_set_new(doc, "signer", json_pack("{s:s, s:s}", "public_key", hex,
	                                             "key_id", yh_key_id(key)));
	if ((rc = yh_jcs_dump(&canonical, doc)) < 0)
		goto done;
	yh_key_sign(sig, key, canonical, strlen(canonical));
	yh_hex(hex, sig, sizeof(sig));
	json_object_set_new(doc, "signature", json_string(hex));
	if (!(pretty = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS))) {
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		goto done;
	}
	n = strlen(pretty);
	if (!(*out = malloc(n + 2))) {
		rc = yh_error_set(YH_ENOMEM, "out of memory");
		goto done;
	}
	memcpy(*out, pretty, n);
	(*out)[n] = '\n';
	(*out)[n + 1] = '\0';
done:
	free(transcript);
	free(canonical);
	free(pretty);
	json_decref(doc);
	json_decref(link);
	return rc;
}
