/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_scap.c: capture files. A capture written by saker (this process's
 * threads and fds from /proc, then events) reads back with the same events
 * and state; old event versions are converted (an exit takes what it lacks
 * from its enter event); broken files give an error with the byte offset or
 * a warning and the rest of the file; gzip'd files read like plain ones.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "saker.h"
#include "check.h"
#include "evbuild.h"

static char dir[] = "/tmp/saker_scap_XXXXXX";
static char cap[256], marker[256];
static int marker_fd;
static struct evb eb;

static uint8_t *slurp(const char *path, uint32_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)n + 1);
	*len = (uint32_t)fread(b, 1, (size_t)n, f);
	fclose(f);
	return b;
}

static void spill(const char *path, const void *b, uint32_t len)
{
	FILE *f = fopen(path, "wb");

	fwrite(b, 1, len, f);
	fclose(f);
}

static struct saker *open_read(const char *path, char *err)
{
	struct saker_opts o = { 0 };

	o.read_file = path;
	return saker_open(&o, err, 256);
}

static int render(struct saker *s, const char *field, char *out)
{
	char err[128];
	int32_t h = saker_field_bind(s, field, NULL, err, sizeof(err));

	if (h < 0)
		return -1;
	return saker_field_render(s, h, out, 512);
}

/* Events given to the writer: openat enter (old code 102) + exit (old code
 * 103, fd only), a read of the marker fd, a close exit. */
static void inject_events(struct saker *s)
{
	int64_t tid = getpid();

	evb_begin(&eb, 102, (uint64_t)tid, 1000);
	evb_u64(&eb, (uint64_t)-100);
	evb_str(&eb, "rel.txt");
	evb_u32(&eb, 1);
	evb_u32(&eb, 0);
	saker_inject(s, eb.buf, evb_end(&eb), 1);
	evb_begin(&eb, 103, (uint64_t)tid, 2000);
	evb_u64(&eb, 42);
	saker_inject(s, eb.buf, evb_end(&eb), 1);
	evb_begin(&eb, 7, (uint64_t)tid, 3000); /* read X: res, data, fd, size */
	evb_u64(&eb, 3);
	evb_raw(&eb, "abc", 3);
	evb_u64(&eb, (uint64_t)marker_fd);
	evb_u32(&eb, 3);
	saker_inject(s, eb.buf, evb_end(&eb), 0);
	evb_begin(&eb, 5, (uint64_t)tid, 4000); /* close X: res, fd */
	evb_u64(&eb, 0);
	evb_u64(&eb, 42);
	saker_inject(s, eb.buf, evb_end(&eb), 0);
}

static void test_write_read(void)
{
	struct saker_opts o = { 0 };
	struct saker *s;
	const struct saker_evt *e;
	char err[256], v[512], cwd[512], want[600];
	int n = 0;

	o.scan_proc = 1;
	o.write_file = cap;
	s = saker_open(&o, err, sizeof(err));
	CHECK(s != NULL);
	if (!s)
		return;
	inject_events(s);
	while (saker_next(s, 0))
		n++;
	CHECK_INT(n, 4);
	saker_close(s);

	s = open_read(cap, err);
	CHECK(s != NULL);
	if (!s) {
		fprintf(stderr, "%s\n", err);
		return;
	}
	e = saker_next(s, 0);
	CHECK(e && e->type == 306 && e->ts == 1000); /* openat enter, newest code */
	e = saker_next(s, 0);
	CHECK(e && e->type == 307 && e->nparams == 7); /* exit took the enter's params */
	CHECK(render(s, "proc.name", v) > 0);
	CHECK_STR(v, "test_scap"); /* from the process list block */
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	snprintf(want, sizeof(want), "%s/rel.txt", strcmp(cwd, "/") ? cwd : "");
	CHECK(render(s, "evt.arg.name", v) > 0);
	CHECK_STR(v, want);
	CHECK(render(s, "fd.name", v) > 0);
	CHECK_STR(v, want); /* resolved against the cwd of the process list */
	e = saker_next(s, 0);
	CHECK(e && e->type == 7 && e->cpu == 0);
	CHECK(render(s, "fd.name", v) > 0);
	CHECK_STR(v, marker); /* from the fd list block */
	e = saker_next(s, 0);
	CHECK(e && e->type == 5);
	CHECK(saker_next(s, 0) == NULL);
	CHECK_INT(saker_capture_status(s, err, sizeof(err)), 1);
	CHECK_INT(saker_capture_warnings(s, err, sizeof(err)), 0);
	saker_close(s);
}

/* Offsets of the blocks of a capture in memory. */
static uint32_t blocks(const uint8_t *b, uint32_t len, uint32_t *off, uint32_t max)
{
	uint32_t p = 0, n = 0, bl;

	while (p + 8 <= len && n < max) {
		memcpy(&bl, b + p + 4, 4);
		off[n++] = p;
		p += bl;
	}
	return n;
}

