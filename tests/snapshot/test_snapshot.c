// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the pure parts of `smemcg snapshot` on fixture files
 * (tests/snapshot/fixtures): /proc/PID/maps lines, smaps Rss, pagemap
 * entries, /proc/PID/cgroup, mountinfo, meminfo, runs of pages, sizes;
 * and a synthetic snapshot (processes, shared pages, owners elsewhere, a
 * dying memcg, pages of no memcg) written as a scenario that the test
 * script then runs on the model.
 *
 * usage: test_snapshot FIXTURE_DIR [OUT.smc]
 */
#include <stdlib.h>
#include <string.h>

#include "../../src/base/base.h"
#include "../../src/snapshot/snapshot.h"
#include "../unit/tap.h"

static const char *fixdir;

static char *fixture(const char *name)
{
	char path[4096];
	char *t;

	snprintf(path, sizeof(path), "%s/%s", fixdir, name);
	t = snap_read_text(path);
	if (!t) {
		printf("Bail out! cannot read fixture %s\n", path);
		exit(1);
	}
	return t;
}

/* The n-th line (0-based) of text, in a static buffer. */
static const char *line_of(const char *text, int n)
{
	static char buf[4096];
	const char *p = text;
	size_t len;

	while (n-- > 0 && p) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p)
		return "";
	len = strcspn(p, "\n");
	snprintf(buf, sizeof(buf), "%.*s", (int)len, p);
	return buf;
}

static void test_maps(void)
{
	char *t = fixture("maps.txt"), *bad = fixture("maps_bad.txt");
	struct snap_maps_line l;
	int i;

	ok(!snap_parse_maps_line(line_of(t, 0), &l), "maps: a file mapping parses");
	is(l.start, 0x55e5770e2000ULL, "maps: start");
	is(l.end, 0x55e5770e3000ULL, "maps: end");
	is_str(l.perms, "r--p", "maps: permissions");
	is(l.major, 0xfd, "maps: major");
	is(l.minor, 0, "maps: minor");
	is(l.inode, 1234567, "maps: inode (decimal)");
	is_str(l.path, "/usr/bin/snap helper with blanks", "maps: a path keeps its blanks");
	snap_maps_line_free(&l);
	ok(!snap_parse_maps_line(line_of(t, 1), &l), "maps: [heap] parses");
	is_str(l.path, "[heap]", "maps: [heap]");
	snap_maps_line_free(&l);
	ok(!snap_parse_maps_line(line_of(t, 2), &l), "maps: a memfd parses");
	is_str(l.perms, "rw-s", "maps: shared mapping");
	is(l.minor, 1, "maps: memfd device 00:01");
	is_str(l.path, "/memfd:snap-memfd (deleted)", "maps: the (deleted) suffix stays");
	snap_maps_line_free(&l);
	ok(!snap_parse_maps_line(line_of(t, 3), &l), "maps: offset line parses");
	is(l.offset, 0x200000, "maps: offset (hex)");
	snap_maps_line_free(&l);
	ok(!snap_parse_maps_line(line_of(t, 4), &l), "maps: anonymous line with a trailing blank");
	is_str(l.path, "", "maps: no path");
	snap_maps_line_free(&l);
	ok(!snap_parse_maps_line(line_of(t, 6), &l), "maps: [vsyscall] above 2^63 parses");
	is(l.start, 0xffffffffff600000ULL, "maps: [vsyscall] start");
	snap_maps_line_free(&l);
	for (i = 0; i < 7; i++) {
		int r = snap_parse_maps_line(line_of(bad, i), &l);

		ok(r == -1, "maps: rejects \"%s\"", line_of(bad, i));
		if (!r)
			snap_maps_line_free(&l);
	}
	free(t);
	free(bad);
}

static uint64_t rss_seen[8];
static uint64_t rss_start[8];
static int nrss;

static void rss_cb(uint64_t start, uint64_t rss, void *arg)
{
	(void)arg;
	if (nrss < 8) {
		rss_start[nrss] = start;
		rss_seen[nrss++] = rss;
	}
}

