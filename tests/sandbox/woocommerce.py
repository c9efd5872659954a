"""woocommerce.py: the WooCommerce REST API (wc/v3) for sandbox.py.

    python3 tests/sandbox/sandbox.py --platform woocommerce \
        --data tests/sandbox/data/woocommerce [--api-key ck_sandbox] \
        [--api-secret cs_sandbox] [--generate orders=N,products=M] ...

Routes under /wp-json/wc/v3: GET and POST orders, GET orders/{id},
PUT/POST/PATCH orders/{id} (status), GET and POST orders/{id}/notes,
GET settings/{group}, GET and PUT/POST/PATCH settings/{group}/{id} (the
e-mail groups), GET products, GET products/{id},
GET products/{id}/variations, POST products/batch and
POST products/{id}/variations/batch (update only).  Data: orders.json,
order_notes.json, products.json, variations.json (parent_id; a
product's `variations` is derived from them).  Products, variations,
orders and refunds share one id space, as WordPress posts do.
--set emails_enabled=default|yes|no (decision 14).

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
    (one item) / woocommerce_rest_cannot_batch (batch) /
    woocommerce_rest_cannot_create "Sorry, you are not allowed to create
    resources." (POST orders, POST notes: create_item_permissions_check) /
    woocommerce_rest_cannot_edit "Sorry, you are not allowed to edit this
    resource." (orders/{id}) or "Sorry, you cannot edit this resource."
    (settings: update_items_permissions_check).  Credentials in the
    query string are redacted in the request log (sandbox.redact_query).
    --set strip_authorization=1 is a host running PHP as CGI/FastCGI,
    which does not hand PHP the Authorization header: Basic auth never
    arrives (401 as a guest), the query parameters do ([auth]: "over
    HTTPS ... you may also provide the consumer key/secret as query
    string parameters", the fix its docs give for such hosts).
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
    exclusive (WP date_query); a value is site time, or UTC with
    dates_are_gmt=true (_gmt fields); a zone written after it (Z,
    +hh:mm) is ignored, as WooCommerce reads the digits only
    (woocommerce#28111, answered by #28132's dates_are_gmt).  Site time is
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

Decisions 9-17 are about WooCommerce 10.x, read in woocommerce/woocommerce
(paths under plugins/woocommerce/): [v2o]
includes/rest-api/Controllers/Version2/class-wc-rest-orders-v2-controller.php;
[v3o] .../Version3/class-wc-rest-orders-controller.php; [crud]
.../Version3/class-wc-rest-crud-controller.php; [n1] [n2] [n3] the order
notes controllers .../Version1/class-wc-rest-order-notes-v1-controller.php,
.../Version2/class-wc-rest-order-notes-v2-controller.php,
.../Version3/class-wc-rest-order-notes-controller.php; [so2] [so3]
.../Version2/class-wc-rest-setting-options-v2-controller.php,
.../Version3/class-wc-rest-setting-options-controller.php; [rc]
.../Version3/class-wc-rest-controller.php (validate_setting_*_field);
[reg] includes/class-wc-register-wp-admin-settings.php; [order]
includes/class-wc-order.php; [abs] includes/abstracts/abstract-wc-order.php;
[ofn] includes/wc-order-functions.php; [stock] includes/wc-stock-functions.php;
[emails] includes/class-wc-emails.php; [email]
includes/emails/class-wc-email.php and class-wc-email-<id>.php; [cpt]
includes/data-stores/class-wc-order-data-store-cpt.php; [hpos]
src/Internal/DataStores/Orders/OrdersTableSearchQuery.php.  [wp]
WordPress wp-includes/rest-api/class-wp-rest-request.php has_valid_params.
[dn] [ds] woocommerce-rest-api-docs source/includes/wp-api-v3/_order-notes.md,
_setting-options.md.

 9. GET orders/{id}: the order as the list has it.  An unknown id (also a
    product's or a refund's) is 404 woocommerce_rest_shop_order_invalid_id
    "Invalid ID." ([crud] get_item, [v2o] get_object); an update of one is
    400 with the same code and message ([crud] update_item).
10. search=TERM on the order list.  Posts storage [ofn] wc_order_search,
    [cpt] search_orders: the term's absint as an order id when is_numeric,
    LIKE %term% on the meta _billing_address_index,
    _shipping_address_index, _billing_last_name and _billing_email
    (woocommerce_shop_order_search_fields), and on order_item_name; when
    that finds nothing [v2o] prepare_objects_query leaves `s` to
    WP_Query, which searches post title/excerpt/content (not emulated).
    HPOS [hpos]: the id when the term is exactly its digits,
    order_item_name LIKE, and the two address indexes LIKE
    (woocommerce_order_table_search_query_meta_keys).  The sandbox does
    what both do: a term of digits without a leading zero finds the order
    with that id (its number here); any term is matched as a substring,
    case- and accent-blind as MySQL's _ci collations compare (UNCONFIRMED
    for a shop's own collation), in the billing index (first_name,
    last_name, company, address_1, address_2, city, state, postcode,
    country, email, phone joined by spaces: implode(' ', get_address())),
    the shipping index, and the names of line items, shipping lines
    (method_title) and fees.  The term is sanitize_text_field'ed (tags
    out, whitespace runs as one space, trimmed); empty means no search.
    CPT's "Order #10231" is not emulated.
11. POST orders ([v3o] save_object, [v2o] prepare_line_items,
    get_product_id, set_item).  WordPress checks the members first and
    answers every invalid one in one 400 rest_invalid_param "Invalid
    parameter(s): a, b" with data.params [wp]: "X is not of type
    string." (amounts are strings in the schema, so a number is refused),
    a status outside the enum, a billing email that is neither null nor
    an address ("Invalid email address."; "" is refused too, as
    wordpress-mobile/WordPress-FluxC-Android#2306 found).  Strict sandbox
    choices: members other than status, currency, set_paid,
    payment_method, payment_method_title, transaction_id, customer_note,
    created_via, billing, shipping, line_items, shipping_lines,
    fee_lines, meta_data are refused (WooCommerce ignores read-only ones
    and takes more, such as customer_id and coupon_lines); so are unknown
    members inside them (a line takes product_id, variation_id, quantity,
    subtotal, total, name, sku, meta_data; a shipping line method_id,
    method_title, instance_id, total, meta_data; a fee name, total,
    tax_status, tax_class, meta_data), a quantity below 1 (WooCommerce
    removes a line of quantity 0), amounts that are not decimal strings,
    and a currency that is not three capital letters (WooCommerce: its
    currency list).  Then WooCommerce's own errors, in schema order and
    before anything is saved: an "id" is 400
    woocommerce_rest_shop_order_exists "Cannot create existing
    shop_order." ([crud] create_item); an item with an id is
    woocommerce_rest_invalid_item_id "Order item ID provided is not
    associated with order."; a line without product_id, variation_id and
    sku is woocommerce_rest_required_product_reference "Product ID or SKU
    is required."; a shipping line without method_id is
    woocommerce_rest_invalid_shipping_item "Shipping method ID is
    required."; a fee without name woocommerce_rest_invalid_fee_item "Fee
    name is required.".
    A line's product (get_product_id): a non-empty sku wins
    (wc_get_product_id_by_sku, products and variations), else product_id
    when there is no variation_id, else variation_id.  WooCommerce does
    not refuse an unknown product: wc_get_product() is false, set_product()
    is skipped, and the line is saved with product_id 0, variation_id 0,
    the posted name or "", sku null and totals 0.00 unless posted
    (woocommerce/woocommerce#50698, open).  The sandbox does the same;
    there is no woocommerce_rest_invalid_product_id for order lines (that
    code is the products controllers').  A variation_id wins over
    product_id and set_product() writes the variation's parent as
    product_id, so a mismatched pair is corrected, not refused.  A
    variable product without variation_id is taken as a line of the
    parent, at its lowest variation price (get_price() reads the first
    _price meta, which sync_price writes lowest first; UNCONFIRMED beyond
    reading).  A variation's attributes become item meta ({"key": "size",
    "value": "M", "display_key": "Size", "display_value": "M"},
    set_variation).  Without total/subtotal a line is price x quantity
    (wc_get_price_excluding_tax; taxes are off, so the price as is); a
    posted total or subtotal replaces that value only
    (maybe_set_item_props): a posted total below price x quantity shows as
    discount_total.  calculate_totals() runs on create [abs]: each line
    rounded to cents and summed; shipping lines summed into
    shipping_total; fees added (a negative fee capped at the order's
    value); discount_total = subtotals - totals; total = lines + fees +
    shipping + taxes.  The sandbox is a shop with taxes disabled: every
    tax "0.00", taxes [] (WC_Order_Item::calculate_taxes needs
    wc_tax_enabled()).  A shop with taxes enabled takes posted totals as
    excluding tax (WC_Tax::calc_tax(..., false)), adds tax_lines,
    total_tax and each line's taxes, and adds the tax to total.  price is
    total / quantity as PHP divides (an int when both are whole and it
    divides, else a float).  The order takes the next id of the shared id
    space, number str(id), created_via "rest-api" (or the posted
    created_via, writable on create in v3), version "10.0.0", currency EUR
    unless given, prices_include_tax true (the seed shop's setting), dates
    now (UTC and site time).  A new order's status reads as pending
    (WC_Order::get_status), so a status given is a transition from
    pending, with all of decision 13.  set_paid true then runs
    payment_complete(): transaction_id, date_paid, and status processing,
    or completed when no line has a product that needs processing
    (needs_processing: any product not virtual and downloadable; the seed
    has none such, and a product-less line needs none).  201 with the
    order and a Location header.  Counts "order created".
12. Order notes ([n1] [n2] [n3], [order] add_order_note, [dn]).  GET
    lists all notes of the order, newest first (comment_date_gmt, then
    id), unpaged; type=any|customer|internal (customer: is_customer_note),
    else 400 rest_invalid_param; an unknown order is 404
    woocommerce_rest_shop_order_invalid_id "Invalid order ID.".  POST
    takes note (required: missing or null is 400
    rest_missing_callback_param "Missing parameter(s): note" [wp]),
    customer_note and added_by_user (booleans as rest_is_boolean reads
    them: true/false, "true"/"false", "1"/"0", 1/0); other members are
    refused (strict); "id" is 400 woocommerce_rest_shop_order_exists; an
    unknown order is 404 under another code,
    woocommerce_rest_order_invalid_id "Invalid order ID.".  WooCommerce
    does not refuse an empty note (wp_insert_comment stores it), nor does
    the sandbox.  201 with {id, author, date_created, date_created_gmt,
    note, customer_note} and a Location header: added_by_user is input
    only (prepare_item_for_response does not return it).  author:
    add_order_note writes "WooCommerce"; v3 shows an author equal to
    __('woocommerce') as "system", which "WooCommerce" is not in English,
    so notes show "WooCommerce" (the docs' example says "system";
    UNCONFIRMED which a live shop answers).  With added_by_user the author
    is the key's user, here "Shop Manager".  A customer note mails the
    customer: mail(billing email, "customer_note", order id) when
    email_customer_note is enabled (woocommerce_new_customer_note ->
    WC_Email_Customer_Note).  Each POSTed note counts "order N note";
    the notes WooCommerce writes itself (decision 13) count nothing.
13. Status changes: PUT/POST/PATCH orders/{id} ([order] set_status,
    status_transition, payment_complete; [emails]; [email]; [stock];
    [ofn]).  It takes status (pending, processing, on-hold, completed,
    cancelled, refunded, failed; WooCommerce's enum also has auto-draft
    and checkout-draft, refused here), set_paid, transaction_id and
    manual_update; other members are refused (strict).  The status an
    order has already: nothing happens, nothing is sent or counted.  A
    change, in WooCommerce's order: date_paid is set if unset on reaching
    the paid status (maybe_set_date_paid: processing, or completed),
    date_completed on completed, date_modified moves; then the hooks of
    woocommerce_order_status_{to}: processing, completed and on-hold
    reduce stock once per order (wc_maybe_reduce_stock_levels: each
    managed product, or a variation's managing parent, minus the
    quantity; item meta _reduced_stock; internal note "Stock levels
    reduced: Name (SKU) 12&rarr;10"); pending and cancelled give back what
    each item's _reduced_stock recorded ("Stock levels increased: ...");
    refunded refunds what is left (wc_order_fully_refunded: {id, reason
    "Order fully refunded.", total "-X"} in refunds, the
    customer_refunded_order e-mail, the note "Order status set to
    refunded. ..."); completed mails customer_completed_order and failed
    mails customer_failed_order (from any status:
    woocommerce_order_status_{to}_notification); then the note "Order
    status changed from X to Y." (wc_get_order_statuses names: "Pending
    payment", "On hold", ...; by the user with manual_update); then the
    {from}_to_{to} e-mails: customer_processing_order from
    pending/failed/on-hold/cancelled, customer_on_hold_order from
    pending/failed/cancelled, customer_cancelled_order from
    processing/on-hold (WooCommerce 10.0, PR #57987; off by default).
    Admin e-mails (new_order, cancelled_order, failed_order) are not
    recorded: /_sandbox/mail holds what customers got.  An e-mail goes
    only when its setting enabled is "yes" and the order has a billing
    e-mail (WC_Email::trigger).  set_paid true on a pending or failed
    order with a total above 0 (needs_payment) runs payment_complete() as
    in 11.  A request that changes the status counts "order N status"
    once.  Seed orders that are processing, on-hold, completed or
    refunded count as having reduced stock when they were paid; their
    items carry no _reduced_stock, so cancelling one gives nothing back,
    as in WooCommerce.  Stock moved by orders is in stockhistory with
    "order" and is not a write.
14. Settings ([so2] [so3] [reg] [rc] [email] [ds]).  Each e-mail is group
    email_<id>, its form fields the settings: {id, label, description,
    type, default, options (select), tip (desc_tip)} plus value; one
    setting also carries group_id (v3).  Groups: email_new_order (with
    recipient), email_customer_on_hold_order,
    email_customer_processing_order, email_customer_completed_order,
    email_customer_refunded_order (subject_full/_partial and
    heading_full/_partial), email_customer_note,
    email_customer_failed_order, email_customer_cancelled_order.  Each has
    enabled (checkbox, default "yes"; "no" for customer_cancelled_order),
    subject, heading, additional_content (textarea) and email_type (select
    plain/html/multipart, "html").  Texts as WooCommerce has them with its
    email_improvements feature off (UNCONFIRMED for a shop where it is
    on: other defaults, and cc/bcc fields).  Other groups (general,
    products, ...) are 404 rest_setting_setting_group_invalid "Invalid
    setting group." (not emulated); an unknown setting 404
    rest_setting_setting_invalid "Invalid setting.".  PUT/POST/PATCH take
    {"value": ...} (other members refused, strict).  A checkbox is checked
    as validate_setting_checkbox_field does: "yes" or "no"; true, too
    (PHP's loose in_array); an empty value (missing, null, "", "0", 0,
    false, []) answers the default; anything else is 400
    rest_setting_value_invalid "An invalid setting value was passed.".  A
    select takes one of its option keys (else that 400); text and
    textarea a string, stripslashes'd and trimmed (kses not emulated;
    other types refused, strict).  update_item stores the value as sent,
    not the checked one, so {"value": ""} answers "yes" yet stores "" and
    turns the e-mail off, as true does (is_enabled compares with 'yes').
    Each accepted change counts "setting <group>/<id>".  --set
    emails_enabled=yes|no sets every enabled at start (default: as
    WooCommerce); /_sandbox/reset goes back to the start.
15. The new writes run in handle(): a slow fault applies them before its
    wait, truncate and badjson after; 429, 5xx and reset refuse them
    before (sandbox.py).
16. Order answers carry what WooCommerce returns and the seed left out:
    discount_tax, shipping_tax, cart_tax "0.00", transaction_id "",
    date_paid(_gmt) null, tax_lines, shipping_lines, fee_lines,
    coupon_lines, refunds [], and per line subtotal_tax, total_tax, taxes
    ([v2o] get_order_item_data; the seed file now has the line ones).
    Not emulated: payment_url, is_editable, needs_payment,
    needs_processing, customer_ip_address, a line's image and
    parent_name, _links.
17. order_notes.json: [{id, order_id, author, date_created,
    date_created_gmt, note, customer_note}], checked at start.  Not loaded
    with --generate orders (generated orders replace the seed's).
"""

