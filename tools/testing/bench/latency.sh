# SPDX-License-Identifier: GPL-2.0
# The latency phase of bench-in-vm.sh (sourced): request/response round
# trips through a scenario's router with rtt (rtt.c), idle and under a
# background load of a share of the scenario's capacity, one line each:
#
#   BENCH-LAT,scenario,load_pct,target_pps,offered_pps,samples,lost,min,
#             p50,p99,p999,max,jitter,fwd_p50,rev_p50,rtt_p50
#   BENCH-LATH,scenario,load_pct,low,high,count   (rtt's histogram)
#
# Figures are nanoseconds as the kernel stamps them at the veth pairs
# (under -icount, guest instructions); rtt.c says which stamps.
#
# The prober's two ends live in the tester's namespace, as pktgen's do:
# the client as 10.10.1.2 (pktgen's source) behind x0, the echo server as
# 10.20.0.1 (the first of pktgen's destinations) behind s0. Both
# addresses are local there, so the namespace routes what it sends itself
# by a table of its own ahead of the local one (iif lo): the client's
# requests leave by x0 into r0 with the MAC the scenario's frames carry
# (FWD_MAC), the server's replies by s0 into r1 (REPLY_MAC), and both
# come back in through the local table. The sinks on x0 and s0 let the
# probe's port through ahead of their drop rule.
#
# The phase runs at the end of the 1,000-flow throughput point, on its
# tables, or (without one, or with -L) on a topology set up and warmed for
# it. The background load is the throughput runs' own traffic: pktgen on x0,
# the same 1,000 established flows, 64-byte frames, paced with pktgen's
# ratep at LOAD% of the scenario's median rate at that point, from the
# same boot's throughput runs (measured here, one run, if there were
# none). The probe's frames take the scenario's path as pktgen's do, but
# in both directions, and come from a socket: their first request opens a
# flow of their own, which the unrecorded warm-up requests leave
# established.

LAT_FLOWS=1000
LAT_SPORT=7777		# the server's port
LAT_CPORT=7778		# the client's (the OVS exact-match flows name it)
LAT_INTERVAL=500	# microseconds between requests
RTT=${RTT:-$top/build/bench-rtt}
lat_caps=""

# Before a scenario's file is sourced: what it may override.
latency_defaults() {
	# latency_setup: after setup, what the probe's replies need that
	# the scenario's one-way traffic does not (a flow back, a redirect).
	latency_setup() { true; }
	lat_caps=""
	lat_done=""
}

# latency_note FLOWS SIZE USEC FORWARDED: a throughput run, kept as the
# capacity the background load is a share of.
latency_note() {
	[ "$1" = "$LAT_FLOWS" ] && [ "$2" = 64 ] && [ "$3" -gt 0 ] &&
		lat_caps+=" $(($4 * 1000000 / $3))"
}

