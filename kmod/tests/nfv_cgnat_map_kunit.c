// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for CGNAT's mapping store (kmod/cgnat/map.c), driven
 * through the NF's first-packet path and flow_destroy() (process.c), both
 * compiled into this module with the port blocks and the formula. A
 * mapping lives in the area of the flow that made it, moves to a struct
 * cg_map when a second flow uses it and stays there until its last flow
 * ends. The cases check each state from both hashes (inside tuple and
 * public tuple), the counts of flows, sessions and mappings, and that
 * nothing is left once every flow ended. The core is stubbed: a flow here
 * is its keys and its NF area, a claim stores the reply key.
 */
#include <kunit/test.h>

#include "../cgnat/block.c"
#include "../cgnat/det.c"
#include "../cgnat/map.c"
#include "../cgnat/process.c"

#define IP(a, b, c, d)	htonl((u32)(a) << 24 | (b) << 16 | (c) << 8 | (d))

/* The core's flow as the NF sees it, through nfv_nf.h's accessors. */
struct nfv_flow {
	struct nfv_key key, reply;
	bool nat;
	struct cg_flow cf;
};

#define MAP_MAX_FLOWS	300

/* One case's instance and the flows it made, live or not. */
struct map_ctx {
	struct nfv_nf *nf;
	struct cg_inst *cg;
	struct nfv_flow *flows[MAP_MAX_FLOWS];
	unsigned int nflows;
	unsigned int ev[__NFV_CGNAT_EV_MAX];
	unsigned int rejects;
};

static struct map_ctx *ctx;

/* Stubs for the core (nfv_nf.h). */
const struct nfv_key *nfv_flow_orig_key(struct nfv_flow *flow)
{
	return &flow->key;
}

const struct nfv_key *nfv_flow_nat_reply_key(struct nfv_flow *flow)
{
	return flow->nat ? &flow->reply : NULL;
}

void *nfv_flow_nf_priv(struct nfv_flow *flow, const struct nfv_nf *nf)
{
	return &flow->cf;
}

/* As the table does: a reply key a live flow holds is refused. */
int nfv_flow_nat_claim(struct nfv_pkt *pkt, const struct nfv_key *reply)
{
	unsigned int i;

	for (i = 0; i < ctx->nflows; i++)
		if (ctx->flows[i] && ctx->flows[i]->nat &&
		    !memcmp(&ctx->flows[i]->reply, reply, NFV_KEY_LEN4))
			return -EEXIST;
	pkt->flow->reply = *reply;
	pkt->flow->nat = true;
	pkt->flags |= NFV_PKT_NAT;
	return 0;
}

__be16 nfv_icmp_reply_type(u8 proto, __be16 type)
{
	return ntohs(type) == ICMP_ECHO ? htons(ICMP_ECHOREPLY) : type;
}

void nfv_flow_set_timeout(struct nfv_flow *flow, enum nfv_timeout tmo)
{
}

void nfv_flow_set_tcp_trap(struct nfv_flow *flow, u8 tcp_flags)
{
}

void nfv_flow_set_assured(struct nfv_flow *flow, bool assured)
{
}

void nfv_icmp_reject_code(struct nfv_pkt *pkt, u8 code, u8 code6)
{
	ctx->rejects++;
}

/* Stubs for event.c: counted by type, sent nowhere. */
void cg_ev_block(struct cg_inst *cg, u8 type, const struct cg_sub *sub,
		 unsigned int blk)
{
	ctx->ev[type]++;
}

void cg_ev_limit(struct cg_inst *cg, int reason, const struct nfv_key *k,
		 const struct cg_sub *sub)
{
}

void cg_ev_session(struct cg_inst *cg, u8 type, const struct cg_map *map)
{
	ctx->ev[type]++;
}

void cg_ev_take(struct cg_inst *cg, struct cg_evq *q)
{
	q->n = 0;
}

void cg_ev_send(struct cg_inst *cg, const struct cg_evq *q)
{
}

