#!/bin/bash
# A lightweight tunnel route through the datapath: the router's route to
# 10.0.3.0/24 pushes MPLS label 100 (mpls_iptunnel, an lwtunnel that
# redirects transmission). The server pops the label to its loopback,
# where 10.0.3.3 lives, and refuses that address to plain IP arriving on
# s0: only what the datapath encapsulated arrives.
. "$(dirname "$0")/lib.sh"

need mpls_router
need mpls_iptunnel
router_setup
# (The debug kernel has no MPLS.)
if ! sv sysctl -qw net.mpls.platform_labels=1000 2>/dev/null; then
	echo "skip: MPLS (not in this kernel)"
	exit 0
fi
sv sysctl -qw net.mpls.conf.s0.input=1
# The refusal goes before the local table, which would accept the
# address from any device.
ip -n server -b - <<-EOF
addr add 10.0.3.3/32 dev lo
rule add pref 5 iif s0 to 10.0.3.3 prohibit
rule add pref 10 lookup local
rule del pref 0 lookup local
EOF
ip -n server -f mpls route add 100 dev lo

ip -n router route add 10.0.3.0/24 via 10.0.2.2 dev r1
check "plain IP to 10.0.3.3: refused by the server" \
	no_reply client ping -q -c1 -W2 10.0.3.3
ip -n router route replace 10.0.3.0/24 encap mpls 100 via 10.0.2.2 dev r1
out=$(cl ping -c3 -i 0.2 -W2 10.0.3.3 || true)
check_eq "echo replies through the MPLS route" \
	"$(grep -c 'bytes from' <<<"$out")" 3

head -c 300000 /dev/urandom > /tmp/payload
sv socat -u TCP-LISTEN:5001,reuseaddr,bind=10.0.3.3 \
	OPEN:/tmp/received,creat,trunc &
listening server -t 5001
cl socat -u OPEN:/tmp/payload TCP:10.0.3.3:5001
wait
check "TCP payload intact" cmp /tmp/payload /tmp/received
check_gt "packets from the flow cache" "$(stat fast_packets)" 0
