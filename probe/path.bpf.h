/* SPDX-License-Identifier: Apache-2.0 */
/* path.bpf.h: absolute paths of dentries and cgroups, walked upwards a
 * bounded number of levels and written backwards into scratch->path. */
#ifndef SAKER_PATH_BPF_H
#define SAKER_PATH_BPF_H

#define PATH_DEPTH 32

/* kernfs_node.parent before it became __parent (6.15). */
struct kernfs_node___old {
	struct kernfs_node___old *parent;
} __attribute__((preserve_access_index));

/* Prepend one component to the path ending at *pos; 0 when full. */
static __always_inline int path_prepend(struct scratch *s, const void *name, u32 len)
{
	u32 p = s->pos;

	if (len > NAME_MAX_ - 1)
		len = NAME_MAX_ - 1;
	if (p < len + 1)
		return 0;
	p -= len;
	if (bpf_probe_read_kernel(&s->path[p & PATH_MASK], len & (NAME_MAX_ - 1), name))
		return 0;
	p--;
	s->path[p & PATH_MASK] = '/';
	s->pos = p;
	return 1;
}

struct dpath_walk {
	struct dentry *dentry;
	struct mount *mnt;
	struct dentry *root;
};

static struct scratch *scratch_get(void)
{
	u32 zero = 0;

	return bpf_map_lookup_elem(&scratch_map, &zero);
}

/* One level of the walk (bpf_loop callback: verified once, not per level). */
static long dpath_step(u64 i, void *ctx)
{
	struct dpath_walk *w = ctx;
	struct scratch *s = scratch_get();
	struct dentry *d = w->dentry, *parent;
	struct mount *mnt = w->mnt;
	struct qstr q;

	if (!s)
		return 1;
	parent = BPF_CORE_READ(d, d_parent);
	if (d == parent && d != w->root) {
		/* a pseudo file's dentry (memfd, pipe, ...): its name, done */
		q = BPF_CORE_READ(d, d_name);
		path_prepend(s, q.name, q.len);
		return 1;
	}
	if (d == w->root || d == parent) {
		struct mount *up = BPF_CORE_READ(mnt, mnt_parent);

		if (up == mnt || !up)
			return 1;
		w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = up;
		w->root = BPF_CORE_READ(up, mnt.mnt_root);
		return 0;
	}
	q = BPF_CORE_READ(d, d_name);
	if (!path_prepend(s, q.name, q.len))
		return 1;
	w->dentry = parent;
	return 0;
}

/* Put the absolute path of (dentry, vfsmnt) as a string parameter. */
static __always_inline void evb_dpath(struct evb *e, struct dentry *dentry, struct vfsmount *vfsmnt)
{
	struct dpath_walk w = { .dentry = dentry };
	struct scratch *s = e->s;

	if (!dentry || !vfsmnt) {
		evb_empty(e);
		return;
	}
	w.mnt = container_of(vfsmnt, struct mount, mnt);
	w.root = BPF_CORE_READ(vfsmnt, mnt_root);
	s->path[PATH_BUF - 1] = 0;
	s->pos = PATH_BUF - 1;
	bpf_loop(PATH_DEPTH, dpath_step, &w, 0);
	if (s->pos == PATH_BUF - 1) {
		s->pos = PATH_BUF - 2;
		s->path[PATH_BUF - 2] = '/';
	}
	evb_kstr(e, &s->path[s->pos & PATH_MASK]);
}

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(struct kernfs_node___old, parent))
		return (void *)BPF_CORE_READ((struct kernfs_node___old *)kn, parent);
	return BPF_CORE_READ(kn, __parent);
}

struct kn_walk {
	struct kernfs_node *kn;
};

static long kn_step(u64 i, void *ctx)
{
	struct kn_walk *w = ctx;
	struct scratch *s = scratch_get();
	struct kernfs_node *kn = w->kn, *parent;
	long n;

	if (!s || !kn)
		return 1;
	parent = kn_parent(kn);
	if (!parent || s->pos < 2 * NAME_MAX_)
		return 1;
	n = bpf_probe_read_kernel_str(&s->path[0], NAME_MAX_, BPF_CORE_READ(kn, name));
	if (n <= 1 || !path_prepend(s, &s->path[0], n - 1))
		return 1;
	w->kn = parent;
	return 0;
}

/* cgroups: "cpuset=/path" of the task's cgroup v2 (default hierarchy)
 * cgroup, one NUL-terminated entry. */
static __always_inline void evb_cgroups(struct evb *e, struct task_struct *task)
{
	const u32 tag = 7;  /* "cpuset=" */
	struct scratch *s = e->s;
	struct kn_walk w;
	u32 room;
	long n;

	w.kn = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn);
	s->path[PATH_BUF - 1] = 0;
	s->pos = PATH_BUF - 1;
	bpf_loop(PATH_DEPTH, kn_step, &w, 0);
	if (s->pos == PATH_BUF - 1) {
		s->pos = PATH_BUF - 2;
		s->path[PATH_BUF - 2] = '/';
	}
	room = evb_room(e);
	if (room < tag + 2) {
		evb_empty(e);
		return;
	}
	*(u64 *)evb_at(e) = 0x003d746573757063ull; /* "cpuset=" little-endian */
	room -= tag;
	opaque(room);
	n = bpf_probe_read_kernel_str(&s->buf[(s->off + tag) & EV_MASK], room & CHUNK_MASK,
				      &s->path[s->pos & PATH_MASK]);
	evb_len(e, n > 0 ? n + tag : 0);
}

#endif
