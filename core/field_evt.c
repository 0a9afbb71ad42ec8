/* SPDX-License-Identifier: Apache-2.0 */
/*
 * field_evt.c: evt.* and fs.path.* fields, and the text of event
 * parameters as Falco writes them (evt.arg.*, evt.args, --dump).
 */
#include <inttypes.h>
#include <string.h>

#include "fields.h"
#include "field_aux.h"

static const struct evt_info *einfo(struct saker *s)
{
	return s->evt.type < evt_table_len ? &evt_table[s->evt.type] : NULL;
}

int fe_num(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	return fx_num(o, (int64_t)s->evt.num, SAKER_FT_UINT);
}

/* aux: 0 ns since the epoch, 1 whole seconds, 2 the ns within the second */
int fe_time(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	return fx_num(o, (int64_t)s->evt.ts, SAKER_FT_ABSTIME);
}

int fe_time_part(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	uint64_t ts = s->evt.ts;

	if (field_defs[b->id].aux == 1)
		return fx_num(o, (int64_t)(ts / 1000000000ull), SAKER_FT_UINT);
	return fx_num(o, (int64_t)(ts % 1000000000ull), SAKER_FT_UINT);
}

int fe_dir(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	const struct evt_info *e = einfo(s);

	if (!e)
		return 0;
	return fx_str(o, e->dir == '>' ? ">" : "<", 1, SAKER_FT_STR);
}

int fe_type(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	const char *name;

	if (!einfo(s))
		return 0;
	name = saker_evtype_name(s->evt.kind);
	return fx_str(o, name, (uint32_t)strlen(name), SAKER_FT_STR);
}

int fe_cpu(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	return fx_num(o, s->evt.cpu, SAKER_FT_INT);
}

int fe_source(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	return fx_str(o, "syscall", 7, SAKER_FT_STR);
}

int fe_hostname(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	struct fields *f = fx_of(s);

	return fx_str(o, f->host, f->hostlen, SAKER_FT_STR);
}

/* ---- parameters as text ------------------------------------------------- */

static int is_hex_param(const char *name, uint8_t t)
{
	return (t == PT_UINT32 || t == PT_UINT64) &&
	       (strcmp(name, "dev") == 0 || strcmp(name, "addr") == 0);
}

static int is_oct_param(const char *name, uint8_t t)
{
	return t == PT_MODE || (t == PT_UINT32 && strcmp(name, "mode") == 0);
}

/* The dirfd an FSRELPATH param is relative to: the FD param before it. */
static int rel_dir(struct saker *s, uint32_t i, char *out, uint32_t cap, uint32_t *len)
{
	const struct evt_info *e = einfo(s);
	const struct pstr *cwd;
	struct fdinfo *f;
	int64_t dfd;

	if (i > 0 && e->ptypes[i - 1] == PT_FD && e->ptypes[i] == PT_FSRELPATH &&
	    evt_int(s->evt.type, &s->par, i - 1, &dfd) && dfd != PPM_AT_FDCWD) {
		f = fd_find(s, s->thr, dfd);
		if (!f || !f->name.len || f->name.len + 2 > cap)
			return 0;
		memcpy(out, f->name.s, f->name.len);
		*len = f->name.len;
		if (out[*len - 1] != '/')
			out[(*len)++] = '/';
		out[*len] = 0;
		return 1;
	}
	cwd = thread_cwd(s, s->thr);
	if (!cwd || !cwd->len || cwd->len + 1 > cap)
		return 0;
	memcpy(out, cwd->s, cwd->len);
	*len = cwd->len;
	out[*len] = 0;
	return 1;
}

/* The resolved form of a path param: relative paths made absolute. */
static void resolve_path(struct saker *s, uint32_t i, const char *p, uint32_t plen, struct sbuf *b)
{
	char dir[4096], out[4096];
	uint32_t dlen, n;

	if (plen == 0 || p[0] == '/' || !rel_dir(s, i, dir, sizeof(dir), &dlen))
		return;
	n = path_resolve(dir, dlen, p, plen, out, sizeof(out));
	sb_putn(b, out, n);
}

