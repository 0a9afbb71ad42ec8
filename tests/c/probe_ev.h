/* SPDX-License-Identifier: Apache-2.0 */
/* probe_ev.h: the live probe tests' view of raw scap events: collect them
 * from probe_poll, find them by type and thread, read their parameters. */
#ifndef SAKER_PROBE_EV_H
#define SAKER_PROBE_EV_H
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "probe.h"

enum { EV_KEEP = 200000 };

struct ev {
	uint8_t *raw;
	uint32_t len;
};

static struct ev evs[EV_KEEP];
static int nev;
static int self_seen;   /* events of our own process: must stay 0 */

static inline uint64_t u64at(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static inline uint32_t u32at(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint16_t u16at(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }

static inline uint16_t ev_type(const struct ev *e) { return u16at(e->raw + 20); }
static inline uint64_t ev_tid(const struct ev *e) { return u64at(e->raw + 8); }
static inline uint32_t ev_nparams(const struct ev *e) { return u32at(e->raw + 22); }

/* Parameter i of e, its length in *len; NULL past the end. */
static inline const uint8_t *param(const struct ev *e, uint32_t i, uint16_t *len)
{
	uint32_t n, off, k;

	if (!e || i >= (n = ev_nparams(e)))
		return NULL;
	off = 26 + 2 * n;
	for (k = 0; k < i; k++)
		off += u16at(e->raw + 26 + 2 * k);
	*len = u16at(e->raw + 26 + 2 * i);
	return off + *len <= e->len ? e->raw + off : NULL;
}

/* An integer parameter by its wire size; -999999 when absent. */
static inline int64_t p_int(const struct ev *e, uint32_t i)
{
	uint16_t len = 0;
	const uint8_t *p = param(e, i, &len);

	if (!p)
		return -999999;
	switch (len) {
	case 1: return p[0];
	case 2: return u16at(p);
	case 4: return (int32_t)u32at(p);
	case 8: return (int64_t)u64at(p);
	}
	return -999999;
}

static inline const char *p_str(const struct ev *e, uint32_t i)
{
	uint16_t len = 0;
	const uint8_t *p = param(e, i, &len);

	return p && len && p[len - 1] == 0 ? (const char *)p : "(none)";
}

/* probe_event_fn: keep a copy of every event (a child's events may come
 * before the event that names the child). */
static inline int ev_keep(void *ctx, const void *data, uint32_t len, uint16_t cpu)
{
	if (u64at((const uint8_t *)data + 8) == (uint64_t)getpid())
		self_seen++;
	if (nev >= EV_KEEP)
		return 0;
	evs[nev].raw = malloc(len);
	if (!evs[nev].raw)
		return 0;
	memcpy(evs[nev].raw, data, len);
	evs[nev].len = len;
	nev++;
	return 0;
}

static inline void ev_free(void)
{
	while (nev > 0)
		free(evs[--nev].raw);
}

/* The nth (0-based) event of this type from thread tid. */
static inline const struct ev *find(uint16_t type, int64_t tid, int nth)
{
	int i;

	for (i = 0; i < nev; i++)
		if (ev_type(&evs[i]) == type && ev_tid(&evs[i]) == (uint64_t)tid && nth-- == 0)
			return &evs[i];
	return NULL;
}

/* Select these event types (NULL-terminated) and nothing else. */
static inline void select_types(struct probe *p, const char *const *types)
{
	uint8_t on[PROBE_NSYSCALLS] = { 0 };
	uint32_t nrs[8];
	int i, k, n;

	for (i = 0; types[i]; i++) {
		n = probe_syscalls_for(types[i], nrs, 8);
		CHECK(n > 0);
		for (k = 0; k < n && k < 8; k++)
			on[nrs[k]] = 1;
	}
	probe_select(p, on, PROBE_NSYSCALLS);
}

static inline uint64_t total_drops(struct probe *p)
{
	uint64_t d = 0;
	uint32_t cpu;

	for (cpu = 0; cpu < probe_ncpus(p); cpu++)
		d += probe_drops(p, cpu);
	return d;
}
#endif
