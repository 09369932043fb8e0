// SPDX-License-Identifier: GPL-2.0-only
/*
 * The cgroup core files and the memory controller's files, Linux 6.1.
 * Values written are stripped of surrounding blanks (strstrip) before
 * parsing, as the kernel's handlers do; parse errors give EINVAL (ERANGE
 * for integers out of range, as kstrtoint).
 */
#include "control_files.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../machine.h"
#include "../mm/oom_kill.h"
#include "../mm/task.h"
#include "../mm/vmscan.h"
#include "../mm/memcontrol/charge.h"
#include "../mm/memcontrol/memcg.h"

void seq_puts_memcg_tunable(struct strbuf *out, long value)
{
	if (value == PAGE_COUNTER_MAX)
		sb_puts(out, "max\n");
	else
		sb_printf(out, "%llu\n", (unsigned long long)value * PAGE_SIZE);
}

int kstrtoint(int *out, const char *s)
{
	const char *p = s;
	bool neg = false;
	long long v = 0;
	unsigned base = 10;

	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (p[0] == '0' && p[1]) {
		base = 8;
		p++;
	}
	if (!*p)
		return -EINVAL;
	for (; *p && *p != '\n'; p++) {
		int d;

		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			return -EINVAL;
		if ((unsigned)d >= base)
			return -EINVAL;
		v = v * base + d;
		if (v > (long long)INT_MAX + 1)
			return -ERANGE;
	}
	if (p[0] == '\n' && p[1])
		return -EINVAL;
	if (neg)
		v = -v;
	if (v > INT_MAX || v < INT_MIN)
		return -ERANGE;
	*out = (int)v;
	return 0;
}

/* ---- cgroup core files ---- */

static const char *const controller_names[] = { "memory", "pins" };

static void print_ss_mask(struct strbuf *out, unsigned mask)
{
	bool first = true;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(controller_names); i++) {
		if (!(mask & (1u << i)))
			continue;
		sb_printf(out, "%s%s", first ? "" : " ", controller_names[i]);
		first = false;
	}
	/* cgroup_print_ss_mask: an empty mask is an empty file */
	if (!first)
		sb_puts(out, "\n");
}

/* Controllers a cgroup may enable: what its parent hands down. */
static unsigned cgroup_control(const struct cgroup *cg)
{
	return cg->parent ? cg->parent->subtree_control : CGRP_CTRL_ALL;
}

static int controllers_show(struct machine *m, struct cgroup *cg, struct strbuf *out)
{
	(void)m;
	print_ss_mask(out, cgroup_control(cg));
	return 0;
}

static int subtree_control_show(struct machine *m, struct cgroup *cg, struct strbuf *out)
{
	(void)m;
	print_ss_mask(out, cg->subtree_control);
	return 0;
}

static int subtree_control_write(struct machine *m, struct cgroup *cg, char *buf)
{
	return cgroup_set_subtree_control(m, cg, buf);
}

static int procs_show(struct machine *m, struct cgroup *cg, struct strbuf *out)
{
	struct list_node *pos;

	(void)m;
	list_for_each(pos, &cg->tasks)
		sb_printf(out, "%d\n", container_of(pos, struct task, cg_node)->pid);
	return 0;
}

static int procs_write(struct machine *m, struct cgroup *cg, char *buf)
{
	struct task *t;
	int pid, err = kstrtoint(&pid, strstrip(buf));

	/* cgroup_procs_write_start: any parse failure or a negative pid */
	if (err || pid < 0)
		return machine_error(m, -EINVAL, "cgroup.procs takes a pid, not \"%s\"", buf);
	t = task_lookup(m, pid);
	if (!t)
		return machine_error(m, -ESRCH, "no process with pid %d", pid);
	return cgroup_attach_task(m, cg, t);
}

static int stat_show(struct machine *m, struct cgroup *cg, struct strbuf *out)
{
	(void)m;
	sb_printf(out, "nr_descendants %ld\nnr_dying_descendants %ld\n",
		  cg->nr_descendants, cg->nr_dying_descendants);
	return 0;
}

static bool populated(const struct cgroup *cg)
{
	const struct cgroup *c;

	if (!list_empty(&cg->tasks))
		return true;
	for (c = cg->first_child; c; c = c->next_sibling)
		if (populated(c))
			return true;
	return false;
}

static int events_show(struct machine *m, struct cgroup *cg, struct strbuf *out)
{
	(void)m;
	sb_printf(out, "populated %d\nfrozen 0\n", populated(cg));
	return 0;
}

