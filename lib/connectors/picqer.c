/*
 * picqer: the Picqer warehouse system, REST API v1.
 *
 * Basic auth with the API key as user name; a User-Agent with a contact;
 * lists are bare JSON arrays of at most 100 items paged by offset; 500
 * requests a minute, reported in X-RateLimit-Limit/-Remaining.  Times
 * carry no offset and Picqer names no zone: they are taken to be in the
 * connection's timezone, Europe/Amsterdam by default.  See
 * picqer.com/en/api, and shopswitch(7) for what it does not say.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../connector.h"
#include "../htab.h"
#include "../money.h"
#include "../tz.h"
#include "../util.h"

#define PAGE	100			/* items in a full page */

/* Picqer's statuses and the normalised ones. */
static const struct conn_word statmap[] = {
	{ "concept",	ST_DRAFT },
	{ "expected",	ST_OPEN },
	{ "processing",	ST_OPEN },	/* or partially shipped */
	{ "paused",	ST_ON_HOLD },
	{ "completed",	ST_COMPLETED },
	{ "cancelled",	ST_CANCELLED }
};

static int
setup(struct session *s, struct http_opts *o)
{
	const char *key;

	if ((key = cfg_get(s->cfg, "api_key")) == NULL) {
		snprintf(s->err, sizeof(s->err), "%s:%lu: [%s] needs api_key "
		    "(Picqer: Settings, API keys)", s->cfg->file, s->cfg->line,
		    s->cfg->name);
		return -1;
	}
	o->user = key;
	o->pass = "X";			/* ignored, as the official client */
	o->limit_hdr = "X-RateLimit-Limit";
	o->remain_hdr = "X-RateLimit-Remaining";
	if (s->tz == NULL)
		s->tz = "Europe/Amsterdam";
	return 0;
}

/* How Picqer answers with a list, or with an error. */
static const struct conn_list plist = {
	.codekey = "error_code",
	.msgkey = "error_message"
};

/* The URL of path under /api/v1/ with query (escaped, or "") into u. */
static void
api_url(struct session *s, struct buf *u, const char *path,
    const char *query)
{
	buf_adds(u, s->url);
	buf_adds(u, "/api/v1/");
	buf_adds(u, path);
	if (query[0] != '\0') {
		buf_addc(u, '?');
		buf_adds(u, query);
	}
}

/* A list of Picqer's: path and query. */
struct plist {
	const char	*path;
	const char	*query;
};

/*
 * Picqer's lists are bare arrays of at most 100 items by offset, and a
 * page that is not full is the last.
 */
static int
next_page(struct session *s, struct conn_pages *p, json_t *prev,
    struct buf *url, json_t **body)
{
	const struct plist *l = p->arg;
	char	 off[32];

	(void)prev;
	(void)body;
	api_url(s, url, l->path, l->query);
	snprintf(off, sizeof(off), "%soffset=%zu", l->query[0] != '\0' ?
	    "&" : "?", p->offset);
	buf_adds(url, off);
	return 0;
}

/*
 * Call each with every item of the list at path (query already escaped,
 * or ""), page by page.  Returns 0, -1 after conn_fail, or the first
 * value other than 0 that each returned.
 */
static int
each_item(struct session *s, const char *path, const char *query,
    int (*each)(struct session *, json_t *, void *), void *arg)
{
	struct plist l = { path, query };
	struct conn_pages p;

	memset(&p, 0, sizeof(p));
	p.list = plist;
	p.size = PAGE;
	p.next = next_page;
	p.arg = &l;
	return conn_pages(s, &p, each, arg);
}

/*
 * Whether any picklist of the order was shipped: closed, of Picqer's new,
 * paused, snoozed, closed and cancelled (picqer.com/en/api/picklists).
 */
static int
some_shipped(json_t *o)
{
	json_t	*pl, *p;
	size_t	 i;

	pl = json_object_get(o, "picklists");
	json_array_foreach(pl, i, p) {
		if (json_is_string(json_object_get(p, "status")) &&
		    strcmp(json_string_value(json_object_get(p, "status")),
		    "closed") == 0)
			return 1;
	}
	return 0;
}

