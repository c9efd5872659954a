/*
 * wr: write records as CSV or JSON Lines.
 *
 * A writer either writes rows of a fixed header (wr_header, then wr_row;
 * the form of a tool's own findings) or passes records through as they
 * were read (wr_record; JSON Lines to JSON Lines is byte for byte), or,
 * as a Singer tap, rows as RECORD messages between a SCHEMA and a STATE
 * (wr_singer_schema, wr_row or wr_json, wr_singer_state).  Write
 * errors are remembered and reported by wr_close, as fshut does.
 *
 * wr_* functions borrow their arguments.  wr_close frees the writer and
 * closes its stream.
 */
#ifndef WR_H
#define WR_H

#include <stdio.h>

#include <jansson.h>

#include "record.h"

struct writer;

/*
 * Write to fp in fmt.  excel asks for what a spreadsheet opens correctly:
 * byte-order mark, CRLF, every field quoted, formula-like cells made inert.
 * FMT_XLSX writes rows as CSV would be, each cell a text cell of a
 * workbook that wr_close copies to fp.
 */
struct writer	*wr_open(FILE *fp, enum rec_format fmt, int excel);

/* Set the columns of the rows to come; CSV writes the header line. */
void		 wr_header(struct writer *, const char *const *names, size_t n);

/* Write one row of n fields, in the order of wr_header's names. */
int		 wr_row(struct writer *, const struct field *vals, size_t n);

/*
 * Pass record r through, adding the field xname = xval when xname is not
 * NULL.  Returns -1 when r cannot be written in the output format (a CSV
 * header that differs from the first, a member not in the header taken
 * from the first JSON object); wr_error says why.
 */
int		 wr_record(struct writer *, const struct record *r,
		    const char *xname, const struct field *xval);

/*
 * Write a JSON object as one JSON Lines record (compact, members in their
 * order).  Only for JSON Lines output.
 */
int		 wr_json(struct writer *, json_t *obj);

/*
 * Singer output (FMT_SINGER): write the SCHEMA message of stream, with
 * the JSON Schema text schema, its key_properties and, when bookmark is
 * not NULL, its bookmark_properties.  wr_row and wr_json then write
 * RECORD messages of that stream.
 */
int		 wr_singer_schema(struct writer *, const char *stream,
		    const char *schema, const char *const *keys, size_t nkeys,
		    const char *bookmark);

/* Singer output: a STATE message whose value is value. */
int		 wr_singer_state(struct writer *, json_t *value);

/*
 * -o xlsx: the rows that follow go to the sheet NAME, made the first time
 * with names as its header row (NULL: wr_header's).  Rows go to a sheet
 * named after the program until this is called.  Other formats: nothing
 * to do, 0.  0, or -1 (wr_error).
 */
int		 wr_sheet(struct writer *, const char *name,
		    const char *const *names, size_t n);

/*
 * -o xlsx: end the sheet being written; the next wr_header, or the first
 * record given to wr_record, starts the sheet NAME with its own columns.
 * -1 for the other formats.
 */
int		 wr_new_sheet(struct writer *, const char *name);

/* A field of text s (borrowed), for wr_row. */
struct field	 wr_text(const char *s);

const char	*wr_error(const struct writer *);
int		 wr_close(struct writer *);	/* 0, or -1 and errno */

#endif /* WR_H */
