#!/bin/bash
# The firewall as a host's "ct state" ruleset: connections the inside
# (client) opens pass both ways, over TCP, UDP and ping, on IPv4 and IPv6;
# nothing new comes in from the outside (server); a TCP connection under
# way survives a flush unless tcp-loose is off; the tracked flows show
# their state and the rules count what they matched; a chain replaced
# under two-way traffic loses none of it.
. "$(dirname "$0")/lib.sh"

fw_setup
# serve NS ADDRESS REPLY: a one-shot socat server that answers REPLY,
# listening (ss sees its port) when this returns. -t30: once the client's
# side has ended, socat waits up to 30 s for REPLY, not the default 0.5 s,
# which a slow VM spends starting the shell ("echo: I/O error").
declare -A server_pid
serve() {
	local port=${2#*:}

	port=${port%%,*}
	timeout 60 nsenter --net="/run/netns/$1" socat -T30 -t30 "$2" SYSTEM:"$3" &
	server_pid[$port]=$!
	listening "$1" -tu "$port"
}
# unserve PORT: ends a server nobody could reach (timeout passes the
# signal on to socat).
unserve() {
	kill "${server_pid[$1]}" 2>/dev/null || true
	wait || true
}
flows() { nfvctl -j fw flows dp0 fw1; }
# flow_tmo PROTO PORT: "STATE TIMEOUT_MS" of the flow to server port PORT:
# the idle timeout of the class its state put it in (idle_ms says how much
# of it has passed).
flow_tmo() {
	flows | jq -r ".[] | select(.proto == \"$1\" and .orig.dport == $2) |
		       \"\(.nf[0].state) \(.timeout_ms)\""
}
is_tmo() { [ "$(flow_tmo "$1" "$2")" = "$3" ]; }
# check_tmo WHAT PROTO PORT "STATE TIMEOUT_MS": waits for the state.
check_tmo() {
	await 100 is_tmo "$2" "$3" "$4" || true
	check_eq "$1" "$(flow_tmo "$2" "$3")" "$4"
}

# TCP out: a request and its answer cross the firewall.
serve server TCP-LISTEN:7000,reuseaddr 'read l; echo "pong $l"'
check_eq "TCP from the inside" \
	"$(echo ping | cl socat -t30 -T30 - TCP:10.0.2.2:7000)" "pong ping"
wait
closing() {
	flows | jq_true 'any(.[] | select(.proto == "tcp") | .nf[0].state;
			     test("TIME_WAIT|CLOSE|LAST_ACK|FIN_WAIT|CLOSE_WAIT"))'
}
check "the closed connection is in a closing state" closing
check_tmo "and in TIME_WAIT for conntrack's 2 minutes" tcp 7000 \
	"TIME_WAIT 120000"

# A connection that stays open is ESTABLISHED: the server holds it
# until killed, the client only listens.
established() {
	flows | jq_true 'any(.[]; .nf[0].state == "ESTABLISHED")'
}
serve server TCP-LISTEN:7001,reuseaddr 'sleep 60'
cl timeout 60 socat -u TCP:10.0.2.2:7001 - > /dev/null &
check "an open connection is ESTABLISHED" await 100 established
check_tmo "for conntrack's 5 days" tcp 7001 "ESTABLISHED 432000000"
nfvctl dp set dp0 timeout tcp-established 3600 timeout tcp 900
check_tmo "or what the datapath sets" tcp 7001 "ESTABLISHED 3600000"
check_eq "which dp show lists, the untracked tcp class apart" \
	"$(nfvctl -j dp show dp0 | jq -c '.[0].timeouts | [.tcp_established, .tcp]')" \
	"[3600,900]"
unserve 7001

# A connection the server closed and the client holds open: CLOSE_WAIT.
serve server TCP-LISTEN:7006,reuseaddr 'echo bye'
timeout 60 nsenter --net=/run/netns/client \
	bash -c 'exec 3<>/dev/tcp/10.0.2.2/7006; exec sleep 60' &
