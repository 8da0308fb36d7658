/*
 * consumer.c — a program outside the tree, built against an installed
 * libyaohao (see run.sh): the version, a credit code and a Merkle root.
 */
#include <stdio.h>
#include <string.h>

#include <yaohao/yaohao.h>

int main(void)
{
	const char *rows[] = {"a", "b", "c"};
	unsigned char root[YH_HASH_BYTES];
	yh_uscc_result res;
	yh_merkle *m = NULL;
	size_t i;

	printf("library %s, headers %s (%d.%d.%d)\n", yh_version(), YH_VERSION,
	       YH_VERSION_MAJOR, YH_VERSION_MINOR, YH_VERSION_PATCH);
	printf("uscc 91350100M000100Y43: %d\n", (int)yh_uscc_check(&res, "91350100M000100Y43", 18));
	yh_uscc_check(&res, "91350100M000100Y44", 18);
	printf("uscc 91350100M000100Y44: %d, found %c, expected %c\n", (int)res.status, res.found,
	       res.expected);
	if (yh_merkle_new(&m) != YH_OK) {
		fprintf(stderr, "consumer: %s\n", yh_error_message());
		return 1;
	}
	for (i = 0; i < 3; i++)
		yh_merkle_add(m, rows[i], strlen(rows[i]));
	yh_merkle_root(root, m);
	yh_merkle_free(m);
	printf("merkle root of a, b, c: ");
	for (i = 0; i < sizeof(root); i++)
		printf("%02x", root[i]);
	printf("\n");
	return strcmp(yh_version(), YH_VERSION) != 0;
}
