/*
 * shopware: the Shopware 6 Admin API.
 *
 * A bearer token from OAuth 2's client-credentials grant (POST
 * /api/oauth/token, JSON), asked for again before it expires and after a
 * 401; every request says Accept: application/json (what any type gets
 * is Shopware's JSON:API).  Lists are searches, POST /api/search/ENTITY
 * with a Criteria: page, limit (at most 500), an explicit sort, the exact
 * total (total-count-mode 1, so that the last page is known) and the
 * associations the record needs.  Stock is each product's stock (6.5 and
 * later: what can be sold); levels are written by id in one
 * POST /api/_action/sync, all or nothing.  Orders are completed with
 * the delivery's trackingCodes and the delivery's and the order's state
 * transitions, sendMail false.  Shopware has no Admin API rate limit of
 * its own.  Errors are {"errors":[{"code", "title", "detail"}]}.  See
 * shopware.stoplight.io/docs/admin-api and the source of shopware/
 * shopware (src/Core), and tests/sandbox/shopware.py for the sources of
 * each behaviour.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../connector.h"
#include "../tz.h"
#include "../util.h"

#define PAGE	500			/* limit: Shopware's most (MAX_LIMIT) */
#define BATCH	500			/* levels a sync, by default */
#define BATCH_MAX 1000			/* and at most (shopswitch(7)) */

struct shopware {
	struct conn_grant grant;	/* the integration's client
					   credentials */
	char		*token_url;	/* /api/oauth/token */
	long		 status;	/* call()'s last HTTP status */
};

/*
 * The sign hook: no signature, but the header sw-inheritance on product
 * searches, without which a variant's inherited fields (name, ean,
 * active) are null (Framework/Routing/ApiRequestContextResolver.php).
 */
static int
headers(void *arg, const char *method, const char *url, const char *body,
    struct buf *out)
{
	size_t	 n, k;

	(void)arg;
	(void)method;
	(void)body;
	n = strlen(url);
	k = strlen("/api/search/product");
	if (n >= k && strcmp(url + n - k, "/api/search/product") == 0)
		buf_adds(out, "sw-inheritance: 1\n");
	return 0;
}

static int
setup(struct session *s, struct http_opts *o)
{
	struct shopware *sw;
	struct buf u;

	sw = xcalloc(1, sizeof(*sw));
	s->priv = sw;
	sw->grant.id = cfg_get(s->cfg, "client_id");
	sw->grant.secret = cfg_get(s->cfg, "client_secret");
	if (sw->grant.id == NULL || sw->grant.secret == NULL ||
	    *sw->grant.id == '\0' || *sw->grant.secret == '\0') {
		snprintf(s->err, sizeof(s->err), "%s:%lu: [%s] needs client_id "
		    "and client_secret (Shopware: Settings, System, "
		    "Integrations, an integration with write access)",
		    s->cfg->file, s->cfg->line, s->cfg->name);
		return -1;
	}
	memset(&u, 0, sizeof(u));
	buf_adds(&u, s->url);
	buf_adds(&u, "/api/oauth/token");
	sw->token_url = xstrdup(buf_str(&u));
	buf_free(&u);
	sw->grant.url = sw->token_url;
	sw->grant.how = GRANT_JSON;
	sw->grant.header = "Authorization: Bearer ";
	/*
	 * A refused grant's words (league's code 4, "Client authentication
	 * failed") say less than this does.
	 */
	sw->grant.codekey = NULL;
	sw->grant.msgkey = NULL;
	sw->grant.refused = "Shopware refused the client_id and "
	    "client_secret";
	s->grant = &sw->grant;
	o->sign = headers;
	return 0;
}

static void
close_priv(struct session *s)
{
	struct shopware *sw = s->priv;

	if (sw == NULL)
		return;
	free(sw->token_url);
	free(sw);
	s->priv = NULL;
}

/* Shopware's error answers: {"errors": [{"code", "title", "detail"}]}. */
#define SAID_CODE	"errors[].code"
#define SAID_MSG	"errors[].detail|title"

/*
 * One request of method to path (under /api/) with body (stolen; NULL:
 * none) and http_request's flags; its JSON answer, if any, or on a
 * refusal Shopware's error answer, into *out (the caller decrefs it);
 * its HTTP status into the connector's status.  A 401 (the token
 * revoked, the clocks apart) asks for a new token and sends it once
 * more.  0 on a 2xx; 1 when Shopware refused it (words: what it said);
 * -1 when it is unknown what became of it.  s->err says why in both
 * cases.
 */
