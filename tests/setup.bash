# setup.bash: what every bats suite loads.  A case is one line:
#
#	t STATUS EXPECTED STDERR command args...
#
# runs the command in the case's directory, then checks its exit status,
# its standard output against tests/<suite>/EXPECTED ("-" for none) and
# its standard error against STDERR: "" for none, or a pattern that must
# match the whole of it (grep -E, one line of stderr per pattern line).
# SHOPSWITCH_UPDATE=1 writes the expected files instead (read them!).

export LC_ALL=C
BIN=${SHOPSWITCH_BIN:-$BATS_TEST_DIRNAME/../tools}
PATH=$BIN:$PATH
TOP=${BATS_TEST_DIRNAME%/*}	# bats makes it absolute; no process
DATA=$BATS_TEST_DIRNAME/data
EX=$TOP/examples
SUITE=${BATS_TEST_FILENAME##*/}
SUITE=${SUITE%.bats}
EXP=$BATS_TEST_DIRNAME/$SUITE
export BIN PATH TOP DATA EX

setup() {
	cd "$BATS_TEST_TMPDIR"
	# A pipeline's status is its first failure's, not its last command's.
	set -o pipefail
}

t() {
	local status=$1 expected=$2 err=$3 got
	shift 3
	set +e
	"$@" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"
	got=$?
	set -e
	if [ "$got" -ne "$status" ]; then
		echo "exit status $got, expected $status"
		echo "stderr:"; cat "$BATS_TEST_TMPDIR/err"
		return 1
	fi
	# Blessed only once its status is right.
	if [ "${SHOPSWITCH_UPDATE:-}" = 1 ] && [ "$expected" != - ]; then
		cp "$BATS_TEST_TMPDIR/out" "$EXP/$expected"
	fi
	if [ "$expected" = - ]; then
		if [ -s "$BATS_TEST_TMPDIR/out" ]; then
			echo "unexpected output:"; head -n 20 "$BATS_TEST_TMPDIR/out"
			return 1
		fi
	elif ! diff -u "$EXP/$expected" "$BATS_TEST_TMPDIR/out"; then
		return 1
	fi
	check_stderr "$err"
}

# check_stderr PATTERNS: standard error, line for line, matches them.
check_stderr() {
	local pats=$1
	if [ -z "$pats" ]; then
		if [ -s "$BATS_TEST_TMPDIR/err" ]; then
			echo "unexpected stderr:"; cat "$BATS_TEST_TMPDIR/err"
			return 1
		fi
		return 0
	fi
	# In the shell itself: the suite checks standard error some
	# thousands of times, and each process is milliseconds.
	local -a want got
	local i
	mapfile -t want <<<"$pats"
	mapfile -t got <"$BATS_TEST_TMPDIR/err"
	if [ "${#want[@]}" -ne "${#got[@]}" ]; then
		echo "stderr has ${#got[@]} lines, expected ${#want[@]}:"
		cat "$BATS_TEST_TMPDIR/err"
		return 1
	fi
	for i in "${!want[@]}"; do
		# grep -Ex: an extended regular expression, the whole line.
		if ! [[ ${got[i]} =~ ^(${want[i]})$ ]]; then
			echo "stderr line: ${got[i]}"
			echo "does not match: ${want[i]}"
			return 1
		fi
	done
}

# sandbox_start [--platform P] ARGS...: start the API sandbox
# (tests/sandbox) for platform P (default picqer) with ARGS (--data DIR,
# --generate ..., --rate-limit N ...), wait until it listens, and point
# SHOPSWITCH_CONFIG at a connections file for it with fast retries: a
# section named after the platform.  SANDBOX is its URL; teardown stops it.
sandbox_start() {
	local ready=$BATS_TEST_TMPDIR/sandbox.ready
	SANDBOX_PLATFORM=picqer
	if [ "${1:-}" = --platform ]; then
		SANDBOX_PLATFORM=$2
		shift 2
	fi
	# Emptied, not removed: rm is a process; the sandbox replaces the
	# ready file whole and appends to the log.
	: >"$ready"
	: >"$BATS_TEST_TMPDIR/requests.jsonl"
	sandbox_spawn "$TOP/tests/sandbox" "$BATS_TEST_TMPDIR/sandbox.err" \
	    --platform "$SANDBOX_PLATFORM" --port 0 --ready "$ready" \
	    --log "$BATS_TEST_TMPDIR/requests.jsonl" "$@" || {
		cat "$BATS_TEST_TMPDIR/sandbox.err"
		return 1
	}
	SANDBOX_PID=$spawned_pid
	# As long as it is alive: a busy machine is slow, not broken.
	while [ ! -s "$ready" ]; do
		if ! kill -0 "$SANDBOX_PID" 2>/dev/null; then
			cat "$BATS_TEST_TMPDIR/sandbox.err"
			return 1
		fi
		nap 0.02
	done
	read -r SANDBOX <"$ready"
	SANDBOX=http://127.0.0.1:$SANDBOX
	connections "retry_delay = 0.01" "rate_window = 0.2"
}

