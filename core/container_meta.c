/* SPDX-License-Identifier: Apache-2.0 */
/*
 * container_meta.c: what the runtime knows of a container (name, image,
 * privileged, mounts, host namespaces, Kubernetes pod), read from the files
 * runtimes keep on the host; no daemon is asked. Under each configured
 * root, for the container's full id:
 *   <root>/<id>/state.json            runc (docker, containerd, podman): the bundle
 *   <root>/<id>/status                crun: the bundle
 *   <root>/<id>/config.json           a bundle itself (containerd's task dirs)
 *   <root>/<id>/userdata/config.json  a bundle of cri-o or podman
 *   <root>/<id>/config.v2.json        docker's record (name, image, volumes),
 *                                     with hostconfig.json (privileged, modes)
 * The bundle's OCI config.json gives mounts, namespaces and capabilities;
 * the annotations CRI runtimes add give the image and the pod.
 *
 * A container is looked up when a field first asks for it. One not found
 * (a runtime writes its files while the container starts) is looked up
 * again after an execve in it, or a second later. CTR_MAX records are
 * kept; the least recently used one makes room.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "state.h"

enum { CTR_MAX = 256, CTR_RETRY_NS = 1000000000 };

struct containers {
	char **roots;
	uint32_t nroots;
	struct container v[CTR_MAX];
	uint32_t n;
	struct container *last;  /* the record the last call returned */
};

static char *dup_str(const char *x)
{
	return x && *x ? strdup(x) : NULL;
}

static json_t *load(const char *root, const char *id, const char *file)
{
	char path[4096];

	if (snprintf(path, sizeof(path), "%s/%s/%s", root, id, file) >= (int)sizeof(path))
		return NULL;
	return json_load_file(path, 0, NULL);
}

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* o[key] is the string v */
static int jeq(json_t *o, const char *key, const char *v)
{
	const char *x = jstr(o, key);

	return x && strcmp(x, v) == 0;
}

/* A bundle's OCI config: from runc's state.json (the "bundle=" label) or
 * crun's status ("bundle"). */
static json_t *bundle_config(json_t *state)
{
	const char *bundle = jstr(state, "bundle");
	json_t *labels = json_object_get(json_object_get(state, "config"), "labels"), *l;
	char path[4096];
	size_t i;

	json_array_foreach(labels, i, l) {
		const char *s = json_string_value(l);

		if (s && strncmp(s, "bundle=", 7) == 0)
			bundle = s + 7;
	}
	if (!bundle || snprintf(path, sizeof(path), "%s/config.json", bundle) >= (int)sizeof(path))
		return NULL;
	return json_load_file(path, 0, NULL);
}

/* The OCI config and docker's records for the container, from the roots. */
static void find_files(struct containers *c, const char *id, json_t **oci, json_t **dock, json_t **host)
{
	static const char *const bundles[] = { "config.json", "userdata/config.json" };
	uint32_t r, k;

	for (r = 0; r < c->nroots && !(*oci && *dock); r++) {
		const char *root = c->roots[r];
		json_t *st;

		if (!*oci && ((st = load(root, id, "state.json")) || (st = load(root, id, "status")))) {
			*oci = bundle_config(st);
			json_decref(st);
		}
		for (k = 0; k < 2 && !*oci; k++)
			*oci = load(root, id, bundles[k]);
		if (!*dock && (*dock = load(root, id, "config.v2.json")))
			*host = load(root, id, "hostconfig.json");
	}
}

/* image as "repository[:tag][@digest]"; no tag nor digest means latest. */
static void set_image(struct container *e, const char *image)
{
	const char *at, *slash, *colon, *end;

	if (!image || !*image)
		return;
	e->image = strdup(image);
	at = strchr(image, '@');
	end = at ? at : image + strlen(image);
	if (at)
		e->digest = dup_str(at + 1);
	slash = memchr(image, '/', (size_t)(end - image)) ? strrchr(image, '/') : image;
	colon = memchr(slash, ':', (size_t)(end - slash));
	if (colon) {
		e->tag = strndup(colon + 1, (size_t)(end - colon - 1));
		end = colon;
	} else if (!at) {
		e->tag = strdup("latest");
	}
	e->repository = strndup(image, (size_t)(end - image));
}

static const char *annotation(json_t *ann, const char *a, const char *b)
{
	const char *v = jstr(ann, a);

	return v ? v : jstr(ann, b);
}

static int has_string(json_t *arr, const char *s)
{
	json_t *x;
	size_t i;

	json_array_foreach(arr, i, x) {
		if (json_string_value(x) && strcmp(json_string_value(x), s) == 0)
			return 1;
	}
	return 0;
}

