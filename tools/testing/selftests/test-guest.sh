#!/bin/bash
# Guest ports (Documentation/guests.rst): "port add DP guest NAME" creates
# an nfvguest device owned by the datapath, shown with its kind; it goes
# with its port, its datapath, its namespace and the module, and its port
# goes with it when something else deletes it.
#
# Then a guest on it, as QEMU attaches one: macvtap in passthru mode on
# the device, and guest-peer (a tiny IPv4 stack on the macvtap's /dev/tapN
# with the virtio-net header) at 10.0.3.2, routed to through the address-
# less device. The client pings it and exchanges UDP with it through the
# datapath: the host resolves the guest by ARP through the port, checksum
# offload crosses in both directions, a GSO frame from the guest arrives
# segmented, the port counts both ways. The same again with guest-peer's
# frames through vhost-net, as QEMU's with vhost=on. The macvtap and the
# guest device deleted under traffic, then the datapath, leave nothing
# behind.
# debug: kmemleak
# timeout: 1200
. "$(dirname "$0")/lib.sh"

need macvtap
need tun

# guest_kind: the kind port show gives vm0, or nothing.
guest_kind() { nfvctl -j port show dp0 | jq -r '.[] | select(.ifname == "vm0") | .kind'; }
nports() { nfvctl -j port show dp0 | jq length; }

router_setup
nfvctl port add dp0 guest vm0
check_eq "guest port shown with its kind" "$(guest_kind)" guest
check_eq "a device port's kind" \
	"$(nfvctl -j port show dp0 | jq -r '.[] | select(.ifname == "r0") | .kind')" dev
check_eq "the device's link kind" \
	"$(rt ip -d -j link show vm0 | jq -r '.[0].linkinfo.info_kind')" nfvguest
shown_guest() { nfvctl port show dp0 | grep -q '^vm0: port 3 .* guest chain'; }
check "port show names it a guest" shown_guest
expect_fail "name taken" nfvctl port add dp0 guest vm0
expect_fail "name taken" nfvctl port add dp0 guest r0
expect_fail "already a port" nfvctl port add dp0 dev vm0
check "no nfvguest device but the datapath's" ! rt ip link add g1 type nfvguest
check "a guest device stays in its namespace" ! rt ip link set vm0 netns client

nfvctl port del dp0 dev vm0
check "port del deletes the guest device" no_link router vm0
nfvctl port add dp0 guest vm0
rt ip link del vm0
check_eq "ip link del takes the guest port along" "$(nports)" 2
nfvctl port add dp0 guest vm0
nfvctl dp del dp0
check "dp del deletes the guest device" no_link router vm0
cleanup

router_setup
nfvctl port add dp0 guest vm0
ip netns del router
check "the namespace destroyed with a guest port" gone client c0
cleanup
router_setup
nfvctl port add dp0 guest vm0
nfv_unload
check "module unloaded with a guest port" no_link router vm0
cleanup

# Built by scripts/selftests.sh; here when run.sh runs the test alone.
PEER=$top/build/guest-peer
src=$top/tools/testing/selftests
if [ ! -x "$PEER" ] || [ "$PEER" -ot "$src/guest-peer.c" ] ||
   [ "$PEER" -ot "$src/guest-vhost.c" ]; then
	PEER=/tmp/guest-peer
	cc -O2 -Wall -Wextra -Werror -o "$PEER" "$src/guest-peer.c" \
		"$src/guest-vhost.c" || fail "guest-peer does not build"
fi
GMAC=52:54:00:12:34:56 GIP=10.0.3.2

