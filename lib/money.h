/*
 * money: amounts of money as text, added, multiplied by a count and
 * split, exactly: never through a binary floating-point number.  An
 * amount is held as a count of ten-thousandths (four decimals cover
 * every currency's minor unit and the platforms' unit prices).
 *
 * money_* functions borrow their arguments and write into the caller's
 * buffers.
 */
#ifndef MONEY_H
#define MONEY_H

#include <stddef.h>

#define MONEY_SCALE	10000		/* units of one */
#define MONEY_LEN	32		/* room for any formatted amount */

/*
 * Parse a decimal amount ("49.95", "-3", "0.5", "+1.2500") into *out.
 * *decimals, if not NULL, gets the number of digits after the point.
 * 0, or -1 when s is not such a number, has more than four decimals, or
 * is too large.
 */
int	 money_parse(const char *s, long long *out, int *decimals);

/* v as text with exactly decimals (0 to 4) digits, rounded half away
 * from zero, into out (MONEY_LEN bytes); out is returned. */
char	*money_format(long long v, int decimals, char *out);

/* a + b, a * n: 0, or -1 on overflow. */
int	 money_add(long long a, long long b, long long *out);
int	 money_mul(long long a, long long n, long long *out);

#endif /* MONEY_H */
