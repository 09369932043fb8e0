// SPDX-License-Identifier: GPL-2.0-only
/*
 * The memory controller's control files (memory.*, memory.swap.*,
 * memory.zswap.*), Linux 6.1: mm/memcontrol.c's memory_files[] and
 * swap_files[], with the kernel's formats, existence rules and errnos.
 * Values written are stripped of surrounding blanks before parsing, as
 * the kernel's handlers do. src/cgroup/control_files.c dispatches to them.
 */
#include <errno.h>

#include "memory_files.h"

#include <stddef.h>

#include "../../cgroup/control_files.h"
#include "../../machine.h"
#include "../oom_kill.h"
#include "../vmscan.h"
#include "charge.h"
#include "memcg.h"

void seq_puts_memcg_tunable(struct strbuf *out, long value)
{
	if (value == PAGE_COUNTER_MAX)
		sb_puts(out, "max\n");
	else
		sb_printf(out, "%llu\n", (unsigned long long)value * PAGE_SIZE);
}


static int parse_tunable(struct machine *m, long *pages, char *buf,
			 const char *maxstr, const char *file)
{
	int err = page_counter_memparse(strstrip(buf), maxstr, pages);

	if (err)
		return machine_error(m, err,
				     "%s takes a size in bytes with an optional K/M/G/T suffix%s, not \"%s\"",
				     file, *maxstr ? " or \"max\"" : "", buf);
	return 0;
}

/*
 * The files that show or set one field of a page_counter: cft->private
 * says which counter and which field (the kernel's MEMFILE_PRIVATE).
 */
enum memfile_counter { MEMFILE_MEM, MEMFILE_SWAP };
enum memfile_attr { RES_USAGE, RES_WATERMARK, RES_MIN, RES_LOW, RES_HIGH, RES_MAX };
#define MEMFILE_PRIVATE(counter, attr) ((counter) << 8 | (attr))
#define MEMFILE_COUNTER(private) ((private) >> 8)
#define MEMFILE_ATTR(private) ((private) & 0xff)

static struct page_counter *memfile_counter(struct mem_cgroup *memcg, unsigned long private)
{
	return MEMFILE_COUNTER(private) == MEMFILE_SWAP ? &memcg->swap : &memcg->memory;
}

static int memcg_counter_show(struct machine *m, struct cgroup *cg,
			      const struct cftype *cft, struct strbuf *out)
{
	struct page_counter *c = memfile_counter(cg->memcg, cft->private);

	(void)m;
	switch (MEMFILE_ATTR(cft->private)) {
	case RES_USAGE:
		sb_printf(out, "%llu\n", (unsigned long long)page_counter_read(c) * PAGE_SIZE);
		break;
	case RES_WATERMARK:
		sb_printf(out, "%llu\n", (unsigned long long)c->watermark * PAGE_SIZE);
		break;
	case RES_MIN:
		seq_puts_memcg_tunable(out, c->min);
		break;
	case RES_LOW:
		seq_puts_memcg_tunable(out, c->low);
		break;
	case RES_HIGH:
		seq_puts_memcg_tunable(out, c->high);
		break;
	default:
		seq_puts_memcg_tunable(out, c->max);
		break;
	}
	return 0;
}

/*
 * The tunables whose write only sets the field: memory.min and .low (the
 * protection is propagated), memory.swap.high and .max (no reclaim, no
 * OOM: new swap-outs fail above them).
 */
static int memcg_tunable_write(struct machine *m, struct cgroup *cg,
			       const struct cftype *cft, char *buf)
{
	struct page_counter *c = memfile_counter(cg->memcg, cft->private);
	long v;
	int err = parse_tunable(m, &v, buf, "max", cft->name);

	if (err)
		return err;
	switch (MEMFILE_ATTR(cft->private)) {
	case RES_MIN:
		page_counter_set_min(c, v);
		break;
	case RES_LOW:
		page_counter_set_low(c, v);
		break;
	case RES_HIGH:
		page_counter_set_high(c, v);
		break;
	default:
		c->max = v;
		break;
	}
	return 0;
}

/* memory.events and memory.events.local: cft->private is the array's offset */
static int memcg_events_show(struct machine *m, struct cgroup *cg,
			     const struct cftype *cft, struct strbuf *out)
{
	(void)m;
	memcg_events_format(out, (const unsigned long *)((const char *)cg->memcg + cft->private));
	return 0;
}

