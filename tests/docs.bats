# docs.bats: the manual pages say what the tools do.  Every long option
# is documented, mandoc finds nothing to lint, and every command line in
# EXAMPLES runs, exits and prints as its page says; those of the tools
# that talk to a platform run against the API sandbox of tests/sandbox/.
#
# How a page shows an example:
# - A command is a line "$ COMMAND" of a .Bd -literal display, or a
#   ".Dl $ COMMAND"; a line ending in \e goes on in the next.  The line
#   after it is a comment ".\" exit N": the status it exits with.
# - The lines after that in the display, up to the next "$ " line or
#   .Ed, are what a terminal shows: the command's standard output and
#   standard error, both compared (a .Dl shows nothing: it prints
#   nothing).  Escapes are read as mandoc shows them (see unroff); a
#   request among them, or an escape unroff does not know, fails.
# - A line that starts with the name of a tool (a page of man/*.1) and
#   ": " is from standard error, the others from standard output.  Each
#   stream's lines are in their order; how the two interleave is not
#   checked, since that depends on buffering.
# - A line that starts with white space goes on from the line above: a
#   long line folded by the page (which says so), at a space or inside a
#   word.  The output line is the pieces joined by one space or none.
#   So a line shown never starts with white space.
# - "..." stands for what the page leaves out: a line "..." (written
#   \&... since a line that starts with a dot is a request) for one or
#   more whole lines of standard output, "..." within a line for some
#   text of that line, such as a time that changes from run to run.
# - What is the test run's own is written as a page names it before the
#   output is compared: HOME is a directory of the test's, which the
#   pages call /home/jan (so the connections file is
#   /home/jan/.config/shopswitch/connections.conf), and each sandbox's
#   address is the url of its connection in the pages (SANDBOX_URL).
load setup

MAN=$TOP/man
NL=$'\n'
# A message: a tool's name and ": " at the start of a line.
MESSAGE="^($(cd "$MAN" && ls -- *.1 | sed 's/\.1$//' | paste -s -d '|')): "
# What the test names differently, and how the pages name it: FROM TO
# ...; SHOWN_ORDER, the indexes of the FROMs, the longest first.
SHOWN_AS=()
SHOWN_ORDER=
# The url of each platform's connection as the pages show it:
# shopswitch(7) CONNECTIONS for Picqer, README for Shopify, and DESIGN's
# old shop for WooCommerce; no page names Magento's yet.
declare -gA SANDBOX_URL=(
	[picqer]=https://example.picqer.com
	[woocommerce]=https://old.example.nl
	[shopify]=https://example.myshopify.com
	[magento]=https://magento.example.nl
)

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

