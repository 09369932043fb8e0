/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host side of the real-kernel oracle, shared by `smemcg kernel` and
 * `smemcg diff`: groups scenarios by machine configuration, boots one QEMU
 * guest per group through oracle/run.sh with the static guest program
 * (oracle/guest/), and collects each scenario's TAP, results and, on
 * request, every value its expects and reads saw.
 */
#ifndef SMEMCG_ORACLE_HOST_H
#define SMEMCG_ORACLE_HOST_H

#include <stdbool.h>

#include "../base/base.h"
#include "../scenario/scenario.h"

/* One value a script looked at (see smc_run_opts.observe). */
struct oracle_obs {
	int line;
	char op;		/* e: expect file, p: expect process, r: read, x: expect-error */
	char *what;		/* the file, the process, or the statement of an expect-error */
	char *key;		/* the key, "state", the expected errno; NULL when none */
	char *value;		/* NULL when there is none */
	char *note;		/* why there is none */
};

struct oracle_obs_list {
	struct oracle_obs *v;
	int n;
};

void oracle_obs_add(struct oracle_obs_list *l, int line, char op, const char *what,
		    const char *key, const char *value, const char *note);
void oracle_obs_free(struct oracle_obs_list *l);
/* The observation of statement st, as the guest reports it. */
void oracle_obs_from_stmt(struct oracle_obs_list *l, const struct smc_stmt *st,
			  const char *value, const char *note);

/*
 * What `machine` and `cgroup-options` ask for (defaults: 4G, no swap, 2
 * CPUs), and the kernel it runs on: the command line's (kernel given to
 * oracle_script_machine), else the scenario's `machine kernel=` or
 * `policy kernel=`, else 6.1.
 */
struct machine_cfg {
	uint64_t memory, swap;
	int cpus;
	unsigned cgopts;	/* SMEMCG_OPT_* */
	const char *kernel;	/* one of oracle_kernels */
};

/* 0, or -1 with a message on stderr when the script cannot be loaded. */
int oracle_script_machine(const char *file, const char *kernel, struct machine_cfg *cfg);

struct oracle_file {
	const char *path;		/* as given on the command line */
	struct smc_result res;		/* the kernel's TAP results */
	bool ran;			/* the guest reported a result */
	bool load_failed;		/* the scenario cannot be read or loaded */
	struct strbuf tap;		/* the TAP text (when captured) */
	struct oracle_obs_list obs;	/* the values (with values) */
	double seconds;			/* wall time of its boot, shared by the group */
	const char *kernel;		/* the kernel it ran on (one of oracle_kernels) */
};

struct oracle_opts {
	bool values;		/* collect observations */
	bool stream;		/* print each TAP line as it arrives */
	int timeout;		/* seconds for one boot; 0: run.sh's default */
	/* a baseline of oracle/kernels for every scenario; NULL: each its own (6.1) */
	const char *kernel;
};

/* The baselines the oracle can boot (oracle/kernels). */
extern const char *const oracle_kernels[];
/* 0 when name is one of oracle_kernels, else -1 with a message on stderr. */
int oracle_kernel_check(const char *cmd, const char *name);

/*
 * Runs the files on the kernel; per-file failures are in files[].res.
 * Returns CLI_EXIT_OK, or with a message on stderr: CLI_EXIT_SKIP when the
 * oracle cannot run here (no source tree, its setup or the guest's build
 * failed), CLI_EXIT_USAGE when a recording to replay or write cannot be
 * opened, CLI_EXIT_HOST when a boot failed on the way.
 */
int oracle_run_files(struct oracle_file *files, int n, const struct oracle_opts *o);
void oracle_file_free(struct oracle_file *f);
/* The files of n scenario paths (kept, not copied), and freeing them all. */
struct oracle_file *oracle_files_new(const char *const *paths, int n);
void oracle_files_free(struct oracle_file *files, int n);

#endif
