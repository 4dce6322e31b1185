#!/bin/bash
# The firewall's configuration over netlink: bad rules and requests are
# refused with a message and change nothing (nlfuzz.py --fw), seeded
# random rule edits leave exactly the rules a model of the list expects,
# and the instance still works afterwards. Rules keep their handles, as
# nft's, across edits of others, and are named by them.
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

# Handles: given in order, kept across the edits of other rules, never
# given again; rules go in before or after a handle (a set's in the order
# written), and are set and deleted by it.
nfvctl -b - <<-EOF
	fw add dp0 fh
	fw rule add dp0 fh proto tcp dport 1 accept
	fw rule add dp0 fh proto tcp dport 2 accept
	fw rule add dp0 fh proto tcp dport 3 accept
	EOF
handles() { nfvctl -j fw rule list dp0 fh | jq -c 'map([.dport, .handle])'; }
check_eq "each rule has a handle" "$(handles)" '[["1",1],["2",2],["3",3]]'
check_eq "listed as nft does" \
	"$(nfvctl fw rule list dp0 fh | sed -n '2s/ packets.*//p')" \
	"1: proto tcp dport 2 accept  # handle 2"
nfvctl fw rule add dp0 fh handle 2 proto udp dport { 10, 11 } accept
nfvctl fw rule add dp0 fh after handle 2 proto udp dport { 20, 21 } accept
nfvctl fw rule add dp0 fh pos 0 proto udp dport 30 accept
check_eq "inserted before and after handle 2" "$(handles)" \
	'[["30",8],["1",1],["10",4],["11",5],["2",2],["20",7],["21",6],["3",3]]'
nfvctl fw rule del dp0 fh handle 2
nfvctl fw rule set dp0 fh handle 3 proto tcp dport 33 drop
check_eq "deleted and set by handle, the set one keeping it" "$(handles)" \
	'[["30",8],["1",1],["10",4],["11",5],["20",7],["21",6],["33",3]]'
expect_fail "no rule has this handle" nfvctl fw rule del dp0 fh handle 2
nfvctl fw rule del dp0 fh pos 0
check_eq "a position still names the rule there" "$(handles)" \
	'[["1",1],["10",4],["11",5],["20",7],["21",6],["33",3]]'
echo "proto tcp dport 5 accept" > /tmp/fh.rules
nfvctl fw load dp0 fh /tmp/fh.rules
check_eq "a load's rules get new handles" "$(handles)" '[["5",9]]'
