/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The scenario language (.smc, ../shared/SCENARIO.md): a script drives a
 * machine and states what the kernel's files must show.
 *
 * Pipeline: the lexer splits lines into tokens with their columns; the
 * block pass pairs `repeat` with `end`; each statement is parsed into a
 * struct smc_stmt when it runs (after `$i` is replaced), and once up front
 * with $i = 0 so that a bad line is reported before anything runs. The
 * interpreter prints TAP 13; what a statement does is the business of a
 * backend: the model (model_backend.c) or a real kernel (oracle/guest).
 */
#ifndef SMEMCG_SCENARIO_H
#define SMEMCG_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../base/base.h"

struct smc_token {
	char *text;
	int col;		/* 1-based */
	bool quoted;
};

struct smc_line {
	int line;		/* 1-based */
	int ntok;
	struct smc_token *tok;
};

enum smc_op {
	SMC_MACHINE,
	SMC_CGROUP_OPTIONS,
	SMC_POLICY,
	SMC_MKDIR,		/* mkdir CG */
	SMC_RMDIR,
	SMC_WRITE,		/* write CG/FILE VALUE... */
	SMC_READ,		/* read CG/FILE */
	SMC_EXPECT_FILE,	/* expect CG/FILE [KEY] OP VALUE [TOL] */
	SMC_EXPECT_PROC,	/* expect P alive|exited|killed [SIGNAL] */
	SMC_SPAWN,
	SMC_FORK,
	SMC_CLONE_VM,
	SMC_MOVE,
	SMC_EXIT,
	SMC_KILL,
	SMC_OOM_SCORE_ADJ,
	SMC_MMAP_ANON,
	SMC_MMAP_FILE,
	SMC_TOUCH,
	SMC_MUNMAP,
	SMC_MLOCK,
	SMC_MUNLOCK,
	SMC_FILE_WRITE,		/* P write PATH OFF LEN */
	SMC_FILE_READ,
	SMC_TRUNCATE,
	SMC_UNLINK,
	SMC_MOUNT,
	SMC_REMOUNT,
	SMC_UMOUNT,
	SMC_FS_MKDIR,		/* P mkdir PATH */
	SMC_KMALLOC,
	SMC_KFREE,
	SMC_OPEN,
	SMC_PIN,
	SMC_UNPIN,
	SMC_CLOSE,
	SMC_RELEASE,		/* P release FD: drop keep-pins pins */
	SMC_SETRLIMIT,		/* P setrlimit memlock SIZE */
	SMC_CAP,		/* P cap ipc_lock */
	SMC_SMEMCG_CREATE,
	SMC_SMEMCG_DESTROY,
	SMC_DMABUF,
	SMC_IMPORT,
	SMC_SLEEP,
	SMC_REPEAT,
	SMC_END,
	SMC_EXPECT_ERROR,
	SMC_ECHO,
	SMC_EXPLAIN,
	SMC_MADVISE,		/* P madvise M dontneed|free|pageout|cold [OFF LEN] */
	SMC_FSYNC,		/* P fsync PATH */
	SMC_SYNC,		/* sync */
	SMC_DROP_CACHES,	/* drop_caches 1|2|3 */
	SMC_SYSCTL,		/* sysctl vm.swappiness N */
	SMC_SWAPOFF,		/* swapoff */
	SMC_NR_OPS,
};

/* P madvise M ADVICE: in num (the public API's SMEMCG_MADV_*) */
enum smc_madvise { SMC_MADV_DONTNEED, SMC_MADV_FREE, SMC_MADV_PAGEOUT, SMC_MADV_COLD };

enum smc_cmp { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE, CMP_CLOSE };

enum smc_value_kind {
	VAL_NONE,
	VAL_NUMBER,		/* an integer or a SIZE in bytes */
	VAL_MAX,		/* the word max */
	VAL_STRING,		/* a quoted string */
	VAL_PERCENT,		/* N% (tolerances) */
	VAL_REFS,		/* other files' values, summed (smc_stmt.refs) */
};

