# stock-push.bats: stock-push against the API sandbox, platform by
# platform: plans, writes, batches, guards, journals, failures.
load setup

WOO=$TOP/tests/sandbox/data/woocommerce

# input LINES...: an input file in.csv with the header sku,qty.
input() { printf 'sku,qty\n' >in.csv; printf '%s\n' "$@" >>in.csv; }
# The seed shop's tracked SKUs (TS-RED-M 12, MUG-BLU 0, 8718526012347 9,
# BAG-TOTE 2, HD-BLK-S 4, HD-BLK-M 7, HD-BLK-L 0, PL-GRN-M 3, PL-GRN-L 5)
# and GIFT-25, which WooCommerce does not count.
woo_in() {
	input TS-RED-M,10 MUG-BLU,0 HD-BLK-S,4 HD-BLK-M,9 PL-GRN-M,2 GIFT-25,3 \
	    NOPE,1 BAG-TOTE,5 8718526012347,9 PL-GRN-L,5
}
# dry_run EXPECTED: stock-push --dry-run of in.csv to the sandbox's shop
# writes the plan EXPECTED (exit 1: the input names a SKU the shop lacks)
# and leaves the shop byte for byte as it was.
dry_run() {
	state >before.json
	t 1 "$1" "" stock-push --to "$SANDBOX_PLATFORM" -n in.csv
	state >after.json
	cmp before.json after.json
}
# posts: the write requests the sandbox received.
posts() { requests | grep '^POST' || true; }
# levels: "SKU qty" of every item the sandbox's shop counts, sorted.
levels() { "${SANDBOX_PLATFORM}_levels"; }
woocommerce_levels() {
	state | py -c 'import json, sys
d = json.load(sys.stdin)
variations = [v for vs in d["variations"].values() for v in vs]
for p in d["products"] + variations:
    if p.get("manage_stock") is True and p.get("sku"):
        print(p["sku"], p["stock_quantity"])' | sort
}
magento_levels() {
	state | py -c 'import json, sys
for r in json.load(sys.stdin)["source_items"]:
    if r["source_code"] == "default":
        print(r["sku"], r["quantity"])' | sort
}
shopify_levels() {
	state | py -c 'import json, sys
d = json.load(sys.stdin)
loc = [l["id"] for l in d["locations"] if l["name"] == "Magazijn Utrecht"][0]
for v in d["variants"]:
    lv = v.get("levels", {}).get(loc)
    if v.get("sku") and lv is not None:
        print(v["sku"], lv["available"])' | sort
}
# same_as_input: every SKU of in.csv that the shop counts has its level.
same_as_input() {
	levels >levels
	tail -n +2 in.csv | tr , ' ' | sort >want
	[ -s levels ] || { echo "the shop has no levels"; return 1; }
	join levels want >joined
	[ -s joined ] || { echo "no SKU of the input in the shop"; return 1; }
	awk '$2 != $3 { print "wrong:", $0; bad = 1 } END { exit bad }' joined
}

