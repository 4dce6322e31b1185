/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flow table: one entry per connection, found from either direction.
 *
 * Each entry holds two tuples (original and reply key), each on the chain of
 * its own bucket, as conntrack does. Readers walk the chains under RCU with
 * no lock; writers take the bucket locks of both tuples. Entries are freed
 * after a grace period and never move between chains, so a reader that
 * finds a key may use the entry until it leaves its RCU section.
 */
#ifndef _NFV_FLOW_H
#define _NFV_FLOW_H

#include <linux/siphash.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/dst.h>

#include "nfv_nf.h"

struct nfv_flow_stats {
	u64 packets;
	u64 bytes;
};

struct nfv_tuple {
	struct nfv_tuple __rcu *next;
	struct nfv_key key;	/* only nfv_key_len() bytes of it exist */
};

#define NFV_TUPLE_SIZE4	(offsetof(struct nfv_tuple, key) + NFV_KEY_LEN4)
#define NFV_TUPLE_SIZE6	(offsetof(struct nfv_tuple, key) + NFV_KEY_LEN6)

/* flow->flags */
#define NFV_FLOW_DYING		0x01	/* unlinked, or being unlinked */
#define NFV_FLOW_NF		0x02	/* has an NF area with a chain ref */

/*
 * An IPv4 entry is 128 bytes: two cache lines, the first written by every
 * packet (counters, last use), the second only read (results, keys).
 * IPv6 entries add 48 bytes of keys and two route cookies. Chains whose
 * NFs keep per-flow state add a chain pointer and their areas at the end.
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
	u8 pad[5];

	struct dst_entry *dst[NFV_DIR_COUNT];	/* NFV_RES_FORWARD routes */
	u8 tuples[] __aligned(8);
};

struct nfv_flow_table {
	struct nfv_tuple __rcu **buckets;
	spinlock_t *locks;
	unsigned int mask;		/* buckets - 1 */
	unsigned int lock_mask;
	siphash_key_t seed;
	atomic_t count;
	u32 max_flows;
	unsigned long tmo[__NFV_TMO_MAX];	/* jiffies */
	struct delayed_work gc_work;
	unsigned int gc_next;		/* bucket the next GC run starts at */
};

static inline bool nfv_flow_is_v6(const struct nfv_flow *flow)
{
	const struct nfv_tuple *t = (const void *)flow->tuples;

	return t->key.flags & NFV_KEY_V6;
}

static inline struct nfv_tuple *nfv_flow_tuple(struct nfv_flow *flow,
					       unsigned int dir)
{
	size_t size = nfv_flow_is_v6(flow) ? NFV_TUPLE_SIZE6 : NFV_TUPLE_SIZE4;

	return (void *)flow->tuples + dir * size;
}

static inline struct nfv_key *nfv_flow_key(struct nfv_flow *flow,
					   unsigned int dir)
{
	return &nfv_flow_tuple(flow, dir)->key;
}

/* IPv6 route cookies, after the tuples; IPv4 routes need none. */
static inline u32 *nfv_flow_cookies(struct nfv_flow *flow)
{
	return (u32 *)(flow->tuples + 2 * NFV_TUPLE_SIZE6);
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

int nfv_flow_table_init(struct nfv_flow_table *t, u32 max_flows);
void nfv_flow_table_destroy(struct nfv_flow_table *t);
void nfv_flow_table_set_max(struct nfv_flow_table *t, u32 max_flows);

struct nfv_flow *nfv_flow_lookup(struct nfv_flow_table *t,
				 const struct nfv_key *key, unsigned int *dir);
struct nfv_flow *nfv_flow_alloc(struct nfv_flow_table *t,
				const struct nfv_key *key,
				struct nfv_chain *chain, u16 in_port);
void nfv_flow_free(struct nfv_flow_table *t, struct nfv_flow *flow);
void nfv_flow_discard(struct nfv_flow_table *t, struct nfv_flow *flow);
int nfv_flow_insert(struct nfv_flow_table *t, struct nfv_flow *flow);
bool nfv_flow_delete(struct nfv_flow_table *t, struct nfv_flow *flow,
		     u8 event);
unsigned int nfv_flow_flush(struct nfv_flow_table *t, int in_port);
void nfv_flow_set_result(struct nfv_flow *flow, unsigned int dir, u8 res,
			 struct dst_entry *dst, u32 cookie);
void *nfv_flow_priv(struct nfv_flow *flow, unsigned int priv_off);
struct nfv_chain *nfv_flow_chain(struct nfv_flow *flow);
void nfv_key_invert(struct nfv_key *dst, const struct nfv_key *src);

/*
 * Dump cursor: walks the original tuples bucket by bucket; a dump that
 * stops part-way resumes at (bucket, index within the bucket).
 */
typedef int (*nfv_flow_walk_fn)(struct nfv_flow *flow, void *arg);
int nfv_flow_walk(struct nfv_flow_table *t, unsigned long *bucket,
		  unsigned long *idx, nfv_flow_walk_fn fn, void *arg);

#endif /* _NFV_FLOW_H */
