// SPDX-License-Identifier: GPL-2.0
/*
 * guest-peer: plays a KVM guest on a macvtap's /dev/tapN, as QEMU's
 * virtio-net backend would drive it, with the virtio-net header on every
 * frame. A tiny IPv4 stack: answers ARP for its address, ICMP echo, and
 * echoes UDP datagrams back to their sender.
 *
 * The virtio-net header is honoured as a guest must: a frame with
 * VIRTIO_NET_HDR_F_NEEDS_CSUM carries a partial checksum, completed here
 * before the frame is read; any other frame's checksums are verified. GSO
 * frames (TCPv4 or anything else) are refused: this guest offers no TSO,
 * so the host must never send one. UDP replies go out with NEEDS_CSUM, as
 * a virtio guest with checksum offload sends them.
 *
 * Usage: guest-peer TAPDEV MAC IPV4 SECONDS [IFNAME]
 * TAPDEV is a macvtap's /dev/tapN, or /dev/net/tun with IFNAME: the tap
 * device IFNAME is created as QEMU's -netdev tap,ifname=IFNAME creates it.
 * Runs until SECONDS passed or SIGTERM, then prints its counters on one
 * line (rx, arp, echo, udp, partial, gso, bad).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/if_ether.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/udp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define HDR	sizeof(struct virtio_net_hdr_mrg_rxbuf)

static struct {
	unsigned long rx, arp, echo, udp, partial, gso, bad;
} st;
static uint8_t my_mac[ETH_ALEN];
static uint32_t my_ip;		/* network order */
static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static uint32_t sum16(const void *p, size_t len, uint32_t sum)
{
	const uint8_t *b = p;

	for (; len > 1; len -= 2, b += 2)
		sum += (uint32_t)b[0] << 8 | b[1];
	if (len)
		sum += (uint32_t)b[0] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Pseudo-header sum of an IPv4 transport segment, host order. */
static uint32_t pseudo(const struct iphdr *ip, size_t l4len)
{
	uint32_t sum = sum16(&ip->saddr, 8, 0);

	return sum + ip->protocol + (uint32_t)l4len;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/*
 * NEEDS_CSUM: the 16 bits at csum_start + csum_offset hold the pseudo-
 * header sum; the checksum is the complement of everything from
 * csum_start on.
 */
static int complete_csum(uint8_t *f, size_t len,
			 const struct virtio_net_hdr *vh)
{
	size_t start = vh->csum_start, off = start + vh->csum_offset;

	if (start >= len || off + 2 > len)
		return -1;
	put16(f + off, (uint16_t)~fold(sum16(f + start, len - start, 0)));
	st.partial++;
	return 0;
}

static void send_frame(int fd, const struct virtio_net_hdr *vh,
		       const uint8_t *f, size_t len)
{
	uint8_t buf[HDR + 65536];
	ssize_t n;

	memset(buf, 0, HDR);
	memcpy(buf, vh, sizeof(*vh));
	memcpy(buf + HDR, f, len);
	n = write(fd, buf, HDR + len);
	if (n != (ssize_t)(HDR + len))
		fprintf(stderr, "guest-peer: write: %s\n",
			n < 0 ? strerror(errno) : "short");
}

/* Reply headers: Ethernet and IPv4 swapped, in place. */
static void turn_around(uint8_t *f, struct iphdr *ip)
{
	uint8_t mac[ETH_ALEN];
	uint32_t a = ip->saddr;

	memcpy(mac, f + ETH_ALEN, ETH_ALEN);
	memcpy(f, mac, ETH_ALEN);
	memcpy(f + ETH_ALEN, my_mac, ETH_ALEN);
	ip->saddr = ip->daddr;
	ip->daddr = a;
	ip->ttl = 64;
	ip->check = 0;
	ip->check = htons((uint16_t)~fold(sum16(ip, ip->ihl * 4, 0)));
}

static void on_arp(int fd, uint8_t *f, size_t len)
{
	struct ether_arp *a = (struct ether_arp *)(f + ETH_HLEN);
	struct virtio_net_hdr vh = { 0 };

	if (len < ETH_HLEN + sizeof(*a) || ntohs(a->ea_hdr.ar_op) != ARPOP_REQUEST ||
	    memcmp(a->arp_tpa, &my_ip, 4))
		return;
	st.arp++;
	a->ea_hdr.ar_op = htons(ARPOP_REPLY);
	memcpy(a->arp_tha, a->arp_sha, ETH_ALEN);
	memcpy(a->arp_tpa, a->arp_spa, 4);
	memcpy(a->arp_sha, my_mac, ETH_ALEN);
	memcpy(a->arp_spa, &my_ip, 4);
	memcpy(f, a->arp_tha, ETH_ALEN);
	memcpy(f + ETH_ALEN, my_mac, ETH_ALEN);
	send_frame(fd, &vh, f, ETH_HLEN + sizeof(*a));
}

static void on_icmp(int fd, uint8_t *f, struct iphdr *ip, uint8_t *l4,
		    size_t l4len)
{
	struct virtio_net_hdr vh = { 0 };

	if (l4len < 8 || fold(sum16(l4, l4len, 0)) != 0xffff) {
		st.bad++;
		return;
	}
	if (l4[0] != ICMP_ECHO)
		return;
	st.echo++;
	l4[0] = ICMP_ECHOREPLY;
	put16(l4 + 2, 0);
	put16(l4 + 2, (uint16_t)~fold(sum16(l4, l4len, 0)));
	turn_around(f, ip);
	send_frame(fd, &vh, f, (uint8_t *)l4 + l4len - f);
}

/* UDP echo; the reply leaves with a partial checksum (NEEDS_CSUM). */
static void on_udp(int fd, uint8_t *f, struct iphdr *ip, uint8_t *l4,
		   size_t l4len)
{
	struct virtio_net_hdr vh = { 0 };
	uint8_t port[2];

	if (l4len < 8 || ((l4[6] || l4[7]) &&
	    fold(sum16(l4, l4len, pseudo(ip, l4len))) != 0xffff)) {
		st.bad++;
		return;
	}
	st.udp++;
	memcpy(port, l4, 2);
	memcpy(l4, l4 + 2, 2);
	memcpy(l4 + 2, port, 2);
	turn_around(f, ip);
	put16(l4 + 6, fold(pseudo(ip, l4len)));
	vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vh.csum_start = l4 - f;
	vh.csum_offset = 6;
	send_frame(fd, &vh, f, l4 + l4len - f);
}

static void on_frame(int fd, uint8_t *buf, size_t n)
{
	struct virtio_net_hdr *vh = (struct virtio_net_hdr *)buf;
	uint8_t *f = buf + HDR, *l4;
	size_t len = n - HDR, iplen, hl;
	struct iphdr *ip;
	uint16_t type;

	st.rx++;
	if (vh->gso_type != VIRTIO_NET_HDR_GSO_NONE) {
		/* No TSO offered: the host must have segmented it. */
		st.gso++;
		return;
	}
	if (len < ETH_HLEN ||
	    ((vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
	     complete_csum(f, len, vh))) {
		st.bad++;
		return;
	}
	type = (uint16_t)(f[12] << 8 | f[13]);
	if (type == ETHERTYPE_ARP) {
		on_arp(fd, f, len);
		return;
	}
	if (type != ETHERTYPE_IP || len < ETH_HLEN + sizeof(*ip))
		return;
	ip = (struct iphdr *)(f + ETH_HLEN);
	hl = ip->ihl * 4u;
	iplen = ntohs(ip->tot_len);
	if (ip->version != 4 || hl < sizeof(*ip) || iplen < hl ||
	    ETH_HLEN + iplen > len || fold(sum16(ip, hl, 0)) != 0xffff) {
		st.bad++;
		return;
	}
	if (ip->daddr != my_ip || (ntohs(ip->frag_off) & 0x3fff))
		return;
	l4 = (uint8_t *)ip + hl;
	if (ip->protocol == IPPROTO_ICMP)
		on_icmp(fd, f, ip, l4, iplen - hl);
	else if (ip->protocol == IPPROTO_UDP)
		on_udp(fd, f, ip, l4, iplen - hl);
}

static int tap_open(const char *path, const char *ifname)
{
	int hdr = HDR, fd = open(path, O_RDWR);
	struct ifreq ifr = { 0 };

	if (fd < 0) {
		perror(path);
		return -1;
	}
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (ifname)
		strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	if (ioctl(fd, TUNSETIFF, &ifr) || ioctl(fd, TUNSETVNETHDRSZ, &hdr) ||
	    ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM)) {
		perror("guest-peer: tap ioctl");
		close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	static uint8_t buf[HDR + 65536];
	struct pollfd pfd = { .events = POLLIN };
	struct timespec now, end;
	struct sigaction sa = { .sa_handler = on_term };
	int left;

	if (argc < 5 || argc > 6 ||
	    sscanf(argv[2], "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &my_mac[0],
		   &my_mac[1], &my_mac[2], &my_mac[3], &my_mac[4],
		   &my_mac[5]) != 6 ||
	    inet_pton(AF_INET, argv[3], &my_ip) != 1) {
		fprintf(stderr, "usage: guest-peer TAPDEV MAC IPV4 SECONDS [IFNAME]\n");
		return 2;
	}
	sigaction(SIGTERM, &sa, NULL);
	pfd.fd = tap_open(argv[1], argc > 5 ? argv[5] : NULL);
	if (pfd.fd < 0)
		return 1;
	fprintf(stderr, "ready\n");
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += atoi(argv[4]);
	while (!stop) {
		ssize_t n;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left = (int)((end.tv_sec - now.tv_sec) * 1000 +
			     (end.tv_nsec - now.tv_nsec) / 1000000);
		if (left <= 0 || (poll(&pfd, 1, left) < 0 && errno != EINTR))
			break;
		if (!(pfd.revents & POLLIN))
			continue;
		n = read(pfd.fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			/* The macvtap went away under us: a guest sees that too. */
			perror("guest-peer: read");
			break;
		}
		if ((size_t)n > HDR)
			on_frame(pfd.fd, buf, (size_t)n);
	}
	printf("rx %lu arp %lu echo %lu udp %lu partial %lu gso %lu bad %lu\n",
	       st.rx, st.arp, st.echo, st.udp, st.partial, st.gso, st.bad);
	return 0;
}
