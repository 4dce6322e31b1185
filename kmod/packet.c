// SPDX-License-Identifier: GPL-2.0
/*
 * The packet walk: RX hook -> parse -> flow lookup -> cached result (fast
 * path) or the ingress chain (slow path) -> output.
 */
#include <linux/etherdevice.h>
#include <net/tcp.h>

#include "core.h"

static void nfv_drop(struct nfv_pkt *pkt, enum nfv_drop reason)
{
	this_cpu_inc(pkt->dp->stats->drop[reason]);
	nfv_port_count(pkt->in, NFV_PSTAT_DROP_PACKETS, 1);
	kfree_skb(pkt->skb);
}

static rx_handler_result_t nfv_pass(struct nfv_pkt *pkt)
{
	nfv_count(pkt->dp, NFV_STAT_PASS_PACKETS, 1);
	nfv_port_count(pkt->in, NFV_PSTAT_PASS_PACKETS, 1);
	return RX_HANDLER_PASS;
}

static void nfv_flow_account(struct nfv_flow *flow, unsigned int dir,
			     const struct nfv_pkt *pkt)
{
	u32 now = jiffies;

	/*
	 * Plain adds: a flow direction arrives on one RX queue, so one CPU
	 * at a time; see Documentation/architecture.rst on the trade-off.
	 */
	flow->stats[dir].packets++;
	flow->stats[dir].bytes += pkt->skb->len;
	if (READ_ONCE(flow->used) != now)
		WRITE_ONCE(flow->used, now);
	if (unlikely(pkt->tcp_flags & (TCPHDR_FIN | TCPHDR_RST)) &&
	    pkt->key.proto == IPPROTO_TCP)
		WRITE_ONCE(flow->tmo, NFV_TMO_TCP_CLOSING);
}

/* A later fragment joins its datagram's flow; it never starts one. */
static void nfv_frag_join(struct nfv_pkt *pkt, struct nfv_flow *flow)
{
	if (flow) {
		nfv_count(pkt->dp, NFV_STAT_FRAGS_FOLLOWED, 1);
		return;
	}
	nfv_count(pkt->dp, NFV_STAT_FRAGS_UNKNOWN, 1);
	pkt->flags &= ~NFV_PKT_TRACK;
	pkt->key.sport = 0;
	pkt->key.dport = 0;
}

/*
 * A first fragment that goes through, or to a guest step's guest, leads
 * the rest of its datagram, which arrives with the addresses it had: a
 * translated packet is noted under its arrival key, the flow's key of its
 * direction. It leaves translated still, and an error about it quotes it
 * untranslated. One a guest sent back arrived translated, if its flow
 * translates, on the step's port: so do the rest, which follow it.
 */
static void nfv_frag_lead(struct nfv_pkt *pkt)
{
	u8 f = pkt->flags & (NFV_PKT_FRAG | NFV_PKT_FRAG_TAIL | NFV_PKT_TRACK);
	struct nfv_key buf, out;

	if (likely(f != (NFV_PKT_FRAG | NFV_PKT_TRACK)))
		return;
	if (!(pkt->flags & NFV_PKT_NAT) ||
	    (pkt->gstep & NFV_PKT_GSTEP_RESUMED)) {
		nfv_frag_note(pkt->dp, pkt);
		return;
	}
	out = pkt->key;
	memcpy(&pkt->key, nfv_flow_key(pkt->flow, pkt->dir, &buf),
	       nfv_key_len(&pkt->key));
	pkt->key.zone = out.zone;
	nfv_frag_note(pkt->dp, pkt);
	pkt->key = out;
}

/*
 * A NAT flow's packet leaves translated; an skb that cannot be made
 * writable, or too short for the headers to rewrite, is dropped. One that
 * a guest step's guest sent back was translated before it went.
 */
static bool nfv_nat(struct nfv_pkt *pkt, struct nfv_flow *flow,
		    unsigned int dir)
{
	int err;

	if (likely(!READ_ONCE(flow->nat[dir])) || (pkt->flags & NFV_PKT_NAT))
		return true;
	err = nfv_flow_nat_apply(pkt, flow, dir);
	if (likely(!err))
		return true;
	nfv_drop(pkt, err == -ENOMEM ? NFV_DROP_NOMEM : NFV_DROP_MALFORMED);
	return false;
}

