// SPDX-License-Identifier: GPL-2.0-only
/*
 * Statement parser of the scenario language. One function per statement
 * family; every error names the column of the offending word, what was
 * expected and what was found.
 */
#include "scenario.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "smemcg.h"
#include "../base/suggest.h"

struct pctx {
	const struct smc_line *l;
	struct smc_stmt *st;
	struct smc_error *err;
	/*
	 * Inside expect-error: reading a write-only file and writing a
	 * read-only one are what the statement tests (EACCES), not mistakes.
	 */
	bool any_mode;
};

static int perr(struct pctx *p, int tokidx, const char *fmt, ...) PRINTF_LIKE(3, 4);

static int perr(struct pctx *p, int tokidx, const char *fmt, ...)
{
	va_list ap;
	int col;

	if (tokidx < p->l->ntok)
		col = p->l->tok[tokidx].col;
	else if (p->l->ntok)
		col = p->l->tok[p->l->ntok - 1].col +
		      (int)strlen(p->l->tok[p->l->ntok - 1].text);
	else
		col = 1;
	p->err->line = p->l->line;
	p->err->col = col;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static const char *tok(struct pctx *p, int i)
{
	return i < p->l->ntok ? p->l->tok[i].text : NULL;
}

/* A required word: its absence is "missing X". */
static int need(struct pctx *p, int i, const char *what)
{
	if (i >= p->l->ntok)
		return perr(p, i, "missing %s after \"%s\"", what, p->l->tok[i - 1].text);
	return 0;
}

static int no_more(struct pctx *p, int i)
{
	if (i < p->l->ntok)
		return perr(p, i, "unexpected \"%s\" at the end of the statement",
			    p->l->tok[i].text);
	return 0;
}

struct stmt_row;
static const struct stmt_row *stmt_find(const char *word, bool proc);

/* A word that starts a statement of its own: no process may take its name. */
static bool is_keyword(const char *w)
{
	return stmt_find(w, false) != NULL;
}

static bool is_ident(const char *w)
{
	const char *c = w;

	if (!(isalpha((unsigned char)*c) || *c == '_'))
		return false;
	for (c++; *c; c++)
		if (!(isalnum((unsigned char)*c) || *c == '_' || *c == '.' || *c == '-'))
			return false;
	return c - w <= 64;
}

static int ident(struct pctx *p, int i, const char *what, const char **out)
{
	if (need(p, i, what))
		return -1;
	if (p->l->tok[i].quoted || !is_ident(tok(p, i)))
		return perr(p, i, "expected %s (a name like web_1: a letter or _, then letters, digits, _ . -; at most 64), found \"%s\"",
			    what, tok(p, i));
	if (is_keyword(tok(p, i)))
		return perr(p, i, "expected %s, found the keyword \"%s\"", what, tok(p, i));
	*out = tok(p, i);
	return 0;
}

int smc_parse_size(uint64_t *out, const char *s)
{
	uint64_t v = 0;
	const char *c = s;
	int shift = 0;

	if (!isdigit((unsigned char)*c))
		return -EINVAL;
	for (; isdigit((unsigned char)*c); c++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*c - '0');
	}
	switch (*c) {
	case 'k': case 'K': shift = 10; c++; break;
	case 'm': case 'M': shift = 20; c++; break;
	case 'g': case 'G': shift = 30; c++; break;
	case 't': case 'T': shift = 40; c++; break;
	}
	if (*c)
		return -EINVAL;
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

static int size_arg(struct pctx *p, int i, const char *what, uint64_t *out)
{
	int e;

	if (need(p, i, what))
		return -1;
	e = smc_parse_size(out, tok(p, i));
	if (e == -ERANGE)
		return perr(p, i, "%s \"%s\" is too large", what, tok(p, i));
	if (e)
		return perr(p, i, "expected %s (a size like 4096, 64K, 10M, 2G), found \"%s\"",
			    what, tok(p, i));
	return 0;
}

static int int_arg(struct pctx *p, int i, const char *what, int64_t lo, int64_t hi,
		   int64_t *out)
{
	const char *s;
	char *end;
	long long v;

	if (need(p, i, what))
		return -1;
	s = tok(p, i);
	errno = 0;
	v = strtoll(s, &end, 10);
	if (!*s || *end || errno || v < lo || v > hi)
		return perr(p, i, "expected %s (an integer in %lld..%lld), found \"%s\"", what,
			    (long long)lo, (long long)hi, s);
	*out = v;
	return 0;
}

/* "key=VALUE": returns the value part when the word starts with key=. */
static const char *opt_value(const char *w, const char *key)
{
	size_t n = strlen(key);

	if (!strncmp(w, key, n) && w[n] == '=')
		return w + n + 1;
	return NULL;
}

static int cpu_opt(struct pctx *p, int i)
{
	const char *v;
	int64_t cpu;

	p->st->cpu = -1;
	if (i >= p->l->ntok)
		return 0;
	v = opt_value(tok(p, i), "cpu");
	if (!v)
		return perr(p, i, "expected cpu=N, found \"%s\"", tok(p, i));
	{
		char *end;

		errno = 0;
		cpu = strtoll(v, &end, 10);
		if (!*v || *end || errno || cpu < 0 || cpu >= 1024)
			return perr(p, i, "expected cpu=N with N in 0..1023, found \"%s\"",
				    tok(p, i));
	}
	p->st->cpu = (int)cpu;
	return no_more(p, i + 1);
}

/*
 * A quoted word may hold any byte; a path may not hold control bytes: the
 * kernel refuses a cgroup name with a newline (cgroup_mkdir: EINVAL, to
 * keep /proc/PID/cgroup parsable), and the model's files could not show
 * such a name on one line. Refused here, where the line and column are known.
 */
static int control_bytes(struct pctx *p, int i, const char *s, bool cgroup)
{
	struct strbuf q;
	const char *c;

	for (c = s; *c && (unsigned char)*c >= 0x20 && *c != 0x7f; c++)
		;
	if (!*c)
		return 0;
	sb_init(&q);
	smc_quote(&q, s);
	if (cgroup && *c == '\n')
		perr(p, i, "cgroup path %s holds a newline, which the kernel refuses in a cgroup name (EINVAL)",
		     q.buf);
	else
		perr(p, i, "control character 0x%02x in the path %s", (unsigned char)*c, q.buf);
	sb_free(&q);
	return -1;
}

static int check_path_chars(struct pctx *p, int i, const char *s, bool cgroup)
{
	const char *c;

	if (control_bytes(p, i, s, cgroup))
		return -1;
	for (c = s; *c; c++) {
		if (c[0] == '/' && c[1] == '/')
			return perr(p, i, "empty component (\"//\") in path \"%s\"", s);
	}
	if (strstr(s, "/./") || strstr(s, "/../") ||
	    (strlen(s) >= 2 && !strcmp(s + strlen(s) - 2, "/.")) ||
	    (strlen(s) >= 3 && !strcmp(s + strlen(s) - 3, "/..")))
		return perr(p, i, "'.' and '..' are not allowed in path \"%s\"", s);
	if (strlen(s) > 4096)
		return perr(p, i, "path longer than 4096 bytes");
	return 0;
}

static int cgroup_path_arg(struct pctx *p, int i, const char **out)
{
	const char *s;
	int depth = 0;

	if (need(p, i, "a cgroup path"))
		return -1;
	s = tok(p, i);
	if (s[0] != '/')
		return perr(p, i, "expected a cgroup path starting with '/', found \"%s\"", s);
	if (check_path_chars(p, i, s, true))
		return -1;
	for (const char *c = s; *c; c++)
		depth += *c == '/';
	if (depth > 64)
		return perr(p, i, "cgroup path deeper than 64 levels");
	if (!strncmp(s, "/proc/", 6) || !strcmp(s, "/proc"))
		return perr(p, i, "\"/proc\" is reserved for the model's proc files, not a cgroup");
	*out = s;
	return 0;
}

static int fs_path_arg(struct pctx *p, int i, const char *what, const char **out)
{
	const char *s;

	if (need(p, i, what))
		return -1;
	s = tok(p, i);
	if (s[0] != '/')
		return perr(p, i, "expected %s starting with '/', found \"%s\"", what, s);
	if (check_path_chars(p, i, s, false))
		return -1;
	*out = s;
	return 0;
}

/*
 * A directory operand (a mount point, P mkdir): a trailing '/' names the
 * directory itself, as in path lookup, so "/v/" is "/v". (A file operand
 * keeps its '/': it then names a directory, which the backend refuses.)
 */
static int dir_path_arg(struct pctx *p, int i, const char *what, const char **out)
{
	size_t n;

	if (fs_path_arg(p, i, what, out))
		return -1;
	n = strlen(*out);
	if (n > 1 && (*out)[n - 1] == '/') {
		p->st->path_buf = xstrndup(*out, n - 1);
		*out = p->st->path_buf;
	}
	return 0;
}

/* "unknown control file", with the closest name the model knows. */
static int unknown_file(struct pctx *p, int i, const char *name)
{
	struct suggest sg;
	char *names, *line, *save = NULL;
	int rc;

	smemcg_file_names(&names);
	suggest_init(&sg, name);
	for (line = strtok_r(names, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		suggest_offer(&sg, line);
	if (sg.best)
		rc = perr(p, i, "unknown control file \"%s\" (did you mean \"%s\"?)", name, sg.best);
	else
		rc = perr(p, i, "unknown control file \"%s\"", name);
	free(names);
	return rc;
}

/* The NAME of an open file, FILE:NAME: an identifier of up to 64 characters. */
static bool valid_of_name(const char *n)
{
	size_t len = strlen(n), k;

	if (!len || len > 64)
		return false;
	for (k = 0; k < len; k++)
		if (!isalnum((unsigned char)n[k]) && n[k] != '_')
			return false;
	return true;
}

/* CG/FILE, @NAME/FILE or /proc/FILE; checks the file exists and allows it. */
static int file_path_arg(struct pctx *p, int i, unsigned want, const char **out)
{
	const char *s, *base;
	unsigned mode;

	if (need(p, i, "a control file (like /a/memory.max)"))
		return -1;
	s = tok(p, i);
	if (s[0] != '/' && s[0] != '@')
		return perr(p, i, "expected a control file like /a/memory.max or @NAME/memory.current, found \"%s\"",
			    s);
	if (s[0] == '/' ? check_path_chars(p, i, s, false) : control_bytes(p, i, s, false))
		return -1;
	base = strrchr(s, '/');
	if (!base || !base[1])
		return perr(p, i, "expected a file name after the last '/' in \"%s\"", s);
	mode = smemcg_file_mode(s);
	if (!mode && strchr(base, ':')) {
		/* FILE:NAME, an open file of FILE: only where the kernel keeps state per open file */
		char *file = xstrndup(s, (size_t)(strchr(base, ':') - s));
		unsigned fmode = smemcg_file_mode(file);

		free(file);
		if (fmode & SMEMCG_FILE_PER_OPEN)
			return perr(p, i, "expected FILE:NAME with NAME made of letters, digits and _, found \"%s\"",
				    base + 1);
		if (fmode)
			return perr(p, i, "%s: only memory.peak and memory.swap.peak keep state per open file (FILE:NAME names one)",
				    base + 1);
	}
	if (!mode)
		return unknown_file(p, i, base + 1);
	if ((mode & SMEMCG_FILE_PER_OPEN) && strchr(base, ':') &&
	    !valid_of_name(strchr(base, ':') + 1))
		return perr(p, i, "expected FILE:NAME with NAME made of letters, digits and _, found \"%s\"",
			    base + 1);
	if ((want & SMEMCG_FILE_WRITE) && !(mode & SMEMCG_FILE_WRITE) && !p->any_mode)
		return perr(p, i, "%s is read-only", base + 1);
	if ((want & SMEMCG_FILE_READ) && !(mode & SMEMCG_FILE_READ) && !p->any_mode)
		return perr(p, i, "%s is write-only", base + 1);
	*out = s;
	return 0;
}

static const char *const cmp_names[] = { "==", "!=", "<", "<=", ">", ">=", "~" };

const char *smc_cmp_name(enum smc_cmp cmp)
{
	return cmp_names[cmp];
}

static int cmp_of(const char *w)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmp_names); i++)
		if (!strcmp(w, cmp_names[i]))
			return (int)i;
	return -1;
}

