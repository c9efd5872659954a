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
 * transitions, sendMail false.  Orders are entered whole through the
 * DAL (POST /api/order), found again by the custom field
 * shopswitch_origin, with a number reserved from the shop's range.
 * Shopware has no Admin API rate limit of its own.  Errors are
 * {"errors":[{"code", "title", "detail"}]}.  See
 * shopware.stoplight.io/docs/admin-api and the source of shopware/
 * shopware (src/Core), and tests/sandbox/shopware.py for the sources of
 * each behaviour.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "../connector.h"
#include "../money.h"
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
	/* What entering orders needs of the shop, read once (shop_read). */
	int		 have_shop;	/* read */
	char		 channel[33];	/* the sales channel orders go to */
	char		 language[33];	/* and its language */
	char		 payment[33];	/* its default payment method */
	char		 shipping[33];	/* its default shipping method */
	char		 st_order[33];	/* the state "open" of an order */
	char		 st_delivery[33];	/* of a delivery */
	char		 st_paid[33];	/* the state "paid" of a payment */
	json_t		*currencies;	/* isoCode -> the currency, as read */
	json_t		*countries;	/* iso -> the country's id, or null */
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
	sw->currencies = json_object();
	sw->countries = json_object();
	return 0;
}

static void
close_priv(struct session *s)
{
	struct shopware *sw = s->priv;

	if (sw == NULL)
		return;
	free(sw->token_url);
	json_decref(sw->currencies);
	json_decref(sw->countries);
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

/*
 * orders-push: the SKUs, the marker, and the order entered.
 */

static int	 shop_read(struct session *);

/*
 * Products sold on their own by productNumber, 500 SKUs a search
 * (equalsAny).  productNumber is unique in Shopware
 * (uniq.product.product_number__version_id), so a SKU is never on two
 * products; the column compares without case and accents
 * (utf8mb4_unicode_ci), so a search may hand back a product whose
 * number is spelled otherwise, which the tool passes over.  This is
 * called once before any order is entered: what entering orders needs
 * of the shop is read here too, so that a shop that lacks it (a sales
 * channel to name) is refused before anything is written.
 */
static int
find_skus(struct session *s, const char *const *skus, size_t n, item_cb cb,
    void *arg)
{
	struct itemq iq;
	json_t	*crit, *vals;
	size_t	 i, k;
	int	 rc;

	if (shop_read(s) == -1)
		return -1;
	iq.cb = cb;
	iq.arg = arg;
	rc = 0;
	for (i = 0; i < n && rc == 0; i += k) {
		vals = json_array();
		for (k = 0; i + k < n && k < PAGE; k++)
			json_array_append_new(vals, json_string(skus[i + k]));
		crit = product_criteria(1, json_pack("[s, s, s]", "id",
		    "productNumber", "stock"));
		json_array_append_new(json_object_get(crit, "filter"),
		    json_pack("{s:s, s:s, s:o}", "type", "equalsAny", "field",
		    "productNumber", "value", vals));
		rc = each_item(s, "product", crit, items_each, &iq);
		json_decref(crit);
	}
	return rc;
}

#define ORIGIN	"shopswitch_origin"	/* the marker's custom field */

/*
 * An order that carries the marker in its custom field shopswitch_origin,
 * by one search: the DAL filters on any key of customFields, a key no
 * custom field set declares being read as text
 * (Dbal/FieldAccessorBuilder/CustomFieldsAccessorBuilder.php,
 * JsonFieldAccessorBuilder.php).  The text compares without case and
 * accents, so the marker found is checked to be the very one.  The
 * search reads the database, in which the order is the moment its
 * write is answered: no lag (Elasticsearch serves the Admin API's
 * searches only for a criteria marked for it, which these are not:
 * Elasticsearch/Framework/ElasticsearchHelper.php::allowSearch).
 */
static int
find_created(struct session *s, struct create_item *it)
{
	json_t	*crit, *ans, *o;
	const char *v;
	char	 words[512];
	size_t	 i;
	int	 found;

	crit = json_pack("{s:i, s:[{s:s, s:s, s:s}], s:{s:[s, s, s]}}",
	    "limit", 25, "filter", "type", "equals", "field",
	    "customFields." ORIGIN, "value", it->marker, "includes", "order",
	    "id", "orderNumber", "customFields");
	if (call(s, "POST", "search/order", crit, HTTP_JSON, &ans, words,
	    sizeof(words)) != 0) {
		json_decref(ans);
		return -1;
	}
	found = 0;
	json_array_foreach(json_object_get(ans, "data"), i, o) {
		v = json_string_value(json_object_get(json_object_get(o,
		    "customFields"), ORIGIN));
		if (v == NULL || strcmp(v, it->marker) != 0)
			continue;
		conn_get(o, "id", it->id, sizeof(it->id));
		conn_get(o, "orderNumber", it->number, sizeof(it->number));
		found = 1;
		break;
	}
	json_decref(ans);
	return found;
}

/*
 * One search of entity with criteria crit (stolen) whose answer's data
 * is returned (the caller decrefs it), or NULL (s->err).
 */
static json_t *
sw_search(struct session *s, const char *entity, json_t *crit)
{
	json_t	*ans, *data;
	char	 path[64], words[512];

	snprintf(path, sizeof(path), "search/%s", entity);
	if (call(s, "POST", path, crit, HTTP_JSON, &ans, words,
	    sizeof(words)) != 0) {
		json_decref(ans);
		return NULL;
	}
	data = json_incref(json_object_get(ans, "data"));
	json_decref(ans);
	if (!json_is_array(data)) {
		json_decref(data);
		snprintf(s->err, sizeof(s->err), "%s/api/%s: the answer is not "
		    "a list", s->url, path);
		return NULL;
	}
	return data;
}

/* Member key of o, a string, into dst (33 bytes: an id). */
static void
get_id(json_t *o, const char *key, char dst[33])
{
	conn_copy(dst, 33, conn_text(o, key, dst, 33));
}

#define STOREFRONT	"8a243080f92e4c719546314b577cf82b"	/* its typeId,
					   Defaults::SALES_CHANNEL_TYPE_
					   STOREFRONT */

/*
 * The sales channel the orders go to: the connection's sales_channel
 * (a name or an id), else the shop's only active storefront.  Its
 * language, default payment and shipping method are the new orders'.
 */
static int
read_channel(struct session *s)
{
	struct shopware *sw = s->priv;
	struct buf names;
	json_t	*data, *c, *pick;
	const char *want, *name;
	size_t	 i, nfront;
	int	 rc, match;

	data = sw_search(s, "sales-channel", json_pack("{s:i, s:[{s:s, s:s, "
	    "s:b}], s:[{s:s, s:s}], s:{s:[s, s, s, s, s, s]}}", "limit", PAGE,
	    "filter", "type", "equals", "field", "active", "value", 1, "sort",
	    "field", "name", "order", "ASC", "includes", "sales_channel", "id",
	    "name", "typeId", "languageId", "paymentMethodId",
	    "shippingMethodId"));
	if (data == NULL)
		return -1;
	want = cfg_get(s->cfg, "sales_channel");
	pick = NULL;
	nfront = 0;
	memset(&names, 0, sizeof(names));
	json_array_foreach(data, i, c) {
		name = conn_text(c, "name", NULL, 0);
		if (want != NULL)
			match = strcmp(name, want) == 0 ||
			    strcmp(conn_text(c, "id", NULL, 0), want) == 0;
		else
			match = strcmp(conn_text(c, "typeId", NULL, 0),
			    STOREFRONT) == 0;
		if (!match)
			continue;
		pick = c;
		buf_adds(&names, nfront++ > 0 ? ", " : "");
		buf_adds(&names, name);
	}
	rc = 0;
	if (want != NULL && nfront != 1)
		rc = conn_mistake(s, "%s:%lu: [%s]: %s active sales channel is "
		    "named or has the id '%s'", s->cfg->file, cfg_line(s->cfg,
		    "sales_channel"), s->cfg->name, nfront == 0 ? "no" :
		    "more than one", want);
	else if (nfront != 1)
		rc = conn_mistake(s, "%s:%lu: [%s]: the shop has %s active "
		    "storefront%s%s%s: name the sales channel to enter the "
		    "orders in with 'sales_channel = ' its name or id",
		    s->cfg->file, s->cfg->line, s->cfg->name, nfront == 0 ?
		    "no" : "more than one", nfront == 0 ? "" : " (",
		    buf_str(&names), nfront == 0 ? "" : ")");
	else {
		get_id(pick, "id", sw->channel);
		get_id(pick, "languageId", sw->language);
		get_id(pick, "paymentMethodId", sw->payment);
		get_id(pick, "shippingMethodId", sw->shipping);
	}
	buf_free(&names);
	json_decref(data);
	return rc;
}

/*
 * The states a new order starts in: open, its delivery open, its
 * payment paid; one search of the three state machines' states.
 */
static int
read_states(struct session *s)
{
	struct shopware *sw = s->priv;
	json_t	*data, *st;
	const char *name, *machine;
	size_t	 i;

	data = sw_search(s, "state-machine-state", json_pack("{s:i, s:[{s:s, "
	    "s:s, s:[s, s]}, {s:s, s:s, s:[s, s, s]}], s:{s:{}}, s:{s:[s, s, "
	    "s], s:[s]}}", "limit", PAGE, "filter", "type", "equalsAny",
	    "field", "technicalName", "value", "open", "paid", "type",
	    "equalsAny", "field", "stateMachine.technicalName", "value",
	    "order.state", "order_delivery.state", "order_transaction.state",
	    "associations", "stateMachine", "includes", "state_machine_state",
	    "id", "technicalName", "stateMachine", "state_machine",
	    "technicalName"));
	if (data == NULL)
		return -1;
	json_array_foreach(data, i, st) {
		name = conn_text(st, "technicalName", NULL, 0);
		machine = conn_text(json_object_get(st, "stateMachine"),
		    "technicalName", NULL, 0);
		if (strcmp(machine, "order.state") == 0 &&
		    strcmp(name, "open") == 0)
			get_id(st, "id", sw->st_order);
		else if (strcmp(machine, "order_delivery.state") == 0 &&
		    strcmp(name, "open") == 0)
			get_id(st, "id", sw->st_delivery);
		else if (strcmp(machine, "order_transaction.state") == 0 &&
		    strcmp(name, "paid") == 0)
			get_id(st, "id", sw->st_paid);
	}
	json_decref(data);
	if (*sw->st_order == '\0' || *sw->st_delivery == '\0' ||
	    *sw->st_paid == '\0') {
		snprintf(s->err, sizeof(s->err), "%s/api/search/"
		    "state-machine-state: the shop lacks the state open of an "
		    "order or delivery, or paid of a payment", s->url);
		return -1;
	}
	return 0;
}

/* What entering orders needs of the shop, read once.  0, or -1. */
static int
shop_read(struct session *s)
{
	struct shopware *sw = s->priv;

	if (sw->have_shop)
		return 0;
	if (read_channel(s) == -1 || read_states(s) == -1)
		return -1;
	sw->have_shop = 1;
	return 0;
}

/*
 * The currency of ISO code iso (borrowed; the caller must not decref),
 * or NULL: not in the shop (*why said) or the shop failed (-1 in *rc).
 */
static json_t *
currency(struct session *s, const char *iso, int *rc)
{
	struct shopware *sw = s->priv;
	json_t	*data, *c, *found;
	size_t	 i;

	*rc = 0;
	if ((found = json_object_get(sw->currencies, iso)) != NULL)
		return json_is_object(found) ? found : NULL;
	data = sw_search(s, "currency", json_pack("{s:i, s:[{s:s, s:s, s:s}], "
	    "s:{s:[s, s, s, s, s]}}", "limit", 10, "filter", "type", "equals",
	    "field", "isoCode", "value", iso, "includes", "currency", "id",
	    "isoCode", "factor", "itemRounding", "totalRounding"));
	if (data == NULL) {
		*rc = -1;
		return NULL;
	}
	found = json_null();
	json_array_foreach(data, i, c)
		if (strcmp(conn_text(c, "isoCode", NULL, 0), iso) == 0)
			found = c;
	json_object_set(sw->currencies, iso, found);
	json_decref(data);
	found = json_object_get(sw->currencies, iso);
	return json_is_object(found) ? found : NULL;
}

/*
 * The ids of the countries of addresses a and b (either may be NULL)
 * into the cache, in one search for those not read yet.  0, or -1.
 */
static int
countries(struct session *s, json_t *a, json_t *b)
{
	struct shopware *sw = s->priv;
	json_t	*want, *data, *c, *addr[2];
	const char *iso;
	size_t	 i;

	want = json_array();
	addr[0] = a;
	addr[1] = b;
	for (i = 0; i < 2; i++) {
		iso = json_string_value(json_object_get(addr[i], "country"));
		if (iso != NULL && *iso != '\0' &&
		    json_object_get(sw->countries, iso) == NULL) {
			json_array_append_new(want, json_string(iso));
			json_object_set_new(sw->countries, iso, json_null());
		}
	}
	if (json_array_size(want) == 0) {
		json_decref(want);
		return 0;
	}
	data = sw_search(s, "country", json_pack("{s:i, s:[{s:s, s:s, s:O}], "
	    "s:{s:[s, s]}}", "limit", 10, "filter", "type", "equalsAny",
	    "field", "iso", "value", want, "includes", "country", "id",
	    "iso"));
	if (data == NULL) {
		json_array_foreach(want, i, c)	/* not known: ask again */
			json_object_del(sw->countries, json_string_value(c));
		json_decref(want);
		return -1;
	}
	json_array_foreach(data, i, c) {
		iso = conn_text(c, "iso", NULL, 0);
		if (json_is_null(json_object_get(sw->countries, iso)))
			json_object_set_new(sw->countries, iso, json_string(
			    conn_text(c, "id", NULL, 0)));
	}
	json_decref(want);
	json_decref(data);
	return 0;
}

/*
 * An id of the new order's, the same for the same marker and part every
 * time: the first 128 bits of SHA-256("shopswitch" marker part), as a
 * UUID of version 8 (RFC 9562), 32 hex digits as Shopware writes them.
 * Entering an order a second time is then an insert of an id that is
 * there, which Shopware refuses, whatever its search shows.
 */
static void
part_id(const char *marker, const char *part, char out[33])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;
	struct buf b;
	size_t	 i;

	memset(&b, 0, sizeof(b));
	buf_adds(&b, "shopswitch ");
	buf_adds(&b, marker);
	buf_addc(&b, ' ');
	buf_adds(&b, part);
	EVP_Digest(b.s, b.len, md, &mdlen, EVP_sha256(), NULL);
	buf_free(&b);
	md[6] = (md[6] & 0x0f) | 0x80;	/* version 8 */
	md[8] = (md[8] & 0x3f) | 0x80;	/* the variant */
	for (i = 0; i < 16; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0xf];
	}
	out[32] = '\0';
}

