/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_fields.c: field values through saker_field_bind/get/render on
 * synthetic events injected into a context without a probe: a three-deep
 * process chain, files opened by relative paths, a TCP connect, failures.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "saker.h"
#include "check.h"
#include "fieldtext.h"
#include "evbuild.h"

static struct saker *S;
static struct evb B;
static uint64_t ts = 1700000000123456789ull;

static void push(void)
{
	uint32_t n = evb_end(&B);

	CHECK(saker_inject(S, B.buf, n, 1) == 0);
	CHECK(saker_next(S, 0) != NULL);
}

/* clone X (223), the child's side (res 0) then the parent's (res = child) */
static void clone_pair(uint64_t parent, uint64_t child, const char *comm, const char *exe)
{
	int side;

	for (side = 0; side < 2; side++) {
		evb_begin(&B, 223, side ? parent : child, ts++);
		evb_u64(&B, side ? child : 0);       /* res */
		evb_str(&B, exe);                    /* exe */
		evb_empty(&B);                       /* args */
		evb_u64(&B, side ? parent : child);  /* tid */
		evb_u64(&B, side ? parent : child);  /* pid */
		evb_u64(&B, parent);                 /* ptid (of the child: its parent) */
		evb_empty(&B);                       /* cwd */
		evb_u64(&B, 1024);                   /* fdlimit */
		evb_u64(&B, 0);
		evb_u64(&B, 0);
		evb_u32(&B, 0);
		evb_u32(&B, 0);
		evb_u32(&B, 0);
		evb_str(&B, comm);                   /* comm */
		evb_empty(&B);                       /* cgroups */
		evb_u32(&B, 0);                      /* flags */
		evb_u32(&B, 0);                      /* uid */
		evb_u32(&B, 0);                      /* gid */
		evb_u64(&B, side ? parent : child);  /* vtid */
		evb_u64(&B, side ? parent : child);  /* vpid */
		evb_u64(&B, 0);
		push();
	}
}

/* execve X (293) */
static void ev_execve(uint64_t tid, uint64_t ptid, const char *exe, const char *args,
		   const char *cwd, const char *comm, const char *path, uint32_t uid,
		   const char *cgroups)
{
	evb_begin(&B, 293, tid, ts++);
	evb_u64(&B, 0);                  /* res */
	evb_str(&B, exe);
	evb_list(&B, args);
	evb_u64(&B, tid);                /* tid */
	evb_u64(&B, tid);                /* pid */
	evb_u64(&B, ptid);               /* ptid */
	evb_str(&B, cwd);
	evb_u64(&B, 1024);               /* fdlimit */
	evb_u64(&B, 0);
	evb_u64(&B, 0);
	evb_u32(&B, 0);
	evb_u32(&B, 0);
	evb_u32(&B, 0);
	evb_str(&B, comm);
	if (cgroups)
		evb_list(&B, cgroups);
	else
		evb_empty(&B);
	evb_list(&B, "HOME=/root\nTERM=xterm");   /* env */
	evb_u32(&B, 34816);              /* tty */
	evb_u64(&B, tid);                /* vpgid */
	evb_u32(&B, 1000);               /* loginuid */
	evb_u32(&B, 0);                  /* flags */
	evb_u64(&B, 0);                  /* cap_inheritable */
	evb_u64(&B, (1ull << 0) | (1ull << 21)); /* cap_permitted */
	evb_u64(&B, (1ull << 0) | (1ull << 21)); /* cap_effective */
	evb_u64(&B, 777);                /* exe_ino */
	evb_u64(&B, 0);
	evb_u64(&B, 0);
	evb_u32(&B, uid);                /* uid */
	evb_str(&B, path);               /* trusted_exepath */
	evb_u64(&B, tid);                /* pgid */
	evb_u32(&B, 0);                  /* gid */
	evb_str(&B, path);               /* filename */
	push();
}

/* openat X (307) */
static void openat(uint64_t tid, int64_t fd, int64_t dirfd, const char *name, uint32_t flags, uint32_t mode)
{
	evb_begin(&B, 307, tid, ts++);
	evb_u64(&B, (uint64_t)fd);
	evb_u64(&B, (uint64_t)dirfd);
	evb_str(&B, name);
	evb_u32(&B, flags);
	evb_u32(&B, mode);
	evb_u32(&B, 0x803);
	evb_u64(&B, 1234);
	push();
}

