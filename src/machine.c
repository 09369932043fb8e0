// SPDX-License-Identifier: GPL-2.0-only
/*
 * The public API over the model: a machine object, policies, and the entry
 * points the scenario language maps onto. Every entry point that runs as a
 * process enters it (current = the task, on its CPU) and leaves through the
 * return-to-user work (memory.high throttling, pending fatal signals).
 */
#include "machine.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/memcontrol/baseline.h"
#include "mm/memcontrol/charge.h"
#include "cgroup/control_files.h"
#include "mm/memcontrol/memcg.h"
#include "mm/memcontrol/objcg.h"
#include "mm/proc.h"
#include "explain.h"
#include "mm/kmem.h"
#include "mm/filemap.h"
#include "mm/writeback.h"
#include "mm/drop_caches.h"
#include "mm/madvise.h"
#include "mm/swap.h"
#include "mm/gup.h"
#include "mm/mm.h"
#include "mm/mm_state.h"
#include "mm/mount.h"
#include "mm/page_alloc.h"
#include "mm/task.h"
#include "mm/vma.h"

int machine_error(struct machine *m, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->errmsg, sizeof(m->errmsg), fmt, ap);
	va_end(ap);
	return err;
}

void smemcg_config_init(struct smemcg_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->memory_bytes = 4ULL << 30;
	cfg->swap_bytes = 0;
	cfg->cpus = 2;
	cfg->nodes = 1;
}

int smemcg_machine_new(smemcg_machine **out, const struct smemcg_config *cfg)
{
	struct machine *m;
	int err;

	if (cfg->cpus < 1 || cfg->cpus > MODEL_MAX_CPUS || cfg->nodes < 1 || cfg->nodes > 64)
		return -EINVAL;
	if (cfg->memory_bytes < (1ULL << 20) || cfg->memory_bytes > MODEL_MAX_MEMORY ||
	    cfg->swap_bytes > MODEL_MAX_MEMORY - cfg->memory_bytes)
		return -EINVAL;
	m = xcalloc(1, sizeof(*m));
	m->cfg = *cfg;
	m->nr_cpus = cfg->cpus;
	m->cpus = xcalloc((size_t)cfg->cpus, sizeof(*m->cpus));
	page_store_init(&m->pages);
	id_table_init(&m->objcgs);
	mm_state_init(m);
	kmem_init(m);
	ext_call_init(m);
	policy_init(m);
	err = cgroup_tree_init(m);
	if (err) {
		smemcg_machine_free((smemcg_machine *)m);
		return err;
	}
	*out = (smemcg_machine *)m;
	return 0;
}

void smemcg_machine_free(smemcg_machine *sm)
{
	struct machine *m = to_machine(sm);

	if (!m)
		return;
	mm_state_free(m);
	ext_call_free(m);
	kmem_free_all(m);
	cgroup_tree_free(m);
	objcg_table_free(m);
	page_store_free(&m->pages);
	free(m->cpus);
	free(m);
}

const char *smemcg_last_error(const smemcg_machine *sm)
{
	return ((const struct machine *)sm)->errmsg;
}

int smemcg_cgroup_mkdir(smemcg_machine *sm, const char *path)
{
	return cgroup_mkdir(to_machine(sm), path);
}

int smemcg_cgroup_rmdir(smemcg_machine *sm, const char *path)
{
	return cgroup_rmdir(to_machine(sm), path);
}

int smemcg_file_write(smemcg_machine *sm, const char *path, const char *value)
{
	struct machine *m = to_machine(sm);
	const struct ext_ops *ext = ext_file_owner(path);
	int err;

	m->errmsg[0] = '\0';
	if (ext)
		return ext->file_write(m, path, value);
	if (!strncmp(path, "/proc/", 6))
		return machine_error(m, -EACCES, "%s is read-only", path);
	err = cgroup_file_write(m, path, value);
	tasks_reap(m);		/* memory.max and friends may OOM-kill */
	return err;
}

