// SPDX-License-Identifier: GPL-2.0
/*
 * The built-in "guest" NF: a guest step, which puts a VNF in a KVM guest
 * into a chain (Documentation/guests.rst). A flow's packets are sent to the
 * guest, through its guest port (or tap port); what the guest sends back
 * into the same flow continues the chain after the step.
 *
 * The step keeps no state of its own per flow but results: a flow whose
 * walk reached the step caches NFV_RES_GUEST, and the step's area in the
 * flow caches, per direction, the result of the rest of the chain, which
 * a returning packet takes (packet.c). A packet that arrives on the step's
 * port and belongs to a flow of the chain is a returning packet: it never
 * goes to that step, or one before it, again, so a guest that sends
 * everything back cannot loop a packet through itself.
 *
 * A chain may hold several steps, each on a port of its own: a packet
 * back from a step is known by its port, and resumes after that step; a
 * step's area caches NFV_RES_GUEST when the chain after it reaches the
 * next step. In a chain that translates, the guest sees a NAT flow's
 * packets as they will leave, translated, wherever the step is, and what
 * it sends back is found by that tuple (packet.c): a flow's first packet
 * that meets the step before the NAT claimed the flow goes to the guest
 * once the walk is done (nfv_gstep_defer()).
 *
 * Whether the guest is there is read on every packet, so no cached flow
 * keeps sending into a guest that left. From its port's device: a guest
 * port needs macvtap on its device (an RX handler), a tap port its carrier
 * (tun drops it when the last queue detaches), both their device up. And
 * from its traffic, for a guest whose device stays: a QEMU killed with its
 * macvtap left in place (macvtap changes neither carrier nor state when
 * nobody holds /dev/tapN open), or a VNF hung in a live guest. A periodic
 * check per instance (nfv_gstep_check()) declares the guest dead when
 * frames went to it and none came back for dead_ms; a frame coming back
 * makes it alive again, and while it is dead one frame now and then still
 * goes to it as a probe. A guest that is gone fails open (the step is
 * skipped) or closed (the packet is dropped), as the instance says.
 */
#include <linux/etherdevice.h>
#include <linux/rtnetlink.h>
#include <linux/workqueue.h>

#include "core.h"

struct nfv_gstep_stats {
	u64 stat[__NFV_GSTEP_STAT_MAX];
};

/* The liveness check's own state (nfv_gstep_check()), nobody else's. */
struct nfv_gstep_live {
	u64 sent;		/* the sums at the last check */
	u64 returned;
	u64 base;		/* sent when the guest last answered */
	unsigned long since;	/* first seen a frame unanswered, or 0 */
	unsigned long probed;	/* dead: when the last probe was allowed */
};

struct nfv_gstep {
	/* RTNL writes, packets read: WRITE_ONCE/READ_ONCE. */
	u16 port_no;		/* the guest's port; 0 once it is deleted */
	u8 fail_open;
	/* The check writes, seldom (a change, a probe), packets read. */
	u8 dead;		/* sent frames went unanswered */
	u8 probe;		/* dead: the next frame goes to the guest */
	u32 dead_ms;		/* RTNL writes, the check reads; 0: no check */
	struct nfv_gstep_stats __percpu *stats;
	struct nfv_gstep_live live;
	struct delayed_work check;
};

/*
 * The check's period, and what it takes to declare a guest dead: so many
 * frames unanswered (a lone lost frame is not a dead guest), sent before
 * the previous check (they had a period to come back).
 */
#define NFV_GSTEP_CHECK_MS	100
#define NFV_GSTEP_DEAD_FRAMES	4
/* While dead, a probe every dead_ms, at least one a second. */
#define NFV_GSTEP_PROBE_MS	1000

static struct netlink_range_validation nfv_gstep_dead_range = {
	.max = NFV_GSTEP_DEAD_MS_MAX,
};

static const struct nla_policy nfv_gstep_policy[NFV_GSTEP_A_MAX + 1] = {
	[NFV_GSTEP_A_PORT]	= { .type = NLA_NUL_STRING,
				    .len = IFNAMSIZ - 1 },
	[NFV_GSTEP_A_FAIL]	= NLA_POLICY_MAX(NLA_U8, NFV_GSTEP_FAIL_MAX),
	[NFV_GSTEP_A_DEAD_MS]	= NLA_POLICY_FULL_RANGE(NLA_U32,
							&nfv_gstep_dead_range),
};