/* A word made of comparison characters is a comparison mistyped, not a key. */
static bool looks_like_cmp(const char *w)
{
	return *w && strspn(w, "=!<>~") == strlen(w);
}

static int bad_cmp(struct pctx *p, int i)
{
	struct suggest sg;
	size_t k;

	suggest_init(&sg, tok(p, i));
	for (k = 0; k < ARRAY_SIZE(cmp_names); k++)
		suggest_offer(&sg, cmp_names[k]);
	if (sg.best)
		return perr(p, i, "expected a comparison (== != < <= > >= ~), found \"%s\" (did you mean \"%s\"?)",
			    tok(p, i), sg.best);
	return perr(p, i, "expected a comparison (== != < <= > >= ~), found \"%s\"", tok(p, i));
}

static int value_arg(struct pctx *p, int i, struct smc_value *v)
{
	const char *s;
	uint64_t n;
	int e;

	if (need(p, i, "a value"))
		return -1;
	s = tok(p, i);
	if (p->l->tok[i].quoted) {
		v->kind = VAL_STRING;
		v->str = s;
		return 0;
	}
	if (!strcmp(s, "max")) {
		v->kind = VAL_MAX;
		return 0;
	}
	e = smc_parse_size(&n, s[0] == '-' ? s + 1 : s);
	/* down to INT64_MIN, whose magnitude is one more than INT64_MAX */
	if (e || n > (uint64_t)INT64_MAX + (s[0] == '-'))
		return perr(p, i, "expected a value (an integer, a size like 10M, max, or a \"quoted string\"), found \"%s\"",
			    s);
	v->kind = VAL_NUMBER;
	if (s[0] != '-')
		v->num = (int64_t)n;
	else if (n > (uint64_t)INT64_MAX)
		v->num = INT64_MIN;
	else
		v->num = -(int64_t)n;
	return 0;
}

static int tol_arg(struct pctx *p, int i, struct smc_value *v)
{
	const char *s = tok(p, i);
	size_t n = strlen(s);
	uint64_t x;

	if (n > 1 && s[n - 1] == '%') {
		char *buf = xstrndup(s, n - 1);
		int e = smc_parse_size(&x, buf);

		free(buf);
		if (e || x > 100)
			return perr(p, i, "expected a tolerance N%% with N in 0..100, found \"%s\"", s);
		v->kind = VAL_PERCENT;
		v->num = (int64_t)x;
		return 0;
	}
	if (smc_parse_size(&x, s) || x > (uint64_t)INT64_MAX)
		return perr(p, i, "expected a tolerance (N%% or a size like 64K), found \"%s\"", s);
	v->kind = VAL_NUMBER;
	v->num = (int64_t)x;
	return 0;
}

/*
 * Linux's signal numbers (the generic and x86 ones the model follows), 1
 * to 64, so that every signal a process can die of has a name: 1 to 31 by
 * their names, 32 to 64 the real-time signals from SIGRTMIN to SIGRTMAX
 * as the kernel numbers them.
 */
static const char *const signal_names[] = {
	"SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
	"SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
	"SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU",
	"SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",
	"SIGPWR", "SIGSYS", "SIGRTMIN", "SIGRTMIN+1", "SIGRTMIN+2", "SIGRTMIN+3",
	"SIGRTMIN+4", "SIGRTMIN+5", "SIGRTMIN+6", "SIGRTMIN+7", "SIGRTMIN+8", "SIGRTMIN+9",
	"SIGRTMIN+10", "SIGRTMIN+11", "SIGRTMIN+12", "SIGRTMIN+13", "SIGRTMIN+14",
	"SIGRTMIN+15", "SIGRTMIN+16", "SIGRTMIN+17", "SIGRTMIN+18", "SIGRTMIN+19",
	"SIGRTMIN+20", "SIGRTMIN+21", "SIGRTMIN+22", "SIGRTMIN+23", "SIGRTMIN+24",
	"SIGRTMIN+25", "SIGRTMIN+26", "SIGRTMIN+27", "SIGRTMIN+28", "SIGRTMIN+29",
	"SIGRTMIN+30", "SIGRTMIN+31", "SIGRTMAX",
};

int smc_signal_from_name(const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(signal_names); i++)
		if (!strcmp(s, signal_names[i]) || !strcmp(s, signal_names[i] + 3))
			return (int)i + 1;
	if (isdigit((unsigned char)s[0])) {
		char *end;
		long v = strtol(s, &end, 10);

		if (!*end && v > 0 && v <= (long)ARRAY_SIZE(signal_names))
			return (int)v;
	}
	return 0;
}

const char *smc_signal_name(int sig)
{
	if (sig < 1 || sig > (int)ARRAY_SIZE(signal_names))
		return "SIG?";
	return signal_names[sig - 1];
}

static int signal_arg(struct pctx *p, int i, int *sig)
{
	*sig = smc_signal_from_name(tok(p, i));
	if (!*sig)
		return perr(p, i, "expected a signal (SIGKILL, SIGTERM, SIGBUS, ... or 1..64), found \"%s\"",
			    tok(p, i));
	return 0;
}

static int duration_arg(struct pctx *p, int i, uint64_t *ns)
{
	const char *s;
	int err;

	if (need(p, i, "a duration"))
		return -1;
	s = tok(p, i);
	err = parse_duration(s, ns);
	if (err == -EDOM)
		return perr(p, i, "expected a duration with a unit (ns, us, ms, s, min), found \"%s\"",
			    s);
	if (err == -ERANGE && isdigit((unsigned char)s[0]))
		return perr(p, i, "duration \"%s\" is longer than a year", s);
	if (err)
		return perr(p, i, "expected a duration like 100ms or 2s, found \"%s\"", s);
	return 0;
}

/*
 * machine [memory=SIZE] [swap=SIZE] [cpus=N] [nodes=N] [kernel=B]: kernel=
 * is the policy key kernel, set on this line (st->kv), so that a scenario
 * sets it once and --policy kernel= overrides it as any policy.
 */
