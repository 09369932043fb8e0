// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit test of `smemcg record`'s replay (src/record/) on synthetic
 * samples, on any machine: the samples a recording could read, built by
 * hand, go through the same code as live ones, and the scenario written
 * must say what changed (checked here) and replay every charge (checked
 * by tests/record/run-record.sh, which runs it on the model).
 *
 * The story, one sample per step, in cgroups /pod/a, /pod/b, /pod/c, /x:
 *  0  p100 in /pod/a: 50 anonymous pages, and a shared disk file F whose
 *     pages 0-29 /pod/b brought in; p101 in /pod/b, forked from p100 (10
 *     of its anonymous pages are p100's, copy-on-write), maps F 0-29 (0-9
 *     dirty) and a tmpfs file S /pod/a owns; /pod/a has memory.max 100M;
 *     p104 in /x
 *  1  p100 drops anonymous pages 20-29 and gets 50-59; p101 exits: p100
 *     takes over the 10 shared pages, F 20-24 stay cached, 25-29 left
 *  2  /pod/b is removed (F 0-19 stay charged to it, reported as /pod);
 *     /pod/c appears with p102; p103 runs in /pod; /x/y appears (p104
 *     moves to /x's leaf); /pod/a's memory.max goes back to max
 *  3  p100 moves to /pod/c and maps S, still owned by /pod/a (nobody
 *     runs there: a placeholder); an anonymous page of p102 is now owned
 *     by /pod/a (v1's move_charge_at_immigrate) and one by /x/y
 *  4  p100 unmaps F, which is gone from the host: unlinked
 *  5  p102 swaps out 5 pages; S is shown with no owner (--no-owners is
 *     another run: here an unknown memcg)
 *
 * usage: test_record OUT.smc
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/base/base.h"
#include "../../src/record/record.h"
#include "../unit/tap.h"

static struct recorder R;
static struct rec_sample *S;
static int file_f, file_s;
static bool f_gone;
static uint64_t f_resident_from = 0, f_resident_to = 0;	/* [from, to) resident */

static int fake_resident(void *arg, const struct rec_file *f, uint64_t first, uint64_t n,
			 unsigned char *vec)
{
	uint64_t i;

	(void)arg;
	if (f == &R.files[file_f] && f_gone)
		return -ENOENT;
	for (i = 0; i < n; i++)
		vec[i] = f != &R.files[file_f] ||
			 (first + i >= f_resident_from && first + i < f_resident_to);
	return 0;
}

static int cg(const char *path)
{
	int c = rec_cgroup_get(&R, path);

	R.cgs[c].seen = true;
	return c;
}

/* A new sample at t seconds in which exactly the cgroups listed exist. */
static void sample(unsigned t, const char *const *cgroups)
{
	size_t i;

	S = xcalloc(1, sizeof(*S));
	S->t_ns = t * 1000000000ULL / 2;
	for (i = 0; i < R.ncg; i++)
		R.cgs[i].seen = (int)i == R.root;
	for (i = 0; cgroups[i]; i++)
		cg(cgroups[i]);
}

static struct rec_sproc *proc(int pid, uint64_t start, const char *cgroup)
{
	struct rec_sproc *p;

	S->procs = xrealloc(S->procs, (S->nproc + 1) * sizeof(*S->procs));
	p = &S->procs[S->nproc++];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->start = start;
	snprintf(p->comm, sizeof(p->comm), "proc%d", pid);
	p->cg = cg(cgroup);
	return p;
}

static uint32_t vma(struct rec_sproc *p, uint64_t start, uint64_t end, int file, uint64_t pgoff)
{
	struct rec_svma *v;

	REC_GROW(p->vmas, p->nvma, p->vma_cap);
	v = &p->vmas[p->nvma];
	memset(v, 0, sizeof(*v));
	v->start = start;
	v->end = end;
	v->file = file;
	v->pgoff = pgoff;
	v->shared = file >= 0;
	v->kind = file < 0 ? SNAP_VMA_ANON : R.files[file].shmem ? SNAP_VMA_SHMEM : SNAP_VMA_FILE;
	memcpy(v->perms, file >= 0 ? "rw-s" : "rw-p", 5);
	return (uint32_t)p->nvma++;
}

/* n pages from vpn (pfn 0: unknown frames), owned by cgroup owner ("": unknown). */
static void pages(struct rec_sproc *p, uint32_t v, uint64_t vpn, uint64_t n, uint64_t pfn,
		  const char *owner, int cls, bool dirty)
{
	uint64_t i;

	for (i = 0; i < n; i++) {
		struct rec_spage *pg;

		REC_GROW(p->pages, p->npage, p->page_cap);
		pg = &p->pages[p->npage++];
		pg->vpn = vpn + i;
		pg->pfn = pfn ? pfn + i : 0;
		pg->owner = *owner ? cg(owner) : -1;
		pg->vma = v;
		pg->cls = (uint8_t)cls;
		pg->dirty = dirty;
	}
}

static void swapped(struct rec_sproc *p, uint64_t vpn, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++) {
		REC_GROW(p->swapped, p->nswap, p->swap_cap);
		p->swapped[p->nswap++] = vpn + i;
	}
}

static void limit(const char *cgroup, int k, const char *v)
{
	struct rec_cgroup *c = &R.cgs[cg(cgroup)];

	free(c->host_limit[k]);
	c->host_limit[k] = xstrdup(v);
}

static bool has_line(const char *text, const char *line)
{
	const char *p = text;
	size_t n = strlen(line);

	while ((p = strstr(p, line))) {
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == ' '))
			return true;
		p += n;
	}
	return false;
}

