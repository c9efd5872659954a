# completion.bats: the bash completion (tools/shopswitch.bash) offers
# what the tools take: every option of each tool's longopts[] table and
# getopt string and of each pipeline's option loop, the formats and
# delimiters the tools accept, the connections of the connections file
# the line would use, and files where a file goes; in a real interactive
# bash too; and make install puts it where bash-completion loads it.
load setup

SCRIPT=$TOP/tools/shopswitch.bash

# comp WORD...: what completing the last WORD of the line WORD... offers,
# one a line, sorted, from a fresh bash that sourced the script.  The
# words are as bash breaks a line: "--from=pi" is --from = pi.
comp() {
	bash --norc --noprofile -c '
		. "$1" || exit 2
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_shopswitch || exit 2
		for w in "${COMPREPLY[@]}"; do
			printf "%s\n" "$w"
		done' comp "$SCRIPT" "$@" | sort
}

# tools: the tools the Makefile builds, one a line.
tools() {
	sed -n '/^BIN = /,/^$/s|.*tools/\([a-z-]*\).*|\1|p' "$TOP/Makefile"
}

# short_opts TOOL: the short options of TOOL's getopt string, with those
# of OPTS_SHORT or OPTS_SHORT_OUT (lib/opts.h), one a line.
short_opts() {
	local src=$TOP/tools/$1.c own macro
	own=$(sed -n 's/.*getopt_long(argc, argv, "\([^"]*\)".*/\1/p' "$src")
	macro=$(sed -n 's/.*getopt_long(argc, argv, "[^"]*" *\(OPTS_[A-Z_]*\).*/\1/p' \
	    "$src")
	[ -n "$macro" ] && own=$own$(sed -n \
	    "s/^#define ${macro}[[:blank:]]*\"\([^\"]*\)\".*/\1/p" \
	    "$TOP/lib/opts.h")
	printf '%s' "$own" | tr -d ':' | fold -w 1 | sed 's/^/-/' | sort -u
}

# case_opts FILE: the options of FILE's option loop (its case patterns),
# -h aside (the completion offers --help), one a line.
case_opts() {
	sed -n 's/^[[:blank:]]*\(-[-a-z|]*\)).*/\1/p' "$1" | tr '|' '\n' |
	    grep -vx -- -h | sort -u
}

# refused TOOL OPTION: the values TOOL's refusal of OPTION bogus lists
# ("-o takes csv or jsonl, not 'bogus'"), one a line, sorted.
refused() {
	local msg
	msg=$("$BIN/$1" "$2" bogus 2>&1 >/dev/null | head -n 1) || true
	printf '%s\n' "$msg" |
	    sed -n "s/.* $2 takes \(one of \)\{0,1\}\(.*\), not 'bogus'\$/\2/p" |
	    tr ' ' '\n' | sed 's/\(.\),$/\1/' | grep -v -x -e or -e '' | sort
}

# conf FILE: a connections file with three sections, a comment, CRLF
# ends and a name with a space.
conf() {
	printf '[picqer]\r\nplatform = picqer\r\n# [commented]\r\n' >"$1"
	printf '  [ old ]  \r\n; [also commented]\r\n[new]\r\n' >>"$1"
	printf '[my shop]\r\nplatform = shopify' >>"$1"
	chmod 600 "$1"
}

@test "every tool's options: its longopts[] and getopt string" {
	local tool want got bad=''
	for tool in $(tools); do
		want=$( { long_opts "$tool" | sed 's/^/--/'
		    short_opts "$tool"; } | sort)
		got=$(comp "$tool" -)
		[ -n "$want" ] || bad="$bad $tool:no-options-found"
		if [ "$want" != "$got" ]; then
			echo "$tool: the table (<) and the completion (>):"
			diff <(echo "$want") <(echo "$got") || true
			bad="$bad $tool"
		fi
	done
	[ -z "$bad" ]
}

# Every option of a pipeline's own loop, and of lib.sh's common ones
# those its usage names (--new means nothing to close-old-orders).
@test "every pipeline's options: its option loop" {
	local p own all got bad='' n=0
	for p in $(cd "$TOP/pipelines" && ls); do
		[ "$p" != lib.sh ] || continue
		n=$((n + 1))
		own=$(case_opts "$TOP/pipelines/$p")
		all=$( { echo "$own"; echo --help
		    case_opts "$TOP/pipelines/lib.sh"; } | sort -u)
		got=$(cd "$TOP" && comp "pipelines/$p" --)
		if [ -n "$(comm -23 <(echo "$own") <(echo "$got"))" ] ||
		    [ -n "$(comm -13 <(echo "$all") <(echo "$got"))" ] ||
		    ! echo "$got" | grep -qx -- --help; then
			echo "$p: its loop (<) and the completion (>):"
			diff <(echo "$all") <(echo "$got") || true
			bad="$bad $p"
		fi
	done
	[ -z "$bad" ] && [ "$n" -ge 6 ]
}

