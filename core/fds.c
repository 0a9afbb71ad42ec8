/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fds.c: per-process fd tables.
 *
 * All fd entries of all processes live in one preallocated pool, found
 * through one hash keyed by (files table, fd number); each table also links
 * its entries in a list so a fork can copy them, an exec can drop the
 * O_CLOEXEC ones and an exit can drop them all. When the pool is full the
 * oldest slot under a clock hand is evicted and counted.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "state.h"

static const char *const type_names[] = {
	[FDT_UNKNOWN] = "unknown", [FDT_FILE] = "file", [FDT_DIR] = "directory",
	[FDT_IPV4] = "ipv4", [FDT_IPV6] = "ipv6", [FDT_UNIX] = "unix",
	[FDT_PIPE] = "pipe", [FDT_EVENT] = "event", [FDT_SIGNALFD] = "signalfd",
	[FDT_EVENTPOLL] = "eventpoll", [FDT_INOTIFY] = "inotify",
	[FDT_TIMERFD] = "timerfd", [FDT_NETLINK] = "netlink", [FDT_BPF] = "bpf",
	[FDT_USERFAULTFD] = "userfaultfd", [FDT_IO_URING] = "io_uring",
	[FDT_MEMFD] = "memfd", [FDT_PIDFD] = "pidfd", [FDT_RAW] = "raw",
};

static const char type_chars[] = {
	[FDT_UNKNOWN] = 'o', [FDT_FILE] = 'f', [FDT_DIR] = 'd', [FDT_IPV4] = '4',
	[FDT_IPV6] = '6', [FDT_UNIX] = 'u', [FDT_PIPE] = 'p', [FDT_EVENT] = 'e',
	[FDT_SIGNALFD] = 's', [FDT_EVENTPOLL] = 'l', [FDT_INOTIFY] = 'i',
	[FDT_TIMERFD] = 't', [FDT_NETLINK] = 'n', [FDT_BPF] = 'b',
	[FDT_USERFAULTFD] = 'u', [FDT_IO_URING] = 'r', [FDT_MEMFD] = 'm',
	[FDT_PIDFD] = 'P', [FDT_RAW] = 'o',
};

const char *fd_type_name(enum fd_type t)
{
	return (unsigned)t <= FDT_RAW ? type_names[t] : "unknown";
}

char fd_type_char(enum fd_type t)
{
	return (unsigned)t <= FDT_RAW ? type_chars[t] : 'o';
}

