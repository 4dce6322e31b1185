/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfv_cgnat: NAT44 for the subscribers of an inside prefix over public
 * pools, with paired pooling, port blocks and endpoint-independent mapping
 * and filtering (Documentation/nf-cgnat.rst).
 *
 * Only a flow's first packet reaches the NF: the core translates the rest
 * from the flow's stored reply key. So every table here changes on the
 * slow path of new flows and in flow_destroy(), under one lock per
 * instance (cg->lock): a new flow touches a subscriber, its address's
 * blocks and two mapping hashes at once, which stripes would have to lock
 * together anyway. Established flows never take it.
 */
#ifndef _NFV_CGNAT_H
#define _NFV_CGNAT_H

#include <linux/percpu.h>
#include <linux/ratelimit.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "../nfv_nf.h"
#include "block.h"
#include "det.h"

#define CG_MAX_POOLS		8
#define CG_MAX_ADDRS		65536	/* of all pools */
#define CG_MAX_BLOCKS_TOTAL	(1U << 20)	/* descriptors, all addresses */
#define CG_MAX_BLOCKS_SUB	64	/* max-blocks */
#define CG_MAX_TRIES		8	/* ports tried on a claim clash */
#define CG_MAX_STATICS		1024	/* static mappings */
#define CG_STATIC_PORT_MAX	1023	/* below the blocks' ports */
#define CG_MAX_EXCLUDES		64	/* destinations not translated */

#define CG_DEF_INSIDE		0x64400000	/* 100.64.0.0/10 */
#define CG_DEF_INSIDE_LEN	10
#define CG_DEF_BLOCK_SIZE	512
#define CG_DEF_MAX_BLOCKS	4
#define CG_DEF_MAX_SESSIONS	4096
#define CG_DEF_QUARANTINE	120
#define CG_DEF_MAX_SUBS		65536
#define CG_DEF_MAX_MAPS		262144
#define CG_LIMIT_MAX		(1U << 24)	/* subscribers, mappings */

/*
 * The instance's idle timeouts, each a timeout class of its own in the
 * datapath (nfv_nf_timeout_class()): its flows move between them.
 */
enum cg_tmo {
	CG_TMO_UDP,
	CG_TMO_TCP_EST,		/* TCP once the SYN was answered */
	CG_TMO_TCP_TRANS,	/* TCP opening, or closing (FIN, RST) */
	CG_TMO_ICMP,
	CG_TMO_COUNT
};

/* A destination prefix not translated. */
struct cg_prefix {
	__be32 addr, mask;
	u8 len;
};

struct cg_pool {
	u32 first;		/* host order */
	u32 n;			/* addresses */
	u8 len;
};

/* One public address: its blocks and the subscribers paired to it. */
struct cg_addr {
	struct cg_blocks blocks;
	u32 nsubs;
};

/*
 * A subscriber: an inside address of a zone, paired to one address. In
 * deterministic mode, an inside address of any zone (the formula knows no
 * zones), with the ports in use of its range instead of blocks.
 */
struct cg_sub {
	struct hlist_node node;
	__be32 addr;
	u16 zone;
	u8 nblocks;
	u32 pub;		/* index into cg->addrs */
	u32 nmaps;
	u32 sessions;		/* flows using its mappings */
	union {
		DECLARE_FLEX_ARRAY(u16, blocks); /* nblocks of max_blocks */
		DECLARE_FLEX_ARRAY(unsigned long, ports); /* det.ports bits */
	};
};

/* An outside address a mapping sent to, and its outbound flows there. */
struct cg_remote {
	__be32 addr;
	u32 flows;
};

/* A mapping's remotes (filtering address): n of cap in use. */
struct cg_remotes {
	u16 n, cap;
	struct cg_remote r[];
};

/*
 * A link in a mapping hash (maps_in, maps_pub): the next mapping of the
 * bucket, 0 at the end. A struct cg_map, or, CG_LINK_FLOW set, a flow
 * whose area holds the mapping it made and is the only flow to use
 * (struct cg_flow). Singly linked: a bucket holds four mappings or so,
 * and an unlink walks it.
 */
#define CG_LINK_FLOW		1UL

/*
 * A mapping of more than one flow: (inside address, zone, protocol, port
 * or ICMP id) -> public. Its flows point to it. A static one (sub NULL)
 * is a struct cg_static.
 */
struct cg_map {
	unsigned long in_next;		/* maps_in link: by inside tuple */
	unsigned long pub_next;		/* maps_pub link: by public tuple */
	struct cg_sub *sub;
	/* filtering address: where its outbound flows go */
	struct cg_remotes *remotes;
	__be32 addr;
	__be16 port;
	__be16 pub_port;
	u16 zone;
	u8 proto;
	u32 flows;
};

