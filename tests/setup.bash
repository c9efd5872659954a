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
TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
DATA=$BATS_TEST_DIRNAME/data
EX=$TOP/examples
SUITE=$(basename "$BATS_TEST_FILENAME" .bats)
EXP=$BATS_TEST_DIRNAME/$SUITE
export BIN PATH TOP DATA EX

setup() {
	cd "$BATS_TEST_TMPDIR"
}

t() {
	local status=$1 expected=$2 err=$3 got
	shift 3
	set +e
	"$@" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"
	got=$?
	set -e
	if [ "${SHOPSWITCH_UPDATE:-}" = 1 ] && [ "$expected" != - ]; then
		cp "$BATS_TEST_TMPDIR/out" "$EXP/$expected"
	fi
	if [ "$got" -ne "$status" ]; then
		echo "exit status $got, expected $status"
		echo "stderr:"; cat "$BATS_TEST_TMPDIR/err"
		return 1
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
	local pats=$1 n m
	if [ -z "$pats" ]; then
		if [ -s "$BATS_TEST_TMPDIR/err" ]; then
			echo "unexpected stderr:"; cat "$BATS_TEST_TMPDIR/err"
			return 1
		fi
		return 0
	fi
	n=$(printf '%s\n' "$pats" | wc -l)
	m=$(wc -l <"$BATS_TEST_TMPDIR/err")
	if [ "$n" -ne "$m" ]; then
		echo "stderr has $m lines, expected $n:"
		cat "$BATS_TEST_TMPDIR/err"
		return 1
	fi
	printf '%s\n' "$pats" | paste -d '\n' - "$BATS_TEST_TMPDIR/err" |
	while IFS= read -r pat && IFS= read -r line; do
		if ! printf '%s\n' "$line" | grep -Eqx -- "$pat"; then
			echo "stderr line: $line"
			echo "does not match: $pat"
			return 1
		fi
	done
}
