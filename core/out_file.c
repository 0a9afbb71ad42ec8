/* SPDX-License-Identifier: Apache-2.0 */
/*
 * out_file.c: alerts appended to a file, one per line. keep_alive keeps it
 * open between alerts (flushed when the queue goes idle); otherwise it is
 * opened and closed around each alert. saker_out_reopen (SIGUSR1) closes
 * it before the next write, so a rotated file is followed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "out.h"

static FILE *file_open(struct saker_out *c)
{
	FILE *f = fopen(c->o.target, "a");

	if (!f)
		out_error(c, "file output: cannot open %s: %s", c->o.target, strerror(errno));
	return f;
}

static int file_init(struct saker_out *c)
{
	FILE *f;

	if (!c->o.target) {
		out_error(c, "file output: no filename");
		return -1;
	}
	f = file_open(c);
	if (!f)
		return -1;
	if (c->o.keep_alive)
		c->priv = f;
	else
		fclose(f);
	return 0;
}

static int file_send(struct saker_out *c, const char *msg, uint32_t len, int32_t prio)
{
	FILE *f = c->priv;
	int bad;

	if (c->reopen) {
		c->reopen = 0;
		if (f)
			fclose(f);
		c->priv = f = NULL;
	}
	if (!f && !(f = file_open(c)))
		return -1;
	bad = fwrite(msg, 1, len, f) != len || fputc('\n', f) == EOF;
	if (c->o.keep_alive) {
		c->priv = f;
	} else {
		bad |= fclose(f) != 0;
	}
	if (bad) {
		out_error(c, "file output: cannot write %s: %s", c->o.target, strerror(errno));
		return -1;
	}
	return 0;
}

static void file_idle(struct saker_out *c)
{
	if (c->reopen && c->priv) {
		c->reopen = 0;
		fclose(c->priv);
		c->priv = NULL;
	}
	if (c->priv)
		fflush(c->priv);
}

static void file_fini(struct saker_out *c)
{
	if (c->priv)
		fclose(c->priv);
	c->priv = NULL;
}

const struct out_sink out_file_sink = {
	.name = "file", .init = file_init, .send = file_send, .idle = file_idle, .fini = file_fini,
};
