/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Machines for the unit tests that drive the public API: a new machine,
 * and a step that must succeed (a failure ends the test with "Bail out!",
 * since the points after it would not mean anything).
 */
#ifndef SMEMCG_TEST_MACHINE_H
#define SMEMCG_TEST_MACHINE_H

#include <stdio.h>
#include <stdlib.h>

#include "smemcg.h"

/* cpus 0: the default number of CPUs */
static inline smemcg_machine *new_machine(int cpus, unsigned options)
{
	struct smemcg_config cfg;
	smemcg_machine *sm = NULL;

	smemcg_config_init(&cfg);
	if (cpus)
		cfg.cpus = cpus;
	cfg.options = options;
	if (smemcg_machine_new(&sm, &cfg)) {
		printf("Bail out! cannot create a machine\n");
		exit(1);
	}
	return sm;
}

static inline void must(int rc, smemcg_machine *sm, const char *what)
{
	if (rc) {
		printf("Bail out! %s failed with %d: %s\n", what, rc, smemcg_last_error(sm));
		exit(1);
	}
}

#endif
