#!/bin/bash
# Guest ports (Documentation/guests.rst): "port add DP guest NAME" creates
# an nfvguest device owned by the datapath, shown with its kind; it goes
# with its port, its datapath, its namespace and the module, and its port
# goes with it when something else deletes it.
# debug: kmemleak
. "$(dirname "$0")/lib.sh"

need macvtap

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

