#!/bin/sh
# selftest-woocommerce.sh: the sandbox's own tests for the WooCommerce
# (wc/v3) emulation.  Starts tests/sandbox/sandbox.py --platform woocommerce
# on free ports, checks it with curl and prints TAP.  Exits 1 when a check
# fails, 2 when the sandbox cannot be started at all.
set -u

here=$(cd "$(dirname "$0")" && pwd)
seed=$here/data/woocommerce
ck=ck_sandbox
cs=cs_sandbox
api=/wp-json/wc/v3
platform=woocommerce
# shellcheck source=tests/sandbox/selftest-lib.sh
. "$here/selftest-lib.sh"

get() {
	p=$1
	shift
	curl -sS -u "$ck:$cs" "$@" "$base$api$p"
}
code() {
	p=$1
	shift
	curl -s -o /dev/null -w '%{http_code}' -u "$ck:$cs" "$@" "$base$api$p"
}
headers() {
	p=$1
	shift
	curl -s -D - -o /dev/null -u "$ck:$cs" "$@" "$base$api$p" | tr -d '\r'
}
hdr() {
	# hdr NAME: the value of header NAME in the headers on standard input.
	grep -i "^$1:" | sed 's/^[^:]*: *//'
}
post() {
	p=$1
	shift
	curl -sS -u "$ck:$cs" -H 'Content-Type: application/json' -X POST "$@" "$base$api$p"
}
put() {
	p=$1
	shift
	curl -sS -u "$ck:$cs" -H 'Content-Type: application/json' -X PUT "$@" "$base$api$p"
}

start --own seed --data "$seed"
start gen --generate orders=250,products=40
start rate --data "$seed" --rate-limit 3 --rate-window 30
start ord --data "$seed"
start muted --data "$seed" --set emails_enabled=no
start cgi --data "$seed" --set strip_authorization=1 --set statuses=shipped,awaiting-shipment

# ------------------------------------------------------------ auth
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_seed
is "no credentials: 401" "$(curl -s -o /dev/null -w '%{http_code}' "$base$api/orders")" 401
is "no credentials: woocommerce_rest_cannot_view" \
	"$(curl -s "$base$api/orders" | py '(d["code"], d["message"], d["data"])')" \
	"('woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.', {'status': 401})"
is "no credentials, one product: cannot view this resource" \
	"$(curl -s "$base$api/products/201" | py 'd["message"]')" "Sorry, you cannot view this resource."
is "wrong consumer key: 401 Consumer key is invalid." \
	"$(curl -s -w ' %{http_code}' -u "ck_nope:$cs" "$base$api/orders" | sed 's/^\(.*\) \([0-9]*\)$/\2 \1/' | cut -c1-4)$(curl -s -u "ck_nope:$cs" "$base$api/orders" | py '(d["code"], d["message"])')" \
	"401 ('woocommerce_rest_authentication_error', 'Consumer key is invalid.')"
is "wrong consumer secret: Consumer secret is invalid." \
	"$(curl -s -u "$ck:cs_nope" "$base$api/orders" | py 'd["message"]')" "Consumer secret is invalid."
is "Bearer: 401" "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ck" "$base$api/orders")" 401
is "Basic key:secret: 200" "$(code /orders)" 200
is "query parameters consumer_key/consumer_secret: 200" \
	"$(curl -s -o /dev/null -w '%{http_code}' "$base$api/orders?consumer_key=$ck&consumer_secret=$cs")" 200
is "query parameters with a wrong secret: 401" \
	"$(curl -s -o /dev/null -w '%{http_code}' "$base$api/orders?consumer_key=$ck&consumer_secret=x")" 401
is "no rate-limit headers by default" "$(headers /orders | grep -ci '^x-ratelimit')" 0

# ------------------------------------------------------------ orders
is "orders default: 10 (trash left out), newest first" \
	"$(get /orders | py '[o["id"] for o in d]')" \
	"[10241, 10240, 10238, 10237, 10236, 10235, 10234, 10233, 10232, 10231]"
h=$(headers '/orders?per_page=3&page=2')
is "X-WP-Total" "$(echo "$h" | hdr X-WP-Total)" 10
is "X-WP-TotalPages" "$(echo "$h" | hdr X-WP-TotalPages)" 4
is "Link has prev and next, absolute" \
	"$(echo "$h" | hdr Link)" \
	"<$base$api/orders?per_page=3&page=1>; rel=\"prev\", <$base$api/orders?per_page=3&page=3>; rel=\"next\""
is "page 4 of 4: 1 order" "$(get '/orders?per_page=3&page=4' | py 'len(d)')" 1
h=$(headers '/orders?per_page=3&page=9')
is "page past the end: 200 [] with the totals" \
	"$(echo "$h" | head -1 | cut -d' ' -f2) $(get '/orders?per_page=3&page=9') $(echo "$h" | hdr X-WP-TotalPages)" "200 [] 4"
is "per_page=100 allowed" "$(code '/orders?per_page=100')" 200
is "per_page=101: 400" "$(code '/orders?per_page=101')" 400
is "per_page=0: 400 rest_invalid_param" "$(get '/orders?per_page=0' | py 'd["code"], d["data"]["status"], list(d["data"]["params"])')" \
	"('rest_invalid_param', 400, ['per_page'])"
is "page=0: 400" "$(code '/orders?page=0')" 400
is "page=x: 400" "$(code '/orders?page=x')" 400
is "status=completed" "$(get '/orders?status=completed' | py 'sorted(o["id"] for o in d)')" "[10231, 10232, 10241]"
is "status=processing,on-hold" "$(get '/orders?status=processing,on-hold' | py 'sorted(o["id"] for o in d)')" "[10233, 10234, 10240]"
is "status=trash" "$(get '/orders?status=trash' | py '[o["id"] for o in d]')" "[10239]"
is "status=any leaves trash out" "$(get '/orders?status=any&per_page=100' | py 'len(d)')" 10
for s in pending cancelled refunded failed; do
	is "status=$s: one order" "$(get "/orders?status=$s" | py 'len(d)')" 1
done
is "status=shipped: 400" "$(code '/orders?status=shipped')" 400
is "after (site time, exclusive)" \
	"$(get '/orders?after=2025-03-30T03:12:05&order=asc&orderby=id' | py '[o["id"] for o in d]')" \
	"[10237, 10238, 10240, 10241]"
is "before (site time, exclusive)" \
	"$(get '/orders?before=2025-01-09T12:00:00' | py '[o["id"] for o in d]')" "[10231]"
is "after with Z: the zone is ignored, site time compared (woocommerce#28111)" \
	"$(get '/orders?after=2025-01-07T09:30:00Z&before=2025-01-07T12:00:00Z' | py '[o["id"] for o in d]')" "[10231]"
is "dates_are_gmt=true: the _gmt times compared" \
	"$(get '/orders?after=2025-01-07T09:30:00&before=2025-01-07T12:00:00&dates_are_gmt=true' | py '[o["id"] for o in d]')" "[]"
is "modified_after" \
	"$(get '/orders?modified_after=2025-11-01T00:00:00' | py '[o["id"] for o in d]')" "[10241]"
is "modified_before" \
	"$(get '/orders?modified_before=2025-01-09T00:00:00' | py '[o["id"] for o in d]')" "[10231]"
