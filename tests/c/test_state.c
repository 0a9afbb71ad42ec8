/* SPDX-License-Identifier: Apache-2.0 */
/* test_state.c: the state tables fed with synthetic events (no root). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include "state.h"
#include "check.h"
#include "evbuild.h"

static struct evb B;
static uint64_t ts = 1700000000000000000ull;
static uint64_t clone_pidns; /* clone's pidns_init_start_ts: ns since boot */

static const struct saker_evt *feed(struct saker *s)
{
	const struct saker_evt *e;

	evb_end(&B);
	if (saker_inject(s, B.buf, B.len, 0))
		return NULL;
	e = saker_next(s, 0);
	return e;
}

/* A clone exit event (evb_clone), fed. */
static const struct saker_evt *clone_ev(struct saker *s, int64_t evtid, int64_t res, int64_t tid,
					int64_t pid, int64_t ptid, uint32_t flags, const char *comm,
					const char *cgroups)
{
	evb_clone(&B, (uint64_t)evtid, ts++, res, tid, pid, ptid, flags, comm, cgroups, clone_pidns);
	return feed(s);
}

/* execve X (293), 31 params. */
static const struct saker_evt *exec_ev(struct saker *s, int64_t tid, int64_t ptid, int64_t res, const char *exe,
				       const char *args, const char *cwd, const char *comm,
				       const char *cgroups, const char *exepath, uint32_t flags)
{
	evb_begin(&B, 293, (uint64_t)tid, ts++);
	evb_u64(&B, (uint64_t)res);
	evb_str(&B, exe);
	evb_list(&B, args);
	evb_u64(&B, (uint64_t)tid);
	evb_u64(&B, (uint64_t)tid);
	evb_u64(&B, (uint64_t)ptid);
	evb_str(&B, cwd);
	evb_u64(&B, 1024);
	evb_u64(&B, 0);
	evb_u64(&B, 0);
	evb_u32(&B, 100);
	evb_u32(&B, 50);
	evb_u32(&B, 0);
	evb_str(&B, comm);
	evb_list(&B, cgroups);
	evb_list(&B, "PATH=/bin\nHOME=/root");
	evb_u32(&B, 34816);   /* tty */
	evb_u64(&B, (uint64_t)tid); /* vpgid */
	evb_u32(&B, 1000);    /* loginuid */
	evb_u32(&B, flags);
	evb_u64(&B, 0);
	evb_u64(&B, 0x1ff);
	evb_u64(&B, 0x1ff);
	evb_u64(&B, 4242);    /* exe_ino */
	evb_u64(&B, 0);
	evb_u64(&B, 0);
	evb_u32(&B, 0);       /* uid */
	if (exepath)
		evb_str(&B, exepath);
	else
		evb_empty(&B);
	evb_u64(&B, (uint64_t)tid);
	evb_u32(&B, 0);
	evb_str(&B, exe);
	return feed(s);
}

static const struct saker_evt *exit_reaper_ev(struct saker *s, int64_t tid, int64_t reaper)
{
	evb_begin(&B, 186, (uint64_t)tid, ts++);
	evb_u64(&B, 0);
	evb_u64(&B, 0);
	evb_u8(&B, 0);
	evb_u8(&B, 0);
	evb_u64(&B, (uint64_t)reaper);
	return feed(s);
}

static const struct saker_evt *exit_ev(struct saker *s, int64_t tid)
{
	return exit_reaper_ev(s, tid, 1);
}

/* openat_2 X (307): fd, dirfd, name, flags, mode, dev, ino */
static const struct saker_evt *openat_ev(struct saker *s, int64_t tid, int64_t fd, int64_t dirfd,
					 const char *name, uint32_t flags)
{
	evb_begin(&B, 307, (uint64_t)tid, ts++);
	evb_u64(&B, (uint64_t)fd);
	evb_u64(&B, (uint64_t)dirfd);
	evb_str(&B, name);
	evb_u32(&B, flags);
	evb_u32(&B, 0644);
	evb_u32(&B, 0x803);
	evb_u64(&B, 77);
	return feed(s);
}

static const struct saker_evt *close_ev(struct saker *s, int64_t tid, int64_t fd)
{
	evb_begin(&B, 5, (uint64_t)tid, ts++);
	evb_u64(&B, 0);
	evb_u64(&B, (uint64_t)fd);
	return feed(s);
}

static struct saker *open_ctx(void)
{
	struct saker_opts o = { 0 };
	char err[256];
	struct saker *s = saker_open(&o, err, sizeof(err));

	if (!s)
		fprintf(stderr, "saker_open: %s\n", err);
	return s;
}

static const char *fdname(struct saker *s, int64_t tid, int64_t fd)
{
	struct fdinfo *f = fd_find(s, thread_find(s, tid), fd);

	return f ? pstr_c(&f->name) : NULL;
}

