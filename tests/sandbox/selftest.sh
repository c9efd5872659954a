#!/bin/sh
# selftest.sh: the sandbox's own tests.  Starts tests/sandbox/sandbox.py
# (Picqer) several times on free ports, checks it with curl, stops it, and
# prints TAP ("ok N - ...", "not ok N - ...", then "1..N").  Exits 1 when a
# check fails, 2 when the sandbox cannot be started at all.
set -u

here=$(cd "$(dirname "$0")" && pwd)
seed=$here/data/picqer
key=sandbox-key
platform=picqer
# shellcheck source=tests/sandbox/selftest-lib.sh
. "$here/selftest-lib.sh"

# Requests.  base is the sandbox's URL; get PATH [curl options...] prints
# the body; code PATH [curl options...] prints the status.
get() {
	p=$1
	shift
	curl -sS -u "$key:x" -A "shopswitch-selftest (dev@example.org)" "$@" "$base$p"
}
code() {
	p=$1
	shift
	curl -s -o /dev/null -w '%{http_code}' -u "$key:x" \
		-A "shopswitch-selftest (dev@example.org)" "$@" "$base$p"
}
# headers PATH [curl options...]: the response headers, CR removed.
headers() {
	p=$1
	shift
	curl -s -D - -o /dev/null -u "$key:x" \
		-A "shopswitch-selftest (dev@example.org)" "$@" "$base$p" | tr -d '\r'
}

start --own seed --data "$seed"
start --own gen --generate orders=250,products=120,warehouses=2
# A window long enough that a loaded machine still sends its requests
# in it; another of a second, to see one end.
start rate --data "$seed" --rate-limit 5 --rate-window 60
start window --data "$seed" --rate-limit 1 --rate-window 1
start gen2 --generate orders=250,products=120,warehouses=2 --seed 1

# ------------------------------------------------------------ auth, UA
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_seed
is "no credentials: 401" "$(curl -s -o /dev/null -w '%{http_code}' -A ua "$base/api/v1/orders")" 401
is "401 carries Picqer's error body" \
	"$(curl -s -A ua "$base/api/v1/orders" | py '(d["error"], type(d["error_code"]).__name__, bool(d["error_message"]))')" \
	"(True, 'int', True)"
is "wrong API key: 401" "$(curl -s -o /dev/null -w '%{http_code}' -u nope:x -A ua "$base/api/v1/orders")" 401
is "not Basic auth: 401" "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" -A ua "$base/api/v1/orders")" 401
is "API key as user name, any password: 200" "$(curl -s -o /dev/null -w '%{http_code}' -u "$key:whatever" -A ua "$base/api/v1/orders")" 200
is "API key with an empty password: 200" "$(curl -s -o /dev/null -w '%{http_code}' -u "$key:" -A ua "$base/api/v1/orders")" 200
h=$(curl -s -D - -o /dev/null -A ua "$base/api/v1/orders" | tr -d '\r')
is "a 401 is not counted: no X-RateLimit headers" "$(echo "$h" | grep -ci '^x-ratelimit')" 0
is "no User-Agent: 400" "$(code /api/v1/orders -H 'User-Agent:')" 400
is "empty User-Agent: 400" "$(code /api/v1/orders -H 'User-Agent;')" 400
is "no User-Agent: error body says so" \
	"$(get /api/v1/orders -H 'User-Agent:' | py '"User-Agent" in d["error_message"]')" True

# ------------------------------------------------------------ paging
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_gen
pages=
for off in 0 100 200 300; do
	get "/api/v1/orders?offset=$off" >"$tmp/page$off"
	pages="$pages $(py 'len(d)' <"$tmp/page$off")"
done
is "250 generated orders page as 100, 100, 50, then []" "$pages" " 100 100 50 0"
is "past the end is exactly []" "$(cat "$tmp/page300")" "[]"
is "pages are bare arrays, ids ascending and unique across pages" \
	"$(cat "$tmp/page0" "$tmp/page100" "$tmp/page200" | python3 -c '
import json, sys
ids = []
dec = json.JSONDecoder()
s = sys.stdin.read()
i = 0
while i < len(s):
    d, i = dec.raw_decode(s, i)
    ids += [o["idorder"] for o in d]
print(len(ids), ids == sorted(set(ids)))')" "250 True"
is "offset counts rows, not pages (offset=150 starts at the 151st)" \
	"$(get '/api/v1/orders?offset=150' | py 'd[0]["idorder"]')" \
	"$(py 'd[50]["idorder"]' <"$tmp/page100")"
