/*
 * ccv: CCV Shop's REST API v1, under /api/rest/v1.
 *
 * Every request signed: x-public, x-date (UTC, within 5 minutes of the
 * shop's clock) and x-hash, the hex HMAC-SHA512 under the secret of
 * "public|METHOD|uri|body|x-date", the uri being the path and query as
 * sent.  Lists are collections paged by start and size (at most 100),
 * followed by their absolute "next" link until it is null.  Per minute,
 * 150 reads and 100 writes of each resource, and a total; no rate
 * headers, no Retry-After.  Errors are {"code", "status",
 * "developermessage"}.  An order has numeric statuses, its rows in
 * orders/{id}/orderrows, and one track and trace; stock is written one
 * product or attribute combination at a time.  An order is entered with
 * POST /orders and found again by its reservationnumber among the
 * orders made since the old one (see "Entering orders").  See
 * demo.ccvshop.nl/API/Docs and tests/sandbox/ccv.py for the sources.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "../connector.h"
#include "../money.h"
#include "../tz.h"
#include "../util.h"

#define API	"/api/rest/v1/"		/* under the shop's URL */
#define PAGE	100			/* size: the most a page holds */
#define SENT	5			/* the status orders-complete sets */

/* CCV's statuses (numbers, named in its docs) and the normalised ones. */
static const struct conn_word statmap[] = {
	{ "1",	ST_OPEN },		/* New */
	{ "2",	ST_OPEN },		/* In process */
	{ "3",	ST_ON_HOLD },		/* Wait for manufacturer */
	{ "4",	ST_DRAFT },		/* Wait for payment: not to ship */
	{ "5",	ST_COMPLETED },		/* Sent */
	{ "6",	ST_COMPLETED },		/* Delivered */
	{ "7",	ST_COMPLETED },		/* Completed */
	{ "8",	ST_CANCELLED },		/* Cancelled */
	{ "9",	ST_ON_HOLD },		/* Wait for supplier */
	{ "10",	ST_OPEN },		/* Is being packaged */
	{ "11",	ST_COMPLETED },		/* Ready to be collected: nothing
					   left to ship */
	{ "12",	ST_OPEN },		/* Is being assembled */
	{ "13",	ST_ON_HOLD },		/* Backorder */
	{ "14",	ST_ON_HOLD }		/* Reserved */
};

struct ccv {
	const char	*pub;		/* public_key: x-public */
	const char	*secret;	/* secret: the HMAC's key */
	char		*origin;	/* scheme and host of the url, where
					   a "next" link's path is asked */
	json_t		*marks;		/* marker -> [id, number]: the orders
					   shopswitch entered, as listed, and
					   those this run entered */
	time_t		 lo;		/* marks has every order made since
					   (0: none listed yet) */
	time_t		 unsure_at;	/* when a POST went unanswered (0:
					   none since the last look) */
	char		 unsure[128];	/* and its marker: its note is due */
};

/* The path and query of url: what follows its scheme and host. */
static const char *
uri_of(const char *url)
{
	const char *p;

	if ((p = strstr(url, "://")) == NULL)
		return url;
	return p + 3 + strcspn(p + 3, "/");
}

/*
 * Sign a request as CCV's client does (BaseEndpoint::getHash): the
 * three header lines, the date in UTC.
 */
static int
sign(void *arg, const char *method, const char *url, const char *body,
    struct buf *out)
{
	const struct ccv *c = arg;
	struct buf text;
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int len, i;
	char	 date[TZ_LEN], hex[3];

	tz_format(time(NULL), date);
	memset(&text, 0, sizeof(text));
	buf_adds(&text, c->pub);
	buf_addc(&text, '|');
	buf_adds(&text, method);
	buf_addc(&text, '|');
	buf_adds(&text, uri_of(url));
	buf_addc(&text, '|');
	buf_adds(&text, body != NULL ? body : "");
	buf_addc(&text, '|');
	buf_adds(&text, date);
	if (HMAC(EVP_sha512(), c->secret, (int)strlen(c->secret),
	    (const unsigned char *)buf_str(&text), text.len, mac,
	    &len) == NULL) {
		buf_free(&text);
		return -1;
	}
	buf_free(&text);
	buf_adds(out, "x-public: ");
	buf_adds(out, c->pub);
	buf_adds(out, "\nx-date: ");
	buf_adds(out, date);
	buf_adds(out, "\nx-hash: ");
	for (i = 0; i < len; i++) {
		snprintf(hex, sizeof(hex), "%02x", mac[i]);
		buf_adds(out, hex);
	}
	return 0;
}

static int
setup(struct session *s, struct http_opts *o)
{
	struct ccv *c;
	const char *pub, *secret;

	pub = cfg_get(s->cfg, "public_key");
	secret = cfg_get(s->cfg, "secret");
	if (pub == NULL || secret == NULL || *pub == '\0' ||
	    *secret == '\0') {
		snprintf(s->err, sizeof(s->err), "%s:%lu: [%s] needs "
		    "public_key and secret (CCV Shop: the API key pair of the "
		    "shop's API settings)", s->cfg->file, s->cfg->line,
		    s->cfg->name);
		return -1;
	}
	c = xcalloc(1, sizeof(*c));
	c->pub = pub;
	c->secret = secret;
	c->origin = xmemdup(s->url, (size_t)(uri_of(s->url) - s->url));
	c->marks = json_object();
	s->priv = c;
	o->sign = sign;
	o->sign_arg = c;
	return 0;
}

static void
close_priv(struct session *s)
{
	struct ccv *c = s->priv;

	if (c != NULL) {
		free(c->origin);
		json_decref(c->marks);
	}
	free(c);
	s->priv = NULL;
}

/* A collection of CCV's: path under the API, and query (or ""). */
struct clist {
	const char	*path;
	const char	*query;
};

/*
 * The first page by start and size; each next one as the page before
 * links it, asked at the connection's scheme and host.
 */
static int
next_page(struct session *s, struct conn_pages *p, json_t *prev,
    struct buf *url, json_t **body)
{
	const struct clist *l = p->arg;
	const struct ccv *c = s->priv;
	const char *next;
	char	 q[32];

