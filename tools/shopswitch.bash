# shopswitch.bash: bash completion for the shopswitch tools and pipelines.
#
# Source it from ~/.bashrc, or let make install put it where the
# bash-completion package loads it (under each tool's name).  It uses
# nothing but complete and compgen.
#
# What a command takes is read from its own --help when a word is
# completed (a pipeline prints its usage), so the completion follows the
# tools as they gain options: each option listed, and after an option
# what its value stands for (the word --help puts after it):
#	CONN, conn	a connection: the [section] names of the
#			connections file (--config given earlier on the
#			line, else $SHOPSWITCH_CONFIG, else
#			~/.config/shopswitch/connections.conf)
#	F, C		one of the values its help lists (-o, -i: the
#			formats; -d: the delimiters)
#	FILE, file	a file; dir, a directory
#	CHARSET		a character set iconv(1) knows
#	--opt[=a|b]	a or b, after "--opt="
# and nothing for the others (a column, a time, a number).  Operands are
# files when the usage line has some after [options].
# shellcheck shell=bash

# Where make install puts the pipelines (it rewrites this line).
_shopswitch_libexec=/usr/local/libexec/shopswitch

# _shopswitch_tilde VAR: VAR's leading ~/ as the shell reads it (a word
# being completed is as typed).
_shopswitch_tilde() {
	[[ ${!1} == \~/* ]] && printf -v "$1" '%s/%s' "$HOME" "${!1#\~/}"
	return 0
}

# _shopswitch_help COMMAND: COMMAND's --help, or fail.
_shopswitch_help() {
	local cmd=$1

	_shopswitch_tilde cmd
	if [[ $cmd != */* ]]; then
		cmd=$(type -P -- "$cmd") || return 1
	fi
	[[ -f $cmd && -x $cmd ]] || return 1
	LC_ALL=C "$cmd" --help </dev/null 2>&1
}

