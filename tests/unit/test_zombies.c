// SPDX-License-Identifier: GPL-2.0-only
/*
 * smemcg_list_zombies: the memory a dying memcg holds, as the report draws
 * it. The page cache of /a/b/c (10M) and /a/b/d (1M) stays charged after
 * they and /a/b are removed (recharge=none: pages keep their memcg); the
 * counters are hierarchical, so the outer zombie /a/b holds 11M and its
 * children have no line of their own; a new /a/b is not the zombie; /a's memory.current includes
 * the zombie's. Anonymous memory is freed at exit and is not held.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smemcg.h"
#include "tap.h"
#include "test_machine.h"

#define M (1024ULL * 1024)

static unsigned long long current_of(smemcg_machine *m, const char *path)
{
	char *s;
	unsigned long long v;

	if (smemcg_file_read(&s, m, path))
		return 0;
	v = strtoull(s, NULL, 10);
	free(s);
	return v;
}

int main(void)
{
	smemcg_machine *m = new_machine(2, 0);
	unsigned long long cur, anon, file, shmem, kernel;
	char path[64], *text;
	int p, q, map, n;

	tap_start();
	must(smemcg_policy_set(m, "stock", "off"), m, "stock=off");
	must(smemcg_file_write(m, "/cgroup.subtree_control", "+memory"), m, "+memory");
	must(smemcg_cgroup_mkdir(m, "/a"), m, "mkdir /a");
	must(smemcg_file_write(m, "/a/cgroup.subtree_control", "+memory"), m, "/a +memory");
	must(smemcg_cgroup_mkdir(m, "/a/b"), m, "mkdir /a/b");
	must(smemcg_file_write(m, "/a/b/cgroup.subtree_control", "+memory"), m, "/a/b +memory");
	must(smemcg_cgroup_mkdir(m, "/a/b/c"), m, "mkdir /a/b/c");
	must(smemcg_cgroup_mkdir(m, "/a/b/d"), m, "mkdir /a/b/d");

	must(smemcg_list_zombies(&text, m), m, "list");
	ok(!strcmp(text, ""), "no zombie before any rmdir");
	free(text);

	must(smemcg_spawn(&p, m, "p", "/a/b/c", -1), m, "spawn p");
	must(smemcg_pwrite(m, p, "/f", 0, 10 * M), m, "p writes 10M");
	must(smemcg_mmap_anon(&map, m, p, 4 * M, false), m, "mmap");
	must(smemcg_touch(m, p, map, 0, UINT64_MAX, true), m, "touch 4M");
	must(smemcg_spawn(&q, m, "q", "/a/b/d", -1), m, "spawn q");
	must(smemcg_pwrite(m, q, "/g", 0, 1 * M), m, "q writes 1M");
	must(smemcg_exit(m, p), m, "exit p");
	must(smemcg_exit(m, q), m, "exit q");
	must(smemcg_cgroup_rmdir(m, "/a/b/c"), m, "rmdir /a/b/c");

	must(smemcg_list_zombies(&text, m), m, "list");
	text[strcspn(text, "\n")] = '\0';
	n = sscanf(text, "%63s %llu %llu %llu %llu %llu", path, &cur, &anon, &file, &shmem,
		   &kernel);
	ok(n == 6 && !strcmp(path, "/a/b/c") && file == 10 * M && anon == 0 && shmem == 0,
	   "/a/b/c removed: its 10M of page cache, no anon (freed at exit): %s", text);
	ok(cur == file + kernel, "its memory.current is its file and kernel memory");
	free(text);

	must(smemcg_cgroup_rmdir(m, "/a/b/d"), m, "rmdir /a/b/d");
	must(smemcg_cgroup_rmdir(m, "/a/b"), m, "rmdir /a/b");
	must(smemcg_cgroup_mkdir(m, "/a/b"), m, "mkdir /a/b again");
	must(smemcg_list_zombies(&text, m), m, "list");
	ok(strlen(text) > 0 && strchr(text, '\n') == text + strlen(text) - 1,
	   "one line: /a/b/c and /a/b/d are inside /a/b's");
	text[strcspn(text, "\n")] = '\0';
	n = sscanf(text, "%63s %llu %llu %llu %llu %llu", path, &cur, &anon, &file, &shmem,
		   &kernel);
	ok(n == 6 && !strcmp(path, "/a/b") && file == 11 * M,
	   "the outer zombie /a/b holds its children's 10M and 1M: %s", text);
	ok(current_of(m, "/a/b/memory.current") == 0, "the new /a/b holds nothing");
	ok(current_of(m, "/a/memory.current") >= cur, "/a's memory.current includes the zombie's");
	free(text);
	smemcg_machine_free(m);
	return done_testing();
}
