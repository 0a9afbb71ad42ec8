/* SPDX-License-Identifier: Apache-2.0 */
/* probe.c: load, configure, attach and drain the eBPF probe
 * (probe/saker.bpf.c, built into build/saker.skel.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <asm/unistd_64.h>
#include <linux/capability.h>
#include <sys/syscall.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "probe.h"
#include "saker.skel.h"

enum {
	RING_KB_DEFAULT = 8192,
	WAKEUP_SHIFT = 4,    /* the probe wakes the reader at 1/16 of the ring */
	POLL_TICK_MS = 10,   /* otherwise the reader looks this often */
	CAP_PERFMON_ = 38,
	CAP_BPF_ = 39
};

struct probe {
	struct saker_bpf *skel;
	struct ring_buffer *ring;
	struct bpf_link *links[3];
	uint32_t ncpus;
	uint64_t *percpu;      /* scratch for per-CPU map reads */
	/* the poll in progress */
	probe_event_fn fn;
	void *ctx;
	int handed;
	int stopped;
};

static int print_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

static int print_verbose(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return vfprintf(stderr, fmt, ap);
}

/* CLOCK_REALTIME at boot, in ns: added to bpf_ktime_get_boot_ns(). */
static uint64_t boot_epoch_ns(void)
{
	struct timespec rt, bt;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	return (rt.tv_sec - bt.tv_sec) * 1000000000ull + rt.tv_nsec - bt.tv_nsec;
}

static int has_cap(int cap)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return 0;
	return (d[cap / 32].effective >> (cap % 32)) & 1;
}

/* Why loading may fail, said before libbpf says it less clearly. */
static int preflight(char *err, size_t errlen)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		snprintf(err, errlen, "probe: missing /sys/kernel/btf/vmlinux (kernel built without CONFIG_DEBUG_INFO_BTF)");
		return -1;
	}
	if (geteuid() != 0 && !has_cap(CAP_SYS_ADMIN) && !(has_cap(CAP_BPF_) && has_cap(CAP_PERFMON_))) {
		snprintf(err, errlen, "probe: needs root, or CAP_BPF and CAP_PERFMON");
		return -1;
	}
	return 0;
}

/* One ring record: the scap event, then the u16 CPU it was captured on
 * (outside the event's own len). */
static int on_record(void *ctx, void *data, size_t size)
{
	struct probe *p = ctx;
	uint32_t len;
	uint16_t cpu = 0;

	if (size < 26 + 2)
		return 0;
	memcpy(&len, (uint8_t *)data + 16, sizeof(len));
	if (len + 2 > size)
		return 0;
	memcpy(&cpu, (uint8_t *)data + len, sizeof(cpu));
	p->handed++;
	if (p->fn(p->ctx, data, len, cpu)) {
		p->stopped = 1;
		return -ECANCELED;  /* libbpf has consumed the record already */
	}
	return 0;
}

struct probe *probe_open(uint32_t ring_kb, uint32_t self_tgid, int verbose, char *err, size_t errlen)
{
	struct probe *p;
	int ret;

