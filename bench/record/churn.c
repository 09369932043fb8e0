// SPDX-License-Identifier: GPL-2.0-only
/*
 * A workload for the memory benchmark of `smemcg record`
 * (bench/record/run.sh): three workers, one per cgroup, for SECONDS
 * seconds. Every 50 ms each maps a chunk of 1-16 MiB of anonymous memory
 * and writes it, unmaps or drops (MADV_DONTNEED) older ones, keeping
 * about 100-250 MiB each, and reads and writes random 1 MiB ranges of a
 * 64 MiB tmpfs file and a 64 MiB disk file they all map; every 2 s each
 * forks a child that writes 8 MiB and exits a second later. Worker b
 * exits at two thirds of the time (the script then removes its cgroup:
 * its page cache stays). A fixed seed: the same work every run.
 *
 * usage: churn SECONDS CG_A CG_B CG_C TMPFS_FILE DISK_FILE
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../tests/record/workload.h"

#define FILE_SIZE (64 * MiB)
#define CHUNKS 32
#define STEP_NS 50000000L

static char *map_file(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT, 0600);
	char *p;

	if (fd < 0 || ftruncate(fd, FILE_SIZE))
		die(path);
	p = mmap(NULL, FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	close(fd);
	return p;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static volatile unsigned long sink;

static void worker(int id, double until, const char *cg, const char *shm_path,
		   const char *disk_path)
{
	char *chunk[CHUNKS] = { NULL };
	size_t len[CHUNKS] = { 0 }, total = 0;
	char *shm = map_file(shm_path), *disk = map_file(disk_path);
	unsigned seed = 1234u + (unsigned)id;
	double next_fork = now() + 2;
	struct timespec step = { 0, STEP_NS };
	int n = 0;

	join(cg);
	while (now() < until) {
		int i = n++ % CHUNKS;
		size_t off = (size_t)(rand_r(&seed) % 64) * MiB, j;

		if (chunk[i]) {
			if (rand_r(&seed) % 2) {
				munmap(chunk[i], len[i]);
				total -= len[i];
				chunk[i] = NULL;
			} else {
				madvise(chunk[i], len[i] / 2, MADV_DONTNEED);
			}
		}
		if (!chunk[i] && total < 250 * MiB) {
			len[i] = (1 + (size_t)(rand_r(&seed) % 16)) * MiB;
			chunk[i] = mmap(NULL, len[i], PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (chunk[i] == MAP_FAILED)
				die("mmap");
			dirty(chunk[i], 0, len[i]);
			total += len[i];
		}
		if (rand_r(&seed) % 2)
			dirty(shm + off, 0, MiB);
		else
			for (j = 0; j < MiB; j += PAGE)
				sink += (unsigned char)shm[off + j];
		off = (size_t)(rand_r(&seed) % 64) * MiB;
		if (rand_r(&seed) % 4 == 0)
			dirty(disk + off, 0, MiB);
		else
			for (j = 0; j < MiB; j += PAGE)
				sink += (unsigned char)disk[off + j];
		if (now() >= next_fork) {
			pid_t c = fork();

			if (c == 0) {
				struct timespec sec = { 1, 0 };
				char *p = mmap(NULL, 8 * MiB, PROT_READ | PROT_WRITE,
					       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

				if (p != MAP_FAILED)
					dirty(p, 0, 8 * MiB);
				nanosleep(&sec, NULL);
				_exit(0);
			}
			next_fork += 2;
		}
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		nanosleep(&step, NULL);
	}
	while (wait(NULL) > 0)
		;
	exit(0);
}

int main(int argc, char **argv)
{
	double start, secs;
	int i;

	if (argc != 7) {
		fprintf(stderr, "usage: churn SECONDS CG_A CG_B CG_C TMPFS_FILE DISK_FILE\n");
		return 2;
	}
	secs = atof(argv[1]);
	start = now();
	for (i = 0; i < 3; i++) {
		pid_t p = fork();

		if (p < 0)
			die("fork");
		if (!p)
			worker(i, start + (i == 1 ? secs * 2 / 3 : secs), argv[2 + i], argv[5], argv[6]);
	}
	while (wait(NULL) > 0)
		;
	return 0;
}
