# sku-diff.bats: each case one line: exit status, expected stdout in
# tests/sku-diff/, expected stderr, command.
load setup

PQ="$EX/picqer-products.csv"
SH="$EX/shopify-products.csv"
OLD="$DATA/sd-old.csv"
NEW="$DATA/sd-new.csv"

# sorted copies of the fixtures, header first
sorted() {
	{ head -n 1 "$1"; tail -n +2 "$1" | LC_ALL=C sort -t "$2" -k1,1; } >"$3"
}

# --- the migration check the README tours --------------------------------
@test "Picqer (';', BOM, CRLF) against Shopify"   { t 1 picqer-shopify.out "" sku-diff --old-key productcode --new-key 'Variant SKU' "$PQ" "$SH"; }
@test "the same, --long"                          { t 1 picqer-shopify-long.out "" sku-diff -l --old-key productcode --new-key 'Variant SKU' "$PQ" "$SH"; }
@test "the same, --summary"                       { t 1 picqer-shopify.out "sku-diff: 32 old rows, 33 new rows: 1 duplicate, 0 changed, 3 near_match, 2 mangled, 3 removed, 2 added, 1 empty_key, 0 rejected" sku-diff --summary --old-key productcode --new-key 'Variant SKU' "$PQ" "$SH"; }
@test "the same, --summary=json"                  { t 1 picqer-shopify.out '\{"old_rows":32,"new_rows":33,"duplicate":1,"changed":0,"near_match":3,"mangled":2,"removed":3,"added":2,"empty_key":1,"rejected":0\}' sku-diff --summary=json --old-key productcode --new-key 'Variant SKU' "$PQ" "$SH"; }

# --- every change type ---------------------------------------------------
@test "all change types, --compare"               { t 1 all.out       "" sku-diff -c price,qty "$OLD" "$NEW"; }
@test "all change types, --long"                  { t 1 all-long.out  "" sku-diff -l -c price,qty "$OLD" "$NEW"; }
@test "compare old=new column names"              { t 1 renamed.out   "" sku-diff -c 'qty=qty,name=name' "$OLD" "$NEW"; }
@test "JSONL output"                              { t 1 all.jsonl     "" sku-diff -o jsonl -c price "$OLD" "$NEW"; }
@test "--excel output"                            { t 1 all-excel.out "" sku-diff --excel -c price "$OLD" "$NEW"; }
@test "JSONL catalog against CSV"                 { t 1 jsonl-in.out  "" sku-diff -o csv -c price,qty "$DATA/sd-old.jsonl" "$DATA/sd-same.csv"; }
@test "near match by NFC and zero-width space"    { t 1 nfc.out       "" sku-diff "$DATA/sd-nfc-old.csv" "$DATA/sd-nfc-new.csv"; }
@test "mangled with several candidates"           { t 1 mangled-many.out "" sku-diff "$DATA/sd-mangled-many.csv" "$DATA/sd-mangled-sci.csv"; }
@test "mangled, NEW holds the digits"             { t 1 mangled-rev.out "" sku-diff "$DATA/sd-mangled-sci.csv" "$DATA/sd-mangled-many.csv"; }
@test "mangled with several candidates, --long"   { t 1 mangled-many-long.out "" sku-diff -l "$DATA/sd-mangled-many.csv" "$DATA/sd-mangled-sci.csv"; }
@test "a NEW-side duplicate shows NEW's values"    { t 1 dup-new.out   "" sku-diff -c price,qty "$NEW" "$OLD"; }

# --- same catalogs -------------------------------------------------------
@test "identical catalogs: exit 0, header only"   { t 0 same.out      "" sku-diff -c price,qty "$DATA/sd-same.csv" "$DATA/sd-same.csv"; }
@test "column order and row order do not matter"  { t 0 same.out      "" sku-diff -c price,qty "$DATA/sd-same.csv" "$DATA/sd-same-reordered.csv"; }
@test "same catalogs --summary=json"              { t 0 same.out '\{"old_rows":2,"new_rows":2,"duplicate":0,"changed":0,"near_match":0,"mangled":0,"removed":0,"added":0,"empty_key":0,"rejected":0\}' sku-diff -c price,qty --summary=json "$DATA/sd-same.csv" "$DATA/sd-same.csv"; }

