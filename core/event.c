/* SPDX-License-Identifier: Apache-2.0 */
/* event.c: splitting a scap-layout event into parameters, typed reads. */
#include <stdint.h>
#include <string.h>
#include "saker.h"
#include "event.h"

/* The param names behind each enum evt_pkey, in order. */
static const char *const pkey_names[EVP_COUNT] = {
	[EVP_RES] = "res", [EVP_FD] = "fd", [EVP_NAME] = "name",
	[EVP_PATH] = "path", [EVP_DIRFD] = "dirfd", [EVP_FLAGS] = "flags",
	[EVP_MODE] = "mode", [EVP_DEV] = "dev", [EVP_INO] = "ino",
	[EVP_TUPLE] = "tuple", [EVP_ADDR] = "addr", [EVP_EXE] = "exe",
	[EVP_ARGS] = "args", [EVP_TID] = "tid", [EVP_PID] = "pid",
	[EVP_PTID] = "ptid", [EVP_CWD] = "cwd", [EVP_COMM] = "comm",
	[EVP_CGROUPS] = "cgroups", [EVP_ENV] = "env", [EVP_TTY] = "tty",
	[EVP_VPGID] = "vpgid", [EVP_PGID] = "pgid", [EVP_LOGINUID] = "loginuid",
	[EVP_CAP_INH] = "cap_inheritable", [EVP_CAP_PRM] = "cap_permitted",
	[EVP_CAP_EFF] = "cap_effective", [EVP_EXE_INO] = "exe_ino",
	[EVP_UID] = "uid", [EVP_GID] = "gid",
	[EVP_TRUSTED_EXEPATH] = "trusted_exepath", [EVP_FILENAME] = "filename",
	[EVP_PATHNAME] = "pathname", [EVP_VTID] = "vtid", [EVP_VPID] = "vpid",
	[EVP_PIDNS_START] = "pidns_init_start_ts", [EVP_VM_SIZE] = "vm_size",
	[EVP_VM_RSS] = "vm_rss", [EVP_VM_SWAP] = "vm_swap", [EVP_FD1] = "fd1",
	[EVP_FD2] = "fd2", [EVP_OLDFD] = "oldfd", [EVP_NEWFD] = "newfd",
	[EVP_CMD] = "cmd", [EVP_DOMAIN] = "domain", [EVP_TYPE] = "type",
	[EVP_PROTO] = "proto", [EVP_RUID] = "ruid", [EVP_EUID] = "euid",
	[EVP_RGID] = "rgid", [EVP_EGID] = "egid", [EVP_SOURCE] = "source",
	[EVP_PEER] = "peer", [EVP_RES_OR_FD] = "res_or_fd",
	[EVP_CREAT_FLAGS] = "creat_flags", [EVP_FDLIMIT] = "fdlimit",
	[EVP_REAPER_TID] = "reaper_tid",
};

enum { EVT_CODES = 512 };
static int8_t pidx[EVT_CODES][EVP_COUNT];
static int pidx_ready;

void evt_init(void)
{
	uint32_t c, k, i;

	if (pidx_ready)
		return;
	for (c = 0; c < evt_table_len && c < EVT_CODES; c++) {
		const struct evt_info *e = &evt_table[c];

		for (k = 0; k < EVP_COUNT; k++) {
			pidx[c][k] = -1;
			for (i = 0; i < e->nparams; i++) {
				if (strcmp(e->pnames[i], pkey_names[k]) == 0) {
					pidx[c][k] = (int8_t)i;
					break;
				}
			}
		}
	}
	evt_types_init();
	pidx_ready = 1;
}

int evt_decode(const uint8_t *raw, uint32_t len, struct evt_params *p)
{
	uint32_t n, i, off, lw, elen;
	uint16_t type;

	p->n = 0;
	if (len < 26)
		return -1;
	memcpy(&elen, raw + 16, 4);
	memcpy(&type, raw + 20, 2);
	memcpy(&n, raw + 22, 4);
	if (elen > len || n > EVT_MAX_PARAMS)
		return -1;
	lw = type < evt_table_len && (evt_table[type].flags & EF_LARGE_PAYLOAD) ? 4 : 2;
	off = 26 + n * lw;
	if (off > elen)
		return -1;
	for (i = 0; i < n; i++) {
		uint32_t l;

		/* constant-size loads: a memcpy of lw bytes would be a call */
		if (lw == 2) {
			uint16_t l16;

			memcpy(&l16, raw + 26 + i * 2, 2);
			l = l16;
		} else {
			memcpy(&l, raw + 26 + i * 4, 4);
		}
		if (l > elen - off)
			return -1;
		p->val[i] = raw + off;
		p->len[i] = l;
		off += l;
	}
	p->n = n;
	return 0;
}

