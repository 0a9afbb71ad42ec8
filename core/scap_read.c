/* SPDX-License-Identifier: Apache-2.0 */
/*
 * scap_read.c: reading .scap capture files (saker -e).
 *
 * Blocks are read one at a time through zlib (plain and gzip'd files
 * alike). Process, fd and user blocks seed the state tables as they come;
 * event blocks are handed out one by one in the scap v2 layout, converted
 * to the newest event code of their name the way libscap does for old
 * captures: parameters are matched by name, an exit event takes the
 * parameters it lacks from its thread's last enter event, anything still
 * missing is left empty. Every framing problem is an error naming the byte
 * offset (of the uncompressed stream) where it was found; a block or event
 * saker cannot use is a warning and is skipped.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "scap.h"

enum {
	BLOCK_MAX = 64 << 20,      /* larger block lengths are corrupt */
	ENTER_SLOTS = 4096,        /* stored enter events, direct-mapped by tid */
	EV_HDR = 26, EV_HDR_V1 = 22,
	CODES = 512
};

struct enter_slot {
	int64_t tid;
	uint8_t *buf;
	uint32_t len, cap;
};

struct scap_reader {
	gzFile gz;
	uint64_t off;              /* offset of the next block */
	uint64_t blk_off;          /* offset of the current block */
	uint8_t *blk, *ev, *v1;    /* block body, converted event, v1 -> v2 copy */
	uint32_t blkcap, evcap, v1cap;
	struct evt_params sp;      /* the source event, split */
	struct enter_slot enter[ENTER_SLOTS];
	uint32_t nwarn;
	char err[320], warn[320];
};

/* ---- per-code tables: newest code of a name, parameter maps ------------- */

static uint16_t newest[CODES];
static int8_t map_self[CODES][EVT_MAX_PARAMS];  /* newest's param j -> index in code's */
static int8_t map_enter[CODES][EVT_MAX_PARAMS]; /* exit newest's param j -> index in enter code's */
static uint8_t mapped[CODES];                   /* bit 1: map_self ready, 2: map_enter ready */
static uint16_t newest_exit_of[CODES];          /* for an enter code: the newest exit code of its name */

static void tables_init(void)
{
	static int ready;
	uint32_t c, d, n = evt_table_len < CODES ? evt_table_len : CODES;

	if (ready)
		return;
	for (c = 0; c < n; c++) {
		newest[c] = (uint16_t)c;
		newest_exit_of[c] = 0xffff;
		for (d = c + 1; d < n; d++)
			if (evt_table[d].dir == evt_table[c].dir && !strcmp(evt_table[d].name, evt_table[c].name))
				newest[c] = (uint16_t)d;
		for (d = 0; d < n; d++)
			if (evt_table[d].dir == '<' && !strcmp(evt_table[d].name, evt_table[c].name))
				newest_exit_of[c] = (uint16_t)d;
	}
	ready = 1;
}

static void map_params(int8_t *map, uint16_t from, uint16_t to)
{
	const struct evt_info *f = &evt_table[from], *t = &evt_table[to];
	uint32_t i, j;

	for (j = 0; j < t->nparams && j < EVT_MAX_PARAMS; j++) {
		map[j] = -1;
		for (i = 0; i < f->nparams; i++)
			if (!strcmp(f->pnames[i], t->pnames[j]) && f->ptypes[i] && t->ptypes[j]) {
				map[j] = (int8_t)i;
				break;
			}
	}
}

/* ---- errors -------------------------------------------------------------- */

static int fail(struct scap_reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	return -1;
}

static void warn(struct scap_reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->warn, sizeof(r->warn), fmt, ap);
	va_end(ap);
	r->nwarn++;
}

const char *scap_reader_error(const struct scap_reader *r)
{
	return r->err;
}

uint32_t scap_reader_warnings(const struct scap_reader *r, const char **last)
{
	if (last)
		*last = r->warn;
	return r->nwarn;
}