static void put_fd(struct saker *s, int64_t fd, struct sbuf *b)
{
	struct fdinfo *f;

	if (fd == PPM_AT_FDCWD) {
		sb_puts(b, "AT_FDCWD");
		return;
	}
	if (fd < 0) {
		/* a failed call returning an fd: its errno */
		if (render_errno(fd))
			sb_puts(b, render_errno(fd));
		return;
	}
	if (!(f = fd_find(s, s->thr, fd)))
		return;
	sb_putc(b, '<');
	sb_putc(b, fd_type_char((enum fd_type)f->type));
	sb_putc(b, '>');
	sb_putn(b, pstr_c(&f->name), f->name.len);
}

static void put_bytes(struct sbuf *b, const uint8_t *v, uint32_t len)
{
	uint32_t k;

	for (k = 0; k < len; k++) {
		uint8_t c = v[k];

		if (k == len - 1 && c == 0)
			break;
		sb_putc(b, c >= 32 && c < 127 ? (char)c : '.');
	}
}

static void put_sock(struct sbuf *b, const struct evt_sock *k, int tuple)
{
	uint32_t iplen = k->family == PPM_AF_INET6 ? 16 : 4;

	if (k->family == PPM_AF_INET || k->family == PPM_AF_INET6) {
		if (tuple) {
			render_ip(b, k->sip, iplen);
			sb_printf(b, ":%u->", k->sport);
		}
		render_ip(b, k->dip, iplen);
		sb_printf(b, ":%u", k->dport);
	} else if (k->family == PPM_AF_UNIX) {
		if (tuple)
			sb_printf(b, "%" PRIx64 "->%" PRIx64 " ", k->src, k->dst);
		if (k->path)
			sb_putn(b, k->path, k->pathlen);
	} else {
		const char *af = render_family(k->family);

		if (af)
			sb_puts(b, af);
	}
}

/* The raw text of a param. */
static void put_raw(struct saker *s, uint32_t i, uint8_t t, const char *name,
		    const uint8_t *v, uint32_t len, struct sbuf *b)
{
	struct evt_sock k;
	int64_t n;
	uint32_t c, j, off;

	switch (t) {
	case PT_CHARBUF:
	case PT_FSPATH:
	case PT_FSRELPATH:
		sb_putn(b, (const char *)v, len && !v[len - 1] ? len - 1 : len);
		return;
	case PT_BYTEBUF:
	case PT_CHARBUFARRAY:
	case PT_CHARBUF_PAIR_ARRAY:
		put_bytes(b, v, len);
		return;
	case PT_SOCKADDR:
		if (evt_sockaddr(v, len, &k))
			put_sock(b, &k, 0);
		return;
	case PT_SOCKTUPLE:
		if (evt_socktuple(v, len, &k))
			put_sock(b, &k, 1);
		return;
	case PT_IPV4ADDR:
	case PT_IPV6ADDR:
	case PT_IPADDR:
	case PT_IPNET:
	case PT_IPV4NET:
	case PT_IPV6NET:
		render_ip(b, v, len >= 16 ? 16 : 4);
		return;
	case PT_FDLIST:
		if (len < 2)
			return;
		memcpy(&c, v, 2);
		c &= 0xffff;
		for (j = 0, off = 2; j < c && off + 10 <= len; j++, off += 10) {
			uint64_t fd;
			uint16_t fl;

			memcpy(&fd, v + off, 8);
			memcpy(&fl, v + off + 8, 2);
			sb_printf(b, "%s%" PRId64 ":%u", j ? " " : "", (int64_t)fd, fl);
		}
		return;
	case PT_DYN:
		/* index byte, then the value: show integers, else the bytes */
		if (len == 9) {
			memcpy(&n, v + 1, 8);
			sb_printf(b, "%" PRId64, n);
		} else if (len == 5) {
			memcpy(&c, v + 1, 4);
			sb_printf(b, "%u", c);
		} else if (len > 1) {
			put_bytes(b, v + 1, len - 1);
		}
		return;
	case PT_DOUBLE:
		if (len == 8) {
			double d;

			memcpy(&d, v, 8);
			sb_printf(b, "%f", d);
		}
		return;
	}
	if (!evt_int(s->evt.type, &s->par, i, &n))
		return;
	if ((t == PT_UID || t == PT_GID) && n == 0xffffffffll)
		sb_puts(b, "-1");
	else if (is_hex_param(name, t))
		sb_printf(b, "%" PRIx64, (uint64_t)n);
	else if (is_oct_param(name, t))
		sb_printf(b, "%#" PRIo64, (uint64_t)n);
	else if (t == PT_UINT64)
		sb_printf(b, "%" PRIu64, (uint64_t)n);
	else
		sb_printf(b, "%" PRId64, n);
}

