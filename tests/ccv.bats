# ccv.bats: the CCV Shop connector against the API sandbox (tests/sandbox,
# --platform ccv), seeded from tests/sandbox/data/ccv: every request
# signed, collections followed by their next link, orders with their
# rows, stock of products and attribute combinations, one PATCH a level,
# orders completed with what they lack, orders entered and found again
# by their marker.
load setup

CCV=$TOP/tests/sandbox/data/ccv

ccv_start() { sandbox_start --platform ccv --data "$CCV" "$@"; }
OE="orders-export --from ccv"
snap() { stock-snapshot --from ccv "$@" | cut -d, -f1-8; }
# input LINES...: an input file in.csv with the header sku,qty.
input() { printf 'sku,qty\n' >in.csv; printf '%s\n' "$@" >>in.csv; }
# The seed's levels: TS-RED-M 5, TS-RED-L 0, TS-RED-XL 2 (inactive),
# TS-RED-S 9 (product_number only), MUG-BLU 12, CAP-BLK 2 (inactive),
# 8718526012347 7, BAG-TOTE 0, MUG-KLN 4, COF-1KG 12.5; TS-RED keeps its
# stock per combination, GIFT-25 none.
push_in() {
	input TS-RED-M,6 TS-RED-L,0 TS-RED-XL,4 TS-RED-S,8 MUG-BLU,12 \
	    BAG-TOTE,5 COF-1KG,10 TS-RED,1 GIFT-25,3 NOPE,1
}
# levels: "SKU stock" of every product and combination, sorted.
levels() {
	state | py -c 'import json, sys
for p in json.load(sys.stdin)["products"]:
    if p["productnumber"] and p["stocktype"] == "product" and p["stockenabled"]:
        print(p["productnumber"], p["stock"])
    for c in p["attributecombinations"]:
        print(c["sku_number"] or c["product_number"], c["stock"])' | sort
}
patches() { requests | grep '^PATCH' || true; }
mails() { ctl GET /_sandbox/mail; }
# order ID: "status code carrier" of the sandbox's order ID.
order() {
	state | py -c 'import json, sys
for o in json.load(sys.stdin)["orders"]:
    if o["id"] == int(sys.argv[1]):
        print(o["status"], o["track_and_trace_code"], o["track_and_trace_carrier"])' "$1"
}

# --- orders-export ----------------------------------------------------------
@test "CCV: every order, statuses mapped, rows and track & trace" {
	ccv_start
	t 0 all.jsonl "" $OE -o jsonl
	# The list, then each order's rows; the abandoned checkout not asked.
	t 0 all.req "" requests
}
@test "CCV: one row per order line, CSV" { ccv_start; t 0 lines.csv "" $OE --lines; }
@test "CCV: --status open asks for each of its statuses" {
	ccv_start
	t 0 open.csv "" $OE -s open
	requests | grep -v orderrows >req
	t 0 open.req "" cat req
}
@test "CCV: --status partially_shipped: none, and nothing asked" {
	ccv_start
	t 0 none.csv "" $OE -s partially_shipped
	[ ! -s "$BATS_TEST_TMPDIR/requests.jsonl" ]
}
@test "CCV: --since/--until on the creation time, both ends included" {
	ccv_start
	t 0 since.csv "" $OE --since 2026-10-20T18:00:00Z --until 2026-11-20T23:59:59Z
	requests | grep -c 'min_create_date=2026-10-20T18%3A00%3A00Z&max_create_date=2026-11-20T23%3A59%3A59Z' >n
	[ "$(cat n)" -eq 1 ]
}
@test "CCV: --raw keeps the order with its rows" {
	ccv_start
	$OE -o jsonl --raw -s draft >out.jsonl
	py -c 'import json, sys
o = [json.loads(l) for l in open(sys.argv[1])]
assert len(o) == 1 and o[0]["raw"]["id"] == 339300041, o
rows = o[0]["raw"]["orderrows"]
assert [r["count"] for r in rows] == [2.5], rows' out.jsonl
}
@test "CCV: 250 orders in 3 pages, each next link followed" {
	sandbox_start --platform ccv --generate orders=250,products=30 --set read_limit=1000 --set total_limit=1000
	$OE >out.csv
	[ "$(tail -n +2 out.csv | wc -l)" -eq 240 ]	# every 23rd abandoned
	requests | grep -v orderrows >req
	t 0 pages.req "" cat req
	whole out.csv
}

