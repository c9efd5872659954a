#!/bin/sh
# selftest-bol.sh: the sandbox's own tests for the Bol.com Retailer API
# emulation (v10, Offer API v11).  Starts tests/sandbox/sandbox.py
# --platform bol on free ports, checks it with curl and prints TAP.
# Exits 1 when a check fails, 2 when the sandbox cannot be started.
set -u

here=$(cd "$(dirname "$0")" && pwd)
seed=$here/data/bol
platform=bol
cid=sandbox-client
cs=sandbox-secret
v10=application/vnd.retailer.v10+json
v11=application/vnd.retailer.v11+json
ts=6ff736b5-cdd0-4150-8c67-78269ee98601      # TS-RED-M
# shellcheck source=tests/sandbox/selftest-lib.sh
. "$here/selftest-lib.sh"

# token: a fresh access token from $base.
token() {
	curl -sS -u "$cid:$cs" -X POST "$base/token?grant_type=client_credentials" |
		py 'd["access_token"]'
}
# get10 PATH [CURL ARGS]: GET with the v10 media type (get11: v11).
get10() {
	p=$1
	shift
	curl -sS -H "Authorization: Bearer $tok" -H "Accept: $v10" "$@" "$base$p"
}
get11() {
	p=$1
	shift
	curl -sS -H "Authorization: Bearer $tok" -H "Accept: $v11" "$@" "$base$p"
}
# send METHOD VERSION PATH BODY: a body in that version's media type.
send() {
	curl -sS -H "Authorization: Bearer $tok" -H "Accept: $2" \
		-H "Content-Type: $2" -X "$1" --data-binary "$4" "$base$3"
}
# code ARGS: the status of curl ARGS with the token.
code() {
	curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok" "$@"
}
# heads ARGS: the response headers of a GET, CR removed.
heads() {
	curl -s -D - -o /dev/null -H "Authorization: Bearer $tok" "$@" | tr -d '\r'
}
hdr() {
	grep -i "^$1:" | sed 's/^[^:]*: *//'
}
# ps_of JSON: the processStatusId in a ProcessStatus answer.
ps_of() {
	echo "$1" | py 'd["processStatusId"]'
}
status_of() {
	get10 "/shared/process-status/$1" | py 'd["status"], d.get("errorMessage")'
}
ship() {
	send POST "$v10" /retailer/shipments "$1"
}
writes() {
	curl -s "$base/_sandbox/writes"
}

# Process statuses end at the first look after their request (seed:
# process_delay 0) or never within a test (slow): no test waits on them.
big="--set rate_orders_list=500/60 --set rate_shipments_list=500/60 --set rate_shipments_get=500/60"
# shellcheck disable=SC2086
start --own seed --data "$seed" --set process_delay=0 --set token_ttl=3600 $big
start slow --data "$seed" --set process_delay=3600 --set token_ttl=3600
start rate --data "$seed" --set rate_orders_list=2/600 \
	--set rate_offers_write=2/600 --set token_limit=4 --set token_window=600 \
	--set process_delay=0 --set process_ttl=0.5
start exp --data "$seed" --set token_ttl=0
start gen --generate orders=120,offers=300

# ------------------------------------------------------------ token
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_seed
t=$(curl -sS -D "$tmp/th" -u "$cid:$cs" -X POST "$base/token?grant_type=client_credentials")
is "token: Bearer, expires_in (--set token_ttl=3600), RETAILER" \
	"$(echo "$t" | py 'd["token_type"], d["expires_in"], d["scope"], d["access_token"].count(".")')" \
	"('Bearer', 3600, 'RETAILER', 2)"
is "token: Cache-Control no-store, application/json" \
	"$(tr -d '\r' <"$tmp/th" | hdr Cache-Control) $(tr -d '\r' <"$tmp/th" | hdr Content-Type)" \
	"no-store application/json;charset=UTF-8"
tok=$(echo "$t" | py 'd["access_token"]')
is "a new token every grant" "$([ "$(token)" != "$tok" ] && echo new)" new
is "grant_type and credentials in the form body" \
	"$(curl -s -d "grant_type=client_credentials&client_id=$cid&client_secret=$cs" "$base/token" | py 'd["token_type"]')" Bearer
is "wrong secret: 401 invalid_client" \
	"$(curl -s -w ' %{http_code}' -u "$cid:nope" -X POST "$base/token?grant_type=client_credentials")" \
	'{"error": "invalid_client", "error_description": "Bad client credentials"} 401'
is "no credentials: 401" \
	"$(curl -s -o /dev/null -w '%{http_code}' -X POST "$base/token?grant_type=client_credentials")" 401
is "no grant_type: 400 invalid_request" \
	"$(curl -s -w ' %{http_code}' -u "$cid:$cs" -X POST "$base/token" | cut -c1-30)" \
	'{"error": "invalid_request", "'
is "grant_type=password: 400 unsupported_grant_type" \
	"$(curl -s -u "$cid:$cs" -X POST "$base/token?grant_type=password" | py 'd["error"]')" unsupported_grant_type
is "credentials in the URL: 400 invalid_request" \
	"$(curl -s -w ' %{http_code}' -X POST "$base/token?grant_type=client_credentials&client_id=x&client_secret=y" | cut -c1-30)" \
	'{"error": "invalid_request", "'
is "GET /token: 405" "$(curl -s -o /dev/null -w '%{http_code}' -u "$cid:$cs" "$base/token")" 405

