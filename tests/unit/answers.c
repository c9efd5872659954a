/*
 * answers: the connectors' records of platform answers given on the wire
 * (tests/fuzz/wire.h), through the real HTTP client: the cases
 * tests/fuzz/page found, each answer with what its record must say.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "conn.h"
#include "connector.h"
#include "tap.h"
#include "../fuzz/wire.h"

static char	 path[] = "/tmp/shopswitch-answers-XXXXXX";

/* A Shopify page of one order, its times with an offset. */
static const char shopify_offsets[] =
    "{\"data\":{\"orders\":{\"pageInfo\":{\"hasNextPage\":false,"
    "\"endCursor\":null},\"nodes\":[{\"id\":\"gid://shopify/Order/1\","
    "\"name\":\"#1001\",\"createdAt\":\"2026-10-02T10:00:00+02:00\","
    "\"updatedAt\":\"2026-10-03T13:45:00.123+02:00\","
    "\"cancelledAt\":null,\"email\":\"klant@example.nl\","
    "\"displayFulfillmentStatus\":\"FULFILLED\",\"totalPriceSet\":"
    "{\"shopMoney\":{\"amount\":\"49.95\",\"currencyCode\":\"EUR\"}},"
    "\"lineItems\":{\"pageInfo\":{\"hasNextPage\":false},\"nodes\":"
    "[{\"sku\":\"HD-BLK-M\",\"name\":\"Hoodie\",\"currentQuantity\":1,"
    "\"unfulfilledQuantity\":0}]},\"fulfillments\":[{\"createdAt\":"
    "\"2026-10-03T12:45:00+01:00\",\"trackingInfo\":[{\"company\":"
    "\"PostNL\",\"number\":\"3S1\",\"url\":\"\"}]}]}]}}}";

/*
 * A Picqer order whose line says more was cancelled than ordered, and
 * one whose amounts are less than none and would overflow.
 */
static const char picqer_cancelled[] =
    "[{\"idorder\":1,\"orderid\":\"1\",\"status\":\"completed\","
    "\"products\":[{\"productcode\":\"A\",\"name\":\"a\",\"amount\":2,"
    "\"amount_cancelled\":5,\"price\":1.5}]}]";
static const char picqer_negative[] =
    "[{\"idorder\":1,\"orderid\":\"1\",\"status\":\"completed\","
    "\"products\":[{\"productcode\":\"A\",\"name\":\"a\","
    "\"amount\":9223372036854775807,"
    "\"amount_cancelled\":-9223372036854775807,\"price\":1}]}]";

/* A WooCommerce order made in the year 225, changed in 10000. */
static const char woo_year[] =
    "[{\"id\":1,\"number\":\"1\",\"status\":\"completed\","
    "\"date_created_gmt\":\"0225-01-07T09:15:02\","
    "\"date_modified_gmt\":\"9999-12-31T23:30:00-01:00\","
    "\"line_items\":[]}]";

/*
 * A Bol order (a token, the list, the order) whose item says more was
 * cancelled than ordered, and shipped less than none.
 */
static const char bol_cancelled[] =
    "{\"access_token\":\"t\",\"expires_in\":300}\n--\n"
    "{\"orders\":[{\"orderId\":\"1\",\"orderItems\":[{\"quantity\":1,"
    "\"quantityShipped\":0,\"quantityCancelled\":5}]}]}\n--\n"
    "{\"orderId\":\"1\",\"orderItems\":[{\"offer\":{\"reference\":"
    "\"MUG\"},\"quantity\":1,\"quantityCancelled\":5,"
    "\"quantityShipped\":-9223372036854775807,\"unitPrice\":9.95,"
    "\"totalPrice\":9.95}]}";

/*
 * A Magento order whose item says more was cancelled than ordered, and
 * shipped more than a double converts to an integer; its shipments.
 */