is "generated data has every status" \
	"$(cat "$tmp/page0" | py 'sorted({o["status"] for o in d})')" \
	"['cancelled', 'completed', 'concept', 'expected', 'paused', 'processing']"
is "120 generated products: active ones by default, inactive with inactive=true" \
	"$(($(get '/api/v1/products' | py 'len(d)') + $(get '/api/v1/products?offset=100' | py 'len(d)') + $(get '/api/v1/products?inactive=true' | py 'len(d)')))" 120
is "generated stock: every tracked product lists both warehouses" \
	"$(get '/api/v1/products' | py 'sorted({len(p["stock"]) for p in d})')" "[0, 2]"

# ------------------------------------------------------------ filters
base=http://127.0.0.1:$port_seed
ids() {
	get "$1" | py '" ".join(str(o["idorder"]) for o in d)'
}
is "status=processing" "$(ids '/api/v1/orders?status=processing')" "5008 5011"
counts=
for s in concept expected paused completed cancelled; do
	counts="$counts $(get "/api/v1/orders?status=$s" | py 'len(d)')"
done
is "every status has orders in the seed (concept expected paused completed cancelled)" \
	"$counts" " 2 1 1 4 2"
is "sincedate is inclusive, compared with created" \
	"$(ids '/api/v1/orders?sincedate=2025-11-03%2009:41:55')" "5014 5016 5017 5019"
is "untildate is inclusive; '+' decodes as a space" \
	"$(ids '/api/v1/orders?untildate=2025-02-17+08:15:40')" "5001 5003 5004"
is "sincedate and untildate together" \
	"$(ids '/api/v1/orders?sincedate=2025-10-25%2000:00:00&untildate=2025-10-26%2023:59:59')" "5010 5011"
is "reference (exact)" "$(ids '/api/v1/orders?reference=10235')" 5008
is "reference with a '#' (percent-encoded)" "$(ids '/api/v1/orders?reference=%231001')" 5013
is "reference that matches nothing: []" "$(get '/api/v1/orders?reference=1023')" "[]"
is "filters combine with offset" "$(get '/api/v1/orders?status=completed&offset=3' | py '[o["idorder"] for o in d]')" "[5019]"
is "an unknown status: 400" "$(code '/api/v1/orders?status=open')" 400
is "a date without a time: 400" "$(code '/api/v1/orders?sincedate=2025-11-01')" 400
is "an impossible date: 400" "$(code '/api/v1/orders?untildate=2025-02-30%2000:00:00')" 400
is "an unknown parameter: 400" "$(code '/api/v1/orders?updated_after=2025-01-01%2000:00:00')" 400
is "a parameter given twice: 400" "$(code '/api/v1/orders?status=concept&status=paused')" 400
is "a negative offset: 400" "$(code '/api/v1/orders?offset=-1')" 400
is "filter errors carry Picqer's error body" \
	"$(get '/api/v1/orders?status=open' | py 'd["error"] is True and "status" in d["error_message"]')" True
pcodes() {
	get "$1" | py '" ".join(p["productcode"] for p in d)'
}
is "products: active ones by default" \
	"$(pcodes /api/v1/products)" "TS-RED-M TS-RED-L TS-RED-XL MUG-BLU MUG-WHT GIFT-25 8718526012347 BAG-TOTE PST-A2-AMS"
is "products?inactive=true: only inactive ones" "$(pcodes '/api/v1/products?inactive=true')" CAP-BLK
is "products?productcode= (exact)" "$(pcodes '/api/v1/products?productcode=TS-RED-L')" TS-RED-L
is "products?productcode= matching nothing: []" "$(get '/api/v1/products?productcode=ts-red-l')" "[]"
is "products?inactive=yes: 400" "$(code '/api/v1/products?inactive=yes')" 400
is "a product has stock[] per warehouse" \
	"$(get /api/v1/products/103 | py '[(s["idwarehouse"], s["stock"], s["reserved"], s["freestock"]) for s in d["stock"]]')" \
	"[(321, 8, 5, 3), (1034, 0, 0, 0)]"
is "an unlimited_stock product has no stock[]" "$(get /api/v1/products/107 | py 'd["stock"]')" "[]"
is "/products/{id}/stock matches the product's stock[]" \
	"$(get /api/v1/products/102/stock)" "$(get /api/v1/products/102 | py 'json.dumps(d["stock"], separators=(",", ":"))')"
