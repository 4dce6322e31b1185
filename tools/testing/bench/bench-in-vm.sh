#!/bin/bash
# Runs inside the test VM: every scenario against the same topology and
# traffic (lib.sh), and prints one machine-readable line per measurement
# for the host (bench.sh) to turn into a table, a CSV and a plot:
#
#   BENCH-INFO,key,value
#   BENCH-TPUT,scenario,size,flows,run,usec,offered,forwarded,entries
#   BENCH-RATE,scenario,run,usec,offered,forwarded,new_entries
#   BENCH-MEM,scenario,flows,entries,slab_bytes,all_bytes,empty_bytes,top
#
# Memory: slab, and slab + vmalloc + per-CPU ("all"), grown from the empty
# tables to the warmed ones; empty_bytes is what setting up the scenario
# (its empty tables) took; top names the three slab caches that grew most.
#   BENCH-LAT, BENCH-LATH: latency and jitter, idle and under load
#   (latency.sh)
#   BENCH-PROF,scenario,point,percent,symbol: with -P, where the cycles
#   of one more run go (perf record -a, cpu-clock), symbols of 0.5% or more
#   BENCH-SKIP,scenario,flows,reason
#   BENCH-FAIL,scenario,what
#   BENCH-NFSTART, BENCH-NFSWAP, BENCH-NFLOSS, BENCH-NFLOST: NF start
#   time and chain swaps under traffic (nfstart.sh, nfstart.c)
#
# Throughput: established flows, after a warm-up that creates every flow
# and (for stateful scenarios) answers it once from the server side. The
# connection rate: frames that each open a new connection (RFC 9693's
# connection setup rate), on a table with room for all of them.
#
# Usage: bench-in-vm.sh [-t SECONDS] [-r RUNS] [-f "FLOWS..."] [-s "SIZES..."]
#                       [-z "FLOWS..."] [-n NEW_FLOWS] [-x INJECT] [-T] [-R]
#                       [-S] [-u STARTS] [-w SWAPS] [-p SAMPLES] [-b "LOADS..."]
#                       [-L] [-P] [-N] [-c CLOCK] [SCENARIO...]
# The first size is measured at every flow count, the others at those of -z
# (1000). -T: throughput only, -R: connection rate only, -L: latency only,
# -S: NF start time only (after the scenarios otherwise): STARTS starts of
# each NF kind (100) and SWAPS chain swaps under traffic (100).
# -p: latency samples per load (1000; 0: no latency phase), -b: the
# background loads, percent of the scenario's capacity (0 50 90). -x: how frames
# enter r0 (lib.sh): xdp (default), xmit or netif_receive. -P: after each
# point's runs, one more under perf, not counted in the figures. -N: no
# NF start phase. -c: the VM's
# clock as bench.sh set it up (icount or real), for the record.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/nfstart.sh"
. "$here/latency.sh"

secs=1
runs=5
flow_counts="1 1000 100000 1000000"
sizes="64 1500"
size_flows=1000
new=50000
do_tput=1
do_rate=1
do_nfstart=1
nf_starts=100
nf_swaps=100
do_lat=1
lat_samples=1000
lat_loads="0 50 90"
clock=real
do_prof=
while getopts "t:r:f:s:z:n:x:c:u:w:p:b:TRSLPN" opt; do
	case "$opt" in
	t) secs=$OPTARG ;;
	r) runs=$OPTARG ;;
	f) flow_counts=$OPTARG ;;
	s) sizes=$OPTARG ;;
	z) size_flows=$OPTARG ;;
	n) new=$OPTARG ;;
	x) INJECT=$OPTARG ;;
	c) clock=$OPTARG ;;
	u) nf_starts=$OPTARG ;;
	w) nf_swaps=$OPTARG ;;
	p) lat_samples=$OPTARG ;;
	b) lat_loads=$OPTARG ;;
	T) do_rate= do_nfstart= do_lat= ;;
	R) do_tput= do_nfstart= do_lat= ;;
	S) do_tput= do_rate= do_lat= ;;
	L) do_tput= do_rate= do_nfstart= ;;
	P) do_prof=1 ;;
	N) do_nfstart= ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(floor tc-redirect baseline bridge ovs ovs-exact nft-ct
	nft-masq nft-flowtable nfv-forward nfv-fw-10 nfv-fw-10000 nfv-cgnat
	guest-nfv guest-bridge guest-ovs)

need pktgen
need openvswitch
failed=0
info() { echo "BENCH-INFO,$1,$2"; }
fail() { echo "BENCH-FAIL,$scn,$1"; failed=1; }

