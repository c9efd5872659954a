"""ccv.py: the CCV Shop REST API (v1) for sandbox.py.

    python3 tests/sandbox/sandbox.py --platform ccv \
        --data tests/sandbox/data/ccv [--api-key ccv_public] \
        [--api-secret ccv_secret] [--generate orders=N,products=M] \
        [--set read_limit=150 --set write_limit=100 ...]

Routes under /api/rest/v1 (a trailing slash is taken too): GET and POST
orders, GET and PATCH orders/{id}, GET orders/{id}/orderrows, GET
orderrows/{id}, GET and POST orders/{id}/ordernotes, GET and DELETE
ordernotes/{id}, GET products, GET and PATCH products/{id}, GET
products/{id}/attributecombinations, GET and PATCH
attributecombinations/{id}.  Data: orders.json (each order with its
"orderrows"), products.json (each product with its
"attributecombinations").  The served objects are completed with the
fields of CCV's schemas (order_json, row_json, product_json).

Sources: [docs] https://demo.ccvshop.nl/API/Docs/ (the API's own page,
also served by every shop); [sdk] ccvshop/ccvshop-api (CCV's official
PHP client) src/BaseEndpoint.php and src/Factory/ExceptionFactory.php;
[jdk] jacobdekeizer/ccvshop-client, generated from [docs]'s schemas:
src/Endpoints/*.php (the per-minute limits), src/Parameters/*/All.php
(the filters), src/Models/Vnd/Verto/Webshop/Resource/*/*.php (the
resources), src/Models/Internal/Resource/*/{Patch,Post}/*.php (what a
write takes); [bon] hniehorster/bon-ingest-ccv, a live integration with
payloads captured from a shop: app/Jobs/Webhooks/Orders/OrderCreatedJob.php
(an order), app/Transformers/Orders/OrderRowTransformer.php (an order row),
app/Classes/CCVApi/CCVApi.php (its signing and paging).

Decisions:

 1. Auth [docs] [sdk] getHash: every request carries x-public (the public
    key), x-date (ISO 8601 UTC) and x-hash = lowercase hex
    HMAC-SHA512(secret, "public|METHOD|uri|data|x-date"), uri the path
    with the query exactly as sent, data the raw body ("" without one).
    [docs]: "this timestamp may not differ more than 5 minutes from
    server time" (--set clock_skew=300, either way).  x-date is taken
    with Z (the docs' 2022-11-26T00:45:54Z), +00:00 ([sdk]: Carbon
    format 'c') or +0000 ([jdk], [bon]: DATE_ISO8601).  Refusals: a
    missing header, an unknown key, a date that does not parse or is
    too far off, a hash that does not match: 401 with CCV's error body.
    The code for them is not in ExceptionFactory (UNCONFIRMED): the
    sandbox answers "401.10" for all and says which in developermessage;
    a client acts on the status, never on the code.  Accept is not
    checked: [docs] requires only the three headers ([sdk] sends
    application/vnd.verto.webshop+json, [jdk] and [bon] application/json).
 2. Answers are signed back ([sdk] validateResponse): x-date and x-hash =
    HMAC-SHA512(secret, "public|METHOD|uri|body|x-date") on every answer
    to an authenticated request, errors included (the SDK checks only
    2xx; UNCONFIRMED for errors).
 3. Errors are {"code":"404.20","status":404,"developermessage":"..."}
    [sdk] ExceptionFactory: 404.20 an unknown resource name, 405.10 a
    method the resource does not take (with Allow), 429.10/429.11 (7),
    500.50 SameValueException (10), 500.80 a body over 1 MB (the limit is
    UNCONFIRMED).  Codes the table lacks (UNCONFIRMED): 404.10 an unknown
    id, 400.10 a bad parameter or body, 500.00 a server error.
 4. Collections {"href","start","size","first","previous","next",
    "items"} ([jdk] Resource/Collection/*; [sdk] restGetAll follows
    "next").  Links are absolute (http://Host/api/rest/v1/...), keep the
    path and the other parameters as sent, and carry start and size;
    a client signs a link's path and query.  "next" is null on the last
    page, "previous" on the first.  start >= 0 (default 0), size 1..100
    (default 25, [bon]'s PAGE_SIZE; the maximum is UNCONFIRMED, --set
    max_size); anything else is 400.  "size" is the size asked for.
 5. Order filters [jdk] Parameters/Orders/All: ordernumber, status
    (1..14), is_paid, is_completed (default true: "Toggles completed
    orders", so false lists only checkouts the customer did not
    complete), min_create_date and max_create_date (inclusive; a date
    YYYY-MM-DD, [jdk] README's own example, or YYYY-MM-DDTHH:MM:SSZ;
    the format is UNCONFIRMED), paymethod_id, orderby (id, ordernumber,
    create_date, each also _desc; default id ascending, UNCONFIRMED).
    Booleans are true or false.  deliver_date, take_out_date and
    transaction_id are CCV's but not emulated: 400, as is any unknown or
    repeated parameter (the strict choice, as for Picqer).  CCV orders
    have no update time ([jdk] Resource/Orders has create_date only), so
    there is no updated filter.
 6. Products [jdk] Parameters/Products/All: productnumber, eannumber
    (exact), productname (a part of the name, at least 3 characters,
    case-blind), active (true: active only, false: inactive only,
    omitted: both), orderby (id, name, createdate, modifydate, _desc).
    Its other filters and expand are not emulated (400).  Attribute
    combinations of a product: paged, no filters ([jdk]
    Parameters/Attributecombinations/AllFromProduct).  A combination's
    SKU is sku_number, product_number and ean_number beside it; an order
    row repeats them as sub_sku_number, sub_product_number and
    sub_ean_number [jdk] Resource/Orderrows.
 7. Rate limits: "Each method in each resource has a limit of requests
    that can be made per minute" (429.10) and "The API has a total limit
    of requests that can be made per minute" (429.11) [sdk]
    ExceptionFactory; GET 150 a minute, POST/PATCH/PUT/DELETE 100 [jdk]
    Endpoints (the doc string of every method).  The resource is the
    last named segment (orders/5/orderrows counts as orderrows), and a
    list and its items share a bucket.  Per public key, a window opens
    with its first request and lasts rate_window seconds; the total is
    checked first.  The total's size is not published (UNCONFIRMED:
    --set total_limit=300).  No source shows rate-limit headers or
    Retry-After, so there are none: a client waits for the window (a
    minute).  Refused requests and 401s are not counted.
 8. Order statuses [jdk] Resource/Orders: 1 New, 2 In process, 3 Wait
    for manufacturer, 4 Wait for payment, 5 Sent, 6 Delivered, 7
    Completed, 8 Cancelled, 9 Wait for supplier, 10 Is being packaged,
    11 Ready to be collected, 12 Is being assembled, 13 Backorder, 14
    Reserved; null with is_completed false (an abandoned checkout, no
    ordernumber).  An order has one track & trace: track_and_trace_code,
    track_and_trace_carrier and track_and_trace_deeplink.  There is no
    shipment resource, no shipping time and no quantity shipped per row.
 9. PATCH orders/{id} [jdk] Internal/Resource/Orders/Patch: status,
    track_and_trace_code, track_and_trace_carrier, mail, note and paid
    are emulated; the schema's other members get 400 (not emulated), any
    other too.  A second track & trace replaces the first (PATCH
    overwrites, as the schema says of its other members); the deeplink
    follows the carrier (postnl, dhl, dpd, ups, gls; other carriers "";
    the URLs are UNCONFIRMED).  mail true with a status mails the
    customer (GET /_sandbox/mail, template "status_<N>"), with the note
    and the track & trace ("When the boolean 'mail' is set, the note
    will be appended"); without mail the note goes nowhere.  The answer
    is 204 (the SDKs expect no body; UNCONFIRMED).
10. Refusals of a status change (UNCONFIRMED, the strict choice): the
    status it already has is 500.50 SameValueException (so a second
    "complete" run that does not check first fails loudly); a cancelled
    order (8) cannot change status, and an order the customer did not
    complete cannot be patched: 400.10.  Every other change between the
    14 statuses is allowed, as in CCV's back office.
11. Stock: PATCH products/{id} and attributecombinations/{id} with
    {"stock": N} [jdk] Internal/Resource/{Products,Attributecombinations}
    /Patch; there is no bulk write (no endpoint in [jdk] or [sdk]).
    Only stock is emulated.  N is a JSON number >= 0 (negative refused,
    the strict choice); a fraction only where decimal_amount > 0.  A
    product with stockenabled false, or whose stock is kept per
    combination (stocktype "attributecombination"), refuses a product
    stock write; a combination refuses one unless its product's stocktype
    is "attributecombination" (the stocktype values are UNCONFIRMED).
    204.  Each applied write counts one for the SKU (productnumber, or
    sku_number, else product_number, else "product N"/"combination N").
12. POST orders [jdk] Internal/Resource/Orders/Post: customer and
    orderrows are required (the schema's non-nullable members); a row
    needs count (> 0) and either product_id (an existing product;
    attribute_combination_id must be one of its combinations) or
    product_name, price and package_id ("Required if product_id is
    empty").  Emulated members: customer (email, billingaddress and
    deliveryaddress with the members of [jdk] Internal/Entity/
    Personalinfo/Input/Child/{Billingaddress,Deliveryaddress}: a
    delivery address has full_name, no first_name, last_name or fax),
    orderrows, status (default 1), paid, is_completed (default true: the
    next ordernumber), currency, orderedinlng, reservationnumber,
    total_shipping, extra_costs, extra_costs_description, taxes_included
    and order_row_taxes_included; others 400.  total_shipping: "When
    value is not set the total shipping costs will be calculated. When
    no total shipping cost use 0" [jdk]: left out, the shop's shipping
    rules give it (the sandbox's rule: a flat 4.95, UNCONFIRMED).
    extra_costs: "This can be used as a discount less than zero" [jdk],
    in the total.  order_row_taxes_included (default true, the shop's
    setting, UNCONFIRMED): false takes the row prices without VAT and
    adds each row's tax.  A row with product_id takes the product's
    name, number, price and discount unless the row gives them ("If
    product_id is provided this value will used instead of the product
    data" [jdk] Internal/Entity/Orderrow/Input), and the combination's
    numbers; auto_create_deposit_rows is taken (a boolean; the seed has
    no deposit prices).  Nothing is mailed: the POST has no member that
    mails, unlike PATCH's mail, and ordernotifications "will trigger an
    e-mail" [jdk] OrdernotificationsEndpoint; stock is not changed
    (UNCONFIRMED).  201 with the order.  Counts a write "order
    created".  The listing shows reservationnumber, by which shopswitch
    finds an order it entered; the sandbox sets no length limit
    (UNCONFIRMED).
14. Order notes [jdk] OrdernotesEndpoint ("Creates an internal note on
    one order"), Internal/Resource/Ordernotes/Post (note), Resource/
    Ordernotes (id, note, type, create_date, parent): POST
    orders/{id}/ordernotes {"note": TEXT} makes an internal note, 201
    with it, mails no one (unlike ordermessages: "This message will also
    be emailed to the customer"), counts a write "order ID note"; a note
    that is not a non-empty string, or another member, is 400 (the
    strict choice).  GET lists them, paged; DELETE ordernotes/{id}
    removes one (204).
13. JSON as PHP writes it (sandbox.json_bytes): "\\/" and \\uXXXX, as
    [bon]'s captured payloads show.  Money is a JSON number.
"""

