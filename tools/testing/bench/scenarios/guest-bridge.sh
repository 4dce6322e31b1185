# The guest in a Linux bridge with r0 and r1, static FDB entries for all
# three. A bridge forwards by destination MAC alone, and the guest sends
# every frame back unchanged, so the bridge would send it back to the
# guest's port it came from, and drop it: a one-armed guest in a bridge
# needs the destinations rewritten, three nftables rules in the bridge's
# prerouting hook (before its FDB lookup). Frames from r0 or r1 go to the
# guest's MAC, the guest's frames to s0's or x0's by their IPv4
# destination. nfv's step rewrites the destination too (to the tap's
# MAC); OVS matches the port they come back on instead. Learning is off
# on the guest's port: the frames it sends back carry the client's and
# the server's source MACs, and would move their FDB entries (static, not
# sticky) to it. A guest with two NICs between two bridges would need no
# rewrite, but a second tap and vhost device the others do not have.
. "$BENCH/scenarios/guest.sh"
desc="Linux bridge + nft bridge rules steering into the guest, guest-peer -b on a tap via vhost-net"

setup() {
	guest_start || return 1
	rt ip -b - <<-EOF2 || return 1
	link add br0 type bridge forward_delay 0
	link set r0 master br0
	link set r1 master br0
	link set $GUEST_DEV master br0
	link set dev $GUEST_DEV type bridge_slave learning off
	link set br0 up
	EOF2
	rt bridge -b - <<-EOF2 || return 1
	fdb replace $S0 dev r1 master static
	fdb replace $X0 dev r0 master static
	fdb replace $GUEST_MAC dev $GUEST_DEV master static
	EOF2
	rt nft -f - <<-EOF2 || return 1
	table bridge bench {
		chain pre {
			type filter hook prerouting priority filter;
			iifname { "r0", "r1" } ether daddr set $GUEST_MAC
			iifname "$GUEST_DEV" ip daddr 10.20.0.0/16 ether daddr set $S0
			iifname "$GUEST_DEV" ip daddr 10.10.1.2 ether daddr set $X0
		}
	}
	EOF2
	FWD_MAC=$S0
	REPLY_MAC=$X0
}
