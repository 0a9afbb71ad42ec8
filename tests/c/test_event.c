/* SPDX-License-Identifier: Apache-2.0 */
/* test_event.c: the event table and the decoding of every parameter type,
 * for every event code of the table. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "state.h"
#include "check.h"
#include "evbuild.h"

static struct evb B;

/* What the test itself expects of each wire type: width (0: variable) and
 * whether integers are signed. Written here, not taken from event.c. */
static int width_of(enum evt_ptype t, int *sign)
{
	*sign = 0;
	switch (t) {
	case PT_INT8: *sign = 1; return 1;
	case PT_UINT8: case PT_FLAGS8: case PT_ENUMFLAGS8: case PT_SIGTYPE:
	case PT_L4PROTO: case PT_SOCKFAMILY:
		return 1;
	case PT_INT16: *sign = 1; return 2;
	case PT_UINT16: case PT_FLAGS16: case PT_ENUMFLAGS16: case PT_PORT: case PT_SYSCALLID:
		return 2;
	case PT_INT32: case PT_FD32: case PT_PID32: *sign = 1; return 4;
	case PT_UINT32: case PT_FLAGS32: case PT_ENUMFLAGS32: case PT_UID: case PT_GID:
	case PT_MODE: case PT_BOOL: case PT_SIGSET: case PT_IPV4ADDR:
		return 4;
	case PT_INT64: case PT_ERRNO: case PT_FD: case PT_PID: *sign = 1; return 8;
	case PT_UINT64: case PT_RELTIME: case PT_ABSTIME: case PT_DOUBLE:
		return 8;
	default:
		return 0;
	}
}

/* A value for param i of its width: negative for signed types. */
static int64_t value_for(uint32_t code, uint32_t i, int w, int sign)
{
	int64_t v = (int64_t)(code * 7 + i * 3 + 1);

	if (w == 1)
		v &= 0x7f;
	if (sign)
		v = -v;
	return v;
}

