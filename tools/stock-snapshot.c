/*
 * stock-snapshot: the stock of every SKU of a connection as stock
 * records, sorted by SKU, each with the time it was taken; as CSV, JSON
 * Lines or a Singer tap's messages.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conn.h"
#include "key.h"
#include "msg.h"
#include "opts.h"
#include "singer.h"
#include "tz.h"
#include "util.h"
#include "wr.h"

enum {
	OPT_CONFIG = OPT_TOOL,
	OPT_INACTIVE,
	OPT_PERWH
};

static const struct option longopts[] = {	/* sorted by long name */
	{ "config",		required_argument,	NULL,	OPT_CONFIG },
	{ "from",		required_argument,	NULL,	'f' },
	{ "inactive",		no_argument,		NULL,	OPT_INACTIVE },
	{ "per-warehouse",	no_argument,		NULL,	OPT_PERWH },
	{ "warehouse",		required_argument,	NULL,	'w' },
	OPTS_LONG_OUT,
	{ NULL,			0,			NULL,	0 }
};

static const char *const cols[] = {	/* the stock record */
	"sku", "qty", "warehouse", "reserved", "name", "barcode", "source",
	"shop", "taken_at"
};

static const char *const keys[] = {	/* Singer */
	"sku", "warehouse"
};

struct row {
	char		*sku;		/* in the arena, as all strings here */
	char		*warehouse;	/* where, or the ids summed */
	char		*name;		/* product name */
	char		*barcode;	/* barcode */
	long long	 qty;		/* free stock */
	long long	 reserved;	/* reserved */
};

struct rows {
	struct row	*r;		/* the rows */
	size_t		 n;		/* in use */
	size_t		 cap;		/* allocated */
	struct arena	 mem;		/* their strings */
};

static struct opts	 o;		/* shared options */

static void	 help(void) __attribute__((noreturn));
static void	 usage(void) __attribute__((noreturn));

/* Keep a row: the connector's strings are borrowed for the call. */
static int
keep(void *arg, const struct stock_row *sr)
{
	struct rows *rs = arg;
	struct row *r;

	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 1024;
		rs->r = xreallocarray(rs->r, rs->cap, sizeof(*rs->r));
	}
	r = &rs->r[rs->n++];
	r->sku = arena_strndup(&rs->mem, sr->sku, strlen(sr->sku));
	r->warehouse = arena_strndup(&rs->mem, sr->warehouse,
	    strlen(sr->warehouse));
	r->name = arena_strndup(&rs->mem, sr->name, strlen(sr->name));
	r->barcode = arena_strndup(&rs->mem, sr->barcode,
	    strlen(sr->barcode));
	r->qty = sr->qty;
	r->reserved = sr->reserved;
	msg_progress("SKUs", rs->n);
	return 0;
}

/* By SKU in byte order, then by warehouse: two snapshots diff cleanly. */
static int
row_cmp(const void *x, const void *y)
{
	const struct row *a = x, *b = y;
	int	 c;

	if ((c = strcmp(a->sku, b->sku)) != 0)
		return c;
	return strcmp(a->warehouse, b->warehouse);
}

static struct field
text(const char *s)
{
	struct field f;

	f.s = s;
	f.len = strlen(s);
	f.kind = FLD_TEXT;
	return f;
}

