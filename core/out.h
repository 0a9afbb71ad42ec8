/* SPDX-License-Identifier: Apache-2.0 */
/*
 * out.h: inside the alert channels (core/out_*.c). A channel is a bounded
 * byte queue filled by the engine (saker_out_push, never blocking) and
 * drained by one thread of its own through a sink: file, syslog, program,
 * http or a Lua plugin. The sink runs only on that thread.
 */
#ifndef SAKER_OUT_H
#define SAKER_OUT_H

#include <pthread.h>
#include <stdint.h>
#include "saker.h"

struct saker_out;

struct out_sink {
	const char *name;
	/* 0, or -1 with the channel's error set (out_error) */
	int (*init)(struct saker_out *c);
	/* one alert: 0 delivered, -1 failed (error set) */
	int (*send)(struct saker_out *c, const char *msg, uint32_t len, int32_t prio);
	/* the queue has been empty for a while (flush buffers, time batches) */
	void (*idle)(struct saker_out *c);
	void (*fini)(struct saker_out *c);
};

struct saker_out {
	const struct out_sink *sink;
	struct saker_out_opts o;    /* strings below are owned copies */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;        /* worker: work or stop */
	pthread_cond_t empty;       /* drain(): the queue went empty */
	uint8_t *ring;
	uint32_t cap, head, used;   /* bytes; records never wrap (see push) */
	uint32_t pending;           /* records queued */
	int busy;                   /* the worker holds a record */
	int stop;
	volatile int reopen;
	struct saker_out_stats st;
	char err[512];
	uint64_t err_seq;           /* bumped by each out_error */
	void *priv;                 /* the sink's state */
};

void out_error(struct saker_out *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
uint64_t out_now_ms(void);
/* sleep up to ms, returning early (1) when the channel is stopping */
int out_sleep(struct saker_out *c, uint32_t ms);

extern const struct out_sink out_file_sink, out_syslog_sink, out_program_sink,
	out_http_sink, out_plugin_sink, out_grpc_sink, out_stdout_sink;

#endif
