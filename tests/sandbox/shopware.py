"""shopware.py: the Shopware 6 Admin API for sandbox.py.

    python3 tests/sandbox/sandbox.py --platform shopware \
        --data tests/sandbox/data/shopware [--generate orders=N,products=M] \
        [--set token_ttl=600] [--set oauth_limits=10/10,15/30,20/60] ...

Routes: POST /api/oauth/token, POST /api/search/{order,product,
currency,country,sales-channel,state-machine-state}, POST
/api/_action/sync (product stock upserts), PATCH
/api/order-delivery/{id} (trackingCodes), POST
/api/_action/order_delivery/{id}/state/{transition}, POST
/api/_action/order/{id}/state/{transition}, GET
/api/_action/number-range/reserve/order/{salesChannelId}, POST
/api/order.  Data:
products.json and orders.json in a compact form (field names are
Shopware's; ids, prices and the state machine references are derived, so
that the seed stays readable; see load_products and load_orders).

Settings (--set NAME=VALUE): client_id (SWIASANDBOX...), client_secret,
token_ttl (600 s), oauth_limits (10/10,15/30,20/60: limit/seconds of the
oauth route's time_backoff limiter), max_limit (500), sync_max_rows
(1000, our own choice), send_mail_default (1), sales_channels (1).

Sources: [sw] shopware/shopware trunk (6.6, commit cfc087db, 2024-10-24),
paths under src/Core/; [league] thephpleague/oauth2-server
src/Exception/OAuthServerException.php, src/Grant/AbstractGrant.php,
src/ResponseTypes/BearerTokenResponse.php; [docs] shopware/docs and
shopware/admin-api-reference (/work/shared/research/platform-apis-2.md 1).

Decisions:
 1. Token: POST /api/oauth/token, JSON or form, grant_type
    client_credentials, client_id/client_secret in the body or as HTTP
    Basic ([league] AbstractGrant::getClientCredentials).  200
    {"token_type":"Bearer","expires_in":TTL,"access_token":JWT} with
    pragma no-cache and cache-control no-store ([league]
    BearerTokenResponse); TTL from token_ttl, 600 by default
    (Framework/DependencyInjection/Configuration.php access_token_ttl
    PT10M).  A new token per grant; old ones stay valid until they expire.
    Refusals, as Api/EventListener/ErrorResponseFactory.php renders an
    OAuthServerException: {"errors":[{"code":"<league code>","status":
    "401","title":<message>,"detail":<hint>}]}: a grant_type other than
    client_credentials (or none) is 400 code 2 unsupported_grant_type; no
    client_id 400 code 3 "Check the `client_id` parameter"; an empty
    secret 400 code 3 (client_secret); an unknown id or wrong secret 401
    code 4 "Client authentication failed", detail null
    (Api/OAuth/ClientRepository.php).
 2. The oauth limiter (Api/Controller/AuthController.php::token,
    RateLimiter/Policy/TimeBackoff*.php, shopware.yaml rate_limiter.oauth):
    keyed by username and client IP, consumed before the grant runs and
    RESET when a token is issued.  So only failed grants count: a client
    that fetches a token for every request is never throttled (the brief
    said otherwise; the source settles it).  time_backoff: the first 10
    attempts pass; then attempt n needs the interval of the largest limit
    below n (10 s after the 10th, 30 s after the 15th, 60 s after the
    20th) since the last accepted attempt.  A throttled request is 429
    FRAMEWORK__AUTH_THROTTLED "Auth throttled for {{ seconds }}
    seconds." with meta.parameters.seconds (Api/Controller/Exception/
    AuthThrottledException.php; not FRAMEWORK__RATE_LIMIT_EXCEEDED,
    which is the storefront's) and no Retry-After header.
 3. Bearer tokens are checked after routing (Api/EventListener/
    Authentication/ApiAuthenticationListener.php runs on
    KernelEvents::CONTROLLER): an unknown route is 404 even without a
    token.  401 bodies (Api/OAuth/SymfonyBearerTokenValidator.php,
    league accessDenied, code "9"): no header: 'Missing "Authorization"
    header'; "Bearer " and nothing: 'Missing token in "Authorization"
    header'; not a JWT: "The JWT string must have two dots" (lcobucci/jwt
    InvalidTokenStructure); a JWT not ours, or expired (LooseValidAt):
    "Access token could not be verified".
 4. Response format (Api/Response/ResponseFactoryRegistry.php): Accept
    application/json gives the simple JSON this module emulates; */*
    alone means application/vnd.api+json (JSON:API), which is NOT
    emulated: such a request is refused 406 SANDBOX__JSONAPI_NOT_EMULATED
    so a connector cannot come to depend on it by accident; no Accept
    header at all is Shopware's own 415 "All provided media types are
    unsupported. ()" (an empty getAcceptableContentTypes()).  The sync and
    state-transition answers are plain JsonResponses in every case.
    JSON is written as Symfony's JsonResponse does (JSON_HEX_TAG, _APOS,
    _AMP, _QUOT, escaped slashes and \\uXXXX), the token answer as league
    writes it (no HEX flags).
 5. Criteria (DataAbstractionLayer/Search/RequestCriteriaBuilder.php):
    limit defaults to max_limit (500); a limit above it is 400
    FRAMEWORK__QUERY_LIMIT_EXCEEDED, not clamped; limit/page not positive
    integers are FRAMEWORK__INVALID_LIMIT_QUERY / _PAGE_QUERY, each in a
    SearchRequestException list with source.pointer.  The offset is
    payload limit x (page - 1): page 2 WITHOUT a limit is offset 0, the
    first page again (as Shopware computes it).  total-count-mode 0/none:
    total = rows on the page; 1/exact: all matches; 2/next-pages: rows
    from the offset up to limit*6+1 (Dbal/EntitySearcher.php).  Filter
    types equals, equalsAny (a list, or a string split on |), range
    (gte/lte/gt/lt), multi/and/or/not; Shopware's other types (contains,
    prefix, ...) answer 400 SANDBOX__FILTER_NOT_EMULATED.  An unknown
    field is 400 FRAMEWORK__UNMAPPED_FIELD; an unknown association 500
    FRAMEWORK__ASSOCIATION_NOT_FOUND (AssociationNotFoundException keeps
    ShopwareHttpException's 500).  A filter on a to-many association
    matches when any row does (an SQL join).  Without sort the order is
    the ids' (random UUIDs: no order to rely on).  Text compares as the
    tables' collation, utf8mb4_unicode_ci, does: without case, accents
    or trailing spaces (fold()): a search for "ts-red-m" finds TS-RED-M,
    and productNumber is unique under it
    (uniq.product.product_number__version_id,
    Migration/V6_3/Migration1536233120Product.php).  A JSON field
    (customFields, payload, price, ...) may be filtered on any path
    inside it; an unregistered custom field is read as text
    (Dbal/FieldAccessorBuilder/CustomFieldsAccessorBuilder.php,
    JsonFieldAccessorBuilder.php).
 6. Entities are serialized whole (Api/Serializer/JsonEntityEncoder.php):
    an association that was not asked for is present as null; includes
    {"<apiAlias>": [fields]} keep only those fields, and apiAlias is
    always added.  Times are RFC3339_EXTENDED in UTC
    (2025-01-07T09:15:02.000+00:00).  A variant's inherited fields (name,
    ean, active, isCloseout) are null unless the request carries the
    sw-inheritance header (any value: Framework/Routing/
    ApiRequestContextResolver.php checks only that it is there).
 7. Stock (adr 2023-05-15-stock-api): stock is the available stock,
    availableStock mirrors it, a parent's own stock is not sold.  Shopware
    has no per-product "do not track stock"; isCloseout false means the
    product sells beyond its stock (GIFT-25, 0042, BAG-TOTE at -2).
 8. Sync (Api/Controller/SyncController.php, Api/Sync/SyncService.php,
    SyncFkResolver.php, Content/Product/Api/ProductNumberFkResolver.php,
    DataAbstractionLayer/Write/EntityWriter.php::sync): one transaction,
    all or nothing.  The fail-on-error and single-operation headers were
    removed in 6.5 (UPGRADE-6.5.md "Sync api changes") and are ignored.
    Operations as a list or an object keyed by name; a missing entity,
    action or payload is 400 FRAMEWORK__INVALID_SYNC_OPERATION with
    Shopware's messages.  {"resolver":"product.number","value":SKU}
    resolves exactly (PHP array keys: case matters); an unresolvable one
    is 400 FRAMEWORK__API_INVALID_SYNC_RESOLVERS "Can not resolve foreign
    key at position KEY/i/id. Reference field: product.id" (one line per
    failure, meta.parameters pointer-i/field-i); an unknown resolver 400
    API_RESOLVER_NOT_FOUND_EXCEPTION.  An id that does not exist makes
    the upsert an insert, which fails Shopware's required fields: 400
    with one FRAMEWORK__WRITE_CONSTRAINT_VIOLATION-style error per field
    (NotBlank c1051bb4-..., source.pointer /KEY/i/field).  stock must be
    a JSON integer (Type ba785a8c-..., "This value should be of type
    int."); negative is allowed (IntField has no range).  Only entity
    product with fields id and stock is emulated (400
    SANDBOX__SYNC_NOT_EMULATED otherwise).  More than sync_max_rows rows
    (1000; Shopware documents no limit, so this is ours, standing for a
    server's post_max_size/timeouts) is 413 SANDBOX__SYNC_TOO_LARGE.  The
    answer is {"extensions":[],"data":{"product":[ids]},"notFound":[],
    "deleted":[]} (SyncResult), a product written twice listed once.
    Every row applied counts a write for its SKU, unchanged ones too.
 9. Transitions (System/StateMachine/StateMachineRegistry.php,
    Migration/V6_3/Migration1536233560BasicData.php and the delivery
    migrations 1573049297, 1600349343, 1607514878; Checkout/Order/Api/
    OrderActionController.php).  Order: open -process-> in_progress
    -complete-> completed (no open -> completed), cancel from open and
    in_progress, reopen from completed and cancelled.  Delivery: open
    -ship/ship_partially/cancel->; shipped -retour/retour_partially/
    cancel/reopen->; shipped_partially also -ship->; returned_partially
    -retour->; reopen from every state but open.  A transition whose
    target is the current state is no error: 200 and nothing changes
    (UnnecessaryTransitionException), so "complete" on a completed order
    succeeds.  Before 6.7 "cancel" is allowed from ANY state (the
    registry's "Always allow to cancel" branch).  Otherwise 400
    SYSTEM__ILLEGAL_STATE_TRANSITION 'Illegal transition "T" from state
    "<state id>". Possible transitions are: a, b' (the current state's
    id, not its name).  An unknown id is 400
    SYSTEM__STATE_MACHINE_INVALID_ENTITY_ID.  The answer is the new state
    (state_machine_state).  sendMail defaults to true: the shop mails the
    customer (GET /_sandbox/mail, template "<entity>.state.<state>")
    unless the body says "sendMail": false.  Whether a given shop has a
    flow for that state is its own configuration (UNCONFIRMED per shop).
10. PATCH /api/order-delivery/{id} (Api/Controller/ApiController.php
    write): 204 with no body (or 200 and the entity with ?_response); an
    unknown id is an insert, refused 400 FRAMEWORK__WRITE_TYPE_INTEND_ERROR
    ("... Hint: Use POST method to create new entities.");
    trackingCodes must be a list of strings (pointer /0/trackingCodes);
    other fields are not emulated (400).  Shopware keeps no shipping
    time: the delivery's updatedAt is what a connector can read.
11. POST /api/order: the DAL's insert of an order with its nested
    customer, addresses, line items, deliveries (with positions) and
    transactions (Api/Controller/ApiController.php::create,
    Write/WriteCommandExtractor.php); the fields and flags are those of
    Checkout/Order/OrderDefinition.php and Aggregate/*/*Definition.php
    (WRITE below).  Every violation is collected before the answer:
    a Required field missing is NotBlank (FkField, StringField,
    FloatField, IntField) or NotNull (DateTimeField, JsonField) at
    /0/<path>; a StringField is trimmed, stripped of tags and "" taken as
    null; a FloatField takes a number or a numeric string (Type
    numeric), an IntField only an integer; a WriteProtected field
    (amountTotal, amountNet, positionPrice, taxStatus, shippingTotal,
    orderDate) is refused, and a Computed one (a line's unitPrice) is
    ignored; CartPriceField, CalculatedPriceField and
    CashRoundingConfigField refuse a key they do not map (apiAlias) as
    FRAMEWORK__WRITE_UNEXPECTED_FIELD_ERROR (FieldSerializer/
    JsonFieldSerializer.php).  What the database refuses is its 500: the
    NOT NULL columns price and shipping_costs left out, a foreign key
    to no row (currency, language, sales channel, state, country,
    shipping and payment method, product, the order's own address or
    line).  A state of another machine than its field's is taken by
    Shopware and breaks the order; the sandbox refuses it.  An id that
    is there is FRAMEWORK__WRITE_TYPE_INTEND_ERROR.  amountTotal and the
    other totals are columns generated from price and shipping_costs
    (Migration1536232990Order.php): nothing checks that they add up.  A
    product line in an order that is not cancelled takes its quantity
    off the product's stock (Content/Product/Stock/
    OrderStockSubscriber.php).  No mail: the order confirmation is the
    flow of checkout.order.placed, which only the Store API's checkout
    dispatches (Checkout/Cart/SalesChannel/CartOrderRoute.php), and state
    mails follow transitions.  The answer is 204 with Location (no
    _response) or 200 with the order.
12. No general Admin API rate limit in Shopware itself (only the oauth
    limiter); --rate-limit gives the core's window, answered with
    RateLimitExceededException's body (seconds unknown to the module: 1).
13. Errors: {"errors":[{"status":"400","code":...,"title":...,
    "detail":...,"meta":{"parameters":{...}}}]}
    (ShopwareHttpException::getCommonErrorData); Symfony's own HTTP
    exceptions (404, 405, 415) get code "0" and no meta.
14. What a client entering orders reads: POST /api/search/sales-channel
    (one storefront, typeId Defaults::SALES_CHANNEL_TYPE_STOREFRONT, with
    its languageId, currencyId, paymentMethodId, shippingMethodId; the
    setting sales_channels=N makes N storefronts, and every shop has a
    headless channel too), /api/search/state-machine-state (with the
    association stateMachine), /api/search/currency (with itemRounding
    and totalRounding, CashRoundingConfig structs serialized with their
    apiAlias) and /api/search/country.
15. GET /api/_action/number-range/reserve/{type}/{salesChannelId?}
    (System/NumberRange/Api/NumberRangeController.php): {"number": N},
    the next of the range, taken (a plain JsonResponse, whatever the
    Accept); ?preview=1 does not take it.  The order range goes on from
    the highest number seeded; other types are not emulated.
"""

