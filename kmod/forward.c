// SPDX-License-Identifier: GPL-2.0
/*
 * The built-in "forward" NF and the output path. Forwarding uses the
 * namespace's FIB and neighbour table but not the host's forwarding code,
 * so it works with net.ipv4.ip_forward=0: the datapath is the router.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/if_vlan.h>
#include <linux/inetdevice.h>
#include <linux/rtnetlink.h>
#include <linux/workqueue.h>
#include <net/fib_rules.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ip6_fib.h>
#include <net/ip6_route.h>
#include <net/ip_fib.h>
#include <net/l3mdev.h>
#include <net/lwtunnel.h>
#include <net/ndisc.h>
#include <net/netevent.h>
#include <net/route.h>
#include <net/xfrm.h>

#include "compat.h"
#include "core.h"

static void nfv_icmp_sent(struct nfv_pkt *pkt)
{
	nfv_count(pkt->dp, NFV_STAT_ICMP_SENT, 1);
}

/*
 * The core's errors quote the packet as its sender sent it, and go back
 * to that sender: a packet a NAT flow translated is quoted from a copy
 * with the rewrite undone (nfv_icmp_quote()).
 */
static void nfv_icmp4_send(struct nfv_pkt *pkt, int type, int code,
			   __be32 info)
{
	struct sk_buff *skb = nfv_icmp_quote(pkt);

	if (!skb)
		return;
	icmp_send(skb, type, code, info);
	nfv_icmp_quote_done(pkt, skb);
	nfv_icmp_sent(pkt);
}

static void nfv_icmp6_send(struct nfv_pkt *pkt, u8 type, u8 code, u32 info)
{
	struct sk_buff *skb = nfv_icmp_quote(pkt);

	if (!skb)
		return;
	icmpv6_send(skb, type, code, info);
	nfv_icmp_quote_done(pkt, skb);
	nfv_icmp_sent(pkt);
}

static void nfv_icmp4_send_unreach(struct nfv_pkt *pkt, int code)
{
	struct sk_buff *skb = nfv_icmp_quote(pkt);
	const struct iphdr *iph;

	if (!skb)
		return;
	/* icmp_send() wants an input route to tell where the error goes. */
	iph = ip_hdr(skb);
	skb_dst_drop(skb);
	if (!ip_route_input_noref(skb, iph->daddr, iph->saddr, iph->tos,
				  skb->dev)) {
		memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
		icmp_send(skb, ICMP_DEST_UNREACH, code, 0);
		nfv_icmp_sent(pkt);
	}
	nfv_icmp_quote_done(pkt, skb);
}

static void nfv_icmp4_unreach(struct nfv_pkt *pkt, int err)
{
	switch (err) {
	case -ENETUNREACH:
		nfv_icmp4_send_unreach(pkt, ICMP_NET_UNREACH);
		break;
	case -EHOSTUNREACH:
		nfv_icmp4_send_unreach(pkt, ICMP_HOST_UNREACH);
		break;
	case -EACCES:
		nfv_icmp4_send_unreach(pkt, ICMP_PKT_FILTERED);
		break;
	default:
		break;		/* blackhole: silent */
	}
}

void nfv_icmp_reject_code(struct nfv_pkt *pkt, u8 code, u8 code6)
{
	if (!(pkt->key.flags & NFV_KEY_V6)) {
		nfv_icmp4_send_unreach(pkt, code);
		return;
	}
	nfv_icmp6_send(pkt, ICMPV6_DEST_UNREACH, code6, 0);
}
EXPORT_SYMBOL_GPL(nfv_icmp_reject_code);

void nfv_icmp_reject(struct nfv_pkt *pkt)
{
	nfv_icmp_reject_code(pkt, ICMP_PORT_UNREACH, ICMPV6_PORT_UNREACH);
}
EXPORT_SYMBOL_GPL(nfv_icmp_reject);

static bool nfv_bad_addr4(__be32 saddr, __be32 daddr)
{
	return ipv4_is_multicast(saddr) || ipv4_is_lbcast(saddr) ||
	       ipv4_is_zeronet(saddr) || ipv4_is_loopback(saddr) ||
	       ipv4_is_loopback(daddr) || ipv4_is_zeronet(daddr);
}

