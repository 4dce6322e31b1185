# This project's firewall NF (kmod/fw, nfv_fw.ko), sourced with FW_RULES
# set: FW_RULES - 1 rules that do not match the traffic, then the one that
# accepts it, so that a new flow walks them all; established flows never
# see the rules. The chain: the firewall, then forward.
#
# Hook for the firewall's branch: fw_rules prints the nfvctl commands that
# load N rules into instance fw0 of datapath bench; change it to the
# firewall's real syntax when it lands.
. "$BENCH/scenarios/nfv-forward.sh"
desc="nfv fw, $FW_RULES rules"
stateful=1
FW_KO=${NFV_FW_MODULE:-$top/kmod/fw/nfv_fw.ko}

avail() {
	[ -e "$FW_KO" ] || { echo "$FW_KO is not built"; return 1; }
}

fw_rules() {
	local i
	for i in $(seq 2 "$1"); do
		echo "fw rule add bench fw0 proto udp dport $((20000 + i)) accept"
	done
	echo "fw rule add bench fw0 iif r0 proto udp accept"
}

setup() {
	grep -q '^nfv_fw ' /proc/modules || insmod "$FW_KO" || return 1
	nfv_dp || return 1
	bnfvctl nf add bench fw0 type fw || return 1
	fw_rules "$FW_RULES" | rt "$NFVCTL" -b - || return 1
	bnfvctl chain set bench dev r0 fw0 forward &&
		bnfvctl chain set bench dev r1 fw0 forward
}
