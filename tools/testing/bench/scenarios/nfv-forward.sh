# This project: the datapath with the built-in forward NF on both ports.
desc="nfv forward"
stateful=1

nfv_dp() {
	grep -q '^nfv ' /proc/modules || nfv_load || return 1
	# Unreplied too, as nft-ct sets both of conntrack's: the firewall
	# keeps a flow that saw no reply for 30 s by default, less than a
	# million flows' warm-up takes to come back with the replies.
	bnfvctl dp add bench max-flows "$MAXFLOWS" timeout udp "$UDP_TIMEOUT" \
		timeout udp-unreplied "$UDP_TIMEOUT" || return 1
	bnfvctl port add bench dev r0 || return 1
	bnfvctl port add bench dev r1
}

setup() {
	nfv_dp || return 1
	bnfvctl chain set bench dev r0 forward &&
		bnfvctl chain set bench dev r1 forward
}

entries() {
	bnfvctl -j dp show bench | jq -r '.[0].flows'
}

counters() {
	bnfvctl -j stats bench | jq -c '[.stats, .drops]'
}
