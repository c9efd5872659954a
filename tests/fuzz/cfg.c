/*
 * cfg: a libFuzzer harness for the connections-file parser.  The input is
 * a connections file; cfg_load reads connection [shop] from it, which must
 * not crash or leak (ASan, LeakSanitizer), and must read it as a small
 * model of the format in cfg.h reads it, with every byte as data:
 *
 *  - lines are cut at '\n'; each is trimmed of blanks and tabs in front
 *    and of blanks, tabs and '\r' behind; empty lines and lines starting
 *    '#' or ';' say nothing;
 *  - "[name]" starts a section (the name trimmed; "[]" is no section),
 *    and [shop] twice is an error;
 *  - any other line is "key = value", key and value trimmed, the key not
 *    empty, and a key twice in [shop] is an error.
 *
 * A file cfg_load takes must read back as written: [shop]'s keys, values
 * and lines, all of them, in order, nothing more, with cfg_get and
 * cfg_line agreeing.  A file it refuses must be refused by the model on
 * the same line, or hold a NUL byte on the line it names (a NUL is never
 * text to read back).  A mismatch prints what differs and aborts.
 */
#define _GNU_SOURCE		/* memfd_create */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg.h"
#include "util.h"

#define NAME	"shop"			/* the connection asked for */
#define MAXKV	4096			/* more than any input holds */

struct kv {
	const char	*key;		/* in the input, not NUL-terminated */
	size_t		 klen;		/* its length */
	const char	*val;		/* the value, likewise */
	size_t		 vlen;		/* its length */
	unsigned long	 line;		/* where it is */
};

int	 LLVMFuzzerInitialize(int *, char ***);
int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	 memfd = -1;		/* the connections file */
static char	 path[64];		/* its name */
static const char *in;			/* the input, for messages */
static size_t	 inlen;			/* its length */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if ((memfd = memfd_create("fuzz-cfg", 0)) == -1 ||
	    fchmod(memfd, 0600) == -1) {
		perror("memfd");
		exit(1);
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	return 0;
}

/* Say what differs on the current input, and stop. */
static void
bad(const char *what, const char *err)
{
	size_t	 i;
	int	 c;

	fprintf(stderr, "cfg: %s\n", what);
	if (err != NULL)
		fprintf(stderr, "cfg_load: %s\n", err);
	fprintf(stderr, "input (%zu bytes): \"", inlen);
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

/* Trim s[0..*n) as the model says: blanks and tabs, '\r' behind too. */
static const char *
trim(const char *s, size_t *n)
{
	while (*n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		(*n)--;
	}
	while (*n > 0 && (s[*n - 1] == ' ' || s[*n - 1] == '\t' ||
	    s[*n - 1] == '\r'))
		(*n)--;
	return s;
}

static int
eq(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

/*
 * Read s[0..len) as the model does, filling kv (*nkv of them).  Returns 0
 * when it takes the file, else the line it refuses it on, or ULONG_MAX
 * for an error at the end (no [shop] at all).
 */
static unsigned long
model(const char *s, size_t len, struct kv *kv, size_t *nkv)
{
	const char	*p, *e, *t, *eq_;
	size_t		 n, i, tn;
	unsigned long	 line;
	int		 cur, seen;

	*nkv = 0;
	cur = seen = 0;
	line = 0;
	for (p = s; p < s + len; p = e + 1) {
		if ((e = memchr(p, '\n', (size_t)(s + len - p))) == NULL)
			e = s + len;
		line++;
		n = (size_t)(e - p);
		t = trim(p, &n);
		if (n == 0 || *t == '#' || *t == ';')
			continue;
		if (*t == '[') {
			if (t[n - 1] != ']' || n < 3)
				return line;
			n -= 2;
			t = trim(t + 1, &n);
			cur = eq(t, n, NAME, strlen(NAME));
			if (cur && seen++)
				return line;
			continue;
		}
		if ((eq_ = memchr(t, '=', n)) == NULL)
			return line;
		tn = (size_t)(eq_ - t);
		kv[*nkv].key = trim(t, &tn);
		kv[*nkv].klen = tn;
		tn = n - (size_t)(eq_ + 1 - t);
		kv[*nkv].val = trim(eq_ + 1, &tn);
		kv[*nkv].vlen = tn;
		kv[*nkv].line = line;
		if (kv[*nkv].klen == 0)
			return line;
		if (!cur)
			continue;
		for (i = 0; i < *nkv; i++)
			if (eq(kv[i].key, kv[i].klen, kv[*nkv].key,
			    kv[*nkv].klen))
				return line;
		(*nkv)++;
	}
	return seen ? 0 : ULONG_MAX;
}

/* Whether line ln of s[0..len) holds a NUL byte. */
static int
nulline(const char *s, size_t len, unsigned long ln)
{
	const char	*p, *e;
	unsigned long	 line;

	line = 0;
	for (p = s; p < s + len; p = e + 1) {
		if ((e = memchr(p, '\n', (size_t)(s + len - p))) == NULL)
			e = s + len;
		if (++line == ln)
			return memchr(p, '\0', (size_t)(e - p)) != NULL;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kv kv[MAXKV];
	struct cfg	*c;
	char		 err[1024], *end;
	const char	*v;
	unsigned long	 want, got;
	size_t		 nkv, i, plen;

	if (size > MAXKV)
		return 0;
	in = (const char *)data;
	inlen = size;
	if (ftruncate(memfd, 0) == -1 ||
	    pwrite(memfd, data, size, 0) != (ssize_t)size) {
		perror("memfd");
		abort();
	}
	want = model(in, size, kv, &nkv);
	err[0] = '\0';
	c = cfg_load(path, NAME, err, sizeof(err));
	if (c == NULL) {
		/* "path:LINE: reason", or "path: reason" at the end. */
		plen = strlen(path);
		if (strncmp(err, path, plen) != 0 || err[plen] != ':')
			bad("the message does not start with the file", err);
		got = ULONG_MAX;
		if (err[plen + 1] != ' ') {
			got = strtoul(err + plen + 1, &end, 10);
			if (*end != ':' || got == 0)
				bad("the message has no line", err);
		}
		if (got != want && !(nulline(in, size, got) &&
		    (want == 0 || want > got)))
			bad(want == 0 ? "refused, the model takes it" :
			    "refused on another line than the model's", err);
		return 0;
	}
	if (want != 0)
		bad("taken, the model refuses it", NULL);
	if (c->name == NULL || strcmp(c->name, NAME) != 0 ||
	    strcmp(c->file, path) != 0)
		bad("the connection's name or file is wrong", NULL);
	if (c->n != nkv)
		bad("not the model's number of keys", NULL);
	for (i = 0; i < nkv; i++) {
		if (!eq(c->kv[i].key, strlen(c->kv[i].key), kv[i].key,
		    kv[i].klen) || !eq(c->kv[i].val, strlen(c->kv[i].val),
		    kv[i].val, kv[i].vlen) || c->kv[i].line != kv[i].line)
			bad("a key, value or line does not read back as "
			    "written", NULL);
		if ((v = cfg_get(c, c->kv[i].key)) != c->kv[i].val ||
		    cfg_line(c, c->kv[i].key) != kv[i].line)
			bad("cfg_get or cfg_line finds another key", NULL);
	}
	cfg_free(c);
	return 0;
}