# examples PAGE: the examples of PAGE's EXAMPLES section, one a line,
# fields separated by \037 and newlines within a field written as \036:
# the exit status the page gives (? when its ".\" exit N" line is
# missing), the command, the extended regular expressions that its
# standard output and its standard error must match, and the text of
# both as the page shows them (folds joined by a space) to show a
# difference.  A line "!<\037>WHY" says what cannot be read.
examples() {
	awk -v message="$MESSAGE" '
	BEGIN { US = "\037" }
	function fail(why) { errors = errors "!" US why "\n" }
	# unroff(s): s as mandoc shows it.  The escapes the pages use are
	# read: \e \- \& \(aq \(dq and \[uXXXX], a character by its Unicode
	# code point, written as UTF-8.  Any other sets unknown: the test
	# would compare it wrongly.
	function unroff(s,    r, i) {
		r = ""
		while ((i = index(s, "\\")) > 0) {
			r = r substr(s, 1, i - 1)
			s = substr(s, i + 1)
			if (s ~ /^e/) {
				r = r "\\"; s = substr(s, 2)
			} else if (s ~ /^-/) {
				r = r "-"; s = substr(s, 2)
			} else if (s ~ /^&/) {
				s = substr(s, 2)
			} else if (s ~ /^\(aq/) {
				r = r "\047"; s = substr(s, 4)
			} else if (s ~ /^\(dq/) {
				r = r "\""; s = substr(s, 4)
			} else if (s ~ /^\[u[0-9A-F][0-9A-F][0-9A-F][0-9A-F]\]/) {
				r = r utf8(substr(s, 3, 4)); s = substr(s, 8)
			} else {
				unknown = 1
				return r "\\" s
			}
		}
		return r s
	}
	function utf8(h,    c, i) {
		c = 0
		for (i = 1; i <= 4; i++)
			c = c * 16 + index("0123456789ABCDEF", substr(h, i, 1)) - 1
		if (c < 128)
			return sprintf("%c", c)
		if (c < 2048)
			return sprintf("%c%c", 192 + int(c / 64), 128 + c % 64)
		return sprintf("%c%c%c", 224 + int(c / 4096),
		    128 + int(c / 64) % 64, 128 + c % 64)
	}
	# quote(s): s as an extended regular expression that matches it.
	function quote(s,    r, i, c) {
		r = ""
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			r = r (index(".[\\()*+?{|^$", c) ? "\\" : "") c
		}
		return r
	}
	# linere(l): the expression of a line shown, its pieces (folds)
	# joined by one space or none, "..." within it as some text.
	function linere(l,    r, n, p, i, s, j) {
		r = ""
		n = split(l, p, "\001")
		for (i = 1; i <= n; i++) {
			s = p[i]
			if (i > 1)
				r = r " ?"
			while ((j = index(s, "...")) > 0) {
				r = r quote(substr(s, 1, j - 1)) "[^\n]+"
				s = substr(s, j + 3)
			}
			r = r quote(s)
		}
		return r
	}
	function start(status) {
		unknown = 0
		command = unroff(cmd)
		if (unknown)
			fail("an escape it cannot read in: $ " cmd)
		pending = status US command
		lines = 0
		out = lit
	}
	function shown(line,    u) {
		unknown = 0
		u = unroff(line)
		if (unknown)
			fail("an escape it cannot read in: " line)
		else if (line !~ /^[ \t]/)
			l[++lines] = u
		else if (lines == 0)
			fail("the first line shown after $ " command " is folded")
		else {
			sub(/^[ \t]+/, "", u)
			l[lines] = l[lines] "\001" u
		}
	}
	# end: the expressions and texts of the command started.
	function end(    i, s, p, re, text, t) {
		if (pending == "") {
			printf "%s", errors
			errors = ""
			return
		}
		re["out"] = re["err"] = text["out"] = text["err"] = ""
		for (i = 1; i <= lines; i++) {
			split(l[i], p, "\001")
			s = p[1] ~ message ? "err" : "out"
			if (l[i] == "...")
				re[s] = re[s] "([^\n]*\n)+"
			else
				re[s] = re[s] linere(l[i]) "\n"
			t = l[i]
			gsub(/\001/, " ", t)
			text[s] = text[s] t "\n"
		}
		s = re["out"] US re["err"] US text["out"] US text["err"]
		gsub(/\n/, "\036", s)
		printf "%s%s%s\n%s", pending, US, s, errors
		pending = errors = ""
	}
	/^\.Sh / { end(); inex = $0 == ".Sh EXAMPLES"; next }
	!inex { next }
	want {
		want = 0
		if ($0 ~ /^\.\\" exit [0-9]+$/) {
			start(substr($0, 10))
			next
		}
		start("?")
	}
	cont { cmd = cmd " " $0 }
	!cont {
		if ($0 ~ /^\.Bd -literal/) {
			end(); lit = 1; out = 0; next
		} else if ($0 ~ /^\.Ed/) {
			end(); lit = 0; out = 0; next
		} else if ($0 ~ /^\.\\"/) {
			next
		} else if ($0 ~ /^\.Dl \$ /) {
			end(); out = 0; cmd = substr($0, 7)
		} else if ($0 ~ /^\$ / && lit) {
			end(); out = 0; cmd = substr($0, 3)
		} else {
			if (!out)
				next
			if ($0 ~ /^[.\047]/)
				fail("a request among what is shown: " $0)
			else
				shown($0)
			next
		}
	}
	{
		if (cmd ~ /\\e$/) {
			cmd = substr(cmd, 1, length(cmd) - 2)
			cont = 1
		} else {
			cont = 0
			want = 1
		}
	}
	END {
		if (want)
			start("?")
		end()
	}' "$1"
}

# output_of FILE VAR: the text of FILE, in VAR, with what is the test
# run's own written as the pages write it (see the top), the longest
# first (http://127.0.0.1:4445 is in http://127.0.0.1:44455).
output_of() {
	local _t='' _i
	# read stops at a NUL byte, or fails at the end of the file.
	if IFS= read -r -d '' _t <"$1"; then
		_t+="<a NUL byte, and what follows it>"
	fi
	for _i in $SHOWN_ORDER; do
		_t=${_t//"${SHOWN_AS[_i]}"/"${SHOWN_AS[_i + 1]}"}
	done
	printf -v "$2" '%s' "$_t"
}

# run_examples PAGE: run each example of PAGE in order, in one fresh
# directory holding a copy of examples/, and check each exit status and
# what it prints.
run_examples() {
	local page=$MAN/$1 status cmd re_out re_err text_out text_err n=0 \
	    bad=0 i
	examples_home
	SHOWN_ORDER=$(for ((i = 0; i < ${#SHOWN_AS[@]}; i += 2)); do
		echo "${#SHOWN_AS[i]} $i"
	done | sort -rn | cut -d ' ' -f 2)
	mkdir "$BATS_TEST_TMPDIR/top"
	cp -R "$TOP/examples" "$BATS_TEST_TMPDIR/top/examples"
	cd "$BATS_TEST_TMPDIR/top" || return 1
	while IFS=$'\037' read -r status cmd re_out re_err text_out text_err
	do
		if [ "$status" = "!" ]; then
			echo "$1: $cmd"
			bad=1
			continue
		fi
		n=$((n + 1))
		run_example "$1" "$status" "$cmd" "${re_out//$'\036'/$NL}" \
		    "${re_err//$'\036'/$NL}" "${text_out//$'\036'/$NL}" \
		    "${text_err//$'\036'/$NL}" || bad=1
	done < <(examples "$page")
	if [ "$n" -lt 3 ]; then
		echo "$1: only $n example command lines found in EXAMPLES"
		bad=1
	fi
	return "$bad"
}

# run_example PAGE STATUS CMD RE_OUT RE_ERR TEXT_OUT TEXT_ERR: run CMD;
# it exits with STATUS, its standard output matches RE_OUT and its
# standard error RE_ERR; the TEXTs are what the page shows.
run_example() {
	local page=$1 status=$2 cmd=$3 got=0 s re text what out bad=0
	if [ "$status" = "?" ]; then
		echo "$page: no '.\\\" exit N' line after: \$ $cmd"
		return 1
	fi
	sh -c "$cmd" </dev/null >"$BATS_TEST_TMPDIR/out" \
	    2>"$BATS_TEST_TMPDIR/err" || got=$?
	if [ "$got" != "$status" ]; then
		echo "$page: exit $got, the page says $status: \$ $cmd"
		sed 's/^/  stderr: /' "$BATS_TEST_TMPDIR/err" | head -n 5
		return 1
	fi
	for s in out err; do
		case $s in
		out) re="^$4\$" text=$6 what=output ;;
		err) re="^$5\$" text=$7 what=error ;;
		esac
		output_of "$BATS_TEST_TMPDIR/$s" out
		[[ $out =~ $re ]] && continue
		echo "$page: \$ $cmd"
		echo "  its standard $what differs from what the page" \
		    "shows (-):"
		if ! diff -u <(printf '%s' "$text") <(printf '%s' "$out") \
		    >"$BATS_TEST_TMPDIR/diff"; then
			sed -n '3,$s/^/  /p' "$BATS_TEST_TMPDIR/diff"
		fi
		bad=1
	done
	return "$bad"
}

# examples_home: HOME is the test's own directory, which the pages call
# /home/jan, and the connections file the one in it.
examples_home() {
	[ "$HOME" != "$BATS_TEST_TMPDIR/home" ] || return 0
	HOME=$BATS_TEST_TMPDIR/home
	mkdir -p "$HOME/.config/shopswitch"
	export HOME
	unset SHOPSWITCH_CONFIG
	SHOWN_AS+=("$HOME" /home/jan)
}

# start_sandbox PLATFORM...: start the API sandbox of each PLATFORM on a
# free port of 127.0.0.1 with its seed data, and write the connections
# file (mode 600) in the examples' HOME with a section [PLATFORM] for
# each, as the pages' EXAMPLES say.  teardown stops the sandboxes.
start_sandbox() {
	local p port conf
	[ -f "$TOP/tests/sandbox/sandbox.py" ] || skip "sandbox not yet present"
	command -v python3 >/dev/null ||
	    skip "python3 is not installed: the sandbox cannot run"
	examples_home
	conf=$HOME/.config/shopswitch/connections.conf
	echo "# The API sandbox, tests/sandbox/sandbox.py." >"$conf"
	chmod 600 "$conf"
	for p in "$@"; do
		port=$BATS_TEST_TMPDIR/sandbox-$p.port
		sandbox_spawn "$TOP/tests/sandbox" "$BATS_TEST_TMPDIR/sandbox.err" \
		    --platform "$p" --data "$TOP/tests/sandbox/data/$p" \
		    --port 0 --ready "$port" </dev/null 3>&-
		SANDBOX_PIDS="${SANDBOX_PIDS:-} $spawned_pid"
		# As long as it is alive: a busy machine is slow, not broken.
		while [ ! -s "$port" ]; do
			if ! kill -0 "$spawned_pid" 2>/dev/null; then
				echo "the sandbox did not start:"
				cat "$BATS_TEST_TMPDIR/sandbox.err"
				return 1
			fi
			sleep 0.05
		done
		SHOWN_AS+=("http://127.0.0.1:$(cat "$port")" "${SANDBOX_URL[$p]}")
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
		} >>"$conf"
	done
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
