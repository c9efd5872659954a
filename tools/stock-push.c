/*
 * stock-push: set a shop's stock levels from stock records, in as few
 * requests as the platform allows, and say what became of every SKU.
 *
 * The story: read the input whole (a bad record stops the run before the
 * shop is touched), list the shop's catalog once, plan (unchanged, not
 * found, to write), refuse a plan that would empty the shop, then write
 * batch by batch, each confirmed batch journalled before the next.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "htab.h"
#include "journal.h"
#include "msg.h"
#include "opts.h"
#include "rd.h"
#include "util.h"
#include "wr.h"

enum {
	OPT_CONFIG = OPT_TOOL,
	OPT_FORCE,
	OPT_JOURNAL,
	OPT_MAXZERO,
	OPT_MINCOVER,
	OPT_CONFLICT
};

static const struct option longopts[] = {	/* sorted by long name */
	{ "config",		required_argument,	NULL,	OPT_CONFIG },
	{ "dry-run",		no_argument,		NULL,	'n' },
	{ "force",		no_argument,		NULL,	OPT_FORCE },
	{ "journal",		required_argument,	NULL,	OPT_JOURNAL },
	{ "max-zero",		required_argument,	NULL,	OPT_MAXZERO },
	{ "min-coverage",	required_argument,	NULL,	OPT_MINCOVER },
	{ "on-conflict",	required_argument,	NULL,	OPT_CONFLICT },
	{ "to",			required_argument,	NULL,	't' },
	OPTS_LONG,
	{ NULL,			0,			NULL,	0 }
};

#define TRIES	3		/* rounds of reading the catalog again */
#define FRACTION "the shop's level has a fraction, left out in from"

static const char *const cols[] = {	/* the result record */
	"sku", "from", "to", "result", "reason"
};

enum state {				/* what the plan says of a SKU */
	S_NOTFOUND,			/* not in the shop */
	S_FAILED,			/* in it, but cannot be set */
	S_UNCHANGED,			/* already right */
	S_WRITE,			/* to write */
	S_SET,				/* written (now or in the journal) */
	S_CONFLICT,			/* changed under us */
	S_AGAIN				/* its write went unanswered, or was
					   not sent after one: looked at in
					   the shop before it is sent again */
};

static const char *const names[] = {
	"not_found", "failed", "unchanged", "set", "set", "conflict", "failed"
};
static const char *const dry[] = {
	"not_found", "failed", "unchanged", "would_set", "set", "conflict",
	"failed"
};

/* A SKU of the input, and what the shop and the push made of it. */
struct want {
	long long	 to;		/* the level asked for */
	long long	 from;		/* the shop's level, if found */
	long long	 was;		/* from, when its write went
					   unanswered (S_AGAIN) */
	const char	*id;		/* the shop's handle (arena) */
	const char	*group;		/* and its write group (arena) */
	const char	*file;		/* where the input said so */
	unsigned long	 line;
	unsigned int	 nitems;	/* items in the shop with this SKU */
	int		 tracked;	/* the shop counts its stock */
	int		 fraction;	/* from is rounded down: write anyway */
	int		 journal;	/* set by an earlier run */
	enum state	 st;
	const char	*reason;	/* for failed and conflict (arena) */
};

struct run {
	struct htab	 wants;		/* SKU -> struct want */
	struct arena	 mem;		/* strings */
	unsigned long	 shop_skus;	/* SKUs the shop tracks */
	unsigned long	 shop_stocked;	/* of which with stock */
	unsigned long	 listed;	/* catalog items seen */
	struct journal	*journal;	/* --journal, or NULL */
	struct writer	*wr;		/* the results */
	int		 dry;		/* --dry-run */
	int		 wfailed;	/* a write to the results failed */
};

static struct opts	 o;		/* shared options */

static void	 help(void) __attribute__((noreturn));
static void	 usage(void) __attribute__((noreturn));

static struct want *
want_of(struct ht_entry *e)
{
	return ht_data(e);
}

