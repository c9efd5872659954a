/*
 * Unit tests for lib/jscan.c: a table of hand-written cases, the nesting
 * limit, member spans, js_get and js_unescape, then a differential fuzz
 * test against jansson's json_loadb on generated and mutated JSON.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jscan.h"
#include "tap.h"
#include "util.h"

#define EOI		"unexpected end of input"
#define BADCHAR		"unexpected character"
#define BADUTF8		"invalid UTF-8"
#define BADESC		"invalid escape"
#define BADU		"invalid \\u escape"
#define NUL		"NUL in string"
#define CTRL		"control character in string"
#define TRAILO		"trailing characters after the object"
#define TRAILV		"trailing characters after the value"
#define NOTOBJ		"not an object"
#define DEEP		"nesting too deep"

#ifndef FUZZ_N
#define FUZZ_N		200000		/* inputs, half of them mutated */
#endif
#ifndef FUZZ_SEED
#define FUZZ_SEED	0x5eed5eed12345678ULL	/* fixed: runs repeat */
#endif
#define MAXDIAG		20		/* mismatches shown in all */

struct tcase {
	const char	*in;		/* input, may hold NUL bytes */
	size_t		 len;		/* its length */
	int		 valid;		/* js_validate accepts it */
	int		 nmem;		/* members, or -1: scan fails */
	const char	*why;		/* its reason, or NULL */
	long		 pos;		/* its error position, or -1 */
};

/* A case with a string literal input, NUL bytes included. */
#define C(s, v, n, w, p)	{ s, sizeof(s) - 1, v, n, w, p }