is "/warehouses lists both" "$(get /api/v1/warehouses | py '[w["idwarehouse"] for w in d]')" "[321, 1034]"
is "/warehouses/{id}" "$(get /api/v1/warehouses/1034 | py 'd["name"]')" Utrechtseweg
is "/warehouses/321/stock: only products with stock or reservations" \
	"$(get /api/v1/warehouses/321/stock | py '" ".join(s["productcode"] for s in d)')" \
	"TS-RED-M TS-RED-L TS-RED-XL MUG-BLU CAP-BLK 8718526012347"
is "/warehouses/1034/stock" \
	"$(get /api/v1/warehouses/1034/stock | py '" ".join(s["productcode"] for s in d)')" \
	"TS-RED-L MUG-WHT 8718526012347 PST-A2-AMS"
is "warehouse stock matches the product's stock[] for that warehouse" \
	"$(get /api/v1/warehouses/321/stock | py '[s for s in d if s["idproduct"] == 103][0]["stock"]')" \
	"$(get /api/v1/products/103/stock | py 'd[0]')"
is "/webshoporders: 12, two connections, one never imported" \
	"$(get /api/v1/webshoporders | py '(len(d), sorted({w["idcompany_webshop"] for w in d}), [(w["foreign_number"], w["status"]) for w in d if w["idorder"] is None])')" \
	"(12, [1, 2], [('10238', 'error')])"
is "/webshoporders takes no filters: 400" "$(code '/api/v1/webshoporders?idcompany_webshop=1')" 400
is "JSON as PHP writes it: '/' escaped, non-ASCII as \\u, surrogate pairs" \
	"$(get /api/v1/orders/5010 | python3 -c 'import sys; t = sys.stdin.read(); print(all(x in t for x in (r"https:\/\/example.picqer.com", r"Belgi\u00eb", r"\ud83c\udf81")))')" True

# ------------------------------------------------------------ 404 / 405
is "absent order: 404" "$(code /api/v1/orders/1)" 404
is "absent order: error_code 20" "$(get /api/v1/orders/1 | py 'd["error_code"]')" 20
is "non-numeric id: 404" "$(code /api/v1/orders/abc)" 404
is "absent product: 404" "$(code /api/v1/products/999/stock)" 404
is "absent warehouse: 404" "$(code /api/v1/warehouses/999/stock)" 404
is "unknown path: 404 with an error body" \
	"$(get /api/v1/customerz | py 'd["error"]')" True
is "path outside /api/v1: 404" "$(code /api/v2/orders)" 404
is "wrong method: 405 with Allow" \
	"$(headers /api/v1/orders -X DELETE | grep -E '^(HTTP|Allow)' | tr '\n' '|')" \
	"HTTP/1.1 405 Method Not Allowed|Allow: GET|"

# ------------------------------------------------------------ picklists, shipments
is "orders list their picklists (idpicklist, status), [] when they have none" \
	"$(get /api/v1/orders | py '[(o["idorder"], [(p["idpicklist"], p["status"]) for p in o["picklists"]]) for o in d]')" \
	"[(5001, [(8101, 'closed')]), (5003, [(8102, 'closed'), (8104, 'closed')]), (5004, [(8105, 'cancelled')]), (5007, [(8107, 'closed')]), (5008, [(8108, 'new')]), (5010, [(8110, 'paused')]), (5011, [(8111, 'closed'), (8113, 'new')]), (5013, []), (5014, []), (5016, []), (5017, []), (5019, [(8116, 'closed')])]"
is "a picklist entry: the picklist object without products" \
	"$(get /api/v1/orders/5001 | py '" ".join(d["picklists"][0])')" \
	"idpicklist picklistid idcustomer idorder idreturn idwarehouse idtemplate idpicklist_batch idshippingprovider_profile deliveryname deliverycontact deliveryaddress deliveryaddress2 deliveryzipcode deliverycity deliveryregion deliverycountry telephone emailaddress reference assigned_to_iduser invoiced urgent preferred_delivery_date status paused_reason totalproducts totalpicked weight snoozed_until closed_by_iduser closed_at created updated idfulfilment_customer tags"
is "a picklist entry's values" \
	"$(get /api/v1/orders/5011 | py '[(p["picklistid"], p["idorder"], p["idwarehouse"], p["totalproducts"], p["totalpicked"], p["closed_at"] is None) for p in d["picklists"]]')" \
	"[('20250108', 5011, 321, 1, 1, False), ('20250109', 5011, 321, 1, 0, True)]"
