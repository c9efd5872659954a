/*
 * key: a libFuzzer harness for key normalisation and composite keys.
 * What key.h promises, checked on every input:
 *
 *  - key_norm refuses (-1) exactly the inputs that are not UTF-8, and
 *    then leaves them unchanged in the buffer;
 *  - otherwise its key is UTF-8 with no white space at either end (the
 *    white space key.c trims: \t \n \v \f \r, U+0085 and the Z
 *    categories), no default-ignorable character, in NFC, and the same
 *    when normalised again: normalising a normalised key changes nothing;
 *  - white space added at both ends changes no key;
 *  - key_amount refuses exactly what is not a decimal number, leaving it
 *    unchanged; otherwise it writes the shortest form, which it keeps;
 *  - key_add then key_next gives back the components, and key_cmpkeys
 *    orders keys as their components, so that ("ab","c") and ("a","bc")
 *    never meet.
 *
 * The input is the key; cut at its '\x1f' bytes, its pieces are the
 * components of a composite key.  A broken promise prints what and aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "key.h"
#include "util.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *in;			/* the input, for messages */
static size_t	 inlen;			/* its length */

/* Show s[0..n) with its unprintable bytes escaped. */
static void
show(const char *what, const char *s, size_t n)
{
	size_t	 i;
	int	 c;

	fprintf(stderr, "%s (%zu bytes): \"", what, n);
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c >= ' ' && c < 0x7f && c != '\\' && c != '"')
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	fputs("\"\n", stderr);
}

/* Say which promise failed on the current input, and stop. */
static void
bad(const char *what, const struct buf *out)
{
	fprintf(stderr, "key: %s\n", what);
	show("input", in, inlen);
	if (out != NULL)
		show("output", out->s, out->len);
	abort();
}

static int
same(const struct buf *b, const char *s, size_t n)
{
	return b->len == n && (n == 0 || memcmp(b->s, s, n) == 0);
}

/* Whether s[0..n) is UTF-8: any code point but a surrogate, NUL too. */
static int
isutf8(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n;
	unsigned long	 c;
	int		 k, i;

	while (p < e) {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if (*p >= 0xc2 && *p <= 0xdf)
			k = 1;
		else if (*p >= 0xe0 && *p <= 0xef)
			k = 2;
		else if (*p >= 0xf0 && *p <= 0xf4)
			k = 3;
		else
			return 0;
		if (e - p <= k)
			return 0;
		c = *p & (0x3f >> k);
		for (i = 1; i <= k; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (p[i] & 0x3f);
		}
		if ((k == 2 && c < 0x800) || (k == 3 && c < 0x10000) ||
		    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
			return 0;
		p += k + 1;
	}
	return 1;
}

/* The white space key_norm trims, as key.c's is_space says. */
static int
isspace_cp(utf8proc_int32_t c)
{
	utf8proc_category_t	 cat;

	if (c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' ||
	    c == 0x85)
		return 1;
	cat = utf8proc_category(c);
	return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
	    cat == UTF8PROC_CATEGORY_ZP;
}

/* Check a key that key_norm returned. */
static void
check_key(const struct buf *k)
{
	const utf8proc_uint8_t	*p, *e;
	utf8proc_uint8_t	*nfc;
	utf8proc_int32_t	 c, first, last;
	utf8proc_ssize_t	 n;

	if (!isutf8(k->s, k->len))
		bad("the key is not UTF-8", k);
	p = (const utf8proc_uint8_t *)k->s;
	e = p + k->len;
	first = last = -1;
	while (p < e) {
		if ((n = utf8proc_iterate(p, e - p, &c)) < 0)
			bad("utf8proc cannot read the key", k);
		if (first == -1)
			first = c;
		last = c;
		if (utf8proc_get_property(c)->ignorable)
			bad("the key holds a default-ignorable character", k);
		p += n;
	}
	if (first != -1 && (isspace_cp(first) || isspace_cp(last)))
		bad("the key starts or ends with white space", k);
	if (k->len > 0) {
		nfc = NULL;
		n = utf8proc_map((const utf8proc_uint8_t *)k->s,
		    (utf8proc_ssize_t)k->len, &nfc, UTF8PROC_STABLE |
		    UTF8PROC_COMPOSE);
		if (n < 0 || (size_t)n != k->len ||
		    memcmp(nfc, k->s, k->len) != 0)
			bad("the key is not in NFC", k);
		free(nfc);
	}
}

static int
isdig(int c)
{
	return c >= '0' && c <= '9';
}

/*
 * Whether s[0..n) is a decimal amount as key.h describes one: spaces
 * around, a sign, digits, and a '.' or ',' with digits after it; a digit
 * at least.
 */
static int
isamount(const char *s, size_t n)
{
	size_t	 i, d;

	while (n > 0 && s[0] == ' ') {
		s++;
		n--;
	}
	while (n > 0 && s[n - 1] == ' ')
		n--;
	i = d = 0;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	for (; i < n && isdig(s[i]); i++)
		d++;
	if (i < n && (s[i] == '.' || s[i] == ','))
		for (i++; i < n && isdig(s[i]); i++)
			d++;
	return i == n && d > 0;
}

/* Whether s[0..n) is an amount's shortest form: -?(0|[1-9]\d*)(.\d*[1-9])? */
static int
isshortest(const char *s, size_t n)
{
	size_t	 i, f;

	i = 0;
	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && isdig(s[i]))
		while (i < n && isdig(s[i]))
			i++;
	else
		return 0;
	if (i < n && s[i] == '.') {
		for (f = ++i; i < n && isdig(s[i]); i++)
			;
		if (i == f || s[i - 1] == '0')
			return 0;
	}
	if (i != n)
		return 0;
	/* No negative zero. */
	return !(s[0] == '-' && n == 2 && s[1] == '0');
}