static const struct tcase cases[] = {
	/* structure and white space */
	C("{}", 1, 0, NULL, -1),
	C(" \t\r\n{ \t\r\n} \n", 1, 0, NULL, -1),
	C("", 0, -1, EOI, 0),
	C("  \n", 0, -1, EOI, 3),
	C("{", 0, -1, EOI, 1),
	C("{\"a\"", 0, -1, EOI, 4),
	C("{\"a\":", 0, -1, EOI, 5),
	C("{\"a\":1", 0, -1, EOI, 6),
	C("{\"a\":1,", 0, -1, EOI, 7),
	C("{\"a\":1,}", 0, -1, BADCHAR, 7),
	C("{\"a\":[1,]}", 0, -1, BADCHAR, 8),
	C("[1,]", 0, -1, BADCHAR, 3),
	C("[,1]", 0, -1, BADCHAR, 1),
	C("[1,,2]", 0, -1, BADCHAR, 3),
	C("[1 2]", 0, -1, BADCHAR, 3),
	C("{,}", 0, -1, BADCHAR, 1),
	C("{\"a\":1,,\"b\":2}", 0, -1, BADCHAR, 7),
	C("{\"a\":1 \"b\":2}", 0, -1, BADCHAR, 7),
	C("{\"a\" 1}", 0, -1, BADCHAR, 5),
	C("{\"a\"}", 0, -1, BADCHAR, 4),
	C("{\"a\":}", 0, -1, BADCHAR, 5),
	C("{1:2}", 0, -1, BADCHAR, 1),
	C("{a:2}", 0, -1, BADCHAR, 1),
	C("{\"a\":{1:2}}", 0, -1, BADCHAR, 6),
	C("{'a':1}", 0, -1, BADCHAR, 1),
	C("]", 0, -1, BADCHAR, 0),
	C("[}", 0, -1, BADCHAR, 1),
	C("{]", 0, -1, BADCHAR, 1),
	C("{\"a\":[}", 0, -1, BADCHAR, 6),
	C("[[[]]]", 1, -1, NOTOBJ, 0),
	C("[[[]]", 0, -1, EOI, 5),
	C("{\"a\":1} x", 0, -1, TRAILO, 8),
	C("{}{}", 0, -1, TRAILO, 2),
	C("1 2", 0, -1, TRAILV, 2),
	C("\f{}", 0, -1, BADCHAR, 0),
	C("{}\v", 0, -1, TRAILO, 2),
	C("\xc2\xa0{}", 0, -1, BADCHAR, 0),
	C("{\"a\":1}\0", 0, -1, TRAILO, 7),
	C("\0", 0, -1, BADCHAR, 0),
	/* jansson drops these NUL bytes; see nulquirk() */
	C("[1\0]", 0, -1, BADCHAR, 2),
	C("{\"a\":true\0}", 0, -1, BADCHAR, 9),
	C("1.5e3\0", 0, -1, TRAILV, 5),
	/* not an object, but valid JSON */
	C("[1]", 1, -1, NOTOBJ, 0),
	C(" \"s\" ", 1, -1, NOTOBJ, 1),
	C("true", 1, -1, NOTOBJ, 0),
	C("false", 1, -1, NOTOBJ, 0),
	C("null", 1, -1, NOTOBJ, 0),
	C("-0", 1, -1, NOTOBJ, 0),
	C("[1] x", 0, -1, TRAILV, 4),
	/* literals */
	C("tru", 0, -1, EOI, 3),
	C("trux", 0, -1, BADCHAR, 3),
	C("True", 0, -1, BADCHAR, 0),
	C("nul", 0, -1, EOI, 3),
	C("[nulll]", 0, -1, BADCHAR, 5),
	C("{\"a\":fals}", 0, -1, BADCHAR, 9),
	C("{\"a\":truefalse}", 0, -1, BADCHAR, 9),
	C("{\"a\":true,\"b\":false,\"c\":null}", 1, 3, NULL, -1),
	/* numbers */
	C("{\"n\":-0}", 1, 1, NULL, -1),
	C("{\"n\":0.5e-3}", 1, 1, NULL, -1),
	C("{\"n\":1E+2}", 1, 1, NULL, -1),
	C("{\"n\":-1.25e10}", 1, 1, NULL, -1),
	C("{\"n\":0}", 1, 1, NULL, -1),
	C("[0,-0.0,10,1e1,1e-1,1E01]", 1, -1, NOTOBJ, 0),
	C("{\"n\":1e400}", 1, 1, NULL, -1),
	C("{\"n\":-1e400}", 1, 1, NULL, -1),
	C("{\"n\":1e-400}", 1, 1, NULL, -1),
	C("{\"n\":123456789012345678901234567890}", 1, 1, NULL, -1),
	C("{\"n\":-9223372036854775809}", 1, 1, NULL, -1),
	C("{\"n\":01}", 0, -1, BADCHAR, 6),
	C("{\"n\":00}", 0, -1, BADCHAR, 6),
	C("{\"n\":-01}", 0, -1, BADCHAR, 7),
	C("{\"n\":1.}", 0, -1, BADCHAR, 7),
	C("{\"n\":1.e5}", 0, -1, BADCHAR, 7),
	C("{\"n\":.5}", 0, -1, BADCHAR, 5),
	C("{\"n\":-}", 0, -1, BADCHAR, 6),
	C("{\"n\":--1}", 0, -1, BADCHAR, 6),
	C("{\"n\":+1}", 0, -1, BADCHAR, 5),
	C("{\"n\":1e}", 0, -1, BADCHAR, 7),
	C("{\"n\":1e+}", 0, -1, BADCHAR, 8),
	C("{\"n\":0x1}", 0, -1, BADCHAR, 6),
	C("{\"n\":1-2}", 0, -1, BADCHAR, 6),
	C("-", 0, -1, EOI, 1),
	C("1.", 0, -1, EOI, 2),
	C("1e-", 0, -1, EOI, 3),
	C(".5", 0, -1, BADCHAR, 0),
	C("01", 0, -1, TRAILV, 1),
	C("1e400", 1, -1, NOTOBJ, 0),
	C("123456789012345678901234567890", 1, -1, NOTOBJ, 0),
	/* escapes */
	C("{\"s\":\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"}", 1, 1, NULL, -1),
	C("{\"s\":\"\\u00e9\\u00E9\\uABCD\\uabcd\\u0001\"}", 1, 1, NULL, -1),
	C("{\"s\":\"\\x\"}", 0, -1, BADESC, 6),
	C("{\"s\":\"\\U0041\"}", 0, -1, BADESC, 6),
	C("{\"s\":\"\\'\"}", 0, -1, BADESC, 6),
	C("{\"s\":\"\\u12\"}", 0, -1, BADU, 6),
	C("{\"s\":\"\\u12g4\"}", 0, -1, BADU, 6),
	C("{\"s\":\"\\", 0, -1, EOI, 7),
	C("{\"s\":\"\\u12", 0, -1, EOI, 10),
	C("{\"s\":\"\\ud834\\udd1e\"}", 1, 1, NULL, -1),
	C("{\"s\":\"\\uDBFF\\uDFFF\"}", 1, 1, NULL, -1),
	C("{\"s\":\"\\ud834\"}", 0, -1, BADU, 6),
	C("{\"s\":\"\\udd1e\"}", 0, -1, BADU, 6),
	C("{\"s\":\"\\udd1e\\ud834\"}", 0, -1, BADU, 6),
	C("{\"s\":\"\\ud834\\u0041\"}", 0, -1, BADU, 6),
	C("{\"s\":\"\\ud834\\ud834\"}", 0, -1, BADU, 6),
	C("{\"s\":\"\\ud834x\\udd1e\"}", 0, -1, BADU, 6),
	C("{\"s\":\"\\ud834\\n\"}", 0, -1, BADU, 6),
	C("{\"s\":\"\\ud834", 0, -1, EOI, 12),
	C("{\"s\":\"\\ud834\\", 0, -1, EOI, 13),
	C("{\"s\":\"\\ud834\\u", 0, -1, EOI, 14),
	C("{\"s\":\"\\u0000\"}", 0, -1, NUL, 6),
	C("{\"\\u0000\":1}", 0, -1, NUL, 2),
	C("{\"s\":\"\\u0000\\u0000\"}", 0, -1, NUL, 6),
	/* raw bytes in strings */
	C("{\"s\":\"a\tb\"}", 0, -1, CTRL, 7),
	C("{\"s\":\"a\nb\"}", 0, -1, CTRL, 7),
	C("{\"s\":\"\x1f\"}", 0, -1, CTRL, 6),
	C("{\"s\":\"a\0b\"}", 0, -1, NUL, 7),
	C("{\"s\":\"\x7f\"}", 1, 1, NULL, -1),
	C("{\"s\":\"abc", 0, -1, EOI, 9),
	C("{\"s\":\"abcdefghijklmnopqrstuvwxyz", 0, -1, EOI, 32),
	C("{\"s\":\"abcdefghijklmnop\\nqrstuvwxyz\"}", 1, 1, NULL, -1),
	C("{\"s\":\"abcdefghijklmnop\tqrstuvwxyz\"}", 0, -1, CTRL, 22),
	C("{\"s\":\"abcdefg\\\"hijklmnop\\\\\"}", 1, 1, NULL, -1),
	C("{\"abcdefghijklmnopqrstuvw\":\"abcdefghijklmnopq\"}", 1, 1, NULL,
	    -1),
	/* UTF-8 */
	C("{\"s\":\"\xc3\xa9\"}", 1, 1, NULL, -1),
	C("{\"s\":\"abcdefgh\xc3\xa9ijklmnop\"}", 1, 1, NULL, -1),
	C("{\"s\":\"\xe2\x82\xac\"}", 1, 1, NULL, -1),
	C("{\"s\":\"\xf0\x9f\x98\x80\"}", 1, 1, NULL, -1),
	C("{\"s\":\"\xf0\x90\x80\x80\"}", 1, 1, NULL, -1),
	C("{\"s\":\"\xf4\x8f\xbf\xbf\"}", 1, 1, NULL, -1),
	C("{\"s\":\"\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf\"}", 1, 1, NULL, -1),
	C("{\"s\":\"\xc2\x80\xdf\xbf\xe0\xa0\x80\"}", 1, 1, NULL, -1),
	C("{\"s\":\"\xf4\x90\x80\x80\"}", 0, -1, BADUTF8, 6),
	C("{\"s\":\"\xf5\x80\x80\x80\"}", 0, -1, BADUTF8, 6),
	C("{\"s\":\"\xf7\xbf\xbf\xbf\"}", 0, -1, BADUTF8, 6),
	C("{\"s\":\"\xc0\xaf\"}", 0, -1, BADUTF8, 6),
	C("{\"s\":\"\xc1\xbf\"}", 0, -1, BADUTF8, 6),
	C("{\"s\":\"\xe0\x80\xaf\"}", 0, -1, BADUTF8, 6),
	C("{\"s\":\"\xe0\x9f\xbf\"}", 0, -1, BADUTF8, 6),
	C("{\"s\":\"\xf0\x8f\xbf\xbf\"}", 0, -1, BADUTF8, 6),
	C("{\"s\":\"\xed\xa0\x80\"}", 0, -1, BADUTF8, 6),
	C("{\"s\":\"\xed\xbf\xbf\"}", 0, -1, BADUTF8, 6),
	C("{\"s\":\"\x80\"}", 0, -1, BADUTF8, 6),
	C("{\"s\":\"\xbf\"}", 0, -1, BADUTF8, 6),
	C("{\"s\":\"\xc3\"}", 0, -1, BADUTF8, 6),
	C("{\"s\":\"\xc3(\"}", 0, -1, BADUTF8, 6),
	C("{\"s\":\"\xe2\x82\"}", 0, -1, BADUTF8, 6),
	C("{\"s\":\"\xf0\x9f\x98\"}", 0, -1, BADUTF8, 6),
	C("{\"s\":\"\xf0\x9f\x98", 0, -1, BADUTF8, 6),
	C("{\"s\":\"\xfe\"}", 0, -1, BADUTF8, 6),
	C("{\"s\":\"\xff\"}", 0, -1, BADUTF8, 6),
	C("{\"\xc3\xa9\":1}", 1, 1, NULL, -1),
	C("{\"\xc3\":1}", 0, -1, BADUTF8, 2),
	C("\xc3\xa9", 0, -1, BADCHAR, 0),
	C("{\"a\":1,\xc3\xa9}", 0, -1, BADCHAR, 7),
	/* members */
	C("{\"a\":1,\"b\":[1,2,{\"c\":null}],\"d\":\"x\"}", 1, 3, NULL, -1),
	C("{\"a\":1,\"a\":2}", 1, 2, NULL, -1),
	C("{\"\":\"\"}", 1, 1, NULL, -1),
};

