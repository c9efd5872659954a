"""bol.py: the Bol.com Retailer API (v10, Offer API v11) for sandbox.py.

    python3 tests/sandbox/sandbox.py --platform bol \
        --data tests/sandbox/data/bol [--api-key sandbox-client] \
        [--api-secret sandbox-secret] [--generate orders=N,offers=M] \
        [--set token_ttl=299] [--set rate_offers_write=50/1] ...

Routes (the token route is login.bol.com's, on the same port: the
connector takes a token URL):
  POST /token                              OAuth2 client credentials
  GET  /retailer/orders                    v10, 50 a page
  GET  /retailer/orders/{order-id}         v10
  GET  /retailer/shipments                 v10, 50 a page
  POST /retailer/shipments                 v10, 202 CREATE_SHIPMENT
  GET  /retailer/shipments/{shipment-id}   v10
  GET  /retailer/offers                    v11, by cursor
  GET  /retailer/offers/{offer-id}         v11, or v10 by Accept
  PATCH /retailer/offers/{offer-id}        v11, 204 (stock only)
  PUT  /retailer/offers/{offer-id}/stock   v10 (deprecated), 202
  GET  /shared/process-status/{id}         v10
  GET  /shared/process-status              v10, by entity-id+event-type
  POST /shared/process-status              v10, bulk, <= 1000 ids
Data (--data DIR): offers.json (v11 OfferResponse plus "title", the
product's title), orders.json (v10 Order; quantityShipped and
fulfilmentStatus are derived from shipments.json), shipments.json
({shipmentId, shipmentDateTime, shipmentReference, orderId,
items: [{orderItemId, quantity}], transport: {transportId,
transporterCode, trackAndTrace}}).

Settings (--set NAME=VALUE): token_ttl (299 s), token_limit and
token_window (10 token requests a 60 s, then the IP is blocked for the
rest of the window), process_delay (seconds a process status stays
PENDING, 1), process_ttl (seconds a finished one is kept, 3600), now (the
sandbox clock's start, 2026-11-27T12:00:00+01:00; it runs from there),
rate_<bucket> = N/SECONDS for each bucket of decision 9.

Sources:
 [spec10] picqer/bol-retailer-php-client@50d8cf6e src/OpenApi/retailer.json
          (v10, April 2026) and src/OpenApi/shared.json
 [spec11] 123lens/bol-retailer-php-client@8f8f13a src/OpenApi/offers.json
          (Offers API 11.3.0; commit 6fa47be sets PATCH to 204)
 [fix]    picqer/bol-retailer-php-client tests/Fixtures/http/* (raw
          answers: 200-token, 200-reduced-orders(-empty), 200-order,
          401-jwt-expired, 401-unauthorized, 404-not-found,
          429-too-many-requests, 500-internal-server-error)
 [client] picqer/bol-retailer-php-client src/BaseClient.php;
          123lens/bol-retailer-php-client src/BaseClient.php,
          src/Exception/UnauthorizedException.php
 [auth]   https://api.bol.com/retailer/public/Retailer-API/authentication.html
          and https://developers.bol.com/apiv3authentication/
 [inter]  https://api.bol.com/retailer/public/Retailer-API/intermediary-authorization.html
 [rl]     https://api.bol.com/retailer/public/Retailer-API/ratelimits.html;
          the bucket table https://api.bol.com/retailer/public/ratelimits
          as copied in media2net-app/bol lib/rateLimits.ts (Nov 2025)
 [demo]   https://api.bol.com/retailer/public/Retailer-API/demo/v10-SHIPMENTS.html,
          .../demo/v10-PROCESS_STATUS.html, .../demo/ORDERS-v5.html
 [mkt]    https://api.bol.com/marketing/docs/catalog-api/errors.html
 [ct]     picqer/bol-retailer-php-client issues #33, #34 ("The supplied
          content-type media type is not supported.")
 [rfc]    RFC 6749 5.1, 5.2 (token answer, error codes); RFC 6750 3

Decisions (UNCONFIRMED where no source settles them; then the strict
reading):
 1. Token: POST /token, client credentials by Basic header or in the
    form body ([auth]: "2 ways"); in the URL's query they are refused
    ([inter]: "Requests with these details in the URL will be rejected")
    with 400 invalid_request.  grant_type=client_credentials in the query
    ([auth]) or the form body ([client]); missing: 400 invalid_request,
    another: 400 unsupported_grant_type [rfc].  Wrong or no credentials:
    401 {"error":"invalid_client","error_description":"Bad client
    credentials"} [fix 401-unauthorized].  Answer [fix 200-token]:
    {"access_token","token_type":"Bearer","expires_in":299,
    "scope":"RETAILER"}, application/json, Cache-Control: no-store [rfc];
    a new JWT-shaped token every grant.  Tokens outlive /_sandbox/reset
    (login.bol.com is another service); the token counts do not.
 2. Token requests are counted (state tokenRequests).  Bol blocks IPs
    that ask too often ([auth], its video "prevent yourself from being IP
    blocked"); the limit is not published.  The sandbox: more than
    token_limit requests in token_window seconds, and every further
    token request in that window gets 404, the symptom of a blocked IP
    that [mkt] documents (UNCONFIRMED for login.bol.com's retailer side).
 3. API auth: Authorization: Bearer <token>.  An expired token: 401
    {"title":"Expired JWT","status":401,"detail":"JWT expired at ...Z.
    Current time: ...Z, a difference of N milliseconds.  Allowed clock
    skew: 1000 milliseconds."} exactly as [fix 401-jwt-expired]; clients
    re-authenticate on "JWT expired" in the detail [client].  A missing,
    unknown or non-Bearer token: 401 Problem "Unauthorized" with
    WWW-Authenticate: Bearer [rfc 6750] (body UNCONFIRMED).  401s are not
    counted in a rate-limit bucket.
 4. Media types [spec10] [spec11]: orders, shipments, process status and
    the v10 stock PUT want Accept (and, with a body, Content-Type)
    application/vnd.retailer.v10+json; GET /retailer/offers and PATCH
    want ...v11+json; GET /retailer/offers/{id} answers either version
    in its own shape (v10 RetailerOffer, v11 OfferResponse).  A missing
    or other Accept: 406 Problem "Not Acceptable"; a body with another
    Content-Type: 415 Problem with [ct]'s detail "The supplied
    content-type media type is not supported."  (statuses UNCONFIRMED;
    */* is refused, the strict reading).  Answers carry
    "<type>;charset=UTF-8" [fix].
 5. JSON as Bol's Jackson writes it [fix]: pretty-printed ("key" :
    value), non-ASCII as UTF-8, '/' unescaped, null and empty arrays
    left out, an empty object as "{ }" [fix 200-reduced-orders-empty].
 6. Errors: Problem {type "https://api.bol.com/problems", title, status,
    detail, host, instance, violations[{name, reason}]} [spec10 Problem];
    validation is 400 with title "Error validating request. Consult the
    bol.com API documentation for more information.", detail "Bad
    request" and a violation per field, enum reasons as "Request contains
    invalid value(s): 'X', allowed values: A, B." (the spec's examples);
    range reasons in Bean Validation's words (UNCONFIRMED).  Unknown
    query parameters and body members are refused with 400 (strict, as
    the other sandboxes).  Unknown path: 404 Problem; known path, other
    method: 405 Problem with Allow.  A 500 (fault) is nginx's text/html
    "Internal Server Error" [fix 500-internal-server-error].
 7. Orders [spec10 get-orders]: page >= 1, 50 a page, past the end
    "{ }"; fulfilment-method FBR|FBB|ALL (default FBR), status
    OPEN|SHIPPED|ALL (default OPEN: research [T], passed explicitly by
    careful clients), latest-change-date YYYY-MM-DD (items last changed
    on that date, Europe/Amsterdam; at most 3 months back, else 400),
    change-interval-minute 1..60 (items changed in the last N minutes),
    vvb-only true|false.  Every filter is on order items (their
    fulfilmentMethod, fulfilmentStatus, latestChangedDateTime), so a
    listed order holds only its matching items (UNCONFIRMED; strict: the
    detail has them all).  OPEN: items with fulfilmentStatus OPEN (open
    quantity left); SHIPPED: items with quantityShipped > 0.  Newest
    order first (UNCONFIRMED).  Orders carry no order total, no currency
    (bol sells in EUR) and no order-level status: a connector sums
    totalPrice and derives the status from the items.
 8. Shipments [spec10]: the list is ReducedShipment, whose transport has
    only transportId; carrier and track & trace are on GET
    /retailer/shipments/{id}.  order-id is "only valid without
    fulfilment-method" (both: 400); without order-id the list is FBR
    unless fulfilment-method says FBB; newest first, 50 a page.  Bol has
    no track & trace URL.  A ShipmentItem's quantity is the ordered
    quantity, quantityShipped what this shipment shipped (UNCONFIRMED).
 9. Rate limits: a fixed window per bucket, as [rl]'s table gives them
    (maxCapacity per timeToLive): orders_list GET /retailer/orders
    25/60 s; orders_get GET /retailer/orders/* 25/1 s; shipments_list
    25/60 s; shipments_create POST /retailer/shipments 25/1 s;
    shipments_get GET /retailer/shipments/* 50/60 s; offers_list GET
    /retailer/offers 25/1 s; offers_get 25/1 s; offers_write PUT, PATCH
    and DELETE /retailer/offers/* (the stock PUT too: 50/s, research
    [C]) 50/1 s; process_status /shared/process-status* 25/1 s
    (UNCONFIRMED: not in the table).  Every counted answer carries
    X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset, the
    seconds until the window ends ([fix] shows 1; an epoch in an old
    fixture: UNCONFIRMED).  Exhausted: 429, Retry-After (seconds) and
    {"title":"Too Many Requests","status":429,"detail":"Too many requests,
    retry in N seconds."} [fix 429-too-many-requests]; not carried out.
    The core's --rate-limit is off (RATE_LIMIT None).
10. Offers v11 [spec11]: GET /retailer/offers takes offer-ids, eans
    (each repeated or comma-separated, as Spring binds a list;
    UNCONFIRMED), reference, for-sale, last-modified-date-time (ISO 8601
    with a zone), page-size 1..100 (default 25, Page.pageSize's minimum;
    UNCONFIRMED) and cursor; answers {"offers":[...],"page":{"pageSize",
    "nextCursor"}}, nextCursor left out on the last page.  A cursor is
    opaque; one the sandbox did not make is 400.  offer-id must be a
    UUID (format uuid), else 400.
11. Stock writes.  v11 PATCH /retailer/offers/{id} with {"stock":
    {"amount","managedByRetailer"}} is synchronous: 204, no body
    ([spec11] as corrected by 123lens 6fa47be; research 7).  Only stock
    is emulated; other members are refused (400).  v10 PUT
    /retailer/offers/{id}/stock {"amount" 0..999, "managedByRetailer"}
    (both required) answers 202 ProcessStatus UPDATE_OFFER_STOCK and is
    applied only when its process status turns SUCCESS.  amount 0..999
    in v11 too (v11's schema gives no maximum; the strict reading).  An
    unknown offer: 404 (UNCONFIRMED for the v10 PUT: [spec10] lists only
    202 and 400).  One offer a request: Bol has no bulk stock write.
    correctedStock = amount minus the open FBR quantity of the offer's
    orders (with managedByRetailer true: of orders placed after the
    update) [spec10 Stock].  Each applied write counts one write for the
    offer's reference ("offer <id>" without one).  FBB offers take the
    write (their stock is bol's; UNCONFIRMED whether Bol refuses it).
12. Process status [spec10 shared.json] [demo]: PENDING for
    process_delay seconds, then SUCCESS, FAILURE (errorMessage) or
    TIMEOUT (a fault of kind change {"timeout": N} makes the next N
    processes time out).  GET /shared/process-status/{id}; bulk POST
    {"processStatusQueries":[{"processStatusId"}]} 1..1000 answers
    {"processStatuses":[...]}, leaving out unknown and expired ids;
    GET ?entity-id&event-type lists newest first.  process_ttl seconds
    after it ends a status is gone (404).  Ids are UUID strings (the
    spec's example is one).  links: self, to this sandbox.
13. Shipping [spec10 ShipmentRequest] [demo]: POST /retailer/shipments
    {"orderItems":[{"orderItemId","quantity"?}] (1..100),
    "shipmentReference"? (null or 1..90 chars), "transport":
    {"transporterCode","trackAndTrace"?}} -> 202 CREATE_SHIPMENT,
    "Create shipment." (entityId the order item when there is one).
    transporterCode must be one of the codes Bol's 2023 spec enumerated
    (a free string since; strict).  shippingLabelId is refused (no
    labels here).  The shipment is checked when the process runs: an
    unknown order item, items of two orders, an FBB item, a cancelled
    item, nothing left to ship or more than is left makes it FAILURE
    (messages UNCONFIRMED), all or nothing.  SUCCESS adds the shipment
    (GET /retailer/shipments shows it), raises quantityShipped, moves
    latestChangedDateTime and counts a write "order <id> shipment".
14. Entering orders: not emulated.  Bol is a marketplace: orders are
    placed by bol customers, and the Retailer API has no call that
    creates one ([spec10]: /retailer/orders has GET only, besides
    PUT /retailer/orders/cancellation).
15. Times: orders and shipments in Europe/Amsterdam with their offset
    (+01:00/+02:00), as [fix] and [spec10] examples.  The sandbox clock
    starts at --set now and runs with real time (tokens, process
    statuses, new shipments, change-interval-minute).
"""