/* An address of a Picqer order: the members prefixed with pre. */
static json_t *
address(json_t *o, const char *pre)
{
	struct conn_addr a;
	char	 k[8][48], t[9][32];
	const char *name, *contact;
	static const char *const keys[] = { "name", "contactname", "address",
	    "address2", "zipcode", "city", "region", "country" };
	size_t	 i;

	for (i = 0; i < NELEM(keys); i++)
		snprintf(k[i], sizeof(k[i]), "%s%s", pre, keys[i]);
	/* name is the company or the person, contactname the person. */
	name = conn_text(o, k[0], t[0], sizeof(t[0]));
	contact = conn_text(o, k[1], t[1], sizeof(t[1]));
	a.name = *contact != '\0' ? contact : name;
	a.company = *contact != '\0' ? name : "";
	a.address1 = conn_text(o, k[2], t[2], sizeof(t[2]));
	a.address2 = conn_text(o, k[3], t[3], sizeof(t[3]));
	a.zip = conn_text(o, k[4], t[4], sizeof(t[4]));
	a.city = conn_text(o, k[5], t[5], sizeof(t[5]));
	a.region = conn_text(o, k[6], t[6], sizeof(t[6]));
	a.country = conn_text(o, k[7], t[7], sizeof(t[7]));
	a.phone = conn_text(o, "telephone", t[8], sizeof(t[8]));
	return conn_address(&a);
}

/*
 * The shipments of the order's closed picklists, one request each
 * (Picqer lists them per picklist only), cancelled ones left out.
 * Returns the array, or NULL after conn_fail.
 */
static json_t *
shipments(struct session *s, json_t *o)
{
	struct buf u;
	json_t	*ships, *p, *list, *sh, *c;
	const char *st, *carrier;
	char	 path[64], id[32], t[3][64], at[TZ_LEN];
	size_t	 i, k;

	memset(&u, 0, sizeof(u));
	ships = json_array();
	json_array_foreach(json_object_get(o, "picklists"), i, p) {
		st = json_string_value(json_object_get(p, "status"));
		if (st == NULL || strcmp(st, "closed") != 0)
			continue;
		snprintf(path, sizeof(path), "picklists/%s/shipments",
		    conn_text(p, "idpicklist", id, sizeof(id)));
		u.len = 0;
		api_url(s, &u, path, "");
		if ((list = conn_list(s, &plist, buf_str(&u), NULL,
		    NULL)) == NULL) {
			buf_free(&u);
			json_decref(ships);
			return NULL;
		}
		json_array_foreach(list, k, sh) {
			if (json_is_true(json_object_get(sh, "cancelled")))
				continue;
			carrier = conn_text(sh, "carrier_key", t[0],
			    sizeof(t[0]));
			if (*carrier == '\0')
				carrier = conn_text(sh, "public_providername",
				    t[0], sizeof(t[0]));
			c = conn_shipment(carrier, conn_text(sh, "trackingcode",
			    t[1], sizeof(t[1])), conn_text(sh, "tracktraceurl",
			    t[2], sizeof(t[2])), conn_utc(sh, "created", s->tz,
			    at));
			json_array_append_new(ships, c);
		}
		json_decref(list);
	}
	buf_free(&u);
	return ships;
}

/*
 * The order record of a Picqer order, or NULL (with s->err) when its
 * status is not one Picqer documents or a request for its shipments
 * failed.
 */