static void nfv_gstep_count(struct nfv_nf *nf, enum nfv_gstep_stat s)
{
	struct nfv_gstep *g = nfv_nf_priv(nf);

	this_cpu_inc(g->stats->stat[s]);
}

/* Under RCU: the step's port, or NULL once it was deleted. */
static struct nfv_port *nfv_gstep_port(const struct nfv_nf *nf)
{
	const struct nfv_gstep *g = nfv_nf_priv((struct nfv_nf *)nf);
	u16 port_no = READ_ONCE(g->port_no);

	return port_no ? idr_find(&nf->dp->port_ids, port_no) : NULL;
}

/* Whether @port is the step's. Under RCU. */
bool nfv_gstep_on_port(const struct nfv_nf *nf, const struct nfv_port *port)
{
	const struct nfv_gstep *g = nfv_nf_priv((struct nfv_nf *)nf);

	return READ_ONCE(g->port_no) == port->port_no;
}

/* The step's port number, 0 if it has none. RTNL. */
u16 nfv_gstep_port_no(const struct nfv_nf *nf)
{
	const struct nfv_gstep *g = nfv_nf_priv((struct nfv_nf *)nf);

	return g->port_no;
}

/*
 * A device a step may send to: a guest port's, or a tap device (QEMU's
 * -netdev tap,ifname=...).
 */
bool nfv_gstep_capable(const struct net_device *dev)
{
	return nfv_is_guest(dev) ||
	       (dev->rtnl_link_ops && !strcmp(dev->rtnl_link_ops->kind, "tun"));
}

/* The guest can take a packet: see the head of the file. */
static bool nfv_gstep_up(const struct nfv_port *port)
{
	const struct net_device *dev = port->dev;

	if (!netif_running(dev) || !netif_carrier_ok(dev))
		return false;
	return !nfv_is_guest(dev) || rcu_access_pointer(dev->rx_handler);
}

/*
 * The guest answers, as its traffic says (nfv_gstep_check()), or a probe
 * may go to the one that does not.
 */
static bool nfv_gstep_alive(const struct nfv_gstep *g)
{
	return !READ_ONCE(g->dead) || READ_ONCE(g->probe);
}

/* What the step does with @pkt: send it, or why not. Under RCU. */
enum nfv_gstep_way nfv_gstep_way(struct nfv_nf *nf, const struct nfv_pkt *pkt)
{
	struct nfv_gstep *g = nfv_nf_priv(nf);
	struct nfv_port *port = nfv_gstep_port(nf);

	if (port && pkt->in == port)
		return NFV_GSTEP_RETURNED;
	if (port && nfv_gstep_up(port) && nfv_gstep_alive(g))
		return NFV_GSTEP_SEND;
	return READ_ONCE(g->fail_open) ? NFV_GSTEP_OPEN : NFV_GSTEP_CLOSED;
}

/* A packet the guest sent back into its flow. */
void nfv_gstep_returned(struct nfv_nf *nf)
{
	nfv_gstep_count(nf, NFV_GSTEP_STAT_RETURNED);
}

/*
 * The guest went (fail open, the packet goes on) or is gone (fail closed:
 * dropped, and nothing cached, so the flow goes back to its guest when
 * it returns).
 */
void nfv_gstep_failed(struct nfv_nf *nf, enum nfv_gstep_way way)
{
	nfv_gstep_count(nf, way == NFV_GSTEP_OPEN ? NFV_GSTEP_STAT_FAIL_OPEN :
			NFV_GSTEP_STAT_FAIL_CLOSED);
}

/*
 * The frame that goes is the probe, if one was due: the next waits for the
 * next check. CPUs that saw the probe at once may each send one.
 */
static void nfv_gstep_probe_taken(struct nfv_gstep *g)
{
	if (unlikely(READ_ONCE(g->probe)))
		WRITE_ONCE(g->probe, 0);
}

