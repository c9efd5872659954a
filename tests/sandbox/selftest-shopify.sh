#!/bin/sh
# selftest-shopify.sh: the sandbox's own tests for the Shopify GraphQL Admin
# API (2026-10) emulation.  Starts tests/sandbox/sandbox.py --platform
# shopify on free ports, checks it with curl and prints TAP.  Exits 1 when
# a check fails, 2 when the sandbox cannot be started at all.
set -u

here=$(cd "$(dirname "$0")" && pwd)
seed=$here/data/shopify
tok=shpat_sandbox
api=/admin/api/2026-10/graphql.json
# shellcheck disable=SC2034 # platform, n, failed and tmp: selftest-lib.sh's
platform=shopify
# shellcheck source=tests/sandbox/selftest-lib.sh
. "$here/selftest-lib.sh"

# py EXPR, as selftest-lib.sh's but quicker: about 100 checks call it, so
# it runs the interpreter itself (not a version manager's shim) without
# site-packages.
pybin=$(python3 -c 'import sys; print(sys.executable)')
py() {
	"$pybin" -S -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

# Ids from data/shopify.
UT=gid://shopify/Location/78650654971 # Magazijn Utrecht
AM=gid://shopify/Location/78650687739 # Winkel Amsterdam
KO=gid://shopify/Location/78650720507 # Pop-up Köln (inactive)
I_TSM=gid://shopify/InventoryItem/51234567800030   # TS-RED-M: 12 (2 committed) / 5
I_TSXL=gid://shopify/InventoryItem/51234567800088  # TS-RED-XL: Utrecht only
I_HDM=gid://shopify/InventoryItem/51234567800146   # HD-BLK-M: 6 +1 committed +1 reserved
I_GIFT=gid://shopify/InventoryItem/51234567800262  # GIFT-25: untracked
I_CANDLE=gid://shopify/InventoryItem/51234567800291 # CANDLE-CB: also in Köln
I_EMPTY=gid://shopify/InventoryItem/51234567800494 # the variant with sku ""
O1001=gid://shopify/Order/6543210987001
O1008=gid://shopify/Order/6543210987288

# gql BODY [CURL-ARGS]: POST a GraphQL body with the permanent token.
gql() {
	b=$1
	shift
	curl -sS -H "X-Shopify-Access-Token: $tok" -H 'Content-Type: application/json' \
		"$@" --data-binary "$b" "$base$api"
}
# q QUERY [VARIABLES]: the same for a query without double quotes in it.
q() {
	gql "{\"query\":\"$1\",\"variables\":${2:-null}}"
}
code() {
	curl -s -o /dev/null -w '%{http_code}' "$@"
}
oauth() {
	curl -s -w ' %{http_code}' "$@" "$base/admin/oauth/access_token"
}
M='mutation Set($input: InventorySetQuantitiesInput!, $key: String!) { inventorySetQuantities(input: $input) @idempotent(key: $key) { inventoryAdjustmentGroup { id reason changes { name delta quantityAfterChange item { sku } location { id } } } userErrors { code field message } } }'
# setq KEY NAME QUANTITIES: run inventorySetQuantities.
setq() {
	gql "{\"query\":\"$M\",\"variables\":{\"key\":\"$1\",\"input\":{\"name\":\"$2\",\"reason\":\"correction\",\"quantities\":$3}}}"
}
# qty ITEM LOCATION QUANTITY CHANGE-FROM: one InventoryQuantityInput.
qty() {
	echo "{\"inventoryItemId\":\"$1\",\"locationId\":\"$2\",\"quantity\":$3,\"changeFromQuantity\":$4}"
}
level() {
	curl -s "$base/_sandbox/state" | "$pybin" -S -c 'import json,sys
d = json.load(sys.stdin)
for v in d["variants"]:
    if v["inventoryItemId"] == sys.argv[1]:
        print(v["levels"][sys.argv[2]][sys.argv[3]])' "$1" "$2" "$3"
}

# The 10,000-variant sandbox and a second copy of gen (for determinism)
# start in the background while the others start and the checks run.
# shellcheck disable=SC2154
python3 "$here/sandbox.py" --platform shopify --generate variants=10000 \
	--port 0 --ready "$tmp/big.ready" 2>"$tmp/big.err" &
pid_big=$!
python3 "$here/sandbox.py" --platform shopify --port 0 --ready "$tmp/gen2.ready" \
	--generate variants=600,orders=300,locations=3 --seed 7 2>/dev/null &
pid_gen2=$!
pids="$pids $pid_big $pid_gen2"
start seed --data "$seed"
start tight --data "$seed" --set bucket=40 --set restore=20 --set token_ttl=1 \
	--set read_all_orders=true
start gen --generate variants=600,orders=300,locations=3 --seed 7 \
	--set bucket=100000 --set restore=100000
# await NAME PID: wait for a background sandbox's ready file, as long as
# it is alive: a busy machine is slow, not broken.
await() {
	while [ ! -s "$tmp/$1.ready" ]; do
		if ! kill -0 "$2" 2>/dev/null; then
			echo "Bail out! sandbox $1 did not start"
			exit 2
		fi
		sleep 0.01
	done
}

# ------------------------------------------------------------ routes, auth
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_seed
is "no token: 401 with Shopify's body" \
	"$(curl -s -w ' %{http_code}' -H 'Content-Type: application/json' --data '{"query":"{ shop { name } }"}' "$base$api")" \
	'{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"} 401'
is "wrong token: 401" "$(code -H 'X-Shopify-Access-Token: shpat_nope' -H 'Content-Type: application/json' --data '{"query":"{ shop { name } }"}' "$base$api")" 401
is "permanent token: the shop" "$(q '{ shop { name ianaTimezone currencyCode } }' | py 'd["data"]')" \
	"{'shop': {'name': 'Sandbox Winkel', 'ianaTimezone': 'Europe/Amsterdam', 'currencyCode': 'EUR'}}"
is "X-Shopify-API-Version: 2026-10" \
	"$(gql '{"query":"{ shop { name } }"}' -D - -o /dev/null | tr -d '\r' | grep -i '^x-shopify-api-version:' | sed 's/^[^:]*: *//')" 2026-10
is "another version: 404 Not Found" \
	"$(curl -s -w ' %{http_code}' -H "X-Shopify-Access-Token: $tok" -H 'Content-Type: application/json' --data '{"query":"{ shop { name } }"}' "$base/admin/api/2026-07/graphql.json")" \
	'{"errors":"Not Found"} 404'
is "GET graphql.json: 404" "$(code -H "X-Shopify-Access-Token: $tok" "$base$api")" 404
is "Content-Type text/plain: 400" \
	"$(curl -s -w ' %{http_code}' -H "X-Shopify-Access-Token: $tok" -H 'Content-Type: text/plain' --data '{"query":"{ shop { name } }"}' "$base$api")" \
	'{"errors":{"query":"Required parameter missing or invalid"}} 400'
is "a body that is not JSON, or no query: 400" \
	"$(code -H "X-Shopify-Access-Token: $tok" -H 'Content-Type: application/json' --data 'query=x' "$base$api") $(code -H "X-Shopify-Access-Token: $tok" -H 'Content-Type: application/json' --data '{"variables":{}}' "$base$api")" \
	"400 400"

# ------------------------------------------------------------ client credentials
grant='grant_type=client_credentials&client_id=sandbox-client&client_secret=sandbox-secret'
is "client credentials (form): token, scope, expires_in" \
	"$(oauth --data "$grant" | sed 's/ 200$//' | py '(d["access_token"][:6], len(d["access_token"]), d["scope"], d["expires_in"])')" \
	"('shpat_', 38, 'read_inventory,write_inventory,read_locations,read_orders,read_products', 86399)"
t1=$(oauth -H 'Content-Type: application/json' --data '{"grant_type":"client_credentials","client_id":"sandbox-client","client_secret":"sandbox-secret"}' | sed 's/ 200$//' | py 'd["access_token"]')
t2=$(oauth --data "$grant" | sed 's/ 200$//' | py 'd["access_token"]')
if [ -n "$t1" ] && [ "$t1" != "$t2" ]; then ok "a JSON body works too; each grant a new token"; else not_ok "each grant a new token" "$t1 $t2"; fi
is "a granted token is accepted" \
	"$(curl -s -H "X-Shopify-Access-Token: $t1" -H 'Content-Type: application/json' --data '{"query":"{ shop { name } }"}' "$base$api" | py 'd["data"]["shop"]["name"]')" "Sandbox Winkel"
is "wrong secret: 400 invalid_client" \
	"$(oauth --data 'grant_type=client_credentials&client_id=sandbox-client&client_secret=x' | sed 's/^.*"error":"\([a-z_]*\)".* \([0-9]*\)$/\1 \2/')" "invalid_client 400"
is "another grant type: 400 unsupported_grant_type" \
	"$(oauth --data 'grant_type=authorization_code&client_id=sandbox-client&client_secret=sandbox-secret' | sed 's/^.*"error":"\([a-z_]*\)".* \([0-9]*\)$/\1 \2/')" "unsupported_grant_type 400"
is "credentials in the query string: 400 invalid_request, secret not logged" \
	"$(code -X POST "$base/admin/oauth/access_token?$grant") $(curl -s "$base/_sandbox/log" | grep -c 'sandbox-secret')" "400 0"

# ------------------------------------------------------------ validation errors
is "unknown field: undefinedField, no data, no extensions" \
	"$(q '{ shop { nme } }' | py '(sorted(d), d["errors"][0]["message"], d["errors"][0]["extensions"], d["errors"][0]["path"])')" \
	"(['errors'], \"Field 'nme' doesn't exist on type 'Shop'\", {'code': 'undefinedField', 'typeName': 'Shop', 'fieldName': 'nme'}, ['query', 'shop', 'nme'])"
is "an object without selections" "$(q '{ shop }' | py 'd["errors"][0]["message"]')" \
	"Field must have selections (field 'shop' returns Shop! but has no selections. Did you mean 'shop { ... }'?)"
is "selections on a scalar" "$(q '{ shop { name { x } } }' | py 'd["errors"][0]["extensions"]["code"]')" selectionMismatch
is "missing required argument" "$(q '{ order { name } }' | py 'd["errors"][0]["message"]')" \
	"Field 'order' is missing required arguments: id"
is "unknown argument" "$(q '{ orders(first: 1, status: OPEN) { nodes { id } } }' | py '(d["errors"][0]["message"], d["errors"][0]["extensions"]["code"])')" \
	"(\"Field 'orders' doesn't accept argument 'status'\", 'argumentNotAccepted')"
is "a literal of the wrong type" "$(q '{ orders(first: true) { nodes { id } } }' | py 'd["errors"][0]["message"]')" \
	"Argument 'first' on Field 'orders' has an invalid value (true). Expected type 'Int'."
is "an undeclared variable" "$(q '{ orders(first: $n) { nodes { id } } }' | py 'd["errors"][0]["message"]')" \
	'Variable $n is used by anonymous query but not declared'
is "an unused variable" "$(q 'query Q($n: Int) { shop { name } }' | py 'd["errors"][0]["message"]')" \
	'Variable $n is declared by Q but not used'
is "a variable of the wrong type" "$(q 'query($n: String) { orders(first: $n) { nodes { id } } }' | py 'd["errors"][0]["message"]')" \
	'Type mismatch on variable $n and argument first (String / Int)'
is "a variable value that does not coerce: problems with a path" \
	"$(q "$M" '{"key":"k","input":{"name":"available","reason":"correction","quantities":[{"inventoryItemId":"x","locationId":"y","changeFromQuantity":null}]}}' | py '(d["errors"][0]["message"], d["errors"][0]["extensions"]["problems"])')" \
	"('Variable \$input of type InventorySetQuantitiesInput! was provided invalid value for quantities.0.quantity (Expected value to not be null)', [{'path': ['quantities', 0, 'quantity'], 'explanation': 'Expected value to not be null'}])"
is "two operations without operationName" "$(q 'query A { shop { name } } query B { shop { id } }' | py 'd["errors"][0]["message"]')" \
	"An operation name is required"
is "operationName picks one" "$(gql '{"query":"query A { shop { name } } query B { shop { id } }","operationName":"B"}' | py 'd["data"]')" \
	"{'shop': {'id': 'gid://shopify/Shop/48500001'}}"
is "a parse error" "$(q '{ shop { name } ' | py '(d["errors"][0]["message"], "data" in d)')" "('Unexpected end of document', False)"
is "a parse error on a token" "$(q '{ shop { name } } }' | py 'd["errors"][0]["message"]')" 'Parse error on "}" (RCURLY) at [1, 19]'
is "fragments are refused: NOT_EMULATED" \
	"$(q '{ shop { ...F } } fragment F on Shop { name }' | py 'sorted(set(e["extensions"]["code"] for e in d["errors"]))')" "['NOT_EMULATED']"
is "introspection is refused" "$(q '{ __schema { types { name } } }' | py 'd["errors"][0]["extensions"]["code"]')" NOT_EMULATED
is "__typename, aliases, @skip and @include" \
	"$(q '{ s: shop { __typename n: name id @skip(if: true) c: currencyCode @include(if: false) } }' | py 'd["data"]')" \
	"{'s': {'__typename': 'Shop', 'n': 'Sandbox Winkel'}}"

# ------------------------------------------------------------ paging rules
is "first over 250: refused, no data" "$(q '{ orders(first: 251) { nodes { id } } }' | py '(d["errors"][0]["message"], "data" in d)')" \
	"('The first argument must be less than or equal to 250.', False)"
is "neither first nor last: refused" "$(q '{ orders { nodes { id } } }' | py 'd["errors"][0]["message"]')" \
	"you must provide one of first or last"
is "an invalid cursor: field error, data null" "$(q '{ orders(first: 2, after: \"bm9wZQ==\") { nodes { id } } }' | py '(d["errors"][0]["message"], d["errors"][0]["path"], d["data"])')" \
	"('Invalid cursor for current pagination sort.', ['orders'], None)"
is "variants page 1 of 3 (first: 10), opaque cursors" \
	"$(q '{ productVariants(first: 10) { edges { cursor node { sku } } pageInfo { hasNextPage hasPreviousPage endCursor } } }' | py '(len(d["data"]["productVariants"]["edges"]), d["data"]["productVariants"]["pageInfo"]["hasNextPage"], d["data"]["productVariants"]["pageInfo"]["hasPreviousPage"], d["data"]["productVariants"]["edges"][-1]["cursor"] == d["data"]["productVariants"]["pageInfo"]["endCursor"])')" \
	"(10, True, False, True)"
c=$(q '{ productVariants(first: 20) { pageInfo { endCursor } } }' | py 'd["data"]["productVariants"]["pageInfo"]["endCursor"]')
is "the last page: 5 variants, hasPreviousPage" \
	"$(q 'query($c: String) { productVariants(first: 10, after: $c) { nodes { sku } pageInfo { hasNextPage hasPreviousPage } } }' "{\"c\":\"$c\"}" | py '([v["sku"] for v in d["data"]["productVariants"]["nodes"]], d["data"]["productVariants"]["pageInfo"])')" \
	"(['PL-GRN-L', '8718526012347', 'BAG-NAT', 'BAG-BLK', 'BEANIE-GRY'], {'hasNextPage': False, 'hasPreviousPage': True})"
is "last: 2 (backwards)" "$(q '{ productVariants(last: 2) { nodes { sku } pageInfo { hasPreviousPage } } }' | py '[v["sku"] for v in d["data"]["productVariants"]["nodes"]], d["data"]["productVariants"]["pageInfo"]["hasPreviousPage"]')" \
	"(['BAG-BLK', 'BEANIE-GRY'], True)"

# ------------------------------------------------------------ cost
is "extensions.cost on every answer that ran (floats as Shopify writes them)" \
	"$(gql '{"query":"{ shop { name } }"}' | sed 's/^.*"extensions"://; s/"currentlyAvailable":[0-9]*,/"currentlyAvailable":N,/')" \
	'{"cost":{"requestedQueryCost":1,"actualQueryCost":1,"throttleStatus":{"maximumAvailable":2000.0,"currentlyAvailable":N,"restoreRate":100.0}}}}'
is "a connection: 2 + first x node; actual counts what came back" \
	"$(q '{ productVariants(first: 30) { nodes { sku inventoryItem { tracked } } } }' | py '(d["extensions"]["cost"]["requestedQueryCost"], d["extensions"]["cost"]["actualQueryCost"])')" "(62, 52)"
is "an empty connection still costs 3 (actual)" \
	"$(q '{ productVariants(first: 10, query: \"sku:NOPE\") { nodes { sku } } }' | py '(d["extensions"]["cost"]["requestedQueryCost"], d["extensions"]["cost"]["actualQueryCost"], d["data"]["productVariants"]["nodes"])')" "(12, 3, [])"
VQ='query V($first: Int!, $after: String, $loc: ID!) { productVariants(first: $first, after: $after) { nodes { id sku inventoryItem { id tracked inventoryLevel(locationId: $loc) { quantities(names: [\"available\"]) { name quantity } } } } pageInfo { hasNextPage endCursor } } }'
is "variants with a level at 250 a page: MAX_COST_EXCEEDED, 1002" \
	"$(q "$VQ" "{\"first\":250,\"loc\":\"$UT\"}" | py '(d["errors"][0]["extensions"], d["extensions"]["cost"]["actualQueryCost"], "data" in d, d["errors"][0]["message"][:73])')" \
	"({'code': 'MAX_COST_EXCEEDED', 'cost': 1002, 'maxCost': 1000}, None, False, 'Query cost is 1002, which exceeds the single query max cost limit (1000).')"
is "... at 249 a page: 998" "$(q "$VQ" "{\"first\":249,\"loc\":\"$UT\"}" | py 'd["extensions"]["cost"]["requestedQueryCost"]')" 998
OQ='query O($q: String, $after: String) { orders(first: 10, after: $after, query: $q) { nodes { id name updatedAt displayFulfillmentStatus lineItems(first: 25) { nodes { sku quantity currentQuantity unfulfilledQuantity } pageInfo { hasNextPage endCursor } } fulfillments(first: 5) { status trackingInfo(first: 3) { company number url } } } pageInfo { hasNextPage endCursor } } }'
is "the order export query costs 2 + 10 x (1 + 27 + 5 x 4) = 482" \
	"$(q "$OQ" '{"q":"updated_at:>='"'2026-11-20T00:00:00Z'"'"}' | py 'd["extensions"]["cost"]["requestedQueryCost"]')" 482

# shellcheck disable=SC2154
base=http://127.0.0.1:$port_tight
t=$(oauth --data "$grant" | sed 's/ 200$//' | py 'd["access_token"]')
q '{ productVariants(first: 25) { nodes { sku } } }' >/dev/null
r=$(curl -s -w ' %{http_code}' -H "X-Shopify-Access-Token: $tok" -H 'Content-Type: application/json' --data '{"query":"{ productVariants(first: 25) { nodes { sku } } }"}' "$base$api")
is "bucket 40: a second query of 27 is throttled, with HTTP 200" \
	"$(echo "$r" | sed 's/ [0-9]*$//' | py '(d["errors"], "data" in d, d["extensions"]["cost"]["requestedQueryCost"], d["extensions"]["cost"]["actualQueryCost"], d["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] < 27)') ${r##* }" \
	"([{'message': 'Throttled', 'extensions': {'code': 'THROTTLED', 'documentation': 'https://shopify.dev/api/usage/rate-limits'}}], False, 27, None, True) 200"