static int
call(struct session *s, const char *method, const char *path, json_t *body,
    int flags, json_t **out, char *words, size_t wlen)
{
	struct shopware *sw = s->priv;
	struct http_resp r;
	struct buf url;
	char	*text;
	int	 rc;

	*out = NULL;
	words[0] = '\0';
	memset(&url, 0, sizeof(url));
	buf_adds(&url, s->url);
	buf_adds(&url, "/api/");
	buf_adds(&url, path);
	text = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	rc = conn_send(s, method, buf_str(&url), text, flags, &r);
	free(text);
	buf_free(&url);
	if (rc == -2)
		return -1;		/* no token: conn_grant said why */
	sw->status = r.status;
	if (rc == 0) {
		*out = r.json != NULL ? json_incref(r.json) : NULL;
		http_resp_free(&r);
		return 0;
	}
	*out = r.body.len > 0 ? json_loadb(r.body.s, r.body.len, 0, NULL) :
	    NULL;
	conn_said(&r, SAID_CODE, SAID_MSG, words, wlen);
	snprintf(s->err, sizeof(s->err), "%s%s%s", http_error(s->http),
	    words[0] != '\0' ? ": " : "", words);
	rc = http_refused(&r) ? 1 : -1;
	http_resp_free(&r);
	return rc;
}

/* A search: its entity and criteria. */
struct search {
	const char	*entity;	/* "order", "product" */
	json_t		*crit;		/* the Criteria but page and limit */
};

/*
 * The request of the next page: the criteria with page and limit, the
 * exact total asked for so that the page after the last is never asked
 * for.
 */
static int
next_page(struct session *s, struct conn_pages *p, json_t *prev,
    struct buf *url, json_t **body)
{
	struct search *l = p->arg;
	json_t	*c;
	size_t	 page;

	page = p->page;
	if (prev != NULL && json_integer_value(json_object_get(prev,
	    "total")) <= (json_int_t)((page - 1) * PAGE))
		return 1;
	buf_adds(url, s->url);
	buf_adds(url, "/api/search/");
	buf_adds(url, l->entity);
	c = json_copy(l->crit);
	json_object_set_new(c, "page", json_integer((json_int_t)page));
	json_object_set_new(c, "limit", json_integer(PAGE));
	json_object_set_new(c, "total-count-mode", json_integer(1));
	*body = c;
	return 0;
}

/*
 * Call each with every entity the search crit (borrowed) of entity
 * finds, page by page.  Returns 0, -1 (s->err), or the first value other
 * than 0 that each returned.
 */
static int
each_item(struct session *s, const char *entity, json_t *crit,
    int (*each)(struct session *, json_t *, void *), void *arg)
{
	struct search l;
	struct conn_pages p;

	l.entity = entity;
	l.crit = crit;
	memset(&p, 0, sizeof(p));
	p.list.method = "POST";
	p.list.member = "data";
	p.list.codekey = SAID_CODE;
	p.list.msgkey = SAID_MSG;
	p.size = PAGE;
	p.next = next_page;
	p.arg = &l;
	return conn_pages(s, &p, each, arg);
}

/* The technical name of o's state machine state, or "". */
static const char *
state_of(json_t *o)
{
	const char *v;

	v = json_string_value(json_object_get(json_object_get(o,
	    "stateMachineState"), "technicalName"));
	return v != NULL ? v : "";
}

/* Whether a delivery in state st has left: shipped, in part, or back. */
static int
left(const char *st)
{
	return strcmp(st, "shipped") == 0 ||
	    strcmp(st, "shipped_partially") == 0 ||
	    strcmp(st, "returned") == 0 ||
	    strcmp(st, "returned_partially") == 0;
}

/* An order address as the record has it, or NULL. */
static json_t *
address(json_t *a)
{
	struct conn_addr ca;
	char	 name[512], t[9][64];
	const char *first, *last;

	if (!json_is_object(a))
		return NULL;
	first = conn_text(a, "firstName", t[0], sizeof(t[0]));
	last = conn_text(a, "lastName", t[1], sizeof(t[1]));
	snprintf(name, sizeof(name), "%s%s%s", first, *first && *last ?
	    " " : "", last);
	ca.name = name;
	ca.company = conn_text(a, "company", t[2], sizeof(t[2]));
	ca.address1 = conn_text(a, "street", t[3], sizeof(t[3]));
	ca.address2 = conn_text(a, "additionalAddressLine1", t[4],
	    sizeof(t[4]));
	ca.zip = conn_text(a, "zipcode", t[5], sizeof(t[5]));
	ca.city = conn_text(a, "city", t[6], sizeof(t[6]));
	ca.region = "";
	ca.country = conn_text(json_object_get(a, "country"), "iso", t[7],
	    sizeof(t[7]));
	ca.phone = conn_text(a, "phoneNumber", t[8], sizeof(t[8]));
	return conn_address(&ca);
}

/* The order's billing address: of its addresses, billingAddressId's. */
static json_t *
billing_of(json_t *o)
{
	json_t	*a;
	const char *id;
	size_t	 i;

	id = json_string_value(json_object_get(o, "billingAddressId"));
	json_array_foreach(json_object_get(o, "addresses"), i, a)
		if (id != NULL && strcmp(conn_text(a, "id", NULL, 0), id) == 0)
			return a;
	return NULL;
}

/*
 * What of line id the deliveries that left carry: a number, or null when
 * a delivery shipped in part holds it (Shopware does not say which part).
 */
