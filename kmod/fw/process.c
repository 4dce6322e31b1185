// SPDX-License-Identifier: GPL-2.0
/*
 * The packet path: track the connection, classify the packet with its
 * state, admit new flows under the zone limits, and tell the core which
 * of the flow's packets the firewall must see next.
 */
#include <linux/hash.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/in.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>
#include <net/tcp.h>

#include "fw.h"

#define FW_TRAP_ESTABLISHED	(TCPHDR_SYN | TCPHDR_FIN | TCPHDR_RST)
/* Every segment, with or without flags, as conntrack judges each one. */
#define FW_TRAP_ALL		NFV_TCP_TRAP_ALL

/* conntrack's timeouts: SYN_SENT2, a simultaneous open, as SYN_SENT. */
static const u8 fw_tcp_tmo[FW_TCP_NSTATES] = {
	[FW_TCP_NONE]		= NFV_TMO_TCP_SYN_SENT,
	[FW_TCP_SYN_SENT]	= NFV_TMO_TCP_SYN_SENT,
	[FW_TCP_SYN_RECV]	= NFV_TMO_TCP_SYN_RECV,
	[FW_TCP_SYN_SENT2]	= NFV_TMO_TCP_SYN_SENT,
	[FW_TCP_ESTABLISHED]	= NFV_TMO_TCP_ESTABLISHED,
	[FW_TCP_FIN_WAIT]	= NFV_TMO_TCP_FIN_WAIT,
	[FW_TCP_CLOSE_WAIT]	= NFV_TMO_TCP_CLOSE_WAIT,
	[FW_TCP_LAST_ACK]	= NFV_TMO_TCP_LAST_ACK,
	[FW_TCP_TIME_WAIT]	= NFV_TMO_TCP_TIME_WAIT,
	[FW_TCP_CLOSE]		= NFV_TMO_TCP_CLOSE,
};

static const u8 fw_state_stat[FW_CT_NSTATES] = {
	[FW_CT_NEW]		= NFV_FW_STAT_NEW,
	[FW_CT_ESTABLISHED]	= NFV_FW_STAT_ESTABLISHED,
	[FW_CT_RELATED]		= NFV_FW_STAT_RELATED,
	[FW_CT_INVALID]		= NFV_FW_STAT_INVALID,
};

static const u8 *fw_l4(const struct nfv_pkt *pkt)
{
	return pkt->l4 ? pkt->skb->data + pkt->l4 : NULL;
}

static void fw_key_build(const struct nfv_pkt *pkt, int state,
			 struct fw_key *k)
{
	const struct nfv_key *key = &pkt->key;
	const u8 *l4 = fw_l4(pkt);

	memset(k, 0, sizeof(*k));
	k->in_port = nfv_pkt_in_port(pkt);
	k->proto = key->proto;
	k->state = state + 1;
	if (key->flags & NFV_KEY_V6) {
		k->family = AF_INET6;
		memcpy(k->src, &key->addr.v6.src, 16);
		memcpy(k->dst, &key->addr.v6.dst, 16);
	} else {
		k->family = AF_INET;
		k->src[0] = key->addr.v4.src;
		k->dst[0] = key->addr.v4.dst;
	}
	if (!l4) {
		/* A later fragment: the ports of its first, if known. */
		if (key->proto != IPPROTO_ICMP && key->proto != IPPROTO_ICMPV6) {
			k->sport = ntohs(key->sport);
			k->dport = ntohs(key->dport);
		}
		return;
	}
	if (key->proto == IPPROTO_ICMP || key->proto == IPPROTO_ICMPV6) {
		k->sport = l4[0];	/* type and code, pulled by the parser */
		k->dport = l4[1];
	} else {
		k->sport = ntohs(key->sport);
		k->dport = ntohs(key->dport);
		if (key->proto == IPPROTO_TCP)
			k->tcp_flags = pkt->tcp_flags;
	}
}

