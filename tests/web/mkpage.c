/* mkpage.c — a test helper: the public page (yh_page_html) of a draw document file, with a
 * results document and register files when given, without a store.
 *
 *   mkpage OUT.html DRAW.json [--results RESULTS.json] [--registers ENTITIES INSPECTORS CONFLICTS]
 *          [--proof PROOF.json]...
 *
 * Proofs are embedded by yh_page_html (as `yaohao prove --html` does); the page checks them on
 * load and opens its search at the first one's entity.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaohao/yaohao.h>

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	long n;

	if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    !(text = malloc((size_t)n + 1)) || fread(text, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "mkpage: cannot read %s\n", path);
		exit(2);
	}
	text[n] = '\0';
	fclose(f);
	return text;
}

int main(int argc, char **argv)
{
	yh_page_inputs in = YH_PAGE_INPUTS_INIT;
	char *page = NULL;
	char *proofs[8];
	FILE *out;
	int i, nproofs = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: mkpage OUT.html DRAW.json [--results FILE] [--registers E I C] [--proof FILE]...\n");
		return 2;
	}
	in.draw = slurp(argv[2]);
	for (i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--results") == 0 && i + 1 < argc) {
			in.results = slurp(argv[++i]);
		} else if (strcmp(argv[i], "--registers") == 0 && i + 3 < argc) {
			in.entities = slurp(argv[++i]);
			in.inspectors = slurp(argv[++i]);
			in.conflicts = slurp(argv[++i]);
		} else if (strcmp(argv[i], "--proof") == 0 && i + 1 < argc && nproofs < 8) {
			proofs[nproofs++] = slurp(argv[++i]);
		} else {
			fprintf(stderr, "mkpage: unknown argument %s\n", argv[i]);
			return 2;
		}
	}
	in.proofs = (const char *const *)proofs;
	in.nproofs = (size_t)nproofs;
	if (yh_page_html(&page, &in) < 0) {
		fprintf(stderr, "mkpage: %s\n", yh_error_message());
		return 1;
	}
	if (!(out = fopen(argv[1], "wb")) || fputs(page, out) < 0 || fclose(out) != 0) {
		fprintf(stderr, "mkpage: cannot write %s\n", argv[1]);
		return 1;
	}
	free(page);
	free((char *)in.draw);
	free((char *)in.results);
	free((char *)in.entities);
	free((char *)in.inspectors);
	free((char *)in.conflicts);
	for (i = 0; i < nproofs; i++)
		free(proofs[i]);
	return 0;
}
