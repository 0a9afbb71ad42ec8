/* SPDX-License-Identifier: Apache-2.0 */
/*
 * apply.c: the state effects of each event (Falco's semantics).
 *
 * saker_next calls state_apply once per event, before handing it out, so
 * the event sees the state as of itself. Removals (close, procexit) are
 * left to the start of the next call (saker.c), so a close still sees its
 * fd and a procexit its thread. Effects key on exit events: the probe sends
 * only those, with all the arguments.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "state.h"

enum kind {
	K_NONE, K_CLONE, K_EXECVE, K_PROCEXIT, K_OPEN, K_CREAT, K_MEMFD,
	K_SOCKET, K_CONNECT, K_ACCEPT, K_BIND, K_LISTEN, K_PIPE, K_SOCKETPAIR,
	K_DUP, K_FCNTL, K_CLOSE, K_CHDIR, K_FCHDIR, K_SETUID, K_SETGID,
	K_SETRESUID, K_SETRESGID, K_NEWFD, K_SETSID, K_SETPGID
};

static const struct {
	const char *name;
	uint8_t kind, fdtype;
} kinds_by_name[] = {
	{ "clone", K_CLONE, 0 }, { "clone3", K_CLONE, 0 }, { "fork", K_CLONE, 0 },
	{ "vfork", K_CLONE, 0 }, { "execve", K_EXECVE, 0 }, { "execveat", K_EXECVE, 0 },
	{ "procexit", K_PROCEXIT, 0 }, { "open", K_OPEN, 0 }, { "openat", K_OPEN, 0 },
	{ "openat2", K_OPEN, 0 }, { "creat", K_CREAT, 0 },
	{ "memfd_create", K_MEMFD, FDT_MEMFD }, { "socket", K_SOCKET, 0 },
	{ "connect", K_CONNECT, 0 }, { "accept", K_ACCEPT, 0 },
	{ "accept4", K_ACCEPT, 0 }, { "bind", K_BIND, 0 }, { "listen", K_LISTEN, 0 },
	{ "pipe", K_PIPE, FDT_PIPE }, { "pipe2", K_PIPE, FDT_PIPE },
	{ "socketpair", K_SOCKETPAIR, 0 }, { "dup", K_DUP, 0 }, { "dup2", K_DUP, 0 },
	{ "dup3", K_DUP, 0 }, { "fcntl", K_FCNTL, 0 }, { "close", K_CLOSE, 0 },
	{ "chdir", K_CHDIR, 0 }, { "fchdir", K_FCHDIR, 0 }, { "setuid", K_SETUID, 0 },
	{ "setgid", K_SETGID, 0 }, { "setresuid", K_SETRESUID, 0 },
	{ "setresgid", K_SETRESGID, 0 }, { "setsid", K_SETSID, 0 },
	{ "setpgid", K_SETPGID, 0 },
	{ "eventfd", K_NEWFD, FDT_EVENT }, { "eventfd2", K_NEWFD, FDT_EVENT },
	{ "signalfd", K_NEWFD, FDT_SIGNALFD }, { "signalfd4", K_NEWFD, FDT_SIGNALFD },
	{ "timerfd_create", K_NEWFD, FDT_TIMERFD },
	{ "inotify_init", K_NEWFD, FDT_INOTIFY }, { "inotify_init1", K_NEWFD, FDT_INOTIFY },
	{ "epoll_create", K_NEWFD, FDT_EVENTPOLL }, { "epoll_create1", K_NEWFD, FDT_EVENTPOLL },
	{ "bpf", K_NEWFD, FDT_BPF }, { "userfaultfd", K_NEWFD, FDT_USERFAULTFD },
	{ "io_uring_setup", K_NEWFD, FDT_IO_URING }, { "pidfd_open", K_NEWFD, FDT_PIDFD },
	{ "pidfd_getfd", K_NEWFD, FDT_UNKNOWN },
};

static uint8_t kind_of[512], fdtype_of[512];

static void kinds_init(void)
{
	static int ready;
	uint32_t c, i;

	if (ready)
		return;
	for (c = 0; c < evt_table_len && c < 512; c++) {
		if (evt_table[c].dir != '<' && strcmp(evt_table[c].name, "procexit"))
			continue;
		for (i = 0; i < sizeof(kinds_by_name) / sizeof(kinds_by_name[0]); i++) {
			if (!strcmp(evt_table[c].name, kinds_by_name[i].name)) {
				kind_of[c] = kinds_by_name[i].kind;
				fdtype_of[c] = kinds_by_name[i].fdtype;
			}
		}
	}
	ready = 1;
}

/* ---- helpers ------------------------------------------------------------- */

#define P (&s->par)
#define CODE (s->evt.type)

static int64_t iarg(struct saker *s, enum evt_pkey k, int64_t dflt)
{
	int64_t v;

	return evt_int_k(CODE, P, k, &v) ? v : dflt;
}

