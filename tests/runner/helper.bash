# helper.bash: loaded by sem.bats (tests/runner.bats).
h_fail() { false; echo after; }
h_ret() { return 3; }