# guest_start [--vhost]: vm0 as a guest port with a forward chain, its
# macvtap, and guest-peer on the tap (through vhost-net with --vhost);
# returns once the peer listens.
guest_start() {
	local idx

	nfvctl -b - <<-EOF
	port add dp0 guest vm0
	chain set dp0 dev vm0 forward
	EOF
	rt ip -b - <<-EOF
	link set vm0 up
	route add $GIP/32 dev vm0
	link add link vm0 name mvt0 type macvtap mode passthru
	link set mvt0 up
	EOF
	idx=$(rt ip -j link show mvt0 | jq .[0].ifindex)
	await 50 test -c "/dev/tap$idx" || fail "no /dev/tap$idx"
	rm -f /tmp/peer.out /tmp/peer.err
	nsenter --net=/run/netns/router "$PEER" "$@" "/dev/tap$idx" $GMAC $GIP 600 \
		> /tmp/peer.out 2> /tmp/peer.err &
	peer_pid=$!
	await 50 grep -q ready /tmp/peer.err || fail "guest-peer: $(cat /tmp/peer.err)"
}
# peer_count NAME: a counter guest-peer printed as it ended.
peer_count() { num "$(cat /tmp/peer.out)" "$1 ([0-9]+)"; }
# vm0_stat NAME: a counter of the guest port.
vm0_stat() { nfvctl -j port show dp0 | jq -r ".[] | select(.ifname == \"vm0\") | .stats.$1"; }
# flooding [N]: the guest port received more than N packets (10).
flooding() { [ "$(vm0_stat rx_packets)" -gt "${1:-10}" ]; }
# udp_echo ADDRESS TEXT: the guest at ADDRESS echoes TEXT over UDP.
udp_echo() { [ "$(echo "$2" | cl socat -t2 - "UDP:$1:7000")" = "$2" ]; }
# Offloads from the guest: guest-peer sends TCP port 7001's 20000 bytes
# as one GSO frame (VIRTIO_NET_HDR_GSO_TCPV4 with a partial checksum).
# With checksum offload, and so TSO, off on r0, the host segments it and
# checksums each segment in software, and the client's TCP verifies them.
gso_want() { yes abcdefghijklmnopqrstuvwxy | tr -d '\n' | head -c 20000; }
c0_rx() { num "$(cl ip -s -j link show c0)" '"rx":\{"bytes":[0-9]+,"packets":([0-9]+)'; }
csum_errors() { num "$(cl nstat -asz TcpInCsumErrors)" 'TcpInCsumErrors +([0-9]+)'; }
# gso_from_guest ADDRESS: checks the client receives the guest's GSO frame.
gso_from_guest() {
	local rx0

	rt ethtool -K r0 tx off > /dev/null
	rx0=$(c0_rx)
	cl socat -u "TCP:$1:7001" - > /tmp/gso.rx
	gso_want > /tmp/gso.want
	check "the guest's GSO frame arrived whole" cmp /tmp/gso.want /tmp/gso.rx
	check_ge "... in segments of the client's MSS" $(($(c0_rx) - rx0)) 14
	check_eq "TCP checksum errors at the client" "$(csum_errors)" 0
	rt ethtool -K r0 tx on > /dev/null
}

router_setup
guest_start
check "the client pings the guest through the datapath" cl ping -c3 -i0.2 -W2 $GIP >/dev/null
resolved() { rt ip neigh show $GIP dev vm0 | grep -qi "lladdr $GMAC"; }
check "the host resolved the guest through the port" resolved
check "UDP echo from the guest" udp_echo $GIP hello-guest
check "a second UDP exchange" udp_echo $GIP "$(head -c 1000 /dev/zero | tr '\0' x)"
gso_from_guest $GIP
check_ge "guest port rx packets" "$(vm0_stat rx_packets)" 6
check_ge "guest port tx packets" "$(vm0_stat tx_packets)" 5
check_eq "guest port drops" "$(vm0_stat drop_packets)" 0
kill "$peer_pid"
wait "$peer_pid"
check_ge "echo requests the guest answered" "$(peer_count echo)" 3
check_ge "UDP datagrams it echoed" "$(peer_count udp)" 2
check_ge "partial checksums it completed (NEEDS_CSUM)" "$(peer_count partial)" 2
check_eq "frames it found bad" "$(peer_count bad)" 0
check_eq "GSO frames without TSO offered" "$(peer_count gso)" 0
check_ge "GSO frames it sent" "$(peer_count tso)" 1

nfvctl port del dp0 dev vm0
check "port del takes the macvtap along" no_link router mvt0

# A tap QEMU creates itself (-netdev tap,ifname=tap0) is an ordinary port.
rm -f /tmp/peer.out /tmp/peer.err
nsenter --net=/run/netns/router "$PEER" /dev/net/tun $GMAC 10.0.4.2 600 tap0 \
	> /tmp/peer.out 2> /tmp/peer.err &
peer_pid=$!
await 50 grep -q ready /tmp/peer.err || fail "guest-peer: $(cat /tmp/peer.err)"
nfvctl -b - <<-EOF
port add dp0 dev tap0
chain set dp0 dev tap0 forward
EOF
rt ip -b - <<-EOF
link set tap0 up
route add 10.0.4.2/32 dev tap0
EOF
check "the client pings a guest on a tap port" cl ping -c2 -i0.2 -W2 10.0.4.2 >/dev/null
check "UDP echo from it" udp_echo 10.0.4.2 hello-tap
kill "$peer_pid"
wait "$peer_pid"
check_ge "echo requests the tap guest answered" "$(peer_count echo)" 2
check_eq "frames it found bad" "$(peer_count bad)" 0
two_ports() { [ "$(nports)" = 2 ]; }
check "the tap's port left with the tap" await 50 two_ports

