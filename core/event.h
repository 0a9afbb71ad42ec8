/* SPDX-License-Identifier: Apache-2.0 */
/*
 * event.h: the decoded current event (internal to C).
 *
 * An event arrives in the scap layout (saker.h, struct saker_evt). Decoding
 * only points into it: param i of the current event is val[i] (len[i] bytes,
 * 0 = missing/empty), of the wire type evt_ptype(code, i). Nothing is copied.
 *
 * The decoder and the state code look parameters up by meaning, not by
 * position, through the EVP_* keys: evt_pidx(code, EVP_FD) is the index of
 * the param named "fd" in that event's row of the table (or -1). The table
 * is built once from the generated parameter names (core/evtable.c).
 */
#ifndef SAKER_EVENT_H
#define SAKER_EVENT_H

#include <stdint.h>

/* Parameter wire types (../shared/scap/format.md §7), as named in the TSV. */
enum evt_ptype {
	PT_NONE = 0,
	PT_INT8, PT_INT16, PT_INT32, PT_INT64,
	PT_UINT8, PT_UINT16, PT_UINT32, PT_UINT64,
	PT_CHARBUF,          /* NUL-terminated string, len counts the NUL */
	PT_BYTEBUF,          /* raw bytes (also args/env/cgroups lists) */
	PT_ERRNO,            /* int64: >= 0 result, < 0 -errno */
	PT_SOCKADDR,         /* family u8, then address (see evt_sockaddr) */
	PT_SOCKTUPLE,        /* family u8, then both ends (see evt_socktuple) */
	PT_FD,               /* int64 */
	PT_PID,              /* int64 */
	PT_FDLIST,           /* u16 count, count x (fd u64, flags u16) */
	PT_FSPATH,           /* string, a path */
	PT_SYSCALLID,        /* u16 */
	PT_SIGTYPE,          /* u8 */
	PT_RELTIME,          /* u64 ns */
	PT_ABSTIME,          /* u64 ns since the epoch */
	PT_PORT,             /* u16 */
	PT_L4PROTO,          /* u8 */
	PT_SOCKFAMILY,       /* u8 */
	PT_BOOL,             /* u32 */
	PT_IPV4ADDR,         /* 4 bytes, network order */
	PT_DYN,              /* u8 index, then a value of that index's type */
	PT_FLAGS8, PT_FLAGS16, PT_FLAGS32,
	PT_UID, PT_GID,      /* u32 */
	PT_DOUBLE,
	PT_SIGSET,           /* u32 */
	PT_CHARBUFARRAY,     /* NUL-separated strings */
	PT_CHARBUF_PAIR_ARRAY,
	PT_IPV4NET, PT_IPV6ADDR, PT_IPV6NET,
	PT_IPADDR, PT_IPNET, /* 4 or 16 bytes, len says which */
	PT_MODE,             /* u32 */
	PT_FSRELPATH,        /* string, a path relative to a dirfd */
	PT_ENUMFLAGS8, PT_ENUMFLAGS16, PT_ENUMFLAGS32,
	PT_FD32, PT_PID32,   /* int32 */
	PT_MAX
};

/* Event-table flags (TSV column "flags"). */
enum evt_eflags {
	EF_CREATES_FD = 1, EF_DESTROYS_FD = 2, EF_USES_FD = 4,
	EF_READS_FROM_FD = 8, EF_WRITES_TO_FD = 16, EF_MODIFIES_STATE = 32,
	EF_UNUSED = 64, EF_WAITS = 128, EF_SKIPPARSERESET = 256,
	EF_OLD_VERSION = 512, EF_LARGE_PAYLOAD = 1024, EF_CONVERTER_MANAGED = 2048
};

/* One row of the generated event table (core/evtable.c). */
struct evt_info {
	const char *name;
	char dir;                    /* '>' enter, '<' exit */
	uint8_t nparams;
	uint16_t flags;              /* enum evt_eflags */
	const char *const *pnames;   /* nparams names */
	const uint8_t *ptypes;       /* nparams enum evt_ptype */
};

extern const struct evt_info evt_table[];
extern const uint32_t evt_table_len;

/* x86_64 syscall names by native number, NULL in the gaps (core/sysnames.c,
 * generated from asm/unistd_64.h). */
extern const char *const sys_names[];
extern const uint32_t sys_names_len;

