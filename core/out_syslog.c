/* SPDX-License-Identifier: Apache-2.0 */
/*
 * out_syslog.c: alerts as syslog datagrams on a unix socket (/dev/log by
 * default), "<PRI>Mmm dd hh:mm:ss saker[pid]: alert", PRI = facility * 8 +
 * the severity of the rule's priority (Falco's priorities are syslog's
 * severities). The socket is (re)connected on demand: a missing syslog
 * daemon fails the alerts (counted) without stopping the agent.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "out.h"

struct slog {
	int fd;
	struct sockaddr_un addr;
};

static int slog_connect(struct saker_out *c, struct slog *s)
{
	s->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s->fd < 0 || connect(s->fd, (struct sockaddr *)&s->addr, sizeof(s->addr)) < 0) {
		out_error(c, "syslog output: cannot connect to %s: %s", s->addr.sun_path,
			  strerror(errno));
		if (s->fd >= 0)
			close(s->fd);
		s->fd = -1;
		return -1;
	}
	return 0;
}

static int slog_init(struct saker_out *c)
{
	struct slog *s;
	const char *path = c->o.target ? c->o.target : "/dev/log";

	if (strlen(path) >= sizeof(s->addr.sun_path)) {
		out_error(c, "syslog output: socket path too long: %s", path);
		return -1;
	}
	if (c->o.facility < 0 || c->o.facility > 23) {
		out_error(c, "syslog output: facility %d is not 0..23", c->o.facility);
		return -1;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		out_error(c, "syslog output: out of memory");
		return -1;
	}
	s->fd = -1;
	s->addr.sun_family = AF_UNIX;
	strcpy(s->addr.sun_path, path);
	c->priv = s;
	return 0;
}

static int slog_send(struct saker_out *c, const char *msg, uint32_t len, int32_t prio)
{
	struct slog *s = c->priv;
	char head[64];
	struct iovec iov[2];
	struct tm tm;
	time_t now = time(NULL);
	int n, attempt;

	if (prio < 0 || prio > 7)
		prio = 5;
	localtime_r(&now, &tm);
	n = snprintf(head, sizeof(head), "<%d>", c->o.facility * 8 + prio);
	n += strftime(head + n, sizeof(head) - n, "%b %e %H:%M:%S ", &tm);
	n += snprintf(head + n, sizeof(head) - n, "saker[%d]: ", (int)getpid());
	iov[0].iov_base = head;
	iov[0].iov_len = n;
	iov[1].iov_base = (void *)msg;
	iov[1].iov_len = len;
	for (attempt = 0; attempt < 2; attempt++) {
		if (s->fd < 0 && slog_connect(c, s) < 0)
			return -1;
		if (writev(s->fd, iov, 2) >= 0)
			return 0;
		/* the daemon restarted: connect again once */
		out_error(c, "syslog output: %s: %s", s->addr.sun_path, strerror(errno));
		close(s->fd);
		s->fd = -1;
	}
	return -1;
}

static void slog_fini(struct saker_out *c)
{
	struct slog *s = c->priv;

	if (s->fd >= 0)
		close(s->fd);
	free(s);
}

const struct out_sink out_syslog_sink = {
	.name = "syslog", .init = slog_init, .send = slog_send, .fini = slog_fini,
};
