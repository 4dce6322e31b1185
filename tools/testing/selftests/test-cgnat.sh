#!/bin/bash
# The CGNAT NF (nfv_cgnat.ko) between subscribers of 100.64.0.0/10 and
# servers outside, pool 198.51.100.0/30, blocks of 8 ports, 2 a
# subscriber (then cg2, pool 198.51.100.4/30, filtering address):
#
#   inside i0 ──── r0 router r1 ──── o0 outside
#   100.64.0.2-5   100.64.0.1 203.0.113.1   203.0.113.2, .3 servers,
#                                         .4 a third host
#
# The outside has no route to 100.64.0.0/10: only translated packets get
# answers. TCP and UDP cross; one inside address:port is one public
# address:port to both servers (endpoint-independent mapping); each
# subscriber's mappings use one public address (paired pooling) and ports
# of its blocks; a third host reaches a live mapping (endpoint-independent
# filtering), nobody reaches a port no mapping holds; a subscriber reaches
# another's mappings through their public address:port, seen from its own
# (hairpinning, UDP and TCP); static mappings reach an inside server from
# any host and carry its outbound flows from that port; an excluded
# destination sees the inside address; ping crosses; a
# subscriber out of ports gets ICMP administratively prohibited, counted,
# while a new subscriber still gets through; with address-dependent
# filtering only the hosts a mapping sent to reach it, a subscriber's
# hairpin included, which gets in once the target's mapping sent to the
# sender's public address. A fragmented datagram crosses. Flows get the
# instance's timeouts (udp, tcp-established, tcp-transitory once closed,
# icmp), which refuses values under the RFC floors, also with the
# firewall after the NAT in the chain. ICMP errors cross
# back, translated: time exceeded from the datapath and from a hop
# beyond, fragmentation needed (slow and fast path), port unreachable.
# Configurations fuzzed, each taken or refused with a message; malformed
# frames through the NAT dropped, counted, translated ones checksummed.
# An instance with static mappings replaced under traffic, a mapping
# changed, and the old one deleted: the forward keeps working, the change
# takes effect, nothing of the old instance is left. Past 256 mappings
# the mapping hashes grow, and EIM and EIF still find every mapping.
# debug: kmemleak
# timeout: 900
. "$(dirname "$0")/lib.sh"

PEER=$top/tools/testing/selftests/cgnat-peer.py
peer() { local ns=$1; shift; in_ns "$ns" python3 "$PEER" "$@"; }
A=100.64.0.2 B=100.64.0.3 C=100.64.0.4 D=100.64.0.5 E=100.64.0.6
S1=203.0.113.2 S2=203.0.113.3 S3=203.0.113.4

rm -f /tmp/serve.err /tmp/recv /tmp/recv.err /tmp/recv2 /tmp/recv2.err \
	/tmp/hp /tmp/hp.err /tmp/hp2 /tmp/hp2.err /tmp/st /tmp/st.err \
	/tmp/ex /tmp/ex.err /tmp/recv3 /tmp/recv3.err
need veth
nfv_cgnat_load
cgnat_netns 198.51.100.0/29 $A $B $C $D $E -- $S1 $S2 $S3
nfvctl -b - <<-EOF
	dp add dp0 timeout udp 600
	port add dp0 dev r0
	port add dp0 dev r1
	cgnat add dp0 cg1 pool 198.51.100.0/30 block-size 8 max-blocks 2 timeout udp 150 tcp-transitory 300
	chain set dp0 dev r0 cg1 forward
	chain set dp0 dev r1 cg1 forward
	EOF

# Configurations the instance refuses, naming the attribute.
expect_fail "pool overlaps the inside prefix" \
	nfvctl cgnat add dp0 bad pool 100.64.1.0/24
expect_fail "block size must divide 64512" \
	nfvctl cgnat add dp0 bad pool 192.0.2.0/24 block-size 1000
expect_fail "pools overlap" \
	nfvctl cgnat add dp0 bad pool 192.0.2.0/24 pool 192.0.2.128/25
expect_fail "udp timeout under 120 s (RFC 4787 REQ-5)" \
	nfvctl cgnat add dp0 bad pool 192.0.2.0/24 timeout udp 119
expect_fail "tcp-established timeout under 7440 s (RFC 5382 REQ-5)" \
	nfvctl cgnat add dp0 bad pool 192.0.2.0/24 timeout tcp-established 7439