# ------------------------------------------------------------ API auth
is "no Authorization: 401 Problem" \
	"$(curl -s -H "Accept: $v10" "$base/retailer/orders" | py 'd["title"], d["status"], d["type"]')" \
	"('Unauthorized', 401, 'https://api.bol.com/problems')"
is "401 carries WWW-Authenticate: Bearer" \
	"$(curl -s -D - -o /dev/null -H "Accept: $v10" "$base/retailer/orders" | tr -d '\r' | hdr WWW-Authenticate | cut -c1-6)" Bearer
is "an unknown token: 401" "$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer abc.def.ghi' -H "Accept: $v10" "$base/retailer/orders")" 401
is "Basic credentials on the API: 401" "$(curl -s -o /dev/null -w '%{http_code}' -u "$cid:$cs" -H "Accept: $v10" "$base/retailer/orders")" 401
is "the log says auth missing" \
	"$(grep -c '"path":"/retailer/orders".*"auth":"missing"' "$tmp/seed.log")" 2

# ------------------------------------------------------------ media types
is "orders without Accept: 406 Problem" \
	"$(curl -s -H "Authorization: Bearer $tok" "$base/retailer/orders" | py 'd["title"]')" "Not Acceptable"
is "orders with the v11 type: 406" "$(code -H "Accept: $v11" "$base/retailer/orders")" 406
is "Accept: */*: 406" "$(code -H 'Accept: */*' "$base/retailer/orders")" 406
is "Accept listing v10 among others: 200" "$(code -H "Accept: application/json, $v10;q=0.9" "$base/retailer/orders")" 200
is "answers in v10;charset=UTF-8" \
	"$(heads -H "Accept: $v10" "$base/retailer/orders" | hdr Content-Type)" "$v10;charset=UTF-8"
is "POST with Content-Type application/json: 415" \
	"$(curl -s -H "Authorization: Bearer $tok" -H "Accept: $v10" -H 'Content-Type: application/json' -d '{}' "$base/retailer/shipments" | py 'd["detail"]')" \
	"The supplied content-type media type is not supported."
is "415's status line" "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok" -H "Accept: $v10" -H 'Content-Type: application/json' -d '{}' "$base/retailer/shipments")" 415
is "GET /retailer/offers is v11 only: 406 for v10" "$(code -H "Accept: $v10" "$base/retailer/offers")" 406
is "GET an offer as v10: RetailerOffer with store.productTitle" \
	"$(get10 "/retailer/offers/$ts" | py 'd["store"]["productTitle"], d["reference"], "lastModifiedDateTime" in d')" \
	"('T-shirt rood M', 'TS-RED-M', False)"
is "GET an offer as v11: OfferResponse" \
	"$(get11 "/retailer/offers/$ts" | py 'd["reference"], d["lastModifiedDateTime"], "store" in d')" \
	"('TS-RED-M', '2026-11-20T10:00:00+01:00', False)"

# ------------------------------------------------------------ orders
ids='[o["orderId"] for o in d.get("orders", [])]'
is "default FBR, OPEN, newest first" "$(get10 /retailer/orders | py "$ids")" \
	"['1043946576', '1043946575', 'A2K8290M11', 'A2K8290LP8', '1043946571']"
is "status=ALL&fulfilment-method=ALL: all 11" \
	"$(get10 '/retailer/orders?status=ALL&fulfilment-method=ALL' | py 'len(d["orders"])')" 11
is "status=SHIPPED (FBR)" "$(get10 '/retailer/orders?status=SHIPPED' | py "$ids")" \
	"['1043946571', '1043946574', '1043946570', '1043946572', '1043946500']"
is "fulfilment-method=FBB, status=ALL" \
	"$(get10 '/retailer/orders?status=ALL&fulfilment-method=FBB' | py "$ids")" "['B3K8290LP0']"
is "FBB, OPEN: none, the empty page is { }" \
	"$(get10 '/retailer/orders?fulfilment-method=FBB')" "{ }"
is "a listed order holds its matching items: OPEN" \
	"$(get10 /retailer/orders | py '[[(i["orderItemId"], i["fulfilmentStatus"], i["quantityShipped"]) for i in o["orderItems"]] for o in d["orders"] if o["orderId"] == "1043946571"]')" \
	"[[('6107771031', 'OPEN', 1), ('6107771032', 'OPEN', 0)]]"
is "a listed order holds its matching items: SHIPPED" \
	"$(get10 '/retailer/orders?status=SHIPPED' | py '[[i["orderItemId"] for i in o["orderItems"]] for o in d["orders"] if o["orderId"] == "1043946571"]')" \
	"[['6107771031']]"
is "ReducedOrderItem fields" \
	"$(get10 '/retailer/orders?status=ALL' | py 'sorted(d["orders"][0]["orderItems"][0])')" \
	"['cancellationRequest', 'ean', 'fulfilmentMethod', 'fulfilmentStatus', 'latestChangedDateTime', 'orderItemId', 'quantity', 'quantityCancelled', 'quantityShipped']"
is "cancelled order: HANDLED, quantityCancelled = quantity" \
	"$(get10 '/retailer/orders?status=ALL' | py '[(i["fulfilmentStatus"], i["quantity"], i["quantityCancelled"], i["cancellationRequest"]) for o in d["orders"] if o["orderId"] == "1043946573" for i in o["orderItems"]]')" \
	"[('HANDLED', 1, 1, True)]"
is "cancellation requested, still open" \
	"$(get10 /retailer/orders | py '[i["cancellationRequest"] for o in d["orders"] if o["orderId"] == "1043946575" for i in o["orderItems"]]')" "[True]"
