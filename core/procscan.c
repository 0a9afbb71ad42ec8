/* SPDX-License-Identifier: Apache-2.0 */
/*
 * procscan.c: seeding the state tables from /proc.
 *
 * At open (scan_proc), every /proc/PID/task/TID becomes a thread and every
 * /proc/PID/fd/N an fd entry; sockets get their tuples from
 * /proc/net/{tcp,tcp6,udp,udp6,unix} by inode. Later, a thread that shows
 * up in an event without a clone we saw is filled the same way. This runs
 * at start-up or on a miss, never per event in the steady state.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "state.h"

enum { BIG = 65536 };

static char buf[BIG], path[256];

/* Read a whole (small) file into buf; its length or -1. */
static int slurp(const char *p)
{
	int fd = open(p, O_RDONLY | O_CLOEXEC), n, total = 0;

	if (fd < 0)
		return -1;
	while (total < BIG - 1 && (n = (int)read(fd, buf + total, BIG - 1 - total)) > 0)
		total += n;
	close(fd);
	buf[total] = 0;
	return total;
}

static int64_t field_i(const char *text, const char *key)
{
	const char *p = strstr(text, key);

	return p ? strtoll(p + strlen(key), NULL, 10) : -1;
}

static uint64_t field_hex(const char *text, const char *key)
{
	const char *p = strstr(text, key);

	return p ? strtoull(p + strlen(key), NULL, 16) : 0;
}

/* The last number on the line that starts with key (NSpid: 10 1). */
static int64_t field_last(const char *text, const char *key)
{
	const char *p = strstr(text, key), *e;
	int64_t v = -1;
	char *end;

	if (!p)
		return -1;
	p += strlen(key);
	e = strchr(p, '\n');
	while (p && (!e || p < e)) {
		v = strtoll(p, &end, 10);
		if (end == p)
			break;
		p = end;
	}
	return v;
}

static void readlink_pstr(struct saker *s, const char *p, struct pstr *dst)
{
	ssize_t n = readlink(p, buf, BIG - 1);

	if (n > 0)
		pstr_set(s->sp, dst, buf, (uint32_t)n);
}

static void fill_process(struct saker *s, struct thread *t, int64_t pid)
{
	int n;
	uint32_t a0;
	char *p;

	snprintf(path, sizeof(path), "/proc/%lld/cmdline", (long long)pid);
	n = slurp(path);
	if (n > 0) {
		if (buf[n - 1] == 0)
			n--;
		a0 = (uint32_t)strnlen(buf, (size_t)n);
		pstr_set(s->sp, &t->exe, buf, a0);
		if ((int)a0 < n) {
			pstr_set(s->sp, &t->args, buf + a0 + 1, (uint32_t)n - a0 - 1);
			t->argc = 1;
			for (p = buf + a0 + 1; p < buf + n; p++)
				t->argc += *p == 0;
		} else {
			pstr_set(s->sp, &t->args, "", 0);
			t->argc = 0;
		}
	}
	snprintf(path, sizeof(path), "/proc/%lld/exe", (long long)pid);
	readlink_pstr(s, path, &t->exepath);
	snprintf(path, sizeof(path), "/proc/%lld/environ", (long long)pid);
	n = slurp(path);
	if (n > 0)
		pstr_set(s->sp, &t->env, buf, (uint32_t)(buf[n - 1] ? n : n - 1));
	snprintf(path, sizeof(path), "/proc/%lld/cgroup", (long long)pid);
	n = slurp(path);
	if (n > 0) {
		for (p = buf; p < buf + n; p++)
			if (*p == '\n')
				*p = 0;
		pstr_set(s->sp, &t->cgroups, buf, (uint32_t)(n - 1));
		t->in_container = (uint8_t)container_id_from_cgroups(t->cgroups.s, t->cgroups.len, t->container_id);
	}
	snprintf(path, sizeof(path), "/proc/%lld/loginuid", (long long)pid);
	if (slurp(path) > 0)
		t->loginuid = (uint32_t)strtoul(buf, NULL, 10);
	snprintf(path, sizeof(path), "/proc/%lld/stat", (long long)pid);
	if (slurp(path) > 0 && (p = strrchr(buf, ')'))) {
		/* ") S ppid pgrp session tty_nr" */
		long long ppid, pgrp, sid;
		int tty;

		if (sscanf(p + 1, " %*c %lld %lld %lld %d", &ppid, &pgrp, &sid, &tty) == 4) {
			t->pgid = pgrp;
			t->sid = sid;
			t->tty = (uint32_t)tty;
		}
	}
}