/* A CalculatedPrice of n items costing total, each unit. */
static json_t *
calc_price(long long unit, long long total, json_int_t n, int decimals)
{
	char	 u[MONEY_LEN], t[MONEY_LEN];

	/* A FloatField takes a numeric string (Type numeric): no double. */
	money_format(unit, decimals, u);
	money_format(total, decimals, t);
	return json_pack("{s:s, s:s, s:I, s:[], s:[]}", "unitPrice", u,
	    "totalPrice", t, "quantity", n, "calculatedTaxes", "taxRules");
}

/*
 * The order's customer and its address a (NULL: none) as Shopware
 * takes them: first and last name from the address's name, else the
 * order's, all of them required.  NULL with the reason in why when
 * something it needs is missing.
 */
static json_t *
sw_address(struct shopware *sw, json_t *o, json_t *a, const char *id,
    const char *what, char *why, size_t wlen)
{
	char	 first[256], last[256];
	const char *name, *iso, *k[] = { "address1", "city" };
	json_t	*r, *country;
	size_t	 i;

	name = json_string_value(json_object_get(a, "name"));
	if (name == NULL || strspn(name, " ") == strlen(name))
		name = json_string_value(json_object_get(o, "name"));
	conn_split_name(name != NULL ? name : "", first, sizeof(first), last,
	    sizeof(last));
	if (*first == '\0' || *last == '\0') {
		snprintf(why, wlen, "the %s address has no first and last name "
		    "('%s'): Shopware needs both", what, name != NULL ? name :
		    "");
		return NULL;
	}
	for (i = 0; i < NELEM(k); i++) {
		name = json_string_value(json_object_get(a, k[i]));
		if (name == NULL || strspn(name, " ") == strlen(name)) {
			snprintf(why, wlen, "the %s address has no %s: "
			    "Shopware needs street and city", what, i == 0 ?
			    "street" : "city");
			return NULL;
		}
	}
	iso = json_string_value(json_object_get(a, "country"));
	country = json_object_get(sw->countries, iso != NULL ? iso : "");
	if (!json_is_string(country)) {
		snprintf(why, wlen, "the %s address's country '%s' is not one "
		    "the shop has", what, iso != NULL ? iso : "");
		return NULL;
	}
	r = json_pack("{s:s, s:O, s:s, s:s, s:s, s:s}", "id", id, "countryId",
	    country, "firstName", first, "lastName", last, "street",
	    json_string_value(json_object_get(a, "address1")), "city",
	    json_string_value(json_object_get(a, "city")));
	/* The optional ones: Shopware takes "" as null. */
	if ((name = json_string_value(json_object_get(a, "address2"))) != NULL)
		json_object_set_new(r, "additionalAddressLine1",
		    json_string(name));
	if ((name = json_string_value(json_object_get(a, "zip"))) != NULL)
		json_object_set_new(r, "zipcode", json_string(name));
	if ((name = json_string_value(json_object_get(a, "company"))) != NULL)
		json_object_set_new(r, "company", json_string(name));
	if ((name = json_string_value(json_object_get(a, "phone"))) != NULL)
		json_object_set_new(r, "phoneNumber", json_string(name));
	return r;
}

