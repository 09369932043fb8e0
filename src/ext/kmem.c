/*
 * Kernel memory objects (seed 004): placeholder hooks until kmem lands.
 */
#include "ext.h"

#include "../machine.h"

uint32_t kmem_charge_inode(struct machine *m, struct task *t)
{
	(void)m;
	(void)t;
	return 0;
}

void kmem_uncharge_inode(struct machine *m, uint32_t objcg_id)
{
	(void)m;
	(void)objcg_id;
}
