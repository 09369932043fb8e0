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