static void test_clone_exec_exit(void)
{
	struct saker *s = open_ctx();
	const struct saker_evt *e;
	struct thread *t, *c;
	const char *cg = "cpuset=/docker/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

	CHECK(s != NULL);
	/* 100 (bash) is unknown: first seen through its exec */
	e = exec_ev(s, 100, 1, 0, "bash", "-l", "/home/u", "bash", "cpuset=/", "/usr/bin/bash", 0);
	CHECK(e && e->type == 293 && e->num == 1);
	t = thread_find(s, 100);
	CHECK(t && s->thr == t);
	CHECK_STR(t->comm, "bash");
	CHECK_STR(pstr_c(&t->exepath), "/usr/bin/bash");
	CHECK_STR(pstr_c(thread_cwd(s, t)), "/home/u/");
	CHECK_STR(t->container_id, "host");
	CHECK_INT(t->loginuid, 1000);
	CHECK_INT(t->tty, 34816);
	CHECK_INT(t->cap_effective, 0x1ff);
	CHECK_INT(t->argc, 1);

	/* bash opens a file, then forks 101: parent side first */
	openat_ev(s, 100, 3, PPM_AT_FDCWD, "notes/../todo.txt", PPM_O_RDONLY);
	openat_ev(s, 100, 4, PPM_AT_FDCWD, "/etc/passwd", PPM_O_RDONLY | PPM_O_CLOEXEC);
	CHECK_STR(fdname(s, 100, 3), "/home/u/todo.txt");
	e = clone_ev(s, 100, 101, 100, 100, 1, 0, "bash", "cpuset=/");
	CHECK(e && s->thr == thread_find(s, 100));
	c = thread_find(s, 101);
	CHECK(c != NULL);
	if (c) {
		CHECK_INT(c->pid, 101);
		CHECK_INT(c->ptid, 100);
		CHECK_STR(c->comm, "bash");
		CHECK_STR(pstr_c(&c->exepath), "/usr/bin/bash");
		CHECK(c->files != thread_find(s, 100)->files);
	}
	CHECK_STR(fdname(s, 101, 3), "/home/u/todo.txt");
	/* a tid seen before its clone (placeholder) is replaced by the clone */
	close_ev(s, 102, 9);
	CHECK_STR(thread_find(s, 102)->comm, "");
	clone_ev(s, 100, 102, 100, 100, 1, 0, "bash", "cpuset=/");
	CHECK_STR(thread_find(s, 102)->comm, "bash");
	CHECK_INT(thread_find(s, 102)->ptid, 100);
	CHECK_STR(fdname(s, 102, 3), "/home/u/todo.txt");
	exit_ev(s, 102);
	/* the child's own clone event: same thread, now with its vtid */
	e = clone_ev(s, 101, 0, 101, 101, 100, 0, "bash", "cpuset=/");
	CHECK(e && s->thr == thread_find(s, 101) && s->thr->vtid == 101);

	/* the child execs cat inside a container: new image, cloexec fd gone */
	e = exec_ev(s, 101, 100, 0, "cat", "a\nb", "/home/u", "cat", cg, NULL, PPM_EXE_WRITABLE);
	c = thread_find(s, 101);
	CHECK(c && s->thr == c);
	CHECK_STR(c->comm, "cat");
	CHECK_STR(pstr_c(&c->exe), "cat");
	CHECK_STR(pstr_c(&c->exepath), "/home/u/cat");
	CHECK_INT(c->argc, 2);
	CHECK(c->args.len == 3 && memcmp(c->args.s, "a\0b", 3) == 0);
	CHECK_STR(c->container_id, "0123456789ab");
	CHECK(c->exe_writable == 1 && c->exe_from_memfd == 0);
	CHECK(memcmp(c->env.s, "PATH=/bin\0HOME=/root", c->env.len) == 0);
	CHECK_STR(fdname(s, 101, 3), "/home/u/todo.txt");
	CHECK(fdname(s, 101, 4) == NULL);
	CHECK_STR(fdname(s, 100, 4), "/etc/passwd");
	CHECK(thread_parent(s, c) == thread_find(s, 100));

	/* a failed exec changes nothing */
	exec_ev(s, 101, 100, -2, "nope", "", "/home/u", "nope", cg, NULL, 0);
	CHECK_STR(thread_find(s, 101)->comm, "cat");

	/* procexit: the event still sees its thread, the next one does not */
	e = exit_ev(s, 101);
	CHECK(e && e->type == 186 && s->thr && s->thr->tid == 101);
	CHECK(thread_find(s, 101) != NULL);
	close_ev(s, 100, 3);
	CHECK(thread_find(s, 101) == NULL);
	/* and the close event still saw its fd */
	CHECK(s->fd && s->fdnum == 3);
	CHECK_STR(s->fd ? pstr_c(&s->fd->name) : NULL, "/home/u/todo.txt");
	openat_ev(s, 100, 5, PPM_AT_FDCWD, "x", 0);
	CHECK(fdname(s, 100, 3) == NULL);
	saker_close(s);
}

