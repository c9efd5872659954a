/* utf8: validation of UTF-8 text, fast on ASCII. */
#include <stdint.h>
#include <string.h>

#include "utf8.h"

/*
 * Return 0 when s[0..n) is well-formed UTF-8 (RFC 3629: no overlong forms,
 * no surrogates, nothing above U+10FFFF) holding no NUL byte.  Runs of
 * ASCII are checked eight bytes at a time.
 */
int
u8_check(const char *s, size_t n, size_t *bad)
{
	const unsigned char *p, *e;
	uint64_t w;
	unsigned char c;
	int	 need;
	unsigned char lo, hi;

	p = (const unsigned char *)s;
	e = p + n;
	while (p < e) {
		while (e - p >= 8) {
			memcpy(&w, p, 8);
			/* No high bit set and no zero byte in the word. */
			if ((w & 0x8080808080808080ULL) != 0 ||
			    ((w - 0x0101010101010101ULL) & ~w &
			    0x8080808080808080ULL) != 0)
				break;
			p += 8;
		}
		if (p == e)
			break;
		c = *p;
		if (c == 0)
			goto fail;
		if (c < 0x80) {
			p++;
			continue;
		}
		lo = 0x80;
		hi = 0xbf;
		if (c >= 0xc2 && c <= 0xdf)
			need = 1;
		else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			if (c == 0xe0)
				lo = 0xa0;	/* overlong */
			else if (c == 0xed)
				hi = 0x9f;	/* surrogates */
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			if (c == 0xf0)
				lo = 0x90;	/* overlong */
			else if (c == 0xf4)
				hi = 0x8f;	/* above U+10FFFF */
		} else
			goto fail;
		if (e - p <= need)
			goto fail;
		if (p[1] < lo || p[1] > hi)
			goto fail;
		if (need >= 2 && (p[2] & 0xc0) != 0x80)
			goto fail;
		if (need == 3 && (p[3] & 0xc0) != 0x80)
			goto fail;
		p += need + 1;
	}
	return 0;
fail:
	*bad = (size_t)(p - (const unsigned char *)s);
	return -1;
}
