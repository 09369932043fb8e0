// SPDX-License-Identifier: GPL-2.0-only
/*
 * Scenario statements on the model: one public-API call each.
 */
#include "model_backend.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/intmap.h"
#include "../base/strmap.h"

/*
 * The scenario's names. A process name is bound to one process at a time:
 * a respawn under the same name is a new process, whose fds and mappings
 * have no names yet. Mapping names belong to the address space (CLONE_VM
 * processes share them); fd names to the process. A name that was closed
 * or unmapped stays in its table as -1. A process that never named
 * anything costs its name and pid alone.
 */
struct mb_mm {
	int refs;			/* processes using the address space */
	struct strmap maps;		/* mapping name -> mapping number */
};

struct mb_proc {
	struct mb_mm *mm;
	struct strmap fds;		/* fd name -> fd number */
};

struct model_backend {
	struct smemcg_config cfg;
	smemcg_machine *m;
	struct smc_kv *policies;	/* from the script, then overrides */
	int npolicies;
	struct strmap procs;		/* name -> pid */
	struct intmap names;		/* pid -> struct mb_proc, once it names something */
	struct strmap bufs;		/* dma_buf name -> buffer */
	struct strmap files;		/* fd name -> driver file (the last opened) */
	bool check;			/* run the invariant checker after each statement */
	/* the event log, between two drains */
	unsigned event_mask;		/* what the interpreter shows or writes */
	int cur_line;			/* of the statement running */
	struct strmap death_lines;	/* pid -> the line of the statement that killed it */
	struct pending_event *events;
	int nr_events, events_cap;
	long events_dropped;
};

struct pending_event {
	struct smemcg_event ev;		/* its strings are owned copies */
	long repeats;
};

/* The events one statement may leave before the rest are only counted. */
#define MAX_PENDING_EVENTS 1000
/* How many kinds of event one burst may interleave and still be merged. */
#define BURST_LOOKBACK 16

static void free_pending(struct pending_event *p)
{
	free((char *)p->ev.cgroup);
	free((char *)p->ev.what);
	free((char *)p->ev.text);
}

static int pid_of(const struct model_backend *mb, const char *name)
{
	int64_t v;

	return strmap_get(&mb->procs, name, &v) ? (int)v : -1;
}

static void mm_put(struct mb_mm *mm)
{
	if (mm && --mm->refs == 0) {
		strmap_free(&mm->maps);
		free(mm);
	}
}

static void proc_free(struct mb_proc *p)
{
	if (!p)
		return;
	mm_put(p->mm);
	strmap_free(&p->fds);
	free(p);
}

static struct mb_proc *proc_new(struct mb_mm *mm)
{
	struct mb_proc *p = xcalloc(1, sizeof(*p));

	if (!mm) {
		mm = xcalloc(1, sizeof(*mm));
		strmap_init(&mm->maps);
	}
	p->mm = mm;
	mm->refs++;
	strmap_init(&p->fds);
	return p;
}

/* The names of the process called name; created empty when create is set. */
static struct mb_proc *names_of(struct model_backend *mb, const char *name, bool create)
{
	int pid = pid_of(mb, name);
	struct mb_proc *p;

	if (pid < 0)
		return NULL;
	p = intmap_get(&mb->names, (uint32_t)pid);
	if (!p && create) {
		p = proc_new(NULL);
		intmap_set(&mb->names, (uint32_t)pid, p);
	}
	return p;
}

/* Copy the names of from that are bound (not -1) into to. */
static void copy_names(struct strmap *to, const struct strmap *from)
{
	size_t i;

	for (i = 0; i < from->cap; i++)
		if (from->keys[i] && from->vals[i] >= 0)
			strmap_set(to, from->keys[i], from->vals[i]);
}

/*
 * Bind name to a new process pid: its fds are a copy of the parent's (fork
 * and clone-vm copy the fd table), its mappings the parent's address space
 * (clone-vm), a copy of its names (fork) or none (spawn).
 */
