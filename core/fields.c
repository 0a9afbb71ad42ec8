/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fields.c: the "fields" section of saker.h: lookup, binding, the hot-path
 * get, and rendering of values as Falco prints them in outputs.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fields.h"

int32_t saker_field_count(void)
{
	return field_ndefs;
}

const struct saker_field_info *saker_field_info(int32_t id)
{
	if (id < 0 || id >= field_ndefs)
		return NULL;
	return &field_defs[id].info;
}

static int32_t find_exact(const char *name, size_t len)
{
	int32_t i;

	for (i = 0; i < field_ndefs; i++) {
		const char *n = field_defs[i].info.name;

		if (strncmp(n, name, len) == 0 && n[len] == 0)
			return i;
	}
	return -1;
}

/*
 * Split a field reference into the field and its argument: "proc.aname[2]",
 * "evt.arg[flags]", "evt.arg.flags", "proc.env[HOME]". *arg is NULL when the
 * reference carries none.
 */
static int32_t split_ref(const char *name, const char **arg, size_t *arglen)
{
	const char *br = strchr(name, '[');
	size_t len = strlen(name);
	int32_t id;

	*arg = NULL;
	*arglen = 0;
	if (br) {
		if (len < 2 || name[len - 1] != ']')
			return -1;
		id = find_exact(name, (size_t)(br - name));
		if (id < 0)
			return -1;
		*arg = br + 1;
		*arglen = (size_t)(name + len - 1 - (br + 1));
		return id;
	}
	id = find_exact(name, len);
	if (id >= 0)
		return id;
	/* field.key: the longest prefix that is a keyed field */
	for (br = name + len; br > name; br--) {
		if (*br != '.')
			continue;
		id = find_exact(name, (size_t)(br - name));
		if (id >= 0 && (field_defs[id].info.flags & SAKER_FF_ARG_KEY)) {
			*arg = br + 1;
			*arglen = len - (size_t)(br + 1 - name);
			return *arglen ? id : -1;
		}
	}
	return -1;
}

int32_t saker_field_find(const char *name)
{
	const char *arg;
	size_t alen;

	if (!name)
		return -1;
	return split_ref(name, &arg, &alen);
}

struct fields *fx_of(struct saker *s)
{
	return s->fields;
}

static void fields_free(void *p)
{
	struct fields *f = p;
	uint32_t i;

	if (!f)
		return;
	for (i = 0; i < f->n; i++) {
		free(f->b[i]->scratch);
		free(f->b[i]);
	}
	free(f->b);
	free(f->memo);
	free(f->memo_evt);
	free(f);
}

static struct fields *fields_get(struct saker *s)
{
	struct fields *f = s->fields;

	if (f)
		return f;
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->memo = calloc(FB_MAXBIND, sizeof(*f->memo));
	f->memo_evt = calloc(FB_MAXBIND, sizeof(*f->memo_evt));
	if (!f->memo || !f->memo_evt) {
		fields_free(f);
		return NULL;
	}
	if (gethostname(f->host, sizeof(f->host) - 1) != 0)
		f->host[0] = 0;
	f->hostlen = (uint32_t)strlen(f->host);
	s->fields = f;
	s->fields_free = fields_free;
	return f;
}

static int bind_err(char *err, uint32_t errlen, const char *fmt, const char *name)
{
	if (err && errlen)
		snprintf(err, errlen, fmt, name);
	return -1;
}

