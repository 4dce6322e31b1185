// SPDX-License-Identifier: GPL-2.0
/*
 * Packet parser: VLAN tags, IPv4, IPv6 with extension headers, TCP, UDP,
 * UDP-Lite, SCTP, DCCP, ICMP, ICMPv6. Every read is preceded by pskb_may_pull() for its extent,
 * so a truncated packet is reported as malformed and never read past.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/sctp.h>
#include <net/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "compat.h"
#include "core.h"

#define NFV_MAX_VLANS		2
#define NFV_MAX_EXTHDRS		8

/*
 * DCCP's generic header (RFC 4340 5.1), read by offset: its uapi header
 * leaves the kernel with the protocol. Ports, then the data offset in
 * words at byte 4; X, 48-bit sequence numbers, is the low bit of byte 8.
 */
#define NFV_DCCP_HLEN		12
#define NFV_DCCP_XHLEN		16

/* Makes [off, off + len) of the packet linear; false if it is not there. */
static bool nfv_pull(struct sk_buff *skb, unsigned int off, unsigned int len)
{
	return off + len >= off && pskb_may_pull(skb, off + len);
}

static void *nfv_ptr(struct sk_buff *skb, unsigned int off)
{
	return skb->data + off;
}

/*
 * VLAN tags: the stack has moved the outer one to skb->vlan_tci; inner
 * ones are still in the payload. A tag whose VLAN has a device on the
 * port never gets here: vlan_do_receive() took the frame for that device.
 * The datapath terminates no VLAN itself, so a frame with a VID belongs to
 * no port's zone: it goes to the stack, which drops it. Priority tags
 * (VID 0) are untagged frames, as the stack reads them; at most two.
 */
static int nfv_parse_vlan(struct sk_buff *skb, struct nfv_pkt *pkt,
			  __be16 *proto, unsigned int *off)
{
	int n = skb_vlan_tag_present(skb);

	if (n && skb_vlan_tag_get_id(skb))
		goto tagged;
	for (; eth_type_vlan(*proto); n++) {
		struct vlan_hdr *vh;

		if (n == NFV_MAX_VLANS || !nfv_pull(skb, *off, VLAN_HLEN))
			return -EINVAL;
		vh = nfv_ptr(skb, *off);
		if (ntohs(vh->h_vlan_TCI) & VLAN_VID_MASK)
			goto tagged;
		*proto = vh->h_vlan_encapsulated_proto;
		*off += VLAN_HLEN;
	}
	return 0;

tagged:
	pkt->flags |= NFV_PKT_VLAN;
	return -EPROTONOSUPPORT;
}

static bool nfv_icmp_is_error(u8 type)
{
	switch (type) {
	case ICMP_DEST_UNREACH:
	case ICMP_SOURCE_QUENCH:
	case ICMP_REDIRECT:
	case ICMP_TIME_EXCEEDED:
	case ICMP_PARAMETERPROB:
		return true;
	}
	return false;
}

static bool nfv_icmp_is_query(u8 type)
{
	switch (type) {
	case ICMP_ECHO:
	case ICMP_ECHOREPLY:
	case ICMP_TIMESTAMP:
	case ICMP_TIMESTAMPREPLY:
	case ICMP_INFO_REQUEST:
	case ICMP_INFO_REPLY:
		return true;
	}
	return false;
}

/* An ICMP error must quote at least the offending IP header + 8 bytes. */
static int nfv_parse_icmp4_inner(struct sk_buff *skb, unsigned int off)
{
	struct iphdr *iph;

	if (!nfv_pull(skb, off, sizeof(*iph)))
		return -EINVAL;
	iph = nfv_ptr(skb, off);
	if (iph->version != 4 || iph->ihl < 5)
		return -EINVAL;
	if (!nfv_pull(skb, off, iph->ihl * 4 + 8))
		return -EINVAL;
	return 0;
}

static int nfv_parse_icmp6_inner(struct sk_buff *skb, unsigned int off)
{
	struct ipv6hdr *ip6;

	if (!nfv_pull(skb, off, sizeof(*ip6) + 8))
		return -EINVAL;
	ip6 = nfv_ptr(skb, off);
	if (ip6->version != 6)
		return -EINVAL;
	return 0;
}

