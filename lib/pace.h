/*
 * pace: when the next request to a rate-limited platform may go.  At
 * most `limit' requests in any `window' seconds: a log of when the last
 * `limit' answers came holds each request until the one `limit' before
 * it is a window old.  That keeps within a fixed window however it is
 * placed (opened by the first request, or on the clock) and within a
 * sliding one, since a request is counted before its answer comes.
 *
 * What the platform's answers say corrects it: a new limit, and when it
 * says no request is left (another client may share the key), the next
 * waits for its window to close, reckoned from when it opened at the
 * latest, or as the platform says when it tells when its window resets
 * (Lightspeed's X-RateLimit-Reset).  A platform with several windows
 * (five minutes, an hour, a day) is kept within each by a pace of its
 * own.
 *
 * The clock is the caller's: each call is given the time now, in
 * seconds, and nothing here sleeps.
 */
#ifndef PACE_H
#define PACE_H

#include <stddef.h>

struct pace {
	double	*log;		/* when the last answers came, a ring */
	size_t	 alloc;		/* room in log */
	size_t	 n;		/* times in log, at most cap */
	size_t	 head;		/* the oldest, once n == cap */
	size_t	 cap;		/* the limit; 0: no pacing */
	double	 window;	/* seconds */
	double	 wopen;		/* the platform's window opened by then */
	double	 resume;	/* nothing goes before this, or 0 */
	double	 wclose;	/* the platform's window closes then,
				   as it said (0: not said; the log
				   paces) */
	long	 premain;	/* requests left at the last answer, or -1 */
};

/* limit requests per window seconds; either less than 1 or 0: none. */
void	 pace_init(struct pace *, double limit, double window);
void	 pace_free(struct pace *);

/*
 * Take the next request's turn: the seconds to wait from now before
 * sending it (0: at once).  The turn is taken: the request must go.
 */
double	 pace_take(struct pace *, double now);

/*
 * The answer to the request last taken came at now, saying the limit is
 * limit and remain requests are left (each -1 when it did not say).
 */
void	 pace_learn(struct pace *, long limit, long remain, double now);

/*
 * That answer also said its window resets secs seconds after now.  A
 * platform that says so, and how many requests are left, is exact where
 * the log guesses (a window on the clock empties at once, a log of the
 * last requests a window later): from then on the requests go while
 * some are left, and when none is, the next waits for that moment
 * instead of a window from when the window opened.  Called after
 * pace_learn.
 */
void	 pace_reset(struct pace *, double secs, double now);

#endif
