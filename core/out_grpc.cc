/* SPDX-License-Identifier: Apache-2.0 */
/*
 * out_grpc.cc: the gRPC channel. Serves Falco's falco.outputs.service (sub,
 * get) and falco.version.service (core/proto/) on grpc.bind_address: a unix
 * socket, or a TCP address with mutual TLS (refused without it).
 *
 * The engine pushes each alert, already encoded as a falco.outputs.response
 * (lua/saker/outputs/grpc.lua), into the channel's queue like any other
 * channel; the channel's thread (send below) copies it into the bounded
 * ring of every `sub` client and into the ring `get` drains. A full ring
 * loses its oldest alerts; a sub client's losses count as the channel's
 * drops. gRPC's own threads write to the clients, so a slow or stuck client
 * costs only its ring, never the capture or the other channels.
 *
 * The server is one per process, like Falco's, and its settings are read
 * at start: a channel opened while one runs (a hot reload's new outputs)
 * shares it, so subscribers stay connected across reloads; the last
 * channel closed stops it.
 *
 * Built on the C++ library (libgrpc++) behind this sink's C interface: its
 * synchronous server runs one blocking handler per call, where the C core
 * API would need a hand-written completion-queue state machine per call and
 * hand-made protobuf framing (protobuf-c) for the same result.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <list>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "outputs.grpc.pb.h"
#include "version.grpc.pb.h"

extern "C" {
#include "out.h"
}

namespace {

namespace outputs = falco::outputs;
namespace version = falco::version;

/* Encoded responses, oldest first, at most cap bytes. */
struct ring {
	std::deque<std::string> q;
	size_t bytes = 0;
	size_t cap;

	explicit ring(size_t c) : cap(c) {}

	/* The number of oldest alerts dropped to make room. */
	unsigned push(const char *msg, uint32_t len)
	{
		unsigned lost = 0;

		while (!q.empty() && bytes + len > cap) {
			bytes -= q.front().size();
			q.pop_front();
			lost++;
		}
		q.emplace_back(msg, len);
		bytes += len;
		return lost;
	}
};

struct hub {
	std::mutex mu;
	std::condition_variable cv;
	std::list<ring *> subs;
	ring gets;
	bool stopping = false;

	explicit hub(size_t cap) : gets(cap) {}
};

class outputs_service final : public outputs::service::Service {
public:
	explicit outputs_service(hub *h) : h_(h) {}

	grpc::Status sub(grpc::ServerContext *ctx,
			 grpc::ServerReaderWriter<outputs::response, outputs::request> *stream) override
	{
		ring mine(h_->gets.cap);
		std::list<ring *>::iterator self;
		outputs::response msg;
		std::string buf;

		{
			std::lock_guard<std::mutex> l(h_->mu);
			if (h_->stopping)
				return grpc::Status(grpc::StatusCode::UNAVAILABLE, "saker is stopping");
			self = h_->subs.insert(h_->subs.end(), &mine);
		}
		/* tells the client it is subscribed: alerts from now on are its */
		stream->SendInitialMetadata();
		for (;;) {
			{
				std::unique_lock<std::mutex> l(h_->mu);
				while (mine.q.empty() && !h_->stopping && !ctx->IsCancelled())
					h_->cv.wait_for(l, std::chrono::milliseconds(200));
				if (mine.q.empty())
					break;
				buf.swap(mine.q.front());
				mine.q.pop_front();
				mine.bytes -= buf.size();
			}
			if (msg.ParseFromString(buf) && !stream->Write(msg))
				break;
		}
		std::lock_guard<std::mutex> l(h_->mu);
		h_->subs.erase(self);
		return grpc::Status::OK;
	}

	grpc::Status get(grpc::ServerContext *ctx, const outputs::request *req,
			 grpc::ServerWriter<outputs::response> *writer) override
	{
		std::deque<std::string> q;
		outputs::response msg;

		{
			std::lock_guard<std::mutex> l(h_->mu);
			q.swap(h_->gets.q);
			h_->gets.bytes = 0;
		}
		for (const std::string &m : q)
			if (msg.ParseFromString(m) && !writer->Write(msg))
				break;
		return grpc::Status::OK;
	}

private:
	hub *h_;
};