static const char magento_cancelled[] =
    "{\"items\":[{\"entity_id\":1,\"increment_id\":\"1\","
    "\"state\":\"complete\",\"status\":\"complete\",\"items\":"
    "[{\"item_id\":1,\"sku\":\"A\",\"name\":\"a\",\"product_type\":"
    "\"simple\",\"qty_ordered\":2,\"qty_canceled\":5,"
    "\"qty_shipped\":1e300}]}],\"total_count\":1}\n--\n"
    "{\"items\":[],\"total_count\":0}";

/*
 * A Shopware token and a page of two products, one oversold (its stock
 * below zero), the other with none: found by tests/fuzz/page, whose
 * check was wrong, not the connector.
 */
static const char shopware_oversold[] =
    "{\"token_type\":\"Bearer\",\"expires_in\":600,"
    "\"access_token\":\"t\"}\n--\n"
    "{\"total\":2,\"data\":[{\"id\":\"a1\",\"productNumber\":"
    "\"TS-RED-M\",\"name\":\"T-shirt\",\"stock\":-4},"
    "{\"id\":\"a2\",\"productNumber\":\"TS-RED-L\",\"name\":"
    "\"T-shirt\",\"stock\":0}],\"aggregations\":[]}";

/*
 * A Shopify shop whose first answer gives a bucket of 4e81 points: where
 * paging and a bulk operation meet is past what an integer holds.  Then
 * its variant count, and an answer that is not one: the listing fails.
 */
static const char shopify_bucket[] =
    "{\"data\":{\"locations\":{\"nodes\":[{\"id\":"
    "\"gid://shopify/Location/1\",\"name\":\"Utrecht\",\"isActive\":"
    "true,\"isFulfillmentService\":false}]}},\"extensions\":{\"cost\":"
    "{\"requestedQueryCost\":252,\"actualQueryCost\":5,"
    "\"throttleStatus\":{\"maximumAvailable\":4e81,"
    "\"currentlyAvailable\":1770,\"restoreRate\":100.0}}}}\n--\n"
    "{\"data\":{\"productVariantsCount\":{\"count\":25,"
    "\"precision\":\"EXACT\"}}}\n--\n{}";

/*
 * A CCV product sold in combinations, and its one combination, whose
 * stock is 1e300: more than an integer holds.
 */
static const char ccv_stock[] =
    "{\"start\":0,\"size\":100,\"previous\":null,\"next\":null,"
    "\"items\":[{\"id\":845700101,\"is_active\":true,\"productnumber\":"
    "\"TS-RED\",\"eannumber\":\"\",\"name\":\"T-shirt rood\","
    "\"stockenabled\":true,\"stocktype\":\"attributecombination\","
    "\"stock\":0,\"attributecombinations\":{\"href\":"
    "\"http://127.0.0.1:9/api/rest/v1/products/845700101/"
    "attributecombinations/\"}}]}\n--\n"
    "{\"start\":0,\"size\":100,\"previous\":null,\"next\":null,"
    "\"items\":[{\"id\":90000201,\"note\":\"Maat: M\",\"active\":true,"
    "\"stock\":1e300,\"sku_number\":\"TS-RED-M\",\"combination\":"
    "[{\"attribute\":{\"id\":500,\"name\":\"Maat\"},"
    "\"attribute_value\":{\"id\":900002010,\"name\":\"M\"}}]}]}";

/*
 * A WooCommerce catalog asked twice: a 429 whose Retry-After is more
 * than a long holds (then the page), and one of 30 seconds.
 */
static const char woo_retry_huge[] =
    "HTTP 429\nRetry-After: 99999999999999999999\n\n{}\n--\n[]";
static const char woo_retry_30[] =
    "HTTP 429\nRetry-After: 30\n\n{}\n--\n[]";

