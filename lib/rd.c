/*
 * rd: the record reader.  Bytes come in through read(2), optionally through
 * iconv, are cut into physical lines, and each line goes to libcsv or to the
 * JSON scanner.  Feeding libcsv one line at a time is what lets every record
 * know the line it starts on and the bytes it was read from.
 */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <csv.h>

#include "rd.h"
#include "utf8.h"
#include "util.h"

/* tests/fuzz builds them small, so that short inputs cross buffers too. */
#ifndef RD_BUFSIZE
#define RD_BUFSIZE	(256 * 1024)	/* bytes read at a time */
#endif
#ifndef RD_SNIFFSIZE
#define RD_SNIFFSIZE	(64 * 1024)	/* bytes looked at to sniff */
#endif
#define RD_SNIFFLINES	20		/* data lines a sniff may check */

/*
 * The kinds of Singer message (hub.meltano.com/singer/spec; the
 * specification is SPEC.md of github.com/singer-io/getting-started, its
 * reading parse_message in singer-python's messages.py).
 */
enum sg_kind {
	SG_RECORD,			/* stream, record: a record */
	SG_SCHEMA,			/* stream, schema, key_properties */
	SG_STATE,			/* value */
	SG_VERSION,			/* ACTIVATE_VERSION: stream, version */
	SG_OTHER,			/* another type: the spec permits it */
	SG_NKIND			/* how many kinds */
};

struct input {
	int		 fd;		/* the open file */
	const char	*name;		/* its name for messages */
	char		*buf;		/* UTF-8 bytes */
	size_t		 cap;		/* size of buf */
	size_t		 pos;		/* first unconsumed byte */
	size_t		 end;		/* end of valid bytes */
	size_t		 scan;		/* bytes after pos known to lack '\n' */
	int		 eof;		/* no more bytes to read */
	iconv_t		 cd;		/* transcoder, or (iconv_t)-1 */
	char		*ib;		/* bytes before transcoding */
	size_t		 ilen;		/* bytes waiting in ib */
	unsigned long	 lineno;	/* lines consumed so far */
};

struct want {
	char		*name;		/* column or member name */
	size_t		 len;		/* its length */
	int		 required;	/* a CSV header must have it */
	struct field	 val;		/* value in the current record */
	struct buf	 dec;		/* decoded JSON string */
};

struct reader {
	struct rd_opts	 o;		/* options as given */
	char *const	*paths;		/* files to read */
	int		 npaths;	/* how many */
	int		 next;		/* next path to open */
	int		 isopen;	/* in holds an open file */
	const char	*name;		/* name of the current or last file */
	int		 hdronly;	/* next_csv stops after the header */
	struct input	 in;		/* the current file */
	enum rec_format	 fmt;		/* of the current file */
	enum rec_format	 first;		/* of the first file */
	int		 empty;		/* every input was empty */
	int		 gothdr;	/* the CSV header is read */
	struct csv_parser csv;		/* libcsv state */
	int		 csvinit;	/* csv is initialised */
	int		 csvdone;	/* libcsv ended a record */
	int		 csvdirty;	/* libcsv must start afresh */
	int		 fastpath;	/* split quote-free lines directly */
	struct rec_header hdr;		/* CSV header of the current file */
	int		*map;		/* want id to CSV column, or -1 */
	struct buf	 cells;		/* bytes of the cells being parsed */
	size_t		*off;		/* offset and length of each cell */
	size_t		 ncell;		/* cells parsed in this record */
	size_t		 celcap;	/* pairs allocated in off */
	struct field	*fields;	/* cells of the record handed out */
	size_t		 fldcap;	/* fields allocated */
	struct buf	 rawbuf;	/* raw bytes of a multi-line record */
	struct buf	 namebuf;	/* decoded JSON key for rec_name */
	struct buf	 valbuf;	/* decoded JSON string for rec_value */
	struct want	*want;		/* wanted columns */
	int		 nwant;		/* how many */
	struct record	 rec;		/* the record handed out */
	int		 failed;	/* a fatal error happened */
	char		 err[1024];	/* why */
	unsigned long	 count;		/* records handed out */
	unsigned long	 rejected;	/* records set aside */
	struct js_object env;		/* Singer: the message's members */
	struct buf	 stream;	/* Singer: this file's stream */
	struct buf	 sgname;	/* Singer: a record's stream */
	int		 gotstream;	/* stream is set */
	unsigned long	 sgrec;		/* Singer: records of this file */
	unsigned long	 sgskip[SG_NKIND];	/* messages passed over */
};