/*
 * A value read from a file: the whole file, the value of KEY in a
 * flat-keyed file, or FIELD of that line ("anon N0=4096": KEY anon,
 * FIELD N0; memory.pressure's "some ... total=N": KEY some, FIELD total).
 */
struct smc_ref {
	const char *path;
	const char *key;
	const char *field;
};

struct smc_value {
	enum smc_value_kind kind;
	int64_t num;
	const char *str;
};

/* statement flags */
#define SMC_F_SHARED	0x01
#define SMC_F_PRIVATE	0x02
#define SMC_F_RO	0x04
#define SMC_F_KEEP_PINS	0x08
#define SMC_F_RANGE	0x10	/* OFF LEN given */
#define SMC_F_SIZE	0x20	/* size= given (mount) / memory= (machine) */
#define SMC_F_SWAP	0x40	/* swap= given (machine) */
#define SMC_F_CPUS	0x80	/* cpus= given (machine) */
#define SMC_F_DISK	0x100	/* mount ext4: a disk filesystem */

enum smc_proc_state { SMC_ALIVE, SMC_EXITED, SMC_KILLED };

struct smc_kv {
	const char *key;
	const char *value;
};

struct smc_stmt {
	enum smc_op op;
	const struct smc_line *src;	/* tokens as written (after $i) */
	int line, col;

	const char *proc;	/* the acting process P */
	const char *name;	/* CHILD, M, FD, B, smemcg NAME, CACHE, limit name */
	const char *path;	/* CG, CG/FILE, PATH, DIR, DEVICE */
	const char *key;	/* flat key of an expect */
	const char *field;	/* FIELD=value within the key's line (numa_stat, pressure) */
	int nrefs;		/* VAL_REFS: the files on the right, summed */
	struct smc_ref *refs;
	const char *text;	/* write VALUE..., echo TEXT */
	const char *memcg;	/* mount memcg=CG */
	const char *smemcg;	/* mount/dmabuf smemcg=NAME */
	const char *opts;	/* mount: the options as written, comma-joined */
	char *path_buf;		/* path when the parser changed it ("/v/" is "/v") */

	enum smc_cmp cmp;
	struct smc_value value;	/* expected */
	struct smc_value tol;	/* tolerance, VAL_NONE if not given */
	enum smc_proc_state pstate;
	int signal;		/* kill / expect killed */

	uint64_t size;		/* mmap/dmabuf/truncate/mount size=, machine memory= */
	uint64_t swap;		/* machine swap= */
	uint64_t off, len;	/* touch/pin range; file offset and length */
	uint64_t offset;	/* mmap offset= */
	uint64_t count;		/* repeat, kmalloc */
	uint64_t ns;		/* sleep */
	int64_t num;		/* oom_score_adj, cpus */
	int nodes;		/* machine nodes= (0: not given) */
	int cpu;		/* -1: round-robin */
	unsigned flags;
	unsigned cgopts;	/* cgroup-options: SMEMCG_OPT_* */
	int nkv;
	struct smc_kv *kv;	/* policy KEY=VALUE ... */

	int err;		/* expect-error: the errno */
	struct smc_stmt *inner;	/* expect-error: the statement */
};

/* A parsed script: its lines and the repeat/end block structure. */
struct smc_block {
	int first, last;	/* line indices [first, last) of the block body */
};

struct smc_script {
	char *file;
	int nlines;
	struct smc_line *lines;
	/* for each line index: index of its matching `end` (repeat) or -1 */
	int *match;
};

/* Errors: "file:line:col: what was expected, what was found" */
struct smc_error {
	int line, col;
	char msg[400];
};

/*
 * Scenario parameters (`smemcg run --define NAME=VALUE`, compare's and
 * sweep's lists): the reader replaces $NAME, ${NAME} and ${NAME:-DEFAULT}
 * in every word, quoted or not, before the words are parsed; a word keeps
 * the column it has in the file, so errors point at the original text.
 * $i (${i}) is left for repeat blocks. A NAME without a value and without
 * a default is an error at its `$`.
 */
struct smc_defines {
	const struct smc_kv *kv;
	int n;
	bool *used;		/* optional: used[k] set when the text refers to kv[k] */
};

