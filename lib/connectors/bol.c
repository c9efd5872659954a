/*
 * bol: the Bol.com Retailer API, v10, with its Offer API v11.
 *
 * A token by OAuth 2's client credentials grant, HTTP Basic at
 * login.bol.com/token, kept until a minute before it expires (Bol blocks
 * clients that ask too often) and asked anew once on a 401.  Requests
 * want Bol's own media type: v10 for orders, shipments and process
 * statuses, v11 for offers.  Orders are listed 50 a page by page number
 * and read one by one (the list holds only the items that match); offers
 * 100 a page by cursor.  A marketplace's orders have no order total,
 * currency or status: the record's come from the items.  Stock is set
 * one offer a request (PATCH, synchronous); a shipment is made by a
 * process whose status is polled.  Each kind of request has its own
 * rate limit; answers past it are 429 with Retry-After, which the client
 * waits out.  See api.bol.com/retailer/public/Retailer-API, and
 * shopswitch(7).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../connector.h"
#include "../money.h"
#include "../tz.h"
#include "../util.h"

#define V10		"application/vnd.retailer.v10+json"
#define V11		"application/vnd.retailer.v11+json"
#define TOKEN_URL	"https://login.bol.com/token"
#define ORDER_PAGE	50		/* orders and shipments a page */
#define OFFER_PAGE	100		/* page-size's most */
#define POLL_MAX	120		/* seconds a process is awaited */

struct bol {
	struct conn_grant grant;	/* the client credentials */
	char		*token_url;	/* and their endpoint, with the
					   grant type */
	char		 porder[64];	/* an order whose shipment's process
					   had not ended when last asked */
	char		 pid[64];	/* and that process's id */
};

static int
setup(struct session *s, struct http_opts *o)
{
	struct bol *b;
	struct buf u;
	const char *url;
	char	 err[512];

	b = xcalloc(1, sizeof(*b));
	s->priv = b;
	b->grant.id = cfg_get(s->cfg, "client_id");
	b->grant.secret = cfg_get(s->cfg, "client_secret");
	if (b->grant.id == NULL || b->grant.secret == NULL)
		return conn_mistake(s, "%s:%lu: [%s] needs client_id and "
		    "client_secret (bol.com: Settings, API settings, Retailer "
		    "API credentials)", s->cfg->file, s->cfg->line,
		    s->cfg->name);
	if ((url = cfg_get(s->cfg, "token_url")) == NULL)
		url = TOKEN_URL;
	else if (http_url_ok(url, err, sizeof(err)) == -1)
		return conn_mistake(s, "%s:%lu: token_url: %s", s->cfg->file,
		    cfg_line(s->cfg, "token_url"), err);
	memset(&u, 0, sizeof(u));
	buf_adds(&u, url);
	buf_adds(&u, "?grant_type=client_credentials");
	b->token_url = xstrdup(buf_str(&u));
	buf_free(&u);
	b->grant.url = b->token_url;
	b->grant.how = GRANT_BASIC;
	b->grant.header = "Authorization: Bearer ";
	b->grant.codekey = "error";
	b->grant.msgkey = "error_description";
	s->grant = &b->grant;
	/*
	 * The rate-limit headers are those of the request's own bucket
	 * (orders 25 a minute, offer writes 50 a second, ...): one pace
	 * cannot follow them all, so they are not read; a 429 says how
	 * long to wait.
	 */
	(void)o;
	if (s->tz == NULL)
		s->tz = "Europe/Amsterdam";
	return 0;
}

static void
close_priv(struct session *s)
{
	struct bol *b = s->priv;

	if (b == NULL)
		return;
	free(b->token_url);
	free(b);
	s->priv = NULL;
}

/*
 * What Bol said in its Problem answer r: each violation "name: reason",
 * or "title: detail".  "" when it said nothing.
 */
static const char *
said(const struct http_resp *r, char *out, size_t len)
{
	if (conn_said(r, "violations[].name", "violations[].reason", out,
	    len)[0] == '\0')
		conn_said(r, "title", "detail", out, len);
	return out;
}

/*
 * One request of method to path (under the connection's url) with body
 * (stolen; NULL for none) in media type type, flags as http_request's,
 * by conn_send.
 * 0 on a 2xx, its JSON answer (if any) into *out; 1 when Bol refused it,
 * -1 when it is unknown what became of it (s->err both).  r holds the
 * answer; the caller frees it.
 */
static int
call(struct session *s, const char *type, const char *method,
    const char *path, json_t *body, int flags, json_t **out,
    struct http_resp *r)
{
	struct buf url;
	char	*text, words[1024];
	int	 rc;