static void bind_proc(struct model_backend *mb, const char *name, int pid,
		      const char *parent, bool clone_vm)
{
	struct mb_proc *pp = parent ? names_of(mb, parent, clone_vm) : NULL, *p = NULL;
	int old = pid_of(mb, name);

	if (old >= 0)
		proc_free(intmap_del(&mb->names, (uint32_t)old));
	if (pp) {
		p = proc_new(clone_vm ? pp->mm : NULL);
		if (!clone_vm)
			copy_names(&p->mm->maps, &pp->mm->maps);
		copy_names(&p->fds, &pp->fds);
		intmap_set(&mb->names, (uint32_t)pid, p);
	}
	strmap_set(&mb->procs, name, pid);
}

struct model_backend *model_backend_new(const struct smc_kv *overrides, int n,
					bool check)
{
	struct model_backend *mb = xcalloc(1, sizeof(*mb));
	int i;

	smemcg_config_init(&mb->cfg);
	strmap_init(&mb->procs);
	intmap_init(&mb->names);
	strmap_init(&mb->bufs);
	strmap_init(&mb->files);
	strmap_init(&mb->death_lines);
	mb->check = check;
	mb->policies = xcalloc((size_t)n + 1, sizeof(*mb->policies));
	for (i = 0; i < n; i++) {
		mb->policies[i].key = xstrdup(overrides[i].key);
		mb->policies[i].value = xstrdup(overrides[i].value);
	}
	mb->npolicies = n;
	return mb;
}

void model_backend_free(struct model_backend *mb)
{
	int i;

	if (!mb)
		return;
	smemcg_machine_free(mb->m);
	for (i = 0; i < mb->npolicies; i++) {
		free((char *)mb->policies[i].key);
		free((char *)mb->policies[i].value);
	}
	free(mb->policies);
	for (i = 0; i < mb->nr_events; i++)
		free_pending(&mb->events[i]);
	free(mb->events);
	for (i = 0; i < (int)mb->names.cap; i++)
		proc_free(mb->names.e[i].val);
	intmap_free(&mb->names);
	strmap_free(&mb->procs);
	strmap_free(&mb->bufs);
	strmap_free(&mb->files);
	strmap_free(&mb->death_lines);
	free(mb);
}

/* Kills are each their own; a burst of the same counter in a cgroup is one. */
static bool same_burst(const struct pending_event *p, const struct smemcg_event *ev)
{
	return p->ev.type == ev->type && p->ev.pid == ev->pid && ev->type != SMEMCG_EV_OOM_KILL &&
	       ev->type != SMEMCG_EV_SIGBUS && ev->type != SMEMCG_EV_KILL &&
	       !strcmp(p->ev.cgroup, ev->cgroup) && !strcmp(p->ev.what, ev->what) &&
	       p->ev.err == ev->err;
}

static void on_event(void *arg, const struct smemcg_event *ev)
{
	struct model_backend *mb = arg;
	struct pending_event *p;
	int i;

	if (SMEMCG_EV_BIT(ev->type) & SMEMCG_EV_MASK_KILLS) {
		char key[16];
		int64_t line;

		snprintf(key, sizeof(key), "%d", ev->pid);
		if (!strmap_get(&mb->death_lines, key, &line))
			strmap_set(&mb->death_lines, key, mb->cur_line);
	}
	if (!(SMEMCG_EV_BIT(ev->type) & mb->event_mask))
		return;
	/* a burst interleaves its kinds (max, reclaim, max...): look a little back */
	for (i = mb->nr_events - 1; i >= 0 && i >= mb->nr_events - BURST_LOOKBACK; i--) {
		p = &mb->events[i];
		if (same_burst(p, ev)) {
			p->repeats++;
			p->ev.count += ev->count;
			return;
		}
	}
	if (mb->nr_events >= MAX_PENDING_EVENTS) {
		mb->events_dropped++;
		return;
	}
	ALLOC_GROW(mb->events, mb->nr_events + 1, mb->events_cap);
	p = &mb->events[mb->nr_events++];
	p->ev = *ev;
	p->ev.cgroup = xstrdup(ev->cgroup);
	p->ev.what = xstrdup(ev->what);
	p->ev.text = xstrdup(ev->text);
	p->repeats = 1;
}

