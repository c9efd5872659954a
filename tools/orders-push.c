/*
 * orders-push: enter orders into a shop (the orders that the old shop
 * took and the warehouse never saw), each exactly once, paid, at the
 * prices they had, mailing no one, and say what became of every order.
 *
 * The story: read the input whole (a bad record stops the run before
 * the shop is touched), refuse to let the shop mail customers unless
 * asked, find each line's SKU in the shop, then order by order: look
 * for the order in the shop by the old number it carries, enter it if
 * it is not there, journal it, write the result.
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
#include "mailguard.h"
#include "msg.h"
#include "opts.h"
#include "rd.h"
#include "util.h"
#include "wr.h"

enum {
	OPT_CONFIG = OPT_TOOL,
	OPT_JOURNAL,
	OPT_MUTE,
	OPT_NOTIFY,
	OPT_RESEND
};

static const struct option longopts[] = {	/* sorted by long name */
	{ "config",		required_argument,	NULL,	OPT_CONFIG },
	{ "dry-run",		no_argument,		NULL,	'n' },
	{ "journal",		required_argument,	NULL,	OPT_JOURNAL },
	{ "mute-emails",	no_argument,		NULL,	OPT_MUTE },
	{ "notify-customer",	no_argument,		NULL,	OPT_NOTIFY },
	{ "resend-unconfirmed",	no_argument,		NULL,	OPT_RESEND },
	{ "to",			required_argument,	NULL,	't' },
	OPTS_LONG,
	{ NULL,			0,			NULL,	0 }
};

static const char *const cols[] = {	/* the result record */
	"source", "shop", "id", "number", "old_shop", "old_number", "old_id",
	"result", "reason"
};

/* The results, by enum order_result, and what a dry run says. */
static const char *const names[] = {
	"", "created", "exists", "not_found", "cancelled", "failed",
	"would_create"
};

#define TRIES	3			/* creates of one order, when the shop
					   leaves it unknown whether it did */
#define MAXLINES 256			/* lines of one order */

/* An order of the input, keyed by its marker. */
struct order {
	json_t		*rec;		/* the order record */
	const char	*file;		/* where the input has it */
	unsigned long	 line;
	int		 done;		/* entered by an earlier run */
	int		 sent;		/* sent by one, not confirmed */
	char		 id[64];	/* the new order's, from the journal */
	char		 number[64];
};

/* A SKU of the input, and the shop's handle for a line of it. */
struct sku {
	const char	*ref;		/* NULL: not in the shop (arena) */
	unsigned int	 nitems;	/* items in the shop with the SKU */
};

struct run {
	struct htab	 orders;	/* marker -> struct order */
	struct htab	 skus;		/* SKU -> struct sku */
	struct arena	 mem;		/* strings */
	struct journal	*journal;	/* --journal, or NULL */
	struct mailguard mg;		/* the shop's own e-mails */
	struct writer	*wr;		/* the results */
	struct session	*s;		/* the shop */
	const char	*conn;		/* --to */
	int		 resend;	/* --resend-unconfirmed */
	int		 wfailed;	/* a write to the results failed */
	unsigned long	 count[OR_WOULD + 1];	/* results so far */
	unsigned long	 found;		/* SKUs found in the shop */
};

static struct opts	 o;		/* shared options */

static void	 help(void) __attribute__((noreturn));
static void	 usage(void) __attribute__((noreturn));

static struct order *
order_of(struct ht_entry *e)
{
	return ht_data(e);
}

/* Member key of j, a string, or "". */
static const char *
str(json_t *j, const char *key)
{
	const char *v;

	v = json_string_value(json_object_get(j, key));
	return v != NULL ? v : "";
}

/*
 * Check an order record: who it is, and lines that can be entered.
 * 0, or -1 with why.
 */
static int
check(json_t *j, char *why, size_t len)
{
	struct order_money m;
	long long lt[MAXLINES];

	if (*str(j, "shop") == '\0' || *str(j, "number") == '\0') {
		snprintf(why, len, "shop and number are needed: the new "
		    "order carries them");
		return -1;
	}
	if (json_array_size(json_object_get(j, "lines")) == 0) {
		snprintf(why, len, "the order has no lines");
		return -1;
	}
	return conn_order_money(j, lt, MAXLINES, &m, why, len);
}

