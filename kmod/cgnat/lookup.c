// SPDX-License-Identifier: GPL-2.0
/*
 * "Who holds public address:port now": NF_ITEM_GET with NFV_A_NF_FILTER
 * of PUBLIC, PUBLIC_PORT and optionally PROTO. The answer comes from the
 * tables the packet path uses: the live mappings of that public port
 * (one item each, with the inside port), else its owner alone -- the
 * subscriber the formula gives in deterministic mode, or the subscriber
 * holding the port's block in block mode. Who held it in the past is the
 * port-block log's to say in block mode; the formula's answer holds at
 * any time.
 */
#include <linux/in.h>
#include <net/netlink.h>

#include "cgnat.h"

const struct nla_policy cg_lookup_policy[NFV_CGNAT_MAP_A_MAX + 1] = {
	[NFV_CGNAT_MAP_A_PROTO]		= { .type = NLA_U8 },
	[NFV_CGNAT_MAP_A_PUBLIC]	= { .type = NLA_BE32 },
	[NFV_CGNAT_MAP_A_PUBLIC_PORT]	= { .type = NLA_BE16 },
};

static const u8 cg_lookup_protos[] = { IPPROTO_TCP, IPPROTO_UDP,
				       IPPROTO_ICMP };

static int cg_put_owner(struct cg_inst *cg, struct sk_buff *skb,
			__be32 in, __be32 pub, __be16 port)
{
	return nla_put_in_addr(skb, NFV_CGNAT_MAP_A_INSIDE, in) ?:
	       nla_put_in_addr(skb, NFV_CGNAT_MAP_A_PUBLIC, pub) ?:
	       nla_put_be16(skb, NFV_CGNAT_MAP_A_PUBLIC_PORT, port) ?:
	       nla_put_u8(skb, NFV_CGNAT_MAP_A_MODE, cg->mode);
}

static int cg_put_map(struct cg_inst *cg, struct sk_buff *skb,
		      const struct cg_map *map)
{
	return nla_put_u8(skb, NFV_CGNAT_MAP_A_PROTO, map->proto) ?:
	       nla_put_u16(skb, NFV_CGNAT_MAP_A_ZONE, map->zone) ?:
	       nla_put_be16(skb, NFV_CGNAT_MAP_A_INSIDE_PORT, map->port) ?:
	       nla_put_u32(skb, NFV_CGNAT_MAP_A_FLOWS, map->flows) ?:
	       cg_put_owner(cg, skb, map->addr, cg_addr_of(cg, cg_map_pub(map)),
			    map->pub_port);
}

/*
 * Block mode: the subscriber whose block holds the port. Blocks do not
 * name their owner (8 bytes more each, for a rare question), so this
 * walks the subscribers, at most max-subscribers of them.
 */
static struct cg_sub *cg_block_owner(struct cg_inst *cg, u32 pub, u16 port)
{
	struct cg_blocks *bs = &cg->addrs[pub].blocks;
	unsigned int blk, i;
	struct cg_sub *sub;
	u32 b;

	if (port < CG_PORT_FIRST)
		return NULL;
	blk = cg_block_of(bs, port);
	if (bs->b[blk].state != CG_BLOCK_USED)
		return NULL;
	for (b = 0; b <= cg->sub_mask; b++)
		hlist_for_each_entry(sub, &cg->subs[b], node)
			for (i = 0; sub->pub == pub && i < sub->nblocks; i++)
				if (sub->blocks[i] == blk)
					return sub;
	return NULL;
}

/* No live mapping: the port's owner, or -ENOENT. Under cg->lock. */
static int cg_lookup_owner(struct cg_inst *cg, struct sk_buff *skb, u32 pub,
			   __be16 port)
{
	__be32 addr = cg_addr_of(cg, pub);
	struct cg_sub *sub;
	u32 in;

	if (cg->mode == NFV_CGNAT_MODE_DETERMINISTIC) {
		if (!cg_det_owner(&cg->det, pub, ntohs(port), &in))
			return -ENOENT;
		return cg_put_owner(cg, skb, htonl(in), addr, port);
	}
	sub = cg_block_owner(cg, pub, ntohs(port));
	if (!sub)
		return -ENOENT;
	return nla_put_u16(skb, NFV_CGNAT_MAP_A_ZONE, sub->zone) ?:
	       cg_put_owner(cg, skb, sub->addr, addr, port);
}

int cg_lookup(struct nfv_nf *nf, struct nlattr **tb, struct sk_buff *skb,
	      unsigned long idx, struct netlink_ext_ack *extack)
{
	struct cg_inst *cg = nfv_nf_priv(nf);
	struct nlattr *pa = tb[NFV_CGNAT_MAP_A_PROTO];
	unsigned long n = 0, link;
	struct cg_map buf;
	unsigned int i;
	__be16 port;
	int err;
	s64 pub;

	if (!tb[NFV_CGNAT_MAP_A_PUBLIC] || !tb[NFV_CGNAT_MAP_A_PUBLIC_PORT]) {
		NL_SET_ERR_MSG(extack, "a lookup needs a public address and port");
		return -EINVAL;
	}
	pub = cg_pub_index(cg, nla_get_in_addr(tb[NFV_CGNAT_MAP_A_PUBLIC]));
	if (pub < 0) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFV_CGNAT_MAP_A_PUBLIC],
				    "not an address of the instance's pools");
		return -EINVAL;
	}
	port = nla_get_be16(tb[NFV_CGNAT_MAP_A_PUBLIC_PORT]);
	spin_lock_bh(&cg->lock);
	for (i = 0; i < ARRAY_SIZE(cg_lookup_protos); i++) {
		u8 proto = pa ? nla_get_u8(pa) : cg_lookup_protos[i];

		link = cg_map_find_pub(cg, pub, port, proto);
		if (link && n++ == idx) {
			err = cg_put_map(cg, skb, cg_link_map(cg, link, &buf));
			goto out;
		}
		if (pa)
			break;
	}
	err = n || idx ? -ENOENT : cg_lookup_owner(cg, skb, pub, port);
out:
	spin_unlock_bh(&cg->lock);
	return err;
}
