// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "nfv": configuration, dumps and events.
 * Every doit runs under RTNL (pre_doit/post_doit); dumps take it per call.
 */
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "compat.h"
#include "core.h"
#include "netlink.h"

struct genl_family nfv_genl_family;
static bool nfv_genl_up;

enum nfv_mcgrp { NFV_MCGRP_EV };

/* Events name every flow's addresses: as private as the commands. */
static const struct genl_multicast_group nfv_mcgrps[] = {
	[NFV_MCGRP_EV] = { .name = NFV_MCGRP_EVENTS,
			   .flags = NFV_MCAST_NET_ADMIN },
};

/* Policies: each op accepts exactly the attributes it documents. */
static struct netlink_range_validation nfv_tmo_range = {
	.min = 1,
	.max = NFV_TIMEOUT_MAX,
};

static struct netlink_range_validation nfv_max_flows_range = {
	.min = 1,
	.max = NFV_MAX_FLOWS_LIMIT,
};

static const struct nla_policy nfv_tmo_policy[NFV_TMO_MAX + 1] = {
	[NFV_TMO_TCP]		= NLA_POLICY_FULL_RANGE(NLA_U32, &nfv_tmo_range),
	[NFV_TMO_TCP_OPENING]	= NLA_POLICY_FULL_RANGE(NLA_U32, &nfv_tmo_range),
	[NFV_TMO_TCP_CLOSING]	= NLA_POLICY_FULL_RANGE(NLA_U32, &nfv_tmo_range),
	[NFV_TMO_UDP]		= NLA_POLICY_FULL_RANGE(NLA_U32, &nfv_tmo_range),
	[NFV_TMO_ICMP]		= NLA_POLICY_FULL_RANGE(NLA_U32, &nfv_tmo_range),
	[NFV_TMO_OTHER]		= NLA_POLICY_FULL_RANGE(NLA_U32, &nfv_tmo_range),
	[NFV_TMO_TCP_CLOSE]	= NLA_POLICY_FULL_RANGE(NLA_U32, &nfv_tmo_range),
	[NFV_TMO_UDP_UNREPLIED]	= NLA_POLICY_FULL_RANGE(NLA_U32, &nfv_tmo_range),
	[NFV_TMO_TCP_ESTABLISHED] = NLA_POLICY_FULL_RANGE(NLA_U32, &nfv_tmo_range),
	[NFV_TMO_TCP_SYN_SENT]	= NLA_POLICY_FULL_RANGE(NLA_U32, &nfv_tmo_range),
	[NFV_TMO_TCP_SYN_RECV]	= NLA_POLICY_FULL_RANGE(NLA_U32, &nfv_tmo_range),
	[NFV_TMO_TCP_FIN_WAIT]	= NLA_POLICY_FULL_RANGE(NLA_U32, &nfv_tmo_range),
	[NFV_TMO_TCP_CLOSE_WAIT] = NLA_POLICY_FULL_RANGE(NLA_U32, &nfv_tmo_range),
	[NFV_TMO_TCP_LAST_ACK]	= NLA_POLICY_FULL_RANGE(NLA_U32, &nfv_tmo_range),
	[NFV_TMO_TCP_TIME_WAIT]	= NLA_POLICY_FULL_RANGE(NLA_U32, &nfv_tmo_range),
};

#define NFV_POL_NAME	{ .type = NLA_NUL_STRING, .len = NFV_NAME_MAX - 1 }
#define NFV_POL_IFNAME	{ .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 }

static const struct nla_policy nfv_chain_policy[NFV_A_MAX + 1] = {
	[NFV_A_NF_NAME]		= NFV_POL_NAME,
};

static const struct nla_policy nfv_dp_policy[NFV_A_MAX + 1] = {
	[NFV_A_DP_NAME]		= NFV_POL_NAME,
};

static const struct nla_policy nfv_dp_cfg_policy[NFV_A_MAX + 1] = {
	[NFV_A_DP_NAME]		= NFV_POL_NAME,
	[NFV_A_DP_MAX_FLOWS]	= NLA_POLICY_FULL_RANGE(NLA_U32,
							&nfv_max_flows_range),
	[NFV_A_DP_TIMEOUTS]	= NLA_POLICY_NESTED(nfv_tmo_policy),
};

static const struct nla_policy nfv_port_policy[NFV_A_MAX + 1] = {
	[NFV_A_DP_NAME]		= NFV_POL_NAME,
	[NFV_A_IFINDEX]		= { .type = NLA_U32 },
	[NFV_A_IFNAME]		= NFV_POL_IFNAME,
	[NFV_A_PORT_ZONE]	= { .type = NLA_U16 },
	[NFV_A_PORT_KIND]	= NLA_POLICY_MAX(NLA_U8, NFV_PORT_KIND_MAX),
};

