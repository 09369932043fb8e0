// SPDX-License-Identifier: GPL-2.0-only
/*
 * smemcg_explain: every byte of memory.current is attributed once. The
 * listed amounts must add up to memory.current, and the big items must be
 * what the scenario did (8M of anon mapped by p, 2M of file written by p).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smemcg.h"
#include "tap.h"

static long long current_of(smemcg_machine *m, const char *path)
{
	char *s;
	long long v;

	if (smemcg_file_read(&s, m, path))
		return -1;
	v = atoll(s);
	free(s);
	return v;
}

static long long bytes_of(const char *text, const char *what)
{
	const char *p = strstr(text, what);

	while (p && p > text && p[-1] != '\n')
		p--;
	return p ? atoll(p) : -1;
}

static long long sum_lines(const char *text)
{
	const char *p = strchr(text, '\n');
	long long sum = 0;

	while (p && p[1]) {
		p++;
		if (strstr(p, "%  ") && strstr(p, "%  ") < strchr(p, '\n'))
			sum += atoll(p);
		p = strchr(p, '\n');
	}
	return sum;
}

int main(void)
{
	struct smemcg_config cfg;
	smemcg_machine *m;
	char *text;
	int pid, map;

	tap_start();
	smemcg_config_init(&cfg);
	ok(!smemcg_machine_new(&m, &cfg), "machine");
	smemcg_file_write(m, "/cgroup.subtree_control", "+memory");
	smemcg_cgroup_mkdir(m, "/a");
	smemcg_spawn(&pid, m, "p", "/a", 0);
	smemcg_mmap_anon(&map, m, pid, 8 << 20, false);
	smemcg_touch(m, pid, map, 0, UINT64_MAX, true);
	smemcg_pwrite(m, pid, "/data/f", 0, 2 << 20);
	smemcg_kmalloc(m, pid, "dentry", 1000);
	ok(!smemcg_explain(&text, m, "/a"), "explain /a");
	printf("%s", text);
	is(sum_lines(text), current_of(m, "/a/memory.current"),
	   "the items add up to memory.current");
	is(bytes_of(text, "anon: process p"), 8 << 20, "8M of anon mapped by p");
	is(bytes_of(text, "file /data/f"), 2 << 20, "2M of file written by p");
	ok(strstr(text, "shared=owner") != NULL, "the page-cache rule is named");
	free(text);
	is(smemcg_explain(&text, m, "/nope"), -2, "no such cgroup: ENOENT");
	smemcg_machine_free(m);
	return done_testing();
}
