# singer.bats: Singer streams in (every reader) and out (orders-export and
# stock-snapshot -o singer, orders-export --state).  The message shapes
# are the specification's (hub.meltano.com/singer/spec); check.py checks
# them, and each record against its SCHEMA, as a target would.
load setup

SEED=$TOP/tests/sandbox/data/picqer
OE="orders-export --from picqer"
CHECK="py $EXP/check.py"

# records FILE: the records of a Singer file, one compact JSON a line
records() {
	py -c 'import json, sys
for l in open(sys.argv[1]):
    m = json.loads(l)
    if m["type"] == "RECORD":
        print(json.dumps(m["record"], ensure_ascii=False, separators=(",", ":")))' "$1"
}
# numbers FILE: the order numbers of a Singer file's records
numbers() { records "$1" | py -c 'import json, sys
print(" ".join(json.loads(l)["number"] for l in sys.stdin))'; }
# last_state FILE: the value of the last STATE message, compact
last_state() {
	py -c 'import json, sys
v = [json.loads(l)["value"] for l in open(sys.argv[1])
     if json.loads(l)["type"] == "STATE"]
print(json.dumps(v[-1], separators=(",", ":")) if v else "none")' "$1"
}

# seed_until N: Picqer's seed orders up to idorder N, as a data directory
seed_until() {
	mkdir -p seed
	cp "$SEED/warehouses.json" "$SEED/products.json" seed/
	py -c 'import json, sys
o = json.load(open(sys.argv[1]))
json.dump([x for x in o if x["idorder"] <= int(sys.argv[2])], sys.stdout)' \
	    "$SEED/orders.json" "$1" >seed/orders.json
}

# --- in: a tap's stream feeds the readers -------------------------------------
@test "a tap's orders, SCHEMA and STATE between them, fed to order-dedupe" { t 0 tap-dedupe.jsonl "" order-dedupe -k id "$DATA/sg-tap-orders.singer"; }
@test "the tap re-sent an order: --dups names the RECORD's line" {
	cp "$DATA/sg-tap-orders.singer" tap.singer
	t 0 tap-dedupe.jsonl "" order-dedupe -k id --dups dups.jsonl tap.singer
	diff -u "$EXP/tap-dups.jsonl" dups.jsonl
}
@test "-v: what was passed over, once per file, counted" { t 0 tap-dedupe.jsonl "order-dedupe: .*/sg-tap-orders.singer: Singer: 4 records of stream 'orders'; passed over 2 SCHEMA, 3 STATE messages" order-dedupe -v -k id "$DATA/sg-tap-orders.singer"; }
@test "from standard input, and CSV out"          { t 0 tap-dedupe.csv "" sh -c "order-dedupe -k id -o csv <'$DATA/sg-tap-orders.singer'"; }
@test "a tap's products against a CSV catalog: sku-diff" { t 1 tap-sku-diff.jsonl "" sku-diff -k sku "$DATA/sg-tap-products.singer" "$DATA/sg-products.csv"; }
@test "types in any case; ACTIVATE_VERSION and other types passed over" { t 0 case.jsonl "order-dedupe: .*/sg-case.singer: Singer: 2 records of stream 'orders'; passed over 1 ACTIVATE_VERSION, 1 other messages" order-dedupe -v -k id "$DATA/sg-case.singer"; }
@test "-i jsonl: the messages themselves"         { t 0 messages.jsonl "" order-dedupe -i jsonl -k type "$DATA/sg-tap-orders.singer"; }
@test "-i singer reads a stream that starts with another type" {
	{ echo '{"type":"METRIC","value":{}}'; cat "$DATA/sg-tap-orders.singer"; } >tap.singer
	t 0 tap-dedupe.jsonl "" order-dedupe -i singer -k id tap.singer
	t 0 tap-metric.jsonl "" order-dedupe -k type tap.singer
}
@test "-o singer is only for the tools that export" { t 2 - "order-dedupe: -o takes csv, jsonl or xlsx, not 'singer'
usage: .*
.*
.*
.*
.*" order-dedupe -o singer "$DATA/sg-tap-orders.singer"; }

# --- in: bad streams ------------------------------------------------------------
@test "a RECORD without record: file:line, exit 2" { t 2 one.jsonl "order-dedupe: .*/sg-no-record.singer:3: a Singer RECORD message without \"record\"" order-dedupe -k id "$DATA/sg-no-record.singer"; }
@test "a record that is not an object: file:line" { t 2 one.jsonl "order-dedupe: .*/sg-not-object.singer:3: a Singer RECORD message whose \"record\" is not an object" order-dedupe -k id "$DATA/sg-not-object.singer"; }
@test "a second stream in one file: file:line"    { t 2 one.jsonl "order-dedupe: .*/sg-two-streams.singer:4: a record of Singer stream 'customers' after records of 'orders': a file holds one stream" order-dedupe -k id "$DATA/sg-two-streams.singer"; }
@test "--rejects sets the other stream's records aside, verbatim" {
	cp "$DATA/sg-two-streams.singer" two.singer
	t 1 two.jsonl "order-dedupe: 1 record set aside in rejects" order-dedupe -k id --rejects rejects two.singer
	diff -u "$EXP/two-rejects" rejects
}
@test "a BATCH message is refused, not skipped"  { t 2 - "order-dedupe: .*/sg-batch.singer:2: a Singer BATCH message: its records are in files this reader does not open; run the tap without batches" order-dedupe -k id "$DATA/sg-batch.singer"; }
@test "a line that is not JSON: file:line"        {
	{ head -n 2 "$DATA/sg-tap-orders.singer"; echo '{"type":"RECORD",'; } >bad.singer
	t 2 - "order-dedupe: bad.singer:3: .* \(column [0-9]+\)" order-dedupe -k id bad.singer
}

# --- out: orders-export -o singer against the sandbox ---------------------------
@test "orders-export -o singer: the spec's shapes, records valid by the SCHEMA" {
	sandbox_start --data "$SEED"
	t 0 - "" sh -c "$OE -o singer >out.singer"
	t 0 orders-all.check "" $CHECK out.singer
	# The records are the JSON Lines export's, byte for byte.
	$OE -o jsonl >out.jsonl
	records out.singer >records.jsonl
	diff -u out.jsonl records.jsonl
	t 0 orders.state "" last_state out.singer
}
@test "check.py fails a record that breaks the SCHEMA" {
	sandbox_start --data "$SEED"
	$OE -o singer | sed 's/"qty":2,/"qty":"2",/' >bad.singer
	t 1 - ".*bad.singer:2: record.lines\[0\].qty: '2' is not of type integer" $CHECK bad.singer
}
@test "--state: a later run brings only the orders changed since" {
	seed_until 5016
	sandbox_start --data seed
	$OE -o singer >run1.singer
	[ "$(numbers run1.singer)" = "20250001 20250002 20250003 20250004 20250005 20250006 20250007 20250008 20250009 20250010" ]
	teardown
	sandbox_start --data "$SEED"
	t 0 - "" sh -c "$OE -o singer --state run1.singer >run2.singer"
	[ "$(numbers run2.singer)" = "20250011 20250012" ]
	t 0 resumed.req "" requests
	t 0 orders.check "" $CHECK run2.singer
	# And a third run: nothing new, the bookmark stays.
	t 0 - "" sh -c "$OE -o singer --state run2.singer >run3.singer"
	[ -z "$(numbers run3.singer)" ]
	t 0 orders.state "" last_state run3.singer
}
@test "--state: Meltano's state file, one value over lines; the bookmark's second comes again" {
	sandbox_start --data "$SEED"
	printf '{\n  "bookmarks": {\n    "orders": {"updated_at": "2025-11-03T08:00:12Z"}\n  }\n}\n' >state.json
	t 0 - "orders-export: state.json: orders changed at or after 2025-11-03T08:00:12Z
orders-export: GET .*sincedate=2025-11-03%2009%3A00%3A12.*
orders-export: 5 orders in 1 requests \(0 throttled\)" sh -c "$OE -v -o singer --state state.json >out.singer"
	[ "$(numbers out.singer)" = "20250008 20250009 20250010 20250011 20250012" ]
}
@test "--state: the later of --since and the bookmark" {
	sandbox_start --data "$SEED"
	printf '{"bookmarks":{"orders":{"updated_at":"2025-01-01T00:00:00Z"}}}\n' >state.json
	t 0 - "" sh -c "$OE -o singer --state state.json --since 2025-11-05 >out.singer"
	[ "$(numbers out.singer)" = "20250011 20250012" ]
	t 0 - "" sh -c "$OE -o singer --state state.json --since 2024-01-01 >out.singer"
	[ "$(numbers out.singer | wc -w)" -eq 12 ]
}
@test "--state: other members of the state are kept" {
	sandbox_start --data "$SEED"
	printf '{"type":"STATE","value":{"bookmarks":{"orders":{"updated_at":"2025-11-06T00:00:00Z"},"stock":{"taken_at":"x"}},"currently_syncing":null}}\n' >state.singer
	t 0 - "" sh -c "$OE -o singer --state state.singer >out.singer"
	t 0 kept.state "" last_state out.singer
}
@test "--state: no bookmark: every order; an empty file too" {
	sandbox_start --data "$SEED"
	: >empty
	t 0 - "" sh -c "$OE -o singer --state empty >out.singer"
	[ "$(numbers out.singer | wc -w)" -eq 12 ]
}
@test "--state: a file that is not JSON: file:line, exit 2" {
	printf '{"type":"STATE","value":{}}\nnot json\n' >bad
	t 2 - "orders-export: bad:2: .*" $OE -o singer --state bad
}
@test "--state: a bookmark that is no time: exit 2" {
	printf '{"bookmarks":{"orders":{"updated_at":"yesterday"}}}\n' >bad
	t 2 - "orders-export: bad: bookmarks.orders.updated_at is not an RFC 3339 time such as 2026-11-01T10:00:00Z" $OE -o singer --state bad
}
@test "--state: a missing file: exit 2"           { t 2 - "orders-export: nosuch: No such file or directory" $OE -o singer --state nosuch; }
@test "a failed export writes no STATE: the bookmark does not move" {
	sandbox_start --data "$SEED"
	fault '[{"path": "/api/v1/orders", "kind": "503", "times": 50, "skip": 0}]'
	t 3 - "orders-export: .*503.*" sh -c "$OE -o singer >out.singer"
	! grep -q '"type":"STATE"' out.singer
}
@test "--excel and --lines do not go with -o singer" {
	t 2 - "orders-export: --excel writes CSV; it does not go with -o singer" $OE -o singer --excel
	t 2 - "orders-export: --lines is for CSV output; JSON Lines keeps the lines in each record
usage: .*
.*
.*" $OE -o singer --lines
}

# --- out: stock-snapshot -o singer ----------------------------------------------
@test "stock-snapshot -o singer: shapes, valid records, key sku" {
	sandbox_start --data "$SEED"
	t 0 - "" sh -c "stock-snapshot --from picqer -o singer >out.singer"
	t 0 stock.check "" $CHECK out.singer
	stock-snapshot --from picqer -o jsonl >out.jsonl
	records out.singer >records.jsonl
	# The same rows; taken_at is the time of each run.
	diff -u <(sed 's/"taken_at":"[^"]*"//' out.jsonl) <(sed 's/"taken_at":"[^"]*"//' records.jsonl)
	last_state out.singer | grep -Eqx '\{"bookmarks":\{"stock":\{"taken_at":"[0-9T:-]+Z"\}\}\}'
}
@test "stock-snapshot --per-warehouse -o singer: key sku, warehouse" {
	sandbox_start --data "$SEED"
	stock-snapshot --from picqer --per-warehouse -o singer >out.singer
	t 0 stock-wh.check "" $CHECK out.singer
}
@test "stock-snapshot -o singer feeds sku-diff"  {
	sandbox_start --data "$SEED"
	stock-snapshot --from picqer -o singer >snap.singer
	stock-snapshot --from picqer -o jsonl | sed 's/"qty":3,/"qty":4,/' >snap.jsonl
	t 1 stock-diff.jsonl "" sku-diff -k sku --compare qty snap.singer snap.jsonl
}
