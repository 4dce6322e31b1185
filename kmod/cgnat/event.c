// SPDX-License-Identifier: GPL-2.0
/*
 * nfv_cgnat's events (enum nfv_cgnat_event): port blocks given and taken
 * back, and the limits a subscriber or the instance ran into, for the
 * logging RFC 6888 asks of a CGN: who had which public address and ports
 * when. Never an outside host's address (REQ-12).
 *
 * The tables change under cg->lock, where no message is built: the
 * events are queued in the instance (cg->evq) and the lock's holder takes
 * them out before it unlocks, then sends them (cg_ev_take(),
 * cg_ev_send()). A queue that overflows, or a message that cannot be
 * allocated, loses the event and counts it (events_lost).
 */
#include <linux/ktime.h>
#include <net/netlink.h>

#include "cgnat.h"

/* The largest event: every attribute. */
#define CG_EV_SIZE	(nla_total_size(1) * 2 +			\
			 nla_total_size_64bit(8) +			\
			 nla_total_size(4) * 4 +			\
			 nla_total_size(2) * 5)

void cg_ev_init(struct nfv_nf *nf, struct cg_inst *cg, struct nlattr **tb)
{
	cg->nf = nf;
	if (tb[NFV_CGNAT_A_SESSION_EVENTS])
		cg->session_events = nla_get_u8(tb[NFV_CGNAT_A_SESSION_EVENTS]);
	if (tb[NFV_CGNAT_A_POOL_ID])
		cg->pool_id = nla_get_u32(tb[NFV_CGNAT_A_POOL_ID]);
	/* A subscriber out of ports keeps trying: 100 limit events a second. */
	ratelimit_state_init(&cg->ev_rs, HZ, 100);
	ratelimit_set_flags(&cg->ev_rs, RATELIMIT_MSG_ON_RELEASE);
}

/* A new event in the queue, or NULL: nobody listens, or it is full. */
static struct cg_ev *cg_ev_add(struct cg_inst *cg, u8 type, __be32 inside,
			       u16 zone)
{
	struct cg_ev *ev;

	if (!nfv_nf_event_wanted(cg->nf))
		return NULL;
	if (cg->evq.n >= CG_EVQ_LEN) {
		cg_count(cg, NFV_CGNAT_STAT_EVENTS_LOST);
		return NULL;
	}
	ev = &cg->evq.ev[cg->evq.n++];
	*ev = (struct cg_ev){
		.time = ktime_to_ms(ktime_get_real()),
		.type = type,
		.inside = inside,
		.zone = zone,
		.pool_id = cg->pool_id,
	};
	return ev;
}

/* Block blk of the subscriber's address: given to it, or taken back. */
void cg_ev_block(struct cg_inst *cg, u8 type, const struct cg_sub *sub,
		 unsigned int blk)
{
	const struct cg_blocks *bs = &cg->addrs[sub->pub].blocks;
	struct cg_ev *ev = cg_ev_add(cg, type, sub->addr, sub->zone);

	if (!ev)
		return;
	ev->pub = cg_addr_of(cg, sub->pub);
	ev->first = cg_block_first(bs, blk);
	ev->last = ev->first + bs->size - 1;
}

/*
 * A new flow refused for a limit (an exhausted NFV_CGNAT_STAT_* reason) of
 * the subscriber k is from; sub, if it has one.
 */
