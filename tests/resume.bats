# resume.bats: a push of 10,000 SKUs to Shopware 6, Lightspeed eCom, CCV
# Shop and Bol.com killed with SIGKILL at random moments, again and
# again, then run to its end with the same journal: every SKU set, none
# written twice (issue 10; WooCommerce, Magento and Shopify have theirs in
# stock-push.bats).
load setup

# The sandboxes' limits follow the platforms: Lightspeed 20 requests a
# second and 300 in five minutes, CCV 100 writes a minute, Bol 50 offer
# writes a second.  Paced like that, 10,000 writes of one SKU each take
# hours; here the limits, the sandbox's and the connection's, are raised
# out of reach: the moments of the kills matter, not the pacing (the
# pacing has its own tests in each platform's suite).
FAST="rate_limit = 1000000"

# resume_push P BATCH ARGS...: start the sandbox of platform P with ARGS
# (a catalog of at least 10,000 SKUs), take its snapshot, and push every
# SKU at a new level (each one changed: the level plus 1 to 7) with a
# journal: one run killed with SIGKILL in its catalog listing
# (kill_listing), then runs killed by kill_runs (setup.bash) at random
# moments, once the journal has grown by up to a sixth of the push's
# batches (BATCH levels each; each run lists the whole catalog first)
# plus up to 30 ms, so that a kill falls in the listing, in a write, or
# between a write and its journal line; eight at most, so much of the
# push is done by killed runs; then a run to the end.  Then checks what
# each run must have done (check_push).
resume_push() {
	local platform=$1 batch=$2 n
	shift 2
	sandbox_start --platform "$platform" "$@"
	connections "retry_delay = 0.01" "rate_window = 0.2" "$FAST"
	stock-snapshot --from "$platform" >snap.csv
	awk -F, 'NR == 1 { print "sku,qty"; next }
	    { print $1 "," $2 + 1 + NR % 7 }' snap.csv >in.csv
	n=$(($(wc -l <in.csv) - 1))
	[ "$n" -ge 10000 ] || { echo "only $n SKUs"; return 1; }
	fast_dir
	ln -s "$FAST_DIR/j" j
	set -- stock-push --to "$platform" --force --journal j in.csv
	kill_listing "$@"
	kill_runs $((n / batch / 6)) "$@"
	check_push "$platform"
}

# kill_listing CMD...: run CMD, a push journalling to j, and kill it with
# SIGKILL while it lists the catalog: once the sandbox has logged 2 to 9
# more requests (a listing takes 20 or more).  Fails unless the kill
# came before the journal had a batch.
kill_listing() {
	local log=$BATS_TEST_TMPDIR/requests.jsonl pid k
	grown_close
	grown "$log"
	k=$((GROWN + 2 + RANDOM % 8))
	"$@" >out.0 2>err.0 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null && grown "$log" "$k" &&
	    [ "$GROWN" -lt "$k" ]; do
		nap 0.005
	done
	grown_close
	kill -9 "$pid" 2>/dev/null || { echo "not killed: it ended"; return 1; }
	wait "$pid" 2>/dev/null || true
	[ "$(journal_lines)" -le 1 ] || { echo "killed after its listing"; return 1; }
}

CUT="a line cut short (the run that wrote it was killed): ignored"

