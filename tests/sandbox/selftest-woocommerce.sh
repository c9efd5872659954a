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

start seed --data "$seed"
start gen --generate orders=250,products=40
start rate --data "$seed" --rate-limit 3 --rate-window 30

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
is "after with Z compares with date_created_gmt" \
	"$(get '/orders?after=2025-10-26T01:29:59Z&orderby=id&order=asc' | py '[o["id"] for o in d]')" "[10240, 10241]"
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
python3 "$here/sandbox.py" --platform picqer --data "$here/data/picqer" --api-secret x --port 0 2>/dev/null
is "--api-secret refused for picqer" "$?" 2

# ------------------------------------------------------------ SIGTERM
# shellcheck disable=SC2154
kill "$pid_seed"
wait "$pid_seed"
is "SIGTERM: exits 0" "$?" 0

echo "1..$n"
[ "$failed" -eq 0 ]
