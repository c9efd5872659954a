/*
 * pace: requests paced against simulated platforms, on a simulated
 * clock: a fixed window that opens with its first request (Picqer, as
 * the sandbox has it), one that resets on the clock, and a sliding one.
 * Each run counts the requests the platform would have refused and when
 * the last one went; the clock is the simulation's, so no test here
 * depends on how busy the machine is.
 */
#include <math.h>

#include "pace.h"
#include "tap.h"

#define MAXREQ	2000

enum kind { FIRST, CLOCK, SLIDING };

struct run {
	int	 refused;	/* requests over the limit */
	double	 end;		/* when the last answer came */
};

/*
 * Send n requests, each answered after rtt seconds, to a platform that
 * lets limit through in each window of window seconds, of the kind
 * given, and says what is left when tell is set; the first goes at t0.
 */
static struct run
simulate(enum kind kind, int n, int limit, double window, double rtt,
    double t0, int tell)
{
	static double sent[MAXREQ];	/* when each counted request came */
	struct pace p;
	struct run r = { 0, 0 };
	double	 now, wstart;
	int	 i, j, used, counted;

	pace_init(&p, limit, window);
	now = t0;
	wstart = -1;
	used = counted = 0;
	for (i = 0; i < n; i++) {
		now += pace_take(&p, now);
		/* The platform counts the request as it comes. */
		switch (kind) {
		case FIRST:
			if (wstart < 0 || now - wstart >= window) {
				wstart = now;
				used = 0;
			}
			break;
		case CLOCK:
			if (wstart < 0 || now >= wstart + window) {
				wstart = floor(now / window) * window;
				used = 0;
			}
			break;
		case SLIDING:
			used = 0;
			for (j = 0; j < counted; j++)
				if (sent[j] > now - window)
					used++;
			break;
		}
		if (used >= limit) {
			r.refused++;
			now += rtt;
			pace_learn(&p, tell ? limit : -1, tell ? 0 : -1, now);
			i--;		/* the same request again */
			continue;
		}
		used++;
		if (counted < MAXREQ)
			sent[counted++] = now;
		now += rtt;
		pace_learn(&p, tell ? limit : -1, tell ? limit - used : -1,
		    now);
	}
	r.end = now;
	pace_free(&p);
	return r;
}

int
main(void)
{
	struct run r;
	struct pace p;

	/*
	 * 1,001 requests at 500 a minute need two whole windows: the floor
	 * is 120 s.  Waiting a window from the last answer would take 163.
	 */
	r = simulate(FIRST, 1001, 500, 60, 0.043, 0, 1);
	ok(r.refused == 0, "a window opened by the first request: "
	    "none refused (%d)", r.refused);
	ok(r.end < 120.5, "1,001 requests in two windows and a request, "
	    "not three: %.1f s", r.end);
	r = simulate(FIRST, 502, 500, 60, 0.017, 0, 1);
	ok(r.refused == 0 && r.end < 60.5,
	    "502 requests: one window and two (%d refused, %.1f s)",
	    r.refused, r.end);

	r = simulate(CLOCK, 1001, 500, 60, 0.043, 17, 1);
	ok(r.refused == 0, "a window on the clock: none refused (%d)",
	    r.refused);
	ok(r.end < 17 + 120.5, "on the clock: %.1f s from the first",
	    r.end - 17);

	r = simulate(SLIDING, 1001, 500, 60, 0.043, 0, 1);
	ok(r.refused == 0, "a sliding window: none refused (%d)", r.refused);

	r = simulate(FIRST, 1001, 500, 60, 0.043, 0, 0);
	ok(r.refused == 0, "a platform that says nothing: the log alone "
	    "keeps under the limit (%d refused)", r.refused);
	ok(r.end < 120.5, "... and in two windows and a request (%.1f s)",
	    r.end);

	/* Four a second: four at once, the fifth a second after the first. */
	pace_init(&p, 4, 1);
	ok(pace_take(&p, 10) == 0, "the first at once");
	pace_learn(&p, -1, -1, 10.1);
	ok(pace_take(&p, 10.1) == 0 && pace_take(&p, 10.1) == 0 &&
	    pace_take(&p, 10.1) == 0, "a burst of four");
	ok(fabs(pace_take(&p, 10.2) - 0.9) < 1e-9, "the fifth a second "
	    "after the first's answer");
	ok(fabs(pace_take(&p, 10.2) - 0.9) < 1e-9, "the sixth a second "
	    "after the second");
	pace_free(&p);
	/* A new limit in the answer is taken, the newest times kept. */
	pace_init(&p, 500, 60);
	ok(pace_take(&p, 1) == 0 && pace_take(&p, 2) == 0, "two of 500");
	pace_learn(&p, 1, 499, 3);
	ok(fabs(pace_take(&p, 3) - 60) < 1e-9, "a limit of 1 from the "
	    "answer: the next a window after the last");
	pace_free(&p);
	/* Another client used the window up: a whole window from now. */
	pace_init(&p, 500, 60);
	ok(pace_take(&p, 4) == 0, "the first at once");
	pace_learn(&p, 500, 0, 5);
	ok(fabs(pace_take(&p, 5) - 60) < 1e-9, "none left at the first "
	    "answer: a whole window");
	pace_free(&p);
	pace_init(&p, 0, 60);
	ok(pace_take(&p, 1) == 0 && pace_take(&p, 1) == 0,
	    "no limit: no pacing");
	return tap_done();
}
