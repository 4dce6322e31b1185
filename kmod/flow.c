// SPDX-License-Identifier: GPL-2.0
/*
 * Flow table: RCU hash of connection entries, bounded, with a GC that does
 * bounded work per run, and a bucket array that grows with max-flows.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/log2.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <net/ipv6.h>

#include "core.h"

#define NFV_FLOW_LOCKS		1024
#define NFV_MIN_BUCKETS		1024
#define NFV_MAX_BUCKETS		(1U << 22)
#define NFV_GC_INTERVAL		(HZ / 10)
#define NFV_GC_SWEEP_RUNS	20	/* a full sweep takes ~2 s */
#define NFV_GC_MIN_BUCKETS	256
#define NFV_GC_MAX_SCAN		65536	/* nodes examined per run */
#define NFV_DRAIN_TICK		(2 * HZ)	/* superseded flows: 2-6 s */
#define NFV_EARLY_DROP_BUCKETS	8
#define NFV_EARLY_DROP_SCAN	64	/* nodes examined per new flow */

/*
 * Seconds. The untracked classes are the core's own: a flow no NF tracks
 * never says it closed, so its "established" class stays short. The
 * firewall's tracked TCP states and UDP, ICMP and other flows take
 * conntrack's defaults (nf_conntrack_tcp_timeout_established and the rest).
 */
static const unsigned int nfv_default_tmo[__NFV_TMO_MAX] = {
	[NFV_TMO_TCP]			= 1800,
	[NFV_TMO_TCP_OPENING]		= 60,
	[NFV_TMO_TCP_CLOSING]		= 30,
	[NFV_TMO_UDP]			= 120,
	[NFV_TMO_ICMP]			= 30,
	[NFV_TMO_OTHER]			= 600,
	[NFV_TMO_TCP_CLOSE]		= 10,
	[NFV_TMO_UDP_UNREPLIED]		= 30,
	[NFV_TMO_TCP_ESTABLISHED]	= 5 * 24 * 3600,
	[NFV_TMO_TCP_SYN_SENT]		= 120,
	[NFV_TMO_TCP_SYN_RECV]		= 60,
	[NFV_TMO_TCP_FIN_WAIT]		= 120,
	[NFV_TMO_TCP_CLOSE_WAIT]	= 60,
	[NFV_TMO_TCP_LAST_ACK]		= 30,
	[NFV_TMO_TCP_TIME_WAIT]		= 120,
};

static bool nfv_key_eq(const struct nfv_key *a, const struct nfv_key *b)
{
	const u64 *x = (const u64 *)a, *y = (const u64 *)b;
	unsigned int i, words;
	u64 diff;

	/* Word 0 holds the family: equal there means equal lengths. */
	if (x[0] != y[0])
		return false;
	words = nfv_key_len(a) / sizeof(u64);
	diff = 0;
	for (i = 1; i < words; i++)
		diff |= x[i] ^ y[i];
	return !diff;
}

/*
 * The hash of a key, all 32 bits: its bucket is the low bits an array's
 * mask keeps, its lock stripe the low bits of those. The array may grow
 * between a lookup and the insert that follows it; the hash holds in both.
 */
u32 nfv_flow_hash(const struct nfv_flow_table *t, const struct nfv_key *key)
{
	return siphash(key, nfv_key_len(key), &t->seed);
}

/*
 * The type that answers an ICMP query type, as conntrack's invmap: an echo
 * request's reply is an echo reply, never another request with its id.
 * Other types answer themselves.
 */
__be16 nfv_icmp_reply_type(u8 proto, __be16 type)
{
	switch (ntohs(type) | (proto == IPPROTO_ICMPV6) << 8) {
	case ICMP_ECHO:
		return htons(ICMP_ECHOREPLY);
	case ICMP_ECHOREPLY:
		return htons(ICMP_ECHO);
	case ICMP_TIMESTAMP:
		return htons(ICMP_TIMESTAMPREPLY);
	case ICMP_TIMESTAMPREPLY:
		return htons(ICMP_TIMESTAMP);
	case ICMP_INFO_REQUEST:
		return htons(ICMP_INFO_REPLY);
	case ICMP_INFO_REPLY:
		return htons(ICMP_INFO_REQUEST);
	case ICMPV6_ECHO_REQUEST | 1 << 8:
		return htons(ICMPV6_ECHO_REPLY);
	case ICMPV6_ECHO_REPLY | 1 << 8:
		return htons(ICMPV6_ECHO_REQUEST);
	default:
		return type;
	}
}
EXPORT_SYMBOL_GPL(nfv_icmp_reply_type);

void nfv_key_invert(struct nfv_key *dst, const struct nfv_key *src)
{
	memcpy(dst, src, offsetof(struct nfv_key, addr));
	if (src->proto == IPPROTO_ICMP || src->proto == IPPROTO_ICMPV6) {
		dst->dport = nfv_icmp_reply_type(src->proto, src->dport);
	} else {
		dst->sport = src->dport;
		dst->dport = src->sport;
	}
	if (src->flags & NFV_KEY_V6) {
		dst->addr.v6.src = src->addr.v6.dst;
		dst->addr.v6.dst = src->addr.v6.src;
	} else {
		dst->addr.v4.src = src->addr.v4.dst;
		dst->addr.v4.dst = src->addr.v4.src;
	}
}

/* A new flow's, before it is in the table: where its replies arrive. */
void nfv_flow_set_reply_zone(struct nfv_flow *flow, u16 zone)
{
	flow->reply_zone = zone;
	if (flow->flags & NFV_FLOW_NAT)
		nfv_flow_reply_key(flow)->zone = zone;
}

/* The key of direction @dir: a stored one, or the inversion in @buf. */
const struct nfv_key *nfv_flow_key(struct nfv_flow *flow, unsigned int dir,
				   struct nfv_key *buf)
{
	if (dir == NFV_DIR_ORIG)
		return &flow->key;
	if (flow->flags & NFV_FLOW_NAT)
		return nfv_flow_reply_key(flow);
	nfv_key_invert(buf, &flow->key);
	buf->zone = flow->reply_zone;
	return buf;
}

/*
 * Chain links: a node pointer with its target's direction in bit 0. The
 * helpers take and return the word as it is stored in a bucket or a node.
 */
static inline struct nfv_node *nfv_link_node(struct nfv_node *link)
{
	return (void *)((unsigned long)link & ~NFV_NODE_REPLY);
}

static inline unsigned int nfv_link_dir(struct nfv_node *link)
{
	return (unsigned long)link & NFV_NODE_REPLY;
}

