# stock-snapshot.bats: against the API sandbox's Picqer.  taken_at
# changes with every run: the expected files hold the other columns.
load setup

SEED=$TOP/tests/sandbox/data/picqer
SS="stock-snapshot --from picqer"

# snap ARGS: the snapshot without its taken_at column
snap() { $SS "$@" | cut -d, -f1-8; }
snap_of() { stock-snapshot --from "$@" | cut -d, -f1-8; }

@test "free stock summed over the active warehouses" { sandbox_start --data "$SEED"; t 0 all.csv "" snap; }
@test "every row has the start time"             {
	sandbox_start --data "$SEED"
	before=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	$SS >out.csv
	[ "$(tail -n +2 out.csv | cut -d, -f9 | sort -u | wc -l)" -eq 1 ]
	taken=$(tail -n 1 out.csv | cut -d, -f9)
	[[ "$taken" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$ ]]
	[[ ! "$taken" < "$before" ]]
}
@test "sorted by SKU in byte order"              { sandbox_start --data "$SEED"; $SS | tail -n +2 | cut -d, -f1 >skus; [ "$(wc -l <skus)" -gt 1 ]; LC_ALL=C sort -c skus; }
@test "--per-warehouse"                          { sandbox_start --data "$SEED"; t 0 per-wh.csv "" snap --per-warehouse; }
@test "--warehouse counts only that one"         { sandbox_start --data "$SEED"; t 0 wh321.csv "" snap -w 321; }
@test "the connection's warehouses"              { sandbox_start --data "$SEED"; connections "warehouses = 1034" "rate_window = 0.2"; t 0 wh1034.csv "" snap; }
@test "--inactive adds inactive products"        { sandbox_start --data "$SEED"; t 0 inactive.csv "" snap --inactive; }
@test "--inactive: a product made inactive between the two listings comes once" {
	sandbox_start --data "$SEED"
	# TS-RED-M is made inactive after /products was read and before
	# /products?inactive=true is: it is in both listings.
	fault '[{"path": "/api/v1/products", "kind": "change", "skip": 1, "change": {"sku": "TS-RED-M", "active": false}}]'
	t 0 inactive.csv "" snap --inactive
	requests | grep '^GET /api/v1/products?inactive=true&offset=0 200$' >/dev/null
}
@test "a change the sandbox cannot apply is refused when posted" {
	sandbox_start --data "$SEED"
	run curl -s -o /dev/null -w '%{http_code}' -X POST -d '[{"path": "/api/v1/products", "kind": "change", "change": {"sku": "NO-SUCH", "active": false}}]' "$SANDBOX/_sandbox/faults"
	[ "$output" = 400 ]
}
@test "JSON Lines: numbers as numbers"           { sandbox_start --data "$SEED"; $SS -o jsonl | sed 's/,"taken_at":"[^"]*"//' >snap.jsonl; t 0 all.jsonl "" cat snap.jsonl; }
@test "a warehouse the account lacks: exit 2"    { sandbox_start --data "$SEED"; t 2 - "stock-snapshot: warehouse 999 is not one of this account's \(321, 1034\)" $SS -w 999; }
@test "pages: 250 products in 3 requests and 1 for the warehouses" {
	sandbox_start --generate products=250,warehouses=2
	$SS >out.csv
	# every active product of a type with stock (not unlimited_stock)
	want=$(state | py -c 'import json, sys
print(sum(p["type"] == "normal" and p["active"] for p in json.load(sys.stdin)["products"]))')
	[ "$(tail -n +2 out.csv | wc -l)" -eq "$want" ] || { echo "want $want, got $(tail -n +2 out.csv | wc -l)"; curl -s "$SANDBOX/_sandbox/state" | head -c 300; return 1; }
	t 0 pages.req "" requests
}
@test "a failure writes nothing at all: exit 3"  {
	sandbox_start --generate products=250,warehouses=2
	fault '[{"path": "/api/v1/products", "kind": "500", "times": 50, "skip": 1}]'
	t 3 - "stock-snapshot: http://127.0.0.1:[0-9]+/api/v1/products\?offset=100: 500 \(after 6 retries\): error_code 1: .*" $SS
}
@test "faults retried to success"                {
	sandbox_start --generate products=250,warehouses=2
	$SS >want.csv
	[ "$(wc -l <want.csv)" -gt 200 ]
	fault '[{"path": "/api/v1/products", "kind": "reset", "times": 1, "skip": 1}, {"path": "/api/v1/products", "kind": "truncate", "times": 1}]'
	$SS >out.csv
	cmp <(cut -d, -f1-8 want.csv) <(cut -d, -f1-8 out.csv)
}
@test "a wrong API key: exit 3"                  { sandbox_start --data "$SEED"; sed -i 's/sandbox-key/bad/' connections.conf; t 3 - "stock-snapshot: http://127.0.0.1:[0-9]+/api/v1/warehouses\?offset=0: 401: error_code 1: .*" $SS; }
@test "a bad number in the connections file"     { sandbox_start --data "$SEED"; connections "retries = six"; t 2 - "stock-snapshot: .*/connections.conf:[0-9]+: retries takes a number from 0 to 20, not 'six'" $SS; }
@test "--version"                                { t 0 version.out "" stock-snapshot --version; }

# WooCommerce: products, and the variations of each variable product
WOO=$TOP/tests/sandbox/data/woocommerce
@test "WooCommerce: the stock it counts, published products" { sandbox_start --platform woocommerce --data "$WOO"; t 0 woo.csv "" snap_of woocommerce; }
@test "WooCommerce: --inactive adds drafts"      { sandbox_start --platform woocommerce --data "$WOO"; t 0 woo-inactive.csv "" snap_of woocommerce --inactive; }
@test "WooCommerce: one request per page and per variable product" { sandbox_start --platform woocommerce --data "$WOO"; stock-snapshot --from woocommerce >/dev/null; t 0 woo.req "" requests; }
@test "WooCommerce: a product made during the walk shifts no page: no SKU twice, none missed" {
	sandbox_start --platform woocommerce --generate products=250
	stock-snapshot --from woocommerce --inactive | cut -d , -f 1 | sort >before
	# A product made after the first page was read: by date, the
	# default order, it would come first and push every page on by one.
	fault '[{"path": "/wp-json/wc/v3/products", "kind": "change", "skip": 1, "change": {"add": "NEW-ONE"}}]'
	stock-snapshot --from woocommerce --inactive | cut -d , -f 1 | sort >after
	[ -z "$(uniq -d after)" ] || { echo "twice:"; uniq -d after; return 1; }
	[ -z "$(comm -23 before after)" ] || { echo "missed:"; comm -23 before after; return 1; }
	requests | grep '^GET /wp-json/wc/v3/products?per_page=100&page=1&status=any&orderby=id&order=asc 200$' >/dev/null
}
@test "WooCommerce: a host that drops Authorization: 401; auth = query gets in, keys never shown" {
	sandbox_start --platform woocommerce --data "$WOO" --set strip_authorization=1
	t 3 - "stock-snapshot: http://127.0.0.1:[0-9]+/wp-json/wc/v3/products\?.*: 401: woocommerce_rest_cannot_view: Sorry, you cannot list resources\." stock-snapshot --from woocommerce
	connections "auth = query"
	t 0 woo.csv "" snap_of woocommerce
	stock-snapshot --from woocommerce -v >/dev/null 2>err
	grep -q 'GET http://127.0.0.1:[0-9]*/wp-json/wc/v3/products?per_page=100&page=1&status=publish&orderby=id&order=asc 200' err
	[ "$(grep -c 'cs_sandbox\|ck_sandbox' err)" -eq 0 ]
	[ "$(grep -c 'cs_sandbox' "$BATS_TEST_TMPDIR/requests.jsonl")" -eq 0 ]
	requests | grep 'consumer_key=REDACTED&consumer_secret=REDACTED' >/dev/null
}
@test "WooCommerce: auth = something else: refused, naming the line" {
	sandbox_start --platform woocommerce --data "$WOO"
	connections "auth = oauth"
	t 2 - "stock-snapshot: .*/connections.conf:[0-9]+: auth = 'oauth': basic \(the default\) or query" stock-snapshot --from woocommerce
}
@test "WooCommerce: no warehouses: -w is refused, exit 2" { sandbox_start --platform woocommerce --data "$WOO"; t 2 - "stock-snapshot: WooCommerce keeps one stock level per product: no warehouses" stock-snapshot --from woocommerce -w 1; }

# Magento 2: the source items of the connection's source
MAG=$TOP/tests/sandbox/data/magento
@test "Magento: the default source's quantities" { sandbox_start --platform magento --data "$MAG"; t 0 mag.csv "" snap_of magento; }
@test "Magento: the connection's source"         { sandbox_start --platform magento --data "$MAG"; connections "source = wh_ams"; t 0 mag-ams.csv "" snap_of magento; }
# The connection's URL in another case: signed as Magento rebuilds it.
@test "Magento: a URL written HTTP://127.0.0.1:PORT is signed as http://" {
	sandbox_start --platform magento --data "$MAG"
	SANDBOX=HTTP://127.0.0.1:${SANDBOX##*:}
	connections
	t 0 mag.csv "" snap_of magento
}
@test "Magento: http://LOCALHOST:PORT, where the store normalises the URL it signs" {
	sandbox_start --platform magento --data "$MAG"
	SANDBOX=http://LOCALHOST:${SANDBOX##*:}
	connections
	t 0 mag.csv "" snap_of magento
}
@test "Magento: http://LOCALHOST:PORT, where the store signs the Host as sent" {
	sandbox_start --platform magento --data "$MAG" --set oauth_url=as_sent
	SANDBOX=http://LOCALHOST:${SANDBOX##*:}
	connections
	t 0 mag.csv "" snap_of magento
}
@test "Magento: a store that lists at most 70: source items 37 a page, each once" {
	sandbox_start --platform magento --generate products=200 --set max_page_size=70
	t 0 - "stock-snapshot: .*/connections.conf:1: \[magento\]: the store refused 75 a page \(Maximum SearchCriteria pageSize is 70\); 37 a page from now on: put page_size = 37 in the connection" sh -c 'stock-snapshot --from magento >out.csv'
	[ "$(tail -n +2 out.csv | cut -d, -f1 | sort -u | wc -l)" -eq 200 ]
	[ "$(tail -n +2 out.csv | wc -l)" -eq 200 ]
	[ "$(requests | grep -c ' 400$')" -eq 3 ]
}

# Shopify: available at the connection's location
SHOP=$TOP/tests/sandbox/data/shopify
@test "Shopify: available at the location, active products" { sandbox_start --platform shopify --data "$SHOP"; connections "location = 78650654971"; t 0 shop.csv "" snap_of shopify; }
@test "Shopify: --inactive adds draft and archived products" { sandbox_start --platform shopify --data "$SHOP"; connections "location = Winkel Amsterdam"; t 0 shop-ams.csv "" snap_of shopify --inactive; }
@test "Shopify: a location the shop lacks: exit 2" { sandbox_start --platform shopify --data "$SHOP"; connections "location = Rotterdam"; t 2 - "stock-snapshot: .*/connections.conf:1: \[shopify\] names no location of the shop: one of .*" stock-snapshot --from shopify; }
@test "Shopify: a shop dearer than the rules: THROTTLED waited out for the cost it reports" {
	# Each page costs three times what the rules say: the client must
	# wait for the requestedQueryCost of a THROTTLED answer, not its
	# own estimate, and pace by what it learnt after that.
	sandbox_start --platform shopify --generate products=100,variants=600,locations=2 \
	    --set bucket=1000 --set restore=1000 --set cost_factor=3
	connections "location = Magazijn Utrecht" "retry_delay = 0.01"
	stock-snapshot --from shopify -v >out.csv 2>err || { tail -3 err; return 1; }
	[ "$(tail -n +2 out.csv | wc -l)" -gt 500 ]
	# Learnt: a handful of THROTTLED answers, not one per page and more.
	n=$(sed -n 's/.* requests (\([0-9]*\) throttled)$/\1/p' err)
	pages=$(grep -c 'graphql.json 200' err)
	[ "$n" -le 3 ] || { echo "throttled $n times in $pages requests"; return 1; }
}
@test "Shopify: a fulfilment service's location (a 3PL) can be named" {
	mkdir shop
	cp "$SHOP"/*.json shop/
	py - <<'PY'
import json
loc = "gid://shopify/Location/78650753275"
l = json.load(open("shop/locations.json"))
l.append({"id": loc, "name": "Bol.com LVB", "isActive": True, "isFulfillmentService": True})
json.dump(l, open("shop/locations.json", "w"))
p = json.load(open("shop/products.json"))
p[0]["variants"][0]["inventoryItem"]["levels"][loc] = {"available": 7}
json.dump(p, open("shop/products.json", "w"))
PY
	sandbox_start --platform shopify --data shop
	connections "location = Bol.com LVB"
	stock-snapshot --from shopify >out.csv
	[ "$(tail -n +2 out.csv | cut -d , -f 2)" = 7 ]
	# The other locations as before.
	connections "location = 78650654971"
	t 0 shop.csv "" snap_of shopify
}

# Whether any request for the file carried the shop's access token.
token_sent() {
	state | py -c 'import json, sys
print(any(r["accessToken"] or r["authorization"]
          for r in json.load(sys.stdin)["storageRequests"]))'
}
@test "Shopify: above bulk_above, one bulk operation, its file fetched without the token" {
	sandbox_start --platform shopify --data "$SHOP"
	connections "location = 78650654971" "bulk_above = 0"
	t 0 shop.csv "" snap_of shopify
	[ "$(bulk_requests)" = "1 1 0 polls" ]
	[ "$(token_sent)" = False ]
}
@test "Shopify: at bulk_above or below, pages" {
	sandbox_start --platform shopify --data "$SHOP"
	connections "location = 78650654971" "bulk_above = 1000"
	t 0 shop.csv "" snap_of shopify
	[ "$(bulk_requests)" = "0 0 1 none" ]
}
@test "Shopify: a bulk operation that fails: the catalog is paged, as -v says" {
	sandbox_start --platform shopify --data "$SHOP"
	connections "location = 78650654971" "bulk_above = 0"
	fault '[{"path": "/admin/api/2026-10/graphql.json", "kind": "change", "change": {"bulkFail": "INTERNAL_SERVER_ERROR", "after": 3}}]'
	t 0 shop.csv "" snap_of shopify
	[ "$(bulk_requests)" = "1 0 1 polls" ]
	fault '[{"path": "/admin/api/2026-10/graphql.json", "kind": "change", "change": {"bulkFail": "TIMEOUT"}}]'
	stock-snapshot --from shopify -v >out.csv 2>err
	grep -q '^stock-snapshot: Shopify: bulk operation gid://shopify/BulkOperation/[0-9]* FAILED (TIMEOUT): paging$' err
}
# storage_fault KIND WANT LINE: the fault KIND on the first fetch of the
# bulk operation's file, the connection's LINE beside; the snapshot as
# paged, its requests WANT (bulk_requests).
storage_fault() {
	sandbox_start --platform shopify --data "$SHOP"
	connections "location = 78650654971" "bulk_above = 0" "$3"
	fault "[{\"path\": \"/shopify-tiers-assets-prod-us-east1/\", \"kind\": \"$1\"}]"
	t 0 shop.csv "" snap_of shopify
	[ "$(bulk_requests)" = "$2" ]
}
@test "Shopify: the bulk file's first fetch fails: fetched again" {
	storage_fault 500 "1 2 0 polls" "retry_delay = 0.01"
}
@test "Shopify: a bulk file cut short is not taken: the catalog is paged" {
	storage_fault truncate "1 1 1 polls" "retries = 0"
}
@test "Shopify: the app's bulk operations all busy: the catalog is paged" {
	sandbox_start --platform shopify --data "$SHOP" --set bulk_concurrency=1 --set bulk_start=600
	connections "location = 78650654971" "bulk_above = 0"
	# Another run of the app's, still going.
	curl -sf -H "X-Shopify-Access-Token: shpat_sandbox" \
	    -H 'Content-Type: application/json' --data-binary \
	    '{"query":"mutation { bulkOperationRunQuery(query: \"{ productVariants { edges { node { id } } } }\") { bulkOperation { id } } }"}' \
	    "$SANDBOX/admin/api/2026-10/graphql.json" | grep '"id":"gid://shopify/BulkOperation/' >/dev/null
	t 0 shop.csv "" snap_of shopify
	[ "$(bulk_requests)" = "1 0 1 none" ]
}
@test "Shopify: a bulk operation slower than paging: cancelled, the catalog paged" {
	sandbox_start --platform shopify --data "$SHOP" --set bulk_start=600
	connections "location = 78650654971" "bulk_above = 0"
	stock-snapshot --from shopify -v >raw.csv 2>err
	cut -d , -f 1-8 raw.csv >out.csv
	cmp out.csv "$TOP/tests/stock-snapshot/shop.csv"
	grep -q '^stock-snapshot: Shopify: bulk operation gid://shopify/BulkOperation/[0-9]* takes longer than paging would: cancelled, paging$' err
	[ "$(bulk_requests)" = "1 0 1 polls" ]
	state | grep '"status": *"CANCEL' >/dev/null
}
