// SPDX-License-Identifier: GPL-2.0-only
/*
 * The memcg charge path (MEMCG_FACTS.md 2.2, 2.3, 2.7): the per-CPU stock
 * with its batch of 64 pages, try_charge's retry loop and what it counts
 * (failcnt, memory.events max/oom), force charges, and how events climb the
 * tree. Charges are driven with the internal try_charge() as a task-less
 * context (current = NULL) on a chosen CPU, and once through processes
 * touching memory via the public API. Numbers are pages unless a file is
 * read; every expected value is derived in the comment beside it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "smemcg.h"
#include "machine.h"
#include "mm/memcontrol/charge.h"
#include "mm/memcontrol/memcg.h"
#include "tap.h"
#include "test_machine.h"

#define B 64	/* MEMCG_CHARGE_BATCH in 6.1 */

static struct mem_cgroup *memcg_at(smemcg_machine *sm, const char *path)
{
	struct cgroup *cg = cgroup_lookup(to_machine(sm), path);

	if (!cg || !cg->memcg) {
		printf("Bail out! no memcg at %s\n", path);
		exit(1);
	}
	return cg->memcg;
}

/* try_charge as a task-less context on one CPU */
static int charge(smemcg_machine *sm, int cpu, struct mem_cgroup *memcg,
		  unsigned gfp, long nr)
{
	struct machine *m = to_machine(sm);

	m->current = NULL;
	m->current_cpu = cpu;
	return try_charge(m, memcg, gfp, nr);
}

static void uncharge_to_stock(smemcg_machine *sm, int cpu, struct mem_cgroup *memcg,
			      long nr)
{
	struct machine *m = to_machine(sm);

	m->current = NULL;
	m->current_cpu = cpu;
	memcg_uncharge_to_stock(m, memcg, nr);
}

static void drain_everything(smemcg_machine *sm)
{
	struct machine *m = to_machine(sm);
	int cpu;

	for (cpu = 0; cpu < m->nr_cpus; cpu++)
		drain_stock(m, cpu);
}

static struct memcg_stock *stock(smemcg_machine *sm, int cpu)
{
	return &to_machine(sm)->cpus[cpu].stock;
}

static long usage(const struct mem_cgroup *memcg)
{
	return page_counter_read(&memcg->memory);
}

/* The value of KEY in a flat-keyed control file, or -1. */
static long long file_key(smemcg_machine *sm, const char *path, const char *key)
{
	char *buf = NULL, *p;
	long long v = -1;
	size_t n = strlen(key);

	if (smemcg_file_read(&buf, sm, path))
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (!strncmp(p, key, n) && p[n] == ' ') {
			v = atoll(p + n + 1);
			break;
		}
	}
	free(buf);
	return v;
}

static long long file_num(smemcg_machine *sm, const char *path)
{
	char *buf = NULL;
	long long v;

	if (smemcg_file_read(&buf, sm, path))
		return -1;
	v = atoll(buf);
	free(buf);
	return v;
}

