/*
 * jscan: a validating JSON scanner.  It checks one JSON text against
 * RFC 8259 as strictly as jansson's json_loadb does, but builds nothing:
 * the only memory it touches is the member array of a struct js_object.
 *
 * Numbers stay text, so a number that would overflow a long long or a
 * double is accepted here although jansson refuses it.  Depth counts every
 * value, scalars included, the way jansson's parse_value does: a top-level
 * value is at depth 1 and nothing may be deeper than JS_MAXDEPTH.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jscan.h"
#include "util.h"

#define EOI		"unexpected end of input"
#define BADCHAR		"unexpected character"

#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SWAR	1		/* 8 bytes at a time inside strings */
#endif

struct scan {
	const unsigned char *buf;	/* first byte of the text */
	const unsigned char *end;	/* one past its last byte */
	const unsigned char *errp;	/* the offending byte */
	const char	*why;		/* static reason for the fault */
};

/*
 * Bytes that end a plain run inside a string: '"', '\\', control bytes
 * and every byte of a multibyte UTF-8 sequence.
 */
static const unsigned char strstop[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x00 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x10 */
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x20 '"' */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x30 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x40 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,	/* 0x50 '\\' */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x60 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x70 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x80 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
};

/* Record a fault at p; returns NULL for the caller to pass on. */
static const unsigned char *
fail(struct scan *s, const unsigned char *p, const char *why)
{
	s->errp = p;
	s->why = why;
	return NULL;
}