is "latest-change-date: items changed that day" \
	"$(get10 '/retailer/orders?status=ALL&fulfilment-method=ALL&latest-change-date=2026-11-26' | py "$ids")" \
	"['A2K8290M11', 'A2K8290LP8', 'B3K8290LP0']"
is "latest-change-date in summer time (+02:00)" \
	"$(get10 '/retailer/orders?status=ALL&latest-change-date=2026-10-02' | py "$ids")" "['1043946500']"
is "latest-change-date more than 3 months back: 400" \
	"$(code -H "Accept: $v10" "$base/retailer/orders?latest-change-date=2026-08-01")" 400
is "latest-change-date not a date: 400" \
	"$(code -H "Accept: $v10" "$base/retailer/orders?latest-change-date=26-11-2026")" 400
is "change-interval-minute=60: changed in the last hour" \
	"$(get10 '/retailer/orders?status=ALL&change-interval-minute=60' | py "$ids")" "['1043946576']"
is "change-interval-minute=61 and 0: 400" \
	"$(code -H "Accept: $v10" "$base/retailer/orders?change-interval-minute=61") $(code -H "Accept: $v10" "$base/retailer/orders?change-interval-minute=0")" "400 400"
is "vvb-only=true: none" "$(get10 '/retailer/orders?vvb-only=true')" "{ }"
is "page=2: { }" "$(get10 '/retailer/orders?page=2')" "{ }"
is "page=0: 400 with a violation" \
	"$(get10 '/retailer/orders?page=0' | py 'd["status"], d["violations"]')" \
	"(400, [{'name': 'page', 'reason': 'must be greater than or equal to 1'}])"
is "status=FOO: 400, Bol's enum reason" \
	"$(get10 '/retailer/orders?status=FOO' | py 'd["title"], d["detail"], d["violations"][0]["reason"]')" \
	"('Error validating request. Consult the bol.com API documentation for more information.', 'Bad request', \"Request contains invalid value(s): 'FOO', allowed values: OPEN, SHIPPED, ALL.\")"
is "an unknown parameter: 400" "$(code -H "Accept: $v10" "$base/retailer/orders?since=2026-11-01")" 400
is "X-RateLimit headers on orders" \
	"$(heads -H "Accept: $v10" "$base/retailer/orders" | grep -ci '^x-ratelimit-\(limit: 500\|remaining\|reset\)')" 3
o=$(get10 /retailer/orders/A2K8290LP8)
is "order detail: name, country, e-mail, language" \
	"$(echo "$o" | py 'd["shipmentDetails"]["firstName"], d["shipmentDetails"]["surname"], d["shipmentDetails"]["countryCode"], d["billingDetails"]["email"].endswith("@verkopen.bol.com"), d["shipmentDetails"]["language"]')" \
	"('Zoë', 'Müller', 'NL', True, 'nl')"
is "order detail: an item" \
	"$(echo "$o" | py '[(i["offer"]["reference"], i["product"]["ean"], i["product"]["title"], i["quantity"], i["quantityShipped"], i["quantityCancelled"], i["unitPrice"], i["totalPrice"], i["fulfilment"]["method"]) for i in d["orderItems"]]')" \
	"[('TS-RED-M', '8710000050012', 'T-shirt rood M', 2, 0, 0, 14.95, 29.9, 'FBR')]"
is "non-ASCII as UTF-8, not escaped" "$(echo "$o" | grep -c '"Zoë"')" 2
is "a line without SKU: no offer.reference" \
	"$(get10 /retailer/orders/A2K8290M11 | py '[("reference" in i["offer"], i["product"]["title"]) for i in d["orderItems"]]')" \
	"[(True, 'Mok blauw'), (False, 'Poster A2 Amsterdam')]"
is "company billing details" \
	"$(get10 /retailer/orders/A2K8290M11 | py 'd["billingDetails"]["company"], d["billingDetails"]["orderReference"]')" \
	"('Coöperatie De Eendracht U.A.', 'PO-2026-118')"
is "multi-shipment order: quantityShipped 2 of 2" \
	"$(get10 /retailer/orders/1043946572 | py '[(i["orderItemId"], i["quantityShipped"]) for i in d["orderItems"]]')" \
	"[('6107771041', 2), ('6107771042', 1)]"
is "pick-up point order, BE address in fr-BE" \
	"$(get10 /retailer/orders/1043946576 | py 'd["pickupPoint"], d["shipmentDetails"]["pickupPointName"]') $(get10 /retailer/orders/1043946574 | py 'd["shipmentDetails"]["city"], d["shipmentDetails"]["language"]')" \
	"(True, 'Albert Heijn: UTRECHT') ('Liège', 'fr-BE')"
is "unknown order: 404 Problem" \
	"$(get10 /retailer/orders/999 | py 'd["status"], d["title"], d["instance"].endswith("/retailer/orders/999")')" \
	"(404, 'Not Found', True)"
is "unknown path: 404; wrong method: 405 with Allow" \
	"$(code -H "Accept: $v10" "$base/retailer/returns") $(curl -s -D - -o /dev/null -X DELETE -H "Authorization: Bearer $tok" -H "Accept: $v10" "$base/retailer/orders" | tr -d '\r' | sed -n '1s/^HTTP[^ ]* \([0-9]*\).*/\1/p;s/^Allow: //p' | tr '\n' ' ')" \
	"404 405 GET "

# ------------------------------------------------------------ shipments
sids='[s["shipmentId"] for s in d.get("shipments", [])]'
is "shipments: FBR by default, newest first" "$(get10 /retailer/shipments | py "$sids")" \
	"['541757602', '541757605', '541757604', '541757601', '541757603', '541757607']"
