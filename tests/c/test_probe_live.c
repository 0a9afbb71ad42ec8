/* SPDX-License-Identifier: Apache-2.0 */
/* test_probe_live.c: the real probe on real syscalls (root only). A child
 * process opens, connects, symlinks, chmods, unshares, forks and execs;
 * the events it causes are checked parameter by parameter. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "probe_ev.h"

static pid_t watch[2];   /* the child and the grandchild */

/* What the child does; every step's outcome is checked from the events. */
static void child(const char *dir, int port, int pipefd)
{
	char path[256], link[256], buf[1];
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	char *argv[] = { "true", "a1", "b2", NULL };
	char *envp[] = { "SAKER_TEST=1", NULL };
	pid_t g;
	int fd, s;

	/* wait until the parent knows our pid */
	if (read(pipefd, buf, 1) != 1)
		_exit(2);
	snprintf(path, sizeof(path), "%s/file", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	fd = syscall(SYS_open, path, O_CREAT | O_WRONLY | O_TRUNC, 0640);
	close(fd);
	fd = openat(AT_FDCWD, path, O_RDONLY);
	close(fd);
	s = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	connect(s, (struct sockaddr *)&sa, sizeof(sa));
	close(s);
	symlink(path, link);
	syscall(SYS_chmod, path, 0600);
	syscall(SYS_unlink, link);  /* not selected */
	getppid();                  /* not selected */
	unshare(CLONE_NEWUTS);
	g = fork();
	if (g == 0)
		_exit(7);
	waitpid(g, NULL, 0);
	execve("/bin/true", argv, envp);
	_exit(3);
}

int main(void)
{
	static const char *const types[] = { "open", "openat", "close", "socket", "connect",
		"symlink", "chmod", "unshare", "clone", "clone3", "fork", "vfork", "execve", NULL };
	char dir[] = "/tmp/saker-probe-XXXXXX", cwd[512], path[300], err[256];
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t salen = sizeof(sa);
	const struct ev *e;
	struct probe *p;
	int lfd, port, sync[2], status, i, found_exit = 0;
	struct timespec t0, t1, rt0, rt1;
	pid_t c;

	if (geteuid() != 0) {
		printf("skipped: needs root\n");
		printf("0 passed, 0 failed\n");
		return 0;
	}
	/* Without privileges, and with a bad ring size: one clear line. */
	c = fork();
	if (c == 0) {
		if (setuid(65534) != 0)
			_exit(2);
		p = probe_open(0, getpid(), 0, err, sizeof(err));
		_exit(!p && strstr(err, "needs root") ? 0 : 1);
	}
	waitpid(c, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(probe_open(1000, getpid(), 0, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "power of two") != NULL);

	p = probe_open(0, getpid(), 0, err, sizeof(err));
	if (!p) {
		fprintf(stderr, "%s\n", err);
		CHECK(p != NULL);
		return check_done();
	}
	CHECK(probe_ncpus(p) >= 1);
	CHECK_INT(probe_syscall_event(SYS_openat), 307);
	CHECK_INT(probe_syscall_event(SYS_getppid), 0);
	select_types(p, types);

	CHECK(mkdtemp(dir) != NULL);
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK_INT(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	CHECK_INT(listen(lfd, 8), 0);
	getsockname(lfd, (struct sockaddr *)&sa, &salen);
	port = ntohs(sa.sin_port);
	CHECK_INT(pipe(sync), 0);

	c = fork();
	if (c == 0) {
		close(sync[1]);
		child(dir, port, sync[0]);
	}
	close(sync[0]);
	watch[0] = c;
	/* Our own syscalls are never traced: this open must not arrive. */
	close(open("/dev/null", O_RDONLY));
	CHECK_INT(write(sync[1], "x", 1), 1);
	close(sync[1]);

	clock_gettime(CLOCK_REALTIME, &rt0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		int n = probe_poll(p, 100, ev_keep, NULL);

		CHECK(n >= 0 || n == -EINTR);
		for (i = 0; i < nev && !watch[1]; i++)
			if (ev_type(&evs[i]) == 223 && ev_tid(&evs[i]) == (uint64_t)c && p_int(&evs[i], 0) > 0)
				watch[1] = p_int(&evs[i], 0);
		if (find(186, c, 0)) {
			found_exit = 1;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (t1.tv_sec - t0.tv_sec > 10)
			break;
	}
	waitpid(c, &status, 0);
	clock_gettime(CLOCK_REALTIME, &rt1);
	CHECK(found_exit);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_INT(self_seen, 0);

	snprintf(path, sizeof(path), "%s/file", dir);
	/* open: fd, name, flags, mode, dev, ino */
	e = find(3, c, 0);
	CHECK(e != NULL);
	if (e) {
		struct stat st;

		CHECK_INT(ev_nparams(e), 6);
		CHECK(p_int(e, 0) >= 0);
		CHECK_STR(p_str(e, 1), path);
		/* WRONLY | CREAT | TRUNC, and created now */
		CHECK_INT(p_int(e, 2), (1 << 1) | (1 << 2) | (1 << 8) | (1 << 14));
		CHECK_INT(p_int(e, 3), 0640);
		CHECK(stat(path, &st) == 0 && (uint64_t)p_int(e, 5) == st.st_ino);
	}
	/* openat: fd, dirfd, name, flags (RDONLY), mode 0 */
	e = find(307, c, 0);
	CHECK(e != NULL);
	if (e) {
		CHECK_INT(ev_nparams(e), 7);
		CHECK_INT(p_int(e, 1), AT_FDCWD);
		CHECK_STR(p_str(e, 2), path);
		CHECK_INT(p_int(e, 3), 1);
		CHECK_INT(p_int(e, 4), 0);
	}
	/* close: res 0, fd of the open */
	e = find(5, c, 0);
	CHECK(e != NULL && p_int(e, 0) == 0 && p_int(e, 1) == p_int(find(3, c, 0), 0));
	/* socket: fd, domain AF_INET, type SOCK_STREAM */
	e = find(19, c, 0);
	CHECK(e != NULL && p_int(e, 0) >= 0 && p_int(e, 1) == AF_INET && p_int(e, 2) == SOCK_STREAM);
	/* connect: res, tuple 127.0.0.1:x -> 127.0.0.1:port, fd, addr */
	e = find(23, c, 0);
	CHECK(e != NULL);
	if (e) {
		uint16_t len = 0;
		const uint8_t *t = param(e, 1, &len);
		const uint8_t lo[4] = { 127, 0, 0, 1 };

		CHECK_INT(ev_nparams(e), 4);
		CHECK_INT(p_int(e, 0), 0);
		CHECK_INT(len, 13);
		CHECK(t && t[0] == 2 && memcmp(t + 1, lo, 4) == 0 && memcmp(t + 7, lo, 4) == 0);
		CHECK(t && u16at(t + 5) != 0 && u16at(t + 11) == port);
		CHECK_INT(p_int(e, 2), p_int(find(19, c, 0), 0));
		t = param(e, 3, &len);
		CHECK_INT(len, 7);
		CHECK(t && t[0] == 2 && memcmp(t + 1, lo, 4) == 0 && u16at(t + 5) == port);
	}
	/* symlink: res, target, linkpath */
	e = find(179, c, 0);
	CHECK(e != NULL && p_int(e, 0) == 0 && strcmp(p_str(e, 1), path) == 0);
	CHECK(e != NULL && strstr(p_str(e, 2), "/link") != NULL);
	/* chmod: res, filename, mode */
	e = find(315, c, 0);
	CHECK(e != NULL && p_int(e, 0) == 0 && strcmp(p_str(e, 1), path) == 0 && p_int(e, 2) == 0600);
	/* not selected: unlink */
	CHECK(find(301, c, 0) == NULL);
	/* unshare: res 0, flags PPM_CL_CLONE_NEWUTS */
	e = find(285, c, 0);
	CHECK(e != NULL && p_int(e, 0) == 0 && p_int(e, 1) == (1 << 7));
	/* clone: the parent side says the grandchild's tid, the grandchild
	 * side says 0; both carry 21 parameters */
	CHECK(watch[1] > 0);
	e = find(223, watch[1], 0);
	CHECK(e != NULL);
	if (e) {
		CHECK_INT(ev_nparams(e), 21);
		CHECK_INT(p_int(e, 0), 0);
		CHECK_INT(p_int(e, 3), watch[1]);         /* tid */
		CHECK_INT(p_int(e, 4), watch[1]);         /* pid */
		CHECK_INT(p_int(e, 5), c);                /* ptid */
		CHECK_STR(p_str(e, 6), cwd);
		CHECK_STR(p_str(e, 13), "test_probe_live");
		CHECK(strncmp(p_str(e, 14), "cpuset=/", 8) == 0);
		CHECK_INT(p_int(e, 16), 0);               /* uid */
	}
	CHECK(find(186, watch[1], 0) != NULL && p_int(find(186, watch[1], 0), 1) == 7);
	/* execve: the new image */
	e = find(293, c, 0);
	CHECK(e != NULL);
	if (e) {
		uint16_t len = 0;
		const uint8_t *a = param(e, 2, &len);

		CHECK_INT(ev_nparams(e), 31);
		CHECK_INT(p_int(e, 0), 0);
		CHECK_STR(p_str(e, 1), "true");
		CHECK(a && len == 6 && memcmp(a, "a1\0b2\0", 6) == 0);
		CHECK_INT(p_int(e, 3), c);
		CHECK_STR(p_str(e, 6), cwd);
		CHECK_STR(p_str(e, 13), "true");
		a = param(e, 15, &len);
		CHECK(a && len == 13 && memcmp(a, "SAKER_TEST=1\0", 13) == 0);
		CHECK_INT(p_int(e, 26), 0);                /* uid */
		CHECK_STR(p_str(e, 27), "/usr/bin/true");  /* trusted_exepath */
		CHECK_STR(p_str(e, 30), "/bin/true");      /* filename */
	}
	/* timestamps: ns since the epoch, taken while the test ran, in order */
	e = find(293, c, 0);
	CHECK(e && u64at(e->raw) >= rt0.tv_sec * 1000000000ull + rt0.tv_nsec - 50000000ull);
	CHECK(e && u64at(e->raw) <= rt1.tv_sec * 1000000000ull + rt1.tv_nsec + 50000000ull);
	CHECK(e && find(186, c, 0) && u64at(find(186, c, 0)->raw) >= u64at(e->raw));

	/* procexit of the exec'd child: status 0 */
	e = find(186, c, 0);
	CHECK(e != NULL && ev_nparams(e) == 5 && p_int(e, 0) == 0);

	CHECK_INT(total_drops(p), 0);

	snprintf(path, sizeof(path), "%s/file", dir);
	unlink(path);
	rmdir(dir);
	close(lfd);
	ev_free();
	probe_close(p);
	return check_done();
}