/*
 * The kernel hands every output route to xfrm. With no outbound policy in
 * the namespace and outbound traffic allowed by default, xfrm returns the
 * route as it is: skip the call. The policy is read after the route, as
 * xfrm itself does: adding a policy raises the count before it bumps the
 * routes' generation, so a route taken before a policy that this read
 * missed fails its next dst_check() and is looked up again. A bundle xfrm
 * returns is cached in the flow like any route: bundles are always
 * checked (DST_OBSOLETE_FORCE_CHK), and dst_check() fails once the SA is
 * deleted or expires, the policy changes or the route beneath goes stale.
 */
static bool nfv_xfrm_out(struct net *net)
{
#ifdef CONFIG_XFRM
	smp_rmb();	/* the route's generation before the policy count */
	return READ_ONCE(net->xfrm.policy_count[XFRM_POLICY_OUT]) ||
	       READ_ONCE(net->xfrm.policy_default[XFRM_POLICY_OUT]) ==
	       XFRM_USERPOLICY_BLOCK;
#else
	return false;
#endif
}

/*
 * The routing table of the port's VRF, as the kernel's input path has
 * it: a packet on a device enslaved to an l3mdev is the master's
 * (vrf_l3_rcv()), and the l3mdev rule sends its lookup to the master's
 * table. 0 outside a VRF: the namespace's rules and tables.
 */
static int nfv_l3mdev(const struct net_device *dev)
{
	return l3mdev_master_ifindex_rcu(dev);
}

/* Policy rules may match the ports (ip rule sport/dport), and xfrm too. */
static bool nfv_key_has_ports(const struct nfv_key *key)
{
	return key->proto != IPPROTO_ICMP && key->proto != IPPROTO_ICMPV6;
}

/*
 * As ip_route_output_flow(), xfrm is asked only when it has a policy;
 * selectors may match the device. On error it released the route.
 */
static struct rtable *nfv_xfrm_route4(struct net *net, struct flowi4 *fl4,
				      struct rtable *rt)
{
	if (IS_ERR(rt) || !fl4->flowi4_proto || !nfv_xfrm_out(net))
		return rt;
	fl4->flowi4_oif = rt->dst.dev->ifindex;
	return (struct rtable *)xfrm_lookup_route(net, &rt->dst,
						  flowi4_to_flowi(fl4),
						  NULL, 0);
}

/*
 * ip_route_output_key(), with xfrm. The packet goes to the lookup: a
 * multipath route picks its path by the packet's multipath hash
 * (fib_multipath_hash() of the skb), as ip_mkroute_input() picks it when
 * the kernel forwards. Hashed from the flowi4 instead, an ICMP error
 * would not follow the flow it quotes, and hash policies 2 and 3 and an
 * skb's L4 hash would be ignored.
 */
static struct rtable *nfv_route_output4(struct net *net, struct flowi4 *fl4,
					const struct sk_buff *skb)
{
	return nfv_xfrm_route4(net, fl4,
			       ip_route_output_key_hash(net, fl4, skb));
}

/*
 * Whether a rule of the namespace names an input device (ip rule iif,
 * `iif lo` included): only then can the rules pick another route for a
 * packet from the port than for one the host sends, whose input device
 * is lo. A rule whose device does not exist has iifindex -1 and matches
 * nothing.
 */
static bool nfv_iif_rules4(struct net *net)
{
#ifdef CONFIG_IP_MULTIPLE_TABLES
	struct fib_rule *rule;

	if (!net->ipv4.fib_has_custom_rules)
		return false;
	list_for_each_entry_rcu(rule, &net->ipv4.rules_ops->rules_list, list)
		if (READ_ONCE(rule->iifindex) > 0)
			return true;
#endif
	return false;
}

/*
 * Whether the rules route the packet differently with the device it
 * arrived on (the port, or its VRF as vrf_ip_rcv() makes it) as input
 * device than the output lookup, whose input device is lo: the rules'
 * result, with the port or lo, compared. The same fib_info means the same
 * next hops and the same multipath choice from the packet's hash.
 */