static void	 fail(struct reader *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
fail(struct reader *rd, const char *fmt, ...)
{
	va_list	 ap;

	if (rd->failed)
		return;			/* keep the first reason */
	rd->failed = 1;
	va_start(ap, fmt);
	vsnprintf(rd->err, sizeof(rd->err), fmt, ap);
	va_end(ap);
}

void
rd_opts_init(struct rd_opts *o)
{
	memset(o, 0, sizeof(*o));
}

/* Read more raw bytes into in->buf, transcoding when asked.  -1 on error. */
static int
in_read(struct reader *rd, struct input *in)
{
	ssize_t	 n;
	size_t	 room;
	char	*ip, *op;
	size_t	 il, ol;

	if (in->pos > 0 && in->pos == in->end) {
		in->pos = in->end = 0;
	} else if (in->pos > 0 && in->end == in->cap) {
		memmove(in->buf, in->buf + in->pos, in->end - in->pos);
		in->end -= in->pos;
		in->pos = 0;
	}
	if (in->cap - in->end < 16) {
		in->cap *= 2;
		in->buf = xreallocarray(in->buf, in->cap, 1);
	}
	room = in->cap - in->end;
	if (in->cd == (iconv_t)-1) {
		do
			n = read(in->fd, in->buf + in->end, room);
		while (n == -1 && errno == EINTR);
		if (n == -1) {
			fail(rd, "%s: %s", in->name, strerror(errno));
			return -1;
		}
		if (n == 0)
			in->eof = 1;
		in->end += (size_t)n;
		return 0;
	}

	/* Transcode: top up ib, convert as much as fits into buf. */
	do
		n = read(in->fd, in->ib + in->ilen, RD_BUFSIZE - in->ilen);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		fail(rd, "%s: %s", in->name, strerror(errno));
		return -1;
	}
	in->ilen += (size_t)n;
	ip = in->ib;
	il = in->ilen;
	op = in->buf + in->end;
	ol = room;
	if (iconv(in->cd, &ip, &il, &op, &ol) == (size_t)-1) {
		if (errno == EILSEQ) {
			fail(rd, "%s: line %lu: not valid %s", in->name,
			    in->lineno + 1, rd->o.encoding);
			return -1;
		}
		if (errno == EINVAL && n == 0) {
			fail(rd, "%s: truncated %s character at the end",
			    in->name, rd->o.encoding);
			return -1;
		}
		/* E2BIG, or EINVAL mid-file: more to come. */
	}
	in->end = (size_t)(op - in->buf);
	memmove(in->ib, ip, il);
	in->ilen = il;
	if (n == 0 && il == 0)
		in->eof = 1;
	return 0;
}

/*
 * Make at least want bytes available after pos, or all that is left.
 * Returns the bytes available, or -1 on error.
 */
static long
in_peek(struct reader *rd, struct input *in, size_t want)
{
	while (!in->eof && in->end - in->pos < want)
		if (in_read(rd, in) == -1)
			return -1;
	return (long)(in->end - in->pos);
}

/*
 * The next physical line, with its terminator: up to '\n', or up to a lone
 * '\r' when crsplit (old Macintosh files).  Returns 1 with *p and *n set,
 * 0 at the end, -1 on error.  *p is valid until the next call.
 */
static int
in_line(struct reader *rd, struct input *in, int crsplit, const char **p,
    size_t *n)
{
	char	*s, *nl, *cr;
	size_t	 len;

	for (;;) {
		s = in->buf + in->pos;
		nl = memchr(s + in->scan, '\n', in->end - in->pos - in->scan);
		if (nl != NULL)
			break;
		in->scan = in->end - in->pos;
		if (in->eof) {
			if (in->pos == in->end)
				return 0;
			nl = in->buf + in->end - 1;
			break;
		}
		if (in_read(rd, in) == -1)
			return -1;
	}
	len = (size_t)(nl - s) + 1;
	if (crsplit && (cr = memchr(s, '\r', len)) != NULL &&
	    cr + 1 < s + len && cr[1] != '\n')
		len = (size_t)(cr - s) + 1;
	*p = s;
	*n = len;
	in->pos += len;
	in->scan = 0;
	in->lineno++;
	return 1;
}

static void
in_close(struct input *in)
{
	if (in->fd > 0)
		close(in->fd);
	if (in->cd != (iconv_t)-1)
		iconv_close(in->cd);
	free(in->buf);
	free(in->ib);
	memset(in, 0, sizeof(*in));
	in->fd = -1;
	in->cd = (iconv_t)-1;
}

/* The delimiter as people write it in a message. */
const char *
rd_delimname(char d)
{
	switch (d) {
	case ',':
		return "','";
	case ';':
		return "';'";
	case '\t':
		return "tab";
	case '|':
		return "'|'";
	default:
		return "the delimiter";
	}
}

/* Whether s[0..n) holds only white space. */
static int
blank(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' &&
		    s[i] != '\n')
			return 0;
	return 1;
}

/* Count fields of one CSV line for delimiter d, quotes respected. */
static size_t
sniff_count(const char *s, size_t n, char d)
{
	size_t	 i, k;
	int	 q;

	k = 1;
	q = 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			q = !q;
		else if (!q && s[i] == d)
			k++;
		else if (!q && (s[i] == '\n' || s[i] == '\r'))
			break;
	}
	return k;
}

/*
 * Choose the delimiter from the header line, confirmed by the lines after
 * it when the header holds more than one candidate.  Refuses rather than
 * guesses.  Returns the delimiter, or '\0' after fail().
 */
