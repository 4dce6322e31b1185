# The guest as a port of the OVS kernel datapath, four flows as vswitchd
# would install for a service chain: what comes in on r0 or r1 goes to the
# guest's port unchanged; what the guest sends back is routed on as the
# ovs scenario's megaflow does (MAC rewrite, TTL), to r1 for 10.20.0.0/16,
# to r0 for the client, told from what went in by its in_port.
. "$BENCH/scenarios/ovs.sh"
. "$BENCH/scenarios/guest.sh"
desc="OVS kernel datapath, flows through the guest's port, guest-peer -b on a tap via vhost-net"

setup() {
	guest_start || return 1
	ovs_dp || return 1
	rt ovs-dpctl add-if bench $GUEST_DEV || return 1
	local g ip="eth(),eth_type(0x0800),ipv4"
	g=$(ovs_port $GUEST_DEV)
	[ -n "$g" ] || return 1
	rt ovs-dpctl add-flow bench "in_port($OVS_IN),$ip(frag=no)" "$g" &&
	rt ovs-dpctl add-flow bench "in_port($OVS_OUT),$ip(frag=no)" "$g" &&
	rt ovs-dpctl add-flow bench \
		"in_port($g),$ip(dst=10.20.0.0/255.255.0.0,ttl=32,frag=no)" \
		"$(ovs_actions)" &&
	rt ovs-dpctl add-flow bench \
		"in_port($g),$ip(dst=10.10.1.2,ttl=32,frag=no)" \
		"$(ovs_back_actions)"
}

latency_setup() { true; }
counters() { echo "$(guest_counters); $(rt ovs-dpctl show bench | grep -E 'lookups|flows')"; }
