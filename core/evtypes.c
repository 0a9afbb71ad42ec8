/* SPDX-License-Identifier: Apache-2.0 */
/*
 * evtypes.c: event types as the rules see them (saker.h, "event table").
 * Types 0 .. evt_table_len-1 are the scap codes of core/evtable.c. After
 * them comes one type per native syscall number: a generic event (scap
 * codes 0 and 1, a syscall with no event of its own) takes the type of the
 * syscall it carries, so that `evt.type = getppid` names a type of its own,
 * as it does in Falco.
 */
#include <stdint.h>
#include <string.h>

#include "saker.h"
#include "event.h"

enum { GENERIC_E = 0, GENERIC_X = 1, P_NATIVE_ID = 1, TYPES_CAP = 1024 };

/* 1: the events of this type are a syscall's (syscall.type); not procexit,
 * switch, procinfo and the other kernel or meta events. */
static uint8_t syscall_type[TYPES_CAP];

static const char *sys_name(uint64_t nr)
{
	return nr < sys_names_len ? sys_names[nr] : NULL;
}

uint16_t evt_kind(uint16_t code, const struct evt_params *p)
{
	int64_t nr;

	if (code != GENERIC_E && code != GENERIC_X)
		return code;
	if (!evt_int(code, p, P_NATIVE_ID, &nr) || nr < 0 || !sys_name((uint64_t)nr))
		return code;
	return (uint16_t)(evt_table_len + nr);
}

int sys_nr(const char *name)
{
	uint32_t nr;

	for (nr = 0; name && nr < sys_names_len; nr++)
		if (sys_names[nr] && !strcmp(sys_names[nr], name))
			return (int)nr;
	return -1;
}

void evt_types_init(void)
{
	int32_t t, max = saker_evtype_max();

	/* the generic types are syscalls by construction; only the table's
	 * names are looked up */
	for (t = 0; t < max && t < TYPES_CAP; t++)
		syscall_type[t] = (uint32_t)t >= evt_table_len ? saker_evtype_generic((uint16_t)t)
							       : sys_nr(evt_table[t].name) >= 0;
}

int evt_is_syscall(uint16_t type)
{
	return type < TYPES_CAP && syscall_type[type];
}

/* The scap code whose table row describes events of this type. */
static uint16_t row(uint16_t type)
{
	return type < evt_table_len ? type : GENERIC_X;
}

int32_t saker_evtype_max(void)
{
	return (int32_t)(evt_table_len + sys_names_len);
}

const char *saker_evtype_name(uint16_t type)
{
	const char *n;

	if (type < evt_table_len)
		return evt_table[type].name;
	n = sys_name(type - evt_table_len);
	return n ? n : "NA";
}

int32_t saker_evtype_generic(uint16_t type)
{
	return type >= evt_table_len && type < evt_table_len + sys_names_len;
}

int32_t saker_evtype_dir(uint16_t type)
{
	return evt_table[row(type)].dir;
}

int32_t saker_evtype_nparams(uint16_t type)
{
	return evt_table[row(type)].nparams;
}

const char *saker_evtype_param(uint16_t type, uint32_t i)
{
	const struct evt_info *e = &evt_table[row(type)];

	return i < e->nparams ? e->pnames[i] : NULL;
}
