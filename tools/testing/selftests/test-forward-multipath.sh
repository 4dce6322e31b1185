#!/bin/bash
# Multipath routes: the datapath picks a new flow's path with the kernel's
# multipath hash of the packet and keeps the flow there. Many UDP flows
# over two paths, counted on the next hops' interfaces: ECMP and weighted
# 2:1 and 11:45 spread within the tolerance of the kernel's own tests
# (tools/testing/selftests/net/forwarding/router_multipath.sh and
# router_mpath_nh_res.sh: measured and configured ratios within 15%),
# through a route's nexthops, a nexthop group and resilient groups; with
# fib_multipath_hash_policy 0 flows that differ only in their ports take
# one path, with policy 1 they spread, for IPv4 and IPv6, those cached
# under policy 0 too (they forget their routes). A nexthop group: flows
# stay on their paths, and move, none left on the dead path, when a
# nexthop leaves the group, is deleted or its link goes down, for IPv4
# and IPv6.
#
#   client c0 ── r0 router r1 ── s0 server    10.9.0.0/16, fd00:9::/64
#                          r2 ── s1            via 10.0.2.2 and 10.0.3.2
# debug: skip the debug kernel has no multipath routes (CONFIG_IP_ROUTE_MULTIPATH)
. "$(dirname "$0")/lib.sh"

netns_setup
ip link add r2 netns router type veth peer s1 netns server
# The server only receives: without a route back it sends nothing the
# router would answer (ARP, ND) on the counted links.
ip -n server -b - <<-EOF
route del default
route del ::/0
addr add 10.0.3.2/24 dev s1
addr add fd00:3::2/64 dev s1 nodad
link set s1 up
EOF
# Known neighbours and no router solicitations: the router's links carry
# the flows' packets only. The client's IPv6 flows share a flow label,
# which hash policy 0 hashes.
rt sysctl -qw net.ipv6.conf.r1.router_solicitations=0 \
	net.ipv6.conf.r2.router_solicitations=0
cl sysctl -qw net.ipv6.auto_flowlabels=0
ip -n router -b - <<-EOF
addr add 10.0.3.1/24 dev r2
addr add fd00:3::1/64 dev r2 nodad
link set r2 up
neigh replace 10.0.2.2 lladdr $(mac server s0) dev r1 nud permanent
neigh replace 10.0.3.2 lladdr $(mac server s1) dev r2 nud permanent
neigh replace fd00:2::2 lladdr $(mac server s0) dev r1 nud permanent
neigh replace fd00:3::2 lladdr $(mac server s1) dev r2 nud permanent
route add 10.9.0.0/16 nexthop via 10.0.2.2 nexthop via 10.0.3.2
route add fd00:9::/64 nexthop via fd00:2::2 nexthop via fd00:3::2
EOF
# The bursts must not overflow the receiving CPU's backlog.
sysctl -qw net.core.netdev_max_backlog=10000
nfvctl -b - <<-EOF
dp add dp0 timeout udp 3600
port add dp0 dev r0
port add dp0 dev r1
port add dp0 dev r2
chain set dp0 dev r0 forward
chain set dp0 dev r1 forward
chain set dp0 dev r2 forward
EOF

# burst dst|dport FAMILY N: N UDP flows, one datagram each, from port
# 4000 of the client: to N addresses of the multipath prefix, or to N
# ports of its first address.
burst() {
	cl python3 -c '
import socket, sys
mode, fam, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = socket.socket(socket.AF_INET6 if fam == "6" else socket.AF_INET,
                  socket.SOCK_DGRAM)
s.bind(("", 4000))
for i in range(n):
    j = i + 1 if mode == "dst" else 1
    if fam == "6":
        a = "fd00:9::%x" % j
    else:
        a = "10.9.%d.%d" % (j >> 8, j & 255)
    s.sendto(b"x", (a, 5000 + (i if mode == "dport" else 0)))' "$@"
}

