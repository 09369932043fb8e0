// SPDX-License-Identifier: GPL-2.0-only
/* The event log: see event_log.h. */
#include "event_log.h"

#include <stdarg.h>
#include <stdio.h>

#include "machine.h"
#include "mm/memcontrol/memcg.h"
#include "mm/task.h"

static const char *const type_names[SMEMCG_NR_EVENT_TYPES] = {
	[SMEMCG_EV_OOM_KILL] = "oom_kill",
	[SMEMCG_EV_SIGBUS] = "sigbus",
	[SMEMCG_EV_KILL] = "kill",
	[SMEMCG_EV_CHARGE_FAILED] = "charge_failed",
	[SMEMCG_EV_MEMCG_EVENT] = "memory_event",
	[SMEMCG_EV_RECLAIM_NOTHING] = "reclaim_nothing",
	[SMEMCG_EV_RECHARGE] = "recharge",
	[SMEMCG_EV_ZOMBIE_RELEASED] = "zombie_released",
};

const char *smemcg_event_type_name(enum smemcg_event_type type)
{
	return (unsigned)type < SMEMCG_NR_EVENT_TYPES ? type_names[type] : "?";
}

void smemcg_set_event_handler(smemcg_machine *sm, unsigned mask, smemcg_event_fn fn,
			      void *arg)
{
	struct machine *m = to_machine(sm);

	m->event_mask = fn ? mask & SMEMCG_EV_MASK_ALL : 0;
	m->event_fn = fn;
	m->event_arg = arg;
}

int current_pid(const struct machine *m)
{
	return m->current ? m->current->pid : 0;
}

void memcg_describe(const struct machine *m, const struct mem_cgroup *memcg, char *buf,
		    size_t len)
{
	if (!memcg) {
		snprintf(buf, len, "%s", "");
	} else if (mem_cgroup_is_root(memcg)) {
		snprintf(buf, len, "/");
	} else if (memcg->cgroup) {
		char path[4096];

		cgroup_path(memcg->cgroup, path, sizeof(path));
		snprintf(buf, len, "%s%s", memcg->state == MEMCG_ONLINE ? "" : "(dying) ", path);
	} else if (mem_cgroup_is_detached(memcg)) {
		snprintf(buf, len, "(an smemcg's memcg)");
	} else {
		snprintf(buf, len, "(memory switched off, id %u)", memcg->id);
	}
	(void)m;
}

void event_emit_slow(struct machine *m, enum smemcg_event_type type, int pid, int sig,
		     int err, const struct mem_cgroup *memcg, const char *what, long count,
		     const char *fmt, ...)
{
	struct smemcg_event ev;
	char cg[4200], text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	memcg_describe(m, memcg, cg, sizeof(cg));
	ev.type = type;
	ev.now_ns = m->now_ns;
	ev.pid = pid;
	ev.sig = sig;
	ev.err = err;
	ev.cgroup = cg;
	ev.what = what ? what : "";
	ev.count = count;
	ev.text = text;
	m->event_fn(m->event_arg, &ev);
}