# connections LINES...: a 0600 connections file with a section for the
# sandbox's platform and these extra lines, as SHOPSWITCH_CONFIG.
connections() {
	: "${SANDBOX_PLATFORM:=picqer}"
	# Made 0600 by the umask of a subshell rather than by chmod: a
	# fork, not a fork and an exec, and every sandbox_start writes one.
	( umask 077
	{
		printf '[%s]\nplatform = %s\nurl = %s\n' "$SANDBOX_PLATFORM" \
		    "$SANDBOX_PLATFORM" "$SANDBOX"
		case $SANDBOX_PLATFORM in
		picqer)
			printf 'api_key = sandbox-key\n'
			printf 'contact = test@shopswitch.invalid\n' ;;
		woocommerce)
			printf 'key = ck_sandbox\nsecret = cs_sandbox\n' ;;
		shopify)
			printf 'token = shpat_sandbox\n' ;;
		magento)
			magento_keys sandbox-consumer-secret ;;
		shopware)
			printf 'client_id = SWIASANDBOXCLIENT0000000001\n'
			printf 'client_secret = sandbox-secret\n' ;;
		bol)
			printf 'client_id = sandbox-client\n'
			printf 'client_secret = sandbox-secret\n'
			printf 'token_url = %s/token\n' "$SANDBOX" ;;
		lightspeed)
			printf 'key = sandboxkeysandboxkeysandboxkey00\n'
			printf 'secret = sandboxsecretsandboxsecretsandbo\n' ;;
		ccv)
			printf 'public_key = ccv_public\nsecret = ccv_secret\n' ;;
		esac
		printf '%s\n' "$@"
	} >"$BATS_TEST_TMPDIR/connections.conf" )
	export SHOPSWITCH_CONFIG=$BATS_TEST_TMPDIR/connections.conf
}

# magento_keys CONSUMER_SECRET: the four OAuth keys of the sandbox's
# integration, as connection lines.
magento_keys() {
	printf '%s\n' "consumer_key = sandbox-consumer-key" \
	    "consumer_secret = $1" \
	    "access_token = sandbox-token" \
	    "access_token_secret = sandbox-token-secret"
}

# magento_oauth [CONSUMER_SECRET]: the Magento connection signs with
# OAuth (as it does by default; Magento 2.4.4 and later refuse the token
# as a bearer), with this consumer secret.
magento_oauth() {
	sed -i '/^token =/d; /^consumer_/d; /^access_token/d' \
	    "$BATS_TEST_TMPDIR/connections.conf"
	magento_keys "${1:-sandbox-consumer-secret}" \
	    >>"$BATS_TEST_TMPDIR/connections.conf"
}

# magento_bearer: the Magento connection sends the integration's access
# token as a bearer instead (a store with --set bearer=1 takes it).
magento_bearer() {
	sed -i '/^consumer_/d; /^access_token/d' \
	    "$BATS_TEST_TMPDIR/connections.conf"
	printf 'token = sandbox-token\n' >>"$BATS_TEST_TMPDIR/connections.conf"
}

# kill_runs STEP CMD...: run CMD, which journals its progress to j, again
# and again, each run killed with SIGKILL at a random moment (once the
# journal has grown by up to STEP lines, then up to 30 ms more, so that a
# kill falls in a read, in a write, or between a write and its journal
# line), up to 8 times, then once to its end.  Each run's output is
# out.N and its messages err.N; RUN is the last run's N and RC its exit
# status.  Fails when no run was ever killed (CMD was too quick).
kill_runs() {
	local step=$1 i pid w
	shift
	for i in $(seq 9); do
		"$@" >"out.$i" 2>"err.$i" &
		pid=$!
		RC=0
		if [ "$i" -lt 9 ]; then
			( grown_close; kill_at "$pid" "$step" ) &
			w=$!
			wait "$pid" || RC=$?
			wait "$w" || :
			[ "$RC" -ne 137 ] || continue	# SIGKILL
		else
			wait "$pid" || RC=$?
		fi
		RUN=$i
		break
	done
	[ "$RUN" -gt 1 ] || { echo "never killed: the run was too quick"; return 1; }
}

# kill_at PID STEP: once j has grown by a random number of up to STEP
# lines, and then up to 30 ms more, kill PID with SIGKILL, unless it has
# ended by then.
kill_at() {
	local k
	grown j
	k=$((GROWN + RANDOM % ($2 + 1)))
	while kill -0 "$1" 2>/dev/null && grown j "$k" &&
	    [ "$GROWN" -lt "$k" ]; do
		nap 0.005
	done
	nap "0.0$((RANDOM % 3))$((RANDOM % 10))"
	kill -9 "$1" 2>/dev/null || :
}

