#!/bin/bash
# reject answers within a per-CPU rate (as the kernel's ICMP) and never
# to a broadcast or multicast source; both are counted reject_suppressed.
. "$(dirname "$0")/lib.sh"

fw_setup
P=/sys/module/nfv_fw/parameters
nfvctl fw rule add dp0 fw1 pos 0 in-port r1 proto tcp dport 7500 reject
sniff_start rst server s0 rst 4000,4001

# SYNs from the subnet's broadcast and from multicast sources.
rejects=$(fw_stat reject) suppressed=$(fw_stat reject_suppressed)
# (An IPv6 multicast source goes to the host, never to the rules.)
craft server tcp 10.0.2.255 10.0.1.2 4000 7500 S 1 -- \
	tcp 224.0.0.1 10.0.1.2 4000 7500 S 1
# shellcheck disable=SC2317
rejected() { [ "$(fw_stat reject)" -ge $((rejects + $1)) ]; }
check "both SYNs were rejected" await 100 rejected 2
check_eq "and neither answered" \
	"$(( $(fw_stat reject_suppressed) - suppressed ))" 2

# Twenty SYNs with a burst of five and no refill (rate 0): five RSTs
# from each CPU that saw some (a bucket each), every reject an RST or
# counted. The rate comes back once all were rejected.
old_rate=$(cat $P/reject_rate) old_burst=$(cat $P/reject_burst)
echo 0 > $P/reject_rate
echo 5 > $P/reject_burst
rejects=$(fw_stat reject) suppressed=$(fw_stat reject_suppressed)
sends=""
for i in $(seq 20); do
	sends="$sends tcp 10.0.2.2 10.0.1.2 4001 7500 S $i --"
done
# shellcheck disable=SC2086
craft server ${sends% --}
check "the twenty SYNs were rejected" await 100 rejected 20
echo "$old_rate" > $P/reject_rate
echo "$old_burst" > $P/reject_burst
counts=$(sniff_stop rst)
sent=${counts#*/}
check_eq "no RST went to a broadcast or multicast source" "${counts%/*}" 0
check_ge "the burst was answered" "$sent" 5
check_ge "no more than a burst per CPU" $(( $(nproc) * 5 )) "$sent"
check_eq "every reject answered or counted" \
	"$(( $(fw_stat reject_suppressed) - suppressed + sent ))" 20
