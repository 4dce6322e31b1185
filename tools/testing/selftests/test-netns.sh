#!/bin/bash
# Datapaths are per network namespace; deleting one releases its ports.
# debug: kmemleak
. "$(dirname "$0")/lib.sh"

router_setup
ip netns add other
ip -n other link add o0 type veth peer o1
# Into the namespace both ways: ip netns exec, and nfvctl's -n.
ip netns exec other "$NFVCTL" dp add dp0
"$NFVCTL" -n other port add dp0 dev o0
check_eq "router's dp0 has its own ports" "$(nfvctl -j port show dp0 | jq length)" 2
check_eq "other's dp0 has one port" \
	"$("$NFVCTL" -n /run/netns/other -j port show dp0 | jq length)" 1
check "the init namespace has no datapath" ! "$NFVCTL" dp show dp0 2>/dev/null
expect_fail "no such device" nfvctl port add dp0 dev o0
check "traffic unaffected" cl ping -c1 -W2 10.0.2.2 >/dev/null

"$NFVCTL" -n other dp del dp0
check_eq "no datapath left in other" \
	"$("$NFVCTL" -n other -j dp show | jq length)" 0
ip -n other link add br0 type bridge
check "released device can join a bridge" ip -n other link set o0 master br0
nfvctl dp del dp0
check "released router ports work for the host" cl ping -c1 -W2 10.0.1.1 >/dev/null
check "and the host does not forward" no_reply client ping -c1 -W1 10.0.2.2
