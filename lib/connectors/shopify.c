/*
 * shopify: the Shopify GraphQL Admin API, pinned at version 2026-10.
 *
 * One endpoint, POST /admin/api/2026-10/graphql.json, with the header
 * X-Shopify-Access-Token: a permanent token, or one from the client
 * credentials grant, renewed before it expires.  Requests are limited by
 * their calculated cost, from a bucket that every answer reports in
 * extensions.cost.throttleStatus: the client waits for the points a query
 * needs before sending it, and a THROTTLED answer (200 or 429) is waited
 * out and sent again.  Stock is per inventory item and location (the
 * connection's); inventorySetQuantities writes up to 250 levels, each
 * compared with the level read (changeFromQuantity), under an
 * @idempotent key that stays the same when the request is resent.
 * See shopify.dev/docs/api/admin-graphql and shopify.dev/docs/api/usage.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/rand.h>

#include "../connector.h"
#include "../money.h"
#include "../tz.h"
#include "../util.h"

#define VERSION_PIN	"2026-10"
#define MAX_COST	1000		/* the most one query may cost */
#define BATCH		250		/* input arrays: at most 250 */
#define THROTTLE_TRIES	20		/* THROTTLED answers in a row */

/*
 * Page sizes from Shopify's cost rules: a connection costs 2 + first x
 * (1 + its node's objects).  A variant with its inventory item, level
 * and quantities is 4: 2 + 249 x 4 = 998; with its product's status too
 * (for stock-snapshot), 5: 2 + 199 x 5 = 997.  An order with its total (2), 20
 * line items (2 + 20) and 5 fulfillments of 2 tracking numbers (5 x 3)
 * is 40: 2 + 24 x 40 = 962.  A refusal for cost halves the page.
 */
#define ITEM_PAGE	249
/*
 * A bulk operation, as the sandbox has it from the one rate reported (a
 * catalog of 500,000 inventory records in 18 minutes): it starts in
 * seconds and writes some 500 objects a second.  bench/bulk measures the
 * crossover with paging.
 */
#define BULK_START	5	/* seconds: created, polled, fetched */
#define BULK_RATE	500	/* objects a second */
#define BULK_POLL_MIN	0.1	/* seconds between a bulk operation's polls */
#define BULK_POLL_MAX	10
#define VARIANT_PAGE	199
#define ORDER_PAGE	24
#define LINE_PAGE	20

/*
 * Every location, a fulfilment service's (a 3PL's, an app's) too: those
 * are listed only with includeLegacy (QueryRoot.locations).
 */
static const char q_locations[] =
    "query Locations { locations(first: 250, includeInactive: true, "
    "includeLegacy: true) { nodes { id name isActive "
    "isFulfillmentService } } }";

/*
 * The variants of the catalog, as stock-snapshot and stock-push read
 * them: a page at a time, or above bulk_above variants in one bulk
 * operation that selects the same, $location written in.
 */
#define SEL_AVAILABLE \
    "inventoryLevel(locationId: $location) { " \
    "quantities(names: [\"available\"]) { name quantity } }"
#define SEL_LEVEL "inventoryItem { id tracked " SEL_AVAILABLE " }"

struct listing {
	const char	*name;		/* the paged query's operation */
	const char	*sel;		/* a variant's selection */
	int		 page;		/* variants a page */
	double		 node;		/* points a variant */
};

static const struct listing l_variants = {
	"Variants", "sku displayName barcode product { status } " SEL_LEVEL,
	VARIANT_PAGE, 5
};
static const struct listing l_items = {
	"Items", "sku " SEL_LEVEL, ITEM_PAGE, 4
};

static const char q_count[] =
    "query Count($limit: Int) { productVariantsCount(limit: $limit) { "
    "count precision } }";

static const char m_bulk[] =
    "mutation Bulk($query: String!) { bulkOperationRunQuery(query: $query) "
    "{ bulkOperation { id status } userErrors { field message code } } }";

static const char m_cancel[] =
    "mutation Cancel($id: ID!) { bulkOperationCancel(id: $id) { "
    "bulkOperation { id status } userErrors { field message } } }";

static const char q_bulk[] =
    "query Op($id: ID!) { bulkOperation(id: $id) { id status errorCode "
    "objectCount url } }";

static const char q_orders[] =
    "query Orders($first: Int!, $after: String, $query: String, "
    "$lines: Int!) { orders(first: $first, after: $after, query: $query, "
    "sortKey: ID) { pageInfo { hasNextPage endCursor } "
    "nodes { id name createdAt updatedAt cancelledAt email "
    "displayFulfillmentStatus totalPriceSet { shopMoney { amount "
    "currencyCode } } lineItems(first: $lines) { pageInfo { hasNextPage "
    "endCursor } nodes { sku name currentQuantity unfulfilledQuantity } } "
    "fulfillments(first: 5) { createdAt trackingInfo(first: 2) { company "
    "number url } } } } }";

static const char q_lines[] =
    "query Lines($id: ID!, $after: String) { order(id: $id) { "
    "lineItems(first: 250, after: $after) { pageInfo { hasNextPage "
    "endCursor } nodes { sku name currentQuantity unfulfilledQuantity } } "
    "} }";

static const char m_set[] =
    "mutation Set($input: InventorySetQuantitiesInput!, $key: String!) { "
    "inventorySetQuantities(input: $input) @idempotent(key: $key) { "
    "inventoryAdjustmentGroup { id } userErrors { code field message } } }";

struct shopify {
	char		*endpoint;	/* the GraphQL URL */
	char		*auth;		/* the token's header line */
	struct conn_grant grant;	/* an app's client credentials: id
					   NULL for a permanent token */
	char		*token_url;	/* and their token endpoint */
	char		*location;	/* its gid, once known */
	char		 run[33];	/* this run's idempotency prefix */
	unsigned long	 seq;		/* and the batch number */
	double		 avail;		/* points in the bucket, last seen */
	double		 max;		/* the bucket's size */
	double		 restore;	/* points per second */
	double		 seen;		/* when avail was seen, or 0 */
	double		 bulk_above;	/* more variants: a bulk operation;
					   -1: where it is the faster */
	struct {
		char		 op[32];	/* a query's operation name */
		double		 ratio;	/* its reported cost / estimate */
	}		 learnt[12];	/* what Shopify charges, learnt */
	size_t		 nlearnt;
};

static int
setup(struct session *s, struct http_opts *o)
{
	struct shopify *sh;
	const char *token;
	struct buf b;
	unsigned char rnd[16];
	size_t	 i;

	sh = xcalloc(1, sizeof(*sh));
	s->priv = sh;
	token = cfg_get(s->cfg, "token");
	sh->grant.id = cfg_get(s->cfg, "client_id");
	sh->grant.secret = cfg_get(s->cfg, "client_secret");
	if ((token == NULL) == (sh->grant.id == NULL ||
	    sh->grant.secret == NULL) || (token != NULL &&
	    (sh->grant.id != NULL || sh->grant.secret != NULL))) {
		snprintf(s->err, sizeof(s->err), "%s:%lu: [%s] needs token (an "
		    "Admin API access token, shpat_...) or client_id and "
		    "client_secret (an app's client credentials), not both",
		    s->cfg->file, s->cfg->line, s->cfg->name);
		return -1;
	}
	if (token != NULL) {
		memset(&b, 0, sizeof(b));
		buf_adds(&b, "X-Shopify-Access-Token: ");
		buf_adds(&b, token);
		sh->auth = xstrdup(buf_str(&b));
		o->auth = sh->auth;
		buf_free(&b);
	}
	memset(&b, 0, sizeof(b));
	buf_adds(&b, s->url);
	buf_adds(&b, "/admin/api/" VERSION_PIN "/graphql.json");
	sh->endpoint = xstrdup(buf_str(&b));
	b.len = 0;
	buf_adds(&b, s->url);
	buf_adds(&b, "/admin/oauth/access_token");
	sh->token_url = xstrdup(buf_str(&b));
	buf_free(&b);
	sh->grant.url = sh->token_url;
	sh->grant.how = GRANT_FORM;
	sh->grant.header = "X-Shopify-Access-Token: ";
	sh->grant.codekey = "error";
	sh->grant.msgkey = "error_description";
	sh->bulk_above = -1;		/* where it is the faster */
	if (cfg_number(s->cfg, "bulk_above", 0, 1e9, &sh->bulk_above, s->err,
	    sizeof(s->err)) == -1)
		return -1;
	/* Orders reach the search index seconds after they are made. */
	s->search_lag = 10;
	if (cfg_number(s->cfg, "search_lag", 0, 600, &s->search_lag, s->err,
	    sizeof(s->err)) == -1)
		return -1;
	if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
		snprintf(s->err, sizeof(s->err), "no random bytes for an "
		    "idempotency key");
		return -1;
	}
	for (i = 0; i < sizeof(rnd); i++)
		snprintf(sh->run + 2 * i, 3, "%02x", rnd[i]);
	return 0;
}