# Packets sent on r1 and r2, from the interfaces' counters.
tx() { rt awk '$1 == "r1:" { a = $11 } $1 == "r2:" { b = $11 }
	END { print a, b }' /proc/net/dev; }
sent_over() {
	local a b
	read -r a b <<<"$(tx)"
	[ $((a + b - t1 - t2)) -ge "$1" ]
}
# paths N COMMAND...: runs COMMAND, which sends N packets, and sets p1 p2
# to the packets each path carried.
paths() {
	local n=$1 t1 t2 a b
	shift
	read -r t1 t2 <<<"$(tx)"
	"$@"
	await 100 sent_over "$n" || fail "$n packets sent, $(tx) on r1 r2 (from $t1 $t2)"
	read -r a b <<<"$(tx)"
	p1=$((a - t1))
	p2=$((b - t2))
}

# spread W1 W2: p1:p2 within the kernel's tolerance of W1:W2
# (multipath_eval in tools/testing/selftests/net/forwarding/lib.sh).
spread() {
	echo "# $p1 packets on r1, $p2 on r2; weights $1:$2"
	awk -v w1="$1" -v w2="$2" -v p1="$p1" -v p2="$p2" 'BEGIN {
		if (p1 == 0 || p2 == 0) exit 1
		w = w1 >= w2 ? w1 / w2 : w2 / w1
		p = w1 >= w2 ? p1 / p2 : p2 / p1
		d = w > p ? w - p : p - w
		printf "# expected ratio %.2f, measured %.2f\n", w, p
		exit d / w > 0.15 }'
}
# one_path: all on one path, apart from a stray packet of the host's.
one_path() {
	echo "# $p1 packets on r1, $p2 on r2"
	[ "$p1" -le 3 ] || [ "$p2" -le 3 ]
}
fresh() { nfvctl flow flush dp0; }
# vias REGEX GW1 GW2: of the flows to addresses REGEX matches, how many
# flow show has going via GW1 and via GW2.
vias() {
	nfvctl -j flow show dp0 | jq -r --arg p "$1" --arg a "$2" --arg b "$3" '
		[.[].orig | select(.dst | test($p)) | .gateway] |
		"\(map(select(. == $a)) | length) \(map(select(. == $b)) | length)"'
}

N=4000
paths $N burst dst 4 $N
check "ECMP, IPv4: flows spread" spread 1 1
paths $N burst dst 6 $N
check "ECMP, IPv6: flows spread" spread 1 1

rt sysctl -qw net.ipv4.fib_multipath_hash_policy=0 \
	net.ipv6.fib_multipath_hash_policy=0
fresh
paths 400 burst dport 4 400
check "hash policy 0, IPv4: flows differing in ports take one path" one_path
paths 400 burst dport 6 400
check "hash policy 0, IPv6: one path" one_path
check_eq "flow show: their IPv6 next hop" \
	"$(vias '^fd00:9::1$' fd00:2::2 fd00:3::2)" "$p1 $p2"
# A new policy: the kernel's forwarding hashes each packet anew, so the
# flows cached on one path forget their routes and spread by it.
rt sysctl -qw net.ipv4.fib_multipath_hash_policy=1 \
	net.ipv6.fib_multipath_hash_policy=1
# routed REGEX: how many flows to addresses REGEX matches have a route.
routed() {
	nfvctl -j flow show dp0 | jq -r --arg p "$1" '
		[.[].orig | select((.dst | test($p)) and .gateway)] | length'
}
unrouted() { [ "$(routed "$1")" = 0 ]; }
check "hash policy 1: the cached flows forgot their routes" \
	await 100 unrouted '^(10\.9\.0\.1|fd00:9::1)$'
# shared N: both paths carried a quarter of N at least.
shared() {
	echo "# $p1 packets on r1, $p2 on r2"
	[ "$p1" -ge $(($1 / 4)) ] && [ "$p2" -ge $(($1 / 4)) ]
}
paths 400 burst dport 4 400
check "and spread, IPv4" shared 400
paths 400 burst dport 6 400
check "and spread, IPv6" shared 400
fresh
paths $N burst dport 4 $N
check "hash policy 1, IPv4: flows differing in ports spread" spread 1 1
paths $N burst dport 6 $N
check "hash policy 1, IPv6: flows differing in ports spread" spread 1 1

rt ip -b - <<-EOF
route replace 10.9.0.0/16 nexthop via 10.0.2.2 weight 2 nexthop via 10.0.3.2 weight 1
route replace fd00:9::/64 nexthop via fd00:2::2 weight 2 nexthop via fd00:3::2 weight 1
EOF
fresh
paths $N burst dst 4 $N
check "weighted 2:1, IPv4" spread 2 1
paths $N burst dst 6 $N
check "weighted 2:1, IPv6" spread 2 1