static rx_handler_result_t nfv_forward(struct nfv_pkt *pkt,
				       struct dst_entry *dst)
{
	nfv_forward_xmit(pkt, dst);
	return RX_HANDLER_CONSUMED;
}

/*
 * A fast-path packet: counted in its flow, unless it is one the guest step
 * sent back (counted when it went to the guest).
 */
static void nfv_fast_account(struct nfv_pkt *pkt, struct nfv_flow *flow,
			     unsigned int dir)
{
	if (likely(!(pkt->gstep & NFV_PKT_GSTEP_RESUMED)))
		nfv_flow_account(flow, dir, pkt);
	nfv_count(pkt->dp, NFV_STAT_FAST_PACKETS, 1);
}

/*
 * A cached result: the flow's (gf NULL), or that of the chain after its
 * guest step (gf, the step's area). Returns false when the packet must
 * take the slow path.
 */
static bool nfv_fast_result(struct nfv_pkt *pkt, struct nfv_flow *flow,
			    unsigned int dir, struct nfv_gstep_flow *gf,
			    rx_handler_result_t *ret)
{
	struct dst_entry *dst;
	u32 cookie = 0;

	switch (gf ? READ_ONCE(gf->res[dir]) : READ_ONCE(flow->res[dir])) {
	case NFV_RES_FORWARD:
		dst = gf ? READ_ONCE(gf->dst[dir]) : READ_ONCE(flow->dst[dir]);
		if (!dst)
			return false;
		if (gf)
			cookie = READ_ONCE(gf->cookie[dir]);
		else if (nfv_flow_is_v6(flow))
			cookie = READ_ONCE(nfv_flow_cookies(flow)[dir]);
		if (dst->obsolete && !dst_check(dst, cookie)) {
			if (gf)
				nfv_gstep_invalidate(gf, dir, dst);
			else
				nfv_flow_invalidate(flow, dir, dst);
			return false;
		}
		nfv_fast_account(pkt, flow, dir);
		nfv_frag_lead(pkt);
		*ret = RX_HANDLER_CONSUMED;
		if (nfv_nat(pkt, flow, dir))
			*ret = nfv_forward(pkt, dst);
		return true;
	case NFV_RES_PASS:
		nfv_fast_account(pkt, flow, dir);
		nfv_frag_lead(pkt);
		*ret = RX_HANDLER_CONSUMED;
		if (nfv_nat(pkt, flow, dir))
			*ret = nfv_pass(pkt);
		return true;
	case NFV_RES_DROP:
		nfv_fast_account(pkt, flow, dir);
		nfv_drop(pkt, NFV_DROP_CHAIN);
		*ret = RX_HANDLER_CONSUMED;
		return true;
	default:
		return false;
	}
}

/*
 * What the steps a fast-path packet met saw, counted once its way is
 * settled: the step it came back from (@back, or -1), those it went past
 * while their guest is gone (@open).
 */
static void nfv_fast_guest_count(struct nfv_chain *chain, int back,
				 unsigned long open)
{
	unsigned int i;

	if (back >= 0)
		nfv_gstep_returned(chain->nf[back].nf);
	for_each_set_bit(i, &open, NFV_CHAIN_MAX)
		nfv_gstep_failed(chain->nf[i].nf, NFV_GSTEP_OPEN);
}

/*
 * To a step's guest, as the packet will leave the datapath: a NAT flow's
 * translated, so that what the guest sees is what the wire will carry and
 * what it sends back is found by that tuple (nfv_lookup_translated()).
 */
static void nfv_fast_send(struct nfv_pkt *pkt, struct nfv_flow *flow,
			  unsigned int dir, struct nfv_nf *nf)
{
	nfv_fast_account(pkt, flow, dir);
	nfv_frag_lead(pkt);
	if (!nfv_nat(pkt, flow, dir))
		return;
	if (unlikely(!nfv_gstep_send(nf, pkt)))
		nfv_drop(pkt, NFV_DROP_GUEST_DOWN);
}