	libbpf_set_print(verbose ? print_verbose : print_quiet);
	if (preflight(err, errlen))
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "probe: out of memory");
		return NULL;
	}
	ret = libbpf_num_possible_cpus();
	if (ret <= 0) {
		snprintf(err, errlen, "probe: cannot count CPUs: %s", strerror(-ret));
		goto cleanup;
	}
	p->ncpus = ret;
	p->percpu = calloc(p->ncpus, sizeof(uint64_t));
	if (!p->percpu) {
		snprintf(err, errlen, "probe: out of memory");
		goto cleanup;
	}

	p->skel = saker_bpf__open();
	if (!p->skel) {
		snprintf(err, errlen, "probe: cannot open the BPF object: %s", strerror(errno));
		goto cleanup;
	}
	if (!ring_kb)
		ring_kb = RING_KB_DEFAULT;
	if (ring_kb < 4 || (ring_kb & (ring_kb - 1))) {
		snprintf(err, errlen, "probe: the ring size must be a power of two KiB, 4 or more (got %u)", ring_kb);
		goto cleanup;
	}
	ret = bpf_map__set_max_entries(p->skel->maps.rb, ring_kb * 1024);
	if (ret) {
		snprintf(err, errlen, "probe: bad ring size %u KiB: %s", ring_kb, strerror(-ret));
		goto cleanup;
	}
	p->skel->rodata->boot_ns = boot_epoch_ns();
	p->skel->rodata->self_tgid = self_tgid;
	p->skel->rodata->wakeup_bytes = ((uint64_t)ring_kb * 1024) >> WAKEUP_SHIFT;

	ret = saker_bpf__load(p->skel);
	if (ret) {
		snprintf(err, errlen, "probe: the kernel refused the BPF probe: %s%s", strerror(-ret),
			 verbose ? "" : " (run verbose for the verifier log)");
		goto cleanup;
	}

	p->links[0] = bpf_program__attach(p->skel->progs.sys_exit);
	p->links[1] = bpf_program__attach(p->skel->progs.proc_exit);
	p->links[2] = bpf_program__attach(p->skel->progs.proc_exec);
	for (ret = 0; ret < 3; ret++) {
		if (!p->links[ret]) {
			snprintf(err, errlen, "probe: cannot attach to the tracepoints: %s", strerror(errno));
			goto cleanup;
		}
	}

	p->ring = ring_buffer__new(bpf_map__fd(p->skel->maps.rb), on_record, p, NULL);
	if (!p->ring) {
		snprintf(err, errlen, "probe: cannot map the ring buffer: %s", strerror(errno));
		goto cleanup;
	}
	return p;

cleanup:
	probe_close(p);
	return NULL;
}

void probe_close(struct probe *p)
{
	int i;

	if (!p)
		return;
	ring_buffer__free(p->ring);
	for (i = 0; i < 3; i++)
		bpf_link__destroy(p->links[i]);
	saker_bpf__destroy(p->skel);
	free(p->percpu);
	free(p);
}

int probe_poll(struct probe *p, int timeout_ms, probe_event_fn fn, void *ctx)
{
	int ret, tick;

	p->fn = fn;
	p->ctx = ctx;
	p->handed = 0;
	p->stopped = 0;
	for (;;) {
		ret = ring_buffer__consume(p->ring);
		if (p->handed || p->stopped)
			return p->handed;
		if (ret < 0)
			return ret;
		if (timeout_ms == 0)
			return 0;
		/* The probe wakes us only when a backlog builds up: look again
		 * every tick meanwhile. */
		tick = timeout_ms < 0 || timeout_ms > POLL_TICK_MS ? POLL_TICK_MS : timeout_ms;
		ret = ring_buffer__poll(p->ring, tick);
		if (p->handed || p->stopped)
			return p->handed;
		if (ret < 0)
			return ret;
		if (timeout_ms > 0)
			timeout_ms -= tick;
	}
}

int probe_select(struct probe *p, const uint8_t *on, uint32_t nsyscalls)
{
	uint32_t nr;

	for (nr = 0; nr < PROBE_NSYSCALLS; nr++) {
		int code = nr < nsyscalls && on[nr] ? probe_syscall_event(nr) : 0;

		if (!code && nr < nsyscalls && on[nr] == PROBE_GENERIC)
			code = PROBE_GENERIC_X;
		p->skel->bss->evcode[nr] = code;
	}
	/* A successful execveat leaves the kernel as an execve (the ELF loader
	 * rewrites orig_ax): its event is execve's, as with Falco. */
	if (__NR_execveat < nsyscalls && on[__NR_execveat])
		p->skel->bss->evcode[__NR_execve] = probe_syscall_event(__NR_execve);
	return 0;
}

void probe_drop_failed(struct probe *p, int on)
{
	p->skel->bss->drop_failed = on ? 1 : 0;
}

uint32_t probe_ncpus(const struct probe *p)
{
	return p->ncpus;
}

uint64_t probe_drops(const struct probe *p, uint32_t cpu)
{
	uint32_t zero = 0;

	if (cpu >= p->ncpus ||
	    bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.drops), &zero, p->percpu))
		return 0;
	return p->percpu[cpu];
}