expect_fail "static mapping's public port must be 1-1023" \
	nfvctl cgnat add dp0 bad pool 192.0.2.0/24 static tcp $E:80 192.0.2.1:2000
expect_fail "static mapping's public address is in no pool" \
	nfvctl cgnat add dp0 bad pool 192.0.2.0/24 static tcp $E:80 192.0.3.1:80
expect_fail "exclude overlaps a pool" \
	nfvctl cgnat add dp0 bad pool 192.0.2.0/24 exclude 192.0.2.128/25
expect_fail "two static mappings of one public address:port" \
	nfvctl cgnat add dp0 bad pool 192.0.2.0/24 static udp $E:53 192.0.2.1:53 \
		static udp $D:53 192.0.2.1:53
check_eq "show has the timeouts, set and default" \
	"$(nfvctl -j cgnat show dp0 cg1 |
		jq -r '[.[0].timeouts | to_entries[] | "\(.key)=\(.value)"] | sort | join(" ")')" \
	"icmp=60 tcp_established=7440 tcp_transitory=300 udp=150"
expect_fail 'no CGNAT instance "nosuch" in datapath dp0' \
	nfvctl cgnat show dp0 nosuch

timeout 900 nsenter --net=/run/netns/outside python3 "$PEER" serve $S1 $S2 \
	2> /tmp/serve.err &
await 100 grep -q ready /tmp/serve.err || fail "the servers did not start"

mappings() { nfvctl -j cgnat mappings dp0 cg1; }
# mapping PROTO INSIDE PORT: "public:port" of that mapping.
mapping() {
	mappings | jq -r ".[] | select(.proto == \"$1\" and .inside == \"$2\"
		and .inside_port == $3) | \"\(.public):\(.public_port)\""
}
# cg_stat NAME [INSTANCE]: a counter of cg1 or INSTANCE.
cg_stat() { num "$(nfvctl -j cgnat show dp0 "${2:-cg1}")" "\"$1\":([0-9]+)"; }
in_pool() { [[ $1 =~ ^198\.51\.100\.[0-3]:[0-9]+$ ]]; }

# UDP, and endpoint-independent mapping: A:5000 to both servers.
out=$(peer inside ask $A 5000 1 $S1:7000 $S2:7000)
seen1=$(sed -n 1p <<<"$out" | cut -d' ' -f2)
seen2=$(sed -n 2p <<<"$out" | cut -d' ' -f2)
check "UDP crosses, from a pool address ($seen1)" in_pool "$seen1"
check_eq "EIM: the second server sees the same public address:port" \
	"$seen2" "$seen1"
check_eq "which is A:5000's mapping" "$(mapping udp $A 5000)" "$seen1"
check_eq "used by both flows" \
	"$(mappings | jq ".[] | select(.inside == \"$A\") | .flows")" 2
# flow_tmo PROTO SRC SPORT: the timeout_ms of the flow from SRC:SPORT.
flow_tmo() {
	nfvctl -j flow show dp0 | jq ".[] | select(.proto == \"$1\" and
		.orig.src == \"$2\" and .orig.sport == $3) | .timeout_ms"
}
check_eq "its UDP flows have the instance's timeout, not the datapath's" \
	"$(flow_tmo udp $A 5000 | sort -u)" 150000

# TCP, and paired pooling: B's TCP and UDP mappings, one public address.
tcp=$(peer inside ask -t $B 5100 1 $S1:7001 | cut -d' ' -f2)
check "TCP crosses, from a pool address ($tcp)" in_pool "$tcp"
check_eq "which is B:5100's mapping" "$(mapping tcp $B 5100)" "$tcp"
# The connection closed: its FINs moved it to tcp-transitory.
transitory() { [ "$(flow_tmo tcp $B 5100)" = 300000 ]; }
check "a closed TCP flow has the instance's tcp-transitory timeout" \
	await 100 transitory
out=$(peer inside ask $B 5101 4 $S2:7000)
check_eq "B's UDP flows from four ports" \
	"$(grep -c ' 198\.51\.100\.' <<<"$out")" 4
