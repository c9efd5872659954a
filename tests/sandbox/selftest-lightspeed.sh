#!/bin/sh
# selftest-lightspeed.sh: the sandbox's own tests for the Lightspeed eCom
# (C-Series) emulation.  Starts tests/sandbox/sandbox.py --platform
# lightspeed on free ports, checks it with curl and prints TAP.  Exits 1
# when a check fails, 2 when the sandbox cannot be started at all.
set -u

here=$(cd "$(dirname "$0")" && pwd)
seed=$here/data/lightspeed
key=sandboxkeysandboxkeysandboxkey00
secret=sandboxsecretsandboxsecretsandbo
# shellcheck disable=SC2034
platform=lightspeed
# shellcheck source=tests/sandbox/selftest-lib.sh
. "$here/selftest-lib.sh"

get() {
	p=$1
	shift
	curl -sS -u "$key:$secret" "$@" "$base$p"
}
code() {
	p=$1
	shift
	curl -s -o /dev/null -w '%{http_code}' -u "$key:$secret" "$@" "$base$p"
}
headers() {
	p=$1
	shift
	curl -s -D - -o /dev/null -u "$key:$secret" "$@" "$base$p" | tr -d '\r'
}
hdr() {
	grep -i "^$1:" | sed 's/^[^:]*: *//'
}
put() {
	p=$1
	shift
	curl -sS -u "$key:$secret" -H 'Content-Type: application/json' -X PUT "$@" "$base$p"
}
putcode() {
	p=$1
	shift
	curl -s -o /dev/null -w '%{http_code}' -u "$key:$secret" \
		-H 'Content-Type: application/json' -X PUT "$@" "$base$p"
}
writes() {
	curl -s "$base/_sandbox/writes"
}

# Lightspeed's 20 requests a second (checked on "sec" below) would meet
# the checks on a quiet machine, where curl runs more often than that:
# the others may send as fast as they can.
start seed --data "$seed" --set per_second=100000
start gen --generate orders=300,products=600 --set per_second=100000
# Windows far longer than the test (aligned to their length, as
# Lightspeed's are), so none of them turns over while it runs.
start rate --data "$seed" --set limit_5min=3 --set limit_hour=50 \
	--set limit_day=60 --set window_5min=1000000 \
	--set window_hour=2000000 --set window_day=4000000
start sec --data "$seed" --set per_second=2 --set languages=de

# shellcheck disable=SC2154
base=http://127.0.0.1:$port_seed

# ------------------------------------------------------------ auth
is "no credentials: 401" "$(curl -s -o /dev/null -w '%{http_code}' "$base/nl/orders.json")" 401
is "401 body is Lightspeed's error" \
	"$(curl -s "$base/nl/orders.json" | py 'd["error"]')" \
	"{'code': 401, 'method': 'GET', 'request': 'nl/orders.json', 'message': 'Access denied.'}"
is "401 has WWW-Authenticate: Basic" \
	"$(curl -s -D - -o /dev/null "$base/nl/orders.json" | tr -d '\r' | hdr WWW-Authenticate | cut -c1-5)" Basic
is "wrong secret: 401" "$(curl -s -o /dev/null -w '%{http_code}' -u "$key:nope" "$base/nl/orders.json")" 401
is "wrong key: 401" "$(curl -s -o /dev/null -w '%{http_code}' -u "nope:$secret" "$base/nl/orders.json")" 401
is "Bearer: 401" "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" "$base/nl/orders.json")" 401
is "bad base64: 401" "$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Basic %%%' "$base/nl/orders.json")" 401
is "401 carries no rate-limit headers" \
	"$(curl -s -D - -o /dev/null "$base/nl/orders.json" | grep -ci '^x-ratelimit')" 0
is "key:secret: 200" "$(code /nl/orders.json)" 200