	*out = NULL;
	memset(r, 0, sizeof(*r));
	text = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	memset(&url, 0, sizeof(url));
	buf_adds(&url, s->url);
	buf_adds(&url, path);
	http_set_type(s->http, type);
	rc = conn_send(s, method, buf_str(&url), text, flags, r);
	free(text);
	buf_free(&url);
	if (rc == 0) {
		*out = json_incref(r->json);
		return 0;
	}
	if (rc == -2)
		return -1;		/* no token: conn_grant said why */
	said(r, words, sizeof(words));
	snprintf(s->err, sizeof(s->err), "%s%s%s", http_error(s->http),
	    words[0] != '\0' ? ": " : "", words);
	return rc == 1 && http_refused(r) ? 1 : -1;
}

/* A list of Bol's: where, what, and how it pages. */
struct blist {
	const char	*path;		/* under the url */
	const char	*query;		/* escaped, or "" */
	const char	*type;		/* its media type */
	int		 cursor;	/* by page.nextCursor, else by page */
};

/*
 * The request of page p: by page number (orders, shipments), or with
 * the cursor of the page before (offers), in the list's media type.
 */
static int
next_page(struct session *s, struct conn_pages *p, json_t *prev,
    struct buf *url, json_t **body)
{
	const struct blist *l = p->arg;
	const char *cur;
	char	 q[64];

	(void)body;
	http_set_type(s->http, l->type);
	buf_adds(url, s->url);
	buf_adds(url, l->path);
	buf_addc(url, '?');
	buf_adds(url, l->query);
	if (!l->cursor) {
		snprintf(q, sizeof(q), "%spage=%zu", l->query[0] ? "&" : "",
		    p->page);
		buf_adds(url, q);
		return 0;
	}
	snprintf(q, sizeof(q), "%spage-size=%d", l->query[0] ? "&" : "",
	    OFFER_PAGE);
	buf_adds(url, q);
	if (prev != NULL) {
		cur = json_string_value(json_object_get(json_object_get(prev,
		    "page"), "nextCursor"));
		if (cur == NULL || *cur == '\0')
			return 1;	/* the last page had none */
		buf_adds(url, "&cursor=");
		conn_qescape(url, cur);
	}
	return 0;
}

/*
 * Call each with every item of member of the list l, page by page.
 * Bol leaves an empty array out of its answers, and answers a page past
 * the end with "{ }".  0, -1 (s->err), or the first value other than 0
 * that each returned.
 */
static int
each_item(struct session *s, struct blist *l, const char *member,
    int (*each)(struct session *, json_t *, void *), void *arg)
{
	struct conn_pages p;

	memset(&p, 0, sizeof(p));
	p.list.member = member;
	p.list.absent_empty = 1;
	p.list.codekey = "title";
	p.list.msgkey = "detail";
	p.size = l->cursor ? 0 : ORDER_PAGE;
	p.next = next_page;
	p.arg = l;
	return conn_pages(s, &p, each, arg);
}

/* Bol's transporter codes and the carriers' names people use. */
static const struct {
	const char	*name;		/* lower case, letters and digits */
	const char	*code;		/* Bol's transporterCode */
} carriers[] = {
	{ "postnl",	"TNT" },	/* first: the name of a code */
	{ "dhl",	"DHL" },
	{ "dhlparcel",	"DHL" },
	{ "dpd",	"DPD-NL" },
	{ "dpdnl",	"DPD-NL" },
	{ "dpdbe",	"DPD-BE" },
	{ "ups",	"UPS" },
	{ "gls",	"GLS" },
	{ "bpost",	"BPOST_BE" },
	{ "fedex",	"FEDEX_NL" },
	{ "dhlde",	"DHL_DE" },
	{ "dhlforyou",	"DHLFORYOU" },
	{ "budbee",	"BUDBEE" },
	{ "trunkrs",	"TRUNKRS" },
	{ "tnt",	"TNT" },
	{ "postnlbrief", "TNT_BRIEF" },
	{ "postnlextra", "TNT-EXTRA" },
	{ "tntexpress",	"TNT-EXPRESS" },
	{ "dhlsd",	"DHL-SD" },
	{ "dhlglobalmail", "DHL-GLOBAL-MAIL" },
	{ "bpostbrief",	"BPOST_BRIEF" },
	{ "briefpost",	"BRIEFPOST" },
	{ "fedexbe",	"FEDEX_BE" },
	{ "fedexnl",	"FEDEX_NL" },
	{ "parcelnl",	"PARCEL-NL" },
	{ "ampere",	"AMPERE" },
	{ "courier",	"COURIER" },
	{ "cycloon",	"CYCLOON" },
	{ "dyl",	"DYL" },
	{ "packs",	"PACKS" },
	{ "pes",	"PES" },
	{ "transmission", "TRANSMISSION" },
	{ "tsn",	"TSN" },
	{ "other",	"OTHER" }
};

/* s in lower case, letters and digits only, into out. */
static void
squash(const char *s, char *out, size_t len)
{
	size_t	 n;

	for (n = 0; *s != '\0' && n + 1 < len; s++)
		if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9'))
			out[n++] = *s;
		else if (*s >= 'A' && *s <= 'Z')
			out[n++] = (char)(*s - 'A' + 'a');
	out[n] = '\0';
}