static const __be32 SUB1 = IP(100, 64, 0, 1), SUB2 = IP(100, 64, 0, 2);
static const __be32 SRV1 = IP(192, 0, 2, 1), SRV2 = IP(192, 0, 2, 2);

/*
 * An instance as cg_create() makes it: 100.64.0.0/10 onto
 * 198.51.100.1-2, blocks of 512, the mapping hashes at their first 64
 * buckets, grown only by the cases.
 */
static int map_init(struct kunit *test)
{
	u32 nblocks = CG_PORTS / CG_DEF_BLOCK_SIZE, i;
	struct cg_inst *cg;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->nf = kunit_kzalloc(test, sizeof(*ctx->nf) + sizeof(*cg),
				GFP_KERNEL);
	if (!ctx->nf)
		return -ENOMEM;
	cg = ctx->cg = nfv_nf_priv(ctx->nf);
	spin_lock_init(&cg->lock);
	INIT_LIST_HEAD(&cg->statics);
	ratelimit_state_init(&cg->reject_rs, HZ, 100);
	cg->seed = get_random_u32();
	cg->inside = IP(100, 64, 0, 0);
	cg->inside_mask = htonl(0xffc00000);
	cg->inside_len = 10;
	cg->pools[0] = (struct cg_pool){ .first = 0xc6336401, .n = 2,
					 .len = 31 };
	cg->npools = 1;
	cg->naddrs = 2;
	cg->block_size = CG_DEF_BLOCK_SIZE;
	cg->max_blocks = CG_DEF_MAX_BLOCKS;
	cg->max_sessions = CG_DEF_MAX_SESSIONS;
	cg->max_subs = CG_DEF_MAX_SUBS;
	cg->max_maps = CG_DEF_MAX_MAPS;
	cg->quarantine = CG_DEF_QUARANTINE * HZ;
	cg->map_mask = 63;
	cg->map_grow_at = U32_MAX;
	cg->sub_mask = 15;
	cg->addrs = kvcalloc(cg->naddrs, sizeof(*cg->addrs), GFP_KERNEL);
	cg->block_mem = kvcalloc(cg->naddrs * nblocks,
				 sizeof(*cg->block_mem), GFP_KERNEL);
	cg->subs = kvcalloc(cg->sub_mask + 1, sizeof(*cg->subs), GFP_KERNEL);
	cg->maps_in = kvcalloc(64, sizeof(*cg->maps_in), GFP_KERNEL);
	cg->maps_pub = kvcalloc(64, sizeof(*cg->maps_pub), GFP_KERNEL);
	cg->stats = alloc_percpu(struct cg_stats);
	if (!cg->addrs || !cg->block_mem || !cg->subs || !cg->maps_in ||
	    !cg->maps_pub || !cg->stats)
		return -ENOMEM;
	for (i = 0; i < cg->naddrs; i++)
		cg_blocks_init(&cg->addrs[i].blocks,
			       cg->block_mem + i * nblocks, cg->block_size);
	return 0;
}

static void map_exit(struct kunit *test)
{
	cg_tables_free(ctx->cg);
	free_percpu(ctx->cg->stats);
	ctx = NULL;
}

/* A new flow's first packet through the NF: its verdict, the flow kept. */
static enum nfv_verdict flow_try(struct kunit *test, struct nfv_flow **fp,
				 u8 proto, __be32 src, u16 sport, __be32 dst,
				 u16 dport)
{
	struct nfv_pkt pkt = {};
	struct nfv_flow *flow;

	KUNIT_ASSERT_LT(test, ctx->nflows, MAP_MAX_FLOWS);
	flow = kunit_kzalloc(test, sizeof(*flow), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, flow);
	flow->key = (struct nfv_key){ .proto = proto, .sport = htons(sport),
				      .dport = htons(dport),
				      .addr.v4 = { src, dst } };
	pkt.key = flow->key;
	pkt.flow = flow;
	pkt.new_flow = true;
	if (proto == IPPROTO_TCP)
		pkt.tcp_flags = TCPHDR_SYN;
	*fp = flow;
	return cg_process(ctx->nf, &pkt, &flow->cf);
}

