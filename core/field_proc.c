/* SPDX-License-Identifier: Apache-2.0 */
/*
 * field_proc.c: proc.*, thread.*, user.* and group.* fields, read from the
 * thread table. Ancestor fields walk the parents once
 * per event (fx_ancestors) and read the cached chain.
 */
#include <inttypes.h>
#include <string.h>

#include "fields.h"
#include "field_aux.h"

/* The thread a field reads: the event's, or an ancestor (aux & PA_PARENT). */
static struct thread *subject(struct saker *s, struct fbind *b, uint32_t i)
{
	int aux = field_defs[b->id].aux;
	struct thread **anc;
	uint32_t n, k;

	if (field_defs[b->id].info.flags & SAKER_FF_ARG_INDEX) {
		/* proc.aname[N]: N = 0 is the process itself; no N: a list of
		 * every ancestor from the parent up */
		n = fx_ancestors(s, &anc);
		k = b->idx >= 0 ? (uint32_t)b->idx : i + 1;
		if (b->idx >= 0 && i > 0)
			return NULL;
		return k < n ? anc[k] : NULL;
	}
	if (aux & PA_PARENT) {
		n = fx_ancestors(s, &anc);
		return n > 1 ? anc[1] : NULL;
	}
	return s->thr;
}

static int put_pstr(struct saker_val *o, const struct pstr *p, int type)
{
	if (!p->len)
		return 0;
	return fx_str(o, p->s, p->len, type);
}

/* Items of a NUL-separated blob joined by spaces, after a prefix. */
static void put_joined(struct sbuf *sb, const struct pstr *p)
{
	uint32_t k;

	for (k = 0; k < p->len; k++)
		sb_putc(sb, p->s[k] ? p->s[k] : ' ');
	/* a blob may end with its own NUL: no trailing space */
	if (p->len && !p->s[p->len - 1] && sb->len) {
		sb->len--;
		sb->p[sb->len] = 0;
	}
}

int fp_str(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	struct thread *t = subject(s, b, i);
	const struct pstr *cwd;

	if (!t)
		return 0;
	switch (field_defs[b->id].aux & PA_WHAT) {
	case PS_NAME:
		return fx_str(o, t->comm, (uint32_t)strnlen(t->comm, sizeof(t->comm)), SAKER_FT_STR);
	case PS_EXE:
		return put_pstr(o, &t->exe, SAKER_FT_STR);
	case PS_EXEPATH:
		return put_pstr(o, &t->exepath, SAKER_FT_PATH);
	case PS_CWD:
		cwd = thread_cwd(s, t);
		return cwd ? put_pstr(o, cwd, SAKER_FT_PATH) : 0;
	}
	return 0;
}

int fp_int(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	struct thread *t = subject(s, b, i);
	struct thread *p;
	uint32_t k;
	int64_t v;

	if (!t)
		return 0;
	switch (field_defs[b->id].aux & PA_WHAT) {
	case PI_PID: v = t->pid; break;
	case PI_PPID: v = t->ptid; break;
	case PI_VPID: v = t->vpid; break;
	case PI_SID: v = t->sid; break;
	case PI_VPGID: v = t->vpgid; break;
	case PI_TID: v = t->tid; break;
	case PI_VTID: v = t->vtid; break;
	case PI_TTY: return fx_num(o, t->tty, SAKER_FT_UINT);
	case PI_NTHREADS: return fx_num(o, thread_count_in_process(s, t), SAKER_FT_UINT);
	case PI_EXE_INO:
		if (!t->exe_ino)
			return 0;
		return fx_num(o, (int64_t)t->exe_ino, SAKER_FT_UINT);
	case PI_DURATION:
		if (!t->clone_ts || s->evt.ts < t->clone_ts)
			return 0;
		return fx_num(o, (int64_t)(s->evt.ts - t->clone_ts), SAKER_FT_RELTIME);
	case PI_VMSIZE: return fx_num(o, t->vmsize_kb, SAKER_FT_UINT);
	case PI_VMRSS: return fx_num(o, t->vmrss_kb, SAKER_FT_UINT);
	case PI_VMSWAP: return fx_num(o, t->vmswap_kb, SAKER_FT_UINT);
	case PI_FDLIMIT: return fx_num(o, (int64_t)t->fdlimit, SAKER_FT_INT);
	case PI_PIDNS_START:
		if (!t->pidns_init_start_ts)
			return 0;
		return fx_num(o, (int64_t)t->pidns_init_start_ts, SAKER_FT_ABSTIME);
	case PI_FDCOUNT:
		if (t->files >= s->fds.fcap || !s->fds.files[t->files].refs)
			return 0;
		return fx_num(o, s->fds.files[t->files].nfds, SAKER_FT_UINT);
	case PI_CMDNARGS:
		return fx_num(o, t->argc, SAKER_FT_UINT);
	case PI_CMDLENARGS:
		/* the arguments' characters, without the separators */
		for (v = 0, k = 0; k < t->args.len; k++)
			v += t->args.s[k] != 0;
		return fx_num(o, v, SAKER_FT_UINT);
	case PI_PVPID:
		p = thread_parent(s, t);
		if (!p)
			return 0;
		v = p->vpid;
		break;
	default:
		return 0;
	}
	return fx_num(o, v, SAKER_FT_INT);
}

