# order-dedupe.bats: each case one line: exit status, expected stdout in
# tests/order-dedupe/, expected stderr (grep -Ex, a line per line), command.
# Fixtures are tests/data/od-*; the examples are described, duplicate by
# duplicate, in examples/README.md.
load setup

# Each case sees the fixtures as data/ and the examples as ex/, so that the
# file names in messages, dup_of and rejects are short and the same on
# every machine.
eval "harness_setup() $(declare -f setup | tail -n +2)"
setup() { harness_setup; ln -s "$DATA" data; ln -s "$EX" ex; }

# full CMD...: CMD with its standard output on /dev/full.
full() { "$@" >/dev/full; }

# notemp NAME: no temporary NAME.XXXXXX is left here.
notemp() { [ -z "$(find . -maxdepth 1 -name "$1.??????")" ]; }

OLD=ex/old-shop-orders.jsonl
NEW=ex/new-shop-orders.jsonl
WMS=ex/wms-orders.jsonl
USAGE='usage: order-dedupe \[-fqv\] .*
 +\[--against-key fields\] .*
 +\[--keep first\|last\|most-advanced\] .*
 +\[--rejects file\] .*
 +\[file \.\.\.\]'
NOSTATUS='no status, or not one of draft, open, on_hold, partially_shipped, completed, cancelled'

# --- the default key: source,shop,number ---------------------------------
@test "repeats in the old shop's export pass once"      { t 0 old.out            "" order-dedupe $OLD; }
@test "--summary: 34 read, 30 passed, 4 duplicates"     { t 0 old.out            "order-dedupe: 34 read, 30 passed, 4 duplicates, 0 known, 0 seen, 0 rejected" order-dedupe --summary $OLD; }
@test "--summary=json: the same counts"                 { t 0 old.out            '\{"read":34,"passed":30,"duplicates":4,"known":0,"seen":0,"rejected":0\}' order-dedupe --summary=json $OLD; }
@test "other shop or platform: another order; lines pass byte for byte" { t 0 repeats.out "" order-dedupe data/od-repeats.jsonl; }
@test "the output is each order's first line, byte for byte" {
	order-dedupe $OLD >got
	# source and shop are the same on every line: number is the key
	awk 'match($0, /"number":"[^"]*"/) &&
	    !seen[substr($0, RSTART, RLENGTH)]++' $OLD >want
	[ "$(wc -l <want)" -eq 30 ]
	cmp got want
}

