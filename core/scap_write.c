/* SPDX-License-Identifier: Apache-2.0 */
/*
 * scap_write.c: writing .scap capture files (saker -w).
 *
 * The layout sysdig 0.29 and current libs both read: a section header,
 * machine info, one PL_V9 block with every thread of the state tables, one
 * FDL_V2 block per process with its fds, then one EV_V2 block per event.
 * The file is plain (not gzip'd); a block is built in one buffer and
 * written with one fwrite, so a full disk shows up as an error at close.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "scap.h"

/* An event held back in window mode. */
struct held {
	uint8_t *raw;
	uint32_t len, cap;
	uint16_t cpu;
};

struct scap_writer {
	FILE *f;
	uint8_t *b;                /* the block being built */
	uint32_t len, cap;
	int failed;
	/* window mode: the last nheld events wait in a ring until one of them
	 * is kept; then `after` more events are written as they come */
	struct held *ring;
	uint32_t ringcap, nheld, head, after, after_left;
};

static void put(struct scap_writer *w, const void *p, uint32_t n)
{
	if (w->len + n > w->cap) {
		uint32_t ncap = w->cap ? w->cap : 65536;
		uint8_t *nb;

		while (ncap < w->len + n)
			ncap *= 2;
		nb = realloc(w->b, ncap);
		if (!nb) {
			w->failed = 1;
			return;
		}
		w->b = nb;
		w->cap = ncap;
	}
	memcpy(w->b + w->len, p, n);
	w->len += n;
}

static void p64(struct scap_writer *w, uint64_t v) { put(w, &v, 8); }
static void p32(struct scap_writer *w, uint32_t v) { put(w, &v, 4); }
static void p16(struct scap_writer *w, uint16_t v) { put(w, &v, 2); }
static void p8(struct scap_writer *w, uint8_t v) { put(w, &v, 1); }

/*
 * libscap refuses a whole capture over one string longer than it holds:
 * a thread's paths up to 1024 bytes, its args, env and cgroups up to 4096
 * (SCAP_MAX_PATH_SIZE, SCAP_MAX_ARGS_SIZE...), an fd's name below 1024.
 * Longer values are cut, as libscap's own /proc reader cuts them.
 */
enum { SCAP_PATH_MAX = 1024, SCAP_FDNAME_MAX = 1023, SCAP_BLOB_MAX = 4096 };

static void pstr(struct scap_writer *w, const char *s, uint32_t n, uint32_t max)
{
	n = n > max ? max : n;
	p16(w, (uint16_t)n);
	put(w, s, n);
}

/* Start a block: type and a length patched by end_block. */
static void begin_block(struct scap_writer *w, uint32_t type)
{
	w->len = 0;
	p32(w, type);
	p32(w, 0);
}

static void end_block(struct scap_writer *w)
{
	static const uint8_t pad[4];
	uint32_t total;

	put(w, pad, (4 - (w->len & 3)) & 3);
	total = w->len + 4;
	p32(w, total);
	if (w->failed)
		return;
	memcpy(w->b + 4, &total, 4);
	if (fwrite(w->b, 1, total, w->f) != total)
		w->failed = 1;
}

/* A thread's list blob as the capture holds it (items NUL-terminated); a
 * cut one still ends in a NUL. */
static void pblob(struct scap_writer *w, const struct pstr *x)
{
	uint32_t n = x->len < SCAP_BLOB_MAX ? x->len : SCAP_BLOB_MAX - 1;

	if (!x->len) {
		p16(w, 0);
		return;
	}
	p16(w, (uint16_t)(n + 1));
	put(w, x->s, n);
	p8(w, 0);
}

static void write_thread(struct scap_writer *w, struct saker *s, const struct thread *t)
{
	uint32_t start = w->len, elen;
	const struct pstr *cwd = thread_cwd(s, t);

	p32(w, 0);
	p64(w, (uint64_t)t->tid);
	p64(w, (uint64_t)t->pid);
	p64(w, (uint64_t)t->ptid);
	p64(w, (uint64_t)t->sid);
	p64(w, (uint64_t)t->vpgid);
	pstr(w, t->comm, (uint32_t)strlen(t->comm), SCAP_PATH_MAX);
	pstr(w, pstr_c(&t->exe), t->exe.len, SCAP_PATH_MAX);
	pstr(w, pstr_c(&t->exepath), t->exepath.len, SCAP_PATH_MAX);
	pblob(w, &t->args);
	pstr(w, pstr_c(cwd), cwd->len, SCAP_PATH_MAX);
	p64(w, t->fdlimit);
	p32(w, t->pid != t->tid ? 1u << 13 : 0); /* PPM_CL_CLONE_THREAD */
	p32(w, t->uid);
	p32(w, t->gid);
	p32(w, t->vmsize_kb);
	p32(w, t->vmrss_kb);
	p32(w, t->vmswap_kb);
	p64(w, 0);
	p64(w, 0);
	pblob(w, &t->env);
	p64(w, (uint64_t)t->vtid);
	p64(w, (uint64_t)t->vpid);
	pblob(w, &t->cgroups);
	pstr(w, "/", 1, SCAP_PATH_MAX);
	/* the trailing fields as libs of sysdig 0.29 wrote them */
	p32(w, t->loginuid);
	p8(w, t->exe_writable);
	p64(w, t->cap_inheritable);
	p64(w, t->cap_permitted);
	p64(w, t->cap_effective);
	elen = w->len - start;
	if (!w->failed)
		memcpy(w->b + start, &elen, 4);
}

