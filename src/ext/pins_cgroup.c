// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pinned memory accounted to the pinner's cgroup (seed 000: Alistair
 * Popple's pins controller and vm_account).
 *
 * A pin through a driver fd (src/mm/gup.c) or an mlock goes through a
 * vm_account that records the pinning task's memcg at pin time: the pins
 * counter of that memcg (the nearest one whose cgroup has +pins from its
 * parent) is charged, all or nothing per call, and the vm_account keeps a
 * reference on the memcg until unpin. Every pinner pays, once per pin:
 * the same page pinned from A and from B raises both, pinned through two
 * fds of A raises A twice. The limit is pins.max; pins.current and
 * pins.events show the counter.
 */
#include <errno.h>
#include <stdlib.h>

#include "../mm/memcontrol/memory_files.h"
#include "../cgroup/control_files.h"
#include "../machine.h"
#include "../mm/memcontrol/memcg.h"
#include "../mm/task.h"
#include "../mm/vma.h"
#include "hooks.h"

#define PINS_CONTROLLER CGRP_SS(EXT_pins_cgroup)

/* The module's state of one memcg. */
struct pins_memcg {
	struct page_counter pins;
	unsigned long events_max;
};

static struct pins_memcg *pm(const struct mem_cgroup *memcg)
{
	return ext_data(memcg->ext, EXT_pins_cgroup);
}

static void pins_css_online(struct machine *m, struct mem_cgroup *memcg)
{
	(void)m;
	page_counter_init(&pm(memcg)->pins, memcg->parent ? &pm(memcg->parent)->pins : NULL);
}

/* Is the pins controller on in the memcg's cgroup (its parent enables +pins)? */
static bool pins_enabled(const struct mem_cgroup *memcg)
{
	const struct cgroup *cg = memcg->cgroup;

	return cg && cg->parent && (cg->parent->subtree_control & PINS_CONTROLLER);
}

/* The memcg a pin of t is accounted to: NULL when no ancestor has +pins. */
static struct mem_cgroup *pins_memcg(struct task *t)
{
	struct mem_cgroup *memcg = task_memcg(t);

	while (!mem_cgroup_is_root(memcg) && !pins_enabled(memcg))
		memcg = memcg->parent;
	return mem_cgroup_is_root(memcg) ? NULL : memcg;
}

static int pins_try_charge(struct machine *m, struct mem_cgroup *memcg, long n)
{
	struct page_counter *fail;

	if (!page_counter_try_charge(&pm(memcg)->pins, n, &fail)) {
		struct pins_memcg *over = container_of(fail, struct pins_memcg, pins);

		over->events_max++;
		return machine_error(m, -ENOMEM, "pins.max of the pinning cgroup reached");
	}
	memcg_hold(memcg, MEMCG_HELD_BY_PIN, n);	/* the vm_account's reference */
	return 0;
}

int ext_pin_charge(struct machine *m, struct task *t, long n, struct mem_cgroup **acct)
{
	struct mem_cgroup *memcg = pins_memcg(t);
	int err = memcg ? pins_try_charge(m, memcg, n) : 0;

	*acct = err ? NULL : memcg;
	return err;
}

void ext_pin_uncharge(struct machine *m, struct mem_cgroup *acct, long n)
{
	m->page_counter_underflows += page_counter_uncharge(&pm(acct)->pins, n);
	memcg_put_ref(m, acct, &acct->refs_held[MEMCG_HELD_BY_PIN], n);
}

void ext_pin_reparent(struct machine *m, struct mem_cgroup *from, struct mem_cgroup *to,
		      long n)
{
	/* each pin's charge and reference go to the ancestor */
	if (!mem_cgroup_is_root(to)) {
		page_counter_charge(&pm(to)->pins, n);
		memcg_hold(to, MEMCG_HELD_BY_PIN, n);
	}
	ext_pin_uncharge(m, from, n);
}

int ext_mlock_charge(struct machine *m, struct task *t, struct vm_area *v, long n)
{
	struct mem_cgroup *memcg;
	int err = ext_pin_charge(m, t, n, &memcg);

	if (!err)
		ext_data_set(&v->ext, EXT_pins_cgroup, memcg);
	return err;
}

void ext_mlock_uncharge(struct machine *m, struct vm_area *v, long n)
{
	struct mem_cgroup *memcg = ext_data(v->ext, EXT_pins_cgroup);

	if (memcg)
		ext_pin_uncharge(m, memcg, n);
	if (v->ext)
		v->ext[EXT_pins_cgroup] = NULL;
}

/* ---- pins.current, pins.max, pins.events ---- */

static int pins_current_show(struct machine *m, struct cgroup *cg,
			     const struct cftype *cft, struct strbuf *out)
{
	(void)m;
	(void)cft;
	sb_printf(out, "%llu\n",
		  (unsigned long long)page_counter_read(&pm(cg->memcg)->pins) * PAGE_SIZE);
	return 0;
}

static int pins_max_write(struct machine *m, struct cgroup *cg, const struct cftype *cft, char *buf)
{
	long max;
	int err = ext_file_parse_max(m, cft, buf, &max);

	if (err)
		return err;
	/* like the pins controller: a new limit does not unpin anything */
	pm(cg->memcg)->pins.max = max;
	return 0;
}

static int pins_events_show(struct machine *m, struct cgroup *cg,
			    const struct cftype *cft, struct strbuf *out)
{
	(void)m;
	(void)cft;
	sb_printf(out, "max %lu\n", pm(cg->memcg)->events_max);
	return 0;
}

static void pins_explain(struct machine *m, struct mem_cgroup *x, struct explain_items *it,
			 struct strbuf *notes)
{
	(void)m;
	(void)it;
	if (pm(x) && page_counter_read(&pm(x)->pins))
		sb_printf(notes, "  pins.current %lld bytes (charged to the pinners, not to memory.current)\n",
			  (long long)page_counter_read(&pm(x)->pins) * 4096);
}

#define PINS_FILE (CFT_MEMORY | CFT_NOT_ON_ROOT | CFT_EXT | CFT_SS(PINS_CONTROLLER))
static const struct cftype pins_files[] = {
	{ .name = "pins.current", .flags = PINS_FILE | CFT_READ, .show = pins_current_show },
	{ .name = "pins.max", .flags = PINS_FILE | CFT_READ | CFT_WRITE,
	  .show = ext_counter_max_show, .write = pins_max_write,
	  .private = EXT_COUNTER(EXT_pins_cgroup, struct pins_memcg, pins) },
	{ .name = "pins.events", .flags = PINS_FILE | CFT_READ, .show = pins_events_show },
	{ .name = NULL },
};

const struct ext_ops pins_cgroup_ext_ops = {
	.name = "seed 000: pins controller",
	.controller = "pins",
	.files = pins_files,
	.css_online = pins_css_online,
	.memcg_data_size = sizeof(struct pins_memcg),
	.explain = pins_explain,
};
