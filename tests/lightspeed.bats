# lightspeed.bats: every tool against the API sandbox's Lightspeed eCom
# (tests/sandbox/lightspeed.py), seeded from tests/sandbox/data/lightspeed:
# orders, stock, pushes, completions, faults, refusals, rate windows.
load setup

LS=$TOP/tests/sandbox/data/lightspeed
OE="orders-export --from lightspeed"

# ls_start ARGS: the seed shop (or ARGS), a client that retries soon
# enough for a test and late enough for the second a 429 of the
# per-second limit lasts.
ls_start() {
	sandbox_start --platform lightspeed "${@:---data=$LS}"
	connections "retry_delay = 0.1"
}
# snap ARGS: the snapshot without its taken_at column, which is a time.
snap() { stock-snapshot --from lightspeed "$@" | cut -d, -f1-8; }
# input LINES...: an input file in.csv with the header sku,qty.
input() { printf 'sku,qty\n' >in.csv; printf '%s\n' "$@" >>in.csv; }
# The seed's tracked SKUs: TS-RED-M 12, TS-RED-L 7, TS-RED-XL 0, MUG-BLU
# 40, CAP-BLK 2 (a hidden product), PST-A2-AMS 5 (indicator),
# BAG-TOTE 0, 8718526012347 18, 8718526012354 3; BON-25 has no SKU and
# no stock tracking.
ls_in() {
	input TS-RED-M,10 TS-RED-L,7 TS-RED-XL,4 MUG-BLU,38 CAP-BLK,2 \
	    PST-A2-AMS,5 BAG-TOTE,3 8718526012347,18 8718526012354,3 NOPE,1
}
# levels: "SKU level" of every variant with a SKU, sorted.
levels() {
	state | py -c 'import json, sys
for v in json.load(sys.stdin)["variants"]:
    if v["sku"]:
        print(v["sku"], v["stockLevel"])' | sort
}
# puts: the write requests the sandbox received.
puts() { requests | grep -v '^GET' || true; }
# mails: the e-mails the shop sent to customers.
mails() { ctl GET /_sandbox/mail; }
# shipments ID: "number status trackingCode" of order ID's shipments.
shipments() {
	state | py -c 'import json, sys
for o in json.load(sys.stdin)["orders"]:
    if o["number"] == sys.argv[1]:
        print(o["status"], o["shipmentStatus"])
        for s in o["shipments"]["resource"]["embedded"]:
            print(s["number"], s["status"], s["trackingCode"] or "-")' "$1"
}

# --- orders ---------------------------------------------------------------
@test "orders: every status, CSV" { ls_start; t 0 all.csv "" $OE; }
@test "orders: JSON Lines, lines, shipments, addresses, non-ASCII" {
	ls_start
	t 0 all.jsonl "" $OE -o jsonl
	# A page of orders, then each by id: 1 + 12, and the shop once.
	t 0 all.req "" requests
}
@test "orders: one row a line, the lines without SKU kept" {
	ls_start
	t 0 lines.csv "" $OE --lines -s completed
}
@test "orders: --raw keeps Lightspeed's order" {
	ls_start
	# The links in it hold the sandbox's port, the run's.
	t 0 raw.jsonl "" bash -o pipefail -c "$OE -o jsonl --raw -s cancelled | sed 's/127\.0\.0\.1:[0-9]*/127.0.0.1:PORT/g'"
}
@test "orders: --status partially_shipped: a listing per processing status" {
	ls_start
	t 0 partial.csv "" $OE -s partially_shipped
	# Only the order wanted is read by id.
	t 0 partial.req "" requests
}
@test "orders: --status draft (awaiting payment) and on_hold" {
	ls_start
	t 0 draft-hold.csv "" $OE -s draft -s on_hold
}
@test "orders: --since and --until on the last change, sent to Lightspeed" {
	ls_start
	t 0 since.csv "" $OE --since 2025-03-02T09:00:00Z --until 2025-05-14
	t 0 since.req "" requests
}
@test "orders: pages of 250 by since_id" {
	# 1 + 251 requests: not at the 20 a second the tests keep elsewhere.
	ls_start --generate orders=251,products=20 --set per_second=1000
	connections "retry_delay = 0.1" "rate_limit = 1000"
	$OE >out.csv
	[ "$(tail -n +2 out.csv | wc -l)" -eq 251 ]
	[ "$(requests | grep -c '^GET /nl/orders.json')" -eq 2 ]
	requests | grep '^GET /nl/orders.json' | sed -n 2p |
	    grep -q 'limit=250&since_id=[0-9]* 200$'
}
@test "orders: the connection's language in every path" {
	sandbox_start --platform lightspeed --data "$LS" --set languages=nl,de
	connections "retry_delay = 0.1" "language = de"
	t 0 all.csv "" $OE
	[ -z "$(requests | grep -v '^GET /de/')" ]
}