/* open X (3) */
static void open_(uint64_t tid, int64_t fd, const char *name, uint32_t flags)
{
	evb_begin(&B, 3, tid, ts++);
	evb_u64(&B, (uint64_t)fd);
	evb_str(&B, name);
	evb_u32(&B, flags);
	evb_u32(&B, 0);
	evb_u32(&B, 0);
	evb_u64(&B, 0);
	push();
}

/* connect X (23) on fd 5: tup and addr (13 and 7 bytes) get dport */
static void connect_(int64_t res, uint8_t *tup, uint8_t *addr, uint16_t dport)
{
	memcpy(tup + 11, &dport, 2);
	memcpy(addr + 5, &dport, 2);
	evb_begin(&B, 23, 300, ts++);
	evb_u64(&B, (uint64_t)res);
	evb_raw(&B, tup, 13);
	evb_u64(&B, 5);
	evb_raw(&B, addr, 7);
	push();
}

static char out[8192];

/* The rendered value of a field, or "<NA>". */
static const char *R(const char *name) { return field_text(S, name, out, sizeof(out)); }

static int64_t N(const char *name)
{
	struct saker_val v;
	int32_t h = saker_field_bind(S, name, NULL, NULL, 0);

	if (h < 0 || saker_field_get(S, h, &v) != 1)
		return -999999;
	return v.n;
}

static void test_table(void)
{
	int32_t i, n = saker_field_count();
	char err[256];
	int32_t h1, h2;

	CHECK(n > 100);
	for (i = 0; i < n; i++) {
		const struct saker_field_info *f = saker_field_info(i);

		CHECK(f && f->name && f->desc && f->type > 0);
		CHECK_INT(saker_field_find(f->name), i);
	}
	CHECK(saker_field_info(n) == NULL);
	CHECK_INT(saker_field_find("proc.nosuchfield"), -1);
	CHECK(saker_field_find("evt.arg.flags") >= 0);
	CHECK(saker_field_find("proc.aname[2]") >= 0);
	CHECK_INT(saker_field_find("proc.name[2"), -1);
	CHECK_STR(saker_field_info(saker_field_find("fd.sip"))->name, "fd.sip");
	CHECK_INT(saker_field_info(saker_field_find("fd.sip"))->type, SAKER_FT_IPADDR);
	CHECK_INT(saker_field_info(saker_field_find("fd.net"))->type, SAKER_FT_IPNET);
	CHECK_INT(saker_field_info(saker_field_find("fd.sport"))->type, SAKER_FT_PORT);
	CHECK_INT(saker_field_info(saker_field_find("proc.exepath"))->type, SAKER_FT_PATH);

	/* binding: errors and handle sharing */
	CHECK_INT(saker_field_bind(S, "proc.bogus", NULL, err, sizeof(err)), -1);
	CHECK(strstr(err, "unknown field 'proc.bogus'") != NULL);
	CHECK_INT(saker_field_bind(S, "proc.name", "3", err, sizeof(err)), -1);
	CHECK(strstr(err, "takes no argument") != NULL);
	CHECK_INT(saker_field_bind(S, "proc.aname", "x", err, sizeof(err)), -1);
	CHECK(strstr(err, "numeric") != NULL);
	CHECK_INT(saker_field_bind(S, "evt.arg", NULL, err, sizeof(err)), -1);
	CHECK(strstr(err, "needs an argument") != NULL);
	h1 = saker_field_bind(S, "proc.aname", "2", err, sizeof(err));
	h2 = saker_field_bind(S, "proc.aname[2]", NULL, err, sizeof(err));
	CHECK(h1 >= 0);
	CHECK_INT(h2, h1);
	h1 = saker_field_bind(S, "evt.arg.flags", NULL, err, sizeof(err));
	h2 = saker_field_bind(S, "evt.arg", "flags", err, sizeof(err));
	CHECK(h1 >= 0);
	CHECK_INT(h2, h1);
	CHECK(saker_field_bind(S, "evt.arg[flags]", NULL, err, sizeof(err)) == h1);
	CHECK(saker_field_bind(S, "proc.name", NULL, err, sizeof(err)) !=
	      saker_field_bind(S, "proc.pname", NULL, err, sizeof(err)));
}