/* The segment's summary for the state machine; false if truncated. */
static bool fw_tcp_seg(struct nfv_pkt *pkt, struct fw_tcp_seg *seg)
{
	struct sk_buff *skb = pkt->skb;
	const struct tcphdr *th = (const void *)fw_l4(pkt);
	unsigned int hlen = th->doff * 4, off;
	const u8 *opt;

	if (!pskb_may_pull(skb, pkt->l4 + hlen))
		return false;
	th = (const void *)fw_l4(pkt);
	seg->seq = ntohl(th->seq);
	seg->ack = ntohl(th->ack_seq);
	seg->win = ntohs(th->window);
	seg->flags = pkt->tcp_flags;
	seg->len = skb->len - pkt->l4 - hlen;
	seg->wscale = FW_NOSCALE;
	if (!th->syn)
		return true;
	opt = (const u8 *)(th + 1);
	for (off = 0; off < hlen - sizeof(*th);) {
		if (opt[off] == TCPOPT_EOL)
			break;
		if (opt[off] == TCPOPT_NOP) {
			off++;
			continue;
		}
		if (off + 1 >= hlen - sizeof(*th) || opt[off + 1] < 2)
			break;
		if (opt[off] == TCPOPT_WINDOW && opt[off + 1] == 3 &&
		    off + 2 < hlen - sizeof(*th))
			seg->wscale = opt[off + 2];
		off += opt[off + 1];
	}
	return true;
}

/*
 * A segment that changes the state must carry a good checksum, or the
 * endpoint discards what the firewall believed (a forged RST would close
 * the flow here only). Fragments are checked by whoever reassembles them.
 */
static bool fw_tcp_csum_ok(struct nfv_pkt *pkt)
{
	struct sk_buff *skb = pkt->skb;
	const struct nfv_key *key = &pkt->key;
	unsigned int len = skb->len - pkt->l4;
	__wsum csum;

	if (!(pkt->tcp_flags & (TCPHDR_SYN | TCPHDR_FIN | TCPHDR_RST)) ||
	    (pkt->flags & NFV_PKT_FRAG) || skb_csum_unnecessary(skb))
		return true;
	csum = skb_checksum(skb, pkt->l4, len, 0);
	if (key->flags & NFV_KEY_V6)
		return !csum_ipv6_magic(&key->addr.v6.src, &key->addr.v6.dst,
					len, IPPROTO_TCP, csum);
	return !csum_tcpudp_magic(key->addr.v4.src, key->addr.v4.dst, len,
				  IPPROTO_TCP, csum);
}

static int fw_track_tcp(struct fw_inst *fw, struct nfv_pkt *pkt,
			struct fw_ct *ct)
{
	unsigned int how = READ_ONCE(fw->tcp_loose) ? FW_CT_LOOSE : 0;
	struct fw_tcp_seg seg;
	u64 bytes[2], slack[2] = {};
	unsigned int d;
	int state;

	if (!fw_tcp_seg(pkt, &seg) || !fw_tcp_csum_ok(pkt))
		return FW_CT_INVALID;
	for (d = 0; d < 2; d++) {
		bytes[d] = nfv_flow_bytes(pkt->flow, d);
		if (!pkt->new_flow)
			slack[d] = fw_ct_slack(ct, d, bytes[d]);
	}
	if (pkt->new_flow)
		how |= FW_CT_FIRST;
	/* The core counted this segment already: it is not slack. */
	slack[pkt->dir] -= min_t(u64, slack[pkt->dir], pkt->skb->len);
	state = fw_ct_tcp(ct, pkt->dir, how, &seg, slack);
	if (state == FW_CT_INVALID)
		return state;
	for (d = 0; d < 2; d++)
		fw_ct_sync(ct, d, bytes[d]);
	return state;
}

static enum fw_gen_kind fw_icmp_kind(const struct nfv_pkt *pkt)
{
	const u8 *l4 = fw_l4(pkt);

