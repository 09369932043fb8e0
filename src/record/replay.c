// SPDX-License-Identifier: GPL-2.0-only
/*
 * One interval of a recording, in the order that keeps the model's peak
 * where the host's was: the time since the previous sample (`sleep`), the
 * cgroups that appeared, the processes that exited, started or moved, the
 * pages that went away, the limits, the pages that came, the cgroups
 * removed, and the expects for what the kernel charged at this sample.
 * Also the header (where the recording comes from and how pages are
 * attributed) and the closing comment.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../base/base.h"
#include "record.h"

void rec_emit(struct recorder *r, const char *fmt, ...)
{
	va_list ap;

	if (fmt[0] != '#' && fmt[0] != '\n')
		r->st.statements++;
	va_start(ap, fmt);
	vfprintf(r->out, fmt, ap);
	va_end(ap);
}

void rec_header(struct recorder *r, const struct rec_header *h)
{
	char iv[32];
	uint64_t ms = h->interval_ns / 1000000;

	if (ms && ms % 1000 == 0)
		snprintf(iv, sizeof(iv), "%llus", (unsigned long long)(ms / 1000));
	else
		snprintf(iv, sizeof(iv), "%llums", (unsigned long long)ms);
	rec_emit(r, "# smemcg recording of %s\n", h->sources);
	rec_emit(r, "# recorded from %s on Linux %s (%s), a sample every %s, by\n#   %s\n",
		 h->host.date, h->host.release, h->host.machine, iv, h->command);
	snap_header_hierarchy(&r->mnt, r->out);
	if (r->owners)
		rec_emit(r, "# page owners: /proc/kpagecgroup. A page first seen in an interval is brought\n"
			    "#   in by a process of the memcg the kernel charged it to: the order in which\n"
			    "#   the kernel charged the pages of one interval does not show, their owner\n"
			    "#   does. A page whose owner cannot be named goes by process start order.\n");
	else
		rec_emit(r, "# page owners: NOT READ (--no-owners). A page first seen in an interval goes\n"
			    "#   by process start order: to the cgroup of the first started process that\n"
			    "#   maps it. The expects check that assumption, not the kernel.\n");
	snap_header_flags(h->flags, r->out);
	rec_emit(r, "# Each sample: what changed since the previous one, the host's own memory.stat\n"
		    "# as a comment, and expects: the model's memory.stat (hierarchical) against the\n"
		    "# bytes the kernel charged for the pages recorded, within %d%%. Not recorded:\n"
		    "# kernel memory, page cache no recorded process ever mapped, hugetlb, and where\n"
		    "# swapped-out pages are charged (docs/record.md).\n\n",
		 REC_TOLERANCE_PCT);
	snap_machine_line(&h->host, r->out);
	r->st.statements++;
	rec_emit(r, "write /cgroup.subtree_control +memory\n");
	rec_emit(r, "spawn rec_root /   # mounts the tmpfs for shared memory; brings in pages of the root memcg\n");
	r->cgs[r->root].inner = true;
}

/* Keep r->procs in start order: a process may join later than younger ones. */
static struct rec_proc *proc_add(struct recorder *r, const struct rec_sproc *sp, int sidx)
{
	struct rec_proc *p;
	struct strbuf name;
	int64_t uses = 0;
	size_t at;

	for (at = r->nproc; at > 0; at--) {
		const struct rec_proc *q = &r->procs[at - 1];

		if (q->start < sp->start || (q->start == sp->start && q->pid < sp->pid))
			break;
	}
	REC_GROW(r->procs, r->nproc, r->proc_cap);
	memmove(&r->procs[at + 1], &r->procs[at], (r->nproc - at) * sizeof(*r->procs));
	r->nproc++;
	p = &r->procs[at];
	memset(p, 0, sizeof(*p));
	p->pid = sp->pid;
	p->start = sp->start;
	p->cg = sp->cg;
	p->sidx = sidx;
	snprintf(p->comm, sizeof(p->comm), "%s", sp->comm);
	sb_init(&name);
	sb_printf(&name, "p%d", sp->pid);
	strmap_get(&r->names, name.buf, &uses);
	strmap_set(&r->names, name.buf, uses + 1);
	if (uses)
		sb_printf(&name, "_%lld", (long long)uses + 1);
	snprintf(p->name, sizeof(p->name), "%s", name.buf);
	sb_free(&name);
	return p;
}

static void exit_proc(struct recorder *r, size_t i)
{
	struct rec_proc *p = &r->procs[i];
	size_t j;

	rec_emit(r, "exit %s\n", p->name);
	for (j = 0; j < p->nheld; j++) {
		r->cgs[p->held[j].owner].bytes[SNAP_PAGE_ANON] -= SNAP_PAGE_SIZE;
		r->pages_now--;
		r->st.gone_pages++;
	}
	free(p->segs);
	free(p->held);
	free(p->mapped);
	memmove(&r->procs[i], &r->procs[i + 1], (r->nproc - i - 1) * sizeof(*r->procs));
	r->nproc--;
}