is "shipments: FBB" "$(get10 '/retailer/shipments?fulfilment-method=FBB' | py "$sids")" "['541757606']"
is "shipments of an order: two" "$(get10 '/retailer/shipments?order-id=1043946572' | py "$sids")" \
	"['541757604', '541757603']"
is "order-id with fulfilment-method: 400" \
	"$(code -H "Accept: $v10" "$base/retailer/shipments?order-id=1043946572&fulfilment-method=FBR")" 400
is "the list's transport has only transportId" \
	"$(get10 '/retailer/shipments?order-id=1043946572' | py 'd["shipments"][0]["transport"], d["shipments"][0]["shipmentItems"]')" \
	"({'transportId': '312757604'}, [{'orderItemId': '6107771041', 'ean': '8710000050012'}, {'orderItemId': '6107771042', 'ean': '8718526012347'}])"
is "shipment detail: transporter, track & trace, per-item quantity shipped" \
	"$(get10 /retailer/shipments/541757604 | py 'd["transport"], [(i["orderItemId"], i["quantity"], i["quantityShipped"]) for i in d["shipmentItems"]], d["shipmentDateTime"]')" \
	"({'transportId': '312757604', 'transporterCode': 'DPD-NL', 'trackAndTrace': '05212345678901'}, [('6107771041', 2, 1), ('6107771042', 1, 1)], '2026-11-21T09:30:00+01:00')"
is "a shipment without track & trace" \
	"$(get10 /retailer/shipments/541757607 | py 'd["transport"]')" \
	"{'transportId': '312757607', 'transporterCode': 'GLS'}"
is "unknown shipment: 404" "$(code -H "Accept: $v10" "$base/retailer/shipments/1")" 404

# ------------------------------------------------------------ shipping
p=$(ship '{"orderItems":[{"orderItemId":"6107771032"}],"shipmentReference":"WMS-6001","transport":{"transporterCode":"TNT","trackAndTrace":"3SBOL0000000001"}}')
is "POST /retailer/shipments: 202 ProcessStatus PENDING" \
	"$(echo "$p" | py 'd["eventType"], d["status"], d["entityId"], d["description"], d["links"][0]["rel"], d["links"][0]["method"]')" \
	"('CREATE_SHIPMENT', 'PENDING', '6107771032', 'Create shipment.', 'self', 'GET')"
is "the 202 status" "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok" -H "Accept: $v10" -H "Content-Type: $v10" -d '{"orderItems":[{"orderItemId":"6107771001","quantity":1}],"transport":{"transporterCode":"DHL","trackAndTrace":"JVGL1"}}' "$base/retailer/shipments")" 202
ps1=$(ps_of "$p")
is "the self link is this sandbox's" \
	"$(echo "$p" | py 'd["links"][0]["href"]')" "$base/shared/process-status/$ps1"
is "then SUCCESS" "$(status_of "$ps1")" "('SUCCESS', None)"
is "the item is shipped, the order is handled" \
	"$(get10 '/retailer/orders?status=ALL' | py '[(i["orderItemId"], i["fulfilmentStatus"], i["quantityShipped"]) for o in d["orders"] if o["orderId"] == "1043946571" for i in o["orderItems"]]')" \
	"[('6107771031', 'OPEN', 1), ('6107771032', 'HANDLED', 1)]"
is "the new shipment is listed for the order, with its transport" \
	"$(get10 '/retailer/shipments?order-id=1043946571' | py 'len(d["shipments"]), d["shipments"][0]["shipmentReference"]') $(get10 "/retailer/shipments/$(get10 '/retailer/shipments?order-id=1043946571' | py 'd["shipments"][0]["shipmentId"]')" | py 'd["transport"]["transporterCode"], d["transport"]["trackAndTrace"]')" \
	"(2, 'WMS-6001') ('TNT', '3SBOL0000000001')"
is "write counted once per shipment" "$(writes)" \
	'{"order 1043946571 shipment": 1, "order A2K8290LP8 shipment": 1}'
fail() {
	ps=$(ps_of "$(ship "$1")")
	status_of "$ps"
}
is "shipping it again: FAILURE, already shipped" \
	"$(fail '{"orderItems":[{"orderItemId":"6107771032"}],"transport":{"transporterCode":"TNT"}}')" \
	"('FAILURE', 'Order item 6107771032 has already been shipped.')"
is "a cancelled item: FAILURE" \
	"$(fail '{"orderItems":[{"orderItemId":"6107771051"}],"transport":{"transporterCode":"TNT"}}')" \
	"('FAILURE', 'Order item 6107771051 has been cancelled.')"
is "an FBB item: FAILURE" \
	"$(fail '{"orderItems":[{"orderItemId":"6107771081"}],"transport":{"transporterCode":"TNT"}}')" \
	"('FAILURE', 'Order item 6107771081 is fulfilled by bol (FBB).')"
is "an unknown item: FAILURE" \
	"$(fail '{"orderItems":[{"orderItemId":"1"}],"transport":{"transporterCode":"TNT"}}')" \
	"('FAILURE', 'Order item 1 not found.')"
is "more than is left: FAILURE, nothing shipped" \
	"$(fail '{"orderItems":[{"orderItemId":"6107771031","quantity":3}],"transport":{"transporterCode":"TNT"}}')" \
	"('FAILURE', 'Quantity 3 of order item 6107771031 exceeds the open quantity 2.')"
is "items of two orders: FAILURE" \
	"$(fail '{"orderItems":[{"orderItemId":"6107771091"},{"orderItemId":"6107771071"}],"transport":{"transporterCode":"TNT"}}')" \
	"('FAILURE', 'Order items 6107771091 and 6107771071 belong to different orders.')"