	(void)body;
	if (prev == NULL) {
		buf_adds(url, s->url);
		buf_adds(url, API);
		buf_adds(url, l->path);
		buf_addc(url, '?');
		if (l->query[0] != '\0') {
			buf_adds(url, l->query);
			buf_addc(url, '&');
		}
		snprintf(q, sizeof(q), "start=0&size=%d", PAGE);
		buf_adds(url, q);
		return 0;
	}
	next = json_string_value(json_object_get(prev, "next"));
	if (next == NULL || *next == '\0')
		return 1;
	buf_adds(url, c->origin);
	buf_adds(url, uri_of(next));
	return 0;
}

/*
 * Call each with every item of the collection at path (query escaped,
 * or ""), page after page.  0, -1 after conn_fail, or the first value
 * other than 0 that each returned.
 */
static int
each_item(struct session *s, const char *path, const char *query,
    int (*each)(struct session *, json_t *, void *), void *arg)
{
	struct clist l = { path, query };
	struct conn_pages p;

	memset(&p, 0, sizeof(p));
	p.list.member = "items";
	p.list.codekey = "code";
	p.list.msgkey = "developermessage";
	p.next = next_page;
	p.arg = &l;
	return conn_pages(s, &p, each, arg);
}

/*
 * One request of method to path under the API with body (stolen; NULL
 * for none).  The JSON answer of a GET, or of a POST (201 with what it
 * made), goes into *out (the caller decrefs it); a PATCH is answered
 * 204, without a body (NULL).  once: sent once (HTTP_ONCE).  Numbers
 * with a fraction are written with 15 digits, which give back an
 * amount of up to 15 digits exactly (see number()).  0 on a 2xx; 1 when
 * CCV refused it (*status, and its words in said); -1 when it is
 * unknown what became of it (s->err).
 */
static int
call(struct session *s, const char *method, const char *path, json_t *body,
    int once, json_t **out, long *status, char *said, size_t saidlen)
{
	struct http_resp r;
	struct buf url;
	char	*text;
	int	 rc;

	*out = NULL;
	text = body != NULL ? json_dumps(body, JSON_COMPACT |
	    JSON_REAL_PRECISION(15)) : NULL;
	json_decref(body);
	memset(&url, 0, sizeof(url));
	buf_adds(&url, s->url);
	buf_adds(&url, API);
	buf_adds(&url, path);
	rc = http_request(s->http, method, buf_str(&url), text,
	    (strcmp(method, "PATCH") != 0 ? HTTP_JSON : 0) |
	    (once ? HTTP_ONCE : 0), &r);
	free(text);
	buf_free(&url);
	*status = r.status;
	said[0] = '\0';
	if (rc == 0)
		*out = r.json != NULL ? json_incref(r.json) : NULL;
	else {
		conn_fail(s, &r, "code", "developermessage");
		conn_said(&r, "code", "developermessage", said, saidlen);
		rc = http_refused(&r) ? 1 : -1;
	}
	http_resp_free(&r);
	return rc;
}

/* Member key of o when it is text, else "". */
static const char *
str(json_t *o, const char *key)
{
	const char *v;

	v = json_string_value(json_object_get(o, key));
	return v != NULL ? v : "";
}

/* The first non-empty text of the members keys of o (NULL-ended). */
static const char *
first_of(json_t *o, const char *const *keys)
{
	const char *v;

	for (; *keys != NULL; keys++)
		if ((v = json_string_value(json_object_get(o, *keys))) !=
		    NULL && *v != '\0')
			return v;
	return "";
}

/* A quantity CCV writes as a number (2.5 where sold by weight): whole. */
static json_int_t
whole(json_t *v, int *fraction)
{
	double	 d;

	if (json_is_integer(v)) {
		*fraction = 0;
		return json_integer_value(v);
	}
	d = json_number_value(v);
	*fraction = floor(d) != d;
	/* A number no stock reaches must not overflow the cast. */
	if (d >= (double)COUNT_MAX)
		return COUNT_MAX;
	if (d <= -(double)COUNT_MAX)
		return -COUNT_MAX;
	return (json_int_t)floor(d);
}

/* Whether address a says where: a street or a city. */
static int
has_address(json_t *a)
{
	static const char *const k[] = { "address_line_1", "street", "city",
	    NULL };

	return *first_of(a, k) != '\0';
}

/* An address of a CCV order (billingaddress or deliveryaddress). */
static json_t *
address(json_t *a)
{
	static const char *const phone[] = { "telephone", "mobile", NULL };
	struct conn_addr ca;
	char	 street[512], t[9][32];
	const char *line1;

	/* address_line_1 is the street and number; else built from them. */
	line1 = conn_text(a, "address_line_1", t[0], sizeof(t[0]));
	if (*line1 == '\0') {
		snprintf(street, sizeof(street), "%s %s%s", conn_text(a,
		    "street", t[1], sizeof(t[1])), conn_text(a, "housenumber",
		    t[2], sizeof(t[2])), conn_text(a, "housenumber_suffix",
		    t[3], sizeof(t[3])));
		line1 = strcmp(street, " ") != 0 ? street : "";
	}
	ca.name = str(a, "full_name");
	ca.company = conn_text(a, "company", t[4], sizeof(t[4]));
	ca.address1 = line1;
	ca.address2 = conn_text(a, "address_line_2", t[5], sizeof(t[5]));
	ca.zip = conn_text(a, "zipcode", t[6], sizeof(t[6]));
	ca.city = conn_text(a, "city", t[7], sizeof(t[7]));
	ca.region = conn_text(a, "province", t[8], sizeof(t[8]));
	ca.country = str(a, "country_code");
	ca.phone = first_of(a, phone);
	return conn_address(&ca);
}

/* An order row's SKU: its combination's, else its product's number. */
static const char *
row_sku(json_t *r)
{
	static const char *const k[] = { "sub_sku_number",
	    "sub_product_number", "product_number", NULL };

	return first_of(r, k);
}

/* A line of the order record from an order row. */
static json_t *
line(json_t *r, unsigned int st, struct buf *name)
{
	json_t	*a;
	const char *v;
	char	 t[MONEY_LEN];
	json_int_t qty;
	size_t	 i, n;
	int	 fraction;

	/* The product's name, and the values of its attributes. */
	name->len = 0;
	buf_adds(name, str(r, "product_name"));
	n = 0;
	json_array_foreach(json_object_get(r, "attributes"), i, a) {
		if ((v = json_string_value(json_object_get(a,
		    "value_name"))) == NULL || *v == '\0')
			continue;
		buf_adds(name, n++ == 0 ? " - " : ", ");
		buf_adds(name, v);
	}
	qty = whole(json_object_get(r, "count"), &fraction);
	/* Nothing shipped per row: a completed order shipped all. */
	return conn_line(row_sku(r), buf_str(name), qty, json_integer(st ==
	    ST_COMPLETED ? qty : 0), conn_amount(json_object_get(r,
	    "total_price"), t, sizeof(t)));
}