unsigned smemcg_file_mode_on(const char *path, const char *kernel)
{
	const char *base = strrchr(path, '/'), *of;
	const struct ext_ops *ext = ext_file_owner(path);
	const struct kernel_baseline *kb = kernel ? kernel_baseline_find(kernel) : NULL;
	const struct cftype *cft;
	unsigned mode;

	if (!base || (kernel && !kb))
		return 0;
	if (ext)
		return ext->file_mode(path);
	if (!strncmp(path, "/proc/", 6))
		return proc_file_mode(path);
	cft = cftype_find_of(base + 1, &of);
	if (!cft)
		return 0;
	/* without a baseline: what the latest allows */
	mode = cftype_mode_on(cft, kb ? (int)kb->id : NR_KERNELS - 1);
	if (!mode)
		return 0;
	return ((mode & CFT_READ) ? SMEMCG_FILE_READ : 0) |
	       ((mode & CFT_WRITE) ? SMEMCG_FILE_WRITE : 0) |
	       ((cft->flags & CFT_PER_OPEN) ? SMEMCG_FILE_PER_OPEN : 0);
}

unsigned smemcg_file_mode(const char *path)
{
	return smemcg_file_mode_on(path, NULL);
}

/*
 * The text fill writes about arg, handed to the caller in *out (to free), or
 * fill's error with nothing handed over.
 */
static int text_out(char **out, smemcg_machine *sm, const char *arg,
		    int (*fill)(struct machine *m, const char *arg, struct strbuf *sb))
{
	struct strbuf sb;
	int err;

	sb_init(&sb);
	err = fill(to_machine(sm), arg, &sb);
	if (err) {
		sb_free(&sb);
		return err;
	}
	*out = sb_detach(&sb);
	return 0;
}

static int read_file_text(struct machine *m, const char *path, struct strbuf *sb)
{
	const struct ext_ops *ext = ext_file_owner(path);

	m->errmsg[0] = '\0';
	if (ext)
		return ext->file_read(m, path, sb);
	if (!strncmp(path, "/proc/", 6))
		return proc_file_read(m, path, sb);
	return cgroup_file_read(m, path, sb);
}

int smemcg_file_read(char **out, smemcg_machine *sm, const char *path)
{
	return text_out(out, sm, path, read_file_text);
}

/* Work that runs between operations: kswapd, the flusher; then the dead are reaped. */
static void background_work(struct machine *m)
{
	kswapd_run(m);
	ext_call_work(m);
	writeback_expired(m);
	tasks_reap(m);
}

static struct task *alive_task(struct machine *m, int pid)
{
	struct task *t = task_lookup(m, pid);
	const struct task_rec *rec;
	uint64_t ns;

	if (t && t->state == SMEMCG_TASK_ALIVE)
		return t;
	rec = task_record(m, pid);
	if (!rec)
		machine_error(m, -ESRCH, "no process with pid %d", pid);
	else if (task_death(m, pid, &ns))
		machine_error(m, -ESRCH, "process %s (pid %d) died at %" PRIu64 ".%03" PRIu64 " s: %s",
			      task_rec_str(m, rec->comm), pid, ns / 1000000000, ns / 1000000 % 1000,
			      task_death(m, pid, &ns));
	else
		machine_error(m, -ESRCH, "process %s (pid %d) is no longer alive",
			      task_rec_str(m, rec->comm), pid);
	return NULL;
}

/*
 * A call on process pid from outside it (kill, a move, prlimit): it needs
 * the process alive, not running, so a stopped or frozen one takes it too.
 */
#define ON_TASK(call)                                   \
	do {                                            \
		struct machine *m = to_machine(sm);     \
		struct task *t = alive_task(m, pid);    \
		return t ? (call) : -ESRCH;             \
	} while (0)

