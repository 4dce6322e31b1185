#!/bin/bash
# The netlink ABI against its last frozen version, the baseline commit of
# tools/testing/abi/baseline (built on the host by scripts/abi-baseline.sh
# into build/abi-base/HASH, or NFV_ABI_BASE):
#  (a) the baseline's nfvctl drives HEAD's modules,
#  (b) HEAD's nfvctl drives the baseline's modules,
# each through dp, port, fw, chain, traffic, flow show and flush; and
#  (c) a command HEAD's nfvctl has and the baseline's modules lack fails
# with exit 2 and a message naming it, as do nfv_fw's tcp-loose, TCP
# flags, reject types, rule handles and per-source limits.
# debug: skip the ABI is the same on every kernel, and half is the baseline's
. "$(dirname "$0")/lib.sh"

hash=$(awk '$1 == "commit" { print $2 }' "$top/tools/testing/abi/baseline")
base=${NFV_ABI_BASE:-$top/build/abi-base/$hash}
base_kmod=$base/$(uname -r)/kmod
head_nfvctl=$NFVCTL
for f in "$base/nfvctl" "$base_kmod/nfv.ko" "$base_kmod/fw/nfv_fw.ko" \
	"$base/src/Documentation/netlink/specs/nfv.yaml"; do
	[ -e "$f" ] || fail "the ABI baseline $hash is not built: no $f" \
		"(on the host: scripts/abi-baseline.sh $(uname -r); make" \
		"selftests and make check do it)"
done
echo "baseline: $hash, $("$base/nfvctl" -V)"

# jq_check WHAT FILTER COMMAND...: the command's JSON makes FILTER true.
jq_check() {
	local what=$1 filter=$2 out
	shift 2
	out=$("$@") || fail "$what: '$*' failed"
	jq_true "$filter" <<<"$out" || fail "$what: '$*' gave $out"
	passed "$what"
}

