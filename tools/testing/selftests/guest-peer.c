// SPDX-License-Identifier: GPL-2.0
/*
 * guest-peer: plays a KVM guest on a macvtap's /dev/tapN, as QEMU's
 * virtio-net backend would drive it, with the virtio-net header on every
 * frame. A tiny IPv4 stack: answers ARP for its address, ICMP echo, and
 * echoes UDP datagrams back to their sender.
 *
 * The virtio-net header is honoured as a guest must: a frame with
 * VIRTIO_NET_HDR_F_NEEDS_CSUM carries a partial checksum, completed here
 * before the frame is read; any other frame's checksums are verified,
 * also those the host vouched for (VIRTIO_NET_HDR_F_DATA_VALID, counted
 * apart). GSO frames (TCPv4 or anything else) are refused: this guest
 * offers no TSO, so the host must never send one. UDP replies go out with
 * NEEDS_CSUM, as a virtio guest with checksum offload sends them.
 *
 * A TCP connection to port 7001 gets TCP_BYTES of a fixed pattern (one
 * letter of 25 after another) and a FIN: the pattern leaves as one GSO
 * frame (VIRTIO_NET_HDR_GSO_TCPV4, NEEDS_CSUM, gso_size the client's MSS)
 * that the host segments, as a virtio guest sends one when the device
 * offers it TSO (VIRTIO_NET_F_HOST_TSO4, which QEMU offers on a tap).
 * The server keeps no state but the client's MSS: it answers a SYN, sends
 * the data on the ACK of its SYN, and acknowledges a FIN.
 *
 * Usage: guest-peer [-b] [-w FILE] [--vhost] TAPDEV MAC IPV4 SECONDS [IFNAME]
 * TAPDEV is a macvtap's /dev/tapN, or /dev/net/tun with IFNAME: the tap
 * device IFNAME is created as QEMU's -netdev tap,ifname=IFNAME creates it.
 * With --vhost the frames cross vhost-net's vrings, as a QEMU guest's
 * with vhost=on (guest-vhost.c), instead of read() and write() on TAPDEV.
 * Runs until SECONDS passed or SIGTERM, then prints its counters on one
 * line (rx, arp, echo, udp, partial, gso, bad, tso, valid).
 *
 * -b: a bump in the wire, as an IDS in a guest step: every IPv4 or IPv6
 * frame not for its own address goes back out as it came, virtio-net
 * header included, and is counted on a line of its own ("bump N lost
 * M"): lost, those the host would not take (the tx vring full), which a
 * guest flooded by the benchmark sends back faster than vhost drains.
 *
 * -w FILE: every frame received is written to FILE (pcap, Ethernet, the
 * virtio-net header left out), so a test can read what the guest saw.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/if_ether.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
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

#include "guest-peer.h"

#define HDR	sizeof(struct virtio_net_hdr_mrg_rxbuf)
#define TCP_PORT	7001
#define TCP_BYTES	20000
#define TCP_ISS		0x10000000u	/* our initial sequence number */

static struct {
	unsigned long rx, arp, echo, udp, partial, gso, bad, tso, valid;
} st;
static unsigned long bumped;	/* -b: frames sent back as they came */
static unsigned long bump_lost;	/* -b: of those, what did not fit */
static int bump;
static FILE *pcap;		/* -w: what the guest received */
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
	/* fd -1: the frames cross vhost-net's vrings. */
	if (fd < 0)
		n = vhost_send(buf, HDR + len) ? -1 : (ssize_t)(HDR + len);
	else
		n = write(fd, buf, HDR + len);
	if (n == (ssize_t)(HDR + len))
		return;
	/* -b under load (the bench): a full ring, counted, not told. */
	if (bump) {
		bump_lost++;
		return;
	}
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

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static uint16_t peer_mss = 536;	/* RFC 9293's default, until a SYN says */