static const struct nla_policy nfv_port_del_policy[NFV_A_MAX + 1] = {
	[NFV_A_DP_NAME]		= NFV_POL_NAME,
	[NFV_A_IFINDEX]		= { .type = NLA_U32 },
	[NFV_A_IFNAME]		= NFV_POL_IFNAME,
};

static const struct nla_policy nfv_chain_set_policy[NFV_A_MAX + 1] = {
	[NFV_A_DP_NAME]		= NFV_POL_NAME,
	[NFV_A_IFINDEX]		= { .type = NLA_U32 },
	[NFV_A_IFNAME]		= NFV_POL_IFNAME,
	[NFV_A_CHAIN]		= NLA_POLICY_NESTED(nfv_chain_policy),
};

static const struct nla_policy nfv_nf_policy[NFV_A_MAX + 1] = {
	[NFV_A_DP_NAME]		= NFV_POL_NAME,
	[NFV_A_NF_NAME]		= NFV_POL_NAME,
	[NFV_A_NF_TYPE]		= NFV_POL_NAME,
	[NFV_A_NF_CONFIG]	= { .type = NLA_NESTED },
};

static const struct nla_policy nfv_nf_name_policy[NFV_A_MAX + 1] = {
	[NFV_A_DP_NAME]		= NFV_POL_NAME,
	[NFV_A_NF_NAME]		= NFV_POL_NAME,
};

static const struct nla_policy nfv_nf_item_policy[NFV_A_MAX + 1] = {
	[NFV_A_DP_NAME]		= NFV_POL_NAME,
	[NFV_A_NF_NAME]		= NFV_POL_NAME,
	[NFV_A_NF_FILTER]	= { .type = NLA_NESTED },
};

static const struct nla_policy nfv_nf_set_policy[NFV_A_MAX + 1] = {
	[NFV_A_DP_NAME]		= NFV_POL_NAME,
	[NFV_A_NF_NAME]		= NFV_POL_NAME,
	[NFV_A_NF_CONFIG]	= { .type = NLA_NESTED },
};

/*
 * Requests are taken whatever version their genlmsghdr carries, as most
 * families do: from version 3 the ABI only grows (uapi/linux/nfv.h), so a
 * request from an older client means what it meant, and a newer client
 * learns what this module lacks from the family's ops and policies.
 */
static int nfv_pre_doit(const nfv_genl_hook_ops *ops, struct sk_buff *skb,
			struct genl_info *info)
{
	rtnl_lock();
	return 0;
}

static void nfv_post_doit(const nfv_genl_hook_ops *ops, struct sk_buff *skb,
			  struct genl_info *info)
{
	rtnl_unlock();
}

/* A missing attribute: its type in the extack, and words for people. */
#define nfv_require(info, attr, msg) ({					\
	int __err = 0;							\
									\
	if (GENL_REQ_ATTR_CHECK(info, attr)) {				\
		NL_SET_ERR_MSG((info)->extack, msg);			\
		__err = -EINVAL;					\
	}								\
	__err;								\
})

static struct nfv_dp *nfv_dp_lookup(struct net *net, struct nlattr *name,
				    struct netlink_ext_ack *extack)
{
	struct nfv_dp *dp;

	if (!name) {
		NL_SET_ERR_MSG(extack, "missing datapath name (NFV_A_DP_NAME)");
		return ERR_PTR(-EINVAL);
	}
	dp = nfv_dp_find(net, nla_data(name));
	if (!dp) {
		NL_SET_ERR_MSG_ATTR(extack, name, "no datapath of that name");
		return ERR_PTR(-ENOENT);
	}
	return dp;
}

struct nfv_dp *nfv_dp_from_info(struct genl_info *info)
{
	if (GENL_REQ_ATTR_CHECK(info, NFV_A_DP_NAME)) {
		NL_SET_ERR_MSG(info->extack,
			       "missing datapath name (NFV_A_DP_NAME)");
		return ERR_PTR(-EINVAL);
	}
	return nfv_dp_lookup(genl_info_net(info), info->attrs[NFV_A_DP_NAME],
			     info->extack);
}