# --- stock-snapshot ---------------------------------------------------------
@test "CCV: the stock of active products and combinations" { ccv_start; t 0 snap.csv "" snap; }
@test "CCV: --inactive adds the inactive ones" { ccv_start; t 0 snap-inactive.csv "" snap --inactive; }
@test "CCV: no warehouses: exit 2" {
	ccv_start
	t 2 - "stock-snapshot: CCV Shop keeps one stock level per product: no warehouses" stock-snapshot --from ccv --warehouse 1
}

# --- stock-push -------------------------------------------------------------
@test "CCV: --dry-run writes the plan and changes nothing" {
	ccv_start
	push_in
	state >before.json
	t 1 plan.csv "" stock-push --to ccv -n in.csv
	state >after.json
	cmp before.json after.json
	[ "$(writes)" = "{}" ]
	[ -z "$(patches)" ]
}
@test "CCV: a push, one PATCH a level; the shop then has them; again: nothing" {
	ccv_start
	push_in
	t 1 push.csv "" stock-push --to ccv in.csv
	[ "$(writes)" = '{"BAG-TOTE": 1, "COF-1KG": 1, "TS-RED-M": 1, "TS-RED-S": 1, "TS-RED-XL": 1}' ]
	patches >p
	t 0 push.req "" cat p
	levels >got
	t 0 levels.out "" cat got
	# NOPE is not found and nothing is sent for it, nor again.
	t 1 again.csv "" stock-push --to ccv in.csv
	[ "$(writes)" = '{"BAG-TOTE": 1, "COF-1KG": 1, "TS-RED-M": 1, "TS-RED-S": 1, "TS-RED-XL": 1}' ]
}
@test "CCV: a sale between the listing and the write is overwritten" {
	ccv_start
	push_in
	fault '[{"path": "/api/rest/v1/products/845700107", "method": "PATCH", "kind": "change", "change": {"sku": "BAG-TOTE", "stock": 9}}]'
	t 1 push.csv "" stock-push --to ccv in.csv
	# No compare-and-set: the sale is overwritten, as shopswitch(7) says.
	[ "$(levels | grep BAG-TOTE)" = "BAG-TOTE 5" ]
}

# --- faults -----------------------------------------------------------------
@test "CCV: 429s on writes are retried, a 500 looked at again; none written twice" {
	ccv_start
	push_in
	fault '[{"path": "/api/rest/v1/attributecombinations/", "method": "PATCH", "kind": "429", "times": 3},
	    {"path": "/api/rest/v1/products/845700107", "method": "PATCH", "kind": "500", "times": 1}]'
	t 1 push.csv "stock-push: http://127.0.0.1:[0-9]+/api/rest/v1/products/845700107: 500: 500.00: Internal server error: looking at the shop before sending again" stock-push --to ccv in.csv
	[ "$(writes)" = '{"BAG-TOTE": 1, "COF-1KG": 1, "TS-RED-M": 1, "TS-RED-S": 1, "TS-RED-XL": 1}' ]
	[ "$(requests | grep -c ' 429$')" -eq 3 ]
	# The write that failed was sent once more, after the catalog.
	[ "$(requests | grep -c '^PATCH /api/rest/v1/products/845700107 ')" -eq 2 ]
}
@test "CCV: a 429 storm on the list is waited out" {
	ccv_start
	fault '[{"path": "/api/rest/v1/orders", "kind": "429", "times": 4}]'
	t 0 all.jsonl "" $OE -o jsonl
}
@test "CCV: a 500 to exhaustion: exit 3 naming the request, CCV's words" {
	ccv_start
	fault '[{"path": "/api/rest/v1/products", "kind": "500", "times": 50}]'
	t 3 - "stock-snapshot: http://127.0.0.1:[0-9]+/api/rest/v1/products\?active=true&start=0&size=100: 500 \(after 6 retries\): 500.00: Internal server error" snap
}
@test "CCV: invalid JSON to exhaustion: exit 3 naming the request" {
	ccv_start
	fault '[{"path": "/api/rest/v1/orders/339300011/orderrows", "kind": "badjson", "times": 50}]'
	t 3 - "orders-export: http://127.0.0.1:[0-9]+/api/rest/v1/orders/339300011/orderrows\?start=0&size=100: 200, but the answer is not valid JSON \(.*\) \(after 6 retries\)" sh -c "$OE -o jsonl >out.jsonl"
	[ ! -s out.jsonl ]
}
@test "CCV: a reset while listing is retried" {
	ccv_start
	fault '[{"path": "/api/rest/v1/products", "kind": "reset", "times": 2}]'
	t 0 snap.csv "" snap
}

