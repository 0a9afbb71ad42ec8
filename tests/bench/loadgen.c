/* SPDX-License-Identifier: Apache-2.0 */
/* loadgen.c: a syscall load for the capture-overhead bench.
 *   loadgen open FILE COUNT    open/read/close FILE COUNT times
 *   loadgen getppid COUNT      getppid COUNT times
 * Prints the best ns per iteration over 3 rounds. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000ull + t.tv_nsec;
}

static void loop_open(const char *file, long n)
{
	char buf[64];
	long i;

	for (i = 0; i < n; i++) {
		int fd = open(file, O_RDONLY);

		if (fd < 0 || read(fd, buf, sizeof(buf)) < 0) {
			perror(file);
			exit(1);
		}
		close(fd);
	}
}

static void loop_getppid(long n)
{
	long i;

	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
}

int main(int argc, char **argv)
{
	uint64_t best = UINT64_MAX, t;
	long n;
	int r, is_open;

	if (argc < 3 || (strcmp(argv[1], "open") == 0 && argc < 4)) {
		fprintf(stderr, "usage: loadgen open FILE COUNT | loadgen getppid COUNT\n");
		return 2;
	}
	is_open = strcmp(argv[1], "open") == 0;
	n = atol(argv[is_open ? 3 : 2]);
	for (r = 0; r < 3; r++) {
		t = now_ns();
		if (is_open)
			loop_open(argv[2], n);
		else
			loop_getppid(n);
		t = now_ns() - t;
		if (t < best)
			best = t;
	}
	printf("%.1f\n", (double)best / n);
	return 0;
}