int smc_script_load(struct smc_script *s, const char *file, const char *text,
		    struct smc_error *err);
/* The same for text of len bytes (NUL bytes are errors), numbered from first_line. */
int smc_script_load_n(struct smc_script *s, const char *file, const char *text,
		      size_t len, int first_line, struct smc_error *err);
/* The same with parameters (defs may be NULL). */
int smc_script_load_defs(struct smc_script *s, const char *file, const char *text,
			 size_t len, int first_line, const struct smc_defines *defs,
			 struct smc_error *err);
/*
 * Whether name can be a parameter: an identifier ([A-Za-z_][A-Za-z0-9_]*)
 * other than i; and value a value: one word, no blanks, quotes, `#`, `$`
 * or control characters. 0, or -1 with why in msg.
 */
int smc_define_check(char *msg, size_t len, const char *name, const char *value);
void smc_script_free(struct smc_script *s);

/*
 * The one reader of the language: `run` reads a file through it (via
 * smc_script_load_n), the shell reads standard input line by line through
 * it, so that both see the same statements and the same errors. Lines go
 * in one at a time; a unit comes out when no repeat block is open. A UTF-8
 * byte order mark before the first line is skipped.
 */
#define SMC_MAX_NESTING 16	/* repeat blocks inside one another */
#define SMC_MAX_LINE 65536	/* bytes in a line */

struct smc_reader {
	char *file;
	const struct smc_defines *defs;	/* NULL: none; the caller's, kept while reading */
	int lineno;		/* the line read last */
	int first_line;
	struct smc_script unit;	/* the lines read since the last unit */
	int cap;
	int depth;		/* repeat blocks open */
	int stack[SMC_MAX_NESTING];	/* the lines of their repeats */
	int discard;		/* blocks left open by an error: read to their end, dropped */
};

void smc_reader_init(struct smc_reader *r, const char *file, int first_line);
/* The parameters the lines to come may use (defs stays the caller's). */
void smc_reader_define(struct smc_reader *r, const struct smc_defines *defs);
void smc_reader_free(struct smc_reader *r);
/*
 * Read one line (without its newline; a final \r is dropped). Returns 1
 * when the lines read so far form a unit (smc_reader_take), 0 when more
 * are needed (a block is open, or the line was blank), -1 on an error in
 * err: the unit is dropped, and when the error leaves a block open, the
 * lines up to its end are read and dropped too.
 */
int smc_reader_line(struct smc_reader *r, const char *line, size_t n, struct smc_error *err);
/* The end of the input: -1 when a repeat block is still open. */
int smc_reader_end(struct smc_reader *r, struct smc_error *err);
/* The unit read (the reader's file name, the repeat/end pairs); the reader goes on. */
void smc_reader_take(struct smc_reader *r, struct smc_script *out);

/*
 * Parse one line (tokens already $i-substituted) into st. Returns 0 or -1
 * with err filled. Strings in st point into the line's tokens or into
 * st-owned storage freed by smc_stmt_free.
 */
int smc_parse_stmt(struct smc_stmt *st, const struct smc_line *line,
		   struct smc_error *err);
void smc_stmt_free(struct smc_stmt *st);
/* Parse every line once ($i = 0) and check the order rules; 0 or -1. */
/*
 * The most statements a scenario may run, repeat blocks unrolled: checked
 * at load (smc_script_validate) and counted while running (smc_run).
 */
#define SMC_MAX_STATEMENTS 10000000ULL
int smc_script_validate(const struct smc_script *s, struct smc_error *err);

/*
 * The same over several scripts that make one session (the shell's
 * units): a `machine` after another statement, or a policy key set
 * twice, is an error in any of them.
 */
struct smc_validator {
	bool other_seen;	/* a statement other than machine/policy/cgroup-options */
	int npolicy;
	struct smc_policy_line {
		char *key;
		int line;
	} *policy;		/* the keys set so far, with their lines */
	/*
	 * The kernel baseline the control files are checked against (a 6.12
	 * file is an error on 6.1): the command line's when set (--policy
	 * kernel=, diff --kernel), SMC_KERNEL_ANY for several (compare: each
	 * run's model says), else the script's `machine kernel=` or `policy
	 * kernel=` (script_kernel), else 6.1.
	 */
	const char *kernel;
	const char *script_kernel;
};

