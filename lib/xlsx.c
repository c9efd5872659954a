/*
 * xlsx: the -o xlsx backend of wr, over libxlsxwriter.  Constant-memory
 * mode keeps one row of each sheet in memory; each sheet's rows wait in
 * their own temporary file, so sheets can be written in any interleaving
 * as long as each one's rows come in order, which is how wr writes them.
 * Column widths and the filter are set when the sheet is finished, from
 * the widest cell of every row: libxlsxwriter writes them out then.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "util.h"
#include "xlsx.h"

#define WIDTH_MIN	8		/* narrowest column, in characters */
#define WIDTH_MAX	60		/* widest column, in characters */
#define CELL_MAX	32767		/* longest cell, in characters */

struct sheet {
	char		*name;		/* as asked for */
	lxw_worksheet	*ws;		/* the part being written */
	unsigned	 part;		/* 1, or 2.. when it ran over */
	lxw_row_t	 row;		/* next row to write */
	char		**cols;		/* header, repeated in each part */
	size_t		 ncol;		/* columns in cols */
	size_t		*width;		/* widest cell per column */
	size_t		 nwidth;	/* columns seen, >= ncol */
};

struct xlsx {
	lxw_workbook	*wb;		/* the workbook */
	lxw_format	*bold;		/* the header's format */
	char		 path[4096];	/* its temporary file */
	int		 fd;		/* open on path, to copy from */
	struct sheet	*sh;		/* the sheets, in order */
	size_t		 nsh;		/* how many */
	struct sheet	*cur;		/* where rows go */
	int		 errnum;	/* errno for xlsx_close, or 0 */
	char		 err[256];	/* why a call failed */
	struct xlsx	*next;		/* the next open workbook */
};

static struct xlsx	*open_books;	/* not closed yet: remove at exit */
static int		 registered;	/* remove_open is an atexit handler */

/*
 * A tool that exits on bad input without wr_close leaves its temporary
 * workbook behind: remove those at exit.
 */
static void
remove_open(void)
{
	struct xlsx *x;

	for (x = open_books; x != NULL; x = x->next)
		(void)unlink(x->path);
}

struct xlsx *
xlsx_open(void)
{
	lxw_workbook_options op;
	struct xlsx *x;
	const char *tmp;
	int	 n;

	x = xcalloc(1, sizeof(*x));
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	n = snprintf(x->path, sizeof(x->path), "%s/shopswitch-xlsx.XXXXXX",
	    tmp);
	if (n < 0 || (size_t)n >= sizeof(x->path)) {
		free(x);
		errno = ENAMETOOLONG;
		return NULL;
	}
	if ((x->fd = mkstemp(x->path)) == -1) {
		free(x);
		return NULL;
	}
	memset(&op, 0, sizeof(op));
	op.constant_memory = LXW_TRUE;
	op.tmpdir = (char *)tmp;
	op.use_zip64 = LXW_TRUE;	/* a million rows pass 4 GB unzipped */
	if ((x->wb = workbook_new_opt(x->path, &op)) == NULL) {
		(void)unlink(x->path);
		(void)close(x->fd);
		free(x);
		errno = ENOMEM;
		return NULL;
	}
	x->bold = workbook_add_format(x->wb);
	format_set_bold(x->bold);
	if (!registered)
		registered = atexit(remove_open) == 0;
	x->next = open_books;
	open_books = x;
	return x;
}

int
xlsx_started(const struct xlsx *x)
{
	return x->cur != NULL;
}

const char *
xlsx_error(const struct xlsx *x)
{
	return x->err;
}

static int
fail(struct xlsx *x, int errnum, const char *what, lxw_error e)
{
	snprintf(x->err, sizeof(x->err), "%s: %s", what, lxw_strerror(e));
	if (x->errnum == 0)
		x->errnum = errnum;
	return -1;
}