static void
close_priv(struct session *s)
{
	struct shopify *sh = s->priv;

	if (sh == NULL)
		return;
	free(sh->endpoint);
	free(sh->auth);
	free(sh->token_url);
	free(sh->location);
	free(sh);
	s->priv = NULL;
}

/* The client credentials grant's token, when the connection has one. */
static int
grant(struct session *s)
{
	struct shopify *sh = s->priv;

	return sh->grant.id != NULL ? conn_grant(s, &sh->grant) : 0;
}

/* Take what an answer says of the cost bucket. */
static void
learn(struct shopify *sh, json_t *j)
{
	json_t	*ts;

	ts = json_object_get(json_object_get(json_object_get(j,
	    "extensions"), "cost"), "throttleStatus");
	if (!json_is_object(ts))
		return;
	sh->avail = json_number_value(json_object_get(ts,
	    "currentlyAvailable"));
	sh->max = json_number_value(json_object_get(ts, "maximumAvailable"));
	sh->restore = json_number_value(json_object_get(ts, "restoreRate"));
	sh->seen = mono_now();
}

/*
 * The ratio of what Shopify reported a query to cost (requestedQueryCost,
 * which the bucket must hold for it to run) to the estimate by the
 * documented rules: 1 until an answer says.  Its real costs may differ
 * from the rules (a mutation's inputs, nested levels).  A query is known
 * by its operation name ("query Items"), which one built for the moment
 * shares with the others of its kind.
 */
static double *
ratio(struct shopify *sh, const char *query)
{
	size_t	 i, n;

	n = strcspn(query, "({");
	if (n >= sizeof(sh->learnt[0].op))
		n = sizeof(sh->learnt[0].op) - 1;
	for (i = 0; i < sh->nlearnt; i++)
		if (strncmp(sh->learnt[i].op, query, n) == 0 &&
		    sh->learnt[i].op[n] == '\0')
			return &sh->learnt[i].ratio;
	if (sh->nlearnt == NELEM(sh->learnt))
		return &sh->learnt[0].ratio;	/* never: a dozen queries */
	memcpy(sh->learnt[sh->nlearnt].op, query, n);
	sh->learnt[sh->nlearnt].op[n] = '\0';
	sh->learnt[sh->nlearnt].ratio = 1;
	return &sh->learnt[sh->nlearnt++].ratio;
}

/* The cost an answer reports a query to need, or 0. */
static double
requested(json_t *j)
{
	return json_number_value(json_object_get(json_object_get(
	    json_object_get(j, "extensions"), "cost"), "requestedQueryCost"));
}

/* Wait until the bucket holds cost points, as far as is known. */
static void
pace(struct shopify *sh, struct http *h, double cost)
{
	double	 have;

	if (sh->seen == 0 || sh->restore <= 0)
		return;
	have = sh->avail + (mono_now() - sh->seen) * sh->restore;
	if (have > sh->max)
		have = sh->max;
	if (have < cost)
		http_pause(h, (cost - have) / sh->restore,
		    "for the rate limit");
}

/* The extensions.code of the first error of an answer, or "". */
static const char *
code_of(json_t *j)
{
	const char *c;

	c = json_string_value(json_object_get(json_object_get(
	    json_array_get(json_object_get(j, "errors"), 0), "extensions"),
	    "code"));
	return c != NULL ? c : "";
}

/*
 * Run query with vars (stolen) at an expected cost; a mutation that is
 * not idempotent once (HTTP_ONCE: never resent after an answer that
 * leaves it unknown).  Returns the answer's data (the caller decrefs
 * it), or NULL after setting s->err; *too_costly, if not NULL, gets 1
 * when Shopify refused the query for its cost, *refused when it refused
 * it at all (nothing was done).
 */
static json_t *
gql_req(struct session *s, const char *query, json_t *vars, double cost,
    int once, int *too_costly, int *refused)
{
	struct shopify *sh = s->priv;
	struct http_resp r;
	json_t	*body, *data, *err;
	const char *msg;
	char	*text;
	double	*dear, need, asked;	/* the ratio learnt; points needed */
	int	 tries, rc, regranted;

	if (too_costly != NULL)
		*too_costly = 0;
	if (refused != NULL)
		*refused = 0;
	if (grant(s) == -1) {
		json_decref(vars);
		return NULL;
	}
	body = json_pack("{s:s, s:o}", "query", query, "variables", vars);
	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	data = NULL;
	/* What it needs: the estimate, as dear as Shopify proved it. */
	dear = ratio(sh, query);
	need = cost * *dear;
	regranted = 0;
	for (tries = 0;; tries++) {
		pace(sh, s->http, need);
		rc = http_request(s->http, "POST", sh->endpoint, text,
		    HTTP_JSON | (once ? HTTP_ONCE : 0), &r);
		if (rc == 1 && r.status == 401 && sh->grant.id != NULL &&
		    !regranted) {
			/*
			 * The token died early (revoked, or the clocks
			 * differ): a new one, once, as conn_send does.  A
			 * request refused was not carried out.
			 */
			http_resp_free(&r);
			conn_regrant(&sh->grant);
			regranted = 1;
			if (grant(s) == -1)
				break;
			continue;
		}
		if (rc != 0) {
			conn_fail(s, &r, NULL, NULL);
			if (refused != NULL)
				*refused = http_refused(&r);
			if (r.body.len > 0) {
				json_error_t jerr;
				json_t	*j;

				j = json_loadb(r.body.s, r.body.len, 0, &jerr);
				msg = json_string_value(json_object_get(j,
				    "errors"));
				if (msg != NULL) {
					size_t	 n = strlen(s->err);

					snprintf(s->err + n, sizeof(s->err) - n,
					    ": %s", msg);
				}
				json_decref(j);
			}
			break;
		}
		learn(sh, r.json);
		if ((asked = requested(r.json)) > 0 && cost > 0) {
			/* Pace by it from now on. */
			need = asked;
			*dear = asked / cost;
		}
		if (strcmp(code_of(r.json), "THROTTLED") == 0 &&
		    tries < THROTTLE_TRIES) {
			/* Wait for the points it asks; the same request. */
			http_count_throttled(s->http);
			if (sh->restore <= 0)
				http_pause(s->http, 1, "for the rate limit");
			http_resp_free(&r);
			continue;
		}
		err = json_array_get(json_object_get(r.json, "errors"), 0);
		if (err != NULL) {
			if (refused != NULL)
				*refused = 1;
			if (too_costly != NULL && strcmp(code_of(r.json),
			    "MAX_COST_EXCEEDED") == 0)
				*too_costly = 1;
			msg = json_string_value(json_object_get(err,
			    "message"));
			snprintf(s->err, sizeof(s->err), "%s: %s%s%s",
			    sh->endpoint, code_of(r.json), *code_of(r.json) ?
			    ": " : "", msg != NULL ? msg : "an error");
			break;
		}
		data = json_incref(json_object_get(r.json, "data"));
		if (!json_is_object(data)) {
			json_decref(data);
			data = NULL;
			snprintf(s->err, sizeof(s->err), "%s: an answer "
			    "without data", sh->endpoint);
		}
		break;
	}
	http_resp_free(&r);
	free(text);
	return data;
}

/* A query: gql_req, resent as often as it takes. */
static json_t *
gql(struct session *s, const char *query, json_t *vars, double cost,
    int *too_costly)
{
	return gql_req(s, query, vars, cost, 0, too_costly, NULL);
}

/* The userErrors of a mutation's payload, "field: message; ...". */
static int
user_errors(json_t *pay, char *out, size_t len)
{
	json_t	*e;
	size_t	 i, n;

	out[0] = '\0';
	json_array_foreach(json_object_get(pay, "userErrors"), i, e) {
		n = strlen(out);
		snprintf(out + n, len - n, "%s%s", n ? "; " : "",
		    json_string_value(json_object_get(e, "message")) ?
		    json_string_value(json_object_get(e, "message")) :
		    "an error");
	}
	return out[0] != '\0';
}

