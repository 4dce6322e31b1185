#!/bin/bash
# A 10,000-rule set replaces the running one, again and again, while a
# stream runs through the firewall and new connections are opened: the
# stream, on the fast path, loses nothing, and every connection's SYN,
# which the rules judge, meets a whole rule set. Then the zone
# limits: flows and half-open connections beyond them are refused, and
# room comes back when flows go.
# debug: kmemleak
. "$(dirname "$0")/lib.sh"

fw_setup

# rules FILE SALT: the usual three rules with 10,000 others that match
# nothing here between the state rules and the one that admits the inside.
rules() {
	{
		echo "policy drop"
		echo "ct state established,related accept"
		echo "ct state invalid drop"
		awk -v s="$2" 'BEGIN { for (i = 0; i < 10000; i++)
			printf "dst 192.%d.%d.%d/32 proto tcp dport %d drop\n",
			       s, i / 256, i % 256, 1 + i % 1000 }'
		echo "in-port 1 ct state new accept"
	} > "$1"
}
rules /tmp/rules-a 168
rules /tmp/rules-b 169
nfvctl fw load dp0 fw1 /tmp/rules-a
check_eq "10,003 rules loaded" "$(nfvctl -j fw show dp0 | jq '.[0].rules')" 10003
check_eq "the last rule is the one that admits the inside" \
	"$(nfvctl fw rule list dp0 fw1 | tail -n 1 | cut -d'#' -f1)" \
	"10002: in-port 1 (r0) ct state new accept  "

# The stream: 40 x 100 kB over about 8 s, or a minute and more on the
# debug kernel, where each process the loop starts costs a third of a
# second and the loads beside it take the CPU. The time limits of the
# client and the servers only end them if the test dies: six loads of
# 10,000 rules took over 60 s on the debug kernel, and a client or
# server killed early fails the test for nothing.
timeout 300 ip netns exec server socat -u TCP-LISTEN:7300,reuseaddr - |
	wc -c > /tmp/received &
listening server -tu 7300
{ for i in $(seq 40); do head -c 100000 /dev/zero; sleep 0.2; done; } |
	cl timeout 300 socat -u - TCP:10.0.2.2:7300 &
sleep 1

# Connections opened one after another while the loads run, until at
# least six loads and six connections are done: each meets whichever set
# is in place as its SYN arrives. A load is swapped in whole, so every
# SYN meets the rule that admits the inside (the last of 10,003, which a
# rule set published part by part would lack), and none is dropped by the
# policy: a SYN that was would still connect on its retransmission, so
# the policy counter tells, not the connections alone. -t30: the client
# sends nothing, and socat's default of 0.5 s after its end is less than
# a slow VM takes to start the shell that answers.
timeout 300 ip netns exec server socat -T30 -t30 TCP-LISTEN:7301,reuseaddr,fork \
	SYSTEM:'echo up' &
listening server -tu 7301
connect_loop() {
	while [ ! -e /tmp/loads-done ]; do
		if [ "$(cl socat -t30 -T30 - TCP:10.0.2.2:7301 < /dev/null)" = up ]
		then
			echo ok
		else
			echo failed
		fi >> /tmp/conns
	done
}
rm -f /tmp/loads-done /tmp/conns
touch /tmp/conns
policy=$(fw_stat policy)
connect_loop &
loop=$!
loads=0
until [ $loads -ge 6 ] && [ "$(wc -l < /tmp/conns)" -ge 6 ]; do
	[ $loads -lt 60 ] || fail "$(wc -l < /tmp/conns) connections in 60 loads"
	loads=$((loads + 1))
	[ $((loads % 2)) -eq 1 ] && f=/tmp/rules-b || f=/tmp/rules-a
	nfvctl fw load dp0 fw1 "$f"
done
touch /tmp/loads-done
wait $loop
echo "$(wc -l < /tmp/conns) connections during $loads loads"
check_eq "no connection failed during the loads" \
	"$(grep -c failed /tmp/conns)" 0
check_eq "no packet met the policy during the loads" \
	"$(fw_stat policy)" "$policy"
# The client, then the server's count: the server ends after the client
# closes, and with loads that end before the stream does, the count was
# read before wc wrote it.
wait %2 %1
check_eq "the stream arrived whole" "$(cat /tmp/received)" 4000000
kill %3 2>/dev/null || true
wait || true

# Zone limits: at most 3 flows.
nfvctl fw load dp0 fw1 - <<'RULES'
policy drop
ct state established,related accept
in-port 1 ct state new accept
RULES
nfvctl fw set dp0 fw1 zone-max-flows 3
nfvctl flow flush dp0
for p in 4001 4002 4003 4004 4005; do
	echo x | cl socat -u - UDP:10.0.2.2:9,sourceport=$p
done
check_eq "flows at the zone limit" "$(nflows)" 3
check_eq "the others refused" "$(fw_stat zone_full)" 2
nfvctl flow flush dp0
echo x | cl socat -u - UDP:10.0.2.2:9,sourceport=4006
check_eq "room again once the flows went" "$(nflows)" 1

# At most 2 half-open connections: SYNs to a host that never answers.
nfvctl fw set dp0 fw1 zone-max-flows 0 zone-max-half-open 2
nfvctl flow flush dp0
for p in 1 2 3 4; do
	cl socat -T2 - TCP:10.0.2.99:80,connect-timeout=2 < /dev/null \
		> /dev/null 2>&1 &
done
refused_two() { [ "$(fw_stat half_open_full)" -ge 2 ]; }
check "the other SYNs refused" await 150 refused_two
check_eq "half-open flows at the limit" "$(nflows)" 2
wait || true

# A handshake half done is half-open too: a SYN from an address nobody
# has and a forged SYN/ACK from a host that does not exist leave the flow
# in SYN_RECV, the ACK never coming.
nfvctl fw set dp0 fw1 zone-max-half-open 1
nfvctl flow flush dp0
craft client tcp 10.0.1.99 10.0.2.99 5555 80 S 1000
craft server tcp 10.0.2.99 10.0.1.99 80 5555 SA 7000 1001
syn_recv() { [ "$(fw_tcp_state 5555)" = SYN_RECV ]; }
check "the handshake is half done" await 100 syn_recv
full=$(fw_stat half_open_full)
craft client tcp 10.0.1.99 10.0.2.99 5556 80 S 2000
refused_one() { [ "$(fw_stat half_open_full)" -gt "$full" ]; }
check "a SYN beyond the half-open limit is refused" await 50 refused_one
check_eq "SYN_RECV counted: one flow" "$(nflows)" 1