static struct net_device *nfv_dev_from_info(struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct nlattr *attr = info->attrs[NFV_A_IFNAME];
	struct net_device *dev;

	if (attr) {
		dev = __dev_get_by_name(net, nla_data(attr));
	} else if (info->attrs[NFV_A_IFINDEX]) {
		attr = info->attrs[NFV_A_IFINDEX];
		dev = __dev_get_by_index(net, nla_get_u32(attr));
	} else {
		NL_SET_ERR_MSG(info->extack,
			       "missing device (NFV_A_IFNAME or NFV_A_IFINDEX)");
		return ERR_PTR(-EINVAL);
	}
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "no such device in this network namespace");
		return ERR_PTR(-ENODEV);
	}
	return dev;
}

static struct nfv_port *nfv_port_from_info(struct nfv_dp *dp,
					   struct genl_info *info)
{
	struct net_device *dev = nfv_dev_from_info(info);
	struct nfv_port *port;

	if (IS_ERR(dev))
		return ERR_CAST(dev);
	port = nfv_port_find_dev(dp, dev);
	if (!port) {
		NL_SET_ERR_MSG(info->extack,
			       "device is not a port of this datapath");
		return ERR_PTR(-ENOENT);
	}
	return port;
}

/* Replies and events */

/* A counter nest: v[] is indexed by attribute, the counters follow pad. */
static int nfv_put_u64_nest(struct sk_buff *skb, int type, const u64 *v,
			    unsigned int n, int pad)
{
	struct nlattr *nest = nla_nest_start(skb, type);
	unsigned int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = pad + 1; i < n; i++)
		if (nla_put_u64_64bit(skb, i, v[i], pad))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int nfv_dp_fill(struct sk_buff *skb, struct nfv_dp *dp)
{
	struct nfv_dp_stats *st;
	struct nlattr *nest;
	int i, err = -EMSGSIZE;

	if (nla_put_string(skb, NFV_A_DP_NAME, dp->name) ||
	    nla_put_u32(skb, NFV_A_DP_MAX_FLOWS, READ_ONCE(dp->table.max_flows)) ||
	    nla_put_u32(skb, NFV_A_DP_FLOWS, atomic_read(&dp->table.count)) ||
	    nla_put_u32(skb, NFV_A_DP_BUCKETS,
			nfv_flow_table_buckets(&dp->table)))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, NFV_A_DP_TIMEOUTS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 1; i <= NFV_TMO_MAX; i++)
		if (nla_put_u32(skb, i, dp->table.tmo[i] / HZ))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);

	st = kmalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	nfv_dp_read_stats(dp, st);
	if (!nfv_put_u64_nest(skb, NFV_A_DP_STATS, st->stat, __NFV_STAT_MAX,
			      NFV_STAT_PAD) &&
	    !nfv_put_u64_nest(skb, NFV_A_DP_DROPS, st->drop, __NFV_DROP_MAX,
			      NFV_DROP_PAD))
		err = 0;
	kfree(st);
	return err;
}

static int nfv_chain_fill(struct sk_buff *skb, struct nfv_chain *chain)
{
	struct nlattr *nest;
	unsigned int i;

	if (!chain)
		return 0;
	nest = nla_nest_start(skb, NFV_A_CHAIN);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < chain->len; i++)
		if (nla_put_string(skb, NFV_A_NF_NAME, chain->nf[i].nf->name))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int nfv_port_fill(struct sk_buff *skb, struct nfv_port *port)
{
	struct nfv_port_stats st;

	nfv_port_read_stats(port, &st);
	if (nla_put_string(skb, NFV_A_DP_NAME, port->dp->name) ||
	    nla_put_u32(skb, NFV_A_PORT_NO, port->port_no) ||
	    nla_put_u32(skb, NFV_A_IFINDEX, port->dev->ifindex) ||
	    nla_put_string(skb, NFV_A_IFNAME, port->dev->name) ||
	    nla_put_u16(skb, NFV_A_PORT_ZONE, port->zone) ||
	    nla_put_u8(skb, NFV_A_PORT_KIND, nfv_is_guest(port->dev) ?
		       NFV_PORT_KIND_GUEST : NFV_PORT_KIND_NETDEV) ||
	    nfv_chain_fill(skb, rtnl_dereference(port->chain)) ||
	    nfv_put_u64_nest(skb, NFV_A_PORT_STATS, st.stat, __NFV_PSTAT_MAX,
			     NFV_PSTAT_PAD))
		return -EMSGSIZE;
	return 0;
}