/*
 * The connection's location: the one named (by name, number or gid) in
 * the location key, or the shop's only active one.
 */
static int
location(struct session *s)
{
	struct shopify *sh = s->priv;
	json_t	*data, *l;
	struct buf known;
	const char *want, *id, *name;
	size_t	 i, nactive;
	char	 num[64];

	if (sh->location != NULL)
		return 0;
	if ((data = gql(s, q_locations, json_object(), 252, NULL)) == NULL)
		return -1;
	want = cfg_get(s->cfg, "location");
	memset(&known, 0, sizeof(known));
	buf_adds(&known, "");
	nactive = 0;
	json_array_foreach(json_object_get(json_object_get(data, "locations"),
	    "nodes"), i, l) {
		id = json_string_value(json_object_get(l, "id"));
		name = json_string_value(json_object_get(l, "name"));
		if (id == NULL || name == NULL)
			continue;
		snprintf(num, sizeof(num), "%s", strrchr(id, '/') != NULL ?
		    strrchr(id, '/') + 1 : id);
		/* By default the shop's own active location, not a 3PL's. */
		if (want != NULL ? (strcmp(want, id) == 0 || strcmp(want,
		    num) == 0 || strcmp(want, name) == 0) :
		    json_is_true(json_object_get(l, "isActive")) &&
		    !json_is_true(json_object_get(l, "isFulfillmentService")) &&
		    nactive++ == 0) {
			free(sh->location);
			sh->location = xstrdup(id);
		}
		buf_adds(&known, known.len ? ", " : "");
		buf_adds(&known, name);
		buf_adds(&known, " (");
		buf_adds(&known, num);
		buf_adds(&known, ")");
	}
	json_decref(data);
	if (sh->location == NULL || (want == NULL && nactive > 1)) {
		conn_mistake(s, "%s:%lu: [%s] %s: one of %s", s->cfg->file,
		    s->cfg->line, s->cfg->name, want != NULL ? "names no "
		    "location of the shop" : "needs location =, the shop has "
		    "several", known.s);
		free(sh->location);
		sh->location = NULL;
		buf_free(&known);
		return -1;
	}
	buf_free(&known);
	return 0;
}

/*
 * Whether the shop has more variants than is worth paging through: more
 * than bulk_above, or by default where a bulk operation is the faster.
 * Paging N variants waits (N * node - bucket) / restore seconds for
 * points, a bulk operation takes BULK_START + N / BULK_RATE: the two meet
 * at N = (bucket / restore + BULK_START) / (node / restore - 1 /
 * BULK_RATE), and where paging is no slower a variant they never do.
 * 1, 0, or -1; *count gets the variants counted, *paged the seconds
 * paging them would wait.
 */
static int
many(struct session *s, const struct listing *l, long long *count,
    double *paged)
{
	struct shopify *sh = s->priv;
	json_t	*data;
	json_int_t n, above;
	double	 max, restore, meet;

	/* The bucket as the location's answer told it. */
	max = sh->max > 0 ? sh->max : 2000;
	restore = sh->restore > 0 ? sh->restore : 100;
	above = (json_int_t)sh->bulk_above;
	if (above < 0) {
		if (l->node / restore <= 1.0 / BULK_RATE)
			return 0;
		/*
		 * A bucket or rate from the answer far out of the usual
		 * can put the meeting point past what an integer holds:
		 * no shop has that many variants.
		 */
		meet = (max / restore + BULK_START) /
		    (l->node / restore - 1.0 / BULK_RATE);
		above = meet < COUNT_MAX ? (json_int_t)meet : COUNT_MAX;
	}
	/* All of them, not the first 10,000: the polls go by the count. */
	data = gql(s, q_count, json_pack("{s:n}", "limit"), 1, NULL);
	if (data == NULL)
		return -1;
	n = json_integer_value(json_object_get(json_object_get(data,
	    "productVariantsCount"), "count"));
	json_decref(data);
	*count = n;
	*paged = ((double)n * l->node - max) / restore;
	if (*paged < 0)
		*paged = 0;
	return n > above;
}

/*
 * str as a GraphQL string literal, appended to out: JSON's string
 * escapes are GraphQL's.
 */
static void
add_literal(struct buf *out, const char *str)
{
	json_t	*j;
	char	*lit;

	if ((j = json_string(str)) == NULL ||
	    (lit = json_dumps(j, JSON_ENCODE_ANY)) == NULL)
		xnomem();
	json_decref(j);
	buf_adds(out, lit);
	free(lit);
}

/* sel with $location written in as the connection's location's gid. */
static void
with_location(struct session *s, const char *sel, struct buf *out)
{
	struct shopify *sh = s->priv;
	const char *p;

	while ((p = strstr(sel, "$location")) != NULL) {
		buf_add(out, sel, (size_t)(p - sel));
		add_literal(out, sh->location);
		sel = p + strlen("$location");
	}
	buf_adds(out, sel);
}

/* A bulk operation's objectCount, an UnsignedInt64: a string. */
static long long
object_count(json_t *op)
{
	json_t	*c;

	c = json_object_get(op, "objectCount");
	return json_is_string(c) ? strtoll(json_string_value(c), NULL, 10) :
	    json_integer_value(c);
}

/*
 * Cancel bulk operation id, which is no longer waited for: a running one
 * keeps one of the app's few places.  What Shopify answers does not
 * matter (it may have ended meanwhile).
 */
static void
cancel(struct session *s, const char *id)
{
	json_decref(gql(s, m_cancel, json_pack("{s:s}", "id", id), 10, NULL));
}

/*
 * The listing as one bulk operation (bulkOperationRunQuery): Shopify runs
 * it on its side and writes each variant as a line of a JSON Lines file,
 * for the cost of the mutation and the polls rather than about l->node
 * points a variant.  0 when each variant was handed on, -1 on failure,
 * 1 when Shopify ran none or gave no whole file (another operation in
 * progress, the operation failed, the file cut short): nothing was
 * handed on, and the caller pages instead.
 */
