/*
 * woocommerce: WooCommerce's REST API, wc/v3.
 *
 * Basic auth with the consumer key and secret (over HTTPS); lists paged
 * by page and per_page (at most 100) with the number of pages in
 * X-WP-TotalPages; stock on products and, for variable products, on each
 * variation, listed per parent; writes in products/batch and
 * products/<id>/variations/batch, at most 100 items each, with an error
 * per item inside a 200 answer.  WooCommerce has no shipments: track and
 * trace arrives as an order note, and "completed" means shipped.  See
 * woocommerce.github.io/woocommerce-rest-api-docs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../conn.h"
#include "../tz.h"
#include "../util.h"

#define PAGE	100			/* per_page: the most allowed */
#define BATCH	100			/* items in one batch request */

/* WooCommerce's statuses and the normalised ones. */
static const struct conn_word statmap[] = {
	{ "pending",	ST_DRAFT },	/* awaiting payment: not to ship */
	{ "processing",	ST_OPEN },
	{ "on-hold",	ST_ON_HOLD },
	{ "completed",	ST_COMPLETED },	/* shipped, WooCommerce's sense */
	{ "cancelled",	ST_CANCELLED },
	{ "refunded",	ST_CANCELLED },
	{ "failed",	ST_CANCELLED },	/* payment failed */
	{ "checkout-draft", ST_DRAFT }	/* a cart in the block checkout */
};

static int
setup(struct session *s, struct http_opts *o)
{
	const char *key, *secret;
	double	 b;

	key = cfg_get(s->cfg, "key");
	secret = cfg_get(s->cfg, "secret");
	if (key == NULL || secret == NULL) {
		snprintf(s->err, sizeof(s->err), "%s:%lu: [%s] needs key and "
		    "secret (WooCommerce: Settings, Advanced, REST API, a key "
		    "with read/write access)", s->cfg->file, s->cfg->line,
		    s->cfg->name);
		return -1;
	}
	o->user = key;
	o->pass = secret;
	o->pages_hdr = "X-WP-TotalPages";
	/* wc/v3 has no rate limit of its own; a host may: rate_limit. */
	o->rate_window = 60;
	b = BATCH;
	if (cfg_number(s->cfg, "rate_limit", 1, 1e6, &o->rate_limit, s->err,
	    sizeof(s->err)) == -1 || cfg_number(s->cfg, "rate_window", 0.01,
	    86400, &o->rate_window, s->err, sizeof(s->err)) == -1 ||
	    cfg_number(s->cfg, "batch", 1, BATCH, &b, s->err,
	    sizeof(s->err)) == -1)
		return -1;
	s->batch = (size_t)b;
	return 0;
}

/*
 * Call each with every item of the list at path (under wc/v3; query
 * already escaped, or ""), page by page until X-WP-TotalPages says the
 * last has come (or, without it, a page that is not full).  Returns 0,
 * -1 after conn_fail, or the first value other than 0 each returned.
 */
static int
each_item(struct session *s, const char *path, const char *query,
    int (*each)(struct session *, json_t *, void *), void *arg)
{
	struct http_resp r;
	struct buf url;
	json_t	*it;
	size_t	 i, n;
	long	 page, pages;
	char	 p[64];
	int	 rc;

	memset(&url, 0, sizeof(url));
	rc = 0;
	for (page = 1;; page++) {
		url.len = 0;
		buf_adds(&url, s->url);
		buf_adds(&url, "/wp-json/wc/v3/");
		buf_adds(&url, path);
		snprintf(p, sizeof(p), "?per_page=%d&page=%ld", PAGE, page);
		buf_adds(&url, p);
		if (query[0] != '\0') {
			buf_addc(&url, '&');
			buf_adds(&url, query);
		}
		if (http_request(s->http, "GET", buf_str(&url), NULL,
		    HTTP_JSON, &r) != 0) {
			rc = conn_fail(s, &r, "code", "message");
			http_resp_free(&r);
			break;
		}
		if (!json_is_array(r.json)) {
			snprintf(s->err, sizeof(s->err), "%s: the answer is "
			    "not a list", buf_str(&url));
			http_resp_free(&r);
			rc = -1;
			break;
		}
		json_array_foreach(r.json, i, it)
			if ((rc = each(s, it, arg)) != 0)
				break;
		n = json_array_size(r.json);
		pages = r.pages;
		http_resp_free(&r);
		if (rc != 0 || (pages >= 0 ? page >= pages : n < PAGE))
			break;
	}
	buf_free(&url);
	return rc;
}

/*
 * A WooCommerce GMT time ("2026-11-01T09:00:00") in RFC 3339 into out,
 * or "".
 */