# ------------------------------------------------------------ language, routes
is "inactive language: 404" "$(code /fr/orders.json)" 404
is "inactive language: message" "$(get /fr/orders.json | py 'd["error"]["message"]')" "Unknown or inactive language."
is "second active language en: 200" "$(code /en/orders.json)" 200
is "languages.json marks the active ones" \
	"$(get /nl/languages.json | py '[l["code"] for l in d["languages"] if l["isActive"]]')" "['nl', 'en']"
is "without .json: 404" "$(code /nl/orders)" 404
is "unknown resource: 404 Not found." "$(get /nl/nothing.json | py '(d["error"]["code"], d["error"]["message"])')" "(404, 'Not found.')"
is "wrong method: 404" "$(code /nl/orders.json -X DELETE)" 404
is "shop currency EUR" "$(get /nl/shop.json | py 'd["shop"]["currency"]["shortcode"]')" EUR
is "JSON escapes / as \\/" "$(get /nl/orders/315960011.json | grep -c 'orders\\/315960011')" 1

# ------------------------------------------------------------ orders: paging
is "orders: 12, ascending id, envelope orders" \
	"$(get /nl/orders.json | py 'len(d["orders"]), d["orders"][0]["number"], d["orders"][-1]["number"]')" \
	"(12, 'ORD00001', 'ORD00012')"
is "count.json" "$(get /nl/orders/count.json)" '{"count":12}'
is "limit=5&page=3: the last 2" \
	"$(get '/nl/orders.json?limit=5&page=3' | py '[o["number"] for o in d["orders"]]')" "['ORD00011', 'ORD00012']"
is "page past the end: empty list" "$(get '/nl/orders.json?page=9')" '{"orders":[]}'
is "since_id is exclusive" \
	"$(get '/nl/orders.json?since_id=315960041&limit=250' | py '[o["number"] for o in d["orders"]]')" \
	"['ORD00010', 'ORD00011', 'ORD00012']"
is "limit=250: 200" "$(code '/nl/orders.json?limit=250')" 200
is "limit=251: 400" "$(code '/nl/orders.json?limit=251')" 400
is "limit=0: 400" "$(code '/nl/orders.json?limit=0')" 400
is "page=x: 400 in the error shape" "$(get '/nl/orders.json?page=x' | py 'd["error"]["code"]')" 400
is "unknown parameter: 400" "$(code '/nl/orders.json?embed=products')" 400
is "parameter twice: 400" "$(code '/nl/orders.json?page=1&page=2')" 400
is "fields=id,number" "$(get '/nl/orders.json?limit=1&fields=id,number')" '{"orders":[{"id":315960011,"number":"ORD00001"}]}'

# ------------------------------------------------------------ orders: filters
for s in on_hold processing_awaiting_payment processing_awaiting_pickup processing_ready_for_pickup completed completed_picked_up cancelled; do
	is "status=$s: one order" "$(get "/nl/orders/count.json?status=$s" | py 'd["count"]')" 1
done
is "status=processing_awaiting_shipment: 3" "$(get '/nl/orders/count.json?status=processing_awaiting_shipment' | py 'd["count"]')" 3
is "status=completed_shipped: 2" "$(get '/nl/orders/count.json?status=completed_shipped' | py 'd["count"]')" 2
is "status=shipped: 400" "$(code '/nl/orders.json?status=shipped')" 400
is "shipmentStatus=partially_shipped" "$(get '/nl/orders.json?shipmentStatus=partially_shipped' | py '[o["number"] for o in d["orders"]]')" "['ORD00003']"
is "shipmentStatus=cancelled" "$(get '/nl/orders.json?shipmentStatus=cancelled' | py '[o["number"] for o in d["orders"]]')" "['ORD00006']"
is "paymentStatus=partially_paid" "$(get '/nl/orders.json?paymentStatus=partially_paid' | py '[o["number"] for o in d["orders"]]')" "['ORD00005']"
is "paymentStatus=not_paid" "$(get '/nl/orders.json?paymentStatus=not_paid' | py '[o["number"] for o in d["orders"]]')" "['ORD00004']"
is "number=ORD00007" "$(get '/nl/orders.json?number=ORD00007' | py '[o["id"] for o in d["orders"]]')" "[315960031]"
is "email=" "$(get '/nl/orders.json?email=fleur@example.nl' | py '[o["number"] for o in d["orders"]]')" "['ORD00005']"
is "created_at_min/max inclusive" \
	"$(get '/nl/orders.json?created_at_min=2025-02-03%2016:45:00&created_at_max=2025-03-01%2012:00:00' | py '[o["number"] for o in d["orders"]]')" \
	"['ORD00003', 'ORD00004', 'ORD00005']"