/* EAGAIN when t is stopped (until SIGCONT) or its cgroup frozen (until thawed). */
static int may_run(struct machine *m, struct task *t)
{
	int err = task_may_run(m, t);

	if (err || !cgroup_frozen(t->cgroup))
		return err;
	return machine_error(m, -EAGAIN,
			     "process %s is frozen (cgroup.freeze): it runs nothing until thawed",
			     t->comm);
}

/*
 * The task that runs a statement of its own, or NULL with *err: ESRCH
 * when it is gone, EAGAIN when it is stopped or its cgroup frozen (it
 * runs nothing until continued or thawed, and the model does not wait;
 * signals, moves and the limits set from outside still reach it).
 */
static struct task *enter(struct machine *m, int pid, int *err)
{
	struct task *t = alive_task(m, pid);

	*err = -ESRCH;
	if (!t)
		return NULL;
	*err = may_run(m, t);
	if (*err)
		return NULL;
	task_enter(m, t);
	return t;
}

int smemcg_spawn(int *pid, smemcg_machine *sm, const char *comm,
		 const char *cgroup, int cpu)
{
	struct machine *m = to_machine(sm);
	struct cgroup *cg = cgroup_lookup(m, cgroup);
	struct task *t;
	int err;

	if (!cg)
		return machine_error(m, -ENOENT, "no such cgroup: %s", cgroup);
	err = task_spawn(m, &t, comm, cg, cpu);
	if (!err)
		*pid = t->pid;
	tasks_reap(m);
	return err;
}

int smemcg_fork(int *child, smemcg_machine *sm, int pid, const char *comm,
		int cpu, bool clone_vm)
{
	struct machine *m = to_machine(sm);
	int err;
	struct task *p = enter(m, pid, &err), *t;

	if (!p)
		return err;
	err = task_fork(m, &t, p, comm, cpu, clone_vm);
	if (!err)
		*child = t->pid;
	task_leave(m, p);
	background_work(m);
	return err;
}

static int move_task(struct machine *m, struct task *t, const char *cgroup)
{
	struct cgroup *cg = cgroup_lookup(m, cgroup);

	if (!cg)
		return machine_error(m, -ENOENT, "no such cgroup: %s", cgroup);
	return cgroup_attach_task(m, cg, t);
}

int smemcg_move(smemcg_machine *sm, int pid, const char *cgroup)
{
	ON_TASK(move_task(m, t, cgroup));
}

static int exit_task(struct machine *m, struct task *t)
{
	int err = may_run(m, t);	/* exit(2) is the process's own call */

	if (err)
		return err;
	task_do_exit(m, t, 0);
	tasks_reap(m);
	return 0;
}

int smemcg_exit(smemcg_machine *sm, int pid)
{
	ON_TASK(exit_task(m, t));
}

static int kill_task(struct machine *m, struct task *t, int sig)
{
	if (sig <= 0 || sig > 64)
		return machine_error(m, -EINVAL, "bad signal number %d", sig);
	task_kill_why(m, t, sig, SMEMCG_EV_KILL, "sent signal %d by the scenario", sig);
	tasks_reap(m);
	return 0;
}

int smemcg_kill(smemcg_machine *sm, int pid, int sig)
{
	ON_TASK(kill_task(m, t, sig));
}

static int set_oom_score_adj(struct machine *m, struct task *t, int adj)
{
	if (adj < OOM_SCORE_ADJ_MIN || adj > OOM_SCORE_ADJ_MAX)
		return machine_error(m, -EINVAL, "oom_score_adj must be in -1000..1000, not %d",
				     adj);
	t->oom_score_adj = adj;
	return 0;
}

int smemcg_set_oom_score_adj(smemcg_machine *sm, int pid, int adj)
{
	ON_TASK(set_oom_score_adj(m, t, adj));
}

