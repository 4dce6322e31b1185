// SPDX-License-Identifier: GPL-2.0
/*
 * The nfv family's flows: the attributes of a flow, its events, the flow
 * dump and flush. The family itself and its other commands are in
 * netlink.c.
 */
#include <net/genetlink.h>
#include <net/ip6_fib.h>
#include <net/route.h>
#include <net/xfrm.h>

#include "core.h"
#include "netlink.h"

/* An ICMP key holds its type in dport; the ABI gives it its own place. */
static int nfv_tuple_fill_l4(struct sk_buff *skb, const struct nfv_key *key)
{
	if (key->proto == IPPROTO_ICMP || key->proto == IPPROTO_ICMPV6)
		return nla_put_be16(skb, NFV_TUPLE_A_SPORT, key->sport) ||
		       nla_put_be16(skb, NFV_TUPLE_A_DPORT, 0) ||
		       nla_put_u8(skb, NFV_TUPLE_A_ICMP_TYPE, ntohs(key->dport));
	return nla_put_be16(skb, NFV_TUPLE_A_SPORT, key->sport) ||
	       nla_put_be16(skb, NFV_TUPLE_A_DPORT, key->dport);
}

/*
 * The next hop of a forwarded direction's cached route: its gateway, none
 * for an on-link destination. Of an xfrm bundle, nothing: its route is
 * the SA's. Under RCU, which keeps the route while the flow drops it.
 */
static int nfv_tuple_fill_gw(struct sk_buff *skb, struct dst_entry *dst)
{
	const struct rt6_info *rt6;
	const struct rtable *rt;

	if (dst_xfrm(dst))
		return 0;
	if (dst->ops->family == AF_INET6) {
		rt6 = (const struct rt6_info *)dst;
		if (!(rt6->rt6i_flags & RTF_GATEWAY))
			return 0;
		return nla_put_in6_addr(skb, NFV_TUPLE_A_GATEWAY6,
					&rt6->rt6i_gateway);
	}
	rt = (const struct rtable *)dst;
	if (rt->rt_gw_family == AF_INET)
		return nla_put_in_addr(skb, NFV_TUPLE_A_GATEWAY4, rt->rt_gw4);
	if (rt->rt_gw_family == AF_INET6)
		return nla_put_in6_addr(skb, NFV_TUPLE_A_GATEWAY6, &rt->rt_gw6);
	return 0;
}