static void test_smaps(void)
{
	char *t = fixture("smaps.txt");

	ok(!snap_smaps_rss(t, rss_cb, NULL), "smaps: parses");
	is(nrss, 3, "smaps: three mappings");
	is(rss_start[0], 0x55e5770e2000ULL, "smaps: first mapping's start");
	is(rss_seen[0], 4096, "smaps: Rss 4 kB");
	is(rss_seen[1], 4ULL << 20, "smaps: Rss 4096 kB");
	is(rss_seen[2], 0, "smaps: Rss 0");
	ok(snap_smaps_rss("Rss: 4 kB\n", rss_cb, NULL) == -1, "smaps: Rss before any mapping is an error");
	free(t);
}

static void test_pagemap(void)
{
	char *t = fixture("pagemap.txt"), *p = t;
	int rows = 0, good = 0;

	while (p && *p) {
		char *eol = strchr(p, '\n');
		unsigned long long e, pfn, so;
		int pr, sw, fs, ex, sd;
		unsigned st;

		if (eol)
			*eol = '\0';
		if (*p != '#' && sscanf(p, "%llx %d %d %d %d %d %lli %u %lli", &e, &pr, &sw, &fs,
					&ex, &sd, &pfn, &st, &so) == 9) {
			struct snap_pme m;
			bool same;

			snap_pagemap_decode(e, &m);
			same = m.present == pr && m.swapped == sw && m.file_or_shared == fs &&
			       m.exclusive == ex && m.soft_dirty == sd && m.pfn == pfn &&
			       m.swap_type == st && m.swap_offset == so;
			ok(same, "pagemap: %016llx decodes as the fixture says", e);
			if (!same)
				printf("#   got present %d swapped %d file %d excl %d sd %d pfn %#llx type %u off %#llx\n",
				       m.present, m.swapped, m.file_or_shared, m.exclusive, m.soft_dirty,
				       (unsigned long long)m.pfn, m.swap_type,
				       (unsigned long long)m.swap_offset);
			rows++;
			good += same;
		}
		p = eol ? eol + 1 : NULL;
	}
	is(rows, 7, "pagemap: every fixture row read");
	free(t);
}

static void test_cgroup(void)
{
	char *v1 = fixture("cgroup_v1.txt"), *v2 = fixture("cgroup_v2.txt");
	char *comb = fixture("cgroup_v1_combined.txt");
	char *mi1 = fixture("mountinfo_v1.txt"), *mi2 = fixture("mountinfo_v2.txt");
	char *mi0 = fixture("mountinfo_none.txt"), *mem = fixture("meminfo.txt");
	char out[256];
	struct snap_memcg_mount m;
	uint64_t mt, st;

	ok(!snap_proc_cgroup_path(v1, true, out, sizeof(out)), "cgroup: v1 memory line found");
	is_str(out, "/process_api/93e2a951e15e148033b7e9a2d934c507", "cgroup: v1 memory path");
	ok(!snap_proc_cgroup_path(v1, false, out, sizeof(out)), "cgroup: v2 line of a hybrid host");
	is_str(out, "/", "cgroup: v2 path /");
	ok(!snap_proc_cgroup_path(v2, false, out, sizeof(out)), "cgroup: v2 line found");
	is_str(out, "/user.slice/user-1000.slice/session-2.scope", "cgroup: v2 path");
	ok(snap_proc_cgroup_path(v2, true, out, sizeof(out)) == -1, "cgroup: no v1 memory line in a v2-only file");
	ok(!snap_proc_cgroup_path(comb, true, out, sizeof(out)), "cgroup: memory among co-mounted controllers");
	is_str(out, "/docker/abc", "cgroup: co-mounted path");
	ok(snap_proc_cgroup_path(v2, false, out, 8) == -1, "cgroup: a path longer than the buffer is refused");

	snap_find_memcg_mount(mi1, &m);
	ok(m.found && m.v1, "mountinfo: the v1 memory hierarchy wins over cgroup2");
	is_str(m.dir, "/sys/fs/cgroup/memory", "mountinfo: v1 mount point");
	snap_find_memcg_mount(mi2, &m);
	ok(m.found && !m.v1, "mountinfo: cgroup2");
	is_str(m.dir, "/sys/fs/cgroup", "mountinfo: /sys/fs/cgroup preferred");
	is_str(m.root, "/", "mountinfo: mount root");
	snap_find_memcg_mount(mi0, &m);
	ok(!m.found, "mountinfo: no memory hierarchy");
	snap_find_memcg_mount("88 22 0:26 /sub /mnt/cg\\040two rw - cgroup2 cgroup2 rw\n", &m);
	is_str(m.dir, "/mnt/cg two", "mountinfo: octal escapes decoded");
	is_str(m.root, "/sub", "mountinfo: a bind mount's root");

	ok(!snap_meminfo(mem, &mt, &st), "meminfo: parses");
	is(mt, 24684084ULL * 1024, "meminfo: MemTotal in bytes");
	is(st, 2097148ULL * 1024, "meminfo: SwapTotal in bytes");
	ok(snap_meminfo("MemFree: 1 kB\n", &mt, &st) == -1, "meminfo: no MemTotal");
	free(v1);
	free(v2);
	free(comb);
	free(mi1);
	free(mi2);
	free(mi0);
	free(mem);
}