/* Bol's transporter code of a carrier's name: OTHER when unknown. */
static const char *
transporter(const char *carrier)
{
	char	 k[64];
	size_t	 i;

	squash(carrier, k, sizeof(k));
	for (i = 0; i < NELEM(carriers); i++)
		if (strcmp(carriers[i].name, k) == 0)
			return carriers[i].code;
	return "OTHER";
}

/* The carrier's name of a transporter code: the code when none. */
static const char *
carrier_name(const char *code)
{
	size_t	 i;

	for (i = 0; i < NELEM(carriers); i++)
		if (strcmp(carriers[i].code, code) == 0)
			return carriers[i].name;
	return code;
}

/* The quantity of item it neither shipped nor cancelled. */
static json_int_t
open_qty(json_t *it)
{
	return conn_count(it, "quantity") - conn_count(it,
	    "quantityShipped") - conn_count(it, "quantityCancelled");
}

/*
 * An order's status from its items' quantities, as Bol has none: all
 * cancelled; nothing open (completed); a cancellation the customer asked
 * for and the retailer has not handled (on hold); some shipped
 * (partially); or open.  *word gets Bol's fulfilment status, OPEN or
 * HANDLED.
 */
static unsigned int
derive(json_t *items, const char **word)
{
	json_t	*it;
	json_int_t qty, shipped, cancelled;
	size_t	 i;
	int	 open, asked;

	qty = shipped = cancelled = 0;
	open = asked = 0;
	json_array_foreach(items, i, it) {
		qty += conn_count(it, "quantity");
		shipped += conn_count(it, "quantityShipped");
		cancelled += conn_count(it, "quantityCancelled");
		if (open_qty(it) > 0) {
			open = 1;
			if (json_is_true(json_object_get(it,
			    "cancellationRequest")))
				asked = 1;
		}
	}
	*word = open ? "OPEN" : "HANDLED";
	if (cancelled >= qty)
		return ST_CANCELLED;
	if (!open)
		return ST_COMPLETED;
	if (asked)
		return ST_ON_HOLD;
	return shipped > 0 ? ST_PARTIAL : ST_OPEN;
}

/* Member key of a's object member sub, as text. */
static const char *
sub_text(json_t *a, const char *sub, const char *key, char *t, size_t len)
{
	return conn_text(json_object_get(a, sub), key, t, len);
}

/* An address of a Bol order: its shipmentDetails or billingDetails. */
static json_t *
address(json_t *a)
{
	struct conn_addr ca;
	char	 name[256], street[256], t[8][64];
	const char *first, *last, *ext;

	if (!json_is_object(a))
		return NULL;
	first = conn_text(a, "firstName", t[0], sizeof(t[0]));
	last = conn_text(a, "surname", t[1], sizeof(t[1]));
	snprintf(name, sizeof(name), "%s%s%s", first, *first && *last ?
	    " " : "", last);
	ext = conn_text(a, "houseNumberExtension", t[2], sizeof(t[2]));
	snprintf(street, sizeof(street), "%s %s%s%s", conn_text(a,
	    "streetName", t[3], sizeof(t[3])), conn_text(a, "houseNumber",
	    t[4], sizeof(t[4])), *ext ? " " : "", ext);
	ca.name = name;
	ca.company = conn_text(a, "company", t[5], sizeof(t[5]));
	ca.address1 = street;
	ca.address2 = conn_text(a, "extraAddressInformation", t[6],
	    sizeof(t[6]));
	ca.zip = conn_text(a, "zipCode", t[7], sizeof(t[7]));
	ca.city = json_string_value(json_object_get(a, "city"));
	ca.region = "";
	ca.country = json_string_value(json_object_get(a, "countryCode"));
	ca.phone = "";			/* Bol hands out none */
	return conn_address(&ca);
}

struct shipq {
	json_t		*list;		/* the shipments found */
};

static int
ship_each(struct session *s, json_t *sh, void *arg)
{
	struct shipq *sq = arg;

	(void)s;
	json_array_append(sq->list, sh);
	return 0;
}

/*
 * The shipments of order id, each read whole, newest first: the list
 * has only their transportId, the carrier and track and trace are on
 * each one (a request each).  The array, or NULL (s->err).
 */
static json_t *
shipments(struct session *s, const char *id)
{
	struct blist l = { "/retailer/shipments", NULL, V10, 0 };
	struct http_resp r;
	struct shipq sq;
	struct buf q, path;
	json_t	*ships, *sh, *one;
	char	 t[64];
	size_t	 i;
	int	 rc;

	memset(&q, 0, sizeof(q));
	buf_adds(&q, "order-id=");
	conn_qescape(&q, id);
	l.query = buf_str(&q);
	sq.list = json_array();
	rc = each_item(s, &l, "shipments", ship_each, &sq);
	buf_free(&q);
	ships = json_array();
	memset(&path, 0, sizeof(path));
	json_array_foreach(sq.list, i, sh) {
		if (rc != 0)
			break;
		path.len = 0;
		buf_adds(&path, "/retailer/shipments/");
		conn_qescape(&path, conn_text(sh, "shipmentId", t, sizeof(t)));
		rc = call(s, V10, "GET", buf_str(&path), NULL, HTTP_JSON, &one,
		    &r);
		http_resp_free(&r);
		if (rc == 0)
			json_array_append_new(ships, one);
	}
	buf_free(&path);
	json_decref(sq.list);
	if (rc != 0) {
		json_decref(ships);
		return NULL;
	}
	return ships;
}