is "updated_at_min" "$(get '/nl/orders.json?updated_at_min=2025-11-01%2000:00:00' | py '[o["number"] for o in d["orders"]]')" "['ORD00012']"
is "updated_at_max" "$(get '/nl/orders.json?updated_at_max=2025-01-08%2014:02:11' | py '[o["number"] for o in d["orders"]]')" "['ORD00001']"
is "ISO 8601 date: 400" "$(code '/nl/orders.json?created_at_min=2025-01-01T00:00:00Z')" 400
is "31 June: 400" "$(code '/nl/orders.json?created_at_min=2025-06-31%2000:00:00')" 400
is "count.json takes the filters" "$(get '/nl/orders/count.json?status=cancelled&created_at_min=2025-03-01%2000:00:00' | py 'd["count"]')" 1

# ------------------------------------------------------------ orders: shape
o=$(get /nl/orders/315960017.json)
is "one order: envelope order, number, times" \
	"$(echo "$o" | py 'd["order"]["number"], d["order"]["createdAt"], d["order"]["updatedAt"]')" \
	"('ORD00003', '2025-02-03T16:45:00+00:00', '2025-02-05T08:00:00+00:00')"
is "one order: non-ASCII name, country, total" \
	"$(echo "$o" | py 'd["order"]["firstname"], d["order"]["addressBillingCity"], d["order"]["addressShippingCountry"]["code"], d["order"]["priceIncl"]')" \
	"('Jürgen', 'Köln', 'de', 71.35)"
is "one order: lines embedded, qty shipped (partial)" \
	"$(echo "$o" | py '[(p["sku"], p["quantityOrdered"], p["quantityShipped"], p["priceIncl"]) for p in d["order"]["products"]["resource"]["embedded"]]')" \
	"[('TS-RED-M', 2, 1, 39.9), ('PST-A2-AMS', 1, 0, 24.5)]"
is "one order: two shipments embedded, one shipped with a code" \
	"$(echo "$o" | py '[(s["number"], s["status"], s["trackingCode"]) for s in d["order"]["shipments"]["resource"]["embedded"]]')" \
	"[('SHIP00003', 'shipped', 'JVGL0000000000000003'), ('SHIP00004', 'not_shipped', '')]"
is "one order: carrier is shipmentTitle, shipmentStatus partially_shipped" \
	"$(echo "$o" | py 'd["order"]["shipmentTitle"], d["order"]["shipmentStatus"]')" "('DHL Paket', 'partially_shipped')"
is "list items carry links, not embedded" \
	"$(get '/nl/orders.json?limit=1' | py 'sorted(d["orders"][0]["products"]["resource"]), d["orders"][0]["shipments"]["resource"]["url"]')" \
	"(['id', 'link', 'url'], 'shipments?order=315960011')"
is "link is absolute, .json" \
	"$(get '/nl/orders.json?limit=1' | py 'd["orders"][0]["products"]["resource"]["link"]')" \
	"$base/nl/orders/315960011/products.json"
is "a line without SKU and without variant" \
	"$(get /nl/orders/315960047/products.json | py '[(p["sku"], p["productTitle"], p["variant"]) for p in d["orderProducts"]]')" \
	"[('', 'Cadeaubon (eigen bedrag)', False)]"
is "a variant line with an empty SKU (gift card)" \
	"$(get /nl/orders/315960043/products.json | py '[p["sku"] for p in d["orderProducts"]]')" "['TS-RED-M', '', 'MUG-BLU']"