static char
sniff(struct reader *rd, const char *s, size_t n)
{
	static const char cand[] = ",;\t|";
	const char *hend, *p, *e, *nl;
	size_t	 hn[4], k;
	int	 i, j, ncand, nok, lines, ok[4];
	char	 d, list[32];

	hend = memchr(s, '\n', n);
	hend = hend != NULL ? hend : s + n;
	ncand = 0;
	d = '\0';
	for (i = 0; i < 4; i++) {
		hn[i] = sniff_count(s, (size_t)(hend - s), cand[i]);
		if (hn[i] > 1) {
			ncand++;
			d = cand[i];
		}
	}
	if (ncand == 0)
		return ',';		/* one column */
	if (ncand == 1)
		return d;

	/* Several candidates: keep those every data line agrees with. */
	for (i = 0; i < 4; i++)
		ok[i] = hn[i] > 1;
	e = s + n;
	p = hend < e ? hend + 1 : e;
	for (lines = 0; p < e && lines < RD_SNIFFLINES; lines++) {
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			break;		/* only whole lines count */
		for (i = 0; i < 4; i++) {
			if (!ok[i])
				continue;
			k = sniff_count(p, (size_t)(nl - p + 1), cand[i]);
			if (k != hn[i])
				ok[i] = 0;
		}
		p = nl + 1;
	}
	nok = 0;
	for (i = 0; i < 4; i++)
		if (ok[i]) {
			nok++;
			d = cand[i];
		}
	if (nok == 1 && lines > 0)
		return d;
	list[0] = '\0';
	for (j = 0; j < 4; j++)
		if (hn[j] > 1) {
			if (list[0] != '\0')
				strcat(list, " and ");
			strcat(list, rd_delimname(cand[j]));
		}
	fail(rd, "%s: cannot tell the delimiter: the header holds %s; "
	    "name it with -d", rd->in.name, list);
	return '\0';
}

static int
nospace(unsigned char c)
{
	(void)c;
	return 0;			/* never trim: values stay as written */
}

static void
cell_cb(void *s, size_t len, void *arg)
{
	struct reader *rd = arg;

	if (rd->ncell == rd->celcap) {
		rd->celcap = rd->celcap ? rd->celcap * 2 : 16;
		rd->off = xreallocarray(rd->off, rd->celcap,
		    2 * sizeof(size_t));
	}
	rd->off[2 * rd->ncell] = rd->cells.len;
	rd->off[2 * rd->ncell + 1] = len;
	buf_add(&rd->cells, s, len);	/* even empty: cells.s is set */
	rd->ncell++;
}

static void
end_cb(int c, void *arg)
{
	struct reader *rd = arg;

	(void)c;
	rd->csvdone = 1;
}

/*
 * Start a record.  libcsv is back in its initial state after each record it
 * ends; only after a parse error (or for a new file) must it start afresh.
 */
/*
 * Split a line without any quote character into cells, as libcsv would:
 * RFC 4180 leaves nothing to interpret in it but the delimiters and the
 * line end.  Most catalog and order rows are like this, and splitting them
 * with memchr takes a quarter of the time libcsv's byte-at-a-time state
 * machine does; every line with a quote still goes to libcsv.
 */
static void
split_plain(struct reader *rd, const char *s, size_t n)
{
	const char *p, *e, *d;

	if (n > 0 && s[n - 1] == '\n')
		n--;
	if (n > 0 && s[n - 1] == '\r')
		n--;
	p = s;
	e = s + n;
	for (;;) {
		d = memchr(p, rd->hdr.delim, (size_t)(e - p));
		cell_cb((void *)p, (size_t)((d != NULL ? d : e) - p), rd);
		if (d == NULL)
			break;
		p = d + 1;
	}
	rd->csvdone = 1;
}

static void
csv_reset(struct reader *rd, int hard)
{
	if (hard || !rd->csvinit) {
		if (rd->csvinit)
			csv_free(&rd->csv);
		/* csv_init allocates nothing; it fails only on NULL. */
		(void)csv_init(&rd->csv, CSV_STRICT | CSV_STRICT_FINI);
		rd->csvinit = 1;
		csv_set_space_func(&rd->csv, nospace);
		csv_set_delim(&rd->csv, (unsigned char)rd->hdr.delim);
		csv_set_blk_size(&rd->csv, 4096);
	}
	rd->cells.len = 0;
	rd->ncell = 0;
	rd->csvdone = 0;
}

static void
hdr_free(struct rec_header *h)
{
	size_t	 i;

	for (i = 0; i < h->n; i++)
		free(h->names[i]);
	free(h->names);
	h->names = NULL;
	h->n = 0;
}

/*
 * A Singer message's type, compared without regard to case as the
 * specification says, and whether it has the members the specification
 * requires of that type.  Returns NULL with *kind set, or the reason the
 * object is not a Singer message.
 */