@test "WooCommerce: --dry-run writes the plan and changes nothing" {
	sandbox_start --platform woocommerce --data "$WOO"
	woo_in
	dry_run woo-plan.csv
	[ "$(posts)" = "" ]
}
@test "WooCommerce: a push sets each SKU once; the shop then equals the input" {
	sandbox_start --platform woocommerce --data "$WOO"
	woo_in
	t 1 woo-push.csv "" stock-push --to woocommerce in.csv
	[ "$(writes)" = '{"BAG-TOTE": 1, "HD-BLK-M": 1, "PL-GRN-M": 1, "TS-RED-M": 1}' ]
	same_as_input
}
@test "WooCommerce: one catalog walk, one batch per product group" {
	sandbox_start --platform woocommerce --data "$WOO"
	woo_in
	stock-push --to woocommerce in.csv >/dev/null || true
	t 0 woo-push.req "" requests
}
@test "WooCommerce: run again: all unchanged, no write at all" {
	sandbox_start --platform woocommerce --data "$WOO"
	woo_in
	stock-push --to woocommerce in.csv >/dev/null || true
	t 1 woo-again.csv "" stock-push --to woocommerce in.csv
	[ "$(posts | wc -l)" -eq 3 ]
}
@test "WooCommerce: JSON Lines results, numbers as numbers" {
	sandbox_start --platform woocommerce --data "$WOO"
	woo_in
	t 1 woo-plan.jsonl "" stock-push --to woocommerce -n -o jsonl in.csv
}
@test "WooCommerce: 101 items to write go in batches of 100 and 1" {
	sandbox_start --platform woocommerce --generate products=400
	stock-snapshot --from woocommerce | awk -F, 'NR == 1 { print "sku,qty"; next } $1 != "" { print $1 "," $2 + 1 }' >in.csv
	stock-push --to woocommerce --journal j in.csv >out.csv
	[ "$(grep -c ',set,$' out.csv)" -eq "$(($(wc -l <in.csv) - 1))" ]
	same_as_input
	# The fewest requests: per group (products, or one parent's
	# variations) ceil(changed / 100); none larger than 100.
	py - "$BATS_TEST_TMPDIR/requests.jsonl" <<'PY'
import collections, json, math, sys
sizes = collections.defaultdict(list)
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o["method"] == "POST":
        sizes[o["path"]].append(len(o["body"]["update"]))
assert max(max(v) for v in sizes.values()) <= 100, sizes
for path, v in sizes.items():
    assert len(v) == math.ceil(sum(v) / 100), (path, v)
assert sizes["/wp-json/wc/v3/products/batch"][0] == 100, sizes
PY
	writes | py -c 'import json, sys; assert set(json.load(sys.stdin).values()) == {1}'
}
@test "WooCommerce: an item trashed between read and write: failed, exit 1" {
	sandbox_start --platform woocommerce --data "$WOO"
	woo_in
	fault '[{"path": "/wp-json/wc/v3/products/batch", "kind": "change", "change": {"sku": "TS-RED-M", "trash": true}}]'
	t 1 woo-trashed.csv "" stock-push --to woocommerce in.csv
}
@test "WooCommerce: no compare-and-set: a sale in between is overwritten" {
	sandbox_start --platform woocommerce --data "$WOO"
	woo_in
	fault '[{"path": "/wp-json/wc/v3/products/batch", "kind": "change", "change": {"sku": "TS-RED-M", "stock_quantity": 11}}]'
	t 1 woo-push.csv "" stock-push --to woocommerce in.csv
	same_as_input
}

