/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The real-kernel backend of the scenario interpreter: runs each statement
 * with real system calls inside the oracle's QEMU guest (docs/oracle.md).
 *
 * Used only by the static guest program (guest_main.c), never by the model.
 */
#ifndef SMEMCG_KERNEL_BACKEND_H
#define SMEMCG_KERNEL_BACKEND_H

#include "scenario/scenario.h"

/*
 * Once per boot, before the first scenario: checks the cgroup2 mount,
 * warms the disk filesystem's metadata (charged to the root cgroup, so
 * that scenario file writes charge exactly their data pages), makes the
 * harness cgroup and starts one stock-draining process per CPU.
 * 0 or -1 with msg filled.
 */
int kb_harness_init(struct strbuf *msg);

struct kernel_backend;

/* A backend for the index-th scenario of this boot (its file root is
 * /mnt/disk/smc/INDEX). */
struct kernel_backend *kernel_backend_new(int index);
void kernel_backend_ops(struct smc_backend *be, struct kernel_backend *kb);
/*
 * Undo what the scenario left: kill its processes, unmount its tmpfs,
 * delete its files, remove its cgroups, wait for the removed cgroups to be
 * freed. Problems go to stderr. Frees kb.
 */
void kernel_backend_finish(struct kernel_backend *kb);

#endif