is "failures write nothing" "$(writes)" \
	'{"order 1043946571 shipment": 1, "order A2K8290LP8 shipment": 1}'
p=$(ship '{"orderItems":[{"orderItemId":"6107771031","quantity":1}],"transport":{"transporterCode":"DPD-NL","trackAndTrace":"05200000000002"}}')
is "a partial shipment: 2 of 3 shipped, still open" \
	"$(status_of "$(ps_of "$p")") $(get10 /retailer/orders | py '[(i["fulfilmentStatus"], i["quantityShipped"]) for o in d["orders"] if o["orderId"] == "1043946571" for i in o["orderItems"]]')" \
	"('SUCCESS', None) [('OPEN', 2)]"
v() {
	ship "$1" | py 'd["status"], [x["name"] for x in d["violations"]]'
}
is "unknown transporterCode: 400" \
	"$(v '{"orderItems":[{"orderItemId":"6107771091"}],"transport":{"transporterCode":"POSTNL"}}')" \
	"(400, ['transport.transporterCode'])"
is "its reason lists Bol's codes" \
	"$(ship '{"orderItems":[{"orderItemId":"6107771091"}],"transport":{"transporterCode":"POSTNL"}}' | py 'd["violations"][0]["reason"][:78]')" \
	"Request contains invalid value(s): 'POSTNL', allowed values: AMPERE, BPOST_BE,"
is "no transport: 400" "$(v '{"orderItems":[{"orderItemId":"6107771091"}]}')" "(400, ['transport'])"
is "no order items: 400" "$(v '{"orderItems":[],"transport":{"transporterCode":"TNT"}}')" "(400, ['orderItems'])"
is "101 order items: 400" \
	"$(v "$(python3 -c 'import json; print(json.dumps({"orderItems": [{"orderItemId": str(i)} for i in range(101)], "transport": {"transporterCode": "TNT"}}))')")" \
	"(400, ['orderItems'])"
is "quantity 0, an empty reference, a label: 400 each" \
	"$(v '{"orderItems":[{"orderItemId":"6107771091","quantity":0}],"shipmentReference":"","shippingLabelId":"x","transport":{"transporterCode":"TNT"}}')" \
	"(400, ['orderItems[0].quantity', 'shipmentReference', 'shippingLabelId'])"
is "an item twice: 400" \
	"$(v '{"orderItems":[{"orderItemId":"6107771091"},{"orderItemId":"6107771091"}],"transport":{"transporterCode":"TNT"}}')" \
	"(400, ['orderItems[1].orderItemId'])"
is "an unknown member: 400" \
	"$(v '{"orderItems":[{"orderItemId":"6107771091"}],"transport":{"transporterCode":"TNT"},"notify":true}')" "(400, ['notify'])"
is "a body that is not JSON: 400" \
	"$(ship 'orderItems=1' | py 'd["status"]')" 400

# ------------------------------------------------------------ process status
ps=$(get10 '/shared/process-status?entity-id=6107771032&event-type=CREATE_SHIPMENT' | py '[(p["status"], p.get("errorMessage", "")[:39]) for p in d["processStatuses"]]')
is "by entity-id and event-type, newest first" "$ps" \
	"[('FAILURE', 'Order item 6107771032 has already been '), ('SUCCESS', '')]"
is "event-type missing: 400; unknown: 400" \
	"$(code -H "Accept: $v10" "$base/shared/process-status?entity-id=1") $(code -H "Accept: $v10" "$base/shared/process-status?entity-id=1&event-type=SHIP")" "400 400"
bulk=$(printf '{"processStatusQueries":[{"processStatusId":"%s"},{"processStatusId":"nope"}]}' "$ps1")
is "bulk: known ids answered, unknown left out" \
	"$(send POST "$v10" /shared/process-status "$bulk" | py '[(p["processStatusId"] == "'"$ps1"'", p["status"]) for p in d["processStatuses"]]')" \
	"[(True, 'SUCCESS')]"
is "bulk: 1001 ids: 400; none: 400" \
	"$(send POST "$v10" /shared/process-status "$(python3 -c 'import json; print(json.dumps({"processStatusQueries": [{"processStatusId": str(i)} for i in range(1001)]}))')" | py 'd["status"]') $(send POST "$v10" /shared/process-status '{"processStatusQueries":[]}' | py 'd["status"]')" "400 400"
is "bulk: 1000 ids: 200" \
	"$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok" -H "Accept: $v10" -H "Content-Type: $v10" --data-binary "$(python3 -c 'import json; print(json.dumps({"processStatusQueries": [{"processStatusId": str(i)} for i in range(1000)]}))')" "$base/shared/process-status")" 200
is "unknown process status: 404" "$(code -H "Accept: $v10" "$base/shared/process-status/nope")" 404

# ------------------------------------------------------------ offers
all=$(get11 /retailer/offers)
is "offers: 10, one page of 25, no nextCursor" \
	"$(echo "$all" | py 'len(d["offers"]), d["page"]')" "(10, {'pageSize': 25})"
is "offer fields: offerId, ean, reference, stock" \
	"$(echo "$all" | py 'd["offers"][0]["offerId"], d["offers"][0]["ean"], d["offers"][0]["reference"], d["offers"][0]["stock"]')" \
	"('$ts', '8710000050012', 'TS-RED-M', {'amount': 12, 'managedByRetailer': False, 'correctedStock': 9})"