static int parse_machine(struct pctx *p)
{
	int i;

	for (i = 1; i < p->l->ntok; i++) {
		const char *w = tok(p, i), *v;
		uint64_t x;

		if ((v = opt_value(w, "kernel"))) {
			char msg[256];

			if (p->st->nkv)
				return perr(p, i, "kernel= is given twice on this line");
			if (smemcg_policy_check(msg, sizeof(msg), "kernel", v))
				return perr(p, i, "expected kernel=6.1 or kernel=6.12, found \"%s\"", w);
			p->st->kv = xcalloc(1, sizeof(*p->st->kv));
			p->st->kv[0].key = xstrdup("kernel");
			p->st->kv[0].value = v;
			p->st->nkv = 1;
		} else if ((v = opt_value(w, "memory")) || (v = opt_value(w, "swap"))) {
			bool mem = w[0] == 'm';

			if (smc_parse_size(&x, v))
				return perr(p, i, "expected %s=SIZE (like 4G), found \"%s\"",
					    mem ? "memory" : "swap", w);
			if (x > SMEMCG_MAX_MEMORY)
				return perr(p, i, "%s is more than the model's limit of 1T for memory and swap together",
					    w);
			if (mem && x < (1ULL << 20))
				return perr(p, i, "%s is less than the model's minimum of 1M", w);
			if (mem) {
				p->st->size = x;
				p->st->flags |= SMC_F_SIZE;
			} else {
				p->st->swap = x;
				p->st->flags |= SMC_F_SWAP;
			}
			if ((p->st->flags & SMC_F_SIZE) && (p->st->flags & SMC_F_SWAP) &&
			    p->st->size + p->st->swap > SMEMCG_MAX_MEMORY)
				return perr(p, i, "memory and swap together are more than the model's limit of 1T");
		} else if ((v = opt_value(w, "nodes"))) {
			char *end;
			long n = strtol(v, &end, 10);

			if (!*v || *end || n < 1 || n > 64)
				return perr(p, i, "expected nodes=N with N in 1..64, found \"%s\"", w);
			p->st->nodes = (int)n;
		} else if ((v = opt_value(w, "cpus"))) {
			char *end;
			long n = strtol(v, &end, 10);

			if (!*v || *end || n < 1 || n > 1024)
				return perr(p, i, "expected cpus=N with N in 1..1024, found \"%s\"", w);
			p->st->num = n;
			p->st->flags |= SMC_F_CPUS;
		} else {
			return perr(p, i, "expected memory=SIZE, swap=SIZE, cpus=N, nodes=N or kernel=6.1|6.12, found \"%s\"",
				    w);
		}
	}
	return 0;
}

static int parse_cgroup_options(struct pctx *p)
{
	int i;

	for (i = 1; i < p->l->ntok; i++) {
		if (!strcmp(tok(p, i), "memory_recursiveprot"))
			p->st->cgopts |= SMEMCG_OPT_RECURSIVEPROT;
		else if (!strcmp(tok(p, i), "memory_localevents"))
			p->st->cgopts |= SMEMCG_OPT_LOCALEVENTS;
		else
			return perr(p, i, "expected memory_recursiveprot or memory_localevents, found \"%s\"",
				    tok(p, i));
	}
	return 0;
}

static int parse_policy(struct pctx *p)
{
	int i;

	if (need(p, 1, "KEY=VALUE"))
		return -1;
	p->st->kv = xcalloc((size_t)p->l->ntok, sizeof(*p->st->kv));
	for (i = 1; i < p->l->ntok; i++) {
		const char *w = tok(p, i), *eq = strchr(w, '=');
		char msg[256];

		if (!eq || eq == w || !eq[1])
			return perr(p, i, "expected KEY=VALUE (like shared=owner), found \"%s\"", w);
		p->st->kv[p->st->nkv].key = xstrndup(w, (size_t)(eq - w));
		p->st->kv[p->st->nkv].value = eq + 1;
		p->st->nkv++;
		if (smemcg_policy_check(msg, sizeof(msg), p->st->kv[p->st->nkv - 1].key,
					eq + 1))
			return perr(p, i, "%s", msg);
	}
	return 0;
}

static int parse_write(struct pctx *p)
{
	struct strbuf sb;
	int i;

	if (file_path_arg(p, 1, SMEMCG_FILE_WRITE, &p->st->path))
		return -1;
	if (need(p, 2, "a value to write"))
		return -1;
	sb_init(&sb);
	for (i = 2; i < p->l->ntok; i++) {
		if (i > 2)
			sb_puts(&sb, " ");
		sb_puts(&sb, tok(p, i));
	}
	p->st->text = sb_detach(&sb);
	return 0;
}

/*
 * The right side of an expect made of files: REF [+ REF ...] [TOL], each
 * REF being FILE [KEY [FIELD]]; their values are summed.
 */
static int parse_expect_refs(struct pctx *p, int i)
{
	struct smc_stmt *st = p->st;
	size_t cap = 0;

	st->value.kind = VAL_REFS;
	for (;;) {
		struct smc_ref r = { NULL, NULL, NULL };

		if (file_path_arg(p, i, SMEMCG_FILE_READ, &r.path))
			return -1;
		i++;
		if (i < p->l->ntok && isalpha((unsigned char)tok(p, i)[0])) {
			r.key = tok(p, i++);
			if (i < p->l->ntok && isalpha((unsigned char)tok(p, i)[0]))
				r.field = tok(p, i++);
		}
		ALLOC_GROW(st->refs, (size_t)st->nrefs + 1, cap);
		st->refs[st->nrefs++] = r;
		if (i < p->l->ntok && !strcmp(tok(p, i), "+")) {
			if (need(p, i + 1, "a control file after \"+\""))
				return -1;
			i++;
			continue;
		}
		break;
	}
	if (i < p->l->ntok) {
		if (st->cmp != CMP_CLOSE)
			return perr(p, i, "a tolerance follows only the ~ comparison");
		if (tol_arg(p, i, &st->tol))
			return -1;
		return no_more(p, i + 1);
	}
	return 0;
}

static int parse_expect(struct pctx *p)
{
	struct smc_stmt *st = p->st;
	int i = 2, c;

	if (need(p, 1, "a control file or a process"))
		return -1;
	if (tok(p, 1)[0] != '/' && tok(p, 1)[0] != '@') {
		const char *w;

		st->op = SMC_EXPECT_PROC;
		if (ident(p, 1, "a process name", &st->proc))
			return -1;
		if (need(p, 2, "alive, exited or killed"))
			return -1;
		w = tok(p, 2);
		if (!strcmp(w, "alive"))
			st->pstate = SMC_ALIVE;
		else if (!strcmp(w, "exited"))
			st->pstate = SMC_EXITED;
		else if (!strcmp(w, "killed"))
			st->pstate = SMC_KILLED;
		else
			return perr(p, 2, "expected alive, exited or killed, found \"%s\"", w);
		if (p->l->ntok > 3) {
			if (st->pstate != SMC_KILLED)
				return perr(p, 3, "a signal follows only \"killed\"");
			if (signal_arg(p, 3, &st->signal))
				return -1;
			return no_more(p, 4);
		}
		return 0;
	}
	if (file_path_arg(p, 1, SMEMCG_FILE_READ, &st->path))
		return -1;
	if (need(p, 2, "a comparison (== != < <= > >= ~) or a key"))
		return -1;
	c = cmp_of(tok(p, 2));
	if (c < 0 && looks_like_cmp(tok(p, 2)))
		return bad_cmp(p, 2);
	if (c < 0) {
		st->key = tok(p, 2);
		i = 3;
		if (need(p, 3, "a comparison (== != < <= > >= ~) or a field"))
			return -1;
		c = cmp_of(tok(p, 3));
		if (c < 0 && looks_like_cmp(tok(p, 3)))
			return bad_cmp(p, 3);
		if (c < 0 && isalpha((unsigned char)tok(p, 3)[0])) {
			st->field = tok(p, 3);
			i = 4;
			if (need(p, 4, "a comparison (== != < <= > >= ~)"))
				return -1;
			c = cmp_of(tok(p, 4));
		}
		if (c < 0)
			return bad_cmp(p, i);
	}
	st->cmp = (enum smc_cmp)c;
	if (i + 1 < p->l->ntok && !p->l->tok[i + 1].quoted &&
	    (tok(p, i + 1)[0] == '/' || tok(p, i + 1)[0] == '@'))
		return parse_expect_refs(p, i + 1);
	if (value_arg(p, i + 1, &st->value))
		return -1;
	if (st->value.kind == VAL_STRING && st->cmp != CMP_EQ && st->cmp != CMP_NE)
		return perr(p, i, "a quoted string compares only with == or !=");
	if (i + 2 < p->l->ntok) {
		if (st->cmp != CMP_CLOSE)
			return perr(p, i + 2, "a tolerance follows only the ~ comparison");
		if (tol_arg(p, i + 2, &st->tol))
			return -1;
		return no_more(p, i + 3);
	}
	return 0;
}