# The median of the noted runs, frames per second; empty if none.
latency_capacity() {
	local v=($(printf '%s\n' $lat_caps | sort -n))

	[ ${#v[@]} -gt 0 ] && echo "${v[$(((${#v[@]} - 1) / 2))]}"
}

# rtt built on the host (bench.sh, scripts/selftests.sh); here if not.
latency_rtt() {
	[ -x "$RTT" ] && [ "$RTT" -nt "$BENCH/rtt.c" ] && return
	RTT=/tmp/bench-rtt
	[ -x "$RTT" ] || cc -O2 -Wall -o "$RTT" "$BENCH/rtt.c" -lm
}

# One process per tool: a process costs tens of milliseconds in the VM.
latency_topo() {
	ip -n bench-sv -batch - <<-EOF || return 1
	link set lo up
	addr add 10.10.1.2/32 dev lo
	addr add 10.20.0.1/32 dev lo
	rule add pref 10 iif lo lookup 100
	rule add pref 100 lookup local
	rule del pref 0
	route add 10.20.0.0/16 via 10.10.1.1 dev x0 onlink table 100
	route add 10.10.0.0/16 via 10.10.2.1 dev s0 onlink table 100
	neigh replace 10.10.1.1 dev x0 lladdr $FWD_MAC
	neigh replace 10.10.2.1 dev s0 lladdr $REPLY_MAC
	EOF
	sv sysctl -qw net.ipv4.conf.all.accept_local=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.x0.rp_filter=0 \
		net.ipv4.conf.s0.rp_filter=0 || return 1
	tc -n bench-sv -batch - <<-EOF
	filter add dev s0 ingress pref 1 protocol ip u32 match ip dport $LAT_SPORT 0xffff action pass
	filter add dev x0 ingress pref 1 protocol ip u32 match ip sport $LAT_SPORT 0xffff action pass
	EOF
}

# The server's socket is bound once its port is in /proc/net/udp.
latency_listening() {
	sv grep -q "$(printf ':%04X ' $LAT_SPORT)" /proc/net/udp
}

# latency_probe LOAD TARGET OFFERED OUT: rtt's CSV in OUT as BENCH lines.
latency_probe() {
	local stat

	stat=$(grep '^stat,' "$4") || { fail "latency: no output at $1%"; return; }
	echo "BENCH-LAT,$scn,$1,$2,$3,${stat#stat,}"
	sed -n "s/^hist,/BENCH-LATH,$scn,$1,/p" "$4"
	[ "$(echo "$stat" | cut -d, -f2)" -gt 0 ] ||
		fail "latency: no reply came back at $1% load"
}

# latency_run: the phase on a scenario set up and warmed at LAT_FLOWS
# flows: idle, then each load of lat_loads.
latency_run() {
	local load cap srv r usec offered fwd out=/tmp/bench-lat cmd

	echo "bench: ${SECONDS}s: $scn, latency" >&2
	# The probe's frames must reach s0, and its load counts there: the
	# throughput runs' capacity, taken at r1's egress, is not this one.
	[ -z "$EGRESS_SINK" ] || lat_caps=
	sink_egress_off
	latency_rtt || { fail "latency: rtt does not build"; return; }
	cmd="$RTT probe -n $lat_samples -i $LAT_INTERVAL -b 10.10.1.2:$LAT_CPORT 10.20.0.1 $LAT_SPORT"
	latency_setup || { fail "latency: the probe's path"; return; }
	latency_topo || { fail "latency: the prober's namespace"; return; }
	cap=$(latency_capacity)
	if [ -z "$cap" ]; then
		r=$(traffic fwd $LAT_FLOWS 64 0 "$secs") || { fail "pktgen"; return; }
		read -r usec _ fwd _ <<< "$r"
		cap=$((fwd * 1000000 / (usec > 0 ? usec : 1)))
	fi
	sv "$RTT" serve 10.20.0.1 $LAT_SPORT &
	srv=$!
	await 300 latency_listening || { fail "latency: rtt serve"; kill $srv; return; }
	for load in $lat_loads; do
		if [ "$load" = 0 ]; then
			sv $cmd > $out
			latency_probe 0 0 0 $out
			continue
		fi
		# pktgen runs from before the probe's first request to after
		# its last: the probe starts once pktgen has sent a frame.
		r=$(RATEP=$((cap * load / 100)) TRAFFIC_DURING="$cmd > $out" \
			traffic fwd $LAT_FLOWS 64 0 "") || { fail "pktgen"; break; }
		read -r usec offered _ <<< "$r"
		latency_probe "$load" $((cap * load / 100)) \
			$((offered * 1000000 / (usec > 0 ? usec : 1))) $out
	done
	kill $srv
	wait $srv 2>/dev/null
	echo "# $scn, latency: capacity $cap frames/s; $(counters)"
}

# latency_point FLOWS: at the end of a throughput point, on its warmed
# tables, if it is the latency's: no second setup and warm-up.
latency_point() {
	[ -n "$do_lat" ] && [ "$1" = "$LAT_FLOWS" ] && [ "$count_in" != 1 ] ||
		return 0
	latency_run
	lat_done=1
}

# After a scenario's throughput points, if none was the latency's (or
# with -L): the phase on a topology of its own.
latency_phase() {
	[ -z "$lat_done" ] || return 0
	if [ "$count_in" = 1 ]; then
		echo "BENCH-SKIP,$scn,latency,forwards nothing"
		return
	fi
	topo_up
	MAXFLOWS=65536
	FLOWS=$LAT_FLOWS
	if ! setup; then
		fail "latency: setup"
	elif ! warm $LAT_FLOWS; then
		fail "latency: warm-up"
	else
		latency_run
	fi
	topo_down
}
