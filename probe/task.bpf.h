/* SPDX-License-Identifier: Apache-2.0 */
/* task.bpf.h: what the clone and execve events say about a process. */
#ifndef SAKER_TASK_BPF_H
#define SAKER_TASK_BPF_H

#define ARGS_MAX   CHUNK_MASK
#define ENV_MAX    CHUNK_MASK
#define PIDTYPE_PGID_ 2
#define RLIMIT_NOFILE_ 7
#define TS_COMPAT_ 0x0002
#define PAGE_SHIFT_ 12

/* Inode times before 6.11 (i_ctime_sec) and before 6.6 (__i_ctime). */
struct inode___v66 {
	struct timespec64 __i_ctime;
	struct timespec64 __i_mtime;
} __attribute__((preserve_access_index));

struct inode___old {
	struct timespec64 i_ctime;
	struct timespec64 i_mtime;
} __attribute__((preserve_access_index));

/* The number of pid in the namespace at level (0: the init namespace). */
static __always_inline u32 pid_nr_at(struct pid *pid, u32 level)
{
	struct upid *u;

	if (!pid)
		return 0;
	u = (void *)pid + bpf_core_field_offset(struct pid, numbers) +
	    (level & 31) * bpf_core_type_size(struct upid);
	return BPF_CORE_READ(u, nr);
}

/* The pid's number as seen from its own (deepest) namespace. */
static __always_inline u32 pid_vnr(struct pid *pid)
{
	return pid ? pid_nr_at(pid, BPF_CORE_READ(pid, level)) : 0;
}

