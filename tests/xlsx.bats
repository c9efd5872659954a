# xlsx.bats: -o xlsx, read back by a real spreadsheet application.  Each
# workbook is converted to CSV by LibreOffice headless (as few soffice
# runs as can be: it is slow to start) and must hold, cell for cell, what
# -o csv writes; the frozen header and the filter are read from the XML.
load setup

SEED=$TOP/tests/sandbox/data
# LibreOffice's CSV filter: ',' '"' UTF-8, cells as shown, every sheet to
# a file of its own (NAME-SHEET.csv).
LO_CSV='csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1'

# to_csv FILE.xlsx...: each sheet of each workbook as sheets/NAME-SHEET.csv.
# The suite's tests share one LibreOffice profile: made anew, it costs
# each run a second or more of processor time.
to_csv() {
	soffice "-env:UserInstallation=file://$BATS_FILE_TMPDIR/lo" \
	    --headless --convert-to "$LO_CSV" --outdir sheets "$@" \
	    >soffice.log 2>&1 || { cat soffice.log; return 1; }
}

# same_cells CSV SHEETCSV [SKIP]: the same rows of the same cells (column
# SKIP, by name, left out of both: a time that differs between two runs).
same_cells() {
	py - "$@" <<'EOF'
import csv, sys
def rows(p):
    with open(p, newline="", encoding="utf-8") as f:
        # An empty line is a row of one empty cell.
        return [r if r else [""] for r in csv.reader(f)]
a, b = rows(sys.argv[1]), rows(sys.argv[2])
if len(sys.argv) > 3:
    i = a[0].index(sys.argv[3])
    a = [r[:i] + r[i + 1:] for r in a]
    b = [r[:i] + r[i + 1:] for r in b]
if len(a) < 2:
    sys.exit("%s: no rows to compare" % sys.argv[1])
if a != b:
    for n, (x, y) in enumerate(zip(a, b)):
        if x != y:
            print("row %d: csv %r, xlsx %r" % (n + 1, x, y))
    print("%d rows in csv, %d in xlsx" % (len(a), len(b)))
    sys.exit(1)
EOF
}

# kind_rows CSV KIND: the header and the rows of change KIND.
kind_rows() {
	py - "$@" <<'EOF'
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerows([rows[0]] + [r for r in rows[1:] if r[0] == sys.argv[2]])
EOF
}

# lines_csv HEADER FILE: FILE's lines as a CSV of one column.
lines_csv() {
	py -c 'import csv, sys
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow([sys.argv[1]])
for l in open(sys.argv[2], encoding="utf-8").read().splitlines():
    w.writerow([l])' "$@"
}

# both NAME CMD...: CMD -o csv >NAME.csv and CMD -o xlsx >NAME.xlsx, each
# with the exit status of the first.
both() {
	local name=$1 st xst
	shift
	"$@" -o csv >"$name.csv" && st=0 || st=$?
	"$@" -o xlsx >"$name.xlsx" && xst=0 || xst=$?
	[ "$xst" -eq "$st" ] || { echo "$name: exit $xst for xlsx, $st for csv"; return 1; }
	[ "$st" -le 1 ] || { echo "$name: exit $st"; return 1; }
}

# sheet FILE.xlsx N: the XML of the Nth sheet.
sheet() { unzip -p "$1" "xl/worksheets/sheet$2.xml"; }