# The kernel's own weights (router_multipath.sh): 11:45.
rt ip -b - <<-EOF
route replace 10.9.0.0/16 nexthop via 10.0.2.2 weight 11 nexthop via 10.0.3.2 weight 45
route replace fd00:9::/64 nexthop via fd00:2::2 weight 11 nexthop via fd00:3::2 weight 45
EOF
fresh
paths $N burst dst 4 $N
check "weighted 11:45, IPv4" spread 11 45
paths $N burst dst 6 $N
check "weighted 11:45, IPv6" spread 11 45

# Nexthop objects: a weighted group, and resilient groups of 512 buckets
# (router_mpath_nh_res.sh), 11:45 as well.
rt ip -b - <<-EOF
route del 10.9.0.0/16
route del fd00:9::/64
nexthop add id 1 via 10.0.2.2 dev r1
nexthop add id 2 via 10.0.3.2 dev r2
nexthop add id 3 via fd00:2::2 dev r1
nexthop add id 4 via fd00:3::2 dev r2
nexthop add id 11 group 1,11/2,45
nexthop add id 12 group 1,11/2,45 type resilient buckets 512
nexthop add id 22 group 3,11/4,45 type resilient buckets 512
route add 10.9.0.0/16 nhid 11
route add fd00:9::/64 nhid 22
EOF
fresh
paths $N burst dst 4 $N
check "nexthop group 11:45, IPv4" spread 11 45
paths $N burst dst 6 $N
check "resilient group 11:45, IPv6" spread 11 45
rt ip route replace 10.9.0.0/16 nhid 12
fresh
paths $N burst dst 4 $N
check "resilient group 11:45, IPv4" spread 11 45

# A nexthop group. Its flows stay on their paths; a nexthop taken out of
# the group or deleted, then one whose link goes down, moves its flows.
rt ip -b - <<-EOF
nexthop add id 10 group 1/2
nexthop add id 20 group 3/4
route replace 10.9.0.0/16 nhid 10
route replace fd00:9::/64 nhid 20
EOF
fresh
M=1000
# Fewer flows: both paths carry a good share, a ratio would be too loose.
both() { echo "# $p1 packets on r1, $p2 on r2"; [ "$p1" -ge $((M / 4)) ] && [ "$p2" -ge $((M / 4)) ]; }
paths $M burst dst 4 $M
check "nexthop group: flows on both paths" both
q1=$p1
q2=$p2
check_eq "flow show: the flows via each next hop" \
	"$(vias '^10\.9\.' 10.0.2.2 10.0.3.2)" "$q1 $q2"
fast=$(stat fast_packets)
paths $M burst dst 4 $M
check_eq "the same flows again: each on its path" "$p1 $p2" "$q1 $q2"
check_ge "from the flow cache" "$(stat fast_packets)" $((fast + M))

rt ip nexthop replace id 10 group 1
paths $M burst dst 4 $M
check_eq "nexthop 2 left the group: its flows moved to r1" "$p1 $p2" "$M 0"

rt ip nexthop replace id 10 group 1/2
paths $M burst dst 4 $M
check "back in the group: on both paths again" both

# The same over IPv6, and a nexthop deleted.
paths $M burst dst 6 $M
check "IPv6 nexthop group: flows on both paths" both
q1=$p1
q2=$p2
check_eq "flow show: the IPv6 flows via each next hop" \
	"$(vias '^fd00:9::' fd00:2::2 fd00:3::2)" "$q1 $q2"
rt ip nexthop replace id 20 group 3
paths $M burst dst 6 $M
check_eq "nexthop 4 left the IPv6 group: its flows moved to r1" "$p1 $p2" "$M 0"
rt ip nexthop replace id 20 group 3/4
paths $M burst dst 6 $M
check "back in the group: on both paths again" both
rt ip nexthop del id 4
paths $M burst dst 6 $M
check_eq "nexthop 4 deleted: its IPv6 flows moved to r1" "$p1 $p2" "$M 0"
rt ip -b - <<-EOF
nexthop add id 4 via fd00:3::2 dev r2
nexthop replace id 20 group 3/4
EOF
paths $M burst dst 6 $M
check "nexthop 4 back: on both paths again" both

# The link down, with IPv4 and IPv6 flows cached on it.
tx_error=$(drop tx_error)
rt ip link set r2 down
paths $M burst dst 4 $M
check_eq "r2 down: every flow on r1" "$p1" "$M"
paths $M burst dst 6 $M
check_eq "r2 down: every IPv6 flow on r1" "$p1" "$M"
check_eq "none sent to the dead path" "$(drop tx_error)" "$tx_error"
