/* SPDX-License-Identifier: Apache-2.0 */
/* test_probe_drops.c: a 4 KiB ring that nobody drains overflows; the
 * events that did not fit are counted as drops, the rest arrive whole
 * (root only). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>

#include "probe_ev.h"

int main(void)
{
	static const char *const types[] = { "openat", "close", NULL };
	struct probe *p;
	char err[256];
	int i, status, complete = 1;
	pid_t c;

	if (geteuid() != 0) {
		printf("skipped: needs root\n");
		printf("0 passed, 0 failed\n");
		return 0;
	}
	p = probe_open(4, getpid(), 0, err, sizeof(err));
	if (!p) {
		fprintf(stderr, "%s\n", err);
		CHECK(p != NULL);
		return check_done();
	}
	select_types(p, types);
	CHECK_INT(total_drops(p), 0);
	c = fork();
	if (c == 0) {
		for (i = 0; i < 1000; i++)
			close(open("/dev/null", O_RDONLY));
		_exit(0);
	}
	waitpid(c, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	probe_poll(p, 0, ev_keep, NULL);
	/* 2000 events of about 50 to 100 bytes cannot fit in 4 KiB */
	CHECK(nev > 0 && nev < 200);
	CHECK(total_drops(p) >= 1000);
	for (i = 0; i < nev; i++)
		if (evs[i].len < 26 || ev_nparams(&evs[i]) > 8 || param(&evs[i], ev_nparams(&evs[i]) - 1, &(uint16_t){ 0 }) == NULL)
			complete = 0;
	CHECK(complete);
	ev_free();
	probe_close(p);
	return check_done();
}