# One test for the tools' workbooks, read back by one LibreOffice run:
# each run costs some 4 s of processor time, most of it its start.
@test "-o xlsx of every tool, workbook, preflight --xlsx: every cell as the CSV has it" {
	X=$EXP
	KINDS="duplicate changed near_match mangled removed added empty_key"
	# sku-diff, order-dedupe: files.
	both diff sku-diff -c name,barcode,price "$X/old.csv" "$X/new.csv"
	both long sku-diff --long -c name,barcode,price "$X/old.csv" "$X/new.csv"
	grep -v '^,no SKU' "$X/new.csv" >dedupe-in.csv
	both dedupe order-dedupe -k sku --dups dups.xlsx dedupe-in.csv
	order-dedupe -k sku --dups dups.csv dedupe-in.csv >/dev/null
	both nested order-dedupe "$EX/old-shop-orders.jsonl"
	# stock-snapshot, orders-export: Picqer.
	sandbox_start --data "$SEED/picqer"
	both snap stock-snapshot --from picqer
	both orders orders-export --from picqer
	both lines orders-export --from picqer --lines
	teardown; SANDBOX_PID=
	# The plans of stock-push, orders-complete, orders-push: WooCommerce.
	sandbox_start --platform woocommerce --data "$SEED/woocommerce"
	printf '%s\n' sku,qty TS-RED-M,10 00451,3 8712345678906,1 =1+1,2 \
	    @home,1 -3,1 +31,1 'Théière,4' >stock.csv
	both push stock-push --to woocommerce --force -n stock.csv
	printf '%s\n' id,tracking '10240,postnl 3SABCD7654321' '10234,' \
	    '99999,' >done.csv
	both complete orders-complete --in woocommerce --mute-emails -n done.csv
	both push-orders orders-push --to woocommerce --mute-emails -n \
	    "$EXP/orders.jsonl"
	teardown; SANDBOX_PID=
	# preflight --xlsx: the review folder in one workbook, the summary
	# first.  workbook alone: CSV, JSON Lines, text, a file without
	# records.
	P=$TOP/pipelines
	cp "$X/old.csv" wms.csv
	cp "$X/new.csv" shop.csv
	sh -c "'$P/preflight' --xlsx --no-old --wms-file wms.csv --new-file shop.csv >sum" && st=0 || st=$?
	[ "$st" -eq 1 ]
	d=$(ls -d review/*-preflight)
	grep -qx "Workbook: $d/review.xlsx" sum
	[ "$(unzip -p "$d/review.xlsx" xl/workbook.xml | grep -o '<sheet name="[^"]*"' |
	    cut -d'"' -f2 | tr '\n' ' ')" = "SUMMARY new-catalog sku-wms-vs-new wms-catalog messages " ]
	head -n 1 "$X/old.csv" >empty.csv
	printf 'line one\n\n=not a formula\n' >notes.txt
	workbook notes.txt empty.csv "$X/orders.jsonl" "$X/old.csv" \
	    "$X/new.csv" >book.xlsx
	order-dedupe -o csv "$X/orders.jsonl" >book-orders.csv
	cp "$d/review.xlsx" review.xlsx
	to_csv diff.xlsx long.xlsx dedupe.xlsx dups.xlsx nested.xlsx \
	    snap.xlsx orders.xlsx lines.xlsx \
	    push.xlsx complete.xlsx push-orders.xlsx review.xlsx book.xlsx

	# sku-diff: the summary first, then a sheet per change in a fixed order.
	[ "$(unzip -p diff.xlsx xl/workbook.xml | grep -o '<sheet name="[^"]*"' |
	    cut -d'"' -f2 | tr '\n' ' ')" = "summary duplicate changed near_match mangled removed added empty_key " ]
	for kind in $KINDS; do
		for f in diff long; do
			kind_rows $f.csv $kind >$f-$kind.csv
			same_cells $f-$kind.csv sheets/$f-$kind.csv
		done
	done
	# Every finding is on a sheet: the lines of the sheets add up.
	[ "$(for k in $KINDS; do tail -n +2 sheets/diff-$k.csv; done | wc -l)" -eq \
	    "$(tail -n +2 diff.csv | wc -l)" ]
	[ "$(tail -n +2 diff.csv | wc -l)" -eq 10 ]	# 9 findings, a cell of 2 lines
	printf '%s\n' what,count old_rows,6 new_rows,8 duplicate,1 changed,2 \
	    near_match,1 mangled,2 removed,1 added,1 empty_key,1 rejected,0 >sum.csv
	same_cells sum.csv sheets/diff-summary.csv
	grep -q '^mangled,00451,451,' sheets/diff-mangled.csv
	grep -q '^mangled,8712345678913,8.71235E+12,new,,,=SUM(A1:A2),=SUM(A1:A2),8712345678913,8712345678913,-3,-3$' sheets/diff-mangled.csv
	grep -q '^added,NEW-1,,,,,,Zeep ☺ 日本,,0000000000017,,-0$' sheets/diff-added.csv
	same_cells dedupe.csv sheets/dedupe-order-dedupe.csv
	same_cells dups.csv sheets/dups-order-dedupe.csv
	same_cells nested.csv sheets/nested-order-dedupe.csv

	same_cells snap.csv sheets/snap-stock-snapshot.csv taken_at
	same_cells orders.csv sheets/orders-orders-export.csv
	same_cells lines.csv sheets/lines-orders-export.csv

	same_cells push.csv sheets/push-stock-push.csv
	grep -q '^00451,' sheets/push-stock-push.csv
	grep -q '^=1+1,' sheets/push-stock-push.csv
	same_cells complete.csv sheets/complete-orders-complete.csv
	same_cells push-orders.csv sheets/push-orders-orders-push.csv

	same_cells "$d/sku-wms-vs-new.csv" sheets/review-sku-wms-vs-new.csv
	lines_csv SUMMARY "$d/SUMMARY.txt" >summary.csv
	grep -q 'mangled' summary.csv
	same_cells summary.csv sheets/review-SUMMARY.csv
	lines_csv messages "$d/messages.txt" >messages.csv
	same_cells messages.csv sheets/review-messages.csv
	same_cells "$X/old.csv" sheets/book-old.csv
	same_cells "$X/new.csv" sheets/book-new.csv
	same_cells book-orders.csv sheets/book-orders.csv
	lines_csv notes notes.txt >notes.csv
	same_cells notes.csv sheets/book-notes.csv
	[ -f sheets/book-empty.csv ] && [ -z "$(tr -d "\n" <sheets/book-empty.csv)" ]
}

@test "the header row: bold, frozen, filtered; columns sized; text cells only" {
	sku-diff -c name,barcode,price "$EXP/old.csv" "$EXP/new.csv" -o xlsx >d.xlsx || [ $? -eq 1 ]
	for n in 1 2 3 4 5 6 7 8; do
		sheet d.xlsx $n >s$n.xml
		grep -q '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' s$n.xml
		grep -q '<autoFilter ref="A1:[A-Z]*[0-9]*"/>' s$n.xml
		# Cells are inline strings: no numbers, no shared formulas.
		! grep -q '<f>\|t="n"\|<c r="[A-Z]*[0-9]*"[^>]*><v>' s$n.xml
	done
	# The filter covers the header and the rows: mangled has 2 of 12 columns.
	grep -q '<autoFilter ref="A1:L3"/>' s5.xml
	grep -q '<c r="B2" t="inlineStr"><is><t>00451</t></is></c>' s5.xml
	grep -q '<t>=SUM(A1:A2)</t>' s5.xml
	# The header is bold (style 1 is the one with <b/>).
	grep -q '<c r="A1" s="1" t="inlineStr"><is><t>change</t></is></c>' s5.xml
	unzip -p d.xlsx xl/styles.xml | grep -q '<b/>'
	# Widths: the widest cell and 2 ("mangled"; a 13-digit EAN).
	grep -q '<col min="1" max="1" width="9\.[0-9]*" customWidth="1"/>' s5.xml
	grep -q '<col min="9" max="9" width="15[0-9.]*" customWidth="1"/>' s5.xml
}

@test "a workbook is never written to a terminal, as gzip refuses" {
	command -v script >/dev/null || skip "no script(1)"
	script -qec "sku-diff -o xlsx '$EXP/old.csv' '$EXP/new.csv'" /dev/null >tty.out && st=0 || st=$?
	[ "$st" -eq 2 ]
	grep -q 'sku-diff: -o xlsx: a workbook is not for a terminal; redirect standard output to a file' tty.out
	! grep -q 'PK' tty.out
}

@test "-o xlsx: --excel does not go with it; write errors are trouble" {
	t 2 - 'sku-diff: --excel writes CSV; it does not go with -o xlsx' \
	    sku-diff --excel -o xlsx "$EXP/old.csv" "$EXP/new.csv"
	run sku-diff -o xls "$EXP/old.csv" "$EXP/new.csv"
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "sku-diff: -o takes csv, jsonl or xlsx, not 'xls'" ]
	run sku-diff -o xlsx "$EXP/old.csv" "$EXP/new.csv"
	[ "$status" -eq 1 ]
	sku-diff -o xlsx "$EXP/old.csv" "$EXP/new.csv" >/dev/full && st=0 || st=$?
	[ "$st" -eq 2 ]
	# No temporary workbook is left behind.
	mkdir tmp
	TMPDIR=$PWD/tmp sku-diff -o xlsx "$EXP/old.csv" "$EXP/new.csv" >/dev/full || true
	[ -z "$(ls tmp)" ]
	# Nor when the tool stops on bad input without closing the workbook.
	printf 'sku,name\nA,1\nB,"unterminated\n' >bad.csv
	TMPDIR=$PWD/tmp sku-diff --sorted "$EXP/old.csv" bad.csv -o xlsx >bad.xlsx && st=0 || st=$?
	[ "$st" -eq 2 ]
	[ -z "$(ls tmp)" ]
	TMPDIR=$PWD/no-such-dir sku-diff -o xlsx "$EXP/old.csv" "$EXP/new.csv" >x.xlsx && st=0 || st=$?
	[ "$st" -eq 2 ]
}

@test "workbook: two files that would be one sheet are trouble" {
	t 2 - "workbook: a.csv and b/a.txt would both be the sheet a" \
	    workbook a.csv b/a.txt
}

@test "a cell too long for a spreadsheet is trouble; a full sheet goes on in a second" {
	py -c "print('sku,desc'); print('A,' + 'x' * 32768)" >long.csv
	t 2 - 'workbook: sheet long, row 2, column 2: a cell holds at most 32767 characters
workbook: write error: File too large' sh -c 'workbook long.csv >long.xlsx'
	# 1,048,576 rows a sheet: the header and 1,048,575 records.
	{ echo n; seq 1048577; } >big.csv
	workbook big.csv >big.xlsx
	[ "$(unzip -p big.xlsx xl/workbook.xml | grep -o '<sheet name="[^"]*"' |
	    cut -d'"' -f2 | tr '\n' ' ')" = "big big (2) " ]
	unzip -p big.xlsx xl/worksheets/sheet1.xml | grep -q '<autoFilter ref="A1:A1048576"/>'
	unzip -p big.xlsx xl/worksheets/sheet1.xml | tail -c 300 | grep -q '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>1048575</t>'
	unzip -p big.xlsx xl/worksheets/sheet2.xml | grep -q '<autoFilter ref="A1:A3"/>'
	unzip -p big.xlsx xl/worksheets/sheet2.xml | grep -q '<row r="1"><c r="A1" s="1" t="inlineStr"><is><t>n</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>1048576</t></is></c></row><row r="3"><c r="A3" t="inlineStr"><is><t>1048577</t></is></c></row></sheetData>'
}
