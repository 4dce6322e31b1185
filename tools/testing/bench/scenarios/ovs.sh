# The Open vSwitch kernel datapath, configured with ovs-dpctl, no vswitchd:
# the one megaflow a routing pipeline would install for this traffic
# (MAC rewrite, TTL decrement as a match and a set, output).
desc="OVS kernel datapath, one megaflow"

ovs_dp() {
	modprobe openvswitch || return 1
	rt ovs-dpctl add-dp bench || return 1
	rt ovs-dpctl add-if bench r0 || return 1
	rt ovs-dpctl add-if bench r1 || return 1
	OVS_IN=$(ovs_port r0)
	OVS_OUT=$(ovs_port r1)
}

ovs_port() {
	rt ovs-dpctl show bench | sed -n "s/^ *port \([0-9]*\): $1\$/\1/p"
}

ovs_actions() {
	echo "set(eth(src=$R1,dst=$S0)),set(ipv4(ttl=31)),$OVS_OUT"
}

setup() {
	ovs_dp || return 1
	rt ovs-dpctl add-flow bench \
		"in_port($OVS_IN),eth(),eth_type(0x0800),ipv4(ttl=32,frag=no)" \
		"$(ovs_actions)"
}

entries() {
	rt ovs-dpctl show bench | sed -n 's/.*flows: *\([0-9]*\).*/\1/p'
}

# The latency probe's replies (latency.sh): the megaflow's mirror image.
ovs_back_actions() {
	echo "set(eth(src=$R0,dst=$X0)),set(ipv4(ttl=31)),$OVS_IN"
}

latency_setup() {
	rt ovs-dpctl add-flow bench \
		"in_port($OVS_OUT),eth(),eth_type(0x0800),ipv4(ttl=32,frag=no)" \
		"$(ovs_back_actions)"
}
