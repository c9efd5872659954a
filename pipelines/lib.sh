# lib.sh: what the pipelines share.  Sourced by each script after it set
# prog (its name) and defined usage (which exits with the status given).
#
# It gives: the common options (common_opt), the tools on the path, a
# dated review folder (review_dir), a run of a tool with its messages
# kept (tool), counts of a CSV's rows (csv_count), the summary
# (note, finish), and a lock (lock).
# shellcheck shell=sh
# prog and usage are the sourcing script's; the options it sets are read
# there:
# shellcheck disable=SC2154,SC2034

# The tools: SHOPSWITCH_BIN, else those built beside these scripts (the
# source tree), else the path.  The script's own directory, not that of
# a link to it (~/bin/cutover): readlink -f, as the script found lib.sh.
here=$(dirname "$(readlink -f "$0")")
if [ -n "${SHOPSWITCH_BIN:-}" ]; then
	PATH=$SHOPSWITCH_BIN:$PATH
elif [ -x "$here/../tools/sku-diff" ]; then
	PATH=$(cd "$here/../tools" && pwd):$PATH
fi
export PATH

wms=picqer			# --wms: the warehouse's connection
old=old				# --old: the old shop's
new=new				# --new: the new shop's
review=review			# --review: where review folders go
excel=				# --excel: CSV for spreadsheets
xlsx=				# --xlsx: the review folder as a workbook too
dir=				# this run's review folder
lockdir=			# the lock, once taken
shift_n=0			# what common_opt took

# say TEXT: a message on standard error.
say() {
	printf '%s: %s\n' "$prog" "$*" >&2
}

# die STATUS TEXT: a message, then exit STATUS.
die() {
	st=$1
	shift
	say "$@"
	exit "$st"
}

# common_opt ARGS...: take a common option from the front of ARGS; sets
# shift_n to how many words it took (0: not a common option).
common_opt() {
	shift_n=0
	case $1 in
	--wms|--old|--new|--config|--review)
		[ $# -ge 2 ] || { say "$1 needs a value"; usage 2; }
		case $1 in
		--wms) wms=$2 ;;
		--old) old=$2 ;;
		--new) new=$2 ;;
		--config) SHOPSWITCH_CONFIG=$2; export SHOPSWITCH_CONFIG ;;
		--review) review=$2 ;;
		esac
		shift_n=2 ;;
	--excel)
		excel=--excel
		shift_n=1 ;;
	--xlsx)
		xlsx=1
		shift_n=1 ;;
	-h|--help)
		usage 0 ;;
	esac
}

# review_dir STEP: make this run's review folder,
# REVIEW/YYYY-MM-DD-HHMM-STEP (with -2, -3, ... when it exists), in dir.
review_dir() {
	mkdir -p "$review" || die 2 "cannot make $review"
	base=$review/$(date +%Y-%m-%d-%H%M)-$1
	dir=$base
	n=1
	until mkdir "$dir" 2>/dev/null; do
		n=$((n + 1))
		[ "$n" -le 99 ] || die 2 "cannot make a folder in $review"
		dir=$base-$n
	done
	: >"$dir/SUMMARY.txt"
	: >"$dir/messages.txt"
}

# tool OUT TOOL ARGS...: run TOOL with ARGS, its output to OUT (- for
# none), its messages to messages.txt and standard error; st gets its
# exit status.  A status of 2 or more (trouble, the platform) ends the
# pipeline with that status, after the summary so far.
tool() {
	out=$1
	shift
	printf '$ %s\n' "$*" >>"$dir/messages.txt"
	st=0
	if [ "$out" = - ]; then
		"$@" >/dev/null 2>"$dir/stderr" || st=$?
	else
		"$@" >"$out" 2>"$dir/stderr" || st=$?
	fi
	cat "$dir/stderr" >>"$dir/messages.txt"
	cat "$dir/stderr" >&2
	rm -f "$dir/stderr"
	if [ "$st" -ge 2 ]; then
		note "Stopped: $1 exited $st (see messages.txt)."
		finish "$st"
	fi
}

# csv_count FILE COLUMN VALUE: the rows of CSV FILE (a header, RFC 4180,
# a byte-order mark and CRLF allowed) whose COLUMN is VALUE; VALUE *
# counts every row.
csv_count() {
	awk -v col="$2" -v val="$3" '
	{
		line = $0
		sub(/\r$/, "", line)
		if (NR == 1)
			sub(/^\357\273\277/, "", line)
		n = length(line)
		for (i = 1; i <= n; i++) {
			c = substr(line, i, 1)
			if (inq) {
				if (c == "\"" && substr(line, i + 1, 1) == "\"") {
					field = field c
					i++
				} else if (c == "\"")
					inq = 0
				else
					field = field c
			} else if (c == "\"")
				inq = 1
			else if (c == ",") {
				f[++nf] = field
				field = ""
			} else
				field = field c
		}
		if (inq) {
			field = field "\n"
			next
		}
		f[++nf] = field
		field = ""
		if (!hdr) {
			for (k = 1; k <= nf; k++)
				if (f[k] == col)
					ci = k
			hdr = 1
		} else if (val == "*" || (ci && f[ci] == val))
			cnt++
		nf = 0
		split("", f)
	}
	END { print cnt + 0 }' "$1"
}

# note TEXT: a line of the summary.
note() {
	printf '%s\n' "$*" >>"$dir/SUMMARY.txt"
}

# book: the review folder as one workbook, review.xlsx: the summary
# first, a sheet per CSV file, the messages last.  A failure is said and
# leaves no workbook; it does not change the pipeline's status.
book() {
	set -- "$dir/SUMMARY.txt"
	for f in "$dir"/*.csv; do
		[ -f "$f" ] && set -- "$@" "$f"
	done
	set -- "$@" "$dir/messages.txt"
	if ! workbook "$@" >"$dir/review.xlsx" 2>"$dir/stderr"; then
		cat "$dir/stderr" >>"$dir/messages.txt"
		cat "$dir/stderr" >&2
		say "no workbook: workbook failed (see messages.txt)"
		rm -f "$dir/review.xlsx"
	fi
	rm -f "$dir/stderr"
}

# finish STATUS: the summary on standard output (with where the review
# folder is, and with --xlsx its workbook), the lock released, exit
# STATUS.
finish() {
	note ""
	[ -z "$xlsx" ] || note "Workbook: $dir/review.xlsx"
	note "Review folder: $dir"
	[ -z "$xlsx" ] || book
	cat "$dir/SUMMARY.txt"
	unlock
	exit "$1"
}

# lock NAME: take the lock REVIEW/.NAME.lock, or end with status 2 when a
# run that is alive holds it; a dead run's lock is taken over.
lock() {
	mkdir -p "$review" || die 2 "cannot make $review"
	lockdir=$review/.$1.lock
	if ! mkdir "$lockdir" 2>/dev/null; then
		pid=$(cat "$lockdir/pid" 2>/dev/null || true)
		if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
			lockdir=
			die 2 "another $1 is running (pid $pid): $review/.$1.lock"
		fi
		say "taking over the lock of a run that died (pid ${pid:-?})"
	fi
	echo $$ >"$lockdir/pid"
	trap unlock EXIT
	trap 'unlock; exit 2' HUP INT TERM
}

unlock() {
	if [ -n "$lockdir" ]; then
		rm -rf "$lockdir"
		lockdir=
	fi
}
