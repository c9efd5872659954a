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
	curl -s "$base/_sandbox/state" | python3 -S -c 'import json,sys
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
start --own seed --data "$seed"
start tight --data "$seed" --set bucket=40 --set restore=20 --set token_ttl=1 \
	--set read_all_orders=true
# A bucket that refills in minutes: the throttle is met however slowly a
# busy machine sends the second query.
start slowfill --data "$seed" --set bucket=40 --set restore=0.1
start gen --generate variants=600,orders=300,locations=3 --seed 7 \
	--set bucket=100000 --set restore=100000
start lag --data "$seed" --set search_lag=600 --set order_create_limit=2 \
	--set atomic=0 --set bulk_start=0 --set bulk_url_ttl=3
start bulk --data "$seed" --set bulk_start=0.1 --set bulk_rate=2000
start stuck --data "$seed" --set bulk_start=3600
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
is "productVariantsCount: all of them, EXACT; a limit reached: AT_LEAST" \
	"$(q '{ a: productVariantsCount(limit: null) { count precision } b: productVariantsCount(limit: 3) { count precision } }' | py '(d["data"]["a"]["count"] > 3, d["data"]["a"]["precision"], d["data"]["b"])')" \
	"(True, 'EXACT', {'count': 3, 'precision': 'AT_LEAST'})"

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
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_slowfill
q '{ productVariants(first: 25) { nodes { sku } } }' >/dev/null
r=$(curl -s -w ' %{http_code}' -H "X-Shopify-Access-Token: $tok" -H 'Content-Type: application/json' --data '{"query":"{ productVariants(first: 25) { nodes { sku } } }"}' "$base$api")
base=http://127.0.0.1:$port_tight
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
# A request whose answer is held back (it is in progress as its client
# sees it): wait, as long as it lives, for the sandbox to have carried it
# out, then send the same key again.
fault '[{"path":"/admin/api/2026-10/graphql.json","kind":"slow","delay":600}]'
# The real curl, started directly so that $! is its PID and it is what
# is ended (the emulated one would hold up selftest-lib.sh's python3).
command curl -s -o /dev/null -H "X-Shopify-Access-Token: $tok" \
	-H 'Content-Type: application/json' --data-binary \
	"{\"query\":\"$M\",\"variables\":{\"key\":\"k11\",\"input\":{\"name\":\"available\",\"reason\":\"correction\",\"quantities\":[$(qty "$I_HDM" "$UT" 11 8)]}}}" \
	"$base$api" &
slow=$!
while [ "$(grep -c '"k11"' "$tmp/seed.log")" -eq 0 ] && kill -0 "$slow" 2>/dev/null; do
	sleep 0.01
done
is "the same key while the first is in progress: IDEMPOTENCY_CONCURRENT_REQUEST, applied once" \
	"$(setq k11 available "[$(qty "$I_HDM" "$UT" 11 8)]" | py 'd["data"]["inventorySetQuantities"]') $(level "$I_HDM" "$UT" available)" \
	"{'inventoryAdjustmentGroup': None, 'userErrors': [{'code': 'IDEMPOTENCY_CONCURRENT_REQUEST', 'field': None, 'message': 'This request is currently in progress, please try again.'}]} 11"
kill "$slow" 2>/dev/null
wait "$slow" 2>/dev/null || :	# ended by us: its status is the signal's

# ------------------------------------------------------------ faults, log, reset
fault '[{"path":"/admin/api/2026-10/graphql.json","kind":"500","body":"productVariantsCount"}]'
is "fault body: only a request whose body holds the text meets it" \
	"$(gql '{"query":"{ shop { name } }"}' -o /dev/null -w '%{http_code}') $(gql '{"query":"{ productVariantsCount { count } }"}' -o /dev/null -w '%{http_code}')" \
	"200 500"
is "fault body: not text, 400" \
	"$(code -X POST -d '[{"path":"/x","kind":"500","body":3}]' "$base/_sandbox/faults")" 400
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

# ------------------------------------------------------------ fulfillment orders
# The seed's fulfillment orders (data/shopify/orders.json).
FO1004=gid://shopify/FulfillmentOrder/7012345600145   # OPEN, Utrecht
FOL1004=gid://shopify/FulfillmentOrderLineItem/22012345670091 # TS-RED-S 2 of 2
FO1006=gid://shopify/FulfillmentOrder/7012345600203   # cancelled: CLOSED
FO1007=gid://shopify/FulfillmentOrder/7012345600232   # ON_HOLD
FO1008U=gid://shopify/FulfillmentOrder/7012345600261  # OPEN, Utrecht
FO1008A=gid://shopify/FulfillmentOrder/7012345600290  # OPEN, Amsterdam
FO1009=gid://shopify/FulfillmentOrder/7012345600319   # OPEN, Utrecht
FO1011=gid://shopify/FulfillmentOrder/7012345600377   # OPEN, no e-mail
FO1012=gid://shopify/FulfillmentOrder/7012345600406   # IN_PROGRESS, 2 of 3 left
FO1016=gid://shopify/FulfillmentOrder/7012345600493   # OPEN, Amsterdam
FO1001=gid://shopify/FulfillmentOrder/7012345600029   # of the hidden #1001
O1004=gid://shopify/Order/6543210987124
mails() {
	curl -s "$base/_sandbox/mail"
}
writes() {
	curl -s "$base/_sandbox/writes"
}
# The order-completion read: an order by name, its fulfillment orders.
RQ='query R($q: String!) { orders(first: 1, query: $q) { nodes { id name tags note email cancelledAt displayFulfillmentStatus displayFinancialStatus createdAt updatedAt totalPriceSet { shopMoney { amount currencyCode } } taxesIncluded customAttributes { key value } fulfillments(first: 10) { id status createdAt trackingInfo(first: 5) { company number url } } fulfillmentOrders(first: 5, after: null) { nodes { id status requestStatus supportedActions { action } assignedLocation { location { id } } lineItems(first: 50) { nodes { id remainingQuantity totalQuantity lineItem { id sku } } } } } } } }'
base=http://127.0.0.1:$port_seed
is "the read costs 2 + 1 x (1 + 2 + 1 + 10 x 6 + 2 + 5 x (1 + 1 + 2 + 2 + 50 x 2)) = 598" \
	"$(q "$RQ" '{"q":"name:1008"}' | py 'd["extensions"]["cost"]["requestedQueryCost"]')" 598
is "name:'#1008': two OPEN fulfillment orders, 26 lines at Utrecht and 4 at Amsterdam" \
	"$(q "$RQ" "{\"q\":\"name:'#1008'\"}" | py '[(n["status"], n["requestStatus"], n["assignedLocation"]["location"]["id"][-5:], len(n["lineItems"]["nodes"]), sum(l["remainingQuantity"] for l in n["lineItems"]["nodes"])) for n in d["data"]["orders"]["nodes"][0]["fulfillmentOrders"]["nodes"]]')" \
	"[('OPEN', 'UNSUBMITTED', '54971', 26, 48), ('OPEN', 'UNSUBMITTED', '87739', 4, 10)]"
is "name:1004, name:#1004 and name:'#1004' find #1004; name:100 finds nothing" \
	"$(for n in 1004 '#1004' "'#1004'" 100; do q 'query($q: String) { orders(first: 5, query: $q) { nodes { name } } }' "{\"q\":\"name:$n\"}" | py '[o["name"] for o in d["data"]["orders"]["nodes"]]'; done | tr '\n' ' ')" \
	"['#1004'] ['#1004'] ['#1004'] [] "
is "tag: exact (not the 10011 one), case-insensitive, with AND; tag_not" \
	"$(for t in "tag:'shopswitch:woocommerce:old:1001'" 'tag:vip' 'tag:imported AND name:1009' 'tag_not:VIP AND name:>=1011 AND name:<=1013'; do q 'query($q: String) { orders(first: 20, query: $q) { nodes { name tags } } }' "{\"q\":\"$t\"}" | py '[(o["name"], o["tags"]) for o in d["data"]["orders"]["nodes"]]'; done | tr '\n' ' ')" \
	"[('#1009', ['imported', 'shopswitch:woocommerce:old:1001'])] [('#1012', ['VIP'])] [('#1009', ['imported', 'shopswitch:woocommerce:old:1001'])] [('#1011', ['shopswitch:woocommerce:old:10011']), ('#1013', [])] "
is "a backslash escapes a colon, or a quote in a quoted value" \
	"$(q 'query($a: String, $b: String) { a: orders(first: 5, query: $a) { nodes { name } } b: orders(first: 5, query: $b) { nodes { name } } }' '{"a":"tag:shopswitch\\:woocommerce\\:old\\:1001","b":"tag:'"'"'O\\'"'"'Brien'"'"' OR name:1009"}' | py '([o["name"] for o in d["data"]["a"]["nodes"]], [o["name"] for o in d["data"]["b"]["nodes"]])')" \
	"(['#1009'], ['#1009'])"