int32_t saker_field_bind(struct saker *s, const char *name, const char *arg, char *err, uint32_t errlen)
{
	const struct field_def *d;
	struct fields *f;
	struct fbind *b, **nb;
	const char *a;
	size_t alen;
	int32_t id, idx = -1;
	uint32_t i;
	char *end;

	if (!s || !name)
		return bind_err(err, errlen, "no field name%s", "");
	id = split_ref(name, &a, &alen);
	if (id < 0)
		return bind_err(err, errlen, "unknown field '%s'", name);
	d = &field_defs[id];
	if (arg) {
		if (a)
			return bind_err(err, errlen, "field '%s' has two arguments", name);
		a = arg;
		alen = strlen(arg);
	}
	if (a && !(d->info.flags & (SAKER_FF_ARG_INDEX | SAKER_FF_ARG_KEY)))
		return bind_err(err, errlen, "field '%s' takes no argument", d->info.name);
	if (!a && (d->info.flags & SAKER_FF_ARG_REQUIRED))
		return bind_err(err, errlen, "field '%s' needs an argument", d->info.name);
	if (a && alen >= FB_KEYMAX)
		return bind_err(err, errlen, "argument of field '%s' is too long", d->info.name);
	if (a && (d->info.flags & SAKER_FF_ARG_INDEX)) {
		char tmp[32];
		long v;

		if (alen == 0 || alen >= sizeof(tmp))
			return bind_err(err, errlen, "field '%s' needs a numeric argument", d->info.name);
		memcpy(tmp, a, alen);
		tmp[alen] = 0;
		v = strtol(tmp, &end, 10);
		if (*end || v < 0 || v > 1000000) {
			/* evt.arg[N] also takes a parameter name */
			if (!(d->info.flags & SAKER_FF_ARG_KEY))
				return bind_err(err, errlen, "field '%s' needs a numeric argument", d->info.name);
		} else {
			idx = (int32_t)v;
		}
	}
	if (a && idx < 0 && !(d->info.flags & SAKER_FF_ARG_KEY))
		return bind_err(err, errlen, "bad argument for field '%s'", d->info.name);
	if (a && idx < 0 && alen == 0)
		return bind_err(err, errlen, "empty argument for field '%s'", d->info.name);

	f = fields_get(s);
	if (!f)
		return bind_err(err, errlen, "out of memory binding '%s'", name);
	for (i = 0; i < f->n; i++) {
		b = f->b[i];
		if (b->id == id && b->idx == idx && b->keylen == (idx < 0 && a ? alen : 0) &&
		    memcmp(b->key, a && idx < 0 ? a : "", b->keylen) == 0)
			return (int32_t)i;
	}
	if (f->n == FB_MAXBIND)
		return bind_err(err, errlen, "too many distinct fields bound ('%s')", name);
	if (f->n == f->cap) {
		uint32_t cap = f->cap ? f->cap * 2 : 64;

		nb = realloc(f->b, cap * sizeof(*nb));
		if (!nb)
			return bind_err(err, errlen, "out of memory binding '%s'", name);
		f->b = nb;
		f->cap = cap;
	}
	b = calloc(1, sizeof(*b));
	if (!b || !(b->scratch = malloc(FB_SCRATCH))) {
		free(b);
		return bind_err(err, errlen, "out of memory binding '%s'", name);
	}
	b->id = id;
	b->idx = idx;
	if (a && idx < 0) {
		memcpy(b->key, a, alen);
		b->keylen = (uint32_t)alen;
	}
	b->key[b->keylen] = 0;
	b->pcode = -1;
	b->pidx = -1;
	f->b[f->n] = b;
	return (int32_t)f->n++;
}

static struct fbind *bind_of(struct saker *s, int32_t h)
{
	struct fields *f = s ? s->fields : NULL;

	if (!f || h < 0 || (uint32_t)h >= f->n)
		return NULL;
	return f->b[h];
}

int32_t saker_field_get(struct saker *s, int32_t h, struct saker_val *out)
{
	struct fbind *b = bind_of(s, h);
	struct fields *f;
	double now;

	if (!b)
		return 0;
	/* the state does not change within an event: answer once per event */
	f = s->fields;
	now = (double)s->evt.num;
	if (!s->thr) {
		f->memo_evt[h] = -now;
		return 0;
	}
	if (f->memo_evt[h] != now && f->memo_evt[h] != -now)
		f->memo_evt[h] = field_defs[b->id].get(s, b, 0, &f->memo[h]) == 1 ? now : -now;
	*out = f->memo[h];
	return f->memo_evt[h] > 0;
}

int32_t saker_field_memo(struct saker *s, struct saker_memo *out)
{
	struct fields *f = s ? fields_get(s) : NULL;

	if (!f)
		return -1;
	out->val = f->memo;
	out->evt = f->memo_evt;
	return 0;
}

int32_t saker_field_at(struct saker *s, int32_t h, uint32_t i, struct saker_val *out)
{
	struct fbind *b = bind_of(s, h);

	if (!b || !s->thr)
		return 0;
	if (!(field_defs[b->id].info.flags & SAKER_FF_LIST) && i > 0)
		return 0;
	return field_defs[b->id].get(s, b, i, out);
}