/* ---- blocks --------------------------------------------------------------- */

static int grow(uint8_t **buf, uint32_t *cap, uint32_t need)
{
	uint8_t *nb;
	uint32_t ncap = *cap ? *cap : 65536;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	nb = realloc(*buf, ncap);
	if (!nb)
		return -1;
	*buf = nb;
	*cap = ncap;
	return 0;
}

static int read_all(struct scap_reader *r, void *p, uint32_t n)
{
	uint32_t got = 0;
	int k;

	while (got < n) {
		k = gzread(r->gz, (uint8_t *)p + got, n - got);
		if (k < 0) {
			int e;

			return fail(r, "read error at byte offset %llu: %s",
				    (unsigned long long)(r->off + got), gzerror(r->gz, &e));
		}
		if (k == 0)
			break;
		got += (uint32_t)k;
	}
	return (int)got;
}

/* Read the next block into r->blk (everything after the 8-byte header,
 * trailer included). 1: a block, 0: clean end of file, -1: error. */
static int read_block(struct scap_reader *r, uint32_t *type, uint32_t *blen)
{
	uint32_t hdr[2], trailer;
	int n;

	r->blk_off = r->off;
	n = read_all(r, hdr, 8);
	if (n <= 0)
		return n;
	if (n < 8)
		return fail(r, "truncated file: block header at byte offset %llu has %d of 8 bytes",
			    (unsigned long long)r->off, n);
	*type = hdr[0];
	*blen = hdr[1];
	if (r->off == 0 && *type != SCAP_SHB)
		return fail(r, "not a scap capture: block type 0x%x at byte offset 0, expected a section header", *type);
	if (*blen < 12 || *blen > BLOCK_MAX)
		return fail(r, "corrupted block length %u at byte offset %llu (block type 0x%x)",
			    *blen, (unsigned long long)r->off, *type);
	if (grow(&r->blk, &r->blkcap, *blen))
		return fail(r, "out of memory for a block of %u bytes at byte offset %llu",
			    *blen, (unsigned long long)r->off);
	n = read_all(r, r->blk, *blen - 8);
	if (n < 0)
		return n;
	if ((uint32_t)n < *blen - 8)
		return fail(r, "truncated file: block at byte offset %llu announces %u bytes, %u are there",
			    (unsigned long long)r->off, *blen, (uint32_t)n + 8);
	memcpy(&trailer, r->blk + *blen - 12, 4);
	if (trailer != *blen)
		return fail(r, "corrupted block at byte offset %llu: length %u, trailer %u",
			    (unsigned long long)r->off, *blen, trailer);
	r->off += *blen;
	return 1;
}

static int check_shb(struct scap_reader *r, uint32_t blen)
{
	uint32_t magic;
	uint16_t major;

	if (blen < 28)
		return fail(r, "section header at byte offset %llu is %u bytes, less than 28",
			    (unsigned long long)r->blk_off, blen);
	memcpy(&magic, r->blk, 4);
	memcpy(&major, r->blk + 4, 2);
	if (magic != SCAP_MAGIC)
		return fail(r, "bad magic number 0x%08x in the section header at byte offset %llu",
			    magic, (unsigned long long)r->blk_off);
	if (major != 1)
		return fail(r, "capture format version %u.x at byte offset %llu: saker reads 1.x",
			    major, (unsigned long long)r->blk_off);
	return 0;
}

struct scap_reader *scap_reader_open(const char *path, char *err, uint32_t errlen)
{
	struct scap_reader *r = calloc(1, sizeof(*r));
	uint32_t type, blen;
	int n;

	tables_init();
	evt_init();
	if (!r) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	r->gz = gzopen(path, "rb");
	if (!r->gz) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno ? errno : ENOMEM));
		free(r);
		return NULL;
	}
	gzbuffer(r->gz, 1 << 18);
	n = read_block(r, &type, &blen);
	if (n == 0)
		n = fail(r, "empty file (0 bytes): not a scap capture");
	else if (n > 0)
		n = check_shb(r, blen);
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", path, r->err);
		scap_reader_close(r);
		return NULL;
	}
	return r;
}

