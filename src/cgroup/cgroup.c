// SPDX-License-Identifier: GPL-2.0-only
/*
 * The cgroup tree (kernel/cgroup/cgroup.c): names and paths, mkdir and
 * rmdir, the dying state of removed cgroups, subtree_control with the
 * "no internal processes" rule, and moving processes (cgroup.procs).
 */
#include "cgroup.h"
#include "../mm/memcontrol/memcg.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../machine.h"
#include "control_files.h"
#include "../mm/task.h"
#include "../mm/memcontrol/charge.h"

/* Below this many children a scan of the sibling list is cheaper. */
#define CHILD_HASH_MIN 16

static uint32_t name_hash(const char *name, size_t len)
{
	uint32_t h = 2166136261u;

	while (len--)
		h = (h ^ (unsigned char)*name++) * 16777619u;
	return h;
}

static void child_hash_insert(struct cgroup *p, struct cgroup *cg)
{
	struct cgroup **b = &p->child_buckets[cg->name_hash & (p->nr_child_buckets - 1)];

	cg->hash_next = *b;
	*b = cg;
}

static void child_hash_resize(struct cgroup *p, uint32_t nr_buckets)
{
	struct cgroup *c;

	free(p->child_buckets);
	p->child_buckets = xcalloc(nr_buckets, sizeof(*p->child_buckets));
	p->nr_child_buckets = nr_buckets;
	for (c = p->first_child; c; c = c->next_sibling)
		child_hash_insert(p, c);
}

static void child_hash_remove(struct cgroup *p, struct cgroup *cg)
{
	struct cgroup **b = &p->child_buckets[cg->name_hash & (p->nr_child_buckets - 1)];

	while (*b != cg)
		b = &(*b)->hash_next;
	*b = cg->hash_next;
	cg->hash_next = NULL;
}

static struct cgroup *cgroup_alloc(struct cgroup *parent, const char *name,
				   size_t len)
{
	struct cgroup *cg = xcalloc(1, sizeof(*cg));

	cg->name = xstrndup(name, len);
	cg->name_len = (uint32_t)len;
	cg->name_hash = name_hash(name, len);
	cg->parent = parent;
	cg->max_descendants = INT_MAX;
	cg->max_depth = INT_MAX;
	list_init(&cg->tasks);
	if (parent) {
		cg->depth = parent->depth + 1;
		cg->prev_sibling = parent->last_child;
		if (parent->last_child)
			parent->last_child->next_sibling = cg;
		else
			parent->first_child = cg;
		parent->last_child = cg;
		parent->nr_children++;
		if (parent->nr_child_buckets) {
			if (parent->nr_children > parent->nr_child_buckets)
				child_hash_resize(parent, parent->nr_child_buckets * 2);
			else
				child_hash_insert(parent, cg);
		} else if (parent->nr_children >= CHILD_HASH_MIN) {
			child_hash_resize(parent, 2 * CHILD_HASH_MIN);
		}
	}
	return cg;
}

/* Take a cgroup out of its parent's list of live children. */
static void cgroup_unlink(struct cgroup *cg)
{
	struct cgroup *p = cg->parent;

	if (cg->prev_sibling)
		cg->prev_sibling->next_sibling = cg->next_sibling;
	else
		p->first_child = cg->next_sibling;
	if (cg->next_sibling)
		cg->next_sibling->prev_sibling = cg->prev_sibling;
	else
		p->last_child = cg->prev_sibling;
	cg->next_sibling = cg->prev_sibling = NULL;
	p->nr_children--;
	/* the table stays at its size: a directory that was wide may be again */
	if (p->nr_child_buckets)
		child_hash_remove(p, cg);
}

int cgroup_tree_init(struct machine *m)
{
	int err = 0;

	m->id_bitmap = xcalloc((MEM_CGROUP_ID_MAX + 1) / 64, sizeof(uint64_t));
	id_table_init(&m->memcg_slots);
	m->root_cgroup = cgroup_alloc(NULL, "", 0);
	m->root_mem_cgroup = memcg_css_alloc(m, m->root_cgroup, NULL, &err);
	if (!m->root_mem_cgroup)
		return err;
	m->root_cgroup->memcg = m->root_mem_cgroup;
	m->root_mem_cgroup->is_root = true;
	memcg_css_online(m, m->root_mem_cgroup);
	m->nr_cgroups = 1;
	return 0;
}