int procscan_thread(struct saker *s, struct thread *t)
{
	int64_t pid;
	struct thread *m;
	char *nm;
	uint32_t n;

	snprintf(path, sizeof(path), "/proc/%lld/status", (long long)t->tid);
	if (slurp(path) <= 0)
		return -1;
	pid = field_i(buf, "\nTgid:");
	t->pid = pid > 0 ? pid : t->tid;
	t->ptid = field_i(buf, "\nPPid:");
	t->vtid = field_last(buf, "\nNSpid:");
	t->vpid = field_last(buf, "\nNStgid:");
	if ((nm = strstr(buf, "Name:\t"))) {
		nm += 6;
		for (n = 0; n < 15 && nm[n] && nm[n] != '\n'; n++)
			t->comm[n] = nm[n];
		t->comm[n] = 0;
	}
	sscanf(strstr(buf, "\nUid:") ? strstr(buf, "\nUid:") + 5 : "", "%u %u %u", &t->uid, &t->euid, &t->suid);
	sscanf(strstr(buf, "\nGid:") ? strstr(buf, "\nGid:") + 5 : "", "%u %u %u", &t->gid, &t->egid, &t->sgid);
	t->cap_inheritable = field_hex(buf, "\nCapInh:");
	t->cap_permitted = field_hex(buf, "\nCapPrm:");
	t->cap_effective = field_hex(buf, "\nCapEff:");
	t->vmsize_kb = (uint32_t)field_i(buf, "\nVmSize:");
	t->vmrss_kb = (uint32_t)field_i(buf, "\nVmRSS:");
	t->from_proc = 1;
	if (t->pid != t->tid) {
		/* a thread: share the process's fd table and cwd */
		m = thread_find(s, t->pid);
		if (!m) {
			m = thread_new(s, t->pid);
			if (procscan_thread(s, m) < 0)
				m->files = files_new(s);
		}
		m->nthreads++;
		if (t->files == STATE_NIL) {
			t->files = m->files;
			files_ref(s, t->files);
		}
		fill_process(s, t, t->pid);
		return 0;
	}
	fill_process(s, t, t->pid);
	if (t->files == STATE_NIL) {
		t->files = files_new(s);
		snprintf(path, sizeof(path), "/proc/%lld/cwd", (long long)t->pid);
		n = (uint32_t)readlink(path, buf, BIG - 2);
		if ((int32_t)n > 0) {
			if (n > 1)
				buf[n++] = '/';
			pstr_set(s->sp, &s->fds.files[t->files].cwd, buf, n);
		}
	}
	return 0;
}

/* ---- sockets by inode ---------------------------------------------------- */

struct sockrec {
	uint64_t ino;
	uint8_t family, l4, listen;
	uint8_t lip[16], rip[16];
	uint16_t lport, rport;
	char *upath;
};

struct socks {
	struct sockrec *r;
	uint32_t n, cap;
};

static struct sockrec *sock_add(struct socks *ss)
{
	if (ss->n == ss->cap) {
		uint32_t nc = ss->cap ? ss->cap * 2 : 256;
		struct sockrec *nr = realloc(ss->r, nc * sizeof(*nr));

		if (!nr)
			return NULL;
		ss->r = nr;
		ss->cap = nc;
	}
	memset(&ss->r[ss->n], 0, sizeof(ss->r[0]));
	return &ss->r[ss->n++];
}

/* /proc/net/tcp addresses: hex of the in-memory (network order) words. */
static void hex_ip(const char *h, uint8_t *out, int words)
{
	int i;

	for (i = 0; i < words; i++) {
		char w[9];
		uint32_t v;

		memcpy(w, h + i * 8, 8);
		w[8] = 0;
		v = (uint32_t)strtoul(w, NULL, 16);
		memcpy(out + i * 4, &v, 4);
	}
}

