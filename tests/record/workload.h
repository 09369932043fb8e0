/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the workloads `smemcg record` is tried on share: the test's
 * (tests/record/rec_workload.c) and the benchmark's (bench/record/churn.c).
 * A worker joins its cgroup by writing its own pid to cgroup.procs, as a
 * container runtime does, and writes one byte per page to fault pages in.
 */
#ifndef SMEMCG_REC_WORKLOAD_H
#define SMEMCG_REC_WORKLOAD_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define MiB (1UL << 20)
#define PAGE 4096UL

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* Move this process into the cgroup whose directory is dir. */
static void join(const char *dir)
{
	char path[4096], pid[32];
	int fd, n;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY);
	n = snprintf(pid, sizeof(pid), "%d\n", getpid());
	if (fd < 0 || write(fd, pid, (size_t)n) != n)
		die(path);
	close(fd);
}

/* Write a byte to every page of [from, to): each one present and dirty. */
static void dirty(volatile char *p, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i += PAGE)
		p[i] = (char)(1 + i / PAGE % 97);
}

#endif
