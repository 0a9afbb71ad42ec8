/* SPDX-License-Identifier: Apache-2.0 */
/* fieldtext.h: a field of the current event as saker renders it, for the
 * C tests' checks: the text, "<NA>" when missing, "(bind failed)". */
#ifndef SAKER_FIELDTEXT_H
#define SAKER_FIELDTEXT_H
#include <stdio.h>

static inline const char *field_text(struct saker *s, const char *name, char *out, uint32_t cap)
{
	char err[256];
	int32_t h = saker_field_bind(s, name, NULL, err, sizeof(err));

	if (h < 0) {
		fprintf(stderr, "bind %s: %s\n", name, err);
		return "(bind failed)";
	}
	if (saker_field_render(s, h, out, cap) < 0)
		return "<NA>";
	return out;
}
#endif