/*
 * A quantity as the input has it: a whole number of at least zero,
 * written in decimal without sign or spaces ("12"; a JSON 12 or "12").
 */
static int
parse_qty(const struct field *f, long long *out, char *why, size_t len)
{
	long long v;
	size_t	 i;

	if (f == NULL || f->kind == FLD_NULL || f->len == 0) {
		snprintf(why, len, "qty is empty");
		return -1;
	}
	for (i = 0, v = 0; i < f->len; i++) {
		if (f->s[i] < '0' || f->s[i] > '9' || v > 999999999999LL) {
			snprintf(why, len, "qty '%.*s' is not a whole number "
			    "of at least 0", (int)(f->len > 40 ? 40 : f->len),
			    f->s);
			return -1;
		}
		v = v * 10 + (f->s[i] - '0');
	}
	*out = v;
	return 0;
}

/*
 * Read every stock record: SKU and level, a SKU twice only when both say
 * the same.  0, or -1 after a message (exit 2).
 */
static int
read_input(struct run *r, int argc, char *argv[])
{
	struct reader *rd;
	struct record *rec;
	const struct field *fs, *fq;
	struct ht_entry *e;
	struct want *w;
	char	 why[256];
	long long qty;
	int	 skuid, qtyid, isnew, rc;

	if ((rd = rd_open(&o.ro, argc, argv)) == NULL) {
		msg_err("cannot read the input");
		return -1;
	}
	skuid = rd_want(rd, "sku", 1);
	qtyid = rd_want(rd, "qty", 1);
	rc = rd_ready(rd);
	while (rc == 0 && (rec = rd_next(rd)) != NULL) {
		fs = rec_get(rec, skuid);
		fq = rec_get(rec, qtyid);
		if (fs == NULL || fs->kind != FLD_TEXT || fs->len == 0) {
			if (rd_reject(rd, rec, "sku is empty") == -1)
				rc = -1;
			continue;
		}
		if (parse_qty(fq, &qty, why, sizeof(why)) == -1) {
			if (rd_reject(rd, rec, why) == -1)
				rc = -1;
			continue;
		}
		e = ht_lookup(&r->wants, fs->s, fs->len, 1, &isnew);
		w = want_of(e);
		if (!isnew) {
			if (w->to == qty)
				continue;
			msg_err("%s:%lu: SKU %s to %lld, but %s:%lu says %lld",
			    rec->file, rec->line, e->key, qty, w->file,
			    w->line, w->to);
			rc = -2;
			break;
		}
		w->to = qty;
		w->file = arena_strndup(&r->mem, rec->file,
		    strlen(rec->file));
		w->line = rec->line;
		w->st = S_NOTFOUND;
		msg_progress(rd_name(rd), rd_count(rd));
	}
	msg_progress_end();
	if (rc == -1 || rd_failed(rd)) {
		msg_err("%s", rd_error(rd));
		rc = -1;
	}
	if (o.ofmt == FMT_NONE)		/* the results follow the input */
		o.ofmt = rd_format(rd) == FMT_JSONL ? FMT_JSONL : FMT_CSV;
	rd_close(rd);
	return rc == 0 ? 0 : -1;
}

/* One item of the shop's catalog. */
static int
shop_item(void *arg, const struct shop_item *it)
{
	struct run *r = arg;
	struct ht_entry *e;
	struct want *w;
	int	 isnew;

	msg_progress("catalog items", ++r->listed);
	if (it->sku[0] == '\0' || !it->tracked)
		;
	else {
		r->shop_skus++;
		if (it->qty > 0)
			r->shop_stocked++;
	}
	if ((e = ht_lookup(&r->wants, it->sku, strlen(it->sku), 0,
	    &isnew)) == NULL)
		return 0;
	w = want_of(e);
	if (w->nitems++ > 0)
		return 0;		/* the first one, for the message */
	if (!w->journal)		/* the journal has the level before */
		w->from = it->qty;
	w->tracked = it->tracked;
	w->fraction = it->fraction;
	if (!it->tracked && it->why != NULL)
		w->reason = arena_strndup(&r->mem, it->why, strlen(it->why));
	w->id = arena_strndup(&r->mem, it->id, strlen(it->id));
	w->group = arena_strndup(&r->mem, it->group, strlen(it->group));
	return 0;
}