static json_t *
record(struct session *s, json_t *o, const struct order_query *q,
    unsigned int *st)
{
	struct order_head h;
	json_t	*lines, *p, *ps, *part, *shipped, *ships;
	const char *pst;
	char	 t[8][32], created[TZ_LEN], updated[TZ_LEN], total[MONEY_LEN];
	json_int_t amount, cancelled;
	size_t	 i;

	ps = json_object_get(o, "status");
	pst = json_is_string(ps) ? json_string_value(ps) : "";
	if ((*st = conn_word_status(statmap, NELEM(statmap), pst)) == 0) {
		snprintf(s->err, sizeof(s->err), "order %s: status '%s' is not "
		    "one Picqer documents (concept, expected, processing, "
		    "paused, completed, cancelled)", conn_text(o, "idorder",
		    t[0], sizeof(t[0])), pst);
		return NULL;
	}
	if (strcmp(pst, "processing") == 0 && some_shipped(o))
		*st = ST_PARTIAL;
	ships = NULL;
	if (q->shipments && (ships = shipments(s, o)) == NULL)
		return NULL;

	lines = json_array();
	json_array_foreach(json_object_get(o, "products"), i, p) {
		/* Parts of a composition repeat their parent: skip them. */
		part = json_object_get(p, "partof_idorder_product");
		if (part != NULL && !json_is_null(part))
			continue;
		amount = json_integer_value(json_object_get(p, "amount"));
		cancelled = json_integer_value(json_object_get(p,
		    "amount_cancelled"));
		/*
		 * What is left of the line: none when Picqer says more
		 * was cancelled than ordered (or less than none of
		 * either), never a negative quantity or an overflow.
		 */
		if (amount < 0)
			amount = 0;
		if (cancelled < 0)
			cancelled = 0;
		if (cancelled > amount)
			cancelled = amount;
		/* Shipped per line is known only when all or none is. */
		if (*st == ST_COMPLETED)
			shipped = json_integer(amount - cancelled);
		else if (*st == ST_PARTIAL)
			shipped = json_null();
		else
			shipped = json_integer(0);
		json_array_append_new(lines, conn_line(conn_text(p,
		    "productcode", t[0], sizeof(t[0])), conn_text(p, "name",
		    t[1], sizeof(t[1])), amount - cancelled, shipped,
		    conn_money(NULL, amount - cancelled, conn_amount(
		    json_object_get(p, "price"), t[2], sizeof(t[2])),
		    total)));
	}

	h.id = conn_text(o, "idorder", t[0], sizeof(t[0]));
	h.number = conn_text(o, "orderid", t[1], sizeof(t[1]));
	h.reference = conn_text(o, "reference", t[2], sizeof(t[2]));
	h.status = *st;
	h.platform_status = pst;
	h.created_at = conn_utc(o, "created", s->tz, created);
	h.updated_at = conn_utc(o, "updated", s->tz, updated);
	h.email = conn_text(o, "emailaddress", t[3], sizeof(t[3]));
	h.name = conn_text(o, "deliveryname", t[4], sizeof(t[4]));
	h.country = conn_text(o, "deliverycountry", t[5], sizeof(t[5]));
	/* A Picqer order carries no total or currency. */
	h.total = "";
	h.currency = "";
	h.billing = address(o, "invoice");
	h.shipping = address(o, "delivery");
	return conn_order(s, &h, lines, ships != NULL ? ships : json_array(),
	    q->raw ? o : NULL);
}

struct shopq {
	const char	*shop;		/* the webshop connection */
	struct htab	*ids;		/* the orders imported from it */
};

static int
shop_item(struct session *s, json_t *w, void *arg)
{
	struct shopq *sq = arg;
	const char *id;
	char	 t1[32], t2[32];
	int	 isnew;

	(void)s;
	if (strcmp(conn_text(w, "idcompany_webshop", t1, sizeof(t1)),
	    sq->shop) != 0)
		return 0;
	/* null until Picqer has imported it */
	id = conn_text(w, "idorder", t2, sizeof(t2));
	if (id[0] != '\0')
		(void)ht_lookup(sq->ids, id, strlen(id), 1, &isnew);
	return 0;
}

struct orderq {
	const struct order_query *q;	/* what is asked for */
	struct htab	*shop;		/* --shop's orders, or NULL */
	order_cb	 cb;		/* the tool's callback */
	void		*arg;		/* and its argument */
};

/* One Picqer order: filter, normalise, hand to the tool. */
static int
order_item(struct session *s, json_t *o, void *arg)
{
	struct orderq *oq = arg;
	unsigned int st;
	char	 id[32];
	const char *idp;
	json_t	*r;
	int	 rc, isnew;

	if (oq->shop != NULL) {
		idp = conn_text(o, "idorder", id, sizeof(id));
		if (ht_lookup(oq->shop, idp, strlen(idp), 0, &isnew) == NULL)
			return 0;
	}
	if ((r = record(s, o, oq->q, &st)) == NULL)
		return -1;
	rc = 0;
	if (conn_wanted(oq->q, st))
		rc = oq->cb(oq->arg, r);
	json_decref(r);
	return rc;
}

static int
orders(struct session *s, const struct order_query *q, order_cb cb,
    void *arg)
{
	struct htab shop;
	struct buf query;
	struct orderq oq;
	struct shopq sq;
	const char *want[NELEM(statmap) + 1];
	char	 t[TZ_LEN];
	size_t	 nwant, w, i;
	unsigned int st;
	int	 rc;

	/* One listing per Picqer status asked for, or one of all. */
	nwant = 0;
	for (i = 0; i < NELEM(statmap); i++) {
		st = statmap[i].st;
		if (strcmp(statmap[i].word, "processing") == 0)
			st |= ST_PARTIAL;	/* it may be partly shipped */
		if (q->statuses & st)
			want[nwant++] = statmap[i].word;
	}
	if (q->statuses == 0)
		want[nwant++] = NULL;

	oq.q = q;
	oq.shop = NULL;
	oq.cb = cb;
	oq.arg = arg;
	if (q->shop != NULL) {
		ht_init(&shop, 0);
		oq.shop = &shop;
		sq.shop = q->shop;
		sq.ids = &shop;
		if (each_item(s, "webshoporders", "", shop_item, &sq) == -1) {
			ht_free(&shop);
			return -1;
		}
	}
	memset(&query, 0, sizeof(query));
	rc = 0;
	for (w = 0; w < nwant && rc == 0; w++) {
		query.len = 0;
		buf_grow(&query, 0);
		query.s[0] = '\0';
		if (want[w] != NULL) {
			buf_adds(&query, "status=");
			conn_qescape(&query, want[w]);
		}
		if (q->since_set) {
			tz_utc_to_local(s->tz, q->since, t);
			buf_adds(&query, query.len ? "&sincedate=" :
			    "sincedate=");
			conn_qescape(&query, t);
		}
		if (q->until_set) {
			tz_utc_to_local(s->tz, q->until, t);
			buf_adds(&query, query.len ? "&untildate=" :
			    "untildate=");
			conn_qescape(&query, t);
		}
		rc = each_item(s, "orders", query.s, order_item, &oq);
	}
	buf_free(&query);
	if (q->shop != NULL)
		ht_free(&shop);
	return rc;
}

