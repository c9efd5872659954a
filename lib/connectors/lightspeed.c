/*
 * lightspeed: Lightspeed eCom (C-Series, formerly SEOshop), its REST API.
 *
 * HTTP Basic with the API key and secret on every request; every path
 * is /{language}/{resource}.json, the language one active in the shop;
 * lists of at most 250 items paged by since_id in ascending id; errors
 * as {"error":{"code":...,"message":...}}.  Three rate windows (five
 * minutes, an hour, a day) reported as triplets in X-RateLimit-Limit,
 * -Remaining and -Reset, and 20 requests a second.  A listed order
 * links its lines and shipments; the order read by id embeds them.
 * Stock is on variants, written one variant a request.  See
 * developers.lightspeedhq.com/ecom, and shopswitch(7) for what it does
 * not say.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../connector.h"
#include "../tz.h"
#include "../util.h"

#define PAGE	250			/* limit: the most allowed */

/* Lightspeed's statuses and the normalised ones. */
static const struct conn_word statmap[] = {
	{ "on_hold",				ST_ON_HOLD },
	{ "processing_awaiting_payment",	ST_DRAFT },	/* unpaid */
	{ "processing_awaiting_shipment",	ST_OPEN },
	{ "processing_awaiting_pickup",		ST_OPEN },
	{ "processing_ready_for_pickup",	ST_OPEN },
	{ "completed",				ST_COMPLETED },
	{ "completed_shipped",			ST_COMPLETED },
	{ "completed_picked_up",		ST_COMPLETED },
	{ "cancelled",				ST_CANCELLED }
};

struct lightspeed {
	char		*base;		/* URL up to the language, and '/' */
	const char	*lang;		/* the connection's language */
	char		 currency[16];	/* the shop's, once read */
	int		 ready;		/* shop.json was read */
};

static int
setup(struct session *s, struct http_opts *o)
{
	struct lightspeed *ls;
	struct buf b;
	const char *key, *secret, *lang;

	key = cfg_get(s->cfg, "key");
	secret = cfg_get(s->cfg, "secret");
	if (key == NULL || secret == NULL) {
		snprintf(s->err, sizeof(s->err), "%s:%lu: [%s] needs key and "
		    "secret (Lightspeed eCom: Settings, Developers, API keys)",
		    s->cfg->file, s->cfg->line, s->cfg->name);
		return -1;
	}
	if ((lang = cfg_get(s->cfg, "language")) == NULL)
		lang = "nl";
	if (strlen(lang) != 2 || strspn(lang, "abcdefghijklmnopqrstuvwxyz")
	    != 2) {
		snprintf(s->err, sizeof(s->err), "%s:%lu: language = '%s': the "
		    "two letters of a language active in the shop, such as nl "
		    "or en", s->cfg->file, cfg_line(s->cfg, "language"), lang);
		return -1;
	}
	o->user = key;
	o->pass = secret;
	o->limit_hdr = "X-RateLimit-Limit";
	o->remain_hdr = "X-RateLimit-Remaining";
	o->reset_hdr = "X-RateLimit-Reset";
	ls = xcalloc(1, sizeof(*ls));
	memset(&b, 0, sizeof(b));
	buf_adds(&b, s->url);
	buf_addc(&b, '/');
	buf_adds(&b, lang);
	buf_addc(&b, '/');
	ls->base = xstrdup(buf_str(&b));
	buf_free(&b);
	ls->lang = lang;
	s->priv = ls;
	return 0;
}

static void
close_priv(struct session *s)
{
	struct lightspeed *ls = s->priv;

	if (ls == NULL)
		return;
	free(ls->base);
	free(ls);
	s->priv = NULL;
}

/* The URL of resource path (and query, or "") into u. */
static void
api_url(struct session *s, struct buf *u, const char *path,
    const char *query)
{
	struct lightspeed *ls = s->priv;

	buf_adds(u, ls->base);
	buf_adds(u, path);
	buf_adds(u, ".json");
	if (query[0] != '\0') {
		buf_addc(u, '?');
		buf_adds(u, query);
	}
}

/*
 * One request of method to resource path with body (stolen; NULL for
 * none), the answer into *out (the caller decrefs it).  0 on a 2xx; 1
 * when Lightspeed refused it (*status, and its words in msg); -1 when it
 * is unknown what became of it.  s->err says why in both cases.
 */