/* The resolved text of a param, if it has one. */
static void put_resolved(struct saker *s, uint32_t i, uint8_t t, const uint8_t *v,
			 uint32_t len, struct sbuf *b)
{
	const struct flagname *names;
	const struct user *u;
	const struct group *g;
	struct thread *th;
	const char *x;
	int64_t n;
	int is_enum = 0;

	if (t == PT_FSPATH || t == PT_FSRELPATH) {
		resolve_path(s, i, (const char *)v, len && !v[len - 1] ? len - 1 : len, b);
		return;
	}
	if (!evt_int(s->evt.type, &s->par, i, &n))
		return;
	switch (t) {
	case PT_ERRNO:
		if (n < 0 && (x = render_errno(n)))
			sb_puts(b, x);
		return;
	case PT_FD:
	case PT_FD32:
		put_fd(s, n, b);
		return;
	case PT_PID:
	case PT_PID32:
		if (n > 0 && (th = thread_find(s, n)))
			sb_puts(b, th->comm);
		return;
	case PT_UID:
		if ((u = user_get(s, (uint32_t)n)) && u->name)
			sb_puts(b, u->name);
		return;
	case PT_GID:
		if ((g = group_get(s, (uint32_t)n)) && g->name)
			sb_puts(b, g->name);
		return;
	case PT_SIGTYPE:
		if ((x = render_signal((uint32_t)n)))
			sb_puts(b, x);
		return;
	case PT_L4PROTO:
		if ((x = render_l4proto((uint32_t)n)))
			sb_puts(b, x);
		return;
	case PT_SOCKFAMILY:
		if ((x = render_family((uint32_t)n)))
			sb_puts(b, x);
		return;
	}
	names = render_names(s->evt.type, i, &is_enum);
	if (names)
		render_flags(b, names, (uint64_t)n, is_enum || t == PT_ENUMFLAGS8 ||
			     t == PT_ENUMFLAGS16 || t == PT_ENUMFLAGS32);
}

int fx_param(struct saker *s, uint32_t i, struct sbuf *b, enum argfmt how)
{
	const struct evt_info *e = einfo(s);
	uint32_t start, mark;
	const uint8_t *v;
	uint32_t len;
	uint8_t t;

	if (!e || i >= e->nparams || i >= s->par.n || !s->par.len[i])
		return 0;
	t = e->ptypes[i];
	v = s->par.val[i];
	len = s->par.len[i];
	start = b->len;
	if (how == AF_RESOLVED) {
		put_resolved(s, i, t, v, len, b);
		if (b->len > start)
			return 1;
		put_raw(s, i, t, e->pnames[i], v, len, b);
		return 1;
	}
	put_raw(s, i, t, e->pnames[i], v, len, b);
	if (how == AF_RAW)
		return 1;
	sb_putc(b, '(');
	mark = b->len;
	put_resolved(s, i, t, v, len, b);
	if (b->len == mark) {
		/* nothing resolved: take the '(' back */
		b->len = mark - 1;
		b->p[b->len] = 0;
	} else {
		sb_putc(b, ')');
	}
	return 1;
}

void fx_args(struct saker *s, struct sbuf *b)
{
	const struct evt_info *e = einfo(s);
	uint32_t i, n = 0;

	/* a generic event's syscall is its type: sysdig shows no args */
	if (!e || s->evt.kind != s->evt.type)
		return;
	for (i = 0; i < e->nparams && i < s->par.n; i++) {
		if (n++)
			sb_putc(b, ' ');
		sb_puts(b, e->pnames[i]);
		sb_putc(b, '=');
		if (!fx_param(s, i, b, AF_BOTH))
			sb_puts(b, "NULL");   /* an empty param, as sysdig shows it */
	}
}

int fe_syscall_type(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	if (!evt_is_syscall(s->evt.kind))
		return 0;
	return fe_type(s, b, i, o);
}

int fe_args(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	struct sbuf sb;

	fx_scratch(b, &sb);
	fx_args(s, &sb);
	return fx_scratch_val(b, &sb, o, SAKER_FT_STR);
}

