/* SPDX-License-Identifier: Apache-2.0 */
/* saker.bpf.c: the probe. One tp_btf/sys_exit program filters by syscall
 * number and calls the filler of the scap exit event that syscall sends; each filler reads the arguments back from pt_regs and the kernel
 * objects behind them, and sends one event carrying every parameter.
 * sched_process_exit sends procexit; sched_process_exec remembers the path
 * an execve was given, since a successful execve wipes its registers. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#include "event.bpf.h"
#include "path.bpf.h"
#include "task.bpf.h"
#include "sock.bpf.h"
#include "flags.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define FILENAME_MAX_ 1024

struct exec_name {
	char name[FILENAME_MAX_];
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct exec_name);
} exec_names SEC(".maps");

/* Syscall arguments as the x86_64 ABI passes them. regs is a trusted BTF
 * pointer here: plain loads, CO-RE relocated, no helper call. */
static __always_inline u64 arg(struct pt_regs *r, int i)
{
	switch (i) {
	case 0: return r->di;
	case 1: return r->si;
	case 2: return r->dx;
	case 3: return r->r10;
	case 4: return r->r8;
	default: return r->r9;
	}
}

/* An int argument (fds, dirfds) as the FD/PID wire type. */
static __always_inline s64 arg_int(struct pt_regs *r, int i)
{
	return (s32)arg(r, i);
}

static __always_inline void *arg_ptr(struct pt_regs *r, int i)
{
	return (void *)arg(r, i);
}

static __always_inline struct task_struct *cur(void)
{
	return bpf_get_current_task_btf();
}

/* A filler: a subprogram the dispatcher calls directly, with the event
 * code selected for this syscall. */
#define FILLER(name) \
	static __noinline int name(struct pt_regs *regs, long ret, u16 code)

/* ---- files ------------------------------------------------------------ */

/* flags (with PPM_O_F_CREATED when the open created the file), mode, dev
 * and ino of the file a new fd points to (dev and ino empty on failure). */
static __always_inline void evb_open_tail(struct evb *e, long fd, u64 flags, u64 mode)
{
	struct file *f = fd_file(cur(), fd);
	struct inode *ino = f ? f->f_inode : NULL;
	u32 sflags = open_flags_to_scap(flags);

	if (f && (f->f_mode & K_FMODE_CREATED))
		sflags |= PPM_O_F_CREATED;
	evb_u32(e, sflags);
	evb_u32(e, open_mode_to_scap(flags, mode));
	if (!ino) {
		evb_empty(e);
		evb_empty(e);
		return;
	}
	evb_u32(e, new_encode_dev(ino->i_sb->s_dev));
	evb_u64(e, ino->i_ino);
}

FILLER(fill_open)
{
	struct evb e;

	if (evb_start(&e, 6))
		return 0;
	evb_u64(&e, ret);
	evb_ustr(&e, arg_ptr(regs, 0));
	evb_open_tail(&e, ret, arg(regs, 1), arg(regs, 2));
	evb_send(&e, 3);
	return 0;
}

FILLER(fill_openat)
{
	struct evb e;

	if (evb_start(&e, 7))
		return 0;
	evb_u64(&e, ret);
	evb_u64(&e, arg_int(regs, 0));
	evb_ustr(&e, arg_ptr(regs, 1));
	evb_open_tail(&e, ret, arg(regs, 2), arg(regs, 3));
	evb_send(&e, 307);
	return 0;
}

/* openat2: resolve sits between mode and dev */
FILLER(fill_openat2)
{
	struct open_how how = {};
	struct file *f;
	struct inode *ino;
	u32 sflags;
	struct evb e;

	if (evb_start(&e, 8))
		return 0;
	bpf_probe_read_user(&how, sizeof(how), arg_ptr(regs, 2));
	f = fd_file(cur(), ret);
	ino = f ? BPF_CORE_READ(f, f_inode) : NULL;
	sflags = open_flags_to_scap(how.flags);
	if (f && (BPF_CORE_READ(f, f_mode) & K_FMODE_CREATED))
		sflags |= PPM_O_F_CREATED;
	evb_u64(&e, ret);
	evb_u64(&e, arg_int(regs, 0));
	evb_ustr(&e, arg_ptr(regs, 1));
	evb_u32(&e, sflags);
	evb_u32(&e, open_mode_to_scap(how.flags, how.mode));
	evb_u32(&e, resolve_to_scap(how.resolve));
	if (ino) {
		evb_u32(&e, new_encode_dev(BPF_CORE_READ(ino, i_sb, s_dev)));
		evb_u64(&e, BPF_CORE_READ(ino, i_ino));
	} else {
		evb_empty(&e);
		evb_empty(&e);
	}
	evb_send(&e, 327);
	return 0;
}

