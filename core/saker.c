/* SPDX-License-Identifier: Apache-2.0 */
/*
 * saker.c: the context: open/close, the event source (injected queue, then
 * the probe's ring buffer through a batch arena), one event per saker_next
 * with its state effects applied, stats, kernel-side interest, signals.
 */
#include <errno.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "state.h"
#include "probe.h"
#include "scap.h"

enum {
	THREADS_CAP = 32768,
	FDS_CAP = 262144,
	ARENA_BYTES = 4 << 20,     /* the batch drained from the probe per poll */
	EVT_MAX_BYTES = 1 << 20,   /* larger events (only LARGE_PAYLOAD ones) are skipped */
	REC_HDR = 8                /* u32 len, u16 cpu, u16 pad */
};

/* A byte FIFO of records: REC_HDR then the event, 8-byte aligned. */
struct fifo {
	uint8_t *buf;
	size_t cap, rd, wr;
};

struct source {
	struct fifo injected;      /* grows as tests/replay inject */
	struct fifo arena;         /* fixed ARENA_BYTES, refilled from the probe */
	uint8_t *cur;              /* the current event's bytes (EVT_MAX_BYTES) */
	uint64_t skipped;          /* malformed or oversized events */
	struct scap_reader *file;  /* saker -e: the capture being replayed */
	int file_state;            /* 0 reading, 1 at its end, -1 broken */
	struct scap_writer *out;   /* saker -w: the capture being written */
	struct scap_writer *rec;   /* saker_record: the recording running */
	uint64_t rec_until;        /* its end: the last event time it takes */
	uint64_t rec_events;       /* events it wrote */
	uint64_t rec_ended;        /* events of the last one ended, until asked */
};

static volatile sig_atomic_t last_signal;

static void on_signal(int sig)
{
	last_signal = sig;
}

int32_t saker_signal_take(void)
{
	int32_t s = last_signal;

	last_signal = 0;
	return s;
}

int32_t saker_abi(void)
{
	return SAKER_ABI;
}

static void install_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGUSR1 };
	struct sigaction sa;
	unsigned i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: a pending poll returns EINTR */
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static size_t rec_size(uint32_t len)
{
	return (REC_HDR + (size_t)len + 7) & ~(size_t)7;
}

static int fifo_push(struct fifo *f, const void *data, uint32_t len, uint16_t cpu, int grow)
{
	size_t need = rec_size(len);
	uint8_t *p;

	if (f->wr + need > f->cap) {
		size_t ncap = f->cap ? f->cap : 65536;
		uint8_t *nb;

		if (!grow)
			return -1;
		while (ncap < f->wr + need)
			ncap *= 2;
		nb = realloc(f->buf, ncap);
		if (!nb)
			return -1;
		f->buf = nb;
		f->cap = ncap;
	}
	p = f->buf + f->wr;
	memcpy(p, &len, 4);
	memcpy(p + 4, &cpu, 2);
	memcpy(p + REC_HDR, data, len);
	f->wr += need;
	return 0;
}

/* The next record, or NULL. The bytes stay until the fifo is reset. */
static const uint8_t *fifo_pop(struct fifo *f, uint32_t *len, uint16_t *cpu)
{
	const uint8_t *p;

	if (f->rd >= f->wr) {
		f->rd = f->wr = 0;
		return NULL;
	}
	p = f->buf + f->rd;
	memcpy(len, p, 4);
	memcpy(cpu, p + 4, 2);
	f->rd += rec_size(*len);
	return p + REC_HDR;
}

static struct source *src_of(struct saker *s)
{
	return s->queue;
}

/* The recording is complete: close its file, keep its count for
 * saker_record_ended. */
static void record_end(struct source *q)
{
	scap_writer_close(q->rec);
	q->rec = NULL;
	q->rec_ended += q->rec_events;
}

struct saker *saker_open(const struct saker_opts *o, char *err, uint32_t errlen)
{
	struct saker *s = calloc(1, sizeof(*s));
	struct source *q = calloc(1, sizeof(*q));

