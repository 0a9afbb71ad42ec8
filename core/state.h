/* SPDX-License-Identifier: Apache-2.0 */
/*
 * state.h: the context and its state tables (internal to C).
 *
 * struct saker holds the current event (evt, par), its thread (thr) and its
 * fd (fd, fdnum), the thread table, the per-process fd tables, users and
 * groups. fields.c reads them; only saker.c, threads.c, fds.c, users.c,
 * container.c and procscan.c write them.
 *
 * Lifetimes: everything reachable from the current event stays valid until
 * the next saker_next (removals are deferred to the start of that call).
 * Strings live in a size-class pool (strpool.c): allocated when an entry is
 * created or changed, reused through free lists, so the steady state does
 * not touch the heap.
 *
 * state.h includes saker.h, which has no include guard (it is also FFI's
 * cdef): a C file includes either saker.h or state.h, not both.
 */
#ifndef SAKER_STATE_H
#define SAKER_STATE_H

#include <stdint.h>
#include "saker.h"
#include "event.h"

/* ---- string pool -------------------------------------------------------- */

/* A pooled byte string: s[len] == 0 always. Blobs (args, env, cgroups)
 * are NUL-separated items, len counts every byte including inner NULs
 * but not the final terminator. */
struct pstr {
	char *s;
	uint32_t len;
};

struct strpool;
struct strpool *strpool_new(void);
void strpool_free(struct strpool *p);
/* Replace *dst with a copy of (src, len); src may alias nothing in dst.
 * 0 ok, -1 out of memory (dst then keeps its old value). */
int pstr_set(struct strpool *p, struct pstr *dst, const void *src, uint32_t len);
void pstr_clear(struct strpool *p, struct pstr *dst);
static inline const char *pstr_c(const struct pstr *x) { return x->s ? x->s : ""; }

/* ---- fds ---------------------------------------------------------------- */

enum fd_type {
	FDT_UNKNOWN = 0, FDT_FILE, FDT_DIR, FDT_IPV4, FDT_IPV6, FDT_UNIX,
	FDT_PIPE, FDT_EVENT, FDT_SIGNALFD, FDT_EVENTPOLL, FDT_INOTIFY,
	FDT_TIMERFD, FDT_NETLINK, FDT_BPF, FDT_USERFAULTFD, FDT_IO_URING,
	FDT_MEMFD, FDT_PIDFD, FDT_RAW
};

/* fd.type and fd.typechar as Falco writes them. */
const char *fd_type_name(enum fd_type t);  /* "file", "directory", "ipv4", ... */
char fd_type_char(enum fd_type t);         /* 'f', 'd', '4', '6', 'u', 'p', ... */

struct fdinfo {
	int64_t fd;
	uint8_t type;            /* enum fd_type */
	uint8_t l4proto;         /* SCAP_L4_*: 0 unknown, 1 tcp, 2 udp, 3 icmp, 4 raw */
	uint8_t family;          /* PPM_AF_* for sockets, 0 otherwise */
	uint8_t is_server;       /* this process is the server end (listen/accept) */
	uint32_t flags;          /* PPM_O_* open flags (PPM_O_CLOEXEC included) */
	struct pstr name;        /* fd.name: absolute path, "memfd:x", tuple text, ... */
	/* Falco's client/server view of a connection: for connect the local end
	 * is the client, for accept the remote end is. Unbound/listening
	 * sockets have only the server side (sip/sport). IPs in network order,
	 * 4 bytes used for ipv4; ports in host order. */
	uint8_t cip[16], sip[16];
	uint16_t cport, sport;
	uint32_t dev;
	uint64_t ino;
	uint64_t usrc, udst;     /* unix sockets: kernel pointers */
	/* table links (fds.c) */
	uint32_t table;          /* owning struct files index */
	uint32_t hnext, lnext, lprev;
};

enum { L4_UNKNOWN = 0, L4_TCP = 1, L4_UDP = 2, L4_ICMP = 3, L4_RAW = 4 };

/* ---- threads ------------------------------------------------------------ */

/* What the threads of one process share: the fd table and the cwd. */
struct files {
	uint32_t refs;           /* threads pointing here; 0 = free */
	uint32_t nfds;
	uint32_t head;           /* first fdinfo of this table (FD_NIL: none) */
	struct pstr cwd;         /* absolute, ends with '/' */
	uint32_t next_free;
};

