// SPDX-License-Identifier: GPL-2.0-only
/*
 * The workload tests/record/run-record.sh records: worker processes in
 * three cgroups that grow and shrink anonymous memory, share a tmpfs file
 * and a disk file, fork, exit, and leave page cache behind. The test
 * drives it one phase at a time through standard input, so that the
 * recorder can be made to sample after each phase without any sleep:
 *
 *   start   worker B joins CG_B, creates both files (4 MiB each), writes
 *           their first halves and 2 MiB of anonymous memory; then worker
 *           A joins CG_A, writes 4 MiB of anonymous memory, reads the
 *           files' first halves (B's pages) and writes their second halves
 *   grow    A adds 4 MiB of anonymous memory, B 2 MiB; worker C joins
 *           CG_C (made by the test meanwhile), writes 3 MiB of anonymous
 *           memory and reads the first MiB of the tmpfs file
 *   shrink  A unmaps its first 4 MiB and drops half of the next 4 MiB
 *           (MADV_DONTNEED); C drops its first MiB
 *   fork    A forks A2, which writes the first MiB of A's second mapping
 *           (copy-on-write: pages of its own) and reads the rest (shared)
 *   exit-b  B exits (the test then removes CG_B: its page cache stays)
 *   quit    every worker exits
 *
 * After each phase the coordinator (this process, which stays where it
 * was started) prints "done PHASE" on standard output. It exits at the end
 * of its input.
 *
 * usage: rec_workload CG_A CG_B CG_C TMPFS_FILE DISK_FILE
 *   CG_x: cgroup directories (with cgroup.procs); TMPFS_FILE "-" for a memfd
 */
#include <stdbool.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "workload.h"

#define FILE_SIZE (4 * MiB)

static const char *cg_dir[3], *tmpfs_path, *disk_path;
static int memfd = -1;