/* Write the result record of SKU e. */
static void
result(struct run *r, const struct ht_entry *e)
{
	const struct want *w = ht_data(e);
	struct field f[NELEM(cols)];
	char	 from[32], to[32];
	int	 known;			/* the level the shop has */

	known = w->journal || (w->nitems == 1 && w->tracked);
	snprintf(from, sizeof(from), "%lld", w->from);
	snprintf(to, sizeof(to), "%lld", w->to);
	f[0] = wr_text(e->key);
	f[1] = wr_text(known ? from : "");
	f[2] = wr_text(to);
	f[3] = wr_text(r->dry ? dry[w->st] : names[w->st]);
	f[4] = wr_text(w->reason != NULL ? w->reason : "");
	if (o.ofmt == FMT_JSONL) {
		f[1].kind = known ? FLD_JSON : FLD_NULL;
		if (!known)
			f[1].s = "null", f[1].len = 4;
		f[2].kind = FLD_JSON;
	}
	if (wr_row(r->wr, f, NELEM(cols)) == -1)
		r->wfailed = 1;
}

/*
 * Settle what the catalog decides: not found, more than one item, stock
 * not tracked, already right.  The rest is to write.
 */
static void
plan(struct run *r)
{
	struct want *w;
	size_t	 i;

	for (i = 0; i < r->wants.n; i++) {
		w = want_of(r->wants.ent[i]);
		if (w->journal)
			w->st = S_SET;
		else if (w->nitems == 0)
			w->st = S_NOTFOUND;
		else if (w->nitems > 1) {
			w->st = S_FAILED;
			w->reason = "more than one item in the shop has "
			    "this SKU";
		} else if (!w->tracked) {
			w->st = S_FAILED;
			if (w->reason == NULL)
				w->reason = "the shop does not track this "
				    "item's stock";
		} else if (w->from == w->to && !w->fraction)
			w->st = S_UNCHANGED;
		else {
			w->st = S_WRITE;
			if (w->fraction)
				w->reason = FRACTION;
		}
	}
}

/*
 * The guards: a push that zeroes or halves too many of the SKUs the shop
 * has in stock, or whose input covers too few of the shop's SKUs, is
 * refused before anything is written.  0 when it may go on, -1 after
 * saying why.
 */
static int
guard(struct run *r, double maxzero, double mincover, int force)
{
	const struct want *w;
	unsigned long cut, covered;
	size_t	 i;
	int	 bad;

	cut = covered = 0;
	for (i = 0; i < r->wants.n; i++) {
		w = want_of(r->wants.ent[i]);
		if (w->nitems != 1 || !w->tracked)
			continue;
		covered++;
		if (w->st == S_WRITE && w->from > 0 && 2 * w->to < w->from)
			cut++;
	}
	bad = 0;
	if (r->shop_stocked > 0 &&
	    (double)cut * 100 > maxzero * (double)r->shop_stocked) {
		msg_err("%s the push sets %lu of the %lu SKUs the shop has "
		    "in stock to zero or to less than half (%.1f%%, more "
		    "than --max-zero %g%%)", force ? "warning:" :
		    "refusing:", cut, r->shop_stocked, 100.0 * (double)cut /
		    (double)r->shop_stocked, maxzero);
		bad = 1;
	}
	if (r->shop_skus > 0 &&
	    (double)covered * 100 < mincover * (double)r->shop_skus) {
		msg_err("%s the input names %lu of the %lu SKUs the shop "
		    "tracks (%.1f%%, less than --min-coverage %g%%): is the "
		    "snapshot empty or cut short?", force ? "warning:" :
		    "refusing:", covered, r->shop_skus, 100.0 *
		    (double)covered / (double)r->shop_skus, mincover);
		bad = 1;
	}
	if (bad && !force) {
		msg_err("nothing was written; --force pushes anyway");
		return -1;
	}
	return 0;
}