struct thread {
	int64_t tid, pid, ptid, sid, vtid, vpid, pgid, vpgid;
	char comm[16];
	struct pstr exe;         /* argv[0] as given */
	struct pstr exepath;     /* full path of the executable */
	struct pstr args;        /* argv[1..], NUL-separated (len 0: none) */
	uint32_t argc;           /* items in args */
	struct pstr env;         /* NUL-separated */
	struct pstr cgroups;     /* "subsys=path" items, NUL-separated */
	char container_id[16];   /* 12 hex chars, or "host" */
	uint32_t uid, gid, euid, egid, suid, sgid, loginuid;
	uint32_t tty;
	uint64_t cap_inheritable, cap_permitted, cap_effective;
	uint64_t exe_ino;
	uint64_t clone_ts;       /* ns: when the thread was created (0: unknown) */
	uint64_t pidns_init_start_ts;
	uint32_t vmsize_kb, vmrss_kb, vmswap_kb;
	uint64_t fdlimit;
	uint8_t exe_writable, exe_upper_layer, exe_lower_layer, exe_from_memfd;
	uint8_t in_container;    /* container_id is not "host" */
	uint8_t from_proc;       /* filled from /proc (scan or lookup) */
	uint8_t exited;          /* procexit seen; freed at the next saker_next */
	uint8_t indexed;         /* threads.c: linked in the parent index */
	uint32_t files;          /* index of the shared struct files */
	uint64_t last_ts;        /* ts of the latest event of this thread */
	uint32_t nthreads;       /* main thread: live threads of the process */
	/* table links (threads.c) */
	uint32_t hnext;
	uint8_t used;
	/* parent index (threads.c): the threads whose ptid is iptid share a
	 * chain, so an exit finds its children without a scan */
	int64_t iptid;
	uint32_t pnext, pprev;
};

/* ---- users and groups (users.c) ---------------------------------------- */

struct user {
	uint32_t uid, gid;
	const char *name, *home, *shell;
};

struct group {
	uint32_t gid;
	const char *name;
};

struct users;

/* ---- containers (container_meta.c) ------------------------------------- */

/* A mount as the runtime set it up (container.mount.*). */
struct ctr_mount {
	char *source, *dest, *mode, *propagation;
	uint8_t rdwr;
};

/* What the container runtime's files tell of one container; strings NULL
 * when the runtime did not say. */
struct container {
	char id[16];             /* 12 hex chars: the key ("": a free slot) */
	uint8_t found;           /* the runtime's files were read */
	uint8_t privileged, host_pid, host_network, host_ipc;
	uint64_t tried_ts;       /* event time of the last look (0: look now) */
	uint64_t used_ts;        /* event time of the last use (eviction) */
	char *type, *name, *image, *repository, *tag, *digest, *image_id;
	char *k8s_ns, *k8s_pod, *k8s_uid;
	char *mounts_text;       /* container.mounts: "src:dest:mode:rdwr:prop,..." */
	struct ctr_mount *mounts;
	uint32_t nmounts;
};

struct containers;

/* ---- the context ------------------------------------------------------- */

enum { STATE_NIL = 0xffffffffu };

/* Pools take slots first from their free list, then the next never-used
 * slot (`fresh`), so memory is touched only as the tables grow. */
struct thread_table {
	struct thread *pool;     /* cap entries; [fresh, cap) never used yet */
	uint32_t cap, used, fresh;
	uint32_t *buckets;       /* nbuckets heads (STATE_NIL: empty) */
	uint32_t nbuckets;
	uint32_t free_head;      /* via hnext */
	uint32_t clock;          /* eviction hand */
	uint64_t evictions;
	uint32_t *pbuckets;      /* parent index: nbuckets heads, hashed on ptid */
	uint32_t unindexed;      /* threads made but not yet in the parent index */
};

struct fd_table {
	struct fdinfo *pool;     /* cap entries; [fresh, cap) never used yet */
	uint32_t cap, used, fresh;
	uint32_t *buckets;       /* hash of (files index, fd) */
	uint32_t nbuckets;
	uint32_t free_head;
	uint32_t clock;
	uint64_t evictions;
	struct files *files;     /* fcap entries; refs == 0: free; [ffresh, fcap) never used */
	uint32_t fcap, fused, ffree, ffresh;
};

struct probe;

struct saker {
	/* the current event: valid from saker_next until the next call */
	struct saker_evt evt;
	struct evt_params par;
	struct thread *thr;      /* the event's thread (never NULL once handed out) */
	struct fdinfo *fd;       /* the event's fd entry, NULL if none */
	int64_t fdnum;           /* the event's fd number, -1 if none */
	struct thread *pin;      /* threads.c: also spared by eviction (a parent being copied) */
	uint64_t prev_ts;        /* saker.c: ts of the event handed out before this one (0: none) */

	struct thread_table th;
	struct fd_table fds;
	struct strpool *sp;
	struct users *users;

	/* owned by fields.c: set by it, freed by saker_close through the hook */
	void *fields;
	void (*fields_free)(void *fields);

	/* capture (saker.c) */
	struct probe *probe;
	int scan_proc;
	int64_t pending_exit;    /* tid to drop at the next call, -1 none */
	int64_t pending_close_fd;/* fd to drop at the next call (of pending_thr), -1 none */
	int64_t pending_close_tid;
	struct saker_stats stats;
	uint64_t boot_ts;        /* epoch ns at boot: live, or a capture's machine info (0: unknown) */
	uint8_t interest[512];   /* syscall numbers the rules added */
	uint8_t interest_all;
	void *queue;             /* saker.c: injected and batched events */
	struct containers *ctrs; /* container_meta.c: the runtimes' records */
};

