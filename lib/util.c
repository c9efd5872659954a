/*
 * util: allocators that exit, a bump arena, growable byte buffers, and
 * the monotonic clock.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

#define ARENA_CHUNK	(1024 * 1024)

struct arena_chunk {
	struct arena_chunk *next;	/* older chunk */
	max_align_t	 data[];	/* the bytes handed out */
};

void
xnomem(void)
{
	fputs("shopswitch: out of memory\n", stderr);
	exit(EXIT_TROUBLE);
}

void *
xmalloc(size_t n)
{
	void	*p;

	if ((p = malloc(n ? n : 1)) == NULL)
		xnomem();
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void	*p;

	if ((p = calloc(nmemb ? nmemb : 1, size ? size : 1)) == NULL)
		xnomem();
	return p;
}

/* realloc(p, nmemb * size), refusing a product that overflows. */
void *
xreallocarray(void *p, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size)
		xnomem();
	if ((p = realloc(p, nmemb * size != 0 ? nmemb * size : 1)) == NULL)
		xnomem();
	return p;
}

char *
xstrdup(const char *s)
{
	return xmemdup(s, strlen(s));
}

char *
xmemdup(const void *s, size_t n)
{
	char	*p;

	p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
arena_init(struct arena *a)
{
	memset(a, 0, sizeof(*a));
}

/*
 * Hand out n bytes aligned for any type.  Requests larger than a chunk get
 * a chunk of their own, so one 1 MiB field does not waste the current one.
 */
void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c;
	size_t	 al, sz, skip;
	void	*p;

	/* arena_strndup packs strings: realign before handing out. */
	al = sizeof(max_align_t);
	n = (n + al - 1) / al * al;
	if (a->p != NULL) {
		skip = (al - (uintptr_t)a->p % al) % al;
		if (skip <= a->left) {
			a->p += skip;
			a->left -= skip;
		} else
			a->left = 0;
	}
	if (n > a->left) {
		sz = n > ARENA_CHUNK / 4 ? n : ARENA_CHUNK;
		c = xmalloc(sizeof(*c) + sz);
		if (sz == n && a->head != NULL) {
			/* Keep filling the current chunk afterwards. */
			c->next = a->head->next;
			a->head->next = c;
			a->used += n;
			return c->data;
		}
		c->next = a->head;
		a->head = c;
		a->p = (char *)c->data;
		a->left = sz;
	}
	p = a->p;
	a->p += n;
	a->left -= n;
	a->used += n;
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char	*p;

	/* Strings need no alignment: pack them. */
	if (n + 1 <= a->left) {
		p = a->p;
		a->p += n + 1;
		a->left -= n + 1;
		a->used += n + 1;
	} else
		p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
arena_free(struct arena *a)
{
	struct arena_chunk *c, *next;

	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	arena_init(a);
}

void
buf_grow(struct buf *b, size_t n)
{
	size_t	 cap;

	if (b->len + n < b->cap)
		return;
	cap = b->cap ? b->cap : 256;
	while (cap <= b->len + n) {
		if (cap > SIZE_MAX / 2)
			xnomem();
		cap *= 2;
	}
	b->s = xreallocarray(b->s, cap, 1);
	b->cap = cap;
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n > 0)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
buf_addc(struct buf *b, int c)
{
	buf_grow(b, 1);
	b->s[b->len++] = (char)c;
	b->s[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

const char *
buf_str(struct buf *b)
{
	buf_grow(b, 0);
	b->s[b->len] = '\0';
	return b->s;
}

void
buf_free(struct buf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

double
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
sleep_secs(double sec)
{
	struct timespec ts;

	if (sec <= 0)
		return;
	ts.tv_sec = (time_t)sec;
	ts.tv_nsec = (long)((sec - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static volatile sig_atomic_t stop_sig;	/* the signal that asked to stop */

static void
on_stop(int sig)
{
	stop_sig = sig;
	signal(sig, SIG_DFL);		/* a second one ends the tool */
}

void
stop_on_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int
stop_asked(void)
{
	return stop_sig;
}