static json_t *
shipped_qty(json_t *o, const char *id)
{
	json_t	*d, *pos;
	json_int_t n;
	size_t	 i, k;
	int	 unknown;

	n = 0;
	unknown = 0;
	json_array_foreach(json_object_get(o, "deliveries"), i, d) {
		if (!left(state_of(d)))
			continue;
		json_array_foreach(json_object_get(d, "positions"), k, pos) {
			if (strcmp(conn_text(pos, "orderLineItemId", NULL, 0),
			    id) != 0)
				continue;
			if (strcmp(state_of(d), "shipped_partially") == 0)
				unknown = 1;
			n += json_integer_value(json_object_get(pos,
			    "quantity"));
		}
	}
	return unknown ? json_null() : json_integer(n);
}

/*
 * A line that is goods or a service bought: not a price change
 * (promotion, discount, credit), which the order's total holds.
 */
static int
bought(json_t *li)
{
	const char *type;

	type = json_string_value(json_object_get(li, "type"));
	return type == NULL || (strcmp(type, "promotion") != 0 &&
	    strcmp(type, "discount") != 0 && strcmp(type, "credit") != 0);
}

/* The lines of order o, whose status is st. */
static json_t *
lines_of(json_t *o, unsigned int st)
{
	json_t	*lines, *li, *shipped;
	const char *tax;
	char	 t[3][64];
	json_int_t qty;
	size_t	 i;

	lines = json_array();
	tax = json_string_value(json_object_get(o, "taxStatus"));
	json_array_foreach(json_object_get(o, "lineItems"), i, li) {
		if (!bought(li))
			continue;
		qty = json_integer_value(json_object_get(li, "quantity"));
		if (st == ST_COMPLETED)
			shipped = json_integer(qty);
		else
			shipped = shipped_qty(o, conn_text(li, "id", t[0],
			    sizeof(t[0])));
		/* totalPrice has the tax in it unless the order is net. */
		json_array_append_new(lines, conn_line(conn_text(
		    json_object_get(li, "payload"), "productNumber", t[1],
		    sizeof(t[1])), conn_text(li, "label", t[0], sizeof(t[0])),
		    qty, shipped, tax != NULL && strcmp(tax, "net") == 0 ?
		    NULL : conn_amount(json_object_get(li, "totalPrice"), t[2],
		    sizeof(t[2]))));
	}
	return lines;
}

/*
 * A shipment for each tracking code of each delivery that left, or one
 * without a code: its shipping method's technical name (or name), its
 * trackingUrl with the code for %s, and, as Shopware keeps no time of
 * shipping, the delivery's last change.
 */
static json_t *
shipments_of(json_t *o)
{
	json_t	*ships, *d, *m, *code;
	struct buf url;
	const char *carrier, *turl, *c, *pct;
	char	 t[2][64], at[TZ_LEN];
	size_t	 i, k, n;

	ships = json_array();
	memset(&url, 0, sizeof(url));
	json_array_foreach(json_object_get(o, "deliveries"), i, d) {
		if (!left(state_of(d)))
			continue;
		m = json_object_get(d, "shippingMethod");
		carrier = conn_text(m, "technicalName", t[0], sizeof(t[0]));
		if (*carrier == '\0')
			carrier = conn_text(m, "name", t[0], sizeof(t[0]));
		turl = conn_text(m, "trackingUrl", t[1], sizeof(t[1]));
		conn_utc(d, "updatedAt", NULL, at);
		if (*at == '\0')
			conn_utc(d, "createdAt", NULL, at);
		n = json_array_size(json_object_get(d, "trackingCodes"));
		if (n == 0)
			json_array_append_new(ships, conn_shipment(carrier, "",
			    "", at));
		json_array_foreach(json_object_get(d, "trackingCodes"), k,
		    code) {
			c = json_string_value(code);
			if (c == NULL)
				continue;
			url.len = 0;
			buf_adds(&url, "");
			if ((pct = strstr(turl, "%s")) != NULL) {
				buf_add(&url, turl, (size_t)(pct - turl));
				buf_adds(&url, c);
				buf_adds(&url, pct + 2);
			}
			json_array_append_new(ships, conn_shipment(carrier, c,
			    buf_str(&url), at));
		}
	}
	buf_free(&url);
	return ships;
}

/*
 * The normalised status of order o: its state, and for one not done
 * yet whether a delivery left.  0 for a state Shopware does not ship
 * (a plugin's).
 */
static unsigned int
status_of(json_t *o)
{
	const char *st;
	json_t	*d;
	size_t	 i;

	st = state_of(o);
	if (strcmp(st, "cancelled") == 0)
		return ST_CANCELLED;
	if (strcmp(st, "completed") == 0)
		return ST_COMPLETED;
	if (strcmp(st, "open") != 0 && strcmp(st, "in_progress") != 0)
		return 0;
	json_array_foreach(json_object_get(o, "deliveries"), i, d)
		if (left(state_of(d)))
			return ST_PARTIAL;
	return ST_OPEN;
}

