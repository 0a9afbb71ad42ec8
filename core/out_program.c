/* SPDX-License-Identifier: Apache-2.0 */
/*
 * out_program.c: alerts on the standard input of a program run through
 * `sh -c`. keep_alive: one process for all alerts, started again when it
 * dies; otherwise one process per alert (its stdin closed after the line,
 * then reaped). Writes never wait more than the channel allows: the pipe
 * is non-blocking and polled, so a program that stops reading only fills
 * this channel's queue.
 */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "out.h"

extern char **environ;

struct prog {
	pid_t pid;
	int fd;         /* write end of the child's stdin, -1 if none */
};

static int prog_spawn(struct saker_out *c, struct prog *p)
{
	char *argv[] = { "sh", "-c", (char *)c->o.target, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, def;
	int fds[2], rc;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		out_error(c, "program output: pipe: %s", strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &def);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawn(&p->pid, "/bin/sh", &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(fds[0]);
	if (rc) {
		close(fds[1]);
		out_error(c, "program output: cannot run %s: %s", c->o.target, strerror(rc));
		return -1;
	}
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	p->fd = fds[1];
	return 0;
}

/* Close the child's stdin and reap it, killing it after a grace period. */
static void prog_end(struct saker_out *c, struct prog *p, uint32_t grace_ms)
{
	uint64_t until = out_now_ms() + grace_ms;
	int st;

	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	if (p->pid <= 0)
		return;
	while (waitpid(p->pid, &st, WNOHANG) == 0) {
		if (out_now_ms() >= until) {
			kill(p->pid, SIGKILL);
			waitpid(p->pid, &st, 0);
			break;
		}
		usleep(10000);
	}
	p->pid = 0;
}

/* Write all of buf, polling; -1 on a broken pipe or when stopping. */
static int prog_write(struct saker_out *c, struct prog *p, const char *buf, size_t len)
{
	while (len) {
		struct pollfd pfd = { .fd = p->fd, .events = POLLOUT };
		ssize_t n = write(p->fd, buf, len);

		if (n >= 0) {
			buf += n;
			len -= n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN) {
			out_error(c, "program output: %s: %s", c->o.target, strerror(errno));
			return -1;
		}
		if (poll(&pfd, 1, 200) == 0 && c->stop) {
			out_error(c, "program output: %s does not read its input", c->o.target);
			return -1;
		}
	}
	return 0;
}

static int prog_init(struct saker_out *c)
{
	struct sigaction sa;
	struct prog *p;

	if (!c->o.target) {
		out_error(c, "program output: no program");
		return -1;
	}
	/* a program that exits gives EPIPE, not a signal that kills the agent */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	p = calloc(1, sizeof(*p));
	if (!p) {
		out_error(c, "program output: out of memory");
		return -1;
	}
	p->fd = -1;
	c->priv = p;
	return 0;
}

static int prog_send(struct saker_out *c, const char *msg, uint32_t len, int32_t prio)
{
	struct prog *p = c->priv;
	int attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		int st;

		if (p->pid > 0 && waitpid(p->pid, &st, WNOHANG) == p->pid) {
			p->pid = 0; /* it died: start it again */
			prog_end(c, p, 0);
		}
		if (p->fd < 0 && prog_spawn(c, p) < 0)
			return -1;
		if (prog_write(c, p, msg, len) == 0 && prog_write(c, p, "\n", 1) == 0) {
			if (!c->o.keep_alive)
				prog_end(c, p, c->o.timeout_ms ? c->o.timeout_ms : 10000);
			return 0;
		}
		prog_end(c, p, 1000);
		if (c->stop)
			break;
	}
	return -1;
}

static void prog_fini(struct saker_out *c)
{
	struct prog *p = c->priv;

	prog_end(c, p, 2000);
	free(p);
}

const struct out_sink out_program_sink = {
	.name = "program", .init = prog_init, .send = prog_send, .fini = prog_fini,
};
