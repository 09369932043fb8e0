// SPDX-License-Identifier: GPL-2.0-only
/*
 * Is a page-cache page nobody maps any more still in the page cache?
 * mincore(2) on a mapping of the file answers without faulting anything
 * in (mm/mincore.c looks the page up in the file's mapping). The file is
 * opened through /proc/PID/map_files of a process that maps it at this
 * sample (root; it also reaches deleted files and shared anonymous
 * memory), else by its path when that still names the same inode. A file
 * that can be reached neither way is gone: deleted and unmapped, or out
 * of this mount namespace (the recording then drops its pages).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../base/base.h"
#include "record.h"

static int open_file(const struct rec_file *f)
{
	char path[4096];
	struct stat st;
	size_t n;
	int fd;

	if (f->hint_pid > 0) {
		snprintf(path, sizeof(path), "/proc/%d/map_files/%llx-%llx", f->hint_pid,
			 (unsigned long long)f->hint_start, (unsigned long long)f->hint_end);
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOATIME);
		if (fd < 0)
			fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && !fstat(fd, &st) && (uint64_t)st.st_ino == f->ino)
			return fd;
		if (fd >= 0)
			close(fd);
	}
	n = strlen(f->real);
	if (f->real[0] != '/' || (n > 10 && !strcmp(f->real + n - 10, " (deleted)")))
		return -ENOENT;
	fd = open(f->real, O_RDONLY | O_CLOEXEC | O_NOATIME);
	if (fd < 0)
		fd = open(f->real, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -ENOENT;
	if (fstat(fd, &st) || (uint64_t)st.st_ino != f->ino ||
	    major(st.st_dev) != f->major || minor(st.st_dev) != f->minor) {
		close(fd);
		return -ENOENT;	/* the path names another file now */
	}
	return fd;
}

int rec_resident_host(void *arg, const struct rec_file *f, uint64_t first, uint64_t n,
		      unsigned char *vec)
{
	void *p;
	int fd = open_file(f);

	(void)arg;
	if (fd < 0)
		return fd;
	p = mmap(NULL, n * SNAP_PAGE_SIZE, PROT_READ, MAP_SHARED, fd,
		 (off_t)(first * SNAP_PAGE_SIZE));
	if (p == MAP_FAILED) {
		/* cannot tell (a file that cannot be mapped): keep what we have */
		memset(vec, 1, n);
	} else {
		if (mincore(p, n * SNAP_PAGE_SIZE, vec))
			memset(vec, 1, n);
		munmap(p, n * SNAP_PAGE_SIZE);
	}
	close(fd);
	return 0;
}
