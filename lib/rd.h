/*
 * rd: read records from CSV or JSON Lines files, one interface for both.
 *
 * The reader detects the format (a first byte of '{' means JSON Lines, and
 * a first object that is a Singer message a Singer stream, whose RECORD
 * messages' records are the records: hub.meltano.com/singer/spec),
 * drops a byte-order mark, transcodes with iconv when asked, sniffs the CSV
 * delimiter, refuses invalid UTF-8, and traces every record to file:line.
 * A malformed record either stops the reader (rd_next returns NULL and
 * rd_error says why) or, with a rejects file, is written there verbatim with
 * its reason and skipped.
 *
 * rd_* functions borrow their arguments.  The reader owns the records it
 * returns and the fields rec_get returns; they are valid until the next
 * rd_next.  The caller frees the reader with rd_close.
 */
#ifndef RD_H
#define RD_H

#include <stdio.h>

#include "record.h"

struct rd_opts {
	enum rec_format	 ifmt;		/* -i; FMT_NONE detects */
	char		 delim;		/* -d; '\0' sniffs */
	const char	*encoding;	/* --encoding; NULL means UTF-8 */
	FILE		*rejects;	/* --rejects, or NULL to stop */
	const char	*rejects_name;	/* its name, for messages */
	int		 reread;	/* rejects were written by an earlier
					   reading: count them, skip them */
	char *const	*shown;		/* names for messages, parallel to
					   the paths (NULL: the paths) */
	void		(*note)(const char *, ...);	/* -v messages */
};

struct reader;

void		 rd_opts_init(struct rd_opts *);

/*
 * Open the files named in paths ("-" is standard input; no paths means
 * standard input).  Files are opened one after another as reading goes on;
 * a file that cannot be opened makes rd_next fail.
 */
struct reader	*rd_open(const struct rd_opts *, int npaths,
		    char *const *paths);

/*
 * Ask for a column (CSV) or member (JSONL) by name and get its id for
 * rec_get.  A required column that a CSV header lacks makes rd_next fail.
 */
int		 rd_want(struct reader *, const char *name, int required);

/*
 * Read a CSV header now, so that a missing column is reported before any
 * output; call it after the rd_want calls.  0, or -1 (see rd_error).
 */
int		 rd_ready(struct reader *);

/* The next record, or NULL at the end or on failure (see rd_error). */
struct record	*rd_next(struct reader *);

/* The value of wanted column id in r; NULL if a JSONL object lacks it. */
const struct field *rec_get(struct record *r, int id);

/*
 * Set r aside: write it to the rejects file with reason, or, when there is
 * none, fail the reader with reason.  Returns 0 when set aside, -1 when the
 * caller must stop.
 */
int		 rd_reject(struct reader *, const struct record *r,
		    const char *reason);

const char	*rd_error(const struct reader *);	/* why it failed */
int		 rd_failed(const struct reader *);
unsigned long	 rd_count(const struct reader *);	/* records read */
unsigned long	 rd_rejected(const struct reader *);	/* set aside */
enum rec_format	 rd_format(const struct reader *);	/* of the first file
							   (Singer: JSONL) */
int		 rd_empty(const struct reader *);	/* no bytes at all */
const char	*rd_name(const struct reader *);	/* current file */
const char	*rd_delimname(char);		/* "';'", "tab", ... */
void		 rd_close(struct reader *);

#endif /* RD_H */