static int nfv_nf_fill(struct sk_buff *skb, struct nfv_nf *nf)
{
	struct nlattr *nest;

	if (nla_put_string(skb, NFV_A_DP_NAME, nf->dp->name) ||
	    nla_put_string(skb, NFV_A_NF_NAME, nf->name) ||
	    nla_put_string(skb, NFV_A_NF_TYPE, nf->type->name))
		return -EMSGSIZE;
	if (!nf->type->fill_info)
		return 0;
	nest = nla_nest_start(skb, NFV_A_NF_INFO);
	if (!nest || nf->type->fill_info(nf, skb))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

void nfv_multicast(struct net *net, struct sk_buff *skb, gfp_t gfp)
{
	genlmsg_multicast_netns(&nfv_genl_family, net, skb, 0, NFV_MCGRP_EV,
				gfp);
}

bool nfv_has_listeners(struct net *net)
{
	return READ_ONCE(nfv_genl_up) &&
	       genl_has_listeners(&nfv_genl_family, net, NFV_MCGRP_EV);
}

bool nfv_nf_event_wanted(const struct nfv_nf *nf)
{
	return nfv_has_listeners(nfv_nf_net(nf));
}
EXPORT_SYMBOL_GPL(nfv_nf_event_wanted);

static size_t nfv_nf_event_size(size_t size)
{
	return nla_total_size(NFV_NAME_MAX) * 3 + nla_total_size(size);
}

/*
 * An NF instance's event (nfv_nf.h), from its packet path, its
 * flow_destroy() or RTNL. Not from nf->dp: a flow_destroy() may come
 * after the datapath was freed (its flows' RCU callbacks outlive it), but
 * not after its namespace (cleanup_net() waits for them).
 */
int nfv_nf_event(struct nfv_nf *nf, size_t size, nfv_nf_event_fill_t fill,
		 const void *arg, gfp_t gfp)
{
	struct net *net = nfv_nf_net(nf);
	struct sk_buff *skb;
	struct nlattr *nest;
	void *hdr;

	if (!nfv_has_listeners(net))
		return 0;
	skb = genlmsg_new(nfv_nf_event_size(size), gfp);
	if (!skb)
		return -ENOBUFS;
	hdr = genlmsg_put(skb, 0, 0, &nfv_genl_family, 0, NFV_CMD_NF_EVENT);
	if (!hdr || nla_put_string(skb, NFV_A_DP_NAME, nf->dp_name) ||
	    nla_put_string(skb, NFV_A_NF_NAME, nf->name) ||
	    nla_put_string(skb, NFV_A_NF_TYPE, nf->type->name))
		goto full;
	nest = nla_nest_start(skb, NFV_A_NF_EVENT);
	if (!nest || fill(skb, arg))
		goto full;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	nfv_multicast(net, skb, gfp);
	return 0;

full:
	nlmsg_free(skb);
	return -EMSGSIZE;
}
EXPORT_SYMBOL_GPL(nfv_nf_event);

typedef int (*nfv_fill_fn)(struct sk_buff *skb, void *obj);

/* Sends an object with its GET attributes as an event. RTNL held. */
static void nfv_notify(struct net *net, u8 cmd, nfv_fill_fn fill, void *obj)
{
	struct sk_buff *skb;
	void *hdr;

	if (!nfv_has_listeners(net))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &nfv_genl_family, 0, cmd);
	if (!hdr || fill(skb, obj)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	nfv_multicast(net, skb, GFP_KERNEL);
}

static int nfv_dp_fill_obj(struct sk_buff *skb, void *obj)
{
	return nfv_dp_fill(skb, obj);
}

static int nfv_port_fill_obj(struct sk_buff *skb, void *obj)
{
	return nfv_port_fill(skb, obj);
}

void nfv_notify_port_gone(struct nfv_port *port)
{
	nfv_notify(port->dp->net, NFV_CMD_PORT_DEL, nfv_port_fill_obj, port);
}

static int nfv_reply(struct genl_info *info, u8 cmd, nfv_fill_fn fill,
		     void *obj)
{
	struct sk_buff *skb;
	void *hdr;
	int err;

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put_reply(skb, info, &nfv_genl_family, 0, cmd);
	err = hdr ? fill(skb, obj) : -EMSGSIZE;
	if (err) {
		nlmsg_free(skb);
		return err;
	}
	genlmsg_end(skb, hdr);
	return genlmsg_reply(skb, info);
}

/* Datapaths */

static int nfv_dp_apply(struct nfv_dp *dp, struct genl_info *info)
{
	struct nlattr *max = info->attrs[NFV_A_DP_MAX_FLOWS];
	struct nlattr *tmo = info->attrs[NFV_A_DP_TIMEOUTS];
	int err;

	if (max) {
		err = nfv_dp_set_max_flows(dp, nla_get_u32(max), max,
					   info->extack);
		if (err)
			return err;
	}
	if (tmo) {
		struct nlattr *tb[NFV_TMO_MAX + 1];
		int i;

		/* Validated by the op's policy already. */
		if (nla_parse_nested(tb, NFV_TMO_MAX, tmo, nfv_tmo_policy,
				     NULL))
			return 0;
		for (i = 1; i <= NFV_TMO_MAX; i++)
			if (tb[i])
				WRITE_ONCE(dp->table.tmo[i],
					   nla_get_u32(tb[i]) * HZ);
	}
	return 0;
}

static int nfv_cmd_dp_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *max = info->attrs[NFV_A_DP_MAX_FLOWS];
	struct nfv_dp *dp;
	int err;

	err = nfv_require(info, NFV_A_DP_NAME,
			  "missing datapath name (NFV_A_DP_NAME)");
	if (err)
		return err;
	dp = nfv_dp_create(genl_info_net(info),
			   nla_data(info->attrs[NFV_A_DP_NAME]),
			   max ? nla_get_u32(max) : NFV_MAX_FLOWS_DEFAULT, max,
			   info->extack);
	if (IS_ERR(dp))
		return PTR_ERR(dp);
	nfv_dp_apply(dp, info);	/* max_flows as created: nothing to refuse */
	nfv_notify(dp->net, NFV_CMD_DP_NEW, nfv_dp_fill_obj, dp);
	return 0;
}