static int
call(struct session *s, const char *method, const char *path, json_t *body,
    json_t **out, long *status, char *msg, size_t len)
{
	struct http_resp r;
	struct buf url;
	int	 rc;

	memset(&url, 0, sizeof(url));
	api_url(s, &url, path, "");
	rc = conn_call(s, method, buf_str(&url), body, out, &r);
	buf_free(&url);
	*status = r.status;
	msg[0] = '\0';
	if (rc != 0) {
		conn_said(&r, NULL, "error.message", msg, len);
		snprintf(s->err, sizeof(s->err), "%s%s%s", http_error(s->http),
		    msg[0] != '\0' ? ": " : "", msg);
	}
	http_resp_free(&r);
	return rc;
}

/*
 * Read the shop once (its currency, which orders lack), before anything
 * else: the one request whose refusal keeps Lightspeed's words, and that
 * tells a language the shop does not have (a mistake in the connection)
 * from bad keys.  0, or -1 (s->err).
 */
static int
ready(struct session *s)
{
	struct lightspeed *ls = s->priv;
	json_t	*shop;
	const char *cur;
	char	 msg[512];
	long	 status;
	int	 rc;

	if (ls->ready)
		return 0;
	if ((rc = call(s, "GET", "shop", NULL, &shop, &status, msg,
	    sizeof(msg))) != 0) {
		/* "Unknown or inactive language." */
		if (rc == 1 && status == 404 && strstr(msg, "language") !=
		    NULL)
			return conn_mistake(s, "%s:%lu: language = %s: %s (a "
			    "language active in the shop, such as nl or en)",
			    s->cfg->file, cfg_line(s->cfg, "language"),
			    ls->lang, msg);
		return -1;
	}
	cur = json_string_value(json_object_get(json_object_get(
	    json_object_get(shop, "shop"), "currency"), "shortcode"));
	snprintf(ls->currency, sizeof(ls->currency), "%s", cur != NULL ? cur :
	    "");
	json_decref(shop);
	ls->ready = 1;
	return 0;
}

/* A list of Lightspeed's: resource path, its member, and query. */
struct llist {
	const char	*path;
	const char	*member;	/* "orders" */
	const char	*query;		/* escaped, or "" */
};

/*
 * Lists by since_id, the id of the last item of the page before: pages
 * of 250 in ascending id, so that an item made while the listing runs
 * lands at its end instead of shifting the pages.
 */
static int
next_page(struct session *s, struct conn_pages *p, json_t *prev,
    struct buf *url, json_t **body)
{
	const struct llist *l = p->arg;
	json_t	*items;
	char	 q[96];

	(void)body;
	api_url(s, url, l->path, l->query);
	snprintf(q, sizeof(q), "%climit=%d", l->query[0] != '\0' ? '&' : '?',
	    PAGE);
	buf_adds(url, q);
	if (prev != NULL) {
		items = json_object_get(prev, l->member);
		snprintf(q, sizeof(q), "&since_id=%lld", (long long)
		    json_integer_value(json_object_get(json_array_get(items,
		    json_array_size(items) - 1), "id")));
		buf_adds(url, q);
	}
	return 0;
}

/*
 * Call each with every item of the list at path, member its answer's
 * member, query its filters (escaped, or ""), page by page.  Returns 0,
 * -1 after conn_fail, or the first value other than 0 each returned.
 */
static int
each_item(struct session *s, const char *path, const char *member,
    const char *query, int (*each)(struct session *, json_t *, void *),
    void *arg)
{
	struct llist l = { path, member, query };
	struct conn_pages p;

	memset(&p, 0, sizeof(p));
	p.list.member = member;
	p.size = PAGE;
	p.next = next_page;
	p.arg = &l;
	return conn_pages(s, &p, each, arg);
}

/* Member key of o's object member obj, as text, or "". */
static const char *
sub(json_t *o, const char *obj, const char *key, char *t, size_t len)
{
	return conn_text(json_object_get(o, obj), key, t, len);
}

/* A country object's code in capitals ("nl" is NL) into t. */
static const char *
country(json_t *o, const char *key, char *t, size_t len)
{
	char	*c;

	conn_get(json_object_get(o, key), "code", t, len);
	for (c = t; *c != '\0'; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 'a' + 'A');
	return t;
}

/*
 * An address of an order: its members address<kind>Name, ...Street,
 * ...Number, ...Extension (street, number and extension are one line),
 * ...Zipcode, ...City, ...Region, ...Country.
 */