/* The number people see of order o: with its prefix, if it has one. */
static const char *
number_of(json_t *o, char *t, size_t len)
{
	if (*str(o, "ordernumber_full") != '\0')
		return str(o, "ordernumber_full");
	return conn_text(o, "ordernumber", t, len);
}

/*
 * The order record of CCV order o with its rows; the one track and
 * trace is its shipment, which CCV keeps no time of.
 */
static json_t *
record(struct session *s, json_t *o, json_t *rows, unsigned int st,
    int raw)
{
	struct order_head h;
	json_t	*cust, *bill, *del, *lines, *r, *ships, *rawo;
	struct buf name;
	const char *code;
	char	 t[6][32], created[TZ_LEN], total[MONEY_LEN];
	size_t	 i;

	memset(&name, 0, sizeof(name));
	lines = json_array();
	json_array_foreach(rows, i, r)
		json_array_append_new(lines, line(r, st, &name));
	buf_free(&name);
	ships = json_array();
	code = conn_text(o, "track_and_trace_code", t[0], sizeof(t[0]));
	if (*code != '\0')
		json_array_append_new(ships, conn_shipment(conn_text(o,
		    "track_and_trace_carrier", t[1], sizeof(t[1])), code,
		    conn_text(o, "track_and_trace_deeplink", t[2],
		    sizeof(t[2])), ""));

	cust = json_object_get(o, "customer");
	bill = json_object_get(cust, "billingaddress");
	del = json_object_get(cust, "deliveryaddress");
	if (!has_address(del))
		del = bill;		/* shipped to the billing address */
	h.id = conn_text(o, "id", t[0], sizeof(t[0]));
	h.number = number_of(o, t[1], sizeof(t[1]));
	h.reference = "";
	h.status = st;
	h.platform_status = conn_text(o, "status", t[2], sizeof(t[2]));
	h.created_at = conn_utc(o, "create_date", s->tz, created);
	h.updated_at = "";		/* CCV keeps no time of change */
	h.email = conn_text(cust, "email", t[3], sizeof(t[3]));
	h.name = *str(del, "full_name") != '\0' ? str(del, "full_name") :
	    str(bill, "full_name");
	h.country = conn_text(del, "country_code", t[4], sizeof(t[4]));
	h.total = conn_amount(json_object_get(o, "total_price"), total,
	    sizeof(total));
	h.currency = conn_text(o, "currency", t[5], sizeof(t[5]));
	h.billing = json_is_object(bill) ? address(bill) : NULL;
	h.shipping = json_is_object(del) ? address(del) : NULL;
	/* The raw order carries its rows in place of their link. */
	rawo = NULL;
	if (raw) {
		rawo = json_copy(o);
		json_object_set(rawo, "orderrows", rows);
	}
	r = conn_order(s, &h, lines, ships, rawo);
	json_decref(rawo);
	return r;
}

static int
add_row(struct session *s, json_t *r, void *arg)
{
	(void)s;
	return json_array_append(arg, r) == 0 ? 0 : -1;
}

/* The rows of order o, or NULL after conn_fail. */
static json_t *
order_rows(struct session *s, json_t *o)
{
	json_t	*rows;
	char	 path[64], t[32];

	snprintf(path, sizeof(path), "orders/%s/orderrows", conn_text(o,
	    "id", t, sizeof(t)));
	rows = json_array();
	if (each_item(s, path, "", add_row, rows) != 0) {
		json_decref(rows);
		return NULL;
	}
	return rows;
}

struct orderq {
	const struct order_query *q;	/* what is asked for */
	order_cb	 cb;		/* the tool's callback */
	void		*arg;		/* and its argument */
};

/* One CCV order: its status mapped, its rows read, to the tool. */
static int
order_item(struct session *s, json_t *o, void *arg)
{
	struct orderq *oq = arg;
	unsigned int st;
	json_t	*rows, *r;
	char	 t[2][32];
	int	 rc;

	st = conn_word_status(statmap, NELEM(statmap), conn_text(o,
	    "status", t[0], sizeof(t[0])));
	if (st == 0) {
		snprintf(s->err, sizeof(s->err), "order %s: status '%s' is not "
		    "one CCV Shop documents (1 to 14)", conn_text(o, "id",
		    t[1], sizeof(t[1])), t[0]);
		if (oq->q->reject == NULL)
			return -1;
		return oq->q->reject(oq->q->reject_arg, o, s->err) == 0 ? 0 :
		    -1;
	}
	if (!conn_wanted(oq->q, st))
		return 0;
	if ((rows = order_rows(s, o)) == NULL)
		return -1;
	r = record(s, o, rows, st, oq->q->raw);
	rc = oq->cb(oq->arg, r);
	json_decref(r);
	json_decref(rows);
	return rc;
}

/* Add &name=time (UTC, whole seconds) to query. */
static void
add_time(struct buf *query, const char *name, time_t t)
{
	char	 v[TZ_LEN];

	tz_format(t, v);		/* 2026-11-01T10:00:00Z */
	buf_addc(query, '&');
	buf_adds(query, name);
	buf_addc(query, '=');
	conn_qescape(query, v);
}

/*
 * The orders the customers completed (not the abandoned checkouts), by
 * id: one listing, or one per CCV status asked for (its filter takes
 * one), and a request for each order's rows.  --since and --until
 * select on the creation time, which is all CCV keeps; both ends are
 * included.
 */
