# orders-push.bats: orders-push against the API sandbox: the old shop's
# orders entered in the new one, once each, paid, at their prices, no
# mail; journals, kills, a shop whose search lags, refusals.
load setup

WOO=$TOP/tests/sandbox/data/woocommerce
SHOP=$TOP/tests/sandbox/data/shopify

USAGE='usage: orders-push \[-nqv\] .*
 +\[--excel\] .*
 +\[--notify-customer\] .*
 +--to conn \[file \.\.\.\]'

# posts: the write requests the sandbox received.
posts() { requests | grep -v '^GET' || true; }
mails() { ctl GET /_sandbox/mail; }

# old_orders: in.jsonl, orders of an old WooCommerce shop "old", as
# orders-export writes them: three orders of SKUs both seeds have.
old_orders() {
	cat >in.jsonl <<'EOF'
{"source":"woocommerce","shop":"old","id":"4752","number":"1012","reference":"","status":"open","platform_status":"processing","created_at":"2026-11-20T10:00:00Z","updated_at":"2026-11-20T10:05:00Z","email":"jan.jansen@example.nl","name":"Jan Jansen","country":"NL","total":"54.85","currency":"EUR","billing_address":{"name":"Jan Jansen","company":"","address1":"Kerkstraat 12","address2":"","zip":"3511 LK","city":"Utrecht","region":"","country":"NL","phone":"0612345678"},"shipping_address":{"name":"Jan Jansen","company":"","address1":"Kerkstraat 12","address2":"","zip":"3511 LK","city":"Utrecht","region":"","country":"NL","phone":"0612345678"},"lines":[{"sku":"TS-RED-M","name":"T-shirt rood M","qty":2,"qty_shipped":0,"total":"39.90"},{"sku":"MUG-BLU","name":"Mok blauw","qty":1,"qty_shipped":0,"total":"9.95"}],"shipments":[]}
{"source":"woocommerce","shop":"old","id":"4819","number":"1029","reference":"","status":"open","platform_status":"on-hold","created_at":"2026-11-21T09:00:00Z","updated_at":"2026-11-21T09:00:00Z","email":"fleur@example.be","name":"Fleur de Vries","country":"BE","total":"40.00","currency":"EUR","billing_address":{"name":"Fleur de Vries","company":"Studio Fleur","address1":"Meir 80","address2":"","zip":"2000","city":"Antwerpen","region":"","country":"BE","phone":""},"shipping_address":null,"lines":[{"sku":"HD-BLK-M","name":"Hoodie zwart M","qty":1,"qty_shipped":0,"total":"49.95"}],"shipments":[]}
{"source":"woocommerce","shop":"old","id":"4822","number":"1030","reference":"","status":"open","platform_status":"processing","created_at":"2026-11-22T08:00:00Z","updated_at":"2026-11-22T08:00:00Z","email":"zoe.mueller@example.de","name":"Zoë Müller","country":"DE","total":"10.00","currency":"EUR","billing_address":{"name":"Zoë Müller","company":"","address1":"Domstraße 4","address2":"","zip":"50667","city":"Köln","region":"","country":"DE","phone":""},"shipping_address":{"name":"Zoë Müller","company":"","address1":"Domstraße 4","address2":"","zip":"50667","city":"Köln","region":"","country":"DE","phone":""},"lines":[{"sku":"TS-RED-M","name":"T-shirt rood M","qty":3,"qty_shipped":0,"total":"10.00"}],"shipments":[]}
EOF
}
WOO_MAIL='orders-push: woocommerce: woocommerce mails each customer "Processing order" when an order is paid, whatever a request asks: --mute-emails turns it off for the run, --notify-customer lets it mail'

# created: "old-marker total status" of each order the sandbox's
# WooCommerce shop has with a shopswitch_origin, sorted.
woo_created() {
	state | py -c 'import json, sys
for o in json.load(sys.stdin)["orders"]:
    m = [x["value"] for x in o.get("meta_data", []) if x["key"] == "shopswitch_origin"]
    if m:
        print(m[0], o["total"], o["status"], o["payment_method_title"])' | sort
}