/* A /proc/net table, opened past its header line; NULL if there is none. */
static FILE *open_table(const char *file)
{
	FILE *f = fopen(file, "re");
	char line[512];

	if (f && !fgets(line, sizeof(line), f)) {
		fclose(f);
		f = NULL;
	}
	return f;
}

static void load_inet(struct socks *ss, const char *file, uint8_t family, uint8_t l4)
{
	FILE *f = open_table(file);
	char line[512], la[64], ra[64];
	unsigned lp, rp, st;
	unsigned long long ino;
	int words = family == PPM_AF_INET ? 1 : 4;
	struct sockrec *r;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %*d: %63[0-9A-Fa-f]:%x %63[0-9A-Fa-f]:%x %x %*s %*s %*s %*d %*d %llu",
			   la, &lp, ra, &rp, &st, &ino) != 6 || !(r = sock_add(ss)))
			continue;
		r->ino = ino;
		r->family = family;
		r->l4 = l4;
		r->listen = l4 == L4_TCP && st == 0x0A;
		hex_ip(la, r->lip, words);
		hex_ip(ra, r->rip, words);
		r->lport = (uint16_t)lp;
		r->rport = (uint16_t)rp;
	}
	fclose(f);
}

static void load_unix(struct socks *ss)
{
	FILE *f = open_table("/proc/net/unix");
	char line[4096];
	unsigned long long ino;
	int off = 0;
	struct sockrec *r;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		off = 0;
		if (sscanf(line, "%*s %*s %*s %*s %*s %*s %llu %n", &ino, &off) < 1 || !(r = sock_add(ss)))
			continue;
		r->ino = ino;
		r->family = PPM_AF_UNIX;
		r->upath = off > 0 && line[off] ? strdup(line + off) : NULL;
	}
	fclose(f);
}

static const struct sockrec *sock_find(const struct socks *ss, uint64_t ino)
{
	uint32_t i;

	for (i = 0; i < ss->n; i++)
		if (ss->r[i].ino == ino)
			return &ss->r[i];
	return NULL;
}

static uint32_t ppm_flags(unsigned long fl)
{
	uint32_t r = 0;

	switch (fl & O_ACCMODE) {
	case O_RDONLY: r = PPM_O_RDONLY; break;
	case O_WRONLY: r = PPM_O_WRONLY; break;
	default: r = PPM_O_RDWR; break;
	}
	if (fl & O_CLOEXEC)
		r |= PPM_O_CLOEXEC;
	if (fl & O_DIRECTORY)
		r |= PPM_O_DIRECTORY;
	return r;
}

