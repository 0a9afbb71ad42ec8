/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dump.c: the current event as one line, the way sysdig prints it:
 *   num time cpu proc.name (tid) dir type name=value ...
 */
#include <inttypes.h>

#include "fields.h"

int32_t saker_dump_line(struct saker *s, char *buf, uint32_t cap)
{
	const struct evt_info *e;
	struct sbuf b;

	if (!s || !buf || !cap || !s->thr || s->evt.type >= evt_table_len)
		return -1;
	e = &evt_table[s->evt.type];
	sb_init(&b, buf, cap);
	sb_printf(&b, "%" PRIu64 " ", s->evt.num);
	render_time(&b, s->evt.ts, RT_TIME);
	sb_printf(&b, " %u %s (%" PRId64 ") %c %s", s->evt.cpu, s->thr->comm, s->evt.tid,
		  e->dir, saker_evtype_name(s->evt.kind));
	if (e->nparams && s->par.n) {
		sb_putc(&b, ' ');
		fx_args(s, &b);
	}
	return (int32_t)b.len;
}