/*
 * A static mapping (port forward), made at create and kept while the
 * instance lives: of no subscriber, its public address here, its port
 * below the blocks'. map first: cg_tables_free() frees it as a map.
 */
struct cg_static {
	struct cg_map map;
	u32 pub;		/* index into cg->addrs */
	struct list_head node;	/* cg->statics, in configured order */
};

static inline bool cg_map_static(const struct cg_map *map)
{
	return !map->sub;
}

/* The index of the mapping's public address. */
static inline u32 cg_map_pub(const struct cg_map *map)
{
	if (map->sub)
		return map->sub->pub;
	return container_of(map, struct cg_static, map)->pub;
}

/*
 * The per-flow area, 16 bytes: flows are most of the NAT's memory, and
 * most mappings have one flow (a socket per source port). The flow that
 * makes a mapping holds it here while no other flow uses it
 * (CG_FLOW_OWN): its two hash links, @ref's under the flag bits; its
 * inside tuple is the flow's original key, its public address and port
 * the reply key's, its subscriber found by inside address. When a second
 * flow comes to use it, the mapping moves to a struct cg_map
 * (cg_map_spill()) and @ref of each of its flows points there.
 * CG_FLOW_HAIRPIN: the flow is hairpinned and holds the mapping of its
 * public destination too, which its original key names.
 */
struct cg_flow {
	unsigned long ref;
	unsigned long pub_next;
};

#define CG_FLOW_HAIRPIN		2UL
#define CG_FLOW_OWN		4UL
#define CG_FLOW_BITS		(CG_FLOW_HAIRPIN | CG_FLOW_OWN)

/* An event, queued under cg->lock until its holder sends it (event.c). */
struct cg_ev {
	u64 time;		/* ms since the epoch */
	__be32 inside, pub;
	u32 limit;
	u32 pool_id;		/* natPoolId */
	u16 zone;
	u16 first, last;	/* a block's ports */
	__be16 port, pub_port;	/* a session's */
	u8 type;		/* enum nfv_cgnat_event */
	u8 proto;
};

/* A new flow's events: two blocks, and a reroll's; more are lost. */
#define CG_EVQ_LEN	8
struct cg_evq {
	unsigned int n;
	struct cg_ev ev[CG_EVQ_LEN];
};

struct cg_stats {
	u64 stat[__NFV_CGNAT_STAT_MAX];
};

struct cg_inst {
	/* Configuration: fixed once the instance is created. */
	struct cg_pool pools[CG_MAX_POOLS];
	unsigned int npools;
	u32 naddrs;
	__be32 inside, inside_mask;
	u8 inside_len;
	u16 block_size;
	u16 outside_zone;
	u8 filtering;			/* enum nfv_cgnat_filtering */
	u8 mode;			/* enum nfv_cgnat_mode */
	struct cg_det det;		/* NFV_CGNAT_MODE_DETERMINISTIC */
	u32 max_blocks, max_sessions, max_subs, max_maps;
	unsigned long quarantine;	/* jiffies */
	u32 seed;
	u32 tmo_secs[CG_TMO_COUNT];
	int tmo_cls[CG_TMO_COUNT];	/* the datapath's class numbers */
	struct nfv_nf *nf;		/* for its events */
	bool session_events;
	u32 pool_id;			/* natPoolId of its events */
	struct cg_prefix *excludes;	/* nexcludes, NULL if none */
	unsigned int nexcludes;

	/* Under lock. */
	spinlock_t lock;
	struct cg_addr *addrs;		/* naddrs */
	struct cg_block *block_mem;	/* the addresses' descriptors */
	struct hlist_head *subs;	/* sub_mask + 1 buckets */
	unsigned long *maps_in;		/* map_mask + 1 links each */
	unsigned long *maps_pub;
	u32 sub_mask, map_mask;
	u32 nsubs, nmaps;
	u32 map_grow_at;		/* nmaps past which the hashes grow */
	u32 map_max_mask;		/* map_mask when fully grown */
	struct work_struct map_grow;	/* main.c */
	struct ratelimit_state reject_rs;
	struct ratelimit_state ev_rs;	/* limit events */
	struct cg_evq evq;		/* event.c */
	/*
	 * fill_item's place in maps_in: item idx is the pos'th of bucket.
	 * A mapping made or freed between two steps of a dump moves the
	 * rest of its bucket by one, so a dump may see one twice or miss
	 * one, as a walk of a list by index did.
	 */
	u32 nstatics;
	struct list_head statics;	/* struct cg_static, fixed at create */
	struct {
		unsigned long idx;
		u32 bucket, pos;
	} cursor;

