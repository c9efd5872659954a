# reader.bats: the record core's dialect rules and bad input, seen through
# order-dedupe -k sku, which passes every record through the reader and
# the writer (it is the shortest path from input to output).
load setup

P="order-dedupe -k sku"

# --- dialects ------------------------------------------------------------
@test "BOM, ';' and CRLF read as CSV"          { t 0 bom-semi.out   "" $P "$DATA/sd-new.csv"; }
@test "-v reports the sniffed delimiter"       { t 0 bom-semi.out   "order-dedupe: .*sd-new.csv: delimiter ';' \(sniffed from the header\)" $P -v "$DATA/sd-new.csv"; }
@test "tab-separated"                          { t 0 tab.out        "" $P "$DATA/rd-tab.csv"; }
@test "pipe-separated"                         { t 0 pipe.out       "" $P "$DATA/rd-pipe.csv"; }
@test "-d names the delimiter"                 { t 0 tab.out        "" $P -d tab "$DATA/rd-tab.csv"; }
@test "ambiguous delimiter is refused"         { t 2 -              "order-dedupe: .*rd-ambiguous.csv: cannot tell the delimiter: the header holds ',' and ';'; name it with -d" $P "$DATA/rd-ambiguous.csv"; }
@test "data lines settle a two-candidate header" { t 0 confirmed.out "" $P "$DATA/rd-confirmed.csv"; }
@test "quoted newlines and doubled quotes"     { t 0 quoted-nl.out  "" $P "$DATA/rd-quoted-newline.csv"; }
@test "old Macintosh CR line ends"             { t 0 cr.out         "" $P "$DATA/rd-cr.csv"; }
@test "no newline at the end"                  { t 0 noeol.out      "" $P "$DATA/rd-noeol.csv"; }
@test "blank lines are not records"            { t 0 blank.out      "" $P "$DATA/rd-blank.csv"; }
@test "header-only file: no records"           { t 0 header.out     "" $P "$DATA/rd-header-only.csv"; }
@test "empty file: no records"                 { t 0 -              "" $P "$DATA/rd-empty.csv"; }
@test "-i jsonl on CSV fails on line 1"        { t 2 -              "order-dedupe: .*rd-tab.csv:1: unexpected character \(column 1\)" $P -i jsonl "$DATA/rd-tab.csv"; }
@test "values are never trimmed"               { printf 'sku,name\n A1 , x \n' >in.csv; t 0 untrimmed.out "" $P in.csv; }
@test "leading zeros and long digits stay text" { printf 'sku,ean\n00123,8712345678906\n' >in.csv; t 0 digits.out "" $P -o jsonl in.csv; }

# --- encodings -----------------------------------------------------------
@test "invalid UTF-8 is refused with line and column" { t 2 - "order-dedupe: .*rd-latin1.csv:2: invalid UTF-8 \(byte 0xE8 at column 6\); if the file is Latin-1 or Windows-1252, read it with --encoding" $P "$DATA/rd-latin1.csv"; }
@test "--encoding latin1 transcodes"           { t 0 latin1.out     "" $P --encoding ISO-8859-1 "$DATA/rd-latin1.csv"; }
@test "UTF-16 is refused without --encoding"   { t 2 -              "order-dedupe: .*rd-utf16.csv: the file is UTF-16 \(it starts with a UTF-16 byte-order mark\); read it with --encoding UTF-16" $P "$DATA/rd-utf16.csv"; }
@test "--encoding UTF-16 transcodes"           { t 0 utf16.out      "" $P --encoding UTF-16 "$DATA/rd-utf16.csv"; }
@test "an unknown encoding is an error"        { t 2 -              "order-dedupe: NOPE-1: unknown encoding \(see iconv -l\)" $P --encoding NOPE-1 "$DATA/rd-tab.csv"; }
@test "a NUL byte is refused"                  { printf 'sku,name\nA1,x\000y\n' >in.csv; t 2 header.out "order-dedupe: in.csv:2: NUL byte at column 5" $P in.csv; }