is "orders/{id}/products/count.json" "$(get /nl/orders/315960043/products/count.json)" '{"count":3}'
is "orders/{id}/products/{pid}.json" "$(get /nl/orders/315960043/products/41000014.json | py 'd["orderProduct"]["quantityOrdered"]')" 2
is "multi-shipment order, both shipped" \
	"$(get '/nl/shipments.json?order=315960043' | py '[(s["status"], s["trackingCode"]) for s in d["shipments"]]')" \
	"[('shipped', 'JVGL0000000000000011'), ('shipped', 'JVGL0000000000000012')]"
is "shipment products" \
	"$(get /nl/shipments/51000011/products.json | py '[(p["sku"], p["quantity"]) for p in d["shipmentProducts"]]')" \
	"[('TS-RED-M', 1), ('', 1)]"
is "shipments.json?status=not_shipped count" "$(get '/nl/shipments/count.json?status=not_shipped' | py 'd["count"]')" 7
is "cancelled order: shipment cancelled" "$(get /nl/shipments/51000007.json | py 'd["shipment"]["status"]')" cancelled
is "unknown order: 404" "$(code /nl/orders/1.json)" 404
is "emoji in comment" "$(get /nl/orders/315960053.json | py 'd["order"]["comment"][-1] == chr(0x1F381)')" True

# ------------------------------------------------------------ products, variants
is "products: 7, one hidden" \
	"$(get /nl/products.json | py 'len(d["products"]), [p["title"] for p in d["products"] if not p["isVisible"]]')" \
	"(7, ['Pet zwart'])"
is "variants: 10, ascending" "$(get /nl/variants/count.json)" '{"count":10}'
is "variant fields" \
	"$(get /nl/variants/30010011.json | py '[d["variant"][k] for k in ("sku", "ean", "stockLevel", "stockTracking", "title")], d["variant"]["product"]["resource"]["id"]')" \
	"(['MUG-BLU', '8718526000045', 40, 'enabled', 'Default'], 20010002)"
is "variants?sku=" "$(get '/nl/variants.json?sku=CAP-BLK' | py '[v["id"] for v in d["variants"]]')" "[30010021]"
is "variants?ean=" "$(get '/nl/variants.json?ean=8718526012347' | py '[v["sku"] for v in d["variants"]]')" "['8718526012347']"
is "variants?product=" "$(get '/nl/variants.json?product=20010001' | py '[v["sku"] for v in d["variants"]]')" "['TS-RED-M', 'TS-RED-L', 'TS-RED-XL']"
is "stockTracking disabled and indicator present" \
	"$(get '/nl/variants.json?limit=250' | py 'sorted({v["stockTracking"] for v in d["variants"]})')" \
	"['disabled', 'enabled', 'indicator']"
is "variants paging limit=4 page=3" "$(get '/nl/variants.json?limit=4&page=3' | py '[v["id"] for v in d["variants"]]')" "[30010061, 30010062]"

# ------------------------------------------------------------ stock writes
r=$(put /nl/variants/30010011.json --data '{"variant":{"stockLevel":33}}')
is "PUT variant stockLevel: answer is the variant" "$(echo "$r" | py 'd["variant"]["stockLevel"]')" 33
is "the level is stored" "$(get /nl/variants/30010011.json | py 'd["variant"]["stockLevel"]')" 33
is "write counted for the SKU" "$(writes | py 'd.get("MUG-BLU")')" 1
is "stockLevel as a string: 400" "$(putcode /nl/variants/30010011.json --data '{"variant":{"stockLevel":"5"}}')" 400
is "stockLevel negative: 400" "$(putcode /nl/variants/30010011.json --data '{"variant":{"stockLevel":-1}}')" 400
is "stockLevel 1.5: 400" "$(putcode /nl/variants/30010011.json --data '{"variant":{"stockLevel":1.5}}')" 400
is "no envelope: 400" "$(putcode /nl/variants/30010011.json --data '{"stockLevel":5}')" 400
is "not JSON: 400" "$(putcode /nl/variants/30010011.json --data 'stockLevel=5')" 400
is "another field: 400" "$(putcode /nl/variants/30010011.json --data '{"variant":{"stockLevel":5,"priceIncl":1}}')" 400
is "unknown variant: 404" "$(putcode /nl/variants/99.json --data '{"variant":{"stockLevel":5}}')" 404
is "refused writes are not counted" "$(writes | py 'd.get("MUG-BLU")')" 1
put /nl/variants/30010031.json --data '{"variant":{"stockLevel":4}}' >/dev/null
is "empty SKU counted as #id" "$(writes | py 'd.get("#30010031")')" 1
is "variants/bulk: 400 not emulated" "$(put /nl/variants/bulk.json --data '{"variant":[{"id":30010011,"stockLevel":1}]}' | py 'd["error"]["code"], "not emulated" in d["error"]["message"]')" "(400, True)"