import base64
import binascii
import hashlib
import json
import random
import re
import secrets
import time
import unicodedata
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl

from sandbox import (PlatformBase, Reject, Response, SetupError, is_int,
                     json_bytes, load_array)

API_KEY = "SWIASANDBOXCLIENT0000000001"
RATE_LIMIT = None                   # Shopware has no Admin API limiter
SETTINGS = {
    "client_id": API_KEY,
    "client_secret": "sandbox-secret",
    "token_ttl": "600",
    "oauth_limits": "10/10,15/30,20/60",
    "max_limit": "500",
    "sync_max_rows": "1000",
    "send_mail_default": "1",
    "sales_channels": "1",
}
STATUS_TEXT = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
               405: "Method Not Allowed", 406: "Not Acceptable",
               413: "Payload Too Large", 415: "Unsupported Media Type",
               429: "Too Many Requests", 500: "Internal Server Error"}
LIVE_VERSION = "0fa91ce3e96a4bc2be4bd9ce752c3425"   # Defaults::LIVE_VERSION
NOT_BLANK = "c1051bb4-d103-4f74-8988-acbcafc7fdc3"  # Symfony NotBlank
TYPE_ERROR = "ba785a8c-82cb-4283-967c-3cf342181b40"  # Symfony Type

ORDER_STATES = ("open", "in_progress", "completed", "cancelled")
DELIVERY_STATES = ("open", "shipped", "shipped_partially", "returned",
                   "returned_partially", "cancelled")
TRANSACTION_STATES = ("open", "paid", "paid_partially", "refunded",
                      "refunded_partially", "cancelled", "reminded",
                      "authorized", "chargeback", "unconfirmed")
STATE_NAMES = {"open": "Open", "in_progress": "In progress",
               "completed": "Done", "cancelled": "Cancelled",
               "shipped": "Shipped", "shipped_partially": "Shipped (partially)",
               "returned": "Returned", "returned_partially":
               "Returned (partially)", "paid": "Paid", "paid_partially":
               "Paid (partially)", "refunded": "Refunded",
               "refunded_partially": "Refunded (partially)",
               "reminded": "Reminded", "authorized": "Authorized",
               "chargeback": "Chargeback", "unconfirmed": "Unconfirmed"}
# (from, action, to) in the order of the migrations (decision 9).
TRANSITIONS = {
    "order.state": [
        ("open", "process", "in_progress"), ("open", "cancel", "cancelled"),
        ("in_progress", "cancel", "cancelled"),
        ("in_progress", "complete", "completed"),
        ("cancelled", "reopen", "open"), ("completed", "reopen", "open")],
    "order_delivery.state": [
        ("open", "ship", "shipped"),
        ("open", "ship_partially", "shipped_partially"),
        ("open", "cancel", "cancelled"),
        ("shipped", "retour", "returned"),
        ("shipped", "retour_partially", "returned_partially"),
        ("shipped", "cancel", "cancelled"),
        ("shipped_partially", "retour", "returned"),
        ("shipped_partially", "retour_partially", "returned_partially"),
        ("shipped_partially", "ship", "shipped"),
        ("shipped_partially", "cancel", "cancelled"),
        ("cancelled", "reopen", "open"),
        ("shipped", "reopen", "open"),
        ("shipped_partially", "reopen", "open"),
        ("returned", "reopen", "open"),
        ("returned_partially", "reopen", "open"),
        ("returned_partially", "retour", "returned")],
}
MACHINE_STATES = {"order.state": ORDER_STATES,
                  "order_delivery.state": DELIVERY_STATES,
                  "order_transaction.state": TRANSACTION_STATES}
COUNTRIES = {"NL": "Netherlands", "BE": "Belgium", "DE": "Germany",
             "GB": "United Kingdom", "IE": "Ireland", "FR": "France",
             "AT": "Austria"}
CURRENCIES = {"EUR": ("€", 1.0), "GBP": ("£", 0.85)}
SHIPPING = {"PostNL": ("postnl", "https://jouw.postnl.nl/track-and-trace/%s"),
            "DHL": ("dhl", "https://www.dhl.com/nl-nl/home/tracking.html"
                    "?tracking-id=%s"),
            "DPD": ("dpd", "https://tracking.dpd.de/status/nl_NL/parcel/%s"),
            "Afhalen": ("pickup", "")}
INHERITED = ("name", "ean", "active", "isCloseout")
# What POST /api/order writes (decision 11): per entity, the fields the
# sandbox takes as (name, kind, required), in the definitions' order
# (Checkout/Order/OrderDefinition.php, Aggregate/Order{Customer,Address,
# LineItem,Delivery,DeliveryPosition,Transaction}/*Definition.php).  The
# reference fields to the parent (orderId, ...) are the writer's.  Kinds:
# id (IdField: a UUID, one made when absent), uuid (FkField with
# NoConstraint: no row checked), fk:TABLE and state:MACHINE (a UUID whose
# row the database checks), string (StringField: trimmed, tags stripped,
# "" null), text (LongTextField), float, int, bool, datetime, json, list
# (ListField of strings), cart_price, price (CalculatedPriceField),
# rounding (CashRoundingConfigField), one:ENTITY, many:ENTITY, protected
# (WriteProtected: refused in the Admin API's scope) and computed
# (Computed: ignored).  A field not listed is refused as not emulated.
WRITE = {
    "order": (
        ("id", "id", True), ("orderNumber", "string", False),
        ("billingAddressId", "uuid", True),
        ("currencyId", "fk:currency", True),
        ("languageId", "fk:language", True),
        ("salesChannelId", "fk:sales_channel", True),
        ("orderDateTime", "datetime", True), ("orderDate", "protected", False),
        ("price", "cart_price", False), ("amountTotal", "protected", False),
        ("amountNet", "protected", False),
        ("positionPrice", "protected", False),
        ("taxStatus", "protected", False), ("shippingCosts", "price", False),
        ("shippingTotal", "protected", False),
        ("currencyFactor", "float", True), ("affiliateCode", "string", False),
        ("campaignCode", "string", False), ("customerComment", "text", False),
        ("stateId", "state:order.state", True), ("customFields", "json", False),
        ("orderCustomer", "one:order_customer", False),
        ("addresses", "many:order_address", False),
        ("deliveries", "many:order_delivery", False),
        ("lineItems", "many:order_line_item", False),
        ("transactions", "many:order_transaction", False),
        ("itemRounding", "rounding", True), ("totalRounding", "rounding", True)),
    "order_customer": (
        ("id", "id", True), ("email", "string", True),
        ("firstName", "string", True), ("lastName", "string", True),
        ("company", "string", False), ("customerNumber", "string", False)),
    "order_address": (
        ("id", "id", True), ("countryId", "fk:country", True),
        ("firstName", "string", True), ("lastName", "string", True),
        ("street", "string", True), ("zipcode", "string", False),
        ("city", "string", True), ("company", "string", False),
        ("phoneNumber", "string", False),
        ("additionalAddressLine1", "string", False)),
    "order_line_item": (
        ("id", "id", True), ("productId", "fk:product", False),
        ("identifier", "string", True), ("referencedId", "string", False),
        ("quantity", "int", True), ("label", "string", True),
        ("payload", "json", False), ("good", "bool", False),
        ("removable", "bool", False), ("stackable", "bool", False),
        ("position", "int", True), ("states", "list", True),
        ("price", "price", True), ("unitPrice", "computed", False),
        ("totalPrice", "computed", False), ("type", "string", False)),
    "order_delivery": (
        ("id", "id", True),
        ("shippingOrderAddressId", "fk:order_address", True),
        ("shippingMethodId", "fk:shipping_method", True),
        ("stateId", "state:order_delivery.state", True),
        ("trackingCodes", "list", True),
        ("shippingDateEarliest", "datetime", True),
        ("shippingDateLatest", "datetime", True),
        ("shippingCosts", "price", False),
        ("positions", "many:order_delivery_position", False)),
    "order_delivery_position": (
        ("id", "id", True), ("orderLineItemId", "fk:order_line_item", True),
        ("price", "price", False), ("unitPrice", "computed", False),
        ("totalPrice", "computed", False), ("quantity", "computed", False)),
    "order_transaction": (
        ("id", "id", True), ("paymentMethodId", "fk:payment_method", True),
        ("amount", "price", True),
        ("stateId", "state:order_transaction.state", True)),
}
# EntityDefinition::getDefaults of OrderLineItemDefinition and
# OrderDeliveryDefinition.
WRITE_DEFAULTS = {"order_line_item": {"position": 1},
                  "order_delivery": {"trackingCodes": []}}
# The property mappings of the JSON fields (Field/CartPriceField.php,
# CalculatedPriceField.php, CashRoundingConfigField.php): key -> (type,
# required).
MAPPED = {
    "cart_price": {"netPrice": ("float", True), "totalPrice": ("float", True),
                   "calculatedTaxes": ("json", True),
                   "taxRules": ("json", True),
                   "positionPrice": ("float", True),
                   "rawTotal": ("float", True), "taxStatus": ("string", True)},
    "price": {"unitPrice": ("float", True), "totalPrice": ("float", True),
              "quantity": ("int", True), "calculatedTaxes": ("json", True),
              "taxRules": ("json", True), "referencePrice": ("json", False),
              "listPrice": ("json", False),
              "regulationPrice": ("json", False)},
    "rounding": {"decimals": ("int", True), "interval": ("float", True),
                 "roundForNet": ("bool", True)},
}
TOO_LONG = "d94b19cc-114f-4f44-9cc4-4138e80a87b9"    # Symfony Length
SALES_CHANNEL = "98432def39fc4624b33213a56b8c944d"
LANGUAGE = "2fbb5fe2e29a4d70aa5854ce7ce3e20b"          # Defaults::LANGUAGE_SYSTEM
# Defaults::SALES_CHANNEL_TYPE_STOREFRONT, _API (System/.../Defaults.php)
STOREFRONT = "8a243080f92e4c719546314b577cf82b"
HEADLESS = "f183ee5650cf4bdb8a774337575067a6"
PAYMENTS = {"Voorafbetaling": "payment_prepayment",   # name: technicalName
            "Factuur": "payment_invoice",
            "Rembours": "payment_cashpayment"}
# Symfony NotNull's code; the write-protection violation has none, so the
# exception's (WriteConstraintViolationException::getErrors).
NOT_NULL = "ad32d13f-c3d4-423b-909a-857b961eb720"
UUID_ERROR = "FRAMEWORK__WRITE_CONSTRAINT_VIOLATION"
FILTERS_KNOWN = ("contains", "prefix", "suffix", "nand", "nor", "until",
                 "since", "equalsAll")
UUID_RE = re.compile(r"\A[0-9a-f]{32}\Z")


def uid(*parts):
    """A stable UUID (32 lowercase hex, as Shopware writes them)."""
    return hashlib.md5("/".join(str(p) for p in parts).encode()).hexdigest()


def php_json(obj, hex_flags=True):
    """JSON as PHP writes it: compact, '/' as '\\/', non-ASCII as \\uXXXX;
    with hex_flags also Symfony JsonResponse's JSON_HEX_TAG|APOS|AMP|QUOT.
    Written as json_bytes writes it (PHP's defaults), then changed where
    Symfony's flags differ: these characters occur only inside strings,
    and only the quote in an escape (\\"), which an escaped backslash
    (\\\\) before a closing quote is not: those are set aside first, as a
    NUL, which the encoder never writes raw."""
    out = json_bytes(obj)       # compact, ASCII, '/' as '\\/'
    if hex_flags:
        out = (out.replace(b"\\\\", b"\0").replace(b'\\"', b"\\u0022")
               .replace(b"\0", b"\\\\").replace(b"&", b"\\u0026")
               .replace(b"'", b"\\u0027").replace(b"<", b"\\u003C")
               .replace(b">", b"\\u003E"))
    return out


def respond(status, obj, headers=None, hex_flags=True):
    return Response(status, php_json(obj, hex_flags), headers=headers)


def error(status, code, detail, params=None, pointer=None):
    """One ShopwareHttpException as ErrorResponseFactory renders it."""
    e = {"status": str(status), "code": code,
         "title": STATUS_TEXT.get(status, "unknown status"),
         "detail": detail, "meta": {"parameters": params or {}}}
    if pointer is not None:
        e["source"] = {"pointer": pointer}
    return e


