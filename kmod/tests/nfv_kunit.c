// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for the parser, the flow table, NAT and the fragment table. The units under test are
 * compiled into this module (static functions included); the rest of the
 * core is stubbed, so the suites run without nfv.ko loaded.
 */
#include <kunit/test.h>
#include <linux/icmp.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/tcp.h>

/* This module has its own copy: nfv.ko exports these. */
#undef EXPORT_SYMBOL_GPL
#define EXPORT_SYMBOL_GPL(sym)

#include "../parse.c"
#include "../flow.c"
#include "../frag.c"
#include "../nat.c"
#include "../icmp.c"
#include "../packet.c"
#include "../timeout.c"

/* Stubs for what flow.c calls in the rest of the core. */
static unsigned int nfv_kunit_events;

void nfv_notify_flow(struct nfv_dp *dp, struct nfv_flow *flow, u8 event)
{
	nfv_kunit_events++;
}

/* The flows' references on a chain, which the stubs count. */
static atomic_t nfv_kunit_chain_refs;

void nfv_chain_get(struct nfv_chain *chain)
{
	atomic_inc(&nfv_kunit_chain_refs);
}

void nfv_chain_put(struct nfv_chain *chain)
{
	atomic_dec(&nfv_kunit_chain_refs);
}

/* What packet.c calls: a chain whose verdict the test sets, no output. */
static unsigned int nfv_kunit_chain_runs;
static enum nfv_verdict nfv_kunit_verdict = NFV_PASS;

enum nfv_verdict nfv_chain_run(struct nfv_chain *chain, struct nfv_pkt *pkt,
			       unsigned int start)
{
	nfv_kunit_chain_runs++;
	return nfv_kunit_verdict;
}

/* No chain here has a guest step (gstep.c). */
enum nfv_gstep_way nfv_gstep_way(struct nfv_nf *nf, const struct nfv_pkt *pkt)
{
	return NFV_GSTEP_CLOSED;
}

bool nfv_gstep_send(struct nfv_nf *nf, struct nfv_pkt *pkt)
{
	return false;
}

void nfv_gstep_returned(struct nfv_nf *nf)
{
}

void nfv_gstep_failed(struct nfv_nf *nf, enum nfv_gstep_way way)
{
}

bool nfv_gstep_set_result(struct nfv_gstep_flow *gf, unsigned int dir,
			  u8 res, struct dst_entry *dst, u32 cookie)
{
	return false;
}

void nfv_gstep_invalidate(struct nfv_gstep_flow *gf, unsigned int dir,
			  struct dst_entry *dst)
{
}

void nfv_gstep_forget_routes(struct nfv_flow *flow)
{
}

bool nfv_gstep_on_port(const struct nfv_nf *nf, const struct nfv_port *port)
{
	return false;
}

bool nfv_gstep_capable(const struct net_device *dev)
{
	return false;
}

int nfv_forward_xmit(struct nfv_pkt *pkt, struct dst_entry *dst)
{
	kfree_skb(pkt->skb);
	return 0;
}

struct nfv_port *nfv_port_rcu(const struct nfv_dp *dp,
			      const struct net_device *dev)
{
	return NULL;
}

/* Packet builders */

static const __be32 SRC4 = htonl(0x0a000102), DST4 = htonl(0x0a000202);

static struct sk_buff *pkt_skb(struct kunit *test, __be16 proto,
			       const void *data, unsigned int len)
{
	struct sk_buff *skb = alloc_skb(len + 64, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, 32);
	skb_put_data(skb, data, len);
	skb->protocol = proto;
	return skb;
}

static unsigned int build_ip4(u8 *buf, u8 proto, const void *l4,
			      unsigned int l4len)
{
	struct iphdr *iph = (struct iphdr *)buf;

	memset(iph, 0, sizeof(*iph));
	iph->version = 4;
	iph->ihl = 5;
	iph->ttl = 64;
	iph->protocol = proto;
	iph->tot_len = htons(sizeof(*iph) + l4len);
	iph->saddr = SRC4;
	iph->daddr = DST4;
	memcpy(buf + sizeof(*iph), l4, l4len);
	iph->check = ip_fast_csum((u8 *)iph, iph->ihl);
	return sizeof(*iph) + l4len;
}

static unsigned int build_udp4(u8 *buf, u16 sport, u16 dport)
{
	struct udphdr uh = {
		.source = htons(sport), .dest = htons(dport),
		.len = htons(sizeof(uh) + 4),
	};
	u8 l4[sizeof(uh) + 4] = { 0 };

	memcpy(l4, &uh, sizeof(uh));
	return build_ip4(buf, IPPROTO_UDP, l4, sizeof(l4));
}

static int parse(struct kunit *test, __be16 proto, const void *data,
		 unsigned int len, struct nfv_pkt *pkt)
{
	struct sk_buff *skb = pkt_skb(test, proto, data, len);
	int err;

	memset(pkt, 0, sizeof(*pkt));
	err = nfv_parse(skb, pkt, 7);
	kfree_skb(skb);
	return err;
}

/* Parser suite */

static void parse_udp4(struct kunit *test)
{
	struct nfv_pkt pkt;
	u8 buf[128];
	unsigned int len = build_udp4(buf, 1000, 53);

	KUNIT_ASSERT_EQ(test, parse(test, htons(ETH_P_IP), buf, len, &pkt), 0);
	KUNIT_EXPECT_TRUE(test, pkt.flags & NFV_PKT_TRACK);
	KUNIT_EXPECT_EQ(test, pkt.key.proto, IPPROTO_UDP);
	KUNIT_EXPECT_EQ(test, pkt.key.zone, 7);
	KUNIT_EXPECT_EQ(test, pkt.key.sport, htons(1000));
	KUNIT_EXPECT_EQ(test, pkt.key.dport, htons(53));
	KUNIT_EXPECT_EQ(test, pkt.key.addr.v4.src, SRC4);
	KUNIT_EXPECT_EQ(test, pkt.key.addr.v4.dst, DST4);
	KUNIT_EXPECT_EQ(test, pkt.ttl, 64);
	KUNIT_EXPECT_EQ(test, pkt.l4, 20);
}

static void parse_ip4_truncated(struct kunit *test)
{
	struct nfv_pkt pkt;
	u8 buf[128];
	unsigned int len = build_udp4(buf, 1, 2), cut;

	for (cut = 1; cut < 20; cut++)
		KUNIT_EXPECT_EQ(test, parse(test, htons(ETH_P_IP), buf, cut,
					    &pkt), -EINVAL);
	/* The header says more than the packet holds. */
	KUNIT_EXPECT_EQ(test, parse(test, htons(ETH_P_IP), buf, len - 1, &pkt),
			-EINVAL);
}

static void parse_ip4_bad_fields(struct kunit *test)
{
	struct iphdr *iph;
	struct nfv_pkt pkt;
	u8 buf[128];
	unsigned int len;

	len = build_udp4(buf, 1, 2);
	iph = (struct iphdr *)buf;
	iph->check ^= htons(1);
	KUNIT_EXPECT_EQ(test, parse(test, htons(ETH_P_IP), buf, len, &pkt),
			-EINVAL);

	len = build_udp4(buf, 1, 2);
	iph->ihl = 4;
	iph->check = 0;
	iph->check = ip_fast_csum((u8 *)iph, 5);
	KUNIT_EXPECT_EQ(test, parse(test, htons(ETH_P_IP), buf, len, &pkt),
			-EINVAL);

	len = build_udp4(buf, 1, 2);
	iph->version = 6;
	KUNIT_EXPECT_EQ(test, parse(test, htons(ETH_P_IP), buf, len, &pkt),
			-EINVAL);
}

static void parse_ip4_padding_trimmed(struct kunit *test)
{
	struct sk_buff *skb;
	struct nfv_pkt pkt = {};
	u8 buf[128] = { 0 };
	unsigned int len = build_udp4(buf, 1, 2);

	skb = pkt_skb(test, htons(ETH_P_IP), buf, len + 18);
	KUNIT_EXPECT_EQ(test, nfv_parse(skb, &pkt, 0), 0);
	KUNIT_EXPECT_EQ(test, skb->len, len);
	kfree_skb(skb);
}

static void parse_ip4_fragments(struct kunit *test)
{
	struct nfv_pkt pkt;
	struct iphdr *iph;
	u8 buf[128];
	unsigned int len = build_udp4(buf, 1, 2);

	iph = (struct iphdr *)buf;
	iph->id = htons(0x4242);
	iph->frag_off = htons(3);	/* offset 24, no L4 header */
	iph->check = 0;
	iph->check = ip_fast_csum((u8 *)iph, iph->ihl);
	KUNIT_ASSERT_EQ(test, parse(test, htons(ETH_P_IP), buf, len, &pkt), 0);
	KUNIT_EXPECT_TRUE(test, pkt.flags & NFV_PKT_FRAG);
	KUNIT_EXPECT_FALSE(test, pkt.flags & NFV_PKT_TRACK);
	KUNIT_EXPECT_EQ(test, pkt.key.sport, 0);

	KUNIT_EXPECT_TRUE(test, pkt.flags & NFV_PKT_FRAG_TAIL);
	KUNIT_EXPECT_EQ(test, pkt.frag_id, 0x4242);

	iph->frag_off = htons(IP_MF);	/* first fragment: ports, tracked */
	iph->check = 0;
	iph->check = ip_fast_csum((u8 *)iph, iph->ihl);
	KUNIT_ASSERT_EQ(test, parse(test, htons(ETH_P_IP), buf, len, &pkt), 0);
	KUNIT_EXPECT_TRUE(test, pkt.flags & NFV_PKT_TRACK);
	KUNIT_EXPECT_TRUE(test, pkt.flags & NFV_PKT_FRAG);
	KUNIT_EXPECT_FALSE(test, pkt.flags & NFV_PKT_FRAG_TAIL);
	KUNIT_EXPECT_EQ(test, pkt.key.sport, htons(1));
	KUNIT_EXPECT_EQ(test, pkt.frag_id, 0x4242);

	/* RFC 1858: a TCP fragment at offset 8 would rewrite the flags. */
	iph->protocol = IPPROTO_TCP;
	iph->frag_off = htons(1);
	iph->check = 0;
	iph->check = ip_fast_csum((u8 *)iph, iph->ihl);
	KUNIT_EXPECT_EQ(test, parse(test, htons(ETH_P_IP), buf, len, &pkt),
			-EINVAL);
}

static void parse_icmp4(struct kunit *test)
{
	u8 l4[8 + 28] = { ICMP_ECHO, 0, 0, 0, 0x12, 0x34, 0, 1 };
	struct nfv_pkt pkt;
	u8 buf[128], inner[64];
	unsigned int len;

	len = build_ip4(buf, IPPROTO_ICMP, l4, 8);
	KUNIT_ASSERT_EQ(test, parse(test, htons(ETH_P_IP), buf, len, &pkt), 0);
	KUNIT_EXPECT_TRUE(test, pkt.flags & NFV_PKT_TRACK);
	KUNIT_EXPECT_EQ(test, pkt.key.sport, htons(0x1234));
	KUNIT_EXPECT_EQ(test, pkt.key.dport, htons(ICMP_ECHO));

	/* An error quoting a whole IPv4 header and 8 bytes: untracked. */
	l4[0] = ICMP_DEST_UNREACH;
	build_udp4(inner, 1, 2);
	memcpy(l4 + 8, inner, 28);
	len = build_ip4(buf, IPPROTO_ICMP, l4, sizeof(l4));
	KUNIT_ASSERT_EQ(test, parse(test, htons(ETH_P_IP), buf, len, &pkt), 0);
	KUNIT_EXPECT_TRUE(test, pkt.flags & NFV_PKT_ICMP_ERR);
	KUNIT_EXPECT_FALSE(test, pkt.flags & NFV_PKT_TRACK);

	/* Quoting less is malformed. */
	len = build_ip4(buf, IPPROTO_ICMP, l4, sizeof(l4) - 1);
	KUNIT_EXPECT_EQ(test, parse(test, htons(ETH_P_IP), buf, len, &pkt),
			-EINVAL);
}

static void parse_tcp4(struct kunit *test)
{
	struct tcphdr th = {
		.source = htons(40000), .dest = htons(80), .doff = 5,
		.syn = 1,
	};
	struct nfv_pkt pkt;
	u8 buf[128];
	unsigned int len;

	len = build_ip4(buf, IPPROTO_TCP, &th, sizeof(th));
	KUNIT_ASSERT_EQ(test, parse(test, htons(ETH_P_IP), buf, len, &pkt), 0);
	KUNIT_EXPECT_EQ(test, pkt.tcp_flags, TCPHDR_SYN);
	KUNIT_EXPECT_EQ(test, pkt.key.dport, htons(80));

	th.doff = 4;
	len = build_ip4(buf, IPPROTO_TCP, &th, sizeof(th));
	KUNIT_EXPECT_EQ(test, parse(test, htons(ETH_P_IP), buf, len, &pkt),
			-EINVAL);
	th.doff = 6;	/* 24 bytes of header in a 20-byte segment */
	len = build_ip4(buf, IPPROTO_TCP, &th, sizeof(th));
	KUNIT_EXPECT_EQ(test, parse(test, htons(ETH_P_IP), buf, len, &pkt),
			-EINVAL);
}

static unsigned int build_ip6(u8 *buf, u8 nexthdr, const void *payload,
			      unsigned int plen)
{
	struct ipv6hdr *ip6 = (struct ipv6hdr *)buf;

	memset(ip6, 0, sizeof(*ip6));
	ip6->version = 6;
	ip6->nexthdr = nexthdr;
	ip6->hop_limit = 64;
	ip6->payload_len = htons(plen);
	ip6->saddr.s6_addr[0] = 0xfd;
	ip6->saddr.s6_addr[15] = 2;
	ip6->daddr.s6_addr[0] = 0xfd;
	ip6->daddr.s6_addr[15] = 3;
	memcpy(buf + sizeof(*ip6), payload, plen);
	return sizeof(*ip6) + plen;
}