static const uint8_t scap_fdtype[] = {
	[FDT_UNKNOWN] = SCAP_FD_UNSUPPORTED, [FDT_FILE] = SCAP_FD_FILE_V2,
	[FDT_DIR] = SCAP_FD_DIR, [FDT_IPV4] = SCAP_FD_IPV4_SOCK,
	[FDT_IPV6] = SCAP_FD_IPV6_SOCK, [FDT_UNIX] = SCAP_FD_UNIX_SOCK,
	[FDT_PIPE] = SCAP_FD_FIFO, [FDT_EVENT] = SCAP_FD_EVENT,
	[FDT_SIGNALFD] = SCAP_FD_SIGNALFD, [FDT_EVENTPOLL] = SCAP_FD_EVENTPOLL,
	[FDT_INOTIFY] = SCAP_FD_INOTIFY, [FDT_TIMERFD] = SCAP_FD_TIMERFD,
	[FDT_NETLINK] = SCAP_FD_NETLINK,
	/* types newer than sysdig 0.29's (it stops at 16) are written so that
	 * it reads them: a memfd as a file named memfd:NAME (read back as a
	 * memfd), the others as unsupported */
	[FDT_BPF] = SCAP_FD_UNSUPPORTED, [FDT_USERFAULTFD] = SCAP_FD_UNSUPPORTED,
	[FDT_IO_URING] = SCAP_FD_UNSUPPORTED, [FDT_MEMFD] = SCAP_FD_FILE_V2,
	[FDT_PIDFD] = SCAP_FD_UNSUPPORTED,
	[FDT_RAW] = SCAP_FD_UNSUPPORTED,
};

static void write_fd(struct scap_writer *w, const struct fdinfo *f)
{
	uint32_t start = w->len, elen, ipw = f->type == FDT_IPV6 ? 16 : 4;
	uint8_t type = f->type <= FDT_RAW ? scap_fdtype[f->type] : SCAP_FD_UNSUPPORTED;
	int sock = f->type == FDT_IPV4 || f->type == FDT_IPV6;

	if (sock && f->is_server && !f->cport)
		type = f->type == FDT_IPV6 ? SCAP_FD_IPV6_SERVSOCK : SCAP_FD_IPV4_SERVSOCK;
	p32(w, 0);
	p64(w, (uint64_t)f->fd);
	p64(w, f->ino);
	p8(w, type);
	switch (type) {
	case SCAP_FD_IPV4_SOCK:
	case SCAP_FD_IPV6_SOCK:
		put(w, f->cip, ipw);
		put(w, f->sip, ipw);
		p16(w, f->cport);
		p16(w, f->sport);
		p8(w, f->l4proto);
		break;
	case SCAP_FD_IPV4_SERVSOCK:
	case SCAP_FD_IPV6_SERVSOCK:
		put(w, f->sip, ipw);
		p16(w, f->sport);
		p8(w, f->l4proto);
		break;
	case SCAP_FD_UNIX_SOCK:
		p64(w, f->usrc);
		p64(w, f->udst);
		pstr(w, pstr_c(&f->name), f->name.len, SCAP_FDNAME_MAX);
		break;
	case SCAP_FD_FILE_V2:
		p32(w, f->flags);
		pstr(w, pstr_c(&f->name), f->name.len, SCAP_FDNAME_MAX);
		p32(w, f->dev);
		break;
	default:
		pstr(w, pstr_c(&f->name), f->name.len, SCAP_FDNAME_MAX);
		break;
	}
	elen = w->len - start;
	if (!w->failed)
		memcpy(w->b + start, &elen, 4);
}

