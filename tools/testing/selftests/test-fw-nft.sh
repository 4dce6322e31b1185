#!/bin/bash
# nftables' rule language, as nf-fw.rst's migration example writes it:
# the lines of an nft forward chain (iifname, ip saddr/daddr, tcp dport,
# anonymous sets, !=, icmp type names, tcp flags, counter, reject with
# tcp reset)
# load unchanged with nfvctl fw load, and the same traffic meets the same
# verdicts through the datapath's firewall and through nftables itself
# (the router's kernel forwarding with the lines in an nft chain).
# debug: skip nfvctl's syntax makes ordinary rules; the debug kernel has no nft reject
. "$(dirname "$0")/lib.sh"

fw_setup
# r0 is the inside (lan0 in nf-fw.rst), r1 the outside (wan0); the client
# 10.0.1.2 plays the inside server 192.0.2.10.
cat > /tmp/nft-lines <<'EOF'
ct state established,related accept
ct state invalid drop
iifname "r0" ct state new accept
iifname "r1" ip saddr != 10.0.2.0/24 drop
iifname "r1" tcp dport 7022 tcp flags ack / syn,ack drop
iifname "r1" ip daddr 10.0.1.2 tcp dport { 7022, 7443 } ct state new accept
iifname "r1" icmp type echo-request accept
iifname "r1" tcp dport 7025 tcp flags & (syn | ack) == syn reject with tcp reset
iifname "r1" ip saddr != 10.9.0.0/16 tcp dport 7080 reject with tcp reset
iifname "r1" udp dport != 7053 counter accept
EOF
{ echo "policy drop"; cat /tmp/nft-lines; } > /tmp/fw.rules

# Servers on both sides, for the two rounds: one process per side
# answers "up" on every port, as starting a process costs a second in a
# loaded VM. Every TCP port the outside tries to reach has a listener,
# so a reset can only come from the firewall.
SERVE='
import selectors, socket, sys
sel = selectors.DefaultSelector()
for spec in sys.argv[1:]:
    kind = socket.SOCK_STREAM if spec[0] == "t" else socket.SOCK_DGRAM
    s = socket.socket(socket.AF_INET, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("", int(spec[1:])))
    if spec[0] == "t":
        s.listen(16)
    sel.register(s, selectors.EVENT_READ, spec[0])
while True:
    for key, _ in sel.select():
        if key.data == "t":
            c, _ = key.fileobj.accept()
            c.sendall(b"up\n")
            c.close()
        else:
            _, peer = key.fileobj.recvfrom(64)
            key.fileobj.sendto(b"up\n", peer)
'
pids=()
servers() {
	timeout 120 ip netns exec client python3 -c "$SERVE" \
		t7022 t7443 t7025 t7080 u7053 u7054 &
	pids+=($!)
	timeout 120 ip netns exec server python3 -c "$SERVE" t7000 &
	pids+=($!)
	listening client -u 7054
	listening server -t 7000
}
stop_servers() {
	kill "${pids[@]}" 2>/dev/null || true
	wait "${pids[@]}" 2>/dev/null || true
	pids=()
}

tcp_answer() {
	in_ns "$1" socat -t10 -T10 - "TCP:$2,connect-timeout=5" < /dev/null
}
# tcp_reset NS ADDR:PORT: the connection is refused at once.
tcp_reset() {
	local err
	err=$(in_ns "$1" socat -T2 - "TCP:$2,connect-timeout=2" < /dev/null 2>&1) &&
		{ echo "tcp_reset: $2 answered" >&2; return 1; }
	grep -q "refused" <<<"$err" || { echo "tcp_reset: $2: $err" >&2; return 1; }
}

# verdicts WHO: the traffic, and what each rule lets through.
verdicts() {
	local who=$1

	check_eq "$who: the inside opens a connection" \
		"$(tcp_answer client 10.0.2.2:7000)" up
	check_eq "$who: dport { 7022, 7443 }: 7022 let in (its SYN has no ACK)" \
		"$(tcp_answer server 10.0.1.2:7022)" up
	check_eq "$who: dport { 7022, 7443 }: 7443 let in" \
		"$(tcp_answer server 10.0.1.2:7443)" up
	check "$who: 7023, in no set, meets the drop policy" \
		tcp_unanswered server TCP:10.0.1.2:7023
	check "$who: icmp type echo-request let in" \
		sv ping -q -c1 -W5 10.0.1.2
	check "$who: a SYN without ACK: reject with tcp reset" \
		tcp_reset server 10.0.1.2:7025
	check "$who: saddr != 10.9.0.0/16 matched 10.0.2.2: reset" \
		tcp_reset server 10.0.1.2:7080
	check_eq "$who: udp dport != 7053: 7054 let in" \
		"$(echo q | sv socat -t2 -T5 - UDP:10.0.1.2:7054)" up
	check_eq "$who: udp dport != 7053: 7053 meets the drop policy" \
		"$(echo q | sv socat -T2 - UDP:10.0.1.2:7053 || true)" ""
}

nfvctl fw load dp0 fw1 /tmp/fw.rules
# 10 lines, 50 rules: != 10.0.2.0/24 is 24 prefixes, != 10.9.0.0/16 16,
# the set two rules, != 7053 two ranges. Rule 28 is the set's 7022.
check_eq "the lines became rules" \
	"$(nfvctl -j fw show dp0 | jq '.[0].rules')" $((3 + 24 + 1 + 2 + 1 + 1 + 16 + 2))
servers
verdicts nfv
check_gt "the set's rules counted" "$(rule_packets 28)" 0
check_eq "tcp flags lists as the kernel holds it" \
	"$(nfvctl -j fw rule list dp0 fw1 | jq -c '[.[27].tcp_flags, .[27].packets]')" \
	'["ack/syn,ack",0]'
stop_servers

# The same lines in nftables, the router's own forwarding in place of
# the datapath.
nfvctl dp del dp0
rt sysctl -qw net.ipv4.ip_forward=1
{
	echo "table inet filter {"
	echo "chain forward {"
	echo "type filter hook forward priority 0; policy drop;"
	cat /tmp/nft-lines
	echo "}"
	echo "}"
} | rt nft -f -
servers
verdicts nftables
stop_servers