int smemcg_task_state(enum smemcg_task_state *state, int *sig,
		      const smemcg_machine *sm, int pid)
{
	const struct task_rec *rec = task_record((const struct machine *)sm, pid);

	if (!rec)
		return -ESRCH;
	*state = (enum smemcg_task_state)rec->state;
	*sig = rec->exit_signal;
	return 0;
}

const char *smemcg_task_death(uint64_t *when_ns, const smemcg_machine *sm, int pid)
{
	const char *why = task_death((const struct machine *)sm, pid, when_ns);

	return why ? why : "";
}

static int leave(struct machine *m, struct task *t, int err)
{
	task_leave(m, t);
	background_work(m);
	return err;
}

/* A statement process pid runs itself: call between enter() and leave(). */
#define AS_TASK(call)                                   \
	do {                                            \
		struct machine *m = to_machine(sm);     \
		int err_;                               \
		struct task *t = enter(m, pid, &err_);  \
		if (!t)                                 \
			return err_;                    \
		return leave(m, t, call);               \
	} while (0)

static struct vm_area *find_map(struct machine *m, struct task *t, int map)
{
	struct vm_area *v = t->mm ? vma_find(t->mm, map) : NULL;

	if (!v)
		machine_error(m, -EINVAL, "process %s has no mapping %d", t->comm, map);
	return v;
}

/* A length of UINT64_MAX means the rest of the mapping from off. */
static uint64_t map_len(const struct vm_area *v, uint64_t off, uint64_t len)
{
	if (len != UINT64_MAX)
		return len;
	return off < v->npages * PAGE_SIZE ? v->npages * PAGE_SIZE - off : 0;
}

static int mmap_anon(struct machine *m, struct task *t, uint64_t size, bool shared,
		     int *map)
{
	struct vm_area *v;
	int err = vma_mmap_anon(m, t, size, shared, &v);

	if (!err)
		*map = v->id;
	return err;
}

int smemcg_mmap_anon(int *map, smemcg_machine *sm, int pid, uint64_t size,
		     bool shared)
{
	AS_TASK(mmap_anon(m, t, size, shared, map));
}

static int mmap_file(struct machine *m, struct task *t, const char *path, uint64_t size,
		     bool shared, uint64_t offset, int *map)
{
	struct inode *inode;
	struct vm_area *v;
	/* nothing is created or extended for a mapping that cannot be */
	int err = vma_mmap_check(m, size, offset);

	if (!err)
		err = inode_create(m, t, path, &inode);
	if (!err && inode->size < offset + size)
		err = file_truncate(m, t, path, offset + size);
	if (!err)
		err = vma_mmap_file(m, t, inode, size, offset, shared, &v);
	if (!err)
		*map = v->id;
	return err;
}

int smemcg_mmap_file(int *map, smemcg_machine *sm, int pid, const char *path,
		     uint64_t size, bool shared, uint64_t offset)
{
	AS_TASK(mmap_file(m, t, path, size, shared, offset, map));
}

static int touch(struct machine *m, struct task *t, int map, uint64_t off, uint64_t len,
		 bool write)
{
	struct vm_area *v = find_map(m, t, map);
	int err;

	if (!v)
		return -EINVAL;
	t->in_user_fault = true;
	err = vma_touch(m, t, v, off, map_len(v, off, len), write);
	t->in_user_fault = false;
	return err;
}

int smemcg_touch(smemcg_machine *sm, int pid, int map, uint64_t off, uint64_t len,
		 bool write)
{
	AS_TASK(touch(m, t, map, off, len, write));
}

static int munmap_map(struct machine *m, struct task *t, int map)
{
	struct vm_area *v = find_map(m, t, map);

	return v ? vma_munmap(m, v) : -EINVAL;
}

int smemcg_munmap(smemcg_machine *sm, int pid, int map)
{
	AS_TASK(munmap_map(m, t, map));
}

/* The longest name a mapping or an fd carries into messages. */
#define SMEMCG_MAX_NAME 255