static void add_param(uint32_t code, uint32_t i, enum evt_ptype t)
{
	int sign, w = width_of(t, &sign);
	int64_t v = value_for(code, i, w, sign);
	char str[32];

	switch (w) {
	case 1: evb_u8(&B, (uint8_t)v); return;
	case 2: evb_u16(&B, (uint16_t)v); return;
	case 4: evb_u32(&B, (uint32_t)v); return;
	case 8: evb_u64(&B, (uint64_t)v); return;
	}
	switch (t) {
	case PT_IPV6ADDR:
		evb_raw(&B, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
		return;
	case PT_SOCKADDR: {
		uint8_t a[7] = { PPM_AF_INET, 127, 0, 0, 1, 0x50, 0 };

		evb_raw(&B, a, 7);
		return;
	}
	case PT_SOCKTUPLE: {
		uint8_t a[13] = { PPM_AF_INET, 10, 0, 0, 1, 0x10, 0x27, 10, 0, 0, 2, 0xbb, 0x01 };

		evb_raw(&B, a, 13);
		return;
	}
	case PT_FDLIST: {
		uint8_t a[2 + 20] = { 2, 0 };
		uint64_t fd = 3;
		uint16_t fl = 1;

		memcpy(a + 2, &fd, 8);
		memcpy(a + 10, &fl, 2);
		fd = 4;
		memcpy(a + 12, &fd, 8);
		memcpy(a + 20, &fl, 2);
		evb_raw(&B, a, 22);
		return;
	}
	case PT_DYN: {
		uint8_t a[9] = { 1 };
		uint64_t x = 12345;

		memcpy(a + 1, &x, 8);
		evb_raw(&B, a, 9);
		return;
	}
	case PT_BYTEBUF:
		evb_raw(&B, "ab\0cd", 5);
		return;
	case PT_CHARBUFARRAY: case PT_CHARBUF_PAIR_ARRAY:
		evb_list(&B, "k\nv");
		return;
	default: /* CHARBUF, FSPATH, FSRELPATH */
		snprintf(str, sizeof(str), "/p/%u/%u", code, i);
		evb_str(&B, str);
		return;
	}
}

static void test_table(void)
{
	CHECK_INT(evt_table_len, 454);
	/* then one type per native syscall, for generic events */
	CHECK_INT(saker_evtype_max(), 454 + sys_names_len);
	CHECK_STR(saker_evtype_name(454 + 110), "getppid");
	CHECK_INT(saker_evtype_generic(454 + 110), 1);
	CHECK_INT(saker_evtype_generic(3), 0);
	CHECK_INT(saker_evtype_dir(454 + 110), '<');
	CHECK_STR(saker_evtype_param(454 + 110, 1), "nativeID");
	CHECK_STR(saker_evtype_name(454 + 335), "NA"); /* a gap in the numbering */
	CHECK_INT(sys_nr("getppid"), 110);
	CHECK_INT(sys_nr("no_such_syscall"), -1);
	CHECK_STR(saker_evtype_name(3), "open");
	CHECK_INT(saker_evtype_dir(3), '<');
	CHECK_INT(saker_evtype_dir(2), '>');
	CHECK_INT(saker_evtype_nparams(293), 31);
	CHECK_STR(saker_evtype_param(293, 30), "filename");
	CHECK(saker_evtype_param(293, 31) == NULL);
	CHECK_STR(saker_evtype_name(9999), "NA");
	CHECK_INT(evt_ptype(23, 1), PT_SOCKTUPLE);
	CHECK_INT(evt_ptype(307, 2), PT_FSRELPATH);
	CHECK_INT(evt_pidx(307, EVP_DIRFD), 1);
	CHECK_INT(evt_pidx(307, EVP_TUPLE), -1);
	CHECK_INT(evt_pidx(293, EVP_TRUSTED_EXEPATH), 27);
	CHECK(evt_table[322].flags & EF_LARGE_PAYLOAD);
	CHECK(evt_table[3].flags & EF_CREATES_FD);
}

/* Every code: build an event with every param, decode, check each value. */
static void test_every_code(void)
{
	uint32_t code, i, bad = 0, types_seen[PT_MAX] = { 0 }, ntypes = 0;
	struct evt_params p;

	for (code = 0; code < evt_table_len; code++) {
		const struct evt_info *e = &evt_table[code];

		if (e->flags & EF_LARGE_PAYLOAD)
			continue; /* u32 lengths: test_large */
		evb_begin(&B, (uint16_t)code, 42, 1);
		for (i = 0; i < e->nparams; i++)
			add_param(code, i, (enum evt_ptype)e->ptypes[i]);
		evb_end(&B);
		if (evt_decode(B.buf, B.len, &p) || p.n != e->nparams) {
			bad++;
			continue;
		}
		for (i = 0; i < e->nparams; i++) {
			enum evt_ptype t = evt_ptype((uint16_t)code, i);
			int sign, w = width_of(t, &sign);
			int64_t got = 0;

			if (!types_seen[t]++)
				ntypes++;
			if (p.len[i] != B.lens[i]) {
				bad++;
				continue;
			}
			if (w) {
				if (!evt_int((uint16_t)code, &p, i, &got) || got != value_for(code, i, w, sign)) {
					fprintf(stderr, "code %u param %u type %d: got %lld\n", code, i, t, (long long)got);
					bad++;
				}
			} else if (t == PT_CHARBUF || t == PT_FSPATH || t == PT_FSRELPATH) {
				char want[32];

				snprintf(want, sizeof(want), "/p/%u/%u", code, i);
				if (strcmp((const char *)p.val[i], want))
					bad++;
			}
		}
	}
	CHECK_INT(bad, 0);
	/* the table uses 39 distinct types (../shared/scap/event_table_full.tsv) */
	CHECK_INT(ntypes, 39);
}

static void test_typed(void)
{
	struct evt_params p;
	struct evt_sock so;
	uint32_t len;
	const char *str;
	int64_t v;

	/* connect X: res, tuple, fd, addr */
	evb_begin(&B, 23, 7, 1);
	evb_u64(&B, (uint64_t)-115);
	add_param(23, 1, PT_SOCKTUPLE);
	evb_u64(&B, 5);
	add_param(23, 3, PT_SOCKADDR);
	evb_end(&B);
	CHECK(evt_decode(B.buf, B.len, &p) == 0);
	CHECK(evt_int_k(23, &p, EVP_RES, &v) && v == -115);
	CHECK(evt_int_k(23, &p, EVP_FD, &v) && v == 5);
	CHECK(evt_socktuple(p.val[1], p.len[1], &so) == 1);
	CHECK(so.family == PPM_AF_INET && so.sport == 10000 && so.dport == 443);
	CHECK(memcmp(so.sip, "\x0a\x00\x00\x01", 4) == 0 && memcmp(so.dip, "\x0a\x00\x00\x02", 4) == 0);
	CHECK(evt_sockaddr(p.val[3], p.len[3], &so) == 1);
	CHECK(so.family == PPM_AF_INET && so.dport == 80 && so.dip[0] == 127);
	/* truncated tuple is refused */
	CHECK(evt_socktuple(p.val[1], 5, &so) == 0);

	/* ipv6 and unix tuples */
	{
		uint8_t t6[37] = { PPM_AF_INET6 }, tu[40] = { PPM_AF_UNIX };
		uint64_t a = 0x1234, b = 0x5678;

		t6[16] = 1;
		t6[17] = 0x88;
		t6[34] = 1;
		t6[35] = 0x50;
		CHECK(evt_socktuple(t6, 37, &so) == 1);
		CHECK(so.family == PPM_AF_INET6 && so.sport == 0x88 && so.dport == 0x50 && so.dip[15] == 1);
		memcpy(tu + 1, &a, 8);
		memcpy(tu + 9, &b, 8);
		memcpy(tu + 17, "/run/s", 7);
		CHECK(evt_socktuple(tu, 24, &so) == 1);
		CHECK(so.src == 0x1234 && so.dst == 0x5678 && so.pathlen == 6);
		CHECK(so.path && strcmp(so.path, "/run/s") == 0);
	}

	/* strings: length without the NUL; an empty param is missing */
	evb_begin(&B, 95, 7, 1); /* chdir X: res, path */
	evb_u64(&B, 0);
	evb_str(&B, "/tmp");
	evb_end(&B);
	CHECK(evt_decode(B.buf, B.len, &p) == 0);
	str = evt_str_k(95, &p, EVP_PATH, &len);
	CHECK(str && len == 4 && memcmp(str, "/tmp", 4) == 0);
	evb_begin(&B, 95, 7, 1);
	evb_u64(&B, 0);
	evb_empty(&B);
	evb_end(&B);
	CHECK(evt_decode(B.buf, B.len, &p) == 0);
	CHECK(evt_str_k(95, &p, EVP_PATH, &len) == NULL);
	CHECK(evt_int(95, &p, 1, &v) == 0);
	/* an integer of the wrong width is not read */
	evb_begin(&B, 5, 7, 1);
	evb_u32(&B, 0);
	evb_u64(&B, 3);
	evb_end(&B);
	CHECK(evt_decode(B.buf, B.len, &p) == 0);
	CHECK(evt_int_k(5, &p, EVP_RES, &v) == 1 && v == 0); /* 4 bytes: read as 4 */
	CHECK(evt_int_k(5, &p, EVP_FD, &v) == 1 && v == 3);
}

static void test_large_and_malformed(void)
{
	uint8_t ev[256];
	uint32_t l1 = 4, l2 = 10, len, n = 2;
	uint16_t type = 322;
	uint64_t ts = 1, tid = 2;
	struct evt_params p;

	/* pluginevent: u32 lengths */
	len = 26 + 8 + l1 + l2;
	memcpy(ev, &ts, 8);
	memcpy(ev + 8, &tid, 8);
	memcpy(ev + 16, &len, 4);
	memcpy(ev + 20, &type, 2);
	memcpy(ev + 22, &n, 4);
	memcpy(ev + 26, &l1, 4);
	memcpy(ev + 30, &l2, 4);
	memset(ev + 34, 0xab, l1 + l2);
	CHECK(evt_decode(ev, len, &p) == 0);
	CHECK(p.n == 2 && p.len[0] == 4 && p.len[1] == 10 && p.val[1] == ev + 38);

	/* lengths that overrun the event */
	evb_begin(&B, 5, 7, 1);
	evb_u64(&B, 0);
	evb_u64(&B, 3);
	evb_end(&B);
	CHECK(evt_decode(B.buf, B.len - 1, &p) == -1);
	B.buf[26] = 200; /* first length far too long */
	CHECK(evt_decode(B.buf, B.len, &p) == -1);
	CHECK(evt_decode(B.buf, 20, &p) == -1);
	n = 1000;
	memcpy(B.buf + 22, &n, 4);
	CHECK(evt_decode(B.buf, B.len, &p) == -1);
}

/* Through the context: a malformed event is skipped, the next one comes. */
static void test_context(void)
{
	struct saker_opts o = { 0 };
	char err[128];
	struct saker *s = saker_open(&o, err, sizeof(err));
	const struct saker_evt *e;
	struct saker_stats st;

	CHECK(s != NULL);
	if (!s)
		return;
	CHECK(saker_next(s, 0) == NULL);
	evb_begin(&B, 5, 7, 111);
	evb_u64(&B, 0);
	evb_u64(&B, 3);
	evb_end(&B);
	B.buf[26] = 200;
	CHECK(saker_inject(s, B.buf, B.len, 1) == 0);
	B.buf[26] = 8;
	CHECK(saker_inject(s, B.buf, B.len, 1) == 0);
	CHECK(saker_inject(s, B.buf, 10, 1) == -1);
	e = saker_next(s, 0);
	CHECK(e && e->num == 1 && e->ts == 111 && e->tid == 7 && e->type == 5 && e->cpu == 1 && e->nparams == 2);
	/* injecting more does not move the current event */
	CHECK(saker_inject(s, B.buf, B.len, 0) == 0);
	CHECK(e && e->raw[20] == 5 && e->len == B.len);
	e = saker_next(s, 0);
	CHECK(e && e->num == 2);
	CHECK(saker_next(s, 0) == NULL);
	saker_stats_get(s, &st);
	CHECK_INT(st.events, 2);
	CHECK_INT(st.injected, 3);
	CHECK(st.ncpus >= 1);
	/* interest without a probe: accepted and kept */
	CHECK(saker_interest_add(s, "procexit") == 0);
	CHECK(saker_interest_add(s, "no_such_event") == -1);
	CHECK(saker_interest_commit(s) == 0);
	CHECK_INT(saker_signal_take(), 0);
	saker_close(s);
}

int main(void)
{
	evt_init();
	test_table();
	test_every_code();
	test_typed();
	test_large_and_malformed();
	test_context();
	return check_done();
}