is "the new order fields: note, customAttributes, taxesIncluded, sourceIdentifier" \
	"$(q 'query($q: String) { orders(first: 2, query: $q, sortKey: ORDER_NUMBER) { nodes { name note customAttributes { key value } taxesIncluded sourceName sourceIdentifier } } }' '{"q":"name:1009 OR name:1013"}' | py 'd["data"]["orders"]["nodes"]')" \
	"[{'name': '#1009', 'note': None, 'customAttributes': [{'key': 'shopswitch_source', 'value': 'woocommerce'}], 'taxesIncluded': False, 'sourceName': 'shopswitch', 'sourceIdentifier': 'woocommerce:1001'}, {'name': '#1013', 'note': 'Graag met naam op de tas', 'customAttributes': [{'key': 'Naam', 'value': 'Fleur'}, {'key': 'Bron', 'value': 'telefoon'}], 'taxesIncluded': False, 'sourceName': None, 'sourceIdentifier': None}]"
SQ='query S($q: String) { orders(first: 20, query: $q, sortKey: ORDER_NUMBER) { nodes { name displayFulfillmentStatus fulfillmentOrders(first: 2) { nodes { status supportedActions { action } assignedLocation { location { id } } lineItems(first: 3) { nodes { totalQuantity remainingQuantity } } } } } } }'
is "each seed case: fulfillment orders, status, location, total/remaining" \
	"$(q "$SQ" '{"q":"name:>=1003 AND name:<=1016 AND NOT name:1008"}' | py '[(o["name"], [(n["status"], n["assignedLocation"]["location"]["id"][-2:], [(l["totalQuantity"], l["remainingQuantity"]) for l in n["lineItems"]["nodes"]]) for n in o["fulfillmentOrders"]["nodes"]]) for o in d["data"]["orders"]["nodes"]]')" \
	"[('#1003', [('CLOSED', '71', [(1, 0), (1, 0)])]), ('#1004', [('OPEN', '71', [(2, 2), (1, 1)])]), ('#1005', [('IN_PROGRESS', '71', [(2, 0), (1, 0), (1, 1)])]), ('#1006', [('CLOSED', '71', [(4, 4)])]), ('#1007', [('ON_HOLD', '71', [(1, 1), (1, 1)])]), ('#1009', [('OPEN', '71', [(5, 5)])]), ('#1010', [('CLOSED', '39', [(1, 0), (1, 0)])]), ('#1011', [('OPEN', '71', [(2, 2)])]), ('#1012', [('IN_PROGRESS', '71', [(3, 2)])]), ('#1013', [('OPEN', '71', [(1, 1)])]), ('#1014', [('CLOSED', '71', [(1, 0)])]), ('#1015', [('IN_PROGRESS', '71', [(2, 2)])]), ('#1016', [('OPEN', '39', [(1, 1), (1, 1)])])]"
is "supportedActions: OPEN, IN_PROGRESS (partial), IN_PROGRESS (progress), ON_HOLD, CLOSED" \
	"$(q "$SQ" '{"q":"name:1004 OR name:1012 OR name:1015 OR name:1007 OR name:1014"}' | py '[(o["name"], [a["action"] for a in o["fulfillmentOrders"]["nodes"][0]["supportedActions"]]) for o in d["data"]["orders"]["nodes"]]')" \
	"[('#1004', ['CREATE_FULFILLMENT', 'REPORT_PROGRESS', 'MOVE', 'HOLD']), ('#1007', ['RELEASE_HOLD', 'HOLD', 'MOVE']), ('#1012', ['CREATE_FULFILLMENT', 'MOVE', 'HOLD']), ('#1014', []), ('#1015', ['CREATE_FULFILLMENT', 'HOLD', 'MARK_AS_OPEN'])]"
is "fulfillmentOrder(id:), and null for an order older than 60 days" \
	"$(q 'query($a: ID!, $b: ID!) { a: fulfillmentOrder(id: $a) { status orderName orderId lineItems(first: 2) { nodes { sku lineItem { name } } } } b: fulfillmentOrder(id: $b) { id } }' "{\"a\":\"$FO1012\",\"b\":\"$FO1001\"}" | py 'd["data"]')" \
	"{'a': {'status': 'IN_PROGRESS', 'orderName': '#1012', 'orderId': 'gid://shopify/Order/6543210987452', 'lineItems': {'nodes': [{'sku': 'PL-GRN-S', 'lineItem': {'name': 'Polo Groen - S'}}]}}, 'b': None}"
is "seed fulfillments: line items and location" \
	"$(q 'query($q: String) { orders(first: 1, query: $q) { nodes { fulfillments(first: 5) { name displayStatus totalQuantity location { id } fulfillmentLineItems(first: 5) { nodes { quantity lineItem { sku } } } } } } }' '{"q":"name:1005"}' | py '[(f["name"], f["displayStatus"], f["totalQuantity"], f["location"]["id"][-2:], [(n["quantity"], n["lineItem"]["sku"]) for n in f["fulfillmentLineItems"]["nodes"]]) for f in d["data"]["orders"]["nodes"][0]["fulfillments"]]')" \
	"[('#1005-F1', 'FULFILLED', 2, '71', [(2, 'PL-GRN-M')]), ('#1005-F2', 'FULFILLED', 1, '71', [(1, 'BAG-NAT')])]"
is "fulfillmentOrders without first: refused, no data" \
	"$(q 'query($q: String) { orders(first: 1, query: $q) { nodes { fulfillmentOrders { nodes { id } } } } }' '{"q":"name:1004"}' | py '(d["errors"][0]["message"], "data" in d)')" \
	"('you must provide one of first or last', False)"

# ------------------------------------------------------------ fulfillmentCreate
FC='mutation F($f: FulfillmentInput!) { fulfillmentCreate(fulfillment: $f) { fulfillment { id name status displayStatus trackingInfo(first: 5) { company number url } fulfillmentLineItems(first: 10) { nodes { quantity lineItem { sku } } } location { id } } userErrors { field message } } }'
# fc GROUPS [EXTRA]: run fulfillmentCreate; EXTRA is more FulfillmentInput.
fc() {
	q "$FC" "{\"f\":{\"lineItemsByFulfillmentOrder\":$1${2:+,$2}}}"
}
# fcerr GROUPS: the userErrors of fulfillmentCreate, as (field, message).
fcerr() {
	fc "$1" | py '[(e["field"], e["message"]) for e in d["data"]["fulfillmentCreate"]["userErrors"]]'
}
ostate() {
	q 'query($id: ID!) { order(id: $id) { displayFulfillmentStatus lineItems(first: 5) { nodes { unfulfilledQuantity } } fulfillmentOrders(first: 2) { nodes { status lineItems(first: 5) { nodes { remainingQuantity } } } } } }' "{\"id\":\"$1\"}" |
		py '(d["data"]["order"]["displayFulfillmentStatus"], [l["unfulfilledQuantity"] for l in d["data"]["order"]["lineItems"]["nodes"]], [(n["status"], [l["remainingQuantity"] for l in n["lineItems"]["nodes"]]) for n in d["data"]["order"]["fulfillmentOrders"]["nodes"]])'
}
r=$(fc "[{\"fulfillmentOrderId\":\"$FO1004\",\"fulfillmentOrderLineItems\":[{\"id\":\"$FOL1004\",\"quantity\":1}]}]" '"trackingInfo":{"company":"PostNL","number":"3SABCD1","url":"https://jouw.postnl.nl/track-and-trace/3SABCD1"}')
is "fulfillmentCreate 1 of 2 TS-RED-S: a SUCCESS fulfillment with tracking, cost 10" \
	"$(echo "$r" | py '(d["data"]["fulfillmentCreate"]["fulfillment"]["name"], d["data"]["fulfillmentCreate"]["fulfillment"]["status"], d["data"]["fulfillmentCreate"]["fulfillment"]["displayStatus"], d["data"]["fulfillmentCreate"]["fulfillment"]["trackingInfo"], d["data"]["fulfillmentCreate"]["fulfillment"]["fulfillmentLineItems"]["nodes"], d["data"]["fulfillmentCreate"]["fulfillment"]["location"]["id"][-5:], d["data"]["fulfillmentCreate"]["userErrors"], d["extensions"]["cost"]["requestedQueryCost"])')" \
	"('#1004-F1', 'SUCCESS', 'FULFILLED', [{'company': 'PostNL', 'number': '3SABCD1', 'url': 'https://jouw.postnl.nl/track-and-trace/3SABCD1'}], [{'quantity': 1, 'lineItem': {'sku': 'TS-RED-S'}}], '54971', [], 10)"