static void mb_watch_events(void *ctx, unsigned mask)
{
	struct model_backend *mb = ctx;

	mb->event_mask = mask;
	if (mb->m)
		smemcg_set_event_handler(mb->m, mask | SMEMCG_EV_MASK_KILLS, on_event, mb);
}

static void mb_drain_events(void *ctx, smc_event_fn *fn, void *arg)
{
	struct model_backend *mb = ctx;
	int i;

	for (i = 0; i < mb->nr_events; i++) {
		const struct smemcg_event *e = &mb->events[i].ev;
		struct smc_event out = {
			.type = (int)e->type, .type_name = smemcg_event_type_name(e->type),
			.now_ns = e->now_ns, .pid = e->pid, .sig = e->sig, .err = e->err,
			.cgroup = e->cgroup, .what = e->what, .count = e->count,
			.repeats = mb->events[i].repeats, .text = e->text,
		};

		fn(arg, &out);
		free_pending(&mb->events[i]);
	}
	mb->nr_events = 0;
	if (mb->events_dropped) {
		char text[128];
		struct smc_event out = {
			.type = -1, .type_name = "dropped", .now_ns = smemcg_now_ns(mb->m),
			.cgroup = "", .what = "", .count = mb->events_dropped,
			.repeats = mb->events_dropped, .text = text,
		};

		snprintf(text, sizeof(text), "%ld more events in this statement, not kept",
			 mb->events_dropped);
		fn(arg, &out);
		mb->events_dropped = 0;
	}
}

smemcg_machine *model_backend_machine(struct model_backend *mb)
{
	return mb->m;
}

static int report(struct model_backend *mb, int rc, struct strbuf *msg)
{
	if (rc < 0 && msg && !msg->len)
		sb_puts(msg, smemcg_last_error(mb->m));
	return rc;
}

static int proc_pid(struct model_backend *mb, const char *name, int *pid,
		    struct strbuf *msg)
{
	*pid = pid_of(mb, name);
	if (*pid < 0) {
		if (msg)
			sb_printf(msg, "no process named %s", name);
		return -ESRCH;
	}
	return 0;
}

/* The number bound to name in names, or -1 (never bound, or unbound since). */
static int name_get(const struct strmap *names, const char *name)
{
	int64_t v;

	return strmap_get(names, name, &v) ? (int)v : -1;
}

static int map_id(struct model_backend *mb, const char *proc, const char *map,
		  int *id, struct strbuf *msg)
{
	struct mb_proc *p = names_of(mb, proc, false);

	*id = p ? name_get(&p->mm->maps, map) : -1;
	if (*id < 0) {
		sb_printf(msg, "process %s has no mapping named %s", proc, map);
		return -EINVAL;
	}
	return 0;
}

/*
 * A second `P mmap M` (or `P import B M`) while M is mapped would leave
 * the first mapping without a name: refused, as a name bound twice.
 */
static int map_name_free(struct model_backend *mb, const char *proc, const char *map,
			 struct strbuf *msg)
{
	struct mb_proc *p = names_of(mb, proc, false);

	if (p && name_get(&p->mm->maps, map) >= 0) {
		sb_printf(msg, "process %s already has a mapping named %s (munmap it first)",
			  proc, map);
		return -EEXIST;
	}
	return 0;
}

static void map_bind(struct model_backend *mb, const char *proc, const char *map, int id)
{
	strmap_set(&names_of(mb, proc, true)->mm->maps, map, id);
}