static void test_chain(void)
{
	/* 100 sshd -> 200 bash -> 300 cat */
	ev_execve(100, 1, "/usr/sbin/sshd", "-D", "/", "sshd", "/usr/sbin/sshd", 0, NULL);
	clone_pair(100, 200, "sshd", "/usr/sbin/sshd");
	ev_execve(200, 100, "-bash", "-i", "/root", "bash", "/usr/bin/bash", 0, NULL);
	clone_pair(200, 300, "bash", "-bash");
	ev_execve(300, 200, "cat", "/etc/passwd\nx y", "/tmp/work", "cat", "/usr/bin/cat", 0, NULL);

	CHECK_STR(R("evt.type"), "execve");
	CHECK_STR(R("evt.dir"), "<");
	CHECK_STR(R("evt.res"), "SUCCESS");
	CHECK_STR(R("proc.name"), "cat");
	CHECK_STR(R("proc.exe"), "cat");
	CHECK_STR(R("proc.exepath"), "/usr/bin/cat");
	CHECK_STR(R("proc.args"), "/etc/passwd x y");
	CHECK_STR(R("proc.cmdline"), "cat /etc/passwd x y");
	CHECK_STR(R("proc.pname"), "bash");
	CHECK_STR(R("proc.pcmdline"), "bash -i");
	CHECK_STR(R("proc.pexe"), "-bash");
	CHECK_STR(R("proc.pexepath"), "/usr/bin/bash");
	CHECK_STR(R("proc.aname[0]"), "cat");
	CHECK_STR(R("proc.aname[1]"), "bash");
	CHECK_STR(R("proc.aname[2]"), "sshd");
	CHECK_STR(R("proc.aname[7]"), "<NA>");
	CHECK_STR(R("proc.apid[2]"), "100");
	CHECK_STR(R("proc.aexepath[2]"), "/usr/sbin/sshd");
	CHECK_STR(R("proc.pid"), "300");
	CHECK_STR(R("proc.ppid"), "200");
	CHECK_STR(R("proc.vpid"), "300");
	CHECK_STR(R("thread.tid"), "300");
	CHECK_STR(R("proc.cwd"), "/tmp/work/");
	CHECK_STR(R("proc.env"), "HOME=/root TERM=xterm");
	CHECK_STR(R("proc.env[TERM]"), "xterm");
	CHECK_STR(R("proc.env[NOPE]"), "<NA>");
	CHECK_STR(R("proc.tty"), "34816");
	CHECK_STR(R("proc.loginshellid"), "200");
	CHECK_STR(R("proc.exe_ino"), "777");
	CHECK_STR(R("proc.exeline"), "cat /etc/passwd x y");
	CHECK_STR(R("proc.sname"), "<NA>");
	CHECK_STR(R("proc.is_exe_writable"), "false");
	CHECK_STR(R("proc.is_container_healthcheck"), "false");
	CHECK_STR(R("proc.is_vpgid_leader"), "true");
	CHECK_STR(R("thread.cap_effective"), "CAP_CHOWN CAP_SYS_ADMIN");
	CHECK_STR(R("user.uid"), "0");
	CHECK_STR(R("user.name"), "root");
	CHECK_STR(R("user.homedir"), "/root");
	CHECK_STR(R("user.loginuid"), "1000");
	CHECK_STR(R("group.gid"), "0");
	CHECK_STR(R("group.name"), "root");
	CHECK_STR(R("container.id"), "host");
	CHECK_STR(R("container.name"), "host");
	CHECK_STR(R("container.image.repository"), "<NA>");
	CHECK_STR(R("container.mount.dest[/etc]"), "<NA>");
	CHECK_STR(R("k8s.ns.name"), "<NA>");
	CHECK_STR(R("evt.source"), "syscall");
	CHECK_STR(R("fd.name"), "<NA>");
	CHECK_STR(R("evt.arg.comm"), "cat");
	CHECK_STR(R("evt.arg[13]"), "cat");
	CHECK_STR(R("evt.rawarg.pid"), "300");
	CHECK_STR(R("evt.arg.ptid"), "bash");  /* a pid resolves to its comm */
	CHECK_STR(R("proc.cmdnargs"), "2");         /* "/etc/passwd" and "x y" */
	CHECK_STR(R("proc.cmdlenargs"), "14");
	CHECK_STR(R("thread.nametid"), "cat300");
	CHECK_STR(R("thread.cgroups"), "<NA>");
	CHECK_STR(R("thread.cgroup.cpuset"), "<NA>");
	CHECK_STR(R("evt.count"), "1");
	CHECK_STR(R("evt.count.exit"), "1");
	CHECK_STR(R("evt.count.error"), "<NA>");
	CHECK_STR(R("fd.uid"), "<NA>");
	CHECK_STR(R("fd.containername"), "<NA>");
	CHECK_STR(R("evt.deltatime"), "1");         /* ts goes up by 1 per event */

	/* proc.aname without an index: every ancestor from the parent up */
	{
		struct saker_val v;
		int32_t h = saker_field_bind(S, "proc.aname", NULL, NULL, 0);

		CHECK(saker_field_at(S, h, 0, &v) == 1 && v.len == 4 && memcmp(v.s, "bash", 4) == 0);
		CHECK(saker_field_at(S, h, 1, &v) == 1 && v.len == 4 && memcmp(v.s, "sshd", 4) == 0);
		CHECK_INT(saker_field_at(S, h, 2, &v), 0);
		CHECK_STR(R("proc.aname"), "(bash,sshd)");
	}
	/* list items rendered into scratch stay alive together */
	{
		struct saker_val a, c;
		int32_t h = saker_field_bind(S, "proc.acmdline", NULL, NULL, 0);

		CHECK(saker_field_at(S, h, 0, &a) == 1);
		CHECK(saker_field_at(S, h, 1, &c) == 1);
		CHECK(a.len == 7 && memcmp(a.s, "bash -i", 7) == 0);
		CHECK(c.len == 7 && memcmp(c.s, "sshd -D", 7) == 0);
		CHECK_STR(R("proc.acmdline[0]"), "cat /etc/passwd x y");
	}
}

