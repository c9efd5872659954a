/* msg: one-line messages on standard error, honouring -q and -v. */
#include <sys/ioctl.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "util.h"

static const char *prog = "shopswitch";	/* name in every message */
static int level;			/* -1 quiet, 0 normal, 1 verbose */
static int tty = -1;			/* progress may be drawn; -1 unknown */

/* The progress line: what it counts, and what it last showed. */
static struct {
	char		 what[128];	/* the phase, as the tool names it
					   ("": none); a copy, as a file's
					   name may be freed before the
					   next phase begins */
	double		 t0;		/* when the phase began */
	unsigned long	 n;		/* records so far */
	unsigned long	 total;		/* records in all (0: unknown) */
	unsigned long	 pages;		/* pages read so far */
	long		 npages;	/* pages in all (-1: unknown) */
	double		 wait;		/* seconds left to wait (0: none) */
	const char	*why;		/* what the wait is for */
	int		 said;		/* the wait is on the line */
	double		 drawn;		/* when the line was last drawn */
	int		 shown;		/* the line is on screen */
	unsigned int	 skip;		/* records between looks at the
					   clock: more while they come
					   faster than it is drawn */
	unsigned int	 until;		/* records to the next look */
} pg = { "", 0, 0, 0, 0, -1, 0, NULL, 0, 0, 0, 1, 1 };

void
msg_init(const char *p)
{
	prog = p;
}

void
msg_level(int l)
{
	level = l;
}

int
msg_verbose(void)
{
	return level > 0;
}

const char *
msg_prog(void)
{
	return prog;
}