static int fd_num(struct model_backend *mb, const char *proc, const char *name,
		  int *fd, struct strbuf *msg)
{
	struct mb_proc *p = names_of(mb, proc, false);

	*fd = p ? name_get(&p->fds, name) : -1;
	if (*fd < 0) {
		if (msg)
			sb_printf(msg, "process %s has no open fd named %s", proc, name);
		return -EBADF;
	}
	return 0;
}

static int exec_pins(struct model_backend *mb, const struct smc_stmt *st, int pid,
		     struct strbuf *msg)
{
	int fd = 0, file, map, rc;
	int64_t v;

	switch (st->op) {
	case SMC_OPEN:
		if (fd_num(mb, st->proc, st->name, &fd, NULL) == 0) {
			/* the fd would stay open with no name to close it by */
			sb_printf(msg, "process %s already has an open fd named %s (close it first)",
				  st->proc, st->name);
			return -EEXIST;
		}
		rc = smemcg_open(&fd, &file, mb->m, pid, st->path, !!(st->flags & SMC_F_KEEP_PINS));
		if (rc)
			return report(mb, rc, msg);
		strmap_set(&names_of(mb, st->proc, true)->fds, st->name, fd);
		strmap_set(&mb->files, st->name, file);
		return report(mb, smemcg_fd_set_name(mb->m, pid, fd, st->name), msg);
	case SMC_PIN:
	case SMC_UNPIN:
		rc = fd_num(mb, st->proc, st->path, &fd, msg);
		if (!rc)
			rc = map_id(mb, st->proc, st->name, &map, msg);
		if (rc)
			return rc;
		if (st->op == SMC_PIN)
			rc = smemcg_pin(mb->m, pid, fd, map, (st->flags & SMC_F_RANGE) ? st->off : 0,
					(st->flags & SMC_F_RANGE) ? st->len : UINT64_MAX);
		else
			rc = smemcg_unpin(mb->m, pid, fd, map, (st->flags & SMC_F_RANGE) ? st->off : 0,
					  (st->flags & SMC_F_RANGE) ? st->len : UINT64_MAX);
		return report(mb, rc, msg);
	case SMC_CLOSE:
		rc = fd_num(mb, st->proc, st->name, &fd, msg);
		if (rc)
			return rc;
		rc = smemcg_close(mb->m, pid, fd);
		if (!rc)
			strmap_set(&names_of(mb, st->proc, true)->fds, st->name, -1);
		return report(mb, rc, msg);
	case SMC_RELEASE:
		if (!strmap_get(&mb->files, st->name, &v)) {
			sb_printf(msg, "no driver file was opened as %s", st->name);
			return -EBADF;
		}
		return report(mb, smemcg_release(mb->m, pid, (int)v), msg);
	case SMC_SETRLIMIT:
		if (!strcmp(st->name, "nofile"))
			return report(mb, smemcg_setrlimit_nofile(mb->m, pid, st->size), msg);
		return report(mb, smemcg_setrlimit_memlock(mb->m, pid, st->size), msg);
	case SMC_CAP:
		return report(mb, smemcg_cap_ipc_lock(mb->m, pid), msg);
	default:
		return SMC_NOTSUP;
	}
}

/* The name goes with the mapping: a later use is "no mapping named M". */
static int munmap_name(struct model_backend *mb, const char *proc, const char *map, int pid,
		       int id)
{
	int rc = smemcg_munmap(mb->m, pid, id);

	if (!rc)
		strmap_set(&names_of(mb, proc, true)->mm->maps, map, -1);
	return rc;
}

/*
 * A file operand that ends in '/' names a directory: open(2) with O_CREAT
 * (a write, a file mapping, which create their file) fails with EISDIR
 * before looking at what is there (fs/namei.c, open_last_lookups).
 */
static bool creates_directory(const struct smc_stmt *st, struct strbuf *msg)
{
	if ((st->op != SMC_FILE_WRITE && st->op != SMC_MMAP_FILE) ||
	    st->path[strlen(st->path) - 1] != '/')
		return false;
	sb_printf(msg, "%s ends in '/': a directory, which open(O_CREAT) refuses", st->path);
	return true;
}