/* Check key_norm on s[0..n). */
static void
check_norm(const char *s, size_t n)
{
	static struct buf k, again, pad;
	int	 rc;

	rc = key_norm(s, n, &k);
	if (rc == -1) {
		if (isutf8(s, n))
			bad("key_norm refuses UTF-8", &k);
		if (!same(&k, s, n))
			bad("key_norm refuses but changes the input", &k);
		return;
	}
	if (rc != 0 || !isutf8(s, n))
		bad("key_norm takes what is not UTF-8", &k);
	check_key(&k);
	if (key_norm(k.s, k.len, &again) != 0 || !same(&again, k.s, k.len))
		bad("normalising the key again changes it", &again);
	pad.len = 0;
	buf_adds(&pad, " \t\xc2\xa0");
	buf_add(&pad, s, n);
	buf_adds(&pad, "\xe3\x80\x80\r\n");
	if (key_norm(pad.s, pad.len, &again) != 0 ||
	    !same(&again, k.s, k.len))
		bad("white space around the input changes its key", &again);
}

/* Check key_amount on s[0..n). */
static void
check_amount(const char *s, size_t n)
{
	static struct buf a, again;
	int	 rc;

	rc = key_amount(s, n, &a);
	if (rc != (isamount(s, n) ? 0 : -1))
		bad(rc == 0 ? "key_amount takes what is no amount" :
		    "key_amount refuses an amount", &a);
	if (rc == -1) {
		if (!same(&a, s, n))
			bad("key_amount refuses but changes the input", &a);
		return;
	}
	if (!isshortest(a.s, a.len))
		bad("key_amount's form is not the shortest", &a);
	if (key_amount(a.s, a.len, &again) != 0 || !same(&again, a.s, a.len))
		bad("key_amount changes its own form", &again);
}

/* The next component of s[0..n) cut at sep, or -1 at the end. */
static int
piece(const char **s, size_t *n, int *more, char sep, const char **p,
    size_t *len)
{
	const char	*e;

	if (!*more)
		return -1;
	*p = *s;
	if ((e = memchr(*s, sep, *n)) == NULL) {
		*len = *n;
		*more = 0;
		*s += *n;
		*n = 0;
		return 0;
	}
	*len = (size_t)(e - *s);
	*n -= *len + 1;
	*s = e + 1;
	return 0;
}

/* Build the composite key of s[0..n) cut at '\x1f'; check it reads back. */
static void
compose(const char *s, size_t n, struct buf *k)
{
	const char	*p, *q, *c, *r;
	size_t		 m, len, klen, clen;
	int		 more;

	k->len = 0;
	p = s;
	m = n;
	more = 1;
	while (piece(&p, &m, &more, '\x1f', &c, &len) == 0)
		key_add(k, c, len);
	q = k->s;
	klen = k->len;
	p = s;
	m = n;
	more = 1;
	while (piece(&p, &m, &more, '\x1f', &c, &len) == 0) {
		if (key_next(&q, &klen, &r, &clen) != 0 || clen != len ||
		    (len > 0 && memcmp(r, c, len) != 0))
			bad("key_next does not give back a component", k);
	}
	if (key_next(&q, &klen, &r, &clen) != -1)
		bad("key_next reads past the last component", k);
}

/* Compare s[0..n) and t[0..m) as lists of components cut at '\x1f'. */
static int
cmplists(const char *s, size_t n, const char *t, size_t m)
{
	const char	*a, *b;
	size_t		 la, lb;
	int		 ma, mb, ea, eb, c;

	ma = mb = 1;
	for (;;) {
		ea = piece(&s, &n, &ma, '\x1f', &a, &la);
		eb = piece(&t, &m, &mb, '\x1f', &b, &lb);
		if (ea == -1 || eb == -1)
			return ea == eb ? 0 : ea == -1 ? -1 : 1;
		c = memcmp(a, b, la < lb ? la : lb);
		if (c == 0)
			c = la < lb ? -1 : la > lb;
		if (c != 0)
			return c < 0 ? -1 : 1;
	}
}

static int
sign(int c)
{
	return c < 0 ? -1 : c > 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct buf ka, kb;
	const char	*s, *t;
	char		*buf;
	size_t		 n, m;

	/* An exact copy, so that ASan sees any read past the end. */
	buf = xmalloc(size > 0 ? size : 1);
	memcpy(buf, data, size);
	in = buf;
	inlen = size;

	check_norm(buf, size);
	check_amount(buf, size);

	/* Two composite keys, cut at the first '\x1e'. */
	s = buf;
	n = size;
	if ((t = memchr(buf, '\x1e', size)) != NULL) {
		n = (size_t)(t - buf);
		m = size - n - 1;
		t++;
	} else {
		t = "";
		m = 0;
	}
	compose(s, n, &ka);
	compose(t, m, &kb);
	if (sign(key_cmpkeys(ka.s, ka.len, kb.s, kb.len)) !=
	    cmplists(s, n, t, m) ||
	    sign(key_cmpkeys(kb.s, kb.len, ka.s, ka.len)) !=
	    cmplists(t, m, s, n))
		bad("key_cmpkeys orders keys not as their components", &ka);
	free(buf);
	return 0;
}
