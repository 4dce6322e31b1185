#!/bin/bash
# Raising max-flows past the bucket array's size grows the array and moves
# every flow into it, with traffic running: an established flow keeps its
# entry and its fast path across the move, the flows already there stay,
# and new flows that arrive during the move are all kept, none lost from
# its chain (a dump finds as many as the table counts).
# debug: kmemleak
. "$(dirname "$0")/lib.sh"

# 100 flows in 1024 buckets; long timeouts, so that nothing expires in a
# slow VM and every count below is exact.
router_setup max-flows 100 timeout udp 3600 timeout icmp 3600
need pktgen
rt ip neigh replace 10.0.2.2 dev r1 \
	lladdr "$(mac server s0)"

buckets() { num "$(nfvctl -j dp show dp0)" '"buckets":([0-9]+)'; }
check_eq "buckets for max-flows 100" "$(buckets)" 1024

pg=/proc/net/pktgen
# pktgen_setup COUNT FIRST END DELAY_NS: COUNT UDP frames into r0 from
# source ports FIRST..END-1 in turn (pktgen's maximum is exclusive), one
# flow each. rem_device_all only asks: pktgen's thread lets go of r0 at its next
# turn, which a loaded host delays past the write's 125 ms, and until then
# add_device fails ("interface already used"). Wait for r0's file to go.
pktgen_setup() {
	local cfg c
	cfg="echo rem_device_all > $pg/kpktgend_0; i=0"
	cfg+="; while [ -e $pg/r0 ] && [ \$i -lt 600 ]; do sleep 0.1; i=\$((i + 1)); done"
	cfg+="; echo 'add_device r0' > $pg/kpktgend_0"
	for c in "count $1" "pkt_size 64" "xmit_mode netif_receive" \
		"dst_mac $(mac router r0)" \
		"src_min 10.0.1.2" "src_max 10.0.1.2" "dst 10.0.2.2" \
		"udp_src_min $2" "udp_src_max $3" "delay $4"; do
		cfg+="; echo '$c' > $pg/r0"
	done
	rt sh -c "$cfg"
}

# The established flow: a ping that runs until the end.
nsenter --net=/run/netns/client ping -i 0.2 10.0.2.2 > /tmp/ping &
ping_pid=$!
trap 'kill $ping_pid 2>/dev/null || true' EXIT
has_flow() { [ "$(nflows)" -ge 1 ]; }
await 100 has_flow || fail "the ping made no flow"

pktgen_setup 90 1 91 0
rt sh -c "echo start > $pg/pgctrl"
check_eq "flows before the resize" "$(nflows)" 91

icmp_packets() {
	nfvctl -j flow show dp0 |
		jq -r '[.[] | select(.proto == "icmp")][0].reply.packets'
}
dumped() { nfvctl -j flow show dp0 | jq length; }
moved_on() { [ "$(icmp_packets)" -gt "$1" ] && [ "$(stat fast_packets)" -gt "$2" ]; }

# A quiet resize: 91 flows move from 1024 buckets to 8192.
slow=$(stat slow_packets)
created=$(stat flows_created)
nfvctl dp set dp0 max-flows 5000
check_eq "buckets for max-flows 5000" "$(buckets)" 8192
check_eq "flows after the resize" "$(nflows)" 91
check_eq "flows a dump finds" "$(dumped)" 91
pkts=$(icmp_packets)
fast=$(stat fast_packets)
await 200 moved_on "$pkts" "$fast" ||
	fail "the ping's flow stopped counting after the resize ($pkts packets)"
passed "the ping's flow counts on: $(icmp_packets) replies > $pkts"
check_eq "no packet took the slow path" "$(stat slow_packets)" "$slow"
check_eq "no flow was created again" "$(stat flows_created)" "$created"

# A resize under load: 3000 new flows, one every millisecond or more,
# while the array grows to 131072 buckets.
pktgen_setup 3000 1001 4001 1000000
rt sh -c "echo start > $pg/pgctrl" &
pg_pid=$!
started() { [ "$(stat flows_created)" -gt $((created + 100)) ]; }
await 300 started || fail "pktgen made no flows"
nfvctl dp set dp0 max-flows 100000
mid=$(stat flows_created)
check_eq "buckets for max-flows 100000" "$(buckets)" 131072
wait "$pg_pid"
echo "flows created before the resize ended: $((mid - created)) of 3000"
check_eq "flows after the second resize" "$(nflows)" 3091
check_eq "flows a dump finds" "$(dumped)" 3091
check_eq "none dropped as table_full" "$(drop table_full)" 0
pkts=$(icmp_packets)
fast=$(stat fast_packets)
slow=$(stat slow_packets)
await 200 moved_on "$pkts" "$fast" ||
	fail "the ping's flow stopped counting after the second resize"
check_eq "still no slow path for the ping" "$(stat slow_packets)" "$slow"

# Lowering the limit keeps the array; the flows stay.
nfvctl dp set dp0 max-flows 4000
check_eq "buckets after lowering max-flows" "$(buckets)" 131072
check_eq "flows after lowering max-flows" "$(nflows)" 3091
# The ping may make its flow again right after the flush: count deletions.
deleted=$(stat flows_deleted)
nfvctl flow flush dp0
check_eq "a flush finds every flow" $(($(stat flows_deleted) - deleted)) 3091
