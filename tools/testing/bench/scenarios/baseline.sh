# The ceiling: the kernel's own IPv4 forwarding, no netfilter, no datapath.
desc="kernel IPv4 forwarding, no netfilter"

setup() {
	rt sysctl -qw net.ipv4.ip_forward=1
}