	if (!l4)
		return FW_GEN_DATA;
	switch (l4[0] | (pkt->key.proto == IPPROTO_ICMPV6) << 8) {
	case ICMP_ECHO:
	case ICMP_TIMESTAMP:
	case ICMP_INFO_REQUEST:
	case ICMPV6_ECHO_REQUEST | 1 << 8:
		return FW_GEN_REQUEST;
	case ICMP_ECHOREPLY:
	case ICMP_TIMESTAMPREPLY:
	case ICMP_INFO_REPLY:
	case ICMPV6_ECHO_REPLY | 1 << 8:
		return FW_GEN_REPLY;
	}
	return FW_GEN_DATA;
}

static int fw_track(struct fw_inst *fw, struct nfv_pkt *pkt,
		    struct fw_ct *ct)
{
	switch (pkt->key.proto) {
	case IPPROTO_TCP:
		return fw_track_tcp(fw, pkt, ct);
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return fw_ct_gen(ct, pkt->dir, pkt->new_flow, fw_icmp_kind(pkt));
	default:
		return fw_ct_gen(ct, pkt->dir, pkt->new_flow, FW_GEN_DATA);
	}
}

/*
 * Established flows leave data to the fast path once both sides were
 * seen (a picked-up flow waits for its answer) and no RST is held: the
 * segment after a held RST tells whether the connection lives on. Only
 * such a flow is spared by early drop (conntrack's ASSURED): a flow one
 * forged ACK picked up is not.
 */
static void fw_tcp_update(struct nfv_flow *flow, const struct fw_ct *ct)
{
	bool answered = ct->dflags[1] & FW_DIR_INIT;
	bool open = ct->state == FW_TCP_ESTABLISHED && answered &&
		    !(ct->flags & FW_CT_RST_HELD);
	u8 tmo = ct->state < FW_TCP_NSTATES ? fw_tcp_tmo[ct->state] :
		 NFV_TMO_TCP_OPENING;

	if (ct->flags & FW_CT_RST_HELD)
		tmo = NFV_TMO_TCP_CLOSE;
	else if (!answered)
		tmo = NFV_TMO_TCP_OPENING;
	nfv_flow_set_tcp_trap(flow, open ? FW_TRAP_ESTABLISHED : FW_TRAP_ALL);
	nfv_flow_set_assured(flow, open);
	nfv_flow_set_timeout(flow, tmo);
}

/*
 * Which packets the firewall sees next, when the flow expires and whether
 * early drop spares it: a TCP flow as above, any other once a reply
 * passed. ct holds only what the firewall accepted, never a refused reply.
 */
static void fw_flow_update(struct nfv_pkt *pkt, const struct fw_ct *ct)
{
	struct nfv_flow *flow = pkt->flow;

	switch (pkt->key.proto) {
	case IPPROTO_TCP:
		fw_tcp_update(flow, ct);
		return;
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		nfv_flow_set_timeout(flow, ct->state == FW_GEN_REPLIED ?
				     NFV_TMO_UDP : NFV_TMO_UDP_UNREPLIED);
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		nfv_flow_set_timeout(flow, NFV_TMO_ICMP);
		break;
	default:
		nfv_flow_set_timeout(flow, NFV_TMO_OTHER);
	}
	nfv_flow_set_assured(flow, ct->state == FW_GEN_REPLIED);
}

/* Half-open, as the limit counts: a handshake begun, not completed. */
static bool fw_tcp_half_open(u8 state)
{
	return state == FW_TCP_SYN_SENT || state == FW_TCP_SYN_RECV ||
	       state == FW_TCP_SYN_SENT2;
}

static bool fw_zone_take(atomic_t *count, u32 max)
{
	if (atomic_inc_return(count) <= max || !max)
		return true;
	atomic_dec(count);
	return false;
}

/* A new flow the rules accepted: within its zone's limits? */
static int fw_zone_admit(struct fw_inst *fw, struct nfv_pkt *pkt,
			 struct fw_ct *ct)
{
	struct fw_zone *zones = READ_ONCE(fw->zones), *z;