	struct cg_stats __percpu *stats;
};

static inline void cg_count(struct cg_inst *cg, unsigned int s)
{
	this_cpu_inc(cg->stats->stat[s]);
}

static inline __be32 cg_addr_of(const struct cg_inst *cg, u32 idx)
{
	unsigned int i;

	for (i = 0; i < cg->npools; i++) {
		if (idx < cg->pools[i].n)
			return htonl(cg->pools[i].first + idx);
		idx -= cg->pools[i].n;
	}
	return 0;
}

static inline bool cg_inside(const struct cg_inst *cg, __be32 a)
{
	return (a & cg->inside_mask) == cg->inside;
}

/* The index of a pool address, or -1. */
static inline s64 cg_pub_index(const struct cg_inst *cg, __be32 a)
{
	u32 h = ntohl(a), base = 0;
	unsigned int i;

	for (i = 0; i < cg->npools; i++) {
		if (h - cg->pools[i].first < cg->pools[i].n)
			return base + h - cg->pools[i].first;
		base += cg->pools[i].n;
	}
	return -1;
}

/* The subscriber zone of an inside zone: deterministic mode has none. */
static inline u16 cg_sub_zone(const struct cg_inst *cg, u16 zone)
{
	return cg->mode == NFV_CGNAT_MODE_DETERMINISTIC ? 0 : zone;
}

/* map.c */
unsigned long cg_map_find_in(struct cg_inst *cg, const struct nfv_key *k);
unsigned long cg_map_find_pub(struct cg_inst *cg, u32 pub, __be16 port,
			      u8 proto);
unsigned long cg_link_next(struct cg_inst *cg, unsigned long link);
void cg_flow_map(struct cg_inst *cg, struct nfv_flow *flow,
		 struct cg_map *m);
const struct cg_map *cg_link_map(struct cg_inst *cg, unsigned long link,
				 struct cg_map *buf);
struct cg_sub *cg_link_sub(struct cg_inst *cg, unsigned long link);
__be32 cg_link_remote(unsigned long link);
void cg_map_hash(struct cg_inst *cg, struct cg_map *map);
void cg_map_embed(struct cg_inst *cg, struct nfv_flow *flow,
		  struct cg_flow *cf);
void cg_map_unhash(struct cg_inst *cg, unsigned long link);
struct cg_map *cg_map_spill(struct cg_inst *cg, unsigned long link,
			    int *reason);
void cg_maps_rehash(struct cg_inst *cg, unsigned long *in,
		    unsigned long *pub, u32 mask);

/* process.c */
struct cg_sub *cg_sub_find(struct cg_inst *cg, __be32 addr, u16 zone);
bool cg_excluded(const struct cg_inst *cg, __be32 dst);
enum nfv_verdict cg_process(struct nfv_nf *nf, struct nfv_pkt *pkt,
			    void *flow_priv);
void cg_flow_destroy(struct nfv_nf *nf, struct nfv_flow *flow,
		     void *flow_priv);
void cg_tables_free(struct cg_inst *cg);

/* lookup.c */
extern const struct nla_policy cg_lookup_policy[NFV_CGNAT_MAP_A_MAX + 1];
int cg_lookup(struct nfv_nf *nf, struct nlattr **tb, struct sk_buff *skb,
	      unsigned long idx, struct netlink_ext_ack *extack);

/* event.c */
void cg_ev_init(struct nfv_nf *nf, struct cg_inst *cg, struct nlattr **tb);
void cg_ev_block(struct cg_inst *cg, u8 type, const struct cg_sub *sub,
		 unsigned int blk);
void cg_ev_limit(struct cg_inst *cg, int reason, const struct nfv_key *k,
		 const struct cg_sub *sub);
void cg_ev_session(struct cg_inst *cg, u8 type, const struct cg_map *map);
void cg_ev_take(struct cg_inst *cg, struct cg_evq *q);
void cg_ev_send(struct cg_inst *cg, const struct cg_evq *q);

/* static.c */
int cg_parse_statics(struct cg_inst *cg, struct nlattr *list,
		     struct netlink_ext_ack *extack);
int cg_fill_map(struct cg_inst *cg, struct sk_buff *skb,
		   const struct cg_map *map);
int cg_fill_statics(struct cg_inst *cg, struct sk_buff *skb);

#endif /* _NFV_CGNAT_H */