@test "WooCommerce: --dry-run: the plan, the mail it would send, nothing written" {
	sandbox_start --platform woocommerce --data "$WOO"
	old_orders
	t 0 woo-plan.jsonl "$WOO_MAIL" orders-push --to woocommerce -n in.jsonl
	[ "$(posts)" = "" ]
}
@test "WooCommerce: the Processing order e-mail on: refused, nothing written" {
	sandbox_start --platform woocommerce --data "$WOO"
	old_orders
	t 2 - "$WOO_MAIL
orders-push: nothing was written" orders-push --to woocommerce in.jsonl
	[ "$(posts)" = "" ]
}
@test "WooCommerce: entered once each, paid, at the old totals, no mail" {
	sandbox_start --platform woocommerce --data "$WOO"
	old_orders
	t 0 woo-push.jsonl "" orders-push --to woocommerce --mute-emails --journal j in.jsonl
	t 0 woo-created.txt "" woo_created
	[ "$(mails)" = "[]" ]
	[ "$(writes)" = '{"order created": 3, "setting email_customer_processing_order/enabled": 2}' ]
}
@test "WooCommerce: run again, without the journal: every order exists, none entered" {
	sandbox_start --platform woocommerce --data "$WOO"
	old_orders
	orders-push --to woocommerce --mute-emails --journal j in.jsonl >first.jsonl
	t 0 woo-again.jsonl "" orders-push --to woocommerce --mute-emails --journal j2 in.jsonl
	[ "$(writes | py -c 'import json, sys; print(json.load(sys.stdin)["order created"])')" -eq 3 ]
}
@test "WooCommerce: a SKU the shop lacks, a line without SKU, no e-mail: that order fails" {
	sandbox_start --platform woocommerce --data "$WOO"
	old_orders
	sed -i '1s/"MUG-BLU"/"NOPE-1"/; 2s/"HD-BLK-M"/""/; 3s/"zoe.mueller@example.de"/""/' in.jsonl
	t 1 woo-fail.jsonl "" orders-push --to woocommerce --notify-customer in.jsonl
	[ "$(posts)" = "" ]
}
@test "WooCommerce: a create answered 500 and not made: sent again, made once" {
	sandbox_start --platform woocommerce --data "$WOO"
	old_orders
	fault '[{"path": "/wp-json/wc/v3/orders", "method": "POST", "kind": "500", "times": 1}]'
	t 0 woo-push.jsonl "orders-push: shopswitch:old:1012: http://127.0.0.1:[0-9]+/wp-json/wc/v3/orders: 500.*: looking before sending again" \
	    orders-push --to woocommerce --notify-customer in.jsonl
	[ "$(writes)" = '{"order created": 3}' ]
}
@test "WooCommerce: a create made but not answered: found, not made twice" {
	sandbox_start --platform woocommerce --data "$WOO"
	connections "retry_delay = 0.01" "timeout = 1"
	old_orders
	fault '[{"path": "/wp-json/wc/v3/orders", "method": "POST", "kind": "slow", "delay": 3, "times": 1}]'
	t 0 woo-push.jsonl "orders-push: shopswitch:old:1012: .*/wp-json/wc/v3/orders: Operation timed out .*: looking before sending again" \
	    orders-push --to woocommerce --notify-customer in.jsonl
	[ "$(writes)" = '{"order created": 3}' ]
}
@test "WooCommerce: kill -9 at random moments, resume: every order once, no mail" {
	sandbox_start --platform woocommerce --data "$WOO"
	py - >in.jsonl <<'PY'
import json
for i in range(40):
    print(json.dumps({"source": "woocommerce", "shop": "old", "id": str(9000 + i),
        "number": str(2000 + i), "email": "klant%d@example.nl" % i, "total": "24.90",
        "currency": "EUR", "billing_address": {"name": "Klant %d" % i, "country": "NL"},
        "shipping_address": None, "lines": [{"sku": "TS-RED-M", "qty": 1, "total": "19.95"}]}))
PY
	kill_runs 10 orders-push --to woocommerce --mute-emails --journal j \
	    in.jsonl
	[ "$RC" -eq 0 ] || { cat "err.$RUN"; return 1; }
	[ "$(grep -c '"result":"\(created\|exists\)"' "out.$RUN")" -eq 40 ]
	[ "$(woo_created | wc -l)" -eq 40 ]
	[ "$(woo_created | cut -d ' ' -f 1 | sort -u | wc -l)" -eq 40 ]
	[ "$(mails)" = "[]" ]
}