/* A flow the NF translated: in the table from now on. */
static struct nfv_flow *flow_new(struct kunit *test, u8 proto, __be32 src,
				 u16 sport, __be32 dst, u16 dport)
{
	struct nfv_flow *flow;

	KUNIT_ASSERT_EQ(test, flow_try(test, &flow, proto, src, sport, dst,
				       dport), NFV_CONTINUE);
	KUNIT_ASSERT_TRUE(test, flow->nat);
	ctx->flows[ctx->nflows++] = flow;
	return flow;
}

/* A flow leaves the table: the NF's flow_destroy(). */
static void flow_end(struct nfv_flow *flow)
{
	unsigned int i;

	cg_flow_destroy(ctx->nf, flow, &flow->cf);
	for (i = 0; i < ctx->nflows; i++)
		if (ctx->flows[i] == flow)
			ctx->flows[i] = NULL;
}

/* An outbound flow's mapping: its public address index and port. */
static u32 pub_of(const struct nfv_flow *out)
{
	return cg_pub_index(ctx->cg, out->reply.addr.v4.dst);
}

static __be16 pub_port_of(const struct nfv_flow *out)
{
	return out->key.proto == IPPROTO_ICMP ? out->reply.sport :
						out->reply.dport;
}

/* The link both hashes hold for an outbound flow's mapping, or 0. */
static unsigned long link_of(struct kunit *test, const struct nfv_flow *out)
{
	unsigned long in = cg_map_find_in(ctx->cg, &out->key);

	KUNIT_EXPECT_EQ(test, in, cg_map_find_pub(ctx->cg, pub_of(out),
						  pub_port_of(out),
						  out->key.proto));
	return in;
}

/* Nothing left: no mapping in either hash, no subscriber, no session. */
static void expect_empty(struct kunit *test)
{
	struct cg_inst *cg = ctx->cg;
	u32 i;

	KUNIT_EXPECT_EQ(test, cg->nmaps, 0);
	KUNIT_EXPECT_EQ(test, cg->nsubs, 0);
	for (i = 0; i <= cg->map_mask; i++) {
		KUNIT_EXPECT_EQ(test, cg->maps_in[i], 0UL);
		KUNIT_EXPECT_EQ(test, cg->maps_pub[i], 0UL);
	}
	for (i = 0; i < cg->naddrs; i++) {
		KUNIT_EXPECT_EQ(test, cg->addrs[i].nsubs, 0);
		KUNIT_EXPECT_EQ(test, cg->addrs[i].blocks.used, 0);
	}
}

/*
 * A mapping made by one flow lives in that flow's area, found from both
 * hashes as the flow's own link; its subscriber has one mapping and one
 * session. The flow ending takes it out of both and frees its
 * subscriber, the block going into quarantine.
 */
