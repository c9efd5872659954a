# faults.bats: the fault matrix.  Every tool against every platform's
# sandbox under every fault (a 429 storm, 500, 503, a reset, a timeout, a
# truncated body, invalid JSON, a token that dies mid-run, a host that
# does not answer) and every local fault (a full standard output, a full
# journal), each cell naming its outcome.  The cells are data, in
# tests/faults/table, which says what each outcome means; this file
# drives them: one test a fault, which runs the fault's row of every
# platform, all their cells side by side, each on a sandbox of its own
# that the later tests use again (reset before each cell).  The
# fault-free rows' outputs and write counts are
# tests/faults/PLATFORM.TOOL.{csv,jsonl,writes}, blessed with
# SHOPSWITCH_UPDATE=1; the other cells are compared with them.  The last
# tests: order-dedupe's --state on a full disk, and that the table and
# the tests agree.  SHOPSWITCH_FAULTS_ONLY="bol ccv" runs those rows.
load setup

TABLE=$BATS_TEST_DIRNAME/faults/table
# The tools, in the order of the table's columns.
COLUMNS="orders-export stock-snapshot stock-push orders-complete orders-push"

# fail MESSAGE...: say why the cell failed, and fail.
fail() { echo "$*"; return 1; }

# slurp VAR FILE: FILE into VAR, whole.  A cell starts few processes:
# each costs more than what it does here.
slurp() { IFS= read -r -d '' "$1" <"$2" || :; }

# lines RE all|last FILE: every line of FILE (or its last) matches the
# extended regular expression RE, whole; says which does not.
lines() {
	local line last=''
	while IFS= read -r line || [ -n "$line" ]; do
		if [ "$2" = all ] && [[ ! $line =~ ^($1)$ ]]; then
			echo "$line"
			return 1
		fi
		last=$line
	done <"$3"
	[ "$2" = all ] || [[ $last =~ ^($1)$ ]] || { echo "$last"; return 1; }
}

# read_table: the table into T_SANDBOX[platform], T_CONN[platform],
# T_TOKEN[platform], T_RUN[platform tool], T_FAULT[fault] and, from the
# matrix, T_ROW[platform fault]: the rest of each line, blanks squeezed;
# T_PLATFORMS and T_FAULTS in the table's order.
read_table() {
	local kind a b rest
	declare -gA T_SANDBOX T_CONN T_TOKEN T_RUN T_FAULT T_ROW
	declare -ga T_PLATFORMS=() T_FAULTS=()
	while read -r kind a b rest; do
		case $kind in
		'')		;;
		sandbox)	T_SANDBOX[$a]="$b $rest"
				T_PLATFORMS+=("$a") ;;
		conn)		T_CONN[$a]+="$b $rest"$'\n' ;;
		token)		T_TOKEN[$a]="$b $rest" ;;
		run)		T_RUN[$a $b]=$rest ;;
		fault)		T_FAULT[$a]="$b${rest:+ $rest}"
				T_FAULTS+=("$a") ;;
		*)		T_ROW[$kind $a]="$b${rest:+ $rest}" ;;
		esac
	done < <(tr -s '\t' ' ' <"$TABLE" | sed 's/ *#.*//')
}

# pool PLATFORM VARIANT SLOT ARGS...: sb, the URL of sandbox SLOT of
# PLATFORM (VARIANT: main, or token), started with ARGS on first use and
# kept for the file's later tests; teardown_file stops it.
pool() {
	local dir=$BATS_FILE_TMPDIR/pool/$1.$2.$3 p=$1 pid port
	shift 3
	if [ ! -s "$dir/ready" ]; then
		mkdir -p "$dir"
		sandbox_spawn "$TOP/tests/sandbox" "$dir/sandbox.err" \
		    --platform "$p" --port 0 --ready "$dir/ready" "$@" \
		    </dev/null 3>&- || { cat "$dir/sandbox.err" >&2; return 1; }
		pid=$spawned_pid
		echo "$pid" >"$dir/pid"
		while [ ! -s "$dir/ready" ]; do
			if ! kill -0 "$pid" 2>/dev/null; then
				cat "$dir/sandbox.err" >&2
				return 1
			fi
			nap 0.02
		done
	fi
	read -r port <"$dir/ready"
	sb=http://127.0.0.1:$port
	CTL_URL=$sb			# setup.bash's ctl
}