# grown FILE [MAX]: GROWN, the number of whole lines in FILE now (0 while
# there is no FILE), read on from where the last call stopped, but not
# beyond MAX (a file written faster than a shell reads lines would keep
# it reading); grown_close forgets it.  nap SECONDS: sleep.  Neither
# starts a process: on a busy machine a fork takes tens of milliseconds
# of processor time, and a loop of them, 200 a second, took most of a
# test's time and made its moments ten times coarser.  FILE may only
# grow (a line cut short at its end and then removed may leave the
# count a line short).
grown() {
	local line
	if [ "${GROWN_FILE:-}" != "$1" ]; then
		grown_close
		[ -f "$1" ] || return 0
		exec {GROWN_FD}<"$1"
		GROWN_FILE=$1
	fi
	while { [ -z "${2:-}" ] || [ "$GROWN" -lt "$2" ]; } &&
	    IFS= read -r -u "$GROWN_FD" line; do
		GROWN=$((GROWN + 1))
	done
	return 0
}
grown_close() {
	[ -z "${GROWN_FD:-}" ] || exec {GROWN_FD}<&-
	GROWN_FD='' GROWN_FILE='' GROWN=0
}
# py ARGS...: python3 ARGS, for "-c CODE ARG...", "- ARG..." (the
# program on standard input) and "FILE ARG...", run by a fork of the
# run's zygote (tests/sandbox/zygote.py, at SHOPSWITCH_PY_PORT, with its
# token SHOPSWITCH_PY_TOKEN): a python3 start and its imports cost some
# 50 ms of processor time, a fork a few, and the suites run hundreds.
# The same standard input, output, error, directory and exit status;
# where standard output or error is a file, through a file of its own,
# copied (the fork's writes would not move this shell's offset in it).
# The script has the zygote's environment and umask, not this shell's:
# for scripts that read neither nor start programs.  Without a zygote,
# python3 itself.  In the foreground only: with "&", $! would be a
# shell, not the script.
py() {
	local fd='' i o e st text out err
	local tmp=${BATS_TEST_TMPDIR:-${BATS_FILE_TMPDIR:-${TMPDIR:-/tmp}}}
	case ${1:-} in
	-c|-|[!-]*) ;;
	*)	command python3 "$@"; return ;;
	esac
	if [ -n "${SHOPSWITCH_PY_PORT:-}" ] && [ -n "${SHOPSWITCH_PY_TOKEN:-}" ]
	then
		{ exec {fd}<>"/dev/tcp/127.0.0.1/$SHOPSWITCH_PY_PORT"; } \
		    2>/dev/null || fd=''
	fi
	if [ -z "$fd" ]; then
		command python3 "$@"
		return
	fi
	# The fork opens them by /proc; copies, since the redirections
	# below move the socket onto standard input and output for a while.
	exec {i}<&0 {o}>&1 {e}>&2
	out=/proc/$BASHPID/fd/$o
	err=/proc/$BASHPID/fd/$e
	[ ! -f "$out" ] || out=$tmp/py.$BASHPID.out
	[ ! -f "$err" ] || err=$tmp/py.$BASHPID.err
	printf '%s\0' "$SHOPSWITCH_PY_TOKEN" "$#" "$PWD" "/proc/$BASHPID/fd/$i" \
	    "$out" "$err" "$@" >&"$fd"
	IFS= read -r -u "$fd" st || st=''
	exec {fd}>&- {i}<&- {o}>&- {e}>&-
	if [ "$out" = "$tmp/py.$BASHPID.out" ]; then
		IFS= read -r -d '' text <"$out" || :
		printf '%s' "$text"
	fi
	if [ "$err" = "$tmp/py.$BASHPID.err" ]; then
		IFS= read -r -d '' text <"$err" || :
		printf '%s' "$text" >&2
	fi
	if [ -z "$st" ]; then
		echo "py: no exit status from the zygote" >&2
		return 2
	fi
	return "$st"
}

