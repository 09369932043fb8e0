/*
 * The model's /proc files. /proc/mounts lists the cgroup2 mount with its
 * options and every tmpfs with its own (memcg= as the seed 001 series shows
 * it), in the kernel's "device dir type options 0 0" format.
 */
#include <errno.h>
#include <string.h>

#include "../files.h"
#include "../machine.h"
#include "mount.h"

unsigned proc_file_mode(const char *path)
{
	if (!strcmp(path, "/proc/mounts"))
		return SMEMCG_FILE_READ;
	return 0;
}

int proc_file_read(struct machine *m, const char *path, struct strbuf *out)
{
	if (strcmp(path, "/proc/mounts"))
		return machine_error(m, -ENOENT, "no such file: %s", path);
	sb_printf(out, "cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime%s%s 0 0\n",
		  (m->cfg.options & SMEMCG_OPT_LOCALEVENTS) ? ",memory_localevents" : "",
		  (m->cfg.options & SMEMCG_OPT_RECURSIVEPROT) ? ",memory_recursiveprot" : "");
	mounts_show(m, out);
	return 0;
}
