# The stateful firewall an operator writes in nftables: conntrack, new
# connections only from the inside, the rest by state.
desc="nftables, conntrack firewall"
stateful=1

nft_firewall() {
	rt sysctl -qw net.ipv4.ip_forward=1 \
		net.netfilter.nf_conntrack_udp_timeout="$UDP_TIMEOUT" \
		net.netfilter.nf_conntrack_udp_timeout_stream="$UDP_TIMEOUT"
	rt nft -f - <<-NFT
	table inet bench {
		${1:-}
		chain forward_filter {
			type filter hook forward priority filter; policy drop;
			${2:-}
			ct state established,related accept
			ct state new iifname "r0" oifname "r1" accept
		}
	}
	NFT
}

setup() {
	ct_size "$MAXFLOWS"
	nft_firewall
}

# Conntrack's limits are the init namespace's.
ct_size() {
	sysctl -qw net.netfilter.nf_conntrack_max="$1" 2>/dev/null ||
		{ modprobe nf_conntrack; sysctl -qw net.netfilter.nf_conntrack_max="$1"; }
	local buckets=$(( $1 / 2 ))
	[ "$(cat /sys/module/nf_conntrack/parameters/hashsize)" -ge "$buckets" ] ||
		echo "$buckets" > /sys/module/nf_conntrack/parameters/hashsize
}

counters() {
	rt cat /proc/net/stat/nf_conntrack | awk 'NR > 1 { print "cpu" NR - 2 ":", $0 }' | tr '\n' ' '
}

entries() {
	rt cat /proc/sys/net/netfilter/nf_conntrack_count
}