static void set_str(struct saker *s, struct pstr *dst, enum evt_pkey k)
{
	uint32_t len;
	const uint8_t *v = evt_raw_k(CODE, P, k, &len);

	if (!v)
		return;
	if (v[len - 1] == 0)
		len--;
	pstr_set(s->sp, dst, v, len);
}

/* args and env lists: keep inner NULs, drop the final one; count items. */
static void set_list(struct saker *s, struct pstr *dst, enum evt_pkey k, uint32_t *count)
{
	uint32_t len, i, n = 0;
	const uint8_t *v = evt_raw_k(CODE, P, k, &len);

	if (!v) {
		if (count) {
			pstr_set(s->sp, dst, "", 0);
			*count = 0;
		}
		return;
	}
	if (v[len - 1] == 0)
		len--;
	pstr_set(s->sp, dst, v, len);
	if (count) {
		for (i = 0; i <= len; i++)
			n += i == len || v[i] == 0;
		*count = len ? n : 0;
	}
}

static void set_container(struct saker *s, struct thread *t)
{
	t->in_container = (uint8_t)container_id_from_cgroups(t->cgroups.s, t->cgroups.len, t->container_id);
}

/* An absolute, normalised path for path (plen) as seen by t, relative to
 * dirfd (PPM_AT_FDCWD or absent: the cwd). */
static uint32_t resolve_at(struct saker *s, struct thread *t, int64_t dirfd,
			   const char *path, uint32_t plen, char *out, uint32_t cap)
{
	const struct pstr *base = thread_cwd(s, t);

	if (plen && path[0] != '/' && dirfd != PPM_AT_FDCWD && dirfd >= 0) {
		struct fdinfo *d = fd_find(s, t, dirfd);

		if (d && d->name.len)
			base = &d->name;
	}
	return path_resolve(base->s, base->len, path, plen, out, cap);
}

static char pathbuf[8192];

/* ---- threads ------------------------------------------------------------ */

static void copy_image(struct saker *s, struct thread *d, const struct thread *p)
{
	memcpy(d->comm, p->comm, sizeof(d->comm));
	pstr_set(s->sp, &d->exe, pstr_c(&p->exe), p->exe.len);
	pstr_set(s->sp, &d->exepath, pstr_c(&p->exepath), p->exepath.len);
	pstr_set(s->sp, &d->args, pstr_c(&p->args), p->args.len);
	d->argc = p->argc;
	pstr_set(s->sp, &d->env, pstr_c(&p->env), p->env.len);
	pstr_set(s->sp, &d->cgroups, pstr_c(&p->cgroups), p->cgroups.len);
	memcpy(d->container_id, p->container_id, sizeof(d->container_id));
	d->in_container = p->in_container;
	d->sid = p->sid;
	d->pgid = p->pgid;
	d->vpgid = p->vpgid;
	d->uid = p->uid;
	d->gid = p->gid;
	d->euid = p->euid;
	d->egid = p->egid;
	d->suid = p->suid;
	d->sgid = p->sgid;
	d->loginuid = p->loginuid;
	d->tty = p->tty;
	d->cap_inheritable = p->cap_inheritable;
	d->cap_permitted = p->cap_permitted;
	d->cap_effective = p->cap_effective;
	d->exe_ino = p->exe_ino;
	d->exe_writable = p->exe_writable;
	d->exe_upper_layer = p->exe_upper_layer;
	d->exe_lower_layer = p->exe_lower_layer;
	d->exe_from_memfd = p->exe_from_memfd;
	d->fdlimit = p->fdlimit;
	d->pidns_init_start_ts = p->pidns_init_start_ts;
}

/* Epoch ns at boot: a capture gives it in its machine info; live, the
 * clocks say it (once). */
uint64_t state_boot_ts(struct saker *s)
{
	struct timespec rt, bt;

	if (!s->boot_ts && s->probe && !clock_gettime(CLOCK_REALTIME, &rt) &&
	    !clock_gettime(CLOCK_BOOTTIME, &bt))
		s->boot_ts = (uint64_t)(rt.tv_sec - bt.tv_sec) * 1000000000ull +
			     (uint64_t)(rt.tv_nsec - bt.tv_nsec);
	return s->boot_ts;
}

/* pidns_init_start_ts comes as ns since boot (the start of the pid
 * namespace's init), as Falco's drivers send it; Falco reads it as an epoch
 * time, and as the boot time for a task in the host's pid namespace. */
static uint64_t pidns_start(struct saker *s, uint32_t flags)
{
	int64_t v, tid = iarg(s, EVP_TID, -1), vtid = iarg(s, EVP_VTID, tid);

	if ((flags & (PPM_CL_CHILD_IN_PIDNS | PPM_CL_CLONE_NEWPID)) || tid != vtid)
		return evt_int_k(CODE, P, EVP_PIDNS_START, &v) && v ? (uint64_t)v + state_boot_ts(s) : 0;
	return state_boot_ts(s);
}

