/* store/store_file.c — the store's file on disk: made 0600 under a temporary name beside it and
 * linked into place only when complete, so that a kill at any moment leaves no store or a whole
 * one; and at open, the file and its -wal and -shm refused when group or others may read them. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sqlite.h"
#include "error.h"

#define MAKING_SUFFIX ".creating"

/* What SQLite may leave beside a database file. */
static const char *const side_suffixes[] = { "-journal", "-wal", "-shm" };

static void unlink_with_sides(const char *file)
{
	char side[4200];
	size_t i;

	for (i = 0; i < sizeof(side_suffixes) / sizeof(side_suffixes[0]); i++)
		if ((size_t)snprintf(side, sizeof(side), "%s%s", file, side_suffixes[i]) < sizeof(side))
			unlink(side);
	unlink(file);
}

static int same_file(int fd, const char *name)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && lstat(name, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/*
 * One attempt at the temporary file: create it (0600, whatever the umask), or take over one that
 * no process holds — the leftover of a creation that was killed, removed with its journals.
 * The lock (flock, released by the kernel when its holder dies) tells the two apart.
 * 1: try again (the name changed hands meanwhile).
 */
static int claim_once(yh_store_making *m, const char *path)
{
	int fd = open(m->tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600), e, leftover = 0;

	if (fd < 0 && errno == EEXIST) {
		leftover = 1;
		if ((fd = open(m->tmp, O_RDWR | O_NOFOLLOW | O_CLOEXEC)) < 0 && errno == ENOENT)
			return 1;
	}
	if (fd < 0)
		return yh_error_set(YH_ESTORE, "cannot create the store: %s: '%s'", strerror(errno), path);
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return yh_error_set(YH_EEXIST, "another yaohao is creating this store now: '%s'", path);
	}
	if (!same_file(fd, m->tmp) || leftover) {
		/* the name changed hands meanwhile, or a killed creation's leftover: start afresh */
		if (leftover && same_file(fd, m->tmp))
			unlink_with_sides(m->tmp);
		close(fd);
		return 1;
	}
	if (fchmod(fd, 0600) != 0) {
		e = errno;
		close(fd);
		unlink(m->tmp);
		return yh_error_set(YH_ESTORE, "cannot create the store: %s: '%s'", strerror(e), path);
	}
	m->fd = fd;
	return YH_OK;
}

/* A creation killed between linking the store into place and unlinking its temporary name
 * leaves the same file under both names.  When nobody holds it, the second name goes. */
static void drop_linked_leftover(const char *path)
{
	char *tmp = malloc(strlen(path) + sizeof(MAKING_SUFFIX));
	struct stat a, b;
	int fd;

	if (!tmp)
		return;
	strcpy(tmp, path);
	strcat(tmp, MAKING_SUFFIX);
	if ((fd = open(tmp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) >= 0) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino && same_file(fd, tmp))
			unlink_with_sides(tmp);
		close(fd);
	}
	free(tmp);
}

int yh_store_file_claim(yh_store_making *m, const char *path)
{
	struct stat sb;
	int rc, tries;

	m->fd = -1;
	m->tmp = NULL;
	if (lstat(path, &sb) == 0) {
		drop_linked_leftover(path);
		return yh_error_set(YH_EEXIST, "store exists already: '%s'", path);
	}
	if (!(m->tmp = malloc(strlen(path) + sizeof(MAKING_SUFFIX))))
		return yh_error_set(YH_ENOMEM, "out of memory");
	strcpy(m->tmp, path);
	strcat(m->tmp, MAKING_SUFFIX);
	for (tries = 0; tries < 8; tries++)
		if ((rc = claim_once(m, path)) <= 0)
			break;
	if (rc > 0)
		rc = yh_error_set(YH_EEXIST, "another yaohao is creating this store now: '%s'", path);
	if (rc < 0) {
		free(m->tmp);
		m->tmp = NULL;
	}
	return rc;
}

static void sync_folder(const char *path)
{
	char *dir = strdup(path), *slash;
	int fd;

	if (!dir)
		return;
	slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

int yh_store_file_finish(yh_store_making *m, const char *path)
{
	if (fsync(m->fd) != 0)
		return yh_error_set(YH_ESTORE, "cannot write the store: %s: '%s'", strerror(errno), path);
	if (!same_file(m->fd, m->tmp))
		return yh_error_set(YH_ESTORE, "the store being created was replaced meanwhile: '%s'", path);
	/* link, not rename: it never replaces a store that appeared meanwhile */
	if (link(m->tmp, path) != 0)
		return yh_error_set(errno == EEXIST ? YH_EEXIST : YH_ESTORE, errno == EEXIST ?
		                    "store exists already%s: '%s'" : "cannot create the store: %s: '%s'",
		                    errno == EEXIST ? "" : strerror(errno), path);
	unlink(m->tmp);
	sync_folder(path);
	return YH_OK;
}

void yh_store_file_release(yh_store_making *m)
{
	if (m->fd >= 0) {
		/* still ours (locked): remove what is left of it; a linked store keeps its own name */
		if (m->tmp && same_file(m->fd, m->tmp))
			unlink_with_sides(m->tmp);
		close(m->fd);
	}
	free(m->tmp);
	m->fd = -1;
	m->tmp = NULL;
}

int yh_store_file_check_mode(const char *path)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	char file[4200];
	struct stat sb;
	size_t i;

	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		if ((size_t)snprintf(file, sizeof(file), "%s%s", path, suffixes[i]) >= sizeof(file) ||
		    stat(file, &sb) != 0)
			continue;
		if (sb.st_mode & 077)
			return yh_error_set(YH_ESTORE, "store file is readable by others (mode %04o): '%s' "
			                    "(fix it with: chmod 600 '%s')", (unsigned)(sb.st_mode & 07777),
			                    file, file);
	}
	return YH_OK;
}
