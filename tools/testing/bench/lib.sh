# SPDX-License-Identifier: GPL-2.0
# Shared by the benchmark scenarios; sourced, runs inside the test VM as root.
#
# One topology for every scenario, two network namespaces: the tester
# (bench-sv: the traffic's source and its sink) and the router (bench-rt):
#
#   bench-sv  x0 ──── r0  bench-rt  r1 ──── s0  bench-sv
#                    10.10.1.1  10.10.2.1
#                     10.20.0.0/16 via 10.10.2.2
#
# pktgen transmits on x0 (its default xmit mode), so r0 receives each frame
# through the veth pair as from a wire: from 10.10.1.2, UDP, to 10.20.0.1
# and up. pktgen keeps a reference on the skb until the receive softirq
# has run, so veth would hand r0 a shared skb; an XDP program that passes
# everything, attached to r0 and r1, makes veth copy it into a private one
# first (xdp-pass.py), as a NIC's driver builds its own (INJECT=xdp, the
# default). INJECT=xmit leaves the XDP program out; INJECT=netif_receive is
# the older injection straight into r0's receive path from bench-rt (a
# shared skb too). What the scenario under test forwards out of r1 is
# counted and consumed at r1's egress hook (tc, matchall, action trap:
# the transmit reports success, as a NIC's queue would take the frame),
# after everything the scenario does and before veth's transmit, which
# would make s0 receive it: a veth pair's copy and a second receive in
# the tester's namespace cost more than a NIC's transmit, alike for
# every scenario, and would measure the harness. The latency and NF
# start phases need frames to arrive and take the sink off
# (sink_egress_off); then, and with SINK=peer, the forwarded frames
# are counted on s0 (its rx_packets are r1's veth's deliveries), and
# dropped there by a tc rule. Replies, used to establish the flows in
# both directions, are sent on s0 into r1 and sink on x0.
#
# Flow counts: P source ports times A destination addresses, P and A coprime
# and both sequential, so the frames visit every one of the P * A flows in
# turn, each once per P * A frames: no locality, and a warm-up of exactly
# P * A frames creates them all.

. "$(dirname "${BASH_SOURCE[0]}")/../selftests/lib.sh"
set +e
BENCH=$top/tools/testing/bench
PG=/proc/net/pktgen
# Idle timeout for UDP flows in every stateful table: a million flows come
# back once a minute or less often at this VM's rates, longer than the
# defaults (conntrack: 30 s unreplied; nfv: 60 s).
UDP_TIMEOUT=600
INJECT=${INJECT:-xdp}
SINK=${SINK:-egress}
XDP_PIN=/tmp/bench-bpf/xdp_pass

rt() { ip netns exec bench-rt "$@"; }
sv() { ip netns exec bench-sv "$@"; }
bnfvctl() { rt "$NFVCTL" "$@"; }

# flow_ports FLOWS, flow_addrs FLOWS: the coprime factors of a flow count.
flow_ports() {
	case $1 in
	1) echo 1 ;;
	1000) echo 1000 ;;
	100000) echo 3125 ;;
	1000000) echo 15625 ;;
	*) echo "$1" ;;
	esac
}
flow_addrs() { echo $(($1 / $(flow_ports "$1"))); }

# One ip and one tc batch per namespace, not a process a command: every
# point of every scenario sets the topology up again, 61 times in a
# default run, and a process costs the VM about 20 million instructions
# (56 processes took 1.0 to 1.2 guest seconds under the instruction
# clock, these 19 take 0.3 to 0.5).
topo_up() {
	local xdp=
	need veth
	topo_del
	ip netns add bench-rt
	ip netns add bench-sv
	# No IPv6 on the ports: a port coming up sends router solicitations
	# and MLD reports for seconds, which the sinks would count as
	# forwarded frames (nfv-cgnat's verify saw one more than it sent).
	rt sysctl -qw net.ipv6.conf.default.disable_ipv6=1 net.ipv4.ip_forward=0
	sv sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	ip link add x0 netns bench-sv type veth peer r0 netns bench-rt
	ip link add r1 netns bench-rt type veth peer s0 netns bench-sv
	if [ "$INJECT" = xdp ]; then
		xdp_load || return 1
		xdp="link set dev r0 xdpdrv pinned $XDP_PIN
link set dev r1 xdpdrv pinned $XDP_PIN"
	fi
	read -r X0 S0 <<< "$(macs bench-sv x0 s0)"
	read -r R0 R1 <<< "$(macs bench-rt r0 r1)"
	# Static neighbours: no ARP in the measured path.
	ip -n bench-rt -batch - <<-EOF || return 1
	addr add 10.10.1.1/24 dev r0
	addr add 10.10.2.1/24 dev r1
	link set lo up
	link set r0 up
	link set r1 up
	$xdp
	route add 10.20.0.0/16 via 10.10.2.2
	neigh replace 10.10.2.2 dev r1 lladdr $S0
	neigh replace 10.10.1.2 dev r0 lladdr $X0
	EOF
	ip -n bench-sv -batch - <<-EOF || return 1
	link set x0 up promisc on
	link set s0 up promisc on
	EOF
	sinks bench-sv x0 s0
	# Where frames go: a router's port by default; scenarios may change it.
	FWD_MAC=$R0
	REPLY_MAC=$R1
	REPLY_DST=10.10.1.2
	EGRESS_SINK=
	[ "$SINK" = egress ] || return 0
	# Without it frames would be counted on s0, a figure of another kind.
	if ! tc -n bench-rt -batch - <<-EOF
	qdisc add dev r1 clsact
	filter add dev r1 egress pref 1 matchall action trap
	EOF
	then
		echo "BENCH-FAIL,${scn:-topology},no sink at r1's egress"
		return 1
	fi
	EGRESS_SINK=1
}

