// SPDX-License-Identifier: GPL-2.0
/*
 * nfv_cgnat: the "cgnat" NF type. An instance is configured once, at
 * NF_NEW: its pools, inside prefix, block size, limits, static
 * mappings and destinations not translated; NF_GET shows its use, NF_ITEM_GET its mappings.
 */
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <net/netlink.h>

#include "cgnat.h"

/* Literal numbers, for scripts/check-spec.py; cg_init() checks them. */
static struct netlink_range_validation cg_block_size_range = {
	.min = 8,		/* CG_BLOCK_MIN */
	.max = 64512,		/* CG_PORTS */
};

static struct netlink_range_validation cg_quarantine_range = {
	.max = 86400,
};

static struct netlink_range_validation cg_limit_range = {
	.min = 1,
	.max = 16777216,	/* CG_LIMIT_MAX */
};

/*
 * Timeouts: the policy takes 1 .. NFV_TIMEOUT_MAX, cg_parse_timeouts()
 * the RFC floors, with a message that names them.
 */
static struct netlink_range_validation cg_timeout_range = {
	.min = 1,
	.max = 604800,		/* NFV_TIMEOUT_MAX */
};

static const struct nla_policy cg_pool_policy[NFV_CGNAT_POOL_A_MAX + 1] = {
	[NFV_CGNAT_POOL_A_ADDR]	= { .type = NLA_BE32 },
	[NFV_CGNAT_POOL_A_LEN]	= NLA_POLICY_RANGE(NLA_U8, 16, 32),
};

static const struct nla_policy cg_exclude_policy[NFV_CGNAT_EXCLUDE_A_MAX + 1] = {
	[NFV_CGNAT_EXCLUDE_A_ADDR] = { .type = NLA_BE32 },
	[NFV_CGNAT_EXCLUDE_A_LEN] = NLA_POLICY_MAX(NLA_U8, 32),
};

static const struct nla_policy cg_policy[NFV_CGNAT_A_MAX + 1] = {
	[NFV_CGNAT_A_POOLS]	= { .type = NLA_NESTED },
	[NFV_CGNAT_A_INSIDE]	= { .type = NLA_BE32 },
	[NFV_CGNAT_A_INSIDE_LEN] = NLA_POLICY_RANGE(NLA_U8, 1, 32),
	[NFV_CGNAT_A_BLOCK_SIZE] = NLA_POLICY_FULL_RANGE(NLA_U32,
							 &cg_block_size_range),
	[NFV_CGNAT_A_MAX_BLOCKS] = NLA_POLICY_RANGE(NLA_U32, 1, 64), /* CG_MAX_BLOCKS_SUB */
	[NFV_CGNAT_A_MAX_SESSIONS] = NLA_POLICY_MIN(NLA_U32, 1),
	[NFV_CGNAT_A_QUARANTINE] = NLA_POLICY_FULL_RANGE(NLA_U32,
							 &cg_quarantine_range),
	[NFV_CGNAT_A_MAX_SUBSCRIBERS] = NLA_POLICY_FULL_RANGE(NLA_U32,
							      &cg_limit_range),
	[NFV_CGNAT_A_MAX_MAPPINGS] = NLA_POLICY_FULL_RANGE(NLA_U32,
							   &cg_limit_range),
	[NFV_CGNAT_A_OUTSIDE_ZONE] = { .type = NLA_U16 },
	[NFV_CGNAT_A_FILTERING]	= NLA_POLICY_MAX(NLA_U8, NFV_CGNAT_FILTER_MAX),
	[NFV_CGNAT_A_TIMEOUT_UDP] = NLA_POLICY_FULL_RANGE(NLA_U32,
							  &cg_timeout_range),
	[NFV_CGNAT_A_TIMEOUT_TCP_ESTABLISHED] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &cg_timeout_range),
	[NFV_CGNAT_A_TIMEOUT_TCP_TRANSITORY] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &cg_timeout_range),
	[NFV_CGNAT_A_TIMEOUT_ICMP] = NLA_POLICY_FULL_RANGE(NLA_U32,
							   &cg_timeout_range),
	[NFV_CGNAT_A_MODE]	= NLA_POLICY_MAX(NLA_U8, NFV_CGNAT_MODE_MAX),
	[NFV_CGNAT_A_SESSION_EVENTS] = NLA_POLICY_MAX(NLA_U8, 1),
	[NFV_CGNAT_A_STATICS]	= { .type = NLA_NESTED },
	[NFV_CGNAT_A_EXCLUDES]	= { .type = NLA_NESTED },
	[NFV_CGNAT_A_POOL_ID]	= { .type = NLA_U32 },
};