teardown_file() {
	local f pids=
	for f in "$BATS_FILE_TMPDIR"/pool/*/pid; do
		[ -f "$f" ] || continue
		kill "$(<"$f")" 2>/dev/null && pids="$pids $(<"$f")"
	done
	for f in $pids; do
		while kill -0 "$f" 2>/dev/null; do sleep 0.02; done
	done
}

# deaf: DEAF, a port on 127.0.0.1 that nothing listens on: a socket
# bound to it and never listening, so that no one else takes it; the
# test's teardown closes it.
deaf() {
	python3 -c 'import signal, socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
signal.pause()' >deaf.port &
	SANDBOX_PIDS="${SANDBOX_PIDS:-} $!"
	while [ ! -s deaf.port ]; do nap 0.02; done
	DEAF=$(<deaf.port)
}

# rows: the rows of the table for the fault that the test's name begins
# with, a row a platform, all their cells at once, each in a directory
# PLATFORM.TOOL whose log says what went wrong; a row or a cell that
# does not apply says why (on bats' TAP output).  SHOPSWITCH_FAULTS_ONLY
# names the platforms to run (default: all).  A test a fault, not a test
# a row: the writers wait a second or two before they look again at a
# write left unknown, and 96 rows one after the other took minutes.
rows() {
	local fault=${BATS_TEST_DESCRIPTION%% *}
	local platform line tool want slot pids='' pid bad='' dir
	local -a cells dirs=()
	read_table
	[ -n "${T_FAULT[$fault]-}" ] || fail "no 'fault $fault' in $TABLE"
	# TURN, a FIFO, holds a token that cells take turns with.
	mkfifo turn
	exec {TURN}<>turn
	rm turn
	echo >&"$TURN"
	[ "$fault" != unreachable ] || deaf
	# Each cell: PLATFORM TOOL WANT SLOT.
	set --
	for platform in "${T_PLATFORMS[@]}"; do
		case " ${SHOPSWITCH_FAULTS_ONLY:-$platform} " in
		*" $platform "*) ;;
		*) continue ;;
		esac
		line=${T_ROW[$platform $fault]-}
		[ -n "$line" ] || fail "no row '$platform $fault' in $TABLE"
		case $line in
		'n/a: '*)
			echo "# $platform $fault: n/a: ${line#n/a: }" >&3
			continue ;;
		esac
		read -r -a cells <<<"$line"
		[ ${#cells[@]} -eq 5 ] ||
		    fail "row '$platform $fault' has ${#cells[@]} cells, not 5"
		slot=0
		for tool in $COLUMNS; do
			want=${cells[0]}
			cells=("${cells[@]:1}")
			case $want in
			-) continue ;;
			n/a:*)
				echo "# $platform $fault $tool: $want" >&3
				continue ;;
			esac
			set -- "$@" "$platform $tool $want $slot"
			dirs+=("$platform.$tool")
			slot=$((slot + 1))
		done
	done
	[ $# -eq 0 ] || mkdir "${dirs[@]}"
	for line in "$@"; do
		read -r platform tool want slot <<<"$line"
		dir=$platform.$tool
		(cd "$dir" && cell "$platform" "$fault" "$tool" "$want" "$slot") \
		    >"$dir/log" 2>&1 &
		pids="$pids $!:$dir:$want"
	done
	for pid in $pids; do
		if ! wait "${pid%%:*}"; then
			dir=${pid#*:}
			echo "--- $fault ${dir%:*}: not ${dir#*:}"
			cat "${dir%:*}/log"
			bad=1
		fi
	done
	[ -z "$bad" ]
}

# cell PLATFORM FAULT TOOL WANT SLOT: one cell, in its own directory.
cell() {
	local p=$1 f=$2 tool=$3 want=$4 slot=$5
	local -a run argv args
	local method path body spec kind='' conn='' variant=main sb ext=csv out
	local rc grant='' exp i writer='' log
	read -r -a run <<<"${T_RUN[$p $tool]-}"
	[ ${#run[@]} -gt 3 ] || fail "no 'run $p $tool' in the table"
	method=${run[0]} path=${run[1]} body=${run[2]//+/ }
	# in/ is tests/faults.
	argv=("${run[@]:3}")
	argv=("${argv[@]/#in\//$BATS_TEST_DIRNAME/faults/}")
	spec=${T_FAULT[$f]-}
	[ -n "$spec" ] || fail "no 'fault $f' in the table"
	case $spec in
	*'|'*) conn=${spec#*| } spec=${spec%% |*} ;;
	esac
	case $spec in
	*'"kind": "'*) kind=${spec#*\"kind\": \"} kind=${kind%%\"*} ;;
	esac
	read -r -a args <<<"${T_SANDBOX[$p]//DATA/$TOP/tests/sandbox/data}"
	if [ "$f" = token ]; then
		# GRANT PATH ARGS... [| LINE; ...]
		read -r -a run <<<"${T_TOKEN[$p]%%|*}"
		[ ${#run[@]} -gt 1 ] || fail "no 'token $p' in the table"
		grant=${run[0]} path=${run[1]} method='' body=-
		args+=("${run[@]:2}")
		case ${T_TOKEN[$p]} in
		*'|'*) conn=${T_TOKEN[$p]#*| } ;;
		esac
		variant=token
	fi
	case $tool in
	orders-export|orders-push) ext=jsonl ;;
	esac
	case $tool in
	stock-push|orders-complete|orders-push) writer=1 ;;
	esac
	exp=$EXP/$p.$tool

	# The sandbox as it was, the fault, and the connection.
	if [ "$f" = unreachable ]; then
		sb=http://127.0.0.1:$DEAF CTL_URL=$sb
		path=/
		conn="retry_delay = 0"
	else
		pool "$p" "$variant" "$slot" "${args[@]}"
		if [ -n "$kind" ]; then
			spec="{\"path\": \"$path\"${method:+, \"method\": \"$method\"}, ${spec#\{}"
			[ "$body" = - ] || spec="{\"body\": \"$body\", ${spec#\{}"
		fi
		ctl POST /_sandbox/reset
		[ -z "$kind" ] || ctl POST /_sandbox/faults "[$spec]" >/dev/null
	fi
	case $conn in
	*retry_delay*) ;;
	*) conn="retry_delay = 0.01${conn:+; $conn}" ;;
	esac
	SANDBOX=$sb SANDBOX_PLATFORM=$p BATS_TEST_TMPDIR=$PWD connections \
	    "rate_window = 0.2" ${T_CONN[$p]:+"${T_CONN[$p]%$'\n'}"} \
	    "${conn//; /$'\n'}"
	case $conn in
	*client_id*) sed -i '/^token = /d' connections.conf ;;
	esac

	# The run.
	out=out.$ext
	[ "$f" != stdout ] || out=/dev/full
	if [ "$f" = journal ]; then
		for i in "${!argv[@]}"; do
			[ "${argv[i]}" != --journal ] || argv[i + 1]=/dev/full
		done
	fi
	# Every /dev/full is one file, which a run locks as its journal:
	# one run at a time, when it holds the row's one token.
	[ "$f" != journal ] || read -r -u "$TURN" i
	i=$EPOCHREALTIME
	set +e
	"${argv[@]}" >"$out" 2>err
	rc=$?
	set -e
	[ "$f" != journal ] || echo >&"$TURN"
	echo "\$ ${argv[*]} >$out: exit $rc, $(((${EPOCHREALTIME/./} - ${i/./}) / 1000)) ms"
	slurp i err
	printf '%s' "$i"
	if [ "$tool" = stock-snapshot ] && [ -s out.csv ]; then
		# taken_at is the time of the run.
		sed -i -E 's/,[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$/,TAKEN_AT/' out.csv
	fi

	# What the sandbox saw: the fault met, a body to cut, a token dead.
	if [ "$f" != unreachable ]; then
		ctl GET /_sandbox/writes >writes.json
	fi
	if [ -n "$kind" ]; then
		ctl GET /_sandbox/log >requests.jsonl
		slurp log requests.jsonl
		[[ $log == *"\"fault\":\"$kind\""* ]] || fail "the fault was never met"
		case $kind in
		truncate|badjson)
			if [[ $log =~ \"status\":204,[^$'\n']*\"fault\":\"$kind\" ]]; then
				fail "204 No Content: no body to cut (n/a)"
			fi ;;
		esac
		if [ -n "$grant" ]; then
			log=${log//\"method\":\"POST\",\"path\":\"$grant\",/GRANT}
			log=${log#*GRANT}
			[[ $log == *GRANT* ]] || fail "one token did for the whole run"
		fi
	fi

	case $want in
	ok|ok+|found)
		[ "$rc" -eq 0 ] || fail "exit $rc, not 0"
		if [ "$f" = none ] && [ "${SHOPSWITCH_UPDATE:-}" = 1 ]; then
			cp "out.$ext" "$exp.$ext"
			[ -z "$writer" ] || { cat writes.json; echo; } >"$exp.writes"
		fi
		if [ "$want" = found ]; then
			found "$exp.$ext" "out.$ext"
		else
			slurp i "$exp.$ext"
			slurp log "out.$ext"
			if [ "$i" != "$log" ]; then
				diff -u "$exp.$ext" "out.$ext" || :
				fail "not the output of the run without the fault"
			fi
		fi
		case $want in
		ok)
			[ ! -s err ] || fail "standard error is not empty" ;;
		*)
			[ -s err ] || fail "standard error says nothing"
			names_request all ;;
		esac
		same_writes ;;
	3|2)
		[ "$rc" -eq "$want" ] || fail "exit $rc, not $want"
		[ -s err ] || fail "no message"
		lines "$tool: .*" all err || fail "a message without '$tool: '"
		case $f in
		stdout)
			lines "$tool: (write error|<stdout>): No space left on device" last err ||
			    fail "not 'write error: No space left on device'" ;;
		journal)
			lines "$tool: /dev/full: No space left on device" last err ||
			    fail "not '/dev/full: No space left on device'" ;;
		*)
			names_request last ;;
		esac
		[ "$out" = /dev/full ] || [ ! -s "$out" ] || whole "$out"
		[ -n "$writer" ] && [ "$f" != unreachable ] || return 0
		# Nothing twice; then the run again, resumed: nothing lost.
		ctl DELETE /_sandbox/faults
		argv=("${run[@]:3}")
		argv=("${argv[@]/#in\//$BATS_TEST_DIRNAME/faults/}")
		set +e
		"${argv[@]}" >"again.$ext" 2>again.err
		rc=$?
		set -e
		echo "\$ ${argv[*]} (again): exit $rc"
		slurp i again.err
		printf '%s' "$i"
		[ "$rc" -eq 0 ] || fail "again: exit $rc, not 0"
		ctl GET /_sandbox/writes >again.json
		same_writes again ;;
	*)
		fail "no such outcome '$want'" ;;
	esac
}

# names_request all|last: the messages in err (or the last) name a
# request to the sandbox under path, by its URL.
names_request() {
	lines "$tool: (.*: )?http://127\.0\.0\.1:[0-9]+${path//./\\.}.*" "$1" err ||
	    fail "that message does not name a request to $path"
}

# same_writes [again]: the sandbox's write counts (writes.json) are those
# of the run without the fault.  Again: they were at most those, each,
# and after the run again (again.json) they are those, a shop's settings
# aside: each run turns a mail off and back on (an even count).
same_writes() {
	local got want='{}'
	slurp got writes.json
	[ -z "$writer" ] || slurp want "$exp.writes"
	want=${want%$'\n'}
	if [ "${1:-}" = again ]; then
		py -c 'import json, sys
first = json.load(open("writes.json"))
got = json.load(open("again.json"))
want = json.loads(sys.argv[1])
more = {k: v for k, v in first.items() if v > want.get(k, 0)}
if more:
    sys.exit("written more often than without the fault: %s" % more)
odd = [k for k, v in got.items() if k.startswith("setting ") and v % 2]
for d in (got, want):
    for k in [k for k in d if k.startswith("setting ")]:
        del d[k]
if odd or got != want:
    sys.exit("again: writes %s, not %s (settings aside)%s" % (got, want,
        ", a setting not put back: %s" % odd if odd else ""))' "$want"
	elif [ "$got" != "$want" ]; then
		fail "writes $got, not $want"
	fi
}

# found EXPECTED GOT: the results in GOT (CSV) are those of EXPECTED but
# that an order may be "already_" what it was, with another reason.
found() {
	py -c 'import csv, sys
a, b = (list(csv.DictReader(open(p, newline=""))) for p in sys.argv[1:3])
if len(a) != len(b):
    sys.exit("%d results, not %d" % (len(b), len(a)))
for x, y in zip(a, b):
    rx, ry = x.pop("result"), y.pop("result")
    x.pop("reason"), y.pop("reason")
    if x != y or ry not in (rx, "already_" + rx):
        sys.exit("%s, not %s" % (dict(y, result=ry), dict(x, result=rx)))
if open(sys.argv[1]).read() == open(sys.argv[2]).read():
    sys.exit("the output of the run without the fault: the cell is ok now")' "$1" "$2"
}

@test "none on every platform: the runs the others are compared with" { rows; }
@test "429 on every platform: a storm of 429 answers" { rows; }
@test "500 on every platform: the platform's own error" { rows; }
@test "503 on every platform: a proxy's HTML page" { rows; }
@test "reset on every platform: the connection reset, no answer" { rows; }
@test "timeout on every platform: an answer later than the timeout" { rows; }
@test "truncate on every platform: a body cut short" { rows; }
@test "badjson on every platform: 200 with invalid JSON" { rows; }
@test "token on every platform: a token that dies mid-run" { rows; }
@test "unreachable on every platform: nothing listens" { rows; }
@test "stdout on every platform: standard output on a full disk" { rows; }
@test "journal on every platform: the journal on a full disk" { rows; }

# --state on a full disk.  order-dedupe is the tool with --state
# (orders-export has none).  A file-size limit (ulimit -f, SIGXFSZ
# ignored) stops the write of the new state the way a full disk does,
# without root: EFBIG where a disk says ENOSPC, the same failed write.
@test "order-dedupe --state on a full disk: exit 2, the state as it was" {
	py -c 'import json
for i in range(200):
    print(json.dumps({"source": "woocommerce", "shop": "old",
        "id": str(9000 + i), "number": str(2000 + i),
        "email": "k%d@example.nl" % i, "total": "9.95", "lines": []}))' >all.jsonl
	head -n 100 all.jsonl >first.jsonl
	order-dedupe --state st first.jsonl >/dev/null
	cp st st.1
	# The new state (4.2 kB) is more than the limit (4 KiB) allows; the
	# output goes through a pipe, which has no size.
	set +e
	bash -c '(trap "" XFSZ; ulimit -f 4
	    exec order-dedupe --state st all.jsonl) | cat; exit ${PIPESTATUS[0]}' \
	    >out.jsonl 2>err
	[ $? -eq 2 ] || { cat err; return 1; }
	set -e
	check_stderr "order-dedupe: st: File too large"
	cmp st st.1
	set -- st.*
	[ "$*" = st.1 ]		# no temporary file beside st
	whole out.jsonl
	# The orders it passed are passed again (at least once), then known.
	order-dedupe --state st all.jsonl >again
	cmp out.jsonl again
	[ "$(wc -l <again)" -eq 100 ]
	[ "$(tail -n +2 st | wc -l)" -eq 200 ]
}

# The table's faults and this file's tests are the same, and the table
# has a row for each platform and fault.
@test "every fault of the table has its test, and a row a platform" {
	local p f
	read_table
	printf '%s\n' "${T_FAULTS[@]}" | sort >faults
	sed -n 's/^@test "\([a-z0-9]*\) on every platform: .*" { rows; }$/\1/p' \
	    "$BATS_TEST_FILENAME" | sort >tests
	diff -u faults tests
	[ "${#T_PLATFORMS[@]}" -eq 8 ] && [ "${#T_FAULTS[@]}" -eq 12 ]
	for p in "${T_PLATFORMS[@]}"; do
		for f in "${T_FAULTS[@]}"; do
			[ -n "${T_ROW[$p $f]-}" ] || fail "no row '$p $f'"
		done
	done
	[ "${#T_ROW[@]}" -eq 96 ]
}