nap() {
	# A pipe that no one writes to: read -t on it waits, then fails.
	[ -n "${NAP_FD:-}" ] || exec {NAP_FD}<> <(:)
	read -r -t "$1" -u "$NAP_FD" _ || :
}
# whole FILE: every record of FILE is whole: in JSON Lines each line an
# object, in CSV each row as many fields as the header; and it ends with a
# newline.  Says which is not, and fails.
whole() {
	py -c 'import csv, json, sys
p = sys.argv[1]
data = open(p, newline="").read()
if not data.endswith("\n"):
    sys.exit("%s: the last record is cut" % p)
if p.endswith(".jsonl"):
    for i, l in enumerate(data.splitlines(), 1):
        if not isinstance(json.loads(l), dict):
            sys.exit("%s:%d: not an object" % (p, i))
else:
    rows = list(csv.reader(data.splitlines()))
    for i, r in enumerate(rows[1:], 2):
        if len(r) != len(rows[0]):
            sys.exit("%s:%d: %d fields, the header %d" % (p, i, len(r), len(rows[0])))' "$1"
}
journal_lines() { if [ -f j ]; then wc -l <j; else echo 0; fi; }

# bulk_requests [PAGE]: a Shopify listing by bulk operation
# (bulkOperationRunQuery) or by pages, as "RUNS FILES PAGES polls|none":
# operations run, files fetched, pages of the query PAGE ("query
# Variants" unless given), and whether an operation was polled.
bulk_requests() {
	py -c 'import json, sys
n = {"run": 0, "file": 0, "page": 0, "poll": 0}
for l in open(sys.argv[1]):
    o = json.loads(l)
    b = o.get("body")
    q = b.get("query", "") if isinstance(b, dict) else ""
    if "/bulk-operation-outputs/" in o["path"]:
        n["file"] += 1
    elif q.startswith("mutation Bulk"):
        n["run"] += 1
    elif q.startswith("query Op"):
        n["poll"] += 1
    elif q.startswith(sys.argv[2]):
        n["page"] += 1
print(n["run"], n["file"], n["page"], "polls" if n["poll"] else "none")' \
	    "$BATS_TEST_TMPDIR/requests.jsonl" "${1:-query Variants}"
}

# fast_dir: FAST_DIR, a new directory for a file synced after every line
# (a journal of 10,000 writes): on a tmpfs (/dev/shm) where there is one,
# where fsync(2) costs nothing, else in the test's directory.  A kill -9
# loses nothing written either way: the page cache outlives the process.
# teardown removes it.
fast_dir() {
	FAST_DIR=$(mktemp -d /dev/shm/shopswitch.XXXXXX 2>/dev/null) ||
	    FAST_DIR=$(mktemp -d "$BATS_TEST_TMPDIR/fast.XXXXXX")
}

# ctl METHOD PATH [BODY]: a request to the control endpoints of the
# sandbox at CTL_URL (default SANDBOX; tests/sandbox/README.md), its
# answer's body on standard output; fails unless the answer is 2xx, as
# curl -f would.  By bash's /dev/tcp, not curl, which takes 30 ms of
# processor time to start, thirty times what the sandbox takes to
# answer, and the suites ask thousands of times.  A long body is read
# by cat: bash reads a socket a byte at a time.
ctl() {
	local fd status line len=0 body= url=${CTL_URL:-$SANDBOX}
	exec {fd}<>"/dev/tcp/127.0.0.1/${url##*:}"
	printf '%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n%s\r\n\r\n%s' \
	    "$1" "$2" "${#3}" "Connection: close" "${3-}" >&"$fd"
	read -r -u "$fd" line status line
	while IFS= read -r -u "$fd" line && [ "$line" != $'\r' ]; do
		case $line in
		[Cc]ontent-[Ll]ength:*) len=${line//[!0-9]/} ;;
		esac
	done
	case $status in
	2??)	if [ "$len" -gt 4096 ]; then
			cat <&"$fd"
		elif [ "$len" -gt 0 ]; then
			IFS= read -r -N "$len" -u "$fd" body
			printf '%s' "$body"
		fi
		exec {fd}<&-
		return 0 ;;
	esac
	[ "$len" -eq 0 ] || IFS= read -r -N "$len" -u "$fd" body
	exec {fd}<&-
	echo "$1 $2: $status $body" >&2
	return 1
}

# state: the sandbox's data now; writes: its write counts per SKU.
state() { ctl GET /_sandbox/state; }
writes() { ctl GET /_sandbox/writes; }

# fault JSON: set faults in the sandbox (see tests/sandbox/README.md).
fault() { ctl POST /_sandbox/faults "$1" >/dev/null; }

# requests: the requests the sandbox received, "METHOD path?query status"
# a line, as curl's tests check the protocol.
requests() {
	py -c 'import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    q = "?" + o["query"] if o["query"] else ""
    print(o["method"], o["path"] + q, o["status"])' \
	    "$BATS_TEST_TMPDIR/requests.jsonl"
}

teardown() {
	local pid
	[ -z "${FAST_DIR:-}" ] || rm -rf "$FAST_DIR"
	for pid in ${SANDBOX_PID:-} ${SANDBOX_PIDS:-}; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
}
. "$TOP/tests/sandbox/spawn.sh"

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