# --- the platform's refusals ------------------------------------------------
@test "CCV: a wrong secret: 401, exit 3, CCV's words, no retries" {
	ccv_start
	sed -i 's/^secret = .*/secret = wrong/' connections.conf
	t 3 - "stock-snapshot: http://127.0.0.1:[0-9]+/api/rest/v1/products\?active=true&start=0&size=100: 401: 401.10: Hash does not match" snap
	[ "$(requests | wc -l)" -eq 1 ]
}
@test "CCV: an unknown public key: exit 3" {
	ccv_start
	sed -i 's/^public_key = .*/public_key = nobody/' connections.conf
	t 3 - "orders-export: http://127.0.0.1:[0-9]+/api/rest/v1/orders\?orderby=id&start=0&size=100: 401: 401.10: Unknown public key" $OE
}
@test "CCV: each request is signed with the time it is sent" {
	# The first answer comes 8 s late: a date signed before it would be
	# 8 s old on the next request, beyond the 5 s the sandbox allows.
	# (What is timed is the sandbox's patience, not the tool's speed: a
	# request in transit longer than 5 s would fail it.)
	ccv_start --set clock_skew=5
	fault '[{"path": "/api/rest/v1/products", "kind": "slow", "delay": 8}]'
	t 0 snap.csv "" snap
	[ "$(requests | wc -l)" -ge 2 ]
}
@test "CCV: no secret in the connection: exit 2 naming file and line" {
	ccv_start
	sed -i '/^secret =/d' connections.conf
	t 2 - "stock-snapshot: .*/connections.conf:1: \[ccv\] needs public_key and secret \(CCV Shop: the API key pair of the shop's API settings\)" snap
	[ ! -s "$BATS_TEST_TMPDIR/requests.jsonl" ]
}

