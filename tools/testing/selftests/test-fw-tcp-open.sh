#!/bin/bash
# The TCP state machine through the datapath, with handshakes crafted on
# both sides: a retransmitted SYN is new again and leaves the flow in
# SYN_SENT, and segments without a flag before the flow is established
# are invalid; a simultaneous open (a SYN from each side, then a SYN/ACK
# from each) is let in although the outside sent a SYN, and reaches
# ESTABLISHED, where an RST with a bad checksum, a FIN without ACK and
# FIN|RST change nothing. A Fast Open SYN whose data the server declines
# (its SYN/ACK acknowledges the SYN alone) opens a flow, and a SYN with a
# new ISN on it once established passes and resyncs on its SYN/ACK. A
# server that holds a stale connection answers a SYN with a challenge ACK
# (RFC 5961), which reaches the client, and the client's RST at its
# number closes the flow for the next SYN; and a server reopens a tuple in
# TIME_WAIT with a SYN of its own, which the rules see as new. The
# hosts' own TCP never sees the crafted segments.
# debug: skip its state machine runs under the sanitizers in KUnit (nfv_fw_conntrack), its packets' path in test-fw-stateful.sh
. "$(dirname "$0")/lib.sh"

fw_setup
C=10.0.1.2
S=10.0.2.2
for ns in client server; do
	ip netns exec $ns nft -f - <<-EOF
	table inet quiet {
		chain in {
			type filter hook input priority 0
			tcp dport { 9000, 40000, 40001, 40002, 40003, 40005 } drop
		}
	}
	EOF
done

# A SYN and its retransmission, same sequence number.
new=$(fw_stat new)
sniff_start tosv server s0 tcp 9000
sniff_start tocl client c0 tcp 40001
craft client tcp $C $S 40000 9000 S 1000
check_eq "a SYN opens the flow" "$(fw_tcp_state 40000)" SYN_SENT
craft client tcp $C $S 40000 9000 S 1000
check_eq "both SYNs reached the server" "$(sniff_count tosv)" 2
check_eq "the retransmitted SYN was new again" \
	"$(( $(fw_stat new) - new ))" 2
check_eq "one flow" "$(nfvctl -j fw flows dp0 fw1 |
	jq '[.[] | select(.orig.sport == 40000)] | length')" 1
check_eq "still SYN_SENT" "$(fw_tcp_state 40000)" SYN_SENT

# Before the flow is established every segment is judged, also those
# with no flag or PSH alone (they once left on the SYN's cached verdict).
invalid=$(fw_stat invalid)
craft client tcp $C $S 40000 9000 - 1001
craft client tcp $C $S 40000 9000 P 1001
check_eq "no-flag and PSH-only segments did not reach the server" \
	"$(sniff_count tosv)" 2
check_eq "both were invalid" "$(( $(fw_stat invalid) - invalid ))" 2

# Simultaneous open: client port 40001, server port 9000.
invalid=$(fw_stat invalid)
craft client tcp $C $S 40001 9000 S 5000
craft server tcp $S $C 9000 40001 S 9000
check_eq "a SYN from each side: SYN_SENT2" "$(fw_tcp_state 40001)" SYN_SENT2
craft client tcp $C $S 40001 9000 SA 5000 9001
check_eq "the client's SYN/ACK: SYN_RECV" "$(fw_tcp_state 40001)" SYN_RECV
craft server tcp $S $C 9000 40001 SA 9000 5001
craft client tcp $C $S 40001 9000 A 5001 9001
check_eq "the server's SYN/ACK, the client's ACK: ESTABLISHED" \
	"$(fw_tcp_state 40001)" ESTABLISHED
check_eq "the client's SYN, SYN/ACK and ACK reached the server" \
	"$(( $(sniff_stop tosv) - 2 ))" 3
check_eq "the server's SYN and SYN/ACK reached the client" \
	"$(sniff_count tocl)" 2
check_eq "nothing was invalid" "$(fw_stat invalid)" "$invalid"

# Segments the endpoint would discard do not move the flow: an RST at the
# right sequence number with a wrong checksum, a FIN without ACK, FIN|RST.
craft client tcp $C $S 40001 9000 RXA 5001 9001
craft client tcp $C $S 40001 9000 F 5001
craft client tcp $C $S 40001 9000 FRA 5001 9001
check_eq "all three invalid" "$(( $(fw_stat invalid) - invalid ))" 3
check_eq "the flow is still ESTABLISHED" "$(fw_tcp_state 40001)" ESTABLISHED
craft client tcp $C $S 40001 9000 RA 5001 9001
check_eq "the same RST with its checksum closes it" \
	"$(fw_tcp_state 40001)" CLOSE