static void cgnat_map_own(struct kunit *test)
{
	struct cg_inst *cg = ctx->cg;
	struct nfv_flow *a;
	struct cg_sub *sub;
	struct cg_map m;
	u16 port;

	a = flow_new(test, IPPROTO_UDP, SUB1, 5000, SRV1, 53);
	KUNIT_EXPECT_EQ(test, a->cf.ref, CG_FLOW_OWN);
	KUNIT_EXPECT_EQ(test, link_of(test, a),
			(unsigned long)a | CG_LINK_FLOW);
	sub = cg_sub_find(cg, SUB1, 0);
	KUNIT_ASSERT_NOT_NULL(test, sub);
	KUNIT_EXPECT_PTR_EQ(test, cg_link_sub(cg, link_of(test, a)), sub);
	KUNIT_EXPECT_EQ(test, pub_of(a), sub->pub);
	port = ntohs(pub_port_of(a));
	KUNIT_EXPECT_EQ(test, cg_block_of(&cg->addrs[sub->pub].blocks, port),
			(unsigned int)sub->blocks[0]);
	KUNIT_EXPECT_EQ(test, sub->nmaps, 1);
	KUNIT_EXPECT_EQ(test, sub->sessions, 1);
	KUNIT_EXPECT_EQ(test, cg->nmaps, 1);
	/* The form dumps and events read: the mapping as a cg_map holds it. */
	cg_flow_map(cg, a, &m);
	KUNIT_EXPECT_EQ(test, ntohl(m.addr), ntohl(SUB1));
	KUNIT_EXPECT_EQ(test, ntohs(m.port), 5000);
	KUNIT_EXPECT_EQ(test, ntohs(m.pub_port), port);
	KUNIT_EXPECT_PTR_EQ(test, m.sub, sub);
	KUNIT_EXPECT_EQ(test, m.flows, 1);
	KUNIT_EXPECT_EQ(test, ctx->ev[NFV_CGNAT_EV_SESSION_NEW], 1);

	flow_end(a);
	KUNIT_EXPECT_EQ(test, link_of(test, a), 0UL);
	KUNIT_EXPECT_EQ(test, ctx->ev[NFV_CGNAT_EV_SESSION_DEL], 1);
	KUNIT_EXPECT_EQ(test, ctx->ev[NFV_CGNAT_EV_BLOCK_FREE], 1);
	KUNIT_EXPECT_EQ(test, cg->addrs[pub_of(a)].blocks.quarantined, 1);
	expect_empty(test);
}

/*
 * A second flow of the same inside tuple (EIM) moves the mapping to a
 * struct cg_map in the first flow's place in both hashes; both flows
 * point to it, and the first flow's area leaves the hashes. The flows
 * end in the order @first_ends_first says: the mapping, its port and its
 * subscriber stay while one lives, whichever it is, and go with the last.
 */
static void map_shared(struct kunit *test, bool first_ends_first)
{
	struct cg_inst *cg = ctx->cg;
	struct nfv_flow *a, *b, *c;
	struct cg_map *map;
	struct cg_sub *sub;
	unsigned long link;

	a = flow_new(test, IPPROTO_UDP, SUB1, 5000, SRV1, 53);
	b = flow_new(test, IPPROTO_UDP, SUB1, 5000, SRV2, 53);
	/* One public address:port seen by both servers. */
	KUNIT_EXPECT_EQ(test, ntohl(b->reply.addr.v4.dst),
			ntohl(a->reply.addr.v4.dst));
	KUNIT_EXPECT_EQ(test, ntohs(b->reply.dport), ntohs(a->reply.dport));
	link = link_of(test, a);
	KUNIT_ASSERT_NE(test, link, 0UL);
	KUNIT_EXPECT_EQ(test, link & CG_LINK_FLOW, 0UL);
	KUNIT_EXPECT_EQ(test, link_of(test, b), link);
	map = (struct cg_map *)link;
	KUNIT_EXPECT_EQ(test, a->cf.ref, link);
	KUNIT_EXPECT_EQ(test, b->cf.ref, link);
	KUNIT_EXPECT_EQ(test, a->cf.pub_next, 0UL);
	sub = cg_sub_find(cg, SUB1, 0);
	KUNIT_ASSERT_NOT_NULL(test, sub);
	KUNIT_EXPECT_PTR_EQ(test, map->sub, sub);
	KUNIT_EXPECT_EQ(test, ntohl(map->addr), ntohl(SUB1));
	KUNIT_EXPECT_EQ(test, ntohs(map->port), 5000);
	KUNIT_EXPECT_EQ(test, ntohs(map->pub_port), ntohs(a->reply.dport));
	KUNIT_EXPECT_EQ(test, map->flows, 2);
	KUNIT_EXPECT_EQ(test, sub->nmaps, 1);
	KUNIT_EXPECT_EQ(test, sub->sessions, 2);
	KUNIT_EXPECT_EQ(test, cg->nmaps, 1);

	flow_end(first_ends_first ? a : b);
	KUNIT_EXPECT_EQ(test, link_of(test, a), link);
	KUNIT_EXPECT_EQ(test, map->flows, 1);
	KUNIT_EXPECT_EQ(test, sub->sessions, 1);
	KUNIT_EXPECT_EQ(test, sub->nmaps, 1);
	KUNIT_EXPECT_EQ(test, cg->nmaps, 1);
	KUNIT_EXPECT_EQ(test, ctx->ev[NFV_CGNAT_EV_BLOCK_FREE], 0);

	/* A third flow joins the cg_map as it is: nothing moves. */
	c = flow_new(test, IPPROTO_UDP, SUB1, 5000, SRV2, 443);
	KUNIT_EXPECT_EQ(test, c->cf.ref, link);
	KUNIT_EXPECT_EQ(test, map->flows, 2);
	flow_end(c);

	flow_end(first_ends_first ? b : a);
	KUNIT_EXPECT_EQ(test, link_of(test, a), 0UL);
	KUNIT_EXPECT_EQ(test, ctx->ev[NFV_CGNAT_EV_SESSION_NEW], 3);
	KUNIT_EXPECT_EQ(test, ctx->ev[NFV_CGNAT_EV_SESSION_DEL], 3);
	KUNIT_EXPECT_EQ(test, ctx->ev[NFV_CGNAT_EV_BLOCK_FREE], 1);
	expect_empty(test);
}