# macs NS DEV...: the devices' MAC addresses, in that order, on one line.
macs() {
	local ns=$1

	shift
	ip -n "$ns" -br link | awk -v devs="$*" '
		{ sub(/@.*/, "", $1); mac[$1] = $3 }
		END { n = split(devs, d, " ")
		      for (i = 1; i <= n; i++) printf "%s%s", mac[d[i]], i < n ? " " : "\n" }'
}

# The XDP_PASS program, loaded and pinned once per boot.
xdp_load() {
	[ -e "$XDP_PIN" ] && return 0
	mkdir -p "${XDP_PIN%/*}"
	mountpoint -q "${XDP_PIN%/*}" || mount -t bpf bpf "${XDP_PIN%/*}" || return 1
	python3 "$BENCH/xdp-pass.py" "$XDP_PIN"
}

# sinks NS DEV...: count and drop everything that arrives on the devices
# (promiscuous, topo_up: frames to any MAC).
sinks() {
	local ns=$1 dev

	shift
	for dev in "$@"; do
		echo "qdisc add dev $dev clsact"
		echo "filter add dev $dev ingress matchall action drop"
	done | tc -n "$ns" -batch -
}

# clsact DEV NS: the clsact qdisc, if the device has none yet.
clsact() {
	tc -n "$2" qdisc show dev "$1" | grep -q '^qdisc clsact' ||
		tc -n "$2" qdisc add dev "$1" clsact
}

# For the phases that need frames to reach s0: no sink at r1's egress.
sink_egress_off() {
	[ -n "$EGRESS_SINK" ] || return 0
	rt tc filter del dev r1 egress pref 1
	EGRESS_SINK=
}

topo_del() {
	ip netns del bench-rt 2>/dev/null
	ip netns del bench-sv 2>/dev/null
}

topo_down() {
	topo_del
	settle
}

# Waits for a deleted namespace's memory to come back (conntrack tables
# are freed from a worker): slab stops shrinking.
settle() {
	local prev=0 cur i
	for i in $(seq 120); do
		cur=$(awk '/^Slab:/ {print $2}' /proc/meminfo)
		[ "$cur" -ge "$prev" ] && [ "$i" -gt 2 ] && break
		prev=$cur
		sleep 0.5
	done
}