static int	 ndiag;			/* mismatches shown */

/* Print buf as a TAP diagnostic, escaping what is not printable. */
static void
diag(const char *what, const char *buf, size_t len)
{
	size_t	 i;
	int	 c;

	printf("# %s: \"", what);
	for (i = 0; i < len && i < 400; i++) {
		c = (unsigned char)buf[i];
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			putchar(c);
		else
			printf("\\x%02x", c);
	}
	printf("\"%s (%zu bytes)\n", i < len ? "..." : "", len);
}

/* Whether jansson accepts buf; *range is set when it refused a number. */
static json_t *
jload(const char *buf, size_t len, int *range)
{
	json_error_t	 e;
	json_t		*j;

	*range = 0;
	j = json_loadb(buf, len, JSON_DECODE_ANY, &e);
	if (j == NULL && (strstr(e.text, "too big") != NULL ||
	    strstr(e.text, "overflow") != NULL))
		*range = 1;
	return j;
}

/*
 * Whether buf is one of jansson's NUL quirks: jansson accepted it, yet it
 * holds a raw NUL byte.  jansson's lexer reads one byte past a number or a
 * literal and ungets it; its stream_get takes a NUL in its one-character
 * buffer for "empty" and reads on, so that NUL vanishes ("[1\0]" parses as
 * [1]).  A raw NUL is invalid for us.
 */
static int
nulquirk(const json_t *j, const char *buf, size_t len)
{
	return j != NULL && memchr(buf, '\0', len) != NULL;
}

/* Run the case table; returns the number of failed cases. */
static int
run_cases(int *jfail)
{
	struct js_object	 obj = { NULL, 0, 0 };
	const struct tcase	*t;
	const char		*why;
	char			*in;
	json_t			*j;
	size_t			 i, pos;
	int			 bad, v, o, range;

	bad = 0;
	*jfail = 0;
	for (i = 0; i < NELEM(cases); i++) {
		t = &cases[i];
		/* An exact copy, so that ASan sees any read past the end. */
		in = xmalloc(t->len);
		memcpy(in, t->in, t->len);
		v = js_validate(in, t->len, &pos, &why) == 0;
		why = NULL;
		pos = (size_t)-1;
		o = js_scan_object(in, t->len, &obj, &pos, &why) == 0;
		if (v != t->valid || o != (t->nmem >= 0) ||
		    (o && obj.n != (size_t)t->nmem) ||
		    (!o && t->why != NULL && strcmp(why, t->why) != 0) ||
		    (!o && t->pos >= 0 && pos != (size_t)t->pos)) {
			if (bad++ < 20) {
				printf("# case %zu: validate %d scan %d n %zu "
				    "why \"%s\" pos %zu\n", i, v, o,
				    o ? obj.n : 0, o ? "" : why, pos);
				diag("input", t->in, t->len);
			}
		}
		/* jansson must agree but for numbers out of its range. */
		j = jload(in, t->len, &range);
		if (!range && !nulquirk(j, in, t->len) && (j != NULL) != v) {
			(*jfail)++;
			printf("# case %zu: jansson %d, js_validate %d\n", i,
			    j != NULL, v);
			diag("input", t->in, t->len);
		}
		json_decref(j);
		free(in);
	}
	js_object_free(&obj);
	return bad;
}

/* n opening brackets of open, then inner, then n of close. */
static char *
nest(int n, const char *open, const char *inner, const char *close,
    size_t *len)
{
	struct buf	 b = { NULL, 0, 0 };
	int		 i;

	for (i = 0; i < n; i++)
		buf_adds(&b, open);
	buf_adds(&b, inner);
	for (i = 0; i < n; i++)
		buf_adds(&b, close);
	*len = b.len;
	return b.s;
}

/*
 * The nesting limit.  jansson counts the depth of every value, scalars
 * included, with the top level at 1, and refuses anything deeper than
 * 2048: 2048 nested empty arrays pass, 2048 arrays around a 1 do not.
 */