holder=$!
check_tmo "a half-closed connection is in CLOSE_WAIT for 60 s" tcp 7006 \
	"CLOSE_WAIT 60000"
kill "$holder"
unserve 7006

# A connection under way survives a flush of the flow table: its next
# segment picks it up (tcp-loose, as conntrack's nf_conntrack_tcp_loose),
# new from the inside, and every line arrives. With tcp-loose off, the
# flushed connection's segments are invalid until it is on again.
lines() { [ "$(wc -l < /tmp/loose.out)" -ge "$1" ]; }
invalid_over() { [ "$(fw_stat invalid)" -gt "$1" ]; }
rm -f /tmp/loose.in /tmp/loose.out
mkfifo /tmp/loose.in
serve server TCP-LISTEN:7009,reuseaddr 'cat > /tmp/loose.out'
cl timeout 120 socat -u PIPE:/tmp/loose.in TCP:10.0.2.2:7009 &
loose_pid=$!
exec 3> /tmp/loose.in
printf 'line %s\n' 1 2 3 4 5 >&3
check "five lines before the flush" await 100 lines 5
nfvctl flow flush dp0
printf 'line %s\n' 6 7 8 9 10 >&3
check "the five after it arrived too" await 100 lines 10
cport=$(flows | jq -r '.[] | select(.orig.dport == 7009) | .orig.sport')
check_eq "the picked-up connection is ESTABLISHED" \
	"$(fw_tcp_state "$cport")" ESTABLISHED
nfvctl fw set dp0 fw1 tcp-loose off
check_eq "fw show: tcp-loose off" \
	"$(nfvctl -j fw show dp0 | jq '.[0].tcp_loose')" false
nfvctl flow flush dp0
invalid=$(fw_stat invalid)
echo 'line 11' >&3
check "tcp-loose off: the flushed connection's segment is invalid" \
	await 100 invalid_over "$invalid"
check_eq "and line 11 did not arrive" "$(wc -l < /tmp/loose.out)" 10
nfvctl fw set dp0 fw1 tcp-loose on
check "tcp-loose on again: line 11's retransmission arrives" \
	await 300 lines 11
exec 3>&-
wait "$loose_pid" || true
unserve 7009

# TCP in: the outside cannot open a connection.
serve client TCP-LISTEN:7002,reuseaddr 'echo hello'
check "TCP from the outside is dropped" \
	tcp_unanswered server TCP:10.0.1.2:7002
unserve 7002
check_gt "inbound SYNs met the drop policy" "$(fw_stat policy)" 0

# UDP out, answered; UDP in, not.
serve server UDP-RECVFROM:7003 'read l; echo "re $l"'
check_eq "UDP from the inside, answered" \
	"$(echo q | cl socat -t5 -T5 - UDP:10.0.2.2:7003)" "re q"
wait
check_tmo "and REPLIED for conntrack's stream timeout" udp 7003 "REPLIED 120000"
echo q | cl socat -u - UDP:10.0.2.2:7007
check_tmo "UDP without an answer stays UNREPLIED for 30 s" udp 7007 \
	"UNREPLIED 30000"
serve client UDP-RECVFROM:7004 'echo leak'
check_eq "UDP from the outside gets no answer" \
	"$(echo q | sv socat -T2 - UDP:10.0.1.2:7004 || true)" ""
unserve 7004

# Ping out, not in; IPv6 too, with neighbour discovery on both ports.
check "ping from the inside" cl ping -c2 -W2 10.0.2.2
check "ping from the outside is dropped" no_reply server ping -c2 -W1 10.0.1.2
check "ping6 from the inside" cl ping -6 -c2 -W2 fd00:2::2
check "ping6 from the outside is dropped" no_reply server ping -6 -c2 -W1 fd00:1::2