/* The param index a binding of evt.arg / evt.rawarg names, or -1. */
static int arg_index(struct saker *s, struct fbind *b)
{
	const struct evt_info *e = einfo(s);
	uint32_t k;

	if (!e)
		return -1;
	if (b->idx >= 0)
		return b->idx < (int32_t)e->nparams ? b->idx : -1;
	if (b->pcode == s->evt.type)
		return b->pidx;
	b->pcode = s->evt.type;
	b->pidx = -1;
	for (k = 0; k < e->nparams; k++) {
		if (strcmp(e->pnames[k], b->key) == 0) {
			b->pidx = (int32_t)k;
			break;
		}
	}
	return b->pidx;
}

int fe_arg(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	struct sbuf sb;
	int k = arg_index(s, b);

	if (k < 0)
		return 0;
	fx_scratch(b, &sb);
	if (!fx_param(s, (uint32_t)k, &sb, AF_RESOLVED))
		return 0;
	return fx_scratch_val(b, &sb, o, SAKER_FT_STR);
}

int fe_rawarg(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	const struct evt_info *e = einfo(s);
	struct sbuf sb;
	int64_t n;
	uint8_t t;
	int k = arg_index(s, b);

	if (k < 0 || (uint32_t)k >= s->par.n || !s->par.len[k])
		return 0;
	t = e->ptypes[k];
	switch (t) {
	case PT_CHARBUF:
		return fx_str(o, (const char *)s->par.val[k], s->par.len[k] - !s->par.val[k][s->par.len[k] - 1],
			      SAKER_FT_STR);
	case PT_FSPATH:
	case PT_FSRELPATH:
		return fx_str(o, (const char *)s->par.val[k], s->par.len[k] - !s->par.val[k][s->par.len[k] - 1],
			      SAKER_FT_PATH);
	case PT_BYTEBUF:
	case PT_CHARBUFARRAY:
	case PT_CHARBUF_PAIR_ARRAY:
		return fx_str(o, (const char *)s->par.val[k], s->par.len[k], SAKER_FT_BYTES);
	case PT_IPV4ADDR:
	case PT_IPV6ADDR:
	case PT_IPADDR:
		return fx_str(o, (const char *)s->par.val[k], s->par.len[k], SAKER_FT_IPADDR);
	case PT_PORT:
		if (!evt_int(s->evt.type, &s->par, (uint32_t)k, &n))
			return 0;
		return fx_num(o, n, SAKER_FT_PORT);
	case PT_UINT8: case PT_UINT16: case PT_UINT32: case PT_UINT64:
	case PT_FLAGS8: case PT_FLAGS16: case PT_FLAGS32:
	case PT_ENUMFLAGS8: case PT_ENUMFLAGS16: case PT_ENUMFLAGS32:
	case PT_UID: case PT_GID: case PT_MODE: case PT_SIGTYPE: case PT_SYSCALLID:
	case PT_L4PROTO: case PT_SOCKFAMILY: case PT_SIGSET: case PT_BOOL:
		if (!evt_int(s->evt.type, &s->par, (uint32_t)k, &n))
			return 0;
		return fx_num(o, n, SAKER_FT_UINT);
	case PT_RELTIME:
		if (!evt_int(s->evt.type, &s->par, (uint32_t)k, &n))
			return 0;
		return fx_num(o, n, SAKER_FT_RELTIME);
	case PT_ABSTIME:
		if (!evt_int(s->evt.type, &s->par, (uint32_t)k, &n))
			return 0;
		return fx_num(o, n, SAKER_FT_ABSTIME);
	}
	if (evt_int(s->evt.type, &s->par, (uint32_t)k, &n))
		return fx_num(o, n, SAKER_FT_INT);
	/* sockaddr, tuple, fdlist, dyn: their text */
	fx_scratch(b, &sb);
	if (!fx_param(s, (uint32_t)k, &sb, AF_RAW))
		return 0;
	return fx_scratch_val(b, &sb, o, SAKER_FT_STR);
}

/* The return value, as Falco takes it: the first param of an exit event
 * when it is a result (res, or the fd / pid a call returns). */
static int res_value(struct saker *s, int64_t *res)
{
	const struct evt_info *e = einfo(s);
	uint8_t t;

	if (!e || e->dir != '<' || !e->nparams)
		return 0;
	t = e->ptypes[0];
	if (t != PT_ERRNO && t != PT_FD && t != PT_PID)
		return 0;
	return evt_int(s->evt.type, &s->par, 0, res);
}