static int range_args(struct pctx *p, int i)
{
	if (i >= p->l->ntok || !isdigit((unsigned char)tok(p, i)[0]))
		return i;
	if (size_arg(p, i, "an offset", &p->st->off) ||
	    size_arg(p, i + 1, "a length", &p->st->len))
		return -1;
	p->st->flags |= SMC_F_RANGE;
	return i + 2;
}

static int parse_mmap(struct pctx *p)
{
	struct smc_stmt *st = p->st;
	int i;

	if (ident(p, 2, "a mapping name", &st->name))
		return -1;
	if (need(p, 3, "anon or file"))
		return -1;
	if (!strcmp(tok(p, 3), "anon")) {
		st->op = SMC_MMAP_ANON;
		if (size_arg(p, 4, "a SIZE", &st->size))
			return -1;
		if (p->l->ntok > 5) {
			if (strcmp(tok(p, 5), "shared"))
				return perr(p, 5, "expected \"shared\", found \"%s\"", tok(p, 5));
			st->flags |= SMC_F_SHARED;
			return no_more(p, 6);
		}
		return 0;
	}
	if (strcmp(tok(p, 3), "file"))
		return perr(p, 3, "expected anon or file, found \"%s\"", tok(p, 3));
	st->op = SMC_MMAP_FILE;
	if (fs_path_arg(p, 4, "a file path", &st->path) ||
	    size_arg(p, 5, "a SIZE", &st->size))
		return -1;
	for (i = 6; i < p->l->ntok; i++) {
		const char *w = tok(p, i), *v;

		if (!strcmp(w, "shared") || !strcmp(w, "private")) {
			if (st->flags & (SMC_F_SHARED | SMC_F_PRIVATE))
				return perr(p, i, "shared or private is given twice");
			st->flags |= w[0] == 's' ? SMC_F_SHARED : SMC_F_PRIVATE;
		} else if ((v = opt_value(w, "offset"))) {
			if (smc_parse_size(&st->offset, v))
				return perr(p, i, "expected offset=SIZE, found \"%s\"", w);
		} else {
			return perr(p, i, "expected shared, private or offset=SIZE, found \"%s\"", w);
		}
	}
	return 0;
}

static int parse_mount(struct pctx *p, bool remount)
{
	struct smc_stmt *st = p->st;
	struct strbuf opts;
	int i = 2;

	if (!remount) {
		if (need(p, 2, "a filesystem type"))
			return -1;
		if (!strcmp(tok(p, 2), "ext4"))
			st->flags |= SMC_F_DISK;
		else if (strcmp(tok(p, 2), "tmpfs"))
			return perr(p, 2, "expected tmpfs or ext4, found \"%s\"", tok(p, 2));
		i = 3;
	}
	if (dir_path_arg(p, i, "a mount point", &st->path))
		return -1;
	sb_init(&opts);
	for (i++; i < p->l->ntok; i++) {
		const char *w = tok(p, i), *v;

		if (opts.len)
			sb_puts(&opts, ",");
		sb_puts(&opts, w);
		if (!remount && !(st->flags & SMC_F_DISK) && (v = opt_value(w, "size"))) {
			if (smc_parse_size(&st->size, v)) {
				sb_free(&opts);
				return perr(p, i, "expected size=SIZE, found \"%s\"", w);
			}
			st->flags |= SMC_F_SIZE;
		} else if ((v = opt_value(w, "memcg"))) {
			st->memcg = v;
		} else if (!remount && (v = opt_value(w, "smemcg"))) {
			st->smemcg = v;
		} else {
			sb_free(&opts);
			return perr(p, i, "expected %s, found \"%s\"",
				    remount ? "memcg=CG"
				    : st->flags & SMC_F_DISK ? "memcg=CG or smemcg=NAME"
				    : "size=SIZE, memcg=CG or smemcg=NAME", w);
		}
	}
	st->opts = sb_detach(&opts);
	return 0;
}

static int parse_kmalloc(struct pctx *p)
{
	struct smc_stmt *st = p->st;
	const char *c;
	static const char *const caches[] = { "dentry", "inode", "task_struct", "sock",
					      "pipe" };
	size_t k;
	int64_t n;

	st->op = tok(p, 1)[1] == 'm' ? SMC_KMALLOC : SMC_KFREE;
	if (need(p, 2, "a cache name"))
		return -1;
	c = tok(p, 2);
	st->name = c;
	if (!strncmp(c, "bytes:", 6)) {
		if (smc_parse_size(&st->size, c + 6) || !st->size)
			return perr(p, 2, "expected bytes:SIZE with SIZE > 0, found \"%s\"", c);
	} else {
		for (k = 0; k < ARRAY_SIZE(caches); k++)
			if (!strcmp(c, caches[k]))
				break;
		if (k == ARRAY_SIZE(caches))
			return perr(p, 2, "expected a cache (dentry, inode, task_struct, sock, pipe, bytes:SIZE), found \"%s\"",
				    c);
	}
	if (int_arg(p, 3, "a COUNT", 1, 100000000, &n))
		return -1;
	st->count = (uint64_t)n;
	return no_more(p, 4);
}

/* ---- statements of a process: P VERB ... ---- */

static int parse_oom_score_adj(struct pctx *p)
{
	p->st->op = SMC_OOM_SCORE_ADJ;
	return int_arg(p, 2, "an oom_score_adj", -1000, 1000, &p->st->num) || no_more(p, 3);
}

static int parse_touch(struct pctx *p)
{
	struct smc_stmt *st = p->st;
	int i;

	st->op = SMC_TOUCH;
	if (ident(p, 2, "a mapping name", &st->name))
		return -1;
	i = range_args(p, 3);
	if (i < 0)
		return -1;
	if (i < p->l->ntok && !strcmp(tok(p, i), "ro")) {
		st->flags |= SMC_F_RO;
		i++;
	}
	return no_more(p, i);
}

/* munmap, mlock, munlock M */
static int parse_map_op(struct pctx *p)
{
	const char *verb = tok(p, 1);

	p->st->op = !strcmp(verb, "munmap") ? SMC_MUNMAP
		    : !strcmp(verb, "mlock") ? SMC_MLOCK : SMC_MUNLOCK;
	return ident(p, 2, "a mapping name", &p->st->name) || no_more(p, 3);
}

/* P write|read PATH OFF LEN */
static int parse_file_rw(struct pctx *p)
{
	struct smc_stmt *st = p->st;

	st->op = tok(p, 1)[0] == 'w' ? SMC_FILE_WRITE : SMC_FILE_READ;
	return fs_path_arg(p, 2, "a file path", &st->path) ||
	       size_arg(p, 3, "an offset", &st->off) ||
	       size_arg(p, 4, "a length", &st->len) || no_more(p, 5);
}

static int parse_truncate(struct pctx *p)
{
	p->st->op = SMC_TRUNCATE;
	return fs_path_arg(p, 2, "a file path", &p->st->path) ||
	       size_arg(p, 3, "a SIZE", &p->st->size) || no_more(p, 4);
}

static int parse_unlink(struct pctx *p)
{
	p->st->op = SMC_UNLINK;
	return fs_path_arg(p, 2, "a path", &p->st->path) || no_more(p, 3);
}

/* P umount|mkdir DIR */
static int parse_fs_dir(struct pctx *p)
{
	p->st->op = tok(p, 1)[0] == 'u' ? SMC_UMOUNT : SMC_FS_MKDIR;
	return dir_path_arg(p, 2, "a path", &p->st->path) || no_more(p, 3);
}

static int parse_mount_stmt(struct pctx *p)
{
	p->st->op = SMC_MOUNT;
	return parse_mount(p, false);
}

static int parse_remount(struct pctx *p)
{
	p->st->op = SMC_REMOUNT;
	return parse_mount(p, true);
}

static int parse_open(struct pctx *p)
{
	struct smc_stmt *st = p->st;

	st->op = SMC_OPEN;
	if (ident(p, 2, "an fd name", &st->name) || need(p, 3, "a device"))
		return -1;
	st->path = tok(p, 3);
	if (strcmp(st->path, "/dev/vfio") && strcmp(st->path, "/dev/rdma") &&
	    strcmp(st->path, "/dev/iouring"))
		return perr(p, 3, "expected a device (/dev/vfio, /dev/rdma, /dev/iouring), found \"%s\"",
			    st->path);
	if (p->l->ntok > 4) {
		if (strcmp(tok(p, 4), "keep-pins"))
			return perr(p, 4, "expected keep-pins, found \"%s\"", tok(p, 4));
		st->flags |= SMC_F_KEEP_PINS;
		return no_more(p, 5);
	}
	return 0;
}

/* P pin|unpin FD M [OFF LEN] */
static int parse_pin(struct pctx *p)
{
	int i;

	p->st->op = tok(p, 1)[0] == 'p' ? SMC_PIN : SMC_UNPIN;
	if (ident(p, 2, "an fd name", &p->st->path) ||
	    ident(p, 3, "a mapping name", &p->st->name))
		return -1;
	i = range_args(p, 4);
	return i < 0 ? -1 : no_more(p, i);
}

/* P close|release FD */
static int parse_close(struct pctx *p)
{
	p->st->op = tok(p, 1)[0] == 'c' ? SMC_CLOSE : SMC_RELEASE;
	return ident(p, 2, "an fd name", &p->st->name) || no_more(p, 3);
}