/* Fill a clone child's image from the event (the caller's image). */
static void image_from_clone(struct saker *s, struct thread *c)
{
	uint32_t len;
	const char *comm = evt_str_k(CODE, P, EVP_COMM, &len);

	set_str(s, &c->exe, EVP_EXE);
	set_list(s, &c->args, EVP_ARGS, &c->argc);
	if (comm) {
		if (len > 15)
			len = 15;
		memcpy(c->comm, comm, len);
		c->comm[len] = 0;
	}
	if (evt_raw_k(CODE, P, EVP_CGROUPS, &len)) {
		set_list(s, &c->cgroups, EVP_CGROUPS, NULL);
		set_container(s, c);
	}
	c->uid = c->euid = (uint32_t)iarg(s, EVP_UID, c->uid);
	c->gid = c->egid = (uint32_t)iarg(s, EVP_GID, c->gid);
	c->pidns_init_start_ts = pidns_start(s, (uint32_t)iarg(s, EVP_FLAGS, 0));
	c->fdlimit = (uint64_t)iarg(s, EVP_FDLIMIT, (int64_t)c->fdlimit);
}

static void set_cwd_from_event(struct saker *s, struct thread *t)
{
	uint32_t len;
	const char *cwd = evt_str_k(CODE, P, EVP_CWD, &len);
	uint32_t n;

	if (!cwd || !len || t->files == STATE_NIL)
		return;
	n = path_resolve("/", 1, cwd, len, pathbuf, sizeof(pathbuf) - 1);
	if (n > 1)
		pathbuf[n++] = '/';
	pstr_set(s->sp, &s->fds.files[t->files].cwd, pathbuf, n);
}

static void do_clone(struct saker *s)
{
	int64_t res = iarg(s, EVP_RES, -1);
	uint32_t flags = (uint32_t)iarg(s, EVP_FLAGS, 0);
	int is_thread = (flags & PPM_CL_CLONE_THREAD) != 0;
	int64_t ctid, cpid, cptid;
	struct thread *parent, *c;
	int fresh;

	if (res < 0)
		return;
	if (res > 0) {
		/* the caller's side: event tid is the parent, res the child */
		parent = thread_get(s, s->evt.tid);
		if (!parent->comm[0] && !parent->from_proc && !parent->clone_ts) {
			/* a caller never seen before (a replayed capture has no
			 * /proc): the event carries its own image, as Falco reads it */
			image_from_clone(s, parent);
			parent->pid = iarg(s, EVP_PID, parent->pid);
			parent->ptid = iarg(s, EVP_PTID, parent->ptid);
			thread_index(s, parent);
			set_cwd_from_event(s, parent);
		}
		s->thr = parent;
		ctid = res;
		cpid = is_thread ? parent->pid : res;
		cptid = is_thread ? parent->ptid : parent->pid;
	} else {
		/* the child's side: tid/pid/ptid params are the child's own */
		ctid = s->evt.tid;
		cpid = iarg(s, EVP_PID, ctid);
		cptid = iarg(s, EVP_PTID, -1);
		parent = thread_find(s, is_thread ? cpid : cptid);
		if (!parent && (s->probe || s->scan_proc) && (is_thread ? cpid : cptid) > 0 &&
		    (is_thread ? cpid : cptid) != ctid)
			parent = thread_get(s, is_thread ? cpid : cptid); /* from /proc */
		if (parent && parent->tid == ctid)
			parent = NULL;
	}
	c = thread_find(s, ctid);
	if (c && !c->clone_ts && !c->from_proc && c != parent) {
		/* a placeholder made for an event of a tid we did not know
		 * (or a reused tid): the clone says who it really is */
		thread_drop(s, ctid);
		c = NULL;
	}
	fresh = c == NULL;
	if (c && res == 0 && c->from_proc && !c->clone_ts) {
		/* the child's first event, but /proc was read after it ran on
		 * (an exec, a rename): the event has the image it had then, as
		 * libsinsp reads it; its fds stay those /proc listed */
		c->clone_ts = s->evt.ts;
		image_from_clone(s, c);
	}
	if (fresh) {
		s->pin = parent; /* a full table must not evict what we copy */
		c = thread_new(s, ctid);
		s->pin = NULL;
		c->clone_ts = s->evt.ts;
		if (parent) {
			copy_image(s, c, parent);
			if (is_thread || (flags & PPM_CL_CLONE_FILES)) {
				c->files = parent->files;
				files_ref(s, c->files);
			} else {
				c->files = files_copy(s, parent->files);
			}
		} else {
			c->files = files_new(s);
		}
		image_from_clone(s, c);
		if (!parent)
			set_cwd_from_event(s, c);
		if (is_thread) {
			struct thread *m = thread_find(s, cpid);

			if (m && m != c)
				m->nthreads++;
		}
	}
	c->pid = cpid;
	if (cptid >= 0)
		c->ptid = cptid;
	thread_index(s, c);
	if (res == 0) {
		c->vtid = iarg(s, EVP_VTID, c->vtid);
		c->vpid = iarg(s, EVP_VPID, c->vpid);
		/* the child's own view: its pid namespace, even when the
		 * caller's side made it from the caller's */
		c->pidns_init_start_ts = pidns_start(s, flags);
		s->thr = c;
	}
}