static bool nfv_iif_decides4(struct net *net, const struct flowi4 *fl4,
			     int iif)
{
	struct flowi4 in = *fl4, out = *fl4;
	struct fib_result rin, rout;
	int ein, eout;

	if (!nfv_iif_rules4(net))
		return false;
	in.flowi4_iif = iif;
	out.flowi4_iif = LOOPBACK_IFINDEX;
	ein = fib_lookup(net, &in, &rin, 0);
	eout = fib_lookup(net, &out, &rout, 0);
	if (ein || eout)
		return ein != eout;
	return rin.fi != rout.fi || rin.type != rout.type;
}

/*
 * The kernel's input route, for a packet whose route an iif rule picks:
 * no exported output lookup takes an input device, and the input lookup
 * gives exactly the kernel's forwarding route, the multipath hash
 * included. It exists only where the input device forwards
 * (net.ipv4.conf.DEV.forwarding); elsewhere the packet is dropped, as the
 * kernel drops it, without an ICMP error (ip_error()). The route is
 * taken from the skb with a reference the flow can keep.
 */
static struct rtable *nfv_route_input4(struct sk_buff *skb,
				       struct net_device *dev)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct in_device *in_dev = __in_dev_get_rcu(dev);
	struct dst_entry *dst;
	int err;

	if (!in_dev || !IN_DEV_FORWARD(in_dev))
		return ERR_PTR(-EINVAL);
	err = ip_route_input_noref(skb, iph->daddr, iph->saddr, iph->tos, dev);
	if (err)
		return ERR_PTR(err);
	dst = skb_dst(skb);
	if (!dst_hold_safe(dst))
		dst = NULL;
	skb_dst_drop(skb);
	if (!dst)
		return ERR_PTR(-EINVAL);
	if (dst->error) {
		err = -dst->error;
		dst_release(dst);
		return ERR_PTR(err);
	}
	return (struct rtable *)dst;
}

/*
 * The route the kernel's forwarding would take. An output lookup, not
 * ip_route_input(), so the datapath routes with the host's forwarding
 * off; it follows what the input path looks up: the port's VRF
 * (flowi4_l3mdev), mark, TOS, protocol and ports for the policy rules,
 * and the packet's multipath hash. Only where a rule on the input device
 * (ip rule iif) picks another route for the packet is it the kernel's
 * input route itself (nfv_route_input4()).
 */
static struct rtable *nfv_lookup4(struct sk_buff *skb, struct flowi4 *fl4)
{
	struct net_device *dev = l3mdev_master_dev_rcu(skb->dev) ? : skb->dev;
	struct net *net = dev_net(skb->dev);

	if (nfv_iif_decides4(net, fl4, dev->ifindex))
		return nfv_xfrm_route4(net, fl4, nfv_route_input4(skb, dev));
	return nfv_route_output4(net, fl4, skb);
}

static enum nfv_verdict nfv_route4(struct nfv_pkt *pkt)
{
	struct sk_buff *skb = pkt->skb;
	const struct iphdr *iph = ip_hdr(skb);
	struct flowi4 fl4 = {
		.daddr = iph->daddr,
		.saddr = iph->saddr,
		.flowi4_tos = RT_TOS(iph->tos),
		.flowi4_mark = skb->mark,
		.flowi4_proto = iph->protocol,
		.flowi4_scope = RT_SCOPE_UNIVERSE,
		.flowi4_l3mdev = nfv_l3mdev(skb->dev),
		/* The source is the sender's, not one of ours. */
		.flowi4_flags = FLOWI_FLAG_ANYSRC,
	};
	struct rtable *rt;