static json_t *
address(json_t *o, const char *kind, const char *company)
{
	struct conn_addr a;
	char	 k[64], t[10][256], line[800];
	static const char *const keys[] = { "Name", "Street", "Number",
	    "Extension", "Street2", "Zipcode", "City", "Region" };
	const char *v[8];
	size_t	 i;

	for (i = 0; i < NELEM(keys); i++) {
		snprintf(k, sizeof(k), "address%s%s", kind, keys[i]);
		v[i] = conn_text(o, k, t[i], sizeof(t[i]));
	}
	snprintf(line, sizeof(line), "%s%s%s%s%s", v[1], *v[2] ? " " : "",
	    v[2], *v[3] ? " " : "", v[3]);
	snprintf(k, sizeof(k), "address%sCountry", kind);
	a.name = v[0];
	a.company = company;
	a.address1 = line;
	a.address2 = v[4];
	a.zip = v[5];
	a.city = v[6];
	a.region = v[7];
	a.country = country(o, k, t[8], sizeof(t[8]));
	a.phone = conn_text(o, "phone", t[9], sizeof(t[9]));
	return conn_address(&a);
}

/*
 * The normalised status of order o (a listed one or one read by id):
 * its status, or partially shipped while it is being processed and some
 * but not all of its shipments are shipped.  0 for a status Lightspeed
 * does not document.
 */
static unsigned int
status_of(json_t *o)
{
	const char *st, *ship;
	unsigned int bit;

	st = json_string_value(json_object_get(o, "status"));
	ship = json_string_value(json_object_get(o, "shipmentStatus"));
	if (st == NULL || (bit = conn_word_status(statmap, NELEM(statmap),
	    st)) == 0)
		return 0;
	if (bit == ST_OPEN && ship != NULL &&
	    strcmp(ship, "partially_shipped") == 0)
		return ST_PARTIAL;
	return bit;
}

/* The embedded items of o's member (products, shipments). */
static json_t *
embedded(json_t *o, const char *member)
{
	return json_object_get(json_object_get(json_object_get(o, member),
	    "resource"), "embedded");
}

/* The lines of order o: product and variant title, shipped counts. */
static json_t *
lines(json_t *o)
{
	json_t	*ls, *p;
	char	 t[4][256], name[520], amt[64];
	const char *title, *var;
	size_t	 i;

	ls = json_array();
	json_array_foreach(embedded(o, "products"), i, p) {
		title = conn_text(p, "productTitle", t[0], sizeof(t[0]));
		var = conn_text(p, "variantTitle", t[1], sizeof(t[1]));
		snprintf(name, sizeof(name), "%s%s%s", title, *var &&
		    strcmp(var, "Default") != 0 ? " - " : "", *var &&
		    strcmp(var, "Default") != 0 ? var : "");
		json_array_append_new(ls, conn_line(conn_text(p, "sku", t[2],
		    sizeof(t[2])), name, json_integer_value(json_object_get(p,
		    "quantityOrdered")), json_integer(json_integer_value(
		    json_object_get(p, "quantityShipped"))), conn_amount(
		    json_object_get(p, "priceIncl"), amt, sizeof(amt))));
	}
	return ls;
}

/*
 * The shipped shipments of order o: a shipment has a tracking code but
 * no carrier, URL or time of shipping of its own; the carrier is the
 * order's shipping method, the time the shipment's last change.
 */
static json_t *
shipments(struct session *s, json_t *o)
{
	json_t	*ships, *sh;
	char	 t[2][256], at[TZ_LEN];
	const char *st;
	size_t	 i;

	ships = json_array();
	json_array_foreach(embedded(o, "shipments"), i, sh) {
		st = json_string_value(json_object_get(sh, "status"));
		if (st == NULL || strcmp(st, "shipped") != 0)
			continue;
		json_array_append_new(ships, conn_shipment(conn_text(o,
		    "shipmentTitle", t[0], sizeof(t[0])), conn_text(sh,
		    "trackingCode", t[1], sizeof(t[1])), "", conn_utc(sh,
		    "updatedAt", s->tz, at)));
	}
	return ships;
}

/* The order record of order o, read by id. */
static json_t *
record(struct session *s, json_t *o, unsigned int st, int raw)
{
	struct lightspeed *ls = s->priv;
	struct order_head h;
	json_t	*company;
	char	 t[8][256], name[800], created[TZ_LEN], updated[TZ_LEN];
	const char *ship;

