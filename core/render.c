/* SPDX-License-Identifier: Apache-2.0 */
/*
 * render.c: Falco's text forms of flags, enums, errnos, signals,
 * capabilities, addresses and times. The flag values are the driver's
 * wire values (PPM_*), not the kernel's.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "event.h"
#include "render.h"

void sb_putn(struct sbuf *b, const char *s, uint32_t n)
{
	uint32_t room;

	if (!b->cap)
		return;
	room = b->cap - 1 - b->len;
	if (n > room)
		n = room;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

void sb_puts(struct sbuf *b, const char *s)
{
	sb_putn(b, s, (uint32_t)strlen(s));
}

void sb_putc(struct sbuf *b, char c)
{
	sb_putn(b, &c, 1);
}

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!b->cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	b->len += (uint32_t)n;
	if (b->len > b->cap - 1)
		b->len = b->cap - 1;
}

/* Tables are listed in the order Falco prints the names. */
static const struct flagname open_flags[] = {
	{ "O_LARGEFILE", 1 << 11 }, { "O_DIRECTORY", 1 << 10 }, { "O_DIRECT", 1 << 9 },
	{ "O_TRUNC", 1 << 8 }, { "O_SYNC", 1 << 7 }, { "O_NONBLOCK", 1 << 6 },
	{ "O_EXCL", 1 << 5 }, { "O_DSYNC", 1 << 4 }, { "O_APPEND", 1 << 3 },
	{ "O_CREAT", 1 << 2 }, { "O_RDWR", 3 }, { "O_WRONLY", 2 }, { "O_RDONLY", 1 },
	{ "O_CLOEXEC", 1 << 12 }, { "O_NONE", 0 }, { "O_TMPFILE", 1 << 13 },
	{ "O_F_CREATED", 1 << 14 }, { NULL, 0 }
};

static const struct flagname mode_flags[] = {
	{ "S_IXOTH", 1 << 0 }, { "S_IWOTH", 1 << 1 }, { "S_IROTH", 1 << 2 },
	{ "S_IXGRP", 1 << 3 }, { "S_IWGRP", 1 << 4 }, { "S_IRGRP", 1 << 5 },
	{ "S_IXUSR", 1 << 6 }, { "S_IWUSR", 1 << 7 }, { "S_IRUSR", 1 << 8 },
	{ "S_ISVTX", 1 << 9 }, { "S_ISGID", 1 << 10 }, { "S_ISUID", 1 << 11 },
	{ NULL, 0 }
};

static const struct flagname clone_flags[] = {
	{ "CLONE_FILES", 1 << 0 }, { "CLONE_FS", 1 << 1 }, { "CLONE_IO", 1 << 2 },
	{ "CLONE_NEWIPC", 1 << 3 }, { "CLONE_NEWNET", 1 << 4 }, { "CLONE_NEWNS", 1 << 5 },
	{ "CLONE_NEWPID", 1 << 6 }, { "CLONE_NEWUTS", 1 << 7 }, { "CLONE_PARENT", 1 << 8 },
	{ "CLONE_PARENT_SETTID", 1 << 9 }, { "CLONE_PTRACE", 1 << 10 },
	{ "CLONE_SIGHAND", 1 << 11 }, { "CLONE_SYSVSEM", 1 << 12 },
	{ "CLONE_THREAD", 1 << 13 }, { "CLONE_UNTRACED", 1 << 14 }, { "CLONE_VM", 1 << 15 },
	{ "CLONE_INVERTED", 1 << 16 }, { "NAME_CHANGED", 1 << 17 }, { "CLOSED", 1 << 18 },
	{ "CLONE_NEWUSER", 1 << 20 }, { "CLONE_CHILD_CLEARTID", 1 << 23 },
	{ "CLONE_CHILD_SETTID", 1 << 24 }, { "CLONE_SETTLS", 1 << 25 },
	{ "CLONE_STOPPED", 1 << 26 }, { "CLONE_VFORK", 1 << 27 },
	{ "CLONE_NEWCGROUP", 1 << 28 }, { NULL, 0 }
};