# ------------------------------------------------------------ completing
r=$(put /nl/shipments/51000002.json --data '{"shipment":{"status":"shipped","trackingCode":"3SABCD0000002","doNotifyShipped":false,"doNotifyTrackingCode":false}}')
is "PUT shipment shipped: answer" "$(echo "$r" | py 'd["shipment"]["status"], d["shipment"]["trackingCode"]')" "('shipped', '3SABCD0000002')"
o=$(get /nl/orders/315960013.json)
is "order: lines shipped, shipmentStatus shipped, status unchanged" \
	"$(echo "$o" | py '[p["quantityShipped"] for p in d["order"]["products"]["resource"]["embedded"]], d["order"]["shipmentStatus"], d["order"]["status"]')" \
	"([1, 3], 'shipped', 'processing_awaiting_shipment')"
is "PUT order completed_shipped" \
	"$(put /nl/orders/315960013.json --data '{"order":{"status":"completed_shipped"}}' | py 'd["order"]["status"]')" completed_shipped
is "already completed: another status 400" "$(putcode /nl/orders/315960013.json --data '{"order":{"status":"processing_awaiting_shipment"}}')" 400
is "already completed: same status again 200" "$(putcode /nl/orders/315960013.json --data '{"order":{"status":"completed_shipped"}}')" 200
is "shipped shipment cannot be un-shipped" "$(putcode /nl/shipments/51000002.json --data '{"shipment":{"status":"not_shipped"}}')" 400
is "shipped again: only the code changes, 200" "$(putcode /nl/shipments/51000002.json --data '{"shipment":{"status":"shipped","trackingCode":"3SABCD0000009"}}')" 200
is "writes: shipment twice, order twice" "$(writes | py 'd.get("shipment 51000002"), d.get("order 315960013")')" "(2, 2)"
is "no mail without doNotify" "$(curl -s "$base/_sandbox/mail")" "[]"
is "cancelled order: shipment PUT 400" "$(putcode /nl/shipments/51000007.json --data '{"shipment":{"status":"shipped"}}')" 400
is "cancelled order: status PUT 400" "$(putcode /nl/orders/315960029.json --data '{"order":{"status":"completed_shipped"}}')" 400
is "completed_shipped while not shipped: 400" "$(putcode /nl/orders/315960019.json --data '{"order":{"status":"completed_shipped"}}')" 400
is "picked up without ready_for_pickup: 400" "$(putcode /nl/orders/315960031.json --data '{"order":{"status":"completed_picked_up"}}')" 400
is "picked up from ready_for_pickup: 200" "$(putcode /nl/orders/315960037.json --data '{"order":{"status":"completed_picked_up","shipmentStatus":"shipped"}}')" 200
is "status not in the enum: 400" "$(putcode /nl/orders/315960019.json --data '{"order":{"status":"shipped"}}')" 400
is "shipment carrier field: 400" "$(putcode /nl/shipments/51000005.json --data '{"shipment":{"status":"shipped","carrier":"postnl"}}')" 400
is "shipment cancelled by PUT: 400" "$(putcode /nl/shipments/51000005.json --data '{"shipment":{"status":"cancelled"}}')" 400
is "refusals wrote nothing" "$(writes | py 'd.get("shipment 51000005"), d.get("order 315960029")')" "(None, None)"
r=$(put /nl/shipments/51000004.json --data '{"shipment":{"status":"shipped","trackingCode":"JVGL0000000000000004","doNotifyShipped":true,"doNotifyTrackingCode":true}}')
is "partial order's second shipment: order now shipped" "$(get /nl/orders/315960017.json | py 'd["order"]["shipmentStatus"]')" shipped
is "doNotify mails the customer" "$(curl -s "$base/_sandbox/mail" | py '[m["template"] for m in d]')" "['shipped', 'tracking_code']"
is "shipmentStatus shipped on the order ships the rest" \
	"$(put /nl/orders/315960053.json --data '{"order":{"status":"completed_shipped","shipmentStatus":"shipped"}}' | py 'd["order"]["status"], d["order"]["shipmentStatus"]')" \
	"('completed_shipped', 'shipped')"
