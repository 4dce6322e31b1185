// SPDX-License-Identifier: GPL-2.0
/*
 * NAT rewrites: a packet that arrived with one key leaves with another.
 * Which fields differ is worked out once, when a NAT flow is claimed
 * (nfv_nat_diff()); each packet then rewrites those fields and updates
 * the checksums incrementally, as netfilter's NAT does: the IPv4 header
 * checksum, and the transport checksum for the pseudo-header's addresses
 * and for the ports or ICMP query id. The claim that makes a flow a NAT
 * flow is here too.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ipv6.h>

#include "core.h"

static bool nfv_nat_is_icmp(u8 proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

/*
 * Where the transport checksum is, from the L4 header; 0 if the protocol
 * is not one the rewrite knows (the caller refuses to translate it).
 */
static unsigned int nfv_nat_csum_off(u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return offsetof(struct tcphdr, check);
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		return offsetof(struct udphdr, check);
	case IPPROTO_ICMP:
		return offsetof(struct icmphdr, checksum);
	case IPPROTO_ICMPV6:
		return offsetof(struct icmp6hdr, icmp6_cksum);
	default:
		return 0;
	}
}

/*
 * The fields a packet keyed @from rewrites to leave keyed @to. An ICMP
 * query keeps its type (the keys' dport): only its id (sport) changes.
 */
u8 nfv_nat_diff(const struct nfv_key *from, const struct nfv_key *to)
{
	u8 f = 0;

	if (from->flags & NFV_KEY_V6) {
		if (!ipv6_addr_equal(&from->addr.v6.src, &to->addr.v6.src))
			f |= NFV_NAT_SADDR;
		if (!ipv6_addr_equal(&from->addr.v6.dst, &to->addr.v6.dst))
			f |= NFV_NAT_DADDR;
	} else {
		if (from->addr.v4.src != to->addr.v4.src)
			f |= NFV_NAT_SADDR;
		if (from->addr.v4.dst != to->addr.v4.dst)
			f |= NFV_NAT_DADDR;
	}
	if (from->sport != to->sport)
		f |= NFV_NAT_SPORT;
	if (from->dport != to->dport && !nfv_nat_is_icmp(from->proto))
		f |= NFV_NAT_DPORT;
	return f;
}

/* Whether the rewrite can translate these fields of this protocol. */
bool nfv_nat_supported(u8 proto, u8 fields)
{
	return !fields || nfv_nat_csum_off(proto);
}

/*
 * How much of the packet, from skb->data, the rewrite writes: the L3
 * header, and the transport header up to its checksum, which follows
 * the ports or the ICMP id.
 */
static unsigned int nfv_nat_len(unsigned int l3, unsigned int l4, u8 proto,
				bool v6)
{
	if (l4)
		return l4 + max_t(unsigned int, nfv_nat_csum_off(proto) + 2,
				  nfv_nat_is_icmp(proto) ? 8 : 4);
	return l3 + (v6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr));
}

int nfv_nat_prepare(struct sk_buff *skb, unsigned int l3, unsigned int l4,
		    const struct nfv_key *key)
{
	unsigned int len = nfv_nat_len(l3, l4, key->proto,
				       key->flags & NFV_KEY_V6);

	if (len > skb->len)
		return -EINVAL;
	return skb_ensure_writable(skb, len);
}

/*
 * UDP over IPv4 may carry no checksum (0), which stays so; a checksum
 * that comes out 0 is sent as its other form, 0xffff (RFC 768). With
 * CHECKSUM_PARTIAL the field holds the pseudo-header's sum for the
 * device to finish, and is updated whatever its value.
 */
static bool nfv_nat_csum_on(struct sk_buff *skb, u8 proto, bool v6,
			    __sum16 *check)
{
	if (proto != IPPROTO_UDP || v6)
		return true;
	return *check || skb->ip_summed == CHECKSUM_PARTIAL;
}

static void nfv_nat_csum_done(u8 proto, __sum16 *check)
{
	if ((proto == IPPROTO_UDP || proto == IPPROTO_UDPLITE) && !*check)
		*check = CSUM_MANGLED_0;
}