static const struct flagname families[] = {
	{ "AF_UNSPEC", 0 }, { "AF_UNIX", 1 }, { "AF_INET", 2 }, { "AF_AX25", 3 },
	{ "AF_IPX", 4 }, { "AF_APPLETALK", 5 }, { "AF_NETROM", 6 }, { "AF_BRIDGE", 7 },
	{ "AF_ATMPVC", 8 }, { "AF_X25", 9 }, { "AF_INET6", 10 }, { "AF_ROSE", 11 },
	{ "AF_DECnet", 12 }, { "AF_NETBEUI", 13 }, { "AF_SECURITY", 14 }, { "AF_KEY", 15 },
	{ "AF_NETLINK", 16 }, { "AF_PACKET", 17 }, { "AF_ASH", 18 }, { "AF_ECONET", 19 },
	{ "AF_ATMSVC", 20 }, { "AF_RDS", 21 }, { "AF_SNA", 22 }, { "AF_IRDA", 23 },
	{ "AF_PPPOX", 24 }, { "AF_WANPIPE", 25 }, { "AF_LLC", 26 }, { "AF_CAN", 29 },
	{ "AF_TIPC", 30 }, { "AF_BLUETOOTH", 31 }, { "AF_IUCV", 32 }, { "AF_RXRPC", 33 },
	{ "AF_ISDN", 34 }, { "AF_PHONET", 35 }, { "AF_IEEE802154", 36 }, { "AF_CAIF", 37 },
	{ "AF_ALG", 38 }, { "AF_NFC", 39 }, { NULL, 0 }
};

static const struct flagname fcntl_cmds[] = {
	{ "UNKNOWN", 0 }, { "F_DUPFD", 1 }, { "F_GETFD", 2 }, { "F_SETFD", 3 },
	{ "F_GETFL", 4 }, { "F_SETFL", 5 }, { "F_GETLK", 6 }, { "F_SETLK", 8 },
	{ "F_SETLKW", 9 }, { "F_SETOWN", 10 }, { "F_GETOWN", 12 }, { "F_SETSIG", 13 },
	{ "F_GETSIG", 15 }, { "F_SETOWN_EX", 21 }, { "F_GETOWN_EX", 22 },
	{ "F_SETLEASE", 23 }, { "F_GETLEASE", 24 }, { "F_CANCELLK", 25 },
	{ "F_DUPFD_CLOEXEC", 26 }, { "F_NOTIFY", 27 }, { "F_SETPIPE_SZ", 28 },
	{ "F_GETPIPE_SZ", 29 }, { "F_OFD_GETLK", 30 }, { "F_OFD_SETLK", 31 },
	{ "F_OFD_SETLKW", 32 }, { NULL, 0 }
};

static const struct flagname ptrace_reqs[] = {
	{ "PTRACE_UNKNOWN", 0 }, { "PTRACE_TRACEME", 1 }, { "PTRACE_PEEKTEXT", 2 },
	{ "PTRACE_PEEKDATA", 3 }, { "PTRACE_PEEKUSR", 4 }, { "PTRACE_POKETEXT", 5 },
	{ "PTRACE_POKEDATA", 6 }, { "PTRACE_POKEUSR", 7 }, { "PTRACE_CONT", 8 },
	{ "PTRACE_KILL", 9 }, { "PTRACE_SINGLESTEP", 10 }, { "PTRACE_ATTACH", 11 },
	{ "PTRACE_DETACH", 12 }, { "PTRACE_SYSCALL", 13 }, { "PTRACE_SETOPTIONS", 14 },
	{ "PTRACE_GETEVENTMSG", 15 }, { "PTRACE_GETSIGINFO", 16 },
	{ "PTRACE_SETSIGINFO", 17 }, { "PTRACE_GETREGSET", 18 },
	{ "PTRACE_SETREGSET", 19 }, { "PTRACE_SEIZE", 20 }, { "PTRACE_INTERRUPT", 21 },
	{ "PTRACE_LISTEN", 22 }, { "PTRACE_PEEKSIGINFO", 23 },
	{ "PTRACE_GETSIGMASK", 24 }, { "PTRACE_SETSIGMASK", 25 },
	{ "PTRACE_GETREGS", 26 }, { "PTRACE_SETREGS", 27 }, { "PTRACE_GETFPREGS", 28 },
	{ "PTRACE_SETFPREGS", 29 }, { "PTRACE_GETFPXREGS", 30 },
	{ "PTRACE_SETFPXREGS", 31 }, { "PTRACE_OLDSETOPTIONS", 32 },
	{ "PTRACE_GET_THREAD_AREA", 33 }, { "PTRACE_SET_THREAD_AREA", 34 },
	{ "PTRACE_ARCH_PRCTL", 35 }, { "PTRACE_SYSEMU", 36 },
	{ "PTRACE_SYSEMU_SINGLESTEP", 37 }, { "PTRACE_SINGLEBLOCK", 38 }, { NULL, 0 }
};