import hashlib
import hmac
import re
import threading
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal, ROUND_HALF_UP
from urllib.parse import urlencode

from sandbox import (PlatformBase, Reject, Response, SetupError, is_int,
                     json_response, listing_key, load_array)

API = "/api/rest/v1"
API_KEY = "ccv_public"          # sandbox.py's defaults for this platform
API_SECRET = "ccv_secret"
RATE_LIMIT = None               # the module counts its own windows (7)
SETTINGS = {"read_limit": "150", "write_limit": "100",
            "total_limit": "300", "rate_window": "60",
            "clock_skew": "300", "max_size": "100", "default_size": "25"}
MAX_BODY = 1024 * 1024
STATUSES = {1: "New", 2: "In process", 3: "Wait for manufacturer",
            4: "Wait for payment", 5: "Sent", 6: "Delivered",
            7: "Completed", 8: "Cancelled", 9: "Wait for supplier",
            10: "Is being packaged", 11: "Ready to be collected",
            12: "Is being assembled", 13: "Backorder", 14: "Reserved"}
STOCKTYPES = ("product", "attributecombination")
DEEPLINKS = {
    "postnl": "https://jouw.postnl.nl/track-and-trace/%s",
    "dhl": "https://www.dhlparcel.nl/nl/volg-uw-zending?tc=%s",
    "dpd": "https://tracking.dpd.de/status/nl_NL/parcel/%s",
    "ups": "https://www.ups.com/track?tracknum=%s",
    "gls": "https://gls-group.eu/track/%s",
}
TIME_RE = re.compile(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\Z")
XDATE_RE = re.compile(r"\A(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})"
                      r"(Z|[+-]\d{2}:?\d{2})\Z")
DAY_RE = re.compile(r"\A\d{4}-\d{2}-\d{2}\Z")
ID_RE = re.compile(r"\A[1-9]\d{0,17}\Z")
# PATCH orders/{id}: what the schema has and the sandbox does not do.
ORDER_PATCH = ("status", "track_and_trace_code", "track_and_trace_carrier",
               "mail", "note", "paid")
ORDER_PATCH_OTHER = (
    "invoicenumber", "safety_deposit_returned", "total_shipping",
    "paymethod_costs", "extra_costs", "extra_costs_description",
    "taxes_included", "order_row_taxes_included", "shipping_taxes_included",
    "is_intra_community_order", "currency", "is_platform_sale",
    "orderedinlng", "deliver_date", "deliver_method", "takeoutslot",
    "reservationnumber", "customer", "orderrows")
ORDER_POST = ("customer", "orderrows", "status", "paid", "is_completed",
              "currency", "orderedinlng", "reservationnumber",
              "total_shipping", "extra_costs", "extra_costs_description",
              "taxes_included", "order_row_taxes_included")
ORDER_POST_OTHER = (
    "invoicenumber", "safety_deposit_returned", "paymethod_costs",
    "shipping_taxes_included",
    "is_intra_community_order", "is_platform_sale",
    "track_and_trace_code", "track_and_trace_carrier", "deliver_date",
    "deliver_method", "takeoutslot", "user_id")
ROW_POST = ("product_id", "attribute_combination_id", "product_name",
            "product_number", "count", "price", "discount", "tax",
            "package_id", "product_type", "auto_create_deposit_rows")
CALCULATED_SHIPPING = "4.95"    # the shop's rule when a POST sets none (12)
ADDRESS = ("gender", "initials", "first_name", "last_name", "full_name",
           "company", "address_line_1", "address_line_2", "street",
           "housenumber", "housenumber_suffix", "zipcode", "city",
           "province", "telephone", "fax", "mobile", "comment", "country",
           "country_code")
# What a POST takes of each address (decision 12).
ADDRESS_IN = {"billingaddress": ADDRESS,
              "deliveryaddress": tuple(k for k in ADDRESS if k not in (
                  "first_name", "last_name", "fax"))}
COUNTRIES = {"NL": "Nederland", "BE": "België", "DE": "Duitsland",
             "FR": "Frankrijk"}


def error(status, code, message, headers=None):
    """CCV's error body [sdk] ExceptionFactory (decision 3)."""
    return json_response(status, {"code": code, "status": status,
                                  "developermessage": message}, headers)


def bad(message):
    return Reject(error(400, "400.10", message))


def not_found(what, ident):
    return Reject(error(404, "404.10", "%s with id %s not found"
                        % (what, ident)))


def money(d):
    """A Decimal as the JSON number CCV writes: 590, 49.95."""
    d = d.quantize(Decimal("0.01"), ROUND_HALF_UP)
    return int(d) if d == d.to_integral_value() else float(d)


def dec(v):
    return Decimal(str(v))


def utc_text(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_xdate(text):
    """x-date as an aware datetime, or None (decision 1)."""
    m = XDATE_RE.match(text or "")
    if not m:
        return None
    zone = m.group(2)
    if zone != "Z":
        zone = zone.replace(":", "")
    try:
        return datetime.strptime(m.group(1) + (
            "+0000" if zone == "Z" else zone), "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return None


def ean13(digits12):
    s = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(digits12))
    return digits12 + str((10 - s % 10) % 10)


class Platform(PlatformBase):
    name = "ccv"

    def __init__(self, data_dir, generate, seed, api_key,
                 api_secret=API_SECRET, settings=None):
        self.data_dir = data_dir
        self.generate = dict(generate)
        self.seed = seed
        self.api_key = api_key
        self.api_secret = api_secret
        opts = dict(SETTINGS)
        opts.update(settings or {})
        self.opt = {}
        for k, v in opts.items():
            try:
                n = int(v)
                if n < 1:
                    raise ValueError
            except ValueError:
                raise SetupError("--set %s=%s: expected an integer >= 1"
                                 % (k, v)) from None
            self.opt[k] = n
        if self.opt["default_size"] > self.opt["max_size"]:
            raise SetupError("--set default_size: above max_size")
        unknown = set(self.generate) - {"orders", "products"}
        if unknown:
            raise SetupError("--generate: ccv has no %s (it knows orders, "
                             "products)" % ", ".join(sorted(unknown)))
        self.rate_lock = threading.Lock()
        self.windows = {}
        self.reset()

    # ---- data

    def reset(self):
        products = load_array(self.data_dir, "products.json")
        orders = load_array(self.data_dir, "orders.json")
        if self.generate:
            products, orders = generate_data(self.generate, self.seed,
                                             products, orders)
        self.load_products(products)
        self.load_orders(orders)
        self.write_counts = {}
        self.history = []
        self.mail_log = []
        with self.rate_lock:
            self.windows = {}

    def load_products(self, products):
        self.products = {}
        self.combos = {}
        for p in products:
            pid = p.get("id")
            where = "products.json: product %r" % (pid,)
            if not is_int(pid) or pid < 1 or pid in self.products:
                raise SetupError("%s: id must be a unique integer" % where)
            for k in ("productnumber", "name"):
                if not isinstance(p.get(k), str):
                    raise SetupError("%s: %s must be a string" % (where, k))
            if p.get("stocktype", "product") not in STOCKTYPES:
                raise SetupError("%s: stocktype must be one of %s"
                                 % (where, ", ".join(STOCKTYPES)))
            p = dict(p)
            combos = p.pop("attributecombinations", [])
            p.setdefault("is_active", True)
            p.setdefault("stockenabled", True)
            p.setdefault("stocktype", "product")
            p.setdefault("stock", 0 if p["stockenabled"] else None)
            p.setdefault("eannumber", "")
            p.setdefault("price", 0)
            p.setdefault("decimal_amount", 0)
            p.setdefault("createdate", "2025-06-02T09:00:00Z")
            p.setdefault("modifydate", p["createdate"])
            if p["stockenabled"] and not isinstance(p["stock"], (int, float)):
                raise SetupError("%s: stock must be a number" % where)
            p["combination_ids"] = []
            self.products[pid] = p
            for c in combos:
                cid = c.get("id")
                if not is_int(cid) or cid < 1 or cid in self.combos:
                    raise SetupError("%s: combination id %r must be a unique "
                                     "integer" % (where, cid))
                if p["stocktype"] != "attributecombination":
                    raise SetupError("%s: combinations need stocktype "
                                     "attributecombination" % where)
                c = dict(c)
                c["product_id"] = pid
                for k in ("product_number", "sku_number", "ean_number",
                          "note"):
                    c.setdefault(k, "")
                c.setdefault("active", True)
                c.setdefault("stock", 0)
                c.setdefault("combination", [])
                self.combos[cid] = c
                p["combination_ids"].append(cid)

    def load_orders(self, orders):
        self.orders = {}
        self.rows = {}
        self.row_order = {}
        self.notes = {}
        self.note_order = {}
        for o in orders:
            oid = o.get("id")
            where = "orders.json: order %r" % (oid,)
            if not is_int(oid) or oid < 1 or oid in self.orders:
                raise SetupError("%s: id must be a unique integer" % where)
            o = dict(o)
            rows = o.pop("orderrows", [])
            o.setdefault("is_completed", True)
            if o["is_completed"]:
                if o.get("status") not in STATUSES:
                    raise SetupError("%s: status must be 1..14" % where)
                if not is_int(o.get("ordernumber")):
                    raise SetupError("%s: ordernumber must be an integer"
                                     % where)
            elif o.get("status") is not None or \
                    o.get("ordernumber") is not None:
                raise SetupError("%s: an incomplete order has status and "
                                 "ordernumber null" % where)
            if not TIME_RE.match(o.get("create_date") or ""):
                raise SetupError("%s: create_date must be "
                                 "YYYY-MM-DDTHH:MM:SSZ" % where)
            self.rows[oid] = []
            for r in rows:
                rid = r.get("id")
                if not is_int(rid) or rid in self.row_order:
                    raise SetupError("%s: row id %r must be a unique "
                                     "integer" % (where, rid))
                if not isinstance(r.get("count"), (int, float)):
                    raise SetupError("%s: row %s: count must be a number"
                                     % (where, rid))
                self.rows[oid].append(dict(r))
                self.row_order[rid] = oid
            self.orders[oid] = complete_order(o, self.rows[oid])

    def change(self, c):
        """A fault of kind change: {"sku": S, "stock": N} is a sale or a
        delivery in the shop (not counted as a write); {"order": ID,
        "status": N} someone in the back office changes a status."""
        if "order" in c:
            o = self.orders.get(c["order"])
            if o is not None:
                o["status"] = c.get("status")
            return
        for item in self.sku_items(c.get("sku")):
            item["stock"] = c.get("stock")

    def check_change(self, c):
        if "order" in c:
            if c.get("status") not in STATUSES or set(c) != {"order",
                                                             "status"}:
                raise ValueError('ccv change: {"order": ID, "status": 1..14}')
        elif set(c) != {"sku", "stock"} or not isinstance(c["sku"], str) \
                or not isinstance(c["stock"], (int, float)):
            raise ValueError('ccv change: {"sku": S, "stock": N} or '
                             '{"order": ID, "status": N}')

    def sku_items(self, sku):
        return [p for p in self.products.values()
                if p["productnumber"] == sku and sku] + \
            [c for c in self.combos.values()
             if sku and sku in (c["sku_number"], c["product_number"])]

    def state(self):
        return {
            "orders": [dict(o, orderrows=self.rows[o["id"]],
                            ordernotes=self.notes.get(o["id"], []))
                       for o in self.sorted_orders()],
            "products": [dict({k: v for k, v in p.items()
                               if k != "combination_ids"},
                              attributecombinations=[
                                  self.combos[c]
                                  for c in p["combination_ids"]])
                         for _, p in sorted(self.products.items())],
            "history": self.history,
            "writes": self.writes(),
        }

    def sorted_orders(self):
        return [self.orders[k] for k in sorted(self.orders)]

    # ---- auth, limits, errors (decisions 1, 2, 3, 7)

    def authenticate(self, req):
        pub = req.header("x-public")
        date = req.header("x-date")
        given = req.header("x-hash")
        req.ccv_public = None
        if not pub or not date or not given:
            req.ccv_why = "Missing header: x-public, x-date and x-hash " \
                          "are required"
            return "missing", None
        if pub != self.api_key:
            req.ccv_why = "Unknown public key"
            return "bad", pub
        t = parse_xdate(date)
        now = datetime.now(timezone.utc)
        if t is None:
            req.ccv_why = "x-date is not an ISO 8601 UTC timestamp"
            return "bad", pub
        if abs((now - t).total_seconds()) > self.opt["clock_skew"]:
            req.ccv_why = "x-date differs more than 5 minutes from " \
                          "server time"
            return "bad", pub
        try:
            data = req.body.decode("utf-8")
        except UnicodeDecodeError:
            data = None
        want = self.sign(req.method, req.target, data or "", date)
        if data is None or not hmac.compare_digest(want, given):
            req.ccv_why = "Hash does not match"
            return "bad", pub
        req.ccv_public = pub
        return "ok", pub

    def sign(self, method, uri, data, date):
        text = "%s|%s|%s|%s|%s" % (self.api_key, method, uri, data, date)
        return hmac.new(self.api_secret.encode("utf-8"),
                        text.encode("utf-8"), hashlib.sha512).hexdigest()

    def unauthorized(self, req, state):
        return error(401, "401.10", getattr(req, "ccv_why", "Unauthorized"))

    def rate_headers(self, limit, remaining):
        return []

    def rate_limited(self, limit):
        return error(429, "429.10", "Each method in each resource has a "
                     "limit of requests that can be made per minute. Please "
                     "lower the frequency of your request rate.")

    def server_error(self):
        return error(500, "500.00", "Internal server error")

    def check(self, req):
        """The two per-minute limits (decision 7), counted here because
        the core's single window does not fit."""
        segs = [s for s in req.path.split("/") if s]
        names = [s for s in segs[3:] if not s.isdigit()]
        resource = names[-1] if names else ""
        write = req.method != "GET"
        limit = self.opt["write_limit" if write else "read_limit"]
        window = self.opt["rate_window"]
        now = time.monotonic()
        key = req.header("x-public")
        with self.rate_lock:
            buckets = []
            for b in ((key, "*"), (key, resource, write)):
                w = self.windows.get(b)
                if w is None or now - w[0] >= window:
                    w = self.windows[b] = [now, 0]
                buckets.append(w)
            if buckets[0][1] >= self.opt["total_limit"]:
                return error(429, "429.11", "The API has a total limit of "
                             "requests that can be made per minute. Please "
                             "lower the frequency of your request rate.")
            if buckets[1][1] >= limit:
                return self.rate_limited(limit)
            for w in buckets:
                w[1] += 1
        return None

    def handle(self, req):
        resp = PlatformBase.handle(self, req)
        if req.ccv_public:
            date = utc_text(datetime.now(timezone.utc))
            body = resp.body.decode("utf-8") if resp.status != 204 else ""
            resp.headers.append(("x-date", date))
            resp.headers.append(("x-hash", self.sign(req.method, req.target,
                                                     body, date)))
        return resp

    # ---- routing

    ROUTES = {
        ("orders",): {"GET": "list_orders", "POST": "create_order"},
        ("orders", 0): {"GET": "get_order", "PATCH": "patch_order"},
        ("orders", 0, "orderrows"): {"GET": "list_rows"},
        ("orderrows", 0): {"GET": "get_row"},
        ("orders", 0, "ordernotes"): {"GET": "list_notes",
                                      "POST": "create_note"},
        ("ordernotes", 0): {"GET": "get_note", "DELETE": "delete_note"},
        ("products",): {"GET": "list_products"},
        ("products", 0): {"GET": "get_product", "PATCH": "patch_product"},
        ("products", 0, "attributecombinations"): {"GET": "list_combos"},
        ("attributecombinations", 0): {"GET": "get_combo",
                                       "PATCH": "patch_combo"},
    }

    def route(self, req):
        path = req.path
        if path.endswith("/") and not path.endswith("//"):
            path = path[:-1]
        if not path.startswith(API + "/"):
            raise Reject(error(404, "404.20", "Invalid resource name"))
        segs = path[len(API) + 1:].split("/")
        shape = tuple(0 if ID_RE.match(s) else s for s in segs)
        ids = [int(s) for s in segs if ID_RE.match(s)]
        methods = self.ROUTES.get(shape)
        if methods is None:
            raise Reject(error(404, "404.20", "Invalid resource name"))
        name = methods.get(req.method)
        if name is None:
            raise Reject(error(405, "405.10", "Method Not Allowed",
                               [("Allow", ", ".join(sorted(methods)))]))
        if len(req.body) > MAX_BODY:
            raise Reject(error(500, "500.80", "Requested payload too big"))
        return getattr(self, name)(req, *ids)

    # ---- parameters and paging

    def params(self, req, allowed, other=()):
        out = {}
        for k, v in req.params():
            if k in out:
                raise bad("Parameter %s given more than once" % k)
            if k in ("start", "size") or k in allowed:
                out[k] = v
            elif k in other:
                raise bad("Parameter %s is not emulated by the sandbox" % k)
            else:
                raise bad("Unknown parameter %s" % k)
        return out

    @staticmethod
    def int_param(q, k, lo=0, hi=None):
        v = q.get(k)
        if v is None:
            return None
        if not re.match(r"\A\d{1,18}\Z", v) or int(v) < lo or \
                (hi is not None and int(v) > hi):
            raise bad("Parameter %s must be an integer%s" % (
                k, " from %d to %d" % (lo, hi) if hi else " >= %d" % lo))
        return int(v)

    @staticmethod
    def bool_param(q, k):
        v = q.get(k)
        if v is None:
            return None
        if v not in ("true", "false"):
            raise bad("Parameter %s must be true or false" % k)
        return v == "true"

    @staticmethod
    def orderby(q, items, fields, default="id"):
        v = q.get("orderby", default)
        field, desc = (v[:-5], True) if v.endswith("_desc") else (v, False)
        if field not in fields:
            raise bad("Parameter orderby must be one of %s" % ", ".join(
                f + s for f in fields for s in ("", "_desc")))
        return sorted(items, key=lambda i: (fields[field](i), i["id"]),
                      reverse=desc)

    def collection(self, req, q, items, render):
        start = self.int_param(q, "start") or 0
        size = self.int_param(q, "size", 1, self.opt["max_size"])
        if size is None:
            size = self.opt["default_size"]
        base = "http://%s%s" % (req.header("Host") or "127.0.0.1",
                                req.path)
        rest = [(k, v) for k, v in req.params() if k not in ("start", "size")]

        def link(s):
            return base + "?" + urlencode(rest + [("start", s),
                                                  ("size", size)])
        page = items[start:start + size]
        return json_response(200, {
            "href": link(start), "start": start, "size": size,
            "first": link(0),
            "previous": link(max(0, start - size)) if start > 0 else None,
            "next": link(start + size) if start + size < len(items) else None,
            "items": [render(req, i) for i in page],
        })

    @staticmethod
    def base(req):
        return "http://%s%s" % (req.header("Host") or "127.0.0.1", API)

    # ---- orders (decisions 5, 8)

    def list_orders(self, req):
        q = self.params(req, ("ordernumber", "status", "is_paid",
                              "is_completed", "min_create_date",
                              "max_create_date", "paymethod_id", "orderby"),
                        ("deliver_date", "take_out_date", "transaction_id",
                         "expand"))
        number = self.int_param(q, "ordernumber", 1)
        status = self.int_param(q, "status", 1, 14)
        paid = self.bool_param(q, "is_paid")
        completed = self.bool_param(q, "is_completed")
        paymethod = self.int_param(q, "paymethod_id", 1)
        lo = self.date_param(q, "min_create_date", False)
        hi = self.date_param(q, "max_create_date", True)

        def keep(o):
            return (o["is_completed"] is (completed is not False) and
                    (number is None or o["ordernumber"] == number) and
                    (status is None or o["status"] == status) and
                    (paid is None or o["paid"] is paid) and
                    (paymethod is None or o["paymethod_id"] == paymethod) and
                    (lo is None or o["create_date"] >= lo) and
                    (hi is None or o["create_date"] <= hi))
        items = self.orderby(q, [o for o in self.sorted_orders() if keep(o)],
                             {"id": lambda o: o["id"],
                              "ordernumber": lambda o: o["ordernumber"] or 0,
                              "create_date": lambda o: o["create_date"]})
        return self.collection(req, q, items, self.order_json)

    @staticmethod
    def date_param(q, k, end):
        v = q.get(k)
        if v is None:
            return None
        if DAY_RE.match(v):
            text = v + ("T23:59:59Z" if end else "T00:00:00Z")
        elif TIME_RE.match(v):
            text = v
        else:
            raise bad("Parameter %s must be YYYY-MM-DD or "
                      "YYYY-MM-DDTHH:MM:SSZ" % k)
        try:
            datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            raise bad("Parameter %s is not a date" % k) from None
        return text

    def order_or_404(self, oid):
        o = self.orders.get(oid)
        if o is None:
            raise not_found("Order", oid)
        return o

    def get_order(self, req, oid):
        self.params(req, ())
        return json_response(200, self.order_json(req, self.order_or_404(oid)))

    def order_json(self, req, o):
        b = self.base(req)
        out = {"href": "%s/orders/%d/" % (b, o["id"])}
        out.update(o)
        u = dict(out["user"])
        if u["id"] is not None:
            u["href"] = "%s/users/%s" % (b, u["id"])
        out["user"] = u
        if not o["is_completed"]:
            out["basket_href"] = out["checkout_href"] = \
                "http://%s/cart/?order=%d" % (req.header("Host"), o["id"])
        out["packing_slip_deeplink"] = None if not o["is_completed"] else \
            "http://%s/onderhoud/PackingSlip.php?OrderId=%d" % (
                req.header("Host"), o["id"])
        for child in ("orderrows", "ordernotes", "ordermessages",
                      "ordernotifications", "orderaffiliatenetworks",
                      "orderlabels", "invoices"):
            out[child] = {"href": "%s/orders/%d/%s/" % (b, o["id"], child)}
        return out

    def list_rows(self, req, oid):
        self.order_or_404(oid)
        q = self.params(req, ())
        return self.collection(req, q, self.rows[oid], self.row_json)

    def get_row(self, req, rid):
        self.params(req, ())
        oid = self.row_order.get(rid)
        if oid is None:
            raise not_found("Orderrow", rid)
        row = [r for r in self.rows[oid] if r["id"] == rid][0]
        return json_response(200, self.row_json(req, row))

    def row_json(self, req, r):
        b = self.base(req)
        oid = self.row_order[r["id"]]
        price, disc = dec(r.get("price", 0)), dec(r.get("discount", 0))
        count = dec(r["count"])
        out = {"href": "%s/orderrows/%d/" % (b, r["id"]), "id": r["id"],
               "order_id": oid, "product_type": r.get("product_type",
                                                      "product"),
               "product_name": r.get("product_name", ""),
               "product_name_google": re.sub(r"\s+", "-",
                                             r.get("product_name", "")),
               "product_number": r.get("product_number", ""),
               "sub_product_number": r.get("sub_product_number", ""),
               "sub_sku_number": r.get("sub_sku_number", ""),
               "sub_ean_number": r.get("sub_ean_number", ""),
               "product_id": r.get("product_id"),
               "product_href": "%s/products/%d" % (b, r["product_id"])
               if r.get("product_id") else None,
               "count": r["count"], "price": money(price),
               "product_purchase_price": 0, "discount": money(disc),
               "custom_price": False, "tax": r.get("tax", 21),
               "unit": "stuk", "weight": 0, "memo": "",
               "package_id": r.get("package_id", 1),
               "package_name": "Kartonnen doos", "stock_location": "",
               "supplier": "", "user_discount": 0,
               "original_price": money(price - disc),
               "selling_price": money(price - disc),
               "price_without_discount": money(price),
               "price_without_discount_with_attributes": money(price),
               "total_price": money(count * (price - disc)),
               "total_extra_option_price": 0,
               "price_with_attributes": money(price - disc),
               "total_price_with_attributes": money(count * (price - disc)),
               "attributes": r.get("attributes", []), "uploads": [],
               "parent": {"href": "%s/orders/%d" % (b, oid)}}
        return out

    def list_notes(self, req, oid):
        """Decision 14."""
        self.order_or_404(oid)
        q = self.params(req, ())
        return self.collection(req, q, self.notes.get(oid, []),
                               self.note_json)

    def get_note(self, req, nid):
        self.params(req, ())
        return json_response(200, self.note_json(req, self.note_or_404(nid)))

    def delete_note(self, req, nid):
        self.params(req, ())
        n = self.note_or_404(nid)
        self.notes[n["order_id"]].remove(n)
        del self.note_order[nid]
        self.count("order %d note deleted" % n["order_id"])
        return Response(204)

    def note_or_404(self, nid):
        oid = self.note_order.get(nid)
        if oid is None:
            raise not_found("Ordernote", nid)
        return [n for n in self.notes[oid] if n["id"] == nid][0]

    def create_note(self, req, oid):
        self.params(req, ())
        self.order_or_404(oid)
        body = self.body_object(req)
        for k in body:
            if k != "note":
                raise bad("Unknown property %s" % k)
        note = body.get("note")
        if not isinstance(note, str) or not note:
            raise bad("Property note must be a non-empty string")
        nid = max(list(self.note_order) + [520000000]) + 1
        n = {"id": nid, "order_id": oid, "note": note, "type": "internal",
             "create_date": utc_text(datetime.now(timezone.utc))}
        self.notes.setdefault(oid, []).append(n)
        self.note_order[nid] = oid
        self.count("order %d note" % oid)
        return json_response(201, self.note_json(req, n))

    def note_json(self, req, n):
        b = self.base(req)
        return {"href": "%s/ordernotes/%d/" % (b, n["id"]), "id": n["id"],
                "note": n["note"], "type": n["type"],
                "create_date": n["create_date"],
                "parent": {"href": "%s/orders/%d/" % (b, n["order_id"])}}

    def body_object(self, req):
        if not req.json_ok or not isinstance(req.json, dict):
            raise bad("The body is not a JSON object")
        return req.json

    def patch_order(self, req, oid):
        """Decisions 9 and 10."""
        self.params(req, ())
        o = self.order_or_404(oid)
        body = self.body_object(req)
        for k, v in body.items():
            if k in ORDER_PATCH_OTHER:
                raise bad("Property %s is not emulated by the sandbox" % k)
            if k not in ORDER_PATCH:
                raise bad("Unknown property %s" % k)
        status = body.get("status")
        if "status" in body and (not is_int(status) or
                                 status not in STATUSES):
            raise bad("Property status must be an integer from 1 to 14")
        for k in ("track_and_trace_code", "note"):
            if k in body and not isinstance(body[k], str):
                raise bad("Property %s must be a string" % k)
        carrier = body.get("track_and_trace_carrier")
        if carrier is not None and not isinstance(carrier, str):
            raise bad("Property track_and_trace_carrier must be a string "
                      "or null")
        for k in ("mail", "paid"):
            if k in body and not isinstance(body[k], bool):
                raise bad("Property %s must be a boolean" % k)
        if not o["is_completed"]:
            raise bad("Order %d is not completed by the customer" % oid)
        if "status" in body:
            if status == o["status"]:
                raise Reject(error(500, "500.50", "Status of order %d is "
                                   "already %d" % (oid, status)))
            if o["status"] == 8:
                raise bad("Order %d is cancelled: its status cannot be "
                          "changed" % oid)
        if "status" in body:
            self.note_change(oid, "status", o["status"], status)
            o["status"] = status
            self.count("order %d status" % oid)
        if "track_and_trace_code" in body or \
                "track_and_trace_carrier" in body:
            old = (o["track_and_trace_code"], o["track_and_trace_carrier"])
            if "track_and_trace_code" in body:
                o["track_and_trace_code"] = body["track_and_trace_code"]
            if "track_and_trace_carrier" in body:
                o["track_and_trace_carrier"] = carrier
            o["track_and_trace_deeplink"] = deeplink(
                o["track_and_trace_carrier"], o["track_and_trace_code"])
            self.note_change(oid, "track_and_trace", list(old),
                             [o["track_and_trace_code"],
                              o["track_and_trace_carrier"]])
            self.count("order %d track" % oid)
        if "paid" in body:
            self.note_change(oid, "paid", o["paid"], body["paid"])
            o["paid"] = body["paid"]
        if body.get("mail") and "status" in body:
            self.mail(o["customer"]["email"], "status_%d" % status, oid)
            self.mail_log[-1].update(
                note=body.get("note", ""),
                track_and_trace=o["track_and_trace_code"])
        return Response(204)

    def note_change(self, oid, field, old, new):
        self.history.append({"order": oid, "field": field, "old": old,
                             "new": new})

    def create_order(self, req):
        """Decision 12."""
        self.params(req, ())
        body = self.body_object(req)
        for k in body:
            if k in ORDER_POST_OTHER:
                raise bad("Property %s is not emulated by the sandbox" % k)
            if k not in ORDER_POST:
                raise bad("Unknown property %s" % k)
        for k in ("customer", "orderrows"):
            if k not in body:
                raise bad("Property %s is required" % k)
        cust = body["customer"]
        if not isinstance(cust, dict):
            raise bad("Property customer must be an object")
        for k, v in cust.items():
            if k in ADDRESS_IN:
                if not isinstance(v, dict):
                    raise bad("Property customer.%s must be an object" % k)
                for a, av in v.items():
                    if a not in ADDRESS_IN[k]:
                        raise bad("Unknown property customer.%s.%s" % (k, a))
                    if av is not None and not isinstance(
                            av, int if a == "housenumber" else str):
                        raise bad("Property customer.%s.%s has the wrong "
                                  "type" % (k, a))
            elif k == "email":
                if not isinstance(v, str):
                    raise bad("Property customer.email must be a string")
            else:
                raise bad("Property customer.%s is not emulated by the "
                          "sandbox" % k)
        rows = body["orderrows"]
        if not isinstance(rows, list) or not rows:
            raise bad("Property orderrows must be a non-empty array")
        made = [self.post_row(i, r) for i, r in enumerate(rows)]
        status = body.get("status", 1)
        if not is_int(status) or status not in STATUSES:
            raise bad("Property status must be an integer from 1 to 14")
        for k in ("paid", "is_completed", "taxes_included",
                  "order_row_taxes_included"):
            if k in body and not isinstance(body[k], bool):
                raise bad("Property %s must be a boolean" % k)
        for k in ("currency", "orderedinlng", "reservationnumber",
                  "extra_costs_description"):
            if k in body and not isinstance(body[k], str):
                raise bad("Property %s must be a string" % k)
        if "currency" in body and not re.match(r"\A[A-Z]{3}\Z",
                                               body["currency"]):
            raise bad("Property currency must be an ISO 4217 code")
        ship = body.get("total_shipping")
        if ship is None:
            ship = Decimal(CALCULATED_SHIPPING)
        elif isinstance(ship, bool) or not isinstance(ship, (int, float)) \
                or ship < 0:
            raise bad("Property total_shipping must be a number >= 0")
        extra = body.get("extra_costs", 0)
        if isinstance(extra, bool) or not isinstance(extra, (int, float)):
            raise bad("Property extra_costs must be a number")
        completed = body.get("is_completed", True)
        oid = max(list(self.orders) + [400000000]) + 1
        numbers = [o["ordernumber"] for o in self.orders.values()
                   if o["ordernumber"] is not None]
        o = {"id": oid, "is_completed": completed,
             "status": status if completed else None,
             "ordernumber": (max(numbers + [0]) + 1) if completed else None,
             "create_date": utc_text(datetime.now(timezone.utc)),
             "paid": body.get("paid", False), "total_shipping": ship,
             "extra_costs": extra, "customer": cust}
        for k in ("currency", "orderedinlng", "reservationnumber",
                  "extra_costs_description", "taxes_included",
                  "order_row_taxes_included"):
            if k in body:
                o[k] = body[k]
        self.rows[oid] = []
        rid = max(list(self.row_order) + [700000000])
        for r in made:
            rid += 1
            r["id"] = rid
            self.rows[oid].append(r)
            self.row_order[rid] = oid
        self.orders[oid] = complete_order(o, self.rows[oid])
        self.count("order created")
        return json_response(201, self.order_json(req, self.orders[oid]))

    def post_row(self, i, r):
        where = "orderrows[%d]" % i
        if not isinstance(r, dict):
            raise bad("%s must be an object" % where)
        for k in r:
            if k not in ROW_POST:
                raise bad("Unknown property %s.%s" % (where, k))
        count = r.get("count")
        if isinstance(count, bool) or not isinstance(count, (int, float)) \
                or count <= 0:
            raise bad("Property %s.count is required: a number > 0" % where)
        for k in ("price", "discount", "tax"):
            if k in r and (isinstance(r[k], bool) or
                           not isinstance(r[k], (int, float))):
                raise bad("Property %s.%s must be a number" % (where, k))
        if not isinstance(r.get("auto_create_deposit_rows", True), bool):
            raise bad("Property %s.auto_create_deposit_rows must be a "
                      "boolean" % where)
        out = {"count": count}
        pid = r.get("product_id")
        if pid is not None:
            p = self.products.get(pid) if is_int(pid) else None
            if p is None:
                raise bad("Property %s.product_id: no product %r"
                          % (where, pid))
            out.update(product_id=pid, product_name=p["name"],
                       product_number=p["productnumber"], price=p["price"],
                       discount=p.get("discount", 0))
            cid = r.get("attribute_combination_id")
            if cid is not None:
                if cid not in p["combination_ids"]:
                    raise bad("Property %s.attribute_combination_id is not "
                              "a combination of product %d" % (where, pid))
                c = self.combos[cid]
                out.update(sub_product_number=c["product_number"],
                           sub_sku_number=c["sku_number"],
                           sub_ean_number=c["ean_number"])
        else:
            for k in ("product_name", "price", "package_id"):
                if k not in r:
                    raise bad("Property %s.%s is required without "
                              "product_id" % (where, k))
            if not isinstance(r["product_name"], str) or \
                    not is_int(r["package_id"]):
                raise bad("Property %s: product_name must be a string and "
                          "package_id an integer" % where)
            if "attribute_combination_id" in r:
                raise bad("Property %s.attribute_combination_id needs "
                          "product_id" % where)
        for k in ("product_name", "product_number", "price", "discount",
                  "tax", "package_id", "product_type"):
            if k in r:
                out[k] = r[k]
        return out

    # ---- products (decisions 6, 11)

    def product_or_404(self, pid):
        p = self.products.get(pid)
        if p is None:
            raise not_found("Product", pid)
        return p

    def list_products(self, req):
        q = self.params(req, ("productnumber", "eannumber", "productname",
                              "active", "orderby"),
                        ("mpnnumber", "minprice", "maxprice", "mindiscount",
                         "maxdiscount", "minsellprice", "maxsellprice",
                         "stock", "minstock", "maxstock", "quantity", "color",
                         "expand"))
        active = self.bool_param(q, "active")
        name = q.get("productname")
        if name is not None and len(name) < 3:
            raise bad("Parameter productname needs at least 3 characters")

        def keep(p):
            return ((active is None or p["is_active"] is active) and
                    q.get("productnumber", p["productnumber"]) ==
                    p["productnumber"] and
                    q.get("eannumber", p["eannumber"]) == p["eannumber"] and
                    (name is None or name.lower() in p["name"].lower()))

        def listing():
            return self.orderby(q, [p for _, p in sorted(self.products.items())
                                    if keep(p)],
                                {"id": lambda p: p["id"],
                                 "name": lambda p: p["name"],
                                 "createdate": lambda p: p["createdate"],
                                 "modifydate": lambda p: p["modifydate"]})
        items = self.memo((req.path,) + listing_key(q, "start", "size"),
                          listing)
        return self.collection(req, q, items, self.product_json)

    def get_product(self, req, pid):
        self.params(req, ())
        return json_response(200, self.product_json(
            req, self.product_or_404(pid)))

    def product_json(self, req, p):
        b = self.base(req)
        out = {"href": "%s/products/%d/" % (b, p["id"]), "id": p["id"],
               "is_active": p["is_active"], "createdate": p["createdate"],
               "modifydate": p["modifydate"],
               "productnumber": p["productnumber"],
               "eannumber": p["eannumber"], "mpnnumber": "",
               "name": p["name"], "price": p["price"],
               "discount": p.get("discount", 0), "unit": "stuk",
               "stockenabled": p["stockenabled"],
               "stocktype": p["stocktype"], "stock": p["stock"],
               "stocklocation": p.get("stocklocation", ""),
               "ordering_without_stock": "global_setting",
               "weight": p.get("weight", 0),
               "decimal_amount": p["decimal_amount"],
               "attributecombinations": {
                   "href": "%s/products/%d/attributecombinations/"
                           % (b, p["id"])}}
        return out

    def list_combos(self, req, pid):
        p = self.product_or_404(pid)
        q = self.params(req, ())
        return self.collection(req, q, [self.combos[c] for c in
                                        p["combination_ids"]],
                               self.combo_json)

    def get_combo(self, req, cid):
        self.params(req, ())
        c = self.combos.get(cid)
        if c is None:
            raise not_found("Attributecombination", cid)
        return json_response(200, self.combo_json(req, c))

    def combo_json(self, req, c):
        b = self.base(req)
        combination = []
        for n, (attr, value) in enumerate(c["combination"]):
            combination.append({
                "attribute": {"id": 500 + n, "name": attr,
                              "href": "%s/attributes/%d" % (b, 500 + n)},
                "attribute_value": {"id": c["id"] * 10 + n, "name": value,
                                    "href": "%s/attributevalues/%d"
                                            % (b, c["id"] * 10 + n)},
                "extra_price": 0})
        return {"href": "%s/attributecombinations/%d/" % (b, c["id"]),
                "id": c["id"], "note": c["note"],
                "product_id": c["product_id"], "stock": c["stock"],
                "netto_extra_price": 0,
                "ordering_without_stock": "global_setting",
                "product_number": c["product_number"],
                "ean_number": c["ean_number"], "sku_number": c["sku_number"],
                "delivery_time": 1, "delivery_time_type": "days",
                "delivery_default_text": "", "active": c["active"],
                "combination": combination,
                "parent": {"href": "%s/products/%d/attributecombinations/"
                                   % (b, c["product_id"])}}

    def stock_body(self, req, decimals):
        self.params(req, ())
        body = self.body_object(req)
        for k in body:
            if k != "stock":
                raise bad("Property %s is not emulated by the sandbox "
                          "(only stock)" % k)
        if "stock" not in body:
            raise bad("Property stock is required")
        n = body["stock"]
        if isinstance(n, bool) or not isinstance(n, (int, float)) or n < 0:
            raise bad("Property stock must be a number >= 0")
        if decimals == 0 and n != int(n):
            raise bad("Property stock must be a whole number for this "
                      "product (decimal_amount 0)")
        return n

    def patch_product(self, req, pid):
        p = self.product_or_404(pid)
        n = self.stock_body(req, p["decimal_amount"])
        if not p["stockenabled"]:
            raise bad("Product %d has no stock (stockenabled false)" % pid)
        if p["stocktype"] != "product":
            raise bad("Product %d keeps its stock per attribute combination"
                      % pid)
        self.apply_stock(p, n, p["productnumber"] or "product %d" % pid)
        return Response(204)

    def patch_combo(self, req, cid):
        c = self.combos.get(cid)
        if c is None:
            raise not_found("Attributecombination", cid)
        p = self.products[c["product_id"]]
        n = self.stock_body(req, p["decimal_amount"])
        if not p["stockenabled"]:
            raise bad("Product %d has no stock (stockenabled false)"
                      % p["id"])
        self.apply_stock(c, n, c["sku_number"] or c["product_number"] or
                         "combination %d" % cid)
        return Response(204)

    def apply_stock(self, item, n, sku):
        self.history.append({"sku": sku, "field": "stock",
                             "old": item["stock"], "new": n})
        item["stock"] = n
        self.count(sku)


# ---- data helpers

def deeplink(carrier, code):
    pattern = DEEPLINKS.get((carrier or "").lower())
    return pattern % code if pattern and code else ""


def address(a, delivery=False):
    """A billing or delivery address with every field; a delivery
    address has full_name only ([jdk] Personalinfo/Child)."""
    a = dict(a or {})
    out = {}
    for k in ADDRESS:
        if delivery and k in ("first_name", "last_name", "fax"):
            continue
        out[k] = a.get(k, None if k in ("gender", "housenumber",
                                        "country_code") else "")
    if not delivery and not out["full_name"]:
        out["full_name"] = " ".join(
            x for x in (out["first_name"], out["last_name"]) if x)
    if out["country_code"] and not out["country"]:
        out["country"] = COUNTRIES.get(out["country_code"], "")
    return out


def complete_order(o, rows):
    """An order with every field of CCV's order resource, totals from its
    rows ([bon]'s captured order for the defaults)."""
    gross = o.get("order_row_taxes_included", True)
    lines = sum((dec(r["count"]) * (dec(r.get("price", 0)) -
                                    dec(r.get("discount", 0))) *
                 (1 if gross else 1 + dec(r.get("tax", 21)) / 100)
                 for r in rows), Decimal(0))
    ship = dec(o.get("total_shipping", 0))
    extra = dec(o.get("extra_costs", 0))
    total = lines + ship + extra
    cust = dict(o.get("customer") or {})
    customer = {"billingaddress": address(cust.get("billingaddress")),
                "deliveryaddress": address(cust.get("deliveryaddress"),
                                           True),
                "email": cust.get("email", ""), "customertype": "b2c",
                "reference": cust.get("reference", "")}
    numbered = o["ordernumber"] is not None
    out = {
        "id": o["id"], "ordernumber_prefix": o.get("ordernumber_prefix"),
        "ordernumber": o["ordernumber"],
        "ordernumber_full": ((o.get("ordernumber_prefix") or "") +
                             ("-" if o.get("ordernumber_prefix") else "") +
                             str(o["ordernumber"])) if numbered else None,
        "invoicenumber": o["ordernumber"] if numbered else None,
        "transaction_id": o.get("transaction_id"),
        "create_date": o["create_date"], "deliver_method": "shipping",
        "deliver_date": None, "take_out_window": {"start": None,
                                                  "end": None},
        "is_platform_sale": False, "orderedinlng": o.get("orderedinlng",
                                                         "nl"),
        "status": o["status"], "is_completed": o["is_completed"],
        "paid": o.get("paid", False), "safety_deposit_returned": False,
        "paymethod_id": o.get("paymethod_id", 3),
        "paymethod": o.get("paymethod", "BankTransfer"),
        "paymethod_label": o.get("paymethod_label", "Vooraf overmaken"),
        "taxes_included": o.get("taxes_included", True),
        "order_row_taxes_included": gross,
        "shipping_taxes_included": True, "shipping_tax_percentage": 21,
        "is_intra_community_order": False,
        "total_orderrow_price": money(lines), "total_shipping": money(ship),
        "total_discounts": 0, "total_price": money(total),
        "currency": o.get("currency", "EUR"),
        "total_tax": money(total * 21 / 121), "total_weight": 0,
        "extra_payment_option": "", "extra_payment_option_price": 0,
        "extra_payment_option_no_sentprice": False,
        "extra_payment_option_pay_on_pickup": False, "extra_price": 0,
        "paymethod_costs": 0, "credit_point_discount": 0,
        "extra_costs": money(extra),
        "extra_costs_description": o.get("extra_costs_description", ""),
        "track_and_trace_code": o.get("track_and_trace_code", ""),
        "track_and_trace_carrier": o.get("track_and_trace_carrier"),
        "track_and_trace_deeplink": deeplink(
            o.get("track_and_trace_carrier"),
            o.get("track_and_trace_code", "")),
        "reservationnumber": o.get("reservationnumber", ""),
        "delivery_option": None,
        "user": {"id": o.get("user_id"), "discount_percentage": 0,
                 "href": None},
        "discountcoupon": {"code": "", "discount": 0, "type": "",
                           "enddate": None, "onetimeuse": False,
                           "minimumprice": 0, "givesfreeshipping": False},
        "customer": customer, "pickup_address": None,
    }
    return out


FAMILIES = (("TS", "T-shirt", 19.95), ("HD", "Hoodie", 49.95),
            ("MUG", "Mok", 9.95), ("CAP", "Pet", 14.95),
            ("BAG", "Tas", 24.95), ("SCK", "Sokken", 7.95))
COLOURS = (("RED", "rood"), ("BLU", "blauw"), ("BLK", "zwart"),
           ("WHT", "wit"), ("GRN", "groen"))
PEOPLE = (("Jan", "Jansen"), ("Zoë", "Müller"), ("Sanne", "de Vries"),
          ("Daan", "Bakker"), ("Fleur", "Visser"), ("Bram", "Smit"))
CITIES = (("Utrecht", "3511 AB", "NL"), ("Antwerpen", "2000", "BE"),
          ("Köln", "50667", "DE"), ("Amsterdam", "1012 JS", "NL"))
# Statuses in the proportions a shop has them: most completed.
GEN_STATUSES = (7, 7, 7, 7, 5, 5, 6, 1, 1, 2, 4, 8, 3, 9, 10, 11, 12, 13,
                14)


def generate_data(spec, seed, products, orders):
    """--generate products=N,orders=M: N products, SKUs FAM-COL-00001,
    valid EAN-13, every 17th inactive, every 29th without stock, every
    25th keeping its stock in 3 combinations (S, M, L); M orders of 1-3
    rows over the products, every status, every 23rd an abandoned
    checkout.  Deterministic for --seed."""
    import random
    rnd = random.Random(seed)
    if "products" in spec:
        products = []
        cid = 200000001
        for i in range(1, spec["products"] + 1):
            fam, fname, price = FAMILIES[i % len(FAMILIES)]
            col, cname = COLOURS[(i // len(FAMILIES)) % len(COLOURS)]
            p = {"id": 100000000 + i * 3,
                 "productnumber": "%s-%s-%05d" % (fam, col, i),
                 "eannumber": ean13("871852%06d" % i),
                 "name": "%s %s %d" % (fname, cname, i), "price": price,
                 "stock": rnd.randint(0, 40),
                 "is_active": i % 17 != 0}
            if i % 29 == 0:
                p.update(stockenabled=False, stock=None)
            elif i % 25 == 0:
                p["stocktype"] = "attributecombination"
                p["attributecombinations"] = []
                for size in ("S", "M", "L"):
                    p["attributecombinations"].append({
                        "id": cid, "note": "Maat: " + size,
                        "sku_number": "%s-%s" % (p["productnumber"], size),
                        "ean_number": ean13("872%09d" % cid)[:13],
                        "stock": rnd.randint(0, 20),
                        "combination": [["Maat", size]]})
                    cid += 1
            products.append(p)
    if "orders" in spec:
        orders = []
        start = datetime(2026, 1, 5, 8, 0, 0, tzinfo=timezone.utc)
        rid = 700000001
        simple = [p for p in products if p.get("stocktype", "product") ==
                  "product"]
        for i in range(1, spec["orders"] + 1):
            first, last = PEOPLE[rnd.randrange(len(PEOPLE))]
            city, zipcode, country = CITIES[rnd.randrange(len(CITIES))]
            complete = i % 23 != 0
            status = GEN_STATUSES[i % len(GEN_STATUSES)] if complete \
                else None
            o = {"id": 300000000 + i * 7, "is_completed": complete,
                 "ordernumber": 1000 + i if complete else None,
                 "status": status,
                 "create_date": utc_text(start + timedelta(minutes=37 * i)),
                 "paid": status in (2, 5, 6, 7, 10, 11, 12),
                 "total_shipping": 4.95,
                 "customer": {"email": "%s.%d@example.nl" % (
                     first.lower().replace("ë", "e"), i),
                     "billingaddress": {
                         "first_name": first, "last_name": last,
                         "street": "Dorpsstraat", "housenumber": i % 200 + 1,
                         "zipcode": zipcode, "city": city,
                         "country_code": country}},
                 "orderrows": []}
            if status in (5, 6, 7):
                o["track_and_trace_carrier"] = ("postnl", "dhl", "dpd")[i % 3]
                o["track_and_trace_code"] = "3SCCV%08d" % i
            for _ in range(1 + rnd.randrange(3)):
                row = {"id": rid, "count": 1 + rnd.randrange(3)}
                rid += 1
                if simple:
                    p = simple[rnd.randrange(len(simple))]
                    row.update(product_id=p["id"], product_name=p["name"],
                               product_number=p["productnumber"],
                               price=p.get("price", 0))
                else:
                    row.update(product_name="Artikel", price=9.95)
                o["orderrows"].append(row)
            orders.append(o)
    return products, orders