static inline struct nfv_node *nfv_flow_link(struct nfv_flow *flow,
					     unsigned int dir)
{
	return (void *)((unsigned long)&flow->node[dir] | dir);
}

static inline struct nfv_flow *nfv_link_flow(struct nfv_node *link)
{
	unsigned int dir = nfv_link_dir(link);

	return (void *)nfv_link_node(link) - offsetof(struct nfv_flow, node) -
	       dir * sizeof(struct nfv_node);
}

/*
 * Whether @key is the reply of @flow's original key, compared field by
 * field against the stored key: no inverted copy on the stack for every
 * reply node a lookup walks.
 */
static bool nfv_flow_match_reply(const struct nfv_flow *flow,
				 const struct nfv_key *key)
{
	const struct nfv_key *k = &flow->key;

	if (key->proto != k->proto || key->flags != k->flags ||
	    key->zone != flow->reply_zone)
		return false;
	if (k->proto == IPPROTO_ICMP || k->proto == IPPROTO_ICMPV6) {
		if (key->sport != k->sport ||
		    key->dport != nfv_icmp_reply_type(k->proto, k->dport))
			return false;
	} else if (key->sport != k->dport || key->dport != k->sport) {
		return false;
	}
	if (k->flags & NFV_KEY_V6)
		return ipv6_addr_equal(&key->addr.v6.src, &k->addr.v6.dst) &&
		       ipv6_addr_equal(&key->addr.v6.dst, &k->addr.v6.src);
	return key->addr.v4.src == k->addr.v4.dst &&
	       key->addr.v4.dst == k->addr.v4.src;
}

static bool nfv_flow_match(const struct nfv_flow *flow, unsigned int dir,
			   const struct nfv_key *key)
{
	if (dir == NFV_DIR_ORIG)
		return nfv_key_eq(&flow->key, key);
	if (flow->flags & NFV_FLOW_NAT)
		return nfv_key_eq(nfv_flow_reply_key(flow), key);
	return nfv_flow_match_reply(flow, key);
}

static struct nfv_flow *nfv_bucket_find(struct nfv_node __rcu **bucket,
					const struct nfv_key *key,
					unsigned int *dir)
{
	struct nfv_node *link;

	for (link = rcu_dereference_check(*bucket, rcu_read_lock_any_held());
	     link;
	     link = rcu_dereference_check(nfv_link_node(link)->next,
					  rcu_read_lock_any_held())) {
		struct nfv_flow *flow = nfv_link_flow(link);

		if (nfv_flow_match(flow, nfv_link_dir(link), key)) {
			*dir = nfv_link_dir(link);
			return flow;
		}
	}
	return NULL;
}

/*
 * The array that holds the nodes of @hash's stripe, whose lock the caller
 * holds: the new one once a resize has moved the stripe. The stripe moves
 * under its lock, so the answer holds until the caller lets go of it.
 */
static struct nfv_flow_buckets *nfv_stripe_buckets(struct nfv_flow_table *t,
						    u32 hash)
{
	struct nfv_flow_buckets *ht;

	ht = rcu_dereference_check(t->buckets, rcu_read_lock_any_held());
	if (unlikely(READ_ONCE(ht->moving)) &&
	    (hash & t->lock_mask) < READ_ONCE(t->moved))
		return ht->next;
	return ht;
}

static inline struct nfv_node __rcu **nfv_bucket(struct nfv_flow_buckets *ht,
						 u32 hash)
{
	return &ht->b[hash & ht->mask];
}

/*
 * A miss while a resize moves nodes: the walk may have been led off its
 * chain. Under the stripe lock the key's nodes stay where they are.
 */
static noinline struct nfv_flow *
nfv_flow_lookup_locked(struct nfv_flow_table *t, const struct nfv_key *key,
		       u32 hash, unsigned int *dir)
{
	spinlock_t *lock = &t->locks[hash & t->lock_mask];
	struct nfv_flow *flow;

	spin_lock_bh(lock);
	flow = nfv_bucket_find(nfv_bucket(nfv_stripe_buckets(t, hash), hash),
			       key, dir);
	spin_unlock_bh(lock);
	return flow;
}

/*
 * Lookup with the hash the caller got from nfv_flow_hash(). A hit is
 * always good. A miss is good unless the array was moving: the resize
 * set @moving before it moved a node, so a walk that saw a moved node's
 * new links sees the flag after the barrier (as in message passing).
 */
struct nfv_flow *__nfv_flow_lookup(struct nfv_flow_table *t,
				   const struct nfv_key *key, u32 hash,
				   unsigned int *dir)
{
	struct nfv_flow_buckets *ht = rcu_dereference(t->buckets);
	struct nfv_flow *flow = nfv_bucket_find(nfv_bucket(ht, hash), key, dir);

	if (likely(flow))
		return flow;
	smp_rmb();	/* the chain's links, then the flag: pairs with resize */
	if (likely(!READ_ONCE(ht->moving)))
		return NULL;
	return nfv_flow_lookup_locked(t, key, hash, dir);
}

struct nfv_flow *nfv_flow_lookup(struct nfv_flow_table *t,
				 const struct nfv_key *key, unsigned int *dir)
{
	return __nfv_flow_lookup(t, key, nfv_flow_hash(t, key), dir);
}

/* After the keys and, for IPv6, the route cookies. */
static u8 *nfv_flow_nf_area(struct nfv_flow *flow)
{
	size_t off = nfv_flow_keys_end(flow);

	if (nfv_flow_is_v6(flow))
		off += NFV_DIR_COUNT * sizeof(u32);
	return (u8 *)flow + ALIGN(off, 8);
}

/* The chain that made the flow, which it holds; NULL for none. */
struct nfv_chain *nfv_flow_owner(struct nfv_flow *flow)
{
	if (!(flow->flags & NFV_FLOW_CHAIN))
		return NULL;
	return *(struct nfv_chain **)nfv_flow_nf_area(flow);
}

/* The chain whose NFs keep state in the flow's areas, or NULL. */
struct nfv_chain *nfv_flow_chain(struct nfv_flow *flow)
{
	if (!(flow->flags & NFV_FLOW_NF))
		return NULL;
	return nfv_flow_owner(flow);
}

/* NF @i's state in a flow of @chain. */
void *nfv_flow_priv(struct nfv_flow *flow, const struct nfv_chain *chain,
		    unsigned int i)
{
	unsigned int off = chain->nf[i].priv_off[nfv_area_kind(flow->key.proto)];

	return nfv_flow_nf_area(flow) + sizeof(struct nfv_chain *) + off;
}

