/* SPDX-License-Identifier: Apache-2.0 */
/*
 * saker.h: the one boundary between the C core and LuaJIT.
 *
 * lua/saker/core.lua hands this file, as it is, to ffi.cdef: so it holds only
 * stdint types, structs, enums and prototypes (no macros, no #include, no
 * comments after the last prototype of a section that FFI would choke on).
 * C files include <stdint.h> before it.
 *
 * Conventions: functions are named saker_<area>_<verb> or saker_<verb>, return
 * an int status (>= 0 ok, < 0 error) unless they return a pointer, and hand
 * results back through caller-owned structs. Nothing here allocates per event.
 */

enum { SAKER_ABI = 1 };

int32_t saker_abi(void);  /* SAKER_ABI of the C core that was built */

/* ---- context and capture (core/saker.c, core/probe.c) ------------------ */

struct saker;

struct saker_opts {
	int32_t live;       /* 1: load the eBPF probe; 0: events come only from saker_inject */
	int32_t scan_proc;  /* seed the thread and fd tables from /proc */
	uint32_t ring_kb;   /* ring buffer size in KiB (power of two), 0 = default */
	int32_t verbose;    /* libbpf's own messages on stderr */
	const char *read_file;  /* replay this .scap capture (plain or gzip'd); live must be 0 */
	const char *write_file; /* write every event handed out to this .scap file */
	int32_t drop_failed_exit; /* live: failed syscalls are not sent (syscall_drop_failed_exit) */
	const char *container_roots; /* newline-separated dirs where container runtimes keep
	                                their files (container.*, k8s.*); NULL: not read */
};

/* One decoded event. `raw` is the event in the scap layout: the 26-byte
 * header (ts u64, tid u64, len u32, type u16, nparams u32), then nparams
 * u16 lengths, then the values back to back (../shared/scap/format.md §7). */
struct saker_evt {
	uint64_t num;        /* evt.num: 1-based sequence over the context's life */
	uint64_t ts;         /* ns since the epoch */
	int64_t tid;
	const uint8_t *raw;
	uint32_t len;        /* bytes in raw */
	uint32_t nparams;
	uint16_t type;       /* scap event code (event_table_full.tsv) */
	uint16_t cpu;
	uint16_t kind;       /* the event type rules see: type, or for a generic
	                        event a type per syscall (saker_evtype_name) */
	uint16_t spare;
	uint32_t flags;
};

struct saker_stats {
	uint64_t events;     /* events handed out by saker_next */
	uint64_t received;   /* events read from the ring buffer */
	uint64_t injected;   /* events given through saker_inject */
	uint64_t drops;      /* ring-buffer reservation failures in the probe, all CPUs */
	uint64_t threads;    /* entries in the thread table now */
	uint64_t fds;        /* entries in all fd tables now */
	uint32_t ncpus;
	uint32_t pad;
};

/* NULL on failure, with one line in err saying what is missing. */
struct saker *saker_open(const struct saker_opts *o, char *err, uint32_t errlen);
void saker_close(struct saker *s);

/* The next event, with the state tables updated for it; NULL when none came
 * within timeout_ms (0: do not wait) or a signal arrived. The event, its
 * thread and its fd stay valid until the following call. The pointer is the
 * same for the context's whole life, so a hot loop may fetch it once and
 * only test the return value for NULL (no boxed pointer per event). */
const struct saker_evt *saker_next(struct saker *s, int32_t timeout_ms);

/* Queue one scap-layout event, as if the probe had sent it (tests, replay).
 * The bytes are copied. */
int saker_inject(struct saker *s, const uint8_t *raw, uint32_t len, uint16_t cpu);

int saker_stats_get(struct saker *s, struct saker_stats *out);
uint64_t saker_cpu_drops(struct saker *s, uint32_t cpu);

/* Kernel-side selection: the event types (evt.type names) the rules need.
 * The syscalls the state tables need are always on. commit pushes the set
 * to the probe (a no-op without one). add returns -1 for a name saker
 * cannot capture. */
void saker_interest_clear(struct saker *s);
int saker_interest_add(struct saker *s, const char *evtype);
void saker_interest_all(struct saker *s);
int saker_interest_commit(struct saker *s);

/* The last signal caught (SIGINT, SIGTERM, SIGHUP, SIGUSR1), 0 if none;
 * reading clears it. saker_next returns NULL early when one arrives. */
