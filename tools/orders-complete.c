/*
 * orders-complete: mark orders completed in a shop, passing on their
 * shipments' track and trace as that platform takes it, and say what
 * became of every order.
 *
 * The story: read the input whole (a bad record stops the run before
 * the shop is touched), find out which e-mails the shop would send by
 * itself and refuse to let it mail customers unless asked, then order
 * by order: look at what the shop has, add only what it lacks, journal
 * it, write the result.
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
	OPT_NOTIFY
};

static const struct option longopts[] = {	/* sorted by long name */
	{ "config",		required_argument,	NULL,	OPT_CONFIG },
	{ "dry-run",		no_argument,		NULL,	'n' },
	{ "in",			required_argument,	NULL,	't' },
	{ "journal",		required_argument,	NULL,	OPT_JOURNAL },
	{ "key",		required_argument,	NULL,	'k' },
	{ "mute-emails",	no_argument,		NULL,	OPT_MUTE },
	{ "notify-customer",	no_argument,		NULL,	OPT_NOTIFY },
	OPTS_LONG,
	{ NULL,			0,			NULL,	0 }
};

static const char *const cols[] = {	/* the result record */
	"shop", "key", "id", "number", "result", "tracking", "reason"
};

/* The results, by enum order_result, and what a dry run says. */
static const char *const names[] = {
	"", "completed", "already_completed", "not_found", "cancelled",
	"failed", "would_complete"
};

#define TRIES	3			/* asks of one order, when the shop
					   leaves it unknown what it did */

/* An order of the input. */
struct order {
	const char	*file;		/* where the input has it first */
	unsigned long	 line;
	struct ship	*ships;		/* its shipments (arena) */
	size_t		 nships;
	int		 done;		/* completed by an earlier run */
	char		 id[64];	/* the shop's, from the journal */
	char		 number[64];
};

struct run {
	struct htab	 orders;	/* key -> struct order, input order */
	struct arena	 mem;		/* strings */
	struct journal	*journal;	/* --journal, or NULL */
	struct mailguard mg;		/* the shop's own e-mails */
	struct writer	*wr;		/* the results */
	const char	*conn;		/* --in */
	int		 wfailed;	/* a write to the results failed */
	unsigned long	 count[OR_WOULD + 1];	/* results so far */
};

static struct opts	 o;		/* shared options */

static void	 help(void) __attribute__((noreturn));
static void	 usage(void) __attribute__((noreturn));

static struct order *
order_of(struct ht_entry *e)
{
	return ht_data(e);
}

/* Add a shipment to order w, unless it has that tracking code. */
static void
add_ship(struct run *r, struct order *w, const char *carrier,
    size_t clen, const char *tracking, size_t tlen, const char *url,
    size_t ulen)
{
	size_t	 i;

	for (i = 0; i < w->nships; i++)
		if (strlen(w->ships[i].tracking) == tlen &&
		    memcmp(w->ships[i].tracking, tracking, tlen) == 0)
			return;
	if ((w->nships & (w->nships - 1)) == 0) {	/* 0, 1, 2, 4, ... */
		struct ship *n;

		n = arena_alloc(&r->mem, (w->nships ? 2 * w->nships : 1) *
		    sizeof(*n));
		if (w->nships > 0)
			memcpy(n, w->ships, w->nships * sizeof(*n));
		w->ships = n;
	}
	w->ships[w->nships].carrier = arena_strndup(&r->mem, carrier, clen);
	w->ships[w->nships].tracking = arena_strndup(&r->mem, tracking, tlen);
	w->ships[w->nships].url = arena_strndup(&r->mem, url, ulen);
	w->nships++;
}

/*
 * The shipments of a record: a JSON Lines record's "shipments" (objects
 * with carrier, tracking, url), or a CSV row's "tracking" column
 * ("carrier code; carrier code", as orders-export writes it).  A
 * shipment without a tracking code has nothing to pass on.  0, or -1
 * with why.
 */