void scap_reader_close(struct scap_reader *r)
{
	uint32_t i;

	if (!r)
		return;
	if (r->gz)
		gzclose(r->gz);
	for (i = 0; i < ENTER_SLOTS; i++)
		free(r->enter[i].buf);
	free(r->blk);
	free(r->ev);
	free(r->v1);
	free(r);
}

/* ---- metadata: a bounds-checked cursor ------------------------------------ */

struct cur {
	const uint8_t *p, *end;
	int bad;
};

static int take(struct cur *c, void *out, uint32_t n)
{
	if (c->bad || (uint64_t)(c->end - c->p) < n) {
		c->bad = 1;
		memset(out, 0, n);
		return 0;
	}
	memcpy(out, c->p, n);
	c->p += n;
	return 1;
}

static uint64_t g64(struct cur *c) { uint64_t v; take(c, &v, 8); return v; }
static uint32_t g32(struct cur *c) { uint32_t v; take(c, &v, 4); return v; }
static uint16_t g16(struct cur *c) { uint16_t v; take(c, &v, 2); return v; }
static uint8_t g8(struct cur *c) { uint8_t v; take(c, &v, 1); return v; }

/* A u16-length string; NULL when the cursor runs out. */
static const char *gstr(struct cur *c, uint32_t *len)
{
	uint16_t n = g16(c);
	const char *s = (const char *)c->p;

	if (c->bad || (uint64_t)(c->end - c->p) < n) {
		c->bad = 1;
		*len = 0;
		return NULL;
	}
	c->p += n;
	*len = n;
	return s;
}

/* A string of a list (args, env, cgroups): drop the final NUL; count items. */
static void set_blob(struct saker *s, struct pstr *dst, const char *v, uint32_t len, uint32_t *count)
{
	uint32_t i, n = 0;

	if (!v)
		return;
	if (len && v[len - 1] == 0)
		len--;
	pstr_set(s->sp, dst, v, len);
	if (count) {
		for (i = 0; i <= len; i++)
			n += i == len || v[i] == 0;
		*count = len ? n : 0;
	}
}

static struct thread *thread_for(struct saker *s, int64_t tid)
{
	struct thread *t = thread_find(s, tid);

	return t ? t : thread_new(s, tid);
}