/* Orphans go to the reaper procexit names (Falco's reparenting); a
 * thread exiting beside live ones of its process changes no parent; a
 * capture's procexit without reaper_tid gives the orphans to init. */
static void test_reparent(void)
{
	struct saker *s = open_ctx();
	struct thread *t;

	CHECK(s != NULL);
	exec_ev(s, 50, 1, 0, "systemd", "", "/", "systemd", "cpuset=/", "/lib/systemd/systemd", 0);
	clone_ev(s, 50, 100, 50, 50, 1, 0, "systemd", "cpuset=/");
	exec_ev(s, 100, 50, 0, "bash", "", "/", "bash", "cpuset=/", "/usr/bin/bash", 0);
	clone_ev(s, 100, 200, 100, 100, 50, 0, "bash", "cpuset=/");
	exec_ev(s, 200, 100, 0, "sh", "", "/", "sh", "cpuset=/", "/usr/bin/sh", 0);
	clone_ev(s, 200, 300, 200, 200, 100, 0, "sh", "cpuset=/");
	clone_ev(s, 200, 301, 200, 200, 100, 0, "sh", "cpuset=/");
	clone_ev(s, 200, 201, 200, 200, 100, PPM_CL_CLONE_THREAD, "sh", "cpuset=/");
	CHECK_INT(thread_find(s, 201)->pid, 200);
	CHECK(thread_parent(s, thread_find(s, 300)) == thread_find(s, 200));
	/* fdlimit from clone and from execve */
	CHECK_INT(thread_find(s, 300)->fdlimit, 1024);
	CHECK_INT(thread_find(s, 100)->fdlimit, 1024);

	/* the main thread of 200 exits, 201 lives on: the kernel names 201 */
	exit_reaper_ev(s, 200, 201);
	CHECK_INT(thread_find(s, 300)->ptid, 200);
	/* the last thread exits: its children go to the subreaper 100 */
	exit_reaper_ev(s, 201, 100);
	close_ev(s, 300, 9);
	t = thread_find(s, 300);
	CHECK_INT(t->ptid, 100);
	CHECK_INT(thread_find(s, 301)->ptid, 100);
	CHECK(thread_parent(s, t) == thread_find(s, 100));
	CHECK_INT(thread_find(s, 100)->ptid, 50); /* others untouched */
	/* 100 exits with no reaper param (an old capture): init adopts */
	evb_begin(&B, 186, 100, ts++);
	evb_u64(&B, 0);
	evb_u64(&B, 0);
	feed(s);
	close_ev(s, 300, 9);
	CHECK_INT(thread_find(s, 300)->ptid, 1);
	CHECK_INT(thread_find(s, 301)->ptid, 1);
	/* reaper 0 (no children): nothing moves */
	exit_reaper_ev(s, 50, 0);
	CHECK_INT(thread_find(s, 300)->ptid, 1);
	saker_close(s);
}

/* pidns_init_start_ts arrives as ns since boot: the boot time for a task
 * of the host's pid namespace, boot + value inside a child namespace (the
 * child's own clone event wins over the caller's view); unknown boot and
 * no value: missing. */
static void test_pidns_start(void)
{
	struct saker *s = open_ctx();
	const uint64_t boot = 1790000000000000000ull;

	CHECK(s != NULL);
	s->boot_ts = boot;
	clone_pidns = 7000000000ull;
	clone_ev(s, 10, 11, 10, 10, 1, 0, "sh", "cpuset=/");
	CHECK_INT(thread_find(s, 11)->pidns_init_start_ts, boot);
	clone_ev(s, 11, 0, 11, 11, 10, PPM_CL_CHILD_IN_PIDNS, "sh", "cpuset=/");
	CHECK_INT(thread_find(s, 11)->pidns_init_start_ts, boot + 7000000000ull);
	clone_ev(s, 10, 12, 10, 10, 1, PPM_CL_CLONE_NEWPID, "sh", "cpuset=/");
	CHECK_INT(thread_find(s, 12)->pidns_init_start_ts, boot + 7000000000ull);
	s->boot_ts = 0;
	clone_ev(s, 10, 13, 10, 10, 1, 0, "sh", "cpuset=/");
	CHECK_INT(thread_find(s, 13)->pidns_init_start_ts, 0);
	clone_pidns = 0;
	saker_close(s);
}

