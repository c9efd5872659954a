"""lightspeed.py: the Lightspeed eCom (C-Series, ex SEOshop) API for sandbox.py.

    python3 tests/sandbox/sandbox.py --platform lightspeed \
        --data tests/sandbox/data/lightspeed \
        [--api-key KEY] [--api-secret SECRET] \
        [--generate orders=N,products=M] [--seed N] [--set NAME=VALUE ...]

Routes, under /{lang}/ (a language active in the shop, --set languages):
GET shop.json, languages.json, account/ratelimit.json;
GET orders.json, orders/count.json, orders/{id}.json, PUT orders/{id}.json;
GET orders/{id}/products.json, orders/{id}/products/count.json,
orders/{id}/products/{pid}.json;
GET shipments.json, shipments/count.json, shipments/{id}.json,
PUT shipments/{id}.json, GET shipments/{id}/products.json;
GET products.json, products/count.json, products/{id}.json;
GET variants.json, variants/count.json, variants/{id}.json,
PUT variants/{id}.json.  The connection url is http://127.0.0.1:PORT, as
https://api.webshopapp.com (eu1) would be.

Data (--data DIR): products.json (products, each with its variants) and
orders.json (orders, each with its lines and shipments), in a compact form
that reset() expands into Lightspeed's shapes; README.md ("Lightspeed
eCom") describes both.

Settings (--set NAME=VALUE): languages (nl,en: the shop's active
languages), limit_5min, limit_hour, limit_day (300, 3000, 12000),
window_5min, window_hour, window_day (300, 3600, 86400 seconds: tests
make them small), per_second (20).

Sources:
 [php]   SEOshop/API-PHP-Client src/WebshopappApiClient.php (Lightspeed's
         own client, v1.9.1): hosts, getUrl, sendRequest, the resources
 [ts]    NickTacke/lightspeed-client (schemas "live-validated against a
         real shop"): src/core/{errors,rate-limit,paginate,types}.ts,
         src/resources/{sales/order,sales/shipment,catalog/variant}.ts,
         src/constants/enums.ts, tests/core/rate-limit.test.ts
 [fix]   jessegall/php-lightspeed-sdk tests/resources/*.json: the
         vendor documentation's examples (order, orderProduct, shipment,
         shipmentProduct, variant, product, shop, language,
         accountRatelimit)
 [pd]    PipedreamHQ/pipedream components/lightspeed_ecom_c_series
         (actions/find-order: filter names and the date format, citing
         https://developers.lightspeedhq.com/ecom/endpoints/order/)
 [rl1]   https://community.lightspeedhq.com/en/discussion/1360 (staff:
         300 / 5 min, 3000 / hour, 12000 / day, then 429)
 [rl2]   https://community.lightspeedhq.com/en/discussion/6253 (staff:
         20 requests a second per shop per API key, since 2021-11-22)
 [msp]   MultiSafepay docs, integrations/hosted/lightspeed_app/faq/
         how-does-shipping-work.md: "It is not possible for orders to be
         un-shipped."
 [guide] /work/shared/research/switching-webshops-guide.txt: "Lightspeed:
         recognizes shipments but not partial shipments."

Decisions (UNCONFIRMED where no source settles them; the strict reading
is then taken):

 1. Auth: HTTP Basic, API key as user and API secret as password, on
    every request [php] (getUrl puts key:secret in the URL; [ts] sends an
    Authorization: Basic header).  Keys and secrets are 32 characters
    [php] checkLoginCredentials, so the sandbox's are too.  A missing or
    wrong pair, another scheme or bad base64 is 401 with Lightspeed's
    error body (decision 3) and the message "Access denied." ([ts]
    tests/core/errors.test.ts; UNCONFIRMED as a live capture) and
    WWW-Authenticate: Basic (RFC 9110; UNCONFIRMED).  Keys do not
    expire; a key turned off in the back office is simply wrong.
 2. Language: the first path segment is the language, two letters [php]
    ("Invalid API language." unless strlen 2).  One not active in the
    shop (--set languages) is 404 "Unknown or inactive language." ([ts]
    errors.test.ts; UNCONFIRMED).  Auth comes first (the core's order).
 3. Errors: {"error":{"code":STATUS,"method":"GET","request":"nl/
    orders.json","message":"..."}} ([ts] errors.ts: "lightspeed wraps
    errors as { error: { code, method, request, message } }"; [php] reads
    error.message on any non-2xx).  What "request" holds is UNCONFIRMED:
    the sandbox puts the path without its leading slash.  Unknown paths,
    ids and methods are 404 "Not found." (UNCONFIRMED); a bad parameter
    or body is 400 (the strict choice: Lightspeed's own answer to most
    bad input is not documented).
 4. Envelopes: one object as {"order":{...}}, lists as {"orders":[...]},
    counts as {"count":N}, writes sent as {"variant":{...}} [php] [ts]
    resource.ts.  Sub-resources: orderProduct(s), shipmentProduct(s)
    [fix] [ts].  JSON as PHP writes it ("\\/", \\u escapes) [pd]'s
    captured webhook shows "customers\\/123".
 5. Paging: page (from 1) and limit (1..250; default 50, UNCONFIRMED),
    or since_id (id > N) [ts] README, paginate.ts, types.ts.  Lists are
    in ascending id (what since_id paging needs; UNCONFIRMED); past the
    end a list is empty.  A limit above 250, a page or limit that is not
    a positive integer, an unknown or repeated parameter: 400 (strict:
    Lightspeed may clamp or ignore).  [ts] says page paging "is capped on
    deep pages"; no source gives the cap, so none is emulated.
 6. Dates: answers carry "2025-01-07T09:30:00+00:00" [fix].  Filters
    created_at_min/max and updated_at_min/max take "YYYY-MM-DD HH:MM:SS"
    ([pd]: "Format: YYYY-MM-DD HH:MM:SS"; [ts] types.ts says the same,
    its README says ISO 8601), read as UTC, both bounds inclusive
    (UNCONFIRMED; the safe side for a client that pages by time and
    deduplicates).  Another format is 400 (strict).
 7. Orders: filters status, paymentStatus, shipmentStatus, customer,
    email, number ([ts] order.ts OrderFilters; [pd] find-order uses
    customer and number) plus decision 5 and 6's, and fields (a comma
    list of the fields to return [ts] types.ts).  The enums are [ts]
    enums.ts: status on_hold, processing_awaiting_payment,
    processing_awaiting_shipment, processing_awaiting_pickup,
    processing_ready_for_pickup, completed, completed_shipped,
    completed_picked_up, cancelled; paymentStatus not_paid,
    partially_paid, paid, cancelled; shipmentStatus not_shipped,
    partially_shipped, shipped, cancelled.  Another value is 400.
 8. Lines and shipments are linked, not embedded, in a list; GET
    orders/{id}.json embeds them (products.resource.embedded,
    shipments.resource.embedded), as the documentation's order example
    does [fix] order.json, while list items carry only the resource
    links.  No source shows an ?embed= parameter, so none is emulated.
    A connector reads a page of orders, then each order by id: 1 + N
    requests.  orders/{id}/products.json and shipments.json?order=ID
    give the same data one level at a time.  An order product's
    priceIncl is the line total (basePriceIncl x quantity) [fix].  An
    order has no currency: it is the shop's (GET shop.json,
    shop.currency.shortcode [fix] shop.json).  An order has no external
    reference.  The shipment has no carrier, URL or ship time of its own
    [fix] shipment.json: the carrier is the order's shipmentTitle, the
    time the shipment's updatedAt.
 9. Shipments: Lightspeed makes them itself (one with the order); the
    API lists, reads and updates them but cannot create them [php]
    (Shipments: get, count, update only).  status is not_shipped,
    shipped or cancelled (UNCONFIRMED beyond not_shipped and shipped
    [fix]).  Partial shipments: the seed has an order with one shipment
    shipped and one not (what the back office makes); an order
    product's quantityShipped is what its shipped shipments hold, and
    the order's shipmentStatus follows (partially_shipped).  [guide]
    says Lightspeed does not recognise partial shipments for Picqer, so
    a connector completes an order only when every shipment is shipped.
10. Completing: PUT shipments/{id}.json {"shipment":{"status":"shipped",
    "trackingCode":"...","doNotifyShipped":false,
    "doNotifyTrackingCode":false}} [ts] shipment.ts, [fix] shipment.json.
    Only status, trackingCode, doNotifyShipped, doNotifyReadyForPickup
    and doNotifyTrackingCode are taken (others, such as [ts]'s
    docs-derived carrier and trackingUrl, are 400: strict).  Refused
    (400): a shipment of a cancelled order; shipped back to not_shipped
    ([msp]); cancelled by a shipment update (cancel the order instead).
    shipped to shipped only changes the tracking code.  Shipping a
    shipment sets its lines' quantityShipped and the order's
    shipmentStatus, not the order's status (UNCONFIRMED; the strict
    side: a connector sets the status itself with PUT orders/{id}.json).
    doNotifyShipped true mails the customer (template "shipped",
    /_sandbox/mail), doNotifyTrackingCode true with a code mails
    "tracking_code".  Each accepted PUT counts a write "shipment ID".
11. PUT orders/{id}.json {"order":{...}} takes status, paymentStatus,
    shipmentStatus, memo, remark and doNotify ([ts] orderUpdateSchema);
    others are 400.  shipmentStatus "shipped" ships every shipment not
    yet shipped (without a tracking code).  Transitions (UNCONFIRMED,
    strict): a cancelled order takes no change; a completed one only its
    own status again; completed and completed_shipped need every
    shipment shipped, completed_picked_up needs
    processing_ready_for_pickup; cancelling cancels the shipments not
    shipped and needs none shipped.  Refusals are 400.  doNotify true
    with a status change mails "status".  Each accepted PUT counts a
    write "order ID".
12. Products and variants: GET products.json (visibility visible,
    hidden or auto: a hidden product is the inactive one) and
    variants.json with filters product, sku, ean, articleCode ([ts]
    VariantFilters) plus decision 5 and 6's.  stockTracking is enabled,
    disabled or indicator [fix] variant.json; a variant that does not
    track stock still has a stockLevel.  PUT variants/{id}.json
    {"variant":{"stockLevel":N}} [php] [ts] sets the level, answers the
    variant, and counts a write for its SKU ("#ID" when the SKU is
    empty).  Only stockLevel and stockTracking are taken; stockLevel
    must be an integer >= 0 (strict).
13. Bulk: [php] has PUT variants/bulk.json with the body {"variant":
    <fields>} (since v1.4, 2014), but no source shows what <fields>
    holds, how many items it takes or what it answers.  The sandbox does
    not invent them: PUT variants/bulk.json is 400 "not emulated", so a
    connector writes one variant per request.
14. Rate limits: three fixed windows per API key, 5 minutes, an hour and
    a day, 300 / 3000 / 12000 by default [rl1]; the documentation's
    accountRatelimit example resets them at clock boundaries (resetTime
    18:10:00, 19:00:00, 00:00:00 [fix]), so windows are aligned to
    multiples of their length.  Every counted answer carries
    X-RateLimit-Limit "300/3000/12000", X-RateLimit-Remaining
    "299/2999/11999" and X-RateLimit-Reset (seconds until each window
    resets) "263/2063/23663" [ts] rate-limit.ts and its test (values
    from live calls).  A request when any window is spent is 429 with
    Lightspeed's error body, "Too many requests." (UNCONFIRMED text),
    the headers (Remaining 0 in that window), not counted and not
    carried out.  No Retry-After: no source shows one ([ts] reads it
    only if present); a client waits for X-RateLimit-Reset.  Beside the
    windows, at most per_second requests in any second [rl2], answered
    with the same 429.  401s are not counted.
    GET account/ratelimit.json answers the windows as accountRatelimit
    [fix] [php].
15. Entering orders: Lightspeed's API takes orders through the checkout
    API (POST checkouts.json, checkouts/{id}/products.json, PUT
    checkouts/{id}.json with shipment and payment methods, GET
    checkouts/{id}/validate.json, POST checkouts/{id}/order.json: [php]
    Checkouts*, [ts] checkout.ts and examples/checkout-to-order.ts).  It
    is NOT emulated here (see README.md): the sandbox answers 404.
"""