# --- orders-complete --------------------------------------------------------
# 1004 New, 1005 In process (two shipments), 1006 Wait for manufacturer,
# 1001 Completed with its code, 1002 Sent with another code, 1008 and
# WEB-1015 cancelled, 999 unknown, 1016 Sent.
complete_in() {
	printf 'number,tracking\n' >in.csv
	printf '%s\n' '1004,postnl 3SCCV0001004' '1005,dhl JVGL1005; postnl 3SX' \
	    '1006,' '1001,postnl 3SCCV0000001' '1002,postnl 3SOTHER' \
	    '1008,postnl 3SX' 'WEB-1015,' '999,' '1016,' >>in.csv
}
@test "CCV: orders-complete --dry-run writes the plan and changes nothing" {
	ccv_start
	complete_in
	state >before.json
	t 1 complete-plan.csv "" orders-complete --in ccv -k number -n in.csv
	state >after.json
	cmp before.json after.json
	[ "$(writes)" = "{}" ]
}
@test "CCV: orders-complete: Sent with its track & trace, no mail; again: nothing" {
	ccv_start
	complete_in
	t 1 complete.csv "" orders-complete --in ccv -k number in.csv
	[ "$(writes)" = '{"order 339300029 status": 1, "order 339300029 track": 1, "order 339300031 status": 1, "order 339300031 track": 1, "order 339300037 status": 1}' ]
	[ "$(order 339300029)" = "5 3SCCV0001004 postnl" ]
	[ "$(order 339300031)" = "5 JVGL1005 dhl" ]
	[ "$(mails)" = "[]" ]
	patches >p
	t 0 complete.req "" cat p
	t 1 complete-again.csv "" orders-complete --in ccv -k number in.csv
	[ "$(writes)" = '{"order 339300029 status": 1, "order 339300029 track": 1, "order 339300031 status": 1, "order 339300031 track": 1, "order 339300037 status": 1}' ]
}
@test "CCV: orders-complete by id: a checkout is no order; the track & trace a completed order lacks" {
	ccv_start
	printf 'id,tracking\n339300083,ups 1Z999\n339300079,\n12,\n' >in.csv
	t 1 complete-id.csv "" orders-complete --in ccv in.csv
	[ "$(writes)" = "{}" ]
	# 1011, Ready to be collected: the code alone, its status kept.
	printf 'id,tracking\n339300059,ups 1Z999\n' >in.csv
	t 0 complete-id2.csv "" orders-complete --in ccv in.csv
	[ "$(order 339300059)" = "11 1Z999 ups" ]
}
@test "CCV: orders-complete --notify-customer: CCV mails the status" {
	ccv_start
	printf 'id,tracking\n339300031,postnl 3SCCV0001005\n' >in.csv
	t 0 complete-notify.csv "" orders-complete --in ccv --notify-customer in.csv
	mails | grep -q '"template": "status_5"'
}
@test "CCV: orders-complete: a PATCH answered 500 is looked at again, done once" {
	ccv_start
	printf 'id,tracking\n339300031,postnl 3SCCV0001005\n' >in.csv
	fault '[{"path": "/api/rest/v1/orders/339300031", "method": "PATCH", "kind": "500", "times": 1}]'
	t 0 complete-500.csv "orders-complete: order 339300031: http://127.0.0.1:[0-9]+/api/rest/v1/orders/339300031: 500: 500.00: Internal server error: asking again" \
	    orders-complete --in ccv in.csv
	[ "$(writes)" = '{"order 339300031 status": 1, "order 339300031 track": 1}' ]
}

@test "CCV: set Sent in the back office in between: CCV refuses it twice; looked at again" {
	ccv_start
	printf 'id,tracking\n339300031,postnl 3SCCV0001005\n' >in.csv
	fault '[{"path": "/api/rest/v1/orders/339300031", "method": "PATCH", "kind": "change", "change": {"order": 339300031, "status": 5}}]'
	t 0 complete-race.csv "orders-complete: order 339300031: http://127.0.0.1:[0-9]+/api/rest/v1/orders/339300031: 500: 500.50: Status of order 339300031 is already 5: asking again" \
	    orders-complete --in ccv in.csv
	[ "$(order 339300031)" = "5 3SCCV0001005 postnl" ]
}
@test "CCV: cancelled in the back office in between: failed, in CCV's words" {
	ccv_start
	printf 'id,tracking\n339300031,postnl 3SCCV0001005\n' >in.csv
	fault '[{"path": "/api/rest/v1/orders/339300031", "method": "PATCH", "kind": "change", "change": {"order": 339300031, "status": 8}}]'
	t 1 complete-refused.csv "" orders-complete --in ccv in.csv
	[ "$(writes)" = "{}" ]
}

