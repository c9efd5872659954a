/*
 * tap: the Test Anything Protocol for the C unit tests, so that
 * tests/run counts them beside the bats cases.  ok() prints one
 * "ok N - what" or "not ok N - what" line; tap_done() prints the plan and
 * returns the exit status (1 when any test failed).
 */
#ifndef TAP_H
#define TAP_H

#include <stdarg.h>
#include <stdio.h>

static int	tap_n;			/* tests run */
static int	tap_failed;		/* tests failed */

static int __attribute__((format(printf, 2, 3), unused))
ok(int cond, const char *fmt, ...)
{
	va_list	 ap;

	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return cond;
}

static int __attribute__((unused))
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}

#endif /* TAP_H */