/* creat: fd, name, mode, dev, ino, creat_flags (PPM_O_F_CREATED) */
FILLER(fill_creat)
{
	struct file *f = fd_file(cur(), ret);
	struct inode *ino = f ? BPF_CORE_READ(f, f_inode) : NULL;
	struct evb e;

	if (evb_start(&e, 6))
		return 0;
	evb_u64(&e, ret);
	evb_ustr(&e, arg_ptr(regs, 0));
	evb_u32(&e, arg(regs, 1) & 07777);
	if (ino) {
		evb_u32(&e, new_encode_dev(BPF_CORE_READ(ino, i_sb, s_dev)));
		evb_u64(&e, BPF_CORE_READ(ino, i_ino));
	} else {
		evb_empty(&e);
		evb_empty(&e);
	}
	evb_u16(&e, f && (BPF_CORE_READ(f, f_mode) & K_FMODE_CREATED) ? PPM_O_F_CREATED : 0);
	evb_send(&e, 59);
	return 0;
}

/* res, fd: close, dup, fchdir */
FILLER(fill_res_fd)
{
	struct evb e;

	if (evb_start(&e, 2))
		return 0;
	evb_u64(&e, ret);
	evb_u64(&e, arg_int(regs, 0));
	evb_send(&e, code);
	return 0;
}

/* dup2 (3 parameters) and dup3 (4) */
FILLER(fill_dup23)
{
	struct evb e;

	if (evb_start(&e, code == 365 ? 4 : 3))
		return 0;
	evb_u64(&e, ret);
	evb_u64(&e, arg_int(regs, 0));
	evb_u64(&e, arg_int(regs, 1));
	if (code == 365)
		evb_u32(&e, fd_flags_to_scap(arg(regs, 2)));
	evb_send(&e, code);
	return 0;
}

FILLER(fill_fcntl)
{
	struct evb e;

	if (evb_start(&e, 4))
		return 0;
	evb_u64(&e, ret);
	evb_u64(&e, arg_int(regs, 0));
	evb_u8(&e, fcntl_cmd_to_scap(arg(regs, 1)));
	evb_u64(&e, arg(regs, 2));
	evb_send(&e, 151);
	return 0;
}

/* pipe (4 parameters) and pipe2 (5) */
FILLER(fill_pipe)
{
	int fds[2] = { -1, -1 };
	struct file *f;
	struct evb e;

	if (evb_start(&e, code == 393 ? 5 : 4))
		return 0;
	if (ret == 0)
		bpf_probe_read_user(fds, sizeof(fds), arg_ptr(regs, 0));
	evb_u64(&e, ret);
	evb_u64(&e, fds[0]);
	evb_u64(&e, fds[1]);
	f = ret == 0 ? fd_file(cur(), fds[0]) : NULL;
	if (f)
		evb_u64(&e, BPF_CORE_READ(f, f_inode, i_ino));
	else
		evb_empty(&e);
	if (code == 393)
		evb_u32(&e, fd_flags_to_scap(arg(regs, 1)));
	evb_send(&e, code);
	return 0;
}

FILLER(fill_memfd_create)
{
	struct evb e;

	if (evb_start(&e, 3))
		return 0;
	evb_u64(&e, ret);
	evb_ustr(&e, arg_ptr(regs, 0));
	evb_u32(&e, arg(regs, 1) & 7);
	evb_send(&e, 405);
	return 0;
}

/* ---- paths ------------------------------------------------------------ */

/* res, path: unlink, rmdir, chdir */
FILLER(fill_res_path)
{
	struct evb e;

	if (evb_start(&e, 2))
		return 0;
	evb_u64(&e, ret);
	evb_ustr(&e, arg_ptr(regs, 0));
	evb_send(&e, code);
	return 0;
}

