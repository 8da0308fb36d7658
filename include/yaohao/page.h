/*
 * yaohao/page.h — the public page (公示页): one self-contained HTML file that
 * shows a draw (and its results) and verifies it in the reader's browser with
 * WebCrypto, a second implementation of docs/spec.md written in plain
 * JavaScript (web/, inlined at build time: the library needs no data files).
 *
 * The page makes no network request: no external script, style, font or image,
 * and a Content-Security-Policy that forbids any.  The documents are embedded
 * as JSON (<script type="application/json" id="draw-document"> and
 * id="results-document">, with '<' written \u003c); register files given here
 * are embedded base64 (<script type="application/base64" data-register=…>) and
 * replayed on load, as if the reader had dropped them onto the page.  Entity proofs given
 * here (`yaohao prove`, docs/spec.md §14) are embedded as JSON (<script
 * type="application/json" data-proof>, '<' written \u003c): the page checks each on load and
 * opens its search at the first proof's entity (an inspected enterprise's own page).
 */
#ifndef YAOHAO_PAGE_H
#define YAOHAO_PAGE_H

#include <stddef.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define YH_PAGE_INPUTS_VERSION 2   /* 1: without the proofs (still accepted) */
#define YH_PAGE_INPUTS_INIT { .version = YH_PAGE_INPUTS_VERSION }

typedef struct {
	unsigned int version;   /* YH_PAGE_INPUTS_VERSION: initialise with YH_PAGE_INPUTS_INIT */
	const char *draw;       /* the draw document's text (yaohao-draw/2; required) */
	const char *results;    /* a results document's text (yaohao-results/1), or NULL */
	/* canonical register files' text to embed, or NULL (the reader can drop them on the page) */
	const char *entities, *inspectors, *conflicts;
	/* from version 2: entity proofs' text (yaohao-proof/2 JSON objects), nproofs of them */
	const char *const *proofs;
	size_t nproofs;
} yh_page_inputs;

/* Writes the page into *out (NUL-terminated; free() it).  The documents and the proofs must
 * be JSON objects (YH_EDATA otherwise); they are embedded as given, not checked: the page
 * checks them. */
YH_EXTERN int yh_page_html(char **out, const yh_page_inputs *in) YH_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
