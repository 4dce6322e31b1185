#!/bin/bash
# The teardown paths again and again while pktgen floods the ingress port
# with new flows: port del/add, chains replaced, the egress device deleted
# and recreated,
# the module unloaded and reloaded, the router's namespace deleted. After
# each round the datapath must forward again, and at the end nothing of it
# is left: no module, no RX handler on the devices.
# NFV_REPEAT (100) sets the count of the quick round, port del/add;
# NFV_REPEAT_SLOW (12) that of the rounds that create devices or
# namespaces or reload the module, each one to five seconds under TCG
# (make check runs this on two kernels; a stress run raises it). The
# namespace round runs half as many. The debug kernel, where a device
# deletion takes ten seconds or more (lockdep, KASAN, rcu_barrier()) and a
# namespace round a minute, runs 20 and 2. The flood is there for the
# races, not for a rate: while r1 is gone every frame takes the slow path
# into an ICMP error (some 2.5 ms on the debug kernel), and a flood that
# keeps a CPU in softirq starves the rest of the test; on a loaded host it
# held the rcu_barrier() of a device deletion for minutes. 1000 frames a
# second, 100 on the debug kernel.
# debug: kmemleak
. "$(dirname "$0")/lib.sh"

case "$(uname -r)" in
*-nfv-debug)
	repeat=${NFV_REPEAT:-20}
	repeat_slow=${NFV_REPEAT_SLOW:-2}
	rate=100
	;;
*)
	repeat=${NFV_REPEAT:-100}
	repeat_slow=${NFV_REPEAT_SLOW:-12}
	rate=1000
	;;
esac
repeat_ns=$(( (repeat_slow + 1) / 2 ))
pg=/proc/net/pktgen

# pktgen in the client's namespace sends new flows out of c0 into r0
# until stopped. Its writer lives there, not in the router's namespace,
# which can then go away under it.
flood_start() {
	need pktgen
	local mac
	mac=$(mac router r0)
	cl sh -c "
		echo rem_device_all > $pg/kpktgend_0
		echo 'add_device c0' > $pg/kpktgend_0
		for c in 'count 0' 'pkt_size 64' 'ratep $rate' 'dst_mac $mac' \
			'src_min 10.0.1.2' 'src_max 10.0.1.2' 'dst 10.0.2.2' \
			'udp_src_min 1' 'udp_src_max 2000' 'flag UDPSRC_RND'; do
			echo \"\$c\" > $pg/c0
		done"
	cl sh -c "echo start > $pg/pgctrl" &
	sleep 1
}

flood_stop() {
	cl sh -c "echo stop > $pg/pgctrl" 2>/dev/null || true
	wait
}

# The server's side of a recreated egress veth, and its neighbour entry.
egress_config() {
	sv ip addr add 10.0.2.2/24 dev s0
	sv ip link set s0 up
	sv ip route add default via 10.0.2.1
	rt ip neigh replace 10.0.2.2 dev r1 \
		lladdr "$(mac server s0)"
}

# Under the flood a single echo may be lost: one reply of three will do.
forwards() { cl ping -c3 -i0.5 -W3 10.0.2.2 >/dev/null; }
nports() { nfvctl -j port show dp0 | jq length; }

# Prints how long the round since the last call took.
took() {
	echo "round: $1 in ${SECONDS}s"
	SECONDS=0
}

router_setup
flood_start
SECONDS=0

tx0=$(stat tx_packets)
for i in $(seq "$repeat"); do
	printf '%s\n' "port del dp0 dev r0" "port add dp0 dev r0" \
		"chain set dp0 dev r0 forward"
done | nfvctl -b -
took "$repeat port del/add"
check_gt "flood forwarded through $repeat port del/add" "$(stat tx_packets)" "$tx0"
check_eq "ports after $repeat port del/add" "$(nports)" 2
check "forwarding after port del/add" forwards

# Chains replaced under the flood: a CPU may still run the old chain when
# it is replaced. The replacement waits for it, then supersedes the old
# chain's flows, which would go within the drain period (2 to 6 s); the
# firewall instance, in no port's chain any more, deletes at once, and
# the flows of the chains it was in go with it.
nfv_fw_load
nfvctl fw add dp0 fw1 policy accept
for i in $(seq 20); do
	printf '%s\n' "chain set dp0 dev r0 fw1 forward" \
		"chain set dp0 dev r0 forward"
done | nfvctl -b -
took "20 chain replacements"
check "the replaced firewall instance deletes at once" nfvctl nf del dp0 fw1
check "forwarding after chain replacements" forwards
tx1=$(stat tx_packets)

# The flood keeps being forwarded out of r1 while it comes and goes (to a
# neighbour entry of its own: s0 stays down until the end); without an
# address on r1 it would all take the slow path into ICMP errors instead.
for i in $(seq "$repeat_slow"); do
	printf '%s\n' "link del r1" "link add r1 type veth peer s0 netns server" \
		"link set r1 up" "addr add 10.0.2.1/24 dev r1" \
		"neigh replace 10.0.2.2 dev r1 lladdr 02:00:00:00:02:02" |
		ip -n router -b -
	printf '%s\n' "port add dp0 dev r1" "chain set dp0 dev r1 forward" |
		nfvctl -b -
done
egress_config
took "$repeat_slow egress device del/add"
check_gt "flood forwarded through them" "$(stat tx_packets)" "$tx1"
check_eq "ports after $repeat_slow egress device del/add" "$(nports)" 2
check "forwarding after egress device del/add" forwards

for i in $(seq "$repeat_slow"); do
	nfv_unload
	nfv_load
	printf '%s\n' "dp add dp0" "port add dp0 dev r0" "port add dp0 dev r1" \
		"chain set dp0 dev r0 forward" "chain set dp0 dev r1 forward" |
		nfvctl -b -
done
took "$repeat_slow module reloads"
check "forwarding after $repeat_slow module reloads" forwards
flood_stop
nfv_unload
check "module unloaded" ! grep -q '^nfv ' /proc/modules
# Each device is free of the RX handler: a bridge can take it.
rt ip link add br0 type bridge
check "r0 released" rt ip link set r0 master br0
check "r1 released" rt ip link set r1 master br0
cleanup

# A lighter router for the namespace round: the egress is a dummy device.
ip netns add client
for i in $(seq "$repeat_ns"); do
	ip netns add router
	ip link add c0 netns client type veth peer r0 netns router
	printf '%s\n' "link set r0 up" "link add r1 type dummy" "link set r1 up" \
		"addr add 10.0.2.1/24 dev r1" | ip -n router -b -
	cl ip link set c0 up
	lsmod | grep -q '^nfv ' || nfv_load
	printf '%s\n' "dp add dp0" "port add dp0 dev r0" "port add dp0 dev r1" \
		"chain set dp0 dev r0 forward" | nfvctl -b -
	flood_start
	ip netns del router
	wait
done
took "$repeat_ns namespace deletions"
check "$repeat_ns router namespaces deleted under flood, each with its devices" \
	gone client c0
cleanup
router_setup
check "a new datapath forwards after them" forwards
nfv_unload