import base64
import binascii
import hashlib
import hmac
import json
import random
import re
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl

import sandbox
from sandbox import (PlatformBase, Reject, Response, SetupError, is_int,
                     load_array)

# The core's status lines lack these two (decision 4): added from here.
sandbox.REASONS.setdefault(406, "Not Acceptable")
sandbox.REASONS.setdefault(415, "Unsupported Media Type")

API_KEY = "sandbox-client"          # client_id
API_SECRET = "sandbox-secret"       # client_secret
RATE_LIMIT = None                   # per-bucket limits below (decision 9)

V10 = "application/vnd.retailer.v10+json"
V11 = "application/vnd.retailer.v11+json"
PROBLEM_TYPE = "https://api.bol.com/problems"
VALIDATION = ("Error validating request. Consult the bol.com API "
              "documentation for more information.")
PAGE = 50
BUCKETS = ("orders_list", "orders_get", "shipments_list", "shipments_create",
           "shipments_get", "offers_list", "offers_get", "offers_write",
           "process_status")
SETTINGS = {"token_ttl": "299", "token_limit": "10", "token_window": "60",
            "process_delay": "1", "process_ttl": "3600",
            "now": "2026-11-27T12:00:00+01:00",
            "rate_orders_list": "25/60", "rate_orders_get": "25/1",
            "rate_shipments_list": "25/60", "rate_shipments_create": "25/1",
            "rate_shipments_get": "50/60", "rate_offers_list": "25/1",
            "rate_offers_get": "25/1", "rate_offers_write": "50/1",
            "rate_process_status": "25/1"}
# ChangeTransportRequest.transporterCode in Bol's 2023 v10 spec
# (picqer/bol-retailer-php-client@3ad74cd; Enum/ChangeTransport...php).
TRANSPORTERS = (
    "AMPERE", "BPOST_BE", "BPOST_BRIEF", "BRIEFPOST", "BUDBEE", "COURIER",
    "CYCLOON", "DHL", "DHL-GLOBAL-MAIL", "DHL-SD", "DHLFORYOU", "DHL_DE",
    "DPD-BE", "DPD-NL", "DYL", "FEDEX_BE", "FEDEX_NL", "GLS", "OTHER",
    "PACKS", "PARCEL-NL", "PES", "TNT", "TNT-EXPRESS", "TNT-EXTRA",
    "TNT_BRIEF", "TRANSMISSION", "TRUNKRS", "TSN", "UPS")
