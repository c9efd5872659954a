/*
 * opts: the options every tool shares (-d -i -o -q -v --encoding --excel
 * --rejects --help --version) and the files they name.
 *
 * A tool puts OPTS_LONG at the end of its longopts table and OPTS_SHORT in
 * its getopt string, hands every option it does not know to opts_common,
 * and calls opts_done once options are parsed.  opts_* functions borrow
 * their arguments; struct opts owns the rejects stream until opts_close.
 */
#ifndef OPTS_H
#define OPTS_H

#include <getopt.h>

#include "rd.h"

enum {
	OPT_ENCODING = 256,		/* --encoding CHARSET */
	OPT_EXCEL,			/* --excel */
	OPT_REJECTS,			/* --rejects FILE */
	OPT_VERSION,			/* --version */
	OPT_TOOL			/* a tool numbers its own from here */
};

/* Tools that read records take all; those that only write, the OUT ones. */
#define OPTS_SHORT	"d:hi:o:qv"
#define OPTS_SHORT_OUT	"ho:qv"

#define OPTS_LONG_OUT \
	{ "excel",		no_argument,		NULL,	OPT_EXCEL }, \
	{ "help",		no_argument,		NULL,	'h' }, \
	{ "output-format",	required_argument,	NULL,	'o' }, \
	{ "quiet",		no_argument,		NULL,	'q' }, \
	{ "verbose",		no_argument,		NULL,	'v' }, \
	{ "version",		no_argument,		NULL,	OPT_VERSION }

#define OPTS_LONG \
	{ "delimiter",		required_argument,	NULL,	'd' }, \
	{ "encoding",	required_argument,	NULL,	OPT_ENCODING }, \
	{ "input-format",	required_argument,	NULL,	'i' }, \
	{ "rejects",		required_argument,	NULL,	OPT_REJECTS }, \
	OPTS_LONG_OUT

/* The lines of --help that describe the shared options. */
#define OPTS_HELP_TAIL \
"  -q, --quiet            no warnings\n" \
"  -v, --verbose          say what is going on\n" \
"  -h, --help             this help\n" \
"      --version          the version\n"

#define OPTS_HELP_OUT \
"      --excel            CSV for spreadsheets: BOM, CRLF, inert formulas\n" \
"  -o, --output-format F  csv, jsonl or xlsx (default: csv)\n" \
OPTS_HELP_TAIL

/* The same for a tool that also writes Singer messages (-o singer). */
#define OPTS_HELP_OUT_SINGER \
"      --excel            CSV for spreadsheets: BOM, CRLF, inert formulas\n" \
"  -o, --output-format F  csv, jsonl, singer or xlsx (default: csv)\n" \
OPTS_HELP_TAIL

#define OPTS_HELP \
"  -d, --delimiter C      CSV input delimiter: , ; tab | (default: sniffed)\n" \
"      --encoding CHARSET transcode input from CHARSET (iconv -l)\n" \
"      --excel            CSV for spreadsheets: BOM, CRLF, inert formulas\n" \
"  -i, --input-format F   csv, jsonl or singer (default: detected)\n" \
"  -o, --output-format F  csv, jsonl or xlsx (default: as the input)\n" \
"  -q, --quiet            no warnings\n" \
"      --rejects FILE     set malformed records aside in FILE and go on\n" \
"  -v, --verbose          say what is going on\n" \
"  -h, --help             this help\n" \
"      --version          the version\n"

struct opts {
	struct rd_opts	 ro;		/* reader options: -i -d --encoding */
	enum rec_format	 ofmt;		/* -o; FMT_NONE follows the input */
	int		 excel;		/* --excel */
	const char	*rejects;	/* --rejects FILE */
	int		 version;	/* --version was given */
	int		 singer;	/* the tool writes -o singer */
	char		 err[256];	/* why an option was refused */
};

void	 opts_init(struct opts *);

/*
 * Take one shared option.  Returns 0 when taken, or -1 when ch is not a
 * shared option (getopt has said so) or its argument is bad (said here,
 * through msg_err): the tool then shows its usage.
 */
int	 opts_common(struct opts *, int ch, const char *arg);

/*
 * The argument of --summary[=text|json]: 1 for text (also when absent),
 * 2 for json, -1 for anything else (opts->err says why).
 */
int	 opts_summary(struct opts *, const char *arg);

/* Check the options together and open the rejects file.  0 or -1. */
int	 opts_done(struct opts *);

/* Close the rejects file.  0, or -1 on a write error (opts->err). */
int	 opts_close(struct opts *);

#endif /* OPTS_H */