int
main(int argc, char *argv[])
{
	struct stock_query q;
	struct session *s;
	struct rows rs;
	struct writer *wr;
	struct field f[NELEM(cols)];
	const char *from, *config;
	char	 err[2048], taken[TZ_LEN], qty[32], res[32];
	size_t	 i;
	int	 ch, status;

	msg_init("stock-snapshot");
	opts_init(&o);
	o.singer = 1;			/* -o singer */
	signal(SIGPIPE, SIG_IGN);	/* as curl: EPIPE is a write error */
	memset(&q, 0, sizeof(q));
	memset(&rs, 0, sizeof(rs));
	arena_init(&rs.mem);
	from = config = NULL;
	while ((ch = getopt_long(argc, argv, "f:w:" OPTS_SHORT_OUT, longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'f':
			from = optarg;
			break;
		case 'h':
			help();
			/* NOTREACHED */
		case 'w':
			q.warehouses = xreallocarray(q.warehouses,
			    q.nwarehouses + 1, sizeof(*q.warehouses));
			q.warehouses[q.nwarehouses++] = optarg;
			break;
		case OPT_CONFIG:
			config = optarg;
			break;
		case OPT_INACTIVE:
			q.inactive = 1;
			break;
		case OPT_PERWH:
			q.per_warehouse = 1;
			break;
		default:
			if (opts_common(&o, ch, optarg) == -1)
				usage();	/* opts_common said why */
		}
	}
	argc -= optind;
	argv += optind;
	if (o.version) {
		printf("stock-snapshot (shopswitch) %s\n", VERSION);
		return EXIT_OK;
	}
	if (argc != 0 || from == NULL) {
		if (from == NULL)
			msg_err("--from names the connection to read");
		usage();
	}
	if (opts_done(&o) == -1) {
		msg_err("%s", o.err);
		return EXIT_TROUBLE;
	}
	if (o.ofmt == FMT_NONE)
		o.ofmt = FMT_CSV;
	if ((s = sess_open(config, from, msg_verbose() ? msg_note : NULL,
	    msg_warn, err, sizeof(err))) == NULL) {
		msg_err("%s", err);
		return EXIT_TROUBLE;
	}

	sess_progress(s, msg_progress_page, msg_progress_wait);

	/* The time the snapshot started: what every row reflects at most. */
	tz_format(time(NULL), taken);
	msg_progress_start("SKUs", 0);
	if (conn_stock(s, &q, keep, &rs) == -1) {
		msg_progress_end();
		msg_err("%s", conn_error(s));
		status = conn_exit(s);
		goto out;		/* nothing written: no half snapshot */
	}
	msg_progress_end();
	msg_note("%zu rows in %lu requests (%lu throttled)", rs.n,
	    conn_requests(s), conn_throttled(s));
	if (rs.n > 1)
		qsort(rs.r, rs.n, sizeof(*rs.r), row_cmp);

	wr = wr_open(stdout, o.ofmt, o.excel);
	wr_header(wr, cols, NELEM(cols));
	status = EXIT_OK;
	/* Singer: a row is one SKU, or one SKU in one warehouse. */
	if (o.ofmt == FMT_SINGER)
		(void)wr_singer_schema(wr, "stock", singer_stock_schema, keys,
		    q.per_warehouse ? 2 : 1, NULL);
	for (i = 0; i < rs.n; i++) {
		snprintf(qty, sizeof(qty), "%lld", rs.r[i].qty);
		snprintf(res, sizeof(res), "%lld", rs.r[i].reserved);
		f[0] = text(rs.r[i].sku);
		f[1] = text(qty);
		f[2] = text(rs.r[i].warehouse);
		f[3] = text(res);
		f[4] = text(rs.r[i].name);
		f[5] = text(rs.r[i].barcode);
		f[6] = text(conn_platform(s));
		f[7] = text(conn_name(s));
		f[8] = text(taken);
		if (o.ofmt == FMT_JSONL || o.ofmt == FMT_SINGER)
			f[1].kind = f[3].kind = FLD_JSON;
		if (wr_row(wr, f, NELEM(cols)) == -1)
			break;
	}
	/* The state: when the snapshot was taken (nothing resumes from it). */
	if (o.ofmt == FMT_SINGER && i == rs.n) {
		json_t	*state;

		state = json_object();
		singer_set_bookmark(state, "stock", "taken_at", taken);
		(void)wr_singer_state(wr, state);
		json_decref(state);
	}
	if (wr_close(wr) == -1) {
		if (errno != EPIPE)
			msg_err("write error: %s", strerror(errno));
		status = EXIT_TROUBLE;
	}
out:
	free(rs.r);
	free(q.warehouses);
	arena_free(&rs.mem);
	sess_close(s);
	return status;
}

static void
help(void)
{
	printf("usage: stock-snapshot --from CONN [options]\n"
	    "Write the stock of every SKU of a connection, sorted by SKU.\n\n"
	    "      --config FILE      the connections file\n"
	    "  -f, --from CONN        the connection to read\n"
	    "      --inactive         include inactive products\n"
	    "      --per-warehouse    a row per SKU and warehouse\n"
	    "  -w, --warehouse ID     count this warehouse (repeatable)\n"
	    OPTS_HELP_OUT_SINGER);
	exit(EXIT_OK);
}

static void
usage(void)
{
	fprintf(stderr, "usage: stock-snapshot [-qv] [-o fmt] [-w id] "
	    "[--config file] [--excel] [--inactive]\n"
	    "                      [--per-warehouse] --from conn\n");
	exit(EXIT_TROUBLE);
}