static int nfv_cmd_dp_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nfv_dp *dp = nfv_dp_from_info(info);

	if (IS_ERR(dp))
		return PTR_ERR(dp);
	return nfv_dp_apply(dp, info);
}

static int nfv_cmd_dp_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nfv_dp *dp = nfv_dp_from_info(info);

	if (IS_ERR(dp))
		return PTR_ERR(dp);
	nfv_notify(dp->net, NFV_CMD_DP_DEL, nfv_dp_fill_obj, dp);
	nfv_dp_destroy(dp);
	return 0;
}

static int nfv_cmd_dp_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nfv_dp *dp = nfv_dp_from_info(info);

	if (IS_ERR(dp))
		return PTR_ERR(dp);
	return nfv_reply(info, NFV_CMD_DP_GET, nfv_dp_fill_obj, dp);
}

void *nfv_dump_hdr(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   &nfv_genl_family, NLM_F_MULTI, cmd);
}

static int nfv_dump_one(struct sk_buff *skb, struct netlink_callback *cb,
			u8 cmd, nfv_fill_fn fill, void *obj)
{
	void *hdr = nfv_dump_hdr(skb, cb, cmd);

	if (!hdr)
		return -EMSGSIZE;
	if (fill(skb, obj)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int nfv_cmd_dp_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	long i = 0, skip = cb->args[0];
	struct nfv_dp *dp;

	rtnl_lock();
	list_for_each_entry(dp, &nfv_pernet(net)->dps, node) {
		if (i++ < skip)
			continue;
		if (nfv_dump_one(skb, cb, NFV_CMD_DP_GET, nfv_dp_fill_obj, dp))
			break;
		cb->args[0] = i;
	}
	rtnl_unlock();
	return skb->len;
}

/*
 * Runs fn with the datapath the dump names, under RTNL, looked up on each
 * call rather than once in a ->start: 6.1 reports extack messages from
 * dumpit but not from start. A datapath that goes away part-way ends the
 * dump; one that is not there fails it.
 */
int nfv_dump_dp(struct sk_buff *skb, struct netlink_callback *cb,
		nfv_dump_fn fn)
{
	struct nlattr *name = nfv_dump_attrs(cb)[NFV_A_DP_NAME];
	struct nfv_dp *dp;
	int err;

	rtnl_lock();
	dp = nfv_dp_lookup(sock_net(skb->sk), name, cb->extack);
	if (IS_ERR(dp)) {
		err = cb->args[NFV_DUMP_STARTED] ? 0 : PTR_ERR(dp);
	} else {
		cb->args[NFV_DUMP_STARTED] = 1;
		err = fn(skb, cb, dp);
	}
	rtnl_unlock();
	if (err && err != -EMSGSIZE)
		return err;
	return skb->len;
}

static int nfv_port_dump(struct sk_buff *skb, struct netlink_callback *cb,
			 struct nfv_dp *dp)
{
	struct nfv_port *port;
	int id = cb->args[0];

	for (; (port = idr_get_next(&dp->port_ids, &id)); id++) {
		if (nfv_dump_one(skb, cb, NFV_CMD_PORT_GET, nfv_port_fill_obj,
				 port))
			return -EMSGSIZE;
		cb->args[0] = id + 1;
	}
	return 0;
}

static int nfv_cmd_port_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return nfv_dump_dp(skb, cb, nfv_port_dump);
}