import base64
import binascii
import math
import operator
import random
import re
import threading
import time
from collections import deque
from datetime import datetime, timedelta, timezone

from sandbox import (PlatformBase, Reject, SetupError, is_int, json_response,
                     listing_key, load_array, valid_time)

API_KEY = "sandboxkeysandboxkeysandboxkey00"        # 32 characters [php]
API_SECRET = "sandboxsecretsandboxsecretsandbo"     # 32 characters [php]
RATE_LIMIT = None           # the core's window does not fit: decision 14
SETTINGS = {
    "languages": "nl,en",
    "limit_5min": "300", "limit_hour": "3000", "limit_day": "12000",
    "window_5min": "300", "window_hour": "3600", "window_day": "86400",
    "per_second": "20",
}
WINDOWS = ("5min", "hour", "day")

ORDER_STATUSES = ("on_hold", "processing_awaiting_payment",
                  "processing_awaiting_shipment", "processing_awaiting_pickup",
                  "processing_ready_for_pickup", "completed",
                  "completed_shipped", "completed_picked_up", "cancelled")
PAYMENT_STATUSES = ("not_paid", "partially_paid", "paid", "cancelled")
ORDER_SHIPMENT_STATUSES = ("not_shipped", "partially_shipped", "shipped",
                           "cancelled")
