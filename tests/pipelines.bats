# pipelines.bats: the steps of a switch, end to end, against the API
# sandbox: Picqer the warehouse ([picqer]), an old WooCommerce shop
# ([old], webshop connection 1 in Picqer) and a new Shopify shop ([new],
# the demo's examples/new-shop).
load setup

P=$TOP/pipelines

# switch_start: the three sandboxes, and a connections file for them in
# "my conf/connections.conf" (a name with a space) as SHOPSWITCH_CONFIG.
switch_start() {
	local p data port
	mkdir -p "my conf"
	: >"my conf/connections.conf"
	chmod 600 "my conf/connections.conf"
	for p in picqer:picqer woocommerce:old shopify:new; do
		case ${p%%:*} in
		shopify) data=$EX/new-shop ;;
		*) data=$TOP/tests/sandbox/data/${p%%:*} ;;
		esac
		port=$BATS_TEST_TMPDIR/${p#*:}.port
		sandbox_spawn "$TOP/tests/sandbox" "$port.err" \
		    --platform "${p%%:*}" --data "$data" --port 0 \
		    --ready "$port" --log "$BATS_TEST_TMPDIR/${p#*:}.log"
		SANDBOX_PIDS="${SANDBOX_PIDS:-} $spawned_pid"
		while [ ! -s "$port" ]; do
			kill -0 "$spawned_pid" || { cat "$port.err"; return 1; }
			sleep 0.02
		done
		eval "${p#*:}_url=http://127.0.0.1:\$(cat \"\$port\")"
		{
			printf '[%s]\nplatform = %s\n' "${p#*:}" "${p%%:*}"
			printf 'url = http://127.0.0.1:%s\n' "$(cat "$port")"
			case ${p%%:*} in
			picqer) printf 'api_key = sandbox-key\ncontact = t@shopswitch.invalid\n' ;;
			woocommerce) printf 'key = ck_sandbox\nsecret = cs_sandbox\n' ;;
			shopify) printf 'token = shpat_sandbox\nlocation = Magazijn\nsearch_lag = 0\n' ;;
			esac
			printf 'retry_delay = 0.01\nrate_window = 0.2\n\n'
		} >>"my conf/connections.conf"
	done
	export SHOPSWITCH_CONFIG="$PWD/my conf/connections.conf"
}
# of CONN PATH: the control endpoint PATH of CONN's sandbox.
of() { local u=${1}_url; CTL_URL=${!u} ctl GET "/_sandbox/$2"; }
# summary CMD...: run CMD, its summary on standard output with the date
# of the review folder made DATE; its exit status.
summary() {
	local st=0
	"$@" >sum.raw || st=$?
	sed 's|review/[0-9]\{4\}-[0-9-]*-|review/DATE-|' sum.raw
	return "$st"
}
# folder: the one review folder made so far.
folder() { ls -d review/*-*/ | sed 's|/$||'; }

@test "every script: -h prints its usage, an unknown option is refused" {
	for s in preflight cutover close-old-orders missed-orders stock-push nightly; do
		"$P/$s" -h >sum 2>err || { echo "$s -h: $?"; return 1; }
		[ ! -s sum ]
		head -n 1 err | grep "^usage: $s " >/dev/null
		rc=0; "$P/$s" --nope >sum 2>err || rc=$?
		[ "$rc" -eq 2 ] || { echo "$s --nope: $rc"; return 1; }
		[ "$(head -n 1 err)" = "$s: unknown option: --nope" ]
		sed -n 2p err | grep "^usage: $s " >/dev/null
	done
}

@test "preflight: the SKU findings, summarised, in a review folder" {
	switch_start
	t 1 preflight.txt "" summary "$P/preflight"
	d=$(folder)
	[ -f "$d/sku-wms-vs-new.csv" ] && [ -f "$d/sku-old-vs-new.csv" ]
	[ "$(grep -c '^added,HD-BLK-' "$d/sku-wms-vs-new.csv")" -eq 3 ]
}
@test "preflight: two catalogs that agree: exit 0" {
	printf 'sku,qty\nA,1\nB,2\n' >cat.csv
	t 0 - "" sh -c "'$P/preflight' --no-old --wms-file cat.csv --new-file cat.csv >sum"
	grep -qx 'The catalogs agree: nothing to do.' sum
}
@test "a pipeline run by a link to it (~/bin/preflight) finds lib.sh beside itself" {
	printf 'sku,qty\nA,1\nB,2\n' >cat.csv
	mkdir bin
	ln -s "$P/preflight" bin/preflight
	t 0 - "" sh -c "bin/preflight --no-old --wms-file cat.csv --new-file cat.csv >sum"
	grep -qx 'The catalogs agree: nothing to do.' sum
}
@test "cutover: the old shop's orders still open in the warehouse" {
	switch_start
	t 1 - "" sh -c "'$P/cutover' --wms-shop 1 --excel >sum"
	grep -qx '  3 open order(s) in open-orders.csv' sum
	d=$(folder)
	[ "$(head -c 3 "$d/open-orders.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ]
	t 0 - "" sh -c "'$P/cutover' --wms-shop 99 >sum"
	grep -q 'None: the old connection can be switched off.' sum
}