static void nfv_nat_addr4(struct sk_buff *skb, struct iphdr *iph,
			  __sum16 *check, __be32 *addr, __be32 to)
{
	csum_replace4(&iph->check, *addr, to);
	if (check)
		inet_proto_csum_replace4(check, skb, *addr, to, true);
	*addr = to;
}

static void nfv_nat_addr6(struct sk_buff *skb, __sum16 *check,
			  struct in6_addr *addr, const struct in6_addr *to)
{
	if (check)
		inet_proto_csum_replace16(check, skb, addr->s6_addr32,
					  to->s6_addr32, true);
	*addr = *to;
}

static void nfv_nat_port(struct sk_buff *skb, __sum16 *check, __be16 *port,
			 __be16 to)
{
	if (check)
		inet_proto_csum_replace2(check, skb, *port, to, false);
	*port = to;
}

/*
 * Rewrites @fields (NFV_NAT_*) of the packet from @from's values to
 * @to's, the skb writable to nfv_nat_prepare()'s length. l4 0: a
 * fragment other than the first, whose addresses alone change (the
 * first fragment's transport checksum covers the whole datagram).
 */
void __nfv_nat_rewrite(struct sk_buff *skb, unsigned int l3, unsigned int l4,
		       u8 fields, const struct nfv_key *to)
{
	bool v6 = to->flags & NFV_KEY_V6;
	u8 proto = to->proto;
	__sum16 *check = NULL;
	__be16 *ports = NULL;

	if (l4 && nfv_nat_csum_off(proto)) {
		check = (__sum16 *)(skb->data + l4 + nfv_nat_csum_off(proto));
		ports = (__be16 *)(skb->data + l4);
		if (!nfv_nat_csum_on(skb, proto, v6, check))
			check = NULL;
	}
	/* ICMPv4's checksum covers no pseudo-header. */
	if (v6) {
		struct ipv6hdr *ip6 = (struct ipv6hdr *)(skb->data + l3);

		if (fields & NFV_NAT_SADDR)
			nfv_nat_addr6(skb, check, &ip6->saddr, &to->addr.v6.src);
		if (fields & NFV_NAT_DADDR)
			nfv_nat_addr6(skb, check, &ip6->daddr, &to->addr.v6.dst);
	} else {
		struct iphdr *iph = (struct iphdr *)(skb->data + l3);
		__sum16 *pseudo = proto == IPPROTO_ICMP ? NULL : check;

		if (fields & NFV_NAT_SADDR)
			nfv_nat_addr4(skb, iph, pseudo, &iph->saddr,
				      to->addr.v4.src);
		if (fields & NFV_NAT_DADDR)
			nfv_nat_addr4(skb, iph, pseudo, &iph->daddr,
				      to->addr.v4.dst);
	}
	if (!ports)
		return;
	if (nfv_nat_is_icmp(proto)) {
		/* The query id, after type, code and checksum. */
		if (fields & NFV_NAT_SPORT)
			nfv_nat_port(skb, check, &ports[2], to->sport);
	} else {
		if (fields & NFV_NAT_SPORT)
			nfv_nat_port(skb, check, &ports[0], to->sport);
		if (fields & NFV_NAT_DPORT)
			nfv_nat_port(skb, check, &ports[1], to->dport);
	}
	if (check)
		nfv_nat_csum_done(proto, check);
}

/* nfv_nat_prepare() and __nfv_nat_rewrite(): -ENOMEM, or -EINVAL if short. */
int nfv_nat_rewrite(struct sk_buff *skb, unsigned int l3, unsigned int l4,
		    u8 fields, const struct nfv_key *to)
{
	int err;

	if (!fields)
		return 0;
	err = nfv_nat_prepare(skb, l3, l4, to);
	if (!err)
		__nfv_nat_rewrite(skb, l3, l4, fields, to);
	return err;
}

/*
 * Translates a packet of a NAT flow arriving in direction @dir: it leaves
 * as the inversion of the other direction's key (in the zone it came
 * from), and pkt->key says so from then on, for the NFs after.
 */
int nfv_flow_nat_apply(struct nfv_pkt *pkt, struct nfv_flow *flow,
		       unsigned int dir)
{
	int err = nfv_nat_prepare(pkt->skb, pkt->l3, pkt->l4, &pkt->key);

	if (!err)
		__nfv_flow_nat_apply(pkt, flow, dir);
	return err;
}