static int type_show(struct machine *m, struct cgroup *cg, struct strbuf *out)
{
	(void)m;
	(void)cg;
	sb_puts(out, "domain\n");
	return 0;
}

static int max_show_int(struct strbuf *out, long v)
{
	if (v == INT_MAX)
		sb_puts(out, "max\n");
	else
		sb_printf(out, "%ld\n", v);
	return 0;
}

static int parse_max_int(long *out, const char *buf)
{
	int v, err;

	if (!strcmp(buf, "max")) {
		*out = INT_MAX;
		return 0;
	}
	err = kstrtoint(&v, buf);
	if (err)
		return err;
	if (v < 0)
		return -ERANGE;
	*out = v;
	return 0;
}

static int max_descendants_show(struct machine *m, struct cgroup *cg, struct strbuf *out)
{
	(void)m;
	return max_show_int(out, cg->max_descendants);
}

static int max_descendants_write(struct machine *m, struct cgroup *cg, char *buf)
{
	long v;
	int err = parse_max_int(&v, strstrip(buf));

	if (err)
		return machine_error(m, err, "cgroup.max.descendants takes \"max\" or a count >= 0");
	cg->max_descendants = v;
	return 0;
}

static int max_depth_show(struct machine *m, struct cgroup *cg, struct strbuf *out)
{
	(void)m;
	return max_show_int(out, cg->max_depth);
}

static int max_depth_write(struct machine *m, struct cgroup *cg, char *buf)
{
	long v;
	int err = parse_max_int(&v, strstrip(buf));

	if (err)
		return machine_error(m, err, "cgroup.max.depth takes \"max\" or a depth >= 0");
	cg->max_depth = v;
	return 0;
}

static int kill_write(struct machine *m, struct cgroup *cg, char *buf)
{
	int v, err = kstrtoint(&v, strstrip(buf));

	if (err)
		return err;
	if (v != 1)
		return -ERANGE;
	return cgroup_kill(m, cg);
}

static int type_write(struct machine *m, struct cgroup *cg, char *buf)
{
	(void)cg;
	/* cgroup_type_write: only "threaded" is a valid request */
	if (strcmp(strstrip(buf), "threaded"))
		return machine_error(m, -EINVAL, "cgroup.type takes only \"threaded\"");
	return machine_error(m, -EOPNOTSUPP, "threaded cgroups are not modelled");
}

const struct cftype cgroup_base_files[] = {
	{ "cgroup.type", CFT_READ | CFT_WRITE | CFT_NOT_ON_ROOT, type_show, type_write },
	{ "cgroup.procs", CFT_READ | CFT_WRITE, procs_show, procs_write },
	{ "cgroup.threads", CFT_READ, procs_show, NULL },
	{ "cgroup.controllers", CFT_READ, controllers_show, NULL },
	{ "cgroup.subtree_control", CFT_READ | CFT_WRITE, subtree_control_show,
	  subtree_control_write },
	{ "cgroup.events", CFT_READ | CFT_NOT_ON_ROOT, events_show, NULL },
	{ "cgroup.max.descendants", CFT_READ | CFT_WRITE, max_descendants_show,
	  max_descendants_write },
	{ "cgroup.max.depth", CFT_READ | CFT_WRITE, max_depth_show, max_depth_write },
	{ "cgroup.stat", CFT_READ, stat_show, NULL },
	{ "cgroup.kill", CFT_WRITE | CFT_NOT_ON_ROOT, NULL, kill_write },
	{ NULL, 0, NULL, NULL },
};

/* ---- memory controller files ---- */

static int memory_current_show(struct machine *m, struct cgroup *cg, struct strbuf *out)
{
	(void)m;
	sb_printf(out, "%llu\n",
		  (unsigned long long)page_counter_seen(&cg->memcg->memory) * PAGE_SIZE);
	return 0;
}

static int memory_peak_show(struct machine *m, struct cgroup *cg, struct strbuf *out)
{
	(void)m;
	sb_printf(out, "%llu\n", (unsigned long long)cg->memcg->memory.watermark * PAGE_SIZE);
	return 0;
}

static int memory_min_show(struct machine *m, struct cgroup *cg, struct strbuf *out)
{
	(void)m;
	seq_puts_memcg_tunable(out, cg->memcg->memory.min);
	return 0;
}

