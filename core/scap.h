/* SPDX-License-Identifier: Apache-2.0 */
/*
 * scap.h: .scap capture files (internal to C): the reader behind
 * `saker -e` (scap_read.c) and the writer behind `saker -w` (scap_write.c).
 * The layout is described in ../shared/scap/format.md.
 */
#ifndef SAKER_SCAP_H
#define SAKER_SCAP_H

#include <stdint.h>
#include "state.h"

/* Block type codes (format.md §2). */
enum {
	SCAP_SHB = 0x0A0D0D0A, SCAP_MAGIC = 0x1A2B3C4D,
	SCAP_MI = 0x201, SCAP_MI_OLD = 0x8002ABCD,
	SCAP_PL_V1 = 0x202, SCAP_PL_V1_OLD = 0x8000ABCD,
	SCAP_PL_V2 = 0x207, SCAP_PL_V2_OLD = 0x8013ABCD,
	SCAP_PL_V3 = 0x209, SCAP_PL_V3_OLD = 0x8014ABCD,
	SCAP_PL_V4 = 0x210, SCAP_PL_V5 = 0x211, SCAP_PL_V6 = 0x212,
	SCAP_PL_V7 = 0x213, SCAP_PL_V8 = 0x214, SCAP_PL_V9 = 0x215,
	SCAP_FDL = 0x203, SCAP_FDL_OLD = 0x8001ABCD, SCAP_FDL_V2 = 0x218,
	SCAP_EV = 0x204, SCAP_EV_OLD = 0x8010ABCD, SCAP_EVF = 0x208,
	SCAP_EV_V2 = 0x216, SCAP_EV_V2_LARGE = 0x221,
	SCAP_EVF_V2 = 0x217, SCAP_EVF_V2_LARGE = 0x222,
	SCAP_IL = 0x205, SCAP_IL_OLD = 0x8011ABCD, SCAP_IL_V2 = 0x219,
	SCAP_UL = 0x206, SCAP_UL_OLD = 0x8012ABCD, SCAP_UL_V2 = 0x220
};

/* scap fd types in FDL entries (format.md §5). */
enum {
	SCAP_FD_FILE = 1, SCAP_FD_DIR = 2, SCAP_FD_IPV4_SOCK = 3,
	SCAP_FD_IPV6_SOCK = 4, SCAP_FD_IPV4_SERVSOCK = 5,
	SCAP_FD_IPV6_SERVSOCK = 6, SCAP_FD_FIFO = 7, SCAP_FD_UNIX_SOCK = 8,
	SCAP_FD_EVENT = 9, SCAP_FD_UNSUPPORTED = 10, SCAP_FD_SIGNALFD = 11,
	SCAP_FD_EVENTPOLL = 12, SCAP_FD_INOTIFY = 13, SCAP_FD_TIMERFD = 14,
	SCAP_FD_NETLINK = 15, SCAP_FD_FILE_V2 = 16, SCAP_FD_BPF = 17,
	SCAP_FD_USERFAULTFD = 18, SCAP_FD_IOURING = 19, SCAP_FD_MEMFD = 20,
	SCAP_FD_PIDFD = 21
};

struct scap_reader;

/* Open a capture (plain or gzip'd). NULL with err filled on failure. */
struct scap_reader *scap_reader_open(const char *path, char *err, uint32_t errlen);
void scap_reader_close(struct scap_reader *r);

/* The next event in the scap v2 layout, converted to the newest event code
 * of its name (parameters matched by name; an exit event takes what it
 * lacks from its thread's enter event), with metadata blocks met on the
 * way applied to s's tables. 1: an event, 0: end of file, -1: error
 * (scap_reader_error). The bytes stay valid until the next call. */
int scap_reader_next(struct scap_reader *r, struct saker *s, const uint8_t **ev, uint32_t *len, uint16_t *cpu);

/* The error of the last -1, and the warnings so far (count, last text). */
const char *scap_reader_error(const struct scap_reader *r);
uint32_t scap_reader_warnings(const struct scap_reader *r, const char **last);

struct scap_writer;

/* Create path (mode 0600; fresh: fail if it exists, never follow a
 * symlink; else truncate) and write the section header, machine info and
 * s's thread and fd tables. NULL with err filled on failure. */
struct scap_writer *scap_writer_open(const char *path, int fresh, struct saker *s, char *err,
				     uint32_t errlen);
/* Append one event (scap v2 layout) as an EV_V2 block. 0 ok, -1 I/O error. */
int scap_writer_event(struct scap_writer *w, const uint8_t *raw, uint32_t len, uint16_t cpu);
/* Window mode: from now on write only the events kept with
 * scap_writer_keep, with `before` events ahead and `after` behind each. */
int scap_writer_window(struct scap_writer *w, uint32_t before, uint32_t after);
/* Keep the event last given to scap_writer_event. */
void scap_writer_keep(struct scap_writer *w);
/* Flush and close; 0 ok, -1 if any write failed. */
int scap_writer_close(struct scap_writer *w);

#endif