static int
bulk(struct session *s, const struct listing *l, long long count,
    double paged, int (*each)(struct session *, json_t *, void *), void *arg)
{
	struct buf text;
	struct http_resp r;
	json_t	*data, *pay, *op, *v;
	json_error_t jerr;
	const char *st, *url, *p, *end, *nl;
	char	 why[512], id[128];
	double	 wait, t, t0, until;
	long long objects, lines, c0;
	int	 rc;

	memset(&text, 0, sizeof(text));
	buf_adds(&text, "{ productVariants { edges { node { ");
	with_location(s, l->sel, &text);
	buf_adds(&text, " } } } }");
	data = gql(s, m_bulk, json_pack("{s:s}", "query", buf_str(&text)), 10,
	    NULL);
	buf_free(&text);
	if (data == NULL)
		return -1;
	pay = json_object_get(data, "bulkOperationRunQuery");
	if (user_errors(pay, why, sizeof(why))) {
		http_note(s->http, "Shopify: no bulk operation (%s): paging",
		    why);
		json_decref(data);
		return 1;
	}
	st = json_string_value(json_object_get(json_object_get(pay,
	    "bulkOperation"), "id"));
	snprintf(id, sizeof(id), "%s", st != NULL ? st : "");
	json_decref(data);
	if (id[0] == '\0') {
		snprintf(s->err, sizeof(s->err), "%s: bulkOperationRunQuery: "
		    "no operation in the answer", ((struct shopify *)
		    s->priv)->endpoint);
		return -1;
	}
	http_note(s->http, "Shopify: listing the variants by bulk operation "
	    "%s", id);

	/*
	 * Until it is done: while it writes, at the pace it writes, so that
	 * a poll comes as the last of count variants is written; before,
	 * less often as it takes longer.
	 */
	c0 = -1;
	t0 = 0;
	/* Not much longer than paging would take: Shopify may queue it. */
	until = mono_now() + 2 * (BULK_START + paged);
	for (wait = BULK_POLL_MIN;;) {
		if (mono_now() + wait > until) {
			cancel(s, id);
			http_note(s->http, "Shopify: bulk operation %s takes "
			    "longer than paging would: cancelled, paging", id);
			return 1;
		}
		http_pause(s->http, wait, "for Shopify's bulk operation");
		if (stop_asked()) {
			snprintf(s->err, sizeof(s->err), "stopped while "
			    "Shopify ran bulk operation %s", id);
			return -1;
		}
		if ((data = gql(s, q_bulk, json_pack("{s:s}", "id", id), 1,
		    NULL)) == NULL)
			return -1;
		op = json_object_get(data, "bulkOperation");
		st = json_string_value(json_object_get(op, "status"));
		if (st == NULL || strcmp(st, "CREATED") == 0 ||
		    strcmp(st, "RUNNING") == 0) {
			objects = object_count(op);
			t = mono_now();
			if (c0 >= 0 && objects > c0 && count > objects)
				wait = (double)(count - objects) * (t - t0) /
				    (double)(objects - c0) * 1.02;
			else
				wait *= 2;
			if (wait < BULK_POLL_MIN)
				wait = BULK_POLL_MIN;
			if (wait > BULK_POLL_MAX)
				wait = BULK_POLL_MAX;
			if (objects > 0) {
				c0 = objects;
				t0 = t;
			}
			json_decref(data);
			continue;
		}
		if (strcmp(st, "COMPLETED") == 0)
			break;
		http_note(s->http, "Shopify: bulk operation %s %s (%s): paging",
		    id, st, json_string_value(json_object_get(op,
		    "errorCode")) ? json_string_value(json_object_get(op,
		    "errorCode")) : "no error code");
		json_decref(data);
		return 1;
	}
	objects = object_count(op);
	url = json_string_value(json_object_get(op, "url"));
	if (url == NULL) {
		/* No file: nothing was found. */
		json_decref(data);
		if (objects == 0)
			return 0;
		http_note(s->http, "Shopify: bulk operation %s: %lld objects "
		    "but no file: paging", id, objects);
		return 1;
	}
	if (http_url_ok(url, s->err, sizeof(s->err)) == -1) {
		json_decref(data);
		return -1;
	}
	/* A signed address of Google's storage: without our token. */
	rc = http_request(s->http, "GET", url, NULL, HTTP_BARE, &r);
	json_decref(data);
	if (rc != 0) {
		http_note(s->http, "Shopify: bulk operation %s: %s: paging", id,
		    http_error(s->http));
		http_resp_free(&r);
		return 1;
	}
	/* Whole: as many lines as Shopify counted objects, the last ended. */
	lines = 0;
	for (p = r.body.s, end = p + r.body.len; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		lines++;
	}
	if (lines != objects || (r.body.len > 0 &&
	    r.body.s[r.body.len - 1] != '\n')) {
		http_note(s->http, "Shopify: bulk operation %s: %lld of %lld "
		    "lines: paging", id, lines, objects);
		http_resp_free(&r);
		return 1;
	}
	rc = 0;
	lines = 0;
	for (p = r.body.s; rc == 0 && p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		lines++;
		v = json_loadb(p, (size_t)(nl - p), 0, &jerr);
		if (!json_is_object(v)) {
			snprintf(s->err, sizeof(s->err), "bulk operation %s, "
			    "line %lld: %s", id, lines, v == NULL ? jerr.text :
			    "not an object");
			rc = -1;
		} else
			rc = each(s, v, arg);
		json_decref(v);
	}
	http_resp_free(&r);
	return rc;
}

/*
 * Each variant of the shop, with its level at the location, as the
 * listing l selects them.
 */
static int
variants(struct session *s, const struct listing *l,
    int (*each)(struct session *, json_t *, void *), void *arg)
{
	struct shopify *sh = s->priv;
	struct buf text;
	json_t	*data, *conn, *v, *vars;
	json_t	*after;
	size_t	 i;
	long long count;
	double	 paged;
	int	 first, rc, costly;

	if (location(s) == -1)
		return -1;
	if ((rc = many(s, l, &count, &paged)) == -1)
		return -1;
	if (rc == 1 && (rc = bulk(s, l, count, paged, each, arg)) != 1)
		return rc;
	memset(&text, 0, sizeof(text));
	buf_adds(&text, "query ");
	buf_adds(&text, l->name);
	buf_adds(&text, "($first: Int!, $after: String, $location: ID!) { "
	    "productVariants(first: $first, after: $after) { pageInfo { "
	    "hasNextPage endCursor } nodes { ");
	buf_adds(&text, l->sel);
	buf_adds(&text, " } } }");
	first = l->page;
	after = json_null();
	rc = 0;
	for (;;) {
		vars = json_pack("{s:i, s:O, s:s}", "first", first, "after",
		    after, "location", sh->location);
		data = gql(s, buf_str(&text), vars, 2 + l->node * first,
		    &costly);
		if (data == NULL) {
			if (costly && first > 1) {
				first /= 2;	/* Shopify counts dearer */
				continue;
			}
			rc = -1;
			break;
		}
		conn = json_object_get(data, "productVariants");
		conn_paged(s, -1);
		json_array_foreach(json_object_get(conn, "nodes"), i, v)
			if ((rc = each(s, v, arg)) != 0)
				break;
		json_decref(after);
		after = json_incref(json_object_get(json_object_get(conn,
		    "pageInfo"), "endCursor"));
		if (rc != 0 || !json_is_true(json_object_get(json_object_get(
		    conn, "pageInfo"), "hasNextPage")) || after == NULL) {
			json_decref(data);
			break;
		}
		json_decref(data);
	}
	json_decref(after);
	buf_free(&text);
	return rc;
}

/* A variant's available quantity at the location; -1 when not stocked. */
static int
available(json_t *v, long long *qty)
{
	json_t	*lvl, *q;
	size_t	 i;

	lvl = json_object_get(json_object_get(v, "inventoryItem"),
	    "inventoryLevel");
	if (!json_is_object(lvl))
		return -1;
	json_array_foreach(json_object_get(lvl, "quantities"), i, q) {
		if (json_is_string(json_object_get(q, "name")) && strcmp(
		    json_string_value(json_object_get(q, "name")),
		    "available") == 0) {
			*qty = json_integer_value(json_object_get(q,
			    "quantity"));
			return 0;
		}
	}
	return -1;
}

struct stockq {
	const struct stock_query *q;
	stock_cb	 cb;
	void		*arg;
};

static int
stock_each(struct session *s, json_t *v, void *arg)
{
	struct stockq *sq = arg;
	struct stock_row row;
	const char *status;
	char	 t1[32], t2[32];

	(void)s;
	status = json_string_value(json_object_get(json_object_get(v,
	    "product"), "status"));
	if (!sq->q->inactive && status != NULL && strcmp(status, "ACTIVE") !=
	    0)
		return 0;
	if (!json_is_true(json_object_get(json_object_get(v,
	    "inventoryItem"), "tracked")) || available(v, &row.qty) == -1)
		return 0;		/* not counted here */
	row.sku = conn_text(v, "sku", t1, sizeof(t1));
	row.name = conn_text(v, "displayName", t2, sizeof(t2));
	row.barcode = json_is_string(json_object_get(v, "barcode")) ?
	    json_string_value(json_object_get(v, "barcode")) : "";
	row.warehouse = "";
	row.reserved = 0;
	return sq->cb(sq->arg, &row);
}

/*
 * The available quantity of every tracked variant stocked at the
 * connection's location; with --inactive, of draft and archived products
 * too.
 */
static int
stock(struct session *s, const struct stock_query *q, stock_cb cb,
    void *arg)
{
	struct stockq sq;

	sq.q = q;
	sq.cb = cb;
	sq.arg = arg;
	return variants(s, &l_variants, stock_each, &sq);
}

struct itemq {
	item_cb		 cb;
	void		*arg;
};

static int
items_each(struct session *s, json_t *v, void *arg)
{
	struct itemq *iq = arg;
	struct shop_item it;
	char	 t1[32];

	(void)s;
	it.sku = conn_text(v, "sku", t1, sizeof(t1));
	it.id = json_string_value(json_object_get(json_object_get(v,
	    "inventoryItem"), "id"));
	if (it.id == NULL)
		return 0;
	it.group = "";
	it.qty = 0;
	it.why = NULL;
	it.fraction = 0;
	it.ref = NULL;
	it.tracked = json_is_true(json_object_get(json_object_get(v,
	    "inventoryItem"), "tracked"));
	if (it.tracked && available(v, &it.qty) == -1) {
		it.tracked = 0;
		it.why = "not stocked at the connection's location";
	}
	return iq->cb(iq->arg, &it);
}

static int
items(struct session *s, item_cb cb, void *arg)
{
	struct itemq iq;

	iq.cb = cb;
	iq.arg = arg;
	return variants(s, &l_items, items_each, &iq);
}

