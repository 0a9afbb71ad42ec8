/* SPDX-License-Identifier: Apache-2.0 */
/*
 * field_fd.c: fd.* fields, read from the event's fd entry. Falco's view of
 * a connection: client and server ends (fd.cip/fd.sip), and local/remote
 * ends that follow from which side this process is on.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "field_aux.h"

static int is_ip(const struct fdinfo *f)
{
	return f->type == FDT_IPV4 || f->type == FDT_IPV6;
}

static int is_file(const struct fdinfo *f)
{
	return f->type == FDT_FILE || f->type == FDT_DIR || f->type == FDT_MEMFD;
}

int ff_num(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	struct fdinfo *f = s->fd;

	switch (field_defs[b->id].aux) {
	case FD_NUM:
		if (s->fdnum < 0 && !f)
			return 0;
		return fx_num(o, f ? f->fd : s->fdnum, SAKER_FT_INT);
	case FD_DEV:
		return f ? fx_num(o, f->dev, SAKER_FT_UINT) : 0;
	case FD_INO:
		return f ? fx_num(o, (int64_t)f->ino, SAKER_FT_UINT) : 0;
	case FD_OPEN_FLAGS:
		return f ? fx_num(o, f->flags, SAKER_FT_UINT) : 0;
	}
	return 0;
}

/* The event's own path param, as the process passed it. */
static int raw_name(struct saker *s, struct saker_val *o)
{
	const struct evt_info *e;
	uint32_t k, len;

	if (s->evt.type >= evt_table_len)
		return 0;
	e = &evt_table[s->evt.type];
	for (k = 0; k < e->nparams && k < s->par.n; k++) {
		if ((e->ptypes[k] == PT_FSPATH || e->ptypes[k] == PT_FSRELPATH) &&
		    strcmp(e->pnames[k], "name") == 0 && (len = s->par.len[k])) {
			if (!s->par.val[k][len - 1])
				len--;
			return fx_str(o, (const char *)s->par.val[k], len, SAKER_FT_PATH);
		}
	}
	return 0;
}

/* fd.directory of a file or directory fd: *p, *len point into its name. */
static int dir_of(const struct fdinfo *f, const char **p, uint32_t *len)
{
	const char *n = pstr_c(&f->name), *slash;

	if (!is_file(f) || !f->name.len)
		return 0;
	*p = n;
	*len = f->name.len;
	if (f->type == FDT_DIR)
		return 1;
	slash = memrchr(n, '/', f->name.len);
	if (!slash)
		return 0;
	*len = slash == n ? 1 : (uint32_t)(slash - n);
	return 1;
}

/* libsinsp's container prefix of fd.containername/containerdirectory:
 * the container id (empty outside containers), then ':' */
static void container_prefix(struct saker *s, struct sbuf *sb)
{
	if (s->thr && s->thr->in_container)
		sb_puts(sb, s->thr->container_id);
	sb_putc(sb, ':');
}

static int named(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(name, *list))
			return 1;
	return 0;
}

/* libsinsp's fd.name for an fd-related exit event whose fd is not in the
 * table (a failed open or connect, an fd from before the capture): the
 * path or tuple the event carries for calls that make an fd, else "".
 * 0 when the event is not about an fd (the fields are then missing). */
static int creator_name(struct saker *s, struct sbuf *sb)
{
	static const char *const by_path[] = { "open", "creat", "openat", "openat2", NULL };
	static const char *const by_tuple[] = { "accept", "accept4", "connect", NULL };
	const struct evt_info *e;
	int k = -1;

	if (s->evt.type >= evt_table_len)
		return 0;
	e = &evt_table[s->evt.type];
	if (e->dir != '<' || !(e->flags & (EF_CREATES_FD | EF_USES_FD | EF_DESTROYS_FD)))
		return 0;
	if (named(e->name, by_path))
		k = evt_pidx(s->evt.type, EVP_NAME);
	else if (named(e->name, by_tuple))
		k = evt_pidx(s->evt.type, EVP_TUPLE);
	if (k >= 0 && (uint32_t)k < s->par.n)
		fx_param(s, (uint32_t)k, sb, AF_RESOLVED);
	return 1;
}

/* fd.typechar of such an event, from the call that would have made it */
static char creator_typechar(struct saker *s)
{
	static const struct { const char *const names[5]; char c; } by_call[] = {
		{ { "open", "creat", "openat", "openat2", NULL }, 'f' },
		{ { "socket", "accept", "accept4", NULL }, '4' },
		{ { "pipe", "pipe2", NULL }, 'p' },
		{ { "eventfd", "eventfd2", NULL }, 'e' },
		{ { "signalfd", "signalfd4", NULL }, 's' },
		{ { "timerfd_create", NULL }, 't' },
		{ { "inotify_init", "inotify_init1", NULL }, 'i' },
	};
	const char *name = evt_table[s->evt.type].name;
	uint32_t k;

	for (k = 0; k < sizeof(by_call) / sizeof(by_call[0]); k++)
		if (named(name, by_call[k].names))
			return by_call[k].c;
	return 'o';
}

