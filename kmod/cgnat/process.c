// SPDX-License-Identifier: GPL-2.0
/*
 * nfv_cgnat's packet path: the first packet of each new flow. An outbound
 * flow (from the inside prefix) finds or makes its subscriber's mapping
 * and claims the reply key server -> public address:port; an inbound flow
 * to a pool address finds the mapping by its public tuple (endpoint-
 * independent filtering: any outside host reaches a live mapping; with
 * filtering address, only the hosts it sent to). A flow from the inside
 * to a mapping's public address:port is hairpinned: it claims the reply
 * key peer inside address:port -> sender's public address:port, so both
 * addresses change in each direction. The core translates every later
 * packet. Flows hold their mappings; the last flow's flow_destroy()
 * gives a mapping's port back.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/in.h>
#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <net/tcp.h>

#include "cgnat.h"

/*
 * A destination not translated (exclude): a short list, read only for
 * the first packet of a flow from the inside.
 */
bool cg_excluded(const struct cg_inst *cg, __be32 dst)
{
	unsigned int i;

	for (i = 0; i < cg->nexcludes; i++)
		if ((dst & cg->excludes[i].mask) == cg->excludes[i].addr)
			return true;
	return false;
}

/*
 * An ICMP query that may start a flow: a request (its answer's type is
 * the core's, nfv_icmp_reply_type()). Replies answer flows; they start
 * none, as conntrack's.
 */
static bool cg_icmp_query(__be16 type)
{
	switch (ntohs(type)) {
	case ICMP_ECHO:
	case ICMP_TIMESTAMP:
	case ICMP_INFO_REQUEST:
		return true;
	}
	return false;
}

static u32 cg_sub_hash(const struct cg_inst *cg, __be32 addr, u16 zone)
{
	return jhash_2words((__force u32)addr, zone, cg->seed) & cg->sub_mask;
}

struct cg_sub *cg_sub_find(struct cg_inst *cg, __be32 addr, u16 zone)
{
	struct cg_sub *sub;

	hlist_for_each_entry(sub, &cg->subs[cg_sub_hash(cg, addr, zone)], node)
		if (sub->addr == addr && sub->zone == zone)
			return sub;
	return NULL;
}

/*
 * Address-dependent filtering: the outside addresses a mapping's outbound
 * flows go to, with a count each; a small array, as a mapping seldom
 * talks to many hosts at once, bounded by max-sessions.
 */
static struct cg_remote *cg_remote_find(struct cg_map *map, __be32 addr)
{
	struct cg_remotes *rs = map->remotes;
	unsigned int i;

	for (i = 0; rs && i < rs->n; i++)
		if (rs->r[i].addr == addr)
			return &rs->r[i];
	return NULL;
}

/* Room for one more, before the claim: nothing to undo after it. */
static int cg_remote_reserve(struct cg_inst *cg, struct cg_map *map)
{
	struct cg_remotes *rs = map->remotes, *grown;
	unsigned int cap;

	if (cg->filtering != NFV_CGNAT_FILTER_ADDRESS || cg_map_static(map) ||
	    (rs && rs->n < rs->cap))
		return 0;
	cap = rs ? rs->cap * 2 : 4;
	if (cap > U16_MAX)
		return -ENOSPC;
	grown = krealloc(rs, struct_size(grown, r, cap), GFP_ATOMIC);
	if (!grown)
		return -ENOMEM;
	if (!rs)
		grown->n = 0;
	grown->cap = cap;
	map->remotes = grown;
	return 0;
}

static void cg_remote_get(struct cg_inst *cg, struct cg_map *map,
			  __be32 addr)
{
	struct cg_remote *r;

	if (cg->filtering != NFV_CGNAT_FILTER_ADDRESS || cg_map_static(map))
		return;
	r = cg_remote_find(map, addr);
	if (!r) {
		r = &map->remotes->r[map->remotes->n++];
		r->addr = addr;
		r->flows = 0;
	}
	r->flows++;
}

/*
 * A hairpin the peer's filter dropped: the sender's mapping sent to the
 * peer's public address all the same, as a packet leaving a NAT does
 * before another mapping's filter drops it, so the peer's answer from
 * that address comes in (two subscribers punching holes, RFC 5128). The
 * address is kept with no flow while the mapping lives, at most
 * CG_REMOTES_NOTED of them a mapping: a new one replaces one of those.
 */