static const struct flagname bpf_cmds[] = {
	{ "BPF_MAP_CREATE", 0 }, { "BPF_MAP_LOOKUP_ELEM", 1 }, { "BPF_MAP_UPDATE_ELEM", 2 },
	{ "BPF_MAP_DELETE_ELEM", 3 }, { "BPF_MAP_GET_NEXT_KEY", 4 }, { "BPF_PROG_LOAD", 5 },
	{ "BPF_OBJ_PIN", 6 }, { "BPF_OBJ_GET", 7 }, { "BPF_PROG_ATTACH", 8 },
	{ "BPF_PROG_DETACH", 9 }, { "BPF_PROG_TEST_RUN", 10 },
	{ "BPF_PROG_GET_NEXT_ID", 11 }, { "BPF_MAP_GET_NEXT_ID", 12 },
	{ "BPF_PROG_GET_FD_BY_ID", 13 }, { "BPF_MAP_GET_FD_BY_ID", 14 },
	{ "BPF_OBJ_GET_INFO_BY_FD", 15 }, { "BPF_PROG_QUERY", 16 },
	{ "BPF_RAW_TRACEPOINT_OPEN", 17 }, { "BPF_BTF_LOAD", 18 },
	{ "BPF_BTF_GET_FD_BY_ID", 19 }, { "BPF_TASK_FD_QUERY", 20 },
	{ "BPF_MAP_LOOKUP_AND_DELETE_ELEM", 21 }, { "BPF_MAP_FREEZE", 22 },
	{ "BPF_BTF_GET_NEXT_ID", 23 }, { "BPF_MAP_LOOKUP_BATCH", 24 },
	{ "BPF_MAP_LOOKUP_AND_DELETE_BATCH", 25 }, { "BPF_MAP_UPDATE_BATCH", 26 },
	{ "BPF_MAP_DELETE_BATCH", 27 }, { "BPF_LINK_CREATE", 28 },
	{ "BPF_LINK_UPDATE", 29 }, { "BPF_LINK_GET_FD_BY_ID", 30 },
	{ "BPF_LINK_GET_NEXT_ID", 31 }, { "BPF_ENABLE_STATS", 32 },
	{ "BPF_ITER_CREATE", 33 }, { "BPF_LINK_DETACH", 34 }, { "BPF_PROG_BIND_MAP", 35 },
	{ NULL, 0 }
};

static const struct flagname mount_flags[] = {
	{ "RDONLY", 1u << 0 }, { "NOSUID", 1u << 1 }, { "NODEV", 1u << 2 },
	{ "NOEXEC", 1u << 3 }, { "SYNCHRONOUS", 1u << 4 }, { "REMOUNT", 1u << 5 },
	{ "MANDLOCK", 1u << 6 }, { "DIRSYNC", 1u << 7 }, { "NOATIME", 1u << 10 },
	{ "NODIRATIME", 1u << 11 }, { "BIND", 1u << 12 }, { "MOVE", 1u << 13 },
	{ "REC", 1u << 14 }, { "SILENT", 1u << 15 }, { "POSIXACL", 1u << 16 },
	{ "UNBINDABLE", 1u << 17 }, { "PRIVATE", 1u << 18 }, { "SLAVE", 1u << 19 },
	{ "SHARED", 1u << 20 }, { "RELATIME", 1u << 21 }, { "KERNMOUNT", 1u << 22 },
	{ "I_VERSION", 1u << 23 }, { "STRICTATIME", 1u << 24 }, { "LAZYTIME", 1u << 25 },
	{ "NOSEC", 1u << 28 }, { "BORN", 1u << 29 }, { "ACTIVE", 1u << 30 },
	{ "NOUSER", 1u << 31 }, { NULL, 0 }
};