static int parse_setrlimit(struct pctx *p)
{
	struct smc_stmt *st = p->st;

	st->op = SMC_SETRLIMIT;
	if (need(p, 2, "memlock or nofile"))
		return -1;
	if (strcmp(tok(p, 2), "memlock") && strcmp(tok(p, 2), "nofile"))
		return perr(p, 2, "expected memlock or nofile (the limits modelled), found \"%s\"",
			    tok(p, 2));
	st->name = tok(p, 2);
	if (need(p, 3, st->name[0] == 'm' ? "a SIZE" : "a number of fds"))
		return -1;
	if (!strcmp(tok(p, 3), "unlimited") || !strcmp(tok(p, 3), "max")) {
		st->size = UINT64_MAX;
	} else if (st->name[0] == 'n') {
		int64_t n;

		if (int_arg(p, 3, "a number of fds", 0, INT64_MAX, &n))
			return -1;
		st->size = (uint64_t)n;
	} else if (size_arg(p, 3, "a SIZE", &st->size)) {
		return -1;
	}
	return no_more(p, 4);
}

static int parse_cap(struct pctx *p)
{
	p->st->op = SMC_CAP;
	if (need(p, 2, "ipc_lock"))
		return -1;
	if (strcmp(tok(p, 2), "ipc_lock"))
		return perr(p, 2, "expected ipc_lock (the only capability modelled), found \"%s\"",
			    tok(p, 2));
	p->st->name = tok(p, 2);
	return no_more(p, 3);
}

static int parse_dmabuf(struct pctx *p)
{
	struct smc_stmt *st = p->st;

	st->op = SMC_DMABUF;
	if (ident(p, 2, "a dma_buf name", &st->name) || size_arg(p, 3, "a SIZE", &st->size))
		return -1;
	if (p->l->ntok > 4) {
		const char *v = opt_value(tok(p, 4), "smemcg");

		if (!v || !is_ident(v))
			return perr(p, 4, "expected smemcg=NAME, found \"%s\"", tok(p, 4));
		st->smemcg = v;
		return no_more(p, 5);
	}
	return 0;
}

/* P madvise M dontneed|free|pageout|cold [OFF LEN] */
static int parse_madvise(struct pctx *p)
{
	static const char *const advice[] = { "dontneed", "free", "pageout", "cold" };
	struct smc_stmt *st = p->st;
	size_t k;
	int i;

	st->op = SMC_MADVISE;
	if (ident(p, 2, "a mapping name", &st->name) ||
	    need(p, 3, "dontneed, free, pageout or cold"))
		return -1;
	for (k = 0; k < ARRAY_SIZE(advice); k++)
		if (!strcmp(tok(p, 3), advice[k]))
			break;
	if (k == ARRAY_SIZE(advice))
		return perr(p, 3, "expected dontneed, free, pageout or cold, found \"%s\"",
			    tok(p, 3));
	st->num = (int64_t)k;
	i = range_args(p, 4);
	return i < 0 ? -1 : no_more(p, i);
}

static int parse_fsync(struct pctx *p)
{
	p->st->op = SMC_FSYNC;
	return fs_path_arg(p, 2, "a file path", &p->st->path) || no_more(p, 3);
}

static int parse_import(struct pctx *p)
{
	p->st->op = SMC_IMPORT;
	return ident(p, 2, "a dma_buf name", &p->st->path) ||
	       ident(p, 3, "a mapping name", &p->st->name) || no_more(p, 4);
}

/* ---- statements that start with a keyword ---- */

/* sync | swapoff */
static int parse_no_args(struct pctx *p)
{
	p->st->op = tok(p, 0)[1] == 'y' ? SMC_SYNC : SMC_SWAPOFF;
	return no_more(p, 1);
}

static int parse_drop_caches(struct pctx *p)
{
	p->st->op = SMC_DROP_CACHES;
	return int_arg(p, 1, "1, 2 or 3", 1, 3, &p->st->num) || no_more(p, 2);
}

static int parse_sysctl(struct pctx *p)
{
	struct smc_stmt *st = p->st;

	st->op = SMC_SYSCTL;
	if (need(p, 1, "a sysctl (vm.swappiness)"))
		return -1;
	if (strcmp(tok(p, 1), "vm.swappiness"))
		return perr(p, 1, "expected vm.swappiness (the one sysctl the language sets), found \"%s\"",
			    tok(p, 1));
	st->name = tok(p, 1);
	return int_arg(p, 2, "a swappiness", 0, 200, &st->num) || no_more(p, 3);
}

/* mkdir|rmdir CG */
static int parse_cgroup_dir(struct pctx *p)
{
	p->st->op = tok(p, 0)[0] == 'm' ? SMC_MKDIR : SMC_RMDIR;
	return cgroup_path_arg(p, 1, &p->st->path) || no_more(p, 2);
}

/* explain CG | explain @NAME */
static int parse_explain(struct pctx *p)
{
	p->st->op = SMC_EXPLAIN;
	if (need(p, 1, "a cgroup path or @NAME"))
		return -1;
	if (tok(p, 1)[0] == '@') {
		if (!is_ident(tok(p, 1) + 1))
			return perr(p, 1, "expected @NAME (an smemcg name), found \"%s\"", tok(p, 1));
		p->st->path = tok(p, 1);
		return no_more(p, 2);
	}
	return cgroup_path_arg(p, 1, &p->st->path) || no_more(p, 2);
}

static int parse_write_stmt(struct pctx *p)
{
	p->st->op = SMC_WRITE;
	return parse_write(p);
}

static int parse_read(struct pctx *p)
{
	p->st->op = SMC_READ;
	return file_path_arg(p, 1, SMEMCG_FILE_READ, &p->st->path) || no_more(p, 2);
}

static int parse_expect_stmt(struct pctx *p)
{
	p->st->op = SMC_EXPECT_FILE;
	return parse_expect(p);
}

static int parse_spawn(struct pctx *p)
{
	p->st->op = SMC_SPAWN;
	return ident(p, 1, "a process name", &p->st->proc) ||
	       cgroup_path_arg(p, 2, &p->st->path) || cpu_opt(p, 3);
}

/* fork|clone-vm P CHILD [cpu=N] */
static int parse_fork(struct pctx *p)
{
	p->st->op = tok(p, 0)[0] == 'f' ? SMC_FORK : SMC_CLONE_VM;
	return ident(p, 1, "a process name", &p->st->proc) ||
	       ident(p, 2, "a name for the child", &p->st->name) || cpu_opt(p, 3);
}

static int parse_move(struct pctx *p)
{
	p->st->op = SMC_MOVE;
	return ident(p, 1, "a process name", &p->st->proc) ||
	       cgroup_path_arg(p, 2, &p->st->path) || no_more(p, 3);
}

static int parse_exit(struct pctx *p)
{
	p->st->op = SMC_EXIT;
	return ident(p, 1, "a process name", &p->st->proc) || no_more(p, 2);
}

static int parse_kill(struct pctx *p)
{
	p->st->op = SMC_KILL;
	p->st->signal = 9;
	if (ident(p, 1, "a process name", &p->st->proc))
		return -1;
	if (p->l->ntok > 2)
		return signal_arg(p, 2, &p->st->signal) || no_more(p, 3);
	return 0;
}

static int parse_smemcg(struct pctx *p)
{
	struct smc_stmt *st = p->st;

	if (need(p, 1, "create or destroy"))
		return -1;
	if (!strcmp(tok(p, 1), "create")) {
		st->op = SMC_SMEMCG_CREATE;
		st->size = UINT64_MAX;
		if (ident(p, 2, "an smemcg name", &st->name))
			return -1;
		if (p->l->ntok > 3) {
			const char *v = opt_value(tok(p, 3), "max");

			if (!v)
				return perr(p, 3, "expected max=SIZE, found \"%s\"", tok(p, 3));
			if (strcmp(v, "max") && smc_parse_size(&st->size, v))
				return perr(p, 3, "expected max=SIZE, found \"%s\"", tok(p, 3));
			st->flags |= SMC_F_SIZE;
			return no_more(p, 4);
		}
		return 0;
	}
	if (!strcmp(tok(p, 1), "destroy")) {
		st->op = SMC_SMEMCG_DESTROY;
		return ident(p, 2, "an smemcg name", &st->name) || no_more(p, 3);
	}
	return perr(p, 1, "expected create or destroy, found \"%s\"", tok(p, 1));
}

static int parse_sleep(struct pctx *p)
{
	p->st->op = SMC_SLEEP;
	return duration_arg(p, 1, &p->st->ns) || no_more(p, 2);
}

static int parse_repeat(struct pctx *p)
{
	int64_t n;

	p->st->op = SMC_REPEAT;
	if (int_arg(p, 1, "a repeat count", 0, 10000000, &n))
		return -1;
	p->st->count = (uint64_t)n;
	return no_more(p, 2);
}

static int parse_end(struct pctx *p)
{
	p->st->op = SMC_END;
	return no_more(p, 1);
}