/* fd.name, directory, typechar, nameraw and the container forms of an
 * event with no fd entry, as libsinsp gives them (see creator_name). */
static int null_fd(struct saker *s, struct fbind *b, struct saker_val *o)
{
	int what = field_defs[b->id].aux;
	int dir = what == FD_DIRECTORY || what == FD_CONTAINERDIR;
	char *start, *slash;
	struct sbuf sb;
	uint32_t base;

	if (what == FD_NAMERAW && raw_name(s, o))
		return 1;
	if (what != FD_NAME && what != FD_NAMERAW && what != FD_TYPECHAR && what != FD_CONTAINERNAME && !dir)
		return 0;
	fx_scratch(b, &sb);
	if (what == FD_CONTAINERNAME || what == FD_CONTAINERDIR)
		container_prefix(s, &sb);
	base = sb.len;
	if (!creator_name(s, &sb))
		return 0;
	if (what == FD_TYPECHAR) {
		b->scratch[0] = creator_typechar(s);
		b->scratch[1] = 0;
		return fx_str(o, b->scratch, 1, SAKER_FT_STR);
	}
	if (dir) { /* up to the last slash; "/" when that is the first or none */
		start = sb.p + base;
		slash = memrchr(start, '/', sb.len - base);
		if (!slash || slash == start) {
			sb.len = base;
			sb_putc(&sb, '/');
		} else if (slash < sb.p + sb.len - 1) {
			sb.len = (uint32_t)(slash - sb.p);
			sb.p[sb.len] = 0;
		}
	}
	return fx_scratch_val(b, &sb, o, what == FD_DIRECTORY ? SAKER_FT_PATH : SAKER_FT_STR);
}

/* A failed connect keeps the socket's entry, but names what it tried. */
static int failed_connect(struct saker *s)
{
	int64_t res;

	return s->evt.type < evt_table_len && !strcmp(evt_table[s->evt.type].name, "connect") &&
	       evt_int_k(s->evt.type, &s->par, EVP_RES, &res) && res < 0;
}

int ff_str(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	struct fdinfo *f = s->fd;
	const char *n, *slash, *x;
	struct sbuf sb;
	uint32_t len;

	if (!f || ((field_defs[b->id].aux == FD_NAME || field_defs[b->id].aux == FD_CONTAINERNAME) &&
		   failed_connect(s)))
		return null_fd(s, b, o);
	n = pstr_c(&f->name);
	len = f->name.len;
	switch (field_defs[b->id].aux) {
	case FD_TYPE:
		x = fd_type_name((enum fd_type)f->type);
		return fx_str(o, x, (uint32_t)strlen(x), SAKER_FT_STR);
	case FD_TYPECHAR:
		b->scratch[0] = fd_type_char((enum fd_type)f->type);
		b->scratch[1] = 0;
		return fx_str(o, b->scratch, 1, SAKER_FT_STR);
	case FD_NAME: /* an fd without a name reads "", as in Falco */
		return fx_str(o, n, len, SAKER_FT_STR);
	case FD_NAMERAW:
		if (raw_name(s, o))
			return 1;
		return len ? fx_str(o, n, len, SAKER_FT_STR) : 0;
	case FD_DIRECTORY:
		if (!dir_of(f, &n, &len))
			return 0;
		return fx_str(o, n, len, SAKER_FT_PATH);
	case FD_CONTAINERNAME:
	case FD_CONTAINERDIR:
		if (field_defs[b->id].aux == FD_CONTAINERDIR && !dir_of(f, &n, &len))
			return 0;
		fx_scratch(b, &sb);
		container_prefix(s, &sb);
		sb_putn(&sb, n, len);
		return fx_scratch_val(b, &sb, o, SAKER_FT_STR);
	case FD_FILENAME:
		if (!is_file(f) || f->type == FDT_DIR || !len)
			return 0;
		slash = memrchr(n, '/', len);
		if (!slash)
			return fx_str(o, n, len, SAKER_FT_STR);
		return fx_str(o, slash + 1, len - (uint32_t)(slash + 1 - n), SAKER_FT_STR);
	case FD_L4PROTO:
		if (f->type != FDT_IPV4 && f->type != FDT_IPV6)
			return 0;
		x = render_l4proto(f->l4proto);
		return x ? fx_str(o, x, (uint32_t)strlen(x), SAKER_FT_STR) : 0;
	case FD_SOCKFAMILY:
		if (is_ip(f))
			return fx_str(o, "ip", 2, SAKER_FT_STR);
		if (f->type == FDT_UNIX)
			return fx_str(o, "unix", 4, SAKER_FT_STR);
		return 0;
	}
	return 0;
}

/* An ip socket that is a client or a server: connected, accepted, bound
 * or listening. A fresh socket has neither end, and its ip/port fields are
 * missing (Falco's role none). */
static int has_role(const struct fdinfo *f)
{
	return is_ip(f) && (f->is_server || f->sport || f->cport);
}

