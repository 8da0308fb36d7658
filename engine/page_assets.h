/* page_assets.h — the public page's files (the scripts and page.css of web/), compiled in by
 * cmake/embed_web.cmake (page_assets.c in the build tree). */
#ifndef YH_PAGE_ASSETS_H
#define YH_PAGE_ASSETS_H

#include <stddef.h>

typedef struct {
	const char *name;   /* the file's name in web/, e.g. "jcs.js"; NULL ends the table */
	const char *text;   /* its bytes, NUL-terminated */
	size_t len;
} yh_page_asset;

/* In page order: the scripts in the order they are inlined, then page.css. */
extern const yh_page_asset yh_page_assets[];

#endif