static int parse_echo(struct pctx *p)
{
	struct strbuf sb;
	int i;

	p->st->op = SMC_ECHO;
	sb_init(&sb);
	for (i = 1; i < p->l->ntok; i++) {
		if (i > 1)
			sb_puts(&sb, " ");
		sb_puts(&sb, tok(p, i));
	}
	p->st->text = sb_detach(&sb);
	return 0;
}

static int parse_line(struct pctx *p);

static int parse_expect_error(struct pctx *p)
{
	struct smc_stmt *st = p->st;
	struct smc_line rest;
	struct pctx q;

	st->op = SMC_EXPECT_ERROR;
	if (need(p, 1, "an errno name (ENOMEM, ENOSPC, EBUSY, ...)"))
		return -1;
	st->err = errno_from_name(tok(p, 1));
	if (!st->err)
		return perr(p, 1, "expected an errno name (ENOMEM, ENOSPC, EBUSY, EINVAL, EPERM, ...), found \"%s\"",
			    tok(p, 1));
	if (need(p, 2, "a statement"))
		return -1;
	rest.line = p->l->line;
	rest.ntok = p->l->ntok - 2;
	rest.tok = p->l->tok + 2;
	st->inner = xcalloc(1, sizeof(*st->inner));
	q.l = &rest;
	q.st = st->inner;
	q.err = p->err;
	q.any_mode = true;
	if (parse_line(&q))
		return -1;
	st->inner->src = p->l;
	switch (st->inner->op) {
	case SMC_EXPECT_ERROR: case SMC_REPEAT: case SMC_END: case SMC_EXPECT_FILE:
	case SMC_EXPECT_PROC: case SMC_ECHO: case SMC_MACHINE: case SMC_POLICY:
	case SMC_CGROUP_OPTIONS:
		return perr(p, 2, "expect-error takes a statement that can fail, not \"%s\"",
			    tok(p, 2));
	default:
		return 0;
	}
}

static int parse_machine_stmt(struct pctx *p)
{
	p->st->op = SMC_MACHINE;
	return parse_machine(p);
}

static int parse_cgroup_options_stmt(struct pctx *p)
{
	p->st->op = SMC_CGROUP_OPTIONS;
	return parse_cgroup_options(p);
}

static int parse_policy_stmt(struct pctx *p)
{
	p->st->op = SMC_POLICY;
	return parse_policy(p);
}

/* ---- the statement table ---- */

/*
 * Every form of every statement: the parser dispatches on the first word
 * (or, for a process's statement, the verb after P) through this table,
 * and the shell's `help`, the completion and docs/scenario.md's list
 * (tests/cli/run-help.sh) come from it, so that none of them can name a
 * statement the parser does not take. Rows of one word are together.
 */
struct stmt_row {
	struct smc_stmt_info info;
	int (*parse)(struct pctx *p);
};

#define KW(w, fn, syn, desc) { { w, false, syn, desc }, fn }
#define PV(w, fn, syn, desc) { { w, true, "P " syn, desc }, fn }

static const struct stmt_row stmt_table[] = {
	KW("machine", parse_machine_stmt,
	   "machine [memory=SIZE] [swap=SIZE] [cpus=N] [nodes=N] [kernel=6.1|6.12]",
	   "the simulated machine (4G, no swap, 2 CPUs, 1 node, Linux 6.1); first, if at all"),
	KW("cgroup-options", parse_cgroup_options_stmt,
	   "cgroup-options [memory_recursiveprot] [memory_localevents]",
	   "cgroup2 mount options; before any statement but machine and policy"),
	KW("policy", parse_policy_stmt, "policy KEY=VALUE...",
	   "choose a policy (keys and values: smemcg run --help, docs/policies.md)"),
	KW("mkdir", parse_cgroup_dir, "mkdir CG", "create cgroup CG (a path from /)"),
	KW("rmdir", parse_cgroup_dir, "rmdir CG",
	   "remove cgroup CG; its charged pages may keep a dying memcg"),
	KW("explain", parse_explain, "explain CG|@NAME",
	   "why a cgroup (or smemcg @NAME) is charged what it is, object by object"),
	KW("write", parse_write_stmt, "write FILE VALUE...",
	   "echo VALUE > FILE, FILE a control file (/a/memory.max, @NAME/memory.max)"),
	KW("read", parse_read, "read FILE", "print a control file as TAP comments"),
	KW("expect", parse_expect_stmt, "expect FILE [KEY [FIELD]] OP VALUE [TOL]",
	   "a test point: FILE's value (or KEY's) OP VALUE; OP is == != < <= > >= ~"),
	KW("expect", parse_expect_stmt, "expect FILE [KEY [FIELD]] OP FILE [KEY [FIELD]] [+ FILE ...] [TOL]",
	   "a test point: a value OP the sum of other files' values"),
	KW("expect", parse_expect_stmt, "expect P alive|exited|killed [SIGNAL]",
	   "a test point: the state of process P"),
	KW("spawn", parse_spawn, "spawn P CG [cpu=N]", "start process P in cgroup CG"),
	KW("fork", parse_fork, "fork P CHILD [cpu=N]",
	   "P forks CHILD in its cgroup; private pages shared copy-on-write"),
	KW("clone-vm", parse_fork, "clone-vm P CHILD [cpu=N]",
	   "CHILD is a process sharing P's address space (CLONE_VM)"),
	KW("move", parse_move, "move P CG", "write P's pid to CG/cgroup.procs"),
	KW("exit", parse_exit, "exit P", "P exits: its mappings go, its fds close"),
	KW("kill", parse_kill, "kill P [SIGNAL]", "send P a signal (SIGKILL by default)"),
	PV("oom_score_adj", parse_oom_score_adj, "oom_score_adj N",
	   "set P's oom_score_adj (-1000..1000)"),
	PV("mmap", parse_mmap, "mmap M anon SIZE [shared]",
	   "map SIZE bytes of anonymous memory as mapping M"),
	PV("mmap", parse_mmap, "mmap M file PATH SIZE [shared|private] [offset=SIZE]",
	   "map a file as M (created and extended when short; private by default)"),
	PV("touch", parse_touch, "touch M [OFF LEN] [ro]",
	   "fault in every page of M (or of the range); a write unless ro"),
	PV("munmap", parse_map_op, "munmap M", "unmap M"),
	PV("mlock", parse_map_op, "mlock M", "lock M's pages in memory (RLIMIT_MEMLOCK applies)"),
	PV("munlock", parse_map_op, "munlock M", "unlock M's pages"),
	PV("write", parse_file_rw, "write PATH OFF LEN",
	   "write(2) LEN bytes at OFF; creates the file (tmpfs under a tmpfs mount)"),
	PV("read", parse_file_rw, "read PATH OFF LEN", "read(2) LEN bytes at OFF: fills the page cache"),
	PV("truncate", parse_truncate, "truncate PATH SIZE", "set the file's size"),
	PV("unlink", parse_unlink, "unlink PATH", "remove the file's name (its pages go when unused)"),
	PV("mkdir", parse_fs_dir, "mkdir PATH",
	   "create a directory (its dentry and inode are kernel memory)"),
	PV("mount", parse_mount_stmt, "mount tmpfs DIR [size=SIZE] [memcg=CG] [smemcg=NAME]",
	   "mount a tmpfs at DIR; memcg= charges every page to CG (seed 001)"),
	PV("mount", parse_mount_stmt, "mount ext4 DIR [memcg=CG] [smemcg=NAME]",
	   "mount a disk filesystem at DIR"),
	PV("remount", parse_remount, "remount DIR [memcg=CG]", "change the memcg= of a mount"),
	PV("umount", parse_fs_dir, "umount DIR", "unmount DIR"),
	PV("kmalloc", parse_kmalloc, "kmalloc CACHE COUNT",
	   "COUNT kernel objects charged to P's memcg (CACHE: dentry inode task_struct sock pipe bytes:SIZE)"),
	PV("kfree", parse_kmalloc, "kfree CACHE COUNT", "free COUNT objects of CACHE"),
	PV("open", parse_open, "open FD DEVICE [keep-pins]",
	   "open a pinning driver as fd FD (/dev/vfio /dev/rdma /dev/iouring)"),
	PV("pin", parse_pin, "pin FD M [OFF LEN]", "pin M's pages through FD (pin_user_pages)"),
	PV("unpin", parse_pin, "unpin FD M [OFF LEN]", "unpin them"),
	PV("close", parse_close, "close FD", "close FD: unpins unless opened with keep-pins"),
	PV("release", parse_close, "release FD", "drop every pin of that driver file (a device reset)"),
	PV("setrlimit", parse_setrlimit, "setrlimit nofile N",
	   "P's RLIMIT_NOFILE (default 1024, at most 1048576): open fails with EMFILE beyond it"),
	PV("setrlimit", parse_setrlimit, "setrlimit memlock SIZE|unlimited",
	   "P's RLIMIT_MEMLOCK (default 8M)"),
	PV("cap", parse_cap, "cap ipc_lock", "grant P CAP_IPC_LOCK"),
	KW("smemcg", parse_smemcg, "smemcg create NAME [max=SIZE]",
	   "create shared memory cgroup @NAME (seed 000)"),
	KW("smemcg", parse_smemcg, "smemcg destroy NAME", "destroy @NAME once nothing uses it"),
	PV("dmabuf", parse_dmabuf, "dmabuf B SIZE [smemcg=NAME]",
	   "allocate a dma_buf B of SIZE, charged to @NAME or P's memcg"),
	PV("import", parse_import, "import B M", "map dma_buf B as mapping M"),
	PV("madvise", parse_madvise, "madvise M dontneed|free|pageout|cold [OFF LEN]",
	   "madvise(2) on M's pages (or the range)"),
	PV("fsync", parse_fsync, "fsync PATH", "write back the file's dirty pages and wait"),
	KW("sync", parse_no_args, "sync", "write back every dirty page and wait"),
	KW("drop_caches", parse_drop_caches, "drop_caches 1|2|3",
	   "echo N > /proc/sys/vm/drop_caches: clean page cache (1), slab (2), both (3)"),
	KW("sysctl", parse_sysctl, "sysctl vm.swappiness N", "set vm.swappiness (0..200)"),
	KW("swapoff", parse_no_args, "swapoff", "swapoff -a: every swapped page comes back to memory"),
	KW("sleep", parse_sleep, "sleep DURATION",
	   "advance simulated time (ns us ms s min); deferred work runs"),
	KW("repeat", parse_repeat, "repeat N",
	   "run the lines up to the matching end N times; $i is the iteration from 0"),
	KW("end", parse_end, "end", "close a repeat block"),
	KW("expect-error", parse_expect_error, "expect-error ERRNO STATEMENT",
	   "a test point: STATEMENT must fail with ERRNO (ENOMEM, ENOSPC, ...)"),
	KW("echo", parse_echo, "echo TEXT...", "print TEXT as a TAP comment"),
};