static void cgroup_free_subtree(struct cgroup *cg)
{
	struct cgroup *c = cg->first_child, *n;

	for (; c; c = n) {
		n = c->next_sibling;
		cgroup_free_subtree(c);
	}
	free(cg->child_buckets);
	free(cg->name);
	free(cg);
}

void cgroup_tree_free(struct machine *m)
{
	uint32_t i;

	/*
	 * Memcgs are freed by slot; dying cgroups are reachable only from
	 * their memcg, live ones from the tree.
	 */
	for (i = 0; i < m->memcg_slots.nr; i++) {
		struct mem_cgroup *memcg = memcg_in_slot(m, i);

		if (!memcg)
			continue;
		if (memcg->cgroup && memcg->cgroup->dying) {
			free(memcg->cgroup->child_buckets);
			free(memcg->cgroup->name);
			free(memcg->cgroup);
		}
		memcg_css_free(m, memcg);
	}
	if (m->root_cgroup)
		cgroup_free_subtree(m->root_cgroup);
	id_table_free(&m->memcg_slots);
	free(m->id_bitmap);
	free(m->id_memcg);
}

static struct cgroup *cgroup_child(struct cgroup *cg, const char *name,
				   size_t len)
{
	struct cgroup *c;

	if (cg->nr_child_buckets) {
		uint32_t h = name_hash(name, len);

		for (c = cg->child_buckets[h & (cg->nr_child_buckets - 1)]; c;
		     c = c->hash_next)
			if (c->name_hash == h && c->name_len == len &&
			    !memcmp(c->name, name, len))
				return c;
		return NULL;
	}
	for (c = cg->first_child; c; c = c->next_sibling)
		if (c->name_len == len && !memcmp(c->name, name, len))
			return c;
	return NULL;
}

/*
 * The cgroup at path, which starts with '/': its names up to the NUL, or
 * up to the name that starts at stop (mkdir's parent, found without a
 * copy of its path). stop is tested once per name, not per byte.
 */
static struct cgroup *cgroup_walk(struct machine *m, const char *path, const char *stop)
{
	struct cgroup *cg = m->root_cgroup;
	const char *p = path;

	for (;;) {
		const char *s;

		while (*p == '/')
			p++;
		if (!*p || p == stop)
			return cg;
		s = p;
		while (*p && *p != '/')
			p++;
		cg = cgroup_child(cg, s, (size_t)(p - s));
		if (!cg)
			return NULL;
	}
}

struct cgroup *cgroup_lookup(struct machine *m, const char *path)
{
	return *path == '/' ? cgroup_walk(m, path, NULL) : NULL;
}

void cgroup_path(const struct cgroup *cg, char *buf, size_t len)
{
	const struct cgroup *chain[MODEL_MAX_DEPTH + 2];
	size_t n = 0, off = 0;

	if (!cg->parent) {
		snprintf(buf, len, "/");
		return;
	}
	for (; cg->parent && n < ARRAY_SIZE(chain); cg = cg->parent)
		chain[n++] = cg;
	buf[0] = '\0';
	while (n--) {
		int w = snprintf(buf + off, len > off ? len - off : 0, "/%s",
				 chain[n]->name);
		if (w > 0)
			off += (size_t)w;
	}
}

struct mem_cgroup *cgroup_effective_memcg(const struct cgroup *cg)
{
	while (!cg->memcg)
		cg = cg->parent;
	return cg->memcg;
}

/* Split "/a/b" into the parent's path and the last name. */
static int split_parent(struct machine *m, const char *path,
			struct cgroup **parent, const char **name,
			size_t *len)
{
	const char *slash, *end;

	if (path[0] != '/')
		return machine_error(m, -EINVAL, "cgroup path must start with '/': %s", path);
	/* mkdir(2) accepts trailing slashes */
	end = path + strlen(path);
	while (end > path + 1 && end[-1] == '/')
		end--;
	if (end == path + 1)
		return machine_error(m, -EEXIST, "/ always exists");
	for (slash = end - 1; *slash != '/'; slash--)
		;
	*name = slash + 1;
	*len = (size_t)(end - *name);
	if (*len > 255)
		return machine_error(m, -ENAMETOOLONG, "cgroup name longer than 255 bytes");
	*parent = cgroup_walk(m, path, *name);
	if (!*parent)
		return machine_error(m, -ENOENT, "no such cgroup: parent of %s", path);
	return 0;
}