static int parse_tunable(struct machine *m, long *pages, char *buf,
			 const char *maxstr, const char *file)
{
	int err = page_counter_memparse(pages, strstrip(buf), maxstr);

	if (err)
		return machine_error(m, err,
				     "%s takes a size in bytes with an optional K/M/G/T suffix%s, not \"%s\"",
				     file, *maxstr ? " or \"max\"" : "", buf);
	return 0;
}

static int memory_min_write(struct machine *m, struct cgroup *cg, char *buf)
{
	long min;
	int err = parse_tunable(m, &min, buf, "max", "memory.min");

	if (err)
		return err;
	page_counter_set_min(&cg->memcg->memory, min);
	return 0;
}

static int memory_low_show(struct machine *m, struct cgroup *cg, struct strbuf *out)
{
	(void)m;
	seq_puts_memcg_tunable(out, cg->memcg->memory.low);
	return 0;
}

static int memory_low_write(struct machine *m, struct cgroup *cg, char *buf)
{
	long low;
	int err = parse_tunable(m, &low, buf, "max", "memory.low");

	if (err)
		return err;
	page_counter_set_low(&cg->memcg->memory, low);
	return 0;
}

static int memory_high_show(struct machine *m, struct cgroup *cg, struct strbuf *out)
{
	(void)m;
	seq_puts_memcg_tunable(out, cg->memcg->memory.high);
	return 0;
}

static int memory_high_write(struct machine *m, struct cgroup *cg, char *buf)
{
	struct mem_cgroup *memcg = cg->memcg;
	int nr_retries = MAX_RECLAIM_RETRIES;
	bool drained = false;
	long high;
	int err = parse_tunable(m, &high, buf, "max", "memory.high");

	if (err)
		return err;
	page_counter_set_high(&memcg->memory, high);
	/* Reclaim down to the new high; never OOM-kill, always succeed. */
	for (;;) {
		long nr_pages = page_counter_seen(&memcg->memory);
		long reclaimed;

		if (nr_pages <= high)
			break;
		if (!drained) {
			drain_all_stock(m, memcg);
			drained = true;
			continue;
		}
		reclaimed = try_to_free_mem_cgroup_pages(m, memcg, nr_pages - high,
							 GFP_KERNEL,
							 MEMCG_RECLAIM_MAY_SWAP);
		if (!reclaimed && !nr_retries--)
			break;
	}
	return 0;
}

static int memory_max_show(struct machine *m, struct cgroup *cg, struct strbuf *out)
{
	(void)m;
	seq_puts_memcg_tunable(out, cg->memcg->memory.max);
	return 0;
}

static int memory_max_write(struct machine *m, struct cgroup *cg, char *buf)
{
	struct mem_cgroup *memcg = cg->memcg;
	int nr_reclaims = MAX_RECLAIM_RETRIES;
	bool drained = false;
	long max;
	int err = parse_tunable(m, &max, buf, "max", "memory.max");

	if (err)
		return err;
	/* v2 swaps the limit in first, then works to meet it. */
	memcg->memory.max = max;
	for (;;) {
		long nr_pages = page_counter_seen(&memcg->memory);

		if (nr_pages <= max)
			break;
		if (!drained) {
			drain_all_stock(m, memcg);
			drained = true;
			continue;
		}
		if (nr_reclaims) {
			if (!try_to_free_mem_cgroup_pages(m, memcg, nr_pages - max,
							  GFP_KERNEL,
							  MEMCG_RECLAIM_MAY_SWAP))
				nr_reclaims--;
			continue;
		}
		memcg_memory_event(m, memcg, MEMCG_OOM);
		if (!mem_cgroup_out_of_memory(m, memcg, GFP_KERNEL, 0))
			break;
	}
	return 0;
}

void memcg_events_format(struct strbuf *out, const unsigned long *ev)
{
	int i;

	for (i = MEMCG_LOW; i <= MEMCG_OOM_GROUP_KILL; i++)
		sb_printf(out, "%s %lu\n", memcg_event_names[i], ev[i]);
}

static int memory_events_show(struct machine *m, struct cgroup *cg, struct strbuf *out)
{
	(void)m;
	memcg_events_format(out, cg->memcg->events);
	return 0;
}

static int memory_events_local_show(struct machine *m, struct cgroup *cg,
				    struct strbuf *out)
{
	(void)m;
	memcg_events_format(out, cg->memcg->events_local);
	return 0;
}

bool memcg_stat_visible(const struct machine *m, enum memcg_stat_item i);

