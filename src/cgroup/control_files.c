// SPDX-License-Identifier: GPL-2.0-only
/*
 * The cgroup core files (cgroup.*, kernel/cgroup/cgroup.c's
 * cgroup_base_files[], Linux 6.1) and the dispatch of a control-file path
 * to its cftype: the controllers' tables are listed here. Values written
 * are stripped of surrounding blanks (strstrip) before parsing, as the
 * kernel's handlers do; parse errors give EINVAL (ERANGE for integers out
 * of range, as kstrtoint).
 */
#include "control_files.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../machine.h"
#include "../mm/task.h"
#include "../mm/memcontrol/baseline.h"
#include "../mm/memcontrol/memcg.h"
#include "../mm/memcontrol/memory_files.h"

int kstrtoint(int *out, const char *s)
{
	const char *p = s;
	bool neg = false;
	long long v = 0;
	unsigned base = 10;

	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (p[0] == '0' && p[1]) {
		base = 8;
		p++;
	}
	if (!*p)
		return -EINVAL;
	for (; *p && *p != '\n'; p++) {
		int d;

		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			return -EINVAL;
		if ((unsigned)d >= base)
			return -EINVAL;
		v = v * base + d;
		if (v > (long long)INT_MAX + 1)
			return -ERANGE;
	}
	if (p[0] == '\n' && p[1])
		return -EINVAL;
	if (neg)
		v = -v;
	if (v > INT_MAX || v < INT_MIN)
		return -ERANGE;
	*out = (int)v;
	return 0;
}

/* ---- cgroup core files ---- */

static void print_ss_mask(struct strbuf *out, unsigned mask)
{
	size_t len = out->len;

	cgroup_controllers_format(out, mask);
	/* cgroup_print_ss_mask: an empty mask is an empty file */
	if (out->len > len)
		sb_puts(out, "\n");
}

/* Controllers a cgroup may enable: what its parent hands down. */
static unsigned cgroup_control(const struct cgroup *cg)
{
	return cg->parent ? cg->parent->subtree_control : cgroup_all_controllers();
}

static int controllers_show(struct machine *m, struct cgroup *cg,
			    const struct cftype *cft, struct strbuf *out)
{
	(void)m;
	(void)cft;
	print_ss_mask(out, cgroup_control(cg));
	return 0;
}

static int subtree_control_show(struct machine *m, struct cgroup *cg,
				const struct cftype *cft, struct strbuf *out)
{
	(void)m;
	(void)cft;
	print_ss_mask(out, cg->subtree_control);
	return 0;
}

static int subtree_control_write(struct machine *m, struct cgroup *cg,
				 const struct cftype *cft, char *buf)
{
	(void)cft;
	return cgroup_set_subtree_control(m, cg, buf);
}

static int procs_show(struct machine *m, struct cgroup *cg,
		      const struct cftype *cft, struct strbuf *out)
{
	struct list_node *pos;

	(void)m;
	(void)cft;
	list_for_each(pos, &cg->tasks)
		sb_printf(out, "%d\n", container_of(pos, struct task, cg_node)->pid);
	return 0;
}

static int procs_write(struct machine *m, struct cgroup *cg, const struct cftype *cft, char *buf)
{
	struct task *t;
	int pid, err = kstrtoint(&pid, strstrip(buf));

	(void)cft;
	/* cgroup_procs_write_start: any parse failure or a negative pid */
	if (err || pid < 0)
		return machine_error(m, -EINVAL, "cgroup.procs takes a pid, not \"%s\"", buf);
	t = task_lookup(m, pid);
	if (!t)
		return machine_error(m, -ESRCH, "no process with pid %d", pid);
	return cgroup_attach_task(m, cg, t);
}

/*
 * The controllers 6.12's cgroup.stat counts: those bound to cgroup v2 on
 * Debian's kernel and not inhibited there, in the kernel's order (the
 * guest's cgroup.stat). The model has the memory controller, and
 * perf_event, implicit on every cgroup; the others are never enabled in
 * the model: no css below the root.
 */
static const char *const v2_controllers[] = {
	"cpuset", "cpu", "io", "memory", "perf_event", "hugetlb", "pids", "rdma", "misc",
};

/* css->nr_descendants + 1 of cg's memory css, and its dying descendants */
static void memory_css_counts(const struct cgroup *cg, long *live, long *dying)
{
	struct mem_cgroup *pos = NULL;

	*live = *dying = 0;
	if (!cg->memcg)
		return;
	while ((pos = memcg_iter_next(cg->memcg, pos))) {
		if (mem_cgroup_online(pos))
			++*live;
		else if (pos != cg->memcg && pos->state == MEMCG_OFFLINE)
			++*dying;
	}
}

