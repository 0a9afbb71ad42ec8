/* SPDX-License-Identifier: Apache-2.0 */
/*
 * users.c: user and group names by id, from /etc/passwd and /etc/group.
 *
 * Read at open; a lookup that misses rereads the files, at most once per
 * second, so a user added later is found without a restart. Processes in
 * containers get the host's names, as Falco does by default.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "state.h"

struct users_set {
	char *ptext, *gtext;          /* file contents, split in place */
	struct user *u;
	struct group *g;
	uint32_t nu, ng;
};

/* The previous set stays allocated until the next reload, so a pointer
 * handed out just before a reload stays valid for the current event. */
struct users {
	struct users_set cur, prev;
	uint64_t last_load_ns;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = cap * 2 + 8192);

			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, 4096, f);
		n += r;
	} while (r > 0);
	fclose(f);
	buf[n] = 0;
	return buf;
}

/* Split line at ':' into at most max fields; the count. */
static int split(char *line, char **f, int max)
{
	int n = 0;

	f[n++] = line;
	for (; *line && n < max; line++) {
		if (*line == ':') {
			*line = 0;
			f[n++] = line + 1;
		}
	}
	return n;
}

static uint32_t count_lines(const char *t)
{
	uint32_t n = 1;

	for (; *t; t++)
		n += *t == '\n';
	return n;
}

static void set_free(struct users_set *x)
{
	free(x->ptext);
	free(x->gtext);
	free(x->u);
	free(x->g);
	memset(x, 0, sizeof(*x));
}

static void load(struct users *all)
{
	struct users_set *us = &all->cur;
	char *line, *next, *f[7];
	uint32_t n;

	set_free(&all->prev);
	all->prev = all->cur;
	memset(us, 0, sizeof(*us));
	all->last_load_ns = now_ns();
	us->ptext = slurp("/etc/passwd");
	us->gtext = slurp("/etc/group");
	if (us->ptext && (us->u = calloc(count_lines(us->ptext), sizeof(struct user)))) {
		for (line = us->ptext; line && *line; line = next) {
			next = strchr(line, '\n');
			if (next)
				*next++ = 0;
			if (line[0] == '#' || split(line, f, 7) < 7)
				continue;
			n = us->nu++;
			us->u[n].name = f[0];
			us->u[n].uid = (uint32_t)strtoul(f[2], NULL, 10);
			us->u[n].gid = (uint32_t)strtoul(f[3], NULL, 10);
			us->u[n].home = f[5];
			us->u[n].shell = f[6];
		}
	}
	if (us->gtext && (us->g = calloc(count_lines(us->gtext), sizeof(struct group)))) {
		for (line = us->gtext; line && *line; line = next) {
			next = strchr(line, '\n');
			if (next)
				*next++ = 0;
			if (line[0] == '#' || split(line, f, 4) < 3)
				continue;
			n = us->ng++;
			us->g[n].name = f[0];
			us->g[n].gid = (uint32_t)strtoul(f[2], NULL, 10);
		}
	}
}

struct users *users_open(void)
{
	struct users *us = calloc(1, sizeof(*us));

	if (us)
		load(us);
	return us;
}

void users_close(struct users *us)
{
	if (!us)
		return;
	set_free(&us->cur);
	set_free(&us->prev);
	free(us);
}

static int may_reload(struct users *us)
{
	if (now_ns() - us->last_load_ns < 1000000000ull)
		return 0;
	load(us);
	return 1;
}

const struct user *user_get(struct saker *s, uint32_t uid)
{
	struct users *us = s->users;
	uint32_t i;

	if (!us)
		return NULL;
	do {
		for (i = 0; i < us->cur.nu; i++)
			if (us->cur.u[i].uid == uid)
				return &us->cur.u[i];
	} while (may_reload(us));
	return NULL;
}

const struct group *group_get(struct saker *s, uint32_t gid)
{
	struct users *us = s->users;
	uint32_t i;

	if (!us)
		return NULL;
	do {
		for (i = 0; i < us->cur.ng; i++)
			if (us->cur.g[i].gid == gid)
				return &us->cur.g[i];
	} while (may_reload(us));
	return NULL;
}