static int name_too_long(struct machine *m, const char *name, const char *what)
{
	if (!name || strlen(name) <= SMEMCG_MAX_NAME)
		return 0;
	return machine_error(m, -ENAMETOOLONG, "%s name is at most %d bytes", what,
			     SMEMCG_MAX_NAME);
}

static int set_mapping_name(struct machine *m, struct task *t, int map, const char *name)
{
	struct vm_area *v;
	int err = name_too_long(m, name, "a mapping");

	if (err)
		return err;
	v = find_map(m, t, map);
	if (!v)
		return -EINVAL;
	free(v->name);
	v->name = name && *name ? xstrdup(name) : NULL;
	return 0;
}

int smemcg_mapping_set_name(smemcg_machine *sm, int pid, int map, const char *name)
{
	ON_TASK(set_mapping_name(m, t, map, name));
}

static int set_fd_name(struct machine *m, struct task *t, int fd, const char *name)
{
	int err = name_too_long(m, name, "an fd");

	return err ? err : pins_fd_set_name(m, t, fd, name);
}

int smemcg_fd_set_name(smemcg_machine *sm, int pid, int fd, const char *name)
{
	ON_TASK(set_fd_name(m, t, fd, name));
}

static int mlock_map(struct machine *m, struct task *t, int map, bool lock)
{
	struct vm_area *v = find_map(m, t, map);

	return v ? vma_mlock(m, t, v, lock) : -EINVAL;
}

int smemcg_mlock(smemcg_machine *sm, int pid, int map, bool lock)
{
	AS_TASK(mlock_map(m, t, map, lock));
}

int smemcg_pwrite(smemcg_machine *sm, int pid, const char *path, uint64_t off,
		  uint64_t len)
{
	AS_TASK(file_write(m, t, path, off, len));
}

int smemcg_pread(smemcg_machine *sm, int pid, const char *path, uint64_t off,
		 uint64_t len)
{
	AS_TASK(file_read(m, t, path, off, len));
}

int smemcg_truncate(smemcg_machine *sm, int pid, const char *path, uint64_t size)
{
	AS_TASK(file_truncate(m, t, path, size));
}

int smemcg_unlink(smemcg_machine *sm, int pid, const char *path)
{
	AS_TASK(file_unlink(m, t, path));
}

int smemcg_fs_mkdir(smemcg_machine *sm, int pid, const char *path)
{
	AS_TASK(fs_mkdir(m, t, path));
}

int smemcg_mount(smemcg_machine *sm, int pid, const char *type, const char *dir,
		 const char *opts)
{
	AS_TASK(fs_mount(m, t, type, dir, opts));
}

int smemcg_fsync(smemcg_machine *sm, int pid, const char *path)
{
	AS_TASK(file_fsync(m, t, path));
}

int smemcg_sync(smemcg_machine *sm)
{
	struct machine *m = to_machine(sm);

	writeback_sync(m);
	background_work(m);
	return 0;
}

int smemcg_drop_caches(smemcg_machine *sm, int what)
{
	struct machine *m = to_machine(sm);

	if (what < 1 || what > 3)
		return machine_error(m, -EINVAL, "drop_caches takes 1, 2 or 3, not %d", what);
	drop_caches(m, what);
	background_work(m);
	return 0;
}

int smemcg_sysctl(smemcg_machine *sm, const char *name, long value)
{
	struct machine *m = to_machine(sm);

	if (strcmp(name, "vm.swappiness"))
		return machine_error(m, -ENOENT, "no sysctl %s in the model (vm.swappiness only)",
				     name);
	if (value < 0 || value > 200)
		return machine_error(m, -EINVAL, "vm.swappiness takes 0..200, not %ld", value);
	m->mm->vm_swappiness = (int)value;
	return 0;
}

int smemcg_swapoff(smemcg_machine *sm)
{
	struct machine *m = to_machine(sm);
	int err = swap_off(m);

	background_work(m);
	return err;
}

