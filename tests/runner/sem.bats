# sem.bats: what tests/bats must make of each way a test passes, fails or
# is skipped (tests/runner.bats compares its TAP with sem.tap).  The
# verdicts are bats 1.8's.
load helper
X=top
setup() {
	cd "$BATS_TEST_TMPDIR"
	set -o pipefail
	[ "$BATS_TEST_DESCRIPTION" != "setup fails" ]
}
teardown() {
	echo "teardown $BATS_TEST_NUMBER" >>"$BATS_FILE_TMPDIR/teardowns"
	if [ "$BATS_TEST_DESCRIPTION" = "teardown fails midway" ]; then
		false
		echo "after false" >>"$BATS_FILE_TMPDIR/teardowns"
	fi
	[ "$BATS_TEST_DESCRIPTION" != "teardown fails" ]
}
teardown_file() {
	# Every test's teardown ran, the failed ones' too (when all ran).
	# teardown is not under set -e: the one that failed midway went on.
	grep -q '^teardown 26$' "$BATS_FILE_TMPDIR/teardowns" || return 0
	[ "$(grep -c '^teardown' "$BATS_FILE_TMPDIR/teardowns")" -eq 26 ]
	grep -qx 'after false' "$BATS_FILE_TMPDIR/teardowns"
}
@test "a false test in the middle" {
	[ 1 = 2 ]
	echo reached
}
@test "a false last command" {
	echo out; false
}
@test "a helper that fails" {
	h_fail
}
@test "a helper that returns 3" {
	h_ret
	echo no
}
@test "run: the status and output" {
	run false
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
}
@test "run: a status not expected" {
	run true
	[ "$status" -eq 1 ]
}
@test "run: lines without the empty ones" {
	run printf 'a\n\nb\n'
	[ "${lines[1]}" = b ]
	[ "${#lines[@]}" -eq 2 ]
}
@test "run -N and run !" {
	run -3 sh -c 'exit 3'
	run ! false
}
@test "run -N, another status" {
	run -3 true
}
@test "skipped" {
	skip "for a reason"
	false
}
@test "teardown fails" {
	true
}
@test "setup fails" {
	true
}
@test "a pipeline fails" {
	false | cat
}
@test "a command substitution fails" {
	x=$(false)
}
@test "exit 1" {
	exit 1
}
@test "exit 0 before the end" {
	exit 0
	false
}
@test "the file's variables, the test's directory, fd 3" {
	[ "$X" = top ]
	[ "$PWD" = "$BATS_TEST_TMPDIR" ]
	[ -d "$BATS_FILE_TMPDIR" ]
	[ "$BATS_TEST_NUMBER" -eq 17 ]
	echo "# on fd 3" >&3
}
@test "one line" { [ 1 = 1 ]; }
@test "one line, false" { [ 1 = 2 ]; }
@test "a function that fails, called by if" {
	f() { false; echo in-f; }
	if f; then echo ok; fi
}
@test "a false before &&" {
	false && true
	echo reached
}
@test "a test's variables stay in it" {
	Y=set
}
@test "... not seen by the next" {
	[ -z "${Y:-}" ]
}
@test "no set -u" {
	[ -z "$UNSET_IN_ANY_TEST" ]
}
@test "BATS_TEST_TIMEOUT ends a test, teardown still runs" {
	# (Short naps: the one under way when the test's shell is ended
	# runs to its end.)
	while :; do sleep 0.1; done
}
@test "teardown fails midway" {
	true
}
