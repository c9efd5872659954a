/*
 * json: a libFuzzer harness for the JSON scanner, differentially against
 * jansson's json_loadb with JSON_DECODE_ANY.  js_validate must accept what
 * jansson accepts and refuse what it refuses, with a reason and a position
 * within the input.  js_scan_object must accept exactly jansson's objects,
 * and then give jansson's members: the same distinct keys, js_get finding
 * the last of each, string values decoding (in place too) to jansson's
 * strings, and other values spanning text that jansson parses to the same
 * value of the same type.
 *
 * Two refusals of jansson's are documented, and only they are allowed:
 *
 *  - A number out of jansson's range.  jscan.c: "a number that would
 *    overflow a long long or a double is accepted here although jansson
 *    refuses it".  When jansson refuses with json_error_numeric_overflow,
 *    the number ending where it stopped is replaced by " 0 " and jansson
 *    asked again, so that everything else is still compared.
 *  - jansson's NUL quirk (tests/unit/jscan.c, nulquirk()): its lexer loses
 *    a raw NUL byte read as lookahead after a number or a literal, so that
 *    "[1\0]" parses as [1].  A raw NUL is not JSON: where jansson accepts
 *    an input holding one, js_validate must refuse it at a NUL byte, and
 *    the input without its NUL bytes must be valid and jansson's value.
 *
 * A mismatch prints what differs and aborts.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jscan.h"
#include "util.h"

#define NOTOBJ		"not an object"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *in;			/* the input, for messages */
static size_t	 inlen;			/* its length */

/* Say what differs on the current input, and stop. */
static void
bad(const char *what)
{
	size_t	 i;
	int	 c;

	fprintf(stderr, "json: %s\ninput (%zu bytes): \"", what, inlen);
	for (i = 0; i < inlen; i++) {
		c = (unsigned char)in[i];
		if (c >= ' ' && c < 0x7f && c != '\\' && c != '"')
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	fputs("\"\n", stderr);
	abort();
}

static int
isdig(int c)
{
	return c >= '0' && c <= '9';
}

/* Whether s[0..n) is exactly one JSON number (RFC 8259, section 6). */
static int
isnumber(const char *s, size_t n)
{
	size_t	 i;

	i = 0;
	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && isdig(s[i]) && s[i] != '0')
		while (i < n && isdig(s[i]))
			i++;
	else
		return 0;
	if (i < n && s[i] == '.') {
		if (++i == n || !isdig(s[i]))
			return 0;
		while (i < n && isdig(s[i]))
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		if (++i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i == n || !isdig(s[i]))
			return 0;
		while (i < n && isdig(s[i]))
			i++;
	}
	return i == n;
}

/* Whether the number s[0..n) is out of jansson's range. */
static int
overflows(const char *s, size_t n)
{
	char	*t;
	double	 d;
	int	 big;

	t = xmemdup(s, n);
	errno = 0;
	if (strpbrk(t, ".eE") == NULL) {
		(void)strtoll(t, NULL, 10);
		big = errno == ERANGE;
	} else {
		d = strtod(t, NULL);
		big = errno == ERANGE && (d == HUGE_VAL || d == -HUGE_VAL);
	}
	free(t);
	return big;
}

/* Whether s[0..n) may begin a JSON number. */
static int
isprefix(const char *s, size_t n)
{
	size_t	 i;

	i = 0;
	if (i < n && s[i] == '-')
		i++;
	if (i == n)
		return 1;
	if (s[i] == '0')
		i++;
	else if (isdig(s[i]))
		while (i < n && isdig(s[i]))
			i++;
	else
		return 0;
	if (i < n && s[i] == '.')
		for (i++; i < n && isdig(s[i]); i++)
			;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		if (++i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		while (i < n && isdig(s[i]))
			i++;
	}
	return i == n;
}

/*
 * Where the number out of range that ends at end in b starts, or end when
 * none does: the longest number ending there, which the next byte does
 * not go on, as both lexers take a number whole.
 */
static size_t
numstart(const struct buf *b, size_t end)
{
	size_t	 i, k;

	if (end == 0 || !isdig(b->s[end - 1]))
		return end;
	for (i = end; i > 0 && b->s[i - 1] != '\0' &&
	    strchr("0123456789.eE+-", b->s[i - 1]) != NULL; i--)
		;
	for (k = i; k < end && !isnumber(b->s + k, end - k); k++)
		;
	if (k == end || (end < b->len && isprefix(b->s + k, end + 1 - k)))
		return end;
	return overflows(b->s + k, end - k) ? k : end;
}

/*
 * jansson's reading of buf, with each number it refuses as out of range
 * replaced by 0 (in b, which then holds the text jansson read).  NULL
 * when jansson refuses it for any other reason.
 */
static json_t *
jload(const char *buf, size_t len, struct buf *b)
{
	json_error_t	 e;
	json_t		*j;
	size_t		 pos, end, k, nul;

	b->len = 0;
	buf_add(b, buf, len);
	for (;;) {
		j = json_loadb(b->s, b->len, JSON_DECODE_ANY, &e);
		if (j != NULL ||
		    json_error_code(&e) != json_error_numeric_overflow)
			return j;
		/*
		 * e.position is just past the number, one more when a NUL
		 * follows it, and one less for each NUL jansson lost before
		 * (see nulquirk()): look that far on.
		 */
		pos = (size_t)e.position;
		for (nul = k = 0; k < b->len; k++)
			nul += b->s[k] == '\0';
		for (end = pos > 0 ? pos - 1 : 0; end <= b->len &&
		    end <= pos + nul; end++)
			if ((k = numstart(b, end)) != end)
				break;
		if (end > b->len || end > pos + nul)
			bad("jansson's overflow is not at a number");
		/*
		 * " 0 ", not "0": what is around must not become part of
		 * the number ("1e999e6" is no "0e6", "1-1e999" no "10");
		 * blanks around a number change nothing else.
		 */
		buf_grow(b, 3);
		memmove(b->s + k + 3, b->s + end, b->len - end);
		memcpy(b->s + k, " 0 ", 3);
		b->len = b->len - (end - k) + 3;
	}
}

