/* SPDX-License-Identifier: Apache-2.0 */
/*
 * field_container.c: container.* and k8s.* fields. The id (and the
 * runtime's kind) come from the thread's cgroups; start_ts from its pid
 * namespace, as Falco's container plugin reads it; the rest from the
 * runtime's record (container_meta.c), missing while there is none.
 * Outside containers the id and name are "host", as in Falco.
 */
#include <fnmatch.h>
#include <string.h>

#include "fields.h"
#include "field_aux.h"

static int put_cstr(struct saker_val *o, const char *p)
{
	return p ? fx_str(o, p, (uint32_t)strlen(p), SAKER_FT_STR) : 0;
}

/* container.id, container.full_id, container.name, container.type */
int fc_id(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	struct thread *t = s->thr;
	const struct container *e;
	const char *type;
	struct sbuf sb;
	char full[65];

	if (!t->in_container)
		return field_defs[b->id].aux == CT_TYPE ? 0 : put_cstr(o, "host");
	switch (field_defs[b->id].aux) {
	case CT_ID:
		return put_cstr(o, t->container_id);
	case CT_FULL_ID:
		if (!container_full_id(t->cgroups.s, t->cgroups.len, full, &type))
			return 0;
		fx_scratch(b, &sb);
		sb_puts(&sb, full);
		return fx_scratch_val(b, &sb, o, SAKER_FT_STR);
	case CT_NAME:
		e = container_of(s, t);
		return put_cstr(o, e ? e->name : NULL);
	default: /* CT_TYPE: the runtime's own word, else what the cgroup path tells */
		e = container_of(s, t);
		if (e && e->type)
			return put_cstr(o, e->type);
		container_full_id(t->cgroups.s, t->cgroups.len, full, &type);
		return put_cstr(o, type);
	}
}

/* The record's strings and flags. */
int fc_meta(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	const struct container *e = container_of(s, s->thr);

	if (!e)
		return 0;
	switch (field_defs[b->id].aux) {
	case CT_IMAGE: return put_cstr(o, e->image);
	case CT_REPOSITORY: return put_cstr(o, e->repository);
	case CT_TAG: return put_cstr(o, e->tag);
	case CT_DIGEST: return put_cstr(o, e->digest);
	case CT_IMAGE_ID: return put_cstr(o, e->image_id);
	case CT_MOUNTS: return put_cstr(o, e->mounts_text);
	case CT_PRIVILEGED: return fx_num(o, e->privileged, SAKER_FT_BOOL);
	case CT_HOST_PID: return fx_num(o, e->host_pid, SAKER_FT_BOOL);
	case CT_HOST_NETWORK: return fx_num(o, e->host_network, SAKER_FT_BOOL);
	case CT_HOST_IPC: return fx_num(o, e->host_ipc, SAKER_FT_BOOL);
	case K8S_NS: return put_cstr(o, e->k8s_ns);
	case K8S_POD: return put_cstr(o, e->k8s_pod);
	default: return put_cstr(o, e->k8s_uid); /* K8S_UID */
	}
}

/* container.mount[KEY] and .source/.dest/.mode/.rdwr/.propagation: the
 * mount at index N, or the first whose source matches the glob KEY. */
int fc_mount(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	const struct container *e = container_of(s, s->thr);
	const struct ctr_mount *m = NULL;
	struct sbuf sb;
	uint32_t k;

	if (!e)
		return 0;
	if (b->idx >= 0)
		m = (uint32_t)b->idx < e->nmounts ? &e->mounts[b->idx] : NULL;
	for (k = 0; b->idx < 0 && k < e->nmounts && !m; k++)
		if (fnmatch(b->key, e->mounts[k].source, 0) == 0)
			m = &e->mounts[k];
	switch (field_defs[b->id].aux) {
	case CT_MOUNT:
		/* Falco: "none" rather than missing when no mount matches */
		if (!m)
			return put_cstr(o, "none");
		fx_scratch(b, &sb);
		sb_printf(&sb, "%s:%s:%s:%s:%s", m->source, m->dest, m->mode, m->rdwr ? "true" : "false",
			  m->propagation);
		return fx_scratch_val(b, &sb, o, SAKER_FT_STR);
	case CT_MOUNT_SOURCE: return m ? put_cstr(o, m->source) : 0;
	case CT_MOUNT_DEST: return m ? put_cstr(o, m->dest) : 0;
	case CT_MOUNT_MODE: return m ? put_cstr(o, m->mode) : 0;
	case CT_MOUNT_RDWR: return m ? put_cstr(o, m->rdwr ? "true" : "false") : 0;
	default: return m ? put_cstr(o, m->propagation) : 0; /* CT_MOUNT_PROPAGATION */
	}
}

/* container.start_ts: when the container's pid namespace began (its init's
 * start); container.duration: the time since. */
int fc_time(struct saker *s, struct fbind *b, uint32_t i, struct saker_val *o)
{
	uint64_t start = s->thr->pidns_init_start_ts;

	if (!s->thr->in_container || !start)
		return 0;
	if (field_defs[b->id].aux == CT_START_TS)
		return fx_num(o, (int64_t)start, SAKER_FT_ABSTIME);
	return fx_num(o, s->evt.ts > start ? (int64_t)(s->evt.ts - start) : 0, SAKER_FT_RELTIME);
}