static char *anon(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

static unsigned long touch(volatile const char *p, size_t from, size_t to)
{
	unsigned long sum = 0;
	size_t i;

	for (i = from; i < to; i += PAGE)
		sum += (unsigned char)p[i];
	return sum;
}

static int open_file(const char *path, bool create)
{
	int fd;

	if (!path)
		return dup(memfd);
	fd = open(path, O_RDWR | (create ? O_CREAT | O_TRUNC : 0), 0600);
	if (fd < 0)
		die(path);
	if (create && ftruncate(fd, FILE_SIZE))
		die("ftruncate");
	return fd;
}

static char *map_file(const char *path, bool create)
{
	int fd = open_file(path, create);
	char *p = mmap(NULL, FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		die("mmap file");
	close(fd);
	return p;
}

/* A worker: runs fn for each command byte, acks with 'k'; exits on 'q' or EOF. */
struct worker {
	pid_t pid;
	int cmd, ack;
};

static void send(struct worker *w, char c)
{
	char k;

	if (write(w->cmd, &c, 1) != 1 || read(w->ack, &k, 1) != 1)
		die("worker");
}

static struct worker spawn_worker(void (*fn)(char cmd, int ack))
{
	struct worker w;
	int c[2], a[2];
	char cmd;

	if (pipe(c) || pipe(a))
		die("pipe");
	w.pid = fork();
	if (w.pid < 0)
		die("fork");
	if (!w.pid) {
		close(c[1]);
		close(a[0]);
		while (read(c[0], &cmd, 1) == 1 && cmd != 'q')
			fn(cmd, a[1]);
		_exit(0);
	}
	close(c[0]);
	close(a[1]);
	w.cmd = c[1];
	w.ack = a[0];
	return w;
}

static void stop_worker(struct worker *w)
{
	char q = 'q';

	if (w->pid <= 0)
		return;
	if (write(w->cmd, &q, 1) != 1)
		die("worker");
	close(w->cmd);
	close(w->ack);
	waitpid(w->pid, NULL, 0);
	w->pid = 0;
}

static void ack(int fd)
{
	if (write(fd, "k", 1) != 1)
		_exit(1);
}

static volatile unsigned long sink;

static void worker_b(char cmd, int a)
{
	char *shm, *disk;

	if (cmd == 'S') {
		join(cg_dir[1]);
		shm = map_file(tmpfs_path, true);
		disk = map_file(disk_path, true);
		dirty(shm, 0, FILE_SIZE / 2);
		dirty(disk, 0, FILE_SIZE / 2);
		dirty(anon(2 * MiB), 0, 2 * MiB);
	} else if (cmd == 'G') {
		dirty(anon(2 * MiB), 0, 2 * MiB);
	}
	ack(a);
}

static char *a_anon1, *a_anon2;
static struct worker a2;

static void worker_a2(char cmd, int a)
{
	if (cmd == 'F') {
		dirty(a_anon2, 0, MiB);
		sink += touch(a_anon2, MiB, 4 * MiB);
	}
	ack(a);
}

static void worker_a(char cmd, int a)
{
	char *shm, *disk;

	switch (cmd) {
	case 'S':
		join(cg_dir[0]);
		a_anon1 = anon(4 * MiB);
		dirty(a_anon1, 0, 4 * MiB);
		shm = map_file(tmpfs_path, false);
		disk = map_file(disk_path, false);
		sink += touch(shm, 0, FILE_SIZE / 2) + touch(disk, 0, FILE_SIZE / 2);
		dirty(shm, FILE_SIZE / 2, FILE_SIZE);
		dirty(disk, FILE_SIZE / 2, FILE_SIZE);
		break;
	case 'G':
		a_anon2 = anon(4 * MiB);
		dirty(a_anon2, 0, 4 * MiB);
		break;
	case 'R':
		munmap(a_anon1, 4 * MiB);
		madvise(a_anon2 + 2 * MiB, 2 * MiB, MADV_DONTNEED);
		break;
	case 'F':
		a2 = spawn_worker(worker_a2);
		send(&a2, 'F');
		break;
	case 'Q':
		stop_worker(&a2);
		break;
	}
	ack(a);
}

static char *c_anon;

static void worker_c(char cmd, int a)
{
	char *shm;

	if (cmd == 'G') {
		join(cg_dir[2]);
		c_anon = anon(3 * MiB);
		dirty(c_anon, 0, 3 * MiB);
		shm = map_file(tmpfs_path, false);
		sink += touch(shm, 0, MiB);
	} else if (cmd == 'R') {
		madvise(c_anon, MiB, MADV_DONTNEED);
	}
	ack(a);
}

int main(int argc, char **argv)
{
	struct worker a = { 0 }, b = { 0 }, c = { 0 };
	char line[64];

	if (argc != 6) {
		fprintf(stderr, "usage: rec_workload CG_A CG_B CG_C TMPFS_FILE|- DISK_FILE\n");
		return 2;
	}
	cg_dir[0] = argv[1];
	cg_dir[1] = argv[2];
	cg_dir[2] = argv[3];
	tmpfs_path = strcmp(argv[4], "-") ? argv[4] : NULL;
	disk_path = argv[5];
	if (!tmpfs_path) {
		memfd = memfd_create("rec-workload", 0);
		if (memfd < 0 || ftruncate(memfd, FILE_SIZE))
			die("memfd");
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strcmp(line, "start")) {
			b = spawn_worker(worker_b);
			send(&b, 'S');
			a = spawn_worker(worker_a);
			send(&a, 'S');
		} else if (!strcmp(line, "grow")) {
			send(&a, 'G');
			send(&b, 'G');
			c = spawn_worker(worker_c);
			send(&c, 'G');
		} else if (!strcmp(line, "shrink")) {
			send(&a, 'R');
			send(&c, 'R');
		} else if (!strcmp(line, "fork")) {
			send(&a, 'F');
		} else if (!strcmp(line, "exit-b")) {
			stop_worker(&b);
		} else if (!strcmp(line, "quit")) {
			send(&a, 'Q');
			stop_worker(&a);
			stop_worker(&c);
		} else {
			fprintf(stderr, "rec_workload: unknown phase \"%s\"\n", line);
			return 2;
		}
		printf("done %s\n", line);
	}
	stop_worker(&a);
	stop_worker(&b);
	stop_worker(&c);
	return 0;
}
