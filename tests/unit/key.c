/*
 * key: the normalisation rules, read as input/expected pairs from
 * tests/data/key-norm.txt and key-amount.txt (as jq.test does), and the
 * composite key encoding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "key.h"
#include "tap.h"

/* Decode \t \n \\ and \u{HEX} into UTF-8. */
static void
unescape(const char *s, struct buf *b)
{
	unsigned long c;
	char	*end;

	b->len = 0;
	buf_grow(b, 0);
	for (; *s != '\0'; s++) {
		if (*s != '\\') {
			buf_addc(b, *s);
			continue;
		}
		s++;
		if (*s == 't')
			buf_addc(b, '\t');
		else if (*s == 'n')
			buf_addc(b, '\n');
		else if (*s == 'u' && s[1] == '{') {
			c = strtoul(s + 2, &end, 16);
			s = end;
			if (c < 0x80)
				buf_addc(b, (int)c);
			else if (c < 0x800) {
				buf_addc(b, (int)(0xc0 | c >> 6));
				buf_addc(b, (int)(0x80 | (c & 0x3f)));
			} else if (c < 0x10000) {
				buf_addc(b, (int)(0xe0 | c >> 12));
				buf_addc(b, (int)(0x80 | (c >> 6 & 0x3f)));
				buf_addc(b, (int)(0x80 | (c & 0x3f)));
			} else {
				buf_addc(b, (int)(0xf0 | c >> 18));
				buf_addc(b, (int)(0x80 | (c >> 12 & 0x3f)));
				buf_addc(b, (int)(0x80 | (c >> 6 & 0x3f)));
				buf_addc(b, (int)(0x80 | (c & 0x3f)));
			}
		} else
			buf_addc(b, *s);
	}
}

/* Run every pair of file through fn. */
static void
pairs(const char *file, int (*fn)(const char *, size_t, struct buf *))
{
	char	 line[512], *tab;
	struct buf in, want, got;
	FILE	*fp;
	int	 rc;

	memset(&in, 0, sizeof(in));
	memset(&want, 0, sizeof(want));
	memset(&got, 0, sizeof(got));
	if ((fp = fopen(file, "r")) == NULL) {
		ok(0, "open %s", file);
		return;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#')
			continue;
		if ((tab = strchr(line, '\t')) == NULL)
			tab = line + strlen(line);
		else
			*tab++ = '\0';
		unescape(line, &in);
		unescape(tab, &want);
		rc = fn(in.s, in.len, &got);
		if (strcmp(tab, "-") == 0)
			ok(rc == -1 && got.len == in.len &&
			    memcmp(got.s, in.s, in.len) == 0,
			    "%s: '%s' is refused and kept as it is", file,
			    line);
		else
			ok(rc == 0 && got.len == want.len &&
			    memcmp(got.s, want.s, got.len) == 0,
			    "%s: '%s' -> '%s' (got '%.*s')", file, line, tab,
			    (int)got.len, got.s);
	}
	fclose(fp);
	buf_free(&in);
	buf_free(&want);
	buf_free(&got);
}

int
main(int argc, char *argv[])
{
	const char *dir, *p, *s;
	char	 path[512];
	struct buf a, b;
	size_t	 n, len;

	dir = argc > 1 ? argv[1] : "tests/data";
	snprintf(path, sizeof(path), "%s/key-norm.txt", dir);
	pairs(path, key_norm);
	snprintf(path, sizeof(path), "%s/key-amount.txt", dir);
	pairs(path, key_amount);

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	key_add(&a, "ab", 2);
	key_add(&a, "c", 1);
	key_add(&b, "a", 1);
	key_add(&b, "bc", 2);
	ok(a.len != b.len || memcmp(a.s, b.s, a.len) != 0,
	    "(ab,c) and (a,bc) are different keys");
	ok(key_cmpkeys(a.s, a.len, b.s, b.len) > 0,
	    "keys compare field by field: (ab,c) after (a,bc)");
	a.len = 0;
	buf_grow(&b, 300);
	memset(b.s, 'x', 300);
	key_add(&a, b.s, 300);
	key_add(&a, "", 0);
	p = a.s;
	n = a.len;
	ok(key_next(&p, &n, &s, &len) == 0 && len == 300,
	    "a 300-byte component round-trips");
	ok(key_next(&p, &n, &s, &len) == 0 && len == 0,
	    "an empty component round-trips");
	ok(key_next(&p, &n, &s, &len) == -1, "then the key ends");
	ok(key_cmp("a", 1, "ab", 2) < 0 && key_cmp("b", 1, "ab", 2) > 0 &&
	    key_cmp("ab", 2, "ab", 2) == 0, "byte order, shorter first");
	buf_free(&a);
	buf_free(&b);
	return tap_done();
}