/* The shipments of the order record, from Bol's (newest first). */
static json_t *
ship_records(struct session *s, json_t *ships)
{
	json_t	*out, *sh, *tr;
	char	 at[TZ_LEN], t[2][64];
	size_t	 i;

	out = json_array();
	for (i = json_array_size(ships); i-- > 0;) {	/* oldest first */
		sh = json_array_get(ships, i);
		tr = json_object_get(sh, "transport");
		json_array_append_new(out, conn_shipment(carrier_name(
		    conn_text(tr, "transporterCode", t[0], sizeof(t[0]))),
		    conn_text(tr, "trackAndTrace", t[1], sizeof(t[1])), "",
		    conn_utc(sh, "shipmentDateTime", s->tz, at)));
	}
	return out;
}

/*
 * The order record of Bol order o, *st its status; with q->shipments
 * the shipments of an order that shipped anything (two requests and
 * more).  NULL (s->err) when they could not be read.
 */
static json_t *
record(struct session *s, json_t *o, const struct order_query *q,
    unsigned int *st)
{
	struct order_head h;
	json_t	*items, *it, *lines, *ships, *rec;
	const char *word, *sku, *amount;
	char	 t[4][64], created[TZ_LEN], updated[TZ_LEN], at[TZ_LEN];
	char	 total[MONEY_LEN], line[MONEY_LEN], sum[MONEY_LEN];
	json_int_t qty, cancelled, shipped;
	size_t	 i;

	items = json_object_get(o, "orderItems");
	*st = derive(items, &word);
	lines = json_array();
	shipped = 0;
	updated[0] = '\0';
	snprintf(sum, sizeof(sum), "0.00");
	json_array_foreach(items, i, it) {
		qty = conn_count(it, "quantity");
		cancelled = conn_count(it, "quantityCancelled");
		if (cancelled > qty)	/* none left, not less */
			cancelled = qty;
		shipped += conn_count(it, "quantityShipped");
		/* The offer's reference is the SKU, else the EAN is. */
		sku = sub_text(it, "offer", "reference", t[0], sizeof(t[0]));
		if (*sku == '\0')
			sku = sub_text(it, "product", "ean", t[0],
			    sizeof(t[0]));
		/* totalPrice is of all ordered: the cancelled left out. */
		amount = cancelled == 0 ? conn_amount(json_object_get(it,
		    "totalPrice"), t[2], sizeof(t[2])) : conn_money(NULL,
		    qty - cancelled, conn_amount(json_object_get(it,
		    "unitPrice"), t[2], sizeof(t[2])), line);
		if (amount != NULL && *amount != '\0' && sum[0] != '\0' &&
		    conn_money(sum, 1, amount, total) != NULL)
			snprintf(sum, sizeof(sum), "%s", total);
		else
			sum[0] = '\0';	/* unknown, not a guess */
		json_array_append_new(lines, conn_line(sku, sub_text(it,
		    "product", "title", t[1], sizeof(t[1])), qty - cancelled,
		    json_integer(conn_count(it, "quantityShipped")),
		    amount != NULL && *amount ? amount : NULL));
		conn_utc(it, "latestChangedDateTime", s->tz, at);
		if (strcmp(at, updated) > 0)
			snprintf(updated, sizeof(updated), "%s", at);
	}
	ships = NULL;
	if (q->shipments && shipped > 0 && (ships = shipments(s,
	    conn_text(o, "orderId", t[0], sizeof(t[0])))) == NULL) {
		json_decref(lines);
		return NULL;
	}
	h.id = conn_text(o, "orderId", t[0], sizeof(t[0]));
	h.number = h.id;
	h.reference = "";
	h.status = *st;
	h.platform_status = word;
	h.created_at = conn_utc(o, "orderPlacedDateTime", s->tz, created);
	h.updated_at = updated;
	h.email = sub_text(o, "shipmentDetails", "email", t[1], sizeof(t[1]));
	h.name = "";
	h.country = sub_text(o, "shipmentDetails", "countryCode", t[2],
	    sizeof(t[2]));
	h.total = sum;
	h.currency = "EUR";		/* bol.com sells in euros only */
	h.shipping = address(json_object_get(o, "shipmentDetails"));
	h.billing = address(json_object_get(o, "billingDetails"));
	if (h.shipping != NULL)
		h.name = json_string_value(json_object_get(h.shipping,
		    "name"));
	rec = conn_order(s, &h, lines, ships != NULL ? ship_records(s,
	    ships) : json_array(), q->raw ? o : NULL);
	json_decref(ships);
	return rec;
}