/* A copy of s[0..n) decoded by js_unescape, which must do so in place. */
static char *
decode(const char *s, size_t n, size_t *outlen)
{
	char	*out, *inplace;
	size_t	 len;

	out = xmalloc(n > 0 ? n : 1);	/* exactly n: ASan sees overruns */
	*outlen = js_unescape(s, n, out);
	inplace = xmemdup(s, n);
	len = js_unescape(inplace, n, inplace);
	if (len != *outlen || memcmp(inplace, out, len) != 0)
		bad("js_unescape in place differs");
	free(inplace);
	return out;
}

/* Compare the members of obj with jansson's object j. */
static void
members(const struct js_object *obj, json_t *j)
{
	const struct js_member *m, *last;
	struct buf	 b = { NULL, 0, 0 };
	json_t		*jm, *x;
	char		*key, *val;
	size_t		 i, klen, vlen, uniq;

	uniq = 0;
	for (i = 0; i < obj->n; i++) {
		m = &obj->m[i];
		key = decode(m->key, m->keylen, &klen);
		last = js_get(obj, key, klen);
		if (last == NULL || last < m)
			bad("js_get misses a key or finds an earlier one");
		if ((jm = json_object_getn(j, key, klen)) == NULL)
			bad("a key jansson does not have");
		if (last != m) {
			free(key);
			continue;	/* a duplicate: the last one counts */
		}
		uniq++;
		if (m->type == JS_STRING) {
			val = decode(m->val, m->vallen, &vlen);
			if (!json_is_string(jm) ||
			    vlen != json_string_length(jm) ||
			    memcmp(val, json_string_value(jm), vlen) != 0)
				bad("a string value decodes otherwise");
			free(val);
		} else {
			if ((x = jload(m->val, m->vallen, &b)) == NULL)
				bad("jansson refuses a member's value span");
			if (!json_equal(x, jm) ||
			    json_typeof(x) != json_typeof(jm) ||
			    (m->type == JS_OBJECT) != json_is_object(x) ||
			    (m->type == JS_ARRAY) != json_is_array(x) ||
			    (m->type == JS_NUMBER) != json_is_number(x) ||
			    (m->type == JS_TRUE) != json_is_true(x) ||
			    (m->type == JS_FALSE) != json_is_false(x) ||
			    (m->type == JS_NULL) != json_is_null(x))
				bad("a value span or type differs");
			json_decref(x);
		}
		free(key);
	}
	if (uniq != json_object_size(j))
		bad("the distinct keys are not jansson's");
	buf_free(&b);
}

/*
 * jansson accepted buf although it holds a NUL byte: js_validate must
 * refuse it at a NUL, and accept it as jansson's value without them.
 */
static void
nulquirk(const char *buf, size_t len, size_t vpos, json_t *j,
    struct buf *b)
{
	json_t		*x;
	char		*s;
	size_t		 i, n;

	if (vpos >= len || buf[vpos] != '\0')
		bad("jansson accepts a NUL byte; jscan refuses, not at one");
	s = xmalloc(len);
	for (i = n = 0; i < len; i++)
		if (buf[i] != '\0')
			s[n++] = buf[i];
	if (js_validate(s, n, NULL, NULL) != 0)
		bad("jansson's NUL quirk: invalid even without the NUL bytes");
	if ((x = jload(s, n, b)) == NULL || !json_equal(x, j))
		bad("jansson's NUL quirk: another value without the NULs");
	json_decref(x);
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct js_object obj;
	static struct buf jb, qb;
	const char	*why;
	char		*buf;
	size_t		 vpos, opos;
	json_t		*j;
	int		 v, o;

	/* An exact copy, so that ASan sees any read past the end. */
	buf = xmalloc(size > 0 ? size : 1);
	memcpy(buf, data, size);
	in = buf;
	inlen = size;

	why = NULL;
	vpos = (size_t)-1;
	v = js_validate(buf, size, &vpos, &why) == 0;
	if (!v && (vpos > size || why == NULL))
		bad("js_validate: no reason, or a position outside the input");
	why = NULL;
	opos = (size_t)-1;
	o = js_scan_object(buf, size, &obj, &opos, &why) == 0;
	if (!o && (opos > size || why == NULL))
		bad("js_scan_object: no reason, or a position outside");
	if (o && !v)
		bad("js_scan_object accepts what js_validate refuses");
	if (!o && v && strcmp(why, NOTOBJ) != 0)
		bad("js_scan_object refuses a valid text, not as no object");

	j = jload(buf, size, &jb);
	if (j != NULL && memchr(buf, '\0', size) != NULL) {
		if (v || o)
			bad("jscan accepts a raw NUL byte");
		nulquirk(buf, size, vpos, j, &qb);
	} else {
		if (v != (j != NULL))
			bad(v ? "js_validate accepts, jansson refuses" :
			    "js_validate refuses, jansson accepts");
		if (o != (j != NULL && json_is_object(j)))
			bad(o ? "js_scan_object accepts a non-object" :
			    "js_scan_object refuses jansson's object");
		if (o)
			members(&obj, j);
	}
	json_decref(j);
	free(buf);
	return 0;
}