# --- orders-push ------------------------------------------------------------
# push_orders: in.jsonl, three orders of an old WooCommerce shop "old":
# a combination (TS-RED-M) and a product, a product the shop now sells
# at a discount (BAG-TOTE: the old price is kept) with a discount on the
# order and no shipping address, and a line whose total does not divide
# by its quantity (the cent left over is shipping).
push_orders() {
	cat >in.jsonl <<'EOF'
{"source":"woocommerce","shop":"old","id":"4752","number":"1012","status":"open","created_at":"2026-11-20T10:00:00Z","email":"jan.jansen@example.nl","name":"Jan Jansen","total":"54.85","currency":"EUR","billing_address":{"name":"Jan Jansen","company":"","address1":"Kerkstraat 12","address2":"","zip":"3511 LK","city":"Utrecht","region":"","country":"NL","phone":"0612345678"},"shipping_address":{"name":"Jan Jansen","company":"","address1":"Kerkstraat 12","address2":"","zip":"3511 LK","city":"Utrecht","region":"","country":"NL","phone":"0612345678"},"lines":[{"sku":"TS-RED-M","name":"T-shirt rood M","qty":2,"total":"39.90"},{"sku":"MUG-BLU","name":"Mok blauw","qty":1,"total":"9.95"}]}
{"source":"woocommerce","shop":"old","id":"4819","number":"1029","status":"open","created_at":"2026-11-21T09:00:00Z","email":"fleur@example.be","name":"Fleur de Vries","total":"40.00","currency":"EUR","billing_address":{"name":"Fleur de Vries","company":"Studio Fleur","address1":"Meir 80","address2":"","zip":"2000","city":"Antwerpen","region":"","country":"BE","phone":""},"shipping_address":null,"lines":[{"sku":"BAG-TOTE","name":"Tas katoen","qty":2,"total":"49.90"}]}
{"source":"woocommerce","shop":"old","id":"4822","number":"1030","status":"open","created_at":"2026-11-22T08:00:00Z","email":"zoe.mueller@example.de","name":"Zoë Müller","total":"10.00","currency":"EUR","billing_address":{"name":"Zoë Müller","company":"","address1":"Domstraße 4","address2":"","zip":"50667","city":"Köln","region":"","country":"DE","phone":""},"shipping_address":{"name":"Zoë Müller","company":"","address1":"Domstraße 4","address2":"","zip":"50667","city":"Köln","region":"","country":"DE","phone":""},"lines":[{"sku":"TS-RED-L","name":"T-shirt rood L","qty":3,"total":"10.00"}]}
EOF
}
# created: each order the sandbox has with a reservationnumber (the
# marker), as CCV Shop keeps it: number, status, money, customer, rows,
# notes; one JSON object a line.
created() {
	state | py -c 'import json, sys
for o in json.load(sys.stdin)["orders"]:
    if not o["reservationnumber"]:
        continue
    c = o["customer"]
    b, d = c["billingaddress"], c["deliveryaddress"]
    print(json.dumps({"number": o["ordernumber"], "marker": o["reservationnumber"],
        "status": o["status"], "paid": o["paid"], "total": o["total_price"],
        "shipping": o["total_shipping"], "extra": [o["extra_costs"], o["extra_costs_description"]],
        "currency": o["currency"], "email": c["email"],
        "billing": [b["first_name"], b["last_name"], b["company"], b["address_line_1"], b["zipcode"], b["city"], b["country_code"], b["telephone"]],
        "delivery": [d["full_name"], d["address_line_1"], d["city"], d["country_code"]],
        "rows": [[r["product_number"], r.get("sub_sku_number", ""), r["count"], r["price"], r["discount"]] for r in o["orderrows"]],
        "notes": [[n["type"], n["note"]] for n in o["ordernotes"]]}, ensure_ascii=False))'
}
posts() { requests | grep -v '^GET' || true; }
PUSHED='{"order 400000001 note": 1, "order 400000002 note": 1, "order 400000003 note": 1, "order created": 3}'