static void test_coalesce(void)
{
	struct snap_op ops[] = {
		{ 1, 0, -1, SNAP_OP_TOUCH, 3, 7 },
		{ 0, 0, -1, SNAP_OP_TOUCH_W, 2, 5 },
		{ 0, 0, -1, SNAP_OP_TOUCH_W, 2, 3 },
		{ 0, 0, -1, SNAP_OP_TOUCH_W, 2, 4 },
		{ 0, 0, -1, SNAP_OP_TOUCH_W, 2, 4 },	/* twice */
		{ 0, 0, -1, SNAP_OP_TOUCH_W, 2, 9 },
		{ 0, 0, 4, SNAP_OP_TOUCH_W, 2, 6 },	/* the same pages, moved */
		{ 0, 1, -1, SNAP_OP_READ, 0, 0 },
		{ 0, 1, -1, SNAP_OP_READ, 0, 1 },
		{ 0, 1, -1, SNAP_OP_WRITE, 0, 2 },
		{ 1, 0, -1, SNAP_OP_TOUCH, 3, 8 },
	};
	struct snap_run *r;
	size_t n = snap_coalesce(ops, ARRAY_SIZE(ops), &r);

	is(n, 6, "coalesce: 11 page operations make 6 runs");
	ok(r[0].phase == 0 && r[0].actor == 0 && r[0].via == -1 && r[0].first == 3 &&
	   r[0].npages == 3, "coalesce: pages 3-5 in one run, a duplicate dropped");
	ok(r[1].first == 9 && r[1].npages == 1, "coalesce: a gap starts a new run");
	ok(r[2].via == 4 && r[2].first == 6 && r[2].npages == 1, "coalesce: a move is its own run");
	ok(r[3].actor == 1 && r[3].kind == SNAP_OP_READ && r[3].npages == 2, "coalesce: reads");
	ok(r[4].kind == SNAP_OP_WRITE && r[4].first == 2, "coalesce: a write is not merged with reads");
	ok(r[5].phase == 1 && r[5].first == 7 && r[5].npages == 2, "coalesce: mappers' touches last");
	free(r);
	n = snap_coalesce(NULL, 0, &r);
	is(n, 0, "coalesce: nothing");
	free(r);
}

static void test_sizes(void)
{
	char b[32];

	snap_size_str(b, sizeof(b), 0);
	is_str(b, "0", "size: 0");
	snap_size_str(b, sizeof(b), 4096);
	is_str(b, "4K", "size: 4K");
	snap_size_str(b, sizeof(b), 3ULL << 20);
	is_str(b, "3M", "size: 3M");
	snap_size_str(b, sizeof(b), 1536ULL << 10);
	is_str(b, "1536K", "size: 1536K");
	snap_size_str(b, sizeof(b), 24106ULL << 20);
	is_str(b, "24106M", "size: 24106M");
	snap_size_str(b, sizeof(b), 4ULL << 40);
	is_str(b, "4T", "size: 4T");
	snap_size_str(b, sizeof(b), 1000);
	is_str(b, "1000", "size: bytes");
	is(snap_kpf_class(1ULL << SNAP_KPF_ANON | 1ULL << SNAP_KPF_SWAPBACKED), SNAP_PAGE_ANON,
	   "kpageflags: anon");
	is(snap_kpf_class(1ULL << SNAP_KPF_SWAPBACKED), SNAP_PAGE_SHMEM, "kpageflags: shmem");
	is(snap_kpf_class(1ULL << SNAP_KPF_LRU), SNAP_PAGE_FILE, "kpageflags: page cache");
}

