/*
 * orders-export: the orders of a connection as order records, streamed
 * page by page: JSON Lines (lossless), CSV (one row per order, or per
 * order line with --lines), or a Singer tap's messages that --state
 * resumes from.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "msg.h"
#include "opts.h"
#include "singer.h"
#include "tz.h"
#include "util.h"
#include "wr.h"

enum {
	OPT_CONFIG = OPT_TOOL,
	OPT_RAW,
	OPT_SHIPMENTS,
	OPT_SHOP,
	OPT_SINCE,
	OPT_STATE,
	OPT_UNTIL
};

static const struct option longopts[] = {	/* sorted by long name */
	{ "config",		required_argument,	NULL,	OPT_CONFIG },
	{ "from",		required_argument,	NULL,	'f' },
	{ "lines",		no_argument,		NULL,	'l' },
	{ "raw",		no_argument,		NULL,	OPT_RAW },
	{ "rejects",		required_argument,	NULL,	OPT_REJECTS },
	{ "shipments",		no_argument,		NULL,	OPT_SHIPMENTS },
	{ "shop",		required_argument,	NULL,	OPT_SHOP },
	{ "since",		required_argument,	NULL,	OPT_SINCE },
	{ "state",		required_argument,	NULL,	OPT_STATE },
	{ "status",		required_argument,	NULL,	's' },
	{ "until",		required_argument,	NULL,	OPT_UNTIL },
	OPTS_LONG_OUT,
	{ NULL,			0,			NULL,	0 }
};

/* The order record's members, in CSV column order. */
static const char *const cols[] = {
	"source", "shop", "id", "number", "reference", "status",
	"platform_status", "created_at", "updated_at", "email", "name",
	"country", "total", "currency"
};
#define NCOLS	NELEM(cols)

struct out {
	struct writer	*wr;		/* standard output */
	const char	*hdr[32];	/* CSV header, written with a record */
	size_t		 nhdr;		/* its columns */
	int		 started;	/* the header is out */
	int		 lines;		/* --lines */
	int		 raw;		/* --raw */
	int		 failed;	/* a write failed */
	unsigned long	 n;		/* orders written */
	unsigned long	 rejected;	/* set aside in --rejects */
	const char	*conn;		/* --from, for the rejects' comments */
	int		 gotupd;	/* Singer: maxupd is set */
	time_t		 maxupd;	/* the latest updated_at written */
};

/* The key of an order record (order-dedupe's default) for Singer. */
static const char *const keys[] = {
	"source", "shop", "number"
};

static struct opts	 o;		/* shared options */

static void	 help(void) __attribute__((noreturn));
static void	 usage(void) __attribute__((noreturn));

/* A member as a CSV field: text as is, numbers as written, null empty. */
static void
as_field(json_t *v, struct field *f, char **tofree)
{
	f->kind = FLD_TEXT;
	*tofree = NULL;
	if (json_is_string(v)) {
		f->s = json_string_value(v);
		f->len = json_string_length(v);
	} else if (v == NULL || json_is_null(v)) {
		f->s = "";
		f->len = 0;
	} else {
		*tofree = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY |
		    JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
		f->s = *tofree;
		f->len = strlen(*tofree);
	}
}

/* "SKU x QTY; ..." of the lines, as order-dedupe reads it. */
static void
items(json_t *lines, struct buf *b)
{
	json_t	*l;
	size_t	 i;
	char	 q[32];

	b->len = 0;
	buf_grow(b, 0);
	b->s[0] = '\0';
	json_array_foreach(lines, i, l) {
		if (i > 0)
			buf_adds(b, "; ");
		buf_adds(b, json_string_value(json_object_get(l, "sku")));
		snprintf(q, sizeof(q), " x %lld", (long long)
		    json_integer_value(json_object_get(l, "qty")));
		buf_adds(b, q);
	}
}

/* "carrier tracking; ..." of the shipments. */
static void
tracking(json_t *ships, struct buf *b)
{
	json_t	*sh;
	size_t	 i;
	const char *c, *t;

	b->len = 0;
	buf_grow(b, 0);
	b->s[0] = '\0';
	json_array_foreach(ships, i, sh) {
		c = json_string_value(json_object_get(sh, "carrier"));
		t = json_string_value(json_object_get(sh, "tracking"));
		if (i > 0)
			buf_adds(b, "; ");
		buf_adds(b, c != NULL ? c : "");
		buf_addc(b, ' ');
		buf_adds(b, t != NULL ? t : "");
	}
}