is "after=yesterday: 400" "$(code '/orders?after=yesterday')" 400
is "orderby=id&order=asc" "$(get '/orders?orderby=id&order=asc&per_page=2' | py '[o["id"] for o in d]')" "[10231, 10232]"
is "orderby=title: 400" "$(code '/orders?orderby=title')" 400
is "an unknown parameter: 400" "$(code '/orders?customer=5')" 400
is "order JSON shape" \
	"$(get '/orders?orderby=id&order=asc&per_page=1' | py '[(o["number"], o["total"], o["date_created"], o["date_created_gmt"], o["date_completed"], o["billing"]["email"], o["line_items"][1]["variation_id"], o["line_items"][1]["sku"], o["meta_data"][0]["key"]) for o in d][0]')" \
	"('10231', '89.85', '2025-01-07T10:15:02', '2025-01-07T09:15:02', '2025-01-08T15:00:00', 'zoe.mueller@example.de', 205, 'HD-BLK-M', '_order_stock_reduced')"
is "PHP-style JSON: \\/ and \\uXXXX" \
	"$(get '/orders?status=processing&orderby=id&order=asc' | grep -c '\\ud83d\\udce6')" 1
is "unknown route: 404 rest_no_route" \
	"$(code /customers) $(get /customers | py 'd["code"]')" "404 rest_no_route"
is "wrong method: 404 rest_no_route" "$(curl -s -u "$ck:$cs" -X DELETE "$base$api/orders" | py '(d["code"], d["data"]["status"])')" "('rest_no_route', 404)"

# ------------------------------------------------------------ products
is "products: 8 published, parents only" \
	"$(get '/products?per_page=100&orderby=id&order=asc' | py '[(p["id"], p["type"]) for p in d]')" \
	"[(201, 'simple'), (202, 'simple'), (203, 'variable'), (207, 'simple'), (208, 'simple'), (209, 'variable'), (212, 'simple'), (213, 'simple')]"
is "status=publish leaves the draft out" "$(get '/products?status=publish&per_page=100' | py 'len(d)')" 7
is "type=variable" "$(get '/products?type=variable&orderby=id&order=asc' | py '[(p["id"], p["variations"]) for p in d]')" \
	"[(203, [204, 205, 206]), (209, [210, 211])]"
is "type=bundle: 400" "$(code '/products?type=bundle')" 400
is "sku: a simple product" "$(get '/products?sku=TS-RED-M' | py '[(p["id"], p["parent_id"], p["stock_quantity"], p["manage_stock"]) for p in d]')" \
	"[(201, 0, 12, True)]"
is "sku list matches variations too, with parent_id" \
	"$(get '/products?sku=HD-BLK-M,PL-GRN-L,8718526012347,NOPE&orderby=id&order=asc' | py '[(p["id"], p["parent_id"]) for p in d]')" \
	"[(205, 203), (211, 209), (212, 0)]"
is "product without manage_stock: stock_quantity null" \
	"$(get /products/207 | py '(d["manage_stock"], d["stock_quantity"], d["stock_status"])')" "(False, None, 'instock')"
is "product with an empty SKU" "$(get /products/208 | py 'repr(d["sku"])')" "''"
is "products/999: 404 woocommerce_rest_product_invalid_id" \
	"$(curl -s -w ' %{http_code}' -u "$ck:$cs" "$base$api/products/999")" \
	'{"code":"woocommerce_rest_product_invalid_id","message":"Invalid ID.","data":{"status":404}} 404'
is "variations of 203" "$(get /products/203/variations | py '[(v["id"], v["sku"], v["parent_id"], v["stock_quantity"]) for v in d]')" \
	"[(204, 'HD-BLK-S', 203, 4), (205, 'HD-BLK-M', 203, 7), (206, 'HD-BLK-L', 203, 0)]"
h=$(headers '/products/203/variations?per_page=2&page=2')
is "variations are paged" "$(echo "$h" | hdr X-WP-Total) $(echo "$h" | hdr X-WP-TotalPages) $(get '/products/203/variations?per_page=2&page=2' | py '[v["id"] for v in d]')" "3 2 [206]"
is "variations of a simple product: []" "$(get /products/201/variations)" "[]"
is "variations of 999: 404" "$(code /products/999/variations)" 404

# ------------------------------------------------------------ batch writes
is "products/batch: update stock" \
	"$(post /products/batch --data '{"update":[{"id":201,"stock_quantity":5},{"id":202,"manage_stock":true,"stock_quantity":3},{"id":999,"stock_quantity":1},{"id":205,"stock_quantity":1}]}' | py '[(u["id"], u.get("stock_quantity"), u.get("stock_status"), u.get("error", {}).get("code")) for u in d["update"]]')" \
	"[(201, 5, 'instock', None), (202, 3, 'instock', None), (999, None, None, 'woocommerce_rest_product_invalid_id'), (205, None, None, 'woocommerce_rest_product_invalid_id')]"
is "variations/batch: update stock" \
	"$(post /products/203/variations/batch --data '{"update":[{"id":205,"stock_quantity":0},{"id":210,"stock_quantity":9}]}' | py '[(u["id"], u.get("stock_quantity"), u.get("stock_status"), u.get("error", {}).get("code")) for u in d["update"]]')" \
	"[(205, 0, 'outofstock', None), (210, None, None, 'woocommerce_rest_product_variation_invalid_id')]"
is "stock_quantity without manage_stock is ignored" \
	"$(post /products/batch --data '{"update":[{"id":207,"stock_quantity":4}]}' | py 'd["update"][0]["stock_quantity"]')" None
is "the new stock shows in GET" "$(get /products/201 | py 'd["stock_quantity"]')" 5
is "writes counted per SKU" "$(curl -s "$base/_sandbox/writes")" '{"HD-BLK-M": 1, "MUG-BLU": 1, "TS-RED-M": 1}'
big=$(python3 -c 'import json; print(json.dumps({"update": [{"id": 201, "stock_quantity": 1}] * 101}))')
is "101 items: 413" \
	"$(post /products/batch -w ' %{http_code}' --data "$big")" \
	'{"code":"woocommerce_rest_request_entity_too_large","message":"Unable to accept more than 100 items for this request.","data":{"status":413}} 413'
is "not JSON: 400 rest_invalid_json" "$(post /products/batch --data 'nope' | py 'd["code"]')" rest_invalid_json
is "batch without credentials: woocommerce_rest_cannot_batch" \
	"$(curl -s -X POST --data '{}' "$base$api/products/batch" | py '(d["code"], d["data"]["status"])')" \
	"('woocommerce_rest_cannot_batch', 401)"