# The guest through vhost-net, as QEMU drives it with vhost=on
# (guest-vhost.c): ping, UDP echo and the GSO frame again, then guest-peer
# stopped under a ping flood (vhost-net detached and closed with frames in
# flight) and the macvtap deleted under it leave no macvtap and no drop
# but the flood's.
need vhost_net
guest_start --vhost
check "the client pings the guest through vhost-net" \
	cl ping -c3 -i0.2 -W2 $GIP >/dev/null
check "UDP echo through vhost-net" udp_echo $GIP hello-vhost
# The macvtap moved to another namespace and back: what the guest sends
# is still taken for the guest's there (guest.c hooks it in its new one).
rt ip link set mvt0 netns client
cl ip link set mvt0 up
check "the guest answers with its macvtap in another namespace" \
	cl ping -c2 -i0.2 -W2 $GIP >/dev/null
cl ip link set mvt0 netns router
rt ip link set mvt0 up
gso_from_guest $GIP
check_ge "guest port rx packets (vhost-net)" "$(vm0_stat rx_packets)" 8
check_ge "guest port tx packets (vhost-net)" "$(vm0_stat tx_packets)" 8
check_eq "guest port drops (vhost-net)" "$(vm0_stat drop_packets)" 0
rx0=$(vm0_stat rx_packets)
cl ping -f -w 3 $GIP >/dev/null 2>&1 &
flood=$!
await 100 flooding $((rx0 + 50)) || fail "no flood through the vhost guest"
kill "$peer_pid"
wait "$peer_pid"
rt ip link del mvt0
wait "$flood"
check_ge "echo requests the vhost guest answered" "$(peer_count echo)" 50
check_ge "UDP datagrams it echoed" "$(peer_count udp)" 1
# At least one: a slow client's second ACK makes guest-peer send again.
check_ge "GSO frames it sent through vhost-net" "$(peer_count tso)" 1
check_eq "frames it found bad" "$(peer_count bad)" 0
check_eq "GSO frames without TSO offered" "$(peer_count gso)" 0
check "no macvtap left" test -z "$(rt ip -j link show type macvtap | jq -r '.[].ifname')"
nfvctl port del dp0 dev vm0

# Under traffic: the macvtap goes, then the guest device; then again with
# the datapath.
guest_start
cl ping -f -w 4 $GIP >/dev/null 2>&1 &
flood=$!
await 100 flooding || fail "no flood through the guest"
rt ip link del mvt0
kill "$peer_pid"
wait "$peer_pid"
rt ip link del vm0
check_eq "the guest port left with its device" "$(nports)" 2
wait "$flood"
guest_start
cl ping -f -w 3 $GIP >/dev/null 2>&1 &
flood=$!
await 100 flooding || fail "no flood through the guest"
nfvctl dp del dp0
kill "$peer_pid"
wait "$peer_pid" "$flood"
check "nothing left: no guest device, no macvtap" \
	test -z "$(rt ip -j link show type nfvguest | jq -r '.[].ifname')$(rt ip -j link show type macvtap | jq -r '.[].ifname')"
cleanup
# A guest step (issue 21): ids, of type guest, sends the flows of both
# ports' chains to guest-peer -b on vm1, which sends every frame back as
# it came; what comes back continues the chain (forward), both ways, and
# established flows go both legs on the fast path. While the guest is
# gone (its macvtap deleted) the step fails closed, then, set so, open;
# with the guest back a cached flow takes the detour again. Then the
# guest dies with its macvtap left: seen from its traffic.

