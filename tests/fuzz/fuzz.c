/* fuzz.c — helpers shared by the harnesses (fuzz.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaohao/yaohao.h>

#include "fuzz.h"

static char tmpdir[4096];
static pid_t tmpdir_owner;

void fz_fail(const char *what, const char *file, int line)
{
	fprintf(stderr, "%s:%d: broken promise: %s (last engine error: %s)\n", file, line, what,
	        yh_error_message());
	abort();
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void remove_tmpdir(void)
{
	if (tmpdir[0] && getpid() == tmpdir_owner)
		nftw(tmpdir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *fz_tmpdir(void)
{
	const char *base;

	if (tmpdir[0])
		return tmpdir;
	base = getenv("TMPDIR");
	if (!base || !*base)
		base = "/tmp";
	snprintf(tmpdir, sizeof(tmpdir), "%s/yaohao-fuzz-XXXXXX", base);
	if (!mkdtemp(tmpdir)) {
		fprintf(stderr, "fuzz: cannot make a folder under %s: %s\n", base, strerror(errno));
		abort();
	}
	tmpdir_owner = getpid();
	atexit(remove_tmpdir);
	return tmpdir;
}

const char *fz_path(const char *name)
{
	static char paths[8][4200];
	static unsigned slot;
	char *p = paths[slot++ % 8];

	snprintf(p, sizeof(paths[0]), "%s/%s", fz_tmpdir(), name);
	return p;
}

void fz_write(const char *path, const uint8_t *data, size_t size, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t done = 0;

	if (fd < 0 || fchmod(fd, mode) != 0) {
		fprintf(stderr, "fuzz: cannot write '%s': %s\n", path, strerror(errno));
		abort();
	}
	while (done < size) {
		ssize_t n = write(fd, data + done, size - done);

		if (n <= 0) {
			fprintf(stderr, "fuzz: cannot write '%s': %s\n", path, strerror(errno));
			abort();
		}
		done += (size_t)n;
	}
	close(fd);
}

char *fz_read(const char *rel, size_t *len)
{
	char path[4096];
	FILE *fp;
	char *text = NULL;
	long size;

	if (rel[0] == '/')
		snprintf(path, sizeof(path), "%s", rel);
	else
		snprintf(path, sizeof(path), "%s/%s", YAOHAO_FIXTURES_DIR, rel);
	if (!(fp = fopen(path, "rb")) || fseek(fp, 0, SEEK_END) != 0 || (size = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0 || !(text = malloc((size_t)size + 1)) ||
	    fread(text, 1, (size_t)size, fp) != (size_t)size) {
		fprintf(stderr, "fuzz: cannot read '%s': %s\n", path, strerror(errno));
		abort();
	}
	fclose(fp);
	text[size] = '\0';
	if (len)
		*len = (size_t)size;
	return text;
}

void fz_touch(const char *s, size_t len, int nul)
{
	volatile unsigned char sum = 0;
	size_t i;

	for (i = 0; i < len; i++)
		sum ^= (unsigned char)s[i];
	if (nul && s[len] != '\0') {
		fprintf(stderr, "fuzz: a string of %zu bytes is not NUL-terminated\n", len);
		abort();
	}
	(void)sum;
}

void fz_touch_json(const json_t *json)
{
	char *text;

	if (!json)
		return;
	text = json_dumps(json, JSON_COMPACT);
	FZ_REQUIRE(text != NULL);
	fz_touch(text, strlen(text), 1);
	free(text);
}