static void parse_ipv6(struct kunit *test)
{
	u8 l4[8 + 8 * 9 + 12] = { 0 };
	struct udphdr *uh;
	struct nfv_pkt pkt;
	u8 buf[256];
	unsigned int len, i;

	/* hop-by-hop, then UDP */
	l4[0] = IPPROTO_UDP;
	uh = (struct udphdr *)(l4 + 8);
	uh->source = htons(5);
	uh->dest = htons(6);
	uh->len = htons(12);
	len = build_ip6(buf, NEXTHDR_HOP, l4, 20);
	KUNIT_ASSERT_EQ(test, parse(test, htons(ETH_P_IPV6), buf, len, &pkt), 0);
	KUNIT_EXPECT_TRUE(test, pkt.flags & NFV_PKT_TRACK);
	KUNIT_EXPECT_TRUE(test, pkt.key.flags & NFV_KEY_V6);
	KUNIT_EXPECT_EQ(test, pkt.key.proto, IPPROTO_UDP);
	KUNIT_EXPECT_EQ(test, pkt.key.sport, htons(5));
	KUNIT_EXPECT_EQ(test, pkt.l4, 48);

	/* Nine destination-options headers: too many. */
	memset(l4, 0, sizeof(l4));
	for (i = 0; i < 9; i++)
		l4[i * 8] = i < 8 ? NEXTHDR_DEST : IPPROTO_UDP;
	len = build_ip6(buf, NEXTHDR_DEST, l4, 9 * 8 + 8);
	KUNIT_EXPECT_EQ(test, parse(test, htons(ETH_P_IPV6), buf, len, &pkt),
			-EINVAL);

	/* An extension header longer than the packet. */
	memset(l4, 0, sizeof(l4));
	l4[0] = IPPROTO_UDP;
	l4[1] = 4;
	len = build_ip6(buf, NEXTHDR_HOP, l4, 16);
	KUNIT_EXPECT_EQ(test, parse(test, htons(ETH_P_IPV6), buf, len, &pkt),
			-EINVAL);

	/* A first fragment is tracked; a later one has no ports. */
	memset(l4, 0, sizeof(l4));
	l4[0] = IPPROTO_UDP;
	l4[3] = 1;			/* more fragments */
	l4[7] = 9;			/* id 9 */
	uh = (struct udphdr *)(l4 + 8);
	uh->source = htons(5);
	uh->dest = htons(6);
	uh->len = htons(100);		/* the datagram's, not this packet's */
	len = build_ip6(buf, NEXTHDR_FRAGMENT, l4, 20);
	KUNIT_ASSERT_EQ(test, parse(test, htons(ETH_P_IPV6), buf, len, &pkt), 0);
	KUNIT_EXPECT_TRUE(test, pkt.flags & NFV_PKT_TRACK);
	KUNIT_EXPECT_TRUE(test, pkt.flags & NFV_PKT_FRAG);
	KUNIT_EXPECT_EQ(test, pkt.key.sport, htons(5));
	KUNIT_EXPECT_EQ(test, pkt.frag_id, 9);
	l4[2] = 0;
	l4[3] = 8 | 1;			/* offset 8 */
	len = build_ip6(buf, NEXTHDR_FRAGMENT, l4, 20);
	KUNIT_ASSERT_EQ(test, parse(test, htons(ETH_P_IPV6), buf, len, &pkt), 0);
	KUNIT_EXPECT_FALSE(test, pkt.flags & NFV_PKT_TRACK);
	KUNIT_EXPECT_TRUE(test, pkt.flags & NFV_PKT_FRAG_TAIL);
	KUNIT_EXPECT_EQ(test, pkt.key.proto, IPPROTO_UDP);
	KUNIT_EXPECT_EQ(test, pkt.key.sport, 0);
	KUNIT_EXPECT_EQ(test, pkt.frag_id, 9);

	/* Neighbour solicitation belongs to the host. */
	memset(l4, 0, sizeof(l4));
	l4[0] = NDISC_NEIGHBOUR_SOLICITATION;
	len = build_ip6(buf, IPPROTO_ICMPV6, l4, 24);
	KUNIT_ASSERT_EQ(test, parse(test, htons(ETH_P_IPV6), buf, len, &pkt), 0);
	KUNIT_EXPECT_TRUE(test, pkt.flags & NFV_PKT_HOST);

	/* Truncated fixed header. */
	KUNIT_EXPECT_EQ(test, parse(test, htons(ETH_P_IPV6), buf, 39, &pkt),
			-EINVAL);
}

/*
 * BIG TCP: a GSO skb of @hlen header bytes from @hdr and @payload zero
 * bytes after them, as GRO or a local TCP socket hands it over.
 */
#define BIG_PAYLOAD	70000

static int parse_gso(struct kunit *test, __be16 proto, const void *hdr,
		     unsigned int hlen, unsigned int gso_type,
		     struct nfv_pkt *pkt)
{
	struct sk_buff *skb = alloc_skb(hlen + BIG_PAYLOAD + 64, GFP_KERNEL);
	int err;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, 32);
	skb_put_data(skb, hdr, hlen);
	skb_put_zero(skb, BIG_PAYLOAD);
	skb->protocol = proto;
	skb_shinfo(skb)->gso_size = gso_type ? 1448 : 0;
	skb_shinfo(skb)->gso_segs = gso_type ? 49 : 0;
	skb_shinfo(skb)->gso_type = gso_type;
	memset(pkt, 0, sizeof(*pkt));
	err = nfv_parse(skb, pkt, 0);
	if (!err)
		KUNIT_EXPECT_EQ(test, skb->len, hlen + BIG_PAYLOAD);
	kfree_skb(skb);
	return err;
}

/* IPv4 BIG TCP (6.3+): tot_len 0, the length is the GSO skb's. */
static void parse_ip4_big_tcp(struct kunit *test)
{
	struct tcphdr th = {
		.source = htons(40000), .dest = htons(80), .doff = 5, .ack = 1,
	};
	struct iphdr *iph;
	struct nfv_pkt pkt;
	u8 buf[64];
	unsigned int len;

	len = build_ip4(buf, IPPROTO_TCP, &th, sizeof(th));
	iph = (struct iphdr *)buf;
	iph->frag_off = htons(IP_DF);
	iph->tot_len = 0;
	iph->check = 0;
	iph->check = ip_fast_csum((u8 *)iph, iph->ihl);
	KUNIT_ASSERT_EQ(test, parse_gso(test, htons(ETH_P_IP), buf, len,
					SKB_GSO_TCPV4, &pkt), 0);
	KUNIT_EXPECT_TRUE(test, pkt.flags & NFV_PKT_TRACK);
	KUNIT_EXPECT_EQ(test, pkt.key.proto, IPPROTO_TCP);
	KUNIT_EXPECT_EQ(test, pkt.key.dport, htons(80));
	KUNIT_EXPECT_EQ(test, pkt.tcp_flags, TCPHDR_ACK);
	KUNIT_EXPECT_EQ(test, pkt.l4, 20);

	/* Not GSO, or GSO of another kind: a datagram of no length. */
	KUNIT_EXPECT_EQ(test, parse_gso(test, htons(ETH_P_IP), buf, len, 0,
					&pkt), -EINVAL);
	KUNIT_EXPECT_EQ(test, parse_gso(test, htons(ETH_P_IP), buf, len,
					SKB_GSO_UDP_L4, &pkt), -EINVAL);
}

/*
 * IPv6 BIG TCP: payload_len 0 and a hop-by-hop jumbo payload option
 * (RFC 2675) that says the GSO skb's length.
 */
static void parse_ipv6_big_tcp(struct kunit *test)
{
	struct tcphdr th = {
		.source = htons(40000), .dest = htons(80), .doff = 5, .ack = 1,
	};
	u8 p[sizeof(struct hop_jumbo_hdr) + sizeof(th)];
	struct hop_jumbo_hdr *jh = (struct hop_jumbo_hdr *)p;
	struct nfv_pkt pkt;
	u8 buf[96];
	unsigned int len;

	jh->nexthdr = IPPROTO_TCP;
	jh->hdrlen = 0;
	jh->tlv_type = IPV6_TLV_JUMBO;
	jh->tlv_len = 4;
	jh->jumbo_payload_len = htonl(sizeof(p) + BIG_PAYLOAD);
	memcpy(p + sizeof(*jh), &th, sizeof(th));
	len = build_ip6(buf, NEXTHDR_HOP, p, sizeof(p));
	((struct ipv6hdr *)buf)->payload_len = 0;
	KUNIT_ASSERT_EQ(test, parse_gso(test, htons(ETH_P_IPV6), buf, len,
					SKB_GSO_TCPV6, &pkt), 0);
	KUNIT_EXPECT_TRUE(test, pkt.flags & NFV_PKT_TRACK);
	KUNIT_EXPECT_EQ(test, pkt.key.proto, IPPROTO_TCP);
	KUNIT_EXPECT_EQ(test, pkt.key.dport, htons(80));
	KUNIT_EXPECT_EQ(test, pkt.l4, 48);

	/* Not GSO: payload_len 0 is an empty datagram, and TCP needs more. */
	KUNIT_EXPECT_EQ(test, parse_gso(test, htons(ETH_P_IPV6), buf, len, 0,
					&pkt), -EINVAL);
	/* A jumbo option that disagrees with the skb. */
	jh = (struct hop_jumbo_hdr *)(buf + sizeof(struct ipv6hdr));
	jh->jumbo_payload_len = htonl(sizeof(p) + BIG_PAYLOAD - 1);
	KUNIT_EXPECT_EQ(test, parse_gso(test, htons(ETH_P_IPV6), buf, len,
					SKB_GSO_TCPV6, &pkt), -EINVAL);
	/* No jumbo option. */
	jh->jumbo_payload_len = htonl(sizeof(p) + BIG_PAYLOAD);
	jh->tlv_type = IPV6_TLV_PADN;
	KUNIT_EXPECT_EQ(test, parse_gso(test, htons(ETH_P_IPV6), buf, len,
					SKB_GSO_TCPV6, &pkt), -EINVAL);
}

/*
 * SCTP, DCCP and UDP-Lite: their ports in the key, over IPv4, IPv6 and a
 * first fragment; a header cut short, or a DCCP data offset shorter than
 * its header or longer than the packet, is malformed.
 */
static void expect_ports(struct kunit *test, __be16 l3, const u8 *buf,
			 unsigned int len, u8 proto)
{
	struct nfv_pkt pkt;

	KUNIT_ASSERT_EQ(test, parse(test, l3, buf, len, &pkt), 0);
	KUNIT_EXPECT_EQ(test, pkt.key.proto, proto);
	KUNIT_EXPECT_EQ(test, pkt.key.sport, htons(1234));
	KUNIT_EXPECT_EQ(test, pkt.key.dport, htons(9999));
}

static void parse_port_protos(struct kunit *test)
{
	static const u8 protos[] = { IPPROTO_SCTP, IPPROTO_DCCP,
				     IPPROTO_UDPLITE };
	u8 l4[16] = { 0x04, 0xd2, 0x27, 0x0f };	/* ports 1234 -> 9999 */
	struct nfv_pkt pkt;
	struct iphdr *iph;
	u8 buf[128];
	unsigned int i, len, min;

	l4[4] = 4;		/* DCCP: 16 bytes of header, with X */
	l4[8] = 1;
	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		min = protos[i] == IPPROTO_UDPLITE ? 8 :
		      protos[i] == IPPROTO_SCTP ? 12 : 16;
		len = build_ip4(buf, protos[i], l4, sizeof(l4));
		expect_ports(test, htons(ETH_P_IP), buf, len, protos[i]);

		/* A first fragment has its ports. */
		iph = (struct iphdr *)buf;
		iph->frag_off = htons(IP_MF);
		iph->check = 0;
		iph->check = ip_fast_csum((u8 *)iph, iph->ihl);
		KUNIT_ASSERT_EQ(test, parse(test, htons(ETH_P_IP), buf, len,
					    &pkt), 0);
		KUNIT_EXPECT_TRUE(test, pkt.flags & NFV_PKT_FRAG);
		KUNIT_EXPECT_EQ(test, pkt.key.dport, htons(9999));

		len = build_ip6(buf, protos[i], l4, sizeof(l4));
		expect_ports(test, htons(ETH_P_IPV6), buf, len, protos[i]);

		/* One byte short of the header, whole packet consistent. */
		len = build_ip4(buf, protos[i], l4, min - 1);
		KUNIT_EXPECT_EQ(test, parse(test, htons(ETH_P_IP), buf, len,
					    &pkt), -EINVAL);
		len = build_ip6(buf, protos[i], l4, min - 1);
		KUNIT_EXPECT_EQ(test, parse(test, htons(ETH_P_IPV6), buf, len,
					    &pkt), -EINVAL);
	}

	/* DCCP: X set but a 12-byte offset; an offset past the packet. */
	l4[4] = 3;
	len = build_ip4(buf, IPPROTO_DCCP, l4, sizeof(l4));
	KUNIT_EXPECT_EQ(test, parse(test, htons(ETH_P_IP), buf, len, &pkt),
			-EINVAL);
	l4[4] = 5;
	len = build_ip4(buf, IPPROTO_DCCP, l4, sizeof(l4));
	KUNIT_EXPECT_EQ(test, parse(test, htons(ETH_P_IP), buf, len, &pkt),
			-EINVAL);
	/* Without X, 12 bytes are a whole header. */
	l4[4] = 3;
	l4[8] = 0;
	len = build_ip4(buf, IPPROTO_DCCP, l4, 12);
	KUNIT_EXPECT_EQ(test, parse(test, htons(ETH_P_IP), buf, len, &pkt), 0);
}

static void parse_vlan_and_other(struct kunit *test)
{
	struct nfv_pkt pkt;
	u8 buf[160];
	unsigned int len;

	/* A priority tag (VID 0) in the payload before IPv4: untagged. */
	buf[0] = 0xe0;		/* PCP 7 */
	buf[1] = 0;
	buf[2] = 0x08;
	buf[3] = 0x00;
	len = 4 + build_udp4(buf + 4, 1, 2);
	KUNIT_ASSERT_EQ(test, parse(test, htons(ETH_P_8021Q), buf, len, &pkt),
			0);
	KUNIT_EXPECT_EQ(test, pkt.l3, 4);
	KUNIT_EXPECT_FALSE(test, pkt.flags & NFV_PKT_VLAN);

	/* A VLAN id: no port terminates it, the stack gets it. */
	buf[1] = 10;
	KUNIT_EXPECT_EQ(test, parse(test, htons(ETH_P_8021Q), buf, len, &pkt),
			-EPROTONOSUPPORT);
	KUNIT_EXPECT_TRUE(test, pkt.flags & NFV_PKT_VLAN);

	/* Three priority tags in the payload. */
	memcpy(buf, "\x00\x00\x81\x00\x00\x00\x81\x00\x00\x00\x08\x00", 12);
	len = 12 + build_udp4(buf + 12, 1, 2);
	KUNIT_EXPECT_EQ(test, parse(test, htons(ETH_P_8021AD), buf, len, &pkt),
			-EINVAL);

	KUNIT_EXPECT_EQ(test, parse(test, htons(ETH_P_ARP), buf, 28, &pkt),
			-EPROTONOSUPPORT);
}

static struct kunit_case nfv_parse_cases[] = {
	KUNIT_CASE(parse_udp4),
	KUNIT_CASE(parse_ip4_truncated),
	KUNIT_CASE(parse_ip4_bad_fields),
	KUNIT_CASE(parse_ip4_padding_trimmed),
	KUNIT_CASE(parse_ip4_fragments),
	KUNIT_CASE(parse_icmp4),
	KUNIT_CASE(parse_tcp4),
	KUNIT_CASE(parse_ipv6),
	KUNIT_CASE(parse_ip4_big_tcp),
	KUNIT_CASE(parse_ipv6_big_tcp),
	KUNIT_CASE(parse_port_protos),
	KUNIT_CASE(parse_vlan_and_other),
	{}
};

static struct kunit_suite nfv_parse_suite = {
	.name = "nfv_parse",
	.test_cases = nfv_parse_cases,
};

/* Flow table suite */

static int flow_init(struct kunit *test)
{
	struct nfv_dp *dp = kunit_kzalloc(test, sizeof(*dp), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, dp);
	dp->stats = alloc_percpu(struct nfv_dp_stats);
	KUNIT_ASSERT_NOT_NULL(test, dp->stats);
	KUNIT_ASSERT_EQ(test, nfv_flow_table_init(&dp->table, 4), 0);
	test->priv = dp;
	return 0;
}

static void flow_exit(struct kunit *test)
{
	struct nfv_dp *dp = test->priv;

	nfv_flow_table_destroy(&dp->table);
	rcu_barrier();
	free_percpu(dp->stats);
}

static struct nfv_key key4(u16 sport, u8 proto)
{
	struct nfv_key k = {
		.sport = htons(sport), .dport = htons(80), .zone = 0,
		.proto = proto,
	};

	k.addr.v4.src = SRC4;
	k.addr.v4.dst = DST4;
	return k;
}

static struct nfv_flow *add(struct kunit *test, const struct nfv_key *k,
			    u16 port)
{
	struct nfv_dp *dp = test->priv;
	struct nfv_flow *flow = nfv_flow_alloc(&dp->table, k, NULL, port);

	KUNIT_ASSERT_FALSE(test, IS_ERR(flow));
	KUNIT_ASSERT_EQ(test, nfv_flow_insert(&dp->table, flow), 0);
	return flow;
}