static void test_stock(void)
{
	smemcg_machine *sm = new_machine(3, 0);
	struct mem_cgroup *A, *Bm, *root;
	long a0, b0, r0;

	must(smemcg_file_write(sm, "/cgroup.subtree_control", "+memory"), sm, "+memory");
	must(smemcg_cgroup_mkdir(sm, "/a"), sm, "mkdir /a");
	must(smemcg_cgroup_mkdir(sm, "/b"), sm, "mkdir /b");
	A = memcg_at(sm, "/a");
	Bm = memcg_at(sm, "/b");
	root = to_machine(sm)->root_mem_cgroup;
	drain_everything(sm);
	/* whatever creating the cgroups charged (kernel memory) is the baseline */
	a0 = usage(A);
	b0 = usage(Bm);
	r0 = usage(root);

	is(charge(sm, 0, A, GFP_KERNEL, 1), 0, "cpu0: charge 1 page to /a");
	is(usage(A) - a0, B, "a 1-page charge puts a whole batch (64) on the counter");
	is(usage(root) - r0, B, "the root's counter sees the batch too (64)");
	ok(stock(sm, 0)->cached == A, "cpu0's stock now caches /a");
	is(stock(sm, 0)->nr_pages, B - 1, "cpu0's stock keeps the surplus: 64 - 1 = 63");
	is(A->refs_stock, 1, "the stock holds a reference on /a");

	is(charge(sm, 0, A, GFP_KERNEL, 1), 0, "cpu0: second 1-page charge to /a");
	is(usage(A) - a0, B, "served from the stock: counter unchanged (64)");
	is(stock(sm, 0)->nr_pages, 62, "stock 63 - 1 = 62");

	is(charge(sm, 0, A, GFP_KERNEL, 62), 0, "cpu0: charge 62 pages");
	is(usage(A) - a0, B, "62 <= stock 62: consumed, counter unchanged");
	is(stock(sm, 0)->nr_pages, 0, "stock emptied (62 - 62 = 0)");
	ok(stock(sm, 0)->cached == A, "an empty stock still caches /a");

	is(charge(sm, 0, A, GFP_KERNEL, 1), 0, "cpu0: charge 1 page with an empty stock");
	is(usage(A) - a0, 2 * B, "another batch: 64 + 64 = 128");
	is(stock(sm, 0)->nr_pages, B - 1, "stock refilled with 63");

	is(charge(sm, 1, A, GFP_KERNEL, 1), 0, "cpu1: charge 1 page to /a");
	is(usage(A) - a0, 3 * B, "another CPU charges its own batch: 128 + 64 = 192");
	ok(stock(sm, 1)->cached == A, "cpu1's stock caches /a");
	is(stock(sm, 1)->nr_pages, B - 1, "cpu1's stock holds 63");
	is(stock(sm, 0)->nr_pages, B - 1, "cpu0's stock untouched (63)");
	is(A->refs_stock, 2, "two stocks reference /a");

	is(charge(sm, 0, Bm, GFP_KERNEL, 1), 0, "cpu0: charge 1 page to /b");
	is(usage(Bm) - b0, B, "/b gets a batch (64)");
	/* cpu0's 63 pages of /a go back: 192 - 63 = 129 */
	is(usage(A) - a0, 129, "switching memcg drains the old stock: /a = 192 - 63 = 129");
	ok(stock(sm, 0)->cached == Bm, "cpu0's stock now caches /b");
	is(stock(sm, 0)->nr_pages, B - 1, "cpu0's stock holds 63 of /b");
	is(A->refs_stock, 1, "/a lost cpu0's reference (1 left)");
	is(Bm->refs_stock, 1, "/b has cpu0's reference");

	is(charge(sm, 0, A, GFP_KERNEL, 64), 0, "cpu0: charge 64 pages to /a");
	/* batch = max(64, 64) = 64: no surplus, the stock is not touched */
	is(usage(A) - a0, 129 + 64, "a 64-page charge goes straight to the counter (193)");
	ok(stock(sm, 0)->cached == Bm, "a charge without surplus leaves the stock alone (/b)");

	is(charge(sm, 2, A, GFP_KERNEL, 65), 0, "cpu2: charge 65 pages");
	/* 65 > 64: never from the stock; batch = max(64, 65) = 65, no surplus */
	is(usage(A) - a0, 193 + 65, "65 pages charged exactly (258)");
	ok(stock(sm, 2)->cached == NULL, "cpu2's stock untouched (empty)");

	/* uncharging into the stock: kept up to 64 pages, drained above */
	uncharge_to_stock(sm, 1, A, 1);
	is(stock(sm, 1)->nr_pages, 64, "uncharge 1 into cpu1's stock: 63 + 1 = 64 (not > 64)");
	is(usage(A) - a0, 258, "counter unchanged while the stock holds the pages");
	uncharge_to_stock(sm, 1, A, 1);
	/* 65 > 64: the whole stock is drained: 258 - 65 = 193 */
	is(usage(A) - a0, 193, "more than 64 pages in a stock drains all of it (258 - 65 = 193)");
	is(stock(sm, 1)->nr_pages, 0, "cpu1's stock is empty");
	ok(stock(sm, 1)->cached == NULL, "and caches nothing");
	is(A->refs_stock, 0, "no stock references /a any more");

	/* drain_all_stock(root) drains every stock with pages in the subtree */
	drain_all_stock(to_machine(sm), root);
	is(usage(Bm) - b0, 1, "drain_all_stock: /b keeps only its charged page (64 - 63 = 1)");
	ok(stock(sm, 0)->cached == NULL, "cpu0's stock drained");
	is(usage(root) - r0, (usage(A) - a0) + (usage(Bm) - b0),
	   "root counter = sum of the children's net charges");

	/* straight uncharge (user folios): no stock */
	memcg_uncharge(to_machine(sm), A, 3);
	is(usage(A) - a0, 190, "memcg_uncharge 3: 193 - 3 = 190");
	smemcg_machine_free(sm);
}

