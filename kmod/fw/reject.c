// SPDX-License-Identifier: GPL-2.0
/*
 * The reject action: a TCP RST in the name of the packet's destination,
 * or an ICMP/ICMPv6 port unreachable. Sent through the host's output
 * path, which routes it back to the source.
 */
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

static void fw_rst4(struct nfv_pkt *pkt, const struct tcphdr *oth,
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
		return;
	nskb = fw_rst_alloc(&rt->dst);
	if (!nskb)
		return;
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

void fw_reject(struct nfv_pkt *pkt)
{
	const struct tcphdr *th;
	u32 payload;

	if (pkt->key.proto != IPPROTO_TCP || !pkt->l4) {
		nfv_icmp_reject(pkt);
		return;
	}
	th = (const void *)(pkt->skb->data + pkt->l4);
	if (th->rst)
		return;		/* never answer a reset */
	payload = pkt->skb->len - pkt->l4 - th->doff * 4;
	if (pkt->key.flags & NFV_KEY_V6)
		fw_rst6(pkt, th, payload);
	else
		fw_rst4(pkt, th, payload);
}