static void flow_lookup_both_directions(struct kunit *test)
{
	struct nfv_dp *dp = test->priv;
	struct nfv_key k = key4(1234, IPPROTO_TCP), r;
	struct nfv_flow *flow = add(test, &k, 1), *found;
	unsigned int dir = 9;

	/* kmalloc-128: no cache line shared with another flow's counters. */
	KUNIT_EXPECT_EQ(test, ksize(flow), 128);	/* 112 bytes used */
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)flow, 64));
	rcu_read_lock();
	found = nfv_flow_lookup(&dp->table, &k, &dir);
	KUNIT_EXPECT_PTR_EQ(test, found, flow);
	KUNIT_EXPECT_EQ(test, dir, NFV_DIR_ORIG);
	nfv_key_invert(&r, &k);
	KUNIT_EXPECT_EQ(test, r.sport, htons(80));
	KUNIT_EXPECT_EQ(test, r.addr.v4.src, DST4);
	found = nfv_flow_lookup(&dp->table, &r, &dir);
	KUNIT_EXPECT_PTR_EQ(test, found, flow);
	KUNIT_EXPECT_EQ(test, dir, NFV_DIR_REPLY);
	r.zone = 1;	/* another zone is another connection */
	KUNIT_EXPECT_NULL(test, nfv_flow_lookup(&dp->table, &r, &dir));
	rcu_read_unlock();
}

/* Replies come in through a port of another zone: the flow's reply zone. */
static void flow_reply_zone(struct kunit *test)
{
	struct nfv_dp *dp = test->priv;
	struct nfv_key k = key4(1234, IPPROTO_TCP), r;
	struct nfv_flow *flow = nfv_flow_alloc(&dp->table, &k, NULL, 1);
	unsigned int dir;

	KUNIT_ASSERT_FALSE(test, IS_ERR(flow));
	flow->reply_zone = 2;
	KUNIT_ASSERT_EQ(test, nfv_flow_insert(&dp->table, flow), 0);
	nfv_key_invert(&r, &k);
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, nfv_flow_lookup(&dp->table, &r, &dir));
	r.zone = 2;
	KUNIT_EXPECT_PTR_EQ(test, nfv_flow_lookup(&dp->table, &r, &dir), flow);
	KUNIT_EXPECT_EQ(test, dir, NFV_DIR_REPLY);
	KUNIT_EXPECT_EQ(test, nfv_flow_key(flow, NFV_DIR_REPLY, &r)->zone, 2);
	rcu_read_unlock();
	/* The same connection from zone 0 again is refused as a duplicate. */
	flow = nfv_flow_alloc(&dp->table, &k, NULL, 1);
	KUNIT_ASSERT_FALSE(test, IS_ERR(flow));
	KUNIT_EXPECT_EQ(test, nfv_flow_insert(&dp->table, flow), -EEXIST);
	nfv_flow_free(&dp->table, flow);
}

static void flow_icmp_keeps_id(struct kunit *test)
{
	struct nfv_dp *dp = test->priv;
	struct nfv_key k = key4(77, IPPROTO_ICMP), r;
	unsigned int dir;

	k.dport = htons(ICMP_ECHO);
	nfv_key_invert(&r, &k);
	KUNIT_EXPECT_EQ(test, r.sport, htons(77));
	KUNIT_EXPECT_EQ(test, r.dport, htons(ICMP_ECHOREPLY));
	KUNIT_EXPECT_EQ(test, r.addr.v4.dst, SRC4);

	/* A request the other way with the same id is another flow. */
	add(test, &k, 1);
	rcu_read_lock();
	KUNIT_EXPECT_NOT_NULL(test, nfv_flow_lookup(&dp->table, &r, &dir));
	r.dport = htons(ICMP_ECHO);
	KUNIT_EXPECT_NULL(test, nfv_flow_lookup(&dp->table, &r, &dir));
	rcu_read_unlock();

	/* Types that are no query answer themselves. */
	k.sport = 0;
	k.dport = htons(ICMP_ADDRESS);
	nfv_key_invert(&r, &k);
	KUNIT_EXPECT_EQ(test, r.dport, htons(ICMP_ADDRESS));
}

static void flow_duplicate_refused(struct kunit *test)
{
	struct nfv_dp *dp = test->priv;
	struct nfv_key k = key4(1, IPPROTO_UDP), r;
	struct nfv_flow *dup;

	add(test, &k, 1);
	dup = nfv_flow_alloc(&dp->table, &k, NULL, 1);
	KUNIT_ASSERT_FALSE(test, IS_ERR(dup));
	KUNIT_EXPECT_EQ(test, nfv_flow_insert(&dp->table, dup), -EEXIST);
	nfv_flow_free(&dp->table, dup);

	/* The same connection seen from the other side is a duplicate too. */
	nfv_key_invert(&r, &k);
	dup = nfv_flow_alloc(&dp->table, &r, NULL, 2);
	KUNIT_ASSERT_FALSE(test, IS_ERR(dup));
	KUNIT_EXPECT_EQ(test, nfv_flow_insert(&dp->table, dup), -EEXIST);
	nfv_flow_free(&dp->table, dup);
	KUNIT_EXPECT_EQ(test, atomic_read(&dp->table.count), 1);
}

static void flow_bound(struct kunit *test)
{
	struct nfv_dp *dp = test->priv;
	struct nfv_flow *flows[4], *extra;
	struct nfv_key k;
	int i;

	/* Answered flows: early drop must not take them. */
	for (i = 0; i < 4; i++) {
		k = key4(100 + i, IPPROTO_UDP);
		flows[i] = add(test, &k, 1);
		flows[i]->stats[NFV_DIR_REPLY].packets = 1;
	}
	k = key4(200, IPPROTO_UDP);
	extra = nfv_flow_alloc(&dp->table, &k, NULL, 1);
	KUNIT_EXPECT_PTR_EQ(test, extra, ERR_PTR(-ENOSPC));
	KUNIT_EXPECT_TRUE(test, nfv_flow_delete(&dp->table, flows[0],
						NFV_EVENT_DEL));
	KUNIT_EXPECT_FALSE(test, nfv_flow_delete(&dp->table, flows[0],
						 NFV_EVENT_DEL));
	add(test, &k, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&dp->table.count), 4);
}

/*
 * A full table of unanswered flows makes room for a new one; answered
 * flows are never evicted. 1024 flows in 1024 buckets leave the 8 buckets
 * early drop looks at all empty with odds of e^-8.
 */
static void flow_early_drop(struct kunit *test)
{
	struct nfv_dp *dp = test->priv;
	struct nfv_flow *flow;
	struct nfv_key k;
	u64 evicted = 0;
	int i, cpu;

	nfv_flow_table_set_max(&dp->table, 1024);
	for (i = 0; i < 1024; i++) {
		k = key4(1000 + i, IPPROTO_UDP);
		add(test, &k, 1);
	}
	k = key4(5000, IPPROTO_UDP);
	rcu_read_lock();
	flow = nfv_flow_alloc(&dp->table, &k, NULL, 1);
	rcu_read_unlock();
	KUNIT_ASSERT_FALSE(test, IS_ERR(flow));
	KUNIT_EXPECT_EQ(test, atomic_read(&dp->table.count), 1024);
	for_each_possible_cpu(cpu)
		evicted += per_cpu_ptr(dp->stats, cpu)->stat[NFV_STAT_FLOWS_EVICTED];
	KUNIT_EXPECT_EQ(test, evicted, 1);
	KUNIT_ASSERT_EQ(test, nfv_flow_insert(&dp->table, flow), 0);
	flow->stats[NFV_DIR_REPLY].packets = 1;

	/* Now every flow has seen a reply. */
	rcu_read_lock();
	for (i = 0; i < 1024; i++) {
		unsigned int dir;

		k = key4(1000 + i, IPPROTO_UDP);
		flow = nfv_flow_lookup(&dp->table, &k, &dir);
		if (flow)
			flow->stats[NFV_DIR_REPLY].packets = 1;
	}
	k = key4(5001, IPPROTO_UDP);
	flow = nfv_flow_alloc(&dp->table, &k, NULL, 1);
	rcu_read_unlock();
	KUNIT_EXPECT_PTR_EQ(test, flow, ERR_PTR(-ENOSPC));
	if (!IS_ERR(flow))
		nfv_flow_free(&dp->table, flow);
}

static u64 flow_stat(struct nfv_dp *dp, enum nfv_stat s)
{
	u64 n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += per_cpu_ptr(dp->stats, cpu)->stat[s];
	return n;
}

/*
 * A full table of answered flows that have all expired, the GC not having
 * come by: a new flow takes the place of one of them, evicting nothing.
 */
static void flow_full_reclaims_expired(struct kunit *test)
{
	struct nfv_dp *dp = test->priv;
	u32 old = jiffies - 2 * dp->table.tmo[NFV_TMO_UDP];
	struct nfv_flow *flow;
	struct nfv_key k;
	int i;

	nfv_flow_table_set_max(&dp->table, 1024);
	for (i = 0; i < 1024; i++) {
		k = key4(1000 + i, IPPROTO_UDP);
		flow = add(test, &k, 1);
		flow->stats[NFV_DIR_REPLY].packets = 1;
		WRITE_ONCE(flow->used, old);
	}
	k = key4(5000, IPPROTO_UDP);
	rcu_read_lock();
	flow = nfv_flow_alloc(&dp->table, &k, NULL, 1);
	rcu_read_unlock();
	KUNIT_ASSERT_FALSE(test, IS_ERR(flow));
	KUNIT_EXPECT_GE(test, flow_stat(dp, NFV_STAT_FLOWS_EXPIRED), 1);
	KUNIT_EXPECT_EQ(test, flow_stat(dp, NFV_STAT_FLOWS_EVICTED), 0);
	nfv_flow_free(&dp->table, flow);
}

static void flow_expiry(struct kunit *test)
{
	struct nfv_dp *dp = test->priv;
	struct nfv_key k = key4(5, IPPROTO_UDP);
	struct nfv_flow *flow = add(test, &k, 1);
	u32 now = jiffies;

	KUNIT_EXPECT_EQ(test, flow->tmo, NFV_TMO_UDP);
	KUNIT_EXPECT_FALSE(test, nfv_flow_expired(&dp->table, flow, now));
	flow->used = now - dp->table.tmo[NFV_TMO_UDP] - 1;
	KUNIT_EXPECT_TRUE(test, nfv_flow_expired(&dp->table, flow, now));
	/* A packet after the GC read the clock: fresh, not expired. */
	flow->used = now + 5;
	KUNIT_EXPECT_FALSE(test, nfv_flow_expired(&dp->table, flow, now));
	k = key4(6, IPPROTO_TCP);
	KUNIT_EXPECT_EQ(test, add(test, &k, 1)->tmo, NFV_TMO_TCP_OPENING);
}

/*
 * Timeout classes of NF instances' own: each its owner's to set, used by
 * flows through the class byte, free again when the owner leaves, and the
 * slot freed last taken last.
 */
static void flow_nf_timeout_classes(struct kunit *test)
{
	struct nfv_dp *dp = test->priv;
	struct nfv_nf a = { .dp = dp }, b = { .dp = dp };
	struct nfv_key k = key4(5, IPPROTO_UDP);
	struct nfv_flow *flow = add(test, &k, 1);
	unsigned long *tmo = dp->table.tmo;
	u32 now = jiffies;
	int ca, cb, c, n;

	rtnl_lock();
	ca = nfv_nf_timeout_class(&a, 7440);
	cb = nfv_nf_timeout_class(&b, 30);
	KUNIT_EXPECT_GE(test, ca, NFV_TMO_NF_FIRST);
	KUNIT_EXPECT_GE(test, cb, NFV_TMO_NF_FIRST);
	KUNIT_EXPECT_NE(test, ca, cb);
	KUNIT_EXPECT_EQ(test, tmo[ca], 7440UL * HZ);
	KUNIT_EXPECT_EQ(test, nfv_nf_timeout_set(&a, cb, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, nfv_nf_timeout_set(&a, NFV_TMO_UDP, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, tmo[cb], 30UL * HZ);

	flow->used = now - 31 * HZ;
	nfv_flow_set_timeout(flow, cb);
	KUNIT_EXPECT_EQ(test, flow->tmo, cb);
	KUNIT_EXPECT_TRUE(test, nfv_flow_expired(&dp->table, flow, now));
	nfv_flow_set_timeout(flow, ca);
	KUNIT_EXPECT_FALSE(test, nfv_flow_expired(&dp->table, flow, now));
	KUNIT_EXPECT_EQ(test, nfv_nf_timeout_set(&a, ca, 20), 0);
	KUNIT_EXPECT_TRUE(test, nfv_flow_expired(&dp->table, flow, now));
	/* No class between the core's and the instances'. */
	nfv_flow_set_timeout(flow, NFV_TMO_NF_FIRST - 1);
	KUNIT_EXPECT_EQ(test, flow->tmo, ca);

	/* a goes: its flow keeps a sane timeout, and the slot is taken last. */
	nfv_nf_timeouts_release(&a);
	KUNIT_EXPECT_EQ(test, tmo[ca], tmo[NFV_TMO_OTHER]);
	KUNIT_EXPECT_EQ(test, nfv_nf_timeout_set(&a, ca, 20), -EINVAL);
	for (n = 0; (c = nfv_nf_timeout_class(&a, 60)) >= 0; n++)
		if (n < NFV_TMO_NF_COUNT - 2)
			KUNIT_EXPECT_NE(test, c, ca);
	KUNIT_EXPECT_EQ(test, c, -ENOSPC);
	KUNIT_EXPECT_EQ(test, n, NFV_TMO_NF_COUNT - 1);
	nfv_nf_timeouts_release(&a);
	nfv_nf_timeouts_release(&b);
	rtnl_unlock();
}

/*
 * One packet's walk of a chain of a firewall and a NAT (timeout.c): the
 * TCP traps the NFs set add up, written when the walk ends; the last
 * timeout class set wins until the flow is translated, then only the
 * translating NF's moves it; a walk that sets no trap leaves it; outside
 * a walk each call writes at once.
 */
static void flow_nf_walk_combines(struct kunit *test)
{
	static const struct nfv_nf_type plain = { .name = "plain" };
	static const struct nfv_nf_type nat = { .name = "nat", .nat = true };
	struct nfv_dp *dp = test->priv;
	struct nfv_nf fw = { .type = &plain, .dp = dp };
	struct nfv_nf cg = { .type = &nat, .dp = dp };
	struct nfv_key k = key4(6, IPPROTO_TCP);
	struct nfv_flow *flow = add(test, &k, 1);
	const u8 all = TCPHDR_SYN | TCPHDR_ACK | TCPHDR_FIN | TCPHDR_RST;
	struct nfv_walk saved;

	flow->tcp_trap = 0;
	local_bh_disable();
	nfv_walk_begin(&saved, flow, true);
	nfv_walk_nf(&fw);
	nfv_flow_set_tcp_trap(flow, TCPHDR_SYN | TCPHDR_ACK);
	nfv_flow_set_timeout(flow, NFV_TMO_TCP_ESTABLISHED);
	nfv_walk_nf(&cg);
	nfv_flow_set_tcp_trap(flow, TCPHDR_FIN | TCPHDR_RST);
	nfv_flow_set_timeout(flow, NFV_TMO_TCP_CLOSE);
	KUNIT_EXPECT_EQ(test, flow->tcp_trap, 0);
	nfv_walk_end(&saved);
	local_bh_enable();
	KUNIT_EXPECT_EQ(test, flow->tcp_trap, all);
	KUNIT_EXPECT_EQ(test, flow->tmo, NFV_TMO_TCP_CLOSE);

	/* Translated: the firewall's class no longer moves it. */
	flow->nat[NFV_DIR_ORIG] = NFV_NAT_SADDR;
	local_bh_disable();
	nfv_walk_begin(&saved, flow, true);
	nfv_walk_nf(&cg);
	nfv_flow_set_timeout(flow, NFV_TMO_TCP);
	nfv_walk_nf(&fw);
	nfv_flow_set_timeout(flow, NFV_TMO_TCP_ESTABLISHED);
	nfv_walk_end(&saved);
	local_bh_enable();
	KUNIT_EXPECT_EQ(test, flow->tmo, NFV_TMO_TCP);
	KUNIT_EXPECT_EQ(test, flow->tcp_trap, all);

	/* Outside a walk: at once, whoever calls. */
	nfv_flow_set_tcp_trap(flow, TCPHDR_RST);
	nfv_flow_set_timeout(flow, NFV_TMO_TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, flow->tcp_trap, TCPHDR_RST);
	KUNIT_EXPECT_EQ(test, flow->tmo, NFV_TMO_TCP_ESTABLISHED);
	flow->nat[NFV_DIR_ORIG] = 0;
}

static void flow_flush_by_port(struct kunit *test)
{
	struct nfv_dp *dp = test->priv;
	struct nfv_key a = key4(1, IPPROTO_UDP), b = key4(2, IPPROTO_UDP);
	unsigned int dir;

	add(test, &a, 1);
	add(test, &b, 2);
	KUNIT_EXPECT_EQ(test, nfv_flow_flush(&dp->table, 1), 1);
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, nfv_flow_lookup(&dp->table, &a, &dir));
	KUNIT_EXPECT_NOT_NULL(test, nfv_flow_lookup(&dp->table, &b, &dir));
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, nfv_flow_flush(&dp->table, -1), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&dp->table.count), 0);
}