static void do_execve(struct saker *s)
{
	struct thread *t = thread_get(s, s->evt.tid);
	uint32_t len, n;
	const char *comm, *p;
	uint32_t flags;

	s->thr = t;
	if (iarg(s, EVP_RES, -1) != 0)
		return;
	t->pid = iarg(s, EVP_PID, t->pid);
	t->ptid = iarg(s, EVP_PTID, t->ptid);
	thread_index(s, t);
	t->fdlimit = (uint64_t)iarg(s, EVP_FDLIMIT, (int64_t)t->fdlimit);
	set_str(s, &t->exe, EVP_EXE);
	set_list(s, &t->args, EVP_ARGS, &t->argc);
	set_list(s, &t->env, EVP_ENV, NULL);
	comm = evt_str_k(CODE, P, EVP_COMM, &len);
	if (!comm) {
		/* old events without comm: the basename of exe */
		comm = pstr_c(&t->exe);
		p = strrchr(comm, '/');
		comm = p ? p + 1 : comm;
		len = (uint32_t)strlen(comm);
	}
	if (len > 15)
		len = 15;
	memmove(t->comm, comm, len);
	t->comm[len] = 0;
	set_cwd_from_event(s, t);
	if (evt_raw_k(CODE, P, EVP_CGROUPS, &len)) {
		set_list(s, &t->cgroups, EVP_CGROUPS, NULL);
		set_container(s, t);
	}
	containers_exec(s, t);
	/* exepath: the kernel's path of the file if sent, else the filename
	 * the caller passed, resolved against the cwd */
	p = evt_str_k(CODE, P, EVP_TRUSTED_EXEPATH, &len);
	if (p && len) {
		pstr_set(s->sp, &t->exepath, p, len);
	} else {
		p = evt_str_k(CODE, P, EVP_FILENAME, &len);
		if (!p)
			p = evt_str_k(CODE, P, EVP_PATHNAME, &len);
		if (!p || !len) {
			p = pstr_c(&t->exe);
			len = t->exe.len;
		}
		n = resolve_at(s, t, PPM_AT_FDCWD, p, len, pathbuf, sizeof(pathbuf));
		pstr_set(s->sp, &t->exepath, pathbuf, n);
	}
	t->tty = (uint32_t)iarg(s, EVP_TTY, t->tty);
	t->vpgid = iarg(s, EVP_VPGID, t->vpgid);
	t->pgid = iarg(s, EVP_PGID, t->pgid);
	t->loginuid = (uint32_t)iarg(s, EVP_LOGINUID, t->loginuid);
	t->cap_inheritable = (uint64_t)iarg(s, EVP_CAP_INH, (int64_t)t->cap_inheritable);
	t->cap_permitted = (uint64_t)iarg(s, EVP_CAP_PRM, (int64_t)t->cap_permitted);
	t->cap_effective = (uint64_t)iarg(s, EVP_CAP_EFF, (int64_t)t->cap_effective);
	t->exe_ino = (uint64_t)iarg(s, EVP_EXE_INO, (int64_t)t->exe_ino);
	t->euid = (uint32_t)iarg(s, EVP_UID, t->euid);
	t->uid = (uint32_t)iarg(s, EVP_UID, t->uid);
	t->egid = (uint32_t)iarg(s, EVP_GID, t->egid);
	t->gid = (uint32_t)iarg(s, EVP_GID, t->gid);
	t->vmsize_kb = (uint32_t)iarg(s, EVP_VM_SIZE, t->vmsize_kb);
	t->vmrss_kb = (uint32_t)iarg(s, EVP_VM_RSS, t->vmrss_kb);
	t->vmswap_kb = (uint32_t)iarg(s, EVP_VM_SWAP, t->vmswap_kb);
	if (evt_pidx(CODE, EVP_FLAGS) >= 0) {
		flags = (uint32_t)iarg(s, EVP_FLAGS, 0);
		t->exe_writable = (flags & PPM_EXE_WRITABLE) != 0;
		t->exe_upper_layer = (flags & PPM_EXE_UPPER_LAYER) != 0;
		t->exe_lower_layer = (flags & PPM_EXE_LOWER_LAYER) != 0;
		t->exe_from_memfd = (flags & PPM_EXE_FROM_MEMFD) != 0;
	}
	if (t->files != STATE_NIL)
		fd_close_on_exec(s, t->files);
}

/* ---- fds ------------------------------------------------------------------ */

static struct fdinfo *new_fd(struct saker *s, int64_t fd, enum fd_type type)
{
	struct fdinfo *f = fd_add(s, s->thr->files, fd);

	if (f)
		f->type = (uint8_t)type;
	s->fdnum = fd;
	return f;
}

