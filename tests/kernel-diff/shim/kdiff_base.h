/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel-diff shim's base: what kernel C needs of the kernel's own
 * headers to compile in userspace, single-threaded, written for this
 * project. Atomics are plain loads and stores (one thread), locks are
 * nothing, a WARN is counted (kd_kernel_warnings) so that the driver can
 * compare it with what the model reports. The configuration is that of
 * Debian's 6.1 amd64 kernel, the oracle's (its /boot/config).
 */
#ifndef KDIFF_BASE_H
#define KDIFF_BASE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Debian bookworm linux-image-6.1.0-*-amd64 */
#define CONFIG_MEMCG 1
#define CONFIG_MEMCG_KMEM 1
#define CONFIG_SWAP 1
#define CONFIG_SMP 1
#define CONFIG_NUMA 1
#define CONFIG_LRU_GEN 1	/* built, not enabled: lru_gen_enabled() is false */
#define CONFIG_NODES_SHIFT 10
#define NODES_SHIFT CONFIG_NODES_SHIFT
#define HZ 250
/* USE_SPLIT_PTE_PTLOCKS on x86_64 with NR_CPUS=8192 */
#define SPLIT_RSS_COUNTING 1

#define BITS_PER_LONG 64
#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)

#define ____cacheline_internodealigned_in_smp __attribute__((__aligned__(64)))
#define CACHELINE_PADDING(name) char name[0]

/* include/uapi/asm-generic/errno-base.h */
#define ENOMEM 12
#define EBUSY 16
#define EINVAL 22

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef unsigned long long u64;
typedef int8_t s8;
typedef long long s64;
typedef unsigned int gfp_t;

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define noinline __attribute__((__noinline__))
#define __read_mostly
#define fallthrough __attribute__((__fallthrough__))
#define EXPORT_SYMBOL(sym)
#define EXPORT_SYMBOL_GPL(sym)
#define BUILD_BUG_ON(cond) _Static_assert(!(cond), #cond)
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/* one thread: a plain access is all a marked one can be */
#define READ_ONCE(x) (*(volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define data_race(expr) ({ expr; })
#define xchg(ptr, v) ({ __typeof__(*(ptr)) __old = *(ptr); *(ptr) = (v); __old; })
#define cond_resched() do { } while (0)

/* min()/max() without the kernel's type check: the kernel compiled it */
#define min(a, b) ({ __typeof__(a) __a = (a); __typeof__(b) __b = (b); __a < __b ? __a : __b; })
#define max(a, b) ({ __typeof__(a) __a = (a); __typeof__(b) __b = (b); __a > __b ? __a : __b; })
#define min_t(t, a, b) ({ t __a = (a); t __b = (b); __a < __b ? __a : __b; })
#define max_t(t, a, b) ({ t __a = (a); t __b = (b); __a > __b ? __a : __b; })
static inline u64 div64_u64(u64 a, u64 b) { return a / b; }
static inline u64 div_u64(u64 a, u32 b) { return a / b; }
#define DIV64_U64_ROUND_UP(ll, d) ({ u64 __d = (d); div64_u64((ll) + __d - 1, __d); })

typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic_long_t;

static inline long atomic_long_read(const atomic_long_t *v) { return v->counter; }
static inline void atomic_long_set(atomic_long_t *v, long i) { v->counter = i; }
/* wrapping, as the kernel's atomics do: the kernel builds with -fno-strict-overflow */
static inline long atomic_long_add_return(long i, atomic_long_t *v)
{
	v->counter = (long)((unsigned long)v->counter + (unsigned long)i);
	return v->counter;
}
static inline long atomic_long_sub_return(long i, atomic_long_t *v)
{
	v->counter = (long)((unsigned long)v->counter - (unsigned long)i);
	return v->counter;
}
static inline void atomic_long_add(long i, atomic_long_t *v) { atomic_long_add_return(i, v); }
static inline void atomic_long_sub(long i, atomic_long_t *v) { atomic_long_sub_return(i, v); }
static inline void atomic_long_inc(atomic_long_t *v) { atomic_long_add_return(1, v); }
static inline long atomic_long_xchg(atomic_long_t *v, long i)
{
	long old = v->counter;

	v->counter = i;
	return old;
}

/* Every WARN whose condition held, once-ness aside (the driver resets it). */
extern long kd_kernel_warnings;
#define WARN_ONCE(cond, fmt...) ({ bool __c = !!(cond); if (__c) kd_kernel_warnings++; __c; })
#define WARN_ON_ONCE(cond) WARN_ONCE(cond, "")
#define VM_BUG_ON_FOLIO(cond, folio) do { } while (0)
#define BUG() __builtin_trap()

#define rcu_read_lock() do { } while (0)
#define rcu_read_unlock() do { } while (0)
#define rcu_dereference(p) (p)
/* local_lock_irqsave(&pcpu_var.lock, flags): the lock expression is never evaluated */
#define local_lock_irqsave(lock, flags) ((void)((flags) = 0))
#define local_unlock_irqrestore(lock, flags) ((void)(flags))

/* number parsing (lib/) */
#define _tolower(c) ((c) | 0x20)
static inline int isxdigit(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

unsigned long long memparse(const char *ptr, char **retptr);

#endif
