#!/bin/bash
# What the firewall lets in that no rule names: ICMP errors about flows it
# tracks (related), and TCP resets inside a flow's window. Forged errors
# about flows that do not exist and resets outside the window are invalid
# and never reach the inside. Last, what reject answers.
. "$(dirname "$0")/lib.sh"

fw_setup
craft=$top/tools/testing/selftests/fw-craft.py
# listening FILE: waits until a capture writing stderr to FILE is ready.
listening() {
	local i
	for i in $(seq 50); do
		grep -q ready "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "capture did not start"
}
# sniff KIND PORT: in the background, counts KIND arriving at the client.
sniff() {
	cl python3 "$craft" sniff c0 5 "$@" > /tmp/sniffed 2> /tmp/sniff.err &
	sniffpid=$!
	listening /tmp/sniff.err
}

# A real error: the server's port unreachable for the client's datagram.
check "UDP to a closed port: the inside hears it is refused" \
	cl python3 "$craft" udp-refused 10.0.2.2 7100
check_gt "the error was related" "$(fw_stat related)" 0

# A forged error about a flow that does not exist goes nowhere.
invalid=$(fw_stat invalid)
sniff icmp-err 5555
sv python3 "$craft" icmp-err 10.0.2.2 10.0.1.2 10.0.1.2 10.0.2.2 4444 5555
wait $sniffpid
check_eq "forged error for no flow: none arrived" "$(cat /tmp/sniffed)" 0
check_gt "and it was invalid" "$(fw_stat invalid)" "$invalid"

# The same error about a flow that exists is related and arrives.
timeout 10 ip netns exec server socat -u UDP-RECV:5556 - > /dev/null &
wait_listen server 5556
echo x | cl socat -u - UDP:10.0.2.2:5556,sourceport=4445
sniff icmp-err 5556
sv python3 "$craft" icmp-err 10.0.2.2 10.0.1.2 10.0.1.2 10.0.2.2 4445 5556
wait $sniffpid
check_eq "forged error for a live flow: it arrived" "$(cat /tmp/sniffed)" 1

# An established connection, watched from the client's side for the
# sequence number a genuine reset would carry.
cl python3 "$craft" seq c0 7200 30 > /tmp/seq 2> /tmp/seq.err &
seqpid=$!
listening /tmp/seq.err
timeout 30 ip netns exec server socat -T30 TCP-LISTEN:7200,reuseaddr \
	SYSTEM:'cat > /dev/null' &
wait_listen server 7200
{ echo a; sleep 25; } | cl timeout 30 socat -T30 - TCP:10.0.2.2:7200 &
sleep 1
cport=$(nfvctl -j fw flows dp0 fw1 |
	jq -r '.[] | select(.orig.dport == 7200) | .orig.sport')
check "the connection is tracked" test -n "$cport"
wait $seqpid
echo "server's next sequence number: $(cat /tmp/seq)"
state() {
	nfvctl -j fw flows dp0 fw1 |
		jq -r ".[] | select(.orig.sport == $cport) | .nf[0].state"
}

# A reset far outside the window is dropped.
invalid=$(fw_stat invalid)
sniff rst "$cport"
sv python3 "$craft" rst 10.0.2.2 10.0.1.2 7200 "$cport" \
	$(( ($(cat /tmp/seq) + 2000000000) % 4294967296 ))
wait $sniffpid
check_eq "out-of-window RST: none arrived" "$(cat /tmp/sniffed)" 0
check_gt "and it was invalid" "$(fw_stat invalid)" "$invalid"
check_eq "the connection stays ESTABLISHED" "$(state)" ESTABLISHED

# A reset at the server's next sequence number is in the window.
sniff rst "$cport"
sv python3 "$craft" rst 10.0.2.2 10.0.1.2 7200 "$cport" "$(cat /tmp/seq)"
wait $sniffpid
check_eq "in-window RST: it arrived" "$(cat /tmp/sniffed)" 1
check_eq "the connection is CLOSE" "$(state)" CLOSE

# Reject: the outside is told, with a reset for TCP and a port
# unreachable for UDP, in the name of the inside host.
nfvctl fw rule add dp0 fw1 pos 2 in-port 2 proto tcp dport 7400 reject
nfvctl fw rule add dp0 fw1 pos 2 in-port 2 proto udp dport 7401 reject
check "rejected TCP: refused at once" grep -q "refused" \
	<<<"$(sv socat -T3 - TCP:10.0.1.2:7400,connect-timeout=3 < /dev/null 2>&1 || true)"
check "rejected UDP: port unreachable" \
	sv python3 "$craft" udp-refused 10.0.1.2 7401
check_eq "rejects counted" "$(fw_stat reject)" 2
