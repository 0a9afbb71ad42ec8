/* SPDX-License-Identifier: Apache-2.0 */
/* evbuild.h: builds scap-layout events for the C tests (format.md §7):
 * a 26-byte header, nparams u16 lengths, then the values. Parameters are
 * appended in the order of the event's row in event_table_full.tsv. */
#ifndef SAKER_EVBUILD_H
#define SAKER_EVBUILD_H
#include <stdint.h>
#include <string.h>

enum { EVB_MAX_PARAMS = 40, EVB_CAP = 16384 };

struct evb {
	uint8_t buf[EVB_CAP];
	uint16_t lens[EVB_MAX_PARAMS];
	uint8_t vals[EVB_CAP];
	uint32_t nparams, vlen, len;
	uint64_t ts, tid;
	uint16_t type;
};

static inline void evb_begin(struct evb *b, uint16_t type, uint64_t tid, uint64_t ts)
{
	b->type = type;
	b->tid = tid;
	b->ts = ts;
	b->nparams = 0;
	b->vlen = 0;
}

static inline void evb_raw(struct evb *b, const void *p, uint32_t n)
{
	memcpy(b->vals + b->vlen, p, n);
	b->vlen += n;
	b->lens[b->nparams++] = (uint16_t)n;
}

static inline void evb_u8(struct evb *b, uint8_t v) { evb_raw(b, &v, 1); }
static inline void evb_u16(struct evb *b, uint16_t v) { evb_raw(b, &v, 2); }
static inline void evb_u32(struct evb *b, uint32_t v) { evb_raw(b, &v, 4); }
static inline void evb_u64(struct evb *b, uint64_t v) { evb_raw(b, &v, 8); }
static inline void evb_empty(struct evb *b) { evb_raw(b, "", 0); }
/* CHARBUF / FSPATH: the string and its NUL */
static inline void evb_str(struct evb *b, const char *s) { evb_raw(b, s, (uint32_t)strlen(s) + 1); }

/* A list of NUL-terminated items (args, env, cgroups): items separated by \n in `s`. */
static inline void evb_list(struct evb *b, const char *s)
{
	uint32_t n = (uint32_t)strlen(s) + 1, i;
	uint8_t *d = b->vals + b->vlen;

	for (i = 0; i < n; i++)
		d[i] = s[i] == '\n' ? 0 : (uint8_t)s[i];
	b->vlen += n;
	b->lens[b->nparams++] = (uint16_t)n;
}

/* clone X (223): res, exe, args, tid, pid, ptid, cwd, fdlimit, pgft_maj,
 * pgft_min, vm_size, vm_rss, vm_swap, comm, cgroups, flags, uid, gid,
 * vtid, vpid, pidns_init_start_ts. tid/pid/ptid are the caller's on the
 * parent side and the child's own on the child side; uid and gid 1000. */
static inline void evb_clone(struct evb *b, uint64_t evtid, uint64_t ts, int64_t res, int64_t tid,
			     int64_t pid, int64_t ptid, uint32_t flags, const char *comm,
			     const char *cgroups, uint64_t pidns_start)
{
	evb_begin(b, 223, evtid, ts);
	evb_u64(b, (uint64_t)res);
	evb_str(b, comm);
	evb_list(b, "");
	evb_u64(b, (uint64_t)tid);
	evb_u64(b, (uint64_t)pid);
	evb_u64(b, (uint64_t)ptid);
	evb_str(b, "/");
	evb_u64(b, 1024);
	evb_u64(b, 0);
	evb_u64(b, 0);
	evb_u32(b, 0);
	evb_u32(b, 0);
	evb_u32(b, 0);
	evb_str(b, comm);
	evb_list(b, cgroups);
	evb_u32(b, flags);
	evb_u32(b, 1000);
	evb_u32(b, 1000);
	evb_u64(b, (uint64_t)tid);
	evb_u64(b, (uint64_t)pid);
	evb_u64(b, pidns_start);
}

/* Lay the event out in b->buf; returns its length. */
static inline uint32_t evb_end(struct evb *b)
{
	uint32_t hdr = 26 + 2 * b->nparams;
	uint8_t *p = b->buf;

	b->len = hdr + b->vlen;
	memcpy(p, &b->ts, 8);
	memcpy(p + 8, &b->tid, 8);
	memcpy(p + 16, &b->len, 4);
	memcpy(p + 20, &b->type, 2);
	memcpy(p + 22, &b->nparams, 4);
	memcpy(p + 26, b->lens, 2 * b->nparams);
	memcpy(p + hdr, b->vals, b->vlen);
	return b->len;
}
#endif