# An echo request from the outside with the id of an inside ping is no
# reply to it: a flow of its own, which the policy drops. The client's
# stack counts every echo request it receives.
echos() { icmp_stat client "$1"; }
check "ping from the inside with id 4660" cl ping -e 4660 -c1 -W2 10.0.2.2
in=$(echos InEchos)
sv ping -e 4660 -c3 -i0.2 -W1 10.0.1.2 >/dev/null || true
check_eq "echo requests from the outside with its id that arrived" \
	"$(echos InEchos)" "$in"
check "ping6 from the inside with id 4660" cl ping -6 -e 4660 -c1 -W2 fd00:2::2
in=$(echos Icmp6InEchos)
sv ping -6 -e 4660 -c3 -i0.2 -W1 fd00:1::2 >/dev/null || true
check_eq "echo6 requests from the outside with its id that arrived" \
	"$(echos Icmp6InEchos)" "$in"
serve server TCP6-LISTEN:7005,reuseaddr 'echo v6'
check_eq "TCP over IPv6 from the inside" \
	"$(cl socat -t30 -T30 - TCP6:[fd00:2::2]:7005 < /dev/null)" "v6"
wait
check "neighbour discovery kept working on the outside" \
	grep -q 'fd00:2::2 .*lladdr' <<<"$(rt ip -6 neigh show dev r1)"

check_gt "the new-accept rule counted" "$(rule_packets 2)" 5
check_gt "the established rule counted" "$(rule_packets 0)" 5
check_eq "a rule by device name lists as nft's iifname" \
	"$(nfvctl fw rule list dp0 fw1 | sed -n 3p | cut -d'#' -f1)" \
	"2: iifname r0 ct state new accept  "
check_eq "and in JSON, the device and no port number" \
	"$(nfvctl -j fw rule list dp0 fw1 | jq -c '.[2] | [.in_port, .iifname]')" \
	'[null,"r0"]'
# in-port N stays a number, listed with its port's device.
nfvctl fw rule add dp0 fw1 in-port 2 proto udp dport 9 drop
check_eq "a rule by port number lists its port's device" \
	"$(nfvctl fw rule list dp0 fw1 | sed -n 4p | cut -d'#' -f1)" \
	"3: in-port 2 (r1) proto udp dport 9 drop  "
check_eq "and in JSON, the port as a number and its device" \
	"$(nfvctl -j fw rule list dp0 fw1 | jq -c '.[3] | [.in_port, .in_dev]')" \
	'[2,"r1"]'
# A name no port has is kept, as nft's iifname: it matches nothing
# until a port has that device.
check "a rule may name a device that is no port" \
	nfvctl fw rule add dp0 fw1 in-port nosuchdev drop
check_eq "it was added" "$(nfvctl -j fw show dp0 | jq '.[0].rules')" 5

# r0 goes and comes back as another port: the rule by name follows it,
# so new flows from the inside still match it (a rule that kept port 1
# would match nothing now: the drop policy).
nfvctl -b - <<-EOF
	port del dp0 dev r0
	port add dp0 dev r0
	chain set dp0 dev r0 fw1 forward
	EOF
check_eq "r0 is a new port" \
	"$(nfvctl -j port show dp0 | jq -c 'map(select(.ifname == "r0") | .port)')" \
	'[3]'
rule2=$(rule_packets 2)
check "ping from the inside through the rule by name on r0's new port" \
	await 10 cl ping -q -c1 -W2 10.0.2.2
check_gt "the rule by name counted it" "$(rule_packets 2)" "$rule2"

# Renamed, the port is no longer r0: the rule matches nothing there and
# the policy drops new flows from the inside. Named back, they pass.
rename() { rt ip link set "$1" down; rt ip link set "$1" name "$2"; rt ip link set "$2" up; }
# policy_dropped N: a ping from the inside got no answer, and the policy
# counter went past N (the ping reached the firewall: r0x is up).
policy_dropped() {
	no_reply client ping -c1 -W1 10.0.2.2 && [ "$(fw_stat policy)" -gt "$1" ]
}
rule2=$(rule_packets 2)
policy=$(fw_stat policy)
rename r0 r0x
check "with r0 renamed, ping from the inside meets the drop policy" \
	await 20 policy_dropped "$policy"