	h.id = conn_text(o, "id", t[0], sizeof(t[0]));
	h.number = conn_text(o, "number", t[1], sizeof(t[1]));
	h.reference = "";		/* Lightspeed has none */
	h.status = st;
	h.platform_status = conn_text(o, "status", t[2], sizeof(t[2]));
	h.created_at = conn_utc(o, "createdAt", s->tz, created);
	h.updated_at = conn_utc(o, "updatedAt", s->tz, updated);
	h.email = conn_text(o, "email", t[3], sizeof(t[3]));
	ship = conn_text(o, "addressShippingName", t[4], sizeof(t[4]));
	snprintf(name, sizeof(name), "%s", ship);
	if (*ship == '\0')
		snprintf(name, sizeof(name), "%s %s", conn_text(o,
		    "firstname", t[4], sizeof(t[4])), conn_text(o, "lastname",
		    t[5], sizeof(t[5])));
	h.name = name;
	h.country = country(o, "addressShippingCountry", t[5], sizeof(t[5]));
	h.total = conn_amount(json_object_get(o, "priceIncl"), t[6],
	    sizeof(t[6]));
	h.currency = ls->currency;
	h.billing = address(o, "Billing", conn_text(o, "companyName", t[7],
	    sizeof(t[7])));
	company = json_object_get(o, "addressShippingCompany");
	h.shipping = address(o, "Shipping", json_is_string(company) ?
	    json_string_value(company) : "");
	return conn_order(s, &h, lines(o), shipments(s, o), raw ? o : NULL);
}

/*
 * Order id, read by id (lines and shipments embedded), into *o.  0; 1
 * when there is none (404); -1 (s->err).
 */
static int
read_order(struct session *s, const char *id, json_t **o)
{
	json_t	*ans;
	char	 path[96], msg[512];
	long	 status;
	int	 rc;

	*o = NULL;
	snprintf(path, sizeof(path), "orders/%s", id);
	if ((rc = call(s, "GET", path, NULL, &ans, &status, msg,
	    sizeof(msg))) != 0)
		return rc == 1 && status == 404 ? 1 : -1;
	*o = json_incref(json_object_get(ans, "order"));
	json_decref(ans);
	if (!json_is_object(*o)) {
		json_decref(*o);
		*o = NULL;
		snprintf(s->err, sizeof(s->err), "%s%s.json: the answer is "
		    "not an order", ((struct lightspeed *)s->priv)->base,
		    path);
		return -1;
	}
	return 0;
}

struct orderq {
	const struct order_query *q;	/* what is asked for */
	order_cb	 cb;		/* the tool's callback */
	void		*arg;		/* and its argument */
};

/*
 * One listed order: wanted by its status (the list says), then read by
 * id for its lines and shipments, normalised, handed to the tool.
 */
static int
order_item(struct session *s, json_t *item, void *arg)
{
	struct orderq *oq = arg;
	unsigned int st;
	json_t	*o, *r;
	char	 id[32], word[32];
	int	 rc;

	if (!conn_wanted(oq->q, status_of(item)) && status_of(item) != 0)
		return 0;
	if ((rc = read_order(s, conn_text(item, "id", id, sizeof(id)),
	    &o)) == 1)
		return 0;		/* deleted since it was listed */
	if (rc == -1)
		return -1;
	if ((st = status_of(o)) == 0) {
		/* Set aside when asked, else the export stops: status 3. */
		snprintf(s->err, sizeof(s->err), "order %s: status '%s' is not "
		    "one Lightspeed documents", id, conn_text(o, "status",
		    word, sizeof(word)));
		rc = -1;
		if (oq->q->reject != NULL)
			rc = oq->q->reject(oq->q->reject_arg, o, s->err);
		json_decref(o);
		return rc == 0 ? 0 : -1;
	}
	rc = 0;
	if (conn_wanted(oq->q, st)) {
		r = record(s, o, st, oq->q->raw);
		rc = oq->cb(oq->arg, r);
		json_decref(r);
	}
	json_decref(o);
	return rc;
}

