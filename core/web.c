/* SPDX-License-Identifier: Apache-2.0 */
/*
 * web.c: the webserver of falco.yaml (`webserver.*`), on libmicrohttpd's
 * own threads: GET <k8s_healthz_endpoint> for Kubernetes probes, GET
 * /versions, and GET /metrics (Prometheus text) when enabled. The metrics
 * body is made in Lua between events and handed over whole; a request
 * never touches the capture path.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "saker.h"

struct saker_web {
	struct MHD_Daemon *d;
	pthread_mutex_t mu;
	char *metrics;           /* latest body, under mu */
	size_t metrics_len;
	char *versions;
	char healthz[256];
	int serve_metrics;
};

static const char HEALTHY[] = "{\"status\": \"ok\"}";
static const char NOT_FOUND[] = "not found\n";

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type,
			     const char *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body, mode);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_len, void **state)
{
	struct saker_web *w = cls;
	char *copy;
	size_t len;

	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", NOT_FOUND, 0,
			     MHD_RESPMEM_PERSISTENT);
	if (!strcmp(url, w->healthz))
		return reply(c, MHD_HTTP_OK, "application/json", HEALTHY, sizeof(HEALTHY) - 1,
			     MHD_RESPMEM_PERSISTENT);
	if (!strcmp(url, "/versions"))
		return reply(c, MHD_HTTP_OK, "application/json", w->versions, strlen(w->versions),
			     MHD_RESPMEM_PERSISTENT);
	if (!strcmp(url, "/metrics") && w->serve_metrics) {
		pthread_mutex_lock(&w->mu);
		len = w->metrics_len;
		copy = malloc(len ? len : 1);
		if (copy && len)
			memcpy(copy, w->metrics, len);
		pthread_mutex_unlock(&w->mu);
		if (!copy)
			return MHD_NO;
		return reply(c, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", copy, len,
			     MHD_RESPMEM_MUST_FREE);
	}
	return reply(c, MHD_HTTP_NOT_FOUND, "text/plain", NOT_FOUND, sizeof(NOT_FOUND) - 1,
		     MHD_RESPMEM_PERSISTENT);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) != NULL) {
		if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else {
			buf[n] = 0;
		}
	}
	fclose(f);
	return buf;
}

static void web_free(struct saker_web *w)
{
	pthread_mutex_destroy(&w->mu);
	free(w->metrics);
	free(w->versions);
	free(w);
}

struct saker_web *saker_web_start(const struct saker_web_opts *o, char *err, uint32_t errlen)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL_LINUX_ONLY;
	struct saker_web *w;
	char *pem = NULL;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, o->address, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons(o->port);
	} else if (inet_pton(AF_INET6, o->address, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(o->port);
		flags |= MHD_USE_IPv6;
	} else {
		snprintf(err, errlen, "webserver: listen_address %s is not an IP address", o->address);
		return NULL;
	}
	if (!o->healthz || o->healthz[0] != '/' || strlen(o->healthz) >= sizeof(w->healthz)) {
		snprintf(err, errlen, "webserver: k8s_healthz_endpoint must be a path starting with /");
		return NULL;
	}
	if (o->pem) {
		pem = read_file(o->pem);
		if (!pem) {
			snprintf(err, errlen, "webserver: cannot read ssl_certificate %s", o->pem);
			return NULL;
		}
		flags |= MHD_USE_TLS;
	}
	w = calloc(1, sizeof(*w));
	if (!w || !(w->versions = strdup(o->versions ? o->versions : "{}"))) {
		free(w);
		free(pem);
		snprintf(err, errlen, "webserver: out of memory");
		return NULL;
	}
	pthread_mutex_init(&w->mu, NULL);
	snprintf(w->healthz, sizeof(w->healthz), "%s", o->healthz);
	w->serve_metrics = o->metrics;
	if (pem)
		w->d = MHD_start_daemon(flags, o->port, NULL, NULL, answer, w,
					MHD_OPTION_SOCK_ADDR, &ss,
					MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)(o->threads > 0 ? o->threads : 0),
					MHD_OPTION_CONNECTION_TIMEOUT, 10u,
					MHD_OPTION_HTTPS_MEM_KEY, pem, MHD_OPTION_HTTPS_MEM_CERT, pem,
					MHD_OPTION_END);
	else
		w->d = MHD_start_daemon(flags, o->port, NULL, NULL, answer, w,
					MHD_OPTION_SOCK_ADDR, &ss,
					MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)(o->threads > 0 ? o->threads : 0),
					MHD_OPTION_CONNECTION_TIMEOUT, 10u,
					MHD_OPTION_END);
	free(pem);
	if (!w->d) {
		snprintf(err, errlen, "webserver: cannot serve on %s port %u (in use, or %s)",
			 o->address, (unsigned)o->port, o->pem ? "a bad certificate" : "not allowed");
		web_free(w);
		return NULL;
	}
	return w;
}

void saker_web_set_metrics(struct saker_web *w, const char *text, uint32_t len)
{
	char *copy = malloc(len ? len : 1);

	if (!w || !copy) {
		free(copy);
		return;
	}
	memcpy(copy, text, len);
	pthread_mutex_lock(&w->mu);
	free(w->metrics);
	w->metrics = copy;
	w->metrics_len = len;
	pthread_mutex_unlock(&w->mu);
}

void saker_web_stop(struct saker_web *w)
{
	if (!w)
		return;
	MHD_stop_daemon(w->d);
	web_free(w);
}
