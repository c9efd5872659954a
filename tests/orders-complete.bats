# orders-complete.bats: orders-complete against the API sandbox, platform
# by platform: plans, completions with track and trace, a second run that
# adds nothing, e-mails never sent unasked, journals, kills, faults.
load setup

WOO=$TOP/tests/sandbox/data/woocommerce
MAG=$TOP/tests/sandbox/data/magento
SHOP=$TOP/tests/sandbox/data/shopify

# posts: the write requests the sandbox received.
posts() { requests | grep -v '^GET' || true; }
# mails: the e-mails the shop sent to customers.
mails() { ctl GET /_sandbox/mail; }
# setting GROUP: a WooCommerce e-mail's "enabled" setting now.
setting() {
	state | py -c 'import json, sys
print(json.load(sys.stdin)["settings"][sys.argv[1]]["enabled"])' "$1"
}
# notes ID: the notes of WooCommerce order ID, oldest first, one a line.
notes() {
	state | py -c 'import json, sys
n = json.load(sys.stdin)["notes"].get(sys.argv[1], [])
for x in sorted(n, key=lambda x: x["id"]):
    print(x["note"].replace("\n", " | "))' "$1"
}

# WooCommerce's seed: 10233 and 10240 processing (10240 has a note with
# PostNL 3SABCD7654321), 10234 on-hold, 10235 pending, 10232 completed,
# 10236 cancelled, 10237 refunded, 10239 in the trash.
woo_in() {
	printf 'id,tracking\n' >in.csv
	printf '%s\n' '10240,postnl 3SABCD7654321; dhl JJD0002' \
	    '10233,postnl 3SABCD0000001' '10234,' '10232,dhl JJD0003' \
	    '10236,postnl 3SABCD0000002' '10239,' '99999,' >>in.csv
}
# The usage message: four lines.
USAGE='usage: orders-complete \[-nqv\] .*
 +\[--encoding cs\] .*
 +\[--notify-customer\] .*'
WOO_MAIL='orders-complete: woocommerce: woocommerce mails each customer "Completed order" when an order is completed, whatever a request asks: --mute-emails turns it off for the run, --notify-customer lets it mail'