static void
test_depth(void)
{
	static const struct {
		int		 n;		/* containers */
		const char	*open;		/* each opens with */
		const char	*inner;		/* innermost text */
		const char	*close;		/* each closes with */
		int		 valid;		/* within the limit */
	} d[] = {
		{ 2048, "[", "", "]", 1 },
		{ 2049, "[", "", "]", 0 },
		{ 2047, "[", "1", "]", 1 },
		{ 2048, "[", "1", "]", 0 },
		{ 2047, "[", "{}", "]", 1 },
		{ 2047, "[", "\"s\"", "]", 1 },
		{ 2048, "[", "\"s\"", "]", 0 },
		{ 2047, "{\"a\":", "1", "}", 1 },
		{ 2048, "{\"a\":", "1", "}", 0 },
		{ 2047, "{\"a\":", "{}", "}", 1 },
		{ 2048, "{\"a\":", "{}", "}", 0 },
		{ 1024, "{\"a\":[", "", "]}", 1 },
		{ 1025, "{\"a\":[", "", "]}", 0 },
		{ 1023, "{\"a\":[", "1", "]}", 1 },
		{ 1024, "{\"a\":[", "1", "]}", 0 },
		{ 5000, "[", "", "]", 0 }
	};
	struct js_object	 obj = { NULL, 0, 0 };
	const char		*why;
	char			*s;
	json_t			*j;
	size_t			 i, len, pos;
	int			 v, o, range, isobj, bad;

	bad = 0;
	for (i = 0; i < NELEM(d); i++) {
		s = nest(d[i].n, d[i].open, d[i].inner, d[i].close, &len);
		why = "";
		v = js_validate(s, len, &pos, &why) == 0;
		j = jload(s, len, &range);
		isobj = d[i].open[0] == '{';
		o = js_scan_object(s, len, &obj, &pos, &why) == 0;
		if (v != d[i].valid || (j != NULL) != v || o != (v && isobj) ||
		    (!v && strcmp(why, DEEP) != 0)) {
			bad++;
			printf("# depth %d %s%s%s: validate %d jansson %d "
			    "scan %d why %s\n", d[i].n, d[i].open,
			    d[i].inner, d[i].close, v, j != NULL, o, why);
		}
		json_decref(j);
		free(s);
	}
	ok(bad == 0, "nesting limit matches jansson at 2048 (%zu cases)",
	    NELEM(d));
	s = nest(2049, "[", "", "]", &len);
	ok(js_validate(s, len, &pos, &why) == -1 && pos == 2048 &&
	    strcmp(why, DEEP) == 0, "too deep: position of the 2049th [");
	free(s);
	js_object_free(&obj);
}

/* Whether m's key is k and its value text is v. */
static int
span_is(const struct js_member *m, const char *k, int type, const char *v,
    int kesc, int vesc)
{
	return m != NULL && m->keylen == strlen(k) &&
	    memcmp(m->key, k, m->keylen) == 0 && m->type == type &&
	    m->vallen == strlen(v) && memcmp(m->val, v, m->vallen) == 0 &&
	    m->kesc == kesc && m->vesc == vesc;
}

/* Member spans and types of a hand-written object. */
static void
test_spans(void)
{
	static const char doc[] = " { \"id\" : \"100\" , \"k\\\"ey\":\"v\\nx\","
	    "\"n\":-1.5e3,\"t\":true,\"f\":false,\"z\":null,"
	    "\"o\":{\"a\":[1,2]},\"a\":[ {} , [] ] ,\"e\":\"\",\"i\":0 } ";
	struct js_object	 obj = { NULL, 0, 0 };
	const struct js_member	*m;
	const char		*why;
	size_t			 pos;

	ok(js_scan_object(doc, sizeof(doc) - 1, &obj, &pos, &why) == 0 &&
	    obj.n == 10, "spans: object with 10 members scans");
	if (obj.n != 10)
		return;
	m = obj.m;
	ok(span_is(&m[0], "id", JS_STRING, "100", 0, 0) &&
	    span_is(&m[1], "k\\\"ey", JS_STRING, "v\\nx", 1, 1),
	    "spans: strings inside the quotes, escapes flagged");
	ok(span_is(&m[2], "n", JS_NUMBER, "-1.5e3", 0, 0) &&
	    span_is(&m[9], "i", JS_NUMBER, "0", 0, 0),
	    "spans: numbers as text");
	ok(span_is(&m[3], "t", JS_TRUE, "true", 0, 0) &&
	    span_is(&m[4], "f", JS_FALSE, "false", 0, 0) &&
	    span_is(&m[5], "z", JS_NULL, "null", 0, 0),
	    "spans: literals");
	ok(span_is(&m[6], "o", JS_OBJECT, "{\"a\":[1,2]}", 0, 0) &&
	    span_is(&m[7], "a", JS_ARRAY, "[ {} , [] ]", 0, 0),
	    "spans: containers bracket to bracket");
	ok(span_is(&m[8], "e", JS_STRING, "", 0, 0) &&
	    m[8].val == strstr(doc, "\"e\":\"\"") + 5,
	    "spans: empty string points into the buffer");
	js_object_free(&obj);
	ok(obj.m == NULL && obj.n == 0 && obj.cap == 0,
	    "js_object_free resets the object");
}

/* Member array growth and reuse across calls. */
static void
test_growth(void)
{
	struct js_object	 obj = { NULL, 0, 0 };
	struct buf		 b = { NULL, 0, 0 };
	const struct js_member	*m, *save;
	const char		*why;
	char			 k[32];
	size_t			 pos, cap;
	int			 i;

	buf_addc(&b, '{');
	for (i = 0; i < 1000; i++) {
		snprintf(k, sizeof(k), "%s\"k%d\":%d", i ? "," : "", i, i);
		buf_adds(&b, k);
	}
	buf_addc(&b, '}');
	ok(js_scan_object(b.s, b.len, &obj, &pos, &why) == 0 &&
	    obj.n == 1000 && obj.cap >= 1000 &&
	    (m = js_get(&obj, "k999", 4)) != NULL &&
	    m->vallen == 3 && memcmp(m->val, "999", 3) == 0,
	    "growth: 1000 members");
	save = obj.m;
	cap = obj.cap;
	ok(js_scan_object("{\"x\":1}", 7, &obj, &pos, &why) == 0 &&
	    obj.n == 1 && obj.m == save && obj.cap == cap &&
	    js_get(&obj, "k1", 2) == NULL,
	    "growth: a second call reuses the array and resets n");
	ok(js_scan_object("{\"x\":1,}", 8, &obj, &pos, &why) == -1 &&
	    obj.n == 0, "growth: a failed scan leaves no members");
	buf_free(&b);
	js_object_free(&obj);
}