static int nfv_nf_fill_obj(struct sk_buff *skb, void *obj)
{
	return nfv_nf_fill(skb, obj);
}

static int nfv_nf_dump(struct sk_buff *skb, struct netlink_callback *cb,
		       struct nfv_dp *dp)
{
	long i = 0, skip = cb->args[0];
	struct nfv_nf *nf;

	list_for_each_entry(nf, &dp->nfs, node) {
		if (i++ < skip)
			continue;
		if (nfv_dump_one(skb, cb, NFV_CMD_NF_GET, nfv_nf_fill_obj, nf))
			return -EMSGSIZE;
		cb->args[0] = i;
	}
	return 0;
}

static int nfv_cmd_nf_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return nfv_dump_dp(skb, cb, nfv_nf_dump);
}

/* Ports and chains */

static int nfv_cmd_port_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *kind = info->attrs[NFV_A_PORT_KIND];
	struct nfv_dp *dp = nfv_dp_from_info(info);
	struct net_device *dev;
	struct nfv_port *port;
	u16 zone = 0;

	if (IS_ERR(dp))
		return PTR_ERR(dp);
	if (info->attrs[NFV_A_PORT_ZONE])
		zone = nla_get_u16(info->attrs[NFV_A_PORT_ZONE]);
	if (kind && nla_get_u8(kind) == NFV_PORT_KIND_GUEST) {
		if (nfv_require(info, NFV_A_IFNAME,
				"a guest port needs the name of its device (NFV_A_IFNAME)"))
			return -EINVAL;
		port = nfv_guest_add(dp, nla_data(info->attrs[NFV_A_IFNAME]),
				     zone, info->extack);
	} else {
		dev = nfv_dev_from_info(info);
		if (IS_ERR(dev))
			return PTR_ERR(dev);
		port = nfv_port_add(dp, dev, zone, info->extack);
	}
	if (IS_ERR(port))
		return PTR_ERR(port);
	nfv_notify(dp->net, NFV_CMD_PORT_NEW, nfv_port_fill_obj, port);
	return 0;
}

static int nfv_cmd_port_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nfv_dp *dp = nfv_dp_from_info(info);
	struct nfv_port *port;

	if (IS_ERR(dp))
		return PTR_ERR(dp);
	port = nfv_port_from_info(dp, info);
	if (IS_ERR(port))
		return PTR_ERR(port);
	nfv_notify(dp->net, NFV_CMD_PORT_DEL, nfv_port_fill_obj, port);
	nfv_port_del(port, true);
	return 0;
}

static int nfv_cmd_chain_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nfv_dp *dp = nfv_dp_from_info(info);
	struct nfv_chain *chain;
	struct nfv_port *port;
	int err;

	if (IS_ERR(dp))
		return PTR_ERR(dp);
	port = nfv_port_from_info(dp, info);
	if (IS_ERR(port))
		return PTR_ERR(port);
	err = nfv_require(info, NFV_A_CHAIN, "missing chain (NFV_A_CHAIN)");
	if (err)
		return err;
	chain = nfv_chain_create(dp, info->attrs[NFV_A_CHAIN], info->extack);
	if (IS_ERR(chain))
		return PTR_ERR(chain);
	nfv_port_set_chain(port, chain);
	nfv_notify(dp->net, NFV_CMD_CHAIN_SET, nfv_port_fill_obj, port);
	return 0;
}

/* NF instances */

static struct nfv_nf *nfv_nf_lookup(struct nfv_dp *dp, struct nlattr *name,
				    struct netlink_ext_ack *extack)
{
	struct nfv_nf *nf;

	if (!name) {
		NL_SET_ERR_MSG(extack,
			       "missing NF instance name (NFV_A_NF_NAME)");
		return ERR_PTR(-EINVAL);
	}
	nf = nfv_nf_find(dp, nla_data(name));
	if (!nf) {
		NL_SET_ERR_MSG_ATTR(extack, name, "no NF instance of that name");
		return ERR_PTR(-ENOENT);
	}
	return nf;
}

/*
 * The type first: loading its module drops RTNL, so the datapath is
 * looked up after it.
 */
