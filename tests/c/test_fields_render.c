/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_fields_render.c: Falco's text forms (core/render.c): flag and enum
 * names in Falco's order, errno and signal names, capabilities, addresses
 * and times.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "saker.h"
#include "event.h"
#include "render.h"
#include "check.h"

static char buf[512];
static struct sbuf sb;

/* Names of param `pname` of the first event called `evt` with that param. */
static const char *flags(const char *evt, const char *pname, uint64_t v)
{
	const struct flagname *t;
	uint32_t c, i;
	int is_enum = 0;

	sb_init(&sb, buf, sizeof(buf));
	for (c = 0; c < evt_table_len; c++) {
		if (strcmp(evt_table[c].name, evt) != 0)
			continue;
		for (i = 0; i < evt_table[c].nparams; i++) {
			if (strcmp(evt_table[c].pnames[i], pname) != 0)
				continue;
			t = render_names((uint16_t)c, i, &is_enum);
			if (!t)
				return "(no table)";
			render_flags(&sb, t, v, is_enum);
			return buf;
		}
	}
	return "(no param)";
}

static const char *caps(uint64_t c)
{
	sb_init(&sb, buf, sizeof(buf));
	render_caps(&sb, c);
	return buf;
}

static const char *ip(const char *text)
{
	uint8_t a[16];
	int v6 = strchr(text, ':') != NULL;

	inet_pton(v6 ? AF_INET6 : AF_INET, text, a);
	sb_init(&sb, buf, sizeof(buf));
	render_ip(&sb, a, v6 ? 16 : 4);
	return buf;
}

static const char *tm(uint64_t ns, enum rtime how)
{
	sb_init(&sb, buf, sizeof(buf));
	render_time(&sb, ns, how);
	return buf;
}

int main(void)
{
	char small[8];

	setenv("TZ", "UTC", 1);
	tzset();

	CHECK_STR(flags("open", "flags", 1), "O_RDONLY");
	CHECK_STR(flags("open", "flags", 3), "O_RDWR");
	CHECK_STR(flags("openat", "flags", 3 | 4 | (1 << 12)), "O_CREAT|O_RDWR|O_CLOEXEC");
	CHECK_STR(flags("openat", "flags", 0), "O_NONE");
	CHECK_STR(flags("clone", "flags", (1 << 23) | (1 << 24)), "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID");
	CHECK_STR(flags("unshare", "flags", 1 << 20), "CLONE_NEWUSER");
	CHECK_STR(flags("socket", "domain", 10), "AF_INET6");
	CHECK_STR(flags("bpf", "cmd", 5), "BPF_PROG_LOAD");
	CHECK_STR(flags("ptrace", "request", 16), "PTRACE_GETSIGINFO");
	CHECK_STR(flags("ptrace", "request", 11), "PTRACE_ATTACH");
	CHECK_STR(flags("fcntl", "cmd", 26), "F_DUPFD_CLOEXEC");
	CHECK_STR(flags("chmod", "mode", 04755), "S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR|S_ISUID");
	CHECK_STR(flags("unlinkat", "flags", 0x200), "AT_REMOVEDIR");
	CHECK_STR(flags("mount", "flags", (1 << 12) | (1 << 14)), "BIND|REC");
	CHECK_STR(flags("read", "fd", 3), "(no table)");
	/* an enum value with no name prints nothing */
	CHECK_STR(flags("bpf", "cmd", 999), "");

	CHECK_STR(render_errno(-2), "ENOENT");
	CHECK_STR(render_errno(-115), "EINPROGRESS");
	CHECK(render_errno(0) == NULL);
	CHECK_STR(render_signal(9), "SIGKILL");
	CHECK(render_signal(0) == NULL);
	CHECK_STR(render_family(1), "AF_UNIX");
	CHECK_STR(render_l4proto(2), "udp");
	CHECK(render_l4proto(9) == NULL);

	CHECK_STR(caps(0), "");
	CHECK_STR(caps((1ull << 21) | (1ull << 7) | 1), "CAP_CHOWN CAP_SETUID CAP_SYS_ADMIN");
	CHECK_STR(caps(1ull << 40), "CAP_CHECKPOINT_RESTORE");

	CHECK_STR(ip("192.168.1.20"), "192.168.1.20");
	CHECK_STR(ip("2001:db8::5"), "2001:db8::5");

	CHECK_STR(tm(1700000000000000001ull, RT_TIME), "22:13:20.000000001");
	CHECK_STR(tm(1700000000000000001ull, RT_TIME_S), "22:13:20");
	CHECK_STR(tm(1700000000000000001ull, RT_DATETIME), "2023-11-14 22:13:20.000000001");
	CHECK_STR(tm(1700000000000000001ull, RT_DATETIME_S), "2023-11-14 22:13:20");
	CHECK_STR(tm(1700000000000000001ull, RT_ISO8601), "2023-11-14T22:13:20.000000001Z");

	/* writers truncate at the capacity and stay terminated */
	sb_init(&sb, small, sizeof(small));
	sb_puts(&sb, "abcdefghijk");
	sb_printf(&sb, "%d", 12345);
	CHECK_STR(small, "abcdefg");
	CHECK_INT(sb.len, 7);
	return check_done();
}