/*
 * The CSV header goes out with the first record, or at the end of a run
 * that went well: a failed export writes nothing at all.
 */
static void
start(struct out *out)
{
	if (out->started || o.ofmt == FMT_JSONL)
		return;
	out->started = 1;
	if (o.ofmt == FMT_SINGER) {
		if (wr_singer_schema(out->wr, "orders", singer_order_schema,
		    keys, NELEM(keys), "updated_at") == -1)
			out->failed = 1;
		return;
	}
	wr_header(out->wr, out->hdr, out->nhdr);
}

/* Keep the latest updated_at written: the bookmark of the Singer state. */
static void
bookmark(struct out *out, json_t *rec)
{
	const char *u;
	time_t	 t;

	u = json_string_value(json_object_get(rec, "updated_at"));
	if (u == NULL || tz_parse(u, &t) == -1)
		return;
	if (!out->gotupd || t > out->maxupd)
		out->maxupd = t;
	out->gotupd = 1;
}

/* Write one order record: a JSON line, a CSV row, or a row per line. */
static int
emit(void *arg, json_t *rec)
{
	struct out *out = arg;
	struct field f[NCOLS + 6];
	char	*own[NCOLS + 6];
	struct buf it, tr;
	json_t	*lines, *l;
	size_t	 i, n, k, nl;
	int	 rc;

	out->n++;
	msg_progress("orders", out->n);
	start(out);
	if (o.ofmt == FMT_JSONL || o.ofmt == FMT_SINGER) {
		bookmark(out, rec);
		if (out->failed || wr_json(out->wr, rec) == -1) {
			out->failed = 1;
			return -1;
		}
		return 0;
	}
	memset(own, 0, sizeof(own));
	memset(&it, 0, sizeof(it));
	memset(&tr, 0, sizeof(tr));
	for (i = 0; i < NCOLS; i++)
		as_field(json_object_get(rec, cols[i]), &f[i], &own[i]);
	lines = json_object_get(rec, "lines");
	tracking(json_object_get(rec, "shipments"), &tr);
	rc = 0;
	if (!out->lines) {
		items(lines, &it);
		f[NCOLS] = (struct field){ it.s, it.len, FLD_TEXT };
		f[NCOLS + 1] = (struct field){ tr.s, tr.len, FLD_TEXT };
		n = NCOLS + 2;
		if (out->raw) {
			as_field(json_object_get(rec, "raw"), &f[n], &own[n]);
			n++;
		}
		rc = wr_row(out->wr, f, n);
	} else {
		/* A row per line; an order without lines still gets one. */
		nl = json_array_size(lines);
		for (k = 0; k < (nl > 0 ? nl : 1) && rc == 0; k++) {
			l = json_array_get(lines, k);
			for (i = 0; i < 4; i++) {
				free(own[NCOLS + i]);
				own[NCOLS + i] = NULL;
			}
			as_field(json_object_get(l, "sku"), &f[NCOLS],
			    &own[NCOLS]);
			as_field(json_object_get(l, "name"), &f[NCOLS + 1],
			    &own[NCOLS + 1]);
			as_field(json_object_get(l, "qty"), &f[NCOLS + 2],
			    &own[NCOLS + 2]);
			as_field(json_object_get(l, "qty_shipped"),
			    &f[NCOLS + 3], &own[NCOLS + 3]);
			f[NCOLS + 4] = (struct field){ tr.s, tr.len, FLD_TEXT };
			n = NCOLS + 5;
			if (out->raw && k == 0) {
				as_field(json_object_get(rec, "raw"), &f[n],
				    &own[n]);
				n++;
			} else if (out->raw)
				n++;		/* the same raw text again */
			rc = wr_row(out->wr, f, n);
		}
	}
	for (i = 0; i < NELEM(own); i++)
		free(own[i]);
	buf_free(&it);
	buf_free(&tr);
	if (rc == -1) {
		out->failed = 1;
		return -1;
	}
	return 0;
}

/*
 * An order that cannot be a record (a status the connection does not
 * map): the platform's object in --rejects, after a comment line with
 * the reason, as the readers set records aside.
 */
