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
#include <stdlib.h>
#include <string.h>

#include "../../cgroup/control_files.h"
#include "../../machine.h"
#include "../oom_kill.h"
#include "../vmscan.h"
#include "baseline.h"
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

/* memory.current and memory.swap.current (memory_current_read, swap_current_read) */
static uint64_t memcg_usage_read(struct cgroup *cg, const struct cftype *cft)
{
	return (uint64_t)page_counter_read(memfile_counter(cg->memcg, cft->private)) * PAGE_SIZE;
}

/* The tunables differ only in the field they show. */
static long memfile_tunable(const struct page_counter *c, unsigned long private)
{
	switch (MEMFILE_ATTR(private)) {
	case RES_MIN:
		return c->min;
	case RES_LOW:
		return c->low;
	case RES_HIGH:
		return c->high;
	default:
		return c->max;
	}
}

static int memcg_tunable_show(struct machine *m, struct cgroup *cg,
			      const struct cftype *cft, struct strbuf *out)
{
	(void)m;
	seq_puts_memcg_tunable(out, memfile_tunable(memfile_counter(cg->memcg, cft->private),
						    cft->private));
	return 0;
}

/*
 * memory.peak and memory.swap.peak of 6.12: the peak since the cgroup was
 * created, or, through an open file that was written, since that write.
 * A write sets the counter's local_watermark to the usage and raises the
 * peak of every other written open file to at least that usage, so that
 * each keeps its own (peak_write). An open file is CG/FILE:NAME in the
 * language (m->cur_of); a statement without one opens, uses and closes
 * the file, as `echo` and `cat` do. The kernel keeps only written open
 * files on its list (peak_open, peak_release): so does the model.
 */
struct peak_of {
	struct peak_of *next;
	unsigned long private;		/* the file: MEMFILE_PRIVATE(counter, RES_WATERMARK) */
	long value;			/* pages */
	char name[];
};

static struct peak_of *peak_of_find(struct mem_cgroup *memcg, unsigned long private,
				    const char *name)
{
	struct peak_of *of;

	for (of = memcg->peak_ofs; of; of = of->next)
		if (of->private == private && !strcmp(of->name, name))
			return of;
	return NULL;
}

void memcg_peak_ofs_free(struct mem_cgroup *memcg)
{
	while (memcg->peak_ofs) {
		struct peak_of *of = memcg->peak_ofs;

		memcg->peak_ofs = of->next;
		free(of);
	}
}

static int memcg_peak_show(struct machine *m, struct cgroup *cg,
			   const struct cftype *cft, struct strbuf *out)
{
	struct page_counter *c = memfile_counter(cg->memcg, cft->private);
	struct peak_of *of = m->cur_of ? peak_of_find(cg->memcg, cft->private, m->cur_of) : NULL;
	long peak = of ? MAX(of->value, c->local_watermark) : c->watermark;

	sb_printf(out, "%llu\n", (unsigned long long)peak * PAGE_SIZE);
	return 0;
}

static int memcg_peak_write(struct machine *m, struct cgroup *cg,
			    const struct cftype *cft, char *buf)
{
	struct mem_cgroup *memcg = cg->memcg;
	struct page_counter *c = memfile_counter(memcg, cft->private);
	long usage = page_counter_read(c);
	struct peak_of *of;

	(void)buf;	/* whatever is written resets */
	c->local_watermark = usage;
	for (of = memcg->peak_ofs; of; of = of->next)
		if (of->private == cft->private && usage > of->value)
			of->value = usage;
	if (!m->cur_of)
		return 0;
	of = peak_of_find(memcg, cft->private, m->cur_of);
	if (!of) {
		of = xcalloc(1, sizeof(*of) + strlen(m->cur_of) + 1);
		strcpy(of->name, m->cur_of);
		of->private = cft->private;
		of->next = memcg->peak_ofs;
		memcg->peak_ofs = of;
	}
	of->value = usage;
	return 0;
}

