#!/bin/bash
# reject answers within a per-CPU rate (as the kernel's ICMP) and never
# to a broadcast or multicast source; both are counted reject_suppressed.
# A rule's reject type picks the ICMP or ICMPv6 code it answers with.
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

# reject with a type, in nft's spelling: a destination unreachable of
# that code in the packet's family, to TCP too (not an RST).
nfvctl -b - <<-EOF2
	fw rule add dp0 fw1 pos 0 iifname r1 tcp dport 7510 reject with icmpx type admin-prohibited
	fw rule add dp0 fw1 pos 0 iifname r1 udp dport 7511 reject with icmp type host-unreachable
	fw rule add dp0 fw1 pos 0 iifname r1 udp dport 7513 reject with icmpv6 type admin-prohibited
	EOF2
check_eq "the rules list their reject types" \
	"$(nfvctl -j fw rule list dp0 fw1 | jq -c '[.[:3][].reject_with]')" \
	'["admin-prohibited","host-unreachable","admin-prohibited"]'
# ICMP code 13 is admin-prohibited; code 1 is host unreachable, and
# ICMPv6 code 1 admin-prohibited.
sniff_start adm server s0 unreach/13 7510
sniff_start code1 server s0 unreach/1 7511,7513
craft server tcp 10.0.2.2 10.0.1.2 4002 7510 S 1
echo q | sv socat -T1 - UDP:10.0.1.2:7511 2>/dev/null || true
echo q | sv socat -T1 - UDP6:[fd00:1::2]:7513 2>/dev/null || true
check_eq "a TCP SYN answered ICMP admin-prohibited (3/13)" "$(sniff_stop adm)" 1
check_eq "UDP answered host unreachable (3/1), over IPv6 admin-prohibited (1/1)" \
	"$(sniff_stop code1)" "1/1"