/* What is built for one order: its parts, and the ids they refer to. */
struct entry {
	char		 id[33];	/* the order's */
	char		 bill[33];	/* its billing address */
	char		 ship[33];	/* the delivery's address */
	json_t		*body;		/* POST /api/order */
	json_t		*cur;		/* its currency (borrowed) */
};

/*
 * The lines of order record o at their totals lt (m), each product's
 * id refs[i], and, when the lines cost more than the order, a credit
 * line of the difference; the delivery's positions into *pos.
 */
static json_t *
line_items(const struct create_item *it, const long long *lt,
    const struct order_money *m, json_t **pos)
{
	json_t	*lines, *l, *price;
	const char *sku, *label;
	char	 id[33], pid[33], part[32];
	long long unit, cents;
	json_int_t qty;
	size_t	 i;

	lines = json_array();
	*pos = json_array();
	/* The unit price to the cent (to the amount's decimals). */
	cents = MONEY_SCALE / (m->decimals >= 4 ? 10000 : m->decimals == 3 ?
	    1000 : 100);
	json_array_foreach(json_object_get(it->order, "lines"), i, l) {
		qty = json_integer_value(json_object_get(l, "qty"));
		unit = lt[i] / qty;
		unit = (unit + (unit < 0 ? -cents : cents) / 2) / cents * cents;
		sku = json_string_value(json_object_get(l, "sku"));
		label = json_string_value(json_object_get(l, "name"));
		if (label == NULL || strspn(label, " ") == strlen(label))
			label = sku;
		snprintf(part, sizeof(part), "line %zu", i + 1);
		part_id(it->marker, part, id);
		price = calc_price(unit, lt[i], qty, m->decimals);
		json_array_append_new(lines, json_pack("{s:s, s:s, s:s, s:s, "
		    "s:s, s:I, s:s, s:{s:s}, s:b, s:b, s:b, s:I, s:[s], s:O}",
		    "id", id, "productId", it->refs[i], "identifier",
		    it->refs[i], "referencedId", it->refs[i], "type", "product",
		    "quantity", qty, "label", label, "payload", "productNumber",
		    sku, "good", 1, "removable", 1, "stackable", 1, "position",
		    (json_int_t)i + 1, "states", "is-physical", "price",
		    price));
		snprintf(part, sizeof(part), "position %zu", i + 1);
		part_id(it->marker, part, pid);
		json_array_append_new(*pos, json_pack("{s:s, s:s, s:o}", "id",
		    pid, "orderLineItemId", id, "price", price));
	}
	if (m->rest < 0) {
		/* The admin's own way to take money off: a credit line. */
		part_id(it->marker, "credit", id);
		json_array_append_new(lines, json_pack("{s:s, s:s, s:s, s:I, "
		    "s:s, s:{}, s:b, s:b, s:b, s:I, s:[], s:o}", "id", id,
		    "identifier", id, "type", "credit", "quantity",
		    (json_int_t)1, "label", "Discount of the old order",
		    "payload", "good", 0, "removable", 1, "stackable", 0,
		    "position", (json_int_t)i + 1, "states", "price",
		    calc_price(m->rest, m->rest, 1, m->decimals)));
	}
	return lines;
}