check_eq "paired pooling: B's five mappings use one public address" \
	"$(mappings | jq -c "[.[] | select(.inside == \"$B\") | .public] | unique")" \
	"[\"${tcp%:*}\"]"
# Ports 1024-65535 in blocks of 8: B's five ports lie in one block.
check_eq "B's ports lie in one block of 8" \
	"$(mappings | jq -c "[.[] | select(.inside == \"$B\") |
		select(.public_port >= 1024) | (.public_port - 1024) / 8 | floor] |
		[length, (unique | length)]")" "[5,1]"
check_eq "show counts the subscribers and mappings" \
	"$(nfvctl -j cgnat show dp0 cg1 | jq -c '.[0] | [.subscribers, .mappings,
		(.pools[0] | .subscribers, .blocks_used)]')" "[2,6,2,2]"
# A TCP connection held open from A (port 7002 never answers):
# established once the SYN was answered; closed, transitory.
timeout 100 nsenter --net=/run/netns/inside bash -c \
	"exec 3<>/dev/tcp/$S2/7002 && read -t 90 -u 3" &
held=$!
held_tmo() {
	[ "$(nfvctl -j flow show dp0 | jq '.[] | select(.proto == "tcp" and
		.orig.dport == 7002) | .timeout_ms')" = "$1" ]
}
check "an open TCP flow has the instance's tcp-established timeout" \
	await 100 held_tmo 7440000
kill $held
check "and tcp-transitory once closed" await 100 held_tmo 300000

# Endpoint-independent filtering: a third host reaches A's mapping.
timeout 120 nsenter --net=/run/netns/inside python3 "$PEER" recv $A 5000 \
	> /tmp/recv 2> /tmp/recv.err &
await 100 grep -q ready /tmp/recv.err || fail "the receiver did not start"
peer outside send $S3 9999 "${seen1%:*}" "${seen1#*:}"
await 100 test -s /tmp/recv
check_eq "EIF: a third host reaches A:5000 through its mapping" \
	"$(cat /tmp/recv)" "from $S3:9999"
check_eq "counted inbound" "$(cg_stat in)" 1
# Port 1023 is never mapped: nobody reaches it.
no_mapping() { [ "$(cg_stat no_mapping)" = 1 ]; }
peer outside send $S3 9999 "${seen1%:*}" 1023
check "a port no mapping holds is dropped, counted" await 100 no_mapping

# Hairpinning (RFC 4787 REQ-9, RFC 5382 REQ-8): A reaches B's UDP mapping
# B:5101 (it sent to S2) at its public address:port, and B sees A's own
# mapping as the sender, as an outside host would; both directions of the
# flow after its first packet on the fast path; then TCP to B:5100's.
hb=$(mapping udp $B 5101)
timeout 120 nsenter --net=/run/netns/inside python3 "$PEER" echo $B 5101 3 \
	> /tmp/hp 2> /tmp/hp.err &
await 100 grep -q ready /tmp/hp.err || fail "the hairpin receiver did not start"
fast0=$(stat fast_packets)
out=$(peer inside talk $A 5600 "${hb%:*}" "${hb#*:}" 3 | sort -u)
check "hairpin: A's datagrams reach B and B's answers reach A ($out)" \
	in_pool "$out"
check_eq "B sees A:5600's mapping as their source" "$out" \
	"$(mapping udp $A 5600)"
check_eq "three times" "$(sort -u /tmp/hp)" "from $out"
check_eq "one flow, both addresses rewritten: its replies B -> A's mapping" \
	"$(nfvctl -j flow show dp0 | jq -r '.[] | select(.orig.src == "'$A'" and
		.orig.sport == 5600) | "\(.reply.src):\(.reply.sport) \(.reply.dst)"')" \
	"$B:5101 ${out%:*}"
# A's second and third datagrams, and B's answers after the first (the
# slow path's, which assures the flow): A alone could make only two.
check_ge "both directions on the fast path after their first packet" \
	"$(($(stat fast_packets) - fast0))" 4
timeout 120 nsenter --net=/run/netns/inside python3 "$PEER" echo -t $B 5100 1 \
	> /tmp/hp2 2> /tmp/hp2.err &
await 100 grep -q ready /tmp/hp2.err || fail "the hairpin listener did not start"
out=$(peer inside ask -t $A 5601 1 "$tcp" | cut -d' ' -f2)
check_eq "hairpin: TCP from A to B:5100's mapping, from A's mapping" \
	"$out" "$(mapping tcp $A 5601)"
await 100 test -s /tmp/hp2
check_eq "as B's listener saw it" "$(cat /tmp/hp2)" "from $out"
check_eq "counted as hairpinned" "$(cg_stat hairpin)" 2

# ICMP echo: the query id is mapped from A's address, too.
check "ping crosses" in_ns inside ping -c1 -W10 -I $A $S1
check_eq "its flow has the instance's icmp timeout" \
	"$(nfvctl -j flow show dp0 | jq '.[] | select(.proto == "icmp" and
		.orig.src == "'$A'") | .timeout_ms')" 60000
