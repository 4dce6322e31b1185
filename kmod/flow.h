/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flow table: one entry per connection, found from either direction.
 *
 * Each entry is on two hash chains, one per direction, as conntrack's
 * tuples are, but it stores only the original key: the reply key is its
 * inversion in the reply zone, worked out when a lookup meets the reply
 * node. Each direction's zone is that of the port its packets arrive on,
 * as with conntrack's directional zones: the original's that of the first
 * packet's port, the reply's that of the port the original leaves by. A NAT
 * flow (NFV_FLOW_NAT) stores its reply key after the original instead, as
 * its NF claimed it (nfv_flow_nat_claim()). Readers walk the chains under RCU
 * with no lock; writers take the bucket locks of both nodes. Entries are
 * freed after a grace period, so a reader that finds a key may use the
 * entry until it leaves its RCU section, wherever the entry is by then.
 *
 * Entries move between chains only when max-flows grows past what the
 * bucket array was sized for (nfv_flow_table_set_max()): the resize moves
 * every node into a larger array, one lock stripe at a time, while readers
 * go on. A reader walking a chain then may be led into the new array's
 * chain and miss its key, so a miss, never a hit, checks the array's
 * @moving flag and, if set, looks again under the key's stripe lock.
 * A key's stripe is its hash's low bits, the same in any array, so a
 * stripe lock protects the key's bucket in the old array and the new.
 * The array never shrinks.
 */
#ifndef _NFV_FLOW_H
#define _NFV_FLOW_H

#include <linux/mutex.h>
#include <linux/siphash.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/dst.h>

#include "nfv_nf.h"

struct nfv_flow_stats {
	u64 packets;
	u64 bytes;
};

/*
 * A flow's place on one hash chain. Bit 0 of a pointer to a node (in a
 * bucket or in the node before) says which node of its flow it points to:
 * set for the reply node.
 */
struct nfv_node {
	struct nfv_node __rcu *next;
};

#define NFV_NODE_REPLY		1UL

/* flow->flags */
#define NFV_FLOW_DYING		0x01	/* unlinked, or being unlinked */
#define NFV_FLOW_NF		0x02	/* has NF areas (and NFV_FLOW_CHAIN) */
#define NFV_FLOW_NAT		0x04	/* stores its reply key; never changes */
/*
 * Its port's chain was replaced (nfv_flow_supersede()): the flow stays
 * for its replies until a flow of its original key replaces it, or the
 * GC deletes it, once the table's drain clock has ticked twice since:
 * the clock's value then is in the DRAIN bits. All are set under the
 * bucket locks, as DYING is; read with READ_ONCE.
 */
#define NFV_FLOW_SUPERSEDED	0x08
#define NFV_FLOW_DRAIN_SHIFT	4
#define NFV_FLOW_DRAIN		0x70
/*
 * Holds a reference on the chain that made it, whose pointer follows the
 * keys: every flow the slow path makes, with NF state or not, so that a
 * reply runs the chain that decided its original direction even once the
 * port has another (nfv_flow_owner()). Never changes.
 */
#define NFV_FLOW_CHAIN		0x80

/*
 * flow->nat[dir]: the fields a packet of that direction rewrites, from
 * the key it arrives with to the inversion of the other direction's key.
 * Set when the flow is claimed, before it is in the table; never changed
 * but for NFV_NAT_PENDING.
 */
#define NFV_NAT_SADDR		0x01
#define NFV_NAT_DADDR		0x02
#define NFV_NAT_SPORT		0x04	/* or the ICMP query id */
#define NFV_NAT_DPORT		0x08
#define NFV_NAT_FIELDS		0x0f
/*
 * In nat[NFV_DIR_ORIG] only: claimed, and its first packet's verdict not
 * committed yet. The flow is in the table from the claim on, so another
 * CPU's packet of it may find it before its NFs finished setting it up:
 * such packets are dropped (NFV_DROP_PENDING), as conntrack drops the
 * loser of an unconfirmed race. Set before the flow is in the table,
 * cleared once by the CPU that claimed it; read with READ_ONCE.
 */
#define NFV_NAT_PENDING		0x80

/*
 * An IPv4 entry is 112 bytes, in two cache lines: the first written by
 * every packet (counters, last use), the second only read (results, chain
 * nodes, key). IPv6 entries have a 40-byte key and two route cookies.
 * A NAT flow (of a chain with an NF that translates) stores its reply
 * key right after the original, 16 or 40 bytes, so an IPv4 NAT entry is
 * 128 bytes. A flow a chain made holds it: a chain pointer at the end
 * (in the IPv4 entry's 16 spare bytes of kmalloc-128), then the areas of
 * the NFs that keep per-flow state.
 */