/*
 * Build the body of POST /api/order for order it into e, reading what
 * it needs of the shop (its currency, the addresses' countries).  0;
 * 1 when the order cannot be entered (it->result and reason set); -1
 * when the shop failed (s->err).
 */
static int
build(struct session *s, struct create_item *it, struct entry *e)
{
	struct shopware *sw = s->priv;
	struct order_money m;
	json_t	*o, *bill, *ship, *a, *addrs, *lines, *pos, *r, *cust, *b;
	long long lt[256], ship_cost;
	const char *iso, *email;
	char	 why[512], total[MONEY_LEN], pp[MONEY_LEN];
	char	 first[256], last[256], when[TZ_LEN], id[33];
	size_t	 i;
	int	 rc;

	memset(e, 0, sizeof(*e));
	o = it->order;
	it->result = OR_FAILED;
	if (conn_order_money(o, lt, NELEM(lt), &m, why, sizeof(why)) == -1) {
		snprintf(it->reason, sizeof(it->reason), "%s", why);
		return 1;
	}
	email = json_string_value(json_object_get(o, "email"));
	if (email == NULL || strspn(email, " ") == strlen(email)) {
		snprintf(it->reason, sizeof(it->reason), "no e-mail address: "
		    "Shopware needs one for the order's customer");
		return 1;
	}
	iso = json_string_value(json_object_get(o, "currency"));
	if (iso == NULL || *iso == '\0') {
		snprintf(it->reason, sizeof(it->reason), "no currency: "
		    "Shopware needs one for the prices");
		return 1;
	}
	if ((e->cur = currency(s, iso, &rc)) == NULL) {
		if (rc == -1)
			return -1;
		snprintf(it->reason, sizeof(it->reason), "the currency %s is "
		    "not one the shop has", iso);
		return 1;
	}
	bill = json_object_get(o, "billing_address");
	ship = json_object_get(o, "shipping_address");
	if (!json_is_object(bill))
		bill = ship;
	if (!json_is_object(ship) || json_equal(ship, bill))
		ship = bill;		/* one address, as the checkout's */
	if (!json_is_object(bill)) {
		snprintf(it->reason, sizeof(it->reason), "no address: Shopware "
		    "needs a billing address");
		return 1;
	}
	if (countries(s, bill, ship) == -1)
		return -1;
	part_id(it->marker, "order", e->id);
	part_id(it->marker, "billing address", e->bill);
	part_id(it->marker, ship != bill ? "shipping address" :
	    "billing address", e->ship);
	addrs = json_array();
	if ((a = sw_address(sw, o, bill, e->bill, "billing", it->reason,
	    sizeof(it->reason))) == NULL ||
	    json_array_append_new(addrs, a) == -1 || (ship != bill &&
	    ((a = sw_address(sw, o, ship, e->ship, "shipping", it->reason,
	    sizeof(it->reason))) == NULL ||
	    json_array_append_new(addrs, a) == -1))) {
		json_decref(addrs);
		return 1;
	}
	conn_split_name(conn_text(o, "name", NULL, 0), first, sizeof(first),
	    last, sizeof(last));
	if (*first == '\0' || *last == '\0') {
		/* The billing address has them (sw_address checked). */
		a = json_array_get(addrs, 0);
		conn_copy(first, sizeof(first), conn_text(a, "firstName", NULL,
		    0));
		conn_copy(last, sizeof(last), conn_text(a, "lastName", NULL,
		    0));
	}
	part_id(it->marker, "customer", id);
	cust = json_pack("{s:s, s:s, s:s, s:s}", "id", id, "email", email,
	    "firstName", first, "lastName", last);
	if (*conn_text(bill, "company", NULL, 0) != '\0')
		json_object_set_new(cust, "company", json_string(conn_text(bill,
		    "company", NULL, 0)));

	lines = line_items(it, lt, &m, &pos);
	ship_cost = m.rest > 0 ? m.rest : 0;
	money_format(m.total, m.decimals, total);
	money_format(m.total - ship_cost, m.decimals, pp);
	tz_format(time(NULL), when);
	b = json_object();
	json_object_set_new(b, "id", json_string(e->id));
	json_object_set_new(b, "billingAddressId", json_string(e->bill));
	json_object_set(b, "currencyId", json_object_get(e->cur, "id"));
	json_object_set(b, "currencyFactor", json_object_get(e->cur,
	    "factor"));
	json_object_set_new(b, "languageId", json_string(sw->language));
	json_object_set_new(b, "salesChannelId", json_string(sw->channel));
	json_object_set_new(b, "orderDateTime", json_string(when));
	json_object_set_new(b, "stateId", json_string(sw->st_order));
	json_object_set_new(b, "price", json_pack("{s:s, s:s, s:[], s:[], "
	    "s:s, s:s, s:s}", "netPrice", total, "totalPrice", total,
	    "calculatedTaxes", "taxRules", "positionPrice", pp, "rawTotal",
	    total, "taxStatus", "gross"));
	json_object_set_new(b, "shippingCosts", calc_price(ship_cost,
	    ship_cost, 1, m.decimals));
	for (i = 0; i < 2; i++) {
		/* Its three keys only: apiAlias would be an unexpected one. */
		r = json_object_get(e->cur, i == 0 ? "itemRounding" :
		    "totalRounding");
		json_object_set_new(b, i == 0 ? "itemRounding" :
		    "totalRounding", json_pack("{s:O?, s:O?, s:O?}", "decimals",
		    json_object_get(r, "decimals"), "interval",
		    json_object_get(r, "interval"), "roundForNet",
		    json_object_get(r, "roundForNet")));
	}
	json_object_set_new(b, "customerComment", json_string(it->note));
	json_object_set_new(b, "customFields", json_pack("{s:s}", ORIGIN,
	    it->marker));
	json_object_set_new(b, "orderCustomer", cust);
	json_object_set_new(b, "addresses", addrs);
	json_object_set_new(b, "lineItems", lines);
	part_id(it->marker, "delivery", id);
	json_object_set_new(b, "deliveries", json_pack("[{s:s, s:s, s:s, s:s, "
	    "s:s, s:s, s:o, s:o}]", "id", id, "shippingOrderAddressId", e->ship,
	    "shippingMethodId", sw->shipping, "stateId", sw->st_delivery,
	    "shippingDateEarliest", when, "shippingDateLatest", when,
	    "shippingCosts", calc_price(ship_cost, ship_cost, 1, m.decimals),
	    "positions", pos));
	part_id(it->marker, "payment", id);
	json_object_set_new(b, "transactions", json_pack("[{s:s, s:s, s:o, "
	    "s:s}]", "id", id, "paymentMethodId", sw->payment, "amount",
	    calc_price(m.total,
	    m.total, 1, m.decimals), "stateId", sw->st_paid));
	e->body = b;
	it->result = 0;
	snprintf(it->reason, sizeof(it->reason), "%zu line%s, total %s %s, "
	    "paid, open", m.nlines, m.nlines == 1 ? "" : "s", total, iso);
	return 0;
}