/* Chain set: a superseded flow stays until a flow of its key replaces it. */
static void flow_superseded_replaced(struct kunit *test)
{
	struct nfv_dp *dp = test->priv;
	struct nfv_key a = key4(1, IPPROTO_UDP), b = key4(2, IPPROTO_UDP), r;
	struct nfv_flow *old = add(test, &a, 1), *other = add(test, &b, 2);
	struct nfv_flow *new, *dup;
	unsigned int dir;

	KUNIT_EXPECT_EQ(test, nfv_flow_supersede(&dp->table, 1), 1);
	KUNIT_EXPECT_TRUE(test, nfv_flow_superseded(old));
	KUNIT_EXPECT_FALSE(test, nfv_flow_superseded(other));
	/* Marked once: another chain set leaves its drain clock alone. */
	KUNIT_EXPECT_EQ(test, nfv_flow_supersede(&dp->table, 1), 0);

	/* The new flow takes both keys; the old one is on its way out. */
	new = nfv_flow_alloc(&dp->table, &a, NULL, 1);
	KUNIT_ASSERT_FALSE(test, IS_ERR(new));
	KUNIT_EXPECT_EQ(test, nfv_flow_insert(&dp->table, new), 0);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(old->flags) & NFV_FLOW_DYING);
	nfv_key_invert(&r, &a);
	rcu_read_lock();
	KUNIT_EXPECT_PTR_EQ(test, nfv_flow_lookup(&dp->table, &a, &dir), new);
	KUNIT_EXPECT_EQ(test, dir, NFV_DIR_ORIG);
	KUNIT_EXPECT_PTR_EQ(test, nfv_flow_lookup(&dp->table, &r, &dir), new);
	KUNIT_EXPECT_EQ(test, dir, NFV_DIR_REPLY);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, atomic_read(&dp->table.count), 2);

	/* A flow that stands still refuses a duplicate. */
	dup = nfv_flow_alloc(&dp->table, &b, NULL, 2);
	KUNIT_ASSERT_FALSE(test, IS_ERR(dup));
	KUNIT_EXPECT_EQ(test, nfv_flow_insert(&dp->table, dup), -EEXIST);
	nfv_flow_free(&dp->table, dup);

	/* Replaced by a flow whose replies come in another zone. */
	KUNIT_EXPECT_EQ(test, nfv_flow_supersede(&dp->table, 1), 1);
	dup = nfv_flow_alloc(&dp->table, &a, NULL, 1);
	KUNIT_ASSERT_FALSE(test, IS_ERR(dup));
	nfv_flow_set_reply_zone(dup, 7);
	KUNIT_EXPECT_EQ(test, nfv_flow_insert(&dp->table, dup), 0);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(new->flags) & NFV_FLOW_DYING);
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, nfv_flow_lookup(&dp->table, &r, &dir));
	r.zone = 7;
	KUNIT_EXPECT_PTR_EQ(test, nfv_flow_lookup(&dp->table, &r, &dir), dup);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, nfv_flow_flush(&dp->table, -1), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&dp->table.count), 0);
}

struct walk_state {
	unsigned int seen, budget;
	u16 ports[8];
};

static int walk_one(struct nfv_flow *flow, void *arg)
{
	struct walk_state *w = arg;

	if (!w->budget)
		return -EMSGSIZE;
	w->budget--;
	w->ports[w->seen++] = ntohs(flow->key.sport);
	return 0;
}

static void flow_walk_resumes(struct kunit *test)
{
	struct nfv_dp *dp = test->priv;
	struct walk_state w = {};
	struct nfv_flow_cursor c = {};
	unsigned int i, j, sum = 0;
	struct nfv_key k;

	for (i = 0; i < 4; i++) {
		k = key4(10 + i, IPPROTO_UDP);
		add(test, &k, 1);
	}
	rcu_read_lock();
	do {
		w.budget = 1;	/* one flow per "message" */
	} while (nfv_flow_walk(&dp->table, &c, walk_one, &w) &&
		 w.seen < 8);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, w.seen, 4);
	for (i = 0; i < w.seen; i++) {
		sum += w.ports[i];
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_NE(test, w.ports[i], w.ports[j]);
	}
	KUNIT_EXPECT_EQ(test, sum, 10 + 11 + 12 + 13);
}

/*
 * 3000 flows in 4096 buckets: chains mix original and reply nodes. Every
 * key is found in both directions; deleting every other flow, from chain
 * heads, middles and tails, unlinks exactly it.
 */
static void flow_chains_mixed(struct kunit *test)
{
	struct nfv_dp *dp = test->priv;
	const unsigned int n = 3000;
	struct nfv_flow **flows;
	struct nfv_key k, r;
	unsigned int i, dir;

	flows = kunit_kcalloc(test, n, sizeof(*flows), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, flows);
	nfv_flow_table_set_max(&dp->table, n);
	for (i = 0; i < n; i++) {
		k = key4(i, i & 1 ? IPPROTO_UDP : IPPROTO_TCP);
		k.addr.v4.dst = htonl(0x0a000000 + i % 7);
		flows[i] = add(test, &k, 1);
	}
	for (i = 0; i < n; i += 2)
		KUNIT_EXPECT_TRUE(test, nfv_flow_delete(&dp->table, flows[i],
							NFV_EVENT_DEL));
	rcu_read_lock();
	for (i = 0; i < n; i++) {
		struct nfv_flow *want = i & 1 ? flows[i] : NULL;

		k = key4(i, i & 1 ? IPPROTO_UDP : IPPROTO_TCP);
		k.addr.v4.dst = htonl(0x0a000000 + i % 7);
		nfv_key_invert(&r, &k);
		dir = 9;
		KUNIT_EXPECT_PTR_EQ(test, nfv_flow_lookup(&dp->table, &k, &dir),
				    want);
		if (want)
			KUNIT_EXPECT_EQ(test, dir, NFV_DIR_ORIG);
		KUNIT_EXPECT_PTR_EQ(test, nfv_flow_lookup(&dp->table, &r, &dir),
				    want);
		if (want)
			KUNIT_EXPECT_EQ(test, dir, NFV_DIR_REPLY);
	}
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, nfv_flow_flush(&dp->table, -1), n / 2);
}


/* Flow @i of the resize tests: addresses, ports and protocols vary. */
static struct nfv_key resize_key(unsigned int i)
{
	struct nfv_key k = key4(i, i & 1 ? IPPROTO_UDP : IPPROTO_TCP);

	k.addr.v4.dst = htonl(0x0a000000 + i % 13);
	return k;
}

/* Every node sits in the bucket its key hashes to, none twice. */
static unsigned int resize_nodes_in_place(struct kunit *test,
					  struct nfv_flow_table *t)
{
	struct nfv_flow_buckets *ht = rcu_dereference_protected(t->buckets,
								 true);
	unsigned int b, nodes = 0;

	for (b = 0; b <= ht->mask; b++) {
		struct nfv_node *link;

		for (link = rcu_dereference_protected(ht->b[b], true); link;
		     link = rcu_dereference_protected(nfv_link_node(link)->next,
						      true)) {
			struct nfv_key buf;
			const struct nfv_key *k;

			k = nfv_flow_key(nfv_link_flow(link),
					 nfv_link_dir(link), &buf);
			KUNIT_EXPECT_EQ(test, nfv_flow_hash(t, k) & ht->mask, b);
			nodes++;
		}
	}
	return nodes;
}

static void resize_expect_found(struct kunit *test, struct nfv_flow **flows,
				unsigned int n)
{
	struct nfv_dp *dp = test->priv;
	unsigned int i, dir, bad = 0;
	struct nfv_key k, r;

	rcu_read_lock();
	for (i = 0; i < n; i++) {
		k = resize_key(i);
		nfv_key_invert(&r, &k);
		r.zone = i % 3;
		bad += nfv_flow_lookup(&dp->table, &k, &dir) != flows[i] ||
		       (flows[i] && dir != NFV_DIR_ORIG);
		bad += nfv_flow_lookup(&dp->table, &r, &dir) != flows[i] ||
		       (flows[i] && dir != NFV_DIR_REPLY);
	}
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, bad, 0);
}

/*
 * 6000 flows in 1024 buckets; max-flows raised to 100000 grows the array
 * to 131072 buckets. Every flow is found from both sides, in the bucket
 * its keys hash to, and the count stands; lowering the limit keeps the
 * array; the GC and a flush still find every flow.
 */
static void flow_resize_grows(struct kunit *test)
{
	struct nfv_dp *dp = test->priv;
	struct nfv_flow_table *t = &dp->table;
	const unsigned int n = 6000;
	u32 old = jiffies - 2 * t->tmo[NFV_TMO_UDP];
	unsigned int i, expired = 0;
	struct nfv_flow **flows;
	struct nfv_key k;

	flows = kunit_kcalloc(test, n, sizeof(*flows), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, flows);
	KUNIT_ASSERT_EQ(test, nfv_flow_table_buckets(t), 1024);
	/* Room for n flows in 1024 buckets: long chains to move. */
	t->max_flows = n;

	for (i = 0; i < n; i++) {
		k = resize_key(i);
		flows[i] = nfv_flow_alloc(t, &k, NULL, 1 + i % 2);
		KUNIT_ASSERT_FALSE(test, IS_ERR(flows[i]));
		flows[i]->reply_zone = i % 3;
		KUNIT_ASSERT_EQ(test, nfv_flow_insert(t, flows[i]), 0);
	}
	KUNIT_EXPECT_EQ(test, resize_nodes_in_place(test, t), 2 * n);

	KUNIT_ASSERT_EQ(test, nfv_flow_table_set_max(t, 100000), 0);
	KUNIT_EXPECT_EQ(test, nfv_flow_table_buckets(t), 131072);
	KUNIT_EXPECT_EQ(test, t->max_flows, 100000);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->count), n);
	KUNIT_EXPECT_EQ(test, resize_nodes_in_place(test, t), 2 * n);
	resize_expect_found(test, flows, n);

	/* Not sized down: the limit goes, the array stays. */
	KUNIT_ASSERT_EQ(test, nfv_flow_table_set_max(t, 10), 0);
	KUNIT_EXPECT_EQ(test, nfv_flow_table_buckets(t), 131072);
	KUNIT_ASSERT_EQ(test, nfv_flow_table_set_max(t, 100000), 0);

	/* The GC's sweep covers the grown array: every third flow expired. */
	for (i = 0; i < n; i += 3) {
		WRITE_ONCE(flows[i]->used, old);
		WRITE_ONCE(flows[i]->tmo, NFV_TMO_UDP);
		flows[i] = NULL;
		expired++;
	}
	cancel_delayed_work_sync(&t->gc_work);
	for (i = 0; i <= NFV_GC_SWEEP_RUNS; i++) {
		nfv_flow_gc(&t->gc_work.work);
		cancel_delayed_work_sync(&t->gc_work);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&t->count), n - expired);
	KUNIT_EXPECT_EQ(test, flow_stat(dp, NFV_STAT_FLOWS_EXPIRED), expired);
	resize_expect_found(test, flows, n);

	/* Flush by port, then the rest. */
	KUNIT_EXPECT_EQ(test, nfv_flow_flush(t, 1) + nfv_flow_flush(t, -1),
			n - expired);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->count), 0);
	KUNIT_EXPECT_EQ(test, resize_nodes_in_place(test, t), 0);
}

/* A dump cut short before a resize and resumed after it misses no flow. */
static void flow_resize_walk(struct kunit *test)
{
	struct nfv_dp *dp = test->priv;
	const unsigned int n = 3000;
	struct nfv_flow_cursor c = {};
	unsigned long *seen;
	unsigned int i, calls = 0;
	struct walk_state w;
	struct nfv_key k;
	int err;

	seen = kunit_kcalloc(test, BITS_TO_LONGS(n), sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seen);
	nfv_flow_table_set_max(&dp->table, 1024);
	dp->table.max_flows = n;
	for (i = 0; i < n; i++) {
		k = resize_key(i);
		add(test, &k, 1);
	}
	do {
		w.seen = 0;
		w.budget = 8;
		rcu_read_lock();
		err = nfv_flow_walk(&dp->table, &c, walk_one, &w);
		rcu_read_unlock();
		for (i = 0; i < w.seen; i++)
			__set_bit(w.ports[i], seen);
		if (++calls == 100)
			KUNIT_ASSERT_EQ(test,
					nfv_flow_table_set_max(&dp->table, 40000),
					0);
	} while (err);
	KUNIT_EXPECT_GT(test, calls, 100);
	KUNIT_EXPECT_EQ(test, c.size, 65536);
	KUNIT_EXPECT_EQ(test, bitmap_weight(seen, n), n);
}

struct resize_reader {
	struct nfv_flow_table *t;
	unsigned int n;
	atomic_t misses, rounds;
};

/* Looks every flow up from both sides, as the fast path would, till told. */
static int resize_reader_fn(void *arg)
{
	struct resize_reader *r = arg;
	unsigned int i, dir;
	struct nfv_key k, rk;

	while (!kthread_should_stop()) {
		for (i = 0; i < r->n; i++) {
			k = resize_key(i);
			nfv_key_invert(&rk, &k);
			local_bh_disable();
			rcu_read_lock();
			if (!nfv_flow_lookup(r->t, &k, &dir) ||
			    !nfv_flow_lookup(r->t, &rk, &dir))
				atomic_inc(&r->misses);
			rcu_read_unlock();
			local_bh_enable();
		}
		atomic_inc(&r->rounds);
		cond_resched();
	}
	return 0;
}

/*
 * Lookups on another CPU while the array grows, four times over: not one
 * misses. A reader on a node as it moves is led into the new array's
 * chain; without the check of @moving after a miss, that would be a miss.
 */
static void flow_resize_concurrent(struct kunit *test)
{
	struct nfv_dp *dp = test->priv;
	struct resize_reader r = { .t = &dp->table, .n = 4000 };
	struct task_struct *task;
	unsigned int i, nb;
	struct nfv_key k;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs a second CPU");
	dp->table.max_flows = r.n;
	for (i = 0; i < r.n; i++) {
		k = resize_key(i);
		add(test, &k, 1);
	}
	task = kthread_run(resize_reader_fn, &r, "nfv_kunit_reader");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	for (nb = 2048; nb <= 16384; nb *= 2) {
		i = atomic_read(&r.rounds);
		while (atomic_read(&r.rounds) == i)
			msleep(20);
		KUNIT_EXPECT_EQ(test, nfv_flow_table_set_max(&dp->table, nb), 0);
		KUNIT_EXPECT_EQ(test, nfv_flow_table_buckets(&dp->table), nb);
	}
	i = atomic_read(&r.rounds);
	while (atomic_read(&r.rounds) == i)
		msleep(20);
	kthread_stop(task);
	KUNIT_EXPECT_EQ(test, atomic_read(&r.misses), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&dp->table.count), r.n);
}

static atomic_t kunit_flow_destroyed;

static void kunit_flow_destroy(struct nfv_nf *nf, struct nfv_flow *flow,
			       void *flow_priv)
{
	atomic_inc(&kunit_flow_destroyed);
}

static const struct nfv_nf_type kunit_nf_type = {
	.name = "kunit",
	.flow_destroy = kunit_flow_destroy,
};

