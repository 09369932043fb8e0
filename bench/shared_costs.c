// SPDX-License-Identifier: GPL-2.0-only
/*
 * shared_costs: what the proposals' bookkeeping costs, for two closing
 * questions that the speedtest driver does not ask.
 *
 * 1. Seed 000 (issue 6) doubts that exact per-memcg borrow tracking is
 *    affordable. The same workload runs on a plain tmpfs and on one whose
 *    pages belong to an smemcg with two borrowing containers: charge (a
 *    write that allocates the pages), share (a read fault that maps them:
 *    a first process of a memcg, a second process of the same memcg, a
 *    process of another memcg), unshare (munmap), uncharge (truncate). It
 *    prints ns per page for both and the difference, and the borrow
 *    table's bytes per shared page and per (page, memcg) pair.
 * 2. Seed 004 (issue 12) asks that kernel-memory accounting cost no more
 *    than a predictable branch while no kmem limit is set anywhere:
 *    kmalloc+kfree ns per object with accounting off (cgroup.memory=nokmem),
 *    on with no limit, on with a limit set in another cgroup (the static
 *    branch on, this memcg unlimited) and on with a limit on this memcg.
 *
 *   build/bench/shared_costs [--pages N] [--repeat R]
 *
 * Each borrow figure is the median of R runs (default 5), each kmem figure
 * the fastest; every run builds its machine afresh.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smemcg.h"

/* Internal: the borrow table's size is not part of the public API. */
#include "machine.h"
#include "ext/shmcg.h"

#define PAGE 4096ull