/* Add &name=t as Lightspeed's filters take a time: UTC, with a space. */
static void
add_time(struct buf *q, const char *name, time_t t)
{
	char	 v[TZ_LEN];

	tz_format(t, v);		/* 2026-11-01T10:00:00Z */
	v[10] = ' ';
	v[19] = '\0';
	buf_adds(q, "&");
	buf_adds(q, name);
	buf_adds(q, "=");
	conn_qescape(q, v);
}

/*
 * The orders: a listing per Lightspeed status asked for (its filter
 * takes one), or one of all; each wanted order is then read by id, as
 * only that embeds its lines and shipments: 1 request a page of 250 and
 * 1 an order.  --since and --until filter on the last change,
 * updated_at_min and _max, both inclusive.
 */
static int
orders(struct session *s, const struct order_query *q, order_cb cb,
    void *arg)
{
	struct orderq oq;
	struct buf query;
	size_t	 i;
	unsigned int st;
	int	 rc, all;

	if (ready(s) == -1)
		return -1;
	oq.q = q;
	oq.cb = cb;
	oq.arg = arg;
	memset(&query, 0, sizeof(query));
	all = q->statuses == 0;
	rc = 0;
	for (i = 0; i < (all ? 1 : NELEM(statmap)) && rc == 0; i++) {
		st = statmap[i].st;
		if (st == ST_OPEN)
			st |= ST_PARTIAL;	/* partly shipped, maybe */
		if (!all && !(q->statuses & st))
			continue;
		query.len = 0;
		buf_adds(&query, "");
		if (!all) {
			buf_adds(&query, "status=");
			conn_qescape(&query, statmap[i].word);
		}
		if (q->since_set)
			add_time(&query, "updated_at_min", q->since);
		if (q->until_set)
			add_time(&query, "updated_at_max", q->until);
		rc = each_item(s, "orders", "orders", buf_str(&query) +
		    (buf_str(&query)[0] == '&'), order_item, &oq);
	}
	buf_free(&query);
	return rc;
}

/* What stock and items know of the catalog's products. */
struct catalog {
	json_t		*products;	/* id -> [title, hidden] */
};

static int
product_item(struct session *s, json_t *p, void *arg)
{
	struct catalog *c = arg;
	const char *vis;
	char	 id[32], t[256];

	(void)s;
	vis = json_string_value(json_object_get(p, "visibility"));
	json_object_set_new(c->products, conn_text(p, "id", id, sizeof(id)),
	    json_pack("[s, b]", conn_text(p, "title", t, sizeof(t)),
	    vis != NULL && strcmp(vis, "hidden") == 0));
	return 0;
}

struct stockq {
	const struct stock_query *q;	/* what is asked for */
	struct catalog	 cat;		/* the products */
	stock_cb	 cb;		/* the tool's callback */
	void		*arg;		/* and its argument */
};

/* Whether variant v's stock is counted ("enabled", or "indicator"). */
static int
tracked(json_t *v)
{
	const char *tr;

	tr = json_string_value(json_object_get(v, "stockTracking"));
	return tr == NULL || strcmp(tr, "disabled") != 0;
}

static int
variant_stock(struct session *s, json_t *v, void *arg)
{
	struct stockq *sq = arg;
	struct stock_row row;
	json_t	*p;
	char	 t[4][256], name[520];
	const char *title, *var;

	(void)s;
	/* Its product: {"resource":{"id":...}}. */
	p = json_object_get(sq->cat.products, sub(json_object_get(v,
	    "product"), "resource", "id", t[0], sizeof(t[0])));
	if (!tracked(v))
		return 0;		/* no count of its own: not offered */
	if (!sq->q->inactive && json_is_true(json_array_get(p, 1)))
		return 0;		/* a hidden product */
	title = json_string_value(json_array_get(p, 0));
	var = conn_text(v, "title", t[1], sizeof(t[1]));
	snprintf(name, sizeof(name), "%s%s%s", title != NULL ? title : "",
	    *var && strcmp(var, "Default") != 0 ? " - " : "", *var &&
	    strcmp(var, "Default") != 0 ? var : "");
	row.sku = conn_text(v, "sku", t[2], sizeof(t[2]));
	row.qty = json_integer_value(json_object_get(v, "stockLevel"));
	row.warehouse = "";
	row.reserved = 0;
	row.name = name;
	row.barcode = conn_text(v, "ean", t[3], sizeof(t[3]));
	return sq->cb(sq->arg, &row);
}