/* A namespace the OCI config does not give the container is the host's. */
static int shares_host(json_t *oci, const char *type)
{
	json_t *ns, *x;
	size_t i;

	ns = json_object_get(json_object_get(oci, "linux"), "namespaces");
	json_array_foreach(ns, i, x) {
		if (jeq(x, "type", type))
			return 0;
	}
	return 1;
}

static void free_mount(struct ctr_mount *m)
{
	free(m->source);
	free(m->dest);
	free(m->mode);
	free(m->propagation);
}

static void add_mount(struct container *e, const char *src, const char *dest, const char *mode,
		      int rdwr, const char *prop)
{
	struct ctr_mount n = { NULL, NULL, NULL, NULL, (uint8_t)rdwr }, *m;

	if (!src || !dest)
		return;
	n.source = strdup(src);
	n.dest = strdup(dest);
	n.mode = strdup(mode ? mode : "");
	n.propagation = strdup(prop ? prop : "");
	m = n.source && n.dest && n.mode && n.propagation ?
		realloc(e->mounts, (e->nmounts + 1) * sizeof(*m)) : NULL;
	if (!m) {
		free_mount(&n);
		return;
	}
	e->mounts = m;
	m[e->nmounts++] = n;
}

/* The OCI config's bind mounts (docker lists its volumes itself). */
static void oci_mounts(struct container *e, json_t *oci)
{
	static const char *const props[] = { "rprivate", "private", "rshared", "shared", "rslave", "slave" };
	json_t *m, *opts;
	size_t i, k;

	json_array_foreach(json_object_get(oci, "mounts"), i, m) {
		const char *prop = "";

		opts = json_object_get(m, "options");
		if (!(has_string(opts, "bind") || has_string(opts, "rbind") ||
		      jeq(m, "type", "bind")))
			continue;
		for (k = 0; k < sizeof(props) / sizeof(props[0]); k++)
			if (has_string(opts, props[k]))
				prop = props[k];
		add_mount(e, jstr(m, "source"), jstr(m, "destination"), "", !has_string(opts, "ro"), prop);
	}
}

static void docker_mounts(struct container *e, json_t *dock)
{
	const char *dest;
	json_t *m;

	json_object_foreach(json_object_get(dock, "MountPoints"), dest, m)
		add_mount(e, jstr(m, "Source"), jstr(m, "Destination"), jstr(m, "Relabel"),
			  json_is_true(json_object_get(m, "RW")), jstr(m, "Propagation"));
}

/* container.mounts: "source:dest:mode:rdwr:propagation", comma-separated */
static void mounts_text(struct container *e)
{
	size_t len = 1, off = 0;
	uint32_t i;

	for (i = 0; i < e->nmounts; i++) {
		const struct ctr_mount *m = &e->mounts[i];

		len += strlen(m->source) + strlen(m->dest) + strlen(m->mode) + strlen(m->propagation) + 11;
	}
	if (!e->nmounts || !(e->mounts_text = malloc(len)))
		return;
	for (i = 0; i < e->nmounts; i++) {
		const struct ctr_mount *m = &e->mounts[i];

		off += (size_t)snprintf(e->mounts_text + off, len - off, "%s%s:%s:%s:%s:%s", i ? "," : "",
					m->source, m->dest, m->mode, m->rdwr ? "true" : "false", m->propagation);
	}
}

