/* SPDX-License-Identifier: Apache-2.0 */
/*
 * out_queue.c: a channel's bounded queue and its thread. The engine pushes
 * formatted alerts (never waiting: a full queue drops and counts); the
 * thread pops them one at a time and hands them to the channel's sink
 * outside the lock, so a slow receiver only fills its own queue.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "out.h"

struct rec_hdr {
	uint32_t len;
	int32_t prio;
};

uint64_t out_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void deadline_in(struct timespec *ts, uint32_t ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

void out_error(struct saker_out *c, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&c->lock);
	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	c->err_seq = ++c->st.errors;
	pthread_mutex_unlock(&c->lock);
}

int out_sleep(struct saker_out *c, uint32_t ms)
{
	struct timespec ts;
	int stop;

	deadline_in(&ts, ms);
	pthread_mutex_lock(&c->lock);
	while (!c->stop && pthread_cond_timedwait(&c->wake, &c->lock, &ts) != ETIMEDOUT)
		;
	stop = c->stop;
	pthread_mutex_unlock(&c->lock);
	return stop;
}

static void ring_put(struct saker_out *c, uint32_t at, const void *src, uint32_t n)
{
	uint32_t first = c->cap - at < n ? c->cap - at : n;

	memcpy(c->ring + at, src, first);
	memcpy(c->ring, (const uint8_t *)src + first, n - first);
}

static void ring_get(struct saker_out *c, uint32_t at, void *dst, uint32_t n)
{
	uint32_t first = c->cap - at < n ? c->cap - at : n;

	memcpy(dst, c->ring + at, first);
	memcpy((uint8_t *)dst + first, c->ring, n - first);
}

int32_t saker_out_push(struct saker_out *c, const char *msg, uint32_t len, int32_t prio)
{
	struct rec_hdr h = { len, prio };
	uint32_t need = sizeof(h) + len;

	pthread_mutex_lock(&c->lock);
	if (c->st.disabled || c->stop || need > c->cap - c->used) {
		c->st.dropped++;
		pthread_mutex_unlock(&c->lock);
		return -1;
	}
	ring_put(c, (c->head + c->used) % c->cap, &h, sizeof(h));
	ring_put(c, (c->head + c->used + sizeof(h)) % c->cap, msg, len);
	c->used += need;
	c->pending++;
	c->st.queued++;
	pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->lock);
	return 0;
}

/* The worker: pop a record into buf (grown as needed), send it unlocked. */
static void *worker(void *arg)
{
	struct saker_out *c = arg;
	char *buf = NULL;
	uint32_t bufcap = 0;
	int idle_done = 1;
	uint64_t last_idle = out_now_ms();

	for (;;) {
		struct rec_hdr h;
		struct timespec ts;
		int r, disabled;

		pthread_mutex_lock(&c->lock);
		while (!c->pending && !c->stop) {
			if (idle_done) {
				deadline_in(&ts, 500);
				if (pthread_cond_timedwait(&c->wake, &c->lock, &ts) == ETIMEDOUT)
					break;
			} else {
				deadline_in(&ts, 200);
				pthread_cond_timedwait(&c->wake, &c->lock, &ts);
				break;
			}
		}
		if (!c->pending) {
			int stop = c->stop;

			pthread_mutex_unlock(&c->lock);
			if (c->sink->idle)
				c->sink->idle(c);
			idle_done = 1;
			last_idle = out_now_ms();
			if (stop)
				break;
			continue;
		}
		ring_get(c, c->head, &h, sizeof(h));
		if (h.len + 1 > bufcap) {
			char *nb = realloc(buf, h.len + 1);

			if (!nb) { /* keep the record for a later try */
				pthread_mutex_unlock(&c->lock);
				out_sleep(c, 100);
				continue;
			}
			buf = nb;
			bufcap = h.len + 1;
		}
		ring_get(c, (c->head + sizeof(h)) % c->cap, buf, h.len);
		buf[h.len] = 0;
		c->head = (c->head + sizeof(h) + h.len) % c->cap;
		c->used -= sizeof(h) + h.len;
		c->pending--;
		c->busy = 1;
		pthread_mutex_unlock(&c->lock);

		disabled = c->st.disabled;
		r = disabled ? -1 : c->sink->send(c, buf, h.len, h.prio);
		idle_done = 0;
		if (c->sink->idle && out_now_ms() - last_idle >= 1000) {
			/* under a steady stream too: timed batches, flushes */
			c->sink->idle(c);
			last_idle = out_now_ms();
		}

		pthread_mutex_lock(&c->lock);
		if (disabled)
			c->st.dropped++;
		else if (r < 0)
			c->st.failed++;
		else
			c->st.sent++;
		c->busy = 0;
		if (!c->pending)
			pthread_cond_broadcast(&c->empty);
		pthread_mutex_unlock(&c->lock);
	}
	free(buf);
	return NULL;
}

static char *dup_opt(const char *s)
{
	return s && *s ? strdup(s) : NULL;
}