# --- inputs --------------------------------------------------------------
@test "OLD from standard input"                   { t 1 all.out       "" sh -c "sku-diff -c price,qty - '$NEW' <'$OLD'"; }
@test "NEW from standard input"                   { t 1 all.out       "" sh -c "sku-diff -c price,qty '$OLD' - <'$NEW'"; }
@test "both from standard input is refused"       { t 2 - "sku-diff: OLD and NEW cannot both be standard input
usage: .*
.*
.*" sku-diff - -; }
@test "-k names the key of both"                  { t 1 key.out       "" sku-diff -k name "$OLD" "$NEW"; }
@test "a missing key column"                      { t 2 - "sku-diff: .*sd-old.csv: no column 'productcode' in the header \(it has 'sku', 'name', 'price', 'qty'\)" sku-diff -k productcode "$OLD" "$NEW"; }
@test "a missing compared column"                 { t 2 - "sku-diff: .*sd-old.csv: no column 'colour' in the header \(it has 'sku', 'name', 'price', 'qty'\)" sku-diff -c colour "$OLD" "$NEW"; }
@test "an empty file is trouble"                  { t 2 - "sku-diff: .*rd-empty.csv: empty file: a catalog needs at least a header line" sku-diff "$DATA/rd-empty.csv" "$OLD"; }
@test "a header-only NEW: everything removed"     { t 1 removed-all.out "" sku-diff "$DATA/sd-same.csv" "$DATA/rd-header-only.csv"; }
@test "a missing file"                            { t 2 - "sku-diff: nonexistent.csv: No such file or directory" sku-diff nonexistent.csv "$OLD"; }
@test "a ragged row stops the run"                { t 2 header-only.out "sku-diff: .*rd-ragged.csv:3: 1 field, the header has 2" sku-diff "$DATA/rd-ragged.csv" "$DATA/rd-ragged.csv"; }
@test "--rejects: the rest is compared, exit 1"   { t 1 rejects.out "sku-diff: .*rd-ragged.csv: 2 records set aside in rej
sku-diff: .*rd-ragged.csv: 2 records set aside in rej" sku-diff --rejects rej "$DATA/rd-ragged.csv" "$DATA/rd-ragged.csv"; }
@test "a write error is exit 2"                   { t 2 - "sku-diff: write error: No space left on device" sh -c "sku-diff '$OLD' '$NEW' >/dev/full"; }
@test "--version"                                 { t 0 version.out   "" sku-diff --version; }
@test "--help goes to stdout"                     { t 0 help.out      "" sku-diff --help; }
@test "an unknown option"                         { t 2 - "sku-diff: unrecognized option '--frobnicate'
usage: .*
.*
.*" sku-diff --frobnicate "$OLD" "$NEW"; }
@test "--summary=xml is refused"                  { t 2 - "sku-diff: --summary takes text or json, not 'xml'
usage: .*
.*
.*" sku-diff --summary=xml "$OLD" "$NEW"; }

# --- determinism and the two modes ---------------------------------------
@test "output does not depend on the hash seed"   {
	# Findings: exit 1, and the same ones whatever the seed.
	t 1 - "" env SHOPSWITCH_HASH_SEED=1 sh -c 'sku-diff -c "price=Variant Price" "$1" "$2" --old-key productcode --new-key "Variant SKU" >a' - "$PQ" "$SH"
	t 1 - "" env SHOPSWITCH_HASH_SEED=99 sh -c 'sku-diff -c "price=Variant Price" "$1" "$2" --old-key productcode --new-key "Variant SKU" >b' - "$PQ" "$SH"
	[ -s a ] && cmp a b
}
@test "output does not depend on which side is held" {
	t 1 - "" sh -c 'sku-diff -c price,qty "$1" "$2" >a' - "$OLD" "$NEW"
	t 1 - "" sh -c 'sku-diff -c price,qty "$1" - <"$2" >b' - "$OLD" "$NEW"
	[ -s a ] && cmp a b
}
@test "--sorted gives the hash mode's output"     {
	sorted "$OLD" , old.csv
	tail -c +4 "$NEW" | tr -d '\r' >new-plain.csv
	sorted new-plain.csv ';' new.csv
	t 1 all.out "" sku-diff --sorted -c price,qty old.csv new.csv
	t 1 all-long.out "" sku-diff --sorted -l -c price,qty old.csv new.csv
}
@test "--sorted names the first key out of order" { t 2 header-sorted.out "sku-diff: .*sd-unsorted.csv:4: 'B2' sorts before 'C3' \(line 3\): the input is not sorted by sku in byte order \(sort it with LC_ALL=C sort, or leave out --sorted\)" sku-diff --sorted "$DATA/sd-unsorted.csv" "$DATA/sd-sorted-new.csv"; }
@test "--sorted runs in constant memory (ulimit -v)" {
	[ -z "${SHOPSWITCH_SANITIZE:-}" ] ||
	    skip "ASan and valgrind reserve more address space than any ulimit -v here"
	awk 'BEGIN { print "sku,name,price"; for (i = 0; i < 400000; i++) printf "SKU%07d,\"Name %d, blue\",%d.95\n", i, i, i % 90 }' >old.csv
	awk 'BEGIN { print "sku,name,price"; for (i = 1; i < 400001; i++) printf "SKU%07d,\"Name %d, blue\",%d.95\n", i, i, i % 91 }' >new.csv
	# 40 MiB of address space: the hash mode needs more, --sorted not.
	run sh -c 'ulimit -v 40960; sku-diff -c price old.csv new.csv >/dev/null'
	[ "$status" -eq 2 ]
	run sh -c 'ulimit -v 40960; sku-diff --sorted -c price old.csv new.csv | wc -l'
	[ "$status" -eq 0 ]
	[ "$output" -gt 300000 ]
}
