/*
 * money: amounts parsed, formatted, added and multiplied exactly, and
 * refused when they are not amounts or do not fit.
 */
#include <string.h>

#include "money.h"
#include "tap.h"

/* Whether s parses and formats back with decimals d as want. */
static int
round_trip(const char *s, int d, const char *want)
{
	long long v;
	char	 out[MONEY_LEN];

	if (money_parse(s, &v, NULL) == -1)
		return 0;
	money_format(v, d, out);
	if (strcmp(out, want) != 0) {
		printf("# %s -> %s, want %s\n", s, out, want);
		return 0;
	}
	return 1;
}

int
main(void)
{
	long long a, b, c;
	int	 d;
	char	 out[MONEY_LEN];

	ok(round_trip("49.95", 2, "49.95"), "49.95");
	ok(round_trip("-3", 2, "-3.00"), "a negative whole number");
	ok(round_trip("+0.5", 2, "0.50"), "a plus sign, one decimal");
	ok(round_trip(".5", 2, "0.50"), "no digit before the point");
	ok(round_trip("19.9999", 2, "20.00"), "rounded half away from zero");
	ok(round_trip("-0.005", 2, "-0.01"), "negative: away from zero");
	ok(round_trip("-0.004", 2, "0.00"),
	    "a negative that rounds to zero has no sign");
	ok(round_trip("1234567.8912", 4, "1234567.8912"), "four decimals kept");
	ok(round_trip("7", 0, "7"), "no decimals");
	ok(money_parse("49.95", &a, &d) == 0 && a == 499500 && d == 2,
	    "the value and its decimals");
	ok(money_parse("1.23456", &a, NULL) == -1, "five decimals refused");
	ok(money_parse("", &a, NULL) == -1, "empty refused");
	ok(money_parse(".", &a, NULL) == -1, "a point alone refused");
	ok(money_parse("-", &a, NULL) == -1, "a sign alone refused");
	ok(money_parse("49,95", &a, NULL) == -1, "a decimal comma refused");
	ok(money_parse("1e3", &a, NULL) == -1, "an exponent refused");
	ok(money_parse(" 1", &a, NULL) == -1, "a space refused");
	ok(money_parse("10000000000000", &a, NULL) == -1, "10^13 refused");
	ok(money_parse("9999999999999.9999", &a, NULL) == 0,
	    "just below 10^13 taken");
	money_parse("0.10", &a, NULL);
	money_parse("0.20", &b, NULL);
	ok(money_add(a, b, &c) == 0 && strcmp(money_format(c, 2, out),
	    "0.30") == 0, "0.10 + 0.20 is 0.30, exactly");
	money_parse("3.3333", &a, NULL);
	ok(money_mul(a, 3, &c) == 0 && strcmp(money_format(c, 4, out),
	    "9.9999") == 0, "3.3333 x 3");
	money_parse("9999999999999", &a, NULL);
	ok(money_mul(a, 2, &c) == -1, "overflow in a product refused");
	ok(money_add(a, a, &c) == -1, "overflow in a sum refused");
	money_parse("-9999999999999", &b, NULL);
	ok(money_add(b, b, &c) == -1, "negative overflow in a sum refused");
	return tap_done();
}