/* Each timeout's attribute, default and RFC floor, in enum cg_tmo order. */
static const struct {
	int attr;
	u32 def, floor;
} cg_tmo_attrs[CG_TMO_COUNT] = {
	[CG_TMO_UDP] = { NFV_CGNAT_A_TIMEOUT_UDP, 300, 120 },
	[CG_TMO_TCP_EST] = { NFV_CGNAT_A_TIMEOUT_TCP_ESTABLISHED, 7440, 7440 },
	[CG_TMO_TCP_TRANS] = { NFV_CGNAT_A_TIMEOUT_TCP_TRANSITORY, 240, 240 },
	[CG_TMO_ICMP] = { NFV_CGNAT_A_TIMEOUT_ICMP, 60, 60 },
};

static u32 cg_mask(u8 len)
{
	return len ? ~0U << (32 - len) : 0;
}

static bool cg_overlap(u32 a, u8 alen, u32 b, u8 blen)
{
	return !((a ^ b) & cg_mask(min(alen, blen)));
}

static int cg_parse_inside(struct cg_inst *cg, struct nlattr **tb,
			   struct netlink_ext_ack *extack)
{
	struct nlattr *a = tb[NFV_CGNAT_A_INSIDE];
	u32 addr = CG_DEF_INSIDE;
	u8 len = CG_DEF_INSIDE_LEN;

	if (a) {
		addr = ntohl(nla_get_be32(a));
		len = 32;
	}
	if (tb[NFV_CGNAT_A_INSIDE_LEN])
		len = nla_get_u8(tb[NFV_CGNAT_A_INSIDE_LEN]);
	if (addr & ~cg_mask(len)) {
		NL_SET_ERR_MSG_ATTR(extack, a ?: tb[NFV_CGNAT_A_INSIDE_LEN],
				    "inside prefix has bits past its length");
		return -EINVAL;
	}
	cg->inside = htonl(addr);
	cg->inside_mask = htonl(cg_mask(len));
	cg->inside_len = len;
	return 0;
}

static int cg_parse_pool(struct cg_inst *cg, struct nlattr *a,
			 struct netlink_ext_ack *extack)
{
	struct nlattr *tb[NFV_CGNAT_POOL_A_MAX + 1];
	struct cg_pool *p = &cg->pools[cg->npools];
	unsigned int i;
	int err;

	if (nla_type(a) != NFV_CGNAT_A_POOL) {
		NL_SET_ERR_MSG_ATTR(extack, a, "pools holds pool attributes only");
		return -EINVAL;
	}
	if (cg->npools >= CG_MAX_POOLS) {
		NL_SET_ERR_MSG_ATTR(extack, a, "too many pools (8 at most)");
		return -E2BIG;
	}
	err = nla_parse_nested(tb, NFV_CGNAT_POOL_A_MAX, a, cg_pool_policy,
			       extack);
	if (err)
		return err;
	if (!tb[NFV_CGNAT_POOL_A_ADDR]) {
		NL_SET_ERR_MSG_ATTR(extack, a, "pool without an address");
		return -EINVAL;
	}
	p->first = ntohl(nla_get_be32(tb[NFV_CGNAT_POOL_A_ADDR]));
	p->len = tb[NFV_CGNAT_POOL_A_LEN] ?
		 nla_get_u8(tb[NFV_CGNAT_POOL_A_LEN]) : 32;
	p->n = 1U << (32 - p->len);
	if (p->first & ~cg_mask(p->len)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFV_CGNAT_POOL_A_ADDR],
				    "pool prefix has bits past its length");
		return -EINVAL;
	}
	if (cg_overlap(p->first, p->len, ntohl(cg->inside), cg->inside_len)) {
		NL_SET_ERR_MSG_ATTR(extack, a, "pool overlaps the inside prefix");
		return -EINVAL;
	}
	for (i = 0; i < cg->npools; i++) {
		if (cg_overlap(p->first, p->len, cg->pools[i].first,
			       cg->pools[i].len)) {
			NL_SET_ERR_MSG_ATTR(extack, a, "pools overlap");
			return -EINVAL;
		}
	}
	if (cg->naddrs + p->n > CG_MAX_ADDRS) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "too many pool addresses (65536 at most)");
		return -E2BIG;
	}
	cg->naddrs += p->n;
	cg->npools++;
	return 0;
}

