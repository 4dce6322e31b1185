#!/bin/bash
# NF modules load on demand: with only nfv loaded, creating an instance of
# type fw makes the core request "nfv-nf-fw", which nfv_fw.ko declares, as
# "ip link add type vxlan" loads vxlan. A type no module provides is
# refused with a message naming it. The modules come through modprobe:
# DKMS's, or the build directory's (nfv_modprobe_setup).
# debug: kmemleak
. "$(dirname "$0")/lib.sh"

nfv_modprobe_setup
trap nfv_modprobe_clear EXIT
lsmod | grep -q '^nfv ' || nfv_load
ip netns add router
nfvctl dp add dp0
check_eq "nfvctl -V names the module's version" \
	"$("$NFVCTL" -V | sed -n 's/^nfv module //p')" "$(cat "$top/VERSION")"
check "nfv_fw is not loaded" [ ! -e /sys/module/nfv_fw ]
check "modprobe knows the alias" modprobe -n nfv-nf-fw

check "fw add loads nfv_fw" nfvctl fw add dp0 fw1 policy drop
check "nfv_fw is loaded" [ -e /sys/module/nfv_fw ]
check_eq "and fw1 exists" "$(nfvctl -j fw show dp0 | jq -c 'map(.name)')" '["fw1"]'
check "a second instance finds the type" nfvctl fw add dp0 fw2 policy accept

# NL_SET_ERR_MSG_FMT came in 6.2: before, the message cannot name the type.
if printf '6.2\n%s\n' "$(uname -r)" | sort -VC; then
	msg="no NF type 'xyz' (module nfv-nf-xyz not found)"
else
	msg="no NF type of that name (and no module for it)"
fi
expect_fail "$msg" nfvctl nf add dp0 x1 type xyz
check_eq "and no instance x1" \
	"$(nfvctl -j nf show dp0 | jq -c 'map(select(.name == "x1"))')" '[]'