static int madvise_map(struct machine *m, struct task *t, int map, uint64_t off,
		       uint64_t len, int advice)
{
	struct vm_area *v = find_map(m, t, map);

	if (!v)
		return -EINVAL;
	if (advice < SMEMCG_MADV_DONTNEED || advice > SMEMCG_MADV_COLD)
		return machine_error(m, -EINVAL, "unknown madvise advice %d", advice);
	return vma_madvise(m, v, off, map_len(v, off, len), advice);
}

int smemcg_madvise(smemcg_machine *sm, int pid, int map, uint64_t off, uint64_t len,
		   int advice)
{
	AS_TASK(madvise_map(m, t, map, off, len, advice));
}

int smemcg_mount_tmpfs(smemcg_machine *sm, int pid, const char *dir, const char *opts)
{
	return smemcg_mount(sm, pid, "tmpfs", dir, opts);
}

int smemcg_remount(smemcg_machine *sm, int pid, const char *dir, const char *opts)
{
	AS_TASK(tmpfs_remount(m, t, dir, opts));
}

int smemcg_umount(smemcg_machine *sm, int pid, const char *dir)
{
	AS_TASK(tmpfs_umount(m, t, dir));
}

int smemcg_kmalloc(smemcg_machine *sm, int pid, const char *cache, long count)
{
	AS_TASK(kmem_alloc_objects(m, t, cache, count));
}

int smemcg_kfree(smemcg_machine *sm, int pid, const char *cache, long count)
{
	AS_TASK(kmem_free_objects(m, t, cache, count));
}

int smemcg_smemcg_create(smemcg_machine *sm, const char *name, uint64_t max_bytes)
{
	return ext_smemcg_create(to_machine(sm), name, max_bytes);
}

int smemcg_smemcg_destroy(smemcg_machine *sm, const char *name)
{
	return ext_smemcg_destroy(to_machine(sm), name);
}

int smemcg_dmabuf(int *buf, smemcg_machine *sm, int pid, uint64_t size,
		  const char *smemcg)
{
	AS_TASK(ext_dmabuf_create(m, t, size, smemcg, buf));
}

static int import(struct machine *m, struct task *t, int buf, int *map)
{
	struct vm_area *v = NULL;
	int err = ext_dmabuf_import(m, t, buf, &v);

	if (!err)
		*map = v->id;
	return err;
}

int smemcg_import(int *map, smemcg_machine *sm, int pid, int buf)
{
	AS_TASK(import(m, t, buf, map));
}

static int open_file(struct machine *m, struct task *t, const char *device,
		     bool keep, int *fd, int *file)
{
	int err = pins_open(m, t, device, keep, fd);

	if (!err)
		*file = pins_fd_file_id(m, t, *fd);
	return err;
}

int smemcg_open(int *fd, int *file, smemcg_machine *sm, int pid, const char *device,
		bool keep_pins)
{
	AS_TASK(open_file(m, t, device, keep_pins, fd, file));
}

static int pin_range(struct machine *m, struct task *t, int fd, int map, uint64_t off,
		     uint64_t len, bool pin)
{
	struct vm_area *v = find_map(m, t, map);

	if (!v)
		return -EINVAL;
	len = map_len(v, off, len);
	return pin ? pins_pin(m, t, fd, v, off, len) : pins_unpin(m, t, fd, v, off, len);
}

int smemcg_pin(smemcg_machine *sm, int pid, int fd, int map, uint64_t off, uint64_t len)
{
	AS_TASK(pin_range(m, t, fd, map, off, len, true));
}

int smemcg_unpin(smemcg_machine *sm, int pid, int fd, int map, uint64_t off,
		 uint64_t len)
{
	AS_TASK(pin_range(m, t, fd, map, off, len, false));
}

int smemcg_close(smemcg_machine *sm, int pid, int fd)
{
	AS_TASK(pins_close(m, t, fd));
}