int fe_res(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	const char *x;
	int64_t r;

	if (!res_value(s, &r))
		return 0;
	if (r >= 0)
		return fx_str(o, "SUCCESS", 7, SAKER_FT_STR);
	x = render_errno(r);
	if (x)
		return fx_str(o, x, (uint32_t)strlen(x), SAKER_FT_STR);
	{
		struct sbuf sb;

		fx_scratch(b, &sb);
		sb_printf(&sb, "%" PRId64, r);
		return fx_scratch_val(b, &sb, o, SAKER_FT_STR);
	}
}

int fe_rawres(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	int64_t r;

	if (!res_value(s, &r))
		return 0;
	return fx_num(o, r, SAKER_FT_INT);
}

int fe_failed(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	int64_t r;

	if (!res_value(s, &r))
		return fx_num(o, 0, SAKER_FT_BOOL);
	return fx_num(o, r < 0, SAKER_FT_BOOL);
}

/* evt.is_open_*: aux 0 read, 1 write, 2 exec, 3 create */
int fe_is_open(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	const struct evt_info *e = einfo(s);
	int64_t flags = 0, mode = 0;
	int is = 0, k;

	if (e && (strcmp(e->name, "open") == 0 || strcmp(e->name, "openat") == 0 ||
		  strcmp(e->name, "openat2") == 0 || strcmp(e->name, "creat") == 0)) {
		k = evt_pidx(s->evt.type, EVP_FLAGS);
		if (k < 0)
			k = evt_pidx(s->evt.type, EVP_CREAT_FLAGS);
		if (strcmp(e->name, "creat") == 0)
			flags = PPM_O_WRONLY | PPM_O_CREAT;
		if (k >= 0)
			evt_int(s->evt.type, &s->par, (uint32_t)k, &flags);
		k = evt_pidx(s->evt.type, EVP_MODE);
		if (k >= 0)
			evt_int(s->evt.type, &s->par, (uint32_t)k, &mode);
		switch (field_defs[b->id].aux) {
		case 0: is = (flags & PPM_O_RDONLY) != 0; break;
		case 1: is = (flags & PPM_O_WRONLY) != 0; break;
		case 2: is = (flags & PPM_O_CREAT) && (mode & 0111); break;
		case 3: is = (flags & PPM_O_CREAT) != 0; break;
		}
	}
	return fx_num(o, is, SAKER_FT_BOOL);
}

/* evt.is_io (aux 0), evt.is_io_read (1), evt.is_io_write (2), evt.is_wait (3) */
int fe_eflag(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	const struct evt_info *e = einfo(s);
	static const uint16_t want[] = {
		EF_READS_FROM_FD | EF_WRITES_TO_FD, EF_READS_FROM_FD, EF_WRITES_TO_FD, EF_WAITS,
	};

	if (!e)
		return 0;
	return fx_num(o, (e->flags & want[field_defs[b->id].aux & 3]) != 0, SAKER_FT_BOOL);
}

/* evt.buflen: bytes an I/O call moved (its result when it succeeded) */
int fe_buflen(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	const struct evt_info *e = einfo(s);
	int64_t r;

	if (!e || !(e->flags & (EF_READS_FROM_FD | EF_WRITES_TO_FD)) || !res_value(s, &r) || r < 0)
		return 0;
	return fx_num(o, r, SAKER_FT_UINT);
}

int fe_buffer(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	const struct evt_info *e = einfo(s);
	uint32_t k;

	if (!e)
		return 0;
	for (k = 0; k < e->nparams && k < s->par.n; k++) {
		if (strcmp(e->pnames[k], "data") == 0 && s->par.len[k])
			return fx_str(o, (const char *)s->par.val[k], s->par.len[k], SAKER_FT_BYTES);
	}
	return 0;
}

/*
 * fs.path.*: aux 0 name, 1 source, 2 target; +3 for the raw (unresolved)
 * form. The params that carry them, by event.
 */