static void test_files(void)
{
	char line[1024];
	struct saker_val v1, v2;
	int32_t h1, h2;

	openat(300, 3, -100, "sub/../data/file.txt", 1 | (1 << 12), 0);
	CHECK_STR(R("evt.type"), "openat");
	CHECK_STR(R("fd.name"), "/tmp/work/data/file.txt");
	CHECK_STR(R("fd.directory"), "/tmp/work/data");
	CHECK_STR(R("fd.filename"), "file.txt");
	CHECK_STR(R("fd.nameraw"), "sub/../data/file.txt");
	CHECK_STR(R("fd.type"), "file");
	CHECK_STR(R("fd.typechar"), "f");
	CHECK_STR(R("fd.num"), "3");
	CHECK_STR(R("evt.arg.flags"), "O_RDONLY|O_CLOEXEC");
	CHECK_STR(R("evt.arg.name"), "/tmp/work/data/file.txt");
	CHECK_STR(R("evt.rawarg.name"), "sub/../data/file.txt");
	CHECK_STR(R("evt.arg.fd"), "<f>/tmp/work/data/file.txt");
	CHECK_STR(R("evt.arg.dirfd"), "AT_FDCWD");
	CHECK_INT(N("evt.rawarg.flags"), 1 | (1 << 12));
	CHECK_STR(R("evt.res"), "SUCCESS");
	CHECK_INT(N("evt.rawres"), 3);
	CHECK_STR(R("evt.failed"), "false");
	CHECK_STR(R("evt.is_open_read"), "true");
	CHECK_STR(R("evt.is_open_write"), "false");
	CHECK_STR(R("fs.path.name"), "/tmp/work/data/file.txt");
	CHECK_STR(R("fs.path.nameraw"), "sub/../data/file.txt");
	CHECK_STR(R("evt.args"),
		  "fd=3(<f>/tmp/work/data/file.txt) dirfd=-100(AT_FDCWD) name=sub/../data/file.txt(/tmp/work/data/file.txt) flags=4097(O_RDONLY|O_CLOEXEC) mode=0 dev=803 ino=1234");
	CHECK(saker_dump_line(S, line, sizeof(line)) > 0);
	CHECK(strstr(line, " 1 cat (300) < openat fd=3(<f>/tmp/work/data/file.txt) dirfd=-100(AT_FDCWD) ") != NULL);
	CHECK(strncmp(line, "8 22:13:20.123456796 1 cat (300) < openat fd=3", 46) == 0);
	CHECK_STR(R("evt.num"), "8");
	CHECK_STR(R("evt.time"), "22:13:20.123456796");
	CHECK_STR(R("evt.time.s"), "22:13:20");
	CHECK_STR(R("evt.datetime"), "2023-11-14 22:13:20.123456796");
	CHECK_STR(R("evt.time.iso8601"), "2023-11-14T22:13:20.123456796Z");
	CHECK_STR(R("evt.rawtime"), "1700000000123456796");
	CHECK_STR(R("evt.cpu"), "1");
	CHECK_STR(R("fd.uid"), "3003");
	CHECK_STR(R("fd.containername"), ":/tmp/work/data/file.txt");
	CHECK_STR(R("fd.containerdirectory"), ":/tmp/work/data");
	CHECK_STR(R("evt.count.error"), "<NA>");
	CHECK_STR(R("evt.count.error.file"), "<NA>");

	/* two rendered values alive at once */
	h1 = saker_field_bind(S, "proc.cmdline", NULL, NULL, 0);
	h2 = saker_field_bind(S, "evt.arg.flags", NULL, NULL, 0);
	CHECK(saker_field_get(S, h1, &v1) == 1);
	CHECK(saker_field_get(S, h2, &v2) == 1);
	CHECK(v1.len == 19 && memcmp(v1.s, "cat /etc/passwd x y", 19) == 0);
	CHECK(v2.len == 18 && memcmp(v2.s, "O_RDONLY|O_CLOEXEC", 18) == 0);

	/* creating a file with an exec bit, write access */
	openat(300, 4, -100, "data/x.sh", 2 | 4 | (1 << 8), 0755);
	CHECK_STR(R("evt.arg.flags"), "O_TRUNC|O_CREAT|O_WRONLY");
	CHECK_STR(R("evt.arg.mode"), "0755");
	CHECK_STR(R("evt.is_open_write"), "true");
	CHECK_STR(R("evt.is_open_create"), "true");
	CHECK_STR(R("evt.is_open_exec"), "true");
	CHECK_STR(R("evt.is_open_read"), "false");

	CHECK_STR(R("fd.name"), "/tmp/work/data/x.sh");
	CHECK_STR(R("proc.fdopencount"), "2");

	/* a directory fd, then renameat relative to it and to the cwd */
	openat(300, 6, -100, "/etc/", 1 | (1 << 10), 0);
	CHECK_STR(R("fd.type"), "directory");
	CHECK_STR(R("fd.typechar"), "d");
	CHECK_STR(R("fd.directory"), "/etc");
	CHECK_STR(R("fd.filename"), "<NA>");
	CHECK_STR(R("evt.arg.flags"), "O_DIRECTORY|O_RDONLY");
	evb_begin(&B, 177, 300, ts++);      /* renameat X */
	evb_u64(&B, 0);
	evb_u64(&B, 6);
	evb_str(&B, "passwd");
	evb_u64(&B, (uint64_t)-100);
	evb_str(&B, "../stolen");
	push();
	CHECK_STR(R("fs.path.source"), "/etc/passwd");
	CHECK_STR(R("fs.path.target"), "/tmp/stolen");
	CHECK_STR(R("fs.path.targetraw"), "../stolen");
	CHECK_STR(R("fs.path.name"), "<NA>");
	CHECK_STR(R("evt.abspath.dst"), "/tmp/stolen");
	CHECK_STR(R("evt.arg.oldpath"), "/etc/passwd");
	CHECK_STR(R("evt.arg.olddirfd"), "<d>/etc");
	CHECK_STR(R("evt.is_io"), "false");

	/* a failed open */
	open_(300, -2, "/nope", 1);
	CHECK_STR(R("evt.type"), "open");
	CHECK_STR(R("evt.res"), "ENOENT");
	CHECK_INT(N("evt.rawres"), -2);
	CHECK_STR(R("evt.failed"), "true");
	/* no fd entry: libsinsp names what the call tried to open */
	CHECK_STR(R("fd.name"), "/nope");
	CHECK_STR(R("fd.directory"), "/");
	CHECK_STR(R("fd.filename"), "<NA>");
	CHECK_STR(R("fd.typechar"), "f");
	CHECK_STR(R("fd.type"), "<NA>");
	CHECK_STR(R("fd.containername"), ":/nope");
	CHECK_STR(R("evt.arg.fd"), "ENOENT");
	CHECK_STR(R("evt.rawarg.fd"), "-2");
	CHECK_STR(R("evt.arg.dev"), "0");
	CHECK_STR(R("evt.args"), "fd=-2(ENOENT) name=/nope flags=1(O_RDONLY) mode=0 dev=0 ino=0");
	CHECK_STR(R("evt.count.error"), "1");
	CHECK_STR(R("evt.count.error.file"), "1");
	CHECK_STR(R("evt.count.error.net"), "<NA>");
	CHECK_STR(R("fd.uid"), "<NA>");

	/* a failed openat by a relative path: resolved against the cwd */
	openat(300, -13, -100, "missing/x.txt", 1, 0);
	CHECK_STR(R("fd.name"), "/tmp/work/missing/x.txt");
	CHECK_STR(R("fd.directory"), "/tmp/work/missing");
	CHECK_STR(R("fd.nameraw"), "missing/x.txt");
	CHECK_STR(R("fd.containerdirectory"), ":/tmp/work/missing");

	/* an fd that is not in the table (from before the capture): "" */
	evb_begin(&B, 5, 300, ts++);       /* close X */
	evb_u64(&B, 0);
	evb_u64(&B, 77);
	push();
	CHECK_STR(R("fd.name"), "");
	CHECK_STR(R("fd.directory"), "/");
	CHECK_STR(R("fd.typechar"), "o");
	CHECK_STR(R("fd.num"), "77");

	/* an event about no fd at all: the fd fields are missing */
	evb_begin(&B, 275, 300, ts++);     /* setsid X */
	evb_u64(&B, 300);
	push();
	CHECK_STR(R("fd.name"), "<NA>");
	CHECK_STR(R("fd.directory"), "<NA>");

	/* an enter event is not counted as an exit */
	evb_begin(&B, 2, 300, ts++);       /* open E */
	evb_str(&B, "/etc/hosts");
	evb_u32(&B, 1);
	evb_u32(&B, 0);
	push();
	CHECK_STR(R("evt.count"), "1");
	CHECK_STR(R("evt.count.exit"), "<NA>");
}

