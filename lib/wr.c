/*
 * wr: the record writer.  Each row is built in a buffer and written whole,
 * so that output already written is always complete records.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "util.h"
#include "wr.h"
#include "xlsx.h"

struct writer {
	FILE		*fp;		/* the output stream */
	enum rec_format	 fmt;		/* what to write */
	int		 excel;		/* spreadsheet-safe CSV */
	int		 started;	/* anything written yet */
	char		**cols;		/* header of the output */
	size_t		 ncol;		/* columns in cols */
	const struct rec_header *src;	/* CSV header passed through */
	int		 xcol;		/* cols holds the extra column */
	size_t		*pos;		/* column to JSON member, per record */
	struct buf	 line;		/* the line being built */
	char		*stream;	/* Singer: the RECORDs' stream */
	struct xlsx	*x;		/* -o xlsx: the workbook */
	int		 xerrno;	/* -o xlsx: why it could not start */
	char		*nextsheet;	/* -o xlsx: wr_new_sheet's name */
	const char	**cell;		/* -o xlsx: the cells of line */
	size_t		 cellcap;	/* allocated in cell */
	char		 err[512];	/* why wr_record refused */
};

struct writer *
wr_open(FILE *fp, enum rec_format fmt, int excel)
{
	struct writer *w;

	w = xcalloc(1, sizeof(*w));
	w->fp = fp;
	w->fmt = fmt == FMT_NONE ? FMT_CSV : fmt;
	w->excel = excel && w->fmt == FMT_CSV;
	/* A workbook that cannot be made fails every row, and wr_close. */
	if (w->fmt == FMT_XLSX && (w->x = xlsx_open()) == NULL) {
		w->xerrno = errno;
		snprintf(w->err, sizeof(w->err), "temporary workbook: %s",
		    strerror(errno));
	}
	return w;
}

/* Whether s[0..n) is a plain number that a spreadsheet shows as such. */
static int
plain_number(const char *s, size_t n)
{
	size_t	 i, digits;
	int	 sep;

	i = 0;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	digits = 0;
	sep = 0;
	for (; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else if ((s[i] == '.' || s[i] == ',') && !sep)
			sep = 1;
		else
			return 0;
	}
	return digits > 0;
}

/* Append one CSV cell. */
static void
put_cell(struct writer *w, const char *s, size_t n)
{
	struct buf *b = &w->line;
	size_t	 i;

	if (w->fmt == FMT_XLSX) {	/* the cell as it is, NUL aside */
		for (i = 0; i < n; i++)
			if (s[i] != '\0')
				buf_addc(b, s[i]);
		return;
	}
	if (w->excel) {
		buf_addc(b, '"');
		/* A leading = + - @ tab or CR would run as a formula. */
		if (n > 0 && s[0] != '\0' &&
		    strchr("=+-@\t\r", s[0]) != NULL &&
		    !plain_number(s, n))
			buf_addc(b, '\'');
	} else {
		for (i = 0; i < n; i++)
			if (s[i] == ',' || s[i] == '"' || s[i] == '\n' ||
			    s[i] == '\r')
				break;
		if (i == n) {
			buf_add(b, s, n);
			return;
		}
		buf_addc(b, '"');
	}
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			buf_addc(b, '"');
		buf_addc(b, s[i]);
	}
	buf_addc(b, '"');
}

/* Append JSON text without the white space outside its strings. */
static void
put_compact(struct buf *b, const char *s, size_t n)
{
	size_t	 i;
	int	 str, esc;

	str = esc = 0;
	for (i = 0; i < n; i++) {
		if (str) {
			if (esc)
				esc = 0;
			else if (s[i] == '\\')
				esc = 1;
			else if (s[i] == '"')
				str = 0;
		} else if (s[i] == '"')
			str = 1;
		else if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
		    s[i] == '\r')
			continue;
		buf_addc(b, s[i]);
	}
}