static const char *
sg_check(const struct js_object *env, enum sg_kind *kind)
{
	static const char *const types[] = { "RECORD", "SCHEMA", "STATE",
	    "ACTIVATE_VERSION" };
	static const char *const need[][3] = {
		{ "stream", "record", NULL },
		{ "stream", "schema", "key_properties" },
		{ "value", NULL, NULL },
		{ "stream", "version", NULL }
	};
	static char why[128];
	const struct js_member *t, *m;
	size_t	 i, j;

	if ((t = js_get(env, "type", 4)) == NULL || t->type != JS_STRING)
		return "not a Singer message: no \"type\" string";
	*kind = SG_OTHER;
	for (i = 0; i < NELEM(types); i++)
		if (!t->vesc && t->vallen == strlen(types[i]) &&
		    strncasecmp(t->val, types[i], t->vallen) == 0)
			*kind = (enum sg_kind)i;
	/* Meltano's BATCH message points at files of records: not read. */
	if (*kind == SG_OTHER && !t->vesc && t->vallen == 5 &&
	    strncasecmp(t->val, "BATCH", 5) == 0)
		return "a Singer BATCH message: its records are in files this "
		    "reader does not open; run the tap without batches";
	if (*kind == SG_OTHER)
		return NULL;		/* "Any message type is permitted" */
	for (j = 0; j < 3 && need[*kind][j] != NULL; j++)
		if (js_get(env, need[*kind][j], strlen(need[*kind][j])) ==
		    NULL) {
			snprintf(why, sizeof(why), "a Singer %s message "
			    "without \"%s\"", types[*kind], need[*kind][j]);
			return why;
		}
	if (*kind == SG_RECORD) {
		if ((m = js_get(env, "stream", 6))->type != JS_STRING)
			return "a Singer RECORD message whose \"stream\" is "
			    "not a string";
		if (js_get(env, "record", 6)->type != JS_OBJECT)
			return "a Singer RECORD message whose \"record\" is "
			    "not an object";
	}
	return NULL;
}

/*
 * Whether the first JSON object of the file is a Singer message of one of
 * the four types the specification names (another type does not make a
 * file Singer).  1 yes, 0 no, -1 on a read error.  Reads the first line
 * whole; consumes nothing.
 */
static int
sniff_singer(struct reader *rd)
{
	struct input *in = &rd->in;
	const char *s, *nl, *why;
	enum sg_kind kind;
	size_t	 from, pos;

	for (from = 0;;) {
		s = in->buf + in->pos;
		while (from < in->end - in->pos && strchr(" \t\r\n",
		    s[from]) != NULL)
			from++;
		nl = memchr(s + from, '\n', in->end - in->pos - from);
		if (nl != NULL || in->eof)
			break;
		if (in_peek(rd, in, in->end - in->pos + 1) == -1)
			return -1;
	}
	if (js_scan_object(s, nl != NULL ? (size_t)(nl - s) + 1 :
	    in->end - in->pos, &rd->env, &pos, &why) == -1)
		return 0;
	return sg_check(&rd->env, &kind) == NULL && kind != SG_OTHER;
}

/* Open the next input file and decide its format.  0, or -1 at the end. */
static int
open_next(struct reader *rd)
{
	struct input *in = &rd->in;
	const char *path, *s, *shown;
	long	 n;
	size_t	 i;
	int	 k;

	if (rd->isopen) {
		in_close(in);
		rd->isopen = 0;
	}
	if (rd->next >= (rd->npaths ? rd->npaths : 1))
		return -1;
	path = rd->npaths ? rd->paths[rd->next] : "-";
	shown = rd->npaths && rd->o.shown != NULL ? rd->o.shown[rd->next] :
	    NULL;
	rd->next++;

	memset(in, 0, sizeof(*in));
	in->cd = (iconv_t)-1;
	in->name = shown != NULL ? shown : strcmp(path, "-") == 0 ?
	    "<stdin>" : path;
	rd->name = in->name;
	if (strcmp(path, "-") == 0)
		in->fd = STDIN_FILENO;
	else if ((in->fd = open(path, O_RDONLY)) == -1) {
		fail(rd, "%s: %s", in->name, strerror(errno));
		return -1;
	}
	rd->isopen = 1;
	in->cap = RD_BUFSIZE;
	in->buf = xmalloc(in->cap);
	if (rd->o.encoding != NULL) {
		in->cd = iconv_open("UTF-8", rd->o.encoding);
		if (in->cd == (iconv_t)-1) {
			fail(rd, "%s: unknown encoding (see iconv -l)",
			    rd->o.encoding);
			return -1;
		}
		in->ib = xmalloc(RD_BUFSIZE);
	}

	if ((n = in_peek(rd, in, 4)) == -1)
		return -1;
	s = in->buf + in->pos;
	if (in->cd == (iconv_t)-1 && n >= 2 &&
	    ((s[0] == '\xff' && s[1] == '\xfe') ||
	    (s[0] == '\xfe' && s[1] == '\xff'))) {
		fail(rd, "%s: the file is UTF-16 (it starts with a UTF-16 "
		    "byte-order mark); read it with --encoding UTF-16",
		    in->name);
		return -1;
	}
	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		in->pos += 3;		/* the byte-order mark */
	if (n > 0)
		rd->empty = 0;

	/* The first byte that is not white space decides the format. */
	rd->fmt = rd->o.ifmt;
	if (rd->fmt == FMT_NONE) {
		rd->fmt = FMT_CSV;
		for (;;) {
			s = in->buf + in->pos;
			for (i = 0; i < in->end - in->pos; i++)
				if (strchr(" \t\r\n", s[i]) == NULL)
					break;
			if (i < in->end - in->pos) {
				if (s[i] == '{')
					rd->fmt = FMT_JSONL;
				break;
			}
			if (in->eof || in->end - in->pos >= RD_SNIFFSIZE)
				break;
			if (in_peek(rd, in, in->end - in->pos + 1) == -1)
				return -1;
		}
	}
	if (rd->fmt == FMT_JSONL && rd->o.ifmt == FMT_NONE) {
		if ((k = sniff_singer(rd)) == -1)
			return -1;
		if (k == 1)
			rd->fmt = FMT_SINGER;
	}
	/* A Singer stream's records are JSON objects: JSON Lines out. */
	if (rd->first == FMT_NONE)
		rd->first = rd->fmt == FMT_SINGER ? FMT_JSONL : rd->fmt;
	rd->gotstream = 0;
	rd->sgrec = 0;
	memset(rd->sgskip, 0, sizeof(rd->sgskip));
	rd->gothdr = 0;
	hdr_free(&rd->hdr);
	rd->hdr.delim = '\0';
	rd->csvdirty = 1;
	return 0;
}