# ping_each N NS ARGS...: N echo replies in NS, none twice (ping counts
# duplicates). Under a deadline, not a wait per reply: a loaded debug VM
# can hold an echo in guest-peer for seconds, and ping sends another for
# one lost. Prints ping's summary when it fails.
ping_each() {
	local n=$1 ns=$2 out
	shift 2
	out=$(in_ns "$ns" ping -c"$n" -i0.2 -w30 "$@" 2>&1) || true
	[[ $out = *" $n received,"* && $out != *duplicates* ]] && return
	echo "$out" | tail -2 >&2
	return 1
}
# gstep_stat NAME [STEP]: a counter of the guest step ids (or STEP).
gstep_stat() { num "$(nfvctl -j nf show dp0)" "\"name\":\"${2:-ids}\"[^}]*\"$1\":([0-9]+)"; }
# gstep_moves NAME N: the step's counter NAME went past N.
gstep_moves() { [ "$(gstep_stat "$1")" -gt "$2" ]; }
# gstep_peer [N]: the macvtap mvtN on vmN (vm1) and guest-peer -b on its
# tap, its pid in peer_pid, its counters in /tmp/peer.out (N 1) or
# /tmp/peerN.out.
gstep_peer() {
	local n=${1:-1}

	rt ip link add link vm$n name mvt$n type macvtap mode passthru
	rt ip link set mvt$n up
	gstep_peer_run "$n"
}
# gstep_peer_run [N]: guest-peer -b on mvtN's tap, with the options in
# PEER_OPTS.
gstep_peer_run() {
	local n=${1:-1} idx out=/tmp/peer.out

	[ "$n" = 1 ] || out=/tmp/peer$n.out
	idx=$(rt ip -j link show mvt$n | jq .[0].ifindex)
	await 50 test -c "/dev/tap$idx" || fail "no /dev/tap$idx"
	rm -f $out /tmp/peer.err
	nsenter --net=/run/netns/router "$PEER" -b ${PEER_OPTS:-} "/dev/tap$idx" $GMAC \
		10.0.3.$((n + 1)) 600 > $out 2> /tmp/peer.err &
	peer_pid=$!
	await 50 grep -q ready /tmp/peer.err || fail "guest-peer: $(cat /tmp/peer.err)"
}
# guest_result: flow show gives a flow the cached result "guest" both
# ways (the UDP one: ICMP and closed TCP flows may have expired on the
# debug kernel by then).
guest_result() {
	nfvctl -j flow show dp0 | jq_true \
		'any(.[]; .orig.result == "guest" and .reply.result == "guest")'
}
shown_step() { nfvctl nf show dp0 | grep -q '^ids: type guest port vm1 up fail closed'; }
# udp_across TEXT: a datagram to the server and its echo back (socat's
# PIPE: no process to start, which takes seconds on the debug kernel).
udp_across() {
	local srv out

	nsenter --net=/run/netns/server socat -T5 UDP-RECVFROM:7001 PIPE &
	srv=$!
	listening server -u 7001
	out=$(echo "$1" | cl socat -t3 - UDP:10.0.2.2:7001)
	kill "$srv" 2>/dev/null || true
	wait "$srv" || true
	[ "$out" = "$1" ]
}

router_setup
nfvctl -b - <<-EOF
port add dp0 guest vm1
nf add dp0 ids type guest port vm1
nf add dp0 ids2 type guest port vm1 fail open dead-after 250
EOF
rt ip link set vm1 up
expect_fail "a guest step needs a guest port or a tap port" \
	nfvctl nf add dp0 bad type guest port r0
expect_fail "no port of that name in the datapath" \
	nfvctl nf add dp0 bad type guest port nosuch
expect_fail 'needs "port DEV"' nfvctl nf add dp0 bad type guest
expect_fail "open or closed" nfvctl nf set dp0 ids fail maybe
expect_fail "two guest steps of a chain on one port" \
	nfvctl chain set dp0 dev r0 ids ids2 forward
shown_ids2() { nfvctl nf show dp0 | grep -q '^ids2: type guest port vm1 down fail open dead-after 250$'; }
check "nf add with dead-after" shown_ids2
nfvctl -b - <<-EOF
nf del dp0 ids2
chain set dp0 dev r0 ids forward
chain set dp0 dev r1 ids forward
EOF
gstep_peer
fast0=$(stat fast_packets)
pings() { cl ping -c5 -i0.2 -W2 10.0.2.2 > /dev/null; }
check "ping across the guest step" pings
check "TCP across the guest step, both ways" tcp_send 200000
check_received
# A datagram in three fragments each way: the later fragments follow the
# first to the guest (frag.c), not past it.
big=$(head -c 3000 /dev/zero | tr '\0' f)
sent=$(gstep_stat sent)
check "UDP across the guest step, in fragments" udp_across "$big"
check_ge "... every fragment through the guest" "$(gstep_stat sent)" $((sent + 6))
check_ge "packets the step sent to the guest" "$(gstep_stat sent)" 20
# Packets, not frames: macvtap segments what the guest offers no TSO for.
check_ge "every one came back into its flow" "$(gstep_stat returned)" "$(gstep_stat sent)"
check_gt "flows went the fast path" "$(stat fast_packets)" $((fast0 + 20))
check_eq "no failures while the guest is there" \
	"$(gstep_stat fail_open)/$(gstep_stat fail_closed)" 0/0