static int
read_ships(struct run *r, struct order *w, const struct field *fs,
    const struct field *ft, char *why, size_t len)
{
	json_t	*a, *sh;
	json_error_t jerr;
	const char *c, *t, *u;
	size_t	 i, a0, b0, c0, t0, p0;

	if (fs != NULL && fs->kind == FLD_JSON) {
		if ((a = json_loadb(fs->s, fs->len, 0, &jerr)) == NULL ||
		    !json_is_array(a)) {
			snprintf(why, len, "shipments is not a list");
			json_decref(a);
			return -1;
		}
		json_array_foreach(a, i, sh) {
			c = json_string_value(json_object_get(sh, "carrier"));
			t = json_string_value(json_object_get(sh, "tracking"));
			u = json_string_value(json_object_get(sh, "url"));
			if (!json_is_object(sh) || (json_object_get(sh,
			    "tracking") != NULL && t == NULL)) {
				snprintf(why, len, "shipment %zu is not an "
				    "object with a tracking code", i + 1);
				json_decref(a);
				return -1;
			}
			if (t != NULL && *t != '\0')
				add_ship(r, w, c ? c : "", c ? strlen(c) : 0,
				    t, strlen(t), u ? u : "", u ? strlen(u) :
				    0);
		}
		json_decref(a);
		return 0;
	}
	if (fs != NULL && fs->kind == FLD_TEXT && fs->len > 0) {
		snprintf(why, len, "shipments is text, not a list");
		return -1;
	}
	if (ft == NULL || ft->kind != FLD_TEXT)
		return 0;
	for (a0 = 0; a0 < ft->len; a0 = b0 + 1) {
		/* "carrier code" up to ';': the code is the last word. */
		for (b0 = a0; b0 < ft->len && ft->s[b0] != ';'; b0++)
			;
		for (t0 = b0; t0 > a0 && ft->s[t0 - 1] == ' '; t0--)
			;
		for (c0 = t0; c0 > a0 && ft->s[c0 - 1] != ' '; c0--)
			;
		for (p0 = a0; p0 < c0 && ft->s[p0] == ' '; p0++)
			;
		if (c0 < t0)
			add_ship(r, w, ft->s + p0, c0 > p0 ? c0 - 1 - p0 : 0,
			    ft->s + c0, t0 - c0, "", 0);
	}
	return 0;
}

/*
 * Read every order record: the key, and the shipments.  An order named
 * twice (two warehouse orders for one shop order) gets the shipments of
 * both.  0, or -1 after a message (exit 2).
 */