static int nfv_parse_l4(struct sk_buff *skb, struct nfv_pkt *pkt,
			unsigned int off, unsigned int end)
{
	struct nfv_key *key = &pkt->key;
	unsigned int len = end - off;

	pkt->l4 = off;
	switch (key->proto) {
	case IPPROTO_TCP: {
		struct tcphdr *th;

		if (len < sizeof(*th) || !nfv_pull(skb, off, sizeof(*th)))
			return -EINVAL;
		th = nfv_ptr(skb, off);
		if (th->doff < 5 || th->doff * 4 > len)
			return -EINVAL;
		key->sport = th->source;
		key->dport = th->dest;
		pkt->tcp_flags = tcp_flag_byte(th);
		break;
	}
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE: {
		struct udphdr *uh;

		if (len < sizeof(*uh) || !nfv_pull(skb, off, sizeof(*uh)))
			return -EINVAL;
		uh = nfv_ptr(skb, off);
		/* A fragment holds only part of the datagram. */
		if (key->proto == IPPROTO_UDP && !(pkt->flags & NFV_PKT_FRAG) &&
		    (ntohs(uh->len) < sizeof(*uh) || ntohs(uh->len) > len))
			return -EINVAL;
		key->sport = uh->source;
		key->dport = uh->dest;
		break;
	}
	case IPPROTO_SCTP: {
		struct sctphdr *sh;

		/* The common header, whole, as conntrack asks of it. */
		if (len < sizeof(*sh) || !nfv_pull(skb, off, sizeof(*sh)))
			return -EINVAL;
		sh = nfv_ptr(skb, off);
		key->sport = sh->source;
		key->dport = sh->dest;
		break;
	}
	case IPPROTO_DCCP: {
		unsigned int hlen;
		u8 *dh;

		if (len < NFV_DCCP_HLEN || !nfv_pull(skb, off, NFV_DCCP_HLEN))
			return -EINVAL;
		dh = nfv_ptr(skb, off);
		hlen = dh[8] & 1 ? NFV_DCCP_XHLEN : NFV_DCCP_HLEN;
		if (dh[4] * 4 < hlen || dh[4] * 4 > len)
			return -EINVAL;
		memcpy(&key->sport, dh, 2);
		memcpy(&key->dport, dh + 2, 2);
		break;
	}
	case IPPROTO_ICMP: {
		struct icmphdr *ih;

		if (len < sizeof(*ih) || !nfv_pull(skb, off, sizeof(*ih)))
			return -EINVAL;
		ih = nfv_ptr(skb, off);
		if (nfv_icmp_is_error(ih->type)) {
			pkt->flags |= NFV_PKT_ICMP_ERR;
			pkt->flags &= ~NFV_PKT_TRACK;
			return nfv_parse_icmp4_inner(skb, off + sizeof(*ih));
		}
		if (nfv_icmp_is_query(ih->type))
			key->sport = ih->un.echo.id;
		key->dport = htons(ih->type);
		break;
	}
	case IPPROTO_ICMPV6: {
		struct icmp6hdr *ih;

		if (len < sizeof(*ih) || !nfv_pull(skb, off, sizeof(*ih)))
			return -EINVAL;
		ih = nfv_ptr(skb, off);
		if (ih->icmp6_type < 128) {
			pkt->flags |= NFV_PKT_ICMP_ERR;
			pkt->flags &= ~NFV_PKT_TRACK;
			return nfv_parse_icmp6_inner(skb, off + sizeof(*ih));
		}
		switch (ih->icmp6_type) {
		case ICMPV6_ECHO_REQUEST:
		case ICMPV6_ECHO_REPLY:
			key->sport = ih->icmp6_identifier;
			key->dport = htons(ih->icmp6_type);
			break;
		default:
			/* ND, MLD, router renumbering: the host's business. */
			pkt->flags |= NFV_PKT_HOST;
		}
		break;
	}
	default:
		break;
	}
	return 0;
}