/* The order record of a Shopware order, or NULL (s->err). */
static json_t *
record(struct session *s, json_t *o, int raw, unsigned int *st)
{
	struct order_head h;
	json_t	*ship, *cust;
	const char *first, *last;
	char	 t[6][64], name[512], created[TZ_LEN], updated[TZ_LEN];

	if ((*st = status_of(o)) == 0) {
		snprintf(s->err, sizeof(s->err), "order %s: state '%s' is not "
		    "one Shopware ships (open, in_progress, completed, "
		    "cancelled)", conn_text(o, "orderNumber", t[0],
		    sizeof(t[0])), state_of(o));
		return NULL;
	}
	ship = json_object_get(json_array_get(json_object_get(o,
	    "deliveries"), 0), "shippingOrderAddress");
	if (!json_is_object(ship))
		ship = billing_of(o);
	first = conn_text(ship, "firstName", t[0], sizeof(t[0]));
	last = conn_text(ship, "lastName", t[1], sizeof(t[1]));
	snprintf(name, sizeof(name), "%s%s%s", first, *first && *last ? " " :
	    "", last);
	cust = json_object_get(o, "orderCustomer");
	h.id = conn_text(o, "id", t[0], sizeof(t[0]));
	h.number = conn_text(o, "orderNumber", t[1], sizeof(t[1]));
	h.reference = "";
	h.status = *st;
	h.platform_status = state_of(o);
	h.created_at = conn_utc(o, "orderDateTime", NULL, created);
	/* Never changed: updatedAt is null. */
	h.updated_at = conn_utc(o, "updatedAt", NULL, updated);
	if (*updated == '\0')
		h.updated_at = conn_utc(o, "createdAt", NULL, updated);
	h.email = conn_text(cust, "email", t[2], sizeof(t[2]));
	h.name = name;
	h.country = conn_text(json_object_get(ship, "country"), "iso", t[3],
	    sizeof(t[3]));
	h.total = conn_amount(json_object_get(o, "amountTotal"), t[4],
	    sizeof(t[4]));
	h.currency = conn_text(json_object_get(o, "currency"), "isoCode",
	    t[5], sizeof(t[5]));
	h.billing = address(billing_of(o));
	h.shipping = address(ship);
	return conn_order(s, &h, lines_of(o, *st), shipments_of(o), raw ? o :
	    NULL);
}

/* Sort by field, then by id: a stable order of a to-many association. */
static json_t *
sorted(const char *field)
{
	return json_pack("[{s:s, s:s}, {s:s, s:s}]", "field", field, "order",
	    "ASC", "field", "id", "order", "ASC");
}

/* The Criteria of an order with all a record needs. */
static json_t *
order_criteria(void)
{
	json_t	*c, *a, *d;

	d = json_pack("{s:o, s:{s:{}, s:{}, s:{}, s:{s:{s:{}}}}}", "sort",
	    sorted("createdAt"), "associations", "stateMachineState",
	    "positions", "shippingMethod", "shippingOrderAddress",
	    "associations", "country");
	a = json_pack("{s:{s:o}, s:{}, s:{}, s:{}, s:{s:{s:{}}}, s:o}",
	    "lineItems", "sort", sorted("position"), "orderCustomer",
	    "currency", "stateMachineState", "addresses", "associations",
	    "country", "deliveries", d);
	c = json_pack("{s:o, s:o, s:[]}", "sort", sorted("orderDateTime"),
	    "associations", a, "filter");
	return c;
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
	if (conn_wanted(oq->q, st))
		rc = oq->cb(oq->arg, r);
	json_decref(r);
	return rc;
}

/* A time as Shopware stores it: UTC, "2026-11-01 10:00:00". */
static json_t *
sw_time(time_t t)
{
	char	 v[TZ_LEN];

	tz_format(t, v);
	v[10] = ' ';
	v[19] = '\0';
	return json_string(v);
}

/*
 * The filter of --since and --until: the last change, updatedAt, or,
 * for an order never changed (updatedAt null), createdAt.  Both ends
 * are included.
 */
static json_t *
changed_filter(const struct order_query *q)
{
	json_t	*range;

	range = json_object();
	if (q->since_set)
		json_object_set_new(range, "gte", sw_time(q->since));
	if (q->until_set)
		json_object_set_new(range, "lte", sw_time(q->until));
	return json_pack("{s:s, s:s, s:[{s:s, s:s, s:O}, {s:s, s:s, "
	    "s:[{s:s, s:s, s:n}, {s:s, s:s, s:o}]}]}", "type", "multi",
	    "operator", "or", "queries", "type", "range", "field", "updatedAt",
	    "parameters", range, "type", "multi", "operator", "and", "queries",
	    "type", "equals", "field", "updatedAt", "value", "type", "range",
	    "field", "createdAt", "parameters", range);
}

/*
 * Orders by orderDateTime and id, so that an order placed while the
 * listing runs lands on a later page.  The status filter asks Shopware
 * for the order states that can have it; open, partially shipped and
 * completed are told apart here, from the deliveries.
 */
