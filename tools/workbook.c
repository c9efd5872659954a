/*
 * workbook: put files of records, and text files, into one workbook on
 * standard output, a sheet for each file, in the order given.
 *
 * A CSV or JSON Lines file becomes a sheet of its records, as -o xlsx
 * writes them; a file whose name ends in .txt becomes a sheet of its
 * lines, one cell each, under the file's name.  A sheet is named after
 * its file, without the directory and the extension; a file without
 * records is an empty sheet.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "opts.h"
#include "rd.h"
#include "util.h"
#include "wr.h"

static const struct option longopts[] = {	/* sorted by long name */
	{ "delimiter",		required_argument,	NULL,	'd' },
	{ "encoding",		required_argument,	NULL,	OPT_ENCODING },
	{ "help",		no_argument,		NULL,	'h' },
	{ "input-format",	required_argument,	NULL,	'i' },
	{ "quiet",		no_argument,		NULL,	'q' },
	{ "verbose",		no_argument,		NULL,	'v' },
	{ "version",		no_argument,		NULL,	OPT_VERSION },
	{ NULL,			0,			NULL,	0 }
};

static struct opts	 o;		/* shared options */

static void	 help(void) __attribute__((noreturn));
static void	 usage(void) __attribute__((noreturn));

/* The sheet name of path: its last component without the extension. */
static char *
sheet_name(const char *path)
{
	const char *base, *dot;

	base = (base = strrchr(path, '/')) != NULL ? base + 1 : path;
	if ((dot = strrchr(base, '.')) == NULL || dot == base)
		dot = base + strlen(base);
	return xmemdup(base, (size_t)(dot - base));
}

static int
is_text(const char *path)
{
	size_t	 n;

	n = strlen(path);
	return n > 4 && strcmp(path + n - 4, ".txt") == 0;
}

/* A text file: a row per line, under a header of the file's name. */
static int
add_text(struct writer *w, const char *path, const char *base)
{
	struct field f;
	FILE	*fp;
	char	*line;
	size_t	 cap;
	ssize_t	 n;
	int	 rc;

	if ((fp = fopen(path, "r")) == NULL) {
		msg_err("%s: %s", path, strerror(errno));
		return -1;
	}
	wr_header(w, &base, 1);
	line = NULL;
	cap = 0;
	rc = 0;
	while ((n = getline(&line, &cap, fp)) != -1) {
		if (n > 0 && line[n - 1] == '\n')
			n--;
		if (n > 0 && line[n - 1] == '\r')
			n--;
		f.s = line;
		f.len = (size_t)n;
		f.kind = FLD_TEXT;
		if (wr_row(w, &f, 1) == -1) {
			rc = -1;
			break;
		}
	}
	if (ferror(fp)) {
		msg_err("%s: %s", path, strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(fp);
	return rc;
}

/* A file of records: the sheet's columns are those of its first. */
static int
add_records(struct writer *w, char *path, const char *name)
{
	struct reader *rd;
	struct record *r;
	int	 rc;

	static const char *const none[1] = { "" };

	rc = 0;
	rd = rd_open(&o.ro, 1, &path);
	if (!rd_failed(rd) && rd_ready(rd) == 0)
		while ((r = rd_next(rd)) != NULL)
			if (wr_record(w, r, NULL, NULL) == -1) {
				msg_err("%s", wr_error(w));
				rc = -1;
				break;
			}
	if (rd_failed(rd)) {
		msg_err("%s", rd_error(rd));
		rc = -1;
	}
	/* No record, no columns: the sheet is there, empty. */
	if (rc == 0 && rd_count(rd) == 0 && wr_sheet(w, name, none, 0) == -1) {
		msg_err("%s", wr_error(w));
		rc = -1;
	}
	rd_close(rd);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct writer *w;
	char	**names;
	int	 ch, i, j, status;

	msg_init("workbook");
	opts_init(&o);
	while ((ch = getopt_long(argc, argv, "d:hi:qv", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'h':
			help();
			/* NOTREACHED */
		default:
			if (opts_common(&o, ch, optarg) == -1)
				usage();	/* opts_common said why */
		}
	}
	argc -= optind;
	argv += optind;
	if (o.version) {
		printf("workbook (shopswitch) %s\n", VERSION);
		return EXIT_OK;
	}
	if (argc == 0)
		usage();
	o.ofmt = FMT_XLSX;
	if (opts_done(&o) == -1) {
		msg_err("%s", o.err);
		return EXIT_TROUBLE;
	}
	/* Two files of one name would share a sheet: refuse before. */
	names = xreallocarray(NULL, (size_t)argc, sizeof(*names));
	status = EXIT_OK;
	for (i = 0; i < argc; i++) {
		names[i] = sheet_name(argv[i]);
		for (j = 0; j < i && status == EXIT_OK; j++)
			if (strcmp(names[i], names[j]) == 0) {
				msg_err("%s and %s would both be the sheet %s",
				    argv[j], argv[i], names[i]);
				status = EXIT_TROUBLE;
			}
	}

	w = status == EXIT_OK ? wr_open(stdout, FMT_XLSX, 0) : NULL;
	for (i = 0; i < argc && status == EXIT_OK; i++) {
		if (wr_new_sheet(w, names[i]) == -1 ||
		    (is_text(argv[i]) ? add_text(w, argv[i], names[i]) :
		    add_records(w, argv[i], names[i])) == -1)
			status = EXIT_TROUBLE;
	}
	if (w != NULL && wr_close(w) == -1) {
		msg_err("write error: %s", strerror(errno));
		status = EXIT_TROUBLE;
	}
	for (i = 0; i < argc; i++)
		free(names[i]);
	free(names);
	return status;
}

static void
help(void)
{
	printf("usage: workbook [options] FILE...\n"
	    "Put CSV, JSON Lines and .txt files into one workbook (xlsx) on "
	    "standard output,\na sheet for each.\n\n"
	    "  -d, --delimiter C      CSV input delimiter: , ; tab | "
	    "(default: sniffed)\n"
	    "      --encoding CHARSET transcode input from CHARSET "
	    "(iconv -l)\n"
	    "  -i, --input-format F   csv, jsonl or singer (default: "
	    "detected)\n"
	    OPTS_HELP_TAIL);
	exit(EXIT_OK);
}

static void
usage(void)
{
	fprintf(stderr, "usage: workbook [-qv] [-d delim] [-i fmt] "
	    "[--encoding charset] file ...\n");
	exit(EXIT_TROUBLE);
}
