# SPDX-License-Identifier: GPL-2.0
# NF start time and chain swaps under traffic (issue 22), sourced by
# bench-in-vm.sh after lib.sh; the prober is nfstart.c (its header says
# what it measures). Prints nfstart's BENCH-NFSTART, BENCH-NFSWAP,
# BENCH-NFLOSS and BENCH-NFLOST lines, BENCH-FAIL,nfstart,WHY if the
# prober cannot run or a start's frame never crossed the new instance.

# The prober, built on the host by make (build-nfstart.sh); built here
# only if missing or older than its source.
nfstart_bin() {
	NFSTART=$top/build/nfstart
	[ -x "$NFSTART" ] && [ ! "$NFSTART" -ot "$BENCH/nfstart.c" ] && return 0
	NFSTART=/tmp/nfstart
	"$BENCH/build-nfstart.sh" "$NFSTART" >&2
}

# The firewall's rules for the starts and swaps: nfv-fw.sh's policy in
# 100 rules, new connections admitted from r0.
NFSTART_RULES=100

# nfstart_kind KIND STARTS: STARTS starts of an NF of that kind and a
# chain on r0 through it, each on a new datapath (the teardown, untimed,
# deletes it and makes it again, so no start meets what the last left).
nfstart_kind() {
	local kind=$1 n=$2 rules=/tmp/bench-nfstart-rules
	local td=(-t "dp del bench" -t "dp add bench" -t "port add bench dev r0"
		  -t "port add bench dev r1")
	local cmds
	case $kind in
	forward)
		cmds=("nf add bench f{} type forward"
		      "chain set bench dev r0 f{}") ;;
	fw)
		cmds=("fw add bench fw{}" "fw load bench fw{} $rules"
		      "chain set bench dev r0 fw{} forward") ;;
	cgnat)
		cmds=("cgnat add bench cg{} pool 10.10.2.1/32 inside 10.10.1.0/24"
		      "chain set bench dev r0 cg{} forward") ;;
	esac
	rt "$NFSTART" start -n "$n" -k "$kind" "${td[@]}" "${cmds[@]}"
}

# nfstart_swap SWAPS: r0's chain replaced SWAPS times under traffic in
# both directions, alternately by a new firewall instance with the same
# rules then forward (A) and by forward alone (B); r1 keeps fw0 forward.
# The instances stay until the datapath goes (up to 250 of them: about
# 500 swaps): deleting one right after the swap that freed it finds it
# still held until the old chain's grace period ends.
nfstart_swap() {
	local rules=/tmp/bench-nfstart-rules
	bnfvctl fw add bench fw0 && bnfvctl fw load bench fw0 "$rules" &&
		bnfvctl chain set bench dev r0 fw0 forward &&
		bnfvctl chain set bench dev r1 fw0 forward || return 1
	rt "$NFSTART" swap -n "$1" \
		-A "fw add bench w{};fw load bench w{} $rules;chain set bench dev r0 w{} forward" \
		-B "chain set bench dev r0 forward" ||
		return 1
	# What dropped the frames lost, if any.
	echo "BENCH-INFO,nfstart_swap_drops,$(bnfvctl -j stats bench | jq -c .drops)"
}

# nfstart_dp: the datapath and its ports, and the rules for r0's port
# (the same number in every datapath made the same way).
nfstart_dp() {
	local port
	bnfvctl dp add bench && bnfvctl port add bench dev r0 &&
		bnfvctl port add bench dev r1 || return 1
	port=$(bnfvctl -j port show bench | jq -r '.[] | select(.ifname == "r0") | .port')
	fw_rules "$NFSTART_RULES" "$port" > /tmp/bench-nfstart-rules
}

# nfstart_run STARTS SWAPS KINDS: the whole phase, one topology.
nfstart_run() {
	local starts=$1 swaps=$2 kinds=$3 kind rc=0
	nfstart_bin || { echo "BENCH-FAIL,nfstart,the prober does not build"; return 1; }
	topo_up || { echo "BENCH-FAIL,nfstart,topology"; return 1; }
	# Its frames must reach s0.
	sink_egress_off
	nfv_fw_load || { echo "BENCH-FAIL,nfstart,nfv_fw"; return 1; }
	FW_RULES=$NFSTART_RULES
	. "$BENCH/scenarios/nfv-fw.sh"
	for kind in $kinds; do
		if [ "$kind" = cgnat ] && ! nfv_cgnat_load 2> /dev/null; then
			echo "BENCH-SKIP,nfstart-cgnat,all,nfv_cgnat.ko does not load"
			continue
		fi
		echo "bench: ${SECONDS}s: NF start time, $kind, $starts starts" >&2
		nfstart_dp || { rc=1; break; }
		nfstart_kind "$kind" "$starts" ||
			{ echo "BENCH-FAIL,nfstart,$kind: a start failed or its frame never came"; rc=1; }
		bnfvctl dp del bench
	done
	if [ "$swaps" -gt 0 ]; then
		echo "bench: ${SECONDS}s: chain swaps under traffic, $swaps swaps" >&2
		nfstart_dp && nfstart_swap "$swaps" ||
			{ echo "BENCH-FAIL,nfstart,chain swaps"; rc=1; }
		bnfvctl dp del bench
	fi
	# No memory measured here: no need to wait for it (topo_down).
	topo_del
	return $rc
}
