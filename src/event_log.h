/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The event log (include/smemcg.h, smemcg_set_event_handler): the model
 * reports kills, failed charges, memory.events increments, fruitless
 * reclaim, recharges and zombie releases as they happen, with their cause
 * in one line. Costs one untaken branch when nobody listens.
 */
#ifndef SMEMCG_EVENT_LOG_H
#define SMEMCG_EVENT_LOG_H

#include "../include/smemcg.h"
#include "base/base.h"

struct machine;
struct mem_cgroup;

void event_emit_slow(struct machine *m, enum smemcg_event_type type, int pid, int sig,
		     int err, const struct mem_cgroup *memcg, const char *what, long count,
		     const char *fmt, ...) PRINTF_LIKE(9, 10);

/* Report an event; the text is only formatted when a handler listens. */
#define event_emit(m, type, pid, sig, err, memcg, what, count, ...)                      \
	do {                                                                           \
		if (unlikely((m)->event_mask & SMEMCG_EV_BIT(type)))                                           \
			event_emit_slow(m, type, pid, sig, err, memcg, what, count,     \
					__VA_ARGS__);                                  \
	} while (0)

/* The pid of the process the model runs for, 0 when none. */
int current_pid(const struct machine *m);

/* A memcg's path for a message: "/a/b", "(deleted) /a/b" for a zombie. */
void memcg_describe(const struct machine *m, const struct mem_cgroup *memcg, char *buf,
		    size_t len);

#endif
