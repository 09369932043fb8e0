/*
 * Layer-3 state of a machine: tasks, memory objects, files and mounts,
 * physical memory and swap.
 */
#ifndef SMEMCG_MM_STATE_H
#define SMEMCG_MM_STATE_H

#include <stdint.h>

struct task;

struct mm_state {
	struct task **tasks;	/* by pid - TASK_FIRST_PID; exited ones stay */
	int nr_tasks;
	int tasks_cap;
	int next_cpu;		/* round-robin placement */
	long nr_alive;
};

struct machine;
void mm_state_init(struct machine *m);
void mm_state_free(struct machine *m);

#endif