/* res, path, path: symlink, link, rename */
FILLER(fill_res_path2)
{
	struct evb e;

	if (evb_start(&e, 3))
		return 0;
	evb_u64(&e, ret);
	evb_ustr(&e, arg_ptr(regs, 0));
	evb_ustr(&e, arg_ptr(regs, 1));
	evb_send(&e, code);
	return 0;
}

FILLER(fill_symlinkat)
{
	struct evb e;

	if (evb_start(&e, 4))
		return 0;
	evb_u64(&e, ret);
	evb_ustr(&e, arg_ptr(regs, 0));
	evb_u64(&e, arg_int(regs, 1));
	evb_ustr(&e, arg_ptr(regs, 2));
	evb_send(&e, 181);
	return 0;
}

/* res, dirfd, path, dirfd, path[, flags]: renameat (5), linkat and
 * renameat2 (6); the flags of both are the scap values. */
FILLER(fill_at2)
{
	struct evb e;

	if (evb_start(&e, code == 177 ? 5 : 6))
		return 0;
	evb_u64(&e, ret);
	evb_u64(&e, arg_int(regs, 0));
	evb_ustr(&e, arg_ptr(regs, 1));
	evb_u64(&e, arg_int(regs, 2));
	evb_ustr(&e, arg_ptr(regs, 3));
	if (code != 177)
		evb_u32(&e, arg(regs, 4));
	evb_send(&e, code);
	return 0;
}

/* res, path, u32: mkdir, chmod, umount2 */
FILLER(fill_res_path_u32)
{
	struct evb e;

	if (evb_start(&e, 3))
		return 0;
	evb_u64(&e, ret);
	evb_ustr(&e, arg_ptr(regs, 0));
	evb_u32(&e, arg(regs, 1));
	evb_send(&e, code);
	return 0;
}

/* res, dirfd, path, u32: unlinkat, mkdirat, fchmodat */
FILLER(fill_res_fd_path_u32)
{
	struct evb e;

	if (evb_start(&e, 4))
		return 0;
	evb_u64(&e, ret);
	evb_u64(&e, arg_int(regs, 0));
	evb_ustr(&e, arg_ptr(regs, 1));
	evb_u32(&e, arg(regs, 2));
	evb_send(&e, code);
	return 0;
}

/* res, fd, u32: fchmod */
FILLER(fill_res_fd_u32)
{
	struct evb e;

	if (evb_start(&e, 3))
		return 0;
	evb_u64(&e, ret);
	evb_u64(&e, arg_int(regs, 0));
	evb_u32(&e, arg(regs, 1));
	evb_send(&e, code);
	return 0;
}

/* res, path, uid, gid: chown, lchown */
FILLER(fill_chown)
{
	struct evb e;

	if (evb_start(&e, 4))
		return 0;
	evb_u64(&e, ret);
	evb_ustr(&e, arg_ptr(regs, 0));
	evb_u32(&e, arg(regs, 1));
	evb_u32(&e, arg(regs, 2));
	evb_send(&e, code);
	return 0;
}

FILLER(fill_fchown)
{
	struct evb e;

	if (evb_start(&e, 4))
		return 0;
	evb_u64(&e, ret);
	evb_u64(&e, arg_int(regs, 0));
	evb_u32(&e, arg(regs, 1));
	evb_u32(&e, arg(regs, 2));
	evb_send(&e, 383);
	return 0;
}

FILLER(fill_fchownat)
{
	struct evb e;

	if (evb_start(&e, 6))
		return 0;
	evb_u64(&e, ret);
	evb_u64(&e, arg_int(regs, 0));
	evb_ustr(&e, arg_ptr(regs, 1));
	evb_u32(&e, arg(regs, 2));
	evb_u32(&e, arg(regs, 3));
	evb_u32(&e, arg(regs, 4));
	evb_send(&e, 385);
	return 0;
}

FILLER(fill_mount)
{
	struct evb e;

	if (evb_start(&e, 5))
		return 0;
	evb_u64(&e, ret);
	evb_ustr(&e, arg_ptr(regs, 0));
	evb_ustr(&e, arg_ptr(regs, 1));
	evb_ustr(&e, arg_ptr(regs, 2));
	evb_u32(&e, mount_flags_to_scap(arg(regs, 3)));
	evb_send(&e, 257);
	return 0;
}

