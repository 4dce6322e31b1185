#!/bin/bash
# BIG TCP through the datapath: with GSO and GRO sizes of 185000 on every
# veth, the client's TCP stack sends GSO packets over 64 KiB, IPv4 ones
# with tot_len 0 (6.3+), IPv6 ones with payload_len 0 and a hop-by-hop
# jumbo option (5.19+). The datapath must forward them as they are: the
# payload arrives intact, and nothing is dropped as malformed or too big.
# Skipped, with a message, for a family whose knobs the kernel lacks.
. "$(dirname "$0")/lib.sh"

router_setup
big=$top/tools/testing/selftests/big-tcp.py
fams=$(cl python3 "$big" set 185000 c0)
if [ "$(rt python3 "$big" set 185000 r0 r1)" != "$fams" ] ||
	[ "$(sv python3 "$big" set 185000 s0)" != "$fams" ]; then
	fail "the veths took BIG TCP sizes for different families"
fi
[[ $fams == *ipv4* ]] ||
	echo "skip: IPv4 BIG TCP (no gso_ipv4_max_size in $(uname -r))"
[[ $fams == *ipv6* ]] ||
	echo "skip: IPv6 BIG TCP (no gso_max_size over 64 KiB in $(uname -r))"
[ -n "$fams" ] || exit 0
# TCP sizes its GSO packets from its pacing rate and RTT
# (tcp_tso_autosize()), and from what the sender wrote: on a loaded host,
# or on the debug kernel, the VM is too slow for packets over 64 KiB, and
# socat's 8 KiB writes leave every packet small. At least 128 segments
# (184 kB) a packet, and writes of 256 KiB.
cl sysctl -qw net.ipv4.tcp_min_tso_segs=128
# A slow receiver's window limits the packets too: an 8 MB buffer from the
# start, so the whole transfer fits in it.
sv sysctl -qw net.ipv4.tcp_rmem="4096 8388608 16777216"

head -c 8M /dev/urandom > /tmp/big.in
ip netns exec router python3 "$big" sniff r0 > /tmp/big.sniff \
	2> /tmp/big.sniff.err &
sniffer=$!
await 100 grep -q ready /tmp/big.sniff.err || fail "capture did not start"

# send FAMILY SERVER-ADDRESS PORT: 8 MB from the client to the server.
send() {
	rm -f /tmp/big.out
	timeout 120 ip netns exec server socat -u "TCP$1-LISTEN:$3,reuseaddr" \
		OPEN:/tmp/big.out,creat,trunc &
	listening server -t "$3"
	cl timeout 120 socat -b 262144 -u OPEN:/tmp/big.in "TCP$1:$2:$3" ||
		fail "IPv$1: the transfer failed"
	wait $!
	check "IPv$1: 8 MB arrived intact" cmp -s /tmp/big.in /tmp/big.out
}
[[ $fams != *ipv4* ]] || send 4 10.0.2.2 7300
[[ $fams != *ipv6* ]] || send 6 '[fd00:2::2]' 7301

kill -TERM $sniffer
wait $sniffer || true
read -r v4 v6 < /tmp/big.sniff || fail "the capture printed nothing"
echo "frames over 64 KiB into r0: IPv4 $v4, IPv6 $v6"
[[ $fams != *ipv4* ]] ||
	check_gt "IPv4: GSO packets over 64 KiB with tot_len 0 came in" "$v4" 0
[[ $fams != *ipv6* ]] ||
	check_gt "IPv6: jumbograms over 64 KiB came in" "$v6" 0
check_eq "none was malformed" "$(drop malformed)" 0
check_eq "none was too big" "$(drop mtu)" 0
