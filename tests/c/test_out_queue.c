/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_out_queue.c: a channel's bounded queue (core/out_queue.c) through
 * real sinks: records of every size come out whole and in order across
 * the ring's wrap; a receiver that stops reading makes pushes drop (and
 * count), never wait; close returns in bounded time.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "check.h"
#include "saker.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_order_across_wrap(const char *dir)
{
	struct saker_out_opts o = { .kind = SAKER_OUT_FILE, .queue_kb = 1 };
	struct saker_out_stats st;
	char path[256], err[256], msg[600], *want, *got;
	size_t wlen = 0, glen;
	struct saker_out *c;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "%s/order.txt", dir);
	o.target = path;
	c = saker_out_open(&o, err, sizeof(err));
	CHECK(c != NULL);
	if (!c)
		return;
	want = malloc(400 * 610);
	for (i = 0; i < 400; i++) {
		int n = 1 + (i * 37) % 500, k;

		for (k = 0; k < n; k++)
			msg[k] = 'a' + (i + k) % 26;
		k = snprintf(msg, sizeof(msg), "%d:", i);
		msg[k] = '-';
		if (n < k + 1)
			n = k + 1;
		/* the queue holds 1 KiB: wait for room, so nothing drops */
		while (saker_out_push(c, msg, n, 4) < 0)
			saker_out_drain(c, 100);
		memcpy(want + wlen, msg, n);
		wlen += n;
		want[wlen++] = '\n';
	}
	CHECK_INT(saker_out_drain(c, 5000), 1);
	saker_out_stats(c, &st);
	CHECK_INT(st.sent, 400);
	CHECK_INT(st.failed, 0);
	CHECK_INT(st.queued, 400);
	saker_out_close(c, 1000);
	got = malloc(wlen + 1);
	f = fopen(path, "r");
	glen = f ? fread(got, 1, wlen + 1, f) : 0;
	if (f)
		fclose(f);
	CHECK_INT(glen, wlen);
	CHECK(glen == wlen && memcmp(got, want, wlen) == 0);
	free(got);
	free(want);
}

static void test_stuck_receiver(const char *dir)
{
	struct saker_out_opts o = { .kind = SAKER_OUT_PROGRAM, .queue_kb = 4, .keep_alive = 1,
				    .target = "exec sleep 3" };
	struct saker_out_stats st;
	char err[256], msg[1000];
	struct saker_out *c;
	double t0, worst = 0;
	int i, dropped = 0;

	memset(msg, 'x', sizeof(msg));
	c = saker_out_open(&o, err, sizeof(err));
	CHECK(c != NULL);
	if (!c)
		return;
	for (i = 0; i < 300; i++) { /* 300 KB: more than the pipe and the queue hold */
		double t = now_s();

		dropped += saker_out_push(c, msg, sizeof(msg), 4) < 0;
		t = now_s() - t;
		if (t > worst)
			worst = t;
		usleep(1000); /* let the thread fill the pipe */
	}
	CHECK(worst < 0.01);
	CHECK(dropped > 0);
	saker_out_stats(c, &st);
	CHECK_INT(st.dropped, dropped);
	CHECK_INT(st.queued + st.dropped, 300);
	CHECK_INT(st.sent + st.pending + st.failed <= st.queued, 1);
	t0 = now_s();
	saker_out_close(c, 200);
	CHECK(now_s() - t0 < 1.0);
}

static void test_bad_opts(void)
{
	struct saker_out_opts o = { .kind = 99 };
	char err[256];

	CHECK(saker_out_open(&o, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "unknown output kind") != NULL);
	o.kind = SAKER_OUT_HTTP;
	CHECK(saker_out_open(&o, err, sizeof(err)) == NULL);
	CHECK_STR(err, "http output: no url");
	o.kind = SAKER_OUT_SYSLOG;
	o.facility = 24;
	CHECK(saker_out_open(&o, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "facility 24") != NULL);
}

int main(void)
{
	char dir[] = "/tmp/saker-outq.XXXXXX";
	char cmd[64];

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_order_across_wrap(dir);
	test_stuck_receiver(dir);
	test_bad_opts();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return check_done();
}