static u8 nfv_default_class(u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return NFV_TMO_TCP_OPENING;
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		return NFV_TMO_UDP;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return NFV_TMO_ICMP;
	default:
		return NFV_TMO_OTHER;
	}
}

static bool nfv_flow_early_drop(struct nfv_flow_table *t,
				const struct nfv_key *key);

/*
 * An entry's size: the core entry, the stored reply key of a NAT flow, the
 * route cookies of an IPv6 one, and for a flow a chain made, the chain
 * pointer and the areas of the NFs that keep per-flow state (@priv bytes).
 */
static size_t nfv_flow_size(const struct nfv_key *key, bool nat,
			    bool chain, size_t priv)
{
	size_t size = key->flags & NFV_KEY_V6 ?
		      NFV_FLOW_SIZE6 + NFV_DIR_COUNT * sizeof(u32) :
		      NFV_FLOW_SIZE4;

	if (nat)
		size += nfv_key_len(key);
	if (chain)
		size = ALIGN(size, 8) + sizeof(struct nfv_chain *) + priv;
	return size;
}

/*
 * Where entries come from. Up to 128 bytes (a flow without NF state, an
 * IPv4 NAT flow, UDP through the firewall) kmalloc-128: each entry on two
 * cache lines of its own. Larger ones from caches of the core, one per
 * 8 bytes of size (136 .. 248; 192 and 256 are kmalloc's own), shared by
 * every chain whose entries have that size: kmalloc-192 would spend 40
 * bytes of an IPv4 CGNAT session's 152, and 16-byte steps 8 (a slab page
 * holds 26 entries of 152 bytes, 25 of 160), 8-byte aligned as the
 * chain pointer after the keys is. The counters every
 * packet writes are the 36 bytes from offset 16, so two entries of 112
 * bytes or more never write the same line; what an entry of these caches
 * may share with its neighbour is a line that one writes and the other
 * only reads (Documentation/performance.rst, Memory per NAT session, has
 * the entry shapes and how many do).
 */
#define NFV_FLOW_CACHE_MIN	128
#define NFV_FLOW_CACHE_STEP	8
#define NFV_FLOW_CACHES		16	/* 136 .. 256 */

static struct kmem_cache *nfv_flow_caches[NFV_FLOW_CACHES];

/* The cache of entries of @size bytes, or NULL for kmalloc's. */
static struct kmem_cache *nfv_flow_cache(size_t size)
{
	if (size <= NFV_FLOW_CACHE_MIN ||
	    size > NFV_FLOW_CACHE_MIN + NFV_FLOW_CACHES * NFV_FLOW_CACHE_STEP)
		return NULL;
	return nfv_flow_caches[(size - NFV_FLOW_CACHE_MIN - 1) /
			       NFV_FLOW_CACHE_STEP];
}

int nfv_flow_caches_init(void)
{
	unsigned int i, size;
	char name[16];

	for (i = 0; i < NFV_FLOW_CACHES; i++) {
		size = NFV_FLOW_CACHE_MIN + (i + 1) * NFV_FLOW_CACHE_STEP;
		if (kmalloc_size_roundup(size) == size)
			continue;
		snprintf(name, sizeof(name), "nfv_flow_%u", size);
		nfv_flow_caches[i] = kmem_cache_create(name, size,
						       NFV_FLOW_CACHE_STEP,
						       0, NULL);
		if (!nfv_flow_caches[i]) {
			nfv_flow_caches_exit();
			return -ENOMEM;
		}
	}
	return 0;
}

/* After every flow's RCU callback ran. */
void nfv_flow_caches_exit(void)
{
	unsigned int i;

	for (i = 0; i < NFV_FLOW_CACHES; i++) {
		kmem_cache_destroy(nfv_flow_caches[i]);
		nfv_flow_caches[i] = NULL;
	}
}

struct nfv_flow *nfv_flow_alloc(struct nfv_flow_table *t,
				const struct nfv_key *key,
				struct nfv_chain *chain, u16 in_port)
{
	bool nat = chain && chain->nat;
	size_t priv = chain ? chain->flow_priv_size[nfv_area_kind(key->proto)] : 0;
	size_t size = nfv_flow_size(key, nat, chain, priv);
	struct kmem_cache *cache = nfv_flow_cache(size);
	struct nfv_flow *flow;

	BUILD_BUG_ON(offsetof(struct nfv_flow, dst) != 64);
	BUILD_BUG_ON(NFV_FLOW_SIZE4 != 112);
	/* An IPv4 NAT entry's keys fill two lines; its chain starts a third. */
	BUILD_BUG_ON(NFV_FLOW_SIZE4 + NFV_KEY_LEN4 != 128);
	/* What every packet writes: the counters and @used, 36 bytes. */
	BUILD_BUG_ON(offsetof(struct nfv_flow, stats) != 16 ||
		     offsetofend(struct nfv_flow, used) != 52);

	if (atomic_inc_return(&t->count) > READ_ONCE(t->max_flows) &&
	    !nfv_flow_early_drop(t, key)) {
		atomic_dec(&t->count);
		return ERR_PTR(-ENOSPC);
	}
	if (cache)
		flow = kmem_cache_zalloc(cache, GFP_ATOMIC | __GFP_NOWARN);
	else
		flow = kzalloc(size, GFP_ATOMIC | __GFP_NOWARN);
	if (!flow) {
		atomic_dec(&t->count);
		return ERR_PTR(-ENOMEM);
	}

	memcpy(&flow->key, key, nfv_key_len(key));
	flow->used = jiffies;
	flow->tmo = nfv_default_class(key->proto);
	flow->in_port = in_port;
	flow->reply_zone = key->zone;
	if (nat) {
		/* Until claimed, the reply key is the inversion. */
		flow->flags |= NFV_FLOW_NAT;
		nfv_key_invert(nfv_flow_reply_key(flow), key);
	}
	if (chain) {
		nfv_chain_get(chain);
		*(struct nfv_chain **)nfv_flow_nf_area(flow) = chain;
		flow->flags |= NFV_FLOW_CHAIN;
		if (priv)
			flow->flags |= NFV_FLOW_NF;
	}
	return flow;
}

static void nfv_flow_nf_destroy(struct nfv_flow *flow)
{
	struct nfv_chain *chain = nfv_flow_chain(flow);
	unsigned int i;

	for (i = 0; i < chain->len; i++) {
		struct nfv_nf *nf = chain->nf[i].nf;

		if (nf->type->flow_destroy)
			nf->type->flow_destroy(nf, flow,
					       nfv_flow_priv(flow, chain, i));
	}
}

