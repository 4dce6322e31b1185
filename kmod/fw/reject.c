// SPDX-License-Identifier: GPL-2.0
/*
 * The reject action: a TCP RST in the name of the packet's destination,
 * or an ICMP/ICMPv6 destination unreachable (port unreachable unless the
 * rule names another code, enum nfv_fw_reject). Sent through the host's
 * output path, which routes it back to the source.
 *
 * As the kernel's ICMP (icmp_msgs_per_sec, icmp_msgs_burst), answers are
 * rate-limited by a token bucket, one per CPU so no lock or shared line
 * is touched; and a broadcast, multicast or unspecified source, or a
 * packet sent to a broadcast or multicast address, is never answered
 * (RFC 1122 3.2.2, RFC 4443 2.4 (e)). A reject left unanswered either way
 * is counted (reject_suppressed).
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/moduleparam.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/tcp.h>

#include "fw.h"

#define FW_RST_ROOM	(LL_MAX_HEADER + sizeof(struct ipv6hdr) + \
			 sizeof(struct tcphdr))

static unsigned int reject_rate __read_mostly = 1000;
module_param(reject_rate, uint, 0644);
MODULE_PARM_DESC(reject_rate, "RSTs and ICMP errors a second per CPU");
static unsigned int reject_burst __read_mostly = 50;
module_param(reject_burst, uint, 0644);
MODULE_PARM_DESC(reject_burst, "answers a CPU sends at once after a pause");

struct fw_bucket {
	unsigned long stamp;		/* jiffies tokens were last added */
	u32 tokens;			/* 0 stamp: never used, full */
};

static DEFINE_PER_CPU(struct fw_bucket, fw_reject_bucket);

/* Softirq: this CPU's bucket is its alone. */
static bool fw_reject_allow(void)
{
	struct fw_bucket *b = this_cpu_ptr(&fw_reject_bucket);
	u32 burst = READ_ONCE(reject_burst), add;
	unsigned long now = jiffies;

	if (!b->stamp) {
		b->tokens = burst;
		b->stamp = now;
	}
	add = min_t(unsigned long, now - b->stamp, HZ) *
	      READ_ONCE(reject_rate) / HZ;
	if (add)
		b->stamp = now;
	/* Capped each time: the burst may have been lowered. */
	b->tokens = min(b->tokens + add, burst);
	if (!b->tokens)
		return false;
	b->tokens--;
	return true;
}

/* The RST's TCP header, answering oth (RFC 793, "Reset Generation"). */
static struct tcphdr *fw_rst_tcp(struct sk_buff *nskb,
				 const struct tcphdr *oth, u32 payload)
{
	struct tcphdr *th;

	skb_reset_transport_header(nskb);
	th = skb_put_zero(nskb, sizeof(*th));
	th->source = oth->dest;
	th->dest = oth->source;
	th->doff = sizeof(*th) / 4;
	th->rst = 1;
	if (oth->ack) {
		th->seq = oth->ack_seq;
	} else {
		th->ack = 1;
		th->ack_seq = htonl(ntohl(oth->seq) + oth->syn + oth->fin +
				    payload);
	}
	return th;
}

/* The RST's skb, its network header next; releases dst if none. */
static struct sk_buff *fw_rst_alloc(struct dst_entry *dst)
{
	struct sk_buff *nskb = alloc_skb(FW_RST_ROOM, GFP_ATOMIC);

	if (!nskb) {
		dst_release(dst);
		return NULL;
	}
	skb_reserve(nskb, LL_MAX_HEADER);
	skb_reset_network_header(nskb);
	return nskb;
}