/*
 * The stock of every variant whose stock Lightspeed counts, of the
 * visible products (or with --inactive the hidden ones too): the
 * products for their titles and visibility, then the variants, 250 a
 * request each.
 */
static int
stock(struct session *s, const struct stock_query *q, stock_cb cb,
    void *arg)
{
	struct stockq sq;
	int	 rc;

	if (ready(s) == -1)
		return -1;
	sq.q = q;
	sq.cat.products = json_object();
	sq.cb = cb;
	sq.arg = arg;
	rc = each_item(s, "products", "products", "fields=id%2Ctitle%2C"
	    "visibility", product_item, &sq.cat);
	if (rc == 0)
		rc = each_item(s, "variants", "variants", "", variant_stock,
		    &sq);
	json_decref(sq.cat.products);
	return rc;
}

struct itemq {
	item_cb		 cb;		/* the tool's callback */
	void		*arg;		/* and its argument */
};

static int
variant_item(struct session *s, json_t *v, void *arg)
{
	struct itemq *iq = arg;
	struct shop_item it;
	char	 t[256], id[32];

	(void)s;
	memset(&it, 0, sizeof(it));
	it.sku = conn_text(v, "sku", t, sizeof(t));
	it.id = conn_text(v, "id", id, sizeof(id));
	it.ref = it.id;
	it.group = "";
	it.qty = json_integer_value(json_object_get(v, "stockLevel"));
	it.tracked = tracked(v);
	return iq->cb(iq->arg, &it);
}

/* Every variant, of any product: all can be sold.  250 a request. */
static int
items(struct session *s, item_cb cb, void *arg)
{
	struct itemq iq;

	if (ready(s) == -1)
		return -1;
	iq.cb = cb;
	iq.arg = arg;
	return each_item(s, "variants", "variants", "fields=id%2Csku%2C"
	    "stockLevel%2CstockTracking", variant_item, &iq);
}

/*
 * One level: PUT variants/{id}.json {"variant":{"stockLevel":N}}, which
 * sets it absolutely, so that a request whose answer was lost can go
 * again.  Lightspeed's bulk update (variants/bulk.json) is in its own
 * client, but no source shows its items, limit or answer; and nothing
 * compares the level read: a sale in between is overwritten.
 */
static int
push(struct session *s, struct push_item *pi, size_t n)
{
	json_t	*ans, *v;
	char	 path[64], msg[200];
	long	 status;
	size_t	 i;
	int	 rc;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "variants/%s", pi[i].id);
		rc = call(s, "PUT", path, json_pack("{s:{s:I}}", "variant",
		    "stockLevel", (json_int_t)pi[i].to), &ans, &status, msg,
		    sizeof(msg));
		if (rc == -1)
			return -1;
		v = json_object_get(ans, "variant");
		if (rc == 1) {
			pi[i].result = PUSH_FAILED;
			snprintf(pi[i].reason, sizeof(pi[i].reason), "%ld: %s",
			    status, msg[0] != '\0' ? msg : "refused");
		} else if (json_integer_value(json_object_get(v,
		    "stockLevel")) != pi[i].to) {
			pi[i].result = PUSH_FAILED;
			snprintf(pi[i].reason, sizeof(pi[i].reason), "the shop "
			    "answered with level %lld", (long long)
			    json_integer_value(json_object_get(v,
			    "stockLevel")));
		} else
			pi[i].result = PUSH_SET;
		json_decref(ans);
	}
	return 0;
}

struct numq {
	const char	*number;	/* the number looked for */
	json_t		*ids;		/* the ids of the orders with it */
};

static int
num_each(struct session *s, json_t *o, void *arg)
{
	struct numq *nq = arg;
	char	 t[64];

	(void)s;
	if (strcmp(conn_text(o, "number", t, sizeof(t)), nq->number) == 0)
		json_array_append_new(nq->ids, json_integer(
		    json_integer_value(json_object_get(o, "id"))));
	return 0;
}

/*
 * The order it names, read by id, into *o: by its id, or by its number
 * (the number filter, then by id).  0 found; 1 not (it->result set); -1
 * (s->err).
 */
