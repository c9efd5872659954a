/* msg: one-line messages on standard error, honouring -q and -v. */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"

static const char *prog = "shopswitch";	/* name in every message */
static int level;			/* -1 quiet, 0 normal, 1 verbose */
static int tty = -1;			/* stderr is a terminal; -1 unknown */
static int shown;			/* a progress line is on screen */
static struct timespec last;		/* when it was drawn */

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

void
msg_progress(const char *what, unsigned long n)
{
	struct timespec now;

	if ((n & 0xffff) != 0 || level < 0)
		return;
	if (tty == -1)
		tty = isatty(STDERR_FILENO);
	if (!tty)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (shown && (now.tv_sec - last.tv_sec) * 1000 +
	    (now.tv_nsec - last.tv_nsec) / 1000000 < 500)
		return;
	last = now;
	shown = 1;
	fprintf(stderr, "\r%s: %s: %lu records\033[K", prog, what, n);
}

void
msg_progress_end(void)
{
	if (shown)
		fputs("\r\033[K", stderr);
	shown = 0;
}
