// SPDX-License-Identifier: GPL-2.0-only
/*
 * Charge moving at attach (cgroup v1's memory.move_charge_at_immigrate,
 * offered on the model's v2 as an extension), with the ownership rule of
 * seed 003: under mm-owner only the mm's owner carries the charges along;
 * under mm-memcg a task whose memcg equals the mm's does.
 *
 * Bit 1 moves anonymous pages (and their swap entries) mapped only by the
 * mm; bit 2 moves file and shmem pages the mm maps. Only pages charged to
 * the source move; each is charged to the destination without reclaim or
 * OOM (__GFP_NORETRY); one that cannot be charged stays where it is (v1
 * would refuse the whole attach instead; docs/semantics.md).
 */
#include <errno.h>
#include <stdlib.h>

#include "../mm/memcontrol/charge.h"
#include "../cgroup/control_files.h"
#include "../machine.h"
#include "../mm/mm.h"
#include "../mm/memcontrol/page_memcg.h"
#include "../mm/task.h"
#include "../mm/vma.h"
#include "hooks.h"

#define MOVE_ANON 0x1
#define MOVE_FILE 0x2

struct move_ctx {
	struct mem_cgroup *from, *to;
	long moved, failed;
};

static void move_swap_entry(struct machine *m, pgh_t h, struct move_ctx *c)
{
	struct page_counter *fail;

	if (*page_owner(&m->pages, h) != c->from->slot)
		return;
	if (!mem_cgroup_is_root(c->to) &&
	    !page_counter_try_charge(&c->to->swap, 1, &fail)) {
		c->failed++;
		return;
	}
	if (!mem_cgroup_is_root(c->from))
		m->page_counter_underflows += page_counter_uncharge(&c->from->swap, 1);
	c->to->refs_swap++;
	*page_owner(&m->pages, h) = c->to->slot;
	memcg_put_ref(m, c->from, &c->from->refs_swap, 1);
	c->moved++;
}

static void move_page(struct machine *m, struct memobj *obj, pgh_t h,
		      struct move_ctx *c)
{
	if (page_memcg(m, h) != c->from)
		return;
	if (page_move_charge(m, obj, h, c->to, GFP_NORETRY))
		c->failed++;
	else
		c->moved++;
}

static void move_vma(struct machine *m, struct vm_area *v, unsigned mode,
		     struct move_ctx *c)
{
	uint64_t i;

	for (i = 0; i < v->npages; i++) {
		if ((mode & MOVE_ANON) && v->anon) {
			struct memobj *l;

			for (l = v->anon; l; l = l->parent) {
				pgh_t h = memobj_lookup(m, l, i);
				enum page_state st;

				if (h == PAGE_NIL || (st = page_state(&m->pages, h)) == PS_NONE)
					continue;
				if (page_mapcount(&m->pages, h) == 1) {
					if (st == PS_PRESENT)
						move_page(m, l, h, c);
					else if (st == PS_SWAPPED)
						move_swap_entry(m, h, c);
				}
				break;
			}
		}
		if ((mode & MOVE_FILE) && v->obj && v->obj->type != OBJ_DMABUF &&
		    ((v->mapped[i >> 6] >> (i & 63)) & 1)) {
			pgh_t h = memobj_lookup(m, v->obj, v->pgoff + i);

			if (h != PAGE_NIL && page_state(&m->pages, h) == PS_PRESENT)
				move_page(m, v->obj, h, c);
		}
	}
}

static void move_charge_attach(struct machine *m, struct task *t, struct mem_cgroup *from,
			       struct mem_cgroup *to)
{
	unsigned mode = (unsigned)to->move_charge_at_immigrate;
	struct move_ctx c = { from, to, 0, 0 };
	struct list_node *pos;

	if (!mode || from == to || !t->mm)
		return;
	list_for_each(pos, &t->mm->vmas)
		move_vma(m, container_of(pos, struct vm_area, node), mode, &c);
}

static uint64_t move_read(struct cgroup *cg, const struct cftype *cft)
{
	(void)cft;
	return (uint64_t)cg->memcg->move_charge_at_immigrate;
}

static int move_write(struct machine *m, struct cgroup *cg, const struct cftype *cft, char *buf)
{
	const char *end;
	uint64_t v = memparse(strstrip(buf), &end);

	(void)cft;
	if (*end || end == buf)
		return machine_error(m, -EINVAL, "memory.move_charge_at_immigrate takes a number");
	if (v & ~(uint64_t)(MOVE_ANON | MOVE_FILE))
		return machine_error(m, -EINVAL,
				     "memory.move_charge_at_immigrate: only bits 1 (anon) and 2 (file) exist");
	cg->memcg->move_charge_at_immigrate = (long)v;
	/* as static_branch_enable: on for good once any memcg asks */
	if (v)
		m->ext_keys.attach = true;
	return 0;
}

static const struct cftype move_charge_files[] = {
	{ .name = "memory.move_charge_at_immigrate",
	  .flags = CFT_MEMORY | CFT_NOT_ON_ROOT | CFT_READ | CFT_WRITE | CFT_EXT,
	  .read_u64 = move_read, .write = move_write },
	{ .name = NULL },
};

const struct ext_ops move_charge_ext_ops = {
	.name = "memory.move_charge_at_immigrate",
	.files = move_charge_files,
	.attach = move_charge_attach,
};