/* The text between "sample N at" and the next sample. */
static char *section(const char *text, int n)
{
	char key[64];
	const char *a, *b;

	snprintf(key, sizeof(key), "# ---- sample %d at", n);
	a = strstr(text, key);
	if (!a)
		return xstrdup("");
	b = strstr(a + 1, "# ---- ");
	return xstrndup(a, b ? (size_t)(b - a) : strlen(a));
}

int main(int argc, char **argv)
{
	static const char *const all0[] = { "/pod/a", "/pod/b", "/x", NULL };
	static const char *const all2[] = { "/pod/a", "/pod/c", "/x/y", NULL };
	struct snap_memcg_mount mnt;
	struct rec_header h;
	struct rec_sproc *p;
	uint32_t v, vf, vs;
	FILE *out;
	char *text, *s;
	size_t len;
	int step;

	if (argc != 2) {
		fprintf(stderr, "usage: test_record OUT.smc\n");
		return 2;
	}
	out = fopen(argv[1], "w+");
	if (!out) {
		perror(argv[1]);
		return 1;
	}
	memset(&mnt, 0, sizeof(mnt));
	memset(&h, 0, sizeof(h));
	rec_init(&R, out, &mnt, true, 1ULL << 30);
	R.resident = fake_resident;
	h.sources = "synthetic samples (tests/record/test_record.c)";
	h.command = "test_record";
	h.host.mem_total = 1ULL << 30;
	h.host.cpus = 2;
	snprintf(h.host.release, sizeof(h.host.release), "synthetic");
	h.flags = true;
	h.interval_ns = 500000000ULL;
	rec_header(&R, &h);
	file_f = rec_file_get(&R, 8, 1, 1001, "/data/f");
	file_s = rec_file_get(&R, 0, 30, 2002, "/dev/shm/s");
	R.files[file_s].shmem = true;

	for (step = 0; step <= 5; step++) {
		sample((unsigned)step, step < 2 ? all0 : all2);
		limit("/pod/a", REC_MAX, step < 2 ? "104857600" : "max");
		/* p100 */
		p = proc(100, 1, step < 3 ? "/pod/a" : "/pod/c");
		v = vma(p, 1000, 1100, -1, 0);
		if (step == 0) {
			pages(p, v, 1000, 50, 5000, "/pod/a", SNAP_PAGE_ANON, true);
		} else {
			pages(p, v, 1000, 20, 5000, "/pod/a", SNAP_PAGE_ANON, true);
			pages(p, v, 1030, 30, 5030, "/pod/a", SNAP_PAGE_ANON, true);
		}
		if (step < 4) {
			vf = vma(p, 2000, 2100, file_f, 0);
			pages(p, vf, 2000, 20, 0, step < 2 ? "/pod/b" : "/pod", SNAP_PAGE_FILE, false);
		}
		if (step >= 3) {
			vs = vma(p, 4000, 4010, file_s, 0);
			pages(p, vs, 4000, 10, 0, step == 5 ? "" : "/pod/a", SNAP_PAGE_SHMEM, true);
		}
		/* p101: forked from p100, in /pod/b until it exits */
		if (step == 0) {
			p = proc(101, 2, "/pod/b");
			v = vma(p, 1000, 1100, -1, 0);
			pages(p, v, 1000, 10, 5000, "/pod/a", SNAP_PAGE_ANON, false);
			vf = vma(p, 3000, 3100, file_f, 0);
			pages(p, vf, 3000, 10, 0, "/pod/b", SNAP_PAGE_FILE, true);
			pages(p, vf, 3010, 20, 0, "/pod/b", SNAP_PAGE_FILE, false);
			vs = vma(p, 4000, 4010, file_s, 0);
			pages(p, vs, 4000, 10, 0, "/pod/a", SNAP_PAGE_SHMEM, true);
		}
		if (step >= 2) {
			p = proc(102, 5, "/pod/c");
			v = vma(p, 7000, 7040, -1, 0);
			if (step == 2) {
				pages(p, v, 7000, 40, 9000, "/pod/c", SNAP_PAGE_ANON, true);
			} else {
				pages(p, v, 7000, 1, 9000, "/pod/a", SNAP_PAGE_ANON, true);
				pages(p, v, 7001, 1, 9001, "/x/y", SNAP_PAGE_ANON, true);
				pages(p, v, 7002, step == 5 ? 33 : 38, 9002, "/pod/c", SNAP_PAGE_ANON, true);
				if (step == 5)
					swapped(p, 7035, 5);
			}
			p = proc(103, 6, "/pod");
			v = vma(p, 100, 104, -1, 0);
			pages(p, v, 100, 4, 12000, "/pod", SNAP_PAGE_ANON, true);
		}
		p = proc(104, 3, "/x");
		v = vma(p, 500, 502, -1, 0);
		pages(p, v, 500, 2, 13000, "/x", SNAP_PAGE_ANON, true);
		/* F: 20-24 stay cached once p101 is gone, 25-29 leave; gone at 4 */
		f_resident_from = 20;
		f_resident_to = 25;
		f_gone = step >= 4;
		rec_sample(&R, S);
	}
	rec_trailer(&R, "the synthetic story is over");
	fflush(out);
	len = (size_t)ftell(out);
	text = xcalloc(len + 1, 1);
	rewind(out);
	if (fread(text, 1, len, out) != len) {
		printf("Bail out! cannot read back %s\n", argv[1]);
		return 1;
	}

	s = section(text, 0);
	ok(has_line(s, "mkdir /pod/a") && has_line(s, "mkdir /pod/b"), "sample 0 makes the cgroups");
	ok(has_line(s, "write /pod/a/memory.max 104857600"), "sample 0 writes /pod/a's limit");
	ok(has_line(s, "spawn p100 /pod/a") && has_line(s, "spawn p101 /pod/b"),
	   "sample 0 spawns the processes in their cgroups");
	ok(has_line(s, "p101 write /data/f 0 40K") && has_line(s, "p101 read /data/f 40K 80K"),
	   "/pod/b brings in F: dirty pages written, clean ones read");
	ok(has_line(s, "p100 touch m0 0 200K"), "p100 touches its 50 anonymous pages (10 shared with p101)");
	ok(!strstr(s, "p101 mmap m0 anon") && !strstr(s, "p101 mmap m1 anon"),
	   "p101 does not touch the pages it shares copy-on-write");
	ok(has_line(s, "p100 write /record-shm/s-2002 0 40K"), "S, owned by /pod/a, is brought in there");
	free(s);

	s = section(text, 1);
	ok(has_line(s, "exit p101"), "sample 1: p101 exits");
	ok(has_line(s, "p100 munmap m0") && strstr(s, "again, without the pages it lost"),
	   "p100's mapping that lost pages 20-29 is replaced");
	ok(has_line(s, "rec_root truncate /data/f 100K") && has_line(s, "rec_root truncate /data/f 400K"),
	   "F pages 25-29 left the page cache: truncated from 25, back to its size");
	ok(!strstr(s, "read /data/f 80K"), "F 20-24, still cached, stay as they are");
	ok(!has_line(s, "write /pod/a/memory.max 104857600"), "an unchanged limit is not written again");
	free(s);

	s = section(text, 2);
	ok(strstr(s, "rmdir /pod/b   # its pages stay charged to it: a dying memcg") != NULL,
	   "sample 2: /pod/b is removed, its pages stay (dying)");
	ok(!strstr(s, "/data/f 0 "), "F 0-19, now reported as /pod's, are not brought in again");
	ok(has_line(s, "mkdir /pod/c") && has_line(s, "spawn p102 /pod/c"), "/pod/c and p102 appear");
	ok(has_line(s, "mkdir /pod/record-tasks") && has_line(s, "spawn p103 /pod/record-tasks"),
	   "a process of /pod, which has children, runs in its leaf");
	ok(has_line(s, "write /pod/a/memory.max max"), "/pod/a's limit goes back to max");
	free(s);

	s = section(text, 3);
	ok(has_line(s, "move p100 /pod/c"), "sample 3: p100 moves to /pod/c");
	ok(has_line(s, "mkdir /x/record-tasks") && has_line(s, "move p104 /x/record-tasks") &&
	   has_line(s, "write /x/cgroup.subtree_control +memory") && has_line(s, "mkdir /x/y"),
	   "/x gets a child, /x/y, owner of a page: p104 moves to /x's leaf first");
	ok(has_line(s, "p100 mmap m7 file /record-shm/s-2002 40K shared offset=0") ||
	   strstr(s, "file /record-shm/s-2002 40K shared"), "p100 maps S");
	ok(strstr(s, "move p102 /pod/a") != NULL && strstr(s, "move p102 /x/y") != NULL,
	   "p102's pages now owned by /pod/a and /x/y are touched there");
	free(s);

	s = section(text, 4);
	ok(has_line(s, "rec_root unlink /data/f"), "sample 4: F, gone from the host, is unlinked");
	free(s);

	s = section(text, 5);
	ok(!strstr(s, "record-shm/s-2002 0"), "sample 5: S with an unknown owner is kept as it was");
	ok(has_line(s, "p102 munmap m1"), "p102's swapped-out pages are dropped");
	free(s);
	ok(strstr(text, "5 swapped out") != NULL, "the trailer counts the swapped-out pages");
	ok(R.st.unknown_owner == 10, "10 pages of unknown owner");

	free(text);
	rec_free(&R);
	fclose(out);
	return done_testing();
}