static void cgnat_map_shared_first_ends(struct kunit *test)
{
	map_shared(test, true);
}

static void cgnat_map_shared_last_ends(struct kunit *test)
{
	map_shared(test, false);
}

/*
 * An outside host's flow to a mapping's public address:port (EIF) finds
 * it by the public hash, moves it out of the outbound flow's area and
 * holds it; the outbound flow ending leaves the mapping to the inbound
 * one. Once no flow holds it, the public tuple reaches nobody.
 */
static void cgnat_map_inbound(struct kunit *test)
{
	struct nfv_flow *a, *in, *late;
	unsigned long link;
	struct cg_map *map;
	u16 port;

	a = flow_new(test, IPPROTO_TCP, SUB1, 40000, SRV1, 80);
	port = ntohs(a->reply.dport);
	in = flow_new(test, IPPROTO_TCP, SRV2, 1234, a->reply.addr.v4.dst,
		      port);
	KUNIT_EXPECT_EQ(test, ntohl(in->reply.addr.v4.src), ntohl(SUB1));
	KUNIT_EXPECT_EQ(test, ntohs(in->reply.sport), 40000);
	link = link_of(test, a);
	KUNIT_ASSERT_EQ(test, link & CG_LINK_FLOW, 0UL);
	KUNIT_EXPECT_EQ(test, in->cf.ref, link);
	KUNIT_EXPECT_EQ(test, a->cf.ref, link);
	map = (struct cg_map *)link;
	KUNIT_EXPECT_EQ(test, map->flows, 2);

	flow_end(a);
	KUNIT_EXPECT_EQ(test, cg_map_find_pub(ctx->cg, pub_of(a),
					      htons(port), IPPROTO_TCP), link);
	KUNIT_EXPECT_EQ(test, map->flows, 1);
	KUNIT_EXPECT_EQ(test, map->sub->sessions, 1);
	flow_end(in);
	KUNIT_EXPECT_EQ(test, cg_map_find_pub(ctx->cg, pub_of(a),
					      htons(port), IPPROTO_TCP), 0UL);
	expect_empty(test);
	/* Another protocol's or a gone mapping's tuple: dropped, counted. */
	KUNIT_EXPECT_EQ(test, flow_try(test, &late, IPPROTO_TCP, SRV2, 1235,
				       a->reply.addr.v4.dst, port), NFV_DROP);
	KUNIT_EXPECT_FALSE(test, late->nat);
	expect_empty(test);
}

/*
 * Filtering address: a host the mapping's one flow did not send to is
 * refused while the mapping is still in that flow's area, and nothing
 * moves; the server it sent to gets in, which moves it.
 */