static void test_socket(void)
{
	uint8_t tup[13], addr[7];
	uint16_t sport = 40000, dport = 443;
	uint32_t cip = inet_addr("10.0.0.1"), sip = inet_addr("10.0.0.2");

	evb_begin(&B, 19, 300, ts++);       /* socket X */
	evb_u64(&B, 5);
	evb_u32(&B, 2);                     /* AF_INET */
	evb_u32(&B, 1);                     /* SOCK_STREAM */
	evb_u32(&B, 6);
	evb_u32(&B, 0);
	push();
	CHECK_STR(R("evt.arg.domain"), "AF_INET");

	tup[0] = 2;
	memcpy(tup + 1, &cip, 4);
	memcpy(tup + 5, &sport, 2);
	memcpy(tup + 7, &sip, 4);
	addr[0] = 2;
	memcpy(addr + 1, &sip, 4);
	connect_(0, tup, addr, dport);
	CHECK_STR(R("evt.type"), "connect");
	CHECK_STR(R("fd.name"), "10.0.0.1:40000->10.0.0.2:443");
	CHECK_STR(R("fd.type"), "ipv4");
	CHECK_STR(R("fd.typechar"), "4");
	CHECK_STR(R("fd.l4proto"), "tcp");
	CHECK_STR(R("fd.sockfamily"), "ip");
	CHECK_STR(R("fd.sip"), "10.0.0.2");
	CHECK_STR(R("fd.cip"), "10.0.0.1");
	CHECK_STR(R("fd.rip"), "10.0.0.2");
	CHECK_STR(R("fd.lip"), "10.0.0.1");
	CHECK_STR(R("fd.sport"), "443");
	CHECK_STR(R("fd.cport"), "40000");
	CHECK_STR(R("fd.rport"), "443");
	CHECK_STR(R("fd.lport"), "40000");
	CHECK_STR(R("fd.is_server"), "false");
	CHECK_STR(R("fd.ip"), "(10.0.0.1,10.0.0.2)");
	CHECK_STR(R("fd.name_changed"), "true");
	CHECK_STR(R("fd.directory"), "<NA>");
	CHECK_STR(R("evt.arg.tuple"), "10.0.0.1:40000->10.0.0.2:443");
	CHECK_STR(R("evt.arg.addr"), "10.0.0.2:443");
	CHECK_STR(R("evt.arg.fd"), "<4>10.0.0.1:40000->10.0.0.2:443");
	/* a failed connect keeps the socket's entry, but names what it tried */
	connect_(-111, tup, addr, 8443);   /* ECONNREFUSED */
	CHECK_STR(R("fd.name"), "10.0.0.1:40000->10.0.0.2:8443");
	connect_(0, tup, addr, dport);
	/* ports as text, as Falco prints them */
	CHECK_STR(R("fd.sproto"), "443");
	CHECK_STR(R("fd.rproto"), "443");
	CHECK_STR(R("fd.cproto"), "40000");
	CHECK_STR(R("fd.lproto"), "40000");
	CHECK_STR(R("fd.uid"), "3005");
	CHECK_STR(R("evt.count.error.net"), "<NA>");
	{
		struct saker_val v;
		int32_t h = saker_field_bind(S, "fd.sip", NULL, NULL, 0);

		CHECK(saker_field_get(S, h, &v) == 1);
		CHECK(v.type == SAKER_FT_IPADDR && v.len == 4 && memcmp(v.s, &sip, 4) == 0);
		h = saker_field_bind(S, "fd.sport", NULL, NULL, 0);
		CHECK(saker_field_get(S, h, &v) == 1 && v.type == SAKER_FT_PORT && v.n == 443);
	}

	/* a refused connect on the same socket: a network error */
	connect_(-111, tup, addr, dport);
	CHECK_STR(R("evt.res"), "ECONNREFUSED");
	CHECK_STR(R("evt.count.error"), "1");
	CHECK_STR(R("evt.count.error.net"), "1");
	CHECK_STR(R("evt.count.error.file"), "<NA>");
}