static int
reject(void *arg, json_t *obj, const char *why)
{
	struct out *out = arg;
	FILE	*fp = o.ro.rejects;
	char	*text;
	int	 rc;

	text = json_dumps(obj, JSON_COMPACT);
	rc = text == NULL || fprintf(fp, "# %s: %s\n%s\n", out->conn, why,
	    text) < 0 ? -1 : 0;
	free(text);
	out->rejected++;
	return rc;
}

/*
 * After a whole export, the state to resume from: the state read with
 * --state, its bookmark moved to the latest updated_at written (never
 * back).  Only then: a STATE written before every order is out would let
 * a broken run skip what it did not write.
 */
static void
put_state(struct out *out, json_t *old)
{
	json_t	*state;
	time_t	 prev;
	char	 t[TZ_LEN];
	const char *u;

	state = old != NULL ? json_deep_copy(old) : json_object();
	if (state == NULL)
		xnomem();
	u = json_string_value(json_object_get(json_object_get(
	    json_object_get(state, "bookmarks"), "orders"), "updated_at"));
	if (out->gotupd && (u == NULL || tz_parse(u, &prev) == -1 ||
	    out->maxupd > prev)) {
		tz_format(out->maxupd, t);
		singer_set_bookmark(state, "orders", "updated_at", t);
	}
	if (wr_singer_state(out->wr, state) == -1)
		out->failed = 1;
	json_decref(state);
}