/* Append s[0..n) as a JSON string. */
static void
put_jstring(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t	 i, run;
	unsigned char c;

	buf_addc(b, '"');
	run = 0;
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_add(b, s + run, i - run);
		run = i + 1;
		buf_addc(b, '\\');
		switch (c) {
		case '"':
		case '\\':
			buf_addc(b, c);
			break;
		case '\n':
			buf_addc(b, 'n');
			break;
		case '\r':
			buf_addc(b, 'r');
			break;
		case '\t':
			buf_addc(b, 't');
			break;
		case '\b':
			buf_addc(b, 'b');
			break;
		case '\f':
			buf_addc(b, 'f');
			break;
		default:
			buf_adds(b, "u00");
			buf_addc(b, hex[c >> 4]);
			buf_addc(b, hex[c & 0xf]);
		}
	}
	buf_add(b, s + run, n - run);
	buf_addc(b, '"');
}

/* Append a field as a CSV cell or as a JSON value. */
static void
put_value(struct writer *w, const struct field *f)
{
	struct buf tmp;

	if (w->fmt == FMT_JSONL || w->fmt == FMT_SINGER) {
		if (f->kind == FLD_TEXT)
			put_jstring(&w->line, f->s, f->len);
		else if (f->kind == FLD_NULL)
			buf_adds(&w->line, "null");
		else
			buf_add(&w->line, f->s, f->len);
		return;
	}
	if (f->kind == FLD_JSON) {
		memset(&tmp, 0, sizeof(tmp));
		put_compact(&tmp, f->s, f->len);
		put_cell(w, tmp.s, tmp.len);
		buf_free(&tmp);
	} else
		put_cell(w, f->s, f->len);
}

/* Between two cells: a comma, or the end of an xlsx cell. */
static void
put_sep(struct writer *w)
{
	buf_addc(&w->line, w->fmt == FMT_XLSX ? '\0' : ',');
}

static void
end_line(struct writer *w)
{
	if (w->fmt == FMT_XLSX) {
		buf_addc(&w->line, '\0');
		return;
	}
	if (w->excel)
		buf_addc(&w->line, '\r');
	buf_addc(&w->line, '\n');
}

static int	 xlsx_line(struct writer *);

