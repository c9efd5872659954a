#!/bin/sh
# selftest-shopware.sh: the sandbox's own tests for the Shopware 6 Admin
# API emulation.  Starts tests/sandbox/sandbox.py --platform shopware on
# free ports, checks it with curl and prints TAP.  Exits 1 when a check
# fails, 2 when the sandbox cannot be started at all.
set -u

here=$(cd "$(dirname "$0")" && pwd)
seed=$here/data/shopware
cid=SWIASANDBOXCLIENT0000000001
csec=sandbox-secret
platform=shopware
# shellcheck source=tests/sandbox/selftest-lib.sh
. "$here/selftest-lib.sh"

# token [BASE]: a fresh access token.
token() {
	curl -s -X POST -H 'Content-Type: application/json' \
		--data "{\"grant_type\":\"client_credentials\",\"client_id\":\"$cid\",\"client_secret\":\"$csec\"}" \
		"${1:-$base}/api/oauth/token" | py 'd["access_token"]'
}
# api METHOD PATH [CURL ARGS]: the body, with the token and Accept: JSON.
api() {
	m=$1
	p=$2
	shift 2
	curl -sS -X "$m" -H "Authorization: Bearer $tok" -H 'Accept: application/json' \
		-H 'Content-Type: application/json' "$@" "$base$p"
}
# st METHOD PATH [CURL ARGS]: the status code only.
st() {
	m=$1
	p=$2
	shift 2
	curl -s -o /dev/null -w '%{http_code}' -X "$m" -H "Authorization: Bearer $tok" \
		-H 'Accept: application/json' -H 'Content-Type: application/json' "$@" "$base$p"
}
orders() {
	api POST /api/search/order --data "$1"
}
products() {
	q=$1
	shift
	api POST /api/search/product --data "$q" "$@"
}
writes() {
	curl -s "$base/_sandbox/writes"
}
oauth() {
	curl -s -X POST -H 'Content-Type: application/json' --data "$1" "$base/api/oauth/token"
}

start seed --data "$seed"
start ttl --data "$seed" --set token_ttl=1
start lim --data "$seed" --set oauth_limits=2/30,3/60
start small --data "$seed" --set sync_max_rows=3 --set max_limit=4
start rate --data "$seed" --rate-limit 2 --rate-window 30
start gen --generate orders=300,products=10000

# ------------------------------------------------------------ auth
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_seed
h=$(curl -s -D - -o "$tmp/tok.json" -X POST -H 'Content-Type: application/json' \
	--data "{\"grant_type\":\"client_credentials\",\"client_id\":\"$cid\",\"client_secret\":\"$csec\"}" \
	"$base/api/oauth/token" | tr -d '\r')
is "token: 200 Bearer, expires_in 600, a JWT" \
	"$(py '(d["token_type"], d["expires_in"], d["access_token"].count("."), sorted(d))' <"$tmp/tok.json")" \
	"('Bearer', 600, 2, ['access_token', 'expires_in', 'token_type'])"
is "token: pragma no-cache, cache-control no-store" \
	"$(echo "$h" | grep -ci '^pragma: no-cache\|^cache-control: no-store')" 2
tok=$(py 'd["access_token"]' <"$tmp/tok.json")
is "token: a form body works too" \
	"$(curl -s -X POST --data "grant_type=client_credentials&client_id=$cid&client_secret=$csec" "$base/api/oauth/token" | py 'd["token_type"]')" Bearer
is "token: client credentials as HTTP Basic" \
	"$(curl -s -X POST -u "$cid:$csec" --data 'grant_type=client_credentials' "$base/api/oauth/token" | py 'd["token_type"]')" Bearer
is "token: a wrong secret is 401 invalid_client (league code 4)" \
	"$(curl -s -w ' %{http_code}' -X POST -H 'Content-Type: application/json' --data "{\"grant_type\":\"client_credentials\",\"client_id\":\"$cid\",\"client_secret\":\"x\"}" "$base/api/oauth/token")" \
	'{"errors":[{"code":"4","status":"401","title":"Client authentication failed","detail":null}]} 401'
is "token: an unknown client_id is 401" \
	"$(curl -s -o /dev/null -w '%{http_code}' -X POST --data 'grant_type=client_credentials&client_id=SWIANOPE&client_secret=x' "$base/api/oauth/token")" 401
is "token: no client_id is 400 invalid_request" \
	"$(oauth '{"grant_type":"client_credentials"}' | py '(d["errors"][0]["code"], d["errors"][0]["status"], d["errors"][0]["detail"])')" \
	"('3', '400', 'Check the \`client_id\` parameter')"
is "token: grant_type password is 400 unsupported_grant_type" \
	"$(oauth '{"grant_type":"password","username":"admin","password":"shopware"}' | py 'd["errors"][0]["code"], d["errors"][0]["title"]')" \
	"('2', 'The authorization grant type is not supported by the authorization server.')"
is "no Authorization header: 401 access denied (code 9)" \
	"$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Accept: application/json' "$base/api/search/order") $(curl -s -X POST "$base/api/search/order" | py '(d["errors"][0]["code"], d["errors"][0]["detail"])')" \
	"401 ('9', 'Missing \"Authorization\" header')"
is "error JSON as Symfony writes it: quotes as \\u0022" \
	"$(curl -s -X POST "$base/api/search/order" | grep -c 'Missing \\u0022Authorization\\u0022 header')" 1
is "Bearer and nothing: Missing token" \
	"$(curl -s -X POST -H 'Authorization: Bearer ' "$base/api/search/order" | py 'd["errors"][0]["detail"]')" \
	'Missing token in "Authorization" header'
is "a token that is no JWT" \
	"$(curl -s -X POST -H 'Authorization: Bearer abc' "$base/api/search/order" | py 'd["errors"][0]["detail"]')" \
	"The JWT string must have two dots"
is "a JWT the shop did not sign: could not be verified" \
	"$(curl -s -X POST -H 'Authorization: Bearer a.b.c' "$base/api/search/order" | py '(d["errors"][0]["code"], d["errors"][0]["title"], d["errors"][0]["detail"])')" \
	"('9', 'The resource owner or authorization server denied the request.', 'Access token could not be verified')"
# shellcheck disable=SC2154
tbase=http://127.0.0.1:$port_ttl
old=$(token "$tbase")
is "token_ttl=1: expires_in 1" \
	"$(curl -s -X POST -u "$cid:$csec" --data 'grant_type=client_credentials' "$tbase/api/oauth/token" | py 'd["expires_in"]')" 1
sleep 1.2
is "an expired token: 401 could not be verified" \
	"$(curl -s -X POST -H "Authorization: Bearer $old" -H 'Accept: application/json' "$tbase/api/search/order" | py 'd["errors"][0]["detail"]')" \
	"Access token could not be verified"