int
main(int argc, char *argv[])
{
	struct order_query q;
	struct session *s;
	struct out out;
	const char *from, *config, *why, *statef;
	json_t	*state;
	time_t	 mark;
	char	 err[2048], t[TZ_LEN];
	unsigned int st;
	size_t	 n;
	int	 ch, status;

	msg_init("orders-export");
	opts_init(&o);
	o.singer = 1;			/* -o singer */
	signal(SIGPIPE, SIG_IGN);	/* as curl: EPIPE is a write error */
	memset(&q, 0, sizeof(q));
	memset(&out, 0, sizeof(out));
	from = config = statef = NULL;
	state = NULL;
	while ((ch = getopt_long(argc, argv, "f:ls:" OPTS_SHORT_OUT, longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'f':
			from = optarg;
			break;
		case 'h':
			help();
			/* NOTREACHED */
		case 'l':
			out.lines = 1;
			break;
		case 's':
			if ((st = conn_status(optarg)) == 0) {
				msg_err("--status takes draft, open, on_hold, "
				    "partially_shipped, completed or "
				    "cancelled, not '%s'", optarg);
				usage();
			}
			q.statuses |= st;
			break;
		case OPT_CONFIG:
			config = optarg;
			break;
		case OPT_RAW:
			q.raw = out.raw = 1;
			break;
		case OPT_SHIPMENTS:
			q.shipments = 1;
			break;
		case OPT_SHOP:
			q.shop = optarg;
			break;
		case OPT_STATE:
			statef = optarg;
			break;
		case OPT_SINCE:
		case OPT_UNTIL:
			if (tz_parse(optarg, ch == OPT_SINCE ? &q.since :
			    &q.until) == -1) {
				msg_err("%s takes YYYY-MM-DD or an RFC 3339 "
				    "time such as 2026-11-01T10:00:00Z, not "
				    "'%s'", ch == OPT_SINCE ? "--since" :
				    "--until", optarg);
				usage();
			}
			if (ch == OPT_SINCE)
				q.since_set = 1;
			else
				q.until_set = 1;
			break;
		default:
			if (opts_common(&o, ch, optarg) == -1)
				usage();	/* opts_common said why */
		}
	}
	argc -= optind;
	argv += optind;
	if (o.version) {
		printf("orders-export (shopswitch) %s\n", VERSION);
		return EXIT_OK;
	}
	if (argc != 0 || from == NULL) {
		if (from == NULL)
			msg_err("--from names the connection to export");
		usage();
	}
	if (out.lines && (o.ofmt == FMT_JSONL || o.ofmt == FMT_SINGER)) {
		msg_err("--lines is for CSV output; JSON Lines keeps the lines "
		    "in each record");
		usage();
	}
	if (opts_done(&o) == -1) {
		msg_err("%s", o.err);
		return EXIT_TROUBLE;
	}
	if (o.ofmt == FMT_NONE)
		o.ofmt = FMT_CSV;
	/*
	 * --state: the bookmark is one more --since (the later wins), so
	 * that each platform filters as it does --since.  Inclusive: the
	 * orders changed in the bookmark's second come again.
	 */
	if (statef != NULL) {
		switch (singer_bookmark(statef, "orders", "updated_at", &mark,
		    &state, err, sizeof(err))) {
		case -1:
			msg_err("%s", err);
			return EXIT_TROUBLE;
		case 1:
			if (!q.since_set || mark > q.since)
				q.since = mark;
			q.since_set = 1;
			tz_format(mark, t);
			msg_note("%s: orders changed at or after %s", statef,
			    t);
			break;
		default:
			msg_note("%s: no bookmark for orders", statef);
		}
	}

	if ((s = sess_open(config, from, msg_verbose() ? msg_note : NULL,
	    msg_warn, err, sizeof(err))) == NULL) {
		msg_err("%s", err);
		json_decref(state);
		return EXIT_TROUBLE;
	}
	sess_progress(s, msg_progress_page, msg_progress_wait);
	if (q.shop != NULL && (why = conn_cannot(s, OP_SHOPS)) != NULL) {
		msg_err("%s", why);
		sess_close(s);
		json_decref(state);
		return EXIT_TROUBLE;
	}
	out.wr = wr_open(stdout, o.ofmt, o.excel);
	memcpy(out.hdr, cols, sizeof(cols));
	n = NCOLS;
	if (out.lines) {
		out.hdr[n++] = "sku";
		out.hdr[n++] = "item_name";
		out.hdr[n++] = "qty";
		out.hdr[n++] = "qty_shipped";
	} else
		out.hdr[n++] = "items";
	out.hdr[n++] = "tracking";
	if (out.raw)
		out.hdr[n++] = "raw";
	out.nhdr = n;
	out.conn = from;
	if (o.ro.rejects != NULL) {
		q.reject = reject;
		q.reject_arg = &out;
	}

	status = EXIT_OK;
	msg_progress_start("orders", 0);
	if (conn_orders(s, &q, emit, &out) == -1 && !out.failed) {
		msg_err("%s", conn_error(s));
		status = conn_exit(s);
	} else if (!out.failed) {
		start(&out);		/* no orders: the header alone */
		if (o.ofmt == FMT_SINGER && !out.failed)
			put_state(&out, state);
	}
	msg_progress_end();
	msg_note("%lu orders in %lu requests (%lu throttled)", out.n,
	    conn_requests(s), conn_throttled(s));
	if (out.rejected > 0) {
		msg_warn("%lu order%s set aside in %s", out.rejected,
		    out.rejected == 1 ? "" : "s", o.rejects);
		if (status == EXIT_OK)
			status = EXIT_DIFFER;
	}
	if (opts_close(&o) == -1) {
		msg_err("%s", o.err);
		status = EXIT_TROUBLE;
	}
	if (wr_close(out.wr) == -1 || out.failed) {
		if (errno != EPIPE)
			msg_err("write error: %s", strerror(errno));
		status = EXIT_TROUBLE;
	}
	sess_close(s);
	json_decref(state);
	return status;
}

static void
help(void)
{
	printf("usage: orders-export --from CONN [options]\n"
	    "Write the orders of a connection as order records.\n\n"
	    "      --config FILE      the connections file\n"
	    "  -f, --from CONN        the connection to export\n"
	    "  -l, --lines            CSV: one row per order line\n"
	    "      --raw              add the platform's own object\n"
	    "      --rejects FILE     set aside an order whose status the "
	    "connection\n"
	    "                         does not map, and go on\n"
	    "      --shipments        Picqer: the shipments too (a request "
	    "per picklist)\n"
	    "      --shop ID          only orders imported from that "
	    "webshop connection\n"
	    "      --since TIME       orders created at or after TIME\n"
	    "      --state FILE       Singer: resume from the bookmark in "
	    "FILE\n"
	    "  -s, --status STATUS    only these (repeatable): draft open "
	    "on_hold\n"
	    "                         partially_shipped completed cancelled\n"
	    "      --until TIME       orders created at or before TIME\n"
	    OPTS_HELP_OUT_SINGER);
	exit(EXIT_OK);
}

static void
usage(void)
{
	fprintf(stderr, "usage: orders-export [-lqv] [-o fmt] [-s status] "
	    "[--config file] [--excel] [--raw]\n"
	    "                     [--rejects file] [--shipments] [--shop id] "
	    "[--since time]\n"
	    "                     [--state file] [--until time] --from conn\n");
	exit(EXIT_TROUBLE);
}