static void nfv_flow_free_rcu(struct rcu_head *head)
{
	struct nfv_flow *flow = container_of(head, struct nfv_flow, rcu);
	struct nfv_chain *chain = nfv_flow_owner(flow);
	struct kmem_cache *cache;
	unsigned int dir;
	size_t priv = 0;

	for (dir = 0; dir < NFV_DIR_COUNT; dir++)
		if (flow->dst[dir])
			dst_release(flow->dst[dir]);
	if (chain)
		priv = chain->flow_priv_size[nfv_area_kind(flow->key.proto)];
	/* After the grace period: no process() is still on it. */
	if (flow->flags & NFV_FLOW_NF)
		nfv_flow_nf_destroy(flow);
	cache = nfv_flow_cache(nfv_flow_size(&flow->key,
					     flow->flags & NFV_FLOW_NAT,
					     chain, priv));
	if (cache)
		kmem_cache_free(cache, flow);
	else
		kfree(flow);
	if (chain)
		nfv_chain_put(chain);
}

/*
 * Frees an unlinked flow, or one that never made it into the table, after
 * a grace period: then its NFs let go of it.
 */
void nfv_flow_free(struct nfv_flow_table *t, struct nfv_flow *flow)
{
	atomic_dec(&t->count);
	call_rcu(&flow->rcu, nfv_flow_free_rcu);
}

/* Both nodes' bucket locks, in address order; sparse counts two. */
static void nfv_lock2(struct nfv_flow_table *t, u32 h1, u32 h2)
	__acquires(bucket1) __acquires(bucket2)
{
	unsigned int l1 = h1 & t->lock_mask, l2 = h2 & t->lock_mask;

	if (l1 > l2)
		swap(l1, l2);
	spin_lock_bh(&t->locks[l1]);
	if (l1 != l2)
		spin_lock_nested(&t->locks[l2], SINGLE_DEPTH_NESTING);
	else
		__acquire(bucket2);
}

static void nfv_unlock2(struct nfv_flow_table *t, u32 h1, u32 h2)
	__releases(bucket1) __releases(bucket2)
{
	unsigned int l1 = h1 & t->lock_mask, l2 = h2 & t->lock_mask;

	if (l1 != l2)
		spin_unlock(&t->locks[max(l1, l2)]);
	else
		__release(bucket2);
	spin_unlock_bh(&t->locks[min(l1, l2)]);
}

/* These two take the hash's stripe lock, as nfv_bucket_clash() does. */
static void nfv_bucket_link(struct nfv_flow_table *t, u32 h,
			    struct nfv_flow *flow, unsigned int dir)
{
	struct nfv_node __rcu **bucket = nfv_bucket(nfv_stripe_buckets(t, h), h);

	RCU_INIT_POINTER(flow->node[dir].next,
			 rcu_dereference_protected(*bucket, true));
	rcu_assign_pointer(*bucket, nfv_flow_link(flow, dir));
}

static void nfv_bucket_unlink(struct nfv_flow_table *t, u32 h,
			      struct nfv_flow *flow, unsigned int dir)
{
	struct nfv_node *link = nfv_flow_link(flow, dir);
	struct nfv_node __rcu **pp = nfv_bucket(nfv_stripe_buckets(t, h), h);
	struct nfv_node *cur;

	while ((cur = rcu_dereference_protected(*pp, true))) {
		if (cur == link) {
			/* The node's next stays valid for readers on it. */
			rcu_assign_pointer(*pp,
				rcu_dereference_protected(flow->node[dir].next,
							  true));
			return;
		}
		pp = &nfv_link_node(cur)->next;
	}
	WARN_ONCE(1, "nfv: flow node missing from its bucket\n");
}

/* Hashes of both directions' keys. */
static void nfv_flow_hashes(struct nfv_flow_table *t, struct nfv_flow *flow,
			    u32 *ho, u32 *hr)
{
	struct nfv_key buf;

	*ho = nfv_flow_hash(t, &flow->key);
	*hr = nfv_flow_hash(t, nfv_flow_key(flow, NFV_DIR_REPLY, &buf));
}

/*
 * The flow that holds @key in @h's bucket, whose stripe lock the caller
 * holds: NULL if none, ERR_PTR(@err) if it stands, the flow itself if
 * it is superseded, for the new flow to replace.
 */
static struct nfv_flow *nfv_bucket_clash(struct nfv_flow_table *t, u32 h,
					 const struct nfv_key *key, int err)
{
	struct nfv_flow *old;
	unsigned int dir;

	old = nfv_bucket_find(nfv_bucket(nfv_stripe_buckets(t, h), h), key,
			      &dir);
	if (old && !(old->flags & NFV_FLOW_SUPERSEDED))
		return ERR_PTR(err);
	return old;
}

/* Whether both nodes of @old are in the stripes of @ho and @hr. */
static bool nfv_flow_locked_by(struct nfv_flow_table *t, struct nfv_flow *old,
			       u32 ho, u32 hr)
{
	u32 h[NFV_DIR_COUNT];
	unsigned int dir;

	nfv_flow_hashes(t, old, &h[NFV_DIR_ORIG], &h[NFV_DIR_REPLY]);
	for (dir = 0; dir < NFV_DIR_COUNT; dir++) {
		h[dir] &= t->lock_mask;
		if (h[dir] != (ho & t->lock_mask) &&
		    h[dir] != (hr & t->lock_mask))
			return false;
	}
	return true;
}

static void nfv_flow_unlink_locked(struct nfv_flow_table *t,
				   struct nfv_flow *flow, u32 ho, u32 hr)
{
	WRITE_ONCE(flow->flags, flow->flags | NFV_FLOW_DYING);
	nfv_bucket_unlink(t, ho, flow, NFV_DIR_ORIG);
	nfv_bucket_unlink(t, hr, flow, NFV_DIR_REPLY);
}

static void nfv_flow_deleted(struct nfv_flow_table *t, struct nfv_flow *flow,
			     u8 event);

/*
 * Links both nodes of a flow whose keys hash to @ho and @hr, unless a
 * flow holds either key: -EBUSY for the original, -EEXIST for the reply.
 *
 * A superseded flow that holds them is replaced: the new flow is linked
 * before the old one is unlinked, under the same locks, so a reader finds
 * one or the other, never neither, and a reply in flight keeps its way
 * through. The new flow's keys are the old one's unless a route or a NAT
 * claim changed its reply key; then the old flow's other node may be
 * under a stripe not held here, and the old flow is deleted first, which
 * costs nothing a reader of the new keys could have found.
 */