#define CG_REMOTES_NOTED	4
static void cg_remote_note(struct cg_inst *cg, struct cg_map *map,
			   __be32 addr)
{
	unsigned int i, noted = 0, slot = 0;
	struct cg_remotes *rs;

	if (cg->filtering != NFV_CGNAT_FILTER_ADDRESS || cg_map_static(map) ||
	    cg_remote_find(map, addr) || cg_remote_reserve(cg, map))
		return;
	rs = map->remotes;
	for (i = 0; i < rs->n; i++) {
		if (!rs->r[i].flows && !noted++)
			slot = i;
	}
	if (noted >= CG_REMOTES_NOTED) {
		rs->r[slot].addr = addr;
		return;
	}
	rs->r[rs->n++] = (struct cg_remote){ .addr = addr };
}

static void cg_remote_put(struct cg_map *map, __be32 addr)
{
	struct cg_remote *r = cg_remote_find(map, addr);

	if (r && !--r->flows)
		*r = map->remotes->r[--map->remotes->n];
}

static void cg_sub_free(struct cg_inst *cg, struct cg_sub *sub)
{
	struct cg_blocks *bs = &cg->addrs[sub->pub].blocks;
	unsigned int i;

	/* Blocks with ports in use went with their last mapping. */
	for (i = 0; cg->mode == NFV_CGNAT_MODE_BLOCK && i < sub->nblocks; i++) {
		cg_block_put(bs, sub->blocks[i], jiffies, 0);
		cg_ev_block(cg, NFV_CGNAT_EV_BLOCK_FREE, sub, sub->blocks[i]);
	}
	hlist_del(&sub->node);
	cg->addrs[sub->pub].nsubs--;
	cg->nsubs--;
	kfree(sub);
}

/*
 * A new subscriber in deterministic mode: the address and port range the
 * formula gives, none of them in use; no block, so nothing to run out of.
 */
static struct cg_sub *cg_det_sub_new(struct cg_inst *cg, __be32 addr,
				     int *reason)
{
	struct cg_sub *sub;
	u16 first;

	sub = kzalloc(struct_size(sub, ports, BITS_TO_LONGS(cg->det.ports)),
		      GFP_ATOMIC);
	if (!sub) {
		*reason = NFV_CGNAT_STAT_NOMEM;
		return NULL;
	}
	cg_det_map(&cg->det, ntohl(addr), &sub->pub, &first);
	return sub;
}

/* The first port of a deterministic subscriber's range. */
static u16 cg_det_first(const struct cg_inst *cg, const struct cg_sub *sub)
{
	u16 first;
	u32 pub;

	cg_det_map(&cg->det, ntohl(sub->addr), &pub, &first);
	return first;
}

/*
 * The subscriber of the inside address, or a new one paired to an address
 * with a free block (that block its first): the address its inside
 * address hashes to, else the next one that has one.
 */
static struct cg_sub *cg_sub_get(struct cg_inst *cg, __be32 addr, u16 zone,
				 int *reason)
{
	struct cg_sub *sub = cg_sub_find(cg, addr, zone);
	u32 start, i, idx;
	int blk = -ENOSPC;

	if (sub)
		return sub;
	if (cg->nsubs >= cg->max_subs) {
		*reason = NFV_CGNAT_STAT_SUBSCRIBER_LIMIT;
		return NULL;
	}
	if (cg->mode == NFV_CGNAT_MODE_DETERMINISTIC) {
		sub = cg_det_sub_new(cg, addr, reason);
		if (!sub)
			return NULL;
		idx = sub->pub;
		goto add;
	}
	sub = kzalloc(struct_size(sub, blocks, cg->max_blocks), GFP_ATOMIC);
	if (!sub) {
		*reason = NFV_CGNAT_STAT_NOMEM;
		return NULL;
	}
	start = jhash_2words((__force u32)addr, zone, cg->seed ^ 0x5a5a5a5a);
	for (i = 0; i < cg->naddrs && blk == -ENOSPC; i++) {
		idx = (start + i) % cg->naddrs;
		blk = cg_block_take(&cg->addrs[idx].blocks, get_random_u32(),
				    jiffies, GFP_ATOMIC);
	}
	if (blk < 0) {
		*reason = blk == -ENOMEM ? NFV_CGNAT_STAT_NOMEM :
					   NFV_CGNAT_STAT_NO_ADDRESS;
		kfree(sub);
		return NULL;
	}
	sub->pub = idx;
	sub->blocks[0] = blk;
	sub->nblocks = 1;
add:
	sub->addr = addr;
	sub->zone = zone;
	cg->addrs[idx].nsubs++;
	cg->nsubs++;
	hlist_add_head(&sub->node, &cg->subs[cg_sub_hash(cg, addr, zone)]);
	cg_ev_block(cg, NFV_CGNAT_EV_BLOCK_ALLOC, sub, blk);
	return sub;
}

