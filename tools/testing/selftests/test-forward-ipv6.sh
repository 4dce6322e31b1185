#!/bin/bash
# IPv6 through the datapath with forwarding off: ping and TCP arrive, hop
# limit drops by one, neighbour discovery still works on the ports, and an
# xfrm policy on the router applies to the datapath's IPv6 routes.
. "$(dirname "$0")/lib.sh"

router_setup
out=$(cl ping -6 -c3 -i 0.2 -W2 fd00:2::2)
check_eq "echo replies" "$(echo "$out" | grep -c 'bytes from')" 3
check "hop limit decremented once" grep -q 'ttl=63' <<<"$out"

head -c 100000 /dev/urandom > /tmp/payload6
sv socat -u TCP6-LISTEN:5003,reuseaddr OPEN:/tmp/received6,creat,trunc &
listening server -t 5003
cl socat -u OPEN:/tmp/payload6 TCP6:[fd00:2::2]:5003
wait
check "TCP payload intact over IPv6" cmp /tmp/payload6 /tmp/received6

flows=$(nfvctl -j flow show dp0)
check_eq "ipv6 tcp flow" \
	"$(jq -r '[.[] | select(.family == "ipv6" and .proto == "tcp")] | length' <<<"$flows")" 1
check_eq "ipv6 icmp flow" \
	"$(jq -r '[.[] | select(.proto == "icmpv6")] | length' <<<"$flows")" 1
check "router learned the client by ND" \
	rt ip -6 neigh show dev r0 | grep -q fd00:1::2
check_ge "packets from the flow cache" "$(stat fast_packets)" 4

# IPsec: an outbound block policy stops a new IPv6 flow.
if ! rt ip xfrm policy list >/dev/null 2>&1; then
	echo "skip: xfrm policies (no xfrm netlink in this kernel)"
	exit 0
fi
rt ip -6 xfrm policy add dir out src fd00:1::2/128 dst fd00:2::2/128 action block
no_route=$(drop no_route)
check "an xfrm block policy stops an IPv6 flow" \
	no_reply client ping -6 -c1 -W1 fd00:2::2
check_gt "dropped as no route" "$(drop no_route)" "$no_route"
rt ip -6 xfrm policy flush
check "through again without the policy" cl ping -6 -c1 -W2 fd00:2::2 >/dev/null