/* ---- credentials, namespaces, modules, misc ---------------------------- */

/* res, u32: setuid, setgid, userfaultfd, bpf (whose res is the fd) */
FILLER(fill_res_u32)
{
	struct evb e;

	if (evb_start(&e, 2))
		return 0;
	evb_u64(&e, ret);
	evb_u32(&e, arg(regs, 0));
	evb_send(&e, code);
	return 0;
}

/* res, 3 x u32: setresuid, setresgid */
FILLER(fill_res_3u32)
{
	struct evb e;

	if (evb_start(&e, 4))
		return 0;
	evb_u64(&e, ret);
	evb_u32(&e, arg(regs, 0));
	evb_u32(&e, arg(regs, 1));
	evb_u32(&e, arg(regs, 2));
	evb_send(&e, code);
	return 0;
}

FILLER(fill_setns)
{
	struct evb e;

	if (evb_start(&e, 3))
		return 0;
	evb_u64(&e, ret);
	evb_u64(&e, arg_int(regs, 0));
	evb_u32(&e, clone_flags_to_scap(arg(regs, 1)));
	evb_send(&e, 241);
	return 0;
}

FILLER(fill_unshare)
{
	struct evb e;

	if (evb_start(&e, 2))
		return 0;
	evb_u64(&e, ret);
	evb_u32(&e, clone_flags_to_scap(arg(regs, 0)));
	evb_send(&e, 285);
	return 0;
}

/* setsid: res is the new session id (the caller's pid) */
FILLER(fill_setsid)
{
	struct evb e;

	if (evb_start(&e, 1))
		return 0;
	evb_u64(&e, ret);
	evb_send(&e, 275);
	return 0;
}

/* setpgid: res, pid, pgid (pid_t arguments, 0 meaning the caller) */
FILLER(fill_setpgid)
{
	struct evb e;

	if (evb_start(&e, 3))
		return 0;
	evb_u64(&e, ret);
	evb_u64(&e, arg_int(regs, 0));
	evb_u64(&e, arg_int(regs, 1));
	evb_send(&e, 295);
	return 0;
}

/* DYN parameter holding a u64 (PPM_PTRACE_IDX_UINT64). */
static __always_inline void evb_dyn_u64(struct evb *e, u64 v)
{
	u8 *p = evb_at(e);

	p[0] = 0;
	*(u64 *)&p[1] = v;
	evb_len(e, 9);
}

FILLER(fill_ptrace)
{
	struct evb e;

	if (evb_start(&e, 5))
		return 0;
	evb_u64(&e, ret);
	evb_dyn_u64(&e, arg(regs, 2));
	evb_dyn_u64(&e, arg(regs, 3));
	evb_u16(&e, ptrace_req_to_scap(arg(regs, 0)));
	evb_u64(&e, arg_int(regs, 1));
	evb_send(&e, 169);
	return 0;
}

FILLER(fill_init_module)
{
	struct evb e;

	if (evb_start(&e, 4))
		return 0;
	evb_u64(&e, ret);
	evb_ubytes(&e, arg_ptr(regs, 0), arg(regs, 1), SNAPLEN);
	evb_u64(&e, arg(regs, 1));
	evb_ustr(&e, arg_ptr(regs, 2));
	evb_send(&e, 411);
	return 0;
}

FILLER(fill_finit_module)
{
	struct evb e;

	if (evb_start(&e, 4))
		return 0;
	evb_u64(&e, ret);
	evb_u64(&e, arg_int(regs, 0));
	evb_ustr(&e, arg_ptr(regs, 1));
	evb_u32(&e, arg(regs, 2));
	evb_send(&e, 413);
	return 0;
}

/* ---- sockets ---------------------------------------------------------- */

FILLER(fill_socket)
{
	struct evb e;

	if (evb_start(&e, 5))
		return 0;
	evb_u64(&e, ret);
	evb_u32(&e, arg(regs, 0));
	evb_u32(&e, arg(regs, 1));
	evb_u32(&e, arg(regs, 2));
	/* SOCK_NONBLOCK and SOCK_CLOEXEC are O_NONBLOCK and O_CLOEXEC */
	evb_u32(&e, fd_flags_to_scap(arg(regs, 1)));
	evb_send(&e, 19);
	return 0;
}