def fail(status, *errors, headers=None):
    raise Reject(respond(status, {"errors": list(errors)}, headers))


def http_error(status, detail):
    """A Symfony HttpException (not a Shopware one): code "0", no meta."""
    return {"code": "0", "status": str(status),
            "title": STATUS_TEXT[status], "detail": detail}


def violation(code, detail, template, params, pointer):
    """One constraint violation of a WriteException."""
    return {"code": code, "status": "400", "detail": detail,
            "template": template, "meta": {"parameters": params},
            "source": {"pointer": pointer}}


def not_blank(pointer):
    return violation(NOT_BLANK, "This value should not be blank.",
                     "This value should not be blank.",
                     {"{{ value }}": "null"}, pointer)


def type_error(v, typ, pointer):
    """Symfony's Type constraint, as the field serializers use it."""
    return violation(TYPE_ERROR, "This value should be of type %s." % typ,
                     "This value should be of type {{ type }}.",
                     {"{{ value }}": php_export(v), "{{ type }}": typ},
                     pointer)


def not_uuid(v, pointer):
    """Validation/Constraint/UuidValidator.php: no code of its own, so
    the exception's."""
    msg = 'The string "{{ string }}" is not a valid uuid.'
    if not isinstance(v, str):
        return type_error(v, "string", pointer)
    return violation(UUID_ERROR, msg.replace("{{ string }}", v), msg,
                     {"{{ string }}": v}, pointer)


def php_export(v):
    """A value as Symfony's violation parameters show it."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"%s"' % v
    if isinstance(v, (list, dict)):
        return "array"
    return str(v)


def sw_time(dt):
    """RFC3339_EXTENDED, as Shopware's serializer writes a DateTime."""
    if dt is None:
        return None
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + "%03d+00:00" % (
        dt.microsecond // 1000)


def parse_time(text):
    """An ISO 8601 time as an aware datetime in UTC, or None."""
    if not isinstance(text, str) or not re.match(r"\A\d{4}-\d{2}-\d{2}", text):
        return None
    t = text.replace("Z", "+00:00")
    try:
        dt = datetime.fromisoformat(t)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)   # stored times are UTC
    return dt.astimezone(timezone.utc)


def now():
    return datetime.now(timezone.utc)


# ------------------------------------------------------------------ entities
# What each entity serializes: its scalar fields, in order, and its
# associations: name -> (entity, "one"|"many", key of the stored object).

SCHEMA = {
    "order": (
        ("id", "versionId", "orderNumber", "billingAddressId", "currencyId",
         "languageId", "salesChannelId", "orderDateTime", "orderDate",
         "price", "amountTotal", "amountNet", "positionPrice", "taxStatus",
         "shippingCosts", "shippingTotal", "currencyFactor", "affiliateCode",
         "campaignCode", "customerComment", "source", "stateId", "ruleIds",
         "itemRounding", "totalRounding", "customFields", "createdAt",
         "updatedAt"),
        {"stateMachineState": ("state_machine_state", "one", "_state"),
         "orderCustomer": ("order_customer", "one", "_customer"),
         "currency": ("currency", "one", "_currency"),
         "addresses": ("order_address", "many", "_addresses"),
         "billingAddress": ("order_address", "one", "_billing"),
         "deliveries": ("order_delivery", "many", "_deliveries"),
         "lineItems": ("order_line_item", "many", "_lineItems"),
         "transactions": ("order_transaction", "many", "_transactions")}),
    "order_customer": (
        ("id", "versionId", "orderId", "email", "firstName", "lastName",
         "company", "customerNumber", "customerId", "createdAt", "updatedAt"),
        {}),
    "order_address": (
        ("id", "versionId", "orderId", "countryId", "company", "firstName",
         "lastName", "street", "zipcode", "city", "phoneNumber",
         "additionalAddressLine1", "createdAt", "updatedAt"),
        {"country": ("country", "one", "_country")}),
    "country": (("id", "iso", "iso3", "name", "active"), {}),
    "currency": (("id", "isoCode", "symbol", "factor", "shortName", "name",
                  "itemRounding", "totalRounding"), {}),
    "state_machine_state": (("id", "technicalName", "name",
                             "stateMachineId"),
                            {"stateMachine": ("state_machine", "one",
                                              "_machine")}),
    "state_machine": (("id", "technicalName", "name", "initialStateId"), {}),
    "sales_channel": (("id", "typeId", "name", "active", "languageId",
                       "currencyId", "paymentMethodId", "shippingMethodId",
                       "countryId"), {}),
    "payment_method": (("id", "name", "technicalName", "active"), {}),
    "shipping_method": (("id", "name", "technicalName", "trackingUrl",
                         "active"), {}),
    "order_delivery": (
        ("id", "versionId", "orderId", "shippingOrderAddressId",
         "shippingMethodId", "stateId", "trackingCodes",
         "shippingDateEarliest", "shippingDateLatest", "shippingCosts",
         "createdAt", "updatedAt"),
        {"stateMachineState": ("state_machine_state", "one", "_state"),
         "positions": ("order_delivery_position", "many", "_positions"),
         "shippingMethod": ("shipping_method", "one", "_method"),
         "shippingOrderAddress": ("order_address", "one", "_address")}),
    "order_delivery_position": (
        ("id", "versionId", "orderDeliveryId", "orderLineItemId", "quantity",
         "unitPrice", "totalPrice", "createdAt", "updatedAt"),
        {"orderLineItem": ("order_line_item", "one", "_line")}),
    "order_line_item": (
        ("id", "versionId", "orderId", "identifier", "referencedId",
         "productId", "quantity", "label", "unitPrice", "totalPrice", "type",
         "payload", "position", "good", "removable", "stackable", "states",
         "price", "createdAt", "updatedAt"),
        {"product": ("product", "one", "_product")}),
    "order_transaction": (
        ("id", "versionId", "orderId", "paymentMethodId", "stateId",
         "amount", "createdAt", "updatedAt"),
        {"stateMachineState": ("state_machine_state", "one", "_state"),
         "paymentMethod": ("payment_method", "one", "_method")}),
    "product": (
        ("id", "versionId", "parentId", "childCount", "productNumber",
         "name", "ean", "stock", "availableStock", "active", "isCloseout",
         "optionIds", "createdAt", "updatedAt"),
        {"parent": ("product", "one", "_parent"),
         "children": ("product", "many", "_children")}),
}
# JSON fields: a filter may name any path inside them (JsonField,
# CustomFields: Dbal/FieldAccessorBuilder/JsonFieldAccessorBuilder.php,
# CustomFieldsAccessorBuilder.php; an unregistered custom field is read
# as text).
JSON_FIELDS = ("customFields", "payload", "price", "shippingCosts",
               "itemRounding", "totalRounding", "amount")
TIME_FIELDS = ("orderDateTime", "createdAt", "updatedAt",
               "shippingDateEarliest", "shippingDateLatest")


def money(amount, quantity=1, unit=None):
    """A CalculatedPrice as Shopware serializes the struct."""
    return {"unitPrice": amount if unit is None else unit,
            "quantity": quantity, "totalPrice": amount,
            "calculatedTaxes": [], "taxRules": [], "referencePrice": None,
            "listPrice": None, "regulationPrice": None,
            "apiAlias": "calculated_price"}


def rounding():
    """A CashRoundingConfig: the default of a currency (two decimals)."""
    return {"decimals": 2, "interval": 0.01, "roundForNet": True,
            "apiAlias": "shopware_core_framework_data_abstraction_layer_"
                        "pricing_cash_rounding_config"}


class Criteria:
    """A parsed Criteria: what RequestCriteriaBuilder keeps of it."""

    def __init__(self):
        self.limit = None
        self.offset = 0
        self.mode = 0
        self.filters = []
        self.sorts = []
        self.assoc = {}
        self.includes = {}
        self.ids = None


