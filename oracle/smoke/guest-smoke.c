// SPDX-License-Identifier: GPL-2.0-only
/*
 * Smoke test of the real-kernel oracle: runs as /smemcg-guest in the QEMU
 * guest (oracle/run.sh) and prints what the kernel's memcg files show around
 * a few simple steps. oracle/smoke/run-smoke.sh checks the numbers.
 *
 * Layout: /smoke (parent, +memory in its subtree_control) and /smoke/child.
 * A forked worker moves itself into /smoke/child and, step by step on the
 * parent's command, touches 50 MiB of anonymous memory, writes 10 MiB to a
 * file on the disk filesystem (/mnt/disk), fsyncs it, and writes 10 MiB to a
 * file on a tmpfs, then exits. After each step the parent prints one line:
 *
 *   STEP key=value key=value ...
 *
 * with memory.current of the child cgroup, before ("current") and after
 * ("current_drained") draining the per-CPU charge stocks, and memory.stat
 * keys in bytes. The files are then unlinked and the child removed.
 * A second child, /smoke/child2, does the same without the disk file.
 * Other lines: "percpu ..." (the parent's percpu around mkdir and rmdir),
 * "dying ..." (nr_dying_descendants of /smoke after each rmdir).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CG "/sys/fs/cgroup"
#define PARENT CG "/smoke"
#define CHILD PARENT "/child"
#define CHILD2 PARENT "/child2"
#define DRAIN CG "/smoke-drain"
#define DISK_FILE "/mnt/disk/f"
#define TMPFS_DIR "/mnt/tmpfs"
#define TMPFS_FILE TMPFS_DIR "/f"
#define MiB (1024L * 1024L)

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "guest-smoke: ");
	vfprintf(stderr, fmt, ap);
	if (errno)
		fprintf(stderr, ": %s", strerror(errno));
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		die("open %s", path);
	errno = 0;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die("write '%s' to %s", text, path);
	close(fd);
}

static void read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		die("open %s", path);
	n = read(fd, buf, size - 1);
	if (n < 0)
		die("read %s", path);
	buf[n] = 0;
	close(fd);
}

static long read_long(const char *path)
{
	char buf[64];

	read_file(path, buf, sizeof(buf));
	return atol(buf);
}

/* Value of KEY in a flat-keyed file (memory.stat, cgroup.stat), -1 if absent. */
static long read_key(const char *path, const char *key)
{
	static char buf[16384];
	size_t len = strlen(key);
	char *line;

	read_file(path, buf, sizeof(buf));
	for (line = buf; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL)
		if (!strncmp(line, key, len) && line[len] == ' ')
			return atol(line + len + 1);
	return -1;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void enter_cgroup(const char *cg)
{
	char path[256], pid[32];

	snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
	snprintf(pid, sizeof(pid), "%d", getpid());
	write_file(path, pid);
}

/*
 * Each CPU's stock caches pre-charged pages of the last memcg that charged
 * there; memory.current counts them. Charging one page from another cgroup
 * on every CPU hands the cached pages back.
 */
static void drain_stocks(void)
{
	long cpu, ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	for (cpu = 0; cpu < ncpu; cpu++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			cpu_set_t set;
			char *p;

			CPU_ZERO(&set);
			CPU_SET(cpu, &set);
			if (sched_setaffinity(0, sizeof(set), &set))
				die("sched_setaffinity %ld", cpu);
			enter_cgroup(DRAIN);
			p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED)
				die("mmap");
			p[0] = 1;
			_exit(0);
		}
		if (waitpid(pid, NULL, 0) != pid)
			die("waitpid");
	}
}

static const char *const stat_keys[] = {
	"anon", "file", "shmem", "file_mapped", "file_dirty", "file_writeback",
	"kernel", "kernel_stack", "pagetables", "percpu", "slab", NULL,
};

static void report(const char *cg, const char *step)
{
	const char *const *k;
	char current[256], stat[256];
	long before;

	snprintf(current, sizeof(current), "%s/memory.current", cg);
	snprintf(stat, sizeof(stat), "%s/memory.stat", cg);
	before = read_long(current);
	drain_stocks();
	printf("%s current=%ld current_drained=%ld", step, before, read_long(current));
	for (k = stat_keys; *k; k++)
		printf(" %s=%ld", *k, read_key(stat, *k));
	printf("\n");
}

static void write_bytes(const char *path, long size)
{
	static char chunk[65536];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	long done = 0;

	if (fd < 0)
		die("open %s", path);
	memset(chunk, 'x', sizeof(chunk));
	while (done < size) {
		ssize_t n = write(fd, chunk, sizeof(chunk));

		if (n <= 0)
			die("write %s", path);
		done += n;
	}
	close(fd);
}

