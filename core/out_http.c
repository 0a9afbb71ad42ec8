/* SPDX-License-Identifier: Apache-2.0 */
/*
 * out_http.c: alerts POSTed one per request through libcurl, with
 * falco.yaml's http_output settings: user agent, TLS verification (on
 * unless insecure) against ca_cert / ca_path, mTLS with a client cert and
 * key, gzip bodies (compress_uploads), connection reuse (keep_alive).
 * A failed request (no connection, timeout, 5xx, 429) is tried again
 * after a backoff that doubles each time; other 4xx answers fail at once.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "out.h"

struct http {
	CURL *curl;
	struct curl_slist *headers;
	char errbuf[CURL_ERROR_SIZE];
	uint8_t *gz;
	size_t gzcap;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_start(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
}

static size_t discard(char *p, size_t size, size_t n, void *u)
{
	return size * n;
}

/* gzip len bytes of msg into h->gz: the compressed size, or 0. */
static size_t gzip_body(struct http *h, const char *msg, uint32_t len)
{
	size_t need = len + len / 100 + 64;
	z_stream z;
	size_t out = 0;

	if (need > h->gzcap) {
		uint8_t *nb = realloc(h->gz, need);

		if (!nb)
			return 0;
		h->gz = nb;
		h->gzcap = need;
	}
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return 0;
	z.next_in = (Bytef *)msg;
	z.avail_in = len;
	z.next_out = h->gz;
	z.avail_out = h->gzcap;
	if (deflate(&z, Z_FINISH) == Z_STREAM_END)
		out = z.total_out;
	deflateEnd(&z);
	return out;
}

static int http_init(struct saker_out *c)
{
	const struct saker_out_opts *o = &c->o;
	struct http *h;
	char ct[160];

	if (!o->target) {
		out_error(c, "http output: no url");
		return -1;
	}
	pthread_once(&curl_once, curl_start);
	h = calloc(1, sizeof(*h));
	if (!h || !(h->curl = curl_easy_init())) {
		free(h);
		out_error(c, "http output: cannot start libcurl");
		return -1;
	}
	snprintf(ct, sizeof(ct), "Content-Type: %s",
		 o->content_type ? o->content_type : "application/json");
	h->headers = curl_slist_append(NULL, ct);
	if (o->compress)
		h->headers = curl_slist_append(h->headers, "Content-Encoding: gzip");
	h->headers = curl_slist_append(h->headers, "Expect:");
	curl_easy_setopt(h->curl, CURLOPT_URL, o->target);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, h->headers);
	curl_easy_setopt(h->curl, CURLOPT_USERAGENT, o->user_agent ? o->user_agent : "saker");
	curl_easy_setopt(h->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h->curl, CURLOPT_TIMEOUT_MS, (long)(o->timeout_ms ? o->timeout_ms : 5000));
	curl_easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
	curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(h->curl, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(h->curl, CURLOPT_FORBID_REUSE, o->keep_alive ? 0L : 1L);
	curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYPEER, o->insecure ? 0L : 1L);
	curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYHOST, o->insecure ? 0L : 2L);
	if (o->ca_cert)
		curl_easy_setopt(h->curl, CURLOPT_CAINFO, o->ca_cert);
	if (o->ca_path)
		curl_easy_setopt(h->curl, CURLOPT_CAPATH, o->ca_path);
	if (o->client_cert && o->client_key) {
		curl_easy_setopt(h->curl, CURLOPT_SSLCERT, o->client_cert);
		curl_easy_setopt(h->curl, CURLOPT_SSLKEY, o->client_key);
	}
	c->priv = h;
	return 0;
}

/* One attempt: 0 delivered, 1 worth retrying, -1 not. */
static int http_attempt(struct saker_out *c, struct http *h, const void *body, size_t len)
{
	long status = 0;
	CURLcode rc;

	h->errbuf[0] = 0;
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE, (long)len);
	rc = curl_easy_perform(h->curl);
	if (rc != CURLE_OK) {
		out_error(c, "http output: %s: %s", c->o.target,
			  h->errbuf[0] ? h->errbuf : curl_easy_strerror(rc));
		return 1;
	}
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 200 && status < 300)
		return 0;
	out_error(c, "http output: %s answered %ld", c->o.target, status);
	return status >= 500 || status == 429 || status == 408 ? 1 : -1;
}

static int http_send(struct saker_out *c, const char *msg, uint32_t len, int32_t prio)
{
	struct http *h = c->priv;
	const void *body = msg;
	size_t blen = len;
	uint32_t wait = c->o.backoff_ms ? c->o.backoff_ms : 200;
	int attempt, r;

	if (c->o.compress) {
		blen = gzip_body(h, msg, len);
		if (!blen) {
			out_error(c, "http output: cannot compress an alert");
			return -1;
		}
		body = h->gz;
	}
	for (attempt = 0;; attempt++) {
		r = http_attempt(c, h, body, blen);
		if (r <= 0 || attempt >= c->o.retries)
			break;
		if (out_sleep(c, wait))
			break;
		wait = wait * 2 > 30000 ? 30000 : wait * 2;
	}
	return r == 0 ? 0 : -1;
}

static void http_fini(struct saker_out *c)
{
	struct http *h = c->priv;

	curl_easy_cleanup(h->curl);
	curl_slist_free_all(h->headers);
	free(h->gz);
	free(h);
}

const struct out_sink out_http_sink = {
	.name = "http", .init = http_init, .send = http_send, .fini = http_fini,
};

int32_t saker_http_post(const char *url, const char *body, uint32_t len, const char *content_type,
			int32_t timeout_ms, char *err, uint32_t errlen)
{
	struct curl_slist *hd;
	char ct[160], ebuf[CURL_ERROR_SIZE] = "";
	long status = -1;
	CURL *curl;
	CURLcode rc;

	pthread_once(&curl_once, curl_start);
	curl = curl_easy_init();
	if (!curl) {
		snprintf(err, errlen, "cannot start libcurl");
		return -1;
	}
	snprintf(ct, sizeof(ct), "Content-Type: %s", content_type ? content_type : "application/json");
	hd = curl_slist_append(NULL, ct);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hd);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "saker");
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)(timeout_ms > 0 ? timeout_ms : 5000));
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)len);
	rc = curl_easy_perform(curl);
	if (rc == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	else
		snprintf(err, errlen, "%s", ebuf[0] ? ebuf : curl_easy_strerror(rc));
	curl_slist_free_all(hd);
	curl_easy_cleanup(curl);
	return rc == CURLE_OK ? (int32_t)status : -1;
}