/*
 * Read every order record, JSON Lines only: a CSV row lacks what a new
 * order needs.  0, or -1 after a message (exit 2).
 */
static int
read_input(struct run *r, int argc, char *argv[])
{
	struct reader *rd;
	struct record *rec;
	struct ht_entry *e;
	struct order *w;
	struct buf mark;
	json_t	*j, *l;
	json_error_t jerr;
	char	 why[512];
	size_t	 i;
	int	 isnew, rc;

	if ((rd = rd_open(&o.ro, argc, argv)) == NULL) {
		msg_err("cannot read the input");
		return -1;
	}
	memset(&mark, 0, sizeof(mark));
	rc = rd_ready(rd);
	while (rc == 0 && (rec = rd_next(rd)) != NULL) {
		if (rec->fmt != FMT_JSONL) {
			msg_err("%s:%lu: orders-push reads order records as "
			    "JSON Lines (orders-export -o jsonl): a CSV row "
			    "lacks the addresses and the lines' totals",
			    rec->file, rec->line);
			rc = -2;
			break;
		}
		j = json_loadb(rec->raw, rec->rawlen, 0, &jerr);
		if (j == NULL || check(j, why, sizeof(why)) == -1) {
			json_decref(j);
			if (rd_reject(rd, rec, why) == -1)
				rc = -1;
			continue;
		}
		/* The old order's mark on the new one. */
		mark.len = 0;
		buf_adds(&mark, "shopswitch:");
		buf_adds(&mark, str(j, "shop"));
		buf_addc(&mark, ':');
		buf_adds(&mark, str(j, "number"));
		e = ht_lookup(&r->orders, mark.s, mark.len, 1, &isnew);
		w = order_of(e);
		if (!isnew) {
			msg_err("%s:%lu: order %s of %s again (%s:%lu has it): "
			    "pass the orders through order-dedupe first",
			    rec->file, rec->line, str(j, "number"), str(j,
			    "shop"), w->file, w->line);
			json_decref(j);
			rc = -2;
			break;
		}
		w->rec = j;
		w->file = arena_strndup(&r->mem, rec->file, strlen(rec->file));
		w->line = rec->line;
		json_array_foreach(json_object_get(j, "lines"), i, l)
			if (*str(l, "sku") != '\0')
				(void)ht_lookup(&r->skus, str(l, "sku"),
				    strlen(str(l, "sku")), 1, &isnew);
		msg_progress(rd_name(rd), rd_count(rd));
	}
	msg_progress_end();
	buf_free(&mark);
	if (rc == -1 || rd_failed(rd))
		msg_err("%s", rd_error(rd));
	if (rd_failed(rd))
		rc = -1;
	if (o.ofmt == FMT_NONE)		/* the results follow the input */
		o.ofmt = rd_format(rd) == FMT_CSV ? FMT_CSV : FMT_JSONL;
	rd_close(rd);
	return rc == 0 ? 0 : -1;
}

/* A line of the journal of an earlier run: an order it sent or entered. */
static int
journal_line(void *arg, json_t *j, const char *where, char *err,
    size_t errlen)
{
	struct run *r = arg;
	struct ht_entry *e;
	struct order *w;
	const char *mark, *id, *number;
	int	 isnew, rc;

	if ((rc = mg_journal_line(&r->mg, j)) != 0) {
		if (rc == -1)
			snprintf(err, errlen, "%s: %s", where, r->mg.err);
		return rc == -1 ? -1 : 0;
	}
	if (jn_order_line(j, &mark, &id, &number) == 0) {
		snprintf(err, errlen, "%s: not a journal line", where);
		return -1;
	}
	/* One the input does not name is not this run's business. */
	if ((e = ht_lookup(&r->orders, mark, strlen(mark), 0, &isnew)) ==
	    NULL)
		return 0;
	w = order_of(e);
	if (id == NULL) {
		w->sent = 1;
		return 0;
	}
	w->done = 1;
	snprintf(w->id, sizeof(w->id), "%s", id);
	snprintf(w->number, sizeof(w->number), "%s", number);
	return 0;
}