static void test_stock_off(void)
{
	smemcg_machine *sm = new_machine(2, 0);
	struct mem_cgroup *A;
	long a0;

	must(smemcg_policy_set(sm, "stock", "off"), sm, "policy stock=off");
	must(smemcg_file_write(sm, "/cgroup.subtree_control", "+memory"), sm, "+memory");
	must(smemcg_cgroup_mkdir(sm, "/a"), sm, "mkdir /a");
	A = memcg_at(sm, "/a");
	drain_everything(sm);
	a0 = usage(A);

	is(charge(sm, 0, A, GFP_KERNEL, 1), 0, "stock=off: charge 1 page");
	is(usage(A) - a0, 1, "stock=off: exactly 1 page charged");
	is(stock(sm, 0)->nr_pages, 0, "stock=off: nothing stocked");
	ok(stock(sm, 0)->cached == NULL, "stock=off: the stock caches nothing");
	is(charge(sm, 0, A, GFP_KERNEL, 3), 0, "stock=off: charge 3 pages");
	is(usage(A) - a0, 4, "stock=off: 1 + 3 = 4");
	uncharge_to_stock(sm, 0, A, 2);
	is(usage(A) - a0, 2, "stock=off: an uncharge to the stock goes to the counter (4 - 2)");
	ok(stock(sm, 0)->cached == NULL, "stock=off: still nothing cached");
	smemcg_machine_free(sm);
}

/*
 * /p (memory.max 1M = 256 pages) with a child /p/c. Charges are made to
 * /p/c with nothing on any LRU, so reclaim frees nothing and no task can
 * be OOM-killed: every failure takes the kernel's full path.
 */