# Magento 2: source items of the connection's source, 20 a request.
MAG=$TOP/tests/sandbox/data/magento
# The seed's default source: TS-RED-S 5, TS-RED-M 12, TS-RED-L 0,
# HD-BLK-M 7, HD-BLK-L 1, MUG-BLU 40, MUG-WHT 25, 0042 100, CAP-BLK 2,
# GIFT-25 999, 8718526012347 12.5, BAG-TOTE 9, KAARS-CRM 0, SOCK-GRN 6,
# EBOOK-01 1000, TS-RED-XL 3.
mag_in() {
	input TS-RED-S,5 TS-RED-M,10 TS-RED-L,4 HD-BLK-M,7 MUG-BLU,38 \
	    MUG-WHT,25 0042,100 CAP-BLK,2 8718526012347,12 BAG-TOTE,9 \
	    PST-A2-AMS,4 NOPE,1
}
@test "Magento: --dry-run writes the plan and changes nothing" {
	sandbox_start --platform magento --data "$MAG"
	mag_in
	dry_run mag-plan.csv
}
@test "Magento: a push in one request; the shop then equals the input" {
	sandbox_start --platform magento --data "$MAG"
	mag_in
	t 1 mag-push.csv "" stock-push --to magento in.csv
	[ "$(writes)" = '{"8718526012347": 1, "MUG-BLU": 1, "TS-RED-L": 1, "TS-RED-M": 1}' ]
	t 0 mag-push.req "" requests
	same_as_input
}
@test "Magento: 21 items to a store that takes 20: two requests" {
	sandbox_start --platform magento --generate products=200 --set input_limit=1
	stock-snapshot --from magento | awk -F, 'NR == 1 { print "sku,qty"; next } NR <= 22 { print $1 "," $2 + 1; next } { print $1 "," $2 }' >in.csv
	stock-push --to magento in.csv >out.csv
	[ "$(grep -c ',set,$' out.csv)" -eq 21 ]
	[ "$(requests | grep -c '^POST .* 200$')" -eq 2 ]
	same_as_input
}
@test "Magento: a batch above the store's limit is cut to its size" {
	sandbox_start --platform magento --generate products=200 --set input_limit=1
	connections "batch = 50" "retry_delay = 0.01"
	stock-snapshot --from magento | awk -F, 'NR == 1 { print "sku,qty"; next } { print $1 "," $2 + 1 }' >in.csv
	stock-push --to magento in.csv >out.csv
	[ "$(grep -c ',set,$' out.csv)" -eq "$(($(wc -l <in.csv) - 1))" ]
	# One refusal, then requests of at most 20, one more than the
	# fewest at most (the refused batch goes in parts of 20).
	requests | grep '^POST' | cut -d' ' -f3 | uniq -c | sed 's/^ *//' >posts
	n=$(($(wc -l <in.csv) - 1))
	[ "$(head -n 1 posts)" = "1 400" ]
	[ "$(sed -n 2p posts | cut -d' ' -f2)" = 200 ]
	[ "$(wc -l <posts)" -eq 2 ]
	[ "$(sed -n 2p posts | cut -d' ' -f1)" -le $(( (n + 19) / 20 + 1 )) ]
	py -c 'import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o["method"] == "POST" and o["status"] == 200:
        assert len(o["body"]["sourceItems"]) <= 20, o' "$BATS_TEST_TMPDIR/requests.jsonl"
	same_as_input
}
@test "Magento: a product deleted in between fails alone; the rest are set" {
	sandbox_start --platform magento --data "$MAG"
	mag_in
	fault '[{"path": "/rest/default/V1/inventory/source-items", "method": "POST", "kind": "change", "change": {"sku": "MUG-BLU", "delete": true}}]'
	t 1 mag-deleted.csv "" stock-push --to magento in.csv
	[ "$(writes)" = '{"8718526012347": 1, "TS-RED-L": 1, "TS-RED-M": 1}' ]
}
@test "Magento: the token as a bearer is refused (2.4.4 and later); signed, it goes" {
	sandbox_start --platform magento --data "$MAG"
	magento_bearer
	mag_in
	t 3 - "stock-push: http://127.0.0.1:[0-9]+/rest/default/V1/inventory/source-items\?.*: 401: The consumer isn't authorized to access Magento_InventoryApi::source\." stock-push --to magento in.csv
	magento_oauth
	t 1 mag-push.csv "" stock-push --to magento in.csv
	same_as_input
}
@test "Magento: a store that takes the token as a bearer (--set bearer=1)" {
	sandbox_start --platform magento --data "$MAG" --set bearer=1
	magento_bearer
	mag_in
	t 1 mag-push.csv "" stock-push --to magento in.csv
	same_as_input
}
@test "Magento: a wrong OAuth secret: exit 3 with Magento's words" {
	sandbox_start --platform magento --data "$MAG"
	magento_oauth wrong
	mag_in
	t 3 - "stock-push: http://127.0.0.1:[0-9]+/rest/default/V1/inventory/source-items\?.*: 401: The signature is invalid\. Verify and try again\." stock-push --to magento in.csv
}
@test "Magento: kill -9 at random moments of a push, resume: all set, none twice" {
	sandbox_start --platform magento --generate products=10000
	stock-snapshot --from magento | awk -F, 'NR == 1 { print "sku,qty"; next } { print $1 "," ($2 * 7 + 3) % 50 }' >in.csv
	kill_resume 20
}