/* Characters, not bytes, of a UTF-8 string: what a column shows. */
static size_t
width_of(const char *s)
{
	size_t	 n;

	for (n = 0; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static void
note_widths(struct sheet *sh, const char *const *cells, size_t n)
{
	size_t	 i, w;

	if (n > sh->nwidth) {
		sh->width = xreallocarray(sh->width, n, sizeof(*sh->width));
		memset(sh->width + sh->nwidth, 0,
		    (n - sh->nwidth) * sizeof(*sh->width));
		sh->nwidth = n;
	}
	for (i = 0; i < n; i++)
		if ((w = width_of(cells[i])) > sh->width[i])
			sh->width[i] = w;
}

/* Write a row of text cells, in format fmt. */
static int
put_row(struct xlsx *x, struct sheet *sh, const char *const *cells,
    size_t n, lxw_format *fmt)
{
	lxw_error e;
	size_t	 i;

	if (n > LXW_COL_MAX) {
		snprintf(x->err, sizeof(x->err), "%zu columns: a sheet holds "
		    "at most %d", n, LXW_COL_MAX);
		x->errnum = EFBIG;
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (cells[i][0] == '\0')
			continue;
		e = worksheet_write_string(sh->ws, sh->row, (lxw_col_t)i,
		    cells[i], fmt);
		if (e == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED) {
			snprintf(x->err, sizeof(x->err), "sheet %s, row %lu, "
			    "column %zu: a cell holds at most %d characters",
			    sh->name, (unsigned long)sh->row + 1, i + 1,
			    CELL_MAX);
			x->errnum = EFBIG;
			return -1;
		}
		if (e != LXW_NO_ERROR)
			return fail(x, EIO, sh->name, e);
	}
	note_widths(sh, cells, n);
	sh->row++;
	return 0;
}

/* Start sh's worksheet (again, when it ran over): name, header, pane. */
static int
new_part(struct xlsx *x, struct sheet *sh)
{
	char	 name[LXW_SHEETNAME_MAX + 1], suffix[16];
	size_t	 len;

	suffix[0] = '\0';
	if (sh->part > 1)
		snprintf(suffix, sizeof(suffix), " (%u)", sh->part);
	/* 31 characters at most: shorten the name, keep the suffix. */
	len = strlen(sh->name);
	if (len > LXW_SHEETNAME_MAX - strlen(suffix))
		len = LXW_SHEETNAME_MAX - strlen(suffix);
	while (len > 0 && ((unsigned char)sh->name[len] & 0xc0) == 0x80)
		len--;
	snprintf(name, sizeof(name), "%.*s%s", (int)len, sh->name, suffix);
	if ((sh->ws = workbook_add_worksheet(x->wb, name)) == NULL) {
		snprintf(x->err, sizeof(x->err), "'%s': not a sheet name a "
		    "spreadsheet takes", name);
		x->errnum = EINVAL;
		return -1;
	}
	sh->row = 0;
	worksheet_freeze_panes(sh->ws, 1, 0);
	return put_row(x, sh, (const char *const *)sh->cols, sh->ncol,
	    x->bold);
}

/* The filter over the rows written, and the widths: the end of a part. */
static void
end_part(struct sheet *sh)
{
	size_t	 i, w, ncol;

	if (sh->ws == NULL)		/* never made */
		return;
	ncol = sh->nwidth > 0 ? sh->nwidth : 1;
	(void)worksheet_autofilter(sh->ws, 0, 0, sh->row > 0 ? sh->row - 1 : 0,
	    (lxw_col_t)(ncol - 1));
	for (i = 0; i < sh->nwidth; i++) {
		w = sh->width[i] + 2;
		if (w < WIDTH_MIN)
			w = WIDTH_MIN;
		if (w > WIDTH_MAX)
			w = WIDTH_MAX;
		(void)worksheet_set_column(sh->ws, (lxw_col_t)i,
		    (lxw_col_t)i, (double)w, NULL);
	}
}

int
xlsx_sheet(struct xlsx *x, const char *name, const char *const *cols,
    size_t n)
{
	struct sheet *sh;
	size_t	 i;

	if (x->errnum != 0)
		return -1;
	for (i = 0; i < x->nsh; i++)
		if (strcmp(x->sh[i].name, name) == 0) {
			x->cur = &x->sh[i];
			return 0;
		}
	x->sh = xreallocarray(x->sh, x->nsh + 1, sizeof(*x->sh));
	sh = &x->sh[x->nsh++];
	memset(sh, 0, sizeof(*sh));
	sh->name = xstrdup(name);
	sh->part = 1;
	sh->cols = xreallocarray(NULL, n ? n : 1, sizeof(*sh->cols));
	for (i = 0; i < n; i++)
		sh->cols[i] = xstrdup(cols[i]);
	sh->ncol = n;
	x->cur = sh;
	return new_part(x, sh);
}

int
xlsx_row(struct xlsx *x, const char *const *cells, size_t n)
{
	struct sheet *sh = x->cur;

	if (x->errnum != 0 || sh == NULL)	/* the workbook has failed */
		return -1;
	if (sh->row == LXW_ROW_MAX) {
		end_part(sh);
		sh->part++;
		sh->nwidth = 0;
		if (new_part(x, sh) == -1)
			return -1;
	}
	return put_row(x, sh, cells, n, NULL);
}

/* Copy the finished workbook from the temporary file to fp. */
static int
copy_out(struct xlsx *x, FILE *fp)
{
	char	 b[65536];
	ssize_t	 n;

	if (lseek(x->fd, 0, SEEK_SET) == -1)
		return -1;
	while ((n = read(x->fd, b, sizeof(b))) > 0)
		if (fwrite(b, 1, (size_t)n, fp) != (size_t)n)
			return -1;
	return n == -1 ? -1 : 0;
}

int
xlsx_close(struct xlsx *x, FILE *fp)
{
	struct xlsx **p;
	lxw_error e;
	size_t	 i, j;
	int	 rc, errnum;

	for (i = 0; i < x->nsh; i++)
		end_part(&x->sh[i]);
	rc = 0;
	errnum = x->errnum;
	/* workbook_close frees the workbook whatever it returns. */
	if ((e = workbook_close(x->wb)) != LXW_NO_ERROR) {
		(void)fail(x, EIO, "workbook", e);
		if (errnum == 0)
			errnum = EIO;
	}
	if (errnum == 0 && copy_out(x, fp) == -1)
		errnum = errno;
	if (errnum != 0)
		rc = -1;
	(void)unlink(x->path);
	(void)close(x->fd);
	for (p = &open_books; *p != NULL; p = &(*p)->next)
		if (*p == x) {
			*p = x->next;
			break;
		}
	for (i = 0; i < x->nsh; i++) {
		for (j = 0; j < x->sh[i].ncol; j++)
			free(x->sh[i].cols[j]);
		free(x->sh[i].cols);
		free(x->sh[i].width);
		free(x->sh[i].name);
	}
	free(x->sh);
	free(x);
	errno = errnum;
	return rc;
}