/*
 * A line of the journal of an earlier run of this push: the SKUs it set,
 * each with the level before and the level set.
 */
static int
journal_line(void *arg, json_t *j, const char *where, char *err,
    size_t errlen)
{
	struct run *r = arg;
	struct ht_entry *e;
	struct want *w;
	json_t	*it;
	const char *sku;
	size_t	 i;
	int	 isnew;

	json_array_foreach(json_object_get(j, "set"), i, it) {
		sku = json_string_value(json_array_get(it, 0));
		if (sku == NULL || json_array_size(it) != 3) {
			snprintf(err, errlen, "%s: not a journal line", where);
			return -1;
		}
		e = ht_lookup(&r->wants, sku, strlen(sku), 0, &isnew);
		if (e == NULL) {
			snprintf(err, errlen, "%s: SKU %s was set by this "
			    "push, but the input does not name it: the journal "
			    "is of another push", where, sku);
			return -1;
		}
		w = want_of(e);
		if (json_integer_value(json_array_get(it, 2)) != w->to) {
			snprintf(err, errlen, "%s: SKU %s was set to %lld, the "
			    "input says %lld: the journal is of another push",
			    where, sku, (long long)json_integer_value(
			    json_array_get(it, 2)), w->to);
			return -1;
		}
		w->journal = 1;
		w->from = json_integer_value(json_array_get(it, 1));
	}
	return 0;
}

/* Open the journal, taking in what an earlier run set.  0, or -1. */
static int
journal_open(struct run *r, const char *path, const char *to)
{
	char	 err[2048];
	unsigned long cut;

	r->journal = jn_open(path, "stock-push", "push", "to", to,
	    journal_line, r, &cut, err, sizeof(err));
	if (cut > 0)
		msg_warn("%s:%lu: a line cut short (the run that wrote it "
		    "was killed): ignored", path, cut);
	if (r->journal == NULL) {
		msg_err("%s", err);
		return -1;
	}
	return 0;
}

/* Order of writing: by group, then as the input had them. */
static int
batch_cmp(const void *x, const void *y)
{
	const struct ht_entry *const *a = x, *const *b = y;
	const struct want *wa = ht_data(*a), *wb = ht_data(*b);
	int	 c;

	if ((c = strcmp(wa->group, wb->group)) != 0)
		return c;
	return (*a)->idx < (*b)->idx ? -1 : (*a)->idx > (*b)->idx;
}

/*
 * SKU e read again from the shop (its nitems, from and tracked anew):
 * settle it, or make it S_WRITE when it is to be written (again).  A write
 * whose answer was lost finds the level it set (S_SET), the one it was
 * read at (written again), or another: a sale or someone's hand since,
 * a conflict.
 */
static void
look_again(struct want *w)
{
	int	 lost;

	lost = w->st == S_AGAIN;
	w->reason = NULL;
	if (w->nitems != 1 || !w->tracked) {
		w->st = w->nitems == 0 ? S_NOTFOUND : S_FAILED;
		w->reason = w->nitems == 0 ? NULL :
		    "the item changed in the shop";
	} else if (lost && w->from == w->to && !w->fraction) {
		w->st = S_SET;
		w->from = w->was;
		w->reason = "found at this level when the shop was read again";
	} else if (w->from == w->to && !w->fraction)
		w->st = S_UNCHANGED;
	else if (lost && w->from != w->was) {
		w->st = S_CONFLICT;
		w->reason = "changed in the shop while the answer to its "
		    "write was lost";
	} else {
		w->st = S_WRITE;
		if (w->fraction)
			w->reason = FRACTION;
	}
}

/*
 * Journal the SKUs in set ([sku, from, to] each; stolen) as set by this
 * push.  0, or -1 after saying why.
 */
