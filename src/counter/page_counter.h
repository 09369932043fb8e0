/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * page_counter: a hierarchical usage counter with limits and protection,
 * modelled on the kernel's mm/page_counter.c (Linux 6.1).
 *
 * Every count is in pages. A charge walks from a counter to the root; a
 * try_charge adds speculatively at each level and rolls back on the first
 * level that would exceed its max, which alone records the failure.
 * min/low protection is propagated upward as "protected usage" so that
 * effective protection can be computed top-down during reclaim.
 *
 * The model is single-threaded, so the kernel's atomics become plain
 * arithmetic; the order of updates (and so every number) is the kernel's.
 */
#ifndef SMEMCG_PAGE_COUNTER_H
#define SMEMCG_PAGE_COUNTER_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE 4096UL
#define PAGE_COUNTER_MAX (LONG_MAX / (long)PAGE_SIZE)

struct page_counter {
	long usage;

	/* effective and propagated protection */
	unsigned long emin;
	long min_usage;
	long children_min_usage;
	unsigned long elow;
	long low_usage;
	long children_low_usage;

	long watermark;
	/*
	 * 6.12's peak since the last write to memory.peak (or swap.peak):
	 * never above watermark, equal to it on 6.1, where nothing resets it.
	 */
	long local_watermark;
	unsigned long failcnt;

	long min;
	long low;
	long high;
	long max;
	struct page_counter *parent;
};

/* No usage, no limits (max PAGE_COUNTER_MAX), below parent (NULL: a root). */
void page_counter_init(struct page_counter *c, struct page_counter *parent);

/* The usage in pages; a racy read in the kernel, exact in the model. */
static inline long page_counter_read(const struct page_counter *c)
{
	return c->usage;
}

/* Returns the number of levels that went below zero (normally 0). */
int page_counter_cancel(struct page_counter *c, long nr_pages);
/* Charge c and its ancestors whatever their max (a charge that must not fail). */
void page_counter_charge(struct page_counter *c, long nr_pages);
bool page_counter_try_charge(struct page_counter *c, long nr_pages,
			     struct page_counter **fail);
/* Uncharge c and its ancestors; returns the levels clamped at zero (normally 0). */
int page_counter_uncharge(struct page_counter *c, long nr_pages);
/*
 * Charge (nr_pages < 0: uncharge) this level alone, not its ancestors:
 * usage a level counts by its own rule, which its parent counts by its
 * own (seed 000's pages seen through a shared memory cgroup, each counted
 * once per level). Limits, protection and the watermark see it as usage.
 * Returns 1 when the level would have gone below zero (clamped), else 0.
 */
int page_counter_add_local(struct page_counter *c, long nr_pages);
/*
 * page_counter_try_charge at this level alone: true on success, or false
 * with *fail = c (its failcnt raised) when usage would exceed max.
 */
bool page_counter_try_charge_local(struct page_counter *c, long nr_pages,
				   struct page_counter **fail);

/* Setters of memory.min/low/high/max; set_max returns -EBUSY when usage is above. */
void page_counter_set_min(struct page_counter *c, long nr_pages);
void page_counter_set_low(struct page_counter *c, long nr_pages);
static inline void page_counter_set_high(struct page_counter *c, long nr_pages)
{
	c->high = nr_pages;
}
int page_counter_set_max(struct page_counter *c, long nr_pages);
static inline void page_counter_reset_watermark(struct page_counter *c)
{
	c->local_watermark = c->usage;
	c->watermark = c->usage;
}

/*
 * A new usage: both peaks follow it. local_watermark <= watermark, so the
 * common case (no new peak) is one compare, as it was before 6.12 added it.
 */
static inline void page_counter_update_watermark(struct page_counter *c, long usage)
{
	if (usage > c->local_watermark) {
		c->local_watermark = usage;
		if (usage > c->watermark)
			c->watermark = usage;
	}
}

/*
 * Parse a control-file value: exactly `maxstr` means PAGE_COUNTER_MAX,
 * otherwise memparse() bytes rounded down to pages and clamped.
 * Returns 0 or -EINVAL.
 */
int page_counter_memparse(const char *buf, const char *maxstr, long *nr_pages);

/*
 * Effective protection, computed top-down during a reclaim walk from
 * `root` (mem_cgroup_calculate_protection in 6.1). The values of `root`
 * itself are left as they are, stale or not, as 6.1 does.
 */
void page_counter_calculate_protection(struct page_counter *root,
				       struct page_counter *c,
				       bool recursive_protection);
unsigned long effective_protection(unsigned long usage, unsigned long parent_usage,
				   unsigned long setting, unsigned long parent_effective,
				   unsigned long siblings_protected, bool recursive_protection);

/* Is usage within the effective protection (emin, elow) of the last walk? */
static inline bool page_counter_below_min(const struct page_counter *c)
{
	return c->emin >= (unsigned long)c->usage;
}

static inline bool page_counter_below_low(const struct page_counter *c)
{
	return c->elow >= (unsigned long)c->usage;
}

#endif