# --- -k ------------------------------------------------------------------
@test "-k number: one field, escapes compared decoded" { t 0 repeats-number.out "" order-dedupe -k number data/od-repeats.jsonl; }
@test "-k shop,number: two fields"                     { t 0 repeats-shop-number.out "" order-dedupe -k shop,number data/od-repeats.jsonl; }
@test "--key a,b: (ab,c) and (a,bc) are two keys"      { t 0 split.out          "" order-dedupe --key a,b data/od-split.jsonl; }
@test "-k number on the old shop: the planted 4 repeats" { t 0 old.out          "" order-dedupe -k number --dups d $OLD; t 0 old-number.dups "" cat d; }
@test "-k , names no field: usage"                     { t 2 -                  "order-dedupe: -k needs at least one field
$USAGE" order-dedupe -k , $OLD; }

# --- --keep: rank draft < open < on_hold < partially_shipped < completed = cancelled
@test "--keep first"                                   { t 0 keep-first.out     "" order-dedupe -k number --dups d data/od-status.jsonl; t 0 keep-first.dups "" cat d; }
@test "--keep last: winners in input order"            { t 0 keep-last.out      "" order-dedupe -k number --keep last --dups d data/od-status.jsonl; t 0 keep-last.dups "" cat d; }
@test "--keep most-advanced: ties keep the earlier"    { t 0 keep-advanced.out  "" order-dedupe -k number --keep most-advanced --dups d data/od-status.jsonl; t 0 keep-advanced.dups "" cat d; }
@test "--keep most-advanced on the old shop: 1020 completed, line 24" { t 0 old-advanced.out "" order-dedupe -k number --keep most-advanced --dups d $OLD; t 0 old-advanced.dups "" cat d; }
@test "--keep most-advanced: an unknown status is fatal" { t 2 -                "order-dedupe: data/od-nostatus.jsonl:2: $NOSTATUS" order-dedupe -k number --keep most-advanced data/od-nostatus.jsonl; }
@test "--keep most-advanced --rejects: the others pass, exit 1" { t 1 nostatus.out "order-dedupe: 2 records set aside in rej" order-dedupe -k number --keep most-advanced --rejects rej data/od-nostatus.jsonl; }
@test "--keep most-advanced --rejects: each record set aside once" {
	t 1 nostatus.out "order-dedupe: 2 records set aside in rej" order-dedupe -k number --keep most-advanced --rejects rej data/od-nostatus.jsonl
	t 0 nostatus.rej "" cat rej
}

# --- --dups --------------------------------------------------------------
@test "--dups CSV: a dup_of column"                    { t 0 csv.out            "" order-dedupe --dups d data/od-orders.csv; t 0 csv.dups "" cat d; }
@test "--dups /dev/stdout on a pipe is refused"        { t 2 -                  "order-dedupe: --dups /dev/stdout: that is standard output; the duplicates would be mixed into the orders" bash -c 'set -o pipefail; order-dedupe -k number --dups /dev/stdout data/od-status.jsonl | cat'; }
@test "--dups /dev/stdout on a file is refused, /dev untouched" {
	t 2 - "order-dedupe: --dups /dev/stdout: that is standard output; the duplicates would be mixed into the orders" sh -c 'order-dedupe -k number --dups /dev/stdout data/od-status.jsonl >all; s=$?; [ ! -s all ]; exit $s'
	[ -L /dev/stdout ]
	[ -z "$(ls -d /dev/stdout.* 2>/dev/null)" ]
}
@test "--dups /dev/stderr into a pipe"                 { t 0 dups-stderr.out  "" sh -c 'order-dedupe -k number --dups /dev/stderr data/od-status.jsonl 2>&1 >/dev/null | cat'; }
@test "standard input, --keep last: dup_of <stdin>:N"  { t 0 keep-last.out      "" sh -c 'order-dedupe -k number --keep last --dups d <data/od-status.jsonl'; t 0 stdin-last.dups "" cat d; }
@test "standard input among files, --keep last: nothing lost" {
	t 0 stdin-among.out "order-dedupe: 12 read, 5 passed, 7 duplicates, 0 known, 0 seen, 0 rejected" sh -c 'order-dedupe -k number --keep last --summary data/od-status.jsonl - <data/od-stdin.jsonl'
}
@test "a failed output leaves no --dups file"          { t 2 -                  "order-dedupe: write error: No space left on device" full order-dedupe --dups dups data/od-repeats.jsonl; [ ! -e dups ]; notemp dups; }
@test "a fatal input error leaves no --dups file" {
	t 2 nostatus-first.out "order-dedupe: data/od-split.jsonl:1: a key field is missing" order-dedupe -k number --dups dups data/od-nostatus.jsonl data/od-split.jsonl
	[ ! -e dups ]
	notemp dups
}

# --- --against: orders that never reached the WMS -------------------------
@test "--against WMS: 1012, 1029 and 1030 are missing" { t 0 against-wms.out    "order-dedupe: 34 read, 3 passed, 4 duplicates, 27 known, 0 seen, 0 rejected" order-dedupe -k number --against $WMS --against-key reference --summary $OLD; }
@test "--against with the same key"                    { t 0 state-new.out      "" order-dedupe --against data/od-state1.jsonl data/od-state2.jsonl; }
@test "--against-key with another number of fields"    { t 2 -                  "order-dedupe: --against-key names 1 field, the key 3" order-dedupe --against $WMS --against-key reference $OLD; }
@test "--matching: only the orders whose key is in FILE" { t 0 matching.out "order-dedupe: 9 read, 2 passed, 5 duplicates, 2 known, 0 seen, 0 rejected" order-dedupe -k number --matching data/od-sorted-wms.jsonl --against-key reference --summary data/od-sorted.jsonl; }
@test "--matching --sorted: the same, streamed"          { t 0 matching.out "" order-dedupe -k number --matching data/od-sorted-wms.jsonl --against-key reference --sorted data/od-sorted.jsonl; }
@test "--against and --matching: one or the other"      { t 2 - "order-dedupe: --against and --matching: one or the other
$USAGE" order-dedupe --against a --matching b $OLD; }
@test "--against-key without --against: usage"         { t 2 -                  "order-dedupe: --against-key goes with --against or --matching
$USAGE" order-dedupe --against-key reference $OLD; }

# --- --fingerprint: e-mail, total, SKU x qty ------------------------------
@test "--fingerprint old+new: 33 passed, 13 duplicates" { t 0 fp-examples.out   '\{"read":46,"passed":33,"duplicates":13,"known":0,"seen":0,"rejected":0\}' order-dedupe --fingerprint --summary=json --dups d $OLD $NEW; t 0 fp-examples.dups "" cat d; }
@test "-k number finds none of #2001-#2009"            { t 0 -                  "order-dedupe: 46 read, 42 passed, 4 duplicates, 0 known, 0 seen, 0 rejected" sh -c 'order-dedupe -k number --summary "$1" "$2" >/dev/null' sh $OLD $NEW; }
@test "--fingerprint: #2011 is not 1002 nor 1013"      { t 0 fp-trap.out        "" sh -c '{ sed -n "2p;13p" "$1"; grep "#2011" "$2"; } | order-dedupe -f' sh $OLD $NEW; }
@test "-f: e-mail case and space, total 49.9 = 049.900, items in any order" { t 0 fp.out "" order-dedupe -f --dups d data/od-fp.jsonl; t 0 fp.dups "" cat d; }
@test "-f on CSV: items 'SKU x QTY; ...'"              { t 0 fp-csv.out         "" order-dedupe -f --dups d data/od-fp.csv; t 0 fp-csv.dups "" cat d; }
@test "-f: malformed CSV items are fatal"              { t 2 fp-bad.csv         "order-dedupe: data/od-fp-bad.csv:3: items is not of the form 'SKU x QTY; \.\.\.'" order-dedupe -f data/od-fp-bad.csv; }
@test "-f: a JSONL line without a whole qty is fatal"  { t 2 fp-bad.jsonl       "order-dedupe: data/od-fp-bad.jsonl:2: a line without a sku string and a whole qty" order-dedupe -f data/od-fp-bad.jsonl; }

# --- --state: report each order once across runs ---------------------------
@test "--state, run 1: all pass, their keys are kept"  { t 0 state-1.out        "" order-dedupe --state st data/od-state1.jsonl; t 0 state-1.csv "" cat st; }
@test "--state, run 2: the same input passes nothing"  { order-dedupe --state st data/od-state1.jsonl >/dev/null; cp st st.1; t 0 - "order-dedupe: 4 read, 0 passed, 1 duplicates, 0 known, 3 seen, 0 rejected" order-dedupe --summary --state st data/od-state1.jsonl; cmp st st.1; }
@test "--state, run 3: only the new order passes"      { order-dedupe --state st data/od-state1.jsonl >/dev/null; t 0 state-new.out "" order-dedupe --state st data/od-state2.jsonl; t 0 state-3.csv "" cat st; }
@test "--state stays when the output fails"            { order-dedupe --state st data/od-state1.jsonl >/dev/null; cp st st.1; t 2 - "order-dedupe: write error: No space left on device" full order-dedupe --state st data/od-state2.jsonl; cmp st st.1; notemp st; }
@test "--state with --fingerprint: email,total,items"  { t 0 fp.out             "" order-dedupe -f --state st data/od-fp.jsonl; t 0 state-fp.csv "" cat st; }

# --- --sorted: constant memory, order checked ------------------------------
@test "--sorted: out-of-order input stops at its line" { t 2 unsorted.out       "order-dedupe: data/od-unsorted.jsonl:4: not sorted by number: this key sorts before the one on line 3 \(sort by these fields in byte order, or leave out --sorted\)" order-dedupe --sorted -k number data/od-unsorted.jsonl; }
@test "--sorted --keep last: checked before any output" { t 2 -                 "order-dedupe: data/od-unsorted.jsonl:4: not sorted by number: this key sorts before the one on line 3 \(sort by these fields in byte order, or leave out --sorted\)" order-dedupe --sorted --keep last -k number data/od-unsorted.jsonl; }
@test "--sorted = hash mode, --keep first"             { t 0 sorted-first.out   "" order-dedupe -k number --dups d1 data/od-sorted.jsonl; t 0 sorted-first.out "" order-dedupe --sorted -k number --dups d2 data/od-sorted.jsonl; cmp d1 d2; t 0 sorted-first.dups "" cat d2; }
@test "--sorted = hash mode, --keep last"              { t 0 sorted-last.out    "" order-dedupe -k number --keep last --dups d1 data/od-sorted.jsonl; t 0 sorted-last.out "" order-dedupe --sorted -k number --keep last --dups d2 data/od-sorted.jsonl; cmp d1 d2; t 0 sorted-last.dups "" cat d2; }
@test "--sorted = hash mode, --keep most-advanced"     { t 0 sorted-advanced.out "" order-dedupe -k number --keep most-advanced --dups d1 data/od-sorted.jsonl; t 0 sorted-advanced.out "" order-dedupe --sorted -k number --keep most-advanced --dups d2 data/od-sorted.jsonl; cmp d1 d2; t 0 sorted-advanced.dups "" cat d2; }
@test "--sorted --against: a merge, same as hash mode" { t 0 sorted-against.out "order-dedupe: 9 read, 2 passed, 5 duplicates, 2 known, 0 seen, 0 rejected" order-dedupe --sorted -k number --against data/od-sorted-wms.jsonl --against-key reference --summary data/od-sorted.jsonl; t 0 sorted-against.out "" order-dedupe -k number --against data/od-sorted-wms.jsonl --against-key reference data/od-sorted.jsonl; }
@test "--sorted --against: an unsorted FILE is named"  { t 2 -                  "order-dedupe: data/od-unsorted-wms.jsonl:2: not sorted by reference: this key sorts before the one on an earlier line" sh -c 'order-dedupe --sorted -k number --against data/od-unsorted-wms.jsonl --against-key reference data/od-sorted.jsonl >/dev/null'; }
@test "--sorted --fingerprint: usage"                  { t 2 -                  "order-dedupe: --sorted needs input sorted by a key; a fingerprint is not one
$USAGE" order-dedupe --sorted --fingerprint $OLD; }
@test "--sorted streams 300k orders in 10 MB; hashing them does not fit" {
	[ -z "${SHOPSWITCH_SANITIZE:-}" ] ||
	    skip "ASan and valgrind reserve more virtual memory than any ulimit -v here"
	# every third order twice: open, then completed
	awk 'BEGIN { for (i = 1; i <= 300000; i++) {
		s = sprintf("{\"source\":\"woocommerce\",\"shop\":\"old\",\"number\":\"%07d\",\"status\":\"", i)
		print s "open\"}"
		if (i % 3 == 0) print s "completed\"}" } }' >big.jsonl
	counts='\{"read":400000,"passed":300000,"duplicates":100000,"known":0,"seen":0,"rejected":0\}'
	t 0 - "$counts" sh -c 'ulimit -v 10000 && order-dedupe --sorted --summary=json big.jsonl >first'
	t 0 - "$counts" sh -c 'ulimit -v 10000 && order-dedupe --sorted --keep most-advanced --summary=json big.jsonl >advanced'
	t 2 - "(order-dedupe|shopswitch): out of memory" sh -c 'ulimit -v 10000 && order-dedupe --summary=json big.jsonl >/dev/null'
	order-dedupe big.jsonl >want
	cmp first want
	[ "$(grep -c completed advanced)" -eq 100000 ]
}

# --- CSV -----------------------------------------------------------------
@test "CSV in, CSV out: one row per order"             { t 0 csv.out            "" order-dedupe data/od-orders.csv; }
@test "-i csv names the format"                        { t 0 csv.out            "" order-dedupe -i csv data/od-orders.csv; }
@test "a ';' export is sniffed, written with ','"      { t 0 csv-nl.out         "" order-dedupe data/od-orders-nl.csv; }
@test "-o jsonl from CSV: every value a string"        { t 0 csv-to-jsonl.out   "" order-dedupe -o jsonl data/od-orders.csv; }
@test "-o csv from JSONL: nested values compact JSON"  { t 0 nested.csv         "" order-dedupe -o csv --dups d data/od-nested.jsonl; t 0 nested-dups.csv "" cat d; }
@test "--excel: BOM, CRLF, quoted, formulas inert"     { t 0 excel.csv          "" order-dedupe --excel data/od-orders.csv; }
@test "--excel on JSONL writes CSV"                    { t 0 excel-nested.csv   "" order-dedupe --excel data/od-nested.jsonl; }
@test "--excel -o jsonl is refused"                    { t 2 -                  "order-dedupe: --excel writes CSV; it does not go with -o jsonl" order-dedupe --excel -o jsonl data/od-nested.jsonl; }
@test "CSV without a key column"                       { t 2 -                  "order-dedupe: data/od-orders.csv: no column 'id' in the header \(it has 'source', 'shop', 'number', 'status', 'name', 'total', 'items'\)" order-dedupe -k id data/od-orders.csv; }

# --- bad input -----------------------------------------------------------
@test "invalid JSON: file, line and column"            { t 2 bad-first.out      "order-dedupe: data/od-badjson.jsonl:2: unexpected end of input \(column 54\)" order-dedupe data/od-badjson.jsonl; }
@test "a JSON line that is not an object"              { t 2 bad-first.out      "order-dedupe: data/od-notobject.jsonl:2: not a JSON object \(column 1\)" order-dedupe data/od-notobject.jsonl; }
@test "a key member is missing"                        { t 2 bad-first.out      "order-dedupe: data/od-nokey.jsonl:2: a key field is missing" order-dedupe data/od-nokey.jsonl; }
@test "every key field empty (or null)"                { t 2 bad-first.out      "order-dedupe: data/od-emptykey.jsonl:2: every key field is empty" order-dedupe data/od-emptykey.jsonl; }
@test "--rejects sets them aside and goes on, exit 1"  { t 1 bad.out            "order-dedupe: 4 records set aside in rej" order-dedupe --rejects rej --dups d data/od-bad.jsonl; t 0 bad.rej "" cat rej; t 0 bad.dups "" cat d; }
@test "--rejects -q: no warning, still exit 1"         { t 1 bad.out            "" order-dedupe -q --rejects rej data/od-bad.jsonl; }
@test "--rejects --summary=json counts them"           { t 1 bad.out            'order-dedupe: 4 records set aside in rej
\{"read":3,"passed":2,"duplicates":1,"known":0,"seen":0,"rejected":4\}' order-dedupe --rejects rej --summary=json data/od-bad.jsonl; }
@test "a file that does not exist"                     { t 2 -                  "order-dedupe: nosuch.jsonl: No such file or directory" order-dedupe nosuch.jsonl; }
@test "a directory"                                    { t 2 -                  "order-dedupe: data/: Is a directory" order-dedupe data/; }
@test "an empty file: no output"                       { : >empty; t 0 -        "" order-dedupe empty; }
@test "empty standard input, --keep last: no output"   { t 0 -                  "" order-dedupe --keep last </dev/null; }
@test "output to /dev/full: write error"               { t 2 -                  "order-dedupe: write error: No space left on device" full order-dedupe data/od-repeats.jsonl; }
@test "output to /dev/full past the buffer: write error" {
	t 2 - "order-dedupe: (write error|<stdout>): No space left on device" full order-dedupe $OLD
}

# --- options -------------------------------------------------------------
@test "--keep x: usage"                                { t 2 -                  "order-dedupe: --keep takes first, last or most-advanced, not 'x'
$USAGE" order-dedupe --keep x $OLD; }
@test "-i xml: usage"                                  { t 2 -                  "order-dedupe: -i takes csv, jsonl or singer, not 'xml'
$USAGE" order-dedupe -i xml $OLD; }
@test "--summary=xml: usage"                           { t 2 -                  "order-dedupe: --summary takes text or json, not 'xml'
$USAGE" order-dedupe --summary=xml $OLD; }
@test "an unknown option: usage"                       { t 2 -                  "order-dedupe: unrecognized option '--bogus'
$USAGE" order-dedupe --bogus $OLD; }
@test "--version"                                      { t 0 version.out        "" order-dedupe --version; }
@test "--help: the options on standard output"         { t 0 help.out           "" order-dedupe --help; }

# --- inputs read twice, and files left behind ----------------------------
# fifo_t STATUS EXPECTED STDERR CMD...: t, with f a FIFO that a writer
# fills from data/od-status.jsonl, away from bats' output; the writer is
# ended if CMD never opened f.
fifo_t() {
	local w st=0
	mkfifo f
	cat data/od-status.jsonl >f 3>&- & w=$!
	t "$@" || st=$?
	kill "$w" 2>/dev/null || :
	wait "$w" 2>/dev/null || :
	return "$st"
}
@test "--keep last from a FIFO: copied, nothing lost"  { fifo_t 0 keep-last.out "" order-dedupe -k number --keep last f; }
@test "--keep last: a FIFO is named as itself in dup_of" { fifo_t 0 keep-last.out "" order-dedupe -k number --keep last --dups d f; t 0 fifo-last.dups "" cat d; }
@test "--keep last: '-' twice reads standard input once" { t 0 keep-last.out "" sh -c 'order-dedupe -k number --keep last - - <data/od-status.jsonl'; }
@test "--dups and --state files get the umask's mode"  { umask 022; order-dedupe --dups d --state st data/od-state1.jsonl >/dev/null; [ "$(stat -c %a d st | tr '\n' ' ')" = "644 644 " ]; }
@test "killed while copying input: no temporary file"  {
	mkdir tmp; mkfifo f
	exec 5<>f			# this shell: a writer that never finishes
	TMPDIR=$PWD/tmp order-dedupe --keep last f >/dev/null 2>&1 & pid=$!
	while [ -z "$(ls tmp)" ] && kill -0 "$pid"; do sleep 0.05; done
	[ -n "$(ls tmp)" ]		# the copy was being made
	kill -TERM "$pid"; wait "$pid" || true
	exec 5>&-
	[ -z "$(ls tmp)" ]
}
@test "--fingerprint: an order with nothing to fingerprint" { t 2 -           "order-dedupe: data/od-fp-empty.jsonl:1: nothing to fingerprint: no e-mail, total or items" order-dedupe --fingerprint data/od-fp-empty.jsonl; }
@test "--against-key does not go with --fingerprint"   { t 2 -                  "order-dedupe: --against-key does not go with --fingerprint: both files are fingerprinted alike
$USAGE" order-dedupe --fingerprint --against $WMS --against-key reference $OLD; }
@test "records set aside from --against are counted"  { t 1 against-bad.out "order-dedupe: 1 record set aside in rej
order-dedupe: 9 read, 2 passed, 5 duplicates, 2 known, 0 seen, 1 rejected" order-dedupe -k number --against data/od-against-bad.jsonl --against-key reference --rejects rej --summary data/od-sorted.jsonl; }