int32_t saker_signal_take(void);

/* ---- capture files (core/scap_read.c, core/scap_write.c) ---------------- */

/* With read_file, saker_next hands out the capture's events (timestamps
 * are the capture's) and NULL at its end. 0: still reading, 1: no capture
 * file or its end was reached, -1: the file is broken (msg says where,
 * with the byte offset). */
int32_t saker_capture_status(struct saker *s, char *msg, uint32_t cap);
/* Warnings of the reader so far (skipped blocks, events); the last in msg. */
uint32_t saker_capture_warnings(struct saker *s, char *msg, uint32_t cap);
/* With write_file: write only events kept by saker_capture_keep, each
 * with `before` events ahead of it and `after` events behind it. */
int32_t saker_capture_window(struct saker *s, uint32_t before, uint32_t after);
/* Keep the current event (it matched a rule) in the written capture. */
void saker_capture_keep(struct saker *s);
/* Record on alert (Falco's `capture`): write the file `path` (the state
 * tables, the current event, then every event up to time until_ns), beside
 * any -w capture. While one records, a call only moves its end to until_ns
 * if later (path unused). 0 started, 1 extended, -1 cannot (msg says why). */
int32_t saker_record(struct saker *s, const char *path, uint64_t until_ns, char *msg, uint32_t cap);
/* The events of a recording that ended since the last call (0: none
 * ended). With now_ns > 0, a recording whose end time is past now_ns is
 * ended first (live: a quiet host sends no later event to end it). */
uint64_t saker_record_ended(struct saker *s, uint64_t now_ns);

/* ---- event types (core/evtypes.c) ---------------------------------------- */
/* Types below the table's length are the scap codes (core/evtable.c, generated); the rest,
 * up to max-1, one per native syscall number: saker_evt.kind of a generic
 * event. The engine dispatches on kind. */

int32_t saker_evtype_max(void);                 /* types are 0 .. max-1 */
const char *saker_evtype_name(uint16_t type);   /* "open", "execve", "getppid", "NA" */
int32_t saker_evtype_dir(uint16_t type);        /* '>' enter, '<' exit */
int32_t saker_evtype_nparams(uint16_t type);
const char *saker_evtype_param(uint16_t type, uint32_t i); /* name of parameter i, NULL past the end */
int32_t saker_evtype_generic(uint16_t type);    /* 1: one syscall's generic events */

/* ---- fields (core/fields.c and the state tables behind it) -------------- */

enum saker_ftype {
	SAKER_FT_NONE = 0,
	SAKER_FT_STR = 1,      /* s, len; s[len] == 0 */
	SAKER_FT_PATH = 2,     /* a string holding a path */
	SAKER_FT_INT = 3,      /* n, signed */
	SAKER_FT_UINT = 4,     /* n, as unsigned bits */
	SAKER_FT_BOOL = 5,     /* n is 0 or 1 */
	SAKER_FT_IPADDR = 6,   /* s holds 4 or 16 bytes, network order; len says which */
	SAKER_FT_IPNET = 7,
	SAKER_FT_PORT = 8,     /* n */
	SAKER_FT_ABSTIME = 9,  /* n: ns since the epoch */
	SAKER_FT_RELTIME = 10, /* n: ns */
	SAKER_FT_BYTES = 11    /* s, len: raw bytes */
};

enum saker_fflags {
	SAKER_FF_ARG_INDEX = 1,    /* takes a numeric argument: proc.aname[2] */
	SAKER_FF_ARG_KEY = 2,      /* takes a name: evt.arg.flags, evt.arg[flags], container.mount.dest[/etc] */
	SAKER_FF_ARG_REQUIRED = 4, /* the argument cannot be left out */
	SAKER_FF_LIST = 8,         /* several values per event: read them with saker_field_at */
	SAKER_FF_HIDDEN = 16       /* not listed by --list */
};

struct saker_field_info {
	const char *name;
	const char *desc;
	int32_t type;              /* enum saker_ftype */
	uint32_t flags;            /* enum saker_fflags */
};

struct saker_val {
	const uint8_t *s;
	int64_t n;
	uint32_t len;
	int32_t type;              /* enum saker_ftype of this value */
};

int32_t saker_field_count(void);
const struct saker_field_info *saker_field_info(int32_t id);
int32_t saker_field_find(const char *name);     /* id, or -1: no such field */