struct nfv_flow {
	struct rcu_head rcu;
	struct nfv_flow_stats stats[NFV_DIR_COUNT];
	u32 used;			/* jiffies of the last packet */
	u8 tmo;				/* enum nfv_timeout */
	u8 tcp_trap;			/* TCP flags that take the slow path */
	u8 res[NFV_DIR_COUNT];		/* enum nfv_result */
	u16 in_port;			/* port of the first packet */
	u8 flags;			/* NFV_FLOW_* */
	u8 assured;			/* set by an NF: spared by early drop */
	u16 reply_zone;			/* zone of the reply key */
	u8 nat[NFV_DIR_COUNT];		/* NFV_NAT_*, per direction */

	struct dst_entry *dst[NFV_DIR_COUNT];	/* NFV_RES_FORWARD routes */
	struct nfv_node node[NFV_DIR_COUNT];
	struct nfv_key key;	/* original; only nfv_key_len() bytes exist */
};

#define NFV_FLOW_SIZE4	(offsetof(struct nfv_flow, key) + NFV_KEY_LEN4)
#define NFV_FLOW_SIZE6	(offsetof(struct nfv_flow, key) + NFV_KEY_LEN6)

/*
 * A bucket array, with its size: readers load both through one pointer,
 * so they never pair one array's mask with another's buckets. A resize
 * sets @next, then @moving, before it moves the first node; neither
 * changes back, and the array is freed a grace period after its
 * successor took its place.
 */
struct nfv_flow_buckets {
	unsigned int mask;		/* buckets - 1 */
	bool moving;			/* nodes are leaving for @next */
	struct nfv_flow_buckets *next;
	struct nfv_node __rcu *b[];
};

/*
 * Timeout classes: flow->tmo indexes the table's tmo[], one entry for
 * each value the byte can hold. Classes 1 .. NFV_TMO_MAX are the core's
 * (uapi, `dp set ... timeout`); from NFV_TMO_NF_FIRST on, NF instances
 * own them (nfv_nf_timeout_class()), so an NF sets per-flow timeouts of
 * its own without a byte more in the entry.
 */
#define NFV_TMO_NF_FIRST	128
#define NFV_TMO_CLASSES		256
#define NFV_TMO_NF_COUNT	(NFV_TMO_CLASSES - NFV_TMO_NF_FIRST)

/*
 * What every packet reads (the array, seed, timeouts) comes first and is
 * written only at set-up or by a resize; what each new or deleted flow
 * writes (count) starts another cache line, so connection churn on one
 * CPU does not steal the line that lookups on every other CPU read.
 */
struct nfv_flow_table {
	struct nfv_flow_buckets __rcu *buckets;
	spinlock_t *locks;		/* NFV_FLOW_LOCKS stripes, fixed */
	unsigned int lock_mask;
	unsigned int moved;		/* in a resize: stripes moved so far */
	unsigned int gen;		/* odd while a resize runs (dumps) */
	siphash_key_t seed;
	unsigned long tmo[NFV_TMO_CLASSES];	/* jiffies */

	atomic_t count ____cacheline_aligned_in_smp;
	u32 max_flows;
	struct mutex mutex;		/* resize against GC and flush */
	struct delayed_work gc_work;
	unsigned int gc_next;		/* bucket the next GC run starts at */
	/* Superseded flows' clock, under the mutex: nfv_flow_drain(). */
	unsigned int drain_clock;
	unsigned long drain_tick;	/* jiffies of its next tick */
	/* NF timeout classes, RTNL: owners, and the slot to try first. */
	const struct nfv_nf *tmo_owner[NFV_TMO_NF_COUNT];
	unsigned int tmo_next;
};

static inline bool nfv_flow_is_v6(const struct nfv_flow *flow)
{
	return flow->key.flags & NFV_KEY_V6;
}

/* The stored reply key of an NFV_FLOW_NAT flow, after the original. */
static inline struct nfv_key *nfv_flow_reply_key(const struct nfv_flow *flow)
{
	return (struct nfv_key *)((u8 *)&flow->key + nfv_key_len(&flow->key));
}

/* Where the keys end: one, or two for a NAT flow. */
static inline size_t nfv_flow_keys_end(const struct nfv_flow *flow)
{
	size_t len = nfv_key_len(&flow->key);

	if (flow->flags & NFV_FLOW_NAT)
		len *= 2;
	return offsetof(struct nfv_flow, key) + len;
}

/* IPv6 route cookies, after the keys; IPv4 routes need none. */
static inline u32 *nfv_flow_cookies(struct nfv_flow *flow)
{
	return (u32 *)((u8 *)flow + nfv_flow_keys_end(flow));
}

/* Claimed and not committed yet: see NFV_NAT_PENDING. */
static inline bool nfv_flow_pending(const struct nfv_flow *flow)
{
	return READ_ONCE(flow->nat[NFV_DIR_ORIG]) & NFV_NAT_PENDING;
}