@test "-o, -i and -d: the values each tool accepts, as its refusal lists" {
	local tool o want got bad='' n=0
	for tool in $(tools); do
		for o in -o -i -d; do
			# A tool that only writes takes no -i or -d.
			short_opts "$tool" | grep -qx -- "$o" || continue
			n=$((n + 1))
			want=$(refused "$tool" "$o")
			got=$(comp "$tool" "$o" '' | sed 's/^\\//' | sort)
			[ "$got" = "$want" ] && [ -n "$want" ] && continue
			echo "$tool $o: refused (<) and completed (>):"
			diff <(echo "$want") <(echo "$got") || true
			bad="$bad $tool$o"
		done
	done
	[ -z "$bad" ] && [ "$n" -ge 17 ]
}

@test "each format completed is one the tool takes" {
	local tool f n
	for tool in $(tools); do
		n=0
		for f in $(comp "$tool" --output-format ''); do
			"$BIN/$tool" -o "$f" --version >/dev/null
			n=$((n + 1))
		done
		# csv, jsonl and xlsx at least, for each tool with -o: its
		# source says which, not its --help (a stub has none).
		if grep -q 'OPTS_LONG' "$TOP/tools/$tool.c"; then
			[ "$n" -ge 3 ] || { echo "$tool: $n formats"; return 1; }
		fi
	done
}

@test "format values after -o, --output-format, =, a prefix and a bundle" {
	t 0 formats "" comp sku-diff -o ''
	t 0 formats "" comp order-dedupe --output-format ''
	t 0 formats-export "" comp stock-snapshot --output-format = ''
	t 0 formats-export "" comp orders-export --out = ''
	t 0 formats "" comp stock-push -qo ''
	t 0 formats-in "" comp sku-diff -i ''
	t 0 jsonl "" comp orders-push -o j
	t 0 jsonl-attached "" comp order-dedupe -vojs
	t 0 delimiters "" comp sku-diff -d ''
	t 0 summary "" comp order-dedupe --summary = ''
}

@test "connections: from SHOPSWITCH_CONFIG, --config, or the default" {
	mkdir -p home/.config/shopswitch
	cp -R "$TOP/pipelines" pipelines
	conf home/.config/shopswitch/connections.conf
	printf '[elsewhere]\n[picqer2]\n' >other.conf
	HOME=$PWD/home
	unset SHOPSWITCH_CONFIG
	t 0 conns "" comp orders-export --from ''
	t 0 conns-p "" comp stock-snapshot -f p
	t 0 conns-p "" comp orders-export --from = p
	t 0 conns "" comp orders-complete --in ''
	t 0 conns "" comp stock-push -t ''
	t 0 conns-m "" comp orders-push --to m
	t 0 conns-m "" comp pipelines/nightly --new m
	t 0 conns-p "" comp pipelines/preflight --excel --wms p
	export SHOPSWITCH_CONFIG=$PWD/other.conf
	t 0 conns-other "" comp orders-export --from ''
	# --config beats SHOPSWITCH_CONFIG; the last one given counts.
	SHOPSWITCH_CONFIG=$PWD/home/.config/shopswitch/connections.conf
	t 0 conns-other "" comp orders-export --config other.conf --from ''
	t 0 conns-other "" comp stock-push --config = other.conf -n --to ''
	t 0 conns-other "" comp stock-push --conf other.conf --to ''
	# The word as typed: the completion reads its ~ as the shell would.
	# shellcheck disable=SC2088
	t 0 conns "" comp stock-push --config other.conf \
	    --config "~/.config/shopswitch/connections.conf" --to ''
	t 0 conns-other "" comp pipelines/cutover --config other.conf --wms ''
	# A missing file offers nothing.
	t 0 - "" comp orders-export --config nosuch.conf --from ''
}

@test "files: operands and the values of options that take a file" {
	# Away from t's own files; pipelines/ as in the source tree.
	mkdir -p w/sub
	cd w
	cp -R "$TOP/pipelines" pipelines
	: >orders.jsonl
	: >old.csv
	t 0 files "" comp order-dedupe ''
	t 0 files "" comp sku-diff old.csv ''
	t 0 files-o "" comp order-dedupe --against o
	t 0 files-o "" comp sku-diff --rejects = o
	t 0 files "" comp stock-push -- ''
	t 0 files-o "" comp pipelines/preflight --wms-file o
	t 0 dirs "" comp pipelines/nightly --review ''
	# No operands: the options.
	t 0 export-opts "" comp orders-export ''
	# A value nothing can guess: nothing.
	t 0 - "" comp sku-diff --key ''
	t 0 - "" comp orders-export --since ''
}