/* -EADDRNOTAVAIL: the source is a subnet's broadcast, as routes say. */
static int fw_rst4(struct nfv_pkt *pkt, const struct tcphdr *oth,
		   u32 payload)
{
	const struct iphdr *oiph = ip_hdr(pkt->skb);
	struct net *net = dev_net(pkt->skb->dev);
	struct flowi4 fl4 = {
		.daddr = oiph->saddr,
		.saddr = oiph->daddr,
		.flowi4_proto = IPPROTO_TCP,
		.flowi4_flags = FLOWI_FLAG_ANYSRC,
	};
	struct sk_buff *nskb;
	struct tcphdr *th;
	struct iphdr *iph;
	struct rtable *rt;

	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	if (rt->rt_type != RTN_UNICAST) {
		ip_rt_put(rt);
		return -EADDRNOTAVAIL;
	}
	nskb = fw_rst_alloc(&rt->dst);
	if (!nskb)
		return -ENOMEM;
	iph = skb_put_zero(nskb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->frag_off = htons(IP_DF);
	iph->protocol = IPPROTO_TCP;
	iph->saddr = fl4.saddr;
	iph->daddr = fl4.daddr;
	iph->ttl = ip4_dst_hoplimit(&rt->dst);
	th = fw_rst_tcp(nskb, oth, payload);
	th->check = tcp_v4_check(sizeof(*th), iph->saddr, iph->daddr,
				 csum_partial(th, sizeof(*th), 0));
	nskb->protocol = htons(ETH_P_IP);
	skb_dst_set(nskb, &rt->dst);
	ip_local_out(net, NULL, nskb);
	return 0;
}

static void fw_rst6(struct nfv_pkt *pkt, const struct tcphdr *oth,
		    u32 payload)
{
	const struct ipv6hdr *oip6 = ipv6_hdr(pkt->skb);
	struct net *net = dev_net(pkt->skb->dev);
	struct flowi6 fl6 = {
		.daddr = oip6->saddr,
		.saddr = oip6->daddr,
		.flowi6_proto = IPPROTO_TCP,
		.flowi6_flags = FLOWI_FLAG_ANYSRC,
	};
	struct dst_entry *dst;
	struct ipv6hdr *ip6;
	struct sk_buff *nskb;
	struct tcphdr *th;

	dst = ip6_route_output(net, NULL, &fl6);
	if (dst->error) {
		dst_release(dst);
		return;
	}
	nskb = fw_rst_alloc(dst);
	if (!nskb)
		return;
	ip6 = skb_put_zero(nskb, sizeof(*ip6));
	ip6->version = 6;
	ip6->payload_len = htons(sizeof(*th));
	ip6->nexthdr = IPPROTO_TCP;
	ip6->hop_limit = ip6_dst_hoplimit(dst);
	ip6->saddr = fl6.saddr;
	ip6->daddr = fl6.daddr;
	th = fw_rst_tcp(nskb, oth, payload);
	th->check = csum_ipv6_magic(&ip6->saddr, &ip6->daddr, sizeof(*th),
				    IPPROTO_TCP,
				    csum_partial(th, sizeof(*th), 0));
	nskb->protocol = htons(ETH_P_IPV6);
	skb_dst_set(nskb, dst);
	ip6_local_out(net, NULL, nskb);
}

/* A source or destination no answer may go to or come from. */
static bool fw_reject_bad_addr(const struct nfv_pkt *pkt)
{
	const struct nfv_key *k = &pkt->key;

	if (k->flags & NFV_KEY_V6)
		return ipv6_addr_is_multicast(&k->addr.v6.src) ||
		       ipv6_addr_any(&k->addr.v6.src) ||
		       ipv6_addr_is_multicast(&k->addr.v6.dst);
	return ipv4_is_multicast(k->addr.v4.src) ||
	       ipv4_is_lbcast(k->addr.v4.src) ||
	       ipv4_is_zeronet(k->addr.v4.src) ||
	       ipv4_is_multicast(k->addr.v4.dst) ||
	       ipv4_is_lbcast(k->addr.v4.dst);
}

/* ICMP and ICMPv6 destination unreachable codes, by enum nfv_fw_reject. */
static const u8 fw_reject_code[][2] = {
	[NFV_FW_REJECT_PORT_UNREACH]	 = { ICMP_PORT_UNREACH,
					     ICMPV6_PORT_UNREACH },
	[NFV_FW_REJECT_HOST_UNREACH]	 = { ICMP_HOST_UNREACH,
					     ICMPV6_ADDR_UNREACH },
	[NFV_FW_REJECT_ADMIN_PROHIBITED] = { ICMP_PKT_FILTERED,
					     ICMPV6_ADM_PROHIBITED },
	[NFV_FW_REJECT_NO_ROUTE]	 = { ICMP_NET_UNREACH, ICMPV6_NOROUTE },
};

/* type: enum nfv_fw_reject, which the rule's parser checked. */
void fw_reject(struct fw_inst *fw, struct nfv_pkt *pkt, u8 type)
{
	bool v6 = pkt->key.flags & NFV_KEY_V6;
	const struct tcphdr *th = NULL;
	u32 payload;

	if (pkt->key.proto == IPPROTO_TCP && pkt->l4) {
		th = (const void *)(pkt->skb->data + pkt->l4);
		if (th->rst)
			return;		/* never answer a reset */
	}
	if (fw_reject_bad_addr(pkt) || !fw_reject_allow()) {
		fw_count(fw, NFV_FW_STAT_REJECT_SUPPRESSED);
		return;
	}
	if (type != NFV_FW_REJECT_AUTO && type != NFV_FW_REJECT_TCP_RST)
		th = NULL;
	if (type == NFV_FW_REJECT_AUTO || type == NFV_FW_REJECT_TCP_RST)
		type = NFV_FW_REJECT_PORT_UNREACH;	/* if not TCP */
	/* icmp_send() itself refuses a source a route calls broadcast. */
	if (!th) {
		nfv_icmp_reject_code(pkt, fw_reject_code[type][0],
				     fw_reject_code[type][1]);
		return;
	}
	payload = pkt->skb->len - pkt->l4 - th->doff * 4;
	if (v6)
		fw_rst6(pkt, th, payload);
	else if (fw_rst4(pkt, th, payload) == -EADDRNOTAVAIL)
		fw_count(fw, NFV_FW_STAT_REJECT_SUPPRESSED);
}