FILLER(fill_socketpair)
{
	int fds[2] = { -1, -1 };
	struct sock *sk = NULL;
	struct evb e;

	if (evb_start(&e, 8))
		return 0;
	if (ret == 0) {
		bpf_probe_read_user(fds, sizeof(fds), arg_ptr(regs, 3));
		sk = fd_sock(cur(), fds[0]);
	}
	evb_u64(&e, ret);
	evb_u64(&e, fds[0]);
	evb_u64(&e, fds[1]);
	if (sk) {
		evb_u64(&e, (u64)sk);
		evb_u64(&e, (u64)BPF_CORE_READ((struct unix_sock *)sk, peer));
	} else {
		evb_empty(&e);
		evb_empty(&e);
	}
	evb_u32(&e, arg(regs, 0));
	evb_u32(&e, arg(regs, 1));
	evb_u32(&e, arg(regs, 2));
	evb_send(&e, 43);
	return 0;
}

FILLER(fill_connect)
{
	s64 fd = arg_int(regs, 0);
	struct evb e;

	if (evb_start(&e, 4))
		return 0;
	evb_u64(&e, ret);
	evb_tuple(&e, fd_sock(cur(), fd), 0, NULL, 0);
	evb_u64(&e, fd);
	evb_sockaddr(&e, arg_ptr(regs, 1), arg(regs, 2));
	evb_send(&e, 23);
	return 0;
}

/* accept (5 parameters) and accept4 (6) */
FILLER(fill_accept)
{
	struct sock *lsk = fd_sock(cur(), arg_int(regs, 0));
	struct evb e;
	u32 qlen = 0, qmax = 0;

	if (evb_start(&e, code == 389 ? 6 : 5))
		return 0;
	evb_u64(&e, ret);
	evb_tuple(&e, ret >= 0 ? fd_sock(cur(), ret) : NULL, 1, NULL, 0);
	if (lsk) {
		qlen = BPF_CORE_READ(lsk, sk_ack_backlog);
		qmax = BPF_CORE_READ(lsk, sk_max_ack_backlog);
	}
	evb_u8(&e, qmax ? qlen * 100 / qmax : 0);
	evb_u32(&e, qlen);
	evb_u32(&e, qmax);
	if (code == 389)
		evb_u32(&e, arg(regs, 3));
	evb_send(&e, code);
	return 0;
}

FILLER(fill_bind)
{
	struct evb e;

	if (evb_start(&e, 3))
		return 0;
	evb_u64(&e, ret);
	evb_sockaddr(&e, arg_ptr(regs, 1), arg(regs, 2));
	evb_u64(&e, arg_int(regs, 0));
	evb_send(&e, 21);
	return 0;
}

FILLER(fill_listen)
{
	struct evb e;

	if (evb_start(&e, 3))
		return 0;
	evb_u64(&e, ret);
	evb_u64(&e, arg_int(regs, 0));
	evb_u32(&e, arg(regs, 1));
	evb_send(&e, 25);
	return 0;
}

FILLER(fill_sendto)
{
	s64 fd = arg_int(regs, 0);
	u64 size = arg(regs, 2);
	struct evb e;

	if (evb_start(&e, 5))
		return 0;
	evb_u64(&e, ret);
	evb_ubytes(&e, arg_ptr(regs, 1), ret > 0 ? ret : size, SNAPLEN);
	evb_u64(&e, fd);
	evb_u32(&e, size);
	evb_tuple(&e, fd_sock(cur(), fd), 0, arg_ptr(regs, 4), arg(regs, 5));
	evb_send(&e, 31);
	return 0;
}

FILLER(fill_recvfrom)
{
	s64 fd = arg_int(regs, 0);
	struct evb e;

	if (evb_start(&e, 5))
		return 0;
	evb_u64(&e, ret);
	evb_ubytes(&e, arg_ptr(regs, 1), ret > 0 ? ret : 0, SNAPLEN);
	/* an unconnected socket's peer is the address recvfrom filled in */
	evb_tuple(&e, fd_sock(cur(), fd), 1, ret >= 0 ? arg_ptr(regs, 4) : NULL,
		  sizeof(struct sockaddr_in6));
	evb_u64(&e, fd);
	evb_u32(&e, arg(regs, 2));
	evb_send(&e, 35);
	return 0;
}

#define IOV_MAX_ 8