static void test_fail_and_force(void)
{
	smemcg_machine *sm = new_machine(2, 0);
	struct mem_cgroup *P, *C;
	long p0;

	must(smemcg_file_write(sm, "/cgroup.subtree_control", "+memory"), sm, "+memory");
	must(smemcg_cgroup_mkdir(sm, "/p"), sm, "mkdir /p");
	must(smemcg_file_write(sm, "/p/cgroup.subtree_control", "+memory"), sm, "/p +memory");
	must(smemcg_cgroup_mkdir(sm, "/p/c"), sm, "mkdir /p/c");
	P = memcg_at(sm, "/p");
	C = memcg_at(sm, "/p/c");
	drain_everything(sm);
	p0 = usage(P);
	must(smemcg_file_write(sm, "/p/memory.max", "1M"), sm, "/p/memory.max 1M");
	is(P->memory.max, 256, "memory.max 1M = 256 pages");

	/* fill /p up to its limit: 256 - p0 pages, batch = nr (>= 64) */
	is(charge(sm, 0, C, GFP_KERNEL, 256 - p0), 0, "charge /p/c up to /p's max");
	is(usage(P), 256, "/p at its max (256 pages)");
	ok(stock(sm, 0)->cached == NULL, "a charge of >= 64 pages leaves no stock");
	is(P->memory.failcnt, 0, "no failure yet");

	/*
	 * GFP_NORETRY, 1 page:
	 *   try(64) fails at /p (failcnt 1); batch = 1; try(1) fails (2);
	 *   max event (1); reclaim frees 0; margin 0; first failure: drain
	 *   all stocks and retry: try(1) fails (3); max event (2); reclaim 0;
	 *   __GFP_NORETRY -> -ENOMEM.
	 */
	is(charge(sm, 0, C, GFP_NORETRY, 1), -ENOMEM, "NORETRY charge above max: -ENOMEM");
	is(P->memory.failcnt, 3, "failcnt at /p: batch attempt + 2 attempts = 3");
	is(C->memory.failcnt, 0, "failcnt only at the failing level: /p/c 0");
	is(to_machine(sm)->root_mem_cgroup->memory.failcnt, 0, "root failcnt 0");
	is(P->events[MEMCG_MAX], 2, "memory.events max at /p: one per attempt that reached reclaim = 2");
	is(P->events_local[MEMCG_MAX], 2, "events.local max at /p = 2");
	is(C->events[MEMCG_MAX], 0, "the event is raised at the failing memcg, not the charging child");
	is(file_key(sm, "/p/memory.events", "max"), 2, "/p/memory.events shows max 2");
	is(file_key(sm, "/p/memory.events.local", "max"), 2, "/p/memory.events.local shows max 2");
	is(file_key(sm, "/p/c/memory.events", "max"), 0, "/p/c/memory.events shows max 0");
	is(usage(P), 256, "a failed charge leaves usage at 256");
	is(usage(C), 256 - p0, "and the child's usage as it was");

	/* GFP_NOWAIT: try(64) fails (4), try(1) fails (5), cannot block -> nomem, no event */
	is(charge(sm, 0, C, GFP_NOWAIT, 1), -ENOMEM, "NOWAIT charge above max: -ENOMEM");
	is(P->memory.failcnt, 5, "failcnt 3 + 2 = 5");
	is(P->events[MEMCG_MAX], 2, "a non-blocking failure raises no max event (still 2)");

	/* GFP_NOWAIT|__GFP_HIGH: nomem -> force; max raised at force (3) */
	is(charge(sm, 0, C, GFP_NOWAIT | GFP_HIGH, 1), 0, "atomic __GFP_HIGH charge is forced");
	is(P->memory.failcnt, 7, "failcnt 5 + 2 = 7");
	is(P->events[MEMCG_MAX], 3, "force raises max when it was not raised yet (3)");
	is(usage(P), 257, "forced: usage 257 > max 256");
	is(file_num(sm, "/p/memory.current"), 257 * 4096, "memory.current = 257 pages = 1052672 bytes");
	ok(stock(sm, 0)->nr_pages == 0, "a forced charge stocks nothing");

	/*
	 * GFP_NOFAIL|GFP_NORETRY, 2 pages: try(64) (8), try(2) (9), max (4),
	 * drain, try(2) (10), max (5), NORETRY -> nomem -> NOFAIL -> force,
	 * max already raised: no sixth event.
	 */
	is(charge(sm, 0, C, GFP_NOFAIL | GFP_NORETRY, 2), 0, "__GFP_NOFAIL charge is forced");
	is(P->memory.failcnt, 10, "failcnt 7 + 3 = 10");
	is(P->events[MEMCG_MAX], 5, "max 3 + 2, none extra at force = 5");
	is(usage(P), 259, "usage 257 + 2 = 259");
	is(P->memory.watermark, 259, "watermark follows the forced usage (259)");
	is(file_num(sm, "/p/memory.peak"), 259 * 4096, "memory.peak = 259 pages");

	/*
	 * GFP_KERNEL, 1 page, nothing to reclaim and nobody to kill:
	 *   attempt 1: try(64) + try(1) fail (failcnt +2), max; drain, retry;
	 *   attempt 2: fail (+1), max; nr_retries 16 -> 15, retry;
	 *   attempts 3..18: fail (+1 each), max each; after attempt 18
	 *   nr_retries is 0: mem_cgroup_oom (order 0 <= 3): oom event, the
	 *   OOM killer finds no task -> -ENOMEM.
	 *   failcnt += 2 + 17 = 19 -> 29; max += 18 -> 23; oom 1.
	 */
	is(charge(sm, 0, C, GFP_KERNEL, 1), -ENOMEM, "GFP_KERNEL charge with nothing to reclaim or kill: -ENOMEM");
	is(P->memory.failcnt, 29, "failcnt 10 + 19 = 29 (2 + 17 retries)");
	is(P->events[MEMCG_MAX], 23, "max 5 + 18 = 23 (one per reclaim attempt)");
	is(P->events[MEMCG_OOM], 1, "one oom event (order 0)");
	is(file_key(sm, "/p/memory.events", "oom"), 1, "/p/memory.events oom 1");
	is(file_key(sm, "/p/memory.events", "oom_kill"), 0, "/p/memory.events oom_kill 0");

	/* 8 pages is order 3 (PAGE_ALLOC_COSTLY_ORDER): the OOM path is taken */
	is(charge(sm, 0, C, GFP_KERNEL, 8), -ENOMEM, "8-page charge: -ENOMEM");
	is(P->events[MEMCG_MAX], 41, "max 23 + 18 = 41");
	is(P->events[MEMCG_OOM], 2, "order 3 still invokes OOM (2)");
	is(P->memory.failcnt, 48, "failcnt 29 + 19 = 48");

	/* 9 pages is order 4 > 3: no OOM, no oom event */
	is(charge(sm, 0, C, GFP_KERNEL, 9), -ENOMEM, "9-page charge (order 4): -ENOMEM");
	is(P->events[MEMCG_MAX], 59, "max 41 + 18 = 59");
	is(P->events[MEMCG_OOM], 2, "costly order: mem_cgroup_oom returns at once, no event (2)");

	/* GFP_RETRY_MAYFAIL stops before OOM: max +18, oom unchanged */
	is(charge(sm, 0, C, GFP_RETRY_MAYFAIL, 1), -ENOMEM, "RETRY_MAYFAIL: -ENOMEM");
	is(P->events[MEMCG_MAX], 77, "max 59 + 18 = 77");
	is(P->events[MEMCG_OOM], 2, "RETRY_MAYFAIL never reaches OOM (2)");

	is(C->events[MEMCG_MAX] + C->events_local[MEMCG_MAX], 0, "/p/c never saw a max event");
	is(usage(P), 259, "usage unchanged by the failures (259)");
	smemcg_machine_free(sm);
}