check_eq "from A's public address" \
	"$(mappings | jq -r ".[] | select(.proto == \"icmp\" and .inside == \"$A\") | .public")" \
	"${seen1%:*}"

# Fragments (the core's fragment table): A sends a datagram of 3000
# bytes, which its stack cuts in three; the later two, without ports,
# follow the first through A:5900's mapping, and the server answers the
# datagram it put together.
out=$(peer inside ask -s 3000 $A 5900 1 $S1:7000)
check_eq "a fragmented datagram crosses, through A:5900's mapping" \
	"$out" "5900 $(mapping udp $A 5900)"

# Exhaustion: C's two blocks hold 16 ports; the 17th mapping is refused
# with ICMP destination unreachable, administratively prohibited (3/13).
out=$(peer inside ask $C 6000 17 $S1:7000)
check_eq "C gets 16 mappings" "$(grep -c ' 198\.51\.100\.' <<<"$out")" 16
check_eq "the 17th gets ICMP administratively prohibited" \
	"$(sed -n 17p <<<"$out")" "6016 icmp 3 13"
check_eq "counted as no port" "$(cg_stat no_port)" 1
check_eq "C has two blocks" \
	"$(mappings | jq "[.[] | select(.inside == \"$C\") |
		(.public_port - 1024) / 8 | floor] | unique | length")" 2
out=$(peer inside ask $D 7000 1 $S1:7000)
check "another subscriber still gets through" in_pool "${out#* }"
check_eq "and A's mapping still works" \
	"$(peer inside ask $A 5000 1 $S2:7000 | cut -d' ' -f2)" "$seen1"

# ICMP errors through the NAT (RFC 5508), each delivered only if it
# quotes what the inside host sent. Traceroute's first hop is the
# datapath (an error the core makes); the second the outside namespace,
# which routes 192.0.2.0/24 back to the datapath (an error to the
# public address, translated back by the core).
out=$(in_ns inside ping -c1 -W10 -t1 -I $A $S1 2>&1 || true)
check "TTL 1: time exceeded from the datapath, about A's own ping" \
	grep -q "From 100\.64\.0\.1 .*Time to live exceeded" <<<"$out"
in_ns outside sysctl -qw net.ipv4.ip_forward=1
ip -n outside route add 192.0.2.0/24 via 203.0.113.1
rt ip route add 192.0.2.0/24 via $S1
out=$(in_ns inside ping -c1 -W10 -t2 -I $A 192.0.2.1 2>&1 || true)
check "TTL 2: time exceeded from the router beyond, translated back" \
	grep -q "From $S1 .*Time to live exceeded" <<<"$out"
# DF set over the outside link's MTU: fragmentation needed, for a ping
# (its first packet, slow path) and for each of three UDP datagrams of
# one flow (the later ones on the fast path; IP_PMTUDISC_PROBE, as the
# host would refuse them itself once it learnt the MTU).
rt ip link set r1 mtu 1280
out=$(in_ns inside ping -c1 -W10 -M do -s 1400 -I $A $S1 2>&1 || true)
check "DF ping over MTU 1280: fragmentation needed, mtu 1280" \
	grep -q "mtu = 1280" <<<"$out"
fast0=$(stat fast_packets)
check_eq "and for every UDP datagram over it" \
	"$(peer inside probe $B 5400 $S1 7000 3 1400 | uniq -c | xargs)" \
	"3 icmp 3 4 mtu 1280"
check_ge "two of them on the fast path" "$(($(stat fast_packets) - fast0))" 2
rt ip link set r1 mtu 1500
# A connected UDP socket to a closed port: the port unreachable comes
# back translated, ECONNREFUSED.
check_eq "UDP to a closed port: port unreachable reaches the socket" \
	"$(peer inside ask $B 5300 1 $S1:7999)" "5300 icmp 3 3"
check_eq "no packet dropped as pending or malformed" \
	"$(drop pending) $(drop malformed)" "0 0"

# Two NFs that set timeouts and TCP traps, cgt (udp 200) then the
# firewall fwt, for new flows: the flows cgt translates keep cgt's
# timeouts, not the firewall's (udp-unreplied 30 s, tcp-established
# 5 days, its closing states), whichever NF comes last; the firewall,
# which asks for every segment of a handshake, still sees the
# connection open (its assured flow) and close.
nfv_fw_load
ip -n outside route add 198.51.100.12/30 via 203.0.113.1
nfvctl -b - <<-EOF
	fw add dp0 fwt policy drop
	fw rule add dp0 fwt ct state established,related accept
	fw rule add dp0 fwt in-port r0 ct state new accept
	cgnat add dp0 cgt pool 198.51.100.12/30 timeout udp 200
	chain set dp0 dev r0 cgt fwt forward
	chain set dp0 dev r1 cgt fwt forward
	EOF
check_eq "cgt then fwt: UDP crosses" \
	"$(peer inside ask $C 5400 1 $S1:7000 | cut -d' ' -f2 | cut -d: -f1 |
		cut -d. -f1-3)" 198.51.100
