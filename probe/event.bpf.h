/* SPDX-License-Identifier: Apache-2.0 */
/* event.bpf.h: the maps the probe shares with user space and the builder
 * of scap-layout events in a per-CPU scratch buffer.
 *
 * An event is built in place: the 26-byte header, nparams u16 lengths, then
 * the values back to back. Its size is only known at the end, so it goes to
 * the ring with bpf_ringbuf_output (one copy of a mostly small event), not
 * bpf_ringbuf_reserve, which needs a size fixed at load time and would
 * waste ring space sized for the largest execve on every close(). */
#ifndef SAKER_EVENT_BPF_H
#define SAKER_EVENT_BPF_H

#define NSYSCALLS  512     /* PROBE_NSYSCALLS */
#define EV_MAX     16384   /* largest event sent */
#define EV_MASK    (EV_MAX - 1)
#define CHUNK_MAX  4096    /* a single value is shorter */
#define CHUNK_MASK (CHUNK_MAX - 1)
#define HDR_LEN    26
#define SNAPLEN    80      /* BYTEBUF data captured */
#define PATH_BUF   8192    /* backwards path building area */
#define PATH_MASK  (PATH_BUF - 1)
#define NAME_MAX_  256
#define WAKEUP_EVERY 16    /* events between two looks at the backlog */

/* Hide v's known range from the compiler, so that the mask that follows
 * stays in the code for the verifier to see. */
#define opaque(v) asm volatile("" : "+r"(v))

/* Filled in by user space before load. */
const volatile __u64 boot_ns = 0;     /* epoch ns at boot */
const volatile __u32 self_tgid = 0;   /* never traced */
const volatile __u64 wakeup_bytes = 1; /* wake the reader past this backlog */

/* Syscall selection, indexed by syscall number: the scap exit event code
 * to send, 0 for none. In .bss, which libbpf mmaps, so that user space
 * switches syscalls with a store and the hot path tests them with a load. */
__u16 evcode[NSYSCALLS] = {};

/* falco.yaml's syscall_drop_failed_exit: a syscall that failed is not
 * sent. Also in .bss, set by user space after load. */
__u8 drop_failed = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} drops SEC(".maps");

/* The write positions live in the map value, not in registers: the
 * verifier then sees them as bounded unknowns and the states of the many
 * "value or empty" branches merge instead of multiplying. */
struct scratch {
	u32 off;   /* where the next value goes */
	u32 idx;   /* the next parameter */
	u32 pos;   /* start of the path being built backwards in path[] */
	u32 sent;  /* events sent from this CPU */
	u8 buf[EV_MAX + CHUNK_MAX];
	u8 path[PATH_BUF + NAME_MAX_];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct scratch);
} scratch_map SEC(".maps");

struct evb {
	struct scratch *s;
};

static __always_inline int evb_start(struct evb *e, u32 nparams)
{
	u32 zero = 0;

	e->s = bpf_map_lookup_elem(&scratch_map, &zero);
	if (!e->s)
		return -1;
	e->s->off = HDR_LEN + 2 * nparams;
	e->s->idx = 0;
	return 0;
}

/* Room for the next value, at most CHUNK_MAX - 1. Callers mask what they
 * pass to helpers with CHUNK_MASK so that the bound reaches the verifier
 * whatever the compiler does with this function's branches. */
static __always_inline u32 evb_room(const struct evb *e)
{
	u32 off = e->s->off;

	if (off >= EV_MAX)
		return 0;
	if (EV_MAX - off > CHUNK_MASK)
		return CHUNK_MASK;
	return EV_MAX - off;
}

static __always_inline void *evb_at(struct evb *e)
{
	return &e->s->buf[e->s->off & EV_MASK];
}

/* Close the current parameter with len bytes written at evb_at(). */
static __always_inline void evb_len(struct evb *e, u32 len)
{
	struct scratch *s = e->s;

	*(u16 *)&s->buf[HDR_LEN + 2 * (s->idx & 31)] = len;
	s->idx++;
	s->off += len & CHUNK_MASK;
}