static int
find_order(struct session *s, struct complete_item *it, json_t **o)
{
	struct numq nq;
	struct buf q;
	char	 id[32];
	int	 rc;

	*o = NULL;
	if (!it->by_number) {
		if (*it->key == '\0' || strspn(it->key, "0123456789") !=
		    strlen(it->key) || (rc = read_order(s, it->key, o)) == 1) {
			it->result = OR_NOT_FOUND;
			return 1;
		}
		return rc;
	}
	memset(&q, 0, sizeof(q));
	buf_adds(&q, "fields=id%2Cnumber&number=");
	conn_qescape(&q, it->key);
	nq.number = it->key;
	nq.ids = json_array();
	rc = each_item(s, "orders", "orders", buf_str(&q), num_each, &nq);
	buf_free(&q);
	if (rc == 0 && json_array_size(nq.ids) != 1) {
		it->result = json_array_size(nq.ids) == 0 ? OR_NOT_FOUND :
		    OR_FAILED;
		if (it->result == OR_FAILED)
			snprintf(it->reason, sizeof(it->reason), "%zu orders "
			    "have number %s", json_array_size(nq.ids), it->key);
		rc = 1;
	} else if (rc == 0) {
		snprintf(id, sizeof(id), "%lld", (long long)
		    json_integer_value(json_array_get(nq.ids, 0)));
		if ((rc = read_order(s, id, o)) == 1)
			it->result = OR_NOT_FOUND;
	}
	json_decref(nq.ids);
	return rc;
}

/* Whether a shipment of order o holds tracking code already. */
static int
held(json_t *o, const char *code)
{
	json_t	*sh;
	const char *tc;
	size_t	 i;

	json_array_foreach(embedded(o, "shipments"), i, sh) {
		tc = json_string_value(json_object_get(sh, "trackingCode"));
		if (tc != NULL && strcmp(tc, code) == 0)
			return 1;
	}
	return 0;
}

/*
 * Why order o cannot be completed here, into it->result and reason, or
 * 0 when it can.
 */
static int
refused(json_t *o, struct complete_item *it)
{
	const char *st;

	st = json_string_value(json_object_get(o, "status"));
	if (st == NULL)
		st = "";
	if (strncmp(st, "completed", 9) == 0)
		it->result = OR_ALREADY;
	else if (strcmp(st, "cancelled") == 0) {
		it->result = OR_CANCELLED;
		snprintf(it->reason, sizeof(it->reason), "cancelled in "
		    "Lightspeed");
	} else if (strcmp(st, "on_hold") == 0) {
		it->result = OR_FAILED;
		snprintf(it->reason, sizeof(it->reason), "on_hold in "
		    "Lightspeed: release it first");
	} else if (json_is_true(json_object_get(o, "shipmentIsPickup"))) {
		it->result = OR_FAILED;
		snprintf(it->reason, sizeof(it->reason), "%s: the customer "
		    "picks it up in the shop, which completes it there", st);
	}
	return it->result != 0;
}

/*
 * The plan for order o: each shipment not shipped yet gets the next
 * tracking code that no shipment of o holds (a shipment holds one).
 * Into codes, one a shipment in the order of o's shipments ("" for
 * none; NULL for a shipment left as it is); the number of codes that
 * found no shipment into *left; the plan, said, into it->reason.
 */
static size_t
plan(json_t *o, struct complete_item *it, const char **codes, size_t max,
    size_t *left)
{
	json_t	*sh;
	const char *st;
	size_t	 i, c, n, nship;
	int	 k;

	c = 0;
	nship = 0;
	json_array_foreach(embedded(o, "shipments"), i, sh) {
		if (i >= max)
			break;
		codes[i] = NULL;
		st = json_string_value(json_object_get(sh, "status"));
		if (st == NULL || strcmp(st, "not_shipped") != 0)
			continue;
		while (c < it->nships && held(o, it->ships[c].tracking))
			c++;
		codes[i] = c < it->nships ? it->ships[c++].tracking : "";
		nship++;
	}
	n = i;
	for (*left = 0; c < it->nships; c++)
		if (!held(o, it->ships[c].tracking))
			(*left)++;
	k = snprintf(it->reason, sizeof(it->reason), "%zu shipment%s shipped"
	    ", then status completed_shipped", nship, nship == 1 ? "" : "s");
	if (*left > 0 && k > 0 && (size_t)k < sizeof(it->reason))
		snprintf(it->reason + k, sizeof(it->reason) - (size_t)k,
		    " (%zu tracking code%s more than shipments: Lightspeed "
		    "keeps one a shipment)", *left, *left == 1 ? "" : "s");
	return n;
}