/* ---- a synthetic snapshot ------------------------------------------------ */

static struct snap_vma *vma(struct snap_proc *p, const char *perms, uint64_t start,
			    uint64_t pages, enum snap_vma_kind kind, int file, const char *path)
{
	struct snap_vma *v;

	p->vmas = xrealloc(p->vmas, (p->nvma + 1) * sizeof(*p->vmas));
	v = &p->vmas[p->nvma++];
	memset(v, 0, sizeof(*v));
	v->l.start = start;
	v->l.end = start + pages * SNAP_PAGE_SIZE;
	snprintf(v->l.perms, sizeof(v->l.perms), "%s", perms);
	v->l.path = xstrdup(path);
	v->kind = kind;
	v->shared = perms[3] == 's';
	v->file = file;
	v->rss = pages * SNAP_PAGE_SIZE;
	v->map = -1;
	v->cow_map = -1;
	return v;
}

static void file_add(struct snapshot *s, const char *real, uint64_t ino, bool shmem)
{
	s->files = xrealloc(s->files, (s->nfile + 1) * sizeof(*s->files));
	memset(&s->files[s->nfile], 0, sizeof(*s->files));
	s->files[s->nfile].real = xstrdup(real);
	s->files[s->nfile].ino = ino;
	s->files[s->nfile].shmem = shmem;
	s->nfile++;
}

static void page(struct snapshot *s, int proc, int vm, uint64_t idx, uint64_t pfn, int cls,
		 bool dirty, int owner)
{
	struct snap_page *pg;

	if (s->npage == s->page_cap) {
		s->page_cap = s->page_cap ? 2 * s->page_cap : 64;
		s->pages = xrealloc(s->pages, s->page_cap * sizeof(*s->pages));
	}
	pg = &s->pages[s->npage++];
	memset(pg, 0, sizeof(*pg));
	pg->proc = proc;
	pg->vma = vm;
	pg->idx = idx;
	pg->pfn = pfn;
	pg->cls = (enum snap_page_class)cls;
	pg->dirty = dirty;
	pg->owner = owner;
	pg->memcg_ino = owner < 0 ? 0 : s->cgroups[owner].ino;
	if (owner < 0)
		pg->owner = snap_cgroup_get(s, "/");
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line))) {
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == ' ' || !p[n]))
			return true;
		p += n;
	}
	return false;
}

