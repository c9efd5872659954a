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

#include "../connector.h"
#include "../money.h"
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
	const char *key, *secret, *auth;
	struct buf q;

	key = cfg_get(s->cfg, "key");
	secret = cfg_get(s->cfg, "secret");
	if (key == NULL || secret == NULL) {
		snprintf(s->err, sizeof(s->err), "%s:%lu: [%s] needs key and "
		    "secret (WooCommerce: Settings, Advanced, REST API, a key "
		    "with read/write access)", s->cfg->file, s->cfg->line,
		    s->cfg->name);
		return -1;
	}
	/*
	 * Basic auth, or, where a host runs PHP as CGI/FastCGI and drops
	 * the Authorization header (401 however right the keys), the keys
	 * as query parameters, WooCommerce's own fix: over HTTPS only
	 * (http_url_ok), redacted wherever a URL is shown.
	 */
	auth = cfg_get(s->cfg, "auth");
	if (auth == NULL || strcmp(auth, "basic") == 0) {
		o->user = key;
		o->pass = secret;
	} else if (strcmp(auth, "query") == 0) {
		memset(&q, 0, sizeof(q));
		buf_adds(&q, "consumer_key=");
		conn_qescape(&q, key);
		buf_adds(&q, "&consumer_secret=");
		conn_qescape(&q, secret);
		s->priv = xstrdup(buf_str(&q));
		o->query = s->priv;
		buf_free(&q);
	} else {
		snprintf(s->err, sizeof(s->err), "%s:%lu: auth = '%s': basic "
		    "(the default) or query", s->cfg->file, cfg_line(s->cfg,
		    "auth"), auth);
		return -1;
	}
	o->pages_hdr = "X-WP-TotalPages";
	return 0;
}

/* A list of wc/v3's: path and query (escaped, or ""). */
struct wlist {
	const char	*path;
	const char	*query;
};

static int
next_page(struct session *s, struct conn_pages *p, json_t *prev,
    struct buf *url, json_t **body)
{
	const struct wlist *l = p->arg;
	char	 q[64];

	(void)prev;
	(void)body;
	buf_adds(url, s->url);
	buf_adds(url, "/wp-json/wc/v3/");
	buf_adds(url, l->path);
	snprintf(q, sizeof(q), "?per_page=%d&page=%zu", PAGE, p->page);
	buf_adds(url, q);
	if (l->query[0] != '\0') {
		buf_addc(url, '&');
		buf_adds(url, l->query);
	}
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
	struct wlist l = { path, query };
	struct conn_pages p;