check "flow show: the cached result is the guest" guest_result
check "nf show: the step, its port, up, its policy" shown_step

# One flow across the failure and back: a ping that keeps its id.
cl ping -i0.2 -w 600 10.0.2.2 > /dev/null 2>&1 &
ping_pid=$!
await 50 gstep_moves sent "$(gstep_stat sent)" || fail "the ping does not reach the guest"
rt ip link del mvt1
kill "$peer_pid"
wait "$peer_pid"
check_ge "the guest sent back what it got" \
	"$(num "$(cat /tmp/peer.out)" 'bump ([0-9]+)')" 20
check "macvtap gone: the step fails closed" await 50 gstep_moves fail_closed 0
check_gt "dropped with reason guest-down" "$(drop guest_down)" 0
nfvctl nf set dp0 ids fail open
fo=$(gstep_stat fail_open)
check "fail open: the flow goes on without the guest" await 50 gstep_moves fail_open "$fo"
check "UDP passes while the guest is gone" udp_across open
sent=$(gstep_stat sent)
returned=$(gstep_stat returned)
gstep_peer
check "the guest back: the cached flow takes the detour again" \
	await 50 gstep_moves sent "$sent"
# What the step sent before guest-peer opened the new tap was lost: after
# a slow start the guest counts as dead until a probe comes back.
ids_alive() {
	nfvctl -j nf show dp0 | jq_true 'any(.[]; .name == "ids" and (.dead | not))'
}
check "... and answers" await 50 gstep_moves returned "$returned"
check "... alive" await 20 ids_alive
fc=$(gstep_stat fail_closed)
fo=$(gstep_stat fail_open)
nap 1
check_eq "no failures once it is back" \
	"$(gstep_stat fail_closed)/$(gstep_stat fail_open)" "$fc/$fo"

# The guest dies and its macvtap stays, as when QEMU is killed: its
# /dev/tapN closes, and the device says nothing. Frames go and none come
# back, so after dead-after (1000 ms by default) the step declares the
# guest dead and fails closed, then, set so, open. guest-peer back on the
# same tap answers a probe, and the cached flow goes through it again.
shown_dead_after() { nfvctl nf show dp0 | grep -q '^ids: type guest port vm1 up fail open dead-after 1000$'; }
check "nf show: dead-after 1000 ms by default" shown_dead_after
nfvctl nf set dp0 ids fail closed
deaths=$(gstep_stat deaths)
fc=$(gstep_stat fail_closed)
kill "$peer_pid"
wait "$peer_pid"
check "its tap closed, macvtap left: the guest declared dead" \
	await 50 gstep_moves deaths "$deaths"
check "... and the step fails closed" await 50 gstep_moves fail_closed "$fc"
shown_dead() {
	nfvctl -j nf show dp0 | jq_true \
		'any(.[]; .name == "ids" and .dead and (.up | not))'
}
check "nf show: dead, not up" shown_dead
nfvctl nf set dp0 ids fail open
fo=$(gstep_stat fail_open)
check "fail open: the flow goes on without the dead guest" \
	await 50 gstep_moves fail_open "$fo"
# A probe, one a second, may take the datagram or its echo.
check "UDP passes the dead guest" await 3 udp_across dead-but-open
returned=$(gstep_stat returned)
deaths=$(gstep_stat deaths)
gstep_peer_run
check "the guest back on its tap: a probe comes back, the flow follows" \
	await 50 gstep_moves returned "$returned"
shown_up() { nfvctl nf show dp0 | grep -q '^ids: type guest port vm1 up fail open'; }
check "nf show: up again" await 20 shown_up
returned=$(gstep_stat returned)
check "and the flow goes through it" \
	await 50 gstep_moves returned $((returned + 4))
