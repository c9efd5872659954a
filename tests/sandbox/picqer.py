"""picqer.py: the Picqer REST API (https://picqer.com/en/api) for sandbox.py.

What it emulates, and why each behaviour was chosen where Picqer's docs are
silent, is in README.md beside this file.  In short: HTTP Basic auth with the
API key as user name, a User-Agent required, bare JSON arrays of at most 100
items paged by `offset`, orders, products with stock[] per warehouse,
warehouses and their stock, webshop orders, and stock changes.  Filters and
parameters the sandbox does not emulate are refused (400), never ignored, so
a test cannot pass because a filter was silently dropped.

Decisions 1-13 are numbered, with their sources, in README.md.  These
continue them, for picklists and their shipments, and for what someone
else does in Picqer while a client works (22).  Sources:

  [orders]    https://picqer.com/en/api/orders
  [picklists] https://picqer.com/en/api/picklists
  [ps]        https://picqer.com/en/api/picklist-shipments ("Picklist
              Shipments"; several versions of the page were read, the
              latest with `parcels`)
  [changelog] https://picqer.com/en/api/changelog
  [csm]       https://picqer.com/en/api/custom-shippingmethod (a picklist
              as Picqer sends it to a custom shipping provider)
  [php]       picqer/picqer-php src/Client.php (commit 0807360)

14. Orders carry `picklists`.  [orders] lists `picklists` among an
    order's attributes, and Airbyte's Picqer schema types it as an array.
    The example on [orders] could not be read; a Go client whose types
    were generated from an answer (ArjanBorst/Picqer
    Model/PicqerOrder.go, commit d0d2a1b, "json-to-go") gives an entry
    the picklist's own fields (idpicklist, picklistid, status, closed_at,
    totalpicked, the address, ...).  The sandbox gives the picklist
    object of [picklists] without its `products`: idpicklist, picklistid, idcustomer, idorder,
    idreturn, idwarehouse, idtemplate, idpicklist_batch,
    idshippingprovider_profile, deliveryname, deliverycontact,
    deliveryaddress, deliveryaddress2, deliveryzipcode, deliverycity,
    deliveryregion, deliverycountry, telephone, emailaddress, reference,
    assigned_to_iduser, invoiced, urgent, preferred_delivery_date, status,
    paused_reason, totalproducts, totalpicked, weight, snoozed_until,
    closed_by_iduser, closed_at, created, updated, idfulfilment_customer,
    tags.  Two public clients type an order's picklists as that object (a
    TypeScript client: `picklists: PicqerPicklist[]`; a Python client:
    `picklists: list[Picklist]`).  `tags` is an array, as [changelog] has
    it since 2 October 2025.  picklistid is a string of digits, a year and
    a counter, as in [csm]'s "20140079".  The statuses are those of
    [picklists]: new, paused, closed, snoozed, cancelled.  An order in a
    data file without a `picklists` member (files written before it) is
    served without one; the seed gives every order the member, [] when
    it has none.  The data files may hold shorter entries: only
    idpicklist, picklistid and status are required.
15. Picklists must fit their order's status, checked at start-up (the
    strict choice; nothing in Picqer's docs says it in these words).  A
    concept or expected order has none: "Mark the order as 'processing'.
    If the products are in stock, a picklist will be created" [orders].
    A cancelled order has only cancelled ones.  A paused order has no
    closed one.  A completed order ("all products have been shipped") has
    at least one closed picklist and no new, paused or snoozed one.  A
    processing order may have any; one closed picklist means part of it
    was shipped.  Picklist ids are unique over all orders, and an entry's
    idorder, when given, is its order's.  UNCONFIRMED: whether Picqer
    keeps the picklists of an order cancelled with force=true.
16. GET /picklists/{idpicklist}/shipments, "Get shipments from picklist"
    [ps]: a bare JSON array, in ascending idshipment.  [ps] does not say
    "This endpoint uses pagination", so it is not paged and takes no
    parameter: `offset` or any other gets 400 (decision 7).  A picklist
    without shipments answers [] (a closed picklist of an order picked up
    at the counter has none).  An unknown or non-numeric idpicklist gets
    404 with error_code 20, "Picklist not found".  Cancelled shipments
    are listed, with "cancelled": true ([ps]: "Is this shipment
    cancelled? Can be done within 5 minutes after creation."): a client
    must skip them itself.  Other methods get 405 (Picqer creates a
    shipment with POST; the sandbox does not emulate that).
17. The shipment object is [ps]'s example with every field of its
    attribute table: idshipment, idpicklist, idorder, idreturn,
    idpackaging, idshippingprovider, idcompany_shippingprovider,
    idcompany_shippingprovider_profile, provider, providername,
    public_providername, profile_name, carrier_key, labelurl,
    labelurl_pdf, labelurl_zpl, trackingcode, trackingurl, tracktraceurl,
    weight, created_by_iduser, cancelled, idfulfilment_customer, parcels,
    created, updated.  `created` and `updated` are in [ps]'s examples
    (not its table), in the form of decision 5.  `weight` is in grams
    ([ps]: null for shipments older than 4 December 2023; the seed's are
    newer).  `labelurl_zpl` is null for PDF-only providers: UNCONFIRMED
    (a public Go client types it as interface{}, not string).  Since
    16 December 2025 ([changelog]: "Added parcels to the shipments API")
    [ps] lists idpackaging, idfulfilment_customer and `parcels[]`
    (idparcel, idpackaging, weight, tracking_code, tracking_url,
    documents[]: idparcel_document, type, size, format, url), and its
    table no longer lists trackingcode, tracktraceurl or labelurl_*.
    Whether those are still sent is UNCONFIRMED; the changelog calls
    parcels an addition, not a breaking change, so the sandbox sends
    both: the old fields and one parcel with the same tracking and label.
18. Carrier keys: "postnl" is [ps]'s example; "dhl" and "dpd" are
    UNCONFIRMED ([ps] points to a list of carrier keys that was not
    found).  Tracking codes and URLs are invented in each carrier's public
    form: PostNL "3S" + 4 letters + 9 digits, like [ps]'s
    "3SDEVC931341234", with a jouw.postnl.nl URL; DHL Parcel "JVGL" + 16
    digits with a dhlparcel.nl URL; DPD 14 digits with a tracking.dpd.de
    URL.  Nothing checks them.
19. shipments.json is checked at start-up: idshipment unique integers;
    idpicklist a picklist of an order in orders.json, and idorder that
    order (both [ps]: "Picklist where this shipment is for", "Order where
    this shipment is for"); `cancelled` a boolean; `created` and
    `updated`, when given, in the form of decision 5.
20. GET /picklists/{idpicklist} is not emulated (404, error_code 8): a
    picklist's answer has its product lines, which the seed does not
    keep per picklist.  The order's `picklists` entry is what a client
    can read.
21. --generate: concept and expected orders get no picklist, processing
    orders one new picklist, paused orders one paused picklist, one
    cancelled order in three a cancelled picklist, and completed orders
    one closed picklist with one shipment (PostNL 60%, DHL 25%, DPD 15%).
    They come from a second random generator seeded from --seed, so the
    rest of the generated data is what it was before picklists.
22. A fault of kind change is someone else at work in Picqer between
    two of a client's requests.  {"sku": S, "active": false} makes
    product S inactive, {"sku": S, "active": true} active again, as
    POST /products/{idproduct}/inactivate and /activate do ([php]:
    inactivateProduct, activateProduct); its stock stays as it was.
    A change naming no product, or without a boolean `active`, is
    refused when the fault is posted (400), so that a test cannot pass
    because its change did nothing.
"""