static int cg_parse_pools(struct cg_inst *cg, struct nlattr **tb,
			  struct netlink_ext_ack *extack)
{
	struct nlattr *a;
	int rem, err;

	if (!tb[NFV_CGNAT_A_POOLS]) {
		NL_SET_ERR_MSG(extack, "missing pool (NFV_CGNAT_A_POOLS)");
		return -EINVAL;
	}
	nla_for_each_nested(a, tb[NFV_CGNAT_A_POOLS], rem) {
		err = cg_parse_pool(cg, a, extack);
		if (err)
			return err;
	}
	/*
	 * The policy does not look inside pools: bytes left over are a
	 * pool cut short, which would otherwise be dropped unsaid.
	 */
	if (rem > 0) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFV_CGNAT_A_POOLS],
				    "pools ends in a truncated attribute");
		return -EINVAL;
	}
	if (!cg->npools) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFV_CGNAT_A_POOLS],
				    "no pool in pools");
		return -EINVAL;
	}
	return 0;
}

/*
 * One destination prefix not translated: it may not overlap the inside
 * prefix (whose flows are not outbound) or a pool (hairpins and inbound
 * flows go there).
 */
static int cg_parse_exclude(struct cg_inst *cg, struct nlattr *a,
			    struct cg_prefix *x, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[NFV_CGNAT_EXCLUDE_A_MAX + 1];
	unsigned int i;
	u32 addr;
	int err;

	if (nla_type(a) != NFV_CGNAT_A_EXCLUDE) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "excludes holds exclude attributes only");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, NFV_CGNAT_EXCLUDE_A_MAX, a,
			       cg_exclude_policy, extack);
	if (err)
		return err;
	if (!tb[NFV_CGNAT_EXCLUDE_A_ADDR]) {
		NL_SET_ERR_MSG_ATTR(extack, a, "exclude without an address");
		return -EINVAL;
	}
	addr = ntohl(nla_get_be32(tb[NFV_CGNAT_EXCLUDE_A_ADDR]));
	x->len = tb[NFV_CGNAT_EXCLUDE_A_LEN] ?
		 nla_get_u8(tb[NFV_CGNAT_EXCLUDE_A_LEN]) : 32;
	if (addr & ~cg_mask(x->len)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFV_CGNAT_EXCLUDE_A_ADDR],
				    "exclude prefix has bits past its length");
		return -EINVAL;
	}
	if (cg_overlap(addr, x->len, ntohl(cg->inside), cg->inside_len)) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "exclude overlaps the inside prefix");
		return -EINVAL;
	}
	for (i = 0; i < cg->npools; i++) {
		if (cg_overlap(addr, x->len, cg->pools[i].first,
			       cg->pools[i].len)) {
			NL_SET_ERR_MSG_ATTR(extack, a, "exclude overlaps a pool");
			return -EINVAL;
		}
	}
	x->addr = htonl(addr);
	x->mask = htonl(cg_mask(x->len));
	return 0;
}

static int cg_parse_excludes(struct cg_inst *cg, struct nlattr *list,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *a;
	int rem, err;

	if (!list)
		return 0;
	cg->excludes = kcalloc(CG_MAX_EXCLUDES, sizeof(*cg->excludes),
			       GFP_KERNEL);
	if (!cg->excludes)
		return -ENOMEM;
	nla_for_each_nested(a, list, rem) {
		if (cg->nexcludes >= CG_MAX_EXCLUDES) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "too many excludes (64 at most)");
			return -E2BIG;
		}
		err = cg_parse_exclude(cg, a, &cg->excludes[cg->nexcludes],
				       extack);
		if (err)
			return err;
		cg->nexcludes++;
	}
	return 0;
}

static u32 cg_get_u32(struct nlattr **tb, int type, u32 def)
{
	return tb[type] ? nla_get_u32(tb[type]) : def;
}

static int cg_parse_limits(struct cg_inst *cg, struct nlattr **tb,
			   struct netlink_ext_ack *extack)
{
	struct nlattr *bsa = tb[NFV_CGNAT_A_BLOCK_SIZE];
	u32 bs = cg_get_u32(tb, NFV_CGNAT_A_BLOCK_SIZE, CG_DEF_BLOCK_SIZE);

