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

/*
 * Send n requests, each answered after rtt seconds, to a platform with
 * nw windows on the clock (Lightspeed's five minutes, hour and day, made
 * small), each answer telling each window's limit, requests left and
 * seconds to its reset, rounded up; the client keeps a pace per window,
 * started by the first answer as long as its reset says, as http.c does.
 */
static struct run
simulate_windows(int n, int nw, const int *limit, const double *len,
    double rtt, double t0)
{
	struct pace p[3];
	struct run r = { 0, 0 };
	double	 now, w, d, start[3], reset[3];
	int	 i, k, npace, used[3], spent;

	now = t0;
	npace = 0;
	for (k = 0; k < nw; k++) {
		start[k] = -1;
		used[k] = 0;
	}
	for (i = 0; i < n; i++) {
		for (k = 0, w = 0; k < npace; k++)
			if ((d = pace_take(&p[k], now)) > w)
				w = d;
		now += w;
		spent = 0;
		for (k = 0; k < nw; k++) {
			if (floor(now / len[k]) * len[k] != start[k]) {
				start[k] = floor(now / len[k]) * len[k];
				used[k] = 0;
			}
			if (used[k] >= limit[k])
				spent = 1;
		}
		if (spent)
			r.refused++;
		for (k = 0; k < nw && !spent; k++)
			used[k]++;
		now += rtt;
		for (k = 0; k < nw; k++) {
			reset[k] = ceil(start[k] + len[k] - now);
			if (reset[k] < 1)
				reset[k] = 1;
			if (k == npace) {
				pace_init(&p[k], limit[k], reset[k]);
				npace++;
			}
			pace_learn(&p[k], limit[k], limit[k] - used[k], now);
			pace_reset(&p[k], reset[k], now);
		}
		if (spent)
			i--;		/* the same request again */
	}
	r.end = now;
	for (k = 0; k < npace; k++)
		pace_free(&p[k]);
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

	/* A window that says when it resets (X-RateLimit-Reset). */
	pace_init(&p, 300, 300);
	ok(pace_take(&p, 0) == 0, "the first at once");
	pace_learn(&p, 300, 0, 1);
	pace_reset(&p, 263, 1);
	ok(fabs(pace_take(&p, 1) - 263) < 1e-9, "none left: the next when "
	    "the window resets, as the answer says");
	pace_learn(&p, 300, 299, 265);
	pace_reset(&p, 300, 265);
	ok(pace_take(&p, 265) == 0, "some left: at once");
	pace_free(&p);
	pace_init(&p, 2, 10);
	ok(pace_take(&p, 0) == 0, "the first at once");
	pace_learn(&p, 2, 1, 0.1);
	pace_reset(&p, 2, 0.1);
	ok(pace_take(&p, 0.1) == 0, "one left: at once");
	pace_learn(&p, 2, 2, 2.2);
	pace_reset(&p, 2, 2.2);
	ok(pace_take(&p, 2.2) == 0, "a new window, as the answer says: at "
	    "once, though the log holds two of the last ten seconds");
	pace_learn(&p, 2, 0, 2.3);
	pace_reset(&p, 1.7, 2.3);
	ok(fabs(pace_take(&p, 2.3) - 1.7) < 1e-9, "none left: when it "
	    "resets");
	pace_free(&p);
	pace_init(&p, 0, 60);
	pace_learn(&p, -1, 0, 1);
	pace_reset(&p, 30, 1);
	ok(pace_take(&p, 1) == 0, "no limit: a reset changes nothing");
	pace_free(&p);

	/* Three windows on the clock, each paced as its answers say. */
	{
		static const int lim[3] = { 5, 8, 12 };
		static const double len[3] = { 10, 30, 100 };

		r = simulate_windows(30, 3, lim, len, 0.05, 3);
		ok(r.refused == 0, "three windows: none refused (%d)",
		    r.refused);
		/* The soonest: 5 at 200 and one at 210, after 24. */
		ok(r.end < 210 + 1, "30 requests, 12 a 100 s window: the "
		    "soonest the windows allow, %.1f s", r.end);
		/*
		 * The soonest, as a greedy client on the clock has it, is
		 * 330.2 s; resets in whole seconds, rounded up, add a
		 * little.
		 */
		r = simulate_windows(40, 3, lim, len, 0.05, 97);
		ok(r.refused == 0 && r.end < 332, "started at a window's end: "
		    "none refused (%d), as soon as can be: %.1f s",
		    r.refused, r.end);
	}
	return tap_done();
}
