#!/bin/bash
# The firewall on IPv6: neighbour discovery never meets the rules, the
# inside gets out and nothing new gets in, forged ICMPv6 errors about no
# flow are invalid while those about a live flow are related, and a TCP
# reset must land in the window.
. "$(dirname "$0")/lib.sh"

fw_setup
C=fd00:1::2
S=fd00:2::2

# Rules that would drop neighbour solicitations and advertisements if
# they ever saw them: with every neighbour cache empty, the first ping
# must resolve three neighbours through the datapath's ports.
nfvctl fw rule add dp0 fw1 pos 0 proto icmpv6 icmp-type 135 drop
nfvctl fw rule add dp0 fw1 pos 0 proto icmpv6 icmp-type 136 drop
for ns in client router server; do
	ip -n $ns -6 neigh flush all
done
check "ping6 from the inside crosses the router" \
	cl ping -6 -c1 -W5 $S > /dev/null
lladdr() { ip -n "$1" -6 neigh show "$2" dev "$3" | grep -q lladdr; }
check "the client resolved the router" lladdr client fd00:1::1 c0
check "the router resolved the server" lladdr router $S r1
check "the server resolved the router" lladdr server fd00:2::1 s0
check_eq "no ND reached the rules" "$(rule_packets 0)/$(rule_packets 1)" 0/0
nfvctl fw rule del dp0 fw1 pos 0
nfvctl fw rule del dp0 fw1 pos 0

# Nothing new comes in.
policy=$(fw_stat policy)
check "ping6 from the outside is dropped" no_reply server ping -6 -c1 -W1 $C
check "TCP from the outside is dropped" tcp_unanswered server "TCP6:[$C]:7002"
check_gt "both met the drop policy" "$(fw_stat policy)" $((policy + 1))

# Forged errors, unreachable and too big, about a datagram never sent.
invalid=$(fw_stat invalid)
sniff_start err client c0 icmp-err 5555
craft server icmp-err $S $C $C $S 4444 5555 1 -- \
	icmp-err $S $C $C $S 4444 5555 2
check_eq "forged ICMPv6 errors for no flow: none arrived" "$(sniff_count err)" 0
check_eq "both were invalid" "$(( $(fw_stat invalid) - invalid ))" 2

# The same errors about a datagram the client did send are related, from
# the server or from the router on the way.
timeout 15 ip netns exec server socat -u UDP6-RECV:5555 - > /dev/null &
listening server -tu 5555
echo x | cl socat -u - "UDP6:[$S]:5555,sourceport=4445"
related=$(fw_stat related)
craft server icmp-err $S $C $C $S 4445 5555 1 -- \
	icmp-err fd00:2::1 $C $C $S 4445 5555 2
check_eq "ICMPv6 errors for a live flow: both arrived" "$(sniff_stop err)" 2
check_eq "both were related" "$(( $(fw_stat related) - related ))" 2

# Resets over IPv6: only one inside the window reaches the inside.
fw_rst_window $S $C TCP6-LISTEN:7200 "TCP6:[$S]:7200"