/* Replay path to its end: events read, status, message. */
static int drain(const char *path, int *status, char *msg, uint32_t *warnings, char *wmsg)
{
	char err[256];
	struct saker *s = open_read(path, err);
	int n = 0;

	if (!s) {
		snprintf(msg, 256, "%s", err);
		*status = -2;
		return 0;
	}
	while (saker_next(s, 0))
		n++;
	*status = saker_capture_status(s, msg, 256);
	*warnings = saker_capture_warnings(s, wmsg, 256);
	saker_close(s);
	return n;
}

static void test_bad_input(void)
{
	uint32_t len, off[8192], nb, w, last, bl;
	uint8_t *b = slurp(cap, &len), *m;
	char path[300], msg[256], wmsg[256], want[128];
	int st, n;
	gzFile gz;

	CHECK(b != NULL);
	if (!b)
		return;
	nb = blocks(b, len, off, 8192);
	last = off[nb - 1];
	m = malloc(len + 256);
	snprintf(path, sizeof(path), "%s/bad.scap", dir);

	/* truncated in the middle of the last block */
	spill(path, b, len - 5);
	n = drain(path, &st, msg, &w, wmsg);
	CHECK_INT(n, 3);
	CHECK_INT(st, -1);
	snprintf(want, sizeof(want), "block at byte offset %u announces", last);
	CHECK(strstr(msg, "truncated") && strstr(msg, want));

	/* truncated inside a block header */
	spill(path, b, last + 3);
	drain(path, &st, msg, &w, wmsg);
	snprintf(want, sizeof(want), "block header at byte offset %u has 3 of 8 bytes", last);
	CHECK(st == -1 && strstr(msg, want));

	/* a corrupted block length: absurd, then plausible but wrong */
	memcpy(m, b, len);
	bl = 0xfffffff0;
	memcpy(m + last + 4, &bl, 4);
	spill(path, m, len);
	drain(path, &st, msg, &w, wmsg);
	snprintf(want, sizeof(want), "corrupted block length %u at byte offset %u", bl, last);
	CHECK(st == -1 && strstr(msg, want));
	memcpy(m, b, len);
	memcpy(&bl, b + off[nb - 2] + 4, 4);
	bl += 4;
	memcpy(m + off[nb - 2] + 4, &bl, 4);
	spill(path, m, len);
	n = drain(path, &st, msg, &w, wmsg);
	snprintf(want, sizeof(want), "corrupted block at byte offset %u", off[nb - 2]);
	CHECK(st == -1 && strstr(msg, want));
	CHECK_INT(n, 2);

	/* an unknown block type before the events: a warning, then the rest */
	memcpy(m, b, off[nb - 4]);
	{
		uint32_t u[3] = { 0x999, 12, 12 };

		memcpy(m + off[nb - 4], u, 12);
	}
	memcpy(m + off[nb - 4] + 12, b + off[nb - 4], len - off[nb - 4]);
	spill(path, m, len + 12);
	n = drain(path, &st, msg, &w, wmsg);
	CHECK_INT(n, 4);
	CHECK_INT(st, 1);
	CHECK_INT(w, 1);
	snprintf(want, sizeof(want), "unknown block type 0x999 at byte offset %u", off[nb - 4]);
	CHECK(strstr(wmsg, want) != NULL);

	/* an event with more parameters than the table: read with the table's */
	memcpy(m, b, len);
	evb_begin(&eb, 5, 1, 5000);
	evb_u64(&eb, 0);
	evb_u64(&eb, 3);
	evb_u64(&eb, 99);
	{
		uint32_t el = evb_end(&eb), tot = (8 + 2 + el + 4 + 3) & ~3u, t = 0x216;
		uint16_t cpu = 0;

		memset(m + len, 0, tot);
		memcpy(m + len, &t, 4);
		memcpy(m + len + 4, &tot, 4);
		memcpy(m + len + 8, &cpu, 2);
		memcpy(m + len + 10, eb.buf, el);
		memcpy(m + len + tot - 4, &tot, 4);
		spill(path, m, len + tot);
	}
	{
		struct saker *s = open_read(path, msg);
		const struct saker_evt *e = NULL, *x;

		CHECK(s != NULL);
		while (s && (x = saker_next(s, 0)))
			e = x;
		CHECK(e && e->type == 5 && e->nparams == 2 && e->ts == 5000);
		CHECK_INT(s ? saker_capture_warnings(s, wmsg, sizeof(wmsg)) : 0, 1);
		CHECK(strstr(wmsg, "has 3 params, the table 2") != NULL);
		CHECK_INT(s ? saker_capture_status(s, msg, sizeof(msg)) : 0, 1);
		saker_close(s);
	}

	/* a v1 event block (22-byte header): nparams from the lengths */
	{
		uint32_t t = 0x204, tot, el;
		uint16_t cpu = 3, ty = 5, lens[2] = { 8, 8 };
		uint64_t ts = 6000, tid = 1, res = 0, fd = 4;
		uint8_t *p = m + len;

		el = 22 + 4 + 16;
		tot = (8 + 2 + el + 4 + 3) & ~3u;
		memcpy(m, b, len);
		memset(p, 0, tot);
		memcpy(p, &t, 4);
		memcpy(p + 4, &tot, 4);
		memcpy(p + 8, &cpu, 2);
		memcpy(p + 10, &ts, 8);
		memcpy(p + 18, &tid, 8);
		memcpy(p + 26, &el, 4);
		memcpy(p + 30, &ty, 2);
		memcpy(p + 32, lens, 4);
		memcpy(p + 36, &res, 8);
		memcpy(p + 44, &fd, 8);
		memcpy(p + tot - 4, &tot, 4);
		spill(path, m, len + tot);
	}
	{
		struct saker *s = open_read(path, msg);
		const struct saker_evt *e = NULL, *x;
		char v[512];

		v[0] = 0;
		while (s && (x = saker_next(s, 0))) {
			e = x;
			if (e->ts == 6000)
				render(s, "evt.rawarg.fd", v);
		}
		CHECK(e && e->type == 5 && e->nparams == 2 && e->ts == 6000 && e->cpu == 3);
		CHECK_STR(v, "4");
		saker_close(s);
	}

	/* not a capture: 0 bytes, bad magic */
	spill(path, b, 0);
	drain(path, &st, msg, &w, wmsg);
	CHECK(st == -2 && strstr(msg, "empty file (0 bytes)"));
	memcpy(m, b, len);
	m[8] ^= 0xff;
	spill(path, m, len);
	drain(path, &st, msg, &w, wmsg);
	CHECK(st == -2 && strstr(msg, "bad magic number") && strstr(msg, "byte offset 0"));

	/* gzip'd: the same events */
	gz = gzopen(path, "wb");
	gzwrite(gz, b, len);
	gzclose(gz);
	n = drain(path, &st, msg, &w, wmsg);
	CHECK_INT(n, 4);
	CHECK_INT(st, 1);
	free(m);
	free(b);
}