# --- stock ----------------------------------------------------------------
@test "stock: the variants Lightspeed counts, of visible products" {
	ls_start
	t 0 stock.csv "" snap
	t 0 stock.req "" requests
}
@test "stock: --inactive adds the hidden product's" {
	ls_start
	t 0 stock-inactive.csv "" snap --inactive
}
@test "stock: no warehouses" {
	ls_start
	t 2 - "stock-snapshot: Lightspeed eCom keeps one stock level per variant: no warehouses" snap -w 1
}

# --- stock-push -----------------------------------------------------------
@test "push: --dry-run writes the plan and changes nothing" {
	ls_start
	ls_in
	state >before.json
	t 1 plan.csv "" stock-push --to lightspeed -n in.csv
	state >after.json
	cmp before.json after.json
	[ "$(writes)" = "{}" ]
	[ "$(puts)" = "" ]
}
@test "push: a PUT a SKU, each once; the shop then has the levels" {
	ls_start
	ls_in
	t 1 push.csv "" stock-push --to lightspeed in.csv
	[ "$(writes)" = '{"BAG-TOTE": 1, "MUG-BLU": 1, "TS-RED-M": 1, "TS-RED-XL": 1}' ]
	t 0 push.req "" puts
	t 0 push.levels "" levels
	# Again: nothing left to write.
	t 1 push-again.csv "" stock-push --to lightspeed in.csv
	[ "$(writes)" = '{"BAG-TOTE": 1, "MUG-BLU": 1, "TS-RED-M": 1, "TS-RED-XL": 1}' ]
}
@test "push: 429s retried, a 500 looked at again; nothing twice" {
	ls_start
	ls_in
	fault '[{"path": "/nl/variants/30010005.json", "kind": "429", "times": 2}]'
	fault '[{"path": "/nl/variants/30010005.json", "kind": "500", "times": 1}]'
	t 1 push.csv "stock-push: http://127.0.0.1:[0-9]+/nl/variants/30010005.json: 500: Internal server error.: looking at the shop before sending again" stock-push --to lightspeed in.csv
	[ "$(writes)" = '{"BAG-TOTE": 1, "MUG-BLU": 1, "TS-RED-M": 1, "TS-RED-XL": 1}' ]
	[ "$(requests | grep -c '^PUT /nl/variants/30010005.json')" -eq 4 ]
}
@test "push: a 500 storm: exit 3 naming the request; the rest not sent" {
	ls_start
	ls_in
	fault '[{"path": "/nl/variants/30010005.json", "kind": "500", "times": 50}]'
	# The sandbox's port, in a result's reason, is the run's.
	E="stock-push: http://127.0.0.1:[0-9]+/nl/variants/30010005.json: 500: Internal server error\."
	t 3 push-500.csv "$E: looking at the shop before sending again
$E: looking at the shop before sending again
$E: looking at the shop before sending again
$E" \
	    bash -o pipefail -c 'stock-push --to lightspeed in.csv | sed "s/127\.0\.0\.1:[0-9]*/127.0.0.1:PORT/"'
	w=$(writes)
	case $w in *'": 2'*) echo "twice: $w"; return 1 ;; esac
}

