// SPDX-License-Identifier: GPL-2.0-only
/*
 * speedtest: the smemcg performance driver (issue 10), in the style of
 * SQLite's speedtest1. One line per figure: name, measured value, target,
 * PASS/FAIL. Every test runs in a forked child (so that RSS deltas and
 * timings of one test are not disturbed by the heap another left behind);
 * --repeat N runs each N times and reports the median.
 *
 *   build/bench/speedtest [--size N] [--testset A,B] [--repeat N] [--verify]
 *                         [--json FILE] [--timeout SEC] [--no-fork] [--list]
 *
 * --size 100 (the default) is the scale: 16 Mi pages (64 GiB
 * simulated), 100,000 cgroups, 1,000 cgroups under 64 GiB, 100,000 churn
 * cycles. Work and time targets scale linearly with --size; per-page,
 * per-memcg and per-op targets do not.
 *
 * Everything is driven through the public API (include/smemcg.h) except the
 * charge micro-benchmark, which calls try_charge()/memcg_uncharge*() of
 * src/mm/memcontrol/charge.h directly, because no public call charges one page
 * without a page fault around it.
 *
 * --verify prints, per test, an FNV-1a hash over the text of memory.current,
 * memory.stat, memory.events, memory.swap.current and cgroup.stat of every
 * cgroup the test left (plus the root), and runs smemcg_check(): an
 * optimisation must leave every hash unchanged. Hashes depend on --size.
 */
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "smemcg.h"

/* Internal headers: only for the charge micro-benchmark. */
#include "machine.h"
#include "mm/memcontrol/charge.h"
#include "mm/memcontrol/memcg.h"
#include "mm/task.h"

#define KiB ((uint64_t)1 << 10)
#define MiB ((uint64_t)1 << 20)
#define GiB ((uint64_t)1 << 30)
#define PAGE ((uint64_t)4096)

/* ------------------------------------------------------------------ */
/* options */

static struct {
	long size;		/* percent of the scale */
	int repeat;
	bool verify;
	bool fork;
	bool strict;
	const char *json;
	const char *testsets;
	int timeout;		/* seconds per test run */
} opt = { 100, 3, false, true, false, NULL, NULL, 1800 };

static char cmdline[1024];

/* n scaled by --size (100 = n), at least lo */
static uint64_t scaled(uint64_t n, uint64_t lo)
{
	uint64_t v = n * (uint64_t)opt.size / 100;

	return v < lo ? lo : v;
}

/* ------------------------------------------------------------------ */
/* clock, memory, hashing */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/*
 * CPU time of this process: the scaling tests run in a child of their own
 * and judge a ratio of times, which waiting for a busy machine's cores
 * (wall time) would make noise of.
 */
static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Resident set size of this process in bytes (/proc/self/statm). */
static uint64_t rss_bytes(void)
{
	unsigned long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%lu %lu", &size, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* Bytes malloc has handed out (arena + mmap'd chunks). */
static uint64_t heap_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();

	return (uint64_t)mi.uordblks + (uint64_t)mi.hblkhd;
}

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	while (n--) {
		h ^= *s++;
		h *= FNV_PRIME;
	}
	return h;
}

/* ------------------------------------------------------------------ */
/* records: child -> parent through a pipe */

enum rec_kind { REC_VALUE, REC_HASH, REC_NOTE, REC_ERROR };

struct rec {
	int kind;
	char name[48];
	char unit[12];
	char text[200];
	double value;
	uint64_t hash;
};

struct ctx {
	int fd;			/* pipe to the parent, or -1 */
	const char *unit;	/* the test's name */
	/* --no-fork: records go straight here */
	struct rec *recs;
	int nr_recs, cap_recs;
	uint64_t hash;
	bool failed;
};

static void put(struct ctx *c, const struct rec *r)
{
	if (c->fd >= 0) {
		ssize_t n = write(c->fd, r, sizeof(*r));

		(void)n;
		return;
	}
	if (c->nr_recs == c->cap_recs) {
		c->cap_recs = c->cap_recs ? c->cap_recs * 2 : 32;
		c->recs = realloc(c->recs, (size_t)c->cap_recs * sizeof(*r));
		if (!c->recs)
			abort();
	}
	c->recs[c->nr_recs++] = *r;
}

static void emit(struct ctx *c, const char *name, double value, const char *unit)
{
	struct rec r;

	memset(&r, 0, sizeof(r));
	r.kind = REC_VALUE;
	snprintf(r.name, sizeof(r.name), "%s", name);
	snprintf(r.unit, sizeof(r.unit), "%s", unit);
	r.value = value;
	put(c, &r);
}

