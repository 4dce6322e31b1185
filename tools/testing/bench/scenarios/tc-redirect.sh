# Meant as the harness's own cost: a tc rule on r0's ingress redirects each
# frame to r1 untouched, no lookup, no header rewrite. With skbs of their
# own (INJECT=xdp) mirred's redirect costs more than nfv's forwarding, so
# it is not a floor (Documentation/performance.rst).
desc="tc redirect r0 -> r1 (the harness's floor)"

setup() {
	rt tc qdisc add dev r0 clsact &&
		rt tc filter add dev r0 ingress matchall \
			action mirred egress redirect dev r1
	FWD_MAC=$S0
}

# The latency probe's replies (latency.sh): the same redirect back.
latency_setup() {
	clsact r1 bench-rt &&
		rt tc filter add dev r1 ingress matchall \
			action mirred egress redirect dev r0
	REPLY_MAC=$X0
}