import base64
import binascii
import json
import re
from datetime import datetime, timedelta, timezone
import random

from sandbox import (PlatformBase, Reject, Response, SetupError, is_int,
                     json_response, load_array, valid_time)

PAGE = 100
API = "/api/v1"
ORDER_STATUSES = ("concept", "expected", "processing", "paused", "completed",
                  "cancelled")
WEBSHOP_ORDER_STATUSES = ("expected", "importing", "ignored", "imported",
                          "error", "canceled")
PRODUCT_TYPES = ("normal", "unlimited_stock", "virtual_composition",
                 "composition_with_stock")
STOCK_TYPES = ("normal", "composition_with_stock")   # types that keep stock
RESERVED_PARTS = ("reservedbackorders", "reservedpicklists",
                  "reservedallocations")
PICKLIST_STATUSES = ("new", "paused", "closed", "snoozed", "cancelled")
OPEN_PICKLIST = ("new", "paused", "snoozed")     # not closed or cancelled
DATETIME_RE = re.compile(r"\A\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\Z")

# Picqer's documented error codes (https://picqer.com/en/api/response-codes).
E_UNKNOWN = 1           # also where no documented code fits (README.md)
E_MISSING = 5           # missing parameters with POST or PUT
E_NOT_IMPLEMENTED = 8
E_NOT_FOUND = 20
E_NO_JSON = 22
E_RATE_LIMIT = 28


def error(status, code, message, headers=None):
    return json_response(status, {"error": True, "error_code": code,
                                  "error_message": message}, headers)


def reject(status, code, message):
    """A request refused with Picqer's error body."""
    return Reject(error(status, code, message))


def bad_request(message):
    return reject(400, E_UNKNOWN, message)


def not_found(what):
    return reject(404, E_NOT_FOUND, "%s not found" % what)


def valid_datetime(text):
    return valid_time(text, DATETIME_RE, "%Y-%m-%d %H:%M:%S")


# --------------------------------------------------------------- the API

