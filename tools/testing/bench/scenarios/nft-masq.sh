# The conntrack firewall plus source NAT to the outside address, as a home
# or CPE router does it.
. "$BENCH/scenarios/nft-ct.sh"
desc="nftables, conntrack + masquerade"

nft_masquerade() {
	rt nft -f - <<-NFT
	table ip bench-nat {
		chain post {
			type nat hook postrouting priority srcnat;
			oifname "r1" masquerade
		}
	}
	NFT
	REPLY_DST=10.10.2.1
}

setup() {
	ct_size "$MAXFLOWS"
	nft_firewall
	nft_masquerade
}