	if (nfv_bad_addr4(iph->saddr, iph->daddr)) {
		pkt->drop_reason = NFV_DROP_BAD_ADDR;
		return NFV_DROP;
	}
	if (nfv_key_has_ports(&pkt->key)) {
		fl4.fl4_sport = pkt->key.sport;
		fl4.fl4_dport = pkt->key.dport;
	}
	rt = nfv_lookup4(skb, &fl4);
	if (IS_ERR(rt)) {
		nfv_icmp4_unreach(pkt, PTR_ERR(rt));
		pkt->drop_reason = NFV_DROP_NO_ROUTE;
		pkt->nocache = true;
		return NFV_DROP;
	}
	if (rt->rt_type != RTN_UNICAST) {
		/* Local, broadcast, multicast: the host stack's. */
		ip_rt_put(rt);
		return NFV_PASS;
	}
	pkt->dst = &rt->dst;
	return NFV_FORWARD;
}

/*
 * IPv6 takes the kernel's own forwarding lookup, ip6_route_input_lookup(),
 * which leaves the forwarding switch to ip6_forward(): the input device
 * (the port's VRF master if it has one, as vrf_ip6_rcv() makes it) for
 * the rules and the l3mdev table, and the skb for the multipath hash
 * (rt6_multipath_hash(), fib_multipath_hash_policy honoured).
 */
static enum nfv_verdict nfv_route6(struct nfv_pkt *pkt)
{
	struct sk_buff *skb = pkt->skb;
	const struct ipv6hdr *ip6 = ipv6_hdr(skb);
	int l3mdev = nfv_l3mdev(skb->dev);
	struct flowi6 fl6 = {
		.flowi6_iif = l3mdev ? : skb->dev->ifindex,
		.flowi6_l3mdev = l3mdev,
		.daddr = ip6->daddr,
		.saddr = ip6->saddr,
		.flowlabel = ip6_flowinfo(ip6),
		.flowi6_mark = skb->mark,
		.flowi6_proto = pkt->key.proto,
	};
	struct net *net = dev_net(skb->dev);
	struct dst_entry *dst;
	struct rt6_info *rt;

	if (nfv_key_has_ports(&pkt->key)) {
		fl6.fl6_sport = pkt->key.sport;
		fl6.fl6_dport = pkt->key.dport;
	}
	dst = ip6_route_input_lookup(net, skb->dev, &fl6, skb,
				     RT6_LOOKUP_F_HAS_SADDR);
	if (dst->error) {
		dst_release(dst);
		nfv_icmp6_send(pkt, ICMPV6_DEST_UNREACH, ICMPV6_NOROUTE, 0);
		goto no_route;
	}
	rt = (struct rt6_info *)dst;
	if ((rt->rt6i_flags & (RTF_LOCAL | RTF_ANYCAST)) ||
	    (dst->dev->flags & IFF_LOOPBACK)) {
		dst_release(dst);
		return NFV_PASS;
	}
	if (nfv_xfrm_out(net)) {
		/* As ip6_dst_lookup_flow(); on error it released the route. */
		dst = xfrm_lookup_route(net, dst, flowi6_to_flowi(&fl6),
					NULL, 0);
		if (IS_ERR(dst))
			goto no_route;
		rt = (struct rt6_info *)dst;
	}
	pkt->dst = dst;
	pkt->cookie = rt6_get_cookie(rt);
	return NFV_FORWARD;

no_route:
	pkt->drop_reason = NFV_DROP_NO_ROUTE;
	pkt->nocache = true;
	return NFV_DROP;
}

static enum nfv_verdict nfv_forward_process(struct nfv_nf *nf,
					    struct nfv_pkt *pkt,
					    void *flow_priv)
{
	if (pkt->key.flags & NFV_KEY_V6)
		return nfv_route6(pkt);
	return nfv_route4(pkt);
}

/*
 * A changed multipath hash (fib_multipath_hash_policy or _fields, IPv4
 * or IPv6): the kernel's forwarding hashes each packet anew, so its flows
 * take the new hash's paths at once, while a flow of the datapath keeps
 * its route, which the change does not make stale. Forget the cached
 * routes of the namespace's datapaths, after the packets that may have
 * hashed by the old policy, so each flow's next packet picks its path as
 * the kernel's would. The netevent comes in an RCU section and the
 * datapaths are listed under RTNL: a work, holding the namespace.
 */