int cgroup_mkdir(struct machine *m, const char *path)
{
	struct cgroup *parent = NULL, *cg;
	const char *name = NULL;
	size_t len = 0;
	int err = split_parent(m, path, &parent, &name, &len);

	if (err)
		return err;
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return machine_error(m, -EEXIST, "%s: '.' and '..' always exist", path);
	if (cgroup_child(parent, name, len) || cgroup_name_is_file(name, len))
		return machine_error(m, -EEXIST, "%s already exists", path);
	{
		long level = 1;

		for (struct cgroup *a = parent; a; a = a->parent, level++)
			if (a->nr_descendants >= a->max_descendants || level > a->max_depth)
				return machine_error(m, -EAGAIN,
						     "%s: cgroup.max.descendants or cgroup.max.depth of an ancestor reached",
						     path);
	}
	if (parent->depth + 1 > MODEL_MAX_DEPTH)
		return machine_error(m, -EAGAIN,
				     "cgroup tree deeper than the model's limit of %d levels",
				     MODEL_MAX_DEPTH);
	if (m->nr_cgroups >= MODEL_MAX_CGROUPS)
		return machine_error(m, -EAGAIN,
				     "more than the model's limit of %d cgroups (live and dying)",
				     MODEL_MAX_CGROUPS);

	cg = cgroup_alloc(parent, name, len);
	if (parent->subtree_control & CGRP_CTRL_MEMORY) {
		struct mem_cgroup *pmemcg = parent->memcg;

		cg->memcg = memcg_css_alloc(m, cg, pmemcg, &err);
		if (!cg->memcg) {
			cgroup_unlink(cg);
			free(cg->name);
			free(cg);
			return err;
		}
		memcg_css_online(m, cg->memcg);
	}
	m->nr_cgroups++;
	for (struct cgroup *a = parent; a; a = a->parent)
		a->nr_descendants++;
	return 0;
}

/* Is anything running in cg or below (cgroup_is_populated)? */
static bool cgroup_populated(const struct cgroup *cg)
{
	const struct cgroup *c;

	if (cg->nr_populated_tasks)
		return true;
	for (c = cg->first_child; c; c = c->next_sibling)
		if (cgroup_populated(c))
			return true;
	return false;
}

void cgroup_release(struct machine *m, struct cgroup *cg)
{
	for (struct cgroup *a = cg->parent; a; a = a->parent)
		a->nr_dying_descendants--;
	m->nr_cgroups--;
	free(cg->child_buckets);
	free(cg->name);
	free(cg);
}

int cgroup_rmdir(struct machine *m, const char *path)
{
	struct cgroup *cg = cgroup_lookup(m, path);

	if (!cg)
		return machine_error(m, -ENOENT, "no such cgroup: %s", path);
	if (!cg->parent)
		return machine_error(m, -EBUSY, "the root cgroup cannot be removed");
	if (cgroup_populated(cg))
		return machine_error(m, -EBUSY, "%s has processes", path);
	if (cg->first_child)
		return machine_error(m, -EBUSY, "%s has child cgroups", path);

	cgroup_unlink(cg);
	cg->dying = true;
	for (struct cgroup *a = cg->parent; a; a = a->parent) {
		a->nr_descendants--;
		a->nr_dying_descendants++;
	}
	if (cg->memcg)
		memcg_offline(m, cg->memcg);
	else
		cgroup_release(m, cg);
	return 0;
}

/* Start or stop the memory css of cg's children. */
static int apply_subtree_control(struct machine *m, struct cgroup *cg,
				 unsigned old, unsigned new)
{
	struct cgroup *c;
	int err = 0;

	for (c = cg->first_child; c; c = c->next_sibling) {
		if ((new & CGRP_CTRL_MEMORY) && !(old & CGRP_CTRL_MEMORY)) {
			c->memcg = memcg_css_alloc(m, c, cg->memcg, &err);
			if (!c->memcg)
				return err;
			memcg_css_online(m, c->memcg);
		}
		if (!(new & CGRP_CTRL_MEMORY) && (old & CGRP_CTRL_MEMORY) && c->memcg) {
			struct mem_cgroup *memcg = c->memcg;

			/* The css dies with the cgroup alive: detach it. */
			c->memcg = NULL;
			memcg->cgroup = NULL;
			memcg_offline(m, memcg);
		}
	}
	return 0;
}

