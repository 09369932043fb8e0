/*
 * smemcg demo: the built-in demonstration scenario (the README's first
 * command). It grows into the seeds' stories as the proposals land.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../scenario/model_backend.h"
#include "cli.h"

const char demo_scenario[] =
	"# smemcg demo: a pod with a memory limit\n"
	"machine memory=1G cpus=2\n"
	"echo a cgroup tree /pod/{web,db} with memory enabled\n"
	"write /cgroup.subtree_control +memory\n"
	"mkdir /pod\n"
	"write /pod/cgroup.subtree_control +memory\n"
	"mkdir /pod/web\n"
	"mkdir /pod/db\n"
	"write /pod/memory.max 100M\n"
	"write /pod/web/memory.high 60M\n"
	"expect /pod/memory.max == 100M\n"
	"expect /pod/web/memory.high == 60M\n"
	"expect /pod/web/memory.max == max\n"
	"expect /pod/cgroup.stat nr_descendants == 2\n"
	"spawn web /pod/web\n"
	"expect /pod/web/cgroup.procs != \"\"\n"
	"expect-error EBUSY rmdir /pod/web\n"
	"exit web\n"
	"rmdir /pod/web\n"
	"expect /pod/cgroup.stat nr_descendants == 1\n"
	"read /pod/memory.events\n";

int cmd_demo(int argc, char **argv)
{
	struct smc_script s;
	struct smc_result res;
	struct smc_backend be;
	struct smc_run_opts opts;
	struct model_backend *mb;
	struct cli_policy_list pol = { NULL, 0 };
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: smemcg demo [--print]\n\n"
			       "Run the built-in demonstration scenario on the model (TAP output).\n"
			       "--print shows the scenario instead of running it.\n");
			return 0;
		}
		if (!strcmp(argv[i], "--print")) {
			fputs(demo_scenario, stdout);
			return 0;
		}
		fprintf(stderr, "smemcg demo: unknown argument %s\n", argv[i]);
		return 2;
	}
	if (cli_load_script(&s, "demo", demo_scenario))
		return 1;
	mb = model_backend_new(pol.kv, pol.n, false);
	model_backend_ops(&be, mb);
	memset(&opts, 0, sizeof(opts));
	opts.out = stdout;
	smc_run(&res, &s, &be, &opts);
	printf("%d passed, %d failed\n", res.passed, res.failed);
	model_backend_free(mb);
	smc_script_free(&s);
	return res.failed ? 1 : 0;
}