static __always_inline u32 new_encode_dev(u32 dev)
{
	u32 major = dev >> 20, minor = dev & 0xfffff;

	return (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

static __always_inline u32 task_tty(struct task_struct *task)
{
	struct tty_struct *tty = BPF_CORE_READ(task, signal, tty);
	u32 major, minor;

	if (!tty)
		return 0;
	major = BPF_CORE_READ(tty, driver, major);
	minor = BPF_CORE_READ(tty, driver, minor_start) + BPF_CORE_READ(tty, index);
	return new_encode_dev(major << 20 | minor);
}

static __always_inline u64 inode_time(struct inode *ino, int mtime)
{
	if (bpf_core_field_exists(ino->i_ctime_sec)) {
		if (mtime)
			return BPF_CORE_READ(ino, i_mtime_sec) * 1000000000ull + BPF_CORE_READ(ino, i_mtime_nsec);
		return BPF_CORE_READ(ino, i_ctime_sec) * 1000000000ull + BPF_CORE_READ(ino, i_ctime_nsec);
	}
	if (bpf_core_field_exists(struct inode___v66, __i_ctime)) {
		struct inode___v66 *i = (void *)ino;
		struct timespec64 t = mtime ? BPF_CORE_READ(i, __i_mtime) : BPF_CORE_READ(i, __i_ctime);

		return t.tv_sec * 1000000000ull + t.tv_nsec;
	} else {
		struct inode___old *i = (void *)ino;
		struct timespec64 t = mtime ? BPF_CORE_READ(i, i_mtime) : BPF_CORE_READ(i, i_ctime);

		return t.tv_sec * 1000000000ull + t.tv_nsec;
	}
}

/* A percpu_counter's approximate value (6.2+ mm->rss_stat). */
static __always_inline u32 mm_rss_kb(struct mm_struct *mm, int i)
{
	s64 v = BPF_CORE_READ(mm, rss_stat[i & 3].count);

	return v > 0 ? v << (PAGE_SHIFT_ - 10) : 0;
}

/* exe (argv[0]) and args (argv[1..], NUL-separated) from the user memory
 * of the current image. */
static __always_inline void evb_exe_args(struct evb *e, struct mm_struct *mm)
{
	unsigned long start, end;
	long n = 0;

	if (!mm) {
		evb_empty(e);
		evb_empty(e);
		return;
	}
	start = BPF_CORE_READ(mm, arg_start);
	end = BPF_CORE_READ(mm, arg_end);
	if (end > start) {
		u32 room = evb_room(e);

		opaque(room);
		if (room)
			n = bpf_probe_read_user_str(evb_at(e), room & CHUNK_MASK, (void *)start);
	}
	evb_len(e, n > 0 ? n : 0);
	if (n > 0 && start + n < end)
		evb_ubytes(e, (void *)(start + n), end - start - n, ARGS_MAX);
	else
		evb_empty(e);
}

/* The 15 parameters that clone and execve events start with, after res:
 * exe, args, tid, pid, ptid, cwd, fdlimit, pgft_maj, pgft_min, vm_size,
 * vm_rss, vm_swap, comm, cgroups. */
static __always_inline void evb_proc(struct evb *e, struct task_struct *task)
{
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	struct path pwd;

	evb_exe_args(e, mm);
	evb_u64(e, BPF_CORE_READ(task, pid));
	evb_u64(e, BPF_CORE_READ(task, tgid));
	evb_u64(e, BPF_CORE_READ(task, real_parent, tgid));
	pwd = BPF_CORE_READ(task, fs, pwd);
	evb_dpath(e, pwd.dentry, pwd.mnt);
	evb_u64(e, BPF_CORE_READ(task, signal, rlim[RLIMIT_NOFILE_].rlim_cur));
	evb_u64(e, BPF_CORE_READ(task, maj_flt));
	evb_u64(e, BPF_CORE_READ(task, min_flt));
	if (mm) {
		evb_u32(e, BPF_CORE_READ(mm, total_vm) << (PAGE_SHIFT_ - 10));
		/* MM_FILEPAGES 0, MM_ANONPAGES 1, MM_SWAPENTS 2, MM_SHMEMPAGES 3 */
		evb_u32(e, mm_rss_kb(mm, 0) + mm_rss_kb(mm, 1) + mm_rss_kb(mm, 3));
		evb_u32(e, mm_rss_kb(mm, 2));
	} else {
		evb_u32(e, 0);
		evb_u32(e, 0);
		evb_u32(e, 0);
	}
	evb_kstr(e, task->comm);
	evb_cgroups(e, task);
}

#define PPM_EXE_WRITABLE    (1 << 0)
#define PPM_EXE_UPPER_LAYER (1 << 1)
#define PPM_EXE_FROM_MEMFD  (1 << 2)
#define PPM_EXE_LOWER_LAYER (1 << 3)
#define OVERLAYFS_MAGIC_    0x794c7630
#define CAP_DAC_OVERRIDE_   1

/* execve's flags: whether the caller may write its executable (mode bits
 * for its fsuid/fsgid, or CAP_DAC_OVERRIDE), whether it runs from a memfd,
 * and from which overlayfs layer. */
static __always_inline u32 exe_flags(struct file *exe, const struct cred *cred)
{
	struct inode *ino = BPF_CORE_READ(exe, f_inode);
	struct inode *vino = BPF_CORE_READ(exe, f_path.dentry, d_inode);
	u32 mode = BPF_CORE_READ(ino, i_mode), flags = 0;
	u64 caps = 0;
	u64 name = 0;

	bpf_probe_read_kernel(&caps, sizeof(caps), __builtin_preserve_access_index(&cred->cap_effective));
	if ((caps & (1ull << CAP_DAC_OVERRIDE_)) || (mode & 0002) ||
	    (BPF_CORE_READ(ino, i_uid.val) == BPF_CORE_READ(cred, fsuid.val) && (mode & 0200)) ||
	    (BPF_CORE_READ(ino, i_gid.val) == BPF_CORE_READ(cred, fsgid.val) && (mode & 0020)))
		flags |= PPM_EXE_WRITABLE;
	bpf_probe_read_kernel(&name, 6, BPF_CORE_READ(exe, f_path.dentry, d_name.name));
	if (name == 0x3a64666d656dull) /* "memfd:" little-endian */
		flags |= PPM_EXE_FROM_MEMFD;
	if (vino && BPF_CORE_READ(vino, i_sb, s_magic) == OVERLAYFS_MAGIC_) {
		struct ovl_inode *oi = (void *)vino - bpf_core_field_offset(struct ovl_inode, vfs_inode);

		flags |= BPF_CORE_READ(oi, __upperdentry) ? PPM_EXE_UPPER_LAYER : PPM_EXE_LOWER_LAYER;
	}
	return flags;
}

#define PF_EXITING_ 0x4
#define REAPER_SCAN 16

/* Who adopts the children of an exiting thread, the way the kernel picks:
 * a live thread of the same process, else the init of its pid namespace
 * (child subreapers are not looked for). 0 when it has no children. */
static __always_inline s64 exit_reaper(struct task_struct *task)
{
	struct list_head *head, *node;
	struct task_struct *t;
	struct pid *pid;
	struct upid *u;
	int i;

	if (BPF_CORE_READ(task, children.next) == __builtin_preserve_access_index(&task->children))
		return 0;
	if (bpf_core_field_exists(task->thread_node) && BPF_CORE_READ(task, signal, live.counter) > 0) {
		head = __builtin_preserve_access_index(&task->signal->thread_head);
		node = BPF_CORE_READ(task, thread_node.next);
		for (i = 0; i < REAPER_SCAN && node != head; i++) {
			t = (void *)node - bpf_core_field_offset(struct task_struct, thread_node);
			if (!(BPF_CORE_READ(t, flags) & PF_EXITING_))
				return BPF_CORE_READ(t, pid);
			node = BPF_CORE_READ(node, next);
		}
	}
	pid = BPF_CORE_READ(task, thread_pid);
	if (!pid)
		return 0;
	u = (void *)pid + bpf_core_field_offset(struct pid, numbers) +
	    (BPF_CORE_READ(pid, level) & 31) * bpf_core_type_size(struct upid);
	return BPF_CORE_READ(u, ns, child_reaper, pid);
}

/* pidns_init_start_ts: when the init process of the task's pid namespace
 * started, ns since boot (the scap wire form: readers add the boot time). */
static __always_inline u64 task_pidns_start(struct task_struct *task)
{
	struct pid *pid = BPF_CORE_READ(task, thread_pid);
	struct upid *u;
	struct task_struct *reaper;

	if (!pid)
		return 0;
	u = (void *)pid + bpf_core_field_offset(struct pid, numbers) +
	    (BPF_CORE_READ(pid, level) & 31) * bpf_core_type_size(struct upid);
	reaper = BPF_CORE_READ(u, ns, child_reaper);
	return reaper ? BPF_CORE_READ(reaper, start_boottime) : 0;
}

#endif