/* Bind a field and its argument once, at rule load: a handle >= 0, or -1
 * with err filled. The same (name, arg) gives the same handle. arg may be
 * NULL. */
int32_t saker_field_bind(struct saker *s, const char *name, const char *arg, char *err, uint32_t errlen);

/* Hot path: the bound field's value for the current event. 1: present,
 * 0: missing (<NA>). The value stays valid until the next saker_next. */
int32_t saker_field_get(struct saker *s, int32_t h, struct saker_val *out);

/* Multi-valued fields: value i (0-based); 0 past the last. */
int32_t saker_field_at(struct saker *s, int32_t h, uint32_t i, struct saker_val *out);

/* The value as Falco prints it in an output string, NUL-terminated in buf;
 * the length, or -1 if missing. Not for the hot path. */
int32_t saker_field_render(struct saker *s, int32_t h, char *buf, uint32_t cap);

/* The current event as one line, the way `sysdig` prints it (--dump). */
int32_t saker_dump_line(struct saker *s, char *buf, uint32_t cap);

/* ---- matching (core/match.c): helpers for compiled rule conditions ------ */

enum saker_strset_kind {
	SAKER_SET_EXACT = 0,   /* `in`, `intersects`: the value is one of the items */
	SAKER_SET_PATHS = 1    /* `pmatch`: the value is an item or a path below one */
};

struct saker_strset;
struct saker_strset *saker_strset_new(int32_t kind);
int saker_strset_add(struct saker_strset *set, const char *s, uint32_t len);
int32_t saker_strset_has(const struct saker_strset *set, const uint8_t *s, uint32_t len);
void saker_strset_free(struct saker_strset *set);

int32_t saker_match_contains(const uint8_t *s, uint32_t len, const char *k, uint32_t klen);
int32_t saker_match_icontains(const uint8_t *s, uint32_t len, const char *k, uint32_t klen);
int32_t saker_match_endswith(const uint8_t *s, uint32_t len, const char *k, uint32_t klen);
int32_t saker_match_glob(const char *pat, const uint8_t *s, uint32_t len, int32_t icase); /* fnmatch */
int32_t saker_match_ipnet(const uint8_t *a, uint32_t alen, const uint8_t *net, uint32_t nlen, uint32_t bits);

struct saker_regex;  /* POSIX ERE, anchored at both ends */
struct saker_regex *saker_regex_new(const char *pat, char *err, uint32_t errlen);
int32_t saker_regex_match(const struct saker_regex *r, const uint8_t *s, uint32_t len);
void saker_regex_free(struct saker_regex *r);

enum saker_xform_kind {
	SAKER_XF_TOLOWER = 1,
	SAKER_XF_TOUPPER = 2,
	SAKER_XF_B64 = 3,
	SAKER_XF_BASENAME = 4,
	SAKER_XF_LEN = 5
};

/* Apply a transformer to in, writing out (out may be in); buf (cap bytes)
 * holds the result when it is a new string. 1: done, 0: no value. */
int32_t saker_xform(int32_t kind, const struct saker_val *in, struct saker_val *out, uint8_t *buf, uint32_t cap);

/* ---- outputs (core/out_*.c): alert channels drained off the capture path -- */

enum saker_out_kind {
	SAKER_OUT_FILE = 1,
	SAKER_OUT_SYSLOG = 2,
	SAKER_OUT_PROGRAM = 3,
	SAKER_OUT_HTTP = 4,
	SAKER_OUT_PLUGIN = 5,
	SAKER_OUT_GRPC = 6,
	SAKER_OUT_STDOUT = 7
};

/* A channel's settings; strings are copied by saker_out_open, NULL or ""
 * means unset. */
