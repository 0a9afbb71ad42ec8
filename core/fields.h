/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fields.h: the field table and its extractors (internal to C).
 *
 * A field is a row of field_defs[]: Falco's name, type, flags, and a get
 * function. saker_field_bind turns (name, argument) into a struct fbind
 * held by the context; saker_field_get calls the row's get with it.
 * Values point into the event or the state tables when they are there
 * already; anything rendered goes to the binding's own scratch buffer, so
 * values of different handles stay alive together until the next event.
 */
#ifndef SAKER_FIELDS_H
#define SAKER_FIELDS_H

#include <stddef.h>
#include <stdint.h>
#include "state.h"          /* includes saker.h, which has no guard */
#include "render.h"

enum { FB_SCRATCH = 8192, FB_KEYMAX = 256, FX_MAXANC = 64, FB_MAXBIND = 4096 };

struct fbind {
	int32_t id;                 /* row of field_defs */
	int32_t idx;                /* numeric argument, -1 if none */
	char key[FB_KEYMAX];        /* name argument, "" if none */
	uint32_t keylen;
	int32_t pcode, pidx;        /* evt.arg.<name>: cache of code -> param index */
	char *scratch;              /* FB_SCRATCH bytes for rendered values */
};

/* get: value i of the field (0 for single-valued ones): 1 present, 0 not. */
typedef int (*field_get_fn)(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *out);

/* How a value is written by saker_field_render, beside its type. */
enum fstyle {
	FS_PLAIN = 0,
	FS_TIME, FS_TIME_S, FS_DATETIME, FS_DATETIME_S, FS_ISO8601, /* ABSTIME */
	FS_PAD9                     /* RELTIME: nine digits, zero-padded */
};

struct field_def {
	struct saker_field_info info;
	field_get_fn get;
	int32_t aux;                /* a constant the get function reads */
	uint8_t style;              /* enum fstyle */
};

extern const struct field_def field_defs[];
extern const int32_t field_ndefs;

/* Per-context state of the field code (s->fields). */
struct fields {
	struct fbind **b;
	uint32_t n, cap;
	/*
	 * saker_field_get's last answer per handle: the value, and the evt.num
	 * it is for, negated when the field was missing (0: none; a double,
	 * which Lua compares without boxing: exact up to 2^53 events). Arrays
	 * of FB_MAXBIND, allocated once, so compiled rules may read them in
	 * place (saker_field_memo).
	 */
	struct saker_val *memo;
	double *memo_evt;
	/* ancestors of the current event's process, walked once per event */
	uint64_t anc_evt;
	uint32_t anc_n;
	struct thread *anc[FX_MAXANC];
	char host[256];
	uint32_t hostlen;
};

/* ---- helpers shared by the extractors (fields.c) ----------------------- */

struct fields *fx_of(struct saker *s);
/* Ancestors of the event's process: 0 = the process itself, 1 = parent... */
uint32_t fx_ancestors(struct saker *s, struct thread ***out);

static inline int fx_str(struct saker_val *o, const char *p, uint32_t len, int type)
{
	o->s = (const uint8_t *)p;
	o->len = len;
	o->n = 0;
	o->type = type;
	return 1;
}

static inline int fx_num(struct saker_val *o, int64_t n, int type)
{
	o->s = NULL;
	o->len = 0;
	o->n = n;
	o->type = type;
	return 1;
}

/* Scratch for a rendered value of this binding, reset; the caller fills
 * the sbuf and ends with fx_scratch_val. Items of a list field take turns
 * over four slices, so four consecutive items stay alive together. */
void fx_scratch(struct fbind *b, struct sbuf *sb);
void fx_scratch_item(struct fbind *b, uint32_t i, struct sbuf *sb);
int fx_scratch_val(struct fbind *b, struct sbuf *sb, struct saker_val *o, int type);

/* ---- parameter rendering (field_evt.c, used by dump.c) ----------------- */

enum argfmt {
	AF_RESOLVED,   /* evt.arg.x: the resolved form when there is one, else raw */
	AF_BOTH,       /* evt.args, dump: raw(resolved) */
	AF_RAW         /* the raw form only */
};
/* Param i of the current event as Falco writes it; 0 if missing. */
int fx_param(struct saker *s, uint32_t i, struct sbuf *b, enum argfmt how);
/* All params "name=value ..." (evt.args). */
void fx_args(struct saker *s, struct sbuf *b);

/* ---- the extractors, by family ------------------------------------------ */

/* field_evt.c */
int fe_num(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fe_time(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fe_time_part(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fe_dir(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fe_type(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fe_syscall_type(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fe_cpu(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fe_args(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fe_arg(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fe_rawarg(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fe_res(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fe_rawres(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fe_failed(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fe_is_open(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fe_source(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fe_hostname(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fe_buffer(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fe_eflag(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fe_buflen(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fe_fs_path(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fe_deltatime(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fe_count(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);

/* field_proc.c: proc.*, thread.*, user.*, group.* */
int fp_str(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fp_int(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fp_cmdline(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fp_args(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fp_exeline(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fp_env(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fp_anc(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fp_sname(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fp_loginshell(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fp_flag(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fp_caps(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fp_user(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fp_group(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fp_missing(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fp_false(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fp_stdio(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fp_cgroups(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fp_nametid(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);

/* field_container.c: container.*, k8s.* */
int fc_id(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fc_meta(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fc_mount(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int fc_time(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);

/* field_fd.c */
int ff_num(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int ff_str(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int ff_ip(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int ff_port(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int ff_misc(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int ff_types(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int ff_proto(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);
int ff_uid(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o);

#endif