int nfv_flow_link2(struct nfv_flow_table *t, struct nfv_flow *flow,
		   u32 ho, const struct nfv_key *reply, u32 hr)
{
	struct nfv_flow *old[NFV_DIR_COUNT];
	unsigned int i;
	int err;

again:
	nfv_lock2(t, ho, hr);
	old[0] = nfv_bucket_clash(t, ho, &flow->key, -EBUSY);
	old[1] = nfv_bucket_clash(t, hr, reply, -EEXIST);
	err = IS_ERR(old[0]) ? PTR_ERR(old[0]) : PTR_ERR_OR_ZERO(old[1]);
	if (err) {
		nfv_unlock2(t, ho, hr);
		return err;
	}
	if (old[1] == old[0])
		old[1] = NULL;
	for (i = 0; i < NFV_DIR_COUNT; i++) {
		if (old[i] && !nfv_flow_locked_by(t, old[i], ho, hr)) {
			struct nfv_flow *gone = old[i];

			nfv_unlock2(t, ho, hr);
			nfv_flow_delete(t, gone, NFV_EVENT_DEL);
			goto again;
		}
	}
	nfv_bucket_link(t, ho, flow, NFV_DIR_ORIG);
	nfv_bucket_link(t, hr, flow, NFV_DIR_REPLY);
	for (i = 0; i < NFV_DIR_COUNT; i++) {
		u32 oh, orh;

		if (!old[i])
			continue;
		nfv_flow_hashes(t, old[i], &oh, &orh);
		nfv_flow_unlink_locked(t, old[i], oh, orh);
	}
	nfv_unlock2(t, ho, hr);
	for (i = 0; i < NFV_DIR_COUNT; i++)
		if (old[i])
			nfv_flow_deleted(t, old[i], NFV_EVENT_DEL);
	return 0;
}

/*
 * Inserts a flow whose original key hashes to @ho, as the packet's lookup
 * found it: the seed never changes in a table's life, so that hash still
 * holds, and the stripe locks say which array each node goes in. Returns
 * -EEXIST if another CPU inserted either key first.
 */
int __nfv_flow_insert(struct nfv_flow_table *t, struct nfv_flow *flow,
		      u32 ho)
{
	struct nfv_key buf;
	const struct nfv_key *reply = nfv_flow_key(flow, NFV_DIR_REPLY, &buf);

	if (nfv_flow_link2(t, flow, ho, reply, nfv_flow_hash(t, reply)))
		return -EEXIST;
	return 0;
}

int nfv_flow_insert(struct nfv_flow_table *t, struct nfv_flow *flow)
{
	return __nfv_flow_insert(t, flow, nfv_flow_hash(t, &flow->key));
}

/* Unlinks a flow; false if someone else got there first. */
bool nfv_flow_unlink(struct nfv_flow_table *t, struct nfv_flow *flow)
{
	bool mine = false;
	u32 ho, hr;

	nfv_flow_hashes(t, flow, &ho, &hr);
	nfv_lock2(t, ho, hr);
	if (!(flow->flags & NFV_FLOW_DYING)) {
		nfv_flow_unlink_locked(t, flow, ho, hr);
		mine = true;
	}
	nfv_unlock2(t, ho, hr);
	return mine;
}

/* An unlinked flow: tell, count, and free it after a grace period. */
static void nfv_flow_deleted(struct nfv_flow_table *t, struct nfv_flow *flow,
			     u8 event)
{
	struct nfv_dp *dp = container_of(t, struct nfv_dp, table);

	nfv_notify_flow(dp, flow, event);
	nfv_count(dp, event == NFV_EVENT_EXPIRED ? NFV_STAT_FLOWS_EXPIRED :
		  NFV_STAT_FLOWS_DELETED, 1);
	nfv_flow_free(t, flow);
}

/*
 * Unlinks a flow and frees it after a grace period. Returns false if
 * someone else got there first.
 */
bool nfv_flow_delete(struct nfv_flow_table *t, struct nfv_flow *flow,
		     u8 event)
{
	if (!nfv_flow_unlink(t, flow))
		return false;
	nfv_flow_deleted(t, flow, event);
	return true;
}

/*
 * Sets @set in a linked flow's flags, @clear cleared, under its bucket
 * locks, as nfv_flow_unlink() sets DYING; false if it is dying already.
 */
static bool nfv_flow_mark(struct nfv_flow_table *t, struct nfv_flow *flow,
			  u8 clear, u8 set)
{
	bool live;
	u32 ho, hr;

	nfv_flow_hashes(t, flow, &ho, &hr);
	nfv_lock2(t, ho, hr);
	live = !(flow->flags & NFV_FLOW_DYING);
	if (live)
		WRITE_ONCE(flow->flags, (flow->flags & ~clear) | set);
	nfv_unlock2(t, ho, hr);
	return live;
}

/*
 * Early drop spares a flow its NFs assured; one without NF state, once a
 * reply came. A reply the core merely counted proves nothing where an NF
 * tracks the flow: it may have been a forgery the NF refused.
 */
static bool nfv_flow_assured(const struct nfv_flow *flow)
{
	if (READ_ONCE(flow->flags) & NFV_FLOW_NF)
		return READ_ONCE(flow->assured);
	return READ_ONCE(flow->stats[NFV_DIR_REPLY].packets);
}

/*
 * The table is full: make room in the new key's neighbourhood. An expired
 * flow the GC has not reached yet goes first; failing that, one that is
 * not assured, as conntrack's early drop does, so that unanswered SYNs,
 * probes or forged replies cannot lock established flows out. The
 * caller's count stays: the dropped flow's goes when it is freed.
 */
static bool nfv_flow_early_drop(struct nfv_flow_table *t,
				const struct nfv_key *key)
{
	struct nfv_dp *dp = container_of(t, struct nfv_dp, table);
	struct nfv_flow *unreplied = NULL;
	u32 h = nfv_flow_hash(t, key), now = jiffies;
	unsigned int i, scanned = 0;
	struct nfv_flow_buckets *ht;
	bool dropped = false;

	/* A walk a resize leads astray finds less: it is only a heuristic. */
	rcu_read_lock();
	ht = rcu_dereference(t->buckets);
	for (i = 0; i < NFV_EARLY_DROP_BUCKETS && !dropped; i++) {
		struct nfv_node *link;

		for (link = rcu_dereference(ht->b[(h + i) & ht->mask]);
		     link && scanned < NFV_EARLY_DROP_SCAN;
		     link = rcu_dereference(nfv_link_node(link)->next),
		     scanned++) {
			struct nfv_flow *flow = nfv_link_flow(link);

			if (READ_ONCE(flow->flags) & NFV_FLOW_DYING)
				continue;
			if (nfv_flow_expired(t, flow, now)) {
				dropped = nfv_flow_delete(t, flow,
							  NFV_EVENT_EXPIRED);
				if (dropped)
					break;
			} else if (!unreplied && !nfv_flow_assured(flow)) {
				unreplied = flow;
			}
		}
	}
	if (!dropped && unreplied &&
	    nfv_flow_delete(t, unreplied, NFV_EVENT_DEL)) {
		nfv_count(dp, NFV_STAT_FLOWS_EVICTED, 1);
		dropped = true;
	}
	rcu_read_unlock();
	return dropped;
}

