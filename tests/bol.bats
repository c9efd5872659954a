# bol.bats: the Bol.com connector against the API sandbox's Retailer API:
# orders, stock, pushes, completions, faults, credentials.
load setup

BOL=$TOP/tests/sandbox/data/bol
OE="orders-export --from bol"

# start ARGS: the sandbox's bol with the seed data (or ARGS), paced as
# the connector is by default (25 a second).
start() {
	sandbox_start --platform bol "${@:---data=$BOL}"
	connections "retry_delay = 0.01"
}
# snap ARGS: the snapshot without its taken_at column.
snap() { stock-snapshot --from bol "$@" | cut -d, -f1-8; }
# input LINES...: an input file in.csv with the header sku,qty.
input() { printf 'sku,qty\n' >in.csv; printf '%s\n' "$@" >>in.csv; }
# The seed's FBR offers: TS-RED-M 12, TS-RED-L 0, MUG-BLU 30, MUG-WHT 5
# (on hold), 0123456789012 7 (no reference), CAP-BLK 9, 8718526012347 4,
# BAG-TOTE 3, SCK-GRN-39 40; HD-BLK-M is FBB.
push_in() {
	input TS-RED-M,10 MUG-BLU,30 NOPE,1 HD-BLK-M,3 SCK-GRN-39,1500 \
	    0123456789012,5 MUG-WHT,6
}
# shop: the sandbox's data without its token counts, which every run
# moves (a run asks login.bol.com for its token).
shop() {
	state | py -c 'import json, sys
d = json.load(sys.stdin)
for k in ("tokenRequests", "tokensGranted"):
    d.pop(k)
print(json.dumps(d, sort_keys=True))'
}
# levels: "SKU amount" of every offer, SKU its reference or EAN.
levels() {
	state | py -c 'import json, sys
for o in json.load(sys.stdin)["offers"]:
    print(o.get("reference") or o["ean"], o["stock"]["amount"])' | sort
}
# writes_to: the write requests the sandbox received.
writes_to() { requests | grep -v '^GET' | grep -v '^POST /token' || true; }

# --- orders-export ----------------------------------------------------------------
@test "bol: every FBR order, statuses from the item quantities" {
	start
	t 0 all.csv "" $OE
	# A page of the list, then each order read whole.
	[ "$(requests | grep -c '^GET /retailer/orders?fulfilment-method=FBR&status=ALL&page=1 200$')" -eq 1 ]
	[ "$(requests | grep -c '^GET /retailer/orders/')" -eq 10 ]
}
@test "bol: JSON Lines with --shipments: carriers, track and trace, a partial shipment" {
	start
	t 0 shipments.jsonl "" $OE -o jsonl --shipments
}
@test "bol: --shipments reads the shipments of orders that shipped anything, no more" {
	start
	$OE --shipments >/dev/null
	# 1043946570, -71, -72 (two), -74 and -500: 5 lists, 6 shipments.
	[ "$(requests | grep -c '^GET /retailer/shipments?order-id=')" -eq 5 ]
	[ "$(requests | grep -c '^GET /retailer/shipments/')" -eq 6 ]
	$OE >/dev/null
	[ "$(requests | grep -c '^GET /retailer/shipments')" -eq 11 ]
}
@test "bol: --raw keeps Bol's order" {
	start
	t 0 raw.jsonl "" $OE -o jsonl --raw -s cancelled
}
@test "bol: --status completed asks for Bol's SHIPPED" {
	start
	t 0 completed.csv "" $OE -s completed
	requests | grep -x 'GET /retailer/orders?fulfilment-method=FBR&status=SHIPPED&page=1 200'
}
@test "bol: --status open --status on_hold ask for Bol's OPEN" {
	start
	t 0 open.csv "" $OE -s open -s on_hold
	requests | grep -x 'GET /retailer/orders?fulfilment-method=FBR&status=OPEN&page=1 200'
}
@test "bol: --status draft: Bol has none, and no request" {
	start
	t 0 none.csv "" $OE -s draft
	[ "$(requests | wc -l)" -eq 0 ]
}
@test "bol: --since on the time of the last change" {
	start
	t 0 since.csv "" $OE --since 2026-11-26T08:12:31Z
}
@test "bol: --since and --until in one Amsterdam day: Bol's latest-change-date" {
	start
	t 0 day.csv "" $OE --since 2026-11-25T23:00:00Z --until 2026-11-26T22:59:59Z
	requests | grep -x 'GET /retailer/orders?fulfilment-method=FBR&status=ALL&latest-change-date=2026-11-26&page=1 200'
}
@test "bol: 120 orders: pages of 50 until a short one" {
	start --generate orders=120,offers=30
	$OE >out.csv
	[ "$(requests | grep -c '^GET /retailer/orders?')" -eq 3 ]
	requests | grep -x 'GET /retailer/orders?fulfilment-method=FBR&status=ALL&page=3 200'
	[ "$(($(wc -l <out.csv) - 1))" -eq "$(requests | grep -c '^GET /retailer/orders/.* 200$')" ]
	# Paced at Bol's 25 a second for one order: never past it.
	[ "$(requests | grep -c ' 429$')" -eq 0 ]
	whole out.csv
}

