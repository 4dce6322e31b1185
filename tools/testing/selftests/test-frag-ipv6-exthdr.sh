#!/bin/bash
# IPv6 fragments of a datagram whose Destination Options header comes
# after the Fragment header (options for the destination alone travel in
# the fragmentable part, RFC 8200 4.5). A later fragment's Fragment header
# names destination options, not UDP, yet it must follow its first
# fragment: through the firewall, which drops what is not tracked, and
# behind the flow's cached result with forward alone.
. "$(dirname "$0")/lib.sh"

fw_setup
peer=$top/tools/testing/selftests/udp-peer.py
# serve PORT REPLY_LEN: one datagram answered by the server, in the
# background; what it received goes to /tmp/served.
serve() {
	sv python3 "$peer" serve fd00:2::2 "$1" "$2" > /tmp/served 2> /dev/null &
	servepid=$!
	listening server -u "$1"
}

# ask PORT LEN: LEN bytes to the server's PORT from the client, in
# fragments the Destination Options header follows (udp-peer.py); prints
# the size of the answer. On one CPU: veth queues a frame on the backlog
# of the CPU that sends it, so a sender that moved between two frames
# could let a later fragment overtake its first, which the datapath does
# not follow (frag.c) and the firewall then drops.
mac=$(mac router r0)
ask() {
	cl taskset -c 0 python3 "$peer" ask-dstopts c0 "$mac" fd00:1::2 fd00:2::2 "$1" "$2"
}

# 4000 bytes and 8 of options are three fragments at MTU 1500, and so are
# the 3000 bytes of the answer, which the server's kernel sends without.
followed=$(stat frags_followed)
invalid=$(fw_stat invalid)
serve 7110 3000
check_eq "4000 bytes with destination options, through the firewall" \
	"$(ask 7110 4000)" 3000
wait $servepid
check_eq "the server reassembled it" "$(cat /tmp/served)" 4000
check_ge "the later fragments both ways followed their first" \
	"$(stat frags_followed)" $((followed + 4))
check_eq "none was of an unknown datagram" "$(stat frags_unknown)" 0
check_eq "none was invalid to the firewall" "$(fw_stat invalid)" "$invalid"

# Forward alone: the later fragments take the flow's cached result.
nfvctl -b - <<-EOF2
chain set dp0 dev r0 forward
chain set dp0 dev r1 forward
EOF2
followed=$(stat frags_followed)
fast=$(stat fast_packets)
serve 7111 10
check_eq "forward only: 4000 bytes with destination options" \
	"$(ask 7111 4000)" 10
wait $servepid
check_eq "the server reassembled it" "$(cat /tmp/served)" 4000
check_ge "its later fragments followed their first" \
	"$(stat frags_followed)" $((followed + 2))
check_ge "in the fast path" "$(stat fast_packets)" $((fast + 2))
check_eq "none was of an unknown datagram" "$(stat frags_unknown)" 0