/* head, then a space and the arguments joined by spaces if there are any */
static void put_line(struct sbuf *sb, const char *head, uint32_t hlen, const struct thread *t)
{
	sb_putn(sb, head, hlen);
	if (t->args.len) {
		sb_putc(sb, ' ');
		put_joined(sb, &t->args);
	}
}

int fp_cmdline(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	struct thread *t = subject(s, b, i);
	struct sbuf sb;

	if (!t)
		return 0;
	if (field_defs[b->id].info.flags & SAKER_FF_LIST)
		fx_scratch_item(b, i, &sb);
	else
		fx_scratch(b, &sb);
	put_line(&sb, t->comm, (uint32_t)strnlen(t->comm, sizeof(t->comm)), t);
	return fx_scratch_val(b, &sb, o, SAKER_FT_STR);
}

/* proc.exeline: argv[0] and the arguments */
int fp_exeline(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	struct thread *t = subject(s, b, i);
	struct sbuf sb;

	if (!t)
		return 0;
	fx_scratch(b, &sb);
	put_line(&sb, pstr_c(&t->exe), t->exe.len, t);
	return fx_scratch_val(b, &sb, o, SAKER_FT_STR);
}

int fp_args(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	struct thread *t = subject(s, b, i);
	struct sbuf sb;

	if (!t)
		return 0;
	fx_scratch(b, &sb);
	put_joined(&sb, &t->args);
	return fx_scratch_val(b, &sb, o, SAKER_FT_STR);
}

/* proc.env: all variables joined by spaces; proc.env[NAME]: one value. */
int fp_env(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	struct thread *t = s->thr;
	const char *p, *end, *item;
	struct sbuf sb;
	uint32_t n;

	if (!b->keylen) {
		fx_scratch(b, &sb);
		put_joined(&sb, &t->env);
		return fx_scratch_val(b, &sb, o, SAKER_FT_STR);
	}
	p = t->env.s;
	end = p ? p + t->env.len : p;
	while (p && p < end) {
		item = p;
		n = (uint32_t)strnlen(item, (size_t)(end - item));
		p += n + 1;
		if (n > b->keylen && item[b->keylen] == '=' &&
		    memcmp(item, b->key, b->keylen) == 0)
			return fx_str(o, item + b->keylen + 1, n - b->keylen - 1, SAKER_FT_STR);
	}
	return 0;
}

/* proc.aname[N] and friends; aux says which property. */
int fp_anc(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	struct thread *t = subject(s, b, i);

	if (!t)
		return 0;
	switch (field_defs[b->id].aux & PA_WHAT) {
	case PS_NAME:
		return fx_str(o, t->comm, (uint32_t)strnlen(t->comm, sizeof(t->comm)), SAKER_FT_STR);
	case PS_EXE:
		return put_pstr(o, &t->exe, SAKER_FT_STR);
	case PS_EXEPATH:
		return put_pstr(o, &t->exepath, SAKER_FT_PATH);
	case PI_PID:
		return fx_num(o, t->pid, SAKER_FT_INT);
	case PS_CMDLINE:
		return fp_cmdline(s, b, i, o);
	}
	return 0;
}

/* The ancestor whose pid is `pid` (the process itself included). */
static struct thread *anc_with_pid(struct saker *s, int64_t pid, int virt)
{
	struct thread **anc;
	uint32_t n, k;

	n = fx_ancestors(s, &anc);
	for (k = 0; k < n; k++)
		if ((virt ? anc[k]->vpid : anc[k]->pid) == pid)
			return anc[k];
	return NULL;
}

/* proc.sname (aux PS_NAME), proc.vpgid.name / .exe (aux | PA_VPGID) */
int fp_sname(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	int aux = field_defs[b->id].aux;
	struct thread *t;

	if (aux & PA_VPGID)
		t = anc_with_pid(s, s->thr->vpgid, 1);
	else
		t = anc_with_pid(s, s->thr->sid, 0);
	if (!t)
		return 0;
	if ((aux & PA_WHAT) == PS_EXE)
		return put_pstr(o, &t->exe, SAKER_FT_STR);
	return fx_str(o, t->comm, (uint32_t)strnlen(t->comm, sizeof(t->comm)), SAKER_FT_STR);
}

static int is_shell(const char *comm)
{
	static const char *const shells[] = {
		"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "csh", "tcsh", "fish", "busybox",
	};
	size_t k;

	for (k = 0; k < sizeof(shells) / sizeof(shells[0]); k++)
		if (strcmp(comm, shells[k]) == 0)
			return 1;
	return 0;
}

/* proc.loginshellid: pid of the farthest shell among the process and its
 * ancestors. */
int fp_loginshell(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	struct thread **anc;
	int64_t pid = -1;
	uint32_t n, k;

	n = fx_ancestors(s, &anc);
	for (k = 0; k < n; k++)
		if (is_shell(anc[k]->comm))
			pid = anc[k]->pid;
	if (pid < 0)
		return 0;
	return fx_num(o, pid, SAKER_FT_INT);
}