is "the catalog: on hold, FBB, no reference, leading zero, unknown product" \
	"$(echo "$all" | py '[(o.get("reference"), o["onHoldByRetailer"], o["fulfilment"]["method"], o["ean"][0], "unknownProductTitle" in o) for o in d["offers"] if o["onHoldByRetailer"] or o["fulfilment"]["method"] == "FBB" or "reference" not in o or "unknownProductTitle" in o]')" \
	"[('MUG-WHT', True, 'FBR', '8', False), ('HD-BLK-M', False, 'FBB', '8', False), (None, False, 'FBR', '0', False), ('BAG-TOTE', False, 'FBR', '8', True)]"
walk() {
	cur=
	out=
	while :; do
		pg=$(get11 "/retailer/offers?page-size=$1${cur:+&cursor=$cur}")
		out="$out $(echo "$pg" | py 'len(d["offers"])')"
		cur=$(echo "$pg" | py 'd["page"].get("nextCursor", "")')
		[ -n "$cur" ] || break
	done
	echo "$out"
}
is "page-size=4 by cursor: 4, 4, 2" "$(walk 4)" " 4 4 2"
is "page-size 101 and 0: 400" \
	"$(code -H "Accept: $v11" "$base/retailer/offers?page-size=101") $(code -H "Accept: $v11" "$base/retailer/offers?page-size=0")" "400 400"
is "a cursor the sandbox did not make: 400" \
	"$(get11 '/retailer/offers?cursor=eyJpIjogMn0AAAAAAAAAAA' | py 'd["violations"][0]["name"]')" cursor
is "reference=TS-RED-M" "$(get11 '/retailer/offers?reference=TS-RED-M' | py '[o["offerId"] for o in d["offers"]]')" "['$ts']"
is "eans, comma-separated and repeated" \
	"$(get11 '/retailer/offers?eans=8718526012347,0123456789012' | py 'len(d["offers"])') $(get11 '/retailer/offers?eans=8718526012347&eans=0123456789012' | py 'len(d["offers"])')" "2 2"
is "offer-ids" "$(get11 "/retailer/offers?offer-ids=$ts" | py 'len(d["offers"])')" 1
is "offer-ids not a UUID: 400" "$(code -H "Accept: $v11" "$base/retailer/offers?offer-ids=42")" 400
is "for-sale=false" "$(get11 '/retailer/offers?for-sale=false' | py '[o["reference"] for o in d["offers"]]')" "['MUG-WHT']"
is "last-modified-date-time (UTC)" \
	"$(get11 '/retailer/offers?last-modified-date-time=2026-11-25T00:00:00Z' | py '[o["reference"] for o in d["offers"]]')" \
	"['TS-RED-L', '8718526012347']"
is "last-modified-date-time without a zone: 400" \
	"$(code -H "Accept: $v11" "$base/retailer/offers?last-modified-date-time=2026-11-25T00:00:00")" 400
is "an offer id not a UUID: 400; unknown: 404" \
	"$(code -H "Accept: $v11" "$base/retailer/offers/42") $(code -H "Accept: $v11" "$base/retailer/offers/6ff736b5-cdd0-4150-8c67-000000000000")" "400 404"

# ------------------------------------------------------------ stock writes
r=$(curl -s -D "$tmp/ph" -w '%{http_code}' -H "Authorization: Bearer $tok" -H "Accept: $v11" -H "Content-Type: $v11" -X PATCH --data-binary '{"stock":{"amount":7,"managedByRetailer":true}}' "$base/retailer/offers/$ts")
is "PATCH stock (v11): 204, no body" "$r" 204
is "PATCH carries the offers_write bucket's headers" "$(tr -d '\r' <"$tmp/ph" | hdr X-RateLimit-Limit)" 50
is "the stock is set at once" \
	"$(get11 "/retailer/offers/$ts" | py 'd["stock"], d["lastModifiedDateTime"][:10]')" \
	"({'amount': 7, 'managedByRetailer': True, 'correctedStock': 7}, '2026-11-27')"
is "one write for TS-RED-M" "$(writes | py 'd["TS-RED-M"]')" 1
pv() {
	send PATCH "$v11" "/retailer/offers/$ts" "$1" | py 'd["status"], [x["name"] for x in d["violations"]]'
}
is "amount 1000: 400" "$(pv '{"stock":{"amount":1000}}')" "(400, ['stock.amount'])"
is "amount -1, a string: 400" "$(pv '{"stock":{"amount":-1}}') $(pv '{"stock":{"amount":"5"}}')" \
	"(400, ['stock.amount']) (400, ['stock.amount'])"
is "managedByRetailer not a boolean: 400" "$(pv '{"stock":{"managedByRetailer":"yes"}}')" \
	"(400, ['stock.managedByRetailer'])"
is "no stock, an empty stock: 400" "$(pv '{}') $(pv '{"stock":{}}')" "(400, ['stock']) (400, ['stock'])"
is "other members (price): 400" "$(pv '{"pricing":{"bundlePrices":[]},"stock":{"amount":1}}')" "(400, ['pricing'])"
is "PATCH an unknown offer: 404" \
	"$(send PATCH "$v11" /retailer/offers/6ff736b5-cdd0-4150-8c67-000000000000 '{"stock":{"amount":1}}' | py 'd["status"]')" 404
is "PATCH with the v10 type: 406" \
	"$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok" -H "Accept: $v10" -H "Content-Type: $v10" -X PATCH -d '{"stock":{"amount":1}}' "$base/retailer/offers/$ts")" 406