check_eq "the rule by name matched nothing" "$(rule_packets 2)" "$rule2"
rename r0x r0
check "named r0 again, ping from the inside passes" \
	await 20 cl ping -q -c1 -W2 10.0.2.2
check_gt "through the rule by name" "$(rule_packets 2)" "$rule2"

# Per-source limits. A second inside source, 10.0.1.3, beside 10.0.1.2.
ip -n client addr add 10.0.1.3/24 dev c0
rule_json() { nfvctl -j fw rule list dp0 fw1 | jq -r ".[$1].$2"; }

# limit-per-source: new UDP flows (one datagram each, from a port of its
# own) to port 7100, 3 per source at once, then 1 an hour: the fourth
# within the test is over for sure, however slow the VM. Those over it
# go on to the next rule, which drops them.
nfvctl -b - <<-EOF
	fw rule add dp0 fw1 pos 0 proto udp dport 7100 ct state new limit-per-source 1/hour burst 3 accept
	fw rule add dp0 fw1 pos 1 proto udp dport 7100 drop
	EOF
check_eq "a rate rule lists as it was given" \
	"$(nfvctl fw rule list dp0 fw1 | sed -n 1p | cut -d'#' -f1)" \
	"0: proto udp dport 7100 ct state new limit-per-source 1/hour burst 3 accept  "
timeout 120 nsenter --net=/run/netns/server \
	socat -u UDP-RECV:7100 OPEN:/tmp/meter.udp,creat,trunc &
udp_pid=$!
listening server -u 7100
# One process for the seven (a process is a second on the debug kernel).
cl python3 -c '
import socket
for src, n, tag in (("10.0.1.2", 5, b"A\n"), ("10.0.1.3", 2, b"B\n")):
    for port in range(7201, 7201 + n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((src, port))
        s.sendto(tag, ("10.0.2.2", 7100))
        s.close()'
seen7() { [ $(($(rule_packets 0) + $(rule_packets 1))) -eq 7 ]; }
check "the seven new flows met the rate rule or the drop after it" \
	await 100 seen7
check_eq "5 within the rate (3 + 2), 2 over it counted, none full, 2 dropped" \
	"$(nfvctl -j fw rule list dp0 fw1 |
	   jq -c '[.[0].packets, .[0].meter_limited, .[0].meter_full, .[1].packets]')" \
	"[5,2,0,2]"
udp_lines() { [ "$(wc -l < /tmp/meter.udp)" -ge 5 ]; }
check "five datagrams arrived" await 100 udp_lines
check_eq "3 from 10.0.1.2, 2 from 10.0.1.3" \
	"$(sort /tmp/meter.udp | uniq -c | tr -s ' ' | tr '\n' ,)" " 3 A, 2 B,"
kill "$udp_pid" 2>/dev/null || true
wait "$udp_pid" || true

# count-per-source: a source may hold 2 TCP connections to port 7101; its
# third is dropped until one of them closes, while another source's pass.
nfvctl fw rule add dp0 fw1 pos 0 proto tcp dport 7101 count-per-source over 2 drop
serve server TCP-LISTEN:7101,reuseaddr,fork 'cat'
hold() {
	timeout 60 nsenter --net=/run/netns/client \
		bash -c 'exec 3<>/dev/tcp/10.0.2.2/7101; exec sleep 60' &
}
open7101() {
	[ "$(flows | jq '[.[] | select(.orig.dport == 7101 and
				       .nf[0].state == "ESTABLISHED")] | length')" = "$1" ]
}
hold; holder1=$!
hold; holder2=$!
check "10.0.1.2 holds two connections" await 300 open7101 2
check "its third is dropped" tcp_unanswered client TCP:10.0.2.2:7101
check_ge "over the count, counted" "$(rule_json 0 meter_limited)" 1
check_eq "10.0.1.3 may open its own" \
	"$(echo hi | cl socat -t5 -T5 - TCP:10.0.2.2:7101,bind=10.0.1.3)" hi