/* A charge that fails once, then succeeds after drain_all_stock. */
static void test_drain_on_failure(void)
{
	smemcg_machine *sm = new_machine(2, 0);
	struct mem_cgroup *A;
	long a0;

	must(smemcg_file_write(sm, "/cgroup.subtree_control", "+memory"), sm, "+memory");
	must(smemcg_cgroup_mkdir(sm, "/a"), sm, "mkdir /a");
	A = memcg_at(sm, "/a");
	drain_everything(sm);
	a0 = usage(A);
	A->memory.max = a0 + 64;

	/* cpu1: 1 page -> batch of 64 on the counter (a0 + 64 = max), 63 stocked */
	is(charge(sm, 1, A, GFP_KERNEL, 1), 0, "cpu1: 1 page (batch fills /a to max)");
	is(stock(sm, 1)->nr_pages, 63, "cpu1 stocks 63 pages");
	/*
	 * cpu0: 2 pages. try(64) fails (failcnt 1), try(2) fails (2), max
	 * event (1), reclaim 0, margin 0 < 2, drain_all_stock(/a): cpu1's 63
	 * pages go back (usage a0 + 1), retry: try(2) succeeds: a0 + 3.
	 */
	is(charge(sm, 0, A, GFP_KERNEL, 2), 0, "cpu0: 2 pages succeed after draining cpu1's stock");
	is(usage(A) - a0, 3, "usage = 1 + 2 = 3 pages above the baseline");
	is(stock(sm, 1)->nr_pages, 0, "cpu1's stock drained");
	ok(stock(sm, 1)->cached == NULL, "cpu1 caches nothing");
	is(stock(sm, 0)->nr_pages, 0, "batch was cut to the request: nothing stocked on cpu0");
	is(A->memory.failcnt, 2, "failcnt 2 (batch attempt and first exact attempt)");
	is(A->events[MEMCG_MAX], 1, "one max event");
	smemcg_machine_free(sm);
}