int smemcg_release(smemcg_machine *sm, int pid, int file)
{
	AS_TASK(pins_release(m, t, file));
}

/* prlimit() from another process: a stopped process's limits change too */
int smemcg_setrlimit_memlock(smemcg_machine *sm, int pid, uint64_t bytes)
{
	ON_TASK(pins_setrlimit(m, t, bytes));
}

int smemcg_setrlimit_nofile(smemcg_machine *sm, int pid, uint64_t nr)
{
	ON_TASK(pins_setrlimit_nofile(m, t, nr));
}

int smemcg_cap_ipc_lock(smemcg_machine *sm, int pid)
{
	AS_TASK(pins_cap_ipc_lock(m, t));
}

int smemcg_sleep(smemcg_machine *sm, uint64_t ns)
{
	struct machine *m = to_machine(sm);
	uint64_t end = m->now_ns + ns, due;

	/* deferred work that falls due during the sleep runs at its time */
	while ((due = ext_next_due(m)) != UINT64_MAX && due <= end) {
		if (due > m->now_ns)
			m->now_ns = due;
		ext_call_work(m);
	}
	m->now_ns = end;
	background_work(m);
	return 0;
}

uint64_t smemcg_now_ns(const smemcg_machine *sm)
{
	return ((const struct machine *)sm)->now_ns;
}


static void list_cgroups(struct strbuf *sb, const struct cgroup *cg)
{
	const struct cgroup *c;
	char path[4096];

	cgroup_path(cg, path, sizeof(path));
	sb_printf(sb, "%s\n", path);
	for (c = cg->first_child; c; c = c->next_sibling)
		list_cgroups(sb, c);
}

static int list_all_cgroups(struct machine *m, const char *unused, struct strbuf *sb)
{
	(void)unused;
	list_cgroups(sb, m->root_cgroup);
	return 0;
}

int smemcg_list_cgroups(char **out, smemcg_machine *sm)
{
	return text_out(out, sm, NULL, list_all_cgroups);
}

static int list_smemcgs(struct machine *m, const char *unused, struct strbuf *sb)
{
	(void)unused;
	ext_smemcg_names(m, sb);
	return 0;
}

int smemcg_list_smemcgs(char **out, smemcg_machine *sm)
{
	return text_out(out, sm, NULL, list_smemcgs);
}

static int list_zombies(struct machine *m, const char *unused, struct strbuf *sb)
{
	uint32_t s;

	(void)unused;
	for (s = 0; s < m->memcg_slots.nr; s++) {
		struct mem_cgroup *memcg = memcg_in_slot(m, s);
		long st[MEMCG_NR_STATS];
		char path[4096];

		if (!memcg || memcg->state != MEMCG_OFFLINE || mem_cgroup_is_detached(memcg) ||
		    !memcg->cgroup || !mem_cgroup_online(memcg->parent))
			continue;
		cgroup_path(memcg->cgroup, path, sizeof(path));
		memcg_stat_subtree(memcg, st);
		sb_printf(sb, "%s %llu %llu %llu %llu %llu\n", path,
			  (unsigned long long)page_counter_read(&memcg->memory) * PAGE_SIZE,
			  memcg_stat_show_value(MEMCG_ANON, st[MEMCG_ANON]),
			  memcg_stat_show_value(MEMCG_FILE, st[MEMCG_FILE]),
			  memcg_stat_show_value(MEMCG_SHMEM, st[MEMCG_SHMEM]),
			  memcg_stat_show_value(MEMCG_KERNEL, st[MEMCG_KERNEL]));
	}
	return 0;
}

int smemcg_list_zombies(char **out, smemcg_machine *sm)
{
	return text_out(out, sm, NULL, list_zombies);
}