check_eq "not declared dead again while it came back" "$(gstep_stat deaths)" "$deaths"
# Its tap closed again, and dead-after 0 (only the device tells): the step
# goes on sending to the macvtap, which passes the frames up its own stack
# (tap_handle_frame()). A host that forwards, as hypervisors often do,
# must neither route them past the chain nor answer them (guest.c).
nfvctl nf set dp0 ids dead-after 0
rt sysctl -qw net.ipv4.ip_forward=1
kill "$peer_pid"
wait "$peer_pid"
echos=$(icmp_stat server InEchos)
sent=$(gstep_stat sent)
check "tap closed, dead-after 0: the step still sends to it" \
	await 50 gstep_moves sent $((sent + 4))
check_eq "... and the host routes none of it to the server" \
	"$(icmp_stat server InEchos)" "$echos"
rt sysctl -qw net.ipv4.ip_forward=0
nfvctl nf set dp0 ids dead-after 1000

# The step moved to a tap port, QEMU's own tap (-netdev tap,ifname=tap1):
# the cached flow goes out of the tap and comes back in through it.
rm -f /tmp/peer.out /tmp/peer.err
nsenter --net=/run/netns/router "$PEER" -b /dev/net/tun $GMAC 10.0.4.2 600 tap1 \
	> /tmp/peer.out 2> /tmp/peer.err &
peer_pid=$!
await 50 grep -q ready /tmp/peer.err || fail "guest-peer: $(cat /tmp/peer.err)"
nfvctl port add dp0 dev tap1
rt ip link set tap1 up
nfvctl nf set dp0 ids port tap1 fail closed
sent=$(gstep_stat sent)
returned=$(gstep_stat returned)
check "a tap port as the step's: the flow goes through it" \
	await 50 gstep_moves sent "$sent"
check "and comes back through it" await 50 gstep_moves returned "$returned"
kill "$ping_pid" "$peer_pid"
wait "$ping_pid" "$peer_pid" || true
check_ge "the tap guest sent back what it got" \
	"$(num "$(cat /tmp/peer.out)" 'bump ([0-9]+)')" 1
cleanup
nfv_unload

# The step's cached routes go with the datapath's: a write of the
# multipath hash policy forgets every cached route (forward.c), also
# those the step keeps for what the guest sends back, so the next packet
# back from the guest in each direction is routed again, on the slow
# path. And an instance may bear its type's name: one named "guest" is
# not one of the datapath's built-in instances and can be deleted.
router_setup
rm -f /tmp/peer.out /tmp/peer.err
nsenter --net=/run/netns/router "$PEER" -b /dev/net/tun $GMAC 10.0.4.2 600 tap2 \
	> /tmp/peer.out 2> /tmp/peer.err &
peer_pid=$!
await 50 grep -q ready /tmp/peer.err || fail "guest-peer: $(cat /tmp/peer.err)"
nfvctl -b - <<-EOF
port add dp0 dev tap2
nf add dp0 guest type guest port tap2
chain set dp0 dev r0 guest forward
chain set dp0 dev r1 guest forward
EOF
rt ip link set tap2 up
cl ping -i0.2 -w 600 10.0.2.2 > /dev/null 2>&1 &
ping_pid=$!
# slow_still: no packet took the slow path for a second.
slow_still() { local s; s=$(stat slow_packets); nap 1; [ "$(stat slow_packets)" = "$s" ]; }
slow_past() { [ "$(stat slow_packets)" -gt "$1" ]; }
check "the ping through the step settles on the fast path" await 20 slow_still
# Without multipath routes (the debug kernel) nothing forgets routes.
if [ -e /proc/sys/net/ipv4/fib_multipath_hash_policy ]; then
	slow=$(stat slow_packets)
	rt sysctl -qw net.ipv4.fib_multipath_hash_policy=0
	check "the routes cached for the guest's packets are forgotten" \
		await 50 slow_past $((slow + 1))
else
	echo "skip: forgotten routes (no multipath routes in $(uname -r))"
fi
kill "$ping_pid"
wait "$ping_pid" || true
nfvctl -b - <<-EOF
chain set dp0 dev r0 forward
chain set dp0 dev r1 forward
EOF
check "an instance named guest can be deleted" nfvctl nf del dp0 guest
no_guest_nf() { ! nfvctl nf show dp0 | grep -q '^guest:'; }
check "... and is gone" no_guest_nf
expect_fail "built-in NF instances cannot be deleted" nfvctl nf del dp0 forward
kill "$peer_pid"
wait "$peer_pid" || true
cleanup
nfv_unload