/* Whether js_get(obj, name) is the member whose value text is v. */
static int
get_is(const struct js_object *obj, const char *name, size_t len,
    const char *v)
{
	const struct js_member	*m;

	if ((m = js_get(obj, name, len)) == NULL)
		return v == NULL;
	return v != NULL && m->vallen == strlen(v) &&
	    memcmp(m->val, v, m->vallen) == 0;
}

/* js_get: last duplicate wins, escaped keys match their decoding. */
static void
test_get(void)
{
	static const char dup[] = "{\"a\":1,\"b\":2,\"a\":3,\"ab\":4}";
	static const char esc[] = "{\"\\u0061\":1,\"a\":2,\"\\u0062\":3,"
	    "\"k\\\"ey\":4,\"\\ud83d\\ude00\":5,\"\":6,\"t\\tab\\/\":7,"
	    "\"\\u00e9\\u00E9\":8,\"\\u0063\":9}";
	struct js_object	 obj = { NULL, 0, 0 };
	struct buf		 b = { NULL, 0, 0 };
	const char		*why;
	char			 big[400];
	size_t			 pos;
	int			 i;

	ok(js_scan_object(dup, sizeof(dup) - 1, &obj, &pos, &why) == 0 &&
	    obj.n == 4 && get_is(&obj, "a", 1, "3") &&
	    get_is(&obj, "b", 1, "2") && get_is(&obj, "ab", 2, "4") &&
	    get_is(&obj, "c", 1, NULL) && get_is(&obj, "", 0, NULL) &&
	    get_is(&obj, "abc", 3, NULL),
	    "js_get: duplicate keys, the last wins");
	ok(js_scan_object(esc, sizeof(esc) - 1, &obj, &pos, &why) == 0 &&
	    obj.n == 9 && obj.m[0].kesc && !obj.m[1].kesc &&
	    get_is(&obj, "a", 1, "2") && get_is(&obj, "b", 1, "3") &&
	    get_is(&obj, "k\"ey", 4, "4") &&
	    get_is(&obj, "\xf0\x9f\x98\x80", 4, "5") &&
	    get_is(&obj, "", 0, "6") && get_is(&obj, "t\tab/", 5, "7") &&
	    get_is(&obj, "\xc3\xa9\xc3\xa9", 4, "8") &&
	    get_is(&obj, "c", 1, "9") && get_is(&obj, "cc", 2, NULL) &&
	    get_is(&obj, "\\u0063", 6, NULL) && get_is(&obj, "k", 1, NULL) &&
	    get_is(&obj, "\xc3\xa9", 2, NULL),
	    "js_get: keys with escapes match their decoded form");
	/* A long key with escapes. */
	buf_adds(&b, "{\"");
	for (i = 0; i < 300; i++)
		buf_adds(&b, i % 50 == 0 ? "\\n" : "x");
	buf_adds(&b, "\":1,\"y\":2}");
	for (i = 0; i < 300; i++)
		big[i] = i % 50 == 0 ? '\n' : 'x';
	ok(js_scan_object(b.s, b.len, &obj, &pos, &why) == 0 &&
	    obj.n == 2 && get_is(&obj, big, 300, "1") &&
	    get_is(&obj, big, 299, NULL) && get_is(&obj, "y", 1, "2"),
	    "js_get: a 300-byte key with escapes");
	buf_free(&b);
	js_object_free(&obj);
}

/* Whether js_unescape turns in into want (wlen bytes). */
static int
unesc_is(const char *in, const char *want, size_t wlen)
{
	char	 out[256];
	size_t	 n;

	memset(out, 0xaa, sizeof(out));
	n = js_unescape(in, strlen(in), out);
	return n == wlen && memcmp(out, want, n) == 0 &&
	    (unsigned char)out[strlen(in)] == 0xaa;
}

static void
test_unescape(void)
{
	char	 buf[64];
	size_t	 n;

	ok(unesc_is("\\\"\\\\\\/\\b\\f\\n\\r\\t", "\"\\/\b\f\n\r\t", 8),
	    "js_unescape: each short escape");
	ok(unesc_is("a\\u0041\\u00e9\\u00C9\\u20AC\\uffff\\u0001z",
	    "aA\xc3\xa9\xc3\x89\xe2\x82\xac\xef\xbf\xbf\x01z", 14),
	    "js_unescape: \\u escapes to 1, 2 and 3 UTF-8 bytes");
	ok(unesc_is("\\ud83d\\ude00", "\xf0\x9f\x98\x80", 4) &&
	    unesc_is("x\\uDBFF\\uDFFFy", "x\xf4\x8f\xbf\xbfy", 6) &&
	    unesc_is("\\uD800\\uDC00", "\xf0\x90\x80\x80", 4),
	    "js_unescape: surrogate pairs to 4-byte UTF-8");
	ok(unesc_is("plain \xc3\xa9 text", "plain \xc3\xa9 text", 13) &&
	    unesc_is("", "", 0), "js_unescape: no escapes copies through");
	strcpy(buf, "ab\\ncd\\u00e9\\ud83d\\ude00!");
	n = js_unescape(buf, strlen(buf), buf);
	ok(n == 12 && memcmp(buf, "ab\ncd\xc3\xa9\xf0\x9f\x98\x80!", 12) == 0,
	    "js_unescape: in place");
	ok(unesc_is("a\\", "a\\", 2) && unesc_is("\\u12", "\\u12", 4) &&
	    unesc_is("\\q", "\\q", 2),
	    "js_unescape: never overruns unvalidated input");
}

/* The fuzz generator: splitmix64 with a fixed seed. */
static uint64_t	 rng = FUZZ_SEED;

