/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The model backend of the scenario interpreter: statements become calls
 * of the public API on one smemcg_machine; names become pids and handles.
 */
#ifndef SMEMCG_MODEL_BACKEND_H
#define SMEMCG_MODEL_BACKEND_H

#include "scenario.h"
#include "smemcg.h"

struct model_backend;

/* overrides: policies from the command line, applied after the script's. */
struct model_backend *model_backend_new(const struct smc_kv *overrides, int n,
					bool check);
void model_backend_free(struct model_backend *mb);
void model_backend_ops(struct smc_backend *be, struct model_backend *mb);
/* The machine, once started (NULL before). */
smemcg_machine *model_backend_machine(struct model_backend *mb);
/* Simulated time of its machine (0 before it starts); for smc_run_opts.now_ns. */
uint64_t model_backend_now_ns(void *mb);

#endif