/*
 * NF areas: TCP flows get the larger one, all of it inside the entry.
 * Each NF of the chain lets go of each flow, from the flow's RCU callback.
 */
/*
 * Flows with NF state are spared by early drop only once their NF assured
 * them: a reply the core counted may have been a forgery the NF refused
 * (a spoofed SYN/ACK must not make a SYN flood's flows unevictable).
 */
static void flow_early_drop_assured(struct kunit *test)
{
	struct nfv_dp *dp = test->priv;
	struct nfv_flow *flow;
	struct nfv_chain *chain;
	struct nfv_nf *nf;
	struct nfv_key k;
	int i;

	nf = kunit_kzalloc(test, sizeof(*nf), GFP_KERNEL);
	chain = kunit_kzalloc(test, struct_size(chain, nf, 1), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, nf);
	KUNIT_ASSERT_NOT_NULL(test, chain);
	nf->type = &kunit_nf_type;
	chain->len = 1;
	chain->nf[0].nf = nf;
	chain->flow_priv_size[NFV_AREA_OTHER] = 8;
	nfv_flow_table_set_max(&dp->table, 1024);
	for (i = 0; i < 1024; i++) {
		k = key4(1000 + i, IPPROTO_UDP);
		flow = nfv_flow_alloc(&dp->table, &k, chain, 1);
		KUNIT_ASSERT_FALSE(test, IS_ERR(flow));
		KUNIT_ASSERT_EQ(test, nfv_flow_insert(&dp->table, flow), 0);
		flow->stats[NFV_DIR_REPLY].packets = 1;
	}
	k = key4(5000, IPPROTO_UDP);
	rcu_read_lock();
	flow = nfv_flow_alloc(&dp->table, &k, NULL, 1);
	rcu_read_unlock();
	KUNIT_ASSERT_FALSE(test, IS_ERR(flow));
	KUNIT_EXPECT_EQ(test, flow_stat(dp, NFV_STAT_FLOWS_EVICTED), 1);
	KUNIT_ASSERT_EQ(test, nfv_flow_insert(&dp->table, flow), 0);
	flow->stats[NFV_DIR_REPLY].packets = 1;

	/* Assured, they stay: the table refuses the next flow instead. */
	rcu_read_lock();
	for (i = 0; i < 1024; i++) {
		unsigned int dir;

		k = key4(1000 + i, IPPROTO_UDP);
		flow = nfv_flow_lookup(&dp->table, &k, &dir);
		if (flow)
			nfv_flow_set_assured(flow, true);
	}
	k = key4(5001, IPPROTO_UDP);
	flow = nfv_flow_alloc(&dp->table, &k, NULL, 1);
	rcu_read_unlock();
	KUNIT_EXPECT_PTR_EQ(test, flow, ERR_PTR(-ENOSPC));
	if (!IS_ERR(flow))
		nfv_flow_free(&dp->table, flow);
}

static void flow_nf_area_by_protocol(struct kunit *test)
{
	struct nfv_dp *dp = test->priv;
	struct nfv_chain *chain;
	struct nfv_flow *udp, *tcp;
	struct nfv_nf *nf;
	struct nfv_key k;

	nf = kunit_kzalloc(test, sizeof(*nf), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, nf);
	nf->type = &kunit_nf_type;
	atomic_set(&kunit_flow_destroyed, 0);
	chain = kunit_kzalloc(test, struct_size(chain, nf, 2), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, chain);
	atomic_set(&nfv_kunit_chain_refs, 0);
	chain->len = 2;
	chain->nf[0].nf = nf;
	chain->nf[1].nf = nf;
	chain->flow_priv_size[NFV_AREA_OTHER] = 8;
	chain->flow_priv_size[NFV_AREA_TCP] = 40;
	chain->nf[1].priv_off[NFV_AREA_OTHER] = 0;
	chain->nf[1].priv_off[NFV_AREA_TCP] = 32;

	k = key4(2, IPPROTO_UDP);
	udp = nfv_flow_alloc(&dp->table, &k, chain, 1);
	KUNIT_ASSERT_FALSE(test, IS_ERR(udp));
	KUNIT_EXPECT_EQ(test, ksize(udp), 128);	/* 112 + 8 + 8 */
	KUNIT_EXPECT_PTR_EQ(test, nfv_flow_chain(udp), chain);
	KUNIT_EXPECT_PTR_EQ(test, nfv_flow_priv(udp, chain, 1) + 8,
			    (void *)udp + 128);
	KUNIT_EXPECT_EQ(test, atomic_read(&nfv_kunit_chain_refs), 1);
	nfv_flow_free(&dp->table, udp);

	k = key4(2, IPPROTO_TCP);
	tcp = nfv_flow_alloc(&dp->table, &k, chain, 1);
	KUNIT_ASSERT_FALSE(test, IS_ERR(tcp));
	KUNIT_EXPECT_PTR_EQ(test, nfv_flow_priv(tcp, chain, 1) + 8,
			    (void *)tcp + 160);
	KUNIT_EXPECT_GE(test, ksize(tcp), 160);
	nfv_flow_free(&dp->table, tcp);
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, atomic_read(&nfv_kunit_chain_refs), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&kunit_flow_destroyed), 4);
}

/*
 * The reply node is matched field by field, without an inverted copy:
 * the exact inversion (nfv_key_invert() in the reply zone) is found, and
 * a reply key that differs from it in any one field is not.
 */
static void reply_match_one(struct kunit *test, const struct nfv_key *k)
{
	struct nfv_dp *dp = test->priv;
	struct nfv_flow *flow = nfv_flow_alloc(&dp->table, k, NULL, 1);
	struct nfv_key r, bad;
	unsigned int dir, i;

	KUNIT_ASSERT_FALSE(test, IS_ERR(flow));
	flow->reply_zone = 3;	/* the original leaves by a zone-3 port */
	KUNIT_ASSERT_EQ(test, nfv_flow_insert(&dp->table, flow), 0);
	nfv_key_invert(&r, k);
	r.zone = 3;
	rcu_read_lock();
	KUNIT_EXPECT_PTR_EQ(test, nfv_flow_lookup(&dp->table, &r, &dir), flow);
	KUNIT_EXPECT_EQ(test, dir, NFV_DIR_REPLY);
	/* One byte of the reply key changed at a time, padding aside. */
	for (i = 0; i < nfv_key_len(k); i++) {
		bad = r;
		((u8 *)&bad)[i] ^= 0x10;
		KUNIT_EXPECT_FALSE_MSG(test, nfv_flow_match_reply(flow, &bad),
				       "byte %u of the reply key", i);
	}
	rcu_read_unlock();
}

static void flow_reply_match_fields(struct kunit *test)
{
	struct nfv_key k = key4(1234, IPPROTO_TCP);

	reply_match_one(test, &k);
	k = key4(77, IPPROTO_ICMP);
	k.dport = htons(ICMP_ECHO);
	reply_match_one(test, &k);
	k = key4(4000, IPPROTO_UDP);
	k.flags = NFV_KEY_V6;
	ipv6_addr_set(&k.addr.v6.src, htonl(0xfd000001), 0, 0, htonl(2));
	ipv6_addr_set(&k.addr.v6.dst, htonl(0xfd000002), 0, 0, htonl(2));
	reply_match_one(test, &k);
}

static struct kunit_case nfv_flow_cases[] = {
	KUNIT_CASE(flow_lookup_both_directions),
	KUNIT_CASE(flow_reply_match_fields),
	KUNIT_CASE(flow_reply_zone),
	KUNIT_CASE(flow_icmp_keeps_id),
	KUNIT_CASE(flow_duplicate_refused),
	KUNIT_CASE(flow_bound),
	KUNIT_CASE(flow_early_drop),
	KUNIT_CASE(flow_full_reclaims_expired),
	KUNIT_CASE(flow_expiry),
	KUNIT_CASE(flow_nf_timeout_classes),
	KUNIT_CASE(flow_nf_walk_combines),
	KUNIT_CASE(flow_flush_by_port),
	KUNIT_CASE(flow_superseded_replaced),
	KUNIT_CASE(flow_walk_resumes),
	KUNIT_CASE(flow_chains_mixed),
	KUNIT_CASE(flow_nf_area_by_protocol),
	KUNIT_CASE(flow_early_drop_assured),
	KUNIT_CASE(flow_resize_grows),
	KUNIT_CASE(flow_resize_walk),
	KUNIT_CASE(flow_resize_concurrent),
	{}
};

static struct kunit_suite nfv_flow_suite = {
	.name = "nfv_flow",
	.init = flow_init,
	.exit = flow_exit,
	.test_cases = nfv_flow_cases,
};

/* NAT suite: NAT flows and the rewrite, on the flow suite's set-up. */

static const __be32 PUB4 = htonl(0xc6336401);	/* 198.51.100.1 */

/* A chain whose NF translates: its flows store a reply key. */
static struct nfv_chain *nat_chain(struct kunit *test)
{
	struct nfv_chain *chain = kunit_kzalloc(test, sizeof(*chain),
						GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, chain);
	chain->nat = true;
	return chain;
}

/* A parsed packet in its own skb, which the test frees. */
static void nat_pkt(struct kunit *test, struct nfv_dp *dp, const u8 *buf,
		    unsigned int len, __be16 l3proto, struct nfv_pkt *pkt)
{
	struct sk_buff *skb = pkt_skb(test, l3proto, buf, len);

	memset(pkt, 0, sizeof(*pkt));
	KUNIT_ASSERT_EQ(test, nfv_parse(skb, pkt, 0), 0);
	pkt->dp = dp;
	pkt->hash = nfv_flow_hash(&dp->table, &pkt->key);
}

/* The first packet of a flow of a NAT chain, as the slow path has it. */
static struct nfv_flow *nat_new(struct kunit *test, struct nfv_pkt *pkt,
				struct nfv_chain *chain)
{
	struct nfv_dp *dp = pkt->dp;
	struct nfv_flow *flow;

	flow = nfv_flow_alloc(&dp->table, &pkt->key, chain, 1);
	KUNIT_ASSERT_FALSE(test, IS_ERR(flow));
	pkt->flow = flow;
	pkt->dir = NFV_DIR_ORIG;
	pkt->new_flow = true;
	return flow;
}

/* The reply key of a source NAT to PUB4:@port. */
static struct nfv_key snat_reply(const struct nfv_key *orig, u16 port)
{
	struct nfv_key r;

	nfv_key_invert(&r, orig);
	r.addr.v4.dst = PUB4;
	if (orig->proto == IPPROTO_ICMP)
		r.sport = htons(port);
	else
		r.dport = htons(port);
	return r;
}

/* The transport header of an IPv4 packet without options, or IPv6. */
#define L4_4(skb, type)	((type *)((skb)->data + sizeof(struct iphdr)))
#define L4_6(skb, type)	((type *)((skb)->data + sizeof(struct ipv6hdr)))

/*
 * Whether an IPv4 packet's header and transport checksums are right,
 * recomputed over the whole packet.
 */
static void expect_csums4(struct kunit *test, struct sk_buff *skb)
{
	struct iphdr *iph = (struct iphdr *)skb->data;
	unsigned int len = ntohs(iph->tot_len) - iph->ihl * 4;
	u8 *l4 = skb->data + iph->ihl * 4;
	__wsum sum = csum_partial(l4, len, 0);

	KUNIT_EXPECT_EQ(test, ip_fast_csum((u8 *)iph, iph->ihl), 0);
	if (iph->protocol == IPPROTO_UDP && !((struct udphdr *)l4)->check)
		return;		/* sent without a checksum */
	if (iph->protocol == IPPROTO_ICMP)
		KUNIT_EXPECT_EQ(test, csum_fold(sum), 0);
	else
		KUNIT_EXPECT_EQ(test, csum_tcpudp_magic(iph->saddr, iph->daddr,
							len, iph->protocol,
							sum), 0);
}

/*
 * Room for an NF's reply key after the original, then the chain pointer:
 * IPv4 in 136 bytes (nfv_flow_136; the debug kernel's slab pads it).
 */
static void nat_flow_layout(struct kunit *test)
{
	struct nfv_dp *dp = test->priv;
	struct nfv_key k = key4(1234, IPPROTO_UDP), r, buf;
	struct nfv_flow *flow;

	flow = nfv_flow_alloc(&dp->table, &k, nat_chain(test), 1);
	KUNIT_ASSERT_FALSE(test, IS_ERR(flow));
	KUNIT_EXPECT_TRUE(test, flow->flags & NFV_FLOW_NAT);
	KUNIT_EXPECT_GE(test, ksize(flow), NFV_FLOW_SIZE4 + NFV_KEY_LEN4 + 8);
	KUNIT_EXPECT_PTR_EQ(test, (void *)nfv_flow_reply_key(flow),
			    (void *)flow + 112);
	/* Unclaimed, the stored reply key is the inversion. */
	nfv_key_invert(&r, &k);
	KUNIT_EXPECT_EQ(test, memcmp(nfv_flow_key(flow, NFV_DIR_REPLY, &buf),
				     &r, NFV_KEY_LEN4), 0);
	KUNIT_EXPECT_PTR_EQ(test, nfv_flow_key(flow, NFV_DIR_REPLY, &buf),
			    (const struct nfv_key *)nfv_flow_reply_key(flow));
	/* Not claimed: the slow path sets the zone replies arrive in. */
	nfv_flow_set_reply_zone(flow, 3);
	KUNIT_EXPECT_EQ(test, nfv_flow_key(flow, NFV_DIR_REPLY, &buf)->zone, 3);
	nfv_flow_free(&dp->table, flow);

	/* IPv6: both keys, then the route cookies. */
	k.flags = NFV_KEY_V6;
	ipv6_addr_set(&k.addr.v6.src, htonl(0xfd000001), 0, 0, htonl(2));
	ipv6_addr_set(&k.addr.v6.dst, htonl(0xfd000002), 0, 0, htonl(2));
	flow = nfv_flow_alloc(&dp->table, &k, nat_chain(test), 1);
	KUNIT_ASSERT_FALSE(test, IS_ERR(flow));
	KUNIT_EXPECT_PTR_EQ(test, (void *)nfv_flow_cookies(flow),
			    (void *)flow + NFV_FLOW_SIZE6 + NFV_KEY_LEN6);
	KUNIT_EXPECT_GE(test, ksize(flow), NFV_FLOW_SIZE6 + NFV_KEY_LEN6 + 16);
	nfv_flow_free(&dp->table, flow);
}

/*
 * Two subscribers' flows to one server, whose NF picks the same public
 * port for both: the second claim is refused before its packet changes,
 * and succeeds with another port. Each flow is found by its reply key,
 * translated the right way, and leaves the table by it.
 */
