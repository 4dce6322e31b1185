# The guest step (kmod/gstep.c) as an operator writes it: an NF instance
# of type guest on the tap's port, first in both ports' chains, then
# forward. A frame goes to the guest addressed to the tap's own MAC, comes
# back on the tap's port into its flow and continues the chain (forward:
# the route, the MAC rewrite, the TTL), on the fast path once established.
. "$BENCH/scenarios/nfv-forward.sh"
. "$BENCH/scenarios/guest.sh"
desc="nfv guest step (ids forward), guest-peer -b on a tap via vhost-net"
stateful=0

setup() {
	guest_start || return 1
	nfv_dp || return 1
	bnfvctl -b - <<-EOF2
	port add bench dev $GUEST_DEV
	nf add bench ids type guest port $GUEST_DEV
	chain set bench dev r0 ids forward
	chain set bench dev r1 ids forward
	EOF2
}

ids_stats() { bnfvctl -j nf show bench | jq -c '.[] | select(.name == "ids")'; }

counters() {
	echo "$(guest_counters); step $(ids_stats);" \
		"$(bnfvctl -j stats bench | jq -c '[.stats, .drops]')"
}