/* Deletes every flow, or those that came in on one port. Process context. */
static unsigned int nfv_flow_flush_bucket(struct nfv_flow_table *t,
					  struct nfv_flow_buckets *ht,
					  unsigned int b, const void *arg)
{
	int in_port = *(const int *)arg;
	struct nfv_node *link;
	unsigned int n = 0;

	for (link = rcu_dereference(ht->b[b]); link;
	     link = rcu_dereference(nfv_link_node(link)->next)) {
		struct nfv_flow *flow = nfv_link_flow(link);

		if (nfv_link_dir(link) == NFV_DIR_REPLY)
			continue;
		if (in_port >= 0 && flow->in_port != in_port)
			continue;
		n += nfv_flow_delete(t, flow, NFV_EVENT_DEL);
	}
	return n;
}

typedef unsigned int (*nfv_bucket_fn)(struct nfv_flow_table *t,
				      struct nfv_flow_buckets *ht,
				      unsigned int b, const void *arg);

/*
 * fn on every bucket, from process context; the sum of what it returns.
 * One RCU read section per NFV_MIN_BUCKETS buckets, not per bucket: under
 * lockdep each section costs a lock acquisition, and a port del walks the
 * whole table. The mutex keeps the array in place between the sections.
 */
static unsigned int nfv_flow_each_bucket(struct nfv_flow_table *t,
					 nfv_bucket_fn fn, const void *arg)
{
	struct nfv_flow_buckets *ht;
	unsigned int b, i, n = 0;

	mutex_lock(&t->mutex);
	ht = rcu_dereference_protected(t->buckets,
				       lockdep_is_held(&t->mutex));
	for (b = 0; b <= ht->mask; b += NFV_MIN_BUCKETS) {
		rcu_read_lock();
		for (i = b; i < b + NFV_MIN_BUCKETS; i++)
			n += fn(t, ht, i, arg);
		rcu_read_unlock();
		cond_resched();
	}
	mutex_unlock(&t->mutex);
	return n;
}

unsigned int nfv_flow_flush(struct nfv_flow_table *t, int in_port)
{
	return nfv_flow_each_bucket(t, nfv_flow_flush_bucket, &in_port);
}

static unsigned int nfv_flow_flush_nf_bucket(struct nfv_flow_table *t,
					     struct nfv_flow_buckets *ht,
					     unsigned int b, const void *nf)
{
	struct nfv_node *link;
	unsigned int n = 0;

	for (link = rcu_dereference(ht->b[b]); link;
	     link = rcu_dereference(nfv_link_node(link)->next)) {
		struct nfv_flow *flow = nfv_link_flow(link);

		if (nfv_link_dir(link) == NFV_DIR_REPLY ||
		    !(READ_ONCE(flow->flags) & NFV_FLOW_CHAIN))
			continue;
		if (nfv_chain_holds(nfv_flow_owner(flow), nf))
			n += nfv_flow_delete(t, flow, NFV_EVENT_DEL);
	}
	return n;
}

/*
 * Deletes the flows whose chain holds @nf: those of chains replaced on
 * every port (nfv_nf_delete()). Process context.
 */
unsigned int nfv_flow_flush_nf(struct nfv_flow_table *t,
			       const struct nfv_nf *nf)
{
	return nfv_flow_each_bucket(t, nfv_flow_flush_nf_bucket, nf);
}

static unsigned int nfv_flow_supersede_bucket(struct nfv_flow_table *t,
					      struct nfv_flow_buckets *ht,
					      unsigned int b, const void *arg)
{
	int in_port = *(const int *)arg;
	u8 clock = (t->drain_clock << NFV_FLOW_DRAIN_SHIFT) & NFV_FLOW_DRAIN;
	struct nfv_node *link;
	unsigned int n = 0;

	for (link = rcu_dereference(ht->b[b]); link;
	     link = rcu_dereference(nfv_link_node(link)->next)) {
		struct nfv_flow *flow = nfv_link_flow(link);

		if (nfv_link_dir(link) == NFV_DIR_REPLY ||
		    flow->in_port != in_port || nfv_flow_superseded(flow))
			continue;
		n += nfv_flow_mark(t, flow, NFV_FLOW_DRAIN,
				   NFV_FLOW_SUPERSEDED | clock);
	}
	return n;
}

/*
 * Marks the flows that came in on a port superseded, when its chain is
 * replaced: see nfv_port_set_chain(). Process context.
 */
unsigned int nfv_flow_supersede(struct nfv_flow_table *t, int in_port)
{
	return nfv_flow_each_bucket(t, nfv_flow_supersede_bucket, &in_port);
}

/* A cached route went stale: forget it so the chain decides again. */
void nfv_flow_invalidate(struct nfv_flow *flow, unsigned int dir,
			 struct dst_entry *dst)
{
	WRITE_ONCE(flow->res[dir], NFV_RES_NONE);
	if (cmpxchg(&flow->dst[dir], dst, NULL) == dst)
		dst_release(dst);
}

static unsigned int nfv_flow_forget_bucket(struct nfv_flow_table *t,
					   struct nfv_flow_buckets *ht,
					   unsigned int b, const void *unused)
{
	struct nfv_node *link;
	unsigned int dir;

	for (link = rcu_dereference(ht->b[b]); link;
	     link = rcu_dereference(nfv_link_node(link)->next)) {
		struct nfv_flow *flow = nfv_link_flow(link);

		if (nfv_link_dir(link) == NFV_DIR_REPLY)
			continue;
		for (dir = 0; dir < NFV_DIR_COUNT; dir++) {
			struct dst_entry *dst = READ_ONCE(flow->dst[dir]);

			if (dst)
				nfv_flow_invalidate(flow, dir, dst);
		}
		nfv_gstep_forget_routes(flow);
	}
	return 0;
}

/*
 * Forgets every flow's cached routes, keeping the flows and their NFs'
 * state: the next packet of each direction is routed again. For a change
 * the routes' own dst_check() does not see, a port moving to another
 * VRF: an IPv6 route of the old table stays valid. Process context.
 */