is "after it: PARTIALLY_FULFILLED, the line and the fulfillment order go down, IN_PROGRESS" \
	"$(ostate "$O1004")" "('PARTIALLY_FULFILLED', [1, 1], [('IN_PROGRESS', [1, 1])])"
is "a write for the order, no mail without notifyCustomer" "$(writes) $(mails)" \
	'{"order 6543210987124 fulfillment": 1} []'
r=$(fc "[{\"fulfillmentOrderId\":\"$FO1004\"}]" '"notifyCustomer":true,"trackingInfo":{"company":"DHL","numbers":["JVGL1","JVGL2"],"urls":["https://dhl.example/JVGL1"]}')
is "blank line items fulfil the rest; numbers and urls pair up" \
	"$(echo "$r" | py '(d["data"]["fulfillmentCreate"]["fulfillment"]["name"], d["data"]["fulfillmentCreate"]["fulfillment"]["trackingInfo"], [(n["quantity"], n["lineItem"]["sku"]) for n in d["data"]["fulfillmentCreate"]["fulfillment"]["fulfillmentLineItems"]["nodes"]])')" \
	"('#1004-F2', [{'company': 'DHL', 'number': 'JVGL1', 'url': 'https://dhl.example/JVGL1'}, {'company': 'DHL', 'number': 'JVGL2', 'url': None}], [(1, 'TS-RED-S'), (1, 'SJ-GB')])"
is "after it: FULFILLED, the fulfillment order CLOSED" "$(ostate "$O1004")" \
	"('FULFILLED', [0, 0], [('CLOSED', [0, 0])])"
is "notifyCustomer: a shipping_confirmation mail; two writes" "$(mails) $(writes)" \
	'[{"to": "fleur@example.nl", "template": "shipping_confirmation", "order": "gid://shopify/Order/6543210987124"}] {"order 6543210987124 fulfillment": 2}'
fc "[{\"fulfillmentOrderId\":\"$FO1011\"}]" '"notifyCustomer":true' >/dev/null
is "notifyCustomer on an order without e-mail: fulfilled, no mail" \
	"$(ostate gid://shopify/Order/6543210987411) $(mails | py 'len(d)')" "('FULFILLED', [0], [('CLOSED', [0])]) 1"
is "the order searches by its new state at once" \
	"$(q 'query($q: String) { orders(first: 5, query: $q) { nodes { name } } }' '{"q":"fulfillment_status:shipped AND name:>=1004"}' | py '[o["name"] for o in d["data"]["orders"]["nodes"]]')" \
	"['#1014', '#1004', '#1010', '#1011']"
