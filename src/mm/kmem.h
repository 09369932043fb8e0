/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel memory accounting of Linux 6.1 (obj_cgroup): slab caches of
 * kernel objects charged byte by byte to the current task's memcg, kernel
 * stacks and task_structs at fork, dentries and inodes of new files,
 * per-CPU memory of new memcgs (charged to the parent).
 */
#ifndef SMEMCG_KMEM_H
#define SMEMCG_KMEM_H

#include <stdbool.h>
#include <stdint.h>

struct machine;
struct mem_cgroup;
struct task;

enum kmem_cache_id {
	KMEM_DENTRY,
	KMEM_INODE,
	KMEM_TASK_STRUCT,
	KMEM_SOCK,
	KMEM_PIPE,
	KMEM_MM_STRUCT,
	KMEM_VM_AREA,
	KMEM_TASK,		/* what fork allocates per task (task_struct, signal, ...) */
	KMEM_SHMEM_INODE,
	KMEM_NR_CACHES,
	KMEM_BYTES = KMEM_NR_CACHES,	/* kmalloc of an arbitrary size */
};

#define THREAD_SIZE (16 * 1024)

/* The slab caches of the machine; kmem_free_all releases every object. */
void kmem_init(struct machine *m);
void kmem_free_all(struct machine *m);

/* `P kmalloc CACHE COUNT` / `P kfree CACHE COUNT` */
int kmem_alloc_objects(struct machine *m, struct task *t, const char *cache,
		       long count);
int kmem_free_objects(struct machine *m, struct task *t, const char *cache,
		      long count);
/* The task's objects outlive it: they become the machine's. */
void kmem_task_exit(struct machine *m, struct task *t);

/* the mm_struct of a new address space (fork), charged as the forking task */
int kmem_charge_mm(struct machine *m, uint32_t *cookie);
void kmem_uncharge_mm(struct machine *m, uint32_t cookie);

/* per-CPU statistics of a new memcg, charged to its parent */
void kmem_charge_percpu(struct machine *m, struct mem_cgroup *memcg);
void kmem_uncharge_percpu(struct machine *m, struct mem_cgroup *memcg);



/*
 * dentry + inode of a new file or directory, charged to t's memcg; the
 * cookie (objcg id + 1, 0 when not accounted) frees them.
 */
int kmem_charge_inode(struct machine *m, struct task *t, bool shmem, uint32_t *cookie);
void kmem_uncharge_inode(struct machine *m, bool shmem, uint32_t cookie);
/* The two halves alone: drop_caches 2 frees dentries, then inodes; a lookup brings them back. */
int kmem_charge_dentry(struct machine *m, struct task *t, uint32_t *cookie);
void kmem_uncharge_dentry(struct machine *m, uint32_t cookie);
int kmem_charge_inode_obj(struct machine *m, struct task *t, bool shmem, uint32_t *cookie);
void kmem_uncharge_inode_obj(struct machine *m, bool shmem, uint32_t cookie);

/* Kernel memory of a new task: stack and task_struct. */
int task_fork_charge(struct machine *m, struct task *t, struct task *parent);
void task_exit_free_stack(struct machine *m, struct task *t);

#endif