class Platform(PlatformBase):
    name = "picqer"

    def __init__(self, data_dir, generate, seed, api_key):
        self.data_dir = data_dir
        self.generate = dict(generate)
        self.seed = seed
        self.api_key = api_key
        unknown = set(self.generate) - {"orders", "products", "warehouses",
                                        "webshoporders"}
        if unknown:
            raise SetupError("--generate: picqer has no %s (it knows orders, "
                             "products, warehouses, webshoporders)"
                             % ", ".join(sorted(unknown)))
        self.reset()

    # ---- data

    def reset(self):
        d = self.data_dir
        warehouses = load_array(d, "warehouses.json")
        products = load_array(d, "products.json")
        orders = load_array(d, "orders.json")
        webshoporders = load_array(d, "webshoporders.json")
        shipments = load_array(d, "shipments.json")
        if self.generate:
            warehouses, products, orders, webshoporders, shipments = \
                generate_data(self.generate, self.seed, warehouses,
                              products, orders, webshoporders, shipments)
        self.load(warehouses, products, orders, webshoporders, shipments)

    def load(self, warehouses, products, orders, webshoporders, shipments):
        self.warehouses = sorted(warehouses, key=lambda w: w.get("idwarehouse"))
        ids = [w.get("idwarehouse") for w in self.warehouses]
        if not all(is_int(i) for i in ids) or len(set(ids)) != len(ids):
            raise SetupError("warehouses.json: idwarehouse must be unique "
                             "integers")
        self.warehouse_by_id = {w["idwarehouse"]: w for w in self.warehouses}

        self.products = []
        self.product_by_id = {}
        self.stock = {}                 # idproduct -> idwarehouse -> levels
        codes = set()
        for p in products:
            pid = p.get("idproduct")
            code = p.get("productcode")
            where = "products.json: product %r" % (pid,)
            if not is_int(pid) or pid in self.product_by_id:
                raise SetupError("%s: idproduct must be a unique integer"
                                 % where)
            if not isinstance(code, str) or not code or code in codes:
                raise SetupError("%s: productcode must be a unique, non-empty "
                                 "string" % where)
            codes.add(code)
            ptype = p.get("type", "normal")
            if ptype not in PRODUCT_TYPES:
                raise SetupError("%s: type %r is not one of %s"
                                 % (where, ptype, ", ".join(PRODUCT_TYPES)))
            levels = {}
            entries = p.get("stock", [])
            if not isinstance(entries, list):
                raise SetupError("%s: stock must be an array" % where)
            if entries and not keeps_stock(p):
                raise SetupError("%s: a product of type %s keeps no stock, "
                                 "so its stock[] must be empty"
                                 % (where, ptype))
            for s in entries:
                levels_of(s, where, self.warehouse_by_id, levels)
            p = dict(p)
            p.setdefault("active", True)
            self.products.append(p)
            self.product_by_id[pid] = p
            if keeps_stock(p):
                self.stock[pid] = {
                    wid: levels.get(wid, zero_levels())
                    for wid in self.warehouse_by_id}
        self.products.sort(key=lambda p: p["idproduct"])
        self.product_by_code = {p["productcode"]: p for p in self.products}

        self.orders = []
        self.order_by_id = {}
        self.picklist_by_id = {}        # idpicklist -> (picklist, order)
        for o in orders:
            oid = o.get("idorder")
            where = "orders.json: order %r" % (oid,)
            if not is_int(oid) or oid in self.order_by_id:
                raise SetupError("%s: idorder must be a unique integer"
                                 % where)
            if o.get("status") not in ORDER_STATUSES:
                raise SetupError("%s: status %r is not one of %s"
                                 % (where, o.get("status"),
                                    ", ".join(ORDER_STATUSES)))
            for f in ("created", "updated"):
                if not valid_datetime(o.get(f)):
                    raise SetupError("%s: %s must be \"YYYY-MM-DD HH:MM:SS\""
                                     % (where, f))
            if "orderid" in o and not isinstance(o["orderid"], str):
                raise SetupError("%s: orderid must be a string, as Picqer "
                                 "returns it" % where)
            self.check_picklists(o, where)
            self.orders.append(o)
            self.order_by_id[oid] = o
        self.orders.sort(key=lambda o: o["idorder"])
        self.load_shipments(shipments)

        self.webshoporders = []
        self.webshoporder_by_id = {}
        for w in webshoporders:
            wid = w.get("idcompany_webshop_order")
            where = "webshoporders.json: webshop order %r" % (wid,)
            if not is_int(wid) or wid in self.webshoporder_by_id:
                raise SetupError("%s: idcompany_webshop_order must be a "
                                 "unique integer" % where)
            if not is_int(w.get("idcompany_webshop")):
                raise SetupError("%s: idcompany_webshop must be an integer"
                                 % where)
            if w.get("status") not in WEBSHOP_ORDER_STATUSES:
                raise SetupError("%s: status %r is not one of %s"
                                 % (where, w.get("status"),
                                    ", ".join(WEBSHOP_ORDER_STATUSES)))
            idorder = w.get("idorder")
            if idorder is not None and idorder not in self.order_by_id:
                raise SetupError("%s: idorder %r is not in orders.json"
                                 % (where, idorder))
            self.webshoporders.append(w)
            self.webshoporder_by_id[wid] = w
        self.webshoporders.sort(key=lambda w: w["idcompany_webshop_order"])

        self.write_counts = {}
        self.stock_history = []

    def check_picklists(self, o, where):
        """Check an order's picklists (decisions 14 and 15) and index
        them in self.picklist_by_id."""
        picklists = o.get("picklists")
        if picklists is None:
            return              # a data file written before picklists
        if not isinstance(picklists, list):
            raise SetupError("%s: picklists must be an array" % where)
        statuses = []
        for pl in picklists:
            if not isinstance(pl, dict):
                raise SetupError("%s: a picklist must be an object" % where)
            pid = pl.get("idpicklist")
            if not is_int(pid) or pid in self.picklist_by_id:
                raise SetupError("%s: picklist %r: idpicklist must be an "
                                 "integer, unique over all orders"
                                 % (where, pid))
            plwhere = "%s: picklist %r" % (where, pid)
            if not isinstance(pl.get("picklistid"), str):
                raise SetupError("%s: picklistid must be a string"
                                 % plwhere)
            if pl.get("status") not in PICKLIST_STATUSES:
                raise SetupError("%s: status %r is not one of %s"
                                 % (plwhere, pl.get("status"),
                                    ", ".join(PICKLIST_STATUSES)))
            if "idorder" in pl and pl["idorder"] != o["idorder"]:
                raise SetupError("%s: idorder %r is not its order's"
                                 % (plwhere, pl["idorder"]))
            if "idwarehouse" in pl and \
                    pl["idwarehouse"] not in self.warehouse_by_id:
                raise SetupError("%s: idwarehouse %r is not in "
                                 "warehouses.json"
                                 % (plwhere, pl["idwarehouse"]))
            for f in ("created", "updated", "closed_at"):
                if pl.get(f) is not None and not valid_datetime(pl[f]):
                    raise SetupError("%s: %s must be \"YYYY-MM-DD "
                                     "HH:MM:SS\" or null" % (plwhere, f))
            statuses.append(pl["status"])
            self.picklist_by_id[pid] = (pl, o)
        status = o["status"]
        closed = "closed" in statuses
        still_open = [s for s in statuses if s in OPEN_PICKLIST]
        if status in ("concept", "expected") and statuses:
            wrong = "a %s order has no picklists yet (they are made when " \
                "an order is processed)" % status
        elif status == "cancelled" and \
                any(s != "cancelled" for s in statuses):
            wrong = "a cancelled order has only cancelled picklists"
        elif status == "paused" and closed:
            wrong = "a paused order has no closed picklist"
        elif status == "completed" and (not closed or still_open):
            wrong = "a completed order has a closed picklist and no new, " \
                "paused or snoozed one"
        else:
            return
        raise SetupError("%s: picklists: %s, got %s" % (
            where, wrong, ", ".join(statuses) or "none"))

    def load_shipments(self, shipments):
        """Check shipments.json (decision 19) and index it by picklist."""
        self.shipments = []
        self.shipment_ids = set()
        self.shipments_by_picklist = {}
        for sh in shipments:
            sid = sh.get("idshipment")
            where = "shipments.json: shipment %r" % (sid,)
            if not is_int(sid) or sid in self.shipment_ids:
                raise SetupError("%s: idshipment must be a unique integer"
                                 % where)
            pid = sh.get("idpicklist")
            if not is_int(pid) or pid not in self.picklist_by_id:
                raise SetupError("%s: idpicklist %r is not a picklist of an "
                                 "order in orders.json" % (where, pid))
            owner = self.picklist_by_id[pid][1]["idorder"]
            if sh.get("idorder") != owner:
                raise SetupError("%s: idorder %r does not match picklist "
                                 "%d, which belongs to order %d"
                                 % (where, sh.get("idorder"), pid, owner))
            if not isinstance(sh.get("cancelled"), bool):
                raise SetupError("%s: cancelled must be true or false"
                                 % where)
            for f in ("created", "updated"):
                if f in sh and not valid_datetime(sh[f]):
                    raise SetupError("%s: %s must be \"YYYY-MM-DD "
                                     "HH:MM:SS\"" % (where, f))
            self.shipment_ids.add(sid)
            self.shipments.append(sh)
            self.shipments_by_picklist.setdefault(pid, []).append(sh)
        self.shipments.sort(key=lambda sh: sh["idshipment"])
        for items in self.shipments_by_picklist.values():
            items.sort(key=lambda sh: sh["idshipment"])

    # ---- the hooks sandbox.py calls

    def authenticate(self, req):
        """('ok'|'missing'|'bad', key): HTTP Basic, the API key as user
        name, the password ignored."""
        header = req.header("Authorization")
        if header is None:
            return "missing", None
        scheme, _, cred = header.strip().partition(" ")
        if scheme.lower() != "basic":
            return "bad", None
        try:
            user, sep, _ = base64.b64decode(cred.strip(), validate=True) \
                .decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return "bad", None
        if not sep or user != self.api_key:
            return "bad", None
        return "ok", user

    def unauthorized(self, req, state):
        return error(401, E_UNKNOWN, "Login credentials are incorrect or "
                     "account has no access to this function",
                     [("WWW-Authenticate", 'Basic realm="Picqer API"')])

    def rate_headers(self, limit, remaining):
        return [("X-RateLimit-Limit", str(limit)),
                ("X-RateLimit-Remaining", str(remaining))]

    def rate_limited(self, limit):
        return error(429, E_RATE_LIMIT, "Rate limit exceeded",
                     self.rate_headers(limit, 0))

    def server_error(self):
        return error(500, E_UNKNOWN, "Unknown application error")

    def check(self, req):
        ua = req.header("User-Agent")
        if ua is None or not ua.strip():
            return error(400, E_UNKNOWN, "A User-Agent header is required: "
                         "the name of your application with a website or "
                         "e-mail address")
        return None

    def check_change(self, c):
        """Decision 22: {"sku": S, "active": true|false}, S a product."""
        if set(c) != {"sku", "active"} or \
                not isinstance(c["active"], bool) or \
                c["sku"] not in self.product_by_code:
            raise ValueError("picqer: a change is {\"sku\": S, "
                             "\"active\": true|false}, S the productcode "
                             "of a product, not %s" % json.dumps(c))

    def change(self, c):
        """A fault of kind change (decision 22): a product made inactive
        or active again; its stock stays."""
        self.product_by_code[c["sku"]]["active"] = c["active"]

    def state(self):
        return {
            "warehouses": self.warehouses,
            "products": [self.product_json(p) for p in self.products],
            "orders": self.orders,
            "webshoporders": self.webshoporders,
            "shipments": self.shipments,
            "stock": {
                p["productcode"]: {str(wid): self.levels_json(p, wid)
                                   for wid in self.stock[p["idproduct"]]}
                for p in self.products if p["idproduct"] in self.stock},
            "stockhistory": self.stock_history,
            "writes": self.writes(),
        }

    # ---- routing

    ROUTES = [
        (re.compile(r"/orders"), ("GET",), "list_orders"),
        (re.compile(r"/orders/([^/]+)"), ("GET",), "get_order"),
        (re.compile(r"/products"), ("GET",), "list_products"),
        (re.compile(r"/products/([^/]+)"), ("GET",), "get_product"),
        (re.compile(r"/products/([^/]+)/stock"), ("GET",), "product_stock"),
        (re.compile(r"/products/([^/]+)/stock/([^/]+)"), ("GET", "POST"),
         "product_warehouse_stock"),
        (re.compile(r"/warehouses"), ("GET",), "list_warehouses"),
        (re.compile(r"/warehouses/([^/]+)"), ("GET",), "get_warehouse"),
        (re.compile(r"/warehouses/([^/]+)/stock"), ("GET",),
         "warehouse_stock"),
        (re.compile(r"/webshoporders"), ("GET",), "list_webshoporders"),
        (re.compile(r"/webshoporders/([^/]+)"), ("GET",), "get_webshoporder"),
        (re.compile(r"/picklists/([^/]+)/shipments"), ("GET",),
         "picklist_shipments"),
    ]

    def route(self, req):
        if req.path.startswith(API + "/"):
            rest = req.path[len(API):]
            for pattern, methods, name in self.ROUTES:
                m = pattern.fullmatch(rest)
                if not m:
                    continue
                if req.method not in methods:
                    return error(405, E_NOT_IMPLEMENTED,
                                 "Method %s is not allowed on %s"
                                 % (req.method, req.path),
                                 [("Allow", ", ".join(methods))])
                return getattr(self, name)(req, *m.groups())
        return error(404, E_NOT_IMPLEMENTED, "Not implemented: %s"
                     % req.path)

    # ---- query strings

    def params(self, req, allowed):
        """The query parameters as a dict; unknown, repeated or empty
        parameters are refused."""
        out = {}
        for name, value in req.params():
            if name not in allowed:
                raise bad_request("Unknown parameter %r: this endpoint "
                                  "takes %s" % (name, ", ".join(allowed)
                                                or "none"))
            if name in out:
                raise bad_request("Parameter %r given more than once" % name)
            if value == "":
                raise bad_request("Parameter %r is empty" % name)
            out[name] = value
        return out

    @staticmethod
    def int_param(params, name, minimum=0):
        v = params.get(name)
        if v is None:
            return None
        if not v.isascii() or not v.isdigit() or int(v) < minimum:
            raise bad_request("Parameter %r must be an integer >= %d, "
                              "got %r" % (name, minimum, v))
        return int(v)

    def page(self, items, params, render=None):
        """One page of items; render, when given, turns each item of the
        page (only those) into its JSON, so large lists stay fast."""
        offset = self.int_param(params, "offset") or 0
        items = items[offset:offset + PAGE]
        if render is not None:
            items = [render(x) for x in items]
        return json_response(200, items)

    @staticmethod
    def id_of(text, what):
        if not text.isascii() or not text.isdigit():
            raise not_found(what)
        return int(text)

    # ---- orders

    ORDER_FILTERS = ("search", "sinceid", "beforeid", "sincedate",
                     "untildate", "status", "reference", "emailaddress",
                     "idcustomer", "orderid", "idwarehouse",
                     "idfulfilment_customer", "offset")

    def list_orders(self, req):
        q = self.params(req, self.ORDER_FILTERS)
        status = q.get("status")
        if status is not None and status not in ORDER_STATUSES:
            raise bad_request("Parameter 'status' must be one of %s, got %r"
                              % (", ".join(ORDER_STATUSES), status))
        for name in ("sincedate", "untildate"):
            if name in q and not valid_datetime(q[name]):
                raise bad_request("Parameter %r must be a date and time as "
                                  "YYYY-MM-DD HH:MM:SS, got %r"
                                  % (name, q[name]))
        sinceid = self.int_param(q, "sinceid")
        beforeid = self.int_param(q, "beforeid")
        idcustomer = self.int_param(q, "idcustomer")
        idwarehouse = self.int_param(q, "idwarehouse")
        idfulfil = self.int_param(q, "idfulfilment_customer")
        search = q.get("search", "").casefold()

        def keep(o):
            if status is not None and o["status"] != status:
                return False
            if "sincedate" in q and o["created"] < q["sincedate"]:
                return False
            if "untildate" in q and o["created"] > q["untildate"]:
                return False
            if "reference" in q and o.get("reference") != q["reference"]:
                return False
            if "emailaddress" in q and \
                    o.get("emailaddress") != q["emailaddress"]:
                return False
            if "orderid" in q and o.get("orderid") != q["orderid"]:
                return False
            if sinceid is not None and o["idorder"] <= sinceid:
                return False
            if beforeid is not None and o["idorder"] >= beforeid:
                return False
            if idcustomer is not None and o.get("idcustomer") != idcustomer:
                return False
            if idwarehouse is not None and \
                    idwarehouse not in (o.get("warehouses") or []):
                return False
            if idfulfil is not None and \
                    o.get("idfulfilment_customer") != idfulfil:
                return False
            if search:
                fields = ("orderid", "reference", "deliveryname",
                          "deliverycontactname", "invoicename",
                          "invoicecontactname")
                if not any(search in str(o.get(f) or "").casefold()
                           for f in fields):
                    return False
            return True

        return self.page([o for o in self.orders if keep(o)], q)

    def get_order(self, req, ident):
        self.params(req, ())
        o = self.order_by_id.get(self.id_of(ident, "Order"))
        if o is None:
            raise not_found("Order")
        return json_response(200, o)

    # ---- products and stock

    def product_json(self, p):
        out = dict(p)
        levels = self.stock.get(p["idproduct"])
        out["stock"] = [] if levels is None else \
            [self.levels_json(p, wid) for wid in levels]
        return out

    def levels_json(self, p, wid):
        lv = self.stock[p["idproduct"]][wid]
        reserved = sum(lv[k] for k in RESERVED_PARTS)
        return {"idwarehouse": wid, "stock": lv["stock"],
                "reserved": reserved,
                "reservedbackorders": lv["reservedbackorders"],
                "reservedpicklists": lv["reservedpicklists"],
                "reservedallocations": lv["reservedallocations"],
                "freestock": lv["stock"] - reserved}

    def product(self, ident):
        p = self.product_by_id.get(self.id_of(ident, "Product"))
        if p is None:
            raise not_found("Product")
        return p

    def warehouse(self, ident):
        w = self.warehouse_by_id.get(self.id_of(ident, "Warehouse"))
        if w is None:
            raise not_found("Warehouse")
        return w

    def list_products(self, req):
        q = self.params(req, ("productcode", "inactive", "idproducts",
                              "offset"))
        inactive = q.get("inactive", "false").lower()
        if inactive not in ("true", "false", "1", "0"):
            raise bad_request("Parameter 'inactive' must be true or false, "
                              "got %r" % q["inactive"])
        want_active = inactive in ("false", "0")
        ids = None
        if "idproducts" in q:
            parts = q["idproducts"].split(",")
            if not all(x.isascii() and x.isdigit() for x in parts):
                raise bad_request("Parameter 'idproducts' must be a comma-"
                                  "separated list of idproduct, got %r"
                                  % q["idproducts"])
            ids = {int(x) for x in parts}
        items = [p for p in self.products
                 if bool(p.get("active", True)) == want_active
                 and ("productcode" not in q
                      or p["productcode"] == q["productcode"])
                 and (ids is None or p["idproduct"] in ids)]
        return self.page(items, q, self.product_json)

    def get_product(self, req, ident):
        self.params(req, ())
        return json_response(200, self.product_json(self.product(ident)))

    def product_stock(self, req, ident):
        self.params(req, ())
        return json_response(200, self.product_json(self.product(ident))
                             ["stock"])

    def product_warehouse_stock(self, req, ident, wident):
        self.params(req, ())
        p = self.product(ident)
        w = self.warehouse(wident)
        if req.method == "POST":
            return self.change_stock(req, p, w)
        if p["idproduct"] not in self.stock:
            raise reject(400, E_UNKNOWN, "Product %s keeps no stock (type %s)"
                         % (p["productcode"], p.get("type", "normal")))
        out = self.levels_json(p, w["idwarehouse"])
        out["locations"] = []
        return json_response(200, out)

    def change_stock(self, req, p, w):
        body = req.json
        if not req.json_ok or not isinstance(body, dict):
            raise reject(400, E_NO_JSON, "No valid JSON")
        has_amount, has_change = "amount" in body, "change" in body
        if not has_amount and not has_change:
            raise reject(400, E_MISSING, "Missing parameters: give 'amount' "
                         "or 'change'")
        if has_amount and has_change:
            raise bad_request("Give either 'amount' or 'change', not both")
        field = "amount" if has_amount else "change"
        value = body[field]
        if not is_int(value):
            raise bad_request("'%s' must be an integer, got %s"
                              % (field, json_type(value)))
        if "reason" in body and body["reason"] is not None and \
                not isinstance(body["reason"], str):
            raise bad_request("'reason' must be a string")
        if body.get("idlocation") is not None:
            if not is_int(body["idlocation"]):
                raise bad_request("'idlocation' must be an integer or null")
            raise not_found("Location")
        if p["idproduct"] not in self.stock:
            raise bad_request("Product %s keeps no stock (type %s)"
                              % (p["productcode"], p.get("type", "normal")))
        wid = w["idwarehouse"]
        lv = self.stock[p["idproduct"]][wid]
        old = lv["stock"]
        new = value if has_amount else old + value
        if new < 0:
            raise bad_request("Stock cannot be negative (would be %d)" % new)
        if new < lv["reservedpicklists"]:
            raise bad_request("Stock cannot be lower than is reserved for "
                              "picklists (%d)" % lv["reservedpicklists"])
        lv["stock"] = new
        code = p["productcode"]
        self.write_counts[code] = self.write_counts.get(code, 0) + 1
        self.stock_history.append({
            "idproduct": p["idproduct"], "productcode": code,
            "idwarehouse": wid, "old_stock": old, "stock_change": new - old,
            "new_stock": new, "reason": body.get("reason")})
        return json_response(201, self.levels_json(p, wid))

    # ---- warehouses

    def list_warehouses(self, req):
        q = self.params(req, ("offset",))
        return self.page(self.warehouses, q)

    def get_warehouse(self, req, ident):
        self.params(req, ())
        return json_response(200, self.warehouse(ident))

    def warehouse_stock(self, req, ident):
        q = self.params(req, ("offset",))
        wid = self.warehouse(ident)["idwarehouse"]
        items = []
        for p in self.products:
            levels = self.stock.get(p["idproduct"])
            if levels is None:
                continue
            lv = self.levels_json(p, wid)
            if lv["stock"] or lv["reserved"]:
                items.append({"idproduct": p["idproduct"],
                              "productcode": p["productcode"], "stock": lv})
        return self.page(items, q)

    # ---- webshop orders

    def list_webshoporders(self, req):
        q = self.params(req, ("offset",))
        return self.page(self.webshoporders, q)

    def get_webshoporder(self, req, ident):
        self.params(req, ())
        w = self.webshoporder_by_id.get(self.id_of(ident, "Webshop order"))
        if w is None:
            raise not_found("Webshop order")
        return json_response(200, w)

    # ---- picklists and shipments

    def picklist_shipments(self, req, ident):
        """The shipments of a picklist: a bare array, not paged, cancelled
        ones included (decision 16)."""
        self.params(req, ())
        pid = self.id_of(ident, "Picklist")
        if pid not in self.picklist_by_id:
            raise not_found("Picklist")
        return json_response(200, self.shipments_by_picklist.get(pid, []))