# Shopify: GraphQL, 250 levels a mutation, compared with the level read.
SHOP=$TOP/tests/sandbox/data/shopify
# At Magazijn Utrecht: TS-RED-S 4, TS-RED-M 12, TS-RED-L 0, TS-RED-XL 7,
# HD-BLK-S 3, HD-BLK-M 6, HD-BLK-L -1, MUG-BLU 24, MUG-WHT 0, ...
shop_in() {
	input TS-RED-S,4 TS-RED-M,10 TS-RED-L,5 TS-RED-XL,7 HD-BLK-S,3 \
	    HD-BLK-M,6 HD-BLK-L,0 MUG-BLU,24 MUG-WHT,2 BAG-NAT,14 \
	    PL-GRN-M,8 SOCK-3640,30 SOCK-4146,28 CANDLE-CB,15 NOPE,1
}
shop_conn() { connections "location = Magazijn Utrecht" "retry_delay = 0.01"; }
@test "Shopify: --dry-run writes the plan and changes nothing" {
	sandbox_start --platform shopify --data "$SHOP"
	shop_conn
	shop_in
	dry_run shop-plan.csv
}
@test "Shopify: a push in one mutation; the shop then equals the input" {
	sandbox_start --platform shopify --data "$SHOP"
	shop_conn
	shop_in
	t 1 shop-push.csv "" stock-push --to shopify in.csv
	[ "$(writes)" = '{"HD-BLK-L": 1, "MUG-WHT": 1, "TS-RED-L": 1, "TS-RED-M": 1}' ]
	same_as_input
	# Each level compared with the one read, under an idempotency key.
	py -c 'import json, sys
posts = [json.loads(l)["body"] for l in open(sys.argv[1])]
m = [b for b in posts if b["query"].startswith("mutation")]
assert len(m) == 1, len(m)
qs = m[0]["variables"]["input"]["quantities"]
assert sorted((q["quantity"], q["changeFromQuantity"]) for q in qs) == [(0, -1), (2, 0), (5, 0), (10, 12)], qs
assert m[0]["variables"]["key"].startswith("shopswitch-")' "$BATS_TEST_TMPDIR/requests.jsonl"
}
@test "Shopify: 251 levels go in two mutations, of 250 and 1" {
	sandbox_start --platform shopify --generate products=100,variants=300,locations=2 --set restore=2000
	connections "location = Magazijn Utrecht" "retry_delay = 0.01"
	stock-snapshot --from shopify | awk -F, 'NR == 1 { print "sku,qty"; next } NR <= 252 { print $1 "," $2 + 1; next } { print $1 "," $2 }' >in.csv
	stock-push --to shopify in.csv >out.csv
	[ "$(grep -c ',set,$' out.csv)" -eq 251 ]
	py -c 'import json, sys
sizes = [len(json.loads(l)["body"]["variables"]["input"]["quantities"])
         for l in open(sys.argv[1]) if "mutation" in l]
assert sizes == [250, 1], sizes' "$BATS_TEST_TMPDIR/requests.jsonl"
}
@test "Shopify: a sale between read and write is a conflict; the rest are set" {
	sandbox_start --platform shopify --data "$SHOP"
	shop_conn
	shop_in
	fault '[{"path": "/admin/api/2026-10/graphql.json", "kind": "change", "body": "mutation Set", "change": {"sku": "TS-RED-M", "available": 11}}]'
	t 1 shop-conflict.csv "" stock-push --to shopify in.csv
	[ "$(writes)" = '{"HD-BLK-L": 1, "MUG-WHT": 1, "TS-RED-L": 1}' ]
}
@test "Shopify: --on-conflict=overwrite reads the level again and sets it" {
	sandbox_start --platform shopify --data "$SHOP"
	shop_conn
	shop_in
	fault '[{"path": "/admin/api/2026-10/graphql.json", "kind": "change", "body": "mutation Set", "change": {"sku": "TS-RED-M", "available": 11}}]'
	t 1 shop-overwrite.csv "" stock-push --to shopify --on-conflict=overwrite in.csv
	same_as_input
}
@test "Shopify: above bulk_above the catalog is read by one bulk operation" {
	sandbox_start --platform shopify --data "$SHOP"
	connections "location = Magazijn Utrecht" "retry_delay = 0.01" "bulk_above = 0"
	shop_in
	t 1 shop-push.csv "" stock-push --to shopify in.csv
	same_as_input
	# One operation and its file, no page of items.
	[ "$(bulk_requests "query Items")" = "1 1 0 polls" ]
}
# The mutations sent, one line each: its key's number in order of first
# use (1, 2, ...) and its SKU count.
mutations() {
	py -c 'import json, sys
keys = {}
for l in open(sys.argv[1]):
    b = json.loads(l)["body"]
    if b and b["query"].startswith("mutation"):
        k = keys.setdefault(b["variables"]["key"], len(keys) + 1)
        print(k, len(b["variables"]["input"]["quantities"]))' "$BATS_TEST_TMPDIR/requests.jsonl"
}
# slow_first_set [EXTRA]: the shop, a client that waits 1 s for an
# answer, the input, and the first mutation's answer 2 s late (EXTRA: more
# members of that fault, such as a change).
slow_first_set() {
	sandbox_start --platform shopify --data "$SHOP"
	connections "location = Magazijn Utrecht" "retry_delay = 0.2" "timeout = 1"
	shop_in
	fault "[{\"path\": \"/admin/api/2026-10/graphql.json\", \"kind\": \"slow\", \"delay\": 2, \"body\": \"mutation Set\"${1:+, $1}}]"
}
@test "Shopify: a write applied but not answered is not applied twice" {
	# The client gives up after 1 s and sends the same key again:
	# IDEMPOTENCY_CONCURRENT_REQUEST until the first has ended, then its
	# answer again.
	slow_first_set
	t 1 shop-push.csv "" stock-push --to shopify in.csv
	[ "$(writes)" = '{"HD-BLK-L": 1, "MUG-WHT": 1, "TS-RED-L": 1, "TS-RED-M": 1}' ]
	mutations >sent
	[ "$(sort -u sent)" = "1 4" ]
	[ "$(wc -l <sent)" -ge 3 ]
}
@test "Shopify: a key whose attempt failed goes again under a new key" {
	# A sale just before the first mutation, whose answer (user errors)
	# comes too late: the same key then gets
	# IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED, a new key the sale's conflict.
	slow_first_set '"change": {"sku": "TS-RED-M", "available": 11}'
	t 1 shop-conflict.csv "" stock-push --to shopify in.csv
	[ "$(writes)" = '{"HD-BLK-L": 1, "MUG-WHT": 1, "TS-RED-L": 1}' ]
	mutations | uniq >sent
	[ "$(cat sent)" = "$(printf '1 4\n2 4\n3 3')" ]
}
@test "Shopify: a mutation that set some despite user errors: those are set" {
	# The reference does not promise that a mutation with user errors
	# applied nothing; read the batch back before sending it again.
	sandbox_start --platform shopify --data "$SHOP" --set atomic=0
	shop_conn
	shop_in
	fault '[{"path": "/admin/api/2026-10/graphql.json", "kind": "change", "body": "mutation Set", "change": {"sku": "TS-RED-M", "available": 11}}]'
	t 1 shop-conflict.csv "" stock-push --to shopify in.csv
	[ "$(writes)" = '{"HD-BLK-L": 1, "MUG-WHT": 1, "TS-RED-L": 1}' ]
	[ "$(mutations)" = "1 4" ]
}
@test "Shopify: two pushes share the cost bucket: THROTTLED is waited out" {
	sandbox_start --platform shopify --generate products=300,variants=1500,locations=2 --set bucket=1000 --set restore=2000
	connections "location = Magazijn Utrecht" "retry_delay = 0.01"
	stock-snapshot --from shopify | awk -F, 'NR == 1 { print "sku,qty"; next } { print $1 "," $2 + 1 }' >in.csv
	# Each paces by what the answers say of the bucket, which the other
	# drains too: what one is refused for it waits out and sends again.
	stock-push --to shopify -n -v in.csv >a.csv 2>a.err &
	stock-push --to shopify -n -v in.csv >b.csv 2>b.err || { cat b.err; return 1; }
	wait $! || { cat a.err; return 1; }
	cmp a.csv b.csv
	[ "$(grep -c would_set b.csv)" -gt 1000 ]
	cat a.err b.err | sed -n 's/.*requests (\([0-9]*\) throttled)$/\1/p' >throttled
	[ "$(wc -l <throttled)" -eq 2 ]
	[ "$(grep -cx 0 throttled)" -eq 0 ]	# each was throttled
}
@test "Shopify: client credentials, a token renewed when it runs out" {
	sandbox_start --platform shopify --data "$SHOP" --set token_ttl=1
	sed -i '/^token/d' connections.conf
	connections "location = Magazijn Utrecht" "client_id = sandbox-client" "client_secret = sandbox-secret"
	sed -i '/^token/d' connections.conf
	shop_in
	# The second query answers after the first token has died.
	fault '[{"path": "/admin/api/2026-10/graphql.json", "kind": "slow", "delay": 1.5, "skip": 1}]'
	t 1 shop-push.csv "" stock-push --to shopify in.csv
	[ "$(requests | grep -c '^POST /admin/oauth/access_token 200')" -ge 2 ]
}
@test "Shopify: client credentials, a token refused before it runs out: a new one, once" {
	sandbox_start --platform shopify --data "$SHOP"
	connections "location = Magazijn Utrecht" "client_id = sandbox-client" "client_secret = sandbox-secret"
	sed -i '/^token/d' connections.conf
	shop_in
	# Revoked as the second query comes in: the third is refused.
	fault '[{"path": "/admin/api/2026-10/graphql.json", "kind": "change", "change": {"revokeTokens": true}, "skip": 1}]'
	t 1 shop-push.csv "" stock-push --to shopify in.csv
	requests | awk '$2 ~ /graphql/ { print $3 } $2 ~ /access_token/ { print "grant", $3 }' >seen
	printf '%s\n' "grant 200" 200 200 401 "grant 200" 200 >want
	diff want <(head -n 6 seen)
}
@test "Shopify: a wrong token: exit 3 with Shopify's words" {
	sandbox_start --platform shopify --data "$SHOP"
	shop_conn
	sed -i 's/shpat_sandbox/shpat_wrong/' connections.conf
	shop_in
	t 3 - "stock-push: http://127.0.0.1:[0-9]+/admin/api/2026-10/graphql.json: 401: \[API\] Invalid API key or access token \(unrecognized login or wrong password\)" stock-push --to shopify in.csv
}
@test "Shopify: several locations and none named: exit 2, naming them" {
	sandbox_start --platform shopify --data "$SHOP"
	shop_in
	t 2 - "stock-push: .*/connections.conf:1: \[shopify\] needs location =, the shop has several: one of Magazijn Utrecht \(78650654971\), Pop-up Köln \(78650720507\), Winkel Amsterdam \(78650687739\)" stock-push --to shopify in.csv
}
@test "Shopify: kill -9 at random moments of a push, resume: all set, none twice" {
	# A bucket that never runs dry: the moments, not the pacing, matter.
	sandbox_start --platform shopify --generate products=4000,variants=10000,locations=2 --set restore=1000000 --set bucket=1000000
	connections "location = Magazijn Utrecht" "retry_delay = 0.01"
	stock-snapshot --from shopify | awk -F, 'NR == 1 { print "sku,qty"; next } $1 != "" { print $1 "," ($2 * 7 + 3) % 50 }' >in.csv
	kill_resume 250
}

