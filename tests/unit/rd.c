/*
 * rd: the reader's promises about the fields it hands out that no tool's
 * output shows: a field's bytes are never a null pointer, not even when
 * every cell of the file, the header too, is empty, by either CSV path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rd.h"
#include "tap.h"

static char	 path[] = "/tmp/shopswitch-rd-XXXXXX";

/* Whether every field of every record of the file is a real pointer. */
static int
fields_set(void)
{
	char *const	 paths[1] = { path };
	struct rd_opts	 ro;
	struct reader	*rd;
	struct record	*r;
	struct field	 f;
	size_t		 i;
	int		 set, n;

	rd_opts_init(&ro);
	rd = rd_open(&ro, 1, paths);
	set = 1;
	n = 0;
	while ((r = rd_next(rd)) != NULL) {
		n++;
		for (i = 0; i < rec_nfields(r); i++) {
			rec_value(r, i, &f);
			if (f.s == NULL || f.len != 0)
				set = 0;
		}
	}
	if (rd_failed(rd))
		printf("# %s\n", rd_error(rd));
	set = set && !rd_failed(rd) && n == 2;
	rd_close(rd);
	return set;
}

int
main(void)
{
	FILE	*fp;
	int	 fd;

	if ((fd = mkstemp(path)) == -1)
		return 2;
	if ((fp = fdopen(fd, "w")) == NULL)
		return 2;
	/* Found by tests/fuzz/csv: cells.s stayed NULL (UBSan: NULL + 0). */
	fputs(",\n,\n\"\",\n", fp);
	fclose(fp);
	ok(fields_set(), "empty cells by the fast path are empty strings");
	setenv("SHOPSWITCH_LIBCSV_ONLY", "1", 1);
	ok(fields_set(), "and by libcsv");
	unlink(path);
	return tap_done();
}