static void do_open(struct saker *s, int creat)
{
	int64_t fd = iarg(s, EVP_FD, -1);
	uint32_t len, n, flags;
	const char *name;
	struct fdinfo *f;

	if (fd < 0)
		return;
	flags = creat ? PPM_O_CREAT | PPM_O_WRONLY | (1u << 8) : (uint32_t)iarg(s, EVP_FLAGS, 0);
	name = evt_str_k(CODE, P, EVP_NAME, &len);
	n = 0;
	pathbuf[0] = 0;
	if (name) /* no name (old events): an fd of unknown path */
		n = resolve_at(s, s->thr, iarg(s, EVP_DIRFD, PPM_AT_FDCWD), name, len, pathbuf, sizeof(pathbuf));
	f = new_fd(s, fd, flags & PPM_O_DIRECTORY ? FDT_DIR : FDT_FILE);
	if (!f)
		return;
	f->flags = flags;
	f->dev = (uint32_t)iarg(s, EVP_DEV, 0);
	f->ino = (uint64_t)iarg(s, EVP_INO, 0);
	pstr_set(s->sp, &f->name, pathbuf, n);
}

static void do_memfd(struct saker *s)
{
	int64_t fd = iarg(s, EVP_FD, -1);
	uint32_t len;
	const char *name = evt_str_k(CODE, P, EVP_NAME, &len);
	struct fdinfo *f;
	int n;

	if (fd < 0 || !(f = new_fd(s, fd, FDT_MEMFD)))
		return;
	n = snprintf(pathbuf, sizeof(pathbuf), "memfd:%.*s", name ? (int)len : 0, name ? name : "");
	pstr_set(s->sp, &f->name, pathbuf, (uint32_t)n);
	if (iarg(s, EVP_FLAGS, 0) & 1) /* MFD_CLOEXEC */
		f->flags |= PPM_O_CLOEXEC;
}

static enum fd_type type_of_family(int64_t fam)
{
	switch (fam) {
	case PPM_AF_INET: return FDT_IPV4;
	case PPM_AF_INET6: return FDT_IPV6;
	case PPM_AF_UNIX: return FDT_UNIX;
	case PPM_AF_NETLINK: return FDT_NETLINK;
	default: return FDT_UNKNOWN;
	}
}

static void do_socket(struct saker *s)
{
	int64_t fd = iarg(s, EVP_FD, -1);
	int64_t type = iarg(s, EVP_TYPE, 0) & 0xf, proto = iarg(s, EVP_PROTO, 0);
	int64_t dom = iarg(s, EVP_DOMAIN, 0);
	struct fdinfo *f;

	if (fd < 0 || !(f = new_fd(s, fd, type_of_family(dom))))
		return;
	f->family = (uint8_t)dom;
	f->flags = (uint32_t)iarg(s, EVP_FLAGS, 0);
	if (dom == PPM_AF_INET || dom == PPM_AF_INET6) {
		if (type == 1)
			f->l4proto = L4_TCP;
		else if (type == 2)
			f->l4proto = L4_UDP;
		else if (type == 3)
			f->l4proto = proto == 1 || proto == 58 ? L4_ICMP : L4_RAW;
	}
}