class Platform(PlatformBase):
    name = "shopware"

    def __init__(self, data_dir, generate, seed, api_key, settings=None):
        self.data_dir = data_dir
        self.generate = dict(generate)
        self.seed = seed
        self.opt = dict(SETTINGS)
        self.opt.update(settings or {})
        self.opt["client_id"] = api_key if api_key != API_KEY \
            else self.opt["client_id"]
        try:
            self.ttl = int(self.opt["token_ttl"])
            self.max_limit = int(self.opt["max_limit"])
            self.sync_max = int(self.opt["sync_max_rows"])
            self.limits = []
            for part in self.opt["oauth_limits"].split(","):
                n, _, secs = part.partition("/")
                self.limits.append((int(n), int(secs)))
            self.nchannels = int(self.opt["sales_channels"])
            if self.opt["send_mail_default"] not in ("0", "1") or \
                    self.ttl < 1 or not self.limits or \
                    not 1 <= self.nchannels <= 9:
                raise ValueError
        except ValueError:
            raise SetupError("--set: token_ttl, max_limit, sync_max_rows "
                             "take integers, oauth_limits LIMIT/SECONDS,..."
                             ", send_mail_default 0 or 1, sales_channels "
                             "1 to 9")
        unknown = set(self.generate) - {"orders", "products"}
        if unknown:
            raise SetupError("--generate: shopware has no %s (it knows "
                             "orders, products)" % ", ".join(sorted(unknown)))
        self.tokens = {}                # token -> expiry (monotonic)
        self.backoff = {}               # limiter key -> [attempts, timer]
        self.reset()

    # ---- data

    def reset(self):
        self.write_counts = {}
        self.mail_log = []
        self.backoff = {}
        self.states = {}                # (machine, name) -> state object
        for machine, names in MACHINE_STATES.items():
            for n in names:
                self.states[(machine, n)] = {
                    "id": uid("state", machine, n), "technicalName": n,
                    "name": STATE_NAMES[n],
                    "stateMachineId": uid("machine", machine)}
        self.state_by_id = {s["id"]: (m, s["technicalName"])
                            for (m, _), s in self.states.items()}
        self.machines = {}
        for machine, names in MACHINE_STATES.items():
            self.machines[machine] = {
                "id": uid("machine", machine), "technicalName": machine,
                "name": machine, "initialStateId":
                self.states[(machine, names[0])]["id"]}
        for (machine, _), st in self.states.items():
            st["_machine"] = self.machines[machine]
        self.payments = {name: {"id": uid("payment", name), "name": name,
                                "technicalName": tech, "active": True}
                         for name, tech in PAYMENTS.items()}
        self.languages = {LANGUAGE}
        self.countries = {iso: {"id": uid("country", iso), "iso": iso,
                                "iso3": None, "name": name, "active": True}
                          for iso, name in COUNTRIES.items()}
        self.currencies = {iso: {"id": uid("currency", iso), "isoCode": iso,
                                 "symbol": sym, "factor": f,
                                 "shortName": iso, "name": iso,
                                 "itemRounding": rounding(),
                                 "totalRounding": rounding()}
                           for iso, (sym, f) in CURRENCIES.items()}
        self.methods = {name: {"id": uid("shipping", name), "name": name,
                               "technicalName": tech, "trackingUrl": url,
                               "active": True}
                        for name, (tech, url) in SHIPPING.items()}
        # The storefronts (sales_channels of them, decision 14), and the
        # headless channel every shop has (the admin's, type API).
        self.channels = {}
        for n in range(self.nchannels):
            name = "Storefront" if n == 0 else "Storefront %d" % (n + 1)
            cid = SALES_CHANNEL if n == 0 else uid("sales-channel", n)
            self.channels[cid] = {
                "id": cid, "typeId": STOREFRONT, "name": name,
                "active": True, "languageId": LANGUAGE,
                "currencyId": self.currencies["EUR"]["id"],
                "paymentMethodId": self.payments["Voorafbetaling"]["id"],
                "shippingMethodId": self.methods["PostNL"]["id"],
                "countryId": self.countries["NL"]["id"]}
        self.channels[uid("sales-channel", "headless")] = {
            "id": uid("sales-channel", "headless"), "typeId": HEADLESS,
            "name": "Headless", "active": True, "languageId": LANGUAGE,
            "currencyId": self.currencies["EUR"]["id"],
            "paymentMethodId": self.payments["Factuur"]["id"],
            "shippingMethodId": self.methods["DHL"]["id"],
            "countryId": self.countries["NL"]["id"]}
        products = load_array(self.data_dir, "products.json")
        orders = load_array(self.data_dir, "orders.json")
        if self.generate:
            products, orders = generate_data(self.generate, self.seed,
                                             products, orders)
        self.load_products(products)
        self.load_orders(orders)
        # The order number range: the next after the highest number.
        self.next_number = max([10000] + [
            int(o["orderNumber"]) for o in self.orders.values()
            if o["orderNumber"].isdigit()]) + 1

    def load_products(self, rows):
        self.products = {}
        self.by_number = {}
        self.by_folded = {}
        for i, r in enumerate(rows):
            num = r.get("productNumber")
            where = "products.json: item %d (%r)" % (i, num)
            if not isinstance(num, str) or not num or \
                    fold(num) in self.by_folded:
                # uniq.product.product_number__version_id, under the
                # column's collation (decision 5).
                raise SetupError("%s: productNumber must be a unique, "
                                 "non-empty string" % where)
            self.by_folded[fold(num)] = num
            if not is_int(r.get("stock")):
                raise SetupError("%s: stock must be an integer" % where)
            parent = r.get("parent")
            if parent is not None and (parent not in self.by_number or
                                       self.by_number[parent]["parentId"]):
                raise SetupError("%s: parent %r must be an earlier product "
                                 "without a parent" % (where, parent))
            t = parse_time(r.get("createdAt", "2024-11-01T00:00:00Z"))
            if t is None:
                raise SetupError("%s: createdAt is not a time" % where)
            p = {"id": uid("product", num), "versionId": LIVE_VERSION,
                 "parentId": self.by_number[parent]["id"] if parent else None,
                 "childCount": 0, "productNumber": num,
                 "stock": r["stock"], "availableStock": r["stock"],
                 "optionIds": [uid("option", r["options"])]
                 if r.get("options") else None,
                 "createdAt": t, "updatedAt": None, "_children": []}
            for f in INHERITED:
                # A variant without its own value inherits (decision 6);
                # a main product has every field.
                default = {"name": None, "ean": None, "active": True,
                           "isCloseout": False}[f]
                p[f] = r.get(f) if parent else r.get(f, default)
            if not parent and not isinstance(p["name"], str):
                raise SetupError("%s: a main product needs a name" % where)
            if parent:
                par = self.by_number[parent]
                par["childCount"] += 1
                par["_children"].append(p)
                p["_parent"] = par
            else:
                p["_parent"] = None
            self.products[p["id"]] = p
            self.by_number[num] = p

    def address(self, oid, key, a, where):
        country = self.countries.get(a.get("country"))
        if country is None:
            raise SetupError("%s: country %r unknown (one of %s)" % (
                where, a.get("country"), ", ".join(COUNTRIES)))
        return {"id": uid("address", oid, key), "versionId": LIVE_VERSION,
                "orderId": oid, "countryId": country["id"],
                "company": a.get("company"), "firstName": a.get("firstName"),
                "lastName": a.get("lastName"), "street": a.get("street"),
                "zipcode": a.get("zipcode"), "city": a.get("city"),
                "phoneNumber": None, "_country": country}

    def load_orders(self, rows):
        self.orders = {}
        self.deliveries = {}
        for i, r in enumerate(rows):
            num = r.get("orderNumber")
            where = "orders.json: item %d (%r)" % (i, num)
            if not isinstance(num, str) or uid("order", num) in self.orders:
                raise SetupError("%s: orderNumber must be a unique string"
                                 % where)
            self.orders[uid("order", num)] = self.build_order(r, where)

    def build_order(self, r, where):
        num = r["orderNumber"]
        oid = uid("order", num)
        created = parse_time(r.get("orderDateTime"))
        updated = parse_time(r.get("updatedAt")) if r.get("updatedAt") \
            else None
        if created is None:
            raise SetupError("%s: orderDateTime is not a time" % where)
        if r.get("state") not in ORDER_STATES:
            raise SetupError("%s: state must be one of %s" % (
                where, ", ".join(ORDER_STATES)))
        cur = self.currencies.get(r.get("currency", "EUR"))
        if cur is None:
            raise SetupError("%s: currency must be one of %s" % (
                where, ", ".join(CURRENCIES)))
        billing = self.address(oid, "billing", r.get("billing") or {}, where)
        addresses = [billing]
        ship = billing
        if r.get("shipping"):
            ship = self.address(oid, "shipping", r["shipping"], where)
            addresses.append(ship)
        lines = []
        for n, li in enumerate(r.get("lines") or []):
            pnum = li.get("productNumber")
            prod = self.by_number.get(pnum) if pnum else None
            if pnum and prod is None:
                raise SetupError("%s: line %d: no product %r" % (where, n,
                                                                 pnum))
            qty = li.get("quantity")
            price = li.get("unitPrice")
            if not is_int(qty) or qty < 1 or not isinstance(
                    price, (int, float)):
                raise SetupError("%s: line %d: quantity and unitPrice" % (
                    where, n))
            kind = li.get("type", "product" if prod else "custom")
            lid = uid("line", oid, n)
            lines.append({
                "id": lid, "versionId": LIVE_VERSION, "orderId": oid,
                "identifier": prod["id"] if prod else lid,
                "referencedId": prod["id"] if prod else None,
                "productId": prod["id"] if prod else None,
                "quantity": qty, "label": li.get("label"),
                "unitPrice": float(price),
                "totalPrice": round(price * qty, 2), "type": kind,
                "payload": {"productNumber": pnum} if prod else {},
                "position": n + 1, "good": kind == "product",
                "removable": True, "stackable": True,
                "states": ["is-physical"] if prod else [],
                "price": money(round(price * qty, 2), qty, float(price)),
                "createdAt": created, "updatedAt": None, "_product": prod})
        positions = sum(li["totalPrice"] for li in lines)
        shipping = float(r.get("shippingTotal", 0))
        total = round(positions + shipping, 2)
        deliveries = []
        for n, d in enumerate(r.get("deliveries") or []):
            if d.get("state") not in DELIVERY_STATES:
                raise SetupError("%s: delivery %d: state must be one of %s"
                                 % (where, n, ", ".join(DELIVERY_STATES)))
            method = self.methods.get(d.get("shippingMethod"))
            if method is None:
                raise SetupError("%s: delivery %d: shippingMethod one of %s"
                                 % (where, n, ", ".join(SHIPPING)))
            did = uid("delivery", oid, n)
            pos = d.get("positions") or [[k, li["quantity"]]
                                         for k, li in enumerate(lines)]
            dpos = []
            for k, (idx, q) in enumerate(pos):
                li = lines[idx]
                dpos.append({
                    "id": uid("position", did, k), "versionId": LIVE_VERSION,
                    "orderDeliveryId": did, "orderLineItemId": li["id"],
                    "quantity": q, "unitPrice": li["unitPrice"],
                    "totalPrice": round(li["unitPrice"] * q, 2),
                    "createdAt": created, "updatedAt": None, "_line": li})
            dup = parse_time(d["updatedAt"]) if d.get("updatedAt") else None
            deliveries.append({
                "id": did, "versionId": LIVE_VERSION, "orderId": oid,
                "shippingOrderAddressId": ship["id"],
                "shippingMethodId": method["id"],
                "stateId": self.state("order_delivery.state",
                                      d["state"])["id"],
                "trackingCodes": list(d.get("trackingCodes") or []),
                "shippingDateEarliest": created + timedelta(days=1),
                "shippingDateLatest": created + timedelta(days=3),
                "shippingCosts": money(shipping if n == 0 else 0.0),
                "createdAt": created, "updatedAt": dup,
                "_state": self.state("order_delivery.state", d["state"]),
                "_positions": dpos, "_method": method, "_address": ship,
                "_order": oid})
        cust = r.get("customer") or {}
        tstate = r.get("transaction", "open")
        if tstate not in TRANSACTION_STATES:
            raise SetupError("%s: transaction must be one of %s" % (
                where, ", ".join(TRANSACTION_STATES)))
        order = {
            "id": oid, "versionId": LIVE_VERSION, "orderNumber": num,
            "billingAddressId": billing["id"], "currencyId": cur["id"],
            "languageId": LANGUAGE, "salesChannelId": SALES_CHANNEL,
            "orderDateTime": created,
            "orderDate": created.strftime("%Y-%m-%d"),
            "price": {"netPrice": round(total / 1.21, 2),
                      "totalPrice": total, "calculatedTaxes": [],
                      "taxRules": [], "positionPrice": positions,
                      "rawTotal": total, "taxStatus": "gross",
                      "apiAlias": "cart_price"},
            "amountTotal": total, "amountNet": round(total / 1.21, 2),
            "positionPrice": positions, "taxStatus": "gross",
            "shippingCosts": money(shipping), "shippingTotal": shipping,
            "currencyFactor": cur["factor"], "affiliateCode": None,
            "campaignCode": None,
            "customerComment": r.get("customerComment"), "source": None,
            "stateId": self.state("order.state", r["state"])["id"],
            "ruleIds": [],
            "itemRounding": {"decimals": 2, "interval": 0.01,
                             "roundForNet": True},
            "totalRounding": {"decimals": 2, "interval": 0.01,
                              "roundForNet": True},
            "customFields": None, "createdAt": created, "updatedAt": updated,
            "_state": self.state("order.state", r["state"]),
            "_customer": {
                "id": uid("customer", oid), "versionId": LIVE_VERSION,
                "orderId": oid, "email": cust.get("email"),
                "firstName": cust.get("firstName"),
                "lastName": cust.get("lastName"),
                "company": cust.get("company"),
                "customerNumber": cust.get("customerNumber"),
                "customerId": uid("customer-account", cust.get("email")),
                "createdAt": created, "updatedAt": None},
            "_currency": cur, "_addresses": addresses, "_billing": billing,
            "_deliveries": deliveries, "_lineItems": lines,
            "_transactions": [{
                "id": uid("transaction", oid), "versionId": LIVE_VERSION,
                "orderId": oid,
                "paymentMethodId": self.payments["Voorafbetaling"]["id"],
                "_method": self.payments["Voorafbetaling"],
                "stateId": self.state("order_transaction.state",
                                      tstate)["id"],
                "amount": money(total), "createdAt": created,
                "updatedAt": updated,
                "_state": self.state("order_transaction.state", tstate)}]}
        for d in deliveries:
            self.deliveries[d["id"]] = d
        return order

    def change(self, c):
        """A fault of kind change: {"sku": S, "stock": N} is a sale or a
        delivery in the shop; {"order": NUMBER, "customFields": null} the
        merchant clearing an order's custom fields in the admin (not
        counted as writes)."""
        if "order" in c:
            for o in self.orders.values():
                if o["orderNumber"] == c["order"]:
                    o["customFields"] = c["customFields"]
                    o["updatedAt"] = now()
            return
        p = self.by_number.get(c.get("sku"))
        if p is not None and is_int(c.get("stock")):
            p["stock"] = p["availableStock"] = c["stock"]
            p["updatedAt"] = now()

    def check_change(self, c):
        if "order" in c:
            if set(c) != {"order", "customFields"} or not isinstance(
                    c["customFields"], (dict, type(None))):
                raise ValueError('shopware change: {"order": NUMBER, '
                                 '"customFields": null or {...}}')
            return
        if c.get("sku") not in self.by_number or not is_int(c.get("stock")):
            raise ValueError('shopware change: {"sku": KNOWN_SKU, "stock": '
                             'N}, or {"order": NUMBER, "customFields": '
                             'null}')

    # ---- the hooks sandbox.py calls

    def reads(self, req):
        """A search is a POST that changes nothing; reserving a number
        from a number range is a GET that does."""
        if req.path.startswith("/api/_action/number-range/"):
            return False
        return req.method in ("GET", "HEAD") or (
            req.method == "POST" and req.path.startswith("/api/search/"))

    ROUTES = [
        (re.compile(r"/api/oauth/token"), "POST", "token"),
        (re.compile(r"/api/search/(order|product|currency|country|"
                    r"sales-channel|state-machine-state)"), "POST",
         "search"),
        (re.compile(r"/api/_action/number-range/reserve/([^/]+)(?:/([^/]*))?"),
         "GET", "reserve"),
        (re.compile(r"/api/_action/sync"), "POST", "sync"),
        (re.compile(r"/api/order-delivery/([^/]+)"), "PATCH",
         "patch_delivery"),
        (re.compile(r"/api/_action/(order|order_delivery)/([^/]+)/state/"
                    r"([^/]*)"), "POST", "transition"),
        (re.compile(r"/api/order"), "POST", "create_order"),
    ]

    def match(self, req):
        """(handler name, groups), or raise the 404/405 Symfony answers."""
        allowed = []
        for pattern, method, name in self.ROUTES:
            m = pattern.fullmatch(req.path)
            if m:
                if req.method == method:
                    return name, m.groups()
                allowed.append(method)
        url = "http://%s%s" % (req.header("Host") or "127.0.0.1", req.path)
        if allowed:
            fail(405, http_error(405, 'No route found for "%s %s": Method '
                                 'Not Allowed (Allow: %s)' % (
                                     req.method, url, ", ".join(allowed))),
                 headers=[("Allow", ", ".join(allowed))])
        fail(404, http_error(404, 'No route found for "%s %s"' % (
            req.method, url)))

    def authenticate(self, req):
        try:
            name, _ = self.match(req)
        except Reject:
            return "ok", "noroute"      # routing comes first (decision 3)
        if name == "token":
            return "ok", "oauth"
        header = req.header("Authorization")
        if header is None:
            req.sw_auth = 'Missing "Authorization" header'
            return "missing", None
        jwt = re.sub(r"^\s*Bearer\s", "", header).strip()
        if jwt == "":
            req.sw_auth = 'Missing token in "Authorization" header'
            return "missing", None
        if jwt.count(".") != 2:
            req.sw_auth = "The JWT string must have two dots"
            return "bad", None
        exp = self.tokens.get(jwt)
        if exp is None or time.monotonic() >= exp:
            req.sw_auth = "Access token could not be verified"
            return "bad", None
        return "ok", "integration"

    def unauthorized(self, req, state):
        return respond(401, {"errors": [{
            "code": "9", "status": "401",
            "title": "The resource owner or authorization server denied "
                     "the request.",
            "detail": getattr(req, "sw_auth", "Access token could not be "
                              "verified")}]})

    def rate_headers(self, limit, remaining):
        return []

    def rate_limited(self, limit):
        return respond(429, {"errors": [error(
            429, "FRAMEWORK__RATE_LIMIT_EXCEEDED",
            "Too many requests, try again in 1 seconds.", {"seconds": 1})]})

    def server_error(self):
        return respond(500, {"errors": [http_error(500, "Internal Server "
                                                   "Error")]})

    def check(self, req):
        return None

    def state(self, machine=None, name=None):
        if machine is not None:
            return self.states[(machine, name)]
        return self.snapshot()

    def snapshot(self):
        crit = Criteria()
        crit.assoc = {"deliveries": Criteria(), "lineItems": Criteria(),
                      "orderCustomer": Criteria(), "addresses": Criteria(),
                      "transactions": Criteria(), "currency": Criteria()}
        crit.assoc["deliveries"].assoc = {
            "stateMachineState": Criteria(), "positions": Criteria(),
            "shippingMethod": Criteria()}
        crit.assoc["addresses"].assoc = {"country": Criteria()}
        crit.assoc["transactions"].assoc = {
            "stateMachineState": Criteria(), "paymentMethod": Criteria()}
        crit.assoc["stateMachineState"] = Criteria()
        return {
            "products": [self.render("product", p, Criteria(), False)
                         for p in self.products.values()],
            "orders": [self.render("order", o, crit, False)
                       for o in sorted(self.orders.values(),
                                       key=lambda o: o["orderNumber"])],
            "writes": self.writes(),
        }

    # ---- routing

    def route(self, req):
        name, groups = self.match(req)
        if name == "token":
            return self.token(req)
        if name in ("search", "create_order", "patch_delivery"):
            self.accept(req)
        return getattr(self, name)(req, *groups)

    def accept(self, req):
        """The response factory for this request (decision 4)."""
        accept = req.header("Accept")
        types = []
        for part in (accept or "").split(","):
            t, _, params = part.strip().partition(";")
            q = 1.0
            m = re.search(r"q=([0-9.]+)", params)
            if m:
                q = float(m.group(1))
            if t:
                types.append((-q, len(types), t.strip().lower()))
        types = [t for _, _, t in sorted(types)]
        if "*/*" in types:
            types.append("application/vnd.api+json")
        for t in types:
            if t == "application/json":
                return
            if t == "application/vnd.api+json":
                fail(406, error(406, "SANDBOX__JSONAPI_NOT_EMULATED",
                                "The sandbox emulates the simple JSON "
                                "format only: send Accept: "
                                "application/json (JSON:API is Shopware's "
                                "default for */*)."))
        fail(415, http_error(415, "All provided media types are "
                             "unsupported. (%s)" % ", ".join(types)))

    def body(self, req):
        if not req.body:
            return {}
        if not req.json_ok:
            fail(400, error(400, "FRAMEWORK__API_TYPE_PARAMETER_INVALID",
                            "Parameter type json is invalid.",
                            {"type": "json"}))
        return req.json

    # ---- OAuth (decisions 1 and 2)

    def token(self, req):
        ctype = (req.header("Content-Type") or "").lower()
        if "json" in ctype:
            params = req.json if req.json_ok and isinstance(req.json, dict) \
                else {}
        else:
            params = dict(parse_qsl((req.body or b"").decode("utf-8",
                                                             "replace")))
        key = "%s-127.0.0.1" % (params.get("username") or "")
        wait = self.throttle(key)
        if wait is not None:
            fail(429, error(429, "FRAMEWORK__AUTH_THROTTLED",
                            "Auth throttled for %d seconds." % wait,
                            {"seconds": wait}))
        basic_id = basic_secret = None
        header = req.header("Authorization") or ""
        if header.startswith("Basic "):
            try:
                basic_id, _, basic_secret = base64.b64decode(
                    header[6:].strip(), validate=True).decode(
                        "utf-8").partition(":")
            except (binascii.Error, UnicodeDecodeError):
                pass
        if params.get("grant_type") != "client_credentials":
            return self.oauth_error(
                400, "2", "The authorization grant type is not supported by "
                "the authorization server.",
                "Check that all required parameters have been provided")
        cid = params.get("client_id", basic_id)
        secret = params.get("client_secret", basic_secret) or ""
        if cid is None:
            return self.oauth_error(400, "3", INVALID_REQUEST,
                                    "Check the `client_id` parameter")
        if cid != self.opt["client_id"]:
            return self.oauth_error(401, "4", "Client authentication failed",
                                    None)
        if secret == "":
            return self.oauth_error(400, "3", INVALID_REQUEST,
                                    "Check the `client_secret` parameter")
        if secret != self.opt["client_secret"]:
            return self.oauth_error(401, "4", "Client authentication failed",
                                    None)
        self.backoff.pop(key, None)     # a token issued resets the limiter
        token = make_jwt(cid, self.ttl)
        self.tokens[token] = time.monotonic() + self.ttl
        return Response(200, php_json({"token_type": "Bearer",
                                       "expires_in": self.ttl,
                                       "access_token": token}, False),
                        "application/json; charset=UTF-8",
                        [("pragma", "no-cache"),
                         ("cache-control", "no-store")])

    def oauth_error(self, status, code, title, hint):
        return respond(status, {"errors": [{
            "code": code, "status": str(status), "title": title,
            "detail": hint}]})

    def throttle(self, key):
        """TimeBackoffLimiter::consume: None when accepted, else the
        seconds to wait."""
        t = int(time.time())
        attempts, timer = self.backoff.get(key, (0, t))

        def limit_for(count):           # TimeBackoff::getLimit
            for i, (n, secs) in enumerate(self.limits):
                nxt = self.limits[i + 1] if i + 1 < len(self.limits) else None
                if nxt is None and count >= n:
                    return secs
                if nxt and n < count <= nxt[0]:
                    return secs
            return None
        secs = limit_for(attempts + 1)
        if secs is not None and t - timer < secs:
            return max(timer + secs - t, 0)
        self.backoff[key] = (attempts + 1, t)
        return None

    # ---- rendering (decision 6)

    def render(self, entity, obj, crit, inherit):
        fields, assocs = SCHEMA[entity]
        out = {}
        for f in fields:
            v = obj.get(f)
            if entity == "product" and inherit and f in INHERITED and \
                    v is None and obj["_parent"] is not None:
                v = obj["_parent"][f]
            if f in TIME_FIELDS:
                v = sw_time(v)
            out[f] = v
        if entity == "product":
            out["translated"] = {"name": out["name"]}
        for name, (target, kind, key) in assocs.items():
            sub = crit.assoc.get(name)
            if sub is None:
                out[name] = None
                continue
            val = obj.get(key)
            if kind == "one":
                out[name] = None if val is None else \
                    self.render(target, val, sub, inherit)
            else:
                rows = [r for r in (val or [])
                        if all(self.test(target, r, f, inherit)
                               for f in sub.filters)]
                rows = self.sort(target, rows, sub.sorts, inherit)
                if sub.limit is not None:
                    rows = rows[sub.offset:sub.offset + sub.limit]
                out[name] = [self.render(target, r, sub, inherit)
                             for r in rows]
        out["id"] = obj.get("id")
        out["apiAlias"] = entity
        return self.include(entity, out, crit.includes)

    def include(self, entity, out, includes):
        if entity in includes:
            keep = includes[entity]
            out = {k: v for k, v in out.items() if k in keep}
        for k, v in list(out.items()):
            if isinstance(v, dict) and "apiAlias" in v:
                out[k] = self.include(v["apiAlias"], v, includes)
            elif isinstance(v, list):
                out[k] = [self.include(x["apiAlias"], x, includes)
                          if isinstance(x, dict) and "apiAlias" in x else x
                          for x in v]
        out["apiAlias"] = entity
        return out

    # ---- criteria (decision 5)

    def parse_criteria(self, payload, entity, top):
        crit = Criteria()
        errors = []
        if not isinstance(payload, dict):
            payload = {}
        if payload.get("ids") is not None:
            ids = payload["ids"]
            crit.ids = [x for x in ids.split("|") if x] \
                if isinstance(ids, str) else list(ids)
        else:
            mode = payload.get("total-count-mode")
            if mode is not None:
                m = {"none": 0, "exact": 1, "next-pages": 2}.get(str(mode))
                if m is None and re.fullmatch(r"-?\d+", str(mode)):
                    m = int(mode)
                crit.mode = m if m in (0, 1, 2) else 0
            if payload.get("limit") is not None:
                lim = payload["limit"]
                if lim == "" or not is_numeric(lim) or int(float(lim)) <= 0:
                    given = "(empty)" if lim == "" else \
                        (int(float(lim)) if is_numeric(lim) else lim)
                    errors.append(error(
                        400, "FRAMEWORK__INVALID_LIMIT_QUERY",
                        "The limit parameter must be a positive integer "
                        "greater or equals than 1. Given: %s" % given,
                        {"limit": given}, "/limit"))
                elif top and int(float(lim)) > self.max_limit:
                    errors.append(error(
                        400, "FRAMEWORK__QUERY_LIMIT_EXCEEDED",
                        "The limit must be lower than or equal to "
                        "MAX_LIMIT(=%d). Given: %d" % (self.max_limit,
                                                       int(float(lim))),
                        {"maxLimit": self.max_limit,
                         "limit": int(float(lim))}, "/limit"))
                else:
                    crit.limit = int(float(lim))
            if crit.limit is None and top:
                crit.limit = self.max_limit
            if payload.get("page") is not None:
                page = payload["page"]
                if page == "" or not is_numeric(page) or \
                        int(float(page)) <= 0:
                    given = "(empty)" if page == "" else \
                        (int(float(page)) if is_numeric(page) else page)
                    errors.append(error(
                        400, "FRAMEWORK__INVALID_PAGE_QUERY",
                        "The page parameter must be a positive integer. "
                        "Given: %s" % given, {"page": given}, "/page"))
                else:
                    lim = payload.get("limit")
                    lim = int(float(lim)) if is_numeric(lim) else 0
                    crit.offset = lim * (int(float(page)) - 1)
        inc = payload.get("includes")
        if inc is not None:
            if not isinstance(inc, dict):
                fail(400, error(400, "FRAMEWORK__EXPECTED_ARRAY_WITH_TYPE",
                                "Expected data at includes to be of the "
                                "type array, %s given" % php_type(inc),
                                {"path": "includes", "type": php_type(inc)}))
            crit.includes = inc
        if payload.get("filter") is not None:
            flt = payload["filter"]
            if not isinstance(flt, list):
                errors.append(error(400, "FRAMEWORK__INVALID_FILTER_QUERY",
                                    "The filter parameter has to be a list "
                                    "of filters.", {"path": "/filter"},
                                    "/filter"))
            else:
                for i, q in enumerate(flt):
                    path = "/filter/%d" % i
                    try:
                        crit.filters.append(self.parse_filter(
                            entity, q, path))
                    except FilterError as e:
                        errors.append(error(
                            400, "FRAMEWORK__INVALID_FILTER_QUERY",
                            e.args[0], {"path": e.args[1]}, e.args[1]))
        if payload.get("sort") is not None:
            sorts = payload["sort"]
            if isinstance(sorts, str):
                sorts = [{"field": s.lstrip("-"),
                          "order": "DESC" if s.startswith("-") else "ASC"}
                         for s in sorts.split(",") if s]
            for s in sorts if isinstance(sorts, list) else []:
                if not isinstance(s, dict) or not s.get("field"):
                    continue
                self.check_field(entity, s["field"])
                crit.sorts.append((s["field"], str(s.get("order", "ASC"))
                                   .upper() == "DESC"))
        assocs = payload.get("associations")
        if isinstance(assocs, dict):
            for name, sub in assocs.items():
                if not isinstance(sub, dict) and not isinstance(sub, list):
                    continue
                target = SCHEMA[entity][1].get(name)
                if target is None:
                    fail(500, error(500, "FRAMEWORK__ASSOCIATION_NOT_FOUND",
                                    "Can not find association by name %s"
                                    % name, {"association": name}))
                crit.assoc[name] = self.parse_criteria(
                    sub if isinstance(sub, dict) else {}, target[0], False)
        if errors:
            fail(400, *[dict(e, title="Bad Request") for e in errors])
        for f in crit.filters:
            self.check_filter_fields(entity, f)
        return crit

    def parse_filter(self, entity, q, path):
        if not isinstance(q, dict):
            raise FilterError("The filter parameter has to be an array.", path)
        t = q.get("type")
        if not t:
            raise FilterError("Value for filter type is required.", "")
        field = q.get("field")
        if t in ("equals", "equalsAny", "range") and not field:
            raise FilterError('Parameter "field" for %s filter is missing.'
                              % ("equalsAny" if t == "equalsAny" else t),
                              path + "/field")
        if t == "equals":
            if "value" not in q or q["value"] == "":
                raise FilterError('Parameter "value" for equals filter is '
                                  'missing.', path + "/value")
            if isinstance(q["value"], (list, dict)):
                raise FilterError('Parameter "value" for equals filter must '
                                  'be scalar or null.', path + "/value")
            return ("equals", strip(entity, field), q["value"])
        if t == "equalsAny":
            vals = q.get("value")
            if not vals:
                raise FilterError('Parameter "value" for equalsAny filter is '
                                  'missing.', path + "/value")
            if isinstance(vals, str):
                vals = [v for v in vals.split("|") if v]
            if not isinstance(vals, list):
                vals = [vals]
            return ("equalsAny", strip(entity, field), vals)
        if t == "range":
            params = q.get("parameters") or {}
            if params == {} or params == []:
                raise FilterError('Parameter "parameters" for range filter '
                                  'is missing.', path + "/parameters")
            if not isinstance(params, dict) or \
                    set(params) - {"gte", "lte", "gt", "lt"}:
                raise FilterError("Allowed range parameters are: gte, lte, "
                                  "gt, lt", path + "/parameters")
            return ("range", strip(entity, field), params)
        if t in ("multi", "and", "or", "not"):
            subs = q.get("queries") or []
            parsed = [self.parse_filter(entity, s, path) for s in subs]
            op = "AND"
            if t == "or" or (t in ("multi", "not") and
                             str(q.get("operator", "AND")).upper() == "OR"):
                op = "OR"
            return ("not" if t == "not" else "multi", op, parsed)
        if t in FILTERS_KNOWN:
            fail(400, error(400, "SANDBOX__FILTER_NOT_EMULATED",
                            "Filter type %s is Shopware's, but the sandbox "
                            "does not emulate it." % t, {"type": t}, path))
        raise FilterError("Unsupported filter type: %s" % t, path)

    def check_filter_fields(self, entity, f):
        if f[0] in ("multi", "not"):
            for s in f[2]:
                self.check_filter_fields(entity, s)
        else:
            self.check_field(entity, f[1])

    def check_field(self, entity, path):
        """Raise UnmappedField unless path names a field (through
        associations) of entity."""
        parts = strip(entity, path).split(".")
        cur = entity
        for i, part in enumerate(parts):
            fields, assocs = SCHEMA[cur]
            if part in assocs and i < len(parts) - 1:
                cur = assocs[part][0]
                continue
            if part in fields and i == len(parts) - 1:
                return
            if part in assocs:              # an association alone: its id
                return
            if part in fields and part in JSON_FIELDS:
                return                      # JSON_EXTRACT of any path
            fail(400, error(400, "FRAMEWORK__UNMAPPED_FIELD",
                            'Field "%s" in entity "%s" was not found.' % (
                                part, cur), {"field": part, "entity": cur}))

    def values(self, entity, obj, path, inherit):
        """Every value at path (to-many associations fan out)."""
        parts = path.split(".")
        rows = [(entity, obj)]
        for i, part in enumerate(parts):
            nxt = []
            for ent, o in rows:
                if ent is None:             # inside a JSON field's value
                    nxt.append((None, o.get(part)
                                if isinstance(o, dict) else None))
                    continue
                fields, assocs = SCHEMA[ent]
                if part in assocs:
                    target, kind, key = assocs[part]
                    v = o.get(key)
                    if i == len(parts) - 1:
                        v = [v] if kind == "one" else (v or [])
                        nxt.extend((None, x["id"] if x else None)
                                   for x in v)
                    elif kind == "one":
                        if v is not None:
                            nxt.append((target, v))
                    else:
                        nxt.extend((target, x) for x in v or [])
                else:
                    v = o.get(part)
                    if ent == "product" and inherit and part in INHERITED \
                            and v is None and o["_parent"] is not None:
                        v = o["_parent"][part]
                    nxt.append((None, v))
            rows = nxt
        return [v for _, v in rows]

    def test(self, entity, obj, f, inherit):
        kind = f[0]
        if kind == "multi":
            res = [self.test(entity, obj, s, inherit) for s in f[2]]
            return all(res) if f[1] == "AND" else any(res)
        if kind == "not":
            res = [self.test(entity, obj, s, inherit) for s in f[2]]
            return not (all(res) if f[1] == "AND" else any(res))
        vals = self.values(entity, obj, f[1], inherit)
        if kind == "equals":
            return any(same(v, f[2]) for v in vals)
        if kind == "equalsAny":
            return any(same(v, w) for v in vals for w in f[2])
        return any(in_range(v, f[2]) for v in vals)

    def sort(self, entity, rows, sorts, inherit):
        rows = sorted(rows, key=lambda r: r["id"])
        for field, desc in reversed(sorts):
            def key(r, field=field):
                vs = self.values(entity, r, field, inherit)
                v = vs[0] if vs else None
                if isinstance(v, datetime):
                    v = v.timestamp()
                return (v is not None, v if v is not None else 0)
            rows = sorted(rows, key=key, reverse=desc)
        return rows

    # ---- search

    def pool(self, entity):
        """The stored rows of an entity a search can list."""
        return {"order": self.orders, "product": self.products,
                "currency": {c["id"]: c for c in self.currencies.values()},
                "country": {c["id"]: c for c in self.countries.values()},
                "sales_channel": self.channels,
                "state_machine_state": {s["id"]: s
                                        for s in self.states.values()}
                }[entity]

    def search(self, req, entity):
        entity = entity.replace("-", "_")
        body = self.body(req)
        crit = self.parse_criteria(body, entity, True)
        inherit = req.header("sw-inheritance") is not None

        def match():
            pool = self.pool(entity)
            rows = [o for o in pool.values()
                    if (crit.ids is None or o["id"] in crit.ids) and
                    all(self.test(entity, o, f, inherit)
                        for f in crit.filters)]
            return self.sort(entity, rows, crit.sorts, inherit)
        # Kept while the shop is unchanged (memo()): a client pages
        # through one criteria, page and limit aside.
        rows = self.memo((entity, inherit, json.dumps(
            {k: v for k, v in body.items()
             if k not in ("page", "limit", "total-count-mode")}
            if isinstance(body, dict) else body,
            sort_keys=True, default=str)), match)
        if crit.ids is not None:
            page = rows
        else:
            page = rows[crit.offset:crit.offset + crit.limit]
        total = len(page)
        if crit.mode == 1:
            total = len(rows)
        elif crit.mode == 2 and crit.ids is None:
            total = len(rows[crit.offset:crit.offset + crit.limit * 6 + 1])
        return respond(200, {
            "total": total,
            "data": [self.render(entity, o, crit, inherit) for o in page],
            "aggregations": []})

    # ---- sync (decision 8)

    def sync(self, req):
        if not req.json_ok:
            fail(400, error(400, "FRAMEWORK__API_TYPE_PARAMETER_INVALID",
                            "Parameter type json is invalid.",
                            {"type": "json"}))
        payload = req.json
        items = payload.items() if isinstance(payload, dict) else \
            enumerate(payload) if isinstance(payload, list) else None
        if items is None:
            fail(400, http_error(400, "Invalid payload format. Expected an "
                                 "array of operations."))
        ops = []
        for key, op in items:
            if not isinstance(op, (dict, list)):
                fail(400, http_error(400, "Invalid payload format. Expected "
                                     "an array of operations."))
            op = op if isinstance(op, dict) else {}
            key = str(op["key"]) if op.get("key") is not None else str(key)
            msgs = []
            if not op.get("entity"):
                msgs.append('Missing "entity" argument for operation with '
                            'key "%s". It needs to be a non-empty string.'
                            % key)
            if op.get("action") not in ("upsert", "delete"):
                msgs.append('Missing or invalid "action" argument for '
                            'operation with key "%s". Supported actions are '
                            '[upsert, delete]' % key)
            if not op.get("payload") and not op.get("criteria"):
                msgs.append('Missing "payload"|"criteria" argument for '
                            'operation with key "%s". It needs to be a '
                            'non-empty array.' % key)
            if msgs:
                fail(400, error(400, "FRAMEWORK__INVALID_SYNC_OPERATION",
                                "; ".join(msgs)))
            if op["entity"] != "product" or op["action"] != "upsert" or \
                    not isinstance(op.get("payload"), list):
                fail(400, error(400, "SANDBOX__SYNC_NOT_EMULATED",
                                "The sandbox emulates product upserts "
                                "only (operation %s)." % key))
            ops.append((key, op["payload"]))
        rows = sum(len(p) for _, p in ops)
        if rows > self.sync_max:
            fail(413, error(413, "SANDBOX__SYNC_TOO_LARGE",
                            "%d rows in one sync request; the sandbox takes "
                            "at most %d (sync_max_rows, its own choice)."
                            % (rows, self.sync_max),
                            {"rows": rows, "max": self.sync_max}))
        # Resolve every foreign key first, as SyncService::loopOperations.
        unresolved = []
        resolved = []
        for key, rows_ in ops:
            out = []
            for i, row in enumerate(rows_):
                if not isinstance(row, dict):
                    fail(400, http_error(400, "Invalid payload. Should "
                                         "contain a list of associative "
                                         "arrays"))
                row = dict(row)
                ref = row.get("id")
                if isinstance(ref, dict) and ref.get("resolver") is not None \
                        and ref.get("value") is not None:
                    if ref["resolver"] != "product.number":
                        fail(400, error(
                            400, "API_RESOLVER_NOT_FOUND_EXCEPTION",
                            "Foreign key resolver for key %s not found"
                            % ref["resolver"]))
                    p = self.by_number.get(ref["value"]) \
                        if isinstance(ref["value"], str) else None
                    if p is not None:
                        row["id"] = p["id"]
                    elif ref.get("nullOnMissing"):
                        row["id"] = None
                    else:
                        unresolved.append("%s/%d/id" % (key, i))
                out.append(row)
            resolved.append((key, out))
        if unresolved:
            params = {}
            for n, ptr in enumerate(unresolved):
                params["pointer-%d" % n] = ptr
                params["field-%d" % n] = "product.id"
            fail(400, error(400, "FRAMEWORK__API_INVALID_SYNC_RESOLVERS",
                            "\n".join("Can not resolve foreign key at "
                                      "position %s. Reference field: "
                                      "product.id" % p for p in unresolved),
                            params))
        # Validate every row (the writer collects every violation).
        violations = []
        for key, rows_ in resolved:
            for i, row in enumerate(rows_):
                ptr = "/%s/%d" % (key, i)
                extra = set(row) - {"id", "stock"}
                if extra:
                    fail(400, error(400, "SANDBOX__SYNC_NOT_EMULATED",
                                    "The sandbox writes id and stock only "
                                    "(%s at %s)." % (", ".join(sorted(extra)),
                                                     ptr)))
                rid = row.get("id")
                if rid not in (None, "") and not (isinstance(rid, str) and
                                                  UUID_RE.match(rid)):
                    # Validation/Constraint/UuidValidator.php: no code of
                    # its own, so the exception's.
                    msg = 'The string "{{ string }}" is not a valid uuid.' \
                        if isinstance(rid, str) else \
                        "This value should be of type string."
                    violations.append(violation(
                        "FRAMEWORK__WRITE_CONSTRAINT_VIOLATION",
                        msg.replace("{{ string }}", str(rid)), msg,
                        {"{{ string }}": rid} if isinstance(rid, str)
                        else {}, ptr + "/id"))
                    continue
                if "stock" in row and not is_int(row["stock"]):
                    if row["stock"] is None:
                        violations.append(not_blank(ptr + "/stock"))
                    else:
                        violations.append(violation(
                            TYPE_ERROR, "This value should be of type int.",
                            "This value should be of type {{ type }}.",
                            {"{{ value }}": php_export(row["stock"]),
                             "{{ type }}": "int"}, ptr + "/stock"))
                if rid not in self.products:
                    # An insert: the required fields of ProductDefinition.
                    for f in ("taxId", "price", "productNumber", "name"):
                        violations.append(not_blank(ptr + "/" + f))
                    if "stock" not in row:
                        violations.append(not_blank(ptr + "/stock"))
        if violations:
            fail(400, *violations)
        written = []
        for key, rows_ in resolved:
            for row in rows_:
                p = self.products[row["id"]]
                if "stock" in row:
                    p["stock"] = p["availableStock"] = row["stock"]
                    p["updatedAt"] = now()
                    self.count(p["productNumber"])
                if p["id"] not in written:
                    written.append(p["id"])
        return respond(200, {"extensions": [],
                             "data": {"product": written} if written else [],
                             "notFound": [], "deleted": []})

    # ---- completing (decisions 9 and 10)

    def patch_delivery(self, req, did):
        body = self.body(req)
        if not isinstance(body, dict):
            fail(400, http_error(400, "Only single write operations are "
                                 "supported. Please send the entities one "
                                 "by one or use the /sync api endpoint."))
        d = self.deliveries.get(did)
        if d is None:
            fail(400, error(
                400, "FRAMEWORK__WRITE_TYPE_INTEND_ERROR",
                'Expected command for "order_delivery" to be "Shopware\\Core'
                '\\Framework\\DataAbstractionLayer\\Write\\Command\\'
                'UpdateCommand". (Got: Shopware\\Core\\Framework\\'
                'DataAbstractionLayer\\Write\\Command\\InsertCommand)Hint: '
                'Use POST method to create new entities.',
                {"definition": "order_delivery",
                 "expectedClass": "Shopware\\Core\\Framework\\"
                 "DataAbstractionLayer\\Write\\Command\\UpdateCommand",
                 "actualClass": "Shopware\\Core\\Framework\\"
                 "DataAbstractionLayer\\Write\\Command\\InsertCommand"}))
        extra = set(body) - {"id", "trackingCodes"}
        if extra:
            fail(400, error(400, "SANDBOX__WRITE_NOT_EMULATED",
                            "The sandbox writes trackingCodes only (%s)."
                            % ", ".join(sorted(extra))))
        if "trackingCodes" in body:
            codes = body["trackingCodes"]
            if not isinstance(codes, list):
                fail(400, violation(
                    TYPE_ERROR, "This value should be of type array.",
                    "This value should be of type {{ type }}.",
                    {"{{ value }}": php_export(codes), "{{ type }}": "array"},
                    "/0/trackingCodes"))
            bad = [i for i, c in enumerate(codes) if not isinstance(c, str)]
            if bad:
                fail(400, *[violation(
                    TYPE_ERROR, "This value should be of type string.",
                    "This value should be of type {{ type }}.",
                    {"{{ value }}": php_export(codes[i]),
                     "{{ type }}": "string"}, "/0/trackingCodes/%d" % i)
                    for i in bad])
            d["trackingCodes"] = list(codes)
            d["updatedAt"] = now()
            self.count("order %s delivery %s trackingCodes" % (
                self.orders[d["_order"]]["orderNumber"], did))
        if "_response" in dict(req.params()):
            crit = Criteria()
            return respond(200, {"data": self.render("order_delivery", d,
                                                     crit, False)})
        return Response(204)

    def transition(self, req, entity, ident, action):
        body = self.body(req)
        if not isinstance(body, dict):
            body = {}
        if entity == "order":
            obj, machine = self.orders.get(ident), "order.state"
        else:
            obj, machine = self.deliveries.get(ident), "order_delivery.state"
        if obj is None:
            fail(400, error(400, "SYSTEM__STATE_MACHINE_INVALID_ENTITY_ID",
                            'Unable to read entity "%s" with id "%s".' % (
                                entity, ident),
                            {"entityName": entity, "entityId": ident}))
        cur = obj["_state"]["technicalName"]
        edges = TRANSITIONS[machine]
        to = None
        for frm, act, dst in edges:
            if act == "cancel" and action == "cancel":
                to = dst                # pre-6.7: cancel always allowed
                break
            if act != action:
                continue
            if dst == cur:
                return respond(200, self.state_json(obj["_state"]))
            if frm == cur:
                to = dst
                break
        if to is None:
            possible = [a for f, a, _ in edges if f == cur]
            fail(400, error(
                400, "SYSTEM__ILLEGAL_STATE_TRANSITION",
                'Illegal transition "%s" from state "%s". Possible '
                'transitions are: %s' % (action, obj["_state"]["id"],
                                         ", ".join(possible)),
                {"transition": action, "currentState": obj["_state"]["id"],
                 "possibleTransitionsString": ", ".join(possible),
                 "possibleTransitions": possible}))
        obj["_state"] = self.state(machine, to)
        obj["stateId"] = obj["_state"]["id"]
        obj["updatedAt"] = now()
        order = obj if entity == "order" else self.orders[obj["_order"]]
        self.count("order %s %s" % (order["orderNumber"], "state"
                                    if entity == "order" else
                                    "delivery %s state" % obj["id"]))
        send = body.get("sendMail", self.opt["send_mail_default"] == "1")
        if send is not False:
            self.mail(order["_customer"]["email"],
                      "%s.state.%s" % (entity, to), order["orderNumber"])
        return respond(200, self.state_json(obj["_state"]))

    def state_json(self, s):
        t = sw_time(datetime(2024, 1, 1, tzinfo=timezone.utc))
        return {"technicalName": s["technicalName"], "name": s["name"],
                "stateMachineId": s["stateMachineId"], "stateMachine": None,
                "fromStateMachineTransitions": None,
                "toStateMachineTransitions": None, "translations": None,
                "orders": None, "orderTransactions": None,
                "orderDeliveries": None,
                "translated": {"name": s["name"], "customFields": {}},
                "createdAt": t, "updatedAt": None, "extensions": [],
                "id": s["id"], "customFields": None,
                "apiAlias": "state_machine_state"}

    # ---- entering an order (decisions 11, 15)

    def reserve(self, req, kind, channel):
        """GET /api/_action/number-range/reserve/{type}/{saleschannel?}
        (System/NumberRange/Api/NumberRangeController.php): the next
        number of the type's range, taken; ?preview=1 shows it only."""
        if kind != "order":
            fail(400, error(400, "SANDBOX__NUMBER_RANGE_NOT_EMULATED",
                            "The sandbox keeps the order number range "
                            "only (type %s)." % kind, {"type": kind}))
        if channel and not UUID_RE.match(channel.lower()):
            fail(400, error(400, "FRAMEWORK__INVALID_UUID",
                            'Value is not a valid UUID: %s' % channel,
                            {"input": channel}))
        number = str(self.next_number)
        if dict(req.params()).get("preview") not in ("1", "true"):
            self.next_number += 1
        return respond(200, {"number": number})

    def create_order(self, req):
        """POST /api/order: the DAL's insert of an order with its nested
        entities (Api/Controller/ApiController.php::create,
        Write/EntityWriter.php).  Every violation is collected before
        the answer, as the writer does; what the database refuses (a
        NOT NULL column left out, a foreign key to no row) is its 500."""
        body = self.body(req)
        if not isinstance(body, dict):
            fail(400, http_error(400, "Only single write operations are "
                                 "supported. Please send the entities one "
                                 "by one or use the /sync api endpoint."))
        errs, fks = [], []
        row = self.write_row("order", body, "/0", errs, fks)
        if row["id"] in self.orders:
            fail(400, error(400, "FRAMEWORK__WRITE_TYPE_INTEND_ERROR",
                            'Expected command for "order" to be "Shopware\\'
                            'Core\\Framework\\DataAbstractionLayer\\Write\\'
                            'Command\\InsertCommand". (Got: Shopware\\Core\\'
                            'Framework\\DataAbstractionLayer\\Write\\Command'
                            '\\UpdateCommand)'))
        if errs:
            fail(400, *errs)
        for column in ("price", "shippingCosts"):
            if row.get(column) is None:
                # order.price and order.shipping_costs are JSON NOT NULL
                # (Migration1536232990Order.php); the fields are not
                # Required, so only the database says so.
                fail(500, http_error(500, "An exception occurred while "
                                     "executing a query: SQLSTATE[HY000]: "
                                     "General error: 1364 Field '%s' "
                                     "doesn't have a default value" % (
                                         "price" if column == "price"
                                         else "shipping_costs")))
        self.check_keys(row, fks)
        order = self.store_order(row)
        self.orders[order["id"]] = order
        self.count("order created")
        self.claim_stock(order)
        if "_response" in dict(req.params()):
            return respond(200, {"data": self.render("order", order,
                                                     Criteria(), False)})
        return Response(204, headers=[("Location", "http://%s/api/order/%s"
                                       % (req.header("Host") or "127.0.0.1",
                                          order["id"]))])

    def write_row(self, entity, data, ptr, errs, fks):
        """The row of entity that data writes at pointer ptr, its values
        converted as the field serializers do; violations into errs, the
        foreign keys to check into fks as (entity, id, pointer)."""
        spec = WRITE[entity]
        extra = sorted(set(data) - {f for f, _, _ in spec})
        if extra:
            fail(400, error(400, "SANDBOX__WRITE_NOT_EMULATED",
                            "The sandbox does not write %s of %s (at %s)."
                            % (", ".join(extra), entity, ptr),
                            {"fields": extra}))
        given = dict(WRITE_DEFAULTS.get(entity, {}))
        given.update(data)
        out = {}
        for name, kind, required in spec:
            p = ptr + "/" + name
            v = given.get(name)
            if kind == "computed":          # Flag Computed: skipped
                continue
            if kind == "protected":
                if name in data:
                    # WriteCommandExtractor::validateContextHasPermission:
                    # the exception's path and the violation's property
                    # path both end in the field (sic).
                    errs.append(violation(
                        UUID_ERROR, "This field is write-protected.",
                        "This field is write-protected.",
                        ["api", ""], p + name))
                continue
            if kind == "id":
                if v in (None, ""):
                    v = secrets.token_hex(16)
                elif not (isinstance(v, str) and UUID_RE.match(v)):
                    errs.append(not_uuid(v, p))
                out[name] = v
            elif kind.startswith(("fk:", "state:")) or kind == "uuid":
                if v in (None, ""):
                    if required:
                        errs.append(not_blank(p))
                    out[name] = None
                elif not (isinstance(v, str) and UUID_RE.match(v)):
                    errs.append(not_uuid(v, p))
                else:
                    out[name] = v
                    if kind != "uuid":
                        fks.append((kind, v, p))
            elif kind in ("string", "text"):
                if isinstance(v, str):
                    # StringFieldSerializer trims; both strip tags
                    # (not AllowHtml) and take "" as null.
                    v = re.sub(r"<[^>]*>", "", v.strip() if kind ==
                               "string" else v)
                    v = v or None
                if v is None:
                    if required:
                        errs.append(not_blank(p))
                elif not isinstance(v, str):
                    errs.append(type_error(v, "string", p))
                elif kind == "string" and len(v) > 255:
                    errs.append(violation(
                        TOO_LONG, "This value is too long. It should have "
                        "255 characters or less.", "This value is too "
                        "long. It should have {{ limit }} character or "
                        "less.|This value is too long. It should have "
                        "{{ limit }} characters or less.",
                        {"{{ value }}": php_export(v), "{{ limit }}": "255"},
                        p))
                out[name] = v
            elif kind in ("float", "int", "bool"):
                out[name] = self.scalar(kind, v, required, p, errs)
            elif kind == "datetime":
                if v is None:
                    errs.append(violation(NOT_NULL, "This value should not "
                                          "be null.", "This value should "
                                          "not be null.",
                                          {"{{ value }}": "null"}, p))
                elif parse_time(v) is None:
                    fail(400, error(400, "SANDBOX__WRITE_NOT_EMULATED",
                                    "%s: the sandbox reads ISO 8601 times "
                                    "only (PHP would take more)." % p))
                out[name] = parse_time(v) if v is not None else None
            elif kind in ("json", "list"):
                if v is not None and not isinstance(
                        v, list if kind == "list" else (dict, list)):
                    errs.append(type_error(v, "array", p))
                elif kind == "list" and v is not None:
                    for i, x in enumerate(v):
                        if not isinstance(x, str):
                            errs.append(type_error(x, "string",
                                                   "%s/%d" % (p, i)))
                out[name] = v
            elif kind in MAPPED:
                out[name] = self.mapped(kind, v, required, p, errs)
            elif kind.startswith("one:"):
                out[name] = None
                if isinstance(v, dict):
                    out[name] = self.write_row(kind[4:], v, p, errs, fks)
                elif v is not None:
                    errs.append(type_error(v, "array", p))
            elif kind.startswith("many:"):
                rows = []
                if v is not None and not isinstance(v, list):
                    errs.append(type_error(v, "array", p))
                for i, x in enumerate(v if isinstance(v, list) else []):
                    if isinstance(x, dict):
                        rows.append(self.write_row(kind[5:], x, "%s/%d" % (
                            p, i), errs, fks))
                    else:
                        errs.append(type_error(x, "array", "%s/%d" % (p, i)))
                out[name] = rows
        return out

    def scalar(self, kind, v, required, p, errs):
        """A FloatField (NotBlank, Type numeric: a numeric string too,
        cast to float), IntField (Type int, NotBlank) or BoolField."""
        if v is None:
            if required and kind != "bool":
                errs.append(not_blank(p))
            return None
        if kind == "float":
            if not is_numeric(v):
                errs.append(type_error(v, "numeric", p))
                return None
            return float(v)
        if kind == "int" and (isinstance(v, bool) or not isinstance(v, int)):
            errs.append(type_error(v, "int", p))
            return None
        if kind == "bool" and not isinstance(v, bool):
            errs.append(type_error(v, "bool", p))
            return None
        return v

    def mapped(self, kind, v, required, p, errs):
        """A JsonField with a property mapping (CartPriceField,
        CalculatedPriceField, CashRoundingConfigField): a key it does not
        map is FRAMEWORK__WRITE_UNEXPECTED_FIELD_ERROR, a required one
        missing a NotBlank (typed) or NotNull (untyped JSON)
        (FieldSerializer/JsonFieldSerializer.php::validateMapping)."""
        if v is None:
            if required:
                errs.append(violation(NOT_NULL, "This value should not be "
                                      "null.", "This value should not be "
                                      "null.", {"{{ value }}": "null"}, p))
            return None
        if not isinstance(v, dict):
            errs.append(type_error(v, "array", p))
            return None
        fields = MAPPED[kind]
        for k in v:
            if k not in fields and k != "extensions":
                errs.append(dict(error(400,
                                       "FRAMEWORK__WRITE_UNEXPECTED_FIELD_"
                                       "ERROR", "Unexpected field: %s" % k,
                                       {"field": k}),
                                 source={"pointer": "%s/%s" % (p, k)}))
        out = {}
        for k, (ftype, req) in fields.items():
            x = v.get(k)
            if ftype == "json":
                if x is None and req:
                    errs.append(violation(NOT_NULL, "This value should not "
                                          "be null.", "This value should "
                                          "not be null.",
                                          {"{{ value }}": "null"},
                                          "%s/%s" % (p, k)))
                out[k] = x
            elif ftype == "string":
                if not isinstance(x, str) or not x.strip():
                    errs.append(not_blank("%s/%s" % (p, k)))
                out[k] = x
            else:
                out[k] = self.scalar(ftype, x, req, "%s/%s" % (p, k), errs)
        return out

    def check_keys(self, row, fks):
        """What the database checks: each foreign key names a row (the
        order's own addresses and lines for its deliveries), and each
        state belongs to its field's machine (which the DAL does NOT
        check: the sandbox refuses what would break the order)."""
        own = {"order_address": {a["id"] for a in row["addresses"]},
               "order_line_item": {li["id"] for li in row["lineItems"]}}
        tables = {
            "currency": {c["id"] for c in self.currencies.values()},
            "country": {c["id"] for c in self.countries.values()},
            "language": self.languages, "sales_channel": set(self.channels),
            "shipping_method": {m["id"] for m in self.methods.values()},
            "payment_method": {m["id"] for m in self.payments.values()},
            "product": set(self.products)}
        tables.update(own)
        for kind, v, p in fks:
            if kind.startswith("state:"):
                st = self.state_by_id.get(v)
                if st is not None and st[0] != kind[6:]:
                    fail(400, error(400, "SANDBOX__WRITE_NOT_EMULATED",
                                    "%s: a state of %s, not of %s: Shopware "
                                    "would take it and the order would be "
                                    "broken" % (p, st[0], kind[6:])))
                ok = st is not None
            else:
                ok = v in tables[kind[3:]]
            if not ok:
                fail(500, http_error(500, "An exception occurred while "
                                     "executing a query: SQLSTATE[23000]: "
                                     "Integrity constraint violation: 1452 "
                                     "Cannot add or update a child row: a "
                                     "foreign key constraint fails (%s %s)"
                                     % (p, v)))

    def store_order(self, row):
        """The stored order of a checked row, as build_order keeps one."""
        oid = row["id"]
        t = now()
        cur = [c for c in self.currencies.values()
               if c["id"] == row["currencyId"]][0]
        by_id = {c["id"]: c for c in self.countries.values()}
        addresses = {}
        for a in row["addresses"]:
            addresses[a["id"]] = dict(
                {f: a.get(f) for f in SCHEMA["order_address"][0]},
                versionId=LIVE_VERSION, orderId=oid, createdAt=t,
                _country=by_id[a["countryId"]])
        lines = {}
        for li in row["lineItems"]:
            pr = li["price"]
            prod = self.products.get(li.get("productId"))
            lines[li["id"]] = dict(
                {f: li.get(f) for f in SCHEMA["order_line_item"][0]},
                versionId=LIVE_VERSION, orderId=oid,
                unitPrice=pr["unitPrice"], totalPrice=pr["totalPrice"],
                price=dict(money(pr["totalPrice"], pr["quantity"],
                                 pr["unitPrice"])), createdAt=t,
                _product=prod)
        deliveries = []
        for d in row["deliveries"]:
            positions = []
            for pos in d["positions"]:
                pr = pos.get("price")
                positions.append({
                    "id": pos["id"], "versionId": LIVE_VERSION,
                    "orderDeliveryId": d["id"],
                    "orderLineItemId": pos["orderLineItemId"],
                    "quantity": pr["quantity"] if pr else None,
                    "unitPrice": pr["unitPrice"] if pr else None,
                    "totalPrice": pr["totalPrice"] if pr else None,
                    "createdAt": t, "updatedAt": None,
                    "_line": lines[pos["orderLineItemId"]]})
            sc = d.get("shippingCosts")
            method = [m for m in self.methods.values()
                      if m["id"] == d["shippingMethodId"]][0]
            state = self.state(*self.state_by_id[d["stateId"]])
            deliveries.append({
                "id": d["id"], "versionId": LIVE_VERSION, "orderId": oid,
                "shippingOrderAddressId": d["shippingOrderAddressId"],
                "shippingMethodId": method["id"], "stateId": state["id"],
                "trackingCodes": list(d["trackingCodes"]),
                "shippingDateEarliest": d["shippingDateEarliest"],
                "shippingDateLatest": d["shippingDateLatest"],
                "shippingCosts": money(sc["totalPrice"], sc["quantity"],
                                       sc["unitPrice"]) if sc else None,
                "createdAt": t, "updatedAt": None, "_state": state,
                "_positions": positions, "_method": method,
                "_address": addresses[d["shippingOrderAddressId"]],
                "_order": oid})
            self.deliveries[d["id"]] = deliveries[-1]
        transactions = []
        for tr in row["transactions"]:
            state = self.state(*self.state_by_id[tr["stateId"]])
            pm = [m for m in self.payments.values()
                  if m["id"] == tr["paymentMethodId"]][0]
            am = tr["amount"]
            transactions.append({
                "id": tr["id"], "versionId": LIVE_VERSION, "orderId": oid,
                "paymentMethodId": pm["id"], "stateId": state["id"],
                "amount": money(am["totalPrice"], am["quantity"],
                                am["unitPrice"]), "createdAt": t,
                "updatedAt": None, "_state": state, "_method": pm})
        price, sc = row["price"], row["shippingCosts"]
        cust = row.get("orderCustomer")
        state = self.state(*self.state_by_id[row["stateId"]])
        return {
            "id": oid, "versionId": LIVE_VERSION,
            "orderNumber": row.get("orderNumber"),
            "billingAddressId": row["billingAddressId"],
            "currencyId": cur["id"], "languageId": row["languageId"],
            "salesChannelId": row["salesChannelId"],
            "orderDateTime": row["orderDateTime"],
            "orderDate": row["orderDateTime"].strftime("%Y-%m-%d"),
            # amount_total and the rest are generated columns of price
            # and shipping_costs (Migration1536232990Order.php).
            "price": dict(price, apiAlias="cart_price"),
            "amountTotal": price["totalPrice"],
            "amountNet": price["netPrice"],
            "positionPrice": price["positionPrice"],
            "taxStatus": price["taxStatus"],
            "shippingCosts": money(sc["totalPrice"], sc["quantity"],
                                   sc["unitPrice"]),
            "shippingTotal": sc["totalPrice"],
            "currencyFactor": row["currencyFactor"],
            "affiliateCode": row.get("affiliateCode"),
            "campaignCode": row.get("campaignCode"),
            "customerComment": row.get("customerComment"), "source": None,
            "stateId": state["id"], "ruleIds": [],
            "itemRounding": row["itemRounding"],
            "totalRounding": row["totalRounding"],
            "customFields": row.get("customFields"), "createdAt": t,
            "updatedAt": None, "_state": state,
            "_customer": None if cust is None else dict(
                {f: cust.get(f) for f in SCHEMA["order_customer"][0]},
                versionId=LIVE_VERSION, orderId=oid, createdAt=t),
            "_currency": cur, "_addresses": list(addresses.values()),
            "_billing": addresses.get(row["billingAddressId"]),
            "_deliveries": deliveries, "_lineItems": list(lines.values()),
            "_transactions": transactions}

    def claim_stock(self, order):
        """Content/Product/Stock/OrderStockSubscriber.php: each product
        line written into a live order that is not cancelled takes its
        quantity off its referenced product's stock."""
        if order["_state"]["technicalName"] == "cancelled":
            return
        for li in order["_lineItems"]:
            p = self.products.get(li.get("referencedId"))
            if li.get("type") == "product" and p is not None:
                p["stock"] -= li["quantity"]
                p["availableStock"] = p["stock"]