/* The first iovec of a user msghdr and the sum of up to IOV_MAX_ lengths;
 * msg_name and msg_namelen in *m. */
static __always_inline u64 msg_iov(struct user_msghdr *umsg, struct iovec *first, struct user_msghdr *mp)
{
	struct user_msghdr m = {};
	struct iovec iov;
	u64 total = 0;
	int i;

	first->iov_base = NULL;
	first->iov_len = 0;
	mp->msg_name = NULL;
	mp->msg_namelen = 0;
	if (bpf_probe_read_user(&m, sizeof(m), umsg) || !m.msg_iov)
		return 0;
	for (i = 0; i < IOV_MAX_ && i < m.msg_iovlen; i++) {
		if (bpf_probe_read_user(&iov, sizeof(iov), &m.msg_iov[i]))
			break;
		if (i == 0)
			*first = iov;
		total += iov.iov_len;
	}
	*mp = m;
	return total;
}

FILLER(fill_sendmsg)
{
	s64 fd = arg_int(regs, 0);
	struct user_msghdr m;
	struct iovec first;
	u64 size = msg_iov(arg_ptr(regs, 1), &first, &m);
	struct evb e;

	if (evb_start(&e, 5))
		return 0;
	evb_u64(&e, ret);
	evb_ubytes(&e, first.iov_base, ret >= 0 && ret < first.iov_len ? ret : first.iov_len, SNAPLEN);
	evb_u64(&e, fd);
	evb_u32(&e, size);
	evb_tuple(&e, fd_sock(cur(), fd), 0, m.msg_name, m.msg_namelen);
	evb_send(&e, 49);
	return 0;
}

FILLER(fill_recvmsg)
{
	s64 fd = arg_int(regs, 0);
	struct user_msghdr m;
	struct iovec first;
	struct evb e;

	msg_iov(arg_ptr(regs, 1), &first, &m);
	if (evb_start(&e, 6))
		return 0;
	evb_u64(&e, ret);
	evb_u32(&e, ret > 0 ? ret : 0);
	evb_ubytes(&e, first.iov_base, ret > 0 && ret < first.iov_len ? ret : (ret > 0 ? first.iov_len : 0),
		   SNAPLEN);
	evb_tuple(&e, fd_sock(cur(), fd), 1, ret >= 0 ? m.msg_name : NULL, m.msg_namelen);
	evb_empty(&e);
	evb_u64(&e, fd);
	evb_send(&e, 53);
	return 0;
}

/* ---- processes -------------------------------------------------------- */

/* clone, clone3, fork, vfork: sent by the parent (res = child tid) and by
 * the child (res = 0), each describing itself. */
FILLER(fill_clone)
{
	struct task_struct *task = cur();
	struct pid *pid = BPF_CORE_READ(task, thread_pid);
	u64 flags = 0;
	u32 cl;
	struct evb e;

	if (code == 223)
		flags = arg(regs, 0);
	else if (code == 335)
		bpf_probe_read_user(&flags, sizeof(flags), arg_ptr(regs, 0));
	cl = clone_flags_to_scap(flags);
	if (code == 227)
		cl |= PPM_CL_CLONE_VM | PPM_CL_CLONE_VFORK;
	if (pid && BPF_CORE_READ(pid, level) > 0)
		cl |= PPM_CL_CHILD_IN_PIDNS;
	if (evb_start(&e, 21))
		return 0;
	evb_u64(&e, ret);
	evb_proc(&e, task);
	evb_u32(&e, cl);
	evb_u32(&e, BPF_CORE_READ(task, cred, euid.val));
	evb_u32(&e, BPF_CORE_READ(task, cred, egid.val));
	evb_u64(&e, pid_vnr(pid));
	evb_u64(&e, pid_vnr(BPF_CORE_READ(task, group_leader, thread_pid)));
	evb_u64(&e, task_pidns_start(task));
	evb_send(&e, code);
	return 0;
}

static __always_inline u64 cred_cap(const kernel_cap_t *cap)
{
	u64 v = 0;

	/* A u64 since 6.3, two u32 before: the same 8 bytes either way. */
	bpf_probe_read_kernel(&v, sizeof(v), cap);
	return v;
}

/* execve (31 parameters) and execveat (30): on success they describe the
 * new image. */