/*
 * Hands the packet to the guest, as the frame it arrived as, addressed to
 * the port's device: the guest sends it back to that address, where its
 * port receives it as the host's. A guest device takes it into its receive
 * path (netif_rx(), as guest.c does for forwarded packets), a tap device
 * through its queue: the packet comes back, if at all, in a later softirq
 * from the guest's write, never within this call. Returns false, with the
 * skb still the caller's, if the port went or the header cannot be
 * written; it frees it then.
 */
bool nfv_gstep_send(struct nfv_nf *nf, struct nfv_pkt *pkt)
{
	struct nfv_port *port = nfv_gstep_port(nf);
	struct sk_buff *skb = pkt->skb;
	struct net_device *dev;
	unsigned int len;

	if (unlikely(!port || !skb_mac_header_was_set(skb)))
		return false;
	dev = port->dev;
	__skb_push(skb, skb->data - skb_mac_header(skb));
	if (unlikely(skb_ensure_writable(skb, ETH_ALEN)))
		return false;
	ether_addr_copy(eth_hdr(skb)->h_dest, dev->dev_addr);
	skb_dst_drop(skb);
	len = skb->len;
	nfv_gstep_probe_taken(nfv_nf_priv(nf));
	nfv_gstep_count(nf, NFV_GSTEP_STAT_SENT);
	nfv_count(pkt->dp, NFV_STAT_TX_PACKETS, 1);
	nfv_count(pkt->dp, NFV_STAT_TX_BYTES, len);
	nfv_port_count(port, NFV_PSTAT_TX_PACKETS, 1);
	nfv_port_count(port, NFV_PSTAT_TX_BYTES, len);
	if (nfv_is_guest(dev)) {
		nfv_guest_send(dev, skb);
	} else {
		skb->dev = dev;
		dev_queue_xmit(skb);
	}
	return true;
}

/*
 * Caches the result of the rest of the chain for the flow's direction
 * @dir, as nfv_flow_set_result() does the flow's. Returns true if it took
 * over the reference on @dst.
 */
bool nfv_gstep_set_result(struct nfv_gstep_flow *gf, unsigned int dir,
			  u8 res, struct dst_entry *dst, u32 cookie)
{
	struct dst_entry *old;

	/* Readers check res first, then dst, and take NULL as "slow path". */
	if (res != NFV_RES_FORWARD)
		WRITE_ONCE(gf->res[dir], res);
	WRITE_ONCE(gf->cookie[dir], cookie);
	old = xchg(&gf->dst[dir], dst);
	if (res == NFV_RES_FORWARD)
		WRITE_ONCE(gf->res[dir], res);
	if (old)
		dst_release(old);
	return dst != NULL;
}

/* A cached route went stale: the next returning packet routes again. */
void nfv_gstep_invalidate(struct nfv_gstep_flow *gf, unsigned int dir,
			  struct dst_entry *dst)
{
	WRITE_ONCE(gf->res[dir], NFV_RES_NONE);
	if (cmpxchg(&gf->dst[dir], dst, NULL) == dst)
		dst_release(dst);
}

/*
 * Forgets the routes the steps cached in @flow, as nfv_flow_forget_routes()
 * does the flow's own: a change their dst_check() does not see must send
 * the packets the guests return through the routing again too. Under RCU.
 */
void nfv_gstep_forget_routes(struct nfv_flow *flow)
{
	struct nfv_chain *chain = nfv_flow_chain(flow);
	struct nfv_gstep_flow *gf;
	unsigned int dir;
	int i;

	if (!chain)
		return;
	for (i = chain->gstep; i >= 0; i = nfv_gstep_next(chain, i)) {
		gf = nfv_flow_priv(flow, chain, i);
		for (dir = 0; dir < NFV_DIR_COUNT; dir++) {
			struct dst_entry *dst = READ_ONCE(gf->dst[dir]);

			if (dst)
				nfv_gstep_invalidate(gf, dir, dst);
		}
	}
}

/*
 * nfv_chain_run(): the walk of a tracked packet met step @i, which said
 * @v. A step it went past (its guest gone and the step open, or the
 * detour deferred) hands what follows it to the step's own area, where
 * nfv_slow_commit() caches it.
 */