static void events_tree(smemcg_machine *sm)
{
	must(smemcg_file_write(sm, "/cgroup.subtree_control", "+memory"), sm, "+memory");
	must(smemcg_cgroup_mkdir(sm, "/x"), sm, "mkdir /x");
	must(smemcg_file_write(sm, "/x/cgroup.subtree_control", "+memory"), sm, "/x +memory");
	must(smemcg_cgroup_mkdir(sm, "/x/y"), sm, "mkdir /x/y");
	must(smemcg_file_write(sm, "/x/y/cgroup.subtree_control", "+memory"), sm, "/x/y +memory");
	must(smemcg_cgroup_mkdir(sm, "/x/y/z"), sm, "mkdir /x/y/z");
	must(smemcg_file_write(sm, "/x/y/z/memory.max", "0"), sm, "/x/y/z/memory.max 0");
	drain_everything(sm);
}

static char *read_file(smemcg_machine *sm, const char *path)
{
	char *buf = NULL;

	if (smemcg_file_read(&buf, sm, path))
		return NULL;
	return buf;
}

static void check_file(smemcg_machine *sm, const char *path, const char *want)
{
	char *got = read_file(sm, path);

	is_str(got, want, "%s", path);
	free(got);
}

static void test_event_propagation(void)
{
	smemcg_machine *sm = new_machine(2, 0);
	struct mem_cgroup *X, *Y, *Z, *root;

	events_tree(sm);
	X = memcg_at(sm, "/x");
	Y = memcg_at(sm, "/x/y");
	Z = memcg_at(sm, "/x/y/z");
	root = to_machine(sm)->root_mem_cgroup;

	/* z has max 0: an atomic __GFP_HIGH charge fails at z and is forced */
	is(charge(sm, 0, Z, GFP_NOWAIT | GFP_HIGH, 1), 0, "forced charge at /x/y/z (max 0)");
	is(Z->memory.failcnt, 2, "z failcnt 2 (batch attempt + exact attempt)");
	is(Z->events_local[MEMCG_MAX], 1, "z events.local max 1");
	is(Z->events[MEMCG_MAX], 1, "z events max 1");
	is(Y->events[MEMCG_MAX], 1, "parent y: hierarchical max 1");
	is(X->events[MEMCG_MAX], 1, "grandparent x: hierarchical max 1");
	is(Y->events_local[MEMCG_MAX], 0, "parent y: events.local 0");
	is(X->events_local[MEMCG_MAX], 0, "grandparent x: events.local 0");
	is(root->events[MEMCG_MAX], 0, "the root is not counted");
	check_file(sm, "/x/memory.events",
		   "low 0\nhigh 0\nmax 1\noom 0\noom_kill 0\noom_group_kill 0\n");
	check_file(sm, "/x/memory.events.local",
		   "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n");
	check_file(sm, "/x/y/z/memory.events.local",
		   "low 0\nhigh 0\nmax 1\noom 0\noom_kill 0\noom_group_kill 0\n");
	smemcg_machine_free(sm);

	sm = new_machine(2, SMEMCG_OPT_LOCALEVENTS);
	events_tree(sm);
	X = memcg_at(sm, "/x");
	Y = memcg_at(sm, "/x/y");
	Z = memcg_at(sm, "/x/y/z");
	is(charge(sm, 0, Z, GFP_NOWAIT | GFP_HIGH, 1), 0, "localevents: forced charge at z");
	is(Z->events[MEMCG_MAX], 1, "localevents: z events max 1");
	is(Z->events_local[MEMCG_MAX], 1, "localevents: z events.local max 1");
	is(Y->events[MEMCG_MAX], 0, "localevents: y not counted");
	is(X->events[MEMCG_MAX], 0, "localevents: x not counted");
	check_file(sm, "/x/y/memory.events",
		   "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n");
	check_file(sm, "/x/y/z/memory.events",
		   "low 0\nhigh 0\nmax 1\noom 0\noom_kill 0\noom_group_kill 0\n");
	smemcg_machine_free(sm);
}