static void write_state(struct scap_writer *w, struct saker *s)
{
	uint32_t i, k;
	char host[128];
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);

	begin_block(w, SCAP_MI);
	memset(host, 0, sizeof(host));
	gethostname(host, sizeof(host) - 1);
	p32(w, (uint32_t)sysconf(_SC_NPROCESSORS_ONLN));
	p64(w, pages > 0 && psize > 0 ? (uint64_t)pages * (uint64_t)psize : 0);
	p64(w, 4194304);
	put(w, host, sizeof(host));
	p64(w, state_boot_ts(s)); /* boot_ts_epoch */
	for (k = 0; k < 3; k++)
		p64(w, 0);
	end_block(w);

	begin_block(w, SCAP_PL_V9);
	for (i = 0; i < s->th.fresh; i++)
		if (s->th.pool[i].used)
			write_thread(w, s, &s->th.pool[i]);
	end_block(w);

	for (i = 0; i < s->th.fresh; i++) {
		const struct thread *t = &s->th.pool[i];

		if (!t->used || t->tid != t->pid || t->files == STATE_NIL)
			continue;
		begin_block(w, SCAP_FDL_V2);
		p64(w, (uint64_t)t->tid);
		for (k = s->fds.files[t->files].head; k != STATE_NIL; k = s->fds.pool[k].lnext)
			write_fd(w, &s->fds.pool[k]);
		end_block(w);
	}
}

struct scap_writer *scap_writer_open(const char *path, int fresh, struct saker *s, char *err,
				     uint32_t errlen)
{
	struct scap_writer *w = calloc(1, sizeof(*w));
	int fd;

	if (!w) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	/* captures hold every process's command line: owner-only */
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (fresh ? O_EXCL | O_NOFOLLOW : O_TRUNC), 0600);
	w->f = fd >= 0 ? fdopen(fd, "wb") : NULL;
	if (!w->f) {
		snprintf(err, errlen, "cannot create the capture file %s: %m", path);
		if (fd >= 0)
			close(fd);
		free(w);
		return NULL;
	}
	setvbuf(w->f, NULL, _IOFBF, 1 << 20);
	begin_block(w, SCAP_SHB);
	p32(w, SCAP_MAGIC);
	p16(w, 1);
	p16(w, 2);
	p64(w, (uint64_t)-1);
	end_block(w);
	write_state(w, s);
	if (w->failed) {
		snprintf(err, errlen, "cannot write the capture file %s: %m", path);
		scap_writer_close(w);
		return NULL;
	}
	return w;
}

static void write_event(struct scap_writer *w, const uint8_t *raw, uint32_t len, uint16_t cpu)
{
	begin_block(w, len + 14 > 65535 ? SCAP_EV_V2_LARGE : SCAP_EV_V2);
	p16(w, cpu);
	put(w, raw, len);
	end_block(w);
}

int scap_writer_event(struct scap_writer *w, const uint8_t *raw, uint32_t len, uint16_t cpu)
{
	struct held *h;

	if (!w->ring || w->after_left) {
		write_event(w, raw, len, cpu);
		if (w->after_left)
			w->after_left--;
		return w->failed ? -1 : 0;
	}
	h = &w->ring[(w->head + w->nheld) % w->ringcap];
	if (w->nheld == w->ringcap) { /* full: the oldest goes */
		h = &w->ring[w->head];
		w->head = (w->head + 1) % w->ringcap;
		w->nheld--;
	}
	if (len > h->cap) {
		uint8_t *nb = realloc(h->raw, len);

		if (!nb)
			return -1;
		h->raw = nb;
		h->cap = len;
	}
	memcpy(h->raw, raw, len);
	h->len = len;
	h->cpu = cpu;
	w->nheld++;
	return 0;
}

int scap_writer_window(struct scap_writer *w, uint32_t before, uint32_t after)
{
	w->ring = calloc((size_t)before + 1, sizeof(*w->ring));
	if (!w->ring)
		return -1;
	w->ringcap = before + 1;
	w->after = after;
	return 0;
}

void scap_writer_keep(struct scap_writer *w)
{
	struct held *h;

	if (!w->ring)
		return;
	while (w->nheld) {
		h = &w->ring[w->head];
		write_event(w, h->raw, h->len, h->cpu);
		w->head = (w->head + 1) % w->ringcap;
		w->nheld--;
	}
	w->after_left = w->after;
}

int scap_writer_close(struct scap_writer *w)
{
	uint32_t i;
	int rc;

	if (!w)
		return 0;
	rc = w->failed ? -1 : 0;
	if (fclose(w->f))
		rc = -1;
	for (i = 0; i < w->ringcap; i++)
		free(w->ring[i].raw);
	free(w->ring);
	free(w->b);
	free(w);
	return rc;
}