/* ---- lookups (for fields.c and friends) -------------------------------- */

struct thread *thread_find(struct saker *s, int64_t tid);
/* The process (main thread, tid == pid) of t; t itself if unknown. */
struct thread *thread_main(struct saker *s, struct thread *t);
/* The parent process of t (by ptid), NULL if unknown. */
struct thread *thread_parent(struct saker *s, struct thread *t);
/* Live threads in t's process (its main thread's nthreads; 1 if unknown). */
uint32_t thread_count_in_process(struct saker *s, struct thread *t);
/* The cwd of t's process ("/" if unknown); ends with '/'. */
const struct pstr *thread_cwd(struct saker *s, const struct thread *t);

/* The fd entry of fd in t's process, NULL if unknown. */
struct fdinfo *fd_find(struct saker *s, const struct thread *t, int64_t fd);

/* Users and groups by id: NULL when unknown (a miss reloads the files at
 * most once per second). */
const struct user *user_get(struct saker *s, uint32_t uid);
const struct group *group_get(struct saker *s, uint32_t gid);

/* container.c: the container id for a cgroups blob (NUL-separated items):
 * 12 hex chars into out (>= 13 bytes) and 1, or "host" and 0. */
int container_id_from_cgroups(const char *blob, uint32_t len, char *out);
/* The same, whole: 64 hex chars into full (>= 65 bytes), and the runtime
 * the path names ("docker", "containerd", "cri-o", "podman") or NULL. */
int container_full_id(const char *blob, uint32_t len, char *full, const char **type);

/* container_meta.c: the runtime's record of t's container, read from the
 * runtimes' files on first use; NULL on the host, when no roots are set,
 * or while the runtime has not written them. */
const struct container *container_of(struct saker *s, const struct thread *t);

/* ---- internal: the state code's own entry points ---------------------- */

int threads_init(struct saker *s, uint32_t cap);
void threads_fini(struct saker *s);
/* Find or create (minimal entry, or from /proc when the context has
 * scan_proc/live set). Never NULL: evicts when full. */
struct thread *thread_get(struct saker *s, int64_t tid);
struct thread *thread_new(struct saker *s, int64_t tid);
void thread_drop(struct saker *s, int64_t tid);
/* Put t in the parent index under its current ptid (after ptid changes). */
void thread_index(struct saker *s, struct thread *t);
/* A process is gone: its children (ptid == pid) now have reaper_tid's
 * process as parent (Falco's reparenting). */
void thread_reparent(struct saker *s, int64_t pid, int64_t reaper_tid);

int fds_init(struct saker *s, uint32_t cap, uint32_t fcap);
void fds_fini(struct saker *s);
uint32_t files_new(struct saker *s);               /* refs = 1 */
uint32_t files_copy(struct saker *s, uint32_t from); /* a fork's copy, refs = 1 */
void files_ref(struct saker *s, uint32_t f);
void files_unref(struct saker *s, uint32_t f);
struct fdinfo *fd_add(struct saker *s, uint32_t files, int64_t fd); /* replaces an old entry */
void fd_remove(struct saker *s, uint32_t files, int64_t fd);
void fd_close_on_exec(struct saker *s, uint32_t files);
struct fdinfo *fd_lookup(struct saker *s, uint32_t files, int64_t fd);
/* Socket name as Falco writes fd.name ("cip:cport->sip:sport"). */
void fd_set_tuple_name(struct saker *s, struct fdinfo *f);

/* Resolve path against dir (absolute, ending in '/') into out (cap bytes),
 * normalising "." and ".." and repeated slashes. The length. */
uint32_t path_resolve(const char *dir, uint32_t dirlen, const char *path, uint32_t plen, char *out, uint32_t cap);

struct users *users_open(void);
void users_close(struct users *u);

/* roots: newline-separated directories where runtimes keep their files
 * (NULL or "": never look). NULL only when out of memory. */
struct containers *containers_open(const char *roots);
void containers_close(struct containers *c);
/* An execve in t's container: if its record was not found yet, look again
 * at the next use (runtimes write it before the first exec). */
void containers_exec(struct saker *s, const struct thread *t);

/* procscan.c: seed the tables from /proc; fill one thread (t->tid set)
 * from /proc/<pid>/task/<tid>, 0 ok, -1 gone. */
int procscan_all(struct saker *s);
int procscan_thread(struct saker *s, struct thread *t);

/* Apply the current event's effects to the tables (threads.c / fds.c). */
void state_apply(struct saker *s);
/* Epoch ns at boot (s->boot_ts, found from the clocks when live); 0: unknown. */
uint64_t state_boot_ts(struct saker *s);

#endif
