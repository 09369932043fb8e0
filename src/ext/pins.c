/*
 * The pins controller and vm_account (seed 000, Alistair Popple).
 * mlock'd pages are charged to the current memcg's pins counter.
 */
#include "../machine.h"
#include "../mm/mm.h"
#include "../mm/task.h"

int pins_charge_mlock(struct machine *m, struct task *t, long nr_pages)
{
	(void)m;
	(void)t;
	(void)nr_pages;
	return 0;
}

void pins_uncharge_mlock(struct machine *m, struct mm_struct *mm, long nr_pages)
{
	(void)m;
	(void)mm;
	(void)nr_pages;
}

void pins_task_exit(struct machine *m, struct task *t)
{
	(void)m;
	(void)t;
}