/* The MSS option of a SYN, or 536. */
static uint16_t syn_mss(const uint8_t *th, size_t thlen)
{
	size_t i = 20;

	while (i < thlen && th[i] != TCPOPT_EOL) {
		if (th[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= thlen || th[i + 1] < 2 || i + th[i + 1] > thlen)
			break;
		if (th[i] == TCPOPT_MAXSEG && th[i + 1] == 4)
			return (uint16_t)(th[i + 2] << 8 | th[i + 3]);
		i += th[i + 1];
	}
	return 536;
}

/*
 * Sends a segment from port TCP_PORT back to the sender of @rx (its
 * Ethernet, IPv4 and TCP headers): @len bytes of the pattern if @len,
 * with a partial checksum, as one GSO frame if longer than the MSS.
 */
static void tcp_send(int fd, const uint8_t *rx, const struct iphdr *rip,
		     const uint8_t *rth, uint8_t flags, uint32_t seq,
		     uint32_t ack, size_t len)
{
	static uint8_t f[ETH_HLEN + 20 + 24 + TCP_BYTES];
	struct virtio_net_hdr vh = { 0 };
	struct iphdr *ip = (struct iphdr *)(f + ETH_HLEN);
	size_t thlen = flags & TH_SYN ? 24 : 20, i;
	uint8_t *th = f + ETH_HLEN + sizeof(*ip), *data = th + thlen;

	memcpy(f, rx + ETH_ALEN, ETH_ALEN);
	memcpy(f + ETH_ALEN, my_mac, ETH_ALEN);
	put16(f + 12, ETHERTYPE_IP);
	memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons((uint16_t)(sizeof(*ip) + thlen + len));
	ip->frag_off = htons(IP_DF);
	ip->protocol = IPPROTO_TCP;
	ip->saddr = rip->daddr;
	ip->daddr = rip->saddr;
	memset(th, 0, thlen);
	put16(th, TCP_PORT);
	memcpy(th + 2, rth, 2);
	put32(th + 4, seq);
	put32(th + 8, ack);
	th[12] = (uint8_t)(thlen / 4 << 4);
	th[13] = flags;
	put16(th + 14, 65535);
	if (flags & TH_SYN) {
		th[20] = TCPOPT_MAXSEG;
		th[21] = 4;
		put16(th + 22, 1460);
	}
	for (i = 0; i < len; i++)
		data[i] = (uint8_t)('a' + i % 25);
	ip->ttl = 64;
	ip->check = htons((uint16_t)~fold(sum16(ip, sizeof(*ip), 0)));
	put16(th + 16, fold(pseudo(ip, thlen + len)));
	vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vh.csum_start = (uint16_t)(th - f);
	vh.csum_offset = 16;
	if (len > peer_mss) {
		vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
		vh.gso_size = peer_mss;
		vh.hdr_len = (uint16_t)(data - f);
		st.tso++;
	}
	send_frame(fd, &vh, f, (size_t)(data - f) + len);
}

/* The pattern server on TCP_PORT (the comment at the top). */
static void on_tcp(int fd, uint8_t *f, struct iphdr *ip, uint8_t *th,
		   size_t l4len)
{
	size_t thlen = l4len >= 20 ? (th[12] >> 4) * 4u : 0;
	uint32_t seq, ack;
	uint8_t fl;

	if (thlen < 20 || thlen > l4len ||
	    fold(sum16(th, l4len, pseudo(ip, l4len))) != 0xffff) {
		st.bad++;
		return;
	}
	if ((th[2] << 8 | th[3]) != TCP_PORT)
		return;
	seq = get32(th + 4);
	ack = get32(th + 8);
	fl = th[13];
	if (fl & TH_RST)
		return;
	if (fl & TH_SYN) {
		peer_mss = syn_mss(th, thlen);
		tcp_send(fd, f, ip, th, TH_SYN | TH_ACK, TCP_ISS, seq + 1, 0);
	} else if (fl & TH_FIN) {
		tcp_send(fd, f, ip, th, TH_ACK, ack,
			 seq + (uint32_t)(l4len - thlen) + 1, 0);
	} else if (ack == TCP_ISS + 1 && l4len == thlen) {
		tcp_send(fd, f, ip, th, TH_PUSH | TH_ACK, TCP_ISS + 1, seq,
			 TCP_BYTES);
		tcp_send(fd, f, ip, th, TH_FIN | TH_ACK,
			 TCP_ISS + 1 + TCP_BYTES, seq, 0);
	}
}

/*
 * -b: an IPv4 or IPv6 frame for another address goes back unchanged,
 * its checksums still partial if they were. Returns 1 if it did.
 */
static int bump_frame(int fd, const uint8_t *buf, size_t n)
{
	const uint8_t *f = buf + HDR;
	size_t len = n - HDR;
	uint16_t type;
	uint32_t daddr;

	if (len < ETH_HLEN)
		return 0;
	type = (uint16_t)(f[12] << 8 | f[13]);
	if (type == ETHERTYPE_IP) {
		if (len < ETH_HLEN + sizeof(struct iphdr))
			return 0;
		memcpy(&daddr, f + ETH_HLEN + 16, 4);
		if (daddr == my_ip)
			return 0;
	} else if (type != ETHERTYPE_IPV6) {
		return 0;
	}
	bumped++;
	send_frame(fd, (const struct virtio_net_hdr *)buf, f, len);
	return 1;
}

/* pcap's file header: version 2.4, microseconds, Ethernet. */
static int pcap_open(const char *path)
{
	const uint32_t hdr[6] = { 0xa1b2c3d4, 2 | 4 << 16, 0, 0, 65535, 1 };

	pcap = fopen(path, "w");
	if (!pcap || fwrite(hdr, sizeof(hdr), 1, pcap) != 1) {
		perror(path);
		return -1;
	}
	return 0;
}

static void pcap_write(const uint8_t *f, size_t len)
{
	struct timespec ts;
	uint32_t rec[4];

	clock_gettime(CLOCK_REALTIME, &ts);
	rec[0] = (uint32_t)ts.tv_sec;
	rec[1] = (uint32_t)(ts.tv_nsec / 1000);
	rec[2] = (uint32_t)len;
	rec[3] = (uint32_t)len;
	fwrite(rec, sizeof(rec), 1, pcap);
	fwrite(f, len, 1, pcap);
}

static void on_frame(int fd, uint8_t *buf, size_t n)
{
	struct virtio_net_hdr *vh = (struct virtio_net_hdr *)buf;
	uint8_t *f = buf + HDR, *l4;
	size_t len = n - HDR, iplen, hl;
	struct iphdr *ip;
	uint16_t type;

	st.rx++;
	if (pcap)
		pcap_write(f, len);
	if (bump && bump_frame(fd, buf, n))
		return;
	if (vh->gso_type != VIRTIO_NET_HDR_GSO_NONE) {
		/* No TSO offered: the host must have segmented it. */
		st.gso++;
		return;
	}
	/* Vouched for, and verified all the same below. */
	if (vh->flags & VIRTIO_NET_HDR_F_DATA_VALID)
		st.valid++;
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
	else if (ip->protocol == IPPROTO_TCP)
		on_tcp(fd, f, ip, l4, iplen - hl);
}

static int tap_open(const char *path, const char *ifname)
{
	int hdr = HDR, sndbuf = INT_MAX, fd = open(path, O_RDWR);
	struct ifreq ifr = { 0 };

	if (fd < 0) {
		perror(path);
		return -1;
	}
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (ifname)
		strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	/*
	 * The send buffer unlimited, as QEMU sets every tap's
	 * (net/tap-linux.c, tap_set_sndbuf()): only then does vhost-net
	 * batch the guest's frames (handle_tx_copy(), sk_sndbuf == INT_MAX),
	 * and macvtap builds their skbs around vhost's pages
	 * (tap_get_user_xdp()), charged to no socket. A real guest's small
	 * frames all take that path.
	 */
	if (ioctl(fd, TUNSETIFF, &ifr) || ioctl(fd, TUNSETVNETHDRSZ, &hdr) ||
	    ioctl(fd, TUNSETSNDBUF, &sndbuf) ||
	    ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM)) {
		perror("guest-peer: tap ioctl");
		close(fd);
		return -1;
	}
	return fd;
}