/*
 * 6.12 adds, after nr_descendants, each controller's live csses in the
 * subtree (nr_subsys_), and after nr_dying_descendants its dying ones
 * (cgroup_stat_show). A removed cgroup's perf_event css has nothing to
 * wait for: the model releases it at rmdir.
 */
static void stat_subsys(struct strbuf *out, const struct cgroup *cg, bool dying)
{
	long mem_live, mem_dying;
	size_t i;

	memory_css_counts(cg, &mem_live, &mem_dying);
	for (i = 0; i < ARRAY_SIZE(v2_controllers); i++) {
		const char *c = v2_controllers[i];
		long n;

		if (dying)
			n = !strcmp(c, "memory") ? mem_dying : 0;
		else if (!strcmp(c, "memory"))
			n = mem_live;
		else if (!strcmp(c, "perf_event"))
			n = cg->nr_descendants + 1;
		else
			n = !cg->parent;
		sb_printf(out, "nr_%ssubsys_%s %ld\n", dying ? "dying_" : "", c, n);
	}
}

static int stat_show(struct machine *m, struct cgroup *cg,
		     const struct cftype *cft, struct strbuf *out)
{
	bool subsys = m->kernel->cgroup_stat_subsys;

	(void)cft;
	sb_printf(out, "nr_descendants %ld\n", cg->nr_descendants);
	if (subsys)
		stat_subsys(out, cg, false);
	sb_printf(out, "nr_dying_descendants %ld\n", cg->nr_dying_descendants);
	if (subsys)
		stat_subsys(out, cg, true);
	return 0;
}

static bool populated(const struct cgroup *cg)
{
	const struct cgroup *c;

	if (!list_empty(&cg->tasks))
		return true;
	for (c = cg->first_child; c; c = c->next_sibling)
		if (populated(c))
			return true;
	return false;
}

static int events_show(struct machine *m, struct cgroup *cg,
		       const struct cftype *cft, struct strbuf *out)
{
	(void)m;
	(void)cft;
	sb_printf(out, "populated %d\nfrozen %d\n", populated(cg), cgroup_frozen(cg));
	return 0;
}

/* psi_show; the averages are not modelled */
static int memory_pressure_show(struct machine *m, struct cgroup *cg,
				const struct cftype *cft, struct strbuf *out)
{
	(void)m;
	(void)cft;
	sb_printf(out, "some avg10=0.00 avg60=0.00 avg300=0.00 total=%llu\n",
		  (unsigned long long)(cg->psi_mem_some_ns / 1000));
	sb_printf(out, "full avg10=0.00 avg60=0.00 avg300=0.00 total=%llu\n",
		  (unsigned long long)(cg->psi_mem_full_ns / 1000));
	return 0;
}

static int freeze_show(struct machine *m, struct cgroup *cg,
		       const struct cftype *cft, struct strbuf *out)
{
	(void)m;
	(void)cft;
	sb_printf(out, "%d\n", cg->freeze);
	return 0;
}

/* cgroup_freeze_write: 0 or 1, else ERANGE; a task of a frozen cgroup runs nothing */
static int freeze_write(struct machine *m, struct cgroup *cg, const struct cftype *cft,
			char *buf)
{
	int v, err = kstrtoint(&v, strstrip(buf));

	(void)cft;
	if (err)
		return machine_error(m, err, "cgroup.freeze takes 0 or 1");
	if (v < 0 || v > 1)
		return machine_error(m, -ERANGE, "cgroup.freeze takes 0 or 1, not %d", v);
	cg->freeze = v;
	return 0;
}

static int type_show(struct machine *m, struct cgroup *cg,
		     const struct cftype *cft, struct strbuf *out)
{
	(void)m;
	(void)cft;
	(void)cg;
	sb_puts(out, "domain\n");
	return 0;
}

static int parse_max_int(long *out, const char *buf)
{
	int v, err;

	if (!strcmp(buf, "max")) {
		*out = INT_MAX;
		return 0;
	}
	err = kstrtoint(&v, buf);
	if (err)
		return err;
	if (v < 0)
		return -ERANGE;
	*out = v;
	return 0;
}

