/* Creation and teardown of a machine's layer-3 state. */
#include "mm_state.h"

#include <stdlib.h>

#include "../machine.h"
#include "task.h"

void mm_state_init(struct machine *m)
{
	m->mm = xcalloc(1, sizeof(*m->mm));
}

void mm_state_free(struct machine *m)
{
	struct mm_state *ms = m->mm;
	int i;

	if (!ms)
		return;
	for (i = 0; i < ms->nr_tasks; i++) {
		free(ms->tasks[i]->comm);
		free(ms->tasks[i]);
	}
	free(ms->tasks);
	free(ms);
	m->mm = NULL;
}

int task_fork_charge(struct machine *m, struct task *t, struct task *parent)
{
	(void)m;
	(void)t;
	(void)parent;
	return 0;
}

void task_exit_free_stack(struct machine *m, struct task *t)
{
	(void)m;
	(void)t;
}

void task_exit_files(struct machine *m, struct task *t)
{
	(void)m;
	(void)t;
}