# The guards.
@test "zeroing most of the stock is refused before any write: exit 2" {
	sandbox_start --platform woocommerce --data "$WOO"
	input TS-RED-M,0 HD-BLK-S,0 HD-BLK-M,1 PL-GRN-M,3 PL-GRN-L,5 8718526012347,9 BAG-TOTE,2 MUG-BLU,0 HD-BLK-L,0
	t 2 woo-guard.csv "stock-push: refusing: the push sets 3 of the 7 SKUs the shop has in stock to zero or to less than half \(42\.9%, more than --max-zero 10%\)
stock-push: nothing was written; --force pushes anyway" stock-push --to woocommerce in.csv
	[ "$(posts)" = "" ]
}
@test "--max-zero 50 lets that push through" {
	sandbox_start --platform woocommerce --data "$WOO"
	input TS-RED-M,0 HD-BLK-S,0 HD-BLK-M,1 PL-GRN-M,3 PL-GRN-L,5 8718526012347,9 BAG-TOTE,2 MUG-BLU,0 HD-BLK-L,0
	stock-push --to woocommerce --max-zero 50 in.csv >out.csv
	same_as_input
}
@test "--force pushes it, with a warning" {
	sandbox_start --platform woocommerce --data "$WOO"
	input TS-RED-M,0 HD-BLK-S,0 HD-BLK-M,1 PL-GRN-M,3 PL-GRN-L,5 8718526012347,9 BAG-TOTE,2 MUG-BLU,0 HD-BLK-L,0
	t 0 woo-forced.csv "stock-push: warning: the push sets 3 of the 7 SKUs .*" stock-push --to woocommerce --force in.csv
	same_as_input
}
@test "--dry-run shows the plan a guard refuses: exit 2" {
	sandbox_start --platform woocommerce --data "$WOO"
	input TS-RED-M,0 HD-BLK-S,0 HD-BLK-M,1 PL-GRN-M,3 PL-GRN-L,5 8718526012347,9 BAG-TOTE,2 MUG-BLU,0 HD-BLK-L,0
	t 2 woo-guard-plan.csv "stock-push: refusing: .*
stock-push: nothing was written; --force pushes anyway" stock-push --to woocommerce -n in.csv
}
@test "an empty snapshot is refused: it would cover none of the shop" {
	sandbox_start --platform woocommerce --data "$WOO"
	input
	t 2 woo-header.csv "stock-push: refusing: the input names 0 of the 9 SKUs the shop tracks \(0\.0%, less than --min-coverage 50%\): is the snapshot empty or cut short\?
stock-push: nothing was written; --force pushes anyway" stock-push --to woocommerce in.csv
	[ "$(posts)" = "" ]
}
@test "a truncated snapshot is refused the same way" {
	sandbox_start --platform woocommerce --data "$WOO"
	input TS-RED-M,12 MUG-BLU,3
	t 2 woo-header.csv "stock-push: refusing: the input names 2 of the 9 SKUs .*
stock-push: nothing was written; --force pushes anyway" stock-push --to woocommerce in.csv
}
@test "--min-coverage 0: one SKU may be pushed alone" {
	sandbox_start --platform woocommerce --data "$WOO"
	input MUG-BLU,3
	t 0 woo-one.csv "" stock-push --to woocommerce --min-coverage 0 in.csv
}

