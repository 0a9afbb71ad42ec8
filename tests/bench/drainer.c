/* SPDX-License-Identifier: Apache-2.0 */
/* drainer.c: attach the probe with the syscalls the state tables need and
 * count what arrives until SIGINT/SIGTERM. Writes "ready" to the file given
 * once attached; at the end prints one line, CPU and wall time counted
 * from attach:  events drops cpu_seconds maxrss_kb wall_seconds */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static double cpu_seconds(const struct rusage *r)
{
	return r->ru_utime.tv_sec + r->ru_stime.tv_sec +
	       (r->ru_utime.tv_usec + r->ru_stime.tv_usec) / 1e6;
}

static int count(void *ctx, const void *data, uint32_t len, uint16_t cpu)
{
	(*(uint64_t *)ctx)++;
	return 0;
}

int main(int argc, char **argv)
{
	uint8_t on[PROBE_NSYSCALLS] = { 0 };
	struct sigaction sa = { .sa_handler = on_signal };
	uint64_t events = 0, drops = 0;
	struct timespec t0, t1;
	struct rusage ru0, ru;
	struct probe *p;
	char err[256];
	uint32_t cpu;
	FILE *f;

	if (argc < 2) {
		fprintf(stderr, "usage: drainer READY_FILE\n");
		return 2;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	p = probe_open(0, getpid(), 0, err, sizeof(err));
	if (!p) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	probe_state_syscalls(on);
	probe_select(p, on, PROBE_NSYSCALLS);
	f = fopen(argv[1], "w");
	if (!f || fputs("ready\n", f) < 0 || fclose(f)) {
		perror(argv[1]);
		return 1;
	}
	getrusage(RUSAGE_SELF, &ru0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!stop) {
		int n = probe_poll(p, 100, count, &events);

		if (n < 0 && n != -EINTR) {
			fprintf(stderr, "probe_poll: %s\n", strerror(-n));
			return 1;
		}
	}
	probe_poll(p, 0, count, &events);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (cpu = 0; cpu < probe_ncpus(p); cpu++)
		drops += probe_drops(p, cpu);
	getrusage(RUSAGE_SELF, &ru);
	printf("%llu %llu %.3f %ld %.3f\n", (unsigned long long)events, (unsigned long long)drops,
	       cpu_seconds(&ru) - cpu_seconds(&ru0), ru.ru_maxrss,
	       t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	probe_close(p);
	return 0;
}