SHIPMENT_STATUSES = ("not_shipped", "shipped", "cancelled")
VISIBILITIES = ("visible", "hidden", "auto")
STOCK_TRACKING = ("enabled", "disabled", "indicator")
MAX_LIMIT = 250
DEFAULT_LIMIT = 50
TIME_RE = re.compile(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00\Z")
FILTER_RE = re.compile(r"\A\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\Z")
LIST_PARAMS = ("page", "limit", "since_id", "created_at_min",
               "created_at_max", "updated_at_min", "updated_at_max", "fields")
COUNTRIES = {
    "nl": {"id": 150, "code": "nl", "code3": "nld", "title": "Nederland"},
    "be": {"id": 21, "code": "be", "code3": "bel", "title": "België"},
    "de": {"id": 81, "code": "de", "code3": "deu", "title": "Duitsland"},
}
LANGUAGES = {
    "nl": (1, "nl_NL", "Nederlands"), "en": (3, "en_GB", "English"),
    "de": (4, "de_DE", "Deutsch"), "fr": (5, "fr_FR", "Français"),
    "us": (18, "en_US", "English (US)"),
}
VAT = 1.21


def money(x):
    return round(x + 0.0, 2)


def utc_now():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")


class Platform(PlatformBase):
    name = "lightspeed"

    def __init__(self, data_dir, generate, seed, api_key,
                 api_secret=API_SECRET, settings=None):
        self.data_dir = data_dir
        self.generate = dict(generate)
        self.seed = seed
        self.api_key = api_key
        self.api_secret = api_secret
        s = dict(SETTINGS)
        s.update(settings or {})
        self.languages = [x for x in s["languages"].split(",") if x]
        for lang in self.languages:
            if lang not in LANGUAGES:
                raise SetupError("--set languages: %r is not one of %s"
                                 % (lang, ", ".join(sorted(LANGUAGES))))
        if not self.languages:
            raise SetupError("--set languages: the shop needs one")
        try:
            self.limits = [int(s["limit_" + w]) for w in WINDOWS]
            self.lengths = [float(s["window_" + w]) for w in WINDOWS]
            self.per_second = int(s["per_second"])
        except ValueError as e:
            raise SetupError("--set: a limit or window is not a number (%s)"
                             % e) from e
        if min(self.limits) < 1 or min(self.lengths) <= 0 \
                or self.per_second < 1:
            raise SetupError("--set: limits must be >= 1 and windows > 0")
        unknown = set(self.generate) - {"orders", "products"}
        if unknown:
            raise SetupError("--generate: lightspeed has no %s (it knows "
                             "orders, products)" % ", ".join(sorted(unknown)))
        self.rate_lock = threading.Lock()
        self.local = threading.local()
        self.reset()

    # ------------------------------------------------------------ data

    def reset(self):
        products = load_array(self.data_dir, "products.json")
        orders = load_array(self.data_dir, "orders.json")
        rng = random.Random(self.seed)
        if "products" in self.generate:
            products = generate_products(rng, self.generate["products"])
        if "orders" in self.generate:
            if not products:
                products = generate_products(rng, 20)
            orders = generate_orders(rng, self.generate["orders"], products)
        self.load_products(products)
        self.load_orders(orders)
        self.write_counts = {}
        self.mail_log = []
        with self.rate_lock:
            self.windows = {}           # key -> [[start, count] x 3]
            self.seconds = {}           # key -> deque of request times

    def load_products(self, products):
        self.products = {}
        self.variants = {}
        for p in products:
            where = "products.json: product %r" % (p.get("id"),)
            if not is_int(p.get("id")) or p["id"] in self.products:
                raise SetupError("%s: id must be a unique integer" % where)
            if p.get("visibility") not in VISIBILITIES:
                raise SetupError("%s: visibility must be one of %s"
                                 % (where, ", ".join(VISIBILITIES)))
            check_times(p, where)
            if not isinstance(p.get("title"), str) or not p.get("variants"):
                raise SetupError("%s: needs a title and variants" % where)
            self.products[p["id"]] = p
            for i, v in enumerate(p["variants"]):
                vw = "%s: variant %r" % (where, v.get("id"))
                if not is_int(v.get("id")) or v["id"] in self.variants:
                    raise SetupError("%s: id must be a unique integer" % vw)
                if v.get("stockTracking") not in STOCK_TRACKING:
                    raise SetupError("%s: stockTracking must be one of %s"
                                     % (vw, ", ".join(STOCK_TRACKING)))
                if not is_int(v.get("stockLevel")):
                    raise SetupError("%s: stockLevel must be an integer" % vw)
                for f in ("sku", "ean", "articleCode", "title"):
                    if not isinstance(v.get(f), str):
                        raise SetupError("%s: %s must be a string" % (vw, f))
                v = dict(v, product=p["id"], isDefault=i == 0,
                         sortOrder=i + 1, createdAt=p["createdAt"],
                         updatedAt=v.get("updatedAt", p["updatedAt"]))
                self.variants[v["id"]] = v

    def load_orders(self, orders):
        self.orders = {}
        self.lines = {}                 # line id -> line
        self.shipments = {}             # shipment id -> shipment
        for o in orders:
            where = "orders.json: order %r" % (o.get("id"),)
            if not is_int(o.get("id")) or o["id"] in self.orders:
                raise SetupError("%s: id must be a unique integer" % where)
            for f, allowed in (("status", ORDER_STATUSES),
                               ("paymentStatus", PAYMENT_STATUSES)):
                if o.get(f) not in allowed:
                    raise SetupError("%s: %s must be one of %s"
                                     % (where, f, ", ".join(allowed)))
            check_times(o, where)
            if (o.get("billing") or {}).get("country") not in COUNTRIES:
                raise SetupError("%s: billing.country must be one of %s"
                                 % (where, ", ".join(COUNTRIES)))
            o = dict(o)
            o.setdefault("shipping", o["billing"])
            lines = []
            for li in o.get("lines", []):
                lw = "%s: line %r" % (where, li.get("id"))
                if not is_int(li.get("id")) or li["id"] in self.lines:
                    raise SetupError("%s: id must be a unique integer" % lw)
                if not is_int(li.get("quantity")) or li["quantity"] < 1:
                    raise SetupError("%s: quantity must be >= 1" % lw)
                v = self.variants.get(li.get("variant"))
                if li.get("variant") is not None and v is None:
                    raise SetupError("%s: variant %r is not in products.json"
                                     % (lw, li.get("variant")))
                line = self.make_line(li, v, o["id"])
                lines.append(line)
                self.lines[line["id"]] = line
            o["lines"] = lines
            ships = []
            for s in o.get("shipments", []):
                sw = "%s: shipment %r" % (where, s.get("id"))
                if not is_int(s.get("id")) or s["id"] in self.shipments:
                    raise SetupError("%s: id must be a unique integer" % sw)
                if s.get("status") not in SHIPMENT_STATUSES:
                    raise SetupError("%s: status must be one of %s"
                                     % (sw, ", ".join(SHIPMENT_STATUSES)))
                check_times(s, sw)
                for sp in s.get("products", []):
                    line = self.lines.get(sp.get("line"))
                    if line is None or line["order"] != o["id"] or \
                            not is_int(sp.get("quantity")):
                        raise SetupError("%s: product %r is not a line of "
                                         "this order" % (sw, sp))
                s = dict(s, order=o["id"])
                ships.append(s)
                self.shipments[s["id"]] = s
            o["shipments"] = ships
            self.orders[o["id"]] = o
            for line in lines:
                held = sum(sp["quantity"] for s in ships
                           for sp in s["products"] if sp["line"] == line["id"])
                if held != line["quantityOrdered"]:
                    raise SetupError("%s: line %r: its shipments hold %d of "
                                     "%d" % (where, line["id"], held,
                                             line["quantityOrdered"]))
            self.derive(o)
            if o["status"] == "cancelled" and \
                    any(s["status"] == "shipped" for s in ships):
                raise SetupError("%s: cancelled, but a shipment is shipped"
                                 % where)
            if o["status"].startswith("completed") and \
                    o["shipmentStatus"] != "shipped":
                raise SetupError("%s: %s, but not every shipment is shipped"
                                 % (where, o["status"]))
        self.next_id = max([0] + list(self.orders)) + 1

    def make_line(self, li, v, oid):
        if v is not None:
            price = v["priceIncl"]
            title = self.products[v["product"]]["title"]
        else:
            price = li.get("priceIncl", 0.0)
            title = li.get("title", "")
        qty = li["quantity"]
        return {
            "id": li["id"], "order": oid,
            "variant": v["id"] if v else None,
            "product": v["product"] if v else None,
            "productTitle": title, "variantTitle": v["title"] if v else "",
            "quantityOrdered": qty, "quantityShipped": 0,
            "articleCode": v["articleCode"] if v else "",
            "ean": v["ean"] if v else "",
            "sku": v["sku"] if v else li.get("sku", ""),
            "basePriceIncl": money(price),
            "priceIncl": money(price * qty),
        }

    def derive(self, o):
        """Lines' quantityShipped and the order's shipmentStatus from its
        shipments (decision 9)."""
        for line in o["lines"]:
            line["quantityShipped"] = sum(
                sp["quantity"] for s in o["shipments"] if s["status"] ==
                "shipped" for sp in s["products"] if sp["line"] == line["id"])
        live = [s for s in o["shipments"] if s["status"] != "cancelled"]
        shipped = [s for s in live if s["status"] == "shipped"]
        if o["status"] == "cancelled":
            o["shipmentStatus"] = "cancelled"
        elif live and len(shipped) == len(live):
            o["shipmentStatus"] = "shipped"
        elif shipped:
            o["shipmentStatus"] = "partially_shipped"
        else:
            o["shipmentStatus"] = "not_shipped"

    def change(self, c):
        """A fault of kind change: {"sku": S, "stockLevel": N} is a sale
        or a delivery in the shop just before a request (not a write)."""
        for v in self.variants.values():
            if v["sku"] == c.get("sku") and is_int(c.get("stockLevel")):
                v["stockLevel"] = c["stockLevel"]

    def check_change(self, c):
        if not isinstance(c.get("sku"), str) or \
                not is_int(c.get("stockLevel")):
            raise ValueError('a lightspeed change is {"sku": S, '
                             '"stockLevel": N}')

    # ------------------------------------------------- hooks of the core

    def authenticate(self, req):
        header = req.header("Authorization")
        if header is None:
            return "missing", None
        scheme, _, cred = header.strip().partition(" ")
        if scheme.lower() != "basic":
            return "bad", None
        try:
            key, _, secret = base64.b64decode(
                cred.strip(), validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return "bad", None
        if key != self.api_key or secret != self.api_secret:
            return "bad", None
        return "ok", key

    def unauthorized(self, req, state):
        return error(req, 401, "Access denied.",
                     [("WWW-Authenticate", 'Basic realm="Lightspeed eCom"')])

    def rate_headers(self, limit, remaining):
        headers = getattr(self.local, "headers", [])
        self.local.headers = []
        return headers

    def rate_limited(self, limit, req=None):
        return error(req, 429, "Too many requests.")

    def server_error(self):
        return error(None, 500, "Internal server error.")

    def server_error_for(self, req):
        return error(req, 500, "Internal server error.")

    def check(self, req):
        """Decision 14: the three windows and the per-second limit."""
        now = time.time()
        key = self.api_key
        with self.rate_lock:
            ws = self.windows.setdefault(key, [[None, 0] for _ in WINDOWS])
            for w, length in zip(ws, self.lengths):
                start = now - math.fmod(now, length)
                if w[0] != start:
                    w[0], w[1] = start, 0
            recent = self.seconds.setdefault(key, deque())
            while recent and now - recent[0] >= 1.0:
                recent.popleft()
            spent = any(w[1] >= n for w, n in zip(ws, self.limits)) or \
                len(recent) >= self.per_second
            if not spent:
                for w in ws:
                    w[1] += 1
                recent.append(now)
            self.local.headers = self.window_headers(ws, now)
        if spent:
            return self.rate_limited(None, req)
        return None

    def window_headers(self, ws, now):
        def triple(values):
            return "/".join(str(x) for x in values)
        return [
            ("X-RateLimit-Limit", triple(self.limits)),
            ("X-RateLimit-Remaining", triple(
                max(0, n - w[1]) for w, n in zip(ws, self.limits))),
            ("X-RateLimit-Reset", triple(
                max(1, int(math.ceil(w[0] + length - now)))
                for w, length in zip(ws, self.lengths))),
        ]

    def state(self):
        return {
            "products": [self.product_json(p, "http://127.0.0.1/nl")
                         for p in sorted(self.products.values(),
                                         key=lambda p: p["id"])],
            "variants": [self.variant_json(v, "http://127.0.0.1/nl")
                         for v in sorted(self.variants.values(),
                                         key=lambda v: v["id"])],
            "orders": [self.order_json(o, "http://127.0.0.1/nl", True)
                       for o in sorted(self.orders.values(),
                                       key=lambda o: o["id"])],
            "writes": self.writes(),
        }

    # --------------------------------------------------------- routing

    ROUTES = [
        (r"shop", "GET", "get_shop"),
        (r"languages", "GET", "list_languages"),
        (r"account/ratelimit", "GET", "get_ratelimit"),
        (r"orders", "GET", "list_orders"),
        (r"orders/count", "GET", "count_orders"),
        (r"orders/(\d+)", "GET", "get_order"),
        (r"orders/(\d+)", "PUT", "update_order"),
        (r"orders/(\d+)/products", "GET", "list_order_products"),
        (r"orders/(\d+)/products/count", "GET", "count_order_products"),
        (r"orders/(\d+)/products/(\d+)", "GET", "get_order_product"),
        (r"shipments", "GET", "list_shipments"),
        (r"shipments/count", "GET", "count_shipments"),
        (r"shipments/(\d+)", "GET", "get_shipment"),
        (r"shipments/(\d+)", "PUT", "update_shipment"),
        (r"shipments/(\d+)/products", "GET", "list_shipment_products"),
        (r"products", "GET", "list_products"),
        (r"products/count", "GET", "count_products"),
        (r"products/(\d+)", "GET", "get_product"),
        (r"variants", "GET", "list_variants"),
        (r"variants/count", "GET", "count_variants"),
        (r"variants/bulk", "PUT", "bulk_variants"),
        (r"variants/(\d+)", "GET", "get_variant"),
        (r"variants/(\d+)", "PUT", "update_variant"),
    ]
    ROUTES = [(re.compile(p), m, f) for p, m, f in ROUTES]

    def route(self, req):
        m = re.fullmatch(r"/([^/]+)/(.+)\.json", req.path)
        if not m:
            raise Reject(error(req, 404, "Not found."))
        lang, rest = m.groups()
        if lang not in self.languages:
            raise Reject(error(req, 404, "Unknown or inactive language."))
        base = "http://%s/%s" % (req.header("Host") or "127.0.0.1", lang)
        for pattern, method, name in self.ROUTES:
            m = pattern.fullmatch(rest)
            if m and req.method == method:
                return getattr(self, name)(req, base, *m.groups())
        raise Reject(error(req, 404, "Not found."))

    # ----------------------------------------------------- parameters

    def params(self, req, allowed):
        out = {}
        for name, value in req.params():
            if name not in allowed:
                raise bad(req, "Unknown parameter %s (this endpoint takes "
                          "%s)." % (name, ", ".join(allowed) or "none"))
            if name in out:
                raise bad(req, "Parameter %s given twice." % name)
            out[name] = value
        return out

    def listing(self, req, items, q, key, render):
        """Decisions 5 and 6: since_id, the time bounds, page and limit;
        items in ascending id.  ITEMS may be a function that gives them:
        called only when memo() has not kept the listing."""
        limit = positive(req, q, "limit", DEFAULT_LIMIT)
        if limit > MAX_LIMIT:
            raise bad(req, "limit must be at most %d." % MAX_LIMIT)
        page = positive(req, q, "page", 1)
        items = self.memo((req.path,) + listing_key(q, "page", "limit"),
                          lambda: self.filtered(
                              req, items() if callable(items) else items, q))
        start = (page - 1) * limit
        body = [fields(render(x), q) for x in items[start:start + limit]]
        return json_response(200, {key: body})

    def filtered(self, req, items, q):
        since = None
        if "since_id" in q:
            since = nonneg(req, q, "since_id")
        bounds = []
        for name, field in (("created_at_min", "createdAt"),
                            ("created_at_max", "createdAt"),
                            ("updated_at_min", "updatedAt"),
                            ("updated_at_max", "updatedAt")):
            if name in q:
                v = q[name]
                if not valid_time(v, FILTER_RE, "%Y-%m-%d %H:%M:%S"):
                    raise bad(req, "%s must be YYYY-MM-DD HH:MM:SS." % name)
                bounds.append((field, v.replace(" ", "T"),
                               name.endswith("min")))
        # Each page of a listing after a write filters the whole catalog
        # again (memo() forgets on a change): the steps without a filter
        # are left out, not run on every item.
        out = sorted(items, key=operator.itemgetter("id"))
        if since is not None:
            out = [x for x in out if x["id"] > since]
        if bounds:
            out = [x for x in out
                   if all((x[f][:19] >= v) if lo else (x[f][:19] <= v)
                          for f, v, lo in bounds)]
        return out

    def counted(self, req, items, q):
        q = dict(q)
        for k in ("page", "limit", "fields"):
            q.pop(k, None)
        return json_response(200, {"count": len(self.filtered(req, items,
                                                              q))})

    def enum(self, req, q, name, allowed):
        v = q.get(name)
        if v is not None and v not in allowed:
            raise bad(req, "%s must be one of %s." % (name,
                                                      ", ".join(allowed)))
        return v

    def body(self, req, key, allowed):
        """The object under key in the JSON body (decision 4)."""
        self.params(req, ())
        if not req.json_ok or not isinstance(req.json, dict) or \
                not isinstance(req.json.get(key), dict):
            raise bad(req, 'The body must be JSON: {"%s": {...}}.' % key)
        extra = sorted(set(req.json) - {key}) + \
            sorted(set(req.json[key]) - set(allowed))
        if extra:
            raise bad(req, "Unknown field %s (this update takes %s)."
                      % (extra[0], ", ".join(allowed)))
        return req.json[key]

    # ------------------------------------------------------ shop, rate

    def get_shop(self, req, base):
        self.params(req, ())
        return json_response(200, {"shop": {
            "id": 123456, "createdAt": "2024-11-01T09:00:00+00:00",
            "status": "live", "mainDomain": "www.voorbeeldwinkel.nl",
            "email": "info@voorbeeldwinkel.nl", "country": COUNTRIES["nl"],
            "currency": {"shortcode": "EUR", "symbol": "€", "title": "Euro",
                         "isDefault": True, "currencyRate": "1.000000"}}})

    def list_languages(self, req, base):
        self.params(req, ())
        return json_response(200, {"languages": [
            {"id": i, "isActive": code in self.languages,
             "isDefault": code == self.languages[0], "code": code,
             "locale": loc, "title": t}
            for code, (i, loc, t) in sorted(LANGUAGES.items(),
                                            key=lambda x: x[1][0])]})

    def get_ratelimit(self, req, base):
        self.params(req, ())
        now = time.time()
        out = {}
        with self.rate_lock:
            ws = self.windows.get(self.api_key, [])
            for name, w, n, length in zip(("limit5Min", "limitHour",
                                           "limitDay"), ws, self.limits,
                                          self.lengths):
                end = w[0] + length
                out[name] = {
                    "limit": n, "remaining": max(0, n - w[1]),
                    "reset": max(1, int(math.ceil(end - now))),
                    "resetTime": datetime.fromtimestamp(
                        int(math.ceil(end)), timezone.utc).strftime(
                        "%Y-%m-%dT%H:%M:%S+00:00")}
        return json_response(200, {"accountRatelimit": out})

    # ---------------------------------------------------------- orders

    ORDER_FILTERS = LIST_PARAMS + ("status", "paymentStatus",
                                   "shipmentStatus", "customer", "email",
                                   "number")

    def order_items(self, req, q):
        status = self.enum(req, q, "status", ORDER_STATUSES)
        pay = self.enum(req, q, "paymentStatus", PAYMENT_STATUSES)
        ship = self.enum(req, q, "shipmentStatus", ORDER_SHIPMENT_STATUSES)
        customer = nonneg(req, q, "customer") if "customer" in q else None
        out = []
        for o in self.orders.values():
            if (status and o["status"] != status) or \
                    (pay and o["paymentStatus"] != pay) or \
                    (ship and o["shipmentStatus"] != ship) or \
                    ("email" in q and o["email"] != q["email"]) or \
                    ("number" in q and o["number"] != q["number"]) or \
                    (customer is not None and o.get("customer") != customer):
                continue
            out.append(o)
        return out

    def list_orders(self, req, base):
        q = self.params(req, self.ORDER_FILTERS)
        return self.listing(req, self.order_items(req, q), q, "orders",
                            lambda o: self.order_json(o, base, False))

    def count_orders(self, req, base):
        q = self.params(req, self.ORDER_FILTERS)
        return self.counted(req, self.order_items(req, q), q)

    def order_or_404(self, req, ident):
        o = self.orders.get(int(ident))
        if o is None:
            raise Reject(error(req, 404, "Not found."))
        return o

    def get_order(self, req, base, ident):
        q = self.params(req, ("fields",))
        o = self.order_or_404(req, ident)
        return json_response(200, {"order": fields(
            self.order_json(o, base, True), q)})

    def list_order_products(self, req, base, ident):
        q = self.params(req, LIST_PARAMS[:3] + ("fields",))
        o = self.order_or_404(req, ident)
        items = [dict(li, createdAt=o["createdAt"], updatedAt=o["updatedAt"])
                 for li in o["lines"]]
        return self.listing(req, items, q, "orderProducts",
                            lambda li: self.line_json(li, base))

    def count_order_products(self, req, base, ident):
        q = self.params(req, ())
        return self.counted(req, self.order_or_404(req, ident)["lines"], q)

    def get_order_product(self, req, base, ident, pid):
        self.params(req, ())
        o = self.order_or_404(req, ident)
        for li in o["lines"]:
            if li["id"] == int(pid):
                return json_response(200, {"orderProduct":
                                           self.line_json(li, base)})
        raise Reject(error(req, 404, "Not found."))

    def update_order(self, req, base, ident):
        """Decision 11."""
        b = self.body(req, "order", ("status", "paymentStatus",
                                     "shipmentStatus", "memo", "remark",
                                     "doNotify"))
        o = self.order_or_404(req, ident)
        for f, allowed in (("status", ORDER_STATUSES),
                           ("paymentStatus", PAYMENT_STATUSES),
                           ("shipmentStatus", ("shipped",))):
            if f in b and b[f] not in allowed:
                raise bad(req, "%s must be one of %s." % (f,
                                                          ", ".join(allowed)))
        for f in ("memo", "remark"):
            if f in b and not isinstance(b[f], str):
                raise bad(req, "%s must be a string." % f)
        if "doNotify" in b and not isinstance(b["doNotify"], bool):
            raise bad(req, "doNotify must be true or false.")
        old = o["status"]
        new = b.get("status", old)
        ship_all = b.get("shipmentStatus") == "shipped"
        if old == "cancelled" and (new != old or ship_all or
                                   b.get("paymentStatus", "cancelled")
                                   != "cancelled"):
            raise bad(req, "The order is cancelled.")
        if old.startswith("completed") and new != old:
            raise bad(req, "The order is already completed.")
        pending = [s for s in o["shipments"] if s["status"] == "not_shipped"]
        if ship_all and new == "cancelled":
            raise bad(req, "A cancelled order cannot be shipped.")
        if new in ("completed", "completed_shipped") and new != old and \
                pending and not ship_all:
            raise bad(req, "The order is not shipped: %d shipment(s) are "
                      "not_shipped." % len(pending))
        if new == "completed_picked_up" and new != old and \
                old != "processing_ready_for_pickup":
            raise bad(req, "Only an order ready for pickup can be picked "
                      "up.")
        if new == "cancelled" and new != old and \
                any(s["status"] == "shipped" for s in o["shipments"]):
            raise bad(req, "A shipped order cannot be cancelled.")
        now = utc_now()
        if ship_all:
            for s in pending:
                s["status"], s["updatedAt"] = "shipped", now
        if new == "cancelled" and old != "cancelled":
            for s in pending:
                s["status"], s["updatedAt"] = "cancelled", now
            o["paymentStatus"] = "cancelled"
        o["status"] = new
        if "paymentStatus" in b and new != "cancelled":
            o["paymentStatus"] = b["paymentStatus"]
        for f in ("memo", "remark"):
            if f in b:
                o[f] = b[f]
        self.derive(o)
        o["updatedAt"] = now
        if b.get("doNotify") and new != old:
            self.mail(o["email"], "status", o["id"])
        self.count("order %d" % o["id"])
        return json_response(200, {"order": self.order_json(o, base, True)})

    # ------------------------------------------------------- shipments

    def list_shipments(self, req, base):
        q = self.params(req, LIST_PARAMS + ("order", "status"))
        status = self.enum(req, q, "status", SHIPMENT_STATUSES)
        order = nonneg(req, q, "order") if "order" in q else None
        items = [s for s in self.shipments.values()
                 if (order is None or s["order"] == order)
                 and (status is None or s["status"] == status)]
        return self.listing(req, items, q, "shipments",
                            lambda s: self.shipment_json(s, base))

    def count_shipments(self, req, base):
        q = self.params(req, LIST_PARAMS + ("order", "status"))
        status = self.enum(req, q, "status", SHIPMENT_STATUSES)
        order = nonneg(req, q, "order") if "order" in q else None
        items = [s for s in self.shipments.values()
                 if (order is None or s["order"] == order)
                 and (status is None or s["status"] == status)]
        return self.counted(req, items, q)

    def shipment_or_404(self, req, ident):
        s = self.shipments.get(int(ident))
        if s is None:
            raise Reject(error(req, 404, "Not found."))
        return s

    def get_shipment(self, req, base, ident):
        q = self.params(req, ("fields",))
        return json_response(200, {"shipment": fields(self.shipment_json(
            self.shipment_or_404(req, ident), base), q)})

    def list_shipment_products(self, req, base, ident):
        q = self.params(req, ("page", "limit"))
        s = self.shipment_or_404(req, ident)
        items = []
        for i, sp in enumerate(s["products"]):
            li = self.lines[sp["line"]]
            items.append({
                "id": s["id"] * 10 + i, "quantity": sp["quantity"],
                "title": li["productTitle"], "variant": li["variantTitle"],
                "articleCode": li["articleCode"], "ean": li["ean"],
                "sku": li["sku"], "customData": [],
                "createdAt": s["createdAt"], "updatedAt": s["updatedAt"]})
        return self.listing(req, items, q, "shipmentProducts",
                            lambda x: {k: x[k] for k in x
                                       if k not in ("createdAt",
                                                    "updatedAt")})

    def update_shipment(self, req, base, ident):
        """Decision 10."""
        b = self.body(req, "shipment", ("status", "trackingCode",
                                        "doNotifyShipped",
                                        "doNotifyReadyForPickup",
                                        "doNotifyTrackingCode"))
        s = self.shipment_or_404(req, ident)
        o = self.orders[s["order"]]
        if "status" in b and b["status"] not in SHIPMENT_STATUSES:
            raise bad(req, "status must be one of %s."
                      % ", ".join(SHIPMENT_STATUSES))
        if "trackingCode" in b and not isinstance(b["trackingCode"], str):
            raise bad(req, "trackingCode must be a string.")
        for f in ("doNotifyShipped", "doNotifyReadyForPickup",
                  "doNotifyTrackingCode"):
            if f in b and not isinstance(b[f], bool):
                raise bad(req, "%s must be true or false." % f)
        if o["status"] == "cancelled" or s["status"] == "cancelled":
            raise bad(req, "The order is cancelled.")
        new = b.get("status", s["status"])
        if s["status"] == "shipped" and new != "shipped":
            raise bad(req, "A shipped shipment cannot be un-shipped.")
        if new == "cancelled":
            raise bad(req, "A shipment cannot be cancelled; cancel the "
                      "order.")
        was = s["status"]
        s["status"] = new
        if "trackingCode" in b:
            s["trackingCode"] = b["trackingCode"]
        for f in ("doNotifyShipped", "doNotifyReadyForPickup",
                  "doNotifyTrackingCode"):
            if f in b:
                s[f] = b[f]
        s["updatedAt"] = o["updatedAt"] = utc_now()
        self.derive(o)
        if b.get("doNotifyShipped") and was != "shipped" and new == "shipped":
            self.mail(o["email"], "shipped", o["id"])
        if b.get("doNotifyTrackingCode") and s["trackingCode"]:
            self.mail(o["email"], "tracking_code", o["id"])
        self.count("shipment %d" % s["id"])
        return json_response(200, {"shipment": self.shipment_json(s, base)})

    # -------------------------------------------- products and variants

    def list_products(self, req, base):
        q = self.params(req, LIST_PARAMS)
        return self.listing(req, lambda: list(self.products.values()), q,
                            "products",
                            lambda p: self.product_json(p, base))

    def count_products(self, req, base):
        q = self.params(req, LIST_PARAMS)
        return self.counted(req, list(self.products.values()), q)

    def get_product(self, req, base, ident):
        q = self.params(req, ("fields",))
        p = self.products.get(int(ident))
        if p is None:
            raise Reject(error(req, 404, "Not found."))
        return json_response(200, {"product": fields(
            self.product_json(p, base), q)})

    VARIANT_FILTERS = LIST_PARAMS + ("product", "sku", "ean", "articleCode")

    def variant_items(self, req, q):
        product = nonneg(req, q, "product") if "product" in q else None
        by = [f for f in ("sku", "ean", "articleCode") if f in q]
        if product is None and not by:
            return list(self.variants.values())
        return [v for v in self.variants.values()
                if (product is None or v["product"] == product)
                and all(v[f] == q[f] for f in by)]

    def list_variants(self, req, base):
        q = self.params(req, self.VARIANT_FILTERS)
        return self.listing(req, lambda: self.variant_items(req, q), q,
                            "variants",
                            lambda v: self.variant_json(v, base))

    def count_variants(self, req, base):
        q = self.params(req, self.VARIANT_FILTERS)
        return self.counted(req, self.variant_items(req, q), q)

    def variant_or_404(self, req, ident):
        v = self.variants.get(int(ident))
        if v is None:
            raise Reject(error(req, 404, "Not found."))
        return v

    def get_variant(self, req, base, ident):
        q = self.params(req, ("fields",))
        return json_response(200, {"variant": fields(self.variant_json(
            self.variant_or_404(req, ident), base), q)})

    def update_variant(self, req, base, ident):
        """Decision 12."""
        b = self.body(req, "variant", ("stockLevel", "stockTracking"))
        v = self.variant_or_404(req, ident)
        if "stockLevel" in b and (not is_int(b["stockLevel"])
                                  or b["stockLevel"] < 0):
            raise bad(req, "stockLevel must be an integer of 0 or more.")
        if "stockTracking" in b and b["stockTracking"] not in STOCK_TRACKING:
            raise bad(req, "stockTracking must be one of %s."
                      % ", ".join(STOCK_TRACKING))
        if not b:
            raise bad(req, "Nothing to update.")
        v.update(b)
        v["updatedAt"] = utc_now()
        if "stockLevel" in b:
            self.count(v["sku"] or "#%d" % v["id"])
        return json_response(200, {"variant": self.variant_json(v, base)})

    def bulk_variants(self, req, base):
        """Decision 13."""
        raise bad(req, "variants/bulk is not emulated by the sandbox: no "
                  "source shows its item shape, limit or answer.")

    # ------------------------------------------------------------ JSON

    def order_json(self, o, base, embed):
        oid = o["id"]
        out = {
            "id": oid, "createdAt": o["createdAt"],
            "updatedAt": o["updatedAt"], "number": o["number"],
            "status": o["status"], "customStatusId": None, "channel": "main",
            "priceExcl": money(order_total(o) / VAT),
            "priceIncl": order_total(o),
            "email": o["email"], "firstname": o["firstname"],
            "middlename": "", "lastname": o["lastname"],
            "phone": o.get("phone", ""),
            "isCompany": bool(o.get("companyName")),
            "companyName": o.get("companyName", ""),
        }
        for kind, a in (("Billing", o["billing"]),
                        ("Shipping", o["shipping"])):
            if kind == "Shipping":
                out["addressShippingCompany"] = a.get("company") or False
            out.update({
                "address%sName" % kind: a["name"],
                "address%sStreet" % kind: a["street"],
                "address%sStreet2" % kind: "",
                "address%sNumber" % kind: a["number"],
                "address%sExtension" % kind: a["extension"],
                "address%sZipcode" % kind: a["zipcode"],
                "address%sCity" % kind: a["city"],
                "address%sRegion" % kind: "",
                "address%sCountry" % kind: COUNTRIES[a["country"]],
            })
        out.update({
            "paymentId": "core", "paymentStatus": o["paymentStatus"],
            "paymentTitle": o.get("paymentTitle", ""),
            "shipmentId": "core|%d|1" % (oid % 100000),
            "shipmentStatus": o["shipmentStatus"],
            "shipmentIsPickup": bool(o.get("shipmentIsPickup")),
            "shipmentPriceIncl": money(o.get("shipmentPriceIncl", 0)),
            "shipmentTitle": o.get("shipmentTitle", ""),
            "comment": o.get("comment", ""), "memo": o.get("memo", ""),
            "language": language_json(o.get("language", "nl")),
            "customer": ref("customers/%d" % o["customer"], base,
                            o["customer"]) if o.get("customer") else False,
            "invoices": ref("invoices?order=%d" % oid, base),
            "shipments": ref("shipments?order=%d" % oid, base),
            "products": ref("orders/%d/products" % oid, base),
            "metafields": ref("orders/%d/metafields" % oid, base),
            "events": ref("orders/events?order=%d" % oid, base),
        })
        if embed:
            out["shipments"]["resource"]["embedded"] = [
                self.shipment_json(s, base) for s in o["shipments"]]
            out["products"]["resource"]["embedded"] = [
                self.line_json(li, base) for li in o["lines"]]
        return out

    @staticmethod
    def line_json(li, base):
        return {
            "id": li["id"], "productTitle": li["productTitle"],
            "variantTitle": li["variantTitle"],
            "quantityOrdered": li["quantityOrdered"],
            "quantityInvoiced": li["quantityOrdered"],
            "quantityShipped": li["quantityShipped"],
            "quantityRefunded": 0, "quantityReturned": 0,
            "articleCode": li["articleCode"], "ean": li["ean"],
            "sku": li["sku"],
            "basePriceExcl": money(li["basePriceIncl"] / VAT),
            "basePriceIncl": li["basePriceIncl"],
            "priceExcl": money(li["priceIncl"] / VAT),
            "priceIncl": li["priceIncl"],
            "product": ref("products/%d" % li["product"], base,
                           li["product"]) if li["product"] else False,
            "variant": ref("variants/%d" % li["variant"], base,
                           li["variant"]) if li["variant"] else False,
        }

    def shipment_json(self, s, base):
        sid = s["id"]
        o = self.orders[s["order"]]
        return {
            "id": sid, "createdAt": s["createdAt"],
            "updatedAt": s["updatedAt"], "number": s["number"],
            "status": s["status"], "trackingCode": s["trackingCode"],
            "doNotifyShipped": s.get("doNotifyShipped", False),
            "doNotifyReadyForPickup": s.get("doNotifyReadyForPickup", False),
            "doNotifyTrackingCode": s.get("doNotifyTrackingCode", False),
            "customer": ref("customers/%d" % o["customer"], base,
                            o["customer"]) if o.get("customer") else False,
            "order": ref("orders/%d" % o["id"], base, o["id"]),
            "products": ref("shipments/%d/products" % sid, base),
            "metafields": ref("shipments/%d/metafields" % sid, base),
            "events": ref("orders/events?shipment=%d" % sid, base),
        }

    def product_json(self, p, base):
        pid = p["id"]
        return {
            "id": pid, "createdAt": p["createdAt"],
            "updatedAt": p["updatedAt"],
            "isVisible": p["visibility"] != "hidden",
            "visibility": p["visibility"],
            "url": re.sub(r"[^a-z0-9]+", "-", p["title"].lower()).strip("-"),
            "title": p["title"], "fulltitle": p["title"],
            "variants": ref("variants?product=%d" % pid, base),
        }

    def variant_json(self, v, base):
        vid = v["id"]
        return {
            "id": vid, "createdAt": v["createdAt"],
            "updatedAt": v["updatedAt"], "isDefault": v["isDefault"],
            "sortOrder": v["sortOrder"], "articleCode": v["articleCode"],
            "ean": v["ean"], "sku": v["sku"],
            "priceExcl": money(v["priceIncl"] / VAT),
            "priceIncl": money(v["priceIncl"]),
            "stockTracking": v["stockTracking"],
            "stockLevel": v["stockLevel"], "stockAlert": 0,
            "stockMinimum": 0, "stockSold": 0, "title": v["title"],
            "product": ref("products/%d" % v["product"], base, v["product"]),
            "movements": ref("variants/movements?variant=%d" % vid, base),
            "metafields": ref("variants/%d/metafields" % vid, base),
        }


# ------------------------------------------------------------ helpers

def error(req, status, message, headers=None):
    """Decision 3: Lightspeed's error body."""
    return json_response(status, {"error": {
        "code": status, "method": req.method if req else "",
        "request": req.path.lstrip("/") if req else "",
        "message": message}}, headers)


def bad(req, message):
    return Reject(error(req, 400, message))


def positive(req, q, name, default):
    v = q.get(name)
    if v is None:
        return default
    if not v.isascii() or not v.isdigit() or int(v) < 1:
        raise bad(req, "%s must be a positive integer." % name)
    return int(v)


def nonneg(req, q, name):
    v = q[name]
    if not v.isascii() or not v.isdigit():
        raise bad(req, "%s must be an integer." % name)
    return int(v)


def fields(obj, q):
    """?fields=a,b: only those fields of each object."""
    if "fields" not in q:
        return obj
    want = set(q["fields"].split(","))
    return {k: v for k, v in obj.items() if k in want}


def ref(url, base, ident=False):
    path, _, query = url.partition("?")
    link = "%s/%s.json%s" % (base, path, "?" + query if query else "")
    return {"resource": {"id": ident, "url": url, "link": link}}


def language_json(code):
    i, loc, title = LANGUAGES[code]
    return {"id": i, "code": code, "locale": loc, "title": title}


def order_total(o):
    return money(sum(li["priceIncl"] for li in o["lines"])
                 + o.get("shipmentPriceIncl", 0))


def check_times(x, where):
    for f in ("createdAt", "updatedAt"):
        if not valid_time(x.get(f), TIME_RE, "%Y-%m-%dT%H:%M:%S+00:00"):
            raise SetupError("%s: %s must be \"YYYY-MM-DDTHH:MM:SS+00:00\""
                             % (where, f))


# ------------------------------------------------------------ generation

FAMILIES = (("TS", "T-shirt", 19.95), ("HD", "Hoodie", 49.95),
            ("MUG", "Mok", 9.95), ("CAP", "Pet", 14.95),
            ("SCK", "Sokken", 7.5), ("BAG", "Tas", 12.0))
COLOURS = (("RED", "rood"), ("BLU", "blauw"), ("BLK", "zwart"),
           ("WHT", "wit"), ("GRN", "groen"))
SIZES = ("S", "M", "L", "XL")
FIRST = ("Jan", "Sanne", "Pieter", "Fleur", "Daan", "Zoë", "Bram", "Lotte",
         "Jürgen", "Chloé")
LAST = ("Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Müller",
        "Peeters", "Schäfer")
CITIES = (("Utrecht", "3511 AB", "nl"), ("Amsterdam", "1012 AB", "nl"),
          ("Antwerpen", "2000", "be"), ("Köln", "50667", "de"),
          ("Gent", "9000", "be"), ("Groningen", "9711 AA", "nl"))
CARRIERS = (("PostNL Standaard", "3SABCD%09d"), ("DHL Parcel", "JVGL%016d"),
            ("DPD Classic", "0534%010d"))


def ean13(rng):
    digits = [rng.randrange(10) for _ in range(12)]
    check = (10 - sum(d * (3 if i % 2 else 1)
                      for i, d in enumerate(digits)) % 10) % 10
    return "".join(map(str, digits)) + str(check)


def stamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def generate_products(rng, n):
    """n variants (SKUs) in products of one to three; every 17th product
    hidden, every 29th without stock tracking."""
    products = []
    made = 0
    pid, vid = 20100000, 30100000
    t0 = datetime(2024, 10, 1, 9, 0, tzinfo=timezone.utc)
    while made < n:
        k = len(products)
        code, title, price = FAMILIES[k % len(FAMILIES)]
        colour = COLOURS[(k // len(FAMILIES)) % len(COLOURS)]
        pid += rng.randrange(1, 4)
        t = stamp(t0 + timedelta(minutes=7 * k))
        variants = []
        for size in SIZES[:min(n - made, rng.randrange(1, 4))]:
            vid += rng.randrange(1, 3)
            sku = "%s-%s-%s-%d" % (code, colour[0], size, k)
            variants.append({
                "id": vid, "sku": sku, "ean": ean13(rng), "articleCode": sku,
                "title": size,
                "stockTracking": "disabled" if k % 29 == 28 else "enabled",
                "stockLevel": rng.randrange(0, 60), "priceIncl": price})
            made += 1
        products.append({
            "id": pid, "title": "%s %s" % (title, colour[1]),
            "visibility": "hidden" if k % 17 == 16 else "visible",
            "createdAt": t, "updatedAt": t, "variants": variants})
    return products


def generate_orders(rng, n, products):
    """n orders, every status present, ascending ids and times."""
    variants = [v for p in products for v in p["variants"]]
    orders = []
    oid, lid, sid = 316000000, 42000000, 52000000
    t0 = datetime(2025, 1, 7, 8, 0, tzinfo=timezone.utc)
    for k in range(n):
        status = ORDER_STATUSES[k % len(ORDER_STATUSES)] if k < 18 else \
            rng.choice(("processing_awaiting_shipment",) * 3 +
                       ("completed_shipped",) * 5 + ORDER_STATUSES)
        oid += rng.randrange(1, 5)
        created = t0 + timedelta(minutes=97 * k + rng.randrange(60))
        first, last = rng.choice(FIRST), rng.choice(LAST)
        city, zipcode, country = rng.choice(CITIES)
        carrier = rng.choice(CARRIERS)
        lines = []
        for v in rng.sample(variants, min(len(variants),
                                          rng.randrange(1, 4))):
            lid += 1
            lines.append({"id": lid, "variant": v["id"],
                          "quantity": rng.randrange(1, 4)})
        shipped = status.startswith("completed")
        sid += 1
        ship = {"id": sid, "number": "SHIP%05d" % (k + 1),
                "status": "shipped" if shipped else
                ("cancelled" if status == "cancelled" else "not_shipped"),
                "trackingCode": carrier[1] % (k + 1) if shipped and
                "pickup" not in status else "",
                "createdAt": stamp(created),
                "updatedAt": stamp(created + timedelta(hours=20) if shipped
                                   else created),
                "products": [{"line": li["id"], "quantity": li["quantity"]}
                             for li in lines]}
        orders.append({
            "id": oid, "number": "ORD%05d" % (k + 1), "status": status,
            "paymentStatus": "cancelled" if status == "cancelled" else
            ("not_paid" if status == "processing_awaiting_payment"
             else "paid"),
            "createdAt": stamp(created), "updatedAt": ship["updatedAt"],
            "email": "%s.%d@example.nl" % (first.lower().replace("ë", "e")
                                           .replace("ü", "u")
                                           .replace("é", "e"), k),
            "firstname": first, "lastname": last,
            "billing": {"name": "%s %s" % (first, last),
                        "street": "Kerkstraat", "number": str(k % 200 + 1),
                        "extension": "", "zipcode": zipcode, "city": city,
                        "country": country},
            "shipmentTitle": "Afhalen in de winkel" if "pickup" in status
            else carrier[0],
            "shipmentIsPickup": "pickup" in status,
            "shipmentPriceIncl": 0 if "pickup" in status else 4.95,
            "paymentTitle": "iDEAL", "lines": lines, "shipments": [ship]})
    return orders