void nfv_flow_forget_routes(struct nfv_flow_table *t)
{
	nfv_flow_each_bucket(t, nfv_flow_forget_bucket, NULL);
}

/* Under rcu_read_lock(), as one netlink dump message is. */
int nfv_flow_walk(struct nfv_flow_table *t, struct nfv_flow_cursor *c,
		  nfv_flow_walk_fn fn, void *arg)
{
	struct nfv_flow_buckets *ht = rcu_dereference(t->buckets);

	if (c->size && c->size != ht->mask + 1)
		c->idx = 0;	/* grown: see struct nfv_flow_cursor */
	c->size = ht->mask + 1;
	for (; c->bucket <= ht->mask; c->bucket++, c->idx = 0) {
		struct nfv_node *link;
		unsigned long i = 0;

		for (link = rcu_dereference(ht->b[c->bucket]); link;
		     link = rcu_dereference(nfv_link_node(link)->next)) {
			int err;

			if (nfv_link_dir(link) == NFV_DIR_REPLY)
				continue;
			if (i++ < c->idx)
				continue;
			err = fn(nfv_link_flow(link), arg);
			if (err)
				return err;
			c->idx = i;
		}
	}
	return 0;
}

void nfv_flow_set_result(struct nfv_flow *flow, unsigned int dir, u8 res,
			 struct dst_entry *dst, u32 cookie)
{
	struct dst_entry *old;

	/* Readers check res first, then dst, and take NULL as "slow path". */
	if (res != NFV_RES_FORWARD)
		WRITE_ONCE(flow->res[dir], res);
	if (nfv_flow_is_v6(flow))
		WRITE_ONCE(nfv_flow_cookies(flow)[dir], cookie);
	old = xchg(&flow->dst[dir], dst);
	if (res == NFV_RES_FORWARD)
		WRITE_ONCE(flow->res[dir], res);
	if (old)
		dst_release(old);
}

void nfv_flow_set_assured(struct nfv_flow *flow, bool assured)
{
	if (READ_ONCE(flow->assured) != assured)
		WRITE_ONCE(flow->assured, assured);
}
EXPORT_SYMBOL_GPL(nfv_flow_set_assured);

const struct nfv_key *nfv_flow_orig_key(struct nfv_flow *flow)
{
	return &flow->key;
}
EXPORT_SYMBOL_GPL(nfv_flow_orig_key);

const struct nfv_key *nfv_flow_nat_reply_key(struct nfv_flow *flow)
{
	if (!(flow->flags & NFV_FLOW_NAT))
		return NULL;
	return nfv_flow_reply_key(flow);
}
EXPORT_SYMBOL_GPL(nfv_flow_nat_reply_key);

void *nfv_flow_nf_priv(struct nfv_flow *flow, const struct nfv_nf *nf)
{
	struct nfv_chain *chain = nfv_flow_chain(flow);
	unsigned int i;

	for (i = 0; chain && i < chain->len; i++)
		if (chain->nf[i].nf == nf)
			return nfv_flow_priv(flow, chain, i);
	return NULL;
}
EXPORT_SYMBOL_GPL(nfv_flow_nf_priv);

u64 nfv_flow_bytes(const struct nfv_flow *flow, unsigned int dir)
{
	return READ_ONCE(flow->stats[dir].bytes);
}
EXPORT_SYMBOL_GPL(nfv_flow_bytes);

/*
 * A superseded flow the GC meets, with the table's mutex held. Its
 * original side has been silent since its chain was replaced, or a flow
 * of the new chain would have replaced it. Once the drain clock ticked
 * twice since (2 to 4 s), it goes at the GC's next visit, as a flush would
 * have deleted it, so that the new chain decides the connection again. A
 * sweep takes 2 s (NFV_GC_SWEEP_RUNS): the visit comes long before the
 * clock's 3 bits wrap, 16 s on.
 */
static void nfv_flow_drain(struct nfv_flow_table *t, struct nfv_flow *flow)
{
	unsigned int then = (READ_ONCE(flow->flags) & NFV_FLOW_DRAIN) >>
			    NFV_FLOW_DRAIN_SHIFT;
	unsigned int mask = NFV_FLOW_DRAIN >> NFV_FLOW_DRAIN_SHIFT;

	if (((t->drain_clock - then) & mask) >= 2)
		nfv_flow_delete(t, flow, NFV_EVENT_DEL);
}

/*
 * A resize holds the mutex; the GC skips a run rather than wait, and the
 * array stays put while it walks.
 */
static void nfv_flow_gc(struct work_struct *work)
{
	struct nfv_flow_table *t = container_of(to_delayed_work(work),
						struct nfv_flow_table, gc_work);
	struct nfv_flow_buckets *ht;
	unsigned int scanned = 0, i, nb, todo;
	u32 now = jiffies;

	if (!mutex_trylock(&t->mutex))
		goto out;
	ht = rcu_dereference_protected(t->buckets,
				       lockdep_is_held(&t->mutex));
	nb = ht->mask + 1;
	todo = max(nb / NFV_GC_SWEEP_RUNS, NFV_GC_MIN_BUCKETS);
	if (time_after_eq(jiffies, t->drain_tick)) {
		t->drain_clock++;
		t->drain_tick = jiffies + NFV_DRAIN_TICK;
	}

	/* As in nfv_flow_flush(), an RCU section spans many buckets. */
	rcu_read_lock();
	for (i = 0; i < min(todo, nb) && scanned < NFV_GC_MAX_SCAN; i++) {
		unsigned int b = (t->gc_next + i) & ht->mask;
		struct nfv_node *link;

		for (link = rcu_dereference(ht->b[b]); link;
		     link = rcu_dereference(nfv_link_node(link)->next)) {
			struct nfv_flow *flow = nfv_link_flow(link);

			scanned++;
			if (nfv_flow_expired(t, flow, now))
				nfv_flow_delete(t, flow, NFV_EVENT_EXPIRED);
			else if (nfv_link_dir(link) == NFV_DIR_ORIG &&
				 unlikely(nfv_flow_superseded(flow)))
				nfv_flow_drain(t, flow);
		}
		if ((i & 255) == 255) {
			rcu_read_unlock();
			cond_resched();
			rcu_read_lock();
		}
	}
	rcu_read_unlock();
	t->gc_next = (t->gc_next + i) & ht->mask;
	mutex_unlock(&t->mutex);
out:
	queue_delayed_work(system_power_efficient_wq, &t->gc_work,
			   NFV_GC_INTERVAL);
}

static unsigned int nfv_flow_nbuckets(u32 max_flows)
{
	return clamp_t(unsigned int, roundup_pow_of_two(max_flows),
		       NFV_MIN_BUCKETS, NFV_MAX_BUCKETS);
}