void nfv_gstep_walked(struct nfv_pkt *pkt, unsigned int i, enum nfv_verdict v)
{
	if (v == NFV_GUEST) {
		pkt->gstep_to = i;
		return;
	}
	if (v != NFV_CONTINUE)
		return;
	pkt->gstep_passed |= BIT(i);
	if ((pkt->gstep & NFV_PKT_GSTEP_DEFER) &&
	    pkt->gstep_to == NFV_PKT_GSTEP_NONE)
		pkt->gstep_to = i;
}

/*
 * The first packet of a NAT flow reached the step before an NF after it
 * claimed the flow. The guest sees every later packet as it will leave,
 * translated, and what it sends back is found by that tuple; so this one
 * too goes to the guest once the rest of the chain, the NAT included,
 * has decided it (packet.c), and steps after this one let it by.
 */
static bool nfv_gstep_defer(struct nfv_pkt *pkt)
{
	if (pkt->gstep & NFV_PKT_GSTEP_DEFER)
		return true;
	if (!pkt->new_flow || (pkt->flags & NFV_PKT_NAT) ||
	    !(READ_ONCE(pkt->flow->flags) & NFV_FLOW_NAT))
		return false;
	pkt->gstep |= NFV_PKT_GSTEP_DEFER;
	return true;
}

static enum nfv_verdict nfv_gstep_process(struct nfv_nf *nf,
					  struct nfv_pkt *pkt, void *flow_priv)
{
	enum nfv_gstep_way way;

	/* Untracked packets (ICMP errors, unknown fragments) go on. */
	if (!flow_priv)
		return NFV_CONTINUE;
	way = nfv_gstep_way(nf, pkt);
	switch (way) {
	case NFV_GSTEP_SEND:
		return nfv_gstep_defer(pkt) ? NFV_CONTINUE : NFV_GUEST;
	case NFV_GSTEP_RETURNED:
		/* The guest's own packet on its own port's chain. */
		return NFV_CONTINUE;
	case NFV_GSTEP_OPEN:
		nfv_gstep_failed(nf, way);
		return NFV_CONTINUE;
	default:
		nfv_gstep_failed(nf, way);
		pkt->nocache = true;
		pkt->drop_reason = NFV_DROP_GUEST_DOWN;
		return NFV_DROP;
	}
}

static void nfv_gstep_flow_destroy(struct nfv_nf *nf, struct nfv_flow *flow,
				   void *flow_priv)
{
	struct nfv_gstep_flow *gf = flow_priv;
	unsigned int dir;

	for (dir = 0; dir < NFV_DIR_COUNT; dir++)
		if (gf->dst[dir])
			dst_release(gf->dst[dir]);
}

static void nfv_gstep_sums(struct nfv_gstep *g, u64 *sent, u64 *returned)
{
	unsigned int cpu;

	*sent = 0;
	*returned = 0;
	for_each_possible_cpu(cpu) {
		const struct nfv_gstep_stats *st = per_cpu_ptr(g->stats, cpu);

		*sent += READ_ONCE(st->stat[NFV_GSTEP_STAT_SENT]);
		*returned += READ_ONCE(st->stat[NFV_GSTEP_STAT_RETURNED]);
	}
}

/* A frame came back (or the check is off): what was sent is answered. */
static void nfv_gstep_answered(struct nfv_gstep *g, u64 sent)
{
	g->live.base = sent;
	g->live.since = 0;
	if (READ_ONCE(g->dead)) {
		WRITE_ONCE(g->dead, 0);
		WRITE_ONCE(g->probe, 0);
	}
}

/* Dead: a frame goes to the guest now and then, to see it come back. */
static void nfv_gstep_probe(struct nfv_gstep *g, u32 dead_ms)
{
	unsigned long period = msecs_to_jiffies(min(dead_ms, NFV_GSTEP_PROBE_MS));

	if (time_before(jiffies, g->live.probed + period))
		return;
	g->live.probed = jiffies;
	WRITE_ONCE(g->probe, 1);
}

/*
 * Nothing came back since the last check. Dead once frames have waited
 * dead_ms, enough of them sent a period ago or more; too few by then
 * were lost on the way, and the wait starts again from the newer ones.
 */
