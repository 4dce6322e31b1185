# Conntrack + masquerade with the flowtable fast path: established flows
# skip the IP stack from the ingress hook on.
. "$BENCH/scenarios/nft-masq.sh"
desc="nftables, conntrack + masquerade + flowtable"

setup() {
	ct_size "$MAXFLOWS"
	nft_firewall 'flowtable ft { hook ingress priority filter; devices = { r0, r1 }; }' \
		'meta l4proto { tcp, udp } flow add @ft'
	nft_masquerade
	# Offloaded flows have an idle timeout of their own.
	rt sysctl -qw net.netfilter.nf_flowtable_udp_timeout="$UDP_TIMEOUT"
}
