// SPDX-License-Identifier: GPL-2.0-only
/*
 * kb_quiet_fork: a fork after which neither side writes private memory
 * until the main program has placed the child (worker.c, `fork`). On
 * x86_64 it is a few lines of assembly, so that not even a stack slot is
 * written between clone() and the go-ahead. Elsewhere a C version does the
 * same steps but may write a stack page or two after clone(), which the
 * scenario's cgroup would then pay for (the oracle runs on x86_64 guests
 * only; the fallback keeps the guest building on other hosts).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kb_internal.h"

/*
 * long kb_quiet_fork(unsigned long flags, int psock, int csock, char *shared)
 *
 * clone(flags) that writes no private memory afterwards until told to go:
 * the parent stores the child's pid in shared[0..7], sends it on psock and
 * waits for 8 bytes on psock; the child waits for 8 bytes on csock.
 * Returns the child's pid in the parent, 0 in the child, -errno.
 * Pushes happen before clone(); pops and ret only read the stack.
 */
#if defined(__x86_64__)
__asm__(".pushsection .text\n"
	".globl kb_quiet_fork\n"
	".type kb_quiet_fork,@function\n"
	"kb_quiet_fork:\n"
	"	push %rbx\n"
	"	push %r12\n"
	"	push %r13\n"
	"	push %r14\n"
	"	mov %esi, %r12d\n"
	"	mov %edx, %r13d\n"
	"	mov %rcx, %r14\n"
	"	mov $56, %eax\n"	/* SYS_clone(flags, 0, 0, 0, 0) */
	"	xor %esi, %esi\n"
	"	xor %edx, %edx\n"
	"	xor %r10d, %r10d\n"
	"	xor %r8d, %r8d\n"
	"	syscall\n"
	"	test %rax, %rax\n"
	"	js 3f\n"
	"	jz 2f\n"
	"	mov %rax, %rbx\n"
	"	mov %rax, (%r14)\n"
	"	mov $1, %eax\n"		/* write(psock, shared, 8) */
	"	mov %r12d, %edi\n"
	"	mov %r14, %rsi\n"
	"	mov $8, %edx\n"
	"	syscall\n"
	"1:	xor %eax, %eax\n"	/* read(psock, shared + 8, 8) */
	"	mov %r12d, %edi\n"
	"	lea 8(%r14), %rsi\n"
	"	mov $8, %edx\n"
	"	syscall\n"
	"	cmp $-4, %rax\n"	/* EINTR */
	"	je 1b\n"
	"	mov %rbx, %rax\n"
	"	jmp 3f\n"
	"2:	xor %eax, %eax\n"	/* child: read(csock, shared + 16, 8) */
	"	mov %r13d, %edi\n"
	"	lea 16(%r14), %rsi\n"
	"	mov $8, %edx\n"
	"	syscall\n"
	"	cmp $-4, %rax\n"
	"	je 2b\n"
	"	xor %eax, %eax\n"
	"3:	pop %r14\n"
	"	pop %r13\n"
	"	pop %r12\n"
	"	pop %rbx\n"
	"	ret\n"
	".size kb_quiet_fork, .-kb_quiet_fork\n"
	".popsection\n");
#else
long kb_quiet_fork(unsigned long flags, int psock, int csock, char *shared)
{
	/* the stack and tls arguments are 0 in every architecture's order */
	long pid = syscall(SYS_clone, flags, 0, 0, 0, 0);

	if (pid < 0)
		return -errno;
	if (pid > 0) {
		*(volatile long *)shared = pid;
		if (write(psock, shared, 8) < 0)
			return -errno;
		while (read(psock, shared + 8, 8) < 0 && errno == EINTR)
			;
		return pid;
	}
	while (read(csock, shared + 16, 8) < 0 && errno == EINTR)
		;
	return 0;
}
#endif