# _shopswitch_parse HELP: the options HELP lists into the caller's opts
# (every name, short and long), meta (an option's value's word, for
# those that take one), vals (the values listed for it) and operands (1
# when the usage line has operands).
_shopswitch_parse() {
	local line syn='' insyn=0 s tok short long rest d='' w
	local sep='^[][ |]*([^][ |]+)(.*)$'
	local -A desc=() alias=()

	while IFS= read -r line; do
		if [[ $line == usage:* ]]; then
			syn=${line#usage:}
			insyn=1
			continue
		fi
		# A pipeline's usage goes on over lines of [--option].
		if ((insyn)) && [[ $line =~ ^\ +[[-] ]]; then
			syn+=" $line"
			continue
		fi
		insyn=0
		short='' long='' rest=''
		if [[ $line =~ ^\ {1,8}(-[A-Za-z0-9]),\ (--[A-Za-z0-9-]+)(.*)$ ]]
		then
			short=${BASH_REMATCH[1]}
			long=${BASH_REMATCH[2]}
			rest=${BASH_REMATCH[3]}
		elif [[ $line =~ ^\ {1,8}(--?[A-Za-z0-9][A-Za-z0-9-]*)(.*)$ ]]
		then
			long=${BASH_REMATCH[1]}
			rest=${BASH_REMATCH[2]}
		elif [[ -n $d && $line =~ ^\ {9,}(.*)$ ]]; then
			desc[$d]+=" ${BASH_REMATCH[1]}"
			continue
		else
			d=''
			continue
		fi
		d=$long
		opts+=" $long${short:+ $short}"
		alias[$long]=$short
		if [[ $rest =~ ^\[=([^]]*)\](.*)$ ]]; then
			vals[$long]=${BASH_REMATCH[1]//[|,]/ }
			rest=${BASH_REMATCH[2]}
		elif [[ $rest =~ ^\ ([A-Za-z][A-Za-z0-9_]*)(\ .*)?$ ]]; then
			meta[$long]=${BASH_REMATCH[1]}
			rest=${BASH_REMATCH[2]}
			[[ -z $short ]] || meta[$short]=${meta[$long]}
		fi
		desc[$long]=$rest
	done <<<"$1"

	# The values of a one-letter word: the help's words before any
	# "(", after a ":" ("csv or jsonl (default: csv)", "CSV input
	# delimiter: , ; tab | (default: sniffed)").
	for long in "${!desc[@]}"; do
		[[ ${meta[$long]:-} == [FC] ]] || continue
		s=${desc[$long]%%(*}
		s=${s##*:}
		rest=''
		for w in $s; do
			[[ $w == , ]] || w=${w%,}
			case $w in
			or|and)	;;
			*)	rest+=" $w" ;;
			esac
		done
		vals[$long]=$rest
		[[ -z ${alias[$long]} ]] || vals[${alias[$long]}]=$rest
	done

	# The usage line: options with their words, and operands.
	s=${syn# }
	s=${s#* }
	while [[ $s =~ $sep ]]; do
		tok=${BASH_REMATCH[1]}
		s=${BASH_REMATCH[2]}
		case $tok in
		-*)
			[[ " $opts " == *" $tok "* ]] || opts+=" $tok"
			if [[ $s =~ ^\ ([A-Za-z][A-Za-z0-9_]*)(.*)$ &&
			    ${BASH_REMATCH[1]} != options ]]; then
				meta[$tok]=${BASH_REMATCH[1]}
				s=${BASH_REMATCH[2]}
			fi
			;;
		options) ;;
		*)	operands=1 ;;
		esac
	done
	[[ " $opts " == *" --help "* ]] || opts+=" --help"
}

# _shopswitch_resolve WORD: the option WORD names into the caller's opt
# (getopt_long takes an unambiguous start of a long option), or fail.
_shopswitch_resolve() {
	local o found=''

	opt=''
	if [[ " $opts " == *" $1 "* ]]; then
		opt=$1
		return 0
	fi
	[[ $1 == --?* ]] || return 1
	for o in $opts; do
		if [[ $o == "$1"* ]]; then
			[[ -z $found ]] || return 1
			found=$o
		fi
	done
	opt=$found
	[[ -n $opt ]]
}

# _shopswitch_config: the connections file the line names into the
# caller's cfg, found as the tools find it (lib/cfg.c: --config, else
# $SHOPSWITCH_CONFIG, else the default).
_shopswitch_config() {
	local i w opt

	cfg=''
	for ((i = 1; i < cword; i++)); do
		w=${words[i]}
		[[ $w == -- ]] && break
		case $w in
		--*=*)
			_shopswitch_resolve "${w%%=*}" &&
			    [[ $opt == --config ]] && cfg=${w#*=}
			;;
		--*)
			if _shopswitch_resolve "$w" &&
			    [[ $opt == --config ]] && ((i + 1 < cword)); then
				i=$((i + 1))
				cfg=${words[i]}
			fi
			;;
		esac
	done
	if [[ -z $cfg ]]; then
		cfg=${SHOPSWITCH_CONFIG:-}
		[[ -n $cfg ]] ||
		    cfg=${HOME:-.}/.config/shopswitch/connections.conf
	fi
	_shopswitch_tilde cfg
}

# _shopswitch_conns FILE: the connections FILE names (its [section]s)
# into the caller's array conns.
_shopswitch_conns() {
	local line re

	re='^[[:blank:]]*\[[[:blank:]]*(.*[^[:blank:]])[[:blank:]]*\]'
	re+='[[:blank:]]*$'
	conns=()
	[[ -r $1 ]] || return 0
	while IFS= read -r line || [[ -n $line ]]; do
		line=${line%$'\r'}
		[[ $line =~ $re ]] && conns+=("${BASH_REMATCH[1]}")
	done <"$1"
	return 0
}