check_eq "the UDP flow has cgt's timeout, not the firewall's" \
	"$(flow_tmo udp $C 5400)" 200000
timeout 100 nsenter --net=/run/netns/inside bash -c \
	"exec 3<>/dev/tcp/$S1/7002 && read -t 90 -u 3" &
held=$!
held_tmo() {
	[ "$(nfvctl -j flow show dp0 | jq '.[] | select(.proto == "tcp" and
		.orig.dst == "'$S1'" and .orig.dport == 7002) |
		.timeout_ms')" = "$1" ]
}
check "an open TCP flow has cgt's tcp-established timeout" \
	await 100 held_tmo 7440000
kill $held
check "and cgt's tcp-transitory once closed" await 100 held_tmo 240000
check_eq "the firewall dropped nothing as invalid" \
	"$(nfvctl -j fw show dp0 | jq '.[] | select(.name == "fwt") |
		.stats.invalid // 0')" 0

# Address-dependent filtering, instance cg2 in place of cg1 for new flows:
# A:5200 sends to S1; the third host is dropped, counted; S1 reaches the
# mapping from another port. Static mappings of E's reach it from any host.
# The third host is excluded: the inside reaches it untranslated.
nfvctl -b - <<-EOF
	cgnat add dp0 cg2 pool 198.51.100.4/30 filtering address static tcp $E:8080 198.51.100.7:80 static udp $E:7000 198.51.100.7:53 exclude $S3/32
	chain set dp0 dev r0 cg2 forward
	chain set dp0 dev r1 cg2 forward
	EOF
adf=$(peer inside ask $A 5200 1 $S1:7000 | cut -d' ' -f2)
in_cg2() { [[ $1 =~ ^198\.51\.100\.[4-7]:[0-9]+$ ]]; }
check "filtering address: UDP crosses, from cg2's pool ($adf)" in_cg2 "$adf"
timeout 120 nsenter --net=/run/netns/inside python3 "$PEER" recv $A 5200 \
	> /tmp/recv2 2> /tmp/recv2.err &
await 100 grep -q ready /tmp/recv2.err || fail "the receiver did not start"
peer outside send $S3 9999 "${adf%:*}" "${adf#*:}"
filtered() { [ "$(cg_stat filtered cg2)" = 1 ]; }
check "ADF: the third host is dropped, counted" await 100 filtered
# A hairpin is filtered as an outside host: B's public address is not
# one A:5200 sent to.
peer inside send $B 5700 "${adf%:*}" "${adf#*:}"
filtered() { [ "$(cg_stat filtered cg2)" = 2 ]; }
check "ADF: a hairpin from B is dropped, counted" await 100 filtered
peer outside send $S1 9998 "${adf%:*}" "${adf#*:}"
await 100 test -s /tmp/recv2
check_eq "the server A sent to reaches it from another port" \
	"$(cat /tmp/recv2)" "from $S1:9998"
