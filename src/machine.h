/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The simulated machine: every object of the model hangs off one struct
 * machine, the thing the public API calls smemcg_machine. No globals: two
 * machines in one process never interact (compare runs policies side by
 * side in one process when it cannot fork).
 */
#ifndef SMEMCG_MACHINE_H
#define SMEMCG_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "../include/smemcg.h"
#include "base/base.h"
#include "base/idtable.h"
#include "ext/hooks.h"
#include "mm/memcontrol/memcg.h"
#include "mm/page.h"
#include "policy.h"

#define HZ 250			/* Debian's CONFIG_HZ */
#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_JIFFY (NSEC_PER_SEC / HZ)

/* Limits that protect the host running the model. */
#define MODEL_MAX_CPUS 1024
#define MODEL_MAX_CGROUPS 1000000
#define MODEL_MAX_MEMORY SMEMCG_MAX_MEMORY	/* memory + swap */
#define MODEL_MAX_DEPTH 64

/* The policy keys (src/policy.c); what each value does is its module's. */
#define NR_POLICY_KEYS 7

struct policy {
	const char *value[NR_POLICY_KEYS];	/* the value of each key */
	bool kmem;		/* kmem=on: kernel memory accounting (cgroup.memory=nokmem off) */
	bool stock;		/* stock=on: per-CPU charge batching */
};

/* memcg_stock_pcp: one cached memcg per CPU (6.1). */
struct memcg_stock {
	struct mem_cgroup *cached;
	long nr_pages;
	/* the byte stock of kernel objects (obj_stock) */
	struct obj_cgroup *cached_objcg;
	long nr_bytes;
};

struct cpu {
	struct memcg_stock stock;
};

struct kmem_state;
struct smemcg_state;
struct dmabuf_state;
struct pins_state;
struct recharge_state;

struct kernel_baseline;

struct machine {
	struct smemcg_config cfg;
	struct policy policy;
	/* the kernel baseline (policy kernel=, mm/memcontrol/baseline.h) */
	const struct kernel_baseline *kernel;
	bool lru_gen;		/* m->kernel->mglru, for the page paths to test cheaply */
	char errmsg[512];
	uint64_t now_ns;
	/* the open file a control file's show or write runs for (control_files.c) */
	const char *cur_of;

	struct cgroup *root_cgroup;
	struct mem_cgroup *root_mem_cgroup;
	struct id_table memcg_slots;	/* memcgs by slot (memcg->slot) */
	uint64_t *id_bitmap;		/* 16-bit memcg ids in use */
	struct mem_cgroup **id_memcg;	/* memcg by id (mem_cgroup_from_id), NULL when free */
	size_t id_memcg_cap;
	long nr_cgroups;		/* live and dying, for the host limit */
	long nr_memcgs;			/* memcg structs not yet released */

	struct cpu *cpus;
	int nr_cpus;
	int current_cpu;
	struct task *current;		/* the task an operation runs as */

	struct page_store pages;

	struct id_table objcgs;		/* obj_cgroups by id */

	long page_counter_underflows;
	long oom_no_victim;		/* OOMs that found nothing to kill */
	struct kmem_state *kmem;	/* slab caches and their objects */
	struct pins_state *pins;	/* pinned pages and driver files (gup.c) */
	struct mm_state *mm;		/* layer 3: processes, files, memory */

	/* the event log (event_log.h): who listens */
	unsigned event_mask;		/* SMEMCG_EV_BIT of the events event_fn wants */
	smemcg_event_fn event_fn;
	void *event_arg;

	/* the proposals (src/ext/hooks.h): their guards and their state */
	struct ext_keys ext_keys;
	void *ext[EXT_NR + 1];
};

/* Record a one-line explanation of a failure and return err. */
int machine_error(struct machine *m, int err, const char *fmt, ...)
	PRINTF_LIKE(3, 4);

static inline struct machine *to_machine(smemcg_machine *m)
{
	return (struct machine *)m;
}

#endif