int evt_pidx(uint16_t code, enum evt_pkey k)
{
	return code < EVT_CODES && code < evt_table_len ? pidx[code][k] : -1;
}

enum evt_ptype evt_ptype(uint16_t code, uint32_t i)
{
	if (code >= evt_table_len || i >= evt_table[code].nparams)
		return PT_NONE;
	return (enum evt_ptype)evt_table[code].ptypes[i];
}

/* Read an integer of the wire width, signed or not. */
static int read_int(const uint8_t *v, uint32_t len, int sign, int64_t *out)
{
	switch (len) {
	case 1: {
		uint8_t x = v[0];
		*out = sign ? (int64_t)(int8_t)x : (int64_t)x;
		return 1;
	}
	case 2: {
		uint16_t x;
		memcpy(&x, v, 2);
		*out = sign ? (int64_t)(int16_t)x : (int64_t)x;
		return 1;
	}
	case 4: {
		uint32_t x;
		memcpy(&x, v, 4);
		*out = sign ? (int64_t)(int32_t)x : (int64_t)x;
		return 1;
	}
	case 8: {
		uint64_t x;
		memcpy(&x, v, 8);
		*out = (int64_t)x;
		return 1;
	}
	}
	return 0;
}

static int is_signed(enum evt_ptype t)
{
	switch (t) {
	case PT_INT8: case PT_INT16: case PT_INT32: case PT_INT64:
	case PT_ERRNO: case PT_FD: case PT_PID: case PT_FD32: case PT_PID32:
		return 1;
	default:
		return 0;
	}
}

int evt_int(uint16_t code, const struct evt_params *p, uint32_t i, int64_t *out)
{
	if (i >= p->n || p->len[i] == 0)
		return 0;
	return read_int(p->val[i], p->len[i], is_signed(evt_ptype(code, i)), out);
}

int evt_int_k(uint16_t code, const struct evt_params *p, enum evt_pkey k, int64_t *out)
{
	int i = evt_pidx(code, k);

	return i < 0 ? 0 : evt_int(code, p, (uint32_t)i, out);
}

const uint8_t *evt_raw_k(uint16_t code, const struct evt_params *p, enum evt_pkey k, uint32_t *len)
{
	int i = evt_pidx(code, k);

	if (i < 0 || (uint32_t)i >= p->n || p->len[i] == 0)
		return NULL;
	*len = p->len[i];
	return p->val[i];
}

const char *evt_str_k(uint16_t code, const struct evt_params *p, enum evt_pkey k, uint32_t *len)
{
	const uint8_t *v = evt_raw_k(code, p, k, len);

	if (!v)
		return NULL;
	if (v[*len - 1] == 0)
		(*len)--;
	return (const char *)v;
}

int evt_sockaddr(const uint8_t *v, uint32_t len, struct evt_sock *out)
{
	memset(out, 0, sizeof(*out));
	if (len < 1)
		return 0;
	out->family = v[0];
	switch (v[0]) {
	case PPM_AF_INET:
		if (len < 7)
			return 0;
		memcpy(out->dip, v + 1, 4);
		memcpy(&out->dport, v + 5, 2);
		return 1;
	case PPM_AF_INET6:
		if (len < 19)
			return 0;
		memcpy(out->dip, v + 1, 16);
		memcpy(&out->dport, v + 17, 2);
		return 1;
	case PPM_AF_UNIX:
		out->path = (const char *)v + 1;
		out->pathlen = (uint32_t)strnlen(out->path, len - 1);
		return 1;
	}
	return 1;
}

int evt_socktuple(const uint8_t *v, uint32_t len, struct evt_sock *out)
{
	memset(out, 0, sizeof(*out));
	if (len < 1)
		return 0;
	out->family = v[0];
	switch (v[0]) {
	case PPM_AF_INET:
		if (len < 13)
			return 0;
		memcpy(out->sip, v + 1, 4);
		memcpy(&out->sport, v + 5, 2);
		memcpy(out->dip, v + 7, 4);
		memcpy(&out->dport, v + 11, 2);
		return 1;
	case PPM_AF_INET6:
		if (len < 37)
			return 0;
		memcpy(out->sip, v + 1, 16);
		memcpy(&out->sport, v + 17, 2);
		memcpy(out->dip, v + 19, 16);
		memcpy(&out->dport, v + 35, 2);
		return 1;
	case PPM_AF_UNIX:
		if (len < 17)
			return 0;
		memcpy(&out->src, v + 1, 8);
		memcpy(&out->dst, v + 9, 8);
		out->path = (const char *)v + 17;
		out->pathlen = (uint32_t)strnlen(out->path, len - 17);
		return 1;
	}
	return 1;
}
