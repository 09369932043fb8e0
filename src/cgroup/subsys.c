// SPDX-License-Identifier: GPL-2.0-only
/*
 * The core's side of the extension table (src/ext/hooks.h): every
 * lifecycle call goes to each module of ext_modules[] in its order, as
 * kernel/cgroup/cgroup.c calls each cgroup_subsys through for_each_subsys.
 * In a core-only build the table is empty and every loop is a no-op.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../ext/hooks.h"
#include "../machine.h"
#include "../mm/memcontrol/memcg.h"
#include "../mm/memcontrol/memory_files.h"
#include "cgroup.h"
#include "control_files.h"

#ifdef SMEMCG_CORE_ONLY
#define for_each_ext(ops) for (const struct ext_ops *ops = NULL; ops; ops = NULL)
#define CALL_EACH(cb, ...)                                                      \
	do {                                                                    \
		for_each_ext(ops_)                                              \
			if (ops_->cb)                                           \
				ops_->cb(__VA_ARGS__);                          \
	} while (0)
#else
#define for_each_ext(ops)                                                       \
	for (const struct ext_ops *const *p_ = ext_modules, *ops;               \
	     p_ < ext_modules + EXT_NR && ((ops = *p_), 1); p_++)

/*
 * The lifecycle calls run on every mkdir, rmdir, move, fork and exit:
 * each goes through a list of the modules that have it, built once, so
 * that modules without the callback cost nothing (most have none).
 */
#define EXT_LIFECYCLE(X)                                                        \
	X(init) X(teardown) X(free) X(css_online) X(css_offline) X(css_released) \
	X(css_free) X(attach) X(task_fork) X(task_exit) X(work) X(explain)      \
	X(mount_show) X(mount_release) X(inode_init) X(memobj_orphaned)          \
	X(memobj_free) X(vma_dup) X(vma_free)

#define EXT_CB_ENUM(cb) EXT_CB_##cb,
enum ext_cb { EXT_LIFECYCLE(EXT_CB_ENUM) EXT_NR_CB };

static struct {
	bool built;
	uint8_t n[EXT_NR_CB];
	const struct ext_ops *ops[EXT_NR_CB][EXT_NR];
} ext_calls;

