# shellcheck shell=bash
# shellcheck disable=SC2154 # sandbox_py and work are the caller's
# bench/lib.sh: the API sandbox for the bench scripts, sourced by
# bench/push and bench/bulk.  They set sandbox_py and work (a directory
# of their own) first; start sets spid and port, stop ends the sandbox
# by its PID.

# start PLATFORM GENERATE SETTINGS...: a sandbox generating GENERATE
# with these settings, its request log work/log.PLATFORM, and a
# connection [PLATFORM] for it in work/conn.conf, as SHOPSWITCH_CONFIG.
start() {
	local p=$1 gen=$2
	shift 2
	rm -f "$work/ready"
	python3 "$sandbox_py" --platform "$p" --generate "$gen" "$@" \
	    --port 0 --ready "$work/ready" --log "$work/log.$p" \
	    2>"$work/err.$p" &
	spid=$!
	while [ ! -s "$work/ready" ]; do
		kill -0 "$spid" 2>/dev/null ||
		    { cat "$work/err.$p" >&2; exit 2; }
		sleep 0.05
	done
	port=$(cat "$work/ready")
	{
		printf '[%s]\nplatform = %s\nurl = http://127.0.0.1:%s\n' \
		    "$p" "$p" "$port"
		case $p in
		woocommerce)	printf 'key = ck_sandbox\nsecret = cs_sandbox\n' ;;
		magento)	# OAuth, as a current store wants it.
				printf '%s\n' \
				    "consumer_key = sandbox-consumer-key" \
				    "consumer_secret = sandbox-consumer-secret" \
				    "access_token = sandbox-token" \
				    "access_token_secret = sandbox-token-secret" ;;
		shopify)	printf 'token = shpat_sandbox\n'
				printf 'location = Magazijn Utrecht\n' ;;
		shopware)	printf '%s\n' \
				    "client_id = SWIASANDBOXCLIENT0000000001" \
				    "client_secret = sandbox-secret" ;;
		lightspeed)	printf 'key = %s\nsecret = %s\n' \
				    sandboxkeysandboxkeysandboxkey00 \
				    sandboxsecretsandboxsecretsandbo ;;
		ccv)		printf '%s\n' "public_key = ccv_public" \
				    "secret = ccv_secret" ;;
		bol)		printf '%s\n' "client_id = sandbox-client" \
				    "client_secret = sandbox-secret"
				printf 'token_url = %s/token\n' \
				    "http://127.0.0.1:$port" ;;
		esac
	} >"$work/conn.conf"
	chmod 600 "$work/conn.conf"
	export SHOPSWITCH_CONFIG=$work/conn.conf
}

stop() {
	kill "$spid" 2>/dev/null || true
	wait "$spid" 2>/dev/null || true
	spid=""
}
