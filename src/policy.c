// SPDX-License-Identifier: GPL-2.0-only
/*
 * Policies: `policy KEY=VALUE` (DESIGN.md, "Policies"). The core declares
 * every key and the values that are Linux 6.1's own (the first is the
 * default); each proposal adds the values it implements through its
 * ext_ops.policies, and is told when a key it implements changes
 * (ext_ops.policy), so that it can set its static keys. A core-only
 * build knows the core's values only.
 */
#include "policy.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "machine.h"
#include "mm/memcontrol/baseline.h"

struct policy_key {
	const char *key;
	/* Linux 6.1's values, the default first; none for a proposal's own key */
	const char *const *values;
	/* the core's field for it, when the core reads it (kmem, stock) */
	size_t offset;
	bool is_bool;
	/*
	 * Optional: may the key take value i now (0, or -errno with the
	 * machine's error set), and what follows from it once it has.
	 */
	int (*may_set)(struct machine *m, int i);
	void (*changed)(struct machine *m, int i);
};

static const char *const shared_values[] = { "owner", NULL };
static const char *const none_values[] = { "none", NULL };
static const char *const owner_values[] = { "mm-owner", NULL };
static const char *const onoff_values[] = { "on", "off", NULL };
static const char *const no_values[] = { NULL };
static const char *const kernel_values[] = { "6.1", "6.12", NULL };

/*
 * The kernel baseline is the machine's from the start: a memcg's per-CPU
 * statistics are charged at mkdir with the baseline's size and uncharged
 * with it, so the baseline cannot change once a cgroup exists.
 */
static int kernel_may_set(struct machine *m, int i)
{
	if (m->kernel && m->kernel->id != (enum kernel_id)i && m->nr_cgroups > 1)
		return machine_error(m, -EBUSY,
				     "policy kernel=%s: the kernel baseline is chosen before the first cgroup is created (this machine runs %s)",
				     kernel_baselines[i].name, m->kernel->name);
	return 0;
}

static void kernel_changed(struct machine *m, int i)
{
	m->kernel = &kernel_baselines[i];
	m->lru_gen = m->kernel->mglru;
}

#define NO_FIELD SIZE_MAX
static const struct policy_key policy_keys[NR_POLICY_KEYS] = {
	{ .key = "shared", .values = shared_values, .offset = NO_FIELD },
	{ .key = "smemcg", .values = no_values, .offset = NO_FIELD },
	{ .key = "recharge", .values = none_values, .offset = NO_FIELD },
	{ .key = "owner", .values = owner_values, .offset = NO_FIELD },
	{ .key = "kmem", .values = onoff_values, .offset = offsetof(struct policy, kmem),
	  .is_bool = true },
	{ .key = "stock", .values = onoff_values, .offset = offsetof(struct policy, stock),
	  .is_bool = true },
	{ .key = "kernel", .values = kernel_values, .offset = NO_FIELD,
	  .may_set = kernel_may_set, .changed = kernel_changed },
};

static int key_index(const char *key)
{
	int k;

	for (k = 0; k < NR_POLICY_KEYS; k++)
		if (!strcmp(policy_keys[k].key, key))
			return k;
	return -1;
}

/* The i-th value of key k: the core's, then each module's in list order. */
static const char *value_at(int k, int i, int *module)
{
	const char *const *v = policy_keys[k].values;
	int id;

	*module = -1;
	for (; *v; v++)
		if (!i--)
			return *v;
#ifndef SMEMCG_CORE_ONLY
	for (id = 0; id < EXT_NR; id++) {
		const struct ext_policy *p = ext_modules[id]->policies;

		for (; p && p->key; p++)
			if (!strcmp(p->key, policy_keys[k].key) && !i--) {
				*module = id;
				return p->value;
			}
	}
#else
	(void)id;
#endif
	return NULL;
}

static void known_values(struct strbuf *sb, int k)
{
	const char *v;
	int i, mod;

	for (i = 0; (v = value_at(k, i, &mod)); i++)
		sb_printf(sb, "%s%s", i ? ", " : "", v);
}

