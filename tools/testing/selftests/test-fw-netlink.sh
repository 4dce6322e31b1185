#!/bin/bash
# The firewall's configuration over netlink: bad rules and requests are
# refused with a message and change nothing (nlfuzz.py --fw), seeded
# random rule edits leave exactly the rules a model of the list expects,
# and the instance still works afterwards.
# debug: kmemleak
. "$(dirname "$0")/lib.sh"

fw_setup
nfvctl fw rule add dp0 fw1 in-port 1 proto tcp dport 22-80 accept
nfvctl fw rule add dp0 fw1 src 10.0.0.0/8 proto icmp icmp-type 8 drop
nfvctl fw add dp0 fz policy drop
nfvctl fw rule add dp0 fz ct state established,related accept
nfvctl fw rule add dp0 fz dst fd00::/16 proto udp sport 53 accept
rules=$(nfvctl -j fw rule list dp0 fw1 | jq -c 'map(del(.packets, .bytes))')

# nfvctl refuses some of these itself; the kernel must refuse them all.
expect_fail "prefix" nfvctl fw rule add dp0 fz src 10.0.0.0/33 accept
expect_fail "range" nfvctl fw rule add dp0 fz proto tcp dport 90-80 accept

check "fw netlink fuzz" rt python3 "$FUZZ/nlfuzz.py" dp0 --fw fz --random 400
check_eq "the firewall in the chain kept its rules" \
	"$(nfvctl -j fw rule list dp0 fw1 | jq -c 'map(del(.packets, .bytes))')" \
	"$rules"
check "the fuzzed instance takes a rule set" \
	nfvctl fw rule add dp0 fz pos 0 proto tcp accept
check "and the datapath still forwards through fw1" \
	cl ping -c1 -W2 10.0.2.2 > /dev/null
check "fw del removes the fuzzed instance" nfvctl fw del dp0 fz
check_eq "only fw1 is left" "$(nfvctl -j fw show dp0 | jq -c 'map(.name)')" \
	'["fw1"]'