static int
orders(struct session *s, const struct order_query *q, order_cb cb,
    void *arg)
{
	struct orderq oq;
	struct buf query, times;
	size_t	 i;
	int	 rc;

	memset(&times, 0, sizeof(times));
	buf_adds(&times, "orderby=id");
	if (q->since_set)
		add_time(&times, "min_create_date", q->since);
	if (q->until_set)
		add_time(&times, "max_create_date", q->until);
	oq.q = q;
	oq.cb = cb;
	oq.arg = arg;
	if (q->statuses == 0) {
		rc = each_item(s, "orders", buf_str(&times), order_item, &oq);
		buf_free(&times);
		return rc;
	}
	memset(&query, 0, sizeof(query));
	rc = 0;
	for (i = 0; i < NELEM(statmap) && rc == 0; i++) {
		if (!(q->statuses & statmap[i].st))
			continue;
		query.len = 0;
		buf_adds(&query, "status=");
		buf_adds(&query, statmap[i].word);
		buf_addc(&query, '&');
		buf_adds(&query, buf_str(&times));
		rc = each_item(s, "orders", buf_str(&query), order_item, &oq);
	}
	buf_free(&query);
	buf_free(&times);
	return rc;
}

/*
 * The catalog walk that stock and items share: every product, and the
 * attribute combinations of each that keeps its stock per combination,
 * handed to each as (item, parent).
 */
struct walk {
	int		(*each)(struct session *, json_t *, json_t *, void *);
	void		*arg;
	json_t		*parent;	/* the product of the combinations */
};

static int
walk_combo(struct session *s, json_t *c, void *arg)
{
	struct walk *w = arg;

	return w->each(s, c, w->parent, w->arg);
}

static int
walk_product(struct session *s, json_t *p, void *arg)
{
	struct walk *w = arg;
	const char *type;
	char	 path[64], t[32];
	int	 rc;

	if ((rc = w->each(s, p, NULL, w->arg)) != 0)
		return rc;
	type = json_string_value(json_object_get(p, "stocktype"));
	if (type == NULL || strcmp(type, "attributecombination") != 0)
		return 0;
	snprintf(path, sizeof(path), "products/%s/attributecombinations",
	    conn_text(p, "id", t, sizeof(t)));
	w->parent = p;
	rc = each_item(s, path, "", walk_combo, w);
	w->parent = NULL;
	return rc;
}

static int
walk(struct session *s, const char *query,
    int (*each)(struct session *, json_t *, json_t *, void *), void *arg)
{
	struct walk w;

	w.each = each;
	w.arg = arg;
	w.parent = NULL;
	return each_item(s, "products", query, walk_product, &w);
}

/*
 * What a catalog item is: a product, or a combination of parent; its
 * SKU (a combination's sku_number, else its product_number); whether
 * CCV counts its stock, and if not, why.
 */
static const char *
item_of(json_t *it, json_t *parent, int *tracked, const char **why)
{
	static const char *const csku[] = { "sku_number", "product_number",
	    NULL };
	static const char *const psku[] = { "productnumber", NULL };
	const char *type;

	*why = NULL;
	*tracked = json_is_true(json_object_get(parent != NULL ? parent : it,
	    "stockenabled"));
	if (!*tracked)
		*why = "the shop keeps no stock of this product (stockenabled "
		    "false)";
	if (parent != NULL)
		return first_of(it, csku);
	type = json_string_value(json_object_get(it, "stocktype"));
	if (*tracked && (type == NULL || strcmp(type, "product") != 0)) {
		*tracked = 0;
		*why = "its stock is kept per attribute combination";
	}
	return first_of(it, psku);
}

struct stockq {
	const struct stock_query *q;	/* what is asked for */
	stock_cb	 cb;		/* the tool's callback */
	item_cb		 icb;		/* or the catalog's */
	void		*arg;		/* and its argument */
	struct buf	 name;		/* a combination's name */
};

/* A combination's name: its product's, and the values that tell it. */
static const char *
combo_name(json_t *c, json_t *parent, struct buf *b)
{
	json_t	*a;
	const char *v;
	size_t	 i, n;

	b->len = 0;
	buf_adds(b, str(parent, "name"));
	n = 0;
	json_array_foreach(json_object_get(c, "combination"), i, a) {
		v = json_string_value(json_object_get(json_object_get(a,
		    "attribute_value"), "name"));
		if (v == NULL || *v == '\0')
			continue;
		buf_adds(b, n++ == 0 ? " - " : ", ");
		buf_adds(b, v);
	}
	return buf_str(b);
}

static int
stock_each(struct session *s, json_t *it, json_t *parent, void *arg)
{
	struct stockq *sq = arg;
	struct stock_row row;
	int	 tracked, fraction;
	const char *why;

	(void)s;
	row.sku = item_of(it, parent, &tracked, &why);
	if (!tracked || (parent != NULL && !sq->q->inactive &&
	    !json_is_true(json_object_get(it, "active"))))
		return 0;
	row.qty = whole(json_object_get(it, "stock"), &fraction);
	row.warehouse = "";
	row.reserved = 0;
	if (parent != NULL) {
		row.name = combo_name(it, parent, &sq->name);
		row.barcode = str(it, "ean_number");
	} else {
		row.name = str(it, "name");
		row.barcode = str(it, "eannumber");
	}
	return sq->cb(sq->arg, &row);
}

/*
 * The stock of every product and combination whose stock CCV counts:
 * the active ones, or with --inactive all.  One request per 100
 * products, and one per product that keeps its stock per combination.
 */
static int
stock(struct session *s, const struct stock_query *q, stock_cb cb,
    void *arg)
{
	struct stockq sq;
	int	 rc;

	sq.q = q;
	sq.cb = cb;
	sq.arg = arg;
	memset(&sq.name, 0, sizeof(sq.name));
	rc = walk(s, q->inactive ? "" : "active=true", stock_each, &sq);
	buf_free(&sq.name);
	return rc;
}

/* An item of the catalog; its handle is the path its stock is set at. */
static int
items_each(struct session *s, json_t *it, json_t *parent, void *arg)
{
	struct stockq *sq = arg;
	struct shop_item si;
	char	 id[64], t[32];

	(void)s;
	memset(&si, 0, sizeof(si));
	si.sku = item_of(it, parent, &si.tracked, &si.why);
	snprintf(id, sizeof(id), "%s/%s", parent != NULL ?
	    "attributecombinations" : "products", conn_text(it, "id", t,
	    sizeof(t)));
	si.id = id;
	si.group = "";
	si.qty = whole(json_object_get(it, "stock"), &si.fraction);
	return sq->icb(sq->arg, &si);
}

/* Every product and combination, active or not: all have a level. */
static int
items(struct session *s, item_cb cb, void *arg)
{
	struct stockq sq;

	memset(&sq, 0, sizeof(sq));
	sq.icb = cb;
	sq.arg = arg;
	return walk(s, "", items_each, &sq);
}