static void test_synthetic(const char *out)
{
	struct snapshot s;
	int root, a, b, c, x, xy, dying, i;
	FILE *f;
	char *text;

	memset(&s, 0, sizeof(s));
	s.owners = s.flags = s.pfns = true;
	s.mnt.found = true;
	snprintf(s.mnt.dir, sizeof(s.mnt.dir), "/sys/fs/cgroup");
	s.host.mem_total = 1ULL << 30;
	s.host.cpus = 2;
	snprintf(s.host.release, sizeof(s.host.release), "6.1.0-synthetic");
	snprintf(s.host.machine, sizeof(s.host.machine), "x86_64");
	snprintf(s.host.date, sizeof(s.host.date), "2024-01-01T00:00:00Z");
	snap_cgino_init(&s.cgino);
	root = snap_cgroup_get(&s, "/");
	a = snap_cgroup_get(&s, "/a");
	b = snap_cgroup_get(&s, "/b");
	c = snap_cgroup_get(&s, "/c");			/* owns pages, runs nothing */
	x = snap_cgroup_get(&s, "/x");			/* runs p300 and has a child */
	xy = snap_cgroup_get(&s, "/x/y");
	dying = snap_cgroup_get(&s, "(dying memcg, inode 777)");
	s.cgroups[root].ino = 1;
	s.cgroups[a].ino = 10;
	s.cgroups[b].ino = 11;
	s.cgroups[c].ino = 12;
	s.cgroups[x].ino = 13;
	s.cgroups[xy].ino = 14;
	s.cgroups[dying].ino = 777;
	s.cgroups[dying].dying = true;
	s.cgroups[a].has_proc = s.cgroups[b].has_proc = s.cgroups[x].has_proc = true;

	file_add(&s, "/data/lib.so", 100, false);
	file_add(&s, "/memfd:buf (deleted)", 200, true);
	s.procs = xcalloc(3, sizeof(*s.procs));
	s.nproc = 3;
	s.procs[0].pid = 100;
	s.procs[0].cg = a;
	s.procs[1].pid = 200;
	s.procs[1].cg = b;
	s.procs[2].pid = 300;
	s.procs[2].cg = x;
	for (i = 0; i < 3; i++) {
		snprintf(s.procs[i].comm, sizeof(s.procs[i].comm), "proc%d", i);
		snprintf(s.procs[i].cgpath, sizeof(s.procs[i].cgpath), "%s",
			 s.cgroups[s.procs[i].cg].path);
	}
	/* p100: anon 16 pages, lib.so 16 pages private, memfd 4 pages shared */
	vma(&s.procs[0], "rw-p", 0x10000, 16, SNAP_VMA_ANON, -1, "");
	vma(&s.procs[0], "r-xp", 0x40000, 16, SNAP_VMA_FILE, 0, "/data/lib.so");
	vma(&s.procs[0], "rw-s", 0x80000, 4, SNAP_VMA_SHMEM, 1, "/memfd:buf (deleted)");
	vma(&s.procs[0], "r--p", 0x90000, 1, SNAP_VMA_SKIP, -1, "[vvar]");
	/* p200: anon 4 pages (2 shared with p100 after fork), lib.so, memfd */
	vma(&s.procs[1], "rw-p", 0x10000, 4, SNAP_VMA_ANON, -1, "");
	vma(&s.procs[1], "r-xp", 0x40000, 16, SNAP_VMA_FILE, 0, "/data/lib.so");
	vma(&s.procs[1], "rw-s", 0x80000, 4, SNAP_VMA_SHMEM, 1, "/memfd:buf (deleted)");
	/* p300: lib.so */
	vma(&s.procs[2], "r-xp", 0x40000, 16, SNAP_VMA_FILE, 0, "/data/lib.so");

	for (i = 0; i < 4; i++)
		page(&s, 0, 0, (uint64_t)i, 1000 + (uint64_t)i, SNAP_PAGE_ANON, false, a);
	page(&s, 0, 0, 4, 1004, SNAP_PAGE_ANON, false, b);		/* charged to /b */
	page(&s, 1, 0, 0, 1000, SNAP_PAGE_ANON, false, a);		/* COW-shared */
	page(&s, 1, 0, 1, 1001, SNAP_PAGE_ANON, false, a);
	page(&s, 1, 0, 2, 2002, SNAP_PAGE_ANON, false, b);
	for (i = 0; i < 4; i++) {
		page(&s, 0, 1, (uint64_t)i, 3000 + (uint64_t)i, SNAP_PAGE_FILE, false, c);
		if (i < 2)
			page(&s, 1, 1, (uint64_t)i, 3000 + (uint64_t)i, SNAP_PAGE_FILE, false, c);
		else
			page(&s, 2, 0, (uint64_t)i, 3000 + (uint64_t)i, SNAP_PAGE_FILE, false, c);
	}
	page(&s, 2, 0, 5, 3005, SNAP_PAGE_FILE, false, xy);		/* /x/y: a placeholder */
	page(&s, 0, 1, 6, 4000, SNAP_PAGE_ANON, false, a);		/* copy-on-write in lib.so */
	page(&s, 2, 0, 7, 3007, SNAP_PAGE_FILE, false, -1);		/* no memcg */
	page(&s, 0, 1, 8, 3008, SNAP_PAGE_FILE, false, dying);
	for (i = 0; i < 4; i++) {
		page(&s, 0, 2, (uint64_t)i, 5000 + (uint64_t)i, SNAP_PAGE_SHMEM, true, b);
		page(&s, 1, 2, (uint64_t)i, 5000 + (uint64_t)i, SNAP_PAGE_SHMEM, true, b);
	}

	f = fopen(out, "w");
	if (!f) {
		ok(0, "synthetic: cannot write %s", out);
		snap_free(&s);
		return;
	}
	snap_emit(&s, f);
	fclose(f);
	text = snap_read_text(out);
	ok(text != NULL, "synthetic: scenario written");
	if (!text)
		text = xstrdup("");
	ok(has_line(text, "machine memory=1G swap=0 cpus=2"), "synthetic: machine line");
	ok(has_line(text, "mkdir /x/snapshot-tasks"), "synthetic: processes of an inner cgroup go to a leaf");
	ok(has_line(text, "spawn p300 /x/snapshot-tasks"), "synthetic: p300 spawned in the leaf");
	ok(has_line(text, "spawn memcg3 /c"), "synthetic: a placeholder in /c");
	ok(has_line(text, "spawn memcg5 /x/y"), "synthetic: a placeholder in /x/y");
	ok(has_line(text, "memcg3 read /data/lib.so 0 16K"), "synthetic: the placeholder reads first");
	ok(has_line(text, "p200 write /snapshot-shm/memfd_buf-200 0 16K"),
	   "synthetic: shmem pages written by their owner's process");
	ok(has_line(text, "move p100 /b"), "synthetic: a mapper moved into the owner for its anon page");
	ok(has_line(text, "p100 touch m0 16K 4K"), "synthetic: ... touches it there");
	ok(has_line(text, "move p100 /a"), "synthetic: ... and back");
	ok(has_line(text, "p100 touch m0 0 16K"), "synthetic: anon pages by their owner");
	ok(has_line(text, "p200 touch m0 8K 4K"), "synthetic: p200 touches only its own anon page");
	ok(!has_line(text, "p200 touch m0 0 8K"), "synthetic: copy-on-write shared pages touched once");
	ok(has_line(text, "p100 touch m2 24K 4K"), "synthetic: a copy-on-write page of a file mapping");
	ok(has_line(text, "snap_root read /data/lib.so 28K 4K"), "synthetic: a page of no memcg, by the root");
	ok(has_line(text, "rmdir /snapshot-dying-777"), "synthetic: the dying memcg removed again");
	ok(has_line(text, "p100 touch m3 0 16K"), "synthetic: mapper's touches of dirty shmem are writes");
	ok(has_line(text, "expect /a/memory.stat anon ~ 20480 5%"), "synthetic: /a anon");
	ok(has_line(text, "expect /b/memory.stat anon ~ 8192 5%"), "synthetic: /b anon");
	ok(has_line(text, "expect /b/memory.stat file ~ 16384 5%"), "synthetic: /b file includes shmem");
	ok(has_line(text, "expect /b/memory.stat shmem ~ 16384 5%"), "synthetic: /b shmem");
	ok(has_line(text, "expect /c/memory.stat file ~ 16384 5%"), "synthetic: /c file");
	ok(has_line(text, "expect /x/memory.stat file ~ 4096 5%"), "synthetic: /x hierarchical");
	ok(!strstr(text, "expect /snapshot-dying"), "synthetic: no expect on a removed cgroup");
	ok(!strstr(text, "expect /x/snapshot-tasks"), "synthetic: no expect on the task leaf");
	free(text);
	snap_free(&s);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: test_snapshot FIXTURE_DIR [OUT.smc]\n");
		return 2;
	}
	fixdir = argv[1];
	tap_start();
	test_maps();
	test_smaps();
	test_pagemap();
	test_cgroup();
	test_coalesce();
	test_sizes();
	if (argc > 2)
		test_synthetic(argv[2]);
	return done_testing();
}