is "an unknown route answers 404 before auth (Symfony's, code 0)" \
	"$(curl -s -w ' %{http_code}' "$base/api/customer-nope" | sed 's/^.*"code":"\([^"]*\)".* \([0-9]*\)$/\2 \1/')" "404 0"
h=$(curl -s -D - -o /dev/null -X GET "$base/api/_action/sync" | tr -d '\r')
is "a wrong method: 405 with Allow" "$(echo "$h" | head -1 | cut -d' ' -f2) $(echo "$h" | grep -i '^allow:')" "405 Allow: POST"
is "no rate-limit headers" "$(curl -s -D - -o /dev/null -X POST -H "Authorization: Bearer $tok" -H 'Accept: application/json' "$base/api/search/order" | grep -ci 'ratelimit')" 0

# ------------------------------------------------------------ the oauth limiter
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_lim
bad='{"grant_type":"client_credentials","client_id":"'$cid'","client_secret":"wrong"}'
good='{"grant_type":"client_credentials","client_id":"'$cid'","client_secret":"'$csec'"}'
k=0
while [ "$k" -lt 5 ]; do
	oauth "$good" >/dev/null
	k=$((k + 1))
done
is "a token per request is never throttled (a success resets the limiter)" \
	"$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data "$good" "$base/api/oauth/token")" 200
is "failed grants 1 and 2 (limit 2): 401 each" \
	"$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data "$bad" "$base/api/oauth/token") $(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data "$bad" "$base/api/oauth/token")" \
	"401 401"
h=$(curl -s -D - -o "$tmp/thr.json" -X POST -H 'Content-Type: application/json' --data "$good" "$base/api/oauth/token" | tr -d '\r')
is "the third attempt, even a good one: 429 FRAMEWORK__AUTH_THROTTLED" \
	"$(echo "$h" | head -1 | cut -d' ' -f2) $(py '(d["errors"][0]["code"], d["errors"][0]["status"], d["errors"][0]["title"])' <"$tmp/thr.json")" \
	"429 ('FRAMEWORK__AUTH_THROTTLED', '429', 'Too Many Requests')"
is "the 429 says how long: meta.parameters.seconds in the detail" \
	"$(py 'd["errors"][0]["detail"] == "Auth throttled for %d seconds." % d["errors"][0]["meta"]["parameters"]["seconds"] and d["errors"][0]["meta"]["parameters"]["seconds"] > 0' <"$tmp/thr.json")" True
is "no Retry-After on it" "$(echo "$h" | grep -ci '^retry-after')" 0
tok=$(token "http://127.0.0.1:$port_seed")

# ------------------------------------------------------------ Accept
base=http://127.0.0.1:$port_seed
is "no Accept header: Shopware's 415" \
	"$(curl -s -w ' %{http_code}' -X POST -H "Authorization: Bearer $tok" -H 'Accept:' "$base/api/search/order" | sed 's/^.*"detail":"\([^"]*\)".* \([0-9]*\)$/\2 \1/')" \
	"415 All provided media types are unsupported. ()"
is "Accept */* means JSON:API: refused, not emulated" \
	"$(curl -s -w ' %{http_code}' -X POST -H "Authorization: Bearer $tok" "$base/api/search/order" | sed 's/^.*"code":"\([^"]*\)".* \([0-9]*\)$/\2 \1/')" \
	"406 SANDBOX__JSONAPI_NOT_EMULATED"
is "Accept application/vnd.api+json: refused" \
	"$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $tok" -H 'Accept: application/vnd.api+json' "$base/api/search/order")" 406
is "Accept application/json, */*: simple JSON" \
	"$(curl -s -X POST -H "Authorization: Bearer $tok" -H 'Accept: application/json, */*' "$base/api/search/order" | py 'sorted(d)')" \
	"['aggregations', 'data', 'total']"

# ------------------------------------------------------------ orders: paging
is "no limit: max_limit (500) rows, total = rows on the page" \
	"$(orders '{}' | py '(d["total"], len(d["data"]), d["aggregations"])')" "(12, 12, [])"
is "limit 5, total-count-mode 1: the exact total" \
	"$(orders '{"limit":5,"page":1,"total-count-mode":1}' | py '(d["total"], len(d["data"]))')" "(12, 5)"
is "total-count-mode exact (by name)" "$(orders '{"limit":5,"total-count-mode":"exact"}' | py 'd["total"]')" 12
is "total-count-mode 0: total is the page's count" "$(orders '{"limit":5,"page":2}' | py 'd["total"]')" 5
is "page 3 of limit 5: 2 rows" \
	"$(orders '{"limit":5,"page":3,"sort":[{"field":"orderNumber"}]}' | py '[o["orderNumber"] for o in d["data"]]')" "['10011', '10012']"
is "total-count-mode 2 (next pages): up to limit*6+1 from the offset" \
	"$(orders '{"limit":1,"page":2,"total-count-mode":2}' | py '(d["total"], len(d["data"]))')" "(7, 1)"
is "page 2 without limit is offset 0 (Shopware computes limit 0 x (page-1))" \
	"$(orders '{"page":2,"sort":[{"field":"orderNumber"}]}' | py 'd["data"][0]["orderNumber"]')" 10001
is "limit 501: 400 FRAMEWORK__QUERY_LIMIT_EXCEEDED" \
	"$(orders '{"limit":501}' | py '[(e["status"], e["code"], e["detail"], e["source"]["pointer"], e["meta"]["parameters"]) for e in d["errors"]]')" \
	"[('400', 'FRAMEWORK__QUERY_LIMIT_EXCEEDED', 'The limit must be lower than or equal to MAX_LIMIT(=500). Given: 501', '/limit', {'maxLimit': 500, 'limit': 501})]"
is "limit 0 and page 0: two errors at once" \
	"$(orders '{"limit":0,"page":0}' | py '[(e["code"], e["source"]["pointer"]) for e in d["errors"]]')" \
	"[('FRAMEWORK__INVALID_LIMIT_QUERY', '/limit'), ('FRAMEWORK__INVALID_PAGE_QUERY', '/page')]"
is "limit \"x\": 400" "$(st POST /api/search/order --data '{"limit":"x"}')" 400

# ------------------------------------------------------------ orders: filters, sort
num() {
	py 'sorted(o["orderNumber"] for o in d["data"])'
}
is "order state equals completed" \
	"$(orders '{"filter":[{"type":"equals","field":"stateMachineState.technicalName","value":"completed"}]}' | num)" \
	"['10001', '10002', '10006', '10007', '10012']"
is "order state equalsAny open|cancelled (a | string)" \
	"$(orders '{"filter":[{"type":"equalsAny","field":"order.stateMachineState.technicalName","value":"open|cancelled"}]}' | num)" \
	"['10004', '10005', '10009', '10011']"
is "delivery state equalsAny open, shipped_partially (any delivery)" \
	"$(orders '{"filter":[{"type":"equalsAny","field":"deliveries.stateMachineState.technicalName","value":["open","shipped_partially"]}]}' | num)" \
	"['10003', '10004', '10008', '10009', '10010', '10011']"
is "every delivery state is in the seed" \
	"$(orders '{"associations":{"deliveries":{"associations":{"stateMachineState":{}}}}}' | py 'sorted({x["stateMachineState"]["technicalName"] for o in d["data"] for x in o["deliveries"]})')" \
	"['cancelled', 'open', 'returned', 'returned_partially', 'shipped', 'shipped_partially']"
is "range orderDateTime gte" \
	"$(orders '{"filter":[{"type":"range","field":"orderDateTime","parameters":{"gte":"2025-11-10T09:00:00+00:00"}}]}' | num)" \
	"['10010', '10011', '10012']"
is "range updatedAt gt and lt (an offset is honoured)" \
	"$(orders '{"filter":[{"type":"range","field":"updatedAt","parameters":{"gt":"2025-01-08T15:00:00+01:00","lt":"2025-02-03T12:00:00Z"}}]}' | num)" \
	"['10002']"
is "range with a date that is no time: 400" \
	"$(st POST /api/search/order --data '{"filter":[{"type":"range","field":"orderDateTime","parameters":{"gte":"yesterday"}}]}')" 400
is "multi OR of two equals" \
	"$(orders '{"filter":[{"type":"multi","operator":"or","queries":[{"type":"equals","field":"orderNumber","value":"10001"},{"type":"equals","field":"orderNumber","value":"10012"}]}]}' | num)" \
	"['10001', '10012']"
is "an unknown field: 400 FRAMEWORK__UNMAPPED_FIELD" \
	"$(orders '{"filter":[{"type":"equals","field":"deliveries.carrier","value":"x"}]}' | py '[(e["code"], e["detail"]) for e in d["errors"]]')" \
	"[('FRAMEWORK__UNMAPPED_FIELD', 'Field \"carrier\" in entity \"order_delivery\" was not found.')]"
is "equals without value: FRAMEWORK__INVALID_FILTER_QUERY at /filter/0/value" \
	"$(orders '{"filter":[{"type":"equals","field":"orderNumber"}]}' | py '[(e["code"], e["detail"], e["source"]["pointer"]) for e in d["errors"]]')" \
	"[('FRAMEWORK__INVALID_FILTER_QUERY', 'Parameter \"value\" for equals filter is missing.', '/filter/0/value')]"
is "an unknown filter type" \
	"$(orders '{"filter":[{"type":"bogus","field":"orderNumber","value":1}]}' | py 'd["errors"][0]["detail"]')" "Unsupported filter type: bogus"
is "contains is Shopware's but not emulated: 400" \
	"$(orders '{"filter":[{"type":"contains","field":"orderNumber","value":"1"}]}' | py 'd["errors"][0]["code"]')" SANDBOX__FILTER_NOT_EMULATED
is "sort orderDateTime DESC" \
	"$(orders '{"limit":3,"sort":[{"field":"orderDateTime","order":"DESC"}]}' | py '[o["orderNumber"] for o in d["data"]]')" \
	"['10012', '10011', '10010']"
is "an unknown association: 500 FRAMEWORK__ASSOCIATION_NOT_FOUND" \
	"$(orders '{"associations":{"shipments":{}}}' | py '(d["errors"][0]["status"], d["errors"][0]["code"])')" \
	"('500', 'FRAMEWORK__ASSOCIATION_NOT_FOUND')"

# ------------------------------------------------------------ orders: shape
full='"associations":{"lineItems":{},"orderCustomer":{},"currency":{},"stateMachineState":{},"addresses":{"associations":{"country":{}}},"deliveries":{"associations":{"stateMachineState":{},"positions":{},"shippingMethod":{},"shippingOrderAddress":{"associations":{"country":{}}}}}}'
one() {
	orders "{\"filter\":[{\"type\":\"equals\",\"field\":\"orderNumber\",\"value\":\"$1\"}],$full}" >"$tmp/o.json"
}
is "associations not asked for are null" \
	"$(orders '{"limit":1}' | py '[d["data"][0][k] for k in ("lineItems", "deliveries", "orderCustomer", "stateMachineState")]')" \
	"[None, None, None, None]"
one 10001
is "order: number, time, totals, currency, state, customer" \
	"$(py '(lambda o: (o["orderNumber"], o["orderDateTime"], o["amountTotal"], o["currency"]["isoCode"], o["stateMachineState"]["technicalName"], o["orderCustomer"]["email"], o["orderCustomer"]["firstName"], o["apiAlias"]))(d["data"][0])' <"$tmp/o.json")" \
	"('10001', '2025-01-07T09:15:02.000+00:00', 54.8, 'EUR', 'completed', 'zoe.mueller@example.de', 'Zoë', 'order')"
is "order: billing address with its country" \
	"$(py '[(a["street"], a["city"], a["country"]["iso"]) for a in d["data"][0]["addresses"] if a["id"] == d["data"][0]["billingAddressId"]][0]' <"$tmp/o.json")" \
	"('Domstraße 4', 'Köln', 'DE')"
is "order: lines with SKU (payload.productNumber), qty and total" \
	"$(py 'sorted((l["payload"].get("productNumber"), l["label"], l["quantity"], l["totalPrice"], l["type"]) for l in d["data"][0]["lineItems"])' <"$tmp/o.json")" \
	"[('MUG-BLU', 'Mok blauw', 1, 9.95, 'product'), ('TS-RED-M', 'T-shirt rood M', 2, 39.9, 'product')]"
is "order: delivery with carrier, tracking URL template, tracking code, positions" \
	"$(py '(lambda x: (x["shippingMethod"]["name"], x["shippingMethod"]["trackingUrl"], x["trackingCodes"], len(x["positions"]), x["updatedAt"]))(d["data"][0]["deliveries"][0])' <"$tmp/o.json")" \
	"('PostNL', 'https://jouw.postnl.nl/track-and-trace/%s', ['3SABCD1234567'], 2, '2025-01-08T13:59:00.000+00:00')"
one 10002
is "multi-shipment order: two deliveries, a position each" \
	"$(py 'sorted((x["shippingMethod"]["name"], x["trackingCodes"][0], [p["quantity"] for p in x["positions"]]) for x in d["data"][0]["deliveries"])' <"$tmp/o.json")" \
	"[('DHL', 'JVGL0123456789', [1]), ('PostNL', '3SABCD7654321', [2])]"
one 10004
is "a line without SKU: custom, no productId, payload {}" \
	"$(py '[(l["type"], l["productId"], l["payload"]) for l in d["data"][0]["lineItems"] if l["label"] == "Cadeauverpakking"]' <"$tmp/o.json")" \
	"[('custom', None, {})]"
one 10011
is "separate shipping address, GBP" \
	"$(py '(lambda o: (o["currency"]["isoCode"], o["deliveries"][0]["shippingOrderAddress"]["firstName"], o["deliveries"][0]["shippingOrderAddress"]["country"]["iso"]))(d["data"][0])' <"$tmp/o.json")" \
	"('GBP', 'Siobhán', 'IE')"
is "JSON as Symfony writes it: \\uXXXX, \\u0027, surrogate pairs" \
	"$(grep -c 'O\\u0027Brien' "$tmp/o.json") $(grep -c '\\ud83d\\udce6' "$tmp/o.json") $(grep -c 'Siobh\\u00e1n' "$tmp/o.json")" "1 1 1"
one 10007
is "JSON_HEX_QUOT and JSON_HEX_AMP: \\u0022 and \\u0026" \
	"$(grep -c 'Sticker \\u0022Zo\\u00eb\\u0022 \\u0026 co' "$tmp/o.json")" 1
one 10005
is "the cancelled order: order, delivery and payment cancelled" \
	"$(orders '{"filter":[{"type":"equals","field":"orderNumber","value":"10005"}],"associations":{"stateMachineState":{},"deliveries":{"associations":{"stateMachineState":{}}},"transactions":{"associations":{"stateMachineState":{}}}}}' | py '(lambda o: (o["stateMachineState"]["technicalName"], o["deliveries"][0]["stateMachineState"]["technicalName"], o["transactions"][0]["stateMachineState"]["technicalName"]))(d["data"][0])')" \
	"('cancelled', 'cancelled', 'cancelled')"

# ------------------------------------------------------------ products
pn() {
	py '[p["productNumber"] for p in d["data"]]'
}
is "products: 11 rows, parents and variants" \
	"$(products '{"total-count-mode":1,"sort":[{"field":"productNumber"}]}' | py '(d["total"], [p["productNumber"] for p in d["data"]][:4])')" \
	"(11, ['0042', '8718526012347', 'BAG-TOTE', 'CAP-BLK'])"
is "equalsAny productNumber" \
	"$(products '{"filter":[{"type":"equalsAny","field":"productNumber","value":["TS-RED-M","MUG-BLU","NOPE"]}],"sort":[{"field":"productNumber"}]}' | pn)" \
	"['MUG-BLU', 'TS-RED-M']"
is "includes: only those fields and apiAlias" \
	"$(products '{"includes":{"product":["productNumber","stock"]},"filter":[{"type":"equals","field":"productNumber","value":"MUG-BLU"}]}' | py 'd["data"]')" \
	"[{'productNumber': 'MUG-BLU', 'stock': 7, 'apiAlias': 'product'}]"
v='{"filter":[{"type":"equals","field":"productNumber","value":"TS-RED-M"}],"associations":{"parent":{}}}'
is "a variant: parentId, stock = availableStock, inherited fields null" \
	"$(products "$v" | py '(lambda p: (p["parentId"] == p["parent"]["id"], p["parent"]["childCount"], p["stock"], p["availableStock"], p["name"], p["ean"], p["active"]))(d["data"][0])')" \
	"(True, 3, 12, 12, None, None, None)"
is "sw-inheritance: the parent's name, ean and active" \
	"$(products "$v" -H 'sw-inheritance: 1' | py '(lambda p: (p["name"], p["ean"], p["active"], p["translated"]["name"]))(d["data"][0])')" \
	"('T-shirt rood', '8712345000018', True, 'T-shirt rood')"
is "sw-inheritance: 0 inherits too (only its presence counts)" \
	"$(products "$v" -H 'sw-inheritance: 0' | py 'd["data"][0]["name"]')" "T-shirt rood"
is "a variant's own ean wins" \
	"$(products '{"filter":[{"type":"equals","field":"productNumber","value":"TS-RED-L"}]}' -H 'sw-inheritance: 1' | py 'd["data"][0]["ean"]')" 8712345000032
is "active = false: the inactive ones" \
	"$(products '{"filter":[{"type":"equals","field":"active","value":false}],"sort":[{"field":"productNumber"}]}' | pn)" "['CAP-BLK', 'TS-RED-XL']"
is "isCloseout false: sold beyond stock (GIFT-25, 0042, BAG-TOTE at -2)" \
	"$(products '{"filter":[{"type":"equals","field":"isCloseout","value":false}],"sort":[{"field":"productNumber"}]}' | py '[(p["productNumber"], p["stock"]) for p in d["data"]]')" \
	"[('0042', 150), ('BAG-TOTE', -2), ('GIFT-25', 0)]"
is "products: a non-ASCII name" \
	"$(products '{"filter":[{"type":"equals","field":"productNumber","value":"GIFT-25"}]}' | py 'd["data"][0]["name"]')" "Cadeaubon € 25"

# ------------------------------------------------------------ sync: stock writes
sync() {
	api POST /api/_action/sync --data "$1"
}
mugid=$(products '{"filter":[{"type":"equals","field":"productNumber","value":"MUG-BLU"}]}' | py 'd["data"][0]["id"]')
tsid=$(products '{"filter":[{"type":"equals","field":"productNumber","value":"TS-RED-M"}]}' | py 'd["data"][0]["id"]')
is "sync: by resolver and by id, one answer" \
	"$(sync '[{"key":"stock","entity":"product","action":"upsert","payload":[{"id":{"resolver":"product.number","value":"TS-RED-M"},"stock":5},{"id":"'"$mugid"'","stock":0}]}]' | py '(sorted(d), sorted(d["data"]["product"]), d["notFound"], d["deleted"])')" \
	"(['data', 'deleted', 'extensions', 'notFound'], $(python3 -c "print(sorted(['$tsid', '$mugid']))"), [], [])"
is "sync: the stock shows in the search, availableStock too" \
	"$(products '{"filter":[{"type":"equalsAny","field":"productNumber","value":["TS-RED-M","MUG-BLU"]}],"sort":[{"field":"productNumber"}]}' | py '[(p["stock"], p["availableStock"]) for p in d["data"]]')" \
	"[(0, 0), (5, 5)]"
is "sync: writes counted per SKU" "$(writes)" '{"MUG-BLU": 1, "TS-RED-M": 1}'
is "sync: an unresolvable SKU fails the whole request (400)" \
	"$(sync '[{"key":"stock","entity":"product","action":"upsert","payload":[{"id":{"resolver":"product.number","value":"MUG-BLU"},"stock":9},{"id":{"resolver":"product.number","value":"NOPE-1"},"stock":1}]}]' | py '[(e["status"], e["code"], e["detail"], e["meta"]["parameters"]) for e in d["errors"]]')" \
	"[('400', 'FRAMEWORK__API_INVALID_SYNC_RESOLVERS', 'Can not resolve foreign key at position stock/1/id. Reference field: product.id', {'pointer-0': 'stock/1/id', 'field-0': 'product.id'})]"
is "sync: ... and nothing of it was written" "$(writes)" '{"MUG-BLU": 1, "TS-RED-M": 1}'
is "sync: the resolver matches case and all (ts-red-m is not TS-RED-M)" \
	"$(sync '[{"entity":"product","action":"upsert","payload":[{"id":{"resolver":"product.number","value":"ts-red-m"},"stock":1}]}]' | py 'd["errors"][0]["detail"]')" \
	"Can not resolve foreign key at position 0/0/id. Reference field: product.id"
is "sync: fail-on-error: false changes nothing (removed in 6.5)" \
	"$(st POST /api/_action/sync -H 'fail-on-error: false' --data '[{"entity":"product","action":"upsert","payload":[{"id":{"resolver":"product.number","value":"MUG-BLU"},"stock":2},{"id":{"resolver":"product.number","value":"NOPE"},"stock":1}]}]') $(writes)" \
	'400 {"MUG-BLU": 1, "TS-RED-M": 1}'
is "sync: stock \"5\" is not an int (pointer /KEY/i/stock)" \
	"$(sync '{"stock-updates":{"entity":"product","action":"upsert","payload":[{"id":"'"$mugid"'","stock":"5"}]}}' | py '[(e["code"], e["detail"], e["source"]["pointer"], e["meta"]["parameters"]) for e in d["errors"]]')" \
	"[('ba785a8c-82cb-4283-967c-3cf342181b40', 'This value should be of type int.', '/stock-updates/0/stock', {'{{ value }}': '\"5\"', '{{ type }}': 'int'})]"
is "sync: an id that does not exist is an insert: required fields" \
	"$(sync '[{"key":"s","entity":"product","action":"upsert","payload":[{"id":"0123456789abcdef0123456789abcdef","stock":1}]}]' | py '[e["source"]["pointer"] for e in d["errors"]]')" \
	"['/s/0/taxId', '/s/0/price', '/s/0/productNumber', '/s/0/name']"
is "sync: an id that is no UUID" \
	"$(sync '[{"entity":"product","action":"upsert","payload":[{"id":"TS-RED-M","stock":1}]}]' | py '[(e["code"], e["detail"], e["source"]["pointer"]) for e in d["errors"]]')" \
	"[('FRAMEWORK__WRITE_CONSTRAINT_VIOLATION', 'The string \"TS-RED-M\" is not a valid uuid.', '/0/0/id')]"
is "sync: a missing action" \
	"$(sync '[{"entity":"product","payload":[{"stock":1}]}]' | py '(d["errors"][0]["code"], d["errors"][0]["detail"])')" \
	"('FRAMEWORK__INVALID_SYNC_OPERATION', 'Missing or invalid \"action\" argument for operation with key \"0\". Supported actions are [upsert, delete]')"
is "sync: an unknown resolver" \
	"$(sync '[{"entity":"product","action":"upsert","payload":[{"id":{"resolver":"product.ean","value":"1"},"stock":1}]}]' | py 'd["errors"][0]["code"]')" API_RESOLVER_NOT_FOUND_EXCEPTION
is "sync: negative stock is allowed" \
	"$(st POST /api/_action/sync --data '[{"entity":"product","action":"upsert","payload":[{"id":{"resolver":"product.number","value":"BAG-TOTE"},"stock":-3}]}]')" 200
is "sync: a SKU twice in one request: listed once, counted twice" \
	"$(sync '[{"entity":"product","action":"upsert","payload":[{"id":{"resolver":"product.number","value":"0042"},"stock":1},{"id":{"resolver":"product.number","value":"0042"},"stock":2}]}]' | py 'len(d["data"]["product"])') $(writes | py 'd["0042"]')" "1 2"
is "sync: other entities are not emulated" \
	"$(sync '[{"entity":"order_delivery","action":"upsert","payload":[{"id":"x"}]}]' | py 'd["errors"][0]["code"]')" SANDBOX__SYNC_NOT_EMULATED
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_small
tok=$(token)
four='[{"entity":"product","action":"upsert","payload":[{"id":{"resolver":"product.number","value":"MUG-BLU"},"stock":1},{"id":{"resolver":"product.number","value":"0042"},"stock":1},{"id":{"resolver":"product.number","value":"GIFT-25"},"stock":1},{"id":{"resolver":"product.number","value":"CAP-BLK"},"stock":1}]}]'
is "sync_max_rows=3: four rows are 413, nothing written" \
	"$(api POST /api/_action/sync --data "$four" -w ' %{http_code}' | sed 's/^.*"code":"\([^"]*\)".* \([0-9]*\)$/\2 \1/') $(writes)" "413 SANDBOX__SYNC_TOO_LARGE {}"
is "sync_max_rows=3: three rows pass" \
	"$(st POST /api/_action/sync --data '[{"entity":"product","action":"upsert","payload":[{"id":{"resolver":"product.number","value":"MUG-BLU"},"stock":1},{"id":{"resolver":"product.number","value":"0042"},"stock":1},{"id":{"resolver":"product.number","value":"GIFT-25"},"stock":1}]}]')" 200
is "max_limit=4: limit 5 is refused" \
	"$(orders '{"limit":5}' | py 'd["errors"][0]["detail"]')" "The limit must be lower than or equal to MAX_LIMIT(=4). Given: 5"
is "max_limit=4: the default limit is 4" "$(orders '{}' | py 'len(d["data"])')" 4

# ------------------------------------------------------------ completing
base=http://127.0.0.1:$port_seed
tok=$(token)
one 10008
did=$(py 'd["data"][0]["deliveries"][0]["id"]' <"$tmp/o.json")
oid=$(py 'd["data"][0]["id"]' <"$tmp/o.json")
is "PATCH order-delivery trackingCodes: 204" \
	"$(st PATCH "/api/order-delivery/$did" --data '{"trackingCodes":["3SXYZ0000001"]}')" 204
one 10008
is "the tracking code is on the delivery" "$(py 'd["data"][0]["deliveries"][0]["trackingCodes"]' <"$tmp/o.json")" "['3SXYZ0000001']"
is "PATCH with _response: 200 and the delivery" \
	"$(api PATCH "/api/order-delivery/$did?_response=basic" --data '{"trackingCodes":["3SXYZ0000001"]}' | py 'd["data"]["trackingCodes"]')" "['3SXYZ0000001']"
is "PATCH trackingCodes as a string: 400 type array at /0/trackingCodes" \
	"$(api PATCH "/api/order-delivery/$did" --data '{"trackingCodes":"3SXYZ"}' | py '[(e["detail"], e["source"]["pointer"]) for e in d["errors"]]')" \
	"[('This value should be of type array.', '/0/trackingCodes')]"
is "PATCH an unknown delivery: 400 FRAMEWORK__WRITE_TYPE_INTEND_ERROR" \
	"$(api PATCH /api/order-delivery/0123456789abcdef0123456789abcdef --data '{"trackingCodes":[]}' | py 'd["errors"][0]["code"]')" FRAMEWORK__WRITE_TYPE_INTEND_ERROR
is "ship the delivery (sendMail false): 200, the new state" \
	"$(api POST "/api/_action/order_delivery/$did/state/ship" --data '{"sendMail":false}' | py '(d["technicalName"], d["apiAlias"])')" "('shipped', 'state_machine_state')"
is "no mail with sendMail false" "$(curl -s "$base/_sandbox/mail")" "[]"
is "ship again: 200, nothing changes (an unnecessary transition)" \
	"$(api POST "/api/_action/order_delivery/$did/state/ship" | py 'd["technicalName"]') $(writes | py 'sorted(v for k, v in d.items() if k.startswith("order 10008"))')" "shipped [1, 2]"
sid=$(orders '{"associations":{"deliveries":{"associations":{"stateMachineState":{}}}},"filter":[{"type":"equals","field":"orderNumber","value":"10008"}]}' | py 'd["data"][0]["deliveries"][0]["stateMachineState"]["id"]')
is "ship_partially from shipped: 400 SYSTEM__ILLEGAL_STATE_TRANSITION naming the state's id" \
	"$(api POST "/api/_action/order_delivery/$did/state/ship_partially" | py '[(e["status"], e["code"], e["detail"], e["meta"]["parameters"]["possibleTransitions"]) for e in d["errors"]]')" \
	"[('400', 'SYSTEM__ILLEGAL_STATE_TRANSITION', 'Illegal transition \"ship_partially\" from state \"$sid\". Possible transitions are: retour, retour_partially, cancel, reopen', ['retour', 'retour_partially', 'cancel', 'reopen'])]"
is "the order (in_progress): complete, 200, mailed by default" \
	"$(api POST "/api/_action/order/$oid/state/complete" --data '{}' | py 'd["technicalName"]') $(curl -s "$base/_sandbox/mail" | py '[(m["to"], m["template"], m["order"]) for m in d]')" \
	"completed [('sanne@example.nl', 'order.state.completed', '10008')]"
is "complete again: 200 (already there is no error)" \
	"$(st POST "/api/_action/order/$oid/state/complete")" 200
one 10004
oid4=$(py 'd["data"][0]["id"]' <"$tmp/o.json")
is "complete an open order: 400, it must be processed first" \
	"$(api POST "/api/_action/order/$oid4/state/complete" | py 'd["errors"][0]["meta"]["parameters"]["possibleTransitions"]')" "['process', 'cancel']"
is "process, then complete" \
	"$(api POST "/api/_action/order/$oid4/state/process" --data '{"sendMail":false}' | py 'd["technicalName"]') $(api POST "/api/_action/order/$oid4/state/complete" --data '{"sendMail":false}' | py 'd["technicalName"]')" \
	"in_progress completed"
is "cancel is allowed from any state before 6.7 (completed -> cancelled)" \
	"$(api POST "/api/_action/order/$oid4/state/cancel" --data '{"sendMail":false}' | py 'd["technicalName"]')" cancelled
is "an unknown transition name: 400 with the possible ones" \
	"$(api POST "/api/_action/order/$oid4/state/ship" | py 'd["errors"][0]["meta"]["parameters"]["possibleTransitions"]')" "['reopen']"
is "an unknown order: 400 SYSTEM__STATE_MACHINE_INVALID_ENTITY_ID" \
	"$(api POST /api/_action/order/0123456789abcdef0123456789abcdef/state/complete | py '(d["errors"][0]["code"], d["errors"][0]["detail"])')" \
	"('SYSTEM__STATE_MACHINE_INVALID_ENTITY_ID', 'Unable to read entity \"order\" with id \"0123456789abcdef0123456789abcdef\".')"
is "10008 left the open-delivery filter" \
	"$(orders '{"filter":[{"type":"equals","field":"deliveries.stateMachineState.technicalName","value":"open"}]}' | num)" \
	"['10004', '10009', '10010', '10011']"

# ------------------------------------------------------------ entering an order
is "POST /api/order {}: NotBlank or NotNull per required field" \
	"$(api POST /api/order --data '{}' | py '[(e["source"]["pointer"], e["detail"][:17]) for e in d["errors"]]')" \
	"[('/0/billingAddressId', 'This value should'), ('/0/currencyId', 'This value should'), ('/0/languageId', 'This value should'), ('/0/salesChannelId', 'This value should'), ('/0/orderDateTime', 'This value should'), ('/0/currencyFactor', 'This value should'), ('/0/stateId', 'This value should'), ('/0/itemRounding', 'This value should'), ('/0/totalRounding', 'This value should')]"
api POST /api/search/sales-channel --data '{}' >"$tmp/sc.json"
is "sales channels: one storefront and the headless one, with their defaults" \
	"$(py 'sorted((c["name"], c["typeId"][:6], c["languageId"][:6], len(c["paymentMethodId"]), len(c["shippingMethodId"])) for c in d["data"])' <"$tmp/sc.json")" \
	"[('Headless', 'f183ee', '2fbb5f', 32, 32), ('Storefront', '8a2430', '2fbb5f', 32, 32)]"
api POST /api/search/state-machine-state --data '{"filter":[{"type":"equalsAny","field":"technicalName","value":["open","paid"]}],"associations":{"stateMachine":{}}}' >"$tmp/st.json"
is "states open and paid, by the technicalName of their machine" \
	"$(py 'sorted((s["stateMachine"]["technicalName"], s["technicalName"]) for s in d["data"])' <"$tmp/st.json")" \
	"[('order.state', 'open'), ('order_delivery.state', 'open'), ('order_transaction.state', 'open'), ('order_transaction.state', 'paid')]"
api POST /api/search/currency --data '{"filter":[{"type":"equals","field":"isoCode","value":"EUR"}]}' >"$tmp/cur.json"
is "a currency: its factor and roundings (structs with an apiAlias)" \
	"$(py '(d["total"], d["data"][0]["factor"], sorted(d["data"][0]["itemRounding"]))' <"$tmp/cur.json")" \
	"(1, 1.0, ['apiAlias', 'decimals', 'interval', 'roundForNet'])"
is "the order number range: next after the seed's; a preview takes none" \
	"$(api GET '/api/_action/number-range/reserve/order/98432def39fc4624b33213a56b8c944d?preview=1' | py 'd["number"]') $(api GET /api/_action/number-range/reserve/order/98432def39fc4624b33213a56b8c944d | py 'd["number"]') $(api GET /api/_action/number-range/reserve/order | py 'd["number"]')" \
	"10013 10013 10014"
is "another number range: not emulated" \
	"$(st GET /api/_action/number-range/reserve/product)" 400
# order FIELD=JSON...: a whole order, as the checkout writes one, with
# the seed's ids, each FIELD (a path: lineItems.0.price) set to JSON or,
# with JSON "DEL", left out.
order() {
	python3 - "$tmp" "$@" <<'PY'
import json, sys
tmp = sys.argv[1]
ld = lambda n: json.load(open("%s/%s.json" % (tmp, n)))["data"]
sc = [c for c in ld("sc") if c["name"] == "Storefront"][0]
st = {(s["stateMachine"]["technicalName"], s["technicalName"]): s["id"] for s in ld("st")}
cur = ld("cur")[0]
rnd = {"decimals": 2, "interval": 0.01, "roundForNet": True}
price = lambda u, t, q: {"unitPrice": u, "totalPrice": t, "quantity": q, "calculatedTaxes": [], "taxRules": []}
oid, bill, line = "a1" * 16, "b2" * 16, "c3" * 16
o = {"id": oid, "orderNumber": "10014", "billingAddressId": bill,
     "currencyId": cur["id"], "currencyFactor": cur["factor"],
     "languageId": sc["languageId"], "salesChannelId": sc["id"],
     "orderDateTime": "2026-12-01T10:00:00Z", "stateId": st[("order.state", "open")],
     "price": {"netPrice": "24.90", "totalPrice": "24.90", "calculatedTaxes": [], "taxRules": [],
               "positionPrice": "19.90", "rawTotal": "24.90", "taxStatus": "gross"},
     "shippingCosts": price("5.00", "5.00", 1), "itemRounding": rnd, "totalRounding": rnd,
     "customerComment": "Order 1 of the old shop", "customFields": {"shopswitch_origin": "shopswitch:old:1"},
     "orderCustomer": {"email": "x@example.nl", "firstName": "Xandra", "lastName": "IJzer"},
     "addresses": [{"id": bill, "countryId": "COUNTRY", "firstName": "Xandra", "lastName": "IJzer",
                    "street": "Dorpsstraat 1", "zipcode": "1234 AB", "city": "Ergens"}],
     "lineItems": [{"id": line, "productId": "PRODUCT", "identifier": "PRODUCT", "referencedId": "PRODUCT",
                    "type": "product", "quantity": 2, "label": "  <b>Mok</b> blauw ", "payload": {"productNumber": "MUG-BLU"},
                    "position": 1, "states": ["is-physical"], "price": price("9.95", "19.90", 2)}],
     "deliveries": [{"shippingOrderAddressId": bill, "shippingMethodId": sc["shippingMethodId"],
                     "stateId": st[("order_delivery.state", "open")], "shippingDateEarliest": "2026-12-01T10:00:00Z",
                     "shippingDateLatest": "2026-12-01T10:00:00Z", "shippingCosts": price("5.00", "5.00", 1),
                     "positions": [{"orderLineItemId": line, "price": price("9.95", "19.90", 2)}]}],
     "transactions": [{"paymentMethodId": sc["paymentMethodId"], "amount": price("24.90", "24.90", 1),
                       "stateId": st[("order_transaction.state", "paid")]}]}
for arg in sys.argv[2:]:
    path, _, val = arg.partition("=")
    keys = [int(k) if k.isdigit() else k for k in path.split(".")]
    obj = o
    for k in keys[:-1]:
        obj = obj[k]
    if val == "DEL":
        del obj[keys[-1]]
    else:
        obj[keys[-1]] = json.loads(val)
print(json.dumps(o))
PY
}
nl=$(api POST /api/search/country --data '{"filter":[{"type":"equals","field":"iso","value":"NL"}]}' | py 'd["data"][0]["id"]')
mug=$(products '{"filter":[{"type":"equals","field":"productNumber","value":"mug-blu "}]}' | py 'd["data"][0]["id"]')
is "productNumber compares as the collation does: mug-blu finds MUG-BLU" \
	"$(products '{"filter":[{"type":"equals","field":"productNumber","value":"mug-blu "}]}' | py 'd["data"][0]["productNumber"]')" MUG-BLU
good() { order "$@" | sed "s/COUNTRY/$nl/; s/PRODUCT/$mug/g"; }
errs() { api POST /api/order --data "$(good "$@")" | py '[(e["code"], e["source"]["pointer"] if "source" in e else "", e["detail"]) for e in d["errors"]]'; }
is "a write-protected total: refused (pointer as Shopware builds it)" \
	"$(errs amountTotal=24.9)" \
	"[('FRAMEWORK__WRITE_CONSTRAINT_VIOLATION', '/0/amountTotalamountTotal', 'This field is write-protected.')]"
is "an apiAlias in a price: an unexpected field" \
	"$(errs 'price.apiAlias="cart_price"')" \
	"[('FRAMEWORK__WRITE_UNEXPECTED_FIELD_ERROR', '/0/price/apiAlias', 'Unexpected field: apiAlias')]"
is "a total that is no number, a quantity that is no integer" \
	"$(errs 'price.totalPrice="abc"' 'lineItems.0.price.quantity="2"')" \
	"[('ba785a8c-82cb-4283-967c-3cf342181b40', '/0/price/totalPrice', 'This value should be of type numeric.'), ('ba785a8c-82cb-4283-967c-3cf342181b40', '/0/lineItems/0/price/quantity', 'This value should be of type int.')]"
is "a line without price, an address without street, a customer without last name" \
	"$(errs lineItems.0.price=DEL 'addresses.0.street=" "' orderCustomer.lastName=DEL)" \
	"[('c1051bb4-d103-4f74-8988-acbcafc7fdc3', '/0/orderCustomer/lastName', 'This value should not be blank.'), ('c1051bb4-d103-4f74-8988-acbcafc7fdc3', '/0/addresses/0/street', 'This value should not be blank.'), ('ad32d13f-c3d4-423b-909a-857b961eb720', '/0/lineItems/0/price', 'This value should not be null.')]"
is "no price: the database's NOT NULL, a 500" \
	"$(api POST /api/order --data "$(good price=DEL)" | py '(d["errors"][0]["status"], d["errors"][0]["detail"][-47:])')" \
	"('500', \"1364 Field 'price' doesn't have a default value\")"
is "a currency that is not there: the foreign key, a 500" \
	"$(api POST /api/order --data "$(good 'currencyId="0123456789abcdef0123456789abcdef"')" | py '(d["errors"][0]["status"], "1452" in d["errors"][0]["detail"])')" \
	"('500', True)"
is "a delivery's state as the order's: refused (Shopware would take it)" \
	"$(api POST /api/order --data "$(good "stateId=\"$(py '[s["id"] for s in d["data"] if s["stateMachine"]["technicalName"] == "order_delivery.state"][0]' <"$tmp/st.json")\"")" | py 'd["errors"][0]["code"]')" \
	SANDBOX__WRITE_NOT_EMULATED
is "a field the sandbox does not write: refused" \
	"$(api POST /api/order --data "$(good 'deepLinkCode="x"')" | py 'd["errors"][0]["code"]')" SANDBOX__WRITE_NOT_EMULATED
nmail=$(curl -s "$base/_sandbox/mail" | py 'len(d)')
mugs=$(products '{"filter":[{"type":"equals","field":"productNumber","value":"MUG-BLU"}]}' | py 'd["data"][0]["stock"]')
h=$(curl -s -D - -o /dev/null -X POST -H "Authorization: Bearer $tok" -H 'Accept: application/json' -H 'Content-Type: application/json' --data "$(good)" "$base/api/order" | tr -d '\r')
is "a whole order: 204 with Location" \
	"$(echo "$h" | head -1 | cut -d' ' -f2) $(echo "$h" | grep -c '^Location: http://.*/api/order/a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1$')" "204 1"
orders '{"filter":[{"type":"equals","field":"customFields.shopswitch_origin","value":"SHOPSWITCH:Old:1"}],"associations":{"lineItems":{},"transactions":{"associations":{"stateMachineState":{}}},"deliveries":{"associations":{"positions":{}}}}}' >"$tmp/new.json"
is "found by its custom field (compared as text, without case)" \
	"$(py '(d["total"], d["data"][0]["orderNumber"], d["data"][0]["customFields"])' <"$tmp/new.json")" \
	"(1, '10014', {'shopswitch_origin': 'shopswitch:old:1'})"
is "its totals are the prices written; the label trimmed, tags stripped" \
	"$(py '[(o["amountTotal"], o["positionPrice"], o["shippingTotal"], [(l["label"], l["quantity"], l["unitPrice"], l["totalPrice"]) for l in o["lineItems"]], [p["quantity"] for p in o["deliveries"][0]["positions"]]) for o in d["data"]][0]' <"$tmp/new.json")" \
	"(24.9, 19.9, 5.0, [('Mok blauw', 2, 9.95, 19.9)], [2])"
is "paid, no mail, the stock taken, one write" \
	"$(py '[t["stateMachineState"]["technicalName"] for t in d["data"][0]["transactions"]]' <"$tmp/new.json") $(curl -s "$base/_sandbox/mail" | py 'len(d)') $(products '{"filter":[{"type":"equals","field":"productNumber","value":"MUG-BLU"}]}' | py 'd["data"][0]["stock"]') $(writes | py 'd["order created"]')" \
	"['paid'] $nmail $((mugs - 2)) 1"
is "the same id again: FRAMEWORK__WRITE_TYPE_INTEND_ERROR" \
	"$(api POST /api/order --data "$(good)" | py 'd["errors"][0]["code"]')" FRAMEWORK__WRITE_TYPE_INTEND_ERROR
fault '[{"path":"/api/order","kind":"500after"}]'
is "a 500after fault: 500, and the order is there" \
	"$(st POST /api/order --data "$(good id='"d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4"' 'customFields.shopswitch_origin="shopswitch:old:2"')") $(orders '{"filter":[{"type":"equals","field":"customFields.shopswitch_origin","value":"shopswitch:old:2"}]}' | py 'd["total"]')" \
	"500 1"
fault '[{"path":"/api/search/order","kind":"change","change":{"order":"10014","customFields":null}}]'
is "a change fault clears an order's custom fields, as in the admin" \
	"$(orders '{"filter":[{"type":"equals","field":"customFields.shopswitch_origin","value":"shopswitch:old:1"}]}' | py 'd["total"]')" 0
is "writes: order created, tracking, states" \
	"$(writes | py 'sorted(k.split()[0] + " " + k.split()[-1] for k in d if k.startswith("order"))')" \
	"['order created', 'order state', 'order state', 'order state', 'order trackingCodes']"

# ------------------------------------------------------------ faults, reset, change
is "a 500 fault: Shopware's error shape" \
	"$(fault '[{"path":"/api/search/order","kind":"500"}]'; orders '{}' | py '(d["errors"][0]["status"], d["errors"][0]["code"])')" "('500', '0')"
fault '[{"path":"/api/search/product","kind":"change","change":{"sku":"MUG-BLU","stock":1}}]'
is "a change fault: a sale before the request, not a write" \
	"$(products '{"filter":[{"type":"equals","field":"productNumber","value":"MUG-BLU"}]}' | py 'd["data"][0]["stock"]') $(writes | py 'd["MUG-BLU"]')" "1 1"
is "a change fault for an unknown SKU is refused" \
	"$(curl -s -o /dev/null -w '%{http_code}' -X POST --data '[{"path":"/api","kind":"change","change":{"sku":"NOPE","stock":1}}]' "$base/_sandbox/faults")" 400
curl -s -X POST "$base/_sandbox/reset"
is "reset: stock, orders and writes as seeded; the token still works" \
	"$(products '{"filter":[{"type":"equals","field":"productNumber","value":"MUG-BLU"}]}' | py 'd["data"][0]["stock"]') $(orders '{}' | py 'd["total"]') $(writes)" "7 12 {}"

# ------------------------------------------------------------ the core's rate limit
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_rate
tok=$(token)
st POST /api/search/order >/dev/null
st POST /api/search/order >/dev/null
is "--rate-limit: 429 FRAMEWORK__RATE_LIMIT_EXCEEDED with seconds" \
	"$(st POST /api/search/order) $(api POST /api/search/order | py '(d["errors"][0]["code"], d["errors"][0]["meta"]["parameters"]["seconds"])')" \
	"429 ('FRAMEWORK__RATE_LIMIT_EXCEEDED', 1)"

# ------------------------------------------------------------ --generate
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_gen
tok=$(token)
is "--generate products=10000: 10000 variants under 2500 parents" \
	"$(products '{"limit":1,"total-count-mode":1,"filter":[{"type":"equals","field":"childCount","value":0}]}' | py 'd["total"]') $(products '{"limit":1,"total-count-mode":1}' | py 'd["total"]')" \
	"10000 12500"
is "--generate: a page of 500 SKUs by productNumber" \
	"$(products '{"limit":500,"page":3,"includes":{"product":["productNumber","stock"]},"sort":[{"field":"productNumber"}]}' | py '(len(d["data"]), sorted(d["data"][0]))')" \
	"(500, ['apiAlias', 'productNumber', 'stock'])"
is "--generate orders=300: every order state, paged by 100" \
	"$(orders '{"limit":100,"page":3,"total-count-mode":1,"associations":{"stateMachineState":{}}}' | py '(d["total"], len(d["data"]))') $(orders '{"associations":{"stateMachineState":{}}}' | py 'sorted({o["stateMachineState"]["technicalName"] for o in d["data"]})')" \
	"(300, 100) ['cancelled', 'completed', 'in_progress', 'open']"
python3 "$here/sandbox.py" --platform shopware --generate warehouses=2 --port 0 2>"$tmp/g.err"
is "--generate: an unknown kind is refused" "$? $(cat "$tmp/g.err")" \
	"2 sandbox: --generate: shopware has no warehouses (it knows orders, products)"

echo "1..$n"
[ "$failed" -eq 0 ]