	memset(&p, 0, sizeof(p));
	p.list.codekey = "code";
	p.list.msgkey = "message";
	p.size = PAGE;
	p.next = next_page;
	p.arg = &l;
	return conn_pages(s, &p, each, arg);
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

/* An address of a WooCommerce order (billing or shipping), or NULL. */
static json_t *
address(json_t *a, json_t *bill)
{
	struct conn_addr ca;
	char	 name[512];
	const char *first, *last;

	if (!json_is_object(a))
		return NULL;
	first = either(a, NULL, "first_name");
	last = either(a, NULL, "last_name");
	snprintf(name, sizeof(name), "%s%s%s", first, *first && *last ?
	    " " : "", last);
	ca.name = name;
	ca.company = either(a, NULL, "company");
	ca.address1 = either(a, NULL, "address_1");
	ca.address2 = either(a, NULL, "address_2");
	ca.zip = either(a, NULL, "postcode");
	ca.city = either(a, NULL, "city");
	ca.region = either(a, NULL, "state");
	ca.country = either(a, NULL, "country");
	/* The shipping phone is newer (WC 5.6); the billing one stands in. */
	ca.phone = either(a, bill, "phone");
	return conn_address(&ca);
}

/*
 * The normalised status of a status a plugin added
 * (wc_get_order_statuses() is filtered: "shipped", "awaiting-shipment"),
 * as the connection maps it with a line "status.WORD = STATUS".  The
 * bit; 0 when unmapped (s->err says which line to add); -1 when the line
 * names no status.  Never a guess.
 */
static int
mapped(struct session *s, const char *word, json_t *o, unsigned int *st)
{
	const char *v;
	char	 key[128], t[32];

	snprintf(key, sizeof(key), "status.%s", word);
	if ((v = cfg_get(s->cfg, key)) == NULL) {
		conn_mistake(s, "order %s: status '%s' is not "
		    "one WooCommerce defines (a plugin's?): say what it means "
		    "with a line 'status.%s = completed' (or draft, open, "
		    "on_hold, partially_shipped, cancelled) in [%s] of %s",
		    conn_text(o, "id", t, sizeof(t)), word, word, s->cfg->name,
		    s->cfg->file);
		return 0;
	}
	if ((*st = conn_status(v)) == 0) {
		conn_mistake(s, "%s:%lu: %s = '%s': one of "
		    "draft, open, on_hold, partially_shipped, completed, "
		    "cancelled", s->cfg->file, cfg_line(s->cfg, key), key, v);
		return -1;
	}
	return 1;
}

/*
 * The order record of a WooCommerce order; *st gets its status bit.
 * NULL after conn_mistake (the connection must say) for a status nobody
 * mapped (*unmapped 1) or mapped to nothing.
 */
static json_t *
record(struct session *s, json_t *o, int raw, unsigned int *st,
    int *unmapped)
{
	struct order_head h;
	json_t	*lines, *p, *bill, *ship;
	const char *wst, *first, *last, *tax;
	char	 t[5][32], name[512], created[TZ_LEN], updated[TZ_LEN];
	char	 total[MONEY_LEN];
	json_int_t qty;
	size_t	 i;

	wst = json_string_value(json_object_get(o, "status"));
	if (wst == NULL)
		wst = "";
	*unmapped = 0;
	if ((*st = conn_word_status(statmap, NELEM(statmap), wst)) == 0 &&
	    (*unmapped = mapped(s, wst, o, st)) != 1) {
		*unmapped = *unmapped == 0;
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
		/*
		 * No shipments: completed is all shipped, else none.  The
		 * line's total is without its tax: add it.
		 */
		tax = conn_text(p, "total_tax", t[2], sizeof(t[2]));
		json_array_append_new(lines, conn_line(conn_text(p, "sku",
		    t[0], sizeof(t[0])), either(p, NULL, "name"), qty,
		    json_integer(*st == ST_COMPLETED ? qty : 0), conn_money(
		    conn_text(p, "total", t[1], sizeof(t[1])), 1, *tax ? tax :
		    "0", total)));
	}

	h.id = conn_text(o, "id", t[0], sizeof(t[0]));
	h.number = conn_text(o, "number", t[1], sizeof(t[1]));
	h.reference = "";
	h.status = *st;
	h.platform_status = wst;
	h.created_at = conn_utc(o, "date_created_gmt", NULL, created);
	h.updated_at = conn_utc(o, "date_modified_gmt", NULL, updated);
	h.email = either(bill, NULL, "email");
	h.name = name;
	h.country = either(ship, bill, "country");
	h.total = conn_text(o, "total", t[2], sizeof(t[2]));
	h.currency = conn_text(o, "currency", t[3], sizeof(t[3]));
	h.billing = address(bill, NULL);
	h.shipping = address(ship, bill);
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
	int	 rc, unmapped;

	if ((r = record(s, o, oq->q->raw, &st, &unmapped)) == NULL) {
		/* Unmapped, not mis-mapped: set aside when asked. */
		if (oq->q->reject == NULL || !unmapped)
			return -1;
		s->ours = 0;
		return oq->q->reject(oq->q->reject_arg, o, s->err) == 0 ? 0 :
		    -1;
	}
	rc = 0;
	if (conn_wanted(oq->q, st))
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
		/* And the plugins' statuses the connection maps to them. */
		for (i = 0; i < s->cfg->n; i++) {
			if (strncmp(s->cfg->kv[i].key, "status.", 7) != 0 ||
			    !(q->statuses & conn_status(s->cfg->kv[i].val)))
				continue;
			if (n++ > 0)
				buf_adds(&query, "%2C");
			conn_qescape(&query, s->cfg->kv[i].key + 7);
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
 * By id, oldest first, as orders are: WooCommerce's default, newest
 * first, pushes every page on when a product is made during the walk
 * (class-wc-rest-crud-controller.php, get_collection_params).
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
	return each_item(s, path, "orderby=id&order=asc", walk_variation, ctx);
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

	sq.cb = cb;
	sq.arg = arg;
	memset(&sq.name, 0, sizeof(sq.name));
	rc = walk(s, q->inactive ? "status=any&orderby=id&order=asc" :
	    "status=publish&orderby=id&order=asc",
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
	it.ref = NULL;
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
	return walk(s, "status=any&orderby=id&order=asc", items_each, &iq);
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
	rc = http_request(s->http, "POST", buf_str(&url), text, HTTP_JSON |
	    HTTP_ONCE, &r);
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

/*
 * One request to path under wc/v3 with body (stolen; NULL for none),
 * the answer into *out (the caller decrefs it).  Writes are sent once
 * (HTTP_ONCE).  0 on a 2xx; 1 when WooCommerce refused it (*status,
 * said: its code and message); -1 when it is unknown what became of it
 * (s->err).
 */
static int
call(struct session *s, const char *method, const char *path, json_t *body,
    json_t **out, long *status, char *said, size_t saidlen)
{
	struct http_resp r;
	struct buf url;
	int	 rc;

	memset(&url, 0, sizeof(url));
	buf_adds(&url, s->url);
	buf_adds(&url, "/wp-json/wc/v3/");
	buf_adds(&url, path);
	rc = conn_call(s, method, buf_str(&url), body, out, &r);
	buf_free(&url);
	*status = r.status;
	said[0] = '\0';
	if (rc != 0) {
		conn_fail(s, &r, "code", "message");
		conn_said(&r, "code", "message", said, saidlen);
	}
	http_resp_free(&r);
	return rc;
}

struct numq {
	const char	*number;	/* the number looked for */
	json_t		*found;		/* the orders that have it */
};

static int
num_each(struct session *s, json_t *o, void *arg)
{
	struct numq *nq = arg;
	char	 t[32];

	(void)s;
	if (strcmp(conn_text(o, "number", t, sizeof(t)), nq->number) == 0)
		json_array_append(nq->found, o);
	return 0;
}

/*
 * The order it names, into *o: by id, or by the number people see,
 * which is the id unless a plugin numbers orders (then WooCommerce's
 * search finds it, as the plugins hook it in).  0 found; 1 not (it's
 * result set); -1 (s->err).
 */
static int
find_order(struct session *s, struct complete_item *it, json_t **o)
{
	struct numq nq;
	struct buf q, path;
	char	 t[32], said[512];
	long	 st;
	int	 rc;

	*o = NULL;
	st = 404;
	memset(&path, 0, sizeof(path));
	buf_adds(&path, "orders/");
	conn_qescape(&path, it->key);
	rc = strspn(it->key, "0123456789") == strlen(it->key) && *it->key ?
	    call(s, "GET", buf_str(&path), NULL, o, &st, said, sizeof(said)) :
	    1;
	buf_free(&path);
	if (rc == -1 || (rc == 1 && st != 404))
		return -1;
	if (rc == 0 && (!it->by_number || strcmp(conn_text(*o, "number", t,
	    sizeof(t)), it->key) == 0))
		return 0;
	json_decref(*o);
	*o = NULL;
	if (!it->by_number) {
		it->result = OR_NOT_FOUND;
		return 1;
	}
	memset(&q, 0, sizeof(q));
	buf_adds(&q, "search=");
	conn_qescape(&q, it->key);
	nq.number = it->key;
	nq.found = json_array();
	rc = each_item(s, "orders", buf_str(&q), num_each, &nq);
	buf_free(&q);
	if (rc == 0 && json_array_size(nq.found) == 1)
		*o = json_incref(json_array_get(nq.found, 0));
	else if (rc == 0) {
		it->result = json_array_size(nq.found) == 0 ? OR_NOT_FOUND :
		    OR_FAILED;
		if (it->result == OR_FAILED)
			snprintf(it->reason, sizeof(it->reason), "%zu orders "
			    "have number %s", json_array_size(nq.found),
			    it->key);
		rc = 1;
	}
	json_decref(nq.found);
	return rc;
}

/* The shipments of it that no note of the order mentions yet, as text. */
static void
unnoted(const struct complete_item *it, json_t *notes, struct buf *text)
{
	json_t	*n;
	const char *note;
	size_t	 i, k;

	for (i = 0; i < it->nships; i++) {
		json_array_foreach(notes, k, n) {
			note = json_string_value(json_object_get(n, "note"));
			if (note != NULL && *it->ships[i].tracking != '\0' &&
			    strstr(note, it->ships[i].tracking) != NULL)
				break;
		}
		if (k < json_array_size(notes))
			continue;	/* noted already */
		buf_adds(text, text->len == 0 ? "Track & trace: " : "\n"
		    "Track & trace: ");
		buf_adds(text, it->ships[i].carrier);
		buf_addc(text, ' ');
		buf_adds(text, it->ships[i].tracking);
		if (*it->ships[i].url != '\0') {
			buf_addc(text, ' ');
			buf_adds(text, it->ships[i].url);
		}
	}
}

/*
 * Complete an order as WooCommerce takes it: the track and trace as an
 * order note (a customer note, which WooCommerce mails, only with
 * --notify-customer), then the status completed.  WooCommerce has no
 * shipments; a tracking code that a note already holds is not noted
 * again, so a second run adds nothing.
 */
static int
complete(struct session *s, struct complete_item *it)
{
	json_t	*o, *notes, *ans;
	struct buf path, text;
	const char *st;
	char	 t[32], said[512];
	long	 status;
	int	 rc;

	if ((rc = find_order(s, it, &o)) != 0)
		return rc == 1 ? 0 : -1;
	conn_get(o, "id", it->id, sizeof(it->id));
	conn_get(o, "number", it->number, sizeof(it->number));
	st = json_string_value(json_object_get(o, "status"));
	if (st == NULL)
		st = "";
	rc = 0;
	memset(&path, 0, sizeof(path));
	memset(&text, 0, sizeof(text));
	if (strcmp(st, "completed") == 0)
		it->result = OR_ALREADY;
	else if (strcmp(st, "cancelled") == 0 || strcmp(st, "refunded") == 0 ||
	    strcmp(st, "failed") == 0 || strcmp(st, "trash") == 0) {
		it->result = OR_CANCELLED;
		snprintf(it->reason, sizeof(it->reason), "%s in WooCommerce",
		    st);
	} else if (strcmp(st, "checkout-draft") == 0) {
		it->result = OR_FAILED;
		snprintf(it->reason, sizeof(it->reason), "a draft of the block "
		    "checkout (checkout-draft), not an order");
	}
	if (it->result != 0)
		goto out;

	/* What the notes hold already. */
	buf_adds(&path, "orders/");
	buf_adds(&path, it->id);
	buf_adds(&path, "/notes");
	if ((rc = call(s, "GET", buf_str(&path), NULL, &notes, &status, said,
	    sizeof(said))) != 0) {
		rc = -1;
		goto out;
	}
	unnoted(it, notes, &text);
	json_decref(notes);
	snprintf(it->reason, sizeof(it->reason), "%s%s", text.len > 0 ?
	    (it->notify ? "a customer note, then " : "a note, then ") : "",
	    "status completed");
	if (text.len == 0 && it->nships > 0)
		snprintf(it->reason, sizeof(it->reason), "status completed "
		    "(the track & trace is noted already)");
	if (it->dry) {
		it->result = OR_WOULD;
		goto out;
	}
	if (text.len > 0) {
		rc = call(s, "POST", buf_str(&path), json_pack("{s:s, s:b}",
		    "note", buf_str(&text), "customer_note", it->notify), &ans,
		    &status, said, sizeof(said));
		json_decref(ans);
		if (rc == 1) {
			it->result = OR_FAILED;
			snprintf(it->reason, sizeof(it->reason), "the note: %s",
			    said[0] ? said : http_error(s->http));
			rc = 0;
		}
		if (rc != 0 || it->result != 0)
			goto out;
	}
	path.len = 0;
	buf_adds(&path, "orders/");
	buf_adds(&path, it->id);
	rc = call(s, "PUT", buf_str(&path), json_pack("{s:s}", "status",
	    "completed"), &ans, &status, said, sizeof(said));
	if (rc == 0 && strcmp(json_string_value(json_object_get(ans,
	    "status")) ? json_string_value(json_object_get(ans, "status")) :
	    "", "completed") != 0) {
		it->result = OR_FAILED;
		snprintf(it->reason, sizeof(it->reason), "the shop answered "
		    "with status '%s'", conn_text(ans, "status", t, sizeof(t)));
	} else if (rc == 0) {
		it->result = OR_DONE;
		it->reason[0] = '\0';
		if (text.len == 0 && it->nships > 0)
			snprintf(it->reason, sizeof(it->reason), "the track & "
			    "trace was noted already");
	} else if (rc == 1) {
		it->result = OR_FAILED;
		snprintf(it->reason, sizeof(it->reason), "the status: %s",
		    said[0] ? said : http_error(s->http));
		rc = 0;
	}
	json_decref(ans);
out:
	json_decref(o);
	buf_free(&path);
	buf_free(&text);
	return rc;
}

struct skuq {
	item_cb		 cb;		/* the tool's callback */
	void		*arg;		/* and its argument */
};

/* A product or variation found by SKU: what an order line names. */
static int
sku_each(struct session *s, json_t *p, void *arg)
{
	struct skuq *sq = arg;
	struct shop_item it;
	const char *type, *parent;
	char	 t1[32], id[32], t2[32], ref[80];

	(void)s;
	type = json_string_value(json_object_get(p, "type"));
	if (type != NULL && (strcmp(type, "variable") == 0 ||
	    strcmp(type, "grouped") == 0))
		return 0;		/* not what a line can be */
	memset(&it, 0, sizeof(it));
	it.sku = conn_text(p, "sku", t1, sizeof(t1));
	it.id = conn_text(p, "id", id, sizeof(id));
	parent = conn_text(p, "parent_id", t2, sizeof(t2));
	/* A line names product_id/variation_id. */
	if (type != NULL && strcmp(type, "variation") == 0 && *parent)
		snprintf(ref, sizeof(ref), "%s/%s", parent, it.id);
	else
		snprintf(ref, sizeof(ref), "%s/0", it.id);
	it.ref = ref;
	it.group = "";
	it.tracked = json_is_true(json_object_get(p, "manage_stock"));
	it.qty = json_integer_value(json_object_get(p, "stock_quantity"));
	return sq->cb(sq->arg, &it);
}

/* Products and variations by SKU: the sku filter takes a list. */
static int
find_skus(struct session *s, const char *const *skus, size_t n, item_cb cb,
    void *arg)
{
	struct skuq sq;
	struct buf q;
	size_t	 i, k;
	int	 rc;

	sq.cb = cb;
	sq.arg = arg;
	memset(&q, 0, sizeof(q));
	rc = 0;
	for (i = 0; i < n && rc == 0; i += k) {
		q.len = 0;
		buf_adds(&q, "status=any&sku=");
		for (k = 0; i + k < n && k < PAGE; k++) {
			if (k > 0)
				buf_adds(&q, "%2C");
			conn_qescape(&q, skus[i + k]);
		}
		rc = each_item(s, "products", buf_str(&q), sku_each, &sq);
	}
	buf_free(&q);
	return rc;
}

#define ORIGIN_KEY	"shopswitch_origin"	/* the marker's meta key */

struct markq {
	struct create_item *it;		/* the order looked for */
	int		 found;		/* whether it was */
};

static int
mark_each(struct session *s, json_t *o, void *arg)
{
	struct markq *mq = arg;
	json_t	*m;
	const char *k, *v;
	size_t	 i;

	(void)s;
	json_array_foreach(json_object_get(o, "meta_data"), i, m) {
		k = json_string_value(json_object_get(m, "key"));
		v = json_string_value(json_object_get(m, "value"));
		if (k != NULL && v != NULL && strcmp(k, ORIGIN_KEY) == 0 &&
		    strcmp(v, mq->it->marker) == 0) {
			conn_get(o, "id", mq->it->id, sizeof(mq->it->id));
			conn_get(o, "number", mq->it->number,
			    sizeof(mq->it->number));
			mq->found = 1;
			return 1;
		}
	}
	return 0;
}

/*
 * An order that an earlier run entered: WooCommerce cannot list orders
 * by a meta value, but its search finds the customer's e-mail address,
 * and among those orders the marker is in meta shopswitch_origin.
 */
static int
find_created(struct session *s, struct create_item *it)
{
	struct markq mq;
	struct buf q;
	const char *email;
	int	 rc;

	email = json_string_value(json_object_get(it->order, "email"));
	if (email == NULL || *email == '\0')
		return 0;		/* create() refuses it */
	memset(&q, 0, sizeof(q));
	buf_adds(&q, "status=any&search=");
	conn_qescape(&q, email);
	mq.it = it;
	mq.found = 0;
	rc = each_item(s, "orders", buf_str(&q), mark_each, &mq);
	buf_free(&q);
	if (rc == -1)
		return -1;
	return mq.found;
}

/* An address of the order record as WooCommerce takes it. */
static json_t *
wc_address(json_t *a, const char *email)
{
	json_t	*w;
	char	 first[256], last[256];
	const char *k[] = { "company", "address1", "address2", "city",
	    "region", "zip", "country", "phone" };
	const char *wk[] = { "company", "address_1", "address_2", "city",
	    "state", "postcode", "country", "phone" };
	const char *v;
	size_t	 i;

	w = json_object();
	conn_split_name(json_string_value(json_object_get(a, "name")) ?
	    json_string_value(json_object_get(a, "name")) : "", first,
	    sizeof(first), last, sizeof(last));
	json_object_set_new(w, "first_name", json_string(first));
	json_object_set_new(w, "last_name", json_string(last));
	for (i = 0; i < NELEM(k); i++) {
		v = json_string_value(json_object_get(a, k[i]));
		json_object_set_new(w, wk[i], json_string(v != NULL ? v : ""));
	}
	if (email != NULL)
		json_object_set_new(w, "email", json_string(email));
	return w;
}

/*
 * Enter an order: paid (set_paid), processing, its lines at the totals
 * they had (tax included), what the order cost beyond its lines as a
 * shipping line (or a discount as a negative fee), the old number in
 * the payment method's title, which the admin and the invoices show,
 * and the marker in meta shopswitch_origin.  WooCommerce mails the
 * customer on processing by itself: mails() says so.
 */
static int
create(struct session *s, struct create_item *it)
{
	struct order_money m;
	json_t	*o, *body, *lines, *l, *bill, *ship, *ans;
	long long lt[256];
	char	 why[512], amt[MONEY_LEN], said[512], prod[40];
	const char *email, *cur, *slash;
	long	 status;
	size_t	 i;
	int	 rc;

	o = it->order;
	email = json_string_value(json_object_get(o, "email"));
	if (email == NULL || *email == '\0') {
		it->result = OR_FAILED;
		snprintf(it->reason, sizeof(it->reason), "no e-mail address: "
		    "WooCommerce could not find the order again to keep a "
		    "second run from entering it twice");
		return 0;
	}
	if (conn_order_money(o, lt, NELEM(lt), &m, why, sizeof(why)) == -1) {
		it->result = OR_FAILED;
		snprintf(it->reason, sizeof(it->reason), "%s", why);
		return 0;
	}
	bill = json_object_get(o, "billing_address");
	ship = json_object_get(o, "shipping_address");
	if (!json_is_object(bill))
		bill = ship;
	if (!json_is_object(ship))
		ship = bill;
	body = json_object();
	json_object_set_new(body, "status", json_string("processing"));
	json_object_set_new(body, "set_paid", json_true());
	cur = json_string_value(json_object_get(o, "currency"));
	if (cur != NULL && *cur != '\0')
		json_object_set_new(body, "currency", json_string(cur));
	json_object_set_new(body, "payment_method", json_string(
	    "shopswitch"));
	json_object_set_new(body, "payment_method_title", json_string(
	    it->note));
	json_object_set_new(body, "billing", wc_address(bill, email));
	json_object_set_new(body, "shipping", wc_address(ship, NULL));
	lines = json_array();
	json_array_foreach(json_object_get(o, "lines"), i, l) {
		money_format(lt[i], m.decimals, amt);
		snprintf(prod, sizeof(prod), "%s", it->refs[i]);
		slash = strchr(it->refs[i], '/');
		json_array_append_new(lines, json_pack("{s:I, s:I, s:I, s:s, "
		    "s:s}", "product_id", (json_int_t)strtoll(prod, NULL, 10),
		    "variation_id", (json_int_t)(slash != NULL ?
		    strtoll(slash + 1, NULL, 10) : 0), "quantity",
		    json_integer_value(json_object_get(l, "qty")), "subtotal",
		    amt, "total", amt));
	}
	json_object_set_new(body, "line_items", lines);
	money_format(m.rest < 0 ? -m.rest : m.rest, m.decimals, amt);
	if (m.rest > 0)
		json_object_set_new(body, "shipping_lines", json_pack("[{s:s, "
		    "s:s, s:s}]", "method_id", "shopswitch", "method_title",
		    "Shipping and costs of the old order", "total", amt));
	else if (m.rest < 0) {
		money_format(m.rest, m.decimals, amt);
		json_object_set_new(body, "fee_lines", json_pack("[{s:s, s:s, "
		    "s:s}]", "name", "Discount of the old order", "total", amt,
		    "tax_status", "none"));
	}
	json_object_set_new(body, "meta_data", json_pack("[{s:s, s:s}]",
	    "key", ORIGIN_KEY, "value", it->marker));
	money_format(m.total, m.decimals, amt);
	if (it->dry) {
		json_decref(body);
		it->result = OR_WOULD;
		snprintf(it->reason, sizeof(it->reason), "%zu line%s, total "
		    "%s %s, paid, processing", m.nlines, m.nlines == 1 ? "" :
		    "s", amt, cur != NULL ? cur : "");
		return 0;
	}
	rc = call(s, "POST", "orders", body, &ans, &status, said,
	    sizeof(said));
	if (rc == 0) {
		conn_get(ans, "id", it->id, sizeof(it->id));
		conn_get(ans, "number", it->number, sizeof(it->number));
		it->result = OR_DONE;
		if (strcmp(conn_text(ans, "total", why, sizeof(why)), amt) != 0)
			snprintf(it->reason, sizeof(it->reason), "the new "
			    "order's total is %s, not %s (the shop's tax "
			    "settings?)", why, amt);
	} else if (rc == 1) {
		it->result = OR_FAILED;
		snprintf(it->reason, sizeof(it->reason), "%s", said[0] ? said :
		    http_error(s->http));
		rc = 0;
	}
	json_decref(ans);
	return rc;
}

/* The customer e-mails that each tool's writes make WooCommerce send. */
static const struct {
	enum mail_op	 op;
	const char	*id;		/* the settings group */
	const char	*title;		/* as WooCommerce's admin names it */
} wcmails[] = {
	{ MAIL_COMPLETE, "email_customer_completed_order", "Completed order" },
	{ MAIL_CREATE, "email_customer_processing_order", "Processing order" }
};

/*
 * WooCommerce mails a customer by itself when an order becomes
 * completed or processing (class-wc-email-customer-completed-order.php,
 * -processing-order.php); its REST API has no switch for one request,
 * only the e-mail's setting "enabled", in the settings API.
 */
static int
mails(struct session *s, enum mail_op op, struct shop_mail *m, size_t n)
{
	json_t	*ans;
	char	 path[128], said[512];
	const char *v;
	long	 status;
	size_t	 i, k;

	for (i = k = 0; i < NELEM(wcmails) && k < n; i++) {
		if (wcmails[i].op != op)
			continue;
		snprintf(path, sizeof(path), "settings/%s/enabled",
		    wcmails[i].id);
		if (call(s, "GET", path, NULL, &ans, &status, said,
		    sizeof(said)) != 0)
			return -1;
		v = json_string_value(json_object_get(ans, "value"));
		snprintf(m[k].id, sizeof(m[k].id), "%s", wcmails[i].id);
		snprintf(m[k].title, sizeof(m[k].title), "%s",
		    wcmails[i].title);
		m[k].enabled = v != NULL && strcmp(v, "yes") == 0;
		json_decref(ans);
		k++;
	}
	return (int)k;
}

static int
set_mail(struct session *s, const char *id, int on)
{
	json_t	*ans;
	char	 path[128], said[512];
	const char *v;
	long	 status;
	int	 rc;

	snprintf(path, sizeof(path), "settings/%s/enabled", id);
	rc = call(s, "PUT", path, json_pack("{s:s}", "value", on ? "yes" :
	    "no"), &ans, &status, said, sizeof(said));
	v = json_string_value(json_object_get(ans, "value"));
	if (rc == 0 && (v == NULL || strcmp(v, on ? "yes" : "no") != 0)) {
		snprintf(s->err, sizeof(s->err), "%s/wp-json/wc/v3/%s: the "
		    "setting is '%s', not '%s'", s->url, path, v != NULL ? v :
		    "", on ? "yes" : "no");
		rc = -1;
	}
	json_decref(ans);
	return rc == 0 ? 0 : -1;
}

/* The query string of the keys, when they go in the URL. */
static void
close_priv(struct session *s)
{
	free(s->priv);
	s->priv = NULL;
}

const struct connector conn_woocommerce = {
	.name = "woocommerce",
	.no_warehouses = "WooCommerce keeps one stock level per "
	    "product: no warehouses",
	.batch = BATCH,
	/* wc/v3 has no rate limit of its own; a host may: rate_limit. */
	.setup = setup,
	.close = close_priv,
	.orders = orders,
	.stock = stock,
	.items = items,
	.push = push,
	.complete = complete,
	.find_skus = find_skus,
	.find_created = find_created,
	.create = create,
	.mails = mails,
	.set_mail = set_mail
};