/*
 * Order id, read whole, into *o.  0; 1 when Bol has no such order; -1
 * (s->err).
 */
static int
get_order(struct session *s, const char *id, json_t **o)
{
	struct http_resp r;
	struct buf path;
	int	 rc;

	memset(&path, 0, sizeof(path));
	buf_adds(&path, "/retailer/orders/");
	conn_qescape(&path, id);
	rc = call(s, V10, "GET", buf_str(&path), NULL, HTTP_JSON, o, &r);
	buf_free(&path);
	if (rc == 1 && r.status == 404)
		rc = 1;
	else if (rc != 0)
		rc = -1;
	http_resp_free(&r);
	return rc;
}

struct orderq {
	const struct order_query *q;	/* what is asked for */
	char		 since[TZ_LEN];	/* its times, as records write */
	char		 until[TZ_LEN];	/* them ("" for none) */
	order_cb	 cb;		/* the tool's callback */
	void		*arg;		/* and its argument */
};

/* One order of the list: read whole, filter, hand to the tool. */
static int
order_item(struct session *s, json_t *listed, void *arg)
{
	struct orderq *oq = arg;
	json_t	*o, *r;
	const char *upd;
	char	 id[64];
	unsigned int st;
	int	 rc;

	conn_get(listed, "orderId", id, sizeof(id));
	if ((rc = get_order(s, id, &o)) != 0) {
		if (rc == 1)		/* gone since it was listed */
			return 0;
		return -1;
	}
	r = record(s, o, oq->q, &st);
	json_decref(o);
	if (r == NULL)
		return -1;
	upd = json_string_value(json_object_get(r, "updated_at"));
	rc = 0;
	if (conn_wanted(oq->q, st) && (oq->since[0] == '\0' ||
	    strcmp(upd, oq->since) >= 0) && (oq->until[0] == '\0' ||
	    strcmp(upd, oq->until) <= 0))
		rc = oq->cb(oq->arg, r);
	json_decref(r);
	return rc;
}

/*
 * Bol's status filter for the statuses asked for: its OPEN lists orders
 * with an item still open, SHIPPED those with an item shipped, ALL
 * every one.  NULL when none can be (draft: Bol has no drafts).
 */
static const char *
list_status(unsigned int want)
{
	unsigned int openish = ST_OPEN | ST_ON_HOLD | ST_PARTIAL;

	if (want == 0 || (want & ST_CANCELLED) || ((want & openish) &&
	    (want & ST_COMPLETED)))
		return "ALL";
	if (want & ST_COMPLETED)
		return "SHIPPED";
	if (want & openish)
		return "OPEN";
	return NULL;
}

/*
 * The orders Bol's retailer fulfils (FBR): listed 50 a page with Bol's
 * status filter, each read whole.  --since and --until select on the
 * time of the last change of an item (updated_at); when both fall on
 * one day in Amsterdam, Bol's latest-change-date lists only that day's.
 */
static int
orders(struct session *s, const struct order_query *q, order_cb cb,
    void *arg)
{
	struct blist l = { "/retailer/orders", NULL, V10, 0 };
	struct orderq oq;
	struct buf query;
	const char *st;
	char	 d1[TZ_LEN], d2[TZ_LEN];
	int	 rc;

	if ((st = list_status(q->statuses)) == NULL)
		return 0;
	memset(&oq, 0, sizeof(oq));
	oq.q = q;
	oq.cb = cb;
	oq.arg = arg;
	if (q->since_set)
		tz_format(q->since, oq.since);
	if (q->until_set)
		tz_format(q->until, oq.until);
	memset(&query, 0, sizeof(query));
	buf_adds(&query, "fulfilment-method=FBR&status=");
	buf_adds(&query, st);
	if (q->since_set && q->until_set && tz_utc_to_local(s->tz, q->since,
	    d1) == 0 && tz_utc_to_local(s->tz, q->until, d2) == 0 &&
	    strncmp(d1, d2, 10) == 0) {
		d1[10] = '\0';
		buf_adds(&query, "&latest-change-date=");
		buf_adds(&query, d1);
	}
	l.query = buf_str(&query);
	rc = each_item(s, &l, "orders", order_item, &oq);
	buf_free(&query);
	return rc;
}

/* The SKU of an offer: its reference, else its EAN. */
static const char *
offer_sku(json_t *o, char *t, size_t len)
{
	const char *sku;

	sku = conn_text(o, "reference", t, len);
	return *sku != '\0' ? sku : conn_text(o, "ean", t, len);
}

/* Whether offer o is fulfilled by bol (FBB): its stock is bol's. */
static int
fbb(json_t *o)
{
	const char *m;

	m = json_string_value(json_object_get(json_object_get(o,
	    "fulfilment"), "method"));
	return m != NULL && strcmp(m, "FBB") == 0;
}