/*
 * Sets the field of a tunable: all the write does for memory.min and .low
 * (the protection is propagated), memory.swap.high and .max (no reclaim,
 * no OOM: new swap-outs fail above them); memory.high and .max then
 * reclaim down to it.
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
	int err = memcg_tunable_write(m, cg, cft, buf);

	if (err)
		return err;
	high = memcg->memory.high;
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
							 MEMCG_RECLAIM_MAY_SWAP, NULL);
		if (!reclaimed && !nr_retries--)
			break;
	}
	return 0;
}

static int memory_max_write(struct machine *m, struct cgroup *cg,
			    const struct cftype *cft, char *buf)
{
	/* v2 swaps the limit in first, then works to meet it. */
	int err = memcg_tunable_write(m, cg, cft, buf);

	if (!err)
		mem_cgroup_shrink_to_max(m, cg->memcg);
	return err;
}

void memcg_events_format(struct strbuf *out, const unsigned long *ev)
{
	int i;

	for (i = MEMCG_LOW; i <= MEMCG_OOM_GROUP_KILL; i++)
		sb_printf(out, "%s %lu\n", memcg_event_names[i], ev[i]);
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

/* One line of memory.stat or memory.numa_stat: the baseline's key. */
static void stat_line(struct strbuf *out, const struct baseline_stat *k, const long *stats,
		      const char *fmt)
{
	enum memcg_stat_item i = (enum memcg_stat_item)k->item;

	if (k->item == STAT_ZERO)
		sb_printf(out, fmt, k->name, 0ULL);
	else
		sb_printf(out, fmt, memcg_stat_desc[i].name,
			  memcg_stat_show_value(i, memcg_stat_value(stats, i)));
}

/* The baseline's keys in its order, then what the extensions show. */
void memcg_stat_format(struct machine *m, struct mem_cgroup *memcg, struct strbuf *out)
{
	const struct kernel_baseline *kb = m->kernel;
	long stats[MEMCG_NR_STATS];
	size_t k;
	int i;

	memcg_stat_subtree(memcg, stats);
	for (k = 0; k < kb->nr_memory_stat; k++)
		stat_line(out, &kb->memory_stat[k], stats, "%s %llu\n");
	for (i = MEMCG_NR_KERNEL_STATS; i < MEMCG_NR_STATS; i++) {
		if (!ext_stat_visible(m, (enum memcg_stat_item)i))
			continue;
		sb_printf(out, "%s %llu\n", memcg_stat_desc[i].name,
			  memcg_stat_show_value((enum memcg_stat_item)i,
						memcg_stat_value(stats, (enum memcg_stat_item)i)));
	}
}

/* The node statistics of memory.stat, one node (N0) in the model. */
static int memory_numa_stat_show(struct machine *m, struct cgroup *cg,
				 const struct cftype *cft, struct strbuf *out)
{
	const struct kernel_baseline *kb = m->kernel;
	long stats[MEMCG_NR_STATS];
	size_t k;

	(void)cft;
	memcg_stat_subtree(cg->memcg, stats);
	for (k = 0; k < kb->nr_numa_stat; k++)
		stat_line(out, &kb->numa_stat[k], stats, "%s N0=%llu\n");
	return 0;
}

static uint64_t memory_oom_group_read(struct cgroup *cg, const struct cftype *cft)
{
	(void)cft;
	return cg->memcg->oom_group;
}

/* A file that takes 0 or 1: kstrtoint's errors, EINVAL for another number. */
static int parse_01(struct machine *m, int *v, char *buf, const char *file)
{
	int err = kstrtoint(v, strstrip(buf));

	if (err)
		return machine_error(m, err, "%s takes 0 or 1", file);
	if (*v != 0 && *v != 1)
		return machine_error(m, -EINVAL, "%s takes 0 or 1, not %d", file, *v);
	return 0;
}

static int memory_oom_group_write(struct machine *m, struct cgroup *cg,
				  const struct cftype *cft, char *buf)
{
	int v, err = parse_01(m, &v, buf, cft->name);

	if (!err)
		cg->memcg->oom_group = v;
	return err;
}

/* Run memory.reclaim: 6.1 asks for all that is left each round, 6.12 a quarter. */
static int memory_reclaim(struct machine *m, struct mem_cgroup *memcg, long nr_to_reclaim,
			  const int *swappiness)
{
	int nr_retries = MAX_RECLAIM_RETRIES;
	long nr_reclaimed = 0;

	while (nr_reclaimed < nr_to_reclaim) {
		long left = nr_to_reclaim - nr_reclaimed;
		/* 6.12: converges on zero, reclaim enforces its minimum batch */
		long batch = m->kernel->reclaim_batches ? left / 4 : left;
		long reclaimed = try_to_free_mem_cgroup_pages(
			m, memcg, batch, GFP_KERNEL,
			MEMCG_RECLAIM_MAY_SWAP | MEMCG_RECLAIM_PROACTIVE, swappiness);

		if (!reclaimed && !nr_retries--)
			return machine_error(m, -EAGAIN,
					     "memory.reclaim: reclaimed %ld of %ld pages, nothing more to reclaim",
					     nr_reclaimed, nr_to_reclaim);
		nr_reclaimed += reclaimed;
	}
	return 0;
}

/*
 * 6.12's memory.reclaim: "SIZE [swappiness=N]", N in 0..200, words
 * separated by blanks; anything else is EINVAL.
 */
static int reclaim_args(struct machine *m, char *buf, long *nr_to_reclaim, int *swappiness,
			bool *has_swappiness)
{
	const char *end;
	char *word, *save = NULL;
	uint64_t bytes;

	buf = strstrip(buf);
	bytes = memparse(buf, &end);
	if (end == buf)
		return machine_error(m, -EINVAL,
				     "memory.reclaim takes a size in bytes with an optional K/M/G/T suffix, then swappiness=N, not \"%s\"",
				     buf);
	*nr_to_reclaim = (long)MIN(bytes / PAGE_SIZE, (uint64_t)PAGE_COUNTER_MAX);
	*has_swappiness = false;
	for (word = strtok_r((char *)end, " ", &save); word; word = strtok_r(NULL, " ", &save)) {
		if (strncmp(word, "swappiness=", 11) || kstrtoint(swappiness, word + 11))
			return machine_error(m, -EINVAL,
					     "memory.reclaim: \"%s\" is not swappiness=N", word);
		if (*swappiness < 0 || *swappiness > 200)
			return machine_error(m, -EINVAL,
					     "memory.reclaim: swappiness=%d is outside 0..200", *swappiness);
		*has_swappiness = true;
	}
	return 0;
}

static int memory_reclaim_write(struct machine *m, struct cgroup *cg,
				const struct cftype *cft, char *buf)
{
	long nr_to_reclaim;
	int swappiness = 0, err;
	bool has_swappiness = false;

	if (!m->kernel->reclaim_batches) {
		err = parse_tunable(m, &nr_to_reclaim, buf, "", cft->name);
		if (err)
			return err;
		return memory_reclaim(m, cg->memcg, nr_to_reclaim, NULL);
	}
	err = reclaim_args(m, buf, &nr_to_reclaim, &swappiness, &has_swappiness);
	if (err)
		return err;
	return memory_reclaim(m, cg->memcg, nr_to_reclaim, has_swappiness ? &swappiness : NULL);
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

static uint64_t zswap_current_read(struct cgroup *cg, const struct cftype *cft)
{
	(void)cg;
	(void)cft;
	return 0;	/* zswap is off by default on Debian's 6.1 and 6.12 */
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

/* memory.zswap.writeback (6.12): 0 or 1, on the root too; zswap is off */
static uint64_t zswap_writeback_read(struct cgroup *cg, const struct cftype *cft)
{
	(void)cft;
	return !cg->memcg->zswap_writeback_off;
}

static int zswap_writeback_write(struct machine *m, struct cgroup *cg,
				 const struct cftype *cft, char *buf)
{
	int v, err = parse_01(m, &v, buf, cft->name);

	if (!err)
		cg->memcg->zswap_writeback_off = !v;
	return err;
}

#define MEM CFT_MEMORY
#define NR CFT_NOT_ON_ROOT
const struct cftype memory_files[] = {
	{ .name = "memory.current", .flags = MEM | NR | CFT_READ, .read_u64 = memcg_usage_read,
	  .private = MEMFILE_PRIVATE(MEMFILE_MEM, RES_USAGE) },
	{ .name = "memory.peak", .flags = MEM | NR | CFT_READ | CFT_WRITE | CFT_PER_OPEN,
	  .show = memcg_peak_show, .write = memcg_peak_write,
	  .private = MEMFILE_PRIVATE(MEMFILE_MEM, RES_WATERMARK), .write_since = KERNEL_6_12 },
	{ .name = "memory.min", .flags = MEM | NR | CFT_READ | CFT_WRITE,
	  .show = memcg_tunable_show, .write = memcg_tunable_write,
	  .private = MEMFILE_PRIVATE(MEMFILE_MEM, RES_MIN) },
	{ .name = "memory.low", .flags = MEM | NR | CFT_READ | CFT_WRITE,
	  .show = memcg_tunable_show, .write = memcg_tunable_write,
	  .private = MEMFILE_PRIVATE(MEMFILE_MEM, RES_LOW) },
	{ .name = "memory.high", .flags = MEM | NR | CFT_READ | CFT_WRITE,
	  .show = memcg_tunable_show, .write = memory_high_write,
	  .private = MEMFILE_PRIVATE(MEMFILE_MEM, RES_HIGH) },
	{ .name = "memory.max", .flags = MEM | NR | CFT_READ | CFT_WRITE,
	  .show = memcg_tunable_show, .write = memory_max_write,
	  .private = MEMFILE_PRIVATE(MEMFILE_MEM, RES_MAX) },
	{ .name = "memory.events", .flags = MEM | NR | CFT_READ, .show = memcg_events_show,
	  .private = offsetof(struct mem_cgroup, events) },
	{ .name = "memory.events.local", .flags = MEM | NR | CFT_READ, .show = memcg_events_show,
	  .private = offsetof(struct mem_cgroup, events_local) },
	{ .name = "memory.stat", .flags = MEM | CFT_READ, .show = memory_stat_show },
	{ .name = "memory.numa_stat", .flags = MEM | CFT_READ, .show = memory_numa_stat_show },
	{ .name = "memory.oom.group", .flags = MEM | NR | CFT_READ | CFT_WRITE,
	  .read_u64 = memory_oom_group_read, .write = memory_oom_group_write },
	{ .name = "memory.reclaim", .flags = MEM | CFT_WRITE, .write = memory_reclaim_write },
	{ .name = "memory.swap.current", .flags = MEM | NR | CFT_READ,
	  .read_u64 = memcg_usage_read,
	  .private = MEMFILE_PRIVATE(MEMFILE_SWAP, RES_USAGE) },
	{ .name = "memory.swap.high", .flags = MEM | NR | CFT_READ | CFT_WRITE,
	  .show = memcg_tunable_show, .write = memcg_tunable_write,
	  .private = MEMFILE_PRIVATE(MEMFILE_SWAP, RES_HIGH) },
	{ .name = "memory.swap.max", .flags = MEM | NR | CFT_READ | CFT_WRITE,
	  .show = memcg_tunable_show, .write = memcg_tunable_write,
	  .private = MEMFILE_PRIVATE(MEMFILE_SWAP, RES_MAX) },
	{ .name = "memory.swap.peak", .flags = MEM | NR | CFT_READ | CFT_WRITE | CFT_PER_OPEN,
	  .show = memcg_peak_show, .write = memcg_peak_write,
	  .private = MEMFILE_PRIVATE(MEMFILE_SWAP, RES_WATERMARK), .since = KERNEL_6_12,
	  .write_since = KERNEL_6_12 },
	{ .name = "memory.swap.events", .flags = MEM | NR | CFT_READ, .show = swap_events_show },
	{ .name = "memory.zswap.current", .flags = MEM | NR | CFT_READ,
	  .read_u64 = zswap_current_read },
	{ .name = "memory.zswap.max", .flags = MEM | NR | CFT_READ | CFT_WRITE,
	  .show = zswap_max_show, .write = zswap_max_write },
	{ .name = "memory.zswap.writeback", .flags = MEM | CFT_READ | CFT_WRITE,
	  .read_u64 = zswap_writeback_read, .write = zswap_writeback_write, .since = KERNEL_6_12,
	  .write_since = KERNEL_6_12 },
	{ .name = NULL },
};
#undef MEM
#undef NR