static void scan_fds(struct saker *s, struct thread *t, const struct socks *ss)
{
	DIR *d;
	struct dirent *de;
	char lp[300];

	snprintf(lp, sizeof(lp), "/proc/%lld/fd", (long long)t->pid);
	d = opendir(lp);
	if (!d)
		return;
	while ((de = readdir(d))) {
		int64_t fd;
		ssize_t n;
		struct fdinfo *f;
		unsigned long long ino;
		const struct sockrec *r;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		fd = strtoll(de->d_name, NULL, 10);
		snprintf(lp, sizeof(lp), "/proc/%lld/fd/%lld", (long long)t->pid, (long long)fd);
		n = readlink(lp, buf, BIG - 1);
		if (n <= 0 || !(f = fd_add(s, t->files, fd)))
			continue;
		buf[n] = 0;
		if (sscanf(buf, "socket:[%llu]", &ino) == 1) {
			r = sock_find(ss, ino);
			f->ino = ino;
			if (r && (r->family == PPM_AF_INET || r->family == PPM_AF_INET6)) {
				uint32_t w = r->family == PPM_AF_INET ? 4 : 16;

				f->type = r->family == PPM_AF_INET ? FDT_IPV4 : FDT_IPV6;
				f->family = r->family;
				f->l4proto = r->l4;
				f->is_server = r->listen;
				/* without knowing who connected, the local end of a
				 * listening socket is the server, else the client */
				if (r->listen) {
					memcpy(f->sip, r->lip, w);
					f->sport = r->lport;
				} else {
					memcpy(f->cip, r->lip, w);
					f->cport = r->lport;
					memcpy(f->sip, r->rip, w);
					f->sport = r->rport;
				}
				fd_set_tuple_name(s, f);
			} else if (r && r->family == PPM_AF_UNIX) {
				f->type = FDT_UNIX;
				f->family = PPM_AF_UNIX;
				if (r->upath)
					pstr_set(s->sp, &f->name, r->upath, (uint32_t)strlen(r->upath));
			} else {
				f->type = FDT_UNKNOWN;
				pstr_set(s->sp, &f->name, buf, (uint32_t)n);
			}
		} else if (sscanf(buf, "pipe:[%llu]", &ino) == 1) {
			f->type = FDT_PIPE;
			f->ino = ino;
			pstr_set(s->sp, &f->name, buf, (uint32_t)n);
		} else if (!strncmp(buf, "anon_inode:", 11)) {
			const char *k = buf + 11;

			f->type = strstr(k, "eventfd") ? FDT_EVENT : strstr(k, "signalfd") ? FDT_SIGNALFD :
				  strstr(k, "eventpoll") ? FDT_EVENTPOLL : strstr(k, "inotify") ? FDT_INOTIFY :
				  strstr(k, "timerfd") ? FDT_TIMERFD : strstr(k, "bpf") ? FDT_BPF :
				  strstr(k, "userfaultfd") ? FDT_USERFAULTFD : strstr(k, "io_uring") ? FDT_IO_URING :
				  strstr(k, "pidfd") ? FDT_PIDFD : FDT_UNKNOWN;
		} else if (!strncmp(buf, "/memfd:", 7)) {
			f->type = FDT_MEMFD;
			n = (ssize_t)strcspn(buf + 1, " ");
			pstr_set(s->sp, &f->name, buf + 1, (uint32_t)n);
		} else {
			f->type = FDT_FILE;
			pstr_set(s->sp, &f->name, buf, (uint32_t)n);
		}
		snprintf(lp, sizeof(lp), "/proc/%lld/fdinfo/%lld", (long long)t->pid, (long long)fd);
		if (slurp(lp) > 0 && strstr(buf, "flags:")) {
			unsigned long fl = strtoul(strstr(buf, "flags:") + 6, NULL, 8);

			f->flags = ppm_flags(fl);
			if (f->type == FDT_FILE && (fl & O_DIRECTORY))
				f->type = FDT_DIR;
		}
	}
	closedir(d);
}

int procscan_all(struct saker *s)
{
	struct socks ss = { 0 };
	DIR *pd, *td;
	struct dirent *pe, *te;
	char tp[300];
	uint32_t i;

	load_inet(&ss, "/proc/net/tcp", PPM_AF_INET, L4_TCP);
	load_inet(&ss, "/proc/net/tcp6", PPM_AF_INET6, L4_TCP);
	load_inet(&ss, "/proc/net/udp", PPM_AF_INET, L4_UDP);
	load_inet(&ss, "/proc/net/udp6", PPM_AF_INET6, L4_UDP);
	load_unix(&ss);
	pd = opendir("/proc");
	if (!pd)
		return -1;
	while ((pe = readdir(pd))) {
		int64_t pid;
		struct thread *m;

		if (pe->d_name[0] < '0' || pe->d_name[0] > '9')
			continue;
		pid = strtoll(pe->d_name, NULL, 10);
		m = thread_find(s, pid);
		if (!m) {
			m = thread_new(s, pid);
			if (procscan_thread(s, m) < 0) {
				thread_drop(s, pid);
				continue;
			}
		}
		scan_fds(s, m, &ss);
		snprintf(tp, sizeof(tp), "/proc/%lld/task", (long long)pid);
		td = opendir(tp);
		while (td && (te = readdir(td))) {
			int64_t tid;
			struct thread *t;

			if (te->d_name[0] < '0' || te->d_name[0] > '9')
				continue;
			tid = strtoll(te->d_name, NULL, 10);
			if (tid == pid || thread_find(s, tid))
				continue;
			t = thread_new(s, tid);
			s->pin = t;
			if (procscan_thread(s, t) < 0)
				thread_drop(s, tid);
			s->pin = NULL;
		}
		if (td)
			closedir(td);
	}
	closedir(pd);
	for (i = 0; i < ss.n; i++)
		free(ss.r[i].upath);
	free(ss.r);
	return 0;
}
