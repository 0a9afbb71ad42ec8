/* SPDX-License-Identifier: Apache-2.0 */
/* test_state_live.c: the state tables behind the real probe (root). A
 * child forks, changes directory, opens a file by a relative path, then
 * execs a shell; its events must show the resolved path, the new image and
 * the child's exit, in order. Without root: skipped. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "state.h"
#include "check.h"

int main(void)
{
	struct saker_opts o = { 0 };
	char err[256], dir[] = "/tmp/saker-state-XXXXXX", want[300];
	struct saker *s;
	const struct saker_evt *e;
	int saw_open = 0, saw_exec = 0, saw_exit = 0, saw_clone = 0, st;
	pid_t pid;
	time_t end;

	if (geteuid() != 0) {
		printf("skipped: needs root\n");
		return check_done();
	}
	o.live = 1;
	o.scan_proc = 1;
	s = saker_open(&o, err, sizeof(err));
	if (!s) {
		fprintf(stderr, "saker_open: %s\n", err);
		CHECK(s != NULL);
		return check_done();
	}
	if (!mkdtemp(dir)) {
		CHECK(0);
		return check_done();
	}
	snprintf(want, sizeof(want), "%s/rel.txt", dir);
	pid = fork();
	if (pid == 0) {
		int fd;

		usleep(200000);
		if (chdir(dir))
			_exit(2);
		fd = open("./sub/../rel.txt", O_CREAT | O_WRONLY, 0600);
		if (fd < 0)
			fd = open("rel.txt", O_CREAT | O_WRONLY, 0600);
		execl("/bin/sh", "sh", "-c", "exit 0", (char *)NULL);
		_exit(3);
	}
	end = time(NULL) + 8;
	while (time(NULL) < end && !saw_exit) {
		e = saker_next(s, 100);
		if (!e || !s->thr)
			continue;
		if (e->type == 223 || e->type == 225 || e->type == 335) {
			if (s->thr->tid == pid)
				saw_clone = 1;
		}
		if (s->thr->pid != pid)
			continue;
		if (s->fd && s->fd->type == FDT_FILE && !strcmp(pstr_c(&s->fd->name), want))
			saw_open = 1;
		if ((e->type == 293) && !strcmp(s->thr->comm, "sh")) {
			saw_exec = 1;
			CHECK_STR(pstr_c(thread_cwd(s, s->thr)), strcat(strcpy(err, dir), "/"));
			CHECK(s->thr->exepath.len > 0 && strstr(pstr_c(&s->thr->exepath), "sh") != NULL);
			CHECK_INT(s->thr->ptid, getpid());
		}
		if (e->type == 186 && saw_exec)
			saw_exit = 1;
	}
	waitpid(pid, &st, 0);
	CHECK(saw_clone);
	CHECK(saw_open);
	CHECK(saw_exec);
	CHECK(saw_exit);
	unlink(want);
	rmdir(dir);
	saker_close(s);
	return check_done();
}