/* Whether offer o is for sale: not on hold, and in some country. */
static int
for_sale(json_t *o)
{
	json_t	*ca, *c;
	size_t	 i;

	if (json_is_true(json_object_get(o, "onHoldByRetailer")))
		return 0;
	if ((ca = json_object_get(o, "countryAvailabilities")) == NULL)
		return 1;
	json_array_foreach(ca, i, c)
		if (json_is_true(json_object_get(c, "forSale")))
			return 1;
	return 0;
}

/* The offers, 100 a page by cursor (v11). */
static int
offers(struct session *s, int (*each)(struct session *, json_t *, void *),
    void *arg)
{
	struct blist l = { "/retailer/offers", "", V11, 1 };

	return each_item(s, &l, "offers", each, arg);
}

struct stockq {
	const struct stock_query *q;	/* what is asked for */
	stock_cb	 cb;		/* the tool's callback */
	void		*arg;		/* and its argument */
};

static int
stock_each(struct session *s, json_t *o, void *arg)
{
	struct stockq *sq = arg;
	struct stock_row row;
	const char *name;
	char	 t[3][64];

	(void)s;
	if (fbb(o) || (!sq->q->inactive && !for_sale(o)))
		return 0;
	row.sku = offer_sku(o, t[0], sizeof(t[0]));
	row.qty = conn_count(json_object_get(o, "stock"), "amount");
	row.warehouse = "";
	row.reserved = 0;
	name = sub_text(o, "product", "title", t[1], sizeof(t[1]));
	row.name = *name != '\0' ? name : conn_text(o, "unknownProductTitle",
	    t[1], sizeof(t[1]));
	row.barcode = conn_text(o, "ean", t[2], sizeof(t[2]));
	return sq->cb(sq->arg, &row);
}

/*
 * The stock the retailer gave each offer it fulfils (stock.amount, what
 * a push sets): the offers for sale, or with --inactive those on hold
 * or for sale nowhere too.  Offers fulfilled by bol are left out.
 */
static int
stock(struct session *s, const struct stock_query *q, stock_cb cb,
    void *arg)
{
	struct stockq sq;

	sq.q = q;
	sq.cb = cb;
	sq.arg = arg;
	return offers(s, stock_each, &sq);
}

struct itemq {
	item_cb		 cb;		/* the tool's callback */
	void		*arg;		/* and its argument */
};

static int
item_each(struct session *s, json_t *o, void *arg)
{
	struct itemq *iq = arg;
	struct shop_item it;
	char	 t[2][64];

	(void)s;
	memset(&it, 0, sizeof(it));
	it.sku = offer_sku(o, t[0], sizeof(t[0]));
	it.id = conn_text(o, "offerId", t[1], sizeof(t[1]));
	it.group = "";
	it.qty = json_integer_value(json_object_get(json_object_get(o,
	    "stock"), "amount"));
	it.tracked = !fbb(o);
	if (!it.tracked)
		it.why = "fulfilled by bol (FBB): bol keeps its stock";
	it.ref = it.id;
	return iq->cb(iq->arg, &it);
}

/* Every offer, whatever its state: each takes a level. */
static int
items(struct session *s, item_cb cb, void *arg)
{
	struct itemq iq;

	iq.cb = cb;
	iq.arg = arg;
	return offers(s, item_each, &iq);
}

/*
 * Set each offer's stock, one a request (Bol has no bulk stock write):
 * PATCH of v11, answered 204 when set.  managedByRetailer true: the
 * level is the retailer's count, which bol lowers only by the orders
 * placed after it.  An offer Bol refuses (an amount above 999, its
 * most) is failed with Bol's words.
 */
static int
push(struct session *s, struct push_item *pi, size_t n)
{
	struct http_resp r;
	struct buf path;
	json_t	*ans;
	size_t	 i;
	int	 rc;

	memset(&path, 0, sizeof(path));
	for (i = 0, rc = 0; i < n && rc != -1; i++) {
		path.len = 0;
		buf_adds(&path, "/retailer/offers/");
		conn_qescape(&path, pi[i].id);
		rc = call(s, V11, "PATCH", buf_str(&path), json_pack("{s:{s:I, "
		    "s:b}}", "stock", "amount", (json_int_t)pi[i].to,
		    "managedByRetailer", 1), HTTP_ONCE, &ans, &r);
		json_decref(ans);
		if (rc == 0)
			pi[i].result = PUSH_SET;
		else if (rc == 1) {
			pi[i].result = PUSH_FAILED;
			said(&r, pi[i].reason, sizeof(pi[i].reason));
			if (pi[i].reason[0] == '\0')
				snprintf(pi[i].reason, sizeof(pi[i].reason),
				    "%s", http_error(s->http));
		}
		http_resp_free(&r);
	}
	buf_free(&path);
	return rc == -1 ? -1 : 0;
}

/*
 * Wait until process id has ended, polling Bol's bulk process status
 * (a second, then less often), into st (SUCCESS, FAILURE or TIMEOUT)
 * and why (its errorMessage).  0; -1 (s->err) when Bol did not answer,
 * knows it no more, or has it pending after POLL_MAX seconds.
 */
