/* page.c — the public page (公示页): one self-contained HTML file with the signed documents
 * (and any entity proofs) embedded as JSON and the page's scripts and style (web/, compiled in by
 * cmake/embed_web.cmake) inlined.  The page itself checks the documents (web/draw.js …). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "yaohao/page.h"
#include "error.h"
#include "textbuf.h"
#include "page_assets.h"

typedef yh_textbuf page_buf;

static void put_n(page_buf *b, const char *s, size_t n)
{
	yh_textbuf_put(b, s, n);
}

static void put(page_buf *b, const char *s)
{
	put_n(b, s, strlen(s));
}

/* JSON text inside <script>: every '<' as \u003c, so that nothing in it (a name holding
 * "</script>" or "<!--") can end the element.  '<' occurs in JSON only inside strings,
 * where \u003c means the same character. */
static void put_json(page_buf *b, const char *json)
{
	const char *s = json, *lt;

	while ((lt = strchr(s, '<'))) {
		put_n(b, s, (size_t)(lt - s));
		put(b, "\\u003c");
		s = lt + 1;
	}
	put(b, s);
}

static void put_base64(page_buf *b, const char *data)
{
	size_t n = strlen(data), size = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
	char *text = malloc(size);

	if (!text) {
		free(b->p);
		*b = (page_buf){ .failed = YH_ENOMEM };
		return;
	}
	sodium_bin2base64(text, size, (const unsigned char *)data, n, sodium_base64_VARIANT_ORIGINAL);
	put(b, text);
	free(text);
}

static const yh_page_asset *asset(const char *name)
{
	const yh_page_asset *a;

	for (a = yh_page_assets; a->name; a++)
		if (strcmp(a->name, name) == 0)
			return a;
	return NULL;
}

static int is_object(const char *text, const char *what)
{
	json_error_t err;
	json_t *v = json_loads(text, JSON_REJECT_DUPLICATES, &err);
	int ok = json_is_object(v);

	json_decref(v);
	if (!ok)
		return yh_error_set(YH_EDATA, "the %s is not a JSON object%s%s", what, v ? "" : ": ",
		                    v ? "" : err.text);
	return YH_OK;
}

int yh_page_html(char **out, const yh_page_inputs *in)
{
	static const struct {
		const char *name;
	} registers[] = { { "entities" }, { "inspectors" }, { "conflicts" } };
	page_buf b = { 0 };
	const yh_page_asset *a;
	const char *csv[3];
	size_t i, nproofs;
	int rc;

	*out = NULL;
	if (!in || in->version < 1 || in->version > YH_PAGE_INPUTS_VERSION)
		return yh_error_set(YH_EINVAL, "yh_page_inputs: version %u, not 1 to %u (use YH_PAGE_INPUTS_INIT)",
		                    in ? in->version : 0, YH_PAGE_INPUTS_VERSION);
	/* version 1 callers' struct ends before the proofs */
	nproofs = in->version >= 2 ? in->nproofs : 0;
	if (!in->draw)
		return yh_error_set(YH_EINVAL, "the page needs a draw document");
	if (nproofs && !in->proofs)
		return yh_error_set(YH_EINVAL, "yh_page_inputs: %zu proofs, but no array of them", nproofs);
	if ((rc = is_object(in->draw, "draw document")) < 0 ||
	    (in->results && (rc = is_object(in->results, "results document")) < 0))
		return rc;
	for (i = 0; i < nproofs; i++) {
		if (!in->proofs[i])
			return yh_error_set(YH_EINVAL, "yh_page_inputs: proof %zu is NULL", i + 1);
		if ((rc = is_object(in->proofs[i], "entity proof")) < 0)
			return rc;
	}
	csv[0] = in->entities;
	csv[1] = in->inspectors;
	csv[2] = in->conflicts;

	put(&b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
	        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	        "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n"
	        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	        "<meta name=\"generator\" content=\"yaohao\">\n"
	        "<title>双随机抽查公示与核验 · draw verification</title>\n<style>\n");
	if ((a = asset("page.css")))
		put_n(&b, a->text, a->len);
	put(&b, "</style>\n</head>\n<body>\n"
	        "<header><h1 id=\"title\">双随机抽查公示</h1>"
	        "<span class=\"kind\">双随机、一公开 · 抽取结果公示与核验</span>"
	        "<button id=\"lang\" type=\"button\">English</button></header>\n"
	        "<div id=\"verdict\" class=\"verdict pending\" data-verdict=\"pending\" role=\"status\">"
	        "正在核验… (this page needs JavaScript to check the draw)</div>\n"
	        "<main id=\"main\"></main>\n"
	        "<!-- The signed documents this page shows and checks. -->\n"
	        "<script type=\"application/json\" id=\"draw-document\">\n");
	put_json(&b, in->draw);
	put(&b, "\n</script>\n");
	if (in->results) {
		put(&b, "<script type=\"application/json\" id=\"results-document\">\n");
		put_json(&b, in->results);
		put(&b, "\n</script>\n");
	}
	for (i = 0; i < 3; i++) {
		if (!csv[i])
			continue;
		put(&b, "<script type=\"application/base64\" data-register=\"");
		put(&b, registers[i].name);
		put(&b, "\">\n");
		put_base64(&b, csv[i]);
		put(&b, "\n</script>\n");
	}
	/* the proofs, in the order given: the page opens its search at the first one's entity */
	for (i = 0; i < nproofs; i++) {
		put(&b, "<script type=\"application/json\" data-proof>\n");
		put_json(&b, in->proofs[i]);
		put(&b, "\n</script>\n");
	}
	put(&b, "<!-- The checks: plain JavaScript written from docs/spec.md (the files of web/). -->\n");
	for (a = yh_page_assets; a->name; a++) {
		size_t n = strlen(a->name);

		if (n < 3 || strcmp(a->name + n - 3, ".js") != 0)
			continue;
		put(&b, "<script>\n");
		put_n(&b, a->text, a->len);
		put(&b, "</script>\n");
	}
	put(&b, "</body>\n</html>\n");
	if (b.failed)
		return yh_error_set(YH_ENOMEM, "out of memory");
	*out = b.p;
	return YH_OK;
}