#define SMC_KERNEL_ANY "*"

/* smc_script_validate with the command line's kernel baseline (see above). */
int smc_script_validate_kernel(const struct smc_script *s, const char *kernel,
			       struct smc_error *err);

void smc_validator_init(struct smc_validator *v);
void smc_validator_free(struct smc_validator *v);
int smc_validate_more(struct smc_validator *v, const struct smc_script *s,
		      struct smc_error *err);
/* Substitute $i in a copy of line; free with smc_line_free. */
void smc_line_subst(struct smc_line *out, const struct smc_line *in, long i);
void smc_line_free(struct smc_line *l);
/* The statement as written, for messages. */
void smc_line_text(struct strbuf *sb, const struct smc_line *l);
/* A word in double quotes, with the escapes the lexer reads (\n, \t, \", \\). */
void smc_quote(struct strbuf *sb, const char *s);

/*
 * The language's statements, one row per form, from the table the parser
 * dispatches on (parser.c): the shell's help and completion list them,
 * and docs/scenario.md is checked against them.
 */
struct smc_stmt_info {
	const char *word;	/* the keyword, or the verb after P */
	bool proc;		/* "P VERB ...": a statement of process P */
	const char *syntax;	/* "mkdir CG", "P mmap M anon SIZE [shared]" */
	const char *desc;	/* one line */
};
/* Row i of the table, NULL past its end. */
const struct smc_stmt_info *smc_statement(size_t i);
/* The keyword (or, proc, the verb) closest to a mistyped w, or NULL. */
const char *smc_statement_suggest(const char *w, bool proc);

const char *smc_op_name(enum smc_op op);
int smc_parse_size(uint64_t *out, const char *s);
int smc_signal_from_name(const char *s);
const char *smc_signal_name(int sig);

/*
 * A backend runs statements. Return values of exec:
 *   0          the statement succeeded
 *   -errno     the statement failed with that errno (msg says why)
 *   SMC_NOTSUP the backend cannot run it (msg says why)
 *   SMC_SKIP   the backend skips it (the oracle, for model-only statements)
 */
#define SMC_NOTSUP 1
#define SMC_SKIP 2

/*
 * An event of the backend's machine (the model's event log), as run and
 * shell show it under the statement that caused it. Events of the same
 * type, cgroup and key in a row are one, with repeats and count summed.
 */
struct smc_event {
	int type;		/* enum smemcg_event_type */
	const char *type_name;	/* "oom_kill", ... */
	uint64_t now_ns;	/* simulated time of the first */
	int pid;
	int sig;
	int err;
	const char *cgroup;
	const char *what;
	long count;
	long repeats;
	const char *text;
};

typedef void smc_event_fn(void *arg, const struct smc_event *ev);

struct smc_backend {
	void *ctx;
	int (*exec)(void *ctx, const struct smc_stmt *st, struct strbuf *msg);
	int (*read)(void *ctx, const char *path, struct strbuf *out,
		    struct strbuf *msg);
	int (*proc_state)(void *ctx, const char *proc, enum smc_proc_state *state,
			  int *sig, struct strbuf *msg);
	/* Called once before the first statement that is not machine/policy/
	 * cgroup-options; the backend creates its machine then. */
	int (*start)(void *ctx, struct strbuf *msg);
	/*
	 * Optional: collect the events whose bits (SMEMCG_EV_BIT) are in mask
	 * from the start on; drain_events hands over those collected since
	 * the last call, oldest first.
	 */
	void (*watch_events)(void *ctx, unsigned mask);
	void (*drain_events)(void *ctx, smc_event_fn *fn, void *arg);
};

struct smc_result {
	int passed;
	int failed;
	int skipped;
	bool stopped;		/* a statement failed unexpectedly */
};

/*
 * A TAP 13 document (tap.c): one header, points numbered across every
 * scenario added to it, one plan at the end. Descriptions and comments are
 * escaped so that nothing a scenario writes starts a TAP line.
 */
