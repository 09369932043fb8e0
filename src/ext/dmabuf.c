// SPDX-License-Identifier: GPL-2.0-only
/*
 * dma_bufs (seed 000's example of shared memory that outlives its
 * allocator): SIZE bytes of pages allocated at once, charged to the
 * buffer's smemcg, or without one to the allocating task's memcg, as the
 * dma-buf memcg accounting proposals do (6.1 charges them to nobody). A
 * buffer lives while its creator holds it or any process maps it; import
 * maps every page at once, as an exporter's mmap does.
 */
#include "hooks.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../mm/memcontrol/charge.h"
#include "../machine.h"
#include "../mm/memobj.h"
#include "../mm/memcontrol/page_memcg.h"
#include "../mm/task.h"
#include "../mm/vma.h"
#include "shmcg.h"

struct dmabuf {
	int id;
	struct memobj *obj;
	long npages;
	struct shmcg *smemcg;
	int refs;		/* the creator's handle + mappings */
	int creator;		/* pid holding the handle, 0 once dropped */
};

struct dmabuf_state {
	struct dmabuf **v;
	int n, cap;
	int next_id;
};

static struct dmabuf_state *ds(struct machine *m)
{
	if (!m->ext[EXT_dmabuf])
		m->ext[EXT_dmabuf] = xcalloc(1, sizeof(struct dmabuf_state));
	return m->ext[EXT_dmabuf];
}

static struct dmabuf *find_by_id(struct machine *m, int id)
{
	int i;

	for (i = 0; i < ds(m)->n; i++)
		if (ds(m)->v[i]->id == id)
			return ds(m)->v[i];
	return NULL;
}

static void free_page_cb(struct machine *m, struct memobj *obj, uint64_t idx, pgh_t h,
			 void *arg)
{
	(void)idx;
	(void)arg;
	page_free(m, obj, h);
}

static void dmabuf_release(struct machine *m, struct dmabuf *b)
{
	int i;

	memobj_for_each(m, b->obj, 0, UINT64_MAX, free_page_cb, NULL);
	memobj_free(m, b->obj);
	if (b->smemcg)
		shmcg_put(m, b->smemcg);
	for (i = 0; i < ds(m)->n; i++)
		if (ds(m)->v[i] == b)
			ds(m)->v[i] = ds(m)->v[--ds(m)->n];
	free(b);
}

static void dmabuf_put(struct machine *m, struct dmabuf *b)
{
	if (--b->refs == 0)
		dmabuf_release(m, b);
}

int ext_dmabuf_create(struct machine *m, struct task *t, uint64_t size,
		      const char *smemcg_name, int *id)
{
	long npages = (long)((size + PAGE_SIZE - 1) / PAGE_SIZE), i;
	struct mem_cgroup *memcg;
	struct dmabuf *b;
	int err = 0;

	if (!npages || size > (1ULL << 40))
		return machine_error(m, -EINVAL, "a dma_buf is 1 byte .. 1 TiB");
	b = xcalloc(1, sizeof(*b));
	if (smemcg_name) {
		err = shmcg_get(m, smemcg_name, false, UINT64_MAX, &b->smemcg);
		if (err) {
			free(b);
			return err;
		}
		memcg = shmcg_memcg(b->smemcg);
	} else {
		memcg = task_memcg(t);
	}
	b->obj = memobj_new(m, OBJ_DMABUF);
	if (b->smemcg)
		shmcg_set_obj(b->obj, b->smemcg);
	b->npages = npages;
	for (i = 0; i < npages; i++) {
		pgh_t h;

		err = page_alloc_charge(m, memcg, GFP_KERNEL);
		if (err)
			break;
		h = memobj_slot(m, b->obj, (uint64_t)i);
		page_install(m, b->obj, h, memcg, true);
	}
	b->id = ++ds(m)->next_id;
	b->refs = 1;
	b->creator = t->pid;
	ALLOC_GROW(ds(m)->v, ds(m)->n + 1, ds(m)->cap);
	ds(m)->v[ds(m)->n++] = b;
	if (err) {
		dmabuf_put(m, b);
		return machine_error(m, -ENOMEM, "dma_buf allocation of %ld pages failed at page %ld",
				     npages, i);
	}
	*id = b->id;
	return 0;
}

int ext_dmabuf_import(struct machine *m, struct task *t, int id, struct vm_area **out)
{
	struct dmabuf *b = find_by_id(m, id);
	struct vm_area *v;
	int err;

	if (!b)
		return machine_error(m, -EBADF, "no such dma_buf");
	err = vma_mmap_object(m, t, b->obj, (uint64_t)b->npages, &v);
	if (err)
		return err;
	b->refs++;
	ext_data_set(&v->ext, EXT_dmabuf, b);
	err = vma_populate(m, v);
	if (err) {
		/* machine_error formats into m->errmsg: not from it */
		char why[sizeof(m->errmsg)];

		memcpy(why, m->errmsg, sizeof(why));
		vma_munmap(m, v);
		return machine_error(m, -ENOMEM, "mmap of the dma_buf: %s", why);
	}
	*out = v;
	return 0;
}

/* A mapping of the buffer holds it (as a vma holds the dma_buf's file). */
static void dmabuf_vma_dup(struct machine *m, struct vm_area *v, struct vm_area *c)
{
	struct dmabuf *b = ext_data(v->ext, EXT_dmabuf);

	(void)m;
	if (b) {
		b->refs++;
		ext_data_set(&c->ext, EXT_dmabuf, b);
	}
}

static void dmabuf_vma_free(struct machine *m, struct vm_area *v)
{
	struct dmabuf *b = ext_data(v->ext, EXT_dmabuf);

	if (b)
		dmabuf_put(m, b);
}

static void dmabuf_task_exit(struct machine *m, struct task *t)
{
	int i;

	if (!m->ext[EXT_dmabuf])
		return;
	for (i = 0; i < ds(m)->n;) {
		struct dmabuf *b = ds(m)->v[i];

		if (b->creator == t->pid) {
			b->creator = 0;
			if (b->refs == 1) {
				dmabuf_put(m, b);
				continue;	/* slot i now holds another buffer */
			}
			b->refs--;
		}
		i++;
	}
}

static void dmabuf_free_all(struct machine *m)
{
	if (!m->ext[EXT_dmabuf])
		return;
	while (ds(m)->n)
		dmabuf_release(m, ds(m)->v[0]);
	free(ds(m)->v);
	free(m->ext[EXT_dmabuf]);
	m->ext[EXT_dmabuf] = NULL;
}

const struct ext_ops dmabuf_ext_ops = {
	.name = "dma_buf accounting",
	.teardown = dmabuf_free_all,
	.task_exit = dmabuf_task_exit,
	.vma_dup = dmabuf_vma_dup,
	.vma_free = dmabuf_vma_free,
};