/*
 * cgroup.max.descendants and cgroup.max.depth: a count or "max" (INT_MAX)
 * in the field of struct cgroup at offset cft->private.
 */
static long *cgroup_max_field(struct cgroup *cg, const struct cftype *cft)
{
	return (long *)((char *)cg + cft->private);
}

static int cgroup_max_show(struct machine *m, struct cgroup *cg,
			   const struct cftype *cft, struct strbuf *out)
{
	long v = *cgroup_max_field(cg, cft);

	(void)m;
	if (v == INT_MAX)
		sb_puts(out, "max\n");
	else
		sb_printf(out, "%ld\n", v);
	return 0;
}

static int cgroup_max_write(struct machine *m, struct cgroup *cg,
			    const struct cftype *cft, char *buf)
{
	long v;
	int err = parse_max_int(&v, strstrip(buf));

	if (err)
		return machine_error(m, err, "%s takes \"max\" or a number >= 0", cft->name);
	*cgroup_max_field(cg, cft) = v;
	return 0;
}

static int kill_write(struct machine *m, struct cgroup *cg, const struct cftype *cft, char *buf)
{
	int v, err = kstrtoint(&v, strstrip(buf));

	(void)cft;
	if (err)
		return err;
	if (v != 1)
		return -ERANGE;
	return cgroup_kill(m, cg);
}

static int type_write(struct machine *m, struct cgroup *cg, const struct cftype *cft, char *buf)
{
	(void)cft;
	(void)cg;
	/* cgroup_type_write: only "threaded" is a valid request */
	if (strcmp(strstrip(buf), "threaded"))
		return machine_error(m, -EINVAL, "cgroup.type takes only \"threaded\"");
	return machine_error(m, -EOPNOTSUPP, "threaded cgroups are not modelled");
}

const struct cftype cgroup_base_files[] = {
	{ .name = "cgroup.type", .flags = CFT_READ | CFT_WRITE | CFT_NOT_ON_ROOT,
	  .show = type_show, .write = type_write },
	{ .name = "cgroup.procs", .flags = CFT_READ | CFT_WRITE,
	  .show = procs_show, .write = procs_write },
	{ .name = "cgroup.threads", .flags = CFT_READ, .show = procs_show },
	{ .name = "cgroup.controllers", .flags = CFT_READ, .show = controllers_show },
	{ .name = "cgroup.subtree_control", .flags = CFT_READ | CFT_WRITE,
	  .show = subtree_control_show, .write = subtree_control_write },
	{ .name = "cgroup.events", .flags = CFT_READ | CFT_NOT_ON_ROOT, .show = events_show },
	{ .name = "cgroup.max.descendants", .flags = CFT_READ | CFT_WRITE,
	  .show = cgroup_max_show, .write = cgroup_max_write,
	  .private = offsetof(struct cgroup, max_descendants) },
	{ .name = "cgroup.max.depth", .flags = CFT_READ | CFT_WRITE,
	  .show = cgroup_max_show, .write = cgroup_max_write,
	  .private = offsetof(struct cgroup, max_depth) },
	{ .name = "cgroup.stat", .flags = CFT_READ, .show = stat_show },
	{ .name = "cgroup.kill", .flags = CFT_WRITE | CFT_NOT_ON_ROOT, .write = kill_write },
	{ .name = "cgroup.freeze", .flags = CFT_READ | CFT_WRITE | CFT_NOT_ON_ROOT,
	  .show = freeze_show, .write = freeze_write },
	{ .name = "memory.pressure", .flags = CFT_READ, .show = memory_pressure_show },
	{ .name = NULL },
};


/* The core's tables; the extensions' come from their ext_ops. */
static const struct cftype *const core_tables[] = {
	cgroup_base_files,
	memory_files,
};

const struct cftype *cftype_find(const char *name)
{
	size_t t;
	const struct cftype *cft;

	for (t = 0; t < ARRAY_SIZE(core_tables); t++)
		for (cft = core_tables[t]; cft->name; cft++)
			if (!strcmp(cft->name, name))
				return cft;
	return ext_cftype_find(name);
}

unsigned cftype_mode_on(const struct cftype *cft, int kernel)
{
	unsigned mode = cft->flags & (CFT_READ | CFT_WRITE);

	if (kernel < cft->since)
		return 0;
	if (kernel < cft->write_since)
		mode &= ~(unsigned)CFT_WRITE;
	return mode;
}