/* One process-list entry of version v (1..9) in c. */
static void pl_entry(struct saker *s, struct cur *c, int v)
{
	int64_t tid = (int64_t)g64(c), pid = (int64_t)g64(c), ptid = (int64_t)g64(c);
	int64_t sid = -1, vpgid = -1;
	const char *comm, *exe, *exepath = NULL, *args, *cwd, *env = NULL, *cg = NULL;
	uint32_t lcomm, lexe, lexepath = 0, largs, lcwd, lenv = 0, lcg = 0, left;
	struct thread *t, *m;
	struct files *f;

	if (v >= 6)
		sid = (int64_t)g64(c);
	if (v >= 8)
		vpgid = (int64_t)g64(c);
	comm = gstr(c, &lcomm);
	exe = gstr(c, &lexe);
	if (v >= 7)
		exepath = gstr(c, &lexepath);
	args = gstr(c, &largs);
	cwd = gstr(c, &lcwd);
	if (c->bad || tid < 0)
		return;
	t = thread_for(s, tid);
	s->pin = t;
	t->from_proc = 1; /* the capture's /proc: a real entry, not a placeholder */
	t->pid = pid;
	t->ptid = ptid;
	t->sid = sid;
	t->vpgid = vpgid;
	t->fdlimit = g64(c);
	g32(c); /* flags */
	t->uid = t->euid = t->suid = g32(c);
	t->gid = t->egid = t->sgid = g32(c);
	if (v >= 2) {
		t->vmsize_kb = g32(c);
		t->vmrss_kb = g32(c);
		t->vmswap_kb = g32(c);
		g64(c);
		g64(c);
	}
	if (v >= 3)
		env = gstr(c, &lenv);
	if (v >= 4) {
		t->vtid = (int64_t)g64(c);
		t->vpid = (int64_t)g64(c);
		cg = gstr(c, &lcg);
	}
	if (v >= 5) {
		uint32_t lroot;

		gstr(c, &lroot);
	}
	lcomm = lcomm > 15 ? 15 : lcomm;
	memcpy(t->comm, comm, lcomm);
	t->comm[lcomm] = 0;
	pstr_set(s->sp, &t->exe, exe, lexe);
	if (exepath)
		pstr_set(s->sp, &t->exepath, exepath, lexepath);
	else
		pstr_set(s->sp, &t->exepath, exe, lexe);
	set_blob(s, &t->args, args, largs, &t->argc);
	set_blob(s, &t->env, env, lenv, NULL);
	if (cg) {
		set_blob(s, &t->cgroups, cg, lcg, NULL);
		t->in_container = (uint8_t)container_id_from_cgroups(t->cgroups.s, t->cgroups.len, t->container_id);
	} else {
		container_id_from_cgroups("", 0, t->container_id);
	}
	left = (uint32_t)(c->end - c->p);
	if (v >= 9 && !c->bad && left > 0) {
		if (left > 29) { /* libs >= 0.10: pidns start and tty before loginuid */
			t->pidns_init_start_ts = g64(c);
			t->tty = g32(c);
		}
		t->loginuid = g32(c);
		t->exe_writable = g8(c);
		t->cap_inheritable = g64(c);
		t->cap_permitted = g64(c);
		t->cap_effective = g64(c);
		if (!c->bad && c->p < c->end) {
			t->exe_upper_layer = g8(c);
			t->exe_ino = g64(c);
			g64(c);
			g64(c);
			t->exe_from_memfd = g8(c);
			t->exe_lower_layer = g8(c);
			t->pgid = (int64_t)g64(c);
		}
	}
	/* threads of a process share its fd table and cwd */
	if (pid != tid && pid > 0) {
		m = thread_for(s, pid);
		if (m->files == STATE_NIL)
			m->files = files_new(s);
		if (t->files == STATE_NIL) {
			t->files = m->files;
			files_ref(s, t->files);
			m->nthreads++;
		}
	} else if (t->files == STATE_NIL) {
		t->files = files_new(s);
	}
	f = &s->fds.files[t->files];
	if (cwd && lcwd && (pid == tid || !f->cwd.len)) {
		if (cwd[lcwd - 1] == 0)
			lcwd--;
		if (lcwd && cwd[lcwd - 1] != '/') {
			char buf[4096];

			lcwd = lcwd > sizeof(buf) - 2 ? sizeof(buf) - 2 : lcwd;
			memcpy(buf, cwd, lcwd);
			buf[lcwd++] = '/';
			pstr_set(s->sp, &f->cwd, buf, lcwd);
		} else if (lcwd) {
			pstr_set(s->sp, &f->cwd, cwd, lcwd);
		}
	}
	s->pin = NULL;
}

static void read_pl(struct scap_reader *r, struct saker *s, const uint8_t *b, uint32_t n, int v)
{
	struct cur c = { b, b + n, 0 };

	while (!c.bad && c.end - c.p >= 24) {
		if (v == 9) {
			uint32_t elen = g32(&c);
			struct cur e = { c.p, c.p + (elen >= 4 ? elen - 4 : 0), 0 };

			if (elen < 4 || elen - 4 > (uint64_t)(c.end - c.p)) {
				warn(r, "process list at byte offset %llu: entry length %u runs past the block; rest skipped",
				     (unsigned long long)r->blk_off, elen);
				return;
			}
			pl_entry(s, &e, v);
			c.p = e.end;
		} else {
			pl_entry(s, &c, v);
		}
	}
	if (c.bad)
		warn(r, "process list at byte offset %llu: truncated entry skipped", (unsigned long long)r->blk_off);
}

