/*
 * pace: requests held to a platform's rate limit by a log of when the
 * last answers came, corrected by what the platform says about it.
 */
#include <stdlib.h>
#include <string.h>

#include "pace.h"
#include "util.h"

void
pace_init(struct pace *p, double limit, double window)
{
	memset(p, 0, sizeof(*p));
	p->premain = -1;
	if (limit >= 1 && window > 0) {
		p->cap = (size_t)limit;
		p->window = window;
	}
}

void
pace_free(struct pace *p)
{
	free(p->log);
	p->log = NULL;
	p->alloc = p->n = p->head = 0;
}

/* The i-th time in the log, the oldest first. */
static double
at(const struct pace *p, size_t i)
{
	return p->log[(p->head + i) % p->n];
}

/* A new limit: keep the newest times, as many as it allows. */
static void
relimit(struct pace *p, size_t cap)
{
	double	*log;
	size_t	 i, keep;

	keep = p->n < cap ? p->n : cap;
	log = xreallocarray(NULL, keep > 0 ? keep : 1, sizeof(*log));
	for (i = 0; i < keep; i++)
		log[i] = at(p, p->n - keep + i);
	free(p->log);
	p->log = log;
	p->alloc = keep > 0 ? keep : 1;
	p->n = keep;
	p->head = 0;
	p->cap = cap;
}

double
pace_take(struct pace *p, double now)
{
	double	 t;

	if (p->cap == 0)
		return 0;
	t = now;
	if (p->resume > t)
		t = p->resume;
	p->resume = 0;
	if (p->n == p->cap) {
		/*
		 * The request cap before this one must be a window old,
		 * unless the platform says what is left (pace_reset).
		 */
		if (p->wclose == 0 && p->log[p->head] + p->window > t)
			t = p->log[p->head] + p->window;
		p->log[p->head] = t;
		p->head = (p->head + 1) % p->n;
	} else {
		if (p->n == p->alloc) {
			p->alloc = p->alloc == 0 ? 64 : p->alloc * 2;
			if (p->alloc > p->cap)
				p->alloc = p->cap;
			p->log = xreallocarray(p->log, p->alloc,
			    sizeof(*p->log));
		}
		p->log[p->n++] = t;
	}
	return t - now;
}

void
pace_learn(struct pace *p, long limit, long remain, double now)
{
	if (p->cap == 0)
		return;
	if (limit > 0 && (size_t)limit != p->cap)
		relimit(p, (size_t)limit);
	/* The request was counted by the time its answer came. */
	if (p->n > 0)
		p->log[(p->head + p->n - 1) % p->n] = now;
	if (remain < 0)
		return;
	/*
	 * Within a window every request counted leaves fewer requests;
	 * where as many or more are left, a new window opened since the last
	 * answer, and it opened before this answer came.  When it resets is
	 * not said, but a window that opened by now has closed a window's
	 * length later, whether it opened with its first request or on the
	 * clock; a sliding window is past its oldest request by then too.
	 */
	if (p->premain < 0 || remain >= p->premain)
		p->wopen = now;
	p->premain = remain;
	if (remain == 0)
		p->resume = p->wopen + p->window;
}

void
pace_reset(struct pace *p, double secs, double now)
{
	if (p->cap == 0 || secs < 0)
		return;
	p->wclose = now + secs;
	if (p->premain == 0)
		p->resume = p->wclose;
}