/* Write the line built so far. */
static int
flush_line(struct writer *w)
{
	size_t	 n;

	if (w->fmt == FMT_XLSX)
		return xlsx_line(w);
	n = w->line.len;
	w->line.len = 0;
	if (n > 0 && fwrite(w->line.s, 1, n, w->fp) != n) {
		snprintf(w->err, sizeof(w->err), "write error: %s",
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* Take names as the output columns; CSV writes the header line. */
static void
set_cols(struct writer *w, const char *const *names, size_t n,
    const size_t *lens)
{
	size_t	 i;

	w->cols = xreallocarray(NULL, n, sizeof(*w->cols));
	w->ncol = n;
	for (i = 0; i < n; i++)
		w->cols[i] = lens != NULL ? xmemdup(names[i], lens[i]) :
		    xstrdup(names[i]);
	w->started = 1;
	if (w->fmt == FMT_XLSX) {
		if (w->x != NULL && (w->nextsheet != NULL ||
		    !xlsx_started(w->x)) && xlsx_sheet(w->x, w->nextsheet !=
		    NULL ? w->nextsheet : msg_prog(),
		    (const char *const *)w->cols, n) == -1)
			(void)snprintf(w->err, sizeof(w->err), "%s",
			    xlsx_error(w->x));
		free(w->nextsheet);
		w->nextsheet = NULL;
		return;
	}
	if (w->fmt != FMT_CSV)
		return;
	if (w->excel)
		buf_add(&w->line, "\xef\xbb\xbf", 3);
	for (i = 0; i < n; i++) {
		if (i > 0)
			put_sep(w);
		put_cell(w, w->cols[i], strlen(w->cols[i]));
	}
	end_line(w);
}

void
wr_header(struct writer *w, const char *const *names, size_t n)
{
	set_cols(w, names, n, NULL);
	(void)flush_line(w);
}

/*
 * Singer: a record goes out inside a RECORD message of the stream that
 * wr_singer_schema named (hub.meltano.com/singer/spec).
 */
static void
record_start(struct writer *w)
{
	if (w->fmt != FMT_SINGER)
		return;
	buf_adds(&w->line, "{\"type\":\"RECORD\",\"stream\":");
	put_jstring(&w->line, w->stream, strlen(w->stream));
	buf_adds(&w->line, ",\"record\":");
}

int
wr_row(struct writer *w, const struct field *vals, size_t n)
{
	size_t	 i;

	if (w->fmt == FMT_JSONL || w->fmt == FMT_SINGER) {
		record_start(w);
		buf_addc(&w->line, '{');
		for (i = 0; i < n; i++) {
			if (i > 0)
				buf_addc(&w->line, ',');
			put_jstring(&w->line, w->cols[i], strlen(w->cols[i]));
			buf_addc(&w->line, ':');
			put_value(w, &vals[i]);
		}
		buf_addc(&w->line, '}');
		if (w->fmt == FMT_SINGER)
			buf_addc(&w->line, '}');
		buf_addc(&w->line, '\n');
	} else {
		for (i = 0; i < n; i++) {
			if (i > 0)
				put_sep(w);
			put_value(w, &vals[i]);
		}
		end_line(w);
	}
	return flush_line(w);
}

static int
refuse(struct writer *w, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(w->err, sizeof(w->err), fmt, ap);
	va_end(ap);
	w->line.len = 0;
	return -1;
}

/* Whether two CSV headers name the same columns in the same order. */
static int
same_header(const struct rec_header *a, const struct rec_header *b)
{
	size_t	 i;

	if (a == b)
		return 1;
	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->names[i], b->names[i]) != 0)
			return 0;
	return 1;
}

/* JSON Lines to JSON Lines: the line itself, the extra member spliced in. */
static int
pass_jsonl(struct writer *w, const struct record *r, const char *xname,
    const struct field *xval)
{
	const char *end;
	size_t	 n;

	n = r->rawlen;
	if (xname == NULL) {
		if (fwrite(r->raw, 1, n, w->fp) != n) {
			snprintf(w->err, sizeof(w->err), "write error: %s",
			    strerror(errno));
			return -1;
		}
		if (n == 0 || r->raw[n - 1] != '\n')
			putc('\n', w->fp);
		return 0;
	}
	for (end = r->raw + n - 1; *end != '}'; end--)
		;			/* the scanner saw a closing brace */
	buf_add(&w->line, r->raw, (size_t)(end - r->raw));
	if (r->obj.n > 0)
		buf_addc(&w->line, ',');
	put_jstring(&w->line, xname, strlen(xname));
	buf_addc(&w->line, ':');
	put_value(w, xval);
	buf_add(&w->line, end, (size_t)(r->raw + n - end));
	if (w->line.s[w->line.len - 1] != '\n')
		buf_addc(&w->line, '\n');
	return flush_line(w);
}

/* The output column of member i of r, or -1. */
static long
column_of(struct writer *w, const struct record *r, size_t i)
{
	const char *name;
	size_t	 len, c;

	name = rec_name(r, i, &len);
	/* Most records list their members in the first record's order. */
	if (i < w->ncol && strlen(w->cols[i]) == len &&
	    memcmp(w->cols[i], name, len) == 0)
		return (long)i;
	for (c = 0; c < w->ncol; c++)
		if (strlen(w->cols[c]) == len &&
		    memcmp(w->cols[c], name, len) == 0)
			return (long)c;
	return -1;
}

int
wr_record(struct writer *w, const struct record *r, const char *xname,
    const struct field *xval)
{
	struct field v;
	size_t	 i, n, len;
	long	 c;
	const char *name;

	if (r->fmt == FMT_JSONL && w->fmt == FMT_JSONL)
		return pass_jsonl(w, r, xname, xval);

	n = rec_nfields(r);
	if (!w->started) {
		char	**names;

		/* Decoded names may share one buffer: copy each. */
		names = xreallocarray(NULL, n + 1, sizeof(*names));
		for (i = 0; i < n; i++) {
			name = rec_name(r, i, &len);
			names[i] = xmemdup(name, len);
		}
		names[n] = xname != NULL ? xstrdup(xname) : NULL;
		set_cols(w, (const char *const *)names, n + (xname != NULL),
		    NULL);
		for (i = 0; i <= n; i++)
			free(names[i]);
		free(names);
		w->src = r->hdr;
		w->xcol = xname != NULL;
		w->pos = xreallocarray(NULL, w->ncol, sizeof(*w->pos));
	}

	if (r->fmt == FMT_CSV) {
		if (w->src != NULL && !same_header(w->src, r->hdr))
			return refuse(w, "%s:%lu: the header differs from the "
			    "first input's; one CSV output cannot hold both",
			    r->file, r->line);
		if (w->src == NULL && (w->ncol != n + w->xcol ||
		    (xname != NULL) != w->xcol))
			return refuse(w, "%s:%lu: CSV input after JSON input "
			    "cannot share its columns", r->file, r->line);
		w->src = r->hdr;
		if (w->fmt != FMT_JSONL) {
			for (i = 0; i < n; i++) {
				if (i > 0)
					put_sep(w);
				put_cell(w, r->f[i].s, r->f[i].len);
			}
			if (xname != NULL) {
				put_sep(w);
				put_value(w, xval);
			}
			end_line(w);
			return flush_line(w);
		}
		buf_addc(&w->line, '{');
		for (i = 0; i < n; i++) {
			if (i > 0)
				buf_addc(&w->line, ',');
			put_jstring(&w->line, r->hdr->names[i],
			    strlen(r->hdr->names[i]));
			buf_addc(&w->line, ':');
			put_value(w, &r->f[i]);
		}
		if (xname != NULL) {
			if (n > 0)
				buf_addc(&w->line, ',');
			put_jstring(&w->line, xname, strlen(xname));
			buf_addc(&w->line, ':');
			put_value(w, xval);
		}
		buf_adds(&w->line, "}\n");
		return flush_line(w);
	}

	/* JSON Lines to CSV: find each member's column, then write. */
	for (c = 0; c < (long)w->ncol; c++)
		w->pos[c] = SIZE_MAX;
	for (i = 0; i < n; i++) {
		if ((c = column_of(w, r, i)) == -1 ||
		    (w->xcol && c == (long)w->ncol - 1)) {
			name = rec_name(r, i, &len);
			return refuse(w, "%s:%lu: member '%.*s' is not among "
			    "the CSV columns taken from the first record",
			    r->file, r->line, (int)len, name);
		}
		w->pos[c] = i;		/* a repeated key: the last wins */
	}
	for (c = 0; c < (long)w->ncol; c++) {
		if (c > 0)
			put_sep(w);
		if (w->xcol && c == (long)w->ncol - 1)
			put_value(w, xval);
		else if (w->pos[c] != SIZE_MAX) {
			rec_value(r, w->pos[c], &v);
			put_value(w, &v);
		}
	}
	end_line(w);
	return flush_line(w);
}

/* -o xlsx: the line holds NUL-terminated cells; make them a row. */
static int
xlsx_line(struct writer *w)
{
	size_t	 n, i;
	char	*p, *end;

	if (w->line.len == 0)		/* wr_header: the sheet has it */
		return 0;
	if (w->x == NULL) {
		w->line.len = 0;
		return -1;
	}
	p = w->line.s;
	end = p + w->line.len;
	for (n = 0; p < end; n++) {
		if (n == w->cellcap) {
			w->cellcap = w->cellcap ? 2 * w->cellcap : 16;
			w->cell = xreallocarray(w->cell, w->cellcap,
			    sizeof(*w->cell));
		}
		w->cell[n] = p;
		for (i = 0; p[i] != '\0'; i++)
			;
		p += i + 1;
	}
	w->line.len = 0;
	if (!xlsx_started(w->x) && xlsx_sheet(w->x, msg_prog(),
	    (const char *const *)w->cols, w->ncol) == -1)
		goto fail;
	if (xlsx_row(w->x, w->cell, n) == -1)
		goto fail;
	return 0;
fail:
	snprintf(w->err, sizeof(w->err), "%s", xlsx_error(w->x));
	return -1;
}

int
wr_sheet(struct writer *w, const char *name, const char *const *names,
    size_t n)
{
	if (w->x == NULL)
		return w->fmt == FMT_XLSX ? -1 : 0;
	if (names == NULL) {
		names = (const char *const *)w->cols;
		n = w->ncol;
	}
	if (xlsx_sheet(w->x, name, names, n) == -1) {
		snprintf(w->err, sizeof(w->err), "%s", xlsx_error(w->x));
		return -1;
	}
	return 0;
}

/* Forget the columns: the next header or record brings its own. */
static void
forget_cols(struct writer *w)
{
	size_t	 i;

	for (i = 0; i < w->ncol; i++)
		free(w->cols[i]);
	free(w->cols);
	free(w->pos);
	w->cols = NULL;
	w->pos = NULL;
	w->ncol = 0;
	w->src = NULL;
	w->xcol = 0;
	w->started = 0;
}

int
wr_new_sheet(struct writer *w, const char *name)
{
	if (w->fmt != FMT_XLSX) {
		snprintf(w->err, sizeof(w->err), "sheets are for -o xlsx");
		return -1;
	}
	forget_cols(w);
	free(w->nextsheet);
	w->nextsheet = xstrdup(name);
	return 0;
}

int
wr_json(struct writer *w, json_t *obj)
{
	char	*s;

	/* 15 significant digits give back the decimals a platform sent. */
	if ((s = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(15))) == NULL)
		xnomem();
	record_start(w);
	buf_adds(&w->line, s);
	if (w->fmt == FMT_SINGER)
		buf_addc(&w->line, '}');
	buf_addc(&w->line, '\n');
	free(s);
	return flush_line(w);
}