static int
orders(struct session *s, const struct order_query *q, order_cb cb,
    void *arg)
{
	struct orderq oq;
	json_t	*crit, *states, *filter;
	int	 rc;

	crit = order_criteria();
	filter = json_object_get(crit, "filter");
	if (q->statuses != 0) {
		states = json_array();
		if (q->statuses & (ST_OPEN | ST_PARTIAL)) {
			json_array_append_new(states, json_string("open"));
			json_array_append_new(states, json_string(
			    "in_progress"));
		}
		if (q->statuses & ST_COMPLETED)
			json_array_append_new(states, json_string(
			    "completed"));
		if (q->statuses & ST_CANCELLED)
			json_array_append_new(states, json_string(
			    "cancelled"));
		if (json_array_size(states) == 0) {
			/* draft, on_hold: Shopware has neither. */
			json_decref(states);
			json_decref(crit);
			return 0;
		}
		json_array_append_new(filter, json_pack("{s:s, s:s, s:o}",
		    "type", "equalsAny", "field",
		    "stateMachineState.technicalName", "value", states));
	}
	if (q->since_set || q->until_set)
		json_array_append_new(filter, changed_filter(q));
	oq.q = q;
	oq.cb = cb;
	oq.arg = arg;
	rc = each_item(s, "order", crit, order_item, &oq);
	json_decref(crit);
	return rc;
}

/*
 * The Criteria of the products whose stock is sold: not a parent of
 * variants (a parent's own stock is not sold), active ones only unless
 * all, by createdAt and id.  fields: the members to keep, or NULL.
 */
static json_t *
product_criteria(int all, json_t *fields)
{
	json_t	*c;

	c = json_pack("{s:o, s:[{s:s, s:s, s:i}]}", "sort",
	    sorted("createdAt"), "filter", "type", "equals", "field",
	    "childCount", "value", 0);
	if (!all)
		json_array_append_new(json_object_get(c, "filter"), json_pack(
		    "{s:s, s:s, s:b}", "type", "equals", "field", "active",
		    "value", 1));
	if (fields != NULL)
		json_object_set_new(c, "includes", json_pack("{s:o}",
		    "product", fields));
	return c;
}

struct stockq {
	stock_cb	 cb;		/* the tool's callback */
	void		*arg;		/* and its argument */
};

static int
stock_each(struct session *s, json_t *p, void *arg)
{
	struct stockq *sq = arg;
	struct stock_row row;
	char	 t[3][64];

	(void)s;
	row.sku = conn_text(p, "productNumber", t[0], sizeof(t[0]));
	row.qty = json_integer_value(json_object_get(p, "stock"));
	row.warehouse = "";
	row.reserved = 0;
	row.name = conn_text(p, "name", t[1], sizeof(t[1]));
	row.barcode = conn_text(p, "ean", t[2], sizeof(t[2]));
	return sq->cb(sq->arg, &row);
}

/*
 * The stock of every product sold on its own, variants with what they
 * inherit: the active ones, or all with --inactive.  One request per 500
 * products.
 */
static int
stock(struct session *s, const struct stock_query *q, stock_cb cb,
    void *arg)
{
	struct stockq sq;
	json_t	*crit;
	int	 rc;

	sq.cb = cb;
	sq.arg = arg;
	crit = product_criteria(q->inactive, json_pack("[s, s, s, s, s]",
	    "id", "productNumber", "name", "ean", "stock"));
	rc = each_item(s, "product", crit, stock_each, &sq);
	json_decref(crit);
	return rc;
}

struct itemq {
	item_cb		 cb;		/* the tool's callback */
	void		*arg;		/* and its argument */
};

static int
items_each(struct session *s, json_t *p, void *arg)
{
	struct itemq *iq = arg;
	struct shop_item it;
	char	 t[2][64];

	(void)s;
	memset(&it, 0, sizeof(it));
	it.sku = conn_text(p, "productNumber", t[0], sizeof(t[0]));
	it.id = conn_text(p, "id", t[1], sizeof(t[1]));
	it.group = "";
	it.qty = json_integer_value(json_object_get(p, "stock"));
	/* Shopware counts every product's stock. */
	it.tracked = 1;
	it.ref = it.id;
	return iq->cb(iq->arg, &it);
}

/*
 * Every product sold on its own, whatever its status, with its id and
 * stock only: 500 a request.
 */
static int
items(struct session *s, item_cb cb, void *arg)
{
	struct itemq iq;
	json_t	*crit;
	int	 rc;

	iq.cb = cb;
	iq.arg = arg;
	crit = product_criteria(1, json_pack("[s, s, s]", "id",
	    "productNumber", "stock"));
	rc = each_item(s, "product", crit, items_each, &iq);
	json_decref(crit);
	return rc;
}

#define SYNC_KEY	"shopswitch-stock"	/* the sync operation's key */

/*
 * The rows of the sync that Shopware's error answer e points at
 * (/shopswitch-stock/i/...), row i being pi[map[i]] (m rows), marked
 * failed with what it said of each.  The number marked.
 */
