/* SPDX-License-Identifier: Apache-2.0 */
/*
 * match.c: string matching for the code the rule compiler generates.
 *
 * Everything here is called per event from compiled conditions, so nothing
 * allocates except the *_new constructors, which run once at rule load.
 * Values are (pointer, length) pairs; field strings also end in a NUL.
 *
 * Regular expressions use POSIX extended syntax (glibc regcomp), anchored at
 * both ends like Falco's RE2 `regex` operator. PCRE2 would be a little closer
 * to RE2's syntax (\d, non-greedy) but only its runtime is on this system,
 * and no upstream rule uses `regex`; ERE needs no extra library.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <fnmatch.h>
#include <regex.h>

#include "saker.h"

/* ---- string sets: open addressing ------------------------------------- */

struct set_item {
	char *s;
	uint32_t len;
	uint32_t hash;
};

struct saker_strset {
	struct set_item *items;
	uint32_t cap;   /* power of two */
	uint32_t count;
	int32_t kind;   /* enum saker_strset_kind */
	uint32_t minlen, maxlen;
};

/*
 * Eight bytes per multiply (a byte at a time costs a multiply per byte, and
 * most values hashed per event are paths of 20 to 60 bytes); the tail is
 * read as one little word, and the length seeds the state.
 */
static uint32_t hash_bytes(const uint8_t *s, uint32_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len, w;
	uint32_t i;

	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	if (len) {
		w = 0;
		for (i = 0; i < len; i++)
			w |= (uint64_t)s[i] << (8 * i);
		h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	}
	h ^= h >> 29;
	return (uint32_t)h;
}

struct saker_strset *saker_strset_new(int32_t kind)
{
	struct saker_strset *set = calloc(1, sizeof(*set));

	if (!set)
		return NULL;
	set->cap = 16;
	set->items = calloc(set->cap, sizeof(*set->items));
	if (!set->items) {
		free(set);
		return NULL;
	}
	set->kind = kind;
	set->minlen = UINT32_MAX;
	return set;
}

void saker_strset_free(struct saker_strset *set)
{
	uint32_t i;

	if (!set)
		return;
	for (i = 0; i < set->cap; i++)
		free(set->items[i].s);
	free(set->items);
	free(set);
}

static struct set_item *slot(const struct saker_strset *set, const uint8_t *s, uint32_t len, uint32_t h)
{
	uint32_t mask = set->cap - 1, i = h & mask;

	for (;;) {
		struct set_item *it = &set->items[i];

		if (!it->s || (it->hash == h && it->len == len && memcmp(it->s, s, len) == 0))
			return it;
		i = (i + 1) & mask;
	}
}

static int grow(struct saker_strset *set)
{
	struct saker_strset big = *set;
	uint32_t i;

	big.cap = set->cap * 2;
	big.items = calloc(big.cap, sizeof(*big.items));
	if (!big.items)
		return -1;
	for (i = 0; i < set->cap; i++) {
		struct set_item *it = &set->items[i];

		if (it->s)
			*slot(&big, (const uint8_t *)it->s, it->len, it->hash) = *it;
	}
	free(set->items);
	set->items = big.items;
	set->cap = big.cap;
	return 0;
}

/* pmatch items are stored without a trailing slash ("/" stays "/"). */
static uint32_t path_trim(const char *s, uint32_t len)
{
	while (len > 1 && s[len - 1] == '/')
		len--;
	return len;
}

int saker_strset_add(struct saker_strset *set, const char *s, uint32_t len)
{
	struct set_item *it;
	uint32_t h;

	if (set->kind == SAKER_SET_PATHS)
		len = path_trim(s, len);
	if ((set->count + 1) * 2 > set->cap && grow(set) < 0)
		return -1;
	h = hash_bytes((const uint8_t *)s, len);
	it = slot(set, (const uint8_t *)s, len, h);
	if (it->s)
		return 0;
	it->s = malloc(len + 1);
	if (!it->s)
		return -1;
	memcpy(it->s, s, len);
	it->s[len] = 0;
	it->len = len;
	it->hash = h;
	set->count++;
	if (len < set->minlen)
		set->minlen = len;
	if (len > set->maxlen)
		set->maxlen = len;
	return 0;
}

static int has(const struct saker_strset *set, const uint8_t *s, uint32_t len)
{
	if (len < set->minlen || len > set->maxlen)
		return 0;
	return slot(set, s, len, hash_bytes(s, len))->s != NULL;
}

/* SAKER_SET_PATHS: true when s is one of the paths or lies below one. */
static int has_prefix(const struct saker_strset *set, const uint8_t *s, uint32_t len)
{
	uint32_t n = path_trim((const char *)s, len);

	if (set->count == 0)
		return 0;
	for (;;) {
		if (has(set, s, n))
			return 1;
		while (n > 0 && s[n - 1] != '/')
			n--;
		if (n == 0)
			return 0;
		if (n == 1) /* the root itself */
			return has(set, s, 1);
		n--;
	}
}

int32_t saker_strset_has(const struct saker_strset *set, const uint8_t *s, uint32_t len)
{
	if (set->kind == SAKER_SET_PATHS)
		return has_prefix(set, s, len);
	return has(set, s, len);
}

/* ---- substring and affix tests ------------------------------------------ */

/*
 * Candidates by memchr on the needle's first byte, checked on its last
 * byte before the compare: the values are short, and memmem's set-up for
 * each call costs more than the whole scan.
 */