/* Open connection [shop] of the connections file text. */
static struct session *
open_conf(const char *text)
{
	char	 err[1024];
	FILE	*fp;
	struct session *s;

	if ((fp = fopen(path, "w")) == NULL)
		return NULL;
	fputs(text, fp);
	fclose(fp);
	chmod(path, 0600);
	if ((s = sess_open(path, "shop", NULL, NULL, err,
	    sizeof(err))) == NULL)
		printf("# %s\n", err);
	return s;
}

/* Keep the first order record. */
static int
keep(void *arg, json_t *o)
{
	json_t	**first = arg;

	if (*first == NULL)
		*first = json_incref(o);
	return 0;
}

/* The first order record of answers, or NULL. */
static json_t *
first_order(struct session *s, const char *answers)
{
	struct order_query q;
	json_t	*o;

	memset(&q, 0, sizeof(q));
	o = NULL;
	wire_answers(answers, strlen(answers));
	if (conn_orders(s, &q, keep, &o) == -1)
		printf("# %s\n", conn_error(s));
	return o;
}

/* Add each row's level to arg, and a million for the row. */
static int
levels(void *arg, const struct stock_row *row)
{
	long long *sum = arg;

	*sum += row->qty + 1000000;
	return 0;
}

/*
 * The stock rows of answers, their levels (and a million a row) summed
 * into *sum: conn_stock's return, its error as a TAP comment; -1 with no
 * session.
 */
static int
stock_sum(struct session *s, const char *answers, long long *sum)
{
	struct stock_query q;
	int	 rc;

	*sum = 0;
	if (s == NULL)
		return -1;
	memset(&q, 0, sizeof(q));
	wire_answers(answers, strlen(answers));
	if ((rc = conn_stock(s, &q, levels, sum)) == -1)
		printf("# %s\n", conn_error(s));
	return rc;
}

/* Whether line i of order o has qty and qty_shipped want. */
static int
line_qty(json_t *o, size_t i, json_int_t want)
{
	json_t	*l;
	json_int_t q, sh;

	l = json_array_get(json_object_get(o, "lines"), i);
	q = json_integer_value(json_object_get(l, "qty"));
	sh = json_integer_value(json_object_get(l, "qty_shipped"));
	if (l == NULL || q != want || sh != want) {
		printf("# line %zu: qty %lld, qty_shipped %lld, not %lld\n",
		    i + 1, (long long)q, (long long)sh, (long long)want);
		return 0;
	}
	return 1;
}

/* Whether member key of o is want. */
static int
is(json_t *o, const char *key, const char *want)
{
	const char *v;

	v = json_string_value(json_object_get(o, key));
	if (v == NULL || strcmp(v, want) != 0) {
		printf("# %s is '%s', not '%s'\n", key, v != NULL ? v :
		    "(none)", want);
		return 0;
	}
	return 1;
}