/*
 * A free port of the subscriber's: in one of its blocks, from a random
 * one on, else in a new block while it has fewer than max-blocks.
 */
static int cg_sub_port(struct cg_inst *cg, struct cg_sub *sub, int *reason)
{
	struct cg_blocks *bs = &cg->addrs[sub->pub].blocks;
	u32 rnd = get_random_u32();
	unsigned int i;
	int port, blk;

	if (cg->mode == NFV_CGNAT_MODE_DETERMINISTIC) {
		port = cg_det_port_take(sub->ports, cg->det.ports,
					cg_det_first(cg, sub), rnd);
		if (port < 0)
			*reason = NFV_CGNAT_STAT_NO_PORT;
		return port;
	}
	for (i = 0; i < sub->nblocks; i++) {
		port = cg_port_take(bs, sub->blocks[(rnd + i) % sub->nblocks],
				    rnd >> 8);
		if (port > 0)
			return port;
	}
	if (sub->nblocks >= cg->max_blocks) {
		*reason = NFV_CGNAT_STAT_NO_PORT;
		return -ENOSPC;
	}
	blk = cg_block_take(bs, rnd, jiffies, GFP_ATOMIC);
	if (blk < 0) {
		*reason = blk == -ENOMEM ? NFV_CGNAT_STAT_NOMEM :
					   NFV_CGNAT_STAT_NO_BLOCK;
		return blk;
	}
	sub->blocks[sub->nblocks++] = blk;
	cg_ev_block(cg, NFV_CGNAT_EV_BLOCK_ALLOC, sub, blk);
	return cg_port_take(bs, blk, rnd >> 8);
}

/* Gives a port back; its block leaves the subscriber if it emptied. */
static void cg_sub_port_put(struct cg_inst *cg, struct cg_sub *sub, u16 port,
			    unsigned long quarantine)
{
	struct cg_blocks *bs = &cg->addrs[sub->pub].blocks;
	unsigned int blk, i;

	/* The range is the subscriber's alone: nobody else to wait for. */
	if (cg->mode == NFV_CGNAT_MODE_DETERMINISTIC) {
		cg_det_port_put(sub->ports, cg_det_first(cg, sub), port);
		return;
	}
	blk = cg_block_of(bs, port);
	if (!cg_port_put(bs, port, jiffies, quarantine))
		return;
	cg_ev_block(cg, NFV_CGNAT_EV_BLOCK_FREE, sub, blk);
	for (i = 0; i < sub->nblocks; i++) {
		if (sub->blocks[i] == blk) {
			sub->blocks[i] = sub->blocks[--sub->nblocks];
			break;
		}
	}
}

/* Gives back a mapping's port, and its subscriber with its last mapping. */
static void cg_map_release(struct cg_inst *cg, const struct cg_map *map,
			   unsigned long quarantine)
{
	struct cg_sub *sub = map->sub;

	cg_sub_port_put(cg, sub, ntohs(map->pub_port), quarantine);
	if (!--sub->nmaps)
		cg_sub_free(cg, sub);
}

/* A struct cg_map no flow uses any more. */
static void cg_map_free(struct cg_inst *cg, struct cg_map *map)
{
	cg_map_unhash(cg, (unsigned long)map);
	cg_map_release(cg, map, cg->quarantine);
	kfree(map->remotes);
	kfree(map);
}

/*
 * A new mapping for the packet's inside tuple, in @map (the caller's):
 * its subscriber and port taken, hashed once the flow claimed
 * (cg_map_embed()).
 */
static bool cg_map_new(struct cg_inst *cg, const struct nfv_key *k,
		       struct cg_map *map, int *reason)
{
	struct cg_sub *sub;
	int port;