/*
 * A flow of a chain with guest steps (gstep.c) whose walk reached one:
 * its packets go to the first step's guest; one that a guest sends back
 * takes the result the step's area cached for the chain after it, which
 * may be to go on to the next step. So do all of them past a step whose
 * guest is gone and which fails open. Whether the guest is there is asked
 * on every packet, so none is sent into a guest that left. Each step
 * visited comes after the last: the walk ends.
 */
static bool nfv_fast_guest(struct nfv_pkt *pkt, struct nfv_flow *flow,
			   unsigned int dir, rx_handler_result_t *ret)
{
	struct nfv_chain *chain = nfv_flow_chain(flow);
	unsigned long open = 0;
	enum nfv_gstep_way way;
	struct nfv_gstep_flow *gf;
	struct nfv_nf *nf;
	int i, back;
	bool visit;

	if (unlikely(!chain || chain->gstep < 0))
		return false;
	back = nfv_gstep_back(chain, pkt->in);
	if (back >= 0)
		pkt->gstep = NFV_PKT_GSTEP_RESUMED;
	i = back >= 0 ? back : chain->gstep;
	for (visit = back < 0; ; visit = true) {
		if (visit) {
			nf = chain->nf[i].nf;
			way = nfv_gstep_way(nf, pkt);
			switch (way) {
			case NFV_GSTEP_SEND:
				nfv_fast_guest_count(chain, back, open);
				nfv_fast_send(pkt, flow, dir, nf);
				*ret = RX_HANDLER_CONSUMED;
				return true;
			case NFV_GSTEP_CLOSED:
				nfv_fast_guest_count(chain, back, open);
				nfv_fast_account(pkt, flow, dir);
				nfv_gstep_failed(nf, way);
				nfv_drop(pkt, NFV_DROP_GUEST_DOWN);
				*ret = RX_HANDLER_CONSUMED;
				return true;
			case NFV_GSTEP_RETURNED:
				return false;	/* not after @back: see above */
			default:
				open |= BIT(i);
			}
		}
		gf = nfv_flow_priv(flow, chain, i);
		if (READ_ONCE(gf->res[dir]) != NFV_RES_GUEST)
			break;
		i = nfv_gstep_next(chain, i);
		if (i < 0)
			return false;
	}
	if (!nfv_fast_result(pkt, flow, dir, gf, ret))
		return false;
	nfv_fast_guest_count(chain, back, open);
	return true;
}

/* Returns false when the packet must take the slow path. */
static bool nfv_fast_path(struct nfv_pkt *pkt, struct nfv_flow *flow,
			  unsigned int dir, rx_handler_result_t *ret)
{
	u8 trap;

	trap = READ_ONCE(flow->tcp_trap);
	if ((pkt->tcp_flags & trap) || trap == NFV_TCP_TRAP_ALL)
		return false;
	if (READ_ONCE(flow->res[dir]) == NFV_RES_GUEST)
		return nfv_fast_guest(pkt, flow, dir, ret);
	return nfv_fast_result(pkt, flow, dir, NULL, ret);
}

/*
 * The chain that owns a flow: the one that made it, on the port its first
 * packet used, even once the port has another. A flow made without one
 * (KUnit's) takes the port's.
 */
static struct nfv_chain *nfv_flow_owner_chain(struct nfv_pkt *pkt,
					      struct nfv_flow *flow)
{
	struct nfv_chain *chain = nfv_flow_owner(flow);
	struct nfv_port *port;

	if (chain)
		return chain;
	port = idr_find(&pkt->dp->port_ids, flow->in_port);
	return port ? rcu_dereference(port->chain) : NULL;
}

static u8 nfv_verdict_result(enum nfv_verdict v)
{
	switch (v) {
	case NFV_FORWARD:
		return NFV_RES_FORWARD;
	case NFV_PASS:
		return NFV_RES_PASS;
	case NFV_DROP:
		return NFV_RES_DROP;
	case NFV_GUEST:
		return NFV_RES_GUEST;
	default:
		return NFV_RES_NONE;
	}
}

/*
 * Replies arrive on the port the original direction leaves by, keyed with
 * its zone; a reply that comes through the host stack has none.
 */
