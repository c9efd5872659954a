#!/bin/sh
# selftest-magento.sh: the sandbox's own tests for the Magento 2 REST V1
# emulation.  Starts tests/sandbox/sandbox.py --platform magento on free
# ports, checks it with curl and prints TAP.  Exits 1 when a check fails,
# 2 when the sandbox cannot be started at all.
set -u

here=$(cd "$(dirname "$0")" && pwd)
seed=$here/data/magento
tok=sandbox-token
# selftest-lib.sh reads platform and sets tmp, n and failed:
# shellcheck disable=SC2034
platform=magento
# shellcheck source=tests/sandbox/selftest-lib.sh
. "$here/selftest-lib.sh"

# curl -g everywhere: searchCriteria's brackets go out as they are.
get() {
	p=$1
	shift
	curl -sS -g -H "Authorization: Bearer $tok" "$@" "$base$p"
}
code() {
	p=$1
	shift
	curl -s -g -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok" "$@" "$base$p"
}
# answer PATH [CURL ARGS]: "STATUS BODY".
answer() {
	p=$1
	shift
	# shellcheck disable=SC2154
	curl -s -g -o "$tmp/body" -w '%{http_code}' -H "Authorization: Bearer $tok" "$@" "$base$p"
	printf ' %s' "$(cat "$tmp/body")"
}
post() {
	answer "$1" -H 'Content-Type: application/json' -X POST --data-binary "$2"
}
# f GROUP INDEX FIELD VALUE [CONDITION]: one searchCriteria filter.
f() {
	s="searchCriteria[filter_groups][$1][filters][$2]"
	printf '%s[field]=%s&%s[value]=%s' "$s" "$3" "$s" "$4"
	if [ $# -gt 4 ]; then
		printf '&%s[condition_type]=%s' "$s" "$5"
	fi
}
ids='[o["entity_id"] for o in d["items"]]'

# oauth METHOD URL [name=value ...]: an RFC 5849 HMAC-SHA256 Authorization
# header, written independently of magento.py.  Names: key, secret, token,
# tsecret, nonce, ts, method, version, drop (an oauth_* name to leave out).
oauth_py=$(
	cat <<'EOF'
import base64, hashlib, hmac, os, sys, time
from urllib.parse import quote, unquote
o = {"key": "sandbox-consumer-key", "secret": "sandbox-consumer-secret",
     "token": "sandbox-token", "tsecret": "sandbox-token-secret",
     "nonce": os.urandom(8).hex(), "ts": str(int(time.time())),
     "method": "HMAC-SHA256", "version": "1.0", "drop": ""}
o.update(a.split("=", 1) for a in sys.argv[3:])
enc = lambda s: quote(s, safe="~")
url, _, query = sys.argv[2].partition("?")
p = [("oauth_consumer_key", o["key"]), ("oauth_nonce", o["nonce"]),
     ("oauth_signature_method", o["method"]), ("oauth_timestamp", o["ts"]),
     ("oauth_token", o["token"]), ("oauth_version", o["version"])]
p = [kv for kv in p if kv[0] != o["drop"]]
q = [tuple(unquote(x) for x in part.split("=", 1))
     for part in query.split("&") if part]
norm = "&".join("%s=%s" % kv for kv in sorted((enc(k), enc(v)) for k, v in p + q))
base = "&".join([sys.argv[1], enc(url), enc(norm)])
key = (enc(o["secret"]) + "&" + enc(o["tsecret"])).encode()
sig = base64.b64encode(hmac.new(key, base.encode(), hashlib.sha256).digest())
print("OAuth " + ", ".join('%s="%s"' % (k, enc(v))
                           for k, v in p + [("oauth_signature", sig.decode())]))
EOF
)
oauth() {
	python3 -c "$oauth_py" "$@"
}
# hget BASE PATH SIGNED HOST: the status of a GET of BASE PATH sent with
# "Host: HOST" and signed for http://SIGNED PATH.
hget() {
	curl -s -g -o /dev/null -w '%{http_code}' -H "Host: $4" \
		-H "Authorization: $(oauth GET "http://$3$2")" "$1$2"
}
# oget URL [name=value ...]: "STATUS BODY" of a GET signed with OAuth.
oget() {
	u=$1
	shift
	curl -s -g -o "$tmp/body" -w '%{http_code}' -H "Authorization: $(oauth GET "$u" "$@")" "$u"
	printf ' %s' "$(cat "$tmp/body")"
}

# seed, gen and big: a store that takes the token as a bearer and has no
# input limits, so that curl can ask anything; strict: the defaults
# (Magento 2.4.4 and later: OAuth only; input limits on).
loose="--set bearer=1 --set input_limit=0"
# shellcheck disable=SC2086
start --own seed --data "$seed" $loose
start strict --data "$seed"
start sent --data "$seed" --set oauth_url=as_sent
# shellcheck disable=SC2086
start gen --generate products=1000,orders=120 --set past_end=empty $loose
# shellcheck disable=SC2086
start big --generate products=10000 $loose

# ------------------------------------------------------------ routes, auth
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_seed
ords="/rest/V1/orders?searchCriteria[pageSize]=1"
is "no credentials: 401 with the route's ACL resource" \
	"$(curl -s -g -w ' %{http_code}' "$base$ords")" \
	'{"message":"The consumer isn'"'"'t authorized to access %resources.","parameters":{"resources":"Magento_Sales::actions_view"}} 401'
is "Bearer integration token (bearer=1): 200" "$(code "$ords")" 200
is "Bearer, word in lower case: 200" \
	"$(curl -s -g -o /dev/null -w '%{http_code}' -H "Authorization: bearer $tok" "$base$ords")" 200
is "wrong Bearer token: 401" \
	"$(curl -s -g -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer nope' "$base$ords")" 401
is "Basic auth: 401 (a guest)" \
	"$(curl -s -g -o /dev/null -w '%{http_code}' -u "$tok:x" "$base$ords")" 401
is "source-items POST resource" \
	"$(curl -s -X POST "$base/rest/V1/inventory/source-items" | py 'd["parameters"]["resources"]')" \
	"Magento_InventoryApi::stock_source_item_assign"
is "unknown route: 404" "$(answer /rest/V1/customers)" '404 {"message":"Request does not match any route."}'
is "unknown route without credentials: 404 before 401" \
	"$(curl -s -o /dev/null -w '%{http_code}' "$base/rest/V1/customers")" 404
is "wrong method on a known path: 404" "$(code /rest/V1/orders -X DELETE)" 404
is "PATCH: 400 Request method is invalid." "$(answer /rest/V1/orders -X PATCH)" \
	'400 {"message":"Request method is invalid."}'
is "unknown store code: 404" "$(code "/rest/nl_nl/V1/orders?searchCriteria=")" 404
is "store codes default and all: 200 200" \
	"$(code "/rest/default/V1/orders?searchCriteria=") $(code "/rest/all/V1/orders?searchCriteria=")" "200 200"
is "a trailing slash is tolerated, v1 is not V1" \
	"$(code "/rest/V1/orders/?searchCriteria=") $(code "/rest/v1/orders?searchCriteria=")" "200 404"
is "Content-Type application/json; charset=utf-8" \
	"$(curl -s -g -o /dev/null -w '%{content_type}' -H "Authorization: Bearer $tok" "$base$ords")" \
	"application/json; charset=utf-8"

# shellcheck disable=SC2154
sbase=http://127.0.0.1:$port_strict
su="$sbase/rest/V1/inventory/source-items?searchCriteria[pageSize]=2"
is "by default (bearer=0) the integration token as Bearer is refused" \
	"$(curl -s -g -w ' %{http_code}' -H "Authorization: Bearer $tok" "$su")" \
	'{"message":"The consumer isn'"'"'t authorized to access %resources.","parameters":{"resources":"Magento_InventoryApi::source"}} 401'
is "OAuth HMAC-SHA256: 200" "$(oget "$su" | cut -c1-3)" 200
is "OAuth with filters in the query: 200, 4 items" \
	"$(oget "$sbase/rest/V1/inventory/source-items?$(f 0 0 source_code wh_ams)" | cut -c5- | py 'len(d["items"])')" 4
is "OAuth, an old timestamp (2001) is accepted" "$(oget "$su" ts=1000000000 | cut -c1-3)" 200
h=$(oauth GET "$su" nonce=reused-1)
curl -s -g -o /dev/null -H "Authorization: $h" "$su"
is "OAuth, a nonce used again: 401" \
	"$(curl -s -g -w ' %{http_code}' -H "Authorization: $h" "$su")" \
	'{"message":"The nonce is already being used by the consumer with ID %1","parameters":["1"]} 401'
is "OAuth, wrong consumer secret: 401 invalid signature" "$(oget "$su" secret=nope)" \
	'401 {"message":"The signature is invalid. Verify and try again."}'
is "OAuth, wrong token secret: 401" "$(oget "$su" tsecret=nope | cut -c1-3)" 401
is "OAuth, HMAC-SHA1: 400 not supported" "$(oget "$su" method=HMAC-SHA1)" \
	'400 {"message":"Signature method %1 is not supported","parameters":["HMAC-SHA1"]}'
is "OAuth, unknown consumer key: 401" "$(oget "$su" key=nope)" \
	'401 {"message":"A consumer having the specified key does not exist"}'
is "OAuth, unknown token: 401" "$(oget "$su" token=nope)" \
	'401 {"message":"Specified token does not exist"}'
is "OAuth, timestamp an hour ahead: 401" "$(oget "$su" ts=$(($(date +%s) + 3600)))" \
	'401 {"message":"An error occurred validating the nonce"}'
is "OAuth, no nonce: 400 required" "$(oget "$su" drop=oauth_nonce)" \
	'400 {"message":"\"%fieldName\" is required. Enter and try again.","parameters":{"fieldName":"oauth_nonce"}}'
is "OAuth, version 2.0: 400" "$(oget "$su" version=2.0)" \
	'400 {"message":"The \"%1\" Oauth version isn'"'"'t supported.","parameters":["2.0"]}'
pu="$sbase/rest/V1/inventory/source-items"
is "OAuth POST: the JSON body is not signed" \
	"$(curl -s -w ' %{http_code}' -H "Authorization: $(oauth POST "$pu")" -H 'Content-Type: application/json' \
		--data '{"sourceItems":[{"sku":"MUG-WHT","source_code":"default","quantity":24,"status":1}]}' "$pu")" "[] 200"
sp="/rest/V1/inventory/source-items?searchCriteria[pageSize]=2"
h=127.0.0.1:$port_strict
is "OAuth, oauth_url=normalised (default): Host LOCALHOST signed as localhost: 200; as LOCALHOST: 401" \
	"$(hget "$sbase" "$sp" "localhost:$port_strict" "LOCALHOST:$port_strict") $(hget "$sbase" "$sp" "LOCALHOST:$port_strict" "LOCALHOST:$port_strict")" "200 401"
is "OAuth, normalised: Host with :80 signed without it: 200; with it: 401" \
	"$(hget "$sbase" "$sp" 127.0.0.1 127.0.0.1:80) $(hget "$sbase" "$sp" 127.0.0.1:80 127.0.0.1:80)" "200 401"
is "OAuth, normalised: the URL signed as HTTP://: 401 (the scheme is the server's)" \
	"$(curl -s -g -o /dev/null -w '%{http_code}' -H "Authorization: $(oauth GET "HTTP://$h$sp")" "$sbase$sp")" 401
# shellcheck disable=SC2154
sent=http://127.0.0.1:$port_sent
is "OAuth, oauth_url=as_sent: Host LOCALHOST signed as LOCALHOST: 200; as localhost: 401" \
	"$(hget "$sent" "$sp" "LOCALHOST:$port_sent" "LOCALHOST:$port_sent") $(hget "$sent" "$sp" "localhost:$port_sent" "LOCALHOST:$port_sent")" "200 401"
is "OAuth, as_sent: Host with :80 signed without it: 401" \
	"$(hget "$sent" "$sp" 127.0.0.1 127.0.0.1:80)" 401
is "OAuth known answer: base string and signature" \
	"$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import sandbox; sys.modules["sandbox"] = sandbox; import magento as m
u = "http://127.0.0.1:8080/rest/default/V1/orders?searchCriteria[filter_groups][0][filters][0][field]=updated_at&searchCriteria[filter_groups][0][filters][0][value]=2026-11-01%2000:00:00&searchCriteria[filter_groups][0][filters][0][condition_type]=gteq&searchCriteria[pageSize]=100&searchCriteria[currentPage]=1"
p = {"oauth_consumer_key": "sandbox-consumer-key", "oauth_token": "sandbox-token", "oauth_signature_method": "HMAC-SHA256", "oauth_timestamp": "1790000000", "oauth_nonce": "n0nce0001", "oauth_version": "1.0"}
b = m.oauth_base_string("GET", u, p)
print(b, m.oauth_signature(b, "sandbox-consumer-secret", "sandbox-token-secret"))' "$here")" \
	"GET&http%3A%2F%2F127.0.0.1%3A8080%2Frest%2Fdefault%2FV1%2Forders&oauth_consumer_key%3Dsandbox-consumer-key%26oauth_nonce%3Dn0nce0001%26oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1790000000%26oauth_token%3Dsandbox-token%26oauth_version%3D1.0%26searchCriteria%255BcurrentPage%255D%3D1%26searchCriteria%255Bfilter_groups%255D%255B0%255D%255Bfilters%255D%255B0%255D%255Bcondition_type%255D%3Dgteq%26searchCriteria%255Bfilter_groups%255D%255B0%255D%255Bfilters%255D%255B0%255D%255Bfield%255D%3Dupdated_at%26searchCriteria%255Bfilter_groups%255D%255B0%255D%255Bfilters%255D%255B0%255D%255Bvalue%255D%3D2026-11-01%252000%253A00%253A00%26searchCriteria%255BpageSize%255D%3D100 JLQ0pr4KQev8KKAUPhY+m5wVd/CQBJFo0TnvAB7TWuA="

# ------------------------------------------------------------ searchCriteria
is "orders without searchCriteria: 400 required" "$(answer /rest/V1/orders)" \
	'400 {"message":"\"%fieldName\" is required. Enter and try again.","parameters":{"fieldName":"searchCriteria"}}'
is "searchCriteria= alone: all 18 orders, by entity_id" \
	"$(get '/rest/V1/orders?searchCriteria=' | py '(d["total_count"], '"$ids"', d["search_criteria"])')" \
	"(18, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18], {'filter_groups': []})"
is "every state in the seed" \
	"$(get '/rest/V1/orders?searchCriteria=' | py 'sorted(set(o["state"] for o in d["items"]))')" \
	"['canceled', 'closed', 'complete', 'holded', 'new', 'payment_review', 'pending_payment', 'processing']"
is "state eq processing (a status label may differ: picking)" \
	"$(get "/rest/V1/orders?$(f 0 0 state processing)" | py '[(o["entity_id"], o["status"]) for o in d["items"]]')" \
	"[(2, 'processing'), (3, 'processing'), (11, 'processing'), (14, 'picking'), (15, 'processing'), (16, 'processing'), (17, 'processing'), (18, 'processing')]"
is "updated_at gteq (UTC text), echoed" \
	"$(get "/rest/V1/orders?$(f 0 0 updated_at '2026-11-01%2000:00:00' gteq)" | py '('"$ids"', d["search_criteria"]["filter_groups"])')" \
	"([14, 15, 16, 17, 18], [{'filters': [{'field': 'updated_at', 'value': '2026-11-01 00:00:00', 'condition_type': 'gteq'}]}])"
is "camelCase filterGroups/conditionType/pageSize accepted" \
	"$(get '/rest/V1/orders?searchCriteria[filterGroups][0][filters][0][field]=updated_at&searchCriteria[filterGroups][0][filters][0][value]=2026-11-01&searchCriteria[filterGroups][0][filters][0][conditionType]=gt&searchCriteria[page_size]=5' | py "$ids")" \
	"[14, 15, 16, 17, 18]"
is "two filters in a group OR, two groups AND" \
	"$(get "/rest/V1/orders?$(f 0 0 state complete)&$(f 0 1 state closed)&$(f 1 0 created_at 2026-10-15 gteq)" | py "$ids")" \
	"[6, 10, 12]"
is "in on increment_id; nin; neq" \
	"$(get "/rest/V1/orders?$(f 0 0 increment_id 000000101,000000115,000000999 in)" | py "$ids") $(get "/rest/V1/orders?$(f 0 0 state new,processing,complete nin)" | py "$ids") $(get "/rest/V1/orders?$(f 0 0 customer_is_guest 0 neq)" | py "$ids")" \
	"[1, 15] [5, 6, 7, 8, 9] [13]"
is "like with %25 (example.de), null/notnull" \
	"$(get "/rest/V1/orders?$(f 0 0 customer_email %25@example.de like)" | py "$ids") $(get "/rest/V1/orders?$(f 0 0 customer_id x null)" | py "$ids")" \
	"[2, 9, 11, 18] [13]"
is "sortOrders created_at DESC, pageSize 3" \
	"$(get '/rest/V1/orders?searchCriteria[sortOrders][0][field]=created_at&searchCriteria[sortOrders][0][direction]=desc&searchCriteria[pageSize]=3' | py '('"$ids"', d["search_criteria"]["sort_orders"])')" \
	"([18, 17, 16], [{'field': 'created_at', 'direction': 'DESC'}])"
is "a sort order without direction sorts DESC" \
	"$(get '/rest/V1/orders?searchCriteria[sortOrders][0][field]=grand_total&searchCriteria[pageSize]=2' | py "$ids")" \
	"[15, 2]"
is "a sort order without a field is ignored" \
	"$(get '/rest/V1/orders?searchCriteria[sortOrders][0][direction]=DESC&searchCriteria[pageSize]=2' | py "$ids")" "[1, 2]"
is "sort direction up: 400" "$(answer '/rest/V1/orders?searchCriteria[sortOrders][0][field]=entity_id&searchCriteria[sortOrders][0][direction]=up')" \
	'400 {"message":"The sort order has to be specified as %1 for ascending order or %2 for descending order.","parameters":["ASC","DESC"]}'
pg='/rest/V1/orders?searchCriteria[pageSize]=4&searchCriteria[currentPage]'
is "page 2 of 4, echo of page_size and current_page" \
	"$(get "$pg=2" | py '('"$ids"', d["total_count"], d["search_criteria"])')" \
	"([5, 6, 7, 8], 18, {'filter_groups': [], 'page_size': 4, 'current_page': 2})"
is "a page past the end repeats the last page (past_end=last)" \
	"$(get "$pg=5" | py "$ids") $(get "$pg=9" | py '('"$ids"', d["total_count"])')" \
	"[17, 18] ([17, 18], 18)"
is "currentPage=0 is page 1" "$(get "$pg=0" | py "$ids")" "[1, 2, 3, 4]"
is "pageSize=abc: 400" "$(answer '/rest/V1/orders?searchCriteria[pageSize]=abc')" \
	'400 {"message":"Error occurred during \"pageSize\" processing. Invalid type for value: \"abc\". Expected Type: \"int\"."}'
is "pageSize=0: 400 (strict)" "$(answer '/rest/V1/orders?searchCriteria[pageSize]=0')" \
	'400 {"message":"Minimum SearchCriteria pageSize is %min","parameters":{"min":1}}'
is "an unknown searchCriteria key: 400 not supported" "$(answer '/rest/V1/orders?searchCriteria[page_limit]=5')" \
	'400 {"message":"\"%fieldName\" is not supported. Correct the field name and try again.","parameters":{"fieldName":"PageLimit"}}'
is "an unknown query parameter: 400 (strict)" "$(answer '/rest/V1/orders?searchCriteria=&status=complete' | cut -c1-3)" 400
is "an unknown order field: 500 masked SQL error" \
	"$(answer "/rest/V1/orders?$(f 0 0 shipped 1)" | cut -c1-80)" \
	'500 {"message":"Internal Error. Details are available in Magento log file. Repor'
is "an unknown product attribute: 400" "$(answer "/rest/V1/products?$(f 0 0 colour red)")" \
	'400 {"message":"Invalid attribute name: %1","parameters":["colour"]}'
is "an unknown condition_type: 400 (strict)" "$(answer "/rest/V1/orders?$(f 0 0 state new equals)")" \
	'400 {"message":"Invalid value of \"%value\" provided for the %fieldName field.","parameters":{"fieldName":"condition_type","value":"equals"}}'
is "a date not written YYYY-MM-DD HH:MM:SS: 400 (strict)" \
	"$(answer "/rest/V1/orders?$(f 0 0 updated_at 2026-11-01T00:00:00Z gt)")" \
	'400 {"message":"Invalid value of \"%value\" provided for the %fieldName field.","parameters":{"fieldName":"updated_at","value":"2026-11-01T00:00:00Z"}}'
is "fields= trims the answer" \
	"$(get "/rest/V1/orders?$(f 0 0 entity_id 1)&fields=items[increment_id,items[sku]],total_count")" \
	'{"items":[{"increment_id":"000000101","items":[{"sku":"MUG-BLU"}]}],"total_count":1}'

# ------------------------------------------------------------ orders, shipments
is "orders/2: a configurable line is a parent and a child row" \
	"$(get /rest/V1/orders/2 | py '[(i["item_id"], i["sku"], i["product_type"], i.get("parent_item_id"), i["price"], i["qty_ordered"], i["qty_shipped"], i.get("parent_item", {}).get("item_id")) for i in d["items"]]')" \
	"[(2, 'TS-RED-M', 'configurable', None, 19.95, 2, 1, None), (3, 'TS-RED-M', 'simple', 2, 0, 2, 1, 2), (4, 'MUG-WHT', 'simple', None, 9.95, 1, 1, None)]"
is "a simple item has no parent_item_id key (nulls are left out)" \
	"$(get /rest/V1/orders/1 | py '"parent_item_id" in d["items"][0]')" False
is "order JSON: increment_id, UTC times, addresses, shipping_assignments" \
	"$(get /rest/V1/orders/11 | py '(d["increment_id"], d["created_at"], d["customer_firstname"], d["billing_address"]["city"], d["billing_address"]["country_id"], d["grand_total"], d["order_currency_code"], len(d["extension_attributes"]["shipping_assignments"][0]["items"]))')" \
	"('000000111', '2026-10-25 13:13:13', 'Zoë', 'Köln', 'DE', 40.4, 'EUR', 2)"
is "PHP-style JSON: \\/ and \\uXXXX" \
	"$(get /rest/V1/inventory/sources | grep -c 'West \\/ Sloterdijk') $(get /rest/V1/orders/11 | grep -c '"Zo\\u00eb"')" "1 1"
is "a canceled order's qty_canceled" \
	"$(get /rest/V1/orders/7 | py '[(i["sku"], i["qty_canceled"], i["qty_shipped"]) for i in d["items"]]')" \
	"[('KAARS-CRM', 2, 0), ('SOCK-GRN', 1, 0)]"
is "complete with a virtual item that is never shipped" \
	"$(get /rest/V1/orders/12 | py '(d["state"], [(i["sku"], i["is_virtual"], i["qty_shipped"]) for i in d["items"]])')" \
	"('complete', [('GIFT-25', 1, 0), ('MUG-BLU', 0, 1)])"
is "orders/999: 404; orders/0 and orders/abc: 400" \
	"$(answer /rest/V1/orders/999) $(code /rest/V1/orders/0) $(answer /rest/V1/orders/abc)" \
	'404 {"message":"The entity that was requested doesn'"'"'t exist. Verify the entity and try again."} 400 400 {"message":"Invalid type for value: \"abc\". Expected Type: \"int\"."}'
is "shipments of orders 10 and 11 in one listing, with tracks" \
	"$(get "/rest/V1/shipments?$(f 0 0 order_id 10,11 in)" | py '[(s["order_id"], [(i["order_item_id"], i["qty"]) for i in s["items"]], [(t["carrier_code"], t["title"], t["track_number"]) for t in s["tracks"]]) for s in d["items"]]')" \
	"[(10, [(16, 2)], [('tablerate', 'PostNL', '3SABCD0000010')]), (10, [(16, 1), (17, 1)], [('dhl', 'DHL Parcel', 'JVGL0000000010'), ('dhl', 'DHL Parcel', 'JVGL0000000011')]), (11, [(18, 1)], [('ups', 'UPS', '1Z999AA10000011')])]"
is "shipments need searchCriteria; 10 in all" \
	"$(code /rest/V1/shipments) $(get '/rest/V1/shipments?searchCriteria=' | py 'd["total_count"]')" "400 10"

# ------------------------------------------------------------ catalog, inventory
is "products: 21, no stock in the list, configurable links" \
	"$(get '/rest/V1/products?searchCriteria=' | py '(d["total_count"], any("stock_item" in p.get("extension_attributes", {}) for p in d["items"]), [(p["sku"], p["extension_attributes"]["configurable_product_links"]) for p in d["items"] if p["type_id"] == "configurable"])')" \
	"(21, False, [('TS-RED', [2, 3, 4]), ('HD-BLK', [6, 7])])"
is "products: sku in, a leading-zeros SKU and an EAN" \
	"$(get "/rest/V1/products?$(f 0 0 sku 0042,8718526012347,42 in)" | py '[(p["id"], p["sku"], p["name"]) for p in d["items"]]')" \
	"[(10, '0042', 'Sleutelhanger ‘Grachtenpand’'), (13, '8718526012347', 'Koffiebonen 1 kg')]"
is "products: status 2 is disabled" "$(get "/rest/V1/products?$(f 0 0 status 2)" | py '[p["sku"] for p in d["items"]]')" "['CAP-BLK']"
is "sources: searchCriteria optional; the disabled source is listed" \
	"$(get /rest/V1/inventory/sources | py '[(s["source_code"], s["enabled"]) for s in d["items"]]')" \
	"[('default', True), ('wh_ams', True), ('wh_old', False)]"
is "sources: enabled eq 1" "$(get "/rest/V1/inventory/sources?$(f 0 0 enabled 1)" | py 'd["total_count"]')" 2
is "source items: of one SKU, decimal quantity kept" \
	"$(get "/rest/V1/inventory/source-items?$(f 0 0 sku 8718526012347)")" \
	'{"items":[{"sku":"8718526012347","source_code":"default","quantity":12.5,"status":1}],"search_criteria":{"filter_groups":[{"filters":[{"field":"sku","value":"8718526012347"}]}]},"total_count":1}'
is "source items: of one source, paged" \
	"$(get "/rest/V1/inventory/source-items?$(f 0 0 source_code wh_ams)&searchCriteria[pageSize]=3&searchCriteria[currentPage]=2" | py '([(i["sku"], i["quantity"], i["status"]) for i in d["items"]], d["total_count"])')" \
	"([('PST-A2-AMS', 4, 1)], 4)"
is "source items: no item at default for PST-A2-AMS; out of stock KAARS-CRM" \
	"$(get "/rest/V1/inventory/source-items?$(f 0 0 sku PST-A2-AMS,KAARS-CRM in)" | py '[(i["sku"], i["source_code"], i["quantity"], i["status"]) for i in d["items"]]')" \
	"[('PST-A2-AMS', 'wh_ams', 4, 1), ('KAARS-CRM', 'default', 0, 0)]"
is "source items: SKUs match case-sensitively (strict)" \
	"$(get "/rest/V1/inventory/source-items?$(f 0 0 sku mug-blu)" | py 'd["total_count"]')" 0
is "source items need searchCriteria" "$(code /rest/V1/inventory/source-items)" 400

# ------------------------------------------------------------ writes
si=/rest/V1/inventory/source-items
is "POST source-items: 200 []" \
	"$(post $si '{"sourceItems":[{"sku":"MUG-BLU","source_code":"default","quantity":38,"status":1},{"sku":"TS-RED-M","source_code":"default","quantity":5,"status":0}]}')" "200 []"
is "saved as sent: the status is not derived from the quantity" \
	"$(curl -s "$base/_sandbox/state" | py '[(i["sku"], i["source_code"], i["quantity"], i["status"]) for i in d["source_items"] if i["sku"] in ("MUG-BLU", "TS-RED-M") and i["source_code"] == "default"]')" \
	"[('TS-RED-M', 'default', 5, 0), ('MUG-BLU', 'default', 38, 1)]"
post $si '{"sourceItems":[{"sku":"MUG-BLU","source_code":"default","quantity":38,"status":1}]}' >/dev/null
is "an unchanged quantity counts a write too" "$(curl -s "$base/_sandbox/writes")" '{"MUG-BLU": 2, "TS-RED-M": 1}'
is "unknown SKU: 400, and the valid item beside it is not saved" \
	"$(post $si '{"sourceItems":[{"sku":"BAG-TOTE","source_code":"default","quantity":1,"status":1},{"sku":"NOPE-1","source_code":"default","quantity":1,"status":1}]}') $(get "/rest/V1/inventory/source-items?$(f 0 0 sku BAG-TOTE)" | py 'd["items"][0]["quantity"]')" \
	'400 {"message":"Product with requested \"%field\": \"%value\" was was not found.","parameters":{"field":"sku","value":"NOPE-1"}} 9'
is "several errors: Validation Failed with errors[]" \
	"$(post $si '{"sourceItems":[{"sku":" MUG-BLU","source_code":"default","status":1},{"sku":"MUG-WHT","source_code":"def ault","quantity":1,"status":7}]}' | cut -c5- | py '(d["message"], [(e["message"], e["parameters"]) for e in d["errors"]])')" \
	"('Validation Failed: \"sku\" can not contain leading or trailing spaces.', [('\"%field\" can not contain leading or trailing spaces.', {'field': 'sku'}), ('\"%field\" should be numeric.', {'field': 'quantity'}), ('Product with requested \"%field\": \"%value\" was was not found.', {'field': 'sku', 'value': ' MUG-BLU'}), ('\"%field\" can not contain whitespaces.', {'field': 'source_code'}), ('\"%field\" should a known status.', {'field': 'status'})])"
is "a non-numeric quantity: 400 from the type conversion" \
	"$(post $si '{"sourceItems":[{"sku":"MUG-BLU","source_code":"default","quantity":"lots","status":1}]}')" \
	'400 {"message":"Error occurred during \"quantity\" processing. Invalid type for value: \"lots\". Expected Type: \"float\"."}'
is "a negative quantity is valid" \
	"$(post $si '{"sourceItems":[{"sku":"SOCK-GRN","source_code":"default","quantity":-2,"status":0}]}')" "200 []"
is "unknown source: 400 Could not save Source Item, nothing saved" \
	"$(post $si '{"sourceItems":[{"sku":"MUG-WHT","source_code":"default","quantity":3,"status":1},{"sku":"MUG-WHT","source_code":"wh_nope","quantity":3,"status":1}]}') $(get "/rest/V1/inventory/source-items?$(f 0 0 sku MUG-WHT)" | py 'd["items"][0]["quantity"]')" \
	'400 {"message":"Could not save Source Item"} 25'
is "a disabled source and a new (sku, source) pair are accepted" \
	"$(post $si '{"sourceItems":[{"sku":"SOCK-GRN","source_code":"wh_old","quantity":0,"status":0},{"sku":"0042","source_code":"wh_ams","quantity":7,"status":1}]}') $(get "/rest/V1/inventory/source-items?$(f 0 0 sku 0042)" | py '[(i["source_code"], i["quantity"]) for i in d["items"]]')" \
	"200 [] [('default', 100), ('wh_ams', 7)]"
is "quantity kept to 4 decimals (DECIMAL(12,4)); 1e8 fails the INSERT" \
	"$(post $si '{"sourceItems":[{"sku":"0042","source_code":"default","quantity":1.234567,"status":1}]}') $(get "/rest/V1/inventory/source-items?$(f 0 0 sku 0042)" | py 'd["items"][0]["quantity"]') $(post $si '{"sourceItems":[{"sku":"0042","source_code":"default","quantity":1e8,"status":1}]}')" \
	'200 [] 1.2346 400 {"message":"Could not save Source Item"}'
is "no Content-Type: 400" \
	"$(answer $si -X POST --data-binary '{"sourceItems":[]}' -H 'Content-Type:')" \
	'400 {"message":"Content-Type header is empty."}'
is "not JSON: 400 Decoding error." "$(post $si '{sourceItems')" '400 {"message":"Decoding error."}'
is "no sourceItems: 400 required" "$(post $si '{}')" \
	'400 {"message":"\"%fieldName\" is required. Enter and try again.","parameters":{"fieldName":"sourceItems"}}'
is "sourceItems []: 400 Input data is empty" "$(post $si '{"sourceItems":[]}')" '400 {"message":"Input data is empty"}'
is "an unknown item field: 400 not supported" \
	"$(post $si '{"sourceItems":[{"sku":"MUG-BLU","source_code":"default","qty":1,"status":1}]}')" \
	'400 {"message":"\"%fieldName\" is not supported. Correct the field name and try again.","parameters":{"fieldName":"Qty"}}'
is "writes counted per SKU, refused batches not at all" \
	"$(curl -s "$base/_sandbox/writes")" '{"0042": 2, "MUG-BLU": 2, "SOCK-GRN": 2, "TS-RED-M": 1}'

# ------------------------------------------------------------ input limits (on by default)
base=$sbase
obody=$tmp/si21.json
python3 -c 'import json, sys; print(json.dumps({"sourceItems": [{"sku": "MUG-BLU", "source_code": "default", "quantity": n, "status": 1} for n in range(int(sys.argv[1]))]}))' 21 >"$obody"
is "input limit: 21 source items: 400 Maximum items" \
	"$(curl -s -w ' %{http_code}' -H "Authorization: $(oauth POST "$sbase$si")" -H 'Content-Type: application/json' --data-binary @"$obody" "$sbase$si")" \
	'{"message":"Maximum items of type \"%type\" is %max","parameters":{"type":"\\Magento\\InventoryApi\\Api\\Data\\SourceItemInterface","max":20}} 400'
python3 -c 'import json, sys; print(json.dumps({"sourceItems": [{"sku": "MUG-BLU", "source_code": "default", "quantity": n, "status": 1} for n in range(int(sys.argv[1]))]}))' 20 >"$obody"
is "input limit: 20 source items: 200" \
	"$(curl -s -w ' %{http_code}' -H "Authorization: $(oauth POST "$sbase$si")" -H 'Content-Type: application/json' --data-binary @"$obody" "$sbase$si")" "[] 200"
is "input limit: no pageSize means 20 of 21, echoed" \
	"$(oget "$sbase$si?searchCriteria=" | cut -c5- | py '(len(d["items"]), d["total_count"], d["search_criteria"])')" \
	"(20, 21, {'filter_groups': [], 'page_size': 20})"
is "input limit: pageSize 301: 400" "$(oget "$sbase$si?searchCriteria[pageSize]=301")" \
	'400 {"message":"Maximum SearchCriteria pageSize is %max","parameters":{"max":300}}'
is "input limit: pageSize 300 allowed" "$(oget "$sbase$si?searchCriteria[pageSize]=300" | cut -c1-3)" 200
fault '[{"path":"/rest/V1/inventory/source-items","kind":"change","change":{"max_page_size":70}}]'
is "change max_page_size 70: the next 300 is refused; reset restores 300" \
	"$(oget "$sbase$si?searchCriteria[pageSize]=300") $(curl -s -X POST "$sbase/_sandbox/reset" >/dev/null; oget "$sbase$si?searchCriteria[pageSize]=300" | cut -c1-3)" \
	'400 {"message":"Maximum SearchCriteria pageSize is %max","parameters":{"max":70}} 200'
# Indices 10 to 30: Magento sorts the decoded names, RFC 5849 the encoded
# ones, and they agree only while all indices have as many digits.
groups=$(i=10; while [ $i -le 30 ]; do printf '&%s' "$(f $i 0 status 1)"; i=$((i + 1)); done)
is "OAuth: groups [1] and [10] sort differently in Magento than in RFC 5849" \
	"$(oget "$sbase$si?$(f 1 0 status 1)&$(f 10 0 status 1)" | cut -c1-3)" 401
is "input limit: 21 filter groups: 400" \
	"$(oget "$sbase$si?searchCriteria[pageSize]=1$groups" | cut -c5- | py 'd["parameters"]')" \
	"{'type': '\\\\Magento\\\\Framework\\\\Api\\\\Search\\\\FilterGroup', 'max': 20}"

# ------------------------------------------------------------ shipping
base=http://127.0.0.1:$port_seed
curl -s -X POST "$base/_sandbox/reset" >/dev/null
# ship ORDER [BODY]: "STATUS BODY" of POST order/ORDER/ship.
ship() {
	if [ $# -gt 1 ]; then
		post "/rest/V1/order/$1/ship" "$2"
	else
		answer "/rest/V1/order/$1/ship" -X POST
	fi
}
# order ID EXPR: EXPR over GET orders/ID.
order() {
	get "/rest/V1/orders/$1" | py "$2"
}
# shipment ID EXPR: EXPR over the shipment with entity_id ID (as s).
shipment() {
	get "/rest/V1/shipments?$(f 0 0 entity_id "$1")" | py "[$2 for s in d['items']][0]"
}
qtys='[(i["item_id"], i["qty_shipped"]) for i in d["items"]]'
err='Shipment Document Validation Error(s):\n'
is "ship: no credentials: 401 with Magento_Sales::ship" \
	"$(curl -s -X POST "$base/rest/V1/order/3/ship" | py 'd["parameters"]["resources"]')" "Magento_Sales::ship"
is "ship: GET on the ship path: 404 (routes are per method)" "$(code /rest/V1/order/3/ship)" 404
is "ship: no body ships everything left; the answer is the id as a JSON string" \
	"$(ship 3)" '200 "11"'
is "ship: order 3 complete, qty_shipped raised, status history added" \
	"$(order 3 '(d["state"], d["status"], '"$qtys"', [(h["status"], h["comment"], h["entity_name"]) for h in d["status_histories"]])')" \
	"('complete', 'complete', [(5, 1), (6, 3)], [('complete', '', 'order')])"
is "ship: the new shipment in /V1/shipments: items, total_qty, increment_id" \
	"$(shipment 11 '(s["order_id"], s["increment_id"], s["total_qty"], [(i["order_item_id"], i["sku"], i["qty"]) for i in s["items"]], s["tracks"], "email_sent" in s, "created_at" in s)')" \
	"(3, '000000211', 4, [(5, 'BAG-TOTE', 1), (6, '0042', 3)], [], False, True)"
is "ship: a complete order: 400, both messages" "$(ship 3)" \
	"400 {\"message\":\"${err}The order does not allow a shipment to be created.\\nYou can't create a shipment without products.\"}"
is "ship: partial, with items and a track, notify false: 200" \
	"$(ship 11 '{"items":[{"order_item_id":19,"qty":1}],"notify":false,"tracks":[{"track_number":"3SABCD0000111","title":"PostNL","carrier_code":"tablerate"}]}')" \
	'200 "12"'
is "ship: partial: order 11 stays processing, no history" \
	"$(order 11 '(d["state"], d["status"], '"$qtys"', d["status_histories"])')" \
	"('processing', 'processing', [(18, 1), (19, 1)], [])"
is "ship: notify false sends no mail" "$(curl -s "$base/_sandbox/mail")" "[]"
is "ship: the track as GET /V1/shipments returns it" \
	"$(shipment 12 '([(i["order_item_id"], i["qty"]) for i in s["items"]], s["total_qty"], [{k: t[k] for k in sorted(t) if not k.endswith("_at")} for t in s["tracks"]])')" \
	"([(19, 1)], 1, [{'carrier_code': 'tablerate', 'description': None, 'entity_id': 101, 'order_id': 11, 'parent_id': 12, 'qty': None, 'title': 'PostNL', 'track_number': '3SABCD0000111', 'weight': None}])"
is "ship: the client's search by order_id finds both shipments of order 11" \
	"$(get "/rest/V1/shipments?$(f 0 0 order_id 11)" | py '[(s["entity_id"], [t["track_number"] for t in s["tracks"]]) for s in d["items"]]')" \
	"[(6, ['1Z999AA10000011']), (12, ['3SABCD0000111'])]"
is "ship: the rest with notify, a comment and two tracks: 200" \
	"$(ship 11 '{"items":[],"notify":true,"appendComment":true,"comment":{"comment":"Tweede doos","is_visible_on_front":1},"tracks":[{"track_number":"JVGL0000000099","title":"DHL Parcel","carrier_code":"dhl"},{"track_number":"JVGL0000000100","carrier_code":"dhl"}]}')" \
	'200 "13"'
is "ship: notify true mails the customer the shipment" "$(curl -s "$base/_sandbox/mail")" \
	'[{"to": "zoe.mueller@example.de", "template": "shipment", "order": 11}]'
is "ship: email_sent, the comment, a track without title" \
	"$(shipment 13 '(s["email_sent"], [(c["comment"], c["is_customer_notified"], c["is_visible_on_front"]) for c in s["comments"]], [(t["track_number"], t["title"]) for t in s["tracks"]], [(i["order_item_id"], i["qty"]) for i in s["items"]])')" \
	"(1, [('Tweede doos', 1, 1)], [('JVGL0000000099', 'DHL Parcel'), ('JVGL0000000100', None)], [(18, 2)])"
is "ship: order 11 now complete" "$(order 11 '(d["state"], d["status"], '"$qtys"')')" \
	"('complete', 'complete', [(18, 3), (19, 1)])"
is "ship: a configurable's child row alone: no products" \
	"$(ship 14 '{"items":[{"order_item_id":25,"qty":1}]}')" \
	"400 {\"message\":\"${err}You can't create a shipment without products.\"}"
is "ship: a configurable: only the parent row is shipped; the child stays 0" \
	"$(ship 14) $(order 14 '(d["state"], d["status"], '"$qtys"')') $(shipment 14 '[(i["order_item_id"], i["qty"]) for i in s["items"]]')" \
	"200 \"14\" ('complete', 'complete', [(24, 1), (25, 0)]) [(24, 1)]"
is "ship: a qty above what is left is cut to what is left" \
	"$(ship 2 '{"items":[{"order_item_id":2,"qty":5}]}') $(shipment 15 '(s["total_qty"], [(i["order_item_id"], i["qty"]) for i in s["items"]])') $(order 2 '(d["state"], '"$qtys"')')" \
	"200 \"15\" (1, [(2, 1)]) ('complete', [(2, 2), (3, 1), (4, 1)])"
is "ship: a bundle shipped together: its child row alone is refused" \
	"$(ship 16 '{"items":[{"order_item_id":30,"qty":1}]}')" \
	"400 {\"message\":\"${err}You can't create a shipment without products.\\nCannot create shipment as bundle product \\\"SET-MUG\\\" has shipment type \\\"Together\\\". Bundle product itself should be shipped instead.\"}"
is "ship: a bundle shipped together: the bundle row ships its children" \
	"$(ship 16 '{"items":[{"order_item_id":29,"qty":1}]}') $(order 16 '(d["state"], '"$qtys"')') $(shipment 16 '(s["total_qty"], [(i["order_item_id"], i["qty"]) for i in s["items"]])')" \
	"200 \"16\" ('complete', [(29, 1), (30, 1), (31, 2)]) (4, [(29, 1)])"
is "ship: a new order becomes processing (nothing invoiced), no history" \
	"$(ship 4) $(order 4 '(d["state"], d["status"], '"$qtys"', d["status_histories"])')" \
	"200 \"17\" ('processing', 'processing', [(7, 1), (8, 0)], [])"
is "ship: holded: 400" "$(ship 8)" \
	"400 {\"message\":\"${err}A shipment cannot be created when an order has a status of holded\"}"
is "ship: canceled: 400, nothing left either" "$(ship 7)" \
	"400 {\"message\":\"${err}A shipment cannot be created when an order has a status of canceled\\nYou can't create a shipment without products.\"}"
is "ship: payment_review (a virtual order, status fraud): 400" "$(ship 9)" \
	"400 {\"message\":\"${err}A shipment cannot be created when an order has a status of fraud\\nYou can't create a shipment without products.\"}"
is "ship: closed: 400" "$(ship 6)" \
	"400 {\"message\":\"${err}The order does not allow a shipment to be created.\\nYou can't create a shipment without products.\"}"
is "ship: unknown order: 404; order 0 and abc: 400" \
	"$(ship 999) $(ship 0) $(ship abc)" \
	'404 {"message":"The entity that was requested doesn'"'"'t exist. Verify the entity and try again."} 400 {"message":"An ID is needed. Set the ID and try again."} 400 {"message":"Invalid type for value: \"abc\". Expected Type: \"int\"."}'
is "ship: a track without track_number: 400" \
	"$(ship 13 '{"tracks":[{"title":"PostNL","carrier_code":"tablerate"}]}')" \
	"400 {\"message\":\"${err}Please enter a tracking number.\"}"
is "ship: a track without carrier_code: 400 on save, nothing written" \
	"$(ship 13 '{"tracks":[{"track_number":"3SABCD0000113"}]}') $(order 13 '(d["state"], '"$qtys"')')" \
	"400 {\"message\":\"Could not save a shipment, see error log for details\"} ('new', [(22, 0), (23, 0)])"
is "ship: an empty comment: 400 on save" \
	"$(ship 13 '{"comment":{"is_visible_on_front":0}}')" \
	'400 {"message":"Could not save a shipment, see error log for details"}'
is "ship: a body key Magento does not know: 400 (strict)" "$(ship 13 '{"item":[]}')" \
	'400 {"message":"\"%fieldName\" is not supported. Correct the field name and try again.","parameters":{"fieldName":"Item"}}'
is "ship: an unknown item field; a qty that is not a number" \
	"$(ship 13 '{"items":[{"order_item_id":23,"quantity":1}]}') $(ship 13 '{"items":[{"order_item_id":23,"qty":"one"}]}')" \
	'400 {"message":"\"%fieldName\" is not supported. Correct the field name and try again.","parameters":{"fieldName":"Quantity"}} 400 {"message":"Error occurred during \"qty\" processing. Invalid type for value: \"one\". Expected Type: \"float\"."}'
is "ship: a body needs Content-Type application/json" \
	"$(answer /rest/V1/order/13/ship -X POST --data-binary '{}' -H 'Content-Type: text/plain')" \
	'400 {"message":"Server cannot understand Content-Type HTTP header media type %1","parameters":["text\/plain"]}'
is "ship: pending_payment is not refused, and stays pending_payment" \
	"$(ship 5 '{"notify":"no"}') $(order 5 '(d["state"], d["status"], '"$qtys"')')" \
	"200 \"18\" ('pending_payment', 'pending_payment', [(9, 2)])"
is "ship: writes: one per shipment and one per track" "$(curl -s "$base/_sandbox/writes")" \
	'{"order 11 shipment": 2, "order 11 track": 3, "order 14 shipment": 1, "order 16 shipment": 1, "order 2 shipment": 1, "order 3 shipment": 1, "order 4 shipment": 1, "order 5 shipment": 1}'
is "ship: GET /V1/orders by increment_id eq, and GET /V1/orders/{id}" \
	"$(get "/rest/V1/orders?$(f 0 0 increment_id 000000116 eq)" | py "$ids") $(order 16 '[(i["item_id"], i["product_type"], i.get("parent_item_id")) for i in d["items"]]')" \
	"[16] [(29, 'bundle', None), (30, 'simple', 29), (31, 'simple', 29)]"
fault '[{"path":"/rest/V1/order/13/ship","kind":"500"}]'
is "ship: fault 500: not carried out" \
	"$(ship 13 | cut -c1-3) $(order 13 'd["state"]') $(curl -s "$base/_sandbox/writes" | py 'd.get("order 13 shipment")')" \
	"500 new None"
fault '[{"path":"/rest/V1/order/13/ship","kind":"slow","delay":0.2}]'
is "ship: fault slow: the answer comes late, the write is applied" \
	"$(ship 13) $(curl -s "$base/_sandbox/writes" | py 'd["order 13 shipment"]') $(order 13 'd["state"]')" \
	'200 "19" 1 processing'
curl -s -X POST "$base/_sandbox/reset" >/dev/null
# A bundle shipped separately: the seed with SET-MUG's shipment_type 1.
mkdir "$tmp/sep"
cp "$seed"/*.json "$tmp/sep/"
python3 -c 'import json, sys
f = sys.argv[1] + "/products.json"
d = json.load(open(f))
for p in d:
    if p["sku"] == "SET-MUG":
        for a in p["custom_attributes"]:
            if a["attribute_code"] == "shipment_type":
                a["value"] = "1"
json.dump(d, open(f, "w"))' "$tmp/sep"
# shellcheck disable=SC2086
start sep --data "$tmp/sep" $loose
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_sep
is "ship: a bundle shipped separately: its bundle row alone is refused" \
	"$(ship 16 '{"items":[{"order_item_id":29,"qty":1}]}')" \
	"400 {\"message\":\"${err}You can't create a shipment without products.\\nCannot create shipment as bundle product \\\"SET-MUG\\\" has shipment type \\\"Separately\\\". Bundle product options should be shipped instead.\"}"
# total_qty_ordered (1) <= rows shipped (3): State.php's partial refund
# rule makes it complete although item 30 is left.
is "ship: a bundle shipped separately: a child row ships, with the bundle row" \
	"$(ship 16 '{"items":[{"order_item_id":31,"qty":2}]}') $(shipment 11 '(s["total_qty"], [(i["order_item_id"], i["qty"]) for i in s["items"]])') $(order 16 '(d["state"], '"$qtys"')')" \
	"200 \"11\" (3, [(29, 1), (31, 2)]) ('complete', [(29, 1), (30, 0), (31, 2)])"
# shellcheck disable=SC2154
kill "$pid_sep"

# ------------------------------------------------------------ faults, log, reset
base=http://127.0.0.1:$port_seed
fault '[{"path":"/rest/V1/orders","kind":"429"}]'
is "fault 429: Magento's body" "$(answer "$ords")" '429 {"message":"Too Many Requests","trace":null}'
fault '[{"path":"/rest/V1/orders","kind":"500"}]'
is "fault 500: the masked internal error" "$(answer "$ords" | cut -c1-39)" '500 {"message":"Internal Error. Details'
curl -s -X DELETE "$base/_sandbox/log" >/dev/null
code "$ords" >/dev/null
curl -s -o /dev/null "$base/rest/V1/customers"
is "log lines: auth ok, and missing on the 404" "$(curl -s "$base/_sandbox/log" | python3 -c 'import json,sys
for l in sys.stdin:
    e = json.loads(l); print(e["method"], e["path"], e["status"], e["auth"])')" \
	"GET /rest/V1/orders 200 ok
GET /rest/V1/customers 404 missing"
curl -s -X POST "$base/_sandbox/reset" >/dev/null
is "reset restores stock and clears writes" \
	"$(get "/rest/V1/inventory/source-items?$(f 0 0 sku MUG-BLU)&$(f 1 0 source_code default)" | py 'd["items"][0]["quantity"]') $(curl -s "$base/_sandbox/writes")" "40 {}"

# ------------------------------------------------------------ generated data
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_gen
is "generated: 1000 products and 2 bundles, a source item each at default" \
	"$(get "/rest/V1/products?searchCriteria[pageSize]=1" | py 'd["total_count"]') $(get "$si?$(f 0 0 source_code default)&searchCriteria[pageSize]=1" | py 'd["total_count"]')" \
	"1002 1000"
is "generated: 120 orders, every state" \
	"$(get '/rest/V1/orders?searchCriteria=' | py '(d["total_count"], len(set(o["state"] for o in d["items"])))')" "(120, 8)"
is "past_end=empty: a page past the end has no items" \
	"$(get '/rest/V1/orders?searchCriteria[pageSize]=100&searchCriteria[currentPage]=3' | py '(len(d["items"]), d["total_count"])')" "(0, 120)"
is "generated: bundles shipped together and separately, every 7th order" \
	"$(get "/rest/V1/products?$(f 0 0 type_id bundle)" | py '[(p["sku"], [a["value"] for a in p["custom_attributes"] if a["attribute_code"] == "shipment_type"]) for p in d["items"]]') $(get '/rest/V1/orders?searchCriteria=' | py '[o["entity_id"] for o in d["items"] if any(i["product_type"] == "bundle" for i in o["items"])][:4]')" \
	"[('SET-1', ['0']), ('SET-2', ['1'])] [7, 14, 21, 28]"
is "generated: a separately shipped bundle's shipment holds its row (1) and its part's" \
	"$(get "/rest/V1/shipments?$(f 0 0 order_id 14)" | py '[(i["sku"], i["qty"]) for s in d["items"] for i in s["items"] if i["sku"].startswith(("SET", "TS-RED-XS"))]')" \
	"[('SET-2', 1), ('TS-RED-XS', 2)]"
is "generated: shipped quantities have shipments" \
	"$(get '/rest/V1/shipments?searchCriteria=' | py 'd["total_count"] > 30 and all(s["tracks"] for s in d["items"])')" True
g1=$(curl -s "$base/_sandbox/state" | md5sum)
# shellcheck disable=SC2086
s2=$(python3 "$here/sandbox.py" --platform magento --generate products=1000,orders=120 --set past_end=empty $loose --port 0 --ready "$tmp/g2" >/dev/null 2>&1 & echo $!)
pids="$pids $s2"
while [ ! -s "$tmp/g2" ]; do sleep 0.01; done
g2=$(curl -s "http://127.0.0.1:$(cat "$tmp/g2")/_sandbox/state" | md5sum)
kill "$s2"
is "--generate is deterministic" "$g1" "$g2"
# shellcheck disable=SC2154
base=http://127.0.0.1:$port_big
is "10,000 products page 300 at a time" \
	"$(get "$si?$(f 0 0 source_code default)&searchCriteria[pageSize]=300&searchCriteria[currentPage]=34" | py '(len(d["items"]), d["total_count"])')" \
	"(100, 10000)"

# ------------------------------------------------------------ bad data, options
mkdir "$tmp/bad"
cp "$seed/sources.json" "$seed/products.json" "$tmp/bad/"
printf '[{"sku":"MUG-BLU","source_code":"wh_nowhere","quantity":1,"status":1}]\n' >"$tmp/bad/source_items.json"
python3 "$here/sandbox.py" --platform magento --data "$tmp/bad" --port 0 2>"$tmp/bad.err"
is "a source item at an unknown source: exit 2" "$?" 2
is "the message names file, item and field" \
	"$(grep -c "source_items.json: item 0 ('MUG-BLU' at 'wh_nowhere'): source_code" "$tmp/bad.err")" 1
python3 "$here/sandbox.py" --platform magento --set bearer=maybe --port 0 2>/dev/null
is "--set bearer=maybe: exit 2" "$?" 2
python3 "$here/sandbox.py" --platform magento --set oauth_url=lower --port 0 2>/dev/null
is "--set oauth_url=lower: exit 2" "$?" 2
python3 "$here/sandbox.py" --platform magento --set rate=1 --port 0 2>/dev/null
is "--set with an unknown name: exit 2" "$?" 2

# ------------------------------------------------------------ SIGTERM
# shellcheck disable=SC2154
kill "$pid_seed"
wait "$pid_seed"
is "SIGTERM: exits 0" "$?" 0

# shellcheck disable=SC2154
echo "1..$n"
# shellcheck disable=SC2154
[ "$failed" -eq 0 ]
