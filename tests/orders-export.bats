# orders-export.bats: against the API sandbox's Picqer (tests/sandbox),
# seeded from tests/sandbox/data/picqer or with generated orders.
load setup

SEED=$TOP/tests/sandbox/data/picqer
OE="orders-export --from picqer"

# count: records of the CSV on standard input, header excluded
count() { tail -n +2 | wc -l | tr -d ' '; }

# --- what comes out -------------------------------------------------------
@test "all orders, CSV"                         { sandbox_start --data "$SEED"; t 0 all.csv       "" $OE; }
@test "all orders, JSON Lines"                  { sandbox_start --data "$SEED"; t 0 all.jsonl     "" $OE -o jsonl; }
@test "one row per order line"                  { sandbox_start --data "$SEED"; t 0 lines.csv     "" $OE --lines; }
@test "--raw keeps Picqer's object"             { sandbox_start --data "$SEED"; t 0 raw.jsonl     "" $OE -o jsonl --raw -s draft; }
@test "--shipments: the track and trace of the closed picklists" { sandbox_start --data "$SEED"; t 0 shipments.jsonl "" $OE -o jsonl --shipments -s completed -s partially_shipped; }
@test "--shipments: one request more per closed picklist, no more" {
	sandbox_start --data "$SEED"
	$OE -o jsonl --shipments -s completed -s partially_shipped >/dev/null
	t 0 shipments.req "" requests
}
@test "--shipments: a failed request for them: exit 3, whole records only" {
	sandbox_start --data "$SEED"
	fault '[{"path": "/api/v1/picklists/8104/shipments", "kind": "503", "times": 50}]'
	t 3 - "orders-export: http://127.0.0.1:[0-9]+/api/v1/picklists/8104/shipments: 503 \(after 6 retries\)" sh -c "$OE -o jsonl --shipments >out.jsonl"
	whole out.jsonl
}
@test "--excel"                                 { sandbox_start --data "$SEED"; t 0 excel.csv     "" $OE --excel -s cancelled; }
@test "--lines is for CSV"                      { t 2 - "orders-export: --lines is for CSV output; JSON Lines keeps the lines in each record
usage: .*
.*
.*" $OE --lines -o jsonl; }

# --- statuses, dates, shops -------------------------------------------------
@test "--status draft (concept)"                { sandbox_start --data "$SEED"; t 0 draft.csv     "" $OE -s draft; }
@test "--status open (expected, processing)"    { sandbox_start --data "$SEED"; t 0 open.csv      "" $OE -s open; }
@test "--status on_hold (paused)"               { sandbox_start --data "$SEED"; t 0 on_hold.csv   "" $OE -s on_hold; }
@test "--status completed"                      { sandbox_start --data "$SEED"; t 0 completed.csv "" $OE -s completed; }
@test "--status cancelled"                      { sandbox_start --data "$SEED"; t 0 cancelled.csv "" $OE -s cancelled; }
@test "--status partially_shipped: 5011, a closed picklist and an open one" { sandbox_start --data "$SEED"; t 0 partial-picqer.csv "" $OE -s partially_shipped; }
@test "two statuses: one listing each"          {
	sandbox_start --data "$SEED"
	t 0 draft-hold.csv "" $OE -s on_hold -s draft
	t 0 draft-hold.req "" requests
}
@test "an unknown --status"                     { t 2 - "orders-export: --status takes draft, open, on_hold, partially_shipped, completed or cancelled, not 'shipped'
usage: .*
.*
.*" $OE -s shipped; }
@test "--since and --until, in Amsterdam time"  {
	sandbox_start --data "$SEED"
	t 0 since.csv "" $OE --since 2025-10-25T00:00:00Z --until 2025-11-04T00:00:00+01:00
	t 0 since.req "" requests
}
@test "a bad --since"                           { t 2 - "orders-export: --since takes YYYY-MM-DD or an RFC 3339 time such as 2026-11-01T10:00:00Z, not 'last week'
usage: .*
.*
.*" $OE --since 'last week'; }
@test "--shop: imported from webshop 1"         { sandbox_start --data "$SEED"; t 0 shop1.csv "" $OE --shop 1; }
@test "--shop: imported from webshop 2"         { sandbox_start --data "$SEED"; t 0 shop2.csv "" $OE --shop 2; }

# --- pages --------------------------------------------------------------------
@test "pages: 0, 1, 99, 100, 101 and 250 orders" {
	for n in 0 1 99 100 101 250; do
		sandbox_start --generate orders=$n,products=10
		$OE >out.csv
		[ "$(count <out.csv)" -eq "$n" ] || { echo "$n: $(count <out.csv) rows"; return 1; }
		# ceil(n / 100) pages, plus the empty one after a full page
		[ "$(requests | wc -l)" -eq $((n / 100 + 1)) ] || { echo "$n:"; requests; return 1; }
		teardown; SANDBOX_PID=
	done
}
@test "the exact requests of a small export"    { sandbox_start --generate orders=150,products=10; $OE -s completed >/dev/null; t 0 pages.req "" requests; }
@test "paced under the limit: no 429"           {
	sandbox_start --generate orders=900,products=10 --rate-limit 4 --rate-window 1
	connections "retry_delay = 0.01" "rate_limit = 4" "rate_window = 1"
	t 0 - "" sh -c "$OE >out.csv"
	[ "$(count <out.csv)" -eq 900 ]
	[ "$(requests | grep -c ' 429$')" -eq 0 ]
}
@test "two exports sharing a key at its limit: both whole" {
	sandbox_start --generate orders=600,products=10 --rate-limit 3 --rate-window 1
	connections "retry_delay = 0.3" "rate_limit = 3" "rate_window = 1"
	# Two exports share one key, as two integrations of one account do.
	$OE >a.csv 2>a.err & a=$!
	$OE >b.csv 2>b.err & b=$!
	wait $a; wait $b
	[ "$(count <a.csv)" -eq 600 ]
	[ "$(count <b.csv)" -eq 600 ]
	cmp a.csv b.csv
	# Whether a 429 comes depends on how the two interleave, which a busy
	# machine decides; "each fault is retried to success" retries one.
}

# --- faults ---------------------------------------------------------------------
@test "each fault is retried to success"        {
	sandbox_start --generate orders=250,products=10
	connections "retry_delay = 0.01" "rate_window = 0.2" "timeout = 1"
	for k in 429 500 502 503 reset truncate badjson slow; do
		fault "[{\"path\": \"/api/v1/orders\", \"kind\": \"$k\", \"times\": 2, \"skip\": 1, \"delay\": 3}]"
		$OE >out.csv 2>err || { echo "$k:"; cat err; return 1; }
		[ "$(count <out.csv)" -eq 250 ] || { echo "$k: $(count <out.csv)"; return 1; }
	done
}
@test "a 429 storm to exhaustion: exit 3"       {
	sandbox_start --data "$SEED"
	fault '[{"path": "/api/v1/orders", "kind": "429", "times": 50}]'
	t 3 - "orders-export: http://127.0.0.1:[0-9]+/api/v1/orders\?offset=0: 429 \(after 6 retries\): error_code 28: Rate limit exceeded" $OE
}
@test "a failure on page 2: whole records only" {
	sandbox_start --generate orders=150,products=10
	fault '[{"path": "/api/v1/orders", "kind": "503", "times": 50, "skip": 1}]'
	t 3 - "orders-export: http://127.0.0.1:[0-9]+/api/v1/orders\?offset=100: 503 \(after 6 retries\)" sh -c "$OE >out.csv"
	[ "$(count <out.csv)" -eq 100 ]
	whole out.csv
}
@test "invalid JSON to exhaustion: exit 3"      {
	sandbox_start --data "$SEED"
	fault '[{"path": "/api/v1/orders", "kind": "badjson", "times": 50}]'
	t 3 - "orders-export: http://127.0.0.1:[0-9]+/api/v1/orders\?offset=0: 200, but the answer is not valid JSON \(.*\) \(after 6 retries\)" $OE
}
@test "a dead platform: exit 3"                 {
	SANDBOX=http://127.0.0.1:1; connections "retry_delay = 0.01" "rate_window = 0.2"
	t 3 - "orders-export: http://127.0.0.1:1/api/v1/orders\?offset=0: Failed to connect to 127.0.0.1 port 1 .* \(after 6 retries\)" $OE
}
@test "an answer slower than the timeout"       {
	sandbox_start --data "$SEED"
	connections "retry_delay = 0.01" "rate_window = 0.2" "timeout = 0.3" "retries = 1"
	fault '[{"path": "/api/v1/orders", "kind": "slow", "times": 5, "delay": 2}]'
	t 3 - "orders-export: http://127.0.0.1:[0-9]+/api/v1/orders\?offset=0: Operation timed out after .* \(after 1 retries\)" $OE
}

# --- credentials and the connections file -----------------------------------------
@test "a wrong API key: 401, exit 3, no retries" {
	sandbox_start --data "$SEED"
	sed -i 's/sandbox-key/wrong-key/' connections.conf
	t 3 - "orders-export: http://127.0.0.1:[0-9]+/api/v1/orders\?offset=0: 401: error_code 1: .*" $OE
	[ "$(requests | wc -l)" -eq 1 ]
}
@test "-v logs requests without the key"        {
	sandbox_start --data "$SEED"
	$OE -v >out.csv 2>err
	grep -Eq '^orders-export: GET http://127.0.0.1:[0-9]+/api/v1/orders\?offset=0 200 [0-9]+ bytes [0-9]+ ms 0 retries$' err
	[ "$(cat err out.csv | grep -c sandbox-key)" -eq 0 ]
}
@test "the User-Agent names shopswitch and the contact" {
	sandbox_start --data "$SEED"
	$OE >/dev/null
	grep -q '"user_agent": *"shopswitch/[0-9.]* (test@shopswitch.invalid)"' requests.jsonl
}
@test "a connections file others may read"       {
	SANDBOX=http://127.0.0.1:1; connections; chmod 644 connections.conf
	t 2 - "orders-export: .*/connections.conf: group or others have access to it \(mode 0644\) and it holds credentials; make it yours alone with: chmod 600 .*/connections.conf" $OE
}
@test "an unknown connection"                    { SANDBOX=http://127.0.0.1:1; connections; t 2 - "orders-export: .*/connections.conf: no connection \[old\]" orders-export --from old; }
@test "--config names the file"                  { SANDBOX=http://127.0.0.1:1; connections; mv connections.conf c.conf; t 2 - "orders-export: c.conf: no connection \[old\]" orders-export --config c.conf --from old; }
@test "no contact for Picqer"                    {
	printf '[picqer]\nplatform = picqer\nurl = https://x.picqer.com\napi_key = k\n' >c.conf; chmod 600 c.conf
	t 2 - "orders-export: c.conf:1: \[picqer\] needs 'contact = an e-mail address or website': picqer asks every client for one in its User-Agent" orders-export --config c.conf --from picqer
}
@test "plain http only to loopback"              {
	printf '[picqer]\nplatform = picqer\nurl = http://shop.example.nl\napi_key = k\ncontact = x\n' >c.conf; chmod 600 c.conf
	t 2 - "orders-export: c.conf:3: http://shop.example.nl: plain http is allowed only to a loopback address \(the sandbox\); use https" orders-export --config c.conf --from picqer
}
@test "a platform shopswitch does not know"      {
	printf '[x]\nplatform = prestashop\nurl = https://x\n' >c.conf; chmod 600 c.conf
	t 2 - "orders-export: c.conf:2: platform 'prestashop' is not one shopswitch knows \(yet\): picqer, woocommerce, magento, shopify, shopware, lightspeed, ccv, bol" orders-export --config c.conf --from x
}
@test "--from is required"                       { t 2 - "orders-export: --from names the connection to export
usage: .*
.*
.*" orders-export; }
@test "a write error is exit 2"                  { sandbox_start --data "$SEED"; t 2 - "orders-export: write error: No space left on device" sh -c "$OE >/dev/full"; }
@test "--version"                                { t 0 version.out "" orders-export --version; }

# A processing order with one picklist shipped (closed) and one not: the
# seed data copied, with order 5008's picklists so.
@test "a closed picklist: partially_shipped"     {
	sandbox_start --data "$DATA/picqer-partial"
	t 0 partial.csv "" $OE -s partially_shipped --lines
	t 0 open-without-partial.csv "" $OE -s open
}

# WooCommerce (wc/v3)
WOO=$TOP/tests/sandbox/data/woocommerce
@test "WooCommerce: every order but the trash, each status mapped" { sandbox_start --platform woocommerce --data "$WOO"; t 0 woo-all.csv "" orders-export --from woocommerce; }
@test "WooCommerce: JSON Lines with lines and qty_shipped" { sandbox_start --platform woocommerce --data "$WOO"; t 0 woo-all.jsonl "" orders-export --from woocommerce -o jsonl; }
@test "WooCommerce: --status open --status on_hold asks for processing and on-hold" {
	sandbox_start --platform woocommerce --data "$WOO"
	t 0 woo-open.csv "" orders-export --from woocommerce --status open --status on_hold
	t 0 woo-open.req "" requests
}
@test "WooCommerce: --status partially_shipped: none, and no request" {
	sandbox_start --platform woocommerce --data "$WOO"
	t 0 woo-none.csv "" orders-export --from woocommerce --status partially_shipped
	[ ! -s requests.jsonl ]
}
@test "WooCommerce: --since/--until on the last change, both inclusive" {
	sandbox_start --platform woocommerce --data "$WOO"
	t 0 woo-since.csv "" orders-export --from woocommerce --since 2025-02-03T16:50:00Z --until 2025-04-09T10:00:00Z
	t 0 woo-since.req "" requests
}
# plugin_shop: the seed with order 10233 in a status a plugin added,
# "shipped", in the sandbox, which a plugin told about it.
plugin_shop() {
	mkdir shop
	cp "$WOO"/*.json shop/
	py - <<'PY'
import json
o = json.load(open("shop/orders.json"))
for x in o:
    if x["id"] == 10233:
        x["status"] = "shipped"
json.dump(o, open("shop/orders.json", "w"))
PY
	sandbox_start --platform woocommerce --data shop --set statuses=shipped
}
@test "WooCommerce: a plugin's status nobody mapped: exit 2, the line to add named" {
	plugin_shop
	t 2 - "orders-export: order 10233: status 'shipped' is not one WooCommerce defines \(a plugin's\?\): say what it means with a line 'status.shipped = completed' \(or draft, open, on_hold, partially_shipped, cancelled\) in \[woocommerce\] of .*/connections.conf" \
	    sh -c 'orders-export --from woocommerce -o jsonl >got'
	[ "$(wc -l <got)" -eq 2 ]	# whole records only, those before it
}
@test "WooCommerce: --rejects sets such an order aside, the rest go on, exit 1" {
	plugin_shop
	t 1 woo-plugin-rest.csv "orders-export: 1 order set aside in rej" orders-export --from woocommerce --rejects rej
	[ "$(sed -n 1p rej)" = "# woocommerce: order 10233: status 'shipped' is not one WooCommerce defines (a plugin's?): say what it means with a line 'status.shipped = completed' (or draft, open, on_hold, partially_shipped, cancelled) in [woocommerce] of $SHOPSWITCH_CONFIG" ]
	sed -n 2p rej | py -c 'import json, sys; o = json.load(sys.stdin); assert o["id"] == 10233 and o["status"] == "shipped", o'
}
@test "WooCommerce: status.shipped = completed maps it, in the filter too" {
	plugin_shop
	connections "status.shipped = completed"
	t 0 woo-plugin-completed.csv "" orders-export --from woocommerce -s completed
	requests | grep 'status=completed%2Cshipped' >/dev/null
}
@test "WooCommerce: a mapping to no status: exit 2 naming its line" {
	plugin_shop
	connections "status.shipped = sent"
	t 2 - "orders-export: .*/connections.conf:[0-9]+: status.shipped = 'sent': one of draft, open, on_hold, partially_shipped, completed, cancelled" \
	    sh -c 'orders-export --from woocommerce >got'
}
@test "WooCommerce: 250 orders in 3 pages, by X-WP-TotalPages" {
	sandbox_start --platform woocommerce --generate orders=250
	orders-export --from woocommerce >out.csv
	[ "$(tail -n +2 out.csv | wc -l)" -eq "$(state | py -c 'import json, sys; print(sum(o["status"] != "trash" for o in json.load(sys.stdin)["orders"]))')" ]
	[ "$(requests | wc -l)" -eq 3 ]
}
@test "WooCommerce: wrong key: exit 3 with WooCommerce's words" {
	sandbox_start --platform woocommerce --data "$WOO"
	sed -i 's/ck_sandbox/ck_wrong/' connections.conf
	t 3 - "orders-export: http://127.0.0.1:[0-9]+/wp-json/wc/v3/orders\?.*: 401: woocommerce_rest_authentication_error: Consumer key is invalid\." orders-export --from woocommerce
}
@test "WooCommerce: no key in the connection" {
	sandbox_start --platform woocommerce --data "$WOO"
	sed -i '/^key/d' connections.conf
	t 2 - "orders-export: .*/connections.conf:1: \[woocommerce\] needs key and secret \(WooCommerce: Settings, Advanced, REST API, a key with read/write access\)" orders-export --from woocommerce
}

# Magento 2 (REST V1)
MAG=$TOP/tests/sandbox/data/magento
@test "Magento: every order, states mapped, shipments from one search" {
	sandbox_start --platform magento --data "$MAG"
	t 0 mag-all.jsonl "" orders-export --from magento -o jsonl
	t 0 mag-all.req "" requests
}
@test "Magento: --status partially_shipped asks for processing only" {
	sandbox_start --platform magento --data "$MAG"
	t 0 mag-partial.csv "" orders-export --from magento --status partially_shipped
}
@test "Magento: a bundle shipped together is its line; one shipped separately, its parts" {
	# 117: SET-MUG x 2, shipped together, one sent: the bundle's row.
	# 118: SET-CADEAU, shipped separately, its candle sent: the parts'
	# rows (the bundle's row says 1 shipped for any part's shipment).
	sandbox_start --platform magento --data "$MAG"
	t 0 mag-bundles.csv "" sh -c 'orders-export --from magento --lines | cut -d, -f4,15,17,18 | grep -E "^number|^00000011[78]"'
	[ "$(requests | grep -c '/V1/products?.*entity_id.*=17%2C21&')" -eq 1 ]
}
@test "Magento: --since/--until on updated_at, both inclusive" {
	sandbox_start --platform magento --data "$MAG"
	t 0 mag-since.csv "" orders-export --from magento --since 2026-10-20T13:00:00Z --until 2026-10-26T09:00:00Z
}
@test "Magento: 650 orders in 3 pages; no page past total_count" {
	sandbox_start --platform magento --generate orders=650
	orders-export --from magento >out.csv
	[ "$(tail -n +2 out.csv | wc -l)" -eq 650 ]
	[ "$(requests | grep -c '/V1/orders?')" -eq 3 ]
}
@test "Magento: a store that repeats its last page is not read twice" {
	sandbox_start --platform magento --generate orders=300 --set past_end=last
	orders-export --from magento >out.csv
	[ "$(tail -n +2 out.csv | cut -d, -f3 | sort | uniq -d | wc -l)" -eq 0 ]
	[ "$(requests | grep -c '/V1/orders?')" -eq 1 ]
}
# pages PATH: "pageSize,currentPage,status" of each search of PATH.
pages() {
	requests | sed -n "s|^GET /rest/default/V1/$1?.*pageSize%5D=\([0-9]*\)&searchCriteria%5BcurrentPage%5D=\([0-9]*\) \([0-9]*\)\$|\1,\2,\3|p" | tr '\n' ' '
}
# each_once N: out.csv holds orders 1 to N, each once, in order.
each_once() {
	seq "$1" >want
	tail -n +2 out.csv | cut -d, -f3 | diff want -
}
@test "Magento: a store that lists at most 70: 300, 150, 75 refused, then 37 a page" {
	sandbox_start --platform magento --generate orders=200 --set max_page_size=70
	t 0 - "orders-export: .*/connections.conf:1: \[magento\]: the store refused 75 a page \(Maximum SearchCriteria pageSize is 70\); 37 a page from now on: put page_size = 37 in the connection" sh -c 'orders-export --from magento >out.csv'
	each_once 200
	[ "$(pages orders)" = "300,1,400 150,1,400 75,1,400 37,1,200 37,2,200 37,3,200 37,4,200 37,5,200 37,6,200 " ]
	# The shipments of each page are asked 37 a page at once.
	[ "$(pages shipments | tr ' ' '\n' | grep -cv -e '^37,1,200$' -e '^$')" -eq 0 ]
}
@test "Magento: page_size = 50 where 70 is the most: no refusal, no warning" {
	sandbox_start --platform magento --generate orders=200 --set max_page_size=70
	connections "page_size = 50"
	orders-export --from magento >out.csv
	each_once 200
	[ "$(pages orders)" = "50,1,200 50,2,200 50,3,200 50,4,200 " ]
}
@test "Magento: the limit lowered while listing: 37 a page from order 301 on, none twice" {
	sandbox_start --platform magento --generate orders=650
	fault '[{"path": "/rest/default/V1/orders", "kind": "change", "skip": 1, "change": {"max_page_size": 70}}]'
	t 0 - "orders-export: .*/connections.conf:1: \[magento\]: the store refused 75 a page \(Maximum SearchCriteria pageSize is 70\); 37 a page from now on: put page_size = 37 in the connection" sh -c 'orders-export --from magento >out.csv'
	each_once 650
	# 300 read: page 9 of 37 holds orders 297 to 333, of which 301 on
	# are new; then pages 10 to 18.
	[ "$(pages orders)" = "300,1,200 300,2,400 150,3,400 75,5,400 37,9,200 37,10,200 37,11,200 37,12,200 37,13,200 37,14,200 37,15,200 37,16,200 37,17,200 37,18,200 " ]
}
@test "Magento: page_size must be a whole number from 1 to 10000" {
	sandbox_start --platform magento --generate orders=1
	connections "page_size = 37.5"
	t 2 - "orders-export: .*/connections.conf:[0-9]+: page_size takes a whole number from 1 to 10000, not '37.5'" orders-export --from magento
	connections "page_size = 0"
	t 2 - "orders-export: .*/connections.conf:[0-9]+: page_size takes a whole number from 1 to 10000, not '0'" orders-export --from magento
}

# Shopify (GraphQL Admin API 2026-10)
SHOP=$TOP/tests/sandbox/data/shopify
@test "Shopify: orders of the last 60 days, statuses from line quantities" {
	sandbox_start --platform shopify --data "$SHOP"
	t 0 shop-all.jsonl "" orders-export --from shopify -o jsonl
}
@test "Shopify: an order of 30 lines: its lines past 20 in one more query" {
	sandbox_start --platform shopify --data "$SHOP"
	orders-export --from shopify -o jsonl >out.jsonl
	[ "$(grep -c '"number":"#1008"' out.jsonl)" -eq 1 ]
	[ "$(grep '"number":"#1008"' out.jsonl | grep -o '"sku":' | wc -l)" -eq 30 ]
	[ "$(requests | wc -l)" -eq 2 ]
}
@test "Shopify: read_all_orders shows the older ones too" {
	sandbox_start --platform shopify --data "$SHOP" --set read_all_orders=true
	orders-export --from shopify >out.csv
	[ "$(tail -n +2 out.csv | wc -l)" -eq 16 ]
}
@test "Shopify: --since/--until as an updated_at search" {
	sandbox_start --platform shopify --data "$SHOP"
	t 0 shop-since.csv "" orders-export --from shopify --since 2026-11-05T21:00:00Z --until 2026-11-16T13:00:00Z
	py -c 'import json, sys
q = json.loads(open(sys.argv[1]).readline())["body"]["variables"]["query"]
assert q == "updated_at:>=\x272026-11-05T21:00:00Z\x27 updated_at:<=\x272026-11-16T13:00:00Z\x27", q' "$BATS_TEST_TMPDIR/requests.jsonl"
}
@test "Shopify: --status partially_shipped" {
	sandbox_start --platform shopify --data "$SHOP"
	t 0 shop-partial.csv "" orders-export --from shopify --status partially_shipped
}
@test "--shop with a shop's connection: exit 2" {
	sandbox_start --platform woocommerce --data "$WOO"
	t 2 - "orders-export: --shop: woocommerce has no webshop connections: it is a shop \(a warehouse system has them\)" orders-export --from woocommerce --shop 7
	[ ! -s requests.jsonl ]
}
@test "Magento: OAuth-signed searches, a time with a space in the query" {
	sandbox_start --platform magento --data "$MAG"
	t 0 mag-since.csv "" orders-export --from magento --since 2026-10-20T13:00:00Z --until 2026-10-26T09:00:00Z
	[ "$(requests | grep -c ' 200$')" -eq 2 ]
}