static size_t
refused_rows(json_t *e, struct push_item *pi, const size_t *map, size_t m)
{
	json_t	*err;
	const char *ptr, *detail, *field;
	char	*end;
	size_t	 i, k, marked, len;

	marked = 0;
	json_array_foreach(json_object_get(e, "errors"), i, err) {
		ptr = json_string_value(json_object_get(json_object_get(err,
		    "source"), "pointer"));
		detail = json_string_value(json_object_get(err, "detail"));
		if (ptr == NULL || strncmp(ptr, "/" SYNC_KEY "/",
		    strlen("/" SYNC_KEY "/")) != 0)
			continue;
		ptr += strlen("/" SYNC_KEY "/");
		k = strtoul(ptr, &end, 10);
		if (end == ptr || k >= m)
			continue;
		k = map[k];
		field = *end == '/' ? end + 1 : "";
		if (pi[k].result != PUSH_FAILED) {
			pi[k].result = PUSH_FAILED;
			pi[k].reason[0] = '\0';
			marked++;
		}
		len = strlen(pi[k].reason);
		snprintf(pi[k].reason + len, sizeof(pi[k].reason) - len,
		    "%s%s%s%s", len > 0 ? "; " : "", field, *field ? ": " : "",
		    detail != NULL ? detail : "refused");
	}
	return marked;
}

/*
 * One sync of the levels of pi not failed yet, by id, row i of it being
 * pi[map[i]] (*m rows); the answer, or Shopware's error answer, into
 * *ans.  As call(): 0 written, 1 refused (nothing written: a sync is
 * one transaction), -1 unknown.
 */
static int
sync_once(struct session *s, struct push_item *pi, size_t n, size_t *map,
    size_t *m, json_t **ans, char *words, size_t wlen)
{
	json_t	*rows, *body;
	size_t	 i;

	rows = json_array();
	for (i = *m = 0; i < n; i++) {
		if (pi[i].result == PUSH_FAILED)
			continue;
		map[(*m)++] = i;
		json_array_append_new(rows, json_pack("{s:s, s:I}", "id",
		    pi[i].id, "stock", (json_int_t)pi[i].to));
	}
	body = json_pack("{s:{s:s, s:s, s:o}}", SYNC_KEY, "entity", "product",
	    "action", "upsert", "payload", rows);
	/* Sent once: a write whose answer was lost is not made twice. */
	return call(s, "POST", "_action/sync", body, HTTP_JSON | HTTP_ONCE,
	    ans, words, wlen);
}

/* Set each level of pi that answer ans lists as written. */
static void
written(json_t *ans, struct push_item *pi, size_t n)
{
	json_t	*ids, *id;
	size_t	 i, k;

	ids = json_object_get(json_object_get(ans, "data"), "product");
	for (i = 0; i < n; i++) {
		if (pi[i].result == PUSH_FAILED)
			continue;
		json_array_foreach(ids, k, id)
			if (json_is_string(id) && strcmp(json_string_value(id),
			    pi[i].id) == 0)
				break;
		if (k < json_array_size(ids))
			pi[i].result = PUSH_SET;
		else {
			pi[i].result = PUSH_FAILED;
			snprintf(pi[i].reason, sizeof(pi[i].reason), "the "
			    "shop's answer does not list it as written");
		}
	}
}

/*
 * Write n levels by id in one sync (Api/Controller/SyncController.php),
 * all or nothing: when Shopware refuses rows (a product deleted since
 * the listing is an insert, refused for its required fields), those are
 * failed with its words and the rest sent again; a refusal that names no
 * row fails them all.  A sync too large for the server (413) is sent in
 * halves.  No compare-and-set: a sale between the listing and this
 * write is overwritten.
 */
static int
push(struct session *s, struct push_item *pi, size_t n)
{
	struct shopware *sw = s->priv;
	json_t	*ans;
	char	 words[1024];
	size_t	*map, m, i;
	int	 rc;

	for (i = 0; i < n; i++) {
		pi[i].result = 0;
		pi[i].reason[0] = '\0';
	}
	map = xreallocarray(NULL, n, sizeof(*map));
	for (;;) {
		rc = sync_once(s, pi, n, map, &m, &ans, words, sizeof(words));
		if (rc != 1 || m == 0)
			break;
		if (sw->status == 413 && m > 1) {
			json_decref(ans);
			free(map);
			return push(s, pi, n / 2) == -1 ? -1 :
			    push(s, pi + n / 2, n - n / 2);
		}
		if (refused_rows(ans, pi, map, m) == 0) {
			for (i = 0; i < m; i++) {
				pi[map[i]].result = PUSH_FAILED;
				conn_copy(pi[map[i]].reason,
				    sizeof(pi[0].reason), words[0] != '\0' ?
				    words : s->err);
			}
			break;
		}
		json_decref(ans);
	}
	if (rc == 0)
		written(ans, pi, n);
	json_decref(ans);
	free(map);
	return rc == -1 ? -1 : 0;
}

/*
 * The order it names, with its state and deliveries, into *o: by id (32
 * hex digits) or by its number.  0 found; 1 not (it's result set); -1
 * (s->err).
 */