/* The window mode: only kept events and their neighbours are written. */
static void test_window(void)
{
	struct saker_opts o = { 0 };
	struct saker *s;
	char err[256], path[300], msg[256], wmsg[256];
	int i, st, n;
	uint32_t w;

	snprintf(path, sizeof(path), "%s/window.scap", dir);
	o.write_file = path;
	s = saker_open(&o, err, sizeof(err));
	CHECK(s != NULL);
	if (!s)
		return;
	CHECK_INT(saker_capture_window(s, 2, 1), 0);
	for (i = 0; i < 20; i++) {
		evb_begin(&eb, 5, 1, 1000 + (uint64_t)i);
		evb_u64(&eb, 0);
		evb_u64(&eb, (uint64_t)i);
		saker_inject(s, eb.buf, evb_end(&eb), 0);
	}
	for (i = 0; i < 20; i++) {
		saker_next(s, 0);
		if (i == 10 || i == 15)
			saker_capture_keep(s);
	}
	saker_close(s);
	/* 8, 9, 10, 11 and 13, 14, 15, 16 */
	n = drain(path, &st, msg, &w, wmsg);
	CHECK_INT(n, 8);
	CHECK_INT(st, 1);
}

/* A replayed clone whose caller the capture never listed: the caller's
 * name, command line and ids come from the event, as in Falco. */
static void test_unknown_caller(void)
{
	struct saker_opts o = { 0 };
	struct saker *s = saker_open(&o, NULL, 0);
	char v[512];

	CHECK(s != NULL);
	if (!s)
		return;
	evb_begin(&eb, 223, 700, 1000);
	evb_u64(&eb, 701);               /* res: the child */
	evb_str(&eb, "/usr/bin/cc");
	evb_list(&eb, "-c\nx.c");
	evb_u64(&eb, 700);
	evb_u64(&eb, 700);
	evb_u64(&eb, 650);               /* ptid */
	evb_str(&eb, "/src");
	evb_u64(&eb, 1024);
	evb_u64(&eb, 0);
	evb_u64(&eb, 0);
	evb_u32(&eb, 0);
	evb_u32(&eb, 0);
	evb_u32(&eb, 0);
	evb_str(&eb, "cc");
	evb_list(&eb, "cpu=/");
	evb_u32(&eb, 0);
	evb_u32(&eb, 1000);
	evb_u32(&eb, 1000);
	evb_u64(&eb, 700);
	evb_u64(&eb, 700);
	evb_u64(&eb, 0);
	saker_inject(s, eb.buf, evb_end(&eb), 0);
	CHECK(saker_next(s, 0) != NULL);
	CHECK(render(s, "proc.name", v) > 0);
	CHECK_STR(v, "cc");
	CHECK(render(s, "proc.cmdline", v) > 0);
	CHECK_STR(v, "cc -c x.c");
	CHECK(render(s, "proc.ppid", v) > 0);
	CHECK_STR(v, "650");
	saker_close(s);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	snprintf(cap, sizeof(cap), "%s/w.scap", dir);
	snprintf(marker, sizeof(marker), "%s/marker", dir);
	marker_fd = open(marker, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
	test_write_read();
	test_bad_input();
	test_window();
	test_unknown_caller();
	close(marker_fd);
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd))
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return check_done();
}