/* Each line of add that out does not have yet. */
static void add_new_lines(struct strbuf *out, const char *add)
{
	while (*add) {
		const char *nl = strchr(add, '\n');
		size_t n = nl ? (size_t)(nl - add) : strlen(add);
		const char *p = out->buf;
		bool seen = false;

		while (p && *p && !seen) {
			const char *e = strchr(p, '\n');

			seen = (size_t)(e - p) == n && !strncmp(p, add, n);
			p = e + 1;
		}
		if (!seen) {
			sb_add(out, add, n);
			sb_puts(out, "\n");
		}
		add += n + (nl != NULL);
	}
}

int smemcg_file_names(char **out)
{
	struct strbuf sb, all;
	size_t i;

	sb_init(&sb);
	sb_init(&all);
	sb_puts(&all, "");
	cftype_names(&sb, NULL, NR_KERNELS - 1);
	ext_prefix_file_names(&sb, NULL);
	for (i = 0; proc_file_names[i]; i++)
		sb_printf(&sb, "%s\n", proc_file_names[i]);
	add_new_lines(&all, sb.buf);
	sb_free(&sb);
	*out = sb_detach(&all);
	return 0;
}

static int list_files(struct machine *m, const char *dir, struct strbuf *sb)
{
	const struct ext_ops *ext = ext_file_owner(dir);
	struct cgroup *cg = NULL;
	size_t i;

	m->errmsg[0] = '\0';
	if (ext) {
		struct strbuf first;
		int err;

		/* the object exists when its first file reads */
		sb_init(&first);
		sb_printf(&first, "%s/%s", dir, ext->file_names && ext->file_names[0] ?
			  ext->file_names[0] : "");
		/* the path is read while the content grows: not in one buffer */
		err = strchr(dir, '/') ? -ENOENT : ext->file_read(m, first.buf, sb);
		sb_free(&first);
		if (err)
			return machine_error(m, -ENOENT, "no such object: %s", dir);
		sb_reset(sb);
		sb_puts(sb, "");
		ext_prefix_file_names(sb, ext);
	} else if (!strcmp(dir, "/proc")) {
		sb_puts(sb, "");
		for (i = 0; proc_file_names[i]; i++)
			sb_printf(sb, "%s\n", proc_file_names[i]);
	} else {
		cg = cgroup_lookup(m, dir);
		if (!cg)
			return machine_error(m, -ENOENT, "no such cgroup: %s", dir);
		sb_puts(sb, "");
		cftype_names(sb, cg, m->kernel->id);
	}
	return 0;
}

int smemcg_list_files(char **out, smemcg_machine *sm, const char *dir)
{
	return text_out(out, sm, dir, list_files);
}

static int list_tasks(struct machine *m, const char *unused, struct strbuf *sb)
{
	uint32_t i;

	(void)unused;
	for (i = 0; i < m->mm->nr_pids; i++) {
		const struct task_rec *rec = &m->mm->recs[i];
		int pid = TASK_FIRST_PID + (int)i;
		char path[4096];

		/* a dead task's cgroup may have been removed since */
		if (rec->state != SMEMCG_TASK_ALIVE)
			snprintf(path, sizeof(path), "%s", task_rec_str(m, rec->exit_cgroup));
		else
			cgroup_path(task_lookup(m, pid)->cgroup, path, sizeof(path));
		sb_printf(sb, "%d %s %s %s", pid, task_rec_str(m, rec->comm), path,
			  rec->state == SMEMCG_TASK_ALIVE ? "alive"
			  : rec->state == SMEMCG_TASK_EXITED ? "exited" : "killed");
		if (rec->state == SMEMCG_TASK_KILLED)
			sb_printf(sb, " %d", rec->exit_signal);
		sb_puts(sb, "\n");
	}
	return 0;
}

int smemcg_list_tasks(char **out, smemcg_machine *sm)
{
	return text_out(out, sm, NULL, list_tasks);
}

int smemcg_explain(char **out, smemcg_machine *sm, const char *cgroup)
{
	return text_out(out, sm, cgroup, explain_cgroup);
}