int
main(void)
{
	struct session *s;
	json_t	*o, *l;
	long long sum;
	double	 t0;
	int	 fd;

	if ((fd = mkstemp(path)) == -1) {
		perror(path);
		return 1;
	}
	close(fd);

	s = open_conf("[shop]\nplatform = shopify\n"
	    "url = http://127.0.0.1:9\ntoken = shpat_t\n");
	o = s != NULL ? first_order(s, shopify_offsets) : NULL;
	ok(o != NULL, "shopify: an order of a page");
	ok(is(o, "created_at", "2026-10-02T08:00:00Z") &&
	    is(o, "updated_at", "2026-10-03T11:45:00Z"),
	    "shopify: createdAt and updatedAt with an offset, in UTC");
	ok(is(json_array_get(json_object_get(o, "shipments"), 0),
	    "shipped_at", "2026-10-03T11:45:00Z"),
	    "shopify: a fulfilment's createdAt, in UTC");
	json_decref(o);
	sess_close(s);

	s = open_conf("[shop]\nplatform = picqer\n"
	    "url = http://127.0.0.1:9\napi_key = k\n"
	    "contact = t@shopswitch.invalid\n");
	o = s != NULL ? first_order(s, picqer_cancelled) : NULL;
	ok(line_qty(o, 0, 0), "picqer: more cancelled than ordered: none "
	    "left, not less");
	json_decref(o);
	o = s != NULL ? first_order(s, picqer_negative) : NULL;
	ok(line_qty(o, 0, 9223372036854775807LL), "picqer: cancelled less "
	    "than none counts as none");
	json_decref(o);
	sess_close(s);

	s = open_conf("[shop]\nplatform = woocommerce\n"
	    "url = http://127.0.0.1:9\nkey = ck_k\nsecret = cs_s\n");
	o = s != NULL ? first_order(s, woo_year) : NULL;
	ok(is(o, "created_at", "0225-01-07T09:15:02Z"),
	    "woocommerce: the year 225 in four digits");
	ok(is(o, "updated_at", ""),
	    "woocommerce: the year 10000 is no RFC 3339 time: unknown");
	json_decref(o);
	sess_close(s);

	s = open_conf("[shop]\nplatform = bol\n"
	    "url = http://127.0.0.1:9\nclient_id = c\nclient_secret = s\n"
	    "token_url = http://127.0.0.1:9/token\n");
	o = s != NULL ? first_order(s, bol_cancelled) : NULL;
	ok(line_qty(o, 0, 0), "bol: more cancelled than ordered, less than "
	    "none shipped: none");
	json_decref(o);
	sess_close(s);

	s = open_conf("[shop]\nplatform = magento\n"
	    "url = http://127.0.0.1:9\nconsumer_key = ck\n"
	    "consumer_secret = cs\naccess_token = at\n"
	    "access_token_secret = ats\n");
	o = s != NULL ? first_order(s, magento_cancelled) : NULL;
	l = json_array_get(json_object_get(o, "lines"), 0);
	ok(json_integer_value(json_object_get(l, "qty")) == 0,
	    "magento: more cancelled than ordered: none left, not less");
	ok(json_integer_value(json_object_get(l, "qty_shipped")) ==
	    COUNT_MAX, "magento: 1e300 shipped is the most a count holds");
	json_decref(o);
	sess_close(s);

	s = open_conf("[shop]\nplatform = shopware\n"
	    "url = http://127.0.0.1:9\nclient_id = SWIA\n"
	    "client_secret = s\n");
	stock_sum(s, shopware_oversold, &sum);
	ok(sum == 2000000 - 4, "shopware: two rows, an oversold level as the "
	    "shop gives it (%lld)", sum);
	sess_close(s);

	s = open_conf("[shop]\nplatform = shopify\n"
	    "url = http://127.0.0.1:9\ntoken = shpat_t\n");
	ok(stock_sum(s, shopify_bucket, &sum) == -1 && sum == 0,
	    "shopify: a bucket of 4e81 points: paged, no overflow (UBSan)");
	sess_close(s);

	s = open_conf("[shop]\nplatform = ccv\n"
	    "url = http://127.0.0.1:9\npublic_key = p\nsecret = s\n");
	stock_sum(s, ccv_stock, &sum);
	ok(sum == 1000000 + COUNT_MAX, "ccv: a stock of 1e300 is the most a "
	    "count holds (%lld)", sum);
	sess_close(s);

	s = open_conf("[shop]\nplatform = woocommerce\n"
	    "url = http://127.0.0.1:9\nkey = ck_k\nsecret = cs_s\n");
	t0 = wire_clock();
	stock_sum(s, woo_retry_huge, &sum);
	ok(wire_clock() - t0 < 60, "woocommerce: a Retry-After past what a "
	    "long holds is none: %.0f s waited", wire_clock() - t0);
	t0 = wire_clock();
	stock_sum(s, woo_retry_30, &sum);
	ok(wire_clock() - t0 > 25, "woocommerce: a Retry-After of 30 s is "
	    "waited: %.3f s", wire_clock() - t0);
	sess_close(s);

	unlink(path);
	return tap_done();
}