int
wr_singer_schema(struct writer *w, const char *stream, const char *schema,
    const char *const *keys, size_t nkeys, const char *bookmark)
{
	size_t	 i;

	free(w->stream);
	w->stream = xstrdup(stream);
	buf_adds(&w->line, "{\"type\":\"SCHEMA\",\"stream\":");
	put_jstring(&w->line, stream, strlen(stream));
	buf_adds(&w->line, ",\"schema\":");
	buf_adds(&w->line, schema);
	buf_adds(&w->line, ",\"key_properties\":[");
	for (i = 0; i < nkeys; i++) {
		if (i > 0)
			buf_addc(&w->line, ',');
		put_jstring(&w->line, keys[i], strlen(keys[i]));
	}
	buf_addc(&w->line, ']');
	if (bookmark != NULL) {
		buf_adds(&w->line, ",\"bookmark_properties\":[");
		put_jstring(&w->line, bookmark, strlen(bookmark));
		buf_addc(&w->line, ']');
	}
	buf_adds(&w->line, "}\n");
	return flush_line(w);
}

int
wr_singer_state(struct writer *w, json_t *value)
{
	char	*s;

	if ((s = json_dumps(value, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_ENCODE_ANY)) == NULL)
		xnomem();
	buf_adds(&w->line, "{\"type\":\"STATE\",\"value\":");
	buf_adds(&w->line, s);
	buf_adds(&w->line, "}\n");
	free(s);
	return flush_line(w);
}

const char *
wr_error(const struct writer *w)
{
	return w->err;
}

/* Flush, check for an earlier write error, close: fshut. */
int
wr_close(struct writer *w)
{
	int	 rc, e;

	rc = 0;
	e = 0;
	if (w->fmt == FMT_XLSX) {
		if (w->x == NULL) {
			rc = -1;
			e = w->xerrno;
		} else if (xlsx_close(w->x, w->fp) == -1) {
			rc = -1;
			e = errno;
		}
	}
	if ((fflush(w->fp) == EOF || ferror(w->fp)) && rc == 0) {
		rc = -1;
		e = errno;
	}
	if (fclose(w->fp) == EOF && rc == 0) {
		rc = -1;
		e = errno;
	}
	forget_cols(w);
	free(w->stream);
	free(w->nextsheet);
	free(w->cell);
	buf_free(&w->line);
	free(w);
	errno = e;
	return rc;
}

struct field
wr_text(const char *s)
{
	struct field f;

	f.s = s;
	f.len = strlen(s);
	f.kind = FLD_TEXT;
	return f;
}