INVALID_REQUEST = ("The request is missing a required parameter, includes "
                   "an invalid parameter value, includes a parameter more "
                   "than once, or is otherwise malformed.")


class FilterError(Exception):
    """An invalid filter: (message, pointer)."""


def strip(entity, field):
    prefix = entity + "."
    return field[len(prefix):] if field.startswith(prefix) else field


def is_numeric(v):
    """PHP's is_numeric for JSON values."""
    if isinstance(v, bool):
        return False
    if isinstance(v, (int, float)):
        return True
    return isinstance(v, str) and re.fullmatch(
        r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", v) is not None


def php_type(v):
    return {dict: "array", list: "array", str: "string", int: "integer",
            float: "double", bool: "boolean"}.get(type(v), "NULL")


def fold(text):
    """A string as utf8mb4_unicode_ci compares it (the collation of
    Shopware's tables, and of a value read out of JSON by
    JsonFieldAccessorBuilder): case and accents ignored, trailing spaces
    too (PAD SPACE).  An approximation of UCA 4.0.0 good for names and
    SKUs."""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(c for c in t if not unicodedata.combining(c))
    return t.casefold().rstrip(" ")


def same(v, w):
    if isinstance(v, str) and isinstance(w, str):
        return fold(v) == fold(w)
    if isinstance(v, datetime):
        return v == parse_time(w) if isinstance(w, str) else False
    if isinstance(v, bool) or isinstance(w, bool):
        return bool(v) == bool(w) if v is not None and w is not None \
            else v is w
    if isinstance(v, (int, float)) and is_numeric(w):
        return float(v) == float(w)
    return v == w if w is not None else v is None


def in_range(v, params):
    if v is None:
        return False
    for op, bound in params.items():
        if isinstance(v, datetime):
            b = parse_time(bound) if isinstance(bound, str) else None
            if b is None:
                fail(400, error(400, "SANDBOX__RANGE_NOT_A_TIME",
                                "%r is not an ISO 8601 time (MySQL would "
                                "compare it as text; the sandbox refuses "
                                "it)." % (bound,), {"value": bound}))
        elif is_numeric(bound) and isinstance(v, (int, float)):
            b = float(bound)
        else:
            b = bound
        try:
            ok = {"gte": v >= b, "lte": v <= b, "gt": v > b,
                  "lt": v < b}[op]
        except TypeError:
            return False
        if not ok:
            return False
    return True


def make_jwt(client_id, ttl):
    """A token shaped as Shopware's RS256 JWT (opaque to a client)."""
    def b64(d):
        return base64.urlsafe_b64encode(
            json.dumps(d, separators=(",", ":")).encode()).rstrip(b"=") \
            .decode()
    t = int(time.time())
    head = b64({"typ": "JWT", "alg": "RS256"})
    body = b64({"aud": client_id, "jti": secrets.token_hex(40), "iat": t,
                "nbf": t, "exp": t + ttl, "sub": "", "scopes": ["write"]})
    sig = base64.urlsafe_b64encode(secrets.token_bytes(64)).rstrip(
        b"=").decode()
    return "%s.%s.%s" % (head, body, sig)


# ------------------------------------------------------------------ generate

FAMILIES = (("TS", "T-shirt"), ("HD", "Hoodie"), ("MUG", "Mok"),
            ("CAP", "Pet"), ("BAG", "Tas"))
COLOURS = (("RED", "rood"), ("BLU", "blauw"), ("BLK", "zwart"),
           ("WHT", "wit"), ("GRN", "groen"))
SIZES = ("S", "M", "L", "XL")
FIRST = ("Jan", "Sanne", "Pieter", "Fleur", "Daan", "Zoë", "Bram", "Anaïs")
LAST = ("Jansen", "de Vries", "Bakker", "Visser", "Smit", "Müller")
CITIES = (("Utrecht", "3511 AB", "NL"), ("Amsterdam", "1012 JS", "NL"),
          ("Gent", "9000", "BE"), ("Köln", "50668", "DE"))


def ean13(n):
    digits = "871%09d" % n
    s = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(digits))
    return digits + str((10 - s % 10) % 10)