static int v4_mapped(const uint8_t *a)
{
	static const uint8_t pre[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return memcmp(a, pre, 12) == 0;
}

/* Fill f from a decoded tuple: client is the source end. An IPv6 tuple
 * whose two ends are IPv4-mapped is an IPv4 connection, as Falco shows it. */
static void set_tuple(struct saker *s, struct fdinfo *f, const struct evt_sock *in)
{
	struct evt_sock m;
	const struct evt_sock *t = in;

	if (in->family == PPM_AF_INET6 && v4_mapped(in->sip) && v4_mapped(in->dip)) {
		m = *in;
		m.family = PPM_AF_INET;
		memset(m.sip, 0, 16);
		memset(m.dip, 0, 16);
		memcpy(m.sip, in->sip + 12, 4);
		memcpy(m.dip, in->dip + 12, 4);
		t = &m;
	}
	f->family = t->family;
	if (t->family == PPM_AF_INET || t->family == PPM_AF_INET6) {
		uint32_t n = t->family == PPM_AF_INET ? 4 : 16;

		f->type = (uint8_t)type_of_family(t->family);
		memcpy(f->cip, t->sip, n);
		memcpy(f->sip, t->dip, n);
		f->cport = t->sport;
		f->sport = t->dport;
		if (!f->l4proto)
			f->l4proto = L4_TCP;
		fd_set_tuple_name(s, f);
	} else if (t->family == PPM_AF_UNIX) {
		int n;

		f->type = FDT_UNIX;
		f->usrc = t->src;
		f->udst = t->dst;
		if (t->src || t->dst)
			n = snprintf(pathbuf, sizeof(pathbuf), "%llx->%llx %.*s",
				     (unsigned long long)t->src, (unsigned long long)t->dst,
				     (int)t->pathlen, t->path ? t->path : "");
		else
			n = snprintf(pathbuf, sizeof(pathbuf), "%.*s", (int)t->pathlen, t->path ? t->path : "");
		pstr_set(s->sp, &f->name, pathbuf, (uint32_t)n);
	}
}

static struct fdinfo *sock_fd(struct saker *s, int64_t fd)
{
	struct fdinfo *f = fd_find(s, s->thr, fd);

	s->fdnum = fd;
	return f ? f : new_fd(s, fd, FDT_UNKNOWN);
}

static void do_connect(struct saker *s)
{
	int64_t res = iarg(s, EVP_RES, -1), fd = iarg(s, EVP_FD, -1);
	uint32_t len;
	const uint8_t *v;
	struct evt_sock t;
	struct fdinfo *f;

	if (fd < 0)
		return;
	s->fdnum = fd;
	if (res != 0 && res != -115) /* EINPROGRESS: the tuple is already set */
		return;
	f = sock_fd(s, fd);
	if (!f)
		return;
	if ((v = evt_raw_k(CODE, P, EVP_TUPLE, &len)) && evt_socktuple(v, len, &t)) {
		set_tuple(s, f, &t);
	} else if ((v = evt_raw_k(CODE, P, EVP_ADDR, &len)) && evt_sockaddr(v, len, &t)) {
		/* no tuple: the peer only */
		set_tuple(s, f, &t);
	}
}

static void do_accept(struct saker *s)
{
	int64_t fd = iarg(s, EVP_FD, -1);
	uint32_t len;
	const uint8_t *v;
	struct evt_sock t;
	struct fdinfo *f;

	if (fd < 0 || !(f = new_fd(s, fd, FDT_UNKNOWN)))
		return;
	f->is_server = 1;
	if ((v = evt_raw_k(CODE, P, EVP_TUPLE, &len)) && evt_socktuple(v, len, &t))
		set_tuple(s, f, &t);
	if (evt_pidx(CODE, EVP_FLAGS) >= 0 && (iarg(s, EVP_FLAGS, 0) & 0x80000))
		f->flags |= PPM_O_CLOEXEC; /* SOCK_CLOEXEC */
}

static void do_bind(struct saker *s)
{
	int64_t fd = iarg(s, EVP_FD, -1);
	uint32_t len;
	const uint8_t *v;
	struct evt_sock a;
	struct fdinfo *f;
	char ip[64];
	int n;

	if (fd < 0)
		return;
	s->fdnum = fd;
	if (iarg(s, EVP_RES, -1) != 0 || !(v = evt_raw_k(CODE, P, EVP_ADDR, &len)) ||
	    !evt_sockaddr(v, len, &a) || !(f = sock_fd(s, fd)))
		return;
	f->family = a.family;
	if (a.family == PPM_AF_INET || a.family == PPM_AF_INET6) {
		f->type = (uint8_t)type_of_family(a.family);
		memcpy(f->sip, a.dip, a.family == PPM_AF_INET ? 4 : 16);
		f->sport = a.dport;
		if (!inet_ntop(a.family == PPM_AF_INET ? AF_INET : AF_INET6, a.dip, ip, sizeof(ip)))
			ip[0] = 0;
		n = snprintf(pathbuf, sizeof(pathbuf), "%s:%u", ip, a.dport);
		pstr_set(s->sp, &f->name, pathbuf, (uint32_t)n);
	} else if (a.family == PPM_AF_UNIX) {
		f->type = FDT_UNIX;
		pstr_set(s->sp, &f->name, a.path, a.pathlen);
	}
}

static void do_listen(struct saker *s)
{
	int64_t fd = iarg(s, EVP_FD, -1);
	struct fdinfo *f;

	if (fd < 0)
		return;
	s->fdnum = fd;
	if (iarg(s, EVP_RES, -1) == 0 && (f = sock_fd(s, fd)))
		f->is_server = 1;
}

static void do_pair(struct saker *s, enum fd_type type)
{
	int64_t fds[2] = { iarg(s, EVP_FD1, -1), iarg(s, EVP_FD2, -1) };
	uint64_t ino = (uint64_t)iarg(s, EVP_INO, 0);
	int64_t dom = iarg(s, EVP_DOMAIN, PPM_AF_UNIX);
	int i;

	if (iarg(s, EVP_RES, -1) < 0)
		return;
	if (type != FDT_PIPE)
		type = type_of_family(dom);
	for (i = 0; i < 2; i++) {
		struct fdinfo *f;

		if (fds[i] < 0 || !(f = new_fd(s, fds[i], type)))
			continue;
		f->ino = ino;
		f->family = type == FDT_PIPE ? 0 : (uint8_t)dom;
		if (evt_pidx(CODE, EVP_FLAGS) >= 0)
			f->flags = (uint32_t)iarg(s, EVP_FLAGS, 0);
		/* a pipe made while capturing has no name, as in Falco */
		if (type == FDT_UNIX) {
			f->usrc = (uint64_t)iarg(s, EVP_SOURCE, 0);
			f->udst = (uint64_t)iarg(s, EVP_PEER, 0);
		}
	}
	s->fdnum = fds[0];
}

/* newfd becomes a copy of oldfd; cloexec sets or clears O_CLOEXEC. */
static void dup_fd(struct saker *s, int64_t oldfd, int64_t newfd, int cloexec)
{
	struct fdinfo *o, *n;
	struct pstr name;
	uint32_t hn, ln, lp;

	if (newfd < 0)
		return;
	s->fdnum = newfd;
	if (oldfd == newfd)
		return;
	n = fd_add(s, s->thr->files, newfd);   /* first: it may evict */
	o = fd_find(s, s->thr, oldfd);
	if (!n)
		return;
	if (!o) {
		n->type = FDT_UNKNOWN;
		return;
	}
	name = n->name;
	hn = n->hnext;
	ln = n->lnext;
	lp = n->lprev;
	*n = *o;
	n->fd = newfd;
	n->name = name;
	n->hnext = hn;
	n->lnext = ln;
	n->lprev = lp;
	pstr_set(s->sp, &n->name, pstr_c(&o->name), o->name.len);
	if (cloexec)
		n->flags |= PPM_O_CLOEXEC;
	else
		n->flags &= ~(uint32_t)PPM_O_CLOEXEC;
}

static void do_dup(struct saker *s)
{
	int64_t res = iarg(s, EVP_RES, -1);
	int cloexec = evt_pidx(CODE, EVP_FLAGS) >= 0 && (iarg(s, EVP_FLAGS, 0) & PPM_O_CLOEXEC);

	if (res >= 0)
		dup_fd(s, iarg(s, EVP_OLDFD, -1), res, cloexec);
}

static void do_fcntl(struct saker *s)
{
	int64_t res = iarg(s, EVP_RES, -1), cmd = iarg(s, EVP_CMD, 0), fd = iarg(s, EVP_FD, -1);

	s->fdnum = fd;
	if (res >= 0 && (cmd == PPM_FCNTL_F_DUPFD || cmd == PPM_FCNTL_F_DUPFD_CLOEXEC)) {
		dup_fd(s, fd, res, cmd == PPM_FCNTL_F_DUPFD_CLOEXEC);
		s->fdnum = fd;
	}
}

static void do_newfd(struct saker *s, enum fd_type type)
{
	int64_t fd = evt_pidx(CODE, EVP_RES) >= 0 ? iarg(s, EVP_RES, -1) : iarg(s, EVP_FD, -1);

	if (evt_pidx(CODE, EVP_RES) < 0 && evt_pidx(CODE, EVP_FD) < 0)
		fd = iarg(s, EVP_RES_OR_FD, -1);
	if (fd >= 0)
		new_fd(s, fd, type);
}

static void do_chdir(struct saker *s, int by_fd)
{
	struct thread *t = s->thr;
	uint32_t len, n;
	const char *p;
	struct fdinfo *f;

	if (iarg(s, EVP_RES, -1) != 0 || t->files == STATE_NIL)
		return;
	if (by_fd) {
		s->fdnum = iarg(s, EVP_FD, -1);
		f = fd_find(s, t, s->fdnum);
		if (!f)
			return;
		n = path_resolve("/", 1, pstr_c(&f->name), f->name.len, pathbuf, sizeof(pathbuf) - 1);
	} else {
		p = evt_str_k(CODE, P, EVP_PATH, &len);
		if (!p)
			return;
		n = resolve_at(s, t, PPM_AT_FDCWD, p, len, pathbuf, sizeof(pathbuf) - 1);
	}
	if (n > 1)
		pathbuf[n++] = '/';
	pstr_set(s->sp, &s->fds.files[t->files].cwd, pathbuf, n);
}

static void do_ids(struct saker *s, enum kind k)
{
	struct thread *t = s->thr;
	const uint32_t keep = 0xffffffffu;
	int64_t v;

	if (iarg(s, EVP_RES, -1) != 0)
		return;
	switch (k) {
	case K_SETUID:
		if (evt_int_k(CODE, P, EVP_UID, &v))
			t->uid = t->euid = t->suid = (uint32_t)v;
		break;
	case K_SETGID:
		if (evt_int_k(CODE, P, EVP_GID, &v))
			t->gid = t->egid = t->sgid = (uint32_t)v;
		break;
	case K_SETRESUID:
		if (evt_int_k(CODE, P, EVP_RUID, &v) && (uint32_t)v != keep)
			t->uid = (uint32_t)v;
		if (evt_int_k(CODE, P, EVP_EUID, &v) && (uint32_t)v != keep)
			t->euid = (uint32_t)v;
		break;
	case K_SETRESGID:
		if (evt_int_k(CODE, P, EVP_RGID, &v) && (uint32_t)v != keep)
			t->gid = (uint32_t)v;
		if (evt_int_k(CODE, P, EVP_EGID, &v) && (uint32_t)v != keep)
			t->egid = (uint32_t)v;
		break;
	default:
		break;
	}
}

/* A process's group: vpgid in its own pid namespace, pgid in ours (<= 0:
 * unknown, left as it was). Both the thread and its process's main thread. */
static void set_pgrp(struct saker *s, struct thread *t, int64_t vpgid, int64_t pgid)
{
	struct thread *m = thread_main(s, t);

	if (vpgid > 0)
		t->vpgid = m->vpgid = vpgid;
	if (pgid > 0)
		t->pgid = m->pgid = pgid;
}

/* setsid: the caller's process leads a new session and group; res is the
 * new id in its pid namespace, which proc.sid reads (as Falco does).
 * setpgid(pid, pgid): pid 0 is the caller's process, pgid 0 the target's
 * own id. Another process is found by pid only from our pid namespace. */
static void do_pgrp(struct saker *s, enum kind k)
{
	struct thread *t = s->thr, *target = t;
	int64_t res = iarg(s, EVP_RES, -1), pid, pgid;
	int host = t->pid == t->vpid;

	if (k == K_SETSID) {
		if (res <= 0)
			return;
		t->sid = thread_main(s, t)->sid = res;
		set_pgrp(s, t, res, t->pid);
		return;
	}
	pid = iarg(s, EVP_PID, -1);
	pgid = iarg(s, EVP_PGID, -1);
	if (res != 0 || pid < 0 || pgid < 0)
		return;
	if (pid != 0 && pid != t->vpid)
		target = host ? thread_find(s, pid) : NULL;
	if (!target)
		return;
	if (pgid == 0 || pgid == target->vpid)
		set_pgrp(s, target, target->vpid, target->pid);
	else
		set_pgrp(s, target, pgid, host ? pgid : -1);
}

/* The thread is gone at the next event. When it was the last of its
 * process, the children move to the reaper the probe names (or, from a
 * capture without it, init): a live thread of the same process changes
 * nothing, as ptid is a process id. */
static void do_procexit(struct saker *s)
{
	struct thread *t = s->thr;
	int64_t reaper = iarg(s, EVP_REAPER_TID, -1);

	t->exited = 1;
	s->pending_exit = t->tid;
	if (reaper < 0 && thread_count_in_process(s, t) <= 1)
		reaper = 1;
	if (reaper > 0)
		thread_reparent(s, t->pid, reaper);
}

void state_apply(struct saker *s)
{
	uint16_t code = s->evt.type;
	enum kind k;
	int i;

	kinds_init();
	k = code < 512 ? (enum kind)kind_of[code] : K_NONE;
	s->fd = NULL;
	s->fdnum = -1;
	if (k == K_CLONE) {
		do_clone(s);
		if (!s->thr)
			s->thr = thread_get(s, s->evt.tid);
		s->thr->last_ts = s->evt.ts;
		return;
	}
	s->thr = k == K_EXECVE ? NULL : thread_get(s, s->evt.tid);
	switch (k) {
	case K_EXECVE: do_execve(s); break;
	case K_PROCEXIT: do_procexit(s); break;
	case K_OPEN: do_open(s, 0); break;
	case K_CREAT: do_open(s, 1); break;
	case K_MEMFD: do_memfd(s); break;
	case K_SOCKET: do_socket(s); break;
	case K_CONNECT: do_connect(s); break;
	case K_ACCEPT: do_accept(s); break;
	case K_BIND: do_bind(s); break;
	case K_LISTEN: do_listen(s); break;
	case K_PIPE: do_pair(s, FDT_PIPE); break;
	case K_SOCKETPAIR: do_pair(s, FDT_UNIX); break;
	case K_DUP: do_dup(s); break;
	case K_FCNTL: do_fcntl(s); break;
	case K_CLOSE:
		s->fdnum = iarg(s, EVP_FD, -1);
		if (iarg(s, EVP_RES, -1) == 0 && s->fdnum >= 0) {
			s->pending_close_tid = s->thr->tid;
			s->pending_close_fd = s->fdnum;
		}
		break;
	case K_CHDIR: do_chdir(s, 0); break;
	case K_FCHDIR: do_chdir(s, 1); break;
	case K_SETUID: case K_SETGID: case K_SETRESUID: case K_SETRESGID:
		do_ids(s, k);
		break;
	case K_SETSID: case K_SETPGID: do_pgrp(s, k); break;
	case K_NEWFD: do_newfd(s, (enum fd_type)fdtype_of[code]); break;
	default:
		i = evt_pidx(code, EVP_FD);
		if (i >= 0 && (evt_ptype(code, (uint32_t)i) == PT_FD || evt_ptype(code, (uint32_t)i) == PT_FD32))
			s->fdnum = iarg(s, EVP_FD, -1);
		break;
	}
	s->thr->last_ts = s->evt.ts;
	if (s->thr->ptid != s->thr->iptid) /* set from outside apply.c */
		thread_index(s, s->thr);
	if (s->fdnum >= 0)
		s->fd = fd_find(s, s->thr, s->fdnum);
}