static u16 nfv_reply_zone(struct nfv_pkt *pkt, struct dst_entry *dst)
{
	struct nfv_port *out = dst ? nfv_port_rcu(pkt->dp, dst->dev) : NULL;

	return out ? out->zone : pkt->key.zone;
}

/* A new flow that will not stay; a claimed one is in the table already. */
static void nfv_new_flow_drop(struct nfv_pkt *pkt)
{
	if (pkt->flags & NFV_PKT_NAT)
		nfv_flow_discard(&pkt->dp->table, pkt->flow);
	else
		nfv_flow_free(&pkt->dp->table, pkt->flow);
}

/*
 * The walk began after guest step @start - 1 (at the chain's start if
 * @start is 0) and went past the steps in pkt->gstep_passed: each caches,
 * in its area, what follows it up to the next one passed, NFV_RES_GUEST
 * (on to that step), and the last one the walk's result @res. Returns the
 * flow's own result: NFV_RES_GUEST if the walk began at the start and
 * went past a step, else @res. Sets *owned if a step took over @dst.
 */
static u8 nfv_gstep_cache(struct nfv_pkt *pkt, unsigned int start, u8 res,
			  struct dst_entry *dst, bool *owned)
{
	struct nfv_chain *chain = nfv_flow_chain(pkt->flow);
	unsigned long passed = pkt->gstep_passed;
	int owner = (int)start - 1;
	u8 flow_res = res;
	unsigned int i;

	for_each_set_bit(i, &passed, NFV_CHAIN_MAX) {
		if (owner < 0)
			flow_res = NFV_RES_GUEST;
		else if (!pkt->nocache)
			nfv_gstep_set_result(nfv_flow_priv(pkt->flow, chain,
							   owner),
					     pkt->dir, NFV_RES_GUEST, NULL, 0);
		owner = i;
	}
	if (owner >= 0 && !pkt->nocache && res != NFV_RES_NONE)
		*owned = nfv_gstep_set_result(nfv_flow_priv(pkt->flow, chain,
							    owner),
					      pkt->dir, res, dst, pkt->cookie);
	return flow_res;
}

/*
 * Caches the verdict in the flow and inserts a new flow, unless its NF
 * claimed it (inserted it) already. Returns true if the flow took over
 * the reference on pkt->dst.
 */
static bool nfv_slow_commit(struct nfv_pkt *pkt, enum nfv_verdict v,
			    struct nfv_flow *old, unsigned int start)
{
	struct nfv_flow *flow = pkt->flow;
	u8 res = nfv_verdict_result(v), last = res;
	struct dst_entry *dst = res == NFV_RES_FORWARD ? pkt->dst : NULL;
	bool owned = false;

	if (unlikely(start || pkt->gstep_passed)) {
		/*
		 * The chain after a guest step decided: its result is the
		 * step's to keep; the flow's own, when the walk began before
		 * the step, is to go to the guest.
		 */
		res = nfv_gstep_cache(pkt, start, res, dst, &owned);
		if (start)
			return owned;
		dst = NULL;
	}
	if (pkt->new_flow) {
		/* The new chain refused a connection: its replies stop too. */
		if (old && res == NFV_RES_DROP &&
		    pkt->drop_reason == NFV_DROP_CHAIN)
			nfv_flow_delete(&pkt->dp->table, old, NFV_EVENT_DEL);
		/* Only flows that pass are remembered: drops cost no entry. */
		if (pkt->nocache || (last != NFV_RES_FORWARD &&
				     last != NFV_RES_PASS &&
				     last != NFV_RES_GUEST)) {
			nfv_new_flow_drop(pkt);
			return owned;
		}
		nfv_flow_set_result(flow, pkt->dir, res, dst, pkt->cookie);
		owned |= dst != NULL;
		if (pkt->flags & NFV_PKT_NAT) {
			nfv_flow_nat_commit(flow);
			/*
			 * Its reply zone was the NF's to say. Evicted or
			 * flushed since the claim: it never was, to listeners.
			 */
			if (READ_ONCE(flow->flags) & NFV_FLOW_DYING)
				return owned;
		} else {
			nfv_flow_set_reply_zone(flow, nfv_reply_zone(pkt, dst));
			if (__nfv_flow_insert(&pkt->dp->table, flow,
					      pkt->hash)) {
				/* Another CPU won the race; its entry stands. */
				nfv_flow_free(&pkt->dp->table, flow);
				return owned;
			}
		}
		nfv_count(pkt->dp, NFV_STAT_FLOWS_CREATED, 1);
		nfv_notify_flow(pkt->dp, flow, NFV_EVENT_NEW);
		return owned;
	}
	if (pkt->nocache || res == NFV_RES_NONE)
		return owned;
	nfv_flow_set_result(flow, pkt->dir, res, dst, pkt->cookie);
	return owned || dst != NULL;
}