static const uint8_t fdtype_map[] = {
	[SCAP_FD_FILE] = FDT_FILE, [SCAP_FD_DIR] = FDT_DIR,
	[SCAP_FD_IPV4_SOCK] = FDT_IPV4, [SCAP_FD_IPV6_SOCK] = FDT_IPV6,
	[SCAP_FD_IPV4_SERVSOCK] = FDT_IPV4, [SCAP_FD_IPV6_SERVSOCK] = FDT_IPV6,
	[SCAP_FD_FIFO] = FDT_PIPE, [SCAP_FD_UNIX_SOCK] = FDT_UNIX,
	[SCAP_FD_EVENT] = FDT_EVENT, [SCAP_FD_UNSUPPORTED] = FDT_UNKNOWN,
	[SCAP_FD_SIGNALFD] = FDT_SIGNALFD, [SCAP_FD_EVENTPOLL] = FDT_EVENTPOLL,
	[SCAP_FD_INOTIFY] = FDT_INOTIFY, [SCAP_FD_TIMERFD] = FDT_TIMERFD,
	[SCAP_FD_NETLINK] = FDT_NETLINK, [SCAP_FD_FILE_V2] = FDT_FILE,
	[SCAP_FD_BPF] = FDT_BPF, [SCAP_FD_USERFAULTFD] = FDT_USERFAULTFD,
	[SCAP_FD_IOURING] = FDT_IO_URING, [SCAP_FD_MEMFD] = FDT_MEMFD,
	[SCAP_FD_PIDFD] = FDT_PIDFD,
};

/* One fd entry; 0 ok, -1 when its type is unknown (its length unknowable
 * without an entry length). */
static int fd_entry(struct saker *s, struct thread *t, struct cur *c)
{
	int64_t fd = (int64_t)g64(c);
	uint64_t ino = g64(c);
	uint8_t type = g8(c), ip[16], ip2[16];
	uint16_t p1 = 0, p2 = 0;
	const char *name = NULL;
	uint32_t len = 0, w = 4, flags = 0, dev = 0;
	struct fdinfo *f;

	if (c->bad || type == 0 || type >= sizeof(fdtype_map))
		return -1;
	memset(ip, 0, sizeof(ip));
	memset(ip2, 0, sizeof(ip2));
	switch (type) {
	case SCAP_FD_IPV6_SOCK:
		w = 16;
		/* fallthrough */
	case SCAP_FD_IPV4_SOCK:
		take(c, ip, w);
		take(c, ip2, w);
		p1 = g16(c);
		p2 = g16(c);
		break;
	case SCAP_FD_IPV6_SERVSOCK:
		w = 16;
		/* fallthrough */
	case SCAP_FD_IPV4_SERVSOCK:
		take(c, ip2, w);
		p2 = g16(c);
		p1 = 0;
		break;
	case SCAP_FD_UNIX_SOCK:
		g64(c);
		g64(c);
		name = gstr(c, &len);
		break;
	case SCAP_FD_FILE_V2:
		flags = g32(c);
		name = gstr(c, &len);
		if (c->end - c->p >= 4)
			dev = g32(c);
		break;
	default:
		name = gstr(c, &len);
		break;
	}
	if (c->bad)
		return -1;
	f = fd_add(s, t->files, fd);
	if (!f)
		return 0;
	f->type = fdtype_map[type];
	f->ino = ino;
	f->flags = flags;
	f->dev = dev;
	if (type >= SCAP_FD_IPV4_SOCK && type <= SCAP_FD_IPV6_SERVSOCK) {
		f->l4proto = g8(c);
		f->family = w == 4 ? PPM_AF_INET : PPM_AF_INET6;
		f->is_server = type >= SCAP_FD_IPV4_SERVSOCK;
		memcpy(f->cip, ip, w);
		f->cport = p1;
		memcpy(f->sip, ip2, w);
		f->sport = p2;
		fd_set_tuple_name(s, f);
		return 0;
	}
	if (type == SCAP_FD_UNIX_SOCK)
		f->family = PPM_AF_UNIX;
	if (name && len && name[len - 1] == 0)
		len--;
	if (type == SCAP_FD_FILE_V2 && len > 6 && !memcmp(name, "memfd:", 6))
		f->type = FDT_MEMFD; /* how scap_write.c keeps a memfd readable by sysdig 0.29 */
	pstr_set(s->sp, &f->name, name ? name : "", len);
	return 0;
}

