// SPDX-License-Identifier: GPL-2.0-only
/*
 * page_counter, after mm/page_counter.c (6.1) and, for effective
 * protection, mm/memcontrol.c's effective_protection() of the same release.
 */
#include "page_counter.h"

#include <errno.h>
#include <string.h>

#include "../base/base.h"

void page_counter_init(struct page_counter *c, struct page_counter *parent)
{
	memset(c, 0, sizeof(*c));
	c->max = PAGE_COUNTER_MAX;
	c->high = PAGE_COUNTER_MAX;
	c->parent = parent;
}

/* One protection (min or low): the usage it protects, and the parent's sum of that. */
static void propagate_protection(long usage, long protection, long *prot_usage,
				 long *children_prot_usage)
{
	long protected, delta;

	if (!protection && !*prot_usage)
		return;
	protected = MIN(usage, protection);
	delta = protected - *prot_usage;
	if (delta) {
		*prot_usage = protected;
		*children_prot_usage += delta;
	}
}

/*
 * Keep the parent's sum of children's protected usage in step with this
 * counter. Only the change is pushed up, and only when there is one.
 */
static void propagate_protected_usage(struct page_counter *c, long usage)
{
	if (!c->parent)
		return;
	propagate_protection(usage, c->min, &c->min_usage, &c->parent->children_min_usage);
	propagate_protection(usage, c->low, &c->low_usage, &c->parent->children_low_usage);
}

int page_counter_cancel(struct page_counter *c, long nr_pages)
{
	long usage = c->usage - nr_pages;
	int underflow = 0;

	if (usage < 0) {
		/* The kernel warns once and clamps; the caller reports it. */
		usage = 0;
		underflow = 1;
	}
	c->usage = usage;
	propagate_protected_usage(c, usage);
	return underflow;
}

void page_counter_charge(struct page_counter *c, long nr_pages)
{
	for (; c; c = c->parent) {
		long usage = c->usage + nr_pages;

		c->usage = usage;
		propagate_protected_usage(c, usage);
		page_counter_update_watermark(c, usage);
	}
}

bool page_counter_try_charge(struct page_counter *counter, long nr_pages,
			     struct page_counter **fail)
{
	struct page_counter *c, *u;

	for (c = counter; c; c = c->parent) {
		/*
		 * Add first, then check: in the kernel a racing charge can
		 * see the speculative usage, which is why a large failing
		 * charge may transiently fail a small one. Single-threaded,
		 * the order only matters for the numbers we keep.
		 */
		long usage = c->usage + nr_pages;

		c->usage = usage;
		if (usage > c->max) {
			c->usage -= nr_pages;
			propagate_protected_usage(c, c->usage);
			c->failcnt++;
			*fail = c;
			for (u = counter; u != c; u = u->parent)
				page_counter_cancel(u, nr_pages);
			return false;
		}
		propagate_protected_usage(c, usage);
		page_counter_update_watermark(c, usage);
	}
	return true;
}

int page_counter_uncharge(struct page_counter *c, long nr_pages)
{
	int underflows = 0;

	for (; c; c = c->parent)
		underflows += page_counter_cancel(c, nr_pages);
	return underflows;
}

int page_counter_add_local(struct page_counter *c, long nr_pages)
{
	if (nr_pages < 0)
		return page_counter_cancel(c, -nr_pages);
	c->usage += nr_pages;
	propagate_protected_usage(c, c->usage);
	page_counter_update_watermark(c, c->usage);
	return 0;
}

bool page_counter_try_charge_local(struct page_counter *c, long nr_pages,
				   struct page_counter **fail)
{
	if (c->usage + nr_pages > c->max) {
		c->failcnt++;
		*fail = c;
		return false;
	}
	page_counter_add_local(c, nr_pages);
	return true;
}

int page_counter_set_max(struct page_counter *c, long nr_pages)
{
	/*
	 * The kernel loops because charges race with the update; with no
	 * concurrency the first check is final.
	 */
	if (c->usage > nr_pages)
		return -EBUSY;
	c->max = nr_pages;
	return 0;
}

void page_counter_set_min(struct page_counter *c, long nr_pages)
{
	struct page_counter *p;

	c->min = nr_pages;
	for (p = c; p; p = p->parent)
		propagate_protected_usage(p, p->usage);
}

void page_counter_set_low(struct page_counter *c, long nr_pages)
{
	struct page_counter *p;

	c->low = nr_pages;
	for (p = c; p; p = p->parent)
		propagate_protected_usage(p, p->usage);
}

int page_counter_memparse(const char *buf, const char *maxstr, long *nr_pages)
{
	const char *end;
	uint64_t bytes;

	if (!strcmp(buf, maxstr)) {
		*nr_pages = PAGE_COUNTER_MAX;
		return 0;
	}
	bytes = memparse(buf, &end);
	if (*end != '\0')
		return -EINVAL;
	bytes /= PAGE_SIZE;
	*nr_pages = bytes > (uint64_t)PAGE_COUNTER_MAX ? PAGE_COUNTER_MAX
						      : (long)bytes;
	return 0;
}

/*
 * Unsigned as in the kernel: a protection of 2^63 pages or more (only a
 * usage above the parent's can give it) compares as the kernel's does.
 */
unsigned long effective_protection(unsigned long usage, unsigned long parent_usage,
				   unsigned long setting, unsigned long parent_effective,
				   unsigned long siblings_protected, bool recursive_protection)
{
	unsigned long protected = MIN(usage, setting);
	unsigned long ep;

	/*
	 * Overcommitted: children claim more than the parent has. Each gets a
	 * share proportional to the protection it actually uses.
	 */
	if (siblings_protected > parent_effective)
		return protected * parent_effective / siblings_protected;

	ep = protected;
	if (!recursive_protection)
		return ep;

	/*
	 * memory_recursiveprot: protection the parent has but no child
	 * claimed floats down to unprotected usage, in proportion to it.
	 */
	if (parent_effective > siblings_protected &&
	    parent_usage > siblings_protected && usage > protected) {
		unsigned long unclaimed;

		unclaimed = parent_effective - siblings_protected;
		unclaimed *= usage - protected;
		unclaimed /= parent_usage - siblings_protected;
		ep += unclaimed;
	}
	return ep;
}

void page_counter_calculate_protection(struct page_counter *root,
				       struct page_counter *c,
				       bool recursive_protection)
{
	struct page_counter *parent;
	unsigned long usage, parent_usage;

	if (c == root)
		return;
	usage = page_counter_read(c);
	if (!usage)
		return;
	parent = c->parent;
	if (parent == root) {
		c->emin = c->min;
		c->elow = c->low;
		return;
	}
	parent_usage = page_counter_read(parent);
	c->emin = effective_protection(usage, parent_usage, (unsigned long)c->min, parent->emin,
				       (unsigned long)parent->children_min_usage,
				       recursive_protection);
	c->elow = effective_protection(usage, parent_usage, (unsigned long)c->low, parent->elow,
				       (unsigned long)parent->children_low_usage,
				       recursive_protection);
}