/*
 * Ship shipment sh of order it with code (none when ""), mailing the
 * customer only with --notify-customer.  0 done; 1 refused (it set); -1.
 */
static int
ship(struct session *s, json_t *sh, const char *code,
    struct complete_item *it)
{
	json_t	*body, *ans;
	char	 path[64], msg[512], id[32];
	long	 status;
	int	 rc;

	body = json_pack("{s:s, s:b, s:b}", "status", "shipped",
	    "doNotifyShipped", it->notify, "doNotifyTrackingCode",
	    it->notify);
	if (*code != '\0')
		json_object_set_new(body, "trackingCode", json_string(code));
	snprintf(path, sizeof(path), "shipments/%s", conn_text(sh, "id", id,
	    sizeof(id)));
	rc = call(s, "PUT", path, json_pack("{s:o}", "shipment", body), &ans,
	    &status, msg, sizeof(msg));
	json_decref(ans);
	if (rc == 1) {
		it->result = OR_FAILED;
		snprintf(it->reason, sizeof(it->reason), "shipment %s: %s", id,
		    msg[0] != '\0' ? msg : http_error(s->http));
	}
	return rc;
}

/*
 * Complete an order as Lightspeed takes it: each shipment not shipped
 * yet shipped, with a tracking code the order's shipments do not hold
 * yet, then the order's status completed_shipped (shipping a shipment
 * does not change it); no e-mail unless --notify-customer.  A completed
 * order is left as it is, so a second run adds nothing.
 */
static int
complete(struct session *s, struct complete_item *it)
{
	json_t	*o, *ans;
	const char *codes[64];
	char	 path[96], msg[512], t[64];
	long	 status;
	size_t	 i, n, left;
	int	 rc;

	if (ready(s) == -1)
		return -1;
	if ((rc = find_order(s, it, &o)) != 0)
		return rc == 1 ? 0 : -1;
	conn_get(o, "id", it->id, sizeof(it->id));
	conn_get(o, "number", it->number, sizeof(it->number));
	rc = 0;
	if (refused(o, it))
		goto out;
	n = plan(o, it, codes, NELEM(codes), &left);
	if (it->dry) {
		it->result = OR_WOULD;
		goto out;
	}
	for (i = 0; i < n && rc == 0; i++)
		if (codes[i] != NULL)
			rc = ship(s, json_array_get(embedded(o, "shipments"),
			    i), codes[i], it);
	if (rc != 0) {
		rc = rc == 1 ? 0 : -1;
		goto out;
	}
	snprintf(path, sizeof(path), "orders/%s", it->id);
	rc = call(s, "PUT", path, json_pack("{s:{s:s, s:b}}", "order",
	    "status", "completed_shipped", "doNotify", it->notify), &ans,
	    &status, msg, sizeof(msg));
	if (rc == 0 && strcmp(sub(ans, "order", "status", t, sizeof(t)),
	    "completed_shipped") != 0) {
		it->result = OR_FAILED;
		snprintf(it->reason, sizeof(it->reason), "the shop answered "
		    "with status '%s'", t);
	} else if (rc == 0) {
		it->result = OR_DONE;
		if (left == 0)
			it->reason[0] = '\0';
	} else if (rc == 1) {
		it->result = OR_FAILED;
		snprintf(it->reason, sizeof(it->reason), "the status: %s",
		    msg[0] != '\0' ? msg : http_error(s->http));
		rc = 0;
	}
	json_decref(ans);
out:
	json_decref(o);
	return rc;
}

const struct connector conn_lightspeed = {
	.name = "lightspeed",
	.no_warehouses = "Lightspeed eCom keeps one stock level per "
	    "variant: no warehouses",
	.batch = 1,
	/*
	 * 20 requests a second (community.lightspeedhq.com, discussion
	 * 6253); the windows of five minutes, an hour and a day pace by
	 * the X-RateLimit triplets.
	 */
	.rate_limit = 20,
	.rate_window = 1,
	.setup = setup,
	.close = close_priv,
	.orders = orders,
	.stock = stock,
	.items = items,
	.push = push,
	.complete = complete,
	.no_write = "Lightspeed eCom takes a new order only through its "
	    "checkout API (a checkout, its products, shipment and payment "
	    "methods, validate, then order), at the shop's prices, shipping "
	    "and payment methods, which shopswitch does not drive yet: enter "
	    "missed orders in the Lightspeed back office (shopswitch(7))"
};
