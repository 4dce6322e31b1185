// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP errors and flows: the flow an error's quoted header belongs to,
 * errors about NAT flows translated for the host that will read them
 * (RFC 5508), and the packet the core's own errors quote.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>

#include "core.h"

/*
 * The error travels the opposite way to the packet it quotes, so it
 * arrives in the zone of that opposite direction: look that direction's
 * key up, the quoted key inverted in the error's zone. The slow path
 * looked it up already before the chain, and may have translated the
 * quoted header since (nfv_icmp_nat_error()): its answer stands.
 */
struct nfv_flow *nfv_flow_lookup_related(struct nfv_pkt *pkt,
					 unsigned int *dir)
{
	struct nfv_key inner, back;
	struct nfv_flow *flow;

	if (!(pkt->flags & NFV_PKT_ICMP_ERR))
		return NULL;
	if (pkt->related) {
		*dir = pkt->related_dir;
		return pkt->related;
	}
	if (nfv_parse_icmp_inner(pkt, &inner))
		return NULL;
	nfv_key_invert(&back, &inner);
	flow = nfv_flow_lookup(&pkt->dp->table, &back, dir);
	if (flow)
		*dir = !*dir;
	return flow;
}
EXPORT_SYMBOL_GPL(nfv_flow_lookup_related);

/* csum_replace4() for an IPv6 address. */
static void nfv_csum_replace16(__sum16 *sum, const struct in6_addr *from,
			       const struct in6_addr *to)
{
	__be32 diff[8];
	unsigned int i;

	for (i = 0; i < 4; i++) {
		diff[i] = ~from->s6_addr32[i];
		diff[i + 4] = to->s6_addr32[i];
	}
	*sum = csum_fold(csum_partial(diff, sizeof(diff),
				      ~csum_unfold(*sum)));
}

/*
 * The quoted transport checksum, where netfilter's ICMP error translation
 * updates it: a TCP header's only if all of it was quoted (an error need
 * quote no more than 8 bytes), a UDP one unless it is 0 (none, IPv4).
 */
static __sum16 *nfv_inner_check(struct sk_buff *skb, unsigned int l4,
				u8 proto, bool v6)
{
	void *h = skb->data + l4;
	__sum16 *check;

	switch (proto) {
	case IPPROTO_TCP:
		if (skb->len - l4 < sizeof(struct tcphdr))
			return NULL;
		return &((struct tcphdr *)h)->check;
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		check = &((struct udphdr *)h)->check;
		return *check || v6 || proto == IPPROTO_UDPLITE ? check : NULL;
	case IPPROTO_ICMP:
		return &((struct icmphdr *)h)->checksum;
	case IPPROTO_ICMPV6:
		return &((struct icmp6hdr *)h)->icmp6_cksum;
	default:
		return NULL;
	}
}

static void nfv_inner_addr4(struct iphdr *iph, __sum16 *check, __be32 *addr,
			    __be32 to)
{
	csum_replace4(&iph->check, *addr, to);
	if (check)
		csum_replace4(check, *addr, to);
	*addr = to;
}

static void nfv_inner_addr6(__sum16 *check, struct in6_addr *addr,
			    const struct in6_addr *to)
{
	if (check)
		nfv_csum_replace16(check, addr, to);
	*addr = *to;
}

static void nfv_inner_port(__sum16 *check, __be16 *port, __be16 to)
{
	if (check)
		csum_replace2(check, *port, to);
	*port = to;
}

/*
 * Rewrites the quoted header (IP header at @l3, transport at @l4) to
 * @to's @fields, with its IPv4 header checksum and its transport
 * checksum. Plain csum_replace*(): these bytes are inside the error's
 * ICMP message, whose checksum the caller computes again.
 */
