// SPDX-License-Identifier: GPL-2.0-only
/*
 * Processes and their fd tables through the public API: the fd numbers an
 * open gets (the lowest free one, as alloc_fd() gives: across the 64-fd
 * words of the open bitmap and the table's growth), RLIMIT_NOFILE, fork's
 * copy of the table; what stays of a dead process once it is reaped (its
 * state, signal, name and cgroup at exit); a stopped process.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "test_machine.h"

static int open_fd(smemcg_machine *sm, int pid)
{
	int fd, file;
	int rc = smemcg_open(&fd, &file, sm, pid, "/dev/vfio", false);

	return rc ? rc : fd;
}

static void lowest_free_fd(void)
{
	smemcg_machine *sm = new_machine(0, 0);
	int p, c, fd, i, ok_all = 1;

	must(smemcg_spawn(&p, sm, "p", "/", -1), sm, "spawn");
	must(smemcg_setrlimit_nofile(sm, p, 100000), sm, "setrlimit nofile");
	is(open_fd(sm, p), 3, "the first open gets fd 3: 0, 1 and 2 are taken");
	is(open_fd(sm, p), 4, "then 4");
	is(open_fd(sm, p), 5, "then 5");
	must(smemcg_close(sm, p, 4), sm, "close 4");
	is(open_fd(sm, p), 4, "a closed fd is the lowest free one again");
	is(open_fd(sm, p), 6, "then the next after the highest");
	for (i = 7; i <= 5000; i++)
		ok_all &= open_fd(sm, p) == i;
	ok(ok_all, "fds 7..5000 in order, over words of 64 and the table's first growth");
	must(smemcg_close(sm, p, 130), sm, "close 130");
	must(smemcg_close(sm, p, 70), sm, "close 70");
	must(smemcg_close(sm, p, 4097), sm, "close 4097");
	is(open_fd(sm, p), 70, "the lowest of three free fds first");
	must(smemcg_fork(&c, sm, p, "c", -1, false), sm, "fork");
	is(open_fd(sm, c), 130, "the child's table is a copy: its lowest free fd is the parent's");
	is(open_fd(sm, p), 130, "the parent's own table is unchanged by the child's open");
	is(open_fd(sm, c), 4097, "the child's next, past a full word of the bitmap");
	is(open_fd(sm, c), 5001, "then past the highest");
	fd = smemcg_close(sm, c, 5002);
	is(fd, -EBADF, "closing an fd that is not open: EBADF");
	smemcg_machine_free(sm);
}

static void rlimit_nofile(void)
{
	smemcg_machine *sm = new_machine(0, 0);
	int p, i, last = 0;

	must(smemcg_spawn(&p, sm, "p", "/", -1), sm, "spawn");
	for (i = 0; i < 1021; i++)
		last = open_fd(sm, p);
	is(last, 1023, "1021 opens reach fd 1023, the last below 1024");
	is(open_fd(sm, p), -EMFILE, "RLIMIT_NOFILE of 1024: the next open fails with EMFILE");
	is(smemcg_setrlimit_nofile(sm, p, 1048577), -EPERM, "above fs.nr_open: EPERM");
	must(smemcg_setrlimit_nofile(sm, p, 2048), sm, "setrlimit nofile 2048");
	is(open_fd(sm, p), 1024, "raised: fd 1024");
	must(smemcg_setrlimit_nofile(sm, p, 8), sm, "setrlimit nofile 8");
	must(smemcg_close(sm, p, 5), sm, "close 5");
	is(open_fd(sm, p), 5, "lowered below open fds: a free fd under it is still given");
	is(open_fd(sm, p), -EMFILE, "and none at or above it");
	smemcg_machine_free(sm);
}

static void dead_processes(void)
{
	smemcg_machine *sm = new_machine(0, 0);
	enum smemcg_task_state st;
	char *list = NULL, *line;
	int p, q, sig, i, n = 0, ok_all = 1;

	must(smemcg_cgroup_mkdir(sm, "/a"), sm, "mkdir");
	for (i = 0; i < 1000; i++) {
		must(smemcg_spawn(&p, sm, "p", "/a", -1), sm, "spawn");
		must(smemcg_exit(sm, p), sm, "exit");
		ok_all &= !smemcg_task_state(&st, &sig, sm, p) && st == SMEMCG_TASK_EXITED;
	}
	ok(ok_all, "1000 processes spawned and exited: each one's state is exited");
	must(smemcg_spawn(&q, sm, "q", "/a", -1), sm, "spawn q");
	must(smemcg_kill(sm, q, 9), sm, "kill q");
	must(smemcg_cgroup_rmdir(sm, "/a"), sm, "rmdir /a");
	ok(!smemcg_task_state(&st, &sig, sm, q) && st == SMEMCG_TASK_KILLED && sig == 9,
	   "a killed process keeps its signal");
	is(smemcg_task_state(&st, &sig, sm, q + 1), -ESRCH, "a pid never handed out: ESRCH");
	is(smemcg_touch(sm, q, 1, 0, 4096, true), -ESRCH, "a dead process runs nothing: ESRCH");
	ok(strstr(smemcg_last_error(sm), "process q") != NULL,
	   "and the message names it: %s", smemcg_last_error(sm));
	must(smemcg_list_tasks(&list, sm), sm, "list tasks");
	ok(strstr(list, " q /a killed 9\n") != NULL,
	   "a dead one is listed with its cgroup at exit, removed since");
	for (line = strtok(list, "\n"); line; line = strtok(NULL, "\n"))
		n++;
	is(n, 1001, "the task list has every process ever");
	free(list);
	smemcg_machine_free(sm);
}

static void stopped_process(void)
{
	smemcg_machine *sm = new_machine(0, 0);
	enum smemcg_task_state st;
	int p, map, sig;

	must(smemcg_spawn(&p, sm, "p", "/", -1), sm, "spawn");
	must(smemcg_mmap_anon(&map, sm, p, 8192, false), sm, "mmap");
	must(smemcg_kill(sm, p, 19), sm, "SIGSTOP");
	is(smemcg_touch(sm, p, map, 0, 4096, true), -EAGAIN, "a stopped process runs nothing");
	is(smemcg_kill(sm, p, 15), 0, "SIGTERM to a stopped process");
	ok(!smemcg_task_state(&st, &sig, sm, p) && st == SMEMCG_TASK_ALIVE,
	   "waits for SIGCONT: still alive");
	must(smemcg_kill(sm, p, 18), sm, "SIGCONT");
	ok(!smemcg_task_state(&st, &sig, sm, p) && st == SMEMCG_TASK_KILLED && sig == 15,
	   "SIGCONT delivers the SIGTERM that waited");
	must(smemcg_spawn(&p, sm, "r", "/", -1), sm, "spawn r");
	must(smemcg_kill(sm, p, 17), sm, "SIGCHLD");
	must(smemcg_kill(sm, p, 28), sm, "SIGWINCH");
	must(smemcg_kill(sm, p, 18), sm, "SIGCONT to a running process");
	ok(!smemcg_task_state(&st, &sig, sm, p) && st == SMEMCG_TASK_ALIVE,
	   "SIGCHLD, SIGWINCH and SIGCONT are ignored by a running process");
	is(smemcg_kill(sm, p, 65), -EINVAL, "no signal 65");
	smemcg_machine_free(sm);
}

int main(void)
{
	tap_start();
	lowest_free_fd();
	rlimit_nofile();
	dead_processes();
	stopped_process();
	return done_testing();
}
