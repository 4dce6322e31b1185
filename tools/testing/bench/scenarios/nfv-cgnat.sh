# This project's CGNAT NF (kmod/cgnat, nfv_cgnat.ko) doing what nft-masq
# does: the bench's client, 10.10.1.2 (inside prefix 10.10.1.0/24), leaves
# as the router's outside address, 10.10.2.1, the one address of the pool.
# The chain on both ports: cg0, then forward. One subscriber with a
# mapping per source port (endpoint-independent mapping): at 1,000 flows
# every flow has a mapping of its own, at a million 15,625 mappings carry
# 64 flows each. Blocks of 512 ports, up to 64 of them (32,768 ports),
# tables and the subscriber's session limit sized as the flow table.
. "$BENCH/scenarios/nfv-forward.sh"
desc="nfv cgnat, NAT44 to one public address"
stateful=1
# The public port of each mapping is the NF's random pick in its blocks
# (RFC 6056), so pktgen's replies, sent to the inside ports, would open
# inbound flows to whatever mappings they hit rather than answer these.
# A flow is in the instance's UDP timeout class from its first packet; a
# reply would change nothing on its fast path. verify() checks inbound.
replies=0

avail() {
	[ -n "${NFV_USE_DKMS:-}" ] || [ -e "$NFV_KMOD/cgnat/nfv_cgnat.ko" ] ||
		{ echo "$NFV_KMOD/cgnat/nfv_cgnat.ko is not built"; return 1; }
}

setup() {
	nfv_cgnat_load || return 1
	nfv_dp || return 1
	bnfvctl cgnat add bench cg0 pool 10.10.2.1/32 inside 10.10.1.0/24 \
		block-size 512 max-blocks 64 max-sessions "$MAXFLOWS" \
		max-mappings "$MAXFLOWS" timeout udp "$UDP_TIMEOUT" || return 1
	bnfvctl chain set bench dev r0 cg0 forward &&
		bnfvctl chain set bench dev r1 cg0 forward || return 1
	REPLY_DST=10.10.2.1
}

cg_show() { bnfvctl -j cgnat show bench cg0 | jq -r ".[0] | $1"; }

counters() {
	echo "$(bnfvctl -j stats bench | jq -c '[.stats, .drops]')" \
		"$(cg_show '[.subscribers, .mappings, .stats] | tostring')"
}

# The NAT happened, or the figures do not count: every flow in the table
# was translated out through a mapping, and of a frame to every public
# port (1024-65535, from 10.20.0.1:9) those to a mapping's port, and only
# those, reach x0 -- translated back to 10.10.1.2, or r0 would not send
# them there: after the throughput runs as replies of the flows to
# 10.20.0.1:9 that every mapping has, after the connection rate as new
# inbound flows (endpoint-independent filtering).
verify() {
	local n out maps r got
	n=$(entries)
	out=$(cg_show .stats.out)
	maps=$(cg_show .mappings)
	[ "$n" -gt 0 ] && [ "$out" -ge "$n" ] && [ "$maps" -gt 0 ] ||
		{ echo "NAT: $n flows, $out translated out, $maps mappings"; return 1; }
	r=$(traffic reply 64511 64 64511 "") || { echo "pktgen"; return 1; }
	read -r _ _ got _ <<< "$r"
	[ "$got" -ge $((maps * 99 / 100)) ] && [ "$got" -le "$maps" ] ||
		{ echo "NAT inbound: $got frames to 64511 public ports reached x0, $maps mappings"; return 1; }
	echo "# $scn: NAT checked: $n flows, $out translated out, $maps mappings, $got of them answered: $(cg_show '.stats | tostring')"
}