/* Shopware's refusal to insert what is there (WriteTypeIntendException). */
#define INTEND	"FRAMEWORK__WRITE_TYPE_INTEND_ERROR"

/*
 * Order it is in the shop under id (an insert of it was refused): its
 * number, and the result exists.  0, or -1 (s->err).
 */
static int
by_id(struct session *s, struct create_item *it, const char *id)
{
	json_t	*data, *o;

	data = sw_search(s, "order", json_pack("{s:[s], s:{s:[s, s]}}", "ids",
	    id, "includes", "order", "id", "orderNumber"));
	if (data == NULL)
		return -1;
	o = json_array_get(data, 0);
	it->result = o != NULL ? OR_ALREADY : OR_FAILED;
	conn_get(o, "id", it->id, sizeof(it->id));
	conn_get(o, "orderNumber", it->number, sizeof(it->number));
	snprintf(it->reason, sizeof(it->reason), o != NULL ? "an order with "
	    "its id is in the shop already" : "Shopware refused to insert it "
	    "(its id is taken), and has no order with that id");
	json_decref(data);
	return 0;
}

/*
 * Enter an order as Shopware's checkout writes one, through the DAL
 * (POST /api/order; the checkout's own write: Checkout/Cart/Order/
 * OrderConverter.php and Transformer/): open, with one open delivery
 * to the shipping address by the sales channel's default shipping
 * method, and one payment of the total by its default payment method,
 * paid.  The money is the client's to give (order.amount_total and the
 * line totals are columns generated from the prices written, and
 * nothing recalculates them): the lines at their totals, the unit
 * price to the cent, what the order cost beyond its lines as its
 * shipping costs, or a credit line of the discount; tax included
 * (gross), the taxes not broken out (the record says no rate).  The
 * number is reserved from the shop's order number range first; the
 * old number is in the customer comment, which the admin shows, the
 * marker in the custom field shopswitch_origin.  A DAL write mails no
 * one: the order confirmation belongs to the checkout
 * (checkout.order.placed, dispatched by Checkout/Cart/SalesChannel/
 * CartOrderRoute.php), the state mails to transitions.  Stock is taken
 * off as for any order (Content/Product/Stock/OrderStockSubscriber.php).
 */