# Two guest steps in a row, an IDS then a DPI box: ids on vm1, dpi on
# vm2, each played by guest-peer -b. A packet back from ids goes on to
# dpi, one back from dpi to forward (were it to resume after ids, it would
# go round dpi for ever; after dpi from ids, dpi would see nothing), both
# ways, established flows on the fast path; each packet arrives once. All
# ports in zone 3: a returning packet is keyed in its port's zone.
R0_ZONE=3 R1_ZONE=3 router_setup
nfvctl -b - <<-EOF
port add dp0 guest vm1 zone 3
port add dp0 guest vm2 zone 3
nf add dp0 ids type guest port vm1
nf add dp0 dpi type guest port vm2
EOF
rt ip link set vm1 up
rt ip link set vm2 up
check "a chain with two guest steps" nfvctl -b - <<-EOF
chain set dp0 dev r0 ids dpi forward
chain set dp0 dev r1 ids dpi forward
EOF
gstep_peer 1
pid1=$peer_pid
gstep_peer 2
pid2=$peer_pid
fast0=$(stat fast_packets)
# pings_once: five echo replies, none twice.
pings_once() { ping_each 5 client 10.0.2.2; }
check "ping across both steps, each reply once" pings_once
check "TCP across both steps, both ways" tcp_send 200000
check_received
check "UDP across both steps" udp_across through-two-guests
check_ge "packets ids sent to its guest" "$(gstep_stat sent)" 20
check_ge "... which sent them back" "$(gstep_stat returned)" "$(gstep_stat sent)"
check_ge "dpi got every one ids returned" "$(gstep_stat sent dpi)" \
	"$(gstep_stat returned)"
check_ge "... and sent them back" "$(gstep_stat returned dpi)" \
	"$(gstep_stat sent dpi)"
check_gt "flows went the fast path" "$(stat fast_packets)" $((fast0 + 40))
check "flow show: the cached result is the guest" guest_result
zone3() {
	nfvctl -j flow show dp0 | jq_true \
		'all(.[]; .orig.zone == 3 and .reply.zone == 3) and length > 0'
}
check "flow show: the flows in zone 3 both ways" zone3
kill "$pid1" "$pid2"
wait "$pid1" "$pid2"
check_ge "the first guest bumped them" \
	"$(num "$(cat /tmp/peer.out)" 'bump ([0-9]+)')" 20
check_ge "the second too" "$(num "$(cat /tmp/peer2.out)" 'bump ([0-9]+)')" 20
cleanup

# A guest step beside the CGNAT: ids behind it (after cg1 in the chain,
# on the translated side), then in front of it. The guest sees each packet
# as it will leave, translated (a flow's first packet too, which in front
# of the NAT goes to the guest once the NAT has claimed its flow), and
# what it sends back, found by that tuple, goes on after the step. UDP (a
# second datagram on the fast path), TCP and ping from the inside reach
# the outside from a pool address, and their answers come back.
nfv_cgnat_load
CGPEER=$top/tools/testing/selftests/cgnat-peer.py
A=100.64.0.2 S1=203.0.113.2
cgnat_netns 198.51.100.0/29 $A -- $S1
nfvctl -b - <<-EOF
dp add dp0
port add dp0 dev r0
port add dp0 dev r1
port add dp0 guest vm1
cgnat add dp0 cg1 pool 198.51.100.0/30
nf add dp0 ids type guest port vm1
EOF
rt ip link set vm1 up
PEER_OPTS="-w /tmp/guest.pcap" gstep_peer
rm -f /tmp/serve.err
timeout 900 nsenter --net=/run/netns/outside python3 "$CGPEER" serve $S1 \
	2> /tmp/serve.err &