# --- orders-complete ------------------------------------------------------
# ORD00002 not shipped, ORD00003 partly (JVGL0000000000000003 shipped),
# ORD00012 not shipped, ORD00001 completed, ORD00006 cancelled, ORD00005
# on hold, ORD00007 a pickup, ORD99999 none.
oc_in() {
	printf 'number,tracking\n' >in.csv
	printf '%s\n' 'ORD00002,postnl 3SABCD0000002' \
	    'ORD00003,dhl JVGL0000000000000003; dhl JVGL0000000000000099' \
	    'ORD00012,' 'ORD00001,postnl 3SABCD0000001' 'ORD00006,' \
	    'ORD00005,' 'ORD00007,' 'ORD99999,' >>in.csv
}
@test "complete: --dry-run writes the plan and changes nothing" {
	ls_start
	oc_in
	state >before.json
	t 1 oc-plan.csv "" orders-complete --in lightspeed -k number -n in.csv
	state >after.json
	cmp before.json after.json
	[ "$(puts)" = "" ]
}
@test "complete: shipments shipped with the codes they lack, then the status; again: nothing" {
	ls_start
	oc_in
	t 1 oc-done.csv "" orders-complete --in lightspeed -k number in.csv
	W='{"order 315960013": 1, "order 315960017": 1, "order 315960053": 1, "shipment 51000002": 1, "shipment 51000004": 1, "shipment 51000014": 1}'
	[ "$(writes)" = "$W" ]
	[ "$(mails)" = "[]" ]
	t 0 oc-done.req "" puts
	t 0 oc-ord3.txt "" shipments ORD00003
	t 1 oc-again.csv "" orders-complete --in lightspeed -k number in.csv
	[ "$(writes)" = "$W" ]
}
@test "complete: by id" {
	ls_start
	printf 'id,tracking\n315960013,postnl 3SABCD0000002\n315960011,\n42,\nx1,\n' >in.csv
	t 1 oc-id.csv "" orders-complete --in lightspeed in.csv
}
@test "complete: --notify-customer: Lightspeed mails the shipment and its code" {
	ls_start
	printf 'id,tracking\n315960013,postnl 3SABCD0000002\n' >in.csv
	t 0 oc-notify.csv "" orders-complete --in lightspeed --notify-customer in.csv
	[ "$(mails)" = '[{"to": "jan@example.nl", "template": "shipped", "order": 315960013}, {"to": "jan@example.nl", "template": "tracking_code", "order": 315960013}, {"to": "jan@example.nl", "template": "status", "order": 315960013}]' ]
}
@test "complete: the order's PUT cut off: exit 3; a second run finishes it" {
	ls_start
	printf 'id,tracking\n315960013,postnl 3SABCD0000002\n' >in.csv
	fault '[{"path": "/nl/orders/315960013.json", "method": "PUT", "kind": "500", "times": 50}]'
	# A write is sent once an ask: the order is looked at before each.
	E="http://127.0.0.1:[0-9]+/nl/orders/315960013.json: 500: Internal server error\."
	t 3 oc-cut.csv "orders-complete: order 315960013: $E: asking again
orders-complete: order 315960013: $E: asking again
orders-complete: $E" orders-complete --in lightspeed in.csv
	ctl DELETE /_sandbox/faults
	t 0 oc-resume.csv "" orders-complete --in lightspeed in.csv
	[ "$(writes)" = '{"order 315960013": 1, "shipment 51000002": 1}' ]
}
@test "push: orders cannot be entered, and why" {
	ls_start
	printf '%s\n' '{"source":"x","shop":"x","id":"1","number":"1","total":"19.95","lines":[{"sku":"TS-RED-M","qty":1,"total":"19.95"}]}' >in.jsonl
	t 2 - "orders-push: lightspeed: Lightspeed eCom takes a new order only through its checkout API .*" orders-push --to lightspeed in.jsonl
}

