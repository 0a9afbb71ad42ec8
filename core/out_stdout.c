/* SPDX-License-Identifier: Apache-2.0 */
/*
 * out_stdout.c: alerts on the agent's standard output, one per line,
 * written with write(2) on a duplicate of fd 1. No stdio: a reader that
 * stops reading blocks only this channel's thread in write(), and holds no
 * FILE lock that exit() would wait for. (Reopening /dev/stdout instead
 * would need permission on what fd 1 is, which a pipe of another user's,
 * as after dropping privileges, does not give.)
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#include "out.h"

static int stdout_init(struct saker_out *c)
{
	int fd = dup(STDOUT_FILENO);

	if (fd < 0) {
		out_error(c, "stdout output: %s", strerror(errno));
		return -1;
	}
	c->priv = (void *)(intptr_t)(fd + 1);
	return 0;
}

static int stdout_send(struct saker_out *c, const char *msg, uint32_t len, int32_t prio)
{
	int fd = (int)(intptr_t)c->priv - 1;
	struct iovec iov[2] = { { (void *)msg, len }, { "\n", 1 } };
	int n = 2, i = 0;

	while (i < n) {
		ssize_t w = writev(fd, iov + i, n - i);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			out_error(c, "stdout output: %s", strerror(errno));
			return -1;
		}
		while (i < n && (size_t)w >= iov[i].iov_len) {
			w -= (ssize_t)iov[i].iov_len;
			i++;
		}
		if (i < n) {
			iov[i].iov_base = (char *)iov[i].iov_base + w;
			iov[i].iov_len -= (size_t)w;
		}
	}
	return 0;
}

static void stdout_fini(struct saker_out *c)
{
	if (c->priv)
		close((int)(intptr_t)c->priv - 1);
	c->priv = NULL;
}

const struct out_sink out_stdout_sink = {
	.name = "stdout", .init = stdout_init, .send = stdout_send, .fini = stdout_fini,
};