void cg_ev_limit(struct cg_inst *cg, int reason, const struct nfv_key *k,
		 const struct cg_sub *sub)
{
	struct cg_ev *ev;
	u32 limit = 0;
	u8 type;

	switch (reason) {
	case NFV_CGNAT_STAT_NO_ADDRESS:
		type = NFV_CGNAT_EV_ADDRESS_EXHAUSTED;
		break;
	case NFV_CGNAT_STAT_NO_BLOCK:
		type = NFV_CGNAT_EV_PORTS_EXHAUSTED;
		break;
	case NFV_CGNAT_STAT_NO_PORT:
		/* Deterministic mode: its range, max-blocks does not apply. */
		type = NFV_CGNAT_EV_QUOTA_PORTS;
		limit = cg->mode == NFV_CGNAT_MODE_DETERMINISTIC ?
			cg->det.ports : cg->max_blocks * cg->block_size;
		break;
	case NFV_CGNAT_STAT_SESSION_LIMIT:
		type = NFV_CGNAT_EV_QUOTA_SESSIONS;
		limit = cg->max_sessions;
		break;
	case NFV_CGNAT_STAT_SUBSCRIBER_LIMIT:
		type = NFV_CGNAT_EV_QUOTA_SUBSCRIBERS;
		limit = cg->max_subs;
		break;
	case NFV_CGNAT_STAT_MAPPING_LIMIT:
		type = NFV_CGNAT_EV_QUOTA_MAPPINGS;
		limit = cg->max_maps;
		break;
	default:
		return;
	}
	if (!nfv_nf_event_wanted(cg->nf) || !__ratelimit(&cg->ev_rs))
		return;
	ev = cg_ev_add(cg, type, sub ? sub->addr : k->addr.v4.src,
		       sub ? sub->zone : k->zone);
	if (!ev)
		return;
	ev->limit = limit;
	if (sub)
		ev->pub = cg_addr_of(cg, sub->pub);
}

/* A flow of the mapping came or went, if the instance reports them. */
void cg_ev_session(struct cg_inst *cg, u8 type, const struct cg_map *map)
{
	struct cg_ev *ev;

	if (!cg->session_events)
		return;
	ev = cg_ev_add(cg, type, map->addr, map->zone);
	if (!ev)
		return;
	ev->pub = cg_addr_of(cg, cg_map_pub(map));
	ev->proto = map->proto;
	ev->port = map->port;
	ev->pub_port = map->pub_port;
}

/* Under cg->lock: the queued events move to q, the caller's. */
void cg_ev_take(struct cg_inst *cg, struct cg_evq *q)
{
	q->n = cg->evq.n;
	if (q->n)
		memcpy(q->ev, cg->evq.ev, q->n * sizeof(q->ev[0]));
	cg->evq.n = 0;
}

static int cg_ev_fill(struct sk_buff *skb, const void *arg)
{
	const struct cg_ev *ev = arg;

	if (nla_put_u8(skb, NFV_CGNAT_EV_A_TYPE, ev->type) ||
	    nla_put_u64_64bit(skb, NFV_CGNAT_EV_A_TIME, ev->time,
			      NFV_CGNAT_EV_A_PAD) ||
	    nla_put_in_addr(skb, NFV_CGNAT_EV_A_INSIDE, ev->inside) ||
	    nla_put_u16(skb, NFV_CGNAT_EV_A_ZONE, ev->zone))
		return -EMSGSIZE;
	if (ev->pub && nla_put_in_addr(skb, NFV_CGNAT_EV_A_PUBLIC, ev->pub))
		return -EMSGSIZE;
	if (ev->first &&
	    (nla_put_u16(skb, NFV_CGNAT_EV_A_PORT_FIRST, ev->first) ||
	     nla_put_u16(skb, NFV_CGNAT_EV_A_PORT_LAST, ev->last)))
		return -EMSGSIZE;
	if (ev->limit && nla_put_u32(skb, NFV_CGNAT_EV_A_LIMIT, ev->limit))
		return -EMSGSIZE;
	if (ev->pool_id &&
	    nla_put_u32(skb, NFV_CGNAT_EV_A_POOL_ID, ev->pool_id))
		return -EMSGSIZE;
	if (ev->proto &&
	    (nla_put_u8(skb, NFV_CGNAT_EV_A_PROTO, ev->proto) ||
	     nla_put_be16(skb, NFV_CGNAT_EV_A_INSIDE_PORT, ev->port) ||
	     nla_put_be16(skb, NFV_CGNAT_EV_A_PUBLIC_PORT, ev->pub_port)))
		return -EMSGSIZE;
	return 0;
}

/* Sends what cg_ev_take() took, outside the lock; softirq or process. */
void cg_ev_send(struct cg_inst *cg, const struct cg_evq *q)
{
	unsigned int i;

	for (i = 0; i < q->n; i++)
		if (nfv_nf_event(cg->nf, CG_EV_SIZE, cg_ev_fill, &q->ev[i],
				 GFP_ATOMIC))
			cg_count(cg, NFV_CGNAT_STAT_EVENTS_LOST);
}