/* Write r to the rejects file with its reason. */
static int
put_reject(struct reader *rd, const char *file, unsigned long line,
    const char *raw, size_t rawlen, const char *reason)
{
	FILE	*fp = rd->o.rejects;

	if (rd->o.reread) {
		rd->rejected++;
		return 0;
	}
	fprintf(fp, "# %s:%lu: %s\n", file, line, reason);
	fwrite(raw, 1, rawlen, fp);
	if (rawlen == 0 || raw[rawlen - 1] != '\n')
		putc('\n', fp);
	if (ferror(fp)) {
		fail(rd, "%s: %s", rd->o.rejects_name, strerror(errno));
		return -1;
	}
	rd->rejected++;
	return 0;
}

/* A malformed record: set it aside, or fail.  0 means go on. */
static int
malformed(struct reader *rd, unsigned long line, const char *raw,
    size_t rawlen, const char *fmt, ...)
{
	char	 why[512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (rd->o.rejects == NULL) {
		fail(rd, "%s:%lu: %s", rd->in.name, line, why);
		return -1;
	}
	return put_reject(rd, rd->in.name, line, raw, rawlen, why);
}

int
rd_reject(struct reader *rd, const struct record *r, const char *reason)
{
	if (rd->o.rejects == NULL) {
		fail(rd, "%s:%lu: %s", r->file, r->line, reason);
		return -1;
	}
	return put_reject(rd, r->file, r->line, r->raw, r->rawlen, reason);
}

/* Check a line for invalid UTF-8 and NUL bytes.  0, or -1 with a reason. */
static int
check_text(const char *s, size_t n, char *why, size_t whylen)
{
	size_t	 bad;

	if (u8_check(s, n, &bad) == 0)
		return 0;
	if (s[bad] == '\0')
		snprintf(why, whylen, "NUL byte at column %zu", bad + 1);
	else
		snprintf(why, whylen, "invalid UTF-8 (byte 0x%02X at column "
		    "%zu); if the file is Latin-1 or Windows-1252, read it "
		    "with --encoding", (unsigned char)s[bad], bad + 1);
	return -1;
}

/* Take the header row just parsed and map the wanted columns onto it. */
static int
take_header(struct reader *rd)
{
	struct rec_header *h = &rd->hdr;
	size_t	 i, j;
	int	 w;
	char	 cols[256];
	size_t	 l;

	h->n = rd->ncell;
	h->names = xreallocarray(NULL, h->n, sizeof(*h->names));
	for (i = 0; i < h->n; i++)
		h->names[i] = xmemdup(rd->cells.s + rd->off[2 * i],
		    rd->off[2 * i + 1]);
	for (w = 0; w < rd->nwant; w++) {
		rd->map[w] = -1;
		for (i = 0; i < h->n; i++) {
			if (strcmp(h->names[i], rd->want[w].name) != 0)
				continue;
			if (rd->map[w] != -1) {
				fail(rd, "%s:%lu: column '%s' appears twice in "
				    "the header", rd->in.name, rd->in.lineno,
				    rd->want[w].name);
				return -1;
			}
			rd->map[w] = (int)i;
		}
		if (rd->map[w] == -1 && rd->want[w].required) {
			l = 0;
			cols[0] = '\0';
			for (j = 0; j < h->n && l < sizeof(cols) - 1; j++)
				l += (size_t)snprintf(cols + l,
				    sizeof(cols) - l, "%s'%s'", j ? ", " : "",
				    h->names[j]);
			if (l >= sizeof(cols) - 1)
				memcpy(cols + sizeof(cols) - 5, "...", 4);
			fail(rd, "%s: no column '%s' in the header (it has %s)",
			    rd->in.name, rd->want[w].name, cols);
			return -1;
		}
	}
	if (rd->fldcap < h->n) {
		rd->fldcap = h->n;
		rd->fields = xreallocarray(rd->fields, h->n,
		    sizeof(*rd->fields));
	}
	return 0;
}

/*
 * Parse the next CSV record of the current file.  1 with rd->rec filled,
 * 0 at the end of the file, -1 on failure.
 */
static int
next_csv(struct reader *rd)
{
	struct input *in = &rd->in;
	const char *line, *raw;
	size_t	 n, rawlen, i;
	unsigned long start;
	char	 why[256];
	int	 k;

	if (!rd->gothdr && rd->hdr.delim == '\0') {
		long	 have;

		if ((have = in_peek(rd, in, RD_SNIFFSIZE)) == -1)
			return -1;
		if (have == 0)
			return 0;	/* empty file: no header, no rows */
		rd->hdr.delim = rd->o.delim;
		if (rd->hdr.delim == '\0') {
			rd->hdr.delim = sniff(rd, in->buf + in->pos,
			    (size_t)have);
			if (rd->hdr.delim == '\0')
				return -1;
			if (rd->o.note != NULL)
				rd->o.note("%s: delimiter %s (sniffed from "
				    "the header)", in->name,
				    rd_delimname(rd->hdr.delim));
		}
	}
again:
	csv_reset(rd, rd->csvdirty);
	rd->csvdirty = 0;
	rd->rawbuf.len = 0;
	start = 0;
	for (;;) {
		if ((k = in_line(rd, in, 1, &line, &n)) == -1)
			return -1;
		if (k == 0) {
			/* End of file: flush what libcsv holds. */
			if (csv_fini(&rd->csv, cell_cb, end_cb, rd) != 0 ||
			    csv_error(&rd->csv) == CSV_EPARSE) {
				rd->csvdirty = 1;
				if (malformed(rd, start, rd->rawbuf.s,
				    rd->rawbuf.len, "unterminated quoted field "
				    "at the end of the file") == -1)
					return -1;
				return 0;
			}
			if (!rd->csvdone)
				return 0;
			raw = rd->rawbuf.s;
			rawlen = rd->rawbuf.len;
			break;
		}
		if (rd->rawbuf.len == 0 && blank(line, n))
			continue;	/* a blank line: no record */
		if (start == 0)
			start = in->lineno;
		if (check_text(line, n, why, sizeof(why)) == -1) {
			if (!rd->gothdr) {
				fail(rd, "%s:%lu: %s", in->name, in->lineno,
				    why);
				return -1;
			}
			buf_add(&rd->rawbuf, line, n);
			rd->csvdirty = 1;
			if (malformed(rd, in->lineno, rd->rawbuf.s,
			    rd->rawbuf.len, "%s", why) == -1)
				return -1;
			goto again;
		}
		if (rd->rawbuf.len == 0 && rd->fastpath &&
		    memchr(line, '"', n) == NULL) {
			split_plain(rd, line, n);
			raw = line;
			rawlen = n;
			break;
		}
		if (csv_parse(&rd->csv, line, n, cell_cb, end_cb, rd) != n) {
			buf_add(&rd->rawbuf, line, n);
			rd->csvdirty = 1;
			if (!rd->gothdr) {
				fail(rd, "%s:%lu: malformed header: a quote "
				    "in an unquoted field, or text after a "
				    "closing quote", in->name, start);
				return -1;
			}
			if (malformed(rd, start, rd->rawbuf.s, rd->rawbuf.len,
			    "a quote in an unquoted field, or text after a "
			    "closing quote") == -1)
				return -1;
			goto again;
		}
		if (rd->csvdone) {
			if (rd->rawbuf.len > 0) {
				buf_add(&rd->rawbuf, line, n);
				raw = rd->rawbuf.s;
				rawlen = rd->rawbuf.len;
			} else {
				raw = line;
				rawlen = n;
			}
			break;
		}
		buf_add(&rd->rawbuf, line, n);
	}

	if (!rd->gothdr) {
		if (take_header(rd) == -1)
			return -1;
		rd->gothdr = 1;
		if (rd->hdronly)
			return 1;
		goto again;
	}
	if (rd->ncell != rd->hdr.n) {
		if (malformed(rd, start, raw, rawlen, "%zu field%s, the header "
		    "has %zu", rd->ncell, rd->ncell == 1 ? "" : "s",
		    rd->hdr.n) == -1)
			return -1;
		goto again;
	}
	for (i = 0; i < rd->ncell; i++) {
		rd->fields[i].s = rd->cells.s + rd->off[2 * i];
		rd->fields[i].len = rd->off[2 * i + 1];
		rd->fields[i].kind = FLD_TEXT;
	}
	rd->rec.file = in->name;
	rd->rec.line = start;
	rd->rec.fmt = FMT_CSV;
	rd->rec.raw = raw;
	rd->rec.rawlen = rawlen;
	rd->rec.hdr = &rd->hdr;
	rd->rec.f = rd->fields;
	return 1;
}

/* Parse the next JSON Lines record.  1, 0 at the end, -1 on failure. */
static int
next_jsonl(struct reader *rd)
{
	struct input *in = &rd->in;
	const char *line, *why;
	size_t	 n, pos;
	int	 k;

	for (;;) {
		if ((k = in_line(rd, in, 0, &line, &n)) != 1)
			return k;
		if (blank(line, n))
			continue;	/* blank line */
		if (js_scan_object(line, n, &rd->rec.obj, &pos, &why) == 0)
			break;
		if (malformed(rd, in->lineno, line, n, "%s (column %zu)",
		    strcmp(why, "not an object") == 0 ?
		    "not a JSON object" : why, pos + 1) == -1)
			return -1;
	}
	rd->rec.file = in->name;
	rd->rec.line = in->lineno;
	rd->rec.fmt = FMT_JSONL;
	rd->rec.raw = line;
	rd->rec.rawlen = n;
	rd->rec.hdr = NULL;
	rd->rec.f = NULL;
	return 1;
}

/* Say what a Singer file held, once it is read: -v. */
static void
sg_report(struct reader *rd)
{
	static const char *const names[] = { "RECORD", "SCHEMA", "STATE",
	    "ACTIVATE_VERSION", "other" };
	char	 skip[256];
	unsigned long total;
	size_t	 l;
	int	 i;

	if (rd->o.note == NULL)
		return;
	skip[0] = '\0';
	l = 0;
	total = 0;
	for (i = SG_SCHEMA; i < SG_NKIND; i++) {
		if (rd->sgskip[i] == 0 || l >= sizeof(skip))
			continue;
		l += (size_t)snprintf(skip + l, sizeof(skip) - l, "%s%lu %s",
		    total > 0 ? ", " : "; passed over ", rd->sgskip[i],
		    names[i]);
		total += rd->sgskip[i];
	}
	rd->o.note("%s: Singer: %lu record%s of stream '%s'%s%s",
	    rd->in.name, rd->sgrec, rd->sgrec == 1 ? "" : "s",
	    buf_str(&rd->stream), skip, total == 0 ? "" : total == 1 ?
	    " message" : " messages");
}

/*
 * Read Singer messages up to the next RECORD, whose "record" is the
 * record; the other messages are passed over and counted.  A file holds
 * the records of one stream.  1, 0 at the end, -1 on failure.
 */
static int
next_singer(struct reader *rd)
{
	struct input *in = &rd->in;
	const struct js_member *m;
	const char *line, *why;
	enum sg_kind kind;
	struct buf *b;
	const char *name;
	size_t	 n, pos;
	int	 k;

	for (;;) {
		if ((k = in_line(rd, in, 0, &line, &n)) != 1) {
			if (k == 0)
				sg_report(rd);
			return k;
		}
		if (blank(line, n))
			continue;
		if (js_scan_object(line, n, &rd->env, &pos, &why) == -1) {
			if (malformed(rd, in->lineno, line, n, "%s (column "
			    "%zu)", strcmp(why, "not an object") == 0 ?
			    "not a JSON object" : why, pos + 1) == -1)
				return -1;
			continue;
		}
		if ((why = sg_check(&rd->env, &kind)) != NULL) {
			if (malformed(rd, in->lineno, line, n, "%s",
			    why) == -1)
				return -1;
			continue;
		}
		if (kind != SG_RECORD) {
			rd->sgskip[kind]++;
			continue;
		}
		m = js_get(&rd->env, "stream", 6);
		b = &rd->sgname;
		b->len = 0;
		buf_grow(b, m->vallen);
		if (m->vesc)
			b->len = js_unescape(m->val, m->vallen, b->s);
		else
			buf_add(b, m->val, m->vallen);
		name = buf_str(b);
		if (!rd->gotstream) {
			rd->stream.len = 0;
			buf_adds(&rd->stream, name);
			rd->gotstream = 1;
		} else if (strcmp(name, buf_str(&rd->stream)) != 0) {
			if (malformed(rd, in->lineno, line, n, "a record of "
			    "Singer stream '%s' after records of '%s': a file "
			    "holds one stream", name, rd->stream.s) == -1)
				return -1;
			continue;
		}
		m = js_get(&rd->env, "record", 6);
		/* Validated with the message: it scans. */
		(void)js_scan_object(m->val, m->vallen, &rd->rec.obj, &pos,
		    &why);
		rd->sgrec++;
		rd->rec.file = in->name;
		rd->rec.line = in->lineno;
		rd->rec.fmt = FMT_JSONL;
		rd->rec.raw = m->val;
		rd->rec.rawlen = m->vallen;
		rd->rec.hdr = NULL;
		rd->rec.f = NULL;
		return 1;
	}
}

struct reader *
rd_open(const struct rd_opts *o, int npaths, char *const *paths)
{
	struct reader *rd;

	rd = xcalloc(1, sizeof(*rd));
	rd->o = *o;
	rd->paths = paths;
	rd->npaths = npaths;
	rd->empty = 1;
	/* SHOPSWITCH_LIBCSV_ONLY=1 sends every line to libcsv (tests). */
	rd->fastpath = getenv("SHOPSWITCH_LIBCSV_ONLY") == NULL;
	rd->in.fd = -1;
	rd->in.cd = (iconv_t)-1;
	rd->rec.rd = rd;
	(void)open_next(rd);
	return rd;
}

int
rd_want(struct reader *rd, const char *name, int required)
{
	struct want *w;

	rd->want = xreallocarray(rd->want, rd->nwant + 1, sizeof(*rd->want));
	rd->map = xreallocarray(rd->map, rd->nwant + 1, sizeof(*rd->map));
	w = &rd->want[rd->nwant];
	memset(w, 0, sizeof(*w));
	w->name = xstrdup(name);
	w->len = strlen(name);
	w->required = required;
	rd->map[rd->nwant] = -1;
	return rd->nwant++;
}

struct record *
rd_next(struct reader *rd)
{
	int	 k;

	if (rd->failed)
		return NULL;
	for (;;) {
		if (!rd->isopen && open_next(rd) == -1)
			return NULL;
		k = rd->fmt == FMT_JSONL ? next_jsonl(rd) :
		    rd->fmt == FMT_SINGER ? next_singer(rd) : next_csv(rd);
		if (k == 1)
			break;
		if (k == -1 || rd->failed)
			return NULL;
		if (open_next(rd) == -1)
			return NULL;
		if (rd->failed)
			return NULL;
	}
	rd->count++;
	return &rd->rec;
}

/* Fill f from a JSON member, decoding a string with escapes into b. */
static void
member_value(const struct js_member *m, struct buf *b, struct field *f)
{
	switch (m->type) {
	case JS_STRING:
		f->kind = FLD_TEXT;
		if (!m->vesc) {
			f->s = m->val;
			f->len = m->vallen;
			return;
		}
		b->len = 0;
		buf_grow(b, m->vallen);
		f->len = js_unescape(m->val, m->vallen, b->s);
		f->s = b->s;
		return;
	case JS_NULL:
		f->kind = FLD_NULL;
		f->s = "";
		f->len = 0;
		return;
	default:
		f->kind = FLD_JSON;
		f->s = m->val;
		f->len = m->vallen;
		return;
	}
}

const struct field *
rec_get(struct record *r, int id)
{
	struct reader *rd = r->rd;
	const struct js_member *m;
	struct want *w;
	int	 i;

	if (r->fmt == FMT_CSV) {
		i = rd->map[id];
		return i < 0 ? NULL : &r->f[i];
	}
	w = &rd->want[id];
	if ((m = js_get(&r->obj, w->name, w->len)) == NULL)
		return NULL;
	member_value(m, &w->dec, &w->val);
	return &w->val;
}

size_t
rec_nfields(const struct record *r)
{
	return r->fmt == FMT_CSV ? r->hdr->n : r->obj.n;
}

const char *
rec_name(const struct record *r, size_t i, size_t *len)
{
	const struct js_member *m;
	struct buf *b;

	if (r->fmt == FMT_CSV) {
		*len = strlen(r->hdr->names[i]);
		return r->hdr->names[i];
	}
	m = &r->obj.m[i];
	if (!m->kesc) {
		*len = m->keylen;
		return m->key;
	}
	b = &r->rd->namebuf;
	b->len = 0;
	buf_grow(b, m->keylen);
	*len = js_unescape(m->key, m->keylen, b->s);
	return b->s;
}

void
rec_value(const struct record *r, size_t i, struct field *out)
{
	if (r->fmt == FMT_CSV) {
		*out = r->f[i];
		return;
	}
	member_value(&r->obj.m[i], &r->rd->valbuf, out);
}

const char *
rd_error(const struct reader *rd)
{
	return rd->err;
}

int
rd_failed(const struct reader *rd)
{
	return rd->failed;
}

unsigned long
rd_count(const struct reader *rd)
{
	return rd->count;
}

unsigned long
rd_rejected(const struct reader *rd)
{
	return rd->rejected;
}

enum rec_format
rd_format(const struct reader *rd)
{
	return rd->first == FMT_NONE ? FMT_CSV : rd->first;
}

int
rd_empty(const struct reader *rd)
{
	return rd->empty;
}

const char *
rd_name(const struct reader *rd)
{
	return rd->name != NULL ? rd->name : "<stdin>";
}

int
rd_ready(struct reader *rd)
{
	int	 k;

	if (rd->failed)
		return -1;
	if (!rd->isopen || rd->fmt != FMT_CSV || rd->gothdr)
		return 0;
	rd->hdronly = 1;
	k = next_csv(rd);
	rd->hdronly = 0;
	return k == -1 || rd->failed ? -1 : 0;
}

void
rd_close(struct reader *rd)
{
	int	 i;

	if (rd == NULL)
		return;
	if (rd->isopen)
		in_close(&rd->in);
	if (rd->csvinit)
		csv_free(&rd->csv);
	hdr_free(&rd->hdr);
	for (i = 0; i < rd->nwant; i++) {
		free(rd->want[i].name);
		buf_free(&rd->want[i].dec);
	}
	free(rd->want);
	free(rd->map);
	free(rd->off);
	free(rd->fields);
	buf_free(&rd->cells);
	buf_free(&rd->rawbuf);
	buf_free(&rd->namebuf);
	buf_free(&rd->valbuf);
	js_object_free(&rd->rec.obj);
	js_object_free(&rd->env);
	buf_free(&rd->stream);
	buf_free(&rd->sgname);
	free(rd);
}