void cftype_names(struct strbuf *out, const struct cgroup *cg, int kernel)
{
	size_t t;
	const struct cftype *cft;

	for (t = 0; t < ARRAY_SIZE(core_tables); t++)
		for (cft = core_tables[t]; cft->name; cft++)
			if (!cg || (cftype_exists(cft, cg) && cftype_mode_on(cft, kernel)))
				sb_printf(out, "%s\n", cft->name);
	ext_cftype_names(out, cg);
}

bool cgroup_name_is_file(const char *name, size_t len)
{
	size_t t;
	const struct cftype *cft;

	/* every control file is "controller.file": most cgroup names have no dot */
	if (!memchr(name, '.', len))
		return false;
	for (t = 0; t < ARRAY_SIZE(core_tables); t++)
		for (cft = core_tables[t]; cft->name; cft++)
			if (!strncmp(cft->name, name, len) && cft->name[len] == '\0')
				return true;
	return ext_name_is_file(name, len);
}

bool cftype_exists(const struct cftype *cft, const struct cgroup *cg)
{
	bool root = cg->parent == NULL;

	if (root && (cft->flags & CFT_NOT_ON_ROOT))
		return false;
	if (!root && (cft->flags & CFT_ONLY_ON_ROOT))
		return false;
	if ((cft->flags & CFT_MEMORY) && !cg->memcg)
		return false;
	if (CFT_SS_MASK(cft->flags) &&
	    (root || !(cg->parent->subtree_control & CFT_SS_MASK(cft->flags))))
		return false;
	return true;
}

/* "/a/cgroup.subtree_control" of cg, "/cgroup.subtree_control" of the root. */
static void subtree_control_path(struct strbuf *sb, const struct cgroup *cg)
{
	char buf[4096];

	cgroup_path(cg, buf, sizeof(buf));
	sb_printf(sb, "%s/cgroup.subtree_control", strcmp(buf, "/") ? buf : "");
}

/*
 * Why cg has no file cft, for the ENOENT a person meets first: the file
 * is not on the root (or only there), or its controller is not enabled
 * for cg, which takes "+CONTROLLER" in the subtree_control of each
 * ancestor that lacks it, from the top down (the kernel refuses a
 * controller its parent does not enable).
 */
static void missing_file_hint(struct strbuf *sb, const struct cgroup *cg,
			      const struct cftype *cft)
{
	unsigned need = CFT_SS_MASK(cft->flags) | ((cft->flags & CFT_MEMORY) ? CGRP_CTRL_MEMORY : 0);
	const struct cgroup *c, *top[65];
	struct strbuf ctl, plus, names;
	char path[4096];
	const char *w;
	int n = 0, i;

	if (!cg->parent && (cft->flags & CFT_NOT_ON_ROOT)) {
		sb_printf(sb, " (%s is not on the root cgroup: only on cgroups below it)", cft->name);
		return;
	}
	if (cg->parent && (cft->flags & CFT_ONLY_ON_ROOT)) {
		sb_printf(sb, " (%s is only on the root cgroup)", cft->name);
		return;
	}
	need &= cg->parent ? ~cg->parent->subtree_control : 0;
	if (!need)
		return;
	for (c = cg; c->parent && (need & ~c->parent->subtree_control) && n < 65; c = c->parent)
		top[n++] = c->parent;
	sb_init(&ctl);
	sb_init(&plus);
	cgroup_controllers_format(&ctl, need);
	for (w = ctl.buf; *w; w++) {
		if (w == ctl.buf || w[-1] == ' ')
			sb_puts(&plus, "+");
		sb_add(&plus, w, 1);
	}
	/* "memory pins" is named "memory and pins" */
	if ((w = strrchr(ctl.buf, ' '))) {
		sb_init(&names);
		sb_add(&names, ctl.buf, (size_t)(w - ctl.buf));
		sb_printf(&names, " and %s", w + 1);
		sb_reset(&ctl);
		sb_puts(&ctl, names.buf);
		sb_free(&names);
	}
	cgroup_path(cg, path, sizeof(path));
	sb_printf(sb, " (the %s controller%s not enabled for %s: write %s%s%s to ", ctl.buf,
		  strchr(ctl.buf, ' ') ? "s are" : " is", path, strchr(ctl.buf, ' ') ? "\"" : "",
		  plus.buf, strchr(ctl.buf, ' ') ? "\"" : "");
	for (i = n - 1; i >= 0; i--) {
		if (i != n - 1)
			sb_puts(sb, ", then to ");
		subtree_control_path(sb, top[i]);
	}
	sb_free(&plus);
	sb_puts(sb, ")");
	sb_free(&ctl);
}

