/* SPDX-License-Identifier: Apache-2.0 */
/* field_aux.h: the aux codes that select what a shared extractor reads
 * (field_table.c sets them, field_*.c read them). */
#ifndef SAKER_FIELD_AUX_H
#define SAKER_FIELD_AUX_H

enum {
	PA_WHAT = 0xff,        /* the property */
	PA_PARENT = 0x100,     /* of the parent process */
	PA_VPGID = 0x200       /* of the process group leader */
};

/* proc properties (fp_str, fp_int, fp_anc, fp_sname) */
enum {
	PS_NAME = 1, PS_EXE, PS_EXEPATH, PS_CWD, PS_CMDLINE,
	PI_PID, PI_PPID, PI_VPID, PI_PVPID, PI_SID, PI_VPGID, PI_TID, PI_VTID,
	PI_TTY, PI_NTHREADS, PI_EXE_INO, PI_DURATION, PI_VMSIZE, PI_VMRSS, PI_VMSWAP,
	PI_FDLIMIT, PI_PIDNS_START, PI_FDCOUNT, PI_CMDNARGS, PI_CMDLENARGS
};

/* fp_stdio: the fd number, | PT_STDIO_NAME for its name rather than type */
enum { PT_STDIO_NAME = 0x10 };

/* fe_count */
enum { EC_ALL = 0, EC_ERROR, EC_ERROR_FILE, EC_ERROR_NET, EC_EXIT };

/* fp_flag */
enum {
	PF_EXE_WRITABLE = 1, PF_EXE_UPPER, PF_EXE_LOWER, PF_EXE_MEMFD,
	PF_SID_LEADER, PF_VPGID_LEADER, PF_MAIN_THREAD
};

/* fp_user */
enum { PU_UID = 1, PU_NAME, PU_HOME, PU_SHELL, PU_LOGINUID, PU_LOGINNAME };

/* fd properties (ff_num, ff_str, ff_ip, ff_port, ff_misc) */
enum {
	FD_NUM = 1, FD_TYPE, FD_TYPECHAR, FD_NAME, FD_DIRECTORY, FD_FILENAME,
	FD_NAMERAW, FD_L4PROTO, FD_SOCKFAMILY, FD_IS_SERVER, FD_DEV, FD_INO,
	FD_NAME_CHANGED, FD_CONNECTED, FD_OPEN_FLAGS, FD_CONTAINERNAME, FD_CONTAINERDIR,
	FD_CLIENT, FD_SERVER, FD_LOCAL, FD_REMOTE, FD_ANY
};

/* container.* and k8s.* (fc_id, fc_meta, fc_mount, fc_time) */
enum {
	CT_ID = 1, CT_FULL_ID, CT_NAME, CT_TYPE, CT_IMAGE, CT_REPOSITORY, CT_TAG, CT_DIGEST,
	CT_IMAGE_ID, CT_MOUNTS, CT_PRIVILEGED, CT_HOST_PID, CT_HOST_NETWORK, CT_HOST_IPC,
	CT_MOUNT, CT_MOUNT_SOURCE, CT_MOUNT_DEST, CT_MOUNT_MODE, CT_MOUNT_RDWR,
	CT_MOUNT_PROPAGATION, CT_START_TS, CT_DURATION, K8S_NS, K8S_POD, K8S_UID
};

#endif