static const struct stmt_row *stmt_find(const char *word, bool proc)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(stmt_table); i++)
		if (stmt_table[i].info.proc == proc && !strcmp(stmt_table[i].info.word, word))
			return &stmt_table[i];
	return NULL;
}

const struct smc_stmt_info *smc_statement(size_t i)
{
	return i < ARRAY_SIZE(stmt_table) ? &stmt_table[i].info : NULL;
}

/* The statement word closest to w (keywords, or a process's verbs), or NULL. */
const char *smc_statement_suggest(const char *w, bool proc)
{
	struct suggest sg;
	size_t i;

	suggest_init(&sg, w);
	for (i = 0; i < ARRAY_SIZE(stmt_table); i++)
		if (stmt_table[i].info.proc == proc)
			suggest_offer(&sg, stmt_table[i].info.word);
	return sg.best;
}

/* An unknown first word or verb: what the user may have meant. */
static int unknown_statement(struct pctx *p)
{
	bool proc = p->l->ntok > 1 && is_ident(tok(p, 0));
	const char *verb = proc ? smc_statement_suggest(tok(p, 1), true) : NULL;
	const char *kw = smc_statement_suggest(tok(p, 0), false);

	if (verb)
		return perr(p, 1, "unknown statement \"%s %s\" (did you mean \"%s %s\"?)",
			    tok(p, 0), tok(p, 1), tok(p, 0), verb);
	if (kw)
		return perr(p, 0, "unknown statement \"%s\" (did you mean \"%s\"?)", tok(p, 0), kw);
	if (proc && is_ident(tok(p, 1)))
		return perr(p, 1, "unknown statement \"%s %s\": \"%s\" is no verb of a process (P mmap, P touch, P write, ...)",
			    tok(p, 0), tok(p, 1), tok(p, 1));
	return perr(p, 0, "unknown statement \"%s\": expected a keyword (mkdir, write, spawn, ...: docs/scenario.md, or help in smemcg shell) or a process name and its verb",
		    tok(p, 0));
}

static int parse_line(struct pctx *p)
{
	struct smc_stmt *st = p->st;
	const struct stmt_row *row;

	st->line = p->l->line;
	st->col = p->l->tok[0].col;
	st->src = p->l;
	st->cpu = -1;
	if (p->l->tok[0].quoted)
		return perr(p, 0, "a statement cannot start with a quoted string");
	row = stmt_find(tok(p, 0), false);
	if (row)
		return row->parse(p);
	if (!is_ident(tok(p, 0)))
		return unknown_statement(p);
	/* P VERB ...: the first word names a process */
	if (ident(p, 0, "a statement or a process name", &st->proc))
		return -1;
	if (need(p, 1, "what the process does (mmap, touch, write, ...)"))
		return -1;
	row = stmt_find(tok(p, 1), true);
	if (row)
		return row->parse(p);
	return unknown_statement(p);
}

int smc_parse_stmt(struct smc_stmt *st, const struct smc_line *line,
		   struct smc_error *err)
{
	struct pctx p = { line, st, err, false };

	memset(st, 0, sizeof(*st));
	if (parse_line(&p)) {
		smc_stmt_free(st);
		return -1;
	}
	return 0;
}

void smc_stmt_free(struct smc_stmt *st)
{
	int i;

	if (st->op == SMC_WRITE || st->op == SMC_ECHO)
		free((char *)st->text);
	if (st->op == SMC_MOUNT || st->op == SMC_REMOUNT)
		free((char *)st->opts);
	free(st->path_buf);
	for (i = 0; i < st->nkv; i++)
		free((char *)st->kv[i].key);
	free(st->kv);
	free(st->refs);
	if (st->inner) {
		smc_stmt_free(st->inner);
		free(st->inner);
	}
	memset(st, 0, sizeof(*st));
}

static const char *const op_names[SMC_NR_OPS] = {
	[SMC_MACHINE] = "machine", [SMC_CGROUP_OPTIONS] = "cgroup-options",
	[SMC_POLICY] = "policy", [SMC_MKDIR] = "mkdir", [SMC_RMDIR] = "rmdir",
	[SMC_WRITE] = "write", [SMC_READ] = "read", [SMC_EXPECT_FILE] = "expect",
	[SMC_EXPECT_PROC] = "expect", [SMC_SPAWN] = "spawn", [SMC_FORK] = "fork",
	[SMC_CLONE_VM] = "clone-vm", [SMC_MOVE] = "move", [SMC_EXIT] = "exit",
	[SMC_KILL] = "kill", [SMC_OOM_SCORE_ADJ] = "oom_score_adj",
	[SMC_MMAP_ANON] = "mmap anon", [SMC_MMAP_FILE] = "mmap file",
	[SMC_TOUCH] = "touch", [SMC_MUNMAP] = "munmap", [SMC_MLOCK] = "mlock",
	[SMC_MUNLOCK] = "munlock", [SMC_FILE_WRITE] = "write", [SMC_FILE_READ] = "read",
	[SMC_TRUNCATE] = "truncate", [SMC_UNLINK] = "unlink", [SMC_MOUNT] = "mount",
	[SMC_REMOUNT] = "remount", [SMC_UMOUNT] = "umount", [SMC_FS_MKDIR] = "mkdir",
	[SMC_KMALLOC] = "kmalloc", [SMC_KFREE] = "kfree", [SMC_OPEN] = "open",
	[SMC_PIN] = "pin", [SMC_UNPIN] = "unpin", [SMC_CLOSE] = "close",
	[SMC_RELEASE] = "release", [SMC_SETRLIMIT] = "setrlimit", [SMC_CAP] = "cap",
	[SMC_SMEMCG_CREATE] = "smemcg create", [SMC_SMEMCG_DESTROY] = "smemcg destroy",
	[SMC_DMABUF] = "dmabuf", [SMC_IMPORT] = "import", [SMC_SLEEP] = "sleep",
	[SMC_REPEAT] = "repeat", [SMC_END] = "end", [SMC_EXPECT_ERROR] = "expect-error",
	[SMC_ECHO] = "echo", [SMC_EXPLAIN] = "explain", [SMC_MADVISE] = "madvise",
	[SMC_FSYNC] = "fsync", [SMC_SYNC] = "sync", [SMC_DROP_CACHES] = "drop_caches",
	[SMC_SYSCTL] = "sysctl", [SMC_SWAPOFF] = "swapoff",
};

const char *smc_op_name(enum smc_op op)
{
	return op < SMC_NR_OPS && op_names[op] ? op_names[op] : "?";
}

void smc_validator_init(struct smc_validator *v)
{
	memset(v, 0, sizeof(*v));
}

void smc_validator_free(struct smc_validator *v)
{
	int i;

	for (i = 0; i < v->npolicy; i++)
		free(v->policy[i].key);
	free(v->policy);
	free((char *)v->script_kernel);
	memset(v, 0, sizeof(*v));
}

/*
 * A policy key is set once in a scenario: two lines for one key would
 * leave the reader to guess which wins. The command line's --policy
 * overrides the scenario's line (model_backend.c).
 */
static int kv_col(const struct smc_line *line, const char *key)
{
	size_t n = strlen(key);
	int t;

	for (t = 1; t < line->ntok; t++)
		if (!strncmp(line->tok[t].text, key, n) && line->tok[t].text[n] == '=')
			return line->tok[t].col;
	return line->tok[0].col;
}