is "shipments of a picklist: a bare array" \
	"$(get /api/v1/picklists/8101/shipments | py '[(s["idshipment"], s["idpicklist"], s["idorder"], s["carrier_key"], s["provider"], s["trackingcode"], s["tracktraceurl"], s["weight"], s["cancelled"]) for s in d]')" \
	"[(6201, 8101, 5001, 'postnl', 'PostNL', '3SSHSW482910375', 'https://jouw.postnl.nl/track-and-trace/3SSHSW482910375-NL-3511LK', 750, False)]"
is "a shipment has the fields of the docs" \
	"$(get /api/v1/picklists/8101/shipments | py '" ".join(d[0])')" \
	"idshipment idpicklist idorder idreturn idpackaging idshippingprovider idcompany_shippingprovider idcompany_shippingprovider_profile provider providername public_providername profile_name carrier_key labelurl labelurl_pdf labelurl_zpl trackingcode trackingurl tracktraceurl weight created_by_iduser cancelled idfulfilment_customer parcels created updated"
is "a shipment's parcel repeats its tracking and label" \
	"$(get /api/v1/picklists/8101/shipments | py '[(p["tracking_code"] == d[0]["trackingcode"], p["tracking_url"] == d[0]["tracktraceurl"], [(x["type"], x["format"], x["url"] == d[0]["labelurl_pdf"]) for x in p["documents"]]) for p in d[0]["parcels"]]')" \
	"[(True, True, [('label', 'pdf', True)])]"
is "order 5003: two picklists, shipped by DHL and by PostNL" \
	"$(for pl in 8102 8104; do get "/api/v1/picklists/$pl/shipments" | py '[(s["idpicklist"], s["carrier_key"], s["cancelled"]) for s in d]'; done | tr '\n' ' ')" \
	"[(8102, 'dhl', False)] [(8104, 'postnl', False)] "
is "a cancelled shipment is listed, before the valid one" \
	"$(get /api/v1/picklists/8107/shipments | py '[(s["idshipment"], s["carrier_key"], s["cancelled"], s["labelurl_zpl"] is None) for s in d]')" \
	"[(6205, 'dpd', True, True), (6206, 'dhl', False, False)]"
is "a closed picklist picked up at the counter (5019): no shipments, []" \
	"$(get /api/v1/picklists/8116/shipments)" "[]"
is "an open picklist (5008): []" "$(get /api/v1/picklists/8108/shipments)" "[]"
is "shipments JSON as PHP writes it: '/' escaped" \
	"$(get /api/v1/picklists/8101/shipments | grep -c 'https:\\/\\/jouw.postnl.nl\\/track-and-trace\\/')" 1
is "absent picklist: 404, error_code 20" \
	"$(get /api/v1/picklists/999/shipments -w ' %{http_code}' | sed 's/^{.*"error_code":\([0-9]*\),.*}/\1/')" "20 404"
is "non-numeric picklist id: 404" "$(code /api/v1/picklists/abc/shipments)" 404
is "shipments take no parameters, not even offset: 400" \
	"$(code '/api/v1/picklists/8101/shipments?offset=0') $(code '/api/v1/picklists/8101/shipments?carrier_key=postnl')" "400 400"
is "shipments: POST is not emulated, 405 with Allow" \
	"$(headers /api/v1/picklists/8101/shipments -X POST -d '{}' | grep -E '^(HTTP|Allow)' | tr '\n' '|')" \
	"HTTP/1.1 405 Method Not Allowed|Allow: GET|"
is "shipments: no credentials, 401; no User-Agent, 400" \
	"$(curl -s -o /dev/null -w '%{http_code}' -A ua "$base/api/v1/picklists/8101/shipments") $(code /api/v1/picklists/8101/shipments -H 'User-Agent:')" \
	"401 400"
is "shipments: counted against the rate limit" \
	"$(headers /api/v1/picklists/8101/shipments | grep -ci '^x-ratelimit-remaining: [0-9]')" 1
fault '[{"path":"/api/v1/picklists/8101/shipments","kind":"503"}]'
is "shipments: faults apply" "$(code /api/v1/picklists/8101/shipments) $(code /api/v1/picklists/8101/shipments)" "503 200"
curl -s -o /dev/null -X DELETE "$base/_sandbox/log"
get /api/v1/picklists/8101/shipments -o /dev/null
is "shipments: the request is logged" "$(curl -s "$base/_sandbox/log")" \
	'{"method":"GET","path":"/api/v1/picklists/8101/shipments","query":"","status":200,"auth":"ok","user_agent":"shopswitch-selftest (dev@example.org)","body":null,"fault":null}'