	if (cg->nmaps >= cg->max_maps) {
		*reason = NFV_CGNAT_STAT_MAPPING_LIMIT;
		return false;
	}
	/* Deterministic: one range per inside address, whatever its zone. */
	sub = cg_sub_get(cg, k->addr.v4.src, cg_sub_zone(cg, k->zone), reason);
	if (!sub)
		return false;
	if (sub->sessions >= cg->max_sessions) {
		*reason = NFV_CGNAT_STAT_SESSION_LIMIT;
		goto fail_sub;
	}
	port = cg_sub_port(cg, sub, reason);
	if (port < 0)
		goto fail_sub;
	sub->nmaps++;
	memset(map, 0, sizeof(*map));
	map->sub = sub;
	map->addr = k->addr.v4.src;
	map->port = k->sport;
	map->zone = k->zone;
	map->proto = k->proto;
	map->pub_port = htons(port);
	map->flows = 1;
	return true;

fail_sub:
	if (!sub->nmaps)
		cg_sub_free(cg, sub);
	return false;
}

/* Another port for a new mapping whose port a flow holds. */
static int cg_map_reroll(struct cg_inst *cg, struct cg_map *map, int *reason)
{
	u16 old = ntohs(map->pub_port);
	int port = cg_sub_port(cg, map->sub, reason);

	if (port < 0)
		return port;
	map->pub_port = htons(port);
	cg_sub_port_put(cg, map->sub, old, 0);
	return 0;
}

/*
 * The key the replies of an outbound flow arrive with: from the server,
 * or, hairpinned, from the inside address and port of the mapping @peer
 * (TCP and UDP only), in its zone.
 */
static void cg_reply_out(const struct cg_inst *cg, const struct nfv_key *k,
			 const struct cg_map *map, const struct cg_map *peer,
			 struct nfv_key *r)
{
	memset(r, 0, sizeof(*r));
	r->zone = cg->outside_zone;
	r->proto = k->proto;
	r->flags = k->flags;
	r->addr.v4.src = k->addr.v4.dst;
	r->addr.v4.dst = cg_addr_of(cg, cg_map_pub(map));
	if (k->proto == IPPROTO_ICMP) {
		r->sport = map->pub_port;
		r->dport = nfv_icmp_reply_type(k->proto, k->dport);
	} else {
		r->sport = k->dport;
		r->dport = map->pub_port;
	}
	if (peer) {
		r->zone = peer->zone;
		r->addr.v4.src = peer->addr;
		r->sport = peer->port;
	}
}

/* Claims the reply key; -errno with the reason counted in *reason. */
static int cg_claim(struct cg_inst *cg, struct nfv_pkt *pkt,
		    const struct nfv_key *reply, int *reason)
{
	int err = nfv_flow_nat_claim(pkt, reply);

	switch (err) {
	case 0:
	case -EBUSY:		/* the sender retransmits into that flow */
		break;
	case -EEXIST:
		*reason = NFV_CGNAT_STAT_CLASH;
		break;
	case -ENOMEM:
		*reason = NFV_CGNAT_STAT_NOMEM;
		break;
	default:
		*reason = NFV_CGNAT_STAT_UNSUPPORTED;
	}
	return err;
}

/*
 * The TCP flags whose segments the instance sees after the first: the
 * answer to the SYN (established) and FIN or RST (closing), to move the
 * flow between its timeout classes. Data segments stay on the fast path.
 */
#define CG_TCP_TRAP	(TCPHDR_SYN | TCPHDR_FIN | TCPHDR_RST)

/*
 * A new flow's timeout class. TCP opening is transitory (RFC 5382): a
 * SYN is answered, or not, within it; a flow picked up mid-stream (its
 * first segment not a SYN) is taken as established. The core sets its
 * own tcp-closing class on FIN or RST before the chain runs, so the
 * trap's segments come here and cg_tcp_update() overrides it.
 */
static void cg_flow_timeout(struct cg_inst *cg, struct nfv_pkt *pkt)
{
	enum cg_tmo t;

	switch (pkt->key.proto) {
	case IPPROTO_TCP:
		t = (pkt->tcp_flags & (TCPHDR_SYN | TCPHDR_ACK)) == TCPHDR_SYN ?
		    CG_TMO_TCP_TRANS : CG_TMO_TCP_EST;
		if (pkt->tcp_flags & (TCPHDR_FIN | TCPHDR_RST))
			t = CG_TMO_TCP_TRANS;
		nfv_flow_set_tcp_trap(pkt->flow, CG_TCP_TRAP);
		break;
	case IPPROTO_UDP:
		t = CG_TMO_UDP;
		break;
	default:
		t = CG_TMO_ICMP;
	}
	nfv_flow_set_timeout(pkt->flow, cg->tmo_cls[t]);
}

