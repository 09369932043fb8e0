/*
 * Shared memory cgroups (seed 000, Chris Li): control files. The objects
 * themselves land with their issue; until then no smemcg exists.
 */
#include <errno.h>
#include <string.h>

#include "../files.h"
#include "ext.h"
#include "../machine.h"

static const char *const smemcg_file_names[] = {
	"memory.current", "memory.max", "memory.stat", "memory.events", "attached",
	"borrow.max",
};

unsigned smemcg_ext_file_mode(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(smemcg_file_names); i++)
		if (!strcmp(name, smemcg_file_names[i]))
			return SMEMCG_FILE_READ |
			       ((!strcmp(name, "memory.max") || !strcmp(name, "borrow.max"))
					? SMEMCG_FILE_WRITE : 0);
	return 0;
}

int smemcg_ext_file_read(struct machine *m, const char *path, struct strbuf *out)
{
	(void)out;
	return machine_error(m, -ENOENT, "no such smemcg: %s", path);
}

int smemcg_ext_file_write(struct machine *m, const char *path, const char *value)
{
	(void)value;
	return machine_error(m, -ENOENT, "no such smemcg: %s", path);
}

int smemcg_attach_mount(struct machine *m, struct mount *mnt, const char *name)
{
	(void)mnt;
	return machine_error(m, -ENOSYS, "smemcg=%s: shared memory cgroups are not supported yet",
			     name);
}

void smemcg_detach_mount(struct machine *m, struct mount *mnt)
{
	(void)m;
	(void)mnt;
}
