#!/bin/bash
# A flood of new flows fills the table to max_flows and no further. Once
# it is full, a new flow evicts one that never saw a reply (conntrack's
# early drop), so the flood churns through its own flows while the
# established flow keeps its entry and keeps working.
# debug: kmemleak
. "$(dirname "$0")/lib.sh"

# Long timeouts: a flood that outlasts them (the debug kernel in a loaded
# VM) would expire flows and make room for more.
router_setup max-flows 500 timeout udp 3600 timeout icmp 3600
need pktgen
rt ip neigh replace 10.0.2.2 dev r1 \
	lladdr "$(mac server s0)"
# 5,000 frames from random ports of 5,000: some 3,200 flows through 500 places.
pg=/proc/net/pktgen
cfg="echo rem_device_all > $pg/kpktgend_0; echo 'add_device r0' > $pg/kpktgend_0"
for c in "count 5000" "pkt_size 64" "xmit_mode netif_receive" \
	"dst_mac $(mac router r0)" "src_min 10.0.1.2" \
	"src_max 10.0.1.2" "dst 10.0.2.2" "udp_src_min 1" "udp_src_max 5000" \
	"flag UDPSRC_RND"; do
	cfg+="; echo '$c' > $pg/r0"
done
rt sh -c "$cfg"

# The established flow: one ping run, one echo id, before and during.
cl ping -c 40 -i 0.2 -W2 10.0.2.2 > /tmp/established &
has_flow() { [ "$(nflows)" -ge 1 ]; }
await 100 has_flow || fail "the ping made no flow"
rt sh -c "echo start > $pg/pgctrl"

check_eq "flows at the bound" "$(nflows)" 500
evicted=$(stat flows_evicted)
check_gt "unreplied flows evicted" "$evicted" 0
check_gt "flows created past the bound" "$(stat flows_created)" 500
has_icmp_flow() { nfvctl -j flow show dp0 | jq_true 'any(.[]; .proto == "icmp")'; }
check "the established flow kept its entry" has_icmp_flow
wait
check "established flow kept forwarding" grep -q " 40 received" /tmp/established