/* accept4 X (389) of an IPv6 connection: this process is the server */
static void test_accept6(void)
{
	uint8_t tup[37];
	uint8_t cip[16], sip[16];
	uint16_t cport = 51000, sport = 8080;

	inet_pton(AF_INET6, "fd00::1", cip);
	inet_pton(AF_INET6, "::1", sip);
	tup[0] = 10;
	memcpy(tup + 1, cip, 16);
	memcpy(tup + 17, &cport, 2);
	memcpy(tup + 19, sip, 16);
	memcpy(tup + 35, &sport, 2);
	evb_begin(&B, 389, 300, ts++);
	evb_u64(&B, 7);
	evb_raw(&B, tup, sizeof(tup));
	evb_u8(&B, 0);
	evb_u32(&B, 0);
	evb_u32(&B, 128);
	evb_u32(&B, 0);
	push();
	CHECK_STR(R("evt.type"), "accept4");
	CHECK_STR(R("evt.res"), "SUCCESS");
	CHECK_STR(R("fd.type"), "ipv6");
	CHECK_STR(R("fd.typechar"), "6");
	CHECK_STR(R("fd.is_server"), "true");
	CHECK_STR(R("fd.cip"), "fd00::1");
	CHECK_STR(R("fd.sip"), "::1");
	CHECK_STR(R("fd.lip"), "::1");
	CHECK_STR(R("fd.rip"), "fd00::1");
	CHECK_STR(R("fd.lport"), "8080");
	CHECK_STR(R("fd.rport"), "51000");
	CHECK_STR(R("fd.port"), "(51000,8080)");
	CHECK_STR(R("fd.name_changed"), "true");
	CHECK_STR(R("fd.sockfamily"), "ip");
	CHECK_STR(R("fd.types[7]"), "ipv6");
	CHECK_STR(R("fd.types[99]"), "<NA>");
	CHECK_STR(R("fd.sproto"), "8080");
	CHECK_STR(R("fd.lproto"), "8080");
	CHECK_STR(R("fd.rproto"), "51000");
	CHECK_STR(R("fd.cproto"), "51000");
}