static int exec_memory(struct model_backend *mb, const struct smc_stmt *st,
		       struct strbuf *msg)
{
	int pid, id = 0, rc;

	rc = proc_pid(mb, st->proc, &pid, msg);
	if (rc)
		return rc;
	if (creates_directory(st, msg))
		return -EISDIR;
	switch (st->op) {
	case SMC_MMAP_ANON:
	case SMC_MMAP_FILE:
		rc = map_name_free(mb, st->proc, st->name, msg);
		if (rc)
			return rc;
		if (st->op == SMC_MMAP_ANON)
			rc = smemcg_mmap_anon(&id, mb->m, pid, st->size,
					      !!(st->flags & SMC_F_SHARED));
		else
			rc = smemcg_mmap_file(&id, mb->m, pid, st->path, st->size,
					      !!(st->flags & SMC_F_SHARED), st->offset);
		if (rc)
			return report(mb, rc, msg);
		map_bind(mb, st->proc, st->name, id);
		return report(mb, smemcg_mapping_set_name(mb->m, pid, id, st->name), msg);
	case SMC_TOUCH:
	case SMC_MUNMAP:
	case SMC_MLOCK:
	case SMC_MUNLOCK:
		rc = map_id(mb, st->proc, st->name, &id, msg);
		if (rc)
			return rc;
		if (st->op == SMC_TOUCH)
			rc = smemcg_touch(mb->m, pid, id, (st->flags & SMC_F_RANGE) ? st->off : 0,
					  (st->flags & SMC_F_RANGE) ? st->len : UINT64_MAX,
					  !(st->flags & SMC_F_RO));
		else if (st->op == SMC_MUNMAP)
			rc = munmap_name(mb, st->proc, st->name, pid, id);
		else
			rc = smemcg_mlock(mb->m, pid, id, st->op == SMC_MLOCK);
		return report(mb, rc, msg);
	case SMC_MADVISE:
		rc = map_id(mb, st->proc, st->name, &id, msg);
		if (rc)
			return rc;
		return report(mb, smemcg_madvise(mb->m, pid, id,
						 (st->flags & SMC_F_RANGE) ? st->off : 0,
						 (st->flags & SMC_F_RANGE) ? st->len : UINT64_MAX,
						 (int)st->num), msg);
	case SMC_FSYNC:
		return report(mb, smemcg_fsync(mb->m, pid, st->path), msg);
	case SMC_FILE_WRITE:
		return report(mb, smemcg_pwrite(mb->m, pid, st->path, st->off, st->len), msg);
	case SMC_FILE_READ:
		return report(mb, smemcg_pread(mb->m, pid, st->path, st->off, st->len), msg);
	case SMC_TRUNCATE:
		return report(mb, smemcg_truncate(mb->m, pid, st->path, st->size), msg);
	case SMC_UNLINK:
		return report(mb, smemcg_unlink(mb->m, pid, st->path), msg);
	case SMC_FS_MKDIR:
		return report(mb, smemcg_fs_mkdir(mb->m, pid, st->path), msg);
	case SMC_MOUNT:
		return report(mb, smemcg_mount(mb->m, pid, st->flags & SMC_F_DISK ? "ext4" : "tmpfs",
					       st->path, st->opts), msg);
	case SMC_REMOUNT:
		return report(mb, smemcg_remount(mb->m, pid, st->path, st->opts), msg);
	case SMC_UMOUNT:
		return report(mb, smemcg_umount(mb->m, pid, st->path), msg);
	case SMC_DMABUF:
		rc = smemcg_dmabuf(&id, mb->m, pid, st->size, st->smemcg);
		if (!rc)
			strmap_set(&mb->bufs, st->name, id);
		return report(mb, rc, msg);
	case SMC_IMPORT: {
		int64_t buf;
		int map;

		if (!strmap_get(&mb->bufs, st->path, &buf)) {
			sb_printf(msg, "no dma_buf named %s", st->path);
			return -EBADF;
		}
		rc = map_name_free(mb, st->proc, st->name, msg);
		if (rc)
			return rc;
		rc = smemcg_import(&map, mb->m, pid, (int)buf);
		if (rc)
			return report(mb, rc, msg);
		map_bind(mb, st->proc, st->name, map);
		return report(mb, smemcg_mapping_set_name(mb->m, pid, map, st->name), msg);
	}
	case SMC_OPEN: case SMC_PIN: case SMC_UNPIN: case SMC_CLOSE: case SMC_RELEASE:
	case SMC_SETRLIMIT: case SMC_CAP:
		return exec_pins(mb, st, pid, msg);
	case SMC_KMALLOC:
		return report(mb, smemcg_kmalloc(mb->m, pid, st->name, (long)st->count), msg);
	case SMC_KFREE:
		return report(mb, smemcg_kfree(mb->m, pid, st->name, (long)st->count), msg);
	default:
		sb_printf(msg, "%s", smc_op_name(st->op));
		return SMC_NOTSUP;
	}
}