	if (CG_PORTS % bs) {
		NL_SET_ERR_MSG_ATTR(extack, bsa,
				    "block size must divide 64512 (ports 1024-65535)");
		return -EINVAL;
	}
	if (tb[NFV_CGNAT_A_MODE])
		cg->mode = nla_get_u8(tb[NFV_CGNAT_A_MODE]);
	if (cg->mode == NFV_CGNAT_MODE_BLOCK &&
	    (u64)cg->naddrs * (CG_PORTS / bs) > CG_MAX_BLOCKS_TOTAL) {
		NL_SET_ERR_MSG_ATTR(extack, bsa ?: tb[NFV_CGNAT_A_POOLS],
				    "too many blocks: fewer pool addresses or larger blocks");
		return -E2BIG;
	}
	cg->block_size = bs;
	cg->max_blocks = cg_get_u32(tb, NFV_CGNAT_A_MAX_BLOCKS,
				    CG_DEF_MAX_BLOCKS);
	cg->max_sessions = cg_get_u32(tb, NFV_CGNAT_A_MAX_SESSIONS,
				      CG_DEF_MAX_SESSIONS);
	cg->quarantine = cg_get_u32(tb, NFV_CGNAT_A_QUARANTINE,
				    CG_DEF_QUARANTINE) * HZ;
	cg->max_subs = cg_get_u32(tb, NFV_CGNAT_A_MAX_SUBSCRIBERS,
				  CG_DEF_MAX_SUBS);
	cg->max_maps = cg_get_u32(tb, NFV_CGNAT_A_MAX_MAPPINGS,
				  CG_DEF_MAX_MAPS);
	if (tb[NFV_CGNAT_A_OUTSIDE_ZONE])
		cg->outside_zone = nla_get_u16(tb[NFV_CGNAT_A_OUTSIDE_ZONE]);
	if (tb[NFV_CGNAT_A_FILTERING])
		cg->filtering = nla_get_u8(tb[NFV_CGNAT_A_FILTERING]);
	return 0;
}

/*
 * Deterministic mode: the formula for the inside prefix over all pool
 * addresses (det.h), each subscriber at least block-size ports.
 */
static int cg_parse_det(struct cg_inst *cg, struct nlattr **tb,
			struct netlink_ext_ack *extack)
{
	struct nlattr *a = tb[NFV_CGNAT_A_MODE];

	if (cg->mode != NFV_CGNAT_MODE_DETERMINISTIC)
		return 0;
	switch (cg_det_init(&cg->det, ntohl(cg->inside), cg->inside_len,
			    cg->naddrs, cg->block_size)) {
	case 0:
		return 0;
	case -EDOM:
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "deterministic: the pool addresses do not divide the inside prefix");
		return -EINVAL;
	default:
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "deterministic: fewer ports per subscriber than block-size");
		return -EINVAL;
	}
}

/* A timeout under its RFC's floor: the message names both. */
static int cg_timeout_low(enum cg_tmo t, struct nlattr *a,
			  struct netlink_ext_ack *extack)
{
	switch (t) {
	case CG_TMO_UDP:
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "udp timeout under 120 s (RFC 4787 REQ-5)");
		break;
	case CG_TMO_TCP_EST:
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "tcp-established timeout under 7440 s (RFC 5382 REQ-5)");
		break;
	case CG_TMO_TCP_TRANS:
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "tcp-transitory timeout under 240 s (RFC 5382 REQ-5)");
		break;
	default:
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "icmp timeout under 60 s (RFC 5508 REQ-1)");
	}
	return -EINVAL;
}

static int cg_parse_timeouts(struct cg_inst *cg, struct nlattr **tb,
			     struct netlink_ext_ack *extack)
{
	unsigned int i;

	for (i = 0; i < CG_TMO_COUNT; i++) {
		struct nlattr *a = tb[cg_tmo_attrs[i].attr];

		cg->tmo_secs[i] = a ? nla_get_u32(a) : cg_tmo_attrs[i].def;
		if (cg->tmo_secs[i] < cg_tmo_attrs[i].floor)
			return cg_timeout_low(i, a, extack);
	}
	return 0;
}

/*
 * The instance's timeout classes, last in create(): the core frees them
 * when the instance leaves its datapath, which one that failed to be
 * created never joined.
 */
