/* SPDX-License-Identifier: Apache-2.0 */
/*
 * render.h: text forms of values the way Falco prints them (internal to C):
 * flag and enum names of event parameters, errno and signal names,
 * capabilities, IP addresses, times. Nothing here allocates; every writer
 * appends to a caller-owned struct sbuf and truncates at its capacity.
 */
#ifndef SAKER_RENDER_H
#define SAKER_RENDER_H

#include <stdint.h>

struct sbuf {
	char *p;
	uint32_t len, cap;          /* p[len] == 0 always (cap >= 1) */
};

static inline void sb_init(struct sbuf *b, char *p, uint32_t cap)
{
	b->p = p;
	b->len = 0;
	b->cap = cap;
	if (cap)
		p[0] = 0;
}

void sb_putn(struct sbuf *b, const char *s, uint32_t n);
void sb_puts(struct sbuf *b, const char *s);
void sb_putc(struct sbuf *b, char c);
void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Names for the bits (or values) of a parameter. */
struct flagname {
	const char *name;
	uint32_t val;
};

/* The names table of param i of event `code` and whether it names whole
 * values (enum) rather than bits; NULL when the parameter has none. */
const struct flagname *render_names(uint16_t code, uint32_t i, int *is_enum);

/* Flags as Falco resolves them: the one name equal to v, else the names
 * of the bits set joined by '|'. Appends nothing (returns 0) when no name
 * applies. */
int render_flags(struct sbuf *b, const struct flagname *t, uint64_t v, int is_enum);

/* PPM socket family and l4 protocol names ("AF_INET", "tcp"); NULL if none. */
const char *render_family(uint32_t af);
const char *render_l4proto(uint32_t proto);

const char *render_errno(int64_t err);     /* "ENOENT" for -2 (or 2); NULL if unknown */
const char *render_signal(uint32_t sig);   /* "SIGKILL"; NULL if unknown */

/* Capability sets: "CAP_CHOWN CAP_KILL ..." (names of the set bits). */
void render_caps(struct sbuf *b, uint64_t caps);

/* An IP in network order: 4 bytes dotted, 16 bytes per inet_ntop. */
void render_ip(struct sbuf *b, const uint8_t *ip, uint32_t len);

/* Absolute times (ns since the epoch). */
enum rtime {
	RT_TIME,        /* 12:00:00.123456789 (local time) */
	RT_TIME_S,      /* 12:00:00 */
	RT_DATETIME,    /* 2026-01-02 12:00:00.123456789 */
	RT_DATETIME_S,  /* 2026-01-02 12:00:00 */
	RT_ISO8601      /* 2026-01-02T12:00:00.123456789Z (UTC) */
};
void render_time(struct sbuf *b, uint64_t ns, enum rtime how);

#endif