# Generated: every picklist of the 250 orders, and its shipments.
# shellcheck disable=SC2154
found=$(python3 - "$port_gen" "$key" <<'EOF'
import base64, json, re, sys, urllib.request
port, key = sys.argv[1], sys.argv[2]
headers = {"Authorization": "Basic " + base64.b64encode(
    (key + ":").encode()).decode(),
    "User-Agent": "shopswitch-selftest (dev@example.org)"}
def get(path):
    req = urllib.request.Request(
        "http://127.0.0.1:%s/api/v1%s" % (port, path), headers=headers)
    with urllib.request.urlopen(req) as f:
        return json.load(f)
orders, off = [], 0
while True:
    page = get("/orders?offset=%d" % off)
    orders += page
    off += 100
    if len(page) < 100:
        break
codes = {"postnl": r"3S[A-Z]{4}[0-9]{9}", "dhl": r"JVGL[0-9]{16}",
         "dpd": r"[0-9]{14}"}
kinds, carriers, bad = {}, set(), []
for o in orders:
    kinds.setdefault(o["status"], set()).add(
        tuple(p["status"] for p in o["picklists"]))
    for p in o["picklists"]:
        shipments = get("/picklists/%d/shipments" % p["idpicklist"])
        if len(shipments) != (p["status"] == "closed"):
            bad.append(p["idpicklist"])
        for s in shipments:
            carriers.add(s["carrier_key"])
            code = s["trackingcode"]
            if (s["idpicklist"], s["idorder"], s["cancelled"]) != \
                    (p["idpicklist"], o["idorder"], False) or \
                    not re.fullmatch(codes.get(s["carrier_key"], "-"), code) \
                    or not s["tracktraceurl"].startswith("https://") or \
                    code not in s["tracktraceurl"]:
                bad.append(s["idshipment"])
print(len(orders), bad, sorted(carriers))
print({k: sorted(kinds[k]) for k in sorted(kinds)})
EOF
)
is "generated: each closed picklist has one shipment, with a tracking code and URL of its carrier" \
	"$(echo "$found" | sed -n 1p)" "250 [] ['dhl', 'dpd', 'postnl']"
is "generated: picklists fit their order's status" \
	"$(echo "$found" | sed -n 2p)" \
	"{'cancelled': [(), ('cancelled',)], 'completed': [('closed',)], 'concept': [()], 'expected': [()], 'paused': [('paused',)], 'processing': [('new',)]}"
# shellcheck disable=SC2154
is "generated shipments and picklists are the same for the same --seed" \
	"$(curl -s "http://127.0.0.1:$port_gen/_sandbox/state" | py '(d["shipments"], [o["picklists"] for o in d["orders"]])' | cksum)" \
	"$(curl -s "http://127.0.0.1:$port_gen2/_sandbox/state" | py '(d["shipments"], [o["picklists"] for o in d["orders"]])' | cksum)"

# ------------------------------------------------------------ rate limit
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_rate
is "X-RateLimit-Limit and -Remaining on a counted response" \
	"$(headers /api/v1/warehouses | grep -i '^x-ratelimit' | tr '\n' '|')" \
	"X-RateLimit-Limit: 5|X-RateLimit-Remaining: 4|"
codes=
for i in 2 3 4 5 6 7; do
	codes="$codes $(code /api/v1/warehouses)"
done
is "the 6th request in the window gets 429, and the 7th" "$codes" " 200 200 200 200 429 429"
h=$(headers /api/v1/warehouses)
is "429 carries Limit and Remaining: 0" "$(echo "$h" | grep -i '^x-ratelimit' | tr '\n' '|')" \
	"X-RateLimit-Limit: 5|X-RateLimit-Remaining: 0|"
is "429 sends no Retry-After (Picqer documents none)" "$(echo "$h" | grep -ci '^retry-after')" 0
is "429 body: error_code 28" "$(get /api/v1/warehouses)" \
	'{"error":true,"error_code":28,"error_message":"Rate limit exceeded"}'