sleep 1.1
is "after (requested - available) / restoreRate seconds it runs; read_all_orders=true: 16 orders" \
	"$(q '{ orders(first: 20) { nodes { name } } }' | py 'len(d["data"]["orders"]["nodes"])')" 16
is "token_ttl=1: a granted token expires" \
	"$(code -H "X-Shopify-Access-Token: $t" -H 'Content-Type: application/json' --data '{"query":"{ shop { name } }"}' "$base$api")" 401

# ------------------------------------------------------------ catalog
base=http://127.0.0.1:$port_seed
is "locations: active only, by name" "$(q '{ locations(first: 10) { nodes { name isActive } } }' | py '[(l["name"], l["isActive"]) for l in d["data"]["locations"]["nodes"]]')" \
	"[('Magazijn Utrecht', True), ('Winkel Amsterdam', True)]"
is "includeInactive: Pop-up Köln too" "$(q '{ locations(first: 10, includeInactive: true, sortKey: ID) { nodes { id isActive } } }' | py '[(l["id"][-5:], l["isActive"]) for l in d["data"]["locations"]["nodes"]]')" \
	"[('54971', True), ('87739', True), ('20507', False)]"
is "25 variants, SKUs as stored (\"\" and leading zeros)" \
	"$(q '{ productVariants(first: 50) { nodes { sku } } }' | py '(len(d["data"]["productVariants"]["nodes"]), [v["sku"] for v in d["data"]["productVariants"]["nodes"]][16:18])')" \
	"(25, ['000123', ''])"
