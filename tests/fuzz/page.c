/*
 * page: a libFuzzer harness for each connector's mapping of API pages to
 * records.  The input is what a platform answers, request by request; a
 * session opened as the tools open one (sess_open, a connections file)
 * asks for orders or stock through conn_orders or conn_stock, and every
 * answer it gets goes through the real HTTP client (http.c: statuses,
 * retries, JSON checks, rate-limit and page headers).  Only libcurl's
 * transfer is replaced, by wire.c's canned answers on a fake clock that
 * sleeps in no time, so that backoff, pacing and polling cost nothing.
 *
 * The last byte of an input picks, as in csv.c, so that a seed's own
 * bytes stay in front: bits 0-2 the platform (conn.c's order: picqer,
 * woocommerce, magento, shopify, shopware, lightspeed, ccv, bol), bit 3
 * stock instead of orders, bits 4-7 the query: for orders --raw,
 * --shipments, a --rejects callback and a status filter (open and
 * completed); for stock --per-warehouse, --inactive and -w 1 (where the
 * platform has warehouses).  The bytes before it are the answers, one a
 * request, as wire.h reads them: parted by a line "--", each a 200 of
 * its body unless it starts "HTTP NNN" and header lines.
 *
 * Checked: no crash, no leak, no undefined behaviour (ASan, UBSan); every
 * order record has the members shopswitch(7) lists, of their types, a
 * status of the six, times in RFC 3339 UTC ("" when unknown), lines and
 * shipments of their shape, non-negative integer quantities, and text in
 * UTF-8; every stock row a SKU, name, barcode and warehouse (its levels
 * as the platform gives them: an oversold SKU's below zero, as the
 * snapshots keep it); every rejected order a reason;
 * and a call that fails says why: with exit status 3 (the platform
 * failed) naming the request (the connection's URL) or the order or bulk
 * operation it could not read; with 2, the user's to fix (a setting the
 * shop's answer shows is needed, as Shopify's location when it has
 * several, an option the platform does not take, a warehouse it does not
 * have), saying why.  A violation prints the record or error and aborts.
 * PAGE_VERBOSE=1 says what came of each input.
 */
#define _GNU_SOURCE		/* memfd_create */
#include <sys/mman.h>
#include <sys/stat.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "connector.h"
#include "utf8.h"
#include "util.h"
#include "wire.h"

#define HOST	"http://127.0.0.1:9"	/* every connection's url */
#define NPLAT	8			/* platforms */

int	 LLVMFuzzerInitialize(int *, char ***);
int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The connections file of each platform, as the tests write them. */
static const char *const conf[NPLAT] = {
	"platform = picqer\napi_key = k\ncontact = t@shopswitch.invalid\n",
	"platform = woocommerce\nkey = ck_k\nsecret = cs_s\n",
	"platform = magento\nconsumer_key = ck\nconsumer_secret = cs\n"
	    "access_token = at\naccess_token_secret = ats\n",
	"platform = shopify\ntoken = shpat_t\n",
	"platform = shopware\nclient_id = SWIAFUZZ\nclient_secret = s\n",
	"platform = lightspeed\nkey = k\nsecret = s\n",
	"platform = ccv\npublic_key = p\nsecret = s\n",
	"platform = bol\nclient_id = c\nclient_secret = s\n"
	    "token_url = " HOST "/token\n"
};

static const char *const names[NPLAT] = {
	"picqer", "woocommerce", "magento", "shopify", "shopware",
	"lightspeed", "ccv", "bol"
};

static char	 path[NPLAT][64];	/* each platform's connections file */
static int	 verbose;		/* PAGE_VERBOSE: say what came of it */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	 text[512];
	size_t	 i, n;
	int	 fd;

	(void)argc;
	(void)argv;
	/* Files in memory, read as a tool reads its connections file. */
	for (i = 0; i < NPLAT; i++) {
		n = (size_t)snprintf(text, sizeof(text), "[shop]\nurl = %s\n"
		    "retries = 2\n%s", HOST, conf[i]);
		if ((fd = memfd_create(names[i], 0)) == -1 ||
		    fchmod(fd, 0600) == -1 ||
		    write(fd, text, n) != (ssize_t)n) {
			perror("memfd");
			exit(1);
		}
		snprintf(path[i], sizeof(path[i]), "/proc/self/fd/%d", fd);
	}
	verbose = getenv("PAGE_VERBOSE") != NULL;
	return 0;
}

