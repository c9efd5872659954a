# progress.bats: the progress line of the API tools (msg.h), under a
# pseudo-terminal (script(1)) against the API sandbox, and its absence
# everywhere else: in a pipe, in a file, with -q, with the output on the
# terminal too.  Standard output is the same whether it is shown or not.
load setup

SEED=$TOP/tests/sandbox/data/picqer
OE="orders-export --from picqer"

# count: records of the CSV on standard input, header excluded
count() { tail -n +2 | wc -l | tr -d ' '; }

# onterm FILE COMMAND: run the shell command line COMMAND with a
# pseudo-terminal as its standard error (and its standard output, unless
# COMMAND redirects it); what the terminal showed into FILE.raw, and into
# FILE one line per carriage return or line feed, the erase-to-end-of-line
# sequences dropped.  Returns COMMAND's exit status.
onterm() {
	local file=$1 rc
	set +e
	script -qfec "$2" /dev/null </dev/null >"$file.raw"
	rc=$?
	set -e
	tr '\r' '\n' <"$file.raw" | sed 's/\x1b\[K//g' | grep -v '^$' \
	    >"$file" || :
	return $rc
}

# shown FILE PATTERN: a line of FILE matches PATTERN (grep -E, whole line).
shown() {
	grep -Eqx -- "$2" "$1" || {
		echo "no line matches: $2"
		cat -v "$1.raw"
		return 1
	}
}

# A picqer sandbox that answers one request every 2 s, and a connection
# that keeps to that: the progress line has something to show on every
# page.  Only for what must not show: whether a pacing wait is shown
# depends on the machine's speed (a page that took 1.5 s leaves a wait
# of 0.5 s, too short to say), so the waits that are asserted come from
# once429, below.
paced() {
	sandbox_start --generate orders=150,products=10 --rate-limit 1 \
	    --rate-window 2
	connections "retry_delay = 0.01" "rate_limit = 1" "rate_window = 2"
}

# once429 PATH [SKIP [METHOD]]: the sandbox answers its request SKIP + 1
# to PATH (a prefix) with a 429, once.  With "retry_delay = 4" the
# backoff waits 2 to 4 s for it, and the line shows "waiting 1 s for the
# rate limit" on any machine, with a rate (1 s gone at least) beside it.
# Picqer's 429 says no requests are left in the window, and the client
# then waits for the window's end: a minute, unless rate_window is less.
once429() {
	fault "[{\"path\": \"$1\", \"kind\": \"429\", \"times\": 1,
	    \"skip\": ${2:-0}, \"method\": \"${3:-}\"}]"
}