/*
 * A packet of a flow that arrives on the port of one of its chain's guest
 * steps came back from that guest: it runs the chain after the step. Any
 * other packet on that port (one the guest made, or rewrote) is the
 * port's own.
 */
static unsigned int nfv_slow_start(struct nfv_pkt *pkt,
				   struct nfv_chain *chain)
{
	int back;

	if (likely(chain->gstep < 0) || !pkt->flow ||
	    nfv_flow_chain(pkt->flow) != chain)
		return 0;
	back = nfv_gstep_back(chain, pkt->in);
	if (back < 0)
		return 0;
	nfv_gstep_returned(chain->nf[back].nf);
	pkt->gstep = NFV_PKT_GSTEP_RESUMED;
	return back + 1;
}

/*
 * A NAT flow's first packet whose guest step waited for the NAT
 * (gstep.c): if the walk let it through and its flow is kept, it takes
 * the detour now, translated; what the guest sends back takes the result
 * the walk cached in the step's area.
 */
static enum nfv_verdict nfv_slow_deferred(struct nfv_pkt *pkt,
					  enum nfv_verdict v)
{
	if ((v != NFV_FORWARD && v != NFV_PASS) || pkt->nocache ||
	    pkt->gstep_to == NFV_PKT_GSTEP_NONE)
		return v;
	return NFV_GUEST;
}

/*
 * A flow whose port's chain was replaced (nfv_port_set_chain()). In its
 * original direction it is a miss (nfv_port_receive()): the port's new
 * chain decides the connection again, and the flow it makes replaces this
 * one where their keys meet (nfv_flow_link2()). Its replies keep the old
 * chain's cached result meanwhile, and here run the old chain, which the
 * flow holds, with or without NF state: a reply that comes before any
 * other finds the decision its flow's chain makes for it. A flow made
 * without a chain (KUnit's) goes, as a flush would have deleted it, and
 * the reply is a miss (a later fragment an unknown one).
 */
static struct nfv_flow *nfv_superseded(struct nfv_pkt *pkt,
				       struct nfv_flow *flow)
{
	if (READ_ONCE(flow->flags) & NFV_FLOW_CHAIN)
		return flow;
	nfv_flow_delete(&pkt->dp->table, flow, NFV_EVENT_DEL);
	if (pkt->flags & NFV_PKT_FRAG_TAIL)
		pkt->flags &= ~NFV_PKT_TRACK;
	return NULL;
}

/*
 * @old: a superseded flow the packet's key found in its original
 * direction, which the new flow replaces.
 */
