#!/bin/bash
# Traceroute through the firewall: the time-exceeded a hop beyond the
# router sends about the inside's probe is related and comes back in, as
# does the far host's port unreachable. A time-exceeded forged about a
# flow that does not exist is invalid and goes nowhere; the same forgery
# about a live flow is related and arrives.
. "$(dirname "$0")/lib.sh"

fw_setup
# One more hop: the server routes to a far host, 10.0.3.2.
ip netns add far
ip link add s1 netns server type veth peer f0 netns far
sv ip addr add 10.0.3.1/24 dev s1
ip -n far addr add 10.0.3.2/24 dev f0
sv ip link set s1 up
ip -n far link set lo up
ip -n far link set f0 up
ip -n far route add default via 10.0.3.1
sv sysctl -qw net.ipv4.ip_forward=1
rt ip route add 10.0.3.0/24 via 10.0.2.2
check "the far host answers through the firewall" \
	cl ping -c1 -W3 10.0.3.2 > /dev/null

# TTL 1 expires in the datapath, TTL 2 at the server, TTL 3 reaches the
# far host's closed port.
related=$(fw_stat related)
trace=$(craft client trace 10.0.3.2 33434 4)
echo "$trace"
check_eq "hop 1: the router, time exceeded" "$(sed -n 1p <<<"$trace")" \
	"1 10.0.1.1 11/0"
check_eq "hop 2: the server beyond it, time exceeded" \
	"$(sed -n 2p <<<"$trace")" "2 10.0.2.2 11/0"
check_eq "hop 3: the far host, port unreachable" \
	"$(sed -n 3p <<<"$trace")" "3 10.0.3.2 3/3"
check_eq "both errors from beyond the router were related" \
	"$(( $(fw_stat related) - related ))" 2

# A time-exceeded from the server's address about a probe never sent.
invalid=$(fw_stat invalid)
sniff_start err client c0 icmp-err 5555
craft server icmp-err 10.0.2.2 10.0.1.2 10.0.1.2 10.0.3.2 4444 5555 11
check_eq "forged time-exceeded for no flow: none arrived" \
	"$(sniff_count err)" 0
check_gt "and it was invalid" "$(fw_stat invalid)" "$invalid"

# The same forgery about a datagram the client did send is related. The
# receiver must outlive a slow VM: gone, it lets the far host answer the
# datagram with a port unreachable, one error more at the client.
timeout 120 ip netns exec far socat -u UDP-RECV:5555 - > /dev/null &
listening far -tu 5555
echo x | cl socat -u - UDP:10.0.3.2:5555,sourceport=4445
related=$(fw_stat related)
craft server icmp-err 10.0.2.2 10.0.1.2 10.0.1.2 10.0.3.2 4445 5555 11
check_eq "time-exceeded for a live flow: it arrived" "$(sniff_stop err)" 1
check_eq "and it was related" "$(( $(fw_stat related) - related ))" 1
