/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The memory controller's control files (memory_files.c): the table, and
 * the formatting the extensions' files share with it.
 */
#ifndef SMEMCG_MEMORY_FILES_H
#define SMEMCG_MEMORY_FILES_H

#include "../../base/base.h"
#include "../../cgroup/control_files.h"
#include "../../counter/memcg_stat.h"

struct machine;
struct mem_cgroup;

/* The table, ending with a NULL name (src/cgroup/control_files.h) */
extern const struct cftype memory_files[];

/* memory.stat of memcg's subtree, as the kernel prints it. */
void memcg_stat_format(struct machine *m, struct mem_cgroup *memcg, struct strbuf *out);
/* A memory.stat value from summed stats (synthesised sums included). */
long memcg_stat_value(const long *stats, enum memcg_stat_item i);
/* memory.events from an events array. */
void memcg_events_format(struct strbuf *out, const unsigned long *ev);
/* Free memcg's open files of memory.peak and memory.swap.peak. */
void memcg_peak_ofs_free(struct mem_cgroup *memcg);
/* A tunable in pages as the kernel shows it: bytes, or "max". */
void seq_puts_memcg_tunable(struct strbuf *out, long value);

#endif
