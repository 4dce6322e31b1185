#!/bin/bash
# The datapath answers as a router would: time exceeded, unreachable,
# fragmentation needed, packet too big; and fragments when DF is clear.
# debug: kmemleak
. "$(dirname "$0")/lib.sh"

router_setup
check "TTL 1: time exceeded from the router" \
	grep -q "From 10.0.1.1 .*Time to live exceeded" \
	<<<"$(cl ping -c1 -W2 -t1 10.0.2.2 || true)"
check "hop limit 1: time exceeded from the router" \
	grep -q "From fd00:1::1 .*Time exceeded" \
	<<<"$(cl ping -6 -c1 -W2 -t1 fd00:2::2 || true)"
check_eq "ttl drops counted" "$(drop ttl)" 2

check "no route: net unreachable" grep -q "Unreachable" \
	<<<"$(cl ping -c1 -W2 10.9.9.9 || true)"
check "no IPv6 route: unreachable" grep -qi "unreachable" \
	<<<"$(cl ping -6 -c1 -W2 fd00:99::1 || true)"
check_eq "no_route drops counted" "$(drop no_route)" 2

rt ip link set r1 mtu 1280
sv ip link set s0 mtu 1280
check "DF clear: the datapath fragments" \
	cl ping -c2 -W2 -s 1400 -M dont 10.0.2.2
check_ge "fragmented packets" "$(stat frags_sent)" 2
check "DF set: fragmentation needed, mtu 1280" grep -q "mtu = 1280" \
	<<<"$(cl ping -c1 -W2 -s 1400 -M do 10.0.2.2 2>&1 || true)"
check "IPv6: packet too big, mtu 1280" grep -qi "too big: mtu=1280" \
	<<<"$(cl ping -6 -c1 -W2 -s 1400 fd00:2::2 2>&1 || true)"
check_ge "mtu drops counted" "$(drop mtu)" 2
check_ge "ICMP errors sent" "$(stat icmp_sent)" 6
