/*
 * xlsx: a workbook written with libxlsxwriter in its constant-memory mode,
 * for wr's -o xlsx.  Every cell is a text cell (never a number, never a
 * formula); each sheet has a bold, frozen, filtered header row and columns
 * sized to their widest cell, clamped to 8..60 characters.  Rows go to a
 * temporary file in $TMPDIR, copied to the output stream by xlsx_close:
 * a zip file cannot be written to a pipe.
 *
 * xlsx_* functions borrow their arguments; xlsx_close frees the workbook
 * and removes its temporary file whatever happens.
 */
#ifndef XLSX_H
#define XLSX_H

#include <stddef.h>
#include <stdio.h>

struct xlsx;

/* A new workbook, or NULL with errno set. */
struct xlsx	*xlsx_open(void);

/* Whether a sheet has been chosen. */
int		 xlsx_started(const struct xlsx *);

/*
 * Make rows go to the sheet NAME: the one of that name, or a new one
 * after the others, whose header row is cols.  0, or -1 (xlsx_error).
 */
int		 xlsx_sheet(struct xlsx *, const char *name,
		    const char *const *cols, size_t n);

/*
 * Append a row of n NUL-terminated cells to the sheet chosen.  A sheet
 * that is full (1,048,576 rows) goes on in a sheet named "NAME (2)".
 * 0, or -1 (xlsx_error).
 */
int		 xlsx_row(struct xlsx *, const char *const *cells, size_t n);

const char	*xlsx_error(const struct xlsx *);

/*
 * Finish the workbook and copy it to fp (not closed).  0, or -1 with
 * errno set (EIO for a libxlsxwriter failure, EFBIG for a cell that no
 * spreadsheet can hold).
 */
int		 xlsx_close(struct xlsx *, FILE *fp);

#endif /* XLSX_H */