/* Journal order mark sent (it NULL) or done; 0, or -1 after a message. */
static int
journal(struct run *r, const char *mark, const struct create_item *it)
{
	char	 err[2048];

	if (r->journal == NULL || jn_order(r->journal, mark, it != NULL ?
	    it->id : NULL, it != NULL ? it->number : NULL, err,
	    sizeof(err)) == 0)
		return 0;
	msg_err("%s", err);
	return -1;
}

/* Write the result record of order e. */
static void
result(struct run *r, struct ht_entry *e, const char *id,
    const char *number, enum order_result res, const char *reason)
{
	struct field f[NELEM(cols)];
	json_t	*rec = order_of(e)->rec;

	f[0] = wr_text(conn_platform(r->s));
	f[1] = wr_text(r->conn);
	f[2] = wr_text(id);
	f[3] = wr_text(number);
	f[4] = wr_text(str(rec, "shop"));
	f[5] = wr_text(str(rec, "number"));
	f[6] = wr_text(str(rec, "id"));
	f[7] = wr_text(names[res]);
	f[8] = wr_text(reason);
	if (wr_row(r->wr, f, NELEM(cols)) == -1)
		r->wfailed = 1;
	fflush(stdout);
	r->count[res]++;
}

/* An item the shop has for a SKU of the input. */
static int
sku_found(void *arg, const struct shop_item *it)
{
	struct run *r = arg;
	struct ht_entry *e;
	struct sku *k;
	int	 isnew;

	if ((e = ht_lookup(&r->skus, it->sku, strlen(it->sku), 0,
	    &isnew)) == NULL)
		return 0;		/* a search's near miss */
	k = ht_data(e);
	if (k->nitems++ == 0) {
		k->ref = arena_strndup(&r->mem, it->ref, strlen(it->ref));
		msg_progress("SKUs found", ++r->found);
	}
	return 0;
}

/* Find every SKU of the orders to enter.  0, or -1 (conn_error(s)). */
static int
find_skus(struct run *r)
{
	const char **skus;
	size_t	 i;
	int	 rc;

	skus = xreallocarray(NULL, r->skus.n + 1, sizeof(*skus));
	for (i = 0; i < r->skus.n; i++)
		skus[i] = r->skus.ent[i]->key;
	msg_progress_start("SKUs found", r->skus.n);
	rc = conn_find_skus(r->s, skus, r->skus.n, sku_found, r);
	msg_progress_end();
	free(skus);
	return rc;
}

/*
 * The shop's handle of each line of order w into refs; 0, or -1 with
 * the reason the order cannot be entered.
 */
static int
line_refs(struct run *r, json_t *rec, const char **refs, char *why,
    size_t len)
{
	struct ht_entry *e;
	struct sku *k;
	json_t	*l;
	size_t	 i;
	int	 isnew;

	json_array_foreach(json_object_get(rec, "lines"), i, l) {
		if (*str(l, "sku") == '\0') {
			snprintf(why, len, "line %zu (%s) has no SKU", i + 1,
			    str(l, "name"));
			return -1;
		}
		e = ht_lookup(&r->skus, str(l, "sku"), strlen(str(l, "sku")),
		    0, &isnew);
		k = ht_data(e);
		if (k->nitems == 0) {
			snprintf(why, len, "SKU %s is not in the shop",
			    e->key);
			return -1;
		}
		if (k->nitems > 1) {
			snprintf(why, len, "SKU %s is on %u items in the shop",
			    e->key, k->nitems);
			return -1;
		}
		refs[i] = k->ref;
	}
	return 0;
}

/*
 * Look for order it in the shop; when the shop's search lags behind
 * (a new order shows up in it seconds later) and an earlier run sent
 * the order, look again after the lag.  1 found, 0 not, -1 (conn_error(s)).
 */
static int
look(struct run *r, struct create_item *it, int sent)
{
	int	 rc;

	if ((rc = conn_find_created(r->s, it)) != 0 || !sent ||
	    conn_search_lag(r->s) <= 0)
		return rc;
	msg_note("%s was sent by an earlier run: looking again in %g s",
	    it->marker, conn_search_lag(r->s));
	msg_progress_wait(conn_search_lag(r->s), "for the shop's search");
	sleep_secs(conn_search_lag(r->s));
	msg_progress_wait(0, NULL);
	return conn_find_created(r->s, it);
}

