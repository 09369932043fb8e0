// SPDX-License-Identifier: GPL-2.0-only
/*
 * The model's /proc files. /proc/mounts lists the cgroup2 mount with its
 * options and every tmpfs with its own (memcg= as the seed 001 series shows
 * it), in the kernel's "device dir type options 0 0" format.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "proc.h"
#include "../machine.h"
#include "mount.h"
#include "memcontrol/memcg.h"

const char *const proc_file_names[] = { "mounts", "zombies", "zombie_holders", NULL };

unsigned proc_file_mode(const char *path)
{
	size_t i;

	if (strncmp(path, "/proc/", 6))
		return 0;
	for (i = 0; proc_file_names[i]; i++)
		if (!strcmp(path + 6, proc_file_names[i]))
			return SMEMCG_FILE_READ;
	return 0;
}

/*
 * /proc/zombies (the model's): dying memcgs, memcg ids in use, and what the
 * dying ones cost on a machine of this many CPUs and nodes.
 */
/*
 * The model's /proc/zombies (flat-keyed: counts and bytes) and, with
 * holders set, /proc/zombie_holders: one line per dying memcg, its path and
 * what holds it (memcg_holders_format).
 */
static void zombies_show(struct machine *m, struct strbuf *out, bool holders)
{
	long dying = 0, ids = 0, swap_held = 0, stock_only = 0, wb_held = 0;
	struct strbuf each;
	uint32_t s, w;

	sb_init(&each);
	for (s = 0; s < m->memcg_slots.nr; s++) {
		struct mem_cgroup *memcg;
		char path[4096];

		if (!(memcg = memcg_in_slot(m, s)))
			continue;
		if (memcg->state != MEMCG_OFFLINE || mem_cgroup_is_detached(memcg))
			continue;
		dying++;
		if (memcg->refs_swap)
			swap_held++;
		if (memcg->refs_held[MEMCG_HELD_BY_WB])
			wb_held++;
		if (memcg->cgroup)
			cgroup_path(memcg->cgroup, path, sizeof(path));
		else
			snprintf(path, sizeof(path), "(memory switched off, id %u)", memcg->id);
		sb_printf(&each, "zombie %s ", path);
		if (memcg_holders_format(m, memcg, &each))
			stock_only++;
		sb_puts(&each, "\n");
	}
	for (w = 0; w < (MEM_CGROUP_ID_MAX + 1) / 64; w++)
		ids += __builtin_popcountll(m->id_bitmap[w]);
	if (holders) {
		if (each.len)
			sb_puts(out, each.buf);
		sb_free(&each);
		return;
	}
	sb_printf(out, "dying_memcgs %ld\n", dying);
	sb_printf(out, "dying_memcgs_holding_ids %ld\n", swap_held);
	sb_printf(out, "dying_memcgs_holding_writeback %ld\n", wb_held);
	sb_printf(out, "memcg_ids_in_use %ld\n", ids);
	sb_printf(out, "cpus %d\nnodes %d\n", m->nr_cpus, m->cfg.nodes ? m->cfg.nodes : 1);
	sb_printf(out, "bytes_per_memcg %ld\n", zombie_bytes_per_memcg(m));
	sb_printf(out, "wasted_bytes %ld\n", dying * zombie_bytes_per_memcg(m));
	/* held only by per-CPU stocks of CPUs that have not charged since */
	sb_printf(out, "dying_memcgs_held_only_by_stocks %ld\n", stock_only);
	sb_free(&each);
}

int proc_file_read(struct machine *m, const char *path, struct strbuf *out)
{
	if (!strcmp(path, "/proc/zombies") || !strcmp(path, "/proc/zombie_holders")) {
		zombies_show(m, out, !strcmp(path, "/proc/zombie_holders"));
		return 0;
	}
	if (strcmp(path, "/proc/mounts"))
		return machine_error(m, -ENOENT, "no such file: %s", path);
	sb_printf(out, "cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime%s%s 0 0\n",
		  (m->cfg.options & SMEMCG_OPT_LOCALEVENTS) ? ",memory_localevents" : "",
		  (m->cfg.options & SMEMCG_OPT_RECURSIVEPROT) ? ",memory_recursiveprot" : "");
	mounts_show(m, out);
	return 0;
}