# --- malformed records ---------------------------------------------------
@test "ragged row stops the run"               { t 2 ragged-stop.out "order-dedupe: .*rd-ragged.csv:3: 1 field, the header has 2" $P "$DATA/rd-ragged.csv"; }
@test "ragged rows go to --rejects"            { cp "$DATA/rd-ragged.csv" .; t 1 ragged.out     "order-dedupe: 2 records set aside in rej" $P --rejects rej rd-ragged.csv; cmp rej "$EXP/ragged.rej"; }
@test "unterminated quote at the end"          { t 2 ragged-stop.out "order-dedupe: .*rd-unterminated.csv:3: unterminated quoted field at the end of the file" $P "$DATA/rd-unterminated.csv"; }
@test "unterminated quote to --rejects"        { cp "$DATA/rd-unterminated.csv" .; t 1 unterminated.out "order-dedupe: 1 record set aside in rej" $P --rejects rej rd-unterminated.csv; cmp rej "$EXP/unterminated.rej"; }
@test "a quote inside an unquoted field"       { t 2 header.out     "order-dedupe: .*rd-stray-quote.csv:2: a quote in an unquoted field, or text after a closing quote" $P "$DATA/rd-stray-quote.csv"; }
@test "a duplicated key column is refused"     { t 2 -              "order-dedupe: .*rd-dupcol.csv:1: column 'sku' appears twice in the header" $P "$DATA/rd-dupcol.csv"; }
@test "a missing key column names the columns" { t 2 -              "order-dedupe: .*rd-tab.csv: no column 'number' in the header \(it has 'sku', 'name', 'price'\)" order-dedupe -k number "$DATA/rd-tab.csv"; }
@test "invalid JSON names line and column"     { t 2 invalid-stop.out "order-dedupe: .*rd-invalid.jsonl:2: unexpected character \(column 13\)" $P "$DATA/rd-invalid.jsonl"; }
@test "invalid JSON to --rejects"              { cp "$DATA/rd-invalid.jsonl" .; t 1 invalid.out    "order-dedupe: 1 record set aside in rej" $P --rejects rej rd-invalid.jsonl; cmp rej "$EXP/invalid.rej"; }
@test "a JSON line that is not an object"      { t 2 invalid-stop.out "order-dedupe: .*rd-notobject.jsonl:2: not a JSON object \(column 1\)" $P "$DATA/rd-notobject.jsonl"; }
@test "a 1 MiB field passes whole"             {
	{ printf 'sku,blob\nA1,"'; head -c 1048576 /dev/zero | tr '\0' x; printf ',"\n'; } >in.csv
	$P in.csv >out.csv
	cmp in.csv out.csv
	$P -o jsonl in.csv | $P -o csv | cmp - in.csv
}
@test "an unreadable input"                    { t 2 -              "order-dedupe: nonexistent.csv: No such file or directory" $P nonexistent.csv; }
@test "a directory as input"                   { t 2 -              "order-dedupe: /: Is a directory" $P /; }

# --- output --------------------------------------------------------------
@test "nested JSON kept in JSONL, compact in CSV" { t 0 nested.csv  "" $P -o csv "$DATA/rd-nested.jsonl"; }
@test "JSONL to JSONL is byte for byte"        { t 0 -              "" sh -c "$P '$DATA/rd-nested.jsonl' | cmp - '$DATA/rd-nested.jsonl'"; }
@test "CSV to JSONL"                           { t 0 tab.jsonl      "" $P -o jsonl "$DATA/rd-tab.csv"; }
@test "--excel: BOM, CRLF, quoted, formulas inert" { t 0 formula.out "" $P --excel "$DATA/rd-formula.csv"; }
@test "--excel does not go with -o jsonl"      { t 2 -              "order-dedupe: --excel writes CSV; it does not go with -o jsonl" $P --excel -o jsonl "$DATA/rd-tab.csv"; }
@test "a write error is exit 2, never silent"  { t 2 -              "order-dedupe: write error: No space left on device" sh -c "$P '$DATA/sd-same.csv' >/dev/full"; }
@test "bad -d, -i, -o values"                  {
	t 2 - "order-dedupe: -d takes one of , ; tab \|, not 'x'
usage: order-dedupe .*
.*
.*
.*
.*" $P -d x "$DATA/rd-tab.csv"
}