struct nfv_mpath_work {
	struct work_struct work;
	struct net *net;
};

static struct workqueue_struct *nfv_route_wq;

static void nfv_mpath_forget(struct work_struct *work)
{
	struct nfv_mpath_work *w = container_of(work, struct nfv_mpath_work,
						work);
	struct nfv_dp *dp;

	synchronize_net();
	rtnl_lock();
	list_for_each_entry(dp, &nfv_pernet(w->net)->dps, node)
		nfv_flow_forget_routes(&dp->table);
	rtnl_unlock();
	put_net(w->net);
	kfree(w);
}

static int nfv_netevent(struct notifier_block *nb, unsigned long event,
			void *ptr)
{
	struct nfv_mpath_work *w;

	if (event != NETEVENT_IPV4_MPATH_HASH_UPDATE &&
	    event != NETEVENT_IPV6_MPATH_HASH_UPDATE)
		return NOTIFY_DONE;
	w = kmalloc(sizeof(*w), GFP_ATOMIC);
	if (!w)
		return NOTIFY_DONE;
	w->net = maybe_get_net(ptr);
	if (!w->net) {
		kfree(w);
		return NOTIFY_DONE;
	}
	INIT_WORK(&w->work, nfv_mpath_forget);
	queue_work(nfv_route_wq, &w->work);
	return NOTIFY_DONE;
}

static struct notifier_block nfv_netevent_nb = {
	.notifier_call = nfv_netevent,
};

int nfv_forward_init(void)
{
	int err;

	nfv_route_wq = alloc_workqueue("nfv_route", 0, 0);
	if (!nfv_route_wq)
		return -ENOMEM;
	err = register_netevent_notifier(&nfv_netevent_nb);
	if (err)
		destroy_workqueue(nfv_route_wq);
	return err;
}

/* Before the per-namespace state goes: the works read it. */
void nfv_forward_exit(void)
{
	unregister_netevent_notifier(&nfv_netevent_nb);
	destroy_workqueue(nfv_route_wq);
}

const struct nfv_nf_type nfv_forward_type = {
	.name = "forward",
	.owner = THIS_MODULE,
	.process = nfv_forward_process,
};

static bool nfv_exceeds_mtu(const struct sk_buff *skb, unsigned int mtu)
{
	if (skb->len <= mtu)
		return false;
	/*
	 * An IPv6 BIG TCP packet's hop-by-hop jumbo header is counted in each
	 * segment, but segmentation takes it away (ipv6_gso_segment()).
	 */
	if (ipv6_has_hopopt_jumbo(skb))
		mtu += sizeof(struct hop_jumbo_hdr);
	if (skb_is_gso(skb) && skb_gso_validate_network_len(skb, mtu))
		return false;
	return true;
}

static void nfv_count_tx(struct nfv_pkt *pkt, struct net_device *dev,
			 unsigned int len, int err)
{
	struct nfv_port *out;

	if (err < 0 || err == NET_XMIT_DROP) {
		this_cpu_inc(pkt->dp->stats->drop[NFV_DROP_TX_ERROR]);
		return;
	}
	nfv_count(pkt->dp, NFV_STAT_TX_PACKETS, 1);
	nfv_count(pkt->dp, NFV_STAT_TX_BYTES, len);
	out = nfv_port_rcu(pkt->dp, dev);
	if (out) {
		nfv_port_count(out, NFV_PSTAT_TX_PACKETS, 1);
		nfv_port_count(out, NFV_PSTAT_TX_BYTES, len);
	}
}

static int nfv_neigh_xmit4(struct net *net, struct sock *sk,
			   struct sk_buff *skb)
{
	struct rtable *rt = skb_rtable(skb);
	struct neighbour *neigh;
	bool is_v6gw = false;

	neigh = ip_neigh_for_gw(rt, skb, &is_v6gw);
	if (IS_ERR(neigh)) {
		kfree_skb(skb);
		return PTR_ERR(neigh);
	}
	return neigh_output(neigh, skb, is_v6gw);
}