void fx_scratch(struct fbind *b, struct sbuf *sb)
{
	sb_init(sb, b->scratch, FB_SCRATCH);
}

void fx_scratch_item(struct fbind *b, uint32_t i, struct sbuf *sb)
{
	uint32_t slice = FB_SCRATCH / 4;

	sb_init(sb, b->scratch + (i % 4) * slice, slice);
}

int fx_scratch_val(struct fbind *b, struct sbuf *sb, struct saker_val *o, int type)
{
	return fx_str(o, sb->p, sb->len, type);
}

uint32_t fx_ancestors(struct saker *s, struct thread ***out)
{
	struct fields *f = s->fields;
	struct thread *t = s->thr;
	uint32_t n = 0, k;

	if (f->anc_evt == s->evt.num && f->anc_n) {
		*out = f->anc;
		return f->anc_n;
	}
	while (t && n < FX_MAXANC) {
		for (k = 0; k < n; k++)
			if (f->anc[k] == t)
				break;
		if (k < n)
			break;
		f->anc[n++] = t;
		t = thread_parent(s, t);
	}
	f->anc_n = n;
	f->anc_evt = s->evt.num;
	*out = f->anc;
	return n;
}

/* One value as text, per its type and the field's style. */
static void render_val(struct sbuf *b, const struct field_def *d, const struct saker_val *v)
{
	uint32_t k;

	switch (v->type) {
	case SAKER_FT_STR:
	case SAKER_FT_PATH:
		sb_putn(b, (const char *)v->s, v->len);
		break;
	case SAKER_FT_BYTES:
		for (k = 0; k < v->len; k++)
			sb_putc(b, v->s[k] >= 32 && v->s[k] < 127 ? (char)v->s[k] : '.');
		break;
	case SAKER_FT_INT:
		sb_printf(b, "%" PRId64, v->n);
		break;
	case SAKER_FT_BOOL:
		sb_puts(b, v->n ? "true" : "false");
		break;
	case SAKER_FT_IPADDR:
	case SAKER_FT_IPNET:
		render_ip(b, v->s, v->len);
		break;
	case SAKER_FT_RELTIME:
		sb_printf(b, d->style == FS_PAD9 ? "%09" PRIu64 : "%" PRIu64, (uint64_t)v->n);
		break;
	case SAKER_FT_ABSTIME:
		switch (d->style) {
		case FS_TIME: render_time(b, (uint64_t)v->n, RT_TIME); break;
		case FS_TIME_S: render_time(b, (uint64_t)v->n, RT_TIME_S); break;
		case FS_DATETIME: render_time(b, (uint64_t)v->n, RT_DATETIME); break;
		case FS_DATETIME_S: render_time(b, (uint64_t)v->n, RT_DATETIME_S); break;
		case FS_ISO8601: render_time(b, (uint64_t)v->n, RT_ISO8601); break;
		default: sb_printf(b, "%" PRIu64, (uint64_t)v->n); break;
		}
		break;
	default:
		sb_printf(b, "%" PRIu64, (uint64_t)v->n);
		break;
	}
}

int32_t saker_field_render(struct saker *s, int32_t h, char *buf, uint32_t cap)
{
	struct fbind *b = bind_of(s, h);
	const struct field_def *d;
	struct saker_val v;
	struct sbuf sb;
	uint32_t i;

	if (!b || !buf || !cap || !s->thr)
		return -1;
	d = &field_defs[b->id];
	sb_init(&sb, buf, cap);
	if (!(d->info.flags & SAKER_FF_LIST) || b->idx >= 0) {
		if (!d->get(s, b, 0, &v))
			return -1;
		render_val(&sb, d, &v);
		return (int32_t)sb.len;
	}
	/* lists print as Falco does: (a,b,c) */
	for (i = 0; d->get(s, b, i, &v); i++) {
		sb_putc(&sb, i ? ',' : '(');
		render_val(&sb, d, &v);
	}
	if (i == 0)
		return -1;
	sb_putc(&sb, ')');
	return (int32_t)sb.len;
}