static void test_threads_share(void)
{
	struct saker *s = open_ctx();
	struct thread *m, *t;

	clone_ev(s, 200, 0, 200, 200, 1, 0, "srv", "");
	/* a thread 201 of process 200: shares fds and cwd */
	clone_ev(s, 200, 201, 200, 200, 1, PPM_CL_CLONE_THREAD | PPM_CL_CLONE_FILES, "srv", "");
	m = thread_find(s, 200);
	t = thread_find(s, 201);
	CHECK(m && t);
	if (!m || !t)
		return;
	CHECK_INT(t->pid, 200);
	CHECK(t->files == m->files);
	CHECK_INT(thread_count_in_process(s, t), 2);
	CHECK(thread_main(s, t) == m);
	openat_ev(s, 201, 7, PPM_AT_FDCWD, "/var/log/x.log", PPM_O_WRONLY);
	CHECK_STR(fdname(s, 200, 7), "/var/log/x.log");
	/* chdir in the thread moves the process */
	evb_begin(&B, 95, 201, ts++);
	evb_u64(&B, 0);
	evb_str(&B, "/tmp/./a/");
	feed(s);
	CHECK_STR(pstr_c(thread_cwd(s, m)), "/tmp/a/");
	exit_ev(s, 201);
	exit_ev(s, 200);
	close_ev(s, 1, 99); /* any event: drops 200 */
	CHECK(thread_find(s, 201) == NULL);
	CHECK_INT(thread_count_in_process(s, m), 1);
	saker_close(s);
}

static void test_fd_ops(void)
{
	struct saker *s = open_ctx();
	struct fdinfo *f;

	clone_ev(s, 300, 0, 300, 300, 1, 0, "app", "");
	evb_begin(&B, 95, 300, ts++);      /* chdir /srv */
	evb_u64(&B, 0);
	evb_str(&B, "/srv");
	feed(s);
	openat_ev(s, 300, 3, PPM_AT_FDCWD, "data", PPM_O_RDONLY | PPM_O_DIRECTORY);
	f = fd_find(s, thread_find(s, 300), 3);
	CHECK(f && f->type == FDT_DIR);
	/* relative to dirfd 3, with .. and // */
	openat_ev(s, 300, 4, 3, "sub//../conf/./app.yaml", PPM_O_RDWR | PPM_O_CREAT);
	CHECK_STR(fdname(s, 300, 4), "/srv/data/conf/app.yaml");
	CHECK(s->fd && s->fdnum == 4 && s->fd->type == FDT_FILE && s->fd->ino == 77);
	openat_ev(s, 300, 5, PPM_AT_FDCWD, "../../../etc/hosts", PPM_O_RDONLY);
	CHECK_STR(fdname(s, 300, 5), "/etc/hosts");
	/* a failed open adds nothing */
	openat_ev(s, 300, -2, PPM_AT_FDCWD, "nothere", PPM_O_RDONLY);
	CHECK(s->fd == NULL);

	/* dup2(4, 1) */
	evb_begin(&B, 363, 300, ts++);
	evb_u64(&B, 1);
	evb_u64(&B, 4);
	evb_u64(&B, 1);
	feed(s);
	CHECK_STR(fdname(s, 300, 1), "/srv/data/conf/app.yaml");
	CHECK(s->fdnum == 1);
	/* fcntl(5, F_DUPFD_CLOEXEC) = 9 */
	evb_begin(&B, 151, 300, ts++);
	evb_u64(&B, 9);
	evb_u64(&B, 5);
	evb_u8(&B, PPM_FCNTL_F_DUPFD_CLOEXEC);
	evb_u64(&B, 0);
	feed(s);
	f = fd_find(s, thread_find(s, 300), 9);
	CHECK(f && (f->flags & PPM_O_CLOEXEC));
	CHECK_STR(fdname(s, 300, 9), "/etc/hosts");
	/* dup(5) = 10 (dup_1, 367) */
	evb_begin(&B, 367, 300, ts++);
	evb_u64(&B, 10);
	evb_u64(&B, 5);
	feed(s);
	CHECK_STR(fdname(s, 300, 10), "/etc/hosts");
	/* close 4: dup'ed 1 survives */
	close_ev(s, 300, 4);
	close_ev(s, 300, 10);
	CHECK(fdname(s, 300, 4) == NULL);
	CHECK_STR(fdname(s, 300, 1), "/srv/data/conf/app.yaml");

	/* memfd_create */
	evb_begin(&B, 405, 300, ts++);
	evb_u64(&B, 11);
	evb_str(&B, "payload");
	evb_u32(&B, 1);
	feed(s);
	f = fd_find(s, thread_find(s, 300), 11);
	CHECK(f && f->type == FDT_MEMFD && (f->flags & PPM_O_CLOEXEC));
	CHECK_STR(fdname(s, 300, 11), "memfd:payload");
	/* pipe2 */
	evb_begin(&B, 393, 300, ts++);
	evb_u64(&B, 0);
	evb_u64(&B, 12);
	evb_u64(&B, 13);
	evb_u64(&B, 5555);
	evb_u32(&B, 0);
	feed(s);
	f = fd_find(s, thread_find(s, 300), 13);
	CHECK(f && f->type == FDT_PIPE && f->ino == 5555);
	CHECK_STR(fdname(s, 300, 12), ""); /* unnamed, as sysdig shows it */
	/* fchdir to the dir fd */
	evb_begin(&B, 97, 300, ts++);
	evb_u64(&B, 0);
	evb_u64(&B, 3);
	feed(s);
	CHECK_STR(pstr_c(thread_cwd(s, thread_find(s, 300))), "/srv/data/");
	/* setuid / setresgid */
	evb_begin(&B, 199, 300, ts++);
	evb_u64(&B, 0);
	evb_u32(&B, 33);
	feed(s);
	CHECK_INT(thread_find(s, 300)->uid, 33);
	CHECK_INT(thread_find(s, 300)->euid, 33);
	evb_begin(&B, 195, 300, ts++);
	evb_u64(&B, 0);
	evb_u32(&B, 44);
	evb_u32(&B, 0xffffffffu);
	evb_u32(&B, 0xffffffffu);
	feed(s);
	CHECK_INT(thread_find(s, 300)->gid, 44);
	CHECK_INT(thread_find(s, 300)->egid, 1000);
	saker_close(s);
}