	if (!zones)
		return NFV_FW_ACCEPT;
	z = &zones[pkt->key.zone];
	if (!fw_zone_take(&z->flows, READ_ONCE(fw->zone_max_flows))) {
		fw_count(fw, NFV_FW_STAT_ZONE_FULL);
		return NFV_FW_DROP;
	}
	ct->flags |= FW_CT_COUNTED;
	if (pkt->key.proto != IPPROTO_TCP || !fw_tcp_half_open(ct->state))
		return NFV_FW_ACCEPT;
	if (!fw_zone_take(&z->half_open, READ_ONCE(fw->zone_max_half_open))) {
		atomic_dec(&z->flows);
		ct->flags &= ~FW_CT_COUNTED;
		fw_count(fw, NFV_FW_STAT_HALF_OPEN_FULL);
		return NFV_FW_DROP;
	}
	ct->flags |= FW_CT_HALF_OPEN;
	return NFV_FW_ACCEPT;
}

static void fw_zone_release(struct fw_inst *fw, u16 zone, struct fw_ct *ct,
			    u8 flags)
{
	struct fw_zone *z = &READ_ONCE(fw->zones)[zone];

	if (ct->flags & flags & FW_CT_COUNTED)
		atomic_dec(&z->flows);
	if (ct->flags & flags & FW_CT_HALF_OPEN)
		atomic_dec(&z->half_open);
	ct->flags &= ~flags;
}

/*
 * The rules' verdict. The first packet of a new flow also checks the
 * metered rules; one that counts the flow puts its entry in *mref (mref
 * NULL: a flow without this instance's state, never counted).
 */
static int fw_classify(struct fw_inst *fw, struct nfv_pkt *pkt, int state,
		       struct fw_meter_ref *mref)
{
	struct fw_ruleset *rs = rcu_dereference(fw->rs);
	struct fw_key k;
	s32 idx;

	fw_key_build(pkt, state, &k);
	idx = fw_cls_lookup(rs->cls, &k);
	if (unlikely(rs->n_meters) && pkt->new_flow && state == FW_CT_NEW)
		idx = fw_meters_classify(rs->meters, rs->n_meters, rs->rules,
					 &k, pkt->key.zone, idx, mref,
					 (u32)jiffies);
	if (idx < 0) {
		fw_count(fw, NFV_FW_STAT_POLICY);
		return rs->policy;
	}
	fw_ruleset_count(rs, idx, pkt->skb->len);
	return rs->rules[idx].action | rs->rules[idx].reject << 8;
}

/* ICMP errors about a flow in the table are related; the rest invalid. */
static int fw_untracked_state(struct nfv_pkt *pkt)
{
	unsigned int dir;

	if ((pkt->flags & NFV_PKT_ICMP_ERR) &&
	    nfv_flow_lookup_related(pkt, &dir))
		return FW_CT_RELATED;
	return FW_CT_INVALID;
}

static spinlock_t *fw_flow_lock(struct fw_inst *fw, struct nfv_flow *flow)
{
	return &fw->locks[hash_ptr(flow, FW_LOCK_BITS)];
}

/*
 * A closed TCP connection no longer counts against its source (as
 * nf_conncount drops those in TIME_WAIT or CLOSE), though its flow waits
 * out TIME_WAIT. Under the flow's lock.
 */
static void fw_meter_closed(struct fw_inst *fw, struct nfv_pkt *pkt,
			    struct fw_ct *ct)
{
	if (ct->mref.id && pkt->key.proto == IPPROTO_TCP &&
	    (ct->state == FW_TCP_TIME_WAIT || ct->state == FW_TCP_CLOSE))
		fw_meter_release(fw->meter_ids, &ct->mref);
}

/* Tracks a flow's packet and decides it, under the flow's lock. */
static int fw_tracked(struct fw_inst *fw, struct nfv_pkt *pkt,
		      struct fw_ct *ct, int *state)
{
	spinlock_t *lock = fw_flow_lock(fw, pkt->flow);
	size_t size = fw_ct_size(pkt->key.proto);
	struct fw_ct saved;
	int action;