static int nfv_parse_ipv4(struct sk_buff *skb, struct nfv_pkt *pkt,
			  unsigned int off)
{
	struct nfv_key *key = &pkt->key;
	unsigned int hlen, tot;
	struct iphdr *iph;

	if (!nfv_pull(skb, off, sizeof(*iph)))
		return -EINVAL;
	iph = nfv_ptr(skb, off);
	hlen = iph->ihl * 4;
	if (iph->version != 4 || hlen < sizeof(*iph))
		return -EINVAL;
	if (!nfv_pull(skb, off, hlen))
		return -EINVAL;
	iph = nfv_ptr(skb, off);
	/* BIG TCP: tot_len 0 on a GSO TCP packet over 64 KiB, as ip_rcv. */
	tot = iph_totlen(skb, iph);
	if (tot < hlen || tot > skb->len - off)
		return -EINVAL;
	if (unlikely(ip_fast_csum((u8 *)iph, iph->ihl)))
		return -EINVAL;
	/* Ethernet padding is not part of the datagram. */
	if (skb->len - off > tot) {
		if (pskb_trim_rcsum(skb, off + tot))
			return -ENOMEM;
		iph = nfv_ptr(skb, off);
	}

	key->flags = 0;
	key->proto = iph->protocol;
	key->addr.v4.src = iph->saddr;
	key->addr.v4.dst = iph->daddr;
	pkt->ttl = iph->ttl;
	if (ipv4_is_multicast(iph->daddr) || ipv4_is_lbcast(iph->daddr))
		pkt->flags |= NFV_PKT_HOST;

	if (ip_is_fragment(iph)) {
		u16 frag_off = ntohs(iph->frag_off) & IP_OFFSET;

		pkt->flags |= NFV_PKT_FRAG;
		pkt->frag_id = ntohs(iph->id);
		if (frag_off) {
			/* RFC 1858: offset 8 would rewrite TCP's flags. */
			if (frag_off == 1 && key->proto == IPPROTO_TCP)
				return -EINVAL;
			pkt->flags |= NFV_PKT_FRAG_TAIL;
			return 0;	/* no L4 header here */
		}
	}
	pkt->flags |= NFV_PKT_TRACK;
	return nfv_parse_l4(skb, pkt, off + hlen, off + tot);
}

static bool nfv_ipv6_exthdr(u8 nexthdr)
{
	return nexthdr == NEXTHDR_HOP || nexthdr == NEXTHDR_ROUTING ||
	       nexthdr == NEXTHDR_DEST || nexthdr == NEXTHDR_FRAGMENT ||
	       nexthdr == NEXTHDR_AUTH;
}

/*
 * BIG TCP for IPv6: a GSO TCP packet over 64 KiB has payload_len 0 and a
 * hop-by-hop header with only a jumbo payload option (RFC 2675) right
 * after the IPv6 header, as ip6_xmit() and ipv6_gro_complete() build it
 * and ipv6_has_hopopt_jumbo() knows it. Returns its payload length, the
 * rest of the skb, which the option must say too; 0 for anything else
 * (malformed: a GSO packet cannot be an empty datagram).
 */
static unsigned int nfv_ipv6_jumbo_len(struct sk_buff *skb, unsigned int off)
{
	unsigned int len = skb->len - off - sizeof(struct ipv6hdr);
	struct hop_jumbo_hdr *jh;
	struct ipv6hdr *ip6;

	if (!skb_is_gso_tcp(skb) || len <= IPV6_MAXPLEN)
		return 0;
	if (!nfv_pull(skb, off, sizeof(*ip6) + sizeof(*jh)))
		return 0;
	ip6 = nfv_ptr(skb, off);
	jh = nfv_ptr(skb, off + sizeof(*ip6));
	if (ip6->nexthdr != NEXTHDR_HOP || jh->nexthdr != IPPROTO_TCP ||
	    jh->hdrlen || jh->tlv_type != IPV6_TLV_JUMBO || jh->tlv_len != 4 ||
	    ntohl(jh->jumbo_payload_len) != len)
		return 0;
	return len;
}