/* The index of the quantity a user error is about, or -1. */
static long
err_index(json_t *e, size_t n)
{
	json_t	*f;
	const char *i;
	char	*end;
	long	 v;

	f = json_object_get(e, "field");
	if (json_array_size(f) < 3 || (i = json_string_value(json_array_get(f,
	    2))) == NULL || strcmp(json_string_value(json_array_get(f, 1)) ?
	    json_string_value(json_array_get(f, 1)) : "", "quantities") != 0)
		return -1;
	v = strtol(i, &end, 10);
	return *end == '\0' && v >= 0 && (size_t)v < n ? v : -1;
}

/* The most items one read-back asks for: 3 points each. */
#define BACK_PAGE	100

/*
 * After a mutation with user errors, the levels of the items of its
 * batch left unsettled (n of them, their indices in idx): the reference
 * does not promise that such a mutation applied nothing, so one now at
 * its target was set after all, not a conflict with itself.  The rest
 * stay unsettled, to be sent again.
 */
static int
read_back(struct session *s, struct push_item *pi, const size_t *idx,
    size_t n)
{
	json_t	*data, *q;
	struct buf b;
	char	 name[32];
	size_t	 i, j, m;

	for (i = 0; i < n; i += m) {
		m = n - i < BACK_PAGE ? n - i : BACK_PAGE;
		memset(&b, 0, sizeof(b));
		buf_adds(&b, "query Back($location: ID!) { ");
		for (j = 0; j < m; j++) {
			snprintf(name, sizeof(name), "i%zu", j);
			buf_adds(&b, name);
			buf_adds(&b, ": inventoryItem(id: ");
			add_literal(&b, pi[idx[i + j]].id);
			buf_adds(&b, ") { " SEL_AVAILABLE " } ");
		}
		buf_adds(&b, "}");
		data = gql(s, buf_str(&b), json_pack("{s:s}", "location",
		    ((struct shopify *)s->priv)->location), 1 + 3 * (double)m,
		    NULL);
		buf_free(&b);
		if (data == NULL)
			return -1;
		for (j = 0; j < m; j++) {
			snprintf(name, sizeof(name), "i%zu", j);
			q = json_array_get(json_object_get(json_object_get(
			    json_object_get(data, name), "inventoryLevel"),
			    "quantities"), 0);
			q = json_object_get(q, "quantity");
			if (json_is_integer(q) && json_integer_value(q) ==
			    pi[idx[i + j]].to)
				pi[idx[i + j]].result = PUSH_SET;
		}
		json_decref(data);
	}
	return 0;
}

/*
 * One inventorySetQuantities of the items not settled yet, under an
 * idempotency key that stays while the input does.  Items refused (a
 * stale level, an item gone) are settled as conflict or failed; the
 * others are read back (read_back) and the rest go again, under a new
 * key since the input is new.  The key's own errors [isqe]: one in
 * progress (the answer to an attempt that timed out is still coming)
 * is waited for and asked again with the same key; one whose attempt
 * failed goes again under a new key, after a read-back.
 */
static int
push(struct session *s, struct push_item *pi, size_t n)
{
	struct shopify *sh = s->priv;
	json_t	*data, *qs, *vars, *errs, *e, *pay;
	const char *code, *msg;
	char	 key[64], uri[96];
	size_t	 i, left, *idx;
	long	 k;
	int	 rc, waits, busy, bad, again;

	if (location(s) == -1)
		return -1;
	idx = xreallocarray(NULL, n, sizeof(*idx));
	for (i = 0; i < n; i++)
		pi[i].result = 0;
	rc = again = 0;
	vars = NULL;
	waits = 0;
	for (;;) {
		if (vars == NULL) {
			qs = json_array();
			for (i = left = 0; i < n; i++) {
				if (pi[i].result != 0)
					continue;
				idx[left++] = i;
				json_array_append_new(qs, json_pack("{s:s, "
				    "s:s, s:I, s:I}", "inventoryItemId",
				    pi[i].id, "locationId", sh->location,
				    "quantity", (json_int_t)pi[i].to,
				    "changeFromQuantity",
				    (json_int_t)pi[i].from));
			}
			if (left == 0) {
				json_decref(qs);
				break;
			}
			snprintf(uri, sizeof(uri), "shopswitch://stock-push/%s",
			    sh->run);
			vars = json_pack("{s:{s:s, s:s, s:s, s:o}}", "input",
			    "name", "available", "reason", "correction",
			    "referenceDocumentUri", uri, "quantities", qs);
			snprintf(key, sizeof(key), "shopswitch-%s-%lu",
			    sh->run, ++sh->seq);
			json_object_set_new(vars, "key", json_string(key));
		}
		if ((data = gql(s, m_set, json_incref(vars), 10, NULL)) ==
		    NULL) {
			rc = -1;
			break;
		}
		pay = json_object_get(data, "inventorySetQuantities");
		errs = json_object_get(pay, "userErrors");
		if (json_array_size(errs) == 0) {
			for (i = 0; i < left; i++)
				pi[idx[i]].result = PUSH_SET;
			json_decref(data);
			break;
		}
		busy = bad = 0;
		again = again == 1 ? 2 : 0;
		json_array_foreach(errs, i, e) {
			code = json_string_value(json_object_get(e, "code"));
			if (code == NULL)
				code = "error";
			msg = json_string_value(json_object_get(e, "message"));
			if (strcmp(code, "IDEMPOTENCY_CONCURRENT_REQUEST") == 0)
				busy = 1;
			else if (strncmp(code, "IDEMPOTENCY_", 12) == 0)
				again = again == 2 ? 3 : 1;	/* failed */
			else if ((k = err_index(e, left)) != -1) {
				pi[idx[k]].result = strcmp(code,
				    "CHANGE_FROM_QUANTITY_STALE") == 0 ?
				    PUSH_CONFLICT : PUSH_FAILED;
				snprintf(pi[idx[k]].reason,
				    sizeof(pi[idx[k]].reason), "%s: %s", code,
				    msg != NULL ? msg : "");
				continue;
			}
			snprintf(s->err, sizeof(s->err), "%s: %s: %s",
			    sh->endpoint, code, msg != NULL ? msg : "");
			if (strncmp(code, "IDEMPOTENCY_", 12) != 0)
				bad = 1;
		}
		json_decref(data);
		/* Not ours to settle; or a new key that failed before. */
		if (bad || again == 3) {
			rc = -1;
			break;
		}
		if (busy) {
			/* The same request, once the first has ended. */
			if (http_retry_wait(s->http, waits++) == -1) {
				k = (long)strlen(s->err);
				snprintf(s->err + k, sizeof(s->err) - (size_t)k,
				    " (after %d retries)", waits - 1);
				rc = -1;
				break;
			}
			continue;
		}
		/* What is at its target now was set after all. */
		json_decref(vars);
		vars = NULL;
		waits = 0;
		for (i = k = 0; i < left; i++)
			if (pi[idx[i]].result == 0)
				idx[k++] = idx[i];
		if (read_back(s, pi, idx, (size_t)k) == -1) {
			rc = -1;
			break;
		}
	}
	json_decref(vars);
	free(idx);
	return rc;
}

/* An order's lines beyond the first page, appended to lines. */
static int
more_lines(struct session *s, const char *id, json_t *after, json_t *lines)
{
	json_t	*data, *li, *vars, *cur;
	size_t	 i;

	cur = json_incref(after);
	for (;;) {
		vars = json_pack("{s:s, s:O}", "id", id, "after", cur);
		if ((data = gql(s, q_lines, vars, 253, NULL)) == NULL) {
			json_decref(cur);
			return -1;
		}
		li = json_object_get(json_object_get(data, "order"),
		    "lineItems");
		json_array_foreach(json_object_get(li, "nodes"), i, vars)
			json_array_append(lines, vars);
		json_decref(cur);
		cur = json_incref(json_object_get(json_object_get(li,
		    "pageInfo"), "endCursor"));
		if (!json_is_true(json_object_get(json_object_get(li,
		    "pageInfo"), "hasNextPage")) || cur == NULL) {
			json_decref(data);
			json_decref(cur);
			return 0;
		}
		json_decref(data);
	}
}

/* The number at the end of a gid ("gid://shopify/Order/12" -> "12"). */
static const char *
gid_num(const char *gid)
{
	const char *p;

	if (gid == NULL)
		return "";
	return (p = strrchr(gid, '/')) != NULL ? p + 1 : gid;
}

/*
 * The order record of a Shopify order.  Shopify counts fulfilment per
 * line: what is ordered now (currentQuantity, removals and refunds left
 * out) less what is unfulfilled was shipped.
 */
