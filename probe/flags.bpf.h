/* SPDX-License-Identifier: Apache-2.0 */
/* flags.bpf.h: x86_64 kernel flag values turned into the scap (PPM_*)
 * encodings that the event table's FLAGS and ENUMFLAGS parameters use. */
#ifndef SAKER_FLAGS_BPF_H
#define SAKER_FLAGS_BPF_H

#define PPM_O_RDONLY     (1 << 0)
#define PPM_O_WRONLY     (1 << 1)
#define PPM_O_CREAT      (1 << 2)
#define PPM_O_APPEND     (1 << 3)
#define PPM_O_DSYNC      (1 << 4)
#define PPM_O_EXCL       (1 << 5)
#define PPM_O_NONBLOCK   (1 << 6)
#define PPM_O_SYNC       (1 << 7)
#define PPM_O_TRUNC      (1 << 8)
#define PPM_O_DIRECT     (1 << 9)
#define PPM_O_DIRECTORY  (1 << 10)
#define PPM_O_LARGEFILE  (1 << 11)
#define PPM_O_CLOEXEC    (1 << 12)
#define PPM_O_TMPFILE    (1 << 13)
#define PPM_O_F_CREATED  (1 << 14)

#define K_O_WRONLY    01
#define K_O_RDWR      02
#define K_O_CREAT     0100
#define K_O_EXCL      0200
#define K_O_TRUNC     01000
#define K_O_APPEND    02000
#define K_O_NONBLOCK  04000
#define K_O_DSYNC     010000
#define K_O_DIRECT    040000
#define K_O_LARGEFILE 0100000
#define K_O_DIRECTORY 0200000
#define K_O_CLOEXEC   02000000
#define K_O_SYNC      04000000
#define K_O_TMPFILE   020000000
#define K_FMODE_CREATED 0x100000

static __always_inline u32 open_flags_to_scap(u64 f)
{
	u32 r = 0;

	switch (f & 3) {
	case 0: r = PPM_O_RDONLY; break;
	case K_O_WRONLY: r = PPM_O_WRONLY; break;
	case K_O_RDWR: r = PPM_O_RDONLY | PPM_O_WRONLY; break;
	}
	if (f & K_O_CREAT) r |= PPM_O_CREAT;
	if (f & K_O_EXCL) r |= PPM_O_EXCL;
	if (f & K_O_TRUNC) r |= PPM_O_TRUNC;
	if (f & K_O_APPEND) r |= PPM_O_APPEND;
	if (f & K_O_NONBLOCK) r |= PPM_O_NONBLOCK;
	if (f & K_O_DSYNC) r |= PPM_O_DSYNC;
	if (f & K_O_DIRECT) r |= PPM_O_DIRECT;
	if (f & K_O_LARGEFILE) r |= PPM_O_LARGEFILE;
	if (f & K_O_CLOEXEC) r |= PPM_O_CLOEXEC;
	if (f & K_O_SYNC) r |= PPM_O_SYNC;
	if ((f & K_O_TMPFILE) == K_O_TMPFILE) r |= PPM_O_TMPFILE;
	else if (f & K_O_DIRECTORY) r |= PPM_O_DIRECTORY;
	return r;
}

/* The mode is only meaningful when a file may be created; the PPM_S_*
 * bits are the permission bits themselves. */
static __always_inline u32 open_mode_to_scap(u64 flags, u64 mode)
{
	if (!(flags & (K_O_CREAT | K_O_TMPFILE)))
		return 0;
	return mode & 07777;
}

/* O_CLOEXEC / O_NONBLOCK / O_DIRECT style flags (dup3, pipe2). */
static __always_inline u32 fd_flags_to_scap(u64 f)
{
	u32 r = 0;

	if (f & K_O_CLOEXEC) r |= PPM_O_CLOEXEC;
	if (f & K_O_NONBLOCK) r |= PPM_O_NONBLOCK;
	if (f & K_O_DIRECT) r |= PPM_O_DIRECT;
	return r;
}

/* openat2 RESOLVE_* */
static __always_inline u32 resolve_to_scap(u64 f)
{
	u32 r = 0;

	if (f & 0x08) r |= 1 << 0; /* BENEATH */
	if (f & 0x10) r |= 1 << 1; /* IN_ROOT */
	if (f & 0x02) r |= 1 << 2; /* NO_MAGICLINKS */
	if (f & 0x04) r |= 1 << 3; /* NO_SYMLINKS */
	if (f & 0x01) r |= 1 << 4; /* NO_XDEV */
	if (f & 0x20) r |= 1 << 5; /* CACHED */
	return r;
}

