# env.sh: the environment the suites run in, for tests/run and
# tests/stub-check: the system's python3 first, the sandbox's modules
# compiled once, and the zygote that forks the sandboxes.
# shellcheck shell=sh

# sandbox_env TOP DIR: prepare it in the directory DIR (the caller's, for
# this run; removed by the caller) for the sandbox in TOP/tests/sandbox.
# Exports PATH, PYTHONPYCACHEPREFIX, SHOPSWITCH_ZYGOTE,
# SHOPSWITCH_PY_PORT, SHOPSWITCH_PY_TOKEN and SHOPSWITCH_ZYGOTE_PID,
# which the caller kills when done.
sandbox_env() {
	# The sandbox and the checks start python3 thousands of times.  A
	# version manager's python3 (pyenv's shim is a shell script that
	# runs pyenv) takes seconds to start on a busy machine, the
	# system's a fraction of one; the sandbox needs only the standard
	# library, so the system's goes first.
	if [ -x /usr/bin/python3 ] &&
	    [ "$(command -v python3)" != /usr/bin/python3 ]; then
		mkdir -p "$2/bin"
		ln -sf /usr/bin/python3 "$2/bin/python3"
		PATH=$2/bin:$PATH
		export PATH
	fi

	# Each sandbox start imports its modules (18,000 lines) and
	# http.server: compiled anew every time when the environment says
	# not to write bytecode (PYTHONDONTWRITEBYTECODE), a third of a
	# second of processor time, thousands of times.  Compiled once
	# here, into this run's directory, not beside the sources.
	PYTHONPYCACHEPREFIX=$2/pycache
	export PYTHONPYCACHEPREFIX
	unset PYTHONDONTWRITEBYTECODE
	python3 -c 'import glob, os, sys
sys.path.insert(0, sys.argv[1])
for f in sorted(glob.glob(sys.argv[1] + "/*.py")):
    __import__(os.path.basename(f)[:-3])' "$1/tests/sandbox" ||
	    echo "tests: the sandbox's modules do not import" >&2

	# And the sandboxes are forked from one process that imported them
	# (zygote.py, its requests through a FIFO): a start is then
	# milliseconds rather than a fifth of a second of processor time.
	python3 "$1/tests/sandbox/zygote.py" "$2/zygote" &
	SHOPSWITCH_ZYGOTE_PID=$!
	SHOPSWITCH_ZYGOTE=$2/zygote
	export SHOPSWITCH_ZYGOTE SHOPSWITCH_ZYGOTE_PID
	while [ ! -p "$SHOPSWITCH_ZYGOTE" ] &&
	    kill -0 "$SHOPSWITCH_ZYGOTE_PID" 2>/dev/null; do
		sleep 0.05
	done
	# Where it runs the tests' python3 scripts (setup.bash's py), and
	# the token that it asks for.
	if [ -s "$SHOPSWITCH_ZYGOTE.port" ]; then
		read -r SHOPSWITCH_PY_PORT SHOPSWITCH_PY_TOKEN \
		    <"$SHOPSWITCH_ZYGOTE.port"
		export SHOPSWITCH_PY_PORT SHOPSWITCH_PY_TOKEN
	fi
}