is "refused writes count nothing" "$(writes | py 'd["TS-RED-M"]')" 1
p=$(send PUT "$v10" "/retailer/offers/$ts/stock" '{"amount":3,"managedByRetailer":false}')
is "PUT stock (v10): 202 UPDATE_OFFER_STOCK" \
	"$(echo "$p" | py 'd["eventType"], d["status"], d["entityId"], d["description"]')" \
	"('UPDATE_OFFER_STOCK', 'PENDING', '$ts', 'Update stock for offer with id $ts.')"
is "applied on SUCCESS, correctedStock less the open orders" \
	"$(status_of "$(ps_of "$p")") $(get11 "/retailer/offers/$ts" | py 'd["stock"]')" \
	"('SUCCESS', None) {'amount': 3, 'managedByRetailer': False, 'correctedStock': 1}"
is "a second write for TS-RED-M" "$(writes | py 'd["TS-RED-M"]')" 2
is "PUT without managedByRetailer: 400" \
	"$(send PUT "$v10" "/retailer/offers/$ts/stock" '{"amount":3}' | py 'd["status"], [x["name"] for x in d["violations"]]')" \
	"(400, ['managedByRetailer'])"
is "PUT amount 1000: 400" \
	"$(send PUT "$v10" "/retailer/offers/$ts/stock" '{"amount":1000,"managedByRetailer":true}' | py 'd["violations"][0]["reason"]')" \
	"must be less than or equal to 999"
is "PUT an unknown offer: 404" \
	"$(send PUT "$v10" /retailer/offers/nope/stock '{"amount":1,"managedByRetailer":true}' | py 'd["status"]')" 404
noref=6ff736b5-cdd0-4150-8c67-78269ee98606
send PATCH "$v11" "/retailer/offers/$noref" '{"stock":{"amount":2}}'
is "an offer without reference counts by its id" "$(writes | py 'd["offer '"$noref"'"]')" 1
fault '[{"path":"/retailer/offers","kind":"change","change":{"timeout":1}}]'
p=$(send PUT "$v10" "/retailer/offers/$ts/stock" '{"amount":50,"managedByRetailer":false}')
is "a process that times out: TIMEOUT, not applied" \
	"$(status_of "$(ps_of "$p")") $(get11 "/retailer/offers/$ts" | py 'd["stock"]["amount"]') $(writes | py 'd["TS-RED-M"]')" \
	"('TIMEOUT', None) 3 2"
is "a change the platform does not know: 400" \
	"$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary '[{"path":"/retailer","kind":"change","change":{"sku":"x"}}]' "$base/_sandbox/faults")" 400

# ------------------------------------------------------------ faults, state, reset
fault '[{"path":"/retailer/orders","kind":"500"}]'
is "fault 500: nginx's text/html Internal Server Error" \
	"$(curl -s -w ' %{http_code} %{content_type}' -H "Authorization: Bearer $tok" -H "Accept: $v10" "$base/retailer/orders")" \
	"Internal Server Error 500 text/html; charset=UTF-8"
fault '[{"path":"/retailer/orders","kind":"429"}]'
is "fault 429: Bol's 429 with Retry-After" \
	"$(curl -s -D "$tmp/h429" -H "Authorization: Bearer $tok" -H "Accept: $v10" "$base/retailer/orders" | py 'd') $(tr -d '\r' <"$tmp/h429" | hdr Retry-After)" \
	"{'title': 'Too Many Requests', 'status': 429, 'detail': 'Too many requests, retry in 1 seconds.'} 1"
is "state: token requests, offers, orders, shipments, process statuses" \
	"$(curl -s "$base/_sandbox/state" | py 'd["tokenRequests"] >= 5, d["tokensGranted"] >= 3, len(d["offers"]), len(d["orders"]), len(d["shipments"]), len(d["processStatuses"])')" \
	"(True, True, 10, 11, 10, 11)"
curl -s -X POST "$base/_sandbox/reset"
is "reset: writes cleared, stock and shipments back" \
	"$(writes) $(get11 "/retailer/offers/$ts" | py 'd["stock"]["amount"]') $(get10 '/retailer/shipments?order-id=1043946571' | py 'len(d["shipments"])')" \
	"{} 12 1"
is "reset keeps tokens (login.bol.com is another service)" "$(code -H "Accept: $v10" "$base/retailer/orders")" 200

# ------------------------------------------------------------ pending
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_slow
tok=$(token)
p=$(ship '{"orderItems":[{"orderItemId":"6107771032"}],"transport":{"transporterCode":"TNT"}}')
is "a pending shipment: PENDING, not shipped yet" \
	"$(status_of "$(ps_of "$p")") $(get10 /retailer/orders/1043946571 | py '[i["quantityShipped"] for i in d["orderItems"]]')" \
	"('PENDING', None) [1, 0]"
p=$(send PUT "$v10" "/retailer/offers/$ts/stock" '{"amount":3,"managedByRetailer":false}')
is "a pending stock write: PENDING, not applied, not counted" \
	"$(status_of "$(ps_of "$p")") $(get11 "/retailer/offers/$ts" | py 'd["stock"]["amount"]') $(writes)" \
	"('PENDING', None) 12 {}"

# ------------------------------------------------------------ rate limits, token limit, expiry
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_exp
tok=$(token)
sleep 1.1
is "an expired token (expires_in 0, 1 s of clock skew): 401 Expired JWT" \
	"$(get10 /retailer/orders | py 'd["title"], d["status"], d["detail"][:15], "Allowed clock skew: 1000 milliseconds." in d["detail"], sorted(d)')" \
	"('Expired JWT', 401, 'JWT expired at ', True, ['detail', 'status', 'title'])"
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_rate
is "expires_in 299 by default" \
	"$(curl -s -u "$cid:$cs" -X POST "$base/token?grant_type=client_credentials" | py 'd["expires_in"]')" 299