static void cgnat_map_filtered(struct kunit *test)
{
	struct nfv_flow *a, *in, *srv;

	ctx->cg->filtering = NFV_CGNAT_FILTER_ADDRESS;
	a = flow_new(test, IPPROTO_UDP, SUB1, 6000, SRV1, 53);
	KUNIT_EXPECT_EQ(test, flow_try(test, &in, IPPROTO_UDP, SRV2, 53,
				       a->reply.addr.v4.dst,
				       ntohs(a->reply.dport)), NFV_DROP);
	KUNIT_EXPECT_EQ(test, a->cf.ref, CG_FLOW_OWN);
	KUNIT_EXPECT_EQ(test, link_of(test, a),
			(unsigned long)a | CG_LINK_FLOW);
	srv = flow_new(test, IPPROTO_UDP, SRV1, 5353, a->reply.addr.v4.dst,
		       ntohs(a->reply.dport));
	KUNIT_EXPECT_EQ(test, srv->cf.ref, link_of(test, a));
	KUNIT_EXPECT_EQ(test, a->cf.ref, link_of(test, a));
	flow_end(a);
	flow_end(srv);
	expect_empty(test);
}

/*
 * A hairpin (RFC 4787 REQ-9): the second subscriber's flow to the
 * first's public address:port moves the first's mapping to a cg_map
 * (its peer, which the hairpin flow holds too) and makes its own mapping
 * in its area, marked hairpinned. The peer outlives its own flow while
 * the hairpin lives; both go with the hairpin flow.
 */
static void cgnat_map_hairpin(struct kunit *test)
{
	struct nfv_flow *a, *h;
	unsigned long peer;
	u16 port;

	a = flow_new(test, IPPROTO_UDP, SUB1, 7000, SRV1, 53);
	port = ntohs(a->reply.dport);
	h = flow_new(test, IPPROTO_UDP, SUB2, 7001, a->reply.addr.v4.dst,
		     port);
	/* Both ends see the other's public address:port... */
	KUNIT_EXPECT_EQ(test, ntohl(h->reply.addr.v4.src), ntohl(SUB1));
	KUNIT_EXPECT_EQ(test, ntohs(h->reply.sport), 7000);
	KUNIT_EXPECT_EQ(test, cg_pub_index(ctx->cg, h->reply.addr.v4.dst),
			(s64)cg_sub_find(ctx->cg, SUB2, 0)->pub);
	/* ...the peer moved out of a's area, h's own mapping in h's. */
	peer = link_of(test, a);
	KUNIT_ASSERT_EQ(test, peer & CG_LINK_FLOW, 0UL);
	KUNIT_EXPECT_EQ(test, ((struct cg_map *)peer)->flows, 2);
	KUNIT_EXPECT_EQ(test, h->cf.ref, CG_FLOW_OWN | CG_FLOW_HAIRPIN);
	KUNIT_EXPECT_EQ(test, link_of(test, h), (unsigned long)h | CG_LINK_FLOW);
	KUNIT_EXPECT_EQ(test, ctx->cg->nmaps, 2);

	flow_end(a);
	KUNIT_EXPECT_EQ(test, link_of(test, a), peer);
	KUNIT_EXPECT_EQ(test, ((struct cg_map *)peer)->flows, 1);
	flow_end(h);
	KUNIT_EXPECT_EQ(test, link_of(test, a), 0UL);
	KUNIT_EXPECT_EQ(test, link_of(test, h), 0UL);
	expect_empty(test);
}

/*
 * A second flow of a hairpinned flow's own mapping moves it out of the
 * hairpin flow's area; that flow keeps its hairpin mark, so its end still
 * lets the peer go.
 */