def generate_data(spec, seed, products, orders):
    """products=N makes N sellable products (parents of four sizes plus
    their variants: N counts the variants; every 17th inactive, every 29th
    isCloseout false); orders=M makes M orders over them, every state."""
    rng = random.Random(seed)
    if "products" in spec or ("orders" in spec and not products):
        n = spec.get("products", 20)
        products = []
        made = 0
        k = 0
        while made < n:
            fam, fname = FAMILIES[k % len(FAMILIES)]
            col, cname = COLOURS[(k // len(FAMILIES)) % len(COLOURS)]
            base = "%s-%s-%d" % (fam, col, k // 25 + 1)
            products.append({"productNumber": base, "name": "%s %s" % (
                fname, cname), "ean": None, "stock": 0, "active": True,
                "isCloseout": True,
                "createdAt": "2024-10-01T08:00:00Z"})
            for size in SIZES:
                if made >= n:
                    break
                made += 1
                row = {"productNumber": "%s-%s" % (base, size),
                       "parent": base, "stock": rng.randint(0, 40),
                       "ean": ean13(made), "options": size,
                       "createdAt": "2024-10-01T08:00:00Z"}
                if made % 17 == 0:
                    row["active"] = False
                if made % 29 == 0:
                    row["isCloseout"] = False
                products.append(row)
            k += 1
    if "orders" in spec:
        parents = {p.get("parent") for p in products}
        skus = [p["productNumber"] for p in products
                if p["productNumber"] not in parents]
        combos = [("open", "open"), ("in_progress", "open"),
                  ("in_progress", "shipped_partially"),
                  ("completed", "shipped"), ("completed", "returned"),
                  ("completed", "returned_partially"),
                  ("cancelled", "cancelled"), ("completed", "shipped")]
        start = datetime(2025, 1, 7, 8, 0, tzinfo=timezone.utc)
        orders = []
        for i in range(spec["orders"]):
            state, dstate = combos[i % len(combos)] if i < len(combos) \
                else rng.choice(combos)
            t = start + timedelta(minutes=37 * i + rng.randint(0, 30))
            city, zipcode, country = rng.choice(CITIES)
            first, last = rng.choice(FIRST), rng.choice(LAST)
            lines = [{"productNumber": s, "label": s,
                      "quantity": rng.randint(1, 3),
                      "unitPrice": rng.choice((9.95, 19.95, 49.95))}
                     for s in rng.sample(skus, min(len(skus),
                                                   rng.randint(1, 3)))]
            method = rng.choice(("PostNL", "DHL", "DPD"))
            shipped = dstate not in ("open", "cancelled")
            orders.append({
                "orderNumber": str(20250001 + i),
                "orderDateTime": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "updatedAt": (t + timedelta(hours=20)).strftime(
                    "%Y-%m-%dT%H:%M:%SZ"),
                "state": state, "transaction": "cancelled"
                if state == "cancelled" else "paid", "currency": "EUR",
                "customer": {"email": "klant%d@example.nl" % (i + 1),
                             "firstName": first, "lastName": last,
                             "customerNumber": "G%d" % (i + 1)},
                "billing": {"firstName": first, "lastName": last,
                            "street": "Straat %d" % (i + 1),
                            "zipcode": zipcode, "city": city,
                            "country": country},
                "lines": lines, "shippingTotal": 4.95,
                "deliveries": [{"state": dstate, "shippingMethod": method,
                                "trackingCodes": ["%s%09d" % (
                                    method[:2].upper(), i + 1)]
                                if shipped else []}]})
    return products, orders