static void read_fdl(struct scap_reader *r, struct saker *s, const uint8_t *b, uint32_t n, int v2)
{
	struct cur c = { b, b + n, 0 };
	int64_t tid = (int64_t)g64(&c);
	struct thread *t;

	if (c.bad)
		return;
	t = thread_for(s, tid);
	if (t->files == STATE_NIL)
		t->files = files_new(s);
	s->pin = t;
	while (!c.bad && c.end - c.p >= 17) {
		if (v2) {
			uint32_t elen = g32(&c);
			struct cur e = { c.p, c.p + (elen >= 4 ? elen - 4 : 0), 0 };

			if (elen < 4 || elen - 4 > (uint64_t)(c.end - c.p))
				break;
			fd_entry(s, t, &e); /* unknown types: skipped by length */
			c.p = e.end;
		} else if (fd_entry(s, t, &c) < 0) {
			warn(r, "fd list at byte offset %llu: unknown fd type; rest of the block skipped",
			     (unsigned long long)r->blk_off);
			break;
		}
	}
	s->pin = NULL;
}

/* ---- events --------------------------------------------------------------- */

/* A v1 event (22-byte header, no nparams) rebuilt in the v2 layout: the
 * number of params is the largest that makes the lengths add up. */
static const uint8_t *v1_to_v2(struct scap_reader *r, const uint8_t *e, uint32_t avail, uint32_t *olen)
{
	uint32_t elen, n, i, sum, lw;
	uint16_t type;

	if (avail < EV_HDR_V1)
		return NULL;
	memcpy(&elen, e + 16, 4);
	memcpy(&type, e + 20, 2);
	if (elen < EV_HDR_V1 || elen > avail || type >= evt_table_len)
		return NULL;
	lw = evt_table[type].flags & EF_LARGE_PAYLOAD ? 4 : 2;
	for (n = evt_table[type].nparams + 1; n-- > 0;) {
		if (EV_HDR_V1 + n * lw > elen)
			continue;
		for (i = 0, sum = 0; i < n; i++) {
			uint32_t l = 0;

			memcpy(&l, e + EV_HDR_V1 + i * lw, lw);
			sum += l;
		}
		if (EV_HDR_V1 + n * lw + sum == elen)
			break;
	}
	if (n == (uint32_t)-1 || grow(&r->v1, &r->v1cap, elen + 4))
		return NULL;
	memcpy(r->v1, e, 16);
	elen += 4;
	memcpy(r->v1 + 16, &elen, 4);
	memcpy(r->v1 + 20, &type, 2);
	memcpy(r->v1 + 22, &n, 4);
	memcpy(r->v1 + EV_HDR, e + EV_HDR_V1, elen - 4 - EV_HDR_V1);
	*olen = elen;
	return r->v1;
}

static struct enter_slot *slot_of(struct scap_reader *r, int64_t tid)
{
	uint64_t h = (uint64_t)tid * 0x9E3779B97F4A7C15ull;

	return &r->enter[h >> 52 & (ENTER_SLOTS - 1)];
}