static const char *
utc(json_t *o, const char *key, char out[TZ_LEN])
{
	const char *v;
	time_t	 t;

	v = json_string_value(json_object_get(o, key));
	if (v == NULL || strlen(v) != 19 || snprintf(out, TZ_LEN, "%sZ",
	    v) < 0 || tz_parse(out, &t) == -1)
		out[0] = '\0';
	else
		tz_format(t, out);
	return out;
}

/* The first non-empty of member key of the objects a and b. */
static const char *
either(json_t *a, json_t *b, const char *key)
{
	const char *v;

	v = json_string_value(json_object_get(a, key));
	if (v != NULL && *v != '\0')
		return v;
	v = json_string_value(json_object_get(b, key));
	return v != NULL ? v : "";
}

/* The order record of a WooCommerce order; *st gets its status bit. */
static json_t *
record(struct session *s, json_t *o, int raw, unsigned int *st)
{
	struct order_head h;
	json_t	*lines, *p, *bill, *ship;
	const char *wst, *first, *last;
	char	 t[5][32], name[512], created[TZ_LEN], updated[TZ_LEN];
	json_int_t qty;
	size_t	 i;

	wst = json_string_value(json_object_get(o, "status"));
	if (wst == NULL)
		wst = "";
	if ((*st = conn_word_status(statmap, NELEM(statmap), wst)) == 0) {
		snprintf(s->err, sizeof(s->err), "order %s: status '%s' is not "
		    "one WooCommerce defines (a plugin's own? see "
		    "shopswitch(7))", conn_text(o, "id", t[0], sizeof(t[0])),
		    wst);
		return NULL;
	}
	bill = json_object_get(o, "billing");
	ship = json_object_get(o, "shipping");
	first = either(ship, bill, "first_name");
	last = either(ship, bill, "last_name");
	snprintf(name, sizeof(name), "%s%s%s", first, *first && *last ?
	    " " : "", last);

	lines = json_array();
	json_array_foreach(json_object_get(o, "line_items"), i, p) {
		qty = json_integer_value(json_object_get(p, "quantity"));
		/* No shipments: completed is all shipped, else none. */
		json_array_append_new(lines, conn_line(conn_text(p, "sku",
		    t[0], sizeof(t[0])), either(p, NULL, "name"), qty,
		    json_integer(*st == ST_COMPLETED ? qty : 0)));
	}

	h.id = conn_text(o, "id", t[0], sizeof(t[0]));
	h.number = conn_text(o, "number", t[1], sizeof(t[1]));
	h.reference = "";
	h.status = *st;
	h.platform_status = wst;
	h.created_at = utc(o, "date_created_gmt", created);
	h.updated_at = utc(o, "date_modified_gmt", updated);
	h.email = either(bill, NULL, "email");
	h.name = name;
	h.country = either(ship, bill, "country");
	h.total = conn_text(o, "total", t[2], sizeof(t[2]));
	h.currency = conn_text(o, "currency", t[3], sizeof(t[3]));
	/* Track and trace is only in the order notes: not read. */
	return conn_order(s, &h, lines, json_array(), raw ? o : NULL);
}

struct orderq {
	const struct order_query *q;	/* what is asked for */
	order_cb	 cb;		/* the tool's callback */
	void		*arg;		/* and its argument */
};

static int
order_item(struct session *s, json_t *o, void *arg)
{
	struct orderq *oq = arg;
	unsigned int st;
	json_t	*r;
	int	 rc;

	if ((r = record(s, o, oq->q->raw, &st)) == NULL)
		return -1;
	rc = 0;
	if (oq->q->statuses == 0 || (oq->q->statuses & st))
		rc = oq->cb(oq->arg, r);
	json_decref(r);
	return rc;
}

/* Add name=time (GMT, whole seconds) to query. */
static void
add_time(struct buf *query, const char *name, time_t t)
{
	char	 v[TZ_LEN];

	tz_format(t, v);		/* 2026-11-01T10:00:00Z */
	v[19] = '\0';
	buf_adds(query, "&");
	buf_adds(query, name);
	buf_adds(query, "=");
	conn_qescape(query, v);
}

/*
 * Orders by id, oldest first, so that an order placed while the listing
 * runs lands on a later page instead of shifting the pages.  --since and
 * --until filter on the time of the last change (modified_after/_before,
 * which WooCommerce compares exclusively: a second is added either side).
 */