static int nfv_parse_ipv6(struct sk_buff *skb, struct nfv_pkt *pkt,
			  unsigned int off)
{
	struct nfv_key *key = &pkt->key;
	unsigned int end, plen, n = 0;
	struct ipv6hdr *ip6;
	u8 nexthdr;
	int addr;

	if (!nfv_pull(skb, off, sizeof(*ip6)))
		return -EINVAL;
	ip6 = nfv_ptr(skb, off);
	if (ip6->version != 6)
		return -EINVAL;
	plen = ntohs(ip6->payload_len);
	if (!plen && skb_is_gso(skb)) {
		plen = nfv_ipv6_jumbo_len(skb, off);
		if (!plen)
			return -EINVAL;
		ip6 = nfv_ptr(skb, off);
	}
	end = off + sizeof(*ip6) + plen;
	if (end > skb->len)
		return -EINVAL;
	if (skb->len > end) {
		if (pskb_trim_rcsum(skb, end))
			return -ENOMEM;
		ip6 = nfv_ptr(skb, off);
	}

	key->flags = NFV_KEY_V6;
	key->addr.v6.src = ip6->saddr;
	key->addr.v6.dst = ip6->daddr;
	pkt->ttl = ip6->hop_limit;
	addr = ipv6_addr_type(&ip6->daddr) | ipv6_addr_type(&ip6->saddr);
	if (addr & (IPV6_ADDR_MULTICAST | IPV6_ADDR_LINKLOCAL |
		    IPV6_ADDR_LOOPBACK))
		pkt->flags |= NFV_PKT_HOST;

	nexthdr = ip6->nexthdr;
	off += sizeof(*ip6);
	pkt->flags |= NFV_PKT_TRACK;
	while (nfv_ipv6_exthdr(nexthdr)) {
		unsigned int hlen;
		u8 *h;

		if (++n > NFV_MAX_EXTHDRS || !nfv_pull(skb, off, 8))
			return -EINVAL;
		h = nfv_ptr(skb, off);
		if (nexthdr == NEXTHDR_FRAGMENT) {
			struct frag_hdr *fh = (struct frag_hdr *)h;

			hlen = sizeof(*fh);
			pkt->flags |= NFV_PKT_FRAG;
			pkt->frag_id = ntohl(fh->identification);
			if (fh->frag_off & htons(IP6_OFFSET)) {
				pkt->flags &= ~NFV_PKT_TRACK;
				pkt->flags |= NFV_PKT_FRAG_TAIL;
				/*
				 * The protocol if no extension header
				 * follows; nfv_frag_follow() has the
				 * datagram's from its first fragment.
				 */
				key->proto = fh->nexthdr;
				return 0;
			}
		} else if (nexthdr == NEXTHDR_AUTH) {
			hlen = (h[1] + 2) * 4;
		} else {
			hlen = (h[1] + 1) * 8;
		}
		if (off + hlen > end)
			return -EINVAL;
		nexthdr = h[0];
		off += hlen;
	}
	key->proto = nexthdr;
	if (nexthdr == NEXTHDR_NONE)
		return 0;
	return nfv_parse_l4(skb, pkt, off, end);
}

/* Ports, or the echo id, of a quoted transport header (8 bytes there). */
static void nfv_inner_ports(const u8 *l4, struct nfv_key *key)
{
	switch (key->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
		memcpy(&key->sport, l4, 2);
		memcpy(&key->dport, l4 + 2, 2);
		break;
	case IPPROTO_ICMP:
		if (nfv_icmp_is_query(l4[0]))
			memcpy(&key->sport, l4 + 4, 2);
		key->dport = htons(l4[0]);
		break;
	case IPPROTO_ICMPV6:
		if (l4[0] == ICMPV6_ECHO_REQUEST || l4[0] == ICMPV6_ECHO_REPLY) {
			memcpy(&key->sport, l4 + 4, 2);
			key->dport = htons(l4[0]);
		}
		break;
	}
}

static int nfv_inner_ipv4(struct sk_buff *skb, unsigned int off,
			  struct nfv_key *key, unsigned int *l4)
{
	struct iphdr *iph;

	/* The parser pulled the header and 8 bytes after it. */
	iph = nfv_ptr(skb, off);
	if (iph->frag_off & htons(IP_OFFSET))
		return -EINVAL;		/* no ports to match */
	key->proto = iph->protocol;
	key->addr.v4.src = iph->saddr;
	key->addr.v4.dst = iph->daddr;
	*l4 = off + iph->ihl * 4;
	nfv_inner_ports(nfv_ptr(skb, *l4), key);
	return 0;
}