static const struct out_sink *sink_of(int32_t kind)
{
	switch (kind) {
	case SAKER_OUT_FILE: return &out_file_sink;
	case SAKER_OUT_SYSLOG: return &out_syslog_sink;
	case SAKER_OUT_PROGRAM: return &out_program_sink;
	case SAKER_OUT_HTTP: return &out_http_sink;
	case SAKER_OUT_PLUGIN: return &out_plugin_sink;
	case SAKER_OUT_GRPC: return &out_grpc_sink;
	case SAKER_OUT_STDOUT: return &out_stdout_sink;
	}
	return NULL;
}

static void free_opts(struct saker_out_opts *o)
{
	free((char *)o->name);
	free((char *)o->target);
	free((char *)o->user_agent);
	free((char *)o->content_type);
	free((char *)o->ca_cert);
	free((char *)o->ca_path);
	free((char *)o->client_cert);
	free((char *)o->client_key);
	free((char *)o->home);
	free((char *)o->config_json);
	free((char *)o->version);
}

static void out_free(struct saker_out *c)
{
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->wake);
	pthread_cond_destroy(&c->empty);
	free_opts(&c->o);
	free(c->ring);
	free(c);
}

struct saker_out *saker_out_open(const struct saker_out_opts *o, char *err, uint32_t errlen)
{
	const struct out_sink *sink = sink_of(o->kind);
	pthread_condattr_t ca;
	sigset_t all, old;
	struct saker_out *c;
	int rc;

	if (!sink) {
		snprintf(err, errlen, "unknown output kind %d", o->kind);
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->sink = sink;
	c->o = *o;
	c->o.name = dup_opt(o->name ? o->name : sink->name);
	c->o.target = dup_opt(o->target);
	c->o.user_agent = dup_opt(o->user_agent);
	c->o.content_type = dup_opt(o->content_type);
	c->o.ca_cert = dup_opt(o->ca_cert);
	c->o.ca_path = dup_opt(o->ca_path);
	c->o.client_cert = dup_opt(o->client_cert);
	c->o.client_key = dup_opt(o->client_key);
	c->o.home = dup_opt(o->home);
	c->o.config_json = dup_opt(o->config_json);
	c->o.version = dup_opt(o->version);
	c->cap = (o->queue_kb ? o->queue_kb : 1024) * 1024;
	c->ring = malloc(c->cap);
	pthread_mutex_init(&c->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c->wake, &ca);
	pthread_cond_init(&c->empty, &ca);
	pthread_condattr_destroy(&ca);
	if (!c->ring) {
		snprintf(err, errlen, "out of memory");
		out_free(c);
		return NULL;
	}
	if (sink->init && sink->init(c) < 0) {
		snprintf(err, errlen, "%s", c->err);
		out_free(c);
		return NULL;
	}
	/* the thread takes no signals: they stay with the engine's thread */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&c->thread, NULL, worker, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		snprintf(err, errlen, "cannot start the output thread: %s", strerror(rc));
		if (sink->fini)
			sink->fini(c);
		out_free(c);
		return NULL;
	}
	return c;
}

void saker_out_reopen(struct saker_out *c)
{
	c->reopen = 1;
}

int32_t saker_out_drain(struct saker_out *c, int32_t timeout_ms)
{
	struct timespec ts;
	int empty;

	deadline_in(&ts, timeout_ms > 0 ? (uint32_t)timeout_ms : 0);
	pthread_mutex_lock(&c->lock);
	while ((c->pending || c->busy) &&
	       pthread_cond_timedwait(&c->empty, &c->lock, &ts) != ETIMEDOUT)
		;
	empty = !c->pending && !c->busy;
	pthread_mutex_unlock(&c->lock);
	return empty;
}

void saker_out_stats(struct saker_out *c, struct saker_out_stats *st)
{
	pthread_mutex_lock(&c->lock);
	*st = c->st;
	st->pending = c->pending;
	pthread_mutex_unlock(&c->lock);
}

uint64_t saker_out_error(struct saker_out *c, char *buf, uint32_t cap)
{
	uint64_t seq;

	pthread_mutex_lock(&c->lock);
	seq = c->err_seq;
	if (cap)
		snprintf(buf, cap, "%s", c->err);
	pthread_mutex_unlock(&c->lock);
	return seq;
}

void saker_out_close(struct saker_out *c, int32_t timeout_ms)
{
	int drained = saker_out_drain(c, timeout_ms);
	int busy;

	pthread_mutex_lock(&c->lock);
	c->stop = 1;
	if (!drained) { /* what is still queued is dropped */
		c->st.dropped += c->pending;
		c->head = c->used = c->pending = 0;
	}
	busy = c->busy;
	pthread_cond_broadcast(&c->wake);
	pthread_mutex_unlock(&c->lock);
	if (busy) {
		/* a receiver that hangs keeps its thread: leave both behind
		 * rather than wait (the sinks bound their own waits) */
		pthread_detach(c->thread);
		return;
	}
	pthread_join(c->thread, NULL);
	if (c->sink->fini)
		c->sink->fini(c);
	out_free(c);
}