# ------------------------------------------------------------ faults, log, reset
fault '[{"path":"/wp-json/wc/v3/orders","kind":"503","times":1}]'
is "fault 503: HTML from the gateway" "$(curl -s -o /dev/null -w '%{http_code} %{content_type}' -u "$ck:$cs" "$base$api/orders")" "503 text/html"
is "then normal again" "$(code /orders)" 200
fault '[{"path":"/wp-json/wc/v3/orders","kind":"500"}]'
is "fault 500: WordPress error body" "$(curl -s -u "$ck:$cs" "$base$api/orders" | py '(d["code"], d["data"]["status"])')" "('internal_server_error', 500)"
fault '[{"path":"/wp-json/wc/v3/orders","kind":"reset"}]'
curl -s -o /dev/null -u "$ck:$cs" "$base$api/orders"
is "fault reset: curl exits 56" "$?" 56
fault '[{"path":"/wp-json/wc/v3/orders","kind":"truncate"}]'
curl -s -o /dev/null -u "$ck:$cs" "$base$api/orders"
is "fault truncate: curl exits 18" "$?" 18
fault '[{"path":"/wp-json/wc/v3/products","kind":"badjson"}]'
is "fault badjson: 200 that does not parse" "$(get /products | python3 -c 'import json,sys
try:
    json.load(sys.stdin); print("parsed")
except ValueError:
    print("bad")')" bad
fault '[{"path":"/wp-json/wc/v3/products","kind":"change","change":{"add":"NEW-ONE"}}]'
is "fault change add: a product made now, first by date, last by id" \
	"$(get '/products?per_page=100' | py 'd[0]["sku"]') $(get '/products?per_page=100&orderby=id&order=asc' | py 'd[-1]["sku"]')" \
	"NEW-ONE NEW-ONE"
fault '[{"path":"/wp-json/wc/v3/products","kind":"change","change":{"sku":"NEW-ONE","trash":true}}]'
get /products >/dev/null
curl -s -X DELETE "$base/_sandbox/log" >/dev/null
curl -s -o /dev/null -u "$ck:$cs" "$base$api/orders?status=completed&page=2"
curl -s -o /dev/null "$base$api/orders"
is "log lines" "$(curl -s "$base/_sandbox/log" | python3 -c 'import json,sys
for l in sys.stdin:
    e = json.loads(l); print(e["method"], e["path"], e["query"], e["status"], e["auth"], e["fault"])')" \
	"GET /wp-json/wc/v3/orders status=completed&page=2 200 ok None
GET /wp-json/wc/v3/orders  401 missing None"
is "--log file has the same lines" "$(tail -2 "$tmp/seed.log")" "$(curl -s "$base/_sandbox/log")"
is "state has products, variations, orders" \
	"$(curl -s "$base/_sandbox/state" | py '(len(d["products"]), sorted(d["variations"]), len(d["orders"]), len(d["stockhistory"]))')" \
	"(8, ['203', '209'], 11, 3)"
curl -s -X POST "$base/_sandbox/reset" >/dev/null
is "reset restores stock and clears writes" "$(get /products/201 | py 'd["stock_quantity"]') $(curl -s "$base/_sandbox/writes")" "12 {}"

# ------------------------------------------------------------ one order, search
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_ord
is "GET orders/{id}: the order, with tax fields on every line" \
	"$(get /orders/10233 | py '(d["id"], d["status"], [(l["subtotal_tax"], l["total_tax"], l["taxes"], l["price"]) for l in d["line_items"]], d["date_paid"], d["refunds"])')" \
	"(10233, 'processing', [('0.00', '0.00', [], 29.95), ('0.00', '0.00', [], 1.5)], None, [])"
is "GET orders/99999: 404 woocommerce_rest_shop_order_invalid_id" \
	"$(get /orders/99999 -w ' %{http_code}')" \
	'{"code":"woocommerce_rest_shop_order_invalid_id","message":"Invalid ID.","data":{"status":404}} 404'
is "GET orders/{a product id}: 404" "$(code /orders/201)" 404
is "GET orders/{id} with a parameter: 400" "$(code '/orders/10233?context=view')" 400
is "GET orders/{id} without credentials: cannot view this resource" \
	"$(curl -s "$base$api/orders/10233" | py '(d["code"], d["message"])')" \
	"('woocommerce_rest_cannot_view', 'Sorry, you cannot view this resource.')"
is "search: a name, case and accents folded (zoe finds Zoë)" \
	"$(get '/orders?search=zoe&per_page=100' | py '[o["id"] for o in d]')" "[10241, 10238, 10235, 10231]"
is "search: MULLER finds Müller" "$(get '/orders?search=MULLER' | py 'len(d)')" 4
is "search: the billing e-mail" \
	"$(get '/orders?search=fleur@example.be' | py '[o["id"] for o in d]')" "[10240, 10236, 10233]"
is "search: a number is the order id (and number)" \
	"$(get '/orders?search=10236' | py '[o["id"] for o in d]')" "[10236]"
is "search: the term is trimmed" \
	"$(get '/orders?search=%2010236%20' | py '[o["id"] for o in d]')" "[10236]"
is "search: an item name" "$(get '/orders?search=polo%20groen' | py '[o["id"] for o in d]')" "[10238, 10233]"
is "search: a postcode in the shipping address" "$(get '/orders?search=2000' | py '[o["id"] for o in d]')" "[10240, 10236, 10233]"
is "search with a status filter" "$(get '/orders?search=jansen&status=trash' | py '[o["id"] for o in d]')" "[10239]"
h=$(headers '/orders?search=nobody')
is "search: no match is [] with X-WP-Total 0" "$(get '/orders?search=nobody') $(echo "$h" | hdr X-WP-Total)" "[] 0"

# ------------------------------------------------------------ notes
is "notes: newest first, the track & trace note on a processing order" \
	"$(get /orders/10240/notes | py '[(n["id"], n["author"], n["customer_note"], n["note"]) for n in d]')" \
	"[(510, 'WooCommerce', False, 'Verzonden met PostNL 3SABCD7654321'), (509, 'WooCommerce', False, 'Order status changed from Pending payment to Processing.')]"
is "notes: the shape of a note" \
	"$(get /orders/10231/notes | py 'list(d[0])')" \
	"['id', 'author', 'date_created', 'date_created_gmt', 'note', 'customer_note']"
is "notes: type=customer" "$(get '/orders/10231/notes?type=customer' | py '[n["id"] for n in d]')" "[503]"
is "notes: type=internal" "$(get '/orders/10231/notes?type=internal' | py '[n["id"] for n in d]')" "[502, 501]"
is "notes: an order without notes: []" "$(get /orders/10235/notes)" "[]"
is "notes: type=bogus: 400 rest_invalid_param" "$(get '/orders/10231/notes?type=bogus' | py '(d["code"], list(d["data"]["params"]))')" \
	"('rest_invalid_param', ['type'])"
is "notes of an unknown order: 404 woocommerce_rest_shop_order_invalid_id" \
	"$(get /orders/99999/notes -w ' %{http_code}')" \
	'{"code":"woocommerce_rest_shop_order_invalid_id","message":"Invalid order ID.","data":{"status":404}} 404'
out=$(post /orders/10233/notes -D "$tmp/h" --data '{"note":"Verzonden met PostNL 3SABCD1112223"}')
is "POST note: 201 with the note" \
	"$(head -1 "$tmp/h" | cut -d' ' -f2) $(echo "$out" | py '(list(d), d["author"], d["note"], d["customer_note"])')" \
	"201 (['id', 'author', 'date_created', 'date_created_gmt', 'note', 'customer_note'], 'WooCommerce', 'Verzonden met PostNL 3SABCD1112223', False)"
is "POST note: Location names the note" \
	"$(tr -d '\r' <"$tmp/h" | hdr Location)" "$base$api/orders/10233/notes/$(echo "$out" | py 'd["id"]')"
