/* SPDX-License-Identifier: Apache-2.0 */
/*
 * strpool.c: size-class pool for the state tables' strings.
 *
 * Blocks are powers of two from 16 bytes to 64 KiB, carved from 256 KiB
 * chunks and recycled through one free list per class, so once the tables
 * have reached their working size, changing a string costs no malloc. The
 * class of a block follows from the string's length, which struct pstr
 * keeps, so blocks carry no header. Strings longer than PSTR_MAX are cut.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "state.h"

enum { MIN_SHIFT = 4, NCLASS = 13, CHUNK = 256 * 1024, PSTR_MAX = 65535 };

struct chunk {
	struct chunk *next;
	uint32_t used;
	uint8_t data[];
};

struct strpool {
	void *free[NCLASS];          /* singly linked through the block's first word */
	struct chunk *cur[NCLASS];   /* chunk being carved for each class */
	struct chunk *all;           /* every chunk, for strpool_free */
};

static uint32_t class_of(uint32_t len)
{
	uint32_t c = 0, size = 1u << MIN_SHIFT;

	while (size < len + 1) {
		size <<= 1;
		c++;
	}
	return c;
}

struct strpool *strpool_new(void)
{
	return calloc(1, sizeof(struct strpool));
}

void strpool_free(struct strpool *p)
{
	struct chunk *c, *n;

	if (!p)
		return;
	for (c = p->all; c; c = n) {
		n = c->next;
		free(c);
	}
	free(p);
}

static void *block_get(struct strpool *p, uint32_t cls)
{
	uint32_t size = 1u << (cls + MIN_SHIFT);
	struct chunk *c = p->cur[cls];
	void *b = p->free[cls];

	if (b) {
		memcpy(&p->free[cls], b, sizeof(void *));
		return b;
	}
	if (!c || c->used + size > CHUNK) {
		c = malloc(sizeof(*c) + CHUNK);
		if (!c)
			return NULL;
		c->used = 0;
		c->next = p->all;
		p->all = c;
		p->cur[cls] = c;
	}
	b = c->data + c->used;
	c->used += size;
	return b;
}

static void block_put(struct strpool *p, void *b, uint32_t cls)
{
	memcpy(b, &p->free[cls], sizeof(void *));
	p->free[cls] = b;
}

int pstr_set(struct strpool *p, struct pstr *dst, const void *src, uint32_t len)
{
	uint32_t cls;
	char *b;

	if (len > PSTR_MAX)
		len = PSTR_MAX;
	cls = class_of(len);
	if (dst->s && class_of(dst->len) == cls) {
		memmove(dst->s, src, len);
		dst->s[len] = 0;
		dst->len = len;
		return 0;
	}
	b = block_get(p, cls);
	if (!b)
		return -1;
	memcpy(b, src, len);
	b[len] = 0;
	if (dst->s)
		block_put(p, dst->s, class_of(dst->len));
	dst->s = b;
	dst->len = len;
	return 0;
}

void pstr_clear(struct strpool *p, struct pstr *dst)
{
	if (dst->s)
		block_put(p, dst->s, class_of(dst->len));
	dst->s = NULL;
	dst->len = 0;
}