static int nfv_neigh_xmit6(struct sk_buff *skb)
{
	struct dst_entry *dst = skb_dst(skb);
	const struct in6_addr *nh;
	struct neighbour *neigh;

	nh = rt6_nexthop((struct rt6_info *)dst, &ipv6_hdr(skb)->daddr);
	neigh = ip_neigh_gw6(dst->dev, nh);
	if (IS_ERR(neigh)) {
		kfree_skb(skb);
		return PTR_ERR(neigh);
	}
	return neigh_output(neigh, skb, false);
}

/* Drops a packet that cannot be forwarded as it is. */
static void nfv_xmit_fail(struct nfv_pkt *pkt, enum nfv_drop reason)
{
	this_cpu_inc(pkt->dp->stats->drop[reason]);
	nfv_port_count(pkt->in, NFV_PSTAT_DROP_PACKETS, 1);
	kfree_skb(pkt->skb);
}

static int nfv_frag_out(struct net *net, struct sock *sk,
			struct sk_buff *skb)
{
	return nfv_neigh_xmit4(net, sk, skb);
}

/*
 * Routes whose output is more than a neighbour entry: an xfrm bundle
 * (the SA's transform, then the bundle's own route) and lightweight
 * tunnels that redirect output or transmission (seg6, mpls, bpf). Sent to
 * the neighbour, their packets would leave unencrypted or unencapsulated,
 * or not at all; they go through dst_output(), as the kernel's forwarding
 * sends them, which also segments and fragments them where needed.
 */
static bool nfv_dst_redirects(const struct dst_entry *dst)
{
	return dst_xfrm(dst) || lwtunnel_output_redirect(dst->lwtstate) ||
	       lwtunnel_xmit_redirect(dst->lwtstate);
}

/* A packet without DF larger than the MTU: fragments to the neighbour. */
static int nfv_frag_xmit4(struct nfv_pkt *pkt, struct net *net,
			  struct sk_buff *skb)
{
	nfv_count(pkt->dp, NFV_STAT_FRAGS_SENT, 1);
	return ip_do_fragment(net, NULL, skb, nfv_frag_out);
}

/*
 * A GSO packet without DF whose segments exceed the MTU (GRO merged
 * them). ip_do_fragment() cannot take it whole: it would checksum a GSO
 * packet in software, which the kernel refuses with a WARN. Segment it
 * first and fragment each segment that still exceeds the MTU, as
 * ip_finish_output_gso() does.
 */
static int nfv_gso_xmit4(struct nfv_pkt *pkt, struct net *net,
			 struct sk_buff *skb, unsigned int mtu)
{
	netdev_features_t features = netif_skb_features(skb);
	struct sk_buff *segs, *next;
	int err, ret = 0;

	segs = skb_gso_segment(skb, features & ~NETIF_F_GSO_MASK);
	if (IS_ERR_OR_NULL(segs)) {
		kfree_skb(skb);
		return -ENOMEM;
	}
	consume_skb(skb);
	nfv_count(pkt->dp, NFV_STAT_GSO_SEGMENTED, 1);

	skb_list_walk_safe(segs, segs, next) {
		skb_mark_not_on_list(segs);
		if (segs->len > mtu)
			err = nfv_frag_xmit4(pkt, net, segs);
		else
			err = nfv_neigh_xmit4(net, NULL, segs);
		if (err && !ret)
			ret = err;
	}
	return ret;
}

/* Sends a packet that passed the TTL and DF checks along dst. */
static int nfv_out4(struct nfv_pkt *pkt, struct sk_buff *skb,
		    struct dst_entry *dst, unsigned int mtu)
{
	struct net *net = dev_net(dst->dev);

	if (unlikely(nfv_dst_redirects(dst)))
		return dst_output(net, NULL, skb);
	if (likely(!nfv_exceeds_mtu(skb, mtu)))
		return nfv_neigh_xmit4(net, NULL, skb);
	if (skb_is_gso(skb))
		return nfv_gso_xmit4(pkt, net, skb, mtu);
	return nfv_frag_xmit4(pkt, net, skb);
}

