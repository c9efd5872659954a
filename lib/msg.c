/* msg: one-line messages on standard error, honouring -q and -v. */
#include <stdarg.h>
#include <stdio.h>

#include "msg.h"

static const char *prog = "shopswitch";	/* name in every message */
static int level;			/* -1 quiet, 0 normal, 1 verbose */

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