@test "CCV: orders-push --dry-run: the plan, nothing written" {
	ccv_start
	push_orders
	t 0 push-plan.jsonl "" orders-push --to ccv -n in.jsonl
	[ -z "$(posts)" ]
	[ "$(writes)" = "{}" ]
}
@test "CCV: orders-push: entered once each, paid, at the old prices, no mail; again: exists" {
	ccv_start
	push_orders
	t 0 push.jsonl "" orders-push --to ccv --journal j in.jsonl
	t 0 push-created.txt "" created
	[ "$(mails)" = "[]" ]
	[ "$(writes)" = "$PUSHED" ]
	# Without the journal: looked for among the orders made since a day
	# before the first old one, read once.
	: >"$BATS_TEST_TMPDIR/requests.jsonl"
	t 0 push-again.jsonl "" orders-push --to ccv in.jsonl
	[ "$(writes)" = "$PUSHED" ]
	requests | grep '^GET /api/rest/v1/orders?' >req
	[ "$(cat req)" = "GET /api/rest/v1/orders?orderby=id&min_create_date=2026-11-19T10%3A00%3A00Z&start=0&size=100 200" ]
}
@test "CCV: orders-push: a SKU the shop lacks, no created_at: that order fails, named" {
	ccv_start
	push_orders
	sed -i '1s/"MUG-BLU"/"NOPE-1"/; 3s/"created_at":"[^"]*",//' in.jsonl
	t 1 push-fail.jsonl "" orders-push --to ccv in.jsonl
	[ "$(writes)" = '{"order 400000001 note": 1, "order created": 1}' ]
}
@test "CCV: orders-push --notify-customer is refused before any request: exit 2" {
	ccv_start
	push_orders
	t 2 - "orders-push: ccv: --notify-customer: CCV Shop's POST /orders has no member that mails, .* leave out --notify-customer, .*" \
	    orders-push --to ccv --notify-customer in.jsonl
	[ ! -s "$BATS_TEST_TMPDIR/requests.jsonl" ]
}
@test "CCV: orders-push: a POST answered 500 once the order was made: found by its marker, entered once" {
	ccv_start
	push_orders
	fault '[{"path": "/api/rest/v1/orders", "method": "POST", "kind": "500after"}]'
	t 0 push.jsonl "orders-push: shopswitch:old:1012: http://127.0.0.1:[0-9]+/api/rest/v1/orders: 500: 500.00: Internal server error: looking before sending again" \
	    orders-push --to ccv in.jsonl
	# The note too, once the order was found among those of the minutes
	# before the POST.
	t 0 push-created.txt "" created
	[ "$(writes)" = "$PUSHED" ]
	[ "$(requests | grep -c '^GET /api/rest/v1/orders?orderby=id&min_create_date=')" -eq 2 ]
}
@test "CCV: orders-push: kill -9 at random moments, resume with the journal: every order once, no mail" {
	ccv_start --set read_limit=1000 --set write_limit=1000 --set total_limit=3000
	py - >in.jsonl <<'PY'
import json
for i in range(40):
    print(json.dumps({"source": "woocommerce", "shop": "old", "id": str(9000 + i),
        "number": str(2000 + i), "created_at": "2026-11-25T10:00:00Z",
        "email": "klant%d@example.nl" % i, "total": "24.90", "currency": "EUR",
        "billing_address": {"name": "Klant %d" % i, "country": "NL"},
        "shipping_address": None,
        "lines": [{"sku": "TS-RED-M", "qty": 1, "total": "19.95"},
                  {"sku": "MUG-BLU", "qty": 1, "total": "4.95"}]}))
PY
	kill_runs 10 orders-push --to ccv --journal j in.jsonl
	[ "$RC" -eq 0 ] || { cat "err.$RUN"; return 1; }
	[ "$(grep -c '"result":"\(created\|exists\)"' "out.$RUN")" -eq 40 ]
	created >got
	[ "$(wc -l <got)" -eq 40 ]
	[ "$(py -c 'import json, sys; print(len({json.loads(l)["marker"] for l in open(sys.argv[1])}))' got)" -eq 40 ]
	[ "$(writes | py -c 'import json, sys; print(json.load(sys.stdin)["order created"])')" -eq 40 ]
	[ "$(mails)" = "[]" ]
}