static void setsid_ev(struct saker *s, int64_t tid, int64_t res)
{
	evb_begin(&B, 275, (uint64_t)tid, ts++);
	evb_u64(&B, (uint64_t)res);
	feed(s);
}

static void setpgid_ev(struct saker *s, int64_t tid, int64_t res, int64_t pid, int64_t pgid)
{
	evb_begin(&B, 295, (uint64_t)tid, ts++);
	evb_u64(&B, (uint64_t)res);
	evb_u64(&B, (uint64_t)pid);
	evb_u64(&B, (uint64_t)pgid);
	feed(s);
}

/* setsid and setpgid: the session and group of the caller's process (its
 * thread and main thread) or of the process setpgid names. */
static void test_session(void)
{
	struct saker *s = open_ctx();
	struct thread *t, *m, *c, *n;

	CHECK(s != NULL);
	exec_ev(s, 100, 1, 0, "bash", "", "/", "bash", "cpuset=/", "/usr/bin/bash", 0);
	clone_ev(s, 100, 200, 100, 100, 1, 0, "bash", "cpuset=/");
	clone_ev(s, 200, 0, 200, 200, 100, 0, "bash", "cpuset=/");
	clone_ev(s, 200, 201, 200, 200, 100, PPM_CL_CLONE_THREAD, "bash", "cpuset=/");
	clone_ev(s, 200, 300, 200, 200, 100, 0, "bash", "cpuset=/");
	clone_ev(s, 300, 0, 300, 300, 200, 0, "bash", "cpuset=/");
	m = thread_find(s, 200);
	t = thread_find(s, 201);
	c = thread_find(s, 300);
	CHECK(m && t && c);
	if (!m || !t || !c) {
		saker_close(s);
		return;
	}
	m->sid = t->sid = c->sid = 100;
	m->vpgid = t->vpgid = m->pgid = t->pgid = 100;
	/* refused: nothing changes */
	setsid_ev(s, 201, -1 /* EPERM */);
	CHECK_INT(t->sid, 100);
	CHECK_INT(m->vpgid, 100);
	/* from a thread: its process leads a session and group of its own */
	setsid_ev(s, 201, 200);
	CHECK_INT(t->sid, 200);
	CHECK_INT(m->sid, 200);
	CHECK_INT(t->vpgid, 200);
	CHECK_INT(m->pgid, 200);
	CHECK_INT(c->sid, 100); /* a child keeps the session it had */
	/* setpgid(0, 0): the caller's own group */
	setpgid_ev(s, 300, 0, 0, 0);
	CHECK_INT(c->vpgid, 300);
	CHECK_INT(c->pgid, 300);
	/* setpgid(300, 200) by the parent; a refused one changes nothing */
	setpgid_ev(s, 200, 0, 300, 200);
	CHECK_INT(c->vpgid, 200);
	CHECK_INT(c->pgid, 200);
	setpgid_ev(s, 200, -1, 300, 0);
	CHECK_INT(c->vpgid, 200);
	CHECK_INT(m->vpgid, 200);

	/* in a child pid namespace (vpid 5): its own group is known in both
	 * namespaces, another process by its vpid is not */
	clone_ev(s, 200, 400, 200, 200, 100, 0, "bash", "cpuset=/");
	n = thread_find(s, 400);
	CHECK(n != NULL);
	if (n) {
		n->vpid = n->vtid = 5;
		setpgid_ev(s, 400, 0, 0, 0);
		CHECK_INT(n->vpgid, 5);
		CHECK_INT(n->pgid, 400);
		setpgid_ev(s, 400, 0, 0, 9);
		CHECK_INT(n->vpgid, 9);
		CHECK_INT(n->pgid, 400);
		setpgid_ev(s, 400, 0, 7, 7);
		CHECK_INT(n->vpgid, 9);
		setsid_ev(s, 400, 5);
		CHECK_INT(n->sid, 5);
		CHECK_INT(n->vpgid, 5);
		CHECK_INT(n->pgid, 400);
	}
	saker_close(s);
}