static int
orders(struct session *s, const struct order_query *q, order_cb cb,
    void *arg)
{
	struct buf query;
	struct orderq oq;
	size_t	 i, n;
	int	 rc;

	memset(&query, 0, sizeof(query));
	buf_adds(&query, "orderby=id&order=asc");
	if (q->statuses != 0) {
		buf_adds(&query, "&status=");
		for (i = n = 0; i < NELEM(statmap); i++) {
			if (!(q->statuses & statmap[i].st))
				continue;
			if (n++ > 0)
				buf_adds(&query, "%2C");
			conn_qescape(&query, statmap[i].word);
		}
		if (n == 0) {		/* partially shipped: never here */
			buf_free(&query);
			return 0;
		}
	}
	if (q->since_set || q->until_set)
		buf_adds(&query, "&dates_are_gmt=true");
	if (q->since_set)
		add_time(&query, "modified_after", q->since - 1);
	if (q->until_set)
		add_time(&query, "modified_before", q->until + 1);
	oq.q = q;
	oq.cb = cb;
	oq.arg = arg;
	rc = each_item(s, "orders", buf_str(&query), order_item, &oq);
	buf_free(&query);
	return rc;
}

/*
 * The catalog walk that stock and items share: every product, and the
 * variations of each variable one, handed to each as (item, parent).
 */
struct walk {
	int		(*each)(struct session *, json_t *, json_t *, void *);
	void		*arg;
};

static int
walk_variation(struct session *s, json_t *v, void *arg)
{
	json_t	**ctx = arg;
	struct walk *w = (struct walk *)ctx[1];

	return w->each(s, v, ctx[0], w->arg);
}

static int
walk_product(struct session *s, json_t *p, void *arg)
{
	struct walk *w = arg;
	const char *type;
	json_t	*ctx[2];
	char	 path[64];
	int	 rc;

	if ((rc = w->each(s, p, NULL, w->arg)) != 0)
		return rc;
	type = json_string_value(json_object_get(p, "type"));
	if (type == NULL || strcmp(type, "variable") != 0 ||
	    json_array_size(json_object_get(p, "variations")) == 0)
		return 0;
	snprintf(path, sizeof(path), "products/%lld/variations",
	    (long long)json_integer_value(json_object_get(p, "id")));
	ctx[0] = p;
	ctx[1] = (json_t *)(void *)w;
	return each_item(s, path, "", walk_variation, ctx);
}

static int
walk(struct session *s, const char *status,
    int (*each)(struct session *, json_t *, json_t *, void *), void *arg)
{
	struct walk w;

	w.each = each;
	w.arg = arg;
	return each_item(s, "products", status, walk_product, &w);
}

/*
 * Whether item p (a product, or a variation of parent) holds stock of its
 * own: a variable product only when it manages stock for its variations,
 * grouped and external products never.  *tracked says whether WooCommerce
 * counts it (manage_stock true; "parent" on a variation is the parent's).
 */
static int
stock_item(json_t *p, json_t *parent, int *tracked)
{
	const char *type;

	*tracked = json_is_true(json_object_get(p, "manage_stock"));
	if (parent != NULL)
		return 1;
	type = json_string_value(json_object_get(p, "type"));
	if (type != NULL && (strcmp(type, "grouped") == 0 ||
	    strcmp(type, "external") == 0))
		return 0;
	if (type != NULL && strcmp(type, "variable") == 0)
		return *tracked;
	return 1;
}

/* A variation's name: its parent's, and the options that tell it apart. */
static void
variation_name(json_t *v, json_t *parent, struct buf *b)
{
	json_t	*a;
	const char *opt;
	size_t	 i, n;

	b->len = 0;
	buf_adds(b, either(parent, NULL, "name"));
	n = 0;
	json_array_foreach(json_object_get(v, "attributes"), i, a) {
		if ((opt = json_string_value(json_object_get(a,
		    "option"))) == NULL)
			continue;
		buf_adds(b, n++ == 0 ? " - " : ", ");
		buf_adds(b, opt);
	}
}

struct stockq {
	stock_cb	 cb;		/* the tool's callback */
	void		*arg;		/* and its argument */
	struct buf	 name;		/* a variation's name */
};

static int
stock_each(struct session *s, json_t *p, json_t *parent, void *arg)
{
	struct stockq *sq = arg;
	struct stock_row row;
	char	 t1[32];
	int	 tracked;

	(void)s;
	if (!stock_item(p, parent, &tracked) || !tracked)
		return 0;		/* no count of its own: not offered */
	row.sku = conn_text(p, "sku", t1, sizeof(t1));
	row.qty = json_integer_value(json_object_get(p, "stock_quantity"));
	row.warehouse = "";
	row.reserved = 0;
	if (parent != NULL) {
		variation_name(p, parent, &sq->name);
		row.name = buf_str(&sq->name);
	} else
		row.name = either(p, NULL, "name");
	row.barcode = either(p, NULL, "global_unique_id");
	return sq->cb(sq->arg, &row);
}

/*
 * The stock of every product and variation that WooCommerce counts: the
 * published ones, or with --inactive all but the trash.  One request per
 * 100 products, and one per variable product for its variations (there
 * is no listing of all variations).
 */