# --- stock-snapshot and stock-push --------------------------------------------------
@test "bol: stock-snapshot: the FBR offers for sale, the SKU a reference or the EAN" {
	start
	t 0 stock.csv "" snap
}
@test "bol: stock-snapshot --inactive adds the offers on hold or for sale nowhere" {
	start
	t 0 stock-inactive.csv "" snap --inactive
}
@test "bol: stock-snapshot: no warehouses" {
	start
	t 2 - "stock-snapshot: bol.com keeps one stock level per offer: no warehouses" stock-snapshot --from bol -w 1
}
@test "bol: stock-push --dry-run writes the plan and changes nothing" {
	start
	push_in
	shop >before.json
	t 1 plan.csv "" stock-push --to bol -n in.csv
	shop >after.json
	cmp before.json after.json
	[ "$(writes)" = "{}" ]
	[ "$(writes_to)" = "" ]
}
@test "bol: a push sets each level once; above 999 Bol refuses it" {
	start
	push_in
	t 1 push.csv "" stock-push --to bol in.csv
	[ "$(writes)" = '{"MUG-WHT": 1, "TS-RED-M": 1, "offer 6ff736b5-cdd0-4150-8c67-78269ee98606": 1}' ]
	t 0 push.levels "" levels
	# One PATCH an offer, as v11 takes them, managed by the retailer.
	t 0 push.req "" writes_to
	py -c 'import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o["method"] == "PATCH":
        assert o["body"]["stock"]["managedByRetailer"] is True, o' "$BATS_TEST_TMPDIR/requests.jsonl"
}
@test "bol: run again: unchanged, only the refused level is sent again" {
	start
	push_in
	stock-push --to bol in.csv >/dev/null || [ $? -eq 1 ]
	t 1 again.csv "" stock-push --to bol in.csv
	[ "$(writes)" = '{"MUG-WHT": 1, "TS-RED-M": 1, "offer 6ff736b5-cdd0-4150-8c67-78269ee98606": 1}' ]
	[ "$(requests | grep -c '^PATCH')" -eq 5 ]
}
@test "bol: a 429 on a write sent again, two 500s looked at again, a reset; each level set once" {
	start
	push_in
	fault '[{"path": "/retailer/offers/6ff736b5-cdd0-4150-8c67-78269ee98601", "method": "PATCH", "kind": "429"},
	    {"path": "/retailer/offers/6ff736b5-cdd0-4150-8c67-78269ee98604", "method": "PATCH", "kind": "500", "times": 2},
	    {"path": "/retailer/offers/6ff736b5-cdd0-4150-8c67-78269ee98606", "method": "PATCH", "kind": "reset"}]'
	E="stock-push: http://127.0.0.1:[0-9]+/retailer/offers/6ff736b5-cdd0-4150-8c67-78269ee98604: 500: looking at the shop before sending again"
	t 1 push.csv "$E