is "a CLOSED fulfillment order (fulfilled; a cancelled order's)" \
	"$(fcerr "[{\"fulfillmentOrderId\":\"$FO1004\"}]") $(fcerr "[{\"fulfillmentOrderId\":\"$FO1006\"}]")" \
	"[(['fulfillment'], 'Fulfillment order 7012345600145 has an unfulfillable status= closed.')] [(['fulfillment'], 'Fulfillment order 7012345600203 has an unfulfillable status= closed.')]"
is "an ON_HOLD fulfillment order" "$(fcerr "[{\"fulfillmentOrderId\":\"$FO1007\"}]")" \
	"[(['fulfillment'], 'Fulfillment order 7012345600232 has an unfulfillable status= on_hold.')]"
is "two orders" "$(fcerr "[{\"fulfillmentOrderId\":\"$FO1016\"},{\"fulfillmentOrderId\":\"$FO1009\"}]")" \
	"[(['fulfillment'], 'All fulfillment orders must belong to the same order. Multiple orders with ids [6543210987329, 6543210987616] were found.')]"
is "two locations" "$(fcerr "[{\"fulfillmentOrderId\":\"$FO1008U\"},{\"fulfillmentOrderId\":\"$FO1008A\"}]")" \
	"[(['fulfillment'], 'All fulfillment orders must be assigned to a single location. Multiple locations with ids [78650654971, 78650687739] were found.')]"
is "quantity 0, checked before the lookups" \
	"$(fcerr "[{\"fulfillmentOrderId\":\"$FO1012\"},{\"fulfillmentOrderId\":\"gid://shopify/FulfillmentOrder/9\",\"fulfillmentOrderLineItems\":[{\"id\":\"gid://shopify/FulfillmentOrderLineItem/9\",\"quantity\":0}]}]")" \
	"[(['fulfillment', 'lineItemsByFulfillmentOrder', '1', 'fulfillmentOrderLineItems', '0', 'quantity'], 'Quantity must be greater than 0')]"
is "more than remains (3 of 2 left)" \
	"$(fcerr "[{\"fulfillmentOrderId\":\"$FO1012\",\"fulfillmentOrderLineItems\":[{\"id\":\"gid://shopify/FulfillmentOrderLineItem/22012345670637\",\"quantity\":3}]}]")" \
	"[(['fulfillment'], 'Invalid fulfillment order line item quantity requested.')]"
is "a line item of another fulfillment order" \
	"$(fcerr "[{\"fulfillmentOrderId\":\"$FO1012\",\"fulfillmentOrderLineItems\":[{\"id\":\"$FOL1004\",\"quantity\":1}]}]")" \
	"[(['fulfillment'], 'Fulfillment order line item does not exist.')]"
is "an unknown fulfillment order, one of an order older than 60 days" \
	"$(fcerr '[{"fulfillmentOrderId":"gid://shopify/FulfillmentOrder/999999999"}]') $(fcerr "[{\"fulfillmentOrderId\":\"$FO1001\"}]")" \
	"[(['fulfillment'], 'Fulfillment order does not exist.')] [(['fulfillment'], 'Fulfillment order does not exist.')]"
is "an id that is none: invalid id, RESOURCE_NOT_FOUND, data null" \
	"$(fc '[{"fulfillmentOrderId":"gid://shopify/FulfillmentOrder/0"}]' | py '(d["errors"][0]["message"], d["errors"][0]["extensions"], d["errors"][0]["path"], d["data"])')" \
	"('invalid id', {'code': 'RESOURCE_NOT_FOUND'}, ['fulfillmentCreate'], {'fulfillmentCreate': None})"
is "nothing changed by the refusals" "$(ostate gid://shopify/Order/6543210987452) $(writes)" \
	"('PARTIALLY_FULFILLED', [2], [('IN_PROGRESS', [2])]) {\"order 6543210987124 fulfillment\": 2, \"order 6543210987411 fulfillment\": 1}"
is "@idempotent on fulfillmentCreate: refused (it documents no idempotency)" \
	"$(q "mutation { fulfillmentCreate(fulfillment: {lineItemsByFulfillmentOrder: [{fulfillmentOrderId: \\\"$FO1012\\\"}]}) @idempotent(key: \\\"k\\\") { userErrors { message } } }" | py '(d["errors"][0]["extensions"]["code"], d["errors"][0]["message"], d["data"])')" \
	"('BAD_REQUEST', 'The @idempotent directive is not supported for this mutation.', {'fulfillmentCreate': None})"
is "UserError has no code" \
	"$(q "mutation { fulfillmentCreate(fulfillment: {lineItemsByFulfillmentOrder: []}) { userErrors { code } } }" | py 'd["errors"][0]["message"]')" \
	"Field 'code' doesn't exist on type 'UserError'"

# ------------------------------------------------------------ orderCreate
OC='mutation C($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) { orderCreate(order: $order, options: $options) { order { id name email tags note customAttributes { key value } sourceName sourceIdentifier displayFinancialStatus displayFulfillmentStatus taxesIncluded discountCodes createdAt processedAt totalPriceSet { shopMoney { amount currencyCode } } shippingAddress { firstName lastName city zip countryCodeV2 } lineItems(first: 5) { nodes { sku name quantity unfulfilledQuantity variant { id } } } fulfillmentOrders(first: 2) { nodes { id status assignedLocation { location { id } } lineItems(first: 5) { nodes { id remainingQuantity totalQuantity } } } } } userErrors { code field message } } }'
# oc ORDER [OPTIONS]: run orderCreate.
oc() {
	q "$OC" "{\"order\":$1,\"options\":${2:-null}}"
}
# ocerr ORDER: its userErrors as (code, field, message).
ocerr() {
	oc "$1" | py '[(e["code"], e["field"], e["message"]) for e in d["data"]["orderCreate"]["userErrors"]]'
}
V_TSM=gid://shopify/ProductVariant/49876543200032 # TS-RED-M, 19.95
V_PST=gid://shopify/ProductVariant/49876543200404 # PST-A2-AMS, Amsterdam only
eur() {
	echo "{\"shopMoney\":{\"amount\":\"$1\",\"currencyCode\":\"${2:-EUR}\"}}"
}
ORD="{\"email\":\"jan@example.nl\",\"tags\":[\"shopswitch:woocommerce:old:2001\",\"imported\"],\"note\":\"van de oude winkel\",\"customAttributes\":[{\"key\":\"old_id\",\"value\":\"2001\"}],\"sourceName\":\"shopswitch\",\"sourceIdentifier\":\"woocommerce:2001\",\"processedAt\":\"2025-03-01T10:00:00Z\",\"shippingAddress\":{\"firstName\":\"Jan\",\"lastName\":\"Jansen\",\"address1\":\"Oudegracht 1\",\"city\":\"Utrecht\",\"zip\":\"3511 AB\",\"countryCode\":\"NL\"},\"lineItems\":[{\"variantId\":\"$V_TSM\",\"quantity\":2,\"priceSet\":$(eur 19.95),\"taxLines\":[{\"title\":\"BTW\",\"rate\":\"0.21\",\"priceSet\":$(eur 8.38)}]},{\"title\":\"Cadeauverpakking\",\"quantity\":1,\"priceSet\":$(eur 3.50)}],\"shippingLines\":[{\"title\":\"PostNL\",\"code\":\"postnl\",\"priceSet\":$(eur 4.95)}],\"discountCode\":{\"itemFixedDiscountCode\":{\"code\":\"WELKOM5\",\"amountSet\":$(eur 5.00)}},\"transactions\":[{\"kind\":\"SALE\",\"status\":\"SUCCESS\",\"gateway\":\"manual\",\"amountSet\":$(eur 51.73)}]}"
r=$(oc "$ORD")
id1=$(echo "$r" | py 'd["data"]["orderCreate"]["order"]["id"]')
is "orderCreate: #1017, tags sorted, the addresses, attributes and source kept" \
	"$(echo "$r" | py '(d["data"]["orderCreate"]["order"]["name"], int(d["data"]["orderCreate"]["order"]["id"].rsplit("/", 1)[1]) > 2 ** 32, d["data"]["orderCreate"]["order"]["tags"], d["data"]["orderCreate"]["order"]["note"], d["data"]["orderCreate"]["order"]["customAttributes"], d["data"]["orderCreate"]["order"]["sourceIdentifier"], d["data"]["orderCreate"]["order"]["shippingAddress"], d["data"]["orderCreate"]["order"]["processedAt"], d["data"]["orderCreate"]["userErrors"], d["extensions"]["cost"]["requestedQueryCost"])')" \
	"('#1017', True, ['imported', 'shopswitch:woocommerce:old:2001'], 'van de oude winkel', [{'key': 'old_id', 'value': '2001'}], 'woocommerce:2001', {'firstName': 'Jan', 'lastName': 'Jansen', 'city': 'Utrecht', 'zip': '3511 AB', 'countryCodeV2': 'NL'}, '2025-03-01T10:00:00Z', [], 10)"
is "its totals: 2 x 19.95 + 3.50 - 5.00 + 4.95 + 8.38 tax = 51.73, PAID by the SALE, UNFULFILLED" \
	"$(echo "$r" | py '(d["data"]["orderCreate"]["order"]["totalPriceSet"], d["data"]["orderCreate"]["order"]["displayFinancialStatus"], d["data"]["orderCreate"]["order"]["displayFulfillmentStatus"], d["data"]["orderCreate"]["order"]["discountCodes"])')" \
	"({'shopMoney': {'amount': '51.73', 'currencyCode': 'EUR'}}, 'PAID', 'UNFULFILLED', ['WELKOM5'])"
is "its lines (the variant's name and SKU) and one OPEN fulfillment order at Utrecht" \
	"$(echo "$r" | py '([(l["sku"], l["name"], l["quantity"], l["unfulfilledQuantity"], bool(l["variant"])) for l in d["data"]["orderCreate"]["order"]["lineItems"]["nodes"]], [(n["status"], n["assignedLocation"]["location"]["id"][-5:], [(l["totalQuantity"], l["remainingQuantity"]) for l in n["lineItems"]["nodes"]]) for n in d["data"]["orderCreate"]["order"]["fulfillmentOrders"]["nodes"]])')" \
	"([('TS-RED-M', 'T-shirt Rood - M', 2, 2, True), (None, 'Cadeauverpakking', 1, 1, False)], [('OPEN', '54971', [(2, 2), (1, 1)])])"
is "BYPASS (the default): no stock moved; no mail; a write 'order created'" \
	"$(level "$I_TSM" "$UT" available) $(level "$I_TSM" "$UT" committed) $(mails | py 'len(d)') $(writes | py 'd.get("order created")')" "12 2 1 1"
is "order(id:) and the tag search (search_lag 0) find it at once" \
	"$(q 'query($id: ID!, $q: String) { order(id: $id) { name } orders(first: 5, query: $q) { nodes { name } } }' "{\"id\":\"$id1\",\"q\":\"tag:'shopswitch:woocommerce:old:2001'\"}" | py '(d["data"]["order"]["name"], [o["name"] for o in d["data"]["orders"]["nodes"]])')" \
	"('#1017', ['#1017'])"
fo1=$(echo "$r" | py 'd["data"]["orderCreate"]["order"]["fulfillmentOrders"]["nodes"][0]["id"]')
fc "[{\"fulfillmentOrderId\":\"$fo1\"}]" >/dev/null
is "the created order fulfils like any other" "$(ostate "$id1")" \
	"('FULFILLED', [0, 0], [('CLOSED', [0, 0])])"
r=$(oc "{\"email\":\"anna@example.nl\",\"lineItems\":[{\"variantId\":\"$V_PST\",\"quantity\":3}]}" '{"inventoryBehaviour":"DECREMENT_IGNORING_POLICY","sendReceipt":true}')
id2=$(echo "$r" | py 'd["data"]["orderCreate"]["order"]["id"]')
is "DECREMENT_IGNORING_POLICY at Amsterdam (the only stock), the variant's price; sendReceipt mails" \
	"$(echo "$r" | py '(d["data"]["orderCreate"]["order"]["name"], d["data"]["orderCreate"]["order"]["totalPriceSet"]["shopMoney"]["amount"], d["data"]["orderCreate"]["order"]["displayFinancialStatus"], d["data"]["orderCreate"]["order"]["fulfillmentOrders"]["nodes"][0]["assignedLocation"]["location"]["id"][-5:])') $(mails | py 'd[-1]')" \
	"('#1018', '37.5', None, '87739') {'to': 'anna@example.nl', 'template': 'order_confirmation', 'order': '$id2'}"
I_PST=gid://shopify/InventoryItem/51234567800378
is "available 11 -> 8, committed 0 -> 3, on_hand 11; a write for the SKU" \
	"$(level "$I_PST" "$AM" available) $(level "$I_PST" "$AM" committed) $(level "$I_PST" "$AM" on_hand) $(writes | py 'd.get("PST-A2-AMS")')" "8 3 11 1"
fo2=$(echo "$r" | py 'd["data"]["orderCreate"]["order"]["fulfillmentOrders"]["nodes"][0]["id"]')
fc "[{\"fulfillmentOrderId\":\"$fo2\"}]" >/dev/null
is "fulfilling it takes the committed stock: on_hand 8" \
	"$(level "$I_PST" "$AM" available) $(level "$I_PST" "$AM" committed) $(level "$I_PST" "$AM" on_hand)" "8 0 8"
r=$(oc "{\"email\":\"piet@example.nl\",\"fulfillmentStatus\":\"FULFILLED\",\"lineItems\":[{\"title\":\"Oud item\",\"quantity\":1,\"priceSet\":$(eur 10)}]}" '{"sendFulfillmentReceipt":true}')
is "created fulfilled: FULFILLED, the fulfillment order CLOSED, a shipping_confirmation" \
	"$(echo "$r" | py '(d["data"]["orderCreate"]["order"]["displayFulfillmentStatus"], [n["status"] for n in d["data"]["orderCreate"]["order"]["fulfillmentOrders"]["nodes"]])') $(mails | py '(len(d), d[-1]["template"], d[-1]["to"])')" \
	"('FULFILLED', ['CLOSED']) (3, 'shipping_confirmation', 'piet@example.nl')"
# tot ORDER-JSON-PARTS: (total, financial status) of an order with one
# custom line of 100.00 and the parts given.
tot() {
	oc "{\"lineItems\":[{\"title\":\"X\",\"quantity\":1,\"priceSet\":$(eur 100.00)${2:+,$2}}]${1:+,$1}}" |
		py '(d["data"]["orderCreate"]["order"]["totalPriceSet"]["shopMoney"]["amount"], d["data"]["orderCreate"]["order"]["displayFinancialStatus"])'
}
is "totals: percentage, free shipping, taxes included, rate only, authorization, part paid, none" \
	"$(tot "\"discountCode\":{\"itemPercentageDiscountCode\":{\"code\":\"P15\",\"percentage\":15}}") $(tot "\"shippingLines\":[{\"title\":\"S\",\"priceSet\":$(eur 6.95)}],\"discountCode\":{\"freeShippingDiscountCode\":{\"code\":\"FREE\"}}") $(tot '"taxesIncluded":true' "\"taxLines\":[{\"title\":\"BTW\",\"rate\":0.21,\"priceSet\":$(eur 17.36)}]") $(tot '' '"taxLines":[{"title":"BTW","rate":"0.09"}]') $(tot "\"transactions\":[{\"kind\":\"AUTHORIZATION\",\"amountSet\":$(eur 100)}]") $(tot "\"transactions\":[{\"amountSet\":$(eur 40)}]") $(tot '"financialStatus":"PENDING"')" \
	"('85.0', None) ('100.0', None) ('100.0', None) ('109.0', None) ('100.0', 'AUTHORIZED') ('100.0', 'PARTIALLY_PAID') ('100.0', 'PENDING')"
is "no line items" "$(ocerr '{"lineItems":[]}')" \
	"[('INVALID', ['order', 'lineItems'], 'Line items must have at least one line item')]"
is "an unknown variant; a line with neither variant nor title" \
	"$(ocerr '{"lineItems":[{"variantId":"gid://shopify/ProductVariant/1","quantity":1}]}') $(oc '{"lineItems":[{"quantity":1}]}' | py 'len(d["data"]["orderCreate"]["userErrors"])')" \
	"[('INVALID', ['order'], 'Order Line items is invalid'), ('INVALID', ['order', 'lineItems'], \"Line items Name can't be blank\"), ('INVALID', ['order', 'lineItems'], \"Line items Title can't be blank\")] 3"
is "quantity 0, a currency mismatch, a negative price, a bad e-mail: all at once" \
	"$(ocerr "{\"email\":\"nope\",\"lineItems\":[{\"title\":\"A\",\"quantity\":0,\"priceSet\":$(eur 1 USD)},{\"title\":\"B\",\"quantity\":1,\"priceSet\":$(eur -1)}]}")" \
	"[('INVALID', ['order', 'lineItems', '0', 'quantity'], 'Quantity must be greater than 0'), ('INVALID', ['order', 'lineItems', '0', 'priceSet', 'shopMoney', 'currencyCode'], 'Currency must be EUR.'), ('INVALID', ['order', 'lineItems', '1', 'priceSet'], 'Price must be greater than or equal to 0'), ('INVALID', ['order', 'email'], 'Email is invalid')]"
is "a tax rate left blank; tax lines on order and lines; two discounts; a fulfillment service; a long tag" \
	"$(oc "{\"tags\":[\"$(printf '%041d' 0)\"],\"taxLines\":[{\"title\":\"T\",\"rate\":\"0.1\"}],\"discountCode\":{\"itemFixedDiscountCode\":{\"code\":\"A\"},\"freeShippingDiscountCode\":{\"code\":\"B\"}},\"lineItems\":[{\"title\":\"A\",\"quantity\":1,\"fulfillmentService\":\"amazon\",\"taxLines\":[{\"title\":\"T\",\"rate\":\"\"}]}]}" | py '[(e["code"], e["field"]) for e in d["data"]["orderCreate"]["userErrors"]]')" \
	"[('INVALID', ['order', 'taxLines']), ('FULFILLMENT_SERVICE_INVALID', ['order', 'lineItems', '0', 'fulfillmentService']), ('TAX_LINE_RATE_MISSING', ['order', 'lineItems', '0', 'taxLines', '0', 'rate']), ('INVALID', ['order', 'discountCode']), ('INVALID', ['order', 'tags', '0'])]"
is "a shipping line without a price: refused by the schema" \
	"$(oc '{"lineItems":[{"title":"A","quantity":1}],"shippingLines":[{"title":"S"}]}' | py 'd["errors"][0]["extensions"]["problems"]')" \
	"[{'path': ['shippingLines', 0, 'priceSet'], 'explanation': 'Expected value to not be null'}]"
is "DECREMENT_OBEYING_POLICY beyond the stock: INVENTORY_CLAIM_FAILED, nothing moved" \
	"$(oc "{\"lineItems\":[{\"variantId\":\"$V_PST\",\"quantity\":9}]}" '{"inventoryBehaviour":"DECREMENT_OBEYING_POLICY"}' | py '[(e["code"], e["field"]) for e in d["data"]["orderCreate"]["userErrors"]]') $(level "$I_PST" "$AM" available)" \
	"[('INVENTORY_CLAIM_FAILED', ['order', 'lineItems', '0'])] 8"
is "customer and customerId: REDUNDANT_CUSTOMER_FIELDS; customer alone: NOT_EMULATED" \
	"$(oc '{"customerId":"gid://shopify/Customer/1","customer":{"toAssociate":{"id":"gid://shopify/Customer/1"}},"lineItems":[{"title":"A","quantity":1}]}' | py '[(e["code"], e["field"]) for e in d["data"]["orderCreate"]["userErrors"]]') $(oc '{"customer":{"toAssociate":{"id":"gid://shopify/Customer/1"}},"lineItems":[{"title":"A","quantity":1}]}' | py 'd["errors"][0]["extensions"]["code"]')" \
	"[('REDUNDANT_CUSTOMER_FIELDS', ['order'])] NOT_EMULATED"
is "a processedAt in the future is clamped to now" \
	"$(oc '{"processedAt":"2099-01-01T00:00:00Z","lineItems":[{"title":"A","quantity":1}]}' | py 'd["data"]["orderCreate"]["order"]["processedAt"] == d["data"]["orderCreate"]["order"]["createdAt"]')" True
is "@idempotent on orderCreate: refused" \
	"$(q 'mutation { orderCreate(order: {lineItems: [{title: \"A\", quantity: 1}]}) @idempotent(key: \"k\") { userErrors { code } } }' | py 'd["errors"][0]["extensions"]["code"]')" BAD_REQUEST
is "the refusals created nothing: 11 orders created in all, 5 fulfillments written" \
	"$(writes | py '(d["order created"], sum(v for k, v in d.items() if k.endswith("fulfillment")))')" "(11, 5)"
curl -s -X POST "$base/_sandbox/reset" >/dev/null
is "reset: the created orders, fulfillments, mails and writes are gone" \
	"$(q '{ orders(first: 50) { nodes { name } } }' | py 'len(d["data"]["orders"]["nodes"])') $(ostate "$O1004") $(mails) $(writes)" \
	"15 ('UNFULFILLED', [2, 1], [('OPEN', [2, 1])]) [] {}"

# ------------------------------------------------------------ search_lag, order_create_limit
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_lag
r=$(oc '{"tags":["lagging"],"lineItems":[{"title":"A","quantity":1}]}')
id3=$(echo "$r" | py 'd["data"]["orderCreate"]["order"]["id"]')
is "search_lag=600: a new order is not in orders(query:) yet, but order(id:) and a plain list have it" \
	"$(q 'query($id: ID!, $t: String, $n: String) { order(id: $id) { name } t: orders(first: 5, query: $t) { nodes { name } } n: orders(first: 5, query: $n) { nodes { name } } all: orders(first: 1, reverse: true, sortKey: ID) { nodes { name } } }' "{\"id\":\"$id3\",\"t\":\"tag:lagging\",\"n\":\"name:1017\"}" | py '(d["data"]["order"]["name"], d["data"]["t"]["nodes"], d["data"]["n"]["nodes"], d["data"]["all"]["nodes"])')" \
	"('#1017', [], [], [{'name': '#1017'}])"
oc '{"lineItems":[{"title":"A","quantity":1}]}' >/dev/null
is "order_create_limit=2: the third orderCreate within a minute is refused" \
	"$(oc '{"lineItems":[{"title":"A","quantity":1}]}' | py 'd["data"]["orderCreate"]') $(writes)" \
	"{'order': None, 'userErrors': [{'code': None, 'field': None, 'message': 'Too many attempts. Please try again later.'}]} {\"order created\": 2}"
r=$(setq k1 available "[$(qty "$I_HDM" "$UT" 9 6),$(qty "$I_TSM" "$UT" 5 99)]")
is "atomic=0: the valid quantity is set beside the other's user error" \
	"$(echo "$r" | py '(d["data"]["inventorySetQuantities"]["inventoryAdjustmentGroup"]["changes"][0]["quantityAfterChange"], [e["code"] for e in d["data"]["inventorySetQuantities"]["userErrors"]])') $(level "$I_HDM" "$UT" available) $(level "$I_TSM" "$UT" available)" \
	"(9, ['CHANGE_FROM_QUANTITY_STALE']) 9 12"
base=http://127.0.0.1:$port_seed

# ------------------------------------------------------------ bulk operations
# brun QUERY [GROUP-OBJECTS]: run bulkOperationRunQuery; the whole answer.
brun() {
	gql "$(python3 -S -c 'import json, sys
print(json.dumps({"query": "mutation($q: String!, $g: Boolean!) { bulkOperationRunQuery(query: $q, groupObjects: $g) { bulkOperation { id status type errorCode createdAt completedAt objectCount rootObjectCount fileSize url partialDataUrl query } userErrors { field message code } } }", "variables": {"q": sys.argv[1], "g": sys.argv[2] == "true"}}))' "$1" "${2:-false}")"
}
# bid QUERY [GROUP-OBJECTS]: run it; the new operation's id.
bid() {
	brun "$@" | py 'd["data"]["bulkOperationRunQuery"]["bulkOperation"]["id"]'
}
# bulk ID: the operation's fields as JSON.
bulk() {
	q 'query($i: ID!) { bulkOperation(id: $i) { status errorCode createdAt completedAt objectCount rootObjectCount fileSize url partialDataUrl } }' "{\"i\":\"$1\"}" |
		py 'json.dumps(d["data"]["bulkOperation"])'
}
# bwait ID [STATUS...]: poll the operation (at most 400 times, 0.05 s
# apart: a bound on polls, never a time asserted) until its status is
# none of CREATED RUNNING CANCELING, or none of the STATUSes given.
bwait() {
	b_id=$1
	shift
	[ $# -gt 0 ] || set -- CREATED RUNNING CANCELING
	i=0
	while :; do
		b=$(bulk "$b_id")
		st=$(echo "$b" | py 'd["status"]')
		wait_more=no
		for w in "$@"; do
			[ "$st" = "$w" ] && wait_more=yes
		done
		i=$((i + 1))
		[ "$wait_more" = yes ] && [ "$i" -lt 400 ] || break
		sleep 0.05
	done
	echo "$b"
}
# bfield JSON EXPR [ARG]: EXPR of the operation's fields (ARG: sys.argv[2]).
bfield() {
	echo "$1" | py "$2" "${3:-}"
}
urlof() {
	echo "$1" | py 'd["url"]'
}
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_bulk
BQ='{ productVariants { edges { node { id sku inventoryItem { id tracked inventoryLevel(locationId: "gid://shopify/Location/78650654971") { quantities(names: ["available"]) { name quantity } } } product { status } } } } }'
r=$(brun "$BQ")
is "bulkOperationRunQuery: CREATED, type QUERY, counts \"0\", url null, the query kept; costs 10" \
	"$(echo "$r" | py '(d["data"]["bulkOperationRunQuery"]["userErrors"], [(k, v) for k, v in d["data"]["bulkOperationRunQuery"]["bulkOperation"].items() if k not in ("id", "createdAt", "query")], d["data"]["bulkOperationRunQuery"]["bulkOperation"]["id"][:28], d["data"]["bulkOperationRunQuery"]["bulkOperation"]["query"] == sys.argv[2], d["extensions"]["cost"]["requestedQueryCost"])' "$BQ")" \
	"([], [('status', 'CREATED'), ('type', 'QUERY'), ('errorCode', None), ('completedAt', None), ('objectCount', '0'), ('rootObjectCount', '0'), ('fileSize', None), ('url', None), ('partialDataUrl', None)], 'gid://shopify/BulkOperation/', True, 10)"
b1=$(echo "$r" | py 'd["data"]["bulkOperationRunQuery"]["bulkOperation"]["id"]')
done1=$(bwait "$b1")
is "polled to COMPLETED: 25 objects, all roots (UnsignedInt64 strings), completedAt, fileSize, a url" \
	"$(bfield "$done1" '(d["status"], d["objectCount"], d["rootObjectCount"], d["errorCode"], d["completedAt"] >= d["createdAt"], d["fileSize"].isdigit(), d["url"].startswith(sys.argv[2] + "/shopify-tiers-assets-prod-us-east1/bulk-operation-outputs/"), d["partialDataUrl"])' "$base")" \
	"('COMPLETED', '25', '25', None, True, True, True, None)"
u1=$(urlof "$done1")
curl -s -D "$tmp/bulk.h" -o "$tmp/bulk1.jsonl" "$u1"
is "the url needs no token: 200 application/jsonl, fileSize bytes, 25 lines, '/' written '\\/'" \
	"$(sed -n '1s/^HTTP\/1.1 \([0-9]*\).*/\1/p; s/^Content-Type: *//p' "$tmp/bulk.h" | tr -d '\r' | tr '\n' ' ')$(wc -c <"$tmp/bulk1.jsonl" | tr -d ' ') $(bfield "$done1" 'd["fileSize"]') $(wc -l <"$tmp/bulk1.jsonl" | tr -d ' ') $(head -c 24 "$tmp/bulk1.jsonl")" \
	"200 application/jsonl $(bfield "$done1" 'd["fileSize"]') $(bfield "$done1" 'd["fileSize"]') 25 {\"id\":\"gid:\\/\\/shopify\\/"
is "the JSONL holds what the paged query returns, node for node" \
	"$(q "$(echo "$BQ" | sed 's/productVariants {/productVariants(first: 100) {/; s/"/\\"/g')" | python3 -S -c 'import json, sys
paged = [e["node"] for e in json.load(sys.stdin)["data"]["productVariants"]["edges"]]
bulk = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
print(len(paged), paged == bulk, "__parentId" in str(bulk))' "$tmp/bulk1.jsonl")" "25 True False"
curl -s -o /dev/null -H "X-Shopify-Access-Token: $tok" "$u1"
is "/_sandbox/state notes each storage request and whether it carried X-Shopify-Access-Token" \
	"$(curl -s "$base/_sandbox/state" | py '[(r["operation"] == sys.argv[2], r["file"], r["accessToken"]) for r in d["storageRequests"]]' "$b1")" \
	"[(True, 'result', False), (True, 'result', True)]"
NQ='{ productVariants(query: "sku:TS-RED-M OR sku:TS-RED-XL OR sku:CANDLE-CB") { edges { node { id sku inventoryItem { id inventoryLevels { edges { node { id location { name } quantities(names: ["available"]) { quantity } } } } } } } } }'
d1=$(bwait "$(bid "$NQ")")
is "a nested connection: its nodes on lines of their own after all the roots, with __parentId (groupObjects false)" \
	"$(curl -s "$(urlof "$d1")" | py_lines '[(l["id"].split("/")[3], l.get("__parentId", "-")[-5:], "inventoryLevels" in str(l)) for l in d]') $(bfield "$d1" '(d["objectCount"], d["rootObjectCount"])')" \
	"[('ProductVariant', '-', False), ('ProductVariant', '-', False), ('ProductVariant', '-', False), ('InventoryLevel', '00032', False), ('InventoryLevel', '00032', False), ('InventoryLevel', '00094', False), ('InventoryLevel', '00311', False), ('InventoryLevel', '00311', False)] ('8', '3')"
d2=$(bwait "$(bid "$NQ" true)")
is "groupObjects true: each variant followed by its levels; the inline inventoryItem keeps its id" \
	"$(curl -s "$(urlof "$d2")" | py_lines '[l["id"].split("/")[3][:4] + l.get("__parentId", "")[-2:] for l in d], d[0]["inventoryItem"]')" \
	"(['Prod', 'Inve32', 'Inve32', 'Prod', 'Inve94', 'Prod', 'Inve11', 'Inve11'], {'id': 'gid://shopify/InventoryItem/51234567800030'})"
is "no results: COMPLETED with objectCount \"0\", url and fileSize null" \
	"$(bfield "$(bwait "$(bid '{ productVariants(query: "sku:NOPE") { edges { node { id } } } }')")" '(d["status"], d["objectCount"], d["url"], d["fileSize"])')" \
	"('COMPLETED', '0', None, None)"
is "orders: the last 60 days only, as paged" \
	"$(curl -s "$(urlof "$(bwait "$(bid '{ orders { edges { node { id name } } } }')")")" | py_lines '(len(d), d[0]["name"], d[-1]["name"])')" \
	"(15, '#1002', '#1016')"
is "currentBulkOperation: the latest query; of type MUTATION: null" \
	"$(q '{ c: currentBulkOperation { status url } m: currentBulkOperation(type: MUTATION) { id } }' | py '(d["data"]["c"]["status"], d["data"]["c"]["url"] is not None, d["data"]["m"])')" \
	"('COMPLETED', True, None)"
is "bulkOperation: an unknown id null; another type's gid RESOURCE_NOT_FOUND; costs 1" \
	"$(q '{ bulkOperation(id: \"gid://shopify/BulkOperation/0\") { id } }' | py '(d["data"], d["extensions"]["cost"]["requestedQueryCost"])') $(q '{ bulkOperation(id: \"gid://shopify/Product/1\") { id } }' | py '(d["errors"][0]["message"], d["errors"][0]["extensions"]["code"])')" \
	"({'bulkOperation': None}, 1) ('Invalid id: gid://shopify/Product/1', 'RESOURCE_NOT_FOUND')"
t=$(oauth --data "$grant" | sed 's/ 200$//' | py 'd["access_token"]')
is "another app (a granted token) does not see the operation" \
	"$(curl -s -H "X-Shopify-Access-Token: $t" -H 'Content-Type: application/json' --data "{\"query\":\"{ bulkOperation(id: \\\"$b1\\\") { id } c: currentBulkOperation { id } }\"}" "$base$api" | py 'd["data"]')" \
	"{'bulkOperation': None, 'c': None}"
# berr QUERY: the userErrors of a bulk query that is refused; bmsg
# QUERY: the first one's message.
berr() {
	brun "$1" | py '(d["data"]["bulkOperationRunQuery"]["bulkOperation"], [(e["code"], e["field"], e["message"]) for e in d["data"]["bulkOperationRunQuery"]["userErrors"]])'
}
bmsg() {
	brun "$1" | py 'd["data"]["bulkOperationRunQuery"]["userErrors"][0]["message"]'
}
is "refused: no connection" "$(berr '{ shop { id } }')" \
	"(None, [('INVALID', ['query'], 'Bulk queries must contain at least one connection.')])"
is "refused: nodes instead of edges > node" "$(berr '{ productVariants { nodes { id } } }')" \
	"(None, [('INVALID', ['query'], \"All connection fields in a bulk query must select their contents using 'edges' > 'node', e.g: 'productVariants { edges { node {'. Selecting via 'nodes' is not supported. Invalid connection fields: 'productVariants'.\")])"
is "refused: a nested connection whose parent node does not select id" \
	"$(bmsg '{ productVariants { edges { node { sku inventoryItem { inventoryLevels { edges { node { id } } } } } } } }')" \
	"The parent 'node' field for a nested connection must select the 'id' field without an alias and must be of 'ID' return type. Connection fields without 'id': productVariants."
is "refused: a connection inside a list (fulfillments)" \
	"$(bmsg '{ orders { edges { node { id fulfillments { fulfillmentLineItems { edges { node { id } } } } } } } }')" \
	"Queries that contain a connection field within a list field are not currently supported."
is "refused: connections nested 3 deep" \
	"$(bmsg '{ orders { edges { node { id fulfillmentOrders { edges { node { id lineItems { edges { node { id lineItem { variant { inventoryItem { inventoryLevels { edges { node { id } } } } } } } } } } } } } } } }')" \
	"Bulk queries cannot contain connections with a nesting depth greater than 2."
is "refused: 6 connections" \
	"$(bmsg '{ productVariants { edges { node { id inventoryItem { a: inventoryLevels { edges { node { id } } } b: inventoryLevels { edges { node { id } } } c: inventoryLevels { edges { node { id } } } d: inventoryLevels { edges { node { id } } } e: inventoryLevels { edges { node { id } } } } } } } }')" \
	"Bulk queries cannot contain more than 5 connections."
is "refused: a mutation; an empty query; an unknown field; a variable; 65536 bytes" \
	"$(for b in 'mutation { bulkOperationCancel(id: "gid://shopify/BulkOperation/1") { userErrors { message } } }' '' '{ productVariants { edges { node { colour } } } }' 'query($n: Int!) { productVariants(first: $n) { edges { node { id } } } }' "#$(printf '%065535d' 0)"; do bmsg "$b"; done)" \
	"Invalid operation type. Only \`query\` operations are supported.
Invalid bulk query: syntax error, unexpected end of file
Invalid bulk query: Field 'colour' doesn't exist on type 'ProductVariant'
Invalid bulk query: Variable \$n of type Int! was provided invalid value
Query is too large (65536 bytes; maximum is 65535 bytes)"
is "fragments in a bulk query: NOT_EMULATED" \
	"$(brun '{ productVariants { edges { node { ...F } } } } fragment F on ProductVariant { id }' | py '(d["errors"][0]["extensions"]["code"], d["data"])')" \
	"('NOT_EMULATED', {'bulkOperationRunQuery': None})"
is "bulkOperationCancel: of a COMPLETED one a userError; of an unknown one \"Bulk operation does not exist\"" \
	"$(for i in "$b1" gid://shopify/BulkOperation/1; do q 'mutation($i: ID!) { bulkOperationCancel(id: $i) { bulkOperation { status } userErrors { field message } } }' "{\"i\":\"$i\"}" | py 'd["data"]["bulkOperationCancel"]'; done)" \
	"{'bulkOperation': {'status': 'COMPLETED'}, 'userErrors': [{'field': None, 'message': 'A bulk operation cannot be canceled when it is completed'}]}
{'bulkOperation': None, 'userErrors': [{'field': ['id'], 'message': 'Bulk operation does not exist'}]}"
fault '[{"path":"/admin/api/2026-10/graphql.json","kind":"change","change":{"bulkFail":"TIMEOUT"}}]'
f1=$(bwait "$(bid "$BQ")")
is "fault change bulkFail TIMEOUT: FAILED after half (12), url null, partialDataUrl with those 12 lines" \
	"$(bfield "$f1" '(d["status"], d["errorCode"], d["objectCount"], d["rootObjectCount"], d["url"], d["fileSize"], d["completedAt"])') $(curl -s "$(echo "$f1" | py 'd["partialDataUrl"]')" | wc -l | tr -d ' ')" \
	"('FAILED', 'TIMEOUT', '12', '12', None, None, None) 12"
fault '[{"path":"/admin/api/2026-10/graphql.json","kind":"change","change":{"bulkFail":"INTERNAL_SERVER_ERROR","after":0}}]'
is "bulkFail INTERNAL_SERVER_ERROR after 0: FAILED with nothing, partialDataUrl null" \
	"$(bfield "$(bwait "$(bid "$BQ")")" '(d["status"], d["errorCode"], d["objectCount"], d["partialDataUrl"])')" \
	"('FAILED', 'INTERNAL_SERVER_ERROR', '0', None)"
fault '[{"path":"/shopify-tiers-assets-prod-us-east1/","kind":"500"}]'
is "a 500 fault on the download: Google Cloud Storage's XML error once, then the file" \
	"$(curl -s -w ' %{http_code} %{content_type}' "$u1" | sed 's/\r//') $(curl -s -o /dev/null -w '%{http_code}' "$u1")" \
	"<?xml version='1.0' encoding='UTF-8'?><Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error> 500 application/xml; charset=UTF-8 200"
is "the url with its Expires changed: 403 SignatureDoesNotMatch" \
	"$(curl -s -w ' %{http_code}' "$(echo "$u1" | sed 's/Expires=/Expires=1/')" | sed 's/^.*<Code>\([A-Za-z]*\)<.*\( [0-9]*\)$/\1\2/')" \
	"SignatureDoesNotMatch 403"
is "Range: bytes=0-9: 206, the first 10 bytes" \
	"$(curl -s -r 0-9 -w ' %{http_code}' "$u1")" '{"id":"gid 206'

# shellcheck disable=SC2154
base=http://127.0.0.1:$port_stuck
for i in 1 2 3 4 5; do
	bid '{ productVariants { edges { node { id } } } }'
done >"$tmp/stuck.ids"
is "five at once (2026-10); a sixth: OPERATION_IN_PROGRESS naming the five" \
	"$(brun '{ productVariants { edges { node { id } } } }' | py 'd["data"]["bulkOperationRunQuery"]')" \
	"{'bulkOperation': None, 'userErrors': [{'field': None, 'message': 'A bulk query operation for this app and shop is already in progress: $(paste -sd, "$tmp/stuck.ids" | sed 's/,/, /g').', 'code': 'OPERATION_IN_PROGRESS'}]}"
s1=$(head -n 1 "$tmp/stuck.ids")
is "bulkOperationCancel: CANCELING, then CANCELED, url null" \
	"$(q 'mutation($i: ID!) { bulkOperationCancel(id: $i) { bulkOperation { status } userErrors { message } } }' "{\"i\":\"$s1\"}" | py 'd["data"]["bulkOperationCancel"]') $(bfield "$(bwait "$s1")" '(d["status"], d["url"], d["completedAt"])')" \
	"{'bulkOperation': {'status': 'CANCELING'}, 'userErrors': []} ('CANCELED', None, None)"
is "a canceled one frees its place: a sixth starts" \
	"$(brun '{ productVariants { edges { node { id } } } }' | py '(d["data"]["bulkOperationRunQuery"]["bulkOperation"]["status"], d["data"]["bulkOperationRunQuery"]["userErrors"])')" \
	"('CREATED', [])"

# shellcheck disable=SC2154
base=http://127.0.0.1:$port_lag
e1=$(bwait "$(bid '{ productVariants { edges { node { id } } } }')")
u2=$(urlof "$e1")
is "bulk_url_ttl=3: EXPIRED once the url is older, url null; the old url answers 400 ExpiredToken" \
	"$(bfield "$e1" 'd["status"]') $(bfield "$(bwait "$(curl -s "$base/_sandbox/state" | py 'd["bulkOperations"][-1]["id"]')" COMPLETED)" '(d["status"], d["url"], d["completedAt"] is not None)') $(curl -s -w ' %{http_code}' "$u2" | sed 's/^.*<Code>\([A-Za-z]*\)<.*\( [0-9]*\)$/\1\2/')" \
	"COMPLETED ('EXPIRED', None, True) ExpiredToken 400"
base=http://127.0.0.1:$port_seed

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
is "generated orders: a fulfillment order each, derived from their state" \
	"$(q '{ a: orders(first: 24) { nodes { displayFulfillmentStatus cancelledAt lineItems(first: 3) { nodes { unfulfilledQuantity } } fulfillmentOrders(first: 2) { nodes { id status lineItems(first: 3) { nodes { remainingQuantity } } } } } } b: orders(first: 24, reverse: true) { nodes { displayFulfillmentStatus cancelledAt lineItems(first: 3) { nodes { unfulfilledQuantity } } fulfillmentOrders(first: 2) { nodes { id status lineItems(first: 3) { nodes { remainingQuantity } } } } } } }' | py 'sorted(set((o["displayFulfillmentStatus"], o["cancelledAt"] is not None, len(o["fulfillmentOrders"]["nodes"]), int(o["fulfillmentOrders"]["nodes"][0]["id"].rsplit("/", 1)[1]) > 10 ** 15, o["fulfillmentOrders"]["nodes"][0]["status"], [l["unfulfilledQuantity"] for l in o["lineItems"]["nodes"]] == [l["remainingQuantity"] for l in o["fulfillmentOrders"]["nodes"][0]["lineItems"]["nodes"]]) for o in d["data"]["a"]["nodes"] + d["data"]["b"]["nodes"]))')" \
	"[('FULFILLED', False, 1, True, 'CLOSED', True), ('ON_HOLD', False, 1, True, 'ON_HOLD', True), ('PARTIALLY_FULFILLED', False, 1, True, 'IN_PROGRESS', True), ('UNFULFILLED', False, 1, True, 'OPEN', True), ('UNFULFILLED', True, 1, True, 'CLOSED', True)]"
fog=$(q 'query($q: String) { orders(first: 1, query: $q) { nodes { fulfillmentOrders(first: 1) { nodes { id } } } } }' '{"q":"fulfillment_status:unshipped AND status:open"}' | py 'd["data"]["orders"]["nodes"][0]["fulfillmentOrders"]["nodes"][0]["id"]')
is "generated orders: fulfillmentCreate on a derived fulfillment order" \
	"$(q 'mutation($f: FulfillmentInput!) { fulfillmentCreate(fulfillment: $f) { fulfillment { status } userErrors { message } } }' "{\"f\":{\"lineItemsByFulfillmentOrder\":[{\"fulfillmentOrderId\":\"$fog\"}]}}" | py 'd["data"]["fulfillmentCreate"]')" \
	"{'fulfillment': {'status': 'SUCCESS'}, 'userErrors': []}"
await big "$pid_big"
base=http://127.0.0.1:$(cat "$tmp/big.ready")
is "10,000 variants: a page of 249 from a cursor in the middle" \
	"$(q 'query($a: String) { productVariants(first: 249, after: $a) { nodes { sku } } }' "{\"a\":\"$(printf '{"last_id":81012000,"last_value":81012000}' | base64 | tr -d '\n')\"}" | py 'len(d["data"]["productVariants"]["nodes"])')" 249
# The default bulk_start and bulk_rate (1 s, 500 objects/s): 10,000
# variants take 20 s to run; poll until it has begun, then cancel it.
b3=$(bid '{ productVariants { edges { node { id sku } } } }')
r3=$(bwait "$b3" CREATED)
n3=$(bfield "$r3" 'int(d["objectCount"])')
i=0
while [ "$n3" -eq 0 ] && [ "$i" -lt 400 ]; do
	sleep 0.05
	r3=$(bulk "$b3")
	n3=$(bfield "$r3" 'int(d["objectCount"])')
	i=$((i + 1))
done
r4=$(bulk "$b3")
is "10,000 variants, default settings: RUNNING, objectCount grows while polled" \
	"$(bfield "$r3" '(d["status"], 0 < int(d["objectCount"]) < 10000, d["objectCount"] == d["rootObjectCount"], d["url"])') $(bfield "$r4" 'int(d["objectCount"]) >= int(sys.argv[2])' "$n3")" \
	"('RUNNING', True, True, None) True"
q 'mutation($i: ID!) { bulkOperationCancel(id: $i) { userErrors { message } } }' "{\"i\":\"$b3\"}" >/dev/null

# ------------------------------------------------------------ bad data, options
mkdir "$tmp/bad"
printf '[{"id":"gid://shopify/Location/1","name":"A"}]\n' >"$tmp/bad/locations.json"
printf '[{"id":"gid://shopify/Product/1","title":"T","variants":[{"id":"gid://shopify/ProductVariant/2","sku":"X","inventoryItem":{"id":"gid://shopify/InventoryItem/3","levels":{"gid://shopify/Location/9":{"available":1}}}}]}]\n' >"$tmp/bad/products.json"
python3 "$here/sandbox.py" --platform shopify --data "$tmp/bad" --port 0 2>"$tmp/bad.err"
is "a level at an unknown location: exit 2, naming file, variant and location" \
	"$? $(cat "$tmp/bad.err")" \
	"2 sandbox: products.json: variant 'gid://shopify/ProductVariant/2': level at gid://shopify/Location/9: no such location in locations.json"
mkdir "$tmp/badfo"
cp "$seed/locations.json" "$seed/products.json" "$tmp/badfo/"
python3 -c 'import json, sys
o = json.load(open(sys.argv[1]))
o[3]["fulfillmentOrders"][0]["lineItems"][0]["remainingQuantity"] = 1
json.dump(o, open(sys.argv[2], "w"))' "$seed/orders.json" "$tmp/badfo/orders.json"
python3 "$here/sandbox.py" --platform shopify --data "$tmp/badfo" --port 0 2>"$tmp/badfo.err"
is "a fulfillment order that disagrees with the line items: exit 2, naming it" \
	"$? $(cat "$tmp/badfo.err")" \
	"2 sandbox: orders.json: order 'gid://shopify/Order/6543210987124': line item 'gid://shopify/LineItem/16012345670066': unfulfilledQuantity 2, but its open fulfillment orders hold 1"
python3 "$here/sandbox.py" --platform shopify --data "$seed" --set bucket=lots --port 0 2>/dev/null
is "--set bucket=lots: exit 2" "$?" 2
python3 "$here/sandbox.py" --platform shopify --data "$seed" --set colour=red --port 0 2>/dev/null
is "--set of an unknown setting: exit 2" "$?" 2
python3 "$here/sandbox.py" --platform shopify --data "$seed" --set bulk_rate=0 --port 0 2>"$tmp/rate.err"
is "--set bulk_rate=0: exit 2, saying why" "$? $(cat "$tmp/rate.err")" \
	"2 sandbox: --set bulk_start must be a number of seconds >= 0 and bulk_rate a number of objects per second above 0"

# shellcheck disable=SC2154
kill "$pid_seed"
wait "$pid_seed"
is "SIGTERM: exits 0" "$?" 0

# shellcheck disable=SC2154
echo "1..$n"
# shellcheck disable=SC2154
[ "$failed" -eq 0 ]