is "sku search: exact, case-insensitive, OR" \
	"$(q '{ a: productVariants(first: 5, query: \"sku:000123\") { nodes { sku } } b: productVariants(first: 5, query: \"sku:ts-red-m\") { nodes { sku } } c: productVariants(first: 5, query: \"sku:MUG-BLU OR sku:MUG-WHT\") { nodes { sku } } }' | py '[[v["sku"] for v in d["data"][k]["nodes"]] for k in "abc"]')" \
	"[['000123'], ['TS-RED-M'], ['MUG-BLU', 'MUG-WHT']]"
is "an unknown search field: ignored, warned in extensions.search" \
	"$(q '{ productVariants(first: 50, query: \"colour:red\") { nodes { sku } } }' | py '(len(d["data"]["productVariants"]["nodes"]), d["extensions"]["search"])')" \
	"(25, [{'path': ['productVariants'], 'query': 'colour:red', 'warnings': [{'field': 'colour', 'message': 'Invalid search field for this query.'}]}])"
is "variant fields: barcode null, untracked item, displayName" \
	"$(q '{ productVariants(first: 3, query: \"sku:GIFT-25 OR sku:MUG-BLU OR sku:CANDLE-CB\") { nodes { sku barcode displayName product { title status } inventoryItem { tracked sku } } } }' | py '[(v["sku"], v["barcode"], v["displayName"], v["inventoryItem"]["tracked"]) for v in d["data"]["productVariants"]["nodes"]]')" \
	"[('MUG-BLU', None, 'Mok Blauw - Default Title', True), ('GIFT-25', None, 'Cadeaubon € 25 - Default Title', False), ('CANDLE-CB', '8718526010103', 'Crème Brûlée Kaars - Default Title', True)]"
