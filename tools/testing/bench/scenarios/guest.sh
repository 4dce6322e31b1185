# Sourced by the guest-* scenarios: a guest step, the same VNF put in the
# path three ways. The "guest" is guest-peer -b --vhost (selftests/guest-
# peer.c, guest-vhost.c): a bump in the wire that sends back every frame
# it gets, as it came, through vhost-net's vrings as a QEMU guest with
# vhost=on does. It attaches as QEMU's -netdev tap,ifname=vm0,vhost=on
# does: it creates the tap device vm0 in the router's namespace and holds
# its queue. A tap, not macvtap, in all three: macvtap takes its lower
# device's rx_handler, which a bridge port or an OVS port already has, so
# only a tap attaches the same way to all three paths.
#
# What comes back must be told from what goes in, as the frame is the
# same: nfv knows by the port it came back on and the flow it belongs to
# (kmod/gstep.c), OVS by the in_port its flows match, a bridge only by
# MAC (scenarios/guest-bridge.sh). guest-peer's own cost, the tap's
# queues and vhost-net are the same in all three; on one vCPU the guest's
# thread and vhost's worker share it with pktgen, so pktgen, flat out,
# offers more than the guest can take and the tap's queue drops the rest:
# the figure is what comes back out to s0 per second of pktgen's run, and
# fwd/off the fraction of the frames offered that came back
# (Documentation/performance.rst, Guest step).
GUEST_DEV=vm0
GUEST_MAC=52:54:00:12:34:56
GUEST_OUT=/tmp/bench-guest.out
# Measured at 1,000 flows only, the first frame size (64) only and three
# runs at most (they agree to 0.5%): the guest's cost does not depend on
# the flows, and the three scenarios stay within a few minutes of a run
# (Documentation/performance.rst). -s 1500 measures the large frames.
flow_points=1000
sizes=${sizes%% *}
[ "$runs" -le 3 ] || runs=3

# guest-peer, built by bench.sh and run.sh; here if neither did.
guest_peer_bin() {
	local src=$top/tools/testing/selftests bin=$top/build/guest-peer

	if [ ! -x "$bin" ] || [ "$bin" -ot "$src/guest-peer.c" ] ||
	   [ "$bin" -ot "$src/guest-vhost.c" ]; then
		bin=/tmp/bench-guest-peer
		[ -x "$bin" ] || cc -O2 -Wall -o "$bin" "$src/guest-peer.c" \
			"$src/guest-vhost.c" || return 1
	fi
	echo "$bin"
}

guest_avail() {
	need tun
	need vhost_net
	[ -c /dev/vhost-net ] || { echo "no /dev/vhost-net"; return 1; }
	guest_peer_bin > /dev/null || { echo "guest-peer does not build"; return 1; }
}
avail() { guest_avail; }

# The guest on vm0, up; returns once it holds the tap's queue. Not through
# rt (a function): its pid must be guest-peer's, for guest_stop.
guest_start() {
	GUEST_PEER=$(guest_peer_bin) || return 1
	rm -f "$GUEST_OUT" "$GUEST_OUT.err"
	ip netns exec bench-rt "$GUEST_PEER" -b --vhost /dev/net/tun \
		$GUEST_MAC 10.10.9.2 3600 $GUEST_DEV > "$GUEST_OUT" \
		2> "$GUEST_OUT.err" &
	guest_pid=$!
	await 300 grep -q ready "$GUEST_OUT.err" ||
		{ cat "$GUEST_OUT.err" >&2; return 1; }
	rt ip link set $GUEST_DEV up
}

# What guest-peer counted, as a comment in the console.
guest_stop() {
	[ -n "${guest_pid:-}" ] || return 0
	kill "$guest_pid" 2>/dev/null
	wait "$guest_pid" 2>/dev/null
	guest_pid=
	echo "# $scn: guest-peer: $(tr '\n' ' ' < "$GUEST_OUT" 2>/dev/null)"
}
trap 'guest_stop; topo_del' EXIT
topo_down() {
	guest_stop
	topo_del
	settle
}

# guest_stat NAME: a counter of the tap, as the host sees it (rx: frames
# from the guest).
guest_stat() { rt cat /sys/class/net/$GUEST_DEV/statistics/$1; }

guest_counters() {
	echo "tap: to the guest $(guest_stat tx_packets), dropped" \
		"$(guest_stat tx_dropped), from it $(guest_stat rx_packets)"
}

counters() { guest_counters; }

# The guest was in the path: every frame that left r1 came out of the
# guest. With the sink at r1's egress (lib.sh) they end there, before s0.
verify() {
	local back sunk trapped=0

	back=$(guest_stat rx_packets)
	sunk=$(sv cat /sys/class/net/s0/statistics/rx_packets)
	[ -z "$EGRESS_SINK" ] || trapped=$(tc -n bench-rt -s filter show dev r1 egress |
		awk '$1 == "Sent" { print $4; exit }')
	sunk=$((sunk + ${trapped:-0}))
	# s0 also gets the router's own frames on r1 (IPv6 neighbour
	# discovery): a handful.
	[ "$back" -gt 0 ] && [ "$back" -ge $((sunk - 20)) ] ||
		{ echo "$sunk frames left r1, $back came from the guest"; return 1; }
}