static int
await(struct session *s, const char *id, char *st, size_t stlen, char *why,
    size_t whylen)
{
	struct http_resp r;
	json_t	*ans, *p, *found;
	double	 t0, wait;
	char	 t[64];
	size_t	 i;
	int	 rc;

	t0 = mono_now();
	for (wait = 0.5;; wait = wait < 8 ? wait * 2 : wait) {
		http_pause(s->http, wait, "for Bol to process it");
		rc = call(s, V10, "POST", "/shared/process-status", json_pack(
		    "{s:[{s:s}]}", "processStatusQueries", "processStatusId",
		    id), HTTP_JSON, &ans, &r);
		http_resp_free(&r);
		if (rc != 0)
			return -1;
		found = NULL;
		json_array_foreach(json_object_get(ans, "processStatuses"), i,
		    p)
			if (strcmp(conn_text(p, "processStatusId", t,
			    sizeof(t)), id) == 0)
				found = p;
		conn_copy(st, stlen, conn_text(found, "status", t, sizeof(t)));
		conn_copy(why, whylen, conn_text(found, "errorMessage", t,
		    sizeof(t)));
		json_decref(ans);
		if (found == NULL) {
			snprintf(s->err, sizeof(s->err), "%s/shared/process-"
			    "status: process %s is not known", s->url, id);
			return -1;
		}
		if (strcmp(st, "PENDING") != 0)
			return 0;
		if (mono_now() - t0 > POLL_MAX) {
			snprintf(s->err, sizeof(s->err), "%s/shared/process-"
			    "status: process %s still PENDING after %d s",
			    s->url, id, POLL_MAX);
			return -1;
		}
	}
}

/*
 * The shipment of it that the order's shipments do not carry yet: the
 * first whose tracking code none has, or else the first.  NULL when it
 * has none.  *err when they could not be read.
 */
static const struct ship *
new_ship(struct session *s, const struct complete_item *it, int shipped,
    int *err)
{
	json_t	*ships, *sh;
	const char *code;
	size_t	 i, k;

	*err = 0;
	if (it->nships == 0)
		return NULL;
	if (!shipped || it->nships == 1)
		return &it->ships[0];
	if ((ships = shipments(s, it->id)) == NULL) {
		*err = 1;
		return NULL;
	}
	for (i = 0; i < it->nships; i++) {
		json_array_foreach(ships, k, sh) {
			code = json_string_value(json_object_get(
			    json_object_get(sh, "transport"), "trackAndTrace"));
			if (code != NULL && strcmp(code, it->ships[i].tracking)
			    == 0)
				break;
		}
		if (k == json_array_size(ships))
			break;
	}
	json_decref(ships);
	return &it->ships[i < it->nships ? i : 0];
}

/*
 * The shipment request of what is left of order o to ship (its open
 * items Bol does not fulfil itself), with ship's track and trace, or
 * NULL when nothing is left to the retailer; *n gets the pieces.
 */
static json_t *
shipment_request(json_t *o, const struct ship *sh, json_int_t *n)
{
	json_t	*items, *it, *tr;
	const char *m;
	char	 t[64];
	size_t	 i;

	items = json_array();
	*n = 0;
	json_array_foreach(json_object_get(o, "orderItems"), i, it) {
		m = json_string_value(json_object_get(json_object_get(it,
		    "fulfilment"), "method"));
		if (open_qty(it) <= 0 || (m != NULL && strcmp(m, "FBB") == 0))
			continue;
		json_array_append_new(items, json_pack("{s:s, s:I}",
		    "orderItemId", conn_text(it, "orderItemId", t, sizeof(t)),
		    "quantity", open_qty(it)));
		*n += open_qty(it);
	}
	if (json_array_size(items) == 0) {
		json_decref(items);
		return NULL;
	}
	tr = json_pack("{s:s}", "transporterCode", sh != NULL ?
	    transporter(sh->carrier) : "OTHER");
	if (sh != NULL && *sh->tracking != '\0')
		json_object_set_new(tr, "trackAndTrace", json_string(
		    sh->tracking));
	return json_pack("{s:o, s:o}", "orderItems", items, "transport", tr);
}

/* What the shipment passes on, and what it cannot, into it->reason. */
static void
plan(struct complete_item *it, json_t *req, json_int_t n)
{
	json_t	*tr;
	const char *code, *tt;

	tr = json_object_get(req, "transport");
	code = json_string_value(json_object_get(tr, "transporterCode"));
	tt = json_string_value(json_object_get(tr, "trackAndTrace"));
	snprintf(it->reason, sizeof(it->reason), "a shipment of %lld "
	    "piece%s, %s%s%s%s", (long long)n, n == 1 ? "" : "s", code,
	    tt != NULL ? " " : " without track & trace", tt != NULL ? tt : "",
	    it->nships > 1 ? " (bol.com takes one track & trace a "
	    "shipment)" : "");
}

/*
 * The order it names, and what is to be done, settled without a
 * write: it->result for an order not found, cancelled, completed or
 * left to bol; else the shipment request into *req and the plan.  0, or
 * -1 (s->err).
 */