/* Parameters looked up by name (keys into evt_pidx). */
enum evt_pkey {
	EVP_RES, EVP_FD, EVP_NAME, EVP_PATH, EVP_DIRFD, EVP_FLAGS, EVP_MODE,
	EVP_DEV, EVP_INO, EVP_TUPLE, EVP_ADDR, EVP_EXE, EVP_ARGS, EVP_TID,
	EVP_PID, EVP_PTID, EVP_CWD, EVP_COMM, EVP_CGROUPS, EVP_ENV, EVP_TTY,
	EVP_VPGID, EVP_PGID, EVP_LOGINUID, EVP_CAP_INH, EVP_CAP_PRM,
	EVP_CAP_EFF, EVP_EXE_INO, EVP_UID, EVP_GID, EVP_TRUSTED_EXEPATH,
	EVP_FILENAME, EVP_PATHNAME, EVP_VTID, EVP_VPID, EVP_PIDNS_START,
	EVP_VM_SIZE, EVP_VM_RSS, EVP_VM_SWAP, EVP_FD1, EVP_FD2, EVP_OLDFD,
	EVP_NEWFD, EVP_CMD, EVP_DOMAIN, EVP_TYPE, EVP_PROTO, EVP_RUID,
	EVP_EUID, EVP_RGID, EVP_EGID, EVP_SOURCE, EVP_PEER, EVP_RES_OR_FD,
	EVP_CREAT_FLAGS, EVP_FDLIMIT, EVP_REAPER_TID,
	EVP_COUNT
};

enum { EVT_MAX_PARAMS = 40 };

/* The current event, decoded: pointers into saker_evt.raw. */
struct evt_params {
	uint32_t n;                      /* params present in the event */
	const uint8_t *val[EVT_MAX_PARAMS];
	uint32_t len[EVT_MAX_PARAMS];
};

/* Build the by-name index (idempotent; saker_open calls it). */
void evt_init(void);

/* Split raw (len bytes, scap layout) into p. 0 ok, -1 malformed. */
int evt_decode(const uint8_t *raw, uint32_t len, struct evt_params *p);

/* The event type the rules see (saker_evt.kind, core/evtypes.c): the code,
 * or for a generic event evt_table_len + the syscall's native number. */
uint16_t evt_kind(uint16_t code, const struct evt_params *p);

/* Native number of a syscall name, or -1. */
int sys_nr(const char *name);

/* 1 when events of this type (a kind) are a syscall's; evt_init builds the
 * table (evt_types_init). */
void evt_types_init(void);
int evt_is_syscall(uint16_t type);

/* Index of the param with key k in events of this code, or -1. */
int evt_pidx(uint16_t code, enum evt_pkey k);
enum evt_ptype evt_ptype(uint16_t code, uint32_t i);

/*
 * Typed reads of param i (or of the param with key k: the *_k forms).
 * They return 1 when present with a width that fits the type, else 0 and
 * leave *out alone. Integers are read at their wire width and widened
 * (signed types sign-extended).
 */
int evt_int(uint16_t code, const struct evt_params *p, uint32_t i, int64_t *out);
int evt_int_k(uint16_t code, const struct evt_params *p, enum evt_pkey k, int64_t *out);
/* A string param: pointer to its bytes (NUL-terminated when the producer
 * put the NUL in) and its length without a trailing NUL; NULL if missing. */
const char *evt_str_k(uint16_t code, const struct evt_params *p, enum evt_pkey k, uint32_t *len);
const uint8_t *evt_raw_k(uint16_t code, const struct evt_params *p, enum evt_pkey k, uint32_t *len);

/* A SOCKADDR or SOCKTUPLE value, decoded. Families are PPM_AF_* (1 unix,
 * 2 inet, 10 inet6). IPs stay in network order, ports in host order. */
struct evt_sock {
	uint8_t family;
	uint8_t sip[16], dip[16];        /* 4 bytes used for inet */
	uint16_t sport, dport;
	uint64_t src, dst;               /* unix: kernel socket pointers */
	const char *path;                /* unix: the path, NUL-terminated */
	uint32_t pathlen;
};
int evt_sockaddr(const uint8_t *v, uint32_t len, struct evt_sock *out); /* fills dip/dport (or path) */
int evt_socktuple(const uint8_t *v, uint32_t len, struct evt_sock *out);

/* Wire flag values the state code relies on (Falco's driver values). */
enum {
	PPM_AF_UNIX = 1, PPM_AF_INET = 2, PPM_AF_INET6 = 10, PPM_AF_NETLINK = 16,
	PPM_O_RDONLY = 1, PPM_O_WRONLY = 2, PPM_O_RDWR = 3, PPM_O_CREAT = 4,
	PPM_O_DIRECTORY = 1 << 10, PPM_O_CLOEXEC = 1 << 12, PPM_O_TMPFILE = 1 << 13,
	PPM_CL_CLONE_FILES = 1 << 0, PPM_CL_CLONE_FS = 1 << 1, PPM_CL_CLONE_NEWPID = 1 << 6,
	PPM_CL_CLONE_THREAD = 1 << 13, PPM_CL_CLONE_VFORK = 1 << 27,
	PPM_CL_CHILD_IN_PIDNS = 1 << 29,
	PPM_EXE_WRITABLE = 1 << 0, PPM_EXE_UPPER_LAYER = 1 << 1,
	PPM_EXE_FROM_MEMFD = 1 << 2, PPM_EXE_LOWER_LAYER = 1 << 3,
	PPM_FCNTL_F_DUPFD = 1, PPM_FCNTL_F_DUPFD_CLOEXEC = 26,
	PPM_AT_FDCWD = -100
};

#endif