static long opt_pages = 262144;	/* 1 GiB shared */
static int opt_repeat = 5;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die_on(int err, smemcg_machine *m, const char *what)
{
	if (!err)
		return;
	fprintf(stderr, "shared_costs: %s: %s (%s)\n", what, strerror(-err),
		m ? smemcg_last_error(m) : "");
	exit(1);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/* ---- seed 000: borrow tracking ----------------------------------- */

enum share_step {
	S_CHARGE, S_SHARE_FIRST, S_SHARE_SAME, S_SHARE_OTHER,
	S_UNSHARE_OTHER, S_UNSHARE_SAME, S_UNSHARE_LAST, S_UNCHARGE, NR_STEPS
};

static const char *const step_names[NR_STEPS] = {
	"charge (write allocates the page)",
	"share, first process of memcg c1",
	"share, second process of c1",
	"share, a process of memcg c2",
	"unshare, c2's process",
	"unshare, c1's second process",
	"unshare, c1's last process",
	"uncharge (truncate frees the page)",
};

struct share_run {
	double ns[NR_STEPS];	/* per page */
	size_t table_bytes;	/* borrow table at its largest */
	long pairs;		/* (page, memcg) pairs tracked then */
};

static void share_run(struct share_run *r, bool with_smemcg)
{
	struct smemcg_config cfg;
	smemcg_machine *m = NULL;
	uint64_t size = (uint64_t)opt_pages * PAGE;
	int init, w, a, a2, b, ma, ma2, mb;
	double t;

	smemcg_config_init(&cfg);
	cfg.memory_bytes = 4 * size + (1ull << 30);
	cfg.cpus = 2;
	die_on(smemcg_machine_new(&m, &cfg), NULL, "machine");
	die_on(smemcg_file_write(m, "/cgroup.subtree_control", "+memory"), m, "+memory");
	die_on(smemcg_cgroup_mkdir(m, "/pod"), m, "mkdir /pod");
	die_on(smemcg_file_write(m, "/pod/cgroup.subtree_control", "+memory"), m, "+memory");
	die_on(smemcg_cgroup_mkdir(m, "/pod/c1"), m, "mkdir c1");
	die_on(smemcg_cgroup_mkdir(m, "/pod/c2"), m, "mkdir c2");
	die_on(smemcg_spawn(&init, m, "init", "/", 0), m, "spawn init");
	die_on(smemcg_mount_tmpfs(m, init, "/shared", with_smemcg ? "smemcg=podshm" : ""),
	       m, "mount");
	if (with_smemcg) {
		die_on(smemcg_file_write(m, "/pod/c1/memory.smemcg", "+podshm"), m, "attach c1");
		die_on(smemcg_file_write(m, "/pod/c2/memory.smemcg", "+podshm"), m, "attach c2");
	}
	die_on(smemcg_spawn(&w, m, "writer", "/pod/c1", 0), m, "spawn");
	die_on(smemcg_spawn(&a, m, "a", "/pod/c1", 0), m, "spawn");
	die_on(smemcg_spawn(&a2, m, "a2", "/pod/c1", 0), m, "spawn");
	die_on(smemcg_spawn(&b, m, "b", "/pod/c2", 0), m, "spawn");

#define STEP(i, call)                                                   \
	do {                                                            \
		t = now_s();                                            \
		die_on(call, m, step_names[i]);                         \
		r->ns[i] = (now_s() - t) * 1e9 / (double)opt_pages;     \
	} while (0)

	STEP(S_CHARGE, smemcg_pwrite(m, w, "/shared/data", 0, size));
	die_on(smemcg_mmap_file(&ma, m, a, "/shared/data", size, true, 0), m, "mmap");
	die_on(smemcg_mmap_file(&ma2, m, a2, "/shared/data", size, true, 0), m, "mmap");
	die_on(smemcg_mmap_file(&mb, m, b, "/shared/data", size, true, 0), m, "mmap");
	STEP(S_SHARE_FIRST, smemcg_touch(m, a, ma, 0, UINT64_MAX, false));
	STEP(S_SHARE_SAME, smemcg_touch(m, a2, ma2, 0, UINT64_MAX, false));
	STEP(S_SHARE_OTHER, smemcg_touch(m, b, mb, 0, UINT64_MAX, false));
	r->table_bytes = shmcg_metadata_bytes(to_machine(m));
	/* c1, c2 and their parent /pod each borrow every page once */
	r->pairs = 3 * opt_pages;
	STEP(S_UNSHARE_OTHER, smemcg_munmap(m, b, mb));
	STEP(S_UNSHARE_SAME, smemcg_munmap(m, a2, ma2));
	STEP(S_UNSHARE_LAST, smemcg_munmap(m, a, ma));
	STEP(S_UNCHARGE, smemcg_truncate(m, w, "/shared/data", 0));
#undef STEP
	if (with_smemcg) {
		char *v = NULL;

		/* the borrow counters must be back to zero: the run measured real work */
		die_on(smemcg_file_read(&v, m, "/pod/c1/memory.smemcg"), m, "read");
		if (strcmp(v, "podshm 0\n")) {
			fprintf(stderr, "shared_costs: c1 still borrows: %s", v);
			exit(1);
		}
		free(v);
	}
	die_on(smemcg_check(m), m, "invariants");
	smemcg_machine_free(m);
}

static void bench_borrow(void)
{
	double plain[NR_STEPS][64], shared[NR_STEPS][64], bytes[64];
	struct share_run r;
	int i, s;

	for (i = 0; i < opt_repeat; i++) {
		share_run(&r, false);
		for (s = 0; s < NR_STEPS; s++)
			plain[s][i] = r.ns[s];
		share_run(&r, true);
		for (s = 0; s < NR_STEPS; s++)
			shared[s][i] = r.ns[s];
		bytes[i] = (double)r.table_bytes;
	}
	printf("seed 000 borrow tracking: %ld shared pages (%llu MiB), 2 containers of one pod\n",
	       opt_pages, (unsigned long long)opt_pages * PAGE >> 20);
	printf("  %-38s %12s %12s %12s\n", "ns per page", "plain tmpfs", "smemcg", "extra");
	for (s = 0; s < NR_STEPS; s++) {
		double p = median(plain[s], opt_repeat), q = median(shared[s], opt_repeat);

		printf("  %-38s %12.1f %12.1f %+12.1f\n", step_names[s], p, q, q - p);
	}
	printf("  borrow table at its largest: %.0f bytes = %.1f B per shared page, "
	       "%.1f B per (page, memcg) pair (%ld pairs: c1, c2, /pod)\n",
	       median(bytes, opt_repeat), median(bytes, opt_repeat) / (double)opt_pages,
	       median(bytes, opt_repeat) / (double)r.pairs, r.pairs);
}

/* ---- seed 004: kmem accounting behind a static branch ------------ */

enum kmem_mode { K_OFF, K_ON, K_ON_LIMIT_ELSEWHERE, K_ON_LIMITED, NR_KMEM_MODES };

static const char *const kmem_names[NR_KMEM_MODES] = {
	"kmem=off (cgroup.memory=nokmem)",
	"kmem=on, no kmem limit anywhere",
	"kmem=on, a limit in another cgroup",
	"kmem=on, memory.kmem.max on this memcg",
};

/* ns per kmalloc+kfree of one object of cache, in batches of batch */
static double kmem_run(enum kmem_mode mode, const char *cache, long batch, long rounds)
{
	struct smemcg_config cfg;
	smemcg_machine *m = NULL;
	int p;
	long i;
	double t;

	smemcg_config_init(&cfg);
	cfg.memory_bytes = 8ull << 30;
	cfg.cpus = 2;
	die_on(smemcg_machine_new(&m, &cfg), NULL, "machine");
	if (mode == K_OFF)
		die_on(smemcg_policy_set(m, "kmem", "off"), m, "kmem=off");
	die_on(smemcg_file_write(m, "/cgroup.subtree_control", "+memory"), m, "+memory");
	die_on(smemcg_cgroup_mkdir(m, "/app"), m, "mkdir");
	die_on(smemcg_cgroup_mkdir(m, "/other"), m, "mkdir");
	if (mode == K_ON_LIMIT_ELSEWHERE)
		die_on(smemcg_file_write(m, "/other/memory.kmem.max", "1G"), m, "kmem.max");
	if (mode == K_ON_LIMITED)
		die_on(smemcg_file_write(m, "/app/memory.kmem.max", "1G"), m, "kmem.max");
	die_on(smemcg_spawn(&p, m, "app", "/app", 0), m, "spawn");
	t = now_s();
	for (i = 0; i < rounds; i++) {
		die_on(smemcg_kmalloc(m, p, cache, batch), m, "kmalloc");
		die_on(smemcg_kfree(m, p, cache, batch), m, "kfree");
	}
	t = (now_s() - t) * 1e9 / (double)(rounds * batch);
	die_on(smemcg_check(m), m, "invariants");
	smemcg_machine_free(m);
	return t;
}

static void bench_kmem(void)
{
	static const char *const caches[] = { "dentry", "bytes:64", "task_struct" };
	enum { NC = sizeof(caches) / sizeof(caches[0]) };
	double best[NR_KMEM_MODES][NC];
	int mode, i, c;

	/*
	 * The fastest of the runs: other work on the machine only ever adds
	 * time. The modes are interleaved within each round so that a slow
	 * spell of the host hits them all alike.
	 */
	for (i = 0; i < opt_repeat; i++)
		for (c = 0; c < NC; c++)
			for (mode = 0; mode < NR_KMEM_MODES; mode++) {
				double t = kmem_run((enum kmem_mode)mode, caches[c], 1000, 1000);

				if (!i || t < best[mode][c])
					best[mode][c] = t;
			}
	printf("\nseed 004 kmem accounting: kmalloc+kfree, ns per object "
	       "(batches of 1000, fastest of %d runs)\n", opt_repeat);
	printf("  %-40s", "");
	for (c = 0; c < NC; c++)
		printf(" %12s", caches[c]);
	printf("\n");
	for (mode = 0; mode < NR_KMEM_MODES; mode++) {
		printf("  %-40s", kmem_names[mode]);
		for (c = 0; c < NC; c++)
			printf(" %12.1f", best[mode][c]);
		printf("\n");
	}
}

int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--pages") && i + 1 < argc) {
			opt_pages = atol(argv[++i]);
		} else if (!strcmp(argv[i], "--repeat") && i + 1 < argc) {
			opt_repeat = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: shared_costs [--pages N] [--repeat R]\n"
			       "  --pages N   shared pages for the borrow benchmark (default 262144 = 1 GiB)\n"
			       "  --repeat R  runs per figure, median reported (default 5, at most 63)\n");
			return 0;
		} else {
			fprintf(stderr, "shared_costs: unknown argument %s (try --help)\n", argv[i]);
			return 2;
		}
	}
	if (opt_pages < 1 || opt_pages > (1L << 24) || opt_repeat < 1 || opt_repeat > 63) {
		fprintf(stderr, "shared_costs: --pages must be 1..16777216, --repeat 1..63\n");
		return 2;
	}
	bench_borrow();
	bench_kmem();
	return 0;
}