is "a POST in a 429 is ignored" \
	"$(code /api/v1/products/101/stock/321 -H 'Content-Type: application/json' -d '{"amount":1}') $(curl -s "$base/_sandbox/writes")" \
	"429 {}"
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_window
first=$(code /api/v1/warehouses)
sleep 1.1
is "a new window after --rate-window seconds" "$first $(code /api/v1/warehouses)" "200 200"

# ------------------------------------------------------------ faults
base=http://127.0.0.1:$port_seed
fault '[{"path":"/api/v1/orders","kind":"429"}]'
h=$(headers /api/v1/orders)
is "fault 429: Picqer's 429 with its headers" \
	"$(echo "$h" | grep -E '^(HTTP|X-RateLimit)' | tr '\n' '|')" \
	"HTTP/1.1 429 Too Many Requests|X-RateLimit-Limit: 500|X-RateLimit-Remaining: 0|"
is "a fault is spent after times=1" "$(code /api/v1/orders)" 200
fault '[{"path":"/api/v1/orders","kind":"500"}]'
is "fault 500: 500 with Picqer's error body" "$(get /api/v1/orders)" \
	'{"error":true,"error_code":1,"error_message":"Unknown application error"}'
fault '[{"path":"/api/v1/orders","kind":"502"},{"path":"/api/v1/orders","kind":"503"}]'
is "fault 502 then 503 (an HTML page from the proxy)" \
	"$(get /api/v1/orders -o "$tmp/502" -w '%{http_code}') $(code /api/v1/orders) $(grep -c '<h1>502 Bad Gateway</h1>' "$tmp/502")" \
	"502 503 1"
fault '[{"path":"/api/v1/products","kind":"500","skip":2,"times":2}]'
codes=
for i in 1 2 3 4 5; do
	codes="$codes $(code /api/v1/products)"
done
is "skip=2 times=2: two pass, two fail, then normal" "$codes" " 200 200 500 500 200"
fault '[{"path":"/api/v1/orders","kind":"reset"}]'
get /api/v1/orders -o /dev/null 2>/dev/null
is "fault reset: connection reset (curl exit 56)" "$?" 56
fault '[{"path":"/api/v1/orders","kind":"slow","delay":3}]'
get /api/v1/orders -o /dev/null -m 1 2>/dev/null
is "fault slow: the client times out before the delay (curl exit 28)" "$?" 28
fault '[{"path":"/api/v1/orders","kind":"truncate"}]'
get /api/v1/orders -o /dev/null 2>/dev/null
is "fault truncate: body shorter than Content-Length (curl exit 18)" "$?" 18
fault '[{"path":"/api/v1/orders","kind":"badjson"}]'
is "fault badjson: 200" "$(get /api/v1/orders -o "$tmp/badjson" -w '%{http_code}')" 200
is "fault badjson: the body does not parse" \
	"$(python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$tmp/badjson" 2>/dev/null && echo parses || echo invalid)" \
	invalid
fault '[{"path":"/api/v1/orders","kind":"500","method":"POST"}]'
is "a fault limited to POST spares a GET" "$(code /api/v1/orders)" 200
curl -s -o /dev/null -X DELETE "$base/_sandbox/faults"
is "DELETE /_sandbox/faults clears them" "$(curl -s "$base/_sandbox/faults")" "[]"
is "a bad fault is refused" \
	"$(curl -s -o /dev/null -w '%{http_code}' -X POST -d '[{"path":"/x","kind":"404"}]' "$base/_sandbox/faults")" 400
is "keep-alive: a second request reuses the connection" \
	"$(curl -sv -u "$key:" -A ua "$base/api/v1/warehouses" "$base/api/v1/warehouses" -o /dev/null -o /dev/null 2>&1 | grep -c 'Re-using existing connection')" 1