	spin_lock(lock);
	memcpy(&saved, ct, size);
	*state = fw_track(fw, pkt, ct);
	action = fw_classify(fw, pkt, *state, &ct->mref);
	if (action == NFV_FW_ACCEPT && pkt->new_flow && *state == FW_CT_NEW)
		action = fw_zone_admit(fw, pkt, ct);
	if (action != NFV_FW_ACCEPT || *state == FW_CT_INVALID) {
		/* A flow refused after a meter counted it. */
		if (ct->mref.id && !saved.mref.id)
			fw_meter_release(fw->meter_ids, &ct->mref);
		memcpy(ct, &saved, size);
		/* What was refused must not widen the window later. */
		if (pkt->key.proto == IPPROTO_TCP && !pkt->new_flow)
			fw_ct_skip(ct, pkt->dir, pkt->skb->len);
	} else {
		if ((ct->flags & FW_CT_HALF_OPEN) &&
		    !fw_tcp_half_open(ct->state))
			fw_zone_release(fw, pkt->key.zone, ct,
					FW_CT_HALF_OPEN);
		fw_meter_closed(fw, pkt, ct);
	}
	fw_flow_update(pkt, ct);
	spin_unlock(lock);
	return action;
}

/*
 * A later fragment of a tracked datagram has no header to track: it has
 * the state its flow is in, and changes nothing.
 */
static int fw_tail_state(struct nfv_pkt *pkt, const struct fw_ct *ct)
{
	u8 st = READ_ONCE(ct->state);

	pkt->nocache = true;
	if (pkt->key.proto == IPPROTO_TCP)
		return st == FW_TCP_NONE || st == FW_TCP_SYN_SENT ?
		       FW_CT_NEW : FW_CT_ESTABLISHED;
	return st == FW_GEN_REPLIED ? FW_CT_ESTABLISHED : FW_CT_NEW;
}

enum nfv_verdict fw_process(struct nfv_nf *nf, struct nfv_pkt *pkt,
			    void *flow_priv)
{
	struct fw_inst *fw = nfv_nf_priv(nf);
	int state, action;

	if (flow_priv && (pkt->flags & NFV_PKT_FRAG_TAIL)) {
		state = fw_tail_state(pkt, flow_priv);
		action = fw_classify(fw, pkt, state, NULL);
	} else if (flow_priv) {
		action = fw_tracked(fw, pkt, flow_priv, &state);
	} else {
		/* Untracked, or a flow of a chain without this instance. */
		state = !pkt->flow ? fw_untracked_state(pkt) :
			pkt->new_flow ? FW_CT_NEW : FW_CT_ESTABLISHED;
		action = fw_classify(fw, pkt, state, NULL);
	}
	fw_count(fw, fw_state_stat[state]);

	/* Never cache what an invalid packet or a drop decided. */
	if (pkt->flow && (state == FW_CT_INVALID || action != NFV_FW_ACCEPT))
		pkt->nocache = true;
	switch (FW_VERDICT_ACTION(action)) {
	case NFV_FW_ACCEPT:
		fw_count(fw, NFV_FW_STAT_ACCEPT);
		return NFV_CONTINUE;
	case NFV_FW_REJECT:
		fw_count(fw, NFV_FW_STAT_REJECT);
		fw_reject(fw, pkt, FW_VERDICT_REJECT(action));
		break;
	default:
		fw_count(fw, NFV_FW_STAT_DROP);
	}
	pkt->drop_reason = NFV_DROP_CHAIN;
	return NFV_DROP;
}

void fw_flow_destroy(struct nfv_nf *nf, struct nfv_flow *flow,
		     void *flow_priv)
{
	struct fw_inst *fw = nfv_nf_priv(nf);
	struct fw_ct *ct = flow_priv;

	if (ct->mref.id)
		fw_meter_release(fw->meter_ids, &ct->mref);
	if (ct->flags & (FW_CT_COUNTED | FW_CT_HALF_OPEN))
		fw_zone_release(fw, nfv_flow_orig_key(flow)->zone, ct,
				FW_CT_COUNTED | FW_CT_HALF_OPEN);
}
