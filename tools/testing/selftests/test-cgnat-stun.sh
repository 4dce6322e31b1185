#!/bin/bash
# The CGNAT NF as a real RFC 5780 NAT behaviour discovery client sees it:
# coturn's turnserver outside, STUN only, on two addresses (so it answers
# from the alternate address and port, RFC 5780's CHANGE-REQUEST), and
# its client turnutils_natdiscovery on a subscriber inside.
#
#   inside i0 ──── r0 router r1 ──── o0 outside
#   100.64.0.2     100.64.0.1 203.0.113.1   203.0.113.2, .3: turnserver
#
# With the default instance the client finds endpoint-independent mapping
# (RFC 4787 REQ-1) and endpoint-independent filtering; with "filtering
# address", address-dependent filtering. So that the check shows it can
# tell, the same client against the router's own stack with nftables
# masquerade fully-random (a new port for every destination) must find
# address and port dependent mapping.
# debug: skip a userspace client's view of the NAT; test-cgnat.sh checks the same behaviour with kmemleak
. "$(dirname "$0")/lib.sh"

A=100.64.0.2 S1=203.0.113.2 S2=203.0.113.3
need veth
nfv_cgnat_load
cgnat_netns 198.51.100.0/29 $A -- $S1 $S2
nfvctl -b - <<-EOF
	dp add dp0
	port add dp0 dev r0
	port add dp0 dev r1
	cgnat add dp0 cg1 pool 198.51.100.0/30
	cgnat add dp0 cg2 pool 198.51.100.4/30 filtering address
	chain set dp0 dev r0 cg1 forward
	chain set dp0 dev r1 cg1 forward
	EOF

# cg_stat NAME [INSTANCE]: a counter of cg1 or INSTANCE.
cg_stat() { num "$(nfvctl -j cgnat show dp0 "${2:-cg1}")" "\"$1\":([0-9]+)"; }

# STUN only, no authentication, no configuration file, nothing written
# outside /tmp; the alternate port is the listening port plus one.
timeout 300 nsenter --net=/run/netns/outside turnserver -n -S -z \
	-L $S1 -L $S2 --no-tcp --no-tls --no-dtls --no-cli \
	--log-file stdout --pidfile /tmp/turnserver.pid \
	--userdb /tmp/turnserver.db > /tmp/turnserver.log 2>&1 &
listening outside -u 3478
listening outside -u 3479
has_both() {
	[ "$(in_ns outside ss -Hlnu "( sport = :3478 or sport = :3479 )" |
		wc -l)" -ge 4 ]
}
await 100 has_both || fail "turnserver does not listen on both addresses"

# discover -m|-f: what the client concludes, mapping or filtering. Each
# run is a new socket, so the filtering test's port has sent to nobody
# before (RFC 5780, section 4.4).
discover() {
	in_ns inside turnutils_natdiscovery "$1" $S1 2>&1 |
		grep -o "NAT with [A-Za-z ]* \(Mapping\|Filtering\)\|No NAT.*" |
		head -1
}
check_eq "RFC 5780 mapping: endpoint-independent" \
	"$(discover -m)" "NAT with Endpoint Independent Mapping"
check_eq "RFC 5780 filtering: endpoint-independent" \
	"$(discover -f)" "NAT with Endpoint Independent Filtering"
check_ge "its other-address answer came in as an inbound flow" \
	"$(cg_stat in)" 1

nfvctl -b - <<-EOF
	chain set dp0 dev r0 cg2 forward
	chain set dp0 dev r1 cg2 forward
	EOF
check_eq "filtering address: RFC 5780 filtering address-dependent" \
	"$(discover -f)" "NAT with Address Dependent Filtering"
check_eq "and mapping still endpoint-independent" \
	"$(discover -m)" "NAT with Endpoint Independent Mapping"
check_ge "its other-address answer dropped, counted as filtered" \
	"$(cg_stat filtered cg2)" 1

# The client can tell a NAT without EIM: masquerade by the router's
# stack, a random port for every new conntrack.
nfvctl -b - <<-EOF
	dp del dp0
	EOF
rt sysctl -qw net.ipv4.ip_forward=1
rt nft -f - <<-EOF
	table ip stun {
		chain post {
			type nat hook postrouting priority srcnat;
			oifname "r1" masquerade fully-random
		}
	}
	EOF
check_eq "masquerade fully-random: address and port dependent mapping" \
	"$(discover -m)" "NAT with Address and Port Dependent Mapping"
