#!/bin/bash
# Bad configuration is refused with a message that says why, and leaves
# the configuration as it was; without CAP_NET_ADMIN nothing is allowed.
. "$(dirname "$0")/lib.sh"

router_setup
expect_fail "no datapath" nfvctl port add nosuch dev r0
expect_fail "no such device" nfvctl port add dp0 dev nosuch0
expect_fail "already a port" nfvctl port add dp0 dev r0
expect_fail "too long" nfvctl dp add datapath-name-too-long
expect_fail "dev" nfvctl port add dp0
expect_fail "exists" nfvctl dp add dp0
expect_fail "no NF instance" nfvctl chain set dp0 dev r0 nosuchnf
expect_fail "not a port" nfvctl chain set dp0 dev lo forward
expect_fail "built-in" nfvctl nf del dp0 forward
expect_fail "unknown NF type" nfvctl nf add dp0 n1 type nosuchtype

# A bridge member already has an RX handler.
rt ip link add br0 type bridge
rt ip link add v0 type veth peer v1
rt ip link set v0 master br0
expect_fail "rx handler" nfvctl port add dp0 dev v0

check "netlink fuzz" rt python3 "$FUZZ/nlfuzz.py" dp0 --random 2000
check "unprivileged user namespace refused" \
	rt unshare -Ur python3 "$FUZZ/nlfuzz.py" dp0 --expect-eperm
check "still forwarding" cl ping -c1 -W2 10.0.2.2 >/dev/null