static int mb_start(void *ctx, struct strbuf *msg)
{
	struct model_backend *mb = ctx;
	int i, rc;

	rc = smemcg_machine_new(&mb->m, &mb->cfg);
	if (rc) {
		sb_printf(msg, "machine memory=%llu swap=%llu cpus=%d is outside the model's limits",
			  (unsigned long long)mb->cfg.memory_bytes,
			  (unsigned long long)mb->cfg.swap_bytes, mb->cfg.cpus);
		if (mb->cfg.memory_bytes + mb->cfg.swap_bytes > SMEMCG_MAX_MEMORY)
			sb_puts(msg, " (1T of memory and swap together)");
		return rc;
	}
	/* kills always: an error about a dead process names its statement */
	smemcg_set_event_handler(mb->m, mb->event_mask | SMEMCG_EV_MASK_KILLS, on_event, mb);
	for (i = 0; i < mb->npolicies; i++) {
		rc = smemcg_policy_set(mb->m, mb->policies[i].key, mb->policies[i].value);
		if (rc) {
			sb_puts(msg, smemcg_last_error(mb->m));
			return rc;
		}
	}
	return 0;
}

static void add_policy(struct model_backend *mb, const char *key, const char *value)
{
	int i;

	/* Command-line overrides (already in the list) win over the script. */
	for (i = 0; i < mb->npolicies; i++)
		if (!strcmp(mb->policies[i].key, key))
			return;
	mb->policies = xrealloc(mb->policies, (size_t)(mb->npolicies + 1) * sizeof(*mb->policies));
	mb->policies[mb->npolicies].key = xstrdup(key);
	mb->policies[mb->npolicies].value = xstrdup(value);
	mb->npolicies++;
}

static int exec_process(struct model_backend *mb, const struct smc_stmt *st,
			struct strbuf *msg)
{
	int pid = 0, child, rc, existing;

	if (st->op != SMC_SPAWN) {
		rc = proc_pid(mb, st->proc, &pid, msg);
		if (rc)
			return rc;
	}
	switch (st->op) {
	case SMC_SPAWN:
	case SMC_FORK:
	case SMC_CLONE_VM: {
		const char *name = st->op == SMC_SPAWN ? st->proc : st->name;

		if ((existing = pid_of(mb, name)) >= 0) {
			enum smemcg_task_state s;
			int sig;

			if (!smemcg_task_state(&s, &sig, mb->m, existing) &&
			    s == SMEMCG_TASK_ALIVE) {
				sb_printf(msg, "a process named %s is already running", name);
				return -EEXIST;
			}
		}
		if (st->op == SMC_SPAWN)
			rc = smemcg_spawn(&child, mb->m, name, st->path, st->cpu);
		else
			rc = smemcg_fork(&child, mb->m, pid, name, st->cpu,
					 st->op == SMC_CLONE_VM);
		if (!rc)
			bind_proc(mb, name, child,
				  st->op == SMC_SPAWN ? NULL : st->proc,
				  st->op == SMC_CLONE_VM);
		return report(mb, rc, msg);
	}
	case SMC_MOVE:
		return report(mb, smemcg_move(mb->m, pid, st->path), msg);
	case SMC_EXIT:
		return report(mb, smemcg_exit(mb->m, pid), msg);
	case SMC_KILL:
		return report(mb, smemcg_kill(mb->m, pid, st->signal), msg);
	case SMC_OOM_SCORE_ADJ:
		return report(mb, smemcg_set_oom_score_adj(mb->m, pid, (int)st->num), msg);
	default:
		sb_printf(msg, "%s", smc_op_name(st->op));
		return SMC_NOTSUP;
	}
}