static json_t *
record(struct session *s, json_t *o, json_t *nodes, int raw,
    unsigned int *st)
{
	struct order_head h;
	json_t	*lines, *li, *f, *t, *ships, *money, *cancelled;
	const char *dfs;
	json_int_t cur, unf, tcur, tunf;
	char	 b[7][64], at[3][TZ_LEN];
	size_t	 i, k;

	dfs = json_string_value(json_object_get(o,
	    "displayFulfillmentStatus"));
	if (dfs == NULL)
		dfs = "";
	lines = json_array();
	tcur = tunf = 0;
	json_array_foreach(nodes, i, li) {
		cur = json_integer_value(json_object_get(li,
		    "currentQuantity"));
		unf = json_integer_value(json_object_get(li,
		    "unfulfilledQuantity"));
		if (unf > cur)
			unf = cur;
		tcur += cur;
		tunf += unf;
		/* The price is not asked for: total unknown. */
		json_array_append_new(lines, conn_line(conn_text(li, "sku",
		    b[0], sizeof(b[0])), conn_text(li, "name", b[1],
		    sizeof(b[1])), cur, json_integer(cur - unf), NULL));
	}
	cancelled = json_object_get(o, "cancelledAt");
	if (cancelled != NULL && !json_is_null(cancelled))
		*st = ST_CANCELLED;
	else if (strcmp(dfs, "ON_HOLD") == 0)
		*st = ST_ON_HOLD;
	else if (tunf == 0)
		*st = ST_COMPLETED;	/* nothing left to ship */
	else if (tunf < tcur)
		*st = ST_PARTIAL;
	else
		*st = ST_OPEN;

	ships = json_array();
	json_array_foreach(json_object_get(o, "fulfillments"), i, f) {
		json_array_foreach(json_object_get(f, "trackingInfo"), k, t)
			json_array_append_new(ships, conn_shipment(conn_text(t,
			    "company", b[0], sizeof(b[0])), conn_text(t,
			    "number", b[1], sizeof(b[1])), conn_text(t, "url",
			    b[3], sizeof(b[3])), conn_utc(f, "createdAt", s->tz,
			    at[0])));
	}
	money = json_object_get(json_object_get(o, "totalPriceSet"),
	    "shopMoney");
	h.id = gid_num(json_string_value(json_object_get(o, "id")));
	h.number = conn_text(o, "name", b[0], sizeof(b[0]));
	h.reference = "";
	h.status = *st;
	h.platform_status = dfs;
	h.created_at = conn_utc(o, "createdAt", s->tz, at[1]);
	h.updated_at = conn_utc(o, "updatedAt", s->tz, at[2]);
	h.email = conn_text(o, "email", b[3], sizeof(b[3]));
	/* No name or country without the customer scopes. */
	h.name = "";
	h.country = "";
	h.total = conn_text(money, "amount", b[4], sizeof(b[4]));
	h.currency = conn_text(money, "currencyCode", b[5], sizeof(b[5]));
	h.billing = h.shipping = NULL;	/* protected customer data */
	return conn_order(s, &h, lines, ships, raw ? o : NULL);
}

/*
 * Orders by id, page after page of cursors; --since and --until as a
 * search on updated_at.  Only the last 60 days of orders are visible to
 * an app without the read_all_orders scope.
 */
static int
orders(struct session *s, const struct order_query *q, order_cb cb,
    void *arg)
{
	json_t	*data, *conn, *o, *vars, *after, *li, *nodes, *r;
	struct buf query;
	unsigned int st;
	char	 t[TZ_LEN];
	size_t	 i;
	int	 first, rc, costly;

	memset(&query, 0, sizeof(query));
	buf_adds(&query, "");
	if (q->since_set) {
		tz_format(q->since, t);
		buf_adds(&query, "updated_at:>='");
		buf_adds(&query, t);
		buf_adds(&query, "'");
	}
	if (q->until_set) {
		tz_format(q->until, t);
		buf_adds(&query, query.len ? " updated_at:<='" :
		    "updated_at:<='");
		buf_adds(&query, t);
		buf_adds(&query, "'");
	}
	first = ORDER_PAGE;
	after = json_null();
	rc = 0;
	while (rc == 0) {
		vars = json_pack("{s:i, s:O, s:s?, s:i}", "first", first,
		    "after", after, "query", query.len ? buf_str(&query) :
		    NULL, "lines", LINE_PAGE);
		data = gql(s, q_orders, vars, 2 + 40.0 * first, &costly);
		if (data == NULL) {
			if (costly && first > 1) {
				first /= 2;
				continue;
			}
			rc = -1;
			break;
		}
		conn = json_object_get(data, "orders");
		conn_paged(s, -1);
		json_array_foreach(json_object_get(conn, "nodes"), i, o) {
			li = json_object_get(o, "lineItems");
			nodes = json_object_get(li, "nodes");
			if (json_is_true(json_object_get(json_object_get(li,
			    "pageInfo"), "hasNextPage")) && more_lines(s,
			    json_string_value(json_object_get(o, "id")),
			    json_object_get(json_object_get(li, "pageInfo"),
			    "endCursor"), nodes) == -1) {
				rc = -1;
				break;
			}
			r = record(s, o, nodes, q->raw, &st);
			if (conn_wanted(q, st))
				rc = cb(arg, r);
			json_decref(r);
			if (rc != 0)
				break;
		}
		json_decref(after);
		after = json_incref(json_object_get(json_object_get(conn,
		    "pageInfo"), "endCursor"));
		if (!json_is_true(json_object_get(json_object_get(conn,
		    "pageInfo"), "hasNextPage")) || after == NULL) {
			json_decref(data);
			break;
		}
		json_decref(data);
	}
	json_decref(after);
	buf_free(&query);
	return rc;
}

/*
 * What orders-complete needs of an order: its fulfilment orders, and
 * the tracking codes it has.  Cost: 1 + fulfillments 2 + 10 x (1 + 5)
 * + fulfilment orders 2 + 10 x 2 = 85 (the sandbox's rules; Shopify's
 * real count is learnt from each answer); by name, two orders, 172.
 */
#define ORDER_FIELDS \
    "id name cancelledAt tags displayFulfillmentStatus " \
    "fulfillments(first: 10) { trackingInfo(first: 5) { number } } " \
    "fulfillmentOrders(first: 10) { nodes { id status " \
    "supportedActions { action } } }"
#define ORDER_COST	85

static const char q_order[] =
    "query Order($id: ID!) { order(id: $id) { " ORDER_FIELDS " } }";

/* name:1001 matches #1001 only; two, to see a second one. */
static const char q_order_by[] =
    "query OrderBy($query: String!) { orders(first: 2, query: $query) { "
    "nodes { " ORDER_FIELDS " } } }";

static const char m_fulfil[] =
    "mutation Fulfil($fulfillment: FulfillmentInput!) { "
    "fulfillmentCreate(fulfillment: $fulfillment) { "
    "fulfillment { id status } userErrors { field message } } }";

static const char q_skus[] =
    "query Skus($query: String!) { productVariants(first: 250, "
    "query: $query) { nodes { id sku inventoryItem { id } } } }";

static const char q_marked[] =
    "query Marked($query: String!) { orders(first: 5, query: $query) { "
    "nodes { id name tags } } }";

static const char m_create[] =
    "mutation Create($order: OrderCreateOrderInput!, "
    "$options: OrderCreateOptionsInput) { orderCreate(order: $order, "
    "options: $options) { order { id name } userErrors { field message "
    "code } } }";

/* Append s to b as a quoted value of Shopify's search syntax. */
static void
quoted(struct buf *b, const char *s)
{
	buf_addc(b, '\'');
	for (; *s != '\0'; s++) {
		if (*s == '\'' || *s == '\\')
			buf_addc(b, '\\');
		buf_addc(b, *s);
	}
	buf_addc(b, '\'');
}

/*
 * The order it names, into *o (the caller decrefs it): by id, or by the
 * name people see ("#1001"; the key with or without its '#').  0 found;
 * 1 not; -1 (s->err).
 */