@test "close-old-orders: plan, refused unmuted, applied muted, then nothing" {
	switch_start
	t 1 close-plan.txt "orders-complete: old: woocommerce mails each customer .*" summary "$P/close-old-orders" --wms-shop 1
	# WooCommerce would mail: nothing is written.
	t 2 - "" sh -c "'$P/close-old-orders' --wms-shop 1 --apply >sum 2>/dev/null"
	grep -q 'Stopped: orders-complete exited 2' sum
	[ "$(of old writes)" = '{}' ]
	t 0 - "" sh -c "'$P/close-old-orders' --wms-shop 1 --apply --mute-emails >sum"
	grep -qx '  completed: 1' sum
	[ "$(of old writes)" = '{"order 10234 note": 1, "order 10234 status": 1, "setting email_customer_completed_order/enabled": 2}' ]
	[ "$(of old mail)" = '[]' ]
	of old state | py -c 'import json, sys
n = json.load(sys.stdin)["notes"]["10234"]
assert any("JVGL0571290338172604" in x["note"] for x in n), n'
	t 0 - "" sh -c "'$P/close-old-orders' --wms-shop 1 --apply --mute-emails >sum"
	grep -qx 'Nothing to close: the others are still in the warehouse.' sum
}
@test "missed-orders: plan, applied once, again: nothing entered twice" {
	switch_start
	t 1 missed-plan.txt "" summary "$P/missed-orders" --wms-shop 1 --since 2025-01-01
	t 0 - "" sh -c "'$P/missed-orders' --wms-shop 1 --since 2025-01-01 --apply >sum"
	grep -qx '  created: 1' sum
	[ "$(of new writes)" = '{"order created": 1}' ]
	[ "$(of new mail)" = '[]' ]
	t 0 - "" sh -c "'$P/missed-orders' --wms-shop 1 --since 2025-01-01 --apply >sum"
	grep -qx 'Nothing to write: the new shop has them.' sum
	[ "$(of new writes)" = '{"order created": 1}' ]
}
@test "missed-orders: --since is required" {
	t 2 - "missed-orders: --since says from when \(the switch, say\)
usage: missed-orders .*
.*
.*
.*" "$P/missed-orders"
}
@test "stock-push: a plan; not confirmed in a pipe; --yes pushes and checks" {
	switch_start
	t 1 - "" sh -c "'$P/stock-push' </dev/null >sum"
	grep -qx 'Not pushed: read the plan, then run again with --yes.' sum
	[ "$(of new writes)" = '{}' ]
	t 0 - "" sh -c "'$P/stock-push' --yes >sum"
	grep -qx 'Check: every SKU both have is at the warehouse.s level.' sum
	t 0 - "" sh -c "'$P/stock-push' --yes >sum"
	grep -qx 'Nothing to write: the shop has the warehouse.s levels.' sum
}
@test "stock-push: on a terminal, it asks; no is no" {
	command -v script >/dev/null || skip "script(1) is not installed"
	switch_start
	printf 'n\n' | script -qec "'$P/stock-push'" /dev/null >sum || [ $? -eq 1 ]
	grep -q 'as the plan says? \[y/N\]' sum
	grep -q 'Not pushed: not confirmed.' sum
	[ "$(of new writes)" = '{}' ]
	printf 'y\n' | script -qec "'$P/stock-push'" /dev/null >sum
	grep -q 'Check: every SKU both have' sum
}

@test "nightly: news the first night, silence the second" {
	switch_start
	t 1 - "" sh -c "'$P/nightly' --wms-shop 1 --since 2025-01-01 --review 'my review' >sum"
	grep -qx '  orders of the old shop the warehouse never imported: 1 new' sum
	t 0 - "" "$P/nightly" --wms-shop 1 --since 2025-01-01 --review 'my review'
	[ "$(ls 'my review' | wc -l)" -eq 1 ]
}
@test "nightly: a run alive holds the lock; a dead one's is taken over" {
	switch_start
	mkdir -p review/.nightly.lock
	echo $$ >review/.nightly.lock/pid
	t 2 - "nightly: another nightly is running \(pid $$\): review/.nightly.lock" \
	    "$P/nightly" --since 2025-01-01
	sh -c 'exit 0' & dead=$!
	wait "$dead"
	echo "$dead" >review/.nightly.lock/pid
	t 1 - "nightly: taking over the lock of a run that died \(pid $dead\)" \
	    sh -c "'$P/nightly' --wms-shop 1 --since 2025-01-01 >sum"
	[ ! -e review/.nightly.lock ]
}
@test "a dead platform: the tool's status 3 passed on, the summary says so" {
	SANDBOX=http://127.0.0.1:1 SANDBOX_PLATFORM=picqer connections "retries = 1" "retry_delay = 0.01"
	t 3 - "stock-snapshot: http://127.0.0.1:1/api/v1/warehouses\?offset=0: .*" \
	    sh -c "'$P/stock-push' --wms picqer >sum"
	grep -q '^Stopped: stock-snapshot exited 3' sum
}