static int
stock(struct session *s, const struct stock_query *q, stock_cb cb,
    void *arg)
{
	struct stockq sq;
	int	 rc;

	if (q->nwarehouses > 0 || q->per_warehouse) {
		snprintf(s->err, sizeof(s->err), "WooCommerce keeps one stock "
		    "level per product: no warehouses");
		s->ours = 1;
		return -1;
	}
	sq.cb = cb;
	sq.arg = arg;
	memset(&sq.name, 0, sizeof(sq.name));
	rc = walk(s, q->inactive ? "status=any" : "status=publish",
	    stock_each, &sq);
	buf_free(&sq.name);
	return rc;
}

struct itemq {
	item_cb		 cb;		/* the tool's callback */
	void		*arg;		/* and its argument */
};

static int
items_each(struct session *s, json_t *p, json_t *parent, void *arg)
{
	struct itemq *iq = arg;
	struct shop_item it;
	char	 t1[32], id[32], group[32];

	(void)s;
	if (!stock_item(p, parent, &it.tracked))
		return 0;
	it.sku = conn_text(p, "sku", t1, sizeof(t1));
	it.id = conn_text(p, "id", id, sizeof(id));
	/* Variations are written per parent, products together. */
	it.why = NULL;
	it.fraction = 0;
	if (json_is_string(json_object_get(p, "manage_stock")))
		it.why = "its stock is kept on the parent product "
		    "(manage_stock: parent)";
	it.group = parent != NULL ? conn_text(parent, "id", group,
	    sizeof(group)) : "";
	it.qty = json_integer_value(json_object_get(p, "stock_quantity"));
	return iq->cb(iq->arg, &it);
}

/* Every product and variation, whatever its status: all can be sold. */
static int
items(struct session *s, item_cb cb, void *arg)
{
	struct itemq iq;

	iq.cb = cb;
	iq.arg = arg;
	return walk(s, "status=any", items_each, &iq);
}

/*
 * One batch: products/batch for products, products/<parent>/variations/
 * batch for the variations of one parent.  WooCommerce answers 200 with
 * the items updated, or an error in place of each it refused, in the
 * order sent.  It has no compare-and-set: a sale between the catalog
 * listing and this write is overwritten (shopswitch(7)).
 */
static int
push(struct session *s, struct push_item *pi, size_t n)
{
	struct http_resp r;
	struct buf url;
	json_t	*body, *upd, *out, *it, *err;
	const char *msg, *code;
	char	*text;
	char	 t1[32];
	size_t	 i;
	int	 rc;

	body = json_object();
	upd = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(upd, json_pack("{s:I, s:I}", "id",
		    (json_int_t)strtoll(pi[i].id, NULL, 10), "stock_quantity",
		    (json_int_t)pi[i].to));
	json_object_set_new(body, "update", upd);
	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	memset(&url, 0, sizeof(url));
	buf_adds(&url, s->url);
	buf_adds(&url, "/wp-json/wc/v3/products/");
	if (pi[0].group[0] != '\0') {
		buf_adds(&url, pi[0].group);
		buf_adds(&url, "/variations/");
	}
	buf_adds(&url, "batch");
	rc = http_request(s->http, "POST", buf_str(&url), text, HTTP_JSON,
	    &r);
	free(text);
	buf_free(&url);
	if (rc != 0) {
		conn_fail(s, &r, "code", "message");
		http_resp_free(&r);
		return -1;
	}
	out = json_object_get(r.json, "update");
	if (json_array_size(out) != n) {
		snprintf(s->err, sizeof(s->err), "a batch of %zu levels was "
		    "answered with %zu items", n, json_array_size(out));
		http_resp_free(&r);
		return -1;
	}
	for (i = 0; i < n; i++) {
		it = json_array_get(out, i);
		err = json_object_get(it, "error");
		if (err != NULL) {
			code = json_string_value(json_object_get(err, "code"));
			msg = json_string_value(json_object_get(err,
			    "message"));
			pi[i].result = PUSH_FAILED;
			snprintf(pi[i].reason, sizeof(pi[i].reason), "%s: %s",
			    code != NULL ? code : "error", msg != NULL ? msg :
			    "");
		} else if (strcmp(conn_text(it, "id", t1, sizeof(t1)),
		    pi[i].id) != 0 || json_integer_value(json_object_get(it,
		    "stock_quantity")) != pi[i].to) {
			pi[i].result = PUSH_FAILED;
			snprintf(pi[i].reason, sizeof(pi[i].reason), "the shop "
			    "answered with item %s at %lld", conn_text(it, "id",
			    t1, sizeof(t1)), (long long)json_integer_value(
			    json_object_get(it, "stock_quantity")));
		} else
			pi[i].result = PUSH_SET;
	}
	http_resp_free(&r);
	return 0;
}

const struct connector conn_woocommerce = {
	.name = "woocommerce",
	.setup = setup,
	.orders = orders,
	.stock = stock,
	.items = items,
	.push = push
};