	if (err && errlen)
		err[0] = 0;
	evt_init();
	if (!s || !q)
		goto nomem;
	s->queue = q;
	s->pending_exit = -1;
	s->pending_close_fd = -1;
	s->pending_close_tid = -1;
	s->sp = strpool_new();
	s->users = users_open();
	q->cur = malloc(EVT_MAX_BYTES);
	q->arena.buf = malloc(ARENA_BYTES);
	q->arena.cap = ARENA_BYTES;
	if (!s->sp || !s->users || !q->cur || !q->arena.buf ||
	    threads_init(s, THREADS_CAP) || fds_init(s, FDS_CAP, THREADS_CAP + 1))
		goto nomem;
	s->scan_proc = o && o->scan_proc;
	s->ctrs = containers_open(o ? o->container_roots : NULL);
	if (!s->ctrs)
		goto nomem;
	if (o && o->read_file) {
		if (o->live) {
			snprintf(err, errlen, "saker: a capture file is replayed without the probe");
			goto fail;
		}
		q->file = scap_reader_open(o->read_file, err, errlen);
		if (!q->file)
			goto fail;
	}
	if (o && o->live) {
		s->probe = probe_open(o->ring_kb, (uint32_t)getpid(), o->verbose, err, errlen);
		if (!s->probe)
			goto fail;
		probe_drop_failed(s->probe, o->drop_failed_exit);
		if (saker_interest_commit(s) < 0) {
			snprintf(err, errlen, "saker: cannot select the syscalls in the probe");
			goto fail;
		}
	}
	if (s->scan_proc)
		procscan_all(s);
	if (o && o->write_file) {
		q->out = scap_writer_open(o->write_file, 0, s, err, errlen);
		if (!q->out)
			goto fail;
	}
	install_signals();
	return s;
nomem:
	if (err && errlen)
		snprintf(err, errlen, "saker: out of memory setting up the state tables");
fail:
	if (s)
		saker_close(s);
	else
		free(q);
	return NULL;
}

void saker_close(struct saker *s)
{
	struct source *q;

	if (!s)
		return;
	q = src_of(s);
	if (s->fields_free && s->fields)
		s->fields_free(s->fields);
	if (s->probe)
		probe_close(s->probe);
	threads_fini(s);
	fds_fini(s);
	strpool_free(s->sp);
	users_close(s->users);
	containers_close(s->ctrs);
	if (q) {
		scap_reader_close(q->file);
		scap_writer_close(q->out);
		scap_writer_close(q->rec);
		free(q->injected.buf);
		free(q->arena.buf);
		free(q->cur);
		free(q);
	}
	free(s);
}

int saker_inject(struct saker *s, const uint8_t *raw, uint32_t len, uint16_t cpu)
{
	if (!s || !raw || len < 26)
		return -1;
	if (fifo_push(&src_of(s)->injected, raw, len, cpu, 1))
		return -1;
	s->stats.injected++;
	return 0;
}

/* probe_poll's callback: copy the record into the arena; stop when the
 * arena could not take one more large event. */
static int on_probe_event(void *ctx, const void *data, uint32_t len, uint16_t cpu)
{
	struct saker *s = ctx;
	struct fifo *a = &src_of(s)->arena;

	s->stats.received++;
	if (len > EVT_MAX_BYTES || fifo_push(a, data, len, cpu, 0))
		src_of(s)->skipped++;
	return a->cap - a->wr < rec_size(65536) ? 1 : 0;
}

/* Removals the previous event asked for (it still saw what it removed). */
static void apply_deferred(struct saker *s)
{
	struct thread *t;

	if (s->pending_close_fd >= 0) {
		t = thread_find(s, s->pending_close_tid);
		if (t)
			fd_remove(s, t->files, s->pending_close_fd);
		s->pending_close_fd = -1;
	}
	if (s->pending_exit >= 0) {
		thread_drop(s, s->pending_exit);
		s->pending_exit = -1;
	}
	s->thr = NULL;
	s->fd = NULL;
}

static const uint8_t *next_record(struct saker *s, int32_t timeout_ms, uint32_t *len, uint16_t *cpu)
{
	struct source *q = src_of(s);
	const uint8_t *p = fifo_pop(&q->injected, len, cpu);
	int n;

	if (p)
		return p;
	if (q->file) {
		if (q->file_state)
			return NULL;
		n = scap_reader_next(q->file, s, &p, len, cpu);
		if (n <= 0)
			q->file_state = n < 0 ? -1 : 1;
		return n > 0 ? p : NULL;
	}
	p = fifo_pop(&q->arena, len, cpu);
	if (p || !s->probe)
		return p;
	n = probe_poll(s->probe, timeout_ms, on_probe_event, s);
	if (n < 0)
		return NULL;
	return fifo_pop(&q->arena, len, cpu);
}

const struct saker_evt *saker_next(struct saker *s, int32_t timeout_ms)
{
	struct source *q = src_of(s);
	const uint8_t *p;
	uint32_t len, i;
	uint16_t cpu;

	apply_deferred(s);
	for (;;) {
		if (last_signal)
			return NULL;
		p = next_record(s, timeout_ms, &len, &cpu);
		if (!p)
			return NULL;
		if (len > EVT_MAX_BYTES || evt_decode(p, len, &s->par)) {
			q->skipped++;
			continue;
		}
		break;
	}
	/* the event stays put until the next call, whatever is injected */
	memcpy(q->cur, p, len);
	for (i = 0; i < s->par.n; i++) /* decoded once: move the params along */
		s->par.val[i] = q->cur + (s->par.val[i] - p);
	s->evt.num++;
	s->prev_ts = s->evt.ts; /* evt.deltatime */
	memcpy(&s->evt.ts, q->cur, 8);
	memcpy(&s->evt.tid, q->cur + 8, 8);
	memcpy(&s->evt.type, q->cur + 20, 2);
	s->evt.raw = q->cur;
	s->evt.len = len;
	s->evt.nparams = s->par.n;
	s->evt.kind = evt_kind(s->evt.type, &s->par);
	s->evt.cpu = cpu;
	s->evt.flags = 0;
	state_apply(s);
	s->stats.events++;
	if (q->out && scap_writer_event(q->out, q->cur, len, cpu))
		q->skipped++;
	if (q->rec && s->evt.ts > q->rec_until)
		record_end(q);
	if (q->rec && scap_writer_event(q->rec, q->cur, len, cpu) == 0)
		q->rec_events++;
	return &s->evt;
}

