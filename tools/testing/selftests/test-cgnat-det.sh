#!/bin/bash
# CGNAT lookup and deterministic mode (RFC 7422), between subscribers of
# 100.64.0.0/28 and a server outside:
#
#   inside i0 ──── r0 router r1 ──── o0 outside
#   100.64.0.2-5   100.64.0.1 203.0.113.1   203.0.113.2 server
#
# Block mode first (cg1, pool 198.51.100.0/30, blocks of 8): lookup of a
# mapping's public port answers its inside address and port, of a free
# port of a subscriber's block its owner, of a port no block holds
# nobody. Then deterministic mode (cg3, 100.64.0.0/28 onto
# 198.51.100.8/30): each subscriber leaves from the address and within
# the port range RFC 7422's formula gives, computed here from the
# formula, not asked of the module; lookup answers by it; configurations
# it cannot map are refused, naming the fault; a subscriber whose range
# is full is refused, counted, and its quota event names the range's size.
# debug: kmemleak
. "$(dirname "$0")/lib.sh"

PEER=$top/tools/testing/selftests/cgnat-peer.py
peer() { local ns=$1; shift; in_ns "$ns" python3 "$PEER" "$@"; }
A=100.64.0.2 B=100.64.0.3 C=100.64.0.4 D=100.64.0.5
S1=203.0.113.2

rm -f /tmp/serve.err
need veth
nfv_cgnat_load
cgnat_netns 198.51.100.0/28 $A $B $C $D -- $S1
nfvctl -b - <<-EOF
	dp add dp0
	port add dp0 dev r0
	port add dp0 dev r1
	cgnat add dp0 cg1 inside 100.64.0.0/28 pool 198.51.100.0/30 block-size 8
	chain set dp0 dev r0 cg1 forward
	chain set dp0 dev r1 cg1 forward
	EOF
timeout 300 nsenter --net=/run/netns/outside python3 "$PEER" serve $S1 \
	2> /tmp/serve.err &
await 100 grep -q ready /tmp/serve.err || fail "the server did not start"

# Block mode: A's UDP mapping from 5000, then lookups.
lookup() { nfvctl -j cgnat lookup dp0 "$@"; }
seen=$(peer inside ask $A 5000 1 $S1:7000 | cut -d' ' -f2)
check_eq "lookup of A's public port: A:5000, from the live blocks" \
	"$(lookup cg1 "$seen" proto udp | jq -c '.[] | [.inside, .inside_port,
		.proto, .mode, .valid]')" "[\"$A\",5000,\"udp\",\"block\",\"now\"]"
check_eq "and without proto: the same mapping" \
	"$(lookup cg1 "$seen" | jq -c '[.[] | .inside_port]')" "[5000]"
check_eq "as TCP: no mapping, but A owns the port's block" \
	"$(lookup cg1 "$seen" proto tcp | jq -c '.[] | [.inside, .zone, .proto]')" \
	"[\"$A\",0,null]"
port=${seen#*:}
free=$((1024 + (port - 1024) / 8 * 8))
[ $free = "$port" ] && free=$((free + 1))
check_eq "a free port of A's block: A, its owner, no mapping" \
	"$(lookup cg1 "${seen%:*}:$free" | jq -c '.[] | [.inside, .proto]')" \
	"[\"$A\",null]"
check_eq "port 1023: nobody" "$(lookup cg1 "${seen%:*}:1023" | jq length)" 0
check "the text output says so" \
	grep -q "nobody holds" <<<"$(nfvctl cgnat lookup dp0 cg1 "${seen%:*}:1023")"
expect_fail "not an address of the instance's pools" \
	nfvctl cgnat lookup dp0 cg1 192.0.2.1:2000

# Deterministic mode. The expected address and range by RFC 7422's
# formula: n inside addresses onto m public ones, s = n/m subscribers an
# address, p = 64512/s ports each (rounded down); inside address number
# i (from the prefix's first) gets public address number i/s and ports
# 1024 + (i mod s) * p to p - 1 past that.
expect_fail "deterministic: the pool addresses do not divide the inside prefix" \
	nfvctl cgnat add dp0 bad inside 10.0.0.0/28 pool 192.0.2.0/30 \
	pool 192.0.2.8/32 mode deterministic
expect_fail "deterministic: fewer ports per subscriber than block-size" \
	nfvctl cgnat add dp0 bad inside 10.0.0.0/24 pool 192.0.2.0/32 \
	mode deterministic
nfvctl -b - <<-EOF
	cgnat add dp0 cg3 inside 100.64.0.0/28 pool 198.51.100.8/30 mode deterministic
	chain set dp0 dev r0 cg3 forward
	chain set dp0 dev r1 cg3 forward
	EOF
n=16 m=4
s=$((n / m)) p=$((64512 / (n / m)))
check_eq "show: deterministic, ports a subscriber, subscribers an address" \
	"$(nfvctl -j cgnat show dp0 cg3 | jq -c '.[0] | [.mode,
		.ports_per_subscriber, .subscribers_per_address]')" \
	"[\"deterministic\",$p,$s]"
