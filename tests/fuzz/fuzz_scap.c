/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_scap.c: libFuzzer target for the capture reader. Each input is a
 * capture file (plain or gzip'd), handed to saker_open through a memfd and
 * replayed to its end with a few fields read per event, as -e does. Any
 * crash, sanitizer report or hang is a bug; errors and warnings are fine.
 * Build and run: make fuzz (corpus: tests/fuzz/corpus/).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include "saker.h"

static int memfd = -1;
static char path[64];
static int32_t h[4];
static const char *const fields[4] = { "proc.cmdline", "fd.name", "evt.args", "user.name" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct saker_opts o = { 0 };
	struct saker *s;
	char err[256], buf[1024];
	uint32_t i, n = 0;

	if (memfd < 0) {
		memfd = memfd_create("scap", MFD_CLOEXEC);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	}
	if (ftruncate(memfd, 0) || pwrite(memfd, data, size, 0) != (ssize_t)size)
		return 0;
	o.read_file = path;
	s = saker_open(&o, err, sizeof(err));
	if (!s)
		return 0;
	for (i = 0; i < 4; i++)
		h[i] = saker_field_bind(s, fields[i], NULL, err, sizeof(err));
	while (saker_next(s, 0) && n++ < 100000)
		for (i = 0; i < 4; i++)
			if (h[i] >= 0)
				saker_field_render(s, h[i], buf, sizeof(buf));
	saker_capture_status(s, err, sizeof(err));
	saker_capture_warnings(s, err, sizeof(err));
	saker_close(s);
	return 0;
}