static rx_handler_result_t nfv_slow_path(struct nfv_pkt *pkt,
					 struct nfv_flow *flow,
					 unsigned int dir, struct nfv_flow *old)
{
	struct nfv_chain *chain;
	rx_handler_result_t ret;
	unsigned int start;
	enum nfv_verdict v;
	bool owned;

	if (flow && unlikely(nfv_flow_superseded(flow)))
		flow = nfv_superseded(pkt, flow);
	/* Claimed on another CPU, whose NFs are not done with it yet. */
	if (flow && unlikely(nfv_flow_pending(flow))) {
		nfv_drop(pkt, NFV_DROP_PENDING);
		return RX_HANDLER_CONSUMED;
	}
	chain = flow ? nfv_flow_owner_chain(pkt, flow) :
		       rcu_dereference(pkt->in->chain);
	if (!chain)
		return nfv_pass(pkt);	/* a port without a chain is inert */

	nfv_count(pkt->dp, NFV_STAT_SLOW_PACKETS, 1);
	pkt->flow = flow;
	pkt->dir = dir;
	pkt->new_flow = false;
	pkt->nocache = false;
	pkt->dst = NULL;
	pkt->cookie = 0;
	pkt->drop_reason = NFV_DROP_CHAIN;
	pkt->related = NULL;
	pkt->gstep = 0;
	pkt->gstep_to = NFV_PKT_GSTEP_NONE;
	pkt->gstep_passed = 0;
	start = nfv_slow_start(pkt, chain);

	/* An error about a NAT flow: the chain sees it translated too. */
	if (unlikely(pkt->flags & NFV_PKT_ICMP_ERR)) {
		int err = nfv_icmp_nat_error(pkt);

		if (err) {
			nfv_drop(pkt, err == -ENOMEM ? NFV_DROP_NOMEM :
				 NFV_DROP_MALFORMED);
			return RX_HANDLER_CONSUMED;
		}
	}
	if (!flow && (pkt->flags & NFV_PKT_TRACK)) {
		flow = nfv_flow_alloc(&pkt->dp->table, &pkt->key, chain,
				      pkt->in->port_no);
		if (IS_ERR(flow)) {
			nfv_drop(pkt, PTR_ERR(flow) == -ENOSPC ?
				 NFV_DROP_TABLE_FULL : NFV_DROP_NOMEM);
			return RX_HANDLER_CONSUMED;
		}
		pkt->flow = flow;
		pkt->dir = NFV_DIR_ORIG;
		pkt->new_flow = true;
	} else if (flow && dir == NFV_DIR_REPLY &&
		   READ_ONCE(flow->tmo) == NFV_TMO_TCP_OPENING) {
		WRITE_ONCE(flow->tmo, NFV_TMO_TCP);
	}
	/* One sent back by the guest was counted when it went. */
	if (flow && !start)
		nfv_flow_account(flow, pkt->dir, pkt);
	/* A NAT flow's later packets: the whole chain sees them translated. */
	if (flow && !pkt->new_flow && !nfv_nat(pkt, flow, dir))
		return RX_HANDLER_CONSUMED;

	v = nfv_chain_run(chain, pkt, start);
	if (v == NFV_FORWARD && WARN_ON_ONCE(!pkt->dst))
		v = NFV_DROP;
	owned = flow && v != NFV_STOLEN && nfv_slow_commit(pkt, v, old, start);
	if (v == NFV_STOLEN && pkt->new_flow)
		nfv_new_flow_drop(pkt);
	if (unlikely(pkt->gstep & NFV_PKT_GSTEP_DEFER))
		v = nfv_slow_deferred(pkt, v);

	switch (v) {
	case NFV_FORWARD:
		nfv_frag_lead(pkt);
		/* Under RCU the route outlives the flow that holds it. */
		nfv_forward_xmit(pkt, pkt->dst);
		ret = RX_HANDLER_CONSUMED;
		break;
	case NFV_PASS:
		nfv_frag_lead(pkt);
		ret = nfv_pass(pkt);
		break;
	case NFV_STOLEN:
		ret = RX_HANDLER_CONSUMED;
		break;
	case NFV_GUEST:
		/*
		 * After the commit: what the guest sends back finds it. The
		 * rest of a datagram follows its first fragment there.
		 */
		nfv_frag_lead(pkt);
		if (!nfv_gstep_send(chain->nf[pkt->gstep_to].nf, pkt))
			nfv_drop(pkt, NFV_DROP_GUEST_DOWN);
		ret = RX_HANDLER_CONSUMED;
		break;
	default:
		nfv_drop(pkt, pkt->drop_reason);
		ret = RX_HANDLER_CONSUMED;
		break;
	}
	if (pkt->dst && !owned)
		dst_release(pkt->dst);
	return ret;
}

/*
 * A packet a guest step's guest sent back on @pkt->in, which missed: a NAT
 * flow's packets go to the guest translated (nfv_fast_send()), so the key
 * it comes back with is neither of its flow's, but its inversion is the
 * other direction's, the reply key the flow stores or its original. Found
 * so, it is that flow's if the flow's chain has a step on the port, and it
 * is translated already (NFV_PKT_NAT). Under RCU.
 */
