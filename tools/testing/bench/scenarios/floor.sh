# The harness's own cost up to the router: pktgen's frame, x0's transmit,
# veth's XDP copy and NAPI on r0, then a tc rule drops the frame at r0's
# ingress. Nothing is forwarded: the rate counts the frames r0 took in.
# report.py subtracts its time per frame from every other scenario's, to
# show what each costs above it (Documentation/performance.rst).
desc="dropped at r0's ingress (the harness's input, no forwarding)"
count_in=1

setup() {
	rt tc qdisc add dev r0 clsact &&
		rt tc filter add dev r0 ingress matchall action drop
}