def json_type(v):
    return {bool: "a boolean", int: "an integer", float: "a number",
            str: "a string", list: "an array", dict: "an object",
            type(None): "null"}.get(type(v), type(v).__name__)


def keeps_stock(p):
    return p.get("type", "normal") in STOCK_TYPES and \
        not p.get("unlimitedstock", False)


def zero_levels():
    return {"stock": 0, "reservedbackorders": 0, "reservedpicklists": 0,
            "reservedallocations": 0}


def levels_of(s, where, warehouses, levels):
    """Check one stock[] entry of a seed product and keep its levels."""
    if not isinstance(s, dict):
        raise SetupError("%s: a stock entry must be an object" % where)
    wid = s.get("idwarehouse")
    if wid not in warehouses:
        raise SetupError("%s: stock for idwarehouse %r, which is not in "
                         "warehouses.json" % (where, wid))
    if wid in levels:
        raise SetupError("%s: two stock entries for warehouse %r"
                         % (where, wid))
    lv = zero_levels()
    for k in lv:
        v = s.get(k, 0)
        if not is_int(v) or v < 0:
            raise SetupError("%s: warehouse %r: %s must be an integer >= 0"
                             % (where, wid, k))
        lv[k] = v
    reserved = sum(lv[k] for k in RESERVED_PARTS)
    if s.get("reserved", reserved) != reserved:
        raise SetupError("%s: warehouse %r: reserved %r is not the sum of "
                         "%s (%d)" % (where, wid, s["reserved"],
                                      "+".join(RESERVED_PARTS), reserved))
    if s.get("freestock", lv["stock"] - reserved) != lv["stock"] - reserved:
        raise SetupError("%s: warehouse %r: freestock %r is not stock - "
                         "reserved (%d)" % (where, wid, s["freestock"],
                                            lv["stock"] - reserved))
    if lv["reservedpicklists"] > lv["stock"]:
        raise SetupError("%s: warehouse %r: more reserved for picklists "
                         "(%d) than in stock (%d)"
                         % (where, wid, lv["reservedpicklists"], lv["stock"]))
    levels[wid] = lv


