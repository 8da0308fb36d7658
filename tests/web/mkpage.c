/* mkpage.c — a test helper: the public page (yh_page_html) of a draw document file, with a
 * results document and register files when given, without a store.
 *
 *   mkpage OUT.html DRAW.json [--results RESULTS.json] [--registers ENTITIES INSPECTORS CONFLICTS]
 *          [--proof PROOF.json]...
 *
 * A proof is put in the page as the reader's drop would give it to the page: a
 * <script type="application/json" data-proof> element before the page's scripts (the page
 * checks it on load).
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

/* The page with each proof inserted before its scripts, '<' written \u003c as page.c does. */
static int write_page(FILE *out, const char *page, char **proofs, int nproofs)
{
	static const char mark[] = "<!-- The checks:";
	const char *at = strstr(page, mark), *s;
	int i;

	if (!at)
		return -1;
	if (fwrite(page, 1, (size_t)(at - page), out) != (size_t)(at - page))
		return -1;
	for (i = 0; i < nproofs; i++) {
		fputs("<script type=\"application/json\" data-proof>\n", out);
		for (s = proofs[i]; *s; s++)
			if (*s == '<')
				fputs("\\u003c", out);
			else
				fputc(*s, out);
		fputs("\n</script>\n", out);
	}
	return fputs(at, out) < 0 ? -1 : 0;
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
	if (yh_page_html(&page, &in) < 0) {
		fprintf(stderr, "mkpage: %s\n", yh_error_message());
		return 1;
	}
	if (!(out = fopen(argv[1], "wb")) || write_page(out, page, proofs, nproofs) < 0 || fclose(out) != 0) {
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