static struct nfv_flow *nfv_lookup_translated(struct nfv_pkt *pkt,
					      unsigned int *dir)
{
	struct nfv_chain *chain;
	struct nfv_flow *flow;
	struct nfv_key inv;
	unsigned int d;

	if (likely(!nfv_gstep_capable(pkt->in->dev)))
		return NULL;
	nfv_key_invert(&inv, &pkt->key);
	flow = nfv_flow_lookup(&pkt->dp->table, &inv, &d);
	if (!flow || !(READ_ONCE(flow->nat[!d]) & NFV_NAT_FIELDS))
		return NULL;
	chain = nfv_flow_chain(flow);
	if (!chain || chain->gstep < 0 || nfv_gstep_back(chain, pkt->in) < 0)
		return NULL;
	*dir = !d;
	pkt->flags |= NFV_PKT_NAT;
	pkt->flow = flow;
	pkt->dir = !d;
	return flow;
}

rx_handler_result_t nfv_rx_handler(struct sk_buff **pskb)
{
	return nfv_port_receive(rcu_dereference((*pskb)->dev->rx_handler_data),
				pskb);
}

/* A frame received on @port: from its RX handler, or a guest's (guest.c). */
rx_handler_result_t nfv_port_receive(struct nfv_port *port,
				     struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	rx_handler_result_t ret;
	struct nfv_flow *flow = NULL, *old = NULL;
	struct nfv_pkt pkt;
	unsigned int dir = 0;
	int err;

	if (unlikely(skb->pkt_type == PACKET_LOOPBACK))
		return RX_HANDLER_PASS;

	pkt.dp = port->dp;
	pkt.in = port;
	pkt.gstep = 0;
	nfv_count(pkt.dp, NFV_STAT_RX_PACKETS, 1);
	nfv_count(pkt.dp, NFV_STAT_RX_BYTES, skb->len);
	nfv_port_count(port, NFV_PSTAT_RX_PACKETS, 1);
	nfv_port_count(port, NFV_PSTAT_RX_BYTES, skb->len);

	pkt.skb = skb;
	if (skb->pkt_type != PACKET_HOST)
		return nfv_pass(&pkt);	/* broadcast, multicast, ARP */

	skb = skb_share_check(skb, GFP_ATOMIC);
	if (unlikely(!skb)) {
		this_cpu_inc(pkt.dp->stats->drop[NFV_DROP_NOMEM]);
		return RX_HANDLER_CONSUMED;
	}
	*pskb = skb;

	err = nfv_parse(skb, &pkt, port->zone);
	if (err == -EPROTONOSUPPORT) {
		if (pkt.flags & NFV_PKT_VLAN)
			nfv_count(pkt.dp, NFV_STAT_VLAN_PASSED, 1);
		return nfv_pass(&pkt);
	}
	if (unlikely(err)) {
		nfv_drop(&pkt, err == -ENOMEM ? NFV_DROP_NOMEM :
			 NFV_DROP_MALFORMED);
		return RX_HANDLER_CONSUMED;
	}
	if (pkt.flags & NFV_PKT_HOST)
		return nfv_pass(&pkt);

	if (unlikely(pkt.flags & NFV_PKT_FRAG_TAIL))
		nfv_frag_follow(pkt.dp, &pkt);
	if (pkt.flags & NFV_PKT_TRACK) {
		pkt.hash = nfv_flow_hash(&pkt.dp->table, &pkt.key);
		flow = __nfv_flow_lookup(&pkt.dp->table, &pkt.key, pkt.hash,
					 &dir);
		if (unlikely(!flow))
			flow = nfv_lookup_translated(&pkt, &dir);
		/* See nfv_superseded(): a later fragment is an unknown one. */
		if (flow && unlikely(nfv_flow_superseded(flow)) &&
		    dir == NFV_DIR_ORIG) {
			old = flow;
			flow = NULL;
		}
		if (unlikely(pkt.flags & NFV_PKT_FRAG_TAIL))
			nfv_frag_join(&pkt, flow);
		if (flow && nfv_fast_path(&pkt, flow, dir, &ret))
			return ret;
	}
	return nfv_slow_path(&pkt, flow, dir, old);
}
