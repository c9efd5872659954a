/*
 * record: the data types every tool and every lib module shares.
 *
 * A record is what a reader hands out: a CSV row or a JSON Lines object,
 * traced to its file and line.  The reader owns the record and everything
 * it points to; both stay valid until the next rd_next or rd_close.
 * rec_* functions borrow their arguments.
 */
#ifndef RECORD_H
#define RECORD_H

#include <stddef.h>

#include "jscan.h"

enum rec_format {
	FMT_NONE,			/* not chosen: detect or follow input */
	FMT_CSV,			/* RFC 4180 with a header row */
	FMT_JSONL,			/* one JSON object per line */
	FMT_SINGER,			/* Singer messages (lib/singer.h) */
	FMT_XLSX			/* output only: a workbook (xlsx.h) */
};

enum fld_kind {
	FLD_TEXT,			/* text: a CSV cell or a JSON string */
	FLD_JSON,			/* JSON: number, true, false, [], {} */
	FLD_NULL			/* JSON null */
};

struct field {
	const char	*s;		/* bytes, not NUL-terminated */
	size_t		 len;		/* length of s */
	enum fld_kind	 kind;		/* how to write it back */
};

struct rec_header {
	char		**names;	/* column names, NUL-terminated */
	size_t		 n;		/* number of columns */
	char		 delim;		/* the delimiter the file uses */
};

struct record {
	const char	*file;		/* input name for messages */
	unsigned long	 line;		/* line the record starts on */
	enum rec_format	 fmt;		/* what it was read as */
	const char	*raw;		/* the bytes as read, with newline */
	size_t		 rawlen;	/* length of raw */
	const struct rec_header *hdr;	/* CSV: the file's header */
	struct field	*f;		/* CSV: the cells, hdr->n of them */
	struct js_object obj;		/* JSONL: the top-level members */
	struct reader	*rd;		/* the reader, for wanted columns */
};

/* Number of fields of r, and the name and value of field i. */
size_t		 rec_nfields(const struct record *r);
const char	*rec_name(const struct record *r, size_t i, size_t *len);
void		 rec_value(const struct record *r, size_t i, struct field *out);

#endif /* RECORD_H */