static void note(struct ctx *c, int kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void note(struct ctx *c, int kind, const char *fmt, ...)
{
	struct rec r;
	va_list ap;

	memset(&r, 0, sizeof(r));
	r.kind = kind;
	snprintf(r.name, sizeof(r.name), "%s", c->unit);
	va_start(ap, fmt);
	vsnprintf(r.text, sizeof(r.text), fmt, ap);
	va_end(ap);
	if (kind == REC_ERROR)
		c->failed = true;
	put(c, &r);
}

/* A model call that must succeed: on failure, record why and fail the test. */
#define MUST(c, m, call)                                                        \
	do {                                                                    \
		int err_ = (call);                                              \
		if (err_) {                                                     \
			note((c), REC_ERROR, "%s: %s (%d): %s", #call,          \
			     strerror(-err_), err_, smemcg_last_error(m));      \
			return;                                                 \
		}                                                               \
	} while (0)

/* ------------------------------------------------------------------ */
/* model helpers */

static smemcg_machine *new_machine(struct ctx *c, uint64_t memory, uint64_t swap)
{
	struct smemcg_config cfg;
	smemcg_machine *m = NULL;
	int err;

	smemcg_config_init(&cfg);
	cfg.memory_bytes = memory;
	cfg.swap_bytes = swap;
	cfg.cpus = 2;
	err = smemcg_machine_new(&m, &cfg);
	if (err) {
		note(c, REC_ERROR, "smemcg_machine_new(memory=%" PRIu64 ", swap=%" PRIu64 "): %s",
		     memory, swap, strerror(-err));
		return NULL;
	}
	return m;
}

static int wr(smemcg_machine *m, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int wr(smemcg_machine *m, const char *path, const char *fmt, ...)
{
	char buf[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return smemcg_file_write(m, path, buf);
}

/* A control file's value as a number (first token), or -1. */
static long long read_num(smemcg_machine *m, const char *path)
{
	char *s = NULL;
	long long v = -1;

	if (smemcg_file_read(&s, m, path) == 0) {
		v = strtoll(s, NULL, 10);
		free(s);
	}
	return v;
}

/* The value of KEY in a flat-keyed file such as memory.stat, or -1. */
static long long read_key(smemcg_machine *m, const char *path, const char *key)
{
	char *s = NULL, *p;
	long long v = -1;
	size_t kl = strlen(key);

	if (smemcg_file_read(&s, m, path))
		return -1;
	for (p = s; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (!strncmp(p, key, kl) && p[kl] == ' ') {
			v = strtoll(p + kl + 1, NULL, 10);
			break;
		}
	}
	free(s);
	return v;
}

static const char *const hashed_files[] = {
	"memory.current", "memory.stat", "memory.events", "memory.swap.current",
	"cgroup.stat",
};

/* Hash the text of cgroup cg's files (errors hash as their errno). */
static uint64_t hash_cgroup(smemcg_machine *m, const char *cg, uint64_t h)
{
	char path[256];
	size_t i;

	h = fnv(h, cg, strlen(cg) + 1);
	for (i = 0; i < sizeof(hashed_files) / sizeof(hashed_files[0]); i++) {
		char *s = NULL;
		int err;

		snprintf(path, sizeof(path), "%s/%s", strcmp(cg, "/") ? cg : "",
			 hashed_files[i]);
		err = smemcg_file_read(&s, m, path);
		if (err) {
			h = fnv(h, &err, sizeof(err));
		} else {
			h = fnv(h, s, strlen(s));
			free(s);
		}
	}
	return h;
}

/* --verify: invariants, then the hash of the listed cgroups. */
static void verify_state(struct ctx *c, smemcg_machine *m, const char *const *cgs,
			 size_t n, const char *fmt_many, uint64_t many)
{
	uint64_t h = FNV_OFFSET;
	char path[128];
	uint64_t i;
	int err;

	if (!opt.verify)
		return;
	err = smemcg_check(m);
	if (err)
		note(c, REC_ERROR, "smemcg_check: %s", smemcg_last_error(m));
	h = hash_cgroup(m, "/", h);
	for (i = 0; i < n; i++)
		h = hash_cgroup(m, cgs[i], h);
	for (i = 0; fmt_many && i < many; i++) {
		snprintf(path, sizeof(path), fmt_many, (unsigned long long)i,
			 (unsigned long long)i);
		h = hash_cgroup(m, path, h);
	}
	c->hash = h;
	{
		struct rec r;

		memset(&r, 0, sizeof(r));
		r.kind = REC_HASH;
		snprintf(r.name, sizeof(r.name), "%s", c->unit);
		r.hash = h;
		put(c, &r);
	}
}

/* ------------------------------------------------------------------ */
/* test: charge+uncharge of one page, depth 1..8 */

#define MAX_DEPTH 8
/*
 * Micro-benchmarks take the fastest of TRIALS timed loops (interrupts and
 * vCPU steal only ever add time); --repeat then takes the median of those.
 */
#define TRIALS 5

struct atomic_slot {
	long v;
	char pad[64 - sizeof(long)];
};

static struct atomic_slot atomic_slots[2 * (MAX_DEPTH + 1)];

/*
 * The kernel's page_counter does one atomic_long_add_return per level on
 * charge and one atomic_long_sub_return per level on uncharge, on distinct
 * cache lines. Time the same uncontended lock xadd sequence here.
 */
static double atomic_add_ns(uint64_t iters)
{
	const int levels = 4;
	double best = INFINITY;
	long sink = 0;
	uint64_t i;
	int l, trial;

	for (trial = 0; trial < TRIALS + 1; trial++) {
		double t0 = now_s(), t;

		for (i = 0; i < iters; i++) {
			for (l = 0; l < levels; l++)
				sink += __atomic_add_fetch(&atomic_slots[l].v, 1, __ATOMIC_SEQ_CST);
			for (l = 0; l < levels; l++)
				sink += __atomic_sub_fetch(&atomic_slots[l].v, 1, __ATOMIC_SEQ_CST);
		}
		t = (now_s() - t0) * 1e9 / ((double)iters * 2 * levels);
		if (trial && t < best)	/* trial 0 warms up */
			best = t;
	}
	if (sink == 42)
		fputc(' ', stderr);
	return best;
}

enum charge_mode { CM_HIT, CM_DIRECT, CM_NOSTOCK, NR_CM };
static const char *const charge_mode_name[NR_CM] = { "hit", "stock-direct", "nostock" };

static void run_charge(struct ctx *c, long arg)
{
	uint64_t iters = scaled(2000000, 1000000);
	static const char *cgs[MAX_DEPTH];
	static char names[MAX_DEPTH][128];
	struct mem_cgroup *memcgs[MAX_DEPTH + 1];
	smemcg_machine *sm;
	struct machine *m;
	struct task *t;
	int d, mode, pid;

	(void)arg;
	emit(c, "atomic.add", atomic_add_ns(iters), "ns");

	sm = new_machine(c, 4 * GiB, 0);
	if (!sm)
		return;
	m = to_machine(sm);
	/* /l1/l2/.../l8, +memory all the way down; the task sits in /l1's parent */
	names[0][0] = '\0';
	for (d = 1; d <= MAX_DEPTH; d++) {
		char parent[64];

		snprintf(parent, sizeof(parent), "%s", d == 1 ? "" : names[d - 2]);
		snprintf(names[d - 1], sizeof(names[d - 1]), "%s/l%d", parent, d);
		cgs[d - 1] = names[d - 1];
		if (d > 1) {
			char ctl[96];

			snprintf(ctl, sizeof(ctl), "%s/cgroup.subtree_control", parent);
			MUST(c, sm, wr(sm, ctl, "+memory"));
		} else {
			MUST(c, sm, wr(sm, "/cgroup.subtree_control", "+memory"));
		}
		MUST(c, sm, smemcg_cgroup_mkdir(sm, names[d - 1]));
		memcgs[d] = cgroup_lookup(m, names[d - 1])->memcg;
	}
	/* current = a task, as on a fault: the over-high walk runs on refills */
	MUST(c, sm, smemcg_spawn(&pid, sm, "bench", "/", 0));
	t = task_lookup(m, pid);

	for (mode = 0; mode < NR_CM; mode++) {
		MUST(c, sm, smemcg_policy_set(sm, "stock", mode == CM_NOSTOCK ? "off" : "on"));
		for (d = 1; d <= MAX_DEPTH; d++) {
			struct mem_cgroup *memcg = memcgs[d];
			uint64_t i, n = mode == CM_HIT ? iters : iters / 2;
			double best = INFINITY;
			char name[48];
			int err = 0, trial;

			task_enter(m, t);
			for (i = 0; i < n / 4; i++) {	/* warm up, fill the stock */
				err |= try_charge(m, memcg, GFP_KERNEL, 1);
				memcg_uncharge(m, memcg, 1);
			}
			for (trial = 0; trial < TRIALS; trial++) {
				double t0, t1;

				if (mode == CM_HIT) {
					t0 = now_s();
					for (i = 0; i < n; i++) {
						err |= try_charge(m, memcg, GFP_KERNEL, 1);
						memcg_uncharge_to_stock(m, memcg, 1);
					}
					t1 = now_s();
				} else {
					t0 = now_s();
					for (i = 0; i < n; i++) {
						err |= try_charge(m, memcg, GFP_KERNEL, 1);
						memcg_uncharge(m, memcg, 1);
					}
					t1 = now_s();
				}
				if ((t1 - t0) * 1e9 / (double)n < best)
					best = (t1 - t0) * 1e9 / (double)n;
			}
			drain_all_stock(m, m->root_mem_cgroup);
			m->current = NULL;
			if (err) {
				note(c, REC_ERROR, "try_charge failed at depth %d", d);
				return;
			}
			snprintf(name, sizeof(name), "charge.%s.d%d", charge_mode_name[mode], d);
			emit(c, name, best, "ns");
		}
	}
	MUST(c, sm, smemcg_exit(sm, pid));
	verify_state(c, sm, cgs, MAX_DEPTH, NULL, 0);
	smemcg_machine_free(sm);
}

/* ------------------------------------------------------------------ */
/* test: touch 16 Mi pages in one cgroup, no limit / under a limit */

static void run_touch(struct ctx *c, long limit_half)
{
	uint64_t pages = scaled(16ULL << 20, 1024);
	uint64_t bytes = pages * PAGE;
	static const char *cgs[] = { "/t" };
	smemcg_machine *m;
	uint64_t rss0, rss1, heap0, heap1;
	double t0, t1;
	int pid, map;

	/*
	 * Physical memory twice the touched size: no global reclaim. Under
	 * the limit, anon pages can only go to swap: a swap device as large
	 * as the touched size.
	 */
	m = new_machine(c, 2 * bytes + 1 * GiB, limit_half ? bytes : 0);
	if (!m)
		return;
	MUST(c, m, wr(m, "/cgroup.subtree_control", "+memory"));
	MUST(c, m, smemcg_cgroup_mkdir(m, "/t"));
	if (limit_half)
		MUST(c, m, wr(m, "/t/memory.max", "%" PRIu64, bytes / 2));
	MUST(c, m, smemcg_spawn(&pid, m, "toucher", "/t", 0));
	MUST(c, m, smemcg_mmap_anon(&map, m, pid, bytes, false));

	heap0 = heap_bytes();
	rss0 = rss_bytes();
	t0 = now_s();
	MUST(c, m, smemcg_touch(m, pid, map, 0, bytes, true));
	t1 = now_s();
	rss1 = rss_bytes();
	heap1 = heap_bytes();

	if (!limit_half) {
		emit(c, "touch.nolimit", t1 - t0, "s");
		emit(c, "touch.nolimit.ns-per-page", (t1 - t0) * 1e9 / (double)pages, "ns");
		emit(c, "meta.page.rss", (double)(rss1 - rss0) / (double)pages, "B/page");
		emit(c, "meta.page.heap", (double)(int64_t)(heap1 - heap0) / (double)pages,
		     "B/page");
	} else {
		long long swapped = read_num(m, "/t/memory.swap.current");
		long long cur = read_num(m, "/t/memory.current");

		emit(c, "touch.reclaim-half", t1 - t0, "s");
		emit(c, "touch.reclaim-half.ns-per-page", (t1 - t0) * 1e9 / (double)pages, "ns");
		emit(c, "touch.reclaim-half.swapped", (double)swapped / (double)bytes * 100.0,
		     "%");
		if (cur > (long long)(bytes / 2))
			note(c, REC_ERROR, "memory.current %lld above memory.max %" PRIu64,
			     cur, bytes / 2);
		if (swapped < (long long)(bytes / 2) - (long long)(64 * MiB))
			note(c, REC_ERROR, "only %lld bytes swapped out of %" PRIu64, swapped,
			     bytes);
	}
	verify_state(c, m, cgs, 1, NULL, 0);
	smemcg_machine_free(m);
}

/* ------------------------------------------------------------------ */
/* test: bytes per memcg, live and zombie */

#define FANOUT 256

static void run_memcgs(struct ctx *c, long arg)
{
	uint64_t n = scaled(100000, 100), made = 0, groups = 0, i;
	static const char *cgs[] = { "/m" };
	uint64_t rss0, rss1, heap0, heap1;
	smemcg_machine *m;
	double t0, t1;
	char path[96];
	int err = 0;

	(void)arg;
	m = new_machine(c, 4 * GiB, 0);
	if (!m)
		return;
	MUST(c, m, wr(m, "/cgroup.subtree_control", "+memory"));
	MUST(c, m, smemcg_cgroup_mkdir(m, "/m"));
	MUST(c, m, wr(m, "/m/cgroup.subtree_control", "+memory"));

	/*
	 * /m/gG/cI with 256 children a group: how pods and containers look,
	 * and it keeps the linear child lookup of cgroup_lookup() out of this
	 * figure (the mkdir.flat test measures that one). The 16-bit memcg id
	 * space (MEM_CGROUP_ID_MAX, as in the kernel) caps memcgs at 65,535
	 * including the root: mkdir fails with ENOSPC there, as the kernel's
	 * does, and the figure is per memcg actually made.
	 */
	heap0 = heap_bytes();
	rss0 = rss_bytes();
	t0 = now_s();
	for (i = 0; i < n && !err; i++) {
		if (i % FANOUT == 0) {
			snprintf(path, sizeof(path), "/m/g%llu", (unsigned long long)(i / FANOUT));
			err = smemcg_cgroup_mkdir(m, path);
			if (err)
				break;
			groups++;
			snprintf(path, sizeof(path), "/m/g%llu/cgroup.subtree_control",
				 (unsigned long long)(i / FANOUT));
			err = wr(m, path, "+memory");
			if (err)
				break;
		}
		snprintf(path, sizeof(path), "/m/g%llu/c%llu", (unsigned long long)(i / FANOUT),
			 (unsigned long long)i);
		err = smemcg_cgroup_mkdir(m, path);
		if (!err)
			made++;
	}
	t1 = now_s();
	rss1 = rss_bytes();
	heap1 = heap_bytes();
	if (err && err != -ENOSPC) {
		note(c, REC_ERROR, "mkdir %s: %s: %s", path, strerror(-err), smemcg_last_error(m));
		return;
	}
	if (err == -ENOSPC)
		note(c, REC_NOTE, "live memcgs: %llu of %llu created, then ENOSPC (16-bit memcg ids)",
		     (unsigned long long)(made + groups), (unsigned long long)(n + groups));
	emit(c, "meta.memcg.count", (double)(made + groups), "memcgs");
	emit(c, "meta.memcg.rss", (double)(rss1 - rss0) / (double)(made + groups), "B");
	emit(c, "meta.memcg.heap", (double)(int64_t)(heap1 - heap0) / (double)(made + groups),
	     "B");
	emit(c, "meta.memcg.mkdir", (t1 - t0) * 1e6 / (double)(made + groups), "us");
	verify_state(c, m, cgs, 1, NULL, 0);
	smemcg_machine_free(m);
}

static void run_zombies(struct ctx *c, long arg)
{
	uint64_t n = scaled(100000, 100), i;
	static const char *cgs[] = { "/z" };
	uint64_t rss0, rss1, heap0, heap1;
	smemcg_machine *m;
	long long dying;
	double t0, t1;
	char path[96];
	int pid;

	(void)arg;
	m = new_machine(c, 4 * GiB + n * PAGE * 2, 0);
	if (!m)
		return;
	MUST(c, m, wr(m, "/cgroup.subtree_control", "+memory"));
	MUST(c, m, smemcg_cgroup_mkdir(m, "/z"));
	MUST(c, m, wr(m, "/z/cgroup.subtree_control", "+memory"));
	MUST(c, m, smemcg_spawn(&pid, m, "writer", "/", 0));
	/* one file; page i is brought in by zombie-to-be i */
	MUST(c, m, smemcg_truncate(m, pid, "/data/zombies", n * PAGE));

	/*
	 * Each cycle: mkdir, move the task in, read one page of the file
	 * (clean page cache charged to the new cgroup), move it out, rmdir.
	 * The page keeps the offline memcg alive: a zombie. Offline memcgs
	 * without swap entries give their id back, so zombies are not capped.
	 */
	heap0 = heap_bytes();
	rss0 = rss_bytes();
	t0 = now_s();
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/z/c%llu", (unsigned long long)i);
		MUST(c, m, smemcg_cgroup_mkdir(m, path));
		MUST(c, m, smemcg_move(m, pid, path));
		MUST(c, m, smemcg_pread(m, pid, "/data/zombies", i * PAGE, PAGE));
		MUST(c, m, smemcg_move(m, pid, "/"));
		MUST(c, m, smemcg_cgroup_rmdir(m, path));
	}
	t1 = now_s();
	rss1 = rss_bytes();
	heap1 = heap_bytes();
	dying = read_key(m, "/z/cgroup.stat", "nr_dying_descendants");
	if (dying != (long long)n)
		note(c, REC_ERROR, "nr_dying_descendants %lld, expected %llu", dying,
		     (unsigned long long)n);
	emit(c, "meta.zombie.count", (double)dying, "zombies");
	emit(c, "meta.zombie.rss", (double)(rss1 - rss0) / (double)n, "B");
	emit(c, "meta.zombie.heap", (double)(int64_t)(heap1 - heap0) / (double)n, "B");
	emit(c, "meta.zombie.cycle", (t1 - t0) * 1e6 / (double)n, "us");
	verify_state(c, m, cgs, 1, NULL, 0);
	smemcg_machine_free(m);
}

/* ------------------------------------------------------------------ */
/* scaling: memory.max lowered from W to W/64 over 1,000 cgroups */

static const char *point_name(long k)
{
	return k == 1 ? "1x" : k == 4 ? "4x" : "16x";
}

static void run_memmax(struct ctx *c, long k)
{
	/* 16x at --size 100: 64 GiB of page cache in 1,000 cgroups, max -> 1 GiB */
	uint64_t total = scaled(4 * GiB, 64 * MiB) / PAGE * PAGE * (uint64_t)k;
	uint64_t ncg = scaled(1000, 10), per = total / ncg / PAGE * PAGE, i;
	static const char *cgs[] = { "/p" };
	smemcg_machine *m;
	long long cur;
	double t0, t1;
	char path[96], file[64], name[48];
	int pid;

	m = new_machine(c, 2 * total + 1 * GiB, 0);
	if (!m)
		return;
	MUST(c, m, wr(m, "/cgroup.subtree_control", "+memory"));
	MUST(c, m, smemcg_cgroup_mkdir(m, "/p"));
	MUST(c, m, wr(m, "/p/cgroup.subtree_control", "+memory"));
	MUST(c, m, wr(m, "/p/memory.max", "%" PRIu64, total + 64 * MiB));
	MUST(c, m, smemcg_spawn(&pid, m, "reader", "/", 0));
	for (i = 0; i < ncg; i++) {
		snprintf(path, sizeof(path), "/p/c%llu", (unsigned long long)i);
		snprintf(file, sizeof(file), "/data/f%llu", (unsigned long long)i);
		MUST(c, m, smemcg_cgroup_mkdir(m, path));
		MUST(c, m, smemcg_move(m, pid, path));
		MUST(c, m, smemcg_truncate(m, pid, file, per));
		MUST(c, m, smemcg_pread(m, pid, file, 0, per));
	}
	MUST(c, m, smemcg_move(m, pid, "/"));

	t0 = cpu_s();
	MUST(c, m, wr(m, "/p/memory.max", "%" PRIu64, total / 64));
	t1 = cpu_s();
	cur = read_num(m, "/p/memory.current");
	if (cur > (long long)(total / 64))
		note(c, REC_ERROR, "memory.current %lld above the new max %" PRIu64, cur,
		     total / 64);
	snprintf(name, sizeof(name), "memmax.%s", point_name(k));
	emit(c, name, t1 - t0, "s");
	verify_state(c, m, cgs, 1, "/p/c%llu", ncg);
	smemcg_machine_free(m);
}

/* scaling: create/touch/rmdir churn */

static void run_churn(struct ctx *c, long k)
{
	/* 16x at --size 100: 100,000 cycles */
	uint64_t cycles = scaled(100000 / 16, 16) * (uint64_t)k;
	uint64_t per = 4;	/* pages read by each short-lived cgroup */
	/* the limit: a quarter of what the 1x point brings in */
	uint64_t limit = scaled(100000 / 16, 16) * per * PAGE / 4;
	static const char *cgs[] = { "/churn" };
	smemcg_machine *m;
	double t0, t1;
	char path[96], name[48];
	uint64_t i;
	int pid;

	m = new_machine(c, 4 * GiB + 2 * cycles * per * PAGE, 0);
	if (!m)
		return;
	MUST(c, m, wr(m, "/cgroup.subtree_control", "+memory"));
	MUST(c, m, smemcg_cgroup_mkdir(m, "/churn"));
	MUST(c, m, wr(m, "/churn/cgroup.subtree_control", "+memory"));
	MUST(c, m, wr(m, "/churn/memory.max", "%" PRIu64, limit));
	MUST(c, m, smemcg_spawn(&pid, m, "churner", "/", 0));
	MUST(c, m, smemcg_truncate(m, pid, "/data/churn", cycles * per * PAGE));

	t0 = cpu_s();
	for (i = 0; i < cycles; i++) {
		snprintf(path, sizeof(path), "/churn/c%llu", (unsigned long long)i);
		MUST(c, m, smemcg_cgroup_mkdir(m, path));
		MUST(c, m, smemcg_move(m, pid, path));
		MUST(c, m, smemcg_pread(m, pid, "/data/churn", i * per * PAGE, per * PAGE));
		MUST(c, m, smemcg_move(m, pid, "/"));
		MUST(c, m, smemcg_cgroup_rmdir(m, path));
	}
	t1 = cpu_s();
	snprintf(name, sizeof(name), "churn.%s", point_name(k));
	emit(c, name, t1 - t0, "s");
	if (read_num(m, "/churn/memory.current") > (long long)limit)
		note(c, REC_ERROR, "/churn/memory.current above its memory.max");
	snprintf(name, sizeof(name), "churn.%s.dying", point_name(k));
	emit(c, name, (double)read_key(m, "/churn/cgroup.stat", "nr_dying_descendants"),
	     "zombies");
	verify_state(c, m, cgs, 1, NULL, 0);
	smemcg_machine_free(m);
}

/* A scaling point measured: its time as PREFIX.Nx, the hashes, the machine freed. */
static void scaling_done(struct ctx *c, smemcg_machine *m, const char *prefix, long k,
			 double seconds, const char *const *cgs)
{
	char name[48];

	snprintf(name, sizeof(name), "%s.%s", prefix, point_name(k));
	emit(c, name, seconds, "s");
	verify_state(c, m, cgs, 1, NULL, 0);
	smemcg_machine_free(m);
}

/* scaling: mkdir of N sibling cgroups (the path lookup) */

static void run_mkdir_flat(struct ctx *c, long k)
{
	uint64_t n = scaled(2000, 100) * (uint64_t)k, i;
	static const char *cgs[] = { "/f" };
	smemcg_machine *m;
	double t0, t1;
	char path[64];

	if (n > 60000)
		n = 60000;
	m = new_machine(c, 4 * GiB, 0);
	if (!m)
		return;
	MUST(c, m, wr(m, "/cgroup.subtree_control", "+memory"));
	MUST(c, m, smemcg_cgroup_mkdir(m, "/f"));
	MUST(c, m, wr(m, "/f/cgroup.subtree_control", "+memory"));
	t0 = cpu_s();
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/f/c%llu", (unsigned long long)i);
		MUST(c, m, smemcg_cgroup_mkdir(m, path));
	}
	t1 = cpu_s();
	scaling_done(c, m, "mkdir.flat", k, t1 - t0, cgs);
}

/*
 * scaling: N mappings of one process, each looked up by id per statement
 * (mmap, touch, touch again, munmap): vma_find was a walk of the mm's list
 */

static void run_vmas(struct ctx *c, long k)
{
	/* 4x at --size 100: the 40,000 mappings (5 s before the hash) */
	uint64_t n = scaled(10000, 16) * (uint64_t)k, i;
	static const char *cgs[] = { "/v" };
	smemcg_machine *m;
	double t0, t1;
	int pid, *map = calloc(n, sizeof(int));

	m = new_machine(c, 4 * GiB, 0);
	if (!m || !map) {
		free(map);
		return;
	}
	MUST(c, m, wr(m, "/cgroup.subtree_control", "+memory"));
	MUST(c, m, smemcg_cgroup_mkdir(m, "/v"));
	MUST(c, m, smemcg_spawn(&pid, m, "mapper", "/v", 0));
	t0 = cpu_s();
	for (i = 0; i < n; i++) {
		MUST(c, m, smemcg_mmap_anon(&map[i], m, pid, PAGE, false));
		MUST(c, m, smemcg_touch(m, pid, map[i], 0, PAGE, true));
	}
	for (i = 0; i < n; i++)
		MUST(c, m, smemcg_touch(m, pid, map[i], 0, PAGE, false));
	for (i = 0; i < n; i++)
		MUST(c, m, smemcg_munmap(m, pid, map[i]));
	t1 = cpu_s();
	free(map);
	scaling_done(c, m, "vma", k, t1 - t0, cgs);
}

/*
 * scaling: N driver fds of one process (open takes the lowest free fd),
 * a fork that copies the table, every fd closed in both
 */

static void run_fds(struct ctx *c, long k)
{
	/* 16x at --size 100: 100,000 fds */
	uint64_t n = scaled(100000 / 16, 16) * (uint64_t)k, i;
	static const char *cgs[] = { "/" };
	smemcg_machine *m;
	double t0, t1;
	int pid, child, file, *fd = calloc(n, sizeof(int));

	m = new_machine(c, 4 * GiB, 0);
	if (!m || !fd) {
		free(fd);
		return;
	}
	MUST(c, m, smemcg_spawn(&pid, m, "opener", "/", 0));
	MUST(c, m, smemcg_setrlimit_nofile(m, pid, n + 3));
	t0 = cpu_s();
	for (i = 0; i < n; i++)
		MUST(c, m, smemcg_open(&fd[i], &file, m, pid, "/dev/vfio", false));
	MUST(c, m, smemcg_fork(&child, m, pid, "child", 0, false));
	/* close from the middle out: the lowest free fd moves down and up */
	for (i = 0; i < n; i++)
		MUST(c, m, smemcg_close(m, child, fd[(i + n / 2) % n]));
	for (i = 0; i < n / 2; i++)
		MUST(c, m, smemcg_close(m, pid, fd[i]));
	for (i = 0; i < n / 2; i++)
		MUST(c, m, smemcg_open(&fd[i], &file, m, pid, "/dev/rdma", false));
	for (i = 0; i < n; i++)
		MUST(c, m, smemcg_close(m, pid, fd[i]));
	t1 = cpu_s();
	free(fd);
	scaling_done(c, m, "fds", k, t1 - t0, cgs);
}

/*
 * scaling: writeback of one big file (issue 22: writing 2G rescanned the
 * inode from page 0 each time background writeback ran, 44 s against
 * 0.03 s for 256M). 16x at --size 100 is 8 GiB written by one write();
 * 1x is 512M, past the caches, so that the ratios show the algorithm.
 */
static void run_wb_file(struct ctx *c, long k)
{
	uint64_t pages = scaled(131072, 1024) * (uint64_t)k;
	static const char *cgs[] = { "/w" };
	smemcg_machine *m;
	double t0, t1;
	char name[48];
	int pid;

	m = new_machine(c, 4 * GiB + pages * PAGE, 0);
	if (!m)
		return;
	MUST(c, m, wr(m, "/cgroup.subtree_control", "+memory"));
	MUST(c, m, smemcg_cgroup_mkdir(m, "/w"));
	MUST(c, m, smemcg_spawn(&pid, m, "writer", "/w", 0));
	t0 = cpu_s();
	MUST(c, m, smemcg_pwrite(m, pid, "/data/big", 0, pages * PAGE));
	t1 = cpu_s();
	snprintf(name, sizeof(name), "writeback.file.%s", point_name(k));
	emit(c, name, t1 - t0, "s");
	if (read_key(m, "/w/memory.stat", "file") != (long long)(pages * PAGE))
		note(c, REC_ERROR, "/w's file is not what was written");
	verify_state(c, m, cgs, 1, NULL, 0);
	smemcg_machine_free(m);
}

/*
 * scaling: many small dirty inodes (issue 22: 200,000 files of 4K took
 * over 60 s: the oldest dirty inode was found by a scan of every inode).
 * 16x at --size 100 is 200,000 files.
 */
static void run_wb_files(struct ctx *c, long k)
{
	uint64_t n = scaled(200000 / 16, 100) * (uint64_t)k, i;
	static const char *cgs[] = { "/w" };
	smemcg_machine *m;
	double t0, t1;
	char path[64], name[48];
	int pid;

	m = new_machine(c, 4 * GiB, 0);
	if (!m)
		return;
	MUST(c, m, wr(m, "/cgroup.subtree_control", "+memory"));
	MUST(c, m, smemcg_cgroup_mkdir(m, "/w"));
	MUST(c, m, smemcg_spawn(&pid, m, "writer", "/w", 0));
	t0 = cpu_s();
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/data/f%llu", (unsigned long long)i);
		MUST(c, m, smemcg_pwrite(m, pid, path, 0, PAGE));
	}
	MUST(c, m, smemcg_sleep(m, 40ULL * 1000000000ULL));
	t1 = cpu_s();
	snprintf(name, sizeof(name), "writeback.files.%s", point_name(k));
	emit(c, name, t1 - t0, "s");
	if (read_key(m, "/w/memory.stat", "file_dirty"))
		note(c, REC_ERROR, "dirty pages left after the flusher's 30 s");
	verify_state(c, m, cgs, 1, NULL, 0);
	smemcg_machine_free(m);
}

