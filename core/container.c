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
 * process with none is on the host ("host", as Falco says). The prefix, or
 * a parent directory named docker, also tells the runtime.
 */
#include <stdint.h>
#include <string.h>
#include "state.h"

/* cgroup name prefixes and the runtime each names (container.type) */
static const struct {
	const char *prefix, *type;
} prefixes[] = {
	{ "docker-", "docker" }, { "cri-containerd-", "containerd" }, { "crio-", "cri-o" },
	{ "libpod-", "podman" }, { "containerd-", "containerd" }, { NULL, NULL }
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

/* One path component [p, p+n) after the component [parent, parent+pn):
 * 1 if it names a container, with its full id (64 hex) in full and the
 * runtime in *type (NULL when the path does not tell). */
static int component_id(const char *parent, uint32_t pn, const char *p, uint32_t n, char *full,
			const char **type)
{
	int i;

	*type = pn == 6 && memcmp(parent, "docker", 6) == 0 ? "docker" : NULL;
	if (n > 6 && memcmp(p + n - 6, ".scope", 6) == 0)
		n -= 6;
	for (i = 0; prefixes[i].prefix; i++) {
		uint32_t l = (uint32_t)strlen(prefixes[i].prefix);

		if (n > l && memcmp(p, prefixes[i].prefix, l) == 0) {
			p += l;
			n -= l;
			*type = prefixes[i].type;
			break;
		}
	}
	if (!is_hex64(p, n))
		return 0;
	memcpy(full, p, 64);
	full[64] = 0;
	return 1;
}

int container_full_id(const char *blob, uint32_t len, char *full, const char **type)
{
	uint32_t i = 0;

	while (blob && i < len) {
		uint32_t end = i, j, parent = 0, pn = 0;

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
			if (k > j && component_id(blob + parent, pn, blob + j, k - j, full, type))
				return 1;
			parent = j;
			pn = k - j;
			j = k;
		}
		i = end + 1;
	}
	*type = NULL;
	return 0;
}

int container_id_from_cgroups(const char *blob, uint32_t len, char *out)
{
	char full[65];
	const char *type;

	if (!container_full_id(blob, len, full, &type)) {
		strcpy(out, "host");
		return 0;
	}
	memcpy(out, full, 12);
	out[12] = 0;
	return 1;
}