bool memcg_stat_visible(const struct machine *m, enum memcg_stat_item i)
{
	if (i < MEMCG_NR_KERNEL_STATS)
		return true;
	return m->policy.recharge != RECHARGE_NONE;
}

long memcg_stat_value(const long *stats, enum memcg_stat_item i)
{
	switch (i) {
	case MEMCG_SLAB:
		return stats[MEMCG_SLAB_RECLAIMABLE] + stats[MEMCG_SLAB_UNRECLAIMABLE];
	case MEMCG_PGSCAN:
		return stats[MEMCG_PGSCAN_KSWAPD] + stats[MEMCG_PGSCAN_DIRECT];
	case MEMCG_PGSTEAL:
		return stats[MEMCG_PGSTEAL_KSWAPD] + stats[MEMCG_PGSTEAL_DIRECT];
	default:
		return stats[i];
	}
}

static int memory_stat_show(struct machine *m, struct cgroup *cg, struct strbuf *out)
{
	memcg_stat_format(m, cg->memcg, out);
	return 0;
}

void memcg_stat_format(struct machine *m, struct mem_cgroup *memcg, struct strbuf *out)
{
	long stats[MEMCG_NR_STATS];
	int i;

	memcg_stat_subtree(memcg, stats);
	for (i = 0; i < MEMCG_NR_STATS; i++) {
		if (!memcg_stat_visible(m, (enum memcg_stat_item)i))
			continue;
		sb_printf(out, "%s %llu\n", memcg_stat_desc[i].name,
			  memcg_stat_show_value((enum memcg_stat_item)i,
						memcg_stat_value(stats, (enum memcg_stat_item)i)));
	}
}

/* Items of memory.stat that are per-node (lruvec) statistics. */
static const enum memcg_stat_item numa_items[] = {
	MEMCG_ANON, MEMCG_FILE, MEMCG_KERNEL_STACK, MEMCG_PAGETABLES,
	MEMCG_SEC_PAGETABLES, MEMCG_SHMEM, MEMCG_FILE_MAPPED, MEMCG_FILE_DIRTY,
	MEMCG_FILE_WRITEBACK, MEMCG_SWAPCACHED, MEMCG_ANON_THP, MEMCG_FILE_THP,
	MEMCG_SHMEM_THP, MEMCG_INACTIVE_ANON, MEMCG_ACTIVE_ANON,
	MEMCG_INACTIVE_FILE, MEMCG_ACTIVE_FILE, MEMCG_UNEVICTABLE,
	MEMCG_SLAB_RECLAIMABLE, MEMCG_SLAB_UNRECLAIMABLE,
	MEMCG_WORKINGSET_REFAULT_ANON, MEMCG_WORKINGSET_REFAULT_FILE,
	MEMCG_WORKINGSET_ACTIVATE_ANON, MEMCG_WORKINGSET_ACTIVATE_FILE,
	MEMCG_WORKINGSET_RESTORE_ANON, MEMCG_WORKINGSET_RESTORE_FILE,
	MEMCG_WORKINGSET_NODERECLAIM,
};

static int memory_numa_stat_show(struct machine *m, struct cgroup *cg,
				 struct strbuf *out)
{
	long stats[MEMCG_NR_STATS];
	size_t i;

	(void)m;
	memcg_stat_subtree(cg->memcg, stats);
	for (i = 0; i < ARRAY_SIZE(numa_items); i++)
		sb_printf(out, "%s N0=%llu\n", memcg_stat_desc[numa_items[i]].name,
			  memcg_stat_show_value(numa_items[i], stats[numa_items[i]]));
	return 0;
}

static int memory_oom_group_show(struct machine *m, struct cgroup *cg,
				 struct strbuf *out)
{
	(void)m;
	sb_printf(out, "%d\n", cg->memcg->oom_group);
	return 0;
}

static int memory_oom_group_write(struct machine *m, struct cgroup *cg, char *buf)
{
	int v, err = kstrtoint(&v, strstrip(buf));

	if (err)
		return machine_error(m, err, "memory.oom.group takes 0 or 1");
	if (v != 0 && v != 1)
		return machine_error(m, -EINVAL, "memory.oom.group takes 0 or 1, not %d", v);
	cg->memcg->oom_group = v;
	return 0;
}