/*
 * A trapped segment of a TCP flow of the instance's (CG_TCP_TRAP, or
 * another NF's trap). The trap is set again: the core keeps the union of
 * the traps set in one walk of the chain, so another NF's cannot replace
 * it.
 */
static void cg_tcp_update(struct cg_inst *cg, struct nfv_pkt *pkt)
{
	nfv_flow_set_tcp_trap(pkt->flow, CG_TCP_TRAP);
	if (pkt->tcp_flags & (TCPHDR_FIN | TCPHDR_RST))
		nfv_flow_set_timeout(pkt->flow, cg->tmo_cls[CG_TMO_TCP_TRANS]);
	else if (pkt->dir == NFV_DIR_REPLY && (pkt->tcp_flags & TCPHDR_SYN))
		nfv_flow_set_timeout(pkt->flow, cg->tmo_cls[CG_TMO_TCP_EST]);
}

/* A flow now uses the mapping; an outbound one goes to remote. */
static void cg_flow_hold(struct cg_inst *cg, struct cg_map *map,
			 struct cg_flow *cf, __be32 remote)
{
	if (remote)
		cg_remote_get(cg, map, remote);
	map->flows++;
	if (map->sub)
		map->sub->sessions++;
	cf->ref = (unsigned long)map;
	cg_ev_session(cg, NFV_CGNAT_EV_SESSION_NEW, map);
}

/* A flow no longer uses the mapping: the last one frees a dynamic one. */
static void cg_map_put(struct cg_inst *cg, struct cg_map *map)
{
	if (cg_map_static(map)) {
		map->flows--;
		return;
	}
	map->sub->sessions--;
	if (!--map->flows)
		cg_map_free(cg, map);
}

/* Over max-sessions: a static mapping, of no subscriber, never is. */
static bool cg_link_full(struct cg_inst *cg, unsigned long link)
{
	struct cg_sub *sub = cg_link_sub(cg, link);

	return sub && sub->sessions >= cg->max_sessions;
}

/*
 * The filter of filtering address; static mappings take any host. A
 * mapping in its flow's area sent to where that flow goes alone.
 */
static bool cg_filtered(struct cg_inst *cg, unsigned long link, __be32 from)
{
	struct cg_map *map = (struct cg_map *)link;

	if (cg->filtering != NFV_CGNAT_FILTER_ADDRESS)
		return false;
	if (link & CG_LINK_FLOW)
		return cg_link_remote(link) != from;
	return map->sub && !cg_remote_find(map, from);
}

/*
 * A hairpin's target (RFC 4787 REQ-9, RFC 5382 REQ-8): the live mapping
 * of TCP or UDP that holds the public address:port the inside host sent
 * to. ICMP queries to a pool address reach nobody, as from outside.
 */
static unsigned long cg_hairpin_peer(struct cg_inst *cg,
				     const struct nfv_key *k, u32 pub,
				     int *reason)
{
	unsigned long peer = 0;

	if (k->proto != IPPROTO_ICMP)
		peer = cg_map_find_pub(cg, pub, k->dport, k->proto);
	if (!peer) {
		*reason = NFV_CGNAT_STAT_NO_MAPPING;
		return 0;
	}
	if (cg_link_full(cg, peer)) {
		*reason = NFV_CGNAT_STAT_SESSION_LIMIT;
		return 0;
	}
	return peer;
}

static bool cg_proto_ok(const struct nfv_key *k)
{
	if (k->proto == IPPROTO_ICMP)
		return cg_icmp_query(k->dport);
	return k->proto == IPPROTO_TCP || k->proto == IPPROTO_UDP;
}

