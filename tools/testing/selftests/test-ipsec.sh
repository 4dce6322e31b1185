#!/bin/bash
# IPsec through the datapath: an ESP tunnel from the router (r1) to the
# server for client-to-server traffic. The server's inbound policy
# requires ESP for that traffic, so a plaintext leak is refused there and
# a black hole delivers nothing: only packets the datapath sent through
# the router's SA arrive. A cached route (the xfrm bundle) must go stale
# when its SA is replaced.
. "$(dirname "$0")/lib.sh"

# The flows must outlive the test, however slow the VM.
router_setup timeout udp 3600 timeout tcp-closing 3600
# (The debug kernel has no xfrm netlink: nothing to test there.)
if ! rt ip xfrm state list >/dev/null 2>&1; then
	echo "skip: IPsec (no xfrm netlink in this kernel)"
	exit 0
fi

# AES-GCM-128: 16 bytes of key and 4 of salt.
key=0x0123456789abcdef0123456789abcdef01234567
# sa NS SRC DST SPI: an ESP tunnel-mode SA.
sa() {
	ip -n "$1" xfrm state add src "$2" dst "$3" proto esp spi "$4" \
		mode tunnel aead 'rfc4106(gcm(aes))' "$key" 128
}
# policy NS DIR SRC DST TSRC TDST: traffic SRC -> DST through that tunnel.
policy() {
	ip -n "$1" xfrm policy add dir "$2" src "$3" dst "$4" \
		tmpl src "$5" dst "$6" proto esp mode tunnel
}
# sa_count NS SPI bytes|packets: what the SA has carried.
sa_count() {
	num "$(ip -n "$1" -s xfrm state get src "$3" dst "$4" proto esp \
		spi "$2")" "([0-9]+)\\($5\\)"
}

for ns in router server; do
	sa $ns 10.0.2.1 10.0.2.2 0x1000
	sa $ns fd00:2::1 fd00:2::2 0x1006
done
policy router out 10.0.1.0/24 10.0.2.0/24 10.0.2.1 10.0.2.2
policy server in 10.0.1.0/24 10.0.2.0/24 10.0.2.1 10.0.2.2
policy router out fd00:1::/64 fd00:2::/64 fd00:2::1 fd00:2::2
policy server in fd00:1::/64 fd00:2::/64 fd00:2::1 fd00:2::2
v4() { sa_count server 0x1000 10.0.2.1 10.0.2.2 "$1"; }
v6() { sa_count server 0x1006 fd00:2::1 fd00:2::2 "$1"; }

out=$(cl ping -c3 -i 0.2 -W2 10.0.2.2 || true)
check_eq "echo replies through the tunnel" \
	"$(grep -c 'bytes from' <<<"$out")" 3
check_ge "the server's SA decrypted them" "$(v4 packets)" 3

# TCP: a file crosses intact, all of it through the SA.
tx=$(stat tx_packets)
tcp_send 300000
check_received
check_gt "the server's SA decrypted the payload (bytes)" "$(v4 bytes)" 300000
check_gt "the datapath forwarded it" "$(stat tx_packets)" "$((tx + 10))"
check "the TCP flow is cached" jq_true \
	'any(.[]; .proto == "tcp" and .orig.result == "forward" and
		.orig.packets > 10)' <<<"$(nfvctl -j flow show dp0)"
check_gt "packets from the flow cache" "$(stat fast_packets)" 0

# The cached bundle holds the SA: replacing the SA must make it stale, or
# the flow's next datagram dies on the deleted SA.
sv socat -u UDP-RECV:5004 OPEN:/tmp/udp,creat,trunc &
listening server -u 5004
udp() { echo "$1" | cl socat -u - UDP:10.0.2.2:5004,sourceport=4004; }
udp first
await 50 grep -q first /tmp/udp || true
check "a UDP datagram through the tunnel" grep -q first /tmp/udp
for ns in router server; do
	ip -n $ns xfrm state delete src 10.0.2.1 dst 10.0.2.2 proto esp \
		spi 0x1000
	sa $ns 10.0.2.1 10.0.2.2 0x2000
done
udp second
await 50 grep -q second /tmp/udp || true
check "the flow's next datagram, after the SA changed" grep -q second /tmp/udp
check_ge "through the new SA" \
	"$(sa_count server 0x2000 10.0.2.1 10.0.2.2 packets)" 1
kill %% 2>/dev/null || true

out=$(cl ping -6 -c3 -i 0.2 -W2 fd00:2::2 || true)
check_eq "IPv6: echo replies through the tunnel" \
	"$(grep -c 'bytes from' <<<"$out")" 3
check_ge "IPv6: the server's SA decrypted them" "$(v6 packets)" 3