# The input.
@test "CSV input: refused, it lacks what an order needs" {
	printf 'source,shop,number\nwoocommerce,old,1\n' >in.csv
	t 2 - "orders-push: in.csv:2: orders-push reads order records as JSON Lines \(orders-export -o jsonl\): a CSV row lacks the addresses and the lines' totals" \
	    orders-push --to woocommerce in.csv
}
@test "an order twice: exit 2 naming both lines" {
	old_orders
	sed -n 1p in.jsonl >>in.jsonl
	t 2 - "orders-push: in.jsonl:4: order 1012 of old again \(in.jsonl:1 has it\): pass the orders through order-dedupe first" \
	    orders-push --to woocommerce in.jsonl
}
@test "a line's total that is not an amount: exit 2, or set aside" {
	old_orders
	sed -i '2s/"49.95"/"49,95"/' in.jsonl
	t 2 - "orders-push: in.jsonl:2: line 1: its total '49,95' is not an amount \(an export that carries prices is needed\)" \
	    orders-push --to woocommerce in.jsonl
}
@test "--mute-emails needs --journal" {
	t 2 - "orders-push: --mute-emails needs --journal: it holds the shop's settings to put back after a kill
$USAGE" orders-push --to woocommerce --mute-emails in.jsonl
}
@test "Magento takes no orders this way: exit 2, the reason said" {
	sandbox_start --platform magento --data "$TOP/tests/sandbox/data/magento"
	old_orders
	t 2 - "orders-push: magento: Magento 2's REST API has no way to enter an order as it was: .*" orders-push --to magento -n in.jsonl
	[ "$(requests)" = "" ]
}

# Shopify: orderCreate, the marker a tag, a search that lags.
@test "Shopify: entered once each, paid, at the old totals, no receipt" {
	sandbox_start --platform shopify --data "$SHOP"
	connections "location = Magazijn Utrecht" "retry_delay = 0.01" "search_lag = 0"
	old_orders
	t 0 shop-push.jsonl "" orders-push --to shopify --journal j in.jsonl
	[ "$(writes)" = '{"order created": 3}' ]
	[ "$(mails)" = "[]" ]
	t 0 shop-again.jsonl "" orders-push --to shopify in.jsonl
	[ "$(writes)" = '{"order created": 3}' ]
	# The new orders' totals are the old ones.
	for n in 1017:54.85 1018:40 1019:10; do
		curl -sf -H 'X-Shopify-Access-Token: shpat_sandbox' -H 'Content-Type: application/json' \
		    "$SANDBOX/admin/api/2026-10/graphql.json" \
		    -d "{\"query\": \"{ orders(first: 1, query: \\\"name:${n%%:*}\\\") { nodes { totalPriceSet { shopMoney { amount } } displayFinancialStatus } } }\"}" |
		    py -c 'import decimal, json, sys
o = json.load(sys.stdin)["data"]["orders"]["nodes"][0]
assert decimal.Decimal(o["totalPriceSet"]["shopMoney"]["amount"]) == decimal.Decimal(sys.argv[1]), o
assert o["displayFinancialStatus"] == "PAID", o' "${n#*:}"
	done
}
@test "Shopify: --notify-customer: the order confirmation is mailed" {
	sandbox_start --platform shopify --data "$SHOP"
	connections "location = Magazijn Utrecht" "retry_delay = 0.01"
	old_orders
	sed -i '2,3d' in.jsonl
	orders-push --to shopify --notify-customer in.jsonl >/dev/null
	[ "$(mails)" = '[{"to": "jan.jansen@example.nl", "template": "order_confirmation", "order": "gid://shopify/Order/6543210987657"}]' ]
}
@test "Shopify: a run killed after sending, the search lagging: found after the lag" {
	sandbox_start --platform shopify --data "$SHOP" --set search_lag=1
	connections "location = Magazijn Utrecht" "retry_delay = 0.01" "search_lag = 1.5"
	old_orders
	orders-push --to shopify --journal j in.jsonl >/dev/null
	# As if killed before the shop's answers were journalled.
	grep -v '"done"' j >j2
	t 0 shop-lagged.jsonl "" orders-push --to shopify --journal j2 in.jsonl
	[ "$(writes)" = '{"order created": 3}' ]
}
@test "Shopify: sent by a killed run, not found after the lag: failed, unless --resend-unconfirmed" {
	sandbox_start --platform shopify --data "$SHOP"
	connections "location = Magazijn Utrecht" "retry_delay = 0.01" "search_lag = 0.2"
	old_orders
	sed -i '2,3d' in.jsonl
	printf '%s\n' '{"orders-push":1,"to":"shopify","started":"2026-12-01T00:00:00Z"}' \
	    '{"sent":"shopswitch:old:1012"}' >j
	t 1 shop-unconfirmed.jsonl "" orders-push --to shopify --journal j in.jsonl
	[ "$(writes)" = '{}' ]
	t 0 shop-resent.jsonl "" orders-push --to shopify --journal j --resend-unconfirmed in.jsonl
	[ "$(writes)" = '{"order created": 1}' ]
}
