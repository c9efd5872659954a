# docs.bats: the manual pages say what the tools do.  Every long option
# is documented, mandoc finds nothing to lint, and every command line in
# EXAMPLES runs and exits as its page says; those of the tools that talk
# to a platform run against the API sandbox of tests/sandbox/.
load setup

MAN=$TOP/man

# long_opts TOOL: the long options of TOOL's longopts[] table, with those
# of OPTS_LONG or OPTS_LONG_OUT (lib/opts.h) when the table includes
# them (OPTS_LONG includes OPTS_LONG_OUT), one per line.
long_opts() {
	local src=$TOP/tools/$1.c
	{
		sed -n '/longopts\[\] = {/,/^};/p' "$src"
		if grep -q 'OPTS_LONG,' "$src"; then
			sed -n '/#define OPTS_LONG \\$/,/^$/p' "$TOP/lib/opts.h"
		fi
		if grep -q 'OPTS_LONG,\|OPTS_LONG_OUT,' "$src"; then
			sed -n '/#define OPTS_LONG_OUT/,/^$/p' "$TOP/lib/opts.h"
		fi
	} | sed -n 's/.*{ *"\([a-z0-9-]*\)",.*/\1/p' | sort -u
}

# help_opts TOOL: the long options TOOL's --help lists, one per line.
help_opts() {
	"$BIN/$1" --help | grep -o -- '--[a-z][a-z0-9-]*' | sed 's/^--//' |
	    sort -u
}

# check_opts TOOL: each long option of the table and of --help is in the
# page as "Fl -name" or "--name" on an .It line: an item of a list, such
# as the options of DESCRIPTION, is about it.
check_opts() {
	local tool=$1 page=$MAN/$1.1 opt missing='' table help
	table=$(long_opts "$tool")
	help=$(help_opts "$tool")
	if [ -z "$table" ]; then
		echo "no longopts[] found in tools/$tool.c"
		return 1
	fi
	if [ -z "$help" ]; then
		echo "$tool --help lists no long option"
		return 1
	fi
	for opt in $(printf '%s\n%s\n' "$table" "$help" | sort -u); do
		if ! grep -Eq -- "^\.It .*(Fl -|--)$opt([^a-z0-9-]|\$)" "$page"
		then
			missing="$missing --$opt"
		fi
	done
	if [ -n "$missing" ]; then
		echo "man/$tool.1 does not document:$missing"
		return 1
	fi
}

# same_opts TOOL: --help and the longopts[] table name the same options.
same_opts() {
	local d
	d=$(diff <(long_opts "$1") <(help_opts "$1")) && return 0
	echo "$1: longopts[] (<) and --help (>) differ:"
	echo "$d"
	return 1
}

# examples PAGE: the command lines of the EXAMPLES section of PAGE, each
# as "STATUS<tab>COMMAND".  A command is a line of a .Bd -literal display
# or a .Dl that starts with "$ "; a line ending in \e goes on in the next.
# The line after the command must be a comment ".\" exit N" giving the
# status it exits with; STATUS is "?" when it is missing.
examples() {
	local line inex=0 lit=0 cmd='' cont=0 want=0
	while IFS= read -r line; do
		case $line in
		.Sh\ *)
			[ "$line" = ".Sh EXAMPLES" ] && inex=1 || inex=0
			continue ;;
		esac
		[ "$inex" = 1 ] || continue
		if [ "$want" = 1 ]; then
			want=0
			if [[ $line =~ ^\.\\\"\ exit\ ([0-9]+)$ ]]; then
				printf '%s\t%s\n' "${BASH_REMATCH[1]}" \
				    "$(unroff "$cmd")"
				continue
			fi
			printf '?\t%s\n' "$(unroff "$cmd")"
		fi
		if [ "$cont" = 1 ]; then
			cmd="$cmd $line"
		else
			case $line in
			.Bd\ -literal*) lit=1; continue ;;
			.Ed*) lit=0; continue ;;
			.Dl\ \$\ *) cmd=${line#.Dl \$ } ;;
			\$\ *) [ "$lit" = 1 ] || continue; cmd=${line#\$ } ;;
			*) continue ;;
			esac
		fi
		if [[ $cmd == *'\e' ]]; then
			cmd=${cmd%'\e'}
			cont=1
		else
			cont=0
			want=1
		fi
	done <"$1"
	[ "$want" = 0 ] || printf '?\t%s\n' "$(unroff "$cmd")"
}