static int
read_input(struct run *r, const char *key, int argc, char *argv[])
{
	struct reader *rd;
	struct record *rec;
	const struct field *fk;
	struct ht_entry *e;
	struct order *w;
	char	 why[256];
	int	 keyid, shipid, trackid, isnew, rc;

	if ((rd = rd_open(&o.ro, argc, argv)) == NULL) {
		msg_err("cannot read the input");
		return -1;
	}
	keyid = rd_want(rd, key, 1);
	shipid = rd_want(rd, "shipments", 0);
	trackid = rd_want(rd, "tracking", 0);
	rc = rd_ready(rd);
	while (rc == 0 && (rec = rd_next(rd)) != NULL) {
		fk = rec_get(rec, keyid);
		/* Text, or a JSON number: an id as Picqer writes it. */
		if (fk == NULL || fk->len == 0 || fk->kind == FLD_NULL ||
		    (fk->kind == FLD_JSON && strchr("-0123456789",
		    fk->s[0]) == NULL)) {
			snprintf(why, sizeof(why), "%s is empty", key);
			if (rd_reject(rd, rec, why) == -1)
				rc = -1;
			continue;
		}
		e = ht_lookup(&r->orders, fk->s, fk->len, 1, &isnew);
		w = order_of(e);
		if (isnew) {
			w->file = arena_strndup(&r->mem, rec->file,
			    strlen(rec->file));
			w->line = rec->line;
		}
		if (read_ships(r, w, rec_get(rec, shipid), rec_get(rec,
		    trackid), why, sizeof(why)) == -1 && rd_reject(rd, rec,
		    why) == -1)
			rc = -1;
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
	return rc;
}

/* A line of the journal of an earlier run: an order it completed. */
static int
journal_line(void *arg, json_t *j, const char *where, char *err,
    size_t errlen)
{
	struct run *r = arg;
	struct ht_entry *e;
	struct order *w;
	const char *key, *id, *number;
	int	 isnew, rc;

	if ((rc = mg_journal_line(&r->mg, j)) != 0) {
		if (rc == -1)
			snprintf(err, errlen, "%s: %s", where, r->mg.err);
		return rc == -1 ? -1 : 0;
	}
	if (jn_order_line(j, &key, &id, &number) == 0) {
		snprintf(err, errlen, "%s: not a journal line", where);
		return -1;
	}
	/*
	 * A sent one is asked again; one the input does not name is done:
	 * nothing to say of it.
	 */
	if (id == NULL || (e = ht_lookup(&r->orders, key, strlen(key), 0,
	    &isnew)) == NULL)
		return 0;
	w = order_of(e);
	w->done = 1;
	snprintf(w->id, sizeof(w->id), "%s", id);
	snprintf(w->number, sizeof(w->number), "%s", number);
	return 0;
}

/* Journal order key sent (it NULL) or done; 0, or -1 after a message. */
static int
journal(struct run *r, const char *key, const struct complete_item *it)
{
	char	 err[2048];

	if (r->journal == NULL || jn_order(r->journal, key, it != NULL ?
	    it->id : NULL, it != NULL ? it->number : NULL, err,
	    sizeof(err)) == 0)
		return 0;
	msg_err("%s", err);
	return -1;
}

/* The shipments of w as "carrier code; carrier code". */
static void
tracking(const struct order *w, struct buf *b)
{
	size_t	 i;

	b->len = 0;
	buf_adds(b, "");
	for (i = 0; i < w->nships; i++) {
		if (i > 0)
			buf_adds(b, "; ");
		buf_adds(b, w->ships[i].carrier);
		buf_addc(b, ' ');
		buf_adds(b, w->ships[i].tracking);
	}
}

/* Write the result record of order e. */
static void
result(struct run *r, const struct ht_entry *e, const char *id,
    const char *number, enum order_result res, const char *reason)
{
	struct field f[NELEM(cols)];
	struct buf tr;

	memset(&tr, 0, sizeof(tr));
	tracking(order_of((struct ht_entry *)e), &tr);
	f[0] = wr_text(r->conn);
	f[1] = wr_text(e->key);
	f[2] = wr_text(id);
	f[3] = wr_text(number);
	f[4] = wr_text(names[res]);
	f[5] = wr_text(buf_str(&tr));
	f[6] = wr_text(reason);
	if (wr_row(r->wr, f, NELEM(cols)) == -1)
		r->wfailed = 1;
	fflush(stdout);
	buf_free(&tr);
	r->count[res]++;
}

/*
 * Complete order e in the shop, asking again when the shop leaves it
 * unknown what it did (each ask looks at the order first, so nothing is
 * done twice), then journal and report it.  0; -1 when the shop did not
 * answer (not reported); -2 when the journal could not be written.
 */
static int
complete_one(struct run *r, struct session *s, struct ht_entry *e,
    const struct complete_item *proto, const char *mailnote)
{
	struct complete_item it;
	struct order *w = order_of(e);
	int	 tries, rc;

	for (tries = 1;; tries++) {
		it = *proto;
		it.key = e->key;
		it.ships = w->ships;
		it.nships = w->nships;
		if (conn_complete(s, &it) == 0)
			break;
		if (tries == TRIES || stop_asked())
			return -1;
		msg_warn("order %s: %s: asking again", e->key, conn_error(s));
		/* As a request's retries wait: 1 s, then 2 s by default. */
		msg_progress_wait(2 * tries * conn_retry_delay(s),
		    "to ask again");
		sleep_secs(2 * tries * conn_retry_delay(s));
		msg_progress_wait(0, NULL);
	}
	if (it.result == OR_WOULD && mailnote != NULL &&
	    strlen(it.reason) + strlen(mailnote) + 3 < sizeof(it.reason)) {
		strcat(it.reason, "; ");
		strcat(it.reason, mailnote);
	}
	rc = 0;
	if (it.result == OR_DONE && journal(r, e->key, &it) == -1)
		rc = -2;
	result(r, e, it.id, it.number, it.result, it.reason);
	return rc;
}

/*
 * Complete every order, one after another.  0; -1 when the shop stopped
 * answering, -2 when the journal could not be written, -3 when a signal
 * asked to stop (the rest are reported failed, not sent).
 */
static int
complete_all(struct run *r, struct session *s,
    const struct complete_item *proto, const char *mailnote)
{
	static const char *const why[] = {
		"", "the shop stopped answering",
		"the journal could not be written", "interrupted"
	};
	struct ht_entry *e;
	char	 reason[256];
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
		if (rc == 0 && !proto->dry && journal(r, e->key, NULL) ==
		    -1)
			rc = -2;
		was = rc;
		if (rc == 0)
			rc = complete_one(r, s, e, proto, mailnote);
		if (rc == -1 && was == 0)	/* this one: sent, unanswered */
			result(r, e, "", "", OR_FAILED, "the shop did not "
			    "answer: the same command looks at it again");
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
	struct session *s;
	struct complete_item proto;
	const char *in, *config, *jpath, *key, *mailnote, *why;
	char	 err[2048], note[512];
	size_t	 restored;
	unsigned long cut, bad;
	int	 ch, dry, notify, mute, status, rc;

	msg_init("orders-complete");
	opts_init(&o);
	signal(SIGPIPE, SIG_IGN);	/* as curl: EPIPE is a write error */
	memset(&r, 0, sizeof(r));
	in = config = jpath = NULL;
	key = "id";
	dry = notify = mute = 0;
	while ((ch = getopt_long(argc, argv, "k:nt:" OPTS_SHORT, longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'h':
			help();
			/* NOTREACHED */
		case 'k':
			if (strcmp(optarg, "id") != 0 &&
			    strcmp(optarg, "number") != 0 &&
			    strcmp(optarg, "reference") != 0) {
				msg_err("-k '%s': id, number or reference",
				    optarg);
				usage();
			}
			key = optarg;
			break;
		case 'n':
			dry = 1;
			break;
		case 't':
			in = optarg;
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
		default:
			if (opts_common(&o, ch, optarg) == -1)
				usage();	/* opts_common said why */
		}
	}
	argc -= optind;
	argv += optind;
	if (o.version) {
		printf("orders-complete (shopswitch) %s\n", VERSION);
		return EXIT_OK;
	}
	if (in == NULL) {
		msg_err("--in names the shop to complete the orders in");
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
	arena_init(&r.mem);
	r.conn = in;
	s = NULL;
	status = EXIT_TROUBLE;
	if (read_input(&r, key, argc, argv) == -1)
		goto out;
	if ((s = sess_open(config, in, msg_verbose() ? msg_note : NULL,
	    msg_warn, err, sizeof(err))) == NULL) {
		msg_err("%s", err);
		goto out;
	}
	if ((why = conn_cannot(s, OP_COMPLETE)) != NULL) {
		msg_err("%s: %s", in, why);
		goto out;
	}
	sess_progress(s, msg_progress_page, msg_progress_wait);
	mg_init(&r.mg, s, MAIL_COMPLETE);
	stop_on_signals();
	if (jpath != NULL) {
		r.journal = jn_open(jpath, "orders-complete", "run", "in", in,
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
	    "an order is completed", &restored, err, sizeof(err), note,
	    sizeof(note));
	if (restored > 0)
		msg_warn("%zu customer e-mails that a killed run turned off "
		    "are on again, as the shop had them", restored);
	if (rc == -2) {
		msg_err("%s", r.mg.err);
		status = conn_exit(s);
		goto restore;
	}
	if (rc != 0)
		msg_err("%s: %s", in, err);
	if (rc == -1) {
		msg_err("nothing was written");
		goto out;
	}
	if (rc == 1)
		mailnote = note;

	r.wr = wr_open(stdout, o.ofmt, o.excel);
	wr_header(r.wr, cols, NELEM(cols));
	memset(&proto, 0, sizeof(proto));
	proto.by_number = strcmp(key, "id") != 0;
	proto.dry = dry;
	proto.notify = notify;
	rc = complete_all(&r, s, &proto, mailnote);
	status = rc == -1 ? conn_exit(s) : rc < 0 ? EXIT_TROUBLE :
	    EXIT_OK;
	if (rc == -1)
		msg_err("%s", conn_error(s));
	else if (rc == -3)
		msg_err("interrupted: the same command%s goes on",
		    r.journal != NULL ? " with the same journal" : "");
	bad = r.count[OR_NOT_FOUND] + r.count[OR_CANCELLED] +
	    r.count[OR_FAILED];
	if (status == EXIT_OK && bad > 0)
		status = EXIT_DIFFER;
	msg_note("%zu orders: %lu %s, %lu already completed, %lu not found, "
	    "%lu cancelled, %lu failed; %lu requests", r.orders.n,
	    r.count[OR_DONE] + r.count[OR_WOULD], dry ? "would complete" :
	    "completed", r.count[OR_ALREADY], r.count[OR_NOT_FOUND],
	    r.count[OR_CANCELLED], r.count[OR_FAILED], conn_requests(s));
	if (wr_close(r.wr) == -1 || r.wfailed) {
		if (errno != EPIPE)
			msg_err("write error: %s", strerror(errno));
		status = EXIT_TROUBLE;
	}
restore:
	if (mg_restore(&r.mg) == -1) {
		msg_err("%s: the e-mails stay off: the same command with the "
		    "same journal turns them on", r.mg.err);
		status = conn_exit(s);
	}
out:
	if (opts_close(&o) == -1) {
		msg_err("%s", o.err);
		status = EXIT_TROUBLE;
	}
	jn_close(r.journal);
	ht_free(&r.orders);
	arena_free(&r.mem);
	sess_close(s);
	return status;
}

static void
help(void)
{
	printf("usage: orders-complete --in CONN [options] [FILE...]\n"
	    "Mark orders completed in a shop, passing on their track & "
	    "trace.\n\n"
	    "      --config FILE      the connections file\n"
	    "  -n, --dry-run          write the plan, change nothing\n"
	    "  -t, --in CONN          the shop to complete the orders in\n"
	    "      --journal FILE     record each order done; resume from "
	    "it\n"
	    "  -k, --key FIELD        id (default), number, or reference "
	    "(a warehouse's\n"
	    "                         record of the shop's order number)\n"
	    "      --mute-emails      turn off the e-mails the shop sends "
	    "by itself\n"
	    "                         for the run (WooCommerce), then back "
	    "on\n"
	    "      --notify-customer  let the shop mail the customers\n"
	    OPTS_HELP);
	exit(EXIT_OK);
}

static void
usage(void)
{
	fprintf(stderr, "usage: orders-complete [-nqv] [-d delim] [-i fmt] "
	    "[-k key] [-o fmt] [--config file]\n"
	    "                       [--encoding cs] [--excel] [--journal "
	    "file] [--mute-emails]\n"
	    "                       [--notify-customer] [--rejects file] "
	    "--in conn [file ...]\n");
	exit(EXIT_TROUBLE);
}
