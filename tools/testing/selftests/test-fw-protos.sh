#!/bin/bash
# Ports of SCTP, DCCP and UDP-Lite: a rule's ports match them, IPv4 and
# IPv6; the reply to an accepted one is established only from the ports
# it went to; a header cut short is malformed; a port rule for a protocol
# whose ports the datapath does not parse is refused.
. "$(dirname "$0")/lib.sh"

fw_setup
protos="sctp dccp udplite"
for p in $protos; do
	nfvctl fw rule add dp0 fw1 pos 0 proto "$p" dport 9999 drop
done
# At the server: to 9999, 9998 and 9997; at the client: to 1234 and 1235.
sniff_start sv server s0 l4 9999,9998,9997
sniff_start cl client c0 l4 1234,1235

# From the inside, each protocol and family to 9999 (dropped by its rule)
# and to 9998 (accepted by the policy rules), from port 1234; the replies
# from 9998 to 1234 are established, to 1235 new from the outside.
out="" back=""
for p in $protos; do
	for a in "10.0.1.2 10.0.2.2" "fd00:1::2 fd00:2::2"; do
		out="$out l4 $a $p 1234 9999 -- l4 $a $p 1234 9998 --"
		# shellcheck disable=SC2086
		set -- $a
		back="$back l4 $2 $1 $p 9998 1234 -- l4 $2 $1 $p 9998 1235 --"
	done
done
# Frames, not sends through the hosts' IP stacks: once nf_conntrack is
# loaded (make check's benchmark smokes load openvswitch, which loads it),
# 6.1 refuses a raw socket's DCCP packet with EPERM, in every namespace.
lan="c0,$(mac router r0)" wan="s0,$(mac router r1)"
# shellcheck disable=SC2086
CRAFT_L2=$lan craft client ${out% --}
check_eq "to 9999 none arrived, to 9998 all six" "$(sniff_count sv)" 0/6/0
check_eq "each port rule matched its protocol twice" \
	"$(nfvctl -j fw rule list dp0 fw1 | jq -c '[.[:3][].packets]')" \
	"[2,2,2]"
# shellcheck disable=SC2086
CRAFT_L2=$wan craft server ${back% --}
check_eq "replies: to the sending port all six, to another none" \
	"$(sniff_stop cl)" 6/0

# A header one byte short is malformed, not a packet without ports.
malformed=$(drop malformed)
CRAFT_L2=$lan craft client l4 10.0.1.2 10.0.2.2 sctp 1235 9997 11 -- \
	l4 fd00:1::2 fd00:2::2 dccp 1235 9997 15 -- \
	l4 10.0.1.2 10.0.2.2 udplite 1235 9997 7
check_eq "cut headers: none arrived" "$(sniff_stop sv)" 0/6/0
check_eq "all three counted malformed" \
	"$(( $(drop malformed) - malformed ))" 3

expect_fail "ports need" nfvctl fw rule add dp0 fw1 proto 47 dport 1 drop
expect_fail "ports need" nfvctl fw rule add dp0 fw1 sport 1 drop