$E" stock-push --to bol in.csv
	[ "$(writes)" = '{"MUG-WHT": 1, "TS-RED-M": 1, "offer 6ff736b5-cdd0-4150-8c67-78269ee98606": 1}' ]
	[ "$(requests | grep -c '^PATCH .* 429$')" -eq 1 ]
	[ "$(requests | grep -c '^PATCH .* 500$')" -eq 2 ]
	t 0 push.levels "" levels
}
@test "bol: a 429 storm on the offers is waited out to the end" {
	start
	fault '[{"path": "/retailer/offers", "kind": "429", "times": 3}]'
	t 0 stock.csv "" snap
	[ "$(requests | grep -c '^GET /retailer/offers?page-size=100 429$')" -eq 3 ]
}
@test "bol: 500s to exhaustion: exit 3 naming the request, nothing written" {
	start
	connections "retry_delay = 0.01" "retries = 2"
	push_in
	fault '[{"path": "/retailer/offers", "method": "GET", "kind": "500", "times": 50}]'
	t 3 - "stock-push: http://127.0.0.1:[0-9]+/retailer/offers\?page-size=100: 500 \(after 2 retries\)" stock-push --to bol in.csv
	[ "$(writes)" = "{}" ]
}
@test "bol: invalid JSON to exhaustion: exit 3 naming the request" {
	start
	connections "retry_delay = 0.01" "retries = 2"
	fault '[{"path": "/retailer/orders", "kind": "badjson", "times": 50}]'
	t 3 - "orders-export: http://127.0.0.1:[0-9]+/retailer/orders\?fulfilment-method=FBR&status=ALL&page=1: 200, but the answer is not valid JSON \(.*\) \(after 2 retries\)" $OE
}
@test "bol: each fault on an order is retried to success" {
	start
	for k in 429 500 502 503 reset truncate badjson; do
		fault "[{\"path\": \"/retailer/orders/\", \"kind\": \"$k\", \"times\": 2, \"skip\": 1}]"
		$OE >out.csv 2>err || { echo "$k:"; cat err; return 1; }
		cmp out.csv "$EXP/all.csv" || { echo "$k"; return 1; }
	done
}

# --- credentials --------------------------------------------------------------------
@test "bol: a wrong client secret: exit 3 with Bol's words, no API request" {
	start
	sed -i 's/^client_secret = .*/client_secret = wrong/' connections.conf
	t 3 - "stock-snapshot: http://127.0.0.1:[0-9]+/token\?grant_type=client_credentials: 401: invalid_client: Bad client credentials" stock-snapshot --from bol
	[ "$(requests)" = "POST /token?grant_type=client_credentials 401" ]
}
@test "bol: no client_secret: exit 2 naming the file and line" {
	start
	sed -i '/^client_secret/d' connections.conf
	t 2 - "orders-export: .*/connections.conf:1: \[bol\] needs client_id and client_secret \(bol.com: Settings, API settings, Retailer API credentials\)" $OE
	[ "$(requests)" = "" ]
}
@test "bol: a token_url that is plain http elsewhere: exit 2 naming its line" {
	start
	sed -i 's|^token_url = .*|token_url = http://login.example/token|' connections.conf
	t 2 - "orders-export: .*/connections.conf:6: token_url: .*" $OE
}
@test "bol: one token a run, by HTTP Basic, asked again when it runs out" {
	# Bol's tokens live 299 s: a run of a few requests asks once,
	# however slow the machine.
	start --data="$BOL"
	$OE --shipments >/dev/null
	[ "$(requests | grep -c '^POST /token')" -eq 1 ]
	# Tokens of a second: the second order answers after the first
	# token has died, and the run asks again.
	sandbox_stop "$SANDBOX_PID"
	start --data="$BOL" --set token_ttl=1
	fault '[{"path": "/retailer/orders/", "kind": "slow", "delay": 2.5, "skip": 1}]'
	t 0 all.csv "" $OE
	[ "$(requests | grep -c '^POST /token?grant_type=client_credentials 200$')" -ge 2 ]
	[ "$(requests | grep -c ' 401$')" -eq 0 ]
}