@test "--encoding: the character sets iconv knows" {
	comp sku-diff --encoding ISO-8859-1 >sets
	grep -qx ISO-8859-15 sets
	! grep -v '^ISO-8859-1' sets
}

@test "in an interactive bash: the line as TAB leaves it" {
	mkdir -p home/.config/shopswitch
	cp -R "$TOP/pipelines" pipelines
	conf home/.config/shopswitch/connections.conf
	: >orders.jsonl
	HOME=$PWD/home
	export INPUTRC=/dev/null
	t 0 interactive "" python3 - "$SCRIPT" \
	    'sku-diff --output-f' 'sku-diff -o js' 'sku-diff --sum=' \
	    'orders-export --from=pi' 'stock-push --to my' \
	    'order-dedupe --agai' 'order-dedupe --against ord' \
	    'pipelines/preflight --wms-f' <<'EOF'
# Each line typed, then TAB, then a key that prints the line as it
# stands; bash in a pseudo-terminal, as a person runs it.
import os, pty, re, select, signal, sys

script, lines = sys.argv[1], sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp("bash", ["bash", "--norc", "--noprofile", "-i"])
buf = b""

def fail(why):
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    sys.exit(why)

def until(pat):
    # A busy machine is slow, not broken: minutes, against a hang.
    global buf
    while True:
        m = re.search(pat, buf, re.S)
        if m:
            buf = buf[m.end():]
            return m
        if not select.select([fd], [], [], 300)[0]:
            fail("no %r from bash: %r" % (pat, buf[-400:]))
        try:
            data = os.read(fd, 4096)
        except OSError:
            data = b""
        if not data:
            fail("bash ended: %r" % buf[-400:])
        buf += data

os.write(fd, b"PS1='$ '; bind 'set bell-style none'; "
         b"bind -x '\"\\C-x\": printf \"\\n@@[%s]@@\\n\" \"$READLINE_LINE\"'; "
         b". '" + script.encode() + b"'; echo read''y\n")
until(rb"ready\r?\n")
for line in lines:
    os.write(fd, line.encode() + b"\t\x18")
    m = until(rb"@@\[(.*?)\]@@")
    print(m.group(1).decode())
    os.write(fd, b"\x15")
os.write(fd, b"exit\n")
os.waitpid(pid, 0)
EOF
}

@test "make install-completion: the script, each tool's name a link to it" {
	local d=$BATS_TEST_TMPDIR/dest p=/opt/ss c
	make -s -C "$TOP" install-completion DESTDIR="$d" PREFIX=$p
	c=$d$p/share/bash-completion/completions
	t 0 installed "" sh -c 'cd "$1" && for f in *; do
		if [ -L "$f" ]; then echo "$f -> $(readlink "$f")"
		else echo "$f"; fi; done' sh "$c"
	grep -qx "_shopswitch_libexec=$p/libexec/shopswitch" "$c/shopswitch"
	# Installed pipelines are completed by the path they are run by.
	mkdir -p "$BATS_TEST_TMPDIR/px/libexec/shopswitch"
	cp "$TOP"/pipelines/* "$BATS_TEST_TMPDIR/px/libexec/shopswitch/"
	make -s -C "$TOP" install-completion DESTDIR="$d" \
	    PREFIX="$BATS_TEST_TMPDIR/px"
	SCRIPT=$d$BATS_TEST_TMPDIR/px/share/bash-completion/completions/sku-diff
	t 0 cutover-opts "" comp \
	    "$BATS_TEST_TMPDIR/px/libexec/shopswitch/cutover" --
	bash --norc --noprofile -c '. "$1" && complete -p "$2"' sh "$SCRIPT" \
	    "$BATS_TEST_TMPDIR/px/libexec/shopswitch/cutover"
	make -s -C "$TOP" uninstall DESTDIR="$d" PREFIX=$p
	[ -z "$(ls -A "$c")" ]
}

@test "in a shell with set -u, failglob and a file named like a value" {
	: >'*'
	t 0 strict "" bash --norc --noprofile -c '
		set -u
		shopt -s failglob
		. "$1" || exit 2
		COMP_WORDS=(sku-diff -o "")
		COMP_CWORD=2
		_shopswitch || exit 2
		printf "%s\n" "${COMPREPLY[@]}"
		COMP_WORDS=(sku-diff --sum)
		COMP_CWORD=1
		_shopswitch || exit 2
		printf "%s\n" "${COMPREPLY[@]}"' sh "$SCRIPT"
}