static int
find_order(struct session *s, const struct complete_item *it, json_t **o)
{
	struct buf q, gid;
	json_t	*data, *n;
	const char *name, *key;
	size_t	 i;

	*o = NULL;
	memset(&q, 0, sizeof(q));
	if (!it->by_number) {
		if (strspn(it->key, "0123456789") != strlen(it->key))
			return 1;	/* no order has such an id */
		buf_adds(&q, "gid://shopify/Order/");
		buf_adds(&q, it->key);
		data = gql(s, q_order, json_pack("{s:s}", "id", buf_str(&q)),
		    ORDER_COST, NULL);
		buf_free(&q);
		if (data == NULL)
			return -1;
		n = json_object_get(data, "order");
		if (json_is_object(n))
			*o = json_incref(n);
		json_decref(data);
		return *o != NULL ? 0 : 1;
	}
	key = it->key[0] == '#' ? it->key + 1 : it->key;
	buf_adds(&q, "name:");
	quoted(&q, key);
	data = gql(s, q_order_by, json_pack("{s:s}", "query", buf_str(&q)),
	    2 + 2 * ORDER_COST, NULL);
	buf_free(&q);
	if (data == NULL)
		return -1;
	memset(&gid, 0, sizeof(gid));
	json_array_foreach(json_object_get(json_object_get(data, "orders"),
	    "nodes"), i, n) {
		name = json_string_value(json_object_get(n, "name"));
		if (name != NULL && (strcmp(name, it->key) == 0 ||
		    (name[0] == '#' && strcmp(name + 1, key) == 0))) {
			*o = json_incref(n);
			break;
		}
	}
	json_decref(data);
	return *o != NULL ? 0 : 1;
}

/* Shopify's names of the carriers Picqer calls by a key. */
static const char *
company(const char *carrier)
{
	static const char *const map[][2] = {
		{ "bpost", "bpost" }, { "dhl", "DHL Parcel" },
		{ "dhlexpress", "DHL Express" }, { "dpd", "DPD" },
		{ "fedex", "FedEx" }, { "gls", "GLS" }, { "postnl", "PostNL" },
		{ "ups", "UPS" }
	};
	size_t	 i;

	for (i = 0; i < NELEM(map); i++)
		if (strcasecmp(carrier, map[i][0]) == 0)
			return map[i][1];
	return carrier;
}

/* Whether fulfilment order f can take a fulfilment now. */
static int
can_fulfil(json_t *f)
{
	json_t	*a;
	const char *act;
	size_t	 i;

	json_array_foreach(json_object_get(f, "supportedActions"), i, a) {
		act = json_string_value(json_object_get(a, "action"));
		if (act != NULL && strcmp(act, "CREATE_FULFILLMENT") == 0)
			return 1;
	}
	return 0;
}

/*
 * Complete an order as Shopify takes it: a fulfilment of each fulfilment
 * order that can take one, the tracking codes that no fulfilment holds
 * yet on the first (Shopify's tracking input has one company), and no
 * notification unless asked.  Shopify marks the order fulfilled itself.
 */
static int
complete(struct session *s, struct complete_item *it)
{
	json_t	*o, *f, *t, *tr, *numbers, *urls, *vars, *data, *pay;
	const char *st, *num;
	char	 why[512];
	size_t	 i, k, m, nopen, nheld, ndone;
	int	 rc, refused;

	if ((rc = find_order(s, it, &o)) != 0) {
		if (rc == 1)
			it->result = OR_NOT_FOUND;
		return rc == 1 ? 0 : -1;
	}
	snprintf(it->id, sizeof(it->id), "%s", gid_num(json_string_value(
	    json_object_get(o, "id"))));
	snprintf(it->number, sizeof(it->number), "%s", json_string_value(
	    json_object_get(o, "name")) ? json_string_value(json_object_get(o,
	    "name")) : "");
	if (!json_is_null(json_object_get(o, "cancelledAt"))) {
		it->result = OR_CANCELLED;
		snprintf(it->reason, sizeof(it->reason), "cancelled in "
		    "Shopify");
		json_decref(o);
		return 0;
	}
	nopen = nheld = 0;
	json_array_foreach(json_object_get(json_object_get(o,
	    "fulfillmentOrders"), "nodes"), i, f) {
		st = json_string_value(json_object_get(f, "status"));
		if (can_fulfil(f))
			nopen++;
		else if (st != NULL && strcmp(st, "CLOSED") != 0 &&
		    strcmp(st, "CANCELLED") != 0)
			nheld++;
	}
	if (nopen == 0) {
		it->result = nheld > 0 ? OR_FAILED : OR_ALREADY;
		if (nheld > 0)
			snprintf(it->reason, sizeof(it->reason), "its "
			    "fulfilment is on hold or scheduled in Shopify");
		json_decref(o);
		return 0;
	}

	/* Tracking codes no fulfilment holds yet. */
	numbers = json_array();
	urls = json_array();
	for (i = 0; i < it->nships; i++) {
		json_array_foreach(json_object_get(o, "fulfillments"), k, f)
			json_array_foreach(json_object_get(f, "trackingInfo"),
			    m, tr) {
				num = json_string_value(json_object_get(tr,
				    "number"));
				if (num != NULL && strcmp(num,
				    it->ships[i].tracking) == 0)
					goto held;
			}
		json_array_append_new(numbers, json_string(
		    it->ships[i].tracking));
		if (*it->ships[i].url != '\0')
			json_array_append_new(urls, json_string(
			    it->ships[i].url));
held:		;
	}
	snprintf(it->reason, sizeof(it->reason), "%zu fulfilment%s, %zu "
	    "tracking code%s", nopen, nopen == 1 ? "" : "s",
	    json_array_size(numbers), json_array_size(numbers) == 1 ? "" :
	    "s");
	if (it->dry) {
		it->result = OR_WOULD;
		goto out;
	}
	ndone = 0;
	json_array_foreach(json_object_get(json_object_get(o,
	    "fulfillmentOrders"), "nodes"), i, f) {
		if (!can_fulfil(f))
			continue;
		vars = json_pack("{s:{s:[{s:O}], s:b}}", "fulfillment",
		    "lineItemsByFulfillmentOrder", "fulfillmentOrderId",
		    json_object_get(f, "id"), "notifyCustomer", it->notify);
		if (ndone == 0 && json_array_size(numbers) > 0) {
			t = json_pack("{s:s, s:O, s:O}", "company", company(
			    it->ships[0].carrier), "numbers", numbers, "urls",
			    urls);
			json_object_set_new(json_object_get(vars,
			    "fulfillment"), "trackingInfo", t);
		}
		data = gql_req(s, m_fulfil, vars, 10, 1, NULL, &refused);
		if (data == NULL) {
			if (refused) {
				it->result = OR_FAILED;
				conn_copy(it->reason, sizeof(it->reason),
				    s->err);
			} else
				rc = -1;
			goto out;
		}
		pay = json_object_get(data, "fulfillmentCreate");
		if (user_errors(pay, why, sizeof(why))) {
			it->result = OR_FAILED;
			snprintf(it->reason, sizeof(it->reason), "%s", why);
			json_decref(data);
			goto out;
		}
		json_decref(data);
		ndone++;
	}
	it->result = OR_DONE;
	it->reason[0] = '\0';
out:
	json_decref(numbers);
	json_decref(urls);
	json_decref(o);
	return rc;
}

/* Variants by SKU, 50 SKUs a search. */
static int
find_skus(struct session *s, const char *const *skus, size_t n, item_cb cb,
    void *arg)
{
	struct shop_item it;
	struct buf q;
	json_t	*data, *v;
	size_t	 i, k, j;
	int	 rc;

	memset(&q, 0, sizeof(q));
	rc = 0;
	for (i = 0; i < n && rc == 0; i += k) {
		q.len = 0;
		buf_adds(&q, "");
		for (k = 0; i + k < n && k < 50; k++) {
			buf_adds(&q, k > 0 ? " OR sku:" : "sku:");
			quoted(&q, skus[i + k]);
		}
		data = gql(s, q_skus, json_pack("{s:s}", "query",
		    buf_str(&q)), 2 + 250 * 2, NULL);
		if (data == NULL) {
			rc = -1;
			break;
		}
		json_array_foreach(json_object_get(json_object_get(data,
		    "productVariants"), "nodes"), j, v) {
			memset(&it, 0, sizeof(it));
			it.sku = json_string_value(json_object_get(v, "sku"));
			it.ref = json_string_value(json_object_get(v, "id"));
			it.id = json_string_value(json_object_get(
			    json_object_get(v, "inventoryItem"), "id"));
			it.group = "";
			if (it.sku == NULL || it.ref == NULL)
				continue;
			if (it.id == NULL)
				it.id = "";
			if ((rc = cb(arg, &it)) != 0)
				break;
		}
		json_decref(data);
	}
	buf_free(&q);
	return rc;
}

