#!/bin/bash
# The CGNAT NF's events and their exporter, nfvctl cgnat log: IPFIX with
# RFC 8158's templates, decoded by tshark, a log file, JSON lines, and
# nfvctl monitor. Subscribers A and B get port blocks (natEvent 16),
# which the IPFIX records show with the inside address, the public
# address and the port range of the ports cgnat mappings lists; a flush
# gives the blocks back (natEvent 17); C, out of ports, and D, over
# max-subscribers, give quota-exceeded events (natEvent 13). nfvctl cgnat
# lookup ... at TIME log FILE names A as the holder of its public port
# from the log file and the JSON lines while its block was A's, nobody
# before or after. With session-events on, each flow's creation and
# deletion (natEvent 4 and 5) shows the inside and public address, the
# protocol and both ports, and no destination: the records' destination
# fields stay empty and no output names the server (RFC 6888 REQ-12).
# Instance cgx, pool-id 42, one block an address: a second subscriber
# finds no address, natEvent 3 with natPoolId 42; a subscriber over
# max-sessions (2) is refused with ICMP administratively prohibited,
# counted, natEvent 13 with its limit; once its flows go, its block waits
# in quarantine, and the second subscriber is still refused.
# timeout: 900
#
#   inside i0 ──── r0 router r1 ──── o0 outside
#   100.64.0.2-5   100.64.0.1 203.0.113.1   203.0.113.2 server
# debug: kmemleak
. "$(dirname "$0")/lib.sh"

PEER=$top/tools/testing/selftests/cgnat-peer.py
peer() { local ns=$1; shift; in_ns "$ns" python3 "$PEER" "$@"; }
A=100.64.0.2 B=100.64.0.3 C=100.64.0.4 D=100.64.0.5 S1=203.0.113.2
PUB=198.51.100.1

# A failure shows what the collector, the exporters and monitor saw.
eval "lib_$(declare -f evidence)"
evidence() {
	local f
	for f in /tmp/ipfix.txt /tmp/cglog.out /tmp/cglog.err /tmp/cgmon.out; do
		echo "# $f:"
		tail -n 15 "$f" 2>&1 | sed 's/^/#  /'
	done
	lib_evidence
}

rm -f /tmp/ipfix.txt /tmp/ipfix.err /tmp/cglog.* /tmp/cgmon.* /tmp/serve.err
need veth
command -v tshark > /dev/null || fail "tshark is missing (make deps)"
cgnat_netns $PUB/32 $A $B $C $D -- $S1
# The collector: tshark on the router's loopback, one line a message;
# started first, as it takes seconds to start.
timeout 900 nsenter --net=/run/netns/router tshark -l -n -i lo \
	-f 'udp port 4739' -d udp.port==4739,cflow -T fields -E separator='|' \
	-e cflow.od_id -e cflow.nat_event -e cflow.srcaddr \
	-e cflow.post_natsource_ipv4_address -e cflow.port_range_start \
	-e cflow.port_range_end -e cflow.nat_quota_exceeded_event \
	-e cflow.max_entries_per_user -e cflow.max_subscribers \
	-e cflow.protocol -e cflow.srcport \
	-e cflow.post_naptsource_transport_port -e cflow.nat_pool_id \
	-e cflow.dstaddr -e cflow.post_natdestination_ipv4_address \
	-e cflow.dstport -e cflow.post_naptdestination_transport_port \
	> /tmp/ipfix.txt 2> /tmp/ipfix.err &
nfv_cgnat_load
nfvctl -b - <<-EOF
	dp add dp0
	port add dp0 dev r0
	port add dp0 dev r1
	cgnat add dp0 cg1 pool $PUB/32 block-size 8 max-blocks 1 max-subscribers 3 session-events on
	chain set dp0 dev r0 cg1 forward
	chain set dp0 dev r1 cg1 forward
	EOF

timeout 900 nsenter --net=/run/netns/outside python3 "$PEER" serve $S1 \
	2> /tmp/serve.err &
await 300 grep -q "Capturing on" /tmp/ipfix.err || fail "tshark did not start"
# The monitor, ready once it shows a datapath made for it.
timeout 900 "$NFVCTL" -n router monitor > /tmp/cgmon.out 2>&1 &
mon_ready() {
	nfvctl dp add dpm && nfvctl dp del dpm
	grep -q "^dp add" /tmp/cgmon.out
}
await 300 mon_ready || fail "the monitor did not start"
timeout 900 "$NFVCTL" -n router cgnat log dp0 cg1 ipfix 127.0.0.1:4739 \
	domain 7 template-refresh 2 file /tmp/cglog.txt > /tmp/cglog.out \
	2> /tmp/cglog.err &
timeout 900 "$NFVCTL" -n router -j cgnat log dp0 cg1 > /tmp/cglog.json \
	2> /tmp/cglog.jerr &
await 300 grep -q listening /tmp/cglog.err || fail "cgnat log did not start"
await 300 grep -q listening /tmp/cglog.jerr || fail "cgnat log -j did not start"
# Ready when the templates reached the collector: a line without a record.
# They go every 2 s, records or none: a capture that came up a moment
# late, and missed the first, has them from the next.
check "the templates reach the collector, domain 7" \
	await 300 grep -q '^7|||' /tmp/ipfix.txt