/*
 * Each level by itself, PATCH {"stock": N} on the product or the
 * combination: CCV has no bulk write, and no compare-and-set (a sale
 * between the listing and this write is overwritten).  A PATCH sets an
 * absolute level, so it is sent again after a failure.
 */
static int
push(struct session *s, struct push_item *pi, size_t n)
{
	json_t	*ans;
	char	 said[256];
	long	 status;
	size_t	 i;
	int	 rc;

	for (i = 0; i < n; i++) {
		rc = call(s, "PATCH", pi[i].id, json_pack("{s:I}", "stock",
		    (json_int_t)pi[i].to), 1, &ans, &status, said,
		    sizeof(said));
		json_decref(ans);
		if (rc == -1)
			return -1;
		pi[i].result = rc == 0 ? PUSH_SET : PUSH_FAILED;
		if (rc == 1)
			snprintf(pi[i].reason, sizeof(pi[i].reason), "%s",
			    said[0] != '\0' ? said : http_error(s->http));
	}
	return 0;
}

/*
 * The order it names, into *o: by id, or by its number, which the
 * ordernumber filter finds without its prefix ("WEB-1015" as 1015).
 * 0 found; 1 not (it->result set); -1 (s->err).
 */
static int
find_order(struct session *s, struct complete_item *it, json_t **o)
{
	json_t	*list, *c;
	const char *digits;
	char	 path[96], said[256], t[2][32];
	long	 status;
	size_t	 i;
	int	 rc;

	*o = NULL;
	digits = it->key + strlen(it->key);
	while (digits > it->key && digits[-1] >= '0' && digits[-1] <= '9')
		digits--;
	if (*digits == '\0' || *digits == '0' || strlen(digits) > 18 ||
	    (!it->by_number && digits != it->key)) {
		it->result = OR_NOT_FOUND;
		return 1;
	}
	if (!it->by_number) {
		snprintf(path, sizeof(path), "orders/%s", digits);
		rc = call(s, "GET", path, NULL, 0, o, &status, said,
		    sizeof(said));
		if (rc == 1 && status == 404) {
			it->result = OR_NOT_FOUND;
			return 1;
		}
		return rc == 0 ? 0 : -1;
	}
	snprintf(path, sizeof(path), "orders?ordernumber=%s", digits);
	if (call(s, "GET", path, NULL, 0, &list, &status, said,
	    sizeof(said)) != 0)
		return -1;
	json_array_foreach(json_object_get(list, "items"), i, c) {
		if (strcmp(number_of(c, t[0], sizeof(t[0])), it->key) == 0 ||
		    strcmp(conn_text(c, "ordernumber", t[1], sizeof(t[1])),
		    it->key) == 0) {
			*o = json_incref(c);
			break;
		}
	}
	json_decref(list);
	if (*o != NULL)
		return 0;
	it->result = OR_NOT_FOUND;
	return 1;
}

/*
 * What completing order o takes, as the members of body: the status
 * Sent unless it has one of the completed ones, and the first
 * shipment's track and trace unless the order has one (CCV keeps one an
 * order, and a second would replace the first).  What is done goes into
 * what, the tracking codes not passed on into note.
 */
static void
plan(const struct complete_item *it, json_t *o, unsigned int st,
    json_t *body, struct buf *what, struct buf *note)
{
	const struct ship *sh;
	const char *code;
	size_t	 i;

	code = str(o, "track_and_trace_code");
	for (i = 0, sh = NULL; i < it->nships && sh == NULL; i++)
		if (*it->ships[i].tracking != '\0' && *code == '\0')
			sh = &it->ships[i];
	if (st != ST_COMPLETED) {
		json_object_set_new(body, "status", json_integer(SENT));
		buf_adds(what, "status 5 (Sent)");
	}
	if (sh != NULL) {
		json_object_set_new(body, "track_and_trace_code",
		    json_string(sh->tracking));
		json_object_set_new(body, "track_and_trace_carrier",
		    json_string(sh->carrier));
		buf_adds(what, what->len > 0 ? ", track & trace " :
		    "track & trace ");
		buf_adds(what, sh->carrier);
		buf_addc(what, ' ');
		buf_adds(what, sh->tracking);
	}
	/* The others, unless the shop has them. */
	for (i = 0; i < it->nships; i++) {
		if (&it->ships[i] == sh || *it->ships[i].tracking == '\0' ||
		    strcmp(it->ships[i].tracking, code) == 0)
			continue;
		buf_adds(note, note->len == 0 ? "not passed on (CCV Shop keeps "
		    "one track & trace per order): " : ", ");
		buf_adds(note, it->ships[i].carrier);
		buf_addc(note, ' ');
		buf_adds(note, it->ships[i].tracking);
	}
	if (note->len > 0 && *code != '\0') {
		buf_adds(note, "; the shop has ");
		buf_adds(note, code);
	}
	if (json_object_size(body) > 0)
		json_object_set_new(body, "mail", json_boolean(it->notify));
}

/*
 * Settle order o without writing, where it can be: cancelled, not an
 * order, nothing to add, or --dry-run; else leave it->result 0 and
 * the request's members in body.
 */
static void
settle(struct complete_item *it, json_t *o, json_t *body)
{
	struct buf what, note;
	unsigned int st;
	char	 t[32];

	st = conn_word_status(statmap, NELEM(statmap), conn_text(o, "status",
	    t, sizeof(t)));
	if (st == ST_CANCELLED) {
		it->result = OR_CANCELLED;
		snprintf(it->reason, sizeof(it->reason), "cancelled in CCV "
		    "Shop (status 8)");
		return;
	}
	if (st == 0) {
		it->result = OR_FAILED;
		snprintf(it->reason, sizeof(it->reason), "%s",
		    json_is_false(json_object_get(o, "is_completed")) ?
		    "a checkout the customer did not complete, not an order" :
		    "a status CCV Shop does not document");
		return;
	}
	memset(&what, 0, sizeof(what));
	memset(&note, 0, sizeof(note));
	plan(it, o, st, body, &what, &note);
	if (!it->dry)
		what.len = 0;		/* done: the plan is no news */
	if (json_object_size(body) == 0)
		it->result = OR_ALREADY;
	else if (st == ST_COMPLETED && !it->dry) {
		buf_adds(&what, "the track & trace added; the status was "
		    "already ");
		buf_adds(&what, t);
	}
	else if (it->dry)
		it->result = OR_WOULD;
	snprintf(it->reason, sizeof(it->reason), "%s%s%s", buf_str(&what),
	    what.len > 0 && note.len > 0 ? "; " : "", buf_str(&note));
	buf_free(&what);
	buf_free(&note);
}

