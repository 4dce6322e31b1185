#!/bin/bash
# Bad configuration is refused with a message that says why, and leaves
# the configuration as it was; without CAP_NET_ADMIN nothing is allowed.
# debug: kmemleak
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
expect_fail "no NF type" nfvctl nf add dp0 n1 type nosuchtype

# A bridge member already has an RX handler.
rt ip link add br0 type bridge
rt ip link add v0 type veth peer v1
rt ip link set v0 master br0
expect_fail "rx handler" nfvctl port add dp0 dev v0

check "netlink fuzz" rt python3 "$FUZZ/nlfuzz.py" dp0 --random 2000
check "unprivileged user namespace refused" \
	rt unshare -Ur python3 "$FUZZ/nlfuzz.py" dp0 --expect-eperm
check "still forwarding" cl ping -c1 -W2 10.0.2.2 >/dev/null

# A deleted port's number is not given to the next port: a rule or a flow
# that names port 1 must not move to another device.
port_no() { nfvctl -j port show dp0 | jq -r ".[] | select(.ifname == \"$1\") | .port"; }
check_eq "r0 is port 1" "$(port_no r0)" 1
nfvctl port del dp0 dev r0
nfvctl port add dp0 dev r0
check_eq "r0 added again is port 3, not 1" "$(port_no r0)" 3

# Root of a user namespace may run datapaths in its own network namespace,
# within bounds: their flows are no memory cgroup's. One user namespace,
# held by a sleeping process, for all the checks: datapaths deleted give
# their flows back at once (the one release path, nfv_dp_destroy(), that a
# namespace's exit takes too), where waiting for namespaces to go would wait
# for every earlier test's teardown (minutes on the debug kernel).
unshare -Urn sleep 600 &
holder=$!
trap 'kill $holder 2>/dev/null' EXIT
own_userns() { [ "$(readlink /proc/$holder/ns/user)" != "$(readlink /proc/self/ns/user)" ]; }
await 100 own_userns
userns() { nsenter -t "$holder" -U -n "$NFVCTL" "$@"; }
expect_fail "at most 1048576 flows" userns dp add u0 max-flows 2000000
printf 'dp add u0\ndp set u0 max-flows 1048577\n' > /tmp/grow
expect_fail "at most 1048576 flows" userns -b /tmp/grow
# u0 stays from the batch: seven more make eight, a ninth is refused.
printf 'dp add u%d\n' 1 2 3 4 5 6 7 > /tmp/seven
check "eight datapaths in a user namespace" userns -b /tmp/seven
expect_fail "too many datapaths" userns dp add u8
# All user namespaces together: 4 datapaths of 1048576 flows, once the
# eight above are deleted; a fifth is refused.
{
	printf 'dp del u%d\n' 0 1 2 3 4 5 6 7
	printf 'dp add u%d max-flows 1048576\n' 1 2 3 4
} > /tmp/four
check "four datapaths of 1048576 flows" userns -b /tmp/four
expect_fail "in all" userns dp add u5 max-flows 1