static __always_inline void evb_empty(struct evb *e)
{
	evb_len(e, 0);
}

static __always_inline void evb_u8(struct evb *e, u8 v)
{
	*(u8 *)evb_at(e) = v;
	evb_len(e, 1);
}

static __always_inline void evb_u16(struct evb *e, u16 v)
{
	*(u16 *)evb_at(e) = v;
	evb_len(e, 2);
}

static __always_inline void evb_u32(struct evb *e, u32 v)
{
	*(u32 *)evb_at(e) = v;
	evb_len(e, 4);
}

static __always_inline void evb_u64(struct evb *e, u64 v)
{
	*(u64 *)evb_at(e) = v;
	evb_len(e, 8);
}

/* Strings: NUL included in the length; an unreadable one is empty. */
static __always_inline void evb_ustr(struct evb *e, const void *uptr)
{
	u32 room = evb_room(e);
	long n = 0;

	opaque(room);
	if (uptr && room)
		n = bpf_probe_read_user_str(evb_at(e), room & CHUNK_MASK, uptr);
	evb_len(e, n > 0 ? n : 0);
}

static __always_inline void evb_kstr(struct evb *e, const void *kptr)
{
	u32 room = evb_room(e);
	long n = 0;

	opaque(room);
	if (kptr && room)
		n = bpf_probe_read_kernel_str(evb_at(e), room & CHUNK_MASK, kptr);
	evb_len(e, n > 0 ? n : 0);
}

/* Raw user bytes, at most max. */
static __always_inline void evb_ubytes(struct evb *e, const void *uptr, u64 len, u32 max)
{
	u32 room = evb_room(e);

	if (len > max)
		len = max;
	if (len > room)
		len = room;
	opaque(len);
	if (!uptr || !len || bpf_probe_read_user(evb_at(e), len & CHUNK_MASK, uptr)) {
		evb_empty(e);
		return;
	}
	evb_len(e, len);
}

/* Write the header and send; count a failure in drops. The bounds are
 * checked on opaque copies so that each one reaches the verifier on the
 * very register the helper or the store uses. */
static __always_inline void evb_send(struct evb *e, u16 type)
{
	u8 *b = e->s->buf;
	u64 len = e->s->off, size, at;
	u32 zero = 0;
	u64 *d, flags;

	if (len > EV_MAX - 2)
		return;
	*(u64 *)&b[0] = bpf_ktime_get_boot_ns() + boot_ns;
	*(u64 *)&b[8] = (u32)bpf_get_current_pid_tgid();
	*(u32 *)&b[16] = len;
	*(u16 *)&b[20] = type;
	*(u32 *)&b[22] = e->s->idx;
	/* The CPU rides after the event, outside its len. */
	at = len;
	opaque(at);
	*(u16 *)&b[at & EV_MASK] = bpf_get_smp_processor_id();
	/* Waking the reader per event costs more than the event (an IPI in
	 * a VM): it is woken only once a backlog builds up, and otherwise
	 * polls on a short tick (probe_poll). The backlog is looked at on
	 * every WAKEUP_EVERY-th event of a CPU, not on each. */
	flags = BPF_RB_NO_WAKEUP;
	if ((e->s->sent++ & (WAKEUP_EVERY - 1)) == 0 &&
	    bpf_ringbuf_query(&rb, BPF_RB_AVAIL_DATA) >= wakeup_bytes)
		flags = BPF_RB_FORCE_WAKEUP;
	size = len + 2;
	opaque(size);
	if (size > EV_MAX)
		return;
	if (bpf_ringbuf_output(&rb, b, size, flags) == 0)
		return;
	d = bpf_map_lookup_elem(&drops, &zero);
	if (d)
		*d += 1;
}

#endif
