// SPDX-License-Identifier: GPL-2.0-only
/*
 * Remote charging (seed 001, Mina Almasry: memcg= mount option) and the
 * common-ancestor alternative (Johannes Weiner's reply to it).
 */
#include "../mm/remote.h"

#include <errno.h>
#include <string.h>

#include "../machine.h"
#include "../mm/filemap.h"
#include "../mm/mount.h"
#include "../mm/memcontrol/page_memcg.h"
#include "../mm/task.h"
#include "hooks.h"
#include "recharge.h"

struct mem_cgroup *pagecache_memcg(struct machine *m, struct task *t,
				   struct memobj *obj, bool *remote)
{
	struct mem_cgroup *own = t ? get_mem_cgroup_from_task_mm(m, t) : NULL;

	*remote = false;
	if (!own)
		own = m->root_mem_cgroup;
	if (obj->remote_memcg != OWNER_NONE) {
		struct mem_cgroup *target = memcg_of_slot(m, obj->remote_memcg);

		/* an offline target falls back to ordinary first-touch charging */
		if (mem_cgroup_online(target)) {
			*remote = !mem_cgroup_is_descendant(own, target);
			return target;
		}
	}
	return own;
}

static struct mem_cgroup *common_ancestor(struct mem_cgroup *a, struct mem_cgroup *b)
{
	struct mem_cgroup *x;

	for (; a; a = a->parent)
		for (x = b; x; x = x->parent)
			if (x == a)
				return a;
	return NULL;
}

int page_remote_access(struct machine *m, struct memobj *obj, pgh_t h,
		       struct mem_cgroup *memcg)
{
	struct mem_cgroup *owner, *lca;

	/* seed 002, deferred recharge: the first access claims the page */
	if (unlikely(*page_flags(&m->pages, h) & PF_DEFERRED)) {
		recharge_deferred_access(m, obj, h, memcg);
		return 0;
	}
	/* a memcg= filesystem names its payer: the mount's choice wins */
	if (!m->ext[EXT_remote] || !memcg ||
	    obj->remote_memcg != OWNER_NONE)
		return 0;
	owner = page_memcg(m, h);
	if (!owner || owner == memcg)
		return 0;
	lca = common_ancestor(owner, memcg);
	/* an access from below the owner leaves the page where it is */
	if (!lca || lca == owner)
		return 0;
	page_move_charge_up(m, obj, h, lca);
	return 0;
}

int remote_memcg_resolve(struct machine *m, struct task *t, const char *path,
			 uint32_t *slot)
{
	struct cgroup *cg = path[0] == '/' ? cgroup_lookup(m, path) : NULL;

	if (!cg || !cg->memcg)
		return machine_error(m, -EINVAL, "Bad value for memcg: %s", path);
	/*
	 * The series lets a mounter name a cgroup it could enter (open
	 * cgroup.procs for writing). The model has no users: a process may
	 * name its own cgroup's subtree, and one in the root cgroup (the
	 * administrator) may name any.
	 */
	if (t && t->cgroup->parent) {
		struct cgroup *c;

		for (c = cg; c && c != t->cgroup; c = c->parent)
			;
		if (!c)
			return machine_error(m, -EPERM,
					     "memcg=%s: the mounting process cannot enter that cgroup",
					     path);
	}
	*slot = cg->memcg->slot;
	return 0;
}

void remote_memcg_hold(struct machine *m, uint32_t slot)
{
	if (slot != OWNER_NONE)
		memcg_of_slot(m, slot)->refs_other++;
}

void remote_memcg_release(struct machine *m, uint32_t slot)
{
	struct mem_cgroup *memcg;

	if (slot == OWNER_NONE)
		return;
	memcg = memcg_of_slot(m, slot);
	memcg_put_ref(m, memcg, &memcg->refs_other, 1);
}

static const struct ext_policy remote_policies[] = {
	{ "shared", "common-ancestor" }, { NULL, NULL },
};

/* m->ext[EXT_remote] is non-NULL under shared=common-ancestor */
static void remote_policy(struct machine *m, const char *key, const char *value)
{
	(void)key;
	m->ext[EXT_remote] = strcmp(value, "common-ancestor") ? NULL : (void *)remote_policies;
}

const struct ext_ops remote_ext_ops = {
	.name = "seed 001: memcg= mount option; common-ancestor charging",
	.policies = remote_policies,
	.policy = remote_policy,
};