is "cancel an open order: its shipment cancelled" \
	"$(put /nl/orders/315960023.json --data '{"order":{"status":"cancelled"}}' >/dev/null; get /nl/shipments/51000006.json | py 'd["shipment"]["status"]')" cancelled
is "orders/checkout: not emulated, 404" "$(code /nl/checkouts.json -X POST --data '{}')" 404

# ------------------------------------------------------------ faults, reset
fault '[{"path":"/nl/orders.json","kind":"500"}]'
is "fault 500: Lightspeed's error body" "$(get /nl/orders.json | py 'd["error"]["code"], d["error"]["message"]')" "(500, 'Internal server error.')"
fault '[{"path":"/nl/variants/30010001.json","kind":"change","change":{"sku":"TS-RED-M","stockLevel":3}}]'
is "fault change: a sale before the read" "$(get /nl/variants/30010001.json | py 'd["variant"]["stockLevel"]')" 3
is "a bad change is refused" "$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary '[{"path":"/","kind":"change","change":{"x":1}}]' "$base/_sandbox/faults")" 400
curl -s -X POST "$base/_sandbox/reset"
is "reset: writes cleared" "$(writes)" "{}"
is "reset: data reloaded" "$(get /nl/variants/30010011.json | py 'd["variant"]["stockLevel"]')" 40
is "state holds orders and variants" "$(curl -s "$base/_sandbox/state" | py 'len(d["orders"]), len(d["variants"])')" "(12, 10)"

# ------------------------------------------------------------ rate limits
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_rate
h=$(headers /nl/orders/count.json)
is "X-RateLimit-Limit is a triplet" "$(echo "$h" | hdr X-RateLimit-Limit)" "3/50/60"
is "X-RateLimit-Remaining counts down every window" "$(echo "$h" | hdr X-RateLimit-Remaining)" "2/49/59"
is "X-RateLimit-Reset: three whole seconds" \
	"$(echo "$h" | hdr X-RateLimit-Reset | grep -cE '^[0-9]+/[0-9]+/[0-9]+$')" 1
code /nl/orders/count.json >/dev/null
h=$(headers /nl/orders/count.json)
is "last request of the window: Remaining 0" "$(echo "$h" | hdr X-RateLimit-Remaining)" "0/47/57"
# shellcheck disable=SC2154
h=$(curl -s -D "$tmp/h429" -u "$key:$secret" "$base/nl/orders/count.json")
is "window spent: 429 in Lightspeed's shape" "$(echo "$h" | py 'd["error"]["code"], d["error"]["message"]')" "(429, 'Too many requests.')"
is "429 status line" "$(head -1 "$tmp/h429" | cut -d' ' -f2)" 429
is "429 carries the triplets, not counted" "$(tr -d '\r' <"$tmp/h429" | hdr X-RateLimit-Remaining)" "0/47/57"
is "429 has no Retry-After" "$(grep -ci '^retry-after' "$tmp/h429")" 0
is "account/ratelimit.json is counted too: 429" "$(code /nl/account/ratelimit.json)" 429
is "401 still 401 when spent" "$(curl -s -o /dev/null -w '%{http_code}' "$base/nl/orders.json")" 401