# ------------------------------------------------------------ request log
curl -s -o /dev/null -X DELETE "$base/_sandbox/log"
get '/api/v1/orders?status=processing&offset=100' -o /dev/null
curl -s -o /dev/null -A ua "$base/api/v1/warehouses"
curl -s -o /dev/null -u wrong:x -A ua "$base/api/v1/warehouses"
curl -s -o /dev/null -u "$key:" -H 'User-Agent:' "$base/api/v1/warehouses"
fault '[{"path":"/api/v1/products","kind":"503"}]'
get '/api/v1/products?productcode=TS-RED-M' -o /dev/null
curl -s "$base/_sandbox/log" >"$tmp/log"
expected='{"method":"GET","path":"/api/v1/orders","query":"status=processing&offset=100","status":200,"auth":"ok","user_agent":"shopswitch-selftest (dev@example.org)","body":null,"fault":null}
{"method":"GET","path":"/api/v1/warehouses","query":"","status":401,"auth":"missing","user_agent":"ua","body":null,"fault":null}
{"method":"GET","path":"/api/v1/warehouses","query":"","status":401,"auth":"bad","user_agent":"ua","body":null,"fault":null}
{"method":"GET","path":"/api/v1/warehouses","query":"","status":400,"auth":"ok","user_agent":null,"body":null,"fault":null}
{"method":"GET","path":"/api/v1/products","query":"productcode=TS-RED-M","status":503,"auth":"ok","user_agent":"shopswitch-selftest (dev@example.org)","body":null,"fault":"503"}'
is "the log holds exactly the requests received, query as sent" "$(cat "$tmp/log")" "$expected"
is "control requests are not logged" "$(grep -c _sandbox "$tmp/log")" 0
is "the API key never appears in the log" "$(grep -c "$key" "$tmp/log" "$tmp/seed.log" | grep -vc ':0$')" 0

# ------------------------------------------------------------ stock writes
post() {
	code "/api/v1/products/$1/stock/$2" -H 'Content-Type: application/json' --data-binary "$3"
}
is "set stock: 201" "$(post 101 321 '{"idlocation":null,"amount":37,"reason":"shopswitch"}')" 201
is "set stock: the new level is served" "$(get /api/v1/products/101/stock | py 'd[0]["stock"], d[0]["freestock"]')" "(37, 37)"
is "set stock: the answer is the warehouse's stock" \
	"$(get /api/v1/products/101/stock/321 -H 'Content-Type: application/json' -d '{"change":0}' | py 'd["idwarehouse"], d["stock"]')" "(321, 37)"
is "change stock: -2" "$(post 101 321 '{"change":-2,"reason":"damaged"}') $(get /api/v1/products/101 | py 'd["stock"][0]["stock"]')" "201 35"
is "warehouse stock follows" "$(get /api/v1/warehouses/321/stock | py 'd[0]["stock"]["stock"]')" 35
is "writes counted per productcode" "$(curl -s "$base/_sandbox/writes")" '{"TS-RED-M": 3}'
is "below what picklists reserve (3): 400, not written" \
	"$(post 103 321 '{"amount":2}') $(get /api/v1/products/103/stock | py 'd[0]["stock"]')" "400 8"
is "down to what picklists reserve: 201" "$(post 103 321 '{"amount":3}')" 201
is "negative stock: 400" "$(post 102 1034 '{"change":-13}')" 400
is "amount and change together: 400" "$(post 102 1034 '{"amount":1,"change":1}')" 400
is "neither amount nor change: 400, error_code 5" \
	"$(get /api/v1/products/102/stock/1034 -d '{"reason":"x"}' -H 'Content-Type: application/json' | py 'd["error_code"]')" 5
is "amount as a string: 400" "$(post 102 1034 '{"amount":"4"}')" 400
is "invalid JSON: 400, error_code 22" \
	"$(get /api/v1/products/102/stock/1034 -d '{amount:4}' -H 'Content-Type: application/json' | py 'd["error_code"]')" 22
is "an unlimited_stock product keeps no stock: 400" "$(post 107 321 '{"amount":4}')" 400
is "a location the sandbox does not know: 404" "$(post 102 321 '{"idlocation":77,"amount":4}')" 404
is "unknown product: 404" "$(post 999 321 '{"amount":4}')" 404
is "unknown warehouse: 404" "$(post 102 999 '{"amount":4}')" 404
is "rejected writes are not counted" "$(curl -s "$base/_sandbox/writes")" '{"TS-RED-M": 3, "TS-RED-XL": 1}'
is "the log keeps the body of a POST" \
	"$(curl -s "$base/_sandbox/log" | grep '"method":"POST"' | head -n 1 | py 'd["body"]')" \
	"{'idlocation': None, 'amount': 37, 'reason': 'shopswitch'}"
is "--log FILE has the same lines as GET /_sandbox/log" \
	"$(tail -n 3 "$tmp/seed.log")" "$(curl -s "$base/_sandbox/log" | tail -n 3)"
is "/_sandbox/state shows the stock" \
	"$(curl -s "$base/_sandbox/state" | py 'd["stock"]["TS-RED-M"]["321"]["stock"]')" 35