static inline bool nfv_flow_superseded(const struct nfv_flow *flow)
{
	return READ_ONCE(flow->flags) & NFV_FLOW_SUPERSEDED;
}

/*
 * Signed: a packet on another CPU may have used the flow after the GC read
 * @now, and that flow is as fresh as can be, not four billion ticks idle.
 */
static inline bool nfv_flow_expired(const struct nfv_flow_table *t,
				    const struct nfv_flow *flow, u32 now)
{
	s32 idle = now - READ_ONCE(flow->used);

	return idle > (s32)t->tmo[READ_ONCE(flow->tmo)];
}

int nfv_flow_caches_init(void);
void nfv_flow_caches_exit(void);
int nfv_flow_table_init(struct nfv_flow_table *t, u32 max_flows);
void nfv_flow_table_destroy(struct nfv_flow_table *t);
int nfv_flow_table_set_max(struct nfv_flow_table *t, u32 max_flows);
unsigned int nfv_flow_table_buckets(struct nfv_flow_table *t);

u32 nfv_flow_hash(const struct nfv_flow_table *t, const struct nfv_key *key);
struct nfv_flow *__nfv_flow_lookup(struct nfv_flow_table *t,
				   const struct nfv_key *key, u32 hash,
				   unsigned int *dir);
struct nfv_flow *nfv_flow_lookup(struct nfv_flow_table *t,
				 const struct nfv_key *key, unsigned int *dir);
int nfv_flow_nat_apply(struct nfv_pkt *pkt, struct nfv_flow *flow,
		       unsigned int dir);
void __nfv_flow_nat_apply(struct nfv_pkt *pkt, struct nfv_flow *flow,
			  unsigned int dir);
void nfv_flow_discard(struct nfv_flow_table *t, struct nfv_flow *flow);
void nfv_flow_nat_commit(struct nfv_flow *flow);
void nfv_flow_timeouts_init(struct nfv_flow_table *t);
void nfv_nf_timeouts_release(struct nfv_nf *nf);
void nfv_flow_set_reply_zone(struct nfv_flow *flow, u16 zone);
struct nfv_flow *nfv_flow_alloc(struct nfv_flow_table *t,
				const struct nfv_key *key,
				struct nfv_chain *chain, u16 in_port);
void nfv_flow_free(struct nfv_flow_table *t, struct nfv_flow *flow);
int __nfv_flow_insert(struct nfv_flow_table *t, struct nfv_flow *flow,
		      u32 hash);
int nfv_flow_insert(struct nfv_flow_table *t, struct nfv_flow *flow);
int nfv_flow_link2(struct nfv_flow_table *t, struct nfv_flow *flow,
		   u32 ho, const struct nfv_key *reply, u32 hr);
bool nfv_flow_unlink(struct nfv_flow_table *t, struct nfv_flow *flow);
bool nfv_flow_delete(struct nfv_flow_table *t, struct nfv_flow *flow,
		     u8 event);
unsigned int nfv_flow_flush(struct nfv_flow_table *t, int in_port);
unsigned int nfv_flow_supersede(struct nfv_flow_table *t, int in_port);
unsigned int nfv_flow_flush_nf(struct nfv_flow_table *t,
			       const struct nfv_nf *nf);
void nfv_flow_forget_routes(struct nfv_flow_table *t);
void nfv_flow_invalidate(struct nfv_flow *flow, unsigned int dir,
			 struct dst_entry *dst);
void nfv_flow_set_result(struct nfv_flow *flow, unsigned int dir, u8 res,
			 struct dst_entry *dst, u32 cookie);
void *nfv_flow_priv(struct nfv_flow *flow, const struct nfv_chain *chain,
		    unsigned int i);
struct nfv_chain *nfv_flow_chain(struct nfv_flow *flow);
struct nfv_chain *nfv_flow_owner(struct nfv_flow *flow);
void nfv_key_invert(struct nfv_key *dst, const struct nfv_key *src);
const struct nfv_key *nfv_flow_key(struct nfv_flow *flow, unsigned int dir,
				   struct nfv_key *buf);

/*
 * Dump cursor: walks the original nodes bucket by bucket; a dump that
 * stops part-way resumes at (bucket, index within the bucket), in an
 * array of @size buckets. If the array grew in between, the walk resumes
 * at the start of the same bucket: a flow not yet visited was in that
 * bucket or a later one, and a grown array keeps it in a bucket of the
 * same number or higher (the sizes are powers of two), so none is missed,
 * though some are visited twice. Callers say so (NLM_F_DUMP_INTR).
 */
struct nfv_flow_cursor {
	unsigned long bucket, idx, size;
};

typedef int (*nfv_flow_walk_fn)(struct nfv_flow *flow, void *arg);
int nfv_flow_walk(struct nfv_flow_table *t, struct nfv_flow_cursor *c,
		  nfv_flow_walk_fn fn, void *arg);

#endif /* _NFV_FLOW_H */