static int nfv_cmd_nf_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nfv_nf_type *type;
	struct nfv_dp *dp;
	struct nfv_nf *nf;
	int err;

	err = nfv_require(info, NFV_A_NF_NAME,
			  "missing NF instance name (NFV_A_NF_NAME)") ?:
	      nfv_require(info, NFV_A_NF_TYPE,
			  "missing NF type (NFV_A_NF_TYPE)");
	if (err)
		return err;
	type = nfv_nf_type_get(info->attrs[NFV_A_NF_TYPE], info->extack);
	if (IS_ERR(type))
		return PTR_ERR(type);
	dp = nfv_dp_from_info(info);
	if (IS_ERR(dp)) {
		err = PTR_ERR(dp);
		goto out;
	}
	nf = nfv_nf_create(dp, nla_data(info->attrs[NFV_A_NF_NAME]), type,
			   info->attrs[NFV_A_NF_CONFIG], info->extack);
	err = PTR_ERR_OR_ZERO(nf);
out:
	nfv_nf_type_put(type);
	return err;
}

static int nfv_cmd_nf_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nfv_dp *dp = nfv_dp_from_info(info);
	struct nfv_nf *nf;

	if (IS_ERR(dp))
		return PTR_ERR(dp);
	nf = nfv_nf_lookup(dp, info->attrs[NFV_A_NF_NAME], info->extack);
	if (IS_ERR(nf))
		return PTR_ERR(nf);
	return nfv_nf_delete(nf, info->extack);
}

static int nfv_cmd_nf_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nfv_dp *dp = nfv_dp_from_info(info);
	struct nfv_nf *nf;
	int err;

	if (IS_ERR(dp))
		return PTR_ERR(dp);
	nf = nfv_nf_lookup(dp, info->attrs[NFV_A_NF_NAME], info->extack);
	if (IS_ERR(nf))
		return PTR_ERR(nf);
	err = nfv_require(info, NFV_A_NF_CONFIG,
			  "missing configuration (NFV_A_NF_CONFIG)");
	if (err)
		return err;
	return nfv_nf_configure(nf, info->attrs[NFV_A_NF_CONFIG],
				info->snd_portid, info->extack);
}

/*
 * One item of a filtered NF_ITEM_GET: the filter parsed again on each
 * dump call, which is cheaper than keeping it across them.
 */
static int nfv_nf_item_filter(struct nfv_nf *nf, struct sk_buff *skb,
			      struct netlink_callback *cb, unsigned long idx)
{
	const struct nfv_nf_type *type = nf->type;
	struct nlattr *a = nfv_dump_attrs(cb)[NFV_A_NF_FILTER], **tb;
	int err;

	tb = kcalloc(type->filter_maxattr + 1, sizeof(*tb), GFP_KERNEL);
	if (!tb)
		return -ENOMEM;
	err = nla_parse_nested(tb, type->filter_maxattr, a,
			       type->filter_policy, cb->extack) ?:
	      type->fill_item_filter(nf, tb, skb, idx, cb->extack);
	kfree(tb);
	return err;
}

static int nfv_nf_item_fill(struct nfv_nf *nf, struct sk_buff *skb,
			    struct netlink_callback *cb, unsigned long idx)
{
	if (nfv_dump_attrs(cb)[NFV_A_NF_FILTER])
		return nfv_nf_item_filter(nf, skb, cb, idx);
	return nf->type->fill_item(nf, skb, idx);
}

static int nfv_nf_item_dump(struct sk_buff *skb, struct netlink_callback *cb,
			    struct nfv_dp *dp)
{
	struct nlattr *name = nfv_dump_attrs(cb)[NFV_A_NF_NAME];
	struct nfv_nf *nf = nfv_nf_lookup(dp, name, cb->extack);
	unsigned long idx;

	if (IS_ERR(nf))
		return cb->args[1] ? 0 : PTR_ERR(nf);
	if (!nf->type->fill_item) {
		NL_SET_ERR_MSG_ATTR(cb->extack, name,
				    "this NF type has no items to list");
		return -EOPNOTSUPP;
	}
	if (nfv_dump_attrs(cb)[NFV_A_NF_FILTER] &&
	    !nf->type->fill_item_filter) {
		NL_SET_ERR_MSG_ATTR(cb->extack,
				    nfv_dump_attrs(cb)[NFV_A_NF_FILTER],
				    "this NF type has no item filter");
		return -EOPNOTSUPP;
	}
	cb->args[1] = 1;
	for (idx = cb->args[0];; idx++) {
		void *hdr = nfv_dump_hdr(skb, cb, NFV_CMD_NF_ITEM_GET);
		struct nlattr *nest;
		int err;

		if (!hdr)
			return -EMSGSIZE;
		err = -EMSGSIZE;
		if (!nla_put_string(skb, NFV_A_DP_NAME, dp->name) &&
		    !nla_put_string(skb, NFV_A_NF_NAME, nf->name)) {
			nest = nla_nest_start(skb, NFV_A_NF_ITEM);
			if (nest)
				err = nfv_nf_item_fill(nf, skb, cb, idx);
		}
		if (err) {
			genlmsg_cancel(skb, hdr);
			return err == -ENOENT ? 0 : err;
		}
		nla_nest_end(skb, nest);
		genlmsg_end(skb, hdr);
		cb->args[0] = idx + 1;
	}
}

