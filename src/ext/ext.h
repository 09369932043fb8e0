/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Narrow hooks from the memory model (layer 3) into the extensions
 * (layer 4): pins, kernel memory objects, dma_bufs.
 */
#ifndef SMEMCG_EXT_H
#define SMEMCG_EXT_H

#include <stdbool.h>
#include <stdint.h>

struct machine;
struct task;
struct mm_struct;
struct memobj;

struct mem_cgroup;
struct vm_area;
/* mlock through vm_account: charged to the current task's pins counter */
int pins_charge_mlock(struct machine *m, struct task *t, long nr_pages,
		      struct mem_cgroup **charged);
void pins_uncharge_mlock(struct machine *m, struct mem_cgroup *memcg, long nr_pages);
void pins_task_exit(struct machine *m, struct task *t);
void pins_task_fork(struct machine *m, struct task *parent, struct task *child);
void pins_free_all(struct machine *m);
bool pins_page_is_orphan(struct machine *m, uint32_t h);
/* For smemcg_check(): the pin table against the pages marked pinned. */
int pins_check(struct machine *m, long nr_pinned_pages);
void pins_page_orphaned(struct machine *m, struct memobj *obj, uint32_t h);
int pins_open(struct machine *m, struct task *t, const char *device, bool keep_pins,
	      int *fd);
int pins_pin(struct machine *m, struct task *t, int fd, struct vm_area *v,
	     uint64_t off, uint64_t len);
int pins_unpin(struct machine *m, struct task *t, int fd, struct vm_area *v,
	       uint64_t off, uint64_t len);
int pins_close(struct machine *m, struct task *t, int fd);
int pins_release(struct machine *m, struct task *t, int file_id);
int pins_fd_file_id(struct machine *m, struct task *t, int fd);
/* Move the pins charged to from (vm_account references) to to. */
void pins_reparent(struct machine *m, struct mem_cgroup *from, struct mem_cgroup *to);
int pins_setrlimit(struct machine *m, struct task *t, uint64_t bytes);
int pins_cap_ipc_lock(struct machine *m, struct task *t);

/*
 * dentry + inode of a new file or directory, charged to t's memcg; the
 * cookie (objcg id + 1, 0 when not accounted) frees them.
 */
int kmem_charge_inode(struct machine *m, struct task *t, bool shmem, uint32_t *cookie);
void kmem_uncharge_inode(struct machine *m, bool shmem, uint32_t cookie);

struct mount;
int smemcg_attach_mount(struct machine *m, struct mount *mnt, const char *name);
void smemcg_detach_mount(struct machine *m, struct mount *mnt);

struct vm_area;
int dmabuf_create(struct machine *m, struct task *t, uint64_t size,
		  const char *smemcg_name, int *id);
int dmabuf_import(struct machine *m, struct task *t, int id, struct vm_area **out);
void dmabuf_task_exit(struct machine *m, struct task *t);
void dmabuf_free_all(struct machine *m);
void dmabuf_mapped(struct machine *m, struct memobj *obj);
void dmabuf_unmapped(struct machine *m, struct memobj *obj);

#endif