/* CLONE_* (clone, clone3, unshare, setns) to PPM_CL_* */
static __always_inline u32 clone_flags_to_scap(u64 f)
{
	u32 r = 0;

	if (f & 0x00000400) r |= 1 << 0;  /* FILES */
	if (f & 0x00000200) r |= 1 << 1;  /* FS */
	if (f & 0x80000000) r |= 1 << 2;  /* IO */
	if (f & 0x08000000) r |= 1 << 3;  /* NEWIPC */
	if (f & 0x40000000) r |= 1 << 4;  /* NEWNET */
	if (f & 0x00020000) r |= 1 << 5;  /* NEWNS */
	if (f & 0x20000000) r |= 1 << 6;  /* NEWPID */
	if (f & 0x04000000) r |= 1 << 7;  /* NEWUTS */
	if (f & 0x00008000) r |= 1 << 8;  /* PARENT */
	if (f & 0x00100000) r |= 1 << 9;  /* PARENT_SETTID */
	if (f & 0x00002000) r |= 1 << 10; /* PTRACE */
	if (f & 0x00000800) r |= 1 << 11; /* SIGHAND */
	if (f & 0x00040000) r |= 1 << 12; /* SYSVSEM */
	if (f & 0x00010000) r |= 1 << 13; /* THREAD */
	if (f & 0x00800000) r |= 1 << 14; /* UNTRACED */
	if (f & 0x00000100) r |= 1 << 15; /* VM */
	if (f & 0x10000000) r |= 1 << 20; /* NEWUSER */
	if (f & 0x00200000) r |= 1 << 23; /* CHILD_CLEARTID */
	if (f & 0x01000000) r |= 1 << 24; /* CHILD_SETTID */
	if (f & 0x00080000) r |= 1 << 25; /* SETTLS */
	if (f & 0x00004000) r |= 1 << 27; /* VFORK */
	if (f & 0x02000000) r |= 1 << 28; /* NEWCGROUP */
	return r;
}
#define PPM_CL_CLONE_VM        (1 << 15)
#define PPM_CL_CLONE_VFORK     (1 << 27)
#define PPM_CL_CHILD_IN_PIDNS  (1 << 29)

static __always_inline u8 fcntl_cmd_to_scap(u64 cmd)
{
	switch (cmd) {
	case 0: return 1;     /* F_DUPFD */
	case 1: return 2;     /* F_GETFD */
	case 2: return 3;     /* F_SETFD */
	case 3: return 4;     /* F_GETFL */
	case 4: return 5;     /* F_SETFL */
	case 5: return 6;     /* F_GETLK */
	case 6: return 8;     /* F_SETLK */
	case 7: return 9;     /* F_SETLKW */
	case 8: return 10;    /* F_SETOWN */
	case 9: return 12;    /* F_GETOWN */
	case 10: return 13;   /* F_SETSIG */
	case 11: return 15;   /* F_GETSIG */
	case 15: return 21;   /* F_SETOWN_EX */
	case 16: return 22;   /* F_GETOWN_EX */
	case 36: return 30;   /* F_OFD_GETLK */
	case 37: return 31;   /* F_OFD_SETLK */
	case 38: return 32;   /* F_OFD_SETLKW */
	case 1024: return 23; /* F_SETLEASE */
	case 1025: return 24; /* F_GETLEASE */
	case 1026: return 27; /* F_NOTIFY */
	case 1029: return 25; /* F_CANCELLK */
	case 1030: return 26; /* F_DUPFD_CLOEXEC */
	case 1031: return 28; /* F_SETPIPE_SZ */
	case 1032: return 29; /* F_GETPIPE_SZ */
	}
	return 0;
}

static __always_inline u16 ptrace_req_to_scap(u64 req)
{
	if (req <= 9)
		return req + 1;  /* TRACEME .. SINGLESTEP */
	switch (req) {
	case 12: return 26;  /* GETREGS */
	case 13: return 27;  /* SETREGS */
	case 14: return 28;  /* GETFPREGS */
	case 15: return 29;  /* SETFPREGS */
	case 16: return 11;  /* ATTACH */
	case 17: return 12;  /* DETACH */
	case 18: return 30;  /* GETFPXREGS */
	case 19: return 31;  /* SETFPXREGS */
	case 24: return 13;  /* SYSCALL */
	case 25: return 33;  /* GET_THREAD_AREA */
	case 26: return 34;  /* SET_THREAD_AREA */
	case 30: return 35;  /* ARCH_PRCTL */
	case 31: return 36;  /* SYSEMU */
	case 32: return 37;  /* SYSEMU_SINGLESTEP */
	case 33: return 38;  /* SINGLEBLOCK */
	}
	if (req >= 0x4200 && req <= 0x420b)
		return req - 0x4200 + 14; /* SETOPTIONS .. SETSIGMASK */
	return 0;
}

/* mount: drop the old magic number in the high bits. */
static __always_inline u32 mount_flags_to_scap(u64 f)
{
	if ((f & 0xffff0000) == 0xc0ed0000)
		f &= 0xffff;
	return f;
}

#endif