int32_t saker_match_contains(const uint8_t *s, uint32_t len, const char *k, uint32_t klen)
{
	const uint8_t *p, *last;
	uint8_t c0, cl;

	if (klen == 0)
		return 1;
	if (klen > len)
		return 0;
	c0 = (uint8_t)k[0];
	cl = (uint8_t)k[klen - 1];
	last = s + (len - klen);
	for (p = s; p <= last; p++) {
		p = memchr(p, c0, (size_t)(last - p) + 1);
		if (!p)
			return 0;
		if (p[klen - 1] == cl && memcmp(p + 1, k + 1, klen - 1) == 0)
			return 1;
	}
	return 0;
}

static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

int32_t saker_match_icontains(const uint8_t *s, uint32_t len, const char *k, uint32_t klen)
{
	uint32_t i, j;
	uint8_t c0;

	if (klen == 0)
		return 1;
	c0 = lower((uint8_t)k[0]);
	for (i = 0; i + klen <= len; i++) {
		if (lower(s[i]) != c0)
			continue;
		for (j = 1; j < klen; j++)
			if (lower(s[i + j]) != lower((uint8_t)k[j]))
				break;
		if (j == klen)
			return 1;
	}
	return 0;
}

int32_t saker_match_endswith(const uint8_t *s, uint32_t len, const char *k, uint32_t klen)
{
	return len >= klen && memcmp(s + len - klen, k, klen) == 0;
}

/* fnmatch wants a NUL-terminated subject: field strings are, other
 * values are copied to the stack (truncated past 4 KiB). */
int32_t saker_match_glob(const char *pat, const uint8_t *s, uint32_t len, int32_t icase)
{
	char tmp[4096];
	const char *str = (const char *)s;
	int flags = icase ? FNM_CASEFOLD : 0;

	if (s[len] != 0) {
		if (len >= sizeof(tmp))
			len = sizeof(tmp) - 1;
		memcpy(tmp, s, len);
		tmp[len] = 0;
		str = tmp;
	}
	return fnmatch(pat, str, flags) == 0;
}

/* ---- regular expressions ------------------------------------------------- */

struct saker_regex {
	regex_t re;
};

struct saker_regex *saker_regex_new(const char *pat, char *err, uint32_t errlen)
{
	struct saker_regex *r = calloc(1, sizeof(*r));
	size_t n = strlen(pat);
	char *full = malloc(n + 5);
	int rc;

	if (!r || !full) {
		free(r);
		free(full);
		if (errlen)
			strncpy(err, "out of memory", errlen - 1);
		return NULL;
	}
	/* anchored at both ends, like RE2's ANCHOR_BOTH */
	full[0] = '^';
	full[1] = '(';
	memcpy(full + 2, pat, n);
	memcpy(full + 2 + n, ")$", 3);
	rc = regcomp(&r->re, full, REG_EXTENDED | REG_NOSUB);
	free(full);
	if (rc != 0) {
		if (errlen)
			regerror(rc, &r->re, err, errlen);
		free(r);
		return NULL;
	}
	return r;
}

int32_t saker_regex_match(const struct saker_regex *r, const uint8_t *s, uint32_t len)
{
	regmatch_t m[1];

	m[0].rm_so = 0;
	m[0].rm_eo = len;
	return regexec(&r->re, (const char *)s, 0, m, REG_STARTEND) == 0;
}

void saker_regex_free(struct saker_regex *r)
{
	if (!r)
		return;
	regfree(&r->re);
	free(r);
}

/* ---- addresses ------------------------------------------------------------ */

int32_t saker_match_ipnet(const uint8_t *a, uint32_t alen, const uint8_t *net, uint32_t nlen, uint32_t bits)
{
	uint32_t full = bits / 8, rest = bits % 8;
	uint8_t mask;

	if (alen != nlen || bits > nlen * 8)
		return 0;
	if (memcmp(a, net, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a[full] & mask) == (net[full] & mask);
}

/* ---- field transformers ---------------------------------------------------- */

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static int b64_decode(const uint8_t *s, uint32_t len, uint8_t *out, uint32_t cap, uint32_t *outlen)
{
	uint32_t acc = 0, nbits = 0, n = 0, i;

	for (i = 0; i < len; i++) {
		int v;

		if (s[i] == '=')
			break;
		v = b64val(s[i]);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		nbits += 6;
		if (nbits >= 8) {
			nbits -= 8;
			if (n + 1 >= cap)
				return -1;
			out[n++] = (uint8_t)(acc >> nbits);
		}
	}
	out[n] = 0;
	*outlen = n;
	return 0;
}

int32_t saker_xform(int32_t kind, const struct saker_val *in, struct saker_val *out, uint8_t *buf, uint32_t cap)
{
	uint32_t i, n = in->len;

	switch (kind) {
	case SAKER_XF_TOLOWER:
	case SAKER_XF_TOUPPER:
		if (n >= cap)
			n = cap - 1;
		for (i = 0; i < n; i++)
			buf[i] = (uint8_t)(kind == SAKER_XF_TOLOWER ? tolower(in->s[i]) : toupper(in->s[i]));
		buf[n] = 0;
		out->s = buf;
		out->len = n;
		out->type = in->type;
		return 1;
	case SAKER_XF_B64:
		if (b64_decode(in->s, n, buf, cap, &out->len) < 0)
			return 0;
		out->s = buf;
		out->type = SAKER_FT_STR;
		return 1;
	case SAKER_XF_BASENAME: {
		const uint8_t *s = in->s;

		for (i = n; i > 0 && s[i - 1] != '/'; i--)
			;
		out->s = s + i;
		out->len = n - i;
		out->type = in->type;
		return 1;
	}
	case SAKER_XF_LEN:
		out->n = in->len;
		out->type = SAKER_FT_UINT;
		return 1;
	}
	return 0;
}