/* Add id to the list. */
static void
add_id(char ***ids, size_t *n, const char *id)
{
	*ids = xreallocarray(*ids, *n + 1, sizeof(**ids));
	(*ids)[(*n)++] = xstrdup(id);
}

struct whq {
	int		 dflt;		/* count the default warehouses */
	struct buf	*known;		/* the account's ids, for a message */
	char		***all;		/* the account's ids */
	size_t		*nall;		/* how many */
	char		***ids;		/* the ones to count */
	size_t		*n;		/* how many */
};

/* One warehouse of the account: known, and counted by default when
 * active and counting for general stock. */
static int
warehouse_item(struct session *s, json_t *w, void *arg)
{
	struct whq *wq = arg;
	char	 t[32];
	const char *id;

	(void)s;
	id = conn_text(w, "idwarehouse", t, sizeof(t));
	buf_adds(wq->known, wq->known->len ? ", " : "");
	buf_adds(wq->known, id);
	add_id(wq->all, wq->nall, id);
	if (wq->dflt && !json_is_false(json_object_get(w, "active")) &&
	    !json_is_false(json_object_get(w, "counts_for_general_stock")))
		add_id(wq->ids, wq->n, id);
	return 0;
}

/*
 * The warehouses to count: those asked for or the connection's, each of
 * which must be one of the account's (a mistyped id would count as zero
 * stock everywhere, and a push of that empties a shop), or else every
 * active one that counts for general stock.
 */
static int
warehouses(struct session *s, const struct stock_query *q, char ***ids,
    size_t *n)
{
	const char *v;
	char	*dup, *tok, *save, **all;
	struct buf known;
	struct whq wq;
	size_t	 i, k, nall;
	int	 failed;

	failed = 0;
	*ids = all = NULL;
	*n = nall = 0;
	memset(&known, 0, sizeof(known));
	wq.dflt = q->nwarehouses == 0 && cfg_get(s->cfg, "warehouses") ==
	    NULL;
	wq.known = &known;
	wq.all = &all;
	wq.nall = &nall;
	wq.ids = ids;
	wq.n = n;
	if (each_item(s, "warehouses", "", warehouse_item, &wq) == -1)
		failed = 1;
	for (i = 0; i < q->nwarehouses && !failed; i++)
		add_id(ids, n, q->warehouses[i]);
	if (!failed && q->nwarehouses == 0 && (v = cfg_get(s->cfg,
	    "warehouses")) != NULL) {
		dup = xstrdup(v);
		for (tok = strtok_r(dup, ", ", &save); tok != NULL;
		    tok = strtok_r(NULL, ", ", &save))
			add_id(ids, n, tok);
		free(dup);
	}
	for (i = 0; i < *n && !failed; i++) {
		for (k = 0; k < nall && strcmp(all[k], (*ids)[i]) != 0; k++)
			;
		if (k == nall) {
			conn_mistake(s, "warehouse %s is not "
			    "one of this account's (%s)", (*ids)[i],
			    known.s != NULL ? known.s : "none");
			failed = 1;
			break;
		}
	}
	for (k = 0; k < nall; k++)
		free(all[k]);
	free(all);
	buf_free(&known);
	return failed ? -1 : 0;
}

/* The free and reserved stock of product p in warehouse id. */
static void
stock_in(json_t *p, const char *id, long long *free, long long *reserved)
{
	json_t	*e;
	size_t	 i;
	char	 t[32];

	*free = *reserved = 0;
	json_array_foreach(json_object_get(p, "stock"), i, e) {
		if (strcmp(conn_text(e, "idwarehouse", t, sizeof(t)), id) != 0)
			continue;
		*free += json_integer_value(json_object_get(e, "freestock"));
		*reserved += json_integer_value(json_object_get(e,
		    "reserved"));
	}
}

