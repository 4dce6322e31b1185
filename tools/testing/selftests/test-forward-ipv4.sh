#!/bin/bash
# IPv4 through the datapath with the router's stack not forwarding:
# ping, TCP and UDP arrive intact, TTL drops by one, the flow is listed
# with counters in both directions, flush empties the table, rules on
# the input device (ip rule iif) pick a flow's route, and an xfrm policy
# on the router applies to the datapath's routes.
. "$(dirname "$0")/lib.sh"

netns_setup
check "no forwarding before the datapath" \
	no_reply client ping -c1 -W1 10.0.2.2

# The flows must outlive the test, however slow the VM (debug kernel).
nfvctl dp add dp0 timeout icmp 3600 timeout udp 3600 timeout tcp-closing 3600
nfvctl port add dp0 dev r0
nfvctl port add dp0 dev r1
nfvctl chain set dp0 dev r0 forward
nfvctl chain set dp0 dev r1 forward

out=$(cl ping -c3 -i 0.2 -W2 10.0.2.2)
check_eq "echo replies" "$(echo "$out" | grep -c 'bytes from')" 3
check "TTL decremented once (64 -> 63)" grep -q 'ttl=63' <<<"$out"
check_ge "packets from the flow cache" "$(stat fast_packets)" 3
check_ge "packets sent by the datapath" "$(stat tx_packets)" 6

# flow_fields PROTO FIELD...: the first PROTO flow's fields, one jq.
flow_fields() {
	local proto=$1
	shift
	nfvctl -j flow show dp0 | jq -r --arg p "$proto" --arg f "$*" \
		'first(.[] | select(.proto == $p)) as $x |
		 [$f | split(" ")[] | split(".") as $k | $x | getpath($k)] | @tsv'
}
read -r src result opkts rpkts otype rtype <<<"$(flow_fields icmp orig.src \
	orig.result orig.packets reply.packets orig.icmp_type reply.icmp_type)"
check_eq "icmp flow source" "$src" 10.0.1.2
check_eq "icmp flow: echo requests one way" "$otype" 8
check_eq "icmp flow: echo replies the other" "$rtype" 0
check_eq "icmp flow result" "$result" forward
check_eq "icmp orig packets" "$opkts" 3
check_eq "icmp reply packets" "$rpkts" 3

# TCP: a file crosses intact.
tcp_send 300000
check_received
read -r dport obytes rpkts <<<"$(flow_fields tcp orig.dport orig.bytes reply.packets)"
check_eq "tcp flow server port" "$dport" 5001
check_gt "tcp orig bytes" "$obytes" 300000
check_gt "tcp reply packets" "$rpkts" 0

# UDP, both ways.
sv socat -u UDP-RECV:5002 OPEN:/tmp/udp,creat,trunc &
listening server -u 5002
echo "datagram through the datapath" | cl socat -u - UDP:10.0.2.2:5002,sourceport=4002
await 50 grep -q "datagram through the datapath" /tmp/udp || true
kill %% 2>/dev/null || true
check "UDP datagram arrived" grep -q "datagram through the datapath" /tmp/udp
check_eq "udp flow source port" "$(flow_fields udp orig.sport)" 4002

before=$(nflows)
check_ge "flows in the table" "$before" 3
nfvctl flow flush dp0
check_eq "flows after flush" "$(nflows)" 0
check_ge "flows_deleted counter" "$(stat flows_deleted)" "$before"

# Policy routing by input device: 10.9.9.9, unreachable in the main
# table, goes to the server from the client's port (iif r0, table 100)
# and to the client from the server's (iif r1, table 200). Neither host
# forwards: each counts the datagrams it got for 10.9.9.9 as
# InAddrErrors. The route an iif rule picks is the kernel's input route,
# which exists where the input device forwards: r0 and r1 do, the
# namespace (ip_forward) does not.
rt ip -b - <<-EOF
route add unreachable 10.9.9.9
route add 10.9.9.9 via 10.0.2.2 table 100
route add 10.9.9.9 via 10.0.1.2 table 200
rule add iif r0 table 100 pref 100
rule add iif r1 table 200 pref 101
EOF
rt sysctl -qw net.ipv4.conf.r0.forwarding=1 net.ipv4.conf.r1.forwarding=1
iif_routes 10.9.9.9 InAddrErrors "10.0.1.2>10.0.2.2 10.0.2.2>10.0.1.2"
sent="$(ip_stat client InAddrErrors) $(ip_stat server InAddrErrors)"
# The input route's device stops forwarding: the flow's route goes
# stale, and the packet is dropped, silently, as the kernel drops it.
rt sysctl -qw net.ipv4.conf.r1.forwarding=0
no_route=$(drop no_route)
udp_burst server 10.9.9.9 1
more_no_route() { [ "$(drop no_route)" -gt "$1" ]; }
await 50 more_no_route "$no_route" || true
check_gt "r1 not forwarding: dropped as no route" "$(drop no_route)" \
	"$no_route"
check_eq "and sent nowhere" \
	"$(ip_stat client InAddrErrors) $(ip_stat server InAddrErrors)" "$sent"
rt ip -b - <<-EOF
rule del pref 100
rule del pref 101
EOF
rt sysctl -qw net.ipv4.conf.r0.forwarding=0

# IPsec: the datapath skips xfrm while the namespace has no outbound
# policy, and asks it once one exists. A block policy stops new flows, and
# an established flow too: the policy makes its cached route stale.
# (The debug kernel has no xfrm netlink: nothing to test there.)
if ! rt ip xfrm policy list >/dev/null 2>&1; then
	echo "skip: xfrm policies (no xfrm netlink in this kernel)"
	exit 0
fi
sv socat -u UDP-RECV:5004 OPEN:/tmp/udp-xfrm,creat,trunc &
listening server -u 5004
udp_xfrm() { echo "$1" | cl socat -u - UDP:10.0.2.2:5004,sourceport=4004; }
udp_xfrm before-policy
await 50 grep -q before-policy /tmp/udp-xfrm || true
check "a UDP flow before the policy" grep -q before-policy /tmp/udp-xfrm
fast=$(stat fast_packets)
udp_xfrm cached
await 50 grep -q cached /tmp/udp-xfrm || true
check "its next datagram arrived" grep -q cached /tmp/udp-xfrm
check_gt "from the flow cache" "$(stat fast_packets)" "$fast"

rt ip xfrm policy add dir out src 10.0.1.2/32 dst 10.0.2.2/32 action block
no_route=$(drop no_route)
check "an xfrm block policy stops a new flow" \
	no_reply client ping -c1 -W1 10.0.2.2
check_gt "dropped as no route" "$(drop no_route)" "$no_route"
no_route=$(drop no_route)
udp_xfrm after-policy
await 20 more_no_route "$no_route" || true
check_gt "and the established UDP flow" "$(drop no_route)" "$no_route"
check "which delivered nothing more" ! grep -q after-policy /tmp/udp-xfrm
rt ip xfrm policy flush
check "through again without the policy" cl ping -c1 -W2 10.0.2.2 >/dev/null
kill %% 2>/dev/null || true