/* fd 0, 1, 2 of the process: /dev/null, a tty, and the TCP socket dup'ed */
static void test_stdio(void)
{
	CHECK_STR(R("proc.stdin.type"), "<NA>");
	open_(300, 0, "/dev/null", 1);
	openat(300, 1, -100, "/dev/pts/0", 2, 0);
	evb_begin(&B, 363, 300, ts++);     /* dup2 X */
	evb_u64(&B, 2);
	evb_u64(&B, 5);
	evb_u64(&B, 2);
	push();
	CHECK_STR(R("evt.type"), "dup2");
	CHECK_STR(R("proc.stdin.type"), "file");
	CHECK_STR(R("proc.stdin.name"), "/dev/null");
	CHECK_STR(R("proc.stdout.type"), "file");
	CHECK_STR(R("proc.stdout.name"), "/dev/pts/0");
	CHECK_STR(R("proc.stderr.type"), "ipv4");
	CHECK_STR(R("proc.stderr.name"), "10.0.0.1:40000->10.0.0.2:443");
}

/* evt.deltatime: from the event handed out before; 0 for the first */
static void test_deltatime(void)
{
	struct saker_opts o = { 0 };
	struct saker *s2 = saker_open(&o, NULL, 0);
	struct saker *keep = S;

	ts += 2000000005;
	evb_begin(&B, 199, 300, ts++);     /* setuid X */
	evb_u64(&B, 0);
	evb_u32(&B, 0);
	push();
	CHECK_STR(R("evt.deltatime"), "2000000006");
	CHECK_STR(R("evt.deltatime.s"), "2");
	CHECK_STR(R("evt.deltatime.ns"), "000000006");
	CHECK_INT(N("evt.deltatime.ns"), 6);
	CHECK_INT(saker_field_info(saker_field_find("evt.deltatime"))->type, SAKER_FT_RELTIME);

	/* a fresh context's first event */
	CHECK(s2 != NULL);
	if (!s2)
		return;
	S = s2;
	evb_begin(&B, 199, 300, ts++);
	evb_u64(&B, 0);
	evb_u32(&B, 0);
	push();
	CHECK_STR(R("evt.deltatime"), "0");
	S = keep;
	saker_close(s2);
}