static void nfv_gstep_judge(struct nfv_gstep *g, u64 sent, u32 dead_ms)
{
	struct nfv_gstep_live *l = &g->live;

	if (sent == l->base)
		return;
	if (!l->since) {
		l->since = jiffies;
		return;
	}
	if (time_before(jiffies, l->since + msecs_to_jiffies(dead_ms)))
		return;
	if (l->sent - l->base < NFV_GSTEP_DEAD_FRAMES) {
		l->base = l->sent;
		l->since = sent != l->sent ? jiffies : 0;
		return;
	}
	WRITE_ONCE(g->dead, 1);
	this_cpu_inc(g->stats->stat[NFV_GSTEP_STAT_DEATHS]);
	l->probed = jiffies;
}

/*
 * The liveness check, every NFV_GSTEP_CHECK_MS while dead_ms is set: from
 * the step's counters, so the fast path only counts, per CPU, and reads
 * the flags this sets (nfv_gstep_alive()).
 */
static void nfv_gstep_check(struct work_struct *work)
{
	struct nfv_gstep *g = container_of(to_delayed_work(work),
					   struct nfv_gstep, check);
	u32 dead_ms = READ_ONCE(g->dead_ms);
	u64 sent, returned;

	nfv_gstep_sums(g, &sent, &returned);
	if (!dead_ms || returned != g->live.returned)
		nfv_gstep_answered(g, sent);
	else if (READ_ONCE(g->dead))
		nfv_gstep_probe(g, dead_ms);
	else
		nfv_gstep_judge(g, sent, dead_ms);
	g->live.sent = sent;
	g->live.returned = returned;
	if (dead_ms)
		queue_delayed_work(system_power_efficient_wq, &g->check,
				   msecs_to_jiffies(NFV_GSTEP_CHECK_MS));
}

/* A new dead_ms: the check runs now, and goes on if it is set. */
static void nfv_gstep_set_dead_ms(struct nfv_gstep *g, const struct nlattr *attr)
{
	WRITE_ONCE(g->dead_ms, attr ? nla_get_u32(attr) :
		   NFV_GSTEP_DEAD_MS_DEFAULT);
	mod_delayed_work(system_power_efficient_wq, &g->check, 0);
}

/*
 * The port the step sends to: a guest port, or a tap port (a tap device
 * QEMU created, -netdev tap,ifname=...) of the same datapath.
 */
static int nfv_gstep_set_port(struct nfv_nf *nf, const struct nlattr *attr,
			      struct netlink_ext_ack *extack)
{
	struct nfv_gstep *g = nfv_nf_priv(nf);
	const struct net_device *dev;
	struct nfv_port *port;
	u16 port_no;

	port_no = nfv_port_no_by_name(nf->dp, nla_data(attr));
	if (!port_no) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "no port of that name in the datapath");
		return -ENODEV;
	}
	port = idr_find(&nf->dp->port_ids, port_no);
	dev = port->dev;
	if (!nfv_gstep_capable(dev)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "a guest step needs a guest port or a tap port");
		return -EINVAL;
	}
	WRITE_ONCE(g->port_no, port_no);
	return 0;
}

static int nfv_gstep_create(struct nfv_nf *nf, struct nlattr **cfg,
			    struct netlink_ext_ack *extack)
{
	struct nfv_gstep *g = nfv_nf_priv(nf);
	int err;

	if (!cfg[NFV_GSTEP_A_PORT]) {
		NL_SET_ERR_MSG(extack,
			       "missing the guest's port (NFV_GSTEP_A_PORT)");
		return -EINVAL;
	}
	err = nfv_gstep_set_port(nf, cfg[NFV_GSTEP_A_PORT], extack);
	if (err)
		return err;
	if (cfg[NFV_GSTEP_A_FAIL])
		g->fail_open = nla_get_u8(cfg[NFV_GSTEP_A_FAIL]) ==
			       NFV_GSTEP_FAIL_OPEN;
	g->stats = alloc_percpu(struct nfv_gstep_stats);
	if (!g->stats)
		return -ENOMEM;
	INIT_DELAYED_WORK(&g->check, nfv_gstep_check);
	nfv_gstep_set_dead_ms(g, cfg[NFV_GSTEP_A_DEAD_MS]);
	return 0;
}