/* Skip JSON white space: space, tab, newline and carriage return. */
static inline const unsigned char *
skip_ws(const unsigned char *p, const unsigned char *end)
{
	while (p < end && *p <= ' ' &&
	    (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	return p;
}

static inline int
isdig(int c)
{
	return (unsigned)c - '0' < 10;
}

/* The value of a hex digit, or -1. */
static inline int
hexval(int c)
{
	if ((unsigned)c - '0' < 10)
		return c - '0';
	c |= 0x20;
	if ((unsigned)c - 'a' < 6)
		return c - 'a' + 10;
	return -1;
}

/* The value of four hex digits at p (which has four bytes), or -1. */
static long
hex4(const unsigned char *p)
{
	long	 v;
	int	 d, i;

	v = 0;
	for (i = 0; i < 4; i++) {
		if ((d = hexval(p[i])) == -1)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/*
 * Check the escape whose backslash is at p and return the byte after it.
 * A \u escape must not be NUL and must not leave half a surrogate pair.
 */
static const unsigned char *
scan_escape(struct scan *s, const unsigned char *p)
{
	const unsigned char	*end = s->end;
	long			 cp, lo;

	if (end - p < 2)
		return fail(s, end, EOI);
	switch (p[1]) {
	case '"':
	case '\\':
	case '/':
	case 'b':
	case 'f':
	case 'n':
	case 'r':
	case 't':
		return p + 2;
	case 'u':
		break;
	default:
		return fail(s, p, "invalid escape");
	}
	if (end - p < 6)
		return fail(s, end, EOI);
	if ((cp = hex4(p + 2)) == -1)
		return fail(s, p, "invalid \\u escape");
	if (cp == 0)
		return fail(s, p, "NUL in string");
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return fail(s, p, "invalid \\u escape");
	if (cp < 0xd800 || cp > 0xdbff)
		return p + 6;
	/* A high surrogate: the low half must follow at once. */
	if (end - p < 12) {
		if (end - p == 6 || (p[6] == '\\' &&
		    (end - p == 7 || p[7] == 'u')))
			return fail(s, end, EOI);
		return fail(s, p, "invalid \\u escape");
	}
	if (p[6] != '\\' || p[7] != 'u')
		return fail(s, p, "invalid \\u escape");
	if ((lo = hex4(p + 8)) == -1 || lo < 0xdc00 || lo > 0xdfff)
		return fail(s, p, "invalid \\u escape");
	return p + 12;
}

/*
 * Check the UTF-8 sequence whose lead byte (>= 0x80) is at p and return
 * the byte after it: no overlong forms, no surrogates, nothing above
 * U+10FFFF, nothing cut short.
 */
static const unsigned char *
scan_utf8(struct scan *s, const unsigned char *p)
{
	size_t		 n, i, left;
	unsigned	 lo, hi;

	lo = 0x80;
	hi = 0xbf;
	if (*p < 0xc2)
		return fail(s, p, "invalid UTF-8");
	else if (*p < 0xe0)
		n = 2;
	else if (*p < 0xf0) {
		n = 3;
		if (*p == 0xe0)
			lo = 0xa0;		/* overlong */
		else if (*p == 0xed)
			hi = 0x9f;		/* surrogate */
	} else if (*p < 0xf5) {
		n = 4;
		if (*p == 0xf0)
			lo = 0x90;		/* overlong */
		else if (*p == 0xf4)
			hi = 0x8f;		/* above U+10FFFF */
	} else
		return fail(s, p, "invalid UTF-8");
	left = s->end - p;
	if (left < 2 || p[1] < lo || p[1] > hi)
		return fail(s, p, "invalid UTF-8");
	for (i = 2; i < n; i++)
		if (i >= left || p[i] < 0x80 || p[i] > 0xbf)
			return fail(s, p, "invalid UTF-8");
	return p + n;
}

#ifdef SWAR
/*
 * A word with the high bit set in each byte of w that is '"', '\\', below
 * 0x20 or above 0x7f.  Bytes above the lowest flagged one may be flagged
 * wrongly by a borrow, so only the lowest flag counts.
 */
static inline uint64_t
stopmask(uint64_t w)
{
	const uint64_t	 ones = 0x0101010101010101ULL;
	uint64_t	 q, b, c;

	q = w ^ (ones * '"');
	b = w ^ (ones * '\\');
	q = (q - ones) & ~q;
	b = (b - ones) & ~b;
	c = (w - ones * 0x20) & ~w;
	return (q | b | c | w) & (ones * 0x80);
}
#endif

/*
 * Check a string whose opening quote is just before p and return the byte
 * after the closing quote.  *esc is set when the string holds an escape.
 */
static const unsigned char *
scan_string(struct scan *s, const unsigned char *p, int *esc)
{
	const unsigned char	*end = s->end;
#ifdef SWAR
	uint64_t		 w, m;
#endif

	for (;;) {
#ifdef SWAR
		while (end - p >= 8) {
			memcpy(&w, p, sizeof(w));
			if ((m = stopmask(w)) != 0) {
				p += __builtin_ctzll(m) >> 3;
				goto stop;
			}
			p += 8;
		}
#endif
		while (p < end && !strstop[*p])
			p++;
		if (p == end)
			return fail(s, p, EOI);
#ifdef SWAR
stop:
#endif
		if (*p == '"')
			return p + 1;
		if (*p == '\\') {
			*esc = 1;
			p = scan_escape(s, p);
		} else if (*p == '\0')
			return fail(s, p, "NUL in string");
		else if (*p < 0x20)
			return fail(s, p, "control character in string");
		else
			p = scan_utf8(s, p);
		if (p == NULL)
			return NULL;
	}
}

/* Check a number starting at p and return the byte after it. */
static const unsigned char *
scan_number(struct scan *s, const unsigned char *p)
{
	const unsigned char	*end = s->end;

	if (*p == '-' && ++p == end)
		return fail(s, p, EOI);
	if (*p == '0')
		p++;
	else if (isdig(*p)) {
		do
			p++;
		while (p < end && isdig(*p));
	} else
		return fail(s, p, BADCHAR);
	if (p < end && *p == '.') {
		if (++p == end)
			return fail(s, p, EOI);
		if (!isdig(*p))
			return fail(s, p, BADCHAR);
		do
			p++;
		while (p < end && isdig(*p));
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		if (++p < end && (*p == '+' || *p == '-'))
			p++;
		if (p == end)
			return fail(s, p, EOI);
		if (!isdig(*p))
			return fail(s, p, BADCHAR);
		do
			p++;
		while (p < end && isdig(*p));
	}
	return p;
}

/* Check that the literal lit (n bytes) is at p; return the byte after. */
static const unsigned char *
scan_literal(struct scan *s, const unsigned char *p, const char *lit,
    size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (p + i == s->end)
			return fail(s, p + i, EOI);
		if (p[i] != (unsigned char)lit[i])
			return fail(s, p + i, BADCHAR);
	}
	return p + n;
}

/*
 * Check one value starting at p, inside depth open containers, and return
 * the byte after it.  Nested containers are kept on an explicit stack of
 * their closing brackets rather than by recursion.
 */
static const unsigned char *
scan_value(struct scan *s, const unsigned char *p, int depth)
{
	const unsigned char	*end = s->end;
	unsigned char		 stk[JS_MAXDEPTH];	/* closers */
	int			 top, esc;

	top = 0;
value:
	if (depth + top >= JS_MAXDEPTH)
		return fail(s, p, "nesting too deep");
	if (p == end)
		return fail(s, p, EOI);
	switch (*p) {
	case '"':
		p = scan_string(s, p + 1, &esc);
		break;
	case '{':
		stk[top++] = '}';
		p = skip_ws(p + 1, end);
		if (p < end && *p == '}') {
			p++;
			top--;
			break;
		}
		goto key;
	case '[':
		stk[top++] = ']';
		p = skip_ws(p + 1, end);
		if (p < end && *p == ']') {
			p++;
			top--;
			break;
		}
		goto value;
	case 't':
		p = scan_literal(s, p, "true", 4);
		break;
	case 'f':
		p = scan_literal(s, p, "false", 5);
		break;
	case 'n':
		p = scan_literal(s, p, "null", 4);
		break;
	case '-':
	case '0':
	case '1':
	case '2':
	case '3':
	case '4':
	case '5':
	case '6':
	case '7':
	case '8':
	case '9':
		p = scan_number(s, p);
		break;
	default:
		return fail(s, p, BADCHAR);
	}
	if (p == NULL)
		return NULL;
next:
	if (top == 0)
		return p;
	p = skip_ws(p, end);
	if (p == end)
		return fail(s, p, EOI);
	if (*p == ',') {
		p = skip_ws(p + 1, end);
		if (stk[top - 1] == ']')
			goto value;
		goto key;
	}
	if (*p != stk[top - 1])
		return fail(s, p, BADCHAR);
	p++;
	top--;
	goto next;
key:
	if (p == end)
		return fail(s, p, EOI);
	if (*p != '"')
		return fail(s, p, BADCHAR);
	if ((p = scan_string(s, p + 1, &esc)) == NULL)
		return NULL;
	p = skip_ws(p, end);
	if (p == end)
		return fail(s, p, EOI);
	if (*p != ':')
		return fail(s, p, BADCHAR);
	p = skip_ws(p + 1, end);
	goto value;
}

/* Report the fault kept in s through the caller's pointers. */
static int
report(const struct scan *s, size_t *errpos, const char **why)
{
	if (errpos != NULL)
		*errpos = s->errp - s->buf;
	if (why != NULL)
		*why = s->why;
	return -1;
}

/* Check one JSON value of any type, with white space around it. */
int
js_validate(const char *buf, size_t len, size_t *errpos, const char **why)
{
	struct scan		 s;
	const unsigned char	*p;

	s.buf = (const unsigned char *)buf;
	s.end = s.buf + len;
	p = skip_ws(s.buf, s.end);
	if ((p = scan_value(&s, p, 0)) == NULL)
		return report(&s, errpos, why);
	if ((p = skip_ws(p, s.end)) != s.end) {
		fail(&s, p, "trailing characters after the value");
		return report(&s, errpos, why);
	}
	return 0;
}

/* The type of the value whose first byte is c, which scan_value checks. */
static unsigned char
type_of(int c)
{
	switch (c) {
	case '"':
		return JS_STRING;
	case '{':
		return JS_OBJECT;
	case '[':
		return JS_ARRAY;
	case 't':
		return JS_TRUE;
	case 'f':
		return JS_FALSE;
	case 'n':
		return JS_NULL;
	default:
		return JS_NUMBER;
	}
}

/* A fresh slot at the end of obj's member array. */
static struct js_member *
new_member(struct js_object *obj)
{
	size_t	 cap;

	if (obj->n == obj->cap) {
		cap = obj->cap != 0 ? obj->cap * 2 : 32;
		obj->m = xreallocarray(obj->m, cap, sizeof(obj->m[0]));
		obj->cap = cap;
	}
	return &obj->m[obj->n];
}

/*
 * The top level of js_scan_object: the member loop records each key and
 * value span and hands the values to scan_value, one container deep.
 */
int
js_scan_object(const char *buf, size_t len, struct js_object *obj,
    size_t *errpos, const char **why)
{
	struct scan		 s;
	struct js_member	*m;
	const unsigned char	*p, *q;
	int			 esc;

	s.buf = (const unsigned char *)buf;
	s.end = s.buf + len;
	obj->n = 0;
	p = skip_ws(s.buf, s.end);
	if (p < s.end && *p != '{') {
		/* Not an object: say so only if it is valid JSON at all. */
		if ((q = scan_value(&s, p, 0)) == NULL)
			goto bad;
		if ((q = skip_ws(q, s.end)) != s.end)
			fail(&s, q, "trailing characters after the value");
		else
			fail(&s, p, "not an object");
		goto bad;
	}
	if (p == s.end) {
		fail(&s, p, EOI);
		goto bad;
	}
	p = skip_ws(p + 1, s.end);
	if (p < s.end && *p == '}') {
		p++;
		goto done;
	}
	for (;;) {
		if (p == s.end) {
			fail(&s, p, EOI);
			goto bad;
		}
		if (*p != '"') {
			fail(&s, p, BADCHAR);
			goto bad;
		}
		m = new_member(obj);
		esc = 0;
		if ((q = scan_string(&s, p + 1, &esc)) == NULL)
			goto bad;
		m->key = (const char *)p + 1;
		m->keylen = q - p - 2;
		m->kesc = esc;
		p = skip_ws(q, s.end);
		if (p == s.end || *p != ':') {
			fail(&s, p, p == s.end ? EOI : BADCHAR);
			goto bad;
		}
		p = skip_ws(p + 1, s.end);
		if (p == s.end) {
			fail(&s, p, EOI);
			goto bad;
		}
		esc = 0;
		if (*p == '"') {
			if ((q = scan_string(&s, p + 1, &esc)) == NULL)
				goto bad;
			m->val = (const char *)p + 1;
			m->vallen = q - p - 2;
		} else {
			if ((q = scan_value(&s, p, 1)) == NULL)
				goto bad;
			m->val = (const char *)p;
			m->vallen = q - p;
		}
		m->type = type_of(*p);
		m->vesc = esc;
		obj->n++;
		p = skip_ws(q, s.end);
		if (p == s.end) {
			fail(&s, p, EOI);
			goto bad;
		}
		if (*p == '}') {
			p++;
			break;
		}
		if (*p != ',') {
			fail(&s, p, BADCHAR);
			goto bad;
		}
		p = skip_ws(p + 1, s.end);
	}
done:
	if ((p = skip_ws(p, s.end)) != s.end) {
		fail(&s, p, "trailing characters after the object");
		goto bad;
	}
	return 0;
bad:
	obj->n = 0;
	return report(&s, errpos, why);
}

/* Put code point cp into out as UTF-8; returns the byte count. */
static size_t
put_utf8(unsigned char *out, unsigned long cp)
{
	if (cp < 0x80) {
		out[0] = cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = 0xc0 | cp >> 6;
		out[1] = 0x80 | (cp & 0x3f);
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = 0xe0 | cp >> 12;
		out[1] = 0x80 | (cp >> 6 & 0x3f);
		out[2] = 0x80 | (cp & 0x3f);
		return 3;
	}
	out[0] = 0xf0 | cp >> 18;
	out[1] = 0x80 | (cp >> 12 & 0x3f);
	out[2] = 0x80 | (cp >> 6 & 0x3f);
	out[3] = 0x80 | (cp & 0x3f);
	return 4;
}

/*
 * Decode the escape whose backslash is at *sp into out (at most 4 bytes,
 * never more than the escape's own length) and move *sp past it.  Input
 * that was never validated is copied through rather than overrun.
 */
static size_t
unescape1(const unsigned char **sp, const unsigned char *end,
    unsigned char *out)
{
	const unsigned char	*p = *sp;
	long			 cp, lo;

	*sp = p + 2;
	if (end - p >= 2) {
		switch (p[1]) {
		case '"':
		case '\\':
		case '/':
			out[0] = p[1];
			return 1;
		case 'b':
			out[0] = '\b';
			return 1;
		case 'f':
			out[0] = '\f';
			return 1;
		case 'n':
			out[0] = '\n';
			return 1;
		case 'r':
			out[0] = '\r';
			return 1;
		case 't':
			out[0] = '\t';
			return 1;
		case 'u':
			if (end - p < 6 || (cp = hex4(p + 2)) == -1)
				break;
			*sp = p + 6;
			if (cp >= 0xd800 && cp <= 0xdbff && end - p >= 12 &&
			    p[6] == '\\' && p[7] == 'u' &&
			    (lo = hex4(p + 8)) >= 0xdc00 && lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
				*sp = p + 12;
			}
			return put_utf8(out, cp);
		}
	}
	*sp = p + 1;			/* not an escape: copy it through */
	out[0] = '\\';
	return 1;
}

/*
 * Decode a validated string body.  out may be s itself: the output never
 * runs ahead of the input.
 */
size_t
js_unescape(const char *s, size_t len, char *out)
{
	const unsigned char	*p, *end, *bs;
	unsigned char		*o;
	size_t			 n;

	p = (const unsigned char *)s;
	end = p + len;
	o = (unsigned char *)out;
	while (p < end) {
		if ((bs = memchr(p, '\\', end - p)) == NULL)
			bs = end;
		n = bs - p;
		memmove(o, p, n);
		o += n;
		p = bs;
		if (p < end)
			o += unescape1(&p, end, o);
	}
	return o - (unsigned char *)out;
}

/* Whether the raw key k (klen bytes, with escapes) decodes to name. */
static int
key_equal(const char *k, size_t klen, const char *name, size_t len)
{
	const unsigned char	*p, *end, *bs, *nm;
	unsigned char		 u[4];
	size_t			 n;

	p = (const unsigned char *)k;
	end = p + klen;
	nm = (const unsigned char *)name;
	while (p < end) {
		if ((bs = memchr(p, '\\', end - p)) == NULL)
			bs = end;
		n = bs - p;
		if (n > len || (n != 0 && memcmp(p, nm, n) != 0))
			return 0;
		nm += n;
		len -= n;
		if ((p = bs) == end)
			break;
		n = unescape1(&p, end, u);
		if (n > len || memcmp(u, nm, n) != 0)
			return 0;
		nm += n;
		len -= n;
	}
	return len == 0;
}

/*
 * Search from the end, so that the last of duplicate keys wins as in
 * jansson; keys with escapes are decoded as they are compared.
 */
const struct js_member *
js_get(const struct js_object *obj, const char *name, size_t len)
{
	const struct js_member	*m;
	size_t			 i;

	for (i = obj->n; i-- > 0;) {
		m = &obj->m[i];
		if (!m->kesc) {
			if (m->keylen == len &&
			    (len == 0 || memcmp(m->key, name, len) == 0))
				return m;
		} else if (m->keylen >= len &&
		    key_equal(m->key, m->keylen, name, len))
			return m;
	}
	return NULL;
}

/* Free the member array; obj may be scanned into again afterwards. */
void
js_object_free(struct js_object *obj)
{
	free(obj->m);
	obj->m = NULL;
	obj->n = 0;
	obj->cap = 0;
}
