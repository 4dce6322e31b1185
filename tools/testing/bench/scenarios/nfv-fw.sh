# This project's firewall NF (kmod/fw, nfv_fw.ko), sourced with FW_RULES
# set: the policy of nft-ct in FW_RULES rules. Policy drop, established and
# related accepted first, FW_RULES - 2 rules of four shapes that never
# match this traffic, then the one that admits new connections from r0.
# Established flows run on their cached verdict and never see the rules;
# a new flow runs the classifier (Documentation/nf-fw.rst). The chain on
# both ports: the firewall, then forward.
. "$BENCH/scenarios/nfv-forward.sh"
desc="nfv fw, $FW_RULES rules"
stateful=1

avail() {
	[ -n "${NFV_USE_DKMS:-}" ] || [ -e "$NFV_KMOD/fw/nfv_fw.ko" ] ||
		{ echo "$NFV_KMOD/fw/nfv_fw.ko is not built"; return 1; }
}

# fw_rules RULES IN_PORT: nfvctl fw load's format (Documentation/nf-fw.rst).
fw_rules() {
	echo "policy drop"
	echo "ct state established,related accept"
	awk -v n=$(($1 - 2)) -v port="$2" -f "$BENCH/fw-filler.awk"
	echo "in-port $2 ct state new accept"
}

setup() {
	local port
	nfv_fw_load || return 1
	nfv_dp || return 1
	port=$(bnfvctl -j port show bench | jq -r '.[] | select(.ifname == "r0") | .port')
	[ -n "$port" ] || return 1
	bnfvctl fw add bench fw0 || return 1
	fw_rules "$FW_RULES" "$port" > /tmp/bench-fw-rules
	bnfvctl fw load bench fw0 /tmp/bench-fw-rules || return 1
	bnfvctl chain set bench dev r0 fw0 forward &&
		bnfvctl chain set bench dev r1 fw0 forward
}

counters() {
	echo "$(bnfvctl -j stats bench | jq -c '[.stats, .drops]')" \
		"$(bnfvctl -j fw show bench | jq -c '.[0].stats')"
}