/* "process P (pid N) died at line L, T s: why", when P was killed. */
static void explain_death(struct model_backend *mb, const char *proc, struct strbuf *msg)
{
	uint64_t ns;
	const char *why;
	int64_t line;
	char key[16];
	int pid;

	if (proc_pid(mb, proc, &pid, NULL))
		return;
	why = smemcg_task_death(&ns, mb->m, (int)pid);
	if (!*why)
		return;
	snprintf(key, sizeof(key), "%d", (int)pid);
	sb_reset(msg);
	sb_printf(msg, "process %s (pid %d) died", proc, (int)pid);
	if (strmap_get(&mb->death_lines, key, &line))
		sb_printf(msg, " at line %d (%" PRIu64 ".%03" PRIu64 " s): %s", (int)line,
			  ns / 1000000000, ns / 1000000 % 1000, why);
	else
		sb_printf(msg, " at %" PRIu64 ".%03" PRIu64 " s: %s", ns / 1000000000,
			  ns / 1000000 % 1000, why);
}

/* A statement on the machine itself, no process's: the API's errno. */
static int exec_machine(smemcg_machine *m, const struct smc_stmt *st)
{
	switch (st->op) {
	case SMC_MKDIR:
		return smemcg_cgroup_mkdir(m, st->path);
	case SMC_RMDIR:
		return smemcg_cgroup_rmdir(m, st->path);
	case SMC_WRITE:
		return smemcg_file_write(m, st->path, st->text);
	case SMC_SLEEP:
		return smemcg_sleep(m, st->ns);
	case SMC_SYNC:
		return smemcg_sync(m);
	case SMC_DROP_CACHES:
		return smemcg_drop_caches(m, (int)st->num);
	case SMC_SYSCTL:
		return smemcg_sysctl(m, st->name, (long)st->num);
	case SMC_SWAPOFF:
		return smemcg_swapoff(m);
	case SMC_SMEMCG_CREATE:
		return smemcg_smemcg_create(m, st->name, st->size);
	default:
		return smemcg_smemcg_destroy(m, st->name);
	}
}