int saker_stats_get(struct saker *s, struct saker_stats *out)
{
	uint32_t i, n;

	if (!s || !out)
		return -1;
	*out = s->stats;
	out->threads = s->th.used;
	out->fds = s->fds.used;
	n = s->probe ? probe_ncpus(s->probe) : (uint32_t)sysconf(_SC_NPROCESSORS_CONF);
	out->ncpus = n;
	out->drops = 0;
	for (i = 0; s->probe && i < n; i++)
		out->drops += probe_drops(s->probe, i);
	return 0;
}

uint64_t saker_cpu_drops(struct saker *s, uint32_t cpu)
{
	return s && s->probe ? probe_drops(s->probe, cpu) : 0;
}

void saker_interest_clear(struct saker *s)
{
	memset(s->interest, 0, sizeof(s->interest));
	s->interest_all = 0;
}

int saker_interest_add(struct saker *s, const char *evtype)
{
	uint32_t nrs[64];
	int n, i;

	if (!evtype)
		return -1;
	if (!strcmp(evtype, "procexit"))
		return 0; /* sent always, from the scheduler hook */
	n = probe_syscalls_for(evtype, nrs, 64);
	if (n <= 0) {
		/* a syscall the probe does not decode: sent as a generic event */
		n = sys_nr(evtype);
		if (n < 0 || (uint32_t)n >= sizeof(s->interest))
			return -1;
		s->interest[n] = PROBE_GENERIC;
		return 0;
	}
	for (i = 0; i < n; i++)
		if (nrs[i] < sizeof(s->interest))
			s->interest[nrs[i]] = PROBE_DECODED;
	return 0;
}

void saker_interest_all(struct saker *s)
{
	s->interest_all = 1;
}

int saker_interest_commit(struct saker *s)
{
	uint8_t on[PROBE_NSYSCALLS];
	uint32_t i;

	if (!s->probe)
		return 0;
	memset(on, 0, sizeof(on));
	probe_state_syscalls(on);
	for (i = 0; i < PROBE_NSYSCALLS && i < sizeof(s->interest); i++) {
		if (s->interest_all && !on[i])
			on[i] = PROBE_DECODED;
		if (s->interest[i] > on[i])
			on[i] = s->interest[i];
	}
	return probe_select(s->probe, on, PROBE_NSYSCALLS) < 0 ? -1 : 0;
}

int32_t saker_capture_status(struct saker *s, char *msg, uint32_t cap)
{
	struct source *q = src_of(s);

	if (msg && cap)
		msg[0] = 0;
	if (!q->file)
		return 1;
	if (q->file_state < 0 && msg && cap)
		snprintf(msg, cap, "%s", scap_reader_error(q->file));
	return q->file_state;
}

uint32_t saker_capture_warnings(struct saker *s, char *msg, uint32_t cap)
{
	struct source *q = src_of(s);
	const char *last;
	uint32_t n;

	if (msg && cap)
		msg[0] = 0;
	if (!q->file)
		return 0;
	n = scap_reader_warnings(q->file, &last);
	if (n && msg && cap)
		snprintf(msg, cap, "%s", last);
	return n;
}

int32_t saker_capture_window(struct saker *s, uint32_t before, uint32_t after)
{
	struct source *q = src_of(s);

	return q->out ? scap_writer_window(q->out, before, after) : -1;
}

void saker_capture_keep(struct saker *s)
{
	struct source *q = src_of(s);

	if (q->out)
		scap_writer_keep(q->out);
}

int32_t saker_record(struct saker *s, const char *path, uint64_t until_ns, char *msg, uint32_t cap)
{
	struct source *q = src_of(s);

	if (q->rec) {
		if (until_ns > q->rec_until)
			q->rec_until = until_ns;
		return 1;
	}
	q->rec = scap_writer_open(path, 1, s, msg, cap);
	if (!q->rec)
		return -1;
	q->rec_until = until_ns;
	q->rec_events = 0;
	if (s->evt.raw && scap_writer_event(q->rec, q->cur, s->evt.len, s->evt.cpu) == 0)
		q->rec_events++; /* the event that set it off */
	return 0;
}

uint64_t saker_record_ended(struct saker *s, uint64_t now_ns)
{
	struct source *q = src_of(s);
	uint64_t n;

	if (q->rec && now_ns && now_ns > q->rec_until)
		record_end(q);
	n = q->rec_ended;
	q->rec_ended = 0;
	return n;
}