# --- faults on lists ------------------------------------------------------
@test "faults: 429, 500, 503, reset, truncate, badjson retried to success" {
	ls_start
	for k in 429 500 503 reset truncate badjson; do
		fault "[{\"path\": \"/nl/orders/315960017.json\", \"kind\": \"$k\", \"times\": 2}]"
		$OE >out.csv 2>err || { echo "$k:"; cat err; return 1; }
		cmp out.csv "$EXP/all.csv" || { echo "$k"; return 1; }
	done
}
@test "faults: invalid JSON to exhaustion: exit 3 naming the request" {
	ls_start
	fault '[{"path": "/nl/orders.json", "kind": "badjson", "times": 50}]'
	t 3 - "orders-export: http://127.0.0.1:[0-9]+/nl/orders.json\?limit=250: 200, but the answer is not valid JSON \(.*\) \(after 6 retries\)" $OE
}
@test "faults: a reset storm: exit 3, whole records only" {
	ls_start
	fault '[{"path": "/nl/orders/315960023.json", "kind": "reset", "times": 50}]'
	t 3 - "orders-export: http://127.0.0.1:[0-9]+/nl/orders/315960023.json: .* \(after 6 retries\)" sh -c "$OE -o jsonl >out.jsonl"
	[ "$(wc -l <out.jsonl)" -eq 4 ]
	whole out.jsonl
}

# --- the rate windows -----------------------------------------------------
@test "rates: within a small five-minute window, no 429: waits for its reset" {
	ls_start --data "$LS" --set limit_5min=6 --set window_5min=2
	t 0 all.csv "" $OE
	[ "$(requests | grep -c ' 429$')" -eq 0 ]
	[ "$(requests | wc -l)" -eq 14 ]
}
@test "rates: a window spent by another client: waited out, no retries lost" {
	ls_start --data "$LS" --set limit_hour=8 --set window_hour=3
	for i in 1 2 3 4 5 6 7; do
		curl -sf -u "$(sed -n 's/^key = //p' connections.conf):$(sed -n 's/^secret = //p' connections.conf)" "$SANDBOX/nl/shop.json" >/dev/null || return 1
	done
	t 0 all.csv "" $OE
	[ "$(requests | grep -c ' 429$')" -le 1 ]
}

# --- refusals -------------------------------------------------------------
@test "refusals: a wrong secret: exit 3 with Lightspeed's words, no retries" {
	ls_start
	sed -i 's/^secret = .*/secret = wrongwrongwrongwrongwrongwrongwr/' connections.conf
	t 3 - "orders-export: http://127.0.0.1:[0-9]+/nl/shop.json: 401: Access denied\." $OE
	[ "$(requests | wc -l)" -eq 1 ]
	ls_in
	t 3 - "stock-push: http://127.0.0.1:[0-9]+/nl/shop.json: 401: Access denied\." stock-push --to lightspeed -n in.csv
}
@test "refusals: no secret: exit 2 naming the file and the section's line" {
	ls_start
	sed -i '/^secret =/d' connections.conf
	t 2 - "orders-export: .*/connections.conf:1: \[lightspeed\] needs key and secret \(Lightspeed eCom: Settings, Developers, API keys\)" $OE
}
@test "refusals: a language the shop does not have: exit 2 naming its line" {
	ls_start
	connections "retry_delay = 0.1" "language = fr"
	t 2 - "orders-export: .*/connections.conf:7: language = fr: Unknown or inactive language\. \(a language active in the shop, such as nl or en\)" $OE
	connections "language = dutch"
	t 2 - "orders-export: .*/connections.conf:6: language = 'dutch': the two letters of a language active in the shop, such as nl or en" $OE
}