int cgroup_set_subtree_control(struct machine *m, struct cgroup *cg,
			       const char *buf)
{
	unsigned enable = 0, disable = 0, new;
	char *copy = xstrdup(buf), *save = NULL, *tok;
	struct cgroup *c;
	int err = 0;

	for (tok = strtok_r(copy, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save)) {
		unsigned mask = cgroup_controller_mask(tok + 1);

		if ((tok[0] != '+' && tok[0] != '-') || !mask) {
			struct strbuf known;

			sb_init(&known);
			cgroup_controllers_format(&known, cgroup_all_controllers());
			err = machine_error(m, -EINVAL,
					    "cgroup.subtree_control: \"%s\" is not +CONTROLLER or -CONTROLLER of a known controller (%s)",
					    tok, known.buf ? known.buf : "");
			sb_free(&known);
			goto out;
		}
		if (tok[0] == '+') {
			enable |= mask;
			disable &= ~mask;
		} else {
			disable |= mask;
			enable &= ~mask;
		}
	}
	/* Only what the parent hands down can be enabled. */
	if (enable & ~(cg->parent ? cg->parent->subtree_control : cgroup_all_controllers())) {
		err = machine_error(m, -ENOENT,
				    "cgroup.subtree_control: the controller is not in this cgroup's cgroup.controllers");
		goto out;
	}
	enable &= ~cg->subtree_control;
	disable &= cg->subtree_control;
	if (!enable && !disable)
		goto out;
	/* A child that hands the controller further down keeps it here. */
	for (c = cg->first_child; c; c = c->next_sibling) {
		if (c->subtree_control & disable) {
			err = machine_error(m, -EBUSY,
					    "cgroup.subtree_control: child %s still enables the controller",
					    c->name);
			goto out;
		}
	}
	/* No internal processes: domain controllers only in empty non-root cgroups. */
	if (enable && cg->parent && !list_empty(&cg->tasks)) {
		err = machine_error(m, -EBUSY,
				    "cgroup.subtree_control: a non-root cgroup with processes cannot enable controllers for its children");
		goto out;
	}
	new = (cg->subtree_control | enable) & ~disable;
	err = apply_subtree_control(m, cg, cg->subtree_control, new);
	if (!err)
		cg->subtree_control = new;
out:
	free(copy);
	return err;
}

int cgroup_attach_task(struct machine *m, struct cgroup *dst, struct task *t)
{
	struct cgroup *src = t->cgroup;

	if (t->state != SMEMCG_TASK_ALIVE)
		return machine_error(m, -ESRCH, "process %d has exited", t->pid);
	if (dst->parent && dst->subtree_control)
		return machine_error(m, -EBUSY,
				     "cannot move a process into a non-root cgroup that enables controllers for its children");
	if (src == dst)
		return 0;
	list_del(&t->cg_node);
	src->nr_populated_tasks--;
	list_add_tail(&t->cg_node, &dst->tasks);
	dst->nr_populated_tasks++;
	t->cgroup = dst;
	task_cgroup_changed(m, t, src, dst);
	return 0;
}

static int kill_subtree(struct machine *m, struct cgroup *cg, const char *why)
{
	struct list_node *pos, *tmp;
	struct cgroup *c;

	list_for_each_safe(pos, tmp, &cg->tasks)
		task_kill_why(m, container_of(pos, struct task, cg_node), SIGKILL_NR,
			      SMEMCG_EV_KILL, "%s", why);
	for (c = cg->first_child; c; c = c->next_sibling)
		kill_subtree(m, c, why);
	return 0;
}

int cgroup_kill(struct machine *m, struct cgroup *cg)
{
	char path[512], why[600];

	cgroup_path(cg, path, sizeof(path));
	snprintf(why, sizeof(why), "killed by cgroup.kill of %s", path);
	return kill_subtree(m, cg, why);
}