static void ip4(uint8_t *p, const char *a)
{
	inet_pton(AF_INET, a, p);
}

static void test_sockets(void)
{
	struct saker *s = open_ctx();
	struct fdinfo *f;
	uint8_t tup[64], ip[16];
	uint16_t port;

	clone_ev(s, 400, 0, 400, 400, 1, 0, "curl", "");
	/* socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 0) = 3 */
	evb_begin(&B, 19, 400, ts++);
	evb_u64(&B, 3);
	evb_u32(&B, PPM_AF_INET);
	evb_u32(&B, 1 | 02000000);
	evb_u32(&B, 0);
	evb_u32(&B, 0);
	feed(s);
	f = fd_find(s, thread_find(s, 400), 3);
	CHECK(f && f->type == FDT_IPV4 && f->l4proto == L4_TCP);
	/* connect 3 -> 10.0.0.2:443 from 10.0.0.1:40000 */
	tup[0] = PPM_AF_INET;
	ip4(tup + 1, "10.0.0.1");
	port = 40000;
	memcpy(tup + 5, &port, 2);
	ip4(tup + 7, "10.0.0.2");
	port = 443;
	memcpy(tup + 11, &port, 2);
	evb_begin(&B, 23, 400, ts++);
	evb_u64(&B, 0);
	evb_raw(&B, tup, 13);
	evb_u64(&B, 3);
	evb_raw(&B, tup + 6, 7); /* addr: family + dip + dport */
	B.vals[B.vlen - 7] = PPM_AF_INET;
	feed(s);
	CHECK(s->fd && s->fdnum == 3);
	CHECK_STR(fdname(s, 400, 3), "10.0.0.1:40000->10.0.0.2:443");
	ip4(ip, "10.0.0.2");
	CHECK(f && memcmp(f->sip, ip, 4) == 0 && f->sport == 443 && f->cport == 40000 && !f->is_server);

	/* IPv6 accept4 on a server: client ::1:5000 -> server ::1:8080 */
	tup[0] = PPM_AF_INET6;
	memset(tup + 1, 0, 16);
	tup[16] = 1;
	port = 5000;
	memcpy(tup + 17, &port, 2);
	memset(tup + 19, 0, 16);
	tup[34] = 1;
	port = 8080;
	memcpy(tup + 35, &port, 2);
	evb_begin(&B, 389, 400, ts++);
	evb_u64(&B, 6);
	evb_raw(&B, tup, 37);
	evb_u8(&B, 0);
	evb_u32(&B, 0);
	evb_u32(&B, 128);
	evb_u32(&B, 0);
	feed(s);
	f = fd_find(s, thread_find(s, 400), 6);
	CHECK(f && f->type == FDT_IPV6 && f->is_server && f->sport == 8080);
	CHECK_STR(fdname(s, 400, 6), "::1:5000->::1:8080");

	/* an IPv6 tuple of two IPv4-mapped ends is an IPv4 connection */
	tup[0] = PPM_AF_INET6;
	memset(tup + 1, 0, 36);
	tup[11] = tup[12] = 0xff;
	ip4(tup + 13, "192.168.1.5");
	port = 6000;
	memcpy(tup + 17, &port, 2);
	tup[29] = tup[30] = 0xff;
	ip4(tup + 31, "192.168.1.9");
	port = 22;
	memcpy(tup + 35, &port, 2);
	evb_begin(&B, 389, 400, ts++);
	evb_u64(&B, 14);
	evb_raw(&B, tup, 37);
	evb_u8(&B, 0);
	evb_u32(&B, 0);
	evb_u32(&B, 128);
	evb_u32(&B, 0);
	feed(s);
	f = fd_find(s, thread_find(s, 400), 14);
	CHECK(f && f->type == FDT_IPV4 && f->l4proto == L4_TCP);
	CHECK_STR(fdname(s, 400, 14), "192.168.1.5:6000->192.168.1.9:22");

	/* bind + listen on a new socket */
	evb_begin(&B, 19, 400, ts++);
	evb_u64(&B, 7);
	evb_u32(&B, PPM_AF_INET);
	evb_u32(&B, 2);
	evb_u32(&B, 0);
	evb_u32(&B, 0);
	feed(s);
	tup[0] = PPM_AF_INET;
	ip4(tup + 1, "0.0.0.0");
	port = 53;
	memcpy(tup + 5, &port, 2);
	evb_begin(&B, 21, 400, ts++);
	evb_u64(&B, 0);
	evb_raw(&B, tup, 7);
	evb_u64(&B, 7);
	feed(s);
	f = fd_find(s, thread_find(s, 400), 7);
	CHECK(f && f->l4proto == L4_UDP && f->sport == 53);
	CHECK_STR(fdname(s, 400, 7), "0.0.0.0:53");
	evb_begin(&B, 25, 400, ts++);
	evb_u64(&B, 0);
	evb_u64(&B, 7);
	evb_u32(&B, 5);
	feed(s);
	CHECK(f && f->is_server);

	/* unix connect */
	evb_begin(&B, 19, 400, ts++);
	evb_u64(&B, 8);
	evb_u32(&B, PPM_AF_UNIX);
	evb_u32(&B, 1);
	evb_u32(&B, 0);
	evb_u32(&B, 0);
	feed(s);
	{
		uint8_t u[64];
		uint64_t a = 0xffff1111, b = 0xffff2222;

		u[0] = PPM_AF_UNIX;
		memcpy(u + 1, &a, 8);
		memcpy(u + 9, &b, 8);
		memcpy(u + 17, "/run/x.sock", 12);
		evb_begin(&B, 23, 400, ts++);
		evb_u64(&B, 0);
		evb_raw(&B, u, 29);
		evb_u64(&B, 8);
		evb_empty(&B);
		feed(s);
	}
	f = fd_find(s, thread_find(s, 400), 8);
	CHECK(f && f->type == FDT_UNIX && f->udst == 0xffff2222);
	CHECK(f && f->l4proto == L4_UNKNOWN);
	CHECK_STR(fdname(s, 400, 8), "ffff1111->ffff2222 /run/x.sock");
	saker_close(s);
}