/* The same stock rules seen from processes touching memory (public API). */
static void test_stock_via_processes(void)
{
	smemcg_machine *sm = new_machine(2, 0);
	int p1, p2, m1, m2;
	long long c0;

	/* kernel memory off: page tables and task structs are not charged */
	must(smemcg_policy_set(sm, "kmem", "off"), sm, "policy kmem=off");
	must(smemcg_file_write(sm, "/cgroup.subtree_control", "+memory"), sm, "+memory");
	must(smemcg_cgroup_mkdir(sm, "/a"), sm, "mkdir /a");
	must(smemcg_spawn(&p1, sm, "p1", "/a", 0), sm, "spawn p1 cpu 0");
	must(smemcg_spawn(&p2, sm, "p2", "/a", 1), sm, "spawn p2 cpu 1");
	c0 = file_num(sm, "/a/memory.current");
	is(c0, 0, "kmem=off: a new cgroup with two processes charges nothing");

	must(smemcg_mmap_anon(&m1, sm, p1, 8 * 4096, false), sm, "p1 mmap");
	must(smemcg_touch(sm, p1, m1, 0, 4096, true), sm, "p1 touch 1 page");
	is(file_num(sm, "/a/memory.current"), 64 * 4096,
	   "1 page touched on cpu0: memory.current shows the batch (64 pages = 262144)");
	is(file_key(sm, "/a/memory.stat", "anon"), 4096, "memory.stat anon = 1 page (4096)");
	must(smemcg_touch(sm, p1, m1, 4096, 7 * 4096, true), sm, "p1 touch 7 more pages");
	is(file_num(sm, "/a/memory.current"), 64 * 4096, "7 more pages from cpu0's stock: still 64 pages");
	is(file_key(sm, "/a/memory.stat", "anon"), 8 * 4096, "anon = 8 pages");

	must(smemcg_mmap_anon(&m2, sm, p2, 4096, false), sm, "p2 mmap");
	must(smemcg_touch(sm, p2, m2, 0, 4096, true), sm, "p2 touch 1 page");
	is(file_num(sm, "/a/memory.current"), 128 * 4096,
	   "a page touched on cpu1 charges a second batch: 128 pages");
	is(file_key(sm, "/a/memory.stat", "anon"), 9 * 4096, "anon = 9 pages");
	smemcg_machine_free(sm);

	/* stock=off: memory.current is exact */
	sm = new_machine(2, 0);
	must(smemcg_policy_set(sm, "kmem", "off"), sm, "policy kmem=off");
	must(smemcg_policy_set(sm, "stock", "off"), sm, "policy stock=off");
	must(smemcg_file_write(sm, "/cgroup.subtree_control", "+memory"), sm, "+memory");
	must(smemcg_cgroup_mkdir(sm, "/a"), sm, "mkdir /a");
	must(smemcg_spawn(&p1, sm, "p1", "/a", 0), sm, "spawn p1");
	must(smemcg_mmap_anon(&m1, sm, p1, 3 * 4096, false), sm, "p1 mmap");
	must(smemcg_touch(sm, p1, m1, 0, 3 * 4096, true), sm, "p1 touch 3 pages");
	is(file_num(sm, "/a/memory.current"), 3 * 4096, "stock=off: 3 pages touched, 3 pages charged");
	must(smemcg_munmap(sm, p1, m1), sm, "p1 munmap");
	is(file_num(sm, "/a/memory.current"), 0, "stock=off: munmap uncharges all 3");
	smemcg_machine_free(sm);
}

/*
 * memory.high penalty (facts 2.4) at Debian's HZ = 250, high = 100M =
 * 25600 pages: overage = ((usage - high) << 20) / high, penalty =
 * overage^2 * HZ >> 20 >> 14, scaled by nr_pages / 64. The kernel's
 * comment table is for HZ = 1000 (101M -> 6 ms, 110M -> 639 ms, 118M ->
 * the 2 s cap); the same formula at HZ = 250 gives the values below.
 */