/* Limits that answer with ICMP administratively prohibited. */
static bool cg_exhausted(int reason)
{
	switch (reason) {
	case NFV_CGNAT_STAT_NO_PORT:
	case NFV_CGNAT_STAT_NO_BLOCK:
	case NFV_CGNAT_STAT_NO_ADDRESS:
	case NFV_CGNAT_STAT_SESSION_LIMIT:
	case NFV_CGNAT_STAT_SUBSCRIBER_LIMIT:
	case NFV_CGNAT_STAT_MAPPING_LIMIT:
		return true;
	}
	return false;
}

/*
 * A new flow from the inside: its mapping (EIM), then the claim. To a
 * pool address (@pub not -1) the flow is hairpinned to the mapping there,
 * which lets the sender's mapping in as it would an outside host at the
 * sender's public address. A socket sending to its own mapping would
 * make the reply key its own original key: refused. A new mapping lives
 * in the flow's area (@cf, the instance's first in the chain).
 */
static int cg_out(struct cg_inst *cg, struct nfv_pkt *pkt, s64 pub,
		  struct cg_flow *cf)
{
	int reason = NFV_CGNAT_STAT_UNSUPPORTED, tries = 0, err = 0;
	const struct nfv_key *k = &pkt->key;
	__be32 dst = k->addr.v4.dst;	/* the claim rewrites pkt->key */
	struct cg_map fresh, *map = NULL, *peer = NULL;
	unsigned long link, plink = 0;
	struct nfv_key reply;
	struct cg_evq evq;

	if (!cg_proto_ok(k) || cf != nfv_flow_nf_priv(pkt->flow, cg->nf))
		return reason;
	spin_lock(&cg->lock);
	if (pub >= 0) {
		plink = cg_hairpin_peer(cg, k, pub, &reason);
		if (!plink)
			goto out;
	}
	link = cg_map_find_in(cg, k);
	if (link && cg_link_full(cg, link)) {
		reason = NFV_CGNAT_STAT_SESSION_LIMIT;
		goto out;
	}
	if (link && link == plink) {
		reason = NFV_CGNAT_STAT_CLASH;
		goto out;
	}
	/* A mapping that another flow uses moves out of that flow's area. */
	map = link ? cg_map_spill(cg, link, &reason) :
	      cg_map_new(cg, k, &fresh, &reason) ? &fresh : NULL;
	if (!map)
		goto out;
	if (plink && cg_filtered(cg, plink, cg_addr_of(cg, cg_map_pub(map)))) {
		reason = NFV_CGNAT_STAT_FILTERED;
		/* One made for it goes with the failure; one it had notes. */
		if (map != &fresh)
			cg_remote_note(cg, map, dst);
		goto fail;
	}
	if (plink) {
		peer = cg_map_spill(cg, plink, &reason);
		if (!peer)
			goto fail;
	}
	if (map != &fresh && cg_remote_reserve(cg, map)) {
		reason = NFV_CGNAT_STAT_NOMEM;
		goto fail;
	}
	/* Only a new mapping may take another port on a clash. */
	do {
		cg_reply_out(cg, k, map, peer, &reply);
		err = cg_claim(cg, pkt, &reply, &reason);
	} while (map == &fresh && err == -EEXIST && ++tries < CG_MAX_TRIES &&
		 !cg_map_reroll(cg, map, &reason));
	if (err)
		goto fail;
	if (map == &fresh) {
		cg_map_embed(cg, pkt->flow, cf);
		map->sub->sessions++;
		cg_ev_session(cg, NFV_CGNAT_EV_SESSION_NEW, map);
	} else {
		cg_flow_hold(cg, map, cf, dst);
	}
	reason = NFV_CGNAT_STAT_OUT;
	if (peer) {
		/* The peer is found again from the flow's key when it goes. */
		peer->flows++;
		if (peer->sub)
			peer->sub->sessions++;
		cf->ref |= CG_FLOW_HAIRPIN;
		reason = NFV_CGNAT_STAT_HAIRPIN;
	}
	goto out;
fail:
	if (map == &fresh)
		cg_map_release(cg, map, 0);
	if (err == -EBUSY)
		reason = -1;
out:
	if (cg_exhausted(reason))
		cg_ev_limit(cg, reason, k,
			    cg_sub_find(cg, k->addr.v4.src,
					cg_sub_zone(cg, k->zone)));
	cg_ev_take(cg, &evq);
	spin_unlock(&cg->lock);
	cg_ev_send(cg, &evq);
	return reason;
}