/* An order that carries the marker as a tag. */
static int
find_created(struct session *s, struct create_item *it)
{
	struct buf q;
	json_t	*data, *o, *t;
	size_t	 i, k;
	int	 found;

	memset(&q, 0, sizeof(q));
	buf_adds(&q, "tag:");
	quoted(&q, it->marker);
	data = gql(s, q_marked, json_pack("{s:s}", "query", buf_str(&q)), 20,
	    NULL);
	buf_free(&q);
	if (data == NULL)
		return -1;
	found = 0;
	json_array_foreach(json_object_get(json_object_get(data, "orders"),
	    "nodes"), i, o) {
		json_array_foreach(json_object_get(o, "tags"), k, t)
			if (json_is_string(t) && strcmp(json_string_value(t),
			    it->marker) == 0)
				found = 1;
		if (found) {
			snprintf(it->id, sizeof(it->id), "%s", gid_num(
			    json_string_value(json_object_get(o, "id"))));
			snprintf(it->number, sizeof(it->number), "%s",
			    json_string_value(json_object_get(o, "name")) ?
			    json_string_value(json_object_get(o, "name")) :
			    "");
			break;
		}
	}
	json_decref(data);
	return found;
}

/* An address of the order record as Shopify's MailingAddressInput. */
static json_t *
sh_address(json_t *a)
{
	json_t	*m;
	char	 first[256], last[256];
	const char *k[] = { "company", "address1", "address2", "city", "zip",
	    "country", "phone" };
	const char *sk[] = { "company", "address1", "address2", "city", "zip",
	    "countryCode", "phone" };
	const char *v;
	size_t	 i;

	if (!json_is_object(a))
		return NULL;
	m = json_object();
	conn_split_name(json_string_value(json_object_get(a, "name")) ?
	    json_string_value(json_object_get(a, "name")) : "", first,
	    sizeof(first), last, sizeof(last));
	if (*first)
		json_object_set_new(m, "firstName", json_string(first));
	if (*last)
		json_object_set_new(m, "lastName", json_string(last));
	for (i = 0; i < NELEM(k); i++)
		if ((v = json_string_value(json_object_get(a, k[i]))) !=
		    NULL && *v != '\0')
			json_object_set_new(m, sk[i], json_string(v));
	return m;
}

/* {"shopMoney": {"amount": v, "currencyCode": cur}} */
static json_t *
money_set(long long v, int decimals, const char *cur)
{
	char	 amt[MONEY_LEN];

	money_format(v, decimals, amt);
	return json_pack("{s:{s:s, s:s}}", "shopMoney", "amount", amt,
	    "currencyCode", cur);
}

/*
 * Enter an order with orderCreate: its lines by variant at the unit
 * price each line's total gives (cut to the currency's cents; the cents
 * left over join the rest), what the order cost beyond its lines as a
 * shipping line (a discount off the lines), a transaction of the
 * total (paid), tax included, the marker as a tag and the old number in
 * the note, and no receipt mailed (sendReceipt and
 * sendFulfillmentReceipt false) unless asked.  Stock is not claimed
 * (inventoryBehaviour BYPASS): the warehouse's next stock push sets it.
 */
static int
create(struct session *s, struct create_item *it)
{
	struct order_money m;
	json_t	*o, *order, *lines, *l, *a, *vars, *data, *pay, *no;
	long long lt[256], unit, whole, cent, rest, cut;
	json_int_t qty;
	const char *cur, *email;
	char	 amt[MONEY_LEN], why[512];
	size_t	 i;
	int	 refused;

	o = it->order;
	if (conn_order_money(o, lt, NELEM(lt), &m, why, sizeof(why)) == -1) {
		it->result = OR_FAILED;
		snprintf(it->reason, sizeof(it->reason), "%s", why);
		return 0;
	}
	cur = json_string_value(json_object_get(o, "currency"));
	if (cur == NULL || *cur == '\0') {
		it->result = OR_FAILED;
		snprintf(it->reason, sizeof(it->reason), "no currency: "
		    "Shopify needs one for each price");
		return 0;
	}
	/*
	 * orderCreate has no discount on the order as a whole (only per
	 * item, or free shipping): a discount, what the lines cost beyond
	 * the order, comes off the lines' totals, first line first.
	 */
	for (i = 0; i < m.nlines && m.rest < 0; i++) {
		cut = lt[i] < -m.rest ? lt[i] : -m.rest;
		lt[i] -= cut;
		m.rest += cut;
	}
	cent = MONEY_SCALE / (m.decimals >= 4 ? 10000 : m.decimals == 3 ?
	    1000 : 100);
	rest = m.rest;
	lines = json_array();
	json_array_foreach(json_object_get(o, "lines"), i, l) {
		qty = json_integer_value(json_object_get(l, "qty"));
		unit = lt[i] / qty / cent * cent;
		money_mul(unit, qty, &whole);
		money_add(rest, lt[i] - whole, &rest);
		json_array_append_new(lines, json_pack("{s:s, s:I, s:o}",
		    "variantId", it->refs[i], "quantity", qty, "priceSet",
		    money_set(unit, m.decimals, cur)));
	}
	order = json_object();
	email = json_string_value(json_object_get(o, "email"));
	if (email != NULL && *email != '\0')
		json_object_set_new(order, "email", json_string(email));
	json_object_set_new(order, "currency", json_string(cur));
	json_object_set_new(order, "lineItems", lines);
	if (rest > 0)
		json_object_set_new(order, "shippingLines", json_pack("[{s:s, "
		    "s:o}]", "title", "Shipping and costs of the old order",
		    "priceSet", money_set(rest, m.decimals, cur)));
	json_object_set_new(order, "transactions", json_pack("[{s:s, s:s, "
	    "s:s, s:o}]", "kind", "SALE", "status", "SUCCESS", "gateway",
	    "shopswitch", "amountSet", money_set(m.total, m.decimals, cur)));
	json_object_set_new(order, "taxesIncluded", json_true());
	json_object_set_new(order, "tags", json_pack("[s]", it->marker));
	json_object_set_new(order, "note", json_string(it->note));
	if ((a = sh_address(json_object_get(o, "billing_address"))) != NULL)
		json_object_set_new(order, "billingAddress", a);
	if ((a = sh_address(json_object_get(o, "shipping_address"))) != NULL)
		json_object_set_new(order, "shippingAddress", a);
	money_format(m.total, m.decimals, amt);
	if (it->dry) {
		json_decref(order);
		it->result = OR_WOULD;
		snprintf(it->reason, sizeof(it->reason), "%zu line%s, total "
		    "%s %s, paid", m.nlines, m.nlines == 1 ? "" : "s", amt,
		    cur);
		return 0;
	}
	vars = json_pack("{s:o, s:{s:b, s:b, s:s}}", "order", order,
	    "options", "sendReceipt", it->notify, "sendFulfillmentReceipt",
	    it->notify, "inventoryBehaviour", "BYPASS");
	if ((data = gql_req(s, m_create, vars, 10, 1, NULL, &refused)) ==
	    NULL) {
		if (!refused)
			return -1;
		it->result = OR_FAILED;
		conn_copy(it->reason, sizeof(it->reason), s->err);
		return 0;
	}
	pay = json_object_get(data, "orderCreate");
	no = json_object_get(pay, "order");
	if (user_errors(pay, why, sizeof(why)) || !json_is_object(no)) {
		it->result = OR_FAILED;
		snprintf(it->reason, sizeof(it->reason), "%s", why[0] ? why :
		    "no order in the answer");
	} else {
		it->result = OR_DONE;
		snprintf(it->id, sizeof(it->id), "%s", gid_num(
		    json_string_value(json_object_get(no, "id"))));
		snprintf(it->number, sizeof(it->number), "%s",
		    json_string_value(json_object_get(no, "name")) ?
		    json_string_value(json_object_get(no, "name")) : "");
	}
	json_decref(data);
	return 0;
}

const struct connector conn_shopify = {
	.name = "shopify",
	.no_warehouses = "Shopify: the connection's location is counted "
	    "(location = ...); -w and --per-warehouse do not apply",
	.batch = BATCH,
	.setup = setup,
	.orders = orders,
	.stock = stock,
	.items = items,
	.push = push,
	.complete = complete,
	.find_skus = find_skus,
	.find_created = find_created,
	.create = create,
	.cas = 1,
	.close = close_priv
};