static int memory_high_write(struct machine *m, struct cgroup *cg,
			     const struct cftype *cft, char *buf)
{
	struct mem_cgroup *memcg = cg->memcg;
	int nr_retries = MAX_RECLAIM_RETRIES;
	bool drained = false;
	long high;
	int err = parse_tunable(m, &high, buf, "max", cft->name);

	if (err)
		return err;
	page_counter_set_high(&memcg->memory, high);
	/* Reclaim down to the new high; never OOM-kill, always succeed. */
	for (;;) {
		long nr_pages = page_counter_read(&memcg->memory);
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

static int memory_max_write(struct machine *m, struct cgroup *cg,
			    const struct cftype *cft, char *buf)
{
	long max;
	int err = parse_tunable(m, &max, buf, "max", cft->name);

	if (err)
		return err;
	/* v2 swaps the limit in first, then works to meet it. */
	cg->memcg->memory.max = max;
	mem_cgroup_shrink_to_max(m, cg->memcg);
	return 0;
}

void memcg_events_format(struct strbuf *out, const unsigned long *ev)
{
	int i;

	for (i = MEMCG_LOW; i <= MEMCG_OOM_GROUP_KILL; i++)
		sb_printf(out, "%s %lu\n", memcg_event_names[i], ev[i]);
}

static bool memcg_stat_visible(const struct machine *m, enum memcg_stat_item i)
{
	if (i < MEMCG_NR_KERNEL_STATS)
		return true;
	return ext_stat_visible(m, i);
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

static int memory_stat_show(struct machine *m, struct cgroup *cg,
			    const struct cftype *cft, struct strbuf *out)
{
	(void)cft;
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
				 const struct cftype *cft, struct strbuf *out)
{
	long stats[MEMCG_NR_STATS];
	size_t i;

	(void)m;
	(void)cft;
	memcg_stat_subtree(cg->memcg, stats);
	for (i = 0; i < ARRAY_SIZE(numa_items); i++)
		sb_printf(out, "%s N0=%llu\n", memcg_stat_desc[numa_items[i]].name,
			  memcg_stat_show_value(numa_items[i], stats[numa_items[i]]));
	return 0;
}

static int memory_oom_group_show(struct machine *m, struct cgroup *cg,
				 const struct cftype *cft, struct strbuf *out)
{
	(void)m;
	(void)cft;
	sb_printf(out, "%d\n", cg->memcg->oom_group);
	return 0;
}

static int memory_oom_group_write(struct machine *m, struct cgroup *cg,
				  const struct cftype *cft, char *buf)
{
	int v, err = kstrtoint(&v, strstrip(buf));

	(void)cft;
	if (err)
		return machine_error(m, err, "memory.oom.group takes 0 or 1");
	if (v != 0 && v != 1)
		return machine_error(m, -EINVAL, "memory.oom.group takes 0 or 1, not %d", v);
	cg->memcg->oom_group = v;
	return 0;
}

static int memory_reclaim_write(struct machine *m, struct cgroup *cg,
				const struct cftype *cft, char *buf)
{
	struct mem_cgroup *memcg = cg->memcg;
	int nr_retries = MAX_RECLAIM_RETRIES;
	long nr_to_reclaim, nr_reclaimed = 0;
	int err = parse_tunable(m, &nr_to_reclaim, buf, "", cft->name);

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

static int swap_events_show(struct machine *m, struct cgroup *cg,
			    const struct cftype *cft, struct strbuf *out)
{
	const unsigned long *ev = cg->memcg->events;

	(void)m;
	(void)cft;
	sb_printf(out, "high %lu\nmax %lu\nfail %lu\n", ev[MEMCG_SWAP_HIGH],
		  ev[MEMCG_SWAP_MAX], ev[MEMCG_SWAP_FAIL]);
	return 0;
}

static int zswap_current_show(struct machine *m, struct cgroup *cg,
			      const struct cftype *cft, struct strbuf *out)
{
	(void)m;
	(void)cft;
	(void)cg;
	sb_puts(out, "0\n");	/* zswap is off by default on Debian's 6.1 */
	return 0;
}

static int zswap_max_show(struct machine *m, struct cgroup *cg,
			  const struct cftype *cft, struct strbuf *out)
{
	(void)m;
	(void)cft;
	seq_puts_memcg_tunable(out, cg->memcg->zswap_max);
	return 0;
}

static int zswap_max_write(struct machine *m, struct cgroup *cg,
			   const struct cftype *cft, char *buf)
{
	long max;
	int err = parse_tunable(m, &max, buf, "max", cft->name);

	if (err)
		return err;
	cg->memcg->zswap_max = max;
	return 0;
}

#define MEM CFT_MEMORY
#define NR CFT_NOT_ON_ROOT
const struct cftype memory_files[] = {
	{ .name = "memory.current", .flags = MEM | NR | CFT_READ, .show = memcg_counter_show,
	  .private = MEMFILE_PRIVATE(MEMFILE_MEM, RES_USAGE) },
	{ .name = "memory.peak", .flags = MEM | NR | CFT_READ, .show = memcg_counter_show,
	  .private = MEMFILE_PRIVATE(MEMFILE_MEM, RES_WATERMARK) },
	{ .name = "memory.min", .flags = MEM | NR | CFT_READ | CFT_WRITE,
	  .show = memcg_counter_show, .write = memcg_tunable_write,
	  .private = MEMFILE_PRIVATE(MEMFILE_MEM, RES_MIN) },
	{ .name = "memory.low", .flags = MEM | NR | CFT_READ | CFT_WRITE,
	  .show = memcg_counter_show, .write = memcg_tunable_write,
	  .private = MEMFILE_PRIVATE(MEMFILE_MEM, RES_LOW) },
	{ .name = "memory.high", .flags = MEM | NR | CFT_READ | CFT_WRITE,
	  .show = memcg_counter_show, .write = memory_high_write,
	  .private = MEMFILE_PRIVATE(MEMFILE_MEM, RES_HIGH) },
	{ .name = "memory.max", .flags = MEM | NR | CFT_READ | CFT_WRITE,
	  .show = memcg_counter_show, .write = memory_max_write,
	  .private = MEMFILE_PRIVATE(MEMFILE_MEM, RES_MAX) },
	{ .name = "memory.events", .flags = MEM | NR | CFT_READ, .show = memcg_events_show,
	  .private = offsetof(struct mem_cgroup, events) },
	{ .name = "memory.events.local", .flags = MEM | NR | CFT_READ, .show = memcg_events_show,
	  .private = offsetof(struct mem_cgroup, events_local) },
	{ .name = "memory.stat", .flags = MEM | CFT_READ, .show = memory_stat_show },
	{ .name = "memory.numa_stat", .flags = MEM | CFT_READ, .show = memory_numa_stat_show },
	{ .name = "memory.oom.group", .flags = MEM | NR | CFT_READ | CFT_WRITE,
	  .show = memory_oom_group_show, .write = memory_oom_group_write },
	{ .name = "memory.reclaim", .flags = MEM | CFT_WRITE, .write = memory_reclaim_write },
	{ .name = "memory.swap.current", .flags = MEM | NR | CFT_READ, .show = memcg_counter_show,
	  .private = MEMFILE_PRIVATE(MEMFILE_SWAP, RES_USAGE) },
	{ .name = "memory.swap.high", .flags = MEM | NR | CFT_READ | CFT_WRITE,
	  .show = memcg_counter_show, .write = memcg_tunable_write,
	  .private = MEMFILE_PRIVATE(MEMFILE_SWAP, RES_HIGH) },
	{ .name = "memory.swap.max", .flags = MEM | NR | CFT_READ | CFT_WRITE,
	  .show = memcg_counter_show, .write = memcg_tunable_write,
	  .private = MEMFILE_PRIVATE(MEMFILE_SWAP, RES_MAX) },
	{ .name = "memory.swap.events", .flags = MEM | NR | CFT_READ, .show = swap_events_show },
	{ .name = "memory.zswap.current", .flags = MEM | NR | CFT_READ,
	  .show = zswap_current_show },
	{ .name = "memory.zswap.max", .flags = MEM | NR | CFT_READ | CFT_WRITE,
	  .show = zswap_max_show, .write = zswap_max_write },
	{ .name = NULL },
};
#undef MEM
#undef NR