# The same configuration, traffic and reads through whichever nfvctl
# NFVCTL names, against whichever modules are loaded. WHO names the pair.
scenario() {
	local who=$1 srv

	netns_setup
	ip -n router link add x0 type veth peer x1
	ip -n router link set x0 up
	check "$who: dp add" nfvctl dp add dp0 max-flows 5000 timeout icmp 20
	jq_check "$who: dp show" '.[0] | .name == "dp0" and .flows == 0 and
		.max_flows == 5000 and .timeouts.icmp == 20 and .buckets >= 1024' \
		nfvctl -j dp show dp0
	check "$who: dp set" nfvctl dp set dp0 max-flows 6000 timeout udp 40
	jq_check "$who: dp show after dp set" '.[0] | .max_flows == 6000 and
		.timeouts.udp == 40 and .timeouts.icmp == 20' nfvctl -j dp show dp0

	check "$who: port add" nfvctl port add dp0 dev r0
	check "$who: port add" nfvctl port add dp0 dev r1
	check "$who: port add with a zone" nfvctl port add dp0 dev x0 zone 7
	jq_check "$who: port show" 'map({(.ifname): [.port, .zone, .chain]}) |
		add == {"r0": [1, 0, []], "r1": [2, 0, []], "x0": [3, 7, []]}' \
		nfvctl -j port show dp0
	check "$who: port del" nfvctl port del dp0 dev x0
	jq_check "$who: port show after port del" 'map(.ifname) == ["r0", "r1"]' \
		nfvctl -j port show dp0

	# In: TCP to 5001 and pings from the client's side; the policy drops
	# the rest, TCP to 5002 among it. Ports and states cross as the ABI
	# encodes them: a byte order nfvctl and the module disagreed on would
	# let nothing to 5001 through.
	check "$who: fw add" nfvctl fw add dp0 fw1 policy drop
	check "$who: fw rule add" nfvctl fw rule add dp0 fw1 \
		ct state established,related accept
	check "$who: fw rule add" nfvctl fw rule add dp0 fw1 \
		in-port r0 src 10.0.1.0/24 proto tcp dport 5001 ct state new accept
	check "$who: fw rule add" nfvctl fw rule add dp0 fw1 \
		in-port r0 proto icmp icmp-type 8 ct state new accept
	jq_check "$who: fw rule list" 'map([.pos, .in_port, .src, .proto, .dport,
		.icmp_type, .ct_state, .action]) == [
		[0, null, null, null, null, null, ["established", "related"], "accept"],
		[1, 1, "10.0.1.0/24", "tcp", "5001", null, ["new"], "accept"],
		[2, 1, null, "icmp", null, 8, ["new"], "accept"]]' \
		nfvctl -j fw rule list dp0 fw1
	jq_check "$who: fw show" '.[0] | .name == "fw1" and .policy == "drop" and
		.rules == 3' nfvctl -j fw show dp0
	check "$who: chain set" nfvctl chain set dp0 dev r0 fw1 forward
	check "$who: chain set" nfvctl chain set dp0 dev r1 fw1 forward
	jq_check "$who: port show with chains" \
		'map(.chain) == [["fw1", "forward"], ["fw1", "forward"]]' \
		nfvctl -j port show dp0

	check "$who: ping through the firewall" cl ping -c2 -W2 10.0.2.2
	tcp_send 100000 || fail "$who: TCP to port 5001 did not get through"
	check_received
	ip netns exec server socat -u TCP-LISTEN:5002,reuseaddr - > /dev/null &
	srv=$!
	listening server -t 5002
	check "$who: TCP to port 5002 is dropped" \
		tcp_unanswered client TCP:10.0.2.2:5002
	kill "$srv"

	# The stream's bytes, not its packets: GRO and GSO on the veths
	# carry 100,000 bytes in a handful of segments, answered by as few
	# ACKs (6 on 6.12), and the counters below as few packets.
	jq_check "$who: flow show" '
		(map(select(.proto == "icmp"))[0] | .family == "ipv4" and
		 .in_port == 1 and .orig.src == "10.0.1.2" and
		 .orig.dst == "10.0.2.2" and .orig.packets == 2 and
		 .reply.packets == 2 and .orig.result == "forward" and
		 .nf[0].name == "fw1") and
		(map(select(.proto == "tcp" and .orig.dport == 5001))[0] |
		 .orig.bytes >= 100000 and .reply.packets >= 3 and
		 .reply.sport == 5001 and .orig.result == "forward")' \
		nfvctl -j flow show dp0
	jq_check "$who: stats" '.name == "dp0" and .stats.rx_packets > 10 and
		.stats.tx_packets > 10 and .stats.fast_packets > 0 and
		.stats.flows_created >= 2 and .drops.chain >= 1' \
		nfvctl -j stats dp0
	jq_check "$who: fw show counters" '.[0].stats | .new >= 2 and
		.accept >= 2 and .policy >= 1' nfvctl -j fw show dp0
	jq_check "$who: rule counters" 'map(.packets >= 1) | all' \
		nfvctl -j fw rule list dp0 fw1

	check "$who: flow flush" nfvctl flow flush dp0
	jq_check "$who: no flows after the flush" 'length == 0' \
		nfvctl -j flow show dp0
	check "$who: chain set back" nfvctl chain set dp0 dev r0 forward
	check "$who: chain set back" nfvctl chain set dp0 dev r1 forward
	# The flushed flows release the instance after a grace period.
	check "$who: fw del" await 100 nfvctl fw del dp0 fw1
	check "$who: dp del" nfvctl dp del dp0
	jq_check "$who: no datapath left" 'length == 0' nfvctl -j dp show
	cleanup
}

# (a) HEAD's modules (from DKMS or NFV_KMOD), the baseline's nfvctl.
nfv_fw_load
NFVCTL=$base/nfvctl
scenario "baseline nfvctl, HEAD's modules"
nfv_unload || fail "HEAD's modules did not unload"

# (b) The baseline's modules, HEAD's nfvctl.
insmod "$base_kmod/nfv.ko"
insmod "$base_kmod/fw/nfv_fw.ko"
check_eq "the baseline's nfv is loaded" "$(cat /sys/module/nfv/srcversion)" \
	"$(modinfo -F srcversion "$base_kmod/nfv.ko")"
