# runner.bats: tests/bats, which runs the suite's bats files, against
# tests/runner/sem.bats: each way a test can pass, fail or be skipped,
# with bats 1.8's verdict, the line and the command that failed, and the
# test's output (tests/runner/sem.tap).  A runner that passed a failing
# test would pass the suite with it.
load setup

@test "tests/bats: bats' verdicts, each failure's line, command and output" {
	cd "$TOP"
	BATS_TEST_TIMEOUT=1 t 1 sem.tap "" tests/bats tests/runner/sem.bats
}
@test "tests/bats -f: the tests named; a usage error; a missing file" {
	cd "$TOP"
	t 1 sem-f.tap "" tests/bats -f '^run' tests/runner/sem.bats
	t 2 - "usage: tests/bats \[-f REGEX\] FILE.bats" tests/bats
	t 2 - "tests/bats: no/such.bats: no such file" tests/bats no/such.bats
}
