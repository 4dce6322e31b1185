#!/bin/bash
# make demo: a router between a client and a server, forwarding with the
# router's own stack switched off, and what nfvctl shows about it.
. "$(dirname "$0")/lib.sh"

say() { printf '\n## %s\n' "$*"; }
show() { echo "router# nfvctl $*"; nfvctl "$@"; }

say "client 10.0.1.2 -- r0 [router, ip_forward=0] r1 -- server 10.0.2.2"
netns_setup
echo "router# sysctl net.ipv4.ip_forward"
rt sysctl net.ipv4.ip_forward
echo "client# ping -c1 -W1 10.0.2.2   (no datapath yet)"
cl ping -c1 -W1 10.0.2.2 | tail -n 2 || true

say "create the datapath, attach both ports, chain: forward"
for c in "dp add dp0" "port add dp0 dev r0" "port add dp0 dev r1" \
	"chain set dp0 dev r0 forward" "chain set dp0 dev r1 forward"; do
	# shellcheck disable=SC2086
	show $c
done

say "traffic through the datapath"
echo "client# ping -c3 10.0.2.2"
cl ping -c3 -i 0.2 10.0.2.2
echo "client# ping -6 -c2 fd00:2::2"
cl ping -6 -c2 -i 0.2 fd00:2::2
head -c 2000000 /dev/urandom > /tmp/payload
sv socat -u TCP-LISTEN:5001,reuseaddr OPEN:/tmp/received,creat,trunc &
sleep 0.5
echo "client# send 2 MB over TCP to 10.0.2.2:5001"
cl socat -u OPEN:/tmp/payload TCP:10.0.2.2:5001
wait
cmp /tmp/payload /tmp/received && echo "server: 2000000 bytes received intact"

say "what the datapath saw"
show dp show
show port show dp0
show flow show dp0
show stats dp0
say "the same, as JSON"
echo "router# nfvctl -j flow show dp0 | jq -c ..."
nfvctl -j flow show dp0 | jq -M -c '.[] | {proto, src: .orig.src, dst: .orig.dst, dport: .orig.dport, orig_packets: .orig.packets, reply_packets: .reply.packets}'
cleanup