/* The worker: runs in CG, does one step per command byte. */
static void worker(const char *cg, int cmd, int ack)
{
	char *anon;
	char c;
	int fd;

	enter_cgroup(cg);
	while (read(cmd, &c, 1) == 1) {
		switch (c) {
		case 'a': /* 50 MiB of anonymous memory, every page written */
			anon = malloc(50 * MiB);
			if (!anon)
				die("malloc");
			for (long off = 0; off < 50 * MiB; off += 4096)
				anon[off] = 1;
			break;
		case 'd':
			write_bytes(DISK_FILE, 10 * MiB);
			break;
		case 's':
			fd = open(DISK_FILE, O_RDONLY);
			if (fd < 0 || fsync(fd))
				die("fsync %s", DISK_FILE);
			close(fd);
			break;
		case 't':
			write_bytes(TMPFS_FILE, 10 * MiB);
			break;
		case 'x':
			_exit(0);
		}
		if (write(ack, &c, 1) != 1)
			die("ack");
	}
	_exit(1);
}

static const char *step_name(char c)
{
	switch (c) {
	case 'a': return "anon50M";
	case 'd': return "disk10M";
	case 's': return "disk-fsync";
	case 't': return "tmpfs10M";
	}
	return "?";
}

static long parent_percpu(void)
{
	return read_key(PARENT "/memory.stat", "percpu");
}

static long dying(void)
{
	return read_key(PARENT "/cgroup.stat", "nr_dying_descendants");
}

/*
 * Creates CG, runs a worker in it through STEPS, lets it exit, unlinks the
 * files it wrote and removes CG. TAG prefixes the step names.
 */
static void scenario(const char *cg, const char *tag, const char *steps)
{
	int cmd[2], ack[2];
	char name[64];
	long before;
	const char *p;
	pid_t pid;
	char c;

	before = parent_percpu();
	if (mkdir(cg, 0755))
		die("mkdir %s", cg);
	snprintf(name, sizeof(name), "%s/memory.stat", cg);
	printf("%s-percpu parent_before_mkdir=%ld parent_after_mkdir=%ld child=%ld\n", tag,
	       before, parent_percpu(), read_key(name, "percpu"));
	snprintf(name, sizeof(name), "%s-empty", tag);
	report(cg, name);

	if (pipe(cmd) || pipe(ack))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(cmd[1]);
		close(ack[0]);
		worker(cg, cmd[0], ack[1]);
	}
	close(cmd[0]);
	close(ack[1]);
	snprintf(name, sizeof(name), "%s-forked", tag);
	report(cg, name);

	for (p = steps; *p; p++) {
		errno = 0;
		if (write(cmd[1], p, 1) != 1 || read(ack[0], &c, 1) != 1)
			die("worker did not do step %c", *p);
		snprintf(name, sizeof(name), "%s-%s", tag, step_name(*p));
		report(cg, name);
	}

	if (write(cmd[1], "x", 1) != 1 || waitpid(pid, NULL, 0) != pid)
		die("worker exit");
	close(cmd[1]);
	close(ack[0]);
	snprintf(name, sizeof(name), "%s-exited", tag);
	report(cg, name);

	if (strchr(steps, 't')) {
		if (unlink(TMPFS_FILE))
			die("unlink %s", TMPFS_FILE);
		snprintf(name, sizeof(name), "%s-tmpfs-unlinked", tag);
		report(cg, name);
	}
	if (strchr(steps, 'd')) {
		if (unlink(DISK_FILE))
			die("unlink %s", DISK_FILE);
		sync();
		snprintf(name, sizeof(name), "%s-disk-unlinked", tag);
		report(cg, name);
	}

	before = dying();
	if (rmdir(cg))
		die("rmdir %s", cg);
	printf("%s-dying before_rmdir=%ld after_rmdir=%ld", tag, before, dying());
	sleep_ms(200);
	printf(" after_200ms=%ld", dying());
	write_file("/proc/sys/vm/drop_caches", "3");
	sleep_ms(200);
	printf(" after_drop_caches_200ms=%ld\n", dying());
	printf("%s-percpu parent_after_rmdir=%ld\n", tag, parent_percpu());
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (mkdir(TMPFS_DIR, 0755) && errno != EEXIST)
		die("mkdir %s", TMPFS_DIR);
	if (mount("tmpfs", TMPFS_DIR, "tmpfs", 0, NULL))
		die("mount tmpfs at %s", TMPFS_DIR);
	if (mkdir(DRAIN, 0755))
		die("mkdir %s", DRAIN);
	if (mkdir(PARENT, 0755))
		die("mkdir %s", PARENT);
	write_file(PARENT "/cgroup.subtree_control", "+memory");

	scenario(CHILD, "child", "adst");
	scenario(CHILD2, "child2", "at");
	printf("parent current=%ld\n", read_long(PARENT "/memory.current"));
	return 0;
}