static void nfv_xmit4(struct nfv_pkt *pkt, struct dst_entry *dst)
{
	struct sk_buff *skb = pkt->skb;
	struct iphdr *iph = ip_hdr(skb);
	unsigned int mtu, len;
	int err;

	if (iph->ttl <= 1) {
		nfv_icmp4_send(pkt, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0);
		return nfv_xmit_fail(pkt, NFV_DROP_TTL);
	}
	IPCB(skb)->flags |= IPSKB_FORWARDED;
	mtu = ip_dst_mtu_maybe_forward(dst, true);
	if (nfv_exceeds_mtu(skb, mtu) && (iph->frag_off & htons(IP_DF))) {
		nfv_icmp4_send(pkt, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
			       htonl(mtu));
		return nfv_xmit_fail(pkt, NFV_DROP_MTU);
	}
	if (skb_cow(skb, LL_RESERVED_SPACE(dst->dev) + dst->header_len))
		return nfv_xmit_fail(pkt, NFV_DROP_NOMEM);
	iph = ip_hdr(skb);
	ip_decrease_ttl(iph);
	skb->dev = dst->dev;
	len = skb->len;
	err = nfv_out4(pkt, skb, dst, mtu);
	nfv_count_tx(pkt, dst->dev, len, err);
}

static void nfv_xmit6(struct nfv_pkt *pkt, struct dst_entry *dst)
{
	struct sk_buff *skb = pkt->skb;
	struct ipv6hdr *ip6 = ipv6_hdr(skb);
	unsigned int mtu, len;
	int err;

	if (ip6->hop_limit <= 1) {
		nfv_icmp6_send(pkt, ICMPV6_TIME_EXCEED, ICMPV6_EXC_HOPLIMIT, 0);
		return nfv_xmit_fail(pkt, NFV_DROP_TTL);
	}
	mtu = max_t(unsigned int, ip6_dst_mtu_maybe_forward(dst, true),
		    IPV6_MIN_MTU);
	if (nfv_exceeds_mtu(skb, mtu)) {
		nfv_icmp6_send(pkt, ICMPV6_PKT_TOOBIG, 0, mtu);
		return nfv_xmit_fail(pkt, NFV_DROP_MTU);
	}
	if (skb_cow(skb, LL_RESERVED_SPACE(dst->dev) + dst->header_len))
		return nfv_xmit_fail(pkt, NFV_DROP_NOMEM);
	ip6 = ipv6_hdr(skb);
	ip6->hop_limit--;
	skb->dev = dst->dev;
	len = skb->len;
	if (unlikely(nfv_dst_redirects(dst)))
		err = dst_output(dev_net(dst->dev), NULL, skb);
	else
		err = nfv_neigh_xmit6(skb);
	nfv_count_tx(pkt, dst->dev, len, err);
}

/*
 * Routes pkt->skb out along dst. The caller holds dst (a flow's or its own
 * reference) for the duration of its RCU section; the skb takes no
 * reference unless it is queued.
 */
int nfv_forward_xmit(struct nfv_pkt *pkt, struct dst_entry *dst)
{
	struct sk_buff *skb = pkt->skb;

	/* Inner VLAN tags and the outer one end at this hop. */
	if (unlikely(pkt->l3)) {
		__skb_pull(skb, pkt->l3);
		if (pkt->l4)	/* offsets stay from skb->data */
			pkt->l4 -= pkt->l3;
		pkt->l3 = 0;
	}
	skb_reset_network_header(skb);
	skb->protocol = pkt->key.flags & NFV_KEY_V6 ? htons(ETH_P_IPV6) :
						   htons(ETH_P_IP);
	__vlan_hwaccel_clear_tag(skb);
	memset(skb->cb, 0, sizeof(skb->cb));
	skb_forward_csum(skb);
	skb_clear_tstamp(skb);
	skb_dst_drop(skb);
	skb_dst_set_noref(skb, dst);

	if (pkt->key.flags & NFV_KEY_V6)
		nfv_xmit6(pkt, dst);
	else
		nfv_xmit4(pkt, dst);
	return 0;
}