/* "1.2.3-rc1+b" -> major, minor, patch, prerelease, build */
struct semver {
	uint64_t major = 0, minor = 0, patch = 0;
	std::string pre, build;

	explicit semver(const std::string &v)
	{
		unsigned long long a = 0, b = 0, c = 0;
		size_t plus = v.find('+'), dash = v.find('-');

		sscanf(v.c_str(), "%llu.%llu.%llu", &a, &b, &c);
		major = a, minor = b, patch = c;
		if (plus != std::string::npos)
			build = v.substr(plus + 1);
		if (dash != std::string::npos && dash < plus)
			pre = v.substr(dash + 1, plus == std::string::npos ? std::string::npos : plus - dash - 1);
	}
};

class version_service final : public version::service::Service {
public:
	/* versions: "<saker version> <engine version>" */
	explicit version_service(const char *versions)
	{
		std::istringstream in(versions ? versions : "");
		std::string saker, engine;

		in >> saker >> engine;
		semver s(saker), e(engine);
		r_.set_version(saker);
		r_.set_major(s.major);
		r_.set_minor(s.minor);
		r_.set_patch(s.patch);
		r_.set_prerelease(s.pre);
		r_.set_build(s.build);
		r_.set_engine_version(engine);
		r_.set_engine_major(e.major);
		r_.set_engine_minor(e.minor);
		r_.set_engine_patch(e.patch);
	}

	grpc::Status version(grpc::ServerContext *ctx, const version::request *req,
			     version::response *resp) override
	{
		*resp = r_;
		return grpc::Status::OK;
	}

private:
	version::response r_;
};

struct server {
	hub h;
	outputs_service outs;
	version_service ver;
	std::unique_ptr<grpc::Server> srv;
	std::string sock; /* the unix socket's path, "" for TCP */
	ino_t ino = 0;    /* and its inode */

	server(size_t cap, const char *versions) : h(cap), outs(&h), ver(versions) {}
};

int read_file(struct saker_out *c, const char *key, const char *path, std::string &out)
{
	std::ifstream f(path ? path : "");
	std::stringstream ss;

	if (!path || !f) {
		out_error(c, "grpc output: cannot read %s %s: %s", key, path ? path : "(unset)",
			  strerror(errno));
		return -1;
	}
	ss << f.rdbuf();
	out = ss.str();
	return 0;
}

int mkdirs(const std::string &dir)
{
	for (size_t i = 1; i <= dir.size(); i++) {
		if (i < dir.size() && dir[i] != '/')
			continue;
		if (mkdir(dir.substr(0, i).c_str(), 0755) < 0 && errno != EEXIST)
			return -1;
	}
	return 0;
}