static int nfv_cmd_nf_item_dump(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	return nfv_dump_dp(skb, cb, nfv_nf_item_dump);
}

#define NFV_OP(_cmd, _doit, _pol)					\
	{ .cmd = _cmd, .doit = _doit, .policy = _pol,			\
	  .maxattr = NFV_A_MAX, .flags = GENL_UNS_ADMIN_PERM }
#define NFV_DUMP(_cmd, _dumpit, _pol)					\
	{ .cmd = _cmd, .dumpit = _dumpit, .policy = _pol,		\
	  .maxattr = NFV_A_MAX, .flags = GENL_UNS_ADMIN_PERM }

static const struct genl_ops nfv_genl_ops[] = {
	NFV_OP(NFV_CMD_DP_NEW, nfv_cmd_dp_new, nfv_dp_cfg_policy),
	NFV_OP(NFV_CMD_DP_DEL, nfv_cmd_dp_del, nfv_dp_policy),
	{
		.cmd = NFV_CMD_DP_GET,
		.doit = nfv_cmd_dp_get,
		.dumpit = nfv_cmd_dp_dump,
		.policy = nfv_dp_policy,
		.maxattr = NFV_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	NFV_OP(NFV_CMD_DP_SET, nfv_cmd_dp_set, nfv_dp_cfg_policy),
	NFV_OP(NFV_CMD_PORT_NEW, nfv_cmd_port_new, nfv_port_policy),
	NFV_OP(NFV_CMD_PORT_DEL, nfv_cmd_port_del, nfv_port_del_policy),
	NFV_DUMP(NFV_CMD_PORT_GET, nfv_cmd_port_dump, nfv_dp_policy),
	NFV_OP(NFV_CMD_CHAIN_SET, nfv_cmd_chain_set, nfv_chain_set_policy),
	NFV_OP(NFV_CMD_NF_NEW, nfv_cmd_nf_new, nfv_nf_policy),
	NFV_OP(NFV_CMD_NF_DEL, nfv_cmd_nf_del, nfv_nf_name_policy),
	NFV_DUMP(NFV_CMD_NF_GET, nfv_cmd_nf_dump, nfv_dp_policy),
	NFV_DUMP(NFV_CMD_FLOW_GET, nfv_cmd_flow_dump, nfv_dp_policy),
	NFV_OP(NFV_CMD_FLOW_FLUSH, nfv_cmd_flow_flush, nfv_dp_policy),
	NFV_OP(NFV_CMD_NF_SET, nfv_cmd_nf_set, nfv_nf_set_policy),
	NFV_DUMP(NFV_CMD_NF_ITEM_GET, nfv_cmd_nf_item_dump,
		 nfv_nf_item_policy),
};

struct genl_family nfv_genl_family __ro_after_init = {
	.name = NFV_GENL_NAME,
	.version = NFV_GENL_VERSION,
	.maxattr = NFV_A_MAX,
	.netnsok = true,
	.pre_doit = nfv_pre_doit,
	.post_doit = nfv_post_doit,
	.ops = nfv_genl_ops,
	.n_ops = ARRAY_SIZE(nfv_genl_ops),
	.resv_start_op = NFV_CMD_DP_NEW,
	.mcgrps = nfv_mcgrps,
	.n_mcgrps = ARRAY_SIZE(nfv_mcgrps),
	.module = THIS_MODULE,
};

int nfv_genl_init(void)
{
	int err = genl_register_family(&nfv_genl_family);

	if (err)
		return err;
	if (!NFV_MCAST_NET_ADMIN)
		pr_warn("nfv: this kernel cannot restrict the events group to CAP_NET_ADMIN\n");
	WRITE_ONCE(nfv_genl_up, true);
	return 0;
}

void nfv_genl_exit(void)
{
	WRITE_ONCE(nfv_genl_up, false);
	/*
	 * Flow events are sent under RCU, port events under RTNL; NF
	 * events come from modules that hold this one.
	 */
	synchronize_rcu();
	rtnl_lock();
	rtnl_unlock();
	genl_unregister_family(&nfv_genl_family);
}