/* `machine kernel=` is the policy key kernel (parse_machine). */
static int policy_once(struct smc_validator *v, const struct smc_stmt *st,
		       const struct smc_line *line, struct smc_error *err)
{
	int i, k;

	for (k = 0; k < st->nkv; k++) {
		for (i = 0; i < v->npolicy; i++) {
			if (strcmp(v->policy[i].key, st->kv[k].key))
				continue;
			err->line = st->line;
			err->col = st->op == SMC_POLICY ? line->tok[k + 1].col
							 : kv_col(line, st->kv[k].key);
			if (v->policy[i].line == st->line)
				snprintf(err->msg, sizeof(err->msg),
					 "policy %s is set twice on this line: set each key once",
					 st->kv[k].key);
			else
				snprintf(err->msg, sizeof(err->msg),
					 "policy %s is set on line %d and again on line %d: set each key once (--policy on the command line overrides the scenario)",
					 st->kv[k].key, v->policy[i].line, st->line);
			return -1;
		}
		v->policy = xrealloc(v->policy, (size_t)(v->npolicy + 1) * sizeof(*v->policy));
		v->policy[v->npolicy].key = xstrdup(st->kv[k].key);
		v->policy[v->npolicy++].line = st->line;
	}
	return 0;
}

int smc_script_validate_kernel(const struct smc_script *s, const char *kernel,
			       struct smc_error *err)
{
	struct smc_validator v;
	int rc;

	smc_validator_init(&v);
	v.kernel = kernel;
	rc = smc_validate_more(&v, s, err);
	smc_validator_free(&v);
	return rc;
}

int smc_script_validate(const struct smc_script *s, struct smc_error *err)
{
	return smc_script_validate_kernel(s, NULL, err);
}

/* The column of path in the line (a file operand), else the statement's. */
static int path_col(const struct smc_stmt *st, const struct smc_line *line, const char *path)
{
	int t;

	for (t = 1; t < line->ntok; t++)
		if (!strcmp(line->tok[t].text, path))
			return line->tok[t].col;
	return st->col;
}

/*
 * A control file the baseline lacks, or a write of a file it has read-only:
 * the first baseline that has it, for the message; NULL when none has.
 */
static const char *kernel_with(const char *path, unsigned want)
{
	static const char *const kernels[] = { "6.1", "6.12" };
	size_t k;

	for (k = 0; k < ARRAY_SIZE(kernels); k++)
		if ((smemcg_file_mode_on(path, kernels[k]) & want) == want)
			return kernels[k];
	return NULL;
}

static int check_file_on(const struct smc_stmt *st, const struct smc_line *line,
			 const char *path, unsigned want, const char *kernel,
			 struct smc_error *err)
{
	unsigned mode = smemcg_file_mode_on(path, kernel);
	const char *base, *with;
	int n;

	if (!path || path[0] != '/' || (mode & want) == want || !(with = kernel_with(path, want)))
		return 0;
	base = strrchr(path, '/') + 1;
	n = (int)strcspn(base, ":");	/* the file, not its open file */
	err->line = st->line;
	err->col = path_col(st, line, path);
	if (!mode)
		snprintf(err->msg, sizeof(err->msg),
			 "%.*s is not a file of Linux %s, the kernel baseline this scenario runs on (it is one from %s on: machine kernel=%s, or --policy kernel=%s)",
			 n, base, kernel, with, with, with);
	else
		snprintf(err->msg, sizeof(err->msg),
			 "%.*s is read-only on Linux %s, the kernel baseline this scenario runs on (writable from %s on: machine kernel=%s, or --policy kernel=%s)",
			 n, base, kernel, with, with, with);
	return -1;
}

/* The control files of st exist, and allow what st does, on kernel. */
static int check_files_kernel(const struct smc_stmt *st, const struct smc_line *line,
			      const char *kernel, struct smc_error *err)
{
	int r;

	switch (st->op) {
	case SMC_WRITE:
		return check_file_on(st, line, st->path, SMEMCG_FILE_WRITE, kernel, err);
	case SMC_READ:
		return check_file_on(st, line, st->path, SMEMCG_FILE_READ, kernel, err);
	case SMC_EXPECT_FILE:
		if (check_file_on(st, line, st->path, SMEMCG_FILE_READ, kernel, err))
			return -1;
		for (r = 0; r < st->nrefs; r++)
			if (check_file_on(st, line, st->refs[r].path, SMEMCG_FILE_READ, kernel, err))
				return -1;
		return 0;
	default:
		/* expect-error may expect ENOENT or EINVAL of such a file */
		return 0;
	}
}

/* The baseline the script's files are checked on; NULL: several, none here. */
static const char *validator_kernel(const struct smc_validator *v)
{
	if (v->kernel)
		return strcmp(v->kernel, SMC_KERNEL_ANY) ? v->kernel : NULL;
	return v->script_kernel ? v->script_kernel : "6.1";
}

static void note_kernel(struct smc_validator *v, const struct smc_stmt *st)
{
	int k;

	for (k = 0; k < st->nkv; k++)
		if (!strcmp(st->kv[k].key, "kernel")) {
			free((char *)v->script_kernel);
			v->script_kernel = xstrdup(st->kv[k].value);
		}
}

int smc_validate_more(struct smc_validator *v, const struct smc_script *s,
		      struct smc_error *err)
{
	/* enclosing repeat blocks: where each ends, and the runs so far */
	int ends[32];
	unsigned long long runs[32], counts[32], nstmts = 0;
	bool approx[32], nstmts_approx = false;
	int depth = 0, i;
	bool upto;

	for (i = 0; i < s->nlines; i++) {
		struct smc_line sub;
		const struct smc_line *line = &s->lines[i];
		struct smc_stmt st;
		bool config;
		int rc;

		while (depth && i > ends[depth - 1])
			depth--;
		/* $i means something only inside a repeat block */
		if (depth) {
			smc_line_subst(&sub, line, 0);
			line = &sub;
		}
		rc = smc_parse_stmt(&st, line, err);
		if (rc) {
			if (depth)
				smc_line_free(&sub);
			return -1;
		}
		config = st.op == SMC_MACHINE || st.op == SMC_POLICY ||
			 st.op == SMC_CGROUP_OPTIONS;
		if (config && v->other_seen) {
			err->line = st.line;
			err->col = st.col;
			snprintf(err->msg, sizeof(err->msg),
				 "\"%s\" must come before any other statement",
				 smc_op_name(st.op));
			rc = -1;
		}
		if (!rc && (st.op == SMC_POLICY || st.op == SMC_MACHINE)) {
			rc = policy_once(v, &st, line, err);
			if (!rc)
				note_kernel(v, &st);
		}
		if (!rc && !config && validator_kernel(v))
			rc = check_files_kernel(&st, line, validator_kernel(v), err);
		upto = false;
		if (!rc && st.op == SMC_REPEAT && depth && counts[depth - 1] > 1) {
			/*
			 * $i in the count: the enclosing block's last iteration
			 * gives the largest count ($i grows digit by digit).
			 */
			struct smc_line last;
			struct smc_stmt hi;

			smc_line_subst(&last, &s->lines[i], (long)(counts[depth - 1] - 1));
			rc = smc_parse_stmt(&hi, &last, err);
			if (!rc) {
				upto = hi.count != st.count;
				if (hi.count > st.count)
					st.count = hi.count;
				smc_stmt_free(&hi);
			}
			smc_line_free(&last);
		}
		if (!rc && st.op == SMC_REPEAT && depth < 32) {
			unsigned long long outer = depth ? runs[depth - 1] : 1;
			unsigned long long total = outer * (st.count ? st.count : 1);

			if (st.count && outer > SMC_MAX_STATEMENTS / st.count) {
				err->line = st.line;
				err->col = line->tok[1].col;
				snprintf(err->msg, sizeof(err->msg),
					 "nested repeat blocks run %s%llu times, more than the limit of %llu",
					 upto ? "up to " : "", outer * st.count, SMC_MAX_STATEMENTS);
				rc = -1;
			} else if (total > SMC_MAX_STATEMENTS) {
				err->line = st.line;
				err->col = line->tok[1].col;
				snprintf(err->msg, sizeof(err->msg),
					 "nested repeat blocks run %s%llu times, more than the limit of %llu",
					 upto ? "up to " : "", total, SMC_MAX_STATEMENTS);
				rc = -1;
			} else {
				ends[depth] = s->match[i];
				approx[depth] = upto || (depth && approx[depth - 1]);
				runs[depth] = total;
				counts[depth] = st.count;
				depth++;
			}
		}
		/* every statement a block runs counts, once per run of the block */
		if (!rc && st.op != SMC_REPEAT && st.op != SMC_END) {
			nstmts += depth ? runs[depth - 1] : 1;
			nstmts_approx |= depth && approx[depth - 1];
			if (nstmts > SMC_MAX_STATEMENTS) {
				err->line = st.line;
				err->col = st.col;
				snprintf(err->msg, sizeof(err->msg),
					 "the scenario runs %s%llu statements by here (repeat blocks unrolled), more than the limit of %llu",
					 nstmts_approx ? "up to " : "", nstmts, SMC_MAX_STATEMENTS);
				rc = -1;
			}
		}
		if (!config)
			v->other_seen = true;
		smc_stmt_free(&st);
		if (line == &sub)
			smc_line_free(&sub);
		if (rc)
			return -1;
	}
	return 0;
}