struct saker_out_opts {
	int32_t kind;             /* enum saker_out_kind */
	uint32_t queue_kb;        /* bytes the queue holds (0: 1024 KiB) */
	const char *name;         /* for messages: "file", "http", plugin name */
	const char *target;       /* file name, syslog socket, shell command, URL, plugin file */
	int32_t keep_alive;       /* file and program: keep it open; http: reuse connections */
	int32_t facility;         /* syslog: LOG_* facility number (0..23) */
	const char *user_agent;   /* http */
	const char *content_type;
	const char *ca_cert;      /* CA file (ca_cert or ca_bundle) */
	const char *ca_path;
	const char *client_cert;  /* mTLS, when both are set */
	const char *client_key;
	int32_t insecure;         /* no TLS verification */
	int32_t compress;         /* gzip bodies (Content-Encoding: gzip) */
	int32_t retries;          /* http: extra attempts after a failure */
	uint32_t backoff_ms;      /* first wait between attempts, doubled each time */
	uint32_t timeout_ms;      /* http: whole request; plugin: one call */
	const char *home;         /* plugin: saker's home (lua/ below it) */
	int32_t embedded;         /* plugin: the core is linked into the program */
	const char *config_json;  /* plugin: its config, as JSON */
	int32_t max_failures;     /* plugin: disabled after this many failures in a row */
	/* grpc: target is grpc.bind_address; client_key, client_cert, ca_cert are
	 * grpc.private_key, cert_chain, root_certs (mTLS, required over TCP) */
	int32_t threads;          /* grpc: completion queues served (0: one per core) */
	const char *version;      /* grpc: "<saker version> <engine version>" */
};

struct saker_out_stats {
	uint64_t queued;          /* accepted into the queue */
	uint64_t sent;            /* delivered */
	uint64_t dropped;         /* refused: queue full, or the channel disabled */
	uint64_t failed;          /* delivery failed (after retries) */
	uint64_t errors;          /* errors reported (saker_out_error) */
	uint32_t pending;         /* in the queue now */
	int32_t disabled;         /* plugin: disabled after repeated failures */
};

struct saker_out;
struct saker_out *saker_out_open(const struct saker_out_opts *o, char *err, uint32_t errlen);
/* Never blocks: 0 queued, -1 dropped (counted). prio: 0 (Emergency) .. 7 (Debug). */
int32_t saker_out_push(struct saker_out *c, const char *msg, uint32_t len, int32_t prio);
void saker_out_reopen(struct saker_out *c);  /* files: reopen before the next write */
/* Wait up to timeout_ms for the queue to empty: 1 empty, 0 not. */
int32_t saker_out_drain(struct saker_out *c, int32_t timeout_ms);
void saker_out_stats(struct saker_out *c, struct saker_out_stats *st);
/* The last error message (NUL-terminated in buf) and its sequence number
 * (stats.errors when it was set); 0 if none yet. */
uint64_t saker_out_error(struct saker_out *c, char *buf, uint32_t cap);
/* Deliver what is queued (up to timeout_ms), stop the thread, free. */
void saker_out_close(struct saker_out *c, int32_t timeout_ms);

/* For Lua plugins: one blocking POST (libcurl). The HTTP status, or -1
 * with err filled. */
int32_t saker_http_post(const char *url, const char *body, uint32_t len, const char *content_type, int32_t timeout_ms, char *err, uint32_t errlen);

/* ---- field memo (core/fields.c): compiled rules read it in place ------- */

/* saker_field_get's last answer per handle h, kept until the next call
 * for h in a later event: val[h] the value; evt[h] the evt.num it is for,
 * negated when the field was missing (a double: Lua reads it unboxed).
 * So once saker_field_get(h) ran in this event, evt[h] > 0 says present
 * and val[h] is what it returned. The arrays stay where they are for the
 * context's life. */
struct saker_memo {
	const struct saker_val *val;
	const double *evt;
};
/* 0, or -1: out of memory. */
int32_t saker_field_memo(struct saker *s, struct saker_memo *out);

/* ---- webserver (core/web.c): Falco's health, versions and metrics ----- */

struct saker_web_opts {
	const char *address;      /* webserver.listen_address: an IPv4 or IPv6 literal */
	uint16_t port;            /* webserver.listen_port */
	const char *healthz;      /* webserver.k8s_healthz_endpoint, e.g. "/healthz" */
	int32_t threads;          /* webserver.threadiness: 0 one thread for all */
	const char *pem;          /* webserver.ssl_certificate (key and chain) when ssl_enabled, else NULL */
	const char *versions;     /* the body of GET /versions (JSON) */
	int32_t metrics;          /* serve GET /metrics (webserver.prometheus_metrics_enabled) */
};
struct saker_web;
/* Serving on its own threads; NULL with err filled (a port in use, a bad
 * address, an unreadable certificate). */
struct saker_web *saker_web_start(const struct saker_web_opts *o, char *err, uint32_t errlen);
/* The body GET /metrics returns from now on (Prometheus text; copied). */
void saker_web_set_metrics(struct saker_web *w, const char *text, uint32_t len);
void saker_web_stop(struct saker_web *w);