static void test_containers(void)
{
	static const struct { const char *cg, *id; } cases[] = {
		{ "cpuset=/docker/aaaaaaaaaaaabbbbbbbbbbbbccccccccccccddddddddddddeeeeeeeeeeee1234", "aaaaaaaaaaaa" },
		{ "0::/system.slice/docker-bbbbbbbbbbbbaaaaaaaaaaaaccccccccccccddddddddddddeeeeeeeeeeee1234.scope", "bbbbbbbbbbbb" },
		{ "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/cri-containerd-cccccccccccc0000000000000000000000000000000000000000000000000000.scope", "cccccccccccc" },
		{ "cpu=/kubepods/besteffort/pod1234-5678/dddddddddddd0000000000000000000000000000000000000000000000000000", "dddddddddddd" },
		{ "0::/machine.slice/crio-eeeeeeeeeeee0000000000000000000000000000000000000000000000000000.scope", "eeeeeeeeeeee" },
		{ "0::/user.slice/libpod-ffffffffffff0000000000000000000000000000000000000000000000000000.scope", "ffffffffffff" },
		{ "0::/user.slice/user-1000.slice/session-3.scope", "host" },
		{ "cpuset=/\nmemory=/docker/abcabcabcabc0000000000000000000000000000000000000000000000000000", "abcabcabcabc" },
		{ "0::/docker/short123", "host" },
	};
	unsigned i;
	char id[16], blob[512];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t n = (uint32_t)strlen(cases[i].cg), j;

		memcpy(blob, cases[i].cg, n + 1);
		for (j = 0; j < n; j++)
			if (blob[j] == '\n')
				blob[j] = 0;
		container_id_from_cgroups(blob, n, id);
		CHECK_STR(id, cases[i].id);
	}
	/* through a clone event with cgroups */
	{
		struct saker *s = open_ctx();

		clone_ev(s, 500, 0, 500, 500, 1, 0, "nginx", cases[4].cg);
		CHECK_STR(thread_find(s, 500)->container_id, "eeeeeeeeeeee");
		CHECK(thread_find(s, 500)->in_container);
		saker_close(s);
	}
}

static void test_users(void)
{
	struct saker *s = open_ctx();
	const struct user *u = user_get(s, 0);
	const struct group *g = group_get(s, 0);

	CHECK(u && strcmp(u->name, "root") == 0);
	CHECK(u && strcmp(u->home, "/root") == 0);
	CHECK(g && strcmp(g->name, "root") == 0);
	CHECK(user_get(s, 4123456789u) == NULL);
	saker_close(s);
}

