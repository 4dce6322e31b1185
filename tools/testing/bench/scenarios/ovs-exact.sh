# The OVS kernel datapath with one exact-match flow per connection, what
# vswitchd installs when the pipeline matches on L4 ports (per-connection
# ACLs). Flows are installed up front with ovs-dpctl add-flows.
. "$BENCH/scenarios/ovs.sh"
desc="OVS kernel datapath, exact match per flow"
per_flow=setup
max_flows=${BENCH_OVS_EXACT_MAX:-100000}	# about 2 KiB each

setup() {
	ovs_dp || return 1
	local p a
	p=$(flow_ports "$FLOWS")
	a=$(flow_addrs "$FLOWS")
	awk -v p="$p" -v a="$a" -v port="$OVS_IN" -v act="$(ovs_actions)" 'BEGIN {
		for (i = 1; i <= a; i++)
			for (j = 0; j < p; j++)
				printf "in_port(%d),eth(),eth_type(0x0800),ipv4(src=10.10.1.2,dst=10.20.%d.%d,proto=17,ttl=32,frag=no),udp(src=%d,dst=9) %s\n",
					port, i / 256, i % 256, 1024 + j, act
	}' > /tmp/ovs-flows
	rt ovs-dpctl add-flows bench /tmp/ovs-flows
	rm -f /tmp/ovs-flows
}

# The latency probe's connection (latency.sh), one exact flow each way.
latency_setup() {
	local fwd="src=10.10.1.2,dst=10.20.0.1" back="src=10.20.0.1,dst=10.10.1.2"

	rt ovs-dpctl add-flow bench \
		"in_port($OVS_IN),eth(),eth_type(0x0800),ipv4($fwd,proto=17,ttl=32,frag=no),udp(src=$LAT_CPORT,dst=$LAT_SPORT)" \
		"$(ovs_actions)" &&
	rt ovs-dpctl add-flow bench \
		"in_port($OVS_OUT),eth(),eth_type(0x0800),ipv4($back,proto=17,ttl=32,frag=no),udp(src=$LAT_SPORT,dst=$LAT_CPORT)" \
		"$(ovs_back_actions)"
}