info kernel "$(uname -r)"
info cpus "$(nproc)"
info cpu_model "$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)"
info cmdline "$(cat /proc/cmdline)"
info memory_kib "$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)"
info clock "$clock"
info params "seconds=$secs runs=$runs flows=$flow_counts sizes=$sizes (all but the first at $size_flows flows) new=$new inject=$INJECT"
[ -z "$do_nfstart" ] || info nfstart_params "starts=$nf_starts swaps=$nf_swaps"
[ "$lat_samples" -gt 0 ] || do_lat=
[ -z "$do_lat" ] || info latency "samples=$lat_samples loads=$lat_loads interval_us=$LAT_INTERVAL flows=$LAT_FLOWS"

# A scenario's defaults; its file overrides what it needs.
scenario_defaults() {
	desc=$1
	stateful=0	# per-connection state: answered in the warm-up,
			# memory and connection rate measured
	per_flow=0	# memory per flow measured (stateful implies it);
			# "setup": the flows are made by setup, not by packets
	count_in=0	# 1: forwards nothing, count the frames taken in
	replies=1	# 0: the warm-up sends no replies (stateful only)
	max_flows=
	flow_points=	# if set, the only flow counts measured (of -f)
	avail() { true; }
	# verify: after a point's runs, that the scenario did its job (a
	# broken NAT must not yield a figure); prints why not and fails.
	verify() { true; }
	entries() { echo 0; }
	counters() { true; }
}

# warm FLOWS: every flow created, and answered once if the scenario keeps
# state. A stateless scenario has nothing to create: 1,000 frames warm its
# caches. pktgen outruns a slow new-flow path and the veth refuses what its
# ring cannot hold, so a pass may miss flows: the forward pass is sent
# again (up to three times) until the table holds them all, and the
# replies again if the veth refused some. The last forward pass is the
# first established packet of each flow (conntrack marks it assured); it
# covers the first 100,000 flows, more than a measured run reaches at
# these rates (runs start at the first flow), so at a million flows it
# costs a tenth of a pass.
warm() {
	local n=$(($1 > 1000 ? $1 : 1000)) r t=$SECONDS fwd rep got refused
	if [ "$stateful" != 1 ]; then
		traffic fwd "$1" 64 1000 "" > /dev/null
		return
	fi
	for fwd in 1 2 3; do
		traffic fwd "$1" 64 "$n" "" > /dev/null || return 1
		[ "$(entries)" -lt "$1" ] || break
	done
	rep=0
	for rep in $(seq $((replies * 2))); do
		r=$(traffic reply "$1" 64 "$n" "") || return 1
		read -r _ _ got refused <<< "$r"
		[ "$got" -gt 0 ] || { fail "no replies forwarded in the warm-up"; return 1; }
		[ "$refused" -gt 0 ] || break
	done
	traffic fwd "$1" 64 $((n < 100000 ? n : 100000)) "" > /dev/null
	echo "# $scn, $1 flows: warm-up $((SECONDS - t))s, $fwd forward and $rep reply passes"
}

# prof POINT TRAFFIC-ARGS...: one more traffic run under perf (every CPU,
# the cpu-clock event: no PMU under TCG), and its symbols of 0.5% or more.
prof() {
	local point=$1 data=/tmp/bench-perf.data
	shift
	[ -n "$do_prof" ] || return 0
	perf record -q -a -e cpu-clock -o "$data" 2> /dev/null &
	local pid=$!
	# perf is recording once its file has a header.
	await 100 test -s "$data"
	traffic "$@" > /dev/null
	kill -INT "$pid"
	wait "$pid"
	perf report -q -i "$data" --sort sym --stdio --percent-limit 0.5 2> /dev/null |
		awk -v p="BENCH-PROF,$scn,$point," 'NF >= 3 && $1 ~ /%$/ {
			pct = $1; sub(/%$/, "", pct); $1 = ""; $2 = ""
			sub(/^ +/, ""); print p pct "," $0 }'
	rm -f "$data"
}

mem_before() {
	slabinfo > /tmp/slab0
	slab0=$(slab_bytes)
	all0=$(mem_bytes)
}