static int
journal_set(struct run *r, json_t *set)
{
	json_t	*j;
	char	 why[2048];
	int	 rc;

	if (r->journal == NULL || json_array_size(set) == 0) {
		json_decref(set);
		return 0;
	}
	j = json_pack("{s:o}", "set", set);
	rc = jn_put(r->journal, j, why, sizeof(why));
	json_decref(j);
	if (rc == -1)
		msg_err("%s", why);
	return rc;
}

/*
 * Write the levels: the entries in todo, batch after batch of one group
 * each.  Each batch the shop confirmed is journalled and reported before
 * the next goes out.  0; -1 when the shop stopped answering: what it did
 * not confirm, and the rest, are S_AGAIN (or, when the connection is the
 * user's mistake, reported failed); -2 when the journal could not be
 * written (the rest are reported failed).
 */
static int
push(struct run *r, struct session *s, struct ht_entry **todo, size_t n)
{
	struct push_item *pi;
	struct want *w;
	json_t	*set;
	const char *reason;
	size_t	 i, k, m;
	int	 rc, again;
	char	 why[2200];

	qsort(todo, n, sizeof(*todo), batch_cmp);
	again = 0;
	pi = xreallocarray(NULL, conn_batch(s), sizeof(*pi));
	rc = 0;
	msg_progress_start("levels written", n);
	for (i = 0; i < n; i += m) {
		w = want_of(todo[i]);
		for (m = 0; i + m < n && m < conn_batch(s); m++) {
			if (strcmp(want_of(todo[i + m])->group, w->group) != 0)
				break;
			pi[m].sku = todo[i + m]->key;
			pi[m].id = want_of(todo[i + m])->id;
			pi[m].group = w->group;
			pi[m].from = want_of(todo[i + m])->from;
			pi[m].to = want_of(todo[i + m])->to;
			pi[m].result = PUSH_FAILED;
			pi[m].reason[0] = '\0';
		}
		if (rc != 0) {
			/* The shop stopped answering, or the journal. */
			snprintf(why, sizeof(why), "not sent: %s", rc == -1 ?
			    "the shop stopped answering" : "the journal "
			    "could not be written");
			for (k = 0; k < m; k++) {
				w = want_of(todo[i + k]);
				w->reason = arena_strndup(&r->mem, why,
				    strlen(why));
				if (rc == -1 && again) {
					w->st = S_AGAIN;
					w->was = w->from;
					continue;
				}
				w->st = S_FAILED;
				result(r, todo[i + k]);
			}
			continue;
		}
		why[0] = '\0';
		if (conn_push(s, pi, m) == -1) {
			/*
			 * What it confirmed before it failed is set; the
			 * rest is looked at again (main), unless the
			 * connection itself is wrong.
			 */
			again = conn_exit(s) != EXIT_TROUBLE;
			if (!again)
				msg_err("%s", conn_error(s));
			snprintf(why, sizeof(why), "the shop did not confirm: "
			    "%s", conn_error(s));
			for (k = 0; k < m; k++)
				if (pi[k].result != PUSH_SET) {
					pi[k].result = PUSH_FAILED;
					pi[k].reason[0] = '\0';
				}
			rc = -1;
		}
		set = json_array();
		for (k = 0; k < m; k++) {
			w = want_of(todo[i + k]);
			if (pi[k].result == PUSH_SET) {
				w->st = S_SET;
				json_array_append_new(set, json_pack("[s,I,I]",
				    pi[k].sku, (json_int_t)w->from,
				    (json_int_t)w->to));
			} else if (rc == -1 && again) {
				w->st = S_AGAIN;
				w->was = w->from;
				w->reason = arena_strndup(&r->mem, why,
				    strlen(why));
			} else {
				w->st = pi[k].result == PUSH_CONFLICT ?
				    S_CONFLICT : S_FAILED;
				reason = pi[k].reason[0] != '\0' ?
				    pi[k].reason : why;
				w->reason = arena_strndup(&r->mem, reason,
				    strlen(reason));
			}
		}
		if (journal_set(r, set) == -1 && rc == 0)
			rc = -2;		/* the rest: not sent */
		for (k = 0; k < m; k++)
			if (want_of(todo[i + k])->st != S_CONFLICT &&
			    want_of(todo[i + k])->st != S_AGAIN)
				result(r, todo[i + k]);
		fflush(stdout);
		msg_progress("levels written", (unsigned long)(i + m));
	}
	msg_progress_end();
	free(pi);
	return rc;
}