FILLER(fill_execve)
{
	struct task_struct *task = cur();
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	struct file *exe = mm ? BPF_CORE_READ(mm, exe_file) : NULL;
	struct inode *ino = exe ? BPF_CORE_READ(exe, f_inode) : NULL;
	const struct cred *cred = BPF_CORE_READ(task, cred);
	struct pid *pgrp = BPF_CORE_READ(task, signal, pids[PIDTYPE_PGID_]);
	struct exec_name *stash;
	struct evb e;

	if (evb_start(&e, code == 293 ? 31 : 30))
		return 0;
	evb_u64(&e, ret);
	evb_proc(&e, task);
	if (mm) {
		unsigned long start = BPF_CORE_READ(mm, env_start);
		unsigned long end = BPF_CORE_READ(mm, env_end);

		evb_ubytes(&e, (void *)start, end > start ? end - start : 0, ENV_MAX);
	} else {
		evb_empty(&e);
	}
	evb_u32(&e, task_tty(task));
	evb_u64(&e, pid_nr_at(pgrp, BPF_CORE_READ(task, thread_pid, level)));
	if (bpf_core_field_exists(task->loginuid))
		evb_u32(&e, BPF_CORE_READ(task, loginuid.val));
	else
		evb_empty(&e);
	evb_u32(&e, exe ? exe_flags(exe, cred) : 0);
	evb_u64(&e, cred_cap(__builtin_preserve_access_index(&cred->cap_inheritable)));
	evb_u64(&e, cred_cap(__builtin_preserve_access_index(&cred->cap_permitted)));
	evb_u64(&e, cred_cap(__builtin_preserve_access_index(&cred->cap_effective)));
	if (ino) {
		evb_u64(&e, BPF_CORE_READ(ino, i_ino));
		evb_u64(&e, inode_time(ino, 0));
		evb_u64(&e, inode_time(ino, 1));
	} else {
		evb_empty(&e);
		evb_empty(&e);
		evb_empty(&e);
	}
	evb_u32(&e, BPF_CORE_READ(cred, euid.val));
	if (exe) {
		struct path p = BPF_CORE_READ(exe, f_path);

		evb_dpath(&e, p.dentry, p.mnt);
	} else {
		evb_empty(&e);
	}
	evb_u64(&e, pid_nr_at(pgrp, 0));
	evb_u32(&e, BPF_CORE_READ(cred, egid.val));
	stash = bpf_task_storage_get(&exec_names, task, NULL, 0);
	if (code == 293) {
		if (ret == 0 && stash)
			evb_kstr(&e, stash->name);
		else if (ret == 0)
			evb_empty(&e);
		else
			evb_ustr(&e, arg_ptr(regs, 0));
	}
	if (stash)
		bpf_task_storage_delete(&exec_names, task);
	evb_send(&e, code);
	return 0;
}

/* The path execve was given (bprm->filename), for the exit event. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(proc_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct exec_name *stash;

	if ((bpf_get_current_pid_tgid() >> 32) == self_tgid)
		return 0;
	stash = bpf_task_storage_get(&exec_names, bpf_get_current_task_btf(), NULL,
				     BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (stash)
		bpf_probe_read_kernel_str(stash->name, sizeof(stash->name), BPF_CORE_READ(bprm, filename));
	return 0;
}

/* procexit: status, ret (exit code), sig, core, reaper_tid. Sent for
 * every thread, whatever the selection. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(proc_exit, struct task_struct *p)
{
	struct task_struct *task = bpf_get_current_task_btf();
	u32 status;
	struct evb e;

	if ((bpf_get_current_pid_tgid() >> 32) == self_tgid)
		return 0;
	status = BPF_CORE_READ(task, exit_code);
	if (evb_start(&e, 5))
		return 0;
	evb_u64(&e, status);
	evb_u64(&e, (status >> 8) & 0xff);
	evb_u8(&e, status & 0x7f);
	evb_u8(&e, (status & 0x80) != 0);
	evb_u64(&e, exit_reaper(task));
	evb_send(&e, 186);
	return 0;
}

/* ---- generic ------------------------------------------------------------ */

/* A syscall with no event of its own that a rule names (evt.type=getppid):
 * syscall_X with ID 0 (saker keeps no PPM_SC numbering) and the native
 * number, from which user space names the event type. */