@test "WooCommerce: --dry-run writes the plan, says the shop would mail, changes nothing" {
	sandbox_start --platform woocommerce --data "$WOO"
	woo_in
	state >before.json
	t 1 woo-plan.csv "$WOO_MAIL" orders-complete --in woocommerce -n in.csv
	state >after.json
	cmp before.json after.json
	[ "$(posts)" = "" ]
}
@test "WooCommerce: the Completed order e-mail on: refused, nothing written" {
	sandbox_start --platform woocommerce --data "$WOO"
	woo_in
	t 2 - "$WOO_MAIL
orders-complete: nothing was written" orders-complete --in woocommerce in.csv
	[ "$(posts)" = "" ]
}
@test "WooCommerce: --mute-emails: notes and status, no mail, the setting back on" {
	sandbox_start --platform woocommerce --data "$WOO"
	woo_in
	t 1 woo-done.csv "" orders-complete --in woocommerce --mute-emails --journal j in.csv
	[ "$(writes)" = '{"order 10233 note": 1, "order 10233 status": 1, "order 10234 status": 1, "order 10240 note": 1, "order 10240 status": 1, "setting email_customer_completed_order/enabled": 2}' ]
	[ "$(mails)" = "[]" ]
	[ "$(setting email_customer_completed_order)" = yes ]
	# The PostNL code was noted already: only DHL's is added.
	notes 10240 | grep -x 'Track & trace: dhl JJD0002'
	[ "$(notes 10240 | grep -c 3SABCD7654321)" -eq 1 ]
}
@test "WooCommerce: run again: all already completed, no note, no status" {
	sandbox_start --platform woocommerce --data "$WOO"
	woo_in
	orders-complete --in woocommerce --mute-emails --journal j in.csv >/dev/null || [ $? -eq 1 ]
	t 1 woo-again.csv "" orders-complete --in woocommerce --mute-emails --journal j2 in.csv
	writes | py -c 'import json, sys
w = json.load(sys.stdin)
assert all(v == 1 for k, v in w.items() if k.startswith("order")), w'
}
@test "WooCommerce: --notify-customer: a customer note, and WooCommerce mails" {
	sandbox_start --platform woocommerce --data "$WOO"
	printf 'id,tracking\n10233,postnl 3SABCD0000001\n' >in.csv
	t 0 woo-notify.csv "" orders-complete --in woocommerce --notify-customer in.csv
	mails | py -c 'import json, sys
m = sorted(x["template"] for x in json.load(sys.stdin))
assert m == ["customer_completed_order", "customer_note"], m'
}
@test "WooCommerce: -k number finds the order by its number" {
	sandbox_start --platform woocommerce --data "$WOO"
	printf '{"id":"5008","number":"20250008","reference":"10233","shipments":[{"carrier":"postnl","tracking":"3SABCD0000001","url":"https://jouw.postnl.nl/t/3SABCD0000001"}]}\n' >in.jsonl
	t 0 woo-ref.jsonl "" orders-complete --in woocommerce -k reference --notify-customer in.jsonl
	notes 10233 | grep -x 'Track & trace: postnl 3SABCD0000001 https://jouw.postnl.nl/t/3SABCD0000001'
}
@test "WooCommerce: --mute-emails needs --journal; --notify-customer does not go with it" {
	t 2 - "orders-complete: --mute-emails needs --journal: it holds the shop's settings to put back after a kill
$USAGE" orders-complete --in woocommerce --mute-emails in.csv
	t 2 - "orders-complete: --mute-emails and --notify-customer: choose one
$USAGE" orders-complete --in woocommerce --mute-emails --notify-customer in.csv
}
@test "WooCommerce: killed while muted: the next run turns the e-mail on first" {
	sandbox_start --platform woocommerce --data "$WOO"
	woo_in
	# A run that muted and was killed before it restored.
	printf '%s\n' '{"orders-complete":1,"in":"woocommerce","started":"2026-12-01T00:00:00Z"}' \
	    '{"muted":["email_customer_completed_order"]}' >j
	curl -sf -X PUT -d '{"value":"no"}' -H 'Content-Type: application/json' \
	    -u ck_sandbox:cs_sandbox "$SANDBOX/wp-json/wc/v3/settings/email_customer_completed_order/enabled" >/dev/null
	t 2 - "orders-complete: 1 customer e-mails that a killed run turned off are on again, as the shop had them
$WOO_MAIL
orders-complete: nothing was written" orders-complete --in woocommerce --journal j in.csv
	[ "$(setting email_customer_completed_order)" = yes ]
	tail -n 1 j | grep -x '{"restored":\["email_customer_completed_order"\]}' >/dev/null
}
@test "WooCommerce: kill -9 at random moments, resume: all completed, nothing twice, no mail" {
	sandbox_start --platform woocommerce --generate orders=400,products=30
	orders-export --from woocommerce -s open -s on_hold -o jsonl |
	    py -c 'import json, sys
for i, l in enumerate(sys.stdin):
    o = json.loads(l)
    print(json.dumps({"id": o["id"], "shipments": [{"carrier": "postnl", "tracking": "3SKILL%05d" % i, "url": ""}]}))' >in.jsonl
	n=$(wc -l <in.jsonl)
	[ "$n" -gt 50 ]
	kill_runs $((n / 8)) orders-complete --in woocommerce --mute-emails \
	    --journal j in.jsonl
	[ "$RC" -eq 0 ] || { cat "err.$RUN"; return 1; }
	# Done by an earlier run: completed (its journal says so), or
	# already_completed (killed before it journalled it).
	[ "$(grep -c '"result":"\(already_\)\?completed"' "out.$RUN")" -eq "$n" ]
	writes | py -c 'import json, sys
w = json.load(sys.stdin)
twice = {k: v for k, v in w.items() if k.startswith("order") and v > 1}
assert not twice, twice
notes = sum(1 for k in w if k.endswith(" note"))
assert notes == int(sys.argv[1]), (notes, sys.argv[1])' "$n"
	[ "$(mails)" = "[]" ]
	[ "$(setting email_customer_completed_order)" = yes ]
}
@test "WooCommerce: a write answered 500: looked at again, done once" {
	sandbox_start --platform woocommerce --data "$WOO"
	printf 'id,tracking\n10233,postnl 3SABCD0000001\n' >in.csv
	# The note is made, then the answer is a 500: it is not sent again.
	fault '[{"path": "/wp-json/wc/v3/orders/10233/notes", "method": "POST", "kind": "500", "times": 1}]'
	t 0 woo-500.csv "orders-complete: order 10233: http://127.0.0.1:[0-9]+/wp-json/wc/v3/orders/10233/notes: 500.*: asking again" \
	    orders-complete --in woocommerce --notify-customer in.csv
	[ "$(writes)" = '{"order 10233 note": 1, "order 10233 status": 1}' ]
}
@test "WooCommerce: a setting's PUT answered 503: sent again (it sets a value)" {
	sandbox_start --platform woocommerce --data "$WOO"
	printf 'id,tracking\n10233,postnl 3SABCD0000001\n' >in.csv
	fault '[{"path": "/wp-json/wc/v3/settings/email_customer_completed_order/enabled", "method": "PUT", "kind": "503", "times": 2}]'
	t 0 woo-500.csv "" orders-complete --in woocommerce --mute-emails --journal j in.csv
	[ "$(setting email_customer_completed_order)" = yes ]
	[ "$(mails)" = "[]" ]
}
@test "WooCommerce: a dead shop: exit 3, every order reported" {
	SANDBOX=http://127.0.0.1:1 SANDBOX_PLATFORM=woocommerce connections "retry_delay = 0.01" "retries = 1"
	printf 'id,tracking\n10233,\n' >in.csv
	t 3 - "orders-complete: http://127.0.0.1:1/wp-json/wc/v3/settings/email_customer_completed_order/enabled: Failed to connect .*" \
	    orders-complete --in woocommerce --notify-customer -n in.csv
}
@test "WooCommerce: the shop stops answering mid-run: exit 3, the rest not sent" {
	sandbox_start --platform woocommerce --data "$WOO"
	connections "retry_delay = 0.01" "retries = 1"
	printf 'id,tracking\n10233,\n10234,\n' >in.csv
	fault '[{"path": "/wp-json/wc/v3/orders/10233", "kind": "503", "times": 50}]'
	t 3 woo-dead-mid.csv "orders-complete: order 10233: http://127.0.0.1:[0-9]+/wp-json/wc/v3/orders/10233: 503 \(after 1 retries\): asking again
orders-complete: order 10233: http://127.0.0.1:[0-9]+/wp-json/wc/v3/orders/10233: 503 \(after 1 retries\): asking again
orders-complete: http://127.0.0.1:[0-9]+/wp-json/wc/v3/orders/10233: 503 \(after 1 retries\)" \
	    orders-complete --in woocommerce --notify-customer in.csv
	[ "$(posts)" = "" ]
}

