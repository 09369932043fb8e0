/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The cgroup tree (cgroup v2). struct cgroup is a directory of the cgroup
 * filesystem: a name, a parent, processes and a subtree_control. A cgroup
 * that is removed becomes dying (cgroup.stat nr_dying_descendants) and is
 * freed when its memory css is released (src/mm/memcontrol/memcg.h).
 *
 * Follows kernel/cgroup/cgroup.c (tree, subtree_control, cgroup.stat,
 * attach through cgroup.procs).
 */
#ifndef SMEMCG_CGROUP_H
#define SMEMCG_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/list.h"

struct machine;
struct task;
struct mem_cgroup;

/*
 * The memory controller's bit of subtree_control; the extensions' own
 * controllers follow it (CGRP_SS() in src/ext/hooks.h).
 */
#define CGRP_CTRL_MEMORY 0x1

struct cgroup {
	char *name;		/* last path component; "" for the root */
	uint32_t name_len, name_hash;
	struct cgroup *parent;
	struct cgroup *first_child, *last_child;	/* live children only */
	struct cgroup *next_sibling, *prev_sibling;
	/*
	 * Live children by name, once there are many (kernfs keeps a
	 * directory's entries in an rbtree): a lookup must not scan
	 * thousands of siblings.
	 */
	struct cgroup **child_buckets;
	struct cgroup *hash_next;
	uint32_t nr_child_buckets, nr_children;
	struct mem_cgroup *memcg;	/* own memory css, or NULL */
	unsigned subtree_control;
	unsigned nr_populated_tasks;	/* processes directly in it */
	struct list_node tasks;
	long nr_descendants;
	long nr_dying_descendants;
	bool dying;
	unsigned depth;
	long max_descendants;	/* cgroup.max.descendants; INT_MAX = max */
	long max_depth;		/* cgroup.max.depth */
	bool freeze;		/* cgroup.freeze: 1 written */
	/*
	 * memory.pressure totals (PSI, ns): time its tasks spent in a memory
	 * stall. The model's stalls are memory.high's throttling sleeps; its
	 * tasks are alone in running, so every stall is "full" as well.
	 */
	uint64_t psi_mem_some_ns, psi_mem_full_ns;
};

static inline void cgroup_psi_memstall(struct cgroup *cg, uint64_t ns)
{
	for (; cg; cg = cg->parent) {
		cg->psi_mem_some_ns += ns;
		cg->psi_mem_full_ns += ns;
	}
}

/*
 * The v2 freezer (kernel/cgroup/freezer.c): a cgroup is frozen when it or
 * an ancestor has cgroup.freeze 1; the model's tasks freeze at once, so
 * cgroup.events shows frozen 1 as soon as it is written.
 */
static inline bool cgroup_frozen(const struct cgroup *cg)
{
	for (; cg; cg = cg->parent)
		if (cg->freeze)
			return true;
	return false;
}

/* The tree */
int cgroup_tree_init(struct machine *m);
void cgroup_tree_free(struct machine *m);
/* Resolve a live cgroup by path ("/", "/a/b"); NULL if none. */
struct cgroup *cgroup_lookup(struct machine *m, const char *path);
int cgroup_mkdir(struct machine *m, const char *path);
int cgroup_rmdir(struct machine *m, const char *path);
void cgroup_path(const struct cgroup *cg, char *buf, size_t len);
void cgroup_release(struct machine *m, struct cgroup *cg);
/* SIGKILL every process in cg and below (cgroup.kill). */
int cgroup_kill(struct machine *m, struct cgroup *cg);
/* The memcg that charges of tasks in cg go to: nearest ancestor css. */
struct mem_cgroup *cgroup_effective_memcg(const struct cgroup *cg);
int cgroup_set_subtree_control(struct machine *m, struct cgroup *cg,
			       const char *buf);
/* Move a task: the checks of cgroup.procs writes, then the attach. */
int cgroup_attach_task(struct machine *m, struct cgroup *dst, struct task *t);

#endif
