# The harness's own cost, the floor under every other scenario: a tc rule
# on r0's ingress redirects each frame to r1 untouched, no lookup, no
# header rewrite. The time per frame here is pktgen's frame, the clone of
# the shared skb, the veth transmit and the sink.
desc="tc redirect r0 -> r1 (the harness's floor)"

setup() {
	rt tc qdisc add dev r0 clsact &&
		rt tc filter add dev r0 ingress matchall \
			action mirred egress redirect dev r1
	FWD_MAC=$S0
}