# The input.
@test "a record without its key: exit 2 naming the line, nothing asked" {
	printf 'id,tracking\n10233,\n,dhl X\n' >in.csv
	t 2 - "orders-complete: in.csv:3: id is empty" orders-complete --in woocommerce in.csv
}
@test "--rejects sets a record without key aside and goes on" {
	sandbox_start --platform woocommerce --data "$WOO"
	printf 'id,tracking\n10233,\n,dhl X\n' >in.csv
	t 0 woo-rejects.csv "" orders-complete --in woocommerce --notify-customer --rejects rej in.csv
	grep -q '^,dhl X' rej
}
@test "shipments that are not a list: exit 2" {
	printf '{"id":"1","shipments":"postnl X"}\n' >in.jsonl
	t 2 - "orders-complete: in.jsonl:1: shipments is text, not a list" orders-complete --in woocommerce in.jsonl
}
@test "a Picqer connection takes no completions: exit 2" {
	sandbox_start --data "$TOP/tests/sandbox/data/picqer"
	printf 'id\n5001\n' >in.csv
	t 2 - "orders-complete: picqer: Picqer is the warehouse: orders are completed in, and entered into, the shops it takes them from" \
	    orders-complete --in picqer in.csv
}
@test "a full disk on standard output: exit 2" {
	sandbox_start --platform magento --data "$MAG"
	printf 'id,tracking\n3,postnl X\n' >in.csv
	t 2 - "orders-complete: write error: No space left on device" sh -c 'orders-complete --in magento -n in.csv >/dev/full'
}