static const struct flagname umount_flags[] = {
	{ "FORCE", 1 }, { "DETACH", 2 }, { "EXPIRE", 4 }, { "NOFOLLOW", 8 }, { NULL, 0 }
};

static const struct flagname unlinkat_flags[] = {
	{ "AT_REMOVEDIR", 0x200 }, { NULL, 0 }
};

static const struct flagname linkat_flags[] = {
	{ "AT_SYMLINK_FOLLOW", 0x400 }, { "AT_EMPTY_PATH", 0x1000 }, { NULL, 0 }
};

static const struct flagname renameat2_flags[] = {
	{ "RENAME_NOREPLACE", 1 }, { "RENAME_EXCHANGE", 2 }, { "RENAME_WHITEOUT", 4 },
	{ NULL, 0 }
};

static const struct flagname memfd_flags[] = {
	{ "MFD_CLOEXEC", 1 }, { "MFD_ALLOW_SEALING", 2 }, { "MFD_HUGETLB", 4 },
	{ NULL, 0 }
};

static const struct flagname execve_flags[] = {
	{ "EXE_WRITABLE", 1 << 0 }, { "EXE_UPPER_LAYER", 1 << 1 },
	{ "EXE_FROM_MEMFD", 1 << 2 }, { "EXE_LOWER_LAYER", 1 << 3 }, { NULL, 0 }
};

static const struct flagname prot_flags[] = {
	{ "PROT_READ", 1 << 0 }, { "PROT_WRITE", 1 << 1 }, { "PROT_EXEC", 1 << 2 },
	{ "PROT_SEM", 1 << 3 }, { "PROT_GROWSDOWN", 1 << 4 }, { "PROT_GROWSUP", 1 << 5 },
	{ "PROT_SAO", 1 << 6 }, { "PROT_NONE", 0 }, { NULL, 0 }
};

static const struct flagname access_flags[] = {
	{ "F_OK", 0 }, { "R_OK", 1 << 0 }, { "W_OK", 1 << 1 }, { "X_OK", 1 << 2 },
	{ NULL, 0 }
};

/* Which table belongs to which parameter, by event and parameter name. */
static const struct {
	const char *evt, *param;
	const struct flagname *tab;
	int is_enum;
} param_names[] = {
	{ "open", "flags", open_flags, 0 },
	{ "openat", "flags", open_flags, 0 },
	{ "openat2", "flags", open_flags, 0 },
	{ "open_by_handle_at", "flags", open_flags, 0 },
	{ "creat", "creat_flags", open_flags, 0 },
	{ "clone", "flags", clone_flags, 0 },
	{ "clone3", "flags", clone_flags, 0 },
	{ "fork", "flags", clone_flags, 0 },
	{ "vfork", "flags", clone_flags, 0 },
	{ "unshare", "flags", clone_flags, 0 },
	{ "setns", "nstype", clone_flags, 0 },
	{ "socket", "domain", families, 1 },
	{ "socketpair", "domain", families, 1 },
	{ "fcntl", "cmd", fcntl_cmds, 1 },
	{ "ptrace", "request", ptrace_reqs, 1 },
	{ "bpf", "cmd", bpf_cmds, 1 },
	{ "mount", "flags", mount_flags, 0 },
	{ "umount", "flags", umount_flags, 0 },
	{ "umount2", "flags", umount_flags, 0 },
	{ "unlinkat", "flags", unlinkat_flags, 0 },
	{ "linkat", "flags", linkat_flags, 0 },
	{ "renameat2", "flags", renameat2_flags, 0 },
	{ "memfd_create", "flags", memfd_flags, 0 },
	{ "execve", "flags", execve_flags, 0 },
	{ "execveat", "flags", execve_flags, 0 },
	{ "mmap", "prot", prot_flags, 0 },
	{ "mmap2", "prot", prot_flags, 0 },
	{ "mprotect", "prot", prot_flags, 0 },
	{ "access", "mode", access_flags, 0 },
};