/* Which end an ip/port field reads: 0 client, 1 server. */
static int end_of(const struct fdinfo *f, int which)
{
	switch (which) {
	case FD_CLIENT: return 0;
	case FD_SERVER: return 1;
	case FD_LOCAL: return f->is_server ? 1 : 0;
	default: return f->is_server ? 0 : 1; /* FD_REMOTE */
	}
}

/* The end (0 client, 1 server) value i of an ip/port field reads; -1 when
 * it has none (no role, or past the two ends of fd.ip / fd.port). */
static int field_end(const struct field_def *d, const struct fdinfo *f, uint32_t i)
{
	if (!f || !has_role(f))
		return -1;
	if (d->aux == FD_ANY)
		return i > 1 ? -1 : (int)i;
	return end_of(f, d->aux);
}

/* fd.cip / sip / lip / rip (and the *net forms); fd.ip, fd.net: both ends */
int ff_ip(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	const struct field_def *d = &field_defs[b->id];
	struct fdinfo *f = s->fd;
	int end = field_end(d, f, i);

	if (end < 0)
		return 0;
	return fx_str(o, (const char *)(end ? f->sip : f->cip), f->type == FDT_IPV6 ? 16 : 4,
		      d->info.type);
}

int ff_port(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	struct fdinfo *f = s->fd;
	int end = field_end(&field_defs[b->id], f, i);

	if (end < 0)
		return 0;
	return fx_num(o, end ? f->sport : f->cport, SAKER_FT_PORT);
}

static int zero16(const uint8_t *p, uint32_t n)
{
	uint32_t k;

	for (k = 0; k < n; k++)
		if (p[k])
			return 0;
	return 1;
}

int ff_misc(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	struct fdinfo *f = s->fd;
	const struct evt_info *e;
	int64_t res;

	if (!f)
		return 0;
	switch (field_defs[b->id].aux) {
	case FD_IS_SERVER:
		return fx_num(o, f->is_server, SAKER_FT_BOOL);
	case FD_CONNECTED:
		if (is_ip(f))
			return fx_num(o, f->cport && f->sport &&
				      !zero16(f->sip, f->type == FDT_IPV6 ? 16 : 4), SAKER_FT_BOOL);
		return fx_num(o, f->type == FDT_UNIX && f->udst, SAKER_FT_BOOL);
	case FD_NAME_CHANGED:
		/* a connect or accept gives the socket its tuple name */
		e = s->evt.type < evt_table_len ? &evt_table[s->evt.type] : NULL;
		if (!e || e->dir != '<')
			return fx_num(o, 0, SAKER_FT_BOOL);
		if (strcmp(e->name, "connect") == 0)
			return fx_num(o, evt_int_k(s->evt.type, &s->par, EVP_RES, &res) &&
				      (res >= 0 || res == -115), SAKER_FT_BOOL);
		return fx_num(o, strncmp(e->name, "accept", 6) == 0, SAKER_FT_BOOL);
	}
	return 0;
}

/* fd.types: the distinct fd.type values of the process's open fds;
 * fd.types[N]: the type of its fd N. */
int ff_types(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	struct fd_table *t = &s->fds;
	uint32_t seen = 0, k, n = 0;
	struct fdinfo *f;
	const char *x;

	if (b->idx >= 0) {
		if (i > 0 || !(f = fd_find(s, s->thr, b->idx)))
			return 0;
		x = fd_type_name((enum fd_type)f->type);
		return fx_str(o, x, (uint32_t)strlen(x), SAKER_FT_STR);
	}
	if (s->thr->files >= t->fcap || !t->files[s->thr->files].refs)
		return 0;
	for (k = t->files[s->thr->files].head; k != STATE_NIL && k < t->cap; k = t->pool[k].lnext) {
		uint32_t bit = 1u << (t->pool[k].type & 31);

		if (seen & bit)
			continue;
		seen |= bit;
		if (n++ == i) {
			x = fd_type_name((enum fd_type)t->pool[k].type);
			return fx_str(o, x, (uint32_t)strlen(x), SAKER_FT_STR);
		}
	}
	return 0;
}

/* fd.cproto / sproto / lproto / rproto: the port of that end as text.
 * libsinsp names the service only with port resolution on, which Falco
 * never turns on: Falco prints the number, and so does saker. */
int ff_proto(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	struct fdinfo *f = s->fd;
	int end = field_end(&field_defs[b->id], f, i);
	struct sbuf sb;
	uint16_t port;

	if (end < 0)
		return 0;
	port = end ? f->sport : f->cport;
	fx_scratch(b, &sb);
	sb_printf(&sb, "%u", port);
	return fx_scratch_val(b, &sb, o, SAKER_FT_STR);
}

/* fd.uid: the thread id followed by the fd number, as one word */
int ff_uid(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	struct sbuf sb;
	int64_t fd = s->fd ? s->fd->fd : s->fdnum;

	if (fd < 0)
		return 0;
	fx_scratch(b, &sb);
	sb_printf(&sb, "%" PRId64 "%" PRId64, s->thr->tid, fd);
	return fx_scratch_val(b, &sb, o, SAKER_FT_STR);
}