static int cg_timeout_classes(struct nfv_nf *nf, struct cg_inst *cg,
			      struct netlink_ext_ack *extack)
{
	unsigned int i;

	for (i = 0; i < CG_TMO_COUNT; i++) {
		cg->tmo_cls[i] = nfv_nf_timeout_class(nf, cg->tmo_secs[i]);
		if (cg->tmo_cls[i] < 0) {
			NL_SET_ERR_MSG(extack,
				       "no timeout class left in the datapath");
			return cg->tmo_cls[i];
		}
	}
	return 0;
}

/* Hash buckets for up to max entries: a quarter as many, bounded. */
static u32 cg_nbuckets(u32 max, u32 lo, u32 hi)
{
	return roundup_pow_of_two(clamp(max / 4, lo, hi));
}

/*
 * Subscribers: in block mode each holds a block or a static mapping, so
 * the pool bounds them as well as max-subscribers does; sized to the
 * smaller (a /32 pool of 512-port blocks: 32 buckets, not 16,384). Only
 * a size: should more come, their chains grow, max-subscribers holds.
 */
static u32 cg_max_subs(const struct cg_inst *cg, u32 nblocks)
{
	u64 held = (u64)cg->naddrs * nblocks + CG_MAX_STATICS;

	return nblocks ? min_t(u64, cg->max_subs, held) : cg->max_subs;
}

/*
 * The mapping hashes start at CG_MAP_BUCKETS_FIRST buckets and grow
 * eightfold, in process context, each time the mappings pass four a
 * bucket, up to a quarter of max-mappings (the load they were always
 * sized for): a new instance zeroes 1 KiB of buckets rather than up to
 * 4 MiB, and one with few subscribers never needs more. Until the work
 * runs, chains grow past four; a failed allocation leaves the hashes as
 * they are, to be tried again at the next mapping.
 */
#define CG_MAP_BUCKETS_FIRST	64
#define CG_MAP_GROWTH		8

static void cg_map_grow_work(struct work_struct *work)
{
	struct cg_inst *cg = container_of(work, struct cg_inst, map_grow);
	unsigned long *in, *pub, *old_in, *old_pub;
	u32 n;

	spin_lock_bh(&cg->lock);
	n = min(cg->map_mask + 1, (cg->map_max_mask + 1) / CG_MAP_GROWTH) *
	    CG_MAP_GROWTH;
	spin_unlock_bh(&cg->lock);
	/* Only this work changes the size: n stays right while unlocked. */
	in = kvcalloc(n, sizeof(*in), GFP_KERNEL);
	pub = kvcalloc(n, sizeof(*pub), GFP_KERNEL);
	if (!in || !pub) {
		kvfree(in);
		kvfree(pub);
		return;
	}
	spin_lock_bh(&cg->lock);
	old_in = cg->maps_in;
	old_pub = cg->maps_pub;
	cg_maps_rehash(cg, in, pub, n - 1);
	/* A dump's place is gone with the old buckets' order. */
	cg->cursor.idx = ULONG_MAX;
	cg->map_grow_at = n > cg->map_max_mask ? U32_MAX : n * 4;
	spin_unlock_bh(&cg->lock);
	kvfree(old_in);
	kvfree(old_pub);
}

static int cg_alloc(struct cg_inst *cg)
{
	u32 nblocks = CG_PORTS / cg->block_size, i, nmaps;

	cg->addrs = kvcalloc(cg->naddrs, sizeof(*cg->addrs), GFP_KERNEL);
	if (cg->mode == NFV_CGNAT_MODE_DETERMINISTIC)
		nblocks = 0;	/* the formula needs no block */
	else
		cg->block_mem = kvcalloc(cg->naddrs * nblocks,
					 sizeof(*cg->block_mem), GFP_KERNEL);
	cg->sub_mask = cg_nbuckets(cg_max_subs(cg, nblocks), 16, 1U << 16) - 1;
	cg->subs = kvcalloc(cg->sub_mask + 1, sizeof(*cg->subs), GFP_KERNEL);
	cg->map_max_mask = cg_nbuckets(cg->max_maps, CG_MAP_BUCKETS_FIRST,
				       1U << 18) - 1;
	nmaps = min(cg->map_max_mask + 1, CG_MAP_BUCKETS_FIRST);
	cg->map_mask = nmaps - 1;
	cg->map_grow_at = nmaps > cg->map_max_mask ? U32_MAX : nmaps * 4;
	cg->maps_in = kvcalloc(nmaps, sizeof(*cg->maps_in), GFP_KERNEL);
	cg->maps_pub = kvcalloc(nmaps, sizeof(*cg->maps_pub), GFP_KERNEL);
	cg->stats = alloc_percpu(struct cg_stats);
	if (!cg->addrs || (nblocks && !cg->block_mem) || !cg->subs ||
	    !cg->maps_in || !cg->maps_pub || !cg->stats)
		return -ENOMEM;
	for (i = 0; nblocks && i < cg->naddrs; i++)
		cg_blocks_init(&cg->addrs[i].blocks,
			       cg->block_mem + i * nblocks, cg->block_size);
	return 0;
}