static int
look(struct session *s, struct complete_item *it, json_t **req)
{
	const struct ship *sh;
	json_t	*o;
	const char *word;
	json_int_t n, shipped;
	size_t	 i;
	int	 rc, err;

	*req = NULL;
	if ((rc = get_order(s, it->key, &o)) != 0) {
		if (rc == 1)
			it->result = OR_NOT_FOUND;
		return rc == 1 ? 0 : -1;
	}
	conn_get(o, "orderId", it->id, sizeof(it->id));
	conn_copy(it->number, sizeof(it->number), it->id);
	switch (derive(json_object_get(o, "orderItems"), &word)) {
	case ST_CANCELLED:
		it->result = OR_CANCELLED;
		snprintf(it->reason, sizeof(it->reason), "every item "
		    "cancelled on bol.com");
		break;
	case ST_COMPLETED:
		it->result = OR_ALREADY;
		break;
	}
	shipped = 0;
	for (i = 0; i < json_array_size(json_object_get(o, "orderItems"));
	    i++)
		shipped += conn_count(json_array_get(json_object_get(o,
		    "orderItems"), i), "quantityShipped");
	if (it->result == 0) {
		sh = new_ship(s, it, shipped > 0, &err);
		if (!err && (*req = shipment_request(o, sh, &n)) == NULL) {
			it->result = OR_FAILED;
			snprintf(it->reason, sizeof(it->reason), "what is "
			    "left is fulfilled by bol (FBB): bol ships it");
		} else if (!err)
			plan(it, *req, n);
	}
	json_decref(o);
	return it->result == 0 && *req == NULL ? -1 : 0;
}

/*
 * Complete an order as bol.com takes it: one shipment of what is left
 * (POST /retailer/shipments, the carrier as Bol's transporter code, the
 * track and trace), done when its process status says SUCCESS.  Bol
 * tells its customer of a shipment by itself; it has no setting for it.
 * A process that had not ended when this order was last asked is waited
 * for first, so that a second ask never ships twice.
 */
static int
complete(struct session *s, struct complete_item *it)
{
	struct bol *b = s->priv;
	struct http_resp r;
	json_t	*req, *ans;
	char	 st[32], why[512], words[512];
	int	 rc;

	if (b->pid[0] != '\0' && strcmp(b->porder, it->key) == 0) {
		if (await(s, b->pid, st, sizeof(st), why, sizeof(why)) == -1)
			return -1;
		b->pid[0] = '\0';
	}
	if (look(s, it, &req) == -1)
		return -1;
	if (it->result != 0 || it->dry) {
		if (it->result == 0)
			it->result = OR_WOULD;
		json_decref(req);
		return 0;
	}
	rc = call(s, V10, "POST", "/retailer/shipments", req, HTTP_JSON |
	    HTTP_ONCE, &ans, &r);
	if (rc == 1) {
		it->result = OR_FAILED;
		snprintf(it->reason, sizeof(it->reason), "%s", said(&r, words,
		    sizeof(words)));
	}
	http_resp_free(&r);
	if (rc != 0) {
		json_decref(ans);
		return rc == 1 ? 0 : -1;
	}
	conn_get(ans, "processStatusId", b->pid, sizeof(b->pid));
	conn_copy(b->porder, sizeof(b->porder), it->key);
	json_decref(ans);
	if (await(s, b->pid, st, sizeof(st), why, sizeof(why)) == -1)
		return -1;
	b->pid[0] = '\0';
	if (strcmp(st, "SUCCESS") == 0) {
		it->result = OR_DONE;
		if (it->nships == 1)
			it->reason[0] = '\0';	/* passed on as it was */
	} else if (strcmp(st, "FAILURE") == 0) {
		it->result = OR_FAILED;
		snprintf(it->reason, sizeof(it->reason), "%s", why);
	} else {
		/* TIMEOUT: not carried out; asked again, it looks again. */
		snprintf(s->err, sizeof(s->err), "%s/retailer/shipments: the "
		    "shipment's process ended in %s", s->url, st);
		return -1;
	}
	return 0;
}

const struct connector conn_bol = {
	.name = "bol",
	.no_warehouses = "bol.com keeps one stock level per offer: no "
	    "warehouses",
	.batch = 1,			/* no bulk stock write */
	.batch_max = 1,
	/*
	 * 25 a second: Bol's limit of one order, the offers list and the
	 * process status; offer writes may go 50 (rate_limit = 50 for a
	 * push), the lists of orders and shipments only 25 a minute (a 429
	 * says when to go on).
	 */
	.rate_limit = 25,
	.rate_window = 1,
	.setup = setup,
	.close = close_priv,
	.orders = orders,
	.stock = stock,
	.items = items,
	.push = push,
	.complete = complete,
	.no_write = "bol.com is a marketplace: its customers place the "
	    "orders, and the Retailer API has no call that makes one "
	    "(/retailer/orders is read only)"
};