struct stockq {
	const struct stock_query *q;	/* what is asked for */
	char		**ids;		/* the warehouses to count */
	size_t		 nid;		/* how many */
	const char	*joined;	/* their ids joined by '+' */
	struct htab	*seen;		/* idproducts written, or NULL */
	int		 again;		/* a second listing: skip the seen */
	stock_cb	 cb;		/* the tool's callback */
	void		*arg;		/* and its argument */
};

/* One product: its free stock in the warehouses counted, as rows. */
static int
product_item(struct session *s, json_t *p, void *arg)
{
	struct stockq *sq = arg;
	struct stock_row row;
	const char *type, *id;
	char	 t1[32], t2[32], t3[32], t4[32];
	long long fr, re;
	size_t	 k;
	int	 rc, isnew;

	(void)s;
	/*
	 * A product made inactive between the two listings is in both:
	 * write it once.
	 */
	if (sq->seen != NULL) {
		id = conn_text(p, "idproduct", t4, sizeof(t4));
		if (sq->again) {
			if (ht_lookup(sq->seen, id, strlen(id), 0,
			    &isnew) != NULL)
				return 0;
		} else
			(void)ht_lookup(sq->seen, id, strlen(id), 1, &isnew);
	}
	/* Stock without a number (unlimited, virtual): not offered. */
	type = json_string_value(json_object_get(p, "type"));
	if (type != NULL && strcmp(type, "normal") != 0 &&
	    strcmp(type, "composition_with_stock") != 0)
		return 0;
	row.sku = conn_text(p, "productcode", t1, sizeof(t1));
	row.name = conn_text(p, "name", t2, sizeof(t2));
	row.barcode = conn_text(p, "barcode", t3, sizeof(t3));
	row.qty = row.reserved = 0;
	for (k = 0, rc = 0; k < sq->nid && rc == 0; k++) {
		stock_in(p, sq->ids[k], &fr, &re);
		if (sq->q->per_warehouse) {
			row.qty = fr;
			row.reserved = re;
			row.warehouse = sq->ids[k];
			rc = sq->cb(sq->arg, &row);
		} else {
			row.qty += fr;
			row.reserved += re;
		}
	}
	if (!sq->q->per_warehouse && rc == 0) {
		row.warehouse = sq->joined;
		rc = sq->cb(sq->arg, &row);
	}
	return rc;
}

/*
 * Free stock per SKU from /products, which lists each product's stock
 * per warehouse with its name and barcode: one request per 100 products.
 * (/warehouses/{id}/stock lists only products with stock, without names,
 * and one warehouse at a time: never fewer requests for these rows.)
 * The list holds active products; inactive=true lists the inactive ones
 * instead, a second pass that skips any product the first one wrote.
 */
static int
stock(struct session *s, const struct stock_query *q, stock_cb cb,
    void *arg)
{
	struct stockq sq;
	struct buf joined;
	struct htab seen;
	char	**ids;
	size_t	 nid, k;
	int	 rc;

	rc = warehouses(s, q, &ids, &nid);
	memset(&joined, 0, sizeof(joined));
	buf_adds(&joined, "");
	for (k = 0; k < nid; k++) {
		if (k > 0)
			buf_addc(&joined, '+');
		buf_adds(&joined, ids[k]);
	}
	sq.q = q;
	sq.ids = ids;
	sq.nid = nid;
	sq.joined = joined.s;
	sq.seen = NULL;
	sq.again = 0;
	sq.cb = cb;
	sq.arg = arg;
	if (q->inactive) {
		ht_init(&seen, 0);
		sq.seen = &seen;
	}
	if (rc == 0)
		rc = each_item(s, "products", "", product_item, &sq);
	if (rc == 0 && q->inactive) {
		sq.again = 1;
		rc = each_item(s, "products", "inactive=true", product_item,
		    &sq);
	}
	if (q->inactive)
		ht_free(&seen);
	for (k = 0; k < nid; k++)
		free(ids[k]);
	free(ids);
	buf_free(&joined);
	return rc;
}

const struct connector conn_picqer = {
	.name = "picqer",
	.contact_key = "contact",
	.rate_limit = 500,		/* a minute (picqer.com/en/api) */
	.setup = setup,
	.orders = orders,
	.stock = stock,
	.no_write = "Picqer is the warehouse: orders are completed in, and "
	    "entered into, the shops it takes them from",
	.shops = 1
};