# ------------------------------------------------------------- generation
#
# Deterministic (random.Random(seed)), realistic data for pagination and
# volume tests.  Times are Europe/Amsterdam local time, as Picqer shows
# them, generated from UTC instants so that none falls in the spring-forward
# gap; the range crosses the 2025-03-30 change when there are enough orders.

WAREHOUSE_NAMES = ("Marconistraat", "Utrechtseweg", "Havenweg",
                   "Industrieweg", "Kanaaldijk", "Spoorlaan")
WAREHOUSE_IDS = (321, 1034, 2210, 3105, 4120, 5031)
FAMILIES = (("TS", "T-shirt", True, 19.95), ("HD", "Hoodie", True, 49.95),
            ("SW", "Sweater", True, 39.95), ("PL", "Polo", True, 29.95),
            ("MUG", "Mok", False, 9.95), ("CAP", "Pet", False, 14.95),
            ("SCK", "Sokken 3-pack", False, 12.5), ("BAG", "Tas", False, 24.0))
COLOURS = (("RED", "rood"), ("BLU", "blauw"), ("BLK", "zwart"),
           ("WHT", "wit"), ("GRN", "groen"), ("YLW", "geel"))
SIZES = ("S", "M", "L", "XL", "XXL")
FIRST = ("Jan", "Sanne", "Pieter", "Fleur", "Daan", "Zoë", "Bram", "Lotte",
         "Sem", "Noor", "Thijs", "Anouk", "Ruben", "Eva", "Joris", "Iris")