is "POST note: GET lists it first" "$(get /orders/10233/notes | py 'd[0]["note"]')" "Verzonden met PostNL 3SABCD1112223"
is "an internal note mails nobody" "$(curl -s "$base/_sandbox/mail")" "[]"
is "POST customer note: mails the customer (customer_note)" \
	"$(post /orders/10233/notes --data '{"note":"Je pakket komt morgen","customer_note":true}' | py 'd["customer_note"]') $(curl -s "$base/_sandbox/mail" | py 'd')" \
	"True [{'to': 'fleur@example.be', 'template': 'customer_note', 'order': 10233}]"
is "POST note: customer_note as WordPress reads booleans (\"1\")" \
	"$(post /orders/10235/notes --data '{"note":"x","customer_note":"1"}' | py 'd["customer_note"]')" True
is "POST note added_by_user: the key's user is the author" \
	"$(post /orders/10235/notes --data '{"note":"x","added_by_user":true}' | py 'd["author"]')" "Shop Manager"
is "POST note: an empty note is stored, as WooCommerce does" \
	"$(post /orders/10235/notes --data '{"note":""}' -w ' %{http_code}' | sed 's/.*"note":"\([^"]*\)".* \([0-9]*\)$/[\1] \2/')" "[] 201"
is "POST note without note: 400 rest_missing_callback_param" \
	"$(post /orders/10233/notes --data '{"customer_note":true}' -w ' %{http_code}')" \
	'{"code":"rest_missing_callback_param","message":"Missing parameter(s): note","data":{"status":400,"params":["note"]}} 400'
is "POST note: a number is not a string" \
	"$(post /orders/10233/notes --data '{"note":5}' | py '(d["code"], d["data"]["params"])')" \
	"('rest_invalid_param', {'note': 'note is not of type string.'})"
is "POST note: customer_note \"yes\" is not a boolean" \
	"$(post /orders/10233/notes --data '{"note":"x","customer_note":"yes"}' | py 'd["data"]["params"]')" \
	"{'customer_note': 'customer_note is not of type boolean.'}"
is "POST note: an unknown member is refused (strict)" \
	"$(post /orders/10233/notes --data '{"note":"x","private":true}' | py '(d["code"], list(d["data"]["params"]))')" \
	"('rest_invalid_param', ['private'])"
is "POST note with an id: woocommerce_rest_shop_order_exists" \
	"$(post /orders/10233/notes --data '{"note":"x","id":7}' | py '(d["code"], d["message"])')" \
	"('woocommerce_rest_shop_order_exists', 'Cannot create existing shop_order.')"
is "POST note to an unknown order: 404 woocommerce_rest_order_invalid_id" \
	"$(post /orders/99999/notes --data '{"note":"x"}' -w ' %{http_code}')" \
	'{"code":"woocommerce_rest_order_invalid_id","message":"Invalid order ID.","data":{"status":404}} 404'
is "POST note, not JSON: 400 rest_invalid_json" "$(post /orders/10233/notes --data 'note=x' | py 'd["code"]')" rest_invalid_json
is "POST note without credentials: woocommerce_rest_cannot_create" \
	"$(curl -s -X POST --data '{"note":"x"}' "$base$api/orders/10233/notes" | py '(d["code"], d["data"]["status"])')" \
	"('woocommerce_rest_cannot_create', 401)"
is "notes written are counted per order" \
	"$(curl -s "$base/_sandbox/writes")" '{"order 10233 note": 2, "order 10235 note": 3}'

# ------------------------------------------------------------ status changes
curl -s -X DELETE "$base/_sandbox/log" >/dev/null
out=$(put /orders/10233 --data '{"status":"completed"}')
is "PUT status completed: the order, completed, with date_completed and date_paid" \
	"$(echo "$out" | py '(d["status"], d["date_completed"] is not None, d["date_completed_gmt"] is not None, d["date_paid"] is not None, d["date_modified"] != "2025-02-03T17:50:00")')" \
	"('completed', True, True, True, True)"
is "... mails customer_completed_order" \
	"$(curl -s "$base/_sandbox/mail" | py 'd[-1]')" "{'to': 'fleur@example.be', 'template': 'customer_completed_order', 'order': 10233}"
is "... writes WooCommerce's note" \
	"$(get /orders/10233/notes | py '(d[0]["author"], d[0]["note"], d[0]["customer_note"])')" \
	"('WooCommerce', 'Order status changed from Processing to Completed.', False)"
is "... GET shows it" "$(get /orders/10233 | py 'd["status"]')" completed
is "... a paid order's stock is not reduced again" "$(get /products/210 | py 'd["stock_quantity"]')" 3
n_mail=$(curl -s "$base/_sandbox/mail" | py 'len(d)')
is "PUT the status it has: nothing changes, nothing is sent or counted" \
	"$(put /orders/10233 --data '{"status":"completed"}' | py 'd["status"]') $(curl -s "$base/_sandbox/mail" | py 'len(d)') $(curl -s "$base/_sandbox/writes" | py 'd["order 10233 status"]') $(get /orders/10233/notes | py 'd[0]["note"]')" \
	"completed $n_mail 1 Order status changed from Processing to Completed."
is "POST (as PUT) pending -> processing: customer_processing_order" \
	"$(curl -sS -u "$ck:$cs" -X POST --data '{"status":"processing"}' "$base$api/orders/10235" | py 'd["status"]') $(curl -s "$base/_sandbox/mail" | py 'd[-1]')" \
	"processing {'to': 'zoe.mueller@example.de', 'template': 'customer_processing_order', 'order': 10235}"
is "... reduces the stock once and notes it" \
	"$(get /products/204 | py 'd["stock_quantity"]') $(get '/orders/10235/notes?type=internal' | py 'd[1]["note"]') $(get /orders/10235 | py '[(m["key"], m["value"]) for m in d["line_items"][0]["meta_data"]]')" \
	"3 Stock levels reduced: Hoodie zwart - S (HD-BLK-S) 4&rarr;3 [('_reduced_stock', '1')]"
is "PATCH cancelled -> on-hold: customer_on_hold_order" \
	"$(curl -sS -u "$ck:$cs" -X PATCH --data '{"status":"on-hold"}' "$base$api/orders/10236" | py 'd["status"]') $(curl -s "$base/_sandbox/mail" | py 'd[-1]["template"]')" \
	"on-hold customer_on_hold_order"
is "on-hold -> failed: customer_failed_order" \
	"$(put /orders/10234 --data '{"status":"failed"}' | py 'd["status"]') $(curl -s "$base/_sandbox/mail" | py 'd[-1]')" \
	"failed {'to': 'jan.jansen@example.nl', 'template': 'customer_failed_order', 'order': 10234}"
n_mail=$(curl -s "$base/_sandbox/mail" | py 'len(d)')
is "processing -> cancelled: customer_cancelled_order is off by default, no mail" \
	"$(put /orders/10240 --data '{"status":"cancelled"}' | py 'd["status"]') $(curl -s "$base/_sandbox/mail" | py 'len(d)')" "cancelled $n_mail"
is "... a seed order's stock was not recorded per line, so none comes back" \
	"$(get /products/206 | py 'd["stock_quantity"]')" 0
is "processing -> pending gives the stock back" \
	"$(put /orders/10235 --data '{"status":"pending"}' | py 'd["line_items"][0]["meta_data"]') $(get /products/204 | py 'd["stock_quantity"]') $(get '/orders/10235/notes?type=internal' | py 'd[1]["note"]')" \
	"[] 4 Stock levels increased: Hoodie zwart - S (HD-BLK-S) 3&rarr;4"
out=$(put /orders/10241 --data '{"status":"refunded"}')
is "completed -> refunded: a refund of the total, customer_refunded_order" \
	"$(echo "$out" | py '[(r["reason"], r["total"]) for r in d["refunds"]]') $(curl -s "$base/_sandbox/mail" | py 'd[-1]["template"]') $(get /orders/10241/notes | py 'd[1]["note"][:29]')" \
	"[('Order fully refunded.', '-48.00')] customer_refunded_order Order status set to refunded."
is "manual_update: the user writes the status note" \
	"$(put /orders/10238 --data '{"status":"on-hold","manual_update":true}' >/dev/null; get /orders/10238/notes | py '(d[0]["author"], d[0]["note"])')" \
	"('Shop Manager', 'Order status changed from Failed to On hold.')"
is "set_paid on a failed order: processing, transaction_id, date_paid" \
	"$(put /orders/10234 --data '{"set_paid":true,"transaction_id":"tr_9"}' | py '(d["status"], d["transaction_id"], d["date_paid"] is not None)') $(curl -s "$base/_sandbox/mail" | py 'd[-1]["template"]')" \
	"('processing', 'tr_9', True) customer_processing_order"
is "PUT an unknown order: 400 woocommerce_rest_shop_order_invalid_id" \
	"$(put /orders/99999 --data '{"status":"completed"}' -w ' %{http_code}')" \
	'{"code":"woocommerce_rest_shop_order_invalid_id","message":"Invalid ID.","data":{"status":400}} 400'
is "PUT status shipped: 400 rest_invalid_param" \
	"$(put /orders/10233 --data '{"status":"shipped"}' | py '(d["code"], d["data"]["params"])')" \
	"('rest_invalid_param', {'status': 'status is not one of pending, processing, on-hold, completed, cancelled, refunded, failed.'})"
is "PUT another member: 400 (strict)" \
	"$(put /orders/10233 --data '{"customer_note":"x"}' | py '(d["code"], list(d["data"]["params"]))')" \
	"('rest_invalid_param', ['customer_note'])"
is "PUT without credentials: woocommerce_rest_cannot_edit" \
	"$(curl -s -X PUT --data '{"status":"completed"}' "$base$api/orders/10233" | py '(d["code"], d["message"])')" \
	"('woocommerce_rest_cannot_edit', 'Sorry, you are not allowed to edit this resource.')"
is "DELETE orders/{id}: 404 rest_no_route (not emulated)" \
	"$(curl -s -u "$ck:$cs" -X DELETE "$base$api/orders/10233" | py 'd["code"]')" rest_no_route
is "status changes are counted per order, one per request" \
	"$(curl -s "$base/_sandbox/writes" | py 'sorted((k, v) for k, v in d.items() if k.endswith("status"))')" \
	"[('order 10233 status', 1), ('order 10234 status', 2), ('order 10235 status', 2), ('order 10236 status', 1), ('order 10238 status', 1), ('order 10240 status', 1), ('order 10241 status', 1)]"

# ------------------------------------------------------------ settings
is "settings: an e-mail's group lists its options" \
	"$(get /settings/email_customer_completed_order | py '[(s["id"], s["type"], s["value"]) for s in d]')" \
	"[('enabled', 'checkbox', 'yes'), ('subject', 'text', ''), ('heading', 'text', ''), ('additional_content', 'textarea', 'Thanks for shopping with us.'), ('email_type', 'select', 'html')]"
is "settings: one option, with group_id" \
	"$(get /settings/email_customer_completed_order/enabled)" \
	'{"id":"enabled","label":"Enable\/Disable","description":"","type":"checkbox","default":"yes","value":"yes","group_id":"email_customer_completed_order"}'
is "settings: the customer's cancelled-order e-mail is off by default" \
	"$(get /settings/email_customer_cancelled_order/enabled | py '(d["default"], d["value"])')" "('no', 'no')"
is "settings: every group the sandbox emulates" \
	"$(for g in new_order customer_on_hold_order customer_processing_order customer_completed_order customer_refunded_order customer_note customer_failed_order customer_cancelled_order; do code "/settings/email_$g"; echo; done | sort -u)" 200
is "settings: email_type offers plain, html, multipart" \
	"$(get /settings/email_customer_note/email_type | py 'd["options"]')" \
	"{'plain': 'Plain text', 'html': 'HTML', 'multipart': 'Multipart'}"
is "PUT a setting: the option with its new value" \
	"$(put /settings/email_customer_note/enabled --data '{"value":"no"}' | py '(d["id"], d["value"], d["group_id"])') $(get /settings/email_customer_note/enabled | py 'd["value"]')" \
	"('enabled', 'no', 'email_customer_note') no"
n_mail=$(curl -s "$base/_sandbox/mail" | py 'len(d)')
is "... and the customer note is no longer mailed" \
	"$(post /orders/10231/notes --data '{"note":"x","customer_note":true}' | py 'd["customer_note"]') $(curl -s "$base/_sandbox/mail" | py 'len(d)')" "True $n_mail"
put /settings/email_customer_processing_order/enabled --data '{"value":"no"}' >/dev/null
is "a muted processing e-mail: the status changes, no mail" \
	"$(put /orders/10235 --data '{"status":"processing"}' | py 'd["status"]') $(curl -s "$base/_sandbox/mail" | py 'len(d)')" "processing $n_mail"
is "POST works as PUT on a setting" \
	"$(post /settings/email_customer_processing_order/enabled --data '{"value":"yes"}' | py 'd["value"]')" yes
is "a checkbox takes yes or no: 400 rest_setting_value_invalid" \
	"$(put /settings/email_customer_note/enabled --data '{"value":"maybe"}' -w ' %{http_code}')" \
	'{"code":"rest_setting_value_invalid","message":"An invalid setting value was passed.","data":{"status":400}} 400'
is "an empty checkbox value answers the default, but stores \"\" (WooCommerce)" \
	"$(put /settings/email_customer_note/enabled --data '{"value":""}' | py 'd["value"]') $(get /settings/email_customer_note/enabled | py 'repr(d["value"])')" \
	"yes ''"
is "a select takes one of its options" \
	"$(put /settings/email_customer_note/email_type --data '{"value":"pdf"}' | py 'd["code"]') $(put /settings/email_customer_note/email_type --data '{"value":"plain"}' | py 'd["value"]')" \
	"rest_setting_value_invalid plain"
is "a text setting is trimmed" \
	"$(put /settings/email_customer_note/subject --data '{"value":"  Nieuws over je bestelling  "}' | py 'd["value"]')" "Nieuws over je bestelling"
is "PUT a setting with another member: 400 (strict)" \
	"$(put /settings/email_customer_note/enabled --data '{"value":"yes","default":"no"}' | py '(d["code"], list(d["data"]["params"]))')" \
	"('rest_invalid_param', ['default'])"
is "an unknown group: 404 rest_setting_setting_group_invalid" \
	"$(get /settings/general -w ' %{http_code}')" \
	'{"code":"rest_setting_setting_group_invalid","message":"Invalid setting group.","data":{"status":404}} 404'
is "an unknown setting: 404 rest_setting_setting_invalid" \
	"$(put /settings/email_customer_note/colour --data '{"value":"red"}' -w ' %{http_code}')" \
	'{"code":"rest_setting_setting_invalid","message":"Invalid setting.","data":{"status":404}} 404'
is "settings without credentials: cannot list / cannot edit" \
	"$(curl -s "$base$api/settings/email_customer_note" | py 'd["message"]') / $(curl -s -X PUT --data '{"value":"no"}' "$base$api/settings/email_customer_note/enabled" | py 'd["message"]')" \
	"Sorry, you cannot list resources. / Sorry, you cannot edit this resource."
is "setting changes are counted per option" \
	"$(curl -s "$base/_sandbox/writes" | py 'sorted((k, v) for k, v in d.items() if k.startswith("setting"))')" \
	"[('setting email_customer_note/email_type', 1), ('setting email_customer_note/enabled', 2), ('setting email_customer_note/subject', 1), ('setting email_customer_processing_order/enabled', 2)]"

# ------------------------------------------------------------ create orders
mark=$(curl -s "$base/_sandbox/mail" | py 'len(d)')
out=$(post /orders -D "$tmp/h" --data '{"status":"pending","set_paid":true,"currency":"EUR","payment_method":"ideal","payment_method_title":"iDEAL","transaction_id":"tr_1001","customer_note":"Bel aan bij de buren","billing":{"first_name":"An","last_name":"Peeters","company":"","address_1":"Meir 1","address_2":"","city":"Antwerpen","state":"","postcode":"2000","country":"BE","email":"an.peeters@example.be","phone":"+32 3 123 45 67"},"shipping":{"first_name":"An","last_name":"Peeters","company":"","address_1":"Meir 1","address_2":"","city":"Antwerpen","state":"","postcode":"2000","country":"BE","phone":""},"line_items":[{"product_id":201,"quantity":2},{"product_id":203,"variation_id":205,"quantity":1,"subtotal":"49.95","total":"44.95"}],"shipping_lines":[{"method_id":"flat_rate","method_title":"PostNL","total":"4.95"}],"fee_lines":[{"name":"Verpakking","total":"1.00","tax_status":"none","tax_class":""}],"meta_data":[{"key":"_shopswitch_source","value":"shopify #1001"}]}')
id=$(echo "$out" | py 'd["id"]')
is "POST orders with set_paid: 201, processing, paid, created via the REST API" \
	"$(head -1 "$tmp/h" | cut -d' ' -f2) $(echo "$out" | py '(d["status"], d["number"] == str(d["id"]), d["id"] > 10241, d["created_via"], d["date_paid"] is not None, d["transaction_id"], d["currency"])')" \
	"201 ('processing', True, True, 'rest-api', True, 'tr_1001', 'EUR')"
is "... Location names the order" "$(tr -d '\r' <"$tmp/h" | hdr Location)" "$base$api/orders/$id"
is "... totals: lines + shipping + fees, taxes 0, a lower total is a discount" \
	"$(echo "$out" | py '(d["total"], d["shipping_total"], d["discount_total"], d["total_tax"], d["fee_lines"][0]["total"])')" \
	"('90.80', '4.95', '5.00', '0.00', '1.00')"
is "... lines: price x quantity unless given, the variation's parent, its attribute" \
	"$(echo "$out" | py '[(l["name"], l["product_id"], l["variation_id"], l["sku"], l["subtotal"], l["total"], l["price"], [m["key"] for m in l["meta_data"]]) for l in d["line_items"]]')" \
	"[('T-shirt rood M', 201, 0, 'TS-RED-M', '39.90', '39.90', 19.95, ['_reduced_stock']), ('Hoodie zwart - M', 203, 205, 'HD-BLK-M', '49.95', '44.95', 44.95, ['size', '_reduced_stock'])]"
is "... meta_data and the addresses are kept" \
	"$(echo "$out" | py '(d["meta_data"][0]["key"], d["meta_data"][0]["value"], d["billing"]["email"], d["shipping"]["city"], d["customer_note"])')" \
	"('_shopswitch_source', 'shopify #1001', 'an.peeters@example.be', 'Antwerpen', 'Bel aan bij de buren')"
is "... GET answers the same order" "$(get "/orders/$id")" "$out"
is "... mails customer_processing_order (pending -> processing)" \
	"$(curl -s "$base/_sandbox/mail" | py "d[$mark:]")" \
	"[{'to': 'an.peeters@example.be', 'template': 'customer_processing_order', 'order': $id}]"
is "... reduces the stock" "$(get /products/201 | py 'd["stock_quantity"]') $(get /products/205 | py 'd["stock_quantity"]')" "9 6"
is "... and is found by search" "$(get '/orders?search=peeters' | py '[o["id"] for o in d]')" "[$id]"
out=$(post /orders --data '{"billing":{"first_name":"Piet","email":"piet@example.nl"},"line_items":[{"sku":"MUG-BLU","quantity":3}]}')
is "POST orders without status: pending, unpaid, no mail, stock untouched" \
	"$(echo "$out" | py '(d["status"], d["date_paid"], d["total"], d["line_items"][0]["product_id"])') $(curl -s "$base/_sandbox/mail" | py "len(d[$mark:])") $(get /products/202 | py 'd["stock_quantity"]')" \
	"('pending', None, '29.85', 202) 1 0"
is "POST orders with an unknown product: accepted, a line without product, 0.00" \
	"$(post /orders --data '{"line_items":[{"product_id":99999,"quantity":2}]}' | py '[(l["product_id"], l["variation_id"], l["name"], l["sku"], l["total"], l["price"]) for l in d["line_items"]] + [d["total"]]')" \
	"[(0, 0, '', None, '0.00', 0), '0.00']"
is "... an unknown SKU wins over a good product_id" \
	"$(post /orders --data '{"line_items":[{"product_id":201,"sku":"NOPE","name":"Oude trui","total":"12.00"}]}' | py '[(l["product_id"], l["name"], l["total"]) for l in d["line_items"]]')" \
	"[(0, 'Oude trui', '12.00')]"
is "... a variation of another product: the variation wins, its parent is product_id" \
	"$(post /orders --data '{"line_items":[{"product_id":201,"variation_id":211}]}' | py '[(l["product_id"], l["variation_id"], l["quantity"]) for l in d["line_items"]]')" \
	"[(209, 211, 1)]"
is "... a variable product without variation: a line of the parent at the lowest price" \
	"$(post /orders --data '{"line_items":[{"product_id":209,"quantity":1}]}' | py '[(l["product_id"], l["variation_id"], l["total"]) for l in d["line_items"]]')" \
	"[(209, 0, '29.95')]"
n_orders=$(curl -s "$base/_sandbox/writes" | py 'd["order created"]')
is "POST orders: a line without product: woocommerce_rest_required_product_reference" \
	"$(post /orders --data '{"line_items":[{"quantity":1}]}' -w ' %{http_code}')" \
	'{"code":"woocommerce_rest_required_product_reference","message":"Product ID or SKU is required.","data":{"status":400}} 400'
is "POST orders: a shipping line without method_id" \
	"$(post /orders --data '{"shipping_lines":[{"method_title":"PostNL","total":"4.95"}]}' | py '(d["code"], d["message"])')" \
	"('woocommerce_rest_invalid_shipping_item', 'Shipping method ID is required.')"
is "POST orders: a fee without name" \
	"$(post /orders --data '{"fee_lines":[{"total":"1.00"}]}' | py '(d["code"], d["message"])')" \
	"('woocommerce_rest_invalid_fee_item', 'Fee name is required.')"
is "POST orders: an item with an id" \
	"$(post /orders --data '{"line_items":[{"id":5,"product_id":201}]}' | py 'd["code"]')" woocommerce_rest_invalid_item_id
is "POST orders with an id: woocommerce_rest_shop_order_exists" \
	"$(post /orders --data '{"id":10231}' | py '(d["code"], d["message"])')" \
	"('woocommerce_rest_shop_order_exists', 'Cannot create existing shop_order.')"
is "POST orders: a total as a number is refused, as WordPress does" \
	"$(post /orders --data '{"line_items":[{"product_id":201,"total":19.95}]}' | py '(d["code"], d["data"]["params"])')" \
	"('rest_invalid_param', {'line_items': 'line_items[0][total] is not of type string.'})"
is "POST orders: an empty billing e-mail is refused, as WordPress does" \
	"$(post /orders --data '{"billing":{"email":""}}' | py '(d["message"], d["data"]["params"])')" \
	"('Invalid parameter(s): billing', {'billing': 'Invalid email address.'})"
is "POST orders: every invalid member in one answer" \
	"$(post /orders --data '{"status":"shipped","coupon_lines":[],"set_paid":"ja"}' | py 'd["message"]')" \
	"Invalid parameter(s): status, coupon_lines, set_paid"
is "POST orders: a line's price is read-only, refused (strict)" \
	"$(post /orders --data '{"line_items":[{"product_id":201,"price":5}]}' | py 'd["code"]')" rest_invalid_param
is "POST orders without credentials: woocommerce_rest_cannot_create" \
	"$(curl -s -X POST --data '{}' "$base$api/orders" | py '(d["code"], d["message"])')" \
	"('woocommerce_rest_cannot_create', 'Sorry, you are not allowed to create resources.')"
is "refused creates create nothing" "$(curl -s "$base/_sandbox/writes" | py 'd["order created"]')" "$n_orders"
is "POST orders status completed: customer_completed_order" \
	"$(post /orders --data '{"status":"completed","billing":{"email":"k@example.nl"},"line_items":[{"product_id":212}]}' | py '(d["status"], d["date_completed"] is not None, d["date_paid"] is not None)') $(curl -s "$base/_sandbox/mail" | py 'd[-1]["template"]')" \
	"('completed', True, True) customer_completed_order"
is "POST orders set_paid with only product-less lines: completed (nothing needs processing)" \
	"$(post /orders --data '{"set_paid":true,"line_items":[{"product_id":99999,"total":"5.00"}]}' | py 'd["status"]')" completed

# ------------------------------------------------------------ state, faults, reset
is "state shows the settings and each order's notes" \
	"$(curl -s "$base/_sandbox/state" | py '(d["settings"]["email_customer_note"]["enabled"], d["settings"]["email_customer_completed_order"]["enabled"], [n["id"] for n in d["notes"]["10240"]][-2:])')" \
	"('', 'yes', [510, 509])"
curl -s -X DELETE "$base/_sandbox/log" >/dev/null
fault '[{"path":"/wp-json/wc/v3/orders/10231/notes","kind":"slow","delay":3,"method":"POST"}]'
post /orders/10231/notes -o /dev/null -m 1 --data '{"note":"Verzonden met PostNL 3SABCD5550001"}' 2>/dev/null
is "fault slow on POST note: the client times out (curl 28)" "$?" 28
i=0
while ! curl -s "$base/_sandbox/log" | grep -q '"status":201,.*"fault":"slow"'; do
	i=$((i + 1))
	[ "$i" -gt 60000 ] && break
	sleep 0.01
done
is "... but the note was written (applied before the wait) and counted" \
	"$(get /orders/10231/notes | py 'd[0]["note"]') $(curl -s "$base/_sandbox/writes" | py 'd["order 10231 note"]')" \
	"Verzonden met PostNL 3SABCD5550001 2"
fault '[{"path":"/wp-json/wc/v3/orders/10232","kind":"503","method":"PUT"}]'
is "fault 503 on PUT order: HTML, the status is not changed" \
	"$(put /orders/10232 -o /dev/null -w '%{http_code} %{content_type}' --data '{"status":"refunded"}') $(get /orders/10232 | py 'd["status"]')" \
	"503 text/html completed"
fault '[{"path":"/wp-json/wc/v3/orders","kind":"429","method":"POST"}]'
n_orders=$(curl -s "$base/_sandbox/writes" | py 'd["order created"]')
is "fault 429 on POST orders: nothing is created" \
	"$(post /orders -o /dev/null -w '%{http_code}' --data '{"line_items":[{"product_id":201}]}') $(curl -s "$base/_sandbox/writes" | py 'd["order created"]')" \
	"429 $n_orders"
fault '[{"path":"/wp-json/wc/v3/orders","kind":"reset","method":"POST"}]'
post /orders -o /dev/null --data '{"line_items":[{"product_id":201}]}' 2>/dev/null
is "fault reset on POST orders: curl 56, nothing is created" \
	"$? $(curl -s "$base/_sandbox/writes" | py 'd["order created"]')" "56 $n_orders"
fault '[{"path":"/wp-json/wc/v3/settings","kind":"truncate"}]'
put /settings/email_customer_note/enabled -o /dev/null --data '{"value":"yes"}' 2>/dev/null
is "fault truncate on PUT setting: curl 18, yet the setting is changed" \
	"$? $(get /settings/email_customer_note/enabled | py 'd["value"]')" "18 yes"
fault '[{"path":"/wp-json/wc/v3/orders/10231/notes","kind":"badjson"}]'
is "fault badjson on GET notes: 200 that does not parse" \
	"$(get /orders/10231/notes | python3 -c 'import json,sys
try:
    json.load(sys.stdin); print("parsed")
except ValueError:
    print("bad")')" bad
fault '[{"path":"/wp-json/wc/v3/settings","kind":"500"}]'
is "fault 500 on GET settings" "$(code /settings/email_customer_note)" 500
curl -s -X POST "$base/_sandbox/reset" >/dev/null
is "reset restores orders, notes, settings, stock, mail and writes" \
	"$(get /orders/10233 | py 'd["status"]') $(get /orders/10233/notes | py 'len(d)') $(get /settings/email_customer_note/enabled | py 'd["value"]') $(get /products/201 | py 'd["stock_quantity"]') $(curl -s "$base/_sandbox/mail") $(curl -s "$base/_sandbox/writes") $(get '/orders?status=any&per_page=100' | py 'len(d)')" \
	"processing 1 yes 12 [] {} 10"

# shellcheck disable=SC2154
base=http://127.0.0.1:$port_muted
is "--set emails_enabled=no: every e-mail off" \
	"$(get /settings/email_customer_completed_order/enabled | py 'd["value"]') $(get /settings/email_customer_cancelled_order/enabled | py 'd["value"]')" "no no"
is "... a status change mails nobody" \
	"$(put /orders/10233 --data '{"status":"completed"}' | py 'd["status"]') $(curl -s "$base/_sandbox/mail")" "completed []"
is "... an e-mail turned on again is sent" \
	"$(put /settings/email_customer_note/enabled --data '{"value":"yes"}' >/dev/null; post /orders/10233/notes --data '{"note":"x","customer_note":true}' >/dev/null; curl -s "$base/_sandbox/mail" | py '[m["template"] for m in d]')" \
	"['customer_note']"
python3 "$here/sandbox.py" --platform woocommerce --data "$seed" --set emails_enabled=maybe --port 0 2>/dev/null
is "--set emails_enabled=maybe: exit 2" "$?" 2

# ------------------------------------------------------------ generated, rate limit
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_gen
h=$(headers '/orders?per_page=100&status=any')
total=$(echo "$h" | hdr X-WP-Total)
is "generated: X-WP-TotalPages = ceil(total/100)" "$(echo "$h" | hdr X-WP-TotalPages)" "$(((total + 99) / 100))"
all=0
p=1
while [ "$p" -le 3 ]; do
	c=$(get "/orders?per_page=100&page=$p&status=trash,pending,processing,on-hold,completed,cancelled,refunded,failed" | py 'len(d)')
	all=$((all + c))
	p=$((p + 1))
done
is "generated: 250 orders over 3 pages" "$all" 250
is "generated: every status present" \
	"$(get '/orders?per_page=100&status=trash,pending,processing,on-hold,completed,cancelled,refunded,failed' | py 'len(set(o["status"] for o in d)) >= 1') $(for s in pending processing on-hold completed cancelled refunded failed trash; do get "/orders?status=$s" | py 'len(d) > 0'; done | sort -u)" \
	"True True"
is "generated: variable products with variations" \
	"$(get '/products?type=variable&per_page=1' | py 'len(d[0]["variations"]) >= 2')" True
s1=$(python3 "$here/sandbox.py" --platform woocommerce --generate orders=5,products=4 --port 0 --ready "$tmp/g1" >/dev/null 2>&1 & echo $!)
pids="$pids $s1"
while [ ! -s "$tmp/g1" ]; do sleep 0.01; done
g1=$(curl -s "http://127.0.0.1:$(cat "$tmp/g1")/_sandbox/state" | md5sum)
kill "$s1"
s2=$(python3 "$here/sandbox.py" --platform woocommerce --generate orders=5,products=4 --port 0 --ready "$tmp/g2" >/dev/null 2>&1 & echo $!)
pids="$pids $s2"
while [ ! -s "$tmp/g2" ]; do sleep 0.01; done
g2=$(curl -s "http://127.0.0.1:$(cat "$tmp/g2")/_sandbox/state" | md5sum)
kill "$s2"
is "--generate is deterministic" "$g1" "$g2"

# shellcheck disable=SC2154
base=http://127.0.0.1:$port_rate
code /orders >/dev/null
code /orders >/dev/null
is "--rate-limit 3: third request 200" "$(code /orders)" 200
is "--rate-limit 3: fourth request 429" "$(code /orders)" 429

# ------------------------------------------------------------ bad data, options
mkdir "$tmp/bad"
printf '[{"id":1,"parent_id":99,"sku":"X","manage_stock":false,"stock_quantity":null,"stock_status":"instock"}]\n' >"$tmp/bad/variations.json"
python3 "$here/sandbox.py" --platform woocommerce --data "$tmp/bad" --port 0 2>"$tmp/bad.err"
is "a variation without a variable parent: exit 2" "$?" 2
is "the message names file and item" "$(grep -c 'variations.json: variation 1' "$tmp/bad.err")" 1
mkdir "$tmp/badnotes"
cp "$seed/orders.json" "$seed/products.json" "$seed/variations.json" "$tmp/badnotes/"
printf '[{"id":1,"order_id":4711,"author":"WooCommerce","date_created":"2025-01-01T10:00:00","date_created_gmt":"2025-01-01T09:00:00","note":"x","customer_note":false}]\n' >"$tmp/badnotes/order_notes.json"
python3 "$here/sandbox.py" --platform woocommerce --data "$tmp/badnotes" --port 0 2>"$tmp/badnotes.err"
is "a note of an unknown order: exit 2" "$?" 2
is "the message names file, note and field" "$(grep -c 'order_notes.json: note 1: order_id 4711' "$tmp/badnotes.err")" 1
python3 "$here/sandbox.py" --platform picqer --data "$here/data/picqer" --api-secret x --port 0 2>/dev/null
is "--api-secret refused for picqer" "$?" 2

# ------------------------------------------------------------ SIGTERM
# shellcheck disable=SC2154
kill "$pid_seed"
wait "$pid_seed"
is "SIGTERM: exits 0" "$?" 0

# ------------------------------------------------------------ a CGI host, plugin statuses
# shellcheck disable=SC2154
cgi=http://127.0.0.1:$port_cgi$api
is "strip_authorization: Basic auth never arrives: 401 as a guest" \
	"$(curl -s -o /dev/null -w '%{http_code}' -u "$ck:$cs" "$cgi/orders")" 401
is "strip_authorization: the keys as query parameters get in" \
	"$(curl -s -o /dev/null -w '%{http_code}' "$cgi/orders?consumer_key=$ck&consumer_secret=$cs")" 200
is "statuses: a plugin's status is a filter value" \
	"$(curl -s -o /dev/null -w '%{http_code}' "$cgi/orders?status=shipped&consumer_key=$ck&consumer_secret=$cs")" 200
is "checkout-draft, the block checkout's drafts, is a status" \
	"$(curl -s -o /dev/null -w '%{http_code}' "$cgi/orders?status=checkout-draft&consumer_key=$ck&consumer_secret=$cs")" 200
is "statuses: one nobody registered is not" \
	"$(curl -s -o /dev/null -w '%{http_code}' "$cgi/orders?status=sent&consumer_key=$ck&consumer_secret=$cs")" 400
python3 "$here/sandbox.py" --platform woocommerce --data "$seed" --set statuses=completed --port 0 2>"$tmp/st.err"
is "statuses: a core status is refused as a new one" "$? $(cat "$tmp/st.err")" \
	"2 sandbox: --set statuses: 'completed' is not a new status slug"

# ------------------------------------------------------------ a listing, a write, a listing
# The sandbox keeps a listing while nothing is written (memo() in
# sandbox.py), for the pages that follow: a write must show in the next.
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_ord
instock() {
	get '/products?stock_status=instock&per_page=2&orderby=id&order=asc' |
		py '[p["id"] for p in d]'
}
is "in stock, before a write" "$(instock)" "[201, 203]"
post /products/batch --data '{"update":[{"id":201,"stock_quantity":0}]}' >/dev/null
is "a write shows in the listing after it, not the one kept before" \
	"$(instock)" "[203, 207]"

echo "1..$n"
[ "$failed" -eq 0 ]