/*
 * Enter order e unless the shop has it.  0 when settled (reported); -1
 * when the shop did not answer (not reported); -2 when the journal
 * could not be written.
 */
static int
push_one(struct run *r, struct ht_entry *e, const struct create_item *proto,
    const char *mailnote)
{
	struct create_item it;
	struct order *w = order_of(e);
	const char *refs[MAXLINES];
	struct buf note;
	int	 tries, rc, sent;

	it = *proto;
	it.order = w->rec;
	it.marker = e->key;
	it.refs = refs;
	memset(&note, 0, sizeof(note));
	buf_adds(&note, "Order ");
	buf_adds(&note, str(w->rec, "number"));
	buf_adds(&note, " of the old shop (");
	buf_adds(&note, str(w->rec, "source"));
	buf_addc(&note, ' ');
	buf_adds(&note, str(w->rec, "shop"));
	if (*str(w->rec, "id") != '\0') {
		buf_adds(&note, ", id ");
		buf_adds(&note, str(w->rec, "id"));
	}
	buf_adds(&note, "), paid there; entered by shopswitch");
	it.note = buf_str(&note);
	rc = 0;
	if (line_refs(r, w->rec, refs, it.reason, sizeof(it.reason)) == -1) {
		it.result = OR_FAILED;
		goto report;
	}
	sent = w->sent;
	for (tries = 1;; tries++) {
		if ((rc = look(r, &it, sent)) == -1)
			goto out;
		if (rc == 1) {
			/* Made by this run's unanswered send, or another. */
			it.result = tries > 1 ? OR_DONE : OR_ALREADY;
			if (tries == 1)
				snprintf(it.reason, sizeof(it.reason), "it "
				    "carries %s", it.marker);
			break;
		}
		if (w->sent && tries == 1 && conn_search_lag(r->s) > 0 &&
		    !r->resend) {
			/* Not found, but the search may not show it yet. */
			it.result = OR_FAILED;
			snprintf(it.reason, sizeof(it.reason), "an earlier run "
			    "sent it and was stopped before the shop answered, "
			    "and the shop does not show it: look for %s in the "
			    "shop, then run again with --resend-unconfirmed",
			    it.marker);
			break;
		}
		if (!it.dry && journal(r, e->key, NULL) == -1) {
			rc = -2;
			goto out;
		}
		if ((rc = conn_create(r->s, &it)) == 0)
			break;
		if (tries == TRIES || stop_asked())
			goto out;
		/* Unknown whether it was made: look before sending again. */
		msg_warn("%s: %s: looking before sending again", e->key,
		    conn_error(r->s));
		/* As a request's retries wait: 1 s, then 2 s by default. */
		msg_progress_wait(2 * tries * conn_retry_delay(r->s),
		    "to look again");
		sleep_secs(2 * tries * conn_retry_delay(r->s));
		msg_progress_wait(0, NULL);
		sent = 1;
	}
	rc = 0;
	if (it.result == OR_DONE && journal(r, e->key, &it) == -1)
		rc = -2;
	if (it.result == OR_WOULD && mailnote != NULL &&
	    strlen(it.reason) + strlen(mailnote) + 3 < sizeof(it.reason)) {
		strcat(it.reason, "; ");
		strcat(it.reason, mailnote);
	}
report:
	result(r, e, it.id, it.number, it.result, it.reason);
out:
	buf_free(&note);
	return rc;
}

/*
 * Enter every order, one after another.  0; -1 when the shop stopped
 * answering, -2 when the journal could not be written, -3 when a signal
 * asked to stop (the rest are reported failed, not sent).
 */
