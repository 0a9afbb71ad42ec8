/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_container.c: container.* and k8s.* fields from runtime files laid
 * out in a temp dir the way runc with containerd's CRI, docker and crun
 * with cri-o keep them (no root, no runtime).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "state.h"
#include "check.h"
#include "fieldtext.h"
#include "evbuild.h"

#define ID1 "1111111111aa0000000000000000000000000000000000000000000000000000"
#define ID2 "2222222222bb0000000000000000000000000000000000000000000000000000"
#define ID3 "3333333333cc0000000000000000000000000000000000000000000000000000"

static char dir[64];
static struct saker *S;
static struct evb B;
static uint64_t ts = 1700000000000000000ull;
static int64_t next_tid = 100;
static char out[8192];

/* Write text to dir/rel, making its directories. */
static void put(const char *rel, const char *text)
{
	char path[512], cmd[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	CHECK(system(cmd) == 0);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* A new thread in a container (its clone child event), made current. */
static void enter(struct saker *s, const char *cgroups)
{
	int64_t tid = next_tid++;

	evb_clone(&B, (uint64_t)tid, ts++, 0, tid, tid, 1, PPM_CL_CHILD_IN_PIDNS, "app", cgroups,
		  5000000000ull);
	evb_end(&B);
	CHECK(saker_inject(s, B.buf, B.len, 0) == 0);
	CHECK(saker_next(s, 0) != NULL);
}

/* The rendered value of a field of the current event, or "<NA>". */
static const char *R(const char *name) { return field_text(S, name, out, sizeof(out)); }

static struct saker *open_with(const char *roots)
{
	struct saker_opts o = { 0 };
	char err[256];
	struct saker *s;

	o.container_roots = roots;
	s = saker_open(&o, err, sizeof(err));
	if (!s)
		fprintf(stderr, "saker_open: %s\n", err);
	return s;
}

/* runc's state.json names the bundle; its config.json carries containerd's
 * CRI annotations, the mounts, namespaces and capabilities. */
static void test_cri_runc(void)
{
	char text[2048];

	snprintf(text, sizeof(text), "{\"id\":\"%s\",\"config\":{\"labels\":[\"bundle=%s/b1\"]}}", ID1, dir);
	put("runc/" ID1 "/state.json", text);
	put("b1/config.json", "{\"annotations\":{"
	    "\"io.kubernetes.cri.container-type\":\"container\","
	    "\"io.kubernetes.cri.image-name\":\"docker.io/library/nginx:1.25\","
	    "\"io.kubernetes.cri.container-name\":\"web\","
	    "\"io.kubernetes.cri.sandbox-name\":\"web-7d4b9\","
	    "\"io.kubernetes.cri.sandbox-namespace\":\"shop\","
	    "\"io.kubernetes.cri.sandbox-uid\":\"3e41dc6b-08a8\"},"
	    "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
	    "{\"destination\":\"/var/run/docker.sock\",\"type\":\"bind\",\"source\":\"/var/run/docker.sock\","
	    "\"options\":[\"rbind\",\"rprivate\",\"rw\"]},"
	    "{\"destination\":\"/host/etc\",\"source\":\"/etc\",\"options\":[\"rbind\",\"ro\"]}],"
	    "\"process\":{\"capabilities\":{\"bounding\":[\"CAP_CHOWN\",\"CAP_SYS_ADMIN\"]}},"
	    "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"ipc\"},{\"type\":\"mount\"}]}}");
	enter(S, "cpu=/kubepods/besteffort/pod3e41/cri-containerd-" ID1 ".scope");
	CHECK_STR(R("container.id"), "1111111111aa");
	CHECK_STR(R("container.full_id"), ID1);
	CHECK_STR(R("container.type"), "containerd");
	CHECK_STR(R("container.name"), "web");
	CHECK_STR(R("container.image"), "docker.io/library/nginx:1.25");
	CHECK_STR(R("container.image.repository"), "docker.io/library/nginx");
	CHECK_STR(R("container.image.tag"), "1.25");
	CHECK_STR(R("container.image.digest"), "<NA>");
	CHECK_STR(R("container.privileged"), "true");
	CHECK_STR(R("container.host_network"), "true");
	CHECK_STR(R("container.host_pid"), "false");
	CHECK_STR(R("container.host_ipc"), "false");
	CHECK_STR(R("container.mounts"), "/var/run/docker.sock:/var/run/docker.sock::true:rprivate,/etc:/host/etc::false:");
	CHECK_STR(R("container.mount.dest[/var/run/docker.sock]"), "/var/run/docker.sock");
	CHECK_STR(R("container.mount.dest[/et*]"), "/host/etc");
	CHECK_STR(R("container.mount.dest[/proc*]"), "<NA>");
	CHECK_STR(R("container.mount[1]"), "/etc:/host/etc::false:");
	CHECK_STR(R("container.mount[/nowhere]"), "none");
	CHECK_STR(R("container.mount.rdwr[0]"), "true");
	CHECK_STR(R("container.mount.source[2]"), "<NA>");
	CHECK_STR(R("k8s.ns.name"), "shop");
	CHECK_STR(R("k8s.pod.name"), "web-7d4b9");
	CHECK_STR(R("k8s.pod.uid"), "3e41dc6b-08a8");
	CHECK_STR(R("k8s.pod.id"), "3e41dc6b-08a8");
	CHECK(strcmp(R("container.start_ts"), "<NA>") != 0);
}

/* docker's own record: name, image by digest, volumes, host modes. */
static void test_docker(void)
{
	put("docker/" ID2 "/config.v2.json", "{\"Name\":\"/api\",\"Image\":\"sha256:"
	    "4e1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeeff0\","
	    "\"Config\":{\"Image\":\"registry.example.com:5000/team/api@sha256:abcd\"},"
	    "\"MountPoints\":{\"/data\":{\"Source\":\"/srv/data\",\"Destination\":\"/data\","
	    "\"RW\":false,\"Relabel\":\"z\",\"Propagation\":\"rprivate\"}}}");
	put("docker/" ID2 "/hostconfig.json",
	    "{\"Privileged\":false,\"NetworkMode\":\"host\",\"PidMode\":\"\",\"IpcMode\":\"private\"}");
	enter(S, "0::/system.slice/docker-" ID2 ".scope");
	CHECK_STR(R("container.type"), "docker");
	CHECK_STR(R("container.name"), "api");
	CHECK_STR(R("container.image.repository"), "registry.example.com:5000/team/api");
	CHECK_STR(R("container.image.tag"), "<NA>");
	CHECK_STR(R("container.image.digest"), "sha256:abcd");
	CHECK_STR(R("container.image.id"), "4e1b2c3d4e5f");
	CHECK_STR(R("container.privileged"), "false");
	CHECK_STR(R("container.host_network"), "true");
	CHECK_STR(R("container.host_pid"), "false");
	CHECK_STR(R("container.mounts"), "/srv/data:/data:z:false:rprivate");
	CHECK_STR(R("k8s.ns.name"), "<NA>");
}

/* Files that appear after the container's first events: the record is
 * missing, then read at the next look a second later (crun, cri-o). */
static void test_late(void)
{
	char text[512];

	enter(S, "0::/docker/" ID3);
	CHECK_STR(R("container.image"), "<NA>");
	CHECK_STR(R("container.type"), "docker"); /* from the cgroup path */
	snprintf(text, sizeof(text), "{\"bundle\":\"%s/b3\"}", dir);
	put("crun/" ID3 "/status", text);
	put("b3/config.json", "{\"annotations\":{\"io.kubernetes.cri-o.ContainerType\":\"container\","
	    "\"io.kubernetes.cri-o.ImageName\":\"quay.io/app:2\",\"io.kubernetes.pod.namespace\":\"ops\"},"
	    "\"process\":{\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\"]}},"
	    "\"linux\":{\"maskedPaths\":[\"/proc/kcore\"],\"namespaces\":[{\"type\":\"pid\"},"
	    "{\"type\":\"network\",\"path\":\"/var/run/netns/cni-1\"},{\"type\":\"ipc\"}]}}");
	enter(S, "0::/docker/" ID3);
	CHECK_STR(R("container.image"), "<NA>"); /* looked 1 ns ago */
	ts += 1000000000ull;
	enter(S, "0::/docker/" ID3);
	CHECK_STR(R("container.image"), "quay.io/app:2");
	CHECK_STR(R("container.type"), "cri-o");
	CHECK_STR(R("container.privileged"), "false"); /* masked paths */
	CHECK_STR(R("container.host_network"), "false"); /* a pod's netns */
	CHECK_STR(R("k8s.ns.name"), "ops");
	CHECK_STR(R("container.mounts"), "<NA>");
}

/* Broken files: unreadable JSON, a bundle that is not there, a mount with
 * no source, values of the wrong type. Nothing crashes; what can be read
 * is. */
static void test_broken(void)
{
	put("runc/4444444444dd0000000000000000000000000000000000000000000000000000/state.json", "{\"config\":");
	enter(S, "0::/docker/4444444444dd0000000000000000000000000000000000000000000000000000");
	CHECK_STR(R("container.image"), "<NA>");
	CHECK_STR(R("container.type"), "docker");
	put("runc/5555555555ee0000000000000000000000000000000000000000000000000000/state.json",
	    "{\"config\":{\"labels\":[\"bundle=/nonexistent/bundle\", 7]}}");
	enter(S, "0::/docker/5555555555ee0000000000000000000000000000000000000000000000000000");
	CHECK_STR(R("container.name"), "<NA>");
	put("crun/6666666666ff0000000000000000000000000000000000000000000000000000/userdata/config.json",
	    "{\"annotations\":{\"io.kubernetes.cri.image-name\":7,\"io.kubernetes.container.name\":\"job\"},"
	    "\"mounts\":[{\"destination\":\"/x\",\"options\":[\"bind\"]},\"junk\"],"
	    "\"linux\":{\"namespaces\":\"none\"}}");
	enter(S, "0::/docker/6666666666ff0000000000000000000000000000000000000000000000000000");
	CHECK_STR(R("container.name"), "job");
	CHECK_STR(R("container.image"), "<NA>");
	CHECK_STR(R("container.mounts"), "<NA>");
	CHECK_STR(R("container.mount[0]"), "none");
	CHECK_STR(R("container.host_pid"), "true");
}

static void test_host_and_no_roots(void)
{
	struct saker *s = open_with(NULL), *keep = S;

	enter(S, "0::/user.slice");
	CHECK_STR(R("container.id"), "host");
	CHECK_STR(R("container.full_id"), "host");
	CHECK_STR(R("container.name"), "host");
	CHECK_STR(R("container.type"), "<NA>");
	CHECK_STR(R("container.image"), "<NA>");
	CHECK_STR(R("container.start_ts"), "<NA>");
	/* a context given no roots reads nothing (a capture replayed) */
	S = s;
	enter(S, "cpu=/kubepods/besteffort/pod3e41/cri-containerd-" ID1 ".scope");
	CHECK_STR(R("container.id"), "1111111111aa");
	CHECK_STR(R("container.image"), "<NA>");
	CHECK_STR(R("container.type"), "containerd");
	saker_close(s);
	S = keep;
}

int main(void)
{
	char roots[256];

	strcpy(dir, "/tmp/saker-ctr.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	snprintf(roots, sizeof(roots), "/nonexistent\n%s/runc\n%s/crun\n%s/docker", dir, dir, dir);
	S = open_with(roots);
	CHECK(S != NULL);
	if (S) {
		test_cri_runc();
		test_docker();
		test_late();
		test_broken();
		test_host_and_no_roots();
		saker_close(S);
	}
	snprintf(roots, sizeof(roots), "rm -rf '%s'", dir);
	CHECK(system(roots) == 0);
	return check_done();
}