static int
create(struct session *s, struct create_item *it)
{
	struct shopware *sw = s->priv;
	struct entry e;
	json_t	*ans;
	char	 path[128], words[1024];
	const char *num;
	int	 rc;

	if (shop_read(s) == -1)
		return -1;
	if ((rc = build(s, it, &e)) != 0)
		return rc == 1 ? 0 : -1;
	if (it->dry) {
		json_decref(e.body);
		it->result = OR_WOULD;
		return 0;
	}
	it->reason[0] = '\0';		/* the plan: a dry run's */
	snprintf(path, sizeof(path), "_action/number-range/reserve/order/%s",
	    sw->channel);
	rc = call(s, "GET", path, NULL, HTTP_JSON, &ans, words,
	    sizeof(words));
	num = json_string_value(json_object_get(ans, "number"));
	if (rc == 0 && (num == NULL || *num == '\0')) {
		snprintf(s->err, sizeof(s->err), "%s/api/%s: no number in the "
		    "answer", s->url, path);
		rc = -1;
	}
	if (rc != 0) {
		if (rc == 1) {
			it->result = OR_FAILED;
			snprintf(it->reason, sizeof(it->reason), "the order "
			    "number: %.900s", words[0] != '\0' ? words :
			    s->err);
		}
		json_decref(ans);
		json_decref(e.body);
		return rc == 1 ? 0 : -1;
	}
	json_object_set_new(e.body, "orderNumber", json_string(num));
	conn_copy(it->number, sizeof(it->number), num);
	json_decref(ans);
	/* Sent once: a write whose answer was lost is looked for first. */
	rc = call(s, "POST", "order", e.body, HTTP_ONCE, &ans, words,
	    sizeof(words));
	if (rc == 0) {
		conn_copy(it->id, sizeof(it->id), e.id);
		it->result = OR_DONE;
	} else if (rc == 1 && strstr(words, INTEND) != NULL) {
		/* Its id is taken: entered before, whatever the search said. */
		rc = by_id(s, it, e.id);
	} else if (rc == 1) {
		it->number[0] = '\0';
		it->result = OR_FAILED;
		conn_copy(it->reason, sizeof(it->reason), words[0] != '\0' ?
		    words : s->err);
		rc = 0;
	}
	json_decref(ans);
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
	.find_skus = find_skus,
	.find_created = find_created,
	.create = create,
	.no_create_notify = "Shopware mails the order confirmation from its "
	    "checkout only (the flow of checkout.order.placed), and its Admin "
	    "API has no request that sends it for an order entered "
	    "afterwards: leave out --notify-customer",
	.cas = 0
};