/* A new flow to a pool address: a live mapping's, from any host (EIF). */
static int cg_in(struct cg_inst *cg, struct nfv_pkt *pkt, u32 pub,
		 struct cg_flow *cf)
{
	int reason = NFV_CGNAT_STAT_NO_MAPPING, err;
	const struct nfv_key *k = &pkt->key;
	struct cg_sub *sub = NULL;
	struct nfv_key reply = {};
	struct cg_map *map;
	unsigned long link;
	struct cg_evq evq;

	if (k->proto != IPPROTO_TCP && k->proto != IPPROTO_UDP)
		return reason;
	spin_lock(&cg->lock);
	link = cg_map_find_pub(cg, pub, k->dport, k->proto);
	if (!link)
		goto out;
	sub = cg_link_sub(cg, link);
	if (cg_filtered(cg, link, k->addr.v4.src)) {
		reason = NFV_CGNAT_STAT_FILTERED;
		goto out;
	}
	if (sub && sub->sessions >= cg->max_sessions) {
		reason = NFV_CGNAT_STAT_SESSION_LIMIT;
		goto out;
	}
	map = cg_map_spill(cg, link, &reason);
	if (!map)
		goto out;
	reply.zone = map->zone;
	reply.proto = k->proto;
	reply.flags = k->flags;
	reply.addr.v4.src = map->addr;
	reply.addr.v4.dst = k->addr.v4.src;
	reply.sport = map->port;
	reply.dport = k->sport;
	err = cg_claim(cg, pkt, &reply, &reason);
	if (!err)
		cg_flow_hold(cg, map, cf, 0);
	reason = err == -EBUSY ? -1 : err ? reason : NFV_CGNAT_STAT_IN;
out:
	if (cg_exhausted(reason))
		cg_ev_limit(cg, reason, k, sub);
	cg_ev_take(cg, &evq);
	spin_unlock(&cg->lock);
	cg_ev_send(cg, &evq);
	return reason;
}

static enum nfv_verdict cg_drop(struct cg_inst *cg, struct nfv_pkt *pkt,
				int reason)
{
	if (reason >= 0)
		cg_count(cg, reason);
	if (reason >= 0 && cg_exhausted(reason)) {
		if (__ratelimit(&cg->reject_rs))
			nfv_icmp_reject_code(pkt, ICMP_PKT_FILTERED,
					     ICMPV6_ADM_PROHIBITED);
		else
			cg_count(cg, NFV_CGNAT_STAT_REJECT_SUPPRESSED);
	}
	pkt->drop_reason = NFV_DROP_CHAIN;
	return NFV_DROP;
}

enum nfv_verdict cg_process(struct nfv_nf *nf, struct nfv_pkt *pkt,
			    void *flow_priv)
{
	struct cg_inst *cg = nfv_nf_priv(nf);
	const struct nfv_key *k = &pkt->key;
	struct cg_flow *cf = flow_priv;
	bool from_inside;
	int reason;
	s64 pub;

	/*
	 * NAT44 only; a flow translated already is done with. So is an
	 * ICMP error about one of the NAT's flows: the core translated it
	 * before the chain (RFC 5508). Other errors are untracked, and
	 * dropped below: from the inside one would leave with an inside
	 * address (unsupported), to a pool address it has nobody to go to
	 * (no_mapping).
	 */
	if ((k->flags & NFV_KEY_V6) || (pkt->flags & NFV_PKT_NAT)) {
		if (!cf || !cf->ref)
			return NFV_CONTINUE;
		if (pkt->dir == NFV_DIR_REPLY)
			nfv_flow_set_assured(pkt->flow, true);
		if (k->proto == IPPROTO_TCP)
			cg_tcp_update(cg, pkt);
		return NFV_CONTINUE;
	}
	from_inside = cg_inside(cg, k->addr.v4.src) &&
		      !cg_inside(cg, k->addr.v4.dst);
	if (from_inside && cg_excluded(cg, k->addr.v4.dst)) {
		cg_count(cg, NFV_CGNAT_STAT_EXCLUDED);
		return NFV_CONTINUE;
	}
	pub = cg_pub_index(cg, k->addr.v4.dst);
	if (from_inside) {
		/* Else nothing leaves with an inside source address. */
		if (!pkt->flow || !pkt->new_flow)
			return cg_drop(cg, pkt, NFV_CGNAT_STAT_UNSUPPORTED);
		reason = cg_out(cg, pkt, pub, cf);
		if (reason != NFV_CGNAT_STAT_OUT &&
		    reason != NFV_CGNAT_STAT_HAIRPIN)
			return cg_drop(cg, pkt, reason);
		cg_count(cg, reason);
		cg_flow_timeout(cg, pkt);
		return NFV_CONTINUE;
	}
	if (pub < 0 || k->zone != cg->outside_zone)
		return NFV_CONTINUE;
	if (!pkt->flow || !pkt->new_flow)
		return cg_drop(cg, pkt, NFV_CGNAT_STAT_NO_MAPPING);
	reason = cg_in(cg, pkt, pub, cf);
	if (reason != NFV_CGNAT_STAT_IN)
		return cg_drop(cg, pkt, reason);
	cg_count(cg, reason);
	cg_flow_timeout(cg, pkt);
	return NFV_CONTINUE;
}

