#!/bin/bash
# The firewall's rule lookup does not scan: 10,000 rules of the same four
# shapes compile into no more hash subtables than 10 such rules do, and
# new flows meet them at a rate of the same order. The rate is a figure
# (noisy under emulation, two runs with 10 rules 50% apart on a loaded
# host): its floor, a third of the better run with 10 rules, only catches
# a lookup that walks the rules, which would run at a hundredth.
# debug: skip a rate under KASAN and lockdep says nothing
. "$(dirname "$0")/lib.sh"

# rate RULES: the new-flow rate through RULES rules, in Mpps; the rule
# set's subtables in /tmp/bench.subtables.RULES.
rate() {
	"$top/tools/testing/bench/pktgen-smoke.sh" 50000 50000 "$1" \
		> /tmp/bench.out
	cat /tmp/bench.out >&2
	grep -q "dropped by $1 rules" /tmp/bench.out || fail "no packets met the rules"
	sed -n 's/.* rules in \([0-9]*\) subtables$/\1/p' /tmp/bench.out \
		> "/tmp/bench.subtables.$1"
	sed -n 's/.*: \([0-9.]*\) Mpps.*/\1/p' /tmp/bench.out
}
few=$(rate 10)
many=$(rate 10000)
few2=$(rate 10)
subs_few=$(cat /tmp/bench.subtables.10)
subs_many=$(cat /tmp/bench.subtables.10000)
check_gt "10 rules make subtables" "${subs_few:-0}" 0
check_eq "10,000 rules make the subtables 10 do" "$subs_many" "$subs_few"
pct=$(awk -v a="$few" -v c="$few2" -v b="$many" \
	'BEGIN { if (c > a) a = c; printf "%d", 100 * b / a }')
echo "fw rule lookup: 10 rules $few/$few2 Mpps, 10000 rules $many Mpps ($pct%)"
check_ge "10,000 rules keep the order of the rate of 10 (percent)" "$pct" 33
