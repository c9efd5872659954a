#!/bin/sh
# selftest-ccv.sh: the sandbox's own tests for the CCV Shop REST API (v1)
# emulation.  Starts tests/sandbox/sandbox.py --platform ccv on free
# ports, checks it with curl (every request signed as CCV wants) and
# prints TAP.  Exits 1 when a check fails, 2 when the sandbox cannot be
# started at all.
set -u

here=$(cd "$(dirname "$0")" && pwd)
seed=$here/data/ccv
pub=ccv_public
secret=ccv_secret
api=/api/rest/v1
platform=ccv
# shellcheck source=tests/sandbox/selftest-lib.sh
. "$here/selftest-lib.sh"

# sig METHOD URI DATA DATE [SECRET]: CCV's x-hash.
sig() {
	printf '%s|%s|%s|%s|%s' "$pub" "$1" "$2" "$3" "$4" |
		openssl dgst -sha512 -hmac "${5:-$secret}" | sed 's/^.*= //'
}
utcnow() {
	date -u +%Y-%m-%dT%H:%M:%SZ
}
# req METHOD URI [BODY [CURL-ARGS...]]: a signed request, the body out.
req() {
	m=$1
	u=$2
	b=${3-}
	[ $# -ge 3 ] && shift 3 || shift $#
	d=$(utcnow)
	h=$(sig "$m" "$u" "$b" "$d")
	if [ -n "$b" ]; then
		curl -sS -X "$m" -H "x-public: $pub" -H "x-date: $d" \
			-H "x-hash: $h" -H 'Content-Type: application/json' \
			--data-binary "$b" "$@" "$base$u"
	else
		curl -sS -X "$m" -H "x-public: $pub" -H "x-date: $d" \
			-H "x-hash: $h" "$@" "$base$u"
	fi
}
get() {
	req GET "$api$1"
}
# code METHOD PATH [BODY]: the status only.
code() {
	req "$1" "$api$2" "${3-}" -o /dev/null -w '%{http_code}'
}
# err METHOD PATH [BODY]: "STATUS CODE" of a refusal.
err() {
	req "$1" "$api$2" "${3-}" -w ' %{http_code}' |
		sed 's/^\(.*\) \([0-9]*\)$/\2 \1/' | {
		read -r st body
		echo "$st $(echo "$body" | py 'd["code"]')"
	}
}
ids() {
	get "$1" | py '[i["id"] for i in d["items"]]'
}
writes() {
	curl -s "$base/_sandbox/writes"
}

start --own seed --data "$seed" --set read_limit=1000 --set total_limit=5000
start rate --data "$seed" --set read_limit=3 --set write_limit=2 \
	--set total_limit=6 --set rate_window=30
start rate2 --data "$seed" --set read_limit=2 --set write_limit=1 \
	--set rate_window=30
start gen --generate orders=60,products=300 --set read_limit=1000

# shellcheck disable=SC2154
base=http://127.0.0.1:$port_seed

# ------------------------------------------------------------ auth
is "no headers: 401 401.10" \
	"$(curl -s "$base$api/orders" | py 'd["code"], d["status"]') $(curl -s -o /dev/null -w '%{http_code}' "$base$api/orders")" \
	"('401.10', 401) 401"
d=$(utcnow)
is "unknown public key: 401" \
	"$(curl -s -o /dev/null -w '%{http_code}' -H 'x-public: nope' -H "x-date: $d" -H "x-hash: $(sig GET "$api/orders" '' "$d")" "$base$api/orders")" 401
is "hash with another secret: 401 Hash does not match" \
	"$(curl -s -H "x-public: $pub" -H "x-date: $d" -H "x-hash: $(sig GET "$api/orders" '' "$d" wrong)" "$base$api/orders" | py 'd["developermessage"]')" \
	"Hash does not match"
is "hash over the path without its query: 401" \
	"$(curl -s -o /dev/null -w '%{http_code}' -H "x-public: $pub" -H "x-date: $d" -H "x-hash: $(sig GET "$api/orders" '' "$d")" "$base$api/orders?size=2")" 401
is "hash over the path with its query: 200" \
	"$(curl -s -o /dev/null -w '%{http_code}' -H "x-public: $pub" -H "x-date: $d" -H "x-hash: $(sig GET "$api/orders?size=2" '' "$d")" "$base$api/orders?size=2")" 200
is "hash in upper case: 401" \
	"$(curl -s -o /dev/null -w '%{http_code}' -H "x-public: $pub" -H "x-date: $d" -H "x-hash: $(sig GET "$api/orders" '' "$d" | tr a-f A-F)" "$base$api/orders")" 401
old=$(date -u -d '-10 min' +%Y-%m-%dT%H:%M:%SZ)
is "x-date 10 minutes old: 401, 5 minutes" \
	"$(curl -s -H "x-public: $pub" -H "x-date: $old" -H "x-hash: $(sig GET "$api/orders" '' "$old")" "$base$api/orders" | py 'd["code"], "5 minutes" in d["developermessage"]')" \
	"('401.10', True)"
fut=$(date -u -d '+10 min' +%Y-%m-%dT%H:%M:%SZ)
is "x-date 10 minutes ahead: 401" \
	"$(curl -s -o /dev/null -w '%{http_code}' -H "x-public: $pub" -H "x-date: $fut" -H "x-hash: $(sig GET "$api/orders" '' "$fut")" "$base$api/orders")" 401
for d in "$(date -u -d '-4 min' +%Y-%m-%dT%H:%M:%SZ)" \
	"$(date -u +%Y-%m-%dT%H:%M:%S+00:00)" "$(date -u +%Y-%m-%dT%H:%M:%S+0000)"; do
	is "x-date $d: 200" \
		"$(curl -s -o /dev/null -w '%{http_code}' -H "x-public: $pub" -H "x-date: $d" -H "x-hash: $(sig GET "$api/orders" '' "$d")" "$base$api/orders")" 200
done
d=$(date -u +'%Y-%m-%d %H:%M:%S')
is "x-date not ISO 8601: 401" \
	"$(curl -s -o /dev/null -w '%{http_code}' -H "x-public: $pub" -H "x-date: $d" -H "x-hash: $(sig GET "$api/orders" '' "$d")" "$base$api/orders")" 401
d=$(utcnow)
is "body other than the one signed: 401" \
	"$(curl -s -o /dev/null -w '%{http_code}' -X PATCH -H "x-public: $pub" -H "x-date: $d" -H "x-hash: $(sig PATCH "$api/products/845700102" '{"stock":1}' "$d")" --data-binary '{"stock":2}' "$base$api/products/845700102")" 401
h=$(req GET "$api/products/845700102" '' -D "$tmp/h" -o "$tmp/b"; tr -d '\r' <"$tmp/h")
rd=$(echo "$h" | grep -i '^x-date:' | sed 's/^[^:]*: *//')
rh=$(echo "$h" | grep -i '^x-hash:' | sed 's/^[^:]*: *//')
is "the answer is signed: x-hash over public|GET|uri|body|x-date" \
	"$rh" "$(sig GET "$api/products/845700102" "$(cat "$tmp/b")" "$rd")"
is "no rate-limit headers, no Retry-After" "$(echo "$h" | grep -ci '^x-ratelimit\|^retry-after')" 0
is "the log records auth missing and bad, no credential header" \
	"$(curl -s "$base/_sandbox/log" | head -3 | python3 -c 'import json, sys; print([json.loads(l)["auth"] for l in sys.stdin])') $(curl -s "$base/_sandbox/log" | grep -c "$rh")" \
	"['missing', 'missing', 'bad'] 0"

# ------------------------------------------------------------ orders
is "orders: completed checkouts only, by id" "$(ids /orders | py 'len(d)')" 16
is "orders: default size 25, one page, no next" \
	"$(get /orders | py 'd["start"], d["size"], d["previous"], d["next"]')" "(0, 25, None, None)"
p1=$(get '/orders?size=5&status=8')
is "a page: start, size, items" "$(echo "$p1" | py 'd["start"], d["size"], [i["id"] for i in d["items"]]')" \
	"(0, 5, [339300043, 339300073])"
p1=$(get '/orders?size=5&orderby=id')
next=$(echo "$p1" | py 'd["next"]')
is "next: absolute, other parameters kept" "$next" \
	"http://127.0.0.1:$port_seed$api/orders?orderby=id&start=5&size=5"
is "next is signed as its path and query" \
	"$(req GET "${next#http://127.0.0.1:"$port_seed"}" | py '[i["ordernumber"] for i in d["items"]], d["previous"] is not None')" \
	"([1006, 1007, 1008, 1009, 1010], True)"
is "last page: next null" "$(get '/orders?size=5&start=15' | py 'len(d["items"]), d["next"]')" "(1, None)"
is "past the end: no items" "$(get '/orders?start=40' | py 'len(d["items"]), d["next"]')" "(0, None)"
is "is_completed=false: the abandoned checkout" \
	"$(get '/orders?is_completed=false' | py '[(i["id"], i["status"], i["ordernumber"], i["basket_href"] is not None) for i in d["items"]]')" \
	"[(339300079, None, None, True)]"
for s in 1 2 3 4 5 6 7 9 10 11 12 13 14; do
	want=1
	[ "$s" = 5 ] && want=2
	is "status=$s: $want" "$(get "/orders?status=$s" | py 'len(d["items"])')" "$want"
done
is "min/max_create_date (days, inclusive)" \
	"$(ids '/orders?min_create_date=2026-10-20&max_create_date=2026-10-26')" \
	"[339300059, 339300061, 339300067, 339300071]"
is "max_create_date takes the whole day" "$(ids '/orders?min_create_date=2026-11-20&max_create_date=2026-11-20')" "[339300083]"
is "min_create_date with a time" "$(ids '/orders?min_create_date=2026-10-26T01:30:00Z&max_create_date=2026-10-28T07:59:59Z')" "[339300071]"
is "ordernumber" "$(ids '/orders?ordernumber=1003')" "[339300023]"
is "is_paid=false" "$(get '/orders?is_paid=false' | py '[i["ordernumber"] for i in d["items"]]')" "[1007, 1008, 1014]"
is "paymethod_id" "$(get '/orders?paymethod_id=5' | py '[i["ordernumber"] for i in d["items"]]')" "[1007]"
is "orderby=create_date_desc" "$(get '/orders?orderby=create_date_desc&size=2' | py '[i["ordernumber"] for i in d["items"]]')" "[1016, 1015]"
for q in status=15 status=new is_paid=yes min_create_date=2026/10/20 \
	max_create_date=2026-02-30 size=101 size=0 start=-1 orderby=total \
	deliver_date=2026-10-20 transaction_id=1 foo=1 'status=1&status=2'; do
	is "orders?$q: 400 400.10" "$(err GET "/orders?$q")" "400 400.10"
done
is "unknown order: 404 404.10" "$(err GET /orders/999)" "404 404.10"
is "unknown resource: 404 404.20" "$(err GET /nope)" "404 404.20"
is "DELETE an order: 405 405.10" "$(err DELETE /orders/339300011)" "405 405.10"
is "405 says Allow" "$(req DELETE "$api/orders/339300011" '' -D - -o /dev/null | tr -d '\r' | grep -i '^allow:')" "Allow: GET, PATCH"
is "trailing slash: 200" "$(code GET /orders/339300011/)" 200
o=$(get /orders/339300073)
is "an order: number, prefix, status, paid, totals" \
	"$(echo "$o" | py 'd["ordernumber"], d["ordernumber_full"], d["status"], d["paid"], d["total_price"], d["currency"]')" \
	"(1015, 'WEB-1015', 8, True, 16.9, 'EUR')"
o=$(get /orders/339300017)
is "an order: e-mail, delivery address, track & trace" \
	"$(echo "$o" | py 'd["customer"]["email"], d["customer"]["deliveryaddress"]["company"], d["track_and_trace_carrier"], d["track_and_trace_code"], d["track_and_trace_deeplink"]')" \
	"('jan@example.nl', 'Coöperatie De Eendracht U.A.', 'dhl', 'JVGL0600000002', 'https://www.dhlparcel.nl/nl/volg-uw-zending?tc=JVGL0600000002')"
is "JSON as PHP writes it: \\/ and \\u00f6" \
	"$(echo "$o" | grep -c 'Co\\u00f6peratie') $(echo "$o" | grep -c 'https:\\/\\/www.dhlparcel')" "1 1"
is "a carrier without a deeplink" "$(get /orders/339300083 | py 'd["track_and_trace_carrier"], d["track_and_trace_deeplink"]')" "('MyParcel', '')"
is "children are links" "$(echo "$o" | py 'd["orderrows"]["href"]')" \
	"http://127.0.0.1:$port_seed$api/orders/339300017/orderrows/"
is "order rows: a row without SKU" \
	"$(get /orders/339300017/orderrows | py '[(r["product_number"], r["count"], r["total_price"]) for r in d["items"]]')" \
	"[('MUG-BLU', 1, 9.95), ('', 1, 39)]"
is "order rows: a combination's numbers, a row without product" \
	"$(get /orders/339300011/orderrows | py '[(r["sub_sku_number"], r["sub_ean_number"]) for r in d["items"]]') $(get /orders/339300029/orderrows | py '[r["product_id"] for r in d["items"]]')" \
	"[('TS-RED-M', '8718526000011'), ('', '')] [845700104, None]"
is "order rows: a fractional count" "$(get /orders/339300041/orderrows | py 'd["items"][0]["count"]')" 2.5
is "order rows page" "$(get '/orders/339300011/orderrows?size=1' | py 'len(d["items"]), d["next"] is not None')" "(1, True)"
is "order rows of an unknown order: 404" "$(err GET /orders/1/orderrows)" "404 404.10"
is "one order row" "$(get /orderrows/648200003 | py 'd["order_id"], d["parent"]["href"].endswith("/orders/339300011")')" "(339300011, True)"

# ------------------------------------------------------------ products
is "products: active and inactive" "$(get /products | py 'len(d["items"])')" 9
is "active=false" "$(get '/products?active=false' | py '[i["productnumber"] for i in d["items"]]')" "['CAP-BLK']"
is "active=true" "$(get '/products?active=true' | py 'len(d["items"])')" 8
is "productnumber" "$(ids '/products?productnumber=MUG-BLU')" "[845700102]"
is "productnumber of digits" "$(ids '/products?productnumber=8718526012347')" "[845700105]"
is "eannumber" "$(ids '/products?eannumber=8718526012354')" "[845700102]"
is "productname, case-blind" "$(ids '/products?productname=k%C3%B6ln')" "[845700108]"
is "productname of 2 characters: 400" "$(err GET '/products?productname=ka')" "400 400.10"
is "minstock: not emulated, 400" "$(err GET '/products?minstock=1')" "400 400.10"
is "expand: not emulated, 400" "$(err GET '/products?expand=attributecombinations')" "400 400.10"
is "a product without stock" "$(get /products/845700104 | py 'd["stockenabled"], d["stock"], d["name"]')" "(False, None, 'Cadeaubon € 25')"
is "a product without SKU" "$(get /products/845700106 | py 'repr(d["productnumber"]), d["stock"]')" "(\"''\", 1)"
is "stock per combination" "$(get /products/845700101 | py 'd["stocktype"]')" attributecombination
is "combinations: SKU, product number, stock, active" \
	"$(get /products/845700101/attributecombinations | py '[(c["sku_number"], c["product_number"], c["stock"], c["active"]) for c in d["items"]]')" \
	"[('TS-RED-M', 'TS-RED-M', 5, True), ('TS-RED-L', '', 0, True), ('TS-RED-XL', '', 2, False), ('', 'TS-RED-S', 9, True)]"
is "a combination: its values" "$(get /attributecombinations/90000201 | py '[(c["attribute"]["name"], c["attribute_value"]["name"]) for c in d["combination"]]')" "[('Maat', 'M')]"
is "unknown combination: 404" "$(err GET /attributecombinations/1)" "404 404.10"

# ------------------------------------------------------------ stock writes
is "PATCH stock: 204, no body" "$(req PATCH "$api/products/845700102" '{"stock":20}' -w '%{http_code}')" 204
is "the stock is set" "$(get /products/845700102 | py 'd["stock"]')" 20
req PATCH "$api/products/845700102" '{"stock":20}' >/dev/null
is "an unchanged value is a write too" "$(writes | py 'd["MUG-BLU"]')" 2
for b in '{"stock":"5"}' '{"stock":-1}' '{"stock":1.5}' '{"stock":true}' \
	'{"stock":null}' '{}' '{"stock":5,"price":1}' '[5]' 'stock=5'; do
	is "PATCH $b: 400" "$(err PATCH /products/845700102 "$b")" "400 400.10"
done
is "a fraction where decimal_amount > 0" "$(code PATCH /products/845700109 '{"stock":1.5}') $(get /products/845700109 | py 'd["stock"]')" "204 1.5"
is "a product without stock: 400" "$(err PATCH /products/845700104 '{"stock":5}')" "400 400.10"
is "a product with stock per combination: 400" "$(err PATCH /products/845700101 '{"stock":5}')" "400 400.10"
is "PATCH a combination: 204" "$(code PATCH /attributecombinations/90000201 '{"stock":3}') $(get /attributecombinations/90000201 | py 'd["stock"]')" "204 3"
code PATCH /attributecombinations/90000207 '{"stock":1}' >/dev/null
is "unknown product, combination: 404" "$(err PATCH /products/1 '{"stock":5}') $(err PATCH /attributecombinations/1 '{"stock":5}')" "404 404.10 404 404.10"
is "no bulk: PUT/POST products: 405" "$(err POST /products '{"stock":1}') $(err PUT /products/845700102 '{"stock":1}')" "405 405.10 405 405.10"
is "writes per SKU, refusals not counted" "$(writes)" \
	'{"COF-1KG": 1, "MUG-BLU": 2, "TS-RED-M": 1, "TS-RED-S": 1}'

# ------------------------------------------------------------ completing
is "PATCH status 5 with track & trace, mail: 204" \
	"$(code PATCH /orders/339300031 '{"status":5,"track_and_trace_code":"3SABC123","track_and_trace_carrier":"postnl","mail":true,"note":"Bedankt!"}')" 204
is "the order: status, code, carrier, deeplink" \
	"$(get /orders/339300031 | py 'd["status"], d["track_and_trace_code"], d["track_and_trace_carrier"], d["track_and_trace_deeplink"]')" \
	"(5, '3SABC123', 'postnl', 'https://jouw.postnl.nl/track-and-trace/3SABC123')"
is "the customer is mailed, with note and code" \
	"$(curl -s "$base/_sandbox/mail" | py '[(m["to"], m["template"], m["order"], m["note"], m["track_and_trace"]) for m in d]')" \
	"[('zoe.muller@example.de', 'status_5', 339300031, 'Bedankt!', '3SABC123')]"
is "the same status again: 500 500.50 SameValue" "$(err PATCH /orders/339300031 '{"status":5}')" "500 500.50"
is "a second track & trace replaces the first" \
	"$(code PATCH /orders/339300031 '{"track_and_trace_code":"JVGL999","track_and_trace_carrier":"dhl"}') $(get /orders/339300031 | py 'd["track_and_trace_code"], d["status"]')" \
	"204 ('JVGL999', 5)"
is "completed without mail: nobody mailed" \
	"$(code PATCH /orders/339300031 '{"status":7,"mail":false}') $(curl -s "$base/_sandbox/mail" | py 'len(d)')" "204 1"
is "a completed order again: 500.50" "$(err PATCH /orders/339300011 '{"status":7}')" "500 500.50"
is "a cancelled order: 400" "$(err PATCH /orders/339300043 '{"status":7}')" "400 400.10"
is "an abandoned checkout: 400" "$(err PATCH /orders/339300079 '{"status":2}')" "400 400.10"
for b in '{"status":15}' '{"status":"5"}' '{"status":0}' '{"mail":"yes"}' \
	'{"track_and_trace_code":5}' '{"customer":{}}' '{"foo":1}'; do
	is "PATCH order $b: 400" "$(err PATCH /orders/339300037 "$b")" "400 400.10"
done
is "PATCH an unknown order: 404" "$(err PATCH /orders/1 '{"status":5}')" "404 404.10"
is "writes per order" \
	"$(writes | py 'd["order 339300031 status"], d["order 339300031 track"]')" "(2, 2)"
is "history keeps the replaced code" \
	"$(curl -s "$base/_sandbox/state" | py '[h["old"] for h in d["history"] if h.get("field") == "track_and_trace"][1]')" \
	"['3SABC123', 'postnl']"

# ------------------------------------------------------------ entering orders
new=$(req POST "$api/orders" '{"customer":{"email":"bram@example.nl","billingaddress":{"first_name":"Bram","last_name":"Smit","country_code":"NL"}},"orderrows":[{"product_id":845700101,"attribute_combination_id":90000202,"count":2},{"product_name":"Montage","price":15,"package_id":1,"count":1}],"paid":true,"reservationnumber":"10231"}' -w ' %{http_code}')
is "POST orders: 201 with the order; no total_shipping: the shop's (4.95)" \
	"$(echo "$new" | sed 's/ [0-9]*$//' | py 'd["ordernumber"], d["status"], d["paid"], d["reservationnumber"], d["total_shipping"], d["total_price"], d["customer"]["billingaddress"]["full_name"]') ${new##* }" \
	"(1017, 1, True, '10231', 4.95, 59.85, 'Bram Smit') 201"
nid=$(echo "$new" | sed 's/ [0-9]*$//' | py 'd["id"]')
is "its rows take the product's and combination's numbers" \
	"$(get "/orders/$nid/orderrows" | py '[(r["product_number"], r["sub_sku_number"], r["price"], r["count"]) for r in d["items"]]')" \
	"[('TS-RED', 'TS-RED-L', 19.95, 2), ('', '', 15, 1)]"
is "listed, counted, nobody mailed" \
	"$(ids '/orders?ordernumber=1017') $(writes | py 'd["order created"]') $(curl -s "$base/_sandbox/mail" | py 'len(d)')" \
	"[$nid] 1 1"
for b in '{"orderrows":[{"product_id":845700102,"count":1}]}' \
	'{"customer":{"email":"a@b.nl"}}' \
	'{"customer":{},"orderrows":[]}' \
	'{"customer":{},"orderrows":[{"product_id":845700102}]}' \
	'{"customer":{},"orderrows":[{"product_id":845700102,"count":0}]}' \
	'{"customer":{},"orderrows":[{"product_name":"X","price":1,"count":1}]}' \
	'{"customer":{},"orderrows":[{"product_id":1,"count":1}]}' \
	'{"customer":{},"orderrows":[{"product_id":845700102,"attribute_combination_id":90000201,"count":1}]}' \
	'{"customer":{"foo":1},"orderrows":[{"product_id":845700102,"count":1}]}' \
	'{"customer":{},"orderrows":[{"product_id":845700102,"count":1}],"user_id":5}' \
	'{"customer":{},"orderrows":[{"product_id":845700102,"count":1}],"status":15}'; do
	is "POST orders $b: 400" "$(err POST /orders "$b")" "400 400.10"
done
is "refused orders are not counted" "$(writes | py 'd["order created"]')" 1
new=$(req POST "$api/orders" '{"customer":{"email":"fleur@example.be","billingaddress":{"first_name":"Fleur","last_name":"de Vries"},"deliveryaddress":{"full_name":"Fleur de Vries","city":"Antwerpen"}},"orderrows":[{"product_id":845700107,"count":2,"price":24.95,"discount":0,"auto_create_deposit_rows":false},{"product_id":845700107,"count":1}],"total_shipping":0,"extra_costs":-5.5,"extra_costs_description":"Korting","paid":true,"reservationnumber":"shopswitch:old:1029"}')
is "a row's price and discount, else the product's; no shipping; extra costs" \
	"$(echo "$new" | py 'd["total_shipping"], d["extra_costs"], d["extra_costs_description"], d["total_price"]')" \
	"(0, -5.5, 'Korting', 64.35)"
nid=$(echo "$new" | py 'd["id"]')
is "the rows: the price given, the product's discount when none is" \
	"$(get "/orders/$nid/orderrows" | py '[(r["price"], r["discount"], r["total_price"]) for r in d["items"]]')" \
	"[(24.95, 0, 49.9), (24.95, 5, 19.95)]"
now=$(date -u -d '-1 min' +%Y-%m-%dT%H:%M:%SZ)
is "listed by min_create_date with its reservationnumber" \
	"$(get "/orders?min_create_date=$now" | py '[(i["ordernumber"], i["reservationnumber"]) for i in d["items"]]')" \
	"[(1017, '10231'), (1018, 'shopswitch:old:1029')]"
is "order_row_taxes_included false: the tax added to the rows" \
	"$(req POST "$api/orders" '{"customer":{},"orderrows":[{"product_id":845700102,"count":1,"price":10,"tax":21}],"total_shipping":0,"order_row_taxes_included":false}' | py 'd["order_row_taxes_included"], d["total_price"]')" \
	"(False, 12.1)"
for b in '{"customer":{"deliveryaddress":{"first_name":"Fleur"}},"orderrows":[{"product_id":845700102,"count":1}]}' \
	'{"customer":{"billingaddress":{"housenumber":"12"}},"orderrows":[{"product_id":845700102,"count":1}]}' \
	'{"customer":{},"orderrows":[{"product_id":845700102,"count":1,"auto_create_deposit_rows":"no"}]}' \
	'{"customer":{},"orderrows":[{"product_id":845700102,"count":1}],"total_shipping":-1}' \
	'{"customer":{},"orderrows":[{"product_id":845700102,"count":1}],"total_shipping":"4.95"}' \
	'{"customer":{},"orderrows":[{"product_id":845700102,"count":1}],"extra_costs":"-5"}' \
	'{"customer":{},"orderrows":[{"product_id":845700102,"count":1}],"taxes_included":1}' \
	'{"customer":{},"orderrows":[{"product_id":845700102,"count":1}],"paymethod_costs":1}'; do
	is "POST orders $b: 400" "$(err POST /orders "$b")" "400 400.10"
done
is "POST orders/{id}/ordernotes: 201, an internal note" \
	"$(req POST "$api/orders/$nid/ordernotes" '{"note":"Order 1029 of the old shop"}' -w ' %{http_code}' | sed 's/ [0-9]*$//' | py 'd["type"], d["note"]')" \
	"('internal', 'Order 1029 of the old shop')"
is "its notes, listed" "$(get "/orders/$nid/ordernotes" | py '[(n["note"], n["parent"]["href"].endswith("/orders/%d/" % '"$nid"')) for n in d["items"]]')" \
	"[('Order 1029 of the old shop', True)]"
for b in '{}' '{"note":""}' '{"note":5}' '{"note":"x","type":"external"}'; do
	is "POST ordernotes $b: 400" "$(err POST "/orders/$nid/ordernotes" "$b")" "400 400.10"
done
is "notes of an unknown order: 404" "$(err POST /orders/1/ordernotes '{"note":"x"}')" "404 404.10"
nn=$(get "/orders/$nid/ordernotes" | py 'd["items"][0]["id"]')
is "DELETE a note: 204, gone" "$(code DELETE "/ordernotes/$nn") $(err GET "/ordernotes/$nn")" "204 404 404.10"
is "notes mail no one; counted" \
	"$(curl -s "$base/_sandbox/mail" | py 'len(d)') $(writes | py 'd["order %d note" % '"$nid"'], d["order created"]')" \
	"1 (1, 3)"

# ------------------------------------------------------------ faults, reset
fault '[{"path":"/api/rest/v1/orders","kind":"500"}]'
is "fault 500: CCV's error body" "$(err GET /orders)" "500 500.00"
fault '[{"path":"/api/rest/v1/orders","kind":"429"}]'
is "fault 429: 429.10" "$(err GET /orders)" "429 429.10"
fault '[{"path":"/api/rest/v1/orders","method":"POST","kind":"500after"}]'
is "fault 500after: 500, and the order is made" \
	"$(err POST /orders '{"customer":{},"orderrows":[{"product_id":845700102,"count":1}]}') $(writes | py 'd["order created"]')" \
	"500 500.00 4"
fault '[{"path":"/api/rest/v1/products","kind":"change","change":{"sku":"MUG-BLU","stock":3}}]'
is "fault change: a sale in the shop, not a write" \
	"$(get /products/845700102 | py 'd["stock"]') $(writes | py 'd["MUG-BLU"]')" "3 2"
is "a change CCV cannot apply: 400" \
	"$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary '[{"path":"/","kind":"change","change":{"sku":1}}]' "$base/_sandbox/faults")" 400
curl -s -X POST "$base/_sandbox/reset"
is "reset: data, writes, mail" \
	"$(get /products/845700102 | py 'd["stock"]') $(writes) $(curl -s "$base/_sandbox/mail") $(get /orders/339300031 | py 'd["status"]')" \
	"12 {} [] 2"

# ------------------------------------------------------------ rate limits
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_rate
curl -s -o /dev/null "$base$api/orders"
code GET /orders >/dev/null
code GET /orders >/dev/null
is "read_limit 3: third GET orders 200 (a 401 is not counted)" "$(code GET /orders/339300011)" 200
is "fourth: 429 429.10" "$(err GET /orders)" "429 429.10"
r=$(req GET "$api/orders" '' -D "$tmp/rh")
is "429 body" "$(echo "$r" | py 'd["status"], d["developermessage"][:43]')" \
	"(429, 'Each method in each resource has a limit of')"
is "429: no Retry-After, no rate-limit headers" "$(grep -ci '^retry-after\|^x-ratelimit' "$tmp/rh")" 0
is "another resource has its own limit" "$(code GET /products)" 200
code GET /products >/dev/null
is "writes are counted apart from reads" "$(code PATCH /products/845700102 '{"stock":1}')" 204
is "the total (6 a window): 429 429.11" "$(err GET /orders/339300011/orderrows)" "429 429.11"
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_rate2
code PATCH /products/845700102 '{"stock":1}' >/dev/null
is "write_limit 1: second PATCH products 429.10" "$(err PATCH /products/845700102 '{"stock":2}')" "429 429.10"
is "a refused write is not applied" "$(get /products/845700102 | py 'd["stock"]') $(writes)" '1 {"MUG-BLU": 1}'
is "orders/{id} shares the orders bucket with the list" \
	"$(code GET /orders/339300011) $(code GET /orders) $(err GET /orders/339300011)" \
	"200 200 429 429.10"
is "orderrows is a bucket of its own" "$(code GET /orders/339300011/orderrows)" 200

# ------------------------------------------------------------ generated
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_gen
is "generate products=300: pages of 100" \
	"$(get '/products?size=100' | py 'len(d["items"]), d["next"] is not None') $(get '/products?size=100&start=200' | py 'len(d["items"]), d["next"]')" \
	"(100, True) (100, None)"
is "every 25th keeps stock in 3 combinations" \
	"$(get '/products?productnumber=HD-GRN-00025' | py 'd["items"][0]["stocktype"]') $(get '/products?size=100&start=0' | py 'd["items"][24]["id"]' | { read -r p; get "/products/$p/attributecombinations" | py '[c["sku_number"] for c in d["items"]]'; })" \
	"attributecombination ['HD-GRN-00025-S', 'HD-GRN-00025-M', 'HD-GRN-00025-L']"
is "valid EAN-13s" "$(get '/products?size=100' | py 'all((sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(p["eannumber"])) % 10 == 0) for p in d["items"])')" True
is "generate orders=60: every status, abandoned ones apart" \
	"$(get '/orders?size=100' | py 'len(d["items"]), sorted(set(i["status"] for i in d["items"]))') $(get '/orders?is_completed=false' | py 'len(d["items"])')" \
	"(58, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]) 2"

# ------------------------------------------------------------ bad data, options
mkdir "$tmp/bad"
printf '[{"id":1,"ordernumber":1,"status":15,"create_date":"2026-01-01T00:00:00Z"}]\n' >"$tmp/bad/orders.json"
python3 "$here/sandbox.py" --platform ccv --data "$tmp/bad" --port 0 2>"$tmp/bad.err"
is "an order with status 15: exit 2, named" "$? $(cat "$tmp/bad.err")" \
	"2 sandbox: orders.json: order 1: status must be 1..14"
python3 "$here/sandbox.py" --platform ccv --set read_limit=0 --port 0 2>/dev/null
is "--set read_limit=0: exit 2" "$?" 2
python3 "$here/sandbox.py" --platform ccv --generate customers=3 --port 0 2>/dev/null
is "--generate customers: exit 2" "$?" 2

# ------------------------------------------------------------ SIGTERM
# shellcheck disable=SC2154
kill "$pid_seed"
wait "$pid_seed"
is "SIGTERM: exits 0" "$?" 0

echo "1..$n"
[ "$failed" -eq 0 ]