LAST = ("Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit",
        "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters",
        "Hendriks", "van Dijk", "Müller")
COMPANIES = (None, None, None, "Koffiebar De Hoek", "Studio Noord B.V.",
             "Coöperatie Het Veld U.A.")
STREETS = ("Kerkstraat", "Dorpsstraat", "Stationsweg", "Molenweg",
           "Schoolstraat", "Julianastraat", "Beatrixlaan", "Nieuwstraat")
CITIES = (("Utrecht", "3511", "NL"), ("Amsterdam", "1012", "NL"),
          ("Rotterdam", "3011", "NL"), ("Groningen", "9711", "NL"),
          ("Doesburg", "6981", "NL"), ("Antwerpen", "2000", "BE"),
          ("Gent", "9000", "BE"), ("Köln", "50667", "DE"))
COUNTRY_NAMES = {"NL": "Nederland", "BE": "België", "DE": "Duitsland"}
SHOP_OLD, SHOP_NEW = 1, 2


def amsterdam():
    try:
        from zoneinfo import ZoneInfo
        return ZoneInfo("Europe/Amsterdam")
    except Exception:               # no tz database: CET all year
        return timezone(timedelta(hours=1))


def local(dt_utc, tz):
    return dt_utc.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")


def ean13(rng):
    digits = "871" + "".join(str(rng.randrange(10)) for _ in range(9))
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def make_warehouse(i):
    name = WAREHOUSE_NAMES[i % len(WAREHOUSE_NAMES)]
    wid = WAREHOUSE_IDS[i] if i < len(WAREHOUSE_IDS) else 6000 + i
    return {"idwarehouse": wid, "name": name, "accept_orders": True,
            "counts_for_general_stock": True, "priority": i + 1,
            "active": True}


def make_product(idproduct, code, name, price, ptype, active, barcode,
                 weight, created, updated):
    return {
        "idproduct": idproduct, "idvatgroup": 18, "idsupplier": None,
        "productcode": code, "name": name, "price": price,
        "fixedstockprice": round(price * 0.4, 2), "productcode_supplier": "",
        "deliverytime": None, "description": "", "barcode": barcode,
        "type": ptype, "unlimitedstock": ptype == "unlimited_stock",
        "weight": weight, "length": None, "width": None, "height": None,
        "minimum_purchase_quantity": 0, "purchase_in_quantities_of": 0,
        "hs_code": None, "country_of_origin": None, "active": active,
        "idfulfilment_customer": None, "created": created,
        "updated": updated, "tags": [], "productfields": [], "images": [],
        "pricelists": [], "stock": [],
    }


def address_lines(name, contact, street, zipcode, city, country):
    lines = [name]
    if contact:
        lines.append(contact)
    lines += [street, "%s %s" % (zipcode, city),
              COUNTRY_NAMES.get(country, country)]
    return "\n".join(lines)


def make_customer(rng, idcustomer):
    first, last = rng.choice(FIRST), rng.choice(LAST)
    person = "%s %s" % (first, last)
    company = rng.choice(COMPANIES)
    city, zip4, country = rng.choice(CITIES)
    if country == "NL":
        zipcode = "%s %s%s" % (zip4, rng.choice("ABCDEGHJKLMNPRST"),
                               rng.choice("ABCDEGHJKLMNPRSTVWXZ"))
    else:
        zipcode = zip4
    street = "%s %d" % (rng.choice(STREETS), rng.randint(1, 180))
    email = "%s.%s@example.%s" % (
        first.lower().replace("ë", "e"),
        last.lower().replace(" ", "").replace("ü", "ue"),
        country.lower() if country != "DE" else "de")
    return {"idcustomer": idcustomer, "name": company or person,
            "contact": person if company else None, "street": street,
            "zipcode": zipcode, "city": city, "country": country,
            "email": email, "telephone": "06%08d" % rng.randrange(10 ** 8)}


def make_order(idorder, orderid, customer, status, created, updated,
               reference, warehouses, lines, public_id):
    c = customer
    full = address_lines(c["name"], c["contact"], c["street"], c["zipcode"],
                         c["city"], c["country"])
    return {
        "idorder": idorder, "idcustomer": c["idcustomer"], "idtemplate": 1,
        "idshippingprovider_profile": None, "orderid": orderid,
        "deliveryname": c["name"], "deliverycontactname": c["contact"],
        "deliveryaddress": c["street"], "deliveryaddress2": None,
        "deliveryzipcode": c["zipcode"], "deliverycity": c["city"],
        "deliveryregion": None, "deliverycountry": c["country"],
        "full_delivery_address": full,
        "invoicename": c["name"], "invoicecontactname": c["contact"],
        "invoiceaddress": c["street"], "invoiceaddress2": None,
        "invoicezipcode": c["zipcode"], "invoicecity": c["city"],
        "invoiceregion": None, "invoicecountry": c["country"],
        "full_invoice_address": full,
        "telephone": c["telephone"], "emailaddress": c["email"],
        "reference": reference, "customer_remarks": None,
        "pickup_point_data": None, "partialdelivery": True,
        "auto_split": True, "invoiced": status == "completed",
        "preferred_delivery_date": None, "discount": 0,
        "calculatevat": True, "status": status,
        "public_status_page": "https://example.picqer.com/s/" + public_id,
        "created": created, "updated": updated, "warehouses": warehouses,
        "products": lines, "tags": [], "orderfields": [], "picklists": [],
    }


def order_line(idorder_product, p, amount, cancelled=0):
    return {"idorder_product": idorder_product, "idproduct": p["idproduct"],
            "idvatgroup": p.get("idvatgroup", 18),
            "productcode": p["productcode"], "name": p.get("name", ""),
            "remarks": "", "price": p.get("price", 0.0), "amount": amount,
            "amount_cancelled": cancelled, "weight": p.get("weight", 0),
            "partof_idorder_product": None, "has_parts": False}


def public_id(rng):
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    return "".join(rng.choice(alphabet) for _ in range(16))