int fp_flag(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	struct thread *t = s->thr;
	int v = 0;

	switch (field_defs[b->id].aux) {
	case PF_EXE_WRITABLE: v = t->exe_writable; break;
	case PF_EXE_UPPER: v = t->exe_upper_layer; break;
	case PF_EXE_LOWER: v = t->exe_lower_layer; break;
	case PF_EXE_MEMFD: v = t->exe_from_memfd; break;
	case PF_SID_LEADER: v = t->sid == t->vpid; break;
	case PF_VPGID_LEADER: v = t->vpgid == t->vpid; break;
	case PF_MAIN_THREAD: v = t->tid == t->pid; break;
	}
	return fx_num(o, v != 0, SAKER_FT_BOOL);
}

/* thread.cap_*: aux 0 effective, 1 permitted, 2 inheritable */
int fp_caps(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	struct thread *t = s->thr;
	uint64_t c;
	struct sbuf sb;

	switch (field_defs[b->id].aux) {
	case 0: c = t->cap_effective; break;
	case 1: c = t->cap_permitted; break;
	default: c = t->cap_inheritable; break;
	}
	fx_scratch(b, &sb);
	render_caps(&sb, c);
	return fx_scratch_val(b, &sb, o, SAKER_FT_STR);
}

static int put_cstr(struct saker_val *o, const char *p, int type)
{
	if (!p)
		return 0;
	return fx_str(o, p, (uint32_t)strlen(p), type);
}

int fp_user(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	struct thread *t = s->thr;
	const struct user *u;

	switch (field_defs[b->id].aux) {
	case PU_UID:
		return fx_num(o, t->euid, SAKER_FT_UINT);
	case PU_LOGINUID:
		return fx_num(o, t->loginuid == 0xffffffffu ? -1 : (int64_t)t->loginuid, SAKER_FT_INT);
	case PU_NAME:
		u = user_get(s, t->euid);
		return u ? put_cstr(o, u->name, SAKER_FT_STR) : 0;
	case PU_HOME:
		u = user_get(s, t->euid);
		return u ? put_cstr(o, u->home, SAKER_FT_PATH) : 0;
	case PU_SHELL:
		u = user_get(s, t->euid);
		return u ? put_cstr(o, u->shell, SAKER_FT_PATH) : 0;
	case PU_LOGINNAME:
		if (t->loginuid == 0xffffffffu)
			return 0;
		u = user_get(s, t->loginuid);
		return u ? put_cstr(o, u->name, SAKER_FT_STR) : 0;
	}
	return 0;
}

int fp_group(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	struct thread *t = s->thr;
	const struct group *g;

	if (field_defs[b->id].aux == 0)
		return fx_num(o, t->egid, SAKER_FT_UINT);
	g = group_get(s, t->egid);
	return g ? put_cstr(o, g->name, SAKER_FT_STR) : 0;
}

int fp_missing(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	return 0;
}

int fp_false(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	return fx_num(o, 0, SAKER_FT_BOOL);
}

/* proc.stdin/stdout/stderr.type and .name: the process's fd 0, 1 or 2 (aux,
 * | PT_STDIO_NAME for the name); missing when the fd table lacks it. */
int fp_stdio(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	int aux = field_defs[b->id].aux;
	struct fdinfo *f = fd_find(s, s->thr, aux & 3);
	const char *x;

	if (!f)
		return 0;
	if (aux & PT_STDIO_NAME)
		return fx_str(o, pstr_c(&f->name), f->name.len, SAKER_FT_STR);
	x = fd_type_name((enum fd_type)f->type);
	return fx_str(o, x, (uint32_t)strlen(x), SAKER_FT_STR);
}

/* thread.cgroups: every "subsystem=path" of the thread, space separated;
 * thread.cgroup.SUBSYS (the key): that subsystem's path. Missing when the
 * thread has none. */
int fp_cgroups(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	const struct pstr *cg = &s->thr->cgroups;
	const char *p, *end, *item;
	struct sbuf sb;
	uint32_t n;

	if (!cg->len)
		return 0;
	if (!b->keylen) {
		fx_scratch(b, &sb);
		put_joined(&sb, cg);
		return fx_scratch_val(b, &sb, o, SAKER_FT_STR);
	}
	for (p = cg->s, end = p + cg->len; p < end; p += n + 1) {
		item = p;
		n = (uint32_t)strnlen(item, (size_t)(end - item));
		if (n > b->keylen && item[b->keylen] == '=' &&
		    memcmp(item, b->key, b->keylen) == 0)
			return fx_str(o, item + b->keylen + 1, n - b->keylen - 1, SAKER_FT_STR);
	}
	return 0;
}

/* thread.nametid: the process name followed by the thread id, as one word */
int fp_nametid(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	struct thread *t = s->thr;
	struct sbuf sb;

	fx_scratch(b, &sb);
	sb_printf(&sb, "%.*s%" PRId64, (int)strnlen(t->comm, sizeof(t->comm)), t->comm, t->tid);
	return fx_scratch_val(b, &sb, o, SAKER_FT_STR);
}