static void store_enter(struct scap_reader *r, int64_t tid, const uint8_t *e, uint32_t len)
{
	struct enter_slot *sl = slot_of(r, tid);

	if (grow(&sl->buf, &sl->cap, len))
		return;
	memcpy(sl->buf, e, len);
	sl->len = len;
	sl->tid = tid;
}

/* e (len bytes, v2 layout, split in r->sp) as the newest code of its name.
 * NULL when it cannot be used. */
static const uint8_t *convert(struct scap_reader *r, const uint8_t *e, uint32_t len, uint32_t *olen)
{
	uint16_t code, to;
	int64_t tid;
	const struct evt_info *ti;
	struct evt_params ep;
	const struct evt_params *src;
	uint16_t ecode = 0;
	uint32_t j, off, lw, given, have_enter = 0;
	int idx;

	memcpy(&code, e + 20, 2);
	memcpy(&tid, e + 8, 8);
	to = newest[code];
	ti = &evt_table[to];
	given = r->sp.n;
	if (r->sp.n > evt_table[code].nparams) {
		warn(r, "event at byte offset %llu (%s, code %u) has %u params, the table %u: the extra ones are ignored",
		     (unsigned long long)r->blk_off, evt_table[code].name, code, r->sp.n, evt_table[code].nparams);
		r->sp.n = evt_table[code].nparams;
	}
	if (evt_table[code].dir == '>')
		store_enter(r, tid, e, len);
	if (to == code && given == ti->nparams) {
		*olen = len;
		return e;
	}
	if (!(mapped[code] & 1)) {
		map_params(map_self[code], code, to);
		mapped[code] |= 1;
	}
	if (ti->dir == '<') {
		struct enter_slot *sl = slot_of(r, tid);

		if (sl->len && sl->tid == tid && !evt_decode(sl->buf, sl->len, &ep)) {
			memcpy(&ecode, sl->buf + 20, 2);
			if (ecode < CODES && newest_exit_of[ecode] == to) {
				have_enter = 1;
				if (!(mapped[ecode] & 2)) {
					map_params(map_enter[ecode], ecode, to);
					mapped[ecode] |= 2;
				}
			}
		}
	}
	lw = ti->flags & EF_LARGE_PAYLOAD ? 4 : 2;
	if (grow(&r->ev, &r->evcap, EV_HDR + ti->nparams * 4 + len))
		return NULL;
	off = EV_HDR + ti->nparams * lw;
	for (j = 0; j < ti->nparams; j++) {
		const uint8_t *v = NULL;
		uint32_t l = 0;

		src = &r->sp;
		idx = map_self[code][j];
		if (idx < 0 || (uint32_t)idx >= src->n) {
			idx = have_enter ? map_enter[ecode][j] : -1;
			src = &ep;
			if (idx >= 0 && (uint32_t)idx >= ep.n)
				idx = -1;
		}
		if (idx >= 0) {
			v = src->val[idx];
			l = src->len[idx];
		}
		if (lw == 2 && l > 0xffff)
			l = 0;
		if (grow(&r->ev, &r->evcap, off + l))
			return NULL;
		if (l)
			memcpy(r->ev + off, v, l);
		memcpy(r->ev + EV_HDR + j * lw, &l, lw);
		off += l;
	}
	memcpy(r->ev, e, 16);
	memcpy(r->ev + 16, &off, 4);
	memcpy(r->ev + 20, &to, 2);
	j = ti->nparams;
	memcpy(r->ev + 22, &j, 4);
	*olen = off;
	return r->ev;
}