# A rule set in place starts a new meter; the old one lives on for the
# two connections it counts, and is freed when they close.
nfvctl fw rule set dp0 fw1 pos 0 proto tcp dport 7101 count-per-source over 1 drop
check_eq "the count rule was set again" \
	"$(nfvctl -j fw rule list dp0 fw1 | jq -c '.[0] | [.count_over, .meter_limited]')" \
	"[1,0]"
hold; holder3=$!
check "the new meter counts 10.0.1.2's next connection only" \
	await 300 open7101 3
check "and drops the one after" tcp_unanswered client TCP:10.0.2.2:7101
kill "$holder3"
closed() {
	flows | jq_true 'any(.[] | select(.orig.dport == 7101 and
					   .orig.src == "10.0.1.2") |
			     .nf[0].state; . == "TIME_WAIT")'
}
check "its closed connection is in TIME_WAIT" await 100 closed
check_eq "and counts no more: 10.0.1.2 connects again" \
	"$(echo hi | cl socat -t5 -T5 - TCP:10.0.2.2:7101)" hi
kill "$holder1" "$holder2"
unserve 7101

# The module judges a meter's values and names what it refuses.
expect_fail "power of two" \
	nfvctl fw rule add dp0 fw1 proto tcp count-per-source over 2 meter-size 1000 drop
expect_fail "out of range" \
	nfvctl fw rule add dp0 fw1 proto tcp count-per-source over 2 meter-size 2097152 drop
expect_fail "out of range" \
	nfvctl fw rule add dp0 fw1 limit-per-source 1/s meter-v6-prefix 129 accept
expect_fail "out of range" \
	nfvctl fw rule add dp0 fw1 limit-per-source 1/s burst 0 accept

# r0's chain replaced under two-way UDP loses nothing. The server sends
# every 5 ms, the client every 20 ms, so after most replacements a datagram
# of the server (a reply) comes first: the flow is superseded, not
# deleted, and the reply takes its cached way while the client's next
# datagram runs the new chain, whose flow replaces the old one. A reply
# that found no flow would meet fw1 on r1 as a new connection, dropped.
peer=$top/tools/testing/selftests/udp-peer.py
# owner SPORT: the NF whose state the flow from client port SPORT holds,
# "none" for a flow of the chain forward alone; nothing if there is none.
owner() {
	nfvctl -j flow show dp0 |
		jq -r ".[] | select(.orig.sport == $1) | .nf[0].name // \"none\""
}
owned() { [ "$(owner "$1")" = "$2" ]; }
no_flow() { [ -z "$(owner "$1")" ]; }
chain_drops_over() { [ "$(drop chain)" -gt "$1" ]; }
replied() { nfvctl -j flow show dp0 | jq_true "any(.[] |
	select(.orig.sport == $1); .reply.packets > $2)"; }
# talk PORT MS: a talk-back server on PORT and a client from PORT + 1
# sending every MS ms (once for 0), until /tmp/talk-stop exists.
talk() {
	rm -f /tmp/talk-stop
	sv python3 "$peer" talk-back 10.0.2.2 "$1" - - 5 /tmp/talk-stop \
		> /tmp/talk-server 2> /dev/null &
	talkers=$!
	listening server -u "$1"
	cl python3 "$peer" talk 10.0.1.2 $(($1 + 1)) 10.0.2.2 "$1" "$2" \
		/tmp/talk-stop > /tmp/talk-client 2> /dev/null &
	talkers="$talkers $!"
	check "two-way UDP on port $1 under way" await 100 replied $(($1 + 1)) 10
}
# shellcheck disable=SC2086
talked() { touch /tmp/talk-stop; wait $talkers; }
talk 7400 20
chain0=$(drop chain)
for i in $(seq 10); do
	[ $((i % 2)) -eq 1 ] && new=forward || new="fw1 forward"
	[ $((i % 2)) -eq 1 ] && want=none || want=fw1
	# shellcheck disable=SC2086
	nfvctl chain set dp0 dev r0 $new
	await 100 owned 7401 "$want" ||
		fail "replacement $i: the flow is '$(owner 7401)', not '$want'"