static void cg_destroy(struct nfv_nf *nf)
{
	struct cg_inst *cg = nfv_nf_priv(nf);

	/* No mapping is made any more: nothing queues it again. */
	cancel_work_sync(&cg->map_grow);
	cg_tables_free(cg);
	free_percpu(cg->stats);
}

static int cg_create(struct nfv_nf *nf, struct nlattr **tb,
		     struct netlink_ext_ack *extack)
{
	struct cg_inst *cg = nfv_nf_priv(nf);
	int err;

	spin_lock_init(&cg->lock);
	INIT_WORK(&cg->map_grow, cg_map_grow_work);
	INIT_LIST_HEAD(&cg->statics);
	/* Answers to exhaustion, at most 100 a second, silently. */
	ratelimit_state_init(&cg->reject_rs, HZ, 100);
	ratelimit_set_flags(&cg->reject_rs, RATELIMIT_MSG_ON_RELEASE);
	cg->seed = get_random_u32();
	cg_ev_init(nf, cg, tb);
	err = cg_parse_inside(cg, tb, extack) ?:
	      cg_parse_pools(cg, tb, extack) ?:
	      cg_parse_limits(cg, tb, extack) ?:
	      cg_parse_det(cg, tb, extack) ?:
	      cg_parse_timeouts(cg, tb, extack) ?:
	      cg_parse_excludes(cg, tb[NFV_CGNAT_A_EXCLUDES], extack) ?:
	      cg_alloc(cg) ?:
	      cg_parse_statics(cg, tb[NFV_CGNAT_A_STATICS], extack) ?:
	      cg_timeout_classes(nf, cg, extack);
	if (err)
		cg_destroy(nf);
	return err;
}