# _shopswitch_words: the caller's words, cword and pre: the line's words
# with "--opt=value" whole again (bash breaks words at "="), the index of
# the one completed, and what of it the reply does not replace (empty
# when bash broke the word at its "=").
_shopswitch_words() {
	local i w join=0

	words=()
	pre=''
	for ((i = 0; i <= COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if ((i > 1)) && [[ $w == = && ${words[-1]} == --* &&
		    ${words[-1]} != *=* ]]; then
			words[-1]+='='
			join=1
		elif ((join)); then
			words[-1]+=$w
			join=0
		else
			words+=("$w")
		fi
	done
	cword=$((${#words[@]} - 1))
	# Broken at "=" when the last word was joined.
	if [[ ${words[cword]} == --*=* &&
	    ${words[cword]} != "${COMP_WORDS[COMP_CWORD]}" ]]; then
		pre=''
	elif [[ ${words[cword]} == --*=* ]]; then
		pre=${words[cword]%%=*}=
	fi
}

# _shopswitch_values OPTION VALUE PREFIX: complete VALUE, the value of
# OPTION, each reply after PREFIX.
_shopswitch_values() {
	local m=${meta[$1]:-} v w cfg
	local -a r=() conns=()

	case $m in
	CONN|conn)
		_shopswitch_config
		_shopswitch_conns "$cfg"
		for w in "${conns[@]}"; do
			[[ $w == "$2"* ]] && printf -v w '%q' "$w" && r+=("$w")
		done
		;;
	FILE|file|dir)
		compopt -o filenames 2>/dev/null
		if [[ $m == dir ]]; then
			mapfile -t r < <(compgen -d -- "$2")
		else
			mapfile -t r < <(compgen -f -- "$2")
		fi
		;;
	CHARSET)
		# glibc lists one a line, others several: "A, B//"
		mapfile -t r < <(compgen -W "$(iconv -l 2>/dev/null |
		    tr ',' '\n' | sed 's|//*$||')" -- "$2")
		;;
	*)
		for w in ${vals[$1]:-}; do
			[[ $w == "$2"* ]] && printf -v w '%q' "$w" && r+=("$w")
		done
		;;
	esac
	COMPREPLY=()
	for v in "${r[@]}"; do
		COMPREPLY+=("$3$v")
	done
}

# _shopswitch: the completion of a shopswitch tool or pipeline.
_shopswitch() {
	local help opts='' operands=0 cur prev o opt i dashdash=0 pre=''
	local -a words=()
	local -A meta=() vals=()
	local cword
	# Words are split, never globbed: set -f until it returns.
	local -
	set -f

	COMPREPLY=()
	help=$(_shopswitch_help "${COMP_WORDS[0]}") || return 0
	_shopswitch_parse "$help"
	_shopswitch_words
	cur=${words[cword]}
	prev=''
	((cword > 0)) && prev=${words[cword - 1]}
	for ((i = 1; i < cword; i++)); do
		[[ ${words[i]} == -- ]] && dashdash=1
	done

	if ((!dashdash)); then
		# --option=value
		if [[ $cur == --*=* ]]; then
			_shopswitch_resolve "${cur%%=*}" &&
			    _shopswitch_values "$opt" "${cur#*=}" "$pre"
			return 0
		fi
		# -o value, --option value
		if [[ $prev == -* && $prev != *=* && $prev != -- ]]; then
			if [[ $prev == -[!-]?* ]]; then
				# -qo: the last of the bundle takes it
				prev=-${prev: -1}
			fi
			if _shopswitch_resolve "$prev" &&
			    [[ -n ${meta[$opt]:-} ]]; then
				_shopswitch_values "$opt" "$cur" ''
				return 0
			fi
		fi
		# -ojsonl: a value in the word of its short option
		if [[ $cur == -[!-]?* ]]; then
			for ((i = 1; i < ${#cur}; i++)); do
				o=-${cur:i:1}
				[[ " $opts " == *" $o "* ]] || break
				if [[ -n ${meta[$o]:-} ]]; then
					_shopswitch_values "$o" "${cur:i+1}" \
					    "${cur:0:i+1}"
					return 0
				fi
			done
		fi
		if [[ $cur == -* ]] || ((!operands)); then
			for o in $opts; do
				[[ $o == "$cur"* ]] && COMPREPLY+=("$o")
			done
			return 0
		fi
	fi
	if ((operands)); then
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
	fi
	return 0
}

complete -F _shopswitch order-dedupe orders-complete orders-export \
    orders-push sku-diff stock-push stock-snapshot

# The pipelines by path, as they are run: pipelines/NAME in the source
# tree, and where make install puts them.  Not by name alone: a
# pipeline's name may be another program's too.
_shopswitch_pipelines() {
	local d f here=${BASH_SOURCE[0]%/*}
	local -a fs

	[[ $here != "${BASH_SOURCE[0]}" ]] || here=.
	for d in "$here/../pipelines" "$_shopswitch_libexec"; do
		[[ -d $d ]] || continue
		mapfile -t fs < <(compgen -f -- "$d/")
		for f in "${fs[@]}"; do
			[[ -f $f && -x $f && $f != *.sh ]] || continue
			f=${f##*/}
			complete -F _shopswitch "pipelines/$f" \
			    "$_shopswitch_libexec/$f"
		done
	done
}
_shopswitch_pipelines