done
passed "10 replacements: the flow moved to each new chain in turn"
talked
read -r s_sent s_got < /tmp/talk-server
read -r c_sent c_got < /tmp/talk-client
check_eq "the server's datagrams all reached the client" "$c_got" "$s_sent"
check_eq "the client's all reached the server" "$s_got" "$c_sent"
check_eq "none dropped by a chain" "$(($(drop chain) - chain0))" 0

# Swaps quicker than the replies, step by step, as the bench's swap phase
# meets them at random: forward alone replaces fw1 and the client's
# datagram makes a flow of forward, which carries no NF state; fw1 comes
# back before the server answers, and the answer must still take the
# decision of the chain that made its flow (forward), not meet fw1 on r1
# as a new connection. One process holds a socket in each namespace, so
# each step happens in its order. Prints the answers the client got.
swap_steps() {
	python3 - "$NFVCTL" "$1" <<-'EOF'
	import ctypes, os, socket, subprocess, sys
	nfvctl, rounds = sys.argv[1], int(sys.argv[2])
	libc = ctypes.CDLL(None, use_errno=True)
	def sock(ns, addr, port):
	    fd = os.open("/run/netns/" + ns, os.O_RDONLY)
	    if libc.setns(fd, 0x40000000):  # CLONE_NEWNET
	        sys.exit("setns " + ns)
	    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	    s.bind((addr, port))
	    s.settimeout(10)
	    return s
	c, s = sock("client", "10.0.1.2", 7405), sock("server", "10.0.2.2", 7404)
	def chain(*nfs):
	    subprocess.run([nfvctl, "-n", "router", "chain", "set", "dp0",
	                    "dev", "r0", *nfs], check=True)
	got = 0
	for i in range(rounds):
	    chain("forward")
	    c.sendto(b"q", ("10.0.2.2", 7404))
	    peer = s.recvfrom(64)[1]
	    chain("fw1", "forward")
	    s.sendto(b"r", peer)
	    c.settimeout(1)
	    try:
	        c.recv(64)
	        got += 1
	    except socket.timeout:
	        pass
	print(got)
	EOF
}
chain0=$(drop chain)
check_eq "5 answers after quick swaps: each takes its flow's chain" \
	"$(swap_steps 5)" 5
check_eq "none dropped by a chain" "$(($(drop chain) - chain0))" 0

# A superseded flow whose client stays silent keeps its replies for the
# drain period (2 to 6 s), then goes, so the chain in place decides the
# connection again: here fw1 on r1, which drops the server's datagrams.
# The replies the flow counted, read in the batch that replaces the
# chain, against those the client got: the rest passed after the
# replacement (a flush left none to pass), some 400 at one each 5 ms.
talk 7402 0
n=$(printf '%s\n' "flow show dp0" "chain set dp0 dev r0 forward" |
	nfvctl -j -b - | jq -s '[.[] | arrays | .[] |
		select(.orig.sport == 7403) | .reply.packets] | add')
check "the flow goes within the drain period" await 100 no_flow 7403
chain0=$(drop chain)
check "then the server's datagrams meet fw1 on r1 as new and are dropped" \
	await 50 chain_drops_over "$chain0"
talked
read -r c_sent c_got < /tmp/talk-client
check_ge "its replies passed meanwhile" $((c_got - n)) 100
nfvctl chain set dp0 dev r0 fw1 forward