/* A flow's own mapping goes with it. */
static void cg_map_drop_own(struct cg_inst *cg, struct nfv_flow *flow)
{
	struct cg_map m;

	cg_flow_map(cg, flow, &m);
	if (WARN_ON_ONCE(!m.sub))
		return;
	cg_ev_session(cg, NFV_CGNAT_EV_SESSION_DEL, &m);
	cg_map_unhash(cg, (unsigned long)flow | CG_LINK_FLOW);
	m.sub->sessions--;
	cg_map_release(cg, &m, cg->quarantine);
}

void cg_flow_destroy(struct nfv_nf *nf, struct nfv_flow *flow,
		     void *flow_priv)
{
	struct cg_inst *cg = nfv_nf_priv(nf);
	const struct nfv_key *k = nfv_flow_orig_key(flow);
	struct cg_flow *cf = flow_priv;
	struct cg_map *map = (struct cg_map *)(cf->ref & ~CG_FLOW_BITS);
	unsigned long peer;
	struct cg_evq evq;

	if (!cf->ref)
		return;
	spin_lock_bh(&cg->lock);
	/* A hairpin's peer holds the public tuple the flow was sent to. */
	if (cf->ref & CG_FLOW_HAIRPIN) {
		peer = cg_map_find_pub(cg, cg_pub_index(cg, k->addr.v4.dst),
				       k->dport, k->proto);
		/* Moved out of its flow's area when this flow came. */
		if (!WARN_ON_ONCE(!peer || (peer & CG_LINK_FLOW)))
			cg_map_put(cg, (struct cg_map *)peer);
	}
	if (cf->ref & CG_FLOW_OWN) {
		cg_map_drop_own(cg, flow);
		goto out;
	}
	if (cg->filtering == NFV_CGNAT_FILTER_ADDRESS) {
		/* An outbound flow: from the mapping's inside address. */
		if (k->addr.v4.src == map->addr && k->zone == map->zone)
			cg_remote_put(map, k->addr.v4.dst);
	}
	cg_ev_session(cg, NFV_CGNAT_EV_SESSION_DEL, map);
	cg_map_put(cg, map);
out:
	cg_ev_take(cg, &evq);
	spin_unlock_bh(&cg->lock);
	cg_ev_send(cg, &evq);
}

/* Instance destroy: no flow is left, but free whatever is. */
void cg_tables_free(struct cg_inst *cg)
{
	unsigned long link, next;
	struct hlist_node *n;
	struct cg_map *map;
	struct cg_sub *sub;
	u32 i;

	for (i = 0; cg->maps_in && i <= cg->map_mask; i++)
		for (link = cg->maps_in[i]; link; link = next) {
			next = cg_link_next(cg, link);
			if (WARN_ON_ONCE(link & CG_LINK_FLOW))
				continue;
			map = (struct cg_map *)link;
			kfree(map->remotes);
			kfree(map);
		}
	if (cg->subs)
		for (i = 0; i <= cg->sub_mask; i++)
			hlist_for_each_entry_safe(sub, n, &cg->subs[i], node)
				kfree(sub);
	if (cg->addrs)
		for (i = 0; i < cg->naddrs; i++)
			cg_blocks_release(&cg->addrs[i].blocks);
	kvfree(cg->subs);
	kvfree(cg->maps_in);
	kvfree(cg->maps_pub);
	kvfree(cg->addrs);
	kvfree(cg->block_mem);
	kfree(cg->excludes);
}