struct smc_tap {
	FILE *out;
	int n;			/* points so far */
};

void smc_tap_begin(struct smc_tap *t, FILE *out);
void smc_tap_plan(struct smc_tap *t);
/* "ok N - DESC # DIRECTIVE" (directive may be NULL); returns N. */
int smc_tap_point(struct smc_tap *t, bool ok, const char *desc, const char *directive);
/* prefix before each line of text ("# ", "#   "). */
void smc_tap_comment(struct smc_tap *t, const char *prefix, const char *text);
/* "not ok N - FILE:LINE:COL: MESSAGE": a scenario that does not load. */
void smc_tap_load_error(struct smc_tap *t, const char *file, const struct smc_error *err);
/* s as one line of a point's description. */
void smc_tap_escape(struct strbuf *sb, const char *s);

struct smc_run_opts {
	FILE *out;		/* TAP goes here */
	/*
	 * Optional: the document the points go to (several scenarios in one,
	 * each introduced by a comment naming its file); NULL: a document of
	 * its own on out, with its header and plan.
	 */
	struct smc_tap *tap;
	bool quiet;		/* no progress line */
	/*
	 * The event log: the events in events_show (SMEMCG_EV_BIT) become
	 * TAP comments under their statement; events_json, when set, gets
	 * every event as one JSON object per line.
	 */
	unsigned events_show;
	FILE *events_json;
	bool progress;		/* progress line on stderr */
	/*
	 * Optional (smemcg diff): called with every value the script looks
	 * at: each expect of a file or a process, each read, each
	 * expect-error. value is what the backend showed: the key's value or
	 * the file without its final newline, "alive", "exited" or
	 * "killed SIGNAME", "ok" or the errno name (expect-error). value is
	 * NULL when there is none; note says why ("skipped: ...",
	 * "failed: ...").
	 */
	void (*observe)(void *ctx, const struct smc_stmt *st, const char *value,
			const char *note);
	void *observe_ctx;
	/*
	 * Optional (smemcg compare): called with observe_ctx after the
	 * backend ran a statement that is not an expect, read or echo, with
	 * what exec returned (0, -errno, SMC_NOTSUP or SMC_SKIP) and its
	 * message. For `expect-error`, st is the expect-error statement and
	 * rc what its inner statement returned.
	 */
	void (*observe_exec)(void *ctx, const struct smc_stmt *st, int rc,
			     const char *msg);
	/*
	 * Optional (smemcg compare): called with observe_ctx for each event
	 * of the event log whose bit (SMEMCG_EV_BIT) is in events_observe,
	 * with the statement that caused it, whatever events_show prints.
	 */
	unsigned events_observe;
	void (*observe_event)(void *ctx, const struct smc_stmt *st, const struct smc_event *ev);
	/*
	 * smemcg compare: a statement that fails unexpectedly is still a
	 * `not ok` point, but the scenario goes on (a program that saw an
	 * error carries on, and the next policy may not fail there).
	 */
	bool keep_going;
	/*
	 * Optional: the simulated time, for the progress line (the model
	 * backend: model_backend_now_ns with its model_backend).
	 */
	uint64_t (*now_ns)(void *ctx);
	void *now_ctx;
};

/* Run a loaded script: TAP 13 to opts->out. */
void smc_run(struct smc_result *res, const struct smc_script *s,
	     const struct smc_backend *be, const struct smc_run_opts *opts);

/*
 * An incremental run (the interactive shell): scripts fed one after
 * another share the machine and the test numbering. A failed statement
 * stops only the script it is in.
 */
struct smc_session;
struct smc_session *smc_session_new(const struct smc_backend *be,
				    const struct smc_run_opts *opts,
				    struct smc_result *res);
void smc_session_feed(struct smc_session *ss, const struct smc_script *s);
void smc_session_finish(struct smc_session *ss);

/* Compare an actual file value with an expectation (values_close rules). */
int smc_compare(bool *ok, const char *actual, enum smc_cmp cmp,
		const struct smc_value *want, const struct smc_value *tol,
		struct strbuf *why);
const char *smc_cmp_name(enum smc_cmp cmp);

#endif
