/* SPDX-License-Identifier: Apache-2.0 */
/* probe.h: the C core's view of the eBPF probe (core/probe.c); internal to C. */
#ifndef SAKER_PROBE_H
#define SAKER_PROBE_H

#include <stddef.h>
#include <stdint.h>

struct probe;

/* Called once per event read from the ring buffer, in order. `data` is one
 * scap-layout event (see saker.h) and is valid only during the call.
 * Return 0 to go on, 1 to stop draining after this event (it is consumed). */
typedef int (*probe_event_fn)(void *ctx, const void *data, uint32_t len, uint16_t cpu);

/* Load, configure and attach the probe. Never traces self_tgid. NULL on
 * failure with one line in err naming what is missing (root, CAP_BPF,
 * /sys/kernel/btf/vmlinux, ...). */
struct probe *probe_open(uint32_t ring_kb, uint32_t self_tgid, int verbose, char *err, size_t errlen);
void probe_close(struct probe *p);

/* Wait up to timeout_ms for events and hand each to fn. The number handed,
 * or -errno (-EINTR when a signal arrived). */
int probe_poll(struct probe *p, int timeout_ms, probe_event_fn fn, void *ctx);

/* Syscall selection by syscall number: on[nr] is PROBE_DECODED to send the
 * syscall's own event if the probe decodes it, PROBE_GENERIC to send it
 * in any case, as a generic event (syscall_X) when it has no decoder. */
enum { PROBE_OFF = 0, PROBE_DECODED = 1, PROBE_GENERIC = 2, PROBE_GENERIC_X = 1 };
int probe_select(struct probe *p, const uint8_t *on, uint32_t nsyscalls);

/* Failed syscalls (a negative return) are not sent while on. */
void probe_drop_failed(struct probe *p, int on);

uint32_t probe_ncpus(const struct probe *p);
uint64_t probe_drops(const struct probe *p, uint32_t cpu); /* reservation failures */

/* The syscall table of what the probe decodes (core/syscalls.c). */
enum { PROBE_NSYSCALLS = 512 };
/* Fill nrs with the syscall numbers whose events carry evt.type `evtype`;
 * the count (0: the probe sends no such event). */
int probe_syscalls_for(const char *evtype, uint32_t *nrs, int max);
/* The scap exit event code the probe sends for syscall nr, 0: none. */
int probe_syscall_event(uint32_t nr);
/* Mark in on[] the syscalls the state tables always need. */
void probe_state_syscalls(uint8_t *on);

#endif
