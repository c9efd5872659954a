# spawn.sh: start and stop a sandbox, for the bats suites (setup.bash)
# and the self-checks (selftest-lib.sh).
# shellcheck shell=sh
# spawned_pid is the caller's:
# shellcheck disable=SC2034

# sandbox_spawn [--own] DIR ERRFILE ARG...: start "python3 DIR/sandbox.py
# ARG..." in the background, its output into ERRFILE; its process id
# into spawned_pid.  Under tests/run (SHOPSWITCH_ZYGOTE), zygote.py forks
# it, a few milliseconds instead of a fifth of a second of processor
# time; the sandbox is then not this shell's child, which sandbox_stop
# allows for.  --own: this shell's child all the same, for its exit
# status.  1 when the zygote is gone.
sandbox_spawn() {
	_own=
	if [ "$1" = --own ]; then
		_own=1
		shift
	fi
	_dir=$1
	_err=$2
	shift 2
	_line=$(printf '%s\t%s\t%s' "$PWD" "$_err" "$_err.pid"
	    printf '\t%s' "$@")
	case $_line in
	*'
'*)	_line= ;;			# a newline in an argument
	esac
	if [ -n "$_own" ] || [ -z "${SHOPSWITCH_ZYGOTE:-}" ] ||
	    [ ! -p "$SHOPSWITCH_ZYGOTE" ] ||
	    [ -z "$_line" ] || [ "${#_line}" -ge 4000 ]; then
		python3 "$_dir/sandbox.py" "$@" >"$_err" 2>&1 &
		spawned_pid=$!
		return 0
	fi
	# Emptied, not removed (rm is a process, and this runs hundreds of
	# times): the zygote replaces it whole, by rename.
	: >"$_err.pid"
	: >"$_err"
	printf '%s\n' "$_line" >"$SHOPSWITCH_ZYGOTE"
	while [ ! -s "$_err.pid" ]; do
		if ! kill -0 "$SHOPSWITCH_ZYGOTE_PID" 2>/dev/null; then
			echo "sandbox_spawn: the zygote is gone" >>"$_err"
			return 1
		fi
		spawn_nap 0.005
	done
	read -r spawned_pid <"$_err.pid"
}

# sandbox_stop PID: end sandbox PID and wait until it is gone, whether
# this shell started it or the zygote did.
sandbox_stop() {
	kill "$1" 2>/dev/null || :
	wait "$1" 2>/dev/null || :	# 127: not this shell's child
	while kill -0 "$1" 2>/dev/null; do
		spawn_nap 0.01
	done
	return 0
}

# spawn_nap SECONDS: sleep; in the bats suites, with setup.bash's nap,
# which starts no process (the waits above run thousands of times).
spawn_nap() {
	if command -v nap >/dev/null 2>&1; then
		nap "$1"
	else
		sleep "$1"
	fi
}