/*
 * Complete an order as CCV takes it: one PATCH of what it lacks, the
 * status Sent and its track and trace, mailing the customer only with
 * --notify-customer.  The order is read first: CCV refuses the status
 * an order has already (500, SameValueException).
 */
static int
complete(struct session *s, struct complete_item *it)
{
	json_t	*o, *body, *ans;
	char	 path[96], said[512], t[32];
	long	 status;
	int	 rc;

	if ((rc = find_order(s, it, &o)) != 0)
		return rc == 1 ? 0 : -1;
	conn_get(o, "id", it->id, sizeof(it->id));
	conn_copy(it->number, sizeof(it->number), number_of(o, t,
	    sizeof(t)));
	body = json_object();
	settle(it, o, body);
	json_decref(o);
	if (it->result != 0) {
		json_decref(body);
		return 0;
	}
	snprintf(path, sizeof(path), "orders/%s", it->id);
	/* Once: a status sent twice is refused, and the tool looks again. */
	rc = call(s, "PATCH", path, body, 1, &ans, &status, said,
	    sizeof(said));
	json_decref(ans);
	if (rc == 0)
		it->result = OR_DONE;
	else if (rc == 1) {
		it->result = OR_FAILED;
		snprintf(it->reason, sizeof(it->reason), "%s", said[0] != '\0' ?
		    said : http_error(s->http));
	}
	return rc == -1 ? -1 : 0;
}

/*
 * Entering orders.  CCV Shop lists orders by none of the members a POST
 * sets but their time (min_create_date): an order shopswitch entered
 * carries its marker as its reservationnumber, which the listing shows,
 * and is looked for among the orders made since a day before the old
 * order was placed (the new one cannot be older; the day is room for a
 * clock or time zone set wrong).  The orders read are kept, with those
 * the run enters: the next look reads only what they lack, the orders
 * before the earliest time read, and those of the minutes before a
 * POST that went unanswered.
 */
#define DAY	(24 * 60 * 60)
#define SKEW	(10 * 60)		/* how far a look goes back before an
					   unanswered POST: twice the 5
					   minutes CCV lets x-date, our clock,
					   differ from its own */
#define NEWSTATUS 1			/* New: what a warehouse imports */

struct skuq {
	item_cb		 cb;		/* the tool's callback */
	void		*arg;		/* and its argument */
	const char	*want;		/* the product number asked for */
	json_t		*left;		/* SKU -> true: not found yet */
};

/* A product found by its number, unless it is sold by combination. */
static int
sku_product(struct session *s, json_t *p, void *arg)
{
	struct skuq *sq = arg;
	struct shop_item si;
	const char *type, *why;
	char	 id[64], ref[32];

	(void)s;
	type = json_string_value(json_object_get(p, "stocktype"));
	if (strcmp(str(p, "productnumber"), sq->want) != 0 ||
	    (type != NULL && strcmp(type, "product") != 0))
		return 0;		/* a near miss, or not a line */
	memset(&si, 0, sizeof(si));
	si.sku = item_of(p, NULL, &si.tracked, &why);
	si.why = why;
	conn_text(p, "id", ref, sizeof(ref));
	snprintf(id, sizeof(id), "products/%s", ref);
	si.id = id;
	si.ref = ref;
	si.group = "";
	si.qty = whole(json_object_get(p, "stock"), &si.fraction);
	json_object_del(sq->left, sq->want);
	return sq->cb(sq->arg, &si);
}

/*
 * An attribute combination of the SKUs left; 1 (stop) once none is
 * left.
 */
static int
sku_combo(struct session *s, json_t *c, json_t *parent, void *arg)
{
	struct skuq *sq = arg;
	struct shop_item si;
	char	 id[64], ref[64], t[2][32];
	int	 rc;

	(void)s;
	if (parent == NULL)
		return 0;
	memset(&si, 0, sizeof(si));
	si.sku = item_of(c, parent, &si.tracked, &si.why);
	if (*si.sku == '\0' || json_object_get(sq->left, si.sku) == NULL)
		return 0;
	snprintf(id, sizeof(id), "attributecombinations/%s", conn_text(c,
	    "id", t[0], sizeof(t[0])));
	snprintf(ref, sizeof(ref), "%s/%s", conn_text(parent, "id", t[1],
	    sizeof(t[1])), t[0]);
	si.id = id;
	si.ref = ref;
	si.group = "";
	si.qty = whole(json_object_get(c, "stock"), &si.fraction);
	json_object_del(sq->left, si.sku);
	if ((rc = sq->cb(sq->arg, &si)) != 0)
		return rc;
	return json_object_size(sq->left) == 0 ? 1 : 0;
}

/*
 * The items an order row can name: a product by its number (the
 * products filter productnumber, a request a SKU), else an attribute
 * combination by its sku_number (else product_number), which no filter
 * finds: those take one walk of the catalog, which ends once every SKU
 * is found.  An item's ref is the product's id, or the product's and
 * the combination's ("845700101/90000201").
 */
static int
find_skus(struct session *s, const char *const *skus, size_t n, item_cb cb,
    void *arg)
{
	struct skuq sq;
	struct buf q;
	size_t	 i;
	int	 rc;

	sq.cb = cb;
	sq.arg = arg;
	sq.left = json_object();
	for (i = 0; i < n; i++)
		json_object_set_new(sq.left, skus[i], json_true());
	memset(&q, 0, sizeof(q));
	rc = 0;
	for (i = 0; i < n && rc == 0; i++) {
		q.len = 0;
		buf_adds(&q, "productnumber=");
		conn_qescape(&q, skus[i]);
		sq.want = skus[i];
		rc = each_item(s, "products", buf_str(&q), sku_product, &sq);
	}
	buf_free(&q);
	if (rc == 0 && json_object_size(sq.left) > 0 &&
	    (rc = walk(s, "", sku_combo, &sq)) == 1)
		rc = 0;
	json_decref(sq.left);
	return rc;
}