static void nat_claim_clash(struct kunit *test)
{
	struct nfv_dp *dp = test->priv;
	struct nfv_chain *chain = nat_chain(test);
	struct nfv_flow *a, *b, *dup;
	struct nfv_pkt pa, pb, pc;
	struct nfv_key ra, rb, rc;
	unsigned int len, dir;
	u8 buf[128], orig[128];

	len = build_udp4(buf, 1000, 53);
	nat_pkt(test, dp, buf, len, htons(ETH_P_IP), &pa);
	a = nat_new(test, &pa, chain);
	((struct iphdr *)buf)->saddr = htonl(0x0a000103);
	((struct iphdr *)buf)->check = 0;
	((struct iphdr *)buf)->check = ip_fast_csum(buf, 5);
	memcpy(orig, buf, len);
	nat_pkt(test, dp, buf, len, htons(ETH_P_IP), &pb);
	b = nat_new(test, &pb, chain);

	ra = snat_reply(&a->key, 2000);
	KUNIT_ASSERT_EQ(test, nfv_flow_nat_claim(&pa, &ra), 0);
	KUNIT_EXPECT_TRUE(test, pa.flags & NFV_PKT_NAT);
	KUNIT_EXPECT_EQ(test, pa.key.addr.v4.src, PUB4);
	KUNIT_EXPECT_EQ(test, pa.key.sport, htons(2000));
	KUNIT_EXPECT_EQ(test, ((struct iphdr *)pa.skb->data)->saddr, PUB4);
	KUNIT_EXPECT_EQ(test, L4_4(pa.skb, struct udphdr)->source, htons(2000));
	expect_csums4(test, pa.skb);

	rb = snat_reply(&b->key, 2000);
	KUNIT_EXPECT_EQ(test, nfv_flow_nat_claim(&pb, &rb), -EEXIST);
	KUNIT_EXPECT_FALSE(test, pb.flags & NFV_PKT_NAT);
	KUNIT_EXPECT_EQ(test, memcmp(pb.skb->data, orig, len), 0);
	rb.dport = htons(2001);
	KUNIT_ASSERT_EQ(test, nfv_flow_nat_claim(&pb, &rb), 0);
	KUNIT_EXPECT_EQ(test, L4_4(pb.skb, struct udphdr)->source, htons(2001));
	KUNIT_EXPECT_EQ(test, b->nat[NFV_DIR_ORIG],
			NFV_NAT_PENDING | NFV_NAT_SADDR | NFV_NAT_SPORT);
	KUNIT_EXPECT_EQ(test, b->nat[NFV_DIR_REPLY],
			NFV_NAT_DADDR | NFV_NAT_DPORT);
	/* A claim is once per flow. */
	KUNIT_EXPECT_EQ(test, nfv_flow_nat_claim(&pb, &rb), -EINVAL);

	/* The same connection again, from another CPU: the original clashes. */
	memcpy(buf, orig, len);
	nat_pkt(test, dp, buf, len, htons(ETH_P_IP), &pc);
	dup = nat_new(test, &pc, chain);
	rc = rb;
	rc.dport = htons(2002);
	KUNIT_EXPECT_EQ(test, nfv_flow_nat_claim(&pc, &rc), -EBUSY);
	nfv_flow_free(&dp->table, dup);

	rcu_read_lock();
	KUNIT_EXPECT_PTR_EQ(test, nfv_flow_lookup(&dp->table, &ra, &dir), a);
	KUNIT_EXPECT_EQ(test, dir, NFV_DIR_REPLY);
	KUNIT_EXPECT_PTR_EQ(test, nfv_flow_lookup(&dp->table, &rb, &dir), b);
	KUNIT_EXPECT_EQ(test, dir, NFV_DIR_REPLY);
	KUNIT_EXPECT_PTR_EQ(test, nfv_flow_lookup(&dp->table, &b->key, &dir),
			    b);
	KUNIT_EXPECT_EQ(test, dir, NFV_DIR_ORIG);
	/* The inversion of the original is no key of the flow any more. */
	nfv_key_invert(&rb, &b->key);
	KUNIT_EXPECT_NULL(test, nfv_flow_lookup(&dp->table, &rb, &dir));
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, atomic_read(&dp->table.count), 2);

	/* A claimed flow whose first packet is dropped leaves no trace. */
	nfv_flow_discard(&dp->table, a);
	KUNIT_EXPECT_TRUE(test, nfv_flow_delete(&dp->table, b, NFV_EVENT_DEL));
	KUNIT_EXPECT_EQ(test, atomic_read(&dp->table.count), 0);
	KUNIT_EXPECT_EQ(test, resize_nodes_in_place(test, &dp->table), 0);
	kfree_skb(pa.skb);
	kfree_skb(pb.skb);
	kfree_skb(pc.skb);
}

/*
 * A reply to the translated packet arrives with the stored key and
 * leaves as the inversion of the original; a later packet of the
 * original direction is translated as the first was.
 */
static void nat_apply_both_directions(struct kunit *test)
{
	struct nfv_dp *dp = test->priv;
	struct nfv_flow *flow;
	struct nfv_pkt pkt, reply;
	struct nfv_key r;
	struct udphdr *uh;
	struct iphdr *iph;
	unsigned int len, dir;
	u8 buf[128];

	len = build_udp4(buf, 1000, 53);
	nat_pkt(test, dp, buf, len, htons(ETH_P_IP), &pkt);
	flow = nat_new(test, &pkt, nat_chain(test));
	r = snat_reply(&flow->key, 4000);
	KUNIT_ASSERT_EQ(test, nfv_flow_nat_claim(&pkt, &r), 0);

	/* The server's answer: 10.0.2.2:53 -> PUB4:4000. */
	iph = (struct iphdr *)buf;
	uh = (struct udphdr *)(buf + 20);
	swap(iph->saddr, iph->daddr);
	iph->daddr = PUB4;
	iph->check = 0;
	iph->check = ip_fast_csum(buf, 5);
	uh->source = htons(53);
	uh->dest = htons(4000);
	uh->check = 0;
	uh->check = csum_tcpudp_magic(iph->saddr, iph->daddr, 12, IPPROTO_UDP,
				      csum_partial(uh, 12, 0));
	nat_pkt(test, dp, buf, len, htons(ETH_P_IP), &reply);
	rcu_read_lock();
	KUNIT_ASSERT_PTR_EQ(test, nfv_flow_lookup(&dp->table, &reply.key, &dir),
			    flow);
	KUNIT_ASSERT_EQ(test, dir, NFV_DIR_REPLY);
	KUNIT_ASSERT_EQ(test, nfv_flow_nat_apply(&reply, flow, dir), 0);
	rcu_read_unlock();
	iph = ((struct iphdr *)reply.skb->data);
	KUNIT_EXPECT_EQ(test, iph->saddr, DST4);
	KUNIT_EXPECT_EQ(test, iph->daddr, SRC4);
	KUNIT_EXPECT_EQ(test, L4_4(reply.skb, struct udphdr)->dest, htons(1000));
	KUNIT_EXPECT_EQ(test, L4_4(reply.skb, struct udphdr)->source, htons(53));
	expect_csums4(test, reply.skb);
	KUNIT_EXPECT_EQ(test, reply.key.addr.v4.dst, SRC4);
	KUNIT_EXPECT_EQ(test, reply.key.dport, htons(1000));

	/* A later fragment: the addresses alone. */
	kfree_skb(reply.skb);
	len = build_udp4(buf, 1000, 53);
	nat_pkt(test, dp, buf, len, htons(ETH_P_IP), &reply);
	reply.l4 = 0;
	KUNIT_ASSERT_EQ(test, nfv_flow_nat_apply(&reply, flow, NFV_DIR_ORIG),
			0);
	KUNIT_EXPECT_EQ(test, ((struct iphdr *)reply.skb->data)->saddr, PUB4);
	KUNIT_EXPECT_EQ(test, ip_fast_csum(reply.skb->data, 5), 0);
	KUNIT_EXPECT_EQ(test, ((struct udphdr *)(reply.skb->data + 20))->source,
			htons(1000));
	kfree_skb(reply.skb);
	kfree_skb(pkt.skb);
}

/*
 * An ICMP error quotes the packet as it left, translated: the error from
 * the outside finds the flow, and the direction of the quoted packet.
 */
static void nat_related_error(struct kunit *test)
{
	struct nfv_dp *dp = test->priv;
	u8 buf[128], l4[8 + 28] = { ICMP_DEST_UNREACH, ICMP_PORT_UNREACH };
	struct nfv_pkt pkt, err;
	struct nfv_flow *flow;
	struct iphdr *iph;
	struct nfv_key r;
	unsigned int len, dir = 9;

	len = build_udp4(buf, 1000, 53);
	nat_pkt(test, dp, buf, len, htons(ETH_P_IP), &pkt);
	flow = nat_new(test, &pkt, nat_chain(test));
	r = snat_reply(&flow->key, 4000);
	KUNIT_ASSERT_EQ(test, nfv_flow_nat_claim(&pkt, &r), 0);

	/* The server's port unreachable, quoting PUB4:4000 -> DST4:53. */
	memcpy(l4 + 8, pkt.skb->data, 28);
	len = build_ip4(buf, IPPROTO_ICMP, l4, sizeof(l4));
	iph = (struct iphdr *)buf;
	iph->saddr = DST4;
	iph->daddr = PUB4;
	iph->check = 0;
	iph->check = ip_fast_csum(buf, 5);
	nat_pkt(test, dp, buf, len, htons(ETH_P_IP), &err);
	KUNIT_ASSERT_TRUE(test, err.flags & NFV_PKT_ICMP_ERR);
	rcu_read_lock();
	KUNIT_EXPECT_PTR_EQ(test, nfv_flow_lookup_related(&err, &dir), flow);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, dir, NFV_DIR_ORIG);
	kfree_skb(err.skb);
	kfree_skb(pkt.skb);
}

/* A datapath's port 1, whose chain is @chain, for the slow path. */
static struct nfv_port *nat_port(struct kunit *test, struct nfv_dp *dp,
				 struct nfv_chain *chain)
{
	struct nfv_port *port = kunit_kzalloc(test, sizeof(*port), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, port);
	port->stats = alloc_percpu(struct nfv_port_stats);
	KUNIT_ASSERT_NOT_NULL(test, port->stats);
	port->dp = dp;
	port->port_no = 1;
	RCU_INIT_POINTER(port->chain, chain);
	idr_init(&dp->port_ids);
	KUNIT_ASSERT_EQ(test, idr_alloc(&dp->port_ids, port, 1, 2, GFP_KERNEL),
			1);
	return port;
}

static void nat_port_free(struct nfv_dp *dp, struct nfv_port *port)
{
	idr_destroy(&dp->port_ids);
	free_percpu(port->stats);
}

static u64 drops(struct nfv_dp *dp, enum nfv_drop reason)
{
	u64 n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += per_cpu_ptr(dp->stats, cpu)->drop[reason];
	return n;
}

/*
 * A claimed flow is in the table before its first verdict: another CPU's
 * packet of it, either direction, is dropped and counted, and never runs
 * the chain on the flow its NFs are still setting up. Once the verdict is
 * committed, the flow's packets run the chain again.
 */
static void nat_pending(struct kunit *test)
{
	struct nfv_dp *dp = test->priv;
	struct nfv_chain *chain = nat_chain(test);
	struct nfv_port *port = nat_port(test, dp, chain);
	u8 buf[128], reply[128];
	struct nfv_pkt pkt, again, back, later;
	unsigned int len, runs, dir = 9;
	struct nfv_flow *flow;
	struct iphdr *iph;
	struct nfv_key r;

	len = build_udp4(buf, 1000, 53);
	nat_pkt(test, dp, buf, len, htons(ETH_P_IP), &pkt);
	pkt.in = port;
	flow = nat_new(test, &pkt, chain);
	r = snat_reply(&flow->key, 4000);
	KUNIT_ASSERT_EQ(test, nfv_flow_nat_claim(&pkt, &r), 0);
	KUNIT_EXPECT_TRUE(test, nfv_flow_pending(flow));
	/* The mark is no field to rewrite. */
	KUNIT_EXPECT_EQ(test, flow->nat[NFV_DIR_ORIG] & NFV_NAT_FIELDS,
			NFV_NAT_SADDR | NFV_NAT_SPORT);

	/* The same packet again, a reply to DST4:53 -> PUB4:4000, a later one. */
	nat_pkt(test, dp, buf, len, htons(ETH_P_IP), &again);
	memcpy(reply, buf, len);
	iph = (struct iphdr *)reply;
	swap(iph->saddr, iph->daddr);
	iph->daddr = PUB4;
	iph->check = 0;
	iph->check = ip_fast_csum(reply, 5);
	((struct udphdr *)(reply + 20))->source = htons(53);
	((struct udphdr *)(reply + 20))->dest = htons(4000);
	nat_pkt(test, dp, reply, len, htons(ETH_P_IP), &back);
	nat_pkt(test, dp, buf, len, htons(ETH_P_IP), &later);
	again.in = back.in = later.in = port;

	rcu_read_lock();
	runs = nfv_kunit_chain_runs;
	KUNIT_ASSERT_PTR_EQ(test, __nfv_flow_lookup(&dp->table, &again.key,
						    again.hash, &dir), flow);
	KUNIT_EXPECT_EQ(test, nfv_slow_path(&again, flow, dir, NULL),
			RX_HANDLER_CONSUMED);
	KUNIT_ASSERT_PTR_EQ(test, __nfv_flow_lookup(&dp->table, &back.key,
						    back.hash, &dir), flow);
	KUNIT_EXPECT_EQ(test, dir, NFV_DIR_REPLY);
	KUNIT_EXPECT_EQ(test, nfv_slow_path(&back, flow, dir, NULL),
			RX_HANDLER_CONSUMED);
	KUNIT_EXPECT_EQ(test, nfv_kunit_chain_runs, runs);
	KUNIT_EXPECT_EQ(test, drops(dp, NFV_DROP_PENDING), 2);
	KUNIT_EXPECT_EQ(test, flow->stats[NFV_DIR_REPLY].packets, 0);

	/* The first packet's verdict: the flow is the chain's from now on. */
	nfv_kunit_verdict = NFV_PASS;
	KUNIT_EXPECT_FALSE(test, nfv_slow_commit(&pkt, NFV_PASS, NULL, 0));
	KUNIT_EXPECT_FALSE(test, nfv_flow_pending(flow));
	KUNIT_EXPECT_EQ(test, flow->nat[NFV_DIR_ORIG],
			NFV_NAT_SADDR | NFV_NAT_SPORT);
	KUNIT_EXPECT_EQ(test, nfv_slow_path(&later, flow, NFV_DIR_ORIG, NULL),
			RX_HANDLER_PASS);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, nfv_kunit_chain_runs, runs + 1);
	KUNIT_EXPECT_EQ(test, drops(dp, NFV_DROP_PENDING), 2);
	/* Translated on its way, as every later packet of the flow. */
	KUNIT_EXPECT_EQ(test, ip_hdr(later.skb)->saddr, PUB4);
	kfree_skb(later.skb);
	kfree_skb(pkt.skb);
	nat_port_free(dp, port);
}

/* ICMP errors about NAT flows (RFC 5508) */

static const __be32 RTR4 = htonl(0xc0000209);	/* 192.0.2.9 */

/* An ICMP error from RTR4 to @dst quoting @qlen bytes of @quote. */
static unsigned int build_err4(u8 *buf, u8 type, u8 code, __be32 dst,
			       const u8 *quote, unsigned int qlen)
{
	u8 l4[8 + 64] = { type, code };
	struct iphdr *iph = (struct iphdr *)buf;
	unsigned int len;
	__sum16 c;

	memcpy(l4 + 8, quote, qlen);
	c = ip_compute_csum(l4, 8 + qlen);
	memcpy(l4 + 2, &c, 2);
	len = build_ip4(buf, IPPROTO_ICMP, l4, 8 + qlen);
	iph->saddr = RTR4;
	iph->daddr = dst;
	iph->check = 0;
	iph->check = ip_fast_csum(buf, 5);
	return len;
}

/*
 * An error from the outside about a translated IPv4 packet: outer and
 * quoted headers as the inside host expects them, every checksum good.
 */
static void expect_error4(struct kunit *test, struct nfv_pkt *err,
			  struct nfv_flow *flow, const u8 *orig,
			  unsigned int qlen)
{
	struct iphdr *iph = (struct iphdr *)err->skb->data;
	unsigned int dir = 9;

	KUNIT_EXPECT_TRUE(test, err->flags & NFV_PKT_NAT);
	KUNIT_EXPECT_EQ(test, iph->saddr, RTR4);
	KUNIT_EXPECT_EQ(test, iph->daddr, SRC4);
	KUNIT_EXPECT_EQ(test, err->key.addr.v4.dst, SRC4);
	KUNIT_EXPECT_EQ(test, ip_fast_csum((u8 *)iph, 5), 0);
	KUNIT_EXPECT_EQ(test, csum_fold(skb_checksum(err->skb, 20, 8 + qlen,
						     0)), 0);
	/* Byte for byte what it sent: addresses, ports or id, checksums. */
	KUNIT_EXPECT_EQ(test, memcmp(err->skb->data + 28, orig, qlen), 0);
	/* NFs in the chain find the flow, although the quote changed. */
	rcu_read_lock();
	KUNIT_EXPECT_PTR_EQ(test, nfv_flow_lookup_related(err, &dir), flow);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, dir, NFV_DIR_ORIG);
}