static void
vmsg(const char *fmt, va_list ap)
{
	if (pg.shown) {			/* the message takes its place */
		fputs("\r\033[K", stderr);
		pg.shown = 0;
	}
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
msg_err(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void
msg_warn(const char *fmt, ...)
{
	va_list	 ap;

	if (level < 0)
		return;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void
msg_note(const char *fmt, ...)
{
	va_list	 ap;

	if (level < 1)
		return;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

/*
 * Whether a progress line may be drawn: not with -q, only on a terminal,
 * and not when the output goes to that terminal too (records would land
 * in the line).
 */
static int
progress_on(void)
{
	if (level < 0)
		return 0;
	if (tty == -1)
		tty = isatty(STDERR_FILENO) && !isatty(STDOUT_FILENO);
	return tty;
}

/* Seconds as people say them: "14 s", "3 min 20 s", "2 h 05 min". */
static void
span(char *out, size_t len, double secs)
{
	long	 s;

	s = (long)ceil(secs);
	if (s < 60)
		snprintf(out, len, "%ld s", s);
	else if (s < 3600)
		snprintf(out, len, "%ld min %02ld s", s / 60, s % 60);
	else
		snprintf(out, len, "%ld h %02ld min", s / 3600, s / 60 % 60);
}

/*
 * Draw the line: the phase, the pages and records so far, the rate, the
 * time left where the total is known, and the wait.  At most four times
 * a second unless forced; cut to the terminal's width, so that \r goes
 * back to its start.  Whether it was drawn.
 */
static int
draw(int force)
{
	struct winsize ws;
	char	 line[512], t[64];
	size_t	 n;
	double	 now, el, rate, left;
	int	 alone;

	now = mono_now();
	if (!force && pg.shown && now - pg.drawn < 0.25)
		return 0;
	pg.drawn = now;
	el = now - pg.t0;
	alone = 0;
	n = (size_t)snprintf(line, sizeof(line), "%s: ", prog);
#define ADD(...) do {							\
	if (n < sizeof(line))						\
		n += (size_t)snprintf(line + n, sizeof(line) - n,	\
		    __VA_ARGS__);					\
} while (0)
	if (pg.what[0] != '\0')
		ADD("%s: ", pg.what);
	if (pg.pages > 0 && pg.npages > 0)
		ADD("%lu of %ld pages, ", pg.pages, pg.npages);
	else if (pg.pages > 0)
		ADD("%lu pages, ", pg.pages);
	if (pg.total > 0)
		ADD("%lu of %lu records", pg.n, pg.total);
	else if (pg.what[0] != '\0' || pg.pages > 0 || pg.n > 0)
		ADD("%lu records", pg.n);
	else
		alone = 1;		/* a wait, and nothing to count */
	rate = el >= 1 ? (double)pg.n / el : 0;
	if (rate > 0)
		ADD(rate < 10 ? ", %.1f/s" : ", %.0f/s", rate);
	left = -1;
	if (pg.total > 0 && rate > 0 && pg.n < pg.total)
		left = (double)(pg.total - pg.n) / rate;
	else if (pg.npages > 0 && el >= 1 && pg.pages > 0 &&
	    (long)pg.pages < pg.npages)
		left = (double)(pg.npages - (long)pg.pages) * el /
		    (double)pg.pages;
	if (left >= 0) {
		span(t, sizeof(t), left);
		ADD(", %s left", t);
	}
	if (pg.wait > 0) {
		span(t, sizeof(t), pg.wait);
		ADD("%swaiting %s %s", alone ? "" : ", ", t, pg.why);
	}
#undef ADD
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 &&
	    n > (size_t)ws.ws_col - 1) {
		n = (size_t)ws.ws_col - 1;
		while (n > 0 && (line[n] & 0xc0) == 0x80)
			n--;		/* not inside a character */
	}
	line[n] = '\0';
	fprintf(stderr, "\r%s\033[K", line);
	pg.shown = 1;
	return 1;
}

/* A new phase: its records, pages and rate counted from now. */
static void
begin(const char *what, unsigned long total)
{
	snprintf(pg.what, sizeof(pg.what), "%s", what);
	pg.t0 = mono_now();
	pg.n = 0;
	pg.total = total;
	pg.pages = 0;
	pg.npages = -1;
	pg.skip = pg.until = 1;
}

void
msg_progress_start(const char *what, unsigned long total)
{
	if (!progress_on())
		return;
	begin(what, total);
	draw(1);
}

void
msg_progress(const char *what, unsigned long n)
{
	if (!progress_on())
		return;
	if (strncmp(pg.what, what, sizeof(pg.what) - 1) != 0)
		begin(what, 0);
	pg.n = n;
	/*
	 * The clock is looked at every skip records, skip doubling (to
	 * 1024) while it says too soon: a file's million records cost
	 * little more than a count each, and a page's records that come
	 * at once, one look each until they do.
	 */
	if (--pg.until > 0)
		return;
	if (!draw(0) && pg.skip < 1024)
		pg.skip *= 2;
	pg.until = pg.skip;
}

void
msg_progress_page(long npages)
{
	if (!progress_on())
		return;
	if (pg.t0 == 0)
		pg.t0 = mono_now();
	pg.pages++;
	pg.npages = npages;
	pg.skip = pg.until = 1;		/* the records of a new page */
	draw(0);
}

void
msg_progress_wait(double secs, const char *why)
{
	if (!progress_on())
		return;
	if (pg.t0 == 0)
		pg.t0 = mono_now();
	pg.wait = why != NULL ? secs : 0;
	pg.why = why;
	/*
	 * A wait long enough to read is said at once, then each second to
	 * its end ("1 s" when 0.99 are left); a shorter one is not said.
	 */
	if (why == NULL)
		pg.said = 0;
	else if (pg.wait >= 1 || pg.said)
		pg.said = draw(1);
}

void
msg_progress_end(void)
{
	if (pg.shown)
		fputs("\r\033[K", stderr);
	pg.shown = 0;
	pg.what[0] = '\0';
	pg.t0 = 0;
	pg.n = pg.total = pg.pages = 0;
	pg.npages = -1;
	pg.wait = 0;
	pg.said = 0;
}