static uint64_t
rnd(void)
{
	uint64_t	 z;

	z = (rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number in [0, n). */
static unsigned
rn(unsigned n)
{
	return rnd() % n;
}

/* Rarely, to seed errors into otherwise valid text. */
#define RARELY()	(rn(400) == 0)

static void
gen_ws(struct buf *b)
{
	static const char ws[] = " \t\n\r";
	int		 n;

	if (rn(4) != 0)
		return;
	for (n = rn(3) + 1; n > 0; n--)
		buf_addc(b, ws[rn(4)]);
	if (RARELY())
		buf_addc(b, "\f\v\0"[rn(3)]);
}

/* Code point cp as UTF-8, or as a \u escape (pair) when esc. */
static void
gen_cp(struct buf *b, unsigned long cp, int esc)
{
	unsigned char	 u[4];
	char		 x[16];
	int		 up;

	up = rn(2);
	if (esc && cp >= 0x10000) {
		cp -= 0x10000;
		snprintf(x, sizeof(x), up ? "\\u%04lX\\u%04lX" :
		    "\\u%04lx\\u%04lx", 0xd800 + (cp >> 10),
		    0xdc00 + (cp & 0x3ff));
		buf_adds(b, x);
	} else if (esc) {
		snprintf(x, sizeof(x), up ? "\\u%04lX" : "\\u%04lx", cp);
		buf_adds(b, x);
	} else if (cp < 0x80)
		buf_addc(b, cp);
	else if (cp < 0x800) {
		u[0] = 0xc0 | cp >> 6;
		u[1] = 0x80 | (cp & 0x3f);
		buf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = 0xe0 | cp >> 12;
		u[1] = 0x80 | (cp >> 6 & 0x3f);
		u[2] = 0x80 | (cp & 0x3f);
		buf_add(b, u, 3);
	} else {
		u[0] = 0xf0 | cp >> 18;
		u[1] = 0x80 | (cp >> 12 & 0x3f);
		u[2] = 0x80 | (cp >> 6 & 0x3f);
		u[3] = 0x80 | (cp & 0x3f);
		buf_add(b, u, 4);
	}
}

/* A random code point of 1 to 4 UTF-8 bytes, not a surrogate or NUL. */
static unsigned long
gen_rcp(void)
{
	static const unsigned long edge[] = {
		0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xfffd, 0xffff,
		0x10000, 0x10ffff
	};
	unsigned long	 cp;

	switch (rn(5)) {
	case 0:
		return 1 + rn(0x7f);
	case 1:
		return 0x80 + rn(0x800 - 0x80);
	case 2:
		cp = 0x800 + rn(0x10000 - 0x800);
		return cp >= 0xd800 && cp <= 0xdfff ? cp - 0x800 : cp;
	case 3:
		return 0x10000 + rn(0x110000 - 0x10000);
	default:
		return edge[rn(NELEM(edge))];
	}
}

/* Bad raw bytes for strings: overlongs, surrogates, cut sequences. */
static const char *const badraw[] = {
	"\xc0\x80", "\xc1\xbf", "\xe0\x80\x80", "\xe0\x9f\xbf",
	"\xed\xa0\x80", "\xed\xbf\xbf", "\xf0\x8f\xbf\xbf", "\xf4\x90\x80\x80",
	"\xf5\x80\x80\x80", "\xf8\x88\x80\x80\x80", "\x80", "\xbf", "\xc3",
	"\xe2\x82", "\xf0\x9f\x98", "\xfe", "\xff", "\xc3\x28", "\t", "\n",
	"\x01", "\x1f"
};

/* Bad escapes: lone and crossed surrogates, NUL, unknown letters. */
static const char *const badesc[] = {
	"\\ud800", "\\udbff", "\\udc00", "\\udfff", "\\ud800\\u0041",
	"\\ud800\\ud800", "\\udc00\\ud800", "\\ud800x", "\\u0000", "\\x",
	"\\U0041", "\\u12", "\\u12g4", "\\'", "\\a", "\\0", "\\ud800\\n"
};

/* Keys drawn from a small pool so that duplicates happen. */
static const char *const keys[] = {
	"a", "b", "\\u0061", "id", "i\\u0064", "", "\\ud83d\\ude00",
	"\xf0\x9f\x98\x80", "k\\\"ey", "k\\u0022ey", "\\/", "/"
};

static void
gen_string(struct buf *b)
{
	static const char esc[] = "\"\\/bfnrt";
	const char	*s;
	int		 n, c;

	buf_addc(b, '"');
	for (n = rn(4) ? rn(12) : rn(40); n > 0; n--) {
		switch (rn(16)) {
		case 0:
			buf_addc(b, '\\');
			buf_addc(b, esc[rn(8)]);
			break;
		case 1:
			gen_cp(b, gen_rcp(), 1);
			break;
		case 2:
			gen_cp(b, gen_rcp(), 0);
			break;
		case 3:
			if (RARELY() || rn(50) == 0) {
				s = rn(2) ? badraw[rn(NELEM(badraw))] :
				    badesc[rn(NELEM(badesc))];
				buf_adds(b, s);
				break;
			}
			/* FALLTHROUGH */
		default:
			c = 0x20 + rn(0x5f);
			buf_addc(b, c == '"' || c == '\\' ? 'q' : c);
		}
	}
	if (!RARELY())
		buf_addc(b, '"');
}

static void
gen_key(struct buf *b)
{
	if (rn(3) == 0) {
		buf_addc(b, '"');
		buf_adds(b, keys[rn(NELEM(keys))]);
		buf_addc(b, '"');
	} else
		gen_string(b);
}

static void
gen_digits(struct buf *b, int n)
{
	while (n-- > 0)
		buf_addc(b, '0' + rn(10));
}

static void
gen_number(struct buf *b)
{
	static const char *const bad[] = {
		"01", "1.", ".5", "-", "+1", "1e", "1e+", "0x1", "--1", "1.e5",
		"00", "-01", "1E", "Infinity", "NaN", "1.5.5"
	};

	if (RARELY()) {
		buf_adds(b, bad[rn(NELEM(bad))]);
		return;
	}
	if (rn(3) == 0)
		buf_addc(b, '-');
	if (rn(4) == 0)
		buf_addc(b, '0');
	else {
		buf_addc(b, '1' + rn(9));
		gen_digits(b, rn(8) ? rn(6) : rn(25));
	}
	if (rn(3) == 0) {
		buf_addc(b, '.');
		gen_digits(b, 1 + rn(6));
	}
	if (rn(4) == 0) {
		buf_addc(b, "eE"[rn(2)]);
		if (rn(2))
			buf_addc(b, "+-"[rn(2)]);
		gen_digits(b, 1 + rn(rn(10) ? 2 : 4));
	}
}

static void gen_value(struct buf *, int);

static void
gen_object(struct buf *b, int depth)
{
	int	 n, i;

	buf_addc(b, '{');
	n = rn(3) ? rn(6) : 0;
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addc(b, ',');
		gen_ws(b);
		gen_key(b);
		gen_ws(b);
		if (!RARELY())
			buf_addc(b, ':');
		gen_ws(b);
		gen_value(b, depth + 1);
		gen_ws(b);
	}
	if (RARELY())
		buf_addc(b, ',');
	gen_ws(b);
	buf_addc(b, '}');
}

static void
gen_value(struct buf *b, int depth)
{
	static const char *const lit[] = {
		"true", "false", "null", "tru", "nul", "True", "nulll", "f"
	};
	int	 n, i;

	switch (depth > 4 ? 2 + rn(6) : rn(9)) {
	case 0:
	case 1:
		gen_object(b, depth);
		break;
	case 2:
		buf_addc(b, '[');
		n = rn(3) ? rn(5) : 0;
		for (i = 0; i < n; i++) {
			if (i > 0)
				buf_addc(b, ',');
			gen_ws(b);
			gen_value(b, depth + 1);
			gen_ws(b);
		}
		if (RARELY())
			buf_addc(b, ',');
		buf_addc(b, ']');
		break;
	case 3:
	case 4:
		gen_string(b);
		break;
	case 5:
	case 6:
		gen_number(b);
		break;
	default:
		buf_adds(b, lit[RARELY() ? 3 + rn(5) : rn(3)]);
	}
}

/* A whole document: usually an object, sometimes any value. */
static void
gen_doc(struct buf *b)
{
	b->len = 0;
	gen_ws(b);
	if (rn(5) != 0)
		gen_object(b, 0);
	else
		gen_value(b, 0);
	gen_ws(b);
	if (RARELY())
		buf_adds(b, rn(2) ? "x" : "{}");
}

/* Bytes worth inserting: structure, number and literal parts, UTF-8. */
static const char interesting[] = "{}[]\":,\\0123456789-+.eEtrufalsn \t\n\r"
    "\x00\x80\xbf\xc3\xed\xf4\xff/u";

/* Apply one to three random edits to b. */
static void
mutate(struct buf *b)
{
	size_t	 at, n;
	int	 k;

	for (k = 1 + rn(3); k > 0; k--) {
		at = b->len ? rn(b->len) : 0;
		switch (rn(6)) {
		case 0:		/* flip a bit */
			if (b->len)
				b->s[at] ^= 1 << rn(8);
			break;
		case 1:		/* overwrite a byte */
			if (b->len)
				b->s[at] = interesting[rn(sizeof(interesting)
				    - 1)];
			break;
		case 2:		/* insert a byte */
			buf_addc(b, 0);
			memmove(b->s + at + 1, b->s + at, b->len - at - 1);
			b->s[at] = rn(4) ? interesting[rn(sizeof(interesting)
			    - 1)] : (char)rn(256);
			break;
		case 3:		/* delete a byte */
			if (b->len) {
				memmove(b->s + at, b->s + at + 1,
				    b->len - at - 1);
				b->len--;
			}
			break;
		case 4:		/* duplicate a run */
			n = rn(8) + 1;
			if (at + n > b->len)
				n = b->len - at;
			buf_grow(b, n);
			memmove(b->s + at + n, b->s + at, b->len - at);
			b->len += n;
			break;
		default:	/* truncate */
			b->len = at;
		}
	}
}

struct fuzzstat {
	int	 inputs;		/* inputs checked */
	int	 valid;			/* inputs jansson accepted */
	int	 objects;		/* of them, objects */
	int	 range;			/* skipped: number range */
	int	 nulq;			/* jansson's NUL quirk */
	int	 qbad;			/* of them, not as expected */
	int	 vbad;			/* js_validate disagreed */
	int	 obad;			/* js_scan_object disagreed */
	int	 wbad;			/* bad error position, reason */
	int	 nbad;			/* member count disagreed */
	int	 strings;		/* string members compared */
	int	 sbad;			/* of them, decoded otherwise */
	int	 others;		/* other members compared */
	int	 xbad;			/* of them, parsed otherwise */
	int	 gbad;			/* js_get missed a key */
};

/* Report a mismatch for the first few inputs only. */
static void
mismatch(const char *what, const char *in, size_t len)
{
	if (ndiag++ < MAXDIAG)
		diag(what, in, len);
}

/* Compare the members of obj with jansson's object j. */
static void
check_members(struct fuzzstat *st, const struct js_object *obj, json_t *j,
    const char *in, size_t len)
{
	const struct js_member	*m;
	json_error_t		 e;
	json_t			*jm, *x;
	char			*key, *val;
	size_t			 i, klen, vlen, uniq;

	uniq = 0;
	for (i = 0; i < obj->n; i++) {
		m = &obj->m[i];
		key = xmalloc(m->keylen + 1);
		klen = js_unescape(m->key, m->keylen, key);
		if (js_get(obj, key, klen) == m)
			uniq++;
		else if (js_get(obj, key, klen) == NULL ||
		    js_get(obj, key, klen) < m) {
			st->gbad++;
			mismatch("js_get", in, len);
		}
		if ((jm = json_object_getn(j, key, klen)) == NULL) {
			st->gbad++;
			mismatch("key unknown to jansson", in, len);
		} else if (js_get(obj, key, klen) == m &&
		    m->type == JS_STRING) {
			st->strings++;
			val = xmalloc(m->vallen + 1);
			vlen = js_unescape(m->val, m->vallen, val);
			if (!json_is_string(jm) ||
			    vlen != json_string_length(jm) ||
			    memcmp(val, json_string_value(jm), vlen) != 0) {
				st->sbad++;
				mismatch("string value", in, len);
			}
			free(val);
		} else if (js_get(obj, key, klen) == m) {
			st->others++;
			x = json_loadb(m->val, m->vallen, JSON_DECODE_ANY, &e);
			if (x == NULL || !json_equal(x, jm) ||
			    json_typeof(x) != json_typeof(jm) ||
			    (m->type == JS_OBJECT) != json_is_object(x) ||
			    (m->type == JS_ARRAY) != json_is_array(x) ||
			    (m->type == JS_NUMBER) != json_is_number(x) ||
			    (m->type == JS_TRUE) != json_is_true(x) ||
			    (m->type == JS_FALSE) != json_is_false(x) ||
			    (m->type == JS_NULL) != json_is_null(x)) {
				st->xbad++;
				mismatch("value span", in, len);
			}
			json_decref(x);
		}
		free(key);
	}
	if (uniq != json_object_size(j)) {
		st->nbad++;
		mismatch("member count", in, len);
	}
}

/* Check one input against jansson. */
static void
check(struct fuzzstat *st, struct js_object *obj, const char *buf,
    size_t len)
{
	const char	*why;
	char		*in;
	json_t		*j;
	size_t		 pos, i;
	int		 v, o, range, jobj;

	/* An exact copy, so that ASan sees any read past the end. */
	in = xmalloc(len);
	memcpy(in, buf, len);
	st->inputs++;
	j = jload(in, len, &range);
	if (range) {
		/*
		 * Skip: jansson refused a number outside long long or double
		 * range ("too big integer", "real number overflow").  We
		 * keep numbers as text and accept them by design.
		 */
		st->range++;
		free(in);
		return;
	}
	if (nulquirk(j, in, len)) {
		/* Refused by us, accepted without the NUL bytes. */
		st->nulq++;
		v = js_validate(in, len, &pos, &why) == 0;
		o = js_scan_object(in, len, obj, &pos, &why) == 0;
		for (pos = i = 0; i < len; i++)
			if (in[i] != '\0')
				in[pos++] = in[i];
		if (v || o || js_validate(in, pos, &pos, &why) != 0) {
			st->qbad++;
			mismatch("NUL quirk", buf, len);
		}
		json_decref(j);
		free(in);
		return;
	}
	if (j != NULL)
		st->valid++;
	why = NULL;
	pos = (size_t)-1;
	v = js_validate(in, len, &pos, &why) == 0;
	if (v != (j != NULL)) {
		st->vbad++;
		mismatch(v ? "js_validate accepts" : "js_validate refuses",
		    in, len);
	}
	if (!v && (pos > len || why == NULL)) {
		st->wbad++;
		mismatch("error position", in, len);
	}
	jobj = j != NULL && json_is_object(j);
	why = NULL;
	o = js_scan_object(in, len, obj, &pos, &why) == 0;
	if (o != jobj) {
		st->obad++;
		mismatch(o ? "js_scan_object accepts" :
		    "js_scan_object refuses", in, len);
	}
	if (!o && (pos > len || why == NULL ||
	    (v && strcmp(why, NOTOBJ) != 0))) {
		st->wbad++;
		mismatch("scan error position or reason", in, len);
	}
	if (o && jobj) {
		st->objects++;
		check_members(st, obj, j, in, len);
	}
	json_decref(j);
	free(in);
}

/*
 * Differential fuzzing against jansson.  Two differences are known and
 * handled apart: jansson's number range (skipped, see check()) and its
 * NUL quirk (checked against our own rule, see nulquirk()).
 */
static void
test_fuzz(void)
{
	struct fuzzstat		 st;
	struct js_object	 obj = { NULL, 0, 0 };
	struct buf		 b = { NULL, 0, 0 };
	int			 i;

	memset(&st, 0, sizeof(st));
	for (i = 0; i < FUZZ_N; i++) {
		gen_doc(&b);
		if (i % 2)
			mutate(&b);
		check(&st, &obj, b.s, b.len);
	}
	printf("# fuzz: %d inputs, %d valid, %d objects, %d skipped for "
	    "number range\n", st.inputs, st.valid, st.objects, st.range);
	ok(st.inputs == FUZZ_N && st.valid > FUZZ_N / 5 &&
	    st.inputs - st.valid - st.range > FUZZ_N / 5 &&
	    st.objects > FUZZ_N / 10 && st.range < FUZZ_N / 20,
	    "fuzz: a fair mix of valid and invalid inputs");
	ok(st.vbad == 0, "fuzz: js_validate agrees with jansson (%d of %d "
	    "differ)", st.vbad, st.inputs - st.range);
	ok(st.qbad == 0, "fuzz: %d inputs with a NUL jansson drops after a "
	    "token: refused, valid without it (%d not)", st.nulq, st.qbad);
	ok(st.obad == 0, "fuzz: js_scan_object agrees with jansson's "
	    "objects (%d differ)", st.obad);
	ok(st.wbad == 0, "fuzz: errors have a reason and a position within "
	    "the input (%d not)", st.wbad);
	ok(st.nbad == 0, "fuzz: distinct keys equal json_object_size on %d "
	    "objects (%d differ)", st.objects, st.nbad);
	ok(st.gbad == 0, "fuzz: js_get finds each key as jansson does "
	    "(%d differ)", st.gbad);
	ok(st.sbad == 0 && st.strings > 1000, "fuzz: %d string members "
	    "decode as jansson's (%d differ)", st.strings, st.sbad);
	ok(st.xbad == 0 && st.others > 1000, "fuzz: %d other member spans "
	    "parse to jansson's values (%d differ)", st.others, st.xbad);
	buf_free(&b);
	js_object_free(&obj);
}

int
main(void)
{
	int	 bad, jfail;

	bad = run_cases(&jfail);
	ok(bad == 0, "%zu hand-written cases: verdict, members, reason and "
	    "position", NELEM(cases));
	ok(jfail == 0, "hand-written cases agree with jansson, but for "
	    "number range and NUL after a token");
	test_depth();
	test_spans();
	test_growth();
	test_get();
	test_unescape();
	test_fuzz();
	return tap_done();
}
