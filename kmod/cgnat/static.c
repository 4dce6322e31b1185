// SPDX-License-Identifier: GPL-2.0
/*
 * nfv_cgnat's static mappings (port forwards): inside address:port ->
 * public address:port, given at create and kept while the instance lives.
 * They sit in the mapping hashes as dynamic mappings do, so an inbound
 * flow from any host finds one by its public tuple and an outbound flow
 * from its inside address:port uses it (endpoint-independent mapping).
 * Their public ports are 1-1023, which no block holds: static and dynamic
 * mappings share a public address without sharing a port.
 */
#include <linux/in.h>
#include <linux/slab.h>
#include <net/netlink.h>

#include "cgnat.h"

/* A static mapping: the attributes of a mapping that configure one. */
static const struct nla_policy cg_static_policy[NFV_CGNAT_MAP_A_MAX + 1] = {
	[NFV_CGNAT_MAP_A_PROTO]	= { .type = NLA_U8 },
	[NFV_CGNAT_MAP_A_ZONE]	= { .type = NLA_U16 },
	[NFV_CGNAT_MAP_A_INSIDE] = { .type = NLA_BE32 },
	[NFV_CGNAT_MAP_A_INSIDE_PORT] = { .type = NLA_BE16 },
	[NFV_CGNAT_MAP_A_PUBLIC] = { .type = NLA_BE32 },
	[NFV_CGNAT_MAP_A_PUBLIC_PORT] = { .type = NLA_BE16 },
};

/* The attributes a static mapping needs (zone defaults to 0). */
static const int cg_static_req[] = {
	NFV_CGNAT_MAP_A_PROTO,
	NFV_CGNAT_MAP_A_INSIDE,
	NFV_CGNAT_MAP_A_INSIDE_PORT,
	NFV_CGNAT_MAP_A_PUBLIC,
	NFV_CGNAT_MAP_A_PUBLIC_PORT,
};

/* The values of one static mapping, checked against the instance's. */
static int cg_static_check(struct cg_inst *cg, struct nlattr *a,
			   struct nlattr **tb, struct netlink_ext_ack *extack)
{
	unsigned int i;
	u16 pport;
	u8 proto;

	for (i = 0; i < ARRAY_SIZE(cg_static_req); i++) {
		if (!tb[cg_static_req[i]]) {
			/* The missing type goes back in the extended ack. */
			NL_SET_ERR_MSG(extack,
				       "static mapping needs proto, inside, inside port, public and public port");
			NL_SET_ERR_ATTR_MISS(extack, a, cg_static_req[i]);
			return -EINVAL;
		}
	}
	proto = nla_get_u8(tb[NFV_CGNAT_MAP_A_PROTO]);
	pport = ntohs(nla_get_be16(tb[NFV_CGNAT_MAP_A_PUBLIC_PORT]));
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFV_CGNAT_MAP_A_PROTO],
				    "static mapping protocol must be tcp or udp");
		return -EINVAL;
	}
	if (!cg_inside(cg, nla_get_be32(tb[NFV_CGNAT_MAP_A_INSIDE]))) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFV_CGNAT_MAP_A_INSIDE],
				    "static mapping's inside address is not in the inside prefix");
		return -EINVAL;
	}
	if (!nla_get_be16(tb[NFV_CGNAT_MAP_A_INSIDE_PORT])) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFV_CGNAT_MAP_A_INSIDE_PORT],
				    "static mapping's inside port is 0");
		return -EINVAL;
	}
	if (cg_pub_index(cg, nla_get_be32(tb[NFV_CGNAT_MAP_A_PUBLIC])) < 0) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFV_CGNAT_MAP_A_PUBLIC],
				    "static mapping's public address is in no pool");
		return -EINVAL;
	}
	if (!pport || pport > CG_STATIC_PORT_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFV_CGNAT_MAP_A_PUBLIC_PORT],
				    "static mapping's public port must be 1-1023 (blocks hold 1024-65535)");
		return -EINVAL;
	}
	return 0;
}

static int cg_parse_static(struct cg_inst *cg, struct nlattr *a,
			   struct netlink_ext_ack *extack)
{
	struct nlattr *tb[NFV_CGNAT_MAP_A_MAX + 1];
	struct nfv_key k = {};
	struct cg_static *st;
	int err;