static void ext_calls_build(void)
{
	for_each_ext(ops) {
#define EXT_CB_ADD(cb)                                                          \
		if (ops->cb)                                                     \
			ext_calls.ops[EXT_CB_##cb][ext_calls.n[EXT_CB_##cb]++] = ops;
		EXT_LIFECYCLE(EXT_CB_ADD)
#undef EXT_CB_ADD
	}
	ext_calls.built = true;
}

#define CALL_EACH(cb, ...)                                                      \
	do {                                                                    \
		for (int i_ = 0; i_ < ext_calls.n[EXT_CB_##cb]; i_++)           \
			ext_calls.ops[EXT_CB_##cb][i_]->cb(__VA_ARGS__);         \
	} while (0)
#endif

void ext_call_init(struct machine *m)
{
#ifndef SMEMCG_CORE_ONLY
	if (!ext_calls.built)
		ext_calls_build();
#endif
	CALL_EACH(init, m);
}

void ext_call_teardown(struct machine *m)
{
	CALL_EACH(teardown, m);
}

void ext_call_free(struct machine *m)
{
	CALL_EACH(free, m);
}

void ext_call_css_online(struct machine *m, struct mem_cgroup *memcg)
{
	CALL_EACH(css_online, m, memcg);
}

void ext_call_css_offline(struct machine *m, struct mem_cgroup *memcg)
{
	CALL_EACH(css_offline, m, memcg);
}

void ext_call_css_released(struct machine *m, struct mem_cgroup *memcg)
{
	CALL_EACH(css_released, m, memcg);
}

void ext_call_css_free(struct machine *m, struct mem_cgroup *memcg)
{
	CALL_EACH(css_free, m, memcg);
}

void ext_call_attach(struct machine *m, struct task *t, struct mem_cgroup *from,
		     struct mem_cgroup *to)
{
	CALL_EACH(attach, m, t, from, to);
}

void ext_call_task_fork(struct machine *m, struct task *parent, struct task *child)
{
	CALL_EACH(task_fork, m, parent, child);
}

void ext_call_task_exit(struct machine *m, struct task *t)
{
	CALL_EACH(task_exit, m, t);
}

uint64_t ext_next_due(const struct machine *m)
{
	uint64_t due = UINT64_MAX;

	for_each_ext(ops)
		if (ops->next_due) {
			uint64_t d = ops->next_due(m);

			if (d < due)
				due = d;
		}
	return due;
}

void ext_call_work(struct machine *m)
{
	CALL_EACH(work, m);
}

int ext_call_check(struct machine *m)
{
	for_each_ext(ops)
		if (ops->check) {
			int err = ops->check(m);

			if (err)
				return err;
		}
	return 0;
}

long ext_local_usage(const struct machine *m, struct mem_cgroup *memcg)
{
	long n = 0;

	for_each_ext(ops)
		if (ops->local_usage)
			n += ops->local_usage(m, memcg);
	return n;
}

bool ext_stat_visible(const struct machine *m, int item)
{
	for_each_ext(ops)
		if (ops->stat_visible && ops->stat_visible(m, item))
			return true;
	return false;
}

void ext_call_explain(struct machine *m, struct mem_cgroup *x, struct explain_items *it,
		      struct strbuf *notes)
{
	CALL_EACH(explain, m, x, it, notes);
}

int ext_mount_option(struct machine *m, struct task *t, struct mount *mnt, const char *opt,
		     bool remount)
{
	for_each_ext(ops)
		if (ops->mount_option) {
			int r = ops->mount_option(m, t, mnt, opt, remount);

			if (r <= 0)
				return r;
		}
	return 1;
}

void ext_call_mount_show(struct machine *m, struct mount *mnt, struct strbuf *out)
{
	CALL_EACH(mount_show, m, mnt, out);
}

void ext_call_mount_release(struct machine *m, struct mount *mnt)
{
	CALL_EACH(mount_release, m, mnt);
}

void ext_call_inode_init(struct machine *m, struct mount *mnt, struct inode *inode)
{
	CALL_EACH(inode_init, m, mnt, inode);
}

bool ext_page_cache_target(struct machine *m, struct task *t, struct memobj *obj,
			   struct page_cache_target *tgt)
{
	for_each_ext(ops)
		if (ops->page_cache_target && ops->page_cache_target(m, t, obj, tgt))
			return true;
	return false;
}

void ext_call_memobj_orphaned(struct machine *m, struct memobj *obj)
{
	CALL_EACH(memobj_orphaned, m, obj);
}

void ext_call_memobj_free(struct machine *m, struct memobj *obj)
{
	CALL_EACH(memobj_free, m, obj);
}

void ext_call_vma_dup(struct machine *m, struct vm_area *v, struct vm_area *c)
{
	CALL_EACH(vma_dup, m, v, c);
}

void ext_call_vma_free(struct machine *m, struct vm_area *v)
{
	CALL_EACH(vma_free, m, v);
}

const char *ext_explain_charge(struct machine *m, struct memobj *obj, struct mem_cgroup *owner)
{
	for_each_ext(ops)
		if (ops->explain_charge) {
			const char *why = ops->explain_charge(m, obj, owner);

			if (why)
				return why;
		}
	return NULL;
}

const struct cftype *ext_cftype_find(const char *name)
{
	for_each_ext(ops) {
		const struct cftype *cft;

		for (cft = ops->files; cft && cft->name; cft++)
			if (!strcmp(cft->name, name))
				return cft;
	}
	return NULL;
}

int ext_counter_max_show(struct machine *m, struct cgroup *cg, const struct cftype *cft,
			 struct strbuf *out)
{
	const char *data = ext_data(cg->memcg->ext, (enum ext_id)(cft->private >> 16));
	const struct page_counter *c = (const void *)(data + (cft->private & 0xffff));

	(void)m;
	seq_puts_memcg_tunable(out, c->max);
	return 0;
}

int ext_file_parse_max(struct machine *m, const struct cftype *cft, char *buf, long *max)
{
	int err = page_counter_memparse(strstrip(buf), "max", max);

	if (err)
		return machine_error(m, err, "%s takes a size or \"max\", not \"%s\"", cft->name,
				     buf);
	return 0;
}

void ext_cftype_names(struct strbuf *out, const struct cgroup *cg)
{
	for_each_ext(ops) {
		const struct cftype *cft;

		for (cft = ops->files; cft && cft->name; cft++)
			if (!cg || cftype_exists(cft, cg))
				sb_printf(out, "%s\n", cft->name);
	}
}

void ext_prefix_file_names(struct strbuf *out, const struct ext_ops *only)
{
	for_each_ext(ops) {
		const char *const *n;

		if (only && ops != only)
			continue;
		for (n = ops->file_names; n && *n; n++)
			sb_printf(out, "%s\n", *n);
	}
}

bool ext_name_is_file(const char *name, size_t len)
{
	for_each_ext(ops) {
		const struct cftype *cft;

		for (cft = ops->files; cft && cft->name; cft++)
			if (!strncmp(cft->name, name, len) && cft->name[len] == '\0')
				return true;
	}
	return false;
}

const struct ext_ops *ext_file_owner(const char *path)
{
	for_each_ext(ops)
		if (ops->file_prefix &&
		    !strncmp(path, ops->file_prefix, strlen(ops->file_prefix)))
			return ops;
	return NULL;
}

unsigned cgroup_all_controllers(void)
{
	unsigned mask = CGRP_CTRL_MEMORY;
	int id = 0;

	for_each_ext(ops) {
		if (ops->controller)
			mask |= CGRP_SS(id);
		id++;
	}
	return mask;
}

unsigned cgroup_controller_mask(const char *name)
{
	int id = 0;

	if (!strcmp(name, "memory"))
		return CGRP_CTRL_MEMORY;
	for_each_ext(ops) {
		if (ops->controller && !strcmp(ops->controller, name))
			return CGRP_SS(id);
		id++;
	}
	return 0;
}

void cgroup_controllers_format(struct strbuf *out, unsigned mask)
{
	bool first = true;
	int id = 0;

	if (mask & CGRP_CTRL_MEMORY) {
		sb_puts(out, "memory");
		first = false;
	}
	for_each_ext(ops) {
		if (ops->controller && (mask & CGRP_SS(id))) {
			sb_printf(out, "%s%s", first ? "" : " ", ops->controller);
			first = false;
		}
		id++;
	}
}

/* Blocks after the slots start on max_align_t boundaries. */
static size_t ext_align(size_t n)
{
	size_t a = _Alignof(max_align_t);

	return (n + a - 1) / a * a;
}

/*
 * Where each module's per-memcg block lies after the struct, computed once:
 * mkdir then only points the slots of the modules that have a block.
 */
static struct {
	size_t size;
	int n;
	uint8_t id[EXT_NR + 1];
	size_t off[EXT_NR + 1];
} memcg_layout;

static void memcg_layout_build(void)
{
	size_t n = ext_align(sizeof(struct mem_cgroup));
	int id = 0;

	if (EXT_NR)
		n += ext_align(EXT_NR * sizeof(void *));
	for_each_ext(ops) {
		if (ops->memcg_data_size) {
			memcg_layout.id[memcg_layout.n] = (uint8_t)id;
			memcg_layout.off[memcg_layout.n++] = n;
			n += ext_align(ops->memcg_data_size);
		}
		id++;
	}
	memcg_layout.size = n;
}

struct mem_cgroup *ext_memcg_alloc(void)
{
	struct mem_cgroup *memcg;
	int i;

	if (!memcg_layout.size)
		memcg_layout_build();
	memcg = xcalloc(1, memcg_layout.size);
	if (!EXT_NR)
		return memcg;
	memcg->ext = (void **)((char *)memcg + ext_align(sizeof(*memcg)));
	for (i = 0; i < memcg_layout.n; i++)
		memcg->ext[memcg_layout.id[i]] = (char *)memcg + memcg_layout.off[i];
	return memcg;
}

void ext_data_set(void ***slots, enum ext_id id, void *data)
{
	if (!*slots)
		*slots = xcalloc(EXT_NR ? EXT_NR : 1, sizeof(void *));
	(*slots)[id] = data;
}