@test "orders-export: pages, records, rate and the wait for the limit" {
	sandbox_start --generate orders=250,products=10
	connections "retry_delay = 4" "rate_window = 2"
	once429 /api/v1/orders 1
	onterm tty "$OE >out.csv"
	shown tty "orders-export: orders: 0 records"
	shown tty "orders-export: orders: 1 pages, 100 records.*, waiting [1-4] s for the rate limit"
	shown tty "orders-export: orders: 1 pages, 100 records, [0-9.]+/s, waiting 1 s for the rate limit"
	# The first line after the wait: its page counted, and the rate.
	shown tty "orders-export: orders: 2 pages, 100 records, [0-9.]+/s"
	# The last thing on the terminal: the line erased.
	[ "$(tail -c 4 tty.raw | od -An -c | tr -d ' ')" = '\r033[K' ]
	[ "$(count <out.csv)" -eq 250 ]
}
@test "orders-export: the same output, and nothing, in a pipe" {
	paced
	onterm tty "$OE >tty.csv"
	[ "$(count <tty.csv)" -eq 150 ]
	$OE 2>err.txt | cat >pipe.csv
	[ ! -s err.txt ]
	cmp tty.csv pipe.csv
	t 0 - "" sh -c "$OE >file.csv"
	cmp tty.csv file.csv
}
@test "orders-export -q: nothing on the terminal" {
	paced
	onterm tty "$OE -q >out.csv"
	[ ! -s tty.raw ]
	[ "$(count <out.csv)" -eq 150 ]
}
@test "orders-export: nothing when the output goes to the terminal too" {
	paced
	onterm tty "$OE"
	! grep -q "$(printf '\033')" tty.raw
	! grep -q 'records' tty.raw
	[ "$(grep -c , tty)" -eq 151 ]
}
@test "a 429 and its Retry-After: waiting for the rate limit" {
	sandbox_start --data "$SEED"
	connections "retry_delay = 3" "rate_window = 2"
	fault '[{"path": "/api/v1/orders", "kind": "429", "times": 1}]'
	onterm tty "$OE >out.csv"
	shown tty "orders-export: orders: 0 records, waiting [1-3] s for the rate limit"
	t 0 - "" sh -c "$OE >file.csv"
	cmp out.csv file.csv
}
@test "a 503 to try again; a message takes the line's place" {
	sandbox_start --generate orders=150,products=10
	connections "retry_delay = 2" "retries = 1"
	fault '[{"path": "/api/v1/orders", "kind": "503", "times": 50, "skip": 1}]'
	run onterm tty "$OE >out.csv"
	[ "$status" -eq 3 ]
	shown tty "orders-export: orders: 1 pages, 100 records.*, waiting [12] s to try again"
	# The error on a line of its own: the progress erased before it.
	grep -q "$(printf '\r\033\\[K')orders-export: http://127.0.0.1:[0-9]*/api/v1/orders?offset=100: 503 (after 1 retries)" tty.raw
}
@test "stock-snapshot: SKUs and pages" {
	sandbox_start --generate products=250
	connections "retry_delay = 4" "rate_window = 2"
	once429 /api/v1/products 1
	onterm tty "stock-snapshot --from picqer >out.csv"
	shown tty "stock-snapshot: SKUs: 0 records"
	shown tty "stock-snapshot: SKUs: [12] pages, [0-9]+ records, [0-9.]+/s, waiting 1 s for the rate limit"
	t 0 - "" sh -c "stock-snapshot --from picqer >file.csv"
	cut -d, -f1-8 out.csv >a
	cut -d, -f1-8 file.csv >b
	cmp a b
}
@test "orders-export: of how many pages, and the time left, where the platform says" {
	sandbox_start --platform woocommerce --generate orders=250
	connections "retry_delay = 4"
	once429 /wp-json/wc/v3/orders 1
	onterm tty "orders-export --from woocommerce >out.csv"
	shown tty "orders-export: orders: 1 of 3 pages, 100 records, [0-9.]+/s, [0-9]+ s left, waiting 1 s for the rate limit"
	t 0 - "" sh -c "orders-export --from woocommerce >file.csv"
	cmp out.csv file.csv
}
@test "stock-push: levels written of how many, the time left" {
	sandbox_start --platform woocommerce --data "$TOP/tests/sandbox/data/woocommerce"
	printf 'sku,qty\n' >in.csv
	printf '%s\n' TS-RED-M,11 MUG-BLU,1 HD-BLK-S,5 HD-BLK-M,8 \
	    HD-BLK-L,1 PL-GRN-M,4 PL-GRN-L,6 BAG-TOTE,3 8718526012347,10 >>in.csv
	connections "retry_delay = 4" "batch = 2"
	once429 /wp-json/wc/v3/products/batch 1 POST
	onterm tty "stock-push --to woocommerce in.csv >out.csv"
	shown tty "stock-push: catalog items: 0 records"
	shown tty "stock-push: levels written: 0 of 9 records"
	shown tty "stock-push: levels written: [2-8] of 9 records, [0-9.]+/s, [0-9]+ s left, waiting 1 s for the rate limit"
	[ "$(grep -c ',set,$' out.csv)" -eq 9 ]
	ctl POST /_sandbox/reset >/dev/null
	connections "retry_delay = 0.01" "batch = 2"
	t 0 - "" sh -c "stock-push --to woocommerce in.csv >file.csv"
	cmp out.csv file.csv
}
@test "orders-complete: orders of the input, the wait, a warning on its own line" {
	sandbox_start --platform woocommerce --data "$TOP/tests/sandbox/data/woocommerce"
	connections "retry_delay = 4"
	once429 /wp-json/wc/v3/orders/10233
	printf 'id,tracking\n' >in.csv
	printf '%s\n' '10240,postnl 3SABCD7654321; dhl JJD0002' \
	    '10233,postnl 3SABCD0000001' '99999,' >>in.csv
	run onterm tty "orders-complete --in woocommerce -n in.csv >out.csv"
	[ "$status" -eq 1 ]
	shown tty "orders-complete: in.csv: [1-3] records"
	# The warning on a line of its own: the progress erased before it.
	grep -q "$(printf '\r\033\\[K')orders-complete: woocommerce: woocommerce mails each customer" tty.raw
	shown tty "orders-complete: orders: 0 of 3 records"
	shown tty "orders-complete: orders: 1 of 3 records, [0-9.]+/s, [0-9]+ s left, waiting 1 s for the rate limit"
	connections "retry_delay = 0.01"
	run sh -c "orders-complete --in woocommerce -n in.csv >file.csv"
	[ "$status" -eq 1 ]
	cmp out.csv file.csv
}
@test "orders-push: SKUs found, then orders of the input" {
	sandbox_start --platform woocommerce --data "$TOP/tests/sandbox/data/woocommerce"
	orders-export --from woocommerce -o jsonl -s open >in.jsonl
	[ "$(wc -l <in.jsonl)" -ge 2 ]
	connections "retry_delay = 4"
	fault '[{"path": "/wp-json/wc/v3/products", "kind": "429", "times": 1},
	    {"path": "/wp-json/wc/v3/orders", "kind": "429", "times": 1}]'
	run onterm tty "orders-push --to woocommerce -n in.jsonl >out.csv"
	[ "$status" -eq 1 ]
	shown tty "orders-push: in.jsonl: [0-9]+ records"
	shown tty "orders-push: SKUs found: 0 of 3 records"
	shown tty "orders-push: SKUs found: 0 of 3 records, waiting 1 s for the rate limit"
	shown tty "orders-push: orders: 0 of 2 records"
	shown tty "orders-push: orders: 1 of 2 records, [0-9.]+/s, [0-9]+ s left, waiting 1 s for the rate limit"
	connections "retry_delay = 0.01"
	run sh -c "orders-push --to woocommerce -n in.jsonl >file.csv"
	[ "$status" -eq 1 ]
	[ -s file.csv ]
	cmp out.csv file.csv
}