/* Waits up to @ms for a frame on the tap, for the stack; -1 to stop. */
static int tap_wait(int fd, int ms)
{
	static uint8_t buf[HDR + 65536];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (poll(&pfd, 1, ms) < 0)
		return errno == EINTR ? 0 : -1;
	if (!(pfd.revents & POLLIN))
		return 0;
	n = read(fd, buf, sizeof(buf));
	if (n < 0 && errno == EINTR)
		return 0;
	if (n < 0) {
		/* The macvtap went away under us: a guest sees that too. */
		perror("guest-peer: read");
		return -1;
	}
	if ((size_t)n > HDR)
		on_frame(fd, buf, (size_t)n);
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_term };
	int vhost = 0, fd, left, r;
	struct timespec now, end;

	for (; argc > 1; argc--, argv++) {
		if (!strcmp(argv[1], "--vhost")) {
			vhost = 1;
		} else if (!strcmp(argv[1], "-b")) {
			bump = 1;
		} else if (!strcmp(argv[1], "-w") && argc > 2 && !pcap) {
			if (pcap_open(argv[2]))
				return 1;
			argc--, argv++;
		} else {
			break;
		}
	}
	if (argc < 5 || argc > 6 ||
	    sscanf(argv[2], "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &my_mac[0],
		   &my_mac[1], &my_mac[2], &my_mac[3], &my_mac[4],
		   &my_mac[5]) != 6 ||
	    inet_pton(AF_INET, argv[3], &my_ip) != 1) {
		fprintf(stderr, "usage: guest-peer [-b] [-w FILE] [--vhost] TAPDEV MAC IPV4 SECONDS [IFNAME]\n");
		return 2;
	}
	sigaction(SIGTERM, &sa, NULL);
	fd = tap_open(argv[1], argc > 5 ? argv[5] : NULL);
	if (fd < 0 || (vhost && vhost_start(fd)))
		return 1;
	fprintf(stderr, "ready\n");
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += atoi(argv[4]);
	while (!stop) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = (int)((end.tv_sec - now.tv_sec) * 1000 +
			     (end.tv_nsec - now.tv_nsec) / 1000000);
		if (left <= 0)
			break;
		r = vhost ? vhost_wait(left, on_frame) : tap_wait(fd, left);
		if (r < 0)
			break;
	}
	if (vhost)
		vhost_stop();
	printf("rx %lu arp %lu echo %lu udp %lu partial %lu gso %lu bad %lu tso %lu valid %lu\n",
	       st.rx, st.arp, st.echo, st.udp, st.partial, st.gso, st.bad,
	       st.tso, st.valid);
	if (bump)
		printf("bump %lu lost %lu\n", bumped, bump_lost);
	if (pcap && fclose(pcap)) {
		perror("guest-peer: pcap");
		return 1;
	}
	return 0;
}