static struct nfv_flow_buckets *nfv_flow_buckets_alloc(unsigned int nb)
{
	struct nfv_flow_buckets *ht;

	ht = kvzalloc(struct_size(ht, b, nb), GFP_KERNEL_ACCOUNT);
	if (ht)
		ht->mask = nb - 1;
	return ht;
}

/* Moves the nodes of one stripe, whose lock the caller holds. */
static void nfv_flow_move_stripe(struct nfv_flow_table *t,
				 struct nfv_flow_buckets *old,
				 struct nfv_flow_buckets *new,
				 unsigned int stripe)
{
	unsigned int b;

	for (b = stripe; b <= old->mask; b += NFV_FLOW_LOCKS) {
		struct nfv_node *link;

		while ((link = rcu_dereference_protected(old->b[b], true))) {
			struct nfv_node *node = nfv_link_node(link);
			struct nfv_key buf;
			const struct nfv_key *key;
			struct nfv_node __rcu **to;

			key = nfv_flow_key(nfv_link_flow(link),
					   nfv_link_dir(link), &buf);
			to = nfv_bucket(new, nfv_flow_hash(t, key));
			/*
			 * A reader on the node goes on into its new chain and
			 * may miss: it sees old->moving and looks again.
			 */
			rcu_assign_pointer(old->b[b],
				rcu_dereference_protected(node->next, true));
			RCU_INIT_POINTER(node->next,
					 rcu_dereference_protected(*to, true));
			rcu_assign_pointer(*to, link);
		}
	}
}

/*
 * Moves every node into an array of @nb buckets, one stripe at a time
 * with its lock held, as conntrack's resize does with all its locks: the
 * fast path goes on, inserts and deletes of a stripe wait for its move
 * only. Moving a million flows takes some 100 ms all told.
 */
static int nfv_flow_resize(struct nfv_flow_table *t, unsigned int nb)
{
	struct nfv_flow_buckets *old, *new;
	unsigned int stripe;

	old = rcu_dereference_protected(t->buckets,
					lockdep_is_held(&t->mutex));
	new = nfv_flow_buckets_alloc(nb);
	if (!new)
		return -ENOMEM;

	WRITE_ONCE(t->gen, t->gen + 1);
	old->next = new;
	smp_wmb();	/* @next before @moving, for nfv_stripe_buckets() */
	WRITE_ONCE(old->moving, true);
	smp_wmb();	/* @moving before the first move: pairs with lookup */
	for (stripe = 0; stripe <= t->lock_mask; stripe++) {
		spin_lock_bh(&t->locks[stripe]);
		nfv_flow_move_stripe(t, old, new, stripe);
		WRITE_ONCE(t->moved, stripe + 1);
		spin_unlock_bh(&t->locks[stripe]);
		cond_resched();
	}
	rcu_assign_pointer(t->buckets, new);
	WRITE_ONCE(t->gen, t->gen + 1);
	/* Readers and lock holders that still look at @old are done. */
	synchronize_net();
	WRITE_ONCE(t->moved, 0);
	kvfree(old);
	return 0;
}

/*
 * A higher limit than the array was sized for grows the array, as
 * nfv_flow_table_init() would have sized it for the new limit. A lower
 * one leaves it: shrinking would cost a move for no gain in speed. If
 * the larger array cannot be had, the limit stays too: an operator who
 * raised it to hold more flows would rather hear so than get long chains.
 */
int nfv_flow_table_set_max(struct nfv_flow_table *t, u32 max_flows)
{
	unsigned int nb = nfv_flow_nbuckets(max_flows);
	struct nfv_flow_buckets *ht;
	int err = 0;

	mutex_lock(&t->mutex);
	ht = rcu_dereference_protected(t->buckets,
				       lockdep_is_held(&t->mutex));
	if (nb > ht->mask + 1)
		err = nfv_flow_resize(t, nb);
	if (!err)
		WRITE_ONCE(t->max_flows, max_flows);
	mutex_unlock(&t->mutex);
	return err;
}

/* The size of the bucket array, for `dp show`. */
unsigned int nfv_flow_table_buckets(struct nfv_flow_table *t)
{
	unsigned int nb;

	rcu_read_lock();
	nb = rcu_dereference(t->buckets)->mask + 1;
	rcu_read_unlock();
	return nb;
}

int nfv_flow_table_init(struct nfv_flow_table *t, u32 max_flows)
{
	struct nfv_flow_buckets *ht;
	unsigned int i;

	/* A key's stripe is the same in every array: see flow.h. */
	BUILD_BUG_ON(NFV_FLOW_LOCKS > NFV_MIN_BUCKETS);
	BUILD_BUG_ON(!is_power_of_2(NFV_FLOW_LOCKS));
	ht = nfv_flow_buckets_alloc(nfv_flow_nbuckets(max_flows));
	if (!ht)
		return -ENOMEM;
	t->locks = kvmalloc_array(NFV_FLOW_LOCKS, sizeof(*t->locks),
				  GFP_KERNEL_ACCOUNT);
	if (!t->locks) {
		kvfree(ht);
		return -ENOMEM;
	}
	for (i = 0; i < NFV_FLOW_LOCKS; i++)
		spin_lock_init(&t->locks[i]);
	RCU_INIT_POINTER(t->buckets, ht);
	t->lock_mask = NFV_FLOW_LOCKS - 1;
	t->moved = 0;
	t->gen = 0;
	get_random_bytes(&t->seed, sizeof(t->seed));
	atomic_set(&t->count, 0);
	t->max_flows = max_flows;
	for (i = 0; i < __NFV_TMO_MAX; i++)
		t->tmo[i] = nfv_default_tmo[i] * HZ;
	nfv_flow_timeouts_init(t);
	mutex_init(&t->mutex);
	t->gc_next = 0;
	t->drain_clock = 0;
	t->drain_tick = jiffies + NFV_DRAIN_TICK;
	INIT_DELAYED_WORK(&t->gc_work, nfv_flow_gc);
	queue_delayed_work(system_power_efficient_wq, &t->gc_work,
			   NFV_GC_INTERVAL);
	return 0;
}

/* The datapath has no ports left: nothing adds flows any more. */
void nfv_flow_table_destroy(struct nfv_flow_table *t)
{
	cancel_delayed_work_sync(&t->gc_work);
	nfv_flow_flush(t, -1);
	WARN_ON(atomic_read(&t->count));
	kvfree(t->locks);
	kvfree(rcu_dereference_protected(t->buckets, true));
	mutex_destroy(&t->mutex);
}