static int nfv_tuple_fill(struct sk_buff *skb, struct nfv_flow *flow,
			  unsigned int dir)
{
	struct nfv_key buf;
	const struct nfv_key *key = nfv_flow_key(flow, dir, &buf);
	struct dst_entry *dst = READ_ONCE(flow->dst[dir]);
	u8 res = READ_ONCE(flow->res[dir]);
	struct nlattr *nest;

	nest = nla_nest_start(skb, dir ? NFV_FLOW_A_REPLY : NFV_FLOW_A_ORIG);
	if (!nest)
		return -EMSGSIZE;
	if (key->flags & NFV_KEY_V6) {
		if (nla_put_in6_addr(skb, NFV_TUPLE_A_SRC6, &key->addr.v6.src) ||
		    nla_put_in6_addr(skb, NFV_TUPLE_A_DST6, &key->addr.v6.dst))
			return -EMSGSIZE;
	} else {
		if (nla_put_in_addr(skb, NFV_TUPLE_A_SRC4, key->addr.v4.src) ||
		    nla_put_in_addr(skb, NFV_TUPLE_A_DST4, key->addr.v4.dst))
			return -EMSGSIZE;
	}
	if (nfv_tuple_fill_l4(skb, key) ||
	    nla_put_u16(skb, NFV_TUPLE_A_ZONE, key->zone) ||
	    nla_put_u64_64bit(skb, NFV_TUPLE_A_PACKETS,
			      READ_ONCE(flow->stats[dir].packets),
			      NFV_TUPLE_A_PAD) ||
	    nla_put_u64_64bit(skb, NFV_TUPLE_A_BYTES,
			      READ_ONCE(flow->stats[dir].bytes),
			      NFV_TUPLE_A_PAD) ||
	    nla_put_u8(skb, NFV_TUPLE_A_RESULT, res))
		return -EMSGSIZE;
	if (res == NFV_RES_FORWARD && dst && dst->dev &&
	    (nla_put_u32(skb, NFV_TUPLE_A_OUT_IFINDEX, dst->dev->ifindex) ||
	     nfv_tuple_fill_gw(skb, dst)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* The state each NF of the flow's chain keeps for it. */
static int nfv_flow_nf_fill(struct sk_buff *skb, struct nfv_flow *flow)
{
	struct nfv_chain *chain = nfv_flow_chain(flow);
	unsigned int i;

	for (i = 0; chain && i < chain->len; i++) {
		struct nfv_nf *nf = chain->nf[i].nf;
		struct nlattr *nest, *info;

		if (!nf->type->fill_flow)
			continue;
		nest = nla_nest_start(skb, NFV_FLOW_A_NF);
		if (!nest || nla_put_string(skb, NFV_A_NF_NAME, nf->name))
			return -EMSGSIZE;
		info = nla_nest_start(skb, NFV_A_NF_INFO);
		if (!info ||
		    nf->type->fill_flow(nf, flow,
					nfv_flow_priv(flow, chain, i),
					skb))
			return -EMSGSIZE;
		nla_nest_end(skb, info);
		nla_nest_end(skb, nest);
	}
	return 0;
}

static int nfv_flow_fill(struct sk_buff *skb, struct nfv_dp *dp,
			 struct nfv_flow *flow)
{
	const struct nfv_key *key = &flow->key;
	u32 idle = (u32)jiffies - READ_ONCE(flow->used);
	struct nlattr *nest;

	nest = nla_nest_start(skb, NFV_A_FLOW);
	if (!nest ||
	    nla_put_u8(skb, NFV_FLOW_A_FAMILY,
		       key->flags & NFV_KEY_V6 ? AF_INET6 : AF_INET) ||
	    nla_put_u8(skb, NFV_FLOW_A_PROTO, key->proto) ||
	    nla_put_u16(skb, NFV_FLOW_A_ZONE, key->zone) ||
	    nla_put_u32(skb, NFV_FLOW_A_IN_PORT, flow->in_port) ||
	    nla_put_u32(skb, NFV_FLOW_A_IDLE_MS, jiffies_to_msecs(idle)) ||
	    nla_put_u32(skb, NFV_FLOW_A_TIMEOUT_MS,
			jiffies_to_msecs(dp->table.tmo[READ_ONCE(flow->tmo)])) ||
	    nfv_tuple_fill(skb, flow, NFV_DIR_ORIG) ||
	    nfv_tuple_fill(skb, flow, NFV_DIR_REPLY) ||
	    nfv_flow_nf_fill(skb, flow))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* The most nfv_tuple_fill() adds. */
static size_t nfv_tuple_size(void)
{
	return nla_total_size(0) +			/* the nest */
	       2 * nla_total_size(sizeof(struct in6_addr)) +
	       2 * nla_total_size(sizeof(u16)) +	/* ports */
	       nla_total_size(sizeof(u8)) +		/* ICMP type */
	       nla_total_size(sizeof(u16)) +		/* zone */
	       2 * nla_total_size_64bit(sizeof(u64)) +	/* counters */
	       nla_total_size(sizeof(u8)) +		/* result */
	       nla_total_size(sizeof(u32)) +		/* out ifindex */
	       nla_total_size(sizeof(struct in6_addr));	/* gateway */
}

/*
 * The most a flow event takes, made in softirq for every flow created and
 * deleted while someone listens: sized to the flow, not a page each.
 */
static size_t nfv_flow_event_size(struct nfv_flow *flow)
{
	struct nfv_chain *chain = nfv_flow_chain(flow);
	size_t size = nla_total_size(NFV_NAME_MAX) +	/* DP_NAME */
		      nla_total_size(sizeof(u8)) +	/* EVENT */
		      nla_total_size(0) +		/* FLOW */
		      2 * nla_total_size(sizeof(u8)) +	/* family, proto */
		      nla_total_size(sizeof(u16)) +	/* zone */
		      3 * nla_total_size(sizeof(u32)) + /* port, idle, timeout */
		      2 * nfv_tuple_size();
	unsigned int i;

	for (i = 0; chain && i < chain->len; i++) {
		const struct nfv_nf_type *type = chain->nf[i].nf->type;

		if (type->fill_flow)
			size += nla_total_size(nla_total_size(NFV_NAME_MAX) +
					       nla_total_size(type->flow_info_size));
	}
	return size;
}

void nfv_notify_flow(struct nfv_dp *dp, struct nfv_flow *flow, u8 event)
{
	struct sk_buff *skb;
	void *hdr;

	if (!nfv_has_listeners(dp->net))
		return;
	skb = genlmsg_new(nfv_flow_event_size(flow), GFP_ATOMIC);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &nfv_genl_family, 0, NFV_CMD_FLOW_EVENT);
	rcu_read_lock();
	if (WARN_ON_ONCE(!hdr || nla_put_string(skb, NFV_A_DP_NAME, dp->name) ||
			 nla_put_u8(skb, NFV_A_EVENT, event) ||
			 nfv_flow_fill(skb, dp, flow))) {
		rcu_read_unlock();
		nlmsg_free(skb);
		return;
	}
	rcu_read_unlock();
	genlmsg_end(skb, hdr);
	nfv_multicast(dp->net, skb, GFP_ATOMIC);
}

struct nfv_flow_dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	struct nfv_dp *dp;
};

static int nfv_flow_dump_one(struct nfv_flow *flow, void *arg)
{
	struct nfv_flow_dump *d = arg;
	void *hdr = nfv_dump_hdr(d->skb, d->cb, NFV_CMD_FLOW_GET);

	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(d->cb, hdr);
	if (nla_put_string(d->skb, NFV_A_DP_NAME, d->dp->name) ||
	    nfv_flow_fill(d->skb, d->dp, flow)) {
		genlmsg_cancel(d->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(d->skb, hdr);
	return 0;
}

static int nfv_flow_dump(struct sk_buff *skb, struct netlink_callback *cb,
			 struct nfv_dp *dp)
{
	struct nfv_flow_dump d = { .skb = skb, .cb = cb, .dp = dp };
	struct nfv_flow_cursor *c = (void *)cb->args;
	int err;

	BUILD_BUG_ON(sizeof(*c) > NFV_DUMP_STARTED * sizeof(cb->args[0]));
	/*
	 * A resize between two calls (none runs during one: both hold RTNL)
	 * may repeat flows; the flag tells userspace so.
	 */
	cb->seq = READ_ONCE(dp->table.gen) + 1;
	rcu_read_lock();
	err = nfv_flow_walk(&dp->table, c, nfv_flow_dump_one, &d);
	rcu_read_unlock();
	return err;
}

int nfv_cmd_flow_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return nfv_dump_dp(skb, cb, nfv_flow_dump);
}

int nfv_cmd_flow_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct nfv_dp *dp = nfv_dp_from_info(info);

	if (IS_ERR(dp))
		return PTR_ERR(dp);
	nfv_flow_flush(&dp->table, -1);
	return 0;
}