static void nfv_gstep_destroy(struct nfv_nf *nf)
{
	struct nfv_gstep *g = nfv_nf_priv(nf);

	cancel_delayed_work_sync(&g->check);
	free_percpu(g->stats);
}

/*
 * NF_SET: another port, another policy, another dead_ms; cached flows
 * follow at once.
 */
static int nfv_gstep_configure(struct nfv_nf *nf, struct nlattr **cfg,
			       u32 portid, struct netlink_ext_ack *extack)
{
	struct nfv_gstep *g = nfv_nf_priv(nf);
	int err;

	if (cfg[NFV_GSTEP_A_PORT]) {
		err = nfv_gstep_set_port(nf, cfg[NFV_GSTEP_A_PORT], extack);
		if (err)
			return err;
	}
	if (cfg[NFV_GSTEP_A_FAIL])
		WRITE_ONCE(g->fail_open, nla_get_u8(cfg[NFV_GSTEP_A_FAIL]) ==
			   NFV_GSTEP_FAIL_OPEN);
	if (cfg[NFV_GSTEP_A_DEAD_MS])
		nfv_gstep_set_dead_ms(g, cfg[NFV_GSTEP_A_DEAD_MS]);
	return 0;
}

/* Port numbers are reused: the step forgets a deleted port's. */
static void nfv_gstep_port_event(struct nfv_nf *nf, u16 port_no,
				 enum nfv_port_event event)
{
	struct nfv_gstep *g = nfv_nf_priv(nf);

	if (event == NFV_PORT_DELETED && g->port_no == port_no)
		WRITE_ONCE(g->port_no, 0);
}

static int nfv_gstep_fill_stats(struct nfv_gstep *g, struct sk_buff *skb)
{
	u64 sum[__NFV_GSTEP_STAT_MAX] = {};
	struct nlattr *nest;
	unsigned int cpu, s;

	for_each_possible_cpu(cpu)
		for (s = 0; s < __NFV_GSTEP_STAT_MAX; s++)
			sum[s] += per_cpu_ptr(g->stats, cpu)->stat[s];
	nest = nla_nest_start(skb, NFV_GSTEP_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (s = NFV_GSTEP_STAT_SENT; s < __NFV_GSTEP_STAT_MAX; s++)
		if (nla_put_u64_64bit(skb, s, sum[s], NFV_GSTEP_STAT_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int nfv_gstep_fill_info(struct nfv_nf *nf, struct sk_buff *skb)
{
	struct nfv_gstep *g = nfv_nf_priv(nf);
	struct nfv_port *port;
	int err = 0;

	rcu_read_lock();
	port = nfv_gstep_port(nf);
	if (port)
		err = nla_put_string(skb, NFV_GSTEP_A_PORT, port->dev->name);
	if (!err)
		err = nla_put_u8(skb, NFV_GSTEP_A_UP, port && nfv_gstep_up(port) &&
				 !READ_ONCE(g->dead));
	rcu_read_unlock();
	if (err ||
	    nla_put_u8(skb, NFV_GSTEP_A_FAIL, READ_ONCE(g->fail_open) ?
		       NFV_GSTEP_FAIL_OPEN : NFV_GSTEP_FAIL_CLOSED) ||
	    nla_put_u32(skb, NFV_GSTEP_A_DEAD_MS, READ_ONCE(g->dead_ms)) ||
	    nla_put_u8(skb, NFV_GSTEP_A_DEAD, READ_ONCE(g->dead)))
		return -EMSGSIZE;
	return nfv_gstep_fill_stats(g, skb);
}

struct nfv_nf_type nfv_gstep_type = {
	.name = "guest",
	.owner = THIS_MODULE,
	.priv_size = sizeof(struct nfv_gstep),
	.flow_priv_size = sizeof(struct nfv_gstep_flow),
	.policy = nfv_gstep_policy,
	.maxattr = NFV_GSTEP_A_MAX,
	.create = nfv_gstep_create,
	.destroy = nfv_gstep_destroy,
	.process = nfv_gstep_process,
	.flow_destroy = nfv_gstep_flow_destroy,
	.configure = nfv_gstep_configure,
	.fill_info = nfv_gstep_fill_info,
	.port_event = nfv_gstep_port_event,
};