# X: the empty fields after the port block and quota ones (session's,
# pool id, destinations); DST: the destination fields, always empty.
X='||||||||' DST='||||'
await 100 grep -q ready /tmp/serve.err || fail "the server did not start"

# block PUBLIC_PORT: "FIRST|LAST" of the block of 8 holding it.
block() { local f=$((($1 - 1024) / 8 * 8 + 1024)); echo "$f|$((f + 7))"; }
port_of() {
	nfvctl -j cgnat mappings dp0 cg1 | jq -r ".[] | select(.inside == \"$1\"
		and .inside_port == $2) | .public_port"
}
peer inside ask $A 5000 1 $S1:7000 > /dev/null
peer inside ask $B 5000 1 $S1:7000 > /dev/null
pa=$(port_of $A 5000) pb=$(port_of $B 5000)
[ -n "$pa" ] && [ -n "$pb" ] || fail "no mappings for A and B"
# Fields: domain, natEvent, inside, public, ports, quota, its limits.
ra="7|16|$A|$PUB|$(block "$pa")|||$X" rb="7|16|$B|$PUB|$(block "$pb")|||$X"
check "IPFIX: A's port block allocation ($ra)" \
	await 100 grep -qxF "$ra" /tmp/ipfix.txt
check "IPFIX: B's port block allocation ($rb)" \
	await 100 grep -qxF "$rb" /tmp/ipfix.txt
ba=$(block "$pa")
check "the log file has A's block" grep -q \
	"Z cgnat dp0 cg1 block-alloc inside $A zone 0 public $PUB ports ${ba/|/-}$" \
	/tmp/cglog.txt
check_eq "-j: B's block, as a JSON line" \
	"$(jq -r "select(.event == \"block-alloc\" and .inside == \"$B\") |
		\"\(.public)|\(.port_first)|\(.port_last)\"" /tmp/cglog.json)" \
	"$PUB|$(block "$pb")"
check "monitor shows it, one line" grep -q \
	"^cgnat block-alloc dp dp0 nf cg1 inside $A zone 0 public $PUB ports" \
	/tmp/cgmon.out
# Session events: A's flow from port 5000, its protocol and both ports,
# no destination field filled.
sa="7|4|$A|$PUB||||||17|5000|$pa|$DST"
check "IPFIX: A's session creation, no destination ($sa)" \
	await 100 grep -qxF "$sa" /tmp/ipfix.txt
check "the log file has it" grep -q \
	"Z cgnat dp0 cg1 session-new inside $A zone 0 public $PUB proto udp port 5000 public-port $pa$" \
	/tmp/cglog.txt
check_eq "-j: B's session, as a JSON line" \
	"$(jq -r "select(.event == \"session-new\" and .inside == \"$B\") |
		\"\(.proto)|\(.inside_port)|\(.public_port)\"" /tmp/cglog.json)" \
	"udp|5000|$pb"
check "monitor shows it" grep -q \
	"^cgnat session-new dp dp0 nf cg1 inside $B zone 0 public $PUB proto udp port 5000 public-port $pb$" \
	/tmp/cgmon.out

# C has one block of 8 ports: the ninth mapping is refused, an event.
out=$(peer inside ask $C 6000 9 $S1:7000)
check_eq "C's ninth mapping is refused" "$(sed -n 9p <<<"$out")" \
	"6008 icmp 3 13"
check "IPFIX: quota exceeded, entries per user (8), for C" \
	await 100 grep -qxF "7|13|$C||||3|8|$X" /tmp/ipfix.txt
# D would be the fourth subscriber of max-subscribers 3.
check_eq "D is refused" "$(peer inside ask $D 6000 1 $S1:7000)" \
	"6000 icmp 3 13"
check "IPFIX: quota exceeded, subscribers (3)" \
	await 100 grep -qxF "7|13|||||4||3$X" /tmp/ipfix.txt

# The flows go: A's and B's blocks come back, the same ranges.
nfvctl flow flush dp0
fa="7|17|${ra#7|16|}" fb="7|17|${rb#7|16|}"
check "IPFIX: A's port block de-allocation" \
	await 100 grep -qxF "$fa" /tmp/ipfix.txt
check "IPFIX: B's port block de-allocation" \
	await 100 grep -qxF "$fb" /tmp/ipfix.txt
check "IPFIX: A's session deletion" \
	await 100 grep -qxF "7|5|${sa#7|4|}" /tmp/ipfix.txt
c_sessions() {
	[ "$(grep -c "^7|4|$C|" /tmp/ipfix.txt) $(grep -c "^7|5|$C|" \
		/tmp/ipfix.txt)" = "8 8" ]
}
check "a session event for each of C's 8 flows, made and deleted" \
	await 100 c_sessions