# Hairpinning under ADF, both ways (RFC 5128 hole punching): B:5800
# talks to S1; A:5200 sends to B's mapping, which never sent to A's
# public address: dropped. A's mapping has sent to B's public address
# now, so B's datagram to A's mapping gets in, from B's.
# A's receiver starts meanwhile: a process start is most of the cost.
bpub=$(peer inside ask $B 5800 1 $S1:7000 | cut -d' ' -f2)
check "B:5800's mapping, in cg2's pool ($bpub)" in_cg2 "$bpub"
peer inside send $A 5200 "${bpub%:*}" "${bpub#*:}"
timeout 120 nsenter --net=/run/netns/inside python3 "$PEER" recv $A 5200 \
	> /tmp/recv3 2> /tmp/recv3.err &
filtered() { [ "$(cg_stat filtered cg2)" = 3 ]; }
check "ADF: A's hairpin to B's mapping is dropped, counted" await 100 filtered
await 100 grep -q ready /tmp/recv3.err || fail "the receiver did not start"
peer inside send $B 5800 "${adf%:*}" "${adf#*:}"
check_eq "ADF: B's hairpin to A's mapping, which sent to B's address, gets in" \
	"$(await 100 test -s /tmp/recv3; cat /tmp/recv3)" "from $bpub"

# Static mappings (port forwards): the third host, which E never sent to,
# connects to 198.51.100.7:80 and reaches E's server on 8080, seen from
# its own address; E's UDP from port 7000 leaves as 198.51.100.7:53.
check_eq "show lists the static mappings" \
	"$(nfvctl -j cgnat show dp0 cg2 | jq -c '[.[0].statics[] |
		"\(.proto) \(.inside):\(.inside_port) \(.public):\(.public_port)"]')" \
	"[\"tcp $E:8080 198.51.100.7:80\",\"udp $E:7000 198.51.100.7:53\"]"
timeout 120 nsenter --net=/run/netns/inside python3 "$PEER" echo -t $E 8080 1 \
	> /tmp/st 2> /tmp/st.err &
await 100 grep -q ready /tmp/st.err || fail "the static mapping's server did not start"
check_eq "static: a host outside reaches E:8080 at 198.51.100.7:80" \
	"$(peer outside ask -t $S3 9100 1 198.51.100.7:80)" "9100 $S3:9100"
await 100 test -s /tmp/st
check_eq "which saw it from its own address" "$(cat /tmp/st)" "from $S3:9100"
check_eq "static: E's UDP from port 7000 leaves from 198.51.100.7:53" \
	"$(peer inside ask $E 7000 1 $S1:7000)" "7000 198.51.100.7:53"
check_eq "mappings flag the static ones, with their flows" \
	"$(nfvctl -j cgnat mappings dp0 cg2 | jq -c '[.[] | select(.static) |
		[.inside_port, .flows]] | sort')" "[[7000,1],[8080,1]]"

# Exclusions: A's datagram to the excluded third host leaves with A's
# inside address (S1, not excluded, saw cg2's pool above), counted.
timeout 120 nsenter --net=/run/netns/outside python3 "$PEER" recv $S3 9200 \
	> /tmp/ex 2> /tmp/ex.err &
await 100 grep -q ready /tmp/ex.err || fail "the excluded host did not start"
peer inside send $A 5900 $S3 9200
await 100 test -s /tmp/ex
check_eq "exclude: the excluded host sees A's inside address" \
	"$(cat /tmp/ex)" "from $A:5900"
check_eq "counted as excluded, and no mapping made" \
	"$(cg_stat excluded cg2) $(nfvctl -j cgnat mappings dp0 cg2 |
		jq '[.[] | select(.inside_port == 5900)] | length')" "1 0"
check_eq "show lists the excludes" \
	"$(nfvctl -j cgnat show dp0 cg2 | jq -c '.[0].excludes')" "[\"$S3/32\"]"

# Replacing an instance that holds static mappings, under traffic: cg3
# takes cg2's place with the TCP forward to E:8080 unchanged and the UDP
# one moved from E:7000 to E:7001, then cg2 is deleted. A TCP connection
# through 198.51.100.7:80 opened before goes on through cg3, and after
# cg2 is gone; a datagram stream to 198.51.100.7:53 reaches E:7000, then
# E:7001 once its flow is decided again by cg3; no flow is left on cg2's
# mapping to E:7000. The debug kernel's kmemleak sees cg2's mappings go.
timeout 200 ip netns exec inside socat TCP-LISTEN:8080,bind=$E,reuseaddr PIPE \
	2> /dev/null &