FILLER(fill_generic)
{
	struct evb e;

	if (evb_start(&e, 2))
		return 0;
	evb_u16(&e, 0);
	evb_u16(&e, regs->orig_ax);
	evb_send(&e, 1);
	return 0;
}

/* ---- the dispatcher --------------------------------------------------- */

/* The filler of each exit event code: direct calls, which cost less than
 * a tail call through a program array (an indirect jump, a retpoline here). */
static __always_inline int fill(struct pt_regs *regs, long ret, u16 code)
{
	switch (code) {
	case 1:
		return fill_generic(regs, ret, code);
	case 3:
		return fill_open(regs, ret, code);
	case 307:
		return fill_openat(regs, ret, code);
	case 327:
		return fill_openat2(regs, ret, code);
	case 59:
		return fill_creat(regs, ret, code);
	case 5:
	case 367:
	case 97:
		return fill_res_fd(regs, ret, code);
	case 363:
	case 365:
		return fill_dup23(regs, ret, code);
	case 151:
		return fill_fcntl(regs, ret, code);
	case 61:
	case 393:
		return fill_pipe(regs, ret, code);
	case 405:
		return fill_memfd_create(regs, ret, code);
	case 301:
	case 279:
	case 95:
		return fill_res_path(regs, ret, code);
	case 179:
	case 309:
	case 175:
		return fill_res_path2(regs, ret, code);
	case 181:
		return fill_symlinkat(regs, ret, code);
	case 177:
	case 311:
	case 319:
		return fill_at2(regs, ret, code);
	case 277:
	case 315:
	case 391:
		return fill_res_path_u32(regs, ret, code);
	case 303:
	case 305:
	case 313:
		return fill_res_fd_path_u32(regs, ret, code);
	case 317:
		return fill_res_fd_u32(regs, ret, code);
	case 379:
	case 381:
		return fill_chown(regs, ret, code);
	case 383:
		return fill_fchown(regs, ret, code);
	case 385:
		return fill_fchownat(regs, ret, code);
	case 257:
		return fill_mount(regs, ret, code);
	case 199:
	case 201:
	case 321:
	case 369:
		return fill_res_u32(regs, ret, code);
	case 193:
	case 195:
		return fill_res_3u32(regs, ret, code);
	case 241:
		return fill_setns(regs, ret, code);
	case 285:
		return fill_unshare(regs, ret, code);
	case 275:
		return fill_setsid(regs, ret, code);
	case 295:
		return fill_setpgid(regs, ret, code);
	case 169:
		return fill_ptrace(regs, ret, code);
	case 411:
		return fill_init_module(regs, ret, code);
	case 413:
		return fill_finit_module(regs, ret, code);
	case 19:
		return fill_socket(regs, ret, code);
	case 43:
		return fill_socketpair(regs, ret, code);
	case 23:
		return fill_connect(regs, ret, code);
	case 247:
	case 389:
		return fill_accept(regs, ret, code);
	case 21:
		return fill_bind(regs, ret, code);
	case 25:
		return fill_listen(regs, ret, code);
	case 31:
		return fill_sendto(regs, ret, code);
	case 35:
		return fill_recvfrom(regs, ret, code);
	case 49:
		return fill_sendmsg(regs, ret, code);
	case 53:
		return fill_recvmsg(regs, ret, code);
	case 223:
	case 335:
	case 225:
	case 227:
		return fill_clone(regs, ret, code);
	case 293:
	case 331:
		return fill_execve(regs, ret, code);
	default:
		return 0;
	}
}

/* The hot path of every syscall: one load for the selection, then the
 * self and compat checks only for selected syscalls. pt_regs and
 * thread_info are read as BTF pointers (CO-RE relocated, no helper call). */
SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit, struct pt_regs *regs, long ret)
{
	u64 nr = regs->orig_ax;
	u16 code;

	if (nr >= NSYSCALLS)
		return 0;
	code = evcode[nr];
	if (!code || (ret < 0 && drop_failed))
		return 0;
	if ((bpf_get_current_pid_tgid() >> 32) == self_tgid)
		return 0;
	if (bpf_core_field_exists(struct thread_info, status) &&
	    (bpf_get_current_task_btf()->thread_info.status & TS_COMPAT_))
		return 0;
	return fill(regs, ret, code);
}