# --- orders-complete -----------------------------------------------------------------
# 1043946576 and A2K8290LP8 open, A2K8290M11 open (two items),
# 1043946571 partly shipped (DHL JVGL0600012345678901), 1043946570
# shipped, 1043946573 cancelled, B3K8290LP0 shipped by bol (FBB).
complete_in() {
	printf 'id,tracking\n' >in.csv
	printf '%s\n' '1043946576,postnl 3SNEW0000001' \
	    'A2K8290M11,dhl JJD0002; ups 1Z0003' \
	    '1043946571,dhl JVGL0600012345678901; postnl 3SNEW0000004' \
	    '1043946570,postnl 3SBOL0987654301' '1043946573,postnl 3SX' \
	    '99999,' 'B3K8290LP0,dpd 123' 'A2K8290LP8,' >>in.csv
}
# shipped: the shipment requests the sandbox received, one a line.
shipped() {
	py -c 'import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o["method"] == "POST" and o["path"] == "/retailer/shipments":
        print(json.dumps(o["body"], sort_keys=True))' "$BATS_TEST_TMPDIR/requests.jsonl"
}
@test "bol: orders-complete --dry-run writes the plan and changes nothing" {
	start
	complete_in
	shop >before.json
	t 1 complete-plan.csv "" orders-complete --in bol -n in.csv
	shop >after.json
	cmp before.json after.json
	[ "$(writes_to)" = "" ]
}
@test "bol: a shipment of what is left, Bol's transporter code; again: nothing" {
	start
	complete_in
	t 1 complete-done.csv "" orders-complete --in bol in.csv
	[ "$(writes)" = '{"order 1043946571 shipment": 1, "order 1043946576 shipment": 1, "order A2K8290LP8 shipment": 1, "order A2K8290M11 shipment": 1}' ]
	t 0 complete-done.ship "" shipped
	t 1 complete-again.csv "" orders-complete --in bol in.csv
	[ "$(writes)" = '{"order 1043946571 shipment": 1, "order 1043946576 shipment": 1, "order A2K8290LP8 shipment": 1, "order A2K8290M11 shipment": 1}' ]
	[ "$(shipped | wc -l)" -eq 4 ]
	# The export shows them shipped, with their track and trace.
	$OE -o jsonl --shipments -s completed >out.jsonl
	grep -q '"tracking":"3SNEW0000004"' out.jsonl
}
@test "bol: -k number finds the order by the number people see" {
	start
	printf 'number,tracking\n1043946576,postnl 3SNEW0000001\n' >in.csv
	t 0 complete-number.csv "" orders-complete --in bol -k number in.csv
}
@test "bol: a shipment whose process ends in TIMEOUT is looked at and sent again" {
	start
	printf 'id,tracking\n1043946576,postnl 3SNEW0000001\n' >in.csv
	fault '[{"path": "/retailer/shipments", "method": "POST", "kind": "change", "change": {"timeout": 1}}]'
	t 0 complete-number.csv "orders-complete: order 1043946576: http://127.0.0.1:[0-9]+/retailer/shipments: the shipment's process ended in TIMEOUT: asking again" orders-complete --in bol in.csv
	[ "$(writes)" = '{"order 1043946576 shipment": 1}' ]
	[ "$(shipped | wc -l)" -eq 2 ]
}
@test "bol: two runs at once ship an order once; the other is told by Bol" {
	start
	# A second run racing the first: its shipment finds nothing left.
	printf 'id,tracking\n1043946576,postnl 3SNEW0000001\n' >in.csv
	orders-complete --in bol in.csv >first.csv &
	orders-complete --in bol in.csv >second.csv || [ $? -eq 1 ]
	wait $! || [ $? -eq 1 ]
	cat first.csv second.csv | grep -c ',completed,' | grep -qx '[12]'
	[ "$(writes)" = '{"order 1043946576 shipment": 1}' ]
	cat first.csv second.csv | grep -v ',completed,' | grep -v '^shop,' >rest
	# The loser is already completed, or failed with Bol's message.
	if [ -s rest ]; then grep -E 'already_completed|has already been shipped' rest; fi
}

# --- orders-push ---------------------------------------------------------------------
@test "bol: orders-push: a marketplace takes no orders: exit 2" {
	start
	printf '%s\n' '{"source":"woocommerce","shop":"old","id":"1","number":"1","status":"open","email":"a@example.nl","total":"9.95","currency":"EUR","lines":[{"sku":"MUG-BLU","name":"Mok","qty":1,"total":"9.95"}]}' >in.jsonl
	t 2 - "orders-push: bol: bol.com is a marketplace: its customers place the orders, and the Retailer API has no call that makes one \(/retailer/orders is read only\)" orders-push --to bol in.jsonl
	[ "$(requests)" = "" ]
}
