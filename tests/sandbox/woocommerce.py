"""woocommerce.py: the WooCommerce REST API (wc/v3) for sandbox.py.

    python3 tests/sandbox/sandbox.py --platform woocommerce \
        --data tests/sandbox/data/woocommerce [--api-key ck_sandbox] \
        [--api-secret cs_sandbox] [--generate orders=N,products=M] ...

Routes under /wp-json/wc/v3: GET orders, GET products, GET products/{id},
GET products/{id}/variations, POST products/batch and
POST products/{id}/variations/batch (update only).  Data: orders.json,
products.json, variations.json (parent_id; a product's `variations` is
derived from them).  Products, variations and orders share one id space,
as WordPress posts do.

Decisions (sources: [auth] woocommerce-rest-api-docs _authentication.md and
includes/class-wc-rest-authentication.php; [intro] _introduction.md;
[orders] _orders.md; [products] _products.md; [crud] WooCommerce's
class-wc-rest-crud-controller.php get_items; [batch] its
check_batch_limit/batch_items; /work/shared/research/platform-apis-1.md B):

 1. Auth: HTTP Basic, consumer key as user, consumer secret as password,
    or the consumer_key/consumer_secret query parameters [auth].  The real
    WooCommerce accepts these only over HTTPS (is_ssl()) and wants OAuth
    1.0a over plain HTTP; the sandbox is http://127.0.0.1 and accepts them
    anyway: emulating OAuth signatures would test nothing shopswitch does
    (it talks HTTPS to real shops).  Wrong key -> 401
    woocommerce_rest_authentication_error "Consumer key is invalid.", wrong
    secret -> "Consumer secret is invalid." [auth].  No usable credentials
    (none, or not Basic) -> the request runs as a guest and the route's
    permission check answers 401 woocommerce_rest_cannot_view "Sorry, you
    cannot list resources." (lists) / "...cannot view this resource."
    (one item) / woocommerce_rest_cannot_batch (batch).  Credentials in the
    query string end up in the request log's `query` (the core logs it raw).
 2. No rate limit (wc/v3 core has none) and no rate-limit headers, unless
    --rate-limit is given; its 429 body is then a WordPress-style error.
 3. Paging: page >= 1, per_page 1..100 (default 10), else 400
    rest_invalid_param with data.params.{name} as WordPress does.
    X-WP-Total and X-WP-TotalPages on every list; Link prev/next absolute.
    A page past the end is 200 [] with the totals: WooCommerce's CRUD
    controller has no rest_post_invalid_page_number check [crud] (that is
    WordPress's posts controller).  Default order date desc, as in WC;
    orderby date|id|modified (+title for products); ties by id.
    Variations default to menu_order asc, then id (UNCONFIRMED).
 4. Orders: status is a comma list of any + the 8 statuses; `any` and no
    status leave out trash (WP's 'any' excludes trash).  after/before
    compare with date_created, modified_after/_before with date_modified,
    exclusive (WP date_query); a value with Z or +hh:mm compares with the
    _gmt field, as does any value with dates_are_gmt=true.  Site time is
    Europe/Amsterdam.
 5. Products: sku is a comma list and also searches variations (returned
    with parent_id) [research B3]; type and stock_status take one value;
    status a comma list (any, draft, pending, private, publish).
    GET products/{id} also answers a variation id, as WC's get_object does.
 6. Unknown query parameters are refused with 400 rest_invalid_param (WP
    ignores them; picqer.py's README decision 7).  Unknown routes and wrong
    methods: 404 rest_no_route, as WordPress answers both.
 7. Batch: create+update+delete > 100 -> 413
    woocommerce_rest_request_entity_too_large [batch]; only update is
    emulated (create/delete -> 400).  Per-item errors inside the 200:
    {"id":N,"error":{"code":"woocommerce_rest_product_invalid_id"
    (..._product_variation_invalid_id on variations/batch),"message":
    "Invalid ID.","data":{"status":400}}}.  A variation id in products/batch
    is refused that way (whether WC accepts it is UNCONFIRMED; the strict
    choice).  Only id, stock_quantity and manage_stock may be sent.
    stock_quantity applies only when manage_stock is (or becomes) true, as
    WC does; stock_status follows (instock > 0, else outofstock).  Each
    applied stock_quantity counts one write for the SKU ("#id" if empty).
 8. JSON as wp_json_encode writes it: "/" escaped and non-ASCII as
    surrogate-pair escapes (sandbox.json_bytes).
"""

import base64
import binascii
import math
import random
import re
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

from sandbox import (PlatformBase, Reject, SetupError, is_int,
                     json_response, load_array, valid_time)

