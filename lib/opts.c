/* opts: the options every tool shares. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "opts.h"

void
opts_init(struct opts *o)
{
	memset(o, 0, sizeof(*o));
	rd_opts_init(&o->ro);
	o->ro.note = msg_note;
}

static int
format(const char *arg, enum rec_format *fmt, int out)
{
	if (strcmp(arg, "csv") == 0)
		*fmt = FMT_CSV;
	else if (strcmp(arg, "jsonl") == 0 || strcmp(arg, "json") == 0)
		*fmt = FMT_JSONL;
	else if (strcmp(arg, "singer") == 0)
		*fmt = FMT_SINGER;
	else if (out && strcmp(arg, "xlsx") == 0)
		*fmt = FMT_XLSX;
	else
		return -1;
	return 0;
}

static int	 take(struct opts *, int, const char *);

int
opts_common(struct opts *o, int ch, const char *arg)
{
	int	 rc;

	if ((rc = take(o, ch, arg)) == -1)
		msg_err("%s", o->err);
	return rc == 0 ? 0 : -1;
}

/* 0 taken, 1 not a shared option, -1 a bad argument (o->err). */
static int
take(struct opts *o, int ch, const char *arg)
{
	switch (ch) {
	case 'd':
		if (strcmp(arg, "tab") == 0 || strcmp(arg, "\\t") == 0)
			arg = "\t";
		if (strlen(arg) != 1 || strchr(",;\t|", arg[0]) == NULL) {
			snprintf(o->err, sizeof(o->err), "-d takes one of , ; "
			    "tab |, not '%s'", arg);
			return -1;
		}
		o->ro.delim = arg[0];
		return 0;
	case 'i':
		if (format(arg, &o->ro.ifmt, 0) == -1) {
			snprintf(o->err, sizeof(o->err), "-i takes csv, "
			    "jsonl or singer, not '%s'", arg);
			return -1;
		}
		return 0;
	case 'o':
		if (format(arg, &o->ofmt, 1) == -1 ||
		    (o->ofmt == FMT_SINGER && !o->singer)) {
			snprintf(o->err, sizeof(o->err), "-o takes %s, not "
			    "'%s'", o->singer ? "csv, jsonl, singer or xlsx" :
			    "csv, jsonl or xlsx", arg);
			return -1;
		}
		return 0;
	case 'q':
		msg_level(-1);
		return 0;
	case 'v':
		msg_level(1);
		return 0;
	case OPT_ENCODING:
		o->ro.encoding = arg;
		return 0;
	case OPT_EXCEL:
		o->excel = 1;
		return 0;
	case OPT_REJECTS:
		o->rejects = arg;
		return 0;
	case OPT_VERSION:
		o->version = 1;
		return 0;
	default:
		return 1;
	}
}

int
opts_summary(struct opts *o, const char *arg)
{
	if (arg == NULL || strcmp(arg, "text") == 0)
		return 1;
	if (strcmp(arg, "json") == 0)
		return 2;
	snprintf(o->err, sizeof(o->err), "--summary takes text or json, not "
	    "'%s'", arg);
	return -1;
}

int
opts_done(struct opts *o)
{
	if (o->excel && (o->ofmt == FMT_JSONL || o->ofmt == FMT_SINGER)) {
		snprintf(o->err, sizeof(o->err), "--excel writes CSV; it "
		    "does not go with -o %s", o->ofmt == FMT_JSONL ? "jsonl" :
		    "singer");
		return -1;
	}
	if (o->excel && o->ofmt == FMT_XLSX) {
		snprintf(o->err, sizeof(o->err), "--excel writes CSV; it "
		    "does not go with -o xlsx");
		return -1;
	}
	/* A workbook is binary: refuse a terminal, as gzip does. */
	if (o->ofmt == FMT_XLSX && isatty(STDOUT_FILENO)) {
		snprintf(o->err, sizeof(o->err), "-o xlsx: a workbook is not "
		    "for a terminal; redirect standard output to a file");
		return -1;
	}
	if (o->excel && o->ofmt == FMT_NONE)
		o->ofmt = FMT_CSV;
	if (o->rejects != NULL) {
		if ((o->ro.rejects = fopen(o->rejects, "w")) == NULL) {
			snprintf(o->err, sizeof(o->err), "%s: %s", o->rejects,
			    strerror(errno));
			return -1;
		}
		o->ro.rejects_name = o->rejects;
	}
	return 0;
}

int
opts_close(struct opts *o)
{
	FILE	*fp = o->ro.rejects;

	if (fp == NULL)
		return 0;
	o->ro.rejects = NULL;
	if ((fflush(fp) == EOF || ferror(fp)) + (fclose(fp) == EOF) > 0) {
		snprintf(o->err, sizeof(o->err), "%s: %s", o->rejects,
		    strerror(errno));
		return -1;
	}
	return 0;
}