static void lookup(struct containers *c, struct container *e, const char *id, const char *cgtype)
{
	json_t *oci = NULL, *dock = NULL, *host = NULL, *ann, *bounding;
	const char *image = NULL, *name = NULL, *type = cgtype, *img_id;

	find_files(c, id, &oci, &dock, &host);
	if (!oci && !dock)
		return;
	e->found = 1;
	ann = json_object_get(oci, "annotations");
	if (jstr(ann, "io.kubernetes.cri.container-type"))
		type = "containerd";
	else if (jstr(ann, "io.kubernetes.cri-o.ContainerType"))
		type = "cri-o";
	else if (jeq(ann, "io.container.manager", "libpod"))
		type = "podman";
	image = annotation(ann, "io.kubernetes.cri.image-name", "io.kubernetes.cri-o.ImageName");
	name = annotation(ann, "io.kubernetes.cri.container-name", "io.kubernetes.container.name");
	e->k8s_ns = dup_str(annotation(ann, "io.kubernetes.cri.sandbox-namespace", "io.kubernetes.pod.namespace"));
	e->k8s_pod = dup_str(annotation(ann, "io.kubernetes.cri.sandbox-name", "io.kubernetes.pod.name"));
	e->k8s_uid = dup_str(annotation(ann, "io.kubernetes.cri.sandbox-uid", "io.kubernetes.pod.uid"));
	bounding = json_object_get(json_object_get(json_object_get(oci, "process"), "capabilities"), "bounding");
	/* what docker --privileged and a privileged pod both do: every
	 * capability, no masked paths */
	e->privileged = (uint8_t)(has_string(bounding, "CAP_SYS_ADMIN") &&
				  json_array_size(json_object_get(json_object_get(oci, "linux"), "maskedPaths")) == 0);
	e->host_pid = (uint8_t)shares_host(oci, "pid");
	e->host_network = (uint8_t)shares_host(oci, "network");
	e->host_ipc = (uint8_t)shares_host(oci, "ipc");
	if (dock) {
		json_t *hc = host ? host : json_object_get(dock, "HostConfig");

		type = "docker";
		name = jstr(dock, "Name");
		if (name && *name == '/')
			name++;
		image = jstr(json_object_get(dock, "Config"), "Image");
		img_id = jstr(dock, "Image");
		if (img_id && strncmp(img_id, "sha256:", 7) == 0)
			e->image_id = strndup(img_id + 7, 12);
		e->privileged = (uint8_t)json_is_true(json_object_get(hc, "Privileged"));
		e->host_pid = (uint8_t)jeq(hc, "PidMode", "host");
		e->host_network = (uint8_t)jeq(hc, "NetworkMode", "host");
		e->host_ipc = (uint8_t)jeq(hc, "IpcMode", "host");
		docker_mounts(e, dock);
	} else {
		oci_mounts(e, oci);
	}
	e->type = dup_str(type);
	e->name = dup_str(name);
	set_image(e, image);
	mounts_text(e);
	json_decref(oci);
	json_decref(dock);
	json_decref(host);
}

static void clear(struct container *e)
{
	char **strs[] = { &e->type, &e->name, &e->image, &e->repository, &e->tag,
			  &e->digest, &e->image_id, &e->k8s_ns, &e->k8s_pod, &e->k8s_uid, &e->mounts_text };
	uint32_t i;

	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		free(*strs[i]);
	for (i = 0; i < e->nmounts; i++)
		free_mount(&e->mounts[i]);
	free(e->mounts);
	memset(e, 0, sizeof(*e));
}

static struct container *find(struct containers *c, const char *id)
{
	uint32_t i;

	if (c->last && memcmp(c->last->id, id, 12) == 0)
		return c->last;
	for (i = 0; i < c->n; i++)
		if (memcmp(c->v[i].id, id, 12) == 0)
			return &c->v[i];
	return NULL;
}

/* A slot for a new record: a never used one, or the least recently used. */
static struct container *make(struct containers *c, const char *id)
{
	struct container *e = &c->v[0];
	uint32_t i;

	if (c->n < CTR_MAX) {
		e = &c->v[c->n++];
	} else {
		for (i = 1; i < CTR_MAX; i++)
			if (c->v[i].used_ts < e->used_ts)
				e = &c->v[i];
		clear(e);
	}
	memcpy(e->id, id, 12);
	return e;
}

const struct container *container_of(struct saker *s, const struct thread *t)
{
	struct containers *c = s->ctrs;
	struct container *e;
	const char *cgtype;
	char full[65];
	uint64_t now = s->evt.ts;

	if (!t->in_container || !c || !c->nroots)
		return NULL;
	e = find(c, t->container_id);
	if (!e)
		e = make(c, t->container_id);
	c->last = e;
	e->used_ts = now;
	if (!e->found && (!e->tried_ts || now - e->tried_ts >= CTR_RETRY_NS)) {
		e->tried_ts = now ? now : 1;
		if (container_full_id(t->cgroups.s, t->cgroups.len, full, &cgtype))
			lookup(c, e, full, cgtype);
	}
	return e->found ? e : NULL;
}

void containers_exec(struct saker *s, const struct thread *t)
{
	struct container *e;

	if (!t->in_container || !s->ctrs)
		return;
	e = find(s->ctrs, t->container_id);
	if (e && !e->found)
		e->tried_ts = 0;
}

struct containers *containers_open(const char *roots)
{
	struct containers *c = calloc(1, sizeof(*c));
	const char *p = roots, *nl;

	if (!c)
		return NULL;
	while (p && *p) {
		char **nr;

		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		nr = realloc(c->roots, (c->nroots + 1) * sizeof(*nr));
		if (!nr) {
			containers_close(c);
			return NULL;
		}
		c->roots = nr;
		if (nl > p && !(c->roots[c->nroots++] = strndup(p, (size_t)(nl - p)))) {
			containers_close(c);
			return NULL;
		}
		p = *nl ? nl + 1 : nl;
	}
	return c;
}

void containers_close(struct containers *c)
{
	uint32_t i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++)
		clear(&c->v[i]);
	for (i = 0; i < c->nroots; i++)
		free(c->roots[i]);
	free(c->roots);
	free(c);
}
