#!/bin/bash
# The ABI from version 3 on (Documentation/netlink.rst, The ABI rule):
# nfvctl reads the module's ops and per-command policies (abi_test nfv,
# built by make -C userspace check); the module takes requests of any
# genlmsghdr version, a rule's ports in network byte order and its state
# mask as a u32, and points the extended ack at a state bit it refuses.
# debug: skip the ABI is the same on every kernel (test-netlink fuzzes it)
. "$(dirname "$0")/lib.sh"

[ -x "$top/userspace/tests/abi_test" ] ||
	fail "userspace/tests/abi_test is not built (make nfvctl)"
nfv_fw_load
router_setup
check "nfvctl reads the module's ops and policies" \
	"$top/userspace/tests/abi_test" nfv
check "raw requests as the ABI rule promises" \
	rt python3 "$(dirname "$0")/abi-raw.py" dp0
check_eq "nfvctl reads the raw rule's ports and states back" \
	"$(nfvctl -j fw rule list dp0 abi | jq -c '.[0] | [.dport, .ct_state]')" \
	'["1000-2000",["new","established","related","invalid"]]'
check "nfvctl sends them the same way" \
	nfvctl fw rule add dp0 abi proto udp dport 1000-2000 ct state new accept
check_eq "and reads them back" \
	"$(nfvctl -j fw rule list dp0 abi | jq -c '.[1] | [.dport, .ct_state]')" \
	'["1000-2000",["new"]]'
check "fw del abi" nfvctl fw del dp0 abi