static int memory_reclaim_write(struct machine *m, struct cgroup *cg, char *buf)
{
	struct mem_cgroup *memcg = cg->memcg;
	int nr_retries = MAX_RECLAIM_RETRIES;
	long nr_to_reclaim, nr_reclaimed = 0;
	int err = parse_tunable(m, &nr_to_reclaim, buf, "", "memory.reclaim");

	if (err)
		return err;
	while (nr_reclaimed < nr_to_reclaim) {
		long reclaimed = try_to_free_mem_cgroup_pages(
			m, memcg, nr_to_reclaim - nr_reclaimed, GFP_KERNEL,
			MEMCG_RECLAIM_MAY_SWAP | MEMCG_RECLAIM_PROACTIVE);

		if (!reclaimed && !nr_retries--)
			return machine_error(m, -EAGAIN,
					     "memory.reclaim: reclaimed %ld of %ld pages, nothing more to reclaim",
					     nr_reclaimed, nr_to_reclaim);
		nr_reclaimed += reclaimed;
	}
	return 0;
}

static int swap_current_show(struct machine *m, struct cgroup *cg, struct strbuf *out)
{
	(void)m;
	sb_printf(out, "%llu\n",
		  (unsigned long long)page_counter_read(&cg->memcg->swap) * PAGE_SIZE);
	return 0;
}

static int swap_high_show(struct machine *m, struct cgroup *cg, struct strbuf *out)
{
	(void)m;
	seq_puts_memcg_tunable(out, cg->memcg->swap.high);
	return 0;
}

static int swap_high_write(struct machine *m, struct cgroup *cg, char *buf)
{
	long high;
	int err = parse_tunable(m, &high, buf, "max", "memory.swap.high");

	if (err)
		return err;
	page_counter_set_high(&cg->memcg->swap, high);
	return 0;
}

static int swap_max_show(struct machine *m, struct cgroup *cg, struct strbuf *out)
{
	(void)m;
	seq_puts_memcg_tunable(out, cg->memcg->swap.max);
	return 0;
}

static int swap_max_write(struct machine *m, struct cgroup *cg, char *buf)
{
	long max;
	int err = parse_tunable(m, &max, buf, "max", "memory.swap.max");

	if (err)
		return err;
	/* No reclaim, no OOM: new swap-outs simply fail above it. */
	cg->memcg->swap.max = max;
	return 0;
}

static int swap_events_show(struct machine *m, struct cgroup *cg, struct strbuf *out)
{
	const unsigned long *ev = cg->memcg->events;

	(void)m;
	sb_printf(out, "high %lu\nmax %lu\nfail %lu\n", ev[MEMCG_SWAP_HIGH],
		  ev[MEMCG_SWAP_MAX], ev[MEMCG_SWAP_FAIL]);
	return 0;
}

static int zswap_current_show(struct machine *m, struct cgroup *cg, struct strbuf *out)
{
	(void)m;
	(void)cg;
	sb_puts(out, "0\n");	/* zswap is off by default on Debian's 6.1 */
	return 0;
}

static int zswap_max_show(struct machine *m, struct cgroup *cg, struct strbuf *out)
{
	(void)m;
	seq_puts_memcg_tunable(out, cg->memcg->zswap_max);
	return 0;
}

static int zswap_max_write(struct machine *m, struct cgroup *cg, char *buf)
{
	long max;
	int err = parse_tunable(m, &max, buf, "max", "memory.zswap.max");

	if (err)
		return err;
	cg->memcg->zswap_max = max;
	return 0;
}

