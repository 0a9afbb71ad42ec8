/* SPDX-License-Identifier: Apache-2.0 */
/*
 * field_table.c: every field saker knows, with Falco's names and types.
 * Descriptions are ours. Row order is the --list order.
 */
#include "fields.h"
#include "field_aux.h"

#define STR SAKER_FT_STR
#define PATH SAKER_FT_PATH
#define INT SAKER_FT_INT
#define UINT SAKER_FT_UINT
#define BOOL SAKER_FT_BOOL
#define IP SAKER_FT_IPADDR
#define NET SAKER_FT_IPNET
#define PORT SAKER_FT_PORT
#define ABS SAKER_FT_ABSTIME
#define REL SAKER_FT_RELTIME
#define BYTES SAKER_FT_BYTES

#define IDX SAKER_FF_ARG_INDEX
#define KEY SAKER_FF_ARG_KEY
#define REQ SAKER_FF_ARG_REQUIRED
#define LIST SAKER_FF_LIST
#define HID SAKER_FF_HIDDEN

/* F(name, type, flags, get, aux, description) */
#define F(n, t, fl, g, a, d) { { n, d, t, fl }, g, a, FS_PLAIN }
#define FT(n, st, d) { { n, d, ABS, 0 }, fe_time, 0, st }

const struct field_def field_defs[] = {
	/* evt */
	F("evt.num", UINT, 0, fe_num, 0, "sequence number of the event, from 1"),
	FT("evt.time", FS_TIME, "event time as HH:MM:SS.nnnnnnnnn (local time)"),
	FT("evt.time.s", FS_TIME_S, "event time as HH:MM:SS"),
	FT("evt.time.iso8601", FS_ISO8601, "event time as an ISO 8601 UTC date with nanoseconds"),
	FT("evt.datetime", FS_DATETIME, "event date and time as YYYY-MM-DD HH:MM:SS.nnnnnnnnn"),
	FT("evt.datetime.s", FS_DATETIME_S, "event date and time as YYYY-MM-DD HH:MM:SS"),
	F("evt.rawtime", ABS, 0, fe_time, 0, "event time in nanoseconds since the epoch"),
	F("evt.rawtime.s", UINT, 0, fe_time_part, 1, "whole seconds of evt.rawtime"),
	F("evt.rawtime.ns", UINT, 0, fe_time_part, 2, "nanoseconds within the second of evt.rawtime"),
	F("evt.dir", STR, 0, fe_dir, 0, "direction: '>' syscall entry, '<' syscall exit"),
	F("evt.type", STR, 0, fe_type, 0, "event type name, e.g. open, execve, connect"),
	F("syscall.type", STR, 0, fe_syscall_type, 0,
	  "for a syscall's events, its name (evt.type); missing for other events (procexit, switch)"),
	F("evt.cpu", INT, 0, fe_cpu, 0, "CPU the event happened on"),
	F("evt.args", STR, 0, fe_args, 0, "every parameter as name=value, space separated"),
	F("evt.arg", STR, KEY | IDX | REQ, fe_arg, 0,
	  "a parameter by name (evt.arg.flags) or position (evt.arg[0]), as text with flags, fds, users resolved"),
	F("evt.rawarg", INT, KEY | REQ, fe_rawarg, 0,
	  "a parameter by name, with its own type (numbers stay numbers)"),
	F("evt.res", STR, 0, fe_res, 0, "result of the call: SUCCESS or the errno name (ENOENT, ...)"),
	F("evt.rawres", INT, 0, fe_rawres, 0, "result of the call as a number (negative: -errno)"),
	F("evt.failed", BOOL, 0, fe_failed, 0, "true if the call returned an error"),
	F("evt.is_open_read", BOOL, 0, fe_is_open, 0, "an open-family call with read access"),
	F("evt.is_open_write", BOOL, 0, fe_is_open, 1, "an open-family call with write access"),
	F("evt.is_open_exec", BOOL, 0, fe_is_open, 2, "an open-family call creating a file with execute permission"),
	F("evt.is_open_create", BOOL, 0, fe_is_open, 3, "an open-family call with O_CREAT"),
	F("evt.buffer", BYTES, 0, fe_buffer, 0, "the data buffer of an I/O event"),
	F("evt.buflen", UINT, 0, fe_buflen, 0, "bytes an I/O call read or wrote"),
	F("evt.is_io", BOOL, 0, fe_eflag, 0, "the event reads or writes data through an fd"),
	F("evt.is_io_read", BOOL, 0, fe_eflag, 1, "the event reads data through an fd"),
	F("evt.is_io_write", BOOL, 0, fe_eflag, 2, "the event writes data through an fd"),
	F("evt.is_wait", BOOL, 0, fe_eflag, 3, "the event makes the thread wait (sleep, poll, ...)"),
	F("evt.info", STR, 0, fe_args, 0, "for syscalls, the same as evt.args"),
	F("evt.abspath", PATH, 0, fe_fs_path, 0, "absolute path the call acts on (dirfd and cwd applied)"),
	F("evt.abspath.src", PATH, 0, fe_fs_path, 1, "absolute source path of a rename, link or symlink"),
	F("evt.abspath.dst", PATH, 0, fe_fs_path, 2, "absolute destination path of a rename, link or symlink"),
	F("evt.source", STR, 0, fe_source, 0, "event source: syscall"),
	F("evt.hostname", STR, 0, fe_hostname, 0, "host name of the machine"),

	/* fs.path */
	F("fs.path.name", PATH, 0, fe_fs_path, 0, "path a file-system call acts on, made absolute"),
	F("fs.path.nameraw", PATH, 0, fe_fs_path, 3, "path a file-system call acts on, as passed"),
	F("fs.path.source", PATH, 0, fe_fs_path, 1, "source path of a rename, link or symlink, made absolute"),
	F("fs.path.sourceraw", PATH, 0, fe_fs_path, 4, "source path of a rename, link or symlink, as passed"),
	F("fs.path.target", PATH, 0, fe_fs_path, 2, "target path of a rename, link or symlink, made absolute"),
	F("fs.path.targetraw", PATH, 0, fe_fs_path, 5, "target path of a rename, link or symlink, as passed"),

	/* proc */
	F("proc.pid", INT, 0, fp_int, PI_PID, "process id"),
	F("proc.exe", STR, 0, fp_str, PS_EXE, "first command-line argument (argv[0])"),
	F("proc.name", STR, 0, fp_str, PS_NAME, "process name (the kernel's comm, up to 15 characters)"),
	F("proc.args", STR, 0, fp_args, 0, "command-line arguments after argv[0], space separated"),
	F("proc.cmdline", STR, 0, fp_cmdline, 0, "process name and arguments: proc.name proc.args"),
	F("proc.exepath", PATH, 0, fp_str, PS_EXEPATH, "full path of the executable"),
	F("proc.cwd", PATH, 0, fp_str, PS_CWD, "current working directory"),
	F("proc.exeline", STR, 0, fp_exeline, 0, "argv[0] and the arguments"),
	F("proc.nthreads", UINT, 0, fp_int, PI_NTHREADS, "threads in the process"),
	F("proc.vmsize", UINT, 0, fp_int, PI_VMSIZE, "virtual memory size in KiB (as of the last exec or clone)"),
	F("proc.vmrss", UINT, 0, fp_int, PI_VMRSS, "resident memory in KiB (as of the last exec or clone)"),
	F("proc.vmswap", UINT, 0, fp_int, PI_VMSWAP, "swapped memory in KiB (as of the last exec or clone)"),
	F("proc.fdlimit", INT, 0, fp_int, PI_FDLIMIT, "maximum number of open fds"),
	F("proc.fdopencount", UINT, 0, fp_int, PI_FDCOUNT, "fds the process has open"),
	F("proc.pidns_init_start_ts", ABS, 0, fp_int, PI_PIDNS_START, "start time of the init process of the pid namespace"),
	F("proc.ppid", INT, 0, fp_int, PI_PPID, "parent process id"),
	F("proc.pname", STR, 0, fp_str, PS_NAME | PA_PARENT, "name of the parent process"),
	F("proc.pcmdline", STR, 0, fp_cmdline, PA_PARENT, "command line of the parent process"),
	F("proc.pexe", STR, 0, fp_str, PS_EXE | PA_PARENT, "argv[0] of the parent process"),
	F("proc.pexepath", PATH, 0, fp_str, PS_EXEPATH | PA_PARENT, "executable path of the parent process"),
	F("proc.apid", INT, IDX | LIST, fp_anc, PI_PID,
	  "pid of ancestor N (0: this process, 1: parent...); no N: every ancestor"),
	F("proc.aname", STR, IDX | LIST, fp_anc, PS_NAME,
	  "name of ancestor N (0: this process, 1: parent...); no N: every ancestor"),
	F("proc.aexe", STR, IDX | LIST, fp_anc, PS_EXE, "argv[0] of ancestor N; no N: every ancestor"),
	F("proc.aexepath", PATH, IDX | LIST, fp_anc, PS_EXEPATH, "executable path of ancestor N; no N: every ancestor"),
	F("proc.acmdline", STR, IDX | LIST, fp_anc, PS_CMDLINE, "command line of ancestor N; no N: every ancestor"),
	F("proc.loginshellid", INT, 0, fp_loginshell, 0, "pid of the outermost shell among the process and its ancestors"),
	F("proc.duration", REL, 0, fp_int, PI_DURATION, "nanoseconds since the process started"),
	F("proc.ppid.duration", REL, 0, fp_int, PI_DURATION | PA_PARENT, "nanoseconds since the parent process started"),
	F("proc.exe_ino", UINT, 0, fp_int, PI_EXE_INO, "inode number of the executable"),
	F("proc.exe_ino.ctime", ABS, 0, fp_missing, 0, "ctime of the executable (not collected: missing)"),
	F("proc.exe_ino.mtime", ABS, 0, fp_missing, 0, "mtime of the executable (not collected: missing)"),
	F("proc.exe_ino.ctime_duration_proc_start", REL, 0, fp_missing, 0,
	  "time from the executable's ctime to the process start (not collected: missing)"),
	F("proc.is_exe_writable", BOOL, 0, fp_flag, PF_EXE_WRITABLE, "the executable is writable by the process's user"),
	F("proc.is_exe_upper_layer", BOOL, 0, fp_flag, PF_EXE_UPPER, "the executable lives in an overlayfs upper layer"),
	F("proc.is_exe_lower_layer", BOOL, 0, fp_flag, PF_EXE_LOWER, "the executable lives in an overlayfs lower layer"),
	F("proc.is_exe_from_memfd", BOOL, 0, fp_flag, PF_EXE_MEMFD, "the executable is a memfd (fileless execution)"),
	F("proc.env", STR, KEY, fp_env, 0, "environment; proc.env[NAME]: one variable's value"),
	F("proc.tty", UINT, 0, fp_int, PI_TTY, "controlling terminal (0: none)"),
	F("proc.sid", INT, 0, fp_int, PI_SID, "session id"),
	F("proc.sname", STR, 0, fp_sname, PS_NAME, "name of the session leader"),
	F("proc.vpid", INT, 0, fp_int, PI_VPID, "process id in its pid namespace"),
	F("proc.pvpid", INT, 0, fp_int, PI_PVPID, "parent process id in its pid namespace"),
	F("proc.vpgid", INT, 0, fp_int, PI_VPGID, "process group id in its pid namespace"),
	F("proc.vpgid.name", STR, 0, fp_sname, PS_NAME | PA_VPGID, "name of the process group leader"),
	F("proc.vpgid.exe", STR, 0, fp_sname, PS_EXE | PA_VPGID, "argv[0] of the process group leader"),
	F("proc.is_sid_leader", BOOL, 0, fp_flag, PF_SID_LEADER, "the process leads its session"),
	F("proc.is_vpgid_leader", BOOL, 0, fp_flag, PF_VPGID_LEADER, "the process leads its process group"),
	F("proc.is_container_healthcheck", BOOL, 0, fp_false, 0, "always false: no container runtime is asked"),
	F("proc.is_container_liveness_probe", BOOL, 0, fp_false, 0, "always false: no container runtime is asked"),
	F("proc.is_container_readiness_probe", BOOL, 0, fp_false, 0, "always false: no container runtime is asked"),

	/* thread */
	F("thread.tid", INT, 0, fp_int, PI_TID, "thread id"),
	F("thread.vtid", INT, 0, fp_int, PI_VTID, "thread id in its pid namespace"),
	F("thread.ismain", BOOL, 0, fp_flag, PF_MAIN_THREAD, "the thread is the process's main thread"),
	F("thread.cap_effective", STR, 0, fp_caps, 0, "effective capabilities, CAP_ names space separated"),
	F("thread.cap_permitted", STR, 0, fp_caps, 1, "permitted capabilities, CAP_ names space separated"),
	F("thread.cap_inheritable", STR, 0, fp_caps, 2, "inheritable capabilities, CAP_ names space separated"),

	/* fd */
	F("fd.num", INT, 0, ff_num, FD_NUM, "file descriptor number"),
	F("fd.type", STR, 0, ff_str, FD_TYPE, "fd type: file, directory, ipv4, ipv6, unix, pipe, event, ..."),
	F("fd.typechar", STR, 0, ff_str, FD_TYPECHAR, "fd type as one character: f d 4 6 u p e s l i t n b r m"),
	F("fd.name", STR, 0, ff_str, FD_NAME, "full name: absolute path, or the connection tuple"),
	F("fd.directory", PATH, 0, ff_str, FD_DIRECTORY, "directory holding the file"),
	F("fd.filename", STR, 0, ff_str, FD_FILENAME, "file name without its directory"),
	F("fd.nameraw", STR, 0, ff_str, FD_NAMERAW, "name as the process passed it"),
	F("fd.ip", IP, LIST, ff_ip, FD_ANY, "client or server IP (filter: matches either)"),
	F("fd.cip", IP, 0, ff_ip, FD_CLIENT, "client IP"),
	F("fd.sip", IP, 0, ff_ip, FD_SERVER, "server IP"),
	F("fd.lip", IP, 0, ff_ip, FD_LOCAL, "local IP"),
	F("fd.rip", IP, 0, ff_ip, FD_REMOTE, "remote IP"),
	F("fd.port", PORT, LIST, ff_port, FD_ANY, "client or server port (filter: matches either)"),
	F("fd.cport", PORT, 0, ff_port, FD_CLIENT, "client port"),
	F("fd.sport", PORT, 0, ff_port, FD_SERVER, "server port"),
	F("fd.lport", PORT, 0, ff_port, FD_LOCAL, "local port"),
	F("fd.rport", PORT, 0, ff_port, FD_REMOTE, "remote port"),
	F("fd.net", NET, LIST, ff_ip, FD_ANY, "client or server IP, to match against a network (fd.net=10.0.0.0/8)"),
	F("fd.cnet", NET, 0, ff_ip, FD_CLIENT, "client IP, to match against a network"),
	F("fd.snet", NET, 0, ff_ip, FD_SERVER, "server IP, to match against a network"),
	F("fd.lnet", NET, 0, ff_ip, FD_LOCAL, "local IP, to match against a network"),
	F("fd.rnet", NET, 0, ff_ip, FD_REMOTE, "remote IP, to match against a network"),
	F("fd.cip.name", STR, 0, fp_missing, 0, "domain name of the client IP (not resolved: missing)"),
	F("fd.sip.name", STR, 0, fp_missing, 0, "domain name of the server IP (not resolved: missing)"),
	F("fd.lip.name", STR, 0, fp_missing, 0, "domain name of the local IP (not resolved: missing)"),
	F("fd.rip.name", STR, 0, fp_missing, 0, "domain name of the remote IP (not resolved: missing)"),
	F("fd.l4proto", STR, 0, ff_str, FD_L4PROTO, "transport protocol: tcp, udp, icmp, raw"),
	F("fd.sockfamily", STR, 0, ff_str, FD_SOCKFAMILY, "socket family: ip or unix"),
	F("fd.is_server", BOOL, 0, ff_misc, FD_IS_SERVER, "this process is the server end of the socket"),
	F("fd.connected", BOOL, 0, ff_misc, FD_CONNECTED, "the socket is connected"),
	F("fd.name_changed", BOOL, 0, ff_misc, FD_NAME_CHANGED, "this event gave the fd a new name (connect, accept)"),
	F("fd.dev", UINT, 0, ff_num, FD_DEV, "device number of the file"),
	F("fd.ino", UINT, 0, ff_num, FD_INO, "inode number of the file"),
	F("fd.open_flags", UINT, HID, ff_num, FD_OPEN_FLAGS, "flags the fd was opened with"),
	F("fd.types", STR, IDX | LIST, ff_types, 0, "fd types open in the process; fd.types[N]: type of fd N"),

	/* user, group */
	F("user.uid", UINT, 0, fp_user, PU_UID, "user id"),
	F("user.name", STR, 0, fp_user, PU_NAME, "user name"),
	F("user.homedir", PATH, 0, fp_user, PU_HOME, "home directory of the user"),
	F("user.shell", PATH, 0, fp_user, PU_SHELL, "login shell of the user"),
	F("user.loginuid", INT, 0, fp_user, PU_LOGINUID, "audit login user id (-1: none)"),
	F("user.loginname", STR, 0, fp_user, PU_LOGINNAME, "name of the audit login user"),
	F("group.gid", UINT, 0, fp_group, 0, "group id"),
	F("group.name", STR, 0, fp_group, 1, "group name"),

	/* container: the id comes from cgroups; no runtime is asked, so
	 * everything else is missing */
	F("container.id", STR, 0, fp_container, 0, "container id, 12 hex characters; host outside containers"),
	F("container.name", STR, 0, fp_container, 1, "container name: host outside containers, else missing"),
	F("container.image", STR, 0, fp_missing, 0, "container image (no runtime asked: missing)"),
	F("container.image.id", STR, 0, fp_missing, 0, "container image id (missing)"),
	F("container.image.repository", STR, 0, fp_missing, 0, "container image repository (missing)"),
	F("container.image.tag", STR, 0, fp_missing, 0, "container image tag (missing)"),
	F("container.image.digest", STR, 0, fp_missing, 0, "container image digest (missing)"),
	F("container.type", STR, 0, fp_missing, 0, "container runtime type (missing)"),
	F("container.privileged", BOOL, 0, fp_missing, 0, "container runs privileged (missing)"),
	F("container.mounts", STR, 0, fp_missing, 0, "container mounts (missing)"),
	F("container.mount", STR, KEY | IDX | REQ, fp_missing, 0, "one container mount (missing)"),
	F("container.mount.source", STR, KEY | IDX | REQ, fp_missing, 0, "source of a container mount (missing)"),
	F("container.mount.dest", STR, KEY | IDX | REQ, fp_missing, 0, "destination of a container mount (missing)"),
	F("container.mount.mode", STR, KEY | IDX | REQ, fp_missing, 0, "mode of a container mount (missing)"),
	F("container.mount.rdwr", STR, KEY | IDX | REQ, fp_missing, 0, "read-write flag of a container mount (missing)"),
	F("container.mount.propagation", STR, KEY | IDX | REQ, fp_missing, 0, "propagation of a container mount (missing)"),
	F("container.start_ts", ABS, 0, fp_missing, 0, "container start time (missing)"),
	F("container.duration", REL, 0, fp_missing, 0, "time since the container started (missing)"),
	F("container.ip", STR, 0, fp_missing, 0, "container IP (missing)"),
	F("container.cni.json", STR, 0, fp_missing, 0, "container CNI result (missing)"),
	F("container.healthcheck", STR, 0, fp_missing, 0, "container health check (missing)"),
	F("container.host_pid", BOOL, 0, fp_missing, 0, "container shares the host pid namespace (missing)"),
	F("container.host_network", BOOL, 0, fp_missing, 0, "container shares the host network (missing)"),
	F("container.host_ipc", BOOL, 0, fp_missing, 0, "container shares the host IPC namespace (missing)"),

	/* k8s: no API server is asked */
	F("k8s.ns.name", STR, 0, fp_missing, 0, "Kubernetes namespace (missing)"),
	F("k8s.pod.name", STR, 0, fp_missing, 0, "Kubernetes pod name (missing)"),
	F("k8s.pod.id", STR, 0, fp_missing, 0, "Kubernetes pod uid (missing)"),
	F("k8s.pod.uid", STR, 0, fp_missing, 0, "Kubernetes pod uid (missing)"),
	F("k8s.pod.label", STR, KEY | REQ, fp_missing, 0, "a Kubernetes pod label (missing)"),
	F("k8s.pod.labels", STR, 0, fp_missing, 0, "Kubernetes pod labels (missing)"),
	F("k8s.pod.ip", STR, 0, fp_missing, 0, "Kubernetes pod IP (missing)"),
	F("k8s.pod.cni.json", STR, 0, fp_missing, 0, "Kubernetes pod CNI result (missing)"),
};

const int32_t field_ndefs = (int32_t)(sizeof(field_defs) / sizeof(field_defs[0]));