static int nfv_inner_ipv6(struct sk_buff *skb, unsigned int off,
			  struct nfv_key *key, unsigned int *l4)
{
	struct ipv6hdr *ip6 = nfv_ptr(skb, off);
	unsigned int n = 0;
	u8 nexthdr;

	key->flags = NFV_KEY_V6;
	key->addr.v6.src = ip6->saddr;
	key->addr.v6.dst = ip6->daddr;
	nexthdr = ip6->nexthdr;
	off += sizeof(*ip6);
	while (nfv_ipv6_exthdr(nexthdr)) {
		u8 *h;

		if (++n > NFV_MAX_EXTHDRS || !nfv_pull(skb, off, 8))
			return -EINVAL;
		h = nfv_ptr(skb, off);
		if (nexthdr == NEXTHDR_FRAGMENT) {
			if (((struct frag_hdr *)h)->frag_off & htons(IP6_OFFSET))
				return -EINVAL;
			off += sizeof(struct frag_hdr);
		} else {
			off += nexthdr == NEXTHDR_AUTH ? (h[1] + 2) * 4 :
			       (h[1] + 1) * 8;
		}
		nexthdr = h[0];
	}
	if (!nfv_pull(skb, off, 8))
		return -EINVAL;
	key->proto = nexthdr;
	*l4 = off;
	nfv_inner_ports(nfv_ptr(skb, off), key);
	return 0;
}

/*
 * The key of the packet an ICMP or ICMPv6 error quotes, as that packet
 * travelled. Fails unless the error goes back to the quoted packet's
 * sender: an error about a flow concerns whoever sent into it. @l4: where
 * the quoted transport header starts, 8 bytes of it in the linear part.
 */
int __nfv_parse_icmp_inner(const struct nfv_pkt *pkt, struct nfv_key *key,
			   unsigned int *l4)
{
	struct sk_buff *skb = pkt->skb;
	unsigned int off = pkt->l4 + 8;
	int err;

	memset(key, 0, sizeof(*key));
	key->zone = pkt->key.zone;
	if (pkt->key.flags & NFV_KEY_V6) {
		err = nfv_inner_ipv6(skb, off, key, l4);
		if (!err && !ipv6_addr_equal(&key->addr.v6.src,
					     &pkt->key.addr.v6.dst))
			err = -EINVAL;
	} else {
		err = nfv_inner_ipv4(skb, off, key, l4);
		if (!err && key->addr.v4.src != pkt->key.addr.v4.dst)
			err = -EINVAL;
	}
	return err;
}

int nfv_parse_icmp_inner(const struct nfv_pkt *pkt, struct nfv_key *key)
{
	unsigned int l4;

	return __nfv_parse_icmp_inner(pkt, key, &l4);
}

/*
 * Fills pkt from skb (whose data starts after the Ethernet header).
 * Returns 0, -EPROTONOSUPPORT for what is not IP or is tagged for a VLAN
 * (NFV_PKT_VLAN; both for the host stack), -EINVAL for malformed packets,
 * -ENOMEM.
 */
int nfv_parse(struct sk_buff *skb, struct nfv_pkt *pkt, u16 zone)
{
	__be16 proto = skb->protocol;
	unsigned int off = 0;
	int err;

	memset(&pkt->key, 0, sizeof(pkt->key));
	pkt->skb = skb;
	pkt->flags = 0;
	pkt->tcp_flags = 0;
	pkt->l4 = 0;
	pkt->key.zone = zone;

	err = nfv_parse_vlan(skb, pkt, &proto, &off);
	if (err)
		return err;
	pkt->l3 = off;
	skb_set_network_header(skb, off);
	switch (proto) {
	case htons(ETH_P_IP):
		return nfv_parse_ipv4(skb, pkt, off);
	case htons(ETH_P_IPV6):
		return nfv_parse_ipv6(skb, pkt, off);
	default:
		return -EPROTONOSUPPORT;
	}
}