/* The messages a tool would print: formatted, to check their arguments. */
static void
say(const char *fmt, ...)
{
	va_list	 ap;
	char	 line[1024];

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
}

static void
fail(const char *what, json_t *o)
{
	char	*t;

	t = o != NULL ? json_dumps(o, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	fprintf(stderr, "page: %s%s%s\n", what, t != NULL ? ": " : "",
	    t != NULL ? t : "");
	free(t);
	abort();
}

/* Whether t is "" or a time as the records have it, 2026-11-01T10:00:00Z. */
static int
is_utc(const char *t)
{
	static const char form[] = "dddd-dd-ddTdd:dd:ddZ";
	size_t	 i;

	if (*t == '\0')
		return 1;
	if (strlen(t) != sizeof(form) - 1)
		return 0;
	for (i = 0; form[i] != '\0'; i++)
		if (form[i] == 'd' ? t[i] < '0' || t[i] > '9' :
		    t[i] != form[i])
			return 0;
	return 1;
}

/* Member key of o: a string in UTF-8 (jansson's own check), or abort. */
static const char *
str(json_t *o, const char *key, json_t *rec)
{
	json_t	*v;
	char	 what[128];

	if (!json_is_string(v = json_object_get(o, key))) {
		snprintf(what, sizeof(what), "member %s is not a string", key);
		fail(what, rec);
	}
	return json_string_value(v);
}

static void
check_addr(json_t *a, json_t *rec)
{
	static const char *const keys[] = { "name", "company", "address1",
	    "address2", "zip", "city", "region", "country", "phone" };
	size_t	 i;

	if (json_is_null(a))
		return;
	if (!json_is_object(a) || json_object_size(a) != NELEM(keys))
		fail("an address is not null or its nine members", rec);
	for (i = 0; i < NELEM(keys); i++)
		(void)str(a, keys[i], rec);
}

struct run {
	const char	*platform;	/* what the records must say */
	const struct order_query *q;
	size_t		 records;	/* handed out */
};

/* Each order record, as shopswitch(7) has it. */
static int
order(void *arg, json_t *o)
{
	static const char *const keys[] = { "id", "number", "reference",
	    "platform_status", "email", "name", "country", "total",
	    "currency" };
	struct run *r = arg;
	json_t	*v, *l, *qty;
	size_t	 i, n;

	r->records++;
	n = 18 + (r->q->raw ? 1 : 0);
	if (!json_is_object(o) || json_object_size(o) != n)
		fail("not an object of the record's members", o);
	if (strcmp(str(o, "source", o), r->platform) != 0 ||
	    strcmp(str(o, "shop", o), "shop") != 0)
		fail("source or shop is not the connection's", o);
	for (i = 0; i < NELEM(keys); i++)
		(void)str(o, keys[i], o);
	if (conn_status(str(o, "status", o)) == 0)
		fail("status is not one of the six", o);
	if (!conn_wanted(r->q, conn_status(str(o, "status", o))))
		fail("an order of a status not asked for", o);
	if (!is_utc(str(o, "created_at", o)) ||
	    !is_utc(str(o, "updated_at", o)))
		fail("a time is not RFC 3339 in UTC", o);
	check_addr(json_object_get(o, "billing_address"), o);
	check_addr(json_object_get(o, "shipping_address"), o);
	if (!json_is_array(v = json_object_get(o, "lines")))
		fail("lines is not an array", o);
	json_array_foreach(v, i, l) {
		if (!json_is_object(l) || json_object_size(l) != 5)
			fail("a line is not its five members", o);
		(void)str(l, "sku", o);
		(void)str(l, "name", o);
		qty = json_object_get(l, "qty");
		if (!json_is_integer(qty) || json_integer_value(qty) < 0)
			fail("a line's qty is not an integer >= 0", o);
		qty = json_object_get(l, "qty_shipped");
		if (!json_is_null(qty) && (!json_is_integer(qty) ||
		    json_integer_value(qty) < 0))
			fail("a line's qty_shipped is not null or an "
			    "integer >= 0", o);
		if (!json_is_null(json_object_get(l, "total")))
			(void)str(l, "total", o);
	}
	if (!json_is_array(v = json_object_get(o, "shipments")))
		fail("shipments is not an array", o);
	json_array_foreach(v, i, l) {
		if (!json_is_object(l) || json_object_size(l) != 4)
			fail("a shipment is not its four members", o);
		(void)str(l, "carrier", o);
		(void)str(l, "tracking", o);
		(void)str(l, "url", o);
		if (!is_utc(str(l, "shipped_at", o)))
			fail("shipped_at is not RFC 3339 in UTC", o);
	}
	if (r->q->raw && json_object_get(o, "raw") == NULL)
		fail("--raw, but no raw", o);
	return 0;
}

/* An order set aside: its platform object, and why. */
static int
reject(void *arg, json_t *obj, const char *why)
{
	(void)arg;
	if (obj == NULL || why == NULL || *why == '\0')
		fail("a rejected order without its object or reason", obj);
	return 0;
}

/* Text of a stock row, there and in UTF-8. */
static void
rowtext(const char *what, const char *t, const struct stock_row *row)
{
	size_t	 bad;
	char	 msg[256];

	if (t == NULL || (*t != '\0' && u8_check(t, strlen(t), &bad) == -1)) {
		snprintf(msg, sizeof(msg), "stock row of sku '%s': %s is %s",
		    row->sku != NULL ? row->sku : "(null)", what,
		    t == NULL ? "NULL" : "not UTF-8");
		fail(msg, NULL);
	}
}

static int
stock(void *arg, const struct stock_row *row)
{
	struct run *r = arg;

	r->records++;
	rowtext("sku", row->sku, row);
	rowtext("name", row->name, row);
	rowtext("barcode", row->barcode, row);
	rowtext("warehouse", row->warehouse, row);
	return 0;
}

/*
 * Whether error e names what failed: the request (its URL, on the
 * connection's host), or the order or Shopify bulk operation whose
 * answer cannot be read ("order 1001: status 'x' is not one ...").
 */
static int
names_request(const char *e)
{
	return strstr(e, HOST) != NULL || strncmp(e, "order ", 6) == 0 ||
	    strstr(e, "bulk operation ") != NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char wh1[] = "1";
	static char *wh[] = { wh1 };
	struct session *s;
	struct order_query oq;
	struct stock_query sq;
	struct run r;
	char	 err[2048];
	unsigned int sel;
	int	 rc;

	if (size == 0)
		return 0;
	sel = data[size - 1];
	wire_answers((const char *)data, size - 1);
	if ((s = sess_open(path[sel & 7], "shop", say, say, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "page: %s\n", err);
		abort();
	}
	memset(&r, 0, sizeof(r));
	r.platform = names[sel & 7];
	memset(&oq, 0, sizeof(oq));
	r.q = &oq;
	if (sel & 8) {
		memset(&sq, 0, sizeof(sq));
		if (s->c->no_warehouses == NULL) {
			sq.per_warehouse = (sel & 16) != 0;
			if (sel & 64) {
				sq.warehouses = wh;
				sq.nwarehouses = 1;
			}
		}
		sq.inactive = (sel & 32) != 0;
		rc = conn_stock(s, &sq, stock, &r);
	} else {
		oq.raw = (sel & 16) != 0;
		oq.shipments = (sel & 32) != 0;
		if (sel & 64)
			oq.reject = reject;
		if (sel & 128)
			oq.statuses = ST_OPEN | ST_COMPLETED;
		rc = conn_orders(s, &oq, order, &r);
	}
	if (rc != 0 && rc != -1) {
		fprintf(stderr, "page: %s returned %d\n", r.platform, rc);
		abort();
	}
	if (rc == -1 && (conn_exit(s) == EXIT_PLATFORM ?
	    !names_request(conn_error(s)) : *conn_error(s) == '\0')) {
		fprintf(stderr, "page: %s: an error that does not name the "
		    "request, or with exit %d: %s\n", r.platform,
		    conn_exit(s), conn_error(s));
		abort();
	}
	if (verbose)
		fprintf(stderr, "page: %s %s: %d, %zu records%s%s\n",
		    r.platform, sel & 8 ? "stock" : "orders", rc, r.records,
		    rc == -1 ? ": " : "", rc == -1 ? conn_error(s) : "");
	sess_close(s);
	return 0;
}
