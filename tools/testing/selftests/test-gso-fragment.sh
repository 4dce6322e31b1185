#!/bin/bash
# GRO packets without DF into a smaller MTU: the datapath segments them,
# as the kernel's ip_finish_output_gso() does, and fragments each segment.
# Fragmenting a GSO packet whole would checksum it in software, which the
# kernel refuses with a WARN (run-in-vm.sh fails the test on it).
# debug: kmemleak
. "$(dirname "$0")/lib.sh"

router_setup
# veth on 6.x receives through NAPI and GRO once GRO is on: TCP arrives
# at the port as GSO packets of up to 64 KiB.
rt ethtool -K r0 gro on
# Only the router's side: the server must still take 1460-byte segments.
rt ip link set r1 mtu 1280
# No DF on the client's packets, so the router fragments them.
cl sysctl -qw net.ipv4.ip_no_pmtu_disc=1

tcp_send 1000000
check_received
check_gt "GSO packets segmented" "$(stat gso_segmented)" 0
check_gt "packets fragmented" "$(stat frags_sent)" 0
check_eq "none dropped for the MTU" "$(drop mtu)" 0
