// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helper processes for tests/snapshot/run-snapshot.sh: memory of known
 * kinds and sizes for `smemcg snapshot` to read back. The parent maps a
 * regular file in DIR shared (writes its first half, reads the rest), a
 * memfd (writes its first half) and private anonymous memory (writes all);
 * a forked child maps the memfd again from the inherited fd (writes the
 * second half, reads the first), reads the file through its inherited
 * mapping and writes anonymous memory of its own. Both then print their
 * pids on one line and wait until standard input closes or a signal ends
 * them.
 *
 * usage: snap_helper DIR ANON_KB FILE_KB MEMFD_KB
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096UL

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void *map(size_t len, int prot, int flags, int fd)
{
	void *p = mmap(NULL, len, prot, flags, fd, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

static void write_pages(volatile char *p, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i += PAGE)
		p[i] = (char)(1 + i / PAGE % 100);
}

static unsigned long read_pages(volatile const char *p, size_t from, size_t to)
{
	unsigned long sum = 0;
	size_t i;

	for (i = from; i < to; i += PAGE)
		sum += (unsigned char)p[i];
	return sum;
}

static void wait_for_eof(void)
{
	char c;

	while (read(0, &c, 1) > 0)
		;
}

int main(int argc, char **argv)
{
	size_t anon, file, memfd_len;
	char path[4096];
	int fd, mfd, ready[2];
	char *fm, *mm, *am;
	pid_t child;
	unsigned long sum;

	if (argc != 5) {
		fprintf(stderr, "usage: snap_helper DIR ANON_KB FILE_KB MEMFD_KB\n");
		return 2;
	}
	anon = strtoul(argv[2], NULL, 10) * 1024;
	file = strtoul(argv[3], NULL, 10) * 1024;
	memfd_len = strtoul(argv[4], NULL, 10) * 1024;
	if (!anon || !file || !memfd_len || anon % PAGE || file % (2 * PAGE) ||
	    memfd_len % (2 * PAGE)) {
		fprintf(stderr, "snap_helper: sizes must be whole pages (file, memfd: even)\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/shared.dat", argv[1]);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, (off_t)file))
		die(path);
	mfd = memfd_create("snap-memfd", 0);
	if (mfd < 0 || ftruncate(mfd, (off_t)memfd_len))
		die("memfd_create");

	fm = map(file, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
	mm = map(memfd_len, PROT_READ | PROT_WRITE, MAP_SHARED, mfd);
	am = map(anon, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	write_pages(fm, 0, file / 2);
	sum = read_pages(fm, file / 2, file);
	write_pages(mm, 0, memfd_len / 2);
	write_pages(am, 0, anon);

	if (pipe(ready))
		die("pipe");
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		char *cm = map(memfd_len, PROT_READ | PROT_WRITE, MAP_SHARED, mfd);
		char *ca = map(anon / 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);

		write_pages(cm, memfd_len / 2, memfd_len);
		sum += read_pages(cm, 0, memfd_len / 2);
		sum += read_pages(fm, 0, file);
		write_pages(ca, 0, anon / 2);
		if (write(ready[1], "x", 1) != 1)
			die("write");
		close(ready[1]);
		wait_for_eof();
		return sum == 0xdeadbeef;	/* keeps the reads */
	}
	close(ready[1]);
	{
		char c;

		if (read(ready[0], &c, 1) != 1)
			die("child not ready");
	}
	printf("%d %d\n", (int)getpid(), (int)child);
	fflush(stdout);
	wait_for_eof();
	kill(child, SIGTERM);
	waitpid(child, NULL, 0);
	return sum == 0xdeadbeef;
}