tok=$(token)
h1=$(heads -H "Accept: $v10" "$base/retailer/orders")
h2=$(heads -H "Accept: $v10" "$base/retailer/orders")
is "bucket orders_list 2/600: Limit 2, Remaining 1 then 0" \
	"$(echo "$h1" | hdr X-RateLimit-Limit) $(echo "$h1" | hdr X-RateLimit-Remaining) $(echo "$h2" | hdr X-RateLimit-Remaining)" "2 1 0"
is "X-RateLimit-Reset: whole seconds within the window" \
	"$(echo "$h1" | hdr X-RateLimit-Reset | py 'type(d) is int and 1 <= d <= 600')" True
r=$(curl -s -D "$tmp/rh" -H "Authorization: Bearer $tok" -H "Accept: $v10" "$base/retailer/orders")
ra=$(tr -d '\r' <"$tmp/rh" | hdr Retry-After)
is "the third: 429 with Retry-After and Bol's body" \
	"$(head -1 "$tmp/rh" | cut -d' ' -f2) $(echo "$r" | py 'd["title"], d["detail"]')" \
	"429 ('Too Many Requests', 'Too many requests, retry in $ra seconds.')"
is "429 shows the bucket: Limit 2, Remaining 0" \
	"$(tr -d '\r' <"$tmp/rh" | hdr X-RateLimit-Limit) $(tr -d '\r' <"$tmp/rh" | hdr X-RateLimit-Remaining)" "2 0"
is "another bucket is not touched" "$(code -H "Accept: $v10" "$base/retailer/orders/A2K8290LP8")" 200
for i in 1 2 3; do
	code -X PUT -H "Accept: $v10" -H "Content-Type: $v10" -d "{\"amount\":$i,\"managedByRetailer\":false}" "$base/retailer/offers/$ts/stock" >>"$tmp/puts"
	echo >>"$tmp/puts"
done
is "offers_write 2/600: the third write is refused" "$(tr '\n' ' ' <"$tmp/puts")" "202 202 429 "
is "and not carried out: two writes" "$(writes)" '{"TS-RED-M": 2}'
p=$(curl -s -H "Authorization: Bearer $tok" -H "Accept: $v10" -H "Content-Type: $v10" -X POST -d '{"orderItems":[{"orderItemId":"6107771091"}],"transport":{"transporterCode":"TNT"}}' "$base/retailer/shipments")
ps2=$(ps_of "$p")
is "process_delay=0: SUCCESS at the first look" "$(status_of "$ps2")" "('SUCCESS', None)"
sleep 0.6
is "process_ttl: gone afterwards (404)" "$(code -H "Accept: $v10" "$base/shared/process-status/$ps2")" 404
for i in 1 2; do token >/dev/null; done
is "token_limit 4/600: the fifth token request gets 404 (a blocked IP)" \
	"$(curl -s -o /dev/null -w '%{http_code}' -u "$cid:$cs" -X POST "$base/token?grant_type=client_credentials")" 404
is "token requests counted" "$(curl -s "$base/_sandbox/state" | py 'd["tokenRequests"], d["tokensGranted"]')" "(5, 4)"

# ------------------------------------------------------------ --generate
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_gen
tok=$(token)
is "generated: 300 offers by cursor, 100 a page" "$(walk 100)" " 100 100 100"
is "every 17th on hold, every 23rd FBB, every 31st without reference" \
	"$(get11 '/retailer/offers?page-size=100' | py 'sum(o["onHoldByRetailer"] for o in d["offers"]), sum(o["fulfilment"]["method"] == "FBB" for o in d["offers"]), sum("reference" not in o for o in d["offers"])')" \
	"(5, 4, 3)"
is "generated: 120 orders over 3 pages" \
	"$(for pg in 1 2 3 4; do get10 "/retailer/orders?status=ALL&fulfilment-method=ALL&page=$pg" | py 'len(d.get("orders", []))'; done | tr '\n' ' ')" \
	"50 50 20 0 "
is "generated shipments carry track & trace" \
	"$(get10 "/retailer/shipments/$(get10 /retailer/shipments | py 'd["shipments"][0]["shipmentId"]')" | py 'd["transport"]["trackAndTrace"][:5]')" 3SBOL

# ------------------------------------------------------------ refusals at start
mkdir "$tmp/bad"
python3 -c 'import json, sys; o = json.load(open(sys.argv[1])); o.append(dict(o[0])); json.dump(o, open(sys.argv[2], "w"))' \
	"$seed/offers.json" "$tmp/bad/offers.json"
python3 "$here/sandbox.py" --platform bol --data "$tmp/bad" --port 0 2>"$tmp/bad.err"
is "a duplicate offerId: exit 2, named" "$? $(cut -c1-40 "$tmp/bad.err")" \
	"2 sandbox: offers.json: offer '6ff736b5-cd"
python3 "$here/sandbox.py" --platform bol --set rate_orders_list=many --port 0 2>/dev/null
is "a bad rate setting: exit 2" "$?" 2
python3 "$here/sandbox.py" --platform bol --generate customers=3 --port 0 2>/dev/null
is "--generate customers: exit 2" "$?" 2

# shellcheck disable=SC2154
kill "$pid_seed"
wait "$pid_seed"
is "SIGTERM: exits 0" "$?" 0

echo "1..$n"
[ "$failed" -eq 0 ]