tput_one() {
	local flows=$1 size run r slab0 all0 slab1 all1 fixed n
	MAXFLOWS=$((flows * 2 > 65536 ? flows * 2 : 65536))
	FLOWS=$flows
	# What the flows cost, apart from what the tables cost empty.
	fixed=$(mem_bytes)
	[ "$per_flow" = setup ] && mem_before
	setup || { fail "setup with $flows flows"; return; }
	[ "$per_flow" = setup ] || mem_before
	fixed=$((all0 - fixed))
	warm "$flows" || { fail "warm-up with $flows flows"; return; }
	n=$(entries)
	if [ "$stateful" = 1 ] || [ "$per_flow" != 0 ]; then
		[ "$n" -ge $((flows * 9 / 10)) ] ||
			fail "only $n table entries for $flows flows"
		slabinfo > /tmp/slab1
		slab1=$(slab_bytes)
		all1=$(mem_bytes)
		echo "BENCH-MEM,$scn,$flows,$n,$((slab1 - slab0)),$((all1 - all0)),$fixed,$(slab_top /tmp/slab0 /tmp/slab1)"
	fi
	for size in $sizes; do
		[ "$size" = "${sizes%% *}" ] || [[ " $size_flows " = *" $flows "* ]] ||
			continue
		# The table's entries once per point, after the last run: a
		# process in the VM costs tens of milliseconds.
		for run in $(seq "$runs"); do
			r=$(traffic fwd "$flows" "$size" 0 "$secs") || { fail "pktgen"; return; }
			set -- $r
			[ "${3:-0}" -gt 0 ] || fail "nothing forwarded ($size bytes, $flows flows)"
			[ "$run" != "$runs" ] || n=$(entries)
			echo "BENCH-TPUT,$scn,$size,$flows,$run,$1,$2,$3,$n"
			latency_note "$flows" "$size" "$1" "$3"
		done
	done
	prof "$flows" fwd "$flows" "${sizes%% *}" 0 "$secs"
	echo "# $scn, $flows flows: $(counters)"
	r=$(verify) || fail "$flows flows: $r"
	[ -z "$r" ] || echo "$r"
	latency_point "$flows"
}

# New flows per second: run k uses destination port 100 + k, so every frame
# of every run opens a connection the table has not seen. The frames walk
# a space of a million tuples, not of NEW: a frame the veth ring drops
# (pktgen's NET_XMIT_DROP) still uses up its tuple, and a space of NEW
# would wrap and repeat the run's first tuples.
RATE_SPACE=1000000
rate_one() {
	local run r n0 n1
	# Room for the runs, the profiled one (-P) and verify()'s inbound flows.
	MAXFLOWS=$(((runs + 1 + ${do_prof:-0}) * new))
	FLOWS=$new
	[ "$new" -le $((RATE_SPACE / 2)) ] ||
		{ fail "more new flows than the rate's tuple space allows"; return; }
	setup || { fail "setup for the connection rate"; return; }
	for run in $(seq "$runs"); do
		n0=$(entries)
		r=$(traffic fwd $RATE_SPACE 64 "$new" "" $((100 + run))) || { fail "pktgen"; return; }
		n1=$(entries)
		set -- $r
		[ "${3:-0}" -gt 0 ] || fail "nothing forwarded (connection rate)"
		echo "BENCH-RATE,$scn,$run,$1,$2,$3,$((n1 - n0))"
	done
	prof new fwd $RATE_SPACE 64 "$new" "" $((101 + runs))
	echo "# $scn, connection rate: $(counters)"
	r=$(verify) || fail "connection rate: $r"
	[ -z "$r" ] || echo "$r"
}

[ -n "$do_tput$do_rate$do_lat" ] || scenarios=()
for scn in "${scenarios[@]}"; do
	f=$here/scenarios/$scn.sh
	[ -f "$f" ] || { echo "bench: no scenario $scn" >&2; failed=1; continue; }
	(
		trap topo_del EXIT
		scenario_defaults "$scn"
		latency_defaults
		. "$f"
		info "desc:$scn" "$desc"
		if ! why=$(avail); then
			echo "BENCH-SKIP,$scn,all,$why"
			exit 0
		fi
		if [ -n "$do_tput" ]; then
			for flows in $flow_counts; do
				if [ -n "$max_flows" ] && [ "$flows" -gt "$max_flows" ]; then
					echo "BENCH-SKIP,$scn,$flows,more than $max_flows flows"
					continue
				fi
				if [ -n "$flow_points" ] && [[ " $flow_points " != *" $flows "* ]]; then
					echo "BENCH-SKIP,$scn,$flows,measured at $flow_points flows only"
					continue
				fi
				echo "bench: ${SECONDS}s: $scn, $flows flows" >&2
				topo_up
				tput_one "$flows"
				topo_down
			done
		fi
		if [ -n "$do_rate" ] && [ "$stateful" = 1 ]; then
			echo "bench: ${SECONDS}s: $scn, connection rate" >&2
			topo_up
			rate_one
			topo_down
		fi
		[ -z "$do_lat" ] || latency_phase
		exit $failed
	) || failed=1
done
if [ -n "$do_nfstart" ]; then
	( nfstart_run "$nf_starts" "$nf_swaps" "forward fw cgnat" ) || failed=1
fi
exit $failed