int listen_on(struct saker_out *c, server *s, grpc::ServerBuilder &b, int *port)
{
	const char *addr = c->o.target;

	if (!strncmp(addr, "unix:", 5)) {
		/* unix:///abs/path or unix:/abs/path */
		std::string path = addr + (strncmp(addr, "unix://", 7) ? 5 : 7);
		size_t slash = path.rfind('/');

		if (path.empty() || path[0] != '/') {
			out_error(c, "grpc output: %s: a unix socket needs an absolute path", addr);
			return -1;
		}
		if (slash > 0 && mkdirs(path.substr(0, slash)) < 0) {
			out_error(c, "grpc output: cannot create %s: %s", path.substr(0, slash).c_str(),
				  strerror(errno));
			return -1;
		}
		/* bound under a name of its own, then renamed over the final
		 * one: a stale socket (a killed agent's) is replaced atomically,
		 * and a server never unlinks a socket that is not its own */
		s->sock = path;
		b.AddListeningPort("unix:" + path + ".new", grpc::InsecureServerCredentials(), port);
		return 0;
	}
	grpc::SslServerCredentialsOptions tls(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
	grpc::SslServerCredentialsOptions::PemKeyCertPair pair;

	if (!c->o.client_key || !c->o.client_cert || !c->o.ca_cert) {
		out_error(c, "grpc output: the TCP address %s needs mutual TLS: set grpc.private_key, "
			  "grpc.cert_chain and grpc.root_certs (or use a unix:// address)", addr);
		return -1;
	}
	if (read_file(c, "grpc.private_key", c->o.client_key, pair.private_key) < 0 ||
	    read_file(c, "grpc.cert_chain", c->o.client_cert, pair.cert_chain) < 0 ||
	    read_file(c, "grpc.root_certs", c->o.ca_cert, tls.pem_root_certs) < 0)
		return -1;
	tls.pem_key_cert_pairs.push_back(pair);
	b.AddListeningPort(addr, grpc::SslServerCredentials(tls), port);
	return 0;
}

/* The running server and the channels that share it. */
std::mutex running_mu;
server *running;
unsigned running_refs;

int start(struct saker_out *c)
{
	size_t cap = (c->o.queue_kb ? c->o.queue_kb : 1024) * 1024;
	unsigned threads = c->o.threads > 0 ? (unsigned)c->o.threads
					    : std::max(1u, std::thread::hardware_concurrency());
	std::unique_ptr<server> s(new server(cap, c->o.version));
	grpc::ServerBuilder b;
	struct stat st;
	sigset_t all, old;
	int port = 0;

	if (!c->o.target) {
		out_error(c, "grpc output: no grpc.bind_address");
		return -1;
	}
	if (listen_on(c, s.get(), b, &port) < 0)
		return -1;
	b.RegisterService(&s->outs);
	b.RegisterService(&s->ver);
	b.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::NUM_CQS, threads);
	b.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 1);
	/* gRPC's threads take no signals: they stay with the engine's thread */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	s->srv = b.BuildAndStart();
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!s->srv || !port) {
		out_error(c, "grpc output: cannot listen on %s", c->o.target);
		if (s->srv)
			s->srv->Shutdown();
		return -1;
	}
	if (!s->sock.empty()) {
		std::string tmp = s->sock + ".new";

		if (chmod(tmp.c_str(), 0660) < 0 || rename(tmp.c_str(), s->sock.c_str()) < 0) {
			out_error(c, "grpc output: cannot set up %s: %s", s->sock.c_str(), strerror(errno));
			unlink(tmp.c_str());
			s->srv->Shutdown();
			return -1;
		}
		if (stat(s->sock.c_str(), &st) == 0)
			s->ino = st.st_ino;
	}
	c->priv = s.release();
	return 0;
}

int grpc_send(struct saker_out *c, const char *msg, uint32_t len, int32_t prio)
{
	server *s = static_cast<server *>(c->priv);
	unsigned lost = 0;

	{
		std::lock_guard<std::mutex> l(s->h.mu);
		for (ring *r : s->h.subs)
			lost += r->push(msg, len);
		s->h.gets.push(msg, len);
	}
	s->h.cv.notify_all();
	if (lost) {
		pthread_mutex_lock(&c->lock);
		c->st.dropped += lost;
		pthread_mutex_unlock(&c->lock);
	}
	return 0;
}

int grpc_init_sink(struct saker_out *c)
{
	std::lock_guard<std::mutex> l(running_mu);

	if (!running) {
		if (start(c) < 0)
			return -1;
		running = static_cast<server *>(c->priv);
	}
	c->priv = running;
	running_refs++;
	return 0;
}

void grpc_fini(struct saker_out *c)
{
	server *s = static_cast<server *>(c->priv);
	std::lock_guard<std::mutex> rl(running_mu);
	struct stat st;

	c->priv = NULL;
	if (!s || --running_refs)
		return;
	running = NULL;
	{
		std::lock_guard<std::mutex> l(s->h.mu);
		s->h.stopping = true;
	}
	s->h.cv.notify_all();
	/* writes still blocked on a client that does not read are cancelled */
	s->srv->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
	s->srv->Wait();
	/* our socket, unless a newer server has replaced it since */
	if (!s->sock.empty() && stat(s->sock.c_str(), &st) == 0 && S_ISSOCK(st.st_mode) &&
	    st.st_ino == s->ino)
		unlink(s->sock.c_str());
	delete s;
}

} /* namespace */

extern "C" const struct out_sink out_grpc_sink = {
	"grpc", grpc_init_sink, grpc_send, NULL, grpc_fini,
};