# Picklists and shipments (decisions 14-18).  The shipping providers are
# an account's own configuration; the ids are invented.
CARRIERS = {
    "postnl": {"idshippingprovider": 2, "idcompany_shippingprovider": 401,
               "idcompany_shippingprovider_profile": 1201,
               "provider": "PostNL", "providername": "PostNL",
               "public_providername": "PostNL",
               "profile_name": "Standaard pakket"},
    "dhl": {"idshippingprovider": 7, "idcompany_shippingprovider": 402,
            "idcompany_shippingprovider_profile": 1202,
            "provider": "DHL Parcel", "providername": "DHL",
            "public_providername": "DHL", "profile_name": "DHL Parcel Connect"},
    "dpd": {"idshippingprovider": 9, "idcompany_shippingprovider": 403,
            "idcompany_shippingprovider_profile": 1203,
            "provider": "DPD", "providername": "DPD",
            "public_providername": "DPD", "profile_name": "DPD Classic"},
}


def make_picklist(idpicklist, picklistid, order, status, idwarehouse,
                  totalproducts, weight, created, updated, closed_at=None,
                  closed_by_iduser=None, paused_reason=None):
    """A picklist of `order` as an order's `picklists` entry (decision 14):
    the picklist object of https://picqer.com/en/api/picklists without its
    products, its address copied from the order."""
    o = order
    closed = status == "closed"
    return {
        "idpicklist": idpicklist, "picklistid": picklistid,
        "idcustomer": o.get("idcustomer"), "idorder": o["idorder"],
        "idreturn": None, "idwarehouse": idwarehouse,
        "idtemplate": o.get("idtemplate"), "idpicklist_batch": None,
        "idshippingprovider_profile": o.get("idshippingprovider_profile"),
        "deliveryname": o.get("deliveryname"),
        "deliverycontact": o.get("deliverycontactname"),
        "deliveryaddress": o.get("deliveryaddress"),
        "deliveryaddress2": o.get("deliveryaddress2"),
        "deliveryzipcode": o.get("deliveryzipcode"),
        "deliverycity": o.get("deliverycity"),
        "deliveryregion": o.get("deliveryregion"),
        "deliverycountry": o.get("deliverycountry"),
        "telephone": o.get("telephone"),
        "emailaddress": o.get("emailaddress"),
        "reference": o.get("reference"), "assigned_to_iduser": None,
        "invoiced": bool(o.get("invoiced")) and closed, "urgent": False,
        "preferred_delivery_date": o.get("preferred_delivery_date"),
        "status": status, "paused_reason": paused_reason,
        "totalproducts": totalproducts,
        "totalpicked": totalproducts if closed else 0, "weight": weight,
        "snoozed_until": None,
        "closed_by_iduser": closed_by_iduser if closed else None,
        "closed_at": closed_at if closed else None,
        "created": created, "updated": updated,
        "idfulfilment_customer": o.get("idfulfilment_customer"),
        "tags": [],
    }


def tracking_code(carrier, rng):
    """A tracking code in the carrier's public form (decision 18)."""
    def digits(n):
        return "".join(str(rng.randrange(10)) for _ in range(n))
    if carrier == "postnl":
        return "3SSHSW" + digits(9)
    if carrier == "dhl":
        return "JVGL" + digits(16)
    return "0" + digits(13)                     # DPD: 14 digits


def tracking_url(carrier, code, country, zipcode):
    zipcode = (zipcode or "").replace(" ", "")
    if carrier == "postnl":
        return "https://jouw.postnl.nl/track-and-trace/%s-%s-%s" % (
            code, country, zipcode)
    if carrier == "dhl":
        return "https://my.dhlparcel.nl/home/tracktrace/%s/%s" % (
            code, zipcode)
    return "https://tracking.dpd.de/status/nl_NL/parcel/%s" % code


def make_shipment(idshipment, picklist, carrier, trackingcode, created,
                  updated, cancelled=False, created_by_iduser=1, zpl=False):
    """A shipment of `picklist` as "Get shipments from picklist" answers
    it (decision 17), with one parcel."""
    pl = picklist
    url = tracking_url(carrier, trackingcode, pl.get("deliverycountry"),
                       pl.get("deliveryzipcode"))
    base = "https://example.picqer.com/shipments/%d/label" % idshipment
    pdf = base + ".pdf"
    zpl_url = base + ".zpl" if zpl else None
    idparcel = 30000 + idshipment
    documents = [{"idparcel_document": 2 * idparcel, "type": "label",
                  "size": "A6", "format": "pdf", "url": pdf}]
    if zpl:
        documents.append({"idparcel_document": 2 * idparcel + 1,
                          "type": "label", "size": "A6", "format": "zpl",
                          "url": zpl_url})
    out = {"idshipment": idshipment, "idpicklist": pl["idpicklist"],
           "idorder": pl["idorder"], "idreturn": None, "idpackaging": None}
    out.update(CARRIERS[carrier])
    out.update({
        "carrier_key": carrier, "labelurl": pdf, "labelurl_pdf": pdf,
        "labelurl_zpl": zpl_url, "trackingcode": trackingcode,
        "trackingurl": url, "tracktraceurl": url, "weight": pl.get("weight"),
        "created_by_iduser": created_by_iduser, "cancelled": cancelled,
        "idfulfilment_customer": pl.get("idfulfilment_customer"),
        "parcels": [{"idparcel": idparcel, "idpackaging": None,
                     "weight": pl.get("weight"), "tracking_code": trackingcode,
                     "tracking_url": url, "documents": documents}],
        "created": created, "updated": updated,
    })
    # The keys in the order of [ps]'s example.
    return {k: out[k] for k in SHIPMENT_KEYS}


SHIPMENT_KEYS = (
    "idshipment", "idpicklist", "idorder", "idreturn", "idpackaging",
    "idshippingprovider", "idcompany_shippingprovider",
    "idcompany_shippingprovider_profile", "provider", "providername",
    "public_providername", "profile_name", "carrier_key", "labelurl",
    "labelurl_pdf", "labelurl_zpl", "trackingcode", "trackingurl",
    "tracktraceurl", "weight", "created_by_iduser", "cancelled",
    "idfulfilment_customer", "parcels", "created", "updated")


def generate_picklists(seed, orders, instants, tz):
    """Picklists for generated orders and a shipment for each closed one
    (decision 21).  instants[i] is (created, updated) of orders[i] in UTC.
    A random generator of its own keeps the rest of the data as it was."""
    rng = random.Random("picklists %s" % seed)
    shipments = []
    idpicklist, idshipment = 60000, 40000
    number = 5000
    carriers = ["postnl"] * 12 + ["dhl"] * 5 + ["dpd"] * 3
    for o, (t, upd) in zip(orders, instants):
        status = o["status"]
        if status in ("concept", "expected"):
            continue
        if status == "cancelled" and rng.randrange(3):
            continue
        units = sum(l["amount"] - l.get("amount_cancelled", 0)
                    for l in o["products"])
        weight = sum((l.get("weight") or 0) *
                     (l["amount"] - l.get("amount_cancelled", 0))
                     for l in o["products"])
        idpicklist += rng.randint(1, 3)
        number += 1
        wid = o["warehouses"][0] if o["warehouses"] else None
        args = (idpicklist, "2025%04d" % number, o)
        if status == "completed":
            made = t + timedelta(minutes=rng.randint(1, 60))
            closed = upd - timedelta(minutes=rng.randint(0, 10),
                                     seconds=rng.randint(0, 59))
            pl = make_picklist(*args, "closed", wid, units, weight,
                               local(made, tz), local(closed, tz),
                               local(closed, tz), rng.randint(1, 3))
            carrier = rng.choice(carriers)
            idshipment += rng.randint(1, 3)
            at = local(closed - timedelta(seconds=rng.randint(60, 300)), tz)
            shipments.append(make_shipment(
                idshipment, pl, carrier, tracking_code(carrier, rng), at, at,
                created_by_iduser=pl["closed_by_iduser"]))
        elif status == "cancelled":
            made = t + (upd - t) / 2
            pl = make_picklist(*args, "cancelled", wid, units, weight,
                               local(made, tz), local(upd, tz))
        elif status == "paused":
            pl = make_picklist(*args, "paused", wid, units, weight,
                               local(upd, tz), local(upd, tz),
                               paused_reason="Order gepauzeerd")
        else:                                   # processing
            pl = make_picklist(*args, "new", wid, units, weight,
                               local(upd, tz), local(upd, tz))
        o["picklists"] = [pl]
    return shipments