serve_pid=$!
await 100 grep -q ready /tmp/serve.err || fail "the server did not start"
in_pool() { [[ $1 =~ ^198\.51\.100\.[0-3]:[0-9]+$ ]]; }
# pings_out: three echo replies from S1 to A, none twice.
pings_out() { ping_each 3 inside -I $A $S1; }
# udp_guest PORT: flow show gives the UDP flow from A:PORT the cached
# result "guest" both ways.
udp_guest() {
	nfvctl -j flow show dp0 | jq_true "any(.[]; .orig.sport == $1 and
		.orig.result == \"guest\" and .reply.result == \"guest\")"
}
# udp_big_out PORT: $big from A:PORT, three fragments, echoed by S1 (socat
# on port 7003): the later fragments must be translated as the first
# was, or neither end can reassemble the datagram.
udp_big_out() {
	local srv out

	nsenter --net=/run/netns/outside socat -T5 UDP-RECVFROM:7003 PIPE &
	srv=$!
	listening outside -u 7003
	out=$(echo "$big" | in_ns inside socat -t3 - "UDP:$S1:7003,bind=$A:$1")
	kill "$srv" 2>/dev/null || true
	wait "$srv" || true
	[ "$out" = "$big" ]
}
# cg_cross WHERE PORT: UDP from A:PORT, TCP from A:PORT+1, a fragmented
# datagram from A:PORT+2 and ping cross ids and cg1, translated; ids sends
# and gets back each packet both ways.
cg_cross() {
	local sent returned out

	sent=$(gstep_stat sent)
	returned=$(gstep_stat returned)
	out=$(in_ns inside python3 "$CGPEER" talk $A "$2" $S1 7000 2 | sort -u)
	check "$1: UDP crosses, twice, from a pool address ($out)" in_pool "$out"
	out=$(in_ns inside python3 "$CGPEER" ask -t $A $(($2 + 1)) 1 $S1:7001 |
		cut -d' ' -f2)
	check "$1: TCP crosses, from a pool address ($out)" in_pool "$out"
	check "$1: ping crosses, each reply once" pings_out
	check "$1: a fragmented datagram crosses, reassembled both ways" \
		udp_big_out $(($2 + 2))
	check_ge "$1: packets ids sent to its guest" "$(gstep_stat sent)" \
		$((sent + 20))
	check_ge "$1: it sent them back into their flows" \
		"$(gstep_stat returned)" "$(($(gstep_stat sent) - sent + returned))"
	check "$1: the UDP flow's result is the guest both ways" udp_guest "$2"
}
check "a chain with the CGNAT, then a guest step" nfvctl -b - <<-EOF
chain set dp0 dev r0 cg1 ids forward
chain set dp0 dev r1 cg1 ids forward
EOF
cg_cross "behind the CGNAT" 5000
check "a chain with a guest step, then the CGNAT" nfvctl -b - <<-EOF
chain set dp0 dev r0 ids cg1 forward
chain set dp0 dev r1 ids cg1 forward
EOF
cg_cross "in front of the CGNAT" 5100
kill "$peer_pid" "$serve_pid"
wait "$peer_pid" "$serve_pid" || true
check_eq "frames the guest found bad" "$(peer_count bad)" 0
# pcap_ipv4 FILE: "SRC DST FRAGMENT-OFFSET" for each IPv4 frame of a pcap
# file guest-peer -w wrote (little-endian, Ethernet), as tshark gives the
# fields ip.src, ip.dst and ip.frag_offset; tshark takes half a minute to
# start on the debug kernel, od and awk a moment.
pcap_ipv4() {
	od -An -v -tu1 "$1" | awk '
	{ for (i = 1; i <= NF; i++) b[n++] = $i }
	END {
		for (o = 24; o + 16 <= n; o += 16 + len) {
			len = b[o + 8] + b[o + 9] * 256 + b[o + 10] * 65536
			f = o + 16
			if (len < 34 || b[f + 12] != 8 || b[f + 13] != 0)
				continue
			ip = f + 14
			printf "%d.%d.%d.%d\t%d.%d.%d.%d\t%d\n",
				b[ip + 12], b[ip + 13], b[ip + 14], b[ip + 15],
				b[ip + 16], b[ip + 17], b[ip + 18], b[ip + 19],
				(b[ip + 6] % 32) * 256 + b[ip + 7]
		}
	}'
}
# What the guest received (guest-peer -w). It saw each packet as it leaves
# the datapath: outward from the pool's address, never the inside host's,
# and the answers to the inside host, translated back; later fragments
# too.
pcap_ipv4 /tmp/guest.pcap > /tmp/guest.seen
# seen SRC DST: frames the guest saw from SRC to DST (regular expressions).
seen() { grep -cE "^$1\s$2\s" /tmp/guest.seen; }
pool='198\.51\.100\.[0-3]' a=${A//./\\.} s1=${S1//./\\.}
check_eq "frames the guest saw from the inside address" "$(seen "$a" "$s1")" 0
check_ge "... from the pool's" "$(seen "$pool" "$s1")" 16
check_eq "answers it saw to the pool's address" "$(seen "$s1" "$pool")" 0
check_ge "... to the inside host's" "$(seen "$s1" "$a")" 16
check_ge "later fragments it saw, both ways" \
	"$(grep -cE "^($pool\s$s1|$s1\s$a)\s[1-9][0-9]*$" /tmp/guest.seen)" 8
cleanup
nfv_unload