UUID_RE = re.compile(r"\A[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                     r"[0-9a-f]{12}\Z", re.I)
DATE_RE = re.compile(r"\A\d{4}-\d{2}-\d{2}\Z")
ISO_RE = re.compile(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?"
                    r"(Z|[+-]\d{2}:\d{2})\Z")

# The routes: method, path pattern, handler, media types, bucket.
ROUTES = [
    ("GET", r"/retailer/orders", "list_orders", (V10,), "orders_list"),
    ("GET", r"/retailer/orders/([^/]+)", "get_order", (V10,), "orders_get"),
    ("GET", r"/retailer/shipments", "list_shipments", (V10,),
     "shipments_list"),
    ("POST", r"/retailer/shipments", "create_shipment", (V10,),
     "shipments_create"),
    ("GET", r"/retailer/shipments/([^/]+)", "get_shipment", (V10,),
     "shipments_get"),
    ("GET", r"/retailer/offers", "list_offers", (V11,), "offers_list"),
    ("GET", r"/retailer/offers/([^/]+)", "get_offer", (V11, V10),
     "offers_get"),
    ("PATCH", r"/retailer/offers/([^/]+)", "patch_offer", (V11,),
     "offers_write"),
    ("PUT", r"/retailer/offers/([^/]+)/stock", "put_stock", (V10,),
     "offers_write"),
    ("GET", r"/shared/process-status", "find_process", (V10,),
     "process_status"),
    ("POST", r"/shared/process-status", "bulk_process", (V10,),
     "process_status"),
    ("GET", r"/shared/process-status/([^/]+)", "get_process", (V10,),
     "process_status"),
]
ROUTES = [(m, re.compile(p), h, t, b) for m, p, h, t, b in ROUTES]


# ---------------------------------------------------------------- helpers

def prune(v):
    """Jackson's NON_EMPTY: null and empty arrays and objects left out."""
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            x = prune(x)
            if x is not None and x != [] and x != {}:
                out[k] = x
        return out
    if isinstance(v, list):
        return [prune(x) for x in v]
    return v


def bol_json(obj):
    obj = prune(obj)
    if obj == {}:
        return b"{ }"
    return pretty(obj).encode("utf-8")


_STR = json.encoder.encode_basestring           # json's C function
_WORDS = {None: "null", True: "true", False: "false"}


def pretty(v, indent="\n"):
    """v as json.dumps(v, ensure_ascii=False, indent=2, separators=(",",
    " : ")) writes it, the same text, in 60 % of the time: with indent
    json.dumps leaves its C encoder for Python's, a generator step per
    token (5 ms for a page of 100 offers)."""
    t = type(v)
    if t is str:
        return _STR(v)
    if t is int:
        return int.__repr__(v)
    if t is dict or (t is not list and isinstance(v, dict)):
        if not v:
            return "{}"
        inner = indent + "  "
        return "{" + inner + ("," + inner).join([
            (_STR(k) if isinstance(k, str) else _STR(json.dumps(k))) +
            " : " + pretty(x, inner) for k, x in v.items()]) + indent + "}"
    if isinstance(v, (list, tuple)):
        if not v:
            return "[]"
        inner = indent + "  "
        return "[" + inner + ("," + inner).join([
            pretty(x, inner) for x in v]) + indent + "]"
    if v is None or t is bool:
        return _WORDS[v]
    if isinstance(v, str):
        return _STR(v)
    if isinstance(v, int):
        return int.__repr__(v)
    return json.dumps(v)                        # a float


def bol_response(status, obj, mt=V10, headers=None):
    return Response(status, bol_json(obj), mt + ";charset=UTF-8", headers)


def amsterdam(dt):
    """An aware datetime in Europe/Amsterdam, its offset written out."""
    u = dt.astimezone(timezone.utc)
    y = u.year

    def last_sunday(month):
        d = datetime(y, month, 31, 1, tzinfo=timezone.utc)
        return d - timedelta(days=(d.weekday() + 1) % 7)
    summer = last_sunday(3) <= u < last_sunday(10)
    return u.astimezone(timezone(timedelta(hours=2 if summer else 1)))


def fmt(dt):
    return amsterdam(dt).isoformat(timespec="seconds")


def parse_time(text):
    if not isinstance(text, str) or not ISO_RE.match(text):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def violation(name, reason):
    return {"name": name, "reason": reason}


def enum_reason(value, allowed):
    return "Request contains invalid value(s): '%s', allowed values: %s." \
        % (value, ", ".join(allowed))


class Platform(PlatformBase):
    name = "bol"

    def __init__(self, data_dir, generate, seed, api_key,
                 api_secret=API_SECRET, settings=None):
        self.data_dir = data_dir
        self.generate = dict(generate)
        self.seed = seed
        self.client_id = api_key
        self.client_secret = api_secret
        opts = dict(SETTINGS)
        opts.update(settings or {})
        try:
            self.token_ttl = int(opts["token_ttl"])
            self.token_limit = int(opts["token_limit"])
            self.token_window = float(opts["token_window"])
            self.process_delay = float(opts["process_delay"])
            self.process_ttl = float(opts["process_ttl"])
            if min(self.token_ttl, self.token_limit, self.token_window,
                   self.process_delay, self.process_ttl) < 0:
                raise ValueError
        except ValueError:
            raise SetupError("--set: token_ttl, token_limit, token_window, "
                             "process_delay and process_ttl are numbers "
                             ">= 0") from None
        start = parse_time(opts["now"])
        if start is None:
            raise SetupError("--set now=%s: expected an ISO 8601 time with "
                             "a zone" % opts["now"])
        self.clock0 = (start, time.monotonic())
        self.rates = {}
        for b in BUCKETS:
            m = re.fullmatch(r"(\d+)/(\d+(?:\.\d+)?)", opts["rate_" + b])
            if not m or int(m.group(1)) < 1 or float(m.group(2)) <= 0:
                raise SetupError("--set rate_%s=%s: expected N/SECONDS"
                                 % (b, opts["rate_" + b]))
            self.rates[b] = (int(m.group(1)), float(m.group(2)))
        unknown = set(self.generate) - {"orders", "offers", "products"}
        if unknown:
            raise SetupError("--generate: bol has no %s (it knows orders, "
                             "offers or products)" % ", ".join(sorted(unknown)))
        self.lock = threading.Lock()    # buckets and tokens: outside the core's
        self.windows = {}
        self.tokens = {}                # token -> expiry (sandbox clock)
        self.secret = hashlib.sha256(b"bol-sandbox-%d" % seed).digest()
        self.reset()

    # ---- clock and data

    def now(self):
        start, t0 = self.clock0
        return start + timedelta(seconds=time.monotonic() - t0)

    def reset(self):
        d = self.data_dir
        offers = load_array(d, "offers.json")
        orders = load_array(d, "orders.json")
        shipments = load_array(d, "shipments.json")
        if self.generate:
            offers, orders, shipments = generate_data(
                self.generate, self.seed, offers, orders, shipments,
                self.now())
        self.load(offers, orders, shipments)
        self.write_counts = {}
        self.processes = {}             # id -> process, in creation order
        self.timeouts = 0
        self.ids = random.Random("process %d" % self.seed)
        with self.lock:
            self.windows.clear()
            self.token_log = []         # monotonic times of token requests
            self.token_requests = 0
            self.tokens_granted = 0

    def load(self, offers, orders, shipments):
        self.offers = []
        self.offer_by_id = {}
        for o in offers:
            oid = o.get("offerId")
            where = "offers.json: offer %r" % (oid,)
            if not isinstance(oid, str) or not UUID_RE.match(oid) or \
                    oid in self.offer_by_id:
                raise SetupError("%s: offerId must be a unique UUID" % where)
            if not isinstance(o.get("ean"), str) or \
                    not re.fullmatch(r"\d{13}", o["ean"]):
                raise SetupError("%s: ean must be 13 digits" % where)
            st = o.get("stock", {})
            if not is_int(st.get("amount")) or \
                    not isinstance(st.get("managedByRetailer"), bool):
                raise SetupError("%s: stock needs amount and "
                                 "managedByRetailer" % where)
            if o.get("fulfilment", {}).get("method") not in ("FBR", "FBB"):
                raise SetupError("%s: fulfilment.method must be FBR or FBB"
                                 % where)
            if parse_time(o.get("lastModifiedDateTime")) is None:
                raise SetupError("%s: lastModifiedDateTime must be ISO 8601 "
                                 "with a zone" % where)
            o = json.loads(json.dumps(o))
            o["stockSetAt"] = None
            self.offers.append(o)
            self.offer_by_id[oid] = o
        self.orders = []
        self.order_by_id = {}
        self.item_by_id = {}
        for o in orders:
            oid = o.get("orderId")
            where = "orders.json: order %r" % (oid,)
            if not isinstance(oid, str) or oid in self.order_by_id:
                raise SetupError("%s: orderId must be a unique string" % where)
            if parse_time(o.get("orderPlacedDateTime")) is None:
                raise SetupError("%s: orderPlacedDateTime must be ISO 8601 "
                                 "with a zone" % where)
            o = json.loads(json.dumps(o))
            for it in o.get("orderItems", []):
                iid = it.get("orderItemId")
                w = "%s: item %r" % (where, iid)
                if not isinstance(iid, str) or iid in self.item_by_id:
                    raise SetupError("%s: orderItemId must be a unique "
                                     "string" % w)
                q, c = it.get("quantity"), it.get("quantityCancelled", 0)
                if not is_int(q) or q < 1 or not is_int(c) or not 0 <= c <= q:
                    raise SetupError("%s: quantity >= 1 and 0 <= "
                                     "quantityCancelled <= quantity" % w)
                off = it.get("offer", {}).get("offerId")
                if off is not None and off not in self.offer_by_id:
                    raise SetupError("%s: offer.offerId %r is not in "
                                     "offers.json" % (w, off))
                if parse_time(it.get("latestChangedDateTime")) is None:
                    raise SetupError("%s: latestChangedDateTime must be ISO "
                                     "8601 with a zone" % w)
                if it.get("fulfilment", {}).get("method") not in ("FBR",
                                                                  "FBB") \
                        or not isinstance(it.get("product", {}).get("ean"),
                                          str) \
                        or not isinstance(it.get("cancellationRequest"), bool):
                    raise SetupError("%s: needs fulfilment.method FBR or FBB, "
                                     "product.ean and cancellationRequest" % w)
                it["quantityCancelled"] = c
                it["quantityShipped"] = 0
                self.item_by_id[iid] = (o, it)
            if not o.get("orderItems"):
                raise SetupError("%s: no orderItems" % where)
            self.orders.append(o)
            self.order_by_id[oid] = o
        self.shipments = []
        self.shipment_by_id = {}
        for s in shipments:
            sid = s.get("shipmentId")
            where = "shipments.json: shipment %r" % (sid,)
            if not isinstance(sid, str) or sid in self.shipment_by_id:
                raise SetupError("%s: shipmentId must be a unique string"
                                 % where)
            if s.get("orderId") not in self.order_by_id:
                raise SetupError("%s: orderId %r is not in orders.json"
                                 % (where, s.get("orderId")))
            if parse_time(s.get("shipmentDateTime")) is None:
                raise SetupError("%s: shipmentDateTime must be ISO 8601 "
                                 "with a zone" % where)
            t = s.get("transport", {})
            if t.get("transporterCode") not in TRANSPORTERS or \
                    not isinstance(t.get("transportId"), str):
                raise SetupError("%s: transport needs a transportId and a "
                                 "known transporterCode" % where)
            for si in s.get("items", []):
                o, it = self.item_by_id.get(si.get("orderItemId"), (None, None))
                if o is None or o["orderId"] != s["orderId"]:
                    raise SetupError("%s: item %r is not an item of order %s"
                                     % (where, si.get("orderItemId"),
                                        s["orderId"]))
                it["quantityShipped"] += si.get("quantity", 0)
                if not is_int(si.get("quantity")) or si["quantity"] < 1 or \
                        it["quantityShipped"] + it["quantityCancelled"] > \
                        it["quantity"]:
                    raise SetupError("%s: item %s ships more than is left"
                                     % (where, it["orderItemId"]))
            if not s.get("items"):
                raise SetupError("%s: no items" % where)
            s = json.loads(json.dumps(s))
            self.shipments.append(s)
            self.shipment_by_id[sid] = s
        open_fbr = {}                   # offerId -> open FBR quantity
        for o in self.orders:
            for it in o["orderItems"]:
                off = it.get("offer", {}).get("offerId")
                if off and it["fulfilment"]["method"] == "FBR":
                    open_fbr[off] = open_fbr.get(off, 0) + self.open_qty(it)
        for o in self.offers:
            if "correctedStock" not in o["stock"]:
                o["stock"]["correctedStock"] = max(
                    0, o["stock"]["amount"] - open_fbr.get(o["offerId"], 0))

    @staticmethod
    def open_qty(it):
        return it["quantity"] - it["quantityShipped"] - it["quantityCancelled"]

    def corrected(self, offer):
        """Stock.correctedStock (decision 11)."""
        since = offer["stockSetAt"] if offer["stock"]["managedByRetailer"] \
            else None
        n = 0
        for o in self.orders:
            if since and parse_time(o["orderPlacedDateTime"]) < since:
                continue
            for it in o["orderItems"]:
                if it.get("offer", {}).get("offerId") == offer["offerId"] \
                        and it["fulfilment"]["method"] == "FBR":
                    n += self.open_qty(it)
        return max(0, offer["stock"]["amount"] - n)

    def change(self, c):
        """A fault of kind change: {"timeout": N}, the next N processes
        end in TIMEOUT."""
        self.timeouts += c.get("timeout", 0)

    def check_change(self, c):
        if set(c) != {"timeout"} or not is_int(c["timeout"]) or \
                c["timeout"] < 1:
            raise ValueError('bol knows the change {"timeout": N}, N >= 1')

    # ---- the hooks sandbox.py calls

    def authenticate(self, req):
        if req.path == "/token":
            return self.token_auth(req)
        header = (req.header("Authorization") or "").strip()
        if not header:
            req.bol_auth = "missing"
            return "missing", None
        scheme, _, token = header.partition(" ")
        token = token.strip()
        with self.lock:
            exp = self.tokens.get(token) if scheme.lower() == "bearer" \
                else None
        if exp is None:
            req.bol_auth = "bad"
            return "bad", None
        if self.now() > exp + timedelta(seconds=1):   # clock skew 1000 ms
            req.bol_auth = "expired"
            req.bol_exp = exp
            return "bad", None
        return "ok", self.client_id

    def token_auth(self, req):
        """Count the token request, see whether the IP is blocked
        (decision 2), and check the client credentials (decision 1)."""
        t = time.monotonic()
        with self.lock:
            self.token_requests += 1
            self.token_log = [x for x in self.token_log
                              if t - x < self.token_window] + [t]
            if len(self.token_log) > self.token_limit:
                req.bol_blocked = True
                return "ok", None
        q = dict(req.params())
        if "client_id" in q or "client_secret" in q:
            req.bol_query_secret = True
            return "ok", None
        cid = secret = None
        header = (req.header("Authorization") or "").strip()
        if header:
            scheme, _, cred = header.partition(" ")
            if scheme.lower() == "basic":
                try:
                    cid, _, secret = base64.b64decode(
                        cred.strip(), validate=True).decode("utf-8") \
                        .partition(":")
                except (binascii.Error, UnicodeDecodeError):
                    pass
        else:
            form = self.form(req)
            cid, secret = form.get("client_id"), form.get("client_secret")
        if cid is None and secret is None:
            return "missing", None
        if cid != self.client_id or secret != self.client_secret:
            return "bad", None
        return "ok", None

    @staticmethod
    def form(req):
        ct = (req.header("Content-Type") or "").split(";")[0].strip().lower()
        if ct != "application/x-www-form-urlencoded" or not req.body:
            return {}
        try:
            return dict(parse_qsl(req.body.decode("utf-8"),
                                  keep_blank_values=True))
        except UnicodeDecodeError:
            return {}

    def unauthorized(self, req, state):
        if req.path == "/token":
            return oauth_error(401, "invalid_client", "Bad client credentials")
        if getattr(req, "bol_auth", "") == "expired":
            now = self.now().astimezone(timezone.utc)
            exp = req.bol_exp.astimezone(timezone.utc)
            ms = int((now - exp).total_seconds() * 1000)
            return bol_response(401, {
                "title": "Expired JWT", "status": 401,
                "detail": "JWT expired at %s. Current time: %s, a difference "
                          "of %d milliseconds.  Allowed clock skew: 1000 "
                          "milliseconds." % (
                              exp.strftime("%Y-%m-%dT%H:%M:%SZ"),
                              now.strftime("%Y-%m-%dT%H:%M:%SZ"), ms)})
        return self.problem(req, 401, "Unauthorized",
                            "Full authentication is required to access "
                            "this resource.",
                            headers=[("WWW-Authenticate", 'Bearer realm="api"')])

    def rate_headers(self, limit, remaining):
        return []               # per bucket, added in handle() (decision 9)

    def rate_limited(self, limit, retry=1, rate=None):
        headers = [("Retry-After", str(retry))]
        if rate:
            headers += [("X-RateLimit-Limit", str(rate[0])),
                        ("X-RateLimit-Remaining", "0"),
                        ("X-RateLimit-Reset", str(retry))]
        return bol_response(429, {
            "title": "Too Many Requests", "status": 429,
            "detail": "Too many requests, retry in %d seconds." % retry},
            headers=headers)

    def server_error(self):
        return Response(500, b"Internal Server Error",
                        "text/html; charset=UTF-8")

    def check(self, req):
        """Route, rate-limit bucket and media types, before handle()."""
        if req.path == "/token":
            return None
        found = [r for r in ROUTES if r[1].fullmatch(req.path)]
        if not found:
            return self.problem(req, 404, "Not Found",
                                "No endpoint found for %s." % req.path)
        route = next((r for r in found if r[0] == req.method), None)
        if route is None:
            allow = ", ".join(sorted({r[0] for r in found}))
            return self.problem(req, 405, "Method Not Allowed",
                                "Request method '%s' is not supported."
                                % req.method, headers=[("Allow", allow)])
        method, pattern, handler, types, bucket = route
        cap, window = self.rates[bucket]
        t = time.monotonic()
        with self.lock:
            w = self.windows.get(bucket)
            if w is None or t - w[0] >= window:
                w = self.windows[bucket] = [t, 0]
            reset = max(1, int(-(-(window - (t - w[0])) // 1)))
            if w[1] >= cap:
                return self.rate_limited(None, reset, (cap, window))
            w[1] += 1
            req.bol_rate = [("X-RateLimit-Limit", str(cap)),
                            ("X-RateLimit-Remaining", str(cap - w[1])),
                            ("X-RateLimit-Reset", str(reset))]
        accept = [a.split(";")[0].strip().lower()
                  for a in (req.header("Accept") or "").split(",")]
        mt = next((x for x in types if x in accept), None)
        if mt is None:
            return self.problem(req, 406, "Not Acceptable",
                                "The supplied accept header is not "
                                "supported; this endpoint produces %s."
                                % " or ".join(types),
                                headers=req.bol_rate)
        req.bol_mt = mt
        if req.method in ("POST", "PUT", "PATCH"):
            ct = (req.header("Content-Type") or "").split(";")[0].strip()
            if ct.lower() != mt:
                return self.problem(req, 415, "Unsupported Media Type",
                                    "The supplied content-type media type "
                                    "is not supported.", headers=req.bol_rate)
        req.bol_route = (handler, pattern.fullmatch(req.path).groups())
        return None

    def handle(self, req):
        self.tick()
        resp = super().handle(req)
        resp.headers.extend(getattr(req, "bol_rate", []))
        return resp

    def route(self, req):
        if req.path == "/token":
            return self.token(req)
        handler, args = req.bol_route
        return getattr(self, handler)(req, *args)

    def writes(self):
        self.tick()
        return super().writes()

    def state(self):
        self.tick()
        with self.lock:
            tokens = {"tokenRequests": self.token_requests,
                      "tokensGranted": self.tokens_granted}
        return dict(tokens, **{
            "offers": [self.offer_v11(o) for o in self.offers],
            "orders": [self.order_json(o) for o in self.orders],
            "shipments": self.shipments,
            "processStatuses": [self.process_json(p, "")
                                for p in self.processes.values()],
            "writes": self.writes()})

    # ---- errors

    def problem(self, req, status, title, detail, violations=None,
                headers=None):
        host = req.header("Host") or "127.0.0.1"
        mt = getattr(req, "bol_mt", V10)
        return bol_response(status, {
            "type": PROBLEM_TYPE, "title": title, "status": status,
            "detail": detail, "host": "Instance-001",
            "instance": "http://%s%s" % (host, req.path),
            "violations": violations}, mt, headers)

    def invalid(self, req, *violations):
        return Reject(self.problem(req, 400, VALIDATION, "Bad request",
                                   list(violations)))

    def not_found(self, req, detail):
        return Reject(self.problem(req, 404, "Not Found", detail))

    def params(self, req, allowed, lists=()):
        """The query as {name: value}, or {name: [values]} for lists;
        unknown or repeated parameters refused (decision 6)."""
        out = {}
        for name, value in req.params():
            if name not in allowed:
                raise self.invalid(req, violation(
                    name, "Unknown query parameter (the sandbox knows %s)."
                    % ", ".join(allowed)))
            if name in lists:
                out.setdefault(name, []).extend(
                    v for v in value.split(",") if v)
            elif name in out:
                raise self.invalid(req, violation(
                    name, "Query parameter given more than once."))
            else:
                out[name] = value
        return out

    def int_param(self, req, q, name, default, lo, hi=None):
        v = q.get(name)
        if v is None:
            return default
        if not re.fullmatch(r"-?\d{1,9}", v):
            raise self.invalid(req, violation(
                name, "Request contains invalid value(s): '%s', expected an "
                "integer." % v))
        n = int(v)
        if n < lo:
            raise self.invalid(req, violation(
                name, "must be greater than or equal to %d" % lo))
        if hi is not None and n > hi:
            raise self.invalid(req, violation(
                name, "must be less than or equal to %d" % hi))
        return n

    def enum_param(self, req, q, name, allowed, default):
        v = q.get(name, default)
        if v not in allowed:
            raise self.invalid(req, violation(name, enum_reason(v, allowed)))
        return v

    def body(self, req, allowed):
        if not req.json_ok or not isinstance(req.json, dict):
            raise Reject(self.problem(req, 400, VALIDATION,
                                      "The request body is not a valid JSON "
                                      "object."))
        extra = sorted(set(req.json) - set(allowed))
        if extra:
            raise self.invalid(req, *[violation(
                k, "Unknown member (the sandbox emulates %s)."
                % ", ".join(allowed)) for k in extra])
        return req.json

    # ---- token (decisions 1, 2)

    def token(self, req):
        if getattr(req, "bol_blocked", False):
            return Response(404, b"Not Found", "text/html; charset=UTF-8")
        if req.method != "POST":
            return oauth_error(405, "invalid_request",
                               "The token endpoint takes POST only.")
        if getattr(req, "bol_query_secret", False):
            return oauth_error(400, "invalid_request",
                               "Client credentials must not be sent in the "
                               "URL.")
        grant = dict(req.params()).get("grant_type") or \
            self.form(req).get("grant_type")
        if not grant:
            return oauth_error(400, "invalid_request",
                               "Missing grant_type parameter.")
        if grant != "client_credentials":
            return oauth_error(400, "unsupported_grant_type",
                               "Unsupported grant type: %s" % grant)
        now = self.now()
        exp = now + timedelta(seconds=self.token_ttl)
        head = b64url(b'{"kid":"sandbox","alg":"RS256"}')
        body = b64url(json.dumps({
            "sub": self.client_id, "iss": "https://login.bol.com",
            "scopes": "RETAILER", "iat": int(now.timestamp()),
            "exp": int(exp.timestamp()), "jti": str(uuid.uuid4())},
            separators=(",", ":")).encode())
        sig = b64url(hmac.new(self.secret, ("%s.%s" % (head, body)).encode(),
                              hashlib.sha256).digest())
        token = "%s.%s.%s" % (head, body, sig)
        with self.lock:
            self.tokens[token] = exp
            self.tokens_granted += 1
        return Response(200, json.dumps({
            "access_token": token, "token_type": "Bearer",
            "expires_in": self.token_ttl, "scope": "RETAILER"}).encode(),
            "application/json;charset=UTF-8",
            [("Cache-Control", "no-store"), ("Pragma", "no-cache")])

    # ---- orders (decision 7)

    def item_json(self, it):
        out = {k: v for k, v in it.items() if k != "vvb"}
        return out

    def order_json(self, o):
        out = dict(o)
        out["orderItems"] = [self.item_json(it) for it in o["orderItems"]]
        return out

    def list_orders(self, req):
        q = self.params(req, ("page", "fulfilment-method", "status",
                              "latest-change-date", "change-interval-minute",
                              "vvb-only"))
        page = self.int_param(req, q, "page", 1, 1)
        method = self.enum_param(req, q, "fulfilment-method",
                                 ("FBR", "FBB", "ALL"), "FBR")
        status = self.enum_param(req, q, "status", ("OPEN", "SHIPPED", "ALL"),
                                 "OPEN")
        vvb = self.enum_param(req, q, "vvb-only", ("true", "false"), "false")
        now = amsterdam(self.now())
        day = q.get("latest-change-date")
        if day is not None:
            try:
                d = datetime.strptime(day, "%Y-%m-%d").date() \
                    if DATE_RE.match(day) else None
            except ValueError:
                d = None
            if d is None:
                raise self.invalid(req, violation(
                    "latest-change-date", "Request contains invalid value(s): "
                    "'%s', expected a date as yyyy-MM-dd." % day))
            if d > now.date() or d < (now - timedelta(days=92)).date():
                raise self.invalid(req, violation(
                    "latest-change-date", "Only dates up to 3 months in the "
                    "past are supported."))
        minutes = self.int_param(req, q, "change-interval-minute", None, 1, 60)

        def keep(it):
            if method != "ALL" and it["fulfilment"]["method"] != method:
                return False
            if status == "OPEN" and self.open_qty(it) == 0:
                return False
            if status == "SHIPPED" and it["quantityShipped"] == 0:
                return False
            if vvb == "true" and not it.get("vvb"):
                return False
            changed = amsterdam(parse_time(it["latestChangedDateTime"]))
            if day is not None and changed.date().isoformat() != day:
                return False
            if minutes is not None and \
                    changed < now - timedelta(minutes=minutes):
                return False
            return True
        found = []
        for o in sorted(self.orders, key=lambda o: (
                parse_time(o["orderPlacedDateTime"]), o["orderId"]),
                reverse=True):
            items = [it for it in o["orderItems"] if keep(it)]
            if items:
                found.append({
                    "orderId": o["orderId"],
                    "orderPlacedDateTime": o["orderPlacedDateTime"],
                    "orderItems": [{
                        "orderItemId": it["orderItemId"],
                        "ean": it["product"]["ean"],
                        "fulfilmentMethod": it["fulfilment"]["method"],
                        "fulfilmentStatus": "OPEN" if self.open_qty(it)
                        else "HANDLED",
                        "quantity": it["quantity"],
                        "quantityShipped": it["quantityShipped"],
                        "quantityCancelled": it["quantityCancelled"],
                        "cancellationRequest": it["cancellationRequest"],
                        "latestChangedDateTime": it["latestChangedDateTime"],
                    } for it in items]})
        chunk = found[(page - 1) * PAGE:page * PAGE]
        return bol_response(200, {"orders": chunk})

    def get_order(self, req, oid):
        self.params(req, ())
        o = self.order_by_id.get(oid)
        if o is None:
            raise self.not_found(req, "Order for order id %s not found." % oid)
        return bol_response(200, self.order_json(o))

    # ---- shipments (decisions 8, 13)

    def list_shipments(self, req):
        q = self.params(req, ("page", "fulfilment-method", "order-id"))
        page = self.int_param(req, q, "page", 1, 1)
        if "order-id" in q and "fulfilment-method" in q:
            raise self.invalid(req, violation(
                "order-id", "order-id is only valid without "
                "fulfilment-method."))
        method = self.enum_param(req, q, "fulfilment-method", ("FBR", "FBB"),
                                 "FBR")
        out = []
        for s in sorted(self.shipments, key=lambda s: (
                parse_time(s["shipmentDateTime"]), s["shipmentId"]),
                reverse=True):
            o = self.order_by_id[s["orderId"]]
            if "order-id" in q:
                if s["orderId"] != q["order-id"]:
                    continue
            elif self.shipment_method(s) != method:
                continue
            out.append({
                "shipmentId": s["shipmentId"],
                "shipmentDateTime": s["shipmentDateTime"],
                "shipmentReference": s.get("shipmentReference"),
                "order": {"orderId": o["orderId"],
                          "orderPlacedDateTime": o["orderPlacedDateTime"]},
                "shipmentItems": [{
                    "orderItemId": si["orderItemId"],
                    "ean": self.item_by_id[si["orderItemId"]][1]["product"]
                    ["ean"]} for si in s["items"]],
                "transport": {"transportId": s["transport"]["transportId"]}})
        return bol_response(200, {"shipments": out[(page - 1) * PAGE:
                                                   page * PAGE]})

    def shipment_method(self, s):
        it = self.item_by_id[s["items"][0]["orderItemId"]][1]
        return it["fulfilment"]["method"]

    def get_shipment(self, req, sid):
        self.params(req, ())
        s = self.shipment_by_id.get(sid)
        if s is None:
            raise self.not_found(req, "Shipment for shipment id %s not found."
                                 % sid)
        o = self.order_by_id[s["orderId"]]
        items = []
        for si in s["items"]:
            it = self.item_by_id[si["orderItemId"]][1]
            f = it["fulfilment"]
            items.append({
                "orderItemId": it["orderItemId"],
                "fulfilment": {"method": f["method"],
                               "distributionParty": f.get("distributionParty"),
                               "latestDeliveryDate":
                                   f.get("latestDeliveryDate")},
                "offer": it.get("offer"), "product": it["product"],
                "quantity": it["quantity"], "quantityShipped": si["quantity"],
                "unitPrice": it["unitPrice"], "commission": it.get("commission")})
        t = s["transport"]
        return bol_response(200, {
            "shipmentId": s["shipmentId"],
            "shipmentDateTime": s["shipmentDateTime"],
            "shipmentReference": s.get("shipmentReference"),
            "pickupPoint": o.get("pickupPoint", False),
            "order": {"orderId": o["orderId"],
                      "orderPlacedDateTime": o["orderPlacedDateTime"]},
            "shipmentDetails": o.get("shipmentDetails"),
            "billingDetails": o.get("billingDetails"),
            "shipmentItems": items,
            "transport": {"transportId": t["transportId"],
                          "transporterCode": t["transporterCode"],
                          "trackAndTrace": t.get("trackAndTrace")}})

    def create_shipment(self, req):
        self.params(req, ())
        b = self.body(req, ("orderItems", "shipmentReference",
                            "shippingLabelId", "transport"))
        bad = []
        items = b.get("orderItems")
        if not isinstance(items, list) or not 1 <= len(items) <= 100:
            bad.append(violation("orderItems", "size must be between 1 and "
                                 "100"))
            items = []
        seen = set()
        for i, it in enumerate(items):
            name = "orderItems[%d]" % i
            if not isinstance(it, dict) or set(it) - {"orderItemId",
                                                      "quantity"}:
                bad.append(violation(name, "An order item takes orderItemId "
                                     "and quantity."))
                continue
            iid = it.get("orderItemId")
            if not isinstance(iid, str) or not iid:
                bad.append(violation(name + ".orderItemId", "must not be "
                                     "blank"))
            elif iid in seen:
                bad.append(violation(name + ".orderItemId", "Order item %s "
                                     "is given more than once." % iid))
            seen.add(iid)
            if "quantity" in it and (not is_int(it["quantity"]) or
                                     it["quantity"] < 1):
                bad.append(violation(name + ".quantity", "must be greater "
                                     "than or equal to 1"))
        ref = b.get("shipmentReference")
        if ref is not None and (not isinstance(ref, str) or
                                not 1 <= len(ref) <= 90):
            bad.append(violation("shipmentReference", "Only 'null' or "
                                 "non-empty strings of at most 90 characters "
                                 "are accepted."))
        if "shippingLabelId" in b:
            bad.append(violation("shippingLabelId", "Shipping labels are not "
                                 "emulated by the sandbox; send transport."))
        t = b.get("transport")
        if not isinstance(t, dict):
            if "shippingLabelId" not in b:
                bad.append(violation("transport", "must not be null when no "
                                     "shippingLabelId is given"))
        else:
            extra = set(t) - {"transporterCode", "trackAndTrace"}
            if extra:
                bad.append(violation("transport", "Unknown member(s): %s."
                                     % ", ".join(sorted(extra))))
            code = t.get("transporterCode")
            if code is None:
                bad.append(violation("transport.transporterCode",
                                     "must not be null"))
            elif code not in TRANSPORTERS:
                bad.append(violation("transport.transporterCode",
                                     enum_reason(code, TRANSPORTERS)))
            tt = t.get("trackAndTrace")
            if tt is not None and (not isinstance(tt, str) or not tt):
                bad.append(violation("transport.trackAndTrace",
                                     "must not be blank"))
        if bad:
            raise self.invalid(req, *bad)
        entity = items[0]["orderItemId"] if len(items) == 1 else None
        p = self.start(req, "CREATE_SHIPMENT", entity, "Create shipment.",
                       ("ship", {"items": items, "reference": ref,
                                 "transport": dict(t)}))
        return bol_response(202, self.process_json(p, self.host(req)))

    def ship(self, data):
        """Carry out a CREATE_SHIPMENT: None, or why it failed."""
        order = None
        plan = []
        for it in data["items"]:
            iid = it["orderItemId"]
            o, item = self.item_by_id.get(iid, (None, None))
            if o is None:
                return "Order item %s not found." % iid
            if order is not None and o is not order:
                return "Order items %s and %s belong to different orders." \
                    % (data["items"][0]["orderItemId"], iid)
            order = o
            if item["fulfilment"]["method"] != "FBR":
                return "Order item %s is fulfilled by bol (FBB)." % iid
            left = self.open_qty(item)
            if item["quantityCancelled"] == item["quantity"]:
                return "Order item %s has been cancelled." % iid
            if left == 0:
                return "Order item %s has already been shipped." % iid
            qty = it.get("quantity", left)
            if qty > left:
                return ("Quantity %d of order item %s exceeds the open "
                        "quantity %d." % (qty, iid, left))
            plan.append((item, qty))
        now = fmt(self.now())
        for item, qty in plan:
            item["quantityShipped"] += qty
            item["latestChangedDateTime"] = now
        sid = str(700000000 + len(self.shipments) + 1)
        s = {"shipmentId": sid, "shipmentDateTime": now,
             "shipmentReference": data["reference"],
             "orderId": order["orderId"],
             "items": [{"orderItemId": item["orderItemId"], "quantity": qty}
                       for item, qty in plan],
             "transport": {"transportId": str(800000000 + len(self.shipments)
                                              + 1),
                           "transporterCode": data["transport"]
                           ["transporterCode"],
                           "trackAndTrace": data["transport"]
                           .get("trackAndTrace")}}
        self.shipments.append(s)
        self.shipment_by_id[sid] = s
        self.count("order %s shipment" % order["orderId"])
        return None

    # ---- offers (decisions 10, 11)

    def offer_v11(self, o):
        return {k: o.get(k) for k in (
            "offerId", "ean", "lastModifiedDateTime", "reference",
            "onHoldByRetailer", "economicOperatorId", "unknownProductTitle",
            "stock", "countryAvailabilities", "condition", "product",
            "pricing", "fulfilment")}

    def offer_v10(self, o):
        f = o["fulfilment"]
        return {
            "offerId": o["offerId"], "ean": o["ean"],
            "reference": o.get("reference"),
            "onHoldByRetailer": o["onHoldByRetailer"],
            "unknownProductTitle": o.get("unknownProductTitle"),
            "pricing": o.get("pricing"),
            "stock": o["stock"],
            "fulfilment": {"method": f["method"],
                           "deliveryCode": "1-2d" if f["method"] == "FBR"
                           else None},
            "store": {"productTitle": o.get("title"),
                      "visible": [{"countryCode": c["countryCode"]}
                                  for c in o.get("countryAvailabilities", [])
                                  if c.get("forSale")]},
            "condition": {"name": "NEW", "category": "NEW"},
            "notPublishableReasons": []}

    def offer_or_404(self, req, oid, uuid_only):
        if uuid_only and not UUID_RE.match(oid):
            raise self.invalid(req, violation(
                "offer-id", "Request contains invalid value(s): '%s', "
                "expected a UUID." % oid))
        o = self.offer_by_id.get(oid)
        if o is None:
            raise self.not_found(req, "Offer with id %s not found." % oid)
        return o

    def list_offers(self, req):
        q = self.params(req, ("offer-ids", "eans", "reference", "for-sale",
                              "last-modified-date-time", "page-size",
                              "cursor"), lists=("offer-ids", "eans"))
        size = self.int_param(req, q, "page-size", 25, 1, 100)
        for_sale = self.enum_param(req, q, "for-sale", ("true", "false"), None)\
            if "for-sale" in q else None
        since = None
        if "last-modified-date-time" in q:
            since = parse_time(q["last-modified-date-time"])
            if since is None:
                raise self.invalid(req, violation(
                    "last-modified-date-time", "Request contains invalid "
                    "value(s): '%s', expected an ISO 8601 date-time."
                    % q["last-modified-date-time"]))
        for oid in q.get("offer-ids", []):
            if not UUID_RE.match(oid):
                raise self.invalid(req, violation(
                    "offer-ids", "Request contains invalid value(s): '%s', "
                    "expected a UUID." % oid))
        start = 0
        if "cursor" in q:
            start = self.read_cursor(q["cursor"])
            if start is None:
                raise self.invalid(req, violation("cursor", "Invalid cursor."))

        def keep(o):
            if q.get("offer-ids") and o["offerId"] not in q["offer-ids"]:
                return False
            if q.get("eans") and o["ean"] not in q["eans"]:
                return False
            if "reference" in q and o.get("reference") != q["reference"]:
                return False
            if for_sale is not None:
                sale = any(c.get("forSale") for c in
                           o.get("countryAvailabilities", []))
                if sale != (for_sale == "true"):
                    return False
            if since is not None and \
                    parse_time(o["lastModifiedDateTime"]) < since:
                return False
            return True
        out = []
        nxt = None
        for i in range(start, len(self.offers)):
            if keep(self.offers[i]):
                if len(out) == size:
                    nxt = self.make_cursor(i)
                    break
                out.append(self.offer_v11(self.offers[i]))
        return bol_response(200, {"offers": out,
                                  "page": {"pageSize": size,
                                           "nextCursor": nxt}}, V11)

    def make_cursor(self, index):
        raw = json.dumps({"i": index}).encode()
        mac = hmac.new(self.secret, raw, hashlib.sha256).digest()[:8]
        return b64url(raw + mac)

    def read_cursor(self, text):
        try:
            data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            raw, mac = data[:-8], data[-8:]
            if not hmac.compare_digest(mac, hmac.new(
                    self.secret, raw, hashlib.sha256).digest()[:8]):
                return None
            i = json.loads(raw)["i"]
        except (binascii.Error, ValueError, KeyError, TypeError):
            return None
        return i if is_int(i) and 0 <= i <= len(self.offers) else None

    def get_offer(self, req, oid):
        self.params(req, ())
        if req.bol_mt == V10:
            return bol_response(200, self.offer_v10(
                self.offer_or_404(req, oid, False)))
        return bol_response(200, self.offer_v11(
            self.offer_or_404(req, oid, True)), V11)

    def check_stock(self, req, st, required, prefix):
        bad = []
        if not isinstance(st, dict):
            raise self.invalid(req, violation(prefix.rstrip("."),
                                              "must be an object"))
        extra = set(st) - {"amount", "managedByRetailer"}
        if extra:
            bad.append(violation(prefix + sorted(extra)[0], "Unknown member "
                                 "(stock takes amount and "
                                 "managedByRetailer)."))
        for k in ("amount", "managedByRetailer"):
            if required and st.get(k) is None:
                bad.append(violation(prefix + k, "must not be null"))
        a = st.get("amount")
        if a is not None:
            if not is_int(a):
                bad.append(violation(prefix + "amount", "must be an integer"))
            elif a < 0:
                bad.append(violation(prefix + "amount", "must be greater than "
                                     "or equal to 0"))
            elif a > 999:
                bad.append(violation(prefix + "amount", "must be less than or "
                                     "equal to 999"))
        m = st.get("managedByRetailer")
        if m is not None and not isinstance(m, bool):
            bad.append(violation(prefix + "managedByRetailer",
                                 "must be a boolean"))
        if not required and not st:
            bad.append(violation(prefix.rstrip("."), "must not be empty"))
        if bad:
            raise self.invalid(req, *bad)

    def set_stock(self, o, st):
        o["stock"]["amount"] = st.get("amount", o["stock"]["amount"])
        if "managedByRetailer" in st:
            o["stock"]["managedByRetailer"] = st["managedByRetailer"]
        o["stockSetAt"] = self.now()
        o["stock"]["correctedStock"] = self.corrected(o)
        o["lastModifiedDateTime"] = fmt(self.now())
        self.count(o.get("reference") or "offer %s" % o["offerId"])

    def patch_offer(self, req, oid):
        self.params(req, ())
        o = self.offer_or_404(req, oid, True)
        b = self.body(req, ("stock",))
        if "stock" not in b:
            raise self.invalid(req, violation("stock", "must not be null (the "
                                              "sandbox emulates stock only)"))
        self.check_stock(req, b["stock"], False, "stock.")
        self.set_stock(o, b["stock"])
        return Response(204, b"", V11 + ";charset=UTF-8")

    def put_stock(self, req, oid):
        self.params(req, ())
        o = self.offer_or_404(req, oid, False)
        b = self.body(req, ("amount", "managedByRetailer"))
        self.check_stock(req, b, True, "")
        p = self.start(req, "UPDATE_OFFER_STOCK", o["offerId"],
                       "Update stock for offer with id %s." % o["offerId"],
                       ("stock", {"offerId": o["offerId"], "stock": dict(b)}))
        return bol_response(202, self.process_json(p, self.host(req)))

    # ---- process status (decision 12)

    @staticmethod
    def host(req):
        return "http://%s" % (req.header("Host") or "127.0.0.1")

    def start(self, req, event, entity, description, work):
        pid = str(uuid.UUID(int=self.ids.getrandbits(128), version=4))
        p = {"processStatusId": pid, "entityId": entity, "eventType": event,
             "description": description, "status": "PENDING",
             "createTimestamp": fmt(self.now()), "t0": time.monotonic(),
             "work": work, "ended": None, "errorMessage": None}
        self.processes[pid] = p
        return p

    def tick(self):
        """Run the processes whose time has come, oldest first; forget
        the ones that ended process_ttl seconds ago."""
        t = time.monotonic()
        for pid, p in list(self.processes.items()):
            if p["status"] == "PENDING" and t - p["t0"] >= self.process_delay:
                if self.timeouts > 0:
                    self.timeouts -= 1
                    p["status"] = "TIMEOUT"
                else:
                    kind, data = p["work"]
                    if kind == "ship":
                        why = self.ship(data)
                    else:
                        o = self.offer_by_id.get(data["offerId"])
                        why = None if o else "Offer %s not found." \
                            % data["offerId"]
                        if o:
                            self.set_stock(o, data["stock"])
                    p["status"] = "FAILURE" if why else "SUCCESS"
                    p["errorMessage"] = why
                p["ended"] = t
            if p["ended"] is not None and t - p["ended"] >= self.process_ttl:
                del self.processes[pid]

    def process_json(self, p, host):
        return {"processStatusId": p["processStatusId"],
                "entityId": p["entityId"], "eventType": p["eventType"],
                "description": p["description"], "status": p["status"],
                "errorMessage": p["errorMessage"],
                "createTimestamp": p["createTimestamp"],
                "links": [{"rel": "self", "href": "%s/shared/process-status/%s"
                           % (host, p["processStatusId"]), "method": "GET"}]}

    def get_process(self, req, pid):
        self.params(req, ())
        p = self.processes.get(pid)
        if p is None:
            raise self.not_found(req, "Process status with id %s not found."
                                 % pid)
        return bol_response(200, self.process_json(p, self.host(req)))

    def bulk_process(self, req):
        self.params(req, ())
        b = self.body(req, ("processStatusQueries",))
        qs = b.get("processStatusQueries")
        if not isinstance(qs, list) or not 1 <= len(qs) <= 1000:
            raise self.invalid(req, violation("processStatusQueries",
                                              "size must be between 1 and "
                                              "1000"))
        bad = [violation("processStatusQueries[%d].processStatusId" % i,
                         "must not be blank")
               for i, x in enumerate(qs)
               if not isinstance(x, dict) or set(x) != {"processStatusId"} or
               not isinstance(x["processStatusId"], str) or
               not x["processStatusId"]]
        if bad:
            raise self.invalid(req, *bad)
        out = [self.process_json(self.processes[x["processStatusId"]],
                                 self.host(req))
               for x in qs if x["processStatusId"] in self.processes]
        return bol_response(200, {"processStatuses": out})

    EVENTS = ("CREATE_SHIPMENT", "CANCEL_ORDER", "CHANGE_TRANSPORT",
              "HANDLE_RETURN_ITEM", "CREATE_RETURN_ITEM", "CREATE_INBOUND",
              "DELETE_OFFER", "CREATE_OFFER", "UPDATE_OFFER",
              "UPDATE_OFFER_STOCK", "UPDATE_OFFER_PRICE",
              "CREATE_OFFER_EXPORT", "UNPUBLISHED_OFFER_REPORT",
              "CREATE_PRODUCT_CONTENT", "CREATE_SUBSCRIPTION",
              "UPDATE_SUBSCRIPTION", "DELETE_SUBSCRIPTION",
              "SEND_SUBSCRIPTION_TST_MSG", "CREATE_SHIPPING_LABEL")

    def find_process(self, req):
        q = self.params(req, ("entity-id", "event-type", "page"))
        page = self.int_param(req, q, "page", 1, 1)
        bad = [violation(n, "Required query parameter '%s' is not present."
                         % n) for n in ("entity-id", "event-type") if n not in q]
        if bad:
            raise self.invalid(req, *bad)
        self.enum_param(req, q, "event-type", self.EVENTS, None)
        found = [p for p in reversed(list(self.processes.values()))
                 if p["entityId"] == q["entity-id"] and
                 p["eventType"] == q["event-type"]]
        out = [self.process_json(p, self.host(req))
               for p in found[(page - 1) * PAGE:page * PAGE]]
        return bol_response(200, {"processStatuses": out})


def oauth_error(status, code, description):
    """The token endpoint's errors, as RFC 6749 5.2 and [fix]."""
    return Response(status, json.dumps({
        "error": code, "error_description": description}).encode(),
        "application/json;charset=UTF-8", [("Cache-Control", "no-store")])


# ------------------------------------------------------------ --generate

KINDS = (("TS", "T-shirt"), ("HD", "Hoodie"), ("MUG", "Mok"), ("CAP", "Pet"),
         ("SCK", "Sokken"), ("BAG", "Tas"))
COLOURS = (("RED", "rood"), ("BLU", "blauw"), ("BLK", "zwart"),
           ("WHT", "wit"), ("GRN", "groen"))
SIZES = ("S", "M", "L", "XL")
PEOPLE = (("Zoë", "Müller", "Utrecht", "NL", "3511AB"),
          ("Jan", "de Vries", "Amsterdam", "NL", "1011AA"),
          ("François", "Lefèvre", "Liège", "BE", "4000"),
          ("Anouk", "Jansen", "Groningen", "NL", "9711AA"),
          ("Ruud", "Bakker", "Gent", "BE", "9000"),
          ("Noël", "Peeters", "Antwerpen", "BE", "2000"))
GEN_TRANSPORTERS = ("TNT", "DHL", "DPD-NL", "BPOST_BE")


def ean13(n):
    digits = "871" + "%09d" % n
    s = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return digits + str((10 - s % 10) % 10)


def generate_data(spec, seed, offers, orders, shipments, now):
    """Offers and orders for volume tests, deterministic for --seed.
    offers=N (or products=N): every 17th on hold, every 23rd FBB, every
    31st without reference.  orders=M: 1-3 items each, every 5th open,
    every 9th partly shipped, every 13th cancelled, the rest shipped,
    placed over the 60 days before now."""
    rng = random.Random(seed)
    n_offers = spec.get("offers", spec.get("products"))
    if n_offers is not None or ("orders" in spec and not offers):
        offers = []
        for i in range(1, (n_offers if n_offers is not None else 20) + 1):
            kind, name = KINDS[i % len(KINDS)]
            col, cname = COLOURS[(i // len(KINDS)) % len(COLOURS)]
            size = SIZES[i % len(SIZES)]
            sale = i % 17 != 0
            offers.append({
                "offerId": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "ean": ean13(i),
                "reference": None if i % 31 == 0 else "%s-%s-%s-%05d" % (
                    kind, col, size, i),
                "onHoldByRetailer": i % 17 == 0,
                "title": "%s %s %s" % (name, cname, size),
                "stock": {"amount": rng.randrange(0, 200),
                          "managedByRetailer": i % 2 == 0},
                "countryAvailabilities": [{"countryCode": "NL",
                                           "forSale": sale},
                                          {"countryCode": "BE",
                                           "forSale": sale}],
                "condition": {"category": "NEW"},
                "pricing": {"bundlePrices": [{"quantity": 1, "unitPrice":
                                              round(rng.uniform(5, 60), 2)}]},
                "fulfilment": {"method": "FBB" if i % 23 == 0 else "FBR"},
                "lastModifiedDateTime": fmt(now - timedelta(
                    minutes=rng.randrange(1, 90 * 24 * 60)))})
    if "orders" in spec:
        orders, shipments = [], []
        for n in range(1, spec["orders"] + 1):
            placed = now - timedelta(minutes=rng.randrange(60, 60 * 24 * 60))
            first, last, city, country, zipc = PEOPLE[n % len(PEOPLE)]
            addr = {"salutation": "UNKNOWN", "firstName": first,
                    "surname": last, "streetName": "Dorpstraat",
                    "houseNumber": str(n % 200 + 1), "zipCode": zipc,
                    "city": city, "countryCode": country,
                    "email": "%s@verkopen.bol.com" % b64url(
                        hashlib.sha1(b"%d" % n).digest())[:20].lower(),
                    "language": "nl" if country == "NL" else "nl-BE"}
            oid = str(1100000000 + n)
            items = []
            for k in range(rng.randrange(1, 4)):
                off = offers[rng.randrange(len(offers))]
                qty = rng.randrange(1, 4)
                price = off["pricing"]["bundlePrices"][0]["unitPrice"]
                items.append({
                    "orderItemId": str(2100000000 + n * 10 + k),
                    "cancellationRequest": False,
                    "fulfilment": {"method": off["fulfilment"]["method"],
                                   "distributionParty": "RETAILER"
                                   if off["fulfilment"]["method"] == "FBR"
                                   else "BOL",
                                   "latestDeliveryDate": (placed + timedelta(
                                       days=2)).date().isoformat(),
                                   "timeFrameType": "REGULAR"},
                    "offer": {"offerId": off["offerId"],
                              "reference": off.get("reference")},
                    "product": {"ean": off["ean"], "title": off["title"]},
                    "quantity": qty,
                    "quantityCancelled": qty if n % 13 == 0 else 0,
                    "unitPrice": price, "totalPrice": round(price * qty, 2),
                    "commission": round(price * qty * 0.15, 2),
                    "latestChangedDateTime": fmt(placed)})
            orders.append({"orderId": oid, "pickupPoint": False,
                           "orderPlacedDateTime": fmt(placed),
                           "shipmentDetails": addr,
                           "billingDetails": dict(addr), "orderItems": items})
            if n % 13 == 0 or n % 5 == 0:
                continue
            ship = [{"orderItemId": it["orderItemId"],
                     "quantity": 1 if n % 9 == 0 else it["quantity"]}
                    for it in items]
            when = placed + timedelta(hours=rng.randrange(2, 48))
            for it in items:
                it["latestChangedDateTime"] = fmt(when)
            shipments.append({
                "shipmentId": str(600000000 + n), "shipmentDateTime": fmt(when),
                "shipmentReference": "SW-%d" % n, "orderId": oid,
                "items": ship,
                "transport": {"transportId": str(500000000 + n),
                              "transporterCode": GEN_TRANSPORTERS[
                                  n % len(GEN_TRANSPORTERS)],
                              "trackAndTrace": "3SBOL%09d" % n}})
    return offers, orders, shipments