/* A port unreachable about a UDP datagram, its checksum quoted. */
static void nat_icmp_error_udp4(struct kunit *test)
{
	struct nfv_dp *dp = test->priv;
	struct nfv_pkt pkt, err;
	u8 orig[64], buf[128];
	unsigned int olen, len;
	struct nfv_flow *flow;
	struct iphdr *iph;
	struct nfv_key r;

	olen = build_udp4(orig, 1000, 53);
	iph = (struct iphdr *)orig;
	((struct udphdr *)(orig + 20))->check =
		csum_tcpudp_magic(iph->saddr, iph->daddr, olen - 20,
				  IPPROTO_UDP, csum_partial(orig + 20,
							    olen - 20, 0));
	nat_pkt(test, dp, orig, olen, htons(ETH_P_IP), &pkt);
	flow = nat_new(test, &pkt, nat_chain(test));
	r = snat_reply(&flow->key, 4000);
	KUNIT_ASSERT_EQ(test, nfv_flow_nat_claim(&pkt, &r), 0);

	/* Quoting PUB4:4000 -> DST4:53, as the datagram left. */
	len = build_err4(buf, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, PUB4,
			 pkt.skb->data, olen);
	nat_pkt(test, dp, buf, len, htons(ETH_P_IP), &err);
	KUNIT_ASSERT_TRUE(test, err.flags & NFV_PKT_ICMP_ERR);
	rcu_read_lock();
	KUNIT_EXPECT_EQ(test, nfv_icmp_nat_error(&err), 0);
	rcu_read_unlock();
	expect_error4(test, &err, flow, orig, olen);
	kfree_skb(err.skb);

	/* A bad ICMP checksum is refused, not made good. */
	len = build_err4(buf, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, PUB4,
			 pkt.skb->data, olen);
	buf[22] ^= 1;
	nat_pkt(test, dp, buf, len, htons(ETH_P_IP), &err);
	rcu_read_lock();
	KUNIT_EXPECT_EQ(test, nfv_icmp_nat_error(&err), -EINVAL);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, ip_hdr(err.skb)->daddr, PUB4);
	kfree_skb(err.skb);
	kfree_skb(pkt.skb);
}

/*
 * Traceroute with ping through the NAT: time exceeded quoting the echo
 * request's header and its first 8 bytes, with the translated id.
 */
static void nat_icmp_error_echo4(struct kunit *test)
{
	u8 l4[16] = { ICMP_ECHO, 0, 0, 0, 0, 77, 0, 1, 't', 'r' };
	struct nfv_dp *dp = test->priv;
	struct nfv_pkt pkt, err;
	u8 orig[64], buf[128];
	struct nfv_flow *flow;
	unsigned int len;
	struct nfv_key r;
	__sum16 c;

	c = ip_compute_csum(l4, sizeof(l4));
	memcpy(l4 + 2, &c, 2);
	build_ip4(orig, IPPROTO_ICMP, l4, sizeof(l4));
	nat_pkt(test, dp, orig, 20 + sizeof(l4), htons(ETH_P_IP), &pkt);
	flow = nat_new(test, &pkt, nat_chain(test));
	r = snat_reply(&flow->key, 5000);
	KUNIT_ASSERT_EQ(test, nfv_flow_nat_claim(&pkt, &r), 0);
	KUNIT_ASSERT_EQ(test, L4_4(pkt.skb, struct icmphdr)->un.echo.id,
			htons(5000));

	len = build_err4(buf, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, PUB4,
			 pkt.skb->data, 28);
	nat_pkt(test, dp, buf, len, htons(ETH_P_IP), &err);
	rcu_read_lock();
	KUNIT_EXPECT_EQ(test, nfv_icmp_nat_error(&err), 0);
	rcu_read_unlock();
	expect_error4(test, &err, flow, orig, 28);
	kfree_skb(err.skb);
	kfree_skb(pkt.skb);
}

/*
 * Fragmentation needed about a TCP segment: the quoted TCP checksum is
 * translated when the whole header was quoted, and out of reach (and
 * left) when only the 8 bytes an error must quote were.
 */
static void nat_icmp_error_tcp4(struct kunit *test)
{
	struct tcphdr th = {
		.source = htons(40000), .dest = htons(80), .doff = 5, .ack = 1,
		.seq = htonl(0x12345678), .window = htons(512),
	};
	struct nfv_dp *dp = test->priv;
	struct nfv_pkt pkt, err;
	u8 orig[64], buf[128];
	struct nfv_flow *flow;
	unsigned int olen, len, q;
	struct iphdr *iph;
	struct nfv_key r;

	olen = build_ip4(orig, IPPROTO_TCP, &th, sizeof(th));
	iph = (struct iphdr *)orig;
	((struct tcphdr *)(orig + 20))->check =
		csum_tcpudp_magic(iph->saddr, iph->daddr, sizeof(th),
				  IPPROTO_TCP, csum_partial(orig + 20,
							    sizeof(th), 0));
	nat_pkt(test, dp, orig, olen, htons(ETH_P_IP), &pkt);
	flow = nat_new(test, &pkt, nat_chain(test));
	r = snat_reply(&flow->key, 3333);
	KUNIT_ASSERT_EQ(test, nfv_flow_nat_claim(&pkt, &r), 0);
	KUNIT_ASSERT_NE(test, memcmp(pkt.skb->data + 36, orig + 36, 2), 0);

	for (q = olen; q >= 28; q -= olen - 28) {
		len = build_err4(buf, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
				 PUB4, pkt.skb->data, q);
		nat_pkt(test, dp, buf, len, htons(ETH_P_IP), &err);
		rcu_read_lock();
		KUNIT_EXPECT_EQ(test, nfv_icmp_nat_error(&err), 0);
		rcu_read_unlock();
		expect_error4(test, &err, flow, orig, q);
		kfree_skb(err.skb);
	}
	kfree_skb(pkt.skb);
}

/* IPv6: the outer addresses are in the ICMPv6 checksum's pseudo-header. */
static void nat_icmp_error_udp6(struct kunit *test)
{
	struct udphdr uh = { .source = htons(1000), .dest = htons(53),
			     .len = htons(12) };
	struct nfv_dp *dp = test->priv;
	u8 l4[12] = { 0 }, e[8 + 52] = { ICMPV6_DEST_UNREACH,
					  ICMPV6_PORT_UNREACH };
	u8 orig[64], buf[128];
	struct in6_addr pub, rtr;
	struct nfv_pkt pkt, err;
	struct nfv_flow *flow;
	struct ipv6hdr *ip6;
	unsigned int olen, len, dir = 9;
	struct nfv_key r;
	__sum16 c;

	ipv6_addr_set(&pub, htonl(0x20010db8), 0, 0, htonl(1));
	ipv6_addr_set(&rtr, htonl(0x20010db8), 0, 0, htonl(0x99));
	memcpy(l4, &uh, sizeof(uh));
	olen = build_ip6(orig, IPPROTO_UDP, l4, sizeof(l4));
	ip6 = (struct ipv6hdr *)orig;
	((struct udphdr *)(orig + 40))->check =
		csum_ipv6_magic(&ip6->saddr, &ip6->daddr, 12, IPPROTO_UDP,
				csum_partial(orig + 40, 12, 0));
	nat_pkt(test, dp, orig, olen, htons(ETH_P_IPV6), &pkt);
	flow = nat_new(test, &pkt, nat_chain(test));
	nfv_key_invert(&r, &flow->key);
	r.addr.v6.dst = pub;
	r.dport = htons(4000);
	KUNIT_ASSERT_EQ(test, nfv_flow_nat_claim(&pkt, &r), 0);

	memcpy(e + 8, pkt.skb->data, olen);
	len = build_ip6(buf, IPPROTO_ICMPV6, e, sizeof(e));
	ip6 = (struct ipv6hdr *)buf;
	ip6->saddr = rtr;
	ip6->daddr = pub;
	c = csum_ipv6_magic(&rtr, &pub, sizeof(e), IPPROTO_ICMPV6,
			    csum_partial(e, sizeof(e), 0));
	memcpy(buf + 42, &c, 2);
	nat_pkt(test, dp, buf, len, htons(ETH_P_IPV6), &err);
	KUNIT_ASSERT_TRUE(test, err.flags & NFV_PKT_ICMP_ERR);
	rcu_read_lock();
	KUNIT_EXPECT_EQ(test, nfv_icmp_nat_error(&err), 0);
	KUNIT_EXPECT_PTR_EQ(test, nfv_flow_lookup_related(&err, &dir), flow);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, dir, NFV_DIR_ORIG);
	ip6 = (struct ipv6hdr *)err.skb->data;
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ip6->saddr, &rtr));
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ip6->daddr,
					       &((struct ipv6hdr *)orig)->saddr));
	KUNIT_EXPECT_EQ(test, csum_ipv6_magic(&ip6->saddr, &ip6->daddr,
					      sizeof(e), IPPROTO_ICMPV6,
					      skb_checksum(err.skb, 40,
							   sizeof(e), 0)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(err.skb->data + 48, orig, olen), 0);
	kfree_skb(err.skb);
	kfree_skb(pkt.skb);
}

/*
 * The core's own errors (time exceeded, fragmentation needed, reject)
 * quote a translated packet as its sender sent it: a copy with the
 * rewrite undone, in either direction, the packet itself left as it is.
 */
static void nat_icmp_quote(struct kunit *test)
{
	struct nfv_dp *dp = test->priv;
	u8 orig[64], reply[64];
	struct nfv_pkt pkt, back, plain;
	struct nfv_flow *flow;
	struct sk_buff *q;
	struct iphdr *iph;
	unsigned int len;
	struct nfv_key r;

	len = build_udp4(orig, 1000, 53);
	iph = (struct iphdr *)orig;
	((struct udphdr *)(orig + 20))->check =
		csum_tcpudp_magic(iph->saddr, iph->daddr, len - 20,
				  IPPROTO_UDP, csum_partial(orig + 20,
							    len - 20, 0));
	nat_pkt(test, dp, orig, len, htons(ETH_P_IP), &pkt);
	flow = nat_new(test, &pkt, nat_chain(test));
	r = snat_reply(&flow->key, 4000);
	KUNIT_ASSERT_EQ(test, nfv_flow_nat_claim(&pkt, &r), 0);
	q = nfv_icmp_quote(&pkt);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_PTR_NE(test, q, pkt.skb);
	KUNIT_EXPECT_EQ(test, memcmp(q->data, orig, len), 0);
	KUNIT_EXPECT_EQ(test, ip_hdr(pkt.skb)->saddr, PUB4);
	nfv_icmp_quote_done(&pkt, q);

	/* A reply, translated as the fast path does, with no flow set. */
	memcpy(reply, pkt.skb->data, len);
	iph = (struct iphdr *)reply;
	swap(iph->saddr, iph->daddr);
	swap(((struct udphdr *)(reply + 20))->source,
	     ((struct udphdr *)(reply + 20))->dest);
	nat_pkt(test, dp, reply, len, htons(ETH_P_IP), &back);
	KUNIT_ASSERT_EQ(test, nfv_flow_nat_apply(&back, flow, NFV_DIR_REPLY),
			0);
	KUNIT_EXPECT_EQ(test, ip_hdr(back.skb)->daddr, SRC4);
	q = nfv_icmp_quote(&back);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_EQ(test, memcmp(q->data, reply, len), 0);
	nfv_icmp_quote_done(&back, q);

	/* A packet no NAT touched is quoted as it is. */
	nat_pkt(test, dp, orig, len, htons(ETH_P_IP), &plain);
	KUNIT_EXPECT_PTR_EQ(test, nfv_icmp_quote(&plain), plain.skb);
	nfv_icmp_quote_done(&plain, plain.skb);
	kfree_skb(plain.skb);
	kfree_skb(back.skb);
	kfree_skb(pkt.skb);
}

/* Rewrites a packet from its parsed key to @to; checks its checksums. */
static struct sk_buff *nat_rewrite4(struct kunit *test, const u8 *buf,
				    unsigned int len, const struct nfv_key *to)
{
	struct sk_buff *skb = pkt_skb(test, htons(ETH_P_IP), buf, len);
	struct nfv_pkt pkt = {};

	KUNIT_ASSERT_EQ(test, nfv_parse(skb, &pkt, 0), 0);
	KUNIT_ASSERT_EQ(test, nfv_nat_rewrite(skb, pkt.l3, pkt.l4,
					      nfv_nat_diff(&pkt.key, to), to),
			0);
	if (skb->ip_summed != CHECKSUM_PARTIAL)
		expect_csums4(test, skb);
	return skb;
}

static struct nfv_key key_of(const struct nfv_key *k, __be32 src, u16 sport,
			     __be32 dst, u16 dport)
{
	struct nfv_key to = *k;

	to.addr.v4.src = src;
	to.addr.v4.dst = dst;
	to.sport = htons(sport);
	to.dport = htons(dport);
	return to;
}

/* TCP, and a hairpin: both addresses and both ports at once. */
static void nat_rewrite_tcp(struct kunit *test)
{
	struct tcphdr th = {
		.source = htons(40000), .dest = htons(80), .doff = 5, .ack = 1,
		.seq = htonl(0x12345678), .window = htons(512),
	};
	struct nfv_key k = key4(40000, IPPROTO_TCP), to;
	struct sk_buff *skb;
	struct iphdr *iph;
	u8 buf[128];
	unsigned int len;

	len = build_ip4(buf, IPPROTO_TCP, &th, sizeof(th));
	iph = (struct iphdr *)buf;
	((struct tcphdr *)(buf + 20))->check =
		csum_tcpudp_magic(iph->saddr, iph->daddr, sizeof(th),
				  IPPROTO_TCP, csum_partial(buf + 20,
							    sizeof(th), 0));
	to = key_of(&k, PUB4, 3333, DST4, 80);
	skb = nat_rewrite4(test, buf, len, &to);
	KUNIT_EXPECT_EQ(test, L4_4(skb, struct tcphdr)->source, htons(3333));
	kfree_skb(skb);

	to = key_of(&k, PUB4, 3333, htonl(0x0a000104), 8080);
	skb = nat_rewrite4(test, buf, len, &to);
	KUNIT_EXPECT_EQ(test, ((struct iphdr *)skb->data)->daddr, htonl(0x0a000104));
	KUNIT_EXPECT_EQ(test, L4_4(skb, struct tcphdr)->dest, htons(8080));
	kfree_skb(skb);
}

/* UDP: checksummed, without a checksum, and one that comes out 0. */
static void nat_rewrite_udp(struct kunit *test)
{
	struct nfv_key k = key4(1000, IPPROTO_UDP), to;
	struct sk_buff *skb;
	struct udphdr *uh;
	struct iphdr *iph;
	u8 buf[128];
	unsigned int len;
	__sum16 c;

	len = build_udp4(buf, 1000, 53);
	iph = (struct iphdr *)buf;
	uh = (struct udphdr *)(buf + 20);
	to = key_of(&k, PUB4, 2000, DST4, 53);

	/* No checksum: stays none. */
	skb = nat_rewrite4(test, buf, len, &to);
	KUNIT_EXPECT_EQ(test, L4_4(skb, struct udphdr)->check, 0);
	KUNIT_EXPECT_EQ(test, L4_4(skb, struct udphdr)->source, htons(2000));
	kfree_skb(skb);

	/*
	 * Payload chosen so that the translated datagram sums to 0, sent as
	 * 0xffff: the checksum of the datagram as it leaves, put in the
	 * payload, cancels itself out.
	 */
	iph->saddr = PUB4;
	uh->source = htons(2000);
	c = csum_tcpudp_magic(PUB4, DST4, 12, IPPROTO_UDP,
			      csum_partial(uh, 12, 0));
	memcpy(buf + 28, &c, 2);
	KUNIT_ASSERT_EQ(test, csum_tcpudp_magic(PUB4, DST4, 12, IPPROTO_UDP,
						csum_partial(uh, 12, 0)), 0);
	iph->saddr = SRC4;
	uh->source = htons(1000);
	uh->check = csum_tcpudp_magic(SRC4, DST4, 12, IPPROTO_UDP,
				      csum_partial(uh, 12, 0));
	KUNIT_ASSERT_NE(test, uh->check, 0);
	skb = nat_rewrite4(test, buf, len, &to);
	KUNIT_EXPECT_EQ(test, L4_4(skb, struct udphdr)->check, CSUM_MANGLED_0);
	kfree_skb(skb);
}