/* The index of value among key's values, or -EINVAL with msg filled. */
static int policy_lookup(char *msg, size_t len, int *kout, const char *key,
			 const char *value)
{
	int k = key_index(key), i, mod;
	struct strbuf known;
	const char *v;

	sb_init(&known);
	if (k < 0) {
		for (i = 0; i < NR_POLICY_KEYS; i++)
			sb_printf(&known, "%s%s", i ? ", " : "", policy_keys[i].key);
		snprintf(msg, len, "unknown policy key \"%s\" (known: %s)", key, known.buf);
		sb_free(&known);
		return -EINVAL;
	}
	*kout = k;
	for (i = 0; (v = value_at(k, i, &mod)); i++)
		if (!strcmp(v, value))
			return i;
	known_values(&known, k);
	if (known.len)
		snprintf(msg, len, "policy %s: unknown value \"%s\" (known: %s)", key, value,
			 known.buf);
	else
		snprintf(msg, len,
			 "policy %s: this build has none of the proposals that give it a value (built with make core-only)",
			 key);
	sb_free(&known);
	return -EINVAL;
}

int smemcg_policy_check(char *msg, size_t len, const char *key, const char *value)
{
	int k, i = policy_lookup(msg, len, &k, key, value);

	return i < 0 ? i : 0;
}

/* Select value i of key k, and tell the modules that implement the key. */
static void policy_select(struct machine *m, int k, int i)
{
	const struct policy_key *pk = &policy_keys[k];
	int mod;
	const char *v = value_at(k, i, &mod);

	m->policy.value[k] = v;
	if (pk->changed)
		pk->changed(m, i);
	if (pk->offset != NO_FIELD) {
		/* a module's value of an on/off key is a kind of on (kmem=limited) */
		if (pk->is_bool)
			*(bool *)((char *)&m->policy + pk->offset) = (i == 0) || mod >= 0;
		else
			*(int *)((char *)&m->policy + pk->offset) = i;
	}
#ifndef SMEMCG_CORE_ONLY
	for (mod = 0; mod < EXT_NR; mod++) {
		const struct ext_ops *ops = ext_modules[mod];
		const struct ext_policy *p = ops->policies;

		for (; ops->policy && p && p->key; p++)
			if (!strcmp(p->key, pk->key)) {
				ops->policy(m, pk->key, v);
				break;
			}
	}
#endif
}

void policy_init(struct machine *m)
{
	int k;

	for (k = 0; k < NR_POLICY_KEYS; k++)
		policy_select(m, k, 0);
}

int smemcg_policy_set(smemcg_machine *sm, const char *key, const char *value)
{
	struct machine *m = to_machine(sm);
	int k, i = policy_lookup(m->errmsg, sizeof(m->errmsg), &k, key, value);

	if (i < 0)
		return i;
	if (policy_keys[k].may_set) {
		int err = policy_keys[k].may_set(m, i);

		if (err)
			return err;
	}
	policy_select(m, k, i);
	return 0;
}

const char *smemcg_policy_get(const smemcg_machine *sm, const char *key)
{
	int k = key_index(key);

	return k < 0 ? NULL : ((const struct machine *)sm)->policy.value[k];
}

const char *policy_value(const struct machine *m, const char *key)
{
	const char *v = smemcg_policy_get((const smemcg_machine *)m, key);

	return v ? v : "";
}

int smemcg_policy_keys(char **out)
{
	struct strbuf sb;
	int k;

	sb_init(&sb);
	for (k = 0; k < NR_POLICY_KEYS; k++)
		sb_printf(&sb, "%s\n", policy_keys[k].key);
	*out = sb_detach(&sb);
	return 0;
}

int smemcg_policy_values(char **out, const char *key)
{
	struct strbuf sb;
	const char *v;
	int k = key_index(key), i, mod;

	if (k < 0)
		return -EINVAL;
	sb_init(&sb);
	sb_puts(&sb, "");
	for (i = 0; (v = value_at(k, i, &mod)); i++)
		sb_printf(&sb, "%s\n", v);
	*out = sb_detach(&sb);
	return 0;
}

bool policy_is(const struct machine *m, const char *key, const char *value)
{
	const char *v = smemcg_policy_get((const smemcg_machine *)m, key);

	return v && !strcmp(v, value);
}
