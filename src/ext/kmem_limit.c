// SPDX-License-Identifier: GPL-2.0-only
/*
 * Seed 004 (Glauber Costa, the kmem controller, 2012): a limit on the
 * kernel memory of a memcg, as memory.kmem.max and memory.kmem.current in
 * the v2 style. Kernel memory is charged by 6.1's accounting
 * (src/mm/kmem.c); this module adds a second page_counter per memcg that
 * those charges must pass first, behind a static key that stays off (one
 * untaken branch) until the first limit is written, as the seed's
 * static branch does.
 *
 * policy kmem=limited is the seed's own accounting ("this is all
 * default-off, existing deployments will see no change in behavior"):
 * kernel memory is charged to a memcg only once a kmem limit was set on
 * it or an ancestor, and from then on for good (the flag of "kmem
 * accounted" stays). kmem=on is 6.1's accounting of every memcg; under
 * kmem=off a kmem limit is refused.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../mm/memcontrol/memory_files.h"
#include "../cgroup/control_files.h"
#include "../machine.h"
#include "../mm/memcontrol/memcg.h"
#include "hooks.h"

/* The module's state of one memcg. */
struct kmem_limit_memcg {
	struct page_counter kmem;
	bool limited;		/* memory.kmem.max was ever set: kmem accounted for good */
};

static const struct ext_policy kmem_limit_policies[] = {
	{ "kmem", "limited" }, { NULL, NULL },
};

static void kmem_limit_policy(struct machine *m, const char *key, const char *value)
{
	(void)key;
	m->ext_keys.kmem_accounting = !strcmp(value, "limited");
}

static struct kmem_limit_memcg *klm(const struct mem_cgroup *memcg)
{
	return ext_data(memcg->ext, EXT_kmem_limit);
}

static void kmem_limit_css_online(struct machine *m, struct mem_cgroup *memcg)
{
	(void)m;
	page_counter_init(&klm(memcg)->kmem, memcg->parent ? &klm(memcg->parent)->kmem : NULL);
}

int ext_kmem_charge(struct machine *m, struct mem_cgroup *memcg, long nr_pages)
{
	struct page_counter *fail;

	(void)m;
	if (mem_cgroup_is_root(memcg) || !klm(memcg))
		return 0;
	if (!page_counter_try_charge(&klm(memcg)->kmem, nr_pages, &fail))
		return -ENOMEM;
	return 0;
}

bool ext_kmem_accounted(struct machine *m, struct mem_cgroup *memcg)
{
	(void)m;
	for (; memcg; memcg = memcg->parent) {
		struct kmem_limit_memcg *k = klm(memcg);

		if (k && k->limited)
			return true;
	}
	return false;
}

void ext_kmem_uncharge(struct machine *m, struct mem_cgroup *memcg, long nr_pages)
{
	if (mem_cgroup_is_root(memcg) || !klm(memcg))
		return;
	m->page_counter_underflows += page_counter_uncharge(&klm(memcg)->kmem, nr_pages);
}

/* ---- memory.kmem.max and memory.kmem.current ---- */

/* The static key goes on: kmem counters start counting from here. */
static void kmem_limits_enable(struct machine *m)
{
	struct kmem_limit_memcg *root = klm(m->root_mem_cgroup);
	uint32_t s;

	if (m->ext_keys.kmem_charge)
		return;
	m->ext_keys.kmem_charge = true;
	/*
	 * The root is never charged itself, but its counter is the parent
	 * of the top-level memcgs' and their uncharges reach it: it starts
	 * from their sum.
	 */
	root->kmem.usage = 0;
	for (s = 0; s < m->memcg_slots.nr; s++) {
		struct mem_cgroup *memcg;
		struct kmem_limit_memcg *k;
		long st[MEMCG_NR_STATS];

		if (!(memcg = memcg_in_slot(m, s)))
			continue;
		k = klm(memcg);
		if (mem_cgroup_is_root(memcg) || !k)
			continue;
		memcg_stat_subtree(memcg, st);
		k->kmem.usage = MAX(st[MEMCG_KERNEL], 0);
		page_counter_reset_watermark(&k->kmem);
		if (memcg->parent == m->root_mem_cgroup)
			root->kmem.usage += k->kmem.usage;
	}
	page_counter_reset_watermark(&root->kmem);
}

static int kmem_current_show(struct machine *m, struct cgroup *cg,
			     const struct cftype *cft, struct strbuf *out)
{
	long pages;

	(void)cft;
	if (m->ext_keys.kmem_charge) {
		pages = page_counter_read(&klm(cg->memcg)->kmem);
	} else {
		long st[MEMCG_NR_STATS];

		memcg_stat_subtree(cg->memcg, st);
		pages = st[MEMCG_KERNEL];
	}
	sb_printf(out, "%llu\n", (unsigned long long)MAX(pages, 0) * PAGE_SIZE);
	return 0;
}

static int kmem_max_write(struct machine *m, struct cgroup *cg, const struct cftype *cft, char *buf)
{
	struct kmem_limit_memcg *k = klm(cg->memcg);
	long max;
	int err = ext_file_parse_max(m, cft, buf, &max);

	if (err)
		return err;
	if (!m->policy.kmem)
		return machine_error(m, -EOPNOTSUPP,
				     "memory.kmem.max: kernel memory is not accounted (policy kmem=off)");
	if (max == PAGE_COUNTER_MAX) {
		/*
		 * seed 004 v4: "kmem_accounted can no longer become unlimited":
		 * the limit goes back to max, the accounting stays on
		 */
		k->kmem.max = PAGE_COUNTER_MAX;
		return 0;
	}
	/* seed 004: the limit is set before the group has children or tasks */
	if (!k->limited && (cg->first_child || !list_empty(&cg->tasks)))
		return machine_error(m, -EBUSY,
				     "memory.kmem.max: set the first limit before the group has children or processes");
	kmem_limits_enable(m);
	err = page_counter_set_max(&k->kmem, max);
	if (err)
		return machine_error(m, err, "memory.kmem.max: kernel memory in use is above %ld bytes",
				     max * (long)PAGE_SIZE);
	k->limited = true;
	return 0;
}

static const struct cftype kmem_limit_files[] = {
#define KMEM_FILE (CFT_MEMORY | CFT_NOT_ON_ROOT | CFT_EXT)
	{ .name = "memory.kmem.current", .flags = KMEM_FILE | CFT_READ, .show = kmem_current_show },
	{ .name = "memory.kmem.max", .flags = KMEM_FILE | CFT_READ | CFT_WRITE,
	  .show = ext_counter_max_show, .write = kmem_max_write,
	  .private = EXT_COUNTER(EXT_kmem_limit, struct kmem_limit_memcg, kmem) },
#undef KMEM_FILE
	{ .name = NULL },
};

const struct ext_ops kmem_limit_ext_ops = {
	.name = "seed 004: kmem limit",
	.policies = kmem_limit_policies,
	.policy = kmem_limit_policy,
	.files = kmem_limit_files,
	.memcg_data_size = sizeof(struct kmem_limit_memcg),
	.css_online = kmem_limit_css_online,
};