NFVCTL=$head_nfvctl
scenario "HEAD's nfvctl, baseline modules"

# A configuration attribute HEAD's nfv_fw has and the baseline's lacks:
# the module refuses it, and nfvctl says which the module lacks.
netns_setup
nfvctl dp add dpabi
err=$(nfvctl fw add dpabi fwabi tcp-loose off 2>&1 >/dev/null) && rc=0 || rc=$?
check_eq "fw add tcp-loose on the baseline's nfv_fw: exit status" "$rc" 2
grep -q "module lacks tcp-loose" <<<"$err" ||
	fail "fw add tcp-loose: the message does not say what lacks it: $err"
passed "fw add tcp-loose refused: $err"
# Rule attributes it lacks: nfvctl asks the instance which it knows and
# refuses before sending, as the module would.
nfvctl fw add dpabi fwabi
for rule in "add dpabi fwabi proto tcp tcp-flags syn/syn,ack accept" \
	"add dpabi fwabi proto tcp dport 22 reject-with admin-prohibited reject" \
	"add dpabi fwabi proto tcp limit-per-source 10/second accept" \
	"add dpabi fwabi count-per-source over 2 drop" \
	"del dpabi fwabi handle 1"; do
	err=$(nfvctl fw rule $rule 2>&1 >/dev/null) && rc=0 || rc=$?
	check_eq "fw rule $rule on the baseline's nfv_fw: exit status" "$rc" 2
	grep -q "fw module .*update it" <<<"$err" ||
		fail "fw rule $rule: the message does not say what lacks it: $err"
done
# A port kind the baseline lacks (version 5): refused before sending.
err=$(nfvctl port add dpabi guest vm0 2>&1 >/dev/null) && rc=0 || rc=$?
check_eq "port add guest on the baseline's nfv: exit status" "$rc" 2
grep -q "does not support guest ports" <<<"$err" ||
	fail "port add guest: the message does not say what lacks it: $err"
passed "port add guest refused: $err"
nfvctl dp del dpabi
cleanup

# (c) Commands HEAD's spec has and the baseline's lacks: HEAD's nfvctl
# must refuse each against the baseline's modules with exit 2 and a
# message naming it. How nfvctl sends each such command, by the spec's
# name; a command the baseline lacks and this table does not name fails
# the test until it is added.
declare -A invoke=(
)
new=$(python3 - "$top/Documentation/netlink/specs/nfv.yaml" \
	"$base/src/Documentation/netlink/specs/nfv.yaml" <<-EOF
	import sys
	sys.path.insert(0, "$FUZZ")
	import nfvnl
	head, base = (nfvnl.Spec(p) for p in sys.argv[1:])
	print(' '.join(o for o in head.ops if o not in base.ops and
	               not head.ops[o].event))
	EOF
) || fail "cannot compare the specs"
router_setup
# A timeout class the baseline lacks: nested in DP_TIMEOUTS, whose
# policy nfvctl does not read, so known from the version.
err=$(nfvctl dp set dp0 timeout tcp-established 60 2>&1 >/dev/null) &&
	rc=0 || rc=$?
check_eq "(c) a timeout class the baseline lacks: exit status" "$rc" 2
grep -q "timeout class tcp-established" <<<"$err" ||
	fail "(c) the message does not name the class: $err"
passed "(c) timeout class refused: $err"
if [ -z "$new" ]; then
	passed "HEAD's spec has no command the baseline lacks: nothing for (c)"
	exit 0
fi
for op in $new; do
	[ -n "${invoke[$op]:-}" ] || fail "the baseline lacks command $op:" \
		"say how nfvctl sends it in test-abi-compat.sh's table"
	# shellcheck disable=SC2086 # words of a command line
	err=$(nfvctl ${invoke[$op]} 2>&1 >/dev/null) && rc=0 || rc=$?
	check_eq "(c) $op: nfvctl ${invoke[$op]}: exit status" "$rc" 2
	grep -qiE -- "${op}|${op//-/_}" <<<"$err" ||
		fail "(c) $op: the message does not name the command: $err"
	passed "(c) $op refused: $err"
done
