/* SPDX-License-Identifier: Apache-2.0 */
/* syscalls.c: the x86_64 syscalls the probe decodes, the scap exit event
 * each one sends, and which of them the state tables always need. */
#include <asm/unistd_64.h>
#include <stdint.h>
#include <string.h>

#include "probe.h"

struct probe_syscall {
	uint16_t nr;
	uint16_t code;     /* scap exit event (event_table_full.tsv) */
	const char *name;  /* evt.type */
	int state;         /* the state tables always need it */
};

static const struct probe_syscall syscalls[] = {
	{ __NR_open, 3, "open", 1 },
	{ __NR_openat, 307, "openat", 1 },
	{ __NR_openat2, 327, "openat2", 1 },
	{ __NR_creat, 59, "creat", 1 },
	{ __NR_close, 5, "close", 1 },
	{ __NR_dup, 367, "dup", 1 },
	{ __NR_dup2, 363, "dup2", 1 },
	{ __NR_dup3, 365, "dup3", 1 },
	{ __NR_fcntl, 151, "fcntl", 1 },
	{ __NR_socket, 19, "socket", 1 },
	{ __NR_socketpair, 43, "socketpair", 1 },
	{ __NR_connect, 23, "connect", 1 },
	{ __NR_accept, 247, "accept", 1 },
	{ __NR_accept4, 389, "accept4", 1 },
	{ __NR_bind, 21, "bind", 1 },
	{ __NR_listen, 25, "listen", 0 },
	{ __NR_sendto, 31, "sendto", 0 },
	{ __NR_sendmsg, 49, "sendmsg", 0 },
	{ __NR_recvfrom, 35, "recvfrom", 0 },
	{ __NR_recvmsg, 53, "recvmsg", 0 },
	{ __NR_symlink, 179, "symlink", 0 },
	{ __NR_symlinkat, 181, "symlinkat", 0 },
	{ __NR_link, 309, "link", 0 },
	{ __NR_linkat, 311, "linkat", 0 },
	{ __NR_rename, 175, "rename", 0 },
	{ __NR_renameat, 177, "renameat", 0 },
	{ __NR_renameat2, 319, "renameat2", 0 },
	{ __NR_unlink, 301, "unlink", 0 },
	{ __NR_unlinkat, 303, "unlinkat", 0 },
	{ __NR_mkdir, 277, "mkdir", 0 },
	{ __NR_mkdirat, 305, "mkdirat", 0 },
	{ __NR_rmdir, 279, "rmdir", 0 },
	{ __NR_chmod, 315, "chmod", 0 },
	{ __NR_fchmod, 317, "fchmod", 0 },
	{ __NR_fchmodat, 313, "fchmodat", 0 },
	{ __NR_chown, 379, "chown", 0 },
	{ __NR_fchown, 383, "fchown", 0 },
	{ __NR_lchown, 381, "lchown", 0 },
	{ __NR_fchownat, 385, "fchownat", 0 },
	{ __NR_setns, 241, "setns", 0 },
	{ __NR_unshare, 285, "unshare", 0 },
	{ __NR_clone, 223, "clone", 1 },
	{ __NR_clone3, 335, "clone3", 1 },
	{ __NR_fork, 225, "fork", 1 },
	{ __NR_vfork, 227, "vfork", 1 },
	{ __NR_ptrace, 169, "ptrace", 0 },
	{ __NR_setuid, 199, "setuid", 1 },
	{ __NR_setgid, 201, "setgid", 1 },
	{ __NR_setresuid, 193, "setresuid", 1 },
	{ __NR_setresgid, 195, "setresgid", 1 },
	{ __NR_setsid, 275, "setsid", 1 },
	{ __NR_setpgid, 295, "setpgid", 1 },
	{ __NR_mount, 257, "mount", 0 },
	{ __NR_umount2, 391, "umount2", 0 },
	{ __NR_init_module, 411, "init_module", 0 },
	{ __NR_finit_module, 413, "finit_module", 0 },
	{ __NR_memfd_create, 405, "memfd_create", 1 },
	{ __NR_bpf, 369, "bpf", 0 },
	{ __NR_userfaultfd, 321, "userfaultfd", 0 },
	{ __NR_execve, 293, "execve", 1 },
	{ __NR_execveat, 331, "execveat", 1 },
	{ __NR_pipe, 61, "pipe", 1 },
	{ __NR_pipe2, 393, "pipe2", 1 },
	{ __NR_chdir, 95, "chdir", 1 },
	{ __NR_fchdir, 97, "fchdir", 1 },
};

enum { NSYSCALLS = sizeof(syscalls) / sizeof(syscalls[0]) };

int probe_syscalls_for(const char *evtype, uint32_t *nrs, int max)
{
	int i, n = 0;

	for (i = 0; i < NSYSCALLS; i++) {
		if (strcmp(syscalls[i].name, evtype) != 0)
			continue;
		if (n < max)
			nrs[n] = syscalls[i].nr;
		n++;
	}
	return n;
}

int probe_syscall_event(uint32_t nr)
{
	int i;

	for (i = 0; i < NSYSCALLS; i++)
		if (syscalls[i].nr == nr)
			return syscalls[i].code;
	return 0;
}

void probe_state_syscalls(uint8_t *on)
{
	int i;

	for (i = 0; i < NSYSCALLS; i++)
		if (syscalls[i].state && syscalls[i].nr < PROBE_NSYSCALLS)
			on[syscalls[i].nr] = PROBE_DECODED;
}
