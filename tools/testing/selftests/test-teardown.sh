#!/bin/bash
# Everything can go away under traffic: a port, its device, the module, the
# namespace. Nothing crashes, the kernel log stays clean (run-in-vm.sh
# checks it), and a released device works for the host stack again.
# debug: kmemleak
. "$(dirname "$0")/lib.sh"

flood() {
	cl ping -f -w "$1" 10.0.2.2 >/dev/null 2>&1 &
	cl ping -6 -f -w "$1" fd00:2::2 >/dev/null 2>&1 &
	sleep 1
}

router_setup
flood 3
nfvctl port del dp0 dev r0
check_eq "ports after port del" "$(nfvctl -j port show dp0 | jq length)" 1
check "released device answers the host stack" cl ping -c1 -W2 10.0.1.1 >/dev/null
wait

nfvctl port add dp0 dev r0
nfvctl chain set dp0 dev r0 forward
check "forwarding again" cl ping -c1 -W2 10.0.2.2 >/dev/null
flood 3
rt ip link del r1
check_eq "port gone with its device" "$(nfvctl -j port show dp0 | jq length)" 1
wait
cleanup

router_setup
flood 3
nfv_unload
check "module unloaded under traffic" ! grep -q '^nfv ' /proc/modules
wait
cleanup

router_setup
flood 3
ip netns del router
wait
check "the namespace destroyed with its ports under traffic" gone client c0
nfv_unload