/* ------------------------------------------------------------------ */
/* the test table */

struct unit {
	const char *set;
	const char *name;
	void (*run)(struct ctx *c, long arg);
	long arg;
};

static const struct unit units[] = {
	{ "charge", "charge", run_charge, 0 },
	{ "touch", "touch.nolimit", run_touch, 0 },
	{ "reclaim", "touch.reclaim-half", run_touch, 1 },
	{ "memcg", "memcg.live", run_memcgs, 0 },
	{ "memcg", "memcg.zombie", run_zombies, 0 },
	{ "memmax", "memmax.1x", run_memmax, 1 },
	{ "memmax", "memmax.4x", run_memmax, 4 },
	{ "memmax", "memmax.16x", run_memmax, 16 },
	{ "churn", "churn.1x", run_churn, 1 },
	{ "churn", "churn.4x", run_churn, 4 },
	{ "churn", "churn.16x", run_churn, 16 },
	{ "mkdir", "mkdir.flat.1x", run_mkdir_flat, 1 },
	{ "mkdir", "mkdir.flat.4x", run_mkdir_flat, 4 },
	{ "mkdir", "mkdir.flat.16x", run_mkdir_flat, 16 },
	{ "writeback", "writeback.file.1x", run_wb_file, 1 },
	{ "writeback", "writeback.file.4x", run_wb_file, 4 },
	{ "writeback", "writeback.file.16x", run_wb_file, 16 },
	{ "writeback", "writeback.files.1x", run_wb_files, 1 },
	{ "writeback", "writeback.files.4x", run_wb_files, 4 },
	{ "writeback", "writeback.files.16x", run_wb_files, 16 },
	{ "vma", "vma.1x", run_vmas, 1 },
	{ "vma", "vma.4x", run_vmas, 4 },
	{ "vma", "vma.16x", run_vmas, 16 },
	{ "fds", "fds.1x", run_fds, 1 },
	{ "fds", "fds.4x", run_fds, 4 },
	{ "fds", "fds.16x", run_fds, 16 },
};
#define NR_UNITS (sizeof(units) / sizeof(units[0]))