const struct cftype *cftype_find_of(const char *name, const char **of)
{
	const struct cftype *cft = cftype_find(name);
	const char *colon = strchr(name, ':');
	char *file;

	*of = NULL;
	if (cft || !colon || !colon[1])
		return cft;
	file = xstrndup(name, (size_t)(colon - name));
	cft = cftype_find(file);
	free(file);
	if (!cft || !(cft->flags & CFT_PER_OPEN))
		return NULL;
	*of = colon + 1;
	return cft;
}

/* A file of a later baseline than the machine's: ENOENT, or EINVAL for a write. */
static int other_kernel_error(struct machine *m, int err, const char *path,
			      const struct cftype *cft, bool write)
{
	const char *since = kernel_baselines[write ? cft->write_since : cft->since].name;

	return machine_error(m, err, "%s: %s on Linux %s (%s from %s on: machine kernel=%s or --policy kernel=%s)",
			     path, write ? "read-only" : "no such file", m->kernel->name,
			     write ? "writable" : "a file", since, since, since);
}

/*
 * Split "/a/b/memory.max" into its cgroup and its file, and
 * "/a/memory.peak:NAME" into the same and the open file NAME (*of).
 */
static int resolve(struct machine *m, const char *path, struct cgroup **cg,
		   const struct cftype **cft, const char **of)
{
	const char *slash = strrchr(path, '/');
	char *dir;

	if (path[0] != '/' || !slash)
		return machine_error(m, -EINVAL, "a control file path starts with '/': %s", path);
	dir = xstrndup(path, (size_t)(slash - path));
	*cg = dir[0] ? cgroup_lookup(m, dir) : m->root_cgroup;
	if (!*cg) {
		machine_error(m, -ENOENT, "no such cgroup: %s", dir[0] ? dir : "/");
		free(dir);
		return -ENOENT;
	}
	free(dir);
	*cft = cftype_find_of(slash + 1, of);
	if (*cft && !cftype_mode_on(*cft, m->kernel->id))
		return other_kernel_error(m, -ENOENT, path, *cft, false);
	if (*cft && !cftype_exists(*cft, *cg)) {
		struct strbuf hint;
		int err;

		sb_init(&hint);
		sb_puts(&hint, "");
		missing_file_hint(&hint, *cg, *cft);
		err = machine_error(m, -ENOENT, "no such file: %s%s", path, hint.buf);
		sb_free(&hint);
		return err;
	}
	if (!*cft)
		return machine_error(m, -ENOENT, "no such file: %s", path);
	return 0;
}

/*
 * A statement opens the file, reads or writes it, and closes it; through
 * CG/FILE:NAME it uses the open file NAME instead, which stays open (the
 * kernfs_open_file whose state memory.peak keeps): m->cur_of names it for
 * the file's show and write.
 */
int cgroup_file_read(struct machine *m, const char *path, struct strbuf *out)
{
	struct cgroup *cg;
	const struct cftype *cft;
	const char *of;
	int err = resolve(m, path, &cg, &cft, &of);

	if (err)
		return err;
	/*
	 * The scenario reads and writes control files as root, whom kernfs
	 * lets open any of them: a file without a show (a write) method
	 * answers EINVAL (cgroup_seqfile_show, cgroup_file_write).
	 */
	if (!(cft->flags & CFT_READ))
		return machine_error(m, -EINVAL, "%s is write-only", path);
	m->cur_of = of;
	if (cft->read_u64)
		sb_printf(out, "%llu\n", (unsigned long long)cft->read_u64(cg, cft));
	else
		err = cft->show(m, cg, cft, out);
	m->cur_of = NULL;
	return err;
}

int cgroup_file_write(struct machine *m, const char *path, const char *value)
{
	struct cgroup *cg;
	const struct cftype *cft;
	const char *of;
	char *buf;
	int err = resolve(m, path, &cg, &cft, &of);

	if (err)
		return err;
	if (!(cft->flags & CFT_WRITE))
		return machine_error(m, -EINVAL, "%s is read-only", path);
	if (!(cftype_mode_on(cft, m->kernel->id) & CFT_WRITE))
		return other_kernel_error(m, -EINVAL, path, cft, true);
	buf = xstrdup(value);
	m->cur_of = of;
	err = cft->write(m, cg, cft, buf);
	m->cur_of = NULL;
	free(buf);
	return err;
}
