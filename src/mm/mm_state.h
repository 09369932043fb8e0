/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Layer-3 state of a machine: tasks, memory objects, files and mounts,
 * physical memory (one zone) and the swap device.
 */
#ifndef SMEMCG_MM_STATE_H
#define SMEMCG_MM_STATE_H

#include <stdint.h>

#include "../base/intmap.h"
#include "../base/list.h"
#include "../base/strmap.h"
#include "memobj.h"

struct task;
struct inode;
struct mount;
struct writeback_state;

struct zone {
	long managed;		/* pages */
	long free;
	long wmark_min, wmark_low, wmark_high;
};

struct swap_device {
	long total;		/* slots (pages) */
	long used;
};

struct mm_state {
	/*
	 * Processes: the live ones in pid order, found by pid in a hash map;
	 * what a dead one leaves is a struct task_rec (task.h) per pid, 12
	 * bytes, its struct task being freed (reaped) after the operation
	 * that ended it.
	 */
	struct list_node tasks;		/* live tasks, pid order */
	struct list_node dead;		/* exited, not reaped yet */
	struct intmap task_by_pid;	/* pid -> struct task (live and not reaped) */
	struct task_rec *recs;		/* by pid - TASK_FIRST_PID */
	uint32_t nr_pids, recs_cap;
	char **strs;			/* comm and cgroup paths of records, interned */
	uint32_t nr_strs, strs_cap;
	struct strmap str_ids;
	struct intmap deaths;		/* pid -> struct task_death of a killed, reaped task */
	int next_cpu;		/* round-robin placement */
	bool in_fault;		/* a page fault is being handled (MGLRU's lru_gen_in_fault) */
	long nr_alive;

	struct id_table objs;		/* memory objects by id */

	struct zone zone;
	struct swap_device swap;
	long kernel_pages;	/* uncharged kernel memory (pages) */
	struct writeback_state *wb;	/* dirty inodes, writeback contexts (writeback.c) */

	struct inode **inodes;	/* by ino */
	uint32_t nr_inodes, inodes_cap;
	struct strmap paths;	/* path -> ino + 1 (0 after unlink) */
	struct strmap below;	/* directory -> paths named below it (implicit directories) */
	struct mount **mounts;
	int nr_mounts, mounts_cap;

	unsigned int ws_bucket_order;	/* workingset: shadow timestamp granularity */
	int vm_swappiness;
	int dirty_background_ratio;
	int dirty_ratio;
	int next_vma_id;
	uint64_t mapped_pages;		/* total_vm of every mm: SMEMCG_MAX_MAPPED */
};

struct machine;
void mm_state_init(struct machine *m);
void mm_state_free(struct machine *m);

#endif