def generate_data(spec, seed, warehouses, products, orders, webshoporders,
                  shipments):
    rng = random.Random(seed)
    tz = amsterdam()
    t0 = datetime(2025, 1, 6, 7, 0, tzinfo=timezone.utc)

    n_wh = spec.get("warehouses")
    if n_wh is None and not warehouses and ("products" in spec
                                           or "orders" in spec):
        n_wh = 2
    if n_wh is not None:
        warehouses = [make_warehouse(i) for i in range(n_wh)]
    wids = [w["idwarehouse"] for w in warehouses]

    n_prod = spec.get("products")
    if n_prod is None and not products and spec.get("orders"):
        n_prod = 20
    own_stock = n_prod is not None
    if own_stock:
        combos = []
        for fam, fname, sized, price in FAMILIES:
            for col, cname in COLOURS:
                for size in (SIZES if sized else ("",)):
                    code = "-".join(x for x in (fam, col, size) if x)
                    name = "%s %s%s" % (fname, cname,
                                        " " + size if size else "")
                    combos.append((code, name, price))
        rng.shuffle(combos)
        products = []
        pid = 1000
        for i in range(n_prod):
            code, name, price = combos[i % len(combos)]
            if i >= len(combos):
                code = "%s-%d" % (code, i // len(combos) + 1)
            pid += rng.randint(1, 3)
            ptype = "unlimited_stock" if i % 29 == 28 else "normal"
            active = i % 17 != 16
            created = local(t0 - timedelta(days=400 - i), tz)
            p = make_product(pid, code, name, price, ptype, active,
                             ean13(rng), rng.choice((150, 200, 350, 500)),
                             created, created)
            if ptype == "normal":
                p["stock"] = []
                for wid in wids:
                    qty = 0 if rng.random() < 0.2 else rng.randint(1, 60)
                    p["stock"].append({"idwarehouse": wid, "stock": qty,
                                       "reserved": 0,
                                       "reservedbackorders": 0,
                                       "reservedpicklists": 0,
                                       "reservedallocations": 0,
                                       "freestock": qty})
            products.append(p)

    n_ord = spec.get("orders")
    if n_ord is not None:
        sellable = [p for p in products if p.get("active", True)] or products
        if not sellable:
            raise SetupError("--generate orders needs products")
        customers = [make_customer(rng, 3000 + i if i % 3 else None)
                     for i in range(max(10, n_ord // 5))]
        forced = list(ORDER_STATUSES)
        rng.shuffle(forced)
        weights = (("completed", 45), ("processing", 15), ("cancelled", 8),
                   ("concept", 12), ("expected", 8), ("paused", 5))
        population = [s for s, w in weights for _ in range(w)]
        orders = []
        instants = []                   # (created, updated) in UTC
        t = t0
        line_id = 90000
        for i in range(n_ord):
            t += timedelta(minutes=rng.randint(30, 1200),
                           seconds=rng.randint(0, 59))
            status = forced[i] if i < len(forced) else rng.choice(population)
            if status == "completed":
                upd = t + timedelta(hours=rng.randint(2, 72))
            elif status in ("processing", "paused", "cancelled"):
                upd = t + timedelta(minutes=rng.randint(1, 240))
            else:
                upd = t
            lines = []
            for p in rng.sample(sellable, min(len(sellable),
                                              rng.choice((1, 1, 1, 2, 2, 3)))):
                line_id += rng.randint(1, 4)
                lines.append(order_line(line_id, p, rng.choice((1, 1, 2, 3))))
            orders.append(make_order(
                5000 + i * 3 + rng.randint(0, 2), "2025%04d" % (i + 1),
                rng.choice(customers), status, local(t, tz), local(upd, tz),
                None, wids[:1] if len(wids) < 2 or rng.random() < 0.7
                else wids[:2], lines, public_id(rng)))
            instants.append((t, upd))
            if own_stock and status in ("processing", "paused") and wids:
                reserve(products, wids[0], lines)

    n_wso = spec.get("webshoporders")
    if n_wso is None and n_ord is not None:
        n_wso = n_ord
    if n_wso is not None:
        webshoporders = []
        cut = int(len(orders) * 0.7)
        for i in range(n_wso):
            o = orders[i] if i < len(orders) else None
            shop = SHOP_OLD if (o is None and i % 2) or \
                (o is not None and i < cut) else SHOP_NEW
            if shop == SHOP_OLD:
                foreign_id = str(48000 + i * 7)
                number = foreign_id
            else:
                foreign_id = str(5839201847000 + i * 113)
                number = "#%d" % (1001 + i)
            if o is not None:
                o["reference"] = number
                ordered_dt = datetime.strptime(o["created"],
                                               "%Y-%m-%d %H:%M:%S")
                ordered = (ordered_dt - timedelta(minutes=5)) \
                    .strftime("%Y-%m-%d %H:%M:%S")
                created, updated = o["created"], o["created"]
                status, reason, idorder = "imported", None, o["idorder"]
            else:
                t += timedelta(minutes=rng.randint(30, 600))
                ordered = created = updated = local(t, tz)
                status = "error"
                reason = "Product not found: %s" % rng.choice(
                    ("TS-PNK-M", "HD-GRY-L", "MUG-ORG"))
                idorder = None
            webshoporders.append({
                "idcompany_webshop_order": 700 + i, "idcompany_webshop": shop,
                "idorder": idorder, "foreign_id": foreign_id,
                "foreign_number": number,
                "foreign_status": "processing" if o is not None
                and o["status"] != "completed" else "completed",
                "status": status, "reason": reason, "ordered": ordered,
                "created": created, "updated": updated})
    if n_ord is not None:
        # After the webshop orders, which set the orders' references.
        shipments = generate_picklists(seed, orders, instants, tz)
    return warehouses, products, orders, webshoporders, shipments


def reserve(products, wid, lines):
    """Reserve an order's lines in warehouse `wid` on picklists, as far as
    free stock allows (the rest is an open backorder, which reserves no
    stock until stock comes in)."""
    by_id = {p["idproduct"]: p for p in products}
    for line in lines:
        p = by_id[line["idproduct"]]
        for s in p.get("stock", []):
            if s["idwarehouse"] != wid:
                continue
            free = s["stock"] - s["reserved"]
            s["reservedpicklists"] += max(0, min(free, line["amount"]))
            s["reserved"] = sum(s[k] for k in RESERVED_PARTS)
            s["freestock"] = s["stock"] - s["reserved"]
