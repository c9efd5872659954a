/*
 * csv: a libFuzzer harness for the record reader, differentially.  Each
 * input is read twice, once as the tools read it (quote-free lines split
 * by the fast path) and once with every line through libcsv, as
 * SHOPSWITCH_LIBCSV_ONLY asks.  Both readings must give the same records
 * (line, raw bytes, every name and value), the same rejects file, the same
 * counts and the same error.
 *
 * The last byte of an input picks the reader's options, as libFuzzer's
 * FuzzedDataProvider takes its choices from the end, so that the seeds'
 * own bytes stay at the front: bits 0-2 the delimiter (0-3 sniff it, then
 * ',' ';' tab '|'), bit 3 a rejects file, bit 4 "-i csv" (else the format
 * is detected), bit 5 rd_ready first, bit 6 rd_want of "sku" and "a",
 * bit 7 "sku" required.  The rest is the file: a memfd put on standard
 * input, which the reader reads without opening anything.  The Makefile
 * builds rd.c with small buffers, so that short inputs cross them.
 */
#define _GNU_SOURCE		/* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rd.h"
#include "util.h"


int	 LLVMFuzzerInitialize(int *, char ***);
int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	int	 fd;

	if ((fd = memfd_create("fuzz-csv", 0)) == -1 ||
	    dup2(fd, STDIN_FILENO) == -1) {
		perror("memfd");
		exit(1);
	}
	close(fd);
	return 0;
}

/* Append a length and the bytes, so that no two transcripts run together. */
static void
put(struct buf *t, const char *s, size_t n)
{
	char	 len[32];

	snprintf(len, sizeof(len), "%zu:", n);
	buf_adds(t, len);
	if (n > 0)
		buf_add(t, s, n);
	buf_addc(t, ' ');
}

static void
putnum(struct buf *t, unsigned long v)
{
	char	 s[32];

	snprintf(s, sizeof(s), "%lu ", v);
	buf_adds(t, s);
}

/*
 * Read the file with options o into transcript t: every record with every
 * field, then the reader's verdict and what went to the rejects file.
 */
static void
readall(unsigned o, int libcsv, struct buf *t)
{
	static const char delims[] = { ',', ';', '\t', '|' };
	struct rd_opts	 ro;
	struct reader	*rd;
	struct record	*r;
	struct field	 f;
	const struct field *g;
	const char	*name;
	char		*rej;
	size_t		 i, n, rejlen;
	int		 sku, a, k;

	if (libcsv)
		setenv("SHOPSWITCH_LIBCSV_ONLY", "1", 1);
	else
		unsetenv("SHOPSWITCH_LIBCSV_ONLY");
	rd_opts_init(&ro);
	ro.delim = (o & 7) < 4 ? '\0' : delims[(o & 7) - 4];
	rej = NULL;
	rejlen = 0;
	if (o & 8) {
		ro.rejects = open_memstream(&rej, &rejlen);
		ro.rejects_name = "rejects";
	}
	ro.ifmt = o & 16 ? FMT_CSV : FMT_NONE;
	t->len = 0;
	if (lseek(STDIN_FILENO, 0, SEEK_SET) == -1) {
		perror("lseek");
		abort();
	}
	rd = rd_open(&ro, 0, NULL);
	sku = a = -1;
	if (o & 64) {
		sku = rd_want(rd, "sku", (o & 128) != 0);
		a = rd_want(rd, "a", 0);
	}
	if (o & 32) {
		k = rd_ready(rd);
		putnum(t, (unsigned long)(k + 1));
	}
	while ((r = rd_next(rd)) != NULL) {
		buf_adds(t, "\nR ");
		buf_adds(t, r->file);
		buf_addc(t, ' ');
		putnum(t, r->line);
		putnum(t, (unsigned long)r->fmt);
		put(t, r->raw, r->rawlen);
		n = rec_nfields(r);
		putnum(t, n);
		for (i = 0; i < n; i++) {
			name = rec_name(r, i, &f.len);
			put(t, name, f.len);
			rec_value(r, i, &f);
			put(t, f.s, f.len);
			putnum(t, (unsigned long)f.kind);
		}
		if (sku != -1) {
			if ((g = rec_get(r, sku)) != NULL)
				put(t, g->s, g->len);
			else
				buf_adds(t, "- ");
			if ((g = rec_get(r, a)) != NULL)
				put(t, g->s, g->len);
			else
				buf_adds(t, "- ");
		}
	}
	buf_adds(t, "\nE ");
	putnum(t, (unsigned long)rd_failed(rd));
	buf_adds(t, rd_error(rd));
	buf_addc(t, ' ');
	putnum(t, rd_count(rd));
	putnum(t, rd_rejected(rd));
	putnum(t, (unsigned long)rd_format(rd));
	putnum(t, (unsigned long)rd_empty(rd));
	rd_close(rd);
	if (o & 8) {
		fclose(ro.rejects);
		buf_adds(t, "\nJ ");
		put(t, rej, rejlen);
		free(rej);
	}
	buf_addc(t, '\n');
}

/* Show a transcript with its unprintable bytes escaped. */
static void
show(const char *what, const struct buf *t)
{
	size_t	 i;
	int	 c;

	fprintf(stderr, "%s:\n", what);
	for (i = 0; i < t->len; i++) {
		c = (unsigned char)t->s[i];
		if (c == '\n' || (c >= ' ' && c < 0x7f && c != '\\'))
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	fputc('\n', stderr);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct buf fast, slow;
	unsigned	 o;

	if (size == 0)
		return 0;
	o = data[size - 1];
	size--;
	if (ftruncate(STDIN_FILENO, 0) == -1 ||
	    pwrite(STDIN_FILENO, data, size, 0) != (ssize_t)size) {
		perror("memfd");
		abort();
	}
	readall(o, 0, &fast);
	readall(o, 1, &slow);
	if (fast.len != slow.len || memcmp(fast.s, slow.s, fast.len) != 0) {
		fprintf(stderr, "options 0x%02x: the fast path and libcsv "
		    "differ\n", o);
		show("fast path", &fast);
		show("libcsv only", &slow);
		abort();
	}
	return 0;
}