	if (nla_type(a) != NFV_CGNAT_A_STATIC) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "statics holds static attributes only");
		return -EINVAL;
	}
	if (cg->nstatics >= CG_MAX_STATICS) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "too many static mappings (1024 at most)");
		return -E2BIG;
	}
	err = nla_parse_nested(tb, NFV_CGNAT_MAP_A_MAX, a, cg_static_policy,
			       extack) ?:
	      cg_static_check(cg, a, tb, extack);
	if (err)
		return err;
	k.proto = nla_get_u8(tb[NFV_CGNAT_MAP_A_PROTO]);
	k.zone = tb[NFV_CGNAT_MAP_A_ZONE] ?
		 nla_get_u16(tb[NFV_CGNAT_MAP_A_ZONE]) : 0;
	k.addr.v4.src = nla_get_be32(tb[NFV_CGNAT_MAP_A_INSIDE]);
	k.sport = nla_get_be16(tb[NFV_CGNAT_MAP_A_INSIDE_PORT]);
	if (cg_map_find_in(cg, &k)) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "two static mappings of one inside address:port");
		return -EEXIST;
	}
	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	st->pub = cg_pub_index(cg, nla_get_be32(tb[NFV_CGNAT_MAP_A_PUBLIC]));
	st->map.pub_port = nla_get_be16(tb[NFV_CGNAT_MAP_A_PUBLIC_PORT]);
	if (cg_map_find_pub(cg, st->pub, st->map.pub_port, k.proto)) {
		kfree(st);
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "two static mappings of one public address:port");
		return -EEXIST;
	}
	st->map.addr = k.addr.v4.src;
	st->map.port = k.sport;
	st->map.zone = k.zone;
	st->map.proto = k.proto;
	cg_map_hash(cg, &st->map);
	list_add_tail(&st->node, &cg->statics);
	cg->nstatics++;
	return 0;
}

/*
 * NFV_CGNAT_A_STATICS at create, after the tables are allocated: each
 * static mapping goes into them at once. Counted in max-mappings.
 */
int cg_parse_statics(struct cg_inst *cg, struct nlattr *list,
		     struct netlink_ext_ack *extack)
{
	struct nlattr *a;
	int rem, err;

	if (!list)
		return 0;
	nla_for_each_nested(a, list, rem) {
		err = cg_parse_static(cg, a, extack);
		if (err)
			return err;
	}
	if (cg->nmaps > cg->max_maps) {
		NL_SET_ERR_MSG_ATTR(extack, list,
				    "more static mappings than max-mappings");
		return -E2BIG;
	}
	return 0;
}

/* A mapping's attributes, as configured and as dumped; under cg->lock. */
int cg_fill_map(struct cg_inst *cg, struct sk_buff *skb,
		   const struct cg_map *map)
{
	return nla_put_u8(skb, NFV_CGNAT_MAP_A_PROTO, map->proto) ?:
	       nla_put_u16(skb, NFV_CGNAT_MAP_A_ZONE, map->zone) ?:
	       nla_put_in_addr(skb, NFV_CGNAT_MAP_A_INSIDE, map->addr) ?:
	       nla_put_be16(skb, NFV_CGNAT_MAP_A_INSIDE_PORT, map->port) ?:
	       nla_put_in_addr(skb, NFV_CGNAT_MAP_A_PUBLIC,
			       cg_addr_of(cg, cg_map_pub(map))) ?:
	       nla_put_be16(skb, NFV_CGNAT_MAP_A_PUBLIC_PORT, map->pub_port);
}

/* NFV_CGNAT_A_STATICS for NF_GET, in the order they were configured. */
int cg_fill_statics(struct cg_inst *cg, struct sk_buff *skb)
{
	struct nlattr *list, *nest;
	struct cg_static *st;
	int err = 0;

	if (!cg->nstatics)
		return 0;
	list = nla_nest_start(skb, NFV_CGNAT_A_STATICS);
	if (!list)
		return -EMSGSIZE;
	spin_lock_bh(&cg->lock);
	list_for_each_entry(st, &cg->statics, node) {
		nest = nla_nest_start(skb, NFV_CGNAT_A_STATIC);
		err = nest ? cg_fill_map(cg, skb, &st->map) ?:
			     nla_put_flag(skb, NFV_CGNAT_MAP_A_STATIC) :
			     -EMSGSIZE;
		if (err)
			break;
		nla_nest_end(skb, nest);
	}
	spin_unlock_bh(&cg->lock);
	if (err)
		return -EMSGSIZE;
	nla_nest_end(skb, list);
	return 0;
}