is "JSON as Rails writes it: UTF-8, & as \\u0026" \
	"$(q '{ productVariants(first: 1, query: \"sku:SJ-GB\") { nodes { displayName } } }' | grep -o '"displayName":"[^"]*"')" \
	'"displayName":"Sjaal Grün \u0026 Blau - Default Title"'
is "inventoryLevel: null where not stocked" \
	"$(q "{ inventoryItem(id: \\\"$I_TSXL\\\") { sku u: inventoryLevel(locationId: \\\"$UT\\\") { id } a: inventoryLevel(locationId: \\\"$AM\\\") { id } } }" | py 'd["data"]["inventoryItem"]')" \
	"{'sku': 'TS-RED-XL', 'u': {'id': 'gid://shopify/InventoryLevel/78650654971?inventory_item_id=51234567800088'}, 'a': None}"
is "quantities in the order asked; on_hand = available + committed + reserved" \
	"$(q "{ inventoryItem(id: \\\"$I_HDM\\\") { inventoryLevel(locationId: \\\"$UT\\\") { quantities(names: [\\\"on_hand\\\", \\\"available\\\", \\\"committed\\\", \\\"reserved\\\", \\\"incoming\\\"]) { name quantity } } } }" | py '[(x["name"], x["quantity"]) for x in d["data"]["inventoryItem"]["inventoryLevel"]["quantities"]]')" \
	"[('on_hand', 8), ('available', 6), ('committed', 1), ('reserved', 1), ('incoming', 0)]"
is "an unknown quantity name: a field error" \
	"$(q "{ inventoryItem(id: \\\"$I_HDM\\\") { inventoryLevel(locationId: \\\"$UT\\\") { quantities(names: [\\\"free\\\"]) { quantity } } } }" | py '(d["errors"][0]["path"], d["data"]["inventoryItem"]["inventoryLevel"])')" \
	"(['inventoryItem', 'inventoryLevel', 'quantities'], None)"
is "inventoryLevels: the active locations only" \
	"$(q "{ inventoryItem(id: \\\"$I_CANDLE\\\") { inventoryLevels(first: 5) { nodes { location { name } } } } }" | py '[n["location"]["name"] for n in d["data"]["inventoryItem"]["inventoryLevels"]["nodes"]]')" \
	"['Magazijn Utrecht', 'Winkel Amsterdam']"
is "an invalid global id: field error" \
	"$(q '{ productVariant(id: \"42\") { sku } }' | py '(d["errors"][0]["message"], d["data"])')" \
	"(\"Invalid global id '42'\", {'productVariant': None})"

# ------------------------------------------------------------ orders
is "the last 60 days only: 15 of 16 orders, by processedAt" \
	"$(q '{ orders(first: 50) { nodes { name } } }' | py '[o["name"] for o in d["data"]["orders"]["nodes"]]')" \
	"['#1002', '#1014', '#1003', '#1004', '#1005', '#1006', '#1007', '#1008', '#1009', '#1010', '#1011', '#1012', '#1013', '#1015', '#1016']"
is "an order older than 60 days: order(id:) null" "$(q "{ order(id: \\\"$O1001\\\") { name } }" | py 'd["data"]')" "{'order': None}"
is "updated_at:>= (quoted ISO 8601)" \
	"$(q "$OQ" '{"q":"updated_at:>='"'2026-11-20T00:00:00Z'"'"}' | py '[o["name"] for o in d["data"]["orders"]["nodes"]]')" \
	"['#1014', '#1013', '#1015', '#1016']"
is "created_at:>= a quoted date (the shop's midnight) AND updated_at:<" \
	"$(q '{ orders(first: 20, query: \"created_at:>='"'"'2026-11-01'"'"' AND updated_at:<'"'"'2026-11-10T00:00:00Z'"'"'\") { nodes { name } } }' | py '[o["name"] for o in d["data"]["orders"]["nodes"]]')" \
	"['#1004', '#1005', '#1006', '#1007']"
is "an unquoted date: the term is ignored, with a warning" \
	"$(q '{ orders(first: 20, query: \"created_at:>=2026-11-20\") { nodes { name } } }' | py '(len(d["data"]["orders"]["nodes"]), d["extensions"]["search"][0]["warnings"])')" \
	"(15, [{'field': 'created_at', 'message': 'Date values must be a quoted string.'}])"
is "sortKey UPDATED_AT, reverse" \
	"$(q '{ orders(first: 3, sortKey: UPDATED_AT, reverse: true) { nodes { name updatedAt } } }' | py '[o["name"] for o in d["data"]["orders"]["nodes"]]')" \
	"['#1016', '#1014', '#1015']"
is "a valid sortKey the sandbox does not emulate: NOT_EMULATED" \
	"$(q '{ orders(first: 3, sortKey: TOTAL_PRICE) { nodes { name } } }' | py 'd["errors"][0]["extensions"]["code"]')" NOT_EMULATED
is "status:cancelled, fulfillment_status:shipped" \
	"$(q '{ c: orders(first: 20, query: \"status:cancelled\") { nodes { name cancelledAt closed } } s: orders(first: 20, query: \"fulfillment_status:shipped\") { nodes { name } } }' | py '(d["data"]["c"]["nodes"], [o["name"] for o in d["data"]["s"]["nodes"]])')" \
	"([{'name': '#1006', 'cancelledAt': '2026-11-05T21:00:00Z', 'closed': True}], ['#1002', '#1014', '#1003', '#1010'])"
is "the order fields" \
	"$(q '{ orders(first: 1, query: \"name:1005\") { nodes { name email displayFinancialStatus displayFulfillmentStatus currencyCode totalPriceSet { shopMoney { amount currencyCode } } fulfillments(first: 5) { status trackingInfo(first: 5) { company number } } } } }' | py 'd["data"]["orders"]["nodes"][0]')" \
	"{'name': '#1005', 'email': 'daan@example.nl', 'displayFinancialStatus': 'PAID', 'displayFulfillmentStatus': 'PARTIALLY_FULFILLED', 'currencyCode': 'EUR', 'totalPriceSet': {'shopMoney': {'amount': '133.85', 'currencyCode': 'EUR'}}, 'fulfillments': [{'status': 'SUCCESS', 'trackingInfo': [{'company': 'PostNL', 'number': '3SABCD100000005'}]}, {'status': 'SUCCESS', 'trackingInfo': [{'company': 'DHL', 'number': 'JVGL0000000005'}, {'company': 'DHL', 'number': 'JVGL0000000006'}]}]}"
is "a removed line: currentQuantity < quantity; amounts as Ruby prints them" \
	"$(q '{ orders(first: 1, query: \"name:#1003\") { nodes { totalPriceSet { shopMoney { amount } } lineItems(first: 5) { nodes { sku quantity currentQuantity unfulfilledQuantity } } } } o: orders(first: 1, query: \"name:1008\") { nodes { totalPriceSet { shopMoney { amount } } } } }' | py '(d["data"]["orders"]["nodes"][0]["lineItems"]["nodes"][0], d["data"]["o"]["nodes"][0]["totalPriceSet"]["shopMoney"]["amount"])')" \
	"({'sku': 'SOCK-3640', 'quantity': 3, 'currentQuantity': 1, 'unfulfilledQuantity': 0}, '1059.3')"
c=$(q "{ order(id: \\\"$O1008\\\") { lineItems(first: 25) { pageInfo { hasNextPage endCursor } } } }" | py 'd["data"]["order"]["lineItems"]["pageInfo"]["endCursor"]')
is "30 line items: the second page of lineItems holds 5, one without SKU" \
	"$(q "query(\$c: String) { order(id: \\\"$O1008\\\") { lineItems(first: 25, after: \$c) { nodes { sku name } pageInfo { hasNextPage } } } }" "{\"c\":\"$c\"}" | py '(len(d["data"]["order"]["lineItems"]["nodes"]), d["data"]["order"]["lineItems"]["nodes"][3], d["data"]["order"]["lineItems"]["pageInfo"]["hasNextPage"])')" \
	"(5, {'sku': None, 'name': 'Cadeauverpakking'}, False)"
is "ON_HOLD and IN_PROGRESS orders" \
	"$(q '{ orders(first: 20, query: \"name:>=1007 AND name:<=1015\") { nodes { name displayFulfillmentStatus } } }' | py 'sorted(set(o["displayFulfillmentStatus"] for o in d["data"]["orders"]["nodes"]))')" \
	"['FULFILLED', 'IN_PROGRESS', 'ON_HOLD', 'PARTIALLY_FULFILLED', 'UNFULFILLED']"

# ------------------------------------------------------------ inventorySetQuantities
r=$(setq k1 available "[$(qty "$I_TSM" "$UT" 20 12)]")
is "set available 12 -> 20: changes for available and on_hand" \
	"$(echo "$r" | py '(d["data"]["inventorySetQuantities"]["inventoryAdjustmentGroup"]["changes"], d["data"]["inventorySetQuantities"]["userErrors"], d["extensions"]["cost"]["requestedQueryCost"])')" \
	"([{'name': 'available', 'delta': 8, 'quantityAfterChange': 20, 'item': {'sku': 'TS-RED-M'}, 'location': {'id': '$UT'}}, {'name': 'on_hand', 'delta': 8, 'quantityAfterChange': 22, 'item': {'sku': 'TS-RED-M'}, 'location': {'id': '$UT'}}], [], 10)"
g1=$(echo "$r" | py 'd["data"]["inventorySetQuantities"]["inventoryAdjustmentGroup"]["id"]')
is "the new level shows in the state and in GraphQL" \
	"$(level "$I_TSM" "$UT" available) $(q "{ inventoryItem(id: \\\"$I_TSM\\\") { inventoryLevel(locationId: \\\"$UT\\\") { quantities(names: [\\\"available\\\"]) { quantity } } } }" | py 'd["data"]["inventoryItem"]["inventoryLevel"]["quantities"][0]["quantity"]')" "20 20"
is "the same key again: the original result, nothing applied twice" \
	"$(setq k1 available "[$(qty "$I_TSM" "$UT" 20 12)]" | py 'd["data"]["inventorySetQuantities"]["inventoryAdjustmentGroup"]["id"]') $(curl -s "$base/_sandbox/writes")" \
	"$g1 {\"TS-RED-M\": 1}"
is "the same key with another input: IDEMPOTENCY_KEY_PARAMETER_MISMATCH" \
	"$(setq k1 available "[$(qty "$I_TSM" "$UT" 21 20)]" | py 'd["data"]["inventorySetQuantities"]')" \
	"{'inventoryAdjustmentGroup': None, 'userErrors': [{'code': 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH', 'field': None, 'message': 'The same idempotency key cannot be used with different operation parameters.'}]}"
r=$(setq k2 available "[$(qty "$I_HDM" "$UT" 9 6),$(qty "$I_TSM" "$UT" 5 12)]")
is "a stale changeFromQuantity: CHANGE_FROM_QUANTITY_STALE at its path" \
	"$(echo "$r" | py 'd["data"]["inventorySetQuantities"]')" \
	"{'inventoryAdjustmentGroup': None, 'userErrors': [{'code': 'CHANGE_FROM_QUANTITY_STALE', 'field': ['input', 'quantities', '1', 'changeFromQuantity'], 'message': 'The changeFromQuantity value does not match persisted value.'}]}"
is "atomic: the valid item in that call was not applied" "$(level "$I_HDM" "$UT" available)" 6
is "the same key and input after a failure: IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED" \
	"$(setq k2 available "[$(qty "$I_HDM" "$UT" 9 6),$(qty "$I_TSM" "$UT" 5 12)]" | py 'd["data"]["inventorySetQuantities"]["userErrors"][0]["code"]')" \
	IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED
is "changeFromQuantity missing: INVALID_FIELD_ARGUMENTS" \
	"$(setq k3 available "[{\"inventoryItemId\":\"$I_TSM\",\"locationId\":\"$UT\",\"quantity\":1}]" | py '(d["errors"][0]["message"], d["errors"][0]["extensions"]["code"], d["data"])')" \
	"('InventoryQuantityInput must include the following argument: changeFromQuantity', 'INVALID_FIELD_ARGUMENTS', {'inventorySetQuantities': None})"
is "no @idempotent: BAD_REQUEST" \
	"$(q "mutation { inventorySetQuantities(input: {name: \\\"available\\\", reason: \\\"correction\\\", quantities: [{inventoryItemId: \\\"$I_TSM\\\", locationId: \\\"$UT\\\", quantity: 1, changeFromQuantity: null}]}) { userErrors { code } } }" | py '(d["errors"][0]["message"], d["errors"][0]["extensions"]["code"], d["data"])')" \
	"('The @idempotent directive is required for this mutation but was not provided.', 'BAD_REQUEST', {'inventorySetQuantities': None})"
many=$(python3 -c 'import sys; print("[" + ",".join([sys.argv[1]] * 251) + "]")' "$(qty "$I_TSM" "$UT" 1 null)")
is "251 quantities: MAX_INPUT_SIZE_EXCEEDED" \
	"$(setq k4 available "$many" | py '(d["errors"][0]["extensions"]["code"], d["errors"][0]["message"])')" \
	"('MAX_INPUT_SIZE_EXCEEDED', 'The input array size of 251 is greater than the maximum allowed of 250.')"
is "per-item userErrors: not stocked, untracked, inactive, unknown, duplicate" \
	"$(setq k5 available "[$(qty "$I_TSXL" "$AM" 1 null),$(qty "$I_GIFT" "$UT" 1 null),$(qty "$I_CANDLE" "$KO" 1 null),$(qty gid://shopify/InventoryItem/9 "$UT" 1 null),$(qty "$I_HDM" "$AM" 1 null),$(qty "$I_HDM" "$AM" 2 null)]" | py '[(e["code"], e["field"][2:]) for e in d["data"]["inventorySetQuantities"]["userErrors"]]')" \
	"[('ITEM_NOT_STOCKED_AT_LOCATION', ['0', 'locationId']), ('NON_MUTABLE_INVENTORY_ITEM', ['1', 'inventoryItemId']), ('INVALID_LOCATION', ['2', 'locationId']), ('INVALID_INVENTORY_ITEM', ['3', 'inventoryItemId']), ('NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR', ['5', 'inventoryItemId'])]"
is "a bad name and reason: INVALID_NAME, INVALID_REASON" \
	"$(gql "{\"query\":\"$M\",\"variables\":{\"key\":\"k6\",\"input\":{\"name\":\"free\",\"reason\":\"because\",\"quantities\":[$(qty "$I_TSM" "$UT" 1 null)]}}}" | py '[(e["code"], e["field"]) for e in d["data"]["inventorySetQuantities"]["userErrors"]]')" \
	"[('INVALID_NAME', ['input', 'name']), ('INVALID_REASON', ['input', 'reason'])]"
is "on_hand below 0, or above 1,000,000,000" \
	"$(setq k7 on_hand "[$(qty "$I_TSM" "$UT" -1 null),$(qty "$I_HDM" "$UT" 1000000001 null)]" | py '[e["code"] for e in d["data"]["inventorySetQuantities"]["userErrors"]]')" \
	"['INVALID_QUANTITY_NEGATIVE', 'INVALID_QUANTITY_TOO_HIGH']"
is "set on_hand 8 -> 10: available follows (6 -> 8)" \
	"$(setq k8 on_hand "[$(qty "$I_HDM" "$UT" 10 8)]" | py '[(c["name"], c["delta"], c["quantityAfterChange"]) for c in d["data"]["inventorySetQuantities"]["inventoryAdjustmentGroup"]["changes"]]')" \
	"[('on_hand', 2, 10), ('available', 2, 8)]"
is "setting the value it already has: applied, delta 0, counted" \
	"$(setq k9 available "[$(qty "$I_TSM" "$UT" 20 null),$(qty "$I_EMPTY" "$UT" 3 1)]" | py '[c["delta"] for c in d["data"]["inventorySetQuantities"]["inventoryAdjustmentGroup"]["changes"]]') $(curl -s "$base/_sandbox/writes")" \
	"[0, 0, 2, 2] {\"#51234567800494\": 1, \"HD-BLK-M\": 1, \"TS-RED-M\": 2}"
fault '[{"path":"/admin/api/2026-10/graphql.json","kind":"change","change":{"sku":"TS-RED-M","available":19}}]'
is "fault change: a sale just before the write makes changeFromQuantity stale" \
	"$(setq k10 available "[$(qty "$I_TSM" "$UT" 25 20)]" | py '[e["code"] for e in d["data"]["inventorySetQuantities"]["userErrors"]]') $(level "$I_TSM" "$UT" available)" \
	"['CHANGE_FROM_QUANTITY_STALE'] 19"
fault '[{"path":"/admin/api/2026-10/graphql.json","kind":"change","change":{"sku":"MUG-BLU","delete":true}}]'
is "fault change: a deleted variant is gone from the catalog" \
	"$(q '{ productVariants(first: 5, query: \"sku:MUG-BLU\") { nodes { sku } } }' | py 'd["data"]["productVariants"]["nodes"]')" "[]"
is "the state lists the idempotency keys seen" \
	"$(curl -s "$base/_sandbox/state" | py 'sorted((k, v["failed"], v["replays"]) for k, v in d["idempotencyKeys"].items())')" \
	"[('k1', False, 1), ('k10', True, 0), ('k2', True, 0), ('k5', True, 0), ('k6', True, 0), ('k7', True, 0), ('k8', False, 0), ('k9', False, 0)]"

# ------------------------------------------------------------ faults, log, reset
fault '[{"path":"/admin/api/2026-10/graphql.json","kind":"500"}]'
is "fault 500: Shopify's internal error body" \
	"$(curl -s -w ' %{http_code}' -H "X-Shopify-Access-Token: $tok" -H 'Content-Type: application/json' --data '{"query":"{ shop { name } }"}' "$base$api" | sed 's/ [0-9]*$//' | py 'd["errors"][0]["extensions"]["code"]')" INTERNAL_SERVER_ERROR
fault '[{"path":"/admin/api/2026-10/graphql.json","kind":"429"}]'
is "fault 429: 429, Retry-After, THROTTLED" \
	"$(gql '{"query":"{ shop { name } }"}' -D - | tr -d '\r' | sed -n 's/^HTTP\/1.1 \([0-9]*\).*/\1/p; s/^Retry-After: *//p; s/^.*"code":"\([A-Z]*\)".*$/\1/p' | tr '\n' ' ')" \
	"429 1.0 THROTTLED"
fault '[{"path":"/admin/api/2026-10/graphql.json","kind":"503"}]'
is "fault 503: HTML from the gateway" "$(curl -s -o /dev/null -w '%{http_code} %{content_type}' -H "X-Shopify-Access-Token: $tok" -H 'Content-Type: application/json' --data '{"query":"{ shop { name } }"}' "$base$api")" "503 text/html"
curl -s -X DELETE "$base/_sandbox/log" >/dev/null
q '{ shop { name } }' >/dev/null
is "the log line has the GraphQL body" "$(curl -s "$base/_sandbox/log" | py '(d["method"], d["path"], d["status"], d["auth"], d["body"]["query"])')" \
	"('POST', '/admin/api/2026-10/graphql.json', 200, 'ok', '{ shop { name } }')"
curl -s -X POST "$base/_sandbox/reset" >/dev/null
is "reset: levels, writes and keys back" \
	"$(level "$I_TSM" "$UT" available) $(curl -s "$base/_sandbox/writes") $(curl -s "$base/_sandbox/state" | py 'd["idempotencyKeys"]')" "12 {} {}"

# ------------------------------------------------------------ generated data
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_gen
all=$(python3 - "$base$api" "$tok" <<'EOF'
import json, sys, urllib.request
url, tok = sys.argv[1], sys.argv[2]
def pages(query, key):
    after, nodes, n = None, [], 0
    while True:
        body = json.dumps({"query": query, "variables": {"after": after}})
        req = urllib.request.Request(url, body.encode(), {
            "Content-Type": "application/json", "X-Shopify-Access-Token": tok})
        d = json.load(urllib.request.urlopen(req))["data"][key]
        nodes += d["nodes"]
        n += 1
        if not d["pageInfo"]["hasNextPage"]:
            return nodes, n
        after = d["pageInfo"]["endCursor"]
vs, n = pages("query($after: String) { productVariants(first: 100, after: $after) { nodes { sku inventoryItem { tracked inventoryLevels(first: 5) { nodes { id } } } } pageInfo { hasNextPage endCursor } } }", "productVariants")
skus = [v["sku"] for v in vs]
print(len(vs), n, len(set(skus)) == len(skus), all(
    v["inventoryItem"]["tracked"] and
    len(v["inventoryItem"]["inventoryLevels"]["nodes"]) == 3 for v in vs))
os, n = pages("query($after: String) { orders(first: 100, after: $after) { nodes { name } pageInfo { hasNextPage endCursor } } }", "orders")
print(0 < len(os) < 300, len(set(o["name"] for o in os)) == len(os))
EOF
)
is "generated: 600 variants in 6 pages, unique SKUs, tracked, stocked at all 3 locations" \
	"$(echo "$all" | sed -n 1p)" "600 6 True True"
is "generated: orders paged, only those of the last 60 days" "$(echo "$all" | sed -n 2p)" "True True"
await gen2 "$pid_gen2"
is "--generate is deterministic for a --seed" \
	"$(curl -s "$base/_sandbox/state" | md5sum)" \
	"$(curl -s "http://127.0.0.1:$(cat "$tmp/gen2.ready")/_sandbox/state" | md5sum)"
await big "$pid_big"
base=http://127.0.0.1:$(cat "$tmp/big.ready")
is "10,000 variants: a page of 249 from a cursor in the middle" \
	"$(q 'query($a: String) { productVariants(first: 249, after: $a) { nodes { sku } } }' "{\"a\":\"$(printf '{"last_id":81012000,"last_value":81012000}' | base64 | tr -d '\n')\"}" | py 'len(d["data"]["productVariants"]["nodes"])')" 249

# ------------------------------------------------------------ bad data, options
mkdir "$tmp/bad"
printf '[{"id":"gid://shopify/Location/1","name":"A"}]\n' >"$tmp/bad/locations.json"
printf '[{"id":"gid://shopify/Product/1","title":"T","variants":[{"id":"gid://shopify/ProductVariant/2","sku":"X","inventoryItem":{"id":"gid://shopify/InventoryItem/3","levels":{"gid://shopify/Location/9":{"available":1}}}}]}]\n' >"$tmp/bad/products.json"
python3 "$here/sandbox.py" --platform shopify --data "$tmp/bad" --port 0 2>"$tmp/bad.err"
is "a level at an unknown location: exit 2, naming file, variant and location" \
	"$? $(cat "$tmp/bad.err")" \
	"2 sandbox: products.json: variant 'gid://shopify/ProductVariant/2': level at gid://shopify/Location/9: no such location in locations.json"
python3 "$here/sandbox.py" --platform shopify --data "$seed" --set bucket=lots --port 0 2>/dev/null
is "--set bucket=lots: exit 2" "$?" 2
python3 "$here/sandbox.py" --platform shopify --data "$seed" --set colour=red --port 0 2>/dev/null
is "--set of an unknown setting: exit 2" "$?" 2

# shellcheck disable=SC2154
kill "$pid_seed"
wait "$pid_seed"
is "SIGTERM: exits 0" "$?" 0

# shellcheck disable=SC2154
echo "1..$n"
# shellcheck disable=SC2154
[ "$failed" -eq 0 ]