static void cgnat_map_hairpin_spill(struct kunit *test)
{
	struct nfv_flow *a, *h, *b;
	unsigned long own;

	a = flow_new(test, IPPROTO_UDP, SUB1, 7000, SRV1, 53);
	h = flow_new(test, IPPROTO_UDP, SUB2, 7001, a->reply.addr.v4.dst,
		     ntohs(a->reply.dport));
	b = flow_new(test, IPPROTO_UDP, SUB2, 7001, SRV2, 53);
	own = link_of(test, h);
	KUNIT_ASSERT_EQ(test, own & CG_LINK_FLOW, 0UL);
	KUNIT_EXPECT_EQ(test, link_of(test, b), own);
	KUNIT_EXPECT_EQ(test, h->cf.ref, own | CG_FLOW_HAIRPIN);
	KUNIT_EXPECT_EQ(test, b->cf.ref, own);
	flow_end(h);
	KUNIT_EXPECT_EQ(test, ((struct cg_map *)link_of(test, a))->flows, 1);
	KUNIT_EXPECT_EQ(test, ((struct cg_map *)own)->flows, 1);
	flow_end(a);
	flow_end(b);
	expect_empty(test);
}

/*
 * The hashes grown (cg_maps_rehash()) with mappings of both forms, TCP,
 * UDP and ICMP (its id the public port) among them: each is found by
 * both tuples in its new bucket, and each goes when its flows end.
 */
static void cgnat_map_rehash(struct kunit *test)
{
	struct cg_inst *cg = ctx->cg;
	static const u8 protos[] = { IPPROTO_UDP, IPPROTO_TCP, IPPROTO_ICMP };
	struct nfv_flow *f[2 * 64];
	unsigned long *in, *pub, *old_in, *old_pub, link;
	unsigned int i, n = 0;

	for (i = 0; i < 64; i++) {
		u8 proto = protos[i % 3];
		/* ICMP: sport is the echo's id, dport its type. */
		u16 dport = proto == IPPROTO_ICMP ? ICMP_ECHO : 53;
		__be32 src = IP(100, 64, 0, 1 + i % 8);

		f[n++] = flow_new(test, proto, src, 1000 + i, SRV1, dport);
		if (i % 2)	/* every other one shared: a cg_map */
			f[n++] = flow_new(test, proto, src, 1000 + i, SRV2,
					  dport);
	}
	KUNIT_EXPECT_EQ(test, cg->nmaps, 64);
	in = kvcalloc(512, sizeof(*in), GFP_KERNEL);
	pub = kvcalloc(512, sizeof(*pub), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, in);
	KUNIT_ASSERT_NOT_NULL(test, pub);
	old_in = cg->maps_in;
	old_pub = cg->maps_pub;
	spin_lock_bh(&cg->lock);
	cg_maps_rehash(cg, in, pub, 511);
	spin_unlock_bh(&cg->lock);
	kvfree(old_in);
	kvfree(old_pub);
	KUNIT_EXPECT_EQ(test, cg->nmaps, 64);
	for (i = 0; i < n; i++) {
		link = link_of(test, f[i]);
		KUNIT_EXPECT_NE(test, link, 0UL);
		KUNIT_EXPECT_EQ(test, link, f[i]->cf.ref & CG_FLOW_OWN ?
				(unsigned long)f[i] | CG_LINK_FLOW :
				f[i]->cf.ref);
	}
	for (i = 0; i < n; i++)
		flow_end(f[i]);
	expect_empty(test);
}

static struct kunit_case cgnat_map_cases[] = {
	KUNIT_CASE(cgnat_map_own),
	KUNIT_CASE(cgnat_map_shared_first_ends),
	KUNIT_CASE(cgnat_map_shared_last_ends),
	KUNIT_CASE(cgnat_map_inbound),
	KUNIT_CASE(cgnat_map_filtered),
	KUNIT_CASE(cgnat_map_hairpin),
	KUNIT_CASE(cgnat_map_hairpin_spill),
	KUNIT_CASE(cgnat_map_rehash),
	{}
};

static struct kunit_suite cgnat_map_suite = {
	.name = "nfv_cgnat_map",
	.init = map_init,
	.exit = map_exit,
	.test_cases = cgnat_map_cases,
};

kunit_test_suites(&cgnat_map_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suite for the nfv CGNAT mapping store");