/*
 * CHECKSUM_PARTIAL, as a local sender's offload leaves it: the field
 * holds the pseudo-header's sum, which the rewrite keeps so.
 */
static void nat_rewrite_partial(struct kunit *test)
{
	struct nfv_key k = key4(1000, IPPROTO_UDP), to;
	struct sk_buff *skb = NULL;
	struct nfv_pkt pkt = {};
	__sum16 want;
	u8 buf[128];
	unsigned int len;

	len = build_udp4(buf, 1000, 53);
	((struct udphdr *)(buf + 20))->check =
		~csum_tcpudp_magic(SRC4, DST4, 12, IPPROTO_UDP, 0);
	skb = pkt_skb(test, htons(ETH_P_IP), buf, len);
	KUNIT_ASSERT_EQ(test, nfv_parse(skb, &pkt, 0), 0);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_headroom(skb) + 20;
	skb->csum_offset = offsetof(struct udphdr, check);
	to = key_of(&k, PUB4, 2000, DST4, 53);
	KUNIT_ASSERT_EQ(test, nfv_nat_rewrite(skb, pkt.l3, pkt.l4,
					      nfv_nat_diff(&pkt.key, &to), &to),
			0);
	want = ~csum_tcpudp_magic(PUB4, DST4, 12, IPPROTO_UDP, 0);
	KUNIT_EXPECT_EQ(test, L4_4(skb, struct udphdr)->check, want);
	KUNIT_EXPECT_EQ(test, ip_fast_csum(skb->data, 5), 0);
	kfree_skb(skb);
}

/* ICMP echo: the id changes, the address does not enter its checksum. */
static void nat_rewrite_icmp(struct kunit *test)
{
	u8 l4[16] = { ICMP_ECHO, 0, 0, 0, 0x12, 0x34, 0, 1, 'n', 'f', 'v' };
	struct nfv_key k = key4(0x1234, IPPROTO_ICMP), to;
	struct sk_buff *skb;
	__sum16 c;
	u8 buf[128];
	unsigned int len;

	c = ip_compute_csum(l4, sizeof(l4));
	memcpy(l4 + 2, &c, 2);
	len = build_ip4(buf, IPPROTO_ICMP, l4, sizeof(l4));
	k.dport = htons(ICMP_ECHO);
	to = key_of(&k, PUB4, 0x4321, DST4, ICMP_ECHO);
	skb = nat_rewrite4(test, buf, len, &to);
	KUNIT_EXPECT_EQ(test, skb->data[20], ICMP_ECHO);
	KUNIT_EXPECT_EQ(test, L4_4(skb, struct icmphdr)->un.echo.id, htons(0x4321));
	KUNIT_EXPECT_EQ(test, ((struct iphdr *)skb->data)->saddr, PUB4);
	kfree_skb(skb);

	/* The address alone: the ICMP checksum stays as it was. */
	to = key_of(&k, PUB4, 0x1234, DST4, ICMP_ECHO);
	skb = nat_rewrite4(test, buf, len, &to);
	KUNIT_EXPECT_EQ(test, L4_4(skb, struct icmphdr)->checksum, c);
	kfree_skb(skb);
}

/* IPv6 UDP: the pseudo-header's addresses in the transport checksum. */
static void nat_rewrite_udp6(struct kunit *test)
{
	struct udphdr uh = { .source = htons(5), .dest = htons(6),
			     .len = htons(12) };
	u8 l4[12] = { 0 };
	struct sk_buff *skb;
	struct nfv_pkt pkt = {};
	struct ipv6hdr *ip6;
	struct nfv_key to;
	u8 buf[128];
	unsigned int len;

	memcpy(l4, &uh, sizeof(uh));
	len = build_ip6(buf, IPPROTO_UDP, l4, sizeof(l4));
	ip6 = (struct ipv6hdr *)buf;
	((struct udphdr *)(buf + 40))->check =
		csum_ipv6_magic(&ip6->saddr, &ip6->daddr, 12, IPPROTO_UDP,
				csum_partial(buf + 40, 12, 0));
	skb = pkt_skb(test, htons(ETH_P_IPV6), buf, len);
	KUNIT_ASSERT_EQ(test, nfv_parse(skb, &pkt, 0), 0);
	to = pkt.key;
	ipv6_addr_set(&to.addr.v6.src, htonl(0x20010db8), 0, 0, htonl(7));
	to.sport = htons(7777);
	KUNIT_ASSERT_EQ(test, nfv_nat_rewrite(skb, pkt.l3, pkt.l4,
					      nfv_nat_diff(&pkt.key, &to), &to),
			0);
	ip6 = (struct ipv6hdr *)skb->data;
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ip6->saddr, &to.addr.v6.src));
	KUNIT_EXPECT_EQ(test, L4_6(skb, struct udphdr)->source, htons(7777));
	KUNIT_EXPECT_EQ(test, csum_ipv6_magic(&ip6->saddr, &ip6->daddr, 12,
					      IPPROTO_UDP,
					      csum_partial(L4_6(skb, struct udphdr),
							   12, 0)), 0);
	kfree_skb(skb);
}

static struct kunit_case nfv_nat_cases[] = {
	KUNIT_CASE(nat_flow_layout),
	KUNIT_CASE(nat_claim_clash),
	KUNIT_CASE(nat_apply_both_directions),
	KUNIT_CASE(nat_related_error),
	KUNIT_CASE(nat_pending),
	KUNIT_CASE(nat_icmp_error_udp4),
	KUNIT_CASE(nat_icmp_error_echo4),
	KUNIT_CASE(nat_icmp_error_tcp4),
	KUNIT_CASE(nat_icmp_error_udp6),
	KUNIT_CASE(nat_icmp_quote),
	KUNIT_CASE(nat_rewrite_tcp),
	KUNIT_CASE(nat_rewrite_udp),
	KUNIT_CASE(nat_rewrite_partial),
	KUNIT_CASE(nat_rewrite_icmp),
	KUNIT_CASE(nat_rewrite_udp6),
	{}
};

static struct kunit_suite nfv_nat_suite = {
	.name = "nfv_nat",
	.init = flow_init,
	.exit = flow_exit,
	.test_cases = nfv_nat_cases,
};

/* Fragment table suite */

static int frag_init(struct kunit *test)
{
	struct nfv_dp *dp = kunit_kzalloc(test, sizeof(*dp), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, dp);
	dp->stats = alloc_percpu(struct nfv_dp_stats);
	KUNIT_ASSERT_NOT_NULL(test, dp->stats);
	KUNIT_ASSERT_EQ(test, nfv_frag_table_init(&dp->frags), 0);
	test->priv = dp;
	return 0;
}

static void frag_exit(struct kunit *test)
{
	struct nfv_dp *dp = test->priv;

	nfv_frag_table_destroy(&dp->frags);
	free_percpu(dp->stats);
}

static u64 frag_stat(struct kunit *test, enum nfv_stat s)
{
	struct nfv_dp *dp = test->priv;
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(dp->stats, cpu)->stat[s];
	return sum;
}

/* A fragment of datagram @id from SRC4 to DST4; a first one has ports. */
static struct nfv_pkt frag_pkt(u32 id, u16 sport, bool first)
{
	struct nfv_pkt pkt = {
		.key = key4(first ? sport : 0, IPPROTO_UDP),
		.flags = NFV_PKT_FRAG | (first ? NFV_PKT_TRACK :
					 NFV_PKT_FRAG_TAIL),
		.frag_id = id,
	};

	if (!first)
		pkt.key.dport = 0;
	return pkt;
}

static void frag_follows_first(struct kunit *test)
{
	struct nfv_pkt head = frag_pkt(77, 1234, true);
	struct nfv_pkt tail = frag_pkt(77, 0, false);
	struct nfv_pkt other = frag_pkt(78, 0, false);

	KUNIT_EXPECT_FALSE(test, nfv_frag_follow(test->priv, &tail));
	KUNIT_EXPECT_FALSE(test, tail.flags & NFV_PKT_TRACK);

	nfv_frag_note(test->priv, &head);
	KUNIT_ASSERT_TRUE(test, nfv_frag_follow(test->priv, &tail));
	KUNIT_EXPECT_TRUE(test, tail.flags & NFV_PKT_TRACK);
	KUNIT_EXPECT_EQ(test, tail.key.sport, htons(1234));
	KUNIT_EXPECT_EQ(test, tail.key.dport, htons(80));
	KUNIT_EXPECT_EQ(test, memcmp(&tail.key, &head.key, NFV_KEY_LEN4), 0);

	/* Another id, protocol or source is another datagram. */
	KUNIT_EXPECT_FALSE(test, nfv_frag_follow(test->priv, &other));
	other = frag_pkt(77, 0, false);
	other.key.proto = IPPROTO_TCP;
	KUNIT_EXPECT_FALSE(test, nfv_frag_follow(test->priv, &other));
	other = frag_pkt(77, 0, false);
	other.key.addr.v4.src = DST4;
	KUNIT_EXPECT_FALSE(test, nfv_frag_follow(test->priv, &other));
	KUNIT_EXPECT_EQ(test, frag_stat(test, NFV_STAT_FRAGS_UNKNOWN), 4);
}

static void frag_expires(struct kunit *test)
{
	struct nfv_dp *dp = test->priv;
	struct nfv_pkt head = frag_pkt(5, 99, true);
	struct nfv_pkt tail = frag_pkt(5, 0, false);
	struct nfv_frag_bucket *b;
	struct nfv_key dkey;
	int i;

	nfv_frag_note(dp, &head);
	nfv_frag_dkey(&head, &dkey);
	b = nfv_frag_bucket(&dp->frags, &dkey);
	for (i = 0; i < NFV_FRAG_WAYS; i++)
		if (b->e[i].expires)
			b->e[i].expires = jiffies - 1;
	KUNIT_EXPECT_FALSE(test, nfv_frag_follow(dp, &tail));
}

/* A full bucket forgets its oldest datagram, and counts it. */
static void frag_bucket_full(struct kunit *test)
{
	struct nfv_dp *dp = test->priv;
	struct nfv_frag_bucket *want = NULL;
	u32 ids[NFV_FRAG_WAYS + 1], id, n = 0;
	struct nfv_pkt p;
	struct nfv_key dkey;

	for (id = 1; n < ARRAY_SIZE(ids) && id < 1000000; id++) {
		struct nfv_frag_bucket *b;

		p = frag_pkt(id, 1, true);
		nfv_frag_dkey(&p, &dkey);
		b = nfv_frag_bucket(&dp->frags, &dkey);
		if (!want)
			want = b;
		if (b == want)
			ids[n++] = id;
	}
	KUNIT_ASSERT_EQ(test, n, (u32)ARRAY_SIZE(ids));
	for (n = 0; n < ARRAY_SIZE(ids); n++) {
		p = frag_pkt(ids[n], 1000 + n, true);
		nfv_frag_note(dp, &p);
		/* Distinct ages, oldest first. */
		want->e[n < NFV_FRAG_WAYS ? n : 0].expires -= NFV_FRAG_WAYS - n;
	}
	KUNIT_EXPECT_EQ(test, frag_stat(test, NFV_STAT_FRAGS_EVICTED), 1);
	p = frag_pkt(ids[0], 0, false);
	KUNIT_EXPECT_FALSE(test, nfv_frag_follow(dp, &p));
	for (n = 1; n < ARRAY_SIZE(ids); n++) {
		p = frag_pkt(ids[n], 0, false);
		KUNIT_EXPECT_TRUE(test, nfv_frag_follow(dp, &p));
		KUNIT_EXPECT_EQ(test, p.key.sport, htons(1000 + n));
	}
}

/*
 * IPv6 fragment @frag_off (in 8-byte units) of datagram 9 from build_ip6's
 * source: a Fragment header, then a Destination Options header and a UDP
 * header in the first fragment, payload bytes in a later one.
 */
static unsigned int build_frag6_dstopts(u8 *buf, u16 frag_off)
{
	u8 p[8 + 8 + 8 + 16] = { NEXTHDR_DEST };
	struct frag_hdr *fh = (struct frag_hdr *)p;
	struct udphdr *uh = (struct udphdr *)(p + 16);

	fh->frag_off = htons(frag_off << 3 | IP6_MF);
	fh->identification = htonl(9);
	p[8] = IPPROTO_UDP;		/* options: PadN of 4 */
	p[10] = 1;
	p[11] = 4;
	uh->source = htons(5);
	uh->dest = htons(6);
	uh->len = htons(4000);		/* the datagram's */
	return build_ip6(buf, NEXTHDR_FRAGMENT, p, sizeof(p));
}

/*
 * A later IPv6 fragment names the Fragment header's next header, here
 * destination options, not UDP: it must still find the datagram its
 * first fragment noted, and take UDP and the ports from it.
 */
static void frag_ipv6_exthdr_follows(struct kunit *test)
{
	struct nfv_pkt head, tail;
	u8 buf[128];
	unsigned int len;

	len = build_frag6_dstopts(buf, 0);
	KUNIT_ASSERT_EQ(test, parse(test, htons(ETH_P_IPV6), buf, len, &head),
			0);
	KUNIT_ASSERT_TRUE(test, head.flags & NFV_PKT_TRACK);
	KUNIT_EXPECT_EQ(test, head.key.proto, IPPROTO_UDP);
	KUNIT_EXPECT_EQ(test, head.key.sport, htons(5));

	len = build_frag6_dstopts(buf, 185);
	KUNIT_ASSERT_EQ(test, parse(test, htons(ETH_P_IPV6), buf, len, &tail),
			0);
	KUNIT_ASSERT_TRUE(test, tail.flags & NFV_PKT_FRAG_TAIL);
	KUNIT_EXPECT_EQ(test, tail.key.proto, NEXTHDR_DEST);
	KUNIT_EXPECT_FALSE(test, nfv_frag_follow(test->priv, &tail));

	nfv_frag_note(test->priv, &head);
	KUNIT_ASSERT_TRUE(test, nfv_frag_follow(test->priv, &tail));
	KUNIT_EXPECT_TRUE(test, tail.flags & NFV_PKT_TRACK);
	KUNIT_EXPECT_EQ(test, tail.key.proto, IPPROTO_UDP);
	KUNIT_EXPECT_EQ(test, memcmp(&tail.key, &head.key, NFV_KEY_LEN6), 0);

	/* Another id or source is another datagram. */
	len = build_frag6_dstopts(buf, 185);
	((struct frag_hdr *)(buf + 40))->identification = htonl(10);
	KUNIT_ASSERT_EQ(test, parse(test, htons(ETH_P_IPV6), buf, len, &tail),
			0);
	KUNIT_EXPECT_FALSE(test, nfv_frag_follow(test->priv, &tail));
	len = build_frag6_dstopts(buf, 185);
	buf[8 + 15] = 7;		/* saddr */
	KUNIT_ASSERT_EQ(test, parse(test, htons(ETH_P_IPV6), buf, len, &tail),
			0);
	KUNIT_EXPECT_FALSE(test, nfv_frag_follow(test->priv, &tail));
}

static struct kunit_case nfv_frag_cases[] = {
	KUNIT_CASE(frag_follows_first),
	KUNIT_CASE(frag_ipv6_exthdr_follows),
	KUNIT_CASE(frag_expires),
	KUNIT_CASE(frag_bucket_full),
	{}
};

static struct kunit_suite nfv_frag_suite = {
	.name = "nfv_frag",
	.init = frag_init,
	.exit = frag_exit,
	.test_cases = nfv_frag_cases,
};

kunit_test_suites(&nfv_parse_suite, &nfv_flow_suite, &nfv_nat_suite,
		  &nfv_frag_suite);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites for the nfv parser and flow table");