/* A percentage option. */
static double
percent(const char *opt, const char *arg)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(arg, &end);
	if (end == arg || *end != '\0' || errno != 0 || !(v >= 0 &&
	    v <= 100)) {
		msg_err("%s '%s': a percentage from 0 to 100", opt, arg);
		usage();
	}
	return v;
}

int
main(int argc, char *argv[])
{
	struct run r;
	struct session *s;
	struct ht_entry **todo, **conf;
	struct want *w;
	json_t	*found;
	const char *to, *config, *journal, *why;
	char	 err[2048];
	double	 maxzero, mincover;
	size_t	 i, ntodo, nconf, nagain, round;
	unsigned long count[S_AGAIN + 1];
	int	 ch, force, overwrite, status, rc;

	msg_init("stock-push");
	opts_init(&o);
	signal(SIGPIPE, SIG_IGN);	/* as curl: EPIPE is a write error */
	memset(&r, 0, sizeof(r));
	to = config = journal = NULL;
	maxzero = 10;
	mincover = 50;
	force = overwrite = 0;
	while ((ch = getopt_long(argc, argv, "nt:" OPTS_SHORT, longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'h':
			help();
			/* NOTREACHED */
		case 'n':
			r.dry = 1;
			break;
		case 't':
			to = optarg;
			break;
		case OPT_CONFIG:
			config = optarg;
			break;
		case OPT_CONFLICT:
			if (strcmp(optarg, "overwrite") == 0)
				overwrite = 1;
			else if (strcmp(optarg, "report") == 0)
				overwrite = 0;
			else {
				msg_err("--on-conflict '%s': report or "
				    "overwrite", optarg);
				usage();
			}
			break;
		case OPT_FORCE:
			force = 1;
			break;
		case OPT_JOURNAL:
			journal = optarg;
			break;
		case OPT_MAXZERO:
			maxzero = percent("--max-zero", optarg);
			break;
		case OPT_MINCOVER:
			mincover = percent("--min-coverage", optarg);
			break;
		default:
			if (opts_common(&o, ch, optarg) == -1)
				usage();	/* opts_common said why */
		}
	}
	argc -= optind;
	argv += optind;
	if (o.version) {
		printf("stock-push (shopswitch) %s\n", VERSION);
		return EXIT_OK;
	}
	if (to == NULL) {
		msg_err("--to names the connection to write to");
		usage();
	}
	if (r.dry && journal != NULL) {
		msg_err("--dry-run writes nothing to journal: leave out "
		    "--journal");
		usage();
	}
	if (opts_done(&o) == -1) {
		msg_err("%s", o.err);
		return EXIT_TROUBLE;
	}

	ht_init(&r.wants, sizeof(struct want));
	arena_init(&r.mem);
	s = NULL;
	todo = conf = NULL;
	status = EXIT_TROUBLE;
	if (read_input(&r, argc, argv) == -1)
		goto out;
	if ((s = sess_open(config, to, msg_verbose() ? msg_note : NULL,
	    msg_warn, err, sizeof(err))) == NULL) {
		msg_err("%s", err);
		goto out;
	}
	sess_progress(s, msg_progress_page, msg_progress_wait);
	if ((why = conn_cannot(s, OP_PUSH)) != NULL) {
		msg_err("%s: %s", to, why);
		goto out;
	}
	if (journal != NULL && journal_open(&r, journal, to) == -1)
		goto out;

	/* The catalog, once: ids and levels now. */
	msg_progress_start("catalog items", 0);
	if (conn_items(s, shop_item, &r) == -1) {
		msg_progress_end();
		msg_err("%s", conn_error(s));
		status = conn_exit(s);
		goto out;
	}
	msg_progress_end();
	msg_note("%lu catalog items in %lu requests; the shop tracks %lu "
	    "SKUs, %lu in stock", r.listed, conn_requests(s),
	    r.shop_skus, r.shop_stocked);
	if (!conn_cas(s))
		msg_note("%s cannot compare a level before it sets it: a sale "
		    "from now until its batch is written is overwritten",
		    conn_platform(s));
	plan(&r);

	r.wr = wr_open(stdout, o.ofmt, o.excel);
	wr_header(r.wr, cols, NELEM(cols));
	todo = xreallocarray(NULL, r.wants.n + 1, sizeof(*todo));
	for (i = ntodo = 0; i < r.wants.n; i++) {
		w = want_of(r.wants.ent[i]);
		if (w->st == S_WRITE && !r.dry)
			todo[ntodo++] = r.wants.ent[i];
	}
	if (guard(&r, maxzero, mincover, force) == -1) {
		if (r.dry)
			for (i = 0; i < r.wants.n; i++)
				result(&r, r.wants.ent[i]);
		goto close;		/* status 2: refused */
	}
	for (i = 0; i < r.wants.n; i++) {
		w = want_of(r.wants.ent[i]);
		if (w->st != S_WRITE || r.dry)
			result(&r, r.wants.ent[i]);
	}
	fflush(stdout);
	status = EXIT_OK;
	rc = ntodo > 0 ? push(&r, s, todo, ntodo) : 0;

	/*
	 * Writes the shop left unanswered (and those not sent after them),
	 * and with --on-conflict overwrite the conflicts: the catalog read
	 * again, and each written again only if its level is still the
	 * one it was read at.  A level the shop already has was written
	 * by the write whose answer was lost: nothing is written twice.
	 */
	conf = xreallocarray(NULL, r.wants.n + 1, sizeof(*conf));
	for (round = 0;; round++) {
		if (rc == -2) {
			status = EXIT_TROUBLE;
			break;
		}
		nagain = nconf = 0;
		for (i = 0; i < r.wants.n; i++) {
			w = want_of(r.wants.ent[i]);
			if (w->st == S_AGAIN)
				conf[nconf++] = r.wants.ent[i], nagain++;
			else if (w->st == S_CONFLICT && overwrite)
				conf[nconf++] = r.wants.ent[i];
		}
		if (rc == -1 && (nagain == 0 || round == TRIES)) {
			if (nagain > 0)		/* else push said it */
				msg_err("%s", conn_error(s));
			status = conn_exit(s);
			break;
		}
		if (rc == -1)
			msg_warn("%s: looking at the shop before sending "
			    "again", conn_error(s));
		if (nconf == 0 || round == TRIES)
			break;
		if (nagain > 0) {
			msg_note("%zu levels unconfirmed or not sent: reading "
			    "the catalog again", nagain);
			/* As a request's retries wait: 1 s, then 2 s. */
			sleep_secs(2 * (double)(round + 1) *
			    conn_retry_delay(s));
		} else
			msg_note("%zu SKUs changed in the shop while this "
			    "ran: reading them again", nconf);
		for (i = 0; i < nconf; i++)
			want_of(conf[i])->nitems = 0;
		r.listed = r.shop_skus = r.shop_stocked = 0;
		msg_progress_start("catalog items", 0);
		if (conn_items(s, shop_item, &r) == -1) {
			msg_progress_end();
			msg_err("%s", conn_error(s));
			status = conn_exit(s);
			break;
		}
		msg_progress_end();
		rc = 0;
		found = json_array();
		for (i = ntodo = 0; i < nconf; i++) {
			w = want_of(conf[i]);
			look_again(w);
			if (w->st == S_WRITE)
				todo[ntodo++] = conf[i];
			else if (w->st == S_SET)
				json_array_append_new(found, json_pack(
				    "[s,I,I]", conf[i]->key,
				    (json_int_t)w->from, (json_int_t)w->to));
		}
		/* Journalled before they are reported, as push does. */
		if (journal_set(&r, found) == -1) {
			rc = -2;
			for (i = 0; i < ntodo; i++) {
				w = want_of(todo[i]);
				w->st = S_FAILED;
				w->reason = "not sent: the journal could not "
				    "be written";
			}
		}
		for (i = 0; i < nconf; i++)
			if (want_of(conf[i])->st != S_WRITE &&
			    want_of(conf[i])->st != S_CONFLICT)
				result(&r, conf[i]);
		if (ntodo > 0 && rc == 0)
			rc = push(&r, s, todo, ntodo);
	}
	for (i = 0; i < r.wants.n; i++) {
		w = want_of(r.wants.ent[i]);
		if (w->st == S_AGAIN) {
			w->st = S_FAILED;
			result(&r, r.wants.ent[i]);
		}
	}
	for (i = 0; i < r.wants.n; i++)
		if (want_of(r.wants.ent[i])->st == S_CONFLICT)
			result(&r, r.wants.ent[i]);

	memset(count, 0, sizeof(count));
	for (i = 0; i < r.wants.n; i++)
		count[want_of(r.wants.ent[i])->st]++;
	if (status == EXIT_OK && (count[S_NOTFOUND] || count[S_FAILED] ||
	    count[S_CONFLICT]))
		status = EXIT_DIFFER;
	msg_note("%zu SKUs: %lu %s, %lu unchanged, %lu not found, %lu "
	    "conflict, %lu failed; %lu requests (%lu throttled)",
	    r.wants.n, count[S_SET] + count[S_WRITE], r.dry ? "would set" :
	    "set", count[S_UNCHANGED], count[S_NOTFOUND], count[S_CONFLICT],
	    count[S_FAILED], conn_requests(s), conn_throttled(s));
close:
	if (wr_close(r.wr) == -1 || r.wfailed) {
		if (errno != EPIPE)
			msg_err("write error: %s", strerror(errno));
		status = EXIT_TROUBLE;
	}
out:
	if (opts_close(&o) == -1) {
		msg_err("%s", o.err);
		status = EXIT_TROUBLE;
	}
	jn_close(r.journal);
	free(todo);
	free(conf);
	ht_free(&r.wants);
	arena_free(&r.mem);
	sess_close(s);
	return status;
}

static void
help(void)
{
	printf("usage: stock-push --to CONN [options] [FILE...]\n"
	    "Set a shop's stock levels from stock records (sku, qty).\n\n"
	    "      --config FILE      the connections file\n"
	    "  -n, --dry-run          write the plan, change nothing\n"
	    "      --force            push even what the guards refuse\n"
	    "      --journal FILE     record each confirmed batch; resume "
	    "from it\n"
	    "      --max-zero PCT     refuse to zero or halve more than PCT "
	    "of the\n"
	    "                         SKUs in stock (default 10)\n"
	    "      --min-coverage PCT refuse input naming less than PCT of "
	    "the shop's\n"
	    "                         SKUs (default 50)\n"
	    "      --on-conflict HOW  report (default) or overwrite a level "
	    "that\n"
	    "                         changed since it was read\n"
	    "  -t, --to CONN          the shop to write to\n"
	    OPTS_HELP);
	exit(EXIT_OK);
}

static void
usage(void)
{
	fprintf(stderr, "usage: stock-push [-nqv] [-d delim] [-i fmt] "
	    "[-o fmt] [--config file] [--encoding cs]\n"
	    "                  [--excel] [--force] [--journal file] "
	    "[--max-zero pct]\n"
	    "                  [--min-coverage pct] [--on-conflict how] "
	    "[--rejects file]\n"
	    "                  --to conn [file ...]\n");
	exit(EXIT_TROUBLE);
}
