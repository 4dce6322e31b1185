#!/bin/bash
# VRFs: a port enslaved to a VRF routes in the VRF's table. Two VRFs with
# the same prefixes on different ports: ping and ping6 from each client
# reach its own VRF's server; a rule on a VRF as input device (ip rule
# iif) applies to its ports. A port moved from one VRF to the other: its
# cached IPv4 and IPv6 flows, kept, and new ones go to the other VRF.
#
#   ca ── ra0 [vrf-a, table 10] ra1 ── sa     10.0.1.0/24 -> 10.0.2.2
#   cm ── rm  [vrf-a, then vrf-b]             10.0.3.0/24
#   cb ── rb0 [vrf-b, table 20] rb1 ── sb     10.0.1.0/24 -> 10.0.2.2
# debug: skip the debug kernel has no VRFs (CONFIG_NET_L3_MASTER_DEV)
. "$(dirname "$0")/lib.sh"

need veth
need vrf
[ -e /sys/module/nfv ] || nfv_load
ip -b - <<-EOF
netns add router
netns add ca
netns add sa
netns add cb
netns add sb
netns add cm
link add c0 netns ca type veth peer ra0 netns router
link add s0 netns sa type veth peer ra1 netns router
link add c0 netns cb type veth peer rb0 netns router
link add s0 netns sb type veth peer rb1 netns router
link add c0 netns cm type veth peer rm netns router
EOF
for x in a b; do
	host_setup "c$x" c0 10.0.1.2/24 fd00:1::2/64 10.0.1.1 fd00:1::1
	host_setup "s$x" s0 10.0.2.2/24 fd00:2::2/64 10.0.2.1 fd00:2::1
done
host_setup cm c0 10.0.3.2/24 fd00:3::2/64 10.0.3.1 fd00:3::1
rt sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
ip -n router -b - <<-EOF
link add vrf-a type vrf table 10
link add vrf-b type vrf table 20
link set vrf-a up
link set vrf-b up
link set ra0 master vrf-a
link set ra1 master vrf-a
link set rm master vrf-a
link set rb0 master vrf-b
link set rb1 master vrf-b
addr add 10.0.1.1/24 dev ra0
addr add fd00:1::1/64 dev ra0 nodad
addr add 10.0.2.1/24 dev ra1
addr add fd00:2::1/64 dev ra1 nodad
addr add 10.0.1.1/24 dev rb0
addr add fd00:1::1/64 dev rb0 nodad
addr add 10.0.2.1/24 dev rb1
addr add fd00:2::1/64 dev rb1 nodad
addr add 10.0.3.1/24 dev rm
addr add fd00:3::1/64 dev rm nodad
link set lo up
link set ra0 up
link set ra1 up
link set rb0 up
link set rb1 up
link set rm up
EOF
nfvctl -b - <<-EOF
dp add dp0 timeout icmp 3600 timeout udp 3600
port add dp0 dev ra0
port add dp0 dev ra1
port add dp0 dev rb0
port add dp0 dev rb1
port add dp0 dev rm
chain set dp0 dev ra0 forward
chain set dp0 dev ra1 forward
chain set dp0 dev rb0 forward
chain set dp0 dev rb1 forward
chain set dp0 dev rm forward
EOF

# Echo requests each server answered, IPv4 and IPv6.
echos() { echo "$(icmp_stat sa "$1") $(icmp_stat sb "$1")"; }
check_eq "no echo requests yet" "$(echos InEchos)" "0 0"
out=$(in_ns ca ping -c2 -i 0.2 -W2 10.0.2.2)
check_eq "vrf-a: echo replies" "$(grep -c 'bytes from' <<<"$out")" 2
check_eq "vrf-a: sa answered, sb did not" "$(echos InEchos)" "2 0"
out=$(in_ns cb ping -c3 -i 0.2 -W2 10.0.2.2)
check_eq "vrf-b: echo replies" "$(grep -c 'bytes from' <<<"$out")" 3
check_eq "vrf-b: sb answered, sa did not" "$(echos InEchos)" "2 3"
check_ge "packets from the flow cache" "$(stat fast_packets)" 4

out=$(in_ns ca ping -6 -c2 -i 0.2 -W2 fd00:2::2)
check_eq "vrf-a: IPv6 echo replies" "$(grep -c 'bytes from' <<<"$out")" 2
check_eq "vrf-a: IPv6 to sa only" "$(echos Icmp6InEchos)" "2 0"
out=$(in_ns cb ping -6 -c3 -i 0.2 -W2 fd00:2::2)
check_eq "vrf-b: IPv6 echo replies" "$(grep -c 'bytes from' <<<"$out")" 3
check_eq "vrf-b: IPv6 to sb only" "$(echos Icmp6InEchos)" "2 3"