# Magento 2: a shipment of what is left, tracks the order lacks.
mag_in() {
	printf 'number,tracking\n' >in.csv
	printf '%s\n' '000000103,postnl 3SABCD1234567' \
	    '000000111,ups 1Z999AA10000011; dhl JJD000111' '000000107,' \
	    '000000108,' '000000101,' '000000999,' >>in.csv
}
@test "Magento: --dry-run writes the plan and changes nothing" {
	sandbox_start --platform magento --data "$MAG"
	mag_in
	state >before.json
	t 1 mag-plan.csv "" orders-complete --in magento -k number -n in.csv
	state >after.json
	cmp before.json after.json
}
@test "Magento: a shipment each, the tracks it lacks, no mail; again: nothing" {
	sandbox_start --platform magento --data "$MAG"
	mag_in
	t 1 mag-done.csv "" orders-complete --in magento -k number in.csv
	[ "$(writes)" = '{"order 11 shipment": 1, "order 11 track": 1, "order 3 shipment": 1, "order 3 track": 1}' ]
	[ "$(mails)" = "[]" ]
	requests | grep '^POST' >posts
	t 0 mag-done.req "" cat posts
	t 1 mag-again.csv "" orders-complete --in magento -k number in.csv
	[ "$(writes)" = '{"order 11 shipment": 1, "order 11 track": 1, "order 3 shipment": 1, "order 3 track": 1}' ]
}
@test "Magento: a bundle shipped separately, one part sent: the rest is shipped" {
	# Its bundle row says 1 of 1 shipped (Magento counts a shipment of
	# any part); the parts say one is left.
	sandbox_start --platform magento --data "$MAG"
	printf 'number,tracking\n000000118,postnl 3SABCD0000118\n000000117,\n' >in.csv
	t 0 mag-bundles.csv "" orders-complete --in magento -k number in.csv
	[ "$(writes)" = '{"order 17 shipment": 1, "order 18 shipment": 1, "order 18 track": 1}' ]
}
@test "Magento: --notify-customer: Magento mails the shipment" {
	sandbox_start --platform magento --data "$MAG"
	printf 'id,tracking\n3,postnl 3SABCD1234567\n' >in.csv
	t 0 mag-notify.csv "" orders-complete --in magento --notify-customer in.csv
	[ "$(mails)" = '[{"to": "pieter.bakker@example.nl", "template": "shipment", "order": 3}]' ]
}

# Shopify: a fulfilment of each open fulfilment order, tracking on the first.
shop_conn() { connections "location = Magazijn Utrecht" "retry_delay = 0.01"; }
shop_in() {
	printf 'number,tracking\n' >in.csv
	printf '%s\n' '#1004,postnl 3SABCD0000004' '1005,dhl JJD0005' \
	    '#1008,ups 1Z8; postnl 3SABCD0000008' '#1007,' '#1006,' '#1003,' \
	    '#9999,' >>in.csv
}
# fulfils: the fulfillmentCreate inputs the sandbox received, one a line.
fulfils() {
	py -c 'import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    v = (o.get("body") or {}).get("variables") or {}
    if "fulfillment" in v:
        print(json.dumps(v["fulfillment"], sort_keys=True))' "$BATS_TEST_TMPDIR/requests.jsonl"
}
@test "Shopify: --dry-run writes the plan and changes nothing" {
	sandbox_start --platform shopify --data "$SHOP"
	shop_conn
	shop_in
	state >before.json
	t 1 shop-plan.csv "" orders-complete --in shopify -k number -n in.csv
	state >after.json
	cmp before.json after.json
}
@test "Shopify: a fulfilment per open fulfilment order, no notification; again: nothing" {
	sandbox_start --platform shopify --data "$SHOP"
	shop_conn
	shop_in
	t 1 shop-done.csv "" orders-complete --in shopify -k number in.csv
	[ "$(writes)" = '{"order 6543210987124 fulfillment": 1, "order 6543210987165 fulfillment": 1, "order 6543210987288 fulfillment": 2}' ]
	[ "$(mails)" = "[]" ]
	t 0 shop-done.fulfils "" fulfils
	t 1 shop-again.csv "" orders-complete --in shopify -k number in.csv
	[ "$(writes)" = '{"order 6543210987124 fulfillment": 1, "order 6543210987165 fulfillment": 1, "order 6543210987288 fulfillment": 2}' ]
}
@test "Shopify: --notify-customer: Shopify mails the shipping confirmation" {
	sandbox_start --platform shopify --data "$SHOP"
	shop_conn
	printf 'id,tracking\n6543210987124,postnl 3SABCD0000004\n' >in.csv
	t 0 shop-notify.csv "" orders-complete --in shopify --notify-customer in.csv
	mails | py -c 'import json, sys
m = [x["template"] for x in json.load(sys.stdin)]
assert m == ["shipping_confirmation"], m'
}