import base64
import binascii
import html
import math
import random
import re
import unicodedata
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from sandbox import (PlatformBase, Reject, SetupError, is_int,
                     json_response, listing_key, load_array, valid_time)

API = "/wp-json/wc/v3"
API_KEY = "ck_sandbox"          # sandbox.py's defaults for this platform
API_SECRET = "cs_sandbox"
RATE_LIMIT = None               # wc/v3 core has no rate limit
BATCH_LIMIT = 100               # woocommerce_rest_batch_items_limit
ORDER_STATUSES = ("pending", "processing", "on-hold", "completed",
                  "cancelled", "refunded", "failed", "trash")
# The block checkout's draft orders: wc-checkout-draft, a status of
# WooCommerce's own since the Blocks plugin merged into it (its stock
# reservation code names it; the registering class is UNCONFIRMED): data
# and filters know it; --generate makes none.
DRAFT_STATUSES = ("checkout-draft",)
PRODUCT_TYPES = ("simple", "variable", "grouped", "external")
PRODUCT_STATUSES = ("draft", "pending", "private", "publish")
DATE_RE = re.compile(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\Z")
ISO_RE = re.compile(r"\A(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})"
                    r"(Z|[+-]\d{2}:\d{2})?\Z")

# ---- orders, notes, e-mails and settings (decisions 9-17)

# --set NAME=VALUE: emails_enabled=default (WooCommerce's own defaults:
# every e-mail on but customer_cancelled_order), yes or no (all e-mails).
SETTINGS = {"emails_enabled": "default", "statuses": "",
            "strip_authorization": "0"}
WC_VERSION = "10.0.0"           # the version a created order records
SYSTEM_AUTHOR = "WooCommerce"   # add_order_note's author without a user
USER_NAME = "Shop Manager"      # display name of the API key's user
EDITABLE = ("POST", "PUT", "PATCH")     # WP_REST_Server::EDITABLE
ORDER_WRITE_STATUSES = ("pending", "processing", "on-hold", "completed",
                        "cancelled", "refunded", "failed")
STATUS_NAMES = {"pending": "Pending payment", "processing": "Processing",
                "on-hold": "On hold", "completed": "Completed",
                "cancelled": "Cancelled", "refunded": "Refunded",
                "failed": "Failed"}     # wc_get_order_statuses()
BILLING_FIELDS = ("first_name", "last_name", "company", "address_1",
                  "address_2", "city", "state", "postcode", "country",
                  "email", "phone")
SHIPPING_FIELDS = ("first_name", "last_name", "company", "address_1",
                   "address_2", "city", "state", "postcode", "country",
                   "phone")
NOTE_FIELDS = ("id", "author", "date_created", "date_created_gmt", "note",
               "customer_note")
ORDER_DEFAULTS = (("billing", {}), ("shipping", {}), ("line_items", []),
                  ("meta_data", []), ("total", "0.00"),
                  ("discount_tax", "0.00"), ("shipping_tax", "0.00"),
                  ("cart_tax", "0.00"), ("transaction_id", ""),
                  ("date_paid", None), ("date_paid_gmt", None),
                  ("tax_lines", []), ("shipping_lines", []),
                  ("fee_lines", []), ("coupon_lines", []), ("refunds", []))
ITEM_DEFAULTS = (("subtotal_tax", "0.00"), ("total_tax", "0.00"),
                 ("taxes", []), ("meta_data", []))
# woocommerce_order_status_{from}_to_{to}_notification -> customer e-mail
TRANSITION_MAILS = (
    ("customer_processing_order", ("pending", "failed", "on-hold",
                                   "cancelled"), "processing"),
    ("customer_on_hold_order", ("pending", "failed", "cancelled"), "on-hold"),
    ("customer_cancelled_order", ("processing", "on-hold"), "cancelled"),
)
DECIMAL_RE = re.compile(r"\A-?\d+(\.\d+)?\Z")
EMAIL_RE = re.compile(r"\A[^@\s]+@[^@\s.][^@\s]*\.[^@\s]+\Z")
ADMIN_EMAIL = "admin@example.com"
# The e-mails (class-wc-emails.php init), with the texts WooCommerce uses
# while its email_improvements feature is off.
EMAILS = (
    {"id": "new_order", "customer": False, "title": "New order",
     "additional": "Congratulations on the sale."},
    {"id": "customer_on_hold_order", "title": "Order on-hold",
     "additional": "We look forward to fulfilling your order soon."},
    {"id": "customer_processing_order", "title": "Processing order",
     "additional": "Thanks for using {site_url}!"},
    {"id": "customer_completed_order", "title": "Completed order",
     "additional": "Thanks for shopping with us."},
    {"id": "customer_refunded_order", "title": "Refunded order",
     "refund": True, "additional": "We hope to see you again soon."},
    {"id": "customer_note", "title": "Customer note",
     "additional": "Thanks for reading."},
    {"id": "customer_failed_order", "title": "Failed order",
     "additional": "Thanks for shopping with us."},
    {"id": "customer_cancelled_order", "title": "Cancelled order",
     "enabled": "no", "placeholders": ("{order_billing_full_name}",),
     "additional": "We hope to see you again soon."},
)
EMAIL_BY_ID = {e["id"]: e for e in EMAILS}


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

    def __init__(self, data_dir, generate, seed, api_key,
                 api_secret=API_SECRET, settings=None):
        self.data_dir = data_dir
        self.generate = dict(generate)
        self.seed = seed
        self.api_key = api_key
        self.api_secret = api_secret
        self.options = dict(SETTINGS)
        self.options.update(settings or {})
        if self.options["emails_enabled"] not in ("default", "yes", "no"):
            raise SetupError("--set emails_enabled=%s: expected default, yes "
                             "or no" % self.options["emails_enabled"])
        # Statuses a plugin adds through the wc_order_statuses filter.
        extra = [x for x in self.options["statuses"].split(",") if x]
        for x in extra:
            if not re.match(r"\A[a-z0-9-]{1,20}\Z", x) or \
                    x in ORDER_STATUSES + DRAFT_STATUSES:
                raise SetupError("--set statuses: %r is not a new status "
                                 "slug" % x)
        self.order_statuses = ORDER_STATUSES + DRAFT_STATUSES + tuple(extra)
        if self.options["strip_authorization"] not in ("0", "1"):
            raise SetupError("--set strip_authorization=%s: expected 0 or 1"
                             % self.options["strip_authorization"])
        unknown = set(self.generate) - {"orders", "products"}
        if unknown:
            raise SetupError("--generate: woocommerce has no %s (it knows "
                             "orders, products)" % ", ".join(sorted(unknown)))
        self.reset()

    # ---- data

    def change(self, c):
        """A fault of kind change: {"sku": S, "stock_quantity": N} is a
        sale or a delivery in the shop (not counted as a write), {"sku":
        S, "trash": true} moves the item to the trash, {"add": S} adds a
        simple product with SKU S, made now (the newest: the first of a
        listing by date, WooCommerce's default order)."""
        if isinstance(c.get("add"), str):
            pid = self.next_post
            self.next_post += 1
            p = make_product(pid, "simple", c["add"], "Nieuw " + c["add"],
                             9.95, True, 1, self.now())
            self.products.append(p)
            self.by_id[pid] = p
            return
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
        self.prepare_orders()
        # Generated orders replace the seed's, so the seed's notes would
        # name orders that are not there: generated orders have none.
        self.load_notes([] if "orders" in self.generate
                        else load_array(d, "order_notes.json"))
        self.init_settings()
        self.mail_log = []

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
            if o.get("status") not in self.order_statuses:
                raise SetupError("%s: status %r is not one of %s"
                                 % (where, o.get("status"),
                                    ", ".join(self.order_statuses)))
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
        if self.options["strip_authorization"] == "1":
            # A host running PHP as CGI/FastCGI hands PHP no
            # Authorization header unless told to (WooCommerce's REST
            # docs, "Authentication over HTTPS"): Basic auth never
            # arrives, the query parameters do.
            header = None
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
            if req.method == "POST" and re.fullmatch(r"/orders(/\d+/notes)?",
                                                      rest):
                # create_item_permissions_check (decision 1)
                return error(401, "woocommerce_rest_cannot_create",
                             "Sorry, you are not allowed to create "
                             "resources.")
            if rest.startswith("/settings/"):
                return error(401, "woocommerce_rest_cannot_edit",
                             "Sorry, you cannot edit this resource.")
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
            "notes": {str(oid): self.sorted_notes(oid)
                      for oid in sorted(self.notes) if self.notes[oid]},
            "settings": {"email_" + e["id"]: {
                f["id"]: self.setting_value(e["id"], f)
                for f in email_fields(e)} for e in EMAILS},
            "stockhistory": self.stock_history,
            "writes": self.writes(),
        }

    # ---- routing

    ROUTES = [
        (re.compile(r"/orders"), ("GET",), "list_orders"),
        (re.compile(r"/orders"), ("POST",), "create_order"),
        (re.compile(r"/orders/(\d+)"), ("GET",), "get_order"),
        (re.compile(r"/orders/(\d+)"), EDITABLE, "update_order"),
        (re.compile(r"/orders/(\d+)/notes"), ("GET",), "list_notes"),
        (re.compile(r"/orders/(\d+)/notes"), ("POST",), "create_note"),
        (re.compile(r"/products"), ("GET",), "list_products"),
        (re.compile(r"/products/batch"), ("POST",), "batch_products"),
        (re.compile(r"/products/(\d+)"), ("GET",), "get_product"),
        (re.compile(r"/products/(\d+)/variations"), ("GET",),
         "list_variations"),
        (re.compile(r"/products/(\d+)/variations/batch"), ("POST",),
         "batch_variations"),
        # settings/{group}/batch is a route of its own in WooCommerce (not
        # emulated): it must not be taken for a setting called "batch".
        (re.compile(r"/settings/[A-Za-z0-9_-]+/batch"), (), None),
        (re.compile(r"/settings/([A-Za-z0-9_-]+)"), ("GET",),
         "list_settings"),
        (re.compile(r"/settings/([A-Za-z0-9_-]+)/([A-Za-z0-9_-]+)"),
         ("GET",), "get_setting"),
        (re.compile(r"/settings/([A-Za-z0-9_-]+)/([A-Za-z0-9_-]+)"),
         EDITABLE, "update_setting"),
    ]

    def route(self, req):
        if req.path.startswith(API + "/"):
            rest = req.path[len(API):]
            for pattern, methods, name in self.ROUTES:
                m = pattern.fullmatch(rest)
                if m and req.method in methods:
                    return getattr(self, name)(req, *m.groups())
                if m and name is None:
                    break
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
        """(field suffix, value) to compare, or None.  The value is read
        as site time (the site-time field), or as UTC with
        dates_are_gmt=true (the _gmt field).  A zone written after it (Z,
        +hh:mm) is accepted and ignored, as WooCommerce does: it reads the
        digits only (woocommerce#28111, answered by #28132's
        dates_are_gmt)."""
        v = q.get(name)
        if v is None:
            return None
        m = ISO_RE.match(v)
        if not m or not valid_date(m.group(1)):
            raise invalid_param(name, "Invalid date.")
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
                    "orderby", "order", "search")

    def list_orders(self, req):
        q = self.params(req, self.ORDER_PARAMS)
        statuses = self.enum_list(q, "status",
                                  ("any",) + self.order_statuses)
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
        search = self.search_term(q.get("search", ""))

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
            if search and not self.order_matches(o, search):
                return False
            return True
        items = self.sort([o for o in self.orders if keep(o)], q, {
            "date": lambda o: o["date_created_gmt"], "id": lambda o: o["id"],
            "modified": lambda o: o["date_modified_gmt"]})
        return self.page(req, items, q, self.order_json)

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

        def listing():
            pool = list(self.products)
            if skus is not None:
                # With sku, WooCommerce also searches product_variation
                # posts.
                pool += [v for vs in self.variations.values() for v in vs]
            return self.sort([p for p in pool if keep(p)], q, {
                "date": lambda p: p["date_created_gmt"],
                "id": lambda p: p["id"],
                "modified": lambda p: p["date_modified_gmt"],
                "title": lambda p: p.get("name", "")})
        items = self.memo((req.path,) + listing_key(q, "page", "per_page"),
                          listing)
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

    # ================================================================
    # Orders: one order, search, create, update, notes, settings, and
    # what WooCommerce does on a status change (decisions 9-17).

    def prepare_orders(self):
        """Give every order what WooCommerce's answer carries and the
        seed leaves out (decision 16), index the orders, find the next
        ids, and note which orders have already reduced stock."""
        self.order_by_id = {o["id"]: o for o in self.orders}
        self.stock_reduced = {}
        post_ids = [0] + list(self.by_id) + list(self.order_by_id)
        item_ids, meta_ids = [0], [0]
        for o in self.orders:
            for k, v in ORDER_DEFAULTS:
                if k not in o:
                    o[k] = type(v)(v) if isinstance(v, (list, dict)) else v
            for li in o["line_items"]:
                for k, v in ITEM_DEFAULTS:
                    if k not in li:
                        li[k] = list(v) if isinstance(v, list) else v
            for kind in ("line_items", "shipping_lines", "fee_lines"):
                for it in o[kind]:
                    item_ids.append(it.get("id") if is_int(it.get("id"))
                                    else 0)
                    meta_ids += [m.get("id") for m in it.get("meta_data", [])
                                 if is_int(m.get("id"))]
            meta_ids += [m.get("id") for m in o["meta_data"]
                         if is_int(m.get("id"))]
            post_ids += [r["id"] for r in o["refunds"] if is_int(r.get("id"))]
            # A seed order that was paid has had its stock reduced then
            # (wc_maybe_reduce_stock_levels on processing/completed/on-hold).
            self.stock_reduced[o["id"]] = (
                o["status"] in ("processing", "completed", "on-hold",
                                "refunded")
                or any(m.get("key") == "_order_stock_reduced"
                       and m.get("value") == "yes" for m in o["meta_data"]))
        self.next_post = max(post_ids) + 1
        self.next_item = max(item_ids) + 1
        self.next_meta = max(meta_ids) + 1

    def load_notes(self, notes):
        self.notes = {}
        ids = set()
        for n in notes:
            nid = n.get("id")
            where = "order_notes.json: note %r" % (nid,)
            if not is_int(nid) or nid in ids:
                raise SetupError("%s: id must be a unique integer" % where)
            ids.add(nid)
            unknown = sorted(set(n) - set(NOTE_FIELDS) - {"order_id"})
            if unknown:
                raise SetupError("%s: unknown field %s" % (where, unknown[0]))
            oid = n.get("order_id")
            if not is_int(oid) or oid not in self.order_by_id:
                raise SetupError("%s: order_id %r is not an order in "
                                 "orders.json" % (where, oid))
            if not isinstance(n.get("author"), str) or not n["author"]:
                raise SetupError("%s: author must be a non-empty string"
                                 % where)
            for f in ("date_created", "date_created_gmt"):
                if not valid_date(n.get(f)):
                    raise SetupError("%s: %s must be \"YYYY-MM-DDTHH:MM:SS\""
                                     % (where, f))
            if not isinstance(n.get("note"), str):
                raise SetupError("%s: note must be a string" % where)
            if not isinstance(n.get("customer_note"), bool):
                raise SetupError("%s: customer_note must be true or false"
                                 % where)
            self.notes.setdefault(oid, []).append(
                {k: n[k] for k in NOTE_FIELDS})
        self.next_note = max(ids | {0}) + 1

    def init_settings(self):
        """The e-mail settings as stored (woocommerce_<id>_settings): a
        field that was never saved reads as its default."""
        self.settings_store = {e["id"]: {} for e in EMAILS}
        v = self.options["emails_enabled"]
        if v != "default":
            for e in EMAILS:
                self.settings_store[e["id"]]["enabled"] = v

    @staticmethod
    def now():
        return datetime.now(timezone.utc).replace(microsecond=0)

    def base_url(self, req):
        return "http://%s%s" % (req.header("Host") or "127.0.0.1", API)

    def order_json(self, o):
        return o

    def order_or_error(self, ident, status, code, message):
        o = self.order_by_id.get(int(ident))
        if o is None:
            raise Reject(error(status, code, message))
        return o

    def body_object(self, req):
        """The JSON body as an object; no body is an empty object."""
        if not req.body:
            return {}
        if not req.json_ok:
            raise Reject(error(400, "rest_invalid_json",
                               "Invalid JSON body passed."))
        if not isinstance(req.json, dict):
            raise invalid_param("body", "the sandbox takes a JSON object as "
                                "the body")
        return req.json

    # ---- GET orders/{id} and search

    def get_order(self, req, ident):
        self.params(req, ())
        o = self.order_or_error(ident, 404,
                                "woocommerce_rest_shop_order_invalid_id",
                                "Invalid ID.")
        return json_response(200, self.order_json(o))

    @staticmethod
    def search_term(raw):
        """sanitize_text_field: no tags, whitespace runs as one space,
        trimmed."""
        text = re.sub(r"<[^>]*>", "", raw)
        return re.sub(r"[\r\n\t ]+", " ", text).strip()

    def order_matches(self, o, term):
        """Decision 10: the id when the term is a number, else a
        substring of the billing or shipping address index or of an
        item's name, compared as MySQL's _ci collations do."""
        if re.fullmatch(r"[1-9][0-9]*", term) and int(term) == o["id"]:
            return True
        needle = fold(term)
        hay = [" ".join(str(o["billing"].get(f, "")) for f in BILLING_FIELDS),
               " ".join(str(o["shipping"].get(f, ""))
                        for f in SHIPPING_FIELDS if f in o["shipping"])]
        hay += [li.get("name", "") for li in o["line_items"]]
        hay += [s.get("method_title", "") for s in o["shipping_lines"]]
        hay += [f.get("name", "") for f in o["fee_lines"]]
        return any(needle in fold(h) for h in hay)

    # ---- notes

    def sorted_notes(self, oid):
        # get_comments: comment_date_gmt DESC, then comment_ID DESC.
        return sorted(self.notes.get(oid, []), reverse=True,
                      key=lambda n: (n["date_created_gmt"], n["id"]))

    def add_note(self, o, text, customer=False, author=None, now=None):
        """WC_Order::add_order_note; a customer note mails the customer
        (woocommerce_new_customer_note -> WC_Email_Customer_Note)."""
        n = {"id": self.next_note, "author": author or SYSTEM_AUTHOR}
        n.update(dates("date_created", now or self.now()))
        n.update({"note": text, "customer_note": bool(customer)})
        self.next_note += 1
        self.notes.setdefault(o["id"], []).append(n)
        if customer:
            self.customer_mail(o, "customer_note")
        return n

    def list_notes(self, req, ident):
        q = self.params(req, ("type",))
        kind = self.enum(q, "type", ("any", "customer", "internal"), "any")
        o = self.order_or_error(ident, 404,
                                "woocommerce_rest_shop_order_invalid_id",
                                "Invalid order ID.")
        notes = [n for n in self.sorted_notes(o["id"]) if kind == "any"
                 or n["customer_note"] == (kind == "customer")]
        return json_response(200, notes)

    def create_note(self, req, ident):
        self.params(req, ())
        body = self.body_object(req)
        if body.get("note") is None:
            raise Reject(error(400, "rest_missing_callback_param",
                               "Missing parameter(s): note",
                               {"params": ["note"]}))
        errors = {}
        if not isinstance(body["note"], str):
            errors["note"] = "note is not of type string."
        flags = {}
        for k in ("customer_note", "added_by_user"):
            ok, flags[k] = wp_bool(body.get(k, False))
            if not ok:
                errors[k] = "%s is not of type boolean." % k
        for k in body:
            if k not in ("note", "customer_note", "added_by_user", "id"):
                errors[k] = "%s is not emulated by the sandbox (a note " \
                    "takes note, customer_note, added_by_user)" % k
        if errors:
            raise invalid_params(errors)
        if not php_empty(body.get("id")):
            raise Reject(error(400, "woocommerce_rest_shop_order_exists",
                               "Cannot create existing shop_order."))
        o = self.order_or_error(ident, 404,
                                "woocommerce_rest_order_invalid_id",
                                "Invalid order ID.")
        n = self.add_note(o, body["note"], flags["customer_note"],
                          USER_NAME if flags["added_by_user"] else None)
        self.count("order %d note" % o["id"])
        return json_response(201, n, [("Location", "%s/orders/%d/notes/%d" % (
            self.base_url(req), o["id"], n["id"]))])

    # ---- e-mails and settings

    def setting_value(self, email_id, field):
        stored = self.settings_store[email_id].get(field["id"])
        return field.get("default", "") if stored is None else stored

    def email_enabled(self, email_id):
        e = EMAIL_BY_ID[email_id]
        return self.setting_value(email_id, email_fields(e)[0]) == "yes"

    def customer_mail(self, o, email_id):
        """WC_Email::trigger: sent only when the e-mail is enabled and the
        order has a billing e-mail address (decision 13)."""
        to = o["billing"].get("email") or ""
        if self.email_enabled(email_id) and to:
            self.mail(to, email_id, o["id"])

    def email_group(self, group):
        e = EMAIL_BY_ID.get(group[6:]) if group.startswith("email_") else None
        if e is None:
            raise Reject(error(404, "rest_setting_setting_group_invalid",
                               "Invalid setting group."))
        return e

    def email_field(self, e, sid):
        for f in email_fields(e):
            if f["id"] == sid:
                return f
        raise Reject(error(404, "rest_setting_setting_invalid",
                           "Invalid setting."))

    def setting_json(self, e, f, group_id=None, value=None, answer=False):
        d = dict(f)
        d["value"] = value if answer else self.setting_value(e["id"], f)
        if group_id is not None:
            d["group_id"] = group_id
        return d

    def list_settings(self, req, group):
        self.params(req, ())
        e = self.email_group(group)
        return json_response(200, [self.setting_json(e, f)
                                   for f in email_fields(e)])

    def get_setting(self, req, group, sid):
        self.params(req, ())
        e = self.email_group(group)
        return json_response(200, self.setting_json(
            e, self.email_field(e, sid), group))

    def update_setting(self, req, group, sid):
        self.params(req, ())
        body = self.body_object(req)
        extra = {k: "%s is not emulated by the sandbox (a setting takes "
                 "only value)" % k for k in body if k != "value"}
        if extra:
            raise invalid_params(extra)
        e = self.email_group(group)
        f = self.email_field(e, sid)
        raw = body.get("value")
        value = validate_setting(f, raw)
        # update_item stores $request['value'] as sent, not the validated
        # value it answers with (decision 14).
        self.settings_store[e["id"]][sid] = raw
        self.count("setting %s/%s" % (group, sid))
        return json_response(200, self.setting_json(e, f, group, value,
                                                    answer=True))

    # ---- what a status change sets off

    def line_product(self, li):
        """WC_Order_Item_Product::get_product."""
        ref = li.get("variation_id") or li.get("product_id")
        return self.by_id.get(ref) if ref else None

    def needs_processing(self, o):
        for li in o["line_items"]:
            p = self.line_product(li)
            if p is not None and not (p.get("virtual") is True
                                      and p.get("downloadable") is True):
                return True
        return False

    def needs_payment(self, o):
        return o["status"] in ("pending", "failed") and \
            Decimal(o["total"]) > 0

    def maybe_set_date_paid(self, o, now):
        if o.get("date_paid") is None:
            pcs = "processing" if self.needs_processing(o) else "completed"
            if o["status"] == pcs or (pcs == "processing"
                                      and o["status"] == "completed"):
                o.update(dates("date_paid", now))

    def change_status(self, o, new, manual=False):
        """set_status() and save(): the dates, then status_transition().
        Returns whether the status changed."""
        old = o["status"]
        if old == new:
            return False
        now = self.now()
        o["status"] = new
        self.maybe_set_date_paid(o, now)
        if new == "completed":
            o.update(dates("date_completed", now))
        o.update(dates("date_modified", now))
        # do_action( 'woocommerce_order_status_' . $to ) and its hooks.
        if new in ("processing", "completed", "on-hold"):
            self.maybe_reduce_stock(o, now)
        elif new in ("pending", "cancelled"):
            self.maybe_increase_stock(o, now)
        elif new == "refunded":
            self.fully_refunded(o, now)
        if new == "completed":
            self.customer_mail(o, "customer_completed_order")
        elif new == "failed":
            self.customer_mail(o, "customer_failed_order")
        self.add_note(o, "Order status changed from %s to %s." % (
            STATUS_NAMES.get(old, old), STATUS_NAMES.get(new, new)),
            author=USER_NAME if manual else None, now=now)
        # woocommerce_order_status_{from}_to_{to}_notification
        for email_id, froms, to in TRANSITION_MAILS:
            if new == to and old in froms:
                self.customer_mail(o, email_id)
        return True

    def payment_complete(self, o, transaction_id):
        """WC_Order::payment_complete."""
        if o["status"] not in ("on-hold", "pending", "failed", "cancelled"):
            return False
        if transaction_id:
            o["transaction_id"] = transaction_id
        now = self.now()
        if o.get("date_paid") is None:
            o.update(dates("date_paid", now))
        changed = self.change_status(
            o, "processing" if self.needs_processing(o) else "completed")
        self.maybe_reduce_stock(o, now)     # woocommerce_payment_complete
        return changed

    def fully_refunded(self, o, now):
        """wc_order_fully_refunded: a refund of what is left, which mails
        the customer (woocommerce_order_fully_refunded)."""
        done = sum((-Decimal(r["total"]) for r in o["refunds"]), Decimal(0))
        left = Decimal(o["total"]) - done
        if left <= 0:
            return
        o["refunds"].append({"id": self.next_post,
                             "reason": "Order fully refunded.",
                             "total": "-" + money(left)})
        self.next_post += 1
        self.customer_mail(o, "customer_refunded_order")
        self.add_note(o, "Order status set to refunded. To return funds to "
                      "the customer you will need to issue a refund through "
                      "your payment gateway.", now=now)

    def stock_owner(self, li):
        """(the line's product, the product whose stock moves)."""
        p = self.line_product(li)
        if p is None:
            return None, None
        if p.get("manage_stock") is True:
            return p, p
        parent = self.by_id.get(p.get("parent_id") or 0)
        if p.get("manage_stock") == "parent" and parent is not None and \
                parent.get("manage_stock") is True:
            return p, parent
        return p, None

    def move_stock(self, owner, new, oid):
        self.stock_history.append({"id": owner["id"],
                                   "sku": owner.get("sku", ""),
                                   "old": owner["stock_quantity"], "new": new,
                                   "order": oid})
        owner["stock_quantity"] = new
        owner["stock_status"] = "instock" if new > 0 else "outofstock"

    def formatted_name(self, p):
        """WC_Product::get_formatted_name: "Name (SKU)" or "Name (#id)"."""
        return "%s (%s)" % (self.product_name(p),
                            p.get("sku") or "#%d" % p["id"])

    def maybe_reduce_stock(self, o, now):
        """wc_maybe_reduce_stock_levels / wc_reduce_stock_levels."""
        if self.stock_reduced.get(o["id"]):
            return
        changes = []
        for li in o["line_items"]:
            if any(m.get("key") == "_reduced_stock" for m in li["meta_data"]):
                continue
            p, owner = self.stock_owner(li)
            if owner is None:
                continue
            old = owner["stock_quantity"]
            self.move_stock(owner, old - li["quantity"], o["id"])
            li["meta_data"].append(self.item_meta("_reduced_stock",
                                                  str(li["quantity"])))
            changes.append("%s %d&rarr;%d" % (self.formatted_name(p), old,
                                               owner["stock_quantity"]))
        if changes:
            self.add_note(o, "Stock levels reduced: " + ", ".join(changes),
                          now=now)
        self.stock_reduced[o["id"]] = True

    def maybe_increase_stock(self, o, now):
        """wc_maybe_increase_stock_levels / wc_increase_stock_levels: only
        lines that recorded _reduced_stock get it back."""
        if not self.stock_reduced.get(o["id"]):
            return
        changes = []
        for li in o["line_items"]:
            meta = [m for m in li["meta_data"] if m.get("key") ==
                    "_reduced_stock"]
            p, owner = self.stock_owner(li)
            if not meta or owner is None:
                continue
            old = owner["stock_quantity"]
            self.move_stock(owner, old + int(meta[0]["value"]), o["id"])
            li["meta_data"].remove(meta[0])
            changes.append("%s %d&rarr;%d" % (self.formatted_name(p), old,
                                               owner["stock_quantity"]))
        if changes:
            self.add_note(o, "Stock levels increased: " + ", ".join(changes),
                          now=now)
        self.stock_reduced[o["id"]] = False

    # ---- PUT/POST orders/{id}

    UPDATE_MEMBERS = ("status", "set_paid", "transaction_id", "manual_update")

    def update_order(self, req, ident):
        self.params(req, ())
        body = self.body_object(req)
        errors = {}
        flags = {}
        for k, v in body.items():
            if k not in self.UPDATE_MEMBERS:
                errors[k] = "%s is not emulated by the sandbox (an update " \
                    "takes %s)" % (k, ", ".join(self.UPDATE_MEMBERS))
            elif v is None:
                continue
            elif k == "status":
                why = check_status(v)
                if why:
                    errors[k] = why
            elif k == "transaction_id" and not isinstance(v, str):
                errors[k] = "transaction_id is not of type string."
            elif k in ("set_paid", "manual_update"):
                ok, flags[k] = wp_bool(v)
                if not ok:
                    errors[k] = "%s is not of type boolean." % k
        if errors:
            raise invalid_params(errors)
        o = self.order_or_error(ident, 400,
                                "woocommerce_rest_shop_order_invalid_id",
                                "Invalid ID.")
        changed = False
        txn = body.get("transaction_id")
        if txn is not None and txn != o["transaction_id"]:
            o["transaction_id"] = txn
            changed = True
        moved = False
        if body.get("status"):
            moved = self.change_status(o, body["status"],
                                       flags.get("manual_update", False))
        if flags.get("set_paid") and self.needs_payment(o):
            moved = self.payment_complete(o, txn or "") or moved
        if moved:
            self.count("order %d status" % o["id"])
        elif changed:
            o.update(dates("date_modified", self.now()))
        return json_response(200, self.order_json(o))

    # ---- POST orders

    CREATE_MEMBERS = ("status", "currency", "set_paid", "payment_method",
                      "payment_method_title", "transaction_id",
                      "customer_note", "created_via", "billing", "shipping",
                      "line_items", "shipping_lines", "fee_lines",
                      "meta_data")

    def create_order(self, req):
        self.params(req, ())
        body = self.body_object(req)
        errors = {}
        for k, v in body.items():
            if k == "id":
                continue
            if k not in self.CREATE_MEMBERS:
                errors[k] = "%s is not emulated by the sandbox (an order is " \
                    "created with %s)" % (k, ", ".join(self.CREATE_MEMBERS))
                continue
            if v is None:           # WooCommerce skips null members
                continue
            why = check_create_member(k, v)
            if why:
                errors[k] = why
        if errors:
            raise invalid_params(errors)
        if not php_empty(body.get("id")):
            raise Reject(error(400, "woocommerce_rest_shop_order_exists",
                               "Cannot create existing shop_order."))
        # prepare_object_for_database, in the schema's order: an error in
        # any item throws before anything is saved.
        meta = [self.order_meta(m["key"], m["value"])
                for m in body.get("meta_data") or []]
        lines = [self.prepare_line(li) for li in body.get("line_items") or []]
        ships = [self.prepare_shipping(s)
                 for s in body.get("shipping_lines") or []]
        fees = [self.prepare_fee(f) for f in body.get("fee_lines") or []]
        totals = calculate_totals(lines, ships, fees)
        for it in lines + ships + fees:
            it["id"] = self.next_item
            self.next_item += 1
        for li in lines:
            li["price"] = php_div(li.pop("_total"), li["quantity"])
        now = self.now()
        oid = self.next_post
        self.next_post += 1
        billing = dict.fromkeys(BILLING_FIELDS, "")
        billing.update({k: v or "" for k, v in
                        (body.get("billing") or {}).items()})
        shipping = dict.fromkeys(SHIPPING_FIELDS, "")
        shipping.update({k: v or "" for k, v in
                         (body.get("shipping") or {}).items()})
        o = {"id": oid, "parent_id": 0, "number": str(oid),
             "order_key": "wc_order_%012x" % (oid * 7919),
             "created_via": body.get("created_via") or "rest-api",
             "version": WC_VERSION, "status": "pending",
             "currency": body.get("currency") or "EUR",
             "prices_include_tax": True,
             "discount_total": totals["discount_total"],
             "shipping_total": totals["shipping_total"],
             "total": totals["total"], "total_tax": "0.00",
             "customer_id": 0,
             "customer_note": body.get("customer_note") or "",
             "payment_method": body.get("payment_method") or "",
             "payment_method_title": body.get("payment_method_title") or "",
             "billing": billing, "shipping": shipping, "line_items": lines,
             "meta_data": meta}
        o.update(dates("date_created", now))
        o.update(dates("date_modified", now))
        o.update({"date_completed": None, "date_completed_gmt": None})
        o["transaction_id"] = body.get("transaction_id") or ""
        o["shipping_lines"] = ships
        o["fee_lines"] = fees
        for k, v in ORDER_DEFAULTS:
            if k not in o:
                o[k] = type(v)(v) if isinstance(v, (list, dict)) else v
        self.orders.append(o)
        self.orders.sort(key=lambda x: x["id"])
        self.order_by_id[oid] = o
        self.stock_reduced[oid] = False
        self.count("order created")
        # A new order's status reads as pending, so a status given here is
        # a transition from pending (WC_Order::get_status, set_status).
        self.change_status(o, body.get("status") or "pending")
        ok, paid = wp_bool(body.get("set_paid", False))
        if paid:
            self.payment_complete(o, body.get("transaction_id") or "")
        return json_response(201, self.order_json(o), [(
            "Location", "%s/orders/%d" % (self.base_url(req), oid))])

    def item_meta(self, key, value, display_key=None):
        m = {"id": self.next_meta, "key": key, "value": value,
             "display_key": display_key or key, "display_value": value}
        self.next_meta += 1
        return m

    def order_meta(self, key, value):
        m = {"id": self.next_meta, "key": key, "value": value}
        self.next_meta += 1
        return m

    def product_name(self, p):
        if p.get("parent_id"):
            parent = self.by_id.get(p["parent_id"], {})
            opts = ", ".join(a.get("option", "") for a in p.get("attributes",
                                                                  []))
            return "%s - %s" % (parent.get("name", ""), opts) if opts \
                else parent.get("name", "")
        return p.get("name", "")

    def product_price(self, p):
        """get_price(): a variable product's is its lowest variation
        price (the first _price meta)."""
        if p.get("type") == "variable":
            prices = [Decimal(v["price"]) for v in
                      self.variations.get(p["id"], []) if v.get("price")]
            return min(prices) if prices else None
        return Decimal(p["price"]) if p.get("price") else None

    def id_by_sku(self, sku):
        for p in sorted(self.by_id.values(), key=lambda x: x["id"]):
            if p.get("sku") == sku:
                return p["id"]
        return 0

    def prepare_line(self, posted):
        """prepare_line_items / get_product_id (decision 11)."""
        if not php_empty(posted.get("id")):
            raise Reject(error(400, "woocommerce_rest_invalid_item_id",
                               "Order item ID provided is not associated "
                               "with order."))
        if posted.get("sku"):
            pid = self.id_by_sku(posted["sku"])
        elif posted.get("product_id") and not posted.get("variation_id"):
            pid = posted["product_id"]
        elif posted.get("variation_id"):
            pid = posted["variation_id"]
        else:
            raise Reject(error(400,
                               "woocommerce_rest_required_product_reference",
                               "Product ID or SKU is required."))
        p = self.by_id.get(pid) if pid else None
        qty = posted.get("quantity")
        qty = 1 if qty is None else qty
        stored = "0"        # the line total as WooCommerce stores it
        li = {"id": 0, "name": "", "product_id": 0, "variation_id": 0,
              "quantity": qty, "tax_class": "", "subtotal": Decimal(0),
              "subtotal_tax": "0.00", "total": Decimal(0), "total_tax": "0.00",
              "taxes": [], "meta_data": [], "sku": None, "price": 0}
        if p is not None:
            if p.get("parent_id"):
                parent = self.by_id[p["parent_id"]]
                li["product_id"], li["variation_id"] = parent["id"], p["id"]
                for a in p.get("attributes", []):
                    li["meta_data"].append(self.item_meta(
                        sanitize_title(a.get("name", "")), a.get("option", ""),
                        a.get("name", "")))
            else:
                li["product_id"] = p["id"]
            li["name"] = self.product_name(p)
            li["sku"] = p.get("sku", "")
            price = self.product_price(p)
            if price is not None:
                li["total"] = li["subtotal"] = price * qty
                stored = plain(price * qty)
        if posted.get("name") is not None:
            li["name"] = posted["name"]
        for k in ("total", "subtotal"):
            if posted.get(k) is not None:
                li[k] = Decimal(posted[k])
        if posted.get("total") is not None:
            stored = posted["total"]
        for m in posted.get("meta_data") or []:
            li["meta_data"].append(self.item_meta(m["key"], m["value"]))
        li["_total"] = stored
        return li

    def prepare_shipping(self, posted):
        if not php_empty(posted.get("id")):
            raise Reject(error(400, "woocommerce_rest_invalid_item_id",
                               "Order item ID provided is not associated "
                               "with order."))
        if php_empty(posted.get("method_id")):
            raise Reject(error(400, "woocommerce_rest_invalid_shipping_item",
                               "Shipping method ID is required."))
        return {"id": 0, "method_title": posted.get("method_title") or "",
                "method_id": posted["method_id"],
                "instance_id": posted.get("instance_id") or "",
                "total": Decimal(posted.get("total") or 0),
                "total_tax": "0.00", "taxes": [],
                "meta_data": [self.item_meta(m["key"], m["value"])
                              for m in posted.get("meta_data") or []]}

    def prepare_fee(self, posted):
        if not php_empty(posted.get("id")):
            raise Reject(error(400, "woocommerce_rest_invalid_item_id",
                               "Order item ID provided is not associated "
                               "with order."))
        if php_empty(posted.get("name")):
            raise Reject(error(400, "woocommerce_rest_invalid_fee_item",
                               "Fee name is required."))
        return {"id": 0, "name": posted["name"],
                "tax_class": posted.get("tax_class") or "",
                "tax_status": posted.get("tax_status") or "taxable",
                "total": Decimal(posted.get("total") or 0),
                "total_tax": "0.00", "taxes": [],
                "meta_data": [self.item_meta(m["key"], m["value"])
                              for m in posted.get("meta_data") or []]}


