#!/bin/bash
# The benchmark harness keeps working: a few seconds of `make bench`'s own
# code (kernel forwarding and the datapath, 1,000 flows, then the datapath's
# connection rate, then a few latency samples through each, idle and under
# load, then 10 NF starts of each kind and one chain swap under traffic)
# and its report. A figure, not a test of speed: it fails if a scenario
# forwarded nothing, no latency sample came back, the start prober cannot
# run or no frame crossed a new instance, or the report cannot be made.
# debug: skip a rate under KASAN and lockdep says nothing
# timeout: 450
. "$(dirname "$0")/lib.sh"
bench=$top/tools/testing/bench
out=/tmp/bench-smoke
mkdir -p "$out"

rc=0
"$bench/bench-in-vm.sh" -t 1 -r 1 -f 1000 -s 64 -n 1000 -p 50 -b "0 50" \
	-u 10 -w 1 baseline nfv-forward > "$out/console.log" || rc=$?
cat "$out/console.log"
check_eq "harness runs both scenarios" "$rc" 0
check_eq "throughput runs" "$(grep -c '^BENCH-TPUT,' "$out/console.log")" 2
check_eq "connection-rate runs" "$(grep -c '^BENCH-RATE,nfv-forward,' "$out/console.log")" 1
check "report" python3 "$bench/report.py" "$out/console.log" "$out"
check "every new frame was a new flow" \
	grep -q '^nfv-forward,1,.*,True$' "$out/connection-rate.csv"
# Four latency points (two scenarios, idle and 50%), each with samples.
check_eq "latency points with samples" \
	"$(awk -F, '/^BENCH-LAT,/ && $6 > 0' "$out/console.log" | wc -l)" 4
check_eq "latency report" "$(grep -c '^nfv-forward,' "$out/latency.csv")" 2
# A start's frame on s0 came through the new instance: nothing else
# forwards there (nfstart.c).
for kind in forward fw; do
	check_eq "NF starts of $kind whose frame crossed the new instance" \
		"$(grep -c "^BENCH-NFSTART,$kind,[0-9]*,[0-9]*,[0-9]" "$out/console.log")" 10
done
check "NF start time in the report" grep -q '^start fw,10,' "$out/nfstart.csv"
check "frames crossed the chain during the swap" \
	grep -Eq '^BENCH-NFLOSS,forward,[1-9][0-9]*,[0-9]+,[1-9]' "$out/console.log"