/* An event block's event, checked and converted; NULL to skip it. */
static const uint8_t *block_event(struct scap_reader *r, uint32_t type, uint32_t blen, uint32_t *olen, uint16_t *cpu)
{
	const uint8_t *e = r->blk;
	uint32_t avail = blen - 12, hdr = 2, elen;
	uint16_t code;
	int v1 = type == SCAP_EV || type == SCAP_EV_OLD || type == SCAP_EVF;

	if (type == SCAP_EVF || type == SCAP_EVF_V2 || type == SCAP_EVF_V2_LARGE)
		hdr += 4;
	if (avail < hdr + (v1 ? EV_HDR_V1 : EV_HDR)) {
		warn(r, "event block at byte offset %llu is too short (%u bytes): skipped",
		     (unsigned long long)r->blk_off, blen);
		return NULL;
	}
	memcpy(cpu, e, 2);
	e += hdr;
	avail -= hdr;
	if (v1) {
		e = v1_to_v2(r, e, avail, &elen);
		if (!e) {
			warn(r, "event at byte offset %llu: its parameter lengths do not add up: skipped",
			     (unsigned long long)r->blk_off);
			return NULL;
		}
	} else {
		memcpy(&elen, e + 16, 4);
		if (elen > avail || elen < EV_HDR) {
			warn(r, "event at byte offset %llu: length %u does not fit its block of %u bytes: skipped",
			     (unsigned long long)r->blk_off, elen, blen);
			return NULL;
		}
	}
	memcpy(&code, e + 20, 2);
	if (code >= evt_table_len || code >= CODES)
		return NULL; /* unknown to this table: skipped, as libscap does */
	if (evt_decode(e, elen, &r->sp)) {
		warn(r, "event at byte offset %llu (%s): malformed parameters: skipped",
		     (unsigned long long)r->blk_off, evt_table[code].name);
		return NULL;
	}
	return convert(r, e, elen, olen);
}

int scap_reader_next(struct scap_reader *r, struct saker *s, const uint8_t **ev, uint32_t *len, uint16_t *cpu)
{
	uint32_t type, blen;
	const uint8_t *e;
	int n;

	for (;;) {
		n = read_block(r, &type, &blen);
		if (n <= 0)
			return n;
		switch (type) {
		case SCAP_EV: case SCAP_EV_OLD: case SCAP_EVF: case SCAP_EV_V2:
		case SCAP_EV_V2_LARGE: case SCAP_EVF_V2: case SCAP_EVF_V2_LARGE:
			e = block_event(r, type, blen, len, cpu);
			if (!e)
				continue;
			*ev = e;
			return 1;
		case SCAP_SHB:
			if (check_shb(r, blen))
				return -1;
			continue;
		case SCAP_PL_V1: case SCAP_PL_V1_OLD: read_pl(r, s, r->blk, blen - 12, 1); continue;
		case SCAP_PL_V2: case SCAP_PL_V2_OLD: read_pl(r, s, r->blk, blen - 12, 2); continue;
		case SCAP_PL_V3: case SCAP_PL_V3_OLD: read_pl(r, s, r->blk, blen - 12, 3); continue;
		case SCAP_PL_V4: case SCAP_PL_V5: case SCAP_PL_V6: case SCAP_PL_V7:
		case SCAP_PL_V8: case SCAP_PL_V9:
			read_pl(r, s, r->blk, blen - 12, (int)(type - SCAP_PL_V4) + 4);
			continue;
		case SCAP_FDL: case SCAP_FDL_OLD: read_fdl(r, s, r->blk, blen - 12, 0); continue;
		case SCAP_FDL_V2: read_fdl(r, s, r->blk, blen - 12, 1); continue;
		case SCAP_MI: case SCAP_MI_OLD:
			/* boot_ts_epoch after cpus, memory, max_pid, hostname[128] */
			if (blen - 12 >= 156)
				memcpy(&s->boot_ts, r->blk + 148, 8);
			continue;
		case SCAP_IL: case SCAP_IL_OLD: case SCAP_IL_V2:
		case SCAP_UL: case SCAP_UL_OLD: case SCAP_UL_V2:
			continue; /* machine, interfaces, users: names come from this host */
		default:
			warn(r, "unknown block type 0x%x at byte offset %llu: skipped",
			     type, (unsigned long long)r->blk_off);
			continue;
		}
	}
}
