# selftest-lib.sh: what the sandbox's self-tests share.  Source it after
# setting platform (the --platform to test) and here (this directory).
# It gives a temporary directory $tmp removed at exit, the TAP helpers
# ok, not_ok and is, start to launch a sandbox, py, curl and fault.
# shellcheck shell=sh
# platform, here and base are the sourcing script's:
# shellcheck disable=SC2154

# shellcheck source=tests/sandbox/spawn.sh
. "$here/spawn.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sandbox-selftest-$platform.XXXXXX")
n=0
failed=0
pids=

cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 2' INT TERM

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	shift
	for line in "$@"; do
		echo "#   $line"
	done
}
# is DESC GOT WANT: ok when GOT equals WANT.
is() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "got:  $2" "want: $3"
	fi
}
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# start [--own] NAME ARGS...: start a sandbox for $platform, wait for
# its ready file; sets port_NAME and pid_NAME.  --own: as this shell's
# child, so that wait gives its exit status.  It waits as long as the sandbox is
# alive (up to ten minutes): a busy machine is slow, not broken.  How fast
# it starts is measured in make bench, never asserted here.
start() {
	own=
	if [ "$1" = --own ]; then
		own=1
		shift
	fi
	name=$1
	shift
	ready=$tmp/$name.ready
	if ! sandbox_spawn ${own:+--own} "$here" "$tmp/$name.err" --platform "$platform" \
	    --port 0 --ready "$ready" --log "$tmp/$name.log" "$@"; then
		echo "Bail out! sandbox $name did not start:"
		sed 's/^/# /' "$tmp/$name.err"
		exit 2
	fi
	pid=$spawned_pid
	pids="$pids $pid"
	i=0
	while [ ! -s "$ready" ]; do
		i=$((i + 1))
		if [ "$i" -gt 60000 ] || ! kill -0 "$pid" 2>/dev/null; then
			echo "Bail out! sandbox $name did not start:"
			sed 's/^/# /' "$tmp/$name.err"
			exit 2
		fi
		sleep 0.01
	done
	read -r port <"$ready"
	eval "port_$name=$port pid_$name=$pid"
}

# py EXPR [ARG]: evaluate EXPR with d = the JSON on standard input (and
# sys.argv[2] = ARG), and print it; status 1 when the input is no JSON or
# EXPR fails, its traceback on standard error.  py_lines EXPR: d = the
# list of the JSON Lines on standard input.  A self-test runs them
# hundreds of times, and a python3 start is tens of milliseconds of
# processor time: one interpreter (below) evaluates them all, asked
# through two FIFOs, the JSON, EXPR and ARG in files.  Its input is read
# whole before it asks, and its answer printed once it is whole, so that
# a py may feed, or be fed by, a command that asks py itself.
py() {
	py_ask json "$@"
}
py_lines() {
	py_ask lines "$@"
}
py_ask() {
	# Read whole before a file is touched: what feeds it may ask too.
	_py_in=$(cat)
	printf '%s\n' "$_py_in" >"$tmp/py.json"
	printf '%s' "$2" >"$tmp/py.expr"
	printf '%s' "${3:-}" >"$tmp/py.arg"
	echo "$1" >&8
	_py_out=
	while IFS= read -r _py_line <&9; do
		case $_py_line in
		"$py_end"*)	break ;;
		esac
		_py_out=$_py_out$_py_line$py_nl
	done
	printf '%s' "$_py_out"
	[ "${_py_line#"$py_end"}" = 0 ]
}
py_nl='
'
py_end=$(printf '\036')
mkfifo "$tmp/py.ask" "$tmp/py.answer"
python3 "$here/selftest_py.py" "$tmp/py.ask" "$tmp/py.answer" "$tmp" &
pids="$pids $!"
exec 8>"$tmp/py.ask" 9<"$tmp/py.answer"

# curl ARGS...: curl's request, made by the same python3 (selftest_py.py)
# for the options the self-tests use (-s, -S, -g, -o, -w, -X, -u, -H,
# -A, -D, -d, --data, --data-binary, -m): a curl is a process of 38
# libraries, 15 ms of processor time, and the self-tests make 1,700
# requests.  Any other call it hands back to the real curl.  A request
# in the background (&) must be "command curl": it would hold up every
# question after it, and killing it would leave its answer to the next.
curl() {
	printf '%s\0' "$PWD" "$@" >"$tmp/curl.args"
	echo curl >&8
	IFS= read -r _curl_a <&9
	_curl_a=${_curl_a#"$py_end"}
	[ "$_curl_a" = f ] && {
		command curl "$@"
		return
	}
	_curl_k=${_curl_a#* }
	case $_curl_k in
	"i "*)	printf '%s' "${_curl_k#i }" ;;
	o|oe)	cat "$tmp/curl.out" ;;
	esac
	case $_curl_k in
	e|oe)	cat "$tmp/curl.err" >&2 ;;
	esac
	return "${_curl_a%% *}"
}
# fault JSON: set faults in the sandbox at $base.
fault() {
	curl -sS -o /dev/null -X POST --data-binary "$1" "$base/_sandbox/faults"
}