static uint32_t pow2_at_least(uint32_t n)
{
	uint32_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

int fds_init(struct saker *s, uint32_t cap, uint32_t fcap)
{
	struct fd_table *t = &s->fds;
	uint32_t i;

	t->cap = cap;
	t->nbuckets = pow2_at_least(cap * 2);
	t->pool = calloc(cap, sizeof(*t->pool));
	t->buckets = malloc(t->nbuckets * sizeof(uint32_t));
	t->fcap = fcap;
	t->files = calloc(fcap, sizeof(*t->files));
	if (!t->pool || !t->buckets || !t->files)
		return -1;
	for (i = 0; i < t->nbuckets; i++)
		t->buckets[i] = STATE_NIL;
	t->free_head = STATE_NIL;
	t->fresh = 0;
	t->ffree = STATE_NIL;
	t->ffresh = 0;
	return 0;
}

void fds_fini(struct saker *s)
{
	free(s->fds.pool);
	free(s->fds.buckets);
	free(s->fds.files);
	memset(&s->fds, 0, sizeof(s->fds));
}

static uint32_t fd_hash(const struct fd_table *t, uint32_t files, int64_t fd)
{
	uint64_t h = ((uint64_t)files << 32 ^ (uint64_t)fd) * 0x9E3779B97F4A7C15ull;

	return (uint32_t)(h >> 32) & (t->nbuckets - 1);
}

struct fdinfo *fd_lookup(struct saker *s, uint32_t files, int64_t fd)
{
	struct fd_table *t = &s->fds;
	uint32_t i;

	if (files == STATE_NIL)
		return NULL;
	for (i = t->buckets[fd_hash(t, files, fd)]; i != STATE_NIL; i = t->pool[i].hnext)
		if (t->pool[i].table == files && t->pool[i].fd == fd)
			return &t->pool[i];
	return NULL;
}

struct fdinfo *fd_find(struct saker *s, const struct thread *th, int64_t fd)
{
	return th ? fd_lookup(s, th->files, fd) : NULL;
}

/* Unlink slot i from its hash chain and its table's list; back to free. */
static void slot_release(struct saker *s, uint32_t i)
{
	struct fd_table *t = &s->fds;
	struct fdinfo *f = &t->pool[i];
	struct files *fl = &t->files[f->table];
	uint32_t *pp = &t->buckets[fd_hash(t, f->table, f->fd)];

	while (*pp != i)
		pp = &t->pool[*pp].hnext;
	*pp = f->hnext;
	if (f->lprev != STATE_NIL)
		t->pool[f->lprev].lnext = f->lnext;
	else
		fl->head = f->lnext;
	if (f->lnext != STATE_NIL)
		t->pool[f->lnext].lprev = f->lprev;
	fl->nfds--;
	t->used--;
	pstr_clear(s->sp, &f->name);
	f->table = STATE_NIL;
	f->hnext = t->free_head;
	t->free_head = i;
}

static uint32_t slot_take(struct saker *s)
{
	struct fd_table *t = &s->fds;
	uint32_t i = t->free_head;

	if (i == STATE_NIL && t->fresh < t->cap) {
		i = t->fresh++;
		t->pool[i].table = STATE_NIL;
		t->pool[i].hnext = STATE_NIL;
		t->free_head = i;
	} else if (i == STATE_NIL) {
		/* full: every slot is in use, evict the one under the hand,
		 * sparing the current event's fd */
		i = t->clock;
		if (&t->pool[i] == s->fd)
			i = (i + 1) % t->cap;
		t->clock = (i + 1) % t->cap;
		slot_release(s, i);
		t->evictions++;
		i = t->free_head;
	}
	t->free_head = t->pool[i].hnext;
	return i;
}

struct fdinfo *fd_add(struct saker *s, uint32_t files, int64_t fd)
{
	struct fd_table *t = &s->fds;
	struct fdinfo *f = fd_lookup(s, files, fd);
	struct files *fl;
	uint32_t i, h;

	if (files == STATE_NIL)
		return NULL;
	if (f) {
		/* a new file on a number we still had: start over in place */
		struct fdinfo keep = *f;

		memset(f, 0, sizeof(*f));
		f->fd = fd;
		f->table = files;
		f->name = keep.name;
		f->hnext = keep.hnext;
		f->lnext = keep.lnext;
		f->lprev = keep.lprev;
		pstr_clear(s->sp, &f->name);
		return f;
	}
	i = slot_take(s);
	f = &t->pool[i];
	memset(f, 0, sizeof(*f));
	f->fd = fd;
	f->table = files;
	h = fd_hash(t, files, fd);
	f->hnext = t->buckets[h];
	t->buckets[h] = i;
	fl = &t->files[files];
	f->lprev = STATE_NIL;
	f->lnext = fl->head;
	if (fl->head != STATE_NIL)
		t->pool[fl->head].lprev = i;
	fl->head = i;
	fl->nfds++;
	t->used++;
	return f;
}

void fd_remove(struct saker *s, uint32_t files, int64_t fd)
{
	struct fdinfo *f = fd_lookup(s, files, fd);

	if (f)
		slot_release(s, (uint32_t)(f - s->fds.pool));
}

void fd_close_on_exec(struct saker *s, uint32_t files)
{
	struct fd_table *t = &s->fds;
	uint32_t i, n;

	for (i = t->files[files].head; i != STATE_NIL; i = n) {
		n = t->pool[i].lnext;
		if (t->pool[i].flags & PPM_O_CLOEXEC)
			slot_release(s, i);
	}
}

uint32_t files_new(struct saker *s)
{
	struct fd_table *t = &s->fds;
	uint32_t i = t->ffree;
	struct files *f;

	if (i == STATE_NIL) {
		if (t->ffresh >= t->fcap)
			return STATE_NIL;
		i = t->ffresh++;
		t->files[i].next_free = STATE_NIL;
		t->ffree = i;
	}
	f = &t->files[i];
	t->ffree = f->next_free;
	f->refs = 1;
	f->nfds = 0;
	f->head = STATE_NIL;
	f->next_free = STATE_NIL;
	pstr_set(s->sp, &f->cwd, "/", 1);
	t->fused++;
	return i;
}

uint32_t files_copy(struct saker *s, uint32_t from)
{
	struct fd_table *t = &s->fds;
	uint32_t n = files_new(s), i;

	if (n == STATE_NIL || from == STATE_NIL)
		return n;
	pstr_set(s->sp, &t->files[n].cwd, t->files[from].cwd.s, t->files[from].cwd.len);
	for (i = t->files[from].head; i != STATE_NIL; i = t->pool[i].lnext) {
		struct fdinfo *src = &t->pool[i], *d;
		struct pstr name = {0};
		uint32_t hn, ln, lp;

		if (t->free_head == STATE_NIL && t->fresh >= t->cap)
			break; /* no room: the child starts with fewer fds */
		d = fd_add(s, n, src->fd);
		name = d->name;
		hn = d->hnext;
		ln = d->lnext;
		lp = d->lprev;
		*d = *src;
		d->name = name;
		d->table = n;
		d->hnext = hn;
		d->lnext = ln;
		d->lprev = lp;
		pstr_set(s->sp, &d->name, pstr_c(&src->name), src->name.len);
	}
	return n;
}

void files_ref(struct saker *s, uint32_t f)
{
	if (f != STATE_NIL)
		s->fds.files[f].refs++;
}

void files_unref(struct saker *s, uint32_t f)
{
	struct fd_table *t = &s->fds;
	struct files *fl;

	if (f == STATE_NIL)
		return;
	fl = &t->files[f];
	if (--fl->refs)
		return;
	while (fl->head != STATE_NIL)
		slot_release(s, fl->head);
	pstr_clear(s->sp, &fl->cwd);
	fl->next_free = t->ffree;
	t->ffree = f;
	t->fused--;
}

static uint32_t ip_text(const uint8_t *ip, int v6, char *out, uint32_t cap)
{
	if (!inet_ntop(v6 ? AF_INET6 : AF_INET, ip, out, cap))
		out[0] = 0;
	return (uint32_t)strlen(out);
}

void fd_set_tuple_name(struct saker *s, struct fdinfo *f)
{
	char buf[160], a[64], b[64];
	int n;

	if (f->type == FDT_IPV4 || f->type == FDT_IPV6) {
		int v6 = f->type == FDT_IPV6;

		ip_text(f->cip, v6, a, sizeof(a));
		ip_text(f->sip, v6, b, sizeof(b));
		n = snprintf(buf, sizeof(buf), "%s:%u->%s:%u", a, f->cport, b, f->sport);
	} else {
		return;
	}
	pstr_set(s->sp, &f->name, buf, (uint32_t)n);
}

uint32_t path_resolve(const char *dir, uint32_t dirlen, const char *path, uint32_t plen,
		      char *out, uint32_t cap)
{
	uint32_t o = 0, i = 0;

	if (cap < 2)
		return 0;
	out[o++] = '/';
	if (plen == 0 || path[0] != '/') {
		/* start from dir, then the path's components on top of it */
		uint32_t j = 0;

		while (j < dirlen) {
			uint32_t k;

			while (j < dirlen && dir[j] == '/')
				j++;
			k = j;
			while (k < dirlen && dir[k] != '/')
				k++;
			if (k > j && o + (k - j) + 1 < cap) {
				memcpy(out + o, dir + j, k - j);
				o += k - j;
				out[o++] = '/';
			}
			j = k;
		}
	}
	while (i < plen) {
		uint32_t k, n;

		while (i < plen && path[i] == '/')
			i++;
		k = i;
		while (k < plen && path[k] != '/' && path[k])
			k++;
		n = k - i;
		if (n == 1 && path[i] == '.') {
			/* nothing */
		} else if (n == 2 && path[i] == '.' && path[i + 1] == '.') {
			if (o > 1) {
				o--; /* the slash after the last component */
				while (o > 1 && out[o - 1] != '/')
					o--;
			}
		} else if (n > 0 && o + n + 1 < cap) {
			memcpy(out + o, path + i, n);
			o += n;
			out[o++] = '/';
		}
		if (k < plen && !path[k])
			break;
		i = k;
	}
	if (o > 1)
		o--; /* no trailing slash except for "/" */
	out[o] = 0;
	return o;
}