listening inside -t 8080
coproc FWD { timeout 200 ip netns exec outside socat - \
	TCP:198.51.100.7:80,bind=$S3:9400 2> /dev/null; }
# fwd_echo LINE: E's server echoes LINE back over the held connection.
fwd_echo() {
	local line
	echo "$1" >&"${FWD[1]}"
	read -r -t 60 -u "${FWD[0]}" line && [ "$line" = "$1" ]
}
check "static: a held connection through 198.51.100.7:80 echoes" \
	fwd_echo before
rm -f /tmp/rp /tmp/rp.err /tmp/rp2 /tmp/rp2.err
timeout 120 nsenter --net=/run/netns/inside python3 "$PEER" recv $E 7000 \
	> /tmp/rp 2> /tmp/rp.err &
await 100 grep -q ready /tmp/rp.err || fail "the receiver on E:7000 did not start"
timeout 120 nsenter --net=/run/netns/inside python3 "$PEER" recv $E 7001 \
	> /tmp/rp2 2> /tmp/rp2.err &
await 100 grep -q ready /tmp/rp2.err || fail "the receiver on E:7001 did not start"
# One UDP socket, a datagram every 50 ms, across the swap; not connected,
# so the port unreachable E answers once its receiver is gone ends nothing.
{ while sleep 0.05; do echo x; done; } |
	timeout 200 ip netns exec outside socat -u - \
		UDP-SENDTO:198.51.100.7:53,bind=$S3:9500 2> /dev/null &
stream=$!
check "static: the stream crosses" await 100 test -s /tmp/rp
check_eq "static: the stream reaches E:7000 through cg2" \
	"$(cat /tmp/rp)" "from $S3:9500"
nfvctl -b - <<-EOF
	cgnat add dp0 cg3 pool 198.51.100.4/30 static tcp $E:8080 198.51.100.7:80 static udp $E:7001 198.51.100.7:53
	chain set dp0 dev r0 cg3 forward
	chain set dp0 dev r1 cg3 forward
	EOF
check "the stream crosses cg3" await 100 test -s /tmp/rp2
check_eq "the changed mapping takes effect: the stream reaches E:7001" \
	"$(cat /tmp/rp2)" "from $S3:9500"
check "the held connection echoes through cg3" fwd_echo swapped
check "cg2, in no chain, is deleted" nfvctl nf del dp0 cg2
check "and the held connection still echoes" fwd_echo deleted
kill $stream 2> /dev/null || true
check_eq "cg3's static mappings carry the connection and the stream" \
	"$(nfvctl -j cgnat mappings dp0 cg3 | jq -c '[.[] | select(.static) |
		[.inside_port, .flows]] | sort')" "[[7001,1],[8080,1]]"
check_eq "no flow is left on cg2's mapping to E:7000" \
	"$(nfvctl -j flow show dp0 | jq '[.[] | select(.reply.src == "'$E'" and
		.reply.sport == 7000)] | length')" 0
check_eq "cg2 is gone from the datapath's instances" \
	"$(nfvctl -j nf show dp0 | jq -c '[.[].name | select(test("^cg[23]$"))]')" \
	'["cg3"]'
eval "exec ${FWD[1]}>&-"
wait $FWD_PID 2> /dev/null || true

# The configuration fuzzed (nlfuzz.py --cgnat): every crafted or random
# NF_NEW of type cgnat is taken, shown as sent and deleted, or refused
# with a message; NF_SET is refused; the instances and the module's
# references are as before.
check "cgnat config fuzz" rt python3 "$FUZZ/nlfuzz.py" dp0 --cgnat cg1 \
	--random 150

# Malformed frames through a NAT chain (pktfuzz.py --nat), instance cgpf:
# from the inside (D to S1) and from the outside (S1 to D's public
# address), with the NAT's own cases (ICMP errors quoting truncated or
# bogus headers, fragments out of order, a first fragment too short for
# its ports). Each malformed frame is dropped and counted, exactly; D's
# pings keep crossing meanwhile; every IPv4 packet either side receives
# has its checksums right.
ip -n outside route add 198.51.100.8/30 via 203.0.113.1
nfvctl -b - <<-EOF2
	cgnat add dp0 cgpf pool 198.51.100.8/30
	chain set dp0 dev r0 cgpf forward
	chain set dp0 dev r1 cgpf forward
	EOF2