static const char *const testset_names[] = {
	"charge", "touch", "reclaim", "memcg", "memmax", "churn", "mkdir", "writeback", "vma",
	"fds",
};
#define NR_SETS (sizeof(testset_names) / sizeof(testset_names[0]))

static bool set_selected(const char *set)
{
	const char *p = opt.testsets;
	size_t l = strlen(set);

	if (!p || !strcmp(p, "all"))
		return true;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n == l && !strncmp(p, set, l))
			return true;
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* running: fork per run, collect records, medians */

struct series {
	char name[48];
	char unit[12];
	double *v;
	int n;
};

static struct series *series;
static int nr_series;

struct unit_result {
	uint64_t hash;
	bool hash_set, hash_mismatch;
	bool failed;
	char error[400];
	char notes[400];
};

static struct unit_result uresults[NR_UNITS];

static void add_value(const struct rec *r)
{
	int i;

	for (i = 0; i < nr_series; i++)
		if (!strcmp(series[i].name, r->name))
			break;
	if (i == nr_series) {
		series = realloc(series, (size_t)(nr_series + 1) * sizeof(*series));
		if (!series)
			abort();
		memset(&series[i], 0, sizeof(series[i]));
		snprintf(series[i].name, sizeof(series[i].name), "%s", r->name);
		snprintf(series[i].unit, sizeof(series[i].unit), "%s", r->unit);
		nr_series++;
	}
	series[i].v = realloc(series[i].v, (size_t)(series[i].n + 1) * sizeof(double));
	if (!series[i].v)
		abort();
	series[i].v[series[i].n++] = r->value;
}