curl -s -o /dev/null -X POST "$base/_sandbox/reset"
is "POST /_sandbox/reset reloads the data and clears writes and log" \
	"$(get /api/v1/products/101 | py 'd["stock"][0]["stock"]') $(curl -s "$base/_sandbox/writes") $(curl -s "$base/_sandbox/log" | wc -l)" \
	"40 {} 1"

# ------------------------------------------------------------ data files
mkdir "$tmp/bad"
sed 's/"freestock": 3$/"freestock": 4/' "$seed/products.json" >"$tmp/bad/products.json"
cp "$seed/warehouses.json" "$tmp/bad/"
python3 "$here/sandbox.py" --platform picqer --data "$tmp/bad" --ready "$tmp/bad.ready" 2>"$tmp/bad.err"
is "inconsistent seed data: refused (exit 2)" "$? $(test -e "$tmp/bad.ready" && echo started || echo refused)" "2 refused"
is "the refusal names the product and the field" "$(grep -c "product 103.*freestock" "$tmp/bad.err")" 1
mkdir "$tmp/badship"
cp "$seed/orders.json" "$seed/warehouses.json" "$tmp/badship/"
sed 's/"idpicklist": 8101,/"idpicklist": 8199,/' "$seed/shipments.json" >"$tmp/badship/shipments.json"
python3 "$here/sandbox.py" --platform picqer --data "$tmp/badship" --ready "$tmp/badship.ready" 2>"$tmp/badship.err"
is "a shipment on an unknown picklist: refused (exit 2)" "$? $(test -e "$tmp/badship.ready" && echo started || echo refused)" "2 refused"
is "the refusal names the file, the shipment and the field" \
	"$(grep -c 'shipments.json: shipment 6201: idpicklist 8199 is not a picklist of an order' "$tmp/badship.err")" 1
sed 's/"idorder": 5001,/"idorder": 5003,/' "$seed/shipments.json" >"$tmp/badship/shipments.json"
python3 "$here/sandbox.py" --platform picqer --data "$tmp/badship" 2>"$tmp/badship.err"
is "a shipment of another order than its picklist's: refused" \
	"$? $(grep -c 'shipment 6201: idorder 5003 does not match picklist 8101' "$tmp/badship.err")" "2 1"
cp "$seed/shipments.json" "$tmp/badship/"
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
[o for o in d if o["idorder"] == 5019][0]["picklists"][0]["status"] = "new"
json.dump(d, open(sys.argv[1], "w"))' "$tmp/badship/orders.json"
python3 "$here/sandbox.py" --platform picqer --data "$tmp/badship" 2>"$tmp/badship.err"
is "a completed order without a closed picklist: refused" \
	"$? $(grep -c 'order 5019: picklists: a completed order has a closed picklist' "$tmp/badship.err")" "2 1"
mkdir "$tmp/empty"
start empty --data "$tmp/empty"
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_empty
is "missing data files mean empty" "$(get /api/v1/orders)$(get /api/v1/products)$(get /api/v1/webshoporders)" "[][][]"

# ------------------------------------------------------------ shutdown
base=http://127.0.0.1:$port_seed
fault '[{"path":"/api/v1/orders","kind":"slow","delay":30}]'
# The real curl: in the background, the emulated one would hold up
# selftest-lib.sh's python3, and $! is the process ended here.
command curl -sS -u "$key:x" -A "shopswitch-selftest (dev@example.org)" \
	-o /dev/null "$base/api/v1/orders" 2>/dev/null &
client=$!
# Until the sandbox holds the request (its fault taken), however busy
# the machine is.
tries=0
while [ "$(curl -s "$base/_sandbox/faults")" != "[]" ] &&
    [ "$tries" -lt 300 ]; do
	sleep 0.1
	tries=$((tries + 1))
done
# shellcheck disable=SC2154
kill -TERM "$pid_seed"
wait "$pid_seed"
rc=$?
wait "$client"
crc=$?
is "SIGTERM: exits 0 with a slow answer in flight" "$rc" 0
# Stopped at once, not after the 30 s answer: the client got no answer
# (curl 52, empty reply, or 56, reset), not a 200 (0).
is "SIGTERM: the slow answer was cut off, not waited for" \
	"$([ "$crc" -eq 52 ] || [ "$crc" -eq 56 ] && echo cut || echo "curl $crc")" cut
# shellcheck disable=SC2154
kill -INT "$pid_gen"
wait "$pid_gen"
is "SIGINT: exits 0" "$?" 0

echo "1..$n"
[ "$failed" -eq 0 ]