# A ping, not cgnat-peer.py's servers, whose time limit a slow debug VM
# may have passed by now.
in_ns inside ping -c1 -W10 -I $D $S1 > /dev/null ||
	fail "D's ping through cgpf did not cross"
pub=$(nfvctl -j cgnat mappings dp0 cgpf | jq -r '.[0].public')
[[ $pub =~ ^198\.51\.100\.(8|9|10|11)$ ]] ||
	fail "D's first flow through cgpf: $pub"
rm -f /tmp/verify.*
for ns in inside outside; do
	dev=i0; [ $ns = inside ] || dev=o0
	timeout 300 nsenter --net=/run/netns/$ns python3 "$FUZZ/pktfuzz.py" \
		--verify $dev > /tmp/verify.$ns 2> /tmp/verify.$ns.err &
	eval "verify_$ns=\$!"
	await 100 grep -q ready /tmp/verify.$ns.err ||
		fail "the checksum verifier in $ns did not start"
done
m0=$(drop malformed)
in_ns inside ping -c 30 -i 0.1 -W5 -I $D $S1 > /tmp/ping.cgpf &
ping_pid=$!
out=$(ip netns exec inside python3 "$FUZZ/pktfuzz.py" i0 "$(mac router r0)" \
	--count 300 --seed "${NFV_SEED:-1}" --nat --src $D --dst $S1)
out2=$(ip netns exec outside python3 "$FUZZ/pktfuzz.py" o0 "$(mac router r1)" \
	--count 300 --seed "${NFV_SEED:-1}" --nat --src $S1 --dst $pub)
wait $ping_pid || true
sent=$(($(sed -n 's/^malformed-sent //p' <<<"$out") +
	$(sed -n 's/^malformed-sent //p' <<<"$out2")))
check_eq "NAT fuzz: malformed frames dropped, counted exactly" \
	"$(($(drop malformed) - m0))" "$sent"
check "D's pings kept crossing the NAT meanwhile" \
	grep -q " 30 received" /tmp/ping.cgpf
kill -TERM $verify_inside $verify_outside
wait $verify_inside $verify_outside || true
for ns in inside outside; do
	check "$ns received packets, all with right checksums ($(tail -1 \
		/tmp/verify.$ns))" grep -q "^checked [1-9][0-9]* bad 0$" \
		/tmp/verify.$ns
done
check_ge "cgpf dropped what no mapping holds, counted" \
	"$(cg_stat no_mapping cgpf)" 1

# The mapping hashes start at 64 buckets and grow past four mappings a
# bucket (main.c): 260 mappings of D's ports through cgpf make them grow
# once, after which EIM still finds each mapping from the inside (S2 sees
# the public address:port S1 saw) and EIF from the outside (the third
# host reaches D's last port).
rm -f /tmp/grow.*
for s in $S1 $S2; do
	timeout 300 nsenter --net=/run/netns/outside python3 "$PEER" echo $s \
		7100 260 > /tmp/grow.$s 2> /tmp/grow.$s.err &
	await 100 grep -q ready /tmp/grow.$s.err ||
		fail "the echo server on $s did not start"
done
out=$(peer inside ask $D 20000 260 $S1:7100 $S2:7100)
check_eq "260 mappings: each port answered by both servers" \
	"$(grep -cE ' 198\.51\.100\.([89]|1[01]):[0-9]+$' <<<"$out")" 520
check_eq "EIM across the growth: both servers saw one public address:port a port" \
	"$(sort -u <<<"$out" | awk '{ n[$1]++ } END { for (p in n) if (n[p] != 1) bad++; print bad + 0 }')" 0
check_ge "cgpf holds them all" \
	"$(nfvctl -j cgnat mappings dp0 cgpf | jq '[.[] | select(.inside_port >= 20000)] | length')" 260
last=$(awk '$1 == 20259 { print $2; exit }' <<<"$out")
timeout 120 nsenter --net=/run/netns/inside python3 "$PEER" recv $D 20259 \
	> /tmp/grow.recv 2> /tmp/grow.recv.err &
await 100 grep -q ready /tmp/grow.recv.err || fail "the receiver did not start"
peer outside send $S3 9998 "${last%:*}" "${last#*:}"
await 100 test -s /tmp/grow.recv
check_eq "EIF across the growth: the third host reaches D:20259" \
	"$(cat /tmp/grow.recv)" "from $S3:9998"
