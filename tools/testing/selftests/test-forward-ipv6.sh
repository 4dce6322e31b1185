#!/bin/bash
# IPv6 through the datapath with forwarding off: ping and TCP arrive, hop
# limit drops by one, neighbour discovery still works on the ports, rules
# on the input device (ip rule iif) pick a flow's route, and an xfrm
# policy on the router applies to the datapath's IPv6 routes.
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

# Policy routing by input device: fd00:9::9, unreachable in the main
# table, goes to the server from the client's port (iif r0, table 100)
# and to the client from the server's (iif r1, table 200). Neither host
# forwards: each counts the datagrams it got for fd00:9::9 as
# Ip6InAddrErrors.
rt ip -6 -b - <<-EOF
route add unreachable fd00:9::9
route add fd00:9::9 via fd00:2::2 table 100
route add fd00:9::9 via fd00:1::2 table 200
rule add iif r0 table 100 pref 100
rule add iif r1 table 200 pref 101
EOF
iif_routes fd00:9::9 Ip6InAddrErrors "fd00:1::2>fd00:2::2 fd00:2::2>fd00:1::2"
rt ip -6 -b - <<-EOF
rule del pref 100
rule del pref 101
EOF

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
