#!/bin/bash
# What the firewall lets in that no rule names: ICMP errors about flows it
# tracks (related), and TCP resets inside a flow's window. Forged errors
# about flows that do not exist and resets outside the window are invalid
# and never reach the inside. Last, what reject answers.
# debug: kmemleak
. "$(dirname "$0")/lib.sh"

fw_setup

# A real error: the server's port unreachable for the client's datagram.
check "UDP to a closed port: the inside hears it is refused" \
	craft client udp-refused 10.0.2.2 7100
check_gt "the error was related" "$(fw_stat related)" 0

# A forged error about a flow that does not exist goes nowhere.
invalid=$(fw_stat invalid)
sniff_start err client c0 icmp-err 5555
craft server icmp-err 10.0.2.2 10.0.1.2 10.0.1.2 10.0.2.2 4444 5555
check_eq "forged error for no flow: none arrived" "$(sniff_count err)" 0
check_gt "and it was invalid" "$(fw_stat invalid)" "$invalid"

# The same error about a flow that exists is related and arrives.
timeout 60 ip netns exec server socat -u UDP-RECV:5555 - > /dev/null &
listening server -tu 5555
echo x | cl socat -u - UDP:10.0.2.2:5555,sourceport=4445
craft server icmp-err 10.0.2.2 10.0.1.2 10.0.1.2 10.0.2.2 4445 5555
check_eq "forged error for a live flow: it arrived" "$(sniff_stop err)" 1

# Resets: only one inside the window reaches the inside.
fw_rst_window 10.0.2.2 10.0.1.2 TCP-LISTEN:7200 TCP:10.0.2.2:7200

# Reject: the outside is told, with a reset for TCP and a port
# unreachable for UDP, in the name of the inside host.
nfvctl fw rule add dp0 fw1 pos 2 in-port 2 proto tcp dport 7400 reject
nfvctl fw rule add dp0 fw1 pos 2 in-port 2 proto udp dport 7401 reject
check "rejected TCP: refused at once" grep -q "refused" \
	<<<"$(sv socat -T3 - TCP:10.0.1.2:7400,connect-timeout=3 < /dev/null 2>&1 || true)"
check "rejected UDP: port unreachable" \
	craft server udp-refused 10.0.1.2 7401
check_eq "rejects counted" "$(fw_stat reject)" 2