# check_push P: after kill_runs, the last run exited 0 (every SKU is in
# the shop, so each is set or unchanged) saying at most that a journal
# line was cut short; it reports every SKU once, set or unchanged, at
# the input's level; the sandbox's shop has every SKU at that level; and
# its write counts show each SKU written exactly once.
#
# Once, not at least once: every level is absolute, and a run reads the
# whole catalog before it writes.  A write the shop applied but whose
# journal line a kill prevented is seen at its new level by the next run:
# unchanged, not sent again (those SKUs are the last run's "unchanged").
check_push() {
	[ "$RC" -eq 0 ] || { echo "last run: exit $RC"; cat "err.$RUN"; return 1; }
	if grep -v "^stock-push: j:[0-9]*: $CUT\$" "err.$RUN"; then
		echo "last run: unexpected messages"
		return 1
	fi
	state >state.json
	py - "$1" state.json in.csv "out.$RUN" >&3 <<'EOF'
import csv, json, sys

platform, state, inp, out = sys.argv[1:]
d = json.load(open(state))
level = {}                      # SKU: its level in the shop
alias = {}                      # a write count's key: its SKU
if platform == "shopware":
    for p in d["products"]:
        level[p["productNumber"]] = p["stock"]
elif platform == "lightspeed":
    for v in d["variants"]:
        level[v["sku"]] = v["stockLevel"]
elif platform == "ccv":
    for p in d["products"]:
        if p["stocktype"] == "attributecombination":
            for c in p["attributecombinations"]:
                level[c["sku_number"]] = c["stock"]
        else:
            level[p["productnumber"]] = p["stock"]
elif platform == "bol":
    # The SKU is the offer's reference, else its EAN; the sandbox counts
    # a write of an offer without reference as "offer ID".
    for o in d["offers"]:
        sku = o["reference"] or o["ean"]
        level[sku] = o["stock"]["amount"]
        alias["offer " + o["offerId"]] = sku
want = {r["sku"]: int(r["qty"]) for r in csv.DictReader(open(inp))}
bad = []

wrong = sorted(s for s in want if level.get(s) != want[s])
if wrong:
    bad.append("%d SKUs not at the input's level, such as %s: %r, not %d"
               % (len(wrong), wrong[0], level.get(wrong[0]), want[wrong[0]]))

writes = {}
for k, n in d["writes"].items():
    s = alias.get(k, k)
    writes[s] = writes.get(s, 0) + n
twice = sorted(s for s in writes if writes[s] > 1)
never = sorted(set(want) - set(writes))
other = sorted(set(writes) - set(want))
for what, skus in (("written more than once", twice),
                   ("never written", never), ("written, not asked", other)):
    if skus:
        bad.append("%d SKUs %s, such as %s (%d writes)"
                   % (len(skus), what, skus[0], writes.get(skus[0], 0)))

seen = {}
results = {}
for r in csv.DictReader(open(out)):
    seen[r["sku"]] = seen.get(r["sku"], 0) + 1
    results[r["result"]] = results.get(r["result"], 0) + 1
    if r["result"] not in ("set", "unchanged") or int(r["to"]) != \
            want.get(r["sku"]):
        bad.append("last run: %s" % r)
        break
if set(seen) != set(want) or any(n != 1 for n in seen.values()):
    bad.append("last run: %d SKUs reported, %d asked, %d more than once"
               % (len(seen), len(want),
                  sum(1 for n in seen.values() if n > 1)))
if bad:
    sys.exit("\n".join(bad))
# For the log: how many SKUs a kill caught between write and journal.
print("# %s: %d SKUs each written once; the last run: %s" % (
    platform, len(want), ", ".join("%d %s" % (n, r)
                                   for r, n in sorted(results.items()))))
EOF
}

@test "Shopware: 10,000 SKUs, kill -9 many times, resume: each set once" {
	# Every 17th variant inactive: 10,625 make 10,000 SKUs.  Sync
	# batches of 500.
	resume_push shopware 500 --generate products=10625
}
@test "Lightspeed: 10,000 SKUs, kill -9 many times, resume: each set once" {
	# Every 17th product hidden, every 29th untracked.
	resume_push lightspeed 1 --generate products=11000 \
	    --set per_second=1000000 --set limit_5min=10000000 \
	    --set limit_hour=10000000 --set limit_day=10000000
}
@test "CCV: 10,000 SKUs, kill -9 many times, resume: each set once" {
	# Every 17th product inactive, every 29th without stock, every 25th
	# in three combinations.
	resume_push ccv 1 --generate products=10190 \
	    --set read_limit=10000000 --set write_limit=10000000 \
	    --set total_limit=10000000
}
@test "Bol: 10,000 SKUs, kill -9 many times, resume: each set once" {
	# Every 17th offer on hold, every 23rd fulfilled by Bol.  Each run
	# asks for a token, eleven in all, one more than Bol grants a
	# minute.
	resume_push bol 1 --generate offers=11107 \
	    --set rate_offers_list=1000000/1 --set rate_offers_write=1000000/1 \
	    --set token_limit=100
}
