// SPDX-License-Identifier: GPL-2.0-only
/*
 * Who pays for a page of the page cache when it is not the task that
 * brings it in.
 *
 * Seed 001 (Mina Almasry, 2021: "mm: mount option memcg="): every page of
 * a mount with memcg=CG is charged to CG, the "remote" memcg of the tasks
 * outside it. A remote charge that cannot be satisfied fails with ENOSPC
 * (SIGBUS on a fault) and never OOM-kills the charger's cgroup: the charge
 * carries GFP_REMOTE down to the OOM path, which then finds no victim
 * without complaint. An offline target falls back to first-touch charging.
 *
 * Johannes Weiner's counter-proposal in that thread, policy
 * shared=common-ancestor: on an access from another cgroup, a page moves
 * up to the first common ancestor of its owner and the accessor (a
 * mount's memcg= choice wins over it).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../machine.h"
#include "../mm/filemap.h"
#include "../mm/memcontrol/charge.h"
#include "../mm/memcontrol/page_memcg.h"
#include "../mm/mm_state.h"
#include "../mm/mount.h"
#include "../mm/task.h"
#include "hooks.h"

/* A mount's memcg= (in mnt->ext); its files' objects hold the slot + 1. */
struct remote_mount {
	uint32_t memcg;		/* the target's slot */
	char *path;		/* as written, for /proc/mounts */
};

static struct remote_mount *rmount(const struct mount *mnt)
{
	return ext_data(mnt->ext, EXT_remote);
}

/* The memcg= target of obj, or NULL. */
static struct mem_cgroup *obj_target(const struct machine *m, const struct memobj *obj)
{
	uintptr_t slot1 = (uintptr_t)ext_data(obj->ext, EXT_remote);

	return slot1 ? memcg_of_slot(m, (uint32_t)(slot1 - 1)) : NULL;
}

static void obj_set_target(struct memobj *obj, uint32_t slot)
{
	ext_data_set(&obj->ext, EXT_remote, (void *)((uintptr_t)slot + 1));
}

static bool remote_page_cache_target(struct machine *m, struct task *t, struct memobj *obj,
				     struct page_cache_target *tgt)
{
	struct mem_cgroup *target = obj_target(m, obj);

	/* an offline target falls back to ordinary first-touch charging */
	if (!target || !mem_cgroup_online(target))
		return false;
	if (!mem_cgroup_is_descendant(tgt->memcg, target)) {
		tgt->gfp = GFP_REMOTE;
		tgt->nomem_errno = -ENOSPC;
		tgt->nomem_msg = "the memcg= target of this filesystem is full and nothing in it could be reclaimed or killed";
	}
	(void)t;
	tgt->memcg = target;
	return true;
}

/* ---- the mount option ---- */

/* memcg= of a mount: resolve and check permission; 0, -EINVAL or -EPERM. */
static int resolve(struct machine *m, struct task *t, const char *path, uint32_t *slot)
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

/* The superblock holds a css reference on its target. */
static void target_release(struct machine *m, struct remote_mount *rm)
{
	struct mem_cgroup *memcg = memcg_of_slot(m, rm->memcg);

	memcg_put_ref(m, memcg, &memcg->refs_held[MEMCG_HELD_BY_MOUNT], 1);
	free(rm->path);
}

static int remote_mount_option(struct machine *m, struct task *t, struct mount *mnt,
			       const char *opt, bool remount)
{
	struct remote_mount *rm = rmount(mnt);
	uint32_t slot = 0, i;
	int err;

	if (strncmp(opt, "memcg=", 6))
		return 1;
	if (rm && !remount)
		return machine_error(m, -EINVAL, "Multiple memcgs specified");
	err = resolve(m, t, opt + 6, &slot);
	if (err)
		return err;
	memcg_hold(memcg_of_slot(m, slot), MEMCG_HELD_BY_MOUNT, 1);
	if (rm) {
		target_release(m, rm);
	} else {
		rm = xcalloc(1, sizeof(*rm));
		ext_data_set(&mnt->ext, EXT_remote, rm);
	}
	rm->memcg = slot;
	rm->path = xstrdup(opt + 6);
	/* remount: the files already there are charged to the new target too */
	for (i = 0; remount && i < m->mm->nr_inodes; i++) {
		struct inode *inode = m->mm->inodes[i];

		if (inode && inode->mnt == mnt && inode->obj)
			obj_set_target(inode->obj, slot);
	}
	return 0;
}

static void remote_mount_show(struct machine *m, struct mount *mnt, struct strbuf *out)
{
	(void)m;
	if (rmount(mnt))
		sb_printf(out, ",memcg=%s", rmount(mnt)->path);
}

static void remote_mount_release(struct machine *m, struct mount *mnt)
{
	struct remote_mount *rm = rmount(mnt);

	if (!rm)
		return;
	target_release(m, rm);
	free(rm);
	mnt->ext[EXT_remote] = NULL;
}

static void remote_inode_init(struct machine *m, struct mount *mnt, struct inode *inode)
{
	(void)m;
	if (mnt && rmount(mnt))
		obj_set_target(inode->obj, rmount(mnt)->memcg);
}

static const char *remote_explain_charge(struct machine *m, struct memobj *obj,
					 struct mem_cgroup *owner)
{
	return obj_target(m, obj) == owner && owner ? "the mount's memcg= option (seed 001)" : NULL;
}

/* ---- shared=common-ancestor ---- */

static const struct ext_policy remote_policies[] = {
	{ "shared", "common-ancestor" }, { NULL, NULL },
};

static void remote_policy(struct machine *m, const char *key, const char *value)
{
	(void)key;
	m->ext_keys.page_access = !strcmp(value, "common-ancestor");
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

int ext_page_access(struct machine *m, struct memobj *obj, pgh_t h, struct mem_cgroup *memcg)
{
	struct mem_cgroup *owner, *lca;

	/* a memcg= filesystem names its payer: the mount's choice wins */
	if (!memcg || ext_data(obj->ext, EXT_remote))
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

const struct ext_ops remote_ext_ops = {
	.name = "seed 001: memcg= mount option; common-ancestor charging",
	.policies = remote_policies,
	.policy = remote_policy,
	.mount_option = remote_mount_option,
	.mount_show = remote_mount_show,
	.mount_release = remote_mount_release,
	.inode_init = remote_inode_init,
	.page_cache_target = remote_page_cache_target,
	.explain_charge = remote_explain_charge,
};