static void take(size_t u, const struct rec *r)
{
	struct unit_result *ur = &uresults[u];

	switch (r->kind) {
	case REC_VALUE:
		add_value(r);
		break;
	case REC_HASH:
		if (ur->hash_set && ur->hash != r->hash)
			ur->hash_mismatch = true;
		ur->hash = r->hash;
		ur->hash_set = true;
		break;
	case REC_NOTE:
		if (!strstr(ur->notes, r->text))
			snprintf(ur->notes + strlen(ur->notes), sizeof(ur->notes) - strlen(ur->notes),
				 "%s%s", ur->notes[0] ? "; " : "", r->text);
		break;
	case REC_ERROR:
		ur->failed = true;
		if (!strstr(ur->error, r->text))
			snprintf(ur->error + strlen(ur->error), sizeof(ur->error) - strlen(ur->error),
				 "%s%s", ur->error[0] ? "; " : "", r->text);
		break;
	}
}

static void run_unit(size_t u)
{
	const struct unit *un = &units[u];
	struct ctx c;
	int fds[2], status = 0, i;
	pid_t pid;

	memset(&c, 0, sizeof(c));
	c.unit = un->name;
	if (!opt.fork) {
		c.fd = -1;
		un->run(&c, un->arg);
		for (i = 0; i < c.nr_recs; i++)
			take(u, &c.recs[i]);
		free(c.recs);
		return;
	}
	if (pipe(fds)) {
		perror("pipe");
		exit(2);
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (pid == 0) {
		close(fds[0]);
		c.fd = fds[1];
		alarm((unsigned)opt.timeout);
		un->run(&c, un->arg);
		close(fds[1]);
		_exit(0);
	}
	close(fds[1]);
	for (;;) {
		struct rec r;
		size_t got = 0;
		ssize_t n;

		while (got < sizeof(r)) {
			n = read(fds[0], (char *)&r + got, sizeof(r) - got);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		if (got < sizeof(r))
			break;
		take(u, &r);
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status))) {
		struct rec r;

		memset(&r, 0, sizeof(r));
		r.kind = REC_ERROR;
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
			snprintf(r.text, sizeof(r.text), "timed out after %d s", opt.timeout);
		else if (WIFSIGNALED(status))
			snprintf(r.text, sizeof(r.text), "crashed: %s", strsignal(WTERMSIG(status)));
		else
			snprintf(r.text, sizeof(r.text), "exit status %d", WEXITSTATUS(status));
		take(u, &r);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static struct series *find_series(const char *name)
{
	int i;

	for (i = 0; i < nr_series; i++)
		if (!strcmp(series[i].name, name))
			return &series[i];
	return NULL;
}

/* The series of that name, its values sorted, or NULL when it was not measured. */
static struct series *sorted_series(const char *name)
{
	struct series *s = find_series(name);

	if (s)
		qsort(s->v, (size_t)s->n, sizeof(double), cmp_double);
	return s;
}

/* The median of a series, or NAN when it was not measured. */
static double med(const char *name)
{
	const struct series *s = sorted_series(name);

	if (!s)
		return NAN;
	if (s->n % 2)
		return s->v[s->n / 2];
	return (s->v[s->n / 2 - 1] + s->v[s->n / 2]) / 2;
}

/* The fastest of the repeats: what a run costs when nothing else runs. */
static double best(const char *name)
{
	const struct series *s = sorted_series(name);

	return s ? s->v[0] : NAN;
}

static const char *unit_of(const char *name)
{
	const struct series *s = find_series(name);

	return s ? s->unit : "";
}

/* ------------------------------------------------------------------ */
/* judging and output */

enum verdict { V_INFO, V_PASS, V_FAIL };

struct line {
	char name[48];
	double value;
	char unit[12];
	char target[64];
	enum verdict verdict;
	char comment[200];
};

static struct line *lines;
static int nr_lines;
static int nr_fail;

static void line(const char *name, double value, const char *unit, const char *target,
		 enum verdict v, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void line(const char *name, double value, const char *unit, const char *target,
		 enum verdict v, const char *fmt, ...)
{
	struct line *l;
	va_list ap;

	lines = realloc(lines, (size_t)(nr_lines + 1) * sizeof(*lines));
	if (!lines)
		abort();
	l = &lines[nr_lines++];
	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->value = value;
	snprintf(l->unit, sizeof(l->unit), "%s", unit);
	snprintf(l->target, sizeof(l->target), "%s", target);
	if (isnan(value) && v == V_PASS)
		v = V_FAIL;
	l->verdict = v;
	if (v == V_FAIL)
		nr_fail++;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(l->comment, sizeof(l->comment), fmt, ap);
		va_end(ap);
	}
	if (isnan(value))
		printf("%-30s %12s %-7s %-30s %s%s%s\n", l->name, "-", "", l->target,
		       v == V_FAIL ? "FAIL" : v == V_PASS ? "PASS" : "-",
		       l->comment[0] ? "  " : "", l->comment);
	else
		printf("%-30s %12.*f %-7s %-30s %s%s%s\n", l->name,
		       fabs(value) >= 100 ? 1 : fabs(value) >= 10 ? 2 : 3, value, l->unit,
		       l->target, v == V_FAIL ? "FAIL" : v == V_PASS ? "PASS" : "-",
		       l->comment[0] ? "  " : "", l->comment);
	fflush(stdout);
}

static void info(const char *name)
{
	line(name, med(name), unit_of(name), "", V_INFO, NULL);
}

static enum verdict le(double v, double t)
{
	return !isnan(v) && v <= t ? V_PASS : V_FAIL;
}

/* Problems a unit reported: they fail its first figure's set. */
static void unit_status(size_t u)
{
	struct unit_result *ur = &uresults[u];

	if (ur->notes[0])
		printf("  note %s: %s\n", units[u].name, ur->notes);
	if (ur->failed) {
		line(units[u].name, NAN, "", "runs without error", V_FAIL, "%s", ur->error);
	}
	if (opt.verify && ur->hash_set)
		printf("  verify %-22s %016" PRIx64 "%s\n", units[u].name, ur->hash,
		       ur->hash_mismatch ? "  NONDETERMINISTIC: runs differ" : "");
	if (ur->hash_mismatch)
		line(units[u].name, NAN, "", "same hash every run", V_FAIL, NULL);
}

static void judge_charge(void)
{
	double atomic = med("atomic.add");
	char target[64], name[48];
	int d;

	line("atomic.add", atomic, "ns", "baseline: lock xadd", V_INFO,
	     "uncontended __atomic_add_fetch, distinct cache lines");
	for (d = 1; d <= MAX_DEPTH; d++) {
		double v;

		snprintf(name, sizeof(name), "charge.hit.d%d", d);
		v = med(name);
		if (d == 3)
			line(name, v, "ns", "<= 5 ns", le(v, 5.0), "charge + uncharge to stock");
		else
			line(name, v, "ns", "", V_INFO, NULL);
	}
	for (d = 1; d <= MAX_DEPTH; d++) {
		/* charge + uncharge walk d+1 counters (the root's too, as in 6.1) */
		double base = 2.0 * (d + 1) * atomic, v;

		snprintf(name, sizeof(name), "charge.nostock.d%d", d);
		v = med(name);
		snprintf(target, sizeof(target), "<= 2x %d atomics = %.1f ns", 2 * (d + 1),
			 2 * base);
		line(name, v, "ns", target, le(v, 2 * base), "%.2fx the atomics", v / base);
	}
	for (d = 1; d <= MAX_DEPTH; d++) {
		snprintf(name, sizeof(name), "charge.stock-direct.d%d", d);
		line(name, med(name), "ns", "", V_INFO,
		     d == 1 ? "stock on, uncharge to the counters (6.1 user folios)" : NULL);
	}
}

static void judge_time(const char *name, double target_at_100)
{
	double t = target_at_100 * (double)opt.size / 100.0, v = med(name);
	char target[64];

	snprintf(target, sizeof(target), "< %.3g s (%g s at size 100)", t, target_at_100);
	line(name, v, "s", target, v < t ? V_PASS : V_FAIL, NULL);
}

static void judge_touch(void)
{
	judge_time("touch.nolimit", 1.0);
	info("touch.nolimit.ns-per-page");
	line("meta.page.rss", med("meta.page.rss"), "B/page", "<= 16 B/page",
	     le(med("meta.page.rss"), 16), "RSS delta of the touch");
	info("meta.page.heap");
}

static void judge_reclaim(void)
{
	judge_time("touch.reclaim-half", 2.0);
	info("touch.reclaim-half.ns-per-page");
	info("touch.reclaim-half.swapped");
}

static void judge_memcg_live(void)
{
	line("meta.memcg.rss", med("meta.memcg.rss"), "B", "<= 2048 B/memcg",
	     le(med("meta.memcg.rss"), 2048), "%.0f memcgs", med("meta.memcg.count"));
	info("meta.memcg.heap");
	info("meta.memcg.mkdir");
}

static void judge_memcg_zombie(void)
{
	line("meta.zombie.rss", med("meta.zombie.rss"), "B", "<= 2048 B/zombie",
	     le(med("meta.zombie.rss"), 2048), "%.0f zombies", med("meta.zombie.count"));
	info("meta.zombie.heap");
	info("meta.zombie.cycle");
}

/* Linear: 4x within 1.5 x 4, 16x within 1.5 x 16 of the 1x time. */
static void judge_scaling(const char *prefix, const char *what)
{
	char n1[48], n4[48], n16[48], target[64];
	double t1, t4, t16;

	snprintf(n1, sizeof(n1), "%s.1x", prefix);
	snprintf(n4, sizeof(n4), "%s.4x", prefix);
	snprintf(n16, sizeof(n16), "%s.16x", prefix);
	/*
	 * CPU seconds (cpu_s), the fastest repeat: a 1x run takes a few
	 * milliseconds, which a busy machine's cache and scheduler noise
	 * would otherwise turn into a failed ratio.
	 */
	t1 = best(n1);
	t4 = best(n4);
	t16 = best(n16);
	line(n1, t1, "s", "", V_INFO, "%s (CPU s, fastest of the repeats)", what);
	line(n4, t4, "s", "", V_INFO, "%.2fx the 1x time", t4 / t1);
	line(n16, t16, "s", "", V_INFO, "%.2fx the 1x time", t16 / t1);
	snprintf(n1, sizeof(n1), "%s.linear", prefix);
	snprintf(target, sizeof(target), "4x <= 6, 16x <= 24 (x1.5 slack)");
	line(n1, t16 / t1, "ratio", target,
	     (!isnan(t16 / t1) && t4 / t1 <= 6.0 && t16 / t1 <= 24.0) ? V_PASS : V_FAIL,
	     "16x/1x time ratio");
}

/* ------------------------------------------------------------------ */
/* machine info, JSON */

static char cpu_model[128] = "unknown";
static long cores;
static uint64_t mem_total;
static char kernel[400];
static double ghz;

/*
 * The core clock, estimated from a chain of dependent adds (one cycle
 * each): hardware counters are not available in every VM.
 */
static double estimate_ghz(void)
{
#if defined(__x86_64__)
	double best = 0;
	int trial;

	for (trial = 0; trial < 4; trial++) {
		unsigned long x = 0;
		const long k = 10000000;
		double t0 = now_s(), g;
		long i;

		for (i = 0; i < k; i++)
			__asm__ volatile("add $1,%0\n\tadd $1,%0\n\tadd $1,%0\n\tadd $1,%0\n\t"
					 "add $1,%0\n\tadd $1,%0\n\tadd $1,%0\n\tadd $1,%0"
					 : "+r"(x));
		g = (double)k * 8 / (now_s() - t0) / 1e9;
		if (g > best)
			best = g;
	}
	return best;
#else
	return 0;
#endif
}

static void machine_info(void)
{
	char buf[512];
	struct utsname u;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (f) {
		while (fgets(buf, sizeof(buf), f)) {
			if (!strncmp(buf, "model name", 10)) {
				char *p = strchr(buf, ':');

				if (p) {
					p += 1 + strspn(p + 1, " \t");
					p[strcspn(p, "\n")] = '\0';
					snprintf(cpu_model, sizeof(cpu_model), "%s", p);
				}
				break;
			}
		}
		fclose(f);
	}
	f = fopen("/proc/meminfo", "r");
	if (f) {
		unsigned long long kb;

		while (fgets(buf, sizeof(buf), f))
			if (sscanf(buf, "MemTotal: %llu kB", &kb) == 1)
				mem_total = kb * 1024;
		fclose(f);
	}
	cores = sysconf(_SC_NPROCESSORS_ONLN);
	ghz = estimate_ghz();
	if (!uname(&u))
		snprintf(kernel, sizeof(kernel), "%s %s %s", u.sysname, u.release, u.machine);
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void write_json(const char *path)
{
	FILE *f = fopen(path, "w");
	size_t u;
	int i;

	if (!f) {
		fprintf(stderr, "speedtest: %s: %s\n", path, strerror(errno));
		return;
	}
	fprintf(f, "{\n  \"command\": ");
	json_str(f, cmdline);
	fprintf(f, ",\n  \"size\": %ld,\n  \"repeat\": %d,\n  \"machine\": {\"cpu\": ", opt.size,
		opt.repeat);
	json_str(f, cpu_model);
	fprintf(f, ", \"cores\": %ld, \"ghz_estimate\": %.3f, \"memory_bytes\": %" PRIu64
		", \"kernel\": ", cores, ghz, mem_total);
	json_str(f, kernel);
	fprintf(f, ", \"compiler\": ");
	json_str(f, __VERSION__);
	fprintf(f, "},\n  \"results\": [\n");
	for (i = 0; i < nr_lines; i++) {
		struct line *l = &lines[i];

		fprintf(f, "    {\"name\": ");
		json_str(f, l->name);
		if (isnan(l->value))
			fprintf(f, ", \"value\": null");
		else
			fprintf(f, ", \"value\": %.6g", l->value);
		fprintf(f, ", \"unit\": ");
		json_str(f, l->unit);
		fprintf(f, ", \"target\": ");
		json_str(f, l->target);
		fprintf(f, ", \"result\": \"%s\"",
			l->verdict == V_PASS ? "PASS" : l->verdict == V_FAIL ? "FAIL" : "INFO");
		if (l->comment[0]) {
			fprintf(f, ", \"comment\": ");
			json_str(f, l->comment);
		}
		fprintf(f, "}%s\n", i + 1 < nr_lines ? "," : "");
	}
	fprintf(f, "  ],\n  \"verify\": {");
	for (u = 0, i = 0; u < NR_UNITS; u++) {
		if (!uresults[u].hash_set)
			continue;
		fprintf(f, "%s\n    \"%s\": \"%016" PRIx64 "\"", i++ ? "," : "", units[u].name,
			uresults[u].hash);
	}
	fprintf(f, "%s}\n}\n", i ? "\n  " : "");
	fclose(f);
}

/* ------------------------------------------------------------------ */

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"usage: speedtest [--size N] [--testset NAME[,NAME]] [--repeat N] [--verify]\n"
		"                 [--json FILE] [--timeout SEC] [--strict] [--no-fork]\n"
		"  --size N       scale in percent of the issue's figures (default 100);\n"
		"                 --size 5 is a smoke run of a few seconds\n"
		"  --testset      comma-separated, default all:");
	for (i = 0; i < NR_SETS; i++)
		fprintf(f, " %s", testset_names[i]);
	fprintf(f,
		"\n  --repeat N     run each test N times, report medians (default 3)\n"
		"  --verify       print a hash of each test's final model state, run smemcg_check\n"
		"  --json FILE    write the results as JSON\n"
		"  --timeout SEC  kill a test run after SEC seconds (default 1800)\n"
		"  --strict       exit 1 when a target is missed (default: only on errors)\n"
		"  --no-fork      run tests in this process (for profilers; RSS figures\n"
		"                 then include heap left over by earlier tests)\n");
}

int main(int argc, char **argv)
{
	size_t u, s;
	int i, r;
	double t0 = now_s();

	for (i = 0; i < argc; i++)
		snprintf(cmdline + strlen(cmdline), sizeof(cmdline) - strlen(cmdline), "%s%s",
			 i ? " " : "", argv[i]);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--size") && v) {
			opt.size = strtol(v, NULL, 10);
			i++;
		} else if (!strcmp(a, "--testset") && v) {
			opt.testsets = v;
			i++;
		} else if (!strcmp(a, "--repeat") && v) {
			opt.repeat = (int)strtol(v, NULL, 10);
			i++;
		} else if (!strcmp(a, "--json") && v) {
			opt.json = v;
			i++;
		} else if (!strcmp(a, "--timeout") && v) {
			opt.timeout = (int)strtol(v, NULL, 10);
			i++;
		} else if (!strcmp(a, "--verify")) {
			opt.verify = true;
		} else if (!strcmp(a, "--strict")) {
			opt.strict = true;
		} else if (!strcmp(a, "--no-fork")) {
			opt.fork = false;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "speedtest: bad argument: %s\n", a);
			usage(stderr);
			return 2;
		}
	}
	if (opt.size < 1 || opt.repeat < 1 || opt.timeout < 1) {
		fprintf(stderr, "speedtest: --size, --repeat and --timeout must be >= 1\n");
		return 2;
	}
	if (opt.testsets) {
		const char *p = opt.testsets;

		while (*p) {
			size_t n = strcspn(p, ",");
			bool known = n == 3 && !strncmp(p, "all", 3);

			for (s = 0; s < NR_SETS; s++)
				if (strlen(testset_names[s]) == n && !strncmp(p, testset_names[s], n))
					known = true;
			if (!known) {
				fprintf(stderr, "speedtest: unknown testset: %.*s\n", (int)n, p);
				usage(stderr);
				return 2;
			}
			p += n + (p[n] == ',');
		}
	}

	machine_info();
	printf("smemcg speedtest: size %ld, repeat %d (medians)%s\n", opt.size, opt.repeat,
	       opt.verify ? ", verify" : "");
	printf("machine: %s, %ld cores, ~%.2f GHz (dependent-add estimate), %.1f GiB RAM, %s;"
	       " cc %s\n", cpu_model, cores, ghz, (double)mem_total / (double)GiB, kernel,
	       __VERSION__);
	printf("%-30s %12s %-7s %-30s %s\n", "test", "figure", "unit", "target", "result");

	for (s = 0; s < NR_SETS; s++) {
		const char *set = testset_names[s];

		if (!set_selected(set))
			continue;
		for (u = 0; u < NR_UNITS; u++) {
			if (strcmp(units[u].set, set))
				continue;
			for (r = 0; r < opt.repeat; r++)
				run_unit(u);
		}
		if (!strcmp(set, "charge")) {
			judge_charge();
		} else if (!strcmp(set, "touch")) {
			judge_touch();
		} else if (!strcmp(set, "reclaim")) {
			judge_reclaim();
		} else if (!strcmp(set, "memcg")) {
			judge_memcg_live();
			judge_memcg_zombie();
		} else if (!strcmp(set, "memmax")) {
			judge_scaling("memmax", "memory.max of 1,000 cgroups' page cache -> 1/64");
		} else if (!strcmp(set, "churn")) {
			judge_scaling("churn", "mkdir, move in, read 4 pages, move out, rmdir");
			info("churn.16x.dying");
		} else if (!strcmp(set, "mkdir")) {
			judge_scaling("mkdir.flat", "mkdir of N sibling cgroups");
		} else if (!strcmp(set, "writeback")) {
			judge_scaling("writeback.file", "one write() of 512M x N: background writeback");
			judge_scaling("writeback.files", "12,500 x N files of 4K, then the flusher");
		} else if (!strcmp(set, "vma")) {
			judge_scaling("vma", "mmap, touch, touch, munmap of N mappings of a process");
		} else if (!strcmp(set, "fds")) {
			judge_scaling("fds", "N opens, fork, closes and reopens of driver fds");
		}
		for (u = 0; u < NR_UNITS; u++)
			if (!strcmp(units[u].set, set))
				unit_status(u);
	}
	printf("%d FAIL, total %.1f s\n", nr_fail, now_s() - t0);
	if (opt.json)
		write_json(opt.json);
	/* a test that could not run is an error; a missed target only with --strict */
	for (u = 0; u < NR_UNITS; u++)
		if (uresults[u].failed || uresults[u].hash_mismatch)
			return 1;
	return opt.strict && nr_fail ? 1 : 0;
}