/*
 * Since when to look for order it: a day before the old order was
 * placed.  0, or -1 with why (no time, or one to come).
 */
static int
since_of(const struct create_item *it, time_t *since, char *why,
    size_t len)
{
	const char *at;
	time_t	 t;

	at = json_string_value(json_object_get(it->order, "created_at"));
	if (at == NULL || tz_parse(at, &t) == -1) {
		snprintf(why, len, "no created_at: CCV Shop finds an order "
		    "entered before only among the orders made since the old "
		    "one was placed");
		return -1;
	}
	if (t - DAY > time(NULL)) {
		snprintf(why, len, "created_at %s is later than now: CCV Shop "
		    "finds an order entered before only among the orders "
		    "made since the old one was placed", at);
		return -1;
	}
	*since = t - DAY;
	return 0;
}

/* An order of the listing: kept when it carries a marker. */
static int
mark_each(struct session *s, json_t *o, void *arg)
{
	struct ccv *c = arg;
	const char *rn;
	char	 t[2][32];

	(void)s;
	rn = str(o, "reservationnumber");
	if (strncmp(rn, "shopswitch:", 11) == 0)
		json_object_set_new(c->marks, rn, json_pack("[s, s]",
		    conn_text(o, "id", t[0], sizeof(t[0])), number_of(o, t[1],
		    sizeof(t[1]))));
	return 0;
}

/* Keep the markers of the orders made from since to until (0: now). */
static int
list_marks(struct session *s, time_t since, time_t until)
{
	struct buf q;
	int	 rc;

	memset(&q, 0, sizeof(q));
	buf_adds(&q, "orderby=id");
	add_time(&q, "min_create_date", since);
	if (until != 0)
		add_time(&q, "max_create_date", until);
	rc = each_item(s, "orders", buf_str(&q), mark_each, s->priv);
	buf_free(&q);
	return rc;
}

/* Add order it's internal note: CCV mails none ("internal note"). */
static void
add_note(struct session *s, struct create_item *it)
{
	json_t	*ans;
	char	 path[96], said[512];
	size_t	 len;
	long	 status;
	int	 rc;

	snprintf(path, sizeof(path), "orders/%s/ordernotes", it->id);
	rc = call(s, "POST", path, json_pack("{s:s}", "note", it->note), 1,
	    &ans, &status, said, sizeof(said));
	json_decref(ans);
	if (rc == 0)
		return;
	len = strlen(it->reason);
	snprintf(it->reason + len, sizeof(it->reason) - len, "%sthe note %s: "
	    "%s", len > 0 ? "; " : "", rc == 1 ? "was refused" :
	    "may be missing", rc == 1 && said[0] != '\0' ? said : s->err);
}

/*
 * An order that an earlier run entered, or this run's unanswered POST:
 * among the orders made since a day before the old one was placed, read
 * the first time; after that among those and the orders this run
 * entered, and what they lack: the orders before the earliest time read
 * that an older order needs, and those made since SKEW before a POST
 * that went unanswered.  The order of that POST, found, gets its note
 * now.
 */
static int
find_created(struct session *s, struct create_item *it)
{
	struct ccv *c = s->priv;
	json_t	*m;
	char	 why[256];
	time_t	 since;

	if (since_of(it, &since, why, sizeof(why)) == -1)
		return 0;		/* create() refuses it */
	if (c->lo == 0) {
		if (list_marks(s, since, 0) != 0)
			return -1;
		c->lo = since;
	} else if (since < c->lo) {
		/* Up to a day on: max_create_date may be a local time. */
		if (list_marks(s, since, c->lo + DAY) != 0)
			return -1;
		c->lo = since;
	}
	if (c->unsure_at != 0) {
		if (list_marks(s, c->unsure_at - SKEW, 0) != 0)
			return -1;
		c->unsure_at = 0;
	}
	if ((m = json_object_get(c->marks, it->marker)) == NULL)
		return 0;
	conn_copy(it->id, sizeof(it->id), json_string_value(
	    json_array_get(m, 0)));
	conn_copy(it->number, sizeof(it->number), json_string_value(
	    json_array_get(m, 1)));
	if (strcmp(c->unsure, it->marker) == 0) {
		c->unsure[0] = '\0';
		add_note(s, it);
	}
	return 1;
}

/*
 * An amount as the JSON number CCV takes.  The double computes
 * nothing: call() writes it with 15 digits, which give an amount of up
 * to 15 digits back exactly (DBL_DIG).
 */
static json_t *
number(long long v, int decimals)
{
	char	 t[MONEY_LEN];

	return json_real(strtod(money_format(v, decimals, t), NULL));
}

/* Member key of a (an order record's address), when it says something. */
static void
put(json_t *to, const char *key, json_t *a, const char *from)
{
	const char *v;

	v = json_string_value(json_object_get(a, from));
	if (v != NULL && *v != '\0')
		json_object_set_new(to, key, json_string(v));
}

/*
 * Address a of an order record as CCV takes it: a billing address with
 * first and last name, a delivery address with the full name (CCV's
 * Personalinfo input).
 */
static json_t *
ccv_address(json_t *a, int billing)
{
	static const char *const k[] = { "company", "address1", "address2",
	    "zip", "city", "region", "country", "phone" };
	static const char *const ck[] = { "company", "address_line_1",
	    "address_line_2", "zipcode", "city", "province", "country_code",
	    "telephone" };
	json_t	*c;
	const char *name;
	char	 first[256], last[256];
	size_t	 i;

	c = json_object();
	name = json_string_value(json_object_get(a, "name"));
	if (name != NULL && *name != '\0' && billing) {
		conn_split_name(name, first, sizeof(first), last,
		    sizeof(last));
		json_object_set_new(c, "first_name", json_string(first));
		json_object_set_new(c, "last_name", json_string(last));
	} else if (name != NULL && *name != '\0')
		json_object_set_new(c, "full_name", json_string(name));
	for (i = 0; i < NELEM(k); i++)
		put(c, ck[i], a, k[i]);
	return c;
}