# The input.
@test "a SKU twice with the same level: one result" {
	sandbox_start --platform woocommerce --data "$WOO"
	input MUG-BLU,3 MUG-BLU,3
	t 0 woo-one.csv "" stock-push --to woocommerce --min-coverage 0 in.csv
}
@test "a SKU twice with two levels: exit 2 naming both lines, no request" {
	sandbox_start --platform woocommerce --data "$WOO"
	input MUG-BLU,3 TS-RED-M,1 MUG-BLU,4
	t 2 - "stock-push: in.csv:4: SKU MUG-BLU to 4, but in.csv:2 says 3" stock-push --to woocommerce in.csv
	[ ! -s requests.jsonl ]
}
@test "a level that is not a whole number: exit 2 with file:line" {
	sandbox_start --platform woocommerce --data "$WOO"
	input MUG-BLU,3 TS-RED-M,1.5
	t 2 - "stock-push: in.csv:3: qty '1.5' is not a whole number of at least 0" stock-push --to woocommerce in.csv
	[ ! -s requests.jsonl ]
}
@test "a negative level and an empty SKU: --rejects sets them aside" {
	sandbox_start --platform woocommerce --data "$WOO"
	input MUG-BLU,3 TS-RED-M,-2 ,4
	t 0 woo-one.csv "" stock-push --to woocommerce --min-coverage 0 --rejects rej.csv in.csv
	t 0 woo-rejects.csv "" cat rej.csv
}
@test "stock records from a snapshot: ';', a BOM and extra columns" {
	sandbox_start --platform woocommerce --data "$WOO"
	printf '\357\273\277sku;name;qty\r\nMUG-BLU;Mok;3\r\n' >in.csv
	t 0 woo-one.csv "" stock-push --to woocommerce --min-coverage 0 in.csv
}
@test "a Picqer connection takes no stock: exit 2" {
	sandbox_start
	input X,1
	t 2 - "stock-push: picqer: picqer keeps stock, it does not take it: push to a shop" stock-push --to picqer in.csv
}