static void test_container(void)
{
	clone_pair(200, 400, "bash", "-bash");
	ev_execve(400, 200, "nginx", "", "/", "nginx", "/usr/sbin/nginx", 33,
	       "cpuset=/docker/3f4e5d6c7b8a9f0e1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0\n"
	       "memory=/docker/3f4e5d6c7b8a9f0e1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0");
	CHECK_STR(R("container.id"), "3f4e5d6c7b8a");
	CHECK_STR(R("container.name"), "<NA>");
	CHECK_STR(R("proc.cmdline"), "nginx");
	CHECK_STR(R("proc.args"), "");
	CHECK_STR(R("user.uid"), "33");
	CHECK_STR(R("proc.cmdnargs"), "0");
	CHECK_STR(R("proc.cmdlenargs"), "0");
	CHECK_STR(R("thread.nametid"), "nginx400");
	CHECK_STR(R("thread.cgroups"),
		  "cpuset=/docker/3f4e5d6c7b8a9f0e1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0 "
		  "memory=/docker/3f4e5d6c7b8a9f0e1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0");
	CHECK_STR(R("thread.cgroup.memory"),
		  "/docker/3f4e5d6c7b8a9f0e1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0");
	CHECK_STR(R("thread.cgroup[cpuset]"),
		  "/docker/3f4e5d6c7b8a9f0e1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0");
	CHECK_STR(R("thread.cgroup.blkio"), "<NA>");
	CHECK_STR(R("thread.cgroup.cpu"), "<NA>");   /* a prefix of cpuset is not cpuset */
	CHECK_INT(saker_field_bind(S, "thread.cgroup", NULL, NULL, 0), -1);

	open_(400, 3, "/etc/nginx/nginx.conf", 1);
	CHECK_STR(R("fd.containername"), "3f4e5d6c7b8a:/etc/nginx/nginx.conf");
	CHECK_STR(R("fd.containerdirectory"), "3f4e5d6c7b8a:/etc/nginx");
	CHECK_STR(R("fd.uid"), "4003");
	CHECK_STR(R("proc.stdin.name"), "<NA>");

	evb_begin(&B, 199, 400, ts++);      /* setuid X */
	evb_u64(&B, 0);
	evb_u32(&B, 0);
	push();
	CHECK_STR(R("evt.arg.uid"), "root");
	CHECK_INT(N("evt.rawarg.uid"), 0);
	CHECK_STR(R("evt.args"), "res=0 uid=0(root)");
	CHECK_STR(R("evt.arg.nosuch"), "<NA>");
	CHECK_STR(R("evt.arg[5]"), "<NA>");
	CHECK_STR(R("fs.path.name"), "<NA>");
}

int main(void)
{
	struct saker_opts o = { 0 };
	char err[256];

	setenv("TZ", "UTC", 1);   /* evt.time is local time */
	tzset();

	S = saker_open(&o, err, sizeof(err));
	if (!S) {
		fprintf(stderr, "saker_open: %s\n", err);
		CHECK(0);
		return check_done();
	}
	test_table();
	test_chain();
	test_files();
	test_socket();
	test_accept6();
	test_stdio();
	test_deltatime();
	test_container();
	saker_close(S);
	return check_done();
}