# traffic DIR FLOWS SIZE COUNT SECONDS [DPORT]: sends frames in one
# direction, fwd into r0 or reply into r1, COUNT of them or (COUNT 0) for
# SECONDS, and prints "usec offered forwarded refused". RATEP: at most so
# many frames a second (pktgen's ratep, an absolute schedule), not as
# fast as it can; TRAFFIC_DURING: with COUNT 0, a command for the
# tester's namespace to run from pktgen's first frame on, instead of the
# SECONDS (the latency phase's probe under load). Refused, the
# frames the veth would not take (its ring full), which pktgen does not
# count as sent but which used up their tuples. Forwarded frames are those
# the far port's veth delivered to its peer's sink; with count_in=1 (the
# floor scenario), the frames offered. One shell does it all:
# a process costs tens of milliseconds in the VM.
traffic() {
	local dir=$1 flows=$2 size=$3 count=$4 secs=$5 dport=${6:-9}
	local p a last dev cnt ns=bench-sv out cmds parts c mode=""
	p=$(flow_ports "$flows")
	a=$(flow_addrs "$flows")
	last=10.20.$((a / 256)).$((a % 256))
	p=$((1024 + (p > 1 ? p : 0)))
	if [ "$dir" = fwd ]; then
		dev=x0 cnt=s0 out=r1
		cmds="src_mac $X0;dst_mac $FWD_MAC;src_min 10.10.1.2;src_max 10.10.1.2"
		cmds+=";dst_min 10.20.0.1;dst_max $last;udp_src_min 1024"
		cmds+=";udp_src_max $p;udp_dst_min $dport;udp_dst_max $dport"
	else
		dev=s0 cnt=x0 out=r0
		cmds="src_mac $S0;dst_mac $REPLY_MAC;src_min 10.20.0.1;src_max $last"
		cmds+=";dst_min $REPLY_DST;dst_max $REPLY_DST;udp_src_min $dport"
		cmds+=";udp_src_max $dport;udp_dst_min 1024;udp_dst_max $p"
	fi
	cnt="read -r COUNT < /sys/class/net/$cnt/statistics/rx_packets"
	if [ "$INJECT" = netif_receive ]; then
		# Into the router's port's receive path, counted on the far port.
		[ "$dev" = x0 ] && dev=r0 || dev=r1
		ns=bench-rt
		cnt="read -r COUNT < /sys/class/net/$out/statistics/tx_packets"
		mode="xmit_mode netif_receive;"
	fi
	# "Sent BYTES bytes PACKETS pkt" of the sink's trap action.
	[ "$out" != r1 ] || [ -z "$EGRESS_SINK" ] ||
		cnt="COUNT=\$(tc -n bench-rt -s filter show dev r1 egress | tc_count)"
	# xmit_mode before anything else: it resets the burst. veth takes
	# neither clone_skb nor burst (no IFF_TX_SKB_SHARING). One write per
	# command, as pktgen wants; only shell builtins between the writes
	# and the counters, as every process costs.
	cmds="${mode}count $count;pkt_size $size;clone_skb 0;burst 1;delay 0;$cmds"
	[ -z "${RATEP:-}" ] || cmds+=";ratep $RATEP"
	local during="sleep $secs"
	[ -z "${TRAFFIC_DURING:-}" ] ||
		during="until pg_running; do :; done; $TRAFFIC_DURING || :"
	IFS=';' read -ra parts <<< "$cmds"
	cmds=""
	for c in "${parts[@]}"; do
		cmds+="echo '$c' > \$pg/$dev"$'\n'
	done
	ip netns exec "$ns" sh -s <<-EOF
	set -e
	pg=$PG
	pg_running() {
		while read -r l; do
			case \$l in pkts-sofar:*)
				set -- \$l
				[ "\$2" -gt 0 ]
				return
			esac
		done < \$pg/$dev
		return 1
	}
	echo rem_device_all > \$pg/kpktgend_0
	# The thread removes them when it next runs: a busy host delays it.
	for d in x0 s0 r0 r1; do
		while [ -e \$pg/\$d ]; do sleep 0.1; done
	done
	tc_count() {
		while read -r l; do
			case \$l in Sent*)
				set -- \$l
				echo "\$4"
				return
			esac
		done
	}
	echo "add_device $dev" > \$pg/kpktgend_0
	$cmds
	${cnt//COUNT/before}
	if [ "$count" = 0 ]; then
		echo start > \$pg/pgctrl &
		$during
		echo stop > \$pg/pgctrl
		wait
	else
		echo start > \$pg/pgctrl
	fi
	${cnt//COUNT/after}
	# "Result: OK: USEC(c...+d...) usec, PACKETS (64byte,0frags)"
	refused=0
	while read -r l; do
		case \$l in
		pkts-sofar:*errors:*)
			refused=\${l##*errors: } ;;
		Result:*)
			l=\${l#*OK: }
			usec=\${l%%(*}
			set -- \${l#*usec, }
			fwd=\$((after - before))
			# A scenario that forwards nothing counts what it took in:
			# the frames pktgen got the veth to accept.
			[ "$count_in" = 1 ] && fwd=\$1
			echo "\$usec \$1 \$fwd \$refused"
		esac
	done < \$pg/$dev
	EOF
}

# Kernel memory that tables can use, in bytes: slab, vmalloc, per-CPU.
mem_bytes() {
	awk '/^(Slab|VmallocUsed|Percpu):/ { s += $2 } END { print s * 1024 }' \
		/proc/meminfo
}
slab_bytes() { awk '/^Slab:/ { print $2 * 1024 }' /proc/meminfo; }
slabinfo() { awk 'NR > 2 { print $1, $3 * $4 }' /proc/slabinfo | sort; }

# slab_top BEFORE AFTER: the three caches that grew most, "name:bytes".
slab_top() {
	join "$1" "$2" | awk '{ d = $3 - $2; if (d > 0) print d, $1 }' |
		sort -rn | head -n 3 | awk '{ printf "%s%s:%d", (NR > 1 ? " " : ""), $2, $1 }'
}