static void nfv_inner_rewrite(struct sk_buff *skb, unsigned int l3,
			      unsigned int l4, u8 fields,
			      const struct nfv_key *to)
{
	bool v6 = to->flags & NFV_KEY_V6;
	__sum16 *check = nfv_inner_check(skb, l4, to->proto, v6);
	__be16 *ports = (__be16 *)(skb->data + l4);

	if (v6) {
		struct ipv6hdr *ip6 = (struct ipv6hdr *)(skb->data + l3);

		if (fields & NFV_NAT_SADDR)
			nfv_inner_addr6(check, &ip6->saddr, &to->addr.v6.src);
		if (fields & NFV_NAT_DADDR)
			nfv_inner_addr6(check, &ip6->daddr, &to->addr.v6.dst);
	} else {
		struct iphdr *iph = (struct iphdr *)(skb->data + l3);
		__sum16 *pseudo = to->proto == IPPROTO_ICMP ? NULL : check;

		if (fields & NFV_NAT_SADDR)
			nfv_inner_addr4(iph, pseudo, &iph->saddr,
					to->addr.v4.src);
		if (fields & NFV_NAT_DADDR)
			nfv_inner_addr4(iph, pseudo, &iph->daddr,
					to->addr.v4.dst);
	}
	if (to->proto == IPPROTO_ICMP || to->proto == IPPROTO_ICMPV6) {
		if (fields & NFV_NAT_SPORT)	/* the query id */
			nfv_inner_port(check, &ports[2], to->sport);
	} else {
		if (fields & NFV_NAT_SPORT)
			nfv_inner_port(check, &ports[0], to->sport);
		if (fields & NFV_NAT_DPORT)
			nfv_inner_port(check, &ports[1], to->dport);
	}
	if (check && !*check && (to->proto == IPPROTO_UDP ||
				 to->proto == IPPROTO_UDPLITE))
		*check = CSUM_MANGLED_0;
}

/* The ICMP message's checksum over @len bytes from @l4: 0 if it holds. */
static __sum16 nfv_icmp_csum(struct sk_buff *skb, unsigned int l3,
			     unsigned int l4, unsigned int len, bool v6)
{
	__wsum sum = skb_checksum(skb, l4, len, 0);
	struct ipv6hdr *ip6;

	if (!v6)
		return csum_fold(sum);
	ip6 = (struct ipv6hdr *)(skb->data + l3);
	return csum_ipv6_magic(&ip6->saddr, &ip6->daddr, len, IPPROTO_ICMPV6,
			       sum);
}

/* The outer header's addresses, as a packet of the error's direction. */
static void nfv_outer_rewrite(struct nfv_pkt *pkt, u8 fields,
			      const struct nfv_key *to)
{
	struct sk_buff *skb = pkt->skb;

	if (pkt->key.flags & NFV_KEY_V6) {
		struct ipv6hdr *ip6 = (struct ipv6hdr *)(skb->data + pkt->l3);

		if (fields & NFV_NAT_SADDR)
			ip6->saddr = pkt->key.addr.v6.src = to->addr.v6.src;
		if (fields & NFV_NAT_DADDR)
			ip6->daddr = pkt->key.addr.v6.dst = to->addr.v6.dst;
	} else {
		struct iphdr *iph = (struct iphdr *)(skb->data + pkt->l3);

		if (fields & NFV_NAT_SADDR) {
			csum_replace4(&iph->check, iph->saddr, to->addr.v4.src);
			iph->saddr = pkt->key.addr.v4.src = to->addr.v4.src;
		}
		if (fields & NFV_NAT_DADDR) {
			csum_replace4(&iph->check, iph->daddr, to->addr.v4.dst);
			iph->daddr = pkt->key.addr.v4.dst = to->addr.v4.dst;
		}
	}
}

/*
 * Translates the error whose quoted packet left translated by @flow in
 * direction @dir: the quoted header goes back to what its sender sent
 * (the flow's key of @dir), the outer header is translated as a packet
 * of the error's direction (which leaves as that key's inversion), and
 * the ICMP checksum is computed again over it all. As netfilter's
 * nf_nat_icmp_reply_translation(), a bad ICMP checksum is refused
 * rather than made good.
 */
