/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pinning pages through drivers (pin_user_pages) and the RLIMIT_MEMLOCK
 * accounting of Linux 6.1; see gup.c.
 */
#ifndef SMEMCG_GUP_H
#define SMEMCG_GUP_H

#include <stdbool.h>
#include <stdint.h>

struct machine;
struct task;
struct memobj;
struct mem_cgroup;
struct vm_area;

/* Exit closes t's driver fds (a file's pins go with its last fd); fork shares them. */
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
/* Name the driver file behind fd for messages (NULL or "": no name); 0 or -EBADF. */
int pins_fd_set_name(struct machine *m, struct task *t, int fd, const char *name);
/* Move the pins charged to from (vm_account references) to to. */
void pins_reparent(struct machine *m, struct mem_cgroup *from, struct mem_cgroup *to);
int pins_setrlimit(struct machine *m, struct task *t, uint64_t bytes);
/* RLIMIT_NOFILE: -EPERM above fs.nr_open; fds already open stay. */
int pins_setrlimit_nofile(struct machine *m, struct task *t, uint64_t nr);
int pins_cap_ipc_lock(struct machine *m, struct task *t);

#endif