static void test_high_penalty(void)
{
	is(calculate_overage(25600, 25600), 0, "usage == high: no overage");
	is(calculate_overage(100, 25600), 0, "usage < high: no overage");
	/* 101M: (256 << 20) / 25600 = 268435456 / 25600 = 10485.76 -> 10485 */
	is(calculate_overage(25856, 25600), 10485, "101M over 100M: overage 10485");
	/* 110M: (2560 << 20) / 25600 = 104857.6 -> 104857 */
	is(calculate_overage(28160, 25600), 104857, "110M over 100M: overage 104857");
	/* high 0 acts as 1 page: (10 - 1) << 20 = 9437184 */
	is(calculate_overage(10, 0), 9437184, "high 0 counts as 1 page: (10 - 1) << 20");
	/* 10485^2 * 250 = 27483806250; >> 20 = 26210; >> 14 = 1 jiffy */
	is(calculate_high_delay(NULL, 64, 10485), 1, "101M, 64 pages: 1 jiffy (4 ms; 6 ms at HZ 1000)");
	/* 104857^2 * 250 = 2748747612250; >> 34 = 159 */
	is(calculate_high_delay(NULL, 64, 104857), 159, "110M, 64 pages: 159 jiffies (636 ms)");
	is(calculate_high_delay(NULL, 32, 104857), 79, "110M, 32 pages: 159 * 32 / 64 = 79");
	is(calculate_high_delay(NULL, 128, 104857), 318, "110M, 128 pages: 159 * 2 = 318");
	/* 118M: overage (4608 << 20) / 25600 = 188743; 188743^2 * 250 >> 34 = 518 > 500 cap */
	is(calculate_high_delay(NULL, 64, 188743), 518, "118M: 518 jiffies before the cap");
	ok(calculate_high_delay(NULL, 64, 188743) > MEMCG_MAX_HIGH_DELAY_JIFFIES,
	   "118M is beyond the 2 s (500 jiffies) cap, as the kernel's table says");
	is(calculate_high_delay(NULL, 64, 0), 0, "no overage: no delay");
}

/*
 * rmdir of a memcg whose only reference is a CPU stock holding its pages:
 * offline drains the stock (mem_cgroup_css_offline -> drain_all_stock),
 * which drops that last reference. In the kernel the cgroup core still
 * holds the css across offline, so the memcg is freed only afterwards.
 * Run in a child process: a use-after-free aborts it under ASan/valgrind.
 */
static void test_offline_drains_last_stock_ref(void)
{
	int status = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		smemcg_machine *sm = new_machine(2, 0);
		struct mem_cgroup *A, *root;
		long r0;
		int bad = 0, fd = open("/dev/null", O_WRONLY);

		if (fd >= 0)
			dup2(fd, 1);	/* the child prints no TAP */
		must(smemcg_file_write(sm, "/cgroup.subtree_control", "+memory"), sm, "+memory");
		must(smemcg_cgroup_mkdir(sm, "/a"), sm, "mkdir /a");
		A = memcg_at(sm, "/a");
		root = to_machine(sm)->root_mem_cgroup;
		drain_everything(sm);
		r0 = usage(root) - usage(A);
		/* 1 page: batch of 64, 63 stocked on cpu0; then the page goes */
		bad |= charge(sm, 0, A, GFP_KERNEL, 1) != 0;
		memcg_uncharge(to_machine(sm), A, 1);
		bad |= A->refs_stock != 1;
		/* rmdir: offline drains cpu0's 63 pages, nothing else holds /a */
		bad |= smemcg_cgroup_rmdir(sm, "/a") != 0;
		bad |= usage(root) != r0;
		bad |= file_key(sm, "/cgroup.stat", "nr_dying_descendants") != 0;
		smemcg_machine_free(sm);
		_exit(bad ? 1 : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		ok(0, "fork for the offline test");
		return;
	}
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		"rmdir of a memcg held only by a stock: released cleanly (child %s %d)",
		WIFEXITED(status) ? "exit" : "signal",
		WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

int main(void)
{
	tap_start();
	test_stock();
	test_stock_off();
	test_fail_and_force();
	test_drain_on_failure();
	test_event_propagation();
	test_stock_via_processes();
	test_high_penalty();
	test_offline_drains_last_stock_ref();
	return done_testing();
}
