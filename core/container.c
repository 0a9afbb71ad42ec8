/* SPDX-License-Identifier: Apache-2.0 */
/*
 * container.c: the container id of a process, from its cgroup paths.
 *
 * Runtimes name a container's cgroup after its 64-hex id:
 *   docker          /docker/<id>, or docker-<id>.scope under systemd
 *   containerd/CRI  cri-containerd-<id>.scope, /kubepods/.../<id>
 *   cri-o           crio-<id>.scope
 *   podman          libpod-<id>.scope
 * The id is the first 12 hex chars of the first such path component; a
 * process with none is on the host ("host", as Falco says).
 */
#include <stdint.h>
#include <string.h>
#include "state.h"

static const char *const prefixes[] = {
	"docker-", "cri-containerd-", "crio-", "libpod-", "containerd-", NULL
};

static int is_hex64(const char *p, uint32_t n)
{
	uint32_t i;

	if (n != 64)
		return 0;
	for (i = 0; i < n; i++) {
		char c = p[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return 0;
	}
	return 1;
}

/* One path component [p, p+n): 1 and the id in out if it names a container. */
static int component_id(const char *p, uint32_t n, char *out)
{
	int i;

	if (n > 6 && memcmp(p + n - 6, ".scope", 6) == 0)
		n -= 6;
	for (i = 0; prefixes[i]; i++) {
		uint32_t l = (uint32_t)strlen(prefixes[i]);

		if (n > l && memcmp(p, prefixes[i], l) == 0) {
			p += l;
			n -= l;
			break;
		}
	}
	if (!is_hex64(p, n))
		return 0;
	memcpy(out, p, 12);
	out[12] = 0;
	return 1;
}

int container_id_from_cgroups(const char *blob, uint32_t len, char *out)
{
	uint32_t i = 0;

	while (blob && i < len) {
		uint32_t end = i, j;

		while (end < len && blob[end])
			end++;
		/* "subsys=path" (events) or "N:subsys:path" (/proc/PID/cgroup) */
		for (j = i; j < end && blob[j] != '/'; j++)
			;
		while (j < end) {
			uint32_t k;

			while (j < end && blob[j] == '/')
				j++;
			for (k = j; k < end && blob[k] != '/'; k++)
				;
			if (k > j && component_id(blob + j, k - j, out))
				return 1;
			j = k;
		}
		i = end + 1;
	}
	strcpy(out, "host");
	return 0;
}