# unroff TEXT: the roff escapes a command line may hold, as typed.
unroff() {
	local s=$1
	s=${s//'\e'/\\}
	s=${s//'\-'/-}
	s=${s//'\&'/}
	s=${s//'\(aq'/\'}
	s=${s//'\(dq'/\"}
	printf '%s' "$s"
}

# run_examples PAGE: run each example of PAGE in order, in one fresh
# directory holding a copy of examples/, and check each exit status.
run_examples() {
	local page=$MAN/$1 status cmd got n=0 bad=0
	mkdir "$BATS_TEST_TMPDIR/top"
	cp -R "$TOP/examples" "$BATS_TEST_TMPDIR/top/examples"
	cd "$BATS_TEST_TMPDIR/top" || return 1
	while IFS=$'\t' read -r status cmd; do
		n=$((n + 1))
		if [ "$status" = "?" ]; then
			echo "$1: no '.\\\" exit N' line after: \$ $cmd"
			bad=1
			continue
		fi
		got=0
		sh -c "$cmd" >"$BATS_TEST_TMPDIR/out" \
		    2>"$BATS_TEST_TMPDIR/err" || got=$?
		if [ "$got" != "$status" ]; then
			echo "$1: exit $got, the page says $status: \$ $cmd"
			sed 's/^/  stderr: /' "$BATS_TEST_TMPDIR/err" | head -n 5
			bad=1
		fi
	done < <(examples "$page")
	if [ "$n" -lt 3 ]; then
		echo "$1: only $n example command lines found in EXAMPLES"
		bad=1
	fi
	return "$bad"
}

# start_sandbox PLATFORM...: start the API sandbox of each PLATFORM on a
# free port of 127.0.0.1 with its seed data, and point SHOPSWITCH_CONFIG
# at a connections file (mode 600) with a section [PLATFORM] for each,
# as the pages' EXAMPLES say.  teardown stops the sandboxes.
start_sandbox() {
	local p port
	[ -f "$TOP/tests/sandbox/sandbox.py" ] || skip "sandbox not yet present"
	command -v python3 >/dev/null ||
	    skip "python3 is not installed: the sandbox cannot run"
	SHOPSWITCH_CONFIG=$BATS_TEST_TMPDIR/connections.conf
	echo "# The API sandbox, tests/sandbox/sandbox.py." >"$SHOPSWITCH_CONFIG"
	chmod 600 "$SHOPSWITCH_CONFIG"
	for p in "$@"; do
		port=$BATS_TEST_TMPDIR/sandbox-$p.port
		python3 "$TOP/tests/sandbox/sandbox.py" --platform "$p" \
		    --data "$TOP/tests/sandbox/data/$p" --port 0 --ready "$port" \
		    </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/sandbox.err" 3>&- &
		SANDBOX_PIDS="${SANDBOX_PIDS:-} $!"
		# As long as it is alive: a busy machine is slow, not broken.
		while [ ! -s "$port" ]; do
			if ! kill -0 "$!" 2>/dev/null; then
				echo "the sandbox did not start:"
				cat "$BATS_TEST_TMPDIR/sandbox.err"
				return 1
			fi
			sleep 0.05
		done
		{
			printf '[%s]\nplatform = %s\n' "$p" "$p"
			printf 'url = http://127.0.0.1:%s\n' "$(cat "$port")"
			case $p in
			picqer)
				printf 'api_key = sandbox-key\n'
				printf 'contact = tests@shopswitch.example\n' ;;
			woocommerce)
				printf 'key = ck_sandbox\nsecret = cs_sandbox\n' ;;
			shopify)
				printf 'token = shpat_sandbox\n' ;;
			magento)
				printf '%s\n' \
				    "consumer_key = sandbox-consumer-key" \
				    "consumer_secret = sandbox-consumer-secret" \
				    "access_token = sandbox-token" \
				    "access_token_secret = sandbox-token-secret" ;;
			esac
			printf 'retries = 2\nretry_delay = 0.1\n'
		} >>"$SHOPSWITCH_CONFIG"
	done
	export SHOPSWITCH_CONFIG
	# 127.0.0.1 directly, never through a proxy.
	unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY
}

teardown() {
	local pid
	for pid in ${SANDBOX_PIDS:-}; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
}

@test "sku-diff.1 documents every long option"       { check_opts sku-diff; }
@test "order-dedupe.1 documents every long option"   { check_opts order-dedupe; }
@test "orders-export.1 documents every long option"  { check_opts orders-export; }
@test "stock-snapshot.1 documents every long option" { check_opts stock-snapshot; }
@test "stock-push.1 documents every long option"     { check_opts stock-push; }
@test "orders-complete.1 documents every long option" { check_opts orders-complete; }
@test "orders-push.1 documents every long option"    { check_opts orders-push; }
@test "sku-diff --help lists longopts[]"             { same_opts sku-diff; }
@test "order-dedupe --help lists longopts[]"         { same_opts order-dedupe; }
@test "orders-export --help lists longopts[]"        { same_opts orders-export; }
@test "stock-snapshot --help lists longopts[]"       { same_opts stock-snapshot; }
@test "stock-push --help lists longopts[]"           { same_opts stock-push; }
@test "orders-complete --help lists longopts[]"      { same_opts orders-complete; }
@test "orders-push --help lists longopts[]"          { same_opts orders-push; }

@test "mandoc -Tlint is clean" {
	if ! command -v mandoc >/dev/null; then
		skip "mandoc is not installed: the pages are not linted"
	fi
	out=$(mandoc -Tlint -W warning "$MAN"/*.1 "$MAN"/*.7 2>&1) || true
	if [ -n "$out" ]; then
		echo "$out"
		return 1
	fi
}

@test "sku-diff.1 EXAMPLES run as it says"       { run_examples sku-diff.1; }
@test "order-dedupe.1 EXAMPLES run as it says"   { run_examples order-dedupe.1; }
@test "orders-export.1 EXAMPLES run as it says" {
	start_sandbox picqer
	run_examples orders-export.1
}
@test "stock-snapshot.1 EXAMPLES run as it says" {
	start_sandbox picqer
	run_examples stock-snapshot.1
}
@test "stock-push.1 EXAMPLES run as it says" {
	start_sandbox picqer woocommerce
	run_examples stock-push.1
}
@test "orders-complete.1 EXAMPLES run as it says" {
	start_sandbox magento woocommerce
	run_examples orders-complete.1
}
@test "orders-push.1 EXAMPLES run as it says" {
	start_sandbox picqer woocommerce shopify magento
	run_examples orders-push.1
}