# The outside's SYN was let in as part of the flow; alone it is not.
policy=$(fw_stat policy)
craft server tcp $S $C 9002 40001 S 7000
check_eq "a SYN from the outside alone: dropped" "$(sniff_stop tocl)" 2
check_gt "by the policy" "$(fw_stat policy)" "$policy"

# TCP Fast Open: 100 bytes on the SYN, declined by the server's SYN/ACK.
invalid=$(fw_stat invalid)
craft client tcp $C $S 40002 9000 S 3000 0 100
craft server tcp $S $C 9000 40002 SA 8000 3001
check_eq "a SYN/ACK declining a Fast Open SYN's data: SYN_RECV" \
	"$(fw_tcp_state 40002)" SYN_RECV

# The client sends the data again, then reuses the tuple with a new ISN:
# its SYN passes, and the SYN/ACK that acknowledges it restarts the
# tracking.
craft client tcp $C $S 40002 9000 A 3001 8001 100 -- \
	tcp $C $S 40002 9000 S 70000
check_eq "the data sent again, then a new SYN: ESTABLISHED" \
	"$(fw_tcp_state 40002)" ESTABLISHED
craft server tcp $S $C 9000 40002 SA 20000 70001
check_eq "the SYN/ACK to the new SYN: SYN_RECV" \
	"$(fw_tcp_state 40002)" SYN_RECV
check_eq "none of it was invalid" "$(fw_stat invalid)" "$invalid"

# A challenge ACK: the server still has a connection on the tuple and
# answers the client's SYN with a bare ACK of the old one. It passes in
# SYN_SENT; a FIN from the server there does not.
invalid=$(fw_stat invalid)
sniff_start srv server s0 tcp 9000
sniff_start cli client c0 tcp 40003,40005
craft client tcp $C $S 40005 9000 S 1000
craft server tcp $S $C 9000 40005 A 777 4242 -- \
	tcp $S $C 9000 40005 FA 777 4242
check_eq "the challenge ACK reached the client, the FIN did not" \
	"$(sniff_count cli)" 0/1
check_eq "the FIN was invalid" "$(( $(fw_stat invalid) - invalid ))" 1
check_eq "the challenge ACK leaves SYN_SENT" "$(fw_tcp_state 40005)" SYN_SENT

# The client's RST at the number the ACK acknowledged closes the flow; one
# a byte off is blind. The client's SYN that follows opens it again.
craft client tcp $C $S 40005 9000 R 4243 -- tcp $C $S 40005 9000 R 4242
check_eq "the RST one off was invalid" \
	"$(( $(fw_stat invalid) - invalid ))" 2
check_eq "the RST at the ACK's number: CLOSE" "$(fw_tcp_state 40005)" CLOSE
craft client tcp $C $S 40005 9000 S 1000
check_eq "the SYN again: SYN_SENT" "$(fw_tcp_state 40005)" SYN_SENT
check_eq "the SYN, one RST and the SYN again reached the server" \
	"$(sniff_stop srv)" 3

# The server reopens a tuple in TIME_WAIT, as conntrack allows: the
# server's SYN is new, and a rule lets port 9000 open connections in. The
# same SYN in LAST_ACK is invalid, and those rules drop it.
nfvctl fw rule add dp0 fw1 in-port r1 proto tcp sport 9000 ct state new accept
craft client tcp $C $S 40003 9000 S 6000
craft server tcp $S $C 9000 40003 SA 12000 6001 -- \
	tcp $S $C 9000 40003 FA 12001 6001
craft client tcp $C $S 40003 9000 FA 6001 12002
check_eq "a FIN from each side: LAST_ACK" "$(fw_tcp_state 40003)" LAST_ACK
invalid=$(fw_stat invalid)
craft server tcp $S $C 9000 40003 S 50000
check_eq "the server's SYN in LAST_ACK was invalid" \
	"$(( $(fw_stat invalid) - invalid ))" 1
craft client tcp $C $S 40003 9000 A 6002 12002
check_eq "the last ACK: TIME_WAIT" "$(fw_tcp_state 40003)" TIME_WAIT
new=$(fw_stat new)
craft server tcp $S $C 9000 40003 S 50000
check_eq "the server's SYN in TIME_WAIT: SYN_SENT2" \
	"$(fw_tcp_state 40003)" SYN_SENT2
check_eq "and new" "$(( $(fw_stat new) - new ))" 1
craft client tcp $C $S 40003 9000 SA 30000 50001
check_eq "the client's SYN/ACK to it: SYN_RECV" \
	"$(fw_tcp_state 40003)" SYN_RECV
check_eq "the server's SYN/ACK, FIN and SYN in TIME_WAIT reached the client" \
	"$(sniff_stop cli)" 3/1
