/* money: exact decimal arithmetic on amounts written as text. */
#include <stdio.h>
#include <string.h>

#include "money.h"

/* Amounts stay below 10^13 in size: sums of two never overflow. */
#define MONEY_MAX	100000000000000000LL

/* Append digit c to *v: 0, or -1 when it grows too large. */
static int
push(long long *v, int c)
{
	if (*v > MONEY_MAX / 10)
		return -1;
	*v = *v * 10 + c;
	return 0;
}

int
money_parse(const char *s, long long *out, int *decimals)
{
	long long v;
	int	 neg, d, digits;

	neg = 0;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	v = 0;
	for (digits = 0; *s >= '0' && *s <= '9'; s++, digits++)
		if (push(&v, *s - '0') == -1)
			return -1;
	d = 0;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, d++, digits++)
			if (d == 4 || push(&v, *s - '0') == -1)
				return -1;
	if (*s != '\0' || digits == 0)
		return -1;
	if (decimals != NULL)
		*decimals = d;
	for (; d < 4; d++)
		if (push(&v, 0) == -1)
			return -1;
	if (v >= MONEY_MAX)
		return -1;
	*out = neg ? -v : v;
	return 0;
}

char *
money_format(long long v, int decimals, char *out)
{
	static const long long pow10[] = { 1, 10, 100, 1000, 10000 };
	unsigned long long a, unit;
	int	 neg;

	if (decimals < 0)
		decimals = 0;
	if (decimals > 4)
		decimals = 4;
	neg = v < 0;
	a = neg ? -(unsigned long long)v : (unsigned long long)v;
	unit = (unsigned long long)(MONEY_SCALE / pow10[decimals]);
	a = (a + unit / 2) / unit;	/* half away from zero */
	if (a == 0)
		neg = 0;
	if (decimals == 0)
		snprintf(out, MONEY_LEN, "%s%llu", neg ? "-" : "", a);
	else
		snprintf(out, MONEY_LEN, "%s%llu.%0*llu", neg ? "-" : "",
		    a / (unsigned long long)pow10[decimals], decimals,
		    a % (unsigned long long)pow10[decimals]);
	return out;
}

int
money_add(long long a, long long b, long long *out)
{
	long long s;

	s = a + b;		/* both below 10^17 in size: no overflow */
	if (s >= MONEY_MAX || s <= -MONEY_MAX)
		return -1;
	*out = s;
	return 0;
}

int
money_mul(long long a, long long n, long long *out)
{
	long long m;

	m = n < 0 ? -n : n;
	if (m != 0 && (a > (MONEY_MAX - 1) / m || a < -(MONEY_MAX - 1) / m))
		return -1;
	*out = a * n;
	return 0;
}