/* 10,000 fork/exec/open/exit cycles: tables and the string pool stay flat. */
static void test_bounded(void)
{
	struct saker *s = open_ctx();
	struct saker_stats st;
	uint64_t threads0, fds0;
	int i;

	clone_ev(s, 600, 0, 600, 600, 1, 0, "sh", "");
	openat_ev(s, 600, 3, PPM_AT_FDCWD, "/tmp/log", PPM_O_WRONLY);
	saker_stats_get(s, &st);
	threads0 = st.threads;
	fds0 = st.fds;
	for (i = 0; i < 10000; i++) {
		int64_t c = 1000 + i, g = 100000 + i;

		clone_ev(s, 600, c, 600, 600, 1, 0, "sh", "");
		clone_ev(s, c, 0, c, c, 600, 0, "sh", "");
		exec_ev(s, c, 600, 0, "worker", "--n\n1", "/tmp", "worker", "", "/usr/bin/worker", 0);
		openat_ev(s, c, 4, PPM_AT_FDCWD, "out", PPM_O_WRONLY);
		/* a grandchild that exits first */
		clone_ev(s, c, g, c, c, 600, 0, "worker", "");
		exit_ev(s, g);
		exit_ev(s, c);
		if (i == 100) {
			/* the chain is right along the way */
			CHECK(thread_find(s, 100000 + 100) == NULL || thread_find(s, 100000 + 100)->exited);
		}
	}
	close_ev(s, 600, 99); /* any event: applies the last exit */
	saker_stats_get(s, &st);
	CHECK_INT(st.threads, threads0);
	CHECK_INT(st.fds, fds0);
	CHECK_INT(s->th.evictions, 0);
	CHECK_INT(s->fds.evictions, 0);
	CHECK_INT(st.injected, st.events);
	CHECK_STR(fdname(s, 600, 3), "/tmp/log");
	saker_close(s);
}

/* More live threads than the table holds: the table stays at its cap,
 * the overflow is counted as evictions, the newest threads are there. */
static void test_eviction(void)
{
	struct saker *s = open_ctx();
	struct saker_stats st;
	uint32_t cap = s->th.cap, i;

	for (i = 0; i < cap + 1000; i++)
		clone_ev(s, 10 + i, 0, 10 + i, 10 + i, 1, 0, "many", "");
	saker_stats_get(s, &st);
	CHECK_INT(st.threads, cap);
	CHECK_INT(s->th.evictions, 1000);
	CHECK(thread_find(s, 10 + cap + 999) != NULL);
	CHECK(thread_find(s, 10 + cap + 999) == s->thr);
	CHECK_INT(st.fds, 0);
	saker_close(s);

	/* the same for fds */
	s = open_ctx();
	cap = s->fds.cap;
	clone_ev(s, 5, 0, 5, 5, 1, 0, "opener", "");
	for (i = 0; i < cap + 10; i++)
		openat_ev(s, 5, 3 + i, PPM_AT_FDCWD, "f", 0);
	saker_stats_get(s, &st);
	CHECK_INT(st.fds, cap);
	CHECK_INT(s->fds.evictions, 10);
	CHECK(s->fd && s->fd->fd == 3 + cap + 9);
	CHECK_STR(fdname(s, 5, 3 + cap + 9), "/f");
	saker_close(s);
}

static void test_scan_proc(void)
{
	struct saker_opts o = { 0 };
	char err[256], cwd[4096], exe[4096];
	struct saker *s;
	struct thread *t;
	ssize_t n;

	o.scan_proc = 1;
	s = saker_open(&o, err, sizeof(err));
	CHECK(s != NULL);
	if (!s)
		return;
	t = thread_find(s, getpid());
	CHECK(t != NULL);
	if (t) {
		CHECK_STR(t->comm, "test_state");
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		exe[n > 0 ? n : 0] = 0;
		CHECK_STR(pstr_c(&t->exepath), exe);
		CHECK(getcwd(cwd, sizeof(cwd) - 2) != NULL);
		strcat(cwd, strcmp(cwd, "/") ? "/" : "");
		CHECK_STR(pstr_c(thread_cwd(s, t)), cwd);
		CHECK_INT(t->uid, getuid());
		CHECK_INT(t->ptid, getppid());
		CHECK(thread_find(s, 1) != NULL);
		/* our stdout/stderr are known fds */
		CHECK(fd_find(s, t, 1) != NULL);
		/* /proc was read after we exec'd: our own clone event, read
		 * late, says what we were then; the fds /proc listed stay */
		clone_ev(s, getpid(), 0, getpid(), getpid(), getppid(), 0, "bash", "cpuset=/");
		t = thread_find(s, getpid());
		CHECK(t && s->thr == t);
		CHECK_STR(t ? t->comm : "", "bash");
		CHECK(t && fd_find(s, t, 1) != NULL);
		/* once only: a second clone child event (a reused tid's) is not ours */
		clone_ev(s, getpid(), 0, getpid(), getpid(), getppid(), 0, "sh", "cpuset=/");
		CHECK_STR(thread_find(s, getpid())->comm, "bash");
	}
	saker_close(s);
}

int main(void)
{
	test_clone_exec_exit();
	test_reparent();
	test_pidns_start();
	test_threads_share();
	test_session();
	test_fd_ops();
	test_sockets();
	test_containers();
	test_users();
	test_bounded();
	test_eviction();
	test_scan_proc();
	return check_done();
}