static void processes(struct recorder *r, struct rec_sample *s)
{
	size_t i, k;

	for (i = 0; i < r->nproc; i++)
		r->procs[i].sidx = -1;
	for (k = 0; k < s->nproc; k++) {
		struct rec_proc *p = rec_proc_find(r, s->procs[k].pid, s->procs[k].start);

		if (p)
			p->sidx = (int)k;
	}
	for (i = r->nproc; i-- > 0;)
		if (r->procs[i].sidx < 0)
			exit_proc(r, i);
	for (k = 0; k < s->nproc; k++) {
		const struct rec_sproc *sp = &s->procs[k];
		struct rec_proc *p = rec_proc_find(r, sp->pid, sp->start);

		if (!p) {
			const char *tasks = rec_tree_tasks(r, sp->cg);

			p = proc_add(r, sp, (int)k);
			rec_emit(r, "spawn %s %s   # pid %d (%s), host cgroup %s\n", p->name, tasks,
				 sp->pid, sp->comm, r->cgs[sp->cg].path);
		} else if (p->cg != sp->cg) {
			const char *tasks = rec_tree_tasks(r, sp->cg);

			p = rec_proc_find(r, sp->pid, sp->start);
			p->cg = sp->cg;
			rec_emit(r, "move %s %s   # host cgroup %s\n", p->name, tasks,
				 r->cgs[sp->cg].path);
		}
	}
}

/* Every cgroup of the sample in the model first: limits apply from the start. */
static void make_cgroups(struct recorder *r, const struct rec_sample *s)
{
	size_t i, j;
	int last = -1;

	for (i = 0; i < r->ncg; i++)
		if (r->cgs[i].traced && r->cgs[i].seen && !r->cgs[i].removed)
			rec_tree_make(r, (int)i);
	for (i = 0; i < s->nproc; i++) {
		const struct rec_sproc *sp = &s->procs[i];

		rec_tree_make(r, sp->cg);
		for (j = 0; j < sp->npage; j++)
			if (sp->pages[j].owner >= 0 && sp->pages[j].owner != last) {
				last = sp->pages[j].owner;
				rec_tree_make(r, last);
			}
	}
}

void rec_sample(struct recorder *r, struct rec_sample *s)
{
	uint64_t pages = 0, s_t_ns = s->t_ns, unknown, statements;
	size_t i;

	if (r->any_sample) {
		uint64_t ms = (s->t_ns - r->last_t_ns + 500000) / 1000000;

		if (ms)
			rec_emit(r, "sleep %llums\n", (unsigned long long)ms);
	}
	for (i = 0; i < s->nproc; i++)
		pages += s->procs[i].npage;
	rec_emit(r, "\n# ---- sample %llu at %llu.%03llu s: %zu processes, %llu pages present ----\n",
		 (unsigned long long)r->st.samples, (unsigned long long)(s->t_ns / 1000000000),
		 (unsigned long long)(s->t_ns / 1000000 % 1000), s->nproc, (unsigned long long)pages);
	r->cur = s;
	unknown = r->st.unknown_owner;
	statements = r->st.statements;
	make_cgroups(r, s);
	processes(r, s);
	rec_pages_sync(r);
	if (r->owners && r->st.unknown_owner > unknown)
		rec_emit(r, "# %llu pages of a memcg that could not be named (gone meanwhile): by process start order\n",
			 (unsigned long long)(r->st.unknown_owner - unknown));
	/* a cgroup seen has its ancestors (a parent's index is below its children's) */
	for (i = r->ncg; i-- > 1;)
		if (r->cgs[i].seen && !r->cgs[i].removed && r->cgs[i].parent >= 0)
			r->cgs[r->cgs[i].parent].seen = true;
	for (i = r->ncg; i-- > 0;)
		if (r->cgs[i].in_model && !r->cgs[i].removed && !r->cgs[i].seen)
			rec_tree_remove(r, (int)i);
	rec_tree_expects(r, r->st.statements != statements);
	/* the next diff needs what the model holds, not this sample */
	r->st.last_procs = s->nproc;
	r->st.last_pages = pages;
	rec_sample_free(s);
	free(s);
	r->cur = NULL;
	r->last_t_ns = s_t_ns;
	r->any_sample = true;
	r->st.samples++;
}

void rec_trailer(struct recorder *r, const char *why)
{
	if (r->expects_pending) {
		/* the last sample's charges, checked at the end of the replay */
		rec_emit(r, "# the charges at the end (sample %llu)\n",
			 (unsigned long long)r->st.samples - 1);
		rec_tree_expects(r, true);
	}
	rec_emit(r, "\n# ---- end of the recording: %s; %llu samples over %llu.%03llu s ----\n", why,
		 (unsigned long long)r->st.samples, (unsigned long long)(r->last_t_ns / 1000000000),
		 (unsigned long long)(r->last_t_ns / 1000000 % 1000));
	rec_emit(r, "# pages: %llu brought in, %llu gone, %llu swapped out (dropped: the model is not\n"
		    "#   told which memcg a swap entry is charged to), %llu charged elsewhere than\n"
		    "#   before (brought in again), %llu of an owner that could not be named (by\n"
		    "#   process start order); %llu held at the end, %llu at most\n",
		 (unsigned long long)r->st.new_pages, (unsigned long long)r->st.gone_pages,
		 (unsigned long long)r->st.swapped_out, (unsigned long long)r->st.reowned,
		 (unsigned long long)r->st.unknown_owner, (unsigned long long)r->pages_now,
		 (unsigned long long)r->st.peak_pages);
}