static int
find_order(struct session *s, struct complete_item *it, json_t **o)
{
	json_t	*crit, *ans, *data;
	char	 words[512];
	int	 rc;

	*o = NULL;
	if (!it->by_number && (strlen(it->key) != 32 || strspn(it->key,
	    "0123456789abcdef") != 32)) {
		it->result = OR_NOT_FOUND;
		return 1;
	}
	crit = json_pack("{s:i, s:[{s:s, s:s, s:s}], s:{s:{}, s:{s:o, "
	    "s:{s:{}}}}}", "limit", 2, "filter", "type", "equals", "field",
	    it->by_number ? "orderNumber" : "id", "value", it->key,
	    "associations", "stateMachineState", "deliveries", "sort",
	    sorted("createdAt"), "associations", "stateMachineState");
	if ((rc = call(s, "POST", "search/order", crit, HTTP_JSON, &ans, words,
	    sizeof(words))) != 0) {
		json_decref(ans);
		return -1;
	}
	data = json_object_get(ans, "data");
	if (json_array_size(data) == 1)
		*o = json_incref(json_array_get(data, 0));
	else {
		it->result = json_array_size(data) == 0 ? OR_NOT_FOUND :
		    OR_FAILED;
		if (it->result == OR_FAILED)
			snprintf(it->reason, sizeof(it->reason), "more than "
			    "one order has number %s", it->key);
	}
	json_decref(ans);
	return *o != NULL ? 0 : 1;
}

/* Whether a delivery is still to be shipped: open, or shipped in part. */
static int
to_ship(json_t *d)
{
	return strcmp(state_of(d), "open") == 0 ||
	    strcmp(state_of(d), "shipped_partially") == 0;
}

/* What completing an order takes: the plan. */
struct plan {
	json_t		*target;	/* the delivery for the codes */
	json_t		*codes;		/* its trackingCodes, new ones added */
	size_t		 nnew;		/* how many are new */
	size_t		 nship;		/* deliveries to ship */
	int		 process;	/* the order is open: process first */
};

/*
 * The plan for order o: the tracking codes of it that no delivery holds
 * yet, added to the first delivery still to ship (else the first not
 * cancelled); every delivery still to ship shipped; the order processed
 * if open, then completed.  -1 when the codes have no delivery to go to.
 */
static int
make_plan(json_t *o, const struct complete_item *it, struct plan *p)
{
	json_t	*d, *c;
	size_t	 i, j, k;
	int	 held;

	memset(p, 0, sizeof(*p));
	json_array_foreach(json_object_get(o, "deliveries"), i, d) {
		if (to_ship(d)) {
			p->nship++;
			if (p->target == NULL || !to_ship(p->target))
				p->target = d;
		} else if (p->target == NULL && strcmp(state_of(d),
		    "cancelled") != 0)
			p->target = d;
	}
	p->codes = json_array();
	if (p->target != NULL)
		json_array_extend(p->codes, json_object_get(p->target,
		    "trackingCodes"));
	for (i = 0; i < it->nships; i++) {
		if (*it->ships[i].tracking == '\0')
			continue;
		held = 0;
		json_array_foreach(json_object_get(o, "deliveries"), j, d)
			json_array_foreach(json_object_get(d, "trackingCodes"),
			    k, c)
				if (json_is_string(c) && strcmp(
				    json_string_value(c),
				    it->ships[i].tracking) == 0)
					held = 1;
		json_array_foreach(p->codes, k, c)
			if (strcmp(json_string_value(c),
			    it->ships[i].tracking) == 0)
				held = 1;
		if (held)
			continue;
		json_array_append_new(p->codes, json_string(
		    it->ships[i].tracking));
		p->nnew++;
	}
	p->process = strcmp(state_of(o), "open") == 0;
	return p->nnew > 0 && p->target == NULL ? -1 : 0;
}

/* The plan p said for people, into it->reason. */
static void
say_plan(struct complete_item *it, const struct plan *p)
{
	char	 codes[64], ships[64];

	codes[0] = ships[0] = '\0';
	if (p->nnew > 0)
		snprintf(codes, sizeof(codes), "%zu tracking code%s added, ",
		    p->nnew, p->nnew == 1 ? "" : "s");
	if (p->nship > 0)
		snprintf(ships, sizeof(ships), "%zu deliver%s shipped, ",
		    p->nship, p->nship == 1 ? "y" : "ies");
	snprintf(it->reason, sizeof(it->reason), "%s%sthe order %scompleted",
	    codes, ships, p->process ? "processed and " : "");
}

/*
 * A transition of entity's (order, order_delivery) id: its state after,
 * checked to be want.  0 done; 1 refused (it->reason); -1 unknown.
 */