/* The customer of order record o: e-mail and addresses. */
static json_t *
customer(json_t *o)
{
	json_t	*c, *bill, *ship;
	const char *email;

	bill = json_object_get(o, "billing_address");
	ship = json_object_get(o, "shipping_address");
	if (!json_is_object(bill))
		bill = ship;
	if (!json_is_object(ship))
		ship = bill;
	c = json_object();
	email = json_string_value(json_object_get(o, "email"));
	if (email != NULL && *email != '\0')
		json_object_set_new(c, "email", json_string(email));
	if (json_is_object(bill))
		json_object_set_new(c, "billingaddress", ccv_address(bill, 1));
	if (json_is_object(ship))
		json_object_set_new(c, "deliveryaddress", ccv_address(ship,
		    0));
	return c;
}

/*
 * The rows of order record o, each by product (and combination) at the
 * unit price its total gives, cut to the cent (the cents left over are
 * added to *rest), no discount of the product's own, and no deposit
 * rows of CCV's making.
 */
static json_t *
rows_of(const struct create_item *it, const long long *lt,
    const struct order_money *m, long long *rest)
{
	json_t	*rows, *l, *r;
	long long unit, whole, cent;
	json_int_t qty;
	const char *slash;
	size_t	 i;

	cent = MONEY_SCALE / (m->decimals >= 4 ? 10000 : m->decimals == 3 ?
	    1000 : 100);
	rows = json_array();
	json_array_foreach(json_object_get(it->order, "lines"), i, l) {
		qty = json_integer_value(json_object_get(l, "qty"));
		unit = lt[i] / qty / cent * cent;
		(void)money_mul(unit, qty, &whole);
		(void)money_add(*rest, lt[i] - whole, rest);
		r = json_pack("{s:I, s:I, s:o, s:i, s:b}", "product_id",
		    (json_int_t)strtoll(it->refs[i], NULL, 10), "count", qty,
		    "price", number(unit, m->decimals), "discount", 0,
		    "auto_create_deposit_rows", 0);
		if ((slash = strchr(it->refs[i], '/')) != NULL)
			json_object_set_new(r, "attribute_combination_id",
			    json_integer(strtoll(slash + 1, NULL, 10)));
		json_array_append_new(rows, r);
	}
	return rows;
}

/*
 * Enter an order with POST /orders: status 1 (New), paid, its rows at
 * the prices they had (tax included), what it cost beyond its rows as
 * its shipping (set always: CCV computes its own when it is left out),
 * or a discount as negative extra costs, and the marker as its
 * reservationnumber; then the old number in an internal note.  The
 * POST has no member that mails (no_create_notify).
 */
static int
create(struct session *s, struct create_item *it)
{
	struct ccv *c = s->priv;
	struct order_money m;
	json_t	*body, *ans;
	long long lt[256], rest, got;
	char	 amt[MONEY_LEN], why[512], said[512], t[2][32];
	const char *cur;
	time_t	 since, sent;
	long	 status;
	int	 rc;

	if (since_of(it, &since, why, sizeof(why)) == -1 ||
	    conn_order_money(it->order, lt, NELEM(lt), &m, why,
	    sizeof(why)) == -1) {
		it->result = OR_FAILED;
		snprintf(it->reason, sizeof(it->reason), "%s", why);
		return 0;
	}
	rest = m.rest;
	body = json_object();
	json_object_set_new(body, "orderrows", rows_of(it, lt, &m, &rest));
	json_object_set_new(body, "customer", customer(it->order));
	json_object_set_new(body, "status", json_integer(NEWSTATUS));
	json_object_set_new(body, "paid", json_true());
	json_object_set_new(body, "taxes_included", json_true());
	json_object_set_new(body, "order_row_taxes_included", json_true());
	json_object_set_new(body, "total_shipping", number(rest > 0 ? rest :
	    0, m.decimals));
	if (rest < 0) {
		json_object_set_new(body, "extra_costs", number(rest,
		    m.decimals));
		json_object_set_new(body, "extra_costs_description",
		    json_string("Discount of the old order"));
	}
	cur = json_string_value(json_object_get(it->order, "currency"));
	if (cur != NULL && *cur != '\0')
		json_object_set_new(body, "currency", json_string(cur));
	json_object_set_new(body, "reservationnumber",
	    json_string(it->marker));
	money_format(m.total, m.decimals, amt);
	if (it->dry) {
		json_decref(body);
		it->result = OR_WOULD;
		snprintf(it->reason, sizeof(it->reason), "%zu line%s, total "
		    "%s %s, paid, status 1 (New)", m.nlines, m.nlines == 1 ?
		    "" : "s", amt, cur != NULL ? cur : "");
		return 0;
	}
	sent = time(NULL);
	rc = call(s, "POST", "orders", body, 1, &ans, &status, said,
	    sizeof(said));
	if (rc == -1) {
		/* It may be made: a look finds it, and adds its note. */
		conn_copy(c->unsure, sizeof(c->unsure), it->marker);
		c->unsure_at = sent;
		return -1;
	}
	if (rc == 1) {
		it->result = OR_FAILED;
		snprintf(it->reason, sizeof(it->reason), "%s", said[0] !=
		    '\0' ? said : http_error(s->http));
		return 0;
	}
	conn_get(ans, "id", it->id, sizeof(it->id));
	conn_copy(it->number, sizeof(it->number), number_of(ans, t[0],
	    sizeof(t[0])));
	it->result = OR_DONE;
	json_object_set_new(c->marks, it->marker, json_pack("[s, s]", it->id,
	    it->number));
	conn_amount(json_object_get(ans, "total_price"), t[1], sizeof(t[1]));
	if (money_parse(t[1], &got, NULL) == -1 || got != m.total)
		snprintf(it->reason, sizeof(it->reason), "the new order's "
		    "total is %s, not %s (the shop's tax settings?)", t[1],
		    amt);
	json_decref(ans);
	add_note(s, it);
	return 0;
}

const struct connector conn_ccv = {
	.name = "ccv",
	.no_create_notify = "CCV Shop's POST /orders has no member that "
	    "mails, and the notification that confirms an order is not one "
	    "its API documents: leave out --notify-customer, and send the "
	    "confirmation from the back office if it is wanted",
	.no_warehouses = "CCV Shop keeps one stock level per product: "
	    "no warehouses",
	.batch = 1,			/* no bulk write: one PATCH a level */
	.rate_limit = 100,		/* writes a minute, of a resource */
	.rate_window = 60,
	.setup = setup,
	.close = close_priv,
	.orders = orders,
	.stock = stock,
	.items = items,
	.push = push,
	.complete = complete,
	.find_skus = find_skus,
	.find_created = find_created,
	.create = create
};