static const struct {
	const char *evt, *name, *source, *target;
} fs_params[] = {
	{ "open", "name", NULL, NULL }, { "openat", "name", NULL, NULL },
	{ "openat2", "name", NULL, NULL }, { "creat", "name", NULL, NULL },
	{ "mkdir", "path", NULL, NULL }, { "mkdirat", "path", NULL, NULL },
	{ "rmdir", "path", NULL, NULL }, { "unlink", "path", NULL, NULL },
	{ "unlinkat", "name", NULL, NULL }, { "chmod", "filename", NULL, NULL },
	{ "fchmodat", "filename", NULL, NULL }, { "chown", "path", NULL, NULL },
	{ "lchown", "path", NULL, NULL }, { "fchownat", "pathname", NULL, NULL },
	{ "mknod", "path", NULL, NULL }, { "mknodat", "path", NULL, NULL },
	{ "rename", NULL, "oldpath", "newpath" }, { "renameat", NULL, "oldpath", "newpath" },
	{ "renameat2", NULL, "oldpath", "newpath" }, { "link", NULL, "oldpath", "newpath" },
	{ "linkat", NULL, "oldpath", "newpath" }, { "symlink", NULL, "target", "linkpath" },
	{ "symlinkat", NULL, "target", "linkpath" },
};

int fe_fs_path(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	const struct evt_info *e = einfo(s);
	int aux = field_defs[b->id].aux;
	const char *want = NULL;
	struct sbuf sb;
	uint32_t k, j;

	if (!e || e->dir != '<')
		return 0;
	for (k = 0; k < sizeof(fs_params) / sizeof(fs_params[0]); k++) {
		if (strcmp(fs_params[k].evt, e->name) == 0) {
			want = aux % 3 == 0 ? fs_params[k].name :
			       aux % 3 == 1 ? fs_params[k].source : fs_params[k].target;
			break;
		}
	}
	if (!want)
		return 0;
	for (j = 0; j < e->nparams; j++) {
		if (strcmp(e->pnames[j], want) != 0)
			continue;
		fx_scratch(b, &sb);
		if (!fx_param(s, j, &sb, aux >= 3 ? AF_RAW : AF_RESOLVED))
			return 0;
		return fx_scratch_val(b, &sb, o, SAKER_FT_PATH);
	}
	return 0;
}

/* evt.deltatime: ns since the event handed out before this one (0 for the
 * first); aux 1 its whole seconds, 2 the ns within the second. */
int fe_deltatime(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	uint64_t d = s->prev_ts && s->evt.ts > s->prev_ts ? s->evt.ts - s->prev_ts : 0;

	switch (field_defs[b->id].aux) {
	case 1: d /= 1000000000ull; break;
	case 2: d %= 1000000000ull; break;
	}
	return fx_num(o, (int64_t)d, SAKER_FT_RELTIME);
}

/* The fd types that make an error a file one, and a net one. */
static int fd_is_file(const struct fdinfo *f)
{
	return f->type == FDT_FILE || f->type == FDT_DIR;
}

static int fd_is_net(const struct fdinfo *f)
{
	return f->type == FDT_IPV4 || f->type == FDT_IPV6 || f->type == FDT_UNIX;
}

/* evt.count*: 1 when the event is of the kind counted, else missing. A
 * failed call has no fd entry: then the call itself says file (the open
 * family) or net (accept, connect). */
int fe_count(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	const struct evt_info *e = einfo(s);
	int aux = field_defs[b->id].aux;
	int64_t r;
	int is;

	if (aux == EC_ALL)
		return fx_num(o, 1, SAKER_FT_UINT);
	if (!e)
		return 0;
	if (aux == EC_EXIT)
		return e->dir == '<' ? fx_num(o, 1, SAKER_FT_UINT) : 0;
	if (!res_value(s, &r) || r >= 0)
		return 0;
	if (aux == EC_ERROR_FILE)
		is = s->fd ? fd_is_file(s->fd) :
		     strcmp(e->name, "open") == 0 || strcmp(e->name, "openat") == 0 ||
		     strcmp(e->name, "openat2") == 0 || strcmp(e->name, "creat") == 0 ||
		     strcmp(e->name, "open_by_handle_at") == 0;
	else if (aux == EC_ERROR_NET)
		is = s->fd ? fd_is_net(s->fd) :
		     strcmp(e->name, "connect") == 0 || strncmp(e->name, "accept", 6) == 0;
	else
		is = 1;
	return is ? fx_num(o, 1, SAKER_FT_UINT) : 0;
}