# Failures.
@test "429s and resets on the writes are retried: every SKU set once" {
	sandbox_start --platform woocommerce --data "$WOO"
	woo_in
	fault '[{"path": "/wp-json/wc/v3/products/", "method": "POST", "kind": "429", "times": 2}, {"path": "/wp-json/wc/v3/products/203/", "kind": "reset"}]'
	t 1 woo-push.csv "" stock-push --to woocommerce in.csv
	[ "$(writes)" = '{"BAG-TOTE": 1, "HD-BLK-M": 1, "PL-GRN-M": 1, "TS-RED-M": 1}' ]
}
@test "a write that keeps failing: exit 3, the rest reported not sent" {
	sandbox_start --platform woocommerce --data "$WOO"
	woo_in
	fault '[{"path": "/wp-json/wc/v3/products/203/variations/batch", "kind": "500", "times": 4}]'
	# A write is not simply sent again: the catalog is read again
	# before each of three more tries.
	batch='stock-push: http://127.0.0.1:[0-9]+/wp-json/wc/v3/products/203/variations/batch: 500: internal_server_error: .*'
	t 3 - "$batch: looking at the shop before sending again
$batch: looking at the shop before sending again
$batch: looking at the shop before sending again
$batch" sh -c 'stock-push --to woocommerce --journal j in.csv >res.csv'
	[ "$(requests | grep -c '^POST /wp-json/wc/v3/products/203/variations/batch 500$')" -eq 4 ]
	t 0 woo-dead.csv "" sed 's/127\.0\.0\.1:[0-9]*/127.0.0.1:PORT/' res.csv
	# What the shop confirmed is in the journal; a second run finishes.
	[ "$(tail -n +2 j)" = '{"set":[["TS-RED-M",12,10],["BAG-TOTE",2,5]]}' ]
	t 1 woo-resumed.csv "" stock-push --to woocommerce --journal j in.csv
	[ "$(writes)" = '{"BAG-TOTE": 1, "HD-BLK-M": 1, "PL-GRN-M": 1, "TS-RED-M": 1}' ]
}
@test "wrong credentials: exit 3 with the shop's words" {
	sandbox_start --platform woocommerce --data "$WOO"
	sed -i 's/cs_sandbox/cs_wrong/' connections.conf
	input X,1
	t 3 - "stock-push: http://127.0.0.1:[0-9]+/wp-json/wc/v3/products\?per_page=100&page=1&status=any&orderby=id&order=asc: 401: woocommerce_rest_authentication_error: Consumer secret is invalid\." stock-push --to woocommerce in.csv
}
@test "a dead shop: exit 3, nothing written" {
	sandbox_start --platform woocommerce --data "$WOO"
	sandbox_stop "$SANDBOX_PID"
	input X,1
	t 3 - "stock-push: http://127.0.0.1:[0-9]+/wp-json/wc/v3/products\?.*: (Failed to connect|Couldn't connect).*" stock-push --to woocommerce in.csv
}

