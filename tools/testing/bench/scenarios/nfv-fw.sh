# This project's firewall NF (kmod/fw, nfv_fw.ko), sourced with FW_RULES
# set: FW_RULES - 1 rules that do not match the traffic, then the one that
# accepts it, so that a new flow walks them all; established flows never
# see the rules. The chain: the firewall, then forward.
#
. "$BENCH/scenarios/nfv-forward.sh"
desc="nfv fw, $FW_RULES rules"
stateful=1

avail() {
	[ -n "${NFV_USE_DKMS:-}" ] || [ -e "$NFV_KMOD/fw/nfv_fw.ko" ] ||
		{ echo "$NFV_KMOD/fw/nfv_fw.ko is not built"; return 1; }
}

# nfvctl fw load's format (Documentation/nf-fw.rst).
fw_rules() {
	local i
	for i in $(seq 2 "$1"); do
		echo "proto udp dport $((20000 + i)) accept"
	done
	echo "proto udp accept"
}

setup() {
	nfv_fw_load || return 1
	nfv_dp || return 1
	bnfvctl fw add bench fw0 || return 1
	fw_rules "$FW_RULES" > /tmp/bench-fw-rules
	bnfvctl fw load bench fw0 /tmp/bench-fw-rules || return 1
	bnfvctl chain set bench dev r0 fw0 forward &&
		bnfvctl chain set bench dev r1 fw0 forward
}