# ---------------------------------------- PHP and WordPress, as needed here


def invalid_params(errors):
    """WP_REST_Request::has_valid_params: every invalid parameter in one
    400, named in the message and in data.params."""
    return Reject(error(400, "rest_invalid_param",
                        "Invalid parameter(s): %s" % ", ".join(errors),
                        {"params": errors}))


def wp_bool(v):
    """(valid, value) as rest_is_boolean and rest_sanitize_boolean take
    a boolean parameter: true/false, "true"/"false"/"1"/"0", 1/0."""
    if isinstance(v, bool):
        return True, v
    if isinstance(v, str) and v.lower() in ("true", "false", "1", "0"):
        return True, v.lower() in ("true", "1")
    if is_int(v) and v in (0, 1):
        return True, v == 1
    return False, False


def php_empty(v):
    """PHP's empty()."""
    if v is None or v is False:
        return True
    if v is True:
        return False
    if isinstance(v, (int, float)):
        return v == 0
    if isinstance(v, str):
        return v in ("", "0")
    if isinstance(v, (list, dict)):
        return not v
    return False


def fold(text):
    """Case and accents folded, as MySQL's utf8mb4 _ci collations
    compare (Zoë LIKE %zoe%)."""
    text = unicodedata.normalize("NFKD", str(text).casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


def sanitize_title(text):
    text = re.sub(r"[^a-z0-9_-]+", "-", fold(text))
    return text.strip("-")


def money(d):
    """A decimal as wc_format_decimal( $x, 2 ) writes it."""
    d = Decimal(d).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return "%.2f" % (d if d else Decimal(0))


def plain(d):
    """A computed amount as WooCommerce stores it (wc_float_to_string):
    no trailing zeros."""
    text = format(Decimal(d).normalize(), "f")
    return "0" if text in ("-0", "") else text


def php_div(numerator, qty):
    """$item->get_total() / $item->get_quantity() in PHP: an int when
    both are integers and it divides, else a float."""
    if re.fullmatch(r"-?\d+", numerator) and int(numerator) % qty == 0:
        return int(numerator) // qty
    return float(numerator) / qty


def calculate_totals(lines, ships, fees):
    """WC_Abstract_Order::calculate_totals in a shop with taxes off:
    every tax 0; each line rounded to cents, then summed."""
    def r2(d):
        return Decimal(d).quantize(Decimal("0.01"), ROUND_HALF_UP)
    cart_sub = sum((r2(li["subtotal"]) for li in lines), Decimal(0))
    cart_total = sum((r2(li["total"]) for li in lines), Decimal(0))
    shipping = sum((r2(s["total"]) for s in ships), Decimal(0))
    fees_total = Decimal(0)
    for f in fees:
        total = f["total"]
        if total < 0:
            most = -r2(cart_total + fees_total + shipping)
            if total < most < 0:
                total = most
        f["total"] = total
        fees_total += total
    for li in lines:
        li["subtotal"], li["total"] = money(li["subtotal"]), money(li["total"])
    for it in ships + fees:
        it["total"] = money(it["total"])
    return {"discount_total": money(cart_sub - cart_total),
            "shipping_total": money(shipping),
            "total": money(cart_total + fees_total + shipping)}


def check_status(v):
    if not isinstance(v, str):
        return "status is not of type string."
    if v not in ORDER_WRITE_STATUSES:
        return "status is not one of %s." % ", ".join(ORDER_WRITE_STATUSES)
    return None


def check_meta(name, v):
    if not isinstance(v, list):
        return "%s is not of type array." % name
    for i, m in enumerate(v):
        where = "%s[%d]" % (name, i)
        if not isinstance(m, dict):
            return "%s is not of type object." % where
        extra = sorted(set(m) - {"key", "value"})
        if extra:
            return "%s[%s] is not emulated by the sandbox (meta_data takes " \
                "key and value)" % (where, extra[0])
        if not isinstance(m.get("key"), str) or not m["key"]:
            return "%s[key] must be a non-empty string (sandbox)" % where
        if "value" not in m:
            return "%s[value] is missing (sandbox)" % where
    return None


def check_address(name, v):
    if not isinstance(v, dict):
        return "%s is not of type object." % name
    allowed = BILLING_FIELDS if name == "billing" else SHIPPING_FIELDS
    for f, x in v.items():
        where = "%s[%s]" % (name, f)
        if f not in allowed:
            return "%s is not emulated by the sandbox (%s takes %s)" % (
                where, name, ", ".join(allowed))
        if name == "billing" and f == "email":
            if x is None:
                continue
            if not isinstance(x, str):
                return "%s is not of type string,null." % where
            if not EMAIL_RE.match(x):
                return "Invalid email address."
        elif not isinstance(x, str):
            return "%s is not of type string." % where
    return None


ITEM_SPECS = {
    "line_items": {"id": "int", "product_id": "int", "variation_id": "int",
                   "quantity": "qty", "subtotal": "decimal",
                   "total": "decimal", "name": "str", "sku": "str",
                   "meta_data": "meta"},
    "shipping_lines": {"id": "int", "method_id": "str", "method_title": "str",
                       "instance_id": "str", "total": "decimal",
                       "meta_data": "meta"},
    "fee_lines": {"id": "int", "name": "str", "tax_class": "str",
                  "tax_status": "tax_status", "total": "decimal",
                  "meta_data": "meta"},
}


def check_items(name, v):
    if not isinstance(v, list):
        return "%s is not of type array." % name
    spec = ITEM_SPECS[name]
    for i, it in enumerate(v):
        base = "%s[%d]" % (name, i)
        if not isinstance(it, dict):
            return "%s is not of type object." % base
        for f, x in it.items():
            where = "%s[%s]" % (base, f)
            kind = spec.get(f)
            if kind is None:
                return "%s is not emulated by the sandbox (%s takes %s)" % (
                    where, name, ", ".join(k for k in spec if k != "id"))
            if kind in ("int", "qty") and not is_int(x):
                return "%s is not of type integer." % where
            if kind == "int" and x < 0:
                return "%s must be greater than or equal to 0 (sandbox)" \
                    % where
            if kind == "qty" and x < 1:
                return "%s must be greater than or equal to 1 (sandbox)" \
                    % where
            if kind in ("str", "decimal", "tax_status") and \
                    not isinstance(x, str):
                return "%s is not of type string." % where
            if kind == "decimal" and not DECIMAL_RE.match(x):
                return "%s is not a decimal number such as \"12.50\" " \
                    "(sandbox)" % where
            if kind == "tax_status" and x not in ("taxable", "none"):
                return "%s is not one of taxable, none." % where
            if kind == "meta":
                why = check_meta(where, x)
                if why:
                    return why
    return None


def check_create_member(k, v):
    """The WordPress schema check of one member of POST orders."""
    if k == "status":
        return check_status(v)
    if k == "currency":
        if not isinstance(v, str):
            return "currency is not of type string."
        if not re.fullmatch(r"[A-Z]{3}", v):
            return "currency is not a currency code such as EUR (the " \
                "sandbox takes any three capital letters)"
        return None
    if k == "set_paid":
        return None if wp_bool(v)[0] else "set_paid is not of type boolean."
    if k in ("billing", "shipping"):
        return check_address(k, v)
    if k == "meta_data":
        return check_meta(k, v)
    if k in ITEM_SPECS:
        return check_items(k, v)
    return None if isinstance(v, str) else "%s is not of type string." % k


def placeholder_text(keys):
    """WC_Email::init_form_fields: esc_html() over the joined list, so
    the inner tags come out escaped."""
    return "Available placeholders: <code>%s</code>" % html.escape(
        "</code>, <code>".join(keys), quote=False)


EMAIL_FIELDS = {}


def email_fields(e):
    """An e-mail's form fields as WC_Register_WP_Admin_Settings::
    register_setting turns them into settings (id, label, description,
    type, default, options, tip)."""
    if e["id"] in EMAIL_FIELDS:
        return EMAIL_FIELDS[e["id"]]
    ph = placeholder_text(("{site_title}", "{site_address}", "{site_url}",
                           "{store_email}", "{order_date}", "{order_number}")
                          + e.get("placeholders", ()))

    def text(fid, label):
        return {"id": fid, "label": label, "description": ph,
                "type": "text", "default": "", "tip": ph}
    fields = [{"id": "enabled", "label": "Enable/Disable", "description": "",
               "type": "checkbox", "default": e.get("enabled", "yes")}]
    if not e.get("customer", True):
        rd = "Enter recipients (comma separated) for this email. Defaults " \
             "to <code>%s</code>." % ADMIN_EMAIL
        fields.append({"id": "recipient", "label": "Recipient(s)",
                       "description": rd, "type": "text", "default": "",
                       "tip": rd})
    if e.get("refund"):
        fields += [text("subject_full", "Full refund subject"),
                   text("subject_partial", "Partial refund subject"),
                   text("heading_full", "Full refund email heading"),
                   text("heading_partial", "Partial refund email heading")]
    else:
        fields += [text("subject", "Subject"),
                   text("heading", "Email heading")]
    ac = "Text to appear below the main email content. " + ph
    fields.append({"id": "additional_content", "label": "Additional content",
                   "description": ac, "type": "textarea",
                   "default": e["additional"], "tip": ac})
    et = "Choose which format of email to send."
    fields.append({"id": "email_type", "label": "Email type",
                   "description": et, "type": "select", "default": "html",
                   "options": {"plain": "Plain text", "html": "HTML",
                               "multipart": "Multipart"}, "tip": et})
    EMAIL_FIELDS[e["id"]] = fields
    return fields


def validate_setting(f, value):
    """WC_REST_Controller::validate_setting_{type}_field, with PHP's loose
    in_array() for a checkbox (decision 14)."""
    invalid = Reject(error(400, "rest_setting_value_invalid",
                           "An invalid setting value was passed."))
    if f["type"] == "checkbox":
        if value is True or (isinstance(value, str) and value in ("yes",
                                                                   "no")):
            return value
        if php_empty(value):
            return f.get("default", "no")
        raise invalid
    if f["type"] == "select":
        if isinstance(value, str) and value in f["options"]:
            return value
        raise invalid
    if value is None:
        return ""
    if not isinstance(value, str):
        raise invalid_param("value", "value is not of type string. (the "
                            "sandbox takes a string for a text setting)")
    # stripslashes, then trim (wp_kses_post is not emulated)
    return re.sub(r"\\(.?)", r"\1", value, flags=re.S).strip(" \t\n\r\0\x0b")


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
        "subtotal_tax": "0.00", "total": "%.2f" % (price * qty),
        "total_tax": "0.00", "taxes": [], "sku": item.get("sku", ""),
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
        # Grouped first: each product scanning every variation took
        # 4.5 s for 10,000 products.
        children = {}
        for v in variations:
            children.setdefault(v["parent_id"], []).append(v["id"])
        for p in products:
            p["variations"] = children.get(p["id"], [])
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
