# Prints n firewall rules (nfvctl fw load's format) of four shapes, none of
# which matches the benchmark's traffic (10.10.1.2 -> 10.20.0.0/16, UDP,
# destination port 9 or 100 and up): they cost a new flow its classifier
# lookup and let nothing in. port: the in-port of the third shape.
# Usage: awk -v n=N -v port=P -f fw-filler.awk
BEGIN {
	for (i = 0; i < n; i++) {
		a = int(i / 4) % 256; b = int(i / 1024) % 256
		if (i % 4 == 0)
			printf "dst 172.16.%d.%d/32 proto tcp dport %d accept\n", b, a, 1 + i % 999
		else if (i % 4 == 1)
			printf "src 172.17.%d.0/24 proto udp dport 1000-2000 accept\n", a
		else if (i % 4 == 2)
			printf "in-port %d src 172.18.%d.%d/32 ct state new accept\n", port, b, a
		else
			printf "dst 172.19.%d.0/24 proto icmp icmp-type 8 accept\n", a
	}
}
