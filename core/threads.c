/* SPDX-License-Identifier: Apache-2.0 */
/*
 * threads.c: the thread table.
 *
 * A preallocated pool of struct thread found through a chained hash on the
 * tid. Threads of one process point at one shared struct files (fd table
 * and cwd, fds.c). When the pool is full, the slot under a clock hand is
 * evicted (never the current event's thread) and counted.
 *
 * A second chained hash, on ptid, links each thread to the others with the
 * same parent (the parent index): when a process exits, its children are
 * found there and given the reaper as parent, as the kernel does. apply.c
 * indexes the threads it creates or re-parents; threads seeded in bulk
 * (/proc scan, a capture's process list) are indexed in one pass at the
 * next exit.
 */
#include <stdlib.h>
#include <string.h>
#include "state.h"

static uint32_t pow2_at_least(uint32_t n)
{
	uint32_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

static uint32_t tid_hash(const struct thread_table *t, int64_t tid)
{
	return (uint32_t)(((uint64_t)tid * 0x9E3779B97F4A7C15ull) >> 32) & (t->nbuckets - 1);
}

int threads_init(struct saker *s, uint32_t cap)
{
	struct thread_table *t = &s->th;
	uint32_t i;

	t->cap = cap;
	t->nbuckets = pow2_at_least(cap * 2);
	t->pool = calloc(cap, sizeof(*t->pool));
	t->buckets = malloc(t->nbuckets * sizeof(uint32_t));
	t->pbuckets = malloc(t->nbuckets * sizeof(uint32_t));
	if (!t->pool || !t->buckets || !t->pbuckets)
		return -1;
	for (i = 0; i < t->nbuckets; i++)
		t->buckets[i] = t->pbuckets[i] = STATE_NIL;
	t->free_head = STATE_NIL;
	t->fresh = 0;
	return 0;
}

void threads_fini(struct saker *s)
{
	free(s->th.pool);
	free(s->th.buckets);
	free(s->th.pbuckets);
	memset(&s->th, 0, sizeof(s->th));
}

struct thread *thread_find(struct saker *s, int64_t tid)
{
	struct thread_table *t = &s->th;
	uint32_t i;

	if (!t->nbuckets)
		return NULL;
	for (i = t->buckets[tid_hash(t, tid)]; i != STATE_NIL; i = t->pool[i].hnext)
		if (t->pool[i].tid == tid)
			return &t->pool[i];
	return NULL;
}

/* iptid of a thread never indexed yet */
#define IPTID_NEW INT64_MIN

static void pindex_unlink(struct thread_table *t, struct thread *th)
{
	if (!th->indexed)
		return;
	if (th->pprev != STATE_NIL)
		t->pool[th->pprev].pnext = th->pnext;
	else
		t->pbuckets[tid_hash(t, th->iptid)] = th->pnext;
	if (th->pnext != STATE_NIL)
		t->pool[th->pnext].pprev = th->pprev;
	th->indexed = 0;
}

void thread_index(struct saker *s, struct thread *th)
{
	struct thread_table *t = &s->th;
	uint32_t i = (uint32_t)(th - t->pool), h;

	if (th->iptid == th->ptid)
		return;
	if (th->iptid == IPTID_NEW)
		t->unindexed--;
	pindex_unlink(t, th);
	th->iptid = th->ptid;
	if (th->ptid <= 0)
		return; /* no parent known: nothing to re-parent */
	h = tid_hash(t, th->ptid);
	th->pprev = STATE_NIL;
	th->pnext = t->pbuckets[h];
	if (th->pnext != STATE_NIL)
		t->pool[th->pnext].pprev = i;
	t->pbuckets[h] = i;
	th->indexed = 1;
}

void thread_reparent(struct saker *s, int64_t pid, int64_t reaper_tid)
{
	struct thread_table *t = &s->th;
	struct thread *r = thread_find(s, reaper_tid), *c;
	int64_t npid = r ? r->pid : reaper_tid;
	uint32_t i, next;

	if (npid <= 0 || npid == pid)
		return;
	if (t->unindexed) {
		for (i = 0; i < t->fresh; i++)
			if (t->pool[i].used)
				thread_index(s, &t->pool[i]);
	}
	for (i = t->pbuckets[tid_hash(t, pid)]; i != STATE_NIL; i = next) {
		c = &t->pool[i];
		next = c->pnext;
		if (c->ptid == pid)
			c->ptid = npid;
		thread_index(s, c); /* also moves a stale entry to its chain */
	}
}

static void slot_release(struct saker *s, uint32_t i)
{
	struct thread_table *t = &s->th;
	struct thread *th = &t->pool[i], *m;
	uint32_t *pp = &t->buckets[tid_hash(t, th->tid)];

	while (*pp != i)
		pp = &t->pool[*pp].hnext;
	*pp = th->hnext;
	pindex_unlink(t, th);
	if (th->iptid == IPTID_NEW)
		t->unindexed--;
	if (th->pid != th->tid && (m = thread_find(s, th->pid)) && m->nthreads > 1)
		m->nthreads--;
	files_unref(s, th->files);
	pstr_clear(s->sp, &th->exe);
	pstr_clear(s->sp, &th->exepath);
	pstr_clear(s->sp, &th->args);
	pstr_clear(s->sp, &th->env);
	pstr_clear(s->sp, &th->cgroups);
	memset(th, 0, sizeof(*th));
	th->hnext = t->free_head;
	t->free_head = i;
	t->used--;
}

struct thread *thread_new(struct saker *s, int64_t tid)
{
	struct thread_table *t = &s->th;
	struct thread *th;
	uint32_t i = t->free_head, h;

	if (i == STATE_NIL && t->fresh < t->cap) {
		i = t->fresh++;
		t->pool[i].hnext = STATE_NIL;
		t->free_head = i;
	} else if (i == STATE_NIL) {
		i = t->clock;
		while (&t->pool[i] == s->thr || &t->pool[i] == s->pin)
			i = (i + 1) % t->cap;
		t->clock = (i + 1) % t->cap;
		slot_release(s, i);
		t->evictions++;
		i = t->free_head;
	}
	th = &t->pool[i];
	t->free_head = th->hnext;
	memset(th, 0, sizeof(*th));
	th->used = 1;
	th->tid = tid;
	th->pid = tid;
	th->ptid = -1;
	th->vtid = -1;
	th->vpid = -1;
	th->loginuid = 0xffffffffu;
	th->nthreads = 1;
	th->files = STATE_NIL;
	th->iptid = IPTID_NEW;
	t->unindexed++;
	strcpy(th->container_id, "host");
	h = tid_hash(t, tid);
	th->hnext = t->buckets[h];
	t->buckets[h] = i;
	t->used++;
	return th;
}

struct thread *thread_get(struct saker *s, int64_t tid)
{
	struct thread *th = thread_find(s, tid);

	if (th)
		return th;
	th = thread_new(s, tid);
	if (s->probe || s->scan_proc) {
		struct thread *pin = s->pin;
		int rc;

		s->pin = th; /* filling it may create its main thread */
		rc = procscan_thread(s, th);
		s->pin = pin;
		if (rc == 0) {
			thread_index(s, th);
			thread_index(s, thread_main(s, th));
			return th;
		}
	}
	/* minimal entry: its own process, an empty fd table */
	if (th->files == STATE_NIL)
		th->files = files_new(s);
	thread_index(s, th);
	return th;
}

void thread_drop(struct saker *s, int64_t tid)
{
	struct thread *th = thread_find(s, tid);

	if (th)
		slot_release(s, (uint32_t)(th - s->th.pool));
}

struct thread *thread_main(struct saker *s, struct thread *t)
{
	struct thread *m;

	if (!t || t->pid == t->tid)
		return t;
	m = thread_find(s, t->pid);
	return m ? m : t;
}

struct thread *thread_parent(struct saker *s, struct thread *t)
{
	struct thread *m = thread_main(s, t);

	if (!m || m->ptid <= 0)
		return NULL;
	return thread_find(s, m->ptid);
}

uint32_t thread_count_in_process(struct saker *s, struct thread *t)
{
	struct thread *m = thread_main(s, t);

	return m && m->nthreads ? m->nthreads : 1;
}

const struct pstr *thread_cwd(struct saker *s, const struct thread *t)
{
	static const struct pstr root = { (char *)"/", 1 };

	if (!t || t->files == STATE_NIL || !s->fds.files[t->files].cwd.s)
		return &root;
	return &s->fds.files[t->files].cwd;
}