const struct flagname *render_names(uint16_t code, uint32_t i, int *is_enum)
{
	const struct evt_info *e;
	size_t k;

	if (code >= evt_table_len)
		return NULL;
	e = &evt_table[code];
	if (i >= e->nparams)
		return NULL;
	if (e->ptypes[i] == PT_MODE) {
		*is_enum = 0;
		return mode_flags;
	}
	for (k = 0; k < sizeof(param_names) / sizeof(param_names[0]); k++) {
		if (strcmp(param_names[k].evt, e->name) == 0 &&
		    strcmp(param_names[k].param, e->pnames[i]) == 0) {
			*is_enum = param_names[k].is_enum;
			return param_names[k].tab;
		}
	}
	return NULL;
}

int render_flags(struct sbuf *b, const struct flagname *t, uint64_t v, int is_enum)
{
	const struct flagname *f;
	uint64_t left = v;
	int n = 0;

	for (f = t; f->name; f++) {
		if (f->val == v) {
			sb_puts(b, f->name);
			return 1;
		}
	}
	if (is_enum || v == 0)
		return 0;
	for (f = t; f->name; f++) {
		if (f->val == 0 || (left & f->val) != f->val)
			continue;
		if (n++)
			sb_putc(b, '|');
		sb_puts(b, f->name);
		left &= ~(uint64_t)f->val;
	}
	return n;
}

const char *render_family(uint32_t af)
{
	const struct flagname *f;

	for (f = families; f->name; f++)
		if (f->val == af)
			return f->name;
	return NULL;
}

const char *render_l4proto(uint32_t proto)
{
	switch (proto) {
	case 1: return "tcp";
	case 2: return "udp";
	case 3: return "icmp";
	case 4: return "raw";
	}
	return NULL;
}

const char *render_errno(int64_t err)
{
	if (err < 0)
		err = -err;
	if (err == 0 || err > 4095)
		return NULL;
	return strerrorname_np((int)err);
}

const char *render_signal(uint32_t sig)
{
	static char names[65][16];
	const char *a;

	if (sig == 0 || sig > 64)
		return NULL;
	if (!names[sig][0]) {
		a = sigabbrev_np((int)sig);
		if (!a)
			return NULL;
		snprintf(names[sig], sizeof(names[sig]), "SIG%s", a);
	}
	return names[sig];
}

static const char *const cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
	"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
	"CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
	"CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

void render_caps(struct sbuf *b, uint64_t caps)
{
	uint32_t i, n = 0;

	for (i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++) {
		if (!(caps & (1ull << i)))
			continue;
		if (n++)
			sb_putc(b, ' ');
		sb_puts(b, cap_names[i]);
	}
}

void render_ip(struct sbuf *b, const uint8_t *ip, uint32_t len)
{
	char tmp[INET6_ADDRSTRLEN];

	if (len == 4) {
		sb_printf(b, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
		return;
	}
	if (len == 16 && inet_ntop(AF_INET6, ip, tmp, sizeof(tmp)))
		sb_puts(b, tmp);
}

void render_time(struct sbuf *b, uint64_t ns, enum rtime how)
{
	time_t sec = (time_t)(ns / 1000000000ull);
	unsigned long frac = (unsigned long)(ns % 1000000000ull);
	char tmp[64];
	struct tm tm;

	if (how == RT_ISO8601)
		gmtime_r(&sec, &tm);
	else
		localtime_r(&sec, &tm);
	switch (how) {
	case RT_TIME:
		strftime(tmp, sizeof(tmp), "%H:%M:%S", &tm);
		sb_printf(b, "%s.%09lu", tmp, frac);
		break;
	case RT_TIME_S:
		strftime(tmp, sizeof(tmp), "%H:%M:%S", &tm);
		sb_puts(b, tmp);
		break;
	case RT_DATETIME:
		strftime(tmp, sizeof(tmp), "%Y-%m-%d %H:%M:%S", &tm);
		sb_printf(b, "%s.%09lu", tmp, frac);
		break;
	case RT_DATETIME_S:
		strftime(tmp, sizeof(tmp), "%Y-%m-%d %H:%M:%S", &tm);
		sb_puts(b, tmp);
		break;
	case RT_ISO8601:
		strftime(tmp, sizeof(tmp), "%Y-%m-%dT%H:%M:%S", &tm);
		sb_printf(b, "%s.%09luZ", tmp, frac);
		break;
	}
}