# A rule on a VRF as input device, before the l3mdev rule (iif vrf-b,
# table 10), routes vrf-b's ports in vrf-a's table, as for the kernel,
# whose input device is the VRF: cb's echo requests reach sa (whose
# replies, routed in vrf-a, go to ca). For IPv4 the route an iif rule
# picks is the kernel's input route: vrf-b forwards.
rt sysctl -qw net.ipv4.conf.vrf-b.forwarding=1
rt ip rule add iif vrf-b table 10 pref 500
rt ip -6 rule add iif vrf-b table 10 pref 500
check "iif vrf-b: no reply for cb" no_reply cb ping -c1 -W1 10.0.2.2
check_eq "iif vrf-b: its echo request reached sa" "$(echos InEchos)" "3 3"
check "iif vrf-b, IPv6: no reply" no_reply cb ping -6 -c1 -W1 fd00:2::2
check_eq "iif vrf-b, IPv6: to sa" "$(echos Icmp6InEchos)" "3 3"
rt ip rule del pref 500
rt ip -6 rule del pref 500

# UDP datagrams to a closed port of each server (NoPorts), IPv4 and IPv6:
# one flow each from cm's port 4000, cached before the move.
noports() {
	in_ns "$1" awk -v k="$2" '$1 == "Udp:" && !h++ { split($0, c); next }
		$1 == "Udp:" { for (i = 2; i <= NF; i++) if (c[i] == k) print $i }
		$1 == k { print $2 }' /proc/net/snmp /proc/net/snmp6
}
udp_counts() { echo "$(noports sa "$1") $(noports sb "$1")"; }
# udp_from_cm N: N datagrams to each server address, IPv4 and IPv6.
udp_from_cm() {
	in_ns cm python3 -c '
import socket, sys
for fam, addr in ((socket.AF_INET, "10.0.2.2"), (socket.AF_INET6, "fd00:2::2")):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind(("", 4000))
    for i in range(int(sys.argv[1])):
        s.sendto(b"x", (addr, 5000))' "$1"
}
counts_are() { [ "$(udp_counts "$1")" = "$2" ]; }
udp_from_cm 3
await 50 counts_are NoPorts "3 0" || true
check_eq "cm in vrf-a: UDP to sa" "$(udp_counts NoPorts)" "3 0"
await 50 counts_are Udp6NoPorts "3 0" || true
check_eq "cm in vrf-a: UDP over IPv6 to sa" "$(udp_counts Udp6NoPorts)" "3 0"
flows=$(nflows)
fast=$(stat fast_packets)
udp_from_cm 2
await 50 counts_are Udp6NoPorts "5 0" || true
check_ge "both flows cached" "$(($(stat fast_packets) - fast))" 4

# The move cycles the port: its IPv6 address goes with the old VRF.
ip -n router -b - <<-EOF
link set rm master vrf-b
addr replace fd00:3::1/64 dev rm nodad
EOF
udp_from_cm 3
await 50 counts_are NoPorts "5 3" || true
check_eq "cm moved to vrf-b: its IPv4 flow goes to sb" \
	"$(udp_counts NoPorts)" "5 3"
await 50 counts_are Udp6NoPorts "5 3" || true
check_eq "and its IPv6 flow" "$(udp_counts Udp6NoPorts)" "5 3"
check_eq "the flows were kept, rerouted" "$(nflows)" "$flows"
out=$(in_ns cm ping -c1 -W2 10.0.2.2)
check_eq "a new flow from cm: sb answers" "$(echos InEchos)" "3 4"
out=$(in_ns cm ping -6 -c1 -W2 fd00:2::2)
check_eq "and over IPv6" "$(echos Icmp6InEchos)" "3 4"

# Released from its VRF, the port routes in the main table, which has no
# route to the servers.
rt ip link set rm nomaster
no_route=$(drop no_route)
udp_from_cm 1
more_no_route() { [ "$(drop no_route)" -gt "$1" ]; }
await 50 more_no_route "$no_route" || true
check_gt "released: the cached flow finds no route" "$(drop no_route)" \
	"$no_route"
check_eq "and reached neither server" "$(udp_counts NoPorts)" "5 3"
check_eq "nor over IPv6" "$(udp_counts Udp6NoPorts)" "5 3"