static int cg_fill_pool(struct cg_inst *cg, struct sk_buff *skb,
			const struct cg_pool *p, u32 base)
{
	u32 used = 0, quar = 0, subs = 0, i;
	struct nlattr *nest;

	for (i = base; i < base + p->n; i++) {
		struct cg_addr *a = &cg->addrs[i];

		cg_blocks_expire(&a->blocks, jiffies);
		used += a->blocks.used;
		quar += a->blocks.quarantined;
		subs += a->nsubs;
	}
	nest = nla_nest_start(skb, NFV_CGNAT_A_POOL);
	if (!nest ||
	    nla_put_in_addr(skb, NFV_CGNAT_POOL_A_ADDR, htonl(p->first)) ||
	    nla_put_u8(skb, NFV_CGNAT_POOL_A_LEN, p->len) ||
	    nla_put_u32(skb, NFV_CGNAT_POOL_A_ADDRESSES, p->n) ||
	    nla_put_u32(skb, NFV_CGNAT_POOL_A_SUBSCRIBERS, subs))
		return -EMSGSIZE;
	if (cg->mode == NFV_CGNAT_MODE_BLOCK &&
	    (nla_put_u32(skb, NFV_CGNAT_POOL_A_BLOCKS,
			 p->n * (CG_PORTS / cg->block_size)) ||
	     nla_put_u32(skb, NFV_CGNAT_POOL_A_BLOCKS_USED, used) ||
	     nla_put_u32(skb, NFV_CGNAT_POOL_A_BLOCKS_QUARANTINED, quar)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int cg_fill_pools(struct cg_inst *cg, struct sk_buff *skb)
{
	struct nlattr *nest = nla_nest_start(skb, NFV_CGNAT_A_POOLS);
	unsigned int i;
	u32 base = 0;
	int err = 0;

	if (!nest)
		return -EMSGSIZE;
	spin_lock_bh(&cg->lock);
	for (i = 0; i < cg->npools && !err; i++) {
		err = cg_fill_pool(cg, skb, &cg->pools[i], base);
		base += cg->pools[i].n;
	}
	if (!err) {
		nla_nest_end(skb, nest);
		err = nla_put_u32(skb, NFV_CGNAT_A_SUBSCRIBERS, cg->nsubs) ?:
		      nla_put_u32(skb, NFV_CGNAT_A_MAPPINGS, cg->nmaps);
	}
	spin_unlock_bh(&cg->lock);
	return err ? -EMSGSIZE : 0;
}

static int cg_fill_excludes(struct cg_inst *cg, struct sk_buff *skb)
{
	struct nlattr *list, *nest;
	unsigned int i;

	if (!cg->nexcludes)
		return 0;
	list = nla_nest_start(skb, NFV_CGNAT_A_EXCLUDES);
	if (!list)
		return -EMSGSIZE;
	for (i = 0; i < cg->nexcludes; i++) {
		nest = nla_nest_start(skb, NFV_CGNAT_A_EXCLUDE);
		if (!nest ||
		    nla_put_in_addr(skb, NFV_CGNAT_EXCLUDE_A_ADDR,
				    cg->excludes[i].addr) ||
		    nla_put_u8(skb, NFV_CGNAT_EXCLUDE_A_LEN,
			       cg->excludes[i].len))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	nla_nest_end(skb, list);
	return 0;
}

static int cg_fill_stats(struct cg_inst *cg, struct sk_buff *skb)
{
	u64 sum[__NFV_CGNAT_STAT_MAX] = {};
	struct nlattr *nest;
	int cpu, i;

	for_each_possible_cpu(cpu)
		for (i = NFV_CGNAT_STAT_PAD + 1; i < __NFV_CGNAT_STAT_MAX; i++)
			sum[i] += READ_ONCE(per_cpu_ptr(cg->stats, cpu)->stat[i]);
	nest = nla_nest_start(skb, NFV_CGNAT_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = NFV_CGNAT_STAT_PAD + 1; i < __NFV_CGNAT_STAT_MAX; i++)
		if (nla_put_u64_64bit(skb, i, sum[i], NFV_CGNAT_STAT_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int cg_fill_info(struct nfv_nf *nf, struct sk_buff *skb)
{
	struct cg_inst *cg = nfv_nf_priv(nf);
	unsigned int i;

	if (nla_put_in_addr(skb, NFV_CGNAT_A_INSIDE, cg->inside) ||
	    nla_put_u8(skb, NFV_CGNAT_A_INSIDE_LEN, cg->inside_len) ||
	    nla_put_u32(skb, NFV_CGNAT_A_BLOCK_SIZE, cg->block_size) ||
	    nla_put_u32(skb, NFV_CGNAT_A_MAX_BLOCKS, cg->max_blocks) ||
	    nla_put_u32(skb, NFV_CGNAT_A_MAX_SESSIONS, cg->max_sessions) ||
	    nla_put_u32(skb, NFV_CGNAT_A_QUARANTINE, cg->quarantine / HZ) ||
	    nla_put_u32(skb, NFV_CGNAT_A_MAX_SUBSCRIBERS, cg->max_subs) ||
	    nla_put_u32(skb, NFV_CGNAT_A_MAX_MAPPINGS, cg->max_maps) ||
	    nla_put_u16(skb, NFV_CGNAT_A_OUTSIDE_ZONE, cg->outside_zone) ||
	    nla_put_u8(skb, NFV_CGNAT_A_FILTERING, cg->filtering) ||
	    nla_put_u8(skb, NFV_CGNAT_A_MODE, cg->mode) ||
	    nla_put_u8(skb, NFV_CGNAT_A_SESSION_EVENTS, cg->session_events) ||
	    nla_put_u32(skb, NFV_CGNAT_A_POOL_ID, cg->pool_id))
		return -EMSGSIZE;
	if (cg->mode == NFV_CGNAT_MODE_DETERMINISTIC &&
	    (nla_put_u32(skb, NFV_CGNAT_A_DET_PORTS, cg->det.ports) ||
	     nla_put_u32(skb, NFV_CGNAT_A_DET_SUBSCRIBERS, cg->det.per_addr)))
		return -EMSGSIZE;
	for (i = 0; i < CG_TMO_COUNT; i++)
		if (nla_put_u32(skb, cg_tmo_attrs[i].attr, cg->tmo_secs[i]))
			return -EMSGSIZE;
	return cg_fill_pools(cg, skb) ?: cg_fill_statics(cg, skb) ?:
	       cg_fill_excludes(cg, skb) ?: cg_fill_stats(cg, skb);
}

/*
 * Mapping idx of maps_in's buckets in order, under cg->lock. A dump asks
 * for 0, 1, 2... (the same one again when its message was full): the
 * cursor makes each step start where the last one ended.
 */
static unsigned long cg_map_at(struct cg_inst *cg, unsigned long idx)
{
	u32 b = 0, pos, skip = 0;
	unsigned long i = 0, link;

	if (idx && idx - cg->cursor.idx <= 1) {
		b = cg->cursor.bucket;
		skip = cg->cursor.pos + (idx - cg->cursor.idx);
		i = idx;
	}
	for (; b <= cg->map_mask; b++, skip = 0) {
		pos = 0;
		for (link = cg->maps_in[b]; link;
		     link = cg_link_next(cg, link)) {
			if (pos++ < skip)
				continue;
			if (i++ == idx) {
				cg->cursor.idx = idx;
				cg->cursor.bucket = b;
				cg->cursor.pos = pos - 1;
				return link;
			}
		}
	}
	return 0;
}

static int cg_fill_item(struct nfv_nf *nf, struct sk_buff *skb,
			unsigned long idx)
{
	struct cg_inst *cg = nfv_nf_priv(nf);
	const struct cg_map *map;
	unsigned long link;
	struct cg_map buf;
	int err = -ENOENT;

	spin_lock_bh(&cg->lock);
	link = cg_map_at(cg, idx);
	if (link) {
		map = cg_link_map(cg, link, &buf);
		err = cg_fill_map(cg, skb, map) ?:
		      nla_put_u32(skb, NFV_CGNAT_MAP_A_FLOWS, map->flows) ?:
		      (cg_map_static(map) ?
		       nla_put_flag(skb, NFV_CGNAT_MAP_A_STATIC) : 0);
	}
	spin_unlock_bh(&cg->lock);
	return err;
}

static struct nfv_nf_type cg_type = {
	.name = "cgnat",
	.owner = THIS_MODULE,
	.priv_size = sizeof(struct cg_inst),
	.flow_priv_size = sizeof(struct cg_flow),
	.nat = true,
	.policy = cg_policy,
	.maxattr = NFV_CGNAT_A_MAX,
	.create = cg_create,
	.destroy = cg_destroy,
	.process = cg_process,
	.flow_destroy = cg_flow_destroy,
	.fill_info = cg_fill_info,
	.fill_item = cg_fill_item,
	.filter_policy = cg_lookup_policy,
	.filter_maxattr = NFV_CGNAT_MAP_A_MAX,
	.fill_item_filter = cg_lookup,
};

static int __init cg_init(void)
{
	BUILD_BUG_ON(CG_PORTS % CG_DEF_BLOCK_SIZE);
	BUILD_BUG_ON(CG_BLOCK_MIN != 8 || CG_PORTS != 64512 ||
		     CG_LIMIT_MAX != 16777216 || CG_MAX_BLOCKS_SUB != 64 ||
		     NFV_TIMEOUT_MAX != 604800);
	BUILD_BUG_ON(CG_MAX_BLOCKS_SUB > U8_MAX);
	/* A mapping of many flows: one line. */
	BUILD_BUG_ON(sizeof(struct cg_map) > 64);
	/* A session's mapping in its flow: 16 bytes of a 152-byte entry. */
	BUILD_BUG_ON(sizeof(struct cg_flow) != 16);
	BUILD_BUG_ON(offsetof(struct cg_static, map));
	BUILD_BUG_ON(CG_STATIC_PORT_MAX >= CG_PORT_FIRST);
	return nfv_nf_type_register(&cg_type);
}

static void __exit cg_exit(void)
{
	nfv_nf_type_unregister(&cg_type);
}

module_init(cg_init);
module_exit(cg_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("nfv carrier-grade NAT44 NF");
MODULE_SOFTDEP("pre: nfv");
MODULE_ALIAS_NFV_NF("cgnat");
MODULE_VERSION(NFV_VERSION);