static int nfv_icmp_translate(struct nfv_pkt *pkt, unsigned int inner_l4,
			      struct nfv_flow *flow, unsigned int dir)
{
	bool v6 = pkt->key.flags & NFV_KEY_V6;
	u8 inner = READ_ONCE(flow->nat[dir]) & NFV_NAT_FIELDS;
	u8 outer = READ_ONCE(flow->nat[!dir]) &
		   (NFV_NAT_SADDR | NFV_NAT_DADDR);
	struct sk_buff *skb = pkt->skb;
	unsigned int len = skb->len - pkt->l4;
	const struct nfv_key *sent;
	struct nfv_key buf, out;
	__sum16 *check;

	if (!inner && !outer)
		return 0;
	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		return -ENOMEM;
	if (skb_ensure_writable(skb, skb->len))
		return -ENOMEM;
	if (nfv_icmp_csum(skb, pkt->l3, pkt->l4, len, v6))
		return -EINVAL;

	sent = nfv_flow_key(flow, dir, &buf);
	nfv_inner_rewrite(skb, pkt->l4 + 8, inner_l4, inner, sent);
	nfv_key_invert(&out, sent);
	nfv_outer_rewrite(pkt, outer, &out);

	check = v6 ? &((struct icmp6hdr *)(skb->data + pkt->l4))->icmp6_cksum :
		     &((struct icmphdr *)(skb->data + pkt->l4))->checksum;
	*check = 0;
	*check = nfv_icmp_csum(skb, pkt->l3, pkt->l4, len, v6);
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;
	pkt->flags |= NFV_PKT_NAT;
	return 0;
}

/*
 * Before the chain, for an ICMP or ICMPv6 error: finds the flow it
 * quotes (for nfv_flow_lookup_related()) and, for a NAT flow, translates
 * it, so that the chain sees the error as the host it goes to will, as
 * it sees the flow's other packets. 0, or -EINVAL (bad ICMP checksum),
 * -ENOMEM: the caller drops the error.
 */
int nfv_icmp_nat_error(struct nfv_pkt *pkt)
{
	struct nfv_key inner, back;
	unsigned int l4, dir;
	struct nfv_flow *flow;

	if (__nfv_parse_icmp_inner(pkt, &inner, &l4))
		return 0;
	nfv_key_invert(&back, &inner);
	flow = nfv_flow_lookup(&pkt->dp->table, &back, &dir);
	if (!flow)
		return 0;
	pkt->related = flow;
	pkt->related_dir = !dir;
	if (!(flow->flags & NFV_FLOW_NAT))
		return 0;
	return nfv_icmp_translate(pkt, l4, flow, !dir);
}

/*
 * The packet an ICMP error the core sends must quote: the packet as its
 * sender sent it, so that the error means something to that sender and
 * goes back to its address (icmp_send() answers the quoted source). A
 * packet a NAT flow translated on its way out gets a copy with the
 * rewrite undone; NULL if that cannot be had (no error is sent then).
 * The caller hands the result to nfv_icmp_quote_done().
 */
struct sk_buff *nfv_icmp_quote(struct nfv_pkt *pkt)
{
	struct nfv_flow *flow = pkt->flow;
	const struct nfv_key *sent;
	struct sk_buff *skb;
	struct nfv_key buf;
	u8 fields;

	if (likely(!(pkt->flags & NFV_PKT_NAT)) || !flow)
		return pkt->skb;
	fields = READ_ONCE(flow->nat[pkt->dir]) & NFV_NAT_FIELDS;
	if (!pkt->l4)
		fields &= NFV_NAT_SADDR | NFV_NAT_DADDR;
	skb = pskb_copy(pkt->skb, GFP_ATOMIC);
	if (!skb)
		return NULL;
	sent = nfv_flow_key(flow, pkt->dir, &buf);
	if (nfv_nat_rewrite(skb, pkt->l3, pkt->l4, fields, sent)) {
		kfree_skb(skb);
		return NULL;
	}
	return skb;
}

void nfv_icmp_quote_done(struct nfv_pkt *pkt, struct sk_buff *skb)
{
	if (skb && skb != pkt->skb)
		consume_skb(skb);
}
