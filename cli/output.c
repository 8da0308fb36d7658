/* output.c — every file a command writes (-o FILE): written to a temporary file beside it,
 * synced, then renamed over it, so that a full disk, a size limit or a kill leaves the previous
 * file whole; a failure names its cause.  A destination that is not a regular file (a device, a
 * pipe) is written in place; a symbolic link is followed to the file it names. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static void fail(cli_output *o, int err)
{
	if (!o->err)
		o->err = err ? err : EIO;
}

/* The destination: the path, or the file a symbolic link there names. */
static char *destination(const char *path, struct stat *sb, int *exists)
{
	char *real;

	*exists = lstat(path, sb) == 0;
	if (*exists && S_ISLNK(sb->st_mode)) {
		if ((real = realpath(path, NULL))) {
			*exists = stat(real, sb) == 0;
			return real;
		}
		*exists = 0; /* a dangling link: written through in place */
		sb->st_mode = 0;
	}
	return strdup(path);
}

/* A new temporary file beside dest, mode 0666 less the umask (or the old file's mode). */
static int open_temp(cli_output *o, const struct stat *old, int exists)
{
	static unsigned counter;
	size_t n = strlen(o->dest) + 64;
	int fd = -1, tries;

	if (!(o->tmp = malloc(n)))
		return ENOMEM;
	for (tries = 0; tries < 100 && fd < 0; tries++) {
		snprintf(o->tmp, n, "%s.tmp-%ld-%u", o->dest, (long)getpid(), counter++);
		fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0)
		return errno;
	if (exists)
		(void)fchmod(fd, old->st_mode & 07777);
	if (!(o->fp = fdopen(fd, "wb"))) {
		int e = errno;

		close(fd);
		unlink(o->tmp);
		return e;
	}
	return 0;
}

int cli_output_open(cli_output *o, const char *path)
{
	struct stat sb;
	int exists, err;

	memset(o, 0, sizeof(*o));
	o->path = path;
	if (!(o->dest = destination(path, &sb, &exists)))
		return o->err = ENOMEM;
	if (exists && !S_ISREG(sb.st_mode)) {
		if (!(o->fp = fopen(o->dest, "wb")))
			o->err = errno;
		return o->err;
	}
	if ((err = open_temp(o, &sb, exists)) != 0) {
		free(o->tmp);
		o->tmp = NULL;
		o->err = err;
	}
	return o->err;
}

int cli_output_put(cli_output *o, const char *text, int newline)
{
	errno = 0;
	if (!o->err && (fputs(text, o->fp) < 0 || (newline && fputc('\n', o->fp) < 0)))
		fail(o, errno);
	return o->err;
}

int cli_output_write(cli_output *o, const char *bytes, size_t len)
{
	errno = 0;
	if (!o->err && fwrite(bytes, 1, len, o->fp) != len)
		fail(o, errno);
	return o->err;
}

static void sync_folder(const char *file)
{
	char *dir = strdup(file), *slash;
	int fd;

	if (!dir)
		return;
	if ((slash = strrchr(dir, '/')))
		slash[slash == dir] = '\0';
	if ((fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

int cli_output_close(cli_output *o)
{
	if (o->fp) {
		errno = 0;
		if (fflush(o->fp) != 0 || ferror(o->fp))
			fail(o, errno);
		if (o->tmp && !o->err && fsync(fileno(o->fp)) != 0)
			fail(o, errno);
		errno = 0;
		if (fclose(o->fp) != 0)
			fail(o, errno);
		o->fp = NULL;
	}
	if (o->tmp) {
		if (!o->err && rename(o->tmp, o->dest) != 0)
			fail(o, errno);
		if (o->err)
			unlink(o->tmp);
		else
			sync_folder(o->dest);
	}
	free(o->tmp);
	free(o->dest);
	o->tmp = o->dest = NULL;
	return o->err;
}

void cli_output_discard(cli_output *o)
{
	fail(o, ECANCELED);
	cli_output_close(o);
}

int cli_output_text(const char *path, const char *text, int newline)
{
	cli_output o;

	if (cli_output_open(&o, path) == 0)
		cli_output_put(&o, text, newline);
	return cli_output_close(&o);
}

int cli_output_failed(const char *path, int err)
{
	return cli_error(CLI_BAD_DATA, "cannot write the file: %s: '%s'", strerror(err), path);
}

int cli_write_text(const char *path, const char *text)
{
	int err = cli_output_text(path, text, 1);

	return err ? cli_output_failed(path, err) : CLI_OK;
}

int cli_output_recorded(const cli_recorded *r, int err)
{
	fprintf(stderr, "yaohao: the %s of %s is recorded as ledger entry %llu, but the %s could not be "
	        "written to %s: %s; write it again with 'yaohao transcript%s%s %s%s -o %s'\n", r->action,
	        r->task_id, (unsigned long long)r->seq, r->output_name, r->path, strerror(err),
	        r->db ? " --db " : "", r->db ? r->db : "", r->flags, r->task_id, r->path);
	return CLI_RECORDED;
}