static int mb_exec(void *ctx, const struct smc_stmt *st, struct strbuf *msg)
{
	struct model_backend *mb = ctx;
	int i, rc;

	mb->cur_line = st->line;
	switch (st->op) {
	case SMC_MACHINE:
		if (st->flags & SMC_F_SIZE)
			mb->cfg.memory_bytes = st->size;
		if (st->flags & SMC_F_SWAP)
			mb->cfg.swap_bytes = st->swap;
		if (st->flags & SMC_F_CPUS)
			mb->cfg.cpus = (int)st->num;
		if (st->nodes)
			mb->cfg.nodes = st->nodes;
		/* kernel=: the policy key, which --policy overrides */
		for (i = 0; i < st->nkv; i++)
			add_policy(mb, st->kv[i].key, st->kv[i].value);
		return 0;
	case SMC_CGROUP_OPTIONS:
		mb->cfg.options |= st->cgopts;
		return 0;
	case SMC_POLICY:
		for (i = 0; i < st->nkv; i++)
			add_policy(mb, st->kv[i].key, st->kv[i].value);
		return 0;
	case SMC_MKDIR: case SMC_RMDIR: case SMC_WRITE: case SMC_SLEEP: case SMC_SYNC:
	case SMC_DROP_CACHES: case SMC_SYSCTL: case SMC_SWAPOFF: case SMC_SMEMCG_CREATE:
	case SMC_SMEMCG_DESTROY:
		rc = report(mb, exec_machine(mb->m, st), msg);
		break;
	case SMC_SPAWN: case SMC_FORK: case SMC_CLONE_VM: case SMC_MOVE: case SMC_EXIT:
	case SMC_KILL: case SMC_OOM_SCORE_ADJ:
		rc = exec_process(mb, st, msg);
		break;
	case SMC_MMAP_ANON: case SMC_MMAP_FILE: case SMC_TOUCH: case SMC_MUNMAP:
	case SMC_MLOCK: case SMC_MUNLOCK: case SMC_FILE_WRITE: case SMC_FILE_READ:
	case SMC_TRUNCATE: case SMC_UNLINK: case SMC_FS_MKDIR: case SMC_MOUNT:
	case SMC_REMOUNT: case SMC_UMOUNT: case SMC_KMALLOC: case SMC_KFREE:
	case SMC_DMABUF: case SMC_IMPORT: case SMC_OPEN: case SMC_PIN: case SMC_UNPIN:
	case SMC_CLOSE: case SMC_RELEASE: case SMC_SETRLIMIT: case SMC_CAP:
	case SMC_MADVISE: case SMC_FSYNC:
		rc = exec_memory(mb, st, msg);
		break;
	case SMC_EXPLAIN: {
		char *text;

		rc = smemcg_explain(&text, mb->m, st->path);
		if (rc)
			return report(mb, rc, msg);
		sb_puts(msg, text);
		free(text);
		return 0;
	}
	default: {
		struct strbuf t;

		sb_init(&t);
		smc_line_text(&t, st->src);
		sb_puts(msg, t.buf);
		sb_free(&t);
		return SMC_NOTSUP;
	}
	}
	if (rc == -ESRCH && st->proc)
		explain_death(mb, st->proc, msg);
	if (!rc && mb->check && smemcg_check(mb->m)) {
		sb_printf(msg, "invariant broken: %s", smemcg_last_error(mb->m));
		return -EUCLEAN;
	}
	return rc;
}

static int mb_read(void *ctx, const char *path, struct strbuf *out, struct strbuf *msg)
{
	struct model_backend *mb = ctx;
	char *content;
	int rc = smemcg_file_read(&content, mb->m, path);

	if (rc)
		return report(mb, rc, msg);
	sb_puts(out, content);
	free(content);
	return 0;
}

static int mb_proc_state(void *ctx, const char *proc, enum smc_proc_state *state,
			 int *sig, struct strbuf *msg)
{
	struct model_backend *mb = ctx;
	enum smemcg_task_state s;
	int pid, rc = proc_pid(mb, proc, &pid, msg);

	if (rc)
		return rc;
	rc = smemcg_task_state(&s, sig, mb->m, pid);
	if (rc)
		return report(mb, rc, msg);
	*state = s == SMEMCG_TASK_ALIVE ? SMC_ALIVE
		 : s == SMEMCG_TASK_EXITED ? SMC_EXITED : SMC_KILLED;
	return 0;
}

uint64_t model_backend_now_ns(void *ctx)
{
	struct model_backend *mb = ctx;

	return mb->m ? smemcg_now_ns(mb->m) : 0;
}

void model_backend_ops(struct smc_backend *be, struct model_backend *mb)
{
	memset(be, 0, sizeof(*be));
	be->ctx = mb;
	be->exec = mb_exec;
	be->read = mb_read;
	be->proc_state = mb_proc_state;
	be->start = mb_start;
	be->watch_events = mb_watch_events;
	be->drain_events = mb_drain_events;
}