static int
transition(struct session *s, struct complete_item *it, const char *entity,
    const char *id, const char *action, const char *want, int mail)
{
	json_t	*ans;
	char	 path[160], words[512];
	const char *st;
	int	 rc;

	snprintf(path, sizeof(path), "_action/%s/%s/state/%s", entity, id,
	    action);
	rc = call(s, "POST", path, json_pack("{s:b}", "sendMail", mail),
	    HTTP_JSON | HTTP_ONCE, &ans, words, sizeof(words));
	st = json_string_value(json_object_get(ans, "technicalName"));
	if (rc == 0 && (st == NULL || strcmp(st, want) != 0)) {
		rc = 1;
		snprintf(words, sizeof(words), "the state is '%s', not '%s'",
		    st != NULL ? st : "", want);
	}
	if (rc == 1) {
		it->result = OR_FAILED;
		snprintf(it->reason, sizeof(it->reason), "%s %s: %.900s",
		    entity, action, words[0] != '\0' ? words : s->err);
	}
	json_decref(ans);
	return rc;
}

/*
 * Carry plan p out: the codes on the delivery (a PATCH, sent again as
 * often as it takes: it sets the list), each delivery to ship shipped
 * (the customer mailed only with --notify-customer), the order
 * processed if open and completed, no mail.  0 done; 1 refused
 * (it->reason); -1 unknown.
 */
static int
carry_out(struct session *s, struct complete_item *it, json_t *o,
    struct plan *p)
{
	json_t	*ans, *d;
	const char *id;
	char	 path[160], words[512], t[64];
	size_t	 i;
	int	 rc;

	if (p->nnew > 0) {
		snprintf(path, sizeof(path), "order-delivery/%s", conn_text(
		    p->target, "id", t, sizeof(t)));
		rc = call(s, "PATCH", path, json_pack("{s:O}", "trackingCodes",
		    p->codes), 0, &ans, words, sizeof(words));
		json_decref(ans);
		if (rc == 1) {
			it->result = OR_FAILED;
			snprintf(it->reason, sizeof(it->reason), "the tracking "
			    "codes: %.900s", words[0] != '\0' ? words : s->err);
		}
		if (rc != 0)
			return rc;
	}
	json_array_foreach(json_object_get(o, "deliveries"), i, d)
		if (to_ship(d) && (rc = transition(s, it, "order_delivery",
		    conn_text(d, "id", t, sizeof(t)), "ship", "shipped",
		    it->notify)) != 0)
			return rc;
	id = conn_text(o, "id", t, sizeof(t));
	if (p->process && (rc = transition(s, it, "order", id, "process",
	    "in_progress", 0)) != 0)
		return rc;
	return transition(s, it, "order", id, "complete", "completed", 0);
}

/*
 * Complete an order the way Shopware keeps one: the tracking codes on
 * its delivery (trackingCodes), the delivery shipped, the order
 * processed and completed, each a state transition
 * (Checkout/Order/Api/OrderActionController.php) with sendMail false
 * unless --notify-customer (then the delivery's shipping mail only).
 * What the shop has already is not done again.
 */
static int
complete(struct session *s, struct complete_item *it)
{
	struct plan p;
	json_t	*o;
	const char *st;
	int	 rc;

	if ((rc = find_order(s, it, &o)) != 0)
		return rc == 1 ? 0 : -1;
	conn_get(o, "id", it->id, sizeof(it->id));
	conn_get(o, "orderNumber", it->number, sizeof(it->number));
	st = state_of(o);
	memset(&p, 0, sizeof(p));
	rc = 0;
	if (strcmp(st, "completed") == 0)
		it->result = OR_ALREADY;
	else if (strcmp(st, "cancelled") == 0) {
		it->result = OR_CANCELLED;
		snprintf(it->reason, sizeof(it->reason), "cancelled in "
		    "Shopware");
	} else if (strcmp(st, "open") != 0 && strcmp(st, "in_progress") != 0) {
		it->result = OR_FAILED;
		snprintf(it->reason, sizeof(it->reason), "state '%s' is not "
		    "one Shopware ships", st);
	} else if (make_plan(o, it, &p) == -1) {
		it->result = OR_FAILED;
		snprintf(it->reason, sizeof(it->reason), "the order has no "
		    "delivery to carry the tracking codes");
	} else if (it->dry) {
		it->result = OR_WOULD;
		say_plan(it, &p);
	} else if ((rc = carry_out(s, it, o, &p)) == 0) {
		it->result = OR_DONE;
		it->reason[0] = '\0';
		if (p.nnew == 0 && it->nships > 0)
			snprintf(it->reason, sizeof(it->reason), "the tracking "
			    "codes were there already");
	} else if (rc == 1)
		rc = 0;
	json_decref(p.codes);
	json_decref(o);
	return rc;
}

const struct connector conn_shopware = {
	.name = "shopware",
	.no_warehouses = "Shopware keeps one stock level per product: "
	    "no warehouses",
	.batch = BATCH,
	.batch_max = BATCH_MAX,
	/* No Admin API limit in Shopware; a host's: rate_limit. */
	.setup = setup,
	.close = close_priv,
	.orders = orders,
	.stock = stock,
	.items = items,
	.push = push,
	.complete = complete,
	.no_write = "shopswitch does not enter orders in Shopware yet",
	.cas = 0
};