/* The same, the skb made writable by nfv_nat_prepare() already. */
void __nfv_flow_nat_apply(struct nfv_pkt *pkt, struct nfv_flow *flow,
			  unsigned int dir)
{
	u8 fields = READ_ONCE(flow->nat[dir]) & NFV_NAT_FIELDS;
	struct nfv_key buf, to;

	if (!pkt->l4)
		fields &= NFV_NAT_SADDR | NFV_NAT_DADDR;
	nfv_key_invert(&to, nfv_flow_key(flow, !dir, &buf));
	to.zone = pkt->key.zone;
	__nfv_nat_rewrite(pkt->skb, pkt->l3, pkt->l4, fields, &to);
	memcpy(&pkt->key, &to, nfv_key_len(&to));
	pkt->flags |= NFV_PKT_NAT;
	/* The fast path's too: an error about it quotes the arrival key. */
	pkt->flow = flow;
	pkt->dir = dir;
}

/*
 * Claims the reply key of a new flow of a NAT chain and inserts the flow
 * at once, so that a tuple clash shows before the NF rewrote anything:
 * see nfv_nf.h. The packet then leaves as the inversion of @reply.
 */
int nfv_flow_nat_claim(struct nfv_pkt *pkt, const struct nfv_key *reply)
{
	struct nfv_flow_table *t = &pkt->dp->table;
	struct nfv_flow *flow = pkt->flow;
	struct nfv_key *stored;
	struct nfv_key to;
	int err;

	if (!flow || !pkt->new_flow || (pkt->flags & NFV_PKT_NAT) ||
	    !(flow->flags & NFV_FLOW_NAT) || reply->proto != flow->key.proto ||
	    reply->flags != flow->key.flags)
		return -EINVAL;
	stored = nfv_flow_reply_key(flow);
	memcpy(stored, reply, nfv_key_len(reply));
	nfv_key_invert(&to, reply);
	to.zone = pkt->key.zone;
	flow->nat[NFV_DIR_ORIG] = nfv_nat_diff(&flow->key, &to);
	nfv_key_invert(&to, &flow->key);
	to.zone = reply->zone;
	flow->nat[NFV_DIR_REPLY] = nfv_nat_diff(reply, &to);
	err = -EOPNOTSUPP;
	if (!nfv_nat_supported(reply->proto, flow->nat[NFV_DIR_ORIG]))
		goto undo;
	/* What may fail comes before the insert: nothing to undo after it. */
	err = nfv_nat_prepare(pkt->skb, pkt->l3, pkt->l4, &pkt->key);
	if (err)
		goto undo;
	flow->reply_zone = reply->zone;
	flow->nat[NFV_DIR_ORIG] |= NFV_NAT_PENDING;
	err = nfv_flow_link2(t, flow, pkt->hash, stored,
			     nfv_flow_hash(t, stored));
	if (err)
		goto undo;
	__nfv_flow_nat_apply(pkt, flow, NFV_DIR_ORIG);
	return 0;

undo:
	/* An NF that gives up may still let the flow through untranslated. */
	nfv_key_invert(stored, &flow->key);
	flow->reply_zone = flow->key.zone;
	flow->nat[NFV_DIR_ORIG] = 0;
	flow->nat[NFV_DIR_REPLY] = 0;
	return err;
}
EXPORT_SYMBOL_GPL(nfv_flow_nat_claim);

/*
 * The claimed flow's first verdict is cached: other CPUs' packets of it
 * may run its chain from now on. Only the claiming CPU writes the byte.
 */
void nfv_flow_nat_commit(struct nfv_flow *flow)
{
	WRITE_ONCE(flow->nat[NFV_DIR_ORIG],
		   flow->nat[NFV_DIR_ORIG] & ~NFV_NAT_PENDING);
}

/*
 * A claimed flow whose first packet did not go through: out of the table
 * with no event, as it had none for its creation (the slow path sends
 * NEW when the first verdict is cached).
 */
void nfv_flow_discard(struct nfv_flow_table *t, struct nfv_flow *flow)
{
	if (nfv_flow_unlink(t, flow))
		nfv_flow_free(t, flow);
}