API = "/wp-json/wc/v3"
API_KEY = "ck_sandbox"          # sandbox.py's defaults for this platform
API_SECRET = "cs_sandbox"
RATE_LIMIT = None               # wc/v3 core has no rate limit
BATCH_LIMIT = 100               # woocommerce_rest_batch_items_limit
ORDER_STATUSES = ("pending", "processing", "on-hold", "completed",
                  "cancelled", "refunded", "failed", "trash")
PRODUCT_TYPES = ("simple", "variable", "grouped", "external")
PRODUCT_STATUSES = ("draft", "pending", "private", "publish")
DATE_RE = re.compile(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\Z")
ISO_RE = re.compile(r"\A(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})"
                    r"(Z|[+-]\d{2}:\d{2})?\Z")


def error(status, code, message, data=None, headers=None):
    d = {"status": status}
    d.update(data or {})
    return json_response(status, {"code": code, "message": message,
                                  "data": d}, headers)


def invalid_param(name, why):
    """WordPress's answer to a parameter that fails its schema."""
    return Reject(error(400, "rest_invalid_param",
                        "Invalid parameter(s): %s" % name,
                        {"params": {name: why}}))


def no_route():
    return Reject(error(404, "rest_no_route",
                        "No route was found matching the URL and request "
                        "method."))


def valid_date(text):
    return valid_time(text, DATE_RE, "%Y-%m-%dT%H:%M:%S")


class Platform(PlatformBase):
    name = "woocommerce"

    def __init__(self, data_dir, generate, seed, api_key, api_secret=API_SECRET):
        self.data_dir = data_dir
        self.generate = dict(generate)
        self.seed = seed
        self.api_key = api_key
        self.api_secret = api_secret
        unknown = set(self.generate) - {"orders", "products"}
        if unknown:
            raise SetupError("--generate: woocommerce has no %s (it knows "
                             "orders, products)" % ", ".join(sorted(unknown)))
        self.reset()

    # ---- data

    def change(self, c):
        """A fault of kind change: {"sku": S, "stock_quantity": N} is a
        sale or a delivery in the shop (not counted as a write), {"sku":
        S, "trash": true} moves the item to the trash."""
        items = [p for p in self.by_id.values()
                 if p.get("sku") == c.get("sku")]
        for p in items:
            if c.get("trash"):
                del self.by_id[p["id"]]
                if p.get("parent_id"):
                    self.variations[p["parent_id"]].remove(p)
                else:
                    self.products.remove(p)
            elif is_int(c.get("stock_quantity")) and p["manage_stock"] is True:
                p["stock_quantity"] = c["stock_quantity"]

    def reset(self):
        d = self.data_dir
        products = load_array(d, "products.json")
        variations = load_array(d, "variations.json")
        orders = load_array(d, "orders.json")
        if self.generate:
            products, variations, orders = generate_data(
                self.generate, self.seed, products, variations, orders)
        self.load(products, variations, orders)

    def load(self, products, variations, orders):
        self.by_id = {}                 # products and variations: one id space
        self.products = []
        skus = {}
        for p in products:
            pid = p.get("id")
            where = "products.json: product %r" % (pid,)
            if not is_int(pid) or pid in self.by_id:
                raise SetupError("%s: id must be a unique integer" % where)
            self.check_item(p, where, skus)
            if p.get("type") not in PRODUCT_TYPES:
                raise SetupError("%s: type %r is not one of %s"
                                 % (where, p.get("type"),
                                    ", ".join(PRODUCT_TYPES)))
            if p.get("status", "publish") not in PRODUCT_STATUSES:
                raise SetupError("%s: status %r is not one of %s"
                                 % (where, p.get("status"),
                                    ", ".join(PRODUCT_STATUSES)))
            p = dict(p, parent_id=0)
            p.setdefault("status", "publish")
            self.products.append(p)
            self.by_id[pid] = p
        self.variations = {}            # parent id -> [variation]
        for v in variations:
            vid = v.get("id")
            where = "variations.json: variation %r" % (vid,)
            if not is_int(vid) or vid in self.by_id:
                raise SetupError("%s: id must be an integer unique among "
                                 "products and variations" % where)
            parent = self.by_id.get(v.get("parent_id"))
            if parent is None or parent.get("type") != "variable":
                raise SetupError("%s: parent_id %r is not a variable product "
                                 "in products.json" % (where,
                                                       v.get("parent_id")))
            self.check_item(v, where, skus)
            v = dict(v)
            v.setdefault("status", "publish")
            self.variations.setdefault(parent["id"], []).append(v)
            self.by_id[vid] = v
        for p in self.products:
            vids = sorted(v["id"] for v in self.variations.get(p["id"], []))
            if p.get("variations", vids) != vids and \
                    sorted(p.get("variations")) != vids:
                raise SetupError("products.json: product %r: variations %r "
                                 "are not the ids in variations.json (%r)"
                                 % (p["id"], p.get("variations"), vids))
            if p["type"] == "variable":
                p["variations"] = vids
            else:
                if vids:
                    raise SetupError("products.json: product %r is %s but "
                                     "has variations" % (p["id"], p["type"]))
                p["variations"] = []
        for vs in self.variations.values():
            vs.sort(key=lambda v: v["id"])
        self.products.sort(key=lambda p: p["id"])

        self.orders = []
        oids = set()
        for o in orders:
            oid = o.get("id")
            where = "orders.json: order %r" % (oid,)
            if not is_int(oid) or oid in oids or oid in self.by_id:
                raise SetupError("%s: id must be a unique integer (orders "
                                 "share the post id space)" % where)
            oids.add(oid)
            if o.get("status") not in ORDER_STATUSES:
                raise SetupError("%s: status %r is not one of %s"
                                 % (where, o.get("status"),
                                    ", ".join(ORDER_STATUSES)))
            if not isinstance(o.get("number"), str):
                raise SetupError("%s: number must be a string" % where)
            for f in ("date_created", "date_created_gmt", "date_modified",
                      "date_modified_gmt"):
                if not valid_date(o.get(f)):
                    raise SetupError("%s: %s must be \"YYYY-MM-DDTHH:MM:SS\""
                                     % (where, f))
            for f in ("date_completed", "date_completed_gmt"):
                if o.get(f) is not None and not valid_date(o[f]):
                    raise SetupError("%s: %s must be null or "
                                     "\"YYYY-MM-DDTHH:MM:SS\"" % (where, f))
            for li in o.get("line_items", []):
                for f in ("product_id", "variation_id"):
                    ref = li.get(f, 0)
                    if ref and ref not in self.by_id:
                        raise SetupError("%s: line item %r: %s %r is not in "
                                         "products.json or variations.json"
                                         % (where, li.get("id"), f, ref))
                if not isinstance(li.get("price"), (int, float)) or \
                        not isinstance(li.get("total"), str):
                    raise SetupError("%s: line item %r: price must be a "
                                     "number and total a string"
                                     % (where, li.get("id")))
            self.orders.append(o)
        self.orders.sort(key=lambda o: o["id"])
        self.write_counts = {}
        self.stock_history = []

    @staticmethod
    def check_item(p, where, skus):
        sku = p.get("sku", "")
        if not isinstance(sku, str):
            raise SetupError("%s: sku must be a string" % where)
        if sku:
            if sku in skus:
                raise SetupError("%s: sku %r is also item %r's"
                                 % (where, sku, skus[sku]))
            skus[sku] = p.get("id")
        manage = p.get("manage_stock", False)
        qty = p.get("stock_quantity")
        if manage not in (True, False, "parent"):
            raise SetupError("%s: manage_stock must be true, false or "
                             "\"parent\"" % where)
        if manage is True and not is_int(qty):
            raise SetupError("%s: manage_stock is true, so stock_quantity "
                             "must be an integer" % where)
        if manage is not True and qty is not None:
            raise SetupError("%s: manage_stock is not true, so "
                             "stock_quantity must be null" % where)
        if p.get("stock_status") not in ("instock", "outofstock",
                                         "onbackorder"):
            raise SetupError("%s: stock_status must be instock, outofstock "
                             "or onbackorder" % where)
        for f in ("date_created", "date_created_gmt", "date_modified",
                  "date_modified_gmt"):
            if not valid_date(p.get(f)):
                raise SetupError("%s: %s must be \"YYYY-MM-DDTHH:MM:SS\""
                                 % (where, f))

    # ---- the hooks sandbox.py calls

    def authenticate(self, req):
        """HTTP Basic (key:secret), else the consumer_key/consumer_secret
        query parameters.  req.wc_auth keeps why it failed."""
        key = secret = None
        header = req.header("Authorization")
        if header is not None:
            scheme, _, cred = header.strip().partition(" ")
            if scheme.lower() != "basic":
                req.wc_auth = "scheme"
                return "bad", None
            try:
                key, sep, secret = base64.b64decode(
                    cred.strip(), validate=True).decode("utf-8").partition(":")
            except (binascii.Error, UnicodeDecodeError):
                req.wc_auth = "scheme"
                return "bad", None
        else:
            q = dict(req.params())
            key, secret = q.get("consumer_key"), q.get("consumer_secret")
            if key is None and secret is None:
                req.wc_auth = "missing"
                return "missing", None
        if key != self.api_key:
            req.wc_auth = "key"
            return "bad", None
        if secret != self.api_secret:
            req.wc_auth = "secret"
            return "bad", None
        return "ok", key

    def unauthorized(self, req, state):
        why = getattr(req, "wc_auth", state)
        if why == "key":
            return error(401, "woocommerce_rest_authentication_error",
                         "Consumer key is invalid.")
        if why == "secret":
            return error(401, "woocommerce_rest_authentication_error",
                         "Consumer secret is invalid.")
        # No usable credentials: the request runs as a guest, and the
        # route's permission check refuses it.
        rest = req.path[len(API):] if req.path.startswith(API) else ""
        if req.method != "GET":
            if rest.endswith("/batch"):
                msg = "Sorry, you are not allowed to batch manipulate this " \
                      "resource."
                return error(401, "woocommerce_rest_cannot_batch", msg)
            return error(401, "woocommerce_rest_cannot_edit",
                         "Sorry, you are not allowed to edit this resource.")
        if re.fullmatch(r"/(orders|products)/\d+", rest):
            return error(401, "woocommerce_rest_cannot_view",
                         "Sorry, you cannot view this resource.")
        return error(401, "woocommerce_rest_cannot_view",
                     "Sorry, you cannot list resources.")

    def rate_headers(self, limit, remaining):
        return []

    def rate_limited(self, limit):
        # Not WooCommerce's (it has none): what a host's limiter might send.
        return error(429, "woocommerce_rest_too_many_requests",
                     "Too many requests.")

    def server_error(self):
        return error(500, "internal_server_error",
                     "There has been a critical error on this website.")

    def check(self, req):
        return None

    def state(self):
        return {
            "products": [self.product_json(p) for p in self.products],
            "variations": {str(k): [self.product_json(v) for v in vs]
                           for k, vs in sorted(self.variations.items())},
            "orders": self.orders,
            "stockhistory": self.stock_history,
            "writes": self.writes(),
        }

    # ---- routing

    ROUTES = [
        (re.compile(r"/orders"), "GET", "list_orders"),
        (re.compile(r"/products"), "GET", "list_products"),
        (re.compile(r"/products/batch"), "POST", "batch_products"),
        (re.compile(r"/products/(\d+)"), "GET", "get_product"),
        (re.compile(r"/products/(\d+)/variations"), "GET",
         "list_variations"),
        (re.compile(r"/products/(\d+)/variations/batch"), "POST",
         "batch_variations"),
    ]

    def route(self, req):
        if req.path.startswith(API + "/"):
            rest = req.path[len(API):]
            for pattern, method, name in self.ROUTES:
                m = pattern.fullmatch(rest)
                if m and req.method == method:
                    return getattr(self, name)(req, *m.groups())
        # WordPress answers a known path with a wrong method the same way.
        raise no_route()

    # ---- query strings

    def params(self, req, allowed):
        out = {}
        for name, value in req.params():
            if name in ("consumer_key", "consumer_secret"):
                continue
            if name not in allowed:
                raise invalid_param(name, "%s is not emulated by the sandbox "
                                    "(this endpoint takes %s)"
                                    % (name, ", ".join(allowed)))
            if name in out:
                raise invalid_param(name, "%s given more than once" % name)
            out[name] = value
        return out

    @staticmethod
    def int_param(q, name, default, lo, hi=None):
        v = q.get(name)
        if v is None:
            return default
        if not v.isascii() or not v.isdigit():
            raise invalid_param(name, "%s is not of type integer." % name)
        n = int(v)
        if n < lo or (hi is not None and n > hi):
            if hi is None:
                why = "%s must be greater than or equal to %d" % (name, lo)
            else:
                why = "%s must be between %d (inclusive) and %d (inclusive)" \
                      % (name, lo, hi)
            raise invalid_param(name, why)
        return n

    @staticmethod
    def enum_list(q, name, allowed):
        v = q.get(name)
        if v is None:
            return None
        items = v.split(",")
        for item in items:
            if item not in allowed:
                raise invalid_param(name, "%s[%d] is not one of %s."
                                    % (name, items.index(item),
                                       ", ".join(allowed)))
        return set(items)

    @staticmethod
    def enum(q, name, allowed, default):
        v = q.get(name, default)
        if v not in allowed:
            raise invalid_param(name, "%s is not one of %s."
                                % (name, ", ".join(allowed)))
        return v

    @staticmethod
    def date_param(q, name, gmt):
        """(field suffix, value) to compare, or None.  A value with a
        zone (Z or +hh:mm) compares with the _gmt field; one without with
        the site-time field, or the _gmt one when dates_are_gmt=true."""
        v = q.get(name)
        if v is None:
            return None
        m = ISO_RE.match(v)
        if not m or not valid_date(m.group(1)):
            raise invalid_param(name, "Invalid date.")
        if m.group(2):
            t = datetime.fromisoformat(m.group(1) + (
                "+00:00" if m.group(2) == "Z" else m.group(2)))
            return ("_gmt", t.astimezone(timezone.utc)
                    .strftime("%Y-%m-%dT%H:%M:%S"))
        return ("_gmt" if gmt else "", m.group(1))

    def page(self, req, items, q, render):
        per_page = self.int_param(q, "per_page", 10, 1, 100)
        page = self.int_param(q, "page", 1, 1)
        total = len(items)
        pages = int(math.ceil(total / per_page)) if total else 0
        start = (page - 1) * per_page
        body = [render(x) for x in items[start:start + per_page]]
        headers = [("X-WP-Total", str(total)),
                   ("X-WP-TotalPages", str(pages))]
        links = []
        # Absolute, as WordPress's rest_url() makes them.
        base = "http://%s%s" % (req.header("Host") or "127.0.0.1", req.path)
        rest = [(k, v) for k, v in req.params() if k != "page"]

        def url(n):
            return "<%s?%s>" % (base, urlencode(rest + [("page", str(n))]))
        if page > 1 and pages:
            links.append('%s; rel="prev"' % url(min(page - 1, pages)))
        if page < pages:
            links.append('%s; rel="next"' % url(page + 1))
        if links:
            headers.append(("Link", ", ".join(links)))
        return json_response(200, body, headers)

    @staticmethod
    def sort(items, q, fields, default=("date", "desc")):
        orderby = Platform.enum(q, "orderby", tuple(fields), default[0])
        order = Platform.enum(q, "order", ("asc", "desc"), default[1])
        key = fields[orderby]
        return sorted(items, key=lambda x: (key(x), x["id"]),
                      reverse=order == "desc")

    # ---- orders

    ORDER_PARAMS = ("page", "per_page", "status", "after", "before",
                    "modified_after", "modified_before", "dates_are_gmt",
                    "orderby", "order")

    def list_orders(self, req):
        q = self.params(req, self.ORDER_PARAMS)
        statuses = self.enum_list(q, "status", ("any",) + ORDER_STATUSES)
        gmt = self.enum(q, "dates_are_gmt", ("true", "false", "1", "0"),
                        "false") in ("true", "1")
        bounds = []
        for name, field, after in (("after", "date_created", True),
                                   ("before", "date_created", False),
                                   ("modified_after", "date_modified", True),
                                   ("modified_before", "date_modified",
                                    False)):
            d = self.date_param(q, name, gmt)
            if d:
                bounds.append((field + d[0], d[1], after))

        def keep(o):
            if statuses is None or "any" in statuses:
                if o["status"] == "trash" and (statuses is None or
                                               "trash" not in statuses):
                    return False
            elif o["status"] not in statuses:
                return False
            for field, value, after in bounds:      # exclusive, like WP
                if after and not o[field] > value:
                    return False
                if not after and not o[field] < value:
                    return False
            return True
        items = self.sort([o for o in self.orders if keep(o)], q, {
            "date": lambda o: o["date_created_gmt"], "id": lambda o: o["id"],
            "modified": lambda o: o["date_modified_gmt"]})
        return self.page(req, items, q, lambda o: o)

    # ---- products

    PRODUCT_PARAMS = ("page", "per_page", "sku", "type", "status",
                      "stock_status", "orderby", "order")

    def product_json(self, p):
        return p

    def list_products(self, req):
        q = self.params(req, self.PRODUCT_PARAMS)
        types = self.enum_list(q, "type", PRODUCT_TYPES)
        if types is not None and len(types) > 1:
            raise invalid_param("type", "type is not one of %s."
                                % ", ".join(PRODUCT_TYPES))
        statuses = self.enum_list(q, "status", ("any",) + PRODUCT_STATUSES)
        stock = self.enum_list(q, "stock_status",
                               ("instock", "outofstock", "onbackorder"))
        if stock is not None and len(stock) > 1:
            raise invalid_param("stock_status", "stock_status is not one of "
                                "instock, outofstock, onbackorder.")
        skus = None
        if "sku" in q:
            skus = {s.strip() for s in q["sku"].split(",") if s.strip()}
        pool = list(self.products)
        if skus is not None:
            # With sku, WooCommerce also searches product_variation posts.
            pool += [v for vs in self.variations.values() for v in vs]

        def keep(p):
            if skus is not None and p.get("sku", "") not in skus:
                return False
            if types is not None and p.get("type") not in types:
                return False
            if statuses is not None and "any" not in statuses and \
                    p["status"] not in statuses:
                return False
            if stock is not None and p["stock_status"] not in stock:
                return False
            return True
        items = self.sort([p for p in pool if keep(p)], q, {
            "date": lambda p: p["date_created_gmt"], "id": lambda p: p["id"],
            "modified": lambda p: p["date_modified_gmt"],
            "title": lambda p: p.get("name", "")})
        return self.page(req, items, q, self.product_json)

    def product_or_404(self, ident):
        p = self.by_id.get(int(ident))
        if p is None:
            raise Reject(error(404, "woocommerce_rest_product_invalid_id",
                               "Invalid ID."))
        return p

    def get_product(self, req, ident):
        self.params(req, ())
        return json_response(200, self.product_json(self.product_or_404(ident)))

    def list_variations(self, req, ident):
        parent = self.product_or_404(ident)
        if parent.get("parent_id"):
            raise Reject(error(404, "woocommerce_rest_product_invalid_id",
                               "Invalid ID."))
        q = self.params(req, ("page", "per_page", "sku", "orderby", "order"))
        pool = self.variations.get(parent["id"], [])
        if "sku" in q:
            skus = {s.strip() for s in q["sku"].split(",") if s.strip()}
            pool = [v for v in pool if v.get("sku", "") in skus]
        items = self.sort(pool, q, {
            "date": lambda v: v["date_created_gmt"], "id": lambda v: v["id"],
            "menu_order": lambda v: v.get("menu_order", 0)},
            ("menu_order", "asc"))      # UNCONFIRMED: decision 3
        return self.page(req, items, q, self.product_json)

    # ---- batch stock updates

    def batch_body(self, req):
        self.params(req, ())
        if not req.json_ok:
            raise Reject(error(400, "rest_invalid_json",
                               "Invalid JSON body passed."))
        body = req.json
        if not isinstance(body, dict):
            raise invalid_param("update", "the body must be an object")
        unknown = set(body) - {"create", "update", "delete"}
        if unknown:
            raise invalid_param(sorted(unknown)[0], "not one of create, "
                                "update, delete")
        n = 0
        for k in ("create", "update", "delete"):
            v = body.get(k, [])
            if not isinstance(v, list):
                raise invalid_param(k, "%s is not of type array." % k)
            n += len(v)
        if n > BATCH_LIMIT:
            raise Reject(error(413, "woocommerce_rest_request_entity_too_large",
                               "Unable to accept more than %d items for this "
                               "request." % BATCH_LIMIT))
        if body.get("create") or body.get("delete"):
            raise invalid_param("create" if body.get("create") else "delete",
                                "the sandbox emulates only update")
        return body.get("update", [])

    def batch_products(self, req):
        items = self.batch_body(req)
        return self.apply_batch(items, lambda i: self.by_id.get(i)
                                if self.by_id.get(i, {}).get("parent_id") == 0
                                else None, "woocommerce_rest_product_invalid_id")

    def batch_variations(self, req, ident):
        parent = self.product_or_404(ident)
        items = self.batch_body(req)
        mine = {v["id"]: v for v in self.variations.get(parent["id"], [])}
        return self.apply_batch(items, mine.get,
                                "woocommerce_rest_product_variation_invalid_id")

    UPDATABLE = ("id", "stock_quantity", "manage_stock")

    def apply_batch(self, items, lookup, invalid_code):
        out = []
        for it in items:
            ident = it.get("id") if isinstance(it, dict) else None
            err = None
            p = lookup(ident) if is_int(ident) else None
            if p is None:
                err = (invalid_code, "Invalid ID.", 400)
            else:
                extra = sorted(set(it) - set(self.UPDATABLE))
                qty = it.get("stock_quantity")
                manage = it.get("manage_stock", p.get("manage_stock"))
                if extra:
                    err = ("rest_invalid_param", "Invalid parameter(s): %s "
                           "(the sandbox emulates only stock_quantity and "
                           "manage_stock)" % ", ".join(extra), 400)
                elif "stock_quantity" in it and not is_int(qty):
                    err = ("rest_invalid_param", "Invalid parameter(s): "
                           "stock_quantity", 400)
                elif manage not in (True, False) and not (
                        manage == "parent" and "manage_stock" not in it):
                    err = ("rest_invalid_param", "Invalid parameter(s): "
                           "manage_stock", 400)
            if err:
                out.append({"id": ident if is_int(ident) else 0,
                            "error": {"code": err[0], "message": err[1],
                                      "data": {"status": err[2]}}})
                continue
            if "manage_stock" in it:
                p["manage_stock"] = it["manage_stock"]
                if not it["manage_stock"]:
                    p["stock_quantity"] = None
            if p["manage_stock"] is True:
                if "stock_quantity" in it:
                    old = p.get("stock_quantity")
                    p["stock_quantity"] = it["stock_quantity"]
                    self.stock_history.append({
                        "id": p["id"], "sku": p.get("sku", ""), "old": old,
                        "new": it["stock_quantity"]})
                    key = p.get("sku") or "#%d" % p["id"]
                    self.write_counts[key] = self.write_counts.get(key, 0) + 1
                elif p.get("stock_quantity") is None:
                    p["stock_quantity"] = 0
                p["stock_status"] = "instock" if p["stock_quantity"] > 0 \
                    else "outofstock"
            # stock_quantity without manage_stock is ignored, as WooCommerce
            # does (it applies stock only to products that manage it).
            out.append(self.product_json(p))
        return json_response(200, {"update": out})


# ------------------------------------------------------------- generation


def site_tz():
    try:
        from zoneinfo import ZoneInfo
        return ZoneInfo("Europe/Amsterdam")
    except Exception:
        return timezone(timedelta(hours=1))


def dates(prefix, t_utc):
    """{prefix: site time, prefix_gmt: UTC}, both without a zone."""
    fmt = "%Y-%m-%dT%H:%M:%S"
    return {prefix: t_utc.astimezone(site_tz()).strftime(fmt),
            prefix + "_gmt": t_utc.strftime(fmt)}


def make_product(pid, ptype, sku, name, price, manage, qty, t):
    p = {"id": pid, "name": name, "slug": name.lower().replace(" ", "-"),
         "type": ptype, "status": "publish", "sku": sku,
         "price": "%.2f" % price if price is not None else "",
         "regular_price": "%.2f" % price if price is not None else "",
         "manage_stock": manage, "stock_quantity": qty if manage is True
         else None, "backorders": "no", "variations": [], "parent_id": 0}
    p["stock_status"] = ("instock" if qty and qty > 0 else "outofstock") \
        if manage is True else "instock"
    p.update(dates("date_created", t))
    p.update(dates("date_modified", t))
    return p


def make_variation(vid, parent, sku, attr, price, manage, qty, t):
    v = {"id": vid, "parent_id": parent, "sku": sku,
         "price": "%.2f" % price, "regular_price": "%.2f" % price,
         "manage_stock": manage, "stock_quantity": qty if manage is True
         else None, "backorders": "no", "menu_order": 0,
         "attributes": [{"id": 0, "name": "Size", "option": attr}],
         "status": "publish"}
    v["stock_status"] = ("instock" if qty and qty > 0 else "outofstock") \
        if manage is True else "instock"
    v.update(dates("date_created", t))
    v.update(dates("date_modified", t))
    return v


def address(first, last, email, street, postcode, city, country, billing):
    a = {"first_name": first, "last_name": last, "company": "",
         "address_1": street, "address_2": "", "city": city, "state": "",
         "postcode": postcode, "country": country}
    if billing:
        a["email"] = email
        a["phone"] = ""
    return a


def make_order(oid, number, status, t_created, t_modified, customer, lines,
               meta=None):
    first, last, email, street, postcode, city, country = customer
    total = sum(float(li["total"]) for li in lines)
    o = {"id": oid, "parent_id": 0, "number": number, "order_key":
         "wc_order_%012x" % (oid * 7919), "created_via": "checkout",
         "version": "9.4.2", "status": status, "currency": "EUR",
         "prices_include_tax": True, "discount_total": "0.00",
         "shipping_total": "0.00", "total": "%.2f" % total,
         "total_tax": "0.00", "customer_id": 0, "customer_note": "",
         "payment_method": "ideal", "payment_method_title": "iDEAL",
         "billing": address(first, last, email, street, postcode, city,
                            country, True),
         "shipping": address(first, last, email, street, postcode, city,
                             country, False),
         "line_items": lines, "meta_data": meta or []}
    o.update(dates("date_created", t_created))
    o.update(dates("date_modified", t_modified))
    if status == "completed":
        o.update(dates("date_completed", t_modified))
        o.update(dates("date_paid", t_created))
    else:
        o.update({"date_completed": None, "date_completed_gmt": None})
    return o


def line_item(lid, item, parent, qty):
    """item: a product or variation; parent: its parent (or the product)."""
    price = float(item.get("price") or 0)
    return {"id": lid, "name": parent["name"] + (
        " - " + item["attributes"][0]["option"] if item.get("parent_id")
        else ""), "product_id": parent["id"],
        "variation_id": item["id"] if item.get("parent_id") else 0,
        "quantity": qty, "tax_class": "", "subtotal": "%.2f" % (price * qty),
        "total": "%.2f" % (price * qty), "sku": item.get("sku", ""),
        "price": price, "meta_data": []}


FAMILIES = (("TS", "T-shirt", 19.95), ("HD", "Hoodie", 49.95),
            ("MUG", "Mok", 9.95), ("CAP", "Pet", 14.95),
            ("BAG", "Tas", 24.0), ("PL", "Polo", 29.95))
COLOURS = (("RED", "rood"), ("BLU", "blauw"), ("BLK", "zwart"),
           ("WHT", "wit"), ("GRN", "groen"))
SIZES = ("S", "M", "L", "XL")
FIRST = ("Jan", "Sanne", "Pieter", "Fleur", "Daan", "Zoë", "Bram", "Lotte")
LAST = ("Jansen", "de Vries", "Bakker", "Visser", "Smit", "Müller")
CITIES = (("Utrecht", "3511 AB", "NL"), ("Amsterdam", "1012 JS", "NL"),
          ("Antwerpen", "2000", "BE"), ("Köln", "50667", "DE"))


def generate_data(spec, seed, products, variations, orders):
    rng = random.Random(seed)
    t0 = datetime(2025, 1, 6, 7, 0, tzinfo=timezone.utc)
    n_prod = spec.get("products")
    if n_prod is None and not products and spec.get("orders"):
        n_prod = 20
    if n_prod is not None:
        products, variations = [], []
        nid = 100
        for i in range(n_prod):
            fam, fname, price = FAMILIES[i % len(FAMILIES)]
            col, cname = COLOURS[(i // len(FAMILIES)) % len(COLOURS)]
            base = "%s-%s" % (fam, col)
            if i >= len(FAMILIES) * len(COLOURS):
                base += "-%d" % (i // (len(FAMILIES) * len(COLOURS)) + 1)
            t = t0 - timedelta(days=400 - i)
            nid += rng.randint(1, 3)
            if fam in ("TS", "HD", "PL") and i % 2 == 0:
                p = make_product(nid, "variable", base, "%s %s" % (fname,
                                 cname), None, False, None, t)
                products.append(p)
                pid = nid
                for size in SIZES[:rng.randint(2, 4)]:
                    nid += 1
                    variations.append(make_variation(
                        nid, pid, "%s-%s" % (base, size), size, price, True,
                        rng.randint(0, 40), t))
            else:
                manage = i % 11 != 10
                products.append(make_product(
                    nid, "simple", base, "%s %s" % (fname, cname), price,
                    manage, rng.randint(0, 60) if manage else None, t))
        for p in products:
            p["variations"] = [v["id"] for v in variations
                               if v["parent_id"] == p["id"]]
    n_ord = spec.get("orders")
    if n_ord is not None:
        by_parent = {}
        for v in variations:
            by_parent.setdefault(v["parent_id"], []).append(v)
        sellable = []
        for p in products:
            if p["type"] == "variable":
                sellable += [(v, p) for v in by_parent.get(p["id"], [])]
            else:
                sellable.append((p, p))
        if not sellable:
            raise SetupError("--generate orders needs products")
        forced = list(ORDER_STATUSES)
        rng.shuffle(forced)
        weights = (("completed", 50), ("processing", 15), ("on-hold", 5),
                   ("pending", 8), ("cancelled", 8), ("refunded", 3),
                   ("failed", 4), ("trash", 2))
        population = [s for s, w in weights for _ in range(w)]
        orders = []
        t = t0
        oid = 40000
        lid = 1
        for i in range(n_ord):
            t += timedelta(minutes=rng.randint(30, 1200),
                           seconds=rng.randint(0, 59))
            status = forced[i] if i < len(forced) else rng.choice(population)
            mod = t + timedelta(hours=rng.randint(0, 72)) \
                if status != "pending" else t
            first, last = rng.choice(FIRST), rng.choice(LAST)
            city, postcode, country = rng.choice(CITIES)
            customer = (first, last, "%s.%s@example.com" % (
                first.lower().replace("ë", "e"),
                last.lower().replace(" ", "").replace("ü", "ue")),
                "Kerkstraat %d" % rng.randint(1, 180), postcode, city,
                country)
            lines = []
            for item, parent in rng.sample(
                    sellable, min(len(sellable), rng.choice((1, 1, 2, 3)))):
                lines.append(line_item(lid, item, parent,
                                       rng.choice((1, 1, 2, 3))))
                lid += 1
            oid += rng.randint(1, 5)
            orders.append(make_order(oid, str(oid), status, t, mod, customer,
                                     lines))
    return products, variations, orders
