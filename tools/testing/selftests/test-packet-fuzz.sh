#!/bin/bash
# Malformed frames are dropped and counted, exactly, while good traffic
# keeps flowing. Frames tagged for a VLAN, which no port terminates, go to
# the stack, each counted, none forwarded.
. "$(dirname "$0")/lib.sh"

router_setup
cl ping -c 40 -i 0.1 -W2 10.0.2.2 > /tmp/ping &
# ip netns exec: pktfuzz.py reads c0's address from /sys/class/net.
out=$(ip netns exec client python3 "$FUZZ/pktfuzz.py" c0 "$(mac router r0)" \
	--count 3000 --seed "${NFV_SEED:-1}")
wait
sent=$(sed -n 's/^malformed-sent //p' <<<"$out")
check_eq "malformed frames counted" "$(drop malformed)" "$sent"
check_eq "tagged frames passed to the stack" "$(stat vlan_passed)" \
	"$(sed -n 's/^vlan-sent //p' <<<"$out")"
check "good traffic kept flowing" grep -q " 40 received" /tmp/ping