#define MEM CFT_MEMORY
#define NR CFT_NOT_ON_ROOT
const struct cftype memory_files[] = {
	{ "memory.current", MEM | NR | CFT_READ, memory_current_show, NULL },
	{ "memory.peak", MEM | NR | CFT_READ, memory_peak_show, NULL },
	{ "memory.min", MEM | NR | CFT_READ | CFT_WRITE, memory_min_show, memory_min_write },
	{ "memory.low", MEM | NR | CFT_READ | CFT_WRITE, memory_low_show, memory_low_write },
	{ "memory.high", MEM | NR | CFT_READ | CFT_WRITE, memory_high_show,
	  memory_high_write },
	{ "memory.max", MEM | NR | CFT_READ | CFT_WRITE, memory_max_show, memory_max_write },
	{ "memory.events", MEM | NR | CFT_READ, memory_events_show, NULL },
	{ "memory.events.local", MEM | NR | CFT_READ, memory_events_local_show, NULL },
	{ "memory.stat", MEM | CFT_READ, memory_stat_show, NULL },
	{ "memory.numa_stat", MEM | CFT_READ, memory_numa_stat_show, NULL },
	{ "memory.oom.group", MEM | NR | CFT_READ | CFT_WRITE, memory_oom_group_show,
	  memory_oom_group_write },
	{ "memory.reclaim", MEM | CFT_WRITE, NULL, memory_reclaim_write },
	{ "memory.swap.current", MEM | NR | CFT_READ, swap_current_show, NULL },
	{ "memory.swap.high", MEM | NR | CFT_READ | CFT_WRITE, swap_high_show,
	  swap_high_write },
	{ "memory.swap.max", MEM | NR | CFT_READ | CFT_WRITE, swap_max_show, swap_max_write },
	{ "memory.swap.events", MEM | NR | CFT_READ, swap_events_show, NULL },
	{ "memory.zswap.current", MEM | NR | CFT_READ, zswap_current_show, NULL },
	{ "memory.zswap.max", MEM | NR | CFT_READ | CFT_WRITE, zswap_max_show,
	  zswap_max_write },
	{ NULL, 0, NULL, NULL },
};
#undef MEM
#undef NR

static const struct cftype *const all_tables[] = {
	cgroup_base_files,
	memory_files,
	kmem_files,
	move_charge_files,
	smemcg_memcg_files,
	pins_files,
};

const struct cftype *cftype_find(const char *name)
{
	size_t t;
	const struct cftype *cft;

	for (t = 0; t < ARRAY_SIZE(all_tables); t++)
		for (cft = all_tables[t]; cft->name; cft++)
			if (!strcmp(cft->name, name))
				return cft;
	return NULL;
}

bool cgroup_name_is_file(const char *name, size_t len)
{
	size_t t;
	const struct cftype *cft;

	/* every control file is "controller.file": most cgroup names have no dot */
	if (!memchr(name, '.', len))
		return false;
	for (t = 0; t < ARRAY_SIZE(all_tables); t++)
		for (cft = all_tables[t]; cft->name; cft++)
			if (!strncmp(cft->name, name, len) && cft->name[len] == '\0')
				return true;
	return false;
}

bool cftype_exists(const struct cftype *cft, const struct cgroup *cg)
{
	bool root = cg->parent == NULL;

	if (root && (cft->flags & CFT_NOT_ON_ROOT))
		return false;
	if (!root && (cft->flags & CFT_ONLY_ON_ROOT))
		return false;
	if ((cft->flags & CFT_MEMORY) && !cg->memcg)
		return false;
	if ((cft->flags & CFT_PINS) && (root || !cg->memcg || !cg->memcg->pins_enabled))
		return false;
	return true;
}

/* Split "/a/b/memory.max" into its cgroup and its file. */
static int resolve(struct machine *m, const char *path, struct cgroup **cg,
		   const struct cftype **cft)
{
	const char *slash = strrchr(path, '/');
	char *dir;

	if (path[0] != '/' || !slash)
		return machine_error(m, -EINVAL, "a control file path starts with '/': %s", path);
	dir = xstrndup(path, (size_t)(slash - path));
	*cg = dir[0] ? cgroup_lookup(m, dir) : m->root_cgroup;
	if (!*cg) {
		machine_error(m, -ENOENT, "no such cgroup: %s", dir[0] ? dir : "/");
		free(dir);
		return -ENOENT;
	}
	free(dir);
	*cft = cftype_find(slash + 1);
	if (!*cft || !cftype_exists(*cft, *cg))
		return machine_error(m, -ENOENT, "no such file: %s", path);
	return 0;
}

int cgroup_file_read(struct machine *m, const char *path, struct strbuf *out)
{
	struct cgroup *cg;
	const struct cftype *cft;
	int err = resolve(m, path, &cg, &cft);

	if (err)
		return err;
	if (!(cft->flags & CFT_READ))
		return machine_error(m, -EACCES, "%s is write-only", path);
	return cft->show(m, cg, out);
}

int cgroup_file_write(struct machine *m, const char *path, const char *value)
{
	struct cgroup *cg;
	const struct cftype *cft;
	char *buf;
	int err = resolve(m, path, &cg, &cft);

	if (err)
		return err;
	if (!(cft->flags & CFT_WRITE))
		return machine_error(m, -EACCES, "%s is read-only", path);
	buf = xstrdup(value);
	err = cft->write(m, cg, buf);
	free(buf);
	return err;
}
