/* key: composite keys and normalisation for matching (utf8proc). */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "key.h"

void
key_add(struct buf *b, const char *s, size_t n)
{
	size_t	 v;

	/* The length as a base-128 varint, then the bytes. */
	for (v = n; v >= 0x80; v >>= 7)
		buf_addc(b, (int)(v & 0x7f) | 0x80);
	buf_addc(b, (int)v);
	buf_add(b, s, n);
}

/* Whether code point c is white space to trim. */
static int
is_space(utf8proc_int32_t c)
{
	if (c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' ||
	    c == 0x85)
		return 1;
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_ZS:
	case UTF8PROC_CATEGORY_ZL:
	case UTF8PROC_CATEGORY_ZP:
		return 1;
	default:
		return 0;
	}
}

/* Whether s[0..n) is plain ASCII with nothing to trim, fold or compose. */
static int
simple_ascii(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80 || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (unsigned char)s[i] <= ' ')
			return 0;
	return 1;
}

int
key_norm(const char *s, size_t n, struct buf *b)
{
	const utf8proc_uint8_t *p, *e, *first, *last;
	utf8proc_uint8_t *out;
	utf8proc_int32_t c;
	utf8proc_ssize_t k, len;

	b->len = 0;
	if (simple_ascii(s, n)) {
		buf_add(b, s, n);
		return 0;
	}
	/*
	 * Trim: find the first and the end of the last character that is
	 * neither white space nor ignorable, so that no white space is left
	 * at an end once the ignorables are dropped.
	 */
	p = (const utf8proc_uint8_t *)s;
	e = p + n;
	first = last = NULL;
	while (p < e) {
		k = utf8proc_iterate(p, e - p, &c);
		if (k < 0) {
			buf_add(b, s, n);
			return -1;
		}
		if (!is_space(c) && !utf8proc_get_property(c)->ignorable) {
			if (first == NULL)
				first = p;
			last = p + k;
		}
		p += k;
	}
	if (first == NULL) {
		buf_grow(b, 0);
		b->s[0] = '\0';
		return 0;		/* all white space: empty */
	}
	len = utf8proc_map(first, last - first, &out, UTF8PROC_STABLE |
	    UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
	if (len < 0) {
		buf_add(b, s, n);
		return -1;
	}
	buf_add(b, out, (size_t)len);
	free(out);
	return 0;
}

int
key_amount(const char *s, size_t n, struct buf *b)
{
	size_t	 i, ip, ie, fp, fe, len;
	int	 neg, sep;

	b->len = 0;
	len = n;		/* all of s, for a refusal */
	i = 0;
	neg = 0;
	while (i < n && s[i] == ' ')
		i++;
	while (n > i && s[n - 1] == ' ')
		n--;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	ip = i;
	sep = 0;
	for (ie = i; ie < n && s[ie] >= '0' && s[ie] <= '9'; ie++)
		;
	fp = fe = ie;
	if (ie < n && (s[ie] == '.' || s[ie] == ',')) {
		sep = 1;
		fp = ie + 1;
		for (fe = fp; fe < n && s[fe] >= '0' && s[fe] <= '9'; fe++)
			;
	}
	if ((sep ? fe : ie) != n || (ie == ip && fe == fp)) {
		buf_add(b, s, len);
		return -1;
	}
	while (ip < ie - 1 && s[ip] == '0')
		ip++;		/* leading zeros, keeping one */
	while (fe > fp && s[fe - 1] == '0')
		fe--;		/* trailing zeros of the fraction */
	if (neg && !((ie == ip || (ie - ip == 1 && s[ip] == '0')) &&
	    fe == fp))
		buf_addc(b, '-');	/* not for zero, ".0" too */
	if (ie == ip)
		buf_addc(b, '0');
	else
		buf_add(b, s + ip, ie - ip);
	if (fe > fp) {
		buf_addc(b, '.');
		buf_add(b, s + fp, fe - fp);
	}
	return 0;
}

int
key_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int	 c;

	c = memcmp(a, b, alen < blen ? alen : blen);
	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen;
}

int
key_next(const char **p, size_t *n, const char **s, size_t *len)
{
	size_t	 v, i;
	int	 shift;

	if (*n == 0)
		return -1;
	v = 0;
	shift = 0;
	for (i = 0; i < *n; i++) {
		v |= (size_t)((unsigned char)(*p)[i] & 0x7f) << shift;
		shift += 7;
		if (((unsigned char)(*p)[i] & 0x80) == 0)
			break;
	}
	i++;
	if (i > *n || v > *n - i)
		return -1;		/* not made by key_add */
	*s = *p + i;
	*len = v;
	*p += i + v;
	*n -= i + v;
	return 0;
}

int
key_cmpkeys(const char *a, size_t alen, const char *b, size_t blen)
{
	const char *sa, *sb;
	size_t	 la, lb;
	int	 ea, eb, c;

	for (;;) {
		ea = key_next(&a, &alen, &sa, &la);
		eb = key_next(&b, &blen, &sb, &lb);
		if (ea == -1 || eb == -1)
			return ea == eb ? 0 : ea == -1 ? -1 : 1;
		if ((c = key_cmp(sa, la, sb, lb)) != 0)
			return c;
	}
}