# det_expect INSIDE: "public first last" by the formula.
det_expect() {
	local i=$((${1##*.}))
	echo "198.51.100.$((8 + i / s)) $((1024 + i % s * p))" \
		"$((1024 + (i % s + 1) * p - 1))"
}
# det_ok INSIDE PUBLIC:PORT: the formula's address, a port of its range.
det_ok() {
	local e
	read -r -a e <<<"$(det_expect "$1")"
	[ "${2%:*}" = "${e[0]}" ] && [ "${2#*:}" -ge "${e[1]}" ] &&
		[ "${2#*:}" -le "${e[2]}" ]
}
for x in $A $B $C; do
	for seen in $(peer inside ask $x 5600 2 $S1:7000 | cut -d' ' -f2); do
		check "deterministic: $x -> $seen, in $(det_expect $x)" \
			det_ok $x "$seen"
	done
done
seen=$(peer inside ask $C 5700 1 $S1:7000 | cut -d' ' -f2)
check_eq "lookup of C's public port: C:5700, valid at any time" \
	"$(lookup cg3 "$seen" proto udp | jq -c '.[] | [.inside, .inside_port,
		.mode, .valid]')" "[\"$C\",5700,\"deterministic\",\"always\"]"
read -r -a e <<<"$(det_expect $D)"
check_eq "the last port of D's range, D silent: D, by the formula" \
	"$(lookup cg3 "${e[0]}:${e[2]}" | jq -c '.[] | [.inside, .proto]')" \
	"[\"$D\",null]"
check_eq "port 1023, of no range: nobody" \
	"$(lookup cg3 "198.51.100.8:1023" | jq length)" 0

# A full range (cg4, 100.64.0.0/20 onto 198.51.100.12/32: 4096
# subscribers of 15 ports): A's 16th mapping is refused with ICMP
# administratively prohibited, counted as no_port, and the quota event
# gives the range's 15 ports as the limit (max-blocks does not apply).
nfvctl -b - <<-EOF
	cgnat add dp0 cg4 inside 100.64.0.0/20 pool 198.51.100.12/32 mode deterministic block-size 8
	chain set dp0 dev r0 cg4 forward
	chain set dp0 dev r1 cg4 forward
	EOF
timeout 300 "$NFVCTL" -n router -j cgnat log dp0 cg4 > /tmp/cglog4.json \
	2> /tmp/cglog4.err &
await 300 grep -q listening /tmp/cglog4.err || fail "cgnat log of cg4 did not start"
out=$(peer inside ask $A 6000 16 $S1:7000)
check_eq "deterministic: A's 15 ports map, the 16th is refused" \
	"$(grep -c ' 198\.51\.100\.12:' <<<"$out") $(sed -n 16p <<<"$out")" \
	"15 6015 icmp 3 13"
check_eq "counted as no_port" \
	"$(nfvctl -j cgnat show dp0 cg4 | jq '.[0].stats.no_port')" 1
check "the quota event's limit is the range, 15 ports" await 100 \
	eval "jq -e 'select(.event == \"quota-ports\" and .inside == \"$A\" and
		.limit == 15)' /tmp/cglog4.json > /dev/null"