# Who had A's public port, from the records alone (lookup in the past):
# A from its block's allocation to its release, nobody a millisecond
# before or from the release on; the file's lines and the JSON lines.
# Few processes: each costs the VM most of a second.
# past FILE MS: the inside address named, or nothing.
past() {
	local out
	out=$(nfvctl cgnat lookup dp0 cg1 "$PUB:$pa" at \
		"$(printf '@%d.%03d' $(($2 / 1000)) $(($2 % 1000)))" log "$1")
	[[ "$out" = "$PUB:$pa at "*" inside "* ]] || return 0
	out=${out#* inside }
	echo "${out%% *}"
}
await 100 grep -q "block-free inside $A " /tmp/cglog.txt ||
	fail "no block-free of A in the log file"
await 100 grep -q "\"block-free\".*\"$A\"" /tmp/cglog.json ||
	fail "no block-free of A in the JSON log"
read -r t0 t1 <<< "$(jq -rs "map(select(.inside == \"$A\" and
	(.event | startswith(\"block-\")))) |
	\"\\(.[0].time_ms) \\(.[-1].time_ms)\"" /tmp/cglog.json)"
out=$(nfvctl -j cgnat lookup dp0 cg1 "$PUB:$pa" at \
	"$(sed -n "s/ cgnat dp0 cg1 block-alloc inside $A .*//p" /tmp/cglog.txt)" \
	log /tmp/cglog.txt)
check "lookup in the past, -j, the log file: A at its allocation" \
	[ "${out#*\"inside\":\"$A\",}" != "$out" ]
check_eq "... the JSON log: A, a millisecond before its release" \
	"$(past /tmp/cglog.json $((t1 - 1)))" "$A"
check_eq "... nobody a millisecond before the allocation" \
	"$(past /tmp/cglog.json $((t0 - 1)))" ""
check_eq "... nobody at the release" "$(past /tmp/cglog.txt "$t1")" ""
check_eq "no event names the server (RFC 6888 REQ-12)" \
	"$(grep -c "$S1" /tmp/ipfix.txt /tmp/cglog.txt /tmp/cglog.json |
		cut -d: -f2 | xargs) $(grep "^cgnat " /tmp/cgmon.out |
		grep -c "$S1")" "0 0 0 0"
check_eq "none lost" "$(nfvctl -j cgnat show dp0 cg1 |
	jq '.[0].stats.events_lost // 0')" 0

# natPoolId: cgx, pool-id 42, one block of 64512 ports on its one
# address, max-sessions 2. A takes it; B, a new subscriber, finds no
# address with a free block: refused, natEvent 3 (addresses exhausted)
# with natPoolId 42.
PUBX=198.51.100.9
ip -n outside route add $PUBX/32 via 203.0.113.1
nfvctl -b - <<-EOF
	cgnat add dp0 cgx pool $PUBX/32 block-size 64512 pool-id 42 max-sessions 2
	chain set dp0 dev r0 cgx forward
	chain set dp0 dev r1 cgx forward
	EOF
check_eq "show has the pool-id" \
	"$(nfvctl -j cgnat show dp0 cgx | jq '.[0].pool_id')" 42
timeout 900 "$NFVCTL" -n router cgnat log dp0 cgx ipfix 127.0.0.1:4739 \
	domain 8 template-refresh 2 > /tmp/cglogx.out 2> /tmp/cglogx.err &
await 300 grep -q listening /tmp/cglogx.err || fail "cgnat log of cgx did not start"
await 300 grep -q '^8|||' /tmp/ipfix.txt || fail "no templates from domain 8"
check "cgx: A's flow gets through" \
	eval "peer inside ask $A 5100 1 $S1:7000 | grep -q ' $PUBX:'"
check_eq "cgx: B finds no address" "$(peer inside ask $B 5100 1 $S1:7000)" \
	"5100 icmp 3 13"
check "IPFIX: addresses exhausted, natPoolId 42" \
	await 100 grep -qxF "8|3|||||||||||42$DST" /tmp/ipfix.txt

# Per-subscriber session limit: A's second flow gets through, its third
# is refused, though its block has ports to spare.
check "cgx: A's second flow gets through" \
	eval "peer inside ask $A 5101 1 $S1:7000 | grep -q ' $PUBX:'"
check_eq "cgx: A's third flow is over max-sessions" \
	"$(peer inside ask $A 5102 1 $S1:7000)" "5102 icmp 3 13"
check_eq "counted as session_limit" "$(nfvctl -j cgnat show dp0 cgx |
	jq '.[0].stats.session_limit')" 1
check "IPFIX: quota exceeded, entries per user (2), for A" \
	await 100 grep -qxF "8|13|$A||||3|2|$X" /tmp/ipfix.txt

# Quarantine: A's flows go, and its block with its last port; the block
# waits (120 s by default) before anybody gets it, so B is still refused.
nfvctl flow flush dp0
cgx_quarantined() {
	[ "$(nfvctl -j cgnat show dp0 cgx |
		jq '.[0].pools[0] | "\(.blocks_used) \(.blocks_quarantined)"')" \
		= '"0 1"' ]
}
check "cgx: A's block is in quarantine" await 100 cgx_quarantined
check_eq "cgx: B still finds no address" \
	"$(peer inside ask $B 5101 1 $S1:7000)" "5101 icmp 3 13"