# shellcheck disable=SC2154
base=http://127.0.0.1:$port_sec
is "languages=de: nl is inactive" "$(code /nl/shop.json)" 404
# Six at once from one curl (--parallel), not one after another: a busy
# machine could spread sequential requests over three seconds.
n429=$(curl -s -Z --parallel-max 6 -u "$key:$secret" -o /dev/null -o /dev/null \
	-o /dev/null -o /dev/null -o /dev/null -o /dev/null -w '%{http_code}\n' \
	"$base/de/shop.json" "$base/de/shop.json" "$base/de/shop.json" \
	"$base/de/shop.json" "$base/de/shop.json" "$base/de/shop.json" | grep -c 429)
if [ "$n429" -ge 1 ]; then
	ok "per_second=2: six requests at once meet a 429"
else
	not_ok "per_second=2: six requests at once meet a 429" "got no 429"
fi
is "account/ratelimit.json shape" \
	"$(sleep 1; get /de/account/ratelimit.json | py 'sorted(d["accountRatelimit"]), sorted(d["accountRatelimit"]["limitDay"])')" \
	"(['limit5Min', 'limitDay', 'limitHour'], ['limit', 'remaining', 'reset', 'resetTime'])"

# ------------------------------------------------------------ generated
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_gen
is "generate: 300 orders, 600 variants" \
	"$(get /nl/orders/count.json | py 'd["count"]') $(get /nl/variants/count.json | py 'd["count"]')" "300 600"
is "generate: every status present" \
	"$(for s in on_hold processing_awaiting_payment processing_awaiting_shipment processing_awaiting_pickup processing_ready_for_pickup completed completed_shipped completed_picked_up cancelled; do get "/nl/orders/count.json?status=$s" | py 'd["count"] > 0'; done | sort -u)" True
is "generate: SKUs unique" "$(get '/nl/variants.json?limit=250&page=2' | py 'len({v["sku"] for v in d["variants"]})')" 250
p1=$(get '/nl/variants.json?limit=250' | py 'd["variants"][-1]["id"]')
is "generate: since_id paging continues" "$(get "/nl/variants.json?limit=250&since_id=$p1" | py 'len(d["variants"])') $(get "/nl/variants/count.json?since_id=$p1" | py 'd["count"]')" "250 350"
is "generate: hidden products and untracked variants" \
	"$(get '/nl/products.json?limit=250' | py 'any(p["visibility"] == "hidden" for p in d["products"])') $(get '/nl/variants.json?limit=250' | py 'any(v["stockTracking"] == "disabled" for v in d["variants"])')" "True True"
first=$(get '/nl/orders.json?limit=1&status=completed_shipped' | py 'd["orders"][0]["id"]')
is "generate: a completed order has a shipped shipment with a code" \
	"$(get "/nl/shipments.json?order=$first" | py 'd["shipments"][0]["status"], bool(d["shipments"][0]["trackingCode"])')" "('shipped', True)"

# ------------------------------------------------------------ bad data
mkdir "$tmp/bad"
printf '[{"id":1,"title":"x","visibility":"secret","createdAt":"2025-01-01T00:00:00+00:00","updatedAt":"2025-01-01T00:00:00+00:00","variants":[]}]' >"$tmp/bad/products.json"
python3 "$here/sandbox.py" --platform lightspeed --data "$tmp/bad" --port 0 2>"$tmp/bad.err"
is "bad seed: exit 2" "$?" 2
is "bad seed: names file and field" "$(grep -c 'products.json: product 1: visibility' "$tmp/bad.err")" 1
python3 "$here/sandbox.py" --platform lightspeed --set languages=xx --port 0 2>/dev/null
is "--set languages=xx: exit 2" "$?" 2

# shellcheck disable=SC2154
echo "1..$n"
# shellcheck disable=SC2154
[ "$failed" -eq 0 ]