static int
push_all(struct run *r, const struct create_item *proto,
    const char *mailnote)
{
	static const char *const why[] = {
		"", "the shop stopped answering",
		"the journal could not be written", "interrupted"
	};
	struct ht_entry *e;
	char	 reason[1200];
	size_t	 i;
	int	 rc, was;

	rc = 0;
	msg_progress_start("orders", r->orders.n);
	for (i = 0; i < r->orders.n; i++) {
		e = r->orders.ent[i];
		msg_progress("orders", (unsigned long)i);
		if (order_of(e)->done) {
			result(r, e, order_of(e)->id, order_of(e)->number,
			    OR_DONE, "");
			continue;
		}
		if (rc == 0 && stop_asked())
			rc = -3;
		was = rc;
		if (rc == 0)
			rc = push_one(r, e, proto, mailnote);
		if (rc == -1 && was == 0)
			result(r, e, "", "", OR_FAILED, "the shop did not "
			    "answer: the same command looks for it first");
		else if (was != 0) {
			snprintf(reason, sizeof(reason), "not sent: %s",
			    why[-was]);
			result(r, e, "", "", OR_FAILED, reason);
		}
	}
	msg_progress_end();
	return rc;
}

int
main(int argc, char *argv[])
{
	struct run r;
	struct create_item proto;
	const char *config, *jpath, *mailnote, *why;
	char	 err[2048], note[512];
	size_t	 i, restored;
	unsigned long cut, bad;
	int	 ch, dry, notify, mute, status, rc;

	msg_init("orders-push");
	opts_init(&o);
	signal(SIGPIPE, SIG_IGN);	/* as curl: EPIPE is a write error */
	memset(&r, 0, sizeof(r));
	config = jpath = NULL;
	dry = notify = mute = 0;
	while ((ch = getopt_long(argc, argv, "nt:" OPTS_SHORT, longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'h':
			help();
			/* NOTREACHED */
		case 'n':
			dry = 1;
			break;
		case 't':
			r.conn = optarg;
			break;
		case OPT_CONFIG:
			config = optarg;
			break;
		case OPT_JOURNAL:
			jpath = optarg;
			break;
		case OPT_MUTE:
			mute = 1;
			break;
		case OPT_NOTIFY:
			notify = 1;
			break;
		case OPT_RESEND:
			r.resend = 1;
			break;
		default:
			if (opts_common(&o, ch, optarg) == -1)
				usage();	/* opts_common said why */
		}
	}
	argc -= optind;
	argv += optind;
	if (o.version) {
		printf("orders-push (shopswitch) %s\n", VERSION);
		return EXIT_OK;
	}
	if (r.conn == NULL) {
		msg_err("--to names the shop to enter the orders into");
		usage();
	}
	if (dry && jpath != NULL) {
		msg_err("--dry-run writes nothing to journal: leave out "
		    "--journal");
		usage();
	}
	if (mute && notify) {
		msg_err("--mute-emails and --notify-customer: choose one");
		usage();
	}
	if (mute && !dry && jpath == NULL) {
		msg_err("--mute-emails needs --journal: it holds the shop's "
		    "settings to put back after a kill");
		usage();
	}
	if (opts_done(&o) == -1) {
		msg_err("%s", o.err);
		return EXIT_TROUBLE;
	}

	ht_init(&r.orders, sizeof(struct order));
	ht_init(&r.skus, sizeof(struct sku));
	arena_init(&r.mem);
	status = EXIT_TROUBLE;
	if (read_input(&r, argc, argv) == -1)
		goto out;
	if ((r.s = sess_open(config, r.conn, msg_verbose() ? msg_note : NULL,
	    msg_warn, err, sizeof(err))) == NULL) {
		msg_err("%s", err);
		goto out;
	}
	if ((why = conn_cannot(r.s, OP_CREATE)) != NULL ||
	    (notify && (why = conn_cannot(r.s, OP_CREATE_NOTIFY)) != NULL)) {
		msg_err("%s: %s%s", r.conn, notify && conn_cannot(r.s,
		    OP_CREATE) == NULL ? "--notify-customer: " : "", why);
		goto out;
	}
	sess_progress(r.s, msg_progress_page, msg_progress_wait);
	mg_init(&r.mg, r.s, MAIL_CREATE);
	stop_on_signals();
	if (jpath != NULL) {
		r.journal = jn_open(jpath, "orders-push", "push", "to", r.conn,
		    journal_line, &r, &cut, err, sizeof(err));
		if (cut > 0)
			msg_warn("%s:%lu: a line cut short (the run that wrote "
			    "it was killed): ignored", jpath, cut);
		if (r.journal == NULL) {
			msg_err("%s", err);
			goto out;
		}
	}

	/* The e-mails the shop sends by itself: none unless accepted. */
	mailnote = NULL;
	rc = mg_start(&r.mg, r.journal, r.orders.n > 0, notify, mute, dry,
	    "an order is paid", &restored, err, sizeof(err), note,
	    sizeof(note));
	if (restored > 0)
		msg_warn("%zu customer e-mails that a killed run turned off "
		    "are on again, as the shop had them", restored);
	if (rc == -2) {
		msg_err("%s", r.mg.err);
		status = conn_exit(r.s);
		goto restore;
	}
	if (rc != 0)
		msg_err("%s: %s", r.conn, err);
	if (rc == -1) {
		msg_err("nothing was written");
		goto out;
	}
	if (rc == 1)
		mailnote = note;

	/* Every SKU, in the fewest searches. */
	if (find_skus(&r) == -1) {
		msg_err("%s", conn_error(r.s));
		status = conn_exit(r.s);
		goto restore;
	}

	r.wr = wr_open(stdout, o.ofmt, o.excel);
	wr_header(r.wr, cols, NELEM(cols));
	memset(&proto, 0, sizeof(proto));
	proto.dry = dry;
	proto.notify = notify;
	rc = push_all(&r, &proto, mailnote);
	status = rc == -1 ? conn_exit(r.s) : rc < 0 ? EXIT_TROUBLE :
	    EXIT_OK;
	if (rc == -1)
		msg_err("%s", conn_error(r.s));
	else if (rc == -3)
		msg_err("interrupted: the same command%s goes on",
		    r.journal != NULL ? " with the same journal" : "");
	bad = r.count[OR_NOT_FOUND] + r.count[OR_CANCELLED] +
	    r.count[OR_FAILED];
	if (status == EXIT_OK && bad > 0)
		status = EXIT_DIFFER;
	msg_note("%zu orders: %lu %s, %lu in the shop already, %lu failed; "
	    "%lu requests", r.orders.n, r.count[OR_DONE] +
	    r.count[OR_WOULD], dry ? "would be entered" : "entered",
	    r.count[OR_ALREADY], r.count[OR_FAILED], conn_requests(r.s));
	if (wr_close(r.wr) == -1 || r.wfailed) {
		if (errno != EPIPE)
			msg_err("write error: %s", strerror(errno));
		status = EXIT_TROUBLE;
	}
restore:
	if (mg_restore(&r.mg) == -1) {
		msg_err("%s: the e-mails stay off: the same command with the "
		    "same journal turns them on", r.mg.err);
		status = conn_exit(r.s);
	}
out:
	if (opts_close(&o) == -1) {
		msg_err("%s", o.err);
		status = EXIT_TROUBLE;
	}
	jn_close(r.journal);
	for (i = 0; i < r.orders.n; i++)
		json_decref(order_of(r.orders.ent[i])->rec);
	ht_free(&r.orders);
	ht_free(&r.skus);
	arena_free(&r.mem);
	sess_close(r.s);
	return status;
}

static void
help(void)
{
	printf("usage: orders-push --to CONN [options] [FILE...]\n"
	    "Enter orders (JSON Lines order records) into a shop, each "
	    "once.\n\n"
	    "      --config FILE      the connections file\n"
	    "  -n, --dry-run          write the plan, change nothing\n"
	    "      --journal FILE     record each order entered; resume "
	    "from it\n"
	    "      --mute-emails      turn off the e-mails the shop sends "
	    "by itself\n"
	    "                         for the run (WooCommerce), then back "
	    "on\n"
	    "      --notify-customer  let the shop mail the customers\n"
	    "      --resend-unconfirmed  enter an order that a killed run "
	    "sent\n"
	    "                         and the shop does not show\n"
	    "  -t, --to CONN          the shop to enter the orders into\n"
	    OPTS_HELP);
	exit(EXIT_OK);
}

static void
usage(void)
{
	fprintf(stderr, "usage: orders-push [-nqv] [-i fmt] [-o fmt] [--config "
	    "file] [--encoding cs]\n"
	    "                   [--excel] [--journal file] [--mute-emails]\n"
	    "                   [--notify-customer] [--rejects file] "
	    "[--resend-unconfirmed]\n"
	    "                   --to conn [file ...]\n");
	exit(EXIT_TROUBLE);
}