# The journal.
@test "a journal of a push elsewhere is refused" {
	sandbox_start --platform woocommerce --data "$WOO"
	woo_in
	printf '{"stock-push":1,"to":"other","started":"2026-11-26T00:00:00Z"}\n' >j
	t 2 - "stock-push: j:1: the journal of a push to other, not to woocommerce" stock-push --to woocommerce --journal j in.csv
}
@test "a journal of other levels is refused" {
	sandbox_start --platform woocommerce --data "$WOO"
	woo_in
	printf '{"stock-push":1,"to":"woocommerce","started":"2026-11-26T00:00:00Z"}\n{"set":[["TS-RED-M",12,11]]}\n' >j
	t 2 - "stock-push: j:2: SKU TS-RED-M was set to 11, the input says 10: the journal is of another push" stock-push --to woocommerce --journal j in.csv
}
@test "a journal line cut short by a crash is dropped, then the push goes on" {
	sandbox_start --platform woocommerce --data "$WOO"
	woo_in
	printf '{"stock-push":1,"to":"woocommerce","started":"2026-11-26T00:00:00Z"}\n{"set":[["TS-RED-M",12,10]]}\n{"set":[["HD-BL' >j
	t 1 woo-journal.csv "stock-push: j:3: a line cut short \(the run that wrote it was killed\): ignored" stock-push --to woocommerce --journal j in.csv
	[ "$(writes)" = '{"BAG-TOTE": 1, "HD-BLK-M": 1, "PL-GRN-M": 1}' ]
	[ "$(sed -n 3p j)" = '{"set":[["BAG-TOTE",2,5]]}' ]
}
@test "a journal that cannot be written: exit 2 before any write" {
	sandbox_start --platform woocommerce --data "$WOO"
	woo_in
	t 2 - "stock-push: /dev/full: No space left on device" stock-push --to woocommerce --journal /dev/full in.csv
	[ "$(posts)" = "" ]
}
@test "a journal in use by another push is refused" {
	sandbox_start --platform woocommerce --data "$WOO"
	woo_in
	: >j
	exec 6<j; flock -n 6		# this shell holds the lock: no race
	t 2 - "stock-push: j: another stock-push is using this journal" stock-push --to woocommerce --journal j in.csv
	exec 6<&-
}
@test "WooCommerce: kill -9 at random moments of a push, resume: all set, none twice" {
	sandbox_start --platform woocommerce --generate products=10000
	stock-snapshot --from woocommerce | awk -F, 'NR == 1 { print "sku,qty"; next } $1 != "" { print $1 "," ($2 * 7 + 3) % 50 }' >in.csv
	kill_resume 4
}

# kill_resume BATCH: push in.csv with a journal, killing the push with
# SIGKILL at random moments, up to 8 times, then letting a run end by
# itself; then every SKU is right and none was written twice.  The
# moments: after a random number of the batches still to write (BATCH
# levels each) were journalled, plus up to 30 ms, so that a kill can fall
# in the listing, in a write, or between a write and its journal line.
kill_resume() {
	local left
	left=$(($(stock-push --to "$SANDBOX_PLATFORM" --force -n in.csv |
	    grep -c ',would_set,') / $1 + 1))
	kill_runs $((left / 4)) stock-push --to "$SANDBOX_PLATFORM" --force \
	    --journal j in.csv
	[ "$RC" -le 1 ] || { cat "err.$RUN"; return 1; }
	writes | py -c 'import json, sys
w = json.load(sys.stdin)
twice = {k: v for k, v in w.items() if v > 1}
assert not twice, twice
print(len(w), "SKUs written once")'
	# The last run reports every SKU; what it did not set, the journal had.
	[ "$(tail -n +2 "out.$RUN" | wc -l)" -eq "$(($(wc -l <in.csv) - 1))" ]
	[ -z "$(tail -n +2 "out.$RUN" | grep -v ',\(set\|unchanged\),$')" ]
	same_as_input
}
@test "JSON Lines in, JSON Lines out" {
	sandbox_start --platform woocommerce --data "$WOO"
	printf '{"sku":"MUG-BLU","qty":3}\n{"sku":"TS-RED-M","qty":"12"}\n' >in.jsonl
	t 0 woo-jsonl.jsonl "" stock-push --to woocommerce --min-coverage 0 in.jsonl
}
