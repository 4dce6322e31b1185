#!/bin/bash
# Ports in different zones: a connection between them is one flow, each
# direction keyed in the zone of the port it arrives on, so the firewall
# takes its replies for replies, and an ICMP error from the far side finds
# the connection it is about.
# debug: kmemleak
. "$(dirname "$0")/lib.sh"

R0_ZONE=1 R1_ZONE=2 fw_setup

# TCP from the inside (zone 1) to the outside (zone 2): the answers come
# back through zone 2, and only the firewall's established rule lets
# anything in from there.
check "TCP from zone 1 to zone 2" tcp_send 100000
check_received

# tcp_flows: the TCP flows as "ORIG-ZONE REPLY-ZONE REPLY-PACKETS" lines.
tcp_flows() {
	nfvctl -j flow show dp0 | jq -r '.[] | select(.proto == "tcp") |
		"\(.orig.zone) \(.reply.zone) \(.reply.packets)"'
}
read -r oz rz rpkts <<<"$(tcp_flows)"
check_eq "one flow for the connection" "$(tcp_flows | wc -l)" 1
check_eq "its original direction's zone" "$oz" 1
check_eq "its reply direction's zone" "$rz" 2
check_gt "its replies counted on it" "$rpkts" 0

check "ping from zone 1 to zone 2" cl ping -c2 -W2 10.0.2.2 >/dev/null

# A datagram to a closed port: the server's port unreachable arrives in
# zone 2 and is related to the flow of zone 1 that it quotes.
unreach=$(icmp_stat client InDestUnreachs)
echo probe | cl socat -u - UDP:10.0.2.2:5999,sourceport=4999
await 50 eval '[ "$(icmp_stat client InDestUnreachs)" -gt "$unreach" ]' || true
check_gt "the port unreachable reached the client" \
	"$(icmp_stat client InDestUnreachs)" "$unreach"
check_ge "as related to its flow" "$(fw_stat related)" 1
