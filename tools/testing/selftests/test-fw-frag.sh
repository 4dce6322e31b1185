#!/bin/bash
# Fragments through the firewall. Each fragment gets the verdict of its
# datagram's first fragment: what the inside sends in several fragments,
# and the answers, arrive whole over UDP, ping and IPv6; the outside's
# fragmented datagrams stay out, and so does a fragment whose first
# fragment never came.
# debug: kmemleak
. "$(dirname "$0")/lib.sh"

fw_setup
peer=$top/tools/testing/selftests/udp-peer.py
# serve NS ADDR PORT REPLY_LEN: one datagram answered, in the background;
# what it received goes to /tmp/served.
serve() {
	ip netns exec "$1" python3 "$peer" serve "$2" "$3" "$4" \
		> /tmp/served 2> /dev/null &
	servepid=$!
	listening "$1" -u "$3"
}

# UDP out: 4000 bytes are three fragments at MTU 1500; so is the answer.
serve server 10.0.2.2 7100 3500
check_eq "4000-byte datagram from the inside, answered whole" \
	"$(cl python3 "$peer" ask 10.0.2.2 7100 4000)" 3500
wait $servepid
check_eq "the server got it whole" "$(cat /tmp/served)" 4000
followed=$(stat frags_followed)
check_ge "later fragments followed their first" "$followed" 4
check_eq "and none was of an unknown datagram" "$(stat frags_unknown)" 0

# Ping with fragments, both ways.
check "ping -s 3000 from the inside" cl ping -c2 -W2 -s 3000 10.0.2.2
check_ge "its fragments followed too" "$(stat frags_followed)" \
	$((followed + 8))

# IPv6: the sender fragments, with a fragment header.
followed=$(stat frags_followed)
serve server fd00:2::2 7101 3000
check_eq "IPv6: 4000 bytes from the inside, answered whole" \
	"$(cl python3 "$peer" ask fd00:2::2 7101 4000)" 3000
wait $servepid
check_eq "IPv6: the server got it whole" "$(cat /tmp/served)" 4000
check_ge "IPv6: later fragments followed their first" \
	"$(stat frags_followed)" $((followed + 4))

# UDP in: the first fragment meets the drop policy, the rest are of a
# datagram the firewall never let through. Once the datapath has seen the
# later ones, the first went before them, and nothing is left to arrive.
invalid=$(fw_stat invalid)
serve client 10.0.1.2 7102 10
sv python3 "$peer" ask 10.0.1.2 7102 4000 1 > /dev/null
unknown_seen() { [ "$(stat frags_unknown)" -ge 2 ]; }
check "its later fragments were of an unknown datagram" await 300 unknown_seen
check_ge "and invalid to the firewall" "$(fw_stat invalid)" $((invalid + 2))
kill $servepid
wait $servepid || true
check_eq "a fragmented datagram from the outside does not arrive" \
	"$(cat /tmp/served)" ""

# A lone later fragment, for a port the inside has open: its first
# fragment never came, so it has no ports and no flow, and is dropped.
unknown=$(stat frags_unknown)
chain_drops=$(drop chain)
check "a lone fragment is sent" sv python3 "$peer" tail s0 \
	"$(mac router r1)" 10.0.2.2 10.0.1.2 7100
counted() { [ "$(stat frags_unknown)" -gt "$unknown" ]; }
check "the lone fragment is counted" await 100 counted
check_eq "once" "$(stat frags_unknown)" $((unknown + 1))
check_eq "and dropped by the firewall" "$(drop chain)" $((chain_drops + 1))

# Without the firewall, fragments take the fast path behind their first.
nfvctl chain set dp0 dev r0 forward
nfvctl chain set dp0 dev r1 forward
fast=$(stat fast_packets)
serve server 10.0.2.2 7103 3500
check_eq "forward only: 4000 bytes, answered whole" \
	"$(cl python3 "$peer" ask 10.0.2.2 7103 4000)" 3500
wait $servepid
check_ge "the later fragments were fast-path packets" \
	"$(stat fast_packets)" $((fast + 4))
