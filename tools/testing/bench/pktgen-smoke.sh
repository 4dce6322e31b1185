#!/bin/bash
# Throughput smoke: pktgen injects 64-byte UDP frames straight into the RX
# path of the router's ingress port (xmit_mode netif_receive), the datapath
# forwards them to the server side, and the rate is printed. A figure, not a
# test: it fails only if the datapath forwarded nothing.
#
# With RULES, the ingress chain is a firewall (nfv_fw.ko) with that many
# rules in front of forward, and nothing is allowed: every packet is a new
# flow that runs the rule lookup and is dropped. The rate then measures the
# classifier (Documentation/nf-fw.rst, "Rule lookup").
#
# Runs inside the test VM (root, modules available).
# Usage: pktgen-smoke.sh [PACKETS] [FLOWS] [RULES]
set -euo pipefail

. "$(dirname "$0")/../selftests/lib.sh"
nfvctl=$NFVCTL
packets=${1:-200000}
flows=${2:-1000}
rules=${3:-}

cleanup() { ip netns del bench-rt 2>/dev/null || true; ip netns del bench-sv 2>/dev/null || true; }
trap cleanup EXIT

need veth
need pktgen
grep -q '^nfv ' /proc/modules || nfv_load

ip netns add bench-rt
ip netns add bench-sv
ip -n bench-rt link add r0 type veth peer x0
ip link add r1 netns bench-rt type veth peer s0 netns bench-sv
ip -n bench-rt addr add 10.10.1.1/24 dev r0
ip -n bench-rt addr add 10.10.2.1/24 dev r1
ip -n bench-sv addr add 10.10.2.2/24 dev s0
for l in r0 x0 r1 lo; do ip -n bench-rt link set "$l" up; done
ip -n bench-sv link set s0 up
# A static neighbour: no ARP in the measured path.
ip -n bench-rt neigh replace 10.10.2.2 dev r1 \
	lladdr "$(ip -n bench-sv -br link show s0 | awk '{print $3}')"

rt() { ip netns exec bench-rt "$@"; }
rt "$nfvctl" dp add bench max-flows $((flows * 2 + 1024))
rt "$nfvctl" port add bench dev r0
rt "$nfvctl" port add bench dev r1
rt "$nfvctl" chain set bench dev r0 forward
rt "$nfvctl" chain set bench dev r1 forward
if [ -n "$rules" ]; then
	nfv_fw_load
	# Four shapes of rule, none of which lets this traffic in.
	{ echo "policy drop"; awk -v n="$rules" -v port=2 -f "$(dirname "$0")/fw-filler.awk"; } \
		> /tmp/bench-rules
	rt "$nfvctl" fw add bench fw1
	rt "$nfvctl" fw load bench fw1 /tmp/bench-rules
	rt "$nfvctl" chain set bench dev r0 fw1 forward
	echo "pktgen-smoke: $rules rules in $(rt "$nfvctl" -j fw show bench |
		jq '.[0].subtables') subtables"
fi

mac=$(rt ip -br link show r0 | awk '{print $3}')
pg=/proc/net/pktgen
rt sh -c "echo 'rem_device_all' > $pg/kpktgend_0; echo 'add_device r0' > $pg/kpktgend_0"
pgset() { rt sh -c "echo '$1' > $pg/r0"; }
pgset "xmit_mode netif_receive"	# before burst: veth cannot share skbs
pgset "count $packets"
pgset "pkt_size 64"
pgset "burst 32"
pgset "dst_mac $mac"
pgset "src_min 10.10.1.2"
pgset "src_max 10.10.1.2"
pgset "dst 10.10.2.2"
pgset "udp_src_min 1024"
pgset "udp_src_max $((1023 + flows))"
pgset "udp_dst_min 9"
pgset "udp_dst_max 9"
rt sh -c "echo start > $pg/pgctrl"

pps=$(rt sed -n 's/^ *\([0-9]*\)pps.*/\1/p' $pg/r0)
if [ -n "$rules" ]; then
	tx=$(rt "$nfvctl" -j fw show bench | jq '.[0].stats.policy')
	what="dropped by $rules rules"
else
	tx=$(rt "$nfvctl" -j stats bench | jq '.stats.tx_packets')
	what=forwarded
fi
echo "pktgen-smoke: kernel $(uname -r), $(nproc) CPUs, $flows flows, $packets packets"
awk -v p="$pps" -v t="$tx" -v w="$what" 'BEGIN { printf "pktgen-smoke: %.3f Mpps offered, %d %s\n", p / 1e6, t, w }'
[ "${tx:-0}" -gt 0 ]
